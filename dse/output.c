/* The sweep's points as CSV and JSON (sweep.h); deterministic. */
#include <string.h>

#include "eval.h"

static const char *
form_name(DseKnob k, int v)
{
	switch (k) {
	case DSE_K_FOLDED:
		return v ? "true" : "false";
	case DSE_K_COMBINE:
		return v == COMBINE_CHAIN ? "chain" : "tree";
	case DSE_K_EPILOGUE:
		return v == EPILOGUE_PACKED ? "packed" : "serial";
	case DSE_K_WEIGHTS:
		return v == WEIGHTS_STREAM ? "stream" : "onchip";
	case DSE_K_CANDIDATE:
		return v == CANDIDATE_MERGED ? "merged" : v == CANDIDATE_SPLIT ? "split" : "";
	case DSE_K_HOIST:
		return v > 0 ? "true" : "false";
	default:
		return "";
	}
}

void
dse_sweep_csv(const DseSweep *w, FILE *out)
{
	int64_t i;

	/* a walk's points are not the space's: one comment line says which they are */
	if (w->used != DSE_STRATEGY_EXHAUSTIVE && w->used != DSE_STRATEGY_AUTO) {
		fprintf(out, "# %s, seed %llu, %lld samples: %lld points visited of ",
		        dse_strategy_name(w->used), (unsigned long long)w->seed, (long long)w->samples,
		        (long long)w->npoints);
		if (w->space_points > DSE_EXHAUSTIVE_MAX)
			fprintf(out, "more than %d\n", DSE_EXHAUSTIVE_MAX);
		else
			fprintf(out, "%lld\n", (long long)w->space_points);
	}
	fputs("point,rows,cols,pmu_kib,hu,ru,rv,hv,folded,combine,epilogue,candidate,hoist_input,"
	      "weights,weight_bits,"
	      "act_bits,lut_entries,maps,reason,unit,need,have,bound_cycles,"
	      "model_cycles,latency_us,area_mm2,power_mw,energy_uj,mac_util,pcus,dot_pcus,pmus,"
	      "sim_cycles,sim_power_mw,sim_energy_uj,model_error,h_error_max,h_error_mean,meets,front,"
	      "dominated_by\n", out);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];
		const Knobs *k = &r->k;

		fprintf(out, "%lld,%d,%d,%d,%d,%d,%d,%d,%s,%s,%s,%s,%s,%s,%d,%d,%d,", (long long)i,
		        r->rows, r->cols, r->pmu_kib, k->hu, k->ru, k->rv, k->hv > 1 ? k->hv : 1,
		        form_name(DSE_K_FOLDED, k->folded), form_name(DSE_K_COMBINE, k->combine),
		        form_name(DSE_K_EPILOGUE, k->epilogue), form_name(DSE_K_CANDIDATE, k->candidate),
		        form_name(DSE_K_HOIST, k->hoist_input), form_name(DSE_K_WEIGHTS, k->weights),
		        r->wbits, r->abits, r->lut);
		if (!r->maps) {
			fprintf(out, "0,%s,%s,%lld,%lld,%lld,,,,,,,,,,,,,,,,0,0,\n", map_fail_name(r->why.kind),
			        r->unit, (long long)r->why.need, (long long)r->why.have,
			        (long long)r->bound);
			continue;
		}
		fprintf(out, "1,,,,,%lld,%lld,%.4f,%.4f,%.2f,%.4f,%.4f,%d,%d,%d,", (long long)r->bound,
		        (long long)r->cycles, r->latency_us, r->area_mm2, r->power_mw, r->energy_uj,
		        r->util, r->pcus, r->dots, r->pmus);
		if (r->sim_cycles >= 0)
			fprintf(out, "%lld,%.2f,%.4f,%.4f,", (long long)r->sim_cycles, r->sim_power_mw,
			        r->sim_energy_uj,
			        (double)(r->cycles - r->sim_cycles) / (double)r->sim_cycles);
		else
			fputs(",,,,", out);
		if (w->var[r->var].err_max >= 0)
			fprintf(out, "%.6g,%.6g,", w->var[r->var].err_max, w->var[r->var].err_mean);
		else
			fputs(",,", out);
		fprintf(out, "%d,%d,", r->meets, r->front);
		if (r->dominator >= 0)
			fprintf(out, "%lld", (long long)r->dominator);
		fputc('\n', out);
	}
}

void
dse_sweep_json(const DseSweep *w, FILE *out)
{
	int64_t i;
	int k;

	fputs("{\n  \"spec\": ", out);
	ir_json_string(out, w->spec->name);
	fputs(",\n  \"target\": {\"name\": ", out);
	ir_json_string(out, w->target->name);
	fprintf(out, ", \"rows\": %d, \"cols\": %d, \"pcus\": %d, \"pmus\": %d},\n  \"space\": {",
	        w->target->rows, w->target->cols, ir_target_pcus(w->target),
	        ir_target_pmus(w->target));
	for (k = 0; k < DSE_NKNOB; k++) {
		int j;

		fprintf(out, "%s\"%s\": [", k ? ", " : "", dse_knob_name((DseKnob)k));
		for (j = 0; j < w->space->n[k]; j++) {
			int v = w->space->val[k][j];

			if (k == DSE_K_FOLDED || k == DSE_K_COMBINE || k == DSE_K_EPILOGUE ||
			    k == DSE_K_CANDIDATE || k == DSE_K_HOIST || k == DSE_K_WEIGHTS)
				fprintf(out, "%s\"%s\"", j ? ", " : "", form_name((DseKnob)k, v));
			else
				fprintf(out, "%s%d", j ? ", " : "", v);
		}
		fputc(']', out);
	}
	fprintf(out, "},\n  \"objective\": \"%s\", \"max_area_mm2\": %.4f, \"max_power_mw\": %.2f, "
	        "\"max_pcus\": %d,\n", dse_objective_name(w->objective), w->max_area_mm2,
	        w->max_power_mw, w->max_pcus);
	if (w->used != DSE_STRATEGY_EXHAUSTIVE && w->used != DSE_STRATEGY_AUTO)
		fprintf(out, "  \"search\": {\"strategy\": \"%s\", \"seed\": %llu, \"samples\": %lld, "
		        "\"space_points\": %lld, \"space_more_than\": %s},\n",
		        dse_strategy_name(w->used), (unsigned long long)w->seed, (long long)w->samples,
		        (long long)(w->space_points > DSE_EXHAUSTIVE_MAX ? DSE_EXHAUSTIVE_MAX :
		                    w->space_points),
		        w->space_points > DSE_EXHAUSTIVE_MAX ? "true" : "false");
	else
		fputs("  \"search\": {\"strategy\": \"exhaustive\"},\n", out);
	fprintf(out, "  \"points\": %lld, \"legal\": %lld, \"meets\": %lld, \"front\": %lld, "
	        "\"simulated\": %d,\n  \"model_error\": {\"mean\": %.4f, \"max\": %.4f},\n"
	        "  \"best\": %lld,\n  \"results\": [\n", (long long)w->npoints,
	        (long long)w->legal, (long long)w->meets, (long long)w->front, w->nsim, w->err_mean,
	        w->err_max, (long long)w->best);
	for (i = 0; i < w->npoints; i++) {
		const DseResult *r = &w->res[i];

		fprintf(out, "    {\"point\": %lld, \"rows\": %d, \"cols\": %d, \"pmu_kib\": %d, "
		        "\"hu\": %d, \"ru\": %d, \"rv\": %d, \"hv\": %d, \"folded\": %s, "
		        "\"combine\": \"%s\", \"epilogue\": \"%s\", \"candidate\": \"%s\", "
		        "\"hoist_input\": %s, \"weights\": \"%s\", \"weight_bits\": %d, \"act_bits\": %d, "
		        "\"lut_entries\": %d, \"bound_cycles\": %lld, ", (long long)i, r->rows, r->cols,
		        r->pmu_kib, r->k.hu, r->k.ru, r->k.rv, r->k.hv > 1 ? r->k.hv : 1,
		        form_name(DSE_K_FOLDED, r->k.folded), form_name(DSE_K_COMBINE, r->k.combine),
		        form_name(DSE_K_EPILOGUE, r->k.epilogue),
		        form_name(DSE_K_CANDIDATE, r->k.candidate), form_name(DSE_K_HOIST, r->k.hoist_input),
		        form_name(DSE_K_WEIGHTS, r->k.weights),
		        r->wbits, r->abits, r->lut, (long long)r->bound);
		if (w->var[r->var].err_max >= 0)
			fprintf(out, "\"h_error_max\": %.6g, \"h_error_mean\": %.6g, ",
			        w->var[r->var].err_max, w->var[r->var].err_mean);
		if (!r->maps) {
			fprintf(out, "\"maps\": false, \"reason\": \"%s\", \"unit\": \"%s\", \"need\": %lld, "
			        "\"have\": %lld}", map_fail_name(r->why.kind), r->unit,
			        (long long)r->why.need, (long long)r->why.have);
		} else {
			fprintf(out, "\"maps\": true, \"model_cycles\": %lld, \"latency_us\": %.4f, "
			        "\"area_mm2\": %.4f, \"power_mw\": %.2f, \"energy_uj\": %.4f, "
			        "\"mac_util\": %.4f, \"pcus\": %d, \"dot_pcus\": %d, \"pmus\": %d, ",
			        (long long)r->cycles, r->latency_us, r->area_mm2, r->power_mw, r->energy_uj,
			        r->util, r->pcus, r->dots, r->pmus);
			if (r->sim_cycles >= 0)
				fprintf(out, "\"sim_cycles\": %lld, \"sim_power_mw\": %.2f, "
				        "\"sim_energy_uj\": %.4f, ", (long long)r->sim_cycles, r->sim_power_mw,
				        r->sim_energy_uj);
			fprintf(out, "\"meets\": %s, \"front\": %s", r->meets ? "true" : "false",
			        r->front ? "true" : "false");
			if (r->dominator >= 0)
				fprintf(out, ", \"dominated_by\": %lld", (long long)r->dominator);
			fputc('}', out);
		}
		fputs(i + 1 < w->npoints ? ",\n" : "\n", out);
	}
	fputs("  ]\n}\n", out);
}
