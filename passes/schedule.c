/* The schedule pass: applies the design knobs to the fused nest.
 *
 *   hu  copies of the hidden-unit loop working in parallel (`par` of the foreach that holds the
 *       reduction);
 *   hv  lanes across hidden units (`vec` of that foreach), the alternative mapping;
 *   rv  the vector width of one reduction tile, and ru the tiles reduced in parallel: a
 *       reduction over k in 0..N becomes
 *         reduce k_t ceil(N / (ru*rv)) { reduce k_u ru par ru { reduce k_v rv vec rv {
 *             ... k = k_t*ru*rv + k_u*rv + k_v ... } } }
 *       and when ru*rv does not divide N the loads of the tail are predicated `if k < N`, so
 *       those lanes read nothing and add 0.
 *
 * Factors larger than their loop are clamped to it. In fixed point a reduction is exact
 * (docs/numerics.md), so the schedule never changes a fixed-point result; in f32 it reorders the
 * sum. */
#include <string.h>

#include "passes.h"

typedef struct Sched {
	IrMap m;
	const Knobs *k;
	int failed;
} Sched;


static int
holds_reduce(const Func *f, const Block *b)
{
	int i;

	for (i = 0; i < b->len; i++) {
		const Node *n = &f->nodes[b->n[i]];

		if (n->kind == N_LOOP && n->l.kind == LOOP_REDUCE)
			return 1;
	}
	return 0;
}

/* Every contribution is a product with a load, so a masked (predicated-off) load makes it 0. */
static int
masked_lanes_add_zero(const Func *f, const Loop *l)
{
	int k, j;

	for (k = 0; k < l->nres; k++) {
		const Instr *y = &f->nodes[l->yield[k]].i;
		int ok = 0;

		if (y->op == OP_MUL) {
			for (j = 0; j < 2; j++)
				ok |= f->nodes[y->arg[j]].i.op == OP_LOAD;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

static void copy_block(Builder *b, Sched *s, const Block *blk, const Pred *tail);

/* Copies an instruction; inside a tiled reduction, loads also get the tail predicate. */
static void
copy_instr(Builder *b, Sched *s, Ref r, const Pred *tail)
{
	Ref nr = ir_copy_instr(b, &s->m, r);
	Instr *in = &s->m.dst->nodes[nr].i;

	if (tail && in->op == OP_LOAD) {
		int i;

		for (i = 0; i < in->acc.npred; i++) {
			const Pred *p = &in->acc.pred[i];

			if (p->kind == PRED_LT && p->bound <= tail->bound && ir_aff_eq(&p->e, &tail->e))
				return;  /* already as strict */
		}
		if (in->acc.npred == IR_MAXPRED) {
			ir_error(s->m.dst->c, s->m.src->nodes[r].loc, "cannot tile: a load of '%s' already "
			         "has %d predicates", s->m.dst->tensors[in->acc.tensor].name, IR_MAXPRED);
			s->failed = 1;
			return;
		}
		ir_access_pred(&in->acc, tail->kind, tail->e, tail->bound);
	}
}

static Ref
new_loop(Builder *b, LoopKind kind, const char *var, int32_t extent, int32_t par, int32_t vec)
{
	Ref r = ir_b_loop(b, kind, var, extent);

	b->f->nodes[r].l.par = par;
	b->f->nodes[r].l.vec = vec;
	return r;
}

/* Partial sums of a tiled fixed-point reduction are kept in 64 bits: only the outermost level
 * rounds to the result type, so the sum stays exact and saturates once, as before tiling. */
static Type
partial_type(Type t)
{
	return t.kind == TY_FIX ? ir_fix(64, t.frac) : t;
}

static void
tile_reduce(Builder *b, Sched *s, Ref r)
{
	const Func *src = s->m.src;
	Func *dst = s->m.dst;
	const Loop *l = &src->nodes[r].l;
	int32_t n = l->extent, rv = s->k->rv, ru = s->k->ru, nt;
	int32_t ext[3], par[3], vec[3];
	const char *suffix[3];
	Ref lv[3], saved = b->at;
	Affine k = ir_aff_const(0);
	Pred tail = {0};
	int i, j, nl = 0;

	rv = rv < 1 ? 1 : rv > n ? n : rv;
	ru = ru < 1 ? 1 : ru > (n + rv - 1) / rv ? (n + rv - 1) / rv : ru;
	nt = (n + ru * rv - 1) / (ru * rv);
	/* the levels, outermost first; those of extent 1 are left out */
	if (nt > 1 && nt < n)
		ext[nl] = nt, par[nl] = 1, vec[nl] = 1, suffix[nl++] = "t";
	if (ru > 1)
		ext[nl] = ru, par[nl] = ru, vec[nl] = 1, suffix[nl++] = "u";
	if (rv > 1)
		ext[nl] = rv, par[nl] = 1, vec[nl] = rv, suffix[nl++] = "v";
	if (nl == 0 || (nl == 1 && ext[0] == n && par[0] == l->par && vec[0] == l->vec) ||
	    (ru == 1 && rv == 1)) {
		b->loc = src->nodes[r].loc;
		lv[0] = new_loop(b, LOOP_REDUCE, l->var, n, l->par, l->vec);
		s->m.var[r] = ir_aff_var(lv[0]);
		b->at = lv[0];
		copy_block(b, s, &l->body, NULL);
		for (i = 0; i < l->nres; i++)
			s->m.val[l->res[i]] = ir_b_result(dst, lv[0], src->nodes[l->res[i]].i.ty,
			                                  s->m.val[l->yield[i]]);
		b->at = saved;
		return;
	}
	b->loc = src->nodes[r].loc;
	for (j = 0; j < nl; j++) {
		int64_t stride = 1;
		const char *var = ir_sprintf(&dst->c->arena, "%s_%s", l->var, suffix[j]);

		lv[j] = new_loop(b, LOOP_REDUCE, ir_fresh_var(dst, src, var), ext[j], par[j], vec[j]);
		for (i = j + 1; i < nl; i++)
			stride *= ext[i];
		k = ir_aff_add(k, ir_aff_scale(ir_aff_var(lv[j]), stride));
		b->at = lv[j];
	}
	s->m.var[r] = k;
	if ((int64_t)nt * ru * rv > n) {
		if (!masked_lanes_add_zero(src, l)) {
			ir_error(dst->c, src->nodes[r].loc, "cannot tile reduce %s: %d does not divide "
			         "its %d iterations and a masked lane would not add 0", l->var, ru * rv, n);
			s->failed = 1;
		}
		tail.kind = PRED_LT;
		tail.e = k;
		tail.bound = n;
	}
	copy_block(b, s, &l->body, tail.e.nterm ? &tail : NULL);
	/* results flow outwards: the innermost level yields the old values, each level outside
	 * adds up the one inside */
	for (i = 0; i < l->nres; i++) {
		Type ty = src->nodes[l->res[i]].i.ty;
		Ref v = s->m.val[l->yield[i]];

		for (j = nl - 1; j >= 0; j--)
			v = ir_b_result(dst, lv[j], j ? partial_type(ty) : ty, v);
		s->m.val[l->res[i]] = v;
	}
	b->at = saved;
}

static void
copy_loop(Builder *b, Sched *s, Ref r, const Pred *tail)
{
	const Func *src = s->m.src;
	const Loop *l = &src->nodes[r].l;
	int32_t par = l->par, vec = l->vec;
	Ref nl, saved = b->at;
	int i;

	if (l->kind == LOOP_REDUCE && !tail) {
		tile_reduce(b, s, r);
		return;
	}
	if (l->kind == LOOP_FOREACH && holds_reduce(src, &l->body)) {
		if (s->k->hu > 0)
			par = s->k->hu > l->extent ? l->extent : s->k->hu;
		if (s->k->hv > 0)
			vec = s->k->hv > l->extent ? l->extent : s->k->hv;
	}
	b->loc = src->nodes[r].loc;
	nl = new_loop(b, l->kind, l->var, l->extent, par, vec);
	s->m.var[r] = ir_aff_var(nl);
	b->at = nl;
	copy_block(b, s, &l->body, tail);
	b->at = saved;
	for (i = 0; i < l->nres; i++)
		s->m.val[l->res[i]] = ir_b_result(s->m.dst, nl, src->nodes[l->res[i]].i.ty,
		                                  s->m.val[l->yield[i]]);
}

static void
copy_block(Builder *b, Sched *s, const Block *blk, const Pred *tail)
{
	int i;

	for (i = 0; i < blk->len && !s->failed; i++) {
		Ref r = blk->n[i];

		if (s->m.src->nodes[r].kind == N_LOOP)
			copy_loop(b, s, r, tail);
		else
			copy_instr(b, s, r, tail);
	}
}

Func *
pass_schedule(Ctx *c, const Func *f, const Knobs *k)
{
	Func *g = ir_func_new(c ? c : f->c, f->name);
	Builder b = {g, 0, {0}};
	Sched s = {{0}, k, 0};

	g->loc = f->loc;
	ir_map_init(&s.m, f, g);
	copy_block(&b, &s, &f->body, NULL);
	return s.failed ? NULL : g;
}
