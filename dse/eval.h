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
/* ... counted up to limit (limit + 1: more, see DSE_COUNT_TRIES) */
int64_t dse_count(const DseSweep *w, int64_t limit);
/* The point at positions i (a value index per knob) on a grid of npcu PCUs (dse_grid_pcus):
 * 0 when it cannot be a design, else 1 and the point into r (when not NULL). */
int dse_point_at(const DseSweep *w, const int *i, int64_t npcu, DseResult *r);
int dse_grid_pcus(const DseSweep *w, const int *i);
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
/* r's value of objective o (o < DSE_NOBJ): the model's, or with sim the simulator's */
double dse_objective_value(const DseResult *r, DseObjective o, int sim);
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

/* Evaluates (or with sim simulates) the points w->res[todo[0..n)] on w->jobs workers, each
 * result kept in the cache; what labels the progress. */
void dse_pool_run(DseSweep *w, const int64_t *todo, int64_t n, int sim, const char *what);
/* The heuristic (walk.c): visits w->samples points of the space by w->used, from w->seed,
 * into w->res (w->npoints of them, in the space's order), each evaluated (or taken from the
 * cache); 0, or -1 when memory runs out. */
int dse_walk(DseSweep *w);

#endif
