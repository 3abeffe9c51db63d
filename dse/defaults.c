/* The defaults until the search exists (dse.h): a schedule for the unpinned knobs and a fabric
 * for weights that do not fit. Every candidate is lowered through dse_lower in one scratch
 * context, reset between candidates, so the work and the memory of the loop are bounded by
 * the largest candidate, not by their number. */
#include <string.h>

#include "../sim/model.h"
#include "../sim/sim.h"
#include "dse.h"

static int64_t
ceil_div64(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* Reasons that neither hu, ru nor the grid size change. */
static int
dse_fixed_fail(const MapFail *f)
{
	MapFailKind k = f->kind;

	/* an xh copy's contents and banks depend on the batch, the sizes and rv only */
	return k == MAP_FAIL_SHAPE || k == MAP_FAIL_HOIST || k == MAP_FAIL_FOLDED ||
	       k == MAP_FAIL_CANDIDATE || k == MAP_FAIL_LANES || k == MAP_FAIL_NETWORK ||
	       ((k == MAP_FAIL_CAPACITY || k == MAP_FAIL_BANKS) && f->role == MAP_XH);
}

/* A candidate the model ranked: its knobs, the model's cycles, its PCUs and all its units. */
typedef struct Finalist {
	Knobs k;
	int64_t cycles;
	int pcus, units;
} Finalist;

/* a before b: fewer cycles, then fewer PCUs, then fewer reduction tiles */
static int
before(int64_t ca, int pa, int ra, int64_t cb, int pb, int rb)
{
	if (ca != cb)
		return ca < cb;
	if (pa != pb)
		return pa < pb;
	return ra < rb;
}

/* Keeps the DSE_FINALISTS best of the candidates seen, in order. */
static void
keep(Finalist *f, int *n, const Knobs *k, int64_t cycles, int pcus, int units)
{
	int i = *n < DSE_FINALISTS ? (*n)++ : DSE_FINALISTS;

	if (i == DSE_FINALISTS && !before(cycles, pcus, k->ru, f[i - 1].cycles, f[i - 1].pcus,
	                                  f[i - 1].k.ru))
		return;
	if (i == DSE_FINALISTS)
		i--;
	for (; i > 0 && before(cycles, pcus, k->ru, f[i - 1].cycles, f[i - 1].pcus, f[i - 1].k.ru);
	     i--)
		f[i] = f[i - 1];
	f[i].k = *k;
	f[i].cycles = cycles;
	f[i].pcus = pcus;
	f[i].units = units;
}

int
dse_default_knobs(const DsePoint *p, Knobs *k, MapFail *why)
{
	const CellSpec *s = p->spec;
	const Target *t = p->target;
	int n = s->input + s->hidden, full = t->pcu.lanes * map_pack(s, t);
	int hu0 = p->knobs.hu, ru0 = p->knobs.ru, ntiles, total, ru, form, nfin = 0, i;
	int max_total = ir_target_pcus(t), cap[2], merge;
	int64_t best = -1;
	Ctx scratch;
	DsePoint q = *p;
	MapFail first = {MAP_FAIL_OTHER, NULL, -1, 0, 0};
	Finalist fin[DSE_FINALISTS];
	Knobs base;

	*k = p->knobs;
	/* hv > 1 row groups share the lanes: each gets full / hv of them */
	if (k->hv > 1)
		full = full / k->hv > 1 ? full / k->hv : 1;
	k->rv = k->rv ? k->rv : full < n ? full : n;
	k->hu = hu0 ? hu0 : 1;
	k->ru = ru0 ? ru0 : 1;
	base = *k;
	ntiles = (int)ceil_div64(n, k->rv);
	/* the GRU candidate gate split or merged (one dot product fewer per tile and copy), unless
	 * pinned; merged only where the mapping takes it: rv divides D, one row a token */
	merge = s->cell == CELL_GRU && base.candidate < 0 && s->input % k->rv == 0 && k->hv <= 1;
	/* per candidate form, the totals hu x ru whose dot products may fit the PCUs */
	cap[0] = base.candidate == CANDIDATE_MERGED ? 0 : max_total;
	cap[1] = base.candidate == CANDIDATE_MERGED || merge ? max_total : 0;
	ir_ctx_init(&scratch);
	/* from the largest hu x ru down: the fast designs come first, and then the stream bound
	 * of a smaller one (below) rules it out before it is built */
	for (total = ir_target_pcus(t); total >= 1; total--) {
		for (ru = 1; ru <= total && total <= max_total; ru++) {
			int hu = total / ru, hv = base.hv > 1 ? base.hv : 1;
			/* an xh copy issues at most a vector a cycle: B x (row groups of the largest
			 * copy) x vector steps a step, whatever else the design does */
			int64_t bound = (int64_t)s->timesteps * s->batch *
			                ceil_div64(ceil_div64(s->hidden, hu), hv) *
			                ceil_div64(n, (int64_t)ru * k->rv);

			if (total % ru || (hu0 && hu != hu0) || (ru0 && ru != ru0) || hu > s->hidden ||
			    ru > ntiles)
				continue;
			if (nfin == DSE_FINALISTS && bound >= fin[nfin - 1].cycles)
				continue;
			/* both ways of adding the partial sums, of filling the epilogue's stages and
			 * (GRU) of computing the candidate gate, unless the spec pinned them (with one
			 * tile both ways of adding are one) */
			for (form = 0; form < 8; form++) {
				DseDesign d;
				ModelEstimate e;
				int c = form & 4 || base.candidate == CANDIDATE_MERGED;

				if ((base.combine >= 0 && form & 1) || (base.epilogue >= 0 && form & 2) ||
				    (!merge && form & 4) || (ru == 1 && form & 1) || total > cap[c])
					continue;
				q.knobs = base;
				q.knobs.hu = hu;
				q.knobs.ru = ru;
				if (base.combine < 0)
					q.knobs.combine = form & 1 ? COMBINE_CHAIN : COMBINE_TREE;
				if (base.epilogue < 0)
					q.knobs.epilogue = form & 2 ? EPILOGUE_PACKED : EPILOGUE_SERIAL;
				if (merge)
					q.knobs.candidate = form & 4 ? CANDIDATE_MERGED : CANDIDATE_SPLIT;
				ir_ctx_reset(&scratch);
				if (dse_lower(&scratch, &q, &d) == 0) {
					model_estimate(d.map, s->timesteps, &e);
					keep(fin, &nfin, &q.knobs, e.cycles, d.map->pcus, d.map->nunit);
					continue;
				}
				if (first.kind == MAP_FAIL_OTHER || total == 1)
					first = d.why, first.unit = NULL;  /* the unit's name lives in scratch */
				if (d.why.kind == MAP_FAIL_DOTS && d.why.need > 0) {
					/* dot products = hu x ru x (products x segments): no total above
					 * the PCUs over the latter fits */
					int64_t per = d.why.need / ((int64_t)hu * ru);

					if (per > 0 && d.why.have / per < cap[c])
						cap[c] = (int)(d.why.have / per);
					max_total = cap[0] > cap[1] ? cap[0] : cap[1];
				}
				if (dse_fixed_fail(&d.why))
					goto done;  /* no hu, ru or form changes these */
			}
		}
	}
done:
	/* the model's best few, simulated: the fastest simulated one is the choice; a design whose
	 * two steps would take more than DSE_SIM_BUDGET unit-cycles (weights streamed from DRAM,
	 * a huge batch) keeps the model's order, so that the default stays bounded */
	for (i = 0; i < nfin; i++) {
		DseDesign d;
		SimOptions o = {0};
		Report *r;
		int steps = s->timesteps < 2 ? s->timesteps : 2;

		if (fin[i].cycles / s->timesteps * steps * fin[i].units > DSE_SIM_BUDGET) {
			if (best < 0)
				*k = fin[i].k;
			break;
		}
		/* the first step and a steady one rank them; the rest repeat the latter */
		o.max_steps = steps;
		q.knobs = fin[i].k;
		ir_ctx_reset(&scratch);
		if (dse_lower(&scratch, &q, &d) < 0)
			IR_BUG("a finalist of the default schedule no longer maps");
		r = sim_run(&scratch, d.map, s->timesteps, &o, NULL);
		if (best < 0 || r->cycles < best) {
			best = r->cycles;
			*k = fin[i].k;
		}
	}
	ir_ctx_free(&scratch);
	if (!nfin) {
		*k = base;
		if (why)
			*why = first;
	}
	return nfin ? 0 : -1;
}

int
dse_fabric_for(const CellSpec *s, const Target *t, int *rows, int *cols)
{
	int64_t need = ir_spec_weight_bytes(s), cap = (int64_t)t->pmu.capacity_kib * 1024;
	int step;

	/* grow both sides by 1/8 of the original at a time, keeping the aspect ratio */
	for (step = 8; step <= 8 * DSE_MAX_GROW; step++) {
		Target g = *t;
		int64_t pmus;

		g.rows = (int)(((int64_t)t->rows * step + 7) / 8);
		g.cols = (int)(((int64_t)t->cols * step + 7) / 8);
		if (g.rows > 1024 || g.cols > 1024)
			return -1;
		pmus = ir_target_pmus(&g);
		if (pmus - pmus / 4 >= (need + cap - 1) / cap) {
			*rows = g.rows;
			*cols = g.cols;
			return 0;
		}
	}
	return -1;
}

static double
mib(int64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

/* A published die area and TDP describe the chip as published, not a fabric grown from it. */
static void
drop_chip_figures(Target *t)
{
	t->die_area_mm2 = 0;
	t->tdp_w = 0;
}

int
dse_choose(Ctx *c, const CellSpec *s, const Func *fixed, const Target *t, DseChoice *out)
{
	const Knobs *k = &s->knobs;
	DsePoint p = {s, fixed, NULL, *k};
	int step;

	memset(out, 0, sizeof *out);
	out->target = *t;
	out->knobs = *k;
	out->rows0 = t->rows;
	out->cols0 = t->cols;
	/* weights that do not fit and are not streamed: the fabric grows to hold them */
	if (k->weights != WEIGHTS_STREAM && ir_spec_weight_bytes(s) > ir_target_onchip_bytes(t)) {
		int rows, cols;

		if (dse_fabric_for(s, t, &rows, &cols) < 0) {
			ir_error(c, s->loc, "the weights need %.2f MiB, more than a fabric of '%s' grown to "
			         "%d times its rows and columns holds (%d x %d, %.2f MiB on chip): stream "
			         "them from DRAM (schedule: weights: stream) or describe a larger target",
			         mib(ir_spec_weight_bytes(s)), t->name, DSE_MAX_GROW,
			         t->rows * DSE_MAX_GROW, t->cols * DSE_MAX_GROW,
			         mib((int64_t)ir_target_onchip_bytes(t) * DSE_MAX_GROW * DSE_MAX_GROW));
			return -1;
		}
		out->sized_for_weights = 1;
		out->target.rows = rows;
		out->target.cols = cols;
		drop_chip_figures(&out->target);
	}
	if (k->hu && k->ru && k->rv)
		return 0;
	out->defaulted = 1;
	/* A fabric whose PMUs are nearly full of weights may have no room left for the vectors,
	 * tables and state of any schedule: then it grows too, in eighths, within the cap. */
	for (step = 0; ; step++) {
		Target g = out->target;
		Knobs kk;
		MapFail why;

		g.rows = out->target.rows + (out->target.rows * step + 7) / 8;
		g.cols = out->target.cols + (out->target.cols * step + 7) / 8;
		if (g.rows > t->rows * DSE_MAX_GROW || g.cols > t->cols * DSE_MAX_GROW ||
		    g.rows > 1024 || g.cols > 1024)
			break;
		p.target = &g;
		if (dse_default_knobs(&p, &kk, &why) == 0) {
			if (step > 0) {
				out->grown_for_map = !out->sized_for_weights;
				out->target = g;
				drop_chip_figures(&out->target);
			}
			out->knobs = kk;
			return 0;
		}
		/* a larger fabric changes nothing of these */
		if (dse_fixed_fail(&why))
			break;
	}
	/* nothing maps: the driver reports the first default point's error */
	p.target = &out->target;
	out->no_default = 1;
	dse_default_knobs(&p, &out->knobs, NULL);
	return 0;
}
