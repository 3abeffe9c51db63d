/* The build pass: a spec becomes the unfused BLAS view of the cell, in fp32. This is what a
 * compiler that stitches library kernels together runs, and the baseline the fusion is measured
 * against: per time step,
 *
 *   one gemv kernel per gate and per input      xw_g[b,i] = sum_k wx[g,i,k] * x[t,b,k]
 *                                               hw_g[b,i] = sum_k uh[g,i,k] * h[t,b,k]
 *   a bias kernel per gate                      a_g = (xw_g + hw_g) + (bx_g + bh_g)
 *   an activation kernel per gate               s_g = sigmoid or tanh of a_g
 *   the elementwise cell update                 c, h[t+1]
 *
 * each kernel a `foreach b { foreach i }` nest with its own buffers (role temp). h[0] is the
 * initial state; step t reads h[t] and writes h[t+1], so a step never overwrites what it reads.
 *
 * Gate order (DESIGN.md): LSTM i, j, f, o with c = i*j + f*c, h = o*tanh(c); GRU r, z, n with the
 * reset applied after the recurrent product (linear before reset):
 *   n = tanh(xw_n + bx_n + r*(hw_n + bh_n)),  h' = n + z*(h - n)   [= (1-z)*n + z*h]
 * vanilla RNN: h = tanh(a).
 *
 * Weights are deterministic pseudo-random numbers scaled as a trained net's are: uniform in
 * [-1/sqrt(H), 1/sqrt(H)) (the usual initialisation of recurrent layers), inputs uniform in
 * [-1, 1). */
#include <math.h>
#include <string.h>

#include "passes.h"

enum { SEED_X = 1, SEED_WX, SEED_UH, SEED_BX, SEED_BH };

typedef struct Build {
	Func *f;
	Builder b;
	const CellSpec *s;
	int G;
	Ref t;                       /* the time loop */
	int x, wx, uh, bx, bh, h, c;  /* tensors */
} Build;

static const char *const gate_names[NCELL][4] = {
	[CELL_LSTM] = {"i", "j", "f", "o"},
	[CELL_GRU] = {"r", "z", "n"},
	[CELL_RNN] = {"a"},
};

static Init
rand_init(uint64_t seed, double scale)
{
	Init in = {.kind = INIT_RAND, .seed = seed, .lo = -scale, .hi = scale};

	return in;
}

static int
tensor(Build *bd, const char *name, MemSpace mem, Role role, int ndim, int32_t d0, int32_t d1,
       int32_t d2, Init init)
{
	int32_t dim[3] = {d0, d1, d2};

	return ir_add_tensor(bd->f, name, ir_f32(), mem, role, ndim, dim, init);
}

static Access
at(Build *bd, int t, Affine a0, Affine a1, Affine a2)
{
	Affine idx[3] = {a0, a1, a2};

	return ir_access(bd->f, t, idx);
}

static Affine
var(Ref loop)
{
	return ir_aff_var(loop);
}

static Affine
cst(int64_t c)
{
	return ir_aff_const(c);
}

/* Opens `foreach b B { foreach i H {` for a kernel; returns the inner loop. */
static Ref
kernel(Build *bd, const char *name, Ref *bl)
{
	char vb[40], vi[40];
	Ref il;

	snprintf(vb, sizeof vb, "b_%s", name);
	snprintf(vi, sizeof vi, "i_%s", name);
	bd->b.at = bd->t;
	*bl = ir_b_loop(&bd->b, LOOP_FOREACH, vb, bd->s->batch);
	bd->b.at = *bl;
	il = ir_b_loop(&bd->b, LOOP_FOREACH, vi, bd->s->hidden);
	bd->b.at = il;
	return il;
}

/* out[b,i] = sum_k w[g,i,k] * v[t,b,k] */
static void
gemv(Build *bd, const char *name, int w, int v, int n, int g, int out)
{
	char vk[40];
	Ref bl, il, kl, wl, vl, p, r;

	il = kernel(bd, name, &bl);
	snprintf(vk, sizeof vk, "k_%s", name);
	kl = ir_b_loop(&bd->b, LOOP_REDUCE, vk, n);
	bd->b.at = kl;
	wl = ir_b_load(&bd->b, at(bd, w, cst(g), var(il), var(kl)));
	vl = ir_b_load(&bd->b, at(bd, v, var(bd->t), var(bl), var(kl)));
	p = ir_b_op(&bd->b, OP_MUL, ir_f32(), wl, vl);
	r = ir_b_result(bd->f, kl, ir_f32(), p);
	bd->b.at = il;
	ir_b_store(&bd->b, at(bd, out, var(bl), var(il), cst(0)), r);
}

static int
temp(Build *bd, const char *prefix, const char *gate)
{
	char name[40];

	snprintf(name, sizeof name, "%s_%s", prefix, gate);
	return tensor(bd, name, MEM_SRAM, ROLE_TEMP, 2, bd->s->batch, bd->s->hidden, 0,
	              (Init){0});
}

static Ref
load2(Build *bd, int t, Ref bl, Ref il)
{
	return ir_b_load(&bd->b, at(bd, t, var(bl), var(il), cst(0)));
}

static Ref
bias(Build *bd, int t, int g, Ref il)
{
	return ir_b_load(&bd->b, at(bd, t, cst(g), var(il), cst(0)));
}

static Ref
op2(Build *bd, Op op, Ref a, Ref b)
{
	return ir_b_op(&bd->b, op, ir_f32(), a, b);
}

Func *
pass_build(Ctx *c, const CellSpec *s)
{
	Build bd = {0};
	const char *const *gn = gate_names[s->cell];
	int D = s->input, H = s->hidden, B = s->batch, T = s->timesteps;
	double scale = 1 / sqrt((double)H);
	int xw[4], hw[4], pre[4], act[4], g;
	Ref bl, il;

	bd.f = ir_func_new(c, s->name);
	bd.f->loc = s->loc;
	bd.s = s;
	bd.G = ir_cell_gates(s->cell);
	bd.b.f = bd.f;
	bd.b.loc = s->loc;
	bd.x = tensor(&bd, "x", MEM_DRAM, ROLE_INPUT, 3, T, B, D, rand_init(SEED_X, 1));
	bd.wx = tensor(&bd, "wx", MEM_DRAM, ROLE_PARAM, 3, bd.G, H, D, rand_init(SEED_WX, scale));
	bd.uh = tensor(&bd, "uh", MEM_DRAM, ROLE_PARAM, 3, bd.G, H, H, rand_init(SEED_UH, scale));
	bd.bx = tensor(&bd, "bx", MEM_DRAM, ROLE_PARAM, 2, bd.G, H, 0, rand_init(SEED_BX, scale));
	bd.bh = tensor(&bd, "bh", MEM_DRAM, ROLE_PARAM, 2, bd.G, H, 0, rand_init(SEED_BH, scale));
	bd.h = tensor(&bd, "h", MEM_DRAM, ROLE_OUTPUT, 3, T + 1, B, H, (Init){.kind = INIT_ZERO});
	bd.c = s->cell == CELL_LSTM ? tensor(&bd, "c", MEM_SRAM, ROLE_OUTPUT, 2, B, H, 0,
	                                     (Init){.kind = INIT_ZERO})
	                            : -1;
	for (g = 0; g < bd.G; g++) {
		xw[g] = temp(&bd, "xw", gn[g]);
		hw[g] = temp(&bd, "hw", gn[g]);
	}
	for (g = 0; g < bd.G; g++)
		pre[g] = temp(&bd, "a", gn[g]);
	for (g = 0; g < bd.G; g++)
		act[g] = temp(&bd, "s", gn[g]);

	bd.t = ir_b_loop(&bd.b, LOOP_SEQ, "t", T);

	/* the products: 2G gemv kernels */
	for (g = 0; g < bd.G; g++) {
		char name[16];

		snprintf(name, sizeof name, "x%s", gn[g]);
		gemv(&bd, name, bd.wx, bd.x, D, g, xw[g]);
		snprintf(name, sizeof name, "h%s", gn[g]);
		gemv(&bd, name, bd.uh, bd.h, H, g, hw[g]);
	}

	/* bias and activation kernels; GRU's n waits for r */
	for (g = 0; g < bd.G; g++) {
		char name[16];
		Op fn = s->cell == CELL_RNN || (s->cell == CELL_LSTM && g == 1) ||
		        (s->cell == CELL_GRU && g == 2) ? OP_TANH : OP_SIGMOID;
		Ref v;

		snprintf(name, sizeof name, "bias%s", gn[g]);
		il = kernel(&bd, name, &bl);
		/* operands are made one statement at a time: the IR's order must not depend on the
		 * C compiler's order of evaluating arguments */
		if (s->cell == CELL_GRU && g == 2) {
			Ref r = load2(&bd, act[0], bl, il), hv = load2(&bd, hw[g], bl, il);
			Ref bh = bias(&bd, bd.bh, g, il), xv = load2(&bd, xw[g], bl, il);
			Ref bx = bias(&bd, bd.bx, g, il);

			hv = op2(&bd, OP_ADD, hv, bh);
			hv = op2(&bd, OP_MUL, r, hv);
			xv = op2(&bd, OP_ADD, xv, bx);
			v = op2(&bd, OP_ADD, xv, hv);
		} else {
			Ref xv = load2(&bd, xw[g], bl, il), hv = load2(&bd, hw[g], bl, il);
			Ref bx = bias(&bd, bd.bx, g, il), bh = bias(&bd, bd.bh, g, il);

			v = op2(&bd, OP_ADD, xv, hv);
			bx = op2(&bd, OP_ADD, bx, bh);
			v = op2(&bd, OP_ADD, v, bx);
		}
		ir_b_store(&bd.b, at(&bd, pre[g], var(bl), var(il), cst(0)), v);

		snprintf(name, sizeof name, "act%s", gn[g]);
		il = kernel(&bd, name, &bl);
		v = load2(&bd, pre[g], bl, il);
		v = op2(&bd, fn, v, 0);
		ir_b_store(&bd.b, at(&bd, act[g], var(bl), var(il), cst(0)), v);
	}

	/* the cell update */
	il = kernel(&bd, "cell", &bl);
	{
		Access hnext = at(&bd, bd.h, ir_aff_add(var(bd.t), cst(1)), var(bl), var(il));
		Ref v;

		switch (s->cell) {
		case CELL_LSTM: {
			Access ca = at(&bd, bd.c, var(bl), var(il), cst(0));
			Ref i = load2(&bd, act[0], bl, il), j = load2(&bd, act[1], bl, il);
			Ref f = load2(&bd, act[2], bl, il), o = load2(&bd, act[3], bl, il);
			Ref cp = ir_b_load(&bd.b, ca);

			i = op2(&bd, OP_MUL, i, j);
			f = op2(&bd, OP_MUL, f, cp);
			cp = op2(&bd, OP_ADD, i, f);
			ir_b_store(&bd.b, ca, cp);
			cp = op2(&bd, OP_TANH, cp, 0);
			v = op2(&bd, OP_MUL, o, cp);
			break;
		}
		case CELL_GRU: {
			Ref z = load2(&bd, act[1], bl, il), n = load2(&bd, act[2], bl, il);
			Ref hp = ir_b_load(&bd.b, at(&bd, bd.h, var(bd.t), var(bl), var(il)));

			hp = op2(&bd, OP_SUB, hp, n);
			hp = op2(&bd, OP_MUL, z, hp);
			v = op2(&bd, OP_ADD, n, hp);
			break;
		}
		default:
			v = load2(&bd, act[0], bl, il);
			break;
		}
		ir_b_store(&bd.b, hnext, v);
	}
	return bd.f;
}
