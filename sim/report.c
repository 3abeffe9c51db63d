/* The simulator's report: derived figures, a table and report.json (docs/sim.md says what each
 * figure means). Output is deterministic: fixed formats, no timestamps, units in their order.
 * Like core.c it needs only the C library (it goes into `--emit=sim` files). */
#include <stdlib.h>

#include "core.h"

static const char *const cause_names[NSIMCAUSE] = {
	"compute", "fill/drain", "network", "backpressure", "bank conflict", "dram", "barrier",
};
static const char *const cause_keys[NSIMCAUSE] = {
	"compute", "fill_drain", "network", "backpressure", "bank_conflict", "dram", "barrier",
};

static const char *const role_names[NSIMROLE] = {
	"dot", "combine", "epilogue", "weight", "xh", "lut", "state", "hbuf",
};

const char *
sim_cause_name(SimCause k)
{
	return cause_names[k];
}

const char *
sim_role_name(SimRole k)
{
	return role_names[k];
}

int64_t
sim_lower_bound(const SimDesign *d, int T)
{
	int64_t peak = (int64_t)d->chip_pcus * d->lanes * d->pack;

	return (d->macs + peak - 1) / peak * T;
}

void
sim_area(const SimDesign *d, double *used_mm2, double *chip_mm2)
{
	double sw = d->vswitch_area_mm2 + d->sswitch_area_mm2;

	/* the units used with a vector and a scalar switch each; the chip: every site */
	*used_mm2 = d->pcus * d->pcu_area_mm2 + d->pmus * d->pmu_area_mm2 + (d->pcus + d->pmus) * sw;
	*chip_mm2 = d->chip_pcus * d->pcu_area_mm2 + d->chip_pmus * d->pmu_area_mm2 +
	            d->rows * d->cols * sw;
}

void
sim_power(const SimDesign *d, const int64_t *active, int64_t flits_vector, int64_t flits_scalar,
          double latency_us, double *units_mw, double *net_mw)
{
	double secs = latency_us * 1e-6, energy_pj = 0;
	int i;

	/* a unit draws its power in its active cycles; a flit-hop its energy */
	for (i = 0; i < d->nunit; i++) {
		double p = d->unit[i].pcu ? d->pcu_mw : d->pmu_mw;

		energy_pj += p * 1e-3 * (double)active[i] / (d->clock_mhz * 1e6) * 1e12;
	}
	*units_mw = secs > 0 ? energy_pj * 1e-12 / secs * 1e3 : 0;
	*net_mw = secs > 0 ? ((double)flits_vector * d->vhop_pj +
	                      (double)flits_scalar * d->shop_pj) * 1e-12 / secs * 1e3 : 0;
}

void
sim_report_figures(Report *r)
{
	const SimDesign *d = r->d;
	double secs;
	int64_t *active = malloc((size_t)(d->nunit ? d->nunit : 1) * sizeof *active);
	int i;

	r->latency_us = (double)r->cycles / d->clock_mhz;
	secs = r->latency_us * 1e-6;
	r->macs = d->macs * r->T;
	r->dot_pcus = 0;
	for (i = 0; i < d->nunit; i++)
		r->dot_pcus += d->unit[i].role == SIM_DOT && d->unit[i].seg == 0;
	r->peak_macs_cycle = (int64_t)d->chip_pcus * d->lanes * d->pack;
	r->util_fabric = (double)r->macs / ((double)r->cycles * (double)r->peak_macs_cycle);
	r->util_design = (double)r->macs / ((double)r->cycles * r->dot_pcus * d->lanes * d->pack);
	r->lower_bound = sim_lower_bound(d, r->T);
	sim_area(d, &r->area_used_mm2, &r->area_chip_mm2);
	for (i = 0; active && i < d->nunit; i++)
		active[i] = r->unit[i].active;
	if (active)
		sim_power(d, active, r->flits_vector, r->flits_scalar, r->latency_us,
		          &r->power_units_mw, &r->power_net_mw);
	free(active);
	r->power_mw = r->power_units_mw + r->power_net_mw;
	r->energy_uj = r->power_mw * 1e-3 * secs * 1e6;
	r->tflops = secs > 0 ? 2.0 * (double)r->macs / secs / 1e12 : 0;
}

/* Streamed weights: the bytes read per step, and the cycles weight PMUs waited for them. */
static int64_t
stream_bytes(const SimDesign *d)
{
	int64_t n = 0;
	int i;

	for (i = 0; d->stream && i < d->nunit; i++) {
		if (d->unit[i].role == SIM_WEIGHT)
			n += d->unit[i].row_bytes * (d->unit[i].hi - d->unit[i].lo);
	}
	return n;
}

static double
pct(int64_t a, int64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

void
sim_report_print(const Report *r, FILE *out)
{
	const SimDesign *d = r->d;
	int i, k;

	fprintf(out, "  simulation   %lld cycles, %.3f us at %g MHz, %s %d of %d step%s%s "
	        "(FIFO depth %d)\n", (long long)r->cycles, r->latency_us, d->clock_mhz,
	        r->rest == SIM_ALL ? "all" : "simulated", r->simulated, r->T, r->T == 1 ? "" : "s",
	        r->rest == SIM_REPEAT ? ", the rest repeat the last exactly" :
	        r->rest == SIM_EXTRAPOLATED ? ", the rest extrapolated from the last" : "",
	        r->fifo_depth);
	fprintf(out, "  per step     %lld cycles (step 0), %lld (last simulated)\n",
	        (long long)r->step[0].cycles, (long long)r->step[r->simulated - 1].cycles);
	fprintf(out, "  breakdown   ");
	for (k = 0; k < NSIMCAUSE; k++)
		fprintf(out, " %s %lld (%.1f%%)%s", cause_names[k], (long long)r->cause[k],
		        pct(r->cause[k], r->cycles), k + 1 < NSIMCAUSE ? "," : "\n");
	if (d->stream) {
		int64_t wait = 0;

		for (i = 0; i < d->nunit; i++)
			wait += r->unit[i].dram;
		fprintf(out, "  weights      streamed from DRAM every step: %lld bytes per step at %g GB/s; "
		        "the weight PMUs waited %lld cycles for them in all\n",
		        (long long)stream_bytes(d), d->dram_gbs, (long long)wait);
	}
	fprintf(out, "  throughput   %.4f TFLOPS effective (2 x %lld MAC / latency); MAC utilization "
	        "%.2f%% of the fabric's peak (%lld MAC/cycle), %.2f%% of the %d dot-product PCUs'\n",
	        r->tflops, (long long)r->macs, 100.0 * r->util_fabric, (long long)r->peak_macs_cycle,
	        100.0 * r->util_design, r->dot_pcus);
	fprintf(out, "  lower bound  %lld cycles (T x MACs per step / peak): %.2f%% of it reached\n",
	        (long long)r->lower_bound, pct(r->lower_bound, r->cycles));
	fprintf(out, "  area         %.2f mm2 used (%d PCU + %d PMU and their switches), %.2f mm2 "
	        "chip\n", r->area_used_mm2, d->pcus, d->pmus, r->area_chip_mm2);
	fprintf(out, "  power        %.1f mW (units %.1f, network %.1f); %.3f uJ per inference\n",
	        r->power_mw, r->power_units_mw, r->power_net_mw, r->energy_uj);
	for (k = 0; k < NSIMROLE; k++) {
		int64_t act = 0;
		int n = 0;

		for (i = 0; i < d->nunit; i++) {
			if (d->unit[i].role == k) {
				n++;
				act += r->unit[i].active;
			}
		}
		if (n)
			fprintf(out, "  %-12s %d unit%s, mean utilization %.2f%%\n",
			        sim_role_name((SimRole)k), n, n == 1 ? "" : "s",
			        pct(act, r->cycles * n));
	}
}

void
sim_report_units(const Report *r, FILE *out)
{
	const SimDesign *d = r->d;
	int i;

	fprintf(out, "  units        %-22s %12s %7s %12s %10s %10s%s\n", "name", "active", "util",
	        "issued", "stalled", "bank", d->stream ? "       dram" : "");
	for (i = 0; i < d->nunit; i++) {
		const SimUnitStat *u = &r->unit[i];

		fprintf(out, "               %-22s %12lld %6.2f%% %12lld %10lld %10lld",
		        d->unit[i].name, (long long)u->active, pct(u->active, r->cycles),
		        (long long)u->issue, (long long)u->stall, (long long)u->bank);
		if (d->stream)
			fprintf(out, " %10lld", (long long)u->dram);
		fputc('\n', out);
	}
}

void
sim_report_json(const Report *r, FILE *out)
{
	const SimDesign *d = r->d;
	int i, k;

	fprintf(out, "{\n  \"design\": \"%s\",\n", d->name);
	fprintf(out, "  \"schedule\": {\"hu\": %d, \"ru\": %d, \"rv\": %d, \"folded\": %s, "
	        "\"weights\": \"%s\"},\n", d->hu, d->ru, d->rv, d->folded ? "true" : "false",
	        d->stream ? "stream" : "onchip");
	fprintf(out, "  \"streamed_weight_bytes_per_step\": %lld,\n", (long long)stream_bytes(d));
	fprintf(out, "  \"target\": {\"name\": \"%s\", \"rows\": %d, \"cols\": %d, \"clock_mhz\": %.3f},\n",
	        d->target, d->rows, d->cols, d->clock_mhz);
	fprintf(out, "  \"steps\": %d,\n  \"simulated_steps\": %d,\n  \"rest\": \"%s\",\n",
	        r->T, r->simulated, r->rest == SIM_ALL ? "all" : r->rest == SIM_REPEAT ? "repeat" :
	        "extrapolated");
	fprintf(out, "  \"fifo_depth\": %d,\n  \"cycles\": %lld,\n  \"latency_us\": %.6f,\n",
	        r->fifo_depth, (long long)r->cycles, r->latency_us);
	fprintf(out, "  \"breakdown\": {");
	for (k = 0; k < NSIMCAUSE; k++)
		fprintf(out, "\"%s\": %lld%s", cause_keys[k], (long long)r->cause[k],
		        k + 1 < NSIMCAUSE ? ", " : "},\n");
	fprintf(out, "  \"step_cycles\": [");
	for (i = 0; i < r->simulated; i++)
		fprintf(out, "%s%lld", i ? ", " : "", (long long)r->step[i].cycles);
	fprintf(out, "],\n  \"step_breakdown\": [\n");
	for (i = 0; i < r->simulated; i++) {
		fprintf(out, "    {");
		for (k = 0; k < NSIMCAUSE; k++)
			fprintf(out, "\"%s\": %lld%s", cause_keys[k], (long long)r->step[i].cause[k],
			        k + 1 < NSIMCAUSE ? ", " : "");
		fprintf(out, "}%s\n", i + 1 < r->simulated ? "," : "");
	}
	fprintf(out, "  ],\n  \"macs\": %lld,\n  \"tflops\": %.6f,\n", (long long)r->macs, r->tflops);
	fprintf(out, "  \"mac_utilization\": {\"fabric_peak_macs_per_cycle\": %lld, \"fabric\": %.6f, "
	        "\"dot_pcus\": %d, \"design\": %.6f},\n", (long long)r->peak_macs_cycle, r->util_fabric,
	        r->dot_pcus, r->util_design);
	fprintf(out, "  \"lower_bound_cycles\": %lld,\n", (long long)r->lower_bound);
	fprintf(out, "  \"area_mm2\": {\"used\": %.4f, \"chip\": %.4f, \"pcus\": %d, \"pmus\": %d},\n",
	        r->area_used_mm2, r->area_chip_mm2, d->pcus, d->pmus);
	fprintf(out, "  \"power_mw\": {\"total\": %.4f, \"units\": %.4f, \"network\": %.4f},\n",
	        r->power_mw, r->power_units_mw, r->power_net_mw);
	fprintf(out, "  \"energy_uj\": %.6f,\n", r->energy_uj);
	fprintf(out, "  \"flit_hops\": {\"vector\": %lld, \"scalar\": %lld},\n",
	        (long long)r->flits_vector, (long long)r->flits_scalar);
	fprintf(out, "  \"dram_bytes\": %lld,\n", (long long)r->dram_bytes);
	fprintf(out, "  \"units\": [\n");
	for (i = 0; i < d->nunit; i++) {
		const SimUnitStat *u = &r->unit[i];

		fprintf(out, "    {\"name\": \"%s\", \"kind\": \"%s\", \"active\": %lld, "
		        "\"utilization\": %.6f, \"issued\": %lld, \"stalled\": %lld, \"bank\": %lld, "
		        "\"dram\": %lld}%s\n", d->unit[i].name, d->unit[i].pcu ? "pcu" : "pmu",
		        (long long)u->active, r->cycles ? (double)u->active / (double)r->cycles : 0.0,
		        (long long)u->issue, (long long)u->stall, (long long)u->bank,
		        (long long)u->dram, i + 1 < d->nunit ? "," : "");
	}
	fprintf(out, "  ]\n}\n");
}
