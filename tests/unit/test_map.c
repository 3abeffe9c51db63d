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

static void
expect_error(const char *text, const char *want)
{
	Design d;

	CU_ASSERT(design(&d, text) < 0);
	CU_ASSERT(error_has(&d, want));
	ir_ctx_free(&d.c);
}

static void
test_constraints(void)
{
	/* 4 gates x 16 copies x 2 tiles = 128 dot products, a combine per gate and copy, and 4
	 * epilogue segments per copy (23 ops in stages of 6), on 64 PCUs */
	expect_error("name: t\ncell: lstm\nhidden: 256\ntimesteps: 1\nschedule:\n  hu: 16\n  ru: 2\n"
	             "  rv: 64\n", "units: the design needs 256 PCUs (128 dot-product, 64 combine, "
	             "64 epilogue) but the target has 64 (16 x 8 checkerboard); lower hu (16) or "
	             "ru (2)");
	expect_error("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  rv: 128\n",
	             "lanes: rv = 128 needs 32 lanes at 4 values per lane but a PCU has 16 "
	             "(pcu.lanes); lower rv to at most 64");
	/* 1024 rows x 2048 values = 2 MiB for one dot product: 8 PMUs, 2 weight inputs */
	expect_error("name: t\ncell: rnn\nhidden: 1024\ntimesteps: 1\nschedule:\n  hu: 1\n  ru: 1\n"
	             "  rv: 64\n", "PMU capacity: the weights of one dot-product PCU (gate 0, 1024 "
	             "rows x 2048 values) are 2048 KiB, 8 PMUs of 256 KiB, but a PCU reads at most "
	             "2 weight PMUs (pcu.vector_inputs 3, one for xh); raise hu (1) or ru (1)");
	expect_error("name: t\ncell: lstm\nhidden: 2048\ntimesteps: 1\nschedule:\n  hu: 1\n",
	             "PMU capacity: the weights need 32.00 MiB but the 64 PMUs of plasticine hold "
	             "16.00 MiB; a 28 x 14 grid holds them");
	/* five copies are more than the xh copy's four scalar inputs, and hbufs of one vector
	 * input cannot gather them */
	expect_error("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hu: 5\n  ru: 1\n"
	             "  rv: 64\ntarget:\n  pmu:\n    vector_inputs: 1\n", "ports: hu = 5 copies "
	             "write h_t into every xh copy, more than the 4 scalar inputs of a PMU "
	             "(pmu.scalar_inputs), and the hbuf PMUs that would gather it need 2 vector "
	             "inputs but a PMU has 1 (pmu.vector_inputs); lower hu to at most 4");
	expect_error("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  folded: true\n"
	             "target:\n  pcu:\n    folded_reduce: false\n",
	             "folded reduce-accumulate: schedule.folded is true but target 'plasticine' has "
	             "none (pcu.folded_reduce: false)");
	expect_error("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  rv: 64\n"
	             "target:\n  pmu:\n    banks: 8\n", "PMU banks: unit 'xh.r0' reads 16 words "
	             "per cycle but a PMU has 8 banks (pmu.banks); lower rv (64)");
	expect_error("name: t\ncell: rnn\nhidden: 64\ntimesteps: 1\nschedule:\n  hv: 2\n",
	             "hv = 2 (lanes across hidden units) is not supported by the mapping yet");
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
static void
test_defaults(void)
{
	Design d;
	Knobs k = {0, 0, 0, 0, -1, -1, WEIGHTS_ONCHIP};
	Func *f;
	int rows, cols;

	static const char text[] = "cell: lstm\nhidden: 1024\ntimesteps: 1\n";

	ir_ctx_init(&d.c);
	CU_ASSERT_FATAL(fe_parse_spec(&d.c, "t.yaml", text, sizeof text - 1, &d.s) == 0);
	CU_ASSERT_FATAL(fe_resolve_target(&d.c, &d.s, NULL, NULL, &d.t) == 0);
	f = pass_quantize(pass_fuse(pass_build(&d.c, &d.s)), &d.s);
	CU_ASSERT_FATAL(f != NULL);
	/* 2 MiB per gate at hu = 1: four copies bring a dot product's weights to 2 PMUs */
	CU_ASSERT_EQUAL(map_default_knobs(f, &d.s, &d.t, &k), 0);
	CU_ASSERT_EQUAL(k.rv, 64);
	CU_ASSERT_EQUAL(k.hu, 4);
	CU_ASSERT_EQUAL(k.ru, 1);
	/* the fabric sized to hold 32 MiB of weights: 128 PMUs and a quarter more, in steps of
	 * 1/8 of 16 x 8: 26 x 13 has 169 PMUs (127 for weights), 28 x 14 has 196 */
	d.s.hidden = 2048;
	d.s.input = 2048;
	CU_ASSERT_EQUAL(map_fabric_for(&d.s, &d.t, &rows, &cols), 0);
	CU_ASSERT_EQUAL(rows, 28);
	CU_ASSERT_EQUAL(cols, 14);
	ir_ctx_free(&d.c);
}

static CU_TestInfo map_tests[] = {
	{"tiny designs", test_tiny},
	{"non-divisor knobs", test_non_divisor},
	{"constraints", test_constraints},
	{"stage split", test_stage_split},
	{"h through hbufs", test_hdist},
	{"determinism", test_determinism},
	{"MAC accounting", test_macs},
	{"default schedule", test_defaults},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"map", NULL, NULL, NULL, NULL, map_tests},
	CU_SUITE_INFO_NULL,
};
