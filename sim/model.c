/* The analytic model (docs/model.md): a mapped design's cycles, power and energy from the
 * simulator's timing rules (docs/sim.md), without simulating cycles.
 *
 * One pass over the units in creation order, which is a topological order of the PCUs (dot
 * segments, then combine levels, then epilogue segments, copy by copy), gives for every PCU the
 * cycle, counted from the step's start, at which it takes the first and the last token of the
 * step and at which they leave: a token leaves `depth` cycles (the sum of its stages'
 * latencies) after it enters, a link adds max(1, hops x hop_cycles), a unit with several inputs
 * takes a token when the last of them has arrived, and a unit that issues once every `ii`
 * cycles delays the rows that arrive faster than that; a dot segment fed a chained sum
 * (combine: chain) lets a row leave no earlier than that sum arrives. The step ends when the
 * last h reaches the last xh copy; the next one starts the cycle after, or when its x_t has
 * arrived from DRAM.
 *
 * Activity follows from the same token pattern: a pipeline is active from the cycle after a
 * token enters until it leaves, so n tokens entering g cycles apart keep it active
 * depth + (n - 1) x min(g, depth) cycles; a stream PMU is active in the cycles it issues, a table
 * or state PMU once per row for each epilogue segment that reads or writes it, and an xh copy
 * also in the cycles after its stream in which h arrives. Flit-hops are the tokens each link
 * carries times its hops. Area, lower bound and power use the report's functions (report.c).
 *
 * Backpressure: where paths of different latency from the xh streams join, the early tokens
 * wait in the FIFO of the join, which holds fifo_depth + latency tokens; a longer wait holds the
 * producer back, its pipeline and in turn the stream. In the steady state of a step these are
 * difference constraints between the units' times (a producer pushes token n no earlier than
 * the cycle after its consumer took token n - cap), solved by alternating a backward pass over
 * the links with the forward pass until nothing moves. When they do not settle (the joined
 * paths differ by more than the shorter one buffers, so the stream cannot keep its rate), the
 * step is replayed token by token: a recurrence on the cycles each token is pushed into and
 * popped from each link, by the simulator's rules, O(vector steps x units); so too, when the
 * step is short, where the constraints settled after moving or a PCU issues slower than its
 * tokens come. docs/model.md gives the measured error. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sim_int.h"

/* The FIFO depth of SimOptions' default: the tokens a link buffers at its consumer. */
enum { MODEL_FIFO_DEPTH = 4 };
/* Rounds of the backpressure constraints before the model gives them up. */
enum { MODEL_ROUNDS = 16 };
/* The replay of a step whose constraints settled after moving: at most this many vector
 * steps x units (a few milliseconds); beyond it the steady state is the estimate. */
enum { MODEL_REPLAY_WORK = 1 << 16 };

typedef struct MUnit {
	int depth;             /* PCU: pipeline slots */
	int ii;                /* cycles per issue: PMU banks, an epilogue's table reads */
	int naux, aux[4];      /* epilogue segment: the PMUs it reads or writes per row */
	int64_t side, side_vec;  /* epilogue segment: flit-hops of that traffic per row */
	int64_t take0, take1;  /* cycle it takes the step's first, last token (from the start) */
	int64_t out0, out1;    /* ... and when they leave */
	int64_t free1;         /* take1 without backpressure */
	int64_t floor1;        /* the earliest take1 that backpressure allows */
	int64_t shift;         /* stream: cycles it is held back by backpressure */
	int pred;              /* the input link whose arrival set take1 (or, for a chained
	                        * dot segment, out1); -1: a stream */
	int chain;             /* combine: chain: the link bringing the previous tile's sums */
	int64_t chain_wait;    /* ... the cycles the last row waited for it (first pass) */
	int64_t ntok;          /* tokens taken per step */
	int nin;               /* token links into it */
	int64_t active;        /* active cycles per step */
	int64_t *hout;         /* hbuf: the cycle each of its ntok vectors leaves, in order */
} MUnit;

typedef struct Model {
	const Mapping *m;
	const Target *t;
	MUnit *u;
	int *lat;              /* per link: max(1, hops x hop_cycles) */
	int *in0, *in;         /* the token links into unit i: in[in0[i] .. in0[i + 1]) */
	int maxrows, iix;
	int rounds;            /* rounds of backpressure until the times settled */
	int replayed;          /* the step was replayed token by token (below) */
	int64_t **harr;        /* replayed: per h link, the cycle each h arrives; per xh copy,
	                        * the cycle it issues each vector */
	int64_t period;        /* streamed weights, DRAM-bound: cycles between rows; else 0 */
	int xph;               /* hoist_input, for the activity only: the x phase's vector steps
	                        * a row, whose row sums are tokens of their own (0: none) */
} Model;

static void *
zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		IR_BUG("out of memory");
	return p;
}

static int64_t
ceil_div64(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Tokens of `rows` rows: the rows, or with hv > 1 the row groups (a token each). */
static int64_t
groups_of(const Mapping *m, int64_t rows)
{
	return (rows + m->hv - 1) / (m->hv > 1 ? m->hv : 1);
}

/* The tokens of a copy in a step and batch row: its rows, or its row groups. */
static int
rows_of(const Mapping *m, int copy)
{
	return copy >= 0 ? (int)groups_of(m, m->copy[copy].hi - m->copy[copy].lo) : 0;
}

/* The tokens of a weight PMU (of a part of its copy's rows). */
static int64_t
slice_rows(const Mapping *m, const MapUnit *w)
{
	return groups_of(m, w->slice[0].hi[1] - w->slice[0].lo[1]);
}

/* DRAM: cycles to bring `bytes` in, by the simulator's rule. */
static int64_t
dram_cycles(const Target *t, int64_t bytes)
{
	return sim_dram_transfer(t->dram.bandwidth_gbs, t->clock_mhz, t->dram.latency_cycles, bytes);
}

/* Cycles a pipeline of `depth` slots is active for B blocks of n tokens, g cycles apart within
 * a block and bg between the last of a block and the first of the next. */
static int64_t
busy(int64_t depth, int64_t B, int64_t n, int64_t g, int64_t bg)
{
	if (n < 1 || B < 1)
		return 0;
	return depth + B * (n - 1) * min64(g, depth) + (B - 1) * min64(bg, depth);
}

static void
setup(Model *s)
{
	const Mapping *m = s->m;
	const Target *t = s->t;
	int banks = t->pmu.banks > 0 ? t->pmu.banks : 1;
	int i, k;

	s->u = zalloc((size_t)m->nunit, sizeof *s->u);
	s->lat = zalloc((size_t)m->nlink, sizeof *s->lat);
	for (i = 0; i < m->hu; i++) {
		if (rows_of(m, i) > s->maxrows)
			s->maxrows = rows_of(m, i);
	}
	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];

		u->ii = 1;
		u->pred = -1;
		u->chain = -1;
		for (k = 0; mu->kind == MAP_PCU && k < mu->nstage; k++)
			u->depth += mu->stage[k].cycles > 0 ? mu->stage[k].cycles : 1;
		if (mu->kind == MAP_PCU && u->depth < 1)
			u->depth = 1;
		if (mu->kind == MAP_PMU && mu->reads > 0)
			u->ii = (int)ceil_div64(mu->banks, banks);
	}
	s->iix = 1;
	for (i = 0; i < m->nlink; i++) {
		const MapLink *l = &m->link[i];
		int pcu, pmu;
		MUnit *p;

		s->lat[i] = l->hops * t->net.hop_cycles > 1 ? l->hops * t->net.hop_cycles : 1;
		if (map_link_flits(m, l) > 1) {
			/* hv > 1: a token of several flits, one a cycle, as the simulator sends it:
			 * the last flit arrives flits - 1 cycles later, and the link takes a token
			 * at most every flits cycles, which its PCU end (the consumer, or the
			 * epilogue segment of a side link) then cannot beat */
			MUnit *e = &s->u[m->unit[l->dst].kind == MAP_PCU ? l->dst : l->src];

			s->lat[i] += map_link_flits(m, l) - 1;
			/* (a chained sum meets a dot segment's vector steps, one per nt of them) */
			if (l->what != MAP_L_CHAIN)
				e->ii = e->ii > map_link_flits(m, l) ? e->ii : map_link_flits(m, l);
		}
		if (!map_link_side(l->what))
			continue;
		pcu = m->unit[l->src].kind == MAP_PCU ? l->src : l->dst;
		pmu = pcu == l->src ? l->dst : l->src;
		p = &s->u[pcu];
		p->side += l->hops * map_link_flits(m, l);
		p->side_vec += l->vector ? l->hops * map_link_flits(m, l) : 0;
		for (k = 0; k < p->naux && p->aux[k] != pmu; k++)
			;
		if (k == p->naux && k < 4)
			p->aux[p->naux++] = pmu;
	}
	/* the token links into each unit, in link order */
	s->in0 = zalloc((size_t)m->nunit + 1, sizeof *s->in0);
	s->in = zalloc((size_t)m->nlink, sizeof *s->in);
	for (i = 0; i < m->nlink; i++) {
		if (!map_link_side(m->link[i].what))
			s->in0[m->link[i].dst + 1]++;
	}
	for (i = 0; i < m->nunit; i++)
		s->in0[i + 1] += s->in0[i];
	for (i = 0; i < m->nlink; i++) {
		if (!map_link_side(m->link[i].what))
			s->in[s->in0[m->link[i].dst] + s->u[m->link[i].dst].nin++] = i;
		if (m->link[i].what == MAP_L_CHAIN)
			s->u[m->link[i].dst].chain = i;
	}
	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];

		if (mu->kind == MAP_PCU)
			u->ntok = (int64_t)m->B * rows_of(m, mu->copy) * (mu->role == MAP_DOT ? m->nt : 1);
		for (k = 0; k < u->naux; k++) {
			int ii = (int)ceil_div64(m->unit[u->aux[k]].banks, banks);

			if (ii > u->ii)
				u->ii = ii;
		}
		if (m->unit[i].role == MAP_XH && u->ii > s->iix)
			s->iix = u->ii;
	}
}

/* The xh position of the last vector step of row j of batch b (every copy's rows share it). */
static int64_t
xh_pos(const Model *s, int64_t b, int64_t j)
{
	return (b * s->maxrows + j + 1) * s->m->nt - 1;
}

/* Designs whose consumers may be slower than the rows because a row's token takes several
 * flits: the hv form's row groups, and the merged candidate gate's two sums a row
 * (schedule.candidate: merged), whose consumers issue at most once per 2 cycles, slower than
 * the rows when a row is one vector step (nt = 1). */
static int
flit_rows(const Mapping *m)
{
	return m->hv > 1 || (m->candidate == MAP_CANDIDATE_MERGED && m->nt < 2);
}

/* When stream link k (xh or weights) issues the first and the last token its consumer (a dot
 * product) takes in a step; -1 for one it does not carry (a weight part of other rows). */
static void
stream_times(const Model *s, int k, int64_t *e0, int64_t *e1)
{
	const Mapping *m = s->m;
	const MapLink *l = &m->link[k];
	const MUnit *src = &s->u[l->src];
	const MapCopy *cp = &m->copy[m->unit[l->dst].copy];

	/* hv > 1: where backpressure comes from a consumer slower than the rows (a group's
	 * flits), the stream slows down rather than starts later: its first vector still leaves
	 * at once (with hv = 1 a held-back stream waits from the start, for a join's FIFO) */
	if (l->what == MAP_L_XH) {
		int64_t last = xh_pos(s, m->B - 1, rows_of(m, m->unit[l->dst].copy) - 1);

		*e0 = flit_rows(m) ? 0 : src->shift;
		*e1 = last * src->ii + src->shift;
		/* a replayed stream: the cycles it issued them */
		if (s->harr && s->harr[m->nlink + l->src]) {
			*e0 = s->harr[m->nlink + l->src][0];
			*e1 = s->harr[m->nlink + l->src][last];
		}
	} else {
		/* a part streams its own rows: the first part the first row, the last the last */
		const MapSlice *sl = &m->unit[l->src].slice[0];
		int64_t lo = sl->lo[1], hi = sl->hi[1];

		*e0 = lo == cp->lo ? (flit_rows(m) ? 0 : src->shift) : -1;
		*e1 = hi == cp->hi ? (m->B * groups_of(m, hi - lo) * m->nt - 1) * src->ii + src->shift
		                   : -1;
	}
}

/* The tokens link k carries in a step. */
static int64_t
tokens(const Model *s, int k)
{
	const Mapping *m = s->m;
	const MapLink *l = &m->link[k];
	const MapUnit *src = &m->unit[l->src];
	int64_t B = m->B, nt = m->nt;

	if (l->what == MAP_L_XH)
		return B * s->maxrows * nt;
	if (l->what == MAP_L_WEIGHTS)
		return B * slice_rows(m, src) * nt;
	if (l->what == MAP_L_LANES)
		return B * rows_of(m, src->copy) * nt;
	if (l->what == MAP_L_HVEC)
		return src->vsteps;
	return B * rows_of(m, src->copy);
}

/* Take and leave times of every PCU for the step's first and last tokens, in creation order
 * (producers first), from the streams' shifts and the floors backpressure set. */
static void
forward(Model *s)
{
	const Mapping *m = s->m;
	int64_t nt = m->nt;
	int i, j;

	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];
		int64_t a0 = 0, a1 = 0;

		if (mu->kind != MAP_PCU)
			continue;
		u->pred = -1;
		for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
			int k = s->in[j];
			const MUnit *src = &s->u[m->link[k].src];
			int64_t e0, e1;

			if (k == u->chain)
				continue;  /* read as the row leaves, below */
			if (m->unit[m->link[k].src].kind == MAP_PMU) {
				stream_times(s, k, &e0, &e1);
			} else {
				e0 = src->out0;
				e1 = src->out1;
			}
			if (e0 >= 0 && e0 + s->lat[k] > a0)
				a0 = e0 + s->lat[k];
			if (e1 >= 0 && (e1 + s->lat[k] > a1 || u->pred < 0)) {
				a1 = e1 + s->lat[k];
				u->pred = k;
			}
		}
		u->take0 = a0;
		/* a unit slower than its rows: they queue, one issue every ii cycles */
		u->take1 = max64(max64(a1, a0 + (u->ntok - 1) * u->ii), u->floor1);
		u->out0 = u->take0 + u->depth;
		u->out1 = u->take1 + u->depth;
		/* the last dot segment (it ends in the accumulate) sends a row's sum with the row's
		 * last vector step */
		if (mu->role == MAP_DOT && (mu->stage[mu->nstage - 1].kind == MAP_ST_ACC ||
		                            mu->stage[mu->nstage - 1].kind == MAP_ST_FOLDED))
			u->out0 += (nt - 1) * s->iix;
		if (u->chain >= 0) {
			/* combine: chain: a row leaves when the previous tile's sum of it has arrived;
			 * the rows come at one rate in both tiles, so the wait of the first holds
			 * the pipeline back (it stalls as a whole) and every later row by as much */
			const MUnit *src = &s->u[m->link[u->chain].src];
			int64_t c0 = src->out0 + s->lat[u->chain], c1 = src->out1 + s->lat[u->chain];
			int64_t wait = max64(c0 - u->out0, c1 - u->out1);

			if (wait > 0) {
				u->take1 += wait;
				u->out0 += wait;
				u->out1 += wait;
				if (c1 >= u->out1)
					u->pred = u->chain;
			}
			u->chain_wait = max64(wait, 0);
		}
	}
}

/* Backpressure in the steady state of a step: a producer pushes token n only after its
 * consumer took token n - cap (cap = fifo depth + latency, the tokens a link holds), seen the
 * cycle after. Where a consumer takes later than that allows, the producer is held back; a
 * PCU then takes later too (its pipeline stalls as a whole) and a stream issues later. Returns
 * whether anything moved. */
static int
backward(Model *s)
{
	const Mapping *m = s->m;
	int k, moved = 0;

	for (k = m->nlink - 1; k >= 0; k--) {
		const MapLink *l = &m->link[k];
		MUnit *src = &s->u[l->src];
		int per_vstep = l->what == MAP_L_XH || l->what == MAP_L_WEIGHTS ||
		                l->what == MAP_L_LANES;
		int64_t g = per_vstep ? s->iix : (int64_t)m->nt * s->iix, need, e0, e1;

		if (map_link_side(l->what) || l->what == MAP_L_H || l->what == MAP_L_HVEC ||
		    tokens(s, k) <= MODEL_FIFO_DEPTH + s->lat[k])
			continue;
		/* a consumer slower than the rows (hv > 1: a group's flits) takes them ii apart */
		if (!per_vstep && l->what != MAP_L_CHAIN && s->u[l->dst].ii > g)
			g = s->u[l->dst].ii;
		/* a chain link's tokens are taken as the consumer's rows leave */
		need = (l->what == MAP_L_CHAIN ? s->u[l->dst].out1 : s->u[l->dst].take1) -
		       (MODEL_FIFO_DEPTH + s->lat[k]) * g + 1;
		/* a chained segment stalls first when its first row's last step reaches the exit,
		 * having taken depth + nt - 1 tokens; when token n - cap of the last is one of
		 * those, the wait does not hold the producer back */
		if (l->what != MAP_L_WEIGHTS && per_vstep && s->u[l->dst].chain_wait > 0 &&
		    tokens(s, k) - 1 - (MODEL_FIFO_DEPTH + s->lat[k]) <
		    s->u[l->dst].depth + (int64_t)m->nt - 1)
			need -= s->u[l->dst].chain_wait;
		if (m->unit[l->src].kind == MAP_PCU) {
			if (src->out1 < need) {
				src->out1 = need;
				src->take1 = need - src->depth;
				src->floor1 = src->take1;
				moved = 1;
			}
		} else {
			stream_times(s, k, &e0, &e1);
			if (e1 >= 0 && e1 < need) {
				src->shift += need - e1;
				moved = 1;
			}
		}
	}
	return moved;
}

/* ---- the replay: a step token by token, where the constraints do not settle ---------------
 *
 * When the joined paths differ by more than the shorter one buffers, no steady state at one
 * vector a cycle exists: the streams issue in bursts as the FIFOs fill and drain, and the
 * difference constraints above have no solution. The step is then replayed token by token
 * with the simulator's rules, as a recurrence on the cycles at which each token is pushed
 * and popped, no cycle loop: a stream issues token n no earlier than ii after token n - 1 and
 * than the cycle after every consumer popped token n - cap (cap = fifo_depth + latency); a PCU
 * takes a token when all its inputs are visible, ii after its last take and outside the
 * cycles its pipeline stalls; a pipeline is rigid, so a token reaches the exit `depth` cycles
 * after it entered plus every stall while it was inside; it leaves when every FIFO it goes to
 * has room (and, for a chained dot segment, when the previous tile's sum of the row is
 * there). The h links and the hbufs never hold anything back and keep the times above.
 * O(vector steps x units) for a step. */

/* A link's recent tokens in the replay: when each was pushed and popped. The replay walks the
 * step's positions in lockstep (every unit's token of a position before the next position),
 * so a producer reads no older pop than the token cap before its own, and a consumer reads
 * the push of the token just pushed: a ring of more than cap entries, each tagged with its
 * token, holds every time read, and keeps the replay's working set in the cache. */
typedef struct RTok {
	int64_t n;             /* the token in this entry; -1: none yet */
	int64_t push, pop;     /* -1: not yet */
} RTok;

typedef struct RLink {
	RTok *ring;
	int64_t mask;          /* ring entries - 1 (a power of two) */
	int64_t n;             /* tokens a step */
	int cap;               /* tokens it holds: fifo_depth + latency (without a token's flits) */
} RLink;

/* Token n's entry, made when it is pushed. */
static RTok *
rl_tok(const RLink *l, int64_t n)
{
	return &l->ring[n & l->mask];
}

/* When token n was pushed into l (-1: not yet). */
static int64_t
rl_push(const RLink *l, int64_t n)
{
	const RTok *e = rl_tok(l, n);

	return e->n == n ? e->push : -1;
}

/* When token n was popped from l (-1: not yet; token n - cap is never overwritten before the
 * token n is pushed, by the ring's size). */
static int64_t
rl_pop(const RLink *l, int64_t n)
{
	const RTok *e = rl_tok(l, n);

	IR_ASSERT(e->n <= n);
	return e->n == n ? e->pop : -1;
}

static void
rl_set_push(RLink *l, int64_t n, int64_t t)
{
	RTok *e = rl_tok(l, n);

	IR_ASSERT(e->n < n);
	e->n = n;
	e->push = t;
	e->pop = -1;
}

static void
rl_set_pop(RLink *l, int64_t n, int64_t t)
{
	RTok *e = rl_tok(l, n);

	IR_ASSERT(e->n == n);
	e->pop = t;
}

/* A PCU in the replay: its last tokens (those still in the pipeline) in a ring. */
typedef struct RUnit {
	int64_t *take, *reach, *out;   /* ring of `depth` entries */
	int64_t n;             /* tokens taken */
	int64_t last_event;    /* the last cycle it took or dropped a token */
	int64_t last_take;
	int64_t stalled;       /* the last token whose leaving waited past its reach; -1: none */
	int64_t first_push;    /* the first token it sent on */
	int nout, *outs;       /* the links it pushes into (no h, no side links) */
	int nh, *h;            /* its h links (never full) */
	int last_seg;          /* a dot product's last segment: it accumulates, rows leave */
} RUnit;

/* The cycle a PCU takes its next token, ready at `ready`: one event a cycle, ii after its
 * last take, never while its pipeline stalls (the window from a token's reaching the exit to
 * its leaving); with `take`, the token enters and its reach time is set. */
static int64_t
replay_take(const Model *s, RUnit *r, int i, int64_t ready, int take, int64_t *reach)
{
	const MUnit *u = &s->u[i];
	int64_t t = max64(ready, r->last_event + 1), k, n0 = max64(0, r->n - u->depth), add = 0;

	if (r->n > 0)
		t = max64(t, r->last_take + u->ii);
	/* a pipeline none of whose tokens waited to leave has no stall window */
	if (r->stalled < n0)
		n0 = r->n;
	for (k = n0; k < r->n; k++) {
		int64_t e = r->reach[k % u->depth], o = r->out[k % u->depth];

		if (t >= e && t < o)
			t = o;
	}
	r->last_event = t;
	if (!take)
		return t;
	for (k = n0; k < r->n; k++) {
		int64_t e = r->reach[k % u->depth], o = r->out[k % u->depth];

		if (e > t)
			add += o - e;
	}
	r->last_take = t;
	*reach = t + u->depth + add;
	return t;
}

/* PCU i's token taken at t leaves: at its reach time, or later when a FIFO it sends to is full
 * or (a chained row) the previous tile's sum has not arrived. `row` >= 0: it sends token `row`
 * of its links (a row, or a vector step on a lanes link); -1: a vector step that stays in the
 * accumulator. Returns the cycle. */
static int64_t
replay_leave(Model *s, RLink *rl, RUnit *ru, int i, int64_t t, int64_t reach, int64_t row)
{
	MUnit *u = &s->u[i];
	RUnit *r = &ru[i];
	int64_t out = reach, prev = r->n > 0 ? r->out[(r->n - 1) % u->depth] : -1;
	int k;

	if (r->n > 0)
		out = max64(out, prev + 1);
	if (row >= 0) {
		int64_t o = row;

		for (k = 0; k < r->nout; k++) {
			const RLink *l = &rl[r->outs[k]];

			if (o - l->cap >= 0)
				out = max64(out, rl_pop(l, o - l->cap) + 1);
		}
		if (r->last_seg && u->chain >= 0) {
			const RLink *c = &rl[u->chain];

			out = max64(out, rl_push(c, row) + s->lat[u->chain]);
		}
		for (k = 0; k < r->nout; k++)
			rl_set_push(&rl[r->outs[k]], o, out);
		if (r->last_seg && u->chain >= 0)
			rl_set_pop(&rl[u->chain], row, out);
		if (r->first_push < 0)
			r->first_push = out;
		u->out1 = out;
	}
	/* active from the cycle after a token enters to the cycle it leaves */
	u->active += max64(0, out - max64(t, prev));
	r->take[r->n % u->depth] = t;
	r->reach[r->n % u->depth] = reach;
	r->out[r->n % u->depth] = out;
	if (out > reach)
		r->stalled = r->n;
	if (r->n == 0)
		u->take0 = t;
	u->take1 = t;
	r->n++;
	return out;
}

/* The replay of a step (above). Returns 0, or -1 where the creation order does not give a
 * token's producer before its consumer (the times are then left as they were). */
static int
replay(Model *s)
{
	const Mapping *m = s->m;
	int64_t nt = m->nt, L = (int64_t)m->B * s->maxrows * nt, p;
	int hv = m->hv > 1 ? m->hv : 1;
	RLink *rl = zalloc((size_t)m->nlink, sizeof *rl);
	RUnit *ru = zalloc((size_t)m->nunit, sizeof *ru);
	int64_t *glo = zalloc((size_t)m->nunit, sizeof *glo), *gn = zalloc((size_t)m->nunit,
	                                                                    sizeof *gn);
	int *streams = zalloc((size_t)m->nunit, sizeof *streams), nstream = 0;
	int *pcus = zalloc((size_t)m->nunit, sizeof *pcus), npcu = 0;
	int *dots = zalloc((size_t)m->nunit, sizeof *dots), ndot = 0;
	int64_t *nrow = zalloc((size_t)m->nunit, sizeof *nrow);
	int i, j, k, x, fail = 0;

	s->harr = zalloc((size_t)(m->nlink + m->nunit), sizeof *s->harr);
	for (i = 0; i < m->nunit; i++) {
		if (m->unit[i].role == MAP_XH)
			s->harr[m->nlink + i] = zalloc((size_t)L, sizeof **s->harr);
	}
	for (k = 0; k < m->nlink; k++) {
		const MapLink *l = &m->link[k];
		int64_t n;

		if (l->what == MAP_L_H) {
			s->harr[k] = zalloc((size_t)tokens(s, k), sizeof **s->harr);
			ru[l->src].nh++;
		}
		if (map_link_side(l->what) || l->what == MAP_L_H || l->what == MAP_L_HVEC)
			continue;
		rl[k].n = tokens(s, k);
		rl[k].cap = MODEL_FIFO_DEPTH + (l->hops * s->t->net.hop_cycles > 1 ?
		                                l->hops * s->t->net.hop_cycles : 1);
		for (n = 8; n < rl[k].cap + 2; n *= 2)
			;
		rl[k].mask = n - 1;
		rl[k].ring = zalloc((size_t)n, sizeof *rl[k].ring);
		while (n-- > 0)
			rl[k].ring[n].n = -1;
		ru[l->src].nout++;
	}
	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];

		ru[i].outs = zalloc((size_t)ru[i].nout, sizeof *ru[i].outs);
		ru[i].h = zalloc((size_t)ru[i].nh, sizeof *ru[i].h);
		ru[i].nout = ru[i].nh = 0;
		ru[i].last_event = ru[i].last_take = ru[i].first_push = ru[i].stalled = -1;
		if (mu->role == MAP_WEIGHT) {
			/* a part holds whole row groups of its copy */
			glo[i] = (mu->slice[0].lo[1] - m->copy[mu->copy].lo) / hv;
			gn[i] = slice_rows(m, mu);
			streams[nstream++] = i;
		} else if (mu->role == MAP_XH) {
			gn[i] = s->maxrows;
			streams[nstream++] = i;
		}
		if (mu->kind != MAP_PCU)
			continue;
		pcus[npcu++] = i;
		if (mu->role == MAP_DOT)
			dots[ndot++] = i;
		nrow[i] = rows_of(m, mu->copy);
		ru[i].take = zalloc((size_t)u->depth, sizeof *ru[i].take);
		ru[i].reach = zalloc((size_t)u->depth, sizeof *ru[i].reach);
		ru[i].out = zalloc((size_t)u->depth, sizeof *ru[i].out);
		ru[i].last_seg = mu->role == MAP_DOT;
		u->active = 0;
	}
	for (k = 0; k < m->nlink; k++) {
		if (m->link[k].what == MAP_L_H)
			ru[m->link[k].src].h[ru[m->link[k].src].nh++] = k;
		if (rl[k].ring) {
			int src = m->link[k].src;

			ru[src].outs[ru[src].nout++] = k;
			if (m->link[k].what == MAP_L_LANES)
				ru[src].last_seg = 0;
		}
	}
	for (p = 0; p < L && !fail; p++) {
		int64_t b = p / (s->maxrows * nt), jr = p / nt % s->maxrows, st = p % nt;
		/* (a position that ends no row is the dot segments' alone) */
		int nx = st == nt - 1 ? npcu : ndot;
		const int *list = st == nt - 1 ? pcus : dots;

		/* the streams: xh copies every position, a weight part the rows it holds; token
		 * q no earlier than ii after the one before and than the cycle after every
		 * consumer popped token q - cap */
		for (x = 0; x < nstream; x++) {
			MUnit *u = &s->u[i = streams[x]];
			RUnit *r = &ru[i];
			int64_t q = (b * gn[i] + jr - glo[i]) * nt + st, t;

			if (jr < glo[i] || jr >= glo[i] + gn[i])
				continue;
			t = r->last_event < 0 ? 0 : r->last_event + u->ii;
			for (k = 0; k < r->nout; k++) {
				const RLink *l = &rl[r->outs[k]];

				if (q - l->cap >= 0)
					t = max64(t, rl_pop(l, q - l->cap) + 1);
			}
			for (k = 0; k < r->nout; k++)
				rl_set_push(&rl[r->outs[k]], q, t);
			if (m->unit[i].role == MAP_XH)
				s->harr[m->nlink + i][q] = t;
			r->last_event = t;
			r->n = q + 1;
		}
		/* the PCUs, producers first: a dot segment takes every vector step of its copy's
		 * rows (and pops the xh vectors of longer copies' rows), a combine or epilogue
		 * segment every row */
		for (x = 0; x < nx && !fail; x++) {
			const MapUnit *mu = &m->unit[i = list[x]];
			MUnit *u = &s->u[i];
			RUnit *r = &ru[i];
			int64_t R = nrow[i], ready = 0, t, reach = 0, tok, row, n[8], q, at;
			int pred = -1, nin = 0, in[8];

			if (mu->role != MAP_DOT && (st != nt - 1 || jr >= R))
				continue;
			row = b * R + jr;
			tok = mu->role == MAP_DOT ? row * nt + st : row;
			for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
				k = s->in[j];
				if (!rl[k].ring || k == u->chain)
					continue;
				if (m->link[k].what == MAP_L_XH && jr >= R) {
					/* a row of a longer copy: popped, these lanes idle */
					rl_set_pop(&rl[k], p, replay_take(s, r, i, rl_push(&rl[k], p) +
					                                                s->lat[k], 0, NULL));
					break;
				}
				if (jr >= R)
					continue;
				if (m->link[k].what == MAP_L_XH) {
					q = p;
				} else if (m->link[k].what == MAP_L_WEIGHTS) {
					int w = m->link[k].src;

					if (jr < glo[w] || jr >= glo[w] + gn[w])
						continue;
					q = (b * gn[w] + jr - glo[w]) * nt + st;
				} else {
					q = tok;
				}
				if (nin == 8 || (at = rl_push(&rl[k], q)) < 0) {
					fail = 1;
					break;
				}
				if (at + s->lat[k] >= ready) {
					ready = at + s->lat[k];
					pred = k;
				}
				n[nin] = q;
				in[nin++] = k;
			}
			if (fail || jr >= R)
				continue;
			if (u->chain >= 0 && st == nt - 1 && rl_push(&rl[u->chain], row) < 0) {
				fail = 1;
				break;
			}
			t = replay_take(s, r, i, ready, 1, &reach);
			for (j = 0; j < nin; j++)
				rl_set_pop(&rl[in[j]], n[j], t);
			u->pred = pred;
			t = replay_leave(s, rl, ru, i, t, reach,
			                 !r->last_seg ? tok : st == nt - 1 ? row : -1);
			for (j = 0; j < r->nh; j++)
				s->harr[r->h[j]][row] = t + s->lat[r->h[j]];
			if (u->chain >= 0 && st == nt - 1 && t > reach &&
			    rl_push(&rl[u->chain], row) + s->lat[u->chain] == t)
				u->pred = u->chain;
		}
	}
	for (i = 0; i < m->nunit && !fail; i++) {
		MUnit *u = &s->u[i];

		if (m->unit[i].kind == MAP_PCU) {
			u->out0 = ru[i].first_push;
			u->free1 = u->take1;
			u->floor1 = 0;
		} else if (ru[i].n > 0) {
			u->shift = ru[i].last_event - (ru[i].n - 1) * u->ii;
		}
	}
	for (k = 0; k < m->nlink; k++)
		free(rl[k].ring);
	for (i = 0; i < m->nunit; i++) {
		free(ru[i].outs);
		free(ru[i].h);
		free(ru[i].take);
		free(ru[i].reach);
		free(ru[i].out);
	}
	free(rl);
	free(ru);
	free(glo);
	free(gn);
	free(streams);
	free(pcus);
	free(dots);
	free(nrow);
	if (fail) {
		for (k = 0; k < m->nlink + m->nunit; k++)
			free(s->harr[k]);
		free(s->harr);
		s->harr = NULL;
	}
	return fail ? -1 : 0;
}

/* When each h of the copy behind h link k arrives at its consumer, row by row in the order the
 * epilogue sends them (b, j): back from the last row's arrival, rows nt vector steps apart in
 * the xh stream, or ii apart where the epilogue issues slower. */
static void
h_arrivals(const Model *s, int k, int64_t *at)
{
	const Mapping *m = s->m;
	int src = m->link[k].src;
	int64_t B = m->B, rows = rows_of(m, m->unit[src].copy), last = xh_pos(s, B - 1, rows - 1);
	int64_t end = s->u[src].out1 + s->lat[k], n;

	if (s->harr && s->harr[k]) {
		memcpy(at, s->harr[k], (size_t)(B * rows) * sizeof *at);
		return;
	}
	for (n = 0; n < B * rows; n++) {
		int64_t b = B - 1 - n / rows, j = rows - 1 - n % rows;

		at[B * rows - 1 - n] = end - max64((last - xh_pos(s, b, j)) * s->iix,
		                                   n * s->u[src].ii);
	}
}

typedef struct HEvent {
	int64_t at;            /* the cycle a vector is complete in the hbuf */
	int64_t order;         /* ties: input by input, as the simulator takes them */
} HEvent;

static int
int64_cmp(const void *a, const void *b)
{
	const int64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int
hevent_cmp(const void *a, const void *b)
{
	const HEvent *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The hbufs, in creation order (a level after the one it reads): a run of hvec rows of a copy
 * is complete when its last h has arrived, a vector from the level below when it arrives; the
 * complete vectors leave one a cycle in that order, the cycle after they are complete at the
 * earliest (the simulator's hbuf_cycle; nothing downstream holds them back). pred becomes the
 * input of the last vector. */
static void
hbuf_timing(Model *s)
{
	const Mapping *m = s->m;
	int i, j;

	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];
		HEvent *ev;
		int64_t nev = 0, n, *at = NULL, cap = 0;
		int *from;

		if (mu->role != MAP_HBUF)
			continue;
		u->ntok = mu->vsteps;
		u->hout = zalloc((size_t)u->ntok, sizeof *u->hout);
		ev = zalloc((size_t)u->ntok, sizeof *ev);
		from = zalloc((size_t)u->ntok, sizeof *from);
		for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
			int k = s->in[j], src = m->link[k].src;

			if (m->link[k].what == MAP_L_HVEC) {
				for (n = 0; n < s->u[src].ntok; n++) {
					IR_ASSERT(nev < u->ntok);
					ev[nev].at = s->u[src].hout[n] + s->lat[k];
					ev[nev].order = nev;
					from[nev++] = k;
				}
				continue;
			}
			{
				int64_t rows = rows_of(m, m->unit[src].copy), B = m->B;

				if (B * rows > cap) {
					free(at);
					cap = B * rows;
					at = zalloc((size_t)cap, sizeof *at);
				}
				h_arrivals(s, k, at);
				for (n = 0; n < B * rows; n++) {
					if ((n % rows + 1) % m->hvec && n % rows + 1 != rows)
						continue;
					IR_ASSERT(nev < u->ntok);
					ev[nev].at = at[n];
					ev[nev].order = nev;
					from[nev++] = k;
				}
			}
		}
		IR_ASSERT(nev == u->ntok);
		qsort(ev, (size_t)nev, sizeof *ev, hevent_cmp);
		for (n = 0; n < nev; n++)
			u->hout[n] = max64(n ? u->hout[n - 1] + 1 : 0, ev[n].at + 1);
		u->pred = nev ? from[ev[nev - 1].order] : -1;
		u->out1 = nev ? u->hout[nev - 1] : 0;
		free(at);
		free(ev);
		free(from);
	}
}

static void
timing(Model *s)
{
	const Mapping *m = s->m;
	int i, it, slow = 0;

	forward(s);
	/* the wait for a chained sum is a stall: the pipeline holds its tokens and stays active */
	for (i = 0; i < m->nunit; i++)
		s->u[i].free1 = s->u[i].take1 - s->u[i].chain_wait;
	/* the constraints settle in a few rounds, unless a join's paths differ by more than the
	 * FIFOs and pipelines of the shorter one hold while both start at one stream: then the
	 * stream cannot keep one vector a cycle, there is no steady state to solve for, and the
	 * model keeps the times without backpressure (docs/model.md) */
	for (it = 0; it < MODEL_ROUNDS && backward(s); it++)
		forward(s);
	s->rounds = it;
	if (it == MODEL_ROUNDS) {
		for (i = 0; i < m->nunit; i++)
			s->u[i].floor1 = s->u[i].shift = 0;
		forward(s);
	}
	/* a PCU that issues slower than its tokens come (hv > 1: a group's flits; a table read
	 * in several cycles): its rows queue in bursts the steady state only averages */
	for (i = 0; i < m->nunit; i++) {
		if (m->unit[i].kind == MAP_PCU &&
		    s->u[i].ii > (m->unit[i].role == MAP_DOT ? 1 : (int64_t)m->nt) * s->iix)
			slow = 1;
	}
	/* where they did not settle, replay the step token by token; where they settled after
	 * moving, or a PCU is slow, too when the step is short (the times above stay where it
	 * cannot: streamed weights) */
	if (m->weights != MAP_WEIGHTS_STREAM &&
	    (it == MODEL_ROUNDS || ((it > 1 || slow) && (int64_t)m->B * s->maxrows * m->nt *
	                                                m->nunit <= MODEL_REPLAY_WORK)))
		s->replayed = replay(s) == 0;
	hbuf_timing(s);
}

/* An hbuf is active in the cycles it takes an h value or a vector, or sends one. */
static int64_t
hbuf_active(const Model *s, int i)
{
	const Mapping *m = s->m;
	int64_t *c, n = 0, k, busy_cycles = 0, cap = s->u[i].ntok;
	int j;

	for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
		int l = s->in[j];

		cap += m->link[l].what == MAP_L_HVEC ? s->u[m->link[l].src].ntok :
		       (int64_t)m->B * rows_of(m, m->unit[m->link[l].src].copy);
	}
	c = zalloc((size_t)cap, sizeof *c);
	for (k = 0; k < s->u[i].ntok; k++)
		c[n++] = s->u[i].hout[k];
	for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
		int l = s->in[j], src = m->link[l].src;

		if (m->link[l].what == MAP_L_HVEC) {
			for (k = 0; k < s->u[src].ntok; k++)
				c[n++] = s->u[src].hout[k] + s->lat[l];
		} else {
			h_arrivals(s, l, c + n);
			n += (int64_t)m->B * rows_of(m, m->unit[src].copy);
		}
	}
	qsort(c, (size_t)n, sizeof *c, int64_cmp);
	for (k = 0; k < n; k++)
		busy_cycles += !k || c[k] != c[k - 1];
	free(c);
	return busy_cycles;
}

/* schedule.candidate: merged: a row's two sums take 2 flits, and the combine or epilogue that
 * takes them issues a row per 2 cycles at most. With one vector step a row (nt = 1) that is
 * slower than the streams, and backpressure then holds every dot product of the copy to it:
 * its vector steps come that many cycles apart (the pipeline stays busy between them). Where
 * the backpressure rounds settle, the held-back takes count those cycles already; where they
 * do not (the model then keeps the times without backpressure), this does. 1 otherwise. */
static int64_t
merged_gap(const Model *s)
{
	const Mapping *m = s->m;
	int64_t gap = 1;
	int k;

	if (m->candidate != MAP_CANDIDATE_MERGED || m->nt > 1 || s->rounds < MODEL_ROUNDS)
		return 1;
	for (k = 0; k < m->nlink; k++) {
		const MapLink *l = &m->link[k];

		if (l->vals > 1 && l->what != MAP_L_CHAIN)
			gap = max64(gap, ceil_div64(map_link_flits(m, l), m->nt));
	}
	return gap;
}

/* A replayed xh copy is active in the distinct cycles it issues a vector or takes h (or a
 * vector of h from an hbuf), the stream held back or not. */
static int64_t
xh_replayed_active(const Model *s, int i)
{
	const Mapping *m = s->m;
	int64_t L = (int64_t)m->B * s->maxrows * m->nt, n = 0, cap = L, k, c = 0;
	int64_t *at;
	int j;

	for (j = s->in0[i]; j < s->in0[i + 1]; j++)
		cap += tokens(s, s->in[j]);
	at = zalloc((size_t)cap, sizeof *at);
	memcpy(at, s->harr[m->nlink + i], (size_t)L * sizeof *at);
	n = L;
	for (j = s->in0[i]; j < s->in0[i + 1]; j++) {
		int l = s->in[j], src = m->link[l].src;

		if (m->link[l].what == MAP_L_HVEC) {
			for (k = 0; k < s->u[src].ntok; k++)
				at[n++] = s->u[src].hout[k] + s->lat[l];
		} else {
			h_arrivals(s, l, at + n);
			n += tokens(s, l);
		}
	}
	qsort(at, (size_t)n, sizeof *at, int64_cmp);
	for (k = 0; k < n; k++)
		c += !k || at[k] != at[k - 1];
	free(at);
	return c;
}

/* Active cycles per step of every unit; flit-hops per step. */
static void
activity(Model *s, int64_t compute, int64_t *fv, int64_t *fs)
{
	const Mapping *m = s->m;
	int64_t B = m->B, nt = m->nt, L = B * s->maxrows * nt;
	int i, k;

	*fv = *fs = 0;
	for (i = 0; i < m->nunit; i++) {
		const MapUnit *mu = &m->unit[i];
		MUnit *u = &s->u[i];
		int64_t rows = rows_of(m, mu->copy), g, bg;

		/* a pipeline held back by backpressure stays busy the cycles it waits */
		if (mu->kind == MAP_PCU && !s->replayed)
			u->active += max64(0, u->take1 - u->free1);
		if (s->period && (mu->role == MAP_DOT || mu->role == MAP_COMBINE ||
		                  mu->role == MAP_EPI)) {
			/* streamed weights: the walk is (row, batch, step), a row every `period` on
			 * average; the units wait for the slowest weight PMU and the two-row
			 * buffers then let rows through in pairs, two periods apart */
			int64_t pairs = (rows + 1) / 2, n = rows > 1 ? 2 : 1;

			if (mu->role == MAP_DOT)
				u->active += busy(u->depth, pairs, n * B * nt, 1,
				                  2 * s->period - n * B * nt + 1);
			else
				u->active += busy(u->depth, pairs, n * B, nt,
				                  2 * s->period - (n * B - 1) * nt);
			if (mu->role == MAP_EPI) {
				for (k = 0; k < u->naux; k++)
					s->u[u->aux[k]].active += B * rows;
				*fv += B * rows * u->side_vec;
				*fs += B * rows * (u->side - u->side_vec);
			}
			continue;
		}
		switch (mu->role) {
		case MAP_DOT:
			g = max64(s->iix, merged_gap(s));
			bg = ((s->maxrows - rows) * nt + 1) * s->iix;
			/* (replayed: counted token by token) */
			u->active += s->replayed ? 0 : busy(u->depth, B, rows * nt, g, bg);
			break;
		case MAP_COMBINE:
		case MAP_EPI:
			g = max64(nt * s->iix, u->ii);
			bg = max64((s->maxrows - rows + 1) * nt * s->iix, u->ii);
			u->active += s->replayed ? 0 : busy(u->depth, B, rows, g, bg);
			for (k = 0; k < u->naux; k++) {
				s->u[u->aux[k]].active += B * rows;
				/* hoisted: the x sums come as rows of their own, written there */
				if (s->xph && m->unit[u->aux[k]].xsum) {
					s->u[u->aux[k]].active += B * rows;
					u->active += busy(u->depth, B, rows, s->xph * s->iix,
					                  (s->maxrows - rows + 1) * s->xph * s->iix);
				}
			}
			if (s->xph && mu->role == MAP_COMBINE)
				u->active += busy(u->depth, B, rows, s->xph * s->iix,
				                  (s->maxrows - rows + 1) * s->xph * s->iix);
			*fv += B * rows * u->side_vec;
			*fs += B * rows * (u->side - u->side_vec);
			break;
		case MAP_XH:
			u->active += s->replayed ? xh_replayed_active(s, i) : L;
			break;
		case MAP_WEIGHT:
			u->active += B * slice_rows(m, mu) * nt;
			break;
		case MAP_HBUF:
			u->active += hbuf_active(s, i);
			break;
		default:
			break;
		}
	}
	for (k = 0; k < m->nlink; k++) {
		const MapLink *l = &m->link[k];
		int64_t n;

		if (map_link_side(l->what))
			continue;
		n = tokens(s, k) * map_link_flits(m, l);
		if (s->xph && (l->what == MAP_L_SUM || l->what == MAP_L_PARTIAL ||
		               l->what == MAP_L_CHAIN))
			n *= 2;  /* hoisted: a row's x sums, and then the rest */
		if (l->vector)
			*fv += n * l->hops;
		else
			*fs += n * l->hops;
	}
	/* an xh copy is active in the cycles after its last issue in which h arrives: mark
	 * them, row by row back from each copy's last h, in a window as long as the tail */
	for (i = 0; i < m->nunit && !s->replayed; i++) {
		int64_t last_issue = (L - 1) * s->u[i].ii + s->u[i].shift;
		int64_t win = compute - 1 - last_issue, c;
		char *mark;

		if (m->unit[i].role != MAP_XH || win <= 0)
			continue;
		if (s->period) {
			/* streamed weights: rows finish a period apart, each h in its own cycle */
			for (k = 0; k < m->hu; k++)
				s->u[i].active += B * rows_of(m, k);
			continue;
		}
		mark = zalloc((size_t)win, 1);
		for (k = s->in0[i]; k < s->in0[i + 1]; k++) {
			int h = s->in[k], src = m->link[h].src;
			int64_t rows = rows_of(m, m->unit[src].copy), last = xh_pos(s, B - 1, rows - 1);
			int64_t at = s->u[src].out1 + s->lat[h], n;

			if (m->link[h].what == MAP_L_HVEC) {
				/* vectors from an hbuf: each arrives lat after it leaves */
				for (n = 0; n < s->u[src].ntok; n++) {
					int64_t a = s->u[src].hout[n] + s->lat[h];

					if (a > last_issue && a - last_issue - 1 < win)
						mark[a - last_issue - 1] = 1;
				}
				continue;
			}

			for (n = 0; n < B * rows; n++) {
				int64_t b = B - 1 - n / rows, j = rows - 1 - n % rows;
				int64_t a = at - max64((last - xh_pos(s, b, j)) * s->iix, n * s->u[src].ii);

				if (a <= last_issue)
					break;
				if (a - last_issue - 1 < win)
					mark[a - last_issue - 1] = 1;
			}
		}
		for (c = 0; c < win; c++)
			s->u[i].active += mark[c];
		free(mark);
	}
}

/* hoist_input (docs/model.md): the h half of a step is timed as a design of nt - sx vector
 * steps a row, `compute` cycles from its start to the barrier; the slowest xh copy's stream
 * ends `stall` after the others (backpressure from the chained sums holds it back, and the
 * lag forms again when the h half starts). Each copy then walks the x phase of the next step
 * once x_{t+1} is there, which is asked for when step t starts (when h_{t-1} and x_t are
 * there); the h half of step t + 1 waits for that walk. Step 0 walks its own x phase first.
 * The recurrence over the T steps gives every barrier. The work and its activity are those of
 * the unhoisted walk, spread over the hoisted time. */
static void estimate(const Mapping *m, int T, int xph, ModelEstimate *e);

static void
hoisted_estimate(const Mapping *m, int T, ModelEstimate *e)
{
	Mapping mh = *m, mf = *m;
	ModelEstimate eh;
	int64_t lx, lh, begin, xarr, hstart, barrier = 0, prev = -1;
	double energy;
	int t;

	mh.hoist = 0;
	mh.sx = mf.sx = 0;
	mh.nt = m->nt - m->sx;
	estimate(&mh, T, 0, &eh);
	estimate(&mf, T, m->sx, e);
	lx = e->stream / m->nt * m->sx * eh.ii;  /* B x rows x sx vectors */
	lh = eh.stream * eh.ii;
	begin = e->dram_first;
	hstart = begin + lx;
	for (t = 0; t < T; t++) {
		if (t > 0) {
			/* x_t was asked for when step t - 1 began; the x phase follows the h half */
			int64_t xend = max64(hstart + lh + eh.stall, xarr) + lx;

			begin = max64(barrier + 1, xarr);
			hstart = max64(begin, xend);
		}
		xarr = begin + e->dram_step;
		prev = barrier;
		barrier = hstart + eh.compute - 1;
		if (t == 0)
			e->first_step_cycles = barrier + 1;
	}
	energy = e->power_mw * e->latency_us;
	e->compute = eh.compute;
	e->step_cycles = T > 1 ? barrier - prev : e->first_step_cycles;
	e->path = eh.path;
	e->stall = eh.stall;
	e->cycles = barrier + 1;
	e->latency_us = (double)e->cycles / m->t->clock_mhz;
	if (e->latency_us > 0 && energy > 0) {
		double f = energy / (e->power_mw * e->latency_us);

		e->power_units_mw *= f;
		e->power_net_mw *= f;
	}
	e->power_mw = e->power_units_mw + e->power_net_mw;
	e->energy_uj = e->power_mw * 1e-3 * e->latency_us;
	e->tflops = e->latency_us > 0 ? 2.0 * (double)(m->macs * T) / (e->latency_us * 1e-6) / 1e12
	                              : 0;
}

void
model_estimate(const Mapping *m, int T, ModelEstimate *e)
{
	if (m->hoist && m->sx > 0 && T > 0)
		hoisted_estimate(m, T, e);
	else
		estimate(m, T < 1 ? 1 : T, 0, e);
}

/* The estimate of an unhoisted design; xph: see Model.xph. */
static void
estimate(const Mapping *m, int T, int xph, ModelEstimate *e)
{
	Model s;
	const Target *t = m->t;
	const Tensor *xt = &m->f->tensors[m->xh];
	int64_t abytes = (xt->ty.kind == TY_FIX ? xt->ty.bits : 32) / 8, E = -1, fv, fs;
	int64_t *active;
	int i, hl = -1, k;

	memset(e, 0, sizeof *e);
	memset(&s, 0, sizeof s);
	s.m = m;
	s.xph = xph;
	s.t = t;
	setup(&s);
	timing(&s);
	/* the barrier: the last h in the last xh copy */
	for (k = 0; k < m->nlink; k++) {
		const MapLink *l = &m->link[k];

		if (m->unit[l->dst].role == MAP_XH && (l->what == MAP_L_H || l->what == MAP_L_HVEC) &&
		    s.u[l->src].out1 + s.lat[k] > E) {
			E = s.u[l->src].out1 + s.lat[k];
			hl = k;
		}
	}
	e->T = T;
	e->ii = s.iix;
	e->stream = (int64_t)m->B * s.maxrows * m->nt;
	e->compute = E + 1;
	/* the critical path, back from that h link to the stream that starts it */
	if (hl >= 0) {
		int64_t e0, e1 = 0;

		e->path_copy = m->unit[m->link[hl].src].copy;
		for (k = hl; k >= 0; k = s.u[i].pred) {
			e->path_links += s.lat[k];
			e->path_hops += m->link[k].hops;
			i = m->link[k].src;
			if (m->unit[i].role == MAP_HBUF) {
				/* an hbuf holds the last vector at least the cycle it completes */
				e->path_depth += 1;
				continue;
			}
			if (m->unit[i].kind != MAP_PCU) {
				stream_times(&s, k, &e0, &e1);
				e->stall = s.u[i].shift;
				break;
			}
			/* a chained sum that arrived last leaves with the row: no slots */
			if (s.u[i].pred < 0 || m->link[s.u[i].pred].what != MAP_L_CHAIN)
				e->path_depth += s.u[i].depth;
			e->path_units++;
		}
		e->skew = (e->stream - 1) * s.iix + e->stall - e1;
		e->path = E - e1;
		e->path_wait = e->path - e->path_depth - e->path_links;
	}
	e->rounds = s.rounds;
	e->replayed = s.replayed;
	e->dram_first = dram_cycles(t, (int64_t)m->B * (m->D + m->H) * abytes);
	e->dram_step = dram_cycles(t, (int64_t)m->B * m->D * abytes);
	if (m->weights == MAP_WEIGHTS_STREAM) {
		/* every weight PMU takes a row in turn from one DRAM stream, which starts the
		 * latency after the step does: a row of all of them every `period` cycles */
		int64_t r = sim_dram_millibytes(t->dram.bandwidth_gbs, t->clock_mhz), per = 0, all;

		for (i = 0; i < m->nunit; i++) {
			const MapUnit *mu = &m->unit[i];

			if (mu->role == MAP_WEIGHT)
				per += mu->slice[0].bytes / (mu->slice[0].hi[1] - mu->slice[0].lo[1]) *
				       (m->hv > 1 ? m->hv : 1);  /* a row group's rows at once */
		}
		/* the bytes arrive at r thousandths a cycle without rounding between rows: the
		 * last round of rows is in ceil(maxrows x bytes / rate) cycles */
		all = ceil_div64(s.maxrows * per * 1000, r);
		per = ceil_div64(per * 1000, r);
		if (per > (int64_t)m->B * m->nt)
			s.period = per;
		/* the first row waits for the latency; the last for all rows before it */
		e->compute = max64(e->compute + t->dram.latency_cycles + 1,
		                   t->dram.latency_cycles + all + e->path + 1);
	}
	e->first_step_cycles = e->dram_first + e->compute;
	e->step_cycles = max64(e->compute, e->dram_step);
	e->cycles = e->first_step_cycles + (int64_t)(T - 1) * e->step_cycles;
	e->latency_us = (double)e->cycles / t->clock_mhz;
	/* activity, and the report's figures from it */
	activity(&s, e->compute, &fv, &fs);
	active = zalloc((size_t)m->nunit, sizeof *active);
	for (i = 0; i < m->nunit; i++)
		active[i] = s.u[i].active * T;
	e->flits_vector = fv * T;
	e->flits_scalar = fs * T;
	{
		SimDesign d;
		SimUnitDesc *ud = zalloc((size_t)m->nunit, sizeof *ud);
		SimLinkDesc *ld = zalloc((size_t)m->nlink, sizeof *ld);

		sim_design_fill(m, &d, ud, ld);
		e->lower_bound = sim_lower_bound(&d, T);
		sim_area(&d, &e->area_used_mm2, &e->area_chip_mm2);
		sim_power(&d, active, e->flits_vector, e->flits_scalar, e->latency_us,
		          &e->power_units_mw, &e->power_net_mw);
		free(ud);
		free(ld);
	}
	e->power_mw = e->power_units_mw + e->power_net_mw;
	e->energy_uj = e->power_mw * 1e-3 * e->latency_us;
	e->tflops = e->latency_us > 0 ? 2.0 * (double)(m->macs * T) / (e->latency_us * 1e-6) / 1e12
	                              : 0;
	free(active);
	for (i = 0; i < m->nunit; i++)
		free(s.u[i].hout);
	for (k = 0; s.harr && k < m->nlink + m->nunit; k++)
		free(s.harr[k]);
	free(s.harr);
	free(s.u);
	free(s.lat);
	free(s.in0);
	free(s.in);
}

void
model_print(const ModelEstimate *e, FILE *out)
{
	fprintf(out, "  model        %lld cycles, %.3f us; step 0 %lld cycles, then %lld per step "
	        "(%d step%s)\n", (long long)e->cycles, e->latency_us, (long long)e->first_step_cycles,
	        (long long)e->step_cycles, e->T, e->T == 1 ? "" : "s");
	fprintf(out, "  step         %lld vectors per xh copy, one every %d cycle%s, the last h %lld "
	        "cycles later (copy %d, %lld cycles before the stream's end; the stream held back "
	        "%lld): depth %lld over %d PCUs, links %lld (%lld hops), waits %lld; %lld cycles "
	        "in all%s\n",
	        (long long)e->stream, e->ii, e->ii == 1 ? "" : "s", (long long)e->path, e->path_copy,
	        (long long)e->skew, (long long)e->stall, (long long)e->path_depth, e->path_units,
	        (long long)e->path_links, (long long)e->path_hops, (long long)e->path_wait,
	        (long long)e->compute, e->replayed ? " (replayed token by token)" : "");
	fprintf(out, "  dram         x_0 and h_0 in %lld cycles, x_t in %lld (fetched while the step "
	        "before runs)\n", (long long)e->dram_first, (long long)e->dram_step);
	fprintf(out, "  lower bound  %lld cycles\n", (long long)e->lower_bound);
	fprintf(out, "  area         %.2f mm2 used, %.2f mm2 chip\n", e->area_used_mm2,
	        e->area_chip_mm2);
	fprintf(out, "  power        %.1f mW (units %.1f, network %.1f); %.3f uJ per inference; "
	        "%.4f TFLOPS\n", e->power_mw, e->power_units_mw, e->power_net_mw, e->energy_uj,
	        e->tflops);
}
