/* Internal to sim/: the values the units compute (sim_eval.c). */
#ifndef RNNC_SIM_INT_H
#define RNNC_SIM_INT_H

#include "sim.h"

/* The loads and product of one dot product's multiply (the innermost reduce's yield). */
typedef struct SimProd {
	Ref mul, wl, xl;
	int exact;            /* the product needs no rounding: a plain multiply */
	int64_t wstride, xstride;  /* flat index change per lane */
} SimProd;

typedef struct SimVal {
	const Func *f;
	const Mapping *m;
	Memory *mem;
	int ok;               /* values are computed (fixed point, memory given) */
	int64_t *var;         /* loop variables, by loop node */
	int64_t *tmp;         /* values of the prologue and input loops, by node */
	Ref lt, lb, li;       /* the time, batch and hidden-unit loops */
	Ref ks, kr, kv;       /* the vector-step, tile and lane loops (0 where the nest has none) */
	SimProd prod[IR_MAXRES];
	int nseg;             /* epilogue segments */
	int *store_seg;       /* by node: the epilogue segment that executes a store, or -1 */
	int64_t *row;         /* per row b * H + i: the values of the hidden-unit body, by node */
	int32_t *stamp;       /* ... and the step + 1 a load was read in */
} SimVal;

int sim_val_init(SimVal *v, const Mapping *m, Memory *mem);
void sim_val_free(SimVal *v);
/* The flat element index of an access at the loop values in v->var, or -1 when a predicate
 * masks it. */
int64_t sim_val_index(const SimVal *v, const Access *a);
/* The nodes of the function body before the time loop (h_0 into xh). */
void sim_val_prologue(SimVal *v);
/* The nodes of the time loop's body before the batch loop (x_t into xh). */
void sim_val_input(SimVal *v, int t);
/* The exact sum of vector step s of tile r of product p for row i of batch b. */
int64_t sim_val_dot(SimVal *v, int p, int t, int b, int i, int s, int r);
/* The sum of product p arrives at the epilogue: saturated once, to the reduction's type. */
void sim_val_sum(SimVal *v, int p, int b, int i, int64_t sum);
/* Epilogue segment `seg` runs its stages for row i of batch b, then the stores of its values. */
void sim_val_epi(SimVal *v, const MapUnit *u, int t, int b, int i);

#endif
