/* Unit tests of the mapping (passes/map.c, passes/place.c): unit and hop counts derived by hand
 * for tiny designs, non-divisor knobs, each constraint violated once with its message, the
 * determinism of placement, and every multiply-accumulate of the IR accounted for once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "../design.h"
#include "deepbench/db.h"
#include "dse/dse.h"
#include "frontend/fe.h"
#include "sim/model.h"
#include "sim/sim.h"
#include "passes/map.h"
#include "passes/passes.h"

static int
count(const Mapping *m, MapRole r)
{
	int i, n = 0;

	for (i = 0; i < m->nunit; i++)
		n += m->unit[i].role == r;
	return n;
}

static const MapLink *
link_of(const Mapping *m, const char *src, const char *dst)
{
	int i;

	for (i = 0; i < m->nlink; i++) {
		if (!strcmp(m->unit[m->link[i].src].name, src) &&
		    !strcmp(m->unit[m->link[i].dst].name, dst))
			return &m->link[i];
	}
	return NULL;
}

/* The first error message contains `want`. */
static int
error_has(const Design *d, const char *want)
{
	int i;

	for (i = 0; i < d->c.ndiags; i++) {
		if (d->c.diags[i].kind == DIAG_ERROR) {
			if (!strstr(d->c.diags[i].msg, want))
				fprintf(stderr, "got: %s\n", d->c.diags[i].msg);
			return strstr(d->c.diags[i].msg, want) != NULL;
		}
	}
	return 0;
}

static char *
printed(const Mapping *m)
{
	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);

	map_print(m, out);
	fclose(out);
	return buf;
}

static const char tiny[] = "name: t\ncell: rnn\nhidden: 4\ninput: 4\ntimesteps: 1\n"
                           "schedule:\n  hu: %d\n  ru: %d\n  rv: 4\n";

/* One gate, H = D = 4, rv = 4 (one lane of four packed values). With hu = ru = 1:
 * dot (0,0), its xh and weights on the PMU sites next to it, (0,1) and (1,0); the epilogue
 * on the nearest free PCU site (0,2); its LUT PMU at (0,3). Links: xh 1, weights 1, sum 2,
 * lut index 1, params 1, h back to xh 1 = 7 hops. */
static void
test_tiny(void)
{
	static const struct {
		int hu, ru, dot, comb, epi, w, xh, lut;
		int64_t hops;
	} cases[] = {
		{1, 1, 1, 0, 1, 1, 1, 1, 7},
		{2, 1, 2, 0, 2, 2, 1, 2, 0},
		{1, 2, 2, 1, 1, 2, 2, 1, 0},
		{2, 2, 4, 2, 2, 4, 2, 2, 44},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		Design d;

		snprintf(text, sizeof text, tiny, cases[i].hu, cases[i].ru);
		CU_ASSERT_FATAL(design(&d, text) == 0);
		CU_ASSERT_EQUAL(count(d.m, MAP_DOT), cases[i].dot);
		CU_ASSERT_EQUAL(count(d.m, MAP_COMBINE), cases[i].comb);
		CU_ASSERT_EQUAL(count(d.m, MAP_EPI), cases[i].epi);
		CU_ASSERT_EQUAL(count(d.m, MAP_WEIGHT), cases[i].w);
		CU_ASSERT_EQUAL(count(d.m, MAP_XH), cases[i].xh);
		CU_ASSERT_EQUAL(count(d.m, MAP_LUT), cases[i].lut);
		CU_ASSERT_EQUAL(count(d.m, MAP_CELL), 0);
		CU_ASSERT_EQUAL(d.m->pcus, cases[i].dot + cases[i].comb + cases[i].epi);
		if (cases[i].hops)
			CU_ASSERT_EQUAL(d.m->hops, cases[i].hops);
		CU_ASSERT_EQUAL(d.m->macs, 32);
		if (cases[i].hu == 1 && cases[i].ru == 1) {
			const MapUnit *u = &d.m->unit[0];

			CU_ASSERT_STRING_EQUAL(u->name, "dot.p0.u0.r0");
			CU_ASSERT(u->row == 0 && u->col == 0);
			CU_ASSERT_EQUAL(u->lanes, 1);
			CU_ASSERT_EQUAL(u->pack, 4);
			/* mul, two in-lane stages, the folded reduce-accumulate of 5 cycles */
			CU_ASSERT_EQUAL(u->nstage, 4);
			CU_ASSERT_EQUAL(u->stage[3].kind, MAP_ST_FOLDED);
			CU_ASSERT_EQUAL(u->stage[3].cycles, 5);
			CU_ASSERT_PTR_NOT_NULL_FATAL(link_of(d.m, "dot.p0.u0.r0", "epi.u0.s0"));
			CU_ASSERT_EQUAL(link_of(d.m, "dot.p0.u0.r0", "epi.u0.s0")->hops, 2);
			CU_ASSERT_EQUAL(link_of(d.m, "xh.r0", "dot.p0.u0.r0")->hops, 1);
			CU_ASSERT_EQUAL(link_of(d.m, "w.p0.u0.r0.b0", "dot.p0.u0.r0")->hops, 1);
		}
		if (cases[i].hu == 2 && cases[i].ru == 2) {
			/* copy 0 fills columns 0-3 of rows 0-1, copy 1 continues at column 4 */
			CU_ASSERT_EQUAL(link_of(d.m, "dot.p0.u0.r0", "comb.p0.u0")->hops, 2);
			CU_ASSERT_EQUAL(link_of(d.m, "epi.u1.s0", "xh.r0")->hops, 7);
			CU_ASSERT_EQUAL(d.m->row_hi, 1);
			CU_ASSERT_EQUAL(d.m->col_hi, 7);
		}
		ir_ctx_free(&d.c);
	}
}

/* hu = 3 over 1024 rows: 342, 341, 341. ru = 5 tiles of 64 over 2048: 32 blocks in 7 steps,
 * tiles 0 and 1 get 7 blocks (448 values), tiles 2-4 get 6 (384). */
static void
test_non_divisor(void)
{
	Design d;
	int r;

	CU_ASSERT_FATAL(design(&d, "name: t\ncell: rnn\nhidden: 1024\ntimesteps: 1\nschedule:\n"
	                           "  hu: 3\n  ru: 5\n  rv: 64\n") == 0);
	CU_ASSERT_EQUAL(d.m->copy[0].hi - d.m->copy[0].lo, 342);
	CU_ASSERT_EQUAL(d.m->copy[1].hi - d.m->copy[1].lo, 341);
	CU_ASSERT_EQUAL(d.m->copy[2].lo, 683);
	CU_ASSERT_EQUAL(d.m->copy[2].hi, 1024);
	CU_ASSERT_EQUAL(d.m->nt, 7);
	for (r = 0; r < 5; r++) {
		CU_ASSERT_EQUAL(d.m->tile[r].elems, r < 2 ? 448 : 384);
		CU_ASSERT_EQUAL(d.m->tile[r].vsteps, r < 2 ? 7 : 6);
	}
	CU_ASSERT_EQUAL(count(d.m, MAP_DOT), 15);
	CU_ASSERT_EQUAL(count(d.m, MAP_COMBINE), 3);
	CU_ASSERT_EQUAL(count(d.m, MAP_XH), 5);
	CU_ASSERT_EQUAL(d.m->unit[0].macs, 342 * 448);
	CU_ASSERT_EQUAL(d.m->macs, ir_spec_macs_per_step(&d.s));
	ir_ctx_free(&d.c);
}

/* The chained combine on the paper's knobs (LSTM 1024, hu 4, ru 8, rv 64) on a 24 x 16 grid:
 * the tree needs 128 dot, 48 combine and 16 epilogue PCUs, the chain no combine PCU; each of
 * the 4 products x 4 copies has 7 chain links, each tile r >= 1's dot product reads one on a
 * scalar input. Unfolded (LSTM 256, hu 2, ru 3), the dot product is split, and the chain
 * goes into the last segment. */
static void
test_chain(void)
{
	static const char lstm[] = "name: t\ncell: lstm\nhidden: 1024\ntimesteps: 1\n"
	                           "schedule: {hu: 4, ru: 8, rv: 64, folded: %s, combine: %s}\n"
	                           "target: {grid: {rows: 24, cols: 16}}\n";
	char text[256];
	Design d;
	int i, links = 0;

	snprintf(text, sizeof text, lstm, "true", "tree");
	CU_ASSERT_FATAL(design(&d, text) == 0);
	CU_ASSERT_EQUAL(d.m->combine, MAP_COMBINE_TREE);
	CU_ASSERT_EQUAL(count(d.m, MAP_DOT), 128);
	CU_ASSERT_EQUAL(count(d.m, MAP_COMBINE), 48);
	CU_ASSERT_EQUAL(count(d.m, MAP_EPI), 16);
	ir_ctx_free(&d.c);
	snprintf(text, sizeof text, lstm, "true", "chain");
	CU_ASSERT_FATAL(design(&d, text) == 0);
	CU_ASSERT_EQUAL(d.m->combine, MAP_COMBINE_CHAIN);
	CU_ASSERT_EQUAL(count(d.m, MAP_DOT), 128);
	CU_ASSERT_EQUAL(count(d.m, MAP_COMBINE), 0);
	CU_ASSERT_EQUAL(count(d.m, MAP_EPI), 16);
	CU_ASSERT_EQUAL(d.m->pcus, 144);
	for (i = 0; i < d.m->nlink; i++) {
		const MapLink *l = &d.m->link[i];

		if (l->what != MAP_L_CHAIN)
			continue;
		links++;
		CU_ASSERT(!l->vector);
		CU_ASSERT_EQUAL(d.m->unit[l->src].tile + 1, d.m->unit[l->dst].tile);
		CU_ASSERT_EQUAL(d.m->unit[l->src].prod, d.m->unit[l->dst].prod);
		CU_ASSERT_EQUAL(d.m->unit[l->src].copy, d.m->unit[l->dst].copy);
		CU_ASSERT(l->src < l->dst);   /* creation order stays topological */
	}
	CU_ASSERT_EQUAL(links, 4 * 4 * 7);
	for (i = 0; i < d.m->nunit; i++) {
		const MapUnit *u = &d.m->unit[i];

		if (u->role == MAP_DOT)
			CU_ASSERT_EQUAL(u->used.scalar_in, u->tile > 0);
	}
	/* the sum of tile 7 goes to the epilogue, tile 0's only along the chain */
	CU_ASSERT_PTR_NOT_NULL(link_of(d.m, "dot.p0.u0.r7", "epi.u0.s0"));
	CU_ASSERT_PTR_NULL(link_of(d.m, "dot.p0.u0.r0", "epi.u0.s0"));
	CU_ASSERT_PTR_NOT_NULL(link_of(d.m, "dot.p0.u0.r0", "dot.p0.u0.r1"));
	ir_ctx_free(&d.c);
	CU_ASSERT_FATAL(design(&d, "name: t\ncell: lstm\nhidden: 256\ntimesteps: 1\nschedule: "
	                           "{hu: 2, ru: 3, rv: 64, folded: false, combine: chain}\n") == 0);
	CU_ASSERT_PTR_NOT_NULL(link_of(d.m, "dot.p1.u1.r1.s1", "dot.p1.u1.r2.s1"));
	CU_ASSERT_PTR_NULL(link_of(d.m, "dot.p1.u1.r1.s1", "dot.p1.u1.r2.s0"));
	ir_ctx_free(&d.c);
}

/* The design does not map, with this message and this reason as data. */
static void
expect_fail(const char *text, const char *want, MapFailKind kind, int64_t need, int64_t have)
{
	Design d;

	CU_ASSERT(design(&d, text) < 0);
	CU_ASSERT(error_has(&d, want));
	CU_ASSERT_EQUAL(d.why.kind, kind);
	if (need >= 0) {
		CU_ASSERT_EQUAL(d.why.need, need);
		CU_ASSERT_EQUAL(d.why.have, have);
	}
	ir_ctx_free(&d.c);
}


static void
test_constraints(void)
{
	/* 4 gates x 16 copies x 2 tiles = 128 dot products on 64 PCUs: found before any unit is
	 * made */
	expect_fail("name: t\ncell: lstm\nhidden: 256\ntimesteps: 1\nschedule:\n  hu: 16\n  ru: 2\n"
	            "  rv: 64\n", "units: the design needs at least 128 dot-product PCUs (4 products "
	            "x hu 16 x ru 2 x 1 segments) but the target has 64 PCUs", MAP_FAIL_DOTS, 128, 64);
	/* 64 dot products fit, but a combine per gate and copy and 4 epilogue segments per copy
	 * (23 ops in stages of 6) do not */
	expect_fail("name: t\ncell: lstm\nhidden: 256\ntimesteps: 1\nschedule:\n  hu: 4\n  ru: 4\n"
	            "  rv: 64\n", "units: the design needs 96 PCUs (64 dot-product, 16 combine, 16 "
	            "epilogue) but the target has 64 (16 x 8 checkerboard); lower hu (4) or ru (4)",
	            MAP_FAIL_PCUS, 96, 64);
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  rv: 128\n",
	            "lanes: rv = 128 needs 32 lanes at 4 values per lane but a PCU has 16 "
	            "(pcu.lanes); lower rv to at most 64", MAP_FAIL_LANES, 32, 16);
	/* 1024 rows x 2048 values = 2 MiB for one dot product: 8 PMUs, 2 weight inputs */
	expect_fail("name: t\ncell: rnn\nhidden: 1024\ntimesteps: 1\nschedule:\n  hu: 1\n  ru: 1\n"
	            "  rv: 64\n", "PMU capacity: the weights of one dot-product PCU (gate 0, 1024 "
	            "rows x 2048 values) are 2048 KiB, 8 PMUs of 256 KiB, but a PCU reads at most "
	            "2 weight PMUs (pcu.vector_inputs 3, one for xh); raise hu (1) or ru (1)",
	            MAP_FAIL_CAPACITY, 2048 * 1024, 2 * 256 * 1024);
	expect_fail("name: t\ncell: lstm\nhidden: 2048\ntimesteps: 1\nschedule:\n  hu: 1\n",
	            "PMU capacity: the weights need 32.00 MiB but the 64 PMUs of plasticine hold "
	            "16.00 MiB; use a larger grid", MAP_FAIL_CHIP, 32 << 20, 16 << 20);
	/* five copies are more than the xh copy's four scalar inputs, and hbufs of one vector
	 * input cannot gather them */
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hu: 5\n  ru: 1\n"
	            "  rv: 64\ntarget:\n  pmu:\n    vector_inputs: 1\n", "ports: hu = 5 copies "
	            "write h_t into every xh copy, more than the 4 scalar inputs of a PMU "
	            "(pmu.scalar_inputs), and the hbuf PMUs that would gather it need 2 vector "
	            "inputs but a PMU has 1 (pmu.vector_inputs); lower hu to at most 4",
	            MAP_FAIL_PORTS, 2, 1);
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  folded: true\n"
	            "target:\n  pcu:\n    folded_reduce: false\n",
	            "folded reduce-accumulate: schedule.folded is true but target 'plasticine' has "
	            "none (pcu.folded_reduce: false)", MAP_FAIL_FOLDED, 1, 0);
	CU_ASSERT_STRING_EQUAL(map_fail_name(MAP_FAIL_DOTS), "dots");
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  rv: 64\n"
	            "target:\n  pmu:\n    banks: 8\n", "PMU banks: unit 'xh.r0' reads 16 words "
	            "per cycle but a PMU has 8 banks (pmu.banks); lower rv (64)", MAP_FAIL_BANKS, 16,
	            8);
	/* hv row groups of ceil(rv / pack) lanes each: 2 x 16 lanes at rv = 64 */
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hv: 2\n  rv: 64\n",
	            "lanes: hv = 2 row groups of rv = 64 values need 2 x 16 = 32 lanes at 4 values "
	            "per lane but a PCU has 16 (pcu.lanes); lower hv or rv so that hv x ceil(rv / 4) "
	            "<= 16", MAP_FAIL_LANES, 32, 16);
	/* 16 rows x 4 weights of 8 bits a vector step: 512 bits on a 256-bit link */
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hv: 16\n  rv: 4\n"
	            "target:\n  network:\n    vector_bits: 256\n", "network: a vector step's "
	            "weights, hv x rv = 16 x 4 values of 8 bits, exceed a 256-bit vector link",
	            MAP_FAIL_NETWORK, 512, 256);
}

/* The hv form: LSTM, H = 40 (two groups of 16 and a tail of 8 per copy of 40), hv 16, rv 4
 * (= pack): one lane a row, so no cross-lane tree, 16 accumulators; a vector step reads 16 x 4
 * weights (512 bits, 16 banks); a group's 16 sums go on the scalar link in 16 flits, h in 4. */
static void
test_hv_form(void)
{
	Design d;
	const MapUnit *u;
	const MapLink *l;
	int i;

	CU_ASSERT_FATAL(design(&d, "name: t\ncell: lstm\nhidden: 40\ninput: 24\ntimesteps: 1\n"
	                           "schedule: {hu: 1, ru: 2, rv: 4, hv: 16, folded: false}\n") == 0);
	CU_ASSERT_EQUAL(d.m->hv, 16);
	CU_ASSERT_EQUAL(d.m->nt, 8);  /* 64 / (2 x 4) */
	u = &d.m->unit[0];
	CU_ASSERT_STRING_EQUAL(u->name, "dot.p0.u0.r0");
	CU_ASSERT_EQUAL(u->lanes, 16);
	CU_ASSERT_EQUAL(u->nstage, 4);  /* mul, inlane, inlane, acc: no tree */
	CU_ASSERT_EQUAL(u->stage[3].kind, MAP_ST_ACC);
	CU_ASSERT_EQUAL(u->stage[3].lanes, 16);
	CU_ASSERT_EQUAL(u->accumulators, 16);
	CU_ASSERT_EQUAL(u->rows, 40);
	CU_ASSERT_EQUAL(u->vsteps, 3 * 8);  /* 3 groups, the last masked to 8 rows */
	l = link_of(d.m, "w.p0.u0.r0.b0", "dot.p0.u0.r0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->bits, 16 * 4 * 8);
	CU_ASSERT_EQUAL(d.m->unit[2].banks, 16);  /* the weight PMU: 512 bits in 32-bit words */
	l = link_of(d.m, "xh.r0", "dot.p0.u0.r0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->bits, 4 * 8);  /* shared by the 16 rows */
	for (i = 0; i < d.m->nlink; i++) {
		l = &d.m->link[i];
		if (l->what == MAP_L_SUM || l->what == MAP_L_PARTIAL) {
			CU_ASSERT(!l->vector);
			CU_ASSERT_EQUAL(l->bits, 16 * 32);
			CU_ASSERT_EQUAL(map_link_flits(d.m, l), 16);
		}
		if (l->what == MAP_L_H) {
			CU_ASSERT_EQUAL(l->bits, 16 * 8);
			CU_ASSERT_EQUAL(map_link_flits(d.m, l), 4);
		}
	}
	for (i = 0; i < d.m->nunit; i++) {
		if (d.m->unit[i].role == MAP_EPI)
			CU_ASSERT_EQUAL(d.m->unit[i].lanes, 16);
	}
	CU_ASSERT_EQUAL(d.m->macs, ir_spec_macs_per_step(&d.s));
	ir_ctx_free(&d.c);
}

/* hu beyond pmu.scalar_inputs: h goes through hbufs. Five copies in groups of 2 and 3 (two
 * hbufs), their vectors into the xh copies on two vector inputs; 16 copies make 4 hbufs, more
 * than the 3 vector inputs of an xh copy, so a second level of 2 forwards them. */
static void
test_hdist(void)
{
	Design d;
	int i, lvl[2] = {0, 0};

	CU_ASSERT_FATAL(design(&d, "name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n"
	                           "  hu: 5\n  ru: 2\n  rv: 16\n") == 0);
	CU_ASSERT_EQUAL(d.m->hvec, 16);
	CU_ASSERT_EQUAL(d.m->nhbuf, 2);
	CU_ASSERT_EQUAL(d.m->hlevels, 1);
	for (i = 0; i < d.m->nunit; i++) {
		const MapUnit *u = &d.m->unit[i];

		if (u->role == MAP_XH) {
			CU_ASSERT_EQUAL(u->used.scalar_in, 0);
			CU_ASSERT_EQUAL(u->used.vector_in, 2);
		}
		if (u->role == MAP_HBUF) {
			CU_ASSERT_EQUAL(u->used.scalar_in, u->part ? 3 : 2);
			CU_ASSERT_EQUAL(u->used.vector_out, 1);
			/* copies of 13 and 12 rows: one vector of at most 16 each */
			CU_ASSERT_EQUAL(u->vsteps, u->part ? 3 : 2);
			CU_ASSERT_EQUAL(u->rows, u->part ? 13 + 13 + 12 : 13 + 13);
		}
	}
	CU_ASSERT_STRING_EQUAL(d.m->unit[d.m->nunit - 1].name, "hbuf.g1");
	ir_ctx_free(&d.c);
	CU_ASSERT_FATAL(design(&d, "name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\n"
	                           "target: {grid: {rows: 24, cols: 24}}\nschedule:\n"
	                           "  hu: 16\n  ru: 1\n  rv: 16\n") == 0);
	CU_ASSERT_EQUAL(d.m->nhbuf, 6);
	CU_ASSERT_EQUAL(d.m->hlevels, 2);
	for (i = 0; i < d.m->nunit; i++) {
		const MapUnit *u = &d.m->unit[i];

		if (u->role == MAP_HBUF)
			lvl[u->seg]++;
		if (u->role == MAP_XH)
			CU_ASSERT_EQUAL(u->used.vector_in, 2);
		if (u->role == MAP_HBUF && u->seg == 1)
			CU_ASSERT_EQUAL(u->used.vector_in, 2);
	}
	CU_ASSERT_EQUAL(lvl[0], 4);
	CU_ASSERT_EQUAL(lvl[1], 2);
	CU_ASSERT_STRING_EQUAL(d.m->unit[d.m->nunit - 1].name, "hbuf.l1.g1");
	ir_ctx_free(&d.c);
}

/* Without the folded stage a 16-lane dot product needs mul, 2 in-lane, 4 tree and accumulate
 * stages: 8 > 6, so it is split over two PCUs joined by a vector link of the 4 lanes left. */
static void
test_stage_split(void)
{
	Design d;
	const MapLink *l;

	CU_ASSERT_FATAL(design(&d, "name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n"
	                           "  hu: 1\n  ru: 1\n  rv: 64\n  folded: false\n") == 0);
	CU_ASSERT_EQUAL(count(d.m, MAP_DOT), 2);
	CU_ASSERT_STRING_EQUAL(d.m->unit[0].name, "dot.p0.u0.r0.s0");
	CU_ASSERT_EQUAL(d.m->unit[0].nstage, 6);
	CU_ASSERT_EQUAL(d.m->unit[1].nstage, 2);
	CU_ASSERT_EQUAL(d.m->unit[1].stage[1].kind, MAP_ST_ACC);
	l = link_of(d.m, "dot.p0.u0.r0.s0", "dot.p0.u0.r0.s1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT(l->vector);
	CU_ASSERT_EQUAL(l->bits, 2 * 32);
	CU_ASSERT_EQUAL(d.m->macs, ir_spec_macs_per_step(&d.s));
	ir_ctx_free(&d.c);
}

static void
test_determinism(void)
{
	static const char text[] = "name: t\ncell: lstm\nhidden: 37\ninput: 21\ntimesteps: 1\n"
	                           "batch: 2\nschedule:\n  hu: 3\n  ru: 3\n  rv: 8\n";
	Design a, b;
	char *pa, *pb;

	CU_ASSERT_FATAL(design(&a, text) == 0);
	CU_ASSERT_FATAL(design(&b, text) == 0);
	pa = printed(a.m);
	pb = printed(b.m);
	CU_ASSERT_STRING_EQUAL(pa, pb);
	free(pa);
	free(pb);
	ir_ctx_free(&a.c);
	ir_ctx_free(&b.c);
}

/* The MACs of the units add up to the spec's, whatever the cell and knobs; each dot product's
 * share is its rows times the k of its tile within its product's range. */
static void
test_macs(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int knobs[][3] = {{1, 1, 4}, {3, 2, 4}, {2, 3, 5}, {4, 1, 12}, {1, 4, 1}};
	size_t i, j;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < sizeof knobs / sizeof knobs[0]; j++) {
			char text[256];
			Design d;
			int64_t dot = 0;
			int u;

			snprintf(text, sizeof text, "name: t\ncell: %s\nhidden: 7\ninput: 5\ntimesteps: 1\n"
			         "batch: 3\nschedule:\n  hu: %d\n  ru: %d\n  rv: %d\n", cells[i],
			         knobs[j][0], knobs[j][1], knobs[j][2]);
			if (design(&d, text) < 0)
				ir_print_diags(&d.c, stderr);
			CU_ASSERT_FATAL(d.m != NULL);
			for (u = 0; u < d.m->nunit; u++) {
				if (d.m->unit[u].macs) {
					CU_ASSERT_EQUAL(d.m->unit[u].role, MAP_DOT);
					dot += d.m->unit[u].macs;
				}
			}
			CU_ASSERT_EQUAL(dot, ir_spec_macs_per_step(&d.s));
			CU_ASSERT_EQUAL(d.m->macs, ir_spec_macs_per_step(&d.s));
			CU_ASSERT_EQUAL(d.m->nprod, i == 1 ? 4 : i == 0 ? 4 : 1);
			ir_ctx_free(&d.c);
		}
	}
}

/* The default schedule: the smallest hu x ru that maps. */
/* The model's cycles of a point, or -1 when it does not map; with sim, the simulator's
 * cycles of its first two steps and the rest repeating the second instead. */
static int64_t
point_cycles(const DsePoint *p, const Knobs *k, int sim)
{
	Ctx c;
	DsePoint q = *p;
	DseDesign d;
	ModelEstimate e;
	SimOptions o = {0};
	int64_t cycles = -1;

	ir_ctx_init(&c);
	q.knobs = *k;
	if (dse_lower(&c, &q, &d) == 0) {
		model_estimate(d.map, p->spec->timesteps, &e);
		cycles = e.cycles;
		o.max_steps = p->spec->timesteps < 2 ? p->spec->timesteps : 2;
		if (sim)
			cycles = sim_run(&c, d.map, p->spec->timesteps, &o, NULL)->cycles;
	}
	ir_ctx_free(&c);
	return cycles;
}

/* The model's third-best cycles over every hu x ru up to the PCUs, both combine and both
 * epilogue forms and, for a GRU, both candidate forms, at rv; *best: the knobs of the best. */
static int64_t
brute_force_third(const DsePoint *p, int rv, Knobs *best)
{
	int64_t top[3] = {-1, -1, -1};
	int hu, ru, form, pcus = ir_target_pcus(p->target);

	for (hu = 1; hu <= pcus && hu <= p->spec->hidden; hu++) {
		for (ru = 1; hu * ru <= pcus; ru++) {
			for (form = 0; form < (p->spec->cell == CELL_GRU ? 8 : 4); form++) {
				if (p->knobs.candidate >= 0 &&
				    (form & 4 ? CANDIDATE_MERGED : CANDIDATE_SPLIT) != p->knobs.candidate)
					continue;
				Knobs k = p->knobs;
				int64_t c;
				int i;

				k.hu = hu;
				k.ru = ru;
				k.rv = rv;
				k.combine = form & 1 ? COMBINE_CHAIN : COMBINE_TREE;
				k.epilogue = form & 2 ? EPILOGUE_PACKED : EPILOGUE_SERIAL;
				if (p->spec->cell == CELL_GRU)
					k.candidate = form & 4 ? CANDIDATE_MERGED : CANDIDATE_SPLIT;
				if ((c = point_cycles(p, &k, 0)) < 0)
					continue;
				for (i = 0; i < 3 && top[i] >= 0 && top[i] <= c; i++)
					;
				if (i < 3) {
					if (i == 0)
						*best = k;
					memmove(&top[i + 1], &top[i], (size_t)(2 - i) * sizeof top[0]);
					top[i] = c;
				}
			}
		}
	}
	return top[2] >= 0 ? top[2] : top[1] >= 0 ? top[1] : top[0];
}

static void
test_defaults(void)
{
	Design d;
	Knobs k, best;
	Func *f;
	DsePoint p;
	MapFail why;
	int rows, cols;

	static const char text[] = "cell: lstm\nhidden: 1024\ntimesteps: 1\n";

	ir_ctx_init(&d.c);
	CU_ASSERT_FATAL(fe_parse_spec(&d.c, "t.yaml", text, sizeof text - 1, &d.s) == 0);
	CU_ASSERT_FATAL(fe_resolve_target(&d.c, &d.s, NULL, NULL, &d.t) == 0);
	f = pass_quantize(pass_fuse(pass_build(&d.c, &d.s)), &d.s);
	CU_ASSERT_FATAL(f != NULL);
	p.spec = &d.s;
	p.fixed = f;
	p.target = &d.t;
	p.knobs = d.s.knobs;
	CU_ASSERT_EQUAL(dse_default_knobs(&p, &k, &why), 0);
	CU_ASSERT_EQUAL(k.rv, 64);
	/* among the model's three fastest of every point that maps (a brute force over hu, ru and
	 * the forms), and simulated no slower than the model's fastest */
	CU_ASSERT(point_cycles(&p, &k, 0) <= brute_force_third(&p, 64, &best));
	CU_ASSERT(point_cycles(&p, &k, 1) <= point_cycles(&p, &best, 1));
	/* at hu = ru = 1 a dot product holds 2 MiB of weights, 8 PMUs for its 2 inputs: the
	 * default divides them at least four ways */
	CU_ASSERT(k.hu * k.ru >= 4);
	/* the fabric sized to hold 32 MiB of weights: 128 PMUs and a quarter more, in steps of
	 * 1/8 of 16 x 8: 26 x 13 has 169 PMUs (127 for weights), 28 x 14 has 196 */
	d.s.hidden = 2048;
	d.s.input = 2048;
	CU_ASSERT_EQUAL(dse_fabric_for(&d.s, &d.t, &rows, &cols), 0);
	CU_ASSERT_EQUAL(rows, 28);
	CU_ASSERT_EQUAL(cols, 14);
	/* past DSE_MAX_GROW times the rows and columns: stream or a larger target */
	d.s.hidden = 8192;
	d.s.input = 8192;
	CU_ASSERT_EQUAL(dse_fabric_for(&d.s, &d.t, &rows, &cols), -1);
	ir_ctx_free(&d.c);
}

/* The default schedule of a GRU tries the candidate gate split and merged: among the model's
 * three fastest of every point, both forms included; and merged wherever rv divides D unless
 * the spec pins it (here split: the default keeps it). */
static void
test_defaults_gru(void)
{
	static const char *const texts[] = {
		"cell: gru\nhidden: 256\ntimesteps: 2\n",
		"cell: gru\nhidden: 256\ntimesteps: 2\nschedule: {candidate: split}\n",
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		Design d;
		Knobs k, best;
		Func *f;
		DsePoint p;
		MapFail why;

		ir_ctx_init(&d.c);
		CU_ASSERT_FATAL(fe_parse_spec(&d.c, "t.yaml", texts[i], strlen(texts[i]), &d.s) == 0);
		CU_ASSERT_FATAL(fe_resolve_target(&d.c, &d.s, NULL, NULL, &d.t) == 0);
		f = pass_quantize(pass_fuse(pass_build(&d.c, &d.s)), &d.s);
		CU_ASSERT_FATAL(f != NULL);
		p.spec = &d.s;
		p.fixed = f;
		p.target = &d.t;
		p.knobs = d.s.knobs;
		CU_ASSERT_EQUAL(dse_default_knobs(&p, &k, &why), 0);
		CU_ASSERT_EQUAL(k.rv, 64);
		CU_ASSERT(point_cycles(&p, &k, 0) <= brute_force_third(&p, 64, &best));
		CU_ASSERT(point_cycles(&p, &k, 1) <= point_cycles(&p, &best, 1));
		if (i == 1)
			CU_ASSERT_EQUAL(k.candidate, CANDIDATE_SPLIT);
		if (getenv("MAP_TEST_VERBOSE"))
			fprintf(stderr, "\ngru 256 default: hu %d ru %d candidate %d (best %d %d %d)\n",
			        k.hu, k.ru, k.candidate, best.hu, best.ru, best.candidate);
		ir_ctx_free(&d.c);
	}
}

/* On the paper's 2 : 1 fabric every PCU-kind unit (dot product, combine, epilogue) sits on a
 * PCU site and every memory on a PMU site, each on its own site of the grid; the messages and
 * the fabric sizing count the sites of the layout. */
static void
test_pmu2_layout(void)
{
	static const char *const texts[] = {
		"name: t\ncell: lstm\nhidden: 64\ntimesteps: 1\ntarget: plasticine-rnn\n"
		"schedule:\n  hu: 4\n  ru: 2\n  rv: 64\n",
		"name: t\ncell: gru\nhidden: 37\ninput: 21\nbatch: 2\ntimesteps: 1\n"
		"target: plasticine-rnn\nschedule:\n  hu: 3\n  ru: 3\n  rv: 8\n  folded: false\n",
	};
	size_t k;
	Design d;
	int rows, cols;

	for (k = 0; k < sizeof texts / sizeof *texts; k++) {
		char *used;
		int i, pcu_units = 0, bad = 0;

		CU_ASSERT_FATAL(design(&d, texts[k]) == 0);
		CU_ASSERT_EQUAL(d.t.layout, LAYOUT_PMU2);
		used = calloc((size_t)d.t.rows * (size_t)d.t.cols, 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(used);
		for (i = 0; i < d.m->nunit; i++) {
			const MapUnit *u = &d.m->unit[i];
			int pcu_role = u->role == MAP_DOT || u->role == MAP_COMBINE || u->role == MAP_EPI;

			CU_ASSERT_FATAL(u->row >= 0 && u->row < d.t.rows && u->col >= 0 &&
			                u->col < d.t.cols);
			CU_ASSERT_EQUAL(u->kind == MAP_PCU, pcu_role);
			/* the layout's definition, written out */
			if (((u->row + u->col) % 3 == 0) != (u->kind == MAP_PCU)) {
				fprintf(stderr, "%s at (%d, %d)\n", u->name, u->row, u->col);
				bad++;
			}
			CU_ASSERT_EQUAL(used[u->row * d.t.cols + u->col], 0);
			used[u->row * d.t.cols + u->col] = 1;
			pcu_units += u->kind == MAP_PCU;
		}
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(pcu_units, d.m->pcus);
		CU_ASSERT(d.m->pcus > 10);
		free(used);
		ir_ctx_free(&d.c);
	}
	/* 3 x 3 on pmu2: PCUs at (0,0), (1,2), (2,1) only; each copy's epilogue takes two of the
	 * 4-stage PCUs */
	expect_fail("name: t\ncell: rnn\nhidden: 4\ninput: 4\ntimesteps: 1\n"
	            "target: {base: plasticine-rnn, grid: {rows: 3, cols: 3}}\n"
	            "schedule:\n  hu: 2\n  ru: 1\n  rv: 4\n",
	            "units: the design needs 6 PCUs (2 dot-product, 0 combine, 4 epilogue) but the "
	            "target has 3 (3 x 3 pmu2); lower hu (2) or ru (1)", MAP_FAIL_PCUS, 6, 3);
	/* 32 MiB of weights in 84 KiB PMUs: 391 of them, with a quarter more, in steps of 1/8 of
	 * 24 x 24: 27 x 27 has 486 PMUs (365 for weights), 30 x 30 has 600 (450); a checkerboard
	 * of 30 x 30 would have 450 (338) */
	CU_ASSERT_FATAL(design(&d, "name: t\ncell: lstm\nhidden: 8\ntimesteps: 1\n"
	                           "target: plasticine-rnn\nschedule: {hu: 1, ru: 1, rv: 16}\n") == 0);
	d.s.hidden = 2048;
	d.s.input = 2048;
	CU_ASSERT_EQUAL(dse_fabric_for(&d.s, &d.t, &rows, &cols), 0);
	CU_ASSERT_EQUAL(rows, 30);
	CU_ASSERT_EQUAL(cols, 30);
	d.t.layout = LAYOUT_CHECKERBOARD;
	CU_ASSERT_EQUAL(dse_fabric_for(&d.s, &d.t, &rows, &cols), 0);
	CU_ASSERT_EQUAL(rows, 33);
	CU_ASSERT_EQUAL(cols, 33);
	ir_ctx_free(&d.c);
}

/* Every problem of the paper's table (baselines.md) maps on plasticine-rnn at some hu x ru,
 * with rv 64 and the chained combine, whose dot products take at least 75% of the chip's PCUs:
 * on the fabric rnnc compiles it for (dse_choose), which is the nominal 24 x 24 except for the
 * weights that exceed it (LSTM 2048, GRU 2560). A GRU tries its candidate gate split and
 * merged: GRU 2048 fits the nominal chip only merged (split, its r and z dot products need
 * more weight PMUs than they can read at every hu x ru that leaves room for the others;
 * docs/mapping.md). */
static void
test_paper_fill(void)
{
	static const char *const problems[] = {
		"lstm-256-t150", "lstm-512-t25", "lstm-1024-t25", "lstm-1536-t50", "lstm-2048-t25",
		"gru-512-t1", "gru-1024-t1500", "gru-1536-t375", "gru-2048-t375", "gru-2560-t375",
	};
	size_t i;

	for (i = 0; i < sizeof problems / sizeof problems[0]; i++) {
		const Embedded *e = db_find_spec(problems[i]);
		Ctx c, scratch;
		CellSpec s;
		Target t;
		DsePoint p;
		Func *f;
		DseChoice ch;
		int hu, ru, best = 0, pcus, form;

		CU_ASSERT_FATAL(e != NULL);
		ir_ctx_init(&c);
		CU_ASSERT_FATAL(fe_parse_spec(&c, e->path, (const char *)e->data, e->len, &s) == 0);
		CU_ASSERT_FATAL(fe_resolve_target(&c, &s, NULL, "plasticine-rnn", &t) == 0);
		f = pass_quantize(pass_fuse(pass_build(&c, &s)), &s);
		CU_ASSERT_FATAL(f != NULL);
		CU_ASSERT_FATAL(dse_choose(&c, &s, f, &t, &ch) == 0);
		t = ch.target;
		CU_ASSERT_EQUAL(t.rows != 24, !strcmp(problems[i], "lstm-2048-t25") ||
		                !strcmp(problems[i], "gru-2560-t375"));
		pcus = ir_target_pcus(&t);
		p.spec = &s;
		p.fixed = f;
		p.target = &t;
		p.knobs = s.knobs;
		p.knobs.rv = 64;
		p.knobs.combine = COMBINE_CHAIN;
		ir_ctx_init(&scratch);
		for (form = 0; form < (s.cell == CELL_GRU ? 2 : 1); form++) {
			int per = s.cell == CELL_RNN ? 1 : form ? 3 : 4;

			p.knobs.candidate = s.cell != CELL_GRU ? -1 : form ? CANDIDATE_MERGED :
			                    CANDIDATE_SPLIT;
			for (hu = 1; per * hu <= pcus; hu++) {
				for (ru = 1; per * hu * ru <= pcus; ru++) {
					DseDesign d;

					p.knobs.hu = hu;
					p.knobs.ru = ru;
					ir_ctx_reset(&scratch);
					if (dse_lower(&scratch, &p, &d) == 0 && count(d.map, MAP_DOT) > best)
						best = count(d.map, MAP_DOT);
				}
			}
		}
		if (4 * best < 3 * pcus)
			fprintf(stderr, "\n%s: at most %d of %d PCUs compute dot products\n",
			        problems[i], best, pcus);
		CU_ASSERT(4 * best >= 3 * pcus);
		ir_ctx_free(&scratch);
		ir_ctx_free(&c);
	}
}

/* Where op r is computed: segment x pcu.stages + stage, or -1. */
static int
epi_stage_of(const Mapping *m, Ref r)
{
	int i, k, j;

	for (i = 0; i < m->nunit; i++) {
		const MapUnit *u = &m->unit[i];

		if (u->role != MAP_EPI || u->copy != 0)
			continue;
		for (k = 0; k < u->nstage; k++) {
			for (j = 0; j < u->stage[k].nref; j++) {
				if (u->stage[k].refs[j] == r)
					return u->seg * m->t->pcu.stages + k;
			}
		}
	}
	return -1;
}

/* The packed epilogue (schedule.epilogue: packed), measured against the serial one: the
 * epilogue PCUs of a copy (docs/mapping.md), every op in exactly one stage and after the
 * stages of the ops it reads, a stage's lanes one per op, and the first LSTM segment's table
 * PMU reading the four gates' biases and tables in one cycle (12 values, 12 banks). */
static void
test_packed_epilogue(void)
{
	static const struct {
		const char *cell;
		int stages, serial, packed, path;
	} cases[] = {
		{"lstm", 4, 5, 3, 9}, {"lstm", 6, 4, 2, 9}, {"gru", 4, 5, 3, 10}, {"gru", 6, 3, 2, 10},
		{"rnn", 4, 2, 1, 4}, {"rnn", 6, 1, 1, 4},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int form;

		for (form = 0; form < 2; form++) {
			char text[256];
			Design d;
			const Block *b;
			int nst = 0, k, j, u;

			snprintf(text, sizeof text, "name: p\ncell: %s\nhidden: 64\ntimesteps: 1\n"
			         "schedule: {hu: 2, ru: 1, rv: 64, epilogue: %s}\n"
			         "target: {pcu: {stages: %d}}\n", cases[i].cell,
			         form ? "packed" : "serial", cases[i].stages);
			CU_ASSERT_FATAL(design(&d, text) == 0);
			CU_ASSERT_EQUAL(d.m->epilogue, form ? MAP_EPI_PACKED : MAP_EPI_SERIAL);
			CU_ASSERT_EQUAL(count(d.m, MAP_EPI), 2 * (form ? cases[i].packed
			                                             : cases[i].serial));
			b = &ir_node(d.f, d.m->hidden_loop)->l.body;
			for (k = 0; k < b->len; k++) {
				const Node *n = ir_node(d.f, b->n[k]);
				int at = epi_stage_of(d.m, b->n[k]);

				if (n->kind != N_INSTR || n->i.op == OP_CONST || n->i.op == OP_LOAD ||
				    n->i.op == OP_STORE || n->i.op == OP_RESULT)
					continue;
				CU_ASSERT(at >= 0);
				if (at + 1 > nst)
					nst = at + 1;
				for (j = 0; j < ir_ops[n->i.op].nargs; j++) {
					int a = epi_stage_of(d.m, n->i.arg[j]);

					CU_ASSERT(a < at);
				}
			}
			/* the packed chain is the critical path; the serial one an op per stage */
			if (form)
				CU_ASSERT_EQUAL(nst, cases[i].path);
			for (u = 0; u < d.m->nunit; u++) {
				const MapUnit *e = &d.m->unit[u];
				int lanes = 0;

				if (e->role != MAP_EPI)
					continue;
				for (k = 0; k < e->nstage; k++) {
					CU_ASSERT_EQUAL(e->stage[k].lanes, e->stage[k].nref);
					CU_ASSERT(form || e->stage[k].nref == 1);
					CU_ASSERT_EQUAL(e->stage[k].ref, e->stage[k].refs[0]);
					if (e->stage[k].lanes > lanes)
						lanes = e->stage[k].lanes;
				}
				CU_ASSERT_EQUAL(e->lanes, lanes);
			}
			if (form && !strcmp(cases[i].cell, "lstm")) {
				for (u = 0; u < d.m->nunit; u++) {
					if (!strcmp(d.m->unit[u].name, "lut.u0.s0")) {
						CU_ASSERT_EQUAL(d.m->unit[u].reads, 12);
						CU_ASSERT_EQUAL(d.m->unit[u].banks, 12);
					}
				}
				CU_ASSERT_PTR_NOT_NULL(link_of(d.m, "lut.u0.s0", "epi.u0.s0"));
				CU_ASSERT_EQUAL(link_of(d.m, "lut.u0.s0", "epi.u0.s0")->bits, 8 * 32 + 4 * 16);
			}
			ir_ctx_free(&d.c);
		}
	}
	/* a level wider than the lanes takes several stages: with 2 lanes the LSTM's three levels
	 * of four ops take two each, 9 + 3 = 12 stages in 3 segments of 4 */
	{
		Design d;
		int u, k;

		CU_ASSERT_FATAL(design(&d, "name: p\ncell: lstm\nhidden: 8\ntimesteps: 1\n"
		                           "schedule: {hu: 1, ru: 1, rv: 8, epilogue: packed}\n"
		                           "target: {pcu: {stages: 4, lanes: 2}}\n") == 0);
		CU_ASSERT_EQUAL(count(d.m, MAP_EPI), 3);
		for (u = 0; u < d.m->nunit; u++) {
			const MapUnit *e = &d.m->unit[u];

			if (e->role != MAP_EPI)
				continue;
			CU_ASSERT_EQUAL(e->lanes, 2);
			CU_ASSERT_EQUAL(e->nstage, 4);
			for (k = 0; k < e->nstage; k++)
				CU_ASSERT(e->stage[k].nref <= 2);
		}
		ir_ctx_free(&d.c);
	}
}

static CU_TestInfo map_tests[] = {
	{"the paper's problems fill plasticine-rnn", test_paper_fill},
	{"tiny designs", test_tiny},
	{"non-divisor knobs", test_non_divisor},
	{"chained combine", test_chain},
	{"constraints", test_constraints},
	{"stage split", test_stage_split},
	{"h through hbufs", test_hdist},
	{"hv form: row groups on the lanes", test_hv_form},
	{"determinism", test_determinism},
	{"MAC accounting", test_macs},
	{"default schedule", test_defaults},
	{"default schedule, GRU candidate forms", test_defaults_gru},
	{"pmu2 layout", test_pmu2_layout},
	{"packed epilogue", test_packed_epilogue},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"map", NULL, NULL, NULL, NULL, map_tests},
	CU_SUITE_INFO_NULL,
};
