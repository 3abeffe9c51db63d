/* The fusion pass: the kernels of a time step become one nest, as in the paper.
 *
 * Input: a function whose body holds a sequential time loop; each kernel of a step is a
 * `foreach b B { foreach i H { ... } }` nest over the same (B, H), made of instructions and
 * gemv-style reductions `sum_k P[.., k] * V[.., k]` (P a parameter). The build pass produces this
 * form; hand-written IR of the same form fuses too. Anything else is reported, not guessed at.
 *
 * What it does, per step:
 *  1. Loop fusion. The kernels' nests become one `foreach b { foreach i }`. This is legal when two
 *     kernels only meet at the same (b, i), or never (h is read at step t and written at t+1);
 *     any other dependence between kernels is reported.
 *  2. Buffer forwarding. A temp buffer written at [b, i] and read back at [b, i] in a later
 *     kernel becomes the value itself: the intermediate buffers disappear.
 *  3. Concatenation. When the reductions read two vectors, an input x (not written in the step)
 *     and the recurrent state h (written at t+1), they are joined into one state buffer
 *     xh = [x_t ; h_t] of length D+H, and the two weight tensors into w = concat(Wx, Uh). x_t is
 *     copied into xh at the start of each step (a separate nest, before any hidden unit reads
 *     it), and every store of h also stores the xh half of the next step: double buffering by
 *     the step index, so no hidden unit overwrites what another still reads.
 *  4. One reduction. Every product becomes a result of a single reduce over k in D+H; a product
 *     of the x half loads `if k < D`, one of the h half `if k >= D`, and a sum of an x and an h
 *     product over the same weight row becomes one dot product over the whole of xh. With
 *     GRU's reset applied after the recurrent product, its candidate gate keeps its two halves
 *     apart (two results) and all six products still share one pass over xh.
 *  5. The epilogue. Biases, activations and the cell update follow the reduction, in the
 *     order of the original kernels.
 * In fp32 step 4 reorders sums (results agree within rounding); nothing else changes a value. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "passes.h"

enum { MAXK = 64 };  /* kernels per step */

typedef struct Red {
	Ref loop;       /* the reduce loop in the source */
	Ref pload, vload;
	int p, v;       /* param and vector tensors */
	int half;       /* 0: x half, 1: h half, -1: no concatenation */
	Ref pair;       /* the add that sums this product with its other half, or 0 */
	Ref res;        /* the new result */
} Red;

typedef struct Fuse {
	const Func *src;
	Func *dst;
	Ctx *c;
	IrMap m;
	Builder b;
	Ref t;                  /* the source time loop */
	Ref kb[MAXK], ki[MAXK];  /* each kernel's b and i loops */
	int nk;
	Ref *canon;             /* kernel loops -> the first kernel's, for comparing accesses */
	Ref *fwd;               /* a load of a forwarded buffer -> the value stored there */
	int *temp_store;        /* per tensor: the store of a forwardable temp, 0 none, -1 not */
	int *stored;            /* per tensor: stored in the step */
	int *uses;
	Red red[MAXK];
	int nred;
	int x, h, px, ph;       /* the halves, when concatenating: vectors and params */
	int D, H;
	int xh, w;              /* new tensors */
	int check_k;            /* check_one: the access being compared, and its kernel */
	Ref check_r;
	int failed;
} Fuse;

static const char *
tname(const Fuse *fu, int t)
{
	return fu->src->tensors[t].name;
}

static void fail(Fuse *fu, Ref at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail(Fuse *fu, Ref at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	ir_error(fu->c, fu->src->nodes[at].loc, "cannot fuse: %s", msg);
	fu->failed = 1;
}

/* ---- looking at the source ---------------------------------------------------------------- */

static Affine
canon_aff(const Fuse *fu, const Affine *a)
{
	Affine r = ir_aff_const(a->c);
	int i;

	for (i = 0; i < a->nterm; i++)
		r = ir_aff_add(r, ir_aff_scale(ir_aff_var(fu->canon[a->t[i].loop]), a->t[i].coef));
	return r;
}

/* Does the expression use a loop other than the time loop and the kernel loops? */
static int
has_inner(const Fuse *fu, const Affine *a)
{
	int i;

	for (i = 0; i < a->nterm; i++) {
		Ref l = fu->canon[a->t[i].loop];

		if (l != fu->t && l != fu->kb[0] && l != fu->ki[0])
			return 1;
	}
	return 0;
}

/* Does the access name a different element for every (b, i)? */
static int
injective(const Fuse *fu, const Access *a)
{
	int d, hb = 0, hi = 0;

	for (d = 0; d < a->ndim; d++) {
		Affine x = canon_aff(fu, &a->idx[d]);

		if (x.nterm == 1 && x.t[0].coef == 1) {
			hb |= x.t[0].loop == fu->kb[0];
			hi |= x.t[0].loop == fu->ki[0];
		}
	}
	return hb && hi;
}

/* Two accesses of different kernels to one tensor: 1 if they touch one element only at the same
 * (b, i) of the fused nest, 2 if never, 0 if they may meet at different points. */
static int
meet(const Fuse *fu, const Access *a, const Access *b)
{
	int d, same = 1;

	for (d = 0; d < a->ndim; d++) {
		Affine x = canon_aff(fu, &a->idx[d]), y = canon_aff(fu, &b->idx[d]);
		Affine diff = ir_aff_add(x, ir_aff_scale(y, -1));

		if (diff.nterm == 0 && diff.c != 0 && !has_inner(fu, &x) && !has_inner(fu, &y))
			return 2;
		if (!ir_aff_eq(&x, &y) || has_inner(fu, &x))
			same = 0;
	}
	return same && !a->npred && !b->npred && injective(fu, a);
}

/* Visits every instruction of a block, nested ones included. */
typedef void Visit(Fuse *fu, int kernel, Ref r);

static void
walk(Fuse *fu, int k, const Block *blk, Visit *fn)
{
	int i;

	for (i = 0; i < blk->len; i++) {
		const Node *n = &fu->src->nodes[blk->n[i]];

		if (n->kind == N_LOOP)
			walk(fu, k, &n->l.body, fn);
		else
			fn(fu, k, blk->n[i]);
	}
}

static void
note_store(Fuse *fu, int k, Ref r)
{
	const Instr *in = &fu->src->nodes[r].i;
	const Tensor *t;

	(void)k;
	if (in->op != OP_STORE)
		return;
	t = &fu->src->tensors[in->acc.tensor];
	fu->stored[in->acc.tensor] = 1;
	if (t->role != ROLE_TEMP || fu->temp_store[in->acc.tensor])
		fu->temp_store[in->acc.tensor] = -1;  /* stored twice: keep the buffer */
	else if (fu->src->nodes[r].parent == fu->ki[k] && !in->acc.npred && injective(fu, &in->acc))
		fu->temp_store[in->acc.tensor] = r;
	else
		fu->temp_store[in->acc.tensor] = -1;
}

/* Checks every pair of accesses of different kernels, and whether a temp can be forwarded. */

static void
check_pair(Fuse *fu, int k, Ref r)
{
	const Instr *a = &fu->src->nodes[fu->check_r].i, *b = &fu->src->nodes[r].i;
	int kind;

	if (k <= fu->check_k || (a->op != OP_STORE && b->op != OP_STORE))
		return;
	if ((a->op != OP_LOAD && a->op != OP_STORE) || (b->op != OP_LOAD && b->op != OP_STORE))
		return;
	if (a->acc.tensor != b->acc.tensor)
		return;
	kind = meet(fu, &a->acc, &b->acc);
	if (kind == 0) {
		fail(fu, r, "kernels would read and write tensor '%s'", tname(fu, a->acc.tensor));
		ir_note(fu->c, fu->src->nodes[fu->check_r].loc, "the other access is here; they meet at "
		                                            "different points of the fused nest");
	} else if (kind == 1 && fu->temp_store[a->acc.tensor] > 0 && b->op == OP_LOAD &&
	         a->op == OP_STORE)
		fu->fwd[r] = a->arg[0];
	else if (fu->temp_store[a->acc.tensor] > 0 && b->op == OP_LOAD)
		fu->temp_store[a->acc.tensor] = -1;
}

static void
check_one(Fuse *fu, int k, Ref r)
{
	const Instr *in = &fu->src->nodes[r].i;
	int j;

	if (in->op != OP_LOAD && in->op != OP_STORE)
		return;
	fu->check_k = k;
	fu->check_r = r;
	for (j = k + 1; j < fu->nk; j++)
		walk(fu, j, &fu->src->nodes[fu->kb[j]].l.body, check_pair);
}

static Ref
resolve(const Fuse *fu, Ref v)
{
	while (fu->fwd[v])
		v = fu->fwd[v];
	return v;
}

static void
count_uses(Fuse *fu, int k, Ref r)
{
	const Instr *in = &fu->src->nodes[r].i;
	int j;

	(void)k;
	if (in->op == OP_LOAD && fu->fwd[r])
		return;
	if (in->op == OP_STORE && fu->temp_store[in->acc.tensor] == r)
		return;
	if (in->op == OP_CONST || in->op == OP_LOAD || in->op == OP_RESULT)
		return;
	for (j = 0; j < ir_ops[in->op].nargs; j++)
		fu->uses[resolve(fu, in->arg[j])]++;
}

/* A kernel's reduction: `sum_k P[.., k] * V[.., k]` with one result. */
static int
classify(Fuse *fu, Ref loop)
{
	const Func *f = fu->src;
	const Loop *l = &f->nodes[loop].l;
	const Instr *y;
	Red *rd;
	int j;

	if (fu->nred == MAXK) {
		fail(fu, loop, "more than %d reductions in one step", MAXK);
		return -1;
	}
	rd = &fu->red[fu->nred];
	memset(rd, 0, sizeof *rd);
	rd->loop = loop;
	rd->half = -1;
	y = &f->nodes[l->yield[0]].i;
	if (l->nres != 1 || y->op != OP_MUL || l->body.len != 3)
		goto bad;
	for (j = 0; j < 2; j++) {
		const Instr *ld = &f->nodes[y->arg[j]].i;
		const Access *a = &ld->acc;
		const Affine *last;
		int d;

		if (ld->op != OP_LOAD || f->nodes[y->arg[j]].parent != loop || a->npred)
			goto bad;
		last = &a->idx[a->ndim - 1];
		if (last->nterm != 1 || last->c || last->t[0].loop != loop || last->t[0].coef != 1 ||
		    f->tensors[a->tensor].dim[a->ndim - 1] != l->extent)
			goto bad;
		for (d = 0; d + 1 < a->ndim; d++) {
			if (has_inner(fu, &a->idx[d]))
				goto bad;
		}
		if (f->tensors[a->tensor].role == ROLE_PARAM && !rd->pload) {
			rd->pload = y->arg[j];
			rd->p = a->tensor;
		} else {
			rd->vload = y->arg[j];
			rd->v = a->tensor;
		}
	}
	if (!rd->pload || !rd->vload)
		goto bad;
	return fu->nred++;
bad:
	fail(fu, loop, "the reduction over '%s' is not a dot product", l->var);
	ir_note(fu->c, f->nodes[loop].loc, "a step's reductions must be dot products "
	                                   "sum_k P[.., k] * V[.., k] of a parameter and a vector");
	return -1;
}

/* Decides whether the reductions read the two halves of [x ; h]. */
static void
plan_concat(Fuse *fu)
{
	const Func *f = fu->src;
	int r;

	fu->x = fu->h = fu->px = fu->ph = -1;
	for (r = 0; r < fu->nred; r++) {
		Red *rd = &fu->red[r];
		int *v = fu->stored[rd->v] ? &fu->h : &fu->x;
		int *p = fu->stored[rd->v] ? &fu->ph : &fu->px;

		if ((*v >= 0 && *v != rd->v) || (*p >= 0 && *p != rd->p))
			return;  /* more than two vectors or weights: no concatenation */
		*v = rd->v;
		*p = rd->p;
	}
	if (fu->x < 0 || fu->h < 0)
		return;
	{
		const Tensor *x = &f->tensors[fu->x], *h = &f->tensors[fu->h];
		const Tensor *px = &f->tensors[fu->px], *ph = &f->tensors[fu->ph];
		int d;

		if (x->ndim != h->ndim || px->ndim != ph->ndim || !ir_type_eq(x->ty, h->ty) ||
		    !ir_type_eq(px->ty, ph->ty) || px->mem != ph->mem)
			goto no;
		for (d = 0; d + 1 < px->ndim; d++) {
			if (px->dim[d] != ph->dim[d])
				goto no;
		}
		fu->D = x->dim[x->ndim - 1];
		fu->H = h->dim[h->ndim - 1];
		if (px->dim[px->ndim - 1] != fu->D || ph->dim[ph->ndim - 1] != fu->H)
			goto no;
		/* every reduction reads its vector at the same leading indices */
		for (r = 1; r < fu->nred; r++) {
			const Access *a = &f->nodes[fu->red[0].vload].i.acc;
			const Access *b = &f->nodes[fu->red[r].vload].i.acc;

			for (d = 0; d + 1 < a->ndim; d++) {
				Affine ca = canon_aff(fu, &a->idx[d]), cb = canon_aff(fu, &b->idx[d]);

				if (!ir_aff_eq(&ca, &cb))
					goto no;
			}
		}
	}
	for (r = 0; r < fu->nred; r++)
		fu->red[r].half = fu->red[r].v == fu->h;
	return;
no:
	fu->x = fu->h = -1;
}

static int
red_of(const Fuse *fu, Ref v)
{
	const Node *n = &fu->src->nodes[v];
	int r;

	if (n->kind != N_INSTR || n->i.op != OP_RESULT)
		return -1;
	for (r = 0; r < fu->nred; r++) {
		if (fu->red[r].loop == n->i.loop)
			return r;
	}
	return -1;
}

/* x.w + h.u over the same weight row is one dot product over xh. */
static void
find_pairs(Fuse *fu, int k, Ref r)
{
	const Instr *in = &fu->src->nodes[r].i;
	const Access *pa, *pb;
	int a, b, d;

	(void)k;
	if (in->op != OP_ADD)
		return;
	a = red_of(fu, resolve(fu, in->arg[0]));
	b = red_of(fu, resolve(fu, in->arg[1]));
	if (a < 0 || b < 0 || fu->red[a].half < 0 || fu->red[a].half == fu->red[b].half ||
	    fu->red[a].pair || fu->red[b].pair)
		return;
	if (fu->uses[resolve(fu, in->arg[0])] != 1 || fu->uses[resolve(fu, in->arg[1])] != 1)
		return;
	pa = &fu->src->nodes[fu->red[a].pload].i.acc;
	pb = &fu->src->nodes[fu->red[b].pload].i.acc;
	for (d = 0; d + 1 < pa->ndim; d++) {
		Affine ca = canon_aff(fu, &pa->idx[d]), cb = canon_aff(fu, &pb->idx[d]);

		if (!ir_aff_eq(&ca, &cb))
			return;
	}
	fu->red[a].pair = fu->red[b].pair = r;
}

/* ---- building the fused function ---------------------------------------------------------- */

static void
map_tensors(Fuse *fu)
{
	const Func *f = fu->src;
	int i;

	for (i = 0; i < f->ntensors; i++) {
		const Tensor *t = &f->tensors[i];

		if (fu->temp_store[i] > 0) {
			fu->m.tensor[i] = -1;  /* forwarded: the buffer is gone */
			continue;
		}
		fu->m.tensor[i] = ir_add_tensor(fu->dst, t->name, t->ty, t->mem, t->role, t->ndim,
		                                t->dim, t->init);
		fu->dst->tensors[fu->m.tensor[i]].loc = t->loc;
	}
	for (i = 0; i < f->ntensors; i++) {
		Init *in;

		if (fu->m.tensor[i] < 0)
			continue;
		in = &fu->dst->tensors[fu->m.tensor[i]].init;
		if (in->kind == INIT_CONCAT || in->kind == INIT_QUANT) {
			in->src[0] = fu->m.tensor[in->src[0]];
			if (in->kind == INIT_CONCAT)
				in->src[1] = fu->m.tensor[in->src[1]];
		}
	}
}

static const char *
fresh_tensor(const Func *f, const char *base)
{
	const char *name = base;
	int n = 1;

	while (ir_find_tensor(f, name) >= 0)
		name = ir_sprintf(&f->c->arena, "%s%d", base, n++);
	return name;
}

/* A loop variable new to both functions. */
static const char *
fresh_var(const Fuse *fu, const char *base)
{
	return ir_fresh_var(fu->dst, fu->src, base);
}

static void
add_concat_tensors(Fuse *fu)
{
	const Tensor *x = &fu->src->tensors[fu->x], *h = &fu->src->tensors[fu->h];
	const Tensor *px = &fu->src->tensors[fu->px];
	int32_t dim[IR_MAXDIM];
	Init in = {0};
	int d;

	for (d = 0; d < x->ndim; d++)
		dim[d] = x->dim[d] > h->dim[d] ? x->dim[d] : h->dim[d];
	dim[x->ndim - 1] = fu->D + fu->H;
	in.kind = INIT_ZERO;
	fu->xh = ir_add_tensor(fu->dst, fresh_tensor(fu->src, "xh"), x->ty, MEM_SRAM, ROLE_STATE,
	                       x->ndim, dim, in);
	memcpy(dim, px->dim, sizeof dim);
	dim[px->ndim - 1] = fu->D + fu->H;
	in.kind = INIT_CONCAT;
	in.src[0] = fu->m.tensor[fu->px];
	in.src[1] = fu->m.tensor[fu->ph];
	fu->w = ir_add_tensor(fu->dst, fresh_tensor(fu->src, "w"), px->ty, px->mem, ROLE_PARAM,
	                      px->ndim, dim, in);
}

/* A copy nest: dst[pre, off + k] = src[pre, k] for every b and k, where the leading indices
 * `pre` are those of `proto` with the time loop replaced by `tval`. */
static void
copy_nest(Fuse *fu, const Access *proto, int from, int to, int n, int64_t off, Affine tval,
          const char *bvar, const char *kvar)
{
	Builder *b = &fu->b;
	Ref saved = b->at, bl, kl, v;
	Access src, dst;
	int d;

	bl = ir_b_loop(b, LOOP_FOREACH, fresh_var(fu, bvar),
	               fu->src->nodes[fu->kb[0]].l.extent);
	b->at = bl;
	kl = ir_b_loop(b, LOOP_FOREACH, fresh_var(fu, kvar), n);
	b->at = kl;
	fu->m.var[fu->kb[0]] = ir_aff_var(bl);
	fu->m.var[fu->t] = tval;
	src = *proto;
	src.tensor = from;
	for (d = 0; d + 1 < proto->ndim; d++)
		src.idx[d] = ir_map_aff(&fu->m, &proto->idx[d]);
	src.idx[proto->ndim - 1] = ir_aff_var(kl);
	dst = src;
	dst.tensor = to;
	dst.idx[proto->ndim - 1] = ir_aff_add(ir_aff_var(kl), ir_aff_const(off));
	v = ir_b_load(b, src);
	ir_b_store(b, dst, v);
	b->at = saved;
}

static Access
canon_access(const Fuse *fu, const Access *a)
{
	Access r = *a;
	int d;

	for (d = 0; d < a->ndim; d++)
		r.idx[d] = canon_aff(fu, &a->idx[d]);
	return r;
}

static int
access_eq(const Access *a, const Access *b)
{
	int d;

	if (a->tensor != b->tensor || a->ndim != b->ndim || a->npred != b->npred)
		return 0;
	for (d = 0; d < a->ndim; d++) {
		if (!ir_aff_eq(&a->idx[d], &b->idx[d]))
			return 0;
	}
	for (d = 0; d < a->npred; d++) {
		if (a->pred[d].kind != b->pred[d].kind || a->pred[d].bound != b->pred[d].bound ||
		    !ir_aff_eq(&a->pred[d].e, &b->pred[d].e))
			return 0;
	}
	return 1;
}

/* The merged reduction, with one result per product (or per pair of halves). */
static void
emit_reduce(Fuse *fu, int first, int last)
{
	Builder *b = &fu->b;
	const Func *f = fu->src;
	int concat = fu->x >= 0;
	int32_t n = concat ? fu->D + fu->H : f->nodes[fu->red[first].loop].l.extent;
	Ref loop, saved = b->at;
	Ref lk[2 * MAXK];
	Access la[2 * MAXK];
	int nl = 0, r;

	b->loc = f->nodes[fu->red[first].loop].loc;
	loop = ir_b_loop(b, LOOP_REDUCE, fresh_var(fu, "k"), n);
	b->at = loop;
	for (r = first; r <= last; r++) {
		Red *rd = &fu->red[r];
		Ref ops[2], prod;
		int j;

		if (rd->res)
			continue;  /* the other half of a pair made it */
		if (!concat && f->nodes[rd->loop].l.extent != n)
			continue;
		fu->m.var[rd->loop] = ir_aff_var(loop);
		if (concat && rd->half == 1)
			fu->m.var[rd->loop] = ir_aff_add(ir_aff_var(loop), ir_aff_const(-fu->D));
		for (j = 0; j < 2; j++) {
			Ref src = j ? rd->vload : rd->pload;
			Access a = ir_map_access(&fu->m, &f->nodes[src].i.acc);
			int k;

			if (concat) {
				a.tensor = j ? fu->xh : fu->w;
				a.idx[a.ndim - 1] = ir_aff_var(loop);
				if (!rd->pair)
					ir_access_pred(&a, rd->half ? PRED_GE : PRED_LT, ir_aff_var(loop),
					               fu->D);
			}
			/* one load per distinct element */
			for (k = 0; k < nl; k++) {
				if (access_eq(&la[k], &a))
					break;
			}
			if (k == nl) {
				la[nl] = a;
				b->loc = f->nodes[src].loc;
				lk[nl++] = ir_b_load(b, a);
			}
			ops[j] = lk[k];
		}
		b->loc = f->nodes[rd->loop].loc;
		prod = ir_b_op(b, OP_MUL, f->nodes[f->nodes[rd->loop].l.yield[0]].i.ty, ops[0], ops[1]);
		rd->res = ir_b_result(fu->dst, loop, f->nodes[f->nodes[rd->loop].l.res[0]].i.ty, prod);
		if (rd->pair) {
			int o;

			for (o = first; o <= last; o++) {
				if (o != r && fu->red[o].pair == rd->pair)
					fu->red[o].res = rd->res;
			}
		}
	}
	b->at = saved;
}

static void
emit_kernel(Fuse *fu, int k)
{
	const Func *f = fu->src;
	const Block *body = &f->nodes[fu->ki[k]].l.body;
	Builder *b = &fu->b;
	int i;

	fu->m.var[fu->kb[k]] = fu->m.var[fu->kb[0]];
	fu->m.var[fu->ki[k]] = fu->m.var[fu->ki[0]];
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *n = &f->nodes[r];
		int rr, j;

		if (n->kind == N_LOOP) {
			rr = -1;
			for (j = 0; j < fu->nred; j++) {
				if (fu->red[j].loop == r)
					rr = j;
			}
			IR_ASSERT(rr >= 0);
			fu->m.val[n->l.res[0]] = fu->red[rr].res;
			continue;
		}
		if (n->i.op == OP_LOAD && fu->fwd[r]) {
			fu->m.val[r] = fu->m.val[resolve(fu, r)];
			continue;
		}
		if (n->i.op == OP_STORE && fu->temp_store[n->i.acc.tensor] == r)
			continue;
		if (n->i.op == OP_ADD) {
			int a = red_of(fu, resolve(fu, n->i.arg[0]));

			if (a >= 0 && fu->red[a].pair == r) {
				fu->m.val[r] = fu->red[a].res;
				continue;
			}
		}
		/* operands through forwarded buffers */
		for (j = 0; j < ir_ops[n->i.op].nargs; j++)
			fu->m.val[n->i.arg[j]] = fu->m.val[resolve(fu, n->i.arg[j])];
		ir_copy_instr(b, &fu->m, r);
		if (n->i.op == OP_STORE && fu->x >= 0 && n->i.acc.tensor == fu->h) {
			Access a = ir_map_access(&fu->m, &n->i.acc);

			a.tensor = fu->xh;
			a.idx[a.ndim - 1] = ir_aff_add(a.idx[a.ndim - 1], ir_aff_const(fu->D));
			ir_b_store(b, a, fu->m.val[n->i.arg[0]]);
		}
	}
}

static Ref
find_time_loop(const Func *f)
{
	int i;

	for (i = 0; i < f->body.len; i++) {
		const Node *n = &f->nodes[f->body.n[i]];

		if (n->kind == N_LOOP && n->l.kind == LOOP_SEQ)
			return f->body.n[i];
	}
	return 0;
}

static void
find_kernels(Fuse *fu)
{
	const Func *f = fu->src;
	const Block *body = &f->nodes[fu->t].l.body;
	int i;

	for (i = 0; i < body->len && !fu->failed; i++) {
		Ref r = body->n[i];
		const Node *n = &f->nodes[r];
		const Node *in;

		if (n->kind != N_LOOP || n->l.kind != LOOP_FOREACH || n->l.body.len != 1 ||
		    f->nodes[n->l.body.n[0]].kind != N_LOOP) {
			fail(fu, r, "a step must consist of foreach nests over (b, i)");
			return;
		}
		in = &f->nodes[n->l.body.n[0]];
		if (in->l.kind != LOOP_FOREACH ||
		    (fu->nk && (n->l.extent != f->nodes[fu->kb[0]].l.extent ||
		                in->l.extent != f->nodes[fu->ki[0]].l.extent))) {
			fail(fu, r, "kernel nest '%s' has another shape than the first", n->l.var);
			return;
		}
		if (fu->nk == MAXK) {
			fail(fu, r, "more than %d kernels in one step", MAXK);
			return;
		}
		fu->kb[fu->nk] = r;
		fu->ki[fu->nk] = n->l.body.n[0];
		fu->canon[r] = fu->nk ? fu->kb[0] : r;
		fu->canon[n->l.body.n[0]] = fu->nk ? fu->ki[0] : n->l.body.n[0];
		fu->nk++;
	}
	for (i = 0; i < fu->nk && !fu->failed; i++) {
		const Block *kb = &f->nodes[fu->ki[i]].l.body;
		int j;

		for (j = 0; j < kb->len && !fu->failed; j++) {
			const Node *n = &f->nodes[kb->n[j]];

			if (n->kind == N_LOOP) {
				if (n->l.kind != LOOP_REDUCE)
					fail(fu, kb->n[j], "loop '%s': a kernel may hold reductions only",
					     n->l.var);
				else
					classify(fu, kb->n[j]);
			}
		}
	}
	if (!fu->nk && !fu->failed)
		fail(fu, fu->t, "the time loop has no kernels");
}

Func *
pass_fuse(const Func *src)
{
	Fuse fu = {0};
	Arena *a = &src->c->arena;
	Ref t;
	int i, k;

	fu.src = src;
	fu.c = src->c;
	t = find_time_loop(src);
	if (!t) {
		ir_error(src->c, src->loc, "cannot fuse: function '%s' has no sequential time loop",
		         src->name);
		return NULL;
	}
	fu.t = t;
	fu.canon = ir_alloc_array(a, (size_t)src->nnodes, sizeof *fu.canon);
	fu.fwd = ir_alloc_array(a, (size_t)src->nnodes, sizeof *fu.fwd);
	fu.uses = ir_alloc_array(a, (size_t)src->nnodes, sizeof *fu.uses);
	fu.temp_store = ir_alloc_array(a, (size_t)src->ntensors + 1, sizeof *fu.temp_store);
	fu.stored = ir_alloc_array(a, (size_t)src->ntensors + 1, sizeof *fu.stored);
	for (i = 0; i < src->nnodes; i++)
		fu.canon[i] = i;
	find_kernels(&fu);
	if (fu.failed)
		return NULL;
	for (k = 0; k < fu.nk; k++)
		walk(&fu, k, &src->nodes[fu.kb[k]].l.body, note_store);
	for (k = 0; k < fu.nk; k++)
		walk(&fu, k, &src->nodes[fu.kb[k]].l.body, check_one);
	if (fu.failed)
		return NULL;
	/* a temp is forwarded only when every read of it was */
	for (i = 1; i < src->nnodes; i++) {
		const Node *n = &src->nodes[i];

		if (n->kind == N_INSTR && n->i.op == OP_LOAD && !fu.fwd[i] &&
		    fu.temp_store[n->i.acc.tensor] > 0)
			fu.temp_store[n->i.acc.tensor] = -1;
	}
	for (i = 1; i < src->nnodes; i++) {
		const Node *n = &src->nodes[i];

		if (n->kind == N_INSTR && n->i.op == OP_LOAD && fu.fwd[i] &&
		    fu.temp_store[n->i.acc.tensor] <= 0)
			fu.fwd[i] = 0;
	}
	for (k = 0; k < fu.nk; k++)
		walk(&fu, k, &src->nodes[fu.kb[k]].l.body, count_uses);
	plan_concat(&fu);
	if (fu.x >= 0) {
		for (k = 0; k < fu.nk; k++)
			walk(&fu, k, &src->nodes[fu.kb[k]].l.body, find_pairs);
	}

	/* the new function */
	fu.dst = ir_func_new(src->c, src->name);
	fu.dst->loc = src->loc;
	fu.m.src = src;
	fu.m.dst = fu.dst;
	fu.m.val = ir_alloc_array(a, (size_t)src->nnodes, sizeof *fu.m.val);
	fu.m.var = ir_alloc_array(a, (size_t)src->nnodes, sizeof *fu.m.var);
	fu.m.tensor = ir_alloc_array(a, (size_t)src->ntensors + 1, sizeof *fu.m.tensor);
	map_tensors(&fu);
	if (fu.x >= 0)
		add_concat_tensors(&fu);
	fu.b.f = fu.dst;
	for (i = 0; i < src->body.len; i++) {
		Ref r = src->body.n[i];
		const Loop *tl;
		Ref nt, fb, fi;

		if (r != t) {
			Block one = {&src->body.n[i], 1, 1};

			fu.b.at = 0;
			ir_copy_block(&fu.b, &fu.m, &one);
			continue;
		}
		tl = &src->nodes[t].l;
		fu.b.loc = src->nodes[t].loc;
		if (fu.x >= 0) {  /* the initial state into xh */
			Access proto = canon_access(&fu, &src->nodes[fu.red[0].vload].i.acc);

			fu.b.at = 0;
			copy_nest(&fu, &proto, fu.m.tensor[fu.h], fu.xh, fu.H, fu.D, ir_aff_const(0),
			          "b_h0", "k_h0");
		}
		nt = ir_b_loop(&fu.b, LOOP_SEQ, tl->var, tl->extent);
		fu.m.var[t] = ir_aff_var(nt);
		fu.b.at = nt;
		if (fu.x >= 0) {  /* x_t into xh */
			Access proto = canon_access(&fu, &src->nodes[fu.red[0].vload].i.acc);

			copy_nest(&fu, &proto, fu.m.tensor[fu.x], fu.xh, fu.D, 0, ir_aff_var(nt), "b_x",
			          "k_x");
			fu.m.var[t] = ir_aff_var(nt);
		}
		fu.b.loc = src->nodes[fu.kb[0]].loc;
		fb = ir_b_loop(&fu.b, LOOP_FOREACH, fresh_var(&fu, "b"),
		               src->nodes[fu.kb[0]].l.extent);
		fu.b.at = fb;
		fu.b.loc = src->nodes[fu.ki[0]].loc;
		fi = ir_b_loop(&fu.b, LOOP_FOREACH, fresh_var(&fu, "i"),
		               src->nodes[fu.ki[0]].l.extent);
		fu.b.at = fi;
		for (k = 0; k < fu.nk; k++) {
			fu.m.var[fu.kb[k]] = ir_aff_var(fb);
			fu.m.var[fu.ki[k]] = ir_aff_var(fi);
		}
		/* the reductions: one pass over xh, or one per distinct extent */
		for (k = 0; k < fu.nred; k++) {
			if (!fu.red[k].res)
				emit_reduce(&fu, k, fu.nred - 1);
		}
		for (k = 0; k < fu.nk; k++)
			emit_kernel(&fu, k);
		fu.b.at = 0;
	}
	return fu.dst;
}
