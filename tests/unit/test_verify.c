/* Unit tests of the verifier (ir/verify.c). Functions are built with the builder API: LSTM-like
 * steps as the scheduler makes them (unfused, fused, tiled) must pass, and each rule has a
 * function that breaks it, checked for the error count and the message. The passing functions
 * are also run by the interpreter, which checks every access at run time. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "ir/exec.h"
#include "ir/ir.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static Ctx C;
static Func *F;
static Builder B;

static void
begin(void)
{
	ir_ctx_init(&C);
	F = ir_func_new(&C, "t");
	B = (Builder){F, 0, {0}};
}

static void
end(void)
{
	ir_ctx_free(&C);
}

static char *
diags_text(const Ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ir_print_diags(c, f);
	fclose(f);
	return buf;
}

static int
tensor(const char *name, Type ty, Role role, int ndim, int32_t d0, int32_t d1, int32_t d2)
{
	int32_t dim[3] = {d0, d1, d2};
	Init in = {0};

	if (role == ROLE_INPUT || role == ROLE_PARAM) {
		in.kind = INIT_RAND;
		in.seed = 1;
		in.lo = -1;
		in.hi = 1;
	} else {
		in.kind = INIT_ZERO;
	}
	return ir_add_tensor(F, name, ty, role == ROLE_TEMP ? MEM_SRAM : MEM_DRAM, role, ndim, dim,
	                     in);
}

static int
lut(const char *name, Type ty, int n, double lo, double hi)
{
	int32_t dim[1] = {n};
	Init in = {0};

	in.kind = INIT_LUT;
	in.fn = FN_SIGMOID;
	in.lo = lo;
	in.hi = hi;
	return ir_add_tensor(F, name, ty, MEM_LUT, ROLE_PARAM, 1, dim, in);
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
add(Affine a, Affine b)
{
	return ir_aff_add(a, b);
}

static Affine
mul(Affine a, int64_t k)
{
	return ir_aff_scale(a, k);
}

static Access
acc(int t, Affine a, Affine b, Affine c)
{
	Affine idx[3] = {a, b, c};

	return ir_access(F, t, idx);
}

static Ref
loop(Ref at, LoopKind kind, const char *var, int32_t extent)
{
	B.at = at;
	return ir_b_loop(&B, kind, var, extent);
}

static Ref
load(Ref at, Access a)
{
	B.at = at;
	return ir_b_load(&B, a);
}

static Ref
store(Ref at, Access a, Ref x)
{
	B.at = at;
	return ir_b_store(&B, a, x);
}

static Ref
op(Ref at, Op o, Type ty, Ref x, Ref y)
{
	B.at = at;
	return ir_b_op(&B, o, ty, x, y);
}

static Ref
cst(Ref at, Type ty, double v)
{
	B.at = at;
	return ir_b_const(&B, ty, v);
}

/* The function must verify and run. */
static void
expect_ok(void)
{
	int n = ir_verify(F);
	Memory m;

	if (n) {
		char *d = diags_text(&C);

		fprintf(stderr, "unexpected errors:\n%s", d);
		free(d);
		ir_print(F, stderr);
	}
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(C.nerrors, 0);
	if (n == 0 && ir_mem_init(F, &m) == 0) {
		CU_ASSERT_EQUAL(ir_interp(F, &m), 0);
		ir_mem_free(&m);
	}
}

/* The function must fail with n errors, one of whose messages contains `msg`. */
static void
expect_err(int n, const char *msg)
{
	int got = ir_verify(F);
	char *d = diags_text(&C);

	if (got != n || !strstr(d, msg)) {
		fprintf(stderr, "expected %d errors with '%s', got %d:\n%s", n, msg, got, d);
		ir_print(F, stderr);
	}
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(C.nerrors, n);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, msg));
	free(d);
}

enum { T = 2, NB = 2, D = 3, H = 4 };

/* The state and weights of a small LSTM-like cell: x[T, NB, D], h[T + 1, NB, H], c[NB, H],
 * w[4H, D + H], bias[4H]. */
static int tx, th, tc, tw, tbias;

static void
cell_tensors(Type ty)
{
	tx = tensor("x", ty, ROLE_INPUT, 3, T, NB, D);
	th = tensor("h", ty, ROLE_STATE, 3, T + 1, NB, H);
	tc = tensor("c", ty, ROLE_STATE, 2, NB, H, 0);
	tw = tensor("w", ty, ROLE_PARAM, 2, 4 * H, D + H, 0);
	tbias = tensor("bias", ty, ROLE_PARAM, 1, 4 * H, 0, 0);
}

/* The reduce over [x, h] of row `row` of w: x where k < D, h[t, b, k - D] where k >= D. */
static Ref
fused_terms(Ref red, Ref t, Ref b, Affine row)
{
	Type f = ir_f32();
	Access ax = acc(tx, V(t), V(b), V(red)), ah = acc(th, V(t), V(b), add(V(red), K(-D)));
	Ref xv, hv, wv;

	ir_access_pred(&ax, PRED_LT, V(red), D);
	ir_access_pred(&ah, PRED_GE, V(red), D);
	xv = load(red, ax);
	hv = load(red, ah);
	wv = load(red, acc(tw, row, V(red), K(0)));
	return op(red, OP_MUL, f, wv, op(red, OP_ADD, f, xv, hv));
}

/* ---- functions that verify --------------------------------------------------------------- */

/* gemv into a temporary buffer, then the elementwise part */
static void
test_unfused_lstm(void)
{
	Type f = ir_f32();
	Ref t, b, g, k, i, s, y, gate[4];
	int tmp, q;

	begin();
	cell_tensors(f);
	tmp = tensor("gates", f, ROLE_TEMP, 2, NB, 4 * H, 0);
	t = loop(0, LOOP_SEQ, "t", T);
	b = loop(t, LOOP_FOREACH, "b", NB);
	g = loop(b, LOOP_FOREACH, "g", 4 * H);
	k = loop(g, LOOP_REDUCE, "k", D + H);
	y = fused_terms(k, t, b, V(g));
	s = ir_b_result(F, k, f, y);
	s = op(g, OP_ADD, f, s, load(g, acc(tbias, V(g), K(0), K(0))));
	store(g, acc(tmp, V(b), V(g), K(0)), s);
	i = loop(b, LOOP_FOREACH, "i", H);
	for (q = 0; q < 4; q++)
		gate[q] = load(i, acc(tmp, V(b), add(V(i), K(q * H)), K(0)));
	gate[0] = op(i, OP_SIGMOID, f, gate[0], 0);
	gate[1] = op(i, OP_SIGMOID, f, gate[1], 0);
	gate[2] = op(i, OP_TANH, f, gate[2], 0);
	gate[3] = op(i, OP_SIGMOID, f, gate[3], 0);
	s = op(i, OP_MUL, f, gate[1], load(i, acc(tc, V(b), V(i), K(0))));
	s = op(i, OP_ADD, f, s, op(i, OP_MUL, f, gate[0], gate[2]));
	store(i, acc(tc, V(b), V(i), K(0)), s);
	s = op(i, OP_MUL, f, gate[3], op(i, OP_TANH, f, s, 0));
	store(i, acc(th, add(V(t), K(1)), V(b), V(i)), s);
	expect_ok();
	end();
}

/* one loop per output element: a 2-result reduce over [x, h], h read at step t and written at
 * step t + 1 inside foreach i, c read and written at [b, i] */
static void
test_fused_lstm(void)
{
	Type f = ir_f32();
	Ref t, b, i, k, ya, yg, ra, rg, cn;

	begin();
	cell_tensors(f);
	t = loop(0, LOOP_SEQ, "t", T);
	b = loop(t, LOOP_FOREACH, "b", NB);
	i = loop(b, LOOP_FOREACH, "i", H);
	k = loop(i, LOOP_REDUCE, "k", D + H);
	ya = fused_terms(k, t, b, V(i));
	yg = op(k, OP_MUL, f, load(k, acc(tw, add(V(i), K(2 * H)), V(k), K(0))), ya);
	ra = ir_b_result(F, k, f, ya);
	rg = ir_b_result(F, k, f, yg);
	cn = op(i, OP_MUL, f, op(i, OP_SIGMOID, f, ra, 0), op(i, OP_TANH, f, rg, 0));
	cn = op(i, OP_ADD, f, cn, load(i, acc(tc, V(b), V(i), K(0))));
	store(i, acc(tc, V(b), V(i), K(0)), cn);
	store(i, acc(th, add(V(t), K(1)), V(b), V(i)), op(i, OP_TANH, f, cn, 0));
	expect_ok();
	end();
}

/* k = k_t*rv*ru + k_u*rv + k_v over 1024 with ru = 5, rv = 4: 52 tiles of 20 cover 1040, the
 * predicate k < 1024 masks the tail; in fixed point the nested sums are exact */
static void
test_tiled_reduce(void)
{
	Type q = ir_fix(16, 8), a = ir_fix(32, 16);
	Ref i, kt, ku, kv, p, r1, r2, r3;
	Affine kk;
	Access aw, ax;
	int w, x, y;

	begin();
	w = tensor("w", q, ROLE_PARAM, 2, 8, 1024, 0);
	x = tensor("x", q, ROLE_INPUT, 1, 1024, 0, 0);
	y = tensor("y", a, ROLE_OUTPUT, 1, 8, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 8);
	kt = loop(i, LOOP_REDUCE, "k_t", 52);
	ku = loop(kt, LOOP_REDUCE, "k_u", 5);
	kv = loop(ku, LOOP_REDUCE, "k_v", 4);
	F->nodes[ku].l.par = 5;
	F->nodes[kv].l.vec = 4;
	kk = add(add(mul(V(kt), 20), mul(V(ku), 4)), V(kv));
	aw = acc(w, V(i), kk, K(0));
	ax = acc(x, kk, K(0), K(0));
	ir_access_pred(&aw, PRED_LT, kk, 1024);
	ir_access_pred(&ax, PRED_LT, kk, 1024);
	p = op(kv, OP_MUL, a, load(kv, aw), load(kv, ax));
	r3 = ir_b_result(F, kv, a, p);
	r2 = ir_b_result(F, ku, a, r3);
	r1 = ir_b_result(F, kt, a, r2);
	store(i, acc(y, V(i), K(0), K(0)), r1);
	expect_ok();
	end();
}

/* i = i_t*3 + i_u over 1024 with par 4: 342 tiles of 3, the last masked */
static void
test_tiled_foreach(void)
{
	Type f = ir_f32();
	Ref it, iu, k, r;
	Affine ii;
	Access aw, ay;
	int w, y;

	begin();
	w = tensor("w", f, ROLE_PARAM, 2, 1024, 16, 0);
	y = tensor("y", f, ROLE_OUTPUT, 1, 1024, 0, 0);
	it = loop(0, LOOP_FOREACH, "i_t", 342);
	F->nodes[it].l.par = 4;
	iu = loop(it, LOOP_FOREACH, "i_u", 3);
	F->nodes[iu].l.vec = 3;
	ii = add(mul(V(it), 3), V(iu));
	k = loop(iu, LOOP_REDUCE, "k", 16);
	aw = acc(w, ii, V(k), K(0));
	ir_access_pred(&aw, PRED_LT, ii, 1024);
	r = ir_b_result(F, k, f, load(k, aw));
	ay = acc(y, ii, K(0), K(0));
	ir_access_pred(&ay, PRED_LT, ii, 1024);
	store(iu, ay, r);
	expect_ok();
	end();
}

/* a result is usable after its loop, in later nested loops too */
static void
test_result_after_loop(void)
{
	Type f = ir_f32();
	Ref k, r, j;
	int x, y;

	begin();
	x = tensor("x", f, ROLE_INPUT, 1, 8, 0, 0);
	y = tensor("y", f, ROLE_OUTPUT, 1, 8, 0, 0);
	k = loop(0, LOOP_REDUCE, "k", 8);
	r = ir_b_result(F, k, f, load(k, acc(x, V(k), K(0), K(0))));
	j = loop(0, LOOP_FOREACH, "j", 8);
	store(j, acc(y, V(j), K(0), K(0)), op(j, OP_ADD, f, r, load(j, acc(x, V(j), K(0), K(0)))));
	expect_ok();
	end();
}

/* different iterations of foreach i write y[2i] and read y[2i + 1]: never the same element */
static void
test_strided_no_race(void)
{
	Type f = ir_f32();
	Ref i, v;
	int y;

	begin();
	y = tensor("y", f, ROLE_STATE, 1, 16, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 8);
	v = load(i, acc(y, add(mul(V(i), 2), K(1)), K(0), K(0)));
	store(i, acc(y, mul(V(i), 2), K(0), K(0)), v);
	expect_ok();
	end();
}

/* ---- functions that do not ----------------------------------------------------------------- */

static void
test_oob_load(void)
{
	Type f = ir_f32();
	Ref i, k, r;
	int w, y;

	begin();
	w = tensor("w", f, ROLE_PARAM, 2, 4, 1024, 0);
	y = tensor("y", f, ROLE_OUTPUT, 1, 4, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 4);
	k = loop(i, LOOP_REDUCE, "k_u", 1024);
	r = ir_b_result(F, k, f, load(k, acc(w, V(i), add(V(k), K(7)), K(0))));
	store(i, acc(y, V(i), K(0), K(0)), r);
	expect_err(1, "tensor 'w' index 1 ranges over [7, 1030] but its dimension is 1024 "
	           "(in loop 'k_u')");
	end();
}

/* 342 tiles of 3 cover 1026 elements: the store needs its predicate */
static void
build_tiled_store(int pred)
{
	Type f = ir_f32();
	Ref it, iu;
	Affine ii;
	Access ay;
	int y;

	y = tensor("y", f, ROLE_OUTPUT, 1, 1024, 0, 0);
	it = loop(0, LOOP_FOREACH, "i_t", 342);
	iu = loop(it, LOOP_FOREACH, "i_u", 3);
	ii = add(mul(V(it), 3), V(iu));
	ay = acc(y, ii, K(0), K(0));
	if (pred)
		ir_access_pred(&ay, PRED_LT, ii, 1024);
	store(iu, ay, cst(iu, f, 1));
}

static void
test_oob_store_pred(void)
{
	begin();
	build_tiled_store(1);
	expect_ok();
	end();
	begin();
	build_tiled_store(0);
	expect_err(1, "tensor 'y' index 0 ranges over [0, 1025] but its dimension is 1024 "
	           "(in loop 'i_u')");
	end();
}

/* the lower bound from a predicate e >= M, and an index that is not the predicate's expression */
static void
test_oob_ge_pred(void)
{
	Type f = ir_f32();
	Ref k, r;
	Access a;
	int h, y;

	begin();
	h = tensor("h", f, ROLE_INPUT, 1, 4, 0, 0);
	y = tensor("y", f, ROLE_OUTPUT, 1, 1, 0, 0);
	k = loop(0, LOOP_REDUCE, "k", 7);
	a = acc(h, add(V(k), K(-3)), K(0), K(0));
	ir_access_pred(&a, PRED_GE, V(k), 2);  /* one short: k - 3 reaches -1 */
	r = ir_b_result(F, k, f, load(k, a));
	store(0, acc(y, K(0), K(0), K(0)), r);
	expect_err(1, "tensor 'h' index 0 ranges over [-1, 3] but its dimension is 4 (in loop 'k')");
	end();
}

static void
test_type_add(void)
{
	Ref a, b;

	begin();
	a = cst(0, ir_f32(), 1);
	b = cst(0, ir_fix(16, 8), 1);
	op(0, OP_ADD, ir_f32(), a, b);
	expect_err(1, "'add' of type f32 has an operand of type s16.8");
	end();
}

static void
test_type_mul(void)
{
	Ref a, b;

	begin();
	a = cst(0, ir_f32(), 1);
	b = cst(0, ir_fix(16, 8), 1);
	op(0, OP_MUL, ir_f32(), a, b);
	expect_err(1, "'mul' of f32 and s16.8 to f32: operands and result must be all f32 or all "
	           "fixed point");
	end();
}

static void
test_type_mul_wide(void)
{
	Ref a;

	begin();
	a = cst(0, ir_fix(64, 8), 1);
	op(0, OP_MUL, ir_fix(64, 16), a, a);
	expect_err(1, "fixed-point operands have at most 32 bits");
	end();
}

static void
test_type_store(void)
{
	Ref i;
	int y;

	begin();
	y = tensor("y", ir_fix(16, 8), ROLE_OUTPUT, 1, 4, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 4);
	store(i, acc(y, V(i), K(0), K(0)), cst(i, ir_f32(), 0.5));
	expect_err(1, "store to tensor 'y' of a f32 value; the tensor holds s16.8 (in loop 'i')");
	end();
}

static void
test_const_exact(void)
{
	begin();
	cst(0, ir_fix(8, 2), 0.25);
	cst(0, ir_fix(8, 2), 0.3);
	cst(0, ir_fix(8, 2), 40);
	cst(0, ir_f32(), 0.1);
	cst(0, ir_f32(), 0.5);
	expect_err(3, "const 0.2999999999");
	end();
}

static void
test_use_before_def(void)
{
	Ref a, b, c;

	begin();
	a = cst(0, ir_f32(), 1);
	b = op(0, OP_ADD, ir_f32(), a, a);
	c = cst(0, ir_f32(), 2);
	F->nodes[b].i.arg[1] = c;
	expect_err(1, "operand 1 of 'add' (node 3) is not defined before it");
	end();
}

/* a value defined in a loop's body is not visible after the loop */
static void
test_use_out_of_scope(void)
{
	Ref i, a;

	begin();
	i = loop(0, LOOP_SEQ, "i", 4);
	a = cst(i, ir_f32(), 1);
	op(0, OP_NEG, ir_f32(), a, 0);
	expect_err(1, "operand 0 of 'neg' (node 2) is not defined before it in its block or an "
	           "enclosing one (at the top level)");
	end();
}

static void
test_result_in_own_loop(void)
{
	Type f = ir_f32();
	Ref k, y, r;

	begin();
	k = loop(0, LOOP_REDUCE, "k", 4);
	y = cst(k, f, 1);
	r = ir_b_result(F, k, f, y);
	op(k, OP_ADD, f, y, r);
	expect_err(1, "'add' uses result 0 of reduce 'k' inside that loop; it is defined only "
	           "after the loop (in loop 'k')");
	end();
}

static void
test_affine_not_enclosing(void)
{
	Type f = ir_f32();
	Ref i, j;
	int x, y;

	begin();
	x = tensor("x", f, ROLE_INPUT, 1, 4, 0, 0);
	y = tensor("y", f, ROLE_OUTPUT, 1, 4, 0, 0);
	i = loop(0, LOOP_SEQ, "i", 4);
	cst(i, f, 0);
	j = loop(0, LOOP_FOREACH, "j", 4);
	store(j, acc(y, V(j), K(0), K(0)), load(j, acc(x, V(i), K(0), K(0))));
	expect_err(1, "index 0 of tensor 'x' uses the variable of loop 'i', which does not enclose "
	           "the access (in loop 'j')");
	end();
}

static void
test_store_in_reduce(void)
{
	Type f = ir_f32();
	Ref k, v;
	int x, y;

	begin();
	x = tensor("x", f, ROLE_INPUT, 1, 4, 0, 0);
	y = tensor("y", f, ROLE_TEMP, 1, 4, 0, 0);
	k = loop(0, LOOP_REDUCE, "k", 4);
	v = load(k, acc(x, V(k), K(0), K(0)));
	store(k, acc(y, V(k), K(0), K(0)), v);
	ir_b_result(F, k, f, v);
	expect_err(1, "store to tensor 'y' inside a reduce body");
	end();
}

static void
test_store_to_param(void)
{
	Type f = ir_f32();
	Ref i;
	int w;

	begin();
	w = tensor("w", f, ROLE_PARAM, 1, 4, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 4);
	store(i, acc(w, V(i), K(0), K(0)), cst(i, f, 0));
	expect_err(1, "store to tensor 'w', which is a param (in loop 'i')");
	end();
}

/* h read at step t and written at step t inside foreach i: iteration i reads what others write */
static void
test_race_read_write(void)
{
	Type f = ir_f32();
	Ref t, b, i, k, r;
	int h, w;

	begin();
	h = tensor("h", f, ROLE_STATE, 3, T + 1, NB, H);
	w = tensor("w", f, ROLE_PARAM, 2, H, H, 0);
	t = loop(0, LOOP_SEQ, "t", T);
	b = loop(t, LOOP_FOREACH, "b", NB);
	i = loop(b, LOOP_FOREACH, "i", H);
	k = loop(i, LOOP_REDUCE, "k", H);
	r = op(k, OP_MUL, f, load(k, acc(w, V(i), V(k), K(0))),
	       load(k, acc(h, V(t), V(b), V(k))));
	r = ir_b_result(F, k, f, r);
	store(i, acc(h, V(t), V(b), V(i)), r);
	expect_err(1, "race in foreach 'i': tensor 'h' is written at [t, b, i] and read at "
	           "[t, b, k] by different iterations (double-buffer it: write step t+1)");
	end();
}

static void
test_race_store_store(void)
{
	Type f = ir_f32();
	Ref i;
	int y;

	begin();
	y = tensor("y", f, ROLE_OUTPUT, 1, 4, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 4);
	store(i, acc(y, K(0), K(0), K(0)), cst(i, f, 1));
	expect_err(1, "race in foreach 'i': tensor 'y' is written at [0] and written at [0] by "
	           "different iterations (each iteration must write its own elements)");
	end();
}

/* y[i_t*3 + i_u] with i_u over 4: tiles overlap, iterations of i_t meet */
static void
test_race_overlapping_tiles(void)
{
	Type f = ir_f32();
	Ref it, iu;
	int y;

	begin();
	y = tensor("y", f, ROLE_OUTPUT, 1, 64, 0, 0);
	it = loop(0, LOOP_FOREACH, "i_t", 8);
	iu = loop(it, LOOP_SEQ, "i_u", 4);
	store(iu, acc(y, add(mul(V(it), 3), V(iu)), K(0), K(0)), cst(iu, f, 1));
	expect_err(1, "race in foreach 'i_t': tensor 'y' is written at [i_t*3 + i_u]");
	end();
}

/* y[i] written, y[2i] read: different coefficients */
static void
test_race_coefs(void)
{
	Type f = ir_f32();
	Ref i, v;
	int y;

	begin();
	y = tensor("y", f, ROLE_STATE, 1, 16, 0, 0);
	i = loop(0, LOOP_FOREACH, "i", 8);
	v = load(i, acc(y, mul(V(i), 2), K(0), K(0)));
	store(i, acc(y, V(i), K(0), K(0)), v);
	expect_err(1, "written at [i] and read at [i*2]");
	end();
}

static void
test_lut_range(void)
{
	int tab;
	Ref x;

	begin();
	tab = lut("sig", ir_fix(16, 12), 1024, -8, 8.125);  /* 8.125 * 2^2 is not an integer */
	x = cst(0, ir_fix(8, 2), 1);
	B.at = 0;
	ir_b_lut(&B, tab, x);
	expect_err(1, "lut table 'sig' covers [-8, 8.125), whose ends are not multiples of 2^-2");
	end();
}

static void
test_lut_pow2(void)
{
	int tab;
	Ref x;

	begin();
	tab = lut("sig", ir_fix(16, 12), 1000, -8, 8);
	x = cst(0, ir_fix(16, 8), 1);
	B.at = 0;
	ir_b_lut(&B, tab, x);
	expect_err(1, "lut table 'sig' has 1000 entries; the count must be a power of two");
	end();
}

static void
test_lut_table(void)
{
	int tab;
	Ref x, r;

	begin();
	tab = tensor("notlut", ir_f32(), ROLE_PARAM, 1, 16, 0, 0);
	x = cst(0, ir_f32(), 1);
	B.at = 0;
	ir_b_lut(&B, tab, x);
	tab = lut("sig", ir_f32(), 16, -8, 8);
	r = ir_b_lut(&B, tab, x);
	F->nodes[r].i.ty = ir_fix(16, 8);
	expect_err(2, "lut of table 'sig' has type s16.8 but the table holds f32");
	end();
}

static void
test_concat_shape(void)
{
	Type f = ir_f32();
	int a, b;
	Init in = {0};
	int32_t dim[2] = {8, 7};

	begin();
	a = tensor("wx", f, ROLE_PARAM, 2, 8, 3, 0);
	b = tensor("wh", f, ROLE_PARAM, 2, 8, 5, 0);
	in.kind = INIT_CONCAT;
	in.src[0] = a;
	in.src[1] = b;
	ir_add_tensor(F, "w", f, MEM_SRAM, ROLE_PARAM, 2, dim, in);
	expect_err(1, "tensor 'w' is a concat of 'wx' and 'wh', so its last dimension must be "
	           "3 + 5, not 7");
	end();
	begin();
	a = tensor("wx", f, ROLE_PARAM, 2, 8, 3, 0);
	b = tensor("wh", f, ROLE_PARAM, 2, 9, 5, 0);
	dim[1] = 8;
	ir_add_tensor(F, "w", f, MEM_SRAM, ROLE_PARAM, 2, dim, in);
	expect_err(1, "dimension 0 differs (8, 8 and 9)");
	end();
}

static void
test_tensor_rules(void)
{
	Type f = ir_f32();
	Init in = {0};
	int32_t dim[2] = {4, 0};
	int a;

	begin();
	a = tensor("a", f, ROLE_PARAM, 2, 4, 4, 0);
	tensor("a", f, ROLE_PARAM, 1, 4, 0, 0);
	ir_add_tensor(F, "z", f, MEM_SRAM, ROLE_TEMP, 2, dim, in);
	in.kind = INIT_QUANT;
	in.src[0] = a;
	dim[1] = 5;
	ir_add_tensor(F, "q", ir_fix(8, 4), MEM_SRAM, ROLE_PARAM, 2, dim, in);
	in.kind = INIT_RAND;
	in.lo = 1;
	in.hi = 1;
	ir_add_tensor(F, "r", f, MEM_SRAM, ROLE_PARAM, 1, dim, in);
	expect_err(4, "tensor 'a' is declared twice");
	{
		char *d = diags_text(&C);

		CU_ASSERT_PTR_NOT_NULL(strstr(d, "dimension 1 of tensor 'z' is 0"));
		CU_ASSERT_PTR_NOT_NULL(strstr(d, "tensor 'q' is a quant of 'a', which has another"));
		CU_ASSERT_PTR_NOT_NULL(strstr(d, "tensor 'r' is rand over [1, 1); the range is empty"));
		free(d);
	}
	end();
}

static void
test_loop_rules(void)
{
	Ref i;

	begin();
	i = loop(0, LOOP_FOREACH, "i", 4);
	F->nodes[i].l.par = 8;
	cst(i, ir_f32(), 0);
	i = loop(0, LOOP_SEQ, "j", 0);
	i = loop(0, LOOP_SEQ, "k", 4);
	F->nodes[i].l.vec = 0;
	expect_err(3, "loop 'i' has par 8, more than its extent 4");
	end();
}

static void
test_duplicate_var(void)
{
	Ref i;

	begin();
	i = loop(0, LOOP_SEQ, "i", 4);
	loop(i, LOOP_SEQ, "i", 4);
	expect_err(1, "loop variable 'i' is used by two loops");
	end();
}

static void
test_result_frac(void)
{
	Ref k, y, r;
	int o;

	begin();
	o = tensor("o", ir_fix(32, 10), ROLE_OUTPUT, 1, 1, 0, 0);
	k = loop(0, LOOP_REDUCE, "k", 4);
	y = cst(k, ir_fix(16, 8), 1);
	r = ir_b_result(F, k, ir_fix(32, 10), y);
	store(0, acc(o, K(0), K(0), K(0)), r);
	expect_err(1, "result 0 of reduce 'k' has type s32.10 but its yield has type s16.8; the sum "
	           "keeps the kind and the fraction bits of its terms");
	end();
}

static void
test_reduce_rules(void)
{
	Type f = ir_f32();
	Ref k, j, y;

	begin();
	k = loop(0, LOOP_REDUCE, "k", 4);
	cst(k, f, 1);
	j = loop(0, LOOP_REDUCE, "j", 4);
	y = cst(0, f, 1);  /* outside j's body */
	ir_b_result(F, j, f, y);
	F->nodes[j].l.comb = OP_MUL;
	expect_err(3, "yield 0 of reduce 'j' is not defined in the body of that loop");
	{
		char *d = diags_text(&C);

		CU_ASSERT_PTR_NOT_NULL(strstr(d, "reduce 'k' has no results"));
		CU_ASSERT_PTR_NOT_NULL(strstr(d, "reduce 'j' combines with 'mul'"));
		free(d);
	}
	end();
}

static void
test_access_ndim(void)
{
	Type f = ir_f32();
	Ref i, l;
	int x;

	begin();
	x = tensor("x", f, ROLE_INPUT, 2, 4, 4, 0);
	i = loop(0, LOOP_FOREACH, "i", 4);
	l = load(i, acc(x, V(i), V(i), K(0)));
	F->nodes[l].i.acc.ndim = 1;
	expect_err(1, "access to tensor 'x' has 1 indices but the tensor has 2 dimensions");
	end();
}

static void
test_structure(void)
{
	Ref i, a;

	begin();
	i = loop(0, LOOP_SEQ, "i", 4);
	a = cst(i, ir_f32(), 1);
	F->body.n[F->body.len++] = a;  /* also at the top: two blocks, wrong parent */
	expect_err(1, "node 2 is in more than one block");
	end();
	begin();
	i = loop(0, LOOP_SEQ, "i", 4);
	F->nodes[i].l.body.n = ir_alloc(&C.arena, sizeof(Ref));
	F->nodes[i].l.body.n[0] = 99;
	F->nodes[i].l.body.len = F->nodes[i].l.body.cap = 1;
	expect_err(1, "the body of 'i' holds node 99, which does not exist");
	end();
}

/* diagnostics carry the node's location; a node built in memory has none */
static void
test_locations(void)
{
	const char *text = "func t {\n  %0 = add f32 %1, %1\n}\n";
	const SrcFile *src;
	char *d;
	Ref a;

	begin();
	src = ir_add_source(&C, "f.ir", text, strlen(text));
	a = cst(0, ir_fix(16, 8), 1);
	B.loc = (Loc){src, 2, 3};
	op(0, OP_ADD, ir_f32(), a, a);
	B.loc = (Loc){0};
	op(0, OP_NEG, ir_f32(), a, 0);
	CU_ASSERT_EQUAL(ir_verify(F), 2);
	CU_ASSERT_EQUAL_FATAL(C.ndiags, 2);
	CU_ASSERT_EQUAL(C.diags[0].loc.line, 2);
	CU_ASSERT_EQUAL(C.diags[0].loc.col, 3);
	CU_ASSERT_PTR_NULL(C.diags[1].loc.file);
	d = diags_text(&C);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "f.ir:2:3: error: 'add' of type f32"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "rnnc: error: 'neg' of type f32"));
	free(d);
	end();
}

static CU_TestInfo verify_tests[] = {
	{"unfused_lstm", test_unfused_lstm},
	{"fused_lstm", test_fused_lstm},
	{"tiled_reduce", test_tiled_reduce},
	{"tiled_foreach", test_tiled_foreach},
	{"result_after_loop", test_result_after_loop},
	{"strided_no_race", test_strided_no_race},
	{"oob_load", test_oob_load},
	{"oob_store_pred", test_oob_store_pred},
	{"oob_ge_pred", test_oob_ge_pred},
	{"type_add", test_type_add},
	{"type_mul", test_type_mul},
	{"type_mul_wide", test_type_mul_wide},
	{"type_store", test_type_store},
	{"const_exact", test_const_exact},
	{"use_before_def", test_use_before_def},
	{"use_out_of_scope", test_use_out_of_scope},
	{"result_in_own_loop", test_result_in_own_loop},
	{"affine_not_enclosing", test_affine_not_enclosing},
	{"store_in_reduce", test_store_in_reduce},
	{"store_to_param", test_store_to_param},
	{"race_read_write", test_race_read_write},
	{"race_store_store", test_race_store_store},
	{"race_overlapping_tiles", test_race_overlapping_tiles},
	{"race_coefs", test_race_coefs},
	{"lut_range", test_lut_range},
	{"lut_pow2", test_lut_pow2},
	{"lut_table", test_lut_table},
	{"concat_shape", test_concat_shape},
	{"tensor_rules", test_tensor_rules},
	{"loop_rules", test_loop_rules},
	{"duplicate_var", test_duplicate_var},
	{"result_frac", test_result_frac},
	{"reduce_rules", test_reduce_rules},
	{"access_ndim", test_access_ndim},
	{"structure", test_structure},
	{"locations", test_locations},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{.pName = "verify", .pTests = verify_tests},
	CU_SUITE_INFO_NULL,
};
