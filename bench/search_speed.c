/* search_speed: how fast the design-space search evaluates points and searches the suite.
 *
 *   search_speed [--points N] [--rate-only | --suite-only] [-j N] [NAME...]
 *
 * First the analytic evaluation rate: for a few DeepBench problems (default lstm-512-t25,
 * lstm-1024-t25, gru-1024-t1500, rnn-64-t96) on both built-in targets, up to N points
 * (default 4000) of the sweep's default space, spread evenly over it, each evaluated on one
 * thread as the sweep does it: one dse_lower (schedule, then mapping: the units placed, the
 * links routed) and, when it maps, one model_estimate. The points per second per core are
 * given for the points that map and for those rejected, with the time split between the
 * lowering and the model, and set against MAESTRO's published rate (Kwon et al.: 170,000
 * designs a second, as the requirement gives it), whose analytic model takes a mapping as
 * given; rnnc's evaluation builds one, unit by unit, for every point.
 *
 * Then the suite: every DeepBench problem's default search on plasticine-rnn, as
 * `rnnc deepbench:NAME --target plasticine-rnn` runs it (dse_choose_for: the fabric sized, the
 * stream-bounded search, its finalists simulated), per problem and in all, against the target
 * of two minutes on two cores. The search itself is sequential; -j N (default 1) searches N
 * problems at once, each on its own thread. Progress goes to stderr. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deepbench/db.h"
#include "driver/driver.h"
#include "dse/eval.h"
#include "ir/ctx.h"
#include "sim/model.h"

/* MAESTRO's published rate of analytic evaluations (Kwon et al.), as the requirement states it */
#define MAESTRO_RATE 170000.0
#define RATE_TARGET 100000.0
#define SUITE_TARGET_S 120.0

static const char *const default_problems[] = {
	"lstm-512-t25", "lstm-1024-t25", "gru-1024-t1500", "rnn-64-t96",
};
static const char *const targets[] = {"plasticine", "plasticine-rnn"};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* the thread's CPU time: a rate per core that other work on the machine does not dilute */
static double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The spec, target and quantized nest of deepbench:NAME on target; 0, or -1 after errors. */
static int
prepare(Ctx *c, const char *name, const char *target, CellSpec *s, Target *t,
        const Func **fixed)
{
	Options o;
	const Func *fp32;

	memset(&o, 0, sizeof o);
	o.inputs[0] = ir_sprintf(&c->arena, "deepbench:%s", name);
	o.ninputs = 1;
	o.target = target;
	o.verbosity = -1;
	o.jobs = 1;
	return drv_prepare(c, &o, s, t, fixed, &fp32);
}

typedef struct Rate {
	int64_t n[2];       /* points rejected, mapped */
	double lower[2];    /* seconds in dse_lower */
	double model;       /* seconds in model_estimate */
} Rate;

/* Up to npts points of the space of name on target, evaluated one by one into *rt. */
static int
rate_one(const char *name, const char *target, int64_t npts, Rate *rt)
{
	Ctx c, scratch;
	CellSpec s;
	Target t;
	const Func *fixed;
	DseSpace sp;
	DseSweep w;
	DseResult *res;
	Rate r = {{0, 0}, {0, 0}, 0};
	int64_t i, step;
	int rows, cols;

	ir_ctx_init(&c);
	if (prepare(&c, name, target, &s, &t, &fixed) < 0)
		return drv_finish(&c, 1);
	/* weights that do not fit: the fabric the search would grow to hold them */
	if (ir_spec_weight_bytes(&s) > ir_target_onchip_bytes(&t) &&
	    dse_fabric_for(&s, &t, &rows, &cols) == 0) {
		t.rows = rows;
		t.cols = cols;
	}
	dse_space_init(&c, &sp, &s, &t);
	memset(&w, 0, sizeof w);
	w.spec = &s;
	w.fixed = fixed;
	w.target = &t;
	w.space = &sp;
	w.npoints = dse_enumerate(&w, NULL);
	res = calloc((size_t)(w.npoints ? w.npoints : 1), sizeof *res);
	if (!res || dse_make_variants(&c, &w) < 0) {
		free(res);
		free(w.var);
		return drv_finish(&c, 1);
	}
	dse_enumerate(&w, res);
	step = w.npoints > npts ? (w.npoints + npts - 1) / npts : 1;
	ir_ctx_init(&scratch);
	for (i = 0; i < w.npoints; i += step) {
		const DseResult *p = &res[i];
		Target pt = dse_point_target(&w, p);
		DsePoint q = {&w.var[p->var].spec, w.var[p->var].fixed, &pt, p->k};
		DseDesign d;
		ModelEstimate e;
		double t0, t1;
		int ok;

		ir_ctx_reset(&scratch);
		t0 = cpu_s();
		ok = dse_lower(&scratch, &q, &d) == 0;
		t1 = cpu_s();
		r.lower[ok] += t1 - t0;
		r.n[ok]++;
		if (ok) {
			model_estimate(d.map, s.timesteps, &e);
			r.model += cpu_s() - t1;
		}
	}
	printf("%-16s %-15s %7lld %7lld %7lld %10.0f %10.0f %10.0f %6.1f%%\n", name, target,
	       (long long)w.npoints, (long long)r.n[1], (long long)r.n[0],
	       r.n[1] ? (double)r.n[1] / (r.lower[1] + r.model) : 0.0,
	       r.n[0] ? (double)r.n[0] / r.lower[0] : 0.0,
	       (double)(r.n[0] + r.n[1]) / (r.lower[0] + r.lower[1] + r.model),
	       r.n[1] ? 100.0 * r.model / (r.lower[1] + r.model) : 0.0);
	fflush(stdout);
	rt->n[0] += r.n[0];
	rt->n[1] += r.n[1];
	rt->lower[0] += r.lower[0];
	rt->lower[1] += r.lower[1];
	rt->model += r.model;
	ir_ctx_free(&scratch);
	free(res);
	free(w.var);
	return drv_finish(&c, 0);
}

static int
rates(const char *const *names, int nnames, int64_t npts)
{
	Rate all = {{0, 0}, {0, 0}, 0};
	double tm, tr, ta;
	int i, j, rc = 0;

	printf("analytic evaluation, one thread (its CPU time): up to %lld points a problem, spread over its space; "
	       "a point: dse_lower (schedule, map: place, route), and model_estimate when it maps\n",
	       (long long)npts);
	printf("%-16s %-15s %7s %7s %7s %10s %10s %10s %7s\n", "problem", "target", "space",
	       "mapped", "reject", "mapped/s", "reject/s", "all/s", "model");
	for (i = 0; i < nnames; i++) {
		for (j = 0; j < 2; j++) {
			fprintf(stderr, "search_speed: rate %s on %s\n", names[i], targets[j]);
			rc |= rate_one(names[i], targets[j], npts, &all);
		}
	}
	tm = all.lower[1] + all.model;
	tr = all.lower[0];
	ta = tm + tr;
	printf("\nin all: %lld points, %lld mapped, %lld rejected, %.3f s\n",
	       (long long)(all.n[0] + all.n[1]), (long long)all.n[1], (long long)all.n[0], ta);
	printf("  mapped points:   %10.0f a second per core; of their time %.1f%% lowering "
	       "(schedule, place, route), %.1f%% the model\n", all.n[1] ? all.n[1] / tm : 0.0,
	       tm > 0 ? 100.0 * all.lower[1] / tm : 0.0, tm > 0 ? 100.0 * all.model / tm : 0.0);
	printf("  rejected points: %10.0f a second per core (lowering until the mapping fails)\n",
	       all.n[0] ? all.n[0] / tr : 0.0);
	printf("  all points:      %10.0f a second per core: %.2fx the requirement's 100,000 and "
	       "%.2fx MAESTRO's published 170,000 designs a second (Kwon et al.)\n",
	       ta > 0 ? (all.n[0] + all.n[1]) / ta : 0.0,
	       ta > 0 ? (all.n[0] + all.n[1]) / ta / RATE_TARGET : 0.0,
	       ta > 0 ? (all.n[0] + all.n[1]) / ta / MAESTRO_RATE : 0.0);
	printf("  (a point here is scheduled, and mapped with every unit placed and every link "
	       "routed before the model runs; MAESTRO's analytic model takes the mapping as given)\n\n");
	fflush(stdout);
	return rc;
}

/* ---- the suite --------------------------------------------------------------------------- */

typedef struct Job {
	char name[64];
	double prep_s, search_s;
	int64_t lowered, simulated;
	Knobs k;
	int ok;
} Job;

typedef struct Suite {
	Job *job;
	size_t n, next, done;
	pthread_mutex_t mu;
} Suite;

static void
search_one(Job *j)
{
	Ctx c;
	CellSpec s;
	Target t;
	const Func *fixed;
	DseChoice ch;
	DseGoal goal = {DSE_OBJ_LATENCY, 0, 0, 0, DSE_STRATEGY_AUTO, 0, 0};
	double t0 = now_s(), t1;

	ir_ctx_init(&c);
	if (prepare(&c, j->name, "plasticine-rnn", &s, &t, &fixed) < 0) {
		drv_finish(&c, 1);
		return;
	}
	t1 = now_s();
	j->prep_s = t1 - t0;
	j->ok = dse_choose_for(&c, &s, fixed, &t, &goal, &ch) == 0 && !ch.no_default;
	j->search_s = now_s() - t1;
	j->lowered = ch.search.modelled;
	j->simulated = ch.search.simulated;
	j->k = ch.knobs;
	drv_finish(&c, 0);
}

static void *
suite_worker(void *arg)
{
	Suite *su = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&su->mu);
		i = su->next < su->n ? su->next++ : su->n;
		pthread_mutex_unlock(&su->mu);
		if (i == su->n)
			return NULL;
		search_one(&su->job[i]);
		pthread_mutex_lock(&su->mu);
		su->done++;
		fprintf(stderr, "search_speed: suite %zu of %zu (%s, %.2f s)\n", su->done, su->n,
		        su->job[i].name, su->job[i].search_s);
		pthread_mutex_unlock(&su->mu);
	}
}

static int
suite(int jobs)
{
	Suite su = {NULL, db_spec_count(), 0, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[64];
	double t0, wall, prep = 0, search = 0;
	int64_t lowered = 0;
	size_t i;
	int j, started = 0, fails = 0;

	su.job = calloc(su.n ? su.n : 1, sizeof *su.job);
	if (!su.job)
		return 1;
	for (i = 0; i < su.n; i++) {
		Ctx c;

		ir_ctx_init(&c);
		snprintf(su.job[i].name, sizeof su.job[i].name, "%s/%s", db_spec_set(db_spec(i)),
		         db_spec_name(&c, db_spec(i)));
		ir_ctx_free(&c);
	}
	t0 = now_s();
	for (j = 1; j < jobs && j < 64; j++) {
		if (pthread_create(&th[started], NULL, suite_worker, &su))
			break;
		started++;
	}
	suite_worker(&su);
	for (j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	wall = now_s() - t0;
	printf("the suite's default searches on plasticine-rnn (dse_choose_for, finalists "
	       "simulated), %d problem%s at a time:\n", started + 1, started ? "s" : "");
	printf("%-26s %8s %9s %8s %4s  %s\n", "problem", "prep s", "search s", "lowered", "sim",
	       "choice");
	for (i = 0; i < su.n; i++) {
		const Job *jb = &su.job[i];

		prep += jb->prep_s;
		search += jb->search_s;
		lowered += jb->lowered;
		fails += !jb->ok;
		printf("%-26s %8.3f %9.3f %8lld %4lld  ", jb->name, jb->prep_s, jb->search_s,
		       (long long)jb->lowered, (long long)jb->simulated);
		if (jb->ok)
			printf("hu=%d ru=%d rv=%d\n", jb->k.hu, jb->k.ru, jb->k.rv);
		else
			printf("none\n");
	}
	printf("\n%zu problems, %d without a design: searches %.2f s in all (%lld points lowered, "
	       "%.0f a second), spec and nest %.2f s; %.2f s wall on %d thread%s, target < %.0f s "
	       "on 2 cores\n", su.n, fails, search, (long long)lowered,
	       search > 0 ? (double)lowered / search : 0.0, prep, wall, started + 1,
	       started ? "s" : "", SUITE_TARGET_S);
	free(su.job);
	return fails > 0;
}

int
main(int argc, char **argv)
{
	int64_t npts = 4000;
	int a, jobs = 1, do_rate = 1, do_suite = 1, rc = 0;

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "--points") && a + 1 < argc)
			npts = atoll(argv[++a]);
		else if (!strcmp(argv[a], "-j") && a + 1 < argc)
			jobs = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--rate-only"))
			do_suite = 0;
		else if (!strcmp(argv[a], "--suite-only"))
			do_rate = 0;
		else {
			fprintf(stderr, "usage: search_speed [--points N] [--rate-only | --suite-only] "
			        "[-j N] [NAME...]\n");
			return 2;
		}
	}
	if (npts < 1)
		npts = 1;
	if (jobs < 1)
		jobs = 1;
	if (do_rate) {
		if (a < argc)
			rc |= rates((const char *const *)&argv[a], argc - a, npts);
		else
			rc |= rates(default_problems,
			            (int)(sizeof default_problems / sizeof default_problems[0]), npts);
	}
	if (do_suite)
		rc |= suite(jobs);
	return rc;
}
