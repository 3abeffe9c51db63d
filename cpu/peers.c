/* Measured CPU peers (peers.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "../ir/exec.h"
#include "blasref.h"
#include "cpu.h"
#include "dnnl.h"
#include "peers.h"

static const char *const peer_name[NPEER] = {"oneDNN fp32", "oneDNN int8", "OpenBLAS",
                                             "rnnc LLVM"};
static const char *const peer_key[NPEER] = {"onednn_fp32", "onednn_int8", "openblas",
                                            "rnnc_llvm"};

const char *
cpu_peer_name(CpuPeerKind k)
{
	return peer_name[k];
}

const char *
cpu_peer_key(CpuPeerKind k)
{
	return peer_key[k];
}

void
cpu_host(CpuHost *h)
{
	FILE *f = fopen("/proc/cpuinfo", "r"), *l;
	char line[256];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(h->model, sizeof h->model, "unknown CPU");
	h->cores = n > 0 ? (int)n : 1;
	h->load = -1;
	if ((l = fopen("/proc/loadavg", "r"))) {
		if (fscanf(l, "%lf", &h->load) != 1)
			h->load = -1;
		fclose(l);
	}
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(h->model, sizeof h->model, "%s", v);
		break;
	}
	fclose(f);
}

/* One peer ready to run: what run_once needs. */
typedef struct Runner {
	CpuPeerKind kind;
	CpuKernel kern;
	void **bufs;
	const BlasCell *blas;
	CpuDnnl *dnnl;
} Runner;

static int
run_once(const Runner *r)
{
	switch (r->kind) {
	case PEER_JIT:
		r->kern(r->bufs);
		return 0;
	case PEER_BLAS:
		return cpu_blas_run(r->blas);
	default:
		return cpu_dnnl_run(r->dnnl);
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Seconds per inference: the best of o->reps measurements, each repeating it for at least
 * o->min_seconds; -1 when a run fails. */
static double
measure(const Runner *r, const CpuPeerOptions *o)
{
	double best = INFINITY;
	int rep;

	for (rep = 0; rep < (o->reps > 0 ? o->reps : 1); rep++) {
		double t0 = now(), t;
		long n = 0;

		do {
			if (run_once(r) < 0)
				return -1;
			n++;
			t = now() - t0;
		} while (t < o->min_seconds);
		if (t / (double)n < best)
			best = t / (double)n;
	}
	return best;
}

/* The largest difference of h[1..T] ([T][B][H] each) from the reference's. */
static double
max_diff(const float *h, const float *ref, size_t n)
{
	double worst = 0;
	size_t k;

	for (k = 0; k < n; k++) {
		double a = h[k], b = ref[k];
		double r = fabs(a - b) / fmax(1.0, fmax(fabs(a), fabs(b)));

		if (!(r <= worst))
			worst = r;
	}
	return worst;
}

static void
not_measured(CpuPeer *p, int th, const char *why)
{
	p->sec[th] = -1;
	snprintf(p->why[th], sizeof p->why[th], "%s", why);
}

int
cpu_peers_measure(Ctx *c, const Func *f, CellKind cell, const CpuPeerOptions *o,
                  CpuPeer out[NPEER])
{
	int ix = ir_find_tensor(f, "x"), ih = ir_find_tensor(f, "h"), ic = ir_find_tensor(f, "c");
	int T, B, D, H, k, th, rc = -1, blas_threads = openblas_get_num_threads();
	size_t nh;
	Memory m;
	CpuJit *j = NULL;
	CpuOptions jo = cpu_options_default();
	CpuHost host;
	BlasCell p, init;
	Runner run[NPEER];
	void **bufs = NULL;
	float *h = NULL, *cst = NULL, *c0 = NULL, *ref = NULL, *y = NULL;
	char why[96];

	memset(out, 0, NPEER * sizeof *out);
	memset(run, 0, sizeof run);
	if (ix < 0 || ih < 0 || (cell == CELL_LSTM && ic < 0) || f->tensors[ix].ndim != 3 ||
	    f->tensors[ih].ndim != 3) {
		ir_error(c, f->loc, "the CPU peers need the fused fp32 nest of the cell");
		return -1;
	}
	T = f->tensors[ix].dim[0];
	B = f->tensors[ix].dim[1];
	D = f->tensors[ix].dim[2];
	H = f->tensors[ih].dim[2];
	nh = (size_t)T * (size_t)B * (size_t)H;
	jo.fast_reduce = 1;
	if (ir_mem_init(f, &m) < 0)
		return -1;
	if (!(j = cpu_jit_new(c, f, &jo)))
		goto done;
	cpu_host(&host);
	bufs = calloc((size_t)f->ntensors, sizeof *bufs);
	h = calloc(nh + (size_t)B * (size_t)H, sizeof *h);
	cst = calloc((size_t)B * (size_t)H, sizeof *cst);
	c0 = calloc((size_t)B * (size_t)H, sizeof *c0);
	ref = malloc(nh * sizeof *ref);
	y = malloc(nh * sizeof *y);
	if (!bufs || !h || !cst || !c0 || !ref || !y) {
		ir_error(c, f->loc, "out of memory for the CPU peers");
		goto done;
	}
	for (k = 0; k < f->ntensors; k++)
		bufs[k] = m.buf[k].f;
	/* the initial state: h[0] and c as the nest starts them */
	memcpy(h, m.buf[ih].f, (size_t)B * (size_t)H * sizeof *h);
	if (ic >= 0)
		memcpy(cst, m.buf[ic].f, (size_t)B * (size_t)H * sizeof *cst);
	p = (BlasCell){cell, T, B, D, H, m.buf[ix].f, m.buf[ir_find_tensor(f, "wx")].f,
	               m.buf[ir_find_tensor(f, "uh")].f, m.buf[ir_find_tensor(f, "bx")].f,
	               m.buf[ir_find_tensor(f, "bh")].f, h, cst};
	/* oneDNN's inputs: the initial state, kept */
	init = p;
	init.c = c0;
	memcpy(c0, cst, (size_t)B * (size_t)H * sizeof *c0);
	for (k = PEER_DNNL_F32; k <= PEER_DNNL_INT8; k++) {
		run[k].kind = (CpuPeerKind)k;
		out[k].err = -1;
	}
	run[PEER_BLAS] = (Runner){.kind = PEER_BLAS, .blas = &p};
	run[PEER_JIT] = (Runner){.kind = PEER_JIT, .kern = cpu_jit_kernel(j), .bufs = bufs};

	/* one run of each from the initial state, on one thread: h against the reference's */
	openblas_set_num_threads(1);
	cpu_dnnl_set_threads(1);
	if (cpu_blas_run(&p) < 0) {
		ir_error(c, f->loc, "the OpenBLAS reference cannot run these sizes");
		goto done;
	}
	memcpy(ref, h + (size_t)B * (size_t)H, nh * sizeof *ref);
	out[PEER_BLAS].err = 0;
	run_once(&run[PEER_JIT]);
	out[PEER_JIT].err = max_diff(m.buf[ih].f + (size_t)B * (size_t)H, ref, nh);

	/* the timings: each peer's runs together, one thread, then all cores. A library gets
	 * more threads only around its own runs, and OpenBLAS's come last: its idle workers spin
	 * for a while after a change (and after work), and on a small machine would take a core
	 * from oneDNN's. */
	for (th = 0; th < NPEER_THREADS; th++) {
		static const CpuPeerKind order[NPEER] = {PEER_DNNL_F32, PEER_DNNL_INT8, PEER_JIT,
		                                         PEER_BLAS};
		int n = th == PEER_1T ? 1 : host.cores, i;

		/* oneDNN's primitives, made for the threads they run on (oneDNN splits the work
		 * when it makes one), from the initial state; on one thread, h checked */
		cpu_dnnl_set_threads(n);
		for (k = PEER_DNNL_F32; k <= PEER_DNNL_INT8; k++) {
			if (th == PEER_ALL && !o->all_cores)
				break;
			run[k].dnnl = cpu_dnnl_new(&init, k == PEER_DNNL_INT8, why, sizeof why);
			if (run[k].dnnl && cpu_dnnl_run(run[k].dnnl) < 0) {
				cpu_dnnl_free(run[k].dnnl);
				run[k].dnnl = NULL;
				snprintf(why, sizeof why, "oneDNN failed to run");
			}
			if (!run[k].dnnl) {
				not_measured(&out[k], th, why);
				continue;
			}
			if (th == PEER_1T) {
				cpu_dnnl_output(run[k].dnnl, y);
				out[k].err = max_diff(y, ref, nh);
			}
		}
		cpu_dnnl_set_threads(1);
		for (i = 0; i < NPEER; i++) {
			k = order[i];
			if (th == PEER_ALL && !o->all_cores) {
				not_measured(&out[k], th, "not asked for");
				continue;
			}
			if (k == PEER_JIT && th == PEER_ALL) {
				/* par loops are schedule annotations for the fabric (cpu.h) */
				not_measured(&out[k], th, "single-threaded code");
				continue;
			}
			if ((k == PEER_DNNL_F32 || k == PEER_DNNL_INT8) && !run[k].dnnl)
				continue;
			if (k == PEER_BLAS)
				openblas_set_num_threads(n);
			else
				cpu_dnnl_set_threads(n);
			if (th == PEER_ALL && k != PEER_DNNL_F32 && k != PEER_DNNL_INT8)
				run_once(&run[k]);  /* its threads started (oneDNN's: run above) */
			out[k].sec[th] = measure(&run[k], o);
			if (out[k].sec[th] < 0)
				not_measured(&out[k], th, "failed to run");
			openblas_set_num_threads(1);
			cpu_dnnl_set_threads(1);
		}
		for (k = PEER_DNNL_F32; k <= PEER_DNNL_INT8; k++) {
			cpu_dnnl_free(run[k].dnnl);
			run[k].dnnl = NULL;
		}
	}
	rc = 0;
done:
	openblas_set_num_threads(blas_threads > 0 ? blas_threads : 1);
	for (k = PEER_DNNL_F32; k <= PEER_DNNL_INT8; k++)
		cpu_dnnl_free(run[k].dnnl);
	cpu_jit_free(j);
	free(bufs);
	free(h);
	free(cst);
	free(c0);
	free(ref);
	free(y);
	ir_mem_free(&m);
	return rc;
}
