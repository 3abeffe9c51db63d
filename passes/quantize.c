/* The quantize pass: an fp32 function becomes fixed point under docs/numerics.md.
 *
 * Formats, from the spec's precision (W weight, A activation, C cell, accum bits):
 *   weights (3-D parameters)            W             8 bits in the paper
 *   biases (other parameters)           s<accum>.<Fw+Fa>, the accumulator's format, so a bias
 *                                       adds to a dot product without rescaling
 *   inputs, h, xh and other states      A
 *   the LSTM cell state c               C
 *   products inside a reduction         exact: s<Bw+Ba>.<Fw+Fa>
 *   a reduction's result                s<accum>.<Fw+Fa>: the exact sum, saturated once
 *   sigmoid and tanh                    a LUT lookup (or the exact function) giving GATE = s16.14
 *   other values                        add/sub/min/max: the operand type with more integer bits
 *                                       (then more bits), the other operand cast to it;
 *                                       mul: GATE x GATE is GATE, GATE x T is T (a gate scales a
 *                                       value of type T), otherwise the wider type;
 *                                       constants: GATE
 *   temp buffers                        the type of the value stored in them
 * Stores cast to the tensor's format (round half up, saturate). A LUT's input range must be
 * whole numbers of the operand's last bit (lo * 2^F integral), which the spec checker
 * guarantees for the formats it accepts. */
#include <math.h>
#include <string.h>

#include "../ir/exec.h"
#include "passes.h"

enum { GATE_BITS = 16, GATE_FRAC = 14 };

typedef struct Quant {
	const Func *src;
	Func *dst;
	const CellSpec *s;
	IrMap m;
	Builder b;
	Type w, a, cell, acc, prod, gate;
	int lut[NFN];     /* table tensors, made on first use */
	char *typed;      /* per new tensor: its type is final */
	int failed;
} Quant;

static Type
fmt(FixedFmt f)
{
	return ir_fix(f.bits, f.frac);
}

static int
ibits(Type t)
{
	return t.bits - t.frac;
}

/* The wider of two types: more integer bits, then more bits in all. */
static Type
wider(Type a, Type b)
{
	if (ibits(a) != ibits(b))
		return ibits(a) > ibits(b) ? a : b;
	return a.bits >= b.bits ? a : b;
}

static Ref
cast(Quant *q, Ref v, Type t)
{
	if (ir_type_eq(q->dst->nodes[v].i.ty, t))
		return v;
	return ir_b_op(&q->b, OP_CAST, t, v, 0);
}

static Type
ty(const Quant *q, Ref v)
{
	return q->dst->nodes[v].i.ty;
}

static int
in_reduce(const Func *f, Ref r)
{
	for (r = f->nodes[r].parent; r; r = f->nodes[r].parent) {
		if (f->nodes[r].l.kind == LOOP_REDUCE)
			return 1;
	}
	return 0;
}

static int
table(Quant *q, MathFn fn)
{
	static const char *const names[NFN] = {"lut_sigmoid", "lut_tanh"};
	int32_t n = q->s->act.entries;
	Init in = {0};

	if (q->lut[fn] >= 0)
		return q->lut[fn];
	in.kind = INIT_LUT;
	in.fn = fn;
	in.lo = q->s->act.lo;
	in.hi = q->s->act.hi;
	q->lut[fn] = ir_add_tensor(q->dst, names[fn], q->gate, MEM_LUT, ROLE_PARAM, 1, &n, in);
	q->dst->tensors[q->lut[fn]].loc = q->s->loc;
	return q->lut[fn];
}

static void
quant_instr(Quant *q, Ref r)
{
	const Func *f = q->src;
	const Node *n = &f->nodes[r];
	const Instr *in = &n->i;
	Builder *b = &q->b;
	Ref x = in->arg[0] ? q->m.val[in->arg[0]] : 0, y = in->arg[1] ? q->m.val[in->arg[1]] : 0;
	Ref v = 0;
	Type t;

	b->loc = n->loc;
	switch (in->op) {
	case OP_CONST: {
		int64_t raw = ir_num_from_double(in->imm, q->gate);

		v = ir_b_const(b, q->gate, ir_num_to_double(raw, q->gate));
		break;
	}
	case OP_LOAD: {
		int tt = q->m.tensor[in->acc.tensor];

		if (!q->typed[tt]) {
			ir_error(f->c, n->loc, "cannot quantize: '%s' is read before anything is stored "
			         "in it", q->dst->tensors[tt].name);
			q->failed = 1;
			return;
		}
		v = ir_copy_instr(b, &q->m, r);
		break;
	}
	case OP_STORE: {
		int tt = q->m.tensor[in->acc.tensor];

		if (!q->typed[tt]) {
			q->dst->tensors[tt].ty = ty(q, x);
			q->typed[tt] = 1;
		}
		q->m.val[in->arg[0]] = cast(q, x, q->dst->tensors[tt].ty);
		ir_copy_instr(b, &q->m, r);
		q->m.val[in->arg[0]] = x;
		return;
	}
	case OP_ADD: case OP_SUB: case OP_MAX: case OP_MIN:
		t = wider(ty(q, x), ty(q, y));
		x = cast(q, x, t);
		y = cast(q, y, t);
		v = ir_b_op(b, in->op, t, x, y);
		break;
	case OP_NEG:
		v = ir_b_op(b, in->op, ty(q, x), x, 0);
		break;
	case OP_MUL: {
		Type tx = ty(q, x), tyy = ty(q, y);

		if (in_reduce(f, r) && tx.bits + tyy.bits <= 64)
			t = ir_fix(tx.bits + tyy.bits <= 32 ? tx.bits + tyy.bits > 16 ? 32 : 16 : 64,
			           tx.frac + tyy.frac);
		else if (ir_type_eq(tx, q->gate))
			t = tyy;
		else if (ir_type_eq(tyy, q->gate))
			t = tx;
		else
			t = wider(tx, tyy);
		v = ir_b_op(b, OP_MUL, t, x, y);
		break;
	}
	case OP_CAST:
		v = x;  /* an fp32 cast has nothing to do in fixed point */
		break;
	case OP_SIGMOID: case OP_TANH: {
		MathFn fn = in->op == OP_SIGMOID ? FN_SIGMOID : FN_TANH;

		if (q->s->act.impl == ACT_EXACT) {
			v = ir_b_op(b, in->op, q->gate, x, 0);
			break;
		}
		t = ty(q, x);
		if (ldexp(q->s->act.lo, t.frac) != floor(ldexp(q->s->act.lo, t.frac)) ||
		    ldexp(q->s->act.hi, t.frac) != floor(ldexp(q->s->act.hi, t.frac))) {
			ir_error(f->c, n->loc, "cannot quantize: the LUT range [%g, %g) is not a whole "
			         "number of steps of the operand's format (%d fraction bits)",
			         q->s->act.lo, q->s->act.hi, t.frac);
			q->failed = 1;
			return;
		}
		v = ir_b_lut(b, table(q, fn), x);
		break;
	}
	default:
		IR_BUG("quantize: unexpected op");
	}
	q->m.val[r] = v;
}

static void
quant_block(Quant *q, const Block *blk)
{
	const Func *f = q->src;
	int i, k;

	for (i = 0; i < blk->len && !q->failed; i++) {
		Ref r = blk->n[i], nl, saved;
		const Node *n = &f->nodes[r];

		if (n->kind == N_INSTR) {
			quant_instr(q, r);
			continue;
		}
		q->b.loc = n->loc;
		nl = ir_b_loop(&q->b, n->l.kind, n->l.var, n->l.extent);
		q->dst->nodes[nl].l.par = n->l.par;
		q->dst->nodes[nl].l.vec = n->l.vec;
		q->m.var[r] = ir_aff_var(nl);
		saved = q->b.at;
		q->b.at = nl;
		quant_block(q, &n->l.body);
		q->b.at = saved;
		for (k = 0; k < n->l.nres && !q->failed; k++) {
			Ref yv = q->m.val[n->l.yield[k]];
			Type yt = ty(q, yv);

			q->m.val[n->l.res[k]] = ir_b_result(q->dst, nl, ir_fix(q->acc.bits, yt.frac), yv);
		}
	}
}

static Type
tensor_type(const Quant *q, const Tensor *t)
{
	switch (t->role) {
	case ROLE_PARAM:
		return t->ndim >= 3 ? q->w : q->acc;
	case ROLE_TEMP:
		return ir_f32();  /* decided by the first store */
	default:
		return !strcmp(t->name, "c") && q->s->cell == CELL_LSTM ? q->cell : q->a;
	}
}

Func *
pass_quantize(const Func *f, const CellSpec *s)
{
	Quant q = {0};
	const Precision *p = &s->prec;
	int i;

	if (p->kind == PREC_FP32)
		return ir_func_clone(f);
	q.src = f;
	q.s = s;
	q.w = fmt(p->weight);
	q.a = fmt(p->act);
	q.cell = fmt(p->cell);
	q.acc = ir_fix(p->accum_bits, p->weight.frac + p->act.frac);
	q.gate = ir_fix(GATE_BITS, GATE_FRAC);
	q.lut[0] = q.lut[1] = -1;
	q.dst = ir_func_new(f->c, f->name);
	q.dst->loc = f->loc;
	q.b.f = q.dst;
	ir_map_init(&q.m, f, q.dst);
	q.typed = ir_alloc(&f->c->arena, (size_t)f->ntensors + 2 * NFN);
	for (i = 0; i < f->ntensors; i++) {
		Tensor *t = &q.dst->tensors[q.m.tensor[i]];

		if (f->tensors[i].ty.kind != TY_F32) {
			ir_error(f->c, f->tensors[i].loc, "cannot quantize: tensor '%s' is already in "
			         "fixed point", t->name);
			return NULL;
		}
		t->ty = tensor_type(&q, &f->tensors[i]);
		q.typed[q.m.tensor[i]] = t->role != ROLE_TEMP;
	}
	/* a concatenation takes its sources' type */
	for (i = 0; i < q.dst->ntensors; i++) {
		Tensor *t = &q.dst->tensors[i];

		if (t->init.kind == INIT_CONCAT)
			q.dst->tensors[t->init.src[0]].ty = q.dst->tensors[t->init.src[1]].ty = t->ty;
	}
	quant_block(&q, &f->body);
	return q.failed ? NULL : q.dst;
}
