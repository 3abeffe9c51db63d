/* The compilation pipeline, and the commands built on it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../deepbench/db.h"
#include "../deepbench/published.h"
#include "../frontend/fe.h"
#include "../cpu/cpu.h"
#include "../dse/dse.h"
#include "../dse/sweep.h"
#include "../ir/exec.h"
#include "../passes/map.h"
#include "../passes/passes.h"
#include "../rtl/rtl.h"
#include "../sim/sim.h"
#include "driver.h"

/* What the stages of one compilation produce. */
typedef struct Unit {
	Ctx *c;
	const Options *o;
	CellSpec spec;
	Target target;
	Func *ir;                  /* the latest form of the cell */
	Func *fp32;                /* the fused fp32 nest: the reference for the quantization error */
	PassStats unfused, fused;
	int cpu;                   /* --target cpu: the host via LLVM, not a fabric */
	Knobs knobs;               /* the schedule applied: the spec's, defaults for the others */
	int defaulted;             /* some knob was not pinned and got its default */
	int no_default;            /* ... and no default schedule maps */
	int sized;                 /* the weights did not fit: the fabric was sized to hold them */
	int rows0, cols0;          /* ... from this grid */
	int sized_for_weights;     /* ... because the weights did not fit */
	int grown_for_map;         /* ... or to make room for the default schedule */
	DseSearchStats search;     /* when defaulted: what the search did */
	DseDesign point;           /* the design point: the scheduled nest and its mapping */
	Mapping *map;              /* the mapped design of one step (none for --target cpu) */
	Report *report;            /* its simulation */
} Unit;

/* A stage of the pipeline and how --dump-after prints its result. */

struct Pass {
	const char *name;
	int (*run)(Unit *u);
	void (*dump)(const Unit *u, FILE *out);
};

static int run_frontend(Unit *u);
static void dump_spec(const Unit *u, FILE *out);
static int run_build(Unit *u);
static int run_fuse(Unit *u);
static int run_quantize(Unit *u);
static int run_schedule(Unit *u);
static void dump_ir(const Unit *u, FILE *out);
static int run_map(Unit *u);
static double mib(int64_t bytes);
static void dump_map(const Unit *u, FILE *out);
static int run_sim(Unit *u);
static void dump_report(const Unit *u, FILE *out);

/* The pipeline, in order (DESIGN.md). Each IR stage checks its result with the verifier. */
static const Pass pipeline[] = {
	{"spec", run_frontend, dump_spec},
	{"build", run_build, dump_ir},
	{"fuse", run_fuse, dump_ir},
	{"quantize", run_quantize, dump_ir},
	{"schedule", run_schedule, dump_ir},
	{"map", run_map, dump_map},
	{"sim", run_sim, dump_report},
};
enum { NPASS = sizeof pipeline / sizeof pipeline[0] };

static const struct {
	const char *name;
	unsigned bit;
} emit_kinds[] = {
	{"spec", EMIT_SPEC},
	{"ir", EMIT_IR},
	{"obj", EMIT_OBJ},
	{"report", EMIT_REPORT},
	{"sim", EMIT_SIM},
	{"verilog", EMIT_VERILOG},
};

const char *
drv_emit_kinds(void)
{
	static char buf[256];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < sizeof emit_kinds / sizeof emit_kinds[0]; i++) {
		strcat(buf, i ? ", " : "");
		strcat(buf, emit_kinds[i].name);
	}
	return buf;
}

int
drv_parse_emit(const char *list, unsigned *out)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < sizeof emit_kinds / sizeof emit_kinds[0]; i++) {
			if (strlen(emit_kinds[i].name) == len && !strncmp(p, emit_kinds[i].name, len)) {
				*out |= emit_kinds[i].bit;
				found = 1;
			}
		}
		if (!found) {
			fprintf(stderr, "rnnc: unknown --emit kind '%.*s'; kinds are %s\n", (int)len, p,
			        drv_emit_kinds());
			return -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!*out) {
		fprintf(stderr, "rnnc: --emit needs at least one kind: %s\n", drv_emit_kinds());
		return -1;
	}
	return 0;
}

const char *
drv_pass_names(void)
{
	static char buf[256];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < NPASS; i++) {
		strcat(buf, i ? ", " : "");
		strcat(buf, pipeline[i].name);
	}
	return buf;
}

const Pass *
drv_find_pass(const char *name)
{
	size_t i;

	for (i = 0; i < NPASS; i++) {
		if (!strcmp(pipeline[i].name, name))
			return &pipeline[i];
	}
	return NULL;
}

/* A spec file, or deepbench:NAME (with the YAML keys `extra` after its own, or NULL). */
static int
load_spec(Ctx *c, const char *input, const char *extra, CellSpec *spec)
{
	const Embedded *e;
	const char *near;
	char *text;

	if (strncmp(input, DB_PREFIX, strlen(DB_PREFIX)))
		return fe_load_spec(c, input, spec);
	input += strlen(DB_PREFIX);
	e = db_find_spec(input);
	if (!e) {
		near = db_suggest(c, input);
		if (near)
			ir_error(c, (Loc){0}, "unknown DeepBench problem '%s'; did you mean '%s'?", input,
			         near);
		else
			ir_error(c, (Loc){0}, "unknown DeepBench problem '%s'; 'rnnc --list-deepbench' "
			         "lists them", input);
		return -1;
	}
	if (!extra)
		return fe_parse_spec(c, e->path, (const char *)e->data, e->len, spec);
	text = ir_alloc(&c->arena, e->len + strlen(extra) + 2);
	memcpy(text, e->data, e->len);
	text[e->len] = '\n';
	memcpy(text + e->len + 1, extra, strlen(extra) + 1);
	return fe_parse_spec(c, e->path, text, strlen(text), spec);
}

static int
run_frontend(Unit *u)
{
	const char *target = u->o->target;

	if (load_spec(u->c, u->o->inputs[0], u->o->spec_extra, &u->spec) < 0)
		return -1;
	if (target && !strcmp(target, "cpu")) {
		u->cpu = 1;
		target = NULL;  /* the fabric stays the spec's, for the summary's storage figures */
	}
	return fe_resolve_target(u->c, &u->spec, u->o->arch, target, &u->target);
}

static void
dump_spec(const Unit *u, FILE *out)
{
	fe_print_spec(&u->spec, out);
}

static void
dump_ir(const Unit *u, FILE *out)
{
	ir_print(u->ir, out);
}

static void
dump_header(const Unit *u, FILE *out)
{
	cpu_emit_header(u->ir, out);
}

/* A pass's result must pass the verifier: a failure there is a bug of the pass. */
static int
verified(Unit *u, Func *f, const char *pass)
{
	if (!f)
		return -1;
	if (ir_verify(f)) {
		ir_note(u->c, (Loc){0}, "this is a bug of the '%s' pass; the IR it produced:", pass);
		ir_print(f, stderr);
		return -1;
	}
	u->ir = f;
	return 0;
}

static int
run_build(Unit *u)
{
	if (verified(u, pass_build(u->c, &u->spec), "build") < 0)
		return -1;
	pass_stats(u->ir, &u->unfused);
	return 0;
}

static int
run_fuse(Unit *u)
{
	if (verified(u, pass_fuse(u->ir), "fuse") < 0)
		return -1;
	pass_stats(u->ir, &u->fused);
	u->fp32 = u->ir;
	return 0;
}

static int
run_quantize(Unit *u)
{
	return verified(u, pass_quantize(u->ir, &u->spec), "quantize");
}

/* The knobs the spec pins; the others get the default schedule (dse_choose: the smallest
 * hu x ru that maps, rv = lanes x packing) until the design-space search replaces it. Weights
 * that do not fit and are not streamed grow the fabric; the summary says so. */
static int
run_schedule(Unit *u)
{
	DseChoice ch;
	DsePoint p;

	u->knobs = u->spec.knobs;
	if (!u->cpu) {
		DseGoal goal = {u->o->objective, u->o->max_area_mm2, u->o->max_power_w * 1000,
		                u->o->max_pcus, (DseStrategy)u->o->strategy, u->o->seed,
		                u->o->samples};
		if (dse_choose_for(u->c, &u->spec, u->ir, &u->target, &goal, &ch) < 0)
			return -1;
		u->target = ch.target;
		u->knobs = ch.knobs;
		u->defaulted = ch.defaulted;
		u->no_default = ch.no_default;
		u->sized = ch.sized_for_weights || ch.grown_for_map;
		u->rows0 = ch.rows0;
		u->cols0 = ch.cols0;
		u->sized_for_weights = ch.sized_for_weights;
		u->grown_for_map = ch.grown_for_map;
		u->search = ch.search;
	}
	p.spec = &u->spec;
	p.fixed = u->ir;
	p.target = &u->target;
	p.knobs = u->knobs;
	if (dse_schedule(u->c, &p, &u->point) < 0)
		return -1;
	return verified(u, u->point.sched, "schedule");
}

static int
run_map(Unit *u)
{
	if (u->cpu)
		return 0;  /* no fabric */
	u->point.sched = u->ir;
	if (dse_map(u->c, &u->point) < 0 && u->no_default && u->knobs.hv <= 1 &&
	    ir_spec_weight_bytes(&u->spec) <= ir_target_onchip_bytes(&u->target)) {
		const Knobs *k = &u->spec.knobs;
		char pinned[64] = "";
		int at = 0;

		if (k->hu || k->ru || k->rv)
			at = snprintf(pinned, sizeof pinned, " with the spec's");
		if (k->hu)
			at += snprintf(pinned + at, sizeof pinned - (size_t)at, " hu=%d", k->hu);
		if (k->ru)
			at += snprintf(pinned + at, sizeof pinned - (size_t)at, " ru=%d", k->ru);
		if (k->rv)
			snprintf(pinned + at, sizeof pinned - (size_t)at, " rv=%d", k->rv);
		ir_note(u->c, (Loc){0}, "no default schedule%s maps onto '%s' (up to %d PCUs); this is "
		        "the error for hu=%d ru=%d rv=%d", pinned, u->target.name,
		        ir_target_pcus(&u->target), u->knobs.hu, u->knobs.ru, u->knobs.rv);
	}
	u->map = u->point.map;
	return u->map ? 0 : -1;
}

static void
dump_map(const Unit *u, FILE *out)
{
	map_print(u->map, out);
}

/* Simulates the mapped design for the spec's steps (the simulator caps very long runs and
 * extrapolates, and the report says so); values are not computed here: the interpreter and
 * the tests check them. */
static int
run_sim(Unit *u)
{
	SimOptions o = {0};

	if (u->cpu)
		return 0;
	ir_progress(u->c, "simulating %d step%s of %d units", u->spec.timesteps,
	            u->spec.timesteps == 1 ? "" : "s", u->map->nunit);
	u->report = sim_run(u->c, u->map, u->spec.timesteps, &o, NULL);
	ir_progress_end(u->c);
	return u->report ? 0 : -1;
}

static void
dump_report(const Unit *u, FILE *out)
{
	if (u->report) {
		sim_report_print(u->report, out);
		sim_report_units(u->report, out);
	}
}

/* The simulator's report.json with the published figures of a DeepBench problem after its
 * first line (the standalone simulator writes the same file without them). */
static void
dump_report_json(const Unit *u, FILE *out)
{
	char *buf = NULL;
	size_t len = 0, first;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		sim_report_json(u->report, out);
		return;
	}
	sim_report_json(u->report, m);
	fclose(m);
	first = strcspn(buf, "\n") + 1;
	fwrite(buf, 1, first, out);
	db_compare_json(u->c, &u->spec, u->report->latency_us, out);
	fwrite(buf + first, 1, len - first, out);
	free(buf);
}

static void
dump_sim(const Unit *u, FILE *out)
{
	SimOptions o = {0};

	sim_emit(sim_design(u->c, u->map), u->spec.timesteps, &o, out);
}

static double
mib(int64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void
print_fixed(FILE *out, const char *what, FixedFmt f)
{
	fprintf(out, "%s %d bits (%d fraction)", what, f.bits, f.frac);
}

static void
print_summary(const CellSpec *s, const Target *t, FILE *out)
{
	static const char *const cell_title[] = {"LSTM", "GRU", "vanilla RNN"};
	int64_t wbytes = ir_spec_weight_bytes(s), chip = ir_target_onchip_bytes(t);
	const Knobs *k = &s->knobs;

	fprintf(out, "%s: %s, hidden %d, input %d, %d step%s, batch %d (%s)\n", s->name,
	        cell_title[s->cell], s->hidden, s->input, s->timesteps, s->timesteps == 1 ? "" : "s",
	        s->batch, s->loc.file ? s->loc.file->name : "?");
	if (s->prec.kind == PREC_FIXED) {
		fprintf(out, "  precision    fixed point: ");
		print_fixed(out, "weights", s->prec.weight);
		print_fixed(out, ", x and h", s->prec.act);
		if (s->cell == CELL_LSTM)
			print_fixed(out, ", c", s->prec.cell);
		fprintf(out, ", accumulator %d bits\n", s->prec.accum_bits);
	} else {
		fprintf(out, "  precision    fp32 (reference)\n");
	}
	if (s->act.impl == ACT_LUT)
		fprintf(out, "  activations  lookup tables of %d entries over [%g, %g)\n", s->act.entries,
		        s->act.lo, s->act.hi);
	else
		fprintf(out, "  activations  exact\n");
	fprintf(out, "  work         %lld MAC per step, %.4g GFLOP over %d steps\n",
	        (long long)ir_spec_macs_per_step(s), ir_spec_flop(s) / 1e9, s->timesteps);
	fprintf(out, "  weights      %.2f MiB (%lld values at %d bits)\n", mib(wbytes),
	        (long long)ir_spec_weight_count(s),
	        s->prec.kind == PREC_FP32 ? 32 : s->prec.weight.bits);
	fprintf(out, "  target       %s: %d x %d %s, %d PCU + %d PMU, %g MHz, %.2f MiB on chip",
	        t->name, t->rows, t->cols, ir_layout_name(t->layout), ir_target_pcus(t),
	        ir_target_pmus(t), t->clock_mhz, mib(chip));
	/* the published figures, only where the target gives them */
	if (t->die_area_mm2 > 0)
		fprintf(out, ", die %g mm2", t->die_area_mm2);
	if (t->tdp_w > 0)
		fprintf(out, ", TDP %g W", t->tdp_w);
	fputc('\n', out);
	if (s->knobs.weights == WEIGHTS_STREAM) {
		fprintf(out, "  storage      the weights stream from DRAM every step (schedule.weights: "
		        "stream): %.2f MiB at %g GB/s, at least %.0f cycles per step\n", mib(wbytes),
		        t->dram.bandwidth_gbs,
		        (double)sim_dram_transfer(t->dram.bandwidth_gbs, t->clock_mhz, 0, wbytes));
	} else if (wbytes <= chip)
		fprintf(out, "  storage      the weights fit on chip (%.1f%% of the PMU capacity)\n",
		        100.0 * (double)wbytes / (double)chip);
	else
		fprintf(out, "  storage      the weights need %.2f MiB, %.2fx the %.2f MiB on chip: the "
		        "design must use a larger fabric or stream weights from DRAM (schedule.weights: "
		        "stream)\n",
		        mib(wbytes), (double)wbytes / (double)chip, mib(chip));
	if (k->hu || k->ru || k->rv || k->hv || k->folded >= 0 || k->hoist_input >= 0 ||
	    k->weights == WEIGHTS_STREAM || k->combine >= 0 || k->epilogue >= 0 ||
	    k->candidate >= 0) {
		fprintf(out, "  schedule     pinned:");
		if (k->hu) fprintf(out, " hu=%d", k->hu);
		if (k->ru) fprintf(out, " ru=%d", k->ru);
		if (k->rv) fprintf(out, " rv=%d", k->rv);
		if (k->hv) fprintf(out, " hv=%d", k->hv);
		if (k->folded >= 0) fprintf(out, " folded=%s", k->folded ? "true" : "false");
		if (k->hoist_input >= 0)
			fprintf(out, " hoist_input=%s", k->hoist_input ? "true" : "false");
		if (k->weights == WEIGHTS_STREAM)
			fprintf(out, " weights=stream");
		if (k->combine >= 0)
			fprintf(out, " combine=%s", k->combine == COMBINE_CHAIN ? "chain" : "tree");
		if (k->epilogue >= 0)
			fprintf(out, " epilogue=%s", k->epilogue == EPILOGUE_PACKED ? "packed" : "serial");
		if (k->candidate >= 0)
			fprintf(out, " candidate=%s", k->candidate == CANDIDATE_MERGED ? "merged" : "split");
		fputc('\n', out);
	}
}

static double
kib(int64_t bytes)
{
	return (double)bytes / 1024.0;
}

/* What fusion saved, per time step. */
static void
print_fusion(const Unit *u, FILE *out)
{
	const PassStats *a = &u->unfused, *b = &u->fused;

	fprintf(out, "  fusion       intermediate buffers %.1f KiB -> %.1f KiB; per step %.1f KiB "
	        "loaded and %.1f KiB stored -> %.1f and %.1f KiB (fp32)\n", kib(a->temp_bytes),
	        kib(b->temp_bytes), kib(a->load_bytes), kib(a->store_bytes), kib(b->load_bytes),
	        kib(b->store_bytes));
}

enum { ERROR_MAX_MACS = 2000 * 1000 * 1000 };  /* a few seconds of the JIT */

/* Runs f by the JIT (the interpreter computes the same, much more slowly). */
static int
execute(Ctx *c, const Func *f, Memory *m)
{
	CpuJit *j;
	int rc;

	if (ir_mem_init(f, m) < 0)
		return -1;
	if (!(j = cpu_jit_new(c, f, NULL))) {
		ir_mem_free(m);
		return -1;
	}
	rc = cpu_jit_run(j, m);
	cpu_jit_free(j);
	if (rc < 0)
		ir_mem_free(m);
	return rc;
}

int
drv_quant_error(DrvQuantRef *q, const Func *fixed, double *max, double *mean)
{
	Memory mq;
	Diff d;
	int rc;

	if (ir_spec_macs_per_step(q->spec) * q->spec->timesteps > ERROR_MAX_MACS)
		return -1;
	if (!q->ran) {
		if (execute(q->c, q->fp32, &q->mf) < 0)
			return -1;
		q->ran = 1;
	}
	if (execute(q->c, fixed, &mq) < 0)
		return -1;
	rc = ir_compare(q->fp32, &q->mf, fixed, &mq, "h", &d);
	ir_mem_free(&mq);
	if (rc != 0)
		return -1;
	*max = d.max_abs;
	*mean = d.mean_abs;
	return 0;
}

/* The quantization error of h against the fp32 nest, over all steps. */
static void
print_quant_error(Unit *u, FILE *out)
{
	int64_t macs = ir_spec_macs_per_step(&u->spec) * u->spec.timesteps;
	Memory mf, mq;
	Diff d;

	if (u->spec.prec.kind == PREC_FP32 || !u->fp32)
		return;
	if (macs > ERROR_MAX_MACS) {
		fprintf(out, "  quantization error not measured: %lld MACs is more than the budget "
		        "of %d\n", (long long)macs, ERROR_MAX_MACS);
		return;
	}
	if (execute(u->c, u->fp32, &mf) < 0)
		return;
	if (execute(u->c, u->ir, &mq) < 0) {
		ir_mem_free(&mf);
		return;
	}
	if (ir_compare(u->fp32, &mf, u->ir, &mq, "h", &d) == 0)
		fprintf(out, "  quantization h vs fp32 over %lld values: max abs error %.3g, mean "
		        "%.3g\n", (long long)d.n, d.max_abs, d.mean_abs);
	ir_mem_free(&mf);
	ir_mem_free(&mq);
}

/* An output file, through drv_write_file (a temporary name renamed into place). */
typedef struct UnitFile {
	const Unit *u;
	void (*fn)(const Unit *, FILE *);
} UnitFile;

static void
put_unit_file(const void *arg, FILE *out)
{
	const UnitFile *f = arg;

	f->fn(f->u, out);
}

static int
write_file(Unit *u, const char *dir, const char *name, void (*fn)(const Unit *, FILE *))
{
	UnitFile f = {u, fn};

	if (drv_write_file(u->c, dir, name, put_unit_file, &f) < 0)
		return -1;
	if (u->o->verbosity > 0)
		fprintf(stderr, "rnnc: wrote %s/%s\n", dir, name);
	return 0;
}

static int
write_outputs(Unit *u)
{
	Ctx *c = u->c;
	const char *dir = u->o->outdir ? u->o->outdir
	                               : ir_sprintf(&c->arena, "rnnc-out/%s", u->spec.name);

	if (drv_make_dirs(c, dir) < 0)
		return -1;
	if ((u->o->emit & EMIT_SPEC) && write_file(u, dir, "spec.yaml", dump_spec) < 0)
		return -1;
	if ((u->o->emit & EMIT_IR) && write_file(u, dir, ir_sprintf(&c->arena, "%s.rir",
	                                                              u->spec.name), dump_ir) < 0)
		return -1;
	if ((u->o->emit & EMIT_REPORT) && u->report &&
	    write_file(u, dir, "report.json", dump_report_json) < 0)
		return -1;
	if ((u->o->emit & EMIT_SIM) && !u->map) {
		ir_error(c, (Loc){0}, "--emit=sim: target '%s' has no fabric to simulate",
		         u->target.name);
		return -1;
	}
	if ((u->o->emit & EMIT_SIM) && u->map) {
		const char *name = ir_sprintf(&c->arena, "%s_sim.c", u->spec.name);

		if (write_file(u, dir, name, dump_sim) < 0)
			return -1;
		if (u->o->verbosity >= 0)
			printf("  standalone   %s/%s: this design's cycle simulator; cc -O2 -o sim %s && "
			       "./sim\n", dir, name, name);
	}
	if ((u->o->emit & EMIT_VERILOG) && !u->map) {
		ir_error(c, (Loc){0}, "--emit=verilog: target '%s' has no fabric to build",
		         u->target.name);
		return -1;
	}
	if ((u->o->emit & EMIT_VERILOG) && u->map) {
		const char *why = rtl_unsupported(u->map, &u->spec);

		if (why && !(u->o->emit & EMIT_VERILOG_ASKED)) {
			if (u->o->verbosity >= 0)
				printf("  verilog      not written: %s\n", why);
		} else {
			if (rtl_emit(c, u->map, &u->spec, dir) < 0)
				return -1;
			int steps = rtl_check_steps(u->map, &u->spec);

			if (u->o->verbosity >= 0)
				printf("  verilog      %s/verilog: the design's RTL and its self-checking "
				       "testbench; make -C %s/verilog\n", dir, dir);
			if (u->o->verbosity >= 0 && steps < u->spec.timesteps)
				printf("  verilog      the testbench checks the first %d of the %d steps "
				       "(%lld h values, bit for bit, and their cycles): the checks are bounded "
				       "to %d simulated unit-cycles and %d MACs\n", steps, u->spec.timesteps,
				       (long long)steps * u->spec.batch * u->spec.hidden,
				       RTL_CHECK_UNIT_CYCLES, RTL_CHECK_MACS);
		}
	}
	if (u->o->emit & EMIT_OBJ) {
		const char *obj = ir_sprintf(&c->arena, "%s/%s.o", dir, u->spec.name);

		if (cpu_emit_object(c, u->ir, obj) < 0 ||
		    write_file(u, dir, ir_sprintf(&c->arena, "%s.h", u->spec.name), dump_header) < 0)
			return -1;
		if (u->o->verbosity >= 0)
			printf("  cpu          %s: a native object for this host; %s.h declares its "
			       "function and buffers\n", obj, u->spec.name);
	}
	return 0;
}

/* How much of the chip multiplies: the dot-product PCUs against all of the chip's. */
static void
print_dot_share(const Mapping *m, FILE *out)
{
	int i, dots = 0, pcus = ir_target_pcus(m->t);

	for (i = 0; i < m->nunit; i++)
		dots += m->unit[i].role == MAP_DOT;
	fprintf(out, "  fabric use   %d of the chip's %d PCUs (%.1f%%) compute dot products; %d more "
	        "add partial sums or run the epilogue\n", dots, pcus, 100.0 * dots / pcus,
	        m->pcus - dots);
}

/* Prints the diagnostics, frees the context; 1 if there were errors, else rc. */
int
drv_finish(Ctx *c, int rc)
{
	ir_print_diags(c, stderr);
	if (c->nerrors)
		rc = 1;
	ir_ctx_free(c);
	return rc;
}

/* What the search did and why its choice won. */
static void
print_search(const Options *o, const DseSearchStats *st, FILE *out)
{
	if (st->used == DSE_STRATEGY_EXHAUSTIVE)
		fprintf(out, "  search       exhaustive, %lld points of hu, ru, rv and the forms: %lld ruled "
		        "out by the stream bound, %lld lowered (%lld map", (long long)st->points,
		        (long long)st->pruned, (long long)st->modelled, (long long)st->legal);
	else
		fprintf(out, "  search       %s, seed %llu, %lld samples%s, of %s%lld points of hu, ru, rv "
		        "and the forms: %lld lowered (%lld map", dse_strategy_name(st->used),
		        (unsigned long long)st->seed, (long long)st->samples,
		        st->switched ? " (the space is too large to visit)" : "",
		        st->points > DSE_EXHAUSTIVE_MAX ? "more than " : "",
		        (long long)(st->points > DSE_EXHAUSTIVE_MAX ? DSE_EXHAUSTIVE_MAX : st->points),
		        (long long)st->modelled, (long long)st->legal);
	if (o->max_area_mm2 > 0 || o->max_power_w > 0 || o->max_pcus > 0)
		fprintf(out, ", %lld within the limits", (long long)st->within);
	fprintf(out, "), %d simulated", st->simulated);
	if (o->objective != DSE_OBJ_LATENCY)
		fprintf(out, " for the least %s", dse_objective_name((DseObjective)o->objective));
	if (st->simulated)
		fprintf(out, " (the model's error on them: mean %.2f%%, max %.2f%%)", 100 * st->err_mean,
		        100 * st->err_max);
	if (st->budget && !st->simulated)
		fprintf(out, "; the model's fastest chosen: its two steps are past the simulation "
		        "budget of the search\n");
	else if (o->objective != DSE_OBJ_LATENCY)
		fprintf(out, "; the best simulated chosen\n");
	else if (st->model_first_sim >= 0)
		fprintf(out, "; the fastest simulated chosen, %lld cycles, against %lld for the model's "
		        "favourite (hu=%d ru=%d rv=%d)\n", (long long)st->sim_cycles,
		        (long long)st->model_first_sim, st->model_first.hu, st->model_first.ru,
		        st->model_first.rv);
	else
		fprintf(out, "; the model's fastest is the fastest simulated\n");
}

SimDesign *
drv_design(Ctx *c, const Options *o, int *T)
{
	Unit u = {.c = c, .o = o};
	size_t i;

	for (i = 0; i < NPASS && strcmp(pipeline[i].name, "sim"); i++) {
		if (pipeline[i].run(&u) < 0 || c->nerrors)
			return NULL;
	}
	if (!u.map) {
		ir_error(c, (Loc){0}, "target '%s' has no fabric to simulate", u.target.name);
		return NULL;
	}
	*T = u.spec.timesteps;
	return sim_design(c, u.map);
}

int
drv_evaluate(Ctx *c, const Options *o, DrvResult *r)
{
	Unit u = {.c = c, .o = o};
	const Mapping *m;
	size_t i;
	int at, k;

	for (i = 0; i < NPASS; i++) {
		if (pipeline[i].run(&u) < 0 || c->nerrors)
			return -1;
	}
	if (!u.map || !u.report) {
		ir_error(c, (Loc){0}, "target '%s' has no fabric to simulate", u.target.name);
		return -1;
	}
	m = u.map;
	memset(r, 0, sizeof *r);
	r->spec = u.spec;
	snprintf(r->target, sizeof r->target, "%s", u.target.name);
	r->rows = u.target.rows;
	r->cols = u.target.cols;
	r->grown = u.sized;
	r->stream = m->weights == MAP_WEIGHTS_STREAM;
	at = snprintf(r->schedule, sizeof r->schedule, "hu=%d ru=%d rv=%d", m->hu, m->ru, m->rv);
	if (m->hv > 1)
		at += snprintf(r->schedule + at, sizeof r->schedule - (size_t)at, " hv=%d", m->hv);
	snprintf(r->schedule + at, sizeof r->schedule - (size_t)at, "%s%s%s%s",
	         m->ru > 1 && m->combine == MAP_COMBINE_CHAIN ? " combine=chain" : "",
	         m->epilogue == MAP_EPI_PACKED ? " epilogue=packed" : "",
	         m->candidate == MAP_CANDIDATE_MERGED ? " candidate=merged" : "",
	         m->hoist ? " hoist_input=true" : "");
	for (k = 0; k < m->nunit; k++)
		r->dot_pcus += m->unit[k].role == MAP_DOT;
	r->pcus = m->pcus;
	r->chip_pcus = ir_target_pcus(&u.target);
	r->latency_us = u.report->latency_us;
	r->tflops = u.report->tflops;
	r->util = u.report->util_fabric;
	r->area_mm2 = u.report->area_used_mm2;
	r->chip_area_mm2 = u.report->area_chip_mm2;
	r->power_w = u.report->power_mw / 1000;
	r->energy_uj = u.report->energy_uj;
	return 0;
}

int
drv_compile(const Options *o)
{
	Ctx c;
	Unit u = {.c = &c, .o = o};
	size_t i;
	unsigned emit = o->emit;

	ir_ctx_init(&c);
	c.verbosity = o->verbosity;
	for (i = 0; i < NPASS; i++) {
		if (pipeline[i].run(&u) < 0 || c.nerrors)
			return drv_finish(&c, 1);
		if (o->dump_after && !strcmp(o->dump_after, pipeline[i].name)) {
			pipeline[i].dump(&u, stdout);
			return drv_finish(&c, 0);
		}
	}
	if (o->verbosity >= 0) {
		print_summary(&u.spec, &u.target, stdout);
		if (u.sized)
			printf("  fabric       grown from %d x %d to %d x %d (%d PCU + %d PMU, %.2f MiB on "
			       "chip) %s; schedule.weights: stream keeps the fabric and streams them\n", u.rows0,
			       u.cols0, u.target.rows, u.target.cols, ir_target_pcus(&u.target),
			       ir_target_pmus(&u.target), mib(ir_target_onchip_bytes(&u.target)),
			       u.grown_for_map ? "to leave room for the vectors, tables and state of a "
			                         "schedule beside the weights" : "to hold the weights");
		print_fusion(&u, stdout);
		if (u.map) {
			printf("  mapping      hu=%d ru=%d rv=%d", u.map->hu, u.map->ru, u.map->rv);
			if (u.map->hv > 1)  /* row groups; hv = 1 lines stay as they were */
				printf(" hv=%d", u.map->hv);
			/* the forms, where they differ from the mapping's own defaults */
			if (u.map->ru > 1 && u.map->combine == MAP_COMBINE_CHAIN)
				printf(" combine=chain");
			if (u.map->epilogue == MAP_EPI_PACKED)
				printf(" epilogue=packed");
			if (u.map->candidate == MAP_CANDIDATE_MERGED)
				printf(" candidate=merged");
			if (u.map->hoist)
				printf(" hoist_input=true");
			printf("%s: ", u.defaulted ? " (searched)" : "");
			map_summary(u.map, stdout);
			print_dot_share(u.map, stdout);
			if (u.defaulted && !u.no_default)
				print_search(o, &u.search, stdout);
		}
		print_quant_error(&u, stdout);
		if (u.report) {
			sim_report_print(u.report, stdout);
			db_compare_print(u.c, &u.spec, u.report->latency_us, stdout);
		}
	}
	if (u.cpu)
		emit |= EMIT_OBJ;
	if (o->outdir && !emit)
		emit = EMIT_SPEC | EMIT_IR | EMIT_REPORT | EMIT_SIM | EMIT_VERILOG;  /* -o alone:
		                                                               * everything there is */
	else if (emit & EMIT_VERILOG)
		emit |= EMIT_VERILOG_ASKED;  /* asked for: a design it cannot build is an error */
	if (emit) {
		Options eo = *o;

		eo.emit = emit;
		u.o = &eo;
		write_outputs(&u);
		u.o = o;
	}
	return drv_finish(&c, 0);
}

int
drv_prepare(Ctx *c, const Options *o, CellSpec *spec, Target *target, const Func **fixed,
            const Func **fp32)
{
	Unit u = {.c = c, .o = o};
	size_t i;

	for (i = 0; i < NPASS && strcmp(pipeline[i].name, "schedule"); i++) {
		if (pipeline[i].run(&u) < 0 || c->nerrors)
			return -1;
	}
	if (u.cpu) {
		ir_error(c, (Loc){0}, "target 'cpu' has no fabric to sweep");
		return -1;
	}
	*spec = u.spec;
	*target = u.target;
	*fixed = u.ir;
	*fp32 = u.fp32;
	return 0;
}

int
drv_print_target(const Options *o, const char *arg)
{
	Ctx c;
	Target t;
	const Embedded *e = fe_find_builtin_target(arg);

	(void)o;
	if (e) {
		fwrite(e->data, 1, e->len, stdout);
		return 0;
	}
	ir_ctx_init(&c);
	/* a name that is not built in is a file; a missing one gets the built-in names too */
	if (access(arg, F_OK) != 0 && !strchr(arg, '/'))
		fe_builtin_target_load(&c, arg, (Loc){0}, &t);
	else if (fe_load_target(&c, arg, &t) == 0)
		fe_print_target(&t, stdout);
	return drv_finish(&c, 0);
}

typedef struct Row {
	char name[SPEC_MAX_NAME + 1];
	const char *set;
	CellKind cell;
	int hidden, timesteps, batch;
	double gflop, mib;
	int fits;
} Row;

/* Server problems first, then by cell (LSTM, GRU, RNN) and size, as DeepBench lists them. */
static int
cmp_rows(const void *pa, const void *pb)
{
	const Row *a = pa, *b = pb;
	int d;

	if ((d = strcmp(b->set, a->set)))  /* "server" before "file" before "device" */
		return d;
	if (a->cell != b->cell)
		return a->cell < b->cell ? -1 : 1;
	if (a->hidden != b->hidden)
		return a->hidden < b->hidden ? -1 : 1;
	if (a->timesteps != b->timesteps)
		return a->timesteps > b->timesteps ? -1 : 1;
	return a->batch - b->batch;
}

/* Lists problems with their sizes and whether their weights fit the target. */
static int
problem_table(const Options *o, int all)
{
	size_t n = all ? db_spec_count() : (size_t)o->ninputs, nrows = 0, i;
	Row *rows = calloc(n ? n : 1, sizeof *rows);
	int rc = 0;

	if (!rows)
		IR_BUG("out of memory");
	for (i = 0; i < n; i++) {
		Ctx c;
		CellSpec s;
		Target t;
		const char *arg;

		ir_ctx_init(&c);
		if (all) {
			arg = ir_sprintf(&c.arena, "%s%s/%s", DB_PREFIX, db_spec_set(db_spec(i)),
			                 db_spec_name(&c, db_spec(i)));
		} else {
			arg = o->inputs[i];
			if (strncmp(arg, DB_PREFIX, strlen(DB_PREFIX)) && !strchr(arg, '.'))
				arg = ir_sprintf(&c.arena, "%s%s", DB_PREFIX, arg);
		}
		if (load_spec(&c, arg, NULL, &s) == 0 &&
		    fe_resolve_target(&c, &s, o->arch, o->target, &t) == 0) {
			Row *r = &rows[nrows++];
			int64_t w = ir_spec_weight_bytes(&s);

			snprintf(r->name, sizeof r->name, "%s", s.name);
			r->set = strncmp(arg, DB_PREFIX, strlen(DB_PREFIX)) ? "file" :
			         strstr(s.loc.file->name, "/device/") ? "device" : "server";
			r->cell = s.cell;
			r->hidden = s.hidden;
			r->timesteps = s.timesteps;
			r->batch = s.batch;
			r->gflop = ir_spec_flop(&s) / 1e9;
			r->mib = mib(w);
			r->fits = w <= ir_target_onchip_bytes(&t);
		}
		if (drv_finish(&c, 0))
			rc = 1;
	}
	qsort(rows, nrows, sizeof *rows, cmp_rows);
	printf("%-20s %-6s %-4s %6s %6s %5s %10s %9s  %s\n", "problem", "set", "cell", "hidden",
	       "steps", "batch", "GFLOP", "weights", "on chip");
	for (i = 0; i < nrows; i++) {
		const Row *r = &rows[i];

		printf("%-20s %-6s %-4s %6d %6d %5d %10.4g %5.2f MiB  %s\n", r->name, r->set,
		       ir_cell_name(r->cell), r->hidden, r->timesteps, r->batch, r->gflop, r->mib,
		       r->fits ? "fits" : "too large: stream from DRAM or use a larger fabric");
	}
	free(rows);
	return rc;
}

int
drv_list_deepbench(const Options *o)
{
	return problem_table(o, 1);
}


