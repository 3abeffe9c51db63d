/* The defaults (dse.h): a fabric for weights that do not fit, and the search (search.c) for the
 * unpinned knobs on it, growing the fabric when nothing maps beside the weights. */
#include <string.h>

#include "dse.h"

/* Reasons that no grid size changes. */
static int
dse_fixed_fail(const MapFail *f)
{
	MapFailKind k = f->kind;

	/* an xh copy's contents and banks depend on the batch, the sizes and rv only */
	return k == MAP_FAIL_SHAPE || k == MAP_FAIL_HOIST || k == MAP_FAIL_FOLDED ||
	       k == MAP_FAIL_CANDIDATE || k == MAP_FAIL_LANES || k == MAP_FAIL_NETWORK ||
	       ((k == MAP_FAIL_CAPACITY || k == MAP_FAIL_BANKS) && f->role == MAP_XH);
}

int
dse_default_knobs(const DsePoint *p, Knobs *k, MapFail *why)
{
	return dse_search(p, NULL, k, why, NULL);
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
	return dse_choose_for(c, s, fixed, t, NULL, out);
}

int
dse_choose_for(Ctx *c, const CellSpec *s, const Func *fixed, const Target *t,
               const DseGoal *goal, DseChoice *out)
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
		if (dse_search(&p, goal, &kk, &why, &out->search) == 0) {
			if (step > 0) {
				out->grown_for_map = !out->sized_for_weights;
				out->target = g;
				drop_chip_figures(&out->target);
			}
			out->knobs = kk;
			return 0;
		}
		if (out->search.legal && !out->search.within) {
			/* designs map, but none within the limits: a larger fabric is not what is asked */
			ir_error(c, (Loc){0}, "no design of the %lld that map keeps within the limits "
			         "(%s%s%s); raise them or pin fewer knobs", (long long)out->search.legal,
			         goal && goal->max_area_mm2 > 0 ? "--max-area " : "",
			         goal && goal->max_power_mw > 0 ? "--max-power " : "",
			         goal && goal->max_pcus > 0 ? "--max-pcu" : "");
			return -1;
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
