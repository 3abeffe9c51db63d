/* The simulator's report: derived figures, a table and report.json (docs/sim.md says what each
 * figure means). Output is deterministic: fixed formats, no timestamps, units in their order. */
#include <math.h>
#include <stdlib.h>

#include "sim_int.h"

static const char *const cause_names[NSIMCAUSE] = {
	"compute", "fill/drain", "network", "backpressure", "bank conflict", "dram", "barrier",
};
static const char *const cause_keys[NSIMCAUSE] = {
	"compute", "fill_drain", "network", "backpressure", "bank_conflict", "dram", "barrier",
};

const char *
sim_cause_name(SimCause k)
{
	return cause_names[k];
}

int64_t
sim_lower_bound(const Mapping *m, int T)
{
	const Target *t = m->t;
	double peak = (double)ir_target_pcus(t) * t->pcu.lanes * m->pack;

	return (int64_t)ceil((double)m->macs / peak) * T;
}

void
sim_area(const Mapping *m, double *used_mm2, double *chip_mm2)
{
	const Target *t = m->t;
	int sites = t->rows * t->cols, pcus = ir_target_pcus(t), pmus = ir_target_pmus(t);

	/* area: the units used with a vector and a scalar switch each; the chip: every site */
	*used_mm2 = m->pcus * t->pcu.area_mm2 + m->pmus * t->pmu.area_mm2 +
	            (m->pcus + m->pmus) * (t->net.vector_switch_area_mm2 +
	                                   t->net.scalar_switch_area_mm2);
	*chip_mm2 = pcus * t->pcu.area_mm2 + pmus * t->pmu.area_mm2 +
	            sites * (t->net.vector_switch_area_mm2 + t->net.scalar_switch_area_mm2);
}

void
sim_power(const Mapping *m, const int64_t *active, int64_t flits_vector, int64_t flits_scalar,
          double latency_us, double *units_mw, double *net_mw)
{
	const Target *t = m->t;
	double secs = latency_us * 1e-6, energy_pj = 0;
	int i;

	/* power by activity: a unit draws its power in its active cycles; a flit-hop its energy */
	for (i = 0; i < m->nunit; i++) {
		double p = m->unit[i].kind == MAP_PCU ? t->pcu.power_mw : t->pmu.power_mw;

		energy_pj += p * 1e-3 * (double)active[i] / (t->clock_mhz * 1e6) * 1e12;
	}
	*units_mw = secs > 0 ? energy_pj * 1e-12 / secs * 1e3 : 0;
	*net_mw = secs > 0 ? ((double)flits_vector * t->net.vector_hop_pj +
	                      (double)flits_scalar * t->net.scalar_hop_pj) * 1e-12 / secs * 1e3 : 0;
}

void
sim_report_figures(Report *r)
{
	const Mapping *m = r->m;
	const Target *t = m->t;
	double secs;
	int i, pcus = ir_target_pcus(t);
	int64_t *active = malloc((size_t)(m->nunit ? m->nunit : 1) * sizeof *active);

	if (!active)
		IR_BUG("out of memory");
	r->latency_us = (double)r->cycles / t->clock_mhz;
	secs = r->latency_us * 1e-6;
	r->macs = m->macs * r->T;
	r->dot_pcus = 0;
	for (i = 0; i < m->nunit; i++)
		r->dot_pcus += m->unit[i].role == MAP_DOT && m->unit[i].seg == 0;
	r->peak_macs_cycle = (double)pcus * t->pcu.lanes * m->pack;
	r->util_fabric = (double)r->macs / ((double)r->cycles * r->peak_macs_cycle);
	r->util_design = (double)r->macs / ((double)r->cycles * r->dot_pcus * t->pcu.lanes * m->pack);
	r->lower_bound = sim_lower_bound(m, r->T);
	sim_area(m, &r->area_used_mm2, &r->area_chip_mm2);
	for (i = 0; i < m->nunit; i++)
		active[i] = r->unit[i].active;
	sim_power(m, active, r->flits_vector, r->flits_scalar, r->latency_us, &r->power_units_mw,
	          &r->power_net_mw);
	free(active);
	r->power_mw = r->power_units_mw + r->power_net_mw;
	r->energy_uj = r->power_mw * 1e-3 * secs * 1e6;
	r->tflops = secs > 0 ? 2.0 * (double)r->macs / secs / 1e12 : 0;
}

static double
pct(int64_t a, int64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

void
sim_report_print(const Report *r, FILE *out)
{
	const Mapping *m = r->m;
	int i, k;

	fprintf(out, "  simulation   %lld cycles, %.3f us at %g MHz, %s %d of %d step%s%s "
	        "(FIFO depth %d)\n", (long long)r->cycles, r->latency_us, m->t->clock_mhz,
	        r->extrapolated ? "simulated" : "all", r->simulated, r->T, r->T == 1 ? "" : "s",
	        r->extrapolated ? ", the rest extrapolated from the last" : "", r->fifo_depth);
	fprintf(out, "  per step     %lld cycles (step 0), %lld (last simulated)\n",
	        (long long)r->step[0].cycles, (long long)r->step[r->simulated - 1].cycles);
	fprintf(out, "  breakdown   ");
	for (k = 0; k < NSIMCAUSE; k++)
		fprintf(out, " %s %lld (%.1f%%)%s", cause_names[k], (long long)r->cause[k],
		        pct(r->cause[k], r->cycles), k + 1 < NSIMCAUSE ? "," : "\n");
	fprintf(out, "  throughput   %.4f TFLOPS effective (2 x %lld MAC / latency); MAC utilization "
	        "%.2f%% of the fabric's peak (%.0f MAC/cycle), %.2f%% of the %d dot-product PCUs'\n",
	        r->tflops, (long long)r->macs, 100.0 * r->util_fabric, r->peak_macs_cycle,
	        100.0 * r->util_design, r->dot_pcus);
	fprintf(out, "  lower bound  %lld cycles (T x MACs per step / peak): %.2f%% of it reached\n",
	        (long long)r->lower_bound, pct(r->lower_bound, r->cycles));
	fprintf(out, "  area         %.2f mm2 used (%d PCU + %d PMU and their switches), %.2f mm2 "
	        "chip\n", r->area_used_mm2, m->pcus, m->pmus, r->area_chip_mm2);
	fprintf(out, "  power        %.1f mW (units %.1f, network %.1f); %.3f uJ per inference\n",
	        r->power_mw, r->power_units_mw, r->power_net_mw, r->energy_uj);
	for (k = 0; k < NMAPROLE; k++) {
		int64_t act = 0;
		int n = 0;

		for (i = 0; i < m->nunit; i++) {
			if ((int)m->unit[i].role == k) {
				n++;
				act += r->unit[i].active;
			}
		}
		if (n)
			fprintf(out, "  %-12s %d unit%s, mean utilization %.2f%%\n",
			        map_role_name((MapRole)k), n, n == 1 ? "" : "s",
			        pct(act, r->cycles * n));
	}
}

void
sim_report_units(const Report *r, FILE *out)
{
	const Mapping *m = r->m;
	int i;

	fprintf(out, "  units        %-22s %12s %7s %12s %10s %10s\n", "name", "active", "util",
	        "issued", "stalled", "bank");
	for (i = 0; i < m->nunit; i++) {
		const SimUnitStat *u = &r->unit[i];

		fprintf(out, "               %-22s %12lld %6.2f%% %12lld %10lld %10lld\n",
		        m->unit[i].name, (long long)u->active, pct(u->active, r->cycles),
		        (long long)u->issue, (long long)u->stall, (long long)u->bank);
	}
}

void
sim_report_json(const Report *r, FILE *out)
{
	const Mapping *m = r->m;
	int i, k;

	fprintf(out, "{\n  \"design\": \"%s\",\n", m->name);
	fprintf(out, "  \"schedule\": {\"hu\": %d, \"ru\": %d, \"rv\": %d, \"folded\": %s},\n",
	        m->hu, m->ru, m->rv, m->folded ? "true" : "false");
	fprintf(out, "  \"target\": {\"name\": \"%s\", \"rows\": %d, \"cols\": %d, \"clock_mhz\": %.3f},\n",
	        m->t->name, m->t->rows, m->t->cols, m->t->clock_mhz);
	fprintf(out, "  \"steps\": %d,\n  \"simulated_steps\": %d,\n  \"extrapolated\": %s,\n",
	        r->T, r->simulated, r->extrapolated ? "true" : "false");
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
	fprintf(out, "  \"mac_utilization\": {\"fabric_peak_macs_per_cycle\": %.1f, \"fabric\": %.6f, "
	        "\"dot_pcus\": %d, \"design\": %.6f},\n", r->peak_macs_cycle, r->util_fabric,
	        r->dot_pcus, r->util_design);
	fprintf(out, "  \"lower_bound_cycles\": %lld,\n", (long long)r->lower_bound);
	fprintf(out, "  \"area_mm2\": {\"used\": %.4f, \"chip\": %.4f, \"pcus\": %d, \"pmus\": %d},\n",
	        r->area_used_mm2, r->area_chip_mm2, m->pcus, m->pmus);
	fprintf(out, "  \"power_mw\": {\"total\": %.4f, \"units\": %.4f, \"network\": %.4f},\n",
	        r->power_mw, r->power_units_mw, r->power_net_mw);
	fprintf(out, "  \"energy_uj\": %.6f,\n", r->energy_uj);
	fprintf(out, "  \"flit_hops\": {\"vector\": %lld, \"scalar\": %lld},\n",
	        (long long)r->flits_vector, (long long)r->flits_scalar);
	fprintf(out, "  \"dram_bytes\": %lld,\n", (long long)r->dram_bytes);
	fprintf(out, "  \"units\": [\n");
	for (i = 0; i < m->nunit; i++) {
		const SimUnitStat *u = &r->unit[i];

		fprintf(out, "    {\"name\": \"%s\", \"kind\": \"%s\", \"active\": %lld, "
		        "\"utilization\": %.6f, \"issued\": %lld, \"stalled\": %lld, \"bank\": %lld}%s\n",
		        m->unit[i].name, m->unit[i].kind == MAP_PCU ? "pcu" : "pmu",
		        (long long)u->active, r->cycles ? (double)u->active / (double)r->cycles : 0.0,
		        (long long)u->issue, (long long)u->stall, (long long)u->bank,
		        i + 1 < m->nunit ? "," : "");
	}
	fprintf(out, "  ]\n}\n");
}
