/* sim_speed: how fast the cycle simulator runs.
 *
 *   sim_speed [NAME...]     (default: every DeepBench problem)
 *
 * First the DeepBench LSTM-1024 design (deepbench:lstm-1024-t25, rnnc's default schedule)
 * simulated step by step over all 25 steps: simulated cycles per second and unit-cycles per
 * second (cycles x units). Then each problem at the design rnnc chooses for it, simulated as
 * `rnnc` does (the steps that repeat exactly are counted, not simulated): the time to map it,
 * the time to simulate it, steps simulated, and the totals. The target is the whole suite
 * simulated in under 60 s on a 2-core machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deepbench/db.h"
#include "driver/driver.h"
#include "ir/ctx.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static SimDesign *
design_of(Ctx *c, const char *arg, int *T)
{
	Options o;

	memset(&o, 0, sizeof o);
	o.inputs[0] = arg;
	o.ninputs = 1;
	o.verbosity = -1;
	return drv_design(c, &o, T);
}

static int
lstm1024(void)
{
	Ctx c;
	SimDesign *d;
	SimOptions so = {0};
	Report r;
	int T;
	double t0, t;

	ir_ctx_init(&c);
	d = design_of(&c, "deepbench:lstm-1024-t25", &T);
	if (!d)
		return drv_finish(&c, 1);
	so.max_steps = T;
	t0 = now_s();
	if (sim_core_run(d, T, &so, NULL, &r) < 0)
		return drv_finish(&c, 1);
	t = now_s() - t0;
	printf("lstm-1024-t25: hu=%d ru=%d rv=%d, %d units, %d links; all %d steps step by step:\n",
	       d->hu, d->ru, d->rv, d->nunit, d->nlink, T);
	printf("  %lld cycles in %.3f s: %.3g simulated cycles/s, %.3g unit-cycles/s "
	       "(%lld cycles visited, the rest skipped exactly)\n", (long long)r.cycles, t,
	       (double)r.cycles / t, (double)r.cycles * d->nunit / t, (long long)r.sim_cycles);
	sim_report_release(&r);
	t0 = now_s();
	if (sim_core_run(d, T, NULL, NULL, &r) < 0)
		return drv_finish(&c, 1);
	t = now_s() - t0;
	printf("  as rnnc runs it: %d of %d steps simulated (%s), %lld cycles, %.3f s\n\n",
	       r.simulated, T, r.rest == SIM_REPEAT ? "the rest repeat exactly" :
	       r.rest == SIM_ALL ? "all" : "the rest extrapolated", (long long)r.cycles, t);
	sim_report_release(&r);
	return drv_finish(&c, 0);
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)argc - 1 : db_spec_count(), i;
	double map_total = 0, sim_total = 0;
	int rc = lstm1024(), fails = 0, repeat = 0, extrap = 0;

	printf("%-24s %8s %6s %12s %9s %9s  %s\n", "problem", "units", "steps", "cycles", "map s",
	       "sim s", "steps simulated");
	for (i = 0; i < n; i++) {
		Ctx c;
		SimDesign *d;
		Report r;
		const char *arg;
		int T;
		double t0, tm, ts;

		ir_ctx_init(&c);
		arg = argc > 1 ? argv[i + 1]
		               : ir_sprintf(&c.arena, "deepbench:%s/%s", db_spec_set(db_spec(i)),
		                            db_spec_name(&c, db_spec(i)));
		t0 = now_s();
		d = design_of(&c, arg, &T);
		tm = now_s() - t0;
		if (!d || sim_core_run(d, T, NULL, NULL, &r) < 0) {
			fails++;
			drv_finish(&c, 1);
			continue;
		}
		ts = now_s() - t0 - tm;
		map_total += tm;
		sim_total += ts;
		repeat += r.rest == SIM_REPEAT;
		extrap += r.rest == SIM_EXTRAPOLATED;
		printf("%-24s %8d %6d %12lld %9.3f %9.3f  %d%s\n", d->name, d->nunit, T,
		       (long long)r.cycles, tm, ts, r.simulated,
		       r.rest == SIM_REPEAT ? " (the rest repeat)" :
		       r.rest == SIM_EXTRAPOLATED ? " (the rest extrapolated)" : "");
		sim_report_release(&r);
		drv_finish(&c, 0);
	}
	printf("\n%zu problems, %d failed: simulation %.2f s in all (target < 60 s), mapping "
	       "%.2f s; %d stopped at repeating steps, %d extrapolated\n", n, fails, sim_total,
	       map_total, repeat, extrap);
	return rc || fails;
}
