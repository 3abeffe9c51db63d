/* CellSpec: what the user asked to compile, after the frontend has checked it and filled in the
 * defaults. The format is documented in docs/spec.md. */
#ifndef RNNC_IR_SPEC_H
#define RNNC_IR_SPEC_H

#include <stdint.h>

#include "ctx.h"

typedef enum { CELL_LSTM, CELL_GRU, CELL_RNN, NCELL } CellKind;
typedef enum { PREC_FIXED, PREC_FP32 } PrecKind;
typedef enum { ACT_LUT, ACT_EXACT } ActImpl;

/* Signed fixed point: `bits` in all, `frac` of them after the binary point. */
typedef struct FixedFmt {
	int bits, frac;
} FixedFmt;

typedef struct Precision {
	PrecKind kind;
	FixedFmt weight;  /* W and U */
	FixedFmt act;     /* x_t and h_t as the products read them */
	FixedFmt cell;    /* the LSTM cell state c_t */
	int accum_bits;   /* the dot-product accumulator; its frac is weight.frac + act.frac */
} Precision;

typedef struct Activation {
	ActImpl impl;
	int entries;      /* LUT entries, a power of two */
	double lo, hi;    /* LUT input range [lo, hi); inputs outside saturate */
} Activation;

/* Pinned schedule knobs; 0 (or -1 for the flags) means "not pinned": the search chooses. */
typedef struct Knobs {
	int hu;           /* hidden units computed in parallel */
	int ru;           /* reduction tiles in parallel */
	int rv;           /* vector width of one reduction tile */
	int hv;           /* lanes across hidden units (the alternative mapping) */
	int folded;       /* folded reduce-accumulate stage: -1 unset, 0, 1 */
	int hoist_input;  /* hoist W.x_t out of the recurrent chain: -1 unset, 0, 1 */
	int weights;      /* where the weights live: WEIGHTS_ONCHIP (default), WEIGHTS_STREAM */
	int combine;      /* how the ru partial sums are added: -1 unset (the mapping's default is
	                   * the tree; the default schedule chooses), COMBINE_TREE, COMBINE_CHAIN */
	int epilogue;     /* the epilogue's stages: -1 unset (serial for the mapping; the default
	                   * schedule chooses), EPILOGUE_SERIAL, EPILOGUE_PACKED */
	int candidate;    /* GRU: the candidate gate's x and h halves: -1 unset (split for the
	                   * mapping; the default schedule chooses), CANDIDATE_SPLIT,
	                   * CANDIDATE_MERGED */
} Knobs;

enum { WEIGHTS_ONCHIP, WEIGHTS_STREAM };
/* COMBINE_TREE: adder trees of combine PCUs; COMBINE_CHAIN: along the tiles' dot products. */
enum { COMBINE_TREE, COMBINE_CHAIN };
/* serial: one op per stage in program order; packed: the ops of one dependence level share a
 * stage on separate lanes (docs/mapping.md) */
enum { EPILOGUE_SERIAL, EPILOGUE_PACKED };
/* split: the GRU candidate gate's x half (k < D) and h half (k >= D) are two dot products;
 * merged: one dot product with two accumulators computes both (docs/mapping.md) */
enum { CANDIDATE_SPLIT, CANDIDATE_MERGED };

struct YNode;

typedef struct CellSpec {
	const char *name;
	CellKind cell;
	int hidden;       /* H */
	int input;        /* D; the spec's default is H */
	int timesteps;    /* T */
	int batch;        /* B */
	Precision prec;
	Activation act;
	Knobs knobs;
	const char *target;                   /* the spec's `target:` name, or NULL */
	Loc target_loc;
	const struct YNode *target_overrides; /* the spec's `target:` mapping, or NULL */
	Loc loc;                              /* the start of the spec */
} CellSpec;

/* Limits of the frontend: larger values are rejected with a message naming the limit. */
enum {
	SPEC_MAX_HIDDEN = 16384,
	SPEC_MAX_INPUT = 16384,
	SPEC_MAX_TIMESTEPS = 100000,
	SPEC_MAX_BATCH = 256,
	SPEC_MAX_KNOB = 65536,
	SPEC_MAX_NAME = 64,
};

const char *ir_cell_name(CellKind k);
int ir_cell_gates(CellKind k);  /* 4 for LSTM, 3 for GRU, 1 for a vanilla RNN */

/* Work and storage implied by a spec (independent of any schedule). */
int64_t ir_spec_macs_per_step(const CellSpec *s);   /* G*H*(D+H)*B */
int64_t ir_spec_weight_count(const CellSpec *s);    /* G*H*(D+H) */
int64_t ir_spec_weight_bytes(const CellSpec *s);    /* at the weight precision */
double ir_spec_flop(const CellSpec *s);             /* 2 * MACs * T */

#endif
