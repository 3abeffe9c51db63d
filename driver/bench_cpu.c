/* rnnc bench --cpu: the measured CPU peers of DeepBench problems (cpu/peers.h) beside rnnc's
 * simulated Plasticine design of each: oneDNN fp32 and int8, the OpenBLAS reference and rnnc's
 * LLVM code, on one thread and on all cores of the machine that runs it, which every row names.
 * The tables' structure does not depend on the run; the timings do, and nothing else (no
 * dates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "../cpu/dnnl.h"
#include "../cpu/peers.h"
#include "../deepbench/db.h"
#include "../frontend/fe.h"
#include "../passes/passes.h"
#include "driver.h"

/* The default problems: the paper's smallest and a large LSTM, its one-step GRU and a long one. */
static const char *const default_problems[] = {
	"lstm-256-t150", "lstm-1024-t25", "gru-512-t1", "gru-1024-t1500",
};

/* The CPU nest: the problem's cell in fp32 with exact activations (what the CPU libraries
 * compute), fused as rnnc compiles it. */
static const char fp32_keys[] = "precision: {type: fp32}\nactivation: {impl: exact}\n";

typedef struct PeerRow {
	char name[64];
	int ok;                 /* measured */
	CellSpec spec;          /* cell and sizes (its name is not kept) */
	double plasticine_us;   /* rnnc's simulated latency; -1: it did not compile */
	char target[64];
	CpuPeer peer[NPEER];
} PeerRow;

typedef struct PeerBench {
	CpuHost host;
	char on[200];           /* "Intel(R) Xeon(R) Processor, 2 cores" */
	char onednn[64], openblas[160];
	PeerRow *row;
	int nrow;
} PeerBench;

static double
speedup(const PeerRow *w, int k, int th)
{
	return w->plasticine_us > 0 && w->peer[k].sec[th] > 0 ?
	       w->peer[k].sec[th] * 1e6 / w->plasticine_us : -1;
}

static int
measure_row(const Options *o, PeerRow *w)
{
	CpuPeerOptions po = {0.2, 3, 1};
	const Embedded *e = db_find_spec(w->name);
	Options so = *o;
	DrvResult r;
	Ctx c;
	char *text, arg[96];
	Func *f;
	int rc = -1;

	w->plasticine_us = -1;
	ir_ctx_init(&c);
	c.verbosity = -1;
	if (!e) {
		const char *near = db_suggest(&c, w->name);

		if (near)
			ir_error(&c, (Loc){0}, "unknown DeepBench problem '%s'; did you mean '%s'?",
			         w->name, near);
		else
			ir_error(&c, (Loc){0}, "unknown DeepBench problem '%s'; 'rnnc --list-deepbench' "
			         "lists them", w->name);
		drv_finish(&c, 1);
		return -1;
	}
	text = ir_alloc(&c.arena, e->len + sizeof fp32_keys + 1);
	memcpy(text, e->data, e->len);
	text[e->len] = '\n';
	memcpy(text + e->len + 1, fp32_keys, sizeof fp32_keys);
	if (fe_parse_spec(&c, e->path, text, strlen(text), &w->spec) < 0) {
		drv_finish(&c, 1);
		return -1;
	}
	f = pass_fuse(pass_build(&c, &w->spec));
	if (f && !ir_verify(f) && cpu_peers_measure(&c, f, w->spec.cell, &po, w->peer) == 0)
		rc = 0;
	w->spec.name = NULL;
	w->ok = rc == 0;
	if (drv_finish(&c, 0))
		return -1;

	/* rnnc's Plasticine design of the problem (its own precision), as `rnnc bench` has it */
	ir_ctx_init(&c);
	c.verbosity = -1;
	snprintf(arg, sizeof arg, "%s%s", DB_PREFIX, w->name);
	so.inputs[0] = arg;
	so.ninputs = 1;
	so.emit = 0;
	so.outdir = NULL;
	so.verbosity = -1;
	so.cpu_peers = 0;
	if (!o->target && !o->arch)
		so.target = "plasticine-rnn";
	if (drv_evaluate(&c, &so, &r) == 0) {
		w->plasticine_us = r.latency_us;
		snprintf(w->target, sizeof w->target, "%s", r.target);
	}
	if (drv_finish(&c, 0))
		rc = -1;
	return rc;
}

/* A latency in microseconds, or why it was not measured, in `width` characters. */
static void
put_us(FILE *out, int width, const CpuPeer *p, int th)
{
	if (p->sec[th] > 0)
		fprintf(out, " %*.1f", width, p->sec[th] * 1e6);
	else
		fprintf(out, " %*s", width, "-");
}

static void
print_tables(const PeerBench *b, FILE *out)
{
	int i, k, th;

	fprintf(out, "CPU peers, measured on %s (oneDNN %s; %s)\n", b->on, b->onednn, b->openblas);
	if (b->host.load >= 0)
		fprintf(out, "load average when started: %.2f (other work; all-core timings feel it)\n",
		        b->host.load);
	for (i = 0; i < b->nrow; i++) {
		const PeerRow *w = &b->row[i];

		if (!w->ok) {
			fprintf(out, "\n%s: failed (the error is above)\n", w->name);
			continue;
		}
		fprintf(out, "\n%s: %s H %d, D %d, T %d, batch %d; ", w->name,
		        ir_cell_name(w->spec.cell), w->spec.hidden, w->spec.input, w->spec.timesteps,
		        w->spec.batch);
		if (w->plasticine_us > 0)
			fprintf(out, "rnnc on %s %.3f us (simulated)\n", w->target, w->plasticine_us);
		else
			fprintf(out, "rnnc's Plasticine design did not compile\n");
		fprintf(out, "  %-12s %14s %14s %12s %12s %12s  %s\n", "peer", "1 core us",
		        "all cores us", "1 core x", "all cores x", "h rel diff", "measured on");
		for (k = 0; k < NPEER; k++) {
			const CpuPeer *p = &w->peer[k];
			const char *why = NULL;

			fprintf(out, "  %-12s", cpu_peer_name((CpuPeerKind)k));
			for (th = 0; th < NPEER_THREADS; th++)
				put_us(out, 14, p, th);
			for (th = 0; th < NPEER_THREADS; th++) {
				double s = speedup(w, k, th);

				if (s > 0)
					fprintf(out, " %11.1fx", s);
				else
					fprintf(out, " %12s", "-");
			}
			if (p->err >= 0)
				fprintf(out, " %12.1e", p->err);
			else
				fprintf(out, " %12s", "-");
			fprintf(out, "  %s", b->on);
			for (th = 0; th < NPEER_THREADS && !why; th++)
				if (p->sec[th] < 0)
					why = p->why[th];
			if (why)
				fprintf(out, "; %s: %s", p->sec[PEER_1T] < 0 ? "not measured" : "all cores",
				        why);
			fputc('\n', out);
		}
		if (w->peer[PEER_JIT].sec[PEER_1T] > 0 && w->peer[PEER_DNNL_F32].sec[PEER_1T] > 0)
			fprintf(out, "  rnnc LLVM against oneDNN fp32, 1 core: %.2fx; against OpenBLAS: "
			        "%.2fx (above 1: rnnc faster)\n",
			        w->peer[PEER_DNNL_F32].sec[PEER_1T] / w->peer[PEER_JIT].sec[PEER_1T],
			        w->peer[PEER_BLAS].sec[PEER_1T] / w->peer[PEER_JIT].sec[PEER_1T]);
	}
	fprintf(out, "\n(latency: the best of 3 measurements of at least 0.2 s each, one inference "
	        "being all T steps; x: rnnc's simulated Plasticine latency's speedup over the peer; h "
	        "rel diff: the largest difference of h over all steps from the OpenBLAS reference on "
	        "the same weights, relative to max(1, |h|))\n");
}

/* A number with `digits` decimals (digits < 0: 3 significant digits), or nothing. */
static void
put_num(FILE *out, double v, int digits)
{
	if (v >= 0 && digits >= 0)
		fprintf(out, "%.*f", digits, v);
	else if (v >= 0)
		fprintf(out, "%.3g", v);
}

static void
csv_field(FILE *out, double v, int digits)
{
	fputc(',', out);
	put_num(out, v, digits);
}

static void
write_csv(const void *arg, FILE *out)
{
	const PeerBench *b = arg;
	int i, k, th;

	fputs("problem,cell,hidden,input,timesteps,batch,measured_on,cpu_model,cores,peer,threads,"
	      "latency_us,plasticine_us,plasticine_speedup,h_rel_diff,note\n", out);
	for (i = 0; i < b->nrow; i++) {
		const PeerRow *w = &b->row[i];

		for (k = 0; k < NPEER && w->ok; k++)
			for (th = 0; th < NPEER_THREADS; th++) {
				const CpuPeer *p = &w->peer[k];

				fprintf(out, "%s,%s,%d,%d,%d,%d,\"%s\",\"%s\",%d,%s,%d", w->name,
				        ir_cell_name(w->spec.cell), w->spec.hidden, w->spec.input,
				        w->spec.timesteps, w->spec.batch, b->on, b->host.model, b->host.cores,
				        cpu_peer_key((CpuPeerKind)k), th == PEER_1T ? 1 : b->host.cores);
				csv_field(out, p->sec[th] > 0 ? p->sec[th] * 1e6 : -1, 3);
				csv_field(out, w->plasticine_us, 4);
				csv_field(out, speedup(w, k, th), 2);
				csv_field(out, p->err, -1);
				fprintf(out, ",\"%s\"\n", p->sec[th] > 0 ? "" : p->why[th]);
			}
	}
}

static void
json_num(FILE *out, const char *key, double v, int digits)
{
	fprintf(out, "\"%s\": ", key);
	if (v >= 0)
		put_num(out, v, digits);
	else
		fputs("null", out);
}

static void
write_json(const void *arg, FILE *out)
{
	const PeerBench *b = arg;
	int i, k, th;

	fprintf(out, "{\n  \"measured_on\": {\"label\": \"%s\", \"cpu_model\": \"%s\", "
	        "\"cores\": %d, \"load_average\": %.2f, \"onednn\": \"%s\", \"openblas\": "
	        "\"%s\"},\n", b->on, b->host.model, b->host.cores, b->host.load, b->onednn,
	        b->openblas);
	fputs("  \"timing\": \"best of 3 measurements of at least 0.2 s; one inference = all T "
	      "steps\",\n  \"problems\": [", out);
	for (i = 0; i < b->nrow; i++) {
		const PeerRow *w = &b->row[i];

		fprintf(out, "%s\n    {\"problem\": \"%s\", ", i ? "," : "", w->name);
		if (!w->ok) {
			fputs("\"failed\": true}", out);
			continue;
		}
		fprintf(out, "\"cell\": \"%s\", \"hidden\": %d, \"input\": %d, \"timesteps\": %d, "
		        "\"batch\": %d, ", ir_cell_name(w->spec.cell), w->spec.hidden, w->spec.input,
		        w->spec.timesteps, w->spec.batch);
		json_num(out, "plasticine_us", w->plasticine_us, 4);
		fputs(", \"peers\": {", out);
		for (k = 0; k < NPEER; k++) {
			const CpuPeer *p = &w->peer[k];

			fprintf(out, "%s\"%s\": {", k ? ", " : "", cpu_peer_key((CpuPeerKind)k));
			for (th = 0; th < NPEER_THREADS; th++) {
				char key[40];

				snprintf(key, sizeof key, "%s_us", th == PEER_1T ? "one_core" : "all_cores");
				json_num(out, key, p->sec[th] > 0 ? p->sec[th] * 1e6 : -1, 3);
				fputs(", ", out);
				snprintf(key, sizeof key, "%s_speedup", th == PEER_1T ? "one_core" : "all_cores");
				json_num(out, key, speedup(w, k, th), 2);
				fprintf(out, ", \"%s_note\": \"%s\", ", th == PEER_1T ? "one_core" : "all_cores",
				        p->sec[th] > 0 ? "" : p->why[th]);
			}
			json_num(out, "h_rel_diff", p->err, -1);
			fputc('}', out);
		}
		fputs("}}", out);
	}
	fputs("\n  ]\n}\n", out);
}

static void
write_md(const void *arg, FILE *out)
{
	const PeerBench *b = arg;
	int i, k, th;

	fputs("| problem | peer | 1 core (us) | all cores (us) | Plasticine speedup, 1 core | "
	      "all cores | h rel diff | measured on |\n|---|---|---|---|---|---|---|---|\n", out);
	for (i = 0; i < b->nrow; i++) {
		const PeerRow *w = &b->row[i];

		for (k = 0; k < NPEER && w->ok; k++) {
			const CpuPeer *p = &w->peer[k];

			fprintf(out, "| %s | %s |", w->name, cpu_peer_name((CpuPeerKind)k));
			for (th = 0; th < NPEER_THREADS; th++)
				if (p->sec[th] > 0)
					fprintf(out, " %.1f |", p->sec[th] * 1e6);
				else
					fprintf(out, " - (%s) |", p->why[th]);
			for (th = 0; th < NPEER_THREADS; th++)
				if (speedup(w, k, th) > 0)
					fprintf(out, " %.1fx |", speedup(w, k, th));
				else
					fputs(" - |", out);
			if (p->err >= 0)
				fprintf(out, " %.1e |", p->err);
			else
				fputs(" - |", out);
			fprintf(out, " %s |\n", b->on);
		}
	}
	fprintf(out, "\nSource: measured by `rnnc bench --cpu` on %s; Plasticine: rnnc's simulated "
	        "design.\n", b->on);
}

int
drv_bench_cpu(const Options *o, Ctx *c)
{
	size_t n = o->ninputs ? (size_t)o->ninputs :
	           sizeof default_problems / sizeof default_problems[0], i;
	const char *dir = o->outdir ? o->outdir : "rnnc-out/cpu-peers";
	const char *cfg = openblas_get_config(), *v = cpu_dnnl_version();
	PeerBench b;
	int rc = 0, tty = isatty(2) && o->verbosity >= 0;

	memset(&b, 0, sizeof b);
	cpu_host(&b.host);
	snprintf(b.on, sizeof b.on, "%s, %d core%s", b.host.model, b.host.cores,
	         b.host.cores == 1 ? "" : "s");
	if (v)
		snprintf(b.onednn, sizeof b.onednn, "%s, %s", v, cpu_dnnl_runtime());
	else
		snprintf(b.onednn, sizeof b.onednn, "not built in");
	snprintf(b.openblas, sizeof b.openblas, "%s", cfg ? cfg : "OpenBLAS");
	b.openblas[strcspn(b.openblas, "\n")] = 0;
	b.row = ir_alloc_array(&c->arena, n, sizeof *b.row);
	for (i = 0; i < n; i++) {
		PeerRow *w = &b.row[b.nrow++];
		const char *name = o->ninputs ? o->inputs[i] : default_problems[i];

		if (!strncmp(name, DB_PREFIX, strlen(DB_PREFIX)))
			name += strlen(DB_PREFIX);
		snprintf(w->name, sizeof w->name, "%s", name);
		if (tty)
			fprintf(stderr, "\rbench --cpu  [%zu/%zu] %-24s", i + 1, n, w->name);
		if (measure_row(o, w) < 0)
			rc = 1;
	}
	if (tty)
		fprintf(stderr, "\r%60s\r", "");
	if (o->verbosity >= 0)
		print_tables(&b, stdout);
	if (drv_make_dirs(c, dir) < 0 || drv_write_file(c, dir, "cpu_peers.csv", write_csv, &b) < 0 ||
	    drv_write_file(c, dir, "cpu_peers.json", write_json, &b) < 0 ||
	    drv_write_file(c, dir, "cpu_peers.md", write_md, &b) < 0)
		rc = 1;
	else if (o->verbosity >= 0)
		printf("\nwritten      %s/cpu_peers.csv, cpu_peers.json, cpu_peers.md\n", dir);
	return rc;
}
