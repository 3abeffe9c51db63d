/* The design point, and the defaults the design-space search owns.
 *
 * A design point is (spec, target, knobs). dse_lower lowers one to a mapping in a Ctx that the
 * caller resets between candidates (ir_ctx_reset: the arena keeps one block and is reused), and
 * says why not as data (MapFail: the resource, the unit, the amounts) beside the message. The
 * driver, the tests and the benchmarks all go through it; passes/ and sim/ know nothing of
 * dse/.
 *
 * The defaults: a schedule for the knobs a spec leaves unpinned (dse_search, in search.c), and
 * a fabric sized for weights that do not fit the target (the
 * target's grid grown in its aspect ratio, at most DSE_MAX_GROW times its rows and columns;
 * beyond that the weights must stream from DRAM or the target must be larger). */
#ifndef RNNC_DSE_H
#define RNNC_DSE_H

#include "../ir/ir.h"
#include "../ir/spec.h"
#include "../ir/target.h"
#include "../passes/map.h"

/* The fabric grows to at most this many times the target's rows and columns (16 times its
 * units): enough for every DeepBench problem on both built-in targets, and a bound on the work
 * of sizing and mapping whatever the spec asks for. */
enum { DSE_MAX_GROW = 4 };

typedef struct DsePoint {
	const CellSpec *spec;  /* the cell; its own knobs are not read */
	const Func *fixed;     /* the quantized nest, before scheduling */
	const Target *target;
	Knobs knobs;           /* the schedule: hu, ru and rv set (> 0), the rest as in Knobs */
} DsePoint;

typedef struct DseDesign {
	const CellSpec *spec;  /* the spec with the point's knobs, in the Ctx's arena */
	const Target *target;  /* a copy of the point's, in the Ctx's arena */
	Func *sched;           /* the scheduled nest; NULL when the schedule failed */
	Mapping *map;          /* NULL: it does not map, and why says why */
	MapFail why;
} DseDesign;

/* The two halves of dse_lower, for a driver that shows the schedule before it maps. */
int dse_schedule(Ctx *c, const DsePoint *p, DseDesign *d);
int dse_map(Ctx *c, DseDesign *d);
/* Schedules and maps the point in c; 0 when it maps, else -1 with d->why and c's messages. */
int dse_lower(Ctx *c, const DsePoint *p, DseDesign *d);

/* The default schedule for the unpinned knobs of p->knobs (0 for hu, ru, rv; -1 for the
 * combine, epilogue and candidate forms): dse_search below, without its statistics. The model's
 * DSE_FINALISTS fastest points are simulated (two steps: the first and a steady one) ... */
enum { DSE_FINALISTS = 3 };
/* ... unless their two steps would take more than this many simulated unit-cycles (the model's
 * cycles times the units): then the model's order stands. */
enum { DSE_SIM_BUDGET = 50 * 1000 * 1000 };
int dse_default_knobs(const DsePoint *p, Knobs *k, MapFail *why);

/* What the search looks for: the least latency (the default), area, power or energy per
 * inference, among the points within the limits (0: none), judged by the model's figures. */
typedef enum { DSE_OBJ_LATENCY, DSE_OBJ_AREA, DSE_OBJ_POWER, DSE_OBJ_ENERGY, DSE_NOBJ } DseObjective;

/* How a space is searched: every point (exhaustive), or for spaces too large to visit a seeded
 * heuristic within a budget of samples (points lowered and modelled): anneal, simulated
 * annealing over the positions of the knobs' values, neighbours moving one knob (walk.c); or
 * random, points drawn uniformly. DSE_STRATEGY_AUTO: exhaustive up to DSE_EXHAUSTIVE_MAX
 * points, else anneal. */
typedef enum {
	DSE_STRATEGY_AUTO, DSE_STRATEGY_EXHAUSTIVE, DSE_STRATEGY_ANNEAL, DSE_STRATEGY_RANDOM,
	DSE_NSTRATEGY
} DseStrategy;

/* Above this many points a space is sampled unless exhaustive is asked for: more than 7 times the
 * largest default space of a DeepBench problem (131,600 points, GRU 2816 on plasticine-rnn grown
 * for its weights; docs/sweep.md), a few minutes of a sweep on two cores.
 * Counting sorts through at most DSE_COUNT_TRIES times as many combinations of values. */
enum { DSE_EXHAUSTIVE_MAX = 1000000, DSE_COUNT_TRIES = 64 };
/* The heuristic's defaults: the seed, and the samples of a sweep and of the compile's search. */
enum { DSE_SEED_DEFAULT = 1, DSE_SAMPLES_DEFAULT = 4000 };

/* "exhaustive", "anneal", "random" ("auto" for DSE_STRATEGY_AUTO); dse_strategy_find: the
 * strategy named s, or -1. */
const char *dse_strategy_name(DseStrategy s);
int dse_strategy_find(const char *s);

/* ... and how to look: strategy (AUTO when 0), seed and samples (0: the defaults). */
typedef struct DseGoal {
	DseObjective objective;
	double max_area_mm2, max_power_mw;
	int max_pcus;
	DseStrategy strategy;
	uint64_t seed;
	int64_t samples;
} DseGoal;

/* What a search did (dse_search): the points of its space, those the stream bound ruled out
 * unseen, those lowered and modelled, those that mapped, those simulated, and the model's error
 * on them. */
typedef struct DseSearchStats {
	int64_t points, pruned, modelled, legal;
	int64_t within;            /* ... within the goal's limits */
	int simulated;
	int budget;                /* the finalists were too large to simulate: the model chose */
	double err_mean, err_max;  /* |model - sim| / sim over the simulated */
	int64_t sim_cycles;        /* the choice's, simulated (-1: not simulated) */
	int64_t model_cycles;      /* ... and by the model */
	Knobs model_first;         /* the model's favourite, when the simulator chose another */
	int64_t model_first_sim;   /* ... and its simulated cycles */
	DseStrategy used;          /* exhaustive (bound-pruned), anneal or random */
	int switched;              /* ... anneal: the space has more than DSE_EXHAUSTIVE_MAX points */
	uint64_t seed;             /* the heuristic's seed and samples */
	int64_t samples;
} DseSearchStats;

/* The search for the unpinned knobs of p->knobs: every point of the sweep's space of the spec
 * with those pins (dse/sweep.h: rv, hu, ru and the forms), visited in the order of its stream
 * bound (cycles no design of those knobs can beat); once DSE_FINALISTS points are modelled, a
 * point whose bound exceeds the slowest of them cannot be among the model's fastest (the model
 * never predicts fewer cycles than the bound), and neither can any after it, so the search
 * stops there. The finalists are simulated (the first step and a steady one) and the fastest
 * simulated is the choice. With a goal (NULL: the least latency, no limits) the finalists are
 * the model's best in its objective among the points within its limits, and the bound prunes
 * only when the objective is latency. Fills *k (and *st when not NULL); 0, or -1 when nothing
 * maps, or nothing within the limits (then *k holds the smallest point and *why its reason,
 * MAP_FAIL_OTHER when it maps). */
int dse_search(const DsePoint *p, const DseGoal *goal, Knobs *k, MapFail *why,
               DseSearchStats *st);

/* The smallest grid, grown from the target's in its aspect ratio by eighths, whose PMUs hold
 * the weights with one PMU in four left for vectors, tables and state. Returns 0 and sets
 * *rows, *cols (the target's own when they fit); -1 past DSE_MAX_GROW. */
int dse_fabric_for(const CellSpec *s, const Target *t, int *rows, int *cols);

/* The target and knobs a compilation uses (dse_default). */
typedef struct DseChoice {
	Target target;         /* the given one, or grown */
	Knobs knobs;           /* the spec's, with defaults for the unpinned */
	int defaulted;         /* some knob was not pinned and got its default */
	int no_default;        /* ... and no default maps: knobs hold the point whose error to show */
	int rows0, cols0;      /* the given grid */
	int sized_for_weights; /* the grid grew to hold the weights */
	int grown_for_map;     /* ... or to make room for a default schedule beside them */
	DseSearchStats search; /* when defaulted: what the search did */
} DseChoice;

/* Chooses the fabric and the knobs for a spec: the weights that do not fit (and are not
 * streamed) grow the fabric, then the unpinned knobs get the default schedule, growing the
 * fabric further (within DSE_MAX_GROW) when none maps beside the weights. Errors (weights past
 * the cap) go to c; returns -1 then. */
int dse_choose(Ctx *c, const CellSpec *s, const Func *fixed, const Target *t, DseChoice *out);
/* ... for a goal (NULL: the least latency); a goal that no point meets is an error. */
int dse_choose_for(Ctx *c, const CellSpec *s, const Func *fixed, const Target *t,
                   const DseGoal *goal, DseChoice *out);

#endif
