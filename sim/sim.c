/* The cycle-by-cycle simulator (docs/sim.md).
 *
 * Every cycle visits the units in creation order. A PCU is a ring of `depth` slots (the sum of
 * its stages' latencies): each cycle the oldest token leaves, if every FIFO it goes to has
 * room (else the whole pipeline stalls: backpressure), and a new token may enter. A PMU that
 * feeds dot products is a stream: its counter chain walks (batch, row, vector step) and sends
 * one vector a cycle. A link is a delay line of max(1, hops x hop_cycles) cycles ending in a
 * FIFO of fifo_depth entries; the flits on the wire sit in the switches' registers, so a
 * producer may push while fewer than depth + latency tokens are in the link, and a slot freed
 * in a cycle is seen by the producer the next cycle (no result depends on the visiting order).
 * Stretches where nothing but wires and timers are busy are skipped exactly. */
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

typedef struct Tok {
	int32_t b, j, s;     /* batch, row within the copy, vector step */
	int32_t last;        /* the row's last vector step */
	int64_t v;           /* its value: a vector step's exact sum, a partial sum, a sum */
} Tok;

typedef struct Chan {
	const MapLink *l;
	int lat, cap;
	Tok *q;
	int64_t *at;         /* when each token becomes visible at the consumer */
	int head, n;
	int64_t pop_cycle;
	int pop_n;
} Chan;

typedef struct SUnit {
	const MapUnit *mu;
	int depth;           /* PCU: pipeline slots */
	Tok *pipe;
	char *full;
	int head, nvalid;
	Chan *in[IR_MAXRES + 8];
	int nin;
	Chan *out[64];
	int nout;
	int side;            /* flit-hops of its table, parameter and state traffic per row */
	int side_vec;
	int64_t acc;
	int64_t pos, len;    /* PMU streams: position in this step's walk, its length */
	int32_t lo, hi;      /* hidden rows [lo, hi) of its copy; weight parts: of the part */
	int ii;              /* cycles per issue, by bank conflicts */
	int64_t next_issue;
	int64_t recv;        /* xh: h values received this step */
	int aux[4];          /* PMUs read per row by an epilogue segment: lut, state */
	int naux;
	int64_t last_act;     /* the last cycle counted active */
} SUnit;

typedef struct Sim {
	const Mapping *m;
	const Target *t;
	SimVal val;
	SUnit *u;
	Chan *ch;
	int nch;
	int64_t now;
	int step, steps;
	int64_t start;       /* this step's first cycle of streaming */
	int started;
	int64_t dram_at;     /* x_t (and h_0) arrive */
	int maxrows;
	int64_t pipe_tokens, chan_tokens;
	int issued_xh, stall_bank, stall_bp, busy;
	Report *r;
	int64_t flits_v, flits_s;
} Sim;

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
	c->at[k] = s->now + c->lat;
	c->n++;
	s->chan_tokens++;
	if (c->l->vector)
		s->flits_v += c->l->hops;
	else
		s->flits_s += c->l->hops;
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
is_side(const char *what)
{
	return !strcmp(what, "lut index") || !strcmp(what, "params") || !strcmp(what, "state");
}

static SimUnitStat *
stat_of(Sim *s, const SUnit *u)
{
	return &s->r->unit[u - s->u];
}

/* The pipeline's oldest token, if it may leave; 0 when the unit stalls. */
static int
pcu_drain(Sim *s, SUnit *u, int *stalled)
{
	const MapUnit *mu = u->mu;
	Tok *t = &u->pipe[u->head];

	*stalled = 0;
	if (!u->full[u->head])
		return 1;
	if (mu->role == MAP_DOT && u->nout && strncmp(u->out[0]->l->what, "lanes", 5)) {
		/* the last segment accumulates; a row's sum leaves with its last vector step */
		if (t->last) {
			Tok o = *t;

			if (!outs_ready(s, u)) {
				*stalled = 1;
				return 0;
			}
			o.v = u->acc + t->v;
			u->acc = 0;
			push_outs(s, u, o);
		} else {
			u->acc += t->v;
		}
	} else {
		if (!outs_ready(s, u)) {
			*stalled = 1;
			return 0;
		}
		if (mu->role == MAP_EPI)
			sim_val_epi(&s->val, mu, s->step, t->b, u->lo + t->j);
		push_outs(s, u, *t);
	}
	u->full[u->head] = 0;
	u->nvalid--;
	s->pipe_tokens--;
	s->busy = 1;
	return 1;
}

/* The token a PCU may take this cycle, popped from its inputs; 0 when none. */
static int
pcu_take(Sim *s, SUnit *u, Tok *t)
{
	const MapUnit *mu = u->mu;
	int k;

	if (s->now < u->next_issue)
		return 0;
	if (mu->role == MAP_DOT && mu->seg == 0) {
		const Tok *x = peek(u->in[0], s->now), *w;

		if (!x)
			return 0;
		if (x->j >= u->hi - u->lo) {
			pop(s, u->in[0]);  /* a row of a longer copy: these lanes idle */
			return 0;
		}
		for (k = 1; k < u->nin; k++) {
			SUnit *src = &s->u[u->in[k]->l->src];

			if (x->j >= src->lo - u->lo && x->j < src->hi - u->lo)
				break;
		}
		if (k == u->nin || !(w = peek(u->in[k], s->now)))
			return 0;
		*t = pop(s, u->in[0]);
		pop(s, u->in[k]);
		t->v = sim_val_dot(&s->val, mu->prod, s->step, t->b, u->lo + t->j, t->s, mu->tile);
		return 1;
	}
	for (k = 0; k < u->nin; k++) {
		if (!peek(u->in[k], s->now))
			return 0;
	}
	memset(t, 0, sizeof *t);
	for (k = 0; k < u->nin; k++) {
		Tok x = pop(s, u->in[k]);
		const MapUnit *src = &s->m->unit[u->in[k]->l->src];

		t->b = x.b;
		t->j = x.j;
		t->s = x.s;
		t->last = x.last;
		if (mu->role == MAP_COMBINE)
			t->v += x.v;
		else if (mu->role == MAP_EPI && src->role != MAP_EPI)
			sim_val_sum(&s->val, src->prod, x.b, u->lo + x.j, x.v);
		else
			t->v = x.v;
	}
	if (mu->role == MAP_EPI) {
		s->flits_v += u->side_vec;
		s->flits_s += u->side - u->side_vec;
		for (k = 0; k < u->naux; k++)
			stat_of(s, &s->u[u->aux[k]])->active++;
	}
	u->next_issue = s->now + u->ii;
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

/* An xh or weight PMU: one vector a cycle along (batch, row, vector step). */
static void
stream_cycle(Sim *s, SUnit *u)
{
	SimUnitStat *st = stat_of(s, u);
	const Mapping *m = s->m;
	int rows = u->mu->role == MAP_XH ? s->maxrows : u->hi - u->lo;
	int64_t per_b = (int64_t)rows * m->nt, p = u->pos;
	Tok t;

	if (!s->started || u->pos >= u->len)
		return;
	s->busy = 1;
	if (s->now < u->next_issue) {
		st->bank++;
		if (u->mu->role == MAP_XH)
			s->stall_bank = 1;
		return;
	}
	if (!outs_ready(s, u)) {
		st->stall++;
		if (u->mu->role == MAP_XH)
			s->stall_bp = 1;
		return;
	}
	t.b = (int32_t)(p / per_b);
	t.j = (int32_t)(p % per_b / m->nt);
	t.s = (int32_t)(p % m->nt);
	t.last = t.s == m->nt - 1;
	t.v = 0;
	if (u->mu->role == MAP_WEIGHT)
		t.j += u->lo - s->m->copy[u->mu->copy].lo;
	push_outs(s, u, t);
	u->pos++;
	u->next_issue = s->now + u->ii;
	u->last_act = s->now;
	st->active++;
	st->issue++;
	if (u->mu->role == MAP_XH)
		s->issued_xh = 1;
}

/* An xh copy takes the h values of the step (one per FIFO per cycle). */
static void
xh_recv(Sim *s, SUnit *u)
{
	int k, got = 0;

	for (k = 0; k < u->nin; k++) {
		if (peek(u->in[k], s->now)) {
			pop(s, u->in[k]);
			u->recv++;
			got = 1;
		}
	}
	if (got && u->last_act != s->now) {
		u->last_act = s->now;
		stat_of(s, u)->active++;
	}
}

/* ---- setup ------------------------------------------------------------------------------- */

static void
build(Sim *s, int fifo_depth)
{
	const Mapping *m = s->m;
	const Target *t = m->t;
	int i, k;

	s->u = zalloc((size_t)m->nunit, sizeof *s->u);
	s->ch = zalloc((size_t)m->nlink, sizeof *s->ch);
	for (i = 0; i < m->hu; i++) {
		if (m->copy[i].hi - m->copy[i].lo > s->maxrows)
			s->maxrows = m->copy[i].hi - m->copy[i].lo;
	}
	for (i = 0; i < m->nunit; i++) {
		SUnit *u = &s->u[i];
		const MapUnit *mu = &m->unit[i];

		u->mu = mu;
		u->ii = 1;
		u->last_act = -1;
		if (mu->copy >= 0) {
			u->lo = m->copy[mu->copy].lo;
			u->hi = m->copy[mu->copy].hi;
		}
		if (mu->kind == MAP_PCU) {
			for (k = 0; k < mu->nstage; k++)
				u->depth += mu->stage[k].cycles > 0 ? mu->stage[k].cycles : 1;
			if (u->depth < 1)
				u->depth = 1;
		} else if (mu->role == MAP_WEIGHT) {
			u->lo = mu->slice[0].lo[1];
			u->hi = mu->slice[0].hi[1];
		}
		if (mu->kind == MAP_PMU && mu->reads > 0)
			u->ii = (int)ceil_div64((int64_t)mu->banks, t->pmu.banks > 0 ? t->pmu.banks : 1);
	}
	for (i = 0; i < m->nlink; i++) {
		const MapLink *l = &m->link[i];
		SUnit *src = &s->u[l->src], *dst = &s->u[l->dst];
		Chan *c;

		if (is_side(l->what)) {
			/* a read of an epilogue's PMU (and the write back of state): per row */
			SUnit *pcu = m->unit[l->src].kind == MAP_PCU ? src : dst;
			int pmu = m->unit[l->src].kind == MAP_PCU ? l->dst : l->src;

			pcu->side += l->hops;
			pcu->side_vec += l->vector ? l->hops : 0;
			for (k = 0; k < pcu->naux && pcu->aux[k] != pmu; k++)
				;
			if (k == pcu->naux && k < 4)
				pcu->aux[pcu->naux++] = pmu;
			continue;
		}
		c = &s->ch[s->nch++];
		c->l = l;
		c->lat = l->hops * t->net.hop_cycles;
		if (c->lat < 1)
			c->lat = 1;
		c->cap = fifo_depth + c->lat;
		c->q = zalloc((size_t)c->cap, sizeof *c->q);
		c->at = zalloc((size_t)c->cap, sizeof *c->at);
		c->pop_cycle = -1;
		if (src->nout >= (int)(sizeof src->out / sizeof src->out[0]) ||
		    dst->nin >= (int)(sizeof dst->in / sizeof dst->in[0]))
			IR_BUG("simulator: unit %s has too many links", m->unit[l->src].name);
		src->out[src->nout++] = c;
		/* a dot product's xh input comes first, then its weight parts */
		if (!strcmp(l->what, "xh") && dst->nin) {
			memmove(&dst->in[1], &dst->in[0], (size_t)dst->nin * sizeof dst->in[0]);
			dst->in[0] = c;
			dst->nin++;
		} else {
			dst->in[dst->nin++] = c;
		}
	}
	for (i = 0; i < m->nunit; i++) {
		SUnit *u = &s->u[i];

		/* an epilogue segment reads its table PMU's words in one cycle per bank-full */
		for (k = 0; k < u->naux; k++) {
			int ii = (int)ceil_div64(m->unit[u->aux[k]].banks,
			                         t->pmu.banks > 0 ? t->pmu.banks : 1);

			if (ii > u->ii)
				u->ii = ii;
		}
		if (u->depth) {
			u->pipe = zalloc((size_t)u->depth, sizeof *u->pipe);
			u->full = zalloc((size_t)u->depth, 1);
		}
	}
}

static void
free_sim(Sim *s)
{
	int i;

	for (i = 0; s->u && i < s->m->nunit; i++) {
		free(s->u[i].pipe);
		free(s->u[i].full);
	}
	for (i = 0; i < s->nch; i++) {
		free(s->ch[i].q);
		free(s->ch[i].at);
	}
	free(s->u);
	free(s->ch);
	sim_val_free(&s->val);
}

/* DRAM: cycles to bring `bytes` in at the target's bandwidth, after its latency. */
static int64_t
dram_cycles(const Target *t, int64_t bytes)
{
	double per_cycle = t->dram.bandwidth_gbs * 1e3 / t->clock_mhz;  /* GB/s / (cycles/ns) */

	if (per_cycle <= 0)
		per_cycle = 1;
	return t->dram.latency_cycles + (int64_t)((double)bytes / per_cycle + 0.999999);
}

static void
begin_step(Sim *s)
{
	const Mapping *m = s->m;
	int i;

	s->started = 1;
	s->start = s->now;
	sim_val_input(&s->val, s->step);
	for (i = 0; i < m->nunit; i++) {
		SUnit *u = &s->u[i];

		u->recv = 0;
		u->pos = 0;
		u->next_issue = s->now;
		if (u->mu->role == MAP_XH)
			u->len = (int64_t)m->B * s->maxrows * m->nt;
		else if (u->mu->role == MAP_WEIGHT)
			u->len = (int64_t)m->B * (u->hi - u->lo) * m->nt;
	}
}

/* The cycle class (docs/sim.md), from what happened in it. */
static SimCause
classify(const Sim *s)
{
	if (!s->started)
		return s->now < s->dram_at ? SIM_DRAM : SIM_BARRIER;
	if (s->issued_xh)
		return SIM_COMPUTE;
	if (s->stall_bank)
		return SIM_BANK;
	if (s->stall_bp)
		return SIM_BACKPRESSURE;
	if (s->pipe_tokens)
		return SIM_FILL;
	if (s->chan_tokens)
		return SIM_NETWORK;
	return SIM_BARRIER;
}

/* The next cycle at which something can happen while nothing but wires and timers are busy. */
static int64_t
next_event(const Sim *s)
{
	int64_t best = INT64_MAX;
	int i;

	if (!s->started)
		return s->dram_at > s->now + 1 ? s->dram_at : s->now + 1;
	for (i = 0; i < s->nch; i++) {
		const Chan *c = &s->ch[i];

		if (c->n && c->at[c->head] < best)
			best = c->at[c->head];
	}
	return best == INT64_MAX || best <= s->now ? s->now + 1 : best;
}

static void
snapshot(const Sim *s, Report *r, SimUnitStat *us, int64_t *fl)
{
	memcpy(us, r->unit, (size_t)s->m->nunit * sizeof *us);
	fl[0] = s->flits_v;
	fl[1] = s->flits_s;
}

Report *
sim_run(Ctx *c, const Mapping *m, int T, const SimOptions *o, Memory *mem)
{
	SimOptions opt = o ? *o : (SimOptions){0};
	Sim s;
	Report *r = ir_alloc(&c->arena, sizeof *r);
	const Target *t = m->t;
	int64_t per_step, budget, prev_end = -1, dram_bytes_step;
	int abytes = (m->f->tensors[m->xh].ty.kind == TY_FIX ? m->f->tensors[m->xh].ty.bits : 32) / 8;
	int i, k;
	SimUnitStat *snap;
	int64_t snap_fl[2] = {0, 0};

	if (T < 1)
		T = 1;
	if (opt.fifo_depth <= 0)
		opt.fifo_depth = 4;
	budget = opt.budget > 0 ? opt.budget : 200 * 1000 * 1000;
	memset(&s, 0, sizeof s);
	s.m = m;
	s.t = t;
	s.r = r;
	r->m = m;
	r->T = T;
	r->fifo_depth = opt.fifo_depth;
	r->unit = ir_alloc_array(&c->arena, (size_t)m->nunit, sizeof *r->unit);
	snap = ir_alloc_array(&c->arena, (size_t)m->nunit, sizeof *snap);
	build(&s, opt.fifo_depth);
	/* the steps to simulate: all, or as many as the budget of unit-cycles allows */
	per_step = ((int64_t)m->B * s.maxrows * m->nt + 64) * m->nunit;
	s.steps = opt.max_steps > 0 ? opt.max_steps : (int)(budget / per_step < T ? budget / per_step : T);
	if (s.steps > T)
		s.steps = T;
	if (s.steps < 1)
		s.steps = 1;
	r->simulated = s.steps;
	r->extrapolated = s.steps < T;
	r->step = ir_alloc_array(&c->arena, (size_t)s.steps, sizeof *r->step);
	if (opt.values && mem && sim_val_init(&s.val, m, mem) == 0 && s.val.ok) {
		r->values = 1;
		sim_val_prologue(&s.val);
	} else {
		memset(&s.val, 0, sizeof s.val);
	}
	dram_bytes_step = (int64_t)m->B * m->D * abytes;
	s.dram_at = dram_cycles(t, dram_bytes_step + (int64_t)m->B * m->H * abytes);
	r->dram_bytes = dram_bytes_step + (int64_t)m->B * m->H * abytes;
	for (s.now = 0; s.step < s.steps;) {
		int done = 1;
		SimCause cause;
		int64_t next;

		if (!s.started && s.now >= s.dram_at) {
			begin_step(&s);
			if (s.step + 1 < s.steps)
				s.dram_at = s.now + dram_cycles(t, dram_bytes_step);
			if (s.step == s.steps - 1)
				snapshot(&s, r, snap, snap_fl);
		}
		s.issued_xh = s.stall_bank = s.stall_bp = s.busy = 0;
		for (i = 0; i < m->nunit; i++) {
			SUnit *u = &s.u[i];

			if (u->mu->kind == MAP_PCU)
				pcu_cycle(&s, u);
			else if (u->mu->role == MAP_XH || u->mu->role == MAP_WEIGHT)
				stream_cycle(&s, u);
			if (u->mu->role == MAP_XH)
				xh_recv(&s, u);
		}
		cause = classify(&s);
		/* skip, exactly, cycles where only wires and timers run */
		next = s.now + 1;
		if (!s.busy && !s.pipe_tokens && !s.issued_xh && !s.stall_bank && !s.stall_bp)
			next = next_event(&s);
		if (s.started) {
			for (i = 0; i < m->nunit; i++) {
				if (s.u[i].mu->role == MAP_XH && s.u[i].recv < (int64_t)m->B * m->H)
					done = 0;
			}
		} else {
			done = 0;
		}
		r->step[s.step].cause[cause] += next - s.now;
		if (done) {
			SimStep *st = &r->step[s.step];

			st->cycles = s.now - prev_end;
			st->start = prev_end + 1;
			prev_end = s.now;
			r->dram_bytes += (int64_t)m->B * m->H * abytes + (s.step + 1 < T ? dram_bytes_step : 0);
			s.step++;
			s.started = 0;
			/* the barrier: the next step starts the cycle after the last h arrived */
			if (s.dram_at < s.now + 1)
				s.dram_at = s.now + 1;
		}
		s.now = next;
	}
	/* totals, with the steps not simulated extrapolated from the last simulated one */
	r->cycles = prev_end + 1;
	for (i = 0; i < s.steps; i++) {
		for (k = 0; k < NSIMCAUSE; k++)
			r->cause[k] += r->step[i].cause[k];
	}
	r->flits_vector = s.flits_v;
	r->flits_scalar = s.flits_s;
	if (r->extrapolated) {
		int64_t more = T - s.steps;
		const SimStep *last = &r->step[s.steps - 1];

		r->cycles += more * last->cycles;
		for (k = 0; k < NSIMCAUSE; k++)
			r->cause[k] += more * last->cause[k];
		for (i = 0; i < m->nunit; i++) {
			r->unit[i].active += more * (r->unit[i].active - snap[i].active);
			r->unit[i].issue += more * (r->unit[i].issue - snap[i].issue);
			r->unit[i].stall += more * (r->unit[i].stall - snap[i].stall);
			r->unit[i].bank += more * (r->unit[i].bank - snap[i].bank);
		}
		r->flits_vector += more * (s.flits_v - snap_fl[0]);
		r->flits_scalar += more * (s.flits_s - snap_fl[1]);
		r->dram_bytes += more * ((int64_t)m->B * m->H * abytes + dram_bytes_step);
	}
	free_sim(&s);
	sim_report_figures(r);
	return r;
}
