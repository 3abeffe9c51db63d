/* The search (dse.h): the points of the sweep's space in the order of their stream bound, the
 * model's few best simulated. */
#include <stdlib.h>
#include <string.h>

#include "../sim/sim.h"
#include "eval.h"

/* Reasons no point of the space gets past: the batch, the sizes and rv decide them, and every
 * point shares the first (or hu, ru and the forms do not change them). */
static int
fixed_fail(const MapFail *f)
{
	MapFailKind k = f->kind;

	return k == MAP_FAIL_SHAPE || k == MAP_FAIL_FOLDED;
}

/* The strategy of w's space, as a sweep plans it (dse_sweep_plan: w->used, w->space_points,
 * w->npoints): 0 exhaustive, 1 a walk. */
static int
pick(Ctx *c, DseSweep *w, const DseGoal *goal)
{
	w->strategy = goal ? goal->strategy : DSE_STRATEGY_AUTO;
	w->seed = goal && goal->seed ? goal->seed : DSE_SEED_DEFAULT;
	w->samples = goal && goal->samples > 0 ? goal->samples : DSE_SAMPLES_DEFAULT;
	w->jobs = 1;
	if (dse_sweep_plan(c, w) < 0)
		IR_BUG("a search is not cut in shards");
	return w->used != DSE_STRATEGY_EXHAUSTIVE;
}

int
dse_search(const DsePoint *p, const DseGoal *goal, Knobs *k, MapFail *why, DseSearchStats *st)
{
	CellSpec s = *p->spec;
	Ctx c, scratch;
	DseSpace sp;
	DseSweep w;
	DseSearchStats stats;
	int64_t *order, *tmp, i, fin[DSE_FINALISTS], smallest = -1;
	int nfin = 0, j, steps = p->spec->timesteps < 2 ? p->spec->timesteps : 2;
	int64_t best = -1;

	memset(&stats, 0, sizeof stats);
	stats.sim_cycles = -1;
	stats.model_first_sim = -1;
	s.knobs = p->knobs;
	ir_ctx_init(&c);
	ir_ctx_init(&scratch);
	dse_space_init(&c, &sp, &s, p->target);
	memset(&w, 0, sizeof w);
	w.spec = &s;
	w.fixed = p->fixed;
	w.target = p->target;
	w.space = &sp;
	if (goal) {
		w.objective = goal->objective;
		w.max_area_mm2 = goal->max_area_mm2;
		w.max_power_mw = goal->max_power_mw;
		w.max_pcus = goal->max_pcus;
	}
	if (dse_make_variants(&c, &w) < 0)
		IR_BUG("the spec's own numbers make no variant");
	if (pick(&c, &w, goal) == 0) {
		w.res = calloc((size_t)(w.npoints ? w.npoints : 1), sizeof *w.res);
		if (!w.res)
			IR_BUG("out of memory");
		dse_enumerate(&w, w.res);
	} else if (dse_walk(&w) < 0) {
		IR_BUG("out of memory");
	}
	stats.points = w.space_points;
	stats.used = w.used;
	stats.switched = w.switched;
	stats.seed = w.seed;
	stats.samples = w.samples;
	order = malloc((size_t)(w.npoints ? w.npoints : 1) * sizeof *order);
	tmp = malloc((size_t)(w.npoints ? w.npoints : 1) * sizeof *tmp);
	if (!order || !tmp)
		IR_BUG("out of memory");
	for (i = 0; i < w.npoints; i++) {
		const DseResult *r = &w.res[i];

		order[i] = i;
		/* the point whose reason is shown when none maps: the smallest design */
		if (smallest < 0 || (int64_t)r->k.hu * r->k.ru <
		                    (int64_t)w.res[smallest].k.hu * w.res[smallest].k.ru)
			smallest = i;
	}
	{
		DseOrder ord = {w.res, DSE_NOBJ, 1};

		dse_sort_points(&ord, order, tmp, w.npoints);
	}
	for (i = 0; i < w.npoints; i++) {
		DseResult *r = &w.res[order[i]];

		/* the bound is of cycles: it prunes for the least latency only (a walk's points are
		 * all modelled already) */
		if (nfin == DSE_FINALISTS && w.objective == DSE_OBJ_LATENCY && !r->done &&
		    r->bound > w.res[fin[nfin - 1]].cycles) {
			stats.pruned = w.npoints - i;
			break;
		}
		if (!r->done)
			dse_evaluate(&scratch, &w, r);
		stats.modelled++;
		if (!r->maps) {
			if (fixed_fail(&r->why)) {
				smallest = order[i];
				break;  /* no point gets past this */
			}
			continue;
		}
		stats.legal++;
		if (r->cycles < r->bound)
			IR_BUG("the model predicts %lld cycles, fewer than the stream bound's %lld",
			       (long long)r->cycles, (long long)r->bound);
		if (!dse_within(&w, r))
			continue;
		stats.within++;
		/* keep the model's DSE_FINALISTS best in the objective, in order */
		if (nfin < DSE_FINALISTS)
			fin[nfin++] = order[i];
		else if (dse_better(w.res, w.objective, 0, order[i], fin[nfin - 1]))
			fin[nfin - 1] = order[i];
		for (j = nfin - 1; j > 0 && dse_better(w.res, w.objective, 0, fin[j], fin[j - 1]); j--) {
			int64_t t = fin[j];

			fin[j] = fin[j - 1];
			fin[j - 1] = t;
		}
	}
	/* the finalists simulated: the first step and a steady one rank them; one whose two steps
	 * would take more than DSE_SIM_BUDGET unit-cycles keeps the model's order */
	for (j = 0; j < nfin; j++) {
		DseResult *r = &w.res[fin[j]];
		DsePoint q = *p;
		DseDesign d;
		SimOptions o = {0};
		Report *rep;

		if (r->cycles / s.timesteps * steps * (r->pcus + r->pmus) > DSE_SIM_BUDGET) {
			stats.budget = 1;
			if (best < 0)
				best = fin[j];
			break;
		}
		o.max_steps = steps;
		q.knobs = r->k;
		ir_ctx_reset(&scratch);
		if (dse_lower(&scratch, &q, &d) < 0)
			IR_BUG("a finalist of the search no longer maps");
		rep = sim_run(&scratch, d.map, s.timesteps, &o, NULL);
		r->sim_cycles = rep->cycles;
		r->sim_power_mw = rep->power_mw;
		r->sim_energy_uj = rep->energy_uj;
		stats.simulated++;
		if (best < 0 || dse_better(w.res, w.objective, 1, fin[j], best))
			best = fin[j];
	}
	for (j = 0; j < stats.simulated; j++) {
		const DseResult *r = &w.res[fin[j]];
		double err = (double)llabs(r->cycles - r->sim_cycles) / (double)r->sim_cycles;

		stats.err_mean += err / stats.simulated;
		if (err > stats.err_max)
			stats.err_max = err;
	}
	if (best >= 0) {
		*k = w.res[best].k;
		stats.sim_cycles = w.res[best].sim_cycles;
		stats.model_cycles = w.res[best].cycles;
		if (best != fin[0]) {
			stats.model_first = w.res[fin[0]].k;
			stats.model_first_sim = w.res[fin[0]].sim_cycles;
		}
	} else if (stats.legal) {
		/* points map, none within the limits */
		*k = smallest >= 0 ? w.res[smallest].k : s.knobs;
		if (why) {
			memset(why, 0, sizeof *why);
			why->kind = MAP_FAIL_OTHER;
			why->role = -1;
		}
	} else {
		*k = smallest >= 0 ? w.res[smallest].k : s.knobs;
		if (why) {
			DsePoint q = *p;
			DseDesign d;

			q.knobs = *k;
			ir_ctx_reset(&scratch);
			dse_lower(&scratch, &q, &d);
			*why = d.why;
			why->unit = NULL;  /* it lives in the scratch arena */
		}
	}
	if (st)
		*st = stats;
	free(w.var);
	free(w.res);
	free(order);
	free(tmp);
	ir_ctx_free(&scratch);
	ir_ctx_free(&c);
	return best >= 0 ? 0 : -1;
}
