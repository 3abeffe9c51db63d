/* Executing the IR: tensor memory, the numeric contract (docs/numerics.md) as functions, and the
 * reference interpreter. The simulator, the LLVM model and the RTL all follow these functions;
 * the interpreter is the oracle they are checked against. */
#ifndef RNNC_IR_EXEC_H
#define RNNC_IR_EXEC_H

#include <stdint.h>

#include "ir.h"

/* ---- the numeric contract ---------------------------------------------------------------- */

/* x / 2^s rounded to nearest, ties toward +infinity (s > 0); x * 2^-s saturated (s <= 0). */
int64_t ir_num_shift(int64_t x, int s);
int64_t ir_num_sat(int64_t x, Type t);
/* A raw value with `frac` fraction bits converted to type t: rounded, then saturated. */
int64_t ir_num_rescale(int64_t x, int frac, Type t);
/* floor(v * 2^frac + 1/2), saturated; NaN is 0. */
int64_t ir_num_from_double(double v, Type t);
double ir_num_to_double(int64_t x, Type t);
int64_t ir_num_add(int64_t a, int64_t b, Type t);   /* saturating */
int64_t ir_num_sub(int64_t a, int64_t b, Type t);
int64_t ir_num_mul(int64_t a, Type ta, int64_t b, Type tb, Type tr);
/* The entry a LUT of n entries over [lo, hi) gives for an input: floor((x - lo) * n / (hi - lo))
 * clamped to [0, n - 1]; exact in fixed point (lo * 2^frac and hi * 2^frac are integers). */
int ir_num_lut_index_fix(int64_t x, Type tx, double lo, double hi, int n);
int ir_num_lut_index_f32(float x, double lo, double hi, int n);
double ir_num_fn(MathFn fn, double x);
/* Element i of a rand(seed, lo, hi) tensor, before rounding to the tensor's type. */
double ir_num_rand(uint64_t seed, uint64_t i, double lo, double hi);

/* ---- memory ------------------------------------------------------------------------------ */

typedef struct Buffer {
	Type ty;
	int64_t n;
	float *f;     /* TY_F32 */
	int64_t *q;   /* TY_FIX: raw integers */
	int borrowed; /* f or q belongs to another Memory (ir_mem_copy): not freed with this one */
} Buffer;

typedef struct Memory {
	int n;
	Buffer *buf;  /* one per tensor of the function */
} Memory;

enum { IR_MAX_TENSOR_ELEMS = 1 << 28 };

int64_t ir_tensor_elems(const Tensor *t);
/* Allocates a buffer per tensor and fills it as its init says (inputs, weights, tables, zeros).
 * Returns -1 after reporting an error (a tensor too large to execute, say). */
int ir_mem_init(const Func *f, Memory *m);
void ir_mem_free(Memory *m);
/* A copy of src (memory of f) into dst; -1 when out of memory. Cheaper than ir_mem_init for
 * large tensors, which it fills by quantizing and concatenating. The tensors that f never
 * stores to (the weights) are shared with src, which must outlive dst. */
int ir_mem_copy(const Func *f, Memory *dst, const Memory *src);
/* Frees the buffers of tensors that no load, store or table lookup of f reads or writes (the
 * fp32 weights a quantized tensor was made from, say), leaving them empty (n = 0): what an
 * execution of f needs, at a fraction of the memory for large cells. */
void ir_mem_trim(const Func *f, Memory *m);
double ir_buf_get(const Buffer *b, int64_t i);  /* the real value of element i */

/* Runs the function's body on memory made by ir_mem_init. Returns -1 after reporting an error
 * (an access out of bounds: the verifier rejects those statically, so this is for unverified
 * IR). */
int ir_interp(const Func *f, Memory *m);
/* The same for the first `steps` iterations of the time loop (the outermost seq loop of the
 * body) only; steps <= 0 runs them all. A bounded check of a long sequence. */
int ir_interp_steps(const Func *f, Memory *m, int steps);

/* Differences between a tensor of two executions (matched by name). */
typedef struct Diff {
	int64_t n;          /* elements compared */
	int64_t differ;     /* elements not bit-identical */
	double max_abs, mean_abs, max_rel;
} Diff;

/* Returns -1 if the tensor is missing from either function or the shapes differ. */
int ir_compare(const Func *fa, const Memory *ma, const Func *fb, const Memory *mb,
               const char *tensor, Diff *d);

#endif
