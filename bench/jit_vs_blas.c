/* jit_vs_blas: the fused fp32 LSTM step nest (the build and fuse passes), compiled by the LLVM
 * model (fast_reduce), against
 * the unfused OpenBLAS reference on the same weights, batch 1, D = H.
 *
 *   jit_vs_blas [H...]      (default: 256 512 1024 2048)
 *
 * For each H it prints the time per step of both (the best of 3 measurements of at least 0.2 s
 * each), their ratio, and the largest relative difference of h after one run from the same
 * initial state. Set OPENBLAS_NUM_THREADS=1 for a single-core comparison. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/blasref.h"
#include "cpu/cpu.h"
#include "ir/exec.h"
#include "frontend/fe.h"
#include "ir/ir.h"
#include "passes/passes.h"

/* The fused fp32 nest as rnnc compiles it: build and fuse on an fp32 spec with exact
 * activations (what OpenBLAS computes). */
static Func *
fused_lstm(Ctx *c, int H, int D, int T)
{
	char text[256];
	CellSpec s;
	Func *f;

	snprintf(text, sizeof text, "name: lstm\ncell: lstm\nhidden: %d\ninput: %d\ntimesteps: %d\n"
	         "precision: {type: fp32}\nactivation: {impl: exact}\n", H, D, T);
	if (fe_parse_spec(c, "bench.yaml", text, strlen(text), &s) < 0)
		return NULL;
	f = pass_fuse(pass_build(c, &s));
	return f && !ir_verify(f) ? f : NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct Run {
	CpuKernel kern;
	void **bufs;
	BlasCell *blas;
} Run;

static void
run_once(const Run *r)
{
	if (r->kern)
		r->kern(r->bufs);
	else
		cpu_blas_run(r->blas);
}

/* Seconds per call: the best of 3 measurements, each repeating the call for >= 0.2 s. */
static double
measure(const Run *r)
{
	double best = INFINITY;
	int rep;

	for (rep = 0; rep < 3; rep++) {
		double t0 = now(), t;
		long n = 0;

		do {
			run_once(r);
			n++;
			t = now() - t0;
		} while (t < 0.2);
		if (t / (double)n < best)
			best = t / (double)n;
	}
	return best;
}

static int
bench_one(int H, int *met)
{
	int D = H, T = H >= 2048 ? 10 : 25, i;
	Ctx c;
	Func *f;
	Memory m;
	CpuJit *j;
	CpuOptions o = cpu_options_default();
	float *h, *cst;
	void **bufs;
	BlasCell p;
	Run rj, rb;
	double tj, tb, worst = 0;
	int ih, ic;
	int64_t k;

	ir_ctx_init(&c);
	f = fused_lstm(&c, H, D, T);
	o.fast_reduce = 1;
	if (!f || ir_mem_init(f, &m) != 0 || !(j = cpu_jit_new(&c, f, &o))) {
		ir_print_diags(&c, stderr);
		ir_ctx_free(&c);
		return -1;
	}
	ih = ir_find_tensor(f, "h");
	ic = ir_find_tensor(f, "c");
	h = calloc((size_t)m.buf[ih].n, sizeof *h);
	cst = calloc((size_t)H, sizeof *cst);
	bufs = calloc((size_t)f->ntensors, sizeof *bufs);
	if (!h || !cst || !bufs) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	memcpy(h, m.buf[ih].f, (size_t)H * sizeof *h);
	memcpy(cst, m.buf[ic].f, (size_t)H * sizeof *cst);
	for (i = 0; i < f->ntensors; i++)
		bufs[i] = m.buf[i].f;
	p = (BlasCell){CELL_LSTM, T, 1, D, H, m.buf[ir_find_tensor(f, "x")].f,
	               m.buf[ir_find_tensor(f, "wx")].f, m.buf[ir_find_tensor(f, "uh")].f,
	               m.buf[ir_find_tensor(f, "bx")].f, m.buf[ir_find_tensor(f, "bh")].f, h, cst};

	/* one run of each from the same initial state */
	cpu_jit_kernel(j)(bufs);
	cpu_blas_run(&p);
	for (k = 0; k < m.buf[ih].n; k++) {
		double a = m.buf[ih].f[k], b = h[k];
		double r = fabs(a - b) / fmax(1.0, fmax(fabs(a), fabs(b)));

		if (!(r <= worst))
			worst = r;
	}

	rj = (Run){cpu_jit_kernel(j), bufs, NULL};
	rb = (Run){NULL, NULL, &p};
	tj = measure(&rj) / T * 1e6;
	tb = measure(&rb) / T * 1e6;
	printf("%6d %14.1f %14.1f %8.2f %14.2e\n", H, tj, tb, tb / tj, worst);
	fflush(stdout);
	if (!(tj <= tb) || (H <= 512 && !(tj < tb)) || !(worst <= 1e-5))
		*met = 0;
	cpu_jit_free(j);
	free(h);
	free(cst);
	free(bufs);
	ir_mem_free(&m);
	ir_ctx_free(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	static const int def[] = {256, 512, 1024, 2048};
	int met = 1, i, n = argc > 1 ? argc - 1 : 4;

	printf("fused fp32 LSTM, batch 1, D = H: LLVM JIT (fast_reduce) vs OpenBLAS, per step\n");
	printf("%6s %14s %14s %8s %14s\n", "H", "JIT us/step", "BLAS us/step", "BLAS/JIT",
	       "max rel diff h");
	for (i = 0; i < n; i++) {
		int H = argc > 1 ? atoi(argv[i + 1]) : def[i];

		if (H < 1 || H > 8192 || bench_one(H, &met) != 0) {
			fprintf(stderr, "jit_vs_blas: cannot run H = %d\n", H);
			return 1;
		}
	}
	printf("target (JIT matches OpenBLAS at every H, beats it at H <= 512, h within 1e-5): %s\n",
	       met ? "met" : "NOT met");
	return 0;
}
