/* The points of a space (eval.h): enumerated in order, lowered on their own fabric and
 * numbers, modelled, simulated, and ranked; what the sweep and the search share. */
#include <stdlib.h>
#include <string.h>

#include "../passes/passes.h"
#include "../sim/model.h"
#include "../sim/sim.h"
#include "eval.h"

static int64_t
ceil_div64(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* The target of a point: the sweep's, with the point's rows, columns and PMU capacity (and no
 * published die figures when those differ). */
Target
dse_point_target(const DseSweep *w, const DseResult *r)
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

/* The number of PCUs of the grid at positions i. */
int
dse_grid_pcus(const DseSweep *w, const int *i)
{
	Target t = *w->target;

	t.rows = w->space->val[DSE_K_ROWS][i[DSE_K_ROWS]];
	t.cols = w->space->val[DSE_K_COLS][i[DSE_K_COLS]];
	return ir_target_pcus(&t);
}

/* The point at positions i (a value index per knob) on a grid of npcu PCUs: 0 when it cannot
 * be a design (sweep.h); else 1, and into r when r is not NULL. */
int
dse_point_at(const DseSweep *w, const int *i, int64_t npcu, DseResult *r)
{
	const DseSpace *sp = w->space;
	const CellSpec *s = w->spec;
	int64_t nk = s->input + s->hidden;
	int rv = sp->val[DSE_K_RV][i[DSE_K_RV]], hu = sp->val[DSE_K_HU][i[DSE_K_HU]];
	int ru = sp->val[DSE_K_RU][i[DSE_K_RU]];
	int combine = sp->val[DSE_K_COMBINE][i[DSE_K_COMBINE]];
	int cand = sp->val[DSE_K_CANDIDATE][i[DSE_K_CANDIDATE]];
	int hv = sp->val[DSE_K_HV][i[DSE_K_HV]];
	int hoist = sp->val[DSE_K_HOIST][i[DSE_K_HOIST]];
	int weights = sp->val[DSE_K_WEIGHTS][i[DSE_K_WEIGHTS]];
	Knobs *k;

	/* with one tile both ways of adding are one design: it is the tree's point; the
	 * merged candidate gate of a space that has both forms only where it can be built
	 * (rv divides D, one row a token), and likewise hoisting (a vector step of every
	 * tile reads x only, the weights on chip) */
	if (ru > ceil_div64(nk, rv) || hu > s->hidden || (int64_t)hu * ru > npcu ||
	    (ru == 1 && combine == COMBINE_CHAIN && sp->n[DSE_K_COMBINE] > 1) ||
	    (cand == CANDIDATE_MERGED && sp->n[DSE_K_CANDIDATE] > 1 && (s->input % rv || hv > 1)) ||
	    (hoist && sp->n[DSE_K_HOIST] > 1 && (s->input / rv / ru < 1 || weights == WEIGHTS_STREAM)))
		return 0;
	if (!r)
		return 1;
	k = &r->k;
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
	k->hoist_input = hoist;
	k->folded = sp->val[DSE_K_FOLDED][i[DSE_K_FOLDED]];
	k->combine = combine;
	k->epilogue = sp->val[DSE_K_EPILOGUE][i[DSE_K_EPILOGUE]];
	k->weights = weights;
	r->wbits = sp->val[DSE_K_WBITS][i[DSE_K_WBITS]];
	r->abits = sp->val[DSE_K_ABITS][i[DSE_K_ABITS]];
	r->lut = sp->val[DSE_K_LUT][i[DSE_K_LUT]];
	r->var = (i[DSE_K_WBITS] * sp->n[DSE_K_ABITS] + i[DSE_K_ABITS]) * sp->n[DSE_K_LUT] +
	         i[DSE_K_LUT];
	/* each xh copy issues at most a vector a cycle */
	r->bound = (int64_t)s->timesteps * s->batch * ceil_div64(ceil_div64(s->hidden, hu), hv) *
	           ceil_div64(nk, (int64_t)ru * rv);
	r->sim_cycles = -1;
	r->dominator = -1;
	return 1;
}

/* The odometer: the next positions after i, the last knob turning fastest; 0 past the end. */
static int
next_point(const DseSpace *sp, int *i)
{
	int d;

	for (d = DSE_NKNOB - 1; d >= 0; d--) {
		if (++i[d] < sp->n[d])
			return 1;
		i[d] = 0;
	}
	return 0;
}

/* The points of the space in order, less those that cannot be a design (sweep.h), into out
 * (or only counted, out NULL); with limit >= 0 the count stops at limit + 1, or once more than
 * DSE_COUNT_TRIES x limit combinations of values have been sorted through. */
static int64_t
visit(const DseSweep *w, DseResult *out, int64_t limit)
{
	const DseSpace *sp = w->space;
	int64_t n = 0, npcu = 0, tries = 0;
	int i[DSE_NKNOB] = {0}, d, lastgrid = -1;

	for (d = 0; d < DSE_NKNOB; d++) {
		if (sp->n[d] == 0)
			return 0;
	}
	do {
		int grid = i[DSE_K_ROWS] * sp->n[DSE_K_COLS] + i[DSE_K_COLS];

		if (grid != lastgrid) {
			npcu = dse_grid_pcus(w, i);
			lastgrid = grid;
		}
		n += dse_point_at(w, i, npcu, out ? &out[n] : NULL);
		if (limit >= 0 && (n > limit || ++tries > DSE_COUNT_TRIES * limit))
			return limit + 1;
	} while (next_point(sp, i));
	return n;
}

int64_t
dse_enumerate(const DseSweep *w, DseResult *out)
{
	return visit(w, out, -1);
}

/* The points of the space counted up to limit: limit + 1 when there are more, or when more
 * than DSE_COUNT_TRIES x limit combinations of values would have to be sorted through. */
int64_t
dse_count(const DseSweep *w, int64_t limit)
{
	return visit(w, NULL, limit);
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
int
dse_make_variants(Ctx *c, DseSweep *w)
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

void
dse_evaluate(Ctx *scratch, const DseSweep *w, DseResult *r)
{
	const DseVariant *v = &w->var[r->var];
	const CellSpec *s = &v->spec;
	Target t = dse_point_target(w, r);
	DsePoint p = {s, v->fixed, &t, r->k};
	DseDesign d;
	ModelEstimate e;
	int64_t macs = ir_spec_macs_per_step(s) * s->timesteps, peak;
	int i;

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

int
dse_within(const DseSweep *w, const DseResult *r)
{
	return r->maps && (w->max_area_mm2 <= 0 || r->area_mm2 <= w->max_area_mm2) &&
	       (w->max_power_mw <= 0 || r->power_mw <= w->max_power_mw) &&
	       (w->max_pcus <= 0 || r->pcus <= w->max_pcus);
}

void
dse_simulate(Ctx *scratch, const DseSweep *w, DseResult *r)
{
	const DseVariant *v = &w->var[r->var];
	Target t = dse_point_target(w, r);
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

/* a before b: fewer model cycles, then less area, power, energy, then the earlier point */
int
dse_ranks_before(const DseResult *res, int64_t a, int64_t b)
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
double
dse_objective_value(const DseResult *r, DseObjective o, int sim)
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
int
dse_better(const DseResult *res, DseObjective o, int sim, int64_t a, int64_t b)
{
	if (o < DSE_NOBJ) {
		double x = dse_objective_value(&res[a], o, sim);
		double y = dse_objective_value(&res[b], o, sim);

		if (x != y)
			return x < y;
	}
	return dse_ranks_before(res, a, b);
}

/* a before b: the smaller bound, then the earlier point */
static int
bound_before(const DseResult *res, int64_t a, int64_t b)
{
	if (res[a].bound != res[b].bound)
		return res[a].bound < res[b].bound;
	return a < b;
}

static int
order_before(const DseOrder *ord, int64_t a, int64_t b)
{
	return ord->by_bound ? bound_before(ord->res, a, b) : dse_better(ord->res, ord->o, 0, a, b);
}

/* Sorts v[0..n): a merge sort, stable, O(n log n), no global state. */
void
dse_sort_points(const DseOrder *ord, int64_t *v, int64_t *tmp, int64_t n)
{
	int64_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	dse_sort_points(ord, v, tmp, h);
	dse_sort_points(ord, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = order_before(ord, v[j], v[i]) ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, (size_t)n * sizeof *v);
}

void
dse_rank_by(const DseResult *res, DseObjective o, int64_t *v, int64_t *tmp, int64_t n)
{
	DseOrder ord = {res, o, 0};

	dse_sort_points(&ord, v, tmp, n);
}
