/* The cycle-by-cycle simulator of a Mapping (docs/sim.md).
 *
 * sim_run executes the mapped design of one time step for the spec's T steps: every PCU is a
 * pipeline of its stages' latencies, every PMU a stream of vectors or a table read per row,
 * every link a delay line of hops x hop_cycles ending in a valid/ready FIFO of `fifo_depth`
 * entries with backpressure, and the time loop a barrier that waits for all of h_t in every xh
 * copy and x_{t+1} from DRAM. The engine (core.h, core.c) runs on a plain-C SimDesign made from
 * the Mapping; with memory given it also computes the fixed-point values as the units would
 * (sim_eval.c): h (and c) equal ir_interp's on the same scheduled Func bit for bit.
 *
 * sim_emit writes the standalone simulator of `--emit=sim` (emit.c). */
#ifndef RNNC_SIM_H
#define RNNC_SIM_H

#include <stdio.h>

#include "../ir/exec.h"
#include "../passes/map.h"
#include "core.h"

/* The plain-C description of m that the engine runs, in c's arena. */
SimDesign *sim_design(Ctx *c, const Mapping *m);
/* The same into d, with the arrays given: m->nunit units, m->nlink links. */
void sim_design_fill(const Mapping *m, SimDesign *d, SimUnitDesc *ud, SimLinkDesc *ld);

/* Simulates m (made from the scheduled Func f) for T steps. When mem is not NULL and
 * o->values is set, mem must be ir_mem_init(f) memory: the simulator writes its results there
 * (h, c, xh) as ir_interp would. The Report and its arrays are in c's arena. */
Report *sim_run(Ctx *c, const Mapping *m, int T, const SimOptions *o, Memory *mem);

/* Writes one C file that simulates d for T steps with options o when built with `cc -O2` and
 * prints the report of sim_report_print (and report.json with `-j FILE`). */
void sim_emit(const SimDesign *d, int T, const SimOptions *o, FILE *out);

#endif
