/* Target: a description of the spatial fabric (Plasticine-style PCUs and PMUs on a static mesh).
 * The built-in targets live in frontend/targets/ (`plasticine`, `plasticine-rnn`), where
 * every figure carries its source; docs/target.md documents the format. */
#ifndef RNNC_IR_TARGET_H
#define RNNC_IR_TARGET_H

#include <stdint.h>

/* Which grid sites hold PCUs (the others hold PMUs); ir_target_site_pcu decides, for every
 * layout, and everything that needs a site's kind or a count asks it.
 *   checkerboard  PCU at (row, col) when row + col is even: 1 PMU per PCU
 *   pmu2          PCU at (row, col) when (row + col) % 3 == 0: 2 PMUs per PCU, and every PCU's
 *                 four neighbours are PMUs */
typedef enum { LAYOUT_CHECKERBOARD, LAYOUT_PMU2, NLAYOUT } Layout;

/* The layouts' names as target files spell them, in enum order, NULL-terminated. */
extern const char *const ir_layout_names[NLAYOUT + 1];

typedef struct UnitPorts {
	int vector_in, vector_out, scalar_in, scalar_out;
} UnitPorts;

typedef struct Target {
	const char *name;
	const char *description;
	int technology_nm;
	double clock_mhz;

	int rows, cols;
	Layout layout;

	struct {
		int lanes;           /* SIMD lanes */
		int word_bits;       /* lane width */
		int stages;          /* pipeline stages */
		int pack_bits;       /* narrowest packed element (8: four values per 32-bit lane) */
		int folded_reduce;   /* has the folded reduce-accumulate stage */
		UnitPorts ports;
		double area_mm2, power_mw;
	} pcu;

	struct {
		int capacity_kib;
		int banks;
		int word_bits;
		UnitPorts ports;
		double area_mm2, power_mw;
	} pmu;

	struct {
		int vector_bits, scalar_bits;
		int hop_cycles;      /* latency of one switch hop */
		double vector_switch_area_mm2, vector_hop_pj;
		double scalar_switch_area_mm2, scalar_hop_pj;
	} net;

	struct {
		double bandwidth_gbs;
		int latency_cycles;
	} dram;

	/* The published chip's figures, for reports only; 0 when not given (never estimated). */
	double die_area_mm2;
	double tdp_w;
} Target;

const char *ir_layout_name(Layout l);
int ir_target_site_pcu(const Target *t, int row, int col);  /* 1: a PCU site; 0: a PMU site */
int ir_target_pcus(const Target *t);
int ir_target_pmus(const Target *t);
int64_t ir_target_onchip_bytes(const Target *t);   /* all PMUs together */
int ir_target_reduce_latency(const Target *t);      /* reduce-accumulate: log2(lanes) + 1 */

#endif
