/* Unit tests of the mapping (passes/map.c, passes/place.c): unit and hop counts derived by hand
 * for tiny designs, non-divisor knobs, each constraint violated once with its message, the
 * determinism of placement, and every multiply-accumulate of the IR accounted for once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "../design.h"
#include "frontend/fe.h"
#include "dse/dse.h"
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
	/* five copies write h into the one xh copy, which has four scalar inputs */
	expect_fail("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hu: 5\n  ru: 1\n"
	            "  rv: 64\n", "ports: unit 'xh.r0' needs 5 scalar inputs but a PMU has 4 "
	            "(pmu.scalar_inputs); lower hu", MAP_FAIL_PORTS, 5, 4);
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
static void
test_defaults(void)
{
	Design d;
	Knobs k;
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
	/* 2 MiB per gate at hu = 1: four copies bring a dot product's weights to 2 PMUs */
	p.spec = &d.s;
	p.fixed = f;
	p.target = &d.t;
	p.knobs = d.s.knobs;
	CU_ASSERT_EQUAL(dse_default_knobs(&p, &k, &why), 0);
	CU_ASSERT_EQUAL(k.rv, 64);
	CU_ASSERT_EQUAL(k.hu, 4);
	CU_ASSERT_EQUAL(k.ru, 1);
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

static CU_TestInfo map_tests[] = {
	{"tiny designs", test_tiny},
	{"non-divisor knobs", test_non_divisor},
	{"chained combine", test_chain},
	{"constraints", test_constraints},
	{"stage split", test_stage_split},
	{"hv form: row groups on the lanes", test_hv_form},
	{"determinism", test_determinism},
	{"MAC accounting", test_macs},
	{"default schedule", test_defaults},
	{"pmu2 layout", test_pmu2_layout},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"map", NULL, NULL, NULL, NULL, map_tests},
	CU_SUITE_INFO_NULL,
};
