/* The verifier: every rule a Func must follow before a later stage may rely on it. Each violation
 * is reported at the node's or tensor's location, naming the loop (by its variable) and the
 * tensor; the checks go on after an error so that one run reports them all.
 *
 * The tree is checked first (handles in range, each node in one block under its loop): the other
 * checks assume it. Then one walk in program order checks definitions before uses (values are
 * scoped by blocks, a reduce's results appear after it), types, accesses and their bounds, and
 * collects the accesses under each foreach loop, whose pairs are then checked for races. Index
 * facts are decided by interval arithmetic on the affine forms; where that cannot prove a rule,
 * the verifier rejects (it is conservative), but the tile patterns of the scheduler pass. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"

typedef struct Ival {
	int64_t lo, hi;
} Ival;

/* The accesses in the body of a foreach loop: acc[begin..end) of the verifier. */
typedef struct Region {
	Ref loop;
	int begin, end;
} Region;

typedef struct Verifier {
	const Func *f;
	int nerr;
	int *seen;       /* how many blocks hold each node */
	char *avail;     /* values usable at the current point of the walk */
	char *open;      /* loops enclosing the current point */
	Ref *defs;       /* values defined in the open blocks, innermost last */
	int ndefs;
	Ref *acc;        /* well-formed loads and stores, in program order */
	int nacc;
	Region *reg;
	int nreg;
	Ref cur;         /* the innermost open loop */
	int nreduce;     /* open reduce loops */
} Verifier;

static int err(Verifier *v, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reports an error; returns 1. */
static int
err(Verifier *v, Loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ir_vdiag(v->f->c, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	v->nerr++;
	return 1;
}

/* Appends to a message buffer of `size` bytes. */
static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
put(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char *
var_name(const Func *f, Ref loop)
{
	const char *s = f->nodes[loop].l.var;

	return s ? s : "?";
}

static int nerr(Verifier *v, Ref r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Reports an error at node r, in the innermost open loop: "... (in loop 'i')". Returns 1. */
static int
nerr(Verifier *v, Ref r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (v->cur)
		return err(v, v->f->nodes[r].loc, "%s (in loop '%s')", msg, var_name(v->f, v->cur));
	return err(v, v->f->nodes[r].loc, "%s (at the top level)", msg);
}

static void
put_aff(const Func *f, char *buf, size_t size, const Affine *a)
{
	int i;

	for (i = 0; i < a->nterm; i++) {
		int64_t k = a->t[i].coef;

		if (i)
			put(buf, size, k < 0 ? " - " : " + ");
		else if (k < 0)
			put(buf, size, "-");
		put(buf, size, "%s", var_name(f, a->t[i].loop));
		if (k != 1 && k != -1)
			put(buf, size, "*%lld", (long long)(k < 0 ? -k : k));
	}
	if (a->nterm == 0)
		put(buf, size, "%lld", (long long)a->c);
	else if (a->c)
		put(buf, size, " %c %lld", a->c < 0 ? '-' : '+', (long long)(a->c < 0 ? -a->c : a->c));
}

/* "[t, b, i]" */
static const char *
access_str(const Func *f, const Access *a, char *buf, size_t size)
{
	int d;

	buf[0] = 0;
	put(buf, size, "[");
	for (d = 0; d < a->ndim; d++) {
		if (d)
			put(buf, size, ", ");
		put_aff(f, buf, size, &a->idx[d]);
	}
	put(buf, size, "]");
	return buf;
}

/* ---- interval arithmetic ------------------------------------------------------------------ */

static int64_t
sadd(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return a < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t
smul(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

/* coef * var for var in [0, extent - 1], added to r. */
static void
add_term(const Func *f, Ival *r, Ref loop, int64_t coef)
{
	int64_t ext = f->nodes[loop].l.extent, x = smul(coef, ext > 1 ? ext - 1 : 0);

	r->lo = sadd(r->lo, x < 0 ? x : 0);
	r->hi = sadd(r->hi, x > 0 ? x : 0);
}

static int64_t
coef_of(const Affine *a, Ref loop)
{
	int i;

	for (i = 0; i < a->nterm; i++) {
		if (a->t[i].loop == loop)
			return a->t[i].coef;
	}
	return 0;
}

static int inside(const Func *f, Ref r, Ref l);

/* The range of a - b, leaving out the variable of loop `skip`. The variables of the loops that
 * enclose loop `in` (all, when in is 0) have one value in both; the others are independent. */
static Ival
range_diff(const Func *f, const Affine *a, const Affine *b, Ref in, Ref skip)
{
	Ival r;
	int i;

	r.lo = r.hi = sadd(a->c, -b->c);
	for (i = 0; i < a->nterm; i++) {
		Ref t = a->t[i].loop;
		int shared = !in || inside(f, in, t);

		if (t != skip)
			add_term(f, &r, t, a->t[i].coef - (shared ? coef_of(b, t) : 0));
	}
	for (i = 0; i < b->nterm; i++) {
		Ref t = b->t[i].loop;
		int shared = !in || inside(f, in, t);

		if (t != skip && !(shared && coef_of(a, t)))
			add_term(f, &r, t, -b->t[i].coef);
	}
	return r;
}

/* ---- the tree ----------------------------------------------------------------------------- */

static int
valid_ref(const Func *f, Ref r)
{
	return r > 0 && r < f->nnodes;
}

/* Checks that every handle of the tree is in range and that each node is in one block, under its
 * loop. Returns the number of errors that make the other checks unsafe. */
static int
check_tree(Verifier *v, const Block *b, Ref parent)
{
	const Func *f = v->f;
	const char *in = parent ? var_name(f, parent) : "the function";
	int i, k, bad = 0;

	for (i = 0; i < b->len; i++) {
		Ref r = b->n[i], res;
		const Node *n;

		if (!valid_ref(f, r)) {
			bad += err(v, parent ? f->nodes[parent].loc : f->loc, "the body of '%s' holds "
			           "node %d, which does not exist", in, (int)r);
			continue;
		}
		n = &f->nodes[r];
		if (v->seen[r]++) {
			bad += err(v, n->loc, "node %d is in more than one block", (int)r);
			continue;
		}
		if (n->parent != parent)
			bad += err(v, n->loc, "node %d is in the body of '%s' but names node %d as its "
			           "loop", (int)r, in, (int)n->parent);
		if (n->kind == N_INSTR && ((int)n->i.op < 0 || n->i.op >= NOP || n->i.op == OP_RESULT))
			bad += err(v, n->loc, "node %d has op %d, which cannot be in a block", (int)r,
			           (int)n->i.op);
		if (n->kind == N_INSTR)
			continue;
		if (n->kind != N_LOOP || (int)n->l.kind < LOOP_SEQ || n->l.kind > LOOP_REDUCE ||
		    n->l.nres < 0 || n->l.nres > IR_MAXRES) {
			bad += err(v, n->loc, "node %d is not a well-formed instruction or loop", (int)r);
			continue;
		}
		for (k = 0; k < n->l.nres; k++) {
			res = n->l.res[k];
			if (!valid_ref(f, res) || f->nodes[res].kind != N_INSTR ||
			    f->nodes[res].i.op != OP_RESULT || f->nodes[res].i.loop != r ||
			    f->nodes[res].i.index != k || f->nodes[res].parent != parent)
				bad += err(v, n->loc, "result %d of reduce '%s' is not a result node of "
				           "that loop", k, var_name(f, r));
			else
				v->seen[res]++;
			if (!valid_ref(f, n->l.yield[k]))
				bad += err(v, n->loc, "yield %d of reduce '%s' is node %d, which does not "
				           "exist", k, var_name(f, r), (int)n->l.yield[k]);
		}
		bad += check_tree(v, &n->l.body, r);
	}
	return bad;
}

/* Every node is in the tree; loop variables are unique. */
static void
check_nodes(Verifier *v)
{
	const Func *f = v->f;
	Ref r, s;

	for (r = 1; r < f->nnodes; r++) {
		const char *a = f->nodes[r].l.var;

		if (!v->seen[r])
			err(v, f->nodes[r].loc, "node %d is in no block", (int)r);
		if (f->nodes[r].kind != N_LOOP || !v->seen[r])
			continue;
		if (!a || !*a) {
			err(v, f->nodes[r].loc, "loop %d has no variable name", (int)r);
			continue;
		}
		for (s = 1; s < r; s++) {
			if (f->nodes[s].kind == N_LOOP && v->seen[s] && f->nodes[s].l.var &&
			    !strcmp(f->nodes[s].l.var, a)) {
				err(v, f->nodes[r].loc, "loop variable '%s' is used by two loops", a);
				break;
			}
		}
	}
}

/* ---- types -------------------------------------------------------------------------------- */

static int
valid_type(Type t)
{
	if (t.kind == TY_F32)
		return 1;
	return t.kind == TY_FIX && (t.bits == 8 || t.bits == 16 || t.bits == 32 || t.bits == 64) &&
	       t.frac < t.bits;
}

static int
is_pow2(int64_t n)
{
	return n > 0 && (n & (n - 1)) == 0;
}

static int
representable(double x, Type t)
{
	double y;

	if (t.kind == TY_F32)
		return !isnan(x) && (double)(float)x == x;
	y = ldexp(x, t.frac);
	return isfinite(y) && y == floor(y) && y >= -ldexp(1, t.bits - 1) && y < ldexp(1, t.bits - 1);
}

/* The first of dimensions 0..n-1 where a and b differ, or n. */
static int
first_diff(const Tensor *a, const Tensor *b, int n)
{
	int d;

	for (d = 0; d < n && a->dim[d] == b->dim[d]; d++)
		;
	return d;
}

/* A tensor made from others (concat, quant): the sources exist and have the right shapes. */
static void
check_sources(Verifier *v, int i)
{
	const Func *f = v->f;
	const Tensor *t = &f->tensors[i], *a, *b;
	const Init *in = &t->init;
	int n = t->ndim, d, nsrc = in->kind == INIT_CONCAT ? 2 : 1;

	for (d = 0; d < nsrc; d++) {
		if (in->src[d] < 0 || in->src[d] >= f->ntensors || in->src[d] == i) {
			err(v, t->loc, "tensor '%s' is made from a tensor that does not exist", t->name);
			return;
		}
	}
	a = &f->tensors[in->src[0]];
	b = &f->tensors[in->src[nsrc - 1]];
	if (in->kind == INIT_QUANT) {
		if (a->ndim != n || first_diff(a, t, n) < n)
			err(v, t->loc, "tensor '%s' is a quant of '%s', which has another shape",
			    t->name, a->name);
	} else if (n < 1 || a->ndim != n || b->ndim != n) {
		err(v, t->loc, "tensor '%s' (%d dimensions) is a concat of '%s' and '%s' (%d and %d "
		    "dimensions)", t->name, n, a->name, b->name, a->ndim, b->ndim);
	} else if ((d = first_diff(a, t, n - 1)) < n - 1 || (d = first_diff(b, t, n - 1)) < n - 1) {
		err(v, t->loc, "tensor '%s' is a concat of '%s' and '%s', whose dimension %d differs "
		    "(%d, %d and %d)", t->name, a->name, b->name, d, t->dim[d], a->dim[d], b->dim[d]);
	} else if ((int64_t)a->dim[n - 1] + b->dim[n - 1] != t->dim[n - 1]) {
		err(v, t->loc, "tensor '%s' is a concat of '%s' and '%s', so its last dimension must "
		    "be %d + %d, not %d", t->name, a->name, b->name, a->dim[n - 1], b->dim[n - 1],
		    t->dim[n - 1]);
	}
}

static void
check_tensors(Verifier *v)
{
	const Func *f = v->f;
	int i, j, d;

	for (i = 0; i < f->ntensors; i++) {
		const Tensor *t = &f->tensors[i];
		const Init *in = &t->init;
		int range = !(in->lo < in->hi) || !isfinite(in->lo) || !isfinite(in->hi);

		if (!t->name || !*t->name) {
			err(v, t->loc, "tensor %d has no name", i);
			continue;
		}
		for (j = 0; j < i && (!f->tensors[j].name || strcmp(f->tensors[j].name, t->name)); j++)
			;
		if (j < i)
			err(v, t->loc, "tensor '%s' is declared twice", t->name);
		if (!valid_type(t->ty) || (int)t->mem < 0 || t->mem >= NMEM || (int)t->role < 0 ||
		    t->role >= NROLE || t->ndim < 0 || t->ndim > IR_MAXDIM) {
			err(v, t->loc, "tensor '%s' has an invalid type, memory, role or rank", t->name);
			continue;
		}
		for (d = 0; d < t->ndim; d++) {
			if (t->dim[d] < 1)
				err(v, t->loc, "dimension %d of tensor '%s' is %d; it must be at least 1", d,
				    t->name, t->dim[d]);
		}
		if (in->kind == INIT_RAND && range)
			err(v, t->loc, "tensor '%s' is rand over [%g, %g); the range is empty", t->name,
			    in->lo, in->hi);
		else if (in->kind == INIT_CONCAT || in->kind == INIT_QUANT)
			check_sources(v, i);
		else if (in->kind == INIT_LUT && (t->ndim != 1 || range || (int)in->fn < 0 ||
		                                  in->fn >= NFN))
			err(v, t->loc, "tensor '%s' is a lut: it needs one dimension, a known function "
			    "and a range lo < hi", t->name);
		else if ((int)in->kind < INIT_NONE || in->kind > INIT_LUT)
			err(v, t->loc, "tensor '%s' has an unknown init %d", t->name, (int)in->kind);
	}
}

/* A lookup: the table and, for a fixed-point operand of type xt, exact index arithmetic. */
static void
check_lut(Verifier *v, Ref r, Type xt)
{
	const Func *f = v->f;
	const Instr *in = &f->nodes[r].i;
	const Tensor *t;
	char tb[IR_TYPE_STR], ub[IR_TYPE_STR];
	double lo, hi;

	if (in->acc.tensor < 0 || in->acc.tensor >= f->ntensors) {
		nerr(v, r, "lut uses tensor %d, which does not exist", in->acc.tensor);
		return;
	}
	t = &f->tensors[in->acc.tensor];
	if (t->ndim != 1 || t->mem != MEM_LUT || t->init.kind != INIT_LUT) {
		nerr(v, r, "lut uses tensor '%s', which is not a 1-D lut tensor with a lut init",
		    t->name);
		return;
	}
	if (!ir_type_eq(in->ty, t->ty))
		nerr(v, r, "lut of table '%s' has type %s but the table holds %s", t->name,
		    ir_type_str(in->ty, tb), ir_type_str(t->ty, ub));
	if (!is_pow2(t->dim[0]) || t->dim[0] > 65536)
		nerr(v, r, "lut table '%s' has %d entries; the count must be a power of two up to "
		    "65536", t->name, t->dim[0]);
	lo = ldexp(t->init.lo, xt.frac);
	hi = ldexp(t->init.hi, xt.frac);
	if (xt.kind == TY_FIX && (lo != floor(lo) || hi != floor(hi) || fabs(lo) > 0x1p62 ||
	                          fabs(hi) > 0x1p62))
		nerr(v, r, "lut table '%s' covers [%g, %g), whose ends are not multiples of 2^-%d, "
		    "the step of its operand's type %s", t->name, t->init.lo, t->init.hi, xt.frac,
		    ir_type_str(xt, tb));
}

static void
check_types(Verifier *v, Ref r)
{
	const Func *f = v->f;
	const Instr *in = &f->nodes[r].i;
	const char *op = ir_ops[in->op].name;
	char tb[IR_TYPE_STR], ub[IR_TYPE_STR], vb[IR_TYPE_STR];
	Type t = in->ty, a = {0}, b = {0};
	int k;

	if (ir_ops[in->op].nargs > 0)
		a = f->nodes[in->arg[0]].i.ty;
	if (ir_ops[in->op].nargs > 1)
		b = f->nodes[in->arg[1]].i.ty;
	if (in->op != OP_STORE && !valid_type(t)) {
		nerr(v, r, "'%s' has an invalid result type", op);
		return;
	}
	switch (ir_ops[in->op].cls) {
	case OC_CONST:
		if (!representable(in->imm, t))
			nerr(v, r, "const %.17g is not exactly representable in %s", in->imm,
			    ir_type_str(t, tb));
		break;
	case OC_LOAD:
	case OC_STORE: {
		const Tensor *tt = &f->tensors[in->acc.tensor];
		Type x = in->op == OP_STORE ? a : t;

		if (!ir_type_eq(x, tt->ty))
			nerr(v, r, "%s tensor '%s' of a %s value; the tensor holds %s",
			    in->op == OP_STORE ? "store to" : "load from", tt->name, ir_type_str(x, tb),
			    ir_type_str(tt->ty, ub));
		break;
	}
	case OC_SAME:
		for (k = 0; k < ir_ops[in->op].nargs; k++) {
			Type x = k ? b : a;

			if (!ir_type_eq(x, t)) {
				nerr(v, r, "'%s' of type %s has an operand of type %s; its operands and "
				    "result must have one type", op, ir_type_str(t, tb), ir_type_str(x, ub));
				break;
			}
		}
		break;
	case OC_MUL:
		if (a.kind != b.kind || a.kind != t.kind)
			nerr(v, r, "'%s' of %s and %s to %s: operands and result must be all f32 or "
			    "all fixed point", op, ir_type_str(a, tb), ir_type_str(b, ub),
			    ir_type_str(t, vb));
		else if (a.kind == TY_FIX && (a.bits > 32 || b.bits > 32))
			nerr(v, r, "'%s' of %s and %s: fixed-point operands have at most 32 bits", op,
			    ir_type_str(a, tb), ir_type_str(b, ub));
		break;
	case OC_LUT:
		check_lut(v, r, a);
		break;
	case OC_CAST:
	case OC_EXACTFN:
	case OC_RESULT:
		break;
	}
}

/* ---- accesses ----------------------------------------------------------------------------- */

/* The variables of an expression must be loops enclosing the access. */
static int
check_aff(Verifier *v, Ref r, const Affine *a, const char *what, const char *tname)
{
	const Func *f = v->f;
	int i;

	if (a->nterm < 0 || a->nterm > IR_MAXTERMS) {
		nerr(v, r, "%s of tensor '%s' has %d terms", what, tname, a->nterm);
		return 0;
	}
	for (i = 0; i < a->nterm; i++) {
		Ref l = a->t[i].loop;

		if (!valid_ref(f, l) || f->nodes[l].kind != N_LOOP) {
			nerr(v, r, "%s of tensor '%s' uses node %d, which is not a loop",
			    what, tname, (int)l);
			return 0;
		}
		if (!v->open[l]) {
			nerr(v, r, "%s of tensor '%s' uses the variable of loop '%s', which "
			    "does not enclose the access", what, tname, var_name(f, l));
			return 0;
		}
	}
	return 1;
}

static int
check_access(Verifier *v, Ref r)
{
	const Func *f = v->f;
	const Access *a = &f->nodes[r].i.acc;
	const Tensor *t;
	char what[48];
	int d, p, ok = 1;

	if (a->tensor < 0 || a->tensor >= f->ntensors) {
		nerr(v, r, "access to tensor %d, which does not exist", a->tensor);
		return 0;
	}
	t = &f->tensors[a->tensor];
	if (a->ndim != t->ndim || t->ndim < 0 || t->ndim > IR_MAXDIM) {
		nerr(v, r, "access to tensor '%s' has %d indices but the tensor has %d dimensions",
		    t->name, a->ndim, t->ndim);
		return 0;
	}
	if (a->npred < 0 || a->npred > IR_MAXPRED) {
		nerr(v, r, "access to tensor '%s' has %d predicates", t->name, a->npred);
		return 0;
	}
	for (d = 0; d < a->ndim; d++) {
		snprintf(what, sizeof what, "index %d", d);
		ok &= check_aff(v, r, &a->idx[d], what, t->name);
	}
	for (p = 0; p < a->npred; p++)
		ok &= check_aff(v, r, &a->pred[p].e, "a predicate", t->name);
	if (!ok)
		return 0;
	/* bounds, narrowed by the predicates: from e < N and idx = e + rest, idx < N + max(rest) */
	for (d = 0; d < a->ndim; d++) {
		static const Affine zero;
		Ival iv = range_diff(f, &a->idx[d], &zero, 0, 0);

		for (p = 0; p < a->npred; p++) {
			const Pred *pr = &a->pred[p];
			Ival rest = range_diff(f, &a->idx[d], &pr->e, 0, 0);

			if (pr->kind == PRED_LT) {
				int64_t hi = sadd(sadd(pr->bound, -1), rest.hi);

				iv.hi = hi < iv.hi ? hi : iv.hi;
			} else {
				int64_t lo = sadd(pr->bound, rest.lo);

				iv.lo = lo > iv.lo ? lo : iv.lo;
			}
		}
		if (iv.lo <= iv.hi && (iv.lo < 0 || iv.hi >= t->dim[d])) {
			nerr(v, r, "tensor '%s' index %d ranges over [%lld, %lld] but its dimension is "
			    "%d", t->name, d, (long long)iv.lo, (long long)iv.hi, t->dim[d]);
		}
	}
	return 1;
}

/* ---- the walk ----------------------------------------------------------------------------- */

static void walk_block(Verifier *v, const Block *b);

static void
define(Verifier *v, Ref r)
{
	v->avail[r] = 1;
	v->defs[v->ndefs++] = r;
}

/* Operand k of r: a value defined before it, in its block or an enclosing one. */
static int
check_use(Verifier *v, Ref r, int k)
{
	const Func *f = v->f;
	Ref a = f->nodes[r].i.arg[k];
	const char *op = ir_ops[f->nodes[r].i.op].name;
	const Node *n;

	if (!valid_ref(f, a)) {
		nerr(v, r, "operand %d of '%s' is node %d, which does not exist", k,
		    op, (int)a);
		return 0;
	}
	n = &f->nodes[a];
	if (n->kind != N_INSTR || n->i.op == OP_STORE) {
		nerr(v, r, "operand %d of '%s' is node %d, which is not a value", k, op,
		    (int)a);
		return 0;
	}
	if (v->avail[a])
		return 1;
	if (n->i.op == OP_RESULT && valid_ref(f, n->i.loop) && v->open[n->i.loop])
		nerr(v, r, "'%s' uses result %d of reduce '%s' inside that loop; it is "
		    "defined only after the loop", op, n->i.index, var_name(f, n->i.loop));
	else
		nerr(v, r, "operand %d of '%s' (node %d) is not defined before it in "
		    "its block or an enclosing one", k, op, (int)a);
	return 0;
}

static void
walk_instr(Verifier *v, Ref r)
{
	const Func *f = v->f;
	const Instr *in = &f->nodes[r].i;
	int k, ok = 1;

	for (k = 0; k < ir_ops[in->op].nargs; k++)
		ok &= check_use(v, r, k);
	if (in->op == OP_LOAD || in->op == OP_STORE) {
		if (!check_access(v, r))
			ok = 0;
		else
			v->acc[v->nacc++] = r;
	}
	if (in->op == OP_STORE) {
		if (ok) {
			const Tensor *t = &f->tensors[in->acc.tensor];

			if (t->role == ROLE_INPUT || t->role == ROLE_PARAM)
				nerr(v, r, "store to tensor '%s', which is %s %s", t->name,
				    t->role == ROLE_INPUT ? "an" : "a", ir_role_name(t->role));
		}
		if (v->nreduce)
			nerr(v, r, "store to tensor '%s' inside a reduce body; a reduce computes its "
			    "yields only", in->acc.tensor >= 0 && in->acc.tensor < f->ntensors ?
			    f->tensors[in->acc.tensor].name : "?");
	}
	if (ok)
		check_types(v, r);
	if (in->op != OP_STORE)
		define(v, r);
}

/* Whether node r is inside the body of loop l (at any depth). */
static int
inside(const Func *f, Ref r, Ref l)
{
	int steps;

	for (steps = 0; valid_ref(f, r) && steps < f->nnodes; steps++) {
		r = f->nodes[r].parent;
		if (r == l)
			return 1;
	}
	return 0;
}

static void
walk_loop(Verifier *v, Ref r)
{
	const Func *f = v->f;
	const Loop *l = &f->nodes[r].l;
	Loc loc = f->nodes[r].loc;
	const char *var = var_name(f, r);
	char tb[IR_TYPE_STR], ub[IR_TYPE_STR];
	Ref saved = v->cur;
	int k, begin;

	if (l->extent < 1)
		err(v, loc, "loop '%s' has extent %d; it must be at least 1", var, l->extent);
	if (l->par < 1 || l->vec < 1)
		err(v, loc, "loop '%s' has par %d and vec %d; both must be at least 1", var, l->par,
		    l->vec);
	else if (l->par > l->extent && l->extent >= 1)
		err(v, loc, "loop '%s' has par %d, more than its extent %d", var, l->par, l->extent);
	if (l->kind == LOOP_REDUCE) {
		if (l->nres < 1)
			err(v, loc, "reduce '%s' has no results", var);
		if (l->comb != OP_ADD)
			err(v, loc, "reduce '%s' combines with '%s'; only add is supported", var,
			    (int)l->comb >= 0 && l->comb < NOP ? ir_ops[l->comb].name : "?");
	} else if (l->nres) {
		err(v, loc, "loop '%s' has results but is not a reduce", var);
	}
	v->open[r] = 1;
	v->cur = r;
	v->nreduce += l->kind == LOOP_REDUCE;
	begin = v->nacc;
	walk_block(v, &l->body);
	if (l->kind == LOOP_FOREACH && l->extent > 1 && v->nacc > begin)
		v->reg[v->nreg++] = (Region){r, begin, v->nacc};
	v->nreduce -= l->kind == LOOP_REDUCE;
	v->cur = saved;
	v->open[r] = 0;
	if (l->kind != LOOP_REDUCE)
		return;
	for (k = 0; k < l->nres; k++) {
		Ref y = l->yield[k], res = l->res[k];
		const Node *n = &f->nodes[y];
		Type rt = f->nodes[res].i.ty, yt = n->i.ty;

		if (n->kind != N_INSTR || n->i.op == OP_STORE) {
			err(v, loc, "yield %d of reduce '%s' is not a value", k, var);
		} else if (!inside(f, y, r)) {
			err(v, loc, "yield %d of reduce '%s' is not defined in the body of that loop", k,
			    var);
		} else if (!valid_type(rt)) {
			err(v, loc, "result %d of reduce '%s' has an invalid type", k, var);
		} else if (rt.kind != yt.kind || (rt.kind == TY_FIX && rt.frac != yt.frac)) {
			err(v, loc, "result %d of reduce '%s' has type %s but its yield has type %s; the "
			    "sum keeps the kind%s of its terms", k, var, ir_type_str(rt, tb),
			    ir_type_str(yt, ub), rt.kind == TY_FIX && yt.kind == TY_FIX ?
			    " and the fraction bits" : "");
		}
		define(v, res);
	}
}

static void
walk_block(Verifier *v, const Block *b)
{
	int mark = v->ndefs, i;

	for (i = 0; i < b->len; i++) {
		if (v->f->nodes[b->n[i]].kind == N_LOOP)
			walk_loop(v, b->n[i]);
		else
			walk_instr(v, b->n[i]);
	}
	while (v->ndefs > mark)
		v->avail[v->defs[--v->ndefs]] = 0;
}

/* ---- races -------------------------------------------------------------------------------- */

/* Whether index x of one iteration of foreach L can never equal index y of another iteration.
 * Variables of loops enclosing L are the same in both; L's variable differs; variables of loops
 * inside L are free in each. With x = a*v1 + rx and y = a*v2 + ry, x - y = a*(v1 - v2) + r
 * where r = rx - ry lies in R; |v1 - v2| >= 1, so |r| < |a| proves it, as does R lying beyond
 * |a| * (extent - 1) on either side. */
static int
dim_disjoint(const Func *f, Ref L, const Affine *x, const Affine *y)
{
	int64_t ax = coef_of(x, L), ay = coef_of(y, L), ext = f->nodes[L].l.extent;
	Ival R = range_diff(f, x, y, L, L);

	if (ax == ay) {
		int64_t A = ax < 0 ? -ax : ax, M = smul(A, ext - 1);

		if (A > 0 && R.lo > -A && R.hi < A)
			return 1;
		return R.lo > M || R.hi < -M;
	}
	/* different coefficients: the whole difference, with v1 and v2 independent */
	add_term(f, &R, L, ax);
	add_term(f, &R, L, -ay);
	return R.lo > 0 || R.hi < 0;
}

/* The nearest sequential loop enclosing L, or 0. */
static Ref
seq_around(const Func *f, Ref L)
{
	Ref p;

	for (p = f->nodes[L].parent; p; p = f->nodes[p].parent) {
		if (f->nodes[p].l.kind == LOOP_SEQ)
			return p;
	}
	return 0;
}

static void
check_region(Verifier *v, const Region *g)
{
	const Func *f = v->f;
	char *done = calloc((size_t)(f->ntensors ? f->ntensors : 1), 1);
	int i, j, d;

	if (!done)
		IR_BUG("out of memory");
	for (i = g->begin; i < g->end; i++) {
		for (j = i; j < g->end; j++) {
			const Instr *x = &f->nodes[v->acc[i]].i, *y = &f->nodes[v->acc[j]].i;
			const Instr *st = x->op == OP_STORE ? x : y, *other = st == x ? y : x;
			char sb[256], ob[256], hint[96];
			Ref s;

			if (x->acc.tensor != y->acc.tensor || done[x->acc.tensor])
				continue;
			if (x->op != OP_STORE && y->op != OP_STORE)
				continue;
			for (d = 0; d < x->acc.ndim; d++) {
				if (dim_disjoint(f, g->loop, &x->acc.idx[d], &y->acc.idx[d]))
					break;
			}
			if (d < x->acc.ndim)
				continue;
			hint[0] = 0;
			if (other->op == OP_STORE)
				put(hint, sizeof hint, "each iteration must write its own elements");
			else if ((s = seq_around(f, g->loop)))
				put(hint, sizeof hint, "double-buffer it: write step %s+1", var_name(f, s));
			else
				put(hint, sizeof hint, "double-buffer it");
			err(v, f->nodes[v->acc[st == x ? i : j]].loc, "race in foreach '%s': tensor '%s' "
			    "is written at %s and %s at %s by different iterations (%s)", var_name(f, g->loop),
			    f->tensors[st->acc.tensor].name, access_str(f, &st->acc, sb, sizeof sb),
			    other->op == OP_STORE ? "written" : "read",
			    access_str(f, &other->acc, ob, sizeof ob), hint);
			done[x->acc.tensor] = 1;
		}
	}
	free(done);
}

/* ---- entry -------------------------------------------------------------------------------- */

int
ir_verify(const Func *f)
{
	Verifier v = {0};
	size_t n = (size_t)(f->nnodes > 0 ? f->nnodes : 1);
	int i;

	v.f = f;
	v.seen = calloc(n, sizeof *v.seen);
	v.avail = calloc(n, 1);
	v.open = calloc(n, 1);
	v.defs = calloc(n, sizeof *v.defs);
	v.acc = calloc(n, sizeof *v.acc);
	v.reg = calloc(n, sizeof *v.reg);
	if (!v.seen || !v.avail || !v.open || !v.defs || !v.acc || !v.reg)
		IR_BUG("out of memory");
	check_tensors(&v);
	if (check_tree(&v, &f->body, 0) == 0) {
		check_nodes(&v);
		walk_block(&v, &f->body);
		for (i = 0; i < v.nreg; i++)
			check_region(&v, &v.reg[i]);
	}
	free(v.seen);
	free(v.avail);
	free(v.open);
	free(v.defs);
	free(v.acc);
	free(v.reg);
	return v.nerr;
}
