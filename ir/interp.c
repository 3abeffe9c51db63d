/* The reference interpreter: tensor memory, initial contents, and a direct execution of the
 * loop tree. It favours clarity over speed; it is the oracle for every faster model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

int64_t
ir_tensor_elems(const Tensor *t)
{
	int64_t n = 1;
	int i;

	for (i = 0; i < t->ndim; i++) {
		n *= t->dim[i];
		if (n > IR_MAX_TENSOR_ELEMS)
			return -1;
	}
	return n;
}

double
ir_buf_get(const Buffer *b, int64_t i)
{
	return b->ty.kind == TY_F32 ? (double)b->f[i] : ir_num_to_double(b->q[i], b->ty);
}

/* Stores the real value v, rounded to the buffer's type. */
static void
buf_set_real(Buffer *b, int64_t i, double v)
{
	if (b->ty.kind == TY_F32)
		b->f[i] = (float)v;
	else
		b->q[i] = ir_num_from_double(v, b->ty);
}

/* Copies element j of src into element i of dst, converting between types exactly as a cast. */
static void
buf_copy(Buffer *dst, int64_t i, const Buffer *src, int64_t j)
{
	if (src->ty.kind == TY_FIX && dst->ty.kind == TY_FIX)
		dst->q[i] = ir_num_rescale(src->q[j], src->ty.frac, dst->ty);
	else
		buf_set_real(dst, i, ir_buf_get(src, j));
}

static void
fill(const Func *f, Memory *m, int ti)
{
	const Tensor *t = &f->tensors[ti];
	Buffer *b = &m->buf[ti];
	const Init *in = &t->init;
	int64_t i;

	switch (in->kind) {
	case INIT_NONE:
	case INIT_ZERO:
		break;  /* buffers start zeroed */
	case INIT_RAND:
		for (i = 0; i < b->n; i++)
			buf_set_real(b, i, ir_num_rand(in->seed, (uint64_t)i, in->lo, in->hi));
		break;
	case INIT_QUANT:
		for (i = 0; i < b->n; i++)
			buf_copy(b, i, &m->buf[in->src[0]], i);
		break;
	case INIT_CONCAT: {
		const Tensor *ta = &f->tensors[in->src[0]];
		int64_t last = t->dim[t->ndim - 1], la = ta->dim[ta->ndim - 1], lb = last - la;

		for (i = 0; i < b->n; i++) {
			int64_t row = i / last, col = i % last;

			if (col < la)
				buf_copy(b, i, &m->buf[in->src[0]], row * la + col);
			else
				buf_copy(b, i, &m->buf[in->src[1]], row * lb + (col - la));
		}
		break;
	}
	case INIT_LUT:
		for (i = 0; i < b->n; i++) {
			double x = in->lo + ((double)i + 0.5) * (in->hi - in->lo) / (double)b->n;

			buf_set_real(b, i, ir_num_fn(in->fn, x));
		}
		break;
	}
}

int
ir_mem_init(const Func *f, Memory *m)
{
	int i, j;
	char *done;

	m->n = f->ntensors;
	m->buf = calloc((size_t)(f->ntensors ? f->ntensors : 1), sizeof *m->buf);
	if (!m->buf)
		IR_BUG("out of memory");
	for (i = 0; i < f->ntensors; i++) {
		const Tensor *t = &f->tensors[i];
		Buffer *b = &m->buf[i];

		b->ty = t->ty;
		b->n = ir_tensor_elems(t);
		if (b->n < 0) {
			ir_error(f->c, t->loc, "tensor '%s' has more than %d elements; too large to execute",
			         t->name, IR_MAX_TENSOR_ELEMS);
			ir_mem_free(m);
			return -1;
		}
		if (t->ty.kind == TY_F32)
			b->f = calloc((size_t)(b->n ? b->n : 1), sizeof *b->f);
		else
			b->q = calloc((size_t)(b->n ? b->n : 1), sizeof *b->q);
		if (!b->f && !b->q) {
			ir_error(f->c, t->loc, "out of memory for tensor '%s'", t->name);
			ir_mem_free(m);
			return -1;
		}
	}
	/* a tensor made from others (concat, quant) is filled after them */
	done = calloc((size_t)(f->ntensors ? f->ntensors : 1), 1);
	for (j = 0; j < f->ntensors; j++) {
		int progress = 0;

		for (i = 0; i < f->ntensors; i++) {
			const Init *in = &f->tensors[i].init;

			if (done[i])
				continue;
			if ((in->kind == INIT_CONCAT && (!done[in->src[0]] || !done[in->src[1]])) ||
			    (in->kind == INIT_QUANT && !done[in->src[0]]))
				continue;
			fill(f, m, i);
			done[i] = 1;
			progress = 1;
		}
		if (!progress)
			break;
	}
	for (i = 0; i < f->ntensors; i++) {
		if (!done[i]) {
			ir_error(f->c, f->tensors[i].loc, "the init of tensor '%s' depends on itself",
			         f->tensors[i].name);
			free(done);
			ir_mem_free(m);
			return -1;
		}
	}
	free(done);
	return 0;
}

void
ir_mem_trim(const Func *f, Memory *m)
{
	char *used = calloc((size_t)(f->ntensors ? f->ntensors : 1), 1);
	int i;

	if (!used)
		IR_BUG("out of memory");
	for (i = 1; i < f->nnodes; i++) {
		const Node *n = &f->nodes[i];

		if (n->kind == N_INSTR && (n->i.op == OP_LOAD || n->i.op == OP_STORE ||
		                           n->i.op == OP_LUT))
			used[n->i.acc.tensor] = 1;
	}
	for (i = 0; i < m->n; i++) {
		if (used[i] || m->buf[i].borrowed)
			continue;
		free(m->buf[i].f);
		free(m->buf[i].q);
		m->buf[i].f = NULL;
		m->buf[i].q = NULL;
		m->buf[i].n = 0;
	}
	free(used);
}

int
ir_mem_copy(const Func *f, Memory *dst, const Memory *src)
{
	char *stored = calloc((size_t)(f->ntensors ? f->ntensors : 1), 1);
	int i;

	dst->n = src->n;
	dst->buf = calloc((size_t)(src->n ? src->n : 1), sizeof *dst->buf);
	if (!dst->buf || !stored) {
		free(stored);
		free(dst->buf);
		dst->buf = NULL;
		return -1;
	}
	for (i = 1; i < f->nnodes; i++) {
		if (f->nodes[i].kind == N_INSTR && f->nodes[i].i.op == OP_STORE)
			stored[f->nodes[i].i.acc.tensor] = 1;
	}
	for (i = 0; i < src->n; i++) {
		const Buffer *s = &src->buf[i];
		Buffer *d = &dst->buf[i];
		size_t n = (size_t)(s->n ? s->n : 1);

		*d = *s;
		if (i < f->ntensors && !stored[i]) {
			d->borrowed = 1;  /* read only: shared */
			continue;
		}
		d->borrowed = 0;
		d->f = NULL;
		d->q = NULL;
		if (s->f && (d->f = malloc(n * sizeof *d->f)))
			memcpy(d->f, s->f, n * sizeof *d->f);
		if (s->q && (d->q = malloc(n * sizeof *d->q)))
			memcpy(d->q, s->q, n * sizeof *d->q);
		if ((s->f && !d->f) || (s->q && !d->q)) {
			free(stored);
			ir_mem_free(dst);
			return -1;
		}
	}
	free(stored);
	return 0;
}

void
ir_mem_free(Memory *m)
{
	int i;

	for (i = 0; i < m->n && m->buf; i++) {
		if (m->buf[i].borrowed)
			continue;
		free(m->buf[i].f);
		free(m->buf[i].q);
	}
	free(m->buf);
	m->buf = NULL;
	m->n = 0;
}

/* ---- execution --------------------------------------------------------------------------- */

typedef union Val {
	float f;
	int64_t q;
} Val;

typedef struct Interp {
	const Func *f;
	Memory *m;
	int64_t *var;  /* current value of each loop's variable, by loop node */
	Val *val;      /* current value of each instruction node */
	int failed;
	Ref time;      /* the time loop whose iterations are limited, or 0 */
	int steps;     /* ... to this many */
} Interp;

static int64_t
eval_aff(const Interp *in, const Affine *a)
{
	int64_t v = a->c;
	int i;

	for (i = 0; i < a->nterm; i++)
		v += a->t[i].coef * in->var[a->t[i].loop];
	return v;
}

static int
preds_hold(const Interp *in, const Access *a)
{
	int i;

	for (i = 0; i < a->npred; i++) {
		int64_t v = eval_aff(in, &a->pred[i].e);

		if (a->pred[i].kind == PRED_LT ? !(v < a->pred[i].bound) : !(v >= a->pred[i].bound))
			return 0;
	}
	return 1;
}

/* The flat element index of an access, or -1 (after an error) when it is out of bounds. */
static int64_t
elem_index(Interp *in, Ref r, const Access *a)
{
	const Tensor *t = &in->f->tensors[a->tensor];
	int64_t idx = 0;
	int d;

	for (d = 0; d < a->ndim; d++) {
		int64_t v = eval_aff(in, &a->idx[d]);

		if (v < 0 || v >= t->dim[d]) {
			if (!in->failed)
				ir_error(in->f->c, in->f->nodes[r].loc, "index %lld of dimension %d of "
				         "tensor '%s' is out of bounds (0..%d)", (long long)v, d, t->name,
				         t->dim[d] - 1);
			in->failed = 1;
			return -1;
		}
		idx = idx * t->dim[d] + v;
	}
	return idx;
}

static Val
to_val(Type t, double v)
{
	Val x;

	if (t.kind == TY_F32)
		x.f = (float)v;
	else
		x.q = ir_num_from_double(v, t);
	return x;
}

static double
val_real(Type t, Val v)
{
	return t.kind == TY_F32 ? (double)v.f : ir_num_to_double(v.q, t);
}

static Val
cast(Type to, Type from, Val v)
{
	Val r;

	if (to.kind == TY_FIX && from.kind == TY_FIX)
		r.q = ir_num_rescale(v.q, from.frac, to);
	else if (to.kind == TY_F32 && from.kind == TY_F32)
		r = v;
	else
		r = to_val(to, val_real(from, v));
	return r;
}

static void exec_block(Interp *in, const Block *b);

static void
exec_instr(Interp *in, Ref r)
{
	const Func *f = in->f;
	const Instr *ins = &f->nodes[r].i;
	Type t = ins->ty;
	Val a = {0}, b = {0}, res = {0};
	Type ta = {0}, tb = {0};
	int64_t e;

	if (ir_ops[ins->op].nargs > 0) {
		a = in->val[ins->arg[0]];
		ta = f->nodes[ins->arg[0]].i.ty;
	}
	if (ir_ops[ins->op].nargs > 1) {
		b = in->val[ins->arg[1]];
		tb = f->nodes[ins->arg[1]].i.ty;
	}
	switch (ins->op) {
	case OP_CONST:
		res = to_val(t, ins->imm);
		break;
	case OP_LOAD:
		if (!preds_hold(in, &ins->acc))
			break;  /* a masked lane reads nothing and yields 0 */
		if ((e = elem_index(in, r, &ins->acc)) < 0)
			return;
		if (t.kind == TY_F32)
			res.f = in->m->buf[ins->acc.tensor].f[e];
		else
			res.q = in->m->buf[ins->acc.tensor].q[e];
		break;
	case OP_STORE: {
		Buffer *buf = &in->m->buf[ins->acc.tensor];

		if (!preds_hold(in, &ins->acc))
			return;
		if ((e = elem_index(in, r, &ins->acc)) < 0)
			return;
		if (buf->ty.kind == TY_F32)
			buf->f[e] = a.f;
		else
			buf->q[e] = a.q;
		return;
	}
	case OP_RESULT:
		return;  /* set by the reduce loop */
	case OP_ADD:
		if (t.kind == TY_F32)
			res.f = a.f + b.f;
		else
			res.q = ir_num_add(a.q, b.q, t);
		break;
	case OP_SUB:
		if (t.kind == TY_F32)
			res.f = a.f - b.f;
		else
			res.q = ir_num_sub(a.q, b.q, t);
		break;
	case OP_MAX:
		if (t.kind == TY_F32)
			res.f = fmaxf(a.f, b.f);
		else
			res.q = a.q > b.q ? a.q : b.q;
		break;
	case OP_MIN:
		if (t.kind == TY_F32)
			res.f = fminf(a.f, b.f);
		else
			res.q = a.q < b.q ? a.q : b.q;
		break;
	case OP_NEG:
		if (t.kind == TY_F32)
			res.f = -a.f;
		else
			res.q = ir_num_sub(0, a.q, t);
		break;
	case OP_MUL:
		if (t.kind == TY_F32)
			res.f = a.f * b.f;
		else
			res.q = ir_num_mul(a.q, ta, b.q, tb, t);
		break;
	case OP_CAST:
		res = cast(t, ta, a);
		break;
	case OP_SIGMOID:
		res = to_val(t, ir_num_fn(FN_SIGMOID, val_real(ta, a)));
		break;
	case OP_TANH:
		res = to_val(t, ir_num_fn(FN_TANH, val_real(ta, a)));
		break;
	case OP_LUT: {
		const Tensor *tab = &f->tensors[ins->acc.tensor];
		const Buffer *tb_ = &in->m->buf[ins->acc.tensor];
		int n = tab->dim[0], k;

		if (ta.kind == TY_F32)
			k = ir_num_lut_index_f32(a.f, tab->init.lo, tab->init.hi, n);
		else
			k = ir_num_lut_index_fix(a.q, ta, tab->init.lo, tab->init.hi, n);
		if (t.kind == TY_F32)
			res.f = tb_->f[k];
		else
			res.q = tb_->q[k];
		break;
	}
	default:
		IR_BUG("interpreter: unknown op %d", (int)ins->op);
	}
	in->val[r] = res;
}

static void
exec_loop(Interp *in, Ref r)
{
	const Loop *l = &in->f->nodes[r].l;
	float acc32[IR_MAXRES] = {0};
	int64_t qacc[IR_MAXRES] = {0};
	int ovf[IR_MAXRES] = {0};
	int32_t v, n = l->extent;
	int k;

	if (r == in->time && in->steps < n)
		n = in->steps;
	for (v = 0; v < n && !in->failed; v++) {
		in->var[r] = v;
		exec_block(in, &l->body);
		if (l->kind != LOOP_REDUCE)
			continue;
		for (k = 0; k < l->nres; k++) {
			Val y = in->val[l->yield[k]];
			Type ty = in->f->nodes[l->res[k]].i.ty;

			if (ty.kind == TY_F32) {
				acc32[k] += y.f;  /* in iteration order, in single precision */
			} else if (__builtin_add_overflow(qacc[k], y.q, &qacc[k])) {
				ovf[k] = y.q < 0 ? -1 : 1;
			}
		}
	}
	for (k = 0; k < l->nres; k++) {
		Ref res = l->res[k];
		Type ty = in->f->nodes[res].i.ty;

		if (ty.kind == TY_F32)
			in->val[res].f = acc32[k];
		else  /* the exact sum, saturated once */
			in->val[res].q = ovf[k] ? (ovf[k] < 0 ? ir_fix_min(ty) : ir_fix_max(ty))
			                        : ir_num_sat(qacc[k], ty);
	}
}

static void
exec_block(Interp *in, const Block *b)
{
	int i;

	for (i = 0; i < b->len && !in->failed; i++) {
		Ref r = b->n[i];

		if (in->f->nodes[r].kind == N_LOOP)
			exec_loop(in, r);
		else
			exec_instr(in, r);
	}
}

int
ir_interp(const Func *f, Memory *m)
{
	return ir_interp_steps(f, m, 0);
}

int
ir_interp_steps(const Func *f, Memory *m, int steps)
{
	Interp in = {f, m, NULL, NULL, 0, 0, 0};
	int i;

	for (i = 0; steps > 0 && i < f->body.len && !in.time; i++) {
		if (f->nodes[f->body.n[i]].kind == N_LOOP && f->nodes[f->body.n[i]].l.kind == LOOP_SEQ)
			in.time = f->body.n[i];
	}
	in.steps = steps;

	in.var = calloc((size_t)f->nnodes, sizeof *in.var);
	in.val = calloc((size_t)f->nnodes, sizeof *in.val);
	if (!in.var || !in.val)
		IR_BUG("out of memory");
	exec_block(&in, &f->body);
	free(in.var);
	free(in.val);
	return in.failed ? -1 : 0;
}

int
ir_compare(const Func *fa, const Memory *ma, const Func *fb, const Memory *mb,
           const char *tensor, Diff *d)
{
	int ia = ir_find_tensor(fa, tensor), ib = ir_find_tensor(fb, tensor), k;
	const Buffer *a, *b;
	double sum = 0;
	int64_t i;

	memset(d, 0, sizeof *d);
	if (ia < 0 || ib < 0 || fa->tensors[ia].ndim != fb->tensors[ib].ndim)
		return -1;
	for (k = 0; k < fa->tensors[ia].ndim; k++) {
		if (fa->tensors[ia].dim[k] != fb->tensors[ib].dim[k])
			return -1;
	}
	a = &ma->buf[ia];
	b = &mb->buf[ib];
	for (i = 0; i < a->n; i++) {
		double x = ir_buf_get(a, i), y = ir_buf_get(b, i), e = fabs(x - y);
		double rel = e / fmax(1.0, fmax(fabs(x), fabs(y)));
		int same = ir_type_eq(a->ty, b->ty) &&
		           (a->ty.kind == TY_F32 ? !memcmp(&a->f[i], &b->f[i], sizeof(float))
		                                 : a->q[i] == b->q[i]);

		d->differ += !same;
		sum += e;
		if (e > d->max_abs || isnan(e))
			d->max_abs = e;
		if (rel > d->max_rel || isnan(rel))
			d->max_rel = rel;
	}
	d->n = a->n;
	d->mean_abs = a->n ? sum / (double)a->n : 0;
	return 0;
}
