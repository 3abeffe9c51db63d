/* design_points: pinned design points of one problem side by side, simulated cycle by cycle.
 *
 *   design_points [--target NAME] [PROBLEM [POINT...]]
 *
 * PROBLEM is a DeepBench name (default lstm-1024-t25), the target a built-in one (default
 * plasticine-rnn, the paper's fabric). A POINT is a comma-separated list of schedule keys as a
 * spec writes them, `hu=4,ru=8,rv=64` or `hu=4,ru=8,rv=64,folded=false`; without points, the
 * paper's own LSTM point (hu 4, ru 8, rv 64), the two of the authors' published Spatial apps
 * (1, 16, 64) and (3, 8, 64), and a few neighbours. Each point goes through the design point
 * (dse_lower) and the simulator; the table gives, per point, whether it maps (or the reason as
 * data: the resource, the need and what the target has), the PCUs by role and the share of
 * the chip's PCUs that compute dot products, the simulated cycles and latency, the MAC
 * utilization of the fabric's peak, and the analytic model's cycles and its error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deepbench/db.h"
#include "dse/dse.h"
#include "frontend/fe.h"
#include "passes/passes.h"
#include "sim/model.h"
#include "sim/sim.h"

static const char *const default_points[] = {
	"hu=4,ru=8,rv=64",    /* the paper's LSTM point */
	"hu=1,ru=16,rv=64",   /* the authors' Spatial apps */
	"hu=3,ru=8,rv=64",
	"hu=4,ru=7,rv=64",
	"hu=2,ru=7,rv=64",
	"hu=4,ru=4,rv=64",
	"hu=2,ru=16,rv=64",
};

/* "hu=4,ru=8" as the YAML flow mapping "{hu: 4, ru: 8}" */
static int
schedule_text(const char *point, char *out, size_t n)
{
	size_t k = 0;
	const char *p;

	if (n < 4)
		return -1;
	out[k++] = '{';
	for (p = point; *p && k + 4 < n; p++) {
		if (*p == '=') {
			out[k++] = ':';
			out[k++] = ' ';
		} else if (*p == ',') {
			out[k++] = ',';
			out[k++] = ' ';
		} else {
			out[k++] = *p;
		}
	}
	if (*p || k + 2 > n)
		return -1;
	out[k++] = '}';
	out[k] = 0;
	return 0;
}

static int
count_role(const Mapping *m, MapRole r)
{
	int i, n = 0;

	for (i = 0; i < m->nunit; i++)
		n += m->unit[i].role == r;
	return n;
}

/* One point: 0 when it maps and simulates. */
static int
run_point(const Embedded *e, const char *target, const char *point)
{
	Ctx c;
	CellSpec s;
	Target t;
	DsePoint p;
	DseDesign d;
	SimOptions o = {0};
	ModelEstimate est;
	Report *r;
	char sched[256], *text;
	size_t len;
	Func *f;
	int rc = -1;

	if (schedule_text(point, sched, sizeof sched) < 0) {
		fprintf(stderr, "design_points: bad point '%s'\n", point);
		return -1;
	}
	len = e->len + strlen(sched) + 16;
	text = malloc(len);
	if (!text)
		return -1;
	snprintf(text, len, "%.*s\nschedule: %s\n", (int)e->len, (const char *)e->data, sched);
	ir_ctx_init(&c);
	if (fe_parse_spec(&c, e->path, text, strlen(text), &s) < 0 ||
	    fe_resolve_target(&c, &s, NULL, target, &t) < 0)
		goto out;
	f = pass_quantize(pass_fuse(pass_build(&c, &s)), &s);
	if (!f)
		goto out;
	p.spec = &s;
	p.fixed = f;
	p.target = &t;
	p.knobs = s.knobs;
	if (dse_lower(&c, &p, &d) < 0) {
		printf("%-24s does not map: %s, %lld needed, %lld on the target%s%s\n", point,
		       map_fail_name(d.why.kind), (long long)d.why.need, (long long)d.why.have,
		       d.why.unit ? ", unit " : "", d.why.unit ? d.why.unit : "");
		rc = 0;  /* the reason is the result; its message is not needed */
		goto out;
	}
	r = sim_run(&c, d.map, s.timesteps, &o, NULL);
	model_estimate(d.map, s.timesteps, &est);
	printf("%-24s %4d %4d %4d %4d %6.1f%% %4d %10lld %9.2f %6.1f%% %10lld %+6.2f%%\n", point,
	       d.map->pcus, count_role(d.map, MAP_DOT), count_role(d.map, MAP_COMBINE),
	       count_role(d.map, MAP_EPI),
	       100.0 * count_role(d.map, MAP_DOT) / ir_target_pcus(d.target), d.map->pmus,
	       (long long)r->cycles, r->latency_us, 100.0 * r->util_fabric, (long long)est.cycles,
	       100.0 * (double)(est.cycles - r->cycles) / (double)r->cycles);
	rc = 0;
out:
	if (rc < 0)
		ir_print_diags(&c, stderr);
	ir_ctx_free(&c);
	free(text);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *target = "plasticine-rnn", *problem = "lstm-1024-t25";
	const char *const *points = default_points;
	const Embedded *e;
	int npoints = (int)(sizeof default_points / sizeof default_points[0]), a = 1, i, rc = 0;

	if (a + 1 < argc && !strcmp(argv[a], "--target")) {
		target = argv[a + 1];
		a += 2;
	}
	if (a < argc)
		problem = argv[a++];
	if (a < argc) {
		points = (const char *const *)&argv[a];
		npoints = argc - a;
	}
	e = db_find_spec(problem);
	if (!e) {
		fprintf(stderr, "design_points: unknown DeepBench problem '%s'\n", problem);
		return 2;
	}
	printf("%s on %s: pinned design points, simulated (the model beside)\n", problem, target);
	printf("%-24s %4s %4s %4s %4s %7s %4s %10s %9s %7s %10s %7s\n", "point", "PCU", "dot",
	       "comb", "epi", "dot/PCU", "PMU", "cycles", "us", "MAC", "model", "error");
	for (i = 0; i < npoints; i++)
		rc |= run_point(e, target, points[i]) < 0;
	return rc;
}
