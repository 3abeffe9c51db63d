/* The heuristic (eval.h, dse_walk): for a space too large to visit, a seeded walk over the
 * positions of the knobs' values, within a budget of samples (points lowered and modelled).
 *
 * anneal: CHAINS chains of simulated annealing, each starting at a point drawn at random. A
 * move changes one knob that has more than one value: by one position half the time, else by
 * a distance drawn towards the short (u^3 of the knob's length), so that a long range such as
 * hu 1 to 192 is crossed in a few moves. A point's energy is the log of its objective by the
 * model (relative differences are what matter); one beyond the limits costs 100 more and the
 * log of how far beyond, one that does not map 1000 more and the log of need over have (the
 * way out of a region where nothing fits). A worse point is taken with probability
 * exp(-dE / T), T falling geometrically from T0 to T1 as the samples are spent. A chain whose
 * moves keep meeting points already visited starts again at a random point. The last tenth of
 * the samples polishes: the best points found, best first, with every neighbour one position
 * away (then, if any samples are left, the chains go on).
 * random: points drawn uniformly over the space's designs. A budget as large as the space
 * visits every point.
 *
 * Each round every chain proposes one point; the new ones are evaluated together on the
 * workers (or taken from the cache), then the chains accept or reject in their order. Every
 * draw is from the chains' own generators (splitmix64 from the seed), so the points visited,
 * and the files, are the same for every number of workers, and a resumed walk, whose points
 * come back from the cache with the same bits, walks the same way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"

enum {
	CHAINS = 16,        /* chains; a round's batch for the workers is one point of each */
	TRIES = 256,        /* draws for a point that can be a design before a chain sits out */
	IDLE_ROUNDS = 256,  /* rounds in a row with nothing new before the walk stops */
};

static const double T0 = 0.5, T1 = 0.002;

/* splitmix64 (Steele, Lea and Flood, 2014): one state word, every seed a good stream */
static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double
rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* uniform in [0, n), n > 0 (the modulo's bias is below 2^-40 for the lengths of knobs) */
static int
rng_below(uint64_t *s, int n)
{
	return (int)(rng_next(s) % (uint64_t)n);
}

typedef struct Chain {
	uint64_t rng;
	int64_t cur;   /* the visited point it stands on, or -1 */
	int64_t prop;  /* this round's proposal, or -1 */
	int fresh;     /* ... a point not visited before */
	int stale;     /* proposals in a row that were visited before */
} Chain;

typedef struct Walk {
	DseSweep *w;
	const DseSpace *sp;
	int knob[DSE_NKNOB], nknob;  /* the knobs with more than one value */
	int *pos;                    /* DSE_NKNOB positions per visited point */
	int64_t n, cap;              /* visited points (w->res[0..n)) */
	int64_t *slot, mask;         /* their positions hashed: index + 1, 0 empty */
	int64_t *todo, ntodo;        /* this round's points to evaluate */
	int64_t evaluated;
} Walk;

static uint64_t
pos_hash(const int *p)
{
	return dse_hash(0xcbf29ce484222325ull, p, DSE_NKNOB * sizeof *p);
}

static int64_t
find(const Walk *k, const int *p)
{
	int64_t h;

	if (!k->slot)
		return -1;
	for (h = (int64_t)(pos_hash(p) & (uint64_t)k->mask); k->slot[h]; h = (h + 1) & k->mask) {
		if (!memcmp(&k->pos[(k->slot[h] - 1) * DSE_NKNOB], p, DSE_NKNOB * sizeof *p))
			return k->slot[h] - 1;
	}
	return -1;
}

static void
put_slot(Walk *k, int64_t i)
{
	int64_t h = (int64_t)(pos_hash(&k->pos[i * DSE_NKNOB]) & (uint64_t)k->mask);

	while (k->slot[h])
		h = (h + 1) & k->mask;
	k->slot[h] = i + 1;
}

/* Room for one more visited point; -1 when memory runs out. */
static int
grow(Walk *k)
{
	int64_t cap = k->cap ? 2 * k->cap : 256, i;
	DseResult *res;
	int *pos;
	int64_t *todo;

	if (k->n < k->cap)
		return 0;
	if (!(res = realloc(k->w->res, (size_t)cap * sizeof *res)))
		return -1;
	k->w->res = res;
	if (!(pos = realloc(k->pos, (size_t)cap * DSE_NKNOB * sizeof *pos)))
		return -1;
	k->pos = pos;
	if (!(todo = realloc(k->todo, (size_t)cap * sizeof *todo)))
		return -1;
	k->todo = todo;
	free(k->slot);
	k->mask = 2 * cap - 1;
	if (!(k->slot = calloc((size_t)(2 * cap), sizeof *k->slot)))
		return -1;
	k->cap = cap;
	for (i = 0; i < k->n; i++)
		put_slot(k, i);
	return 0;
}

/* p: a point drawn uniformly (every knob's position), or a move from the chain's point. */
static void
draw(const Walk *k, Chain *ch, int *p)
{
	const DseSpace *sp = k->sp;
	int d, knob, n, dist, dir, v;

	if (ch->cur < 0 || k->nknob == 0 || k->w->used == DSE_STRATEGY_RANDOM) {
		for (d = 0; d < DSE_NKNOB; d++)
			p[d] = sp->n[d] > 1 ? rng_below(&ch->rng, sp->n[d]) : 0;
		return;
	}
	memcpy(p, &k->pos[ch->cur * DSE_NKNOB], DSE_NKNOB * sizeof *p);
	knob = k->knob[rng_below(&ch->rng, k->nknob)];
	n = sp->n[knob];
	dist = 1;
	if (rng_unit(&ch->rng) < 0.5) {
		double u = rng_unit(&ch->rng);

		dist = 1 + (int)((n - 1) * u * u * u);
	}
	dir = rng_next(&ch->rng) & 1 ? 1 : -1;
	v = p[knob] + dir * dist;
	if (v < 0 || v >= n)
		v = p[knob] - dir * dist;  /* off one end: the other way */
	if (v < 0 || v >= n)
		v = dir > 0 ? n - 1 : 0;
	p[knob] = v;
}

/* Adds the design at positions p, not visited before, queued to evaluate unless the cache has
 * it; its index, or -1 when memory runs out. */
static int64_t
add(Walk *k, const int *p)
{
	DseSweep *w = k->w;
	int64_t i;

	if (grow(k) < 0)
		return -1;
	i = k->n++;
	memcpy(&k->pos[i * DSE_NKNOB], p, DSE_NKNOB * sizeof *p);
	dse_point_at(w, p, dse_grid_pcus(w, p), &w->res[i]);
	put_slot(k, i);
	if (!(w->ctab && dse_cache_take(w, &w->res[i]))) {
		k->todo[k->ntodo++] = i;
		k->evaluated++;
	}
	return i;
}

/* A budget as large as the space: every point, in order, in batches of the workers. */
static int
visit_all(Walk *k)
{
	DseSweep *w = k->w;
	int p[DSE_NKNOB] = {0}, d;

	for (;;) {
		if (dse_point_at(w, p, dse_grid_pcus(w, p), NULL) && add(k, p) < 0)
			return -1;
		if (k->ntodo >= 256) {
			dse_pool_run(w, k->todo, k->ntodo, 0, "");
			k->ntodo = 0;
		}
		for (d = DSE_NKNOB - 1; d >= 0; d--) {
			if (++p[d] < k->sp->n[d])
				break;
			p[d] = 0;
		}
		if (d < 0)
			break;
	}
	dse_pool_run(w, k->todo, k->ntodo, 0, "");
	k->ntodo = 0;
	return 0;
}

/* The chain's proposal for this round (ch->prop, -1: none), a new point queued to evaluate
 * unless the cache has it; -1 when memory runs out. */
static int
propose(Walk *k, Chain *ch, int64_t samples)
{
	DseSweep *w = k->w;
	int p[DSE_NKNOB], t;
	int64_t i;

	ch->prop = -1;
	ch->fresh = 0;
	for (t = 0; t < TRIES; t++) {
		draw(k, ch, p);
		if (dse_point_at(w, p, dse_grid_pcus(w, p), NULL))
			break;
	}
	if (t == TRIES)
		return 0;
	if ((i = find(k, p)) >= 0) {
		ch->prop = i;
		return 0;
	}
	if (k->n >= samples)
		return 0;  /* the budget is spent: only points visited before */
	if ((i = add(k, p)) < 0)
		return -1;
	ch->prop = i;
	ch->fresh = 1;
	return 0;
}

/* The point's energy: the lower the better (see the top of this file). */
static double
energy(const DseSweep *w, const DseResult *r)
{
	double e, v;

	if (!r->maps) {
		double over = r->why.have > 0 && r->why.need > r->why.have ?
		              (double)r->why.need / (double)r->why.have : 2;

		return 1000 + log(over);
	}
	v = dse_objective_value(r, w->objective, 0);
	e = log(v > 1e-300 ? v : 1e-300);
	if (!dse_within(w, r)) {
		e += 100;
		if (w->max_area_mm2 > 0 && r->area_mm2 > w->max_area_mm2)
			e += log(r->area_mm2 / w->max_area_mm2);
		if (w->max_power_mw > 0 && r->power_mw > w->max_power_mw)
			e += log(r->power_mw / w->max_power_mw);
		if (w->max_pcus > 0 && r->pcus > w->max_pcus)
			e += log((double)r->pcus / w->max_pcus);
	}
	return e;
}

static void
step(Walk *k, Chain *ch, double temp)
{
	const DseSweep *w = k->w;
	double u = rng_unit(&ch->rng), de;

	if (ch->prop < 0)
		return;
	ch->stale = ch->fresh ? 0 : ch->stale + 1;
	if (ch->cur < 0) {
		ch->cur = ch->prop;
		return;
	}
	de = energy(w, &w->res[ch->prop]) - energy(w, &w->res[ch->cur]);
	if (de <= 0 || u < exp(-de / temp))
		ch->cur = ch->prop;
	/* every move from here met a visited point: start again elsewhere */
	if (ch->stale > 4 * k->nknob + 8) {
		ch->cur = -1;
		ch->stale = 0;
	}
}

/* a before b in the space's order: the positions compared knob by knob */
static int
pos_before(const Walk *k, int64_t a, int64_t b)
{
	const int *x = &k->pos[a * DSE_NKNOB], *y = &k->pos[b * DSE_NKNOB];
	int d;

	for (d = 0; d < DSE_NKNOB; d++) {
		if (x[d] != y[d])
			return x[d] < y[d];
	}
	return 0;
}

static void
sort_by_pos(const Walk *k, int64_t *v, int64_t *tmp, int64_t n)
{
	int64_t h = n / 2, i = 0, j = h, m = 0;

	if (n < 2)
		return;
	sort_by_pos(k, v, tmp, h);
	sort_by_pos(k, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[m++] = pos_before(k, v[j], v[i]) ? v[j++] : v[i++];
	while (i < h)
		tmp[m++] = v[i++];
	while (j < n)
		tmp[m++] = v[j++];
	memcpy(v, tmp, (size_t)n * sizeof *v);
}

/* The visited points into the space's order: the files list them as an exhaustive sweep would. */
static int
reorder(Walk *k)
{
	DseSweep *w = k->w;
	int64_t *v = malloc((size_t)(k->n ? k->n : 1) * sizeof *v), *tmp, i;
	DseResult *res;

	tmp = malloc((size_t)(k->n ? k->n : 1) * sizeof *tmp);
	res = malloc((size_t)(k->n ? k->n : 1) * sizeof *res);
	if (!v || !tmp || !res) {
		free(v);
		free(tmp);
		free(res);
		return -1;
	}
	for (i = 0; i < k->n; i++)
		v[i] = i;
	sort_by_pos(k, v, tmp, k->n);
	for (i = 0; i < k->n; i++)
		res[i] = w->res[v[i]];
	free(w->res);
	w->res = res;
	free(v);
	free(tmp);
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Rounds of the chains until `until` points are visited (or the space seems spent); the
 * temperature by the points visited of all the samples. */
static int
anneal(Walk *k, Chain *ch, int64_t until, int64_t samples, Ctx *progress)
{
	DseSweep *w = k->w;
	int j, idle = 0, rc = 0;
	double shown = 0;

	while (k->n < until && k->n < w->space_points && idle < IDLE_ROUNDS) {
		int64_t n0 = k->n;
		double temp = T0 * pow(T1 / T0, (double)k->n / (double)samples);

		k->ntodo = 0;
		for (j = 0; j < CHAINS && rc == 0; j++)
			rc = propose(k, &ch[j], until);
		if (rc < 0)
			return -1;
		dse_pool_run(w, k->todo, k->ntodo, 0, "");
		for (j = 0; j < CHAINS; j++)
			step(k, &ch[j], temp);
		idle = k->n > n0 ? 0 : idle + 1;
		if (progress && now_s() - shown > 0.2) {
			shown = now_s();
			ir_progress(progress, "%s: %lld of %lld samples", dse_strategy_name(w->used),
			            (long long)k->n, (long long)samples);
		}
	}
	return 0;
}

typedef struct Key {
	double e;
	int64_t i;
} Key;

static int
key_cmp(const void *a, const void *b)
{
	const Key *x = a, *y = b;

	if (x->e != y->e)
		return x->e < y->e ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The polish: the best points visited, CHAINS a round in the order of their energy, each
 * with its neighbours one position away along each knob, until the samples are spent or every
 * point's neighbours are visited: the bottom of the valleys the chains found. */
static int
polish(Walk *k, int64_t samples)
{
	DseSweep *w = k->w;
	char *done = NULL;
	Key *key = NULL;
	int64_t have = 0;
	int rc = 0;

	while (k->n < samples) {
		int64_t n = k->n, i, t;
		int picked = 0;
		char *nd = n ? realloc(done, (size_t)n) : NULL;
		Key *nk = nd ? realloc(key, (size_t)n * sizeof *key) : NULL;

		if (nd)
			done = nd;
		if (!nk) {
			rc = n ? -1 : 0;  /* nothing visited: nothing to polish */
			break;
		}
		key = nk;
		memset(done + have, 0, (size_t)(n - have));
		have = n;
		for (i = 0; i < n; i++) {
			key[i].e = energy(w, &w->res[i]);
			key[i].i = i;
		}
		qsort(key, (size_t)n, sizeof *key, key_cmp);
		k->ntodo = 0;
		for (t = 0; t < n && picked < CHAINS && k->n < samples && rc == 0; t++) {
			int d, dir;

			if (done[i = key[t].i])
				continue;
			done[i] = 1;
			picked++;
			for (d = 0; d < k->nknob && rc == 0; d++) {
				for (dir = -1; dir <= 1 && k->n < samples; dir += 2) {
					int p[DSE_NKNOB], knob = k->knob[d];

					memcpy(p, &k->pos[i * DSE_NKNOB], sizeof p);
					p[knob] += dir;
					if (p[knob] < 0 || p[knob] >= k->sp->n[knob] ||
					    !dse_point_at(w, p, dse_grid_pcus(w, p), NULL) || find(k, p) >= 0)
						continue;
					if (add(k, p) < 0) {
						rc = -1;
						break;
					}
				}
			}
		}
		dse_pool_run(w, k->todo, k->ntodo, 0, "");
		k->ntodo = 0;
		if (picked == 0 || rc < 0)
			break;
	}
	free(done);
	free(key);
	return rc;
}

int
dse_walk(DseSweep *w)
{
	Walk k;
	Chain ch[CHAINS];
	Ctx *progress = w->progress;
	int64_t samples = w->samples > 0 ? w->samples : DSE_SAMPLES_DEFAULT;
	uint64_t s = w->seed;
	int j, rc = 0;

	memset(&k, 0, sizeof k);
	k.w = w;
	k.sp = w->space;
	for (j = 0; j < DSE_NKNOB; j++) {
		if (w->space->n[j] > 1)
			k.knob[k.nknob++] = j;
	}
	free(w->res);
	w->res = NULL;
	/* each chain its own stream, from the seed */
	for (j = 0; j < CHAINS; j++) {
		ch[j].rng = rng_next(&s);
		ch[j].cur = -1;
		ch[j].stale = 0;
	}
	w->progress = NULL;  /* the rounds' batches are too small to show: the walk shows itself */
	/* (a count past DSE_EXHAUSTIVE_MAX is not the space's size) */
	if (w->space_points <= samples && w->space_points <= DSE_EXHAUSTIVE_MAX)
		rc = visit_all(&k);
	if (rc == 0 && w->used == DSE_STRATEGY_ANNEAL) {
		rc = anneal(&k, ch, samples - samples / 10, samples, progress);
		if (rc == 0)
			rc = polish(&k, samples);
	}
	if (rc == 0)
		rc = anneal(&k, ch, samples, samples, progress);
	if (progress)
		ir_progress_end(progress);
	w->progress = progress;
	w->npoints = k.n;
	w->evaluated = k.evaluated;
	if (rc == 0)
		rc = reorder(&k);
	free(k.pos);
	free(k.slot);
	free(k.todo);
	return rc;
}
