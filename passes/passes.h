/* The passes of the pipeline (driver/compile.c lists them in order). Each takes a function and
 * returns a new one, or NULL after reporting errors to the function's Ctx; none changes its input.
 *
 *   build     spec -> the unfused BLAS view: one gemv kernel per gate and input, bias adds,
 *             activations and the cell update, each kernel with its own buffers (fp32)
 *   fuse      -> one nest per time step: [x_t; h_{t-1}] concatenated, every gate product in one
 *             reduction over D+H, bias, activation and cell update in its epilogue
 *   quantize  -> fixed point under docs/numerics.md, LUT activations
 *   schedule  -> the knobs hu, ru, rv, hv applied (tiles with predicated tails)
 *   map       -> the step as PCUs, PMUs and links on the grid (map.h, docs/mapping.md) */
#ifndef RNNC_PASSES_H
#define RNNC_PASSES_H

#include "../ir/ir.h"
#include "../ir/spec.h"

Func *pass_build(Ctx *c, const CellSpec *s);
Func *pass_fuse(const Func *f);
Func *pass_quantize(const Func *f, const CellSpec *s);

/* Applies the knobs hu, ru, rv and hv (0 leaves a loop as it is). The new function lives in c
 * (its arena and diagnostics), or in f's context when c is NULL: a search schedules each
 * candidate in a scratch context. */
Func *pass_schedule(Ctx *c, const Func *f, const Knobs *k);

/* Memory statistics of one time step (the body of the outermost seq loop), for comparing the
 * unfused and fused forms. */
typedef struct PassStats {
	int64_t temp_bytes;       /* intermediate buffers (role temp) */
	int64_t state_bytes;      /* buffers carried between steps (role state) */
	int64_t loads, stores;    /* tensor element accesses per step */
	int64_t load_bytes, store_bytes;
	int64_t temp_traffic;     /* bytes of those accesses that go to temp buffers */
	int64_t macs;             /* multiplies inside reductions, per step */
} PassStats;

void pass_stats(const Func *f, PassStats *st);

#endif
