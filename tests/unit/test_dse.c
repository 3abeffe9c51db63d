/* The sweep (dse/sweep.h): its space, its front, its bounds and its determinism, checked
 * against brute force and the simulator. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <CUnit/CUnit.h>
#include "../cu_main.h"
#include "../design.h"
#include "dse/sweep.h"
#include "frontend/fe.h"
#include "passes/passes.h"
#include "sim/model.h"

typedef struct Prob {
	Ctx c;
	CellSpec s;
	Target t;
	const Func *f, *fp32;
	DseSpace sp;
} Prob;

static void
prob(Prob *p, const char *text)
{
	ir_ctx_init(&p->c);
	CU_ASSERT_FATAL(fe_parse_spec(&p->c, "t.yaml", text, strlen(text), &p->s) == 0);
	CU_ASSERT_FATAL(fe_resolve_target(&p->c, &p->s, NULL, NULL, &p->t) == 0);
	p->fp32 = pass_fuse(pass_build(&p->c, &p->s));
	CU_ASSERT_FATAL(p->fp32 != NULL);
	p->f = pass_quantize(p->fp32, &p->s);
	CU_ASSERT_FATAL(p->f != NULL);
	dse_space_init(&p->c, &p->sp, &p->s, &p->t);
	p->sp.vary_numbers = 1;
}

static void
sweep(Prob *p, DseSweep *w, int jobs, int simulate)
{
	memset(w, 0, sizeof *w);
	w->spec = &p->s;
	w->fixed = p->f;
	w->fp32 = p->fp32;
	w->target = &p->t;
	w->space = &p->sp;
	w->jobs = jobs;
	w->simulate = simulate;
	CU_ASSERT_FATAL(dse_sweep_run(&p->c, w) == 0);
}

static int
set(Prob *p, const char *arg)
{
	return dse_space_set(&p->c, &p->sp, arg);
}

static void
test_space(void)
{
	Prob p;

	prob(&p, "cell: gru\nhidden: 20\ninput: 12\ntimesteps: 2\n");
	/* defaults: rv the powers of two up to D + H = 32 (the lanes hold 64), hu 1 to H, ru 1 to
	 * D + H, both forms of each */
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_RV], 6);
	CU_ASSERT_EQUAL(p.sp.val[DSE_K_RV][0], 32);
	CU_ASSERT_EQUAL(p.sp.val[DSE_K_RV][5], 1);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_HU], 20);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_RU], 32);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_COMBINE], 2);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_EPILOGUE], 2);
	CU_ASSERT_EQUAL(set(&p, "hu=1..4,8,3"), 0);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_HU], 5);
	CU_ASSERT_EQUAL(p.sp.val[DSE_K_HU][4], 8);
	CU_ASSERT_EQUAL(set(&p, "combine=chain"), 0);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_COMBINE], 1);
	CU_ASSERT_EQUAL(p.sp.val[DSE_K_COMBINE][0], COMBINE_CHAIN);
	CU_ASSERT_EQUAL(set(&p, "folded=false,true"), 0);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_FOLDED], 2);
	CU_ASSERT_EQUAL(p.c.nerrors, 0);
	CU_ASSERT_EQUAL(set(&p, "hu=0"), -1);
	CU_ASSERT_EQUAL(set(&p, "hu=4..2"), -1);
	CU_ASSERT_EQUAL(set(&p, "hu="), -1);
	CU_ASSERT_EQUAL(set(&p, "unroll=2"), -1);
	CU_ASSERT_EQUAL(set(&p, "combine=ring"), -1);
	CU_ASSERT_EQUAL(set(&p, "hu=1..3x"), -1);
	CU_ASSERT_EQUAL(p.c.nerrors, 6);
	ir_ctx_free(&p.c);
}

/* The front against brute force: a front point is dominated by no point; every other legal
 * point names a front point that dominates it. */
static void
test_front(void)
{
	Prob p;
	DseSweep w;
	int64_t i, j, nfront = 0;

	prob(&p, "cell: lstm\nhidden: 24\ninput: 10\ntimesteps: 2\n");
	CU_ASSERT_EQUAL(set(&p, "hu=1..6"), 0);
	CU_ASSERT_EQUAL(set(&p, "rv=8,16,34"), 0);
	sweep(&p, &w, 2, 4);
	CU_ASSERT(w.legal > 20);
	for (i = 0; i < w.npoints; i++) {
		const DseResult *a = &w.res[i];

		if (!a->maps) {
			CU_ASSERT_FALSE(a->front);
			continue;
		}
		nfront += a->front;
		for (j = 0; a->front && j < w.npoints; j++) {
			const DseResult *b = &w.res[j];

			if (!b->maps)
				continue;
			CU_ASSERT_FALSE(b->cycles <= a->cycles && b->area_mm2 <= a->area_mm2 &&
			                b->power_mw <= a->power_mw && b->energy_uj <= a->energy_uj &&
			                (b->cycles < a->cycles || b->area_mm2 < a->area_mm2 ||
			                 b->power_mw < a->power_mw || b->energy_uj < a->energy_uj));
		}
		if (!a->front) {
			const DseResult *d;

			CU_ASSERT_FATAL(a->dominator >= 0 && a->dominator < w.npoints);
			d = &w.res[a->dominator];
			CU_ASSERT(d->front);
			CU_ASSERT(d->cycles <= a->cycles && d->area_mm2 <= a->area_mm2 &&
			          d->power_mw <= a->power_mw && d->energy_uj <= a->energy_uj);
		}
	}
	CU_ASSERT_EQUAL(nfront, w.front);
	CU_ASSERT(w.front >= 1);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);
}

/* Every legal point simulated: the stream bound never exceeds the simulated cycles, the best
 * is the fastest simulated, and the model stays within its documented error (docs/model.md). */
static void
test_bound(void)
{
	Prob p;
	DseSweep w;
	int64_t i, best = -1;

	prob(&p, "cell: rnn\nhidden: 12\ninput: 9\nbatch: 2\ntimesteps: 3\n");
	CU_ASSERT_EQUAL(set(&p, "hu=1..4"), 0);
	CU_ASSERT_EQUAL(set(&p, "ru=1..4"), 0);
	sweep(&p, &w, 2, 1000000);
	CU_ASSERT_EQUAL(w.nsim, w.legal);
	for (i = 0; i < w.npoints; i++) {
		const DseResult *r = &w.res[i];

		if (!r->maps)
			continue;
		CU_ASSERT_FATAL(r->sim_cycles > 0);
		CU_ASSERT(r->bound <= r->sim_cycles);
		CU_ASSERT(fabs((double)(r->cycles - r->sim_cycles)) <= 0.15 * (double)r->sim_cycles);
		if (best < 0 || r->sim_cycles < w.res[best].sim_cycles)
			best = i;
	}
	CU_ASSERT_EQUAL(w.best, best);
	CU_ASSERT(w.err_max <= 0.15);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);
}

/* Constraints and another objective: the flags against the figures, and the best point the
 * least energy simulated among those within them, every one of them simulated. */
static void
test_objective(void)
{
	Prob p;
	DseSweep w;
	int64_t i, best = -1, meets = 0;

	prob(&p, "cell: lstm\nhidden: 16\ninput: 8\ntimesteps: 2\n");
	CU_ASSERT_EQUAL(set(&p, "hu=1..4"), 0);
	CU_ASSERT_EQUAL(set(&p, "ru=1..3"), 0);
	memset(&w, 0, sizeof w);
	w.spec = &p.s;
	w.fixed = p.f;
	w.target = &p.t;
	w.space = &p.sp;
	w.jobs = 2;
	w.simulate = 1000000;
	w.objective = DSE_OBJ_ENERGY;
	w.max_pcus = 12;
	w.max_power_mw = 2000;
	CU_ASSERT_FATAL(dse_sweep_run(&p.c, &w) == 0);
	for (i = 0; i < w.npoints; i++) {
		const DseResult *r = &w.res[i];
		int ok = r->maps && r->pcus <= 12 && r->power_mw <= 2000;

		CU_ASSERT_EQUAL(r->meets, ok);
		meets += ok;
		CU_ASSERT_EQUAL(r->sim_cycles >= 0, ok);
		if (ok && (best < 0 || r->sim_energy_uj < w.res[best].sim_energy_uj))
			best = i;
	}
	CU_ASSERT(meets > 0 && meets < w.legal);
	CU_ASSERT_EQUAL(w.meets, meets);
	CU_ASSERT_FATAL(best >= 0);
	CU_ASSERT_DOUBLE_EQUAL(w.res[w.best].sim_energy_uj, w.res[best].sim_energy_uj, 0);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);
}

/* The search (dse_search) against the whole sweep of the same space: the same three points
 * fastest by the model, so the same choice, having lowered only part of the space; and the
 * model never below the stream bound it prunes with. */
static void
test_search(void)
{
	static const char *const specs[] = {
		"cell: lstm\nhidden: 40\ninput: 24\ntimesteps: 3\n",
		"cell: gru\nhidden: 64\ninput: 33\nbatch: 2\ntimesteps: 2\n",
		"cell: rnn\nhidden: 100\ninput: 60\ntimesteps: 4\n",
		"cell: lstm\nhidden: 30\ninput: 20\ntimesteps: 2\nschedule: {combine: chain, rv: 16}\n",
	};
	size_t n;

	for (n = 0; n < sizeof specs / sizeof specs[0]; n++) {
		Prob p;
		DseSweep w;
		DsePoint q;
		DseSearchStats st;
		Knobs k;
		MapFail why;
		int64_t i;

		prob(&p, specs[n]);
		sweep(&p, &w, 2, DSE_FINALISTS);
		q.spec = &p.s;
		q.fixed = p.f;
		q.target = &p.t;
		q.knobs = p.s.knobs;
		CU_ASSERT_FATAL(dse_search(&q, NULL, &k, &why, &st) == 0);
		CU_ASSERT_EQUAL(st.points, w.npoints);
		CU_ASSERT_EQUAL(st.simulated, DSE_FINALISTS);
		if (n < 3) {  /* with rv pinned to 16 every bound is below the fastest's cycles */
			CU_ASSERT(st.modelled < st.points);
		}
		CU_ASSERT_EQUAL(st.pruned + st.modelled, st.points);
		CU_ASSERT_FATAL(w.best >= 0);
		CU_ASSERT_EQUAL(k.hu, w.res[w.best].k.hu);
		CU_ASSERT_EQUAL(k.ru, w.res[w.best].k.ru);
		CU_ASSERT_EQUAL(k.rv, w.res[w.best].k.rv);
		CU_ASSERT_EQUAL(k.combine, w.res[w.best].k.combine);
		CU_ASSERT_EQUAL(k.epilogue, w.res[w.best].k.epilogue);
		CU_ASSERT_EQUAL(st.sim_cycles, w.res[w.best].sim_cycles);
		for (i = 0; i < w.npoints; i++)
			CU_ASSERT(!w.res[i].maps || w.res[i].cycles >= w.res[i].bound);
		dse_sweep_free(&w);
		ir_ctx_free(&p.c);
	}
}

/* The search for a goal against the sweep with the same objective and limits. */
static void
test_search_goal(void)
{
	static const DseGoal goals[] = {
		{DSE_OBJ_LATENCY, 0, 0, 10, 0, 0, 0},
		{DSE_OBJ_ENERGY, 0, 0, 0, 0, 0, 0},
		{DSE_OBJ_AREA, 0, 1500, 0, 0, 0, 0},
		{DSE_OBJ_POWER, 25, 0, 0, 0, 0, 0},
	};
	size_t n;

	for (n = 0; n < sizeof goals / sizeof goals[0]; n++) {
		Prob p;
		DseSweep w;
		DsePoint q;
		DseSearchStats st;
		Knobs k;
		MapFail why;

		prob(&p, "cell: gru\nhidden: 24\ninput: 16\ntimesteps: 2\n");
		memset(&w, 0, sizeof w);
		w.spec = &p.s;
		w.fixed = p.f;
		w.target = &p.t;
		w.space = &p.sp;
		w.jobs = 2;
		w.simulate = DSE_FINALISTS;
		w.objective = goals[n].objective;
		w.max_area_mm2 = goals[n].max_area_mm2;
		w.max_power_mw = goals[n].max_power_mw;
		w.max_pcus = goals[n].max_pcus;
		CU_ASSERT_FATAL(dse_sweep_run(&p.c, &w) == 0);
		q.spec = &p.s;
		q.fixed = p.f;
		q.target = &p.t;
		q.knobs = p.s.knobs;
		CU_ASSERT_FATAL(dse_search(&q, &goals[n], &k, &why, &st) == 0);
		/* the bound prunes for latency only: other objectives model every point */
		if (goals[n].objective == DSE_OBJ_LATENCY) {
			CU_ASSERT(st.within <= w.meets);
		} else {
			CU_ASSERT_EQUAL(st.within, w.meets);
		}
		CU_ASSERT_FATAL(w.best >= 0);
		CU_ASSERT(k.hu == w.res[w.best].k.hu && k.ru == w.res[w.best].k.ru &&
		          k.rv == w.res[w.best].k.rv && k.combine == w.res[w.best].k.combine &&
		          k.epilogue == w.res[w.best].k.epilogue);
		CU_ASSERT(w.res[w.best].meets);
		dse_sweep_free(&w);
		ir_ctx_free(&p.c);
	}
}

/* Fabric knobs: each point lowered on the target with its rows, columns and PMU capacity gives
 * what a direct lowering and the model give on that target; streamed weights stream. */
static void
test_fabric(void)
{
	Prob p;
	DseSweep w;
	int64_t i, checked = 0;

	prob(&p, "cell: lstm\nhidden: 32\ninput: 16\ntimesteps: 2\n");
	CU_ASSERT_EQUAL(set(&p, "rows=6,16"), 0);
	CU_ASSERT_EQUAL(set(&p, "cols=4,8"), 0);
	CU_ASSERT_EQUAL(set(&p, "pmu_kib=2,256"), 0);
	CU_ASSERT_EQUAL(set(&p, "weights=onchip,stream"), 0);
	CU_ASSERT_EQUAL(set(&p, "hu=1..3"), 0);
	CU_ASSERT_EQUAL(set(&p, "ru=1,2"), 0);
	CU_ASSERT_EQUAL(set(&p, "rv=64"), 0);
	sweep(&p, &w, 2, 0);
	CU_ASSERT(w.legal > 0 && w.legal < w.npoints);
	for (i = 0; i < w.npoints; i += 3) {
		const DseResult *r = &w.res[i];
		Target t = p.t;
		DsePoint q = {&p.s, p.f, &t, r->k};
		DseDesign d;
		Ctx c;
		int maps;

		t.rows = r->rows;
		t.cols = r->cols;
		t.pmu.capacity_kib = r->pmu_kib;
		ir_ctx_init(&c);
		maps = dse_lower(&c, &q, &d) == 0;
		CU_ASSERT_EQUAL(maps, r->maps);
		if (maps && r->maps) {
			ModelEstimate e;

			model_estimate(d.map, p.s.timesteps, &e);
			CU_ASSERT_EQUAL(e.cycles, r->cycles);
			CU_ASSERT_DOUBLE_EQUAL(e.area_used_mm2, r->area_mm2, 1e-9);
			CU_ASSERT(r->pcus <= ir_target_pcus(&t));
			CU_ASSERT_EQUAL(d.map->weights == MAP_WEIGHTS_STREAM, r->k.weights == WEIGHTS_STREAM);
			checked++;
		} else if (!maps && !r->maps) {
			CU_ASSERT_EQUAL(d.why.kind, r->why.kind);
		}
		ir_ctx_free(&c);
	}
	CU_ASSERT(checked > 5);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);
}

/* Widths and LUT sizes: a point of other numbers is the design of the spec written with them
 * (the accumulator as wide as the sums need), compiled on its own. */
static void
test_numbers(void)
{
	static const char *const base = "cell: gru\nhidden: 24\ninput: 9\ntimesteps: 2\n";
	Prob p;
	DseSweep w;
	int64_t i, checked = 0;

	prob(&p, base);
	CU_ASSERT_EQUAL(set(&p, "weight_bits=8..16"), 0);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_WBITS], 2);
	CU_ASSERT_EQUAL(set(&p, "lut_entries=100..600"), 0);
	CU_ASSERT_EQUAL(p.sp.n[DSE_K_LUT], 3);  /* 128, 256, 512 */
	CU_ASSERT_EQUAL(set(&p, "act_bits=12"), -1);
	CU_ASSERT_EQUAL(set(&p, "hu=1..3"), 0);
	CU_ASSERT_EQUAL(set(&p, "ru=1..2"), 0);
	CU_ASSERT_EQUAL(set(&p, "rv=8,32"), 0);
	sweep(&p, &w, 2, 0);
	CU_ASSERT_EQUAL(w.nvar, 6);
	for (i = 0; i < w.npoints; i += 5) {
		const DseResult *r = &w.res[i];
		char text[512];
		Design d;
		int maps;

		snprintf(text, sizeof text, "%sprecision: {weight_bits: %d, weight_frac: %d, "
		         "accum_bits: 32}\nactivation: {entries: %d}\nschedule: {hu: %d, ru: %d, rv: %d, "
		         "combine: %s, epilogue: %s, candidate: %s, hoist_input: %s}\n", base, r->wbits,
		         r->wbits - 1, r->lut, r->k.hu, r->k.ru, r->k.rv,
		         r->k.combine == COMBINE_CHAIN ? "chain" : "tree",
		         r->k.epilogue == EPILOGUE_PACKED ? "packed" : "serial",
		         r->k.candidate == CANDIDATE_MERGED ? "merged" : "split",
		         r->k.hoist_input > 0 ? "true" : "false");
		maps = design(&d, text) == 0;
		CU_ASSERT_EQUAL(maps, r->maps);
		if (maps && r->maps) {
			ModelEstimate e;

			model_estimate(d.m, 2, &e);
			CU_ASSERT_EQUAL(e.cycles, r->cycles);
			CU_ASSERT_DOUBLE_EQUAL(e.power_mw, r->power_mw, 1e-9);
			checked++;
		}
		ir_ctx_free(&d.c);
	}
	CU_ASSERT(checked > 5);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);
}

static char *
as_text(const DseSweep *w, void (*fn)(const DseSweep *, FILE *), size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);

	CU_ASSERT_FATAL(fp != NULL);
	fn(w, fp);
	fclose(fp);
	return buf;
}

/* One worker and three give the same bytes. */
static void
test_jobs(void)
{
	Prob p;
	DseSweep a, b;
	size_t la, lb;
	char *ca, *cb;

	prob(&p, "cell: gru\nhidden: 16\ninput: 7\ntimesteps: 2\n");
	CU_ASSERT_EQUAL(set(&p, "hu=1..5"), 0);
	sweep(&p, &a, 1, 3);
	sweep(&p, &b, 3, 3);
	ca = as_text(&a, dse_sweep_csv, &la);
	cb = as_text(&b, dse_sweep_csv, &lb);
	CU_ASSERT(la == lb && !memcmp(ca, cb, la));
	free(ca);
	free(cb);
	ca = as_text(&a, dse_sweep_json, &la);
	cb = as_text(&b, dse_sweep_json, &lb);
	CU_ASSERT(la == lb && !memcmp(ca, cb, la));
	free(ca);
	free(cb);
	dse_sweep_free(&a);
	dse_sweep_free(&b);
	ir_ctx_free(&p.c);
}


/* A sweep by a heuristic: the points it visited, their results those of the exhaustive sweep's
 * same points, in the space's order, each once. */
static void
walk_sweep(Prob *p, DseSweep *w, DseStrategy how, uint64_t seed, int64_t samples, int jobs,
           DseObjective o)
{
	memset(w, 0, sizeof *w);
	w->spec = &p->s;
	w->fixed = p->f;
	w->fp32 = p->fp32;
	w->target = &p->t;
	w->space = &p->sp;
	w->jobs = jobs;
	w->simulate = DSE_FINALISTS;
	w->strategy = how;
	w->seed = seed;
	w->samples = samples;
	w->objective = o;
	CU_ASSERT_FATAL(dse_sweep_run(&p->c, w) == 0);
	CU_ASSERT_EQUAL(w->used, how);
}

static int
same_point(const DseResult *a, const DseResult *b)
{
	return a->rows == b->rows && a->cols == b->cols && a->pmu_kib == b->pmu_kib &&
	       a->k.hu == b->k.hu && a->k.ru == b->k.ru && a->k.rv == b->k.rv && a->k.hv == b->k.hv &&
	       a->k.folded == b->k.folded && a->k.combine == b->k.combine &&
	       a->k.epilogue == b->k.epilogue && a->k.candidate == b->k.candidate &&
	       a->k.hoist_input == b->k.hoist_input &&
	       a->k.weights == b->k.weights && a->wbits == b->wbits && a->abits == b->abits &&
	       a->lut == b->lut;
}

/* Every visited point is a point of the exhaustive sweep ex, later in its order than the last,
 * with the same figures; the front is that of the visited points. */
static void
check_visited(const DseSweep *ex, const DseSweep *w)
{
	int64_t i, j = 0, a, b;

	CU_ASSERT(w->npoints > 0 && w->npoints <= ex->npoints);
	CU_ASSERT(w->npoints <= w->samples);
	CU_ASSERT_EQUAL(w->space_points, ex->npoints);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];

		for (; j < ex->npoints && !same_point(&ex->res[j], r); j++)
			;
		CU_ASSERT_FATAL(j < ex->npoints);
		CU_ASSERT(r->done);
		CU_ASSERT_EQUAL(r->maps, ex->res[j].maps);
		CU_ASSERT_EQUAL(r->cycles, ex->res[j].cycles);
		CU_ASSERT_EQUAL(r->bound, ex->res[j].bound);
		CU_ASSERT(r->area_mm2 == ex->res[j].area_mm2 && r->power_mw == ex->res[j].power_mw);
		j++;
	}
	/* the front: no point on it dominated, every other point dominated by one on it */
	for (a = 0; a < w->npoints; a++) {
		const DseResult *x = &w->res[a];

		if (!x->maps)
			continue;
		if (!x->front) {
			CU_ASSERT(x->dominator >= 0 && w->res[x->dominator].front);
			continue;
		}
		for (b = 0; b < w->npoints; b++) {
			const DseResult *y = &w->res[b];

			CU_ASSERT(!(y->maps && y->cycles <= x->cycles && y->area_mm2 <= x->area_mm2 &&
			            y->power_mw <= x->power_mw && y->energy_uj <= x->energy_uj &&
			            (y->cycles < x->cycles || y->area_mm2 < x->area_mm2 ||
			             y->power_mw < x->power_mw || y->energy_uj < x->energy_uj)));
		}
	}
}

/* On spaces small enough to visit, annealing within a fifth of the points (at most 1500) finds
 * the exhaustive sweep's best, for several cells, seeds and objectives; random sampling visits
 * valid points. */
static void
test_heuristic(void)
{
	static const struct {
		const char *spec, *set;
		DseObjective o;
	} cases[] = {
		{"cell: lstm\nhidden: 40\ninput: 24\ntimesteps: 3\n", NULL, DSE_OBJ_LATENCY},
		{"cell: gru\nhidden: 64\ninput: 33\nbatch: 2\ntimesteps: 2\n", NULL, DSE_OBJ_LATENCY},
		{"cell: rnn\nhidden: 100\ninput: 60\ntimesteps: 4\n", NULL, DSE_OBJ_ENERGY},
		{"cell: gru\nhidden: 24\ninput: 12\ntimesteps: 2\nbatch: 2\n", "pmu_kib=16,64,256",
		 DSE_OBJ_LATENCY},
		{"cell: lstm\nhidden: 32\ninput: 16\ntimesteps: 2\n", "rows=4..8", DSE_OBJ_AREA},
	};
	size_t n;

	for (n = 0; n < sizeof cases / sizeof cases[0]; n++) {
		Prob p;
		DseSweep ex, an, rnd;
		int64_t budget;
		uint64_t seed;

		prob(&p, cases[n].spec);
		if (cases[n].set)
			CU_ASSERT_FATAL(set(&p, cases[n].set) == 0);
		memset(&ex, 0, sizeof ex);
		ex.spec = &p.s;
		ex.fixed = p.f;
		ex.fp32 = p.fp32;
		ex.target = &p.t;
		ex.space = &p.sp;
		ex.jobs = 2;
		ex.simulate = DSE_FINALISTS;
		ex.objective = cases[n].o;
		CU_ASSERT_FATAL(dse_sweep_run(&p.c, &ex) == 0);
		CU_ASSERT_EQUAL(ex.used, DSE_STRATEGY_EXHAUSTIVE);
		CU_ASSERT_FATAL(ex.best >= 0);
		budget = ex.npoints / 5 < 1500 ? ex.npoints / 5 : 1500;
		for (seed = 1; seed <= 3; seed++) {
			walk_sweep(&p, &an, DSE_STRATEGY_ANNEAL, seed, budget, 2, cases[n].o);
			CU_ASSERT_EQUAL(an.npoints, budget);
			check_visited(&ex, &an);
			CU_ASSERT_FATAL(an.best >= 0);
			if (!same_point(&an.res[an.best], &ex.res[ex.best]))
				fprintf(stderr, "case %zu seed %llu: anneal's best is not the sweep's\n", n,
				        (unsigned long long)seed);
			CU_ASSERT(same_point(&an.res[an.best], &ex.res[ex.best]));
			dse_sweep_free(&an);
		}
		walk_sweep(&p, &rnd, DSE_STRATEGY_RANDOM, 7, budget, 1, cases[n].o);
		CU_ASSERT_EQUAL(rnd.npoints, budget);
		check_visited(&ex, &rnd);
		dse_sweep_free(&rnd);
		/* a budget past the space's size: every point once */
		walk_sweep(&p, &an, DSE_STRATEGY_ANNEAL, 1, 2 * ex.npoints, 2, cases[n].o);
		CU_ASSERT_EQUAL(an.npoints, ex.npoints);
		check_visited(&ex, &an);
		dse_sweep_free(&an);
		dse_sweep_free(&ex);
		ir_ctx_free(&p.c);
	}
}

/* The same seed twice, and with one worker or three, gives the same bytes; another seed other
 * points, each valid. */
static void
test_seeds(void)
{
	Prob p;
	DseSweep a, b, c;
	size_t la, lb;
	char *ca, *cb;
	int k;

	prob(&p, "cell: gru\nhidden: 16\ninput: 7\ntimesteps: 2\n");
	for (k = 0; k < 2; k++) {
		DseStrategy how = k ? DSE_STRATEGY_RANDOM : DSE_STRATEGY_ANNEAL;

		walk_sweep(&p, &a, how, 5, 200, 1, DSE_OBJ_LATENCY);
		walk_sweep(&p, &b, how, 5, 200, 3, DSE_OBJ_LATENCY);
		walk_sweep(&p, &c, how, 6, 200, 2, DSE_OBJ_LATENCY);
		ca = as_text(&a, dse_sweep_csv, &la);
		cb = as_text(&b, dse_sweep_csv, &lb);
		CU_ASSERT(la == lb && !memcmp(ca, cb, la));
		CU_ASSERT(!strncmp(ca + 2, dse_strategy_name(how), strlen(dse_strategy_name(how))));
		CU_ASSERT(strstr(ca, ", seed 5, 200 samples: 200 points visited of ") != NULL);
		free(ca);
		free(cb);
		ca = as_text(&a, dse_sweep_json, &la);
		cb = as_text(&b, dse_sweep_json, &lb);
		CU_ASSERT(la == lb && !memcmp(ca, cb, la));
		CU_ASSERT(strstr(ca, "\"seed\": 5,") != NULL);
		free(ca);
		free(cb);
		CU_ASSERT(c.npoints == 200 && c.best >= 0);
		dse_sweep_free(&a);
		dse_sweep_free(&b);
		dse_sweep_free(&c);
	}
	ir_ctx_free(&p.c);
}

/* A space past DSE_EXHAUSTIVE_MAX is sampled by annealing, unless exhaustive is asked for; the
 * search does the same. */
static void
test_too_large(void)
{
	Prob p;
	DseSweep w;
	DsePoint q;
	DseGoal g = {DSE_OBJ_LATENCY, 0, 0, 0, DSE_STRATEGY_AUTO, 3, 60};
	DseSearchStats st;
	Knobs k;
	MapFail why;

	prob(&p, "cell: lstm\nhidden: 24\ninput: 12\ntimesteps: 2\n");
	CU_ASSERT_FATAL(set(&p, "rows=4..64") == 0);
	CU_ASSERT_FATAL(set(&p, "cols=4..64") == 0);
	CU_ASSERT_FATAL(set(&p, "pmu_kib=16..32") == 0);
	memset(&w, 0, sizeof w);
	w.spec = &p.s;
	w.fixed = p.f;
	w.target = &p.t;
	w.space = &p.sp;
	w.jobs = 2;
	w.simulate = 2;
	w.seed = 3;
	w.samples = 60;
	CU_ASSERT_FATAL(dse_sweep_run(&p.c, &w) == 0);
	CU_ASSERT_EQUAL(w.used, DSE_STRATEGY_ANNEAL);
	CU_ASSERT(w.switched);
	CU_ASSERT_EQUAL(w.space_points, DSE_EXHAUSTIVE_MAX + 1);
	CU_ASSERT_EQUAL(w.npoints, 60);
	CU_ASSERT(w.best >= 0);
	dse_sweep_free(&w);
	/* asked for, the walk does not shard */
	memset(&w, 0, sizeof w);
	w.spec = &p.s;
	w.fixed = p.f;
	w.target = &p.t;
	w.space = &p.sp;
	w.strategy = DSE_STRATEGY_RANDOM;
	w.shard_k = 1;
	w.shard_n = 2;
	CU_ASSERT(dse_sweep_run(&p.c, &w) < 0);
	dse_sweep_free(&w);
	ir_ctx_free(&p.c);

	/* the search of a spec on its target: exhaustive unless asked, the best of a walk valid */
	prob(&p, "cell: gru\nhidden: 64\ninput: 33\nbatch: 2\ntimesteps: 2\n");
	q.spec = &p.s;
	q.fixed = p.f;
	q.target = &p.t;
	q.knobs = p.s.knobs;
	CU_ASSERT_FATAL(dse_search(&q, &g, &k, &why, &st) == 0);
	CU_ASSERT_EQUAL(st.used, DSE_STRATEGY_EXHAUSTIVE);
	CU_ASSERT(!st.switched);
	g.strategy = DSE_STRATEGY_ANNEAL;
	g.samples = st.points / 5;
	{
		Knobs ka;

		CU_ASSERT_FATAL(dse_search(&q, &g, &ka, &why, &st) == 0);
		CU_ASSERT_EQUAL(st.used, DSE_STRATEGY_ANNEAL);
		CU_ASSERT_EQUAL(st.modelled, g.samples);
		CU_ASSERT(ka.hu == k.hu && ka.ru == k.ru && ka.rv == k.rv && ka.combine == k.combine &&
		          ka.epilogue == k.epilogue && ka.candidate == k.candidate);
	}
	g.strategy = DSE_STRATEGY_RANDOM;
	g.samples = 60;
	CU_ASSERT_FATAL(dse_search(&q, &g, &k, &why, &st) == 0);
	CU_ASSERT_EQUAL(st.used, DSE_STRATEGY_RANDOM);
	CU_ASSERT_EQUAL(st.seed, 3);
	CU_ASSERT_EQUAL(st.modelled, 60);
	CU_ASSERT_EQUAL(st.simulated, DSE_FINALISTS);
	ir_ctx_free(&p.c);
}

static CU_TestInfo dse_tests[] = {
	{"space", test_space},
	{"Pareto front", test_front},
	{"bound and best", test_bound},
	{"objective and constraints", test_objective},
	{"search", test_search},
	{"search for a goal", test_search_goal},
	{"fabric knobs", test_fabric},
	{"widths and LUT sizes", test_numbers},
	{"workers", test_jobs},
	{"heuristic against exhaustive", test_heuristic},
	{"seeds and workers", test_seeds},
	{"spaces too large", test_too_large},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"dse", NULL, NULL, NULL, NULL, dse_tests},
	CU_SUITE_INFO_NULL,
};
