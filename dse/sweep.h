/* The sweep: every point of a space of schedule knobs lowered, modelled and ranked.
 *
 * A DseSpace lists, per knob, the values to try; its points are their cross product, visited in
 * one fixed order (an odometer whose last knob turns fastest), less those that cannot be a
 * design at all (more reduction tiles than blocks of k, more hidden-unit copies than rows,
 * hu x ru beyond the fabric's PCUs), which are not counted. Each point goes through dse_lower
 * and the analytic model in a scratch context of its worker; a point that does not map keeps
 * its reason as data. The results are indexed by the point, so the output of N workers is the
 * output of one. */
#ifndef RNNC_DSE_SWEEP_H
#define RNNC_DSE_SWEEP_H

#include <stdint.h>
#include <stdio.h>

#include "dse.h"

typedef enum {
	DSE_K_ROWS, DSE_K_COLS, DSE_K_PMU_KIB,      /* the fabric */
	DSE_K_RV, DSE_K_HU, DSE_K_RU, DSE_K_HV,     /* the schedule */
	DSE_K_FOLDED, DSE_K_COMBINE, DSE_K_EPILOGUE, DSE_K_CANDIDATE, DSE_K_HOIST, DSE_K_WEIGHTS,
	DSE_K_WBITS, DSE_K_ABITS, DSE_K_LUT,        /* the numbers: they change the nest */
	DSE_NKNOB
} DseKnob;

enum { DSE_MAX_VALUES = 4096 };

typedef struct DseSpace {
	int n[DSE_NKNOB];                  /* values of each knob */
	int *val[DSE_NKNOB];               /* in the order they are tried (in the Ctx's arena) */
	int set[DSE_NKNOB];                /* given on the command line (--set) */
	int vary_numbers;                  /* the widths and LUT may be set (the sweep has the
	                                    * fp32 nest to quantize them from) */
} DseSpace;

/* The name of a knob as the spec writes it ("hu", "combine"). */
const char *dse_knob_name(DseKnob k);

/* The space of a spec on a target: a knob the spec pins has that one value; the others their
 * default ranges (docs/sweep.md): the target's rows, columns and PMU capacity, hu 1 to H, ru 1
 * to D + H (both at most the target's PCUs), rv the powers of two up to the PCU's lanes x values
 * a lane (and D + H when that is shorter), hv 1, folded the target's, both ways of combining the
 * partial sums and of filling the epilogue, for a GRU both forms of the candidate gate, the input
 * products hoisted or not, the weights where the spec puts them, and the spec's
 * weight and activation widths and LUT entries. */
void dse_space_init(Ctx *c, DseSpace *sp, const CellSpec *s, const Target *t);
/* Applies "KNOB=VALUES" (VALUES: a number, a range LO..HI, or a comma-separated list of either;
 * folded true/false, combine tree/chain, epilogue serial/packed, candidate split/merged,
 * hoist_input true/false,
 * weights onchip/stream; rows and
 * cols 1 to 1024, pmu_kib 1 to 65536, weight_bits and act_bits 8, 16 or 32, lut_entries a power
 * of two from 2 to 65536). Errors go to c; -1 then. */
int dse_space_set(Ctx *c, DseSpace *sp, const char *arg);

/* What "best" means: the least of one objective, among the points within the constraints. */
const char *dse_objective_name(DseObjective o);
/* The objective named s ("latency", "area", "power", "energy"); -1 when none is. */
int dse_objective_find(const char *s);

/* One point of the sweep. */
typedef struct DseResult {
	Knobs k;
	int rows, cols, pmu_kib;  /* the fabric: the target's with these */
	int wbits, abits, lut;    /* the widths of weights and activations, the LUT entries */
	int var;                  /* ... as DseSweep.var[var] */
	int maps;                 /* 1: it maps; 0: why says why */
	MapFail why;              /* .unit is not kept: see unit */
	char unit[48];            /* the unit of a per-unit limit, or "" */
	int64_t bound;            /* T x B x (rows of the largest copy) x vector steps: cycles no
	                           * design of these knobs can beat (each xh copy issues a vector a
	                           * cycle at most) */
	int64_t cycles;           /* the analytic model's, all T steps */
	double latency_us, area_mm2, power_mw, energy_uj, util;
	int pcus, pmus, dots;
	int meets;                /* maps and is within the constraints (by the model's figures) */
	int64_t sim_cycles;       /* simulated (-1: not simulated) */
	double sim_power_mw, sim_energy_uj;
	int done, sim_done;       /* evaluated (here or in the cache), simulated */
	int front;                /* on the Pareto front of latency, area, power and energy */
	int64_t dominator;        /* a point on the front that dominates it (-1: none) */
} DseResult;

/* A spec with one choice of the numbers and its quantized nest. */
typedef struct DseVariant {
	CellSpec spec;
	const Func *fixed;        /* NULL: the numbers do not make a nest (why in c's messages) */
	double err_max, err_mean; /* |h - fp32 h| over all steps; -1: not measured */
} DseVariant;

typedef struct DseSweep {
	const CellSpec *spec;
	const Func *fixed;        /* the spec's own quantized nest */
	const Func *fp32;         /* the fused fp32 nest, to quantize other widths from (or NULL:
	                           * the widths and LUT stay the spec's) */
	/* measures a variant's quantization error, when not NULL; 0 when measured */
	int (*qerror)(void *ctx, const DseVariant *v, double *max, double *mean);
	void *qerror_ctx;
	const Target *target;
	const DseSpace *space;
	int jobs;                 /* workers (threads) */
	int simulate;             /* the best this many by the model's objective are simulated */
	DseObjective objective;
	double max_area_mm2, max_power_mw;  /* constraints; 0: none */
	int max_pcus;
	Ctx *progress;            /* where progress goes (a terminal only), or NULL */
	const char *cache_dir;    /* results kept in cache_dir/cache (cache.c), or NULL */
	uint64_t key;             /* ... under this key of the spec, target and rnnc */
	int shard_k, shard_n;     /* --shard K/N: the points i with i % N == K - 1 only */
	int merge;                /* every point must come from the cache */
	DseStrategy strategy;     /* as asked (AUTO: by the space's size) */
	uint64_t seed;            /* the heuristic's */
	int64_t samples;          /* ... and its budget of points (0: DSE_SAMPLES_DEFAULT) */

	DseStrategy used;         /* the strategy run: exhaustive, anneal or random */
	int switched;             /* ... anneal because the space has more than DSE_EXHAUSTIVE_MAX */
	int64_t space_points;     /* the space's points; DSE_EXHAUSTIVE_MAX + 1: more than that */
	int64_t npoints;          /* the points in res: every point of the space, or those the
	                           * heuristic visited (their index is then their place in res) */
	DseResult *res;           /* npoints results, in the space's order (malloc'd) */
	int64_t legal, meets, front;
	int64_t nfail[MAP_FAIL_OTHER + 1];
	int64_t best;             /* the simulated point best in the objective (else the model's
	                           * best), or -1 when no point meets the constraints */
	double err_mean, err_max; /* |model - sim| / sim over the simulated points */
	int nsim;
	int64_t cached, evaluated, simulated_here;
	FILE *cache;
	struct DseCacheTable *ctab; /* the cache's records by point, for a walk (cache.c) */
	DseVariant *var;          /* one per choice of the numbers (malloc'd) */
	int nvar;
} DseSweep;

/* The strategy the space gets (w->used, w->switched) and its points counted (w->space_points,
 * w->npoints); -1 after errors to c (a walk cannot be sharded). dse_sweep_run calls it when
 * the caller has not. */
int dse_sweep_plan(Ctx *c, DseSweep *w);
/* Visits every point of the space (see the top of this file), or the heuristic's samples of
 * it; 0, or -1 when the space is empty or memory runs out (reported to c). */
int dse_sweep_run(Ctx *c, DseSweep *w);
void dse_sweep_free(DseSweep *w);

/* The cache (cache.c). dse_hash is FNV-1a 64 continued from h (start: 0xcbf29ce484222325). */
uint64_t dse_hash(uint64_t h, const void *p, size_t n);
int dse_cache_open(Ctx *c, DseSweep *w, const char *dir, const char *tag);
void dse_cache_put(FILE *f, const DseResult *r, int sim);
void dse_cache_close(DseSweep *w);
/* A walk's cache (opened with w->used not exhaustive): fills r from the records of its point
 * when there are any, counting them in w->cached; 1 then. */
int dse_cache_take(DseSweep *w, DseResult *r);

/* Every point as CSV (a header line, then one line a point) and as JSON; deterministic. */
void dse_sweep_csv(const DseSweep *w, FILE *out);
void dse_sweep_json(const DseSweep *w, FILE *out);

#endif
