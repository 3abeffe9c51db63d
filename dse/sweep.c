/* The sweep (sweep.h): the points of a space lowered and modelled on worker threads, the best
 * few simulated, the Pareto front. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"

static const char *const objective_names[DSE_NOBJ] = {"latency", "area", "power", "energy"};

const char *
dse_objective_name(DseObjective o)
{
	return o < DSE_NOBJ ? objective_names[o] : "?";
}

int
dse_objective_find(const char *s)
{
	int i;

	for (i = 0; i < DSE_NOBJ; i++) {
		if (!strcmp(s, objective_names[i]))
			return i;
	}
	return -1;
}

static const char *const strategy_names[DSE_NSTRATEGY] = {
	"auto", "exhaustive", "anneal", "random",
};

const char *
dse_strategy_name(DseStrategy s)
{
	return s < DSE_NSTRATEGY ? strategy_names[s] : "?";
}

int
dse_strategy_find(const char *s)
{
	int i;

	for (i = DSE_STRATEGY_EXHAUSTIVE; i < DSE_NSTRATEGY; i++) {
		if (!strcmp(s, strategy_names[i]))
			return i;
	}
	return -1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the workers ------------------------------------------------------------------------- */

typedef struct Pool {
	DseSweep *w;
	const int64_t *todo;      /* indices of the points to work on, or NULL for 0..n-1 */
	int64_t n, next, done;
	int sim;                  /* simulate instead of evaluate */
	pthread_mutex_t mu;
	double t0, shown;
	const char *what;
} Pool;

static void
show(Pool *pl)
{
	double t = now_s(), rate;

	if (!pl->w->progress || (t - pl->shown < 0.2 && pl->done < pl->n))
		return;
	pl->shown = t;
	rate = pl->done / (t - pl->t0 > 1e-9 ? t - pl->t0 : 1e-9);
	ir_progress(pl->w->progress, "%s %lld of %lld points (%.0f%%), %.0f a second, %.0f s left",
	            pl->what, (long long)pl->done, (long long)pl->n,
	            pl->n ? 100.0 * (double)pl->done / (double)pl->n : 100.0, rate,
	            rate > 0 ? (double)(pl->n - pl->done) / rate : 0.0);
}

static void *
worker(void *arg)
{
	Pool *pl = arg;
	Ctx scratch;

	ir_ctx_init(&scratch);
	for (;;) {
		int64_t i;

		pthread_mutex_lock(&pl->mu);
		i = pl->next < pl->n ? pl->next++ : -1;
		pthread_mutex_unlock(&pl->mu);
		if (i < 0)
			break;
		if (pl->todo)
			i = pl->todo[i];
		if (pl->sim)
			dse_simulate(&scratch, pl->w, &pl->w->res[i]);
		else
			dse_evaluate(&scratch, pl->w, &pl->w->res[i]);
		pthread_mutex_lock(&pl->mu);
		if (pl->w->cache)
			dse_cache_put(pl->w->cache, &pl->w->res[i], pl->sim);
		pl->done++;
		show(pl);
		pthread_mutex_unlock(&pl->mu);
	}
	ir_ctx_free(&scratch);
	return NULL;
}

void
dse_pool_run(DseSweep *w, const int64_t *todo, int64_t n, int sim, const char *what)
{
	Pool pl = {w, todo, n, 0, 0, sim, PTHREAD_MUTEX_INITIALIZER, now_s(), 0, what};
	pthread_t th[64];
	int jobs = w->jobs < 1 ? 1 : w->jobs > 64 ? 64 : w->jobs, j, started = 0;

	if (jobs > n)
		jobs = n > 0 ? (int)n : 1;
	for (j = 1; j < jobs; j++) {
		if (pthread_create(&th[started], NULL, worker, &pl))
			break;  /* fewer threads: the work is the same */
		started++;
	}
	worker(&pl);
	for (j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	if (w->progress)
		ir_progress_end(w->progress);
}

/* ---- ranking ----------------------------------------------------------------------------- */

/* x dominates y: no worse in every objective, better in one */
static int
dominates(const DseResult *x, const DseResult *y)
{
	if (x->cycles > y->cycles || x->area_mm2 > y->area_mm2 || x->power_mw > y->power_mw ||
	    x->energy_uj > y->energy_uj)
		return 0;
	return x->cycles < y->cycles || x->area_mm2 < y->area_mm2 || x->power_mw < y->power_mw ||
	       x->energy_uj < y->energy_uj;
}

/* In the objectives' order a dominating point comes first, and a point dominated by another
 * is dominated by one on the front: each point needs comparing with the front so far only. */
static void
pareto(DseSweep *w, int64_t *order, int64_t n)
{
	int64_t *front = malloc((size_t)(n ? n : 1) * sizeof *front), nf = 0, i, j;

	if (!front)
		IR_BUG("out of memory");
	for (i = 0; i < n; i++) {
		DseResult *r = &w->res[order[i]];

		for (j = 0; j < nf && !dominates(&w->res[front[j]], r); j++)
			;
		if (j < nf) {
			r->dominator = front[j];
			continue;
		}
		r->front = 1;
		front[nf++] = order[i];
	}
	w->front = nf;
	free(front);
}

static int
in_shard(const DseSweep *w, int64_t i)
{
	return w->shard_n <= 1 || i % w->shard_n == w->shard_k - 1;
}

int
dse_sweep_plan(Ctx *c, DseSweep *w)
{
	w->used = w->strategy;
	if (w->strategy == DSE_STRATEGY_EXHAUSTIVE) {
		w->space_points = w->npoints = dse_enumerate(w, NULL);
		return 0;
	}
	w->space_points = dse_count(w, DSE_EXHAUSTIVE_MAX);
	if (w->strategy == DSE_STRATEGY_AUTO) {
		w->switched = w->space_points > DSE_EXHAUSTIVE_MAX;
		w->used = w->switched ? DSE_STRATEGY_ANNEAL : DSE_STRATEGY_EXHAUSTIVE;
	}
	if (w->used == DSE_STRATEGY_EXHAUSTIVE) {
		w->npoints = w->space_points;
		return 0;
	}
	if (w->samples <= 0)
		w->samples = DSE_SAMPLES_DEFAULT;
	/* a walk's next point depends on the last ones: it is not cut in shards */
	if (w->shard_n > 1 || w->merge) {
		ir_error(c, (Loc){0}, "the %s strategy does not run in shards: run it whole (it visits "
		         "%lld points), or shard an exhaustive sweep (--strategy exhaustive)",
		         dse_strategy_name(w->used), (long long)w->samples);
		return -1;
	}
	w->npoints = w->space_points;  /* 0: an empty space */
	return 0;
}

int
dse_sweep_run(Ctx *c, DseSweep *w)
{
	int64_t i, *order, *tmp, nlegal = 0, ntodo = 0, nsim, nrank = 0;

	w->best = -1;
	if (w->used == DSE_STRATEGY_AUTO && dse_sweep_plan(c, w) < 0)
		return -1;
	if (w->npoints == 0) {
		ir_error(c, (Loc){0}, "the space of the sweep is empty: no point of the knobs' values "
		         "can be a design on '%s' (%d PCUs)", w->target->name, ir_target_pcus(w->target));
		return -1;
	}
	if (dse_make_variants(c, w) < 0) {
		if (!w->var)
			ir_error(c, (Loc){0}, "out of memory");
		return -1;
	}
	if (w->used != DSE_STRATEGY_EXHAUSTIVE) {
		/* the walk evaluates as it goes, resuming from the cache's records */
		if (w->cache_dir && dse_cache_open(c, w, w->cache_dir, "all") < 0) {
			dse_cache_close(w);
			return -1;
		}
		if (dse_walk(w) < 0) {
			ir_error(c, (Loc){0}, "out of memory");
			dse_cache_close(w);
			return -1;
		}
		if (w->npoints == 0) {
			ir_error(c, (Loc){0}, "the %s walk drew no point that can be a design: narrow the "
			         "space with --set", dse_strategy_name(w->used));
			dse_cache_close(w);
			return -1;
		}
	} else {
		if (!(w->res = calloc((size_t)w->npoints, sizeof *w->res))) {
			ir_error(c, (Loc){0}, "the sweep's %lld points do not fit in memory",
			         (long long)w->npoints);
			return -1;
		}
		dse_enumerate(w, w->res);
	}
	order = malloc((size_t)w->npoints * sizeof *order);
	tmp = malloc((size_t)w->npoints * sizeof *tmp);
	if (!order || !tmp) {
		free(order);
		free(tmp);
		ir_error(c, (Loc){0}, "the sweep's %lld points do not fit in memory",
		         (long long)w->npoints);
		dse_cache_close(w);
		return -1;
	}
	if (w->cache_dir && w->used == DSE_STRATEGY_EXHAUSTIVE) {
		char tag[32] = "all";

		if (w->shard_n > 1)
			snprintf(tag, sizeof tag, "%dof%d", w->shard_k, w->shard_n);
		if (dse_cache_open(c, w, w->cache_dir, tag) < 0)
			goto fail;
	}
	for (i = 0; i < w->npoints; i++) {
		if (!w->res[i].done && in_shard(w, i))
			order[ntodo++] = i;
	}
	if (w->merge && ntodo) {
		ir_error(c, (Loc){0}, "%lld of the sweep's %lld points are not in %s/cache: a shard has "
		         "not finished (rerun it with the same options), or the shards ran another spec, "
		         "target or rnnc", (long long)ntodo, (long long)w->npoints, w->cache_dir);
		goto fail;
	}
	w->evaluated += ntodo;
	dse_pool_run(w, order, ntodo, 0, w->shard_n > 1 ? "shard:" : "sweep:");
	for (i = 0; i < w->npoints; i++) {
		DseResult *r = &w->res[i];

		if (!r->done)
			continue;
		if (r->maps)
			order[nlegal++] = i;
		else
			w->nfail[r->why.kind <= MAP_FAIL_OTHER ? r->why.kind : MAP_FAIL_OTHER]++;
	}
	w->legal = nlegal;
	dse_rank_by(w->res, DSE_NOBJ, order, tmp, nlegal);
	pareto(w, order, nlegal);
	/* the model's best few in the objective, within the constraints, simulated: the best
	 * simulated one is the best (a shard ranks its own points: the best few of the whole
	 * sweep are among the best few of their shards) */
	for (i = 0; i < nlegal; i++) {
		DseResult *r = &w->res[order[i]];

		r->meets = dse_within(w, r);
		if (r->meets)
			w->meets++;
		if (r->meets && in_shard(w, order[i]))
			order[nrank++] = order[i];
	}
	dse_rank_by(w->res, w->objective, order, tmp, nrank);
	nsim = w->simulate < nrank ? w->simulate : nrank;
	/* the best few only: what the cache holds of other points is not shown, so the output
	 * does not depend on what earlier runs simulated */
	for (i = 0; i < nsim; i++)
		w->res[order[i]].meets = 2;
	for (i = 0; i < w->npoints; i++) {
		DseResult *r = &w->res[i];

		if (r->meets == 2) {
			r->meets = 1;
			if (!r->sim_done)
				tmp[w->simulated_here++] = i;
		} else if (r->sim_done) {
			r->sim_done = 0;
			r->sim_cycles = -1;
			r->sim_power_mw = r->sim_energy_uj = 0;
		}
	}
	dse_pool_run(w, tmp, w->simulated_here, 1, "simulating:");
	w->nsim = (int)nsim;
	for (i = 0; i < nsim; i++) {
		const DseResult *r = &w->res[order[i]];
		double err = r->sim_cycles > 0 ?
		             (double)llabs(r->cycles - r->sim_cycles) / (double)r->sim_cycles : 0;

		w->err_mean += err / (double)nsim;
		if (err > w->err_max)
			w->err_max = err;
		if (w->best < 0 || dse_better(w->res, w->objective, 1, order[i], w->best))
			w->best = order[i];
	}
	if (w->best < 0 && nrank)
		w->best = order[0];
	free(order);
	free(tmp);
	dse_cache_close(w);
	return 0;
fail:
	free(order);
	free(tmp);
	dse_cache_close(w);
	return -1;
}

void
dse_sweep_free(DseSweep *w)
{
	free(w->res);
	free(w->var);
	w->res = NULL;
	w->var = NULL;
}
