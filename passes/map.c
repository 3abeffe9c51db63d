/* The mapping: the scheduled nest of one time step as PCUs, PMUs and links (see map.h for the
 * data structure, docs/mapping.md for the rules). This file reads the nest, makes the units and
 * links and checks the target's constraints; place.c puts the units on the grid.
 *
 * Every check reports the constraint by name with its numbers and the knob to change, and
 * map_build returns NULL: an infeasible design is a user error (or a skipped search candidate),
 * never a crash. */
#include <stdarg.h>
#include <string.h>

#include "map.h"
#include "passes.h"

typedef struct Build {
	Ctx *c;
	Mapping *m;
	const CellSpec *s;
	const Target *t;
	int capunit, caplink;
	int failed;
	MapFail why;          /* the first reason it does not map */
	int *hsrc;      /* distributing h (m->hvec > 0): per copy, the segment that stores h */
} Build;

/* A unit's name from a format of text and %d only: cheaper than ir_sprintf, which matters when
 * a search builds thousands of candidates. */
static const char *
fmt_name(Build *b, const char *fmt, ...)
{
	char buf[96], *o = buf;
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt && o < buf + sizeof buf - 12; fmt++) {
		char digits[12];
		int v, n = 0;

		if (fmt[0] != '%' || fmt[1] != 'd') {
			*o++ = *fmt;
			continue;
		}
		fmt++;
		v = va_arg(ap, int);
		if (v < 0) {
			*o++ = '-';
			v = -v;
		}
		do
			digits[n++] = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		while (n > 0)
			*o++ = digits[--n];
	}
	va_end(ap);
	return ir_strndup(&b->c->arena, buf, (size_t)(o - buf));
}

static const char *const role_names[NMAPROLE] = {
	"dot", "combine", "epilogue", "weight", "xh", "lut", "state", "hbuf",
};

static const char *const link_names[NMAPLINK] = {
	"xh", "weights", "lanes", "partial", "sum", "values", "lut index", "params", "state", "h",
	"chain", "h vector",
};

const char *
map_link_name(MapLinkKind k)
{
	IR_ASSERT(k >= 0 && k < NMAPLINK);
	return link_names[k];
}

static const char *const fail_names[NMAPFAIL] = {
	"ok", "shape", "hv", "folded", "lanes", "network", "chip", "capacity", "banks", "dots", "pcus",
	"pmus", "ports", "hoist", "candidate", "other",
};

const char *
map_fail_name(MapFailKind k)
{
	IR_ASSERT(k >= 0 && k < NMAPFAIL);
	return fail_names[k];
}

/* Records why the design does not map (the first reason found; its message is reported beside
 * it). */
static void
fail(Build *b, MapFailKind kind, int unit, int64_t need, int64_t have)
{
	b->failed = 1;
	if (b->why.kind != MAP_OK)
		return;
	b->why.kind = kind;
	b->why.unit = unit >= 0 ? b->m->unit[unit].name : NULL;
	b->why.role = unit >= 0 ? (int)b->m->unit[unit].role : -1;
	b->why.need = need;
	b->why.have = have;
}

int
map_link_side(MapLinkKind k)
{
	return k == MAP_L_LUT_INDEX || k == MAP_L_PARAMS || k == MAP_L_STATE;
}

int
map_link_flits(const Mapping *m, const MapLink *l)
{
	int w = l->vector ? m->t->net.vector_bits : m->t->net.scalar_bits;

	/* hv = 1 designs keep one flit a token whatever their widths, as before the hv form,
	 * except the merged candidate gate's tokens of two sums */
	return (m->hv > 1 || l->vals > 1) && w > 0 && l->bits > w ? (l->bits + w - 1) / w : 1;
}

const char *
map_role_name(MapRole r)
{
	IR_ASSERT(r >= 0 && r < NMAPROLE);
	return role_names[r];
}

static int
ceil_div(int64_t a, int64_t b)
{
	return (int)((a + b - 1) / b);
}

static int
ceil_log2(int64_t n)
{
	int lg = 0;

	while (((int64_t)1 << lg) < n)
		lg++;
	return lg;
}

static int
type_bits(Type t)
{
	return t.kind == TY_F32 ? 32 : t.bits;
}

static int64_t
type_bytes(Type t)
{
	return (type_bits(t) + 7) / 8;
}

int
map_pack(const CellSpec *s, const Target *t)
{
	int elem = s->prec.kind == PREC_FP32 ? 32 :
	           s->prec.weight.bits > s->prec.act.bits ? s->prec.weight.bits : s->prec.act.bits;
	int width = t->pcu.pack_bits;

	while (width < elem)
		width *= 2;
	return width < t->pcu.word_bits ? t->pcu.word_bits / width : 1;
}

/* ---- reading the nest -------------------------------------------------------------------- */

static int
holds_reduce(const Func *f, const Block *b)
{
	int i;

	for (i = 0; i < b->len; i++) {
		const Node *n = ir_node(f, b->n[i]);

		if (n->kind == N_LOOP && n->l.kind == LOOP_REDUCE)
			return 1;
	}
	return 0;
}

/* The foreach over hidden units: the one whose body holds the reduction. *batch multiplies
 * the extents of the foreach loops around it (the batch), which the same units run in turn. */
static Ref
find_hidden(const Func *f, const Block *b, int64_t *batch)
{
	int i;

	for (i = 0; i < b->len; i++) {
		const Node *n = ir_node(f, b->n[i]);
		Ref r;
		int64_t inner = 1;

		if (n->kind != N_LOOP || n->l.kind != LOOP_FOREACH)
			continue;
		if (holds_reduce(f, &n->l.body))
			return b->n[i];
		if ((r = find_hidden(f, &n->l.body, &inner))) {
			*batch *= inner * n->l.extent;
			return r;
		}
	}
	return 0;
}

/* The k range a load's predicates allow. */
static void
k_range(const Access *a, int32_t *lo, int32_t *hi)
{
	int i;

	for (i = 0; i < a->npred; i++) {
		const Pred *p = &a->pred[i];

		if (p->kind == PRED_GE && p->bound > *lo)
			*lo = (int32_t)p->bound;
		if (p->kind == PRED_LT && p->bound < *hi)
			*hi = (int32_t)p->bound;
	}
}

static int
shape_error(Build *b, Loc loc, const char *what)
{
	ir_error(b->c, loc, "cannot map '%s': %s", b->m->name, what);
	fail(b, MAP_FAIL_SHAPE, -1, 0, 0);
	return -1;
}

/* Finds the hidden loop, the reduce levels and the products. */
static int
read_nest(Build *b)
{
	Mapping *m = b->m;
	const Func *f = m->f;
	const Node *hid, *red;
	Ref time = 0, cur;
	int64_t batch = 1;
	int i, j;

	for (i = 0; i < f->body.len && !time; i++) {
		const Node *n = ir_node(f, f->body.n[i]);

		if (n->kind == N_LOOP && n->l.kind == LOOP_SEQ)
			time = f->body.n[i];
	}
	if (!time)
		return shape_error(b, f->loc, "no time loop (seq)");
	m->hidden_loop = find_hidden(f, &ir_node(f, time)->l.body, &batch);
	if (!m->hidden_loop)
		return shape_error(b, f->loc, "no foreach loop over hidden units holds a reduction");
	hid = ir_node(f, m->hidden_loop);
	m->hu = hid->l.par;
	m->hv = hid->l.vec > 1 ? hid->l.vec : 1;
	m->B = (int)batch;
	for (i = 0; i < hid->l.body.len; i++) {
		const Node *n = ir_node(f, hid->l.body.n[i]);

		if (n->kind == N_LOOP) {
			if (n->l.kind != LOOP_REDUCE || m->reduce)
				return shape_error(b, n->loc, "the hidden-unit loop holds more than one "
				                   "reduction");
			m->reduce = hid->l.body.n[i];
		}
	}
	/* descend through the tiling levels to the body that multiplies */
	m->ru = m->rv = 1;
	for (cur = m->reduce;;) {
		const Node *n = ir_node(f, cur);
		Ref inner = 0;

		if (n->l.par > 1)
			m->ru = n->l.par;
		if (n->l.vec > 1)
			m->rv = n->l.vec;
		for (i = 0; i < n->l.body.len; i++) {
			if (ir_node(f, n->l.body.n[i])->kind == N_LOOP)
				inner = n->l.body.n[i];
		}
		if (!inner)
			break;
		cur = inner;
	}
	red = ir_node(f, cur);
	m->nprod = red->l.nres;
	for (j = 0; j < red->l.nres; j++) {
		const Node *y = ir_node(f, red->l.yield[j]);
		const Node *a, *c;
		MapProduct *p = &m->prod[j];

		if (y->kind != N_INSTR || y->i.op != OP_MUL)
			return shape_error(b, y->loc, "a reduction yields a value that is not a product");
		a = ir_node(f, y->i.arg[0]);
		c = ir_node(f, y->i.arg[1]);
		if (a->i.op != OP_LOAD || c->i.op != OP_LOAD)
			return shape_error(b, y->loc, "a product is not of two loads");
		if (f->tensors[a->i.acc.tensor].role != ROLE_PARAM) {
			const Node *tmp = a;

			a = c;
			c = tmp;
		}
		if (f->tensors[a->i.acc.tensor].role != ROLE_PARAM ||
		    f->tensors[a->i.acc.tensor].ndim != 3)
			return shape_error(b, y->loc, "a product does not read a [gate, row, k] weight "
			                   "tensor");
		p->result = j;
		p->second = p->into = -1;
		p->weight = a->i.acc.tensor;
		p->gate = (int)a->i.acc.idx[0].c;
		p->k_lo = 0;
		p->k_hi = m->N;
		k_range(&a->i.acc, &p->k_lo, &p->k_hi);
		k_range(&c->i.acc, &p->k_lo, &p->k_hi);
		m->xh = c->i.acc.tensor;
	}
	return 0;
}

/* ---- building units and links ------------------------------------------------------------ */

static int
new_unit(Build *b, MapKind kind, MapRole role, const char *name, int near)
{
	Mapping *m = b->m;
	MapUnit *u;

	if (m->nunit == b->capunit) {
		MapUnit *n;

		b->capunit = b->capunit ? 2 * b->capunit : 64;
		n = ir_alloc_array(&b->c->arena, (size_t)b->capunit, sizeof *n);
		if (m->nunit)
			memcpy(n, m->unit, (size_t)m->nunit * sizeof *n);
		m->unit = n;
	}
	u = &m->unit[m->nunit];
	u->kind = kind;
	u->role = role;
	u->name = name;
	u->prod = u->gate = u->copy = u->tile = u->seg = u->part = -1;
	u->near = near;
	u->near2 = -1;
	u->row = u->col = -1;
	u->lanes = u->pack = 1;
	return m->nunit++;
}

/* A link from src's output `port` (-1: a new port) to dst; returns the port. */
static int
add_link(Build *b, int src, int dst, int vector, int bits, int port, MapLinkKind what)
{
	Mapping *m = b->m;
	MapUnit *s = &m->unit[src], *d = &m->unit[dst];
	MapLink *l;

	if (m->nlink == b->caplink) {
		MapLink *n;

		b->caplink = b->caplink ? 2 * b->caplink : 128;
		n = ir_alloc_array(&b->c->arena, (size_t)b->caplink, sizeof *n);
		if (m->nlink)
			memcpy(n, m->link, (size_t)m->nlink * sizeof *n);
		m->link = n;
	}
	if (port < 0)
		port = vector ? s->used.vector_out++ : s->used.scalar_out++;
	if (vector)
		d->used.vector_in++;
	else
		d->used.scalar_in++;
	l = &m->link[m->nlink++];
	l->src = src;
	l->dst = dst;
	l->vector = vector;
	l->bits = bits;
	l->port = port;
	l->what = what;
	l->vals = 1;
	return port;
}

/* The merged candidate gate's links of a row's two sums (partial, chained, full): the last
 * link made carries both, twice the bits (two flits on a scalar link of one sum's width). */
static void
two_sums(Build *b)
{
	MapLink *l = &b->m->link[b->m->nlink - 1];

	l->bits *= 2;
	l->vals = 2;
}

static MapStage *
stages(Build *b, int n)
{
	return ir_alloc_array(&b->c->arena, (size_t)(n ? n : 1), sizeof(MapStage));
}

static MapStage
stage(MapStageKind kind, Op op, int cycles, int lanes)
{
	MapStage s = {kind, op, 0, cycles < 1 ? 1 : cycles, lanes, 0, NULL};

	return s;
}

/* The k of tile r within [lo, hi). */
static int64_t
tile_k(const Mapping *m, int r, int32_t lo, int32_t hi)
{
	int64_t n = 0;
	int kt;

	if (hi > m->N)
		hi = m->N;
	for (kt = 0; kt < m->nt; kt++) {
		int64_t a = ((int64_t)kt * m->ru + r) * m->rv, e = a + m->rv;

		if (a < lo)
			a = lo;
		if (e > hi)
			e = hi;
		if (e > a)
			n += e - a;
	}
	return n;
}

/* The stages of one dot product: multiply, in-lane reduce of the packed values, then the
 * folded reduce-accumulate, or a tree over the lanes and an accumulate. With hv > 1 the lanes
 * hold hv row groups of ceil(rv / pack) lanes side by side; each group's tree spans its own
 * lanes only (none when rv <= pack) and accumulates in its own accumulator, so the stages are
 * those of one group on hv times the lanes. */
static int
dot_chain(const Mapping *m, const Target *t, MapStage *st)
{
	int lanes = ceil_div(m->rv, m->pack), hv = m->hv, n = 0, i, l;

	st[n++] = stage(MAP_ST_MUL, OP_MUL, ir_ops[OP_MUL].cycles, hv * lanes);
	for (i = 0; i < m->inlane; i++)
		st[n++] = stage(MAP_ST_INLANE, OP_ADD, ir_ops[OP_ADD].cycles, hv * lanes);
	if (m->folded) {
		st[n++] = stage(MAP_ST_FOLDED, OP_ADD, ir_target_reduce_latency(t), hv * lanes);
		return n;
	}
	for (l = lanes; l > 1; l = (l + 1) / 2)
		st[n++] = stage(MAP_ST_TREE, OP_ADD, ir_ops[OP_ADD].cycles, hv * ((l + 1) / 2));
	st[n++] = stage(MAP_ST_ACC, OP_ADD, ir_ops[OP_ADD].cycles, hv);
	return n;
}

/* Row groups (hv > 1): the rows of a copy visited hv at a time, a tail group masked. */
static int64_t
row_groups(const Mapping *m, int64_t rows)
{
	return (rows + m->hv - 1) / m->hv;
}

/* The first row of part i of `parts` of copy cp's weights: parts hold whole row groups, so a
 * group's hv rows are read from one PMU (with hv = 1, rows split as evenly as they go). */
static int32_t
part_row(const Mapping *m, const MapCopy *cp, int i, int parts)
{
	int64_t rows = cp->hi - cp->lo, g = row_groups(m, rows) * i / parts * m->hv;

	return cp->lo + (int32_t)(g < rows ? g : rows);
}

/* The k a dot product reads: its product's, and with the merged candidate gate (a product
 * with a `second`) the second half's too, [0, D) and [D, N) together. */
static int32_t
dot_k_hi(const Mapping *m, const MapProduct *p)
{
	return p->second >= 0 ? m->prod[p->second].k_hi : p->k_hi;
}

static int
weight_slice(Mapping *m, MapSlice *sl, const MapProduct *p, int r, int32_t lo, int32_t hi)
{
	const Tensor *w = &m->f->tensors[p->weight];
	int32_t k_hi = dot_k_hi(m, p);

	memset(sl, 0, sizeof *sl);
	sl->tensor = p->weight;
	sl->ndim = 3;
	sl->lo[0] = p->gate, sl->hi[0] = p->gate + 1;
	sl->lo[1] = lo, sl->hi[1] = hi;
	sl->lo[2] = p->k_lo, sl->hi[2] = k_hi;
	sl->k_tile = r, sl->k_tiles = m->ru, sl->k_width = m->rv;
	sl->elems = (int64_t)(hi - lo) * tile_k(m, r, p->k_lo, k_hi);
	sl->bytes = sl->elems * type_bytes(w->ty);
	return 0;
}

/* A slice of a whole tensor, or of the copy's rows [lo, hi) in its last dimension (and of the
 * gates [glo, ghi) in the first, for a [gate, row] bias). */
static void
rows_slice(const Mapping *m, MapSlice *sl, int tensor, int32_t glo, int32_t ghi, int32_t lo,
           int32_t hi)
{
	const Tensor *t = &m->f->tensors[tensor];
	int d;

	memset(sl, 0, sizeof *sl);
	sl->tensor = tensor;
	sl->ndim = t->ndim;
	sl->elems = 1;
	for (d = 0; d < t->ndim; d++) {
		sl->lo[d] = 0;
		sl->hi[d] = t->dim[d];
		if (t->mem == MEM_LUT)
			;
		else if (d == t->ndim - 1)
			sl->lo[d] = lo, sl->hi[d] = hi;
		else if (d == 0 && t->role == ROLE_PARAM)
			sl->lo[d] = glo, sl->hi[d] = ghi;
		else if (d == 0 && t->ndim == 3)
			sl->hi[d] = 2;  /* [step, batch, row]: double-buffered */
		sl->elems *= sl->hi[d] - sl->lo[d];
	}
	sl->bytes = sl->elems * type_bytes(t->ty);
}

/* Adds a tensor to a PMU's slices, widening the gate range of one already there. */
static void
pmu_add(Build *b, MapUnit *u, int tensor, int32_t gate, int32_t lo, int32_t hi)
{
	int i;

	for (i = 0; i < u->nslice; i++) {
		MapSlice *sl = &u->slice[i];

		if (sl->tensor == tensor) {
			int32_t glo = sl->lo[0] < gate ? sl->lo[0] : gate;
			int32_t ghi = sl->hi[0] > gate + 1 ? sl->hi[0] : gate + 1;

			u->bytes -= sl->bytes;
			rows_slice(b->m, sl, tensor, glo, ghi, lo, hi);
			u->bytes += sl->bytes;
			return;
		}
	}
	IR_ASSERT(u->nslice < MAP_MAXSLICE);
	rows_slice(b->m, &u->slice[u->nslice], tensor, gate, gate + 1, lo, hi);
	u->bytes += u->slice[u->nslice++].bytes;
}

static int
pmu_banks(const Target *t, int64_t bits)
{
	return ceil_div(bits, t->pmu.word_bits);
}

typedef struct EpiVal {
	int seg;        /* where the value is computed (or arrives); -1: not a chain value */
	int last;       /* the last segment that uses it */
} EpiVal;

/* An instruction of the hidden loop's body that takes a stage of the epilogue. */
static int
epi_op(const Node *n)
{
	return n->kind == N_INSTR && n->i.op != OP_CONST && n->i.op != OP_LOAD &&
	       n->i.op != OP_STORE;
}

/* The stage of each epilogue op (at[r], -1 for the others); returns the number of stages.
 * Serial: one op per stage in program order. Packed: an op's level is one more than the
 * highest level among the ops it reads (loads, constants and sums are there from the first
 * stage, where they arrive), and each level takes ceil(ops / lanes) stages of its own, its ops
 * filling them in program order; an op therefore always comes in a stage after those of its
 * operands, and the chain is about the epilogue's critical path long rather than its length. */
static int
epi_schedule(Build *b, const Block *body, int *at)
{
	const Func *f = b->m->f;
	int *level = ir_alloc_array(&b->c->arena, (size_t)f->nnodes, sizeof *level);
	int *count, *base, nlev = 0, lanes = b->t->pcu.lanes / b->m->hv, i, j, k, n = 0;

	for (i = 0; i < f->nnodes; i++)
		at[i] = level[i] = -1;
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *nd = ir_node(f, r);

		if (!epi_op(nd))
			continue;
		if (b->m->epilogue == MAP_EPI_SERIAL) {
			at[r] = n++;
			continue;
		}
		level[r] = 0;
		for (j = 0; j < ir_ops[nd->i.op].nargs; j++) {
			if (level[nd->i.arg[j]] >= level[r])
				level[r] = level[nd->i.arg[j]] + 1;
		}
		if (level[r] + 1 > nlev)
			nlev = level[r] + 1;
	}
	if (b->m->epilogue == MAP_EPI_SERIAL)
		return n;
	if (lanes < 1)
		lanes = 1;
	count = ir_alloc_array(&b->c->arena, (size_t)(nlev + 1), sizeof *count);
	base = ir_alloc_array(&b->c->arena, (size_t)(nlev + 1), sizeof *base);
	for (i = 0; i < f->nnodes; i++) {
		if (level[i] >= 0)
			count[level[i]]++;
	}
	for (k = 0; k < nlev; k++) {
		base[k + 1] = base[k] + ceil_div(count[k], lanes);
		count[k] = 0;
	}
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];

		if (level[r] >= 0)
			at[r] = base[level[r]] + count[level[r]]++ / lanes;
	}
	return base[nlev];
}

/* Puts the ops into the stages of the segments: op r in stage at[r], a segment every
 * pcu.stages stages, the ops of a stage in program order; a stage's latency is its slowest
 * op's and its lanes one per op. Records where each op is computed in val. */
static void
epi_fill(Build *b, const Block *body, const int *at, int nst, const int *seg_unit, EpiVal *val)
{
	Mapping *m = b->m;
	const Func *f = m->f;
	int per = b->t->pcu.stages, *count, i, k;
	Ref **refs;

	count = ir_alloc_array(&b->c->arena, (size_t)(nst ? nst : 1), sizeof *count);
	refs = ir_alloc_array(&b->c->arena, (size_t)(nst ? nst : 1), sizeof *refs);
	for (i = 0; i < body->len; i++) {
		if (at[body->n[i]] >= 0)
			count[at[body->n[i]]]++;
	}
	for (k = 0; k < nst; k++) {
		MapUnit *e = &m->unit[seg_unit[k / per]];
		MapStage *st = &e->stage[k % per];

		IR_ASSERT(count[k] > 0 && k % per == e->nstage);
		refs[k] = ir_alloc_array(&b->c->arena, (size_t)count[k], sizeof *refs[k]);
		*st = stage(MAP_ST_OP, OP_CONST, 0, count[k] * m->hv);
		st->refs = refs[k];
		e->nstage++;
		if (st->lanes > e->lanes)
			e->lanes = st->lanes;
	}
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *n = ir_node(f, r);
		MapStage *st;
		int c;

		if (at[r] < 0)
			continue;
		st = &m->unit[seg_unit[at[r] / per]].stage[at[r] % per];
		c = ir_ops[n->i.op].cycles < 1 ? 1 : ir_ops[n->i.op].cycles;
		if (st->nref == 0) {
			st->op = n->i.op;
			st->ref = r;
			st->cycles = c;
		} else if (c > st->cycles) {
			st->cycles = c;
		}
		refs[at[r]][st->nref++] = r;
		val[r].seg = val[r].last = at[r] / per;
	}
}

/* hoist_input: the x-sum PMUs of copy u, one beside each epilogue segment that takes sums: it
 * writes the x phase's row sums there and reads them back when the row's h half comes, B x rows
 * words a sum, each read and written once a row. */
static void
build_xsum(Build *b, int u, const int *seg_unit, int nseg)
{
	Mapping *m = b->m;
	const Target *t = b->t;
	const MapCopy *cp = &m->copy[u];
	int s, i;

	for (s = 0; s < nseg; s++) {
		int words = 0, bits = 0, xs, vec;
		MapUnit *x;

		for (i = 0; i < m->nlink; i++) {
			const MapLink *l = &m->link[i];

			if (l->what == MAP_L_SUM && l->dst == seg_unit[s]) {
				words += l->vals > 1 ? l->vals : 1;
				bits += l->bits;
			}
		}
		if (!words)
			continue;
		xs = new_unit(b, MAP_PMU, MAP_CELL, fmt_name(b, "xsum.u%d.s%d", u, s), seg_unit[s]);
		x = &m->unit[xs];
		x->copy = u;
		x->seg = s;
		x->xsum = 1;
		x->bytes = (int64_t)m->B * (cp->hi - cp->lo) * ceil_div(bits, 8);
		x->reads = words;
		x->banks = words;
		vec = words > 1 || bits > t->net.scalar_bits;
		add_link(b, seg_unit[s], xs, vec, bits, -1, MAP_L_STATE);
		add_link(b, xs, seg_unit[s], vec, bits, -1, MAP_L_STATE);
	}
}

/* The epilogue of copy u: its op chain in segments, the PMUs it reads, and its links. `sum`
 * gives, per product, the unit that delivers the full sum. Returns the first segment. */
static int
build_epilogue(Build *b, int u, const int *sum)
{
	Mapping *m = b->m;
	const Func *f = m->f;
	const Target *t = b->t;
	const Block *body = &ir_node(f, m->hidden_loop)->l.body;
	const MapCopy *cp = &m->copy[u];
	EpiVal *val = ir_alloc_array(&b->c->arena, (size_t)f->nnodes, sizeof *val);
	int *opst = ir_alloc_array(&b->c->arena, (size_t)f->nnodes, sizeof *opst);
	int nops, nseg, s, i, j, first, state = -1, h_port = -1;
	int *seg_unit, *lut_unit;
	MapStage **st;

	for (i = 0; i < f->nnodes; i++)
		val[i].seg = val[i].last = -1;
	nops = epi_schedule(b, body, opst);  /* the stages the ops take */
	nseg = nops ? ceil_div(nops, t->pcu.stages) : 1;
	seg_unit = ir_alloc_array(&b->c->arena, (size_t)nseg, sizeof *seg_unit);
	lut_unit = ir_alloc_array(&b->c->arena, (size_t)nseg, sizeof *lut_unit);
	st = ir_alloc_array(&b->c->arena, (size_t)nseg, sizeof *st);
	for (s = 0; s < nseg; s++) {
		int near = s ? seg_unit[s - 1] : sum[0];
		MapUnit *e;

		seg_unit[s] = new_unit(b, MAP_PCU, MAP_EPI, fmt_name(b, "epi.u%d.s%d", u,
		                       s), near);
		e = &m->unit[seg_unit[s]];
		e->copy = u;
		e->seg = s;
		e->lanes = m->hv;
		e->rows = (int64_t)(cp->hi - cp->lo) * m->B;
		st[s] = e->stage = stages(b, t->pcu.stages);
		lut_unit[s] = -1;
	}
	epi_fill(b, body, opst, nops, seg_unit, val);
	/* where values are used; loads are read by the segment of their first user (the earliest
	 * segment that uses them: in the packed form program order does not follow the segments) */
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *n = ir_node(f, r);
		int us;

		if (n->kind != N_INSTR || n->i.op == OP_CONST || n->i.op == OP_LOAD)
			continue;
		us = n->i.op == OP_STORE ? val[n->i.arg[0]].seg : val[r].seg;
		if (us < 0)
			us = 0;
		for (j = 0; j < ir_ops[n->i.op].nargs; j++) {
			Ref a = n->i.arg[j];

			if (val[a].seg < 0 || (opst[a] < 0 && us < val[a].seg))
				val[a].seg = us;  /* a sum or a load arrives where it is first used */
			if (us > val[a].last)
				val[a].last = us;
		}
	}
	/* the sums arrive from the dot products (or their combine trees); the merged candidate
	 * gate's two in one token, where the first of them is used (the other, when it is used
	 * later, travels on between the segments like a value computed there) */
	for (j = 0; j < m->nprod; j++) {
		Ref res = ir_node(f, m->reduce)->l.res[j];
		int at = val[res].seg < 0 ? 0 : val[res].seg, q = m->prod[j].second;

		if (m->prod[j].into >= 0)
			continue;
		if (q >= 0) {
			Ref res2 = ir_node(f, m->reduce)->l.res[q];
			int at2 = val[res2].seg < 0 ? 0 : val[res2].seg;

			at = at2 < at ? at2 : at;
			val[res].seg = val[res2].seg = at;
		}
		add_link(b, sum[j], seg_unit[at], 0, type_bits(ir_node(f, res)->i.ty), -1, MAP_L_SUM);
		if (q >= 0)
			two_sums(b);
	}
	/* values live across segment boundaries travel on to the next segment */
	for (s = 0; s + 1 < nseg; s++) {
		int live = 0, bits = 0;

		for (i = 1; i < f->nnodes; i++) {
			if (val[i].seg >= 0 && val[i].seg <= s && val[i].last > s &&
			    ir_node(f, i)->kind == N_INSTR && ir_node(f, i)->i.op != OP_LOAD) {
				live++;
				bits += type_bits(ir_node(f, i)->i.ty);
			}
		}
		if (live)
			add_link(b, seg_unit[s], seg_unit[s + 1], live > 1 || bits > t->net.scalar_bits,
			         bits, -1, MAP_L_VALUES);
	}
	/* the PMUs the segments read: parameters and tables, and the state read back */
	for (s = 0; s < nseg; s++) {
		int reads = 0, luts = 0, sreads = 0, bits = 0, sbits = 0;

		for (i = 0; i < body->len; i++) {
			Ref r = body->n[i];
			const Node *n = ir_node(f, r);
			const Tensor *tn;
			int lut;

			if (n->kind != N_INSTR || (n->i.op != OP_LOAD && n->i.op != OP_LUT) ||
			    val[r].seg != s)
				continue;
			tn = &f->tensors[n->i.acc.tensor];
			lut = n->i.op == OP_LUT;
			if (lut || tn->role == ROLE_PARAM) {
				if (lut_unit[s] < 0) {
					lut_unit[s] = new_unit(b, MAP_PMU, MAP_LUT, fmt_name(b,
					                       "lut.u%d.s%d", u, s), seg_unit[s]);
					m->unit[lut_unit[s]].copy = u;
					m->unit[lut_unit[s]].seg = s;
				}
				pmu_add(b, &m->unit[lut_unit[s]], n->i.acc.tensor,
				        lut ? 0 : (int32_t)n->i.acc.idx[0].c, cp->lo, cp->hi);
				reads++;
				luts += lut;
				bits += type_bits(n->i.ty);
			} else {
				if (state < 0) {
					state = new_unit(b, MAP_PMU, MAP_CELL, fmt_name(b,
					                 "state.u%d", u), seg_unit[s]);
					m->unit[state].copy = u;
				}
				pmu_add(b, &m->unit[state], n->i.acc.tensor, 0, cp->lo, cp->hi);
				sreads++;
				sbits += type_bits(n->i.ty);
			}
		}
		if (lut_unit[s] >= 0) {
			MapUnit *l = &m->unit[lut_unit[s]];

			l->reads = reads;
			l->banks = reads;  /* one bank per value read in a cycle: no conflicts */
			if (luts)
				add_link(b, seg_unit[s], lut_unit[s], luts > 1, luts * 16, -1, MAP_L_LUT_INDEX);
			add_link(b, lut_unit[s], seg_unit[s], reads > 1 || bits > t->net.scalar_bits,
			         bits, -1, MAP_L_PARAMS);
		}
		if (sreads) {
			m->unit[state].reads += sreads;
			m->unit[state].banks += sreads;
			add_link(b, state, seg_unit[s], sreads > 1 || sbits > t->net.scalar_bits, sbits,
			         -1, MAP_L_STATE);
		}
	}
	if (m->hoist)
		build_xsum(b, u, seg_unit, nseg);
	/* stores: h to every xh copy (one multicast), read-back state to the state PMU, outputs
	 * that nothing reads to DRAM (not a unit) */
	for (i = 0; i < body->len; i++) {
		const Node *n = ir_node(f, body->n[i]);
		int from, tn, r;

		if (n->kind != N_INSTR || n->i.op != OP_STORE)
			continue;
		from = seg_unit[val[n->i.arg[0]].seg < 0 ? nseg - 1 : val[n->i.arg[0]].seg];
		tn = n->i.acc.tensor;
		if (tn == m->xh && b->hsrc) {
			b->hsrc[u] = from;  /* through the hbufs, made after every copy */
		} else if (tn == m->xh) {
			for (r = 0; r < m->ru; r++) {
				int x;

				for (x = 0; x < m->nunit && !(m->unit[x].role == MAP_XH &&
				                              m->unit[x].tile == r); x++)
					;
				h_port = add_link(b, from, x, 0, type_bits(f->tensors[tn].ty), h_port, MAP_L_H);
			}
		} else if (state >= 0) {
			for (j = 0; j < m->unit[state].nslice; j++) {
				if (m->unit[state].slice[j].tensor == tn)
					add_link(b, from, state, 0, type_bits(f->tensors[tn].ty), -1, MAP_L_STATE);
			}
		}
	}
	first = seg_unit[0];
	return first;
}

/* The adder tree over the ru partial sums of product p in copy u; returns the root. */
static int
build_combine(Build *b, int p, int u, const int *in, int nin)
{
	Mapping *m = b->m;
	const Target *t = b->t;
	int fan = t->pcu.ports.scalar_in, level = 0, *cur, *next, n = nin, i, j;
	int bits = type_bits(ir_node(m->f, ir_node(m->f, m->reduce)->l.res[p])->i.ty);

	if (fan > (1 << (t->pcu.stages < 20 ? t->pcu.stages : 20)))
		fan = 1 << t->pcu.stages;
	if (fan < 2)
		fan = 2;
	cur = ir_alloc_array(&b->c->arena, (size_t)nin, sizeof *cur);
	next = ir_alloc_array(&b->c->arena, (size_t)nin, sizeof *next);
	memcpy(cur, in, (size_t)nin * sizeof *cur);
	while (n > 1) {
		int groups = ceil_div(n, fan);

		for (i = 0; i < groups; i++) {
			int lo = i * n / groups, hi = (i + 1) * n / groups, k, ns;
			const char *name = groups == 1 && level == 0
			                   ? fmt_name(b, "comb.p%d.u%d", p, u)
			                   : fmt_name(b, "comb.p%d.u%d.l%d.i%d", p, u, level, i);
			MapUnit *c;

			k = new_unit(b, MAP_PCU, MAP_COMBINE, name, cur[lo]);
			c = &m->unit[k];
			c->prod = p;
			c->gate = m->prod[p].gate;
			c->copy = u;
			c->seg = level;
			c->part = i;
			c->rows = (int64_t)(m->copy[u].hi - m->copy[u].lo) * m->B;
			ns = ceil_log2(hi - lo);
			c->stage = stages(b, ns);
			for (j = 0; j < ns; j++)
				c->stage[c->nstage++] = stage(MAP_ST_COMBINE, OP_ADD, ir_ops[OP_ADD].cycles,
				                              ceil_div(hi - lo, (int64_t)2 << j));
			if (!ns)
				c->stage[c->nstage++] = stage(MAP_ST_COMBINE, OP_ADD, ir_ops[OP_ADD].cycles, 1);
			c->lanes = ceil_div(hi - lo, 2);
			for (j = lo; j < hi; j++) {
				add_link(b, cur[j], k, 0, bits, -1, MAP_L_PARTIAL);
				if (m->prod[p].second >= 0)
					two_sums(b);  /* the merged candidate gate: both sums added */
			}
			next[i] = k;
		}
		memcpy(cur, next, (size_t)groups * sizeof *cur);
		n = groups;
		level++;
	}
	return cur[0];
}

/* The chained form of the combine (schedule.combine: chain): the last segment of tile r >= 1
 * takes the row's sum of tile r - 1 on a scalar input (a dot product's are otherwise unused)
 * and sends acc + its own sum on, so no combine PCU is needed; the links follow the tiles'
 * creation order, which keeps the units in a topological order. Returns tile ru - 1's last
 * segment, which carries the full sum to the epilogue. */
static int
build_chain(Build *b, int p, const int *last)
{
	Mapping *m = b->m;
	int bits = type_bits(ir_node(m->f, ir_node(m->f, m->reduce)->l.res[p])->i.ty), r;

	for (r = 1; r < m->ru; r++) {
		add_link(b, last[r - 1], last[r], 0, bits, -1, MAP_L_CHAIN);
		if (m->prod[p].second >= 0)
			two_sums(b);  /* the merged candidate gate: both sums chained */
	}
	return last[m->ru - 1];
}

/* The units of copy u: dot products with their weights, combine trees, the epilogue. */
static void
build_copy(Build *b, int u, MapStage *chain, int nchain, int parts_max)
{
	Mapping *m = b->m;
	const Target *t = b->t;
	const MapCopy *cp = &m->copy[u];
	int64_t cap = (int64_t)t->pmu.capacity_kib * 1024;
	int *last = ir_alloc_array(&b->c->arena, (size_t)(m->nprod * m->ru), sizeof *last);
	int sum[IR_MAXRES], p, r, s, i;
	int nseg = ceil_div(nchain, t->pcu.stages);
	int abits = type_bits(m->f->tensors[m->xh].ty);

	for (r = 0; r < m->ru; r++) {
		int tile_first = -1;

		for (p = 0; p < m->nprod; p++) {
			const MapProduct *pr = &m->prod[p];
			int wbits = type_bits(m->f->tensors[pr->weight].ty);
			int first = -1, prev = -1, parts, xh;
			int32_t k_hi = dot_k_hi(m, pr);
			MapSlice whole;

			if (pr->into >= 0)
				continue;  /* the merged candidate gate's h half: its x half's dot product */

			for (s = 0; s < nseg; s++) {
				/* chained sums: tile r's first product starts beside tile r - 1 of its
				 * product, which sends it a sum per row, and the others follow it as
				 * in a tree's tile */
				int near = prev >= 0 || r == 0 || m->combine != MAP_COMBINE_CHAIN ? prev :
				           p > 0 ? tile_first : last[r - 1];
				int k = new_unit(b, MAP_PCU, MAP_DOT, nseg == 1
				                 ? fmt_name(b, "dot.p%d.u%d.r%d", p, u, r)
				                 : fmt_name(b, "dot.p%d.u%d.r%d.s%d", p, u, r, s),
				                 near);
				MapUnit *d = &m->unit[k];
				int lo = s * t->pcu.stages, hi = lo + t->pcu.stages;

				if (prev < 0 && r > 0 && p > 0 && m->combine == MAP_COMBINE_CHAIN &&
				    tile_first >= 0)
					d->near2 = last[p * m->ru + r - 1];

				if (hi > nchain)
					hi = nchain;
				d->prod = p;
				d->gate = pr->gate;
				d->copy = u;
				d->tile = r;
				d->seg = s;
				d->pack = m->pack;
				d->lanes = chain[lo].lanes;
				d->stage = stages(b, hi - lo);
				for (i = lo; i < hi; i++)
					d->stage[d->nstage++] = chain[i];
				d->rows = (int64_t)(cp->hi - cp->lo) * m->B;
				d->vsteps = row_groups(m, cp->hi - cp->lo) * m->B * m->nt;
				if (s == 0)
					d->macs = d->rows * tile_k(m, r, pr->k_lo, k_hi);
				if (s == nseg - 1) {
					/* one per row of a group; the merged candidate gate: one per half */
					d->accumulators = m->hv * (pr->second >= 0 ? 2 : 1);
					d->acc_bits = 64;  /* partial sums are kept exact (schedule.c) */
				}
				if (prev >= 0) {
					/* what the previous stage left: lanes still to reduce, or one word */
					int vec = chain[lo - 1].lanes > 1;

					add_link(b, prev, k, vec, chain[lo - 1].lanes * t->pcu.word_bits, -1,
					         MAP_L_LANES);
				}
				if (first < 0)
					first = k;
				if (tile_first < 0)
					tile_first = k;
				prev = k;
			}
			last[p * m->ru + r] = prev;
			/* xh: one copy per tile, made with the tile's first dot product */
			for (xh = 0; xh < m->nunit && !(m->unit[xh].role == MAP_XH &&
			                                m->unit[xh].tile == r); xh++)
				;
			if (xh == m->nunit) {
				MapUnit *x;

				xh = new_unit(b, MAP_PMU, MAP_XH, fmt_name(b, "xh.r%d", r), first);
				x = &m->unit[xh];
				x->tile = r;
				x->nslice = 1;
				rows_slice(m, &x->slice[0], m->xh, 0, 0, 0, m->N);
				x->bytes = x->slice[0].bytes;
				x->reads = 1;
				x->banks = pmu_banks(t, (int64_t)m->rv * abits);
			}
			/* one multicast port of the xh copy feeds every dot product of the tile */
			add_link(b, xh, first, 1, m->rv * abits, 0, MAP_L_XH);
			if (m->unit[xh].used.vector_out == 0)
				m->unit[xh].used.vector_out = 1;
			/* weights, in row parts of at most one PMU each */
			weight_slice(m, &whole, pr, r, cp->lo, cp->hi);
			parts = whole.bytes > cap && m->weights == MAP_WEIGHTS_ONCHIP ?
			        ceil_div(whole.bytes, cap) : 1;
			if (parts > parts_max || parts > row_groups(m, cp->hi - cp->lo)) {
				ir_error(b->c, m->f->loc, "PMU capacity: the weights of one dot-product PCU "
				         "(gate %d, %d rows x %lld values) are %lld KiB, %d PMUs of %d KiB, but "
				         "a PCU reads at most %d weight PMU%s (pcu.vector_inputs %d, one for "
				         "xh); raise hu (%d) or ru (%d)", pr->gate, cp->hi - cp->lo,
				         (long long)tile_k(m, r, pr->k_lo, k_hi),
				         (long long)((whole.bytes + 1023) / 1024), parts, t->pmu.capacity_kib,
				         parts_max, parts_max == 1 ? "" : "s", t->pcu.ports.vector_in, m->hu,
				         m->ru);
				fail(b, MAP_FAIL_CAPACITY, first, whole.bytes,
				     (int64_t)parts_max * cap);
				return;
			}
			for (i = 0; i < parts; i++) {
				int32_t lo = part_row(m, cp, i, parts), hi = part_row(m, cp, i + 1, parts);
				int k = new_unit(b, MAP_PMU, MAP_WEIGHT, fmt_name(b,
				                 "w.p%d.u%d.r%d.b%d", p, u, r, i), first);
				MapUnit *w = &m->unit[k];

				w->prod = p;
				w->gate = pr->gate;
				w->copy = u;
				w->tile = r;
				w->part = i;
				w->nslice = 1;
				weight_slice(m, &w->slice[0], pr, r, lo, hi);
				w->bytes = w->slice[0].bytes;
				if (m->weights == MAP_WEIGHTS_STREAM) {
					/* the slice passes through; the PMU holds two of its rows (row
					 * groups): the one being read and the next one arriving from DRAM */
					w->bytes = 2 * m->hv * ((w->bytes + (hi - lo) - 1) / (hi - lo));
				}
				w->reads = 1;
				/* a vector step reads hv rows x rv k of the tile */
				w->banks = pmu_banks(t, (int64_t)m->hv * m->rv * wbits);
				add_link(b, k, first, 1, m->hv * m->rv * wbits, -1, MAP_L_WEIGHTS);
			}
		}
	}
	for (p = 0; p < m->nprod; p++) {
		if (m->prod[p].into >= 0)
			continue;
		sum[p] = m->ru == 1 ? last[p] : m->combine == MAP_COMBINE_CHAIN ?
		         build_chain(b, p, &last[p * m->ru]) :
		         build_combine(b, p, u, &last[p * m->ru], m->ru);
	}
	for (p = 0; p < m->nprod; p++) {
		if (m->prod[p].into >= 0)
			sum[p] = sum[m->prod[p].into];
	}
	build_epilogue(b, u, sum);
}

/* ---- the distribution of h_t ------------------------------------------------------------ */

/* The xh copy of tile r. */
static int
xh_unit(const Mapping *m, int r)
{
	int x;

	for (x = 0; x < m->nunit && !(m->unit[x].role == MAP_XH && m->unit[x].tile == r); x++)
		;
	return x;
}

/* The hbuf tree (docs/mapping.md), when hu copies writing h into every xh copy would need
 * more scalar inputs than a PMU has. Level 0: the copies in ceil(hu / pmu.scalar_inputs)
 * balanced groups of consecutive copies, each writing its h (one value a row, as before) into
 * its group's hbuf; an hbuf sends each run of up to hvec contiguous rows of one copy as one
 * vector once the run is complete. While more than pmu.vector_inputs hbufs are left, a level
 * more forwards the vectors of up to pmu.vector_inputs of them. The last level multicasts on
 * one vector port to every xh copy. Groups are balanced (as the combine trees) so that no
 * hbuf waits for more copies than another. */
static void
build_hdist(Build *b)
{
	Mapping *m = b->m;
	const Target *t = b->t;
	int sfan = t->pmu.ports.scalar_in, vfan = t->pmu.ports.vector_in;
	int hbits = type_bits(m->f->tensors[m->xh].ty), n = m->hu, level = 0, i, j, r;
	int *cur = ir_alloc_array(&b->c->arena, (size_t)m->hu, sizeof *cur);
	int *lo = ir_alloc_array(&b->c->arena, (size_t)m->hu, sizeof *lo);
	int *hi = ir_alloc_array(&b->c->arena, (size_t)m->hu, sizeof *hi);

	if (sfan < 1 || vfan < 2) {
		/* a tree of fan-in 1 merges nothing */
		ir_error(b->c, m->f->loc, "ports: hu = %d copies write h_t into every xh copy, more "
		         "than the %d scalar inputs of a PMU (pmu.scalar_inputs), and the hbuf PMUs "
		         "that would gather it need %s but a PMU has %d (pmu.%s); lower hu to at "
		         "most %d", m->hu, sfan, sfan < 1 ? "a scalar input" : "2 vector inputs",
		         sfan < 1 ? sfan : vfan, sfan < 1 ? "scalar_inputs" : "vector_inputs",
		         sfan > 0 ? sfan : 0);
		fail(b, MAP_FAIL_PORTS, -1, sfan < 1 ? 1 : 2, sfan < 1 ? sfan : vfan);
		return;
	}
	for (i = 0; i < n; i++)
		cur[i] = b->hsrc[i], lo[i] = hi[i] = i;
	while (level == 0 || n > vfan) {
		int fan = level ? vfan : sfan, groups = ceil_div(n, fan);

		for (i = 0; i < groups; i++) {
			int a = i * n / groups, e = (i + 1) * n / groups, k;
			const char *name = level ? fmt_name(b, "hbuf.l%d.g%d", level, i)
			                         : fmt_name(b, "hbuf.g%d", i);
			MapUnit *h;

			/* level 0 next to the middle copy's h (its inputs are the group's
			 * scalar links); a forwarding level next to the first xh copy, which its
			 * vectors go to: placed after everything else, next to its first input it
			 * lands beyond the used sites */
			k = new_unit(b, MAP_PMU, MAP_HBUF, name,
			             level ? xh_unit(m, 0) : cur[(a + e - 1) / 2]);
			h = &m->unit[k];
			h->seg = level;
			h->part = i;
			h->copy = -1;
			h->nslice = 1;
			rows_slice(m, &h->slice[0], m->xh, 0, 0, m->D + m->copy[lo[a]].lo,
			           m->D + m->copy[hi[e - 1]].hi);
			h->slice[0].lo[0] = 0, h->slice[0].hi[0] = 1;  /* one step: h_t on its way */
			h->slice[0].elems /= 2;
			h->slice[0].bytes /= 2;
			h->bytes = h->slice[0].bytes;
			h->reads = 1;
			h->banks = pmu_banks(t, (int64_t)m->hvec * hbits);
			for (j = lo[a]; j <= hi[e - 1]; j++) {
				int64_t rows = m->copy[j].hi - m->copy[j].lo;

				h->rows += (int64_t)m->B * rows;
				h->vsteps += (int64_t)m->B * ceil_div(rows, m->hvec);
			}
			for (j = a; j < e; j++) {
				add_link(b, cur[j], k, level > 0, level ? m->hvec * hbits : hbits,
				         level ? 0 : -1, level ? MAP_L_HVEC : MAP_L_H);
				if (level)
					m->unit[cur[j]].used.vector_out = 1;
			}
			lo[i] = lo[a], hi[i] = hi[e - 1], cur[i] = k;
			m->nhbuf++;
		}
		n = groups;
		level++;
	}
	m->hlevels = level;
	for (i = 0; i < n; i++) {
		for (r = 0; r < m->ru; r++)
			add_link(b, cur[i], xh_unit(m, r), 1, m->hvec * hbits, 0, MAP_L_HVEC);
		m->unit[cur[i]].used.vector_out = 1;
	}
}

/* The widest weight of the products, in bits. */
static int
max_weight_bits(const Mapping *m)
{
	int bits = 0, p;

	for (p = 0; p < m->nprod; p++) {
		int w = type_bits(m->f->tensors[m->prod[p].weight].ty);

		bits = w > bits ? w : bits;
	}
	return bits;
}

/* Whether a link carries one value (or one set of values) per row: with hv > 1 it carries the
 * row group's hv of them, on the vector network. */
static int
per_row(MapLinkKind k)
{
	return k != MAP_L_XH && k != MAP_L_WEIGHTS && k != MAP_L_LANES;
}

/* The hv form's links (hv > 1): the links that carry a value per row (sums, partial and
 * chained sums, values between epilogue segments, table indices, parameters, state, h) carry
 * a row group's hv values in one token, on the network they use with hv = 1: a PCU's and a
 * PMU's vector inputs are taken by the xh and weight streams (pcu.vector_inputs 3 on both
 * built-in targets), and the scalar ones are free. A token wider than its link goes in
 * ceil(bits / width) flits, one a cycle (map_link_flits; the simulator holds the link that
 * long): 16 sums of 32 bits are 16 flits on a scalar link, well within the nt cycles that a
 * group's vector steps take when rv is small. The units are built as for hv = 1 and this
 * widens those links afterwards, so that the builders stay the same for both forms. A table
 * PMU that the epilogue's hv lanes read serves each lane from its own bank: one bank per value
 * and lane, the tables stored once per lane. */
static void
widen_hv(Build *b)
{
	Mapping *m = b->m;
	int i, j;

	for (i = 0; i < m->nlink; i++) {
		MapLink *l = &m->link[i];

		if (per_row(l->what))
			l->bits *= m->hv;
	}
	for (i = 0; i < m->nunit; i++) {
		MapUnit *u = &m->unit[i];

		if (u->role != MAP_LUT)
			continue;
		u->banks *= m->hv;
		for (j = 0; j < u->nslice; j++) {
			if (m->f->tensors[u->slice[j].tensor].mem == MEM_LUT)
				u->bytes += (int64_t)(m->hv - 1) * u->slice[j].bytes;
		}
	}
}

/* ---- constraints ------------------------------------------------------------------------- */

static void
check_ports(Build *b)
{
	const Mapping *m = b->m;
	int i;

	for (i = 0; i < m->nunit && !b->failed; i++) {
		const MapUnit *u = &m->unit[i];
		const UnitPorts *have = u->kind == MAP_PCU ? &b->t->pcu.ports : &b->t->pmu.ports;
		const char *kind = u->kind == MAP_PCU ? "pcu" : "pmu";
		const char *hint = u->role == MAP_XH || u->role == MAP_HBUF ?
		                   "lower hu (h_t reaches every xh copy, through hbufs when hu > "
		                   "pmu.scalar_inputs)" :
		                   u->role == MAP_COMBINE || u->role == MAP_DOT ? "lower ru" :
		                   "a target with more ports";
		static const char *const what[4] = {"vector input", "vector output", "scalar input",
		                                    "scalar output"};
		static const char *const key[4] = {"vector_inputs", "vector_outputs", "scalar_inputs",
		                                   "scalar_outputs"};
		int need[4] = {u->used.vector_in, u->used.vector_out, u->used.scalar_in,
		               u->used.scalar_out};
		int cap[4] = {have->vector_in, have->vector_out, have->scalar_in, have->scalar_out};
		int k;

		for (k = 0; k < 4; k++) {
			if (need[k] > cap[k]) {
				ir_error(b->c, m->f->loc, "ports: unit '%s' needs %d %ss but a %s has %d "
				         "(%s.%s); %s", u->name, need[k], what[k],
				         u->kind == MAP_PCU ? "PCU" : "PMU", cap[k], kind, key[k], hint);
				fail(b, MAP_FAIL_PORTS, i, need[k], cap[k]);
				break;
			}
		}
	}
}

static void
check_counts(Build *b)
{
	Mapping *m = b->m;
	const Target *t = b->t;
	int n[NMAPROLE] = {0}, i, pcus, pmus;
	int64_t cap = (int64_t)t->pmu.capacity_kib * 1024;

	for (i = 0; i < m->nunit; i++) {
		const MapUnit *u = &m->unit[i];

		n[u->role]++;
		if (u->kind == MAP_PMU && u->bytes > cap && !b->failed) {
			ir_error(b->c, m->f->loc, "PMU capacity: unit '%s' holds %lld KiB but a PMU has %d "
			         "KiB (pmu.capacity_kib)%s", u->name, (long long)((u->bytes + 1023) / 1024),
			         t->pmu.capacity_kib, u->role == MAP_XH ? "; lower batch" :
			         "; raise hu");
			fail(b, MAP_FAIL_CAPACITY, i, u->bytes, cap);
		}
		/* hv > 1: a table PMU's reads for a row group take ceil(banks / pmu.banks) cycles
		 * (the epilogue issues at that rate), so they are a cost rather than a limit */
		if (u->kind == MAP_PMU && u->banks > t->pmu.banks && !b->failed &&
		    !(m->hv > 1 && u->role == MAP_LUT)) {
			ir_error(b->c, m->f->loc, "PMU banks: unit '%s' reads %d words per cycle but a PMU "
			         "has %d banks (pmu.banks); lower rv (%d)%s", u->name, u->banks, t->pmu.banks,
			         m->rv, m->hv > 1 ? " or hv" : "");
			fail(b, MAP_FAIL_BANKS, i, u->banks, t->pmu.banks);
		}
	}
	pcus = n[MAP_DOT] + n[MAP_COMBINE] + n[MAP_EPI];
	pmus = n[MAP_WEIGHT] + n[MAP_XH] + n[MAP_LUT] + n[MAP_CELL] + n[MAP_HBUF];
	if (pcus > ir_target_pcus(t)) {
		ir_error(b->c, m->f->loc, "units: the design needs %d PCUs (%d dot-product, %d "
		         "combine, %d epilogue) but the target has %d (%d x %d %s); lower hu (%d) or "
		         "ru (%d)", pcus, n[MAP_DOT], n[MAP_COMBINE], n[MAP_EPI], ir_target_pcus(t),
		         t->rows, t->cols, ir_layout_name(t->layout), m->hu, m->ru);
		fail(b, MAP_FAIL_PCUS, -1, pcus, ir_target_pcus(t));
	}
	if (pmus > ir_target_pmus(t)) {
		ir_error(b->c, m->f->loc, "units: the design needs %d PMUs (%d weight, %d xh, %d lut, "
		         "%d state%s) but the target has %d (%d x %d %s); lower hu (%d) or ru (%d), or "
		         "use a larger grid", pmus, n[MAP_WEIGHT], n[MAP_XH], n[MAP_LUT], n[MAP_CELL],
		         n[MAP_HBUF] ? ir_sprintf(&b->c->arena, ", %d hbuf", n[MAP_HBUF]) : "",
		         ir_target_pmus(t), t->rows, t->cols, ir_layout_name(t->layout), m->hu, m->ru);
		fail(b, MAP_FAIL_PMUS, -1, pmus, ir_target_pmus(t));
	}
}

/* ---- the whole ----------------------------------------------------------------------------- */

/* schedule.candidate: merged. The GRU candidate gate's two halves, products p and q of the same
 * weights and gate over k in [0, D) and [D, N), become one dot product per tile and copy with
 * two accumulators: a vector step whose block lies in k < D adds into the first, one in
 * k >= D into the second, and the row's token carries both sums on (docs/mapping.md). So no
 * block may straddle D: rv must divide D (the blocks start at multiples of rv). Row groups
 * (hv > 1) would carry 2 x hv sums a token: not mapped yet. */
static int
merge_candidate(Build *b)
{
	Mapping *m = b->m;
	int p, q;

	for (p = 0; p < m->nprod; p++) {
		for (q = 0; q < m->nprod; q++) {
			const MapProduct *x = &m->prod[p], *h = &m->prod[q];

			if (p != q && x->weight == h->weight && x->gate == h->gate && x->k_lo == 0 &&
			    x->k_hi == m->D && h->k_lo == m->D && h->k_hi == m->N)
				goto found;
		}
	}
	ir_error(b->c, m->f->loc, "candidate: merged needs a gate computed in two products of the "
	         "same weights over k < D and k >= D (the GRU candidate gate); '%s' has none: "
	         "use candidate: split", m->name);
	fail(b, MAP_FAIL_CANDIDATE, -1, 2, 0);
	return -1;
found:
	if (m->hv > 1) {
		ir_error(b->c, m->f->loc, "candidate: merged with hv = %d is not mapped yet (a row "
		         "group's token would carry 2 x %d sums); leave hv unset or use candidate: "
		         "split", m->hv, m->hv);
		fail(b, MAP_FAIL_CANDIDATE, -1, m->hv, 1);
		return -1;
	}
	if (m->D % m->rv) {
		ir_error(b->c, m->f->loc, "candidate: merged needs rv to divide D, so that no vector "
		         "step straddles the x half (k < D) and the h half: rv = %d, D = %d leaves %d; "
		         "use an rv that divides %d, or candidate: split", m->rv, m->D, m->D % m->rv,
		         m->D);
		fail(b, MAP_FAIL_CANDIDATE, -1, m->rv, m->D);
		return -1;
	}
	m->prod[p].second = q;
	m->prod[q].into = p;
	m->ndot = m->nprod - 1;
	return 0;
}

static Mapping *build_mapping(Ctx *c, const Func *f, const CellSpec *s, const Target *t,
                              MapFail *why);

Mapping *
map_build(Ctx *c, const Func *f, const CellSpec *s, const Target *t, MapFail *why)
{
	Mapping *m = build_mapping(c, f, s, t, why);

	if (why && m)
		why->kind = MAP_OK;
	return m;
}

static Mapping *
build_mapping(Ctx *c, const Func *f, const CellSpec *s, const Target *t, MapFail *why)
{
	Mapping *m = ir_alloc(&c->arena, sizeof *m);
	Build b = {c, m, s, t, 0, 0, 0, {MAP_OK, NULL, -1, 0, 0}, NULL};
	MapStage chain[64 + 16];
	int nchain, u, r, lanes_need;
	int64_t onchip = ir_target_onchip_bytes(t), dots;
	Mapping *done = NULL;
	MapSlice xs;

	m->f = f;
	m->t = t;
	m->name = f->name;
	m->H = s->hidden;
	m->D = s->input;
	m->N = s->input + s->hidden;
	m->weights = s->knobs.weights == WEIGHTS_STREAM ? MAP_WEIGHTS_STREAM : MAP_WEIGHTS_ONCHIP;
	m->epilogue = s->knobs.epilogue == EPILOGUE_PACKED ? MAP_EPI_PACKED : MAP_EPI_SERIAL;
	m->weight_bytes = ir_spec_weight_bytes(s);
	m->combine = s->knobs.combine == COMBINE_CHAIN ? MAP_COMBINE_CHAIN : MAP_COMBINE_TREE;
	m->candidate = s->knobs.candidate == CANDIDATE_MERGED ? MAP_CANDIDATE_MERGED :
	               MAP_CANDIDATE_SPLIT;
	if (read_nest(&b) < 0)
		goto out;
	m->ndot = m->nprod;
	if (m->candidate == MAP_CANDIDATE_MERGED && merge_candidate(&b) < 0)
		goto out;
	if (m->weights == MAP_WEIGHTS_STREAM) {
		m->stream_bytes_per_step = m->weight_bytes;
	} else if (m->weight_bytes > onchip) {
		ir_error(c, s->loc, "PMU capacity: the weights need %.2f MiB but the %d PMUs of %s "
		         "hold %.2f MiB; use a larger grid (target: grid: rows, cols) or stream them "
		         "from DRAM (schedule: weights: stream)", (double)m->weight_bytes / 1048576.0,
		         ir_target_pmus(t), t->name, (double)onchip / 1048576.0);
		fail(&b, MAP_FAIL_CHIP, -1, m->weight_bytes, onchip);
		goto out;
	}
	m->hoist = s->knobs.hoist_input == 1;
	if (m->hoist && m->weights == MAP_WEIGHTS_STREAM) {
		ir_error(c, s->loc, "schedule.hoist_input: true with streamed weights: a streamed "
		         "weight PMU walks (row, batch, vector step) to reuse a row's weights across the "
		         "batch, which the hoisted walk (every row's x phase, then every row's h half) "
		         "breaks; keep the weights on chip or leave hoist_input unset");
		fail(&b, MAP_FAIL_HOIST, -1, 1, 0);
		goto out;
	}
	m->folded = s->knobs.folded < 0 ? t->pcu.folded_reduce : s->knobs.folded;
	if (m->folded && !t->pcu.folded_reduce) {
		ir_error(c, s->loc, "folded reduce-accumulate: schedule.folded is true but target '%s' "
		         "has none (pcu.folded_reduce: false)", t->name);
		fail(&b, MAP_FAIL_FOLDED, -1, 1, 0);
		goto out;
	}
	m->pack = map_pack(s, t);
	m->inlane = ceil_log2(m->rv < m->pack ? m->rv : m->pack);
	lanes_need = m->hv * ceil_div(m->rv, m->pack);
	if (m->hv > 1 && lanes_need > t->pcu.lanes) {
		ir_error(c, s->loc, "lanes: hv = %d row groups of rv = %d values need %d x %d = %d lanes "
		         "at %d values per lane but a PCU has %d (pcu.lanes); lower hv or rv so that "
		         "hv x ceil(rv / %d) <= %d", m->hv, m->rv, m->hv, ceil_div(m->rv, m->pack),
		         lanes_need, m->pack, t->pcu.lanes, m->pack, t->pcu.lanes);
		fail(&b, MAP_FAIL_LANES, -1, lanes_need, t->pcu.lanes);
		goto out;
	}
	if (lanes_need > t->pcu.lanes) {
		ir_error(c, s->loc, "lanes: rv = %d needs %d lanes at %d values per lane but a PCU has "
		         "%d (pcu.lanes); lower rv to at most %d", m->rv, lanes_need, m->pack,
		         t->pcu.lanes, t->pcu.lanes * m->pack);
		fail(&b, MAP_FAIL_LANES, -1, lanes_need, t->pcu.lanes);
		goto out;
	}
	if ((int64_t)m->rv * type_bits(f->tensors[m->xh].ty) > t->net.vector_bits) {
		ir_error(c, s->loc, "network: rv = %d values of %d bits exceed a %d-bit vector link "
		         "(network.vector_bits); lower rv", m->rv, type_bits(f->tensors[m->xh].ty),
		         t->net.vector_bits);
		fail(&b, MAP_FAIL_NETWORK, -1, (int64_t)m->rv * type_bits(f->tensors[m->xh].ty),
		     t->net.vector_bits);
		goto out;
	}
	if (m->hv > 1 && (int64_t)m->hv * m->rv * max_weight_bits(m) > t->net.vector_bits) {
		ir_error(c, s->loc, "network: a vector step's weights, hv x rv = %d x %d values of %d "
		         "bits, exceed a %d-bit vector link (network.vector_bits); lower hv or rv",
		         m->hv, m->rv, max_weight_bits(m), t->net.vector_bits);
		fail(&b, MAP_FAIL_NETWORK, -1, (int64_t)m->hv * m->rv * max_weight_bits(m),
		     t->net.vector_bits);
		goto out;
	}
	if (t->pcu.ports.vector_in < 2) {
		ir_error(c, s->loc, "ports: a dot-product PCU reads xh and weights on 2 vector inputs "
		         "but a PCU has %d (pcu.vector_inputs)", t->pcu.ports.vector_in);
		fail(&b, MAP_FAIL_PORTS, -1, 2, t->pcu.ports.vector_in);
		goto out;
	}
	/* an xh copy holds [x_t ; h_{t-1}] of the batch twice whatever hu and ru are: checked
	 * before any unit is made, as check_counts would */
	rows_slice(m, &xs, m->xh, 0, 0, 0, m->N);
	if (xs.bytes > (int64_t)t->pmu.capacity_kib * 1024) {
		ir_error(c, m->f->loc, "PMU capacity: unit 'xh.r0' holds %lld KiB but a PMU has %d KiB "
		         "(pmu.capacity_kib); lower batch", (long long)((xs.bytes + 1023) / 1024),
		         t->pmu.capacity_kib);
		fail(&b, MAP_FAIL_CAPACITY, -1, xs.bytes, (int64_t)t->pmu.capacity_kib * 1024);
		b.why.role = MAP_XH;
		goto out;
	}
	/* the dot products alone, before any unit is made: a candidate far too large for the
	 * chip costs nothing but this */
	nchain = dot_chain(m, t, chain);
	dots = (int64_t)m->ndot * m->hu * m->ru * ceil_div(nchain, t->pcu.stages);
	if (dots > ir_target_pcus(t)) {
		ir_error(c, m->f->loc, "units: the design needs at least %lld dot-product PCUs (%d "
		         "products x hu %d x ru %d x %d segments) but the target has %d PCUs (%d x %d "
		         "%s); lower hu or ru", (long long)dots, m->ndot, m->hu, m->ru,
		         ceil_div(nchain, t->pcu.stages), ir_target_pcus(t), t->rows, t->cols,
		         ir_layout_name(t->layout));
		fail(&b, MAP_FAIL_DOTS, -1, dots, ir_target_pcus(t));
		goto out;
	}
	m->nt = ceil_div(m->N, (int64_t)m->ru * m->rv);
	if (m->hoist) {
		/* the x phase: the vector steps whose blocks lie in x_t in every tile */
		m->sx = (int)(m->D / m->rv / m->ru);
		if (m->sx < 1) {
			ir_error(c, m->f->loc, "schedule.hoist_input: true needs vector steps that read x_t "
			         "only, in every tile: floor(floor(D / rv) / ru) = floor(floor(%d / %d) / %d) "
			         "= 0; lower ru to at most %d or rv, or leave hoist_input unset", m->D, m->rv,
			         m->ru, m->D / m->rv > 0 ? m->D / m->rv : 1);
			fail(&b, MAP_FAIL_HOIST, -1, m->ru, m->D / m->rv);
			goto out;
		}
	}
	m->copy = ir_alloc_array(&c->arena, (size_t)m->hu, sizeof *m->copy);
	for (u = 0; u < m->hu; u++) {
		int q = m->H / m->hu, rem = m->H % m->hu;

		m->copy[u].lo = u * q + (u < rem ? u : rem);
		m->copy[u].hi = m->copy[u].lo + q + (u < rem);
	}
	m->tile = ir_alloc_array(&c->arena, (size_t)m->ru, sizeof *m->tile);
	for (r = 0; r < m->ru; r++) {
		int kt;

		m->tile[r].elems = tile_k(m, r, 0, m->N);
		for (kt = 0; kt < m->nt; kt++)
			m->tile[r].vsteps += ((int64_t)kt * m->ru + r) * m->rv < m->N;
	}
	if (m->hu > t->pmu.ports.scalar_in && m->hv > 1) {
		ir_error(c, m->f->loc, "cannot map '%s': hv = %d with hu = %d copies, more than the %d "
		         "scalar inputs of an xh PMU (pmu.scalar_inputs): row groups of h through hbuf "
		         "PMUs are not mapped yet; lower hu to at most %d or leave hv unset", m->name,
		         m->hv, m->hu, t->pmu.ports.scalar_in, t->pmu.ports.scalar_in);
		fail(&b, MAP_FAIL_HV, -1, m->hu, t->pmu.ports.scalar_in);
		goto out;
	}
	if (m->hu > t->pmu.ports.scalar_in) {
		/* direct h writes would overflow the xh copies' scalar inputs: distribute */
		m->hvec = t->net.vector_bits / (t->pmu.word_bits > 0 ? t->pmu.word_bits : 32);
		if (m->hvec < 1)
			m->hvec = 1;
		b.hsrc = ir_alloc_array(&c->arena, (size_t)m->hu, sizeof *b.hsrc);
	}
	for (u = 0; u < m->hu && !b.failed; u++)
		build_copy(&b, u, chain, nchain, t->pcu.ports.vector_in - 1);
	if (b.hsrc && !b.failed)
		build_hdist(&b);
	if (!b.failed && m->hv > 1)
		widen_hv(&b);
	if (!b.failed)
		check_counts(&b);
	if (!b.failed)
		check_ports(&b);
	if (!b.failed) {
		for (u = 0; u < m->nunit; u++)
			m->macs += m->unit[u].macs;
		map_place(m);
		done = m;
	}
out:
	if (!done && b.why.kind == MAP_OK)
		b.why.kind = MAP_FAIL_OTHER;  /* a check that named no reason */
	if (why)
		*why = b.why;
	return done;
}
