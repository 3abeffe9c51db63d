/* rnnc sweep SPEC: every point of the spec's design space, as CSV and JSON (docs/sweep.md). */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../frontend/fe.h"

#include "../dse/sweep.h"
#include "driver.h"

enum { SWEEP_SIMULATE = 8 };  /* the default count of points simulated */

/* The sweep's files, through drv_write_file. */
typedef struct SweepFile {
	const DseSweep *w;
	void (*fn)(const DseSweep *, FILE *);
} SweepFile;

static void
put_sweep_file(const void *arg, FILE *out)
{
	const SweepFile *f = arg;

	f->fn(f->w, out);
}

static int
write_file(Ctx *c, const char *dir, const char *name, const DseSweep *w,
           void (*fn)(const DseSweep *, FILE *))
{
	SweepFile f = {w, fn};

	return drv_write_file(c, dir, name, put_sweep_file, &f);
}

/* The legal points for the plots: latency, area, power, energy, on the front or not. */
static void
plot_data(const DseSweep *w, FILE *out)
{
	int64_t i;

	fputs("# point latency_us area_mm2 power_w energy_uj front best (the model's figures)\n", out);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];

		if (r->maps)
			fprintf(out, "%lld %.4f %.4f %.4f %.4f %d %d\n", (long long)i, r->latency_us,
			        r->area_mm2, r->power_mw / 1000, r->energy_uj, r->front, i == w->best);
	}
}

static void
plot_script(const DseSweep *w, FILE *out)
{
	static const char *const ys[2][3] = {
		{"area", "3", "area (mm2)"},
		{"power", "4", "power (W)"},
	};
	int k;

	for (k = 0; k < 2; k++) {
		fprintf(out, "set terminal svg size 800,560 dynamic font 'sans,12'\n"
		        "set output 'front-latency-%s.svg'\n"
		        "set title \"%s on %s: latency against %s\"\n"
		        "set xlabel 'latency (us)'\nset ylabel '%s'\nset logscale x\nset grid\n"
		        "set key top right\n"
		        "plot 'front.dat' using 2:%s with points pt 7 ps 0.4 lc rgb '#bbbbbb' "
		        "title 'legal points', \\\n"
		        "     '' using 2:($6 == 1 ? $%s : 1/0) with points pt 7 ps 0.8 lc rgb '#1f77b4' "
		        "title 'Pareto front', \\\n"
		        "     '' using 2:($7 == 1 ? $%s : 1/0) with points pt 6 ps 2 lw 2 lc rgb '#d62728' "
		        "title 'best'\n", ys[k][0], w->spec->name, w->target->name, ys[k][0], ys[k][2],
		        ys[k][1], ys[k][1], ys[k][1]);
	}
}

/* ---- the cache's key and the command line a merge repeats --------------------------------- */

static uint64_t
hash_text(uint64_t h, void (*print)(const void *, FILE *), const void *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		IR_BUG("out of memory");
	print(x, f);
	fclose(f);
	h = dse_hash(h, buf, len);
	free(buf);
	return h;
}

static void
print_spec(const void *s, FILE *f)
{
	fe_print_spec(s, f);
}

static void
print_target(const void *t, FILE *f)
{
	fe_print_target(t, f);
}

/* The key of every result: the spec and the target as rnnc reads them, and rnnc itself (its
 * executable's bytes: another build may model or map differently). 0 when rnnc cannot read
 * itself: then nothing is cached. */
static uint64_t
cache_key(const CellSpec *s, const Target *t)
{
	FILE *exe = fopen("/proc/self/exe", "rb");
	uint64_t h = 0xcbf29ce484222325ull;
	char buf[65536];
	size_t n;

	if (!exe)
		return 0;
	while ((n = fread(buf, 1, sizeof buf, exe)) > 0)
		h = dse_hash(h, buf, n);
	if (ferror(exe)) {
		fclose(exe);
		return 0;
	}
	fclose(exe);
	h = hash_text(h, print_spec, s);
	h = hash_text(h, print_target, t);
	return h ? h : 1;
}

/* Options whose value may be the next argument. */
static int
takes_value(const char *a)
{
	static const char *const opts[] = {
		"-o", "-j", "--emit", "--dump-after", "--target", "--arch", "--passes", "--spec", "--set",
		"--simulate", "--objective", "--max-area", "--max-power", "--max-pcu", "--shard",
		"--strategy", "--seed", "--samples", NULL,
	};
	int i;

	for (i = 0; opts[i]; i++) {
		if (!strcmp(a, opts[i]))
			return 1;
	}
	return 0;
}

/* Writes DIR/sweep.args: the command line without what a merge sets itself (the output
 * folder, the shard, the workers, the verbosity), with files as absolute paths. */
static int
write_args(Ctx *c, const char *dir, const Options *o)
{
	char path[4200], tmp[4300];
	FILE *f;
	int i, bad = 0;

	snprintf(path, sizeof path, "%s/sweep.args", dir);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	if (!(f = fopen(tmp, "w"))) {
		ir_error(c, (Loc){0}, "cannot write '%s': %s", tmp, strerror(errno));
		return -1;
	}
	for (i = 0; i < o->nargs; i++) {
		const char *a = o->args[i], *v = NULL;
		char real[PATH_MAX];
		int drop = !strncmp(a, "-o", 2) || !strncmp(a, "-j", 2) || !strncmp(a, "--shard", 7) ||
		           !strcmp(a, "-q") || !strcmp(a, "--quiet") || !strcmp(a, "-v") ||
		           !strcmp(a, "--verbose");

		if (takes_value(a) && i + 1 < o->nargs)
			v = o->args[++i];
		if (drop)
			continue;
		if (!v && a[0] != '-' && realpath(a, real))
			a = real;  /* the spec */
		if (strchr(a, '\n') || (v && strchr(v, '\n')))
			bad = 1;
		fprintf(f, "%s\n", a);
		if (v)
			fprintf(f, "%s\n", !strcmp(a, "--arch") && realpath(v, real) ? real : v);
	}
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		ir_error(c, (Loc){0}, bad ? "an argument holds a line break: the sweep cannot be merged" :
		         "cannot write '%s'", path);
		remove(tmp);
		return -1;
	}
	return 0;
}

int
drv_read_args(const char *dir, char **buf, char **argv, int max)
{
	char path[4200];
	FILE *f;
	long len;
	int n = 0;
	char *p;

	snprintf(path, sizeof path, "%s/sweep.args", dir);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "rnnc: cannot read '%s': %s (is '%s' the output folder of a sweep?)\n",
		        path, strerror(errno), dir);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || len > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) < 0 || !(*buf = malloc((size_t)len + 1)) ||
	    fread(*buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "rnnc: cannot read '%s'\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	(*buf)[len] = 0;
	for (p = *buf; *p && n < max;) {
		char *nl = strchr(p, '\n');

		if (!nl) {
			fprintf(stderr, "rnnc: '%s' is cut short\n", path);
			return -1;
		}
		*nl = 0;
		argv[n++] = p;
		p = nl + 1;
	}
	if (*p) {
		fprintf(stderr, "rnnc: '%s' has more than %d arguments\n", path, max);
		return -1;
	}
	return n;
}

static const char *
form(int v, const char *a, const char *b)
{
	return v ? b : a;
}

static void
summary(const DseSweep *w, const char *dir)
{
	const DseResult *b = w->best >= 0 ? &w->res[w->best] : NULL;
	int k;

	printf("%s: sweep on %s (%d x %d, %d PCU + %d PMU)\n", w->spec->name, w->target->name,
	       w->target->rows, w->target->cols, ir_target_pcus(w->target),
	       ir_target_pmus(w->target));
	printf("  space       ");
	for (k = 0; k < DSE_NKNOB; k++)
		printf("%s%s %d", k ? ", " : "", dse_knob_name((DseKnob)k), w->space->n[k]);
	if (w->used == DSE_STRATEGY_EXHAUSTIVE) {
		printf(" values: %lld points\n", (long long)w->npoints);
	} else {
		if (w->space_points > DSE_EXHAUSTIVE_MAX)
			printf(" values: more than %d points\n", DSE_EXHAUSTIVE_MAX);
		else
			printf(" values: %lld points\n", (long long)w->space_points);
		printf("  search      %s, seed %llu, %lld samples: %lld points visited (the files hold "
		       "these only)%s\n", dse_strategy_name(w->used), (unsigned long long)w->seed,
		       (long long)w->samples, (long long)w->npoints,
		       w->switched ? "; chosen for a space this large (--strategy exhaustive visits "
		       "every point)" : "");
	}
	printf("  legal       %lld map", (long long)w->legal);
	if (w->legal < w->npoints) {
		const char *sep = "; the others: ";

		for (k = 0; k <= MAP_FAIL_OTHER; k++) {
			if (!w->nfail[k])
				continue;
			printf("%s%lld %s", sep, (long long)w->nfail[k], map_fail_name((MapFailKind)k));
			sep = ", ";
		}
	}
	if (w->max_area_mm2 > 0 || w->max_power_mw > 0 || w->max_pcus > 0) {
		printf("\n  within      %lld of them", (long long)w->meets);
		if (w->max_area_mm2 > 0)
			printf(", area <= %.2f mm2", w->max_area_mm2);
		if (w->max_power_mw > 0)
			printf(", power <= %.3f W", w->max_power_mw / 1000);
		if (w->max_pcus > 0)
			printf(", PCUs <= %d", w->max_pcus);
		printf(" (the model's figures)");
	}
	printf("\n  front       %lld points on the Pareto front of latency, area, power and energy "
	       "(the model's)\n", (long long)w->front);
	if (w->nsim)
		printf("  simulated   the model's %d best in %s; its error in cycles on them: mean "
		       "%.2f%%, max %.2f%%\n", w->nsim, dse_objective_name(w->objective),
		       100 * w->err_mean, 100 * w->err_max);
	if (!b)
		printf("  best        none: no point maps within the constraints\n");
	if (b) {
		char kn[256];
		int at = 0;

		if (w->space->n[DSE_K_ROWS] > 1 || w->space->n[DSE_K_COLS] > 1 ||
		    w->space->n[DSE_K_PMU_KIB] > 1)
			at = snprintf(kn, sizeof kn, "%d x %d with %d KiB PMUs, ", b->rows, b->cols,
			              b->pmu_kib);
		at += snprintf(kn + at, sizeof kn - (size_t)at, "hu=%d ru=%d rv=%d", b->k.hu, b->k.ru,
		               b->k.rv);

		if (b->k.hv > 1)
			at += snprintf(kn + at, sizeof kn - (size_t)at, " hv=%d", b->k.hv);
		at += snprintf(kn + at, sizeof kn - (size_t)at, "%s%s%s%s%s",
		               form(b->k.combine == COMBINE_CHAIN, "", " combine=chain"),
		               form(b->k.epilogue == EPILOGUE_PACKED, "", " epilogue=packed"),
		               form(b->k.candidate == CANDIDATE_MERGED, "", " candidate=merged"),
		               form(b->k.hoist_input > 0, "", " hoist_input=true"),
		               form(b->k.weights == WEIGHTS_STREAM, "", " weights=stream"));
		if (w->nvar > 1)
			snprintf(kn + at, sizeof kn - (size_t)at, " weight_bits=%d act_bits=%d "
			         "lut_entries=%d", b->wbits, b->abits, b->lut);
		if (b->sim_cycles >= 0)
			printf("  best        %s (least %s simulated): %lld cycles (model %lld), %.3f us, "
			       "%.2f mm2, %.1f mW, %.3f uJ\n", kn, dse_objective_name(w->objective),
			       (long long)b->sim_cycles, (long long)b->cycles,
			       b->latency_us * (double)b->sim_cycles / (double)b->cycles, b->area_mm2,
			       b->sim_power_mw, b->sim_energy_uj);
		else
			printf("  best        %s: %lld cycles by the model (none simulated), %.3f us, "
			       "%.2f mm2, %.1f mW\n", kn, (long long)b->cycles, b->latency_us, b->area_mm2,
			       b->power_mw);
	}
	if (w->cached)
		printf("  cache       %lld records from %s/cache, %lld points evaluated and %lld "
		       "simulated here\n", (long long)w->cached, dir, (long long)w->evaluated,
		       (long long)w->simulated_here);
	if (b && w->var[b->var].err_max >= 0)
		printf("  accuracy    the best's h against fp32 over all steps: max abs error %.3g, mean "
		       "%.3g (h_error_max, h_error_mean: each point's)\n", w->var[b->var].err_max,
		       w->var[b->var].err_mean);
	printf("  written     %s/sweep.csv, %s/sweep.json\n", dir, dir);
}

static int
quant_error(void *ctx, const DseVariant *v, double *max, double *mean)
{
	return drv_quant_error(ctx, v->fixed, max, mean);
}

int
drv_sweep(const Options *o)
{
	Ctx c;
	CellSpec spec;
	Target target;
	const Func *fixed, *fp32;
	DrvQuantRef qref = {0};
	DseSpace sp;
	DseSweep w;
	char dir[4096];
	int i, plotted;

	ir_ctx_init(&c);
	c.verbosity = o->verbosity;
	if (drv_prepare(&c, o, &spec, &target, &fixed, &fp32) < 0)
		return drv_finish(&c, 1);
	if (spec.knobs.weights != WEIGHTS_STREAM &&
	    ir_spec_weight_bytes(&spec) > ir_target_onchip_bytes(&target)) {
		int rows, cols;

		if (dse_fabric_for(&spec, &target, &rows, &cols) < 0) {
			ir_error(&c, spec.loc, "the weights do not fit a fabric of '%s' grown to %d times its "
			         "rows and columns: stream them (schedule: weights: stream) or describe a "
			         "larger target", target.name, DSE_MAX_GROW);
			return drv_finish(&c, 1);
		}
		if (o->verbosity >= 0)
			printf("note: the weights need more than '%s' holds: the sweep is on the fabric "
			       "grown from %d x %d to %d x %d\n", target.name, target.rows, target.cols,
			       rows, cols);
		target.rows = rows;
		target.cols = cols;
		target.die_area_mm2 = 0;
		target.tdp_w = 0;
	}
	dse_space_init(&c, &sp, &spec, &target);
	sp.vary_numbers = spec.prec.kind == PREC_FIXED;
	for (i = 0; i < o->nsets; i++) {
		if (dse_space_set(&c, &sp, o->sets[i]) < 0) {
			drv_finish(&c, 2);
			return 2;  /* a bad command line */
		}
	}
	memset(&w, 0, sizeof w);
	w.spec = &spec;
	w.fixed = fixed;
	w.fp32 = fp32;
	qref.c = &c;
	qref.spec = &spec;
	qref.fp32 = fp32;
	w.qerror = quant_error;
	w.qerror_ctx = &qref;
	w.target = &target;
	w.space = &sp;
	w.jobs = o->jobs;
	w.simulate = o->simulate >= 0 ? o->simulate : SWEEP_SIMULATE;
	w.progress = &c;
	w.objective = (DseObjective)o->objective;
	w.max_area_mm2 = o->max_area_mm2;
	w.max_power_mw = o->max_power_w * 1000;
	w.max_pcus = o->max_pcus;
	w.shard_k = o->shard_k;
	w.shard_n = o->shard_n;
	w.merge = o->merge;
	w.strategy = (DseStrategy)o->strategy;
	w.seed = o->seed;
	w.samples = o->samples;
	if (o->outdir)
		snprintf(dir, sizeof dir, "%s", o->outdir);
	else
		snprintf(dir, sizeof dir, "rnnc-out/%s", spec.name);
	if (drv_make_dirs(&c, dir) < 0 || (!o->merge && write_args(&c, dir, o) < 0))
		return drv_finish(&c, 1);
	w.key = cache_key(&spec, &target);
	w.cache_dir = w.key ? dir : NULL;
	if (!w.key && (o->shard_n > 1 || o->merge)) {
		ir_error(&c, (Loc){0}, "rnnc cannot read its own executable (/proc/self/exe), which keys "
		         "the cache that shards and merges share");
		return drv_finish(&c, 1);
	}
	if (dse_sweep_plan(&c, &w) < 0)
		return drv_finish(&c, 1);
	if (w.switched && o->verbosity >= 0)
		fprintf(stderr, "rnnc: note: the space has more than %d points: the sweep samples %lld "
		        "of them by anneal, seed %llu (--strategy exhaustive visits every one)\n",
		        DSE_EXHAUSTIVE_MAX, (long long)w.samples, (unsigned long long)w.seed);
	if (dse_sweep_run(&c, &w) < 0) {
		dse_sweep_free(&w);
		if (qref.ran)
			ir_mem_free(&qref.mf);
		return drv_finish(&c, 1);
	}
	if (qref.ran)
		ir_mem_free(&qref.mf);
	if (o->shard_n > 1) {
		if (o->verbosity >= 0)
			printf("%s: shard %d of %d on %s: %lld of %lld points here (%lld taken from the "
			       "cache), %lld simulated; when every shard is done: rnnc merge %s\n", spec.name,
			       o->shard_k, o->shard_n, target.name, (long long)(w.evaluated + 0),
			       (long long)w.npoints, (long long)w.cached, (long long)w.simulated_here, dir);
		dse_sweep_free(&w);
		return drv_finish(&c, 0);
	}
	if (write_file(&c, dir, "sweep.csv", &w, dse_sweep_csv) < 0 ||
	    write_file(&c, dir, "sweep.json", &w, dse_sweep_json) < 0) {
		dse_sweep_free(&w);
		return drv_finish(&c, 1);
	}
	if (write_file(&c, dir, "front.dat", &w, plot_data) < 0 ||
	    write_file(&c, dir, "front.gp", &w, plot_script) < 0) {
		dse_sweep_free(&w);
		return drv_finish(&c, 1);
	}
	/* no legal point, nothing to plot (gnuplot fails on data without points) */
	plotted = w.legal ? drv_gnuplot(&c, dir, "front.gp") : 2;
	if (plotted < 0) {
		dse_sweep_free(&w);
		return drv_finish(&c, 1);
	}
	if (o->verbosity >= 0) {
		summary(&w, dir);
		if (plotted == 0)
			printf("  plots       %s/front-latency-area.svg, %s/front-latency-power.svg "
			       "(gnuplot %s/front.gp, data front.dat)\n", dir, dir, dir);
		else if (plotted == 2)
			printf("  plots       not drawn: no point maps\n");
		else
			printf("  plots       not drawn: gnuplot is not installed (apt-get install "
			       "gnuplot-nox); the script and data are %s/front.gp and front.dat\n", dir);
	}
	dse_sweep_free(&w);
	return drv_finish(&c, 0);
}
