/* The IR's types, op table, functions and builder. */
#include <string.h>

#include "ir.h"

const OpInfo ir_ops[NOP] = {
#define OP(e, name, nargs, cls, cycles, verilog) {#name, nargs, cls, cycles, verilog},
#include "ops.def"
#undef OP
};

Type
ir_f32(void)
{
	return (Type){TY_F32, 32, 0};
}

Type
ir_fix(int bits, int frac)
{
	IR_ASSERT(bits >= 2 && bits <= 64 && frac >= 0 && frac < bits);
	return (Type){TY_FIX, (uint8_t)bits, (uint8_t)frac};
}

int
ir_type_eq(Type a, Type b)
{
	return a.kind == b.kind && (a.kind != TY_FIX || (a.bits == b.bits && a.frac == b.frac));
}

const char *
ir_type_str(Type t, char *buf)
{
	switch (t.kind) {
	case TY_F32:
		return "f32";
	case TY_FIX:
		snprintf(buf, IR_TYPE_STR, "s%d.%d", t.bits, t.frac);
		return buf;
	default:
		return "none";
	}
}

int64_t
ir_fix_max(Type t)
{
	IR_ASSERT(t.kind == TY_FIX);
	return t.bits == 64 ? INT64_MAX : ((int64_t)1 << (t.bits - 1)) - 1;
}

int64_t
ir_fix_min(Type t)
{
	IR_ASSERT(t.kind == TY_FIX);
	return t.bits == 64 ? INT64_MIN : -((int64_t)1 << (t.bits - 1));
}

const char *
ir_mem_name(MemSpace m)
{
	static const char *const names[NMEM] = {"dram", "sram", "reg", "lut"};

	IR_ASSERT(m >= 0 && m < NMEM);
	return names[m];
}

const char *
ir_role_name(Role r)
{
	static const char *const names[NROLE] = {"input", "output", "param", "state", "temp"};

	IR_ASSERT(r >= 0 && r < NROLE);
	return names[r];
}

const char *
ir_fn_name(MathFn fn)
{
	static const char *const names[NFN] = {"sigmoid", "tanh"};

	IR_ASSERT(fn >= 0 && fn < NFN);
	return names[fn];
}

/* ---- affine expressions ------------------------------------------------------------------ */

Affine
ir_aff_const(int64_t c)
{
	Affine a = {0};

	a.c = c;
	return a;
}

Affine
ir_aff_var(Ref loop)
{
	Affine a = {0};

	a.nterm = 1;
	a.t[0].loop = loop;
	a.t[0].coef = 1;
	return a;
}

/* Terms stay sorted by loop handle, with no zero coefficients, so equal expressions are equal
 * structures. */
Affine
ir_aff_add(Affine a, Affine b)
{
	Affine r = {0};
	int i = 0, j = 0;

	r.c = a.c + b.c;
	while (i < a.nterm || j < b.nterm) {
		Ref l;
		int64_t coef;

		if (j >= b.nterm || (i < a.nterm && a.t[i].loop < b.t[j].loop)) {
			l = a.t[i].loop, coef = a.t[i++].coef;
		} else if (i >= a.nterm || b.t[j].loop < a.t[i].loop) {
			l = b.t[j].loop, coef = b.t[j++].coef;
		} else {
			l = a.t[i].loop, coef = a.t[i++].coef + b.t[j++].coef;
		}
		if (coef == 0)
			continue;
		if (r.nterm == IR_MAXTERMS)
			IR_BUG("affine expression with more than %d variables", IR_MAXTERMS);
		r.t[r.nterm].loop = l;
		r.t[r.nterm++].coef = coef;
	}
	return r;
}

Affine
ir_aff_scale(Affine a, int64_t k)
{
	int i;

	if (k == 0)
		return ir_aff_const(0);
	a.c *= k;
	for (i = 0; i < a.nterm; i++)
		a.t[i].coef *= k;
	return a;
}

int
ir_aff_eq(const Affine *a, const Affine *b)
{
	int i;

	if (a->c != b->c || a->nterm != b->nterm)
		return 0;
	for (i = 0; i < a->nterm; i++) {
		if (a->t[i].loop != b->t[i].loop || a->t[i].coef != b->t[i].coef)
			return 0;
	}
	return 1;
}

/* ---- functions and building -------------------------------------------------------------- */

Func *
ir_func_new(Ctx *c, const char *name)
{
	Func *f = ir_alloc(&c->arena, sizeof *f);

	f->c = c;
	f->name = ir_strdup(&c->arena, name);
	f->capnodes = 64;
	f->nodes = ir_alloc_array(&c->arena, (size_t)f->capnodes, sizeof *f->nodes);
	f->nnodes = 1;
	return f;
}

int
ir_find_tensor(const Func *f, const char *name)
{
	int i;

	for (i = 0; i < f->ntensors; i++) {
		if (!strcmp(f->tensors[i].name, name))
			return i;
	}
	return -1;
}

static int
has_var(const Func *f, const char *name)
{
	int i;

	for (i = 1; f && i < f->nnodes; i++) {
		if (f->nodes[i].kind == N_LOOP && !strcmp(f->nodes[i].l.var, name))
			return 1;
	}
	return 0;
}

const char *
ir_fresh_var(const Func *f, const Func *also, const char *base)
{
	const char *name = base;
	int n = 1;

	while (has_var(f, name) || has_var(also, name))
		name = ir_sprintf(&f->c->arena, "%s%d", base, n++);
	return name;
}

static void
block_push(Arena *a, Block *b, Ref r)
{
	if (b->len == b->cap) {
		Ref *n;

		b->cap = b->cap ? 2 * b->cap : 8;
		n = ir_alloc_array(a, (size_t)b->cap, sizeof *n);
		if (b->len)
			memcpy(n, b->n, (size_t)b->len * sizeof *n);
		b->n = n;
	}
	b->n[b->len++] = r;
}

static Ref
new_node(Func *f, NodeKind kind, Ref parent, Loc loc)
{
	Node *n;

	if (f->nnodes == f->capnodes) {
		Node *nn;

		f->capnodes *= 2;
		nn = ir_alloc_array(&f->c->arena, (size_t)f->capnodes, sizeof *nn);
		memcpy(nn, f->nodes, (size_t)f->nnodes * sizeof *nn);
		f->nodes = nn;
	}
	n = &f->nodes[f->nnodes];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->parent = parent;
	n->loc = loc;
	return f->nnodes++;
}

int
ir_add_tensor(Func *f, const char *name, Type ty, MemSpace mem, Role role, int ndim,
              const int32_t *dim, Init init)
{
	Tensor *t;

	IR_ASSERT(ndim >= 0 && ndim <= IR_MAXDIM);
	if (f->ntensors == f->captensors) {
		Tensor *nt;

		f->captensors = f->captensors ? 2 * f->captensors : 16;
		nt = ir_alloc_array(&f->c->arena, (size_t)f->captensors, sizeof *nt);
		if (f->ntensors)
			memcpy(nt, f->tensors, (size_t)f->ntensors * sizeof *nt);
		f->tensors = nt;
	}
	t = &f->tensors[f->ntensors];
	memset(t, 0, sizeof *t);
	t->name = ir_strdup(&f->c->arena, name);
	t->ty = ty;
	t->mem = mem;
	t->role = role;
	t->ndim = ndim;
	if (ndim)
		memcpy(t->dim, dim, (size_t)ndim * sizeof *dim);
	t->init = init;
	return f->ntensors++;
}

static Block *
cur_block(Builder *b)
{
	if (!b->at)
		return &b->f->body;
	IR_ASSERT(b->f->nodes[b->at].kind == N_LOOP);
	return &b->f->nodes[b->at].l.body;
}

static Ref
append(Builder *b, NodeKind kind)
{
	Ref r = new_node(b->f, kind, b->at, b->loc);

	block_push(&b->f->c->arena, cur_block(b), r);
	return r;
}

Ref
ir_b_loop(Builder *b, LoopKind kind, const char *var, int32_t extent)
{
	Ref r = append(b, N_LOOP);
	Loop *l = &b->f->nodes[r].l;

	l->kind = kind;
	l->var = ir_strdup(&b->f->c->arena, var);
	l->extent = extent;
	l->par = 1;
	l->vec = 1;
	l->comb = OP_ADD;
	return r;
}

static Ref
instr(Builder *b, Op op, Type ty)
{
	Ref r = append(b, N_INSTR);

	b->f->nodes[r].i.op = op;
	b->f->nodes[r].i.ty = ty;
	return r;
}

Ref
ir_b_const(Builder *b, Type ty, double v)
{
	Ref r = instr(b, OP_CONST, ty);

	b->f->nodes[r].i.imm = v;
	return r;
}

Ref
ir_b_load(Builder *b, Access acc)
{
	Ref r = instr(b, OP_LOAD, b->f->tensors[acc.tensor].ty);

	b->f->nodes[r].i.acc = acc;
	return r;
}

Ref
ir_b_store(Builder *b, Access acc, Ref v)
{
	Ref r = instr(b, OP_STORE, (Type){0});

	b->f->nodes[r].i.acc = acc;
	b->f->nodes[r].i.arg[0] = v;
	return r;
}

Ref
ir_b_op(Builder *b, Op op, Type ty, Ref x, Ref y)
{
	Ref r;

	IR_ASSERT(ir_ops[op].cls == OC_SAME || ir_ops[op].cls == OC_MUL ||
	          ir_ops[op].cls == OC_CAST || ir_ops[op].cls == OC_EXACTFN);
	r = instr(b, op, ty);
	b->f->nodes[r].i.arg[0] = x;
	b->f->nodes[r].i.arg[1] = y;
	return r;
}

Ref
ir_b_lut(Builder *b, int table, Ref x)
{
	Ref r = instr(b, OP_LUT, b->f->tensors[table].ty);

	b->f->nodes[r].i.acc.tensor = table;
	b->f->nodes[r].i.arg[0] = x;
	return r;
}

Ref
ir_b_result(Func *f, Ref loop, Type ty, Ref yield)
{
	Loop *l = &f->nodes[loop].l;
	Ref r;
	int k;

	IR_ASSERT(f->nodes[loop].kind == N_LOOP && l->kind == LOOP_REDUCE);
	IR_ASSERT(l->nres < IR_MAXRES);
	r = new_node(f, N_INSTR, f->nodes[loop].parent, f->nodes[loop].loc);
	l = &f->nodes[loop].l;  /* new_node may have moved the array */
	f->nodes[r].i.op = OP_RESULT;
	f->nodes[r].i.ty = ty;
	f->nodes[r].i.loop = loop;
	k = l->nres++;
	f->nodes[r].i.index = k;
	l->res[k] = r;
	l->yield[k] = yield;
	return r;
}

Access
ir_access(const Func *f, int t, const Affine *idx)
{
	Access a = {0};
	int i;

	IR_ASSERT(t >= 0 && t < f->ntensors);
	a.tensor = t;
	a.ndim = f->tensors[t].ndim;
	for (i = 0; i < a.ndim; i++)
		a.idx[i] = idx[i];
	return a;
}

void
ir_access_pred(Access *a, PredKind kind, Affine e, int64_t bound)
{
	IR_ASSERT(a->npred < IR_MAXPRED);
	a->pred[a->npred].kind = kind;
	a->pred[a->npred].e = e;
	a->pred[a->npred].bound = bound;
	a->npred++;
}

static void
clone_block(Arena *a, Block *dst, const Block *src)
{
	*dst = *src;
	if (src->len) {
		dst->n = ir_alloc_array(a, (size_t)src->cap, sizeof *dst->n);
		memcpy(dst->n, src->n, (size_t)src->len * sizeof *dst->n);
	}
}

Func *
ir_func_clone(const Func *f)
{
	Func *g = ir_alloc(&f->c->arena, sizeof *g);
	int i;

	*g = *f;
	g->tensors = ir_alloc_array(&f->c->arena, (size_t)(f->captensors ? f->captensors : 1),
	                            sizeof *g->tensors);
	if (f->ntensors)
		memcpy(g->tensors, f->tensors, (size_t)f->ntensors * sizeof *g->tensors);
	g->nodes = ir_alloc_array(&f->c->arena, (size_t)f->capnodes, sizeof *g->nodes);
	memcpy(g->nodes, f->nodes, (size_t)f->nnodes * sizeof *g->nodes);
	for (i = 1; i < g->nnodes; i++) {
		if (g->nodes[i].kind == N_LOOP)
			clone_block(&f->c->arena, &g->nodes[i].l.body, &f->nodes[i].l.body);
	}
	clone_block(&f->c->arena, &g->body, &f->body);
	return g;
}
