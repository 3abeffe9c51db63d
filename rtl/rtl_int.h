/* Internal to rtl/: what the emitters of the top, the testbench and the images share. */
#ifndef RNNC_RTL_INT_H
#define RNNC_RTL_INT_H

#include <stdio.h>

#include "../sim/sim_int.h"
#include "rtl.h"

/* One design being emitted. Node-indexed arrays describe the epilogue (the body of the
 * hidden-unit loop after the reduction), the same for every copy. */
typedef struct Rtl {
	Ctx *c;
	const Mapping *m;
	const SimDesign *d;
	const Func *f;
	const CellSpec *s;
	int T;                    /* the steps the testbench runs: rtl_check_steps */
	const char *mod;          /* the design's Verilog name: modules MOD_top and MOD_tb */
	Memory init;              /* ir_mem_init: weights, tables, parameters, state */
	Memory fin;               /* after the simulated run: xh[t] and h[t] of every step */
	SimVal v;                 /* on init: the loops and the products' loads */
	const Report *r;          /* that run: the cycles the RTL must take */

	int ab, wb;               /* bits of an xh word, of a weight */
	int bw, jw;               /* tag bits: batch, row within a copy (with hv > 1: row group) */
	int xw;                   /* hoist_input: 1, the tag's x-phase bit above b on the links
	                           * of the sums' way (xh, dot products, combines); else 0 */
	int hv;                   /* rows a token carries: schedule.hv, 1 without row groups */
	int half;                 /* words of one half of an xh copy: B x nt x rv */
	int pack, lanes, nv, sw;  /* dot product: values a lane reduces, lanes, values (lanes x pack),
	                          * exact partial bits */
	int levels;               /* add levels of its whole tree: log2 of nv padded to a power of 2 */
	int chain;                /* its stages */
	int nseg;                 /* epilogue segments */
	int *opseg;               /* by node: the segment whose stage computes it, or -1 */
	int *seg;                 /* by node: the first segment where its value is (computed,
	                           * arrived as a sum, or loaded), or -1 */
	int *last;                /* by node: the last segment that uses it, or -1 */
	int *sseg;                /* by store node: the segment that executes it */
	int *arr;                 /* by tensor: the epilogue reads or writes it as an array */
	int *fold;                /* by tensor: the first dimension is the step, held as two */
	int64_t *asize;           /* by tensor: elements of the array */
	Ref xh_store;             /* the store of h_t into xh */
} Rtl;

/* The unit library, compiled in (cmake/embed.cmake). */
extern const Embedded rtl_sources[];
extern const size_t rtl_sources_count;

void rtl_top(const Rtl *x, FILE *out);
void rtl_tb(const Rtl *x, FILE *out);
void rtl_makefile(const Rtl *x, FILE *out);

/* Helpers shared by the emitters. */
int rtl_levels(int64_t n);              /* ceil(log2(n)), 0 for n <= 1 */
int rtl_clog2(int64_t n);               /* bits to hold 0 .. n - 1, at least 1 */
const char *rtl_name(const Rtl *x, const char *s);  /* a legal Verilog identifier for s */
void rtl_const(FILE *out, int bits, int64_t v);     /* bits'hXX, two's complement */
int rtl_is_output(const Rtl *x, Ref store);  /* the store sends its value out to DRAM */
int rtl_groups(const Rtl *x, int64_t rows);  /* tokens of `rows` rows: ceil(rows / hv) */
/* The ports of output store r of copy u, lane k of its row groups: out_<tensor>_u<copy>, with
 * _l<k> when hv > 1. */
const char *rtl_out_name(const Rtl *x, int copy, Ref r, int lane);
void rtl_header(const Rtl *x, FILE *out, const char *what);

#endif
