/* sim_run: a Mapping as a SimDesign for the engine (core.c), with the values of sim_eval.c
 * hooked in when they are wanted. */
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

static int
ceil_div(int64_t a, int64_t b)
{
	return (int)((a + b - 1) / (b > 0 ? b : 1));
}

SimDesign *
sim_design(Ctx *c, const Mapping *m)
{
	SimDesign *d = ir_alloc(&c->arena, sizeof *d);
	SimUnitDesc *ud = ir_alloc_array(&c->arena, (size_t)m->nunit, sizeof *ud);
	SimLinkDesc *ld = ir_alloc_array(&c->arena, (size_t)m->nlink, sizeof *ld);

	sim_design_fill(m, d, ud, ld);
	return d;
}

void
sim_design_fill(const Mapping *m, SimDesign *d, SimUnitDesc *ud, SimLinkDesc *ld)
{
	const Target *t = m->t;
	const Tensor *xh = &m->f->tensors[m->xh];
	int i, k;

	memset(d, 0, sizeof *d);
	memset(ud, 0, (size_t)m->nunit * sizeof *ud);
	memset(ld, 0, (size_t)m->nlink * sizeof *ld);
	IR_ASSERT((int)MAP_DOT == SIM_DOT && (int)MAP_COMBINE == SIM_COMBINE &&
	          (int)MAP_EPI == SIM_EPI && (int)MAP_WEIGHT == SIM_WEIGHT &&
	          (int)MAP_XH == SIM_XH && (int)MAP_LUT == SIM_LUT && (int)MAP_CELL == SIM_CELL &&
	          (int)MAP_HBUF == SIM_HBUF && (int)NMAPROLE == NSIMROLE);
	d->name = m->name;
	d->target = t->name;
	d->rows = t->rows;
	d->cols = t->cols;
	d->clock_mhz = t->clock_mhz;
	d->chip_pcus = ir_target_pcus(t);
	d->chip_pmus = ir_target_pmus(t);
	d->lanes = t->pcu.lanes;
	d->pack = m->pack;
	d->hop_cycles = t->net.hop_cycles;
	d->dram_latency = t->dram.latency_cycles;
	d->dram_gbs = t->dram.bandwidth_gbs;
	d->pcu_area_mm2 = t->pcu.area_mm2;
	d->pmu_area_mm2 = t->pmu.area_mm2;
	d->vswitch_area_mm2 = t->net.vector_switch_area_mm2;
	d->sswitch_area_mm2 = t->net.scalar_switch_area_mm2;
	d->pcu_mw = t->pcu.power_mw;
	d->pmu_mw = t->pmu.power_mw;
	d->vhop_pj = t->net.vector_hop_pj;
	d->shop_pj = t->net.scalar_hop_pj;
	d->hu = m->hu;
	d->ru = m->ru;
	d->rv = m->rv;
	d->folded = m->folded;
	d->hv = m->hv > 1 ? m->hv : 1;
	d->H = m->H;
	d->D = m->D;
	d->B = m->B;
	d->nt = m->nt;
	for (i = 0; i < m->hu; i++) {
		if (m->copy[i].hi - m->copy[i].lo > d->maxrows)
			d->maxrows = m->copy[i].hi - m->copy[i].lo;
	}
	d->abytes = (xh->ty.kind == TY_FIX ? xh->ty.bits : 32) / 8;
	d->macs = m->macs;
	d->pcus = m->pcus;
	d->pmus = m->pmus;
	d->stream = m->weights == MAP_WEIGHTS_STREAM;
	d->hvec = m->hvec;
	d->sx = m->hoist ? m->sx : 0;
	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		SimUnitDesc *u = &ud[i];

		u->name = mu->name;
		u->pcu = mu->kind == MAP_PCU;
		u->role = (int)mu->role;
		u->prod = mu->prod;
		u->tile = mu->tile;
		u->seg = mu->seg;
		u->xsum = mu->xsum;
		u->ii = 1;
		if ((mu->role == MAP_DOT || mu->role == MAP_COMBINE) && mu->prod >= 0 &&
		    m->prod[mu->prod].second >= 0) {
			/* the merged candidate gate: tile r's block of step s starts at
			 * (s x ru + r) x rv, a multiple of rv, which divides D */
			int32_t first = (int32_t)(m->D / m->rv) - (mu->tile > 0 ? mu->tile : 0);

			u->merged = 1;
			u->acc2_step = first > 0 ? (first + m->ru - 1) / m->ru : 0;
		}
		if (mu->copy >= 0) {
			u->lo = m->copy[mu->copy].lo;
			u->hi = m->copy[mu->copy].hi;
		}
		if (u->pcu) {
			for (k = 0; k < mu->nstage; k++)
				u->depth += mu->stage[k].cycles > 0 ? mu->stage[k].cycles : 1;
			if (u->depth < 1)
				u->depth = 1;
		} else if (mu->role == MAP_HBUF) {
			/* the rows of its copies, within the h half of xh */
			u->lo = mu->slice[0].lo[2] - m->D;
			u->hi = mu->slice[0].hi[2] - m->D;
		} else if (mu->role == MAP_WEIGHT) {
			u->lo = mu->slice[0].lo[1];
			u->hi = mu->slice[0].hi[1];
			u->row_off = u->lo - m->copy[mu->copy].lo;
			if (m->weights == MAP_WEIGHTS_STREAM) {
				u->row_bytes = mu->slice[0].bytes / (u->hi - u->lo);
				d->wbuf_bytes += mu->bytes;
			}
		}
		if (!u->pcu && mu->reads > 0)
			u->ii = ceil_div(mu->banks, t->pmu.banks);
		u->accumulate = -1;  /* decided by its first outgoing link below */
	}
	for (i = 0; i < m->nlink; i++) {
		const MapLink *l = &m->link[i];
		SimLinkDesc *x = &ld[i];

		x->src = l->src;
		x->dst = l->dst;
		x->vector = l->vector;
		x->hops = l->hops;
		x->kind = map_link_side(l->what) ? SIM_LINK_SIDE : l->what == MAP_L_XH ? SIM_LINK_XH :
		          l->what == MAP_L_CHAIN ? SIM_LINK_CHAIN : SIM_LINK_DATA;
		x->flits = map_link_flits(m, l);
		if (x->flits > 1 && x->kind != SIM_LINK_SIDE && l->what != MAP_L_CHAIN) {
			/* hv > 1: a token of several flits; the unit at the link's PCU end (the
			 * consumer, or the epilogue sending h) issues once per token's flits. A
			 * chained sum meets a dot segment's vector steps, a row's last one of nt:
			 * only its latency grows */
			int pcu = m->unit[l->dst].kind == MAP_PCU ? l->dst : l->src;

			if (x->flits > ud[pcu].ii)
				ud[pcu].ii = x->flits;
		}
		if (x->kind == SIM_LINK_SIDE) {
			/* an epilogue segment reads its table PMU's words in one cycle per bank-full */
			int pcu = m->unit[l->src].kind == MAP_PCU ? l->src : l->dst;
			int pmu = pcu == l->src ? l->dst : l->src;
			int ii = ceil_div(m->unit[pmu].banks, t->pmu.banks);

			/* hv > 1: and the flits of its row group's values, one a cycle */
			if (x->flits > ii)
				ii = x->flits;

			if (ii > ud[pcu].ii)
				ud[pcu].ii = ii;
		} else if (ud[l->src].accumulate < 0) {
			/* the last segment of a dot product sends sums; the others pass lanes on */
			ud[l->src].accumulate = m->unit[l->src].role == MAP_DOT &&
			                        l->what != MAP_L_LANES;
		}
	}
	for (i = 0; i < m->nunit; i++) {
		if (ud[i].accumulate < 0)
			ud[i].accumulate = 0;
	}
	d->nunit = m->nunit;
	d->unit = ud;
	d->nlink = m->nlink;
	d->link = ld;
}

/* ---- the values, by unit index ----------------------------------------------------------- */

static void
hook_input(void *ctx, int t)
{
	sim_val_input(ctx, t);
}

static int64_t
hook_dot(void *ctx, int unit, int t, int b, int i, int s)
{
	SimVal *v = ctx;
	const Mapping *m = v->m;
	const MapUnit *mu = &m->unit[unit];
	int p = mu->prod;

	/* the merged candidate gate: a step's block in k >= D is the h half's */
	if (m->prod[p].second >= 0 && ((int64_t)s * m->ru + mu->tile) * m->rv >= m->D)
		p = m->prod[p].second;
	return sim_val_dot(v, p, t, b, i, s, mu->tile);
}

static void
hook_sum(void *ctx, int unit, int b, int i, int64_t sum)
{
	SimVal *v = ctx;

	sim_val_sum(v, v->m->unit[unit].prod, b, i, sum);
}

static void
hook_sum2(void *ctx, int unit, int b, int i, int64_t sum)
{
	SimVal *v = ctx;

	sim_val_sum(v, v->m->prod[v->m->unit[unit].prod].second, b, i, sum);
}

static void
hook_epi(void *ctx, int unit, int t, int b, int i)
{
	SimVal *v = ctx;

	sim_val_epi(v, &v->m->unit[unit], t, b, i);
}

Report *
sim_run(Ctx *c, const Mapping *m, int T, const SimOptions *o, Memory *mem)
{
	SimDesign *d = sim_design(c, m);
	Report *r = ir_alloc(&c->arena, sizeof *r), tmp;
	SimVal val;
	SimHooks hooks = {&val, hook_input, hook_dot, hook_sum, hook_epi, hook_sum2};
	int values = 0;
	SimStep *steps;
	SimUnitStat *units;

	memset(&val, 0, sizeof val);
	if (o && o->values && mem && sim_val_init(&val, m, mem) == 0 && val.ok) {
		values = 1;
		sim_val_prologue(&val);
	}
	if (sim_core_run(d, T, o, values ? &hooks : NULL, &tmp) < 0)
		IR_BUG("simulator: out of memory");
	sim_val_free(&val);
	*r = tmp;
	steps = ir_alloc_array(&c->arena, (size_t)tmp.simulated, sizeof *steps);
	units = ir_alloc_array(&c->arena, (size_t)d->nunit, sizeof *units);
	memcpy(steps, tmp.step, (size_t)tmp.simulated * sizeof *steps);
	memcpy(units, tmp.unit, (size_t)d->nunit * sizeof *units);
	r->step = steps;
	r->unit = units;
	sim_report_release(&tmp);
	return r;
}
