/* Unit tests of the passes. The oracle is the IR interpreter: every pass must keep what the
 * function computes (bit for bit in fixed point, within 1e-5 in fp32), its result must pass the
 * verifier, and its printed form must parse back to the same text. Shapes cover the three
 * cells, DeepBench sizes (one or two steps) and awkward ones (hidden 1 and 7, input != hidden,
 * one step, batch > 1), and schedules whose factors do not divide their loops. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "cpu/blasref.h"
#include "cpu/cpu.h"
#include "frontend/fe.h"
#include "ir/exec.h"
#include "passes/passes.h"

typedef struct Shape {
	const char *cell;
	int H, D, T, B;
	const char *extra;  /* more spec lines */
} Shape;

static int
spec_of(Ctx *c, const Shape *sh, CellSpec *s)
{
	char text[512];

	snprintf(text, sizeof text, "name: t\ncell: %s\nhidden: %d\ninput: %d\ntimesteps: %d\n"
	         "batch: %d\n%s", sh->cell, sh->H, sh->D, sh->T, sh->B, sh->extra ? sh->extra : "");
	return fe_parse_spec(c, "t.yaml", text, strlen(text), s);
}

static char *
printed(const Func *f)
{
	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	ir_print(f, out);
	fclose(out);
	return buf;
}

/* Verifies f, and checks that its text parses back to the same text. */
static int
check_ir(Ctx *c, const Func *f)
{
	char *text;
	const SrcFile *src;
	Func *g;
	int ok;

	if (!f)
		return 0;
	if (ir_verify(f)) {
		ir_print_diags(c, stderr);
		return 0;
	}
	text = printed(f);
	src = ir_add_source(c, "printed.rir", text, strlen(text));
	g = ir_parse(c, src);
	ok = g != NULL;
	if (ok) {
		char *again = printed(g);

		ok = !strcmp(text, again);
		free(again);
	}
	free(text);
	return ok;
}

typedef struct Run {
	const Func *f;
	Memory m;
} Run;

static int
run(Run *r, const Func *f)
{
	r->f = f;
	return ir_mem_init(f, &r->m) == 0 && ir_interp(f, &r->m) == 0;
}

/* Compares the outputs (h, and c for LSTM) of two executions. */
static int
same_outputs(const Run *a, const Run *b, int exact, double *max_abs)
{
	static const char *const outs[] = {"h", "c"};
	size_t i;
	int ok = 1;

	for (i = 0; i < 2; i++) {
		Diff d;

		if (ir_find_tensor(a->f, outs[i]) < 0)
			continue;
		if (ir_compare(a->f, &a->m, b->f, &b->m, outs[i], &d) < 0)
			return 0;
		if (max_abs && d.max_abs > *max_abs)
			*max_abs = d.max_abs;
		if (exact ? d.differ != 0 : d.max_rel > 1e-5) {
			fprintf(stderr, "%s: %lld of %lld differ, max abs %g, max rel %g\n", outs[i],
			        (long long)d.differ, (long long)d.n, d.max_abs, d.max_rel);
			ok = 0;
		}
	}
	return ok;
}

/* The JIT on f gives the interpreter's outputs: bit for bit unless fast (f32 reordered). */
static int
jit_agrees(Ctx *c, const Run *ref, int fast)
{
	CpuOptions o = cpu_options_default();
	CpuJit *j;
	Run r;
	int ok;

	o.fast_reduce = fast;
	if (!(j = cpu_jit_new(c, ref->f, &o)))
		return 0;
	r.f = ref->f;
	ok = ir_mem_init(ref->f, &r.m) == 0 && cpu_jit_run(j, &r.m) == 0 &&
	     same_outputs(ref, &r, !fast, NULL);
	ir_mem_free(&r.m);
	cpu_jit_free(j);
	return ok;
}

static const float *
buf(const Run *r, const char *name)
{
	int t = ir_find_tensor(r->f, name);

	return t < 0 ? NULL : r->m.buf[t].f;
}

/* The fp32 IR against OpenBLAS on the same weights (the unfused run's initial contents). */
static int
blas_agrees(const CellSpec *s, const Run *ir)
{
	Run init;
	BlasCell p = {0};
	int64_t nh = (int64_t)(s->timesteps + 1) * s->batch * s->hidden, i;
	float *h = calloc((size_t)nh, sizeof *h), *cs = calloc((size_t)s->batch * s->hidden, 4);
	const float *ho = buf(ir, "h"), *co = buf(ir, "c");
	int ok;

	CU_ASSERT_FATAL(h && cs && ir_mem_init(ir->f, &init.m) == 0);
	p.cell = s->cell;
	p.T = s->timesteps, p.B = s->batch, p.D = s->input, p.H = s->hidden;
	p.x = buf(&(Run){ir->f, init.m}, "x");
	p.wx = buf(&(Run){ir->f, init.m}, "wx");
	p.uh = buf(&(Run){ir->f, init.m}, "uh");
	p.bx = buf(&(Run){ir->f, init.m}, "bx");
	p.bh = buf(&(Run){ir->f, init.m}, "bh");
	p.h = h;
	p.c = cs;
	ok = cpu_blas_run(&p) == 0;
	for (i = 0; ok && i < nh; i++)
		ok = fabs(h[i] - ho[i]) <= 1e-5 * fmax(1, fmax(fabs(h[i]), fabs(ho[i])));
	for (i = 0; ok && co && i < (int64_t)s->batch * s->hidden; i++)
		ok = fabs(cs[i] - co[i]) <= 1e-5 * fmax(1, fmax(fabs(cs[i]), fabs(co[i])));
	ir_mem_free(&init.m);
	free(h);
	free(cs);
	return ok;
}

static const Knobs knob_sets[] = {
	{.hu = 0, .ru = 0, .rv = 0, .hv = 0}, {.hu = 1, .ru = 1, .rv = 1, .hv = 1},
	{.hu = 2, .ru = 0, .rv = 4, .hv = 0}, {.hu = 3, .ru = 5, .rv = 4, .hv = 0},
	{.hu = 4, .ru = 2, .rv = 16, .hv = 2}, {.hu = 5, .ru = 7, .rv = 3, .hv = 0},
	{.hu = 1, .ru = 64, .rv = 64, .hv = 0},
};

/* The whole chain on one shape, with every check. */
static void
chain(const Shape *sh, int first, int nknobs)
{
	Ctx c;
	CellSpec s;
	Func *unf, *fus, *q, *qu, *qf;
	Run r_unf, r_fus, r_q, r_qf;
	int k;

	ir_ctx_init(&c);
	CU_ASSERT_FATAL(spec_of(&c, sh, &s) == 0);
	unf = pass_build(&c, &s);
	CU_ASSERT_FATAL(check_ir(&c, unf));
	fus = pass_fuse(unf);
	CU_ASSERT_FATAL(check_ir(&c, fus));
	q = pass_quantize(fus, &s);
	CU_ASSERT_FATAL(check_ir(&c, q));
	/* quantizing before fusing gives the same function values */
	qu = pass_quantize(unf, &s);
	CU_ASSERT_FATAL(check_ir(&c, qu));
	qf = pass_fuse(qu);
	CU_ASSERT_FATAL(check_ir(&c, qf));

	CU_ASSERT_FATAL(run(&r_unf, unf) && run(&r_fus, fus) && run(&r_q, q) && run(&r_qf, qf));
	CU_ASSERT(same_outputs(&r_unf, &r_fus, 0, NULL));
	CU_ASSERT(same_outputs(&r_q, &r_qf, s.prec.kind == PREC_FIXED, NULL));
	/* three executions: interpreter, OpenBLAS, JIT */
	CU_ASSERT(blas_agrees(&s, &r_unf));
	CU_ASSERT(blas_agrees(&s, &r_fus));
	CU_ASSERT(jit_agrees(&c, &r_fus, 0));
	CU_ASSERT(jit_agrees(&c, &r_fus, 1));
	CU_ASSERT(jit_agrees(&c, &r_q, 0));

	for (k = first; k < first + nknobs; k++) {
		Func *sf = pass_schedule(NULL, fus, &knob_sets[k]);
		Func *sq = pass_schedule(NULL, q, &knob_sets[k]);
		Run r_sf, r_sq;

		CU_ASSERT_FATAL(check_ir(&c, sf) && check_ir(&c, sq));
		CU_ASSERT_FATAL(run(&r_sf, sf) && run(&r_sq, sq));
		CU_ASSERT(jit_agrees(&c, &r_sq, 0));
		if (!same_outputs(&r_fus, &r_sf, 0, NULL) ||
		    !same_outputs(&r_q, &r_sq, s.prec.kind == PREC_FIXED, NULL)) {
			fprintf(stderr, "%s H=%d D=%d: schedule hu=%d ru=%d rv=%d hv=%d changed the "
			        "result\n", sh->cell, sh->H, sh->D, knob_sets[k].hu, knob_sets[k].ru,
			        knob_sets[k].rv, knob_sets[k].hv);
			CU_FAIL("schedule changed the result");
		}
		ir_mem_free(&r_sf.m);
		ir_mem_free(&r_sq.m);
	}
	ir_mem_free(&r_unf.m);
	ir_mem_free(&r_fus.m);
	ir_mem_free(&r_q.m);
	ir_mem_free(&r_qf.m);
	ir_ctx_free(&c);
}

static void
chains(const Shape *shapes, size_t n, int nknobs)
{
	size_t i;

	for (i = 0; i < n; i++)
		chain(&shapes[i], 0, nknobs);
}

#define NKNOBS ((int)(sizeof knob_sets / sizeof knob_sets[0]))

static void
test_small_shapes(void)
{
	static const Shape shapes[] = {
		{"lstm", 7, 5, 3, 2, NULL}, {"gru", 7, 5, 3, 2, NULL}, {"rnn", 7, 5, 3, 2, NULL},
		{"lstm", 1, 1, 1, 1, NULL}, {"gru", 1, 1, 1, 1, NULL}, {"rnn", 1, 1, 1, 1, NULL},
		{"lstm", 8, 3, 2, 1, NULL}, {"gru", 5, 11, 2, 3, NULL}, {"rnn", 16, 16, 4, 1, NULL},
	};

	chains(shapes, sizeof shapes / sizeof shapes[0], NKNOBS);
}

static void
test_precisions(void)
{
	static const Shape shapes[] = {
		{"lstm", 9, 4, 3, 2, "precision: {type: fp32}\n"},
		{"gru", 9, 4, 3, 2, "activation: {impl: exact}\n"},
		{"lstm", 6, 6, 2, 1, "precision: {weight_bits: 16, weight_frac: 12, act_bits: 16, "
		                     "act_frac: 12, accum_bits: 64}\n"},
		{"rnn", 6, 3, 2, 1, "activation: {entries: 256, range: [-4, 4]}\n"},
	};

	chains(shapes, sizeof shapes / sizeof shapes[0], 4);
}

/* DeepBench sizes, one or two steps: hu = 3 with H = 1024 and ru = 5 over D + H = 2048 (the
 * knob sets from {3, 5, 4, 0} on). */
static void
test_deepbench_shapes(void)
{
	static const Shape shapes[] = {
		{"lstm", 1024, 1024, 1, 1, NULL},
		{"gru", 512, 512, 2, 1, NULL},
		{"rnn", 1760, 1760, 1, 1, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		chain(&shapes[i], 3, 2);
}

/* The quantization error stays at the size of a few steps of the 8-bit formats. */
static void
test_quantization_error(void)
{
	static const Shape shapes[] = {
		{"lstm", 64, 64, 10, 2, NULL}, {"gru", 64, 64, 10, 2, NULL}, {"rnn", 64, 64, 10, 2, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		Ctx c;
		CellSpec s;
		Func *fus, *q;
		Run rf, rq;
		Diff d;

		ir_ctx_init(&c);
		CU_ASSERT_FATAL(spec_of(&c, &shapes[i], &s) == 0);
		fus = pass_fuse(pass_build(&c, &s));
		q = pass_quantize(fus, &s);
		CU_ASSERT_FATAL(run(&rf, fus) && run(&rq, q));
		CU_ASSERT_FATAL(ir_compare(fus, &rf.m, q, &rq.m, "h", &d) == 0);
		CU_ASSERT(d.max_abs < 0.15);
		CU_ASSERT(d.mean_abs < 0.03);
		CU_ASSERT(d.max_abs > 0);  /* 8-bit h cannot be exact */
		ir_mem_free(&rf.m);
		ir_mem_free(&rq.m);
		ir_ctx_free(&c);
	}
}

/* Fusion removes every intermediate buffer and keeps the work. */
static void
test_stats(void)
{
	static const Shape sh = {"lstm", 32, 16, 2, 1, NULL};
	Ctx c;
	CellSpec s;
	Func *unf, *fus;
	PassStats a, b;

	ir_ctx_init(&c);
	CU_ASSERT_FATAL(spec_of(&c, &sh, &s) == 0);
	unf = pass_build(&c, &s);
	fus = pass_fuse(unf);
	pass_stats(unf, &a);
	pass_stats(fus, &b);
	/* 16 buffers of B x H floats: xw, hw, a and s per gate */
	CU_ASSERT_EQUAL(a.temp_bytes, 16 * 32 * 4);
	CU_ASSERT_EQUAL(b.temp_bytes, 0);
	CU_ASSERT_EQUAL(b.temp_traffic, 0);
	CU_ASSERT_EQUAL(a.macs, ir_spec_macs_per_step(&s));
	CU_ASSERT_EQUAL(b.macs, ir_spec_macs_per_step(&s));
	/* fused: each weight once, xh once per hidden unit and gate, the x copy, the c and h
	 * traffic: far less than the unfused kernels */
	CU_ASSERT(b.load_bytes < a.load_bytes);
	CU_ASSERT(b.store_bytes < a.store_bytes);
	ir_ctx_free(&c);
}

/* The fused nest is the paper's: one reduction over D + H per step, with every gate. */
static void
test_fused_shape(void)
{
	static const Shape shapes[] = {{"lstm", 4, 3, 2, 1, NULL}, {"gru", 4, 3, 2, 1, NULL}};
	static const int nres[] = {4, 4};
	size_t i;

	for (i = 0; i < 2; i++) {
		Ctx c;
		CellSpec s;
		Func *f;
		int n, reduces = 0, tw;

		ir_ctx_init(&c);
		CU_ASSERT_FATAL(spec_of(&c, &shapes[i], &s) == 0);
		f = pass_fuse(pass_build(&c, &s));
		CU_ASSERT_FATAL(f != NULL);
		for (n = 1; n < f->nnodes; n++) {
			const Node *nd = &f->nodes[n];

			if (nd->kind == N_LOOP && nd->l.kind == LOOP_REDUCE) {
				reduces++;
				CU_ASSERT_EQUAL(nd->l.extent, 7);
				CU_ASSERT_EQUAL(nd->l.nres, nres[i]);
			}
		}
		CU_ASSERT_EQUAL(reduces, 1);
		tw = ir_find_tensor(f, "w");
		CU_ASSERT_FATAL(tw >= 0);
		CU_ASSERT_EQUAL(f->tensors[tw].init.kind, INIT_CONCAT);
		CU_ASSERT_EQUAL(f->tensors[tw].dim[2], 7);
		ir_ctx_free(&c);
	}
}

static CU_TestInfo passes_tests[] = {
	{"small shapes, every knob set", test_small_shapes},
	{"precisions", test_precisions},
	{"DeepBench shapes", test_deepbench_shapes},
	{"quantization error", test_quantization_error},
	{"statistics", test_stats},
	{"fused shape", test_fused_shape},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"passes", NULL, NULL, NULL, NULL, passes_tests},
	CU_SUITE_INFO_NULL,
};
