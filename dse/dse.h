/* The design point, and the defaults the design-space search owns.
 *
 * A design point is (spec, target, knobs). dse_lower lowers one to a mapping in a Ctx that the
 * caller resets between candidates (ir_ctx_reset: the arena keeps one block and is reused), and
 * says why not as data (MapFail: the resource, the unit, the amounts) beside the message. The
 * driver, the tests and the benchmarks all go through it; passes/ and sim/ know nothing of
 * dse/.
 *
 * The defaults until the search exists: a schedule for the knobs a spec leaves unpinned (the
 * smallest hu x ru that maps), and a fabric sized for weights that do not fit the target (the
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
 * combine, epilogue and candidate forms): rv the PCU's lanes x values per lane (or D + H when
 * shorter); over every hu x ru whose dot products fit the PCUs and each unpinned form (the GRU
 * candidate gate merged only where rv divides D and hv is 1), the analytic
 * model's DSE_FINALISTS fastest are simulated (two steps: the first and a steady one) and the
 * fastest simulated one is the choice.
 * Fills *k; returns 0, or -1 when nothing maps (then *k holds rv and hu = ru = 1, or the
 * pinned values, and *why the reason of that point). */
enum { DSE_FINALISTS = 3 };
/* ... unless their two steps would take more than this many simulated unit-cycles (the model's
 * cycles times the units): then the model's order stands. */
enum { DSE_SIM_BUDGET = 50 * 1000 * 1000 };
int dse_default_knobs(const DsePoint *p, Knobs *k, MapFail *why);

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
} DseChoice;

/* Chooses the fabric and the knobs for a spec: the weights that do not fit (and are not
 * streamed) grow the fabric, then the unpinned knobs get the default schedule, growing the
 * fabric further (within DSE_MAX_GROW) when none maps beside the weights. Errors (weights past
 * the cap) go to c; returns -1 then. */
int dse_choose(Ctx *c, const CellSpec *s, const Func *fixed, const Target *t, DseChoice *out);

#endif
