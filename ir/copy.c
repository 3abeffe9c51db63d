/* Copying IR between functions: the common part of every pass that rewrites a function. */
#include <string.h>

#include "ir.h"

void
ir_map_init(IrMap *m, const Func *src, Func *dst)
{
	Arena *a = &dst->c->arena;
	int i;

	m->src = src;
	m->dst = dst;
	m->val = ir_alloc_array(a, (size_t)src->nnodes, sizeof *m->val);
	m->var = ir_alloc_array(a, (size_t)src->nnodes, sizeof *m->var);
	m->tensor = ir_alloc_array(a, (size_t)(src->ntensors ? src->ntensors : 1), sizeof *m->tensor);
	for (i = 0; i < src->ntensors; i++) {
		const Tensor *t = &src->tensors[i];

		m->tensor[i] = ir_add_tensor(dst, t->name, t->ty, t->mem, t->role, t->ndim, t->dim,
		                             t->init);
		dst->tensors[m->tensor[i]].loc = t->loc;
	}
	/* init sources name tensors of the old function */
	for (i = 0; i < src->ntensors; i++) {
		Init *in = &dst->tensors[m->tensor[i]].init;

		if (in->kind == INIT_CONCAT || in->kind == INIT_QUANT) {
			in->src[0] = m->tensor[in->src[0]];
			if (in->kind == INIT_CONCAT)
				in->src[1] = m->tensor[in->src[1]];
		}
	}
}

Affine
ir_map_aff(const IrMap *m, const Affine *a)
{
	Affine r = ir_aff_const(a->c);
	int i;

	for (i = 0; i < a->nterm; i++)
		r = ir_aff_add(r, ir_aff_scale(m->var[a->t[i].loop], a->t[i].coef));
	return r;
}

Access
ir_map_access(const IrMap *m, const Access *a)
{
	Access r = *a;
	int i;

	r.tensor = m->tensor[a->tensor];
	for (i = 0; i < a->ndim; i++)
		r.idx[i] = ir_map_aff(m, &a->idx[i]);
	for (i = 0; i < a->npred; i++)
		r.pred[i].e = ir_map_aff(m, &a->pred[i].e);
	return r;
}

Ref
ir_copy_instr(Builder *b, IrMap *m, Ref r)
{
	const Node *n = &m->src->nodes[r];
	const Instr *in = &n->i;
	Ref nr;

	IR_ASSERT(n->kind == N_INSTR && in->op != OP_RESULT);
	b->loc = n->loc;
	switch (ir_ops[in->op].cls) {
	case OC_CONST:
		nr = ir_b_const(b, in->ty, in->imm);
		break;
	case OC_LOAD:
		nr = ir_b_load(b, ir_map_access(m, &in->acc));
		break;
	case OC_STORE:
		nr = ir_b_store(b, ir_map_access(m, &in->acc), m->val[in->arg[0]]);
		break;
	case OC_LUT:
		nr = ir_b_lut(b, m->tensor[in->acc.tensor], m->val[in->arg[0]]);
		break;
	default:
		nr = ir_b_op(b, in->op, in->ty, m->val[in->arg[0]],
		             ir_ops[in->op].nargs > 1 ? m->val[in->arg[1]] : 0);
		break;
	}
	m->val[r] = nr;
	return nr;
}

void
ir_copy_block(Builder *b, IrMap *m, const Block *blk)
{
	int i, k;

	for (i = 0; i < blk->len; i++) {
		Ref r = blk->n[i];
		const Node *n = &m->src->nodes[r];
		const Loop *l;
		Ref nl, saved;

		if (n->kind == N_INSTR) {
			ir_copy_instr(b, m, r);
			continue;
		}
		l = &n->l;
		b->loc = n->loc;
		nl = ir_b_loop(b, l->kind, l->var, l->extent);
		m->dst->nodes[nl].l.par = l->par;
		m->dst->nodes[nl].l.vec = l->vec;
		m->dst->nodes[nl].l.comb = l->comb;
		m->var[r] = ir_aff_var(nl);
		saved = b->at;
		b->at = nl;
		ir_copy_block(b, m, &l->body);
		b->at = saved;
		for (k = 0; k < l->nres; k++)
			m->val[l->res[k]] = ir_b_result(m->dst, nl, m->src->nodes[l->res[k]].i.ty,
			                                m->val[l->yield[k]]);
	}
}
