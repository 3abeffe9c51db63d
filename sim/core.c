/* The cycle-by-cycle simulator's engine (docs/sim.md), on a SimDesign (core.h).
 *
 * Every cycle visits the units in creation order. A PCU is a ring of `depth` slots (the sum of
 * its stages' latencies): each cycle the oldest token leaves, if every FIFO it goes to has
 * room (else the whole pipeline stalls: backpressure), and a new token may enter. A PMU that
 * feeds dot products is a stream: its counter chain walks (batch, row, vector step) and sends
 * one vector a cycle. A link is a delay line of max(1, hops x hop_cycles) cycles ending in a
 * FIFO of fifo_depth entries; the flits on the wire sit in the switches' registers, so a
 * producer may push while fewer than depth + latency tokens are in the link, and a slot freed
 * in a cycle is seen by the producer the next cycle (no result depends on the visiting order).
 * Stretches where nothing but wires and timers are busy are skipped exactly.
 *
 * A step ends when every xh copy holds all of h_t; the fabric is then empty, and what the next
 * step does depends only on when x_{t+1} arrives relative to that cycle. So when two steps in a
 * row end with the same wait for DRAM, every later step repeats the last one exactly, and
 * (without values to compute) the engine stops there and counts the rest.
 *
 * This file needs only the C library: `rnnc --emit=sim` copies it into standalone simulators. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

typedef struct Tok {
	int32_t b, j, s;     /* batch, row (with hv > 1: row group) within the copy, vector step */
	int32_t last;        /* the row's last vector step */
	int64_t v;           /* its value: a vector step's exact sum, a partial sum, a sum */
	int64_t v2;          /* a merged unit's row (schedule.candidate: merged): the second sum */
	int32_t vi;          /* hv > 1 with values: the group's hv values, a vector of the pool
	                      * (Sim.vpool); -1 for none */
	int32_t t;           /* the step it belongs to */
	int32_t xp;          /* hoist_input: a token of the x phase (its sums wait at the
	                      * epilogue for the row's h half) */
} Tok;

typedef struct Chan {
	const SimLinkDesc *l;
	int lat, cap;
	Tok *q;
	int64_t *at;         /* when each token becomes visible at the consumer */
	int head, n;
	int64_t pop_cycle;
	int pop_n;
	int flits;           /* flits of a token (a row group's values, hv > 1): its last one
	                      * arrives flits - 1 cycles after the first */
} Chan;

typedef struct SUnit {
	const SimUnitDesc *du;
	int depth;           /* PCU: pipeline slots */
	Tok *pipe;
	char *full;
	int head, nvalid;
	Chan **in;           /* a dot product's xh input first, then its weight parts */
	int nin;
	Chan **out;
	int nout;
	Chan *chain;         /* combine: chain: the previous tile's row sums (not in `in`) */
	int side;            /* flit-hops of its table, parameter and state traffic per row */
	int side_vec;
	int64_t acc;
	int64_t acc2;        /* a merged dot product: the second half's accumulator */
	int64_t pos, len;    /* PMU streams: position in this step's walk, its length */
	int64_t next_issue;
	int64_t recv;        /* xh: h values received this step */
	int *aux;            /* PMUs read per row by an epilogue segment: tables, state */
	int naux;
	int64_t last_act;    /* the last cycle counted active */
	int64_t fetched;     /* streamed weights: the walk position whose row has arrived */
	int64_t *accv;       /* hv > 1 with values: the accumulators of the group's rows */
	int32_t *run;        /* hbuf: per scalar input, the values of the run being gathered */
	int32_t *hq;         /* hbuf: the values of each complete vector waiting to leave */
	int hq_head, hq_n, hq_cap;
	/* hoist_input */
	int wstep;           /* stream: the step of its walk (the h half of wstep, then the x
	                      * phase of wstep + 1) */
	int xaux;            /* epilogue segment taking sums: its x-sum PMU, or -1 */
	int xside, xside_vec;  /* ... the flit-hops of writing a row's x sums into it */
	int64_t *xs;         /* ... with values: the x sums waiting, per (sum input, batch, row),
	                      * two a row (the merged candidate gate's second) */
} SUnit;

typedef struct Sim {
	const SimDesign *d;
	const SimHooks *h;   /* NULL: timing only */
	SUnit *u;
	Chan *ch;
	int nch;
	Chan **ptrs;         /* the in and out arrays of every unit */
	int *auxs;
	int64_t now;
	int step, steps, T;
	/* hoist_input: x_t for t < xidx has arrived, x_xidx arrives at x_at; inputs: the steps
	 * whose x_t the values have (the input hook called) */
	int xidx, inputs;
	int64_t x_at;
	/* hoisted, timing only: steps found to repeat exactly and not simulated (state_sig);
	 * the walks are then those of steps `skip` later */
	int skip;
	int per0, per;       /* ... each as one of the `per` steps from per0 on (1 or 2) */
	int64_t *sig[3];     /* the states at the start of steps k - 2, k - 1 and k */
	size_t nsig[3], capsig[3];
	int started;
	int64_t dram_at;     /* x_t (and h_0) arrive */
	int64_t pipe_tokens, chan_tokens;
	int64_t held;        /* h values in hbufs, received and not yet sent on */
	int issued_xh, stall_bank, stall_bp, busy;
	Report *r;
	int64_t flits_v, flits_s;
	int oom;
	/* streamed weights: milli-bytes arrived and not yet used, as of cycle credit_at; the rate
	 * per cycle and the row buffers' capacity; the earliest cycle a waiting row may start */
	int64_t credit, credit_at, rate, cap;
	int stall_dram;
	int64_t wake;
	/* hv > 1 with values: the row groups' values travel as vectors of hv int64s in a pool
	 * sized for every token that can be in flight (pipeline slots and link entries), so it
	 * never grows; the free vectors are a stack of indices */
	int64_t *vpool, *accs;
	int32_t *vfree;
	int32_t nvfree;
} Sim;

static void *
zalloc(Sim *s, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		s->oom = 1;
	return p;
}

/* ---- row groups (hv > 1) ----------------------------------------------------------------- */

static int
hv_of(const SimDesign *d)
{
	return d->hv > 1 ? d->hv : 1;
}

/* Tokens of `rows` rows: its row groups (a tail group is masked). */
static int64_t
groups(const SimDesign *d, int64_t rows)
{
	return (rows + hv_of(d) - 1) / hv_of(d);
}

/* Rows of group j of a unit's rows [lo, hi): hv, or fewer in the tail group. */
static int
group_rows(const SimDesign *d, const SimUnitDesc *du, int64_t j)
{
	int64_t n = (int64_t)(du->hi - du->lo) - j * hv_of(d);

	return n < hv_of(d) ? (int)n : hv_of(d);
}

static int64_t *
vec_at(const Sim *s, int32_t k)
{
	return &s->vpool[(int64_t)k * hv_of(s->d)];
}

static int32_t
vec_new(Sim *s)
{
	int32_t k;

	if (!s->nvfree) {
		s->oom = 1;  /* cannot happen: the pool holds every token that fits in flight */
		return -1;
	}
	k = s->vfree[--s->nvfree];
	memset(vec_at(s, k), 0, (size_t)hv_of(s->d) * sizeof *s->vpool);
	return k;
}

static void
vec_free(Sim *s, int32_t k)
{
	s->vfree[s->nvfree++] = k;
}

/* dst[] += vector k, which is freed. */
static void
vec_add_free(Sim *s, int64_t *dst, int32_t k)
{
	const int64_t *v = vec_at(s, k);
	int i;

	for (i = 0; i < hv_of(s->d); i++)
		dst[i] += v[i];
	vec_free(s, k);
}

/* ---- links ------------------------------------------------------------------------------- */

static int
can_push(const Chan *c, int64_t now)
{
	return c->n + (c->pop_cycle == now ? c->pop_n : 0) < c->cap;
}

static void
push(Sim *s, Chan *c, Tok t)
{
	int k = (c->head + c->n) % c->cap;

	c->q[k] = t;
	/* a token of several flits is seen when its last flit arrives; the unit at the link's
	 * PCU end takes one every flits cycles (its SimUnitDesc.ii, set by sim.c) */
	c->at[k] = s->now + c->lat + c->flits - 1;
	c->n++;
	s->chan_tokens++;
	if (c->l->vector)
		s->flits_v += (int64_t)c->l->hops * c->flits;
	else
		s->flits_s += (int64_t)c->l->hops * c->flits;
	s->busy = 1;
}

static const Tok *
peek(const Chan *c, int64_t now)
{
	return c->n && c->at[c->head] <= now ? &c->q[c->head] : NULL;
}

static Tok
pop(Sim *s, Chan *c)
{
	Tok t = c->q[c->head];

	c->head = (c->head + 1) % c->cap;
	c->n--;
	if (c->pop_cycle != s->now) {
		c->pop_cycle = s->now;
		c->pop_n = 0;
	}
	c->pop_n++;
	s->chan_tokens--;
	s->busy = 1;
	return t;
}

static int
outs_ready(const Sim *s, const SUnit *u)
{
	int k;

	for (k = 0; k < u->nout; k++) {
		if (!can_push(u->out[k], s->now))
			return 0;
	}
	return 1;
}

static void
push_outs(Sim *s, SUnit *u, Tok t)
{
	int k;

	for (k = 0; k < u->nout; k++)
		push(s, u->out[k], t);
}

/* ---- units ------------------------------------------------------------------------------- */

static int
index_of(const Sim *s, const SUnit *u)
{
	return (int)(u - s->u);
}

static SimUnitStat *
stat_of(Sim *s, const SUnit *u)
{
	return &s->r->unit[index_of(s, u)];
}

/* The pipeline's oldest token, if it may leave; 0 when the unit stalls. */
static int
pcu_drain(Sim *s, SUnit *u, int *stalled)
{
	const SimUnitDesc *du = u->du;
	Tok *t = &u->pipe[u->head];

	*stalled = 0;
	if (!u->full[u->head])
		return 1;
	if (du->accumulate) {
		/* the last segment accumulates; a row's sum leaves with its last vector step */
		if (t->last) {
			Tok o = *t;

			/* combine: chain: the row also waits for the previous tile's sum of it; the
			 * pipeline stalls as it does for a full FIFO (the accumulator holds the
			 * row, so the stage cannot take the next one's steps) */
			if (!outs_ready(s, u) || (u->chain && !peek(u->chain, s->now))) {
				*stalled = 1;
				return 0;
			}
			/* merged: the row's last step adds into the accumulator of its half */
			if (du->merged && t->s >= du->acc2_step) {
				o.v = u->acc;
				o.v2 = u->acc2 + t->v;
			} else {
				o.v = u->acc + t->v;
				o.v2 = u->acc2;
			}
			if (u->chain) {
				Tok c = pop(s, u->chain);

				o.v += c.v;
				o.v2 += c.v2;
				if (c.vi >= 0)
					vec_add_free(s, vec_at(s, o.vi), c.vi);
			}
			if (o.vi >= 0) {
				int64_t *v = vec_at(s, o.vi);
				int k;

				for (k = 0; k < hv_of(s->d); k++) {
					v[k] += u->accv[k];
					u->accv[k] = 0;
				}
			}
			u->acc = u->acc2 = 0;
			push_outs(s, u, o);
		} else if (du->merged && t->s >= du->acc2_step) {
			u->acc2 += t->v;
		} else {
			u->acc += t->v;
			if (t->vi >= 0)
				vec_add_free(s, u->accv, t->vi);
		}
	} else if (du->role == SIM_EPI && t->xp) {
		/* hoist_input: a row's x sums, written into the x-sum PMU; nothing leaves */
	} else {
		if (!outs_ready(s, u)) {
			*stalled = 1;
			return 0;
		}
		if (du->role == SIM_EPI && s->h) {
			int n = group_rows(s->d, du, t->j), k;

			for (k = 0; k < n; k++)
				s->h->epi(s->h->ctx, index_of(s, u), t->t, t->b,
				          du->lo + t->j * hv_of(s->d) + k);
		}
		push_outs(s, u, *t);
	}
	u->full[u->head] = 0;
	u->nvalid--;
	s->pipe_tokens--;
	s->busy = 1;
	return 1;
}

/* ---- hoisted input products (SimDesign.sx) ----------------------------------------------- */

/* Rows of a unit's copy, and the x sums of its sum input k for (batch b, row i of the copy). */
static int64_t *
xsum_at(Sim *s, SUnit *u, int k, int b, int64_t i)
{
	int64_t rows = u->du->hi - u->du->lo;

	return &u->xs[(((int64_t)k * s->d->B + b) * rows + i) * 2];
}

/* An x phase's token of sum input k: its sums (each row of a group) into the x-sum PMU. */
static void
xsum_put(Sim *s, SUnit *u, int k, const Tok *x)
{
	int n = group_rows(s->d, u->du, x->j), l;

	for (l = 0; l < n; l++) {
		int64_t *p = xsum_at(s, u, k, x->b, (int64_t)x->j * hv_of(s->d) + l);

		p[0] = x->vi >= 0 ? vec_at(s, x->vi)[l] : x->v;
		p[1] = x->v2;
	}
	if (x->vi >= 0)
		vec_free(s, x->vi);
}

/* The h half's token of sum input k: the row's x sums added back (the sums are exact
 * integers, so h is bit for bit that of the design without hoisting). */
static void
xsum_add(Sim *s, SUnit *u, int k, Tok *x)
{
	int n = group_rows(s->d, u->du, x->j), l;

	if (!u->xs)
		return;
	for (l = 0; l < n; l++) {
		const int64_t *p = xsum_at(s, u, k, x->b, (int64_t)x->j * hv_of(s->d) + l);

		if (x->vi >= 0) {
			vec_at(s, x->vi)[l] += p[0];
		} else {
			x->v += p[0];
			x->v2 += p[1];
		}
	}
}

/* An epilogue segment's take of a row's x sums, which come on its sum inputs (those from the
 * dot products or combines) alone: 1 taken, -1 waiting for one of them, 0 when the rows
 * waiting are h halves (or there are none), which take every input as usual. */
static int
epi_take_x(Sim *s, SUnit *u, Tok *t)
{
	const Tok *x = NULL;
	int k, nsum = 0;

	for (k = 0; k < u->nin; k++) {
		const Tok *y;

		if (s->d->unit[u->in[k]->l->src].role == SIM_EPI)
			continue;
		nsum++;
		if (!(y = peek(u->in[k], s->now)))
			return x ? -1 : 0;  /* the inputs keep in step: all x phase, or none */
		if (!y->xp)
			return 0;
		x = y;
	}
	if (!nsum || !x)
		return 0;
	memset(t, 0, sizeof *t);
	t->vi = -1;
	for (k = 0; k < u->nin; k++) {
		Tok y;

		if (s->d->unit[u->in[k]->l->src].role == SIM_EPI)
			continue;
		y = pop(s, u->in[k]);
		t->b = y.b;
		t->j = y.j;
		t->s = y.s;
		t->t = y.t;
		t->xp = 1;
		if (u->xs)
			xsum_put(s, u, k, &y);
		else if (y.vi >= 0)
			vec_free(s, y.vi);
	}
	s->flits_v += u->xside_vec;
	s->flits_s += u->xside - u->xside_vec;
	if (u->xaux >= 0)
		stat_of(s, &s->u[u->xaux])->active++;
	u->next_issue = s->now + (u->xaux >= 0 ? s->d->unit[u->xaux].ii : 1);
	return 1;
}

/* The token a PCU may take this cycle, popped from its inputs; 0 when none. */
static int
pcu_take(Sim *s, SUnit *u, Tok *t)
{
	const SimUnitDesc *du = u->du;
	int k;

	if (s->now < u->next_issue)
		return 0;
	if (du->role == SIM_DOT && du->seg == 0) {
		const Tok *x = peek(u->in[0], s->now), *w;

		if (!x)
			return 0;
		if (x->j >= groups(s->d, du->hi - du->lo)) {
			pop(s, u->in[0]);  /* a row of a longer copy: these lanes idle */
			return 0;
		}
		for (k = 1; k < u->nin; k++) {
			const SimUnitDesc *src = &s->d->unit[u->in[k]->l->src];
			int64_t r0 = (int64_t)x->j * hv_of(s->d);  /* parts hold whole groups */

			if (r0 >= src->row_off && r0 < src->row_off + (src->hi - src->lo))
				break;
		}
		if (k == u->nin || !(w = peek(u->in[k], s->now)))
			return 0;
		*t = pop(s, u->in[0]);
		pop(s, u->in[k]);
		if (s->h && hv_of(s->d) > 1) {
			/* a row group: each row's products of the vector step on its own lanes */
			int n = group_rows(s->d, du, t->j), l;
			int64_t *v;

			if ((t->vi = vec_new(s)) < 0)
				return 0;
			v = vec_at(s, t->vi);
			for (l = 0; l < n; l++)
				v[l] = s->h->dot(s->h->ctx, index_of(s, u), t->t, t->b,
				                 du->lo + t->j * hv_of(s->d) + l, t->s);
			t->v = 0;
		} else {
			t->v = s->h ? s->h->dot(s->h->ctx, index_of(s, u), t->t, t->b, du->lo + t->j,
			                        t->s) : 0;
		}
		return 1;
	}
	if (du->role == SIM_EPI && s->d->sx && (k = epi_take_x(s, u, t)) != 0)
		return k > 0;
	for (k = 0; k < u->nin; k++) {
		if (!peek(u->in[k], s->now))
			return 0;
	}
	memset(t, 0, sizeof *t);
	t->vi = -1;
	for (k = 0; k < u->nin; k++) {
		Tok x = pop(s, u->in[k]);
		int src = u->in[k]->l->src;

		t->b = x.b;
		t->j = x.j;
		t->s = x.s;
		t->last = x.last;
		t->t = x.t;
		t->xp = x.xp;
		if (du->role == SIM_EPI && s->d->sx && s->d->unit[src].role != SIM_EPI)
			xsum_add(s, u, k, &x);
		if (du->role == SIM_COMBINE) {
			t->v += x.v;
			t->v2 += x.v2;
			if (x.vi >= 0 && t->vi < 0)
				t->vi = x.vi;
			else if (x.vi >= 0)
				vec_add_free(s, vec_at(s, t->vi), x.vi);
		} else if (du->role == SIM_EPI && s->d->unit[src].role != SIM_EPI) {
			if (s->h && x.vi >= 0) {
				const int64_t *v = vec_at(s, x.vi);
				int n = group_rows(s->d, du, x.j), l;

				for (l = 0; l < n; l++)
					s->h->sum(s->h->ctx, src, x.b, du->lo + x.j * hv_of(s->d) + l, v[l]);
				vec_free(s, x.vi);
			} else if (s->h) {
				s->h->sum(s->h->ctx, src, x.b, du->lo + x.j, x.v);
				if (s->d->unit[src].merged)
					s->h->sum2(s->h->ctx, src, x.b, du->lo + x.j, x.v2);
			}
		} else {
			t->v = x.v;
			t->v2 = x.v2;
			t->vi = x.vi;
		}
	}
	if (du->role == SIM_EPI) {
		s->flits_v += u->side_vec;
		s->flits_s += u->side - u->side_vec;
		for (k = 0; k < u->naux; k++)
			stat_of(s, &s->u[u->aux[k]])->active++;
	}
	u->next_issue = s->now + du->ii;
	return 1;
}

static void
pcu_cycle(Sim *s, SUnit *u)
{
	SimUnitStat *st = stat_of(s, u);
	int stalled;
	Tok t;

	if (u->nvalid)
		st->active++;
	if (!pcu_drain(s, u, &stalled)) {
		st->stall += stalled;
		return;
	}
	if (pcu_take(s, u, &t)) {
		u->pipe[u->head] = t;
		u->full[u->head] = 1;
		u->nvalid++;
		s->pipe_tokens++;
		st->issue++;
	} else if (s->now < u->next_issue) {
		st->bank++;
		s->busy = 1;
	}
	u->head = (u->head + 1) % u->depth;
}

/* Streamed weights: the bytes that have arrived by now, within the row buffers' capacity. */
static void
refill(Sim *s)
{
	if (s->now > s->credit_at) {
		int64_t add = (s->now - s->credit_at) * s->rate;

		s->credit = add > s->cap - s->credit ? s->cap : s->credit + add;
		s->credit_at = s->now;
	}
}

/* A streaming weight PMU starts a row when its bytes have arrived; 0 while it waits. */
static int
row_arrived(Sim *s, SUnit *u, int64_t p)
{
	/* a row group's rows arrive together (with hv > 1 the PMU starts a group) */
	int64_t need = u->du->row_bytes * 1000 *
	               group_rows(s->d, u->du, p / ((int64_t)s->d->B * s->d->nt)), wait;

	if (p % ((int64_t)s->d->B * s->d->nt) || u->fetched == p)
		return 1;  /* the row is in the buffer: the other batch rows and vector steps */
	refill(s);
	if (s->now >= s->credit_at && s->credit >= need) {
		s->credit -= need;
		u->fetched = p;
		return 1;
	}
	wait = (need - s->credit + s->rate - 1) / s->rate;
	if ((s->now > s->credit_at ? s->now : s->credit_at) + wait < s->wake)
		s->wake = (s->now > s->credit_at ? s->now : s->credit_at) + wait;
	stat_of(s, u)->dram++;
	s->stall_dram = 1;
	return 0;
}

/* hoist_input: the vector steps of walk w (SimDesign.sx): the x phase of step 0 (w = 0), the
 * h half of step w, the x phase of step w + 1 (w + 1 < T), each along (batch, row, step). */
static int64_t
walk_len(const Sim *s, const SUnit *u, int w)
{
	const SimDesign *d = s->d;
	int64_t rows = groups(d, u->du->role == SIM_XH ? d->maxrows : u->du->hi - u->du->lo);
	int64_t px = (int64_t)d->B * rows * d->sx, ph = (int64_t)d->B * rows * (d->nt - d->sx);

	return (w == 0 ? px : 0) + ph + (w + s->skip + 1 < s->T ? px : 0);
}

static void
walk_tok(const Sim *s, const SUnit *u, int64_t p, Tok *t)
{
	const SimDesign *d = s->d;
	int64_t rows = groups(d, u->du->role == SIM_XH ? d->maxrows : u->du->hi - u->du->lo);
	int64_t px = (int64_t)d->B * rows * d->sx, ph = (int64_t)d->B * rows * (d->nt - d->sx), n;
	int base = 0;

	memset(t, 0, sizeof *t);
	t->vi = -1;
	t->t = u->wstep;
	if (u->wstep == 0 && p < px) {
		t->xp = 1;
	} else {
		p -= u->wstep == 0 ? px : 0;
		if (p < ph) {
			base = d->sx;
		} else {
			p -= ph;
			t->t++;
			t->xp = 1;
		}
	}
	n = t->xp ? d->sx : d->nt - d->sx;
	t->b = (int32_t)(p / (rows * n));
	t->j = (int32_t)(p / n % rows);
	t->s = (int32_t)(base + p % n);
	t->last = t->s == base + n - 1;
}

/* May the stream issue t now: an h half once its step has started (every xh copy holds
 * h_{t-1}), an x phase once x_t has arrived (an xh copy; the weights need nothing). */
static int
walk_ready(Sim *s, const SUnit *u, const Tok *t)
{
	if (!t->xp)
		return s->started && s->step == t->t;
	if (t->t == 0)
		return s->started || s->step > 0;
	if (u->du->role != SIM_XH || t->t < s->xidx || (t->t == s->xidx && s->now >= s->x_at))
		return 1;
	if (t->t == s->xidx && s->x_at < s->wake)
		s->wake = s->x_at;
	return 0;
}

/* An xh or weight PMU: one vector a cycle along (batch, row, vector step), or (row, batch,
 * vector step) when the weights stream; hoisted, along its walks (walk_tok). */
static void
stream_cycle(Sim *s, SUnit *u)
{
	SimUnitStat *st = stat_of(s, u);
	const SimDesign *d = s->d;
	int xh = u->du->role == SIM_XH;
	int64_t rows = groups(d, xh ? d->maxrows : u->du->hi - u->du->lo);
	int64_t per_b = rows * d->nt, p = u->pos;
	Tok t;

	if (d->sx) {
		if (u->pos >= u->len)
			return;
		walk_tok(s, u, p, &t);
		if (!walk_ready(s, u, &t))
			return;
	} else if (!s->started || u->pos >= u->len) {
		return;
	}
	if (d->stream && !xh && !row_arrived(s, u, p))
		return;
	s->busy = 1;
	if (s->now < u->next_issue) {
		st->bank++;
		if (xh)
			s->stall_bank = 1;
		return;
	}
	if (!outs_ready(s, u)) {
		st->stall++;
		if (xh)
			s->stall_bp = 1;
		return;
	}
	if (d->sx) {
		/* walk_tok made it */
	} else if (d->stream) {
		t.j = (int32_t)(p / ((int64_t)d->B * d->nt));
		t.b = (int32_t)(p / d->nt % d->B);
	} else {
		t.b = (int32_t)(p / per_b);
		t.j = (int32_t)(p % per_b / d->nt);
	}
	if (!d->sx) {
		t.s = (int32_t)(p % d->nt);
		t.last = t.s == d->nt - 1;
		t.v = t.v2 = 0;
		t.vi = -1;
		t.t = s->step;
		t.xp = 0;
	}
	if (!xh)
		t.j += (int32_t)(u->du->row_off / hv_of(d));
	if (xh && s->h && t.t >= s->inputs) {
		s->h->input(s->h->ctx, t.t);  /* x_t into xh, before its first vector leaves */
		s->inputs = t.t + 1;
	}
	push_outs(s, u, t);
	u->pos++;
	if (d->sx && u->pos == u->len && u->wstep + s->skip + 1 < s->T) {
		u->wstep++;
		u->pos = 0;
		u->len = walk_len(s, u, u->wstep);
	}
	u->next_issue = s->now + u->du->ii;
	u->last_act = s->now;
	st->active++;
	st->issue++;
	if (xh)
		s->issued_xh = 1;
}

/* An xh copy takes the h values of the step (one per FIFO per cycle). */
static void
xh_recv(Sim *s, SUnit *u)
{
	int k, got = 0;

	for (k = 0; k < u->nin; k++) {
		const Tok *t = peek(u->in[k], s->now);

		if (t) {
			/* an hbuf's vector carries its count; the h of a row group, its rows */
			u->recv += u->in[k]->l->vector ? t->v
			                               : group_rows(s->d, &s->d->unit[u->in[k]->l->src], t->j);
			pop(s, u->in[k]);
			got = 1;
		}
	}
	if (got && u->last_act != s->now) {
		u->last_act = s->now;
		stat_of(s, u)->active++;
	}
}

/* An hbuf: first the oldest complete vector leaves, on every output at once (so a vector
 * completed in a cycle leaves the next one at the earliest: the PMU's write, then its read);
 * then it takes one token from each input FIFO. A scalar input carries one copy's h in row
 * order, so a run of values ends at a multiple of hvec rows or at the copy's last row, and is
 * then a vector to send; a vector from an hbuf of the level below is sent on as it is. */
static void
hbuf_cycle(Sim *s, SUnit *u)
{
	SimUnitStat *st = stat_of(s, u);
	int k, act = 0;

	if (u->hq_n) {
		s->busy = 1;
		if (outs_ready(s, u)) {
			Tok t;

			memset(&t, 0, sizeof t);
			t.v = u->hq[u->hq_head];
			push_outs(s, u, t);
			s->held -= t.v;
			u->hq_head = (u->hq_head + 1) % u->hq_cap;
			u->hq_n--;
			st->issue++;
			act = 1;
		} else {
			st->stall++;
		}
	}
	for (k = 0; k < u->nin; k++) {
		const SimUnitDesc *src = &s->d->unit[u->in[k]->l->src];
		int32_t done = 0;
		Tok t;

		if (!peek(u->in[k], s->now))
			continue;
		t = pop(s, u->in[k]);
		act = 1;
		if (u->in[k]->l->vector) {
			done = (int32_t)t.v;
			s->held += t.v;
		} else {
			u->run[k]++;
			s->held++;
			if ((t.j + 1) % s->d->hvec == 0 || t.j + 1 == src->hi - src->lo) {
				done = u->run[k];
				u->run[k] = 0;
			}
		}
		if (done) {
			u->hq[(u->hq_head + u->hq_n) % u->hq_cap] = done;
			u->hq_n++;
		}
	}
	if (act)
		st->active++;
}

/* ---- setup ------------------------------------------------------------------------------- */

static int
build(Sim *s, int fifo_depth)
{
	const SimDesign *d = s->d;
	int i, k, nptr = 0, *nin, *nout, *nside;

	s->u = zalloc(s, (size_t)d->nunit, sizeof *s->u);
	s->ch = zalloc(s, (size_t)d->nlink, sizeof *s->ch);
	nin = zalloc(s, (size_t)d->nunit, sizeof *nin);
	nout = zalloc(s, (size_t)d->nunit, sizeof *nout);
	nside = zalloc(s, (size_t)d->nunit, sizeof *nside);
	s->auxs = zalloc(s, (size_t)d->nlink, sizeof *s->auxs);
	if (s->oom)
		goto done;
	for (i = 0; i < d->nlink; i++) {
		const SimLinkDesc *l = &d->link[i];

		if (l->kind == SIM_LINK_SIDE) {
			nside[d->unit[l->src].pcu ? l->src : l->dst]++;
		} else {
			nout[l->src]++;
			nin[l->dst] += l->kind != SIM_LINK_CHAIN;
			nptr += 2;
		}
	}
	s->ptrs = zalloc(s, (size_t)nptr, sizeof *s->ptrs);
	if (s->oom)
		goto done;
	for (i = 0, nptr = 0, k = 0; i < d->nunit; i++) {
		SUnit *u = &s->u[i];

		u->du = &d->unit[i];
		u->last_act = -1;
		u->xaux = -1;
		u->in = s->ptrs + nptr;
		nptr += nin[i];
		u->out = s->ptrs + nptr;
		nptr += nout[i];
		u->aux = s->auxs + k;
		k += nside[i];
		if (u->du->pcu) {
			u->depth = u->du->depth > 0 ? u->du->depth : 1;
			u->pipe = zalloc(s, (size_t)u->depth, sizeof *u->pipe);
			u->full = zalloc(s, (size_t)u->depth, 1);
		}
	}
	for (i = 0; i < d->nlink && !s->oom; i++) {
		const SimLinkDesc *l = &d->link[i];
		SUnit *src = &s->u[l->src], *dst = &s->u[l->dst];
		Chan *c;

		if (l->kind == SIM_LINK_SIDE) {
			/* a read of an epilogue's PMU (and the write back of state): per row */
			SUnit *pcu = d->unit[l->src].pcu ? src : dst;
			int pmu = d->unit[l->src].pcu ? l->dst : l->src;

			if (d->unit[pmu].xsum && pcu == src) {
				/* the write of a row's x sums: with the x phase's take, not the row's */
				pcu->xaux = pmu;
				pcu->xside += l->hops * (l->flits > 1 ? l->flits : 1);
				pcu->xside_vec += l->vector ? l->hops * (l->flits > 1 ? l->flits : 1) : 0;
				continue;
			}
			pcu->side += l->hops * (l->flits > 1 ? l->flits : 1);
			pcu->side_vec += l->vector ? l->hops * (l->flits > 1 ? l->flits : 1) : 0;
			for (k = 0; k < pcu->naux && pcu->aux[k] != pmu; k++)
				;
			if (k == pcu->naux)
				pcu->aux[pcu->naux++] = pmu;
			continue;
		}
		c = &s->ch[s->nch++];
		c->l = l;
		c->lat = l->hops * d->hop_cycles;
		if (c->lat < 1)
			c->lat = 1;
		c->cap = fifo_depth + c->lat;
		c->flits = l->flits > 1 ? l->flits : 1;
		c->q = zalloc(s, (size_t)c->cap, sizeof *c->q);
		c->at = zalloc(s, (size_t)c->cap, sizeof *c->at);
		c->pop_cycle = -1;
		src->out[src->nout++] = c;
		s->nvfree += c->cap;
		if (l->kind == SIM_LINK_CHAIN) {
			dst->chain = c;
		} else if (l->kind == SIM_LINK_XH && dst->nin) {
			memmove(&dst->in[1], &dst->in[0], (size_t)dst->nin * sizeof dst->in[0]);
			dst->in[0] = c;
			dst->nin++;
		} else {
			dst->in[dst->nin++] = c;
		}
	}
	for (i = 0; s->h && d->sx && i < d->nunit && !s->oom; i++) {
		SUnit *u = &s->u[i];

		if (u->xaux >= 0)
			u->xs = zalloc(s, (size_t)u->nin * (size_t)d->B * (size_t)(u->du->hi - u->du->lo) * 2,
			               sizeof *u->xs);
	}
	for (i = 0; i < d->nunit && !s->oom; i++) {
		SUnit *u = &s->u[i];

		if (u->du->role != SIM_HBUF)
			continue;
		/* at most every vector of the step waits at once */
		u->hq_cap = d->B * d->hu * ((d->maxrows + d->hvec - 1) / (d->hvec > 0 ? d->hvec : 1)) + 1;
		u->run = zalloc(s, (size_t)u->nin, sizeof *u->run);
		u->hq = zalloc(s, (size_t)u->hq_cap, sizeof *u->hq);
	}
	if (s->h && hv_of(d) > 1 && !s->oom) {
		/* the vectors: one per link entry (counted above) and pipeline slot */
		int32_t n;

		for (i = 0; i < d->nunit; i++)
			s->nvfree += s->u[i].depth;
		s->vpool = zalloc(s, (size_t)s->nvfree, (size_t)hv_of(d) * sizeof *s->vpool);
		s->vfree = zalloc(s, (size_t)s->nvfree, sizeof *s->vfree);
		s->accs = zalloc(s, (size_t)d->nunit, (size_t)hv_of(d) * sizeof *s->accs);
		for (n = 0; !s->oom && n < s->nvfree; n++)
			s->vfree[n] = n;
		for (i = 0; !s->oom && i < d->nunit; i++)
			s->u[i].accv = &s->accs[(int64_t)i * hv_of(d)];
	} else {
		s->nvfree = 0;  /* no vectors: one row a token, or timing only */
	}
done:
	free(nin);
	free(nout);
	free(nside);
	return s->oom ? -1 : 0;
}

static void
free_sim(Sim *s)
{
	int i;

	for (i = 0; s->u && i < s->d->nunit; i++) {
		free(s->u[i].pipe);
		free(s->u[i].full);
		free(s->u[i].run);
		free(s->u[i].hq);
		free(s->u[i].xs);
	}
	for (i = 0; s->ch && i < s->nch; i++) {
		free(s->ch[i].q);
		free(s->ch[i].at);
	}
	free(s->u);
	free(s->ch);
	free(s->ptrs);
	free(s->auxs);
	free(s->vpool);
	free(s->vfree);
	free(s->accs);
}

int64_t
sim_dram_transfer(double gbs, double mhz, int latency, int64_t bytes)
{
	double per_cycle = gbs * 1e3 / mhz;  /* GB/s / (cycles/ns) */

	if (per_cycle <= 0)
		per_cycle = 1;
	return latency + (int64_t)((double)bytes / per_cycle + 0.999999);
}

int64_t
sim_dram_millibytes(double gbs, double mhz)
{
	double rate = gbs * 1e6 / mhz;

	return rate >= 1 ? (int64_t)(rate + 0.5) : 1;
}

int64_t
sim_dram_cycles(const SimDesign *d, int64_t bytes)
{
	return sim_dram_transfer(d->dram_gbs, d->clock_mhz, d->dram_latency, bytes);
}

static void
begin_step(Sim *s)
{
	const SimDesign *d = s->d;
	int i;

	s->started = 1;
	/* streamed weights arrive from the latency on, into empty row buffers */
	s->credit = 0;
	s->credit_at = s->now + d->dram_latency;
	if (s->h && s->step >= s->inputs) {
		s->h->input(s->h->ctx, s->step);
		s->inputs = s->step + 1;
	}
	for (i = 0; i < d->nunit; i++) {
		SUnit *u = &s->u[i];

		u->recv = 0;
		if (d->sx)
			continue;  /* the walks go on through the barrier (walk_tok) */
		u->pos = 0;
		u->fetched = -1;
		u->next_issue = s->now;
		if (u->du->role == SIM_XH)
			u->len = (int64_t)d->B * groups(d, d->maxrows) * d->nt;
		else if (u->du->role == SIM_WEIGHT)
			u->len = (int64_t)d->B * groups(d, u->du->hi - u->du->lo) * d->nt;
	}
}

/* The cycle class (docs/sim.md), from what happened in it. */
static SimCause
classify(const Sim *s)
{
	if (s->issued_xh)
		return SIM_COMPUTE;
	if (!s->started)
		return s->now < s->dram_at ? SIM_DRAM : SIM_BARRIER;
	if (s->stall_dram)
		return SIM_DRAM;
	if (s->stall_bank)
		return SIM_BANK;
	if (s->stall_bp)
		return SIM_BACKPRESSURE;
	if (s->pipe_tokens)
		return SIM_FILL;
	if (s->chan_tokens || s->held)
		return SIM_NETWORK;
	return SIM_BARRIER;
}

/* The next cycle at which something can happen while nothing but wires and timers are busy. */
static int64_t
next_event(const Sim *s)
{
	int64_t best = INT64_MAX;
	int i;

	if (!s->started && !s->d->sx)
		return s->dram_at > s->now + 1 ? s->dram_at : s->now + 1;
	if (!s->started)
		best = s->dram_at;  /* hoisted: the x phase may be under way */
	for (i = 0; i < s->nch; i++) {
		const Chan *c = &s->ch[i];

		if (c->n && c->at[c->head] < best)
			best = c->at[c->head];
	}
	if (s->wake < best)
		best = s->wake;
	return best == INT64_MAX || best <= s->now ? s->now + 1 : best;
}

/* The counts a step adds, to extrapolate from. */
typedef struct Snap {
	SimUnitStat *unit;
	int64_t flits_v, flits_s;
} Snap;

static void
snapshot(const Sim *s, Snap *sn)
{
	memcpy(sn->unit, s->r->unit, (size_t)s->d->nunit * sizeof *sn->unit);
	sn->flits_v = s->flits_v;
	sn->flits_s = s->flits_s;
}

/* Step k repeats step k - 1 exactly: the same cycles, causes and per-unit counts. (Checked
 * beside the state argument of the file comment, which is what makes it exact.) */
static int
same_step(const Sim *s, const Snap *a, const Snap *b, int k)
{
	const Report *r = s->r;
	int i;

	if (r->step[k].cycles != r->step[k - 1].cycles ||
	    memcmp(r->step[k].cause, r->step[k - 1].cause, sizeof r->step[k].cause) ||
	    s->flits_v - b->flits_v != b->flits_v - a->flits_v ||
	    s->flits_s - b->flits_s != b->flits_s - a->flits_s)
		return 0;
	for (i = 0; i < s->d->nunit; i++) {
		const SimUnitStat *x = &r->unit[i], *y = &b->unit[i], *z = &a->unit[i];

		if (x->active - y->active != y->active - z->active ||
		    x->issue - y->issue != y->issue - z->issue ||
		    x->stall - y->stall != y->stall - z->stall || x->bank - y->bank != y->bank - z->bank ||
		    x->dram - y->dram != y->dram - z->dram)
			return 0;
	}
	return 1;
}

/* ---- exact repeats of hoisted steps ----------------------------------------------------- */

static void
sig_put(Sim *s, int64_t v)
{
	if (s->nsig[2] == s->capsig[2]) {
		size_t n = s->capsig[2] ? 2 * s->capsig[2] : 1024;
		int64_t *p = realloc(s->sig[2], n * sizeof *p);

		if (!p) {
			s->oom = 1;
			return;
		}
		s->sig[2] = p;
		s->capsig[2] = n;
	}
	s->sig[2][s->nsig[2]++] = v;
}

static int64_t
rel_time(const Sim *s, int64_t t)
{
	return t > s->now ? t - s->now : 0;  /* a time past is as good as now */
}

static void
sig_tok(Sim *s, const Tok *t)
{
	sig_put(s, t->b);
	sig_put(s, t->j);
	sig_put(s, t->s);
	sig_put(s, t->last);
	sig_put(s, t->xp);
	sig_put(s, t->t - s->step);
}

/* The state of the fabric at the start of a step, relative to the step and the cycle: the
 * streams' walks, every pipeline slot and link entry, the timers, the DRAM. Timing only: the
 * values are not in it. */
static void
state_sig(Sim *s)
{
	int i, k;

	s->nsig[2] = 0;
	sig_put(s, rel_time(s, s->dram_at));
	sig_put(s, rel_time(s, s->x_at));
	sig_put(s, s->xidx - s->step);
	sig_put(s, s->held);
	for (i = 0; i < s->d->nunit; i++) {
		const SUnit *u = &s->u[i];

		sig_put(s, u->pos);
		sig_put(s, u->len);
		sig_put(s, u->du->role == SIM_XH || u->du->role == SIM_WEIGHT ? u->wstep - s->step : 0);
		sig_put(s, rel_time(s, u->next_issue));
		sig_put(s, u->last_act == s->now ? 1 : 0);
		sig_put(s, u->recv);
		sig_put(s, u->hq_n);
		for (k = 0; k < u->hq_n; k++)
			sig_put(s, u->hq[(u->hq_head + k) % u->hq_cap]);
		for (k = 0; u->run && k < u->nin; k++)
			sig_put(s, u->run[k]);
		for (k = 0; k < u->depth; k++) {
			const Tok *t = &u->pipe[(u->head + k) % u->depth];

			sig_put(s, u->full[(u->head + k) % u->depth]);
			if (u->full[(u->head + k) % u->depth])
				sig_tok(s, t);
		}
	}
	for (i = 0; i < s->nch; i++) {
		const Chan *c = &s->ch[i];

		sig_put(s, c->n);
		sig_put(s, c->pop_cycle == s->now ? c->pop_n : 0);
		for (k = 0; k < c->n; k++) {
			sig_tok(s, &c->q[(c->head + k) % c->cap]);
			sig_put(s, rel_time(s, c->at[(c->head + k) % c->cap]));
		}
	}
}

/* Hoisted designs: at the start of step k, when the state equals that at the start of step
 * k - 1 (or k - 2: the x phase can make steps alternate), every later step but the last
 * repeats those exactly (the engine is deterministic and reads times only relative to now).
 * As many whole periods as fit before the last step are then counted, not simulated (their
 * units' and links' counts now, their cycles at the end), and the steps simulated next are
 * the rest, the last one's walks without an x phase after them. -1: out of memory. */
static int
skip_repeats(Sim *s, const Snap *sn)
{
	int64_t *p;
	size_t n;
	int i, per = 0;

	state_sig(s);
	if (s->oom)
		return -1;
	for (i = 1; i >= 0 && !per; i--) {
		if (s->nsig[i] == s->nsig[2] && !memcmp(s->sig[i], s->sig[2], s->nsig[2] * sizeof *p))
			per = 2 - i;
	}
	if (per && (s->T - 1 - s->step) / per > 0 &&
	    s->T - (s->T - 1 - s->step) / per * per <= s->steps) {
		const Snap *b = &sn[2 - per];  /* the start of step k - per */
		int64_t times = (s->T - 1 - s->step) / per;

		for (i = 0; i < s->d->nunit; i++) {
			SimUnitStat *x = &s->r->unit[i];
			const SimUnitStat *y = &b->unit[i];

			x->active += times * (x->active - y->active);
			x->issue += times * (x->issue - y->issue);
			x->stall += times * (x->stall - y->stall);
			x->bank += times * (x->bank - y->bank);
			x->dram += times * (x->dram - y->dram);
		}
		s->flits_v += times * (s->flits_v - b->flits_v);
		s->flits_s += times * (s->flits_s - b->flits_s);
		s->skip = (int)(times * per);
		s->per = per;
		s->per0 = s->step - per;
		s->steps = s->T - s->skip;
		s->r->rest = SIM_REPEAT;
		for (i = 0; i < s->d->nunit; i++) {
			SUnit *u = &s->u[i];

			/* a stream at the start of this step's walk: it may be the last walk now */
			if ((u->du->role == SIM_XH || u->du->role == SIM_WEIGHT) && u->wstep == s->step)
				u->len = walk_len(s, u, u->wstep);
		}
		return 0;
	}
	/* keep the last two to compare the next with */
	p = s->sig[0];
	n = s->capsig[0];
	for (i = 0; i < 2; i++) {
		s->sig[i] = s->sig[i + 1];
		s->nsig[i] = s->nsig[i + 1];
		s->capsig[i] = s->capsig[i + 1];
	}
	s->sig[2] = p;
	s->capsig[2] = n;
	s->nsig[2] = 0;
	return 0;
}

int
sim_core_run(const SimDesign *d, int T, const SimOptions *o, const SimHooks *hooks, Report *r)
{
	SimOptions opt = o ? *o : (SimOptions){0};
	Sim s;
	int64_t per_step, budget, prev_end = -1, dram_bytes_step, h_bytes;
	int64_t wait_prev = -1;   /* the last step's end to the arrival of the next x */
	int i, k;
	Snap sn[2];               /* the counts at the start of the last two steps */

	if (T < 1)
		T = 1;
	if (opt.fifo_depth <= 0)
		opt.fifo_depth = 4;
	budget = opt.budget > 0 ? opt.budget : 200 * 1000 * 1000;
	memset(&s, 0, sizeof s);
	memset(r, 0, sizeof *r);
	memset(sn, 0, sizeof sn);
	s.d = d;
	s.h = hooks;
	s.r = r;
	r->d = d;
	r->T = T;
	r->fifo_depth = opt.fifo_depth;
	r->unit = zalloc(&s, (size_t)d->nunit, sizeof *r->unit);
	for (k = 0; k < 2; k++)
		sn[k].unit = zalloc(&s, (size_t)d->nunit, sizeof *sn[k].unit);
	if (s.oom || build(&s, opt.fifo_depth) < 0)
		goto fail;
	/* the steps to simulate: all, or as many as the budget of unit-cycles allows */
	per_step = ((int64_t)d->B * groups(d, d->maxrows) * d->nt + 64) * d->nunit;
	s.steps = opt.max_steps > 0 ? opt.max_steps : (int)(budget / per_step < T ? budget / per_step : T);
	if (s.steps > T)
		s.steps = T;
	if (s.steps < 1)
		s.steps = 1;
	r->step = zalloc(&s, (size_t)s.steps, sizeof *r->step);
	if (s.oom)
		goto fail;
	r->values = hooks != NULL;
	if (d->stream) {
		s.rate = sim_dram_millibytes(d->dram_gbs, d->clock_mhz);
		s.cap = d->wbuf_bytes * 1000;
	}
	h_bytes = (int64_t)d->B * d->H * d->abytes;
	dram_bytes_step = (int64_t)d->B * d->D * d->abytes;
	s.dram_at = sim_dram_cycles(d, dram_bytes_step + h_bytes);
	s.T = T;
	s.x_at = s.dram_at;
	for (i = 0; d->sx && i < d->nunit; i++) {
		SUnit *u = &s.u[i];

		if (u->du->role == SIM_XH || u->du->role == SIM_WEIGHT)
			u->len = walk_len(&s, u, 0);
	}
	for (s.now = 0; s.step < s.steps;) {
		int done = 1;
		SimCause cause;
		int64_t next;

		if (!s.started && s.now >= s.dram_at) {
			begin_step(&s);
			if (d->sx && !hooks && opt.max_steps <= 0 && !s.skip && s.step >= 2 &&
			    s.step + 1 < T && skip_repeats(&s, sn) < 0)
				goto fail;
			if (s.step + s.skip + 1 < T)
				s.dram_at = s.now + sim_dram_cycles(d, dram_bytes_step);
			s.xidx = s.step + 1;  /* x_{t+1} comes while step t runs */
			s.x_at = s.dram_at;
			/* sn[1]: the start of this step; sn[0]: of the one before */
			{
				Snap t = sn[0];

				sn[0] = sn[1];
				sn[1] = t;
			}
			snapshot(&s, &sn[1]);
		}
		s.issued_xh = s.stall_bank = s.stall_bp = s.busy = s.stall_dram = 0;
		s.wake = INT64_MAX;
		for (i = 0; i < d->nunit; i++) {
			SUnit *u = &s.u[i];

			if (u->du->pcu)
				pcu_cycle(&s, u);
			else if (u->du->role == SIM_XH || u->du->role == SIM_WEIGHT)
				stream_cycle(&s, u);
			else if (u->du->role == SIM_HBUF)
				hbuf_cycle(&s, u);
			if (u->du->role == SIM_XH)
				xh_recv(&s, u);
		}
		r->sim_cycles++;
		cause = classify(&s);
		/* skip, exactly, cycles where only wires and timers run */
		next = s.now + 1;
		if (!s.busy && !s.pipe_tokens && !s.issued_xh && !s.stall_bank && !s.stall_bp)
			next = next_event(&s);
		if (s.started) {
			for (i = 0; i < d->nunit; i++) {
				if (s.u[i].du->role == SIM_XH && s.u[i].recv < (int64_t)d->B * d->H)
					done = 0;
			}
		} else {
			done = 0;
		}
		r->step[s.step].cause[cause] += next - s.now;
		if (done) {
			SimStep *st = &r->step[s.step];
			int64_t wait;

			st->cycles = s.now - prev_end;
			st->start = prev_end + 1;
			prev_end = s.now;
			s.step++;
			s.started = 0;
			/* the barrier: the next step starts the cycle after the last h arrived */
			if (s.dram_at < s.now + 1)
				s.dram_at = s.now + 1;
			/* the fabric is empty; the next step depends only on the wait for x */
			wait = s.dram_at - s.now;
			if (!hooks && !d->sx && opt.max_steps <= 0 && s.step >= 2 && s.step < T &&
			    !s.pipe_tokens && !s.chan_tokens && wait == wait_prev &&
			    same_step(&s, &sn[0], &sn[1], s.step - 1)) {
				r->rest = SIM_REPEAT;
				break;
			}
			wait_prev = s.pipe_tokens || s.chan_tokens ? -1 : wait;
		}
		s.now = next;
	}
	r->simulated = s.step;
	if (r->rest != SIM_REPEAT && s.steps + s.skip < T)
		r->rest = SIM_EXTRAPOLATED;
	/* totals, with the steps not simulated repeating the last simulated one */
	r->cycles = prev_end + 1;
	for (i = 0; i < r->simulated; i++) {
		for (k = 0; k < NSIMCAUSE; k++)
			r->cause[k] += r->step[i].cause[k];
	}
	r->flits_vector = s.flits_v;
	r->flits_scalar = s.flits_s;
	if (s.skip) {
		/* the steps skip_repeats left out, each the one before the repeat (its units' and
		 * links' counts are in already) */
		for (i = s.per0; i < s.per0 + s.per; i++) {
			r->cycles += s.skip / s.per * r->step[i].cycles;
			for (k = 0; k < NSIMCAUSE; k++)
				r->cause[k] += s.skip / s.per * r->step[i].cause[k];
		}
	} else if (r->simulated < T) {
		int64_t more = T - r->simulated;
		const SimStep *last = &r->step[r->simulated - 1];
		const Snap *b = &sn[1];

		r->cycles += more * last->cycles;
		for (k = 0; k < NSIMCAUSE; k++)
			r->cause[k] += more * last->cause[k];
		for (i = 0; i < d->nunit; i++) {
			r->unit[i].active += more * (r->unit[i].active - b->unit[i].active);
			r->unit[i].issue += more * (r->unit[i].issue - b->unit[i].issue);
			r->unit[i].stall += more * (r->unit[i].stall - b->unit[i].stall);
			r->unit[i].bank += more * (r->unit[i].bank - b->unit[i].bank);
			r->unit[i].dram += more * (r->unit[i].dram - b->unit[i].dram);
		}
		r->flits_vector += more * (s.flits_v - b->flits_v);
		r->flits_scalar += more * (s.flits_s - b->flits_s);
	}
	/* x_0 and h_0, then per step h_t out and x_{t+1} in, and streamed weights */
	r->dram_bytes = dram_bytes_step + h_bytes + T * h_bytes + (T - 1) * dram_bytes_step;
	for (i = 0; d->stream && i < d->nunit; i++) {
		if (d->unit[i].role == SIM_WEIGHT)
			r->dram_bytes += (int64_t)T * d->unit[i].row_bytes * (d->unit[i].hi - d->unit[i].lo);
	}
	free_sim(&s);
	for (k = 0; k < 2; k++)
		free(sn[k].unit);
	for (k = 0; k < 3; k++)
		free(s.sig[k]);
	sim_report_figures(r);
	return 0;
fail:
	free_sim(&s);
	for (k = 0; k < 3; k++)
		free(s.sig[k]);
	for (k = 0; k < 2; k++)
		free(sn[k].unit);
	sim_report_release(r);
	return -1;
}

void
sim_report_release(Report *r)
{
	free(r->unit);
	free(r->step);
	r->unit = NULL;
	r->step = NULL;
}
