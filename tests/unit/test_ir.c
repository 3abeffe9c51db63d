/* Unit tests of the IR text: a function built with the builder prints, parses back to the same
 * structure (the same nodes, handles and accesses), prints the same text and computes the same
 * results; hand-written text is normalized; locations are kept; broken text never crashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "ir/exec.h"
#include "ir/ir.h"

static char *
printed(const Func *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ir_print(f, out);
	fclose(out);
	return buf;
}

static Func *
parse_text(Ctx *c, const char *text, size_t len)
{
	return ir_parse(c, ir_add_source(c, "t.rir", text, len));
}

/* A small gated cell in fixed point with an f32 side path: every kind of node, predicates, a
 * two-result reduce, a LUT and the exact functions. */
static Func *
build_cell(Ctx *c)
{
	Func *f = ir_func_new(c, "cell-h2-d4");
	Builder b = {f, 0, {0}};
	Type q8 = ir_fix(8, 6), q32 = ir_fix(32, 12);
	Init rx = {INIT_RAND, 1, -1, 1, {0, 0}, 0}, rw = {INIT_RAND, 2, -0.5, 0.5, {0, 0}, 0};
	Init zero = {0}, lut = {0}, qx = {0}, qw = {0};
	int32_t dx[2] = {3, 4}, dw[2] = {4, 6}, dh[2] = {4, 2}, dy[2] = {3, 2}, dt[1] = {256};
	int x, xq, w, wq, h, y, y2, sig;
	Ref t, j, k, xv, hv, v, m0, m1, red, g0, g1, a0, s0, a1, t1, one, d, p, hold, q, hn, cf;
	Affine idx[2];

	zero.kind = INIT_ZERO;
	lut.kind = INIT_LUT, lut.fn = FN_SIGMOID, lut.lo = -4, lut.hi = 4;
	x = ir_add_tensor(f, "x", ir_f32(), MEM_DRAM, ROLE_INPUT, 2, dx, rx);
	qx.kind = INIT_QUANT, qx.src[0] = x;
	xq = ir_add_tensor(f, "xq", q8, MEM_SRAM, ROLE_INPUT, 2, dx, qx);
	w = ir_add_tensor(f, "w", ir_f32(), MEM_DRAM, ROLE_PARAM, 2, dw, rw);
	qw.kind = INIT_QUANT, qw.src[0] = w;
	wq = ir_add_tensor(f, "wq", q8, MEM_SRAM, ROLE_PARAM, 2, dw, qw);
	h = ir_add_tensor(f, "h", q8, MEM_REG, ROLE_STATE, 2, dh, zero);
	y = ir_add_tensor(f, "y", q8, MEM_DRAM, ROLE_OUTPUT, 2, dy, zero);
	y2 = ir_add_tensor(f, "y2", ir_f32(), MEM_DRAM, ROLE_OUTPUT, 2, dy, zero);
	sig = ir_add_tensor(f, "sig", q8, MEM_LUT, ROLE_PARAM, 1, dt, lut);

	t = ir_b_loop(&b, LOOP_SEQ, "t", 3);
	b.at = t;
	j = ir_b_loop(&b, LOOP_FOREACH, "j", 2);
	f->nodes[j].l.par = 2;
	b.at = j;
	k = ir_b_loop(&b, LOOP_REDUCE, "k", 6);
	f->nodes[k].l.vec = 2;
	b.at = k;
	{
		Access ax, ah;

		idx[0] = ir_aff_var(t), idx[1] = ir_aff_var(k);
		ax = ir_access(f, xq, idx);
		ir_access_pred(&ax, PRED_LT, ir_aff_var(k), 4);
		xv = ir_b_load(&b, ax);
		idx[1] = ir_aff_add(ir_aff_var(k), ir_aff_const(-4));
		ah = ir_access(f, h, idx);
		ir_access_pred(&ah, PRED_GE, ir_aff_var(k), 4);
		hv = ir_b_load(&b, ah);
		v = ir_b_op(&b, OP_ADD, q8, xv, hv);
		idx[0] = ir_aff_var(j), idx[1] = ir_aff_var(k);
		m0 = ir_b_op(&b, OP_MUL, q32, ir_b_load(&b, ir_access(f, wq, idx)), v);
		idx[0] = ir_aff_add(ir_aff_var(j), ir_aff_const(2));
		m1 = ir_b_op(&b, OP_MUL, q32, ir_b_load(&b, ir_access(f, wq, idx)), v);
	}
	red = k;
	b.at = j;
	g0 = ir_b_result(f, red, q32, m0);
	g1 = ir_b_result(f, red, q32, m1);
	a0 = ir_b_op(&b, OP_CAST, q8, g0, 0);
	s0 = ir_b_lut(&b, sig, a0);
	a1 = ir_b_op(&b, OP_CAST, ir_fix(16, 12), g1, 0);
	t1 = ir_b_op(&b, OP_TANH, q8, a1, 0);
	one = ir_b_const(&b, q8, 1);
	d = ir_b_op(&b, OP_SUB, q8, one, s0);
	p = ir_b_op(&b, OP_MUL, q8, d, t1);
	idx[0] = ir_aff_var(t), idx[1] = ir_aff_var(j);
	hold = ir_b_load(&b, ir_access(f, h, idx));
	q = ir_b_op(&b, OP_MUL, q8, s0, hold);
	hn = ir_b_op(&b, OP_ADD, q8, p, q);
	ir_b_store(&b, ir_access(f, y, idx), hn);
	cf = ir_b_op(&b, OP_CAST, ir_f32(), hn, 0);
	cf = ir_b_op(&b, OP_MAX, ir_f32(), ir_b_op(&b, OP_NEG, ir_f32(), cf, 0),
	             ir_b_const(&b, ir_f32(), -0.375));
	cf = ir_b_op(&b, OP_MIN, ir_f32(), ir_b_op(&b, OP_SIGMOID, ir_f32(), cf, 0), cf);
	ir_b_store(&b, ir_access(f, y2, idx), cf);
	idx[0] = ir_aff_add(ir_aff_var(t), ir_aff_const(1));
	ir_b_store(&b, ir_access(f, h, idx), hn);
	return f;
}

static int
access_eq(const Access *a, const Access *b)
{
	int i;

	if (a->tensor != b->tensor || a->ndim != b->ndim || a->npred != b->npred)
		return 0;
	for (i = 0; i < a->ndim; i++) {
		if (!ir_aff_eq(&a->idx[i], &b->idx[i]))
			return 0;
	}
	for (i = 0; i < a->npred; i++) {
		if (a->pred[i].kind != b->pred[i].kind || a->pred[i].bound != b->pred[i].bound ||
		    !ir_aff_eq(&a->pred[i].e, &b->pred[i].e))
			return 0;
	}
	return 1;
}

/* The same nodes with the same handles: what the builder made, the parser made. */
static void
check_same_structure(const Func *a, const Func *b)
{
	int i, k;

	CU_ASSERT_STRING_EQUAL(a->name, b->name);
	CU_ASSERT_EQUAL_FATAL(a->ntensors, b->ntensors);
	for (i = 0; i < a->ntensors; i++) {
		const Tensor *x = &a->tensors[i], *y = &b->tensors[i];

		CU_ASSERT_STRING_EQUAL(x->name, y->name);
		CU_ASSERT(ir_type_eq(x->ty, y->ty) && x->mem == y->mem && x->role == y->role);
		CU_ASSERT(x->ndim == y->ndim && !memcmp(x->dim, y->dim, sizeof x->dim));
		CU_ASSERT(x->init.kind == y->init.kind && x->init.seed == y->init.seed);
		CU_ASSERT(x->init.lo == y->init.lo && x->init.hi == y->init.hi);
		CU_ASSERT(x->init.src[0] == y->init.src[0] && x->init.fn == y->init.fn);
	}
	CU_ASSERT_EQUAL_FATAL(a->nnodes, b->nnodes);
	CU_ASSERT_EQUAL_FATAL(a->body.len, b->body.len);
	CU_ASSERT(!memcmp(a->body.n, b->body.n, (size_t)a->body.len * sizeof(Ref)));
	for (i = 1; i < a->nnodes; i++) {
		const Node *x = &a->nodes[i], *y = &b->nodes[i];

		CU_ASSERT_EQUAL_FATAL(x->kind, y->kind);
		CU_ASSERT_EQUAL(x->parent, y->parent);
		if (x->kind == N_LOOP) {
			CU_ASSERT(x->l.kind == y->l.kind && !strcmp(x->l.var, y->l.var));
			CU_ASSERT(x->l.extent == y->l.extent && x->l.par == y->l.par &&
			          x->l.vec == y->l.vec && x->l.comb == y->l.comb);
			CU_ASSERT_EQUAL_FATAL(x->l.body.len, y->l.body.len);
			CU_ASSERT(!memcmp(x->l.body.n, y->l.body.n,
			                  (size_t)x->l.body.len * sizeof(Ref)));
			CU_ASSERT_EQUAL_FATAL(x->l.nres, y->l.nres);
			for (k = 0; k < x->l.nres; k++)
				CU_ASSERT(x->l.res[k] == y->l.res[k] && x->l.yield[k] == y->l.yield[k]);
		} else {
			CU_ASSERT(x->i.op == y->i.op && ir_type_eq(x->i.ty, y->i.ty));
			CU_ASSERT(x->i.arg[0] == y->i.arg[0] && x->i.arg[1] == y->i.arg[1]);
			CU_ASSERT(x->i.imm == y->i.imm);
			CU_ASSERT(x->i.loop == y->i.loop && x->i.index == y->i.index);
			if (x->i.op == OP_LOAD || x->i.op == OP_STORE)
				CU_ASSERT(access_eq(&x->i.acc, &y->i.acc));
			if (x->i.op == OP_LUT)
				CU_ASSERT_EQUAL(x->i.acc.tensor, y->i.acc.tensor);
		}
	}
}

static void
test_ir_roundtrip_built(void)
{
	Ctx c;
	Func *f, *g;
	Memory ma, mb;
	char *t1, *t2;
	int i;

	ir_ctx_init(&c);
	f = build_cell(&c);
	t1 = printed(f);
	g = parse_text(&c, t1, strlen(t1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(c.ndiags, 0);
	t2 = printed(g);
	CU_ASSERT_STRING_EQUAL(t1, t2);
	check_same_structure(f, g);

	CU_ASSERT_EQUAL_FATAL(ir_mem_init(f, &ma), 0);
	CU_ASSERT_EQUAL_FATAL(ir_mem_init(g, &mb), 0);
	CU_ASSERT_EQUAL(ir_interp(f, &ma), 0);
	CU_ASSERT_EQUAL(ir_interp(g, &mb), 0);
	for (i = 0; i < f->ntensors; i++) {
		Diff d;

		CU_ASSERT_EQUAL(ir_compare(f, &ma, g, &mb, f->tensors[i].name, &d), 0);
		CU_ASSERT_EQUAL(d.differ, 0);
		CU_ASSERT(d.n > 0);
	}
	{
		/* the cell computed something: some output is not zero */
		int yi = ir_find_tensor(f, "y2");
		int64_t e, nz = 0;

		for (e = 0; e < ma.buf[yi].n; e++)
			nz += ir_buf_get(&ma.buf[yi], e) != 0;
		CU_ASSERT(nz > 0);
	}
	ir_mem_free(&ma);
	ir_mem_free(&mb);
	free(t1);
	free(t2);
	ir_ctx_free(&c);
}

/* Comments, blank lines, free spacing and other spellings of the same index expressions. */
static void
test_ir_normalize(void)
{
	static const char text[] =
		"# a hand-written function\n"
		"func   hand {   # the name\n"
		"\n"
		"\ttensor a:f32[8,8]dram input=rand(3,-1,1)\n"
		"  tensor b : f32 [8] dram output   # results\n"
		"  foreach i 8 { foreach j 2 par 1 vec 1 {\n"
		"    %10 = load f32 a[3*j + i - 3*j, 7 - i] if -i >= -7 && i+j*2<9\n"
		"    %3=neg f32 %10\n"
		"    store b[i], %3 if 0*j + i < 8\n"
		"  }}\n"
		"}";
	static const char want[] =
		"func hand {\n"
		"  tensor a : f32 [8, 8] dram input = rand(3, -1, 1)\n"
		"  tensor b : f32 [8] dram output\n"
		"\n"
		"  foreach i 8 {\n"
		"    foreach j 2 {\n"
		"      %0 = load f32 a[i, -i + 7] if -i >= -7 && i + j*2 < 9\n"
		"      %1 = neg f32 %0\n"
		"      store b[i], %1 if i < 8\n"
		"    }\n"
		"  }\n"
		"}\n";
	Ctx c;
	Func *f;
	char *out;

	ir_ctx_init(&c);
	f = parse_text(&c, text, strlen(text));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	out = printed(f);
	CU_ASSERT_STRING_EQUAL(out, want);
	free(out);
	ir_ctx_free(&c);
}

/* Every node and tensor points at its line. */
static void
test_ir_locations(void)
{
	static const char text[] =
		"func f {\n"
		"  tensor x : f32 [4] dram input\n"
		"\n"
		"  %0 = reduce add k 4 : f32 {\n"
		"    %1 = load f32 x[k]\n"
		"    yield %1\n"
		"  }\n"
		"  store x[0], %0\n"
		"}\n";
	Ctx c;
	Func *f;

	ir_ctx_init(&c);
	f = parse_text(&c, text, strlen(text));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->tensors[0].loc.line, 2);
	CU_ASSERT_EQUAL(f->tensors[0].loc.col, 10);
	CU_ASSERT_EQUAL_FATAL(f->nnodes, 5);
	CU_ASSERT_EQUAL(f->nodes[1].kind, N_LOOP);
	CU_ASSERT_EQUAL(f->nodes[1].loc.line, 4);
	CU_ASSERT_EQUAL(f->nodes[2].loc.line, 5);
	CU_ASSERT_EQUAL(f->nodes[2].loc.col, 5);
	CU_ASSERT_EQUAL(f->nodes[3].i.op, OP_RESULT);
	CU_ASSERT_EQUAL(f->nodes[3].loc.line, 4);
	CU_ASSERT_EQUAL(f->nodes[4].i.op, OP_STORE);
	CU_ASSERT_EQUAL(f->nodes[4].loc.line, 8);
	CU_ASSERT_PTR_NOT_NULL(f->nodes[4].loc.file);
	ir_ctx_free(&c);
}

/* Parses text; a rejected text must have reported an error. */
static void
parse_any(const char *text, size_t len)
{
	Ctx c;
	Func *f;

	ir_ctx_init(&c);
	f = parse_text(&c, text, len);
	CU_ASSERT(f ? c.nerrors == 0 : c.nerrors > 0);
	if (f)
		free(printed(f));
	ir_ctx_free(&c);
}

/* Every prefix of a printed function and every single-byte change of it is parsed or
 * rejected with a message, never a crash (the sanitizer build checks the memory accesses). */
static void
test_ir_mutations(void)
{
	static const unsigned char bytes[] = {0, '\n', ' ', '}', '{', '%', '-', '9', 'k', 0xff};
	Ctx c;
	char *text, *buf;
	size_t len, i, k;

	ir_ctx_init(&c);
	text = printed(build_cell(&c));
	ir_ctx_free(&c);
	len = strlen(text);
	buf = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	for (i = 0; i <= len; i++)
		parse_any(text, i);
	for (i = 0; i < len; i += 3) {
		for (k = 0; k < sizeof bytes; k++) {
			memcpy(buf, text, len);
			buf[i] = (char)bytes[k];
			parse_any(buf, len);
		}
	}
	free(buf);
	free(text);
}

static CU_TestInfo ir_tests[] = {
	{"roundtrip_built", test_ir_roundtrip_built},
	{"normalize", test_ir_normalize},
	{"locations", test_ir_locations},
	{"mutations", test_ir_mutations},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{.pName = "ir", .pTests = ir_tests},
	CU_SUITE_INFO_NULL,
};
