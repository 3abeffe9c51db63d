/* What the sweep and the search share (eval.c): a space's points, lowered and ranked. */
#ifndef RNNC_DSE_EVAL_H
#define RNNC_DSE_EVAL_H

#include "sweep.h"

/* The target of a point: the sweep's, with the point's rows, columns and PMU capacity (and no
 * published die figures when those differ). */
Target dse_point_target(const DseSweep *w, const DseResult *r);
/* The points of the space in order, less those that cannot be a design (sweep.h), into out;
 * with out NULL only counted. */
int64_t dse_enumerate(const DseSweep *w, DseResult *out);
/* w->var: one variant per choice of the numbers; -1 after errors to c (or out of memory). */
int dse_make_variants(Ctx *c, DseSweep *w);
/* Lowers and models a point in scratch (r->done, and r->maps or r->why). */
void dse_evaluate(Ctx *scratch, const DseSweep *w, DseResult *r);
/* The point maps and keeps within w's limits. */
int dse_within(const DseSweep *w, const DseResult *r);
/* Simulates a point that maps, all T steps (r->sim_*). */
void dse_simulate(Ctx *scratch, const DseSweep *w, DseResult *r);

/* a before b: fewer model cycles, then less area, power, energy, then the earlier point */
int dse_ranks_before(const DseResult *res, int64_t a, int64_t b);
/* a before b in objective o (DSE_NOBJ: none) by the model's figures or, with sim, the
 * simulator's; then as dse_ranks_before */
int dse_better(const DseResult *res, DseObjective o, int sim, int64_t a, int64_t b);
/* How to order points: by objective o (DSE_NOBJ: the objectives' order), or by their bound. */
typedef struct DseOrder {
	const DseResult *res;
	DseObjective o;
	int by_bound;
} DseOrder;
/* Sorts v[0..n) (tmp: n more): a merge sort, stable, O(n log n), no global state. */
void dse_sort_points(const DseOrder *ord, int64_t *v, int64_t *tmp, int64_t n);
void dse_rank_by(const DseResult *res, DseObjective o, int64_t *v, int64_t *tmp, int64_t n);

#endif
