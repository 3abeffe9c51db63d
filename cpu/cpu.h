/* The LLVM model of the loop IR: a Func lowered to LLVM IR with the LLVM C API, optimized for the
 * host CPU and run with ORC LLJIT, or written to a native object file.
 *
 * The kernel computes exactly what the interpreter (ir/interp.c) computes: bit for bit in fixed
 * point and in f32 (reductions summed in iteration order), unless `fast_reduce` lets LLVM reorder
 * f32 reductions (then within 1e-5 relative, docs/numerics.md). Loop kinds seq, foreach and
 * reduce run in order; `par` and `vec` are schedule annotations with no effect on the result.
 *
 * Memory layout: the kernel takes `void **bufs`, one pointer per tensor of the function, in tensor
 * order (f->tensors), each pointing at the storage of the interpreter's Buffer: `float *` for an
 * f32 tensor, `int64_t *` (raw integers) for a fixed-point one, row-major. The buffers must not
 * overlap. Accesses are not bounds-checked at run time: run verified IR only (cpu_jit_new checks
 * the unpredicated ones statically).
 *
 * Generated code calls back into rnnc only for the rare ops (sigmoid and tanh computed exactly,
 * f32 max and min), through the cpu_rt_* functions below, so that results match the
 * interpreter's libm calls bit for bit. An object file from cpu_emit_object references them: link
 * it with librnnc. */
#ifndef RNNC_CPU_H
#define RNNC_CPU_H

#include <stdio.h>

#include "../ir/exec.h"
#include "../ir/ir.h"

typedef struct CpuOptions {
	int fast_reduce;  /* let LLVM reorder f32 reductions (vectorize, interleave, fuse the
	                   * products they sum into multiply-adds) */
	int opt_level;    /* 0..3: the LLVM pipeline default<On> and the code generator's level */
} CpuOptions;

/* fast_reduce off, opt_level 3; what a NULL CpuOptions means. */
CpuOptions cpu_options_default(void);

typedef struct CpuJit CpuJit;
typedef void (*CpuKernel)(void **bufs);

/* Compiles f; NULL after reporting an error to c. */
CpuJit *cpu_jit_new(Ctx *c, const Func *f, const CpuOptions *o);
/* Runs the kernel on memory from ir_mem_init(f) (the same function); -1 after reporting an
 * error when the memory does not match the function. */
int cpu_jit_run(CpuJit *j, Memory *m);
/* The compiled kernel itself, for callers that keep their own buffer table. */
CpuKernel cpu_jit_kernel(const CpuJit *j);
void cpu_jit_free(CpuJit *j);

/* Writes a native object file (for the host) exporting `void rnnc_<name>(void **bufs)`, where
 * <name> is the function's name with characters other than letters, digits and '_' replaced by
 * '_'. Returns -1 after reporting an error. */
int cpu_emit_object(Ctx *c, const Func *f, const char *path);
/* Writes a C header declaring that function and naming each buffer's index, type and shape. */
void cpu_emit_header(const Func *f, FILE *out);
/* Prints the optimized LLVM IR of f (for inspection); -1 after reporting an error. */
int cpu_print_ir(Ctx *c, const Func *f, const CpuOptions *o, FILE *out);

/* The run-time helpers generated code calls. */
double cpu_rt_sigmoid(double x);
double cpu_rt_tanh(double x);
float cpu_rt_fmaxf(float a, float b);
float cpu_rt_fminf(float a, float b);

#endif
