/* Target: a description of the spatial fabric (Plasticine-style PCUs and PMUs on a static mesh).
 * The built-in `plasticine` target lives in frontend/targets/plasticine.yaml, where every figure
 * carries its source; docs/target.md documents the format. */
#ifndef RNNC_IR_TARGET_H
#define RNNC_IR_TARGET_H

#include <stdint.h>

typedef enum { LAYOUT_CHECKERBOARD } Layout;

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
} Target;

int ir_target_pcus(const Target *t);
int ir_target_pmus(const Target *t);
int64_t ir_target_onchip_bytes(const Target *t);   /* all PMUs together */
int ir_target_reduce_latency(const Target *t);      /* reduce-accumulate: log2(lanes) + 1 */

#endif
