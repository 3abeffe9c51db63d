/* rnnc bench: the DeepBench report. Each problem searched and simulated on plasticine-rnn (or
 * --target), then set beside the published figures of deepbench/published.csv and
 * deepbench/platforms.csv: speedups, performance per mm2 and per watt, geometric means (the
 * paper's own stated ones, and its rows recomputed the same way), as a table, CSV, JSON,
 * Markdown and a gnuplot bar chart. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cpu/peers.h"
#include "../deepbench/db.h"
#include "../deepbench/measured.h"
#include "../deepbench/published.h"
#include "../frontend/fe.h"
#include "driver.h"

/* The platforms compared, in the table's order. */
enum { P_V100, P_BW, P_PAPER, P_TITANXP, P_XEON, NPLAT };

static const char *const plat_key[NPLAT] = {"v100", "bw", "plasticine-paper", "titanxp", "xeon"};
static const char *const plat_col[NPLAT] = {"V100", "BW", "paper", "TitanXp", "Xeon"};

typedef struct Row {
	char name[64];
	int ok;
	DrvResult r;
	double ms[NPLAT];          /* published latency, -1: none */
	double paper_power_w;      /* the paper's Plasticine power for it, -1: none */
	int draft;                 /* its paper figures are the earlier draft's (not in the means) */
	int device;                /* of DeepBench's device set: shown, not compared */
	const DbMeasured *gpu;     /* its GPU latency measured by bench/gpu_cudnn.py, or NULL */
} Row;

typedef struct Bench {
	Ctx *c;                    /* the tables' arena */
	Row *row;
	int nrow;
	const DbFigure *pub, *plat;
	int npub, nplat;
	double area[NPLAT], power[NPLAT];  /* die area, TDP; -1: not public */
	double stated_v100, stated_bw;     /* the paper's own geometric means, -1: none */
	const DbMeasured *gpu;     /* bench/gpu_cudnn.py's lines (ngpu of them), read from gpu_file */
	int ngpu;
	const char *gpu_file;
	const Options *o;          /* for results.md: the command, the target, the cosimulation */
} Bench;

static double
speedup(const Row *w, int p)
{
	return w->ok && w->ms[p] > 0 ? w->ms[p] * 1000 / w->r.latency_us : -1;
}

/* Performance per mm2 of the chip simulated, and per watt, against platform p: -1 where p's
 * figure is not public. The paper's Plasticine is held to its per-problem power, the others to
 * their TDP. */
/* rnnc's speedup over the measured GPU latency, -1: none. */
static double
gpu_speedup(const Row *w)
{
	return w->ok && w->gpu && w->r.latency_us > 0 ? w->gpu->latency_ms * 1e3 / w->r.latency_us
	                                               : -1;
}

/* The geometric mean of the speedups over the measured GPU; n: over how many problems. */
static double
gpu_geomean(const Bench *b, int *n)
{
	double s = 0;
	int i;

	*n = 0;
	for (i = 0; i < b->nrow; i++) {
		if (gpu_speedup(&b->row[i]) > 0) {
			s += log(gpu_speedup(&b->row[i]));
			++*n;
		}
	}
	return *n ? exp(s / *n) : -1;
}

/* What measured the GPU figures, for a reader. */
static void
gpu_label(const Bench *b, FILE *out)
{
	const DbMeasured *g = &b->gpu[0];

	fprintf(out, "%s (driver %s, cuDNN %s, PyTorch %s, %s), %s on %s (%s)", g->device,
	        *g->driver ? g->driver : "-", *g->cudnn ? g->cudnn : "-", *g->torch ? g->torch : "-",
	        g->precision, g->source, *g->date ? g->date : "an unknown date", b->gpu_file);
}

static double
per_area(const Bench *b, const Row *w, int p)
{
	double s = speedup(w, p);

	return s > 0 && b->area[p] > 0 ? s * b->area[p] / w->r.chip_area_mm2 : -1;
}

static double
per_watt(const Bench *b, const Row *w, int p)
{
	double s = speedup(w, p), pw = p == P_PAPER ? w->paper_power_w : b->power[p];

	return s > 0 && pw > 0 && w->r.power_w > 0 ? s * pw / w->r.power_w : -1;
}

/* The geometric mean of f over the rows where it is defined (and, with paper_only, the rows
 * of the paper's table); its count in *n. */
static double
geomean(const Bench *b, double (*f)(const Bench *, const Row *, int), int p, int paper_only,
        int *n)
{
	double sum = 0;
	int i;

	*n = 0;
	for (i = 0; i < b->nrow; i++) {
		double v = f(b, &b->row[i], p);

		if (v > 0 && (!paper_only || (b->row[i].ms[P_PAPER] > 0 && !b->row[i].draft))) {
			sum += log(v);
			(*n)++;
		}
	}
	return *n ? exp(sum / *n) : -1;
}

static double
f_speedup(const Bench *b, const Row *w, int p)
{
	(void)b;
	return speedup(w, p);
}

/* The paper's rows recomputed: its Plasticine's speedup over p. */
static double
f_paper(const Bench *b, const Row *w, int p)
{
	(void)b;
	return w->ms[P_PAPER] > 0 && w->ms[p] > 0 ? w->ms[p] / w->ms[P_PAPER] : -1;
}

static const char *
fabric(const Row *w, char *buf, size_t n)
{
	if (w->r.stream)
		snprintf(buf, n, "%dx%d stream", w->r.rows, w->r.cols);
	else
		snprintf(buf, n, "%dx%d%s", w->r.rows, w->r.cols, w->r.grown ? " grown" : "");
	return buf;
}

/* A ratio as the table shows it, in `width` characters after a space (the "x" included):
 * "-" where a figure is missing. */
static void
put_ratio(FILE *out, int width, double v)
{
	if (v > 0)
		fprintf(out, " %*.2fx", width - 1, v);
	else
		fprintf(out, " %*s", width, "-");
}

static void print_means(const Bench *b, FILE *out);

static void
print_table(const Bench *b, FILE *out)
{
	int i, p;
	char fb[48], nm[96];

	fprintf(out, "%-20s %-14s %11s %8s %6s %8s %7s %12s", "problem", "fabric", "latency us",
	        "TFLOPS", "MAC %", "mm2", "W", "uJ");
	for (p = 0; p < NPLAT; p++)
		fprintf(out, " %9s", plat_col[p]);
	fputc('\n', out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		if (!w->ok) {
			fprintf(out, "%-20s failed (the error is above)\n", w->name);
			continue;
		}
		snprintf(nm, sizeof nm, "%s%s%s", w->device ? "device/" : "", w->name,
		         w->draft ? "*" : "");
		fprintf(out, "%-20s %-14s %11.3f %8.3f %6.1f %8.1f %7.1f %12.3f", nm,
		        fabric(w, fb, sizeof fb), w->r.latency_us, w->r.tflops, 100 * w->r.util,
		        w->r.chip_area_mm2, w->r.power_w, w->r.energy_uj);
		for (p = 0; p < NPLAT; p++)
			put_ratio(out, 9, speedup(w, p));
		fputc('\n', out);
	}
	fputs("(speedup: the platform's published latency over rnnc's simulated one; - where it "
	      "publishes none; * the paper's figures from the earlier draft of its table, left out "
	      "of the means)\n\n", out);
	fputs("per mm2 and per watt against each platform (the chip's area as simulated, a grown "
	      "fabric's included; the platforms' die area and TDP, the paper's Plasticine at its own "
	      "power for the problem):\n", out);
	fprintf(out, "%-21s", "problem");
	for (p = 0; p < NPLAT; p++)
		fprintf(out, " %9s/mm2", plat_col[p]);
	for (p = 0; p < NPLAT; p++)
		fprintf(out, " %9s/W", plat_col[p]);
	fputc('\n', out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		if (!w->ok || w->ms[P_V100] < 0)
			continue;
		snprintf(nm, sizeof nm, "%s%s", w->name, w->draft ? "*" : "");
		fprintf(out, "%-21s", nm);
		for (p = 0; p < NPLAT; p++)
			put_ratio(out, 13, per_area(b, w, p));
		for (p = 0; p < NPLAT; p++)
			put_ratio(out, 11, per_watt(b, w, p));
		fputc('\n', out);
	}
	if (b->ngpu) {
		fputs("\nmeasured GPU: ", out);
		gpu_label(b, out);
		fprintf(out, "\n%-21s %12s %12s\n", "problem", "GPU ms", "rnnc over it");
		for (i = 0; i < b->nrow; i++) {
			const Row *w = &b->row[i];

			if (gpu_speedup(w) < 0)
				continue;
			fprintf(out, "%-21s %12.4f", w->name, w->gpu->latency_ms);
			put_ratio(out, 13, gpu_speedup(w));
			fputc('\n', out);
		}
	}
	fputs("\ngeometric means of the speedup\n", out);
	print_means(b, out);
}

/* The geometric means, a line each. */
static void
print_means(const Bench *b, FILE *out)
{
	int p, n;

	for (p = 0; p < NPLAT; p++) {
		double g = geomean(b, f_speedup, p, p != P_TITANXP, &n);

		if (p == P_PAPER || g < 0)
			continue;
		fprintf(out, "  rnnc over %-8s %8.2fx over %d problem%s%s", plat_col[p], g, n,
		        n == 1 ? "" : "s", p == P_TITANXP ? " (all it measures)" : " of the paper's table");
		if (p == P_V100 || p == P_BW) {
			double r = geomean(b, f_paper, p, 1, &n);

			fprintf(out, "; the paper's Plasticine: %.1fx from the same rows", r);
			if ((p == P_V100 ? b->stated_v100 : b->stated_bw) > 0)
				fprintf(out, ", %.1fx as it states for its whole table",
				        p == P_V100 ? b->stated_v100 : b->stated_bw);
		}
		fputc('\n', out);
	}
	if (geomean(b, f_speedup, P_PAPER, 1, &n) > 0)
		fprintf(out, "  rnnc over the paper's Plasticine %.2fx over %d problem%s\n",
		        geomean(b, f_speedup, P_PAPER, 1, &n), n, n == 1 ? "" : "s");
	if (gpu_geomean(b, &n) > 0)
		fprintf(out, "  rnnc over the measured GPU %.2fx over %d problem%s (all it measures)\n",
		        gpu_geomean(b, &n), n, n == 1 ? "" : "s");
}

/* A CSV field: the number, or empty where it is missing. */
static void
put_num(FILE *out, double v)
{
	if (v > 0)
		fprintf(out, "%.6g", v);
}

static void
write_csv(const void *arg, FILE *out)
{
	const Bench *b = arg;
	int i, p;

	fputs("problem,cell,hidden,timesteps,batch,target,rows,cols,grown,stream,schedule,"
	      "latency_us,tflops,mac_util,area_mm2,chip_area_mm2,power_w,energy_uj", out);
	for (p = 0; p < NPLAT; p++)
		fprintf(out, ",%s_ms,speedup_%s,per_mm2_%s,per_w_%s", plat_key[p], plat_key[p],
		        plat_key[p], plat_key[p]);
	fputs(",gpu_measured_ms,speedup_gpu_measured\n", out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		if (!w->ok) {
			fprintf(out, "%s,,,,,,,,,,failed,,,,,,,", w->name);
			for (p = 0; p < NPLAT; p++)
				fputs(",,,,", out);
			fputs(",,\n", out);
			continue;
		}
		fprintf(out, "%s,%s,%d,%d,%d,%s,%d,%d,%d,%d,%s,%.4f,%.4f,%.4f,%.2f,%.2f,%.3f,%.4f",
		        w->name, ir_cell_name(w->r.spec.cell), w->r.spec.hidden, w->r.spec.timesteps,
		        w->r.spec.batch, w->r.target, w->r.rows, w->r.cols, w->r.grown, w->r.stream,
		        w->r.schedule, w->r.latency_us, w->r.tflops, w->r.util, w->r.area_mm2,
		        w->r.chip_area_mm2, w->r.power_w, w->r.energy_uj);
		for (p = 0; p < NPLAT; p++) {
			fputc(',', out);
			put_num(out, w->ms[p]);
			fputc(',', out);
			put_num(out, speedup(w, p));
			fputc(',', out);
			put_num(out, per_area(b, w, p));
			fputc(',', out);
			put_num(out, per_watt(b, w, p));
		}
		fputc(',', out);
		put_num(out, w->gpu ? w->gpu->latency_ms : -1);
		fputc(',', out);
		put_num(out, gpu_speedup(w));
		fputc('\n', out);
	}
}

static void
json_num(FILE *out, const char *key, double v, int last)
{
	if (v > 0)
		fprintf(out, "\"%s\": %.6g%s", key, v, last ? "" : ", ");
	else
		fprintf(out, "\"%s\": null%s", key, last ? "" : ", ");
}

static void
write_json(const void *arg, FILE *out)
{
	const Bench *b = arg;
	int i, p, n;

	fputs("{\n  \"geomean\": {", out);
	for (p = 0; p < NPLAT; p++) {
		char key[48];

		snprintf(key, sizeof key, "rnnc_over_%s", plat_key[p]);
		json_num(out, key, geomean(b, f_speedup, p, p != P_TITANXP, &n), 0);
	}
	json_num(out, "paper_over_v100_recomputed", geomean(b, f_paper, P_V100, 1, &n), 0);
	json_num(out, "paper_over_bw_recomputed", geomean(b, f_paper, P_BW, 1, &n), 0);
	json_num(out, "paper_over_v100_stated", b->stated_v100, 0);
	json_num(out, "paper_over_bw_stated", b->stated_bw, 0);
	json_num(out, "rnnc_over_gpu_measured", gpu_geomean(b, &n), 1);
	fputs("},\n  \"gpu_measured\": ", out);
	if (b->ngpu) {
		const DbMeasured *g = &b->gpu[0];

		const char *key[] = {"device", "driver", "cudnn", "torch", "date", "precision",
		                     "source"};
		const char *val[] = {g->device, g->driver, g->cudnn, g->torch, g->date,
		                     g->precision, g->source};
		size_t k;

		for (k = 0; k < sizeof key / sizeof key[0]; k++) {
			fprintf(out, "%s\"%s\": ", k ? ", " : "{", key[k]);
			ir_json_string(out, val[k]);
		}
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fputs(",\n  \"problems\": [", out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		fprintf(out, "%s\n    {\"problem\": \"%s%s\", \"draft\": %s, ", i ? "," : "",
		        w->device ? "device/" : "", w->name, w->draft ? "true" : "false");
		if (!w->ok) {
			fputs("\"failed\": true}", out);
			continue;
		}
		fprintf(out, "\"target\": \"%s\", \"rows\": %d, \"cols\": %d, \"grown\": %s, "
		        "\"stream\": %s, \"schedule\": \"%s\", \"latency_us\": %.4f, \"tflops\": %.4f, "
		        "\"mac_util\": %.4f, \"area_mm2\": %.2f, \"chip_area_mm2\": %.2f, "
		        "\"power_w\": %.3f, \"energy_uj\": %.4f, \"platforms\": {", w->r.target,
		        w->r.rows, w->r.cols, w->r.grown ? "true" : "false",
		        w->r.stream ? "true" : "false", w->r.schedule, w->r.latency_us, w->r.tflops,
		        w->r.util, w->r.area_mm2, w->r.chip_area_mm2, w->r.power_w, w->r.energy_uj);
		for (p = 0; p < NPLAT; p++) {
			fprintf(out, "%s\"%s\": {", p ? ", " : "", plat_key[p]);
			json_num(out, "latency_ms", w->ms[p], 0);
			json_num(out, "speedup", speedup(w, p), 0);
			json_num(out, "per_mm2", per_area(b, w, p), 0);
			json_num(out, "per_w", per_watt(b, w, p), 1);
			fputc('}', out);
		}
		fputs("}, \"gpu_measured\": {", out);
		json_num(out, "latency_ms", w->gpu ? w->gpu->latency_ms : -1, 0);
		json_num(out, "speedup", gpu_speedup(w), 1);
		fputs("}}", out);
	}
	fputs("\n  ],\n  \"sources\": [", out);
	for (i = 0; i < b->npub + b->nplat; i++) {
		const DbFigure *f = i < b->npub ? &b->pub[i] : &b->plat[i - b->npub];
		int k, seen = 0;

		for (k = 0; k < i && !seen; k++)
			seen = !strcmp(f->source, (k < b->npub ? &b->pub[k] : &b->plat[k - b->npub])->source);
		if (!seen) {
			fputs(i ? ",\n    " : "\n    ", out);
			ir_json_string(out, f->source);
		}
	}
	fputs("\n  ]\n}\n", out);
}

static void
write_md(const void *arg, FILE *out)
{
	const Bench *b = arg;
	int i, p;
	char fb[48];

	fputs("| problem | fabric | schedule | latency (us) | TFLOPS | MAC util | power (W) |", out);
	for (p = 0; p < NPLAT; p++)
		fprintf(out, " vs %s |", plat_col[p]);
	if (b->ngpu)
		fputs(" vs GPU (measured) |", out);
	fputs("\n|---|---|---|---|---|---|---|", out);
	for (p = 0; p < NPLAT; p++)
		fputs("---|", out);
	fputs(b->ngpu ? "---|\n" : "\n", out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		if (!w->ok)
			continue;
		fprintf(out, "| %s | %s | %s | %.3f | %.3f | %.1f%% | %.1f |", w->name,
		        fabric(w, fb, sizeof fb), w->r.schedule, w->r.latency_us, w->r.tflops,
		        100 * w->r.util, w->r.power_w);
		for (p = 0; p < NPLAT; p++)
			if (speedup(w, p) > 0)
				fprintf(out, " %.2fx |", speedup(w, p));
			else
				fputs(" - |", out);
		if (b->ngpu && gpu_speedup(w) > 0)
			fprintf(out, " %.2fx |", gpu_speedup(w));
		else if (b->ngpu)
			fputs(" - |", out);
		fputc('\n', out);
	}
	fputs("\nSources: deepbench/published.csv and deepbench/platforms.csv (each figure with its "
	      "own).\n", out);
	if (b->ngpu) {
		fputs("The measured GPU: ", out);
		gpu_label(b, out);
		fputs(".\n", out);
	}
}

/* The bar chart's data: the speedups over V100, BW and the paper's Plasticine, by problem. */
static void
write_dat(const void *arg, FILE *out)
{
	const Bench *b = arg;
	int i;

	fputs("# problem speedup_v100 speedup_bw speedup_paper (rnnc's over each; - none)\n", out);
	for (i = 0; i < b->nrow; i++) {
		const Row *w = &b->row[i];

		if (!w->ok || w->ms[P_PAPER] < 0 || w->draft)
			continue;
		fprintf(out, "%s %.4f %.4f %.4f\n", w->name, speedup(w, P_V100), speedup(w, P_BW),
		        speedup(w, P_PAPER));
	}
}

static void
write_gp(const void *arg, FILE *out)
{
	(void)arg;
	fputs("# rnnc bench: the speedup over V100, Brainwave and the paper's Plasticine (SysML 2019)\n"
	      "set terminal svg size 1000,520 dynamic font 'sans,11'\n"
	      "set output 'speedup.svg'\n"
	      "set style data histograms\nset style histogram clustered gap 1\n"
	      "set style fill solid 0.8 border -1\nset logscale y\nset grid ytics\n"
	      "set ylabel \"speedup of rnnc (log scale)\"\nset xtics rotate by -30 noenhanced\n"
	      "set key top right\n"
	      "set title \"rnnc on the paper's problems, batch 1: speedup over published latencies\"\n"
	      "plot 'speedup.dat' using 2:xtic(1) title 'over V100', '' using 3 title 'over "
	      "Brainwave', '' using 4 title \"over the paper's Plasticine\", 1 notitle lc rgb 'black'\n",
	      out);
}

static void
load_row(Bench *b, Row *w)
{
	const DbFigure *f;
	int p;

	for (p = 0; p < NPLAT; p++)
		w->ms[p] = -1;
	w->paper_power_w = -1;
	if (w->device)
		return;
	for (p = 0; p < NPLAT; p++) {
		f = db_figure(b->pub, b->npub, w->name, plat_key[p], "latency");
		w->ms[p] = f ? f->value : -1;
	}
	f = db_figure(b->pub, b->npub, w->name, "plasticine-paper", "power");
	w->paper_power_w = f ? f->value : -1;
	f = db_figure(b->pub, b->npub, w->name, "plasticine-paper", "latency");
	w->draft = f && strstr(f->source, "earlier draft") != NULL;
}

static int
load_tables(Bench *b)
{
	const DbFigure *f;
	int p;

	if (db_published(b->c, &b->pub, &b->npub) < 0 || db_platforms(b->c, &b->plat, &b->nplat) < 0)
		return -1;
	for (p = 0; p < NPLAT; p++) {
		f = db_figure(b->plat, b->nplat, "", plat_key[p], "die_area");
		b->area[p] = f ? f->value : -1;
		f = db_figure(b->plat, b->nplat, "", plat_key[p], "tdp");
		b->power[p] = f ? f->value : -1;
	}
	f = db_figure(b->plat, b->nplat, "", "plasticine-paper", "geomean_speedup_v100");
	b->stated_v100 = f ? f->value : -1;
	f = db_figure(b->plat, b->nplat, "", "plasticine-paper", "geomean_speedup_bw");
	b->stated_bw = f ? f->value : -1;
	return 0;
}

/* results.md: the report as a document, with how it was made: the command, the machine, the
 * target description, the table and means, and the designs cosimulated with their Verilog
 * (the output of bench/rtl_deepbench.sh given with --cosim). Nothing in it is written by hand;
 * tools/results.sh makes docs/results.md this way. */
static void
write_results(const void *arg, FILE *out)
{
	const Bench *b = arg;
	const Options *o = b->o;
	const char *tname = o->target ? o->target : "plasticine-rnn";
	const Embedded *e = o->arch ? NULL : fe_find_builtin_target(tname);
	CpuHost host;
	int i;

	cpu_host(&host);
	fputs("# rnnc on DeepBench: results\n\n"
	      "Written by `rnnc bench` (docs/bench.md); `tools/results.sh` runs it with the "
	      "cosimulation and copies it here. Do not edit: run it again.\n\n## Command\n\n"
	      "    rnnc bench", out);
	for (i = 0; i < o->nargs; i++)
		fprintf(out, " %s", o->args[i]);
	fprintf(out, "\n\n## Machine\n\n%s, %d cores. The simulated figures do not depend on "
	        "it; only the measured peers do (`rnnc bench --cpu`, and a GPU's CSV).\n\n"
	        "## Target\n\n", host.model, host.cores);
	if (e) {
		fprintf(out, "`%s` (built in), as `rnnc --print-target %s` prints it:\n\n```yaml\n",
		        tname, tname);
		fwrite(e->data, 1, e->len, out);
		fputs(e->len && ((const char *)e->data)[e->len - 1] == '\n' ? "```\n" : "\n```\n", out);
	} else {
		Ctx tc;
		Target t;

		ir_ctx_init(&tc);
		tc.verbosity = -1;
		fprintf(out, "`%s`:\n\n```yaml\n", o->arch);
		if (fe_load_target(&tc, o->arch, &t) == 0)
			fe_print_target(&t, out);
		fputs("```\n", out);
		ir_ctx_free(&tc);
	}
	fputs("\n## The problems\n\n", out);
	write_md(b, out);
	fputs("\n## Geometric means\n\n```\n", out);
	print_means(b, out);
	fputs("```\n\n## Cosimulated with their Verilog\n\n", out);
	if (!o->cosim) {
		fputs("None in this run (`rnnc bench --cosim FILE` lists the output of "
		      "bench/rtl_deepbench.sh; tools/results.sh runs it).\n", out);
	} else {
		Ctx cc;
		const SrcFile *sf;

		ir_ctx_init(&cc);
		cc.verbosity = -1;
		sf = fe_read_file(&cc, o->cosim);
		fprintf(out, "The designs of these problems, compiled by `rnnc deepbench:NAME "
		        "--target %s --emit=verilog,sim` (the same search as above, so the same "
		        "design), their Verilog run under Verilator against the C simulator: PASS is "
		        "every h_t bit-exact and the cycles equal (bench/rtl_deepbench.sh):\n\n```\n",
		        tname);
		if (sf)
			fwrite(sf->text, 1, sf->len, out);
		else
			fprintf(out, "(%s could not be read)\n", o->cosim);
		fputs(sf && sf->len && sf->text[sf->len - 1] != '\n' ? "\n```\n" : "```\n", out);
		ir_ctx_free(&cc);
	}
}

/* The outputs, in the folder. */
static int
write_outputs(Bench *b, const char *dir, int verbose)
{
	static const struct {
		const char *name;
		void (*fn)(const void *, FILE *);
	} files[] = {
		{"bench.csv", write_csv}, {"bench.json", write_json}, {"bench.md", write_md},
		{"speedup.dat", write_dat}, {"speedup.gp", write_gp}, {"results.md", write_results},
	};
	size_t i;
	int rc;

	if (drv_make_dirs(b->c, dir) < 0)
		return -1;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (drv_write_file(b->c, dir, files[i].name, files[i].fn, b) < 0)
			return -1;
	}
	rc = drv_gnuplot(b->c, dir, "speedup.gp");
	if (rc < 0)
		return -1;
	if (verbose >= 0)
		printf("\nwritten      %s/bench.csv, bench.json, bench.md, results.md; %s\n", dir,
		       rc ? "gnuplot is not installed: no speedup.svg (speedup.gp and speedup.dat are "
		       "there)" : "speedup.svg (gnuplot speedup.gp, data speedup.dat)");
	return 0;
}

/* ---- ablations ---------------------------------------------------------------------------- */

/* The variants of a problem's design on the same fabric: what each of rnnc's ideas is worth,
 * each as the search's best with one of them taken away (or, for a pinned point, its design).
 * `cells` says which cells it applies to; `problem` limits it to one problem. */
static const struct {
	const char *name, *yaml, *problem;
	unsigned cells;  /* 1 << CellKind */
} ablations[] = {
	{"rnnc's choice", NULL, NULL, 7},
	{"no hoisted input products", "schedule: {hoist_input: false}\n", NULL, 7},
	{"no folded reduce-accumulate", "schedule: {folded: false}\n", NULL, 7},
	{"no merged candidate gate", "schedule: {candidate: split}\n", NULL, 1 << CELL_GRU},
	{"combine tree only", "schedule: {combine: tree}\n", NULL, 7},
	{"serial epilogue", "schedule: {epilogue: serial}\n", NULL, 7},
	/* (a GRU's accumulators stay at 32 bits: the frontend says why) */
	{"16-bit weights", "precision: {weight_bits: 16, weight_frac: 15, accum_bits: 64}\n", NULL,
	 1 << CELL_LSTM | 1 << CELL_RNN},
	{"matrix-vector tiles (hv 16)", "schedule: {hv: 16, rv: 4}\n", NULL, 7},
	{"the paper's point (4, 8, 64)", "schedule: {hu: 4, ru: 8, rv: 64}\n", "lstm-1024-t25", 7},
};
enum { NABL = sizeof ablations / sizeof ablations[0] };

/* The paper's problems, the default of the ablations. */
static const char *const paper_problems[] = {
	"lstm-256-t150", "lstm-512-t25", "lstm-1024-t25", "lstm-1536-t50", "lstm-2048-t25",
	"gru-512-t1", "gru-1024-t1500", "gru-1536-t375", "gru-2048-t375", "gru-2560-t375",
};

typedef struct Ablation {
	char problem[64];
	int variant;              /* index into ablations */
	int ok, applies;
	char why[200];            /* when it does not map: the first error */
	DrvResult r;
} Ablation;

typedef struct AblationSet {
	Ablation *a;
	int n;
} AblationSet;

static void
ablation_csv(const void *arg, FILE *out)
{
	const AblationSet *set = arg;
	int i;

	fputs("problem,variant,maps,latency_us,slowdown,mac_util,power_w,energy_uj,schedule,fabric,"
	      "why\n", out);
	for (i = 0; i < set->n; i++) {
		const Ablation *a = &set->a[i], *base = a - a->variant;

		if (!a->applies)
			continue;
		if (!a->ok) {
			fprintf(out, "%s,%s,0,,,,,,,,\"%s\"\n", a->problem, ablations[a->variant].name, a->why);
			continue;
		}
		fprintf(out, "%s,%s,1,%.4f,", a->problem, ablations[a->variant].name, a->r.latency_us);
		if (base->ok)
			fprintf(out, "%.4f", a->r.latency_us / base->r.latency_us);
		fprintf(out, ",%.4f,%.3f,%.4f,%s,%dx%d%s,\n", a->r.util, a->r.power_w, a->r.energy_uj,
		        a->r.schedule, a->r.rows, a->r.cols, a->r.grown ? " grown" : "");
	}
}

static void
ablation_json(const void *arg, FILE *out)
{
	const AblationSet *set = arg;
	int i, first = 1;

	fputs("{\"ablations\": [", out);
	for (i = 0; i < set->n; i++) {
		const Ablation *a = &set->a[i], *base = a - a->variant;

		if (!a->applies)
			continue;
		fprintf(out, "%s\n  {\"problem\": \"%s\", \"variant\": \"%s\", ", first ? "" : ",",
		        a->problem, ablations[a->variant].name);
		first = 0;
		if (!a->ok) {
			fputs("\"maps\": false}", out);
			continue;
		}
		fprintf(out, "\"maps\": true, \"latency_us\": %.4f, \"slowdown\": ", a->r.latency_us);
		if (base->ok)
			fprintf(out, "%.4f", a->r.latency_us / base->r.latency_us);
		else
			fputs("null", out);
		fprintf(out, ", \"mac_util\": %.4f, \"power_w\": %.3f, \"schedule\": \"%s\", "
		        "\"rows\": %d, \"cols\": %d}", a->r.util, a->r.power_w, a->r.schedule, a->r.rows,
		        a->r.cols);
	}
	fputs("\n]}\n", out);
}

static int
run_ablations(const Options *o, Ctx *c)
{
	size_t np = o->ninputs ? (size_t)o->ninputs : sizeof paper_problems / sizeof paper_problems[0];
	AblationSet set;
	size_t i;
	int v, rc = 0, tty = isatty(2) && o->verbosity >= 0, done = 0;
	const char *dir = o->outdir ? o->outdir : "rnnc-out/ablations";

	set.n = (int)(np * NABL);
	set.a = ir_alloc_array(&c->arena, (size_t)set.n, sizeof *set.a);
	for (i = 0; i < np; i++) {
		const char *name = o->ninputs ? o->inputs[i] : paper_problems[i];

		if (!strncmp(name, DB_PREFIX, strlen(DB_PREFIX)))
			name += strlen(DB_PREFIX);
		for (v = 0; v < NABL; v++) {
			Ablation *a = &set.a[i * NABL + (size_t)v];
			Options po = *o;
			Ctx pc;
			char arg[160];
			const Diag *d;

			snprintf(a->problem, sizeof a->problem, "%s", name);
			a->variant = v;
			snprintf(arg, sizeof arg, "%s%s", DB_PREFIX, name);
			ir_ctx_init(&pc);
			pc.verbosity = -1;
			po.inputs[0] = arg;
			po.ninputs = 1;
			po.emit = 0;
			po.outdir = NULL;
			po.verbosity = -1;
			po.spec_extra = ablations[v].yaml;
			if (!o->target && !o->arch)
				po.target = "plasticine-rnn";
			if (tty)
				fprintf(stderr, "\rablations  [%d/%d] %-20s %-32s", ++done, set.n, name,
				        ablations[v].name);
			/* the cell (the name's first word) decides whether a variant applies */
			a->applies = (!ablations[v].problem || !strcmp(ablations[v].problem, name)) &&
			             ablations[v].cells & (1u << (!strncmp(name, "gru", 3) ? CELL_GRU :
			                                        !strncmp(name, "rnn", 3) ? CELL_RNN :
			                                        CELL_LSTM));
			if (a->applies) {
				a->ok = drv_evaluate(&pc, &po, &a->r) == 0;
				if (!a->ok && v == 0)
					rc = 1;  /* the problem itself does not compile */
				d = pc.ndiags ? &pc.diags[0] : NULL;
				if (!a->ok && d)
					snprintf(a->why, sizeof a->why, "%s", d->msg);
				a->r.spec.name = NULL;
			}
			ir_ctx_free(&pc);
		}
	}
	if (tty)
		fprintf(stderr, "\r%80s\r", "");
	if (o->verbosity >= 0) {
		printf("%-16s %-32s %12s %9s %6s %8s  %s\n", "problem", "variant", "latency us",
		       "slowdown", "MAC %", "W", "schedule");
		for (i = 0; i < (size_t)set.n; i++) {
			const Ablation *a = &set.a[i], *base = a - a->variant;

			if (!a->applies)
				continue;
			if (!a->ok) {
				printf("%-16s %-32s does not map: %s\n", a->problem, ablations[a->variant].name,
				       a->why);
				continue;
			}
			printf("%-16s %-32s %12.3f", a->problem, ablations[a->variant].name, a->r.latency_us);
			if (base->ok)
				printf(" %8.2fx", a->r.latency_us / base->r.latency_us);
			else
				printf(" %9s", "-");
			printf(" %6.1f %8.1f  %s%s\n", 100 * a->r.util, a->r.power_w, a->r.schedule,
			       a->r.grown ? " (grown fabric)" : "");
		}
		printf("(slowdown: the variant's latency over rnnc's choice on the same fabric; not "
		       "built, so not measured: the unfused BLAS-kernel design, Brainwave's gates in "
		       "sequence)\n");
	}
	if (drv_make_dirs(c, dir) < 0 || drv_write_file(c, dir, "ablations.csv", ablation_csv, &set) < 0 ||
	    drv_write_file(c, dir, "ablations.json", ablation_json, &set) < 0)
		rc = 1;
	else if (o->verbosity >= 0)
		printf("\nwritten      %s/ablations.csv, ablations.json\n", dir);
	return rc;
}

int
drv_bench(const Options *o)
{
	Ctx c;
	Bench b;
	size_t n = o->ninputs ? (size_t)o->ninputs : db_spec_count(), i;
	int rc = 0, tty = isatty(2) && o->verbosity >= 0;

	ir_ctx_init(&c);
	if (o->ablations)
		return drv_finish(&c, run_ablations(o, &c));
	if (o->cpu_peers)
		return drv_finish(&c, drv_bench_cpu(o, &c));
	memset(&b, 0, sizeof b);
	b.c = &c;
	b.o = o;
	if (load_tables(&b) < 0)
		return drv_finish(&c, 1);
	{
		/* a GPU's figures: the file named, or bench/gpu_cudnn.py's default one in DIR */
		const char *dir = o->outdir ? o->outdir : "rnnc-out/bench";
		char *path = ir_alloc(&c.arena, strlen(dir) + sizeof "/gpu_cudnn.csv");

		sprintf(path, "%s/gpu_cudnn.csv", dir);
		b.gpu_file = o->gpu_csv ? o->gpu_csv : path;
		if (db_measured_read(&c, b.gpu_file, !o->gpu_csv, &b.gpu, &b.ngpu) < 0)
			return drv_finish(&c, 1);
	}
	b.row = ir_alloc_array(&c.arena, n, sizeof *b.row);
	for (i = 0; i < n; i++) {
		Ctx pc;
		Options po = *o;
		Row *w = &b.row[b.nrow++];
		char arg[192];
		const char *name;

		if (o->ninputs)
			snprintf(arg, sizeof arg, "%s%s", strchr(o->inputs[i], ':') ? "" : DB_PREFIX,
			         o->inputs[i]);
		else
			snprintf(arg, sizeof arg, "%s%s/%s", DB_PREFIX, db_spec_set(db_spec(i)),
			         db_spec_name(&c, db_spec(i)));
		name = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg + strlen(DB_PREFIX);
		if (strlen(name) >= sizeof w->name)
			name += strlen(name) - (sizeof w->name - 1);  /* its end tells it apart */
		memcpy(w->name, name, strlen(name) + 1);
		w->device = strstr(arg, ":device/") != NULL ||
		            (!strchr(arg + strlen(DB_PREFIX), '/') && db_find_spec(arg + strlen(DB_PREFIX)) &&
		             !strcmp(db_spec_set(db_find_spec(arg + strlen(DB_PREFIX))), "device"));
		if (tty)
			fprintf(stderr, "\rbench  [%zu/%zu] %-24s", i + 1, n, w->name);
		po.inputs[0] = arg;
		po.ninputs = 1;
		po.emit = 0;
		po.outdir = NULL;
		po.verbosity = -1;
		if (!o->target && !o->arch)
			po.target = "plasticine-rnn";
		ir_ctx_init(&pc);
		pc.verbosity = -1;
		w->ok = drv_evaluate(&pc, &po, &w->r) == 0;
		w->r.spec.name = NULL;  /* in pc, freed below */
		if (drv_finish(&pc, 0))
			rc = 1;
		load_row(&b, w);
		w->gpu = db_measured_find(b.gpu, b.ngpu, w->name);
	}
	if (tty)
		fprintf(stderr, "\r%60s\r", "");
	if (o->verbosity >= 0)
		print_table(&b, stdout);
	if (write_outputs(&b, o->outdir ? o->outdir : "rnnc-out/bench", o->verbosity) < 0)
		rc = 1;
	return drv_finish(&c, rc);
}
