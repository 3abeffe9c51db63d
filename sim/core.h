/* The simulator's engine, on a plain-C description of a mapped design (docs/sim.md).
 *
 * This header and core.c and report.c depend on nothing but the C library: `rnnc --emit=sim`
 * copies them, with the SimDesign of one design written out as data, into a single C file that
 * builds with `cc -O2` and prints the same report. Inside rnnc, sim/sim.c makes the SimDesign
 * from a Mapping and hooks the fixed-point values in (sim/sim_eval.c).
 *
 * A SimDesign lists the units in the Mapping's order with what the timing needs (pipeline
 * depth, rows, cycles per issue) and the links with their hops; the target's figures it needs
 * are copied into it. */
#ifndef RNNC_SIM_CORE_H
#define RNNC_SIM_CORE_H

#include <stdint.h>
#include <stdio.h>

/* The roles of units, in the order of MapRole (passes/map.h). */
typedef enum {
	SIM_DOT, SIM_COMBINE, SIM_EPI, SIM_WEIGHT, SIM_XH, SIM_LUT, SIM_CELL, SIM_HBUF, NSIMROLE
} SimRole;

typedef enum {
	SIM_LINK_XH,        /* an xh PMU to the first segment of a dot product */
	SIM_LINK_DATA,      /* every other token stream: weights, lanes, sums, h, h vectors */
	SIM_LINK_SIDE,      /* an epilogue's reads of its table or state PMU, per row */
	SIM_LINK_CHAIN      /* combine: chain: a tile's row sums into the next tile's last dot
	                     * segment, which waits for the row's sum to send acc + it on */
} SimLinkKind;

typedef struct SimUnitDesc {
	const char *name;
	int pcu;              /* 1: PCU, 0: PMU */
	int role;             /* SimRole */
	int prod, tile, seg;  /* as in the Mapping; -1 where none */
	int depth;            /* PCU: pipeline slots, the sum of its stages' latencies */
	int accumulate;       /* dot product: this segment accumulates and sends a row's sum */
	int32_t lo, hi;       /* the rows of its copy (weight PMU: of its part) */
	int32_t row_off;      /* weight PMU: its first row within its copy */
	int ii;               /* cycles per issue: PMU bank conflicts, an epilogue's table reads */
	int64_t row_bytes;    /* weight PMU of a streaming design: one row of its slice */
	/* schedule.candidate: merged: this dot product (or combine) carries two sums a row, the
	 * GRU candidate gate's x and h halves; a dot product's vector steps from acc2_step on
	 * (its blocks in k >= D) add into the second accumulator. Only values depend on them. */
	int merged;
	int32_t acc2_step;
	int xsum;             /* 1: a copy's x-sum PMU (hoist_input), an epilogue's side PMU */
} SimUnitDesc;

typedef struct SimLinkDesc {
	int src, dst;         /* unit indices */
	int kind;             /* SimLinkKind */
	int vector;           /* 1: vector network */
	int hops;
	int flits;            /* cycles a token holds the link, one flit each (0 or 1: one); hv > 1
	                       * sends a row group's values in ceil(bits / width) flits */
} SimLinkDesc;

typedef struct SimDesign {
	const char *name;         /* the design (spec name) */
	const char *target;       /* the target's name */
	int rows, cols;           /* the fabric */
	double clock_mhz;
	int chip_pcus, chip_pmus; /* units of the fabric */
	int lanes, pack;          /* PCU lanes, values per lane */
	int hop_cycles;
	int dram_latency;         /* cycles */
	double dram_gbs;          /* bandwidth */
	double pcu_area_mm2, pmu_area_mm2, vswitch_area_mm2, sswitch_area_mm2;
	double pcu_mw, pmu_mw, vhop_pj, shop_pj;

	int hu, ru, rv, folded;
	int hv;                   /* rows per token: lanes across hidden units, a row group moves
	                           * through the pipelines as one token (0 or 1: one row) */
	int H, D, B;
	int nt;                   /* vector steps per row */
	int maxrows;              /* rows of the largest copy */
	int abytes;               /* bytes of an x or h value in DRAM */
	int64_t macs;             /* per step */
	int pcus, pmus;           /* units used */
	int stream;               /* the weights stream from DRAM every step: the walks are
	                           * (row, batch, vector step), and a weight PMU starts a row when
	                           * its bytes have arrived */
	int64_t wbuf_bytes;       /* ... into row buffers of this many bytes in all */
	int hvec;                 /* h goes through hbuf PMUs in vectors of up to this many
	                           * values (a run of contiguous rows of one copy); 0: direct */
	int sx;                   /* hoist_input: the x phase's vector steps of a row (0: not
	                           * hoisted). Each stream walks every row's h half of step t,
	                           * then every row's x phase of step t + 1 (before step 0, that
	                           * of step 0); the x phase's row sums wait at the epilogue */

	int nunit;
	const SimUnitDesc *unit;
	int nlink;
	const SimLinkDesc *link;
} SimDesign;

typedef struct SimOptions {
	int fifo_depth;          /* entries of each link's FIFO at its consumer; 0: 4 */
	int max_steps;           /* steps to simulate; 0: until the steps repeat exactly, or all */
	int64_t budget;          /* unit-cycles to simulate when max_steps is 0; 0: 200 million */
	int values;              /* compute values (fixed point only; sim_run) */
} SimOptions;

/* Cycles of a step by what the fabric was doing (docs/sim.md says how a cycle is classed). */
typedef enum {
	SIM_COMPUTE,        /* the xh streams issued a vector */
	SIM_FILL,           /* pipelines still full after the last vector: fill and drain */
	SIM_NETWORK,        /* only links held data */
	SIM_BACKPRESSURE,   /* an xh stream with work waited for a full FIFO downstream */
	SIM_BANK,           /* an xh stream with work waited for a PMU bank */
	SIM_DRAM,           /* the step waited for x_t (or streamed weights) from DRAM */
	SIM_BARRIER,        /* the step barrier: all h arrived, the next step not yet started */
	NSIMCAUSE
} SimCause;

typedef struct SimUnitStat {
	int64_t active;     /* cycles with work in the unit (pipeline not empty, or a PMU access) */
	int64_t issue;      /* tokens issued: vector steps, rows, reads */
	int64_t stall;      /* cycles stalled by a full FIFO downstream */
	int64_t bank;       /* cycles stalled by bank conflicts */
	int64_t dram;       /* weight PMU of a streaming design: cycles waiting for DRAM */
} SimUnitStat;

typedef struct SimStep {
	int64_t start, cycles;
	int64_t cause[NSIMCAUSE];
} SimStep;

/* How the steps that were not simulated are accounted for. */
typedef enum {
	SIM_ALL,            /* every step was simulated */
	SIM_REPEAT,         /* the state at the end of the last two simulated steps was the same,
	                     * so every later step repeats the last exactly */
	SIM_EXTRAPOLATED    /* the budget ran out: later steps are taken to repeat the last */
} SimRest;

typedef struct Report {
	const SimDesign *d;
	int T, simulated;         /* steps of the spec, steps simulated */
	int rest;                 /* SimRest */
	int fifo_depth;
	int values;               /* values were computed (and written to the Memory) */
	int64_t cycles;           /* all T steps */
	double latency_us;
	SimStep *step;            /* the simulated ones */
	int64_t cause[NSIMCAUSE]; /* over all T steps */
	SimUnitStat *unit;        /* per unit, over all T steps */
	int64_t dram_bytes;       /* x_t and h_0 read, h_t written */
	int64_t flits_vector, flits_scalar;          /* flit-hops over all T steps */
	int64_t sim_cycles;       /* cycles the engine visited (the rest were skipped exactly) */
	int64_t macs;             /* all T steps */
	int dot_pcus;             /* PCUs that multiply */
	int64_t peak_macs_cycle;  /* fabric: PCUs x lanes x pack */
	double util_fabric;       /* macs / (cycles x peak) */
	double util_design;       /* macs / (cycles x dot PCUs x lanes x pack) */
	int64_t lower_bound;      /* cycles: T x ceil(MACs per step / peak) */
	double area_used_mm2, area_chip_mm2;
	double power_units_mw, power_net_mw, power_mw;
	double energy_uj;         /* per inference (all T steps of the batch) */
	double tflops;
} Report;

/* The values the units compute, when they are wanted (sim/sim.c). Called in simulated order;
 * `unit` is an index into SimDesign.unit. With hv > 1 a token is a row group, and dot, sum
 * and epi are called once for each row i of the group (a tail group has fewer rows). */
typedef struct SimHooks {
	void *ctx;
	void (*input)(void *ctx, int t);                     /* x_t into xh: a step starts */
	int64_t (*dot)(void *ctx, int unit, int t, int b, int i, int s);  /* a vector step's sum */
	void (*sum)(void *ctx, int unit, int b, int i, int64_t v);  /* unit's sum reaches the epilogue */
	void (*epi)(void *ctx, int unit, int t, int b, int i);      /* a segment finishes a row */
	/* the second sum of a merged unit's row (schedule.candidate: merged) reaches the
	 * epilogue */
	void (*sum2)(void *ctx, int unit, int b, int i, int64_t v);
} SimHooks;

/* Simulates d for T steps into *r (its arrays from malloc: sim_report_release frees them).
 * hooks may be NULL: timing only, and the steps that repeat exactly are not simulated.
 * Returns 0, or -1 when out of memory. */
int sim_core_run(const SimDesign *d, int T, const SimOptions *o, const SimHooks *hooks,
                 Report *r);
void sim_report_release(Report *r);
/* DRAM: cycles to bring `bytes` in at the design's bandwidth, after its latency. */
int64_t sim_dram_cycles(const SimDesign *d, int64_t bytes);
/* The timing rules of off-chip traffic, which the simulator, the analytic model and the
 * compile summary share: cycles to move `bytes` at `gbs` GB/s on a `mhz` clock after `latency`
 * cycles, and the bandwidth in thousandths of a byte per cycle (at least 1), the unit of the
 * simulator's streamed-weight credit. */
int64_t sim_dram_transfer(double gbs, double mhz, int latency, int64_t bytes);
int64_t sim_dram_millibytes(double gbs, double mhz);

/* The report as a table, and as JSON with the same figures (sim/report.c). */
void sim_report_figures(Report *r);
/* The figures the report derives, shared with the analytic model (model.c): the lower bound of
 * T steps, the area used and of the chip, and the power of the units (active cycles of each,
 * by unit index) and of the network (flit-hops) over a run of latency_us. */
int64_t sim_lower_bound(const SimDesign *d, int T);
void sim_area(const SimDesign *d, double *used_mm2, double *chip_mm2);
void sim_power(const SimDesign *d, const int64_t *active, int64_t flits_vector,
               int64_t flits_scalar, double latency_us, double *units_mw, double *net_mw);
void sim_report_print(const Report *r, FILE *out);
void sim_report_json(const Report *r, FILE *out);
/* One line per unit: active cycles, utilization, issues, stalls (the table leaves them out). */
void sim_report_units(const Report *r, FILE *out);
const char *sim_cause_name(SimCause k);
const char *sim_role_name(SimRole r);

#endif
