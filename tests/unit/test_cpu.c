/* Unit tests of the LLVM model (cpu/jit.c) and the OpenBLAS reference (cpu/blasref.c).
 *
 * Every IR function here is built by hand. The interpreter is the oracle: the JIT must give
 * bit-identical tensors in fixed point and in exact f32 mode, and agree within 1e-5 relative when
 * f32 reductions may be reordered. Whole cells are also checked against OpenBLAS. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "cpu/blasref.h"
#include "cpu/cpu.h"
#include "ir/exec.h"
#include "ir/ir.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static Init
irand(uint64_t seed, double lo, double hi)
{
	Init in = {0};

	in.kind = INIT_RAND;
	in.seed = seed;
	in.lo = lo;
	in.hi = hi;
	return in;
}

static Init
izero(void)
{
	Init in = {0};

	in.kind = INIT_ZERO;
	return in;
}

static Init
ilut(MathFn fn, double lo, double hi)
{
	Init in = {0};

	in.kind = INIT_LUT;
	in.fn = fn;
	in.lo = lo;
	in.hi = hi;
	return in;
}

static int
tensor(Func *f, const char *name, Type ty, Role role, int ndim, int32_t d0, int32_t d1, int32_t d2,
       Init in)
{
	int32_t dim[3] = {d0, d1, d2};

	return ir_add_tensor(f, name, ty, MEM_DRAM, role, ndim, dim, in);
}

static Affine
V(Ref loop)
{
	return ir_aff_var(loop);
}

static Affine
K(int64_t c)
{
	return ir_aff_const(c);
}

static Affine
A(Affine a, Affine b)
{
	return ir_aff_add(a, b);
}

static Access
acc1(const Func *f, int t, Affine i0)
{
	return ir_access(f, t, &i0);
}

static Access
acc2(const Func *f, int t, Affine i0, Affine i1)
{
	Affine idx[2] = {i0, i1};

	return ir_access(f, t, idx);
}

static Access
acc3(const Func *f, int t, Affine i0, Affine i1, Affine i2)
{
	Affine idx[3] = {i0, i1, i2};

	return ir_access(f, t, idx);
}

static void
dump_diags(Ctx *c)
{
	if (c->nerrors)
		ir_print_diags(c, stderr);
}

/* Runs f in the interpreter and in the JIT (options o) on memories of their own, and compares
 * every tensor: bit for bit when tol is 0, else within tol relative. Returns the number of
 * tensors that differ, or -1 when something could not run. */
static int
check_jit(Func *f, const CpuOptions *o, double tol)
{
	Memory mi, mj;
	CpuJit *j;
	int t, bad = 0;

	if (ir_mem_init(f, &mi) != 0)
		return -1;
	if (ir_mem_init(f, &mj) != 0) {
		ir_mem_free(&mi);
		return -1;
	}
	j = cpu_jit_new(f->c, f, o);
	if (!j) {
		dump_diags(f->c);
		ir_mem_free(&mi);
		ir_mem_free(&mj);
		return -1;
	}
	if (ir_interp(f, &mi) != 0 || cpu_jit_run(j, &mj) != 0) {
		dump_diags(f->c);
		bad = -1;
	}
	for (t = 0; t < f->ntensors && bad >= 0; t++) {
		Diff d;

		if (ir_compare(f, &mi, f, &mj, f->tensors[t].name, &d) != 0) {
			bad = -1;
			break;
		}
		if (tol == 0 ? d.differ != 0 : !(d.max_rel <= tol)) {
			fprintf(stderr, "%s: tensor '%s': %lld of %lld differ, max_rel %g\n", f->name,
			        f->tensors[t].name, (long long)d.differ, (long long)d.n, d.max_rel);
			bad++;
		}
	}
	cpu_jit_free(j);
	ir_mem_free(&mi);
	ir_mem_free(&mj);
	return bad;
}

static int
check_exact(Func *f)
{
	CpuOptions o = cpu_options_default();

	return check_jit(f, &o, 0);
}

/* out[i] = op(a[i], b[i]) over n elements, in the given types; the inputs are random in
 * [lo, hi) (past the range of a small fixed-point type, so that they saturate). */
static Func *
ew_func(Ctx *c, Op op, Type ta, Type tb, Type tr, int n, double lo, double hi, uint64_t seed)
{
	Func *f = ir_func_new(c, ir_ops[op].name);
	Builder b = {f, 0, {0}};
	int a_ = tensor(f, "a", ta, ROLE_INPUT, 1, n, 0, 0, irand(seed, lo, hi));
	int b_ = tensor(f, "b", tb, ROLE_INPUT, 1, n, 0, 0, irand(seed + 100, lo, hi));
	int o_ = tensor(f, "out", tr, ROLE_OUTPUT, 1, n, 0, 0, izero());
	Ref li = ir_b_loop(&b, LOOP_FOREACH, "i", n), x, y, v;

	b.at = li;
	x = ir_b_load(&b, acc1(f, a_, V(li)));
	y = ir_b_load(&b, acc1(f, b_, V(li)));
	v = ir_b_op(&b, op, tr, x, ir_ops[op].nargs > 1 ? y : 0);
	ir_b_store(&b, acc1(f, o_, V(li)), v);
	return f;
}

static void
check_ew(Op op, Type ta, Type tb, Type tr, double lo, double hi)
{
	Ctx c;
	char s1[IR_TYPE_STR], s2[IR_TYPE_STR], s3[IR_TYPE_STR];
	int rc;

	ir_ctx_init(&c);
	rc = check_exact(ew_func(&c, op, ta, tb, tr, 517, lo, hi, 11));
	if (rc != 0)
		fprintf(stderr, "op %s %s %s -> %s: %d\n", ir_ops[op].name, ir_type_str(ta, s1),
		        ir_type_str(tb, s2), ir_type_str(tr, s3), rc);
	CU_ASSERT_EQUAL(rc, 0);
	ir_ctx_free(&c);
}

static const Op same_ops[] = {OP_ADD, OP_SUB, OP_MAX, OP_MIN, OP_NEG, OP_MUL};

static void
check_same_type(Type t, double lo, double hi)
{
	size_t i;

	for (i = 0; i < sizeof same_ops / sizeof *same_ops; i++)
		check_ew(same_ops[i], t, t, t, lo, hi);
}

/* ---- elementwise ops --------------------------------------------------------------------- */

static void
test_f32_ops(void)
{
	check_same_type(ir_f32(), -4, 4);
	check_ew(OP_SIGMOID, ir_f32(), ir_f32(), ir_f32(), -12, 12);
	check_ew(OP_TANH, ir_f32(), ir_f32(), ir_f32(), -6, 6);
	check_ew(OP_CAST, ir_f32(), ir_f32(), ir_f32(), -6, 6);
}

static void
test_s8_6_ops(void)
{
	check_same_type(ir_fix(8, 6), -3, 3);   /* past [-2, 2): inputs and results saturate */
}

static void
test_s16_10_ops(void)
{
	check_same_type(ir_fix(16, 10), -40, 40);
}

static void
test_s32_12_ops(void)
{
	check_same_type(ir_fix(32, 12), -600000, 600000);
	check_same_type(ir_fix(64, 20), -1e12, 1e12);
}

static void
test_mixed_mul(void)
{
	Type s86 = ir_fix(8, 6), s1610 = ir_fix(16, 10), s3212 = ir_fix(32, 12), s164 = ir_fix(16, 4);

	check_ew(OP_MUL, s86, s1610, s3212, -3, 3);
	check_ew(OP_MUL, s1610, s86, s86, -3, 3);
	check_ew(OP_MUL, s1610, s1610, s86, -30, 30);
	check_ew(OP_MUL, s3212, s3212, s1610, -300, 300);
	check_ew(OP_MUL, s86, s86, s164, -2, 2);
	check_ew(OP_MUL, ir_fix(32, 0), ir_fix(32, 0), ir_fix(64, 0), -2.1e9, 2.1e9);
}

static void
test_casts_fix(void)
{
	Type ts[] = {ir_fix(8, 6), ir_fix(16, 10), ir_fix(32, 12), ir_fix(64, 20), ir_fix(16, 0),
	             ir_fix(64, 62), ir_fix(8, 0)};
	size_t i, j;

	for (i = 0; i < sizeof ts / sizeof *ts; i++) {
		for (j = 0; j < sizeof ts / sizeof *ts; j++)
			check_ew(OP_CAST, ts[i], ts[i], ts[j], -300, 300);
	}
}

static void
test_casts_f32(void)
{
	Type ts[] = {ir_fix(8, 6), ir_fix(16, 10), ir_fix(32, 12), ir_fix(64, 20), ir_fix(64, 0)};
	size_t i;

	for (i = 0; i < sizeof ts / sizeof *ts; i++) {
		check_ew(OP_CAST, ir_f32(), ir_f32(), ts[i], -70000, 70000);
		check_ew(OP_CAST, ir_f32(), ir_f32(), ts[i], -3, 3);
		check_ew(OP_CAST, ts[i], ts[i], ir_f32(), -70000, 70000);
	}
	check_ew(OP_CAST, ir_f32(), ir_f32(), ir_fix(64, 0), -3e19, 3e19);
}

/* Values exactly halfway between two representable ones, positive and negative: s16.8 values
 * converted to f32 (exactly) and to s8.6, directly and through f32. */
static void
test_rounding_ties(void)
{
	Ctx c;
	Func *f;
	Builder b;
	int a_, o1, o2, o3;
	Ref li, x, y;

	ir_ctx_init(&c);
	f = ir_func_new(&c, "ties");
	b = (Builder){f, 0, {0}};
	a_ = tensor(f, "a", ir_fix(16, 8), ROLE_INPUT, 1, 400, 0, 0, irand(3, -2.5, 2.5));
	o1 = tensor(f, "direct", ir_fix(8, 6), ROLE_OUTPUT, 1, 400, 0, 0, izero());
	o2 = tensor(f, "viaf32", ir_fix(8, 6), ROLE_OUTPUT, 1, 400, 0, 0, izero());
	o3 = tensor(f, "const", ir_fix(8, 6), ROLE_OUTPUT, 1, 400, 0, 0, izero());
	li = ir_b_loop(&b, LOOP_FOREACH, "i", 400);
	b.at = li;
	x = ir_b_load(&b, acc1(f, a_, V(li)));
	ir_b_store(&b, acc1(f, o1, V(li)), ir_b_op(&b, OP_CAST, ir_fix(8, 6), x, 0));
	y = ir_b_op(&b, OP_CAST, ir_f32(), x, 0);
	ir_b_store(&b, acc1(f, o2, V(li)), ir_b_op(&b, OP_CAST, ir_fix(8, 6), y, 0));
	/* -3/128 is a tie in s8.6; constants go through the same conversion */
	ir_b_store(&b, acc1(f, o3, V(li)),
	           ir_b_op(&b, OP_ADD, ir_fix(8, 6), ir_b_const(&b, ir_fix(8, 6), -3.0 / 128),
	                   ir_b_op(&b, OP_CAST, ir_fix(8, 6), y, 0)));
	CU_ASSERT_EQUAL(check_exact(f), 0);
	{
		/* the input really holds ties */
		Memory m;
		int64_t i, ties = 0;

		CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &m), 0);
		for (i = 0; i < 400; i++)
			ties += (m.buf[a_].q[i] & 3) == 2;
		CU_ASSERT(ties > 20);
		ir_mem_free(&m);
	}
	ir_ctx_free(&c);
}

static void
test_exactfn_fix(void)
{
	Type s86 = ir_fix(8, 6), s1610 = ir_fix(16, 10), s3212 = ir_fix(32, 12);

	check_ew(OP_SIGMOID, s1610, s1610, s1610, -10, 10);
	check_ew(OP_TANH, s1610, s1610, s86, -4, 4);
	check_ew(OP_SIGMOID, ir_f32(), ir_f32(), s86, -6, 6);
	check_ew(OP_TANH, s3212, s3212, ir_f32(), -5, 5);
	check_ew(OP_TANH, ir_f32(), ir_f32(), s3212, -5, 5);
}

/* LUT lookups in f32 and fixed point, inputs past both ends of the table. */
static void
test_lut(void)
{
	Type tys[][2] = {{{TY_F32, 32, 0}, {TY_F32, 32, 0}},
	                 {{TY_FIX, 16, 10}, {TY_FIX, 16, 10}},
	                 {{TY_FIX, 8, 4}, {TY_FIX, 16, 12}},
	                 {{TY_FIX, 32, 12}, {TY_F32, 32, 0}},
	                 {{TY_F32, 32, 0}, {TY_FIX, 8, 6}}};
	size_t k;

	for (k = 0; k < sizeof tys / sizeof *tys; k++) {
		Ctx c;
		Func *f;
		Builder b;
		int a_, ts, tt, o1, o2;
		Ref li, x;

		ir_ctx_init(&c);
		f = ir_func_new(&c, "lut");
		b = (Builder){f, 0, {0}};
		a_ = tensor(f, "a", tys[k][0], ROLE_INPUT, 1, 700, 0, 0, irand(5 + k, -10, 10));
		ts = tensor(f, "lsig", tys[k][1], ROLE_PARAM, 1, 1024, 0, 0, ilut(FN_SIGMOID, -8, 8));
		tt = tensor(f, "ltanh", tys[k][1], ROLE_PARAM, 1, 96, 0, 0, ilut(FN_TANH, -3, 3));
		o1 = tensor(f, "o1", tys[k][1], ROLE_OUTPUT, 1, 700, 0, 0, izero());
		o2 = tensor(f, "o2", tys[k][1], ROLE_OUTPUT, 1, 700, 0, 0, izero());
		li = ir_b_loop(&b, LOOP_FOREACH, "i", 700);
		b.at = li;
		x = ir_b_load(&b, acc1(f, a_, V(li)));
		ir_b_store(&b, acc1(f, o1, V(li)), ir_b_lut(&b, ts, x));
		ir_b_store(&b, acc1(f, o2, V(li)), ir_b_lut(&b, tt, x));
		CU_ASSERT_EQUAL(check_exact(f), 0);
		ir_ctx_free(&c);
	}
}

/* Constants of every kind, including ones that saturate. */
static void
test_consts(void)
{
	Ctx c;
	Func *f;
	Builder b;
	int o1, o2, o3, o4;
	Ref li, k1, k2;

	ir_ctx_init(&c);
	f = ir_func_new(&c, "consts");
	b = (Builder){f, 0, {0}};
	o1 = tensor(f, "o1", ir_f32(), ROLE_OUTPUT, 1, 4, 0, 0, izero());
	o2 = tensor(f, "o2", ir_fix(8, 6), ROLE_OUTPUT, 1, 4, 0, 0, izero());
	o3 = tensor(f, "o3", ir_fix(16, 10), ROLE_OUTPUT, 1, 4, 0, 0, izero());
	o4 = tensor(f, "o4", ir_fix(64, 0), ROLE_OUTPUT, 1, 4, 0, 0, izero());
	li = ir_b_loop(&b, LOOP_FOREACH, "i", 4);
	b.at = li;
	k1 = ir_b_const(&b, ir_f32(), 0.1);
	ir_b_store(&b, acc1(f, o1, V(li)), ir_b_op(&b, OP_MUL, ir_f32(), k1, k1));
	k2 = ir_b_const(&b, ir_fix(8, 6), 5.0);
	ir_b_store(&b, acc1(f, o2, V(li)), ir_b_op(&b, OP_SUB, ir_fix(8, 6), k2,
	                                           ir_b_const(&b, ir_fix(8, 6), -1.3)));
	ir_b_store(&b, acc1(f, o3, V(li)), ir_b_op(&b, OP_MUL, ir_fix(16, 10),
	                                           ir_b_const(&b, ir_fix(16, 10), -0.7), k2));
	ir_b_store(&b, acc1(f, o4, V(li)), ir_b_const(&b, ir_fix(64, 0), -1e30));
	CU_ASSERT_EQUAL(check_exact(f), 0);
	ir_ctx_free(&c);
}

/* ---- loops ------------------------------------------------------------------------------- */

/* out[i] = sum_k a[i,k] * v[k] and sum_k a[i,k]^2 (two results), nested in a seq loop. */
static Func *
matvec(Ctx *c, Type ta, Type tr, int M, int N, double lo, double hi)
{
	Func *f = ir_func_new(c, "matvec");
	Builder b = {f, 0, {0}};
	int a_ = tensor(f, "a", ta, ROLE_PARAM, 2, M, N, 0, irand(21, lo, hi));
	int v_ = tensor(f, "v", ta, ROLE_INPUT, 1, N, 0, 0, irand(22, lo, hi));
	int o1 = tensor(f, "dot", tr, ROLE_OUTPUT, 2, 2, M, 0, izero());
	int o2 = tensor(f, "sq", tr, ROLE_OUTPUT, 2, 2, M, 0, izero());
	Ref lt, li, lk, x, y, r1, r2;

	lt = ir_b_loop(&b, LOOP_SEQ, "t", 2);
	b.at = lt;
	li = ir_b_loop(&b, LOOP_FOREACH, "i", M);
	f->nodes[li].l.par = 4;
	b.at = li;
	lk = ir_b_loop(&b, LOOP_REDUCE, "k", N);
	f->nodes[lk].l.vec = 8;
	b.at = lk;
	x = ir_b_load(&b, acc2(f, a_, V(li), V(lk)));
	y = ir_b_load(&b, acc1(f, v_, V(lk)));
	r1 = ir_b_result(f, lk, tr, ir_b_op(&b, OP_MUL, tr, x, y));
	r2 = ir_b_result(f, lk, tr, ir_b_op(&b, OP_MUL, tr, x, x));
	b.at = li;
	ir_b_store(&b, acc2(f, o1, V(lt), V(li)), r1);
	ir_b_store(&b, acc2(f, o2, V(lt), V(li)), r2);
	return f;
}

static void
test_reduce_f32(void)
{
	Ctx c;
	CpuOptions o = cpu_options_default();

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL(check_exact(matvec(&c, ir_f32(), ir_f32(), 37, 301, -1, 1)), 0);
	o.fast_reduce = 1;
	CU_ASSERT_EQUAL(check_jit(matvec(&c, ir_f32(), ir_f32(), 37, 1001, -1, 1), &o, 1e-5), 0);
	o.opt_level = 0;
	CU_ASSERT_EQUAL(check_jit(matvec(&c, ir_f32(), ir_f32(), 5, 33, -1, 1), &o, 1e-5), 0);
	ir_ctx_free(&c);
}

static void
test_reduce_fix(void)
{
	Ctx c;

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL(check_exact(matvec(&c, ir_fix(8, 6), ir_fix(32, 12), 19, 200, -2, 2)), 0);
	/* the sum saturates once, at the end */
	CU_ASSERT_EQUAL(check_exact(matvec(&c, ir_fix(8, 6), ir_fix(8, 6), 19, 200, -2, 2)), 0);
	CU_ASSERT_EQUAL(check_exact(matvec(&c, ir_fix(16, 10), ir_fix(16, 4), 7, 50, -30, 30)), 0);
	ir_ctx_free(&c);
}

/* A reduce whose 64-bit sum overflows: the interpreter's overflow rule decides the result. */
static void
test_reduce_overflow(void)
{
	Ctx c;
	Func *f;
	Builder b;
	int a_, o_;
	Ref li, lk, x, r1, r2;
	Memory m;

	ir_ctx_init(&c);
	f = ir_func_new(&c, "ovf");
	b = (Builder){f, 0, {0}};
	a_ = tensor(f, "a", ir_fix(64, 0), ROLE_INPUT, 2, 16, 9, 0, irand(31, -9e18, 9e18));
	o_ = tensor(f, "out", ir_fix(64, 0), ROLE_OUTPUT, 2, 16, 2, 0, izero());
	li = ir_b_loop(&b, LOOP_FOREACH, "i", 16);
	b.at = li;
	lk = ir_b_loop(&b, LOOP_REDUCE, "k", 9);
	b.at = lk;
	x = ir_b_load(&b, acc2(f, a_, V(li), V(lk)));
	r1 = ir_b_result(f, lk, ir_fix(64, 0), x);
	r2 = ir_b_result(f, lk, ir_fix(32, 0), ir_b_op(&b, OP_CAST, ir_fix(32, 0), x, 0));
	b.at = li;
	ir_b_store(&b, acc2(f, o_, V(li), K(0)), r1);
	ir_b_store(&b, acc2(f, o_, V(li), K(1)), ir_b_op(&b, OP_CAST, ir_fix(64, 0), r2, 0));
	CU_ASSERT_EQUAL(check_exact(f), 0);
	/* some rows do overflow */
	CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &m), 0);
	CU_ASSERT_EQUAL(ir_interp(f, &m), 0);
	{
		int64_t i, edge = 0;

		for (i = 0; i < 16; i++)
			edge += m.buf[o_].q[2 * i] == INT64_MAX || m.buf[o_].q[2 * i] == INT64_MIN;
		CU_ASSERT(edge > 0);
	}
	ir_mem_free(&m);
	ir_ctx_free(&c);
}

/* A tiled loop whose tile does not divide the range: predicated loads and stores in the tail,
 * and a reduction split between two halves with PRED_LT / PRED_GE. */
static void
test_predicated(void)
{
	Type tys[] = {{TY_F32, 32, 0}, {TY_FIX, 16, 10}};
	size_t k;

	for (k = 0; k < 2; k++) {
		Ctx c;
		Func *f;
		Builder b;
		int a_, v_, o_, s_;
		Ref lo, li, lr, x, y, r1, r2;
		Affine row;
		Access ac;
		Type t = tys[k];

		ir_ctx_init(&c);
		f = ir_func_new(&c, "pred");
		b = (Builder){f, 0, {0}};
		a_ = tensor(f, "a", t, ROLE_PARAM, 2, 10, 13, 0, irand(41, -1, 1));
		v_ = tensor(f, "v", t, ROLE_INPUT, 1, 13, 0, 0, irand(42, -1, 1));
		o_ = tensor(f, "out", t, ROLE_OUTPUT, 1, 10, 0, 0, irand(43, -1, 1));
		s_ = tensor(f, "split", t, ROLE_OUTPUT, 2, 10, 2, 0, izero());
		lo = ir_b_loop(&b, LOOP_FOREACH, "io", 3);
		b.at = lo;
		li = ir_b_loop(&b, LOOP_FOREACH, "ii", 4);
		f->nodes[li].l.vec = 4;
		b.at = li;
		row = A(ir_aff_scale(V(lo), 4), V(li));
		lr = ir_b_loop(&b, LOOP_REDUCE, "k", 13);
		b.at = lr;
		ac = acc2(f, a_, row, V(lr));
		ir_access_pred(&ac, PRED_LT, row, 10);
		x = ir_b_load(&b, ac);
		y = ir_b_load(&b, acc1(f, v_, V(lr)));
		ac = acc1(f, v_, V(lr));
		ir_access_pred(&ac, PRED_LT, V(lr), 5);
		r1 = ir_b_result(f, lr, t, ir_b_op(&b, OP_MUL, t, x, ir_b_load(&b, ac)));
		ac = acc1(f, v_, V(lr));
		ir_access_pred(&ac, PRED_GE, V(lr), 5);
		ir_access_pred(&ac, PRED_LT, row, 10);
		r2 = ir_b_result(f, lr, t, ir_b_op(&b, OP_MUL, t, x, ir_b_load(&b, ac)));
		(void)y;
		b.at = li;
		ac = acc1(f, o_, row);
		ir_access_pred(&ac, PRED_LT, row, 10);
		ir_b_store(&b, ac, ir_b_op(&b, OP_ADD, t, r1, r2));
		ac = acc2(f, s_, row, K(0));
		ir_access_pred(&ac, PRED_LT, row, 10);
		ir_b_store(&b, ac, r1);
		ac = acc2(f, s_, row, K(1));
		ir_access_pred(&ac, PRED_LT, row, 10);
		ir_b_store(&b, ac, r2);
		CU_ASSERT_EQUAL(check_exact(f), 0);
		ir_ctx_free(&c);
	}
}

/* Nested loops over a 3-D tensor with strides, a seq loop carrying state through a tensor, and
 * an empty reduce (extent 0). */
static void
test_nested(void)
{
	Ctx c;
	Func *f;
	Builder b;
	int a_, s_, o_;
	Ref lt, l1, l2, l3, le, x, s, r;

	ir_ctx_init(&c);
	f = ir_func_new(&c, "nested");
	b = (Builder){f, 0, {0}};
	a_ = tensor(f, "a", ir_f32(), ROLE_INPUT, 3, 3, 5, 7, irand(51, -1, 1));
	s_ = tensor(f, "s", ir_f32(), ROLE_STATE, 2, 5, 7, 0, irand(52, -1, 1));
	o_ = tensor(f, "o", ir_f32(), ROLE_OUTPUT, 3, 4, 5, 7, izero());
	lt = ir_b_loop(&b, LOOP_SEQ, "t", 4);
	b.at = lt;
	l1 = ir_b_loop(&b, LOOP_FOREACH, "j", 5);
	b.at = l1;
	l2 = ir_b_loop(&b, LOOP_FOREACH, "k", 7);
	b.at = l2;
	le = ir_b_loop(&b, LOOP_REDUCE, "e", 0);
	b.at = le;
	r = ir_b_result(f, le, ir_f32(), ir_b_const(&b, ir_f32(), 1.0));
	b.at = l2;
	l3 = ir_b_loop(&b, LOOP_FOREACH, "m", 3);
	b.at = l3;
	x = ir_b_load(&b, acc3(f, a_, V(l3), V(l1), V(l2)));
	s = ir_b_load(&b, acc2(f, s_, V(l1), A(K(6), ir_aff_scale(V(l2), -1))));
	ir_b_store(&b, acc2(f, s_, V(l1), A(K(6), ir_aff_scale(V(l2), -1))),
	           ir_b_op(&b, OP_TANH, ir_f32(), ir_b_op(&b, OP_ADD, ir_f32(), s, x), 0));
	b.at = l2;
	ir_b_store(&b, acc3(f, o_, V(lt), V(l1), V(l2)),
	           ir_b_op(&b, OP_ADD, ir_f32(), r, ir_b_load(&b, acc2(f, s_, V(l1), V(l2)))));
	CU_ASSERT_EQUAL(check_exact(f), 0);
	ir_ctx_free(&c);
}

/* ---- whole cells against OpenBLAS -------------------------------------------------------- */

/* A fused fp32 cell over T steps and B sequences, built by hand in the form pass_fuse makes: per
 * step, x_t is copied into xh[t, b, 0..D-1], and one reduction over k < D + H computes every gate
 * from w = concat(wx, uh) and xh[t]; its epilogue updates the state and writes h[t+1] and
 * xh[t+1, b, D..]. The GRU's n gate splits its reduction into the x and h halves (predicates). */
static Func *
build_cell(Ctx *c, CellKind kind, int T, int B, int D, int H)
{
	int G = ir_cell_gates(kind), KK = D + H, g;
	Func *f = ir_func_new(c, kind == CELL_LSTM ? "lstm" : kind == CELL_GRU ? "gru" : "rnn");
	Builder b = {f, 0, {0}};
	double s = 1.0 / sqrt((double)H);
	Type F = ir_f32();
	Init cat = {0};
	int tx, twx, tuh, tbx, tbh, tw, th0, tc = -1, th, txh;
	Ref l, lb, li, lk, lt, lr, v, xv, res[5] = {0}, a[4], hn = 0;

	tx = tensor(f, "x", F, ROLE_INPUT, 3, T, B, D, irand(1, -1, 1));
	twx = tensor(f, "wx", F, ROLE_PARAM, 3, G, H, D, irand(2, -s, s));
	tuh = tensor(f, "uh", F, ROLE_PARAM, 3, G, H, H, irand(3, -s, s));
	tbx = tensor(f, "bx", F, ROLE_PARAM, 2, G, H, 0, irand(4, -s, s));
	tbh = tensor(f, "bh", F, ROLE_PARAM, 2, G, H, 0, irand(5, -s, s));
	cat.kind = INIT_CONCAT;
	cat.src[0] = twx;
	cat.src[1] = tuh;
	tw = tensor(f, "w", F, ROLE_PARAM, 3, G, H, KK, cat);
	th0 = tensor(f, "h0", F, ROLE_INPUT, 2, B, H, 0, irand(6, -1, 1));
	if (kind == CELL_LSTM)
		tc = tensor(f, "c", F, ROLE_STATE, 2, B, H, 0, irand(7, -1, 1));
	th = tensor(f, "h", F, ROLE_OUTPUT, 3, T + 1, B, H, izero());
	txh = tensor(f, "xh", F, ROLE_TEMP, 3, T + 1, B, KK, izero());

	/* h[0] = xh[0, b, D..] = h0 */
	lb = ir_b_loop(&b, LOOP_FOREACH, "b0", B);
	b.at = lb;
	li = ir_b_loop(&b, LOOP_FOREACH, "i0", H);
	b.at = li;
	v = ir_b_load(&b, acc2(f, th0, V(lb), V(li)));
	ir_b_store(&b, acc3(f, th, K(0), V(lb), V(li)), v);
	ir_b_store(&b, acc3(f, txh, K(0), V(lb), A(K(D), V(li))), v);

	b.at = 0;
	lt = ir_b_loop(&b, LOOP_SEQ, "t", T);
	b.at = lt;
	lb = ir_b_loop(&b, LOOP_FOREACH, "b1", B);
	b.at = lb;
	lk = ir_b_loop(&b, LOOP_FOREACH, "k1", D);
	b.at = lk;
	v = ir_b_load(&b, acc3(f, tx, V(lt), V(lb), V(lk)));
	ir_b_store(&b, acc3(f, txh, V(lt), V(lb), V(lk)), v);

	b.at = lt;
	lb = ir_b_loop(&b, LOOP_FOREACH, "b", B);
	b.at = lb;
	li = ir_b_loop(&b, LOOP_FOREACH, "i", H);
	b.at = li;
	lr = ir_b_loop(&b, LOOP_REDUCE, "k", KK);
	b.at = lr;
	xv = ir_b_load(&b, acc3(f, txh, V(lt), V(lb), V(lr)));
	for (g = 0; g < G; g++) {
		if (kind == CELL_GRU && g == 2) {
			Access ax = acc3(f, tw, K(g), V(li), V(lr)), ah = ax;

			ir_access_pred(&ax, PRED_LT, V(lr), D);
			ir_access_pred(&ah, PRED_GE, V(lr), D);
			res[2] = ir_b_result(f, lr, F, ir_b_op(&b, OP_MUL, F, ir_b_load(&b, ax), xv));
			res[3] = ir_b_result(f, lr, F, ir_b_op(&b, OP_MUL, F, ir_b_load(&b, ah), xv));
		} else {
			v = ir_b_load(&b, acc3(f, tw, K(g), V(li), V(lr)));
			res[g] = ir_b_result(f, lr, F, ir_b_op(&b, OP_MUL, F, v, xv));
		}
	}
	b.at = li;
	for (g = 0; g < G; g++) {
		Ref bx = ir_b_load(&b, acc2(f, tbx, K(g), V(li)));
		Ref bh = ir_b_load(&b, acc2(f, tbh, K(g), V(li)));

		if (kind == CELL_GRU && g == 2)
			a[g] = ir_b_op(&b, OP_ADD, F, res[2], bx);  /* n: the x half with its bias */
		else
			a[g] = ir_b_op(&b, OP_ADD, F, ir_b_op(&b, OP_ADD, F, res[g], bx), bh);
		if (kind == CELL_GRU && g == 2)
			res[4] = ir_b_op(&b, OP_ADD, F, res[3], bh);  /* the h half with its bias */
	}
	switch (kind) {
	case CELL_LSTM: {
		Ref gi = ir_b_op(&b, OP_SIGMOID, F, a[0], 0), gj = ir_b_op(&b, OP_TANH, F, a[1], 0);
		Ref gf = ir_b_op(&b, OP_SIGMOID, F, a[2], 0), go = ir_b_op(&b, OP_SIGMOID, F, a[3], 0);
		Ref cp = ir_b_load(&b, acc2(f, tc, V(lb), V(li))), cn;

		cn = ir_b_op(&b, OP_ADD, F, ir_b_op(&b, OP_MUL, F, gi, gj), ir_b_op(&b, OP_MUL, F, gf, cp));
		ir_b_store(&b, acc2(f, tc, V(lb), V(li)), cn);
		hn = ir_b_op(&b, OP_MUL, F, go, ir_b_op(&b, OP_TANH, F, cn, 0));
		break;
	}
	case CELL_GRU: {
		Ref r = ir_b_op(&b, OP_SIGMOID, F, a[0], 0), z = ir_b_op(&b, OP_SIGMOID, F, a[1], 0);
		Ref n = ir_b_op(&b, OP_TANH, F, ir_b_op(&b, OP_ADD, F, a[2],
		                                        ir_b_op(&b, OP_MUL, F, r, res[4])), 0);
		Ref hp = ir_b_load(&b, acc3(f, th, V(lt), V(lb), V(li)));
		Ref omz = ir_b_op(&b, OP_SUB, F, ir_b_const(&b, F, 1.0), z);

		hn = ir_b_op(&b, OP_ADD, F, ir_b_op(&b, OP_MUL, F, omz, n), ir_b_op(&b, OP_MUL, F, z, hp));
		break;
	}
	default:
		hn = ir_b_op(&b, OP_TANH, F, a[0], 0);
		break;
	}
	ir_b_store(&b, acc3(f, th, A(V(lt), K(1)), V(lb), V(li)), hn);
	ir_b_store(&b, acc3(f, txh, A(V(lt), K(1)), V(lb), A(K(D), V(li))), hn);
	(void)l;
	return f;
}

static float *
copy_buf(const Memory *m, int t)
{
	float *p = malloc((size_t)m->buf[t].n * sizeof *p);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memcpy(p, m->buf[t].f, (size_t)m->buf[t].n * sizeof *p);
	return p;
}

static double
max_rel(const float *a, const float *b, int64_t n)
{
	double worst = 0;
	int64_t i;

	for (i = 0; i < n; i++) {
		double e = fabs((double)a[i] - (double)b[i]);
		double r = e / fmax(1.0, fmax(fabs((double)a[i]), fabs((double)b[i])));

		if (!(r <= worst))
			worst = r;
	}
	return worst;
}

static void
check_cell(CellKind kind)
{
	int T = 3, B = 2, D = 5, H = 7, pass;
	Ctx c;
	Func *f;
	Memory mi;
	BlasCell p;
	float *h, *cst = NULL, *x, *wx, *uh, *bx, *bh;
	int ih, ic;

	ir_ctx_init(&c);
	f = build_cell(&c, kind, T, B, D, H);
	CU_ASSERT_EQUAL(check_exact(f), 0);
	for (pass = 0; pass < 2; pass++) {
		CpuJit *j = NULL;

		CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &mi), 0);
		x = copy_buf(&mi, ir_find_tensor(f, "x"));
		wx = copy_buf(&mi, ir_find_tensor(f, "wx"));
		uh = copy_buf(&mi, ir_find_tensor(f, "uh"));
		bx = copy_buf(&mi, ir_find_tensor(f, "bx"));
		bh = copy_buf(&mi, ir_find_tensor(f, "bh"));
		ih = ir_find_tensor(f, "h");
		ic = ir_find_tensor(f, "c");
		h = calloc((size_t)mi.buf[ih].n, sizeof *h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		memcpy(h, mi.buf[ir_find_tensor(f, "h0")].f, (size_t)(B * H) * sizeof *h);
		if (ic >= 0)
			cst = copy_buf(&mi, ic);
		p = (BlasCell){kind, T, B, D, H, x, wx, uh, bx, bh, h, cst};
		CU_ASSERT_EQUAL(cpu_blas_run(&p), 0);
		if (pass == 0) {
			CU_ASSERT_EQUAL(ir_interp(f, &mi), 0);  /* the interpreter against OpenBLAS */
		} else {
			CpuOptions o = cpu_options_default();

			o.fast_reduce = 1;  /* the fast JIT against OpenBLAS */
			j = cpu_jit_new(&c, f, &o);
			CU_ASSERT_PTR_NOT_NULL_FATAL(j);
			CU_ASSERT_EQUAL(cpu_jit_run(j, &mi), 0);
			cpu_jit_free(j);
		}
		CU_ASSERT(max_rel(h, mi.buf[ih].f, mi.buf[ih].n) <= 1e-5);
		if (ic >= 0)
			CU_ASSERT(max_rel(cst, mi.buf[ic].f, mi.buf[ic].n) <= 1e-5);
		/* the state really moved */
		CU_ASSERT(fabsf(h[(size_t)(T * B * H)]) > 0);
		free(x);
		free(wx);
		free(uh);
		free(bx);
		free(bh);
		free(h);
		free(cst);
		cst = NULL;
		ir_mem_free(&mi);
	}
	ir_ctx_free(&c);
}

static void
test_lstm_blas(void)
{
	check_cell(CELL_LSTM);
}

static void
test_gru_blas(void)
{
	check_cell(CELL_GRU);
}

static void
test_rnn_blas(void)
{
	check_cell(CELL_RNN);
}

/* B = 1 takes the sgemv path of the reference. */
static void
test_blas_batch1(void)
{
	Ctx c;
	Func *f;
	CpuOptions o = cpu_options_default();

	ir_ctx_init(&c);
	f = build_cell(&c, CELL_LSTM, 4, 1, 9, 16);
	o.fast_reduce = 1;
	CU_ASSERT_EQUAL(check_jit(f, &o, 1e-5), 0);
	{
		Memory m;
		float *h;
		int ih = ir_find_tensor(f, "h");
		BlasCell p;

		CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &m), 0);
		h = calloc((size_t)m.buf[ih].n, sizeof *h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		memcpy(h, m.buf[ir_find_tensor(f, "h0")].f, 16 * sizeof *h);
		p = (BlasCell){CELL_LSTM, 4, 1, 9, 16, m.buf[ir_find_tensor(f, "x")].f,
		               m.buf[ir_find_tensor(f, "wx")].f, m.buf[ir_find_tensor(f, "uh")].f,
		               m.buf[ir_find_tensor(f, "bx")].f, m.buf[ir_find_tensor(f, "bh")].f, h,
		               NULL};
		CU_ASSERT_EQUAL(cpu_blas_run(&p), -1);  /* an LSTM needs its cell state */
		p.c = calloc(16, sizeof *p.c);
		memcpy(p.c, m.buf[ir_find_tensor(f, "c")].f, 16 * sizeof *p.c);
		CU_ASSERT_EQUAL(cpu_blas_run(&p), 0);
		CU_ASSERT_EQUAL(ir_interp(f, &m), 0);
		CU_ASSERT(max_rel(h, m.buf[ih].f, m.buf[ih].n) <= 1e-5);
		free(p.c);
		free(h);
		ir_mem_free(&m);
	}
	ir_ctx_free(&c);
}

/* ---- object files, headers, errors ------------------------------------------------------- */

static void
test_emit_object(void)
{
	Ctx c;
	Func *f;
	char dir[] = "/tmp/rnnc_cpuXXXXXX", path[64], magic[4] = {0};
	FILE *fp;
	char *buf = NULL;
	size_t len = 0;

	ir_ctx_init(&c);
	f = build_cell(&c, CELL_GRU, 2, 1, 3, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/gru.o", dir);
	CU_ASSERT_EQUAL(cpu_emit_object(&c, f, path), 0);
	fp = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_EQUAL(fread(magic, 1, 4, fp), 4);
	CU_ASSERT(memcmp(magic, "\177ELF", 4) == 0);
	fclose(fp);
	unlink(path);
	/* a directory that does not exist */
	snprintf(path, sizeof path, "%s/no/gru.o", dir);
	CU_ASSERT_EQUAL(cpu_emit_object(&c, f, path), -1);
	CU_ASSERT(c.nerrors > 0);
	rmdir(dir);

	fp = open_memstream(&buf, &len);
	cpu_emit_header(f, fp);
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "void rnnc_gru(void **bufs);"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "bufs[0]: x f32 input [2][1][3]"));
	free(buf);
	ir_ctx_free(&c);
}

static void
test_print_ir(void)
{
	Ctx c;
	Func *f;
	CpuOptions o = cpu_options_default();
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	ir_ctx_init(&c);
	f = matvec(&c, ir_f32(), ir_f32(), 64, 256, -1, 1);
	o.fast_reduce = 1;
	fp = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(cpu_print_ir(&c, f, &o, fp), 0);
	fclose(fp);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "define void @rnnc_matvec(ptr"));
	/* the reassociable reduction is vectorized */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "x float>"));
	free(buf);
	ir_ctx_free(&c);
}

static void
test_errors(void)
{
	Ctx c;
	Func *f;
	Builder b;
	int a_;
	Ref li;
	Memory m;
	CpuJit *j;

	/* an unpredicated access past the end of its tensor */
	ir_ctx_init(&c);
	f = ir_func_new(&c, "oob");
	b = (Builder){f, 0, {0}};
	a_ = tensor(f, "a", ir_f32(), ROLE_INPUT, 1, 4, 0, 0, izero());
	li = ir_b_loop(&b, LOOP_FOREACH, "i", 5);
	b.at = li;
	ir_b_store(&b, acc1(f, a_, V(li)), ir_b_const(&b, ir_f32(), 1));
	CU_ASSERT_PTR_NULL(cpu_jit_new(&c, f, NULL));
	CU_ASSERT(c.nerrors > 0);
	ir_ctx_free(&c);

	/* memory of another function */
	ir_ctx_init(&c);
	f = ew_func(&c, OP_ADD, ir_f32(), ir_f32(), ir_f32(), 8, -1, 1, 1);
	j = cpu_jit_new(&c, f, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL_FATAL(ir_mem_init(ew_func(&c, OP_ADD, ir_f32(), ir_f32(), ir_f32(), 9, -1, 1,
	                                          1), &m), 0);
	CU_ASSERT_EQUAL(cpu_jit_run(j, &m), -1);
	ir_mem_free(&m);
	CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &m), 0);
	CU_ASSERT_EQUAL(cpu_jit_run(j, &m), 0);
	CU_ASSERT_PTR_NOT_NULL(cpu_jit_kernel(j));
	ir_mem_free(&m);
	cpu_jit_free(j);
	cpu_jit_free(NULL);
	ir_ctx_free(&c);
}

static CU_TestInfo cpu_tests[] = {
	{"f32_ops", test_f32_ops},
	{"s8_6_ops", test_s8_6_ops},
	{"s16_10_ops", test_s16_10_ops},
	{"s32_12_s64_ops", test_s32_12_ops},
	{"mixed_mul", test_mixed_mul},
	{"casts_fix", test_casts_fix},
	{"casts_f32", test_casts_f32},
	{"rounding_ties", test_rounding_ties},
	{"exactfn_fix", test_exactfn_fix},
	{"lut", test_lut},
	{"consts", test_consts},
	{"reduce_f32", test_reduce_f32},
	{"reduce_fix", test_reduce_fix},
	{"reduce_overflow", test_reduce_overflow},
	{"predicated", test_predicated},
	{"nested", test_nested},
	{"lstm_blas", test_lstm_blas},
	{"gru_blas", test_gru_blas},
	{"rnn_blas", test_rnn_blas},
	{"blas_batch1", test_blas_batch1},
	{"emit_object", test_emit_object},
	{"print_ir", test_print_ir},
	{"errors", test_errors},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{.pName = "cpu", .pTests = cpu_tests},
	CU_SUITE_INFO_NULL,
};
