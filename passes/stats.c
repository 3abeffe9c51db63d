/* Memory statistics of one time step: what fusion saves. Every access is counted as many times
 * as it executes in a step (the product of the extents of the loops around it inside the time
 * loop), less the iterations its predicates switch off. */
#include <string.h>

#include "passes.h"

static int64_t
elem_bytes(Type t)
{
	return t.kind == TY_F32 ? 4 : t.bits / 8;
}

static int64_t
tensor_bytes(const Tensor *t)
{
	int64_t n = elem_bytes(t->ty);
	int d;

	for (d = 0; d < t->ndim; d++)
		n *= t->dim[d];
	return n;
}

enum { MAX_ENUM = 1 << 22 };

/* How many points of the box of loop variables satisfy every predicate: exact by enumerating the
 * variables the predicates use, when there are not too many of them. */
static int64_t
active(const Func *f, const Access *a, int64_t total)
{
	Ref vars[IR_MAXPRED * IR_MAXTERMS];
	int64_t ext[IR_MAXPRED * IR_MAXTERMS], val[IR_MAXPRED * IR_MAXTERMS], box = 1, hits = 0;
	int nv = 0, p, i, j;

	if (!a->npred)
		return total;
	for (p = 0; p < a->npred; p++) {
		for (i = 0; i < a->pred[p].e.nterm; i++) {
			Ref l = a->pred[p].e.t[i].loop;

			for (j = 0; j < nv && vars[j] != l; j++)
				;
			if (j == nv) {
				vars[nv] = l;
				ext[nv] = f->nodes[l].l.extent;
				box *= ext[nv++];
				if (box > MAX_ENUM)
					return total;
			}
		}
	}
	memset(val, 0, sizeof val);
	for (;;) {
		int ok = 1;

		for (p = 0; p < a->npred && ok; p++) {
			const Pred *pr = &a->pred[p];
			int64_t e = pr->e.c;

			for (i = 0; i < pr->e.nterm; i++) {
				for (j = 0; vars[j] != pr->e.t[i].loop; j++)
					;
				e += pr->e.t[i].coef * val[j];
			}
			ok = pr->kind == PRED_LT ? e < pr->bound : e >= pr->bound;
		}
		hits += ok;
		for (j = 0; j < nv && ++val[j] == ext[j]; j++)
			val[j] = 0;
		if (j == nv)
			break;
	}
	return total / box * hits;
}

static void
walk(const Func *f, const Block *blk, int64_t mult, int in_reduce, PassStats *st)
{
	int i;

	for (i = 0; i < blk->len; i++) {
		const Node *n = &f->nodes[blk->n[i]];

		if (n->kind == N_LOOP) {
			walk(f, &n->l.body, mult * n->l.extent, in_reduce || n->l.kind == LOOP_REDUCE, st);
			continue;
		}
		if (n->i.op == OP_LOAD || n->i.op == OP_STORE) {
			const Tensor *t = &f->tensors[n->i.acc.tensor];
			int64_t cnt = active(f, &n->i.acc, mult), bytes = cnt * elem_bytes(t->ty);

			if (n->i.op == OP_LOAD) {
				st->loads += cnt;
				st->load_bytes += bytes;
			} else {
				st->stores += cnt;
				st->store_bytes += bytes;
			}
			if (t->role == ROLE_TEMP)
				st->temp_traffic += bytes;
		} else if (n->i.op == OP_MUL && in_reduce) {
			st->macs += mult;
		}
	}
}

void
pass_stats(const Func *f, PassStats *st)
{
	int i;

	memset(st, 0, sizeof *st);
	for (i = 0; i < f->ntensors; i++) {
		if (f->tensors[i].role == ROLE_TEMP)
			st->temp_bytes += tensor_bytes(&f->tensors[i]);
		else if (f->tensors[i].role == ROLE_STATE)
			st->state_bytes += tensor_bytes(&f->tensors[i]);
	}
	for (i = 0; i < f->body.len; i++) {
		const Node *n = &f->nodes[f->body.n[i]];

		if (n->kind == N_LOOP && n->l.kind == LOOP_SEQ) {
			walk(f, &n->l.body, 1, 0, st);
			return;
		}
	}
}
