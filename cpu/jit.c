/* Lowering the loop IR to LLVM IR, and running it with ORC LLJIT (cpu.h).
 *
 * Every value node of the function gets a stack slot (an alloca, zero at entry) that its
 * definition stores and its uses load, which reproduces the interpreter's table of current values
 * exactly; SROA turns the slots into SSA values. Fixed-point values are i64 raw integers, and each
 * operation is the formula of ir/numeric.c with the types' shifts and bounds as constants. A loop
 * becomes a bottom-tested counted loop (extents are constants); reduce accumulators live in slots
 * too, and are finished after the loop as exec_loop does.
 *
 * The kernel body is an internal function taking one `noalias` pointer per tensor, inlined into
 * the exported `rnnc_<name>(void **bufs)`, so that LLVM knows the buffers are disjoint. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/Error.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "cpu.h"

/* ---- run-time helpers ---------------------------------------------------------------------- */

double
cpu_rt_sigmoid(double x)
{
	return ir_num_fn(FN_SIGMOID, x);
}

double
cpu_rt_tanh(double x)
{
	return ir_num_fn(FN_TANH, x);
}

float
cpu_rt_fmaxf(float a, float b)
{
	return fmaxf(a, b);
}

float
cpu_rt_fminf(float a, float b)
{
	return fminf(a, b);
}

CpuOptions
cpu_options_default(void)
{
	CpuOptions o = {0, 3};

	return o;
}

/* Declarations every module starts from. The reassociating add (and the product it may contract
 * with into a fused multiply-add) are functions because the C API of LLVM 16 cannot set fast-math
 * flags; they are always inlined, and their flags come along. */
static const char prelude[] =
	"define internal float @rnnc.fadd.reassoc(float %a, float %b) alwaysinline nounwind {\n"
	"  %r = fadd reassoc nsz contract float %a, %b\n"
	"  ret float %r\n"
	"}\n"
	"define internal float @rnnc.fmul.contract(float %a, float %b) alwaysinline nounwind {\n"
	"  %r = fmul contract float %a, %b\n"
	"  ret float %r\n"
	"}\n"
	"declare double @cpu_rt_sigmoid(double) nounwind readnone willreturn\n"
	"declare double @cpu_rt_tanh(double) nounwind readnone willreturn\n"
	"declare float @cpu_rt_fmaxf(float, float) nounwind readnone willreturn\n"
	"declare float @cpu_rt_fminf(float, float) nounwind readnone willreturn\n"
	"declare {i64, i1} @llvm.sadd.with.overflow.i64(i64, i64)\n"
	"declare {i64, i1} @llvm.ssub.with.overflow.i64(i64, i64)\n"
	"declare {i64, i1} @llvm.smul.with.overflow.i64(i64, i64)\n"
	"declare double @llvm.floor.f64(double)\n"
	"declare float @llvm.floor.f32(float)\n";

/* ---- code generation ----------------------------------------------------------------------- */

typedef struct Gen {
	Ctx *c;
	const Func *f;
	CpuOptions o;
	LLVMContextRef cx;
	LLVMModuleRef m;
	LLVMBuilderRef b;      /* the code */
	LLVMBuilderRef ab;     /* allocas, at the end of the entry block */
	LLVMValueRef fn;       /* the kernel body */
	LLVMTypeRef i1, i32, i64, f32, f64, ptr, vd;
	LLVMValueRef *base;    /* per tensor */
	LLVMValueRef *slot;    /* per node */
	LLVMValueRef *var;     /* per loop node, while inside it */
	char *contract;        /* per node: an f32 product a fast reduction sums */
	int failed;
} Gen;

static LLVMValueRef
ci64(Gen *g, int64_t v)
{
	return LLVMConstInt(g->i64, (unsigned long long)v, 1);
}

static LLVMValueRef
cf32(Gen *g, float v)
{
	return LLVMConstReal(g->f32, (double)v);
}

static LLVMValueRef
cf64(Gen *g, double v)
{
	return LLVMConstReal(g->f64, v);
}

static LLVMTypeRef
lty(Gen *g, Type t)
{
	return t.kind == TY_F32 ? g->f32 : g->i64;
}

static LLVMValueRef
zero_of(Gen *g, Type t)
{
	return t.kind == TY_F32 ? cf32(g, 0.0f) : ci64(g, 0);
}

static LLVMValueRef
new_slot(Gen *g, LLVMTypeRef ty, LLVMValueRef init)
{
	LLVMValueRef a = LLVMBuildAlloca(g->ab, ty, "");

	LLVMBuildStore(g->ab, init, a);
	return a;
}

static LLVMValueRef
get(Gen *g, Ref r)
{
	const Instr *in = &g->f->nodes[r].i;

	if (!g->slot[r]) {
		ir_error(g->c, g->f->nodes[r].loc, "cpu: value used before its definition");
		g->failed = 1;
		return zero_of(g, in->ty.kind ? in->ty : ir_f32());
	}
	return LLVMBuildLoad2(g->b, lty(g, in->ty), g->slot[r], "");
}

static void
set(Gen *g, Ref r, LLVMValueRef v)
{
	if (!g->slot[r])
		g->slot[r] = new_slot(g, LLVMTypeOf(v), LLVMConstNull(LLVMTypeOf(v)));
	LLVMBuildStore(g->b, v, g->slot[r]);
}

static LLVMValueRef
call(Gen *g, const char *name, LLVMValueRef *args, unsigned n)
{
	LLVMValueRef fn = LLVMGetNamedFunction(g->m, name);

	IR_ASSERT(fn);
	return LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, args, n, "");
}

static LLVMValueRef
sel(Gen *g, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildSelect(g->b, c, a, b, "");
}

static LLVMValueRef
icmp(Gen *g, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildICmp(g->b, p, a, b, "");
}

/* ir_num_sat */
static LLVMValueRef
fx_sat(Gen *g, LLVMValueRef x, Type t)
{
	LLVMValueRef lo = ci64(g, ir_fix_min(t)), hi = ci64(g, ir_fix_max(t));

	if (t.bits == 64)
		return x;
	x = sel(g, icmp(g, LLVMIntSLT, x, lo), lo, x);
	return sel(g, icmp(g, LLVMIntSGT, x, hi), hi, x);
}

/* ir_num_shift with a constant s */
static LLVMValueRef
fx_shift(Gen *g, LLVMValueRef x, int s)
{
	if (s > 0) {
		LLVMValueRef a, r;

		if (s >= 64)
			return ci64(g, 0);
		a = LLVMBuildAShr(g->b, x, ci64(g, s), "");
		r = LLVMBuildAnd(g->b, LLVMBuildAShr(g->b, x, ci64(g, s - 1), ""), ci64(g, 1), "");
		return LLVMBuildAdd(g->b, a, r, "");
	}
	if (s < 0) {
		int k = -s;
		LLVMValueRef mx = ci64(g, INT64_MAX), mn = ci64(g, INT64_MIN), r;

		if (k >= 63) {
			r = sel(g, icmp(g, LLVMIntSLT, x, ci64(g, 0)), mn, ci64(g, 0));
			return sel(g, icmp(g, LLVMIntSGT, x, ci64(g, 0)), mx, r);
		}
		r = LLVMBuildShl(g->b, x, ci64(g, k), "");
		r = sel(g, icmp(g, LLVMIntSLT, x, ci64(g, INT64_MIN >> k)), mn, r);
		return sel(g, icmp(g, LLVMIntSGT, x, ci64(g, INT64_MAX >> k)), mx, r);
	}
	return x;
}

static LLVMValueRef
fx_rescale(Gen *g, LLVMValueRef x, int frac, Type t)
{
	return fx_sat(g, fx_shift(g, x, frac - (int)t.frac), t);
}

/* ir_num_add / ir_num_sub */
static LLVMValueRef
fx_addsub(Gen *g, int sub, LLVMValueRef a, LLVMValueRef b, Type t)
{
	LLVMValueRef args[2] = {a, b};
	LLVMValueRef s = call(g, sub ? "llvm.ssub.with.overflow.i64" : "llvm.sadd.with.overflow.i64",
	                      args, 2);
	LLVMValueRef r = LLVMBuildExtractValue(g->b, s, 0, "");
	LLVMValueRef ov = LLVMBuildExtractValue(g->b, s, 1, "");
	LLVMValueRef edge = sel(g, icmp(g, LLVMIntSLT, a, ci64(g, 0)), ci64(g, ir_fix_min(t)),
	                        ci64(g, ir_fix_max(t)));

	return sel(g, ov, edge, fx_sat(g, r, t));
}

/* ir_num_mul */
static LLVMValueRef
fx_mul(Gen *g, LLVMValueRef a, Type ta, LLVMValueRef b, Type tb, Type tr)
{
	LLVMValueRef args[2] = {a, b};
	LLVMValueRef s = call(g, "llvm.smul.with.overflow.i64", args, 2);
	LLVMValueRef p = LLVMBuildExtractValue(g->b, s, 0, "");
	LLVMValueRef ov = LLVMBuildExtractValue(g->b, s, 1, "");
	LLVMValueRef neg = LLVMBuildXor(g->b, icmp(g, LLVMIntSLT, a, ci64(g, 0)),
	                                icmp(g, LLVMIntSLT, b, ci64(g, 0)), "");
	LLVMValueRef edge = sel(g, neg, ci64(g, ir_fix_min(tr)), ci64(g, ir_fix_max(tr)));

	return sel(g, ov, edge, fx_rescale(g, p, ta.frac + tb.frac, tr));
}

/* ir_num_from_double: floor(v * 2^frac + 1/2), saturated; NaN is 0 */
static LLVMValueRef
fx_from_double(Gen *g, LLVMValueRef v, Type t)
{
	LLVMValueRef y, r, arg;
	double mx = (double)ir_fix_max(t), mn = (double)ir_fix_min(t);

	y = LLVMBuildFMul(g->b, v, cf64(g, ldexp(1.0, t.frac)), "");
	arg = LLVMBuildFAdd(g->b, y, cf64(g, 0.5), "");
	y = call(g, "llvm.floor.f64", &arg, 1);
	/* fptosi of an out-of-range value is poison, but the selects below never pick it */
	r = LLVMBuildFPToSI(g->b, y, g->i64, "");
	r = LLVMBuildFreeze(g->b, r, "");
	r = sel(g, LLVMBuildFCmp(g->b, LLVMRealOLE, y, cf64(g, mn), ""), ci64(g, ir_fix_min(t)), r);
	r = sel(g, LLVMBuildFCmp(g->b, LLVMRealOGE, y, cf64(g, mx), ""), ci64(g, ir_fix_max(t)), r);
	return sel(g, LLVMBuildFCmp(g->b, LLVMRealUNO, v, v, ""), ci64(g, 0), r);
}

/* the real value of a value of type t, as a double (val_real) */
static LLVMValueRef
to_double(Gen *g, LLVMValueRef v, Type t)
{
	if (t.kind == TY_F32)
		return LLVMBuildFPExt(g->b, v, g->f64, "");
	return LLVMBuildFMul(g->b, LLVMBuildSIToFP(g->b, v, g->f64, ""),
	                     cf64(g, ldexp(1.0, -(int)t.frac)), "");
}

/* to_val: a double rounded to type t */
static LLVMValueRef
from_double(Gen *g, LLVMValueRef d, Type t)
{
	if (t.kind == TY_F32)
		return LLVMBuildFPTrunc(g->b, d, g->f32, "");
	return fx_from_double(g, d, t);
}

static LLVMValueRef
do_cast(Gen *g, LLVMValueRef v, Type from, Type to)
{
	if (to.kind == TY_FIX && from.kind == TY_FIX)
		return fx_rescale(g, v, from.frac, to);
	if (to.kind == TY_F32 && from.kind == TY_F32)
		return v;
	return from_double(g, to_double(g, v, from), to);
}

/* ---- accesses ---- */

static LLVMValueRef
aff(Gen *g, const Affine *a, Loc loc)
{
	LLVMValueRef v = ci64(g, a->c);
	int i;

	for (i = 0; i < a->nterm; i++) {
		LLVMValueRef x = g->var[a->t[i].loop];

		if (!x) {
			ir_error(g->c, loc, "cpu: loop variable used outside its loop");
			g->failed = 1;
			return ci64(g, 0);
		}
		if (a->t[i].coef != 1)
			x = LLVMBuildNSWMul(g->b, x, ci64(g, a->t[i].coef), "");
		v = LLVMBuildNSWAdd(g->b, v, x, "");
	}
	return v;
}

/* The flat element index, as one affine expression c + sum coef * var. */
static LLVMValueRef
flat_index(Gen *g, const Access *acc, Loc loc)
{
	const Tensor *t = &g->f->tensors[acc->tensor];
	Ref loops[IR_MAXDIM * IR_MAXTERMS];
	int64_t coef[IR_MAXDIM * IR_MAXTERMS], c = 0, stride = 1;
	LLVMValueRef v;
	int n = 0, d, i, j;

	for (d = acc->ndim - 1; d >= 0; d--) {
		const Affine *a = &acc->idx[d];

		c += a->c * stride;
		for (i = 0; i < a->nterm; i++) {
			for (j = 0; j < n && loops[j] != a->t[i].loop; j++)
				;
			if (j == n) {
				loops[n] = a->t[i].loop;
				coef[n++] = 0;
			}
			coef[j] += a->t[i].coef * stride;
		}
		stride *= t->dim[d];
	}
	v = ci64(g, c);
	for (j = 0; j < n; j++) {
		LLVMValueRef x = g->var[loops[j]];

		if (coef[j] == 0)
			continue;
		if (!x) {
			ir_error(g->c, loc, "cpu: loop variable used outside its loop");
			g->failed = 1;
			return ci64(g, 0);
		}
		if (coef[j] != 1)
			x = LLVMBuildNSWMul(g->b, x, ci64(g, coef[j]), "");
		v = LLVMBuildNSWAdd(g->b, v, x, "");
	}
	return v;
}

static LLVMValueRef
elem_ptr(Gen *g, const Access *acc, Loc loc)
{
	LLVMValueRef idx = flat_index(g, acc, loc);

	return LLVMBuildInBoundsGEP2(g->b, lty(g, g->f->tensors[acc->tensor].ty),
	                             g->base[acc->tensor], &idx, 1, "");
}

/* The conjunction of an access's predicates, or NULL when it has none. */
static LLVMValueRef
preds(Gen *g, const Access *acc, Loc loc)
{
	LLVMValueRef all = NULL;
	int i;

	for (i = 0; i < acc->npred; i++) {
		const Pred *p = &acc->pred[i];
		LLVMValueRef c = icmp(g, p->kind == PRED_LT ? LLVMIntSLT : LLVMIntSGE,
		                      aff(g, &p->e, loc), ci64(g, p->bound));

		all = all ? LLVMBuildAnd(g->b, all, c, "") : c;
	}
	return all;
}

/* Emits `if (cond) { ... }`: returns the join block and leaves the builder in the then block. */
static LLVMBasicBlockRef
begin_if(Gen *g, LLVMValueRef cond)
{
	LLVMBasicBlockRef then = LLVMAppendBasicBlockInContext(g->cx, g->fn, "then");
	LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(g->cx, g->fn, "join");

	LLVMBuildCondBr(g->b, cond, then, join);
	LLVMPositionBuilderAtEnd(g->b, then);
	return join;
}

static void
end_if(Gen *g, LLVMBasicBlockRef join)
{
	LLVMBuildBr(g->b, join);
	LLVMPositionBuilderAtEnd(g->b, join);
}

static LLVMValueRef
set_align(LLVMValueRef v, Type t)
{
	LLVMSetAlignment(v, t.kind == TY_F32 ? 4 : 8);
	return v;
}

/* ---- instructions ---- */

static LLVMValueRef
lut_index(Gen *g, LLVMValueRef x, Type tx, const Tensor *tab)
{
	int n = tab->dim[0];
	double lo = tab->init.lo, hi = tab->init.hi;

	if (tx.kind == TY_F32) {
		float scale = (float)((double)n / (hi - lo));
		LLVMValueRef y = LLVMBuildFMul(g->b, LLVMBuildFSub(g->b, x, cf32(g, (float)lo), ""),
		                               cf32(g, scale), "");
		LLVMValueRef k;

		y = call(g, "llvm.floor.f32", &y, 1);
		k = LLVMBuildFreeze(g->b, LLVMBuildFPToSI(g->b, y, g->i64, ""), "");
		k = sel(g, LLVMBuildFCmp(g->b, LLVMRealOGE, y, cf32(g, (float)n), ""), ci64(g, n - 1), k);
		return sel(g, LLVMBuildFCmp(g->b, LLVMRealULT, y, cf32(g, 0.0f), ""), ci64(g, 0), k);
	} else {
		int64_t L = (int64_t)ldexp(lo, tx.frac), R = (int64_t)ldexp(hi, tx.frac);
		LLVMValueRef k;

		if (R > L) {
			LLVMValueRef num = LLVMBuildMul(g->b, LLVMBuildSub(g->b, x, ci64(g, L), ""),
			                                ci64(g, n), "");

			k = LLVMBuildSDiv(g->b, num, ci64(g, R - L), "");
			k = sel(g, icmp(g, LLVMIntSLT, k, ci64(g, 0)), ci64(g, 0), k);
			k = sel(g, icmp(g, LLVMIntSGE, k, ci64(g, n)), ci64(g, n - 1), k);
		} else {
			k = ci64(g, n - 1);
		}
		k = sel(g, icmp(g, LLVMIntSGE, x, ci64(g, R)), ci64(g, n - 1), k);
		return sel(g, icmp(g, LLVMIntSLE, x, ci64(g, L)), ci64(g, 0), k);
	}
}

static void
gen_instr(Gen *g, Ref r)
{
	const Node *nd = &g->f->nodes[r];
	const Instr *in = &nd->i;
	Type t = in->ty, ta = {0}, tb = {0};
	LLVMValueRef a = NULL, b = NULL, v = NULL;
	int nargs = ir_ops[in->op].nargs;

	if (nargs > 0) {
		ta = g->f->nodes[in->arg[0]].i.ty;
		a = get(g, in->arg[0]);
	}
	if (nargs > 1) {
		tb = g->f->nodes[in->arg[1]].i.ty;
		b = get(g, in->arg[1]);
	}
	if (ir_ops[in->op].cls == OC_SAME && (ta.kind != t.kind || (nargs > 1 && tb.kind != t.kind))) {
		ir_error(g->c, nd->loc, "cpu: operands of '%s' differ in kind from its result",
		         ir_ops[in->op].name);
		g->failed = 1;
		return;
	}
	switch (in->op) {
	case OP_CONST:
		v = t.kind == TY_F32 ? cf32(g, (float)in->imm) : ci64(g, ir_num_from_double(in->imm, t));
		break;
	case OP_LOAD: {
		LLVMValueRef cond = preds(g, &in->acc, nd->loc), ld;
		LLVMBasicBlockRef join = NULL;

		if (cond) {
			set(g, r, zero_of(g, t));
			join = begin_if(g, cond);
		}
		ld = set_align(LLVMBuildLoad2(g->b, lty(g, t), elem_ptr(g, &in->acc, nd->loc), ""), t);
		set(g, r, ld);
		if (cond)
			end_if(g, join);
		return;
	}
	case OP_STORE: {
		Type bt = g->f->tensors[in->acc.tensor].ty;
		LLVMValueRef cond = preds(g, &in->acc, nd->loc);
		LLVMBasicBlockRef join = NULL;

		if (bt.kind != ta.kind) {
			ir_error(g->c, nd->loc, "cpu: store of a value of another kind than tensor '%s'",
			         g->f->tensors[in->acc.tensor].name);
			g->failed = 1;
			return;
		}
		if (cond)
			join = begin_if(g, cond);
		set_align(LLVMBuildStore(g->b, a, elem_ptr(g, &in->acc, nd->loc)), bt);
		if (cond)
			end_if(g, join);
		return;
	}
	case OP_RESULT:
		return;
	case OP_ADD:
		v = t.kind == TY_F32 ? LLVMBuildFAdd(g->b, a, b, "") : fx_addsub(g, 0, a, b, t);
		break;
	case OP_SUB:
		v = t.kind == TY_F32 ? LLVMBuildFSub(g->b, a, b, "") : fx_addsub(g, 1, a, b, t);
		break;
	case OP_NEG:
		v = t.kind == TY_F32 ? LLVMBuildFNeg(g->b, a, "") : fx_addsub(g, 1, ci64(g, 0), a, t);
		break;
	case OP_MAX:
	case OP_MIN: {
		LLVMValueRef args[2] = {a, b};

		if (t.kind == TY_F32)
			v = call(g, in->op == OP_MAX ? "cpu_rt_fmaxf" : "cpu_rt_fminf", args, 2);
		else
			v = sel(g, icmp(g, in->op == OP_MAX ? LLVMIntSGT : LLVMIntSLT, a, b), a, b);
		break;
	}
	case OP_MUL:
		if (t.kind == TY_F32 && ta.kind == TY_F32 && tb.kind == TY_F32 && g->contract[r]) {
			LLVMValueRef args[2] = {a, b};

			v = call(g, "rnnc.fmul.contract", args, 2);
		} else if (t.kind == TY_F32 && ta.kind == TY_F32 && tb.kind == TY_F32)
			v = LLVMBuildFMul(g->b, a, b, "");
		else if (t.kind == TY_FIX && ta.kind == TY_FIX && tb.kind == TY_FIX)
			v = fx_mul(g, a, ta, b, tb, t);
		else {
			ir_error(g->c, nd->loc, "cpu: mul of mixed kinds");
			g->failed = 1;
			return;
		}
		break;
	case OP_CAST:
		v = do_cast(g, a, ta, t);
		break;
	case OP_SIGMOID:
	case OP_TANH: {
		LLVMValueRef d = to_double(g, a, ta);

		d = call(g, in->op == OP_SIGMOID ? "cpu_rt_sigmoid" : "cpu_rt_tanh", &d, 1);
		v = from_double(g, d, t);
		break;
	}
	case OP_LUT: {
		const Tensor *tab = &g->f->tensors[in->acc.tensor];
		LLVMValueRef k = lut_index(g, a, ta, tab), p;

		p = LLVMBuildInBoundsGEP2(g->b, lty(g, tab->ty), g->base[in->acc.tensor], &k, 1, "");
		v = set_align(LLVMBuildLoad2(g->b, lty(g, tab->ty), p, ""), tab->ty);
		break;
	}
	default:
		ir_error(g->c, nd->loc, "cpu: unknown op %d", (int)in->op);
		g->failed = 1;
		return;
	}
	set(g, r, v);
}

static void gen_block(Gen *g, const Block *blk);

/* Loop metadata asking the vectorizer to interleave `count` copies of a reassociable reduction,
 * so that the sums of several results do not wait on one chain of additions each. */
static void
set_interleave(Gen *g, LLVMValueRef br, unsigned count)
{
	static const char key[] = "llvm.loop.interleave.count";
	LLVMMetadataRef tmp = LLVMTemporaryMDNode(g->cx, NULL, 0), opt[2], ops[2], id;

	opt[0] = LLVMMDStringInContext2(g->cx, key, sizeof key - 1);
	opt[1] = LLVMValueAsMetadata(LLVMConstInt(g->i32, count, 0));
	ops[0] = tmp;
	ops[1] = LLVMMDNodeInContext2(g->cx, opt, 2);
	id = LLVMMDNodeInContext2(g->cx, ops, 2);
	LLVMMetadataReplaceAllUsesWith(tmp, id);  /* the loop ID refers to itself */
	LLVMSetMetadata(br, LLVMGetMDKindIDInContext(g->cx, "llvm.loop", 9),
	                LLVMMetadataAsValue(g->cx, id));
}

static void
gen_loop(Gen *g, Ref r)
{
	const Loop *l = &g->f->nodes[r].l;
	LLVMValueRef acc[IR_MAXRES], ovf[IR_MAXRES];
	Type rt[IR_MAXRES];
	int k;

	for (k = 0; k < l->nres; k++) {
		rt[k] = g->f->nodes[l->res[k]].i.ty;
		acc[k] = new_slot(g, lty(g, rt[k]), zero_of(g, rt[k]));
		ovf[k] = rt[k].kind == TY_FIX ? new_slot(g, g->i64, ci64(g, 0)) : NULL;
		/* zero again each time the loop starts */
		LLVMBuildStore(g->b, zero_of(g, rt[k]), acc[k]);
		if (ovf[k])
			LLVMBuildStore(g->b, ci64(g, 0), ovf[k]);
	}
	if (l->extent > 0) {
		LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
		LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(g->cx, g->fn, l->var);
		LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->cx, g->fn, "exit");
		LLVMBasicBlockRef latch;
		LLVMValueRef phi, next, br;
		int nf32 = 0;

		for (k = 0; k < l->nres; k++)
			nf32 += rt[k].kind == TY_F32;
		LLVMBuildBr(g->b, body);
		LLVMPositionBuilderAtEnd(g->b, body);
		phi = LLVMBuildPhi(g->b, g->i64, l->var);
		g->var[r] = phi;
		gen_block(g, &l->body);
		if (l->kind == LOOP_REDUCE) {
			for (k = 0; k < l->nres; k++) {
				Type yt = g->f->nodes[l->yield[k]].i.ty;
				LLVMValueRef y = get(g, l->yield[k]);
				LLVMValueRef s = LLVMBuildLoad2(g->b, lty(g, rt[k]), acc[k], "");

				if (yt.kind != rt[k].kind) {
					ir_error(g->c, g->f->nodes[r].loc, "cpu: reduce of loop '%s' sums a "
					         "value of another kind than its result", l->var);
					g->failed = 1;
					return;
				}
				if (rt[k].kind == TY_F32) {
					if (g->o.fast_reduce) {
						LLVMValueRef args[2] = {s, y};

						s = call(g, "rnnc.fadd.reassoc", args, 2);
					} else {
						s = LLVMBuildFAdd(g->b, s, y, "");
					}
				} else {
					LLVMValueRef args[2] = {s, y};
					LLVMValueRef sum = call(g, "llvm.sadd.with.overflow.i64", args, 2);
					LLVMValueRef ov = LLVMBuildExtractValue(g->b, sum, 1, "");
					LLVMValueRef o = LLVMBuildLoad2(g->b, g->i64, ovf[k], "");
					LLVMValueRef dir = sel(g, icmp(g, LLVMIntSLT, y, ci64(g, 0)), ci64(g, -1),
					                       ci64(g, 1));

					LLVMBuildStore(g->b, sel(g, ov, dir, o), ovf[k]);
					s = LLVMBuildExtractValue(g->b, sum, 0, "");
				}
				LLVMBuildStore(g->b, s, acc[k]);
			}
		}
		next = LLVMBuildNUWAdd(g->b, phi, ci64(g, 1), "");
		latch = LLVMGetInsertBlock(g->b);
		br = LLVMBuildCondBr(g->b, icmp(g, LLVMIntSLT, next, ci64(g, l->extent)), body, exit);
		if (l->kind == LOOP_REDUCE && g->o.fast_reduce && nf32 > 0 && nf32 <= 4)
			set_interleave(g, br, nf32 <= 2 ? 4 : 2);
		LLVMAddIncoming(phi, (LLVMValueRef[]){ci64(g, 0)}, &pre, 1);
		LLVMAddIncoming(phi, &next, &latch, 1);
		LLVMPositionBuilderAtEnd(g->b, exit);
		g->var[r] = NULL;
	}
	for (k = 0; k < l->nres; k++) {
		LLVMValueRef s = LLVMBuildLoad2(g->b, lty(g, rt[k]), acc[k], "");

		if (rt[k].kind == TY_FIX) {
			LLVMValueRef o = LLVMBuildLoad2(g->b, g->i64, ovf[k], "");
			LLVMValueRef edge = sel(g, icmp(g, LLVMIntSLT, o, ci64(g, 0)),
			                        ci64(g, ir_fix_min(rt[k])), ci64(g, ir_fix_max(rt[k])));

			s = sel(g, icmp(g, LLVMIntNE, o, ci64(g, 0)), edge, fx_sat(g, s, rt[k]));
		}
		set(g, l->res[k], s);
	}
}

static void
gen_block(Gen *g, const Block *blk)
{
	int i;

	for (i = 0; i < blk->len && !g->failed; i++) {
		Ref r = blk->n[i];

		if (g->f->nodes[r].kind == N_LOOP)
			gen_loop(g, r);
		else
			gen_instr(g, r);
	}
}

/* ---- static checks ---- */

/* Every unpredicated access must stay in bounds for all values of its loops. */
static int
check_bounds(Ctx *c, const Func *f)
{
	int errs = 0;
	Ref r;

	for (r = 1; r < f->nnodes; r++) {
		const Node *nd = &f->nodes[r];
		const Access *a;
		const Tensor *t;
		int d, i;

		if (nd->kind != N_INSTR || (nd->i.op != OP_LOAD && nd->i.op != OP_STORE &&
		                            nd->i.op != OP_LUT))
			continue;
		a = &nd->i.acc;
		if (a->tensor < 0 || a->tensor >= f->ntensors) {
			ir_error(c, nd->loc, "cpu: access to tensor %d, which does not exist", a->tensor);
			errs++;
			continue;
		}
		t = &f->tensors[a->tensor];
		if (nd->i.op == OP_LUT) {
			if (t->ndim != 1 || t->dim[0] < 1) {
				ir_error(c, nd->loc, "cpu: LUT '%s' is not a non-empty vector", t->name);
				errs++;
			}
			continue;
		}
		if (a->ndim != t->ndim) {
			ir_error(c, nd->loc, "cpu: access to '%s' with %d indices", t->name, a->ndim);
			errs++;
			continue;
		}
		if (a->npred)
			continue;
		for (d = 0; d < a->ndim; d++) {
			int64_t lo = a->idx[d].c, hi = a->idx[d].c;

			for (i = 0; i < a->idx[d].nterm; i++) {
				int64_t k = a->idx[d].t[i].coef;
				int64_t e = f->nodes[a->idx[d].t[i].loop].l.extent - 1;

				if (e < 0)
					e = 0;
				lo += k < 0 ? k * e : 0;
				hi += k > 0 ? k * e : 0;
			}
			if (lo < 0 || hi >= t->dim[d]) {
				ir_error(c, nd->loc, "cpu: index %d of tensor '%s' ranges over %lld..%lld, "
				         "outside 0..%d", d, t->name, (long long)lo, (long long)hi,
				         t->dim[d] - 1);
				errs++;
				break;
			}
		}
	}
	return errs;
}

/* ---- modules, target machines, the JIT ----------------------------------------------------- */

static char *
kernel_name(const Func *f)
{
	const char *n = f->name ? f->name : "kernel";
	size_t len = strlen(n), i;
	char *s = malloc(len + 6);

	if (!s)
		IR_BUG("out of memory");
	memcpy(s, "rnnc_", 5);
	for (i = 0; i < len; i++) {
		char ch = n[i];

		s[5 + i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		           (ch >= '0' && ch <= '9') || ch == '_' ? ch : '_';
	}
	s[5 + len] = 0;
	return s;
}

static void
init_llvm(void)
{
	LLVMInitializeNativeTarget();
	LLVMInitializeNativeAsmPrinter();
}

/* A target machine for the host CPU; NULL after reporting an error. */
static LLVMTargetMachineRef
host_tm(Ctx *c, const Func *f, int opt, LLVMRelocMode reloc)
{
	char *triple = LLVMGetDefaultTargetTriple(), *cpu = LLVMGetHostCPUName();
	char *feat = LLVMGetHostCPUFeatures(), *msg = NULL;
	LLVMTargetRef target;
	LLVMTargetMachineRef tm = NULL;
	LLVMCodeGenOptLevel lvl = opt <= 0 ? LLVMCodeGenLevelNone : opt == 1 ? LLVMCodeGenLevelLess
	                          : opt == 2 ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelAggressive;

	if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
		ir_error(c, f->loc, "cpu: no LLVM target for '%s': %s", triple, msg);
		LLVMDisposeMessage(msg);
	} else {
		tm = LLVMCreateTargetMachine(target, triple, cpu, feat, lvl, reloc, LLVMCodeModelDefault);
		if (!tm)
			ir_error(c, f->loc, "cpu: cannot create a target machine for '%s'", triple);
	}
	LLVMDisposeMessage(triple);
	LLVMDisposeMessage(cpu);
	LLVMDisposeMessage(feat);
	return tm;
}

/* Builds, verifies and optimizes the module of f in cx; NULL after reporting an error. */
static LLVMModuleRef
build_module(Ctx *c, const Func *f, const CpuOptions *o, LLVMContextRef cx,
             LLVMTargetMachineRef tm, const char *name)
{
	Gen g;
	LLVMMemoryBufferRef mb;
	LLVMModuleRef m = NULL;
	LLVMTypeRef *ptys, kty, bty;
	LLVMValueRef kern, *args;
	LLVMBasicBlockRef entry, start;
	LLVMTargetDataRef td;
	LLVMPassBuilderOptionsRef po;
	LLVMErrorRef err;
	char *msg = NULL, *triple, passes[32];
	int i, nt = f->ntensors;

	if (check_bounds(c, f))
		return NULL;
	mb = LLVMCreateMemoryBufferWithMemoryRange(prelude, sizeof prelude - 1, "prelude", 0);
	if (LLVMParseIRInContext(cx, mb, &m, &msg)) {  /* takes mb */
		ir_error(c, f->loc, "cpu: internal error in the prelude: %s", msg);
		LLVMDisposeMessage(msg);
		return NULL;
	}
	triple = LLVMGetTargetMachineTriple(tm);
	LLVMSetTarget(m, triple);
	LLVMDisposeMessage(triple);
	td = LLVMCreateTargetDataLayout(tm);
	LLVMSetModuleDataLayout(m, td);
	LLVMDisposeTargetData(td);

	memset(&g, 0, sizeof g);
	g.c = c;
	g.f = f;
	g.o = o ? *o : cpu_options_default();
	g.cx = cx;
	g.m = m;
	g.i1 = LLVMInt1TypeInContext(cx);
	g.i32 = LLVMInt32TypeInContext(cx);
	g.i64 = LLVMInt64TypeInContext(cx);
	g.f32 = LLVMFloatTypeInContext(cx);
	g.f64 = LLVMDoubleTypeInContext(cx);
	g.ptr = LLVMPointerType(LLVMInt8TypeInContext(cx), 0);
	g.vd = LLVMVoidTypeInContext(cx);

	/* the body: internal, one noalias pointer per tensor */
	ptys = calloc((size_t)nt + 1, sizeof *ptys);
	args = calloc((size_t)nt + 1, sizeof *args);
	g.base = calloc((size_t)nt + 1, sizeof *g.base);
	g.slot = calloc((size_t)f->nnodes, sizeof *g.slot);
	g.var = calloc((size_t)f->nnodes, sizeof *g.var);
	g.contract = calloc((size_t)f->nnodes, 1);
	if (!ptys || !args || !g.base || !g.slot || !g.var || !g.contract)
		IR_BUG("out of memory");
	for (i = 1; g.o.fast_reduce && i < f->nnodes; i++) {
		const Loop *l = &f->nodes[i].l;
		int k;

		if (f->nodes[i].kind != N_LOOP || l->kind != LOOP_REDUCE)
			continue;
		for (k = 0; k < l->nres; k++) {
			const Node *y = &f->nodes[l->yield[k]];

			if (y->kind == N_INSTR && y->i.op == OP_MUL && y->i.ty.kind == TY_F32)
				g.contract[l->yield[k]] = 1;
		}
	}
	for (i = 0; i < nt; i++)
		ptys[i] = g.ptr;
	bty = LLVMFunctionType(g.vd, ptys, (unsigned)nt, 0);
	g.fn = LLVMAddFunction(m, "rnnc.body", bty);
	LLVMSetLinkage(g.fn, LLVMInternalLinkage);
	{
		unsigned kna = LLVMGetEnumAttributeKindForName("noalias", 7);
		unsigned kai = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
		unsigned knu = LLVMGetEnumAttributeKindForName("nounwind", 8);

		for (i = 0; i < nt; i++)
			LLVMAddAttributeAtIndex(g.fn, (unsigned)i + 1, LLVMCreateEnumAttribute(cx, kna, 0));
		LLVMAddAttributeAtIndex(g.fn, LLVMAttributeFunctionIndex,
		                        LLVMCreateEnumAttribute(cx, kai, 0));
		LLVMAddAttributeAtIndex(g.fn, LLVMAttributeFunctionIndex,
		                        LLVMCreateEnumAttribute(cx, knu, 0));
	}
	for (i = 0; i < nt; i++)
		g.base[i] = LLVMGetParam(g.fn, (unsigned)i);
	entry = LLVMAppendBasicBlockInContext(cx, g.fn, "entry");
	start = LLVMAppendBasicBlockInContext(cx, g.fn, "start");
	g.ab = LLVMCreateBuilderInContext(cx);
	g.b = LLVMCreateBuilderInContext(cx);
	LLVMPositionBuilderAtEnd(g.b, entry);
	LLVMPositionBuilderBefore(g.ab, LLVMBuildBr(g.b, start));
	LLVMPositionBuilderAtEnd(g.b, start);
	gen_block(&g, &f->body);
	LLVMBuildRetVoid(g.b);

	/* the exported kernel */
	kty = LLVMFunctionType(g.vd, &g.ptr, 1, 0);
	kern = LLVMAddFunction(m, name, kty);
	LLVMPositionBuilderAtEnd(g.b, LLVMAppendBasicBlockInContext(cx, kern, "entry"));
	for (i = 0; i < nt; i++) {
		LLVMValueRef ix = LLVMConstInt(g.i64, (unsigned long long)i, 0);
		LLVMValueRef p = LLVMBuildInBoundsGEP2(g.b, g.ptr, LLVMGetParam(kern, 0), &ix, 1, "");

		args[i] = LLVMBuildLoad2(g.b, g.ptr, p, "");
	}
	LLVMBuildCall2(g.b, bty, g.fn, args, (unsigned)nt, "");
	LLVMBuildRetVoid(g.b);

	LLVMDisposeBuilder(g.b);
	LLVMDisposeBuilder(g.ab);
	free(ptys);
	free(args);
	free(g.base);
	free(g.slot);
	free(g.var);
	free(g.contract);
	if (g.failed) {
		LLVMDisposeModule(m);
		return NULL;
	}
	if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
		ir_error(c, f->loc, "cpu: the generated LLVM module is invalid: %s", msg);
		LLVMDisposeMessage(msg);
		LLVMDisposeModule(m);
		return NULL;
	}
	LLVMDisposeMessage(msg);
	snprintf(passes, sizeof passes, "default<O%d>", g.o.opt_level < 0 ? 0 :
	         g.o.opt_level > 3 ? 3 : g.o.opt_level);
	po = LLVMCreatePassBuilderOptions();
	LLVMPassBuilderOptionsSetLoopVectorization(po, g.o.opt_level >= 2);
	LLVMPassBuilderOptionsSetSLPVectorization(po, g.o.opt_level >= 2);
	LLVMPassBuilderOptionsSetLoopInterleaving(po, g.o.opt_level >= 2);
	err = LLVMRunPasses(m, passes, tm, po);
	LLVMDisposePassBuilderOptions(po);
	if (err) {
		char *s = LLVMGetErrorMessage(err);

		ir_error(c, f->loc, "cpu: LLVM passes failed: %s", s);
		LLVMDisposeErrorMessage(s);
		LLVMDisposeModule(m);
		return NULL;
	}
	return m;
}

static int
opt_of(const CpuOptions *o)
{
	return o ? o->opt_level : 3;
}

struct CpuJit {
	const Func *f;
	LLVMOrcLLJITRef jit;
	CpuKernel kern;
};

static void
report_err(Ctx *c, const Func *f, const char *what, LLVMErrorRef e)
{
	char *s = LLVMGetErrorMessage(e);

	ir_error(c, f->loc, "cpu: %s: %s", what, s);
	LLVMDisposeErrorMessage(s);
}

CpuJit *
cpu_jit_new(Ctx *c, const Func *f, const CpuOptions *o)
{
	LLVMOrcThreadSafeContextRef tsc;
	LLVMTargetMachineRef tm, jtm;
	LLVMModuleRef m;
	LLVMOrcLLJITBuilderRef jb;
	LLVMOrcLLJITRef jit = NULL;
	LLVMOrcJITDylibRef jd;
	LLVMOrcDefinitionGeneratorRef gen = NULL;
	LLVMOrcCSymbolMapPairs pairs;
	LLVMOrcExecutorAddress addr = 0;
	LLVMErrorRef err;
	CpuJit *j;
	char *name;
	static const char *const names[4] = {"cpu_rt_sigmoid", "cpu_rt_tanh", "cpu_rt_fmaxf",
	                                     "cpu_rt_fminf"};
	uintptr_t fns[4];
	int i;

	fns[0] = (uintptr_t)&cpu_rt_sigmoid;
	fns[1] = (uintptr_t)&cpu_rt_tanh;
	fns[2] = (uintptr_t)&cpu_rt_fmaxf;
	fns[3] = (uintptr_t)&cpu_rt_fminf;
	init_llvm();
	if (!(tm = host_tm(c, f, opt_of(o), LLVMRelocDefault)))
		return NULL;
	if (!(jtm = host_tm(c, f, opt_of(o), LLVMRelocDefault))) {
		LLVMDisposeTargetMachine(tm);
		return NULL;
	}
	name = kernel_name(f);
	tsc = LLVMOrcCreateNewThreadSafeContext();
	m = build_module(c, f, o, LLVMOrcThreadSafeContextGetContext(tsc), tm, name);
	LLVMDisposeTargetMachine(tm);
	if (!m) {
		LLVMDisposeTargetMachine(jtm);
		LLVMOrcDisposeThreadSafeContext(tsc);
		free(name);
		return NULL;
	}
	jb = LLVMOrcCreateLLJITBuilder();
	LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
		jb, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(jtm));
	if ((err = LLVMOrcCreateLLJIT(&jit, jb))) {  /* takes jb */
		report_err(c, f, "cannot create the JIT", err);
		goto fail;
	}
	jd = LLVMOrcLLJITGetMainJITDylib(jit);
	pairs = calloc(4, sizeof *pairs);
	if (!pairs)
		IR_BUG("out of memory");
	for (i = 0; i < 4; i++) {
		pairs[i].Name = LLVMOrcLLJITMangleAndIntern(jit, names[i]);
		pairs[i].Sym.Address = fns[i];
		pairs[i].Sym.Flags.GenericFlags =
			LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
		pairs[i].Sym.Flags.TargetFlags = 0;
	}
	err = LLVMOrcJITDylibDefine(jd, LLVMOrcAbsoluteSymbols(pairs, 4));
	free(pairs);
	if (err) {
		report_err(c, f, "cannot define the run-time helpers", err);
		goto fail;
	}
	/* libm and libc, for whatever the code generator calls (floor on old CPUs, say) */
	if ((err = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
		     &gen, LLVMOrcLLJITGetGlobalPrefix(jit), NULL, NULL))) {
		report_err(c, f, "cannot search the process for symbols", err);
		goto fail;
	}
	LLVMOrcJITDylibAddGenerator(jd, gen);
	err = LLVMOrcLLJITAddLLVMIRModule(jit, jd, LLVMOrcCreateNewThreadSafeModule(m, tsc));
	m = NULL;
	if (err) {
		report_err(c, f, "cannot add the module", err);
		goto fail;
	}
	if ((err = LLVMOrcLLJITLookup(jit, &addr, name))) {
		report_err(c, f, "cannot compile the kernel", err);
		goto fail;
	}
	LLVMOrcDisposeThreadSafeContext(tsc);
	free(name);
	j = calloc(1, sizeof *j);
	if (!j)
		IR_BUG("out of memory");
	j->f = f;
	j->jit = jit;
	j->kern = (CpuKernel)(uintptr_t)addr;
	return j;
fail:
	if (m)
		LLVMDisposeModule(m);
	if (jit)
		LLVMOrcDisposeLLJIT(jit);
	LLVMOrcDisposeThreadSafeContext(tsc);
	free(name);
	return NULL;
}

CpuKernel
cpu_jit_kernel(const CpuJit *j)
{
	return j->kern;
}

int
cpu_jit_run(CpuJit *j, Memory *m)
{
	const Func *f = j->f;
	void **bufs;
	int i;

	if (m->n != f->ntensors) {
		ir_error(f->c, f->loc, "cpu: memory of %d buffers for a function of %d tensors", m->n,
		         f->ntensors);
		return -1;
	}
	for (i = 0; i < f->ntensors; i++) {
		if (!ir_type_eq(m->buf[i].ty, f->tensors[i].ty) ||
		    m->buf[i].n != ir_tensor_elems(&f->tensors[i])) {
			ir_error(f->c, f->tensors[i].loc, "cpu: the buffer of tensor '%s' does not match "
			         "it", f->tensors[i].name);
			return -1;
		}
	}
	bufs = calloc((size_t)f->ntensors + 1, sizeof *bufs);
	if (!bufs)
		IR_BUG("out of memory");
	for (i = 0; i < f->ntensors; i++)
		bufs[i] = m->buf[i].ty.kind == TY_F32 ? (void *)m->buf[i].f : (void *)m->buf[i].q;
	j->kern(bufs);
	free(bufs);
	return 0;
}

void
cpu_jit_free(CpuJit *j)
{
	if (!j)
		return;
	LLVMOrcDisposeLLJIT(j->jit);
	free(j);
}

/* ---- object files, headers, printing ------------------------------------------------------- */

int
cpu_emit_object(Ctx *c, const Func *f, const char *path)
{
	CpuOptions o = cpu_options_default();
	LLVMContextRef cx;
	LLVMTargetMachineRef tm;
	LLVMModuleRef m;
	char *name, *msg = NULL;
	int rc = 0;

	init_llvm();
	if (!(tm = host_tm(c, f, o.opt_level, LLVMRelocPIC)))
		return -1;
	cx = LLVMContextCreate();
	name = kernel_name(f);
	m = build_module(c, f, &o, cx, tm, name);
	if (!m) {
		rc = -1;
	} else if (LLVMTargetMachineEmitToFile(tm, m, path, LLVMObjectFile, &msg)) {
		ir_error(c, f->loc, "cpu: cannot write '%s': %s", path, msg);
		LLVMDisposeMessage(msg);
		rc = -1;
	}
	if (m)
		LLVMDisposeModule(m);
	free(name);
	LLVMContextDispose(cx);
	LLVMDisposeTargetMachine(tm);
	return rc;
}

void
cpu_emit_header(const Func *f, FILE *out)
{
	char *name = kernel_name(f), tb[IR_TYPE_STR];
	int i, d;

	fprintf(out, "/* rnnc kernel for '%s'. bufs[i] points at tensor i, row-major:\n"
	             " * float for f32, int64_t raw integers for fixed point (value = raw / 2^frac).\n"
	             " * Link with librnnc (the kernel calls its cpu_rt_* helpers). */\n",
	        f->name ? f->name : "");
	fprintf(out, "#include <stdint.h>\n\n");
	for (i = 0; i < f->ntensors; i++) {
		const Tensor *t = &f->tensors[i];

		fprintf(out, "/* bufs[%d]: %s %s %s [", i, t->name, ir_type_str(t->ty, tb),
		        ir_role_name(t->role));
		for (d = 0; d < t->ndim; d++)
			fprintf(out, "%s%d", d ? "][" : "", t->dim[d]);
		fprintf(out, "] */\n");
	}
	fprintf(out, "void %s(void **bufs);\n", name);
	free(name);
}

int
cpu_print_ir(Ctx *c, const Func *f, const CpuOptions *o, FILE *out)
{
	LLVMContextRef cx;
	LLVMTargetMachineRef tm;
	LLVMModuleRef m;
	char *name, *s;

	init_llvm();
	if (!(tm = host_tm(c, f, opt_of(o), LLVMRelocDefault)))
		return -1;
	cx = LLVMContextCreate();
	name = kernel_name(f);
	m = build_module(c, f, o, cx, tm, name);
	if (m) {
		s = LLVMPrintModuleToString(m);
		fputs(s, out);
		LLVMDisposeMessage(s);
		LLVMDisposeModule(m);
	}
	free(name);
	LLVMContextDispose(cx);
	LLVMDisposeTargetMachine(tm);
	return m ? 0 : -1;
}
