/* The loop IR: what every stage after the frontend reads and writes.
 *
 * A Func is a tree of structured loops over tensors. Values are named by small integer handles
 * (Ref) into the function's node array, as in QBE; 0 is "no value". Loops carry the design
 * parameters the schedule chooses (`par` copies in space, `vec` lanes). Index expressions are
 * affine in the enclosing loop variables, and a load or store may be predicated by affine
 * conditions (tails of tiles that do not divide their range, and the split of a fused reduction
 * between the x and h halves). Tensors say where they live and how their data is made, so a Func
 * is self-contained: printing it and parsing it back gives the same function, and every backend
 * computes the same weights from it. The text format is documented in docs/ir.md.
 *
 * Numerics (docs/numerics.md): f32 is IEEE single precision. sA.B is signed fixed point of A bits
 * with B after the binary point, held as an integer; arithmetic is exact and then rounded (half
 * up) and saturated to the result type. A reduction sums exactly and saturates once at its end,
 * so in fixed point its result does not depend on the order of the sum, that is, on the
 * schedule. */
#ifndef RNNC_IR_H
#define RNNC_IR_H

#include <stdint.h>
#include <stdio.h>

#include "ctx.h"

/* ---- element types ----------------------------------------------------------------------- */

typedef enum { TY_NONE, TY_F32, TY_FIX } TyKind;

typedef struct Type {
	uint8_t kind;  /* TyKind */
	uint8_t bits;  /* TY_FIX: 8, 16, 32 or 64 */
	uint8_t frac;  /* TY_FIX: bits after the binary point, < bits */
} Type;

Type ir_f32(void);
Type ir_fix(int bits, int frac);
int ir_type_eq(Type a, Type b);
/* "f32", "s8.6"; buf must hold IR_TYPE_STR bytes */
enum { IR_TYPE_STR = 16 };
const char *ir_type_str(Type t, char *buf);
/* The largest and smallest raw values of a fixed-point type. */
int64_t ir_fix_max(Type t);
int64_t ir_fix_min(Type t);

/* ---- ops --------------------------------------------------------------------------------- */

typedef enum {
#define OP(e, name, nargs, cls, cycles, verilog) OP_##e,
#include "ops.def"
#undef OP
	NOP
} Op;

typedef enum {
	OC_CONST,    /* an immediate of the instruction's type */
	OC_LOAD,     /* a tensor element; the type is the tensor's */
	OC_STORE,    /* writes arg[0] to a tensor element of the same type; no value */
	OC_RESULT,   /* a result of a reduce loop; defined after the loop */
	OC_SAME,     /* operands and result of one type */
	OC_MUL,      /* operands of one kind; the product is rounded to the result type */
	OC_CAST,     /* any type to any type: rescale, round, saturate */
	OC_EXACTFN,  /* sigmoid/tanh computed exactly (libm), rounded to the result type */
	OC_LUT,      /* lookup in a LUT tensor (docs/numerics.md); the type is the tensor's */
} OpClass;

typedef struct OpInfo {
	const char *name;
	int nargs;
	OpClass cls;
	int cycles;
	const char *verilog;
} OpInfo;

extern const OpInfo ir_ops[NOP];

/* ---- tensors ----------------------------------------------------------------------------- */

enum { IR_MAXDIM = 4, IR_MAXTERMS = 4, IR_MAXPRED = 2, IR_MAXRES = 8 };

typedef enum { MEM_DRAM, MEM_SRAM, MEM_REG, MEM_LUT, NMEM } MemSpace;
typedef enum { ROLE_INPUT, ROLE_OUTPUT, ROLE_PARAM, ROLE_STATE, ROLE_TEMP, NROLE } Role;
typedef enum { INIT_NONE, INIT_ZERO, INIT_RAND, INIT_CONCAT, INIT_QUANT, INIT_LUT } InitKind;
typedef enum { FN_SIGMOID, FN_TANH, NFN } MathFn;

/* How a tensor's initial contents are made (ir_materialize). */
typedef struct Init {
	InitKind kind;
	uint64_t seed;  /* RAND: uniform in [lo, hi), element e from splitmix64(seed, e) */
	double lo, hi;  /* RAND: the range; LUT: the input range */
	int src[2];     /* CONCAT: two tensors joined along the last dimension; QUANT: src[0] */
	MathFn fn;      /* LUT: entry k is fn at the middle of its interval, rounded */
} Init;

typedef struct Tensor {
	const char *name;
	Type ty;
	MemSpace mem;
	Role role;
	int ndim;
	int32_t dim[IR_MAXDIM];
	Init init;
	Loc loc;
} Tensor;

/* ---- affine index expressions and predicates --------------------------------------------- */

typedef int32_t Ref;  /* a node of the function; 0 is none */

/* c + sum(coef * var): a var is the loop node that defines it. */
typedef struct Affine {
	int64_t c;
	int nterm;
	struct {
		Ref loop;
		int64_t coef;
	} t[IR_MAXTERMS];
} Affine;

typedef enum { PRED_LT, PRED_GE } PredKind;

/* e < bound, or e >= bound */
typedef struct Pred {
	PredKind kind;
	Affine e;
	int64_t bound;
} Pred;

typedef struct Access {
	int tensor;
	int ndim;
	Affine idx[IR_MAXDIM];
	int npred;
	Pred pred[IR_MAXPRED];  /* all must hold; a load that fails them yields 0 and reads nothing */
} Access;

Affine ir_aff_const(int64_t c);
Affine ir_aff_var(Ref loop);
Affine ir_aff_add(Affine a, Affine b);    /* IR_BUGs past IR_MAXTERMS distinct variables */
Affine ir_aff_scale(Affine a, int64_t k);
int ir_aff_eq(const Affine *a, const Affine *b);

/* ---- nodes: instructions and loops ------------------------------------------------------- */

typedef enum { N_INSTR = 1, N_LOOP } NodeKind;
typedef enum { LOOP_SEQ, LOOP_FOREACH, LOOP_REDUCE } LoopKind;

typedef struct Block {
	Ref *n;
	int len, cap;
} Block;

typedef struct Instr {
	Op op;
	Type ty;          /* the result type; TY_NONE for a store */
	Ref arg[2];
	Access acc;       /* LOAD, STORE; LUT: acc.tensor is the table */
	double imm;       /* CONST: the value (exactly representable in ty) */
	Ref loop;         /* RESULT: the reduce loop; */
	int index;        /*         which of its results */
} Instr;

typedef struct Loop {
	LoopKind kind;
	const char *var;  /* unique in the function */
	int32_t extent;   /* the variable runs over 0 .. extent-1 */
	int32_t par;      /* copies working in parallel (1: none) */
	int32_t vec;      /* vector lanes per copy (1: scalar) */
	Block body;
	Op comb;          /* REDUCE: the combiner (OP_ADD) */
	int nres;
	Ref res[IR_MAXRES];    /* REDUCE: RESULT nodes, usable after the loop */
	Ref yield[IR_MAXRES];  /* REDUCE: the value each iteration contributes, defined in the body */
} Loop;

typedef struct Node {
	NodeKind kind;
	Ref parent;       /* the enclosing loop, 0 at the top */
	Loc loc;
	union {
		Instr i;
		Loop l;
	};
} Node;

typedef struct Func {
	Ctx *c;
	const char *name;
	Tensor *tensors;
	int ntensors, captensors;
	Node *nodes;      /* nodes[0] is unused so that Ref 0 means none */
	int nnodes, capnodes;
	Block body;
	Loc loc;
} Func;

Func *ir_func_new(Ctx *c, const char *name);
/* A deep copy (passes build new functions from old ones; this is for those that change little). */
Func *ir_func_clone(const Func *f);
int ir_find_tensor(const Func *f, const char *name);  /* -1 when there is none */
/* `base`, or base with a number appended, such that no loop of f (nor of also, when not NULL)
 * has that variable: for passes that make new loops while copying old ones. */
const char *ir_fresh_var(const Func *f, const Func *also, const char *base);

static inline Node *ir_node(const Func *f, Ref r) { return &f->nodes[r]; }

/* ---- building ---------------------------------------------------------------------------- */

/* Appends to the body of `at` (a loop), or to the function's body when at is 0. */
typedef struct Builder {
	Func *f;
	Ref at;
	Loc loc;          /* given to new nodes */
} Builder;

int ir_add_tensor(Func *f, const char *name, Type ty, MemSpace mem, Role role, int ndim,
                  const int32_t *dim, Init init);
Ref ir_b_loop(Builder *b, LoopKind kind, const char *var, int32_t extent);
Ref ir_b_const(Builder *b, Type ty, double v);
Ref ir_b_load(Builder *b, Access acc);
Ref ir_b_store(Builder *b, Access acc, Ref v);
Ref ir_b_op(Builder *b, Op op, Type ty, Ref a, Ref c);  /* OC_SAME, OC_MUL, OC_CAST, OC_EXACTFN */
Ref ir_b_lut(Builder *b, int table, Ref x);
/* Adds a result to a reduce loop: the value `yield` (in its body) summed into type `ty`. */
Ref ir_b_result(Func *f, Ref loop, Type ty, Ref yield);
/* An access to tensor `t` with indices idx[0..ndim-1] (ndim = the tensor's). */
Access ir_access(const Func *f, int t, const Affine *idx);
void ir_access_pred(Access *a, PredKind kind, Affine e, int64_t bound);

/* ---- copying: passes build a new function from an old one --------------------------------- */

/* What the old function's handles became in the new one. */
typedef struct IrMap {
	const Func *src;
	Func *dst;
	Ref *val;      /* old value node -> new value node */
	Affine *var;   /* old loop -> the expression of the new loops that replaces its variable */
	int *tensor;   /* old tensor -> new tensor */
} IrMap;

/* Copies every tensor of src into dst (same names and types) and maps them. */
void ir_map_init(IrMap *m, const Func *src, Func *dst);
Affine ir_map_aff(const IrMap *m, const Affine *a);
Access ir_map_access(const IrMap *m, const Access *a);
/* Copies one instruction (not a RESULT) with its operands, accesses and tensors mapped. */
Ref ir_copy_instr(Builder *b, IrMap *m, Ref r);
/* Copies a block: loops keep their kind, extent, par and vec; a reduce's results are mapped. */
void ir_copy_block(Builder *b, IrMap *m, const Block *blk);

/* ---- text, checks, execution ------------------------------------------------------------- */

void ir_print(const Func *f, FILE *out);
/* s as a JSON string, quoted, with '"', '\\' and control characters escaped. */
void ir_json_string(FILE *out, const char *s);
/* Parses one function; NULL after reporting errors (`file:line:col: error: ...`). */
Func *ir_parse(Ctx *c, const SrcFile *src);
/* Checks every rule of docs/ir.md; reports each violation, naming the loop and tensor, and
 * returns the number of errors. */
int ir_verify(const Func *f);

const char *ir_mem_name(MemSpace m);
const char *ir_role_name(Role r);
const char *ir_fn_name(MathFn fn);

#endif
