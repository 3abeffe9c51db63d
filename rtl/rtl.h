/* The Verilog backend (docs/rtl.md): a mapped design as a top module built from the unit
 * library rtl/lib, with its memory images, a self-checking testbench and a Makefile.
 *
 * rtl_emit writes DIR/verilog/:
 *   lib/rnnc_*.v       the unit library (copied from the source tree)
 *   NAME_top.v         one instance per unit of the Mapping, one rnnc_link per link, the
 *                      epilogue's instructions as arithmetic units, the step controller
 *   NAME_tb.v          feeds x_t as the DRAM would, compares every h_t the top sends out and
 *                      the cycle count with the C simulator's; prints PASS or FAIL
 *   *.hex              weights, the xh double buffers' initial contents (h_0), tables,
 *                      parameters and state, x and the expected outputs
 *   Makefile           `make` (Verilator), `make VCD=1`, `make iverilog`, `make lint`,
 *                      `make synth` (Yosys: cell counts beside the area model's estimate)
 * The expected values and cycles come from simulating the design with values (sim_run), and
 * the simulator's h is checked against the interpreter's first. Both cost time in proportion
 * to the steps, so the testbench runs the first rtl_check_steps of them: the top's parameter T
 * is the spec's, the testbench sets it to the steps it checks. */
#ifndef RNNC_RTL_H
#define RNNC_RTL_H

#include "../ir/spec.h"
#include "../passes/map.h"

/* Why the backend cannot emit m, or NULL when it can. */
const char *rtl_unsupported(const Mapping *m, const CellSpec *s);

/* The steps the testbench runs and checks: all of the spec's, or as many as the bounds allow
 * (RTL_CHECK_UNIT_CYCLES of simulated unit-cycles and RTL_CHECK_MACS of interpreted
 * multiply-accumulates), and at least two (one swap of the xh double buffer) where there
 * are, unless one step alone has more than RTL_CHECK_MACS. */
enum { RTL_CHECK_UNIT_CYCLES = 4 * 1000 * 1000, RTL_CHECK_MACS = 100 * 1000 * 1000 };
int rtl_check_steps(const Mapping *m, const CellSpec *s);

/* Writes the files into dir/verilog (created). Errors go to c; returns 0 or -1. */
int rtl_emit(Ctx *c, const Mapping *m, const CellSpec *s, const char *dir);

#endif
