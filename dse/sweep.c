/* The sweep (sweep.h): the points of a space, lowered and modelled on worker threads, the best
 * few simulated, the Pareto front, and the points as CSV and JSON. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../passes/passes.h"
#include "../sim/model.h"
#include "../sim/sim.h"
#include "sweep.h"

static const char *const objective_names[DSE_NOBJ] = {"latency", "area", "power", "energy"};

const char *
dse_objective_name(DseObjective o)
{
	return o < DSE_NOBJ ? objective_names[o] : "?";
}

int
dse_objective_find(const char *s)
{
	int i;

	for (i = 0; i < DSE_NOBJ; i++) {
		if (!strcmp(s, objective_names[i]))
			return i;
	}
	return -1;
}

static int64_t
ceil_div64(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The target of a point: the sweep's, with the point's rows, columns and PMU capacity (and no
 * published die figures when those differ). */
static Target
point_target(const DseSweep *w, const DseResult *r)
{
	Target t = *w->target;

	t.rows = r->rows;
	t.cols = r->cols;
	t.pmu.capacity_kib = r->pmu_kib;
	if (t.rows != w->target->rows || t.cols != w->target->cols ||
	    t.pmu.capacity_kib != w->target->pmu.capacity_kib) {
		t.die_area_mm2 = 0;
		t.tdp_w = 0;
	}
	return t;
}

/* The points of the space in order, less those that cannot be a design (sweep.h), into out;
 * with out NULL only counted. */
static int64_t
enumerate(const DseSweep *w, DseResult *out)
{
	const DseSpace *sp = w->space;
	const CellSpec *s = w->spec;
	int64_t n = 0, nk = s->input + s->hidden, npcu = 0;
	int i[DSE_NKNOB] = {0}, d, lastgrid = -1;

	for (d = 0; d < DSE_NKNOB; d++) {
		if (sp->n[d] == 0)
			return 0;
	}
	for (;;) {
		int rv = sp->val[DSE_K_RV][i[DSE_K_RV]], hu = sp->val[DSE_K_HU][i[DSE_K_HU]];
		int ru = sp->val[DSE_K_RU][i[DSE_K_RU]];
		int combine = sp->val[DSE_K_COMBINE][i[DSE_K_COMBINE]];
		int cand = sp->val[DSE_K_CANDIDATE][i[DSE_K_CANDIDATE]];
		int hv = sp->val[DSE_K_HV][i[DSE_K_HV]];
		int grid = i[DSE_K_ROWS] * sp->n[DSE_K_COLS] + i[DSE_K_COLS];

		if (grid != lastgrid) {
			Target t = *w->target;

			t.rows = sp->val[DSE_K_ROWS][i[DSE_K_ROWS]];
			t.cols = sp->val[DSE_K_COLS][i[DSE_K_COLS]];
			npcu = ir_target_pcus(&t);
			lastgrid = grid;
		}
		/* with one tile both ways of adding are one design: it is the tree's point; the
		 * merged candidate gate of a space that has both forms only where it can be built
		 * (rv divides D, one row a token) */
		if (ru <= ceil_div64(nk, rv) && hu <= s->hidden && (int64_t)hu * ru <= npcu &&
		    !(ru == 1 && combine == COMBINE_CHAIN && sp->n[DSE_K_COMBINE] > 1) &&
		    !(cand == CANDIDATE_MERGED && sp->n[DSE_K_CANDIDATE] > 1 &&
		      (s->input % rv || hv > 1))) {
			if (out) {
				DseResult *r = &out[n];
				Knobs *k = &r->k;

				memset(r, 0, sizeof *r);
				r->rows = sp->val[DSE_K_ROWS][i[DSE_K_ROWS]];
				r->cols = sp->val[DSE_K_COLS][i[DSE_K_COLS]];
				r->pmu_kib = sp->val[DSE_K_PMU_KIB][i[DSE_K_PMU_KIB]];
				*k = s->knobs;
				k->rv = rv;
				k->hu = hu;
				k->ru = ru;
				k->hv = hv;
				k->candidate = cand;
				k->folded = sp->val[DSE_K_FOLDED][i[DSE_K_FOLDED]];
				k->combine = combine;
				k->epilogue = sp->val[DSE_K_EPILOGUE][i[DSE_K_EPILOGUE]];
				k->weights = sp->val[DSE_K_WEIGHTS][i[DSE_K_WEIGHTS]];
				r->wbits = sp->val[DSE_K_WBITS][i[DSE_K_WBITS]];
				r->abits = sp->val[DSE_K_ABITS][i[DSE_K_ABITS]];
				r->lut = sp->val[DSE_K_LUT][i[DSE_K_LUT]];
				r->var = (i[DSE_K_WBITS] * sp->n[DSE_K_ABITS] + i[DSE_K_ABITS]) *
				         sp->n[DSE_K_LUT] + i[DSE_K_LUT];
				r->sim_cycles = -1;
				r->dominator = -1;
			}
			n++;
		}
		for (d = DSE_NKNOB - 1; d >= 0; d--) {
			if (++i[d] < sp->n[d])
				break;
			i[d] = 0;
		}
		if (d < 0)
			return n;
	}
}

/* A fixed-point format of `bits` with as many integer bits as f has. */
static FixedFmt
widened(FixedFmt f, int bits)
{
	FixedFmt g = {bits, bits - (f.bits - f.frac)};

	if (g.frac < 0)
		g.frac = 0;
	return g;
}

/* One variant per choice of the numbers, in the space's order (the index of enumerate's
 * r->var): the spec with those widths (each keeping the spec's integer bits), LUT entries and an
 * accumulator as wide as the exact sums need, quantized from the fp32 nest. */
static int
make_variants(Ctx *c, DseSweep *w)
{
	const DseSpace *sp = w->space;
	const CellSpec *s = w->spec;
	int a, b, l, n = 0, nerrors = c->nerrors;

	w->nvar = sp->n[DSE_K_WBITS] * sp->n[DSE_K_ABITS] * sp->n[DSE_K_LUT];
	w->var = calloc((size_t)w->nvar, sizeof *w->var);
	if (!w->var)
		return -1;
	for (a = 0; a < sp->n[DSE_K_WBITS]; a++)
	for (b = 0; b < sp->n[DSE_K_ABITS]; b++)
	for (l = 0; l < sp->n[DSE_K_LUT]; l++) {
		DseVariant *v = &w->var[n++];
		CellSpec *vs = &v->spec;
		int need, terms = s->input + s->hidden;

		*vs = *s;
		vs->prec.weight = widened(s->prec.weight, sp->val[DSE_K_WBITS][a]);
		vs->prec.act = widened(s->prec.act, sp->val[DSE_K_ABITS][b]);
		vs->act.entries = sp->val[DSE_K_LUT][l];
		v->err_max = v->err_mean = -1;
		/* the exact sums of D + H products (docs/numerics.md) */
		for (need = vs->prec.weight.bits + vs->prec.act.bits; terms > 1; terms = (terms + 1) / 2)
			need++;
		if (need > vs->prec.accum_bits)
			vs->prec.accum_bits = need <= 32 ? 32 : 64;
		if (need > 64)
			continue;  /* no accumulator holds them: its points do not map */
		if (!memcmp(&vs->prec, &s->prec, sizeof s->prec) && vs->act.entries == s->act.entries)
			v->fixed = w->fixed;
		else if (w->fp32 && s->prec.kind == PREC_FIXED)
			v->fixed = pass_quantize(w->fp32, vs);
		if (!v->fixed)
			continue;
		if (w->qerror && s->prec.kind == PREC_FIXED)
			w->qerror(w->qerror_ctx, v, &v->err_max, &v->err_mean);
	}
	return c->nerrors > nerrors ? -1 : 0;
}

static void
evaluate(Ctx *scratch, const DseSweep *w, DseResult *r)
{
	const DseVariant *v = &w->var[r->var];
	const CellSpec *s = &v->spec;
	Target t = point_target(w, r);
	DsePoint p = {s, v->fixed, &t, r->k};
	DseDesign d;
	ModelEstimate e;
	int64_t macs = ir_spec_macs_per_step(s) * s->timesteps, peak;
	int hv = r->k.hv > 1 ? r->k.hv : 1, i;

	r->bound = (int64_t)s->timesteps * s->batch * ceil_div64(ceil_div64(s->hidden, r->k.hu), hv) *
	           ceil_div64(s->input + s->hidden, (int64_t)r->k.ru * r->k.rv);
	r->done = 1;
	if (!v->fixed) {
		r->why.kind = MAP_FAIL_OTHER;
		r->why.role = -1;
		snprintf(r->unit, sizeof r->unit, "accumulator");  /* wider than 64 bits */
		return;
	}
	ir_ctx_reset(scratch);
	if (dse_lower(scratch, &p, &d) < 0) {
		r->why = d.why;
		if (d.why.unit)
			snprintf(r->unit, sizeof r->unit, "%s", d.why.unit);
		r->why.unit = NULL;  /* it lives in the scratch arena */
		return;
	}
	r->maps = 1;
	model_estimate(d.map, s->timesteps, &e);
	r->cycles = e.cycles;
	r->latency_us = e.latency_us;
	r->area_mm2 = e.area_used_mm2;
	r->power_mw = e.power_mw;
	r->energy_uj = e.energy_uj;
	peak = (int64_t)ir_target_pcus(&t) * t.pcu.lanes * map_pack(s, &t);
	r->util = e.cycles > 0 ? (double)macs / ((double)e.cycles * (double)peak) : 0;
	r->pcus = d.map->pcus;
	r->pmus = d.map->pmus;
	for (i = 0; i < d.map->nunit; i++)
		r->dots += d.map->unit[i].role == MAP_DOT;
}

static int
within(const DseSweep *w, const DseResult *r)
{
	return r->maps && (w->max_area_mm2 <= 0 || r->area_mm2 <= w->max_area_mm2) &&
	       (w->max_power_mw <= 0 || r->power_mw <= w->max_power_mw) &&
	       (w->max_pcus <= 0 || r->pcus <= w->max_pcus);
}

static void
simulate(Ctx *scratch, const DseSweep *w, DseResult *r)
{
	const DseVariant *v = &w->var[r->var];
	Target t = point_target(w, r);
	DsePoint p = {&v->spec, v->fixed, &t, r->k};
	DseDesign d;
	SimOptions o = {0};
	Report *rep;

	ir_ctx_reset(scratch);
	if (dse_lower(scratch, &p, &d) < 0)
		IR_BUG("a point of the sweep no longer maps");
	rep = sim_run(scratch, d.map, w->spec->timesteps, &o, NULL);
	r->sim_cycles = rep->cycles;
	r->sim_power_mw = rep->power_mw;
	r->sim_energy_uj = rep->energy_uj;
	r->sim_done = 1;
}

/* ---- the workers ------------------------------------------------------------------------- */

typedef struct Pool {
	DseSweep *w;
	const int64_t *todo;      /* indices of the points to work on, or NULL for 0..n-1 */
	int64_t n, next, done;
	int sim;                  /* simulate instead of evaluate */
	pthread_mutex_t mu;
	double t0, shown;
	const char *what;
} Pool;

static void
show(Pool *pl)
{
	double t = now_s(), rate;

	if (!pl->w->progress || (t - pl->shown < 0.2 && pl->done < pl->n))
		return;
	pl->shown = t;
	rate = pl->done / (t - pl->t0 > 1e-9 ? t - pl->t0 : 1e-9);
	ir_progress(pl->w->progress, "%s %lld of %lld points (%.0f%%), %.0f a second, %.0f s left",
	            pl->what, (long long)pl->done, (long long)pl->n,
	            pl->n ? 100.0 * (double)pl->done / (double)pl->n : 100.0, rate,
	            rate > 0 ? (double)(pl->n - pl->done) / rate : 0.0);
}

static void *
worker(void *arg)
{
	Pool *pl = arg;
	Ctx scratch;

	ir_ctx_init(&scratch);
	for (;;) {
		int64_t i;

		pthread_mutex_lock(&pl->mu);
		i = pl->next < pl->n ? pl->next++ : -1;
		pthread_mutex_unlock(&pl->mu);
		if (i < 0)
			break;
		if (pl->todo)
			i = pl->todo[i];
		if (pl->sim)
			simulate(&scratch, pl->w, &pl->w->res[i]);
		else
			evaluate(&scratch, pl->w, &pl->w->res[i]);
		pthread_mutex_lock(&pl->mu);
		if (pl->w->cache)
			dse_cache_put(pl->w->cache, &pl->w->res[i], pl->sim);
		pl->done++;
		show(pl);
		pthread_mutex_unlock(&pl->mu);
	}
	ir_ctx_free(&scratch);
	return NULL;
}

static void
run_pool(DseSweep *w, const int64_t *todo, int64_t n, int sim, const char *what)
{
	Pool pl = {w, todo, n, 0, 0, sim, PTHREAD_MUTEX_INITIALIZER, now_s(), 0, what};
	pthread_t th[64];
	int jobs = w->jobs < 1 ? 1 : w->jobs > 64 ? 64 : w->jobs, j, started = 0;

	if (jobs > n)
		jobs = n > 0 ? (int)n : 1;
	for (j = 1; j < jobs; j++) {
		if (pthread_create(&th[started], NULL, worker, &pl))
			break;  /* fewer threads: the work is the same */
		started++;
	}
	worker(&pl);
	for (j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	if (w->progress)
		ir_progress_end(w->progress);
}

/* ---- ranking ----------------------------------------------------------------------------- */

/* a before b: fewer model cycles, then less area, power, energy, then the earlier point */
static int
ranks_before(const DseResult *res, int64_t a, int64_t b)
{
	const DseResult *x = &res[a], *y = &res[b];

	if (x->cycles != y->cycles)
		return x->cycles < y->cycles;
	if (x->area_mm2 != y->area_mm2)
		return x->area_mm2 < y->area_mm2;
	if (x->power_mw != y->power_mw)
		return x->power_mw < y->power_mw;
	if (x->energy_uj != y->energy_uj)
		return x->energy_uj < y->energy_uj;
	return a < b;
}

/* The objective's value of r: the model's, or with sim the simulator's (area is the same). */
static double
objective(const DseResult *r, DseObjective o, int sim)
{
	switch (o) {
	case DSE_OBJ_AREA:
		return r->area_mm2;
	case DSE_OBJ_POWER:
		return sim ? r->sim_power_mw : r->power_mw;
	case DSE_OBJ_ENERGY:
		return sim ? r->sim_energy_uj : r->energy_uj;
	default:
		return (double)(sim ? r->sim_cycles : r->cycles);
	}
}

/* by objective o (DSE_NOBJ: none), then by the objectives' order (ranks_before) */
static int
better(const DseResult *res, DseObjective o, int sim, int64_t a, int64_t b)
{
	if (o < DSE_NOBJ) {
		double x = objective(&res[a], o, sim), y = objective(&res[b], o, sim);

		if (x != y)
			return x < y;
	}
	return ranks_before(res, a, b);
}

/* Sorts v[0..n) by the model's figures (better): a merge sort, stable, O(n log n), no global
 * state. */
static void
rank_by(const DseResult *res, DseObjective o, int64_t *v, int64_t *tmp, int64_t n)
{
	int64_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	rank_by(res, o, v, tmp, h);
	rank_by(res, o, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = better(res, o, 0, v[j], v[i]) ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, (size_t)n * sizeof *v);
}

/* x dominates y: no worse in every objective, better in one */
static int
dominates(const DseResult *x, const DseResult *y)
{
	if (x->cycles > y->cycles || x->area_mm2 > y->area_mm2 || x->power_mw > y->power_mw ||
	    x->energy_uj > y->energy_uj)
		return 0;
	return x->cycles < y->cycles || x->area_mm2 < y->area_mm2 || x->power_mw < y->power_mw ||
	       x->energy_uj < y->energy_uj;
}

/* In the objectives' order a dominating point comes first, and a point dominated by another
 * is dominated by one on the front: each point needs comparing with the front so far only. */
static void
pareto(DseSweep *w, int64_t *order, int64_t n)
{
	int64_t *front = malloc((size_t)(n ? n : 1) * sizeof *front), nf = 0, i, j;

	if (!front)
		IR_BUG("out of memory");
	for (i = 0; i < n; i++) {
		DseResult *r = &w->res[order[i]];

		for (j = 0; j < nf && !dominates(&w->res[front[j]], r); j++)
			;
		if (j < nf) {
			r->dominator = front[j];
			continue;
		}
		r->front = 1;
		front[nf++] = order[i];
	}
	w->front = nf;
	free(front);
}

static int
in_shard(const DseSweep *w, int64_t i)
{
	return w->shard_n <= 1 || i % w->shard_n == w->shard_k - 1;
}

int
dse_sweep_run(Ctx *c, DseSweep *w)
{
	int64_t i, *order, *tmp, nlegal = 0, ntodo = 0, nsim, nrank = 0;

	w->npoints = enumerate(w, NULL);
	w->best = -1;
	if (w->npoints == 0) {
		ir_error(c, (Loc){0}, "the space of the sweep is empty: no point of the knobs' values "
		         "can be a design on '%s' (%d PCUs)", w->target->name, ir_target_pcus(w->target));
		return -1;
	}
	w->res = calloc((size_t)w->npoints, sizeof *w->res);
	order = malloc((size_t)w->npoints * sizeof *order);
	tmp = malloc((size_t)w->npoints * sizeof *tmp);
	if (!w->res || !order || !tmp) {
		free(order);
		free(tmp);
		ir_error(c, (Loc){0}, "the sweep's %lld points do not fit in memory",
		         (long long)w->npoints);
		return -1;
	}
	enumerate(w, w->res);
	if (make_variants(c, w) < 0) {
		free(order);
		free(tmp);
		if (!w->var)
			ir_error(c, (Loc){0}, "out of memory");
		return -1;
	}
	if (w->cache_dir) {
		char tag[32] = "all";

		if (w->shard_n > 1)
			snprintf(tag, sizeof tag, "%dof%d", w->shard_k, w->shard_n);
		if (dse_cache_open(c, w, w->cache_dir, tag) < 0)
			goto fail;
	}
	for (i = 0; i < w->npoints; i++) {
		if (!w->res[i].done && in_shard(w, i))
			order[ntodo++] = i;
	}
	if (w->merge && ntodo) {
		ir_error(c, (Loc){0}, "%lld of the sweep's %lld points are not in %s/cache: a shard has "
		         "not finished (rerun it with the same options), or the shards ran another spec, "
		         "target or rnnc", (long long)ntodo, (long long)w->npoints, w->cache_dir);
		goto fail;
	}
	w->evaluated = ntodo;
	run_pool(w, order, ntodo, 0, w->shard_n > 1 ? "shard:" : "sweep:");
	for (i = 0; i < w->npoints; i++) {
		DseResult *r = &w->res[i];

		if (!r->done)
			continue;
		if (r->maps)
			order[nlegal++] = i;
		else
			w->nfail[r->why.kind <= MAP_FAIL_OTHER ? r->why.kind : MAP_FAIL_OTHER]++;
	}
	w->legal = nlegal;
	rank_by(w->res, DSE_NOBJ, order, tmp, nlegal);
	pareto(w, order, nlegal);
	/* the model's best few in the objective, within the constraints, simulated: the best
	 * simulated one is the best (a shard ranks its own points: the best few of the whole
	 * sweep are among the best few of their shards) */
	for (i = 0; i < nlegal; i++) {
		DseResult *r = &w->res[order[i]];

		r->meets = within(w, r);
		if (r->meets)
			w->meets++;
		if (r->meets && in_shard(w, order[i]))
			order[nrank++] = order[i];
	}
	rank_by(w->res, w->objective, order, tmp, nrank);
	nsim = w->simulate < nrank ? w->simulate : nrank;
	/* the best few only: what the cache holds of other points is not shown, so the output
	 * does not depend on what earlier runs simulated */
	for (i = 0; i < nsim; i++)
		w->res[order[i]].meets = 2;
	for (i = 0; i < w->npoints; i++) {
		DseResult *r = &w->res[i];

		if (r->meets == 2) {
			r->meets = 1;
			if (!r->sim_done)
				tmp[w->simulated_here++] = i;
		} else if (r->sim_done) {
			r->sim_done = 0;
			r->sim_cycles = -1;
			r->sim_power_mw = r->sim_energy_uj = 0;
		}
	}
	run_pool(w, tmp, w->simulated_here, 1, "simulating:");
	w->nsim = (int)nsim;
	for (i = 0; i < nsim; i++) {
		const DseResult *r = &w->res[order[i]];
		double err = r->sim_cycles > 0 ?
		             (double)llabs(r->cycles - r->sim_cycles) / (double)r->sim_cycles : 0;

		w->err_mean += err / (double)nsim;
		if (err > w->err_max)
			w->err_max = err;
		if (w->best < 0 || better(w->res, w->objective, 1, order[i], w->best))
			w->best = order[i];
	}
	if (w->best < 0 && nrank)
		w->best = order[0];
	free(order);
	free(tmp);
	dse_cache_close(w);
	return 0;
fail:
	free(order);
	free(tmp);
	dse_cache_close(w);
	return -1;
}

void
dse_sweep_free(DseSweep *w)
{
	free(w->res);
	free(w->var);
	w->res = NULL;
	w->var = NULL;
}

/* ---- output ------------------------------------------------------------------------------ */

static const char *
form_name(DseKnob k, int v)
{
	switch (k) {
	case DSE_K_FOLDED:
		return v ? "true" : "false";
	case DSE_K_COMBINE:
		return v == COMBINE_CHAIN ? "chain" : "tree";
	case DSE_K_EPILOGUE:
		return v == EPILOGUE_PACKED ? "packed" : "serial";
	case DSE_K_WEIGHTS:
		return v == WEIGHTS_STREAM ? "stream" : "onchip";
	case DSE_K_CANDIDATE:
		return v == CANDIDATE_MERGED ? "merged" : v == CANDIDATE_SPLIT ? "split" : "";
	default:
		return "";
	}
}

void
dse_sweep_csv(const DseSweep *w, FILE *out)
{
	int64_t i;

	fputs("point,rows,cols,pmu_kib,hu,ru,rv,hv,folded,combine,epilogue,candidate,weights,weight_bits,"
	      "act_bits,lut_entries,maps,reason,unit,need,have,bound_cycles,"
	      "model_cycles,latency_us,area_mm2,power_mw,energy_uj,mac_util,pcus,dot_pcus,pmus,"
	      "sim_cycles,sim_power_mw,sim_energy_uj,model_error,h_error_max,h_error_mean,meets,front,"
	      "dominated_by\n", out);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];
		const Knobs *k = &r->k;

		fprintf(out, "%lld,%d,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s,%s,%d,%d,%d,", (long long)i, r->rows,
		        r->cols, r->pmu_kib, k->hu, k->ru, k->rv, k->hv > 1 ? k->hv : 1,
		        form_name(DSE_K_FOLDED, k->folded), form_name(DSE_K_COMBINE, k->combine),
		        form_name(DSE_K_EPILOGUE, k->epilogue), form_name(DSE_K_CANDIDATE, k->candidate),
		        form_name(DSE_K_WEIGHTS, k->weights), r->wbits, r->abits, r->lut);
		if (!r->maps) {
			fprintf(out, "0,%s,%s,%lld,%lld,%lld,,,,,,,,,,,,,,,,0,0,\n", map_fail_name(r->why.kind),
			        r->unit, (long long)r->why.need, (long long)r->why.have,
			        (long long)r->bound);
			continue;
		}
		fprintf(out, "1,,,,,%lld,%lld,%.4f,%.4f,%.2f,%.4f,%.4f,%d,%d,%d,", (long long)r->bound,
		        (long long)r->cycles, r->latency_us, r->area_mm2, r->power_mw, r->energy_uj,
		        r->util, r->pcus, r->dots, r->pmus);
		if (r->sim_cycles >= 0)
			fprintf(out, "%lld,%.2f,%.4f,%.4f,", (long long)r->sim_cycles, r->sim_power_mw,
			        r->sim_energy_uj,
			        (double)(r->cycles - r->sim_cycles) / (double)r->sim_cycles);
		else
			fputs(",,,,", out);
		if (w->var[r->var].err_max >= 0)
			fprintf(out, "%.6g,%.6g,", w->var[r->var].err_max, w->var[r->var].err_mean);
		else
			fputs(",,", out);
		fprintf(out, "%d,%d,", r->meets, r->front);
		if (r->dominator >= 0)
			fprintf(out, "%lld", (long long)r->dominator);
		fputc('\n', out);
	}
}

static void
json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void
dse_sweep_json(const DseSweep *w, FILE *out)
{
	int64_t i;
	int k;

	fputs("{\n  \"spec\": ", out);
	json_str(out, w->spec->name);
	fputs(",\n  \"target\": {\"name\": ", out);
	json_str(out, w->target->name);
	fprintf(out, ", \"rows\": %d, \"cols\": %d, \"pcus\": %d, \"pmus\": %d},\n  \"space\": {",
	        w->target->rows, w->target->cols, ir_target_pcus(w->target),
	        ir_target_pmus(w->target));
	for (k = 0; k < DSE_NKNOB; k++) {
		int j;

		fprintf(out, "%s\"%s\": [", k ? ", " : "", dse_knob_name((DseKnob)k));
		for (j = 0; j < w->space->n[k]; j++) {
			int v = w->space->val[k][j];

			if (k == DSE_K_FOLDED || k == DSE_K_COMBINE || k == DSE_K_EPILOGUE ||
			    k == DSE_K_CANDIDATE || k == DSE_K_WEIGHTS)
				fprintf(out, "%s\"%s\"", j ? ", " : "", form_name((DseKnob)k, v));
			else
				fprintf(out, "%s%d", j ? ", " : "", v);
		}
		fputc(']', out);
	}
	fprintf(out, "},\n  \"objective\": \"%s\", \"max_area_mm2\": %.4f, \"max_power_mw\": %.2f, "
	        "\"max_pcus\": %d,\n", dse_objective_name(w->objective), w->max_area_mm2,
	        w->max_power_mw, w->max_pcus);
	fprintf(out, "  \"points\": %lld, \"legal\": %lld, \"meets\": %lld, \"front\": %lld, "
	        "\"simulated\": %d,\n  \"model_error\": {\"mean\": %.4f, \"max\": %.4f},\n"
	        "  \"best\": %lld,\n  \"results\": [\n", (long long)w->npoints,
	        (long long)w->legal, (long long)w->meets, (long long)w->front, w->nsim, w->err_mean,
	        w->err_max, (long long)w->best);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];

		fprintf(out, "    {\"point\": %lld, \"rows\": %d, \"cols\": %d, \"pmu_kib\": %d, "
		        "\"hu\": %d, \"ru\": %d, \"rv\": %d, \"hv\": %d, \"folded\": %s, "
		        "\"combine\": \"%s\", \"epilogue\": \"%s\", \"candidate\": \"%s\", "
		        "\"weights\": \"%s\", \"weight_bits\": %d, \"act_bits\": %d, "
		        "\"lut_entries\": %d, \"bound_cycles\": %lld, ", (long long)i, r->rows, r->cols,
		        r->pmu_kib, r->k.hu, r->k.ru, r->k.rv, r->k.hv > 1 ? r->k.hv : 1,
		        form_name(DSE_K_FOLDED, r->k.folded), form_name(DSE_K_COMBINE, r->k.combine),
		        form_name(DSE_K_EPILOGUE, r->k.epilogue),
		        form_name(DSE_K_CANDIDATE, r->k.candidate), form_name(DSE_K_WEIGHTS, r->k.weights),
		        r->wbits, r->abits, r->lut, (long long)r->bound);
		if (w->var[r->var].err_max >= 0)
			fprintf(out, "\"h_error_max\": %.6g, \"h_error_mean\": %.6g, ",
			        w->var[r->var].err_max, w->var[r->var].err_mean);
		if (!r->maps) {
			fprintf(out, "\"maps\": false, \"reason\": \"%s\", \"unit\": \"%s\", \"need\": %lld, "
			        "\"have\": %lld}", map_fail_name(r->why.kind), r->unit,
			        (long long)r->why.need, (long long)r->why.have);
		} else {
			fprintf(out, "\"maps\": true, \"model_cycles\": %lld, \"latency_us\": %.4f, "
			        "\"area_mm2\": %.4f, \"power_mw\": %.2f, \"energy_uj\": %.4f, "
			        "\"mac_util\": %.4f, \"pcus\": %d, \"dot_pcus\": %d, \"pmus\": %d, ",
			        (long long)r->cycles, r->latency_us, r->area_mm2, r->power_mw, r->energy_uj,
			        r->util, r->pcus, r->dots, r->pmus);
			if (r->sim_cycles >= 0)
				fprintf(out, "\"sim_cycles\": %lld, \"sim_power_mw\": %.2f, "
				        "\"sim_energy_uj\": %.4f, ", (long long)r->sim_cycles, r->sim_power_mw,
				        r->sim_energy_uj);
			fprintf(out, "\"meets\": %s, \"front\": %s", r->meets ? "true" : "false",
			        r->front ? "true" : "false");
			if (r->dominator >= 0)
				fprintf(out, ", \"dominated_by\": %lld", (long long)r->dominator);
			fputc('}', out);
		}
		fputs(i + 1 < w->npoints ? ",\n" : "\n", out);
	}
	fputs("  ]\n}\n", out);
}

/* ---- the search (dse.h) ------------------------------------------------------------------ */

/* a before b: the smaller bound, then the earlier point */
static int
bound_before(const DseResult *res, int64_t a, int64_t b)
{
	if (res[a].bound != res[b].bound)
		return res[a].bound < res[b].bound;
	return a < b;
}

static void
sort_by_bound(const DseResult *res, int64_t *v, int64_t *tmp, int64_t n)
{
	int64_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	sort_by_bound(res, v, tmp, h);
	sort_by_bound(res, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = bound_before(res, v[j], v[i]) ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, (size_t)n * sizeof *v);
}

/* Reasons no point of the space gets past: the batch, the sizes and rv decide them, and every
 * point shares the first (or hu, ru and the forms do not change them). */
static int
fixed_fail(const MapFail *f)
{
	MapFailKind k = f->kind;

	return k == MAP_FAIL_SHAPE || k == MAP_FAIL_HOIST || k == MAP_FAIL_FOLDED;
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
	w.npoints = enumerate(&w, NULL);
	stats.points = w.npoints;
	w.res = calloc((size_t)(w.npoints ? w.npoints : 1), sizeof *w.res);
	order = malloc((size_t)(w.npoints ? w.npoints : 1) * sizeof *order);
	tmp = malloc((size_t)(w.npoints ? w.npoints : 1) * sizeof *tmp);
	if (!w.res || !order || !tmp)
		IR_BUG("out of memory");
	enumerate(&w, w.res);
	if (make_variants(&c, &w) < 0)
		IR_BUG("the spec's own numbers make no variant");
	for (i = 0; i < w.npoints; i++) {
		DseResult *r = &w.res[i];
		int hv = r->k.hv > 1 ? r->k.hv : 1;

		r->bound = (int64_t)s.timesteps * s.batch *
		           ceil_div64(ceil_div64(s.hidden, r->k.hu), hv) *
		           ceil_div64(s.input + s.hidden, (int64_t)r->k.ru * r->k.rv);
		order[i] = i;
		/* the point whose reason is shown when none maps: the smallest design */
		if (smallest < 0 || (int64_t)r->k.hu * r->k.ru <
		                    (int64_t)w.res[smallest].k.hu * w.res[smallest].k.ru)
			smallest = i;
	}
	sort_by_bound(w.res, order, tmp, w.npoints);
	for (i = 0; i < w.npoints; i++) {
		DseResult *r = &w.res[order[i]];

		/* the bound is of cycles: it prunes for the least latency only */
		if (nfin == DSE_FINALISTS && w.objective == DSE_OBJ_LATENCY &&
		    r->bound > w.res[fin[nfin - 1]].cycles) {
			stats.pruned = w.npoints - i;
			break;
		}
		evaluate(&scratch, &w, r);
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
		if (!within(&w, r))
			continue;
		stats.within++;
		/* keep the model's DSE_FINALISTS best in the objective, in order */
		if (nfin < DSE_FINALISTS)
			fin[nfin++] = order[i];
		else if (better(w.res, w.objective, 0, order[i], fin[nfin - 1]))
			fin[nfin - 1] = order[i];
		for (j = nfin - 1; j > 0 && better(w.res, w.objective, 0, fin[j], fin[j - 1]); j--) {
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
		if (best < 0 || better(w.res, w.objective, 1, fin[j], best))
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
