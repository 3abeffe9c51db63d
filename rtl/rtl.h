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
 * The expected values and cycles come from simulating the design with values (sim_run). */
#ifndef RNNC_RTL_H
#define RNNC_RTL_H

#include "../ir/spec.h"
#include "../passes/map.h"

/* Why the backend cannot emit m, or NULL when it can. */
const char *rtl_unsupported(const Mapping *m, const CellSpec *s);

/* Writes the files into dir/verilog (created). Errors go to c; returns 0 or -1. */
int rtl_emit(Ctx *c, const Mapping *m, const CellSpec *s, const char *dir);

#endif
