/* The top module of --emit=verilog (docs/rtl.md): the Mapping's units as instances of rtl/lib,
 * its links as rnnc_link, the epilogue's instructions as arithmetic units, and the step
 * controller of the simulator's time loop.
 *
 * Names: unit `dot.p0.u1.r2` is the instance dot_p0_u1_r2 and its signals dot_p0_u1_r2_*;
 * link i is l<i> with l<i>_iv/_ir/_id (its producer's side) and l<i>_ov/_or/_od (its
 * consumer's). A unit's n_ov is "a token leaves", n_ordy "every link it sends to has room".
 * Link data, most significant first: xh {b, j, last, vector}, weights {vector}, sums {b, j,
 * sum (64)} (the merged candidate gate's {b, j, h half's sum, x half's sum}), dot segments
 * {b, j, last, partial values}, epilogue values {b, j, values}, h {b, j, h}, h vectors from
 * an hbuf {b, row, count, values}. With hoist_input the tags of xh, dot products and combines
 * begin with the x-phase bit: {xp, b, j, ...}. */
#include <math.h>
#include <string.h>

#include "rtl_int.h"

typedef struct Top {
	const Rtl *x;
	FILE *out;
	const char **uname;     /* by unit */
	int *lw;                /* by link: data bits, 0 for side links */
	int lane;               /* the lane of a row group an epilogue's names are of (hv > 1) */
} Top;

/* The suffix of a name of lane t->lane: "_l<k>" with hv > 1, "" without row groups. */
static const char *
sfx(const Top *t)
{
	return t->x->hv > 1 ? ir_sprintf(&t->x->c->arena, "_l%d", t->lane) : "";
}

static const char *
un(const Top *t, int u)
{
	return t->uname[u];
}

static int
is_data(const Top *t, int l)
{
	return t->x->d->link[l].kind != SIM_LINK_SIDE;
}

/* The tag bits of data link l: {b, j}, and the x-phase bit first on the sums' way. */
static int
tag_bits(const Top *t, int l)
{
	const Rtl *x = t->x;

	return x->bw + x->jw + (x->d->unit[x->d->link[l].src].role == SIM_EPI ? 0 : x->xw);
}

/* The dot product's values after chain stage i: the padded values after the multiply, half
 * as many after each add level, one after the folded or accumulate stage. */
static int
part_values(const Rtl *x, int i)
{
	if ((x->m->folded && i > x->m->inlane) || i > x->levels)
		return 1;
	return (1 << x->levels) >> i;
}

/* The 64-bit sums a token of dot product or combine u carries: its row group's (hv), or the
 * merged candidate gate's two halves (schedule.candidate: merged, hv = 1). */
static int
nsums(const Rtl *x, int u)
{
	return x->d->unit[u].merged ? 2 : x->hv;
}

/* Values carried from epilogue segment s to s + 1, in node order. */
static int
bundle_has(const Rtl *x, Ref r, int s)
{
	const Node *n = ir_node(x->f, r);

	if (n->kind != N_INSTR || n->i.op == OP_CONST || n->i.op == OP_STORE)
		return 0;
	return x->seg[r] >= 0 && x->seg[r] <= s && x->last[r] > s;
}

static int
bundle_bits(const Rtl *x, int s)
{
	int r, bits = 0;

	for (r = 1; r < x->f->nnodes; r++) {
		if (bundle_has(x, r, s))
			bits += ir_node(x->f, r)->i.ty.bits;
	}
	return bits;
}

/* The h distribution's vectors (rnnc_hbuf): {b, the row of the first value, the values used,
 * hvec values}, most significant first. */
static int
hrow_bits(const Rtl *x)
{
	return rtl_clog2(x->m->H);
}

static int
hcnt_bits(const Rtl *x)
{
	return rtl_clog2((int64_t)x->m->hvec + 1);
}

static int
hvec_width(const Rtl *x)
{
	return x->bw + hrow_bits(x) + hcnt_bits(x) + x->m->hvec * x->ab;
}

static int
link_width(const Rtl *x, int l)
{
	const SimLinkDesc *k = &x->d->link[l];
	const SimUnitDesc *s = &x->d->unit[k->src], *d = &x->d->unit[k->dst];
	int tag = x->bw + x->jw + (s->role == SIM_EPI ? 0 : x->xw);

	if (k->kind == SIM_LINK_SIDE)
		return 0;
	switch (s->role) {
	case SIM_XH:
		return tag + 1 + x->m->rv * x->ab;
	case SIM_WEIGHT:
		return x->hv * x->m->rv * x->wb;
	case SIM_DOT:
		if (s->accumulate)
			return tag + nsums(x, k->src) * 64;
		return tag + 1 + x->hv * x->sw *
		       part_values(x, (s->seg + 1) * x->m->t->pcu.stages - 1);
	case SIM_COMBINE:
		return tag + nsums(x, k->src) * 64;
	case SIM_EPI:
		return tag + x->hv * (d->role == SIM_EPI ? bundle_bits(x, s->seg) : x->ab);
	case SIM_HBUF:
		return hvec_width(x);
	default:
		IR_BUG("rtl: a link from a %s unit", sim_role_name((SimRole)s->role));
		return 0;
	}
}

/* "&{l1_ir, l4_ir}" over the unit's outgoing links, "1'b1" when there are none. */
static void
put_ready(const Top *t, int u)
{
	const SimDesign *d = t->x->d;
	int l, n = 0;

	for (l = 0; l < d->nlink; l++) {
		if (is_data(t, l) && d->link[l].src == u)
			fprintf(t->out, "%sl%d_ir", n++ ? ", " : "&{", l);
	}
	fprintf(t->out, "%s", n ? "}" : "1'b1");
}

/* Each outgoing link takes the unit's token when all of them have room (a multicast). */
static void
put_outs(const Top *t, int u, const char *data)
{
	const SimDesign *d = t->x->d;
	int l;

	fprintf(t->out, "    assign %s_ordy = ", un(t, u));
	put_ready(t, u);
	fprintf(t->out, ";\n");
	for (l = 0; l < d->nlink; l++) {
		if (!is_data(t, l) || d->link[l].src != u)
			continue;
		fprintf(t->out, "    assign l%d_iv = %s_ov && %s_ordy;\n", l, un(t, u), un(t, u));
		if (data)
			fprintf(t->out, "    assign l%d_id = %s;\n", l, data);
	}
}

static int
in_link(const Top *t, int u, int k)
{
	const SimDesign *d = t->x->d;
	int l, n = 0;

	for (l = 0; l < d->nlink; l++) {
		if (is_data(t, l) && d->link[l].dst == u && n++ == k)
			return l;
	}
	return -1;
}

/* The chain link into dot segment u (combine: chain), or -1. */
static int
chain_in(const Top *t, int u)
{
	const SimDesign *d = t->x->d;
	int l;

	for (l = 0; l < d->nlink; l++) {
		if (d->link[l].kind == SIM_LINK_CHAIN && d->link[l].dst == u)
			return l;
	}
	return -1;
}

static int
n_in(const Top *t, int u)
{
	int k = 0;

	while (in_link(t, u, k) >= 0)
		k++;
	return k;
}

/* ---- declarations ------------------------------------------------------------------------ */

static void
decl_links(const Top *t)
{
	const Rtl *x = t->x;
	int l;

	/* every link carries its token's tag; a unit with several inputs reads the first's */
	fprintf(t->out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	for (l = 0; l < x->d->nlink; l++) {
		const SimLinkDesc *k = &x->d->link[l];

		if (!is_data(t, l))
			continue;
		fprintf(t->out, "    wire l%d_iv, l%d_ir, l%d_ov, l%d_or;  // %s -> %s, %d hop%s\n", l, l,
		        l, l, x->d->unit[k->src].name, x->d->unit[k->dst].name, k->hops,
		        k->hops == 1 ? "" : "s");
		fprintf(t->out, "    wire [%d:0] l%d_id, l%d_od;\n", t->lw[l] - 1, l, l);
	}
	fprintf(t->out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
}

/* ---- the epilogue ------------------------------------------------------------------------ */

/* An affine index of the epilogue's loops as a 32-bit Verilog expression, for unit u. */
static void
put_affine(const Top *t, int u, const Affine *a, int fold)
{
	const Rtl *x = t->x;
	const SimUnitDesc *du = &x->d->unit[u];
	int k;

	fprintf(t->out, "(32'd%lld", (long long)(a->c < 0 ? 0 : a->c));
	if (a->c < 0)
		fprintf(t->out, " - 32'd%lld", (long long)-a->c);
	for (k = 0; k < a->nterm; k++) {
		Ref l = a->t[k].loop;
		int64_t c = a->t[k].coef;

		fprintf(t->out, " %s 32'd%lld * ", c < 0 ? "-" : "+", (long long)(c < 0 ? -c : c));
		if (l == x->v.lt)
			fprintf(t->out, "cur");
		else if (l == x->v.lb)
			fprintf(t->out, "{{%d{1'b0}}, %s_b}", 32 - x->bw, un(t, u));
		else if (l == x->v.li && x->hv > 1)
			fprintf(t->out, "%s_i%s", un(t, u), sfx(t));
		else if (l == x->v.li)
			fprintf(t->out, "(32'd%d + {{%d{1'b0}}, %s_j})", du->lo, 32 - x->jw, un(t, u));
		else
			IR_BUG("rtl: an epilogue index uses loop %%%d", l);
	}
	fprintf(t->out, ")%s", fold ? " % 32'd2" : "");
}

/* wire [31:0] NAME = the flat index of the access in its array; and NAME_ok, its predicates. */
static void
put_address(const Top *t, int u, const Access *a, const char *name)
{
	const Rtl *x = t->x;
	const Tensor *tn = &x->f->tensors[a->tensor];
	int d, k;

	fprintf(t->out, "    wire [31:0] %s = ", name);
	for (d = 0; d < a->ndim; d++) {
		int64_t stride = 1;
		int e;

		for (e = d + 1; e < a->ndim; e++)
			stride *= tn->dim[e];
		fprintf(t->out, "%s", d ? "\n        + " : "");
		put_affine(t, u, &a->idx[d], d == 0 && x->fold[a->tensor]);
		fprintf(t->out, " * 32'd%lld", (long long)stride);
	}
	fprintf(t->out, ";\n    wire %s_ok = ", name);
	for (k = 0; k < a->npred; k++) {
		fprintf(t->out, "%s$signed(", k ? " && " : "");
		put_affine(t, u, &a->pred[k].e, 0);
		fprintf(t->out, ") %s %s32'sd%lld", a->pred[k].kind == PRED_LT ? "<" : ">=",
		        a->pred[k].bound < 0 ? "-" : "",
		        (long long)(a->pred[k].bound < 0 ? -a->pred[k].bound : a->pred[k].bound));
	}
	fprintf(t->out, "%s;\n", a->npred ? "" : "1'b1");
}

static int
abits(const Rtl *x, int tensor)
{
	return rtl_clog2(x->asize[tensor]);
}

static void
put_operand(const Top *t, int u, Ref a)
{
	const Node *n = ir_node(t->x->f, a);

	if (n->i.op == OP_CONST)
		rtl_const(t->out, n->i.ty.bits, ir_num_from_double(n->i.imm, n->i.ty));
	else
		fprintf(t->out, "%s_v%d%s", un(t, u), a, sfx(t));
}

/* One instruction of a stage as a unit of rtl/lib: NAME_v<r> = op(operands). */
static void
put_op(const Top *t, int u, Ref r)
{
	const Rtl *x = t->x;
	const Instr *in = &ir_node(x->f, r)->i;
	const char *n = un(t, u), *l = sfx(t);
	Type a = ir_node(x->f, in->arg[0])->i.ty, b = {0};
	FILE *out = t->out;
	static const int addop[NOP] = {[OP_ADD] = 0, [OP_SUB] = 1, [OP_NEG] = 1, [OP_MAX] = 2,
	                               [OP_MIN] = 3};

	if (ir_ops[in->op].nargs > 1)
		b = ir_node(x->f, in->arg[1])->i.ty;
	fprintf(out, "    wire [%d:0] %s_v%d%s;  // %%%d = %s\n", in->ty.bits - 1, n, r, l, r,
	        ir_ops[in->op].name);
	switch (in->op) {
	case OP_ADD: case OP_SUB: case OP_MAX: case OP_MIN: case OP_NEG:
		fprintf(out, "    %s #(.W(%d), .OP(%d)) %s_o%d%s (.in_a(", ir_ops[in->op].verilog,
		        in->ty.bits, addop[in->op], n, r, l);
		if (in->op == OP_NEG)
			rtl_const(out, in->ty.bits, 0);
		else
			put_operand(t, u, in->arg[0]);
		fprintf(out, "), .in_b(");
		put_operand(t, u, in->arg[in->op == OP_NEG ? 0 : 1]);
		fprintf(out, "), .out_data(%s_v%d%s));\n", n, r, l);
		break;
	case OP_MUL:
		fprintf(out, "    %s #(.AW(%d), .AF(%d), .BW(%d), .BF(%d), .OW(%d), .OF(%d)) "
		        "%s_o%d%s (.in_a(", ir_ops[in->op].verilog, a.bits, a.frac, b.bits, b.frac,
		        in->ty.bits, in->ty.frac, n, r, l);
		put_operand(t, u, in->arg[0]);
		fprintf(out, "), .in_b(");
		put_operand(t, u, in->arg[1]);
		fprintf(out, "), .out_data(%s_v%d%s));\n", n, r, l);
		break;
	case OP_CAST:
		fprintf(out, "    %s #(.IW(%d), .IF(%d), .OW(%d), .OF(%d)) %s_o%d%s (.in_data(",
		        ir_ops[in->op].verilog, a.bits, a.frac, in->ty.bits, in->ty.frac, n, r, l);
		put_operand(t, u, in->arg[0]);
		fprintf(out, "), .out_data(%s_v%d%s));\n", n, r, l);
		break;
	case OP_LUT: {
		const Tensor *tab = &x->f->tensors[in->acc.tensor];
		int64_t lo = (int64_t)ldexp(tab->init.lo, a.frac), hi = (int64_t)ldexp(tab->init.hi, a.frac);

		fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
		fprintf(out, "    wire [%d:0] %s_o%d%s_idx;\n", rtl_clog2(tab->dim[0]) - 1, n, r,
		        l);
		fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
		fprintf(out, "    %s #(.XW(%d), .LO(%s64'sd%lld), .HI(%s64'sd%lld), .N(%d), .OW(%d), "
		        ".INIT(\"m_%s.hex\")) %s_o%d%s (.in_data(", ir_ops[in->op].verilog, a.bits,
		        lo < 0 ? "-" : "", (long long)(lo < 0 ? -lo : lo), hi < 0 ? "-" : "",
		        (long long)(hi < 0 ? -hi : hi), tab->dim[0], tab->ty.bits,
		        rtl_name(x, tab->name), n, r, l);
		put_operand(t, u, in->arg[0]);
		fprintf(out, "), .out_idx(%s_o%d%s_idx), .out_data(%s_v%d%s));\n", n, r, l, n, r,
		        l);
		break;
	}
	default:
		IR_BUG("rtl: op %s in an epilogue stage", ir_ops[in->op].name);
	}
}

/* Lane t->lane of epilogue unit u (hv > 1): its hidden unit, the row of its copy
 * `lo + j x hv + lane`, and whether the row group has it (a tail group's lanes past the copy's
 * rows are masked: they store nothing and send no h). */
static void
put_lane_row(const Top *t, int u)
{
	const Rtl *x = t->x;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u), *l = sfx(t);

	if (x->hv == 1)
		return;
	fprintf(t->out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(t->out, "    wire [31:0] %s_i%s = 32'd%d + {{%d{1'b0}}, %s_j} * 32'd%d + 32'd%d;\n",
	        n, l, du->lo, 32 - x->jw, n, x->hv, t->lane);
	fprintf(t->out, "    wire %s_lv%s = %s_i%s < 32'd%d;\n", n, l, n, l, du->hi);
	fprintf(t->out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
}

/* " && NAME_lv_l<k>": lane t->lane holds a row of the copy (hv > 1), "" without row groups. */
static const char *
lane_ok(const Top *t, int u)
{
	if (t->x->hv == 1)
		return "";
	return ir_sprintf(&t->x->c->arena, " && %s_lv%s", un(t, u), sfx(t));
}

/* Lane t->lane of an epilogue segment: the values that entered it, the loads first used here,
 * the stages' instructions, the stores' addresses. */
static void
put_epi_lane(const Top *t, int u)
{
	const Rtl *x = t->x;
	const Func *f = x->f;
	const MapUnit *mu = &x->m->unit[u];
	const Block *body = &ir_node(f, x->m->hidden_loop)->l.body;
	const char *n = un(t, u), *ls = sfx(t);
	FILE *out = t->out;
	int nin = n_in(t, u), k, i, off, s = x->d->unit[u].seg;

	put_lane_row(t, u);
	/* the values that entered: each input's payload holds hv lanes, lane 0 lowest */
	for (k = 0, off = 0; k < nin; k++) {
		int l = in_link(t, u, k), lw = (t->lw[l] - tag_bits(t, l)) / x->hv;
		int base = off + t->lane * lw;
		const SimUnitDesc *src = &x->d->unit[x->d->link[l].src];

		if (src->role == SIM_EPI) {
			int r, at = base;

			for (r = 1; r < f->nnodes; r++) {
				if (!bundle_has(x, r, src->seg))
					continue;
				fprintf(out, "    wire [%d:0] %s_v%d%s = %s_od[%d:%d];\n",
				        ir_node(f, r)->i.ty.bits - 1, n, r, ls, n,
				        at + ir_node(f, r)->i.ty.bits - 1, at);
				at += ir_node(f, r)->i.ty.bits;
			}
		} else {
			Ref res = ir_node(f, x->m->reduce)->l.res[src->prod];
			int bits = ir_node(f, res)->i.ty.bits;

			fprintf(out, "    wire [%d:0] %s_v%d%s;  // the sum of product %d, saturated\n",
			        bits - 1, n, res, ls, src->prod);
			fprintf(out, "    rnnc_sat #(.IW(64), .OW(%d)) %s_sat%d%s (.in_data(%s_od[%d:%d]), "
			        ".out_data(%s_v%d%s));\n", bits, n, res, ls, n, base + 63, base, n, res, ls);
			if (src->merged) {
				/* the merged candidate gate: the h half's sum in the next 64 bits */
				int p2 = x->m->prod[src->prod].second;

				res = ir_node(f, x->m->reduce)->l.res[p2];
				bits = ir_node(f, res)->i.ty.bits;
				fprintf(out, "    wire [%d:0] %s_v%d%s;  // the sum of product %d (the "
				        "second accumulator), saturated\n", bits - 1, n, res, ls, p2);
				fprintf(out, "    rnnc_sat #(.IW(64), .OW(%d)) %s_sat%d%s "
				        "(.in_data(%s_od[%d:%d]), .out_data(%s_v%d%s));\n", bits, n, res,
				        ls, n, base + 127, base + 64, n, res, ls);
			}
		}
		off += t->lw[l] - tag_bits(t, l);
	}
	/* the loads first used here */
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *nd = ir_node(f, r);
		const char *a;

		if (nd->kind != N_INSTR || nd->i.op != OP_LOAD || x->seg[r] != s)
			continue;
		a = ir_sprintf(&x->c->arena, "%s_a%d%s", n, r, ls);
		fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
		put_address(t, u, &nd->i.acc, a);
		fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
		fprintf(out, "    wire [%d:0] %s_v%d%s = %s_ok ? m_%s[%s[%d:0]] : %d'h0;  // %%%d = load %s\n",
		        nd->i.ty.bits - 1, n, r, ls, a, rtl_name(x, f->tensors[nd->i.acc.tensor].name), a,
		        abits(x, nd->i.acc.tensor) - 1, nd->i.ty.bits, r,
		        f->tensors[nd->i.acc.tensor].name);
	}
	/* the stages' instructions, in order: a packed stage's ops side by side, one unit each */
	for (k = 0; k < mu->nstage; k++) {
		for (i = 0; i < mu->stage[k].nref; i++)
			put_op(t, u, mu->stage[k].refs[i]);
	}
	/* the stores' addresses (the writes are in the arrays' blocks) */
	for (i = 0; i < body->len; i++) {
		Ref r = body->n[i];
		const Node *nd = ir_node(f, r);

		if (nd->kind != N_INSTR || nd->i.op != OP_STORE || x->sseg[r] != s || r == x->xh_store)
			continue;
		fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
		put_address(t, u, &nd->i.acc, ir_sprintf(&x->c->arena, "%s_a%d%s", n, r, ls));
		fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	}
}

/* hoist_input: the x-sum PMU beside epilogue segment u (the side link's other end), or -1. */
static int
xsum_of(const Top *t, int u)
{
	const SimDesign *d = t->x->d;
	int l;

	for (l = 0; l < d->nlink; l++) {
		if (d->link[l].kind == SIM_LINK_SIDE && d->link[l].src == u && d->unit[d->link[l].dst].xsum)
			return d->link[l].dst;
	}
	return -1;
}

/* Input k of epilogue segment u brings a sum (from a dot product or a combine). */
static int
is_sum_in(const Top *t, int u, int k)
{
	return t->x->d->unit[t->x->d->link[in_link(t, u, k)].src].role != SIM_EPI;
}

/* hoist_input, an epilogue segment u that takes sums (epi_take_x of sim/core.c): a row's
 * x-phase tokens come on its sum inputs alone (the first one's x-phase bit, NAME_xin) and are
 * written into the x-sum memory of each (NAME_xs<k>, per batch and row), one issue after the
 * x-sum PMU's II; an h half's token takes every input, and each sum input's payload is its sum
 * plus the row's x sum (NAME_s<k>, exact in 64 bits). The issue intervals are kept here, the
 * pipeline's own II being 1. */
static void
put_epi_take_x(const Top *t, int u, int xs)
{
	const Rtl *x = t->x;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u);
	FILE *out = t->out;
	int nin = n_in(t, u), k, g, ls = -1, n0 = 0;
	int iih = du->ii, iix = x->d->unit[xs].ii, rows = rtl_groups(x, du->hi - du->lo);
	int aw = rtl_clog2((int64_t)x->m->B * rows), lw;

	for (k = 0; k < nin && ls < 0; k++) {
		if (is_sum_in(t, u, k))
			ls = in_link(t, u, k);
	}
	lw = t->lw[ls];
	fprintf(out, "    wire %s_xin = l%d_od[%d];  // the x phase: its sums wait for the h half\n",
	        n, ls, lw - 1);
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [31:0] %s_xk = {%d'd0, l%d_od[%d:%d]} * 32'd%d + {%d'd0, l%d_od[%d:%d]};\n",
	        n, 32 - x->bw, ls, lw - 2, lw - 1 - x->bw, rows, 32 - x->jw, ls, lw - 2 - x->bw,
	        lw - 1 - x->bw - x->jw);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [%d:0] %s_xi = %s_xk[%d:0];\n", aw - 1, n, n, aw - 1);
	fprintf(out, "    wire %s_tx = ", n);
	for (k = 0; k < nin; k++) {
		if (is_sum_in(t, u, k))
			fprintf(out, "%sl%d_ov", n0++ ? " && " : "", in_link(t, u, k));
	}
	fprintf(out, " && %s_xin;\n    wire %s_th = ", n, n);
	for (k = 0; k < nin; k++)
		fprintf(out, "%sl%d_ov", k ? " && " : "", in_link(t, u, k));
	fprintf(out, " && !%s_xin;\n", n);
	if (iih > 1 || iix > 1) {
		fprintf(out, "    reg [7:0] %s_wq;  // cycles still to wait before the next take\n", n);
		fprintf(out, "    always @(posedge clk)\n        if (rst)\n            %s_wq <= 8'd0;\n"
		        "        else if (%s_iv && %s_ir)\n            %s_wq <= %s_xin ? 8'd%d : 8'd%d;\n"
		        "        else if (%s_wq != 8'd0)\n            %s_wq <= %s_wq - 8'd1;\n", n, n, n,
		        n, n, iix - 1, iih - 1, n, n, n);
		fprintf(out, "    wire %s_iv = (%s_tx || %s_th) && %s_wq == 8'd0;\n", n, n, n, n);
	} else {
		fprintf(out, "    wire %s_iv = %s_tx || %s_th;\n", n, n, n);
	}
	fprintf(out, "    wire %s_ir;\n", n);
	for (k = 0; k < nin; k++)
		fprintf(out, "    assign l%d_or = %s_iv && %s_ir%s;\n", in_link(t, u, k), n, n,
		        is_sum_in(t, u, k) ? "" : ir_sprintf(&x->c->arena, " && !%s_xin", n));
	for (k = 0; k < nin; k++) {
		/* each row's sum of the group, or each half's (merged): both kept, both added */
		int l = in_link(t, u, k), ns = nsums(x, x->d->link[l].src), pw = ns * 64;

		if (!is_sum_in(t, u, k))
			continue;
		fprintf(out, "    reg [%d:0] %s_xs%d [0:%d];\n", pw - 1, n, k, (1 << aw) - 1);
		fprintf(out, "    always @(posedge clk)\n        if (%s_iv && %s_ir && %s_xin)\n"
		        "            %s_xs%d[%s_xi] <= l%d_od[%d:0];\n", n, n, n, n, k, n, l, pw - 1);
		fprintf(out, "    wire [%d:0] %s_xr%d = %s_xs%d[%s_xi];\n", pw - 1, n, k, n, k, n);
		fprintf(out, "    wire [%d:0] %s_s%d = {", pw - 1, n, k);
		for (g = ns - 1; g >= 0; g--)
			fprintf(out, "l%d_od[%d:%d] + %s_xr%d[%d:%d]%s", l, g * 64 + 63, g * 64, n, k,
			        g * 64 + 63, g * 64, g ? ", " : "};\n");
	}
}

/* An epilogue segment: a pipeline carrying the row's tag (the row group's, hv > 1) and the
 * values that enter it, and at its exit, for each of the group's hv lanes, the stage
 * instructions, the loads they read and the stores they do. Hoisted, a segment that takes
 * sums carries the x-phase bit above the tag; an x-phase token leaves at the exit without
 * waiting and without doing anything (pcu_drain). */
static void
put_epi(const Top *t, int u)
{
	const Rtl *x = t->x;
	const Func *f = x->f;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u);
	FILE *out = t->out;
	int nin = n_in(t, u), k, w = 0, tag = x->bw + x->jw, l0 = in_link(t, u, 0);
	int s = du->seg, xs = x->xw ? xsum_of(t, u) : -1, xb = xs >= 0, lt = l0;
	Top tl = *t;

	/* the payload: the first input's tag (the first sum input's, hoisted), then each
	 * input's data without its tag, the first input in the least significant bits */
	for (k = 0; k < nin; k++)
		w += t->lw[in_link(t, u, k)] - tag_bits(t, in_link(t, u, k));
	if (xb) {
		put_epi_take_x(t, u, xs);
		for (k = 0; !is_sum_in(t, u, k); k++)
			;
		lt = in_link(t, u, k);
	} else {
		fprintf(out, "    wire %s_iv = ", n);
		for (k = 0; k < nin; k++)
			fprintf(out, "%sl%d_ov", k ? " && " : "", in_link(t, u, k));
		fprintf(out, ";\n    wire %s_ir;\n", n);
		for (k = 0; k < nin; k++)
			fprintf(out, "    assign l%d_or = %s_iv && %s_ir;\n", in_link(t, u, k), n, n);
	}
	fprintf(out, "    wire [%d:0] %s_od;\n", xb + tag + w - 1, n);
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire %s_en;\n    wire [%d:0] %s_slots;\n", n, du->depth - 1, n);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    rnnc_pipe #(.WIDTH(%d), .DEPTH(%d), .II(%d)) %s (\n", xb + tag + w,
	        du->depth, xb ? 1 : du->ii, n);
	fprintf(out, "        .clk(clk), .rst(rst), .in_valid(%s_iv), .in_ready(%s_ir),\n", n, n);
	fprintf(out, "        .in_data({%sl%d_od[%d:%d]", xb ? ir_sprintf(&x->c->arena, "%s_xin, ", n) : "",
	        lt, t->lw[lt] - 1 - (tag_bits(t, lt) - tag), t->lw[lt] - tag_bits(t, lt));
	for (k = nin - 1; k >= 0; k--) {
		int l = in_link(t, u, k);

		if (xb && is_sum_in(t, u, k))
			fprintf(out, ", %s_s%d", n, k);
		else
			fprintf(out, ", l%d_od[%d:0]", l, t->lw[l] - tag_bits(t, l) - 1);
	}
	fprintf(out, "}),\n        .out_valid(%s_ov), .out_ready(%s_ordy%s), .out_data(%s_od), "
	        ".en(%s_en), .slot_valid(%s_slots)\n    );\n", n, n,
	        xb ? ir_sprintf(&x->c->arena, " || %s_od[%d]", n, tag + w) : "", n, n, n);
	fprintf(out, "    wire [%d:0] %s_b = %s_od[%d:%d];\n", x->bw - 1, n, n, tag + w - 1, w + x->jw);
	fprintf(out, "    wire [%d:0] %s_j = %s_od[%d:%d];\n", x->jw - 1, n, n, w + x->jw - 1, w);
	fprintf(out, "    wire %s_fire = %s_ov && %s_ordy%s;\n", n, n, n,
	        xb ? ir_sprintf(&x->c->arena, " && !%s_od[%d]", n, tag + w) : "");
	for (tl.lane = 0; tl.lane < x->hv; tl.lane++)
		put_epi_lane(&tl, u);
	/* what leaves: the values the next segment needs, or h, of each lane */
	fprintf(out, "    assign %s_ordy = ", n);
	put_ready(t, u);
	fprintf(out, ";\n");
	for (k = 0; k < x->d->nlink; k++) {
		const SimLinkDesc *l = &x->d->link[k];

		if (!is_data(t, k) || l->src != u)
			continue;
		fprintf(out, "    assign l%d_iv = %s_fire;\n", k, n);
		fprintf(out, "    assign l%d_id = {%s_b, %s_j", k, n, n);
		for (tl.lane = x->hv - 1; tl.lane >= 0; tl.lane--) {
			if (x->d->unit[l->dst].role == SIM_EPI) {
				int r;

				for (r = f->nnodes - 1; r > 0; r--) {
					if (bundle_has(x, r, s))
						fprintf(out, ", %s_v%d%s", n, r, sfx(&tl));
				}
			} else {
				fprintf(out, ", ");
				put_operand(&tl, u, ir_node(f, x->xh_store)->i.arg[0]);
			}
		}
		fprintf(out, "};\n");
	}
}

/* ---- the other units --------------------------------------------------------------------- */

/* The write ports of xh copy u for the vectors of hbuf link l: value i of a vector is the h of
 * row `row + i`, at k = kc + row + i, written where this tile holds that k (as the scalar
 * ports do for one value), when i < count. The link's ports follow those of the h links
 * before it (hvec for a vector link, one for a scalar one). */
static void
put_xh_hvec(const Top *t, int u, int l, int aw, int64_t kc)
{
	const Rtl *x = t->x;
	const Mapping *m = x->m;
	const char *n = un(t, u);
	FILE *out = t->out;
	int vb = m->hvec * x->ab, cb = hcnt_bits(x), rb = hrow_bits(x), i, k, base = 0;

	/* the ports before this link's: the earlier h links' */
	for (k = 0; in_link(t, u, k) != l; k++)
		base += x->d->link[in_link(t, u, k)].vector ? m->hvec : 1;
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [31:0] %s_h%d_row = {%d'd0, l%d_od[%d:%d]};\n", n, l, 32 - rb, l,
	        vb + cb + rb - 1, vb + cb);
	fprintf(out, "    wire [31:0] %s_h%d_n = {%d'd0, l%d_od[%d:%d]};\n", n, l, 32 - cb, l,
	        vb + cb - 1, vb);
	fprintf(out, "    wire [31:0] %s_h%d_b = {%d'd0, l%d_od[%d:%d]};\n", n, l, 32 - x->bw, l,
	        vb + cb + rb + x->bw - 1, vb + cb + rb);
	for (i = 0; i < m->hvec; i++) {
		int p = base + i;

		fprintf(out, "    wire [31:0] %s_k%d = 32'd%lld + %s_h%d_row + 32'd%d;\n", n, p,
		        (long long)kc, n, l, i);
		fprintf(out, "    wire [31:0] %s_g%d = %s_k%d / 32'd%d;\n", n, p, n, p, m->rv);
		fprintf(out, "    wire [31:0] %s_a%d = xh_wbase + %s_h%d_b * 32'd%d\n        + %s_g%d / "
		        "32'd%d * 32'd%d + %s_k%d %% 32'd%d;\n", n, p, n, l, m->nt * m->rv, n, p, m->ru,
		        m->rv, n, p, m->rv);
		fprintf(out, "    assign %s_wen[%d] = l%d_ov && %s_h%d_n > 32'd%d && %s_g%d %% 32'd%d == "
		        "32'd%d;\n", n, p, l, n, l, i, n, p, m->ru, x->d->unit[u].tile);
		fprintf(out, "    assign %s_wa[%d:%d] = %s_a%d[%d:0];\n", n, (p + 1) * aw - 1, p * aw,
		        n, p, aw - 1);
		fprintf(out, "    assign %s_wd[%d:%d] = l%d_od[%d:%d];\n", n, (p + 1) * x->ab - 1,
		        p * x->ab, l, (i + 1) * x->ab - 1, i * x->ab);
	}
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    assign l%d_or = 1'b1;\n", l);
}

/* An hbuf (rnnc_hbuf): the h of its copies' epilogues, or the vectors of the hbufs below, in
 * link order; the vectors on to its links. The queue holds every vector of a step. */
static void
put_hbuf(const Top *t, int u)
{
	const Rtl *x = t->x;
	const Mapping *m = x->m;
	const char *n = un(t, u);
	FILE *out = t->out;
	int nin = n_in(t, u), vin = x->d->link[in_link(t, u, 0)].vector, k;
	int rb = hrow_bits(x), iw = vin ? hvec_width(x) : x->bw + rb + x->ab;
	int qaw = rtl_clog2((m->unit[u].vsteps > nin ? m->unit[u].vsteps : nin) + 1);

	if (qaw < 2)
		qaw = 2;
	fprintf(out, "    wire [%d:0] %s_iv, %s_ie;\n    wire [%d:0] %s_id;\n    wire [%d:0] %s_vd;\n",
	        nin - 1, n, n, nin * iw - 1, n, hvec_width(x) - 1, n);
	for (k = 0; k < nin; k++) {
		int l = in_link(t, u, k);
		const SimUnitDesc *src = &x->d->unit[x->d->link[l].src];

		fprintf(out, "    assign %s_iv[%d] = l%d_ov;\n    assign l%d_or = 1'b1;\n", n, k, l, l);
		if (vin) {
			fprintf(out, "    assign %s_id[%d:%d] = l%d_od;\n    assign %s_ie[%d] = 1'b0;\n", n,
			        (k + 1) * iw - 1, k * iw, l, n, k);
			continue;
		}
		/* {b, j, h} of the copy's epilogue: the row is the copy's first plus j; a run ends
		 * at a multiple of hvec rows into the copy or at its last row */
		fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
		fprintf(out, "    wire [31:0] %s_j%d = {%d'd0, l%d_od[%d:%d]};\n", n, k, 32 - x->jw, l,
		        x->ab + x->jw - 1, x->ab);
		fprintf(out, "    wire [31:0] %s_r%d = 32'd%d + %s_j%d;\n", n, k, src->lo, n, k);
		fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
		fprintf(out, "    assign %s_id[%d:%d] = {l%d_od[%d:%d], %s_r%d[%d:0], l%d_od[%d:0]};\n", n,
		        (k + 1) * iw - 1, k * iw, l, x->ab + x->jw + x->bw - 1, x->ab + x->jw, n, k,
		        rb - 1, l, x->ab - 1);
		fprintf(out, "    assign %s_ie[%d] = (%s_j%d + 32'd1) %% 32'd%d == 32'd0 || %s_j%d + 32'd1 == "
		        "32'd%d;\n", n, k, n, k, m->hvec, n, k, src->hi - src->lo);
	}
	fprintf(out, "    rnnc_hbuf #(.N(%d), .VIN(%d), .VB(%d), .W(%d), .BW(%d), .RW(%d), .QAW(%d)) "
	        "%s (\n        .clk(clk), .rst(rst), .in_valid(%s_iv), .in_data(%s_id), "
	        ".in_end(%s_ie),\n        .out_valid(%s_ov), .out_ready(%s_ordy), .out_data(%s_vd)"
	        "\n    );\n", nin, vin, x->ab, m->hvec, x->bw, rb, qaw, n, n, n, n, n, n, n);
	put_outs(t, u, ir_sprintf(&x->c->arena, "%s_vd", n));
}

/* Write port p of xh copy u for lane q of the h tokens of epilogue link l: the h of row
 * j x hv + q of the copy (j the token's row group; the row j with hv = 1), at k = kc + the
 * copy's first row + that row, written where this tile holds that k and the lane holds a row. */
static void
put_xh_h(const Top *t, int u, int l, int p, int q, int aw, int64_t kc)
{
	const Rtl *x = t->x;
	const Mapping *m = x->m;
	const SimUnitDesc *src = &x->d->unit[x->d->link[l].src];
	const char *n = un(t, u);
	FILE *out = t->out;
	int vb = x->hv * x->ab;

	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	if (x->hv > 1)
		fprintf(out, "    wire [31:0] %s_k%d = 32'd%lld + {{%d{1'b0}}, l%d_od[%d:%d]} * 32'd%d;\n",
		        n, p, (long long)(kc + src->lo + q), 32 - x->jw, l, vb + x->jw - 1, vb, x->hv);
	else
		fprintf(out, "    wire [31:0] %s_k%d = 32'd%lld + {{%d{1'b0}}, l%d_od[%d:%d]};\n", n, p,
		        (long long)(kc + src->lo), 32 - x->jw, l, vb + x->jw - 1, vb);
	fprintf(out, "    wire [31:0] %s_g%d = %s_k%d / 32'd%d;\n", n, p, n, p, m->rv);
	fprintf(out, "    wire [31:0] %s_a%d = xh_wbase + {{%d{1'b0}}, l%d_od[%d:%d]} * 32'd%d"
	        "\n        + %s_g%d / 32'd%d * 32'd%d + %s_k%d %% 32'd%d;\n", n, p, 32 - x->bw,
	        l, vb + x->jw + x->bw - 1, vb + x->jw, m->nt * m->rv, n, p, m->ru,
	        m->rv, n, p, m->rv);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    assign %s_wen[%d] = l%d_ov && %s_g%d %% 32'd%d == 32'd%d", n, p, l, n, p, m->ru,
	        x->d->unit[u].tile);
	if (x->hv > 1 && (src->hi - src->lo) % x->hv)
		fprintf(out, " && %s_k%d < 32'd%lld", n, p, (long long)(kc + src->hi));
	fprintf(out, ";\n    assign %s_wa[%d:%d] = %s_a%d[%d:0];\n", n, (p + 1) * aw - 1, p * aw,
	        n, p, aw - 1);
	fprintf(out, "    assign %s_wd[%d:%d] = l%d_od[%d:%d];\n", n, (p + 1) * x->ab - 1,
	        p * x->ab, l, (q + 1) * x->ab - 1, q * x->ab);
}

/* The gate of xh or weight PMU u's walk (NAME_hold), its phase and step: without hoisting a
 * walk a step from go, never held. Hoisted (walk_ready of sim/core.c), the walk starts with
 * step 0 (go0) and goes on through the barriers: an h half issues once its step has started,
 * the x phase of step 0 once step 0 has, the x phase of step t + 1 of an xh copy once x_{t+1}
 * is in (its DRAM time passed since step t started, and the testbench's writes done), of a
 * weight PMU at once. An xh copy reads the half of its walk's step. */
static void
put_walk_gate(const Top *t, int u, int aw)
{
	const Rtl *x = t->x;
	const char *n = un(t, u);
	FILE *out = t->out;

	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire %s_xp, %s_hold;\n    wire [31:0] %s_step;\n", n, n, n);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	if (!x->m->hoist) {
		fprintf(out, "    assign %s_hold = 1'b0;\n", n);
		return;
	}
	fprintf(out, "    assign %s_hold = %s_xp ? ", n, n);
	if (x->d->unit[u].role == SIM_XH)
		fprintf(out, "!(%s_step == 32'd0 ? nxt != 32'd0 : %s_step < nxt ||\n"
		        "        (%s_step == nxt && now >= dram_at && x_ready))", n, n, n);
	else
		fprintf(out, "%s_step == 32'd0 && nxt == 32'd0", n);
	fprintf(out, "\n        : !(running && cur == %s_step);\n", n);
	if (x->d->unit[u].role == SIM_XH)
		fprintf(out, "    wire [%d:0] %s_rb = %s_step[0] ? %d'd%d : %d'd0;\n", aw - 1, n, n, aw,
		        x->half, aw);
}

static void
put_pmu(const Top *t, int u)
{
	const Rtl *x = t->x;
	const Mapping *m = x->m;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u);
	FILE *out = t->out;
	/* the walk counts row groups (hv > 1): a weight vector step reads hv rows x rv */
	int xh = du->role == SIM_XH, rows = rtl_groups(x, xh ? x->d->maxrows : du->hi - du->lo);
	int bits = xh ? x->ab : x->wb, vec = xh ? m->rv : x->hv * m->rv;
	int64_t words = xh ? 2 * (int64_t)x->half : (int64_t)rows * m->nt * vec;
	int nh = xh ? n_in(t, u) : 0, nhp = 0, wp, aw, pw, k, q;
	int big = x->d->maxrows > m->B ? x->d->maxrows : m->B;

	/* a write port per h link and lane, or per value of the vectors of an hbuf's link */
	for (k = 0; k < nh; k++)
		nhp += x->d->link[in_link(t, u, k)].vector ? m->hvec : x->hv;
	wp = xh ? nhp + m->rv : 1;
	if (words < 2)
		words = 2;
	aw = rtl_clog2(words);
	if (m->nt > big)
		big = m->nt;
	if (!xh && rows > big)
		big = rows;
	pw = rtl_clog2((int64_t)big + 1);
	fprintf(out, "    wire [%d:0] %s_vec;\n", vec * bits - 1, n);
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [%d:0] %s_pos;\n    wire %s_last, %s_busy;\n", 3 * pw - 1, n, n, n);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [%d:0] %s_wen;\n    wire [%d:0] %s_wa;\n    wire [%d:0] %s_wd;\n",
	        wp - 1, n, wp * aw - 1, n, wp * bits - 1, n);
	put_walk_gate(t, u, aw);
	fprintf(out, "    rnnc_pmu #(.WIDTH(%d), .VEC(%d), .WORDS(%lld), .BANKS(%d), .INIT(\"%s.hex\"), "
	        ".NB(%d), .NR(%d), .NT(%d),\n", bits, vec, (long long)words, vec,
	        xh ? ir_sprintf(&x->c->arena, "xh_r%d", du->tile) : n, m->B, rows, m->nt);
	fprintf(out, "               .SB(%d), .SR(%d), .SS(%d), .WPORTS(%d), .PW(%d)%s) %s (\n",
	        xh ? m->nt * m->rv : 0, xh ? 0 : m->nt * vec, vec, wp, pw,
	        m->hoist ? ir_sprintf(&x->c->arena, ", .SX(%d), .NSTEP(T)", m->sx) : "", n);
	fprintf(out, "        .clk(clk), .rst(rst), .start(%s), .rd_base(%s), .out_valid(%s_ov),\n",
	        m->hoist ? "go0" : "go",
	        m->hoist && xh ? ir_sprintf(&x->c->arena, "%s_rb", n) :
	        xh ? "xh_base" : ir_sprintf(&x->c->arena, "%d'd0", aw), n);
	fprintf(out, "        .out_ready(%s_ordy), .out_data(%s_vec), .out_pos(%s_pos), "
	        ".out_last(%s_last),\n        .busy(%s_busy), .hold(%s_hold), .out_xp(%s_xp), "
	        ".out_step(%s_step),\n        .wr_en(%s_wen), .wr_addr(%s_wa), .wr_data(%s_wd)\n"
	        "    );\n", n, n, n, n, n, n, n, n, n, n, n);
	if (!xh) {
		fprintf(out, "    assign %s_wen = 1'b0;\n    assign %s_wa = %d'd0;\n    assign %s_wd = "
		        "%d'd0;\n", n, n, aw, n, bits);
		put_outs(t, u, ir_sprintf(&x->c->arena, "%s_vec", n));
		return;
	}
	put_outs(t, u, ir_sprintf(&x->c->arena, "{%s%s_pos[%d:%d], %s_pos[%d:%d], %s_last, %s_vec}",
	                          x->xw ? ir_sprintf(&x->c->arena, "%s_xp, ", n) : "", n,
	                          2 * pw + x->bw - 1, 2 * pw, n, pw + x->jw - 1, pw, n, n));
	/* h_t from each epilogue into the other half, where this tile holds it */
	{
		const Access *a = &ir_node(x->f, x->xh_store)->i.acc;
		int64_t kc = a->idx[2].c;

		for (k = 0; k < nh; k++) {
			int l = in_link(t, u, k);
			if (x->d->link[l].vector) {
				put_xh_hvec(t, u, l, aw, kc);
				continue;
			}
			for (q = 0; q < x->hv; q++)
				put_xh_h(t, u, l, x->hv > 1 ? k * x->hv + q : k, q, aw, kc);
			fprintf(out, "    assign l%d_or = 1'b1;\n", l);
		}
	}
	/* x_t from DRAM (the testbench): a vector of words per cycle, masked */
	for (k = 0; k < m->rv; k++) {
		int p = nhp + k;

		fprintf(out, "    assign %s_wen[%d] = xw_r%d_en && xw_r%d_mask[%d];\n", n, p, du->tile,
		        du->tile, k);
		fprintf(out, "    assign %s_wa[%d:%d] = xw_r%d_addr + %d'd%d;\n", n, (p + 1) * aw - 1,
		        p * aw, du->tile, aw, k);
		fprintf(out, "    assign %s_wd[%d:%d] = xw_r%d_data[%d:%d];\n", n, (p + 1) * x->ab - 1,
		        p * x->ab, du->tile, (k + 1) * x->ab - 1, k * x->ab);
	}
	/* the h values received this step: a row group's rows, or an hbuf vector's count */
	for (k = 0; k < nh && x->hv > 1; k++) {
		int l = in_link(t, u, k);
		const SimUnitDesc *src = &x->d->unit[x->d->link[l].src];

		fprintf(out, "    wire [31:0] %s_r%d = 32'd%d - {{%d{1'b0}}, l%d_od[%d:%d]} * 32'd%d;"
		        "  // rows from the group's first\n", n, k, src->hi - src->lo, 32 - x->jw, l,
		        x->hv * x->ab + x->jw - 1, x->hv * x->ab, x->hv);
		fprintf(out, "    wire [31:0] %s_n%d = %s_r%d < 32'd%d ? %s_r%d : 32'd%d;\n", n, k, n, k,
		        x->hv, n, k, x->hv);
	}
	fprintf(out, "    reg [31:0] %s_recv;\n    wire [31:0] %s_inc = 32'd0", n, n);
	for (k = 0; k < nh; k++) {
		int l = in_link(t, u, k);

		if (x->d->link[l].vector)
			fprintf(out, " + (l%d_ov ? {%d'd0, l%d_od[%d:%d]} : 32'd0)", l, 32 - hcnt_bits(x), l,
			        m->hvec * x->ab + hcnt_bits(x) - 1, m->hvec * x->ab);
		else if (x->hv > 1)
			fprintf(out, " + (l%d_ov ? %s_n%d : 32'd0)", l, n, k);
		else
			fprintf(out, " + {31'd0, l%d_ov}", l);
	}
	fprintf(out, ";\n    wire %s_full = %s_recv + %s_inc == 32'd%d;\n", n, n, n, m->B * m->H);
	fprintf(out, "    always @(posedge clk)\n        if (rst || go)\n            %s_recv <= 32'd0;\n"
	        "        else\n            %s_recv <= %s_recv + %s_inc;\n", n, n, n, n);
}

static void
put_dot(const Top *t, int u)
{
	const Rtl *x = t->x;
	const Mapping *m = x->m;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u);
	FILE *out = t->out;
	int nin = n_in(t, u), k, tag = x->xw + x->bw + x->jw, rows = du->hi - du->lo;
	int xl = in_link(t, u, 0), stages = m->t->pcu.stages, lo = du->seg * stages, hi = lo + stages;
	int last, pin, pout, depth, cl = chain_in(t, u), hv = x->hv, ns = nsums(x, u), g;
	/* a segment after the first takes a step per its input's flits (the first: one a cycle) */
	int ii = lo ? du->ii : 1;

	if (cl >= 0) {
		/* combine: chain: the previous tile's sums come on the last input link (map.c
		 * makes the chain after the tile's own links); the others are as without it */
		if (in_link(t, u, nin - 1) != cl)
			IR_BUG("rtl: the chain into %s is not its last input", du->name);
		nin--;
	}
	if (hi > x->chain)
		hi = x->chain;
	last = hi == x->chain;
	pin = lo ? part_values(x, lo - 1) : 1;
	pout = last ? 1 : part_values(x, hi - 1);
	depth = hi - lo + (last && m->folded ? ir_target_reduce_latency(m->t) - 1 : 0);
	if (depth != du->depth)
		IR_BUG("rtl: dot product %s has %d slots in the simulator, %d in rnnc_dot", du->name,
		       du->depth, depth);
	if (lo == 0) {
		/* xh and the weight part holding the row (row group); rows past the copy's are
		 * dropped */
		fprintf(out, "    wire [%d:0] %s_xj = l%d_od[%d:%d];\n", x->jw - 1, n, xl,
		        1 + m->rv * x->ab + x->jw - 1, 1 + m->rv * x->ab);
		fprintf(out, "    wire [%d:0] %s_xb = l%d_od[%d:%d];\n", x->bw - 1, n, xl,
		        t->lw[xl] - x->xw - 1, t->lw[xl] - x->xw - x->bw);
		if (x->xw)
			fprintf(out, "    wire %s_xp = l%d_od[%d];  // the x phase\n", n, xl,
			        t->lw[xl] - 1);
		if (rtl_groups(x, rows) < rtl_groups(x, x->d->maxrows))
			fprintf(out, "    wire %s_drop = l%d_ov && %s_xj >= %d'd%d;  // a row of a longer "
			        "copy\n", n, xl, n, x->jw, rtl_groups(x, rows));
		else
			fprintf(out, "    wire %s_drop = 1'b0;\n", n);
		for (k = 1; k < nin; k++) {
			int l = in_link(t, u, k);
			const SimUnitDesc *w = &x->d->unit[x->d->link[l].src];
			int b0 = w->row_off / hv, b1 = b0 + rtl_groups(x, w->hi - w->lo);

			fprintf(out, "    wire %s_h%d = ", n, k);
			if (b0 > 0)
				fprintf(out, "%s_xj >= %d'd%d", n, x->jw, b0);
			if (b1 < (1 << x->jw))
				fprintf(out, "%s%s_xj < %d'd%d", b0 > 0 ? " && " : "", n, x->jw, b1);
			if (b0 == 0 && b1 >= (1 << x->jw))
				fprintf(out, "1'b1");
			fprintf(out, ";\n");
		}
		fprintf(out, "    wire %s_wv = ", n);
		for (k = 1; k < nin; k++)
			fprintf(out, "%s%s_h%d && l%d_ov", k > 1 ? " || " : "", n, k, in_link(t, u, k));
		fprintf(out, ";\n    wire [%d:0] %s_w = ", hv * m->rv * x->wb - 1, n);
		for (k = 1; k < nin - 1; k++)
			fprintf(out, "%s_h%d ? l%d_od : ", n, k, in_link(t, u, k));
		fprintf(out, "l%d_od;\n", in_link(t, u, nin - 1));
		fprintf(out, "    wire %s_iv = l%d_ov && !%s_drop && %s_wv;\n    wire %s_ir;\n", n, xl, n,
		        n, n);
		fprintf(out, "    assign l%d_or = %s_ir && (%s_drop || %s_iv);\n", xl, n, n, n);
		for (k = 1; k < nin; k++)
			fprintf(out, "    assign l%d_or = %s_ir && %s_iv && %s_h%d;\n", in_link(t, u, k), n,
			        n, n, k);
	} else {
		/* the partial values of the previous segment */
		fprintf(out, "    wire %s_iv = l%d_ov;\n    wire %s_ir;\n", n, xl, n);
		fprintf(out, "    assign l%d_or = %s_ir && %s_iv;\n", xl, n, n);
	}
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [%d:0] %s_sum;\n    wire [%d:0] %s_part;\n    wire %s_olast;\n",
	        (last ? ns : hv) * 64 - 1, n, hv * pout * x->sw - 1, n, n);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [%d:0] %s_tag;\n", tag - 1, n);
	if (cl >= 0) {
		/* the row's sum leaves when the previous tile's sum of the row is there too, as
		 * acc + its own sum + that (pcu_drain of sim/core.c); until then rnnc_dot's
		 * pipeline stalls, its out_ready held low */
		fprintf(out, "    // the chained sum from %s\n", x->d->unit[x->d->link[cl].src].name);
		fprintf(out, "    wire %s_dv;\n    assign %s_ov = %s_dv && l%d_ov;\n", n, n, n, cl);
		fprintf(out, "    assign l%d_or = %s_ov && %s_ordy;\n", cl, n, n);
	}
	fprintf(out, "    rnnc_dot #(.LANES(%d), .PACK(%d), .VBITS(%d), .ACCW(64), .FOLDED(%d), "
	        ".FOLD_LAT(%d), .TW(%d),\n              .S_LO(%d), .S_HI(%d)%s) %s (\n", x->lanes,
	        x->pack, x->ab, m->folded, ir_target_reduce_latency(m->t), tag, lo, hi,
	        ir_sprintf(&x->c->arena, "%s%s", hv > 1 || ii > 1 ?
	                   ir_sprintf(&x->c->arena, ", .GROUPS(%d), .II(%d)", hv, ii) : "",
	                   last && du->merged ? ir_sprintf(&x->c->arena, ",\n              "
	                                                   ".MERGED(1), .ACC2_STEP(%d)%s",
	                                                   du->acc2_step, m->hoist ?
	                                                   ir_sprintf(&x->c->arena, ", .SX(%d)",
	                                                              m->sx) : "") : ""), n);
	fprintf(out, "        .clk(clk), .rst(rst), .in_valid(%s_iv), .in_ready(%s_ir),\n", n, n);
	if (lo > 0)
		fprintf(out, "        .in_x(%d'd0), .in_w(%d'd0), .in_mask(%d'd0), .in_last(l%d_od[%d]),\n"
		        "        .in_tag(l%d_od[%d:%d]), .in_part(l%d_od[%d:0]),\n", x->nv * x->ab,
		        hv * x->nv * x->wb, hv * x->nv, xl, hv * pin * x->sw, xl, t->lw[xl] - 1,
		        t->lw[xl] - tag, xl, hv * pin * x->sw - 1);
	else {
		if (x->nv > m->rv)
			fprintf(out, "        .in_x({%d'd0, l%d_od[%d:0]}), ", (x->nv - m->rv) * x->ab, xl,
			        m->rv * x->ab - 1);
		else
			fprintf(out, "        .in_x(l%d_od[%d:0]), ", xl, m->rv * x->ab - 1);
		/* the weights of each row group, its lanes past rv 0 */
		if (hv == 1 && x->nv == m->rv)
			fprintf(out, ".in_w(%s_w),\n", n);
		else if (hv == 1)
			fprintf(out, ".in_w({%d'd0, %s_w}),\n", (x->nv - m->rv) * x->wb, n);
		else {
			fprintf(out, ".in_w({");
			for (g = hv - 1; g >= 0; g--) {
				if (x->nv > m->rv)
					fprintf(out, "%d'd0, ", (x->nv - m->rv) * x->wb);
				fprintf(out, "%s_w[%d:%d]%s", n, (g + 1) * m->rv * x->wb - 1, g * m->rv * x->wb,
				        g ? ", " : "}),\n");
			}
		}
		/* a tail group's rows past the copy's are masked */
		fprintf(out, "        .in_mask(");
		if (rows % hv == 0)
			fprintf(out, "{%d{1'b1}}", hv * x->nv);
		else {
			fprintf(out, "{");
			for (g = hv - 1; g >= 0; g--)
				fprintf(out, "{%d{{{%d{1'b0}}, %s_xj} * 32'd%d + 32'd%d < 32'd%d}}%s", x->nv,
				        32 - x->jw, n, hv, g, rows, g ? ", " : "}");
		}
		fprintf(out, "), .in_last(l%d_od[%d]), .in_tag({%s%s_xb, %s_xj}), "
		        ".in_part(%d'd0),\n", xl, m->rv * x->ab,
		        x->xw ? ir_sprintf(&x->c->arena, "%s_xp, ", n) : "", n, n, hv * pin * x->sw);
	}
	fprintf(out, "        .out_valid(%s_%s), .out_ready(%s_ordy%s), .out_data(%s_sum), "
	        ".out_tag(%s_tag),\n        .out_part(%s_part), .out_last(%s_olast)\n    );\n", n,
	        cl >= 0 ? "dv" : "ov", n, cl >= 0 ? ir_sprintf(&x->c->arena, " && l%d_ov", cl) : "",
	        n, n, n, n);
	if (last && cl >= 0 && ns > 1) {
		/* each row's sum (each half's, merged) plus the chained sum of it */
		const char *d = ir_sprintf(&x->c->arena, "{%s_tag", n);

		for (g = ns - 1; g >= 0; g--)
			d = ir_sprintf(&x->c->arena, "%s, %s_sum[%d:%d] + l%d_od[%d:%d]", d, n, g * 64 + 63,
			               g * 64, cl, g * 64 + 63, g * 64);
		put_outs(t, u, ir_sprintf(&x->c->arena, "%s}", d));
	} else if (last && cl >= 0)
		put_outs(t, u, ir_sprintf(&x->c->arena, "{%s_tag, %s_sum + l%d_od[63:0]}", n, n, cl));
	else if (last)
		put_outs(t, u, ir_sprintf(&x->c->arena, "{%s_tag, %s_sum}", n, n));
	else
		put_outs(t, u, ir_sprintf(&x->c->arena, "{%s_tag, %s_olast, %s_part}", n, n, n));
}

static void
put_combine(const Top *t, int u)
{
	const Rtl *x = t->x;
	const SimUnitDesc *du = &x->d->unit[u];
	const char *n = un(t, u);
	FILE *out = t->out;
	int nin = n_in(t, u), k, tag = x->xw + x->bw + x->jw, l0 = in_link(t, u, 0), hv = nsums(x, u);
	int g;

	fprintf(out, "    wire %s_iv = ", n);
	for (k = 0; k < nin; k++)
		fprintf(out, "%sl%d_ov", k ? " && " : "", in_link(t, u, k));
	fprintf(out, ";\n    wire %s_ir;\n", n);
	for (k = 0; k < nin; k++)
		fprintf(out, "    assign l%d_or = %s_iv && %s_ir;\n", in_link(t, u, k), n, n);
	/* the sum of each row of the group (each half, merged): lane g in bits g x 64 */
	fprintf(out, "    wire [%d:0] %s_s = %s", hv * 64 - 1, n, hv > 1 ? "{" : "");
	for (g = hv - 1; g >= 0; g--) {
		for (k = 0; k < nin; k++)
			fprintf(out, "%sl%d_od[%d:%d]", k ? " + " : "", in_link(t, u, k), g * 64 + 63, g * 64);
		fprintf(out, "%s", g ? ", " : hv > 1 ? "};\n" : ";\n");
	}
	fprintf(out, "    wire [%d:0] %s_od;\n", tag + hv * 64 - 1, n);
	fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    wire %s_en;\n    wire [%d:0] %s_slots;\n", n, du->depth - 1, n);
	fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    rnnc_pipe #(.WIDTH(%d), .DEPTH(%d), .II(%d)) %s (\n", tag + hv * 64,
	        du->depth, du->ii, n);
	fprintf(out, "        .clk(clk), .rst(rst), .in_valid(%s_iv), .in_ready(%s_ir), "
	        ".in_data({l%d_od[%d:%d], %s_s}),\n", n, n, l0, tag + hv * 64 - 1, hv * 64, n);
	fprintf(out, "        .out_valid(%s_ov), .out_ready(%s_ordy), .out_data(%s_od), .en(%s_en), "
	        ".slot_valid(%s_slots)\n    );\n", n, n, n, n, n);
	put_outs(t, u, ir_sprintf(&x->c->arena, "%s_od", n));
}

/* ---- the arrays, the controller, the module ---------------------------------------------- */

static void
put_arrays(const Top *t)
{
	const Rtl *x = t->x;
	const Func *f = x->f;
	FILE *out = t->out;
	int tn;

	for (tn = 0; tn < f->ntensors; tn++) {
		const char *an;

		if (!x->arr[tn])
			continue;
		an = rtl_name(x, f->tensors[tn].name);
		fprintf(out, "    // %s%s: %lld words\n", f->tensors[tn].name,
		        x->fold[tn] ? ", two steps" : "", (long long)x->asize[tn]);
		fprintf(out, "    reg [%d:0] m_%s [0:%lld];\n", f->tensors[tn].ty.bits - 1, an,
		        (long long)x->asize[tn] - 1);
		fprintf(out, "    initial $readmemh(\"m_%s.hex\", m_%s);\n", an, an);
	}
}

/* The writes of the epilogue's stores into its arrays, one block per array. */
static void
put_array_writes(const Top *t)
{
	const Rtl *x = t->x;
	const Func *f = x->f;
	const Block *body = &ir_node(f, x->m->hidden_loop)->l.body;
	FILE *out = t->out;
	int tn, u, i;
	Top tl = *t;

	for (tn = 0; tn < f->ntensors; tn++) {
		const char *an;
		int writes = 0;

		if (!x->arr[tn])
			continue;
		an = rtl_name(x, f->tensors[tn].name);
		for (i = 0; i < body->len; i++) {
			const Node *nd = ir_node(f, body->n[i]);

			writes += nd->kind == N_INSTR && nd->i.op == OP_STORE && nd->i.acc.tensor == tn;
		}
		if (!writes)
			continue;
		fprintf(out, "    always @(posedge clk) begin\n");
		for (u = 0; u < x->d->nunit; u++) {
			const SimUnitDesc *du = &x->d->unit[u];

			if (du->role != SIM_EPI)
				continue;
			for (i = 0; i < body->len; i++) {
				Ref r = body->n[i];
				const Node *nd = ir_node(f, r);

				if (nd->kind != N_INSTR || nd->i.op != OP_STORE || nd->i.acc.tensor != tn ||
				    x->sseg[r] != du->seg)
					continue;
				/* each lane of the row group that holds a row */
				for (tl.lane = 0; tl.lane < x->hv; tl.lane++) {
					const char *l = sfx(&tl);

					fprintf(out, "        if (%s_fire && %s_a%d%s_ok%s)\n"
					        "            m_%s[%s_a%d%s[%d:0]] <= ", un(t, u), un(t, u), r, l,
					        lane_ok(&tl, u), an, un(t, u), r, l, abits(x, tn) - 1);
					put_operand(&tl, u, nd->i.arg[0]);
					fprintf(out, ";\n");
				}
			}
		}
		fprintf(out, "    end\n");
	}
}

/* Output ports: per copy, each store of h_t (or another output) that goes to DRAM, and per
 * lane of the row groups (hv > 1). */
static void
each_output(const Top *t, void (*fn)(const Top *, int u, Ref r))
{
	const Rtl *x = t->x;
	const Block *body = &ir_node(x->f, x->m->hidden_loop)->l.body;
	int u, i;
	Top tl = *t;

	for (u = 0; u < x->d->nunit; u++) {
		if (x->d->unit[u].role != SIM_EPI)
			continue;
		for (i = 0; i < body->len; i++) {
			Ref r = body->n[i];
			const Node *nd = ir_node(x->f, r);

			if (nd->kind == N_INSTR && nd->i.op == OP_STORE && x->sseg[r] == x->d->unit[u].seg &&
			    rtl_is_output(x, r)) {
				for (tl.lane = 0; tl.lane < x->hv; tl.lane++)
					fn(&tl, u, r);
			}
		}
	}
}

static const char *
out_name(const Top *t, int u, Ref r)
{
	return rtl_out_name(t->x, t->x->m->unit[u].copy, r, t->lane);
}

static void
port_output(const Top *t, int u, Ref r)
{
	const char *o = out_name(t, u, r);

	fprintf(t->out, ",\n    output wire %s_valid,\n    output wire [%d:0] %s_b,\n"
	        "    output wire [31:0] %s_i,\n    output wire [%d:0] %s_data", o, t->x->bw - 1, o, o,
	        t->x->f->tensors[ir_node(t->x->f, r)->i.acc.tensor].ty.bits - 1, o);
}

static void
assign_output(const Top *t, int u, Ref r)
{
	const char *o = out_name(t, u, r), *n = un(t, u);

	fprintf(t->out, "    assign %s_valid = %s_fire && %s_a%d%s_ok%s;\n", o, n, n, r, sfx(t),
	        lane_ok(t, u));
	fprintf(t->out, "    assign %s_b = %s_b;\n", o, n);
	if (t->x->hv > 1)
		fprintf(t->out, "    assign %s_i = %s_i%s;\n", o, n, sfx(t));
	else
		fprintf(t->out, "    assign %s_i = 32'd%d + {{%d{1'b0}}, %s_j};\n", o,
		        t->x->d->unit[u].lo, 32 - t->x->jw, n);
	fprintf(t->out, "    assign %s_data = ", o);
	put_operand(t, u, ir_node(t->x->f, r)->i.arg[0]);
	fprintf(t->out, ";\n");
}

void
rtl_top(const Rtl *x, FILE *out)
{
	const Mapping *m = x->m;
	const SimDesign *d = x->d;
	Top t = {x, out, NULL, NULL, 0};
	int i, xaw = rtl_clog2(2 * (int64_t)x->half), abytes = x->ab / 8;
	int64_t dram0 = sim_dram_cycles(d, (int64_t)m->B * (m->D + m->H) * abytes);
	int64_t dramx = sim_dram_cycles(d, (int64_t)m->B * m->D * abytes);

	t.uname = ir_alloc_array(&x->c->arena, (size_t)d->nunit, sizeof *t.uname);
	t.lw = ir_alloc_array(&x->c->arena, (size_t)d->nlink, sizeof *t.lw);
	for (i = 0; i < d->nunit; i++)
		t.uname[i] = rtl_name(x, d->unit[i].name);
	for (i = 0; i < d->nlink; i++)
		t.lw[i] = link_width(x, i);

	rtl_header(x, out, ir_sprintf(&x->c->arena, "%s_top: the mapped design, one instance per "
	                              "unit and link of the Mapping", x->mod));
	fprintf(out, "//\n// Ports: x_t arrives from DRAM through xw_r<tile>_* (a vector of words a cycle "
	        "into\n// each xh copy, at the address of its lane 0, masked) and x_ready says the next "
	        "step's x\n// is in; step_go is high in the cycle before a step streams (the DRAM may "
	        "then load\n// the next x); out_<tensor>_u<copy>_* carry each h_t value sent to DRAM. "
	        "done rises\n// after the last step, last_cycle is the cycle it ended in. rst is "
	        "synchronous and\n// active high; memories keep their contents.\n");
	fprintf(out, "`default_nettype none\nmodule %s_top #(\n"
	        "    parameter [31:0] T = 32'd%d  // time steps: the spec's\n) (\n"
	        "    input  wire clk,\n    input  wire rst,\n    input  wire x_ready", x->mod,
	        x->s->timesteps);
	for (i = 0; i < m->ru; i++)
		fprintf(out, ",\n    input  wire xw_r%d_en,\n    input  wire [%d:0] xw_r%d_addr,\n"
		        "    input  wire [%d:0] xw_r%d_data,\n    input  wire [%d:0] xw_r%d_mask", i,
		        xaw - 1, i, m->rv * x->ab - 1, i, m->rv - 1, i);
	fprintf(out, ",\n    output wire step_go,\n    output wire [31:0] step_next,\n"
	        "    output wire [31:0] step_cur,\n    output wire done,\n"
	        "    output wire [31:0] last_cycle");
	each_output(&t, port_output);
	fprintf(out, "\n);\n");

	fprintf(out, "    // ---- the step controller: the time loop of the simulator ----------------"
	        "----\n");
	fprintf(out, "    localparam [31:0] DRAM_FIRST = 32'd%lld;  // x_0 and h_0 from DRAM\n",
	        (long long)dram0);
	fprintf(out, "    localparam [31:0] DRAM_X = 32'd%lld;      // x_t from DRAM\n",
	        (long long)dramx);
	fprintf(out, "    reg [31:0] now, nxt, cur, dram_at, end_at;\n    reg running, fin;\n");
	if (m->hoist)
		fprintf(out, "    /* verilator lint_off UNUSEDSIGNAL */\n");
	fprintf(out, "    reg [%d:0] xh_base;\n", xaw - 1);
	if (m->hoist)
		fprintf(out, "    /* verilator lint_on UNUSEDSIGNAL */\n");
	fprintf(out, "    wire [31:0] xh_wbase = cur[0] ? 32'd0 : 32'd%d;  // h_t: the other half\n",
	        x->half);
	fprintf(out, "    wire complete;\n");
	fprintf(out, "    // a step streams from the cycle after go: when the previous one has all of "
	        "its h in\n    // every xh copy (the barrier) and x has arrived\n");
	fprintf(out, "    wire go = nxt < T && (!running || complete) && now + 32'd1 >= dram_at && "
	        "x_ready;\n");
	if (m->hoist)
		fprintf(out, "    // hoist_input: the walks start with step 0 and go on through the "
		        "barriers\n    wire go0 = go && nxt == 32'd0;\n");
	fprintf(out, "    always @(posedge clk) begin\n        if (rst) begin\n"
	        "            now <= 32'd0;\n            nxt <= 32'd0;\n            cur <= 32'd0;\n"
	        "            running <= 1'b0;\n            fin <= 1'b0;\n            end_at <= 32'd0;\n"
	        "            dram_at <= DRAM_FIRST;\n            xh_base <= %d'd0;\n"
	        "        end else begin\n            now <= now + 32'd1;\n"
	        "            if (complete) begin\n                running <= 1'b0;\n"
	        "                if (nxt == T) begin\n                    fin <= 1'b1;\n"
	        "                    end_at <= now;\n                end\n            end\n"
	        "            if (go) begin\n                running <= 1'b1;\n"
	        "                cur <= nxt;\n                nxt <= nxt + 32'd1;\n"
	        "                xh_base <= nxt[0] ? %d'd%d : %d'd0;\n"
	        "                if (nxt + 32'd1 < T)\n                    dram_at <= now + 32'd1 + "
	        "DRAM_X;\n            end\n        end\n    end\n", xaw, xaw, x->half, xaw);
	fprintf(out, "    assign step_go = go;\n    assign step_next = nxt;\n    assign step_cur = cur;\n"
	        "    assign done = fin;\n    assign last_cycle = end_at;\n");

	fprintf(out, "\n    // ---- links ---------------------------------------------------------"
	        "----------\n");
	decl_links(&t);
	for (i = 0; i < d->nunit; i++) {
		if (d->unit[i].role == SIM_EPI || d->unit[i].role == SIM_DOT ||
		    d->unit[i].role == SIM_COMBINE || d->unit[i].role == SIM_XH ||
		    d->unit[i].role == SIM_WEIGHT || d->unit[i].role == SIM_HBUF)
			fprintf(out, "    wire %s_ov, %s_ordy;\n", t.uname[i], t.uname[i]);
	}
	for (i = 0; i < d->nlink; i++) {
		if (is_data(&t, i))
			fprintf(out, "    rnnc_link #(.WIDTH(%d), .LAT(%d), .DEPTH(4)%s) l%d (.clk(clk), "
			        ".rst(rst), .in_valid(l%d_iv),\n        .in_ready(l%d_ir), .in_data(l%d_id), "
			        ".out_valid(l%d_ov), .out_ready(l%d_or), .out_data(l%d_od));\n", t.lw[i],
			        d->link[i].hops * d->hop_cycles > 1 ? d->link[i].hops * d->hop_cycles : 1,
			        d->link[i].flits > 1 ? ir_sprintf(&x->c->arena, ", .FLITS(%d)",
			                                          d->link[i].flits) : "",
			        i, i, i, i, i, i, i);
	}
	fprintf(out, "\n    // ---- the epilogue's arrays: parameters, state -------------------------"
	        "----------\n");
	put_arrays(&t);
	for (i = 0; i < d->nunit; i++) {
		const SimUnitDesc *du = &d->unit[i];

		if (du->role == SIM_LUT || du->role == SIM_CELL)
			continue;  /* the epilogue's tables and state: the arrays and rnnc_lut */
		fprintf(out, "\n    // ---- %s (%s)%s\n", du->name, sim_role_name((SimRole)du->role),
		        du->pcu ? ir_sprintf(&x->c->arena, ", %d pipeline slots", du->depth) : "");
		switch (du->role) {
		case SIM_XH: case SIM_WEIGHT:
			put_pmu(&t, i);
			break;
		case SIM_DOT:
			put_dot(&t, i);
			break;
		case SIM_COMBINE:
			put_combine(&t, i);
			break;
		case SIM_EPI:
			put_epi(&t, i);
			break;
		case SIM_HBUF:
			put_hbuf(&t, i);
			break;
		default:
			break;
		}
	}
	fprintf(out, "\n    // ---- the stores into the arrays -----------------------------------------"
	        "-----\n");
	put_array_writes(&t);
	fprintf(out, "\n    // ---- the barrier, the outputs ------------------------------------------"
	        "-----\n    assign complete = running");
	for (i = 0; i < d->nunit; i++) {
		if (d->unit[i].role == SIM_XH)
			fprintf(out, " && %s_full", t.uname[i]);
	}
	fprintf(out, ";\n");
	each_output(&t, assign_output);
	fprintf(out, "endmodule\n`default_nettype wire\n");
}
