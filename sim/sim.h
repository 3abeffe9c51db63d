/* The cycle-by-cycle simulator of a Mapping (docs/sim.md).
 *
 * sim_run executes the mapped design of one time step for the spec's T steps (or the first of
 * them, extrapolating the rest): every PCU is a pipeline of its stages' latencies, every PMU a
 * stream of vectors or a table read per row, every link a delay line of hops x hop_cycles
 * ending in a valid/ready FIFO of `fifo_depth` entries with backpressure, and the time loop a
 * barrier that waits for all of h_t in every xh copy and x_{t+1} from DRAM. It computes the
 * fixed-point values as the units would: dot products sum exact products vector step by
 * vector step, combines add partial sums, epilogue segments run the IR instructions of their
 * stages; h (and c) equal ir_interp's on the same scheduled Func bit for bit.
 *
 * The Report holds every figure of the report table and report.json (sim/report.c). */
#ifndef RNNC_SIM_H
#define RNNC_SIM_H

#include <stdio.h>

#include "../ir/exec.h"
#include "../passes/map.h"

typedef struct SimOptions {
	int fifo_depth;          /* entries of each link's FIFO at its consumer; 0: 4 */
	int max_steps;           /* steps to simulate; 0: all, unless the design is so large that
	                          * the budget below caps them; the rest are extrapolated */
	int64_t budget;          /* unit-cycles to simulate when max_steps is 0; 0: 200 million */
	int values;              /* compute values (fixed point only) */
} SimOptions;

/* Cycles of a step by what the fabric was doing (docs/sim.md says how a cycle is classed). */
typedef enum {
	SIM_COMPUTE,        /* the xh streams issued a vector */
	SIM_FILL,           /* pipelines still full after the last vector: fill and drain */
	SIM_NETWORK,        /* only links held data */
	SIM_BACKPRESSURE,   /* an xh stream with work waited for a full FIFO downstream */
	SIM_BANK,           /* an xh stream with work waited for a PMU bank */
	SIM_DRAM,           /* the step waited for x_t from DRAM */
	SIM_BARRIER,        /* the step barrier: all h arrived, the next step not yet started */
	NSIMCAUSE
} SimCause;

typedef struct SimUnitStat {
	int64_t active;     /* cycles with work in the unit (pipeline not empty, or a PMU access) */
	int64_t issue;      /* tokens issued: vector steps, rows, reads */
	int64_t stall;      /* cycles stalled by a full FIFO downstream */
	int64_t bank;       /* cycles stalled by bank conflicts */
} SimUnitStat;

typedef struct SimStep {
	int64_t start, cycles;
	int64_t cause[NSIMCAUSE];
} SimStep;

typedef struct Report {
	const Mapping *m;
	int T, simulated;         /* steps of the spec, steps simulated */
	int extrapolated;         /* simulated < T: totals extrapolate the last simulated step */
	int fifo_depth;
	int values;               /* values were computed (and written to the Memory) */
	int64_t cycles;           /* all T steps */
	double latency_us;
	SimStep *step;            /* the simulated ones */
	int64_t cause[NSIMCAUSE]; /* over all T steps */
	SimUnitStat *unit;        /* per unit of the mapping, over all T steps */
	int64_t dram_bytes;       /* x_t and h_0 read, h_t written */
	int64_t flits_vector, flits_scalar;          /* flit-hops over all T steps */
	int64_t macs;             /* all T steps */
	int dot_pcus;             /* PCUs that multiply */
	double peak_macs_cycle;   /* fabric: PCUs x lanes x pack */
	double util_fabric;       /* macs / (cycles x peak) */
	double util_design;       /* macs / (cycles x dot PCUs x lanes x pack) */
	int64_t lower_bound;      /* cycles: T x ceil(MACs per step / peak) */
	double area_used_mm2, area_chip_mm2;
	double power_units_mw, power_net_mw, power_mw;
	double energy_uj;         /* per inference (all T steps of the batch) */
	double tflops;
} Report;

/* Simulates m (made from the scheduled Func f) for T steps. When mem is not NULL it must be
 * ir_mem_init(f) memory: the simulator writes its results there (h, c, xh) as ir_interp would.
 * Returns NULL after reporting an error. Allocates in c's arena. */
Report *sim_run(Ctx *c, const Mapping *m, int T, const SimOptions *o, Memory *mem);

/* The report as a table, and as JSON with the same figures (sim/report.c). */
void sim_report_print(const Report *r, FILE *out);
void sim_report_json(const Report *r, FILE *out);
/* One line per unit: active cycles, utilization, issues, stalls (the table leaves them out). */
void sim_report_units(const Report *r, FILE *out);
const char *sim_cause_name(SimCause k);

#endif
