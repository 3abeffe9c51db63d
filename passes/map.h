/* Mapping: the scheduled fixed-point nest of one time step as virtual units on the fabric.
 *
 * map_build reads the scheduled Func (the output of pass_schedule), the spec (sizes, precision,
 * the `folded` knob) and the Target, and produces a Mapping: the PCUs and PMUs the step needs,
 * what each one computes or holds, the links between them, where each unit sits on the grid
 * (the target's layout says which sites are PCUs) and how many switch hops each link takes.
 * The simulator (sim/) executes a Mapping cycle by cycle and the Verilog backend (rtl/)
 * instantiates one module per unit, so everything they need is recorded here; docs/mapping.md
 * explains the rules with an example.
 *
 * How the nest divides (H hidden units, N = D + H reduction length, B batch, P products):
 *   products  the values the fused reduction yields (LSTM 4, GRU 4: the candidate gate is split
 *             into its x and h halves, linear-before-reset; vanilla 1). Product p reads gate
 *             `gate` of the weights over k in [k_lo, k_hi).
 *   copies    the hu copies of the hidden-unit loop; copy u owns the contiguous rows
 *             [lo, hi): the first H % hu copies get ceil(H / hu) rows, the others floor.
 *   tiles     the ru reduction tiles of rv lanes: tile r owns every k with (k / rv) % ru == r,
 *             k < N, visited in nt = ceil(N / (ru * rv)) vector steps (a tail is masked).
 *   groups    with hv > 1 (lanes across hidden units) a copy's rows are visited hv at a time:
 *             a dot product holds hv row groups of ceil(rv / pack) lanes, a group is one
 *             token of the pipelines, and the links of per-row values carry a group's hv of
 *             them (in map_link_flits flits); docs/mapping.md, "the hv form".
 *
 * Units, in creation order (which is also placement order):
 *   for each copy u:
 *     for each tile r, product p:
 *       DOT     PCU(s): multiply rv packed values, in-lane reduce, cross-lane reduce and
 *               accumulate (or the folded reduce-accumulate stage). Split across several PCUs
 *               when the chain is longer than pcu.stages (`seg` numbers them).
 *       WEIGHT  PMU(s): the weights of (gate, rows of u, k of tile r within [k_lo, k_hi));
 *               tiled into `part`s when they exceed one PMU.
 *       XH      PMU: the [x_t ; h_{t-1}] vector, one copy per tile (made with the first DOT of
 *               the tile): all readers of a tile read the same address in the same cycle, so
 *               one vector read is multicast to them, while different tiles need different
 *               words in one cycle and so a copy each.
 *     COMBINE   PCUs (ru > 1, combine: tree): per product, a tree adding the ru partial sums,
 *               fan-in at most pcu.scalar_inputs. With combine: chain there are none: the
 *               tiles' last dot segments pass the sums along (MAP_L_CHAIN links).
 *     EPI       PCU(s): the epilogue ops of the IR (bias, LUT activation, cell update, the
 *               casts of h) one op per stage in program order, or packed by dependence level
 *               (schedule.epilogue), split into segments of at most pcu.stages stages.
 *     LUT       PMU per epilogue segment that reads parameters: its LUT tables and biases.
 *     CELL      PMU (LSTM): the copy's rows of the cell state.
 *   HBUF        PMUs, after all copies, only when hu > pmu.scalar_inputs: groups of at most
 *               pmu.scalar_inputs copies store their h in one (level 0), which sends vectors of
 *               up to hvec contiguous h values on one multicast vector port to every xh copy,
 *               or, when more than pmu.vector_inputs of them would feed an xh copy, to a
 *               level-1 hbuf that forwards the vectors of up to pmu.vector_inputs, and so on.
 *
 * Not units: x_t arrives from DRAM into the XH PMUs and h_t leaves to DRAM from the epilogue
 * (the simulator models that traffic); the weights are loaded once before the first step. */
#ifndef RNNC_MAP_H
#define RNNC_MAP_H

#include "../ir/ir.h"
#include "../ir/spec.h"
#include "../ir/target.h"

typedef enum { MAP_PCU, MAP_PMU } MapKind;

typedef enum {
	MAP_DOT,       /* PCU: dot-product tile of product p, copy u, tile r */
	MAP_COMBINE,   /* PCU: adds partial sums of the ru tiles of one product */
	MAP_EPI,       /* PCU: a segment of the epilogue op chain of copy u */
	MAP_WEIGHT,    /* PMU: weights of one dot-product PCU (or a part of them) */
	MAP_XH,        /* PMU: [x_t ; h_{t-1}], double-buffered, one copy per tile */
	MAP_LUT,       /* PMU: LUT tables and biases read by one epilogue segment */
	MAP_CELL,      /* PMU: the cell state rows of one copy */
	MAP_HBUF,      /* PMU: stages the h_t of a group of copies and sends it on as vectors */
	NMAPROLE
} MapRole;

/* What a pipeline stage does. */
typedef enum {
	MAP_ST_OP,       /* an IR instruction of the epilogue (`ref`) */
	MAP_ST_MUL,      /* the lane-wise multiply of weights and xh (packed) */
	MAP_ST_INLANE,   /* adds pairs of packed values inside a lane */
	MAP_ST_TREE,     /* one level of the cross-lane reduction tree */
	MAP_ST_ACC,      /* adds the vector step's sum into the accumulator */
	MAP_ST_FOLDED,   /* folded reduce-accumulate: tree and accumulate in one stage */
	MAP_ST_COMBINE,  /* one level of an adder tree over partial sums */
	NMAPST
} MapStageKind;

typedef struct MapStage {
	MapStageKind kind;
	Op op;           /* the op of ir_ops[] it executes */
	Ref ref;         /* MAP_ST_OP: the instruction of the scheduled Func */
	int cycles;      /* latency: ir_ops[op].cycles (at least 1), the folded stage
	                  * ir_target_reduce_latency */
	int lanes;       /* lanes active in this stage */
	/* MAP_ST_OP: the instructions the stage executes, refs[0] == ref: one in the serial
	 * epilogue; in the packed one every op of one dependence level (up to pcu.lanes), each on
	 * a lane of its own, in program order, `cycles` the largest of their latencies */
	int nref;
	const Ref *refs;
} MapStage;

enum { MAP_MAXSLICE = 6 };

/* A box of a tensor: element [lo[d], hi[d]) in each dimension. When k_tiles > 0 the last
 * dimension holds only the k of one interleaved reduction tile: (k / k_width) % k_tiles ==
 * k_tile. A state tensor whose first dimension is the time step holds two steps (the double
 * buffer: read step t, write step t + 1), written lo = 0, hi = 2 there. */
typedef struct MapSlice {
	int tensor;
	int ndim;
	int32_t lo[IR_MAXDIM], hi[IR_MAXDIM];
	int32_t k_tile, k_tiles, k_width;
	int64_t elems, bytes;
} MapSlice;

typedef struct MapUnit {
	MapKind kind;
	MapRole role;
	const char *name;     /* stable: dot.p0.u1.r2.s0, w.p0.u1.r2.b0, xh.r2, epi.u1.s0, ... */
	int prod, gate, copy, tile, seg, part;  /* the indices of the name; -1 where none */
	int near;             /* placement anchor: a unit placed before this one, or -1 */
	int near2;            /* with near, a second one: the anchor is the site midway, or -1 */
	int row, col;         /* its site on the grid */

	/* PCU */
	int lanes;            /* lanes used */
	int pack;             /* values per lane (4: 8-bit values in a 32-bit lane) */
	int nstage;
	MapStage *stage;
	int accumulators;     /* accumulator registers (per lane) */
	int acc_bits;         /* their width */
	int64_t rows;         /* hidden units it processes per step, batch included */
	int64_t vsteps;       /* vector steps it issues per step (masked tail steps included) */
	int64_t macs;         /* useful multiply-accumulates per step (masked lanes excluded) */

	/* PMU */
	int nslice;
	MapSlice slice[MAP_MAXSLICE];
	int64_t bytes;        /* bytes held */
	int banks;            /* banks it needs for its reads of one cycle */
	int reads;            /* words read per cycle (one vector counts as one) */
	int xsum;             /* 1: a copy's x-sum PMU (hoist_input): every row's input products */

	UnitPorts used;       /* ports used: output ports count once per multicast */
} MapUnit;

/* What a link carries. The side links are an epilogue segment's reads of its table or state PMU
 * and its write back of state, once per row; all the others are token streams. */
typedef enum {
	MAP_L_XH,         /* an xh copy's vectors to the first segment of a dot product */
	MAP_L_WEIGHTS,    /* a weight PMU's vectors to it */
	MAP_L_LANES,      /* between the segments of a dot product: the lanes still to reduce */
	MAP_L_PARTIAL,    /* a tile's partial sum into a combine tree */
	MAP_L_SUM,        /* a product's full sum into the epilogue */
	MAP_L_VALUES,     /* values between epilogue segments */
	MAP_L_LUT_INDEX,  /* side: table indices to a lut PMU */
	MAP_L_PARAMS,     /* side: tables and biases from it */
	MAP_L_STATE,      /* side: state read from, or written back to, a state PMU */
	MAP_L_H,          /* h_t from the epilogue into the xh copies (or its hbuf), a value a row */
	MAP_L_CHAIN,      /* combine: chain: tile r's partial sum into tile r + 1's last segment */
	MAP_L_HVEC,       /* h_t as vectors of contiguous values, from an hbuf on */
	NMAPLINK
} MapLinkKind;

/* A link: the producer's output `port` to one consumer; links that share a producer and a
 * port carry the same data (a multicast). Routed with dimension-order (X, then Y) paths. */
typedef struct MapLink {
	int src, dst;         /* unit indices */
	int vector;           /* 1: vector network, 0: scalar network */
	int bits;             /* bits of a token (in map_link_flits flits) */
	int vals;             /* values per row a token carries: 2 for the merged candidate gate's
	                       * partial, chained and full sums, else 1 (0 read as 1) */
	int port;             /* the producer's output port of that network */
	int hops;             /* switch hops on the XY route */
	MapLinkKind what;     /* the data */
} MapLink;

typedef struct MapProduct {
	int result;           /* which result of the reduction */
	int gate;             /* the first index of its weight loads */
	int32_t k_lo, k_hi;   /* the k it reads */
	int weight;           /* the weight tensor */
	/* schedule.candidate: merged (GRU): the candidate gate's two halves, the same weights
	 * and gate over k in [0, D) and [D, N), are one dot product with two accumulators. The
	 * x half's product (the first) has `second` = the h half's, whose sum its second
	 * accumulator holds; the h half has `into` = the x half's and no units of its own. -1
	 * otherwise. */
	int second, into;
} MapProduct;

typedef struct MapCopy {
	int32_t lo, hi;       /* hidden rows [lo, hi) */
} MapCopy;

typedef struct MapTile {
	int64_t elems;        /* k < N this tile covers */
	int32_t vsteps;       /* vector steps with at least one active lane */
} MapTile;

/* Where the weights live: all of them in PMUs (on the target as given or on a fabric sized by
 * dse_fabric_for), or streamed from DRAM every step. */
typedef enum { MAP_WEIGHTS_ONCHIP, MAP_WEIGHTS_STREAM } MapWeights;

/* How the ru partial sums of a product are added (schedule.combine): by a tree of combine PCUs
 * per product and copy, or along the tiles: the last segment of tile r >= 1 adds the sum of
 * the same row from tile r - 1 (a MAP_L_CHAIN link) to its own as the row leaves, and tile
 * ru - 1 sends the full sum to the epilogue. With ru = 1 both are the same design. */
typedef enum { MAP_COMBINE_TREE, MAP_COMBINE_CHAIN } MapCombineForm;

/* How the epilogue fills its stages (schedule.epilogue): one op per stage in program order, or
 * packed by dependence level (an op in the stage after its last operand's, the ops of a level
 * side by side on the lanes). */
typedef enum { MAP_EPI_SERIAL, MAP_EPI_PACKED } MapEpilogue;

/* The GRU candidate gate's x and h halves (schedule.candidate): two dot products, or one with
 * two accumulators whose row tokens carry both sums (docs/mapping.md, "The merged candidate
 * gate"). A step whose block lies in k < D adds into accumulator 0, one in k >= D into 1. */
typedef enum { MAP_CANDIDATE_SPLIT, MAP_CANDIDATE_MERGED } MapCandidate;

typedef struct Mapping {
	const Func *f;
	const Target *t;
	const char *name;

	/* the schedule, as the scheduled Func applies it */
	int hu, ru, rv, hv, folded;
	int pack;             /* values per lane of the dot products */
	int inlane;           /* in-lane reduce stages, log2(pack) */
	int H, D, N, B;
	int nt;               /* vector steps per tile, ceil(N / (ru * rv)) */
	int nprod;            /* the reduction's results */
	MapProduct prod[IR_MAXRES];
	int ndot;             /* dot products per tile and copy: nprod, less one when merged */
	MapCopy *copy;        /* hu of them */
	MapTile *tile;        /* ru of them */
	int xh;               /* the xh tensor */
	Ref hidden_loop;      /* the foreach over hidden units */
	Ref reduce;           /* the outermost reduce */

	MapUnit *unit;
	int nunit;
	MapLink *link;
	int nlink;

	/* totals */
	int pcus, pmus;               /* units used of each kind */
	int row_lo, row_hi, col_lo, col_hi;  /* bounding box of the used sites, inclusive */
	int64_t hops, vector_hops, scalar_hops;
	int64_t macs;                 /* the sum over units: ir_spec_macs_per_step */
	int64_t weight_bytes;

	/* Where the weights live (schedule.weights). Streamed: every step reads them all from
	 * DRAM, in the order the rows are computed; a weight PMU holds two rows of its slice (one
	 * read, one arriving), and the walk is (row, batch, vector step) so that a row's weights
	 * serve the whole batch once they have arrived. The bytes read per step (the simulator's
	 * DRAM rules, sim_dram_transfer, give the cycles). */
	MapWeights weights;
	int64_t stream_bytes_per_step;

	MapCombineForm combine;       /* schedule.combine */

	/* The distribution of h_t (docs/mapping.md), used when hu copies writing every xh copy
	 * directly would need more than pmu.scalar_inputs: 0 then, else the values per h vector
	 * (net.vector_bits / pmu.word_bits, one value a word) and the hbuf PMUs made, in levels
	 * of `hlevels`. */
	int hvec;
	int nhbuf, hlevels;
	MapEpilogue epilogue;         /* schedule.epilogue */
	MapCandidate candidate;       /* schedule.candidate */
	/* schedule.hoist_input (docs/mapping.md, "Hoisting the input products"): each xh copy
	 * walks the h half of step t, then the x phase of step t + 1, its first `sx` vector steps
	 * of every row (floor(floor(D / rv) / ru), so that every tile's blocks there lie in x),
	 * whose row sums wait in the copy's x-sum PMU for the h half; 0: not hoisted */
	int hoist, sx;
} Mapping;

/* Why a design does not map, as data (the message goes to the Ctx beside it): the resource
 * that binds, the unit that needs it (NULL when the design as a whole does), and how much is
 * needed against what the target has, in the resource's own unit (PCUs, PMUs, bytes, banks,
 * lanes, ports, bits). A search reads this to skip or steer candidates. */
typedef enum {
	MAP_OK,
	MAP_FAIL_SHAPE,       /* the nest is not of the form the mapping knows */
	MAP_FAIL_HV,          /* (no longer produced: hv > 1 maps; kept for the names' order) */
	MAP_FAIL_FOLDED,      /* folded reduce-accumulate asked for, the target has none */
	MAP_FAIL_LANES,       /* rv (hv row groups of it) needs more lanes than a PCU has */
	MAP_FAIL_NETWORK,     /* rv values (hv x rv weights) exceed a vector link */
	MAP_FAIL_CHIP,        /* the weights exceed every PMU of the chip */
	MAP_FAIL_CAPACITY,    /* one PMU's contents, or one dot product's weight PMUs */
	MAP_FAIL_BANKS,       /* words read per cycle beyond a PMU's banks */
	MAP_FAIL_DOTS,        /* the dot products alone need more PCUs than the chip has */
	MAP_FAIL_PCUS,        /* PCUs needed beyond the chip's */
	MAP_FAIL_PMUS,        /* PMUs needed beyond the chip's */
	MAP_FAIL_PORTS,       /* a unit's vector or scalar inputs or outputs */
	MAP_FAIL_HOIST,       /* hoist_input: true where no vector step reads x only, or with
	                       * streamed weights */
	MAP_FAIL_CANDIDATE,   /* candidate: merged where rv does not divide D, hv > 1, or no
	                       * candidate gate in two halves */
	MAP_FAIL_OTHER,
	NMAPFAIL
} MapFailKind;

typedef struct MapFail {
	MapFailKind kind;
	const char *unit;     /* in the Ctx's arena, or NULL */
	int role;             /* MapRole of that unit (or of the units that need it), or -1 */
	int64_t need, have;
} MapFail;

/* Maps a scheduled fixed-point (or fp32) nest. Errors name the constraint and its numbers and
 * go to c; NULL then, with the reason in *why (which may be NULL). Allocates in c's arena.
 * Designs whose dot products alone need more PCUs than the chip has fail before their units
 * are made, so that a candidate of a search costs little whatever its size. */
Mapping *map_build(Ctx *c, const Func *f, const CellSpec *s, const Target *t, MapFail *why);

/* "pcus", "capacity", ...: the reason's name, as machine-readable output spells it. */
const char *map_fail_name(MapFailKind k);

/* Values per 32-bit lane for a precision on a target (1, 2, 4, ...). */
int map_pack(const CellSpec *s, const Target *t);

/* Places the units and routes the links (place.c); called by map_build. */
void map_place(Mapping *m);

/* A deterministic text dump: the schedule, the division of the work, every unit with its
 * site, stages and slices, every link with its hops, the totals. */
void map_print(const Mapping *m, FILE *out);
/* One line: units of each kind, grid used, links and hops. */
void map_summary(const Mapping *m, FILE *out);

const char *map_role_name(MapRole r);
/* "xh", "weights", "sum", "h", ...: what a link carries, as map_print names it. */
const char *map_link_name(MapLinkKind k);
/* The link is read once per row by an epilogue segment rather than a token stream. */
int map_link_side(MapLinkKind k);
/* Flits a token of the link takes, one a cycle: ceil(bits / the network's width), at least 1.
 * Only the hv form's links of a row group's values and the merged candidate gate's links of
 * two sums take more than one. */
int map_link_flits(const Mapping *m, const MapLink *l);

#endif
