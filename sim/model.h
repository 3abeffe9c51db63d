/* The analytic model of a mapped design (docs/model.md): the report's figures without the cycle
 * loop.
 *
 * model_estimate derives the cycles, latency, power and energy of a Mapping for T steps from
 * the timing rules of the simulator (docs/sim.md) in O(units + links): the xh streams issue the
 * step's vectors, the last row of each hidden-unit copy then takes the longest path through
 * its dot products, combine trees and epilogue segments back to the xh copies, and the step
 * starts when the previous one's h and its own x_t (from DRAM) are there. Active cycles per
 * unit and flit-hops per link are counted from the token pattern of a step, and area, power,
 * energy, TFLOPS and the lower bound use the report's own formulas (sim/report.c), so the
 * estimate is comparable figure by figure with sim_run's Report. It is meant for the
 * design-space search, which ranks many candidates before simulating a few. */
#ifndef RNNC_MODEL_H
#define RNNC_MODEL_H

#include <stdio.h>

#include "../passes/map.h"

typedef struct ModelEstimate {
	int T;
	int64_t cycles;             /* all T steps */
	int64_t step_cycles;        /* a steady-state step (step 1 onwards) */
	int64_t first_step_cycles;  /* step 0: waits for x_0 and h_0 */
	int64_t lower_bound;        /* as Report.lower_bound: T x ceil(MACs per step / peak) */
	double latency_us;
	double area_used_mm2, area_chip_mm2;
	double power_units_mw, power_net_mw, power_mw;
	double energy_uj;           /* per inference: power x latency */
	double tflops;              /* 2 x MACs / latency */
	int64_t flits_vector, flits_scalar;  /* flit-hops over all T steps */

	/* the terms of a step (docs/model.md) */
	int ii;                     /* cycles per xh vector: ceil(banks needed / pmu.banks) */
	int64_t stream;             /* vectors each xh copy issues: B x max rows x nt */
	int64_t compute;            /* cycles from the step's start to its barrier, inclusive */
	int64_t path;               /* compute - 1 - issue cycle of the critical copy's last vector */
	int64_t path_depth;         /* pipeline slots on the critical path */
	int64_t path_links;         /* link latencies on it: max(1, hops x hop_cycles) each */
	int64_t path_hops;          /* switch hops on it */
	int64_t path_wait;          /* the rest: rows queued behind slow issues, weights late */
	int path_units;             /* PCUs on it */
	int path_copy;              /* the hidden-unit copy whose last h arrives last */
	int64_t skew;               /* cycles between that copy's last vector and the stream's */
	int64_t stall;              /* cycles backpressure holds that stream back */
	int rounds;                 /* rounds of the backpressure constraints until they settled */
	int replayed;               /* 1: the step was replayed token by token (docs/model.md) */
	int64_t dram_first;         /* cycles for x_0 and h_0 to arrive */
	int64_t dram_step;          /* cycles for x_t to arrive, asked for when step t-1 starts */
} ModelEstimate;

/* Estimates m for T steps (T < 1 counts as 1). */
void model_estimate(const Mapping *m, int T, ModelEstimate *e);

/* The estimate as text: the figures and the terms of a step; deterministic. */
void model_print(const ModelEstimate *e, FILE *out);

#endif
