/* The values the simulated units compute, by the numeric contract of ir/numeric.c: the dot
 * products' exact sums vector step by vector step, and the epilogue's IR instructions stage by
 * stage. Fixed point only: f32 designs are simulated for timing, without values. */
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

static void *
zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		IR_BUG("out of memory");
	return p;
}

static int64_t
eval_aff(const SimVal *v, const Affine *a)
{
	int64_t x = a->c;
	int i;

	for (i = 0; i < a->nterm; i++)
		x += a->t[i].coef * v->var[a->t[i].loop];
	return x;
}

int64_t
sim_val_index(const SimVal *v, const Access *a)
{
	const Tensor *t = &v->f->tensors[a->tensor];
	int64_t idx = 0;
	int d;

	for (d = 0; d < a->npred; d++) {
		int64_t e = eval_aff(v, &a->pred[d].e);

		if (a->pred[d].kind == PRED_LT ? !(e < a->pred[d].bound) : !(e >= a->pred[d].bound))
			return -1;
	}
	for (d = 0; d < a->ndim; d++) {
		int64_t x = eval_aff(v, &a->idx[d]);

		if (x < 0 || x >= t->dim[d])
			IR_BUG("simulator: index %lld out of bounds of '%s'", (long long)x, t->name);
		idx = idx * t->dim[d] + x;
	}
	return idx;
}

/* The result of one instruction from its operands' values (loads, stores excluded). */
static int64_t
compute(const SimVal *v, Ref r, int64_t a, int64_t b)
{
	const Func *f = v->f;
	const Instr *in = &f->nodes[r].i;
	Type t = in->ty, ta = {0}, tb = {0};

	if (ir_ops[in->op].nargs > 0)
		ta = f->nodes[in->arg[0]].i.ty;
	if (ir_ops[in->op].nargs > 1)
		tb = f->nodes[in->arg[1]].i.ty;
	switch (in->op) {
	case OP_CONST:
		return ir_num_from_double(in->imm, t);
	case OP_ADD:
		return ir_num_add(a, b, t);
	case OP_SUB:
		return ir_num_sub(a, b, t);
	case OP_MAX:
		return a > b ? a : b;
	case OP_MIN:
		return a < b ? a : b;
	case OP_NEG:
		return ir_num_sub(0, a, t);
	case OP_MUL:
		return ir_num_mul(a, ta, b, tb, t);
	case OP_CAST:
		return ir_num_rescale(a, ta.frac, t);
	case OP_SIGMOID:
		return ir_num_from_double(ir_num_fn(FN_SIGMOID, ir_num_to_double(a, ta)), t);
	case OP_TANH:
		return ir_num_from_double(ir_num_fn(FN_TANH, ir_num_to_double(a, ta)), t);
	case OP_LUT: {
		const Tensor *tab = &f->tensors[in->acc.tensor];
		int k = ir_num_lut_index_fix(a, ta, tab->init.lo, tab->init.hi, tab->dim[0]);

		return v->mem->buf[in->acc.tensor].q[k];
	}
	default:
		IR_BUG("simulator: op %s has no value", ir_ops[in->op].name);
	}
}

static int64_t
load(const SimVal *v, Ref r)
{
	const Instr *in = &v->f->nodes[r].i;
	int64_t e = sim_val_index(v, &in->acc);

	return e < 0 ? 0 : v->mem->buf[in->acc.tensor].q[e];
}

static void
store(const SimVal *v, Ref r, int64_t x)
{
	const Instr *in = &v->f->nodes[r].i;
	int64_t e = sim_val_index(v, &in->acc);

	if (e >= 0)
		v->mem->buf[in->acc.tensor].q[e] = x;
}

/* Runs a block of copy loops (no reductions) with values in v->tmp. */
static void
exec_block(SimVal *v, const Block *blk)
{
	int i;

	for (i = 0; i < blk->len; i++) {
		Ref r = blk->n[i];
		const Node *n = &v->f->nodes[r];

		if (n->kind == N_LOOP) {
			int32_t k;

			for (k = 0; k < n->l.extent; k++) {
				v->var[r] = k;
				exec_block(v, &n->l.body);
			}
		} else if (n->i.op == OP_LOAD) {
			v->tmp[r] = load(v, r);
		} else if (n->i.op == OP_STORE) {
			store(v, r, v->tmp[n->i.arg[0]]);
		} else if (n->i.op != OP_RESULT) {
			v->tmp[r] = compute(v, r, ir_ops[n->i.op].nargs > 0 ? v->tmp[n->i.arg[0]] : 0,
			                    ir_ops[n->i.op].nargs > 1 ? v->tmp[n->i.arg[1]] : 0);
		}
	}
}

/* The coefficient of loop l in the flat index of an access. */
static int64_t
flat_coef(const Func *f, const Access *a, Ref l)
{
	const Tensor *t = &f->tensors[a->tensor];
	int64_t c = 0;
	int d, k;

	for (d = 0; d < a->ndim; d++) {
		c *= t->dim[d];
		for (k = 0; k < a->idx[d].nterm; k++)
			c += a->idx[d].t[k].loop == l ? a->idx[d].t[k].coef : 0;
	}
	return c;
}

/* The segment of the epilogue unit whose stage computes r, or -1. */
static int
seg_of(const Mapping *m, Ref r)
{
	int i, s;

	for (i = 0; i < m->nunit; i++) {
		const MapUnit *u = &m->unit[i];

		if (u->role != MAP_EPI || u->copy != 0)
			continue;
		for (s = 0; s < u->nstage; s++) {
			int k;

			for (k = 0; k < u->stage[s].nref; k++) {
				if (u->stage[s].refs[k] == r)
					return u->seg;
			}
		}
	}
	return -1;
}

int
sim_val_init(SimVal *v, const Mapping *m, Memory *mem)
{
	const Func *f = m->f;
	const Node *hid = ir_node(f, m->hidden_loop);
	Ref cur, levels[8];
	int nlev = 0, nouter, i, j;

	memset(v, 0, sizeof *v);
	v->f = f;
	v->m = m;
	v->mem = mem;
	if (!mem)
		return 0;
	for (i = 0; i < f->ntensors; i++) {
		if (f->tensors[i].ty.kind != TY_FIX)
			return 0;  /* f32: timing only */
	}
	v->ok = 1;
	v->var = zalloc((size_t)f->nnodes, sizeof *v->var);
	v->tmp = zalloc((size_t)f->nnodes, sizeof *v->tmp);
	v->li = m->hidden_loop;
	v->lb = hid->parent;
	v->lt = v->lb ? ir_node(f, v->lb)->parent : 0;
	if (v->lb && ir_node(f, v->lb)->l.kind == LOOP_SEQ) {  /* no batch loop */
		v->lt = v->lb;
		v->lb = 0;
	}
	for (cur = m->reduce; cur && nlev < 8;) {
		const Node *n = ir_node(f, cur);
		Ref inner = 0;

		levels[nlev++] = cur;
		for (i = 0; i < n->l.body.len; i++) {
			if (ir_node(f, n->l.body.n[i])->kind == N_LOOP)
				inner = n->l.body.n[i];
		}
		cur = inner;
	}
	/* the lanes' level: the innermost loop when it is vectorized; with rv = 1 the schedule
	 * makes no vector level (kv = 0, a variable no access reads) */
	nouter = nlev;
	if (m->rv > 1 && ir_node(f, levels[nlev - 1])->l.vec > 1)
		v->kv = levels[--nouter];
	for (j = 0; j < m->nprod; j++) {
		const Node *red = ir_node(f, levels[nlev - 1]);
		const Instr *mul = &ir_node(f, red->l.yield[j])->i;
		SimProd *p = &v->prod[j];
		Type ta, tb;

		p->mul = red->l.yield[j];
		p->wl = mul->arg[0];
		p->xl = mul->arg[1];
		if (ir_node(f, p->wl)->i.acc.tensor != m->prod[j].weight) {
			p->wl = mul->arg[1];
			p->xl = mul->arg[0];
		}
		ta = ir_node(f, p->wl)->i.ty;
		tb = ir_node(f, p->xl)->i.ty;
		p->exact = ta.frac + tb.frac == mul->ty.frac && ta.bits + tb.bits <= mul->ty.bits;
		p->wstride = flat_coef(f, &ir_node(f, p->wl)->i.acc, v->kv);
		p->xstride = flat_coef(f, &ir_node(f, p->xl)->i.acc, v->kv);
	}
	/* the outer levels: the vector-step loop has the stride ru x rv in k, the tile loop rv */
	for (i = 0; i < nouter; i++) {
		const Node *n = ir_node(f, levels[i]);
		int64_t c = flat_coef(f, &ir_node(f, v->prod[0].xl)->i.acc, levels[i]);

		if (!v->ks && n->l.extent == m->nt && c == (int64_t)m->ru * m->rv && n->l.par <= 1)
			v->ks = levels[i];
		else
			v->kr = levels[i];
	}
	v->row = zalloc((size_t)m->B * (size_t)m->H * (size_t)f->nnodes, sizeof *v->row);
	v->stamp = zalloc((size_t)m->B * (size_t)m->H * (size_t)f->nnodes, sizeof *v->stamp);
	v->store_seg = zalloc((size_t)f->nnodes, sizeof *v->store_seg);
	for (i = 0; i < m->nunit; i++) {
		if (m->unit[i].role == MAP_EPI && m->unit[i].seg + 1 > v->nseg)
			v->nseg = m->unit[i].seg + 1;
	}
	for (i = 0; i < f->nnodes; i++)
		v->store_seg[i] = -1;
	for (i = 0; i < hid->l.body.len; i++) {
		Ref r = hid->l.body.n[i];
		const Node *n = ir_node(f, r);

		if (n->kind == N_INSTR && n->i.op == OP_STORE) {
			int s = seg_of(m, n->i.arg[0]);

			v->store_seg[r] = s < 0 ? v->nseg - 1 : s;
		}
	}
	return 0;
}

void
sim_val_free(SimVal *v)
{
	free(v->var);
	free(v->tmp);
	free(v->row);
	free(v->stamp);
	free(v->store_seg);
	memset(v, 0, sizeof *v);
}

static Ref
time_loop(const SimVal *v)
{
	return v->lt;
}

void
sim_val_prologue(SimVal *v)
{
	const Func *f = v->f;
	Block pre = {0};
	int i;

	if (!v->ok)
		return;
	for (i = 0; i < f->body.len && f->body.n[i] != time_loop(v); i++)
		;
	pre.n = f->body.n;
	pre.len = i;
	exec_block(v, &pre);
}

void
sim_val_input(SimVal *v, int t)
{
	const Block *body;
	Block pre = {0};
	Ref stop;
	int i;

	if (!v->ok)
		return;
	body = &ir_node(v->f, v->lt)->l.body;
	stop = v->lb ? v->lb : v->li;
	for (i = 0; i < body->len && body->n[i] != stop; i++)
		;
	pre.n = body->n;
	pre.len = i;
	v->var[v->lt] = t;
	exec_block(v, &pre);
}

static void
set_row(SimVal *v, int t, int b, int i)
{
	v->var[v->lt] = t;
	if (v->lb)
		v->var[v->lb] = b;
	v->var[v->li] = i;
}

int64_t
sim_val_dot(SimVal *v, int p, int t, int b, int i, int s, int r)
{
	const SimProd *pr = &v->prod[p];
	const Instr *wl, *xl;
	const int64_t *w, *x;
	int64_t sum = 0, lane, wi, xi;
	int rv;

	if (!v->ok)
		return 0;
	wl = &v->f->nodes[pr->wl].i;
	xl = &v->f->nodes[pr->xl].i;
	w = v->mem->buf[wl->acc.tensor].q;
	x = v->mem->buf[xl->acc.tensor].q;
	rv = v->m->rv;
	set_row(v, t, b, i);
	if (v->ks)
		v->var[v->ks] = s;
	if (v->kr)
		v->var[v->kr] = r;
	for (lane = 0; lane < rv; lane++) {
		int64_t wv, xv;

		/* a masked lane (past N, or outside the product's k) adds 0 */
		v->var[v->kv] = lane;
		if ((wi = sim_val_index(v, &wl->acc)) < 0 || (xi = sim_val_index(v, &xl->acc)) < 0)
			continue;
		/* from here the indices move by a fixed stride while the predicates hold */
		for (; lane < rv; lane++, wi += pr->wstride, xi += pr->xstride) {
			v->var[v->kv] = lane;
			if ((wl->acc.npred || xl->acc.npred) &&
			    (sim_val_index(v, &wl->acc) < 0 || sim_val_index(v, &xl->acc) < 0))
				break;
			wv = w[wi];
			xv = x[xi];
			sum += pr->exact ? wv * xv : compute(v, pr->mul, wv, xv);
		}
	}
	return sum;
}

void
sim_val_sum(SimVal *v, int p, int b, int i, int64_t sum)
{
	const Func *f = v->f;
	Ref res;

	if (!v->ok)
		return;
	res = ir_node(f, v->m->reduce)->l.res[p];
	v->row[((int64_t)b * v->m->H + i) * f->nnodes + res] = ir_num_sat(sum, ir_node(f, res)->i.ty);
}

/* An operand's value for a row: a constant, a load (read once per step), or computed. */
static int64_t
operand(SimVal *v, int64_t *row, int32_t *stamp, int32_t now, Ref a)
{
	const Node *n = ir_node(v->f, a);

	if (n->i.op == OP_CONST)
		return compute(v, a, 0, 0);
	if (n->i.op == OP_LOAD && stamp[a] != now) {
		row[a] = load(v, a);
		stamp[a] = now;
	}
	return row[a];
}

void
sim_val_epi(SimVal *v, const MapUnit *u, int t, int b, int i)
{
	const Func *f = v->f;
	const Block *body;
	int64_t *row;
	int32_t *stamp;
	int k;

	if (!v->ok)
		return;
	set_row(v, t, b, i);
	row = v->row + ((int64_t)b * v->m->H + i) * f->nnodes;
	stamp = v->stamp + ((int64_t)b * v->m->H + i) * f->nnodes;
	/* stage by stage, and the ops of a stage (one dependence level, packed) in program order:
	 * every operand was computed in an earlier stage, or an earlier segment */
	for (k = 0; k < u->nstage; k++) {
		const MapStage *st = &u->stage[k];
		int j;

		for (j = 0; j < st->nref; j++) {
			Ref r = st->refs[j];
			const Instr *in = &ir_node(f, r)->i;
			int64_t a = 0, c = 0;

			if (ir_ops[in->op].nargs > 0)
				a = operand(v, row, stamp, t + 1, in->arg[0]);
			if (ir_ops[in->op].nargs > 1)
				c = operand(v, row, stamp, t + 1, in->arg[1]);
			row[r] = compute(v, r, a, c);
		}
	}
	body = &ir_node(f, v->li)->l.body;
	for (k = 0; k < body->len; k++) {
		Ref r = body->n[k];

		if (v->store_seg[r] == u->seg && ir_node(f, r)->kind == N_INSTR)
			store(v, r, operand(v, row, stamp, t + 1, ir_node(f, r)->i.arg[0]));
	}
}
