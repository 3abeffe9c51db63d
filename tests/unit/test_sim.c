/* Unit tests of the simulator (sim/): its h and c equal the interpreter's bit for bit over a
 * matrix of cells and knobs, a tiny design's cycle count derived by hand, and determinism. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "../design.h"
#include "frontend/fe.h"
#include "ir/exec.h"
#include "passes/map.h"
#include "passes/passes.h"
#include "rtl/rtl.h"
#include "sim/sim.h"

static int
same_tensor(const Func *f, const Memory *a, const Memory *b, const char *name)
{
	int t = ir_find_tensor(f, name);
	int64_t i;

	if (t < 0)
		return 1;
	for (i = 0; i < a->buf[t].n; i++) {
		if (a->buf[t].q[i] != b->buf[t].q[i])
			return 0;
	}
	return 1;
}

/* Simulates and interprets one design; returns the number of tensors that differ, or -1 when
 * the design does not map. */
static int
check_values(const char *text)
{
	Design d;
	Memory mi, ms;
	SimOptions o = {0};
	Report *r;
	int bad = 0;

	if (design(&d, text) < 0) {
		if (getenv("SIM_TEST_VERBOSE"))
			ir_print_diags(&d.c, stderr);
		ir_ctx_free(&d.c);
		return -1;
	}
	CU_ASSERT_FATAL(ir_mem_init(d.f, &mi) == 0);
	CU_ASSERT_FATAL(ir_mem_init(d.f, &ms) == 0);
	CU_ASSERT_FATAL(ir_interp(d.f, &mi) == 0);
	o.values = 1;
	r = sim_run(&d.c, d.m, d.s.timesteps, &o, &ms);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT(r->values);
	CU_ASSERT_EQUAL(r->rest, SIM_ALL);
	bad += !same_tensor(d.f, &mi, &ms, "h");
	bad += !same_tensor(d.f, &mi, &ms, "c");
	bad += !same_tensor(d.f, &mi, &ms, "xh");
	if (bad)
		fprintf(stderr, "\nsim differs from the interpreter for:\n%s\n", text);
	ir_mem_free(&mi);
	ir_mem_free(&ms);
	ir_ctx_free(&d.c);
	return bad;
}

/* LSTM, GRU and vanilla cells, hu 1/2/3, ru 1/2/5, rv 16/64, folded on and off, on small
 * sizes (H 4..32 with D != H, T 1..3, B 1..2; D grows to give every tile a vector step). */
static void
test_values_matrix(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hus[] = {1, 2, 3}, rus[] = {1, 2, 5}, rvs[] = {16, 64};
	static const int Hs[] = {4, 13, 32, 7}, Ds[] = {6, 9, 20, 16};
	int c, a, b, v, fo, st, n = 0, mapped = 0;
	char text[512];

	for (c = 0; c < 3; c++)
	for (a = 0; a < 3; a++)
	for (b = 0; b < 3; b++)
	for (v = 0; v < 2; v++)
	for (fo = 0; fo < 2; fo++)
	for (st = 0; st < 2; st++) {
		int k = n++ / 2, rc, H = Hs[k % 4], D = Ds[(k / 4) % 4];

		/* every tile gets at least one vector step: D + H >= ru x rv (D may exceed H) */
		if (D + H < rus[b] * rvs[v])
			D = rus[b] * rvs[v] - H + k % 3;
		if (D == H)
			D++;
		snprintf(text, sizeof text, "name: m%d\ncell: %s\nhidden: %d\ninput: %d\n"
		         "timesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, folded: %s, "
		         "weights: %s}\n", k, cells[c], H, D, 1 + k % 3, 1 + (k / 3) % 2, hus[a],
		         rus[b], rvs[v], fo ? "true" : "false", st ? "stream" : "onchip");
		rc = check_values(text);
		CU_ASSERT(rc <= 0);
		mapped += rc == 0;
	}
	/* the rest need more than the 64 PCUs or PMUs of the target (the `units` check) */
	CU_ASSERT(mapped >= 160);
}

/* Narrow and non-divisor vectors: rv 1 (no vector level in the nest), 2, 3 and 5, with ru 1, 2
 * and 3, on LSTM, GRU and vanilla cells, folded on and off. */
static void
test_values_narrow(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int rus[] = {1, 2, 3}, rvs[] = {1, 2, 3, 5};
	int c, b, v, fo, n = 0, mapped = 0;
	char text[512];

	for (c = 0; c < 3; c++)
	for (b = 0; b < 3; b++)
	for (v = 0; v < 4; v++)
	for (fo = 0; fo < 2; fo++) {
		int rc, H = 3 + n % 5, D = 2 + n % 7;

		snprintf(text, sizeof text, "name: n%d\ncell: %s\nhidden: %d\ninput: %d\n"
		         "timesteps: 2\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, folded: %s}\n",
		         n, cells[c], H, D, 1 + n % 2, 1 + n % 3, rus[b], rvs[v],
		         fo ? "true" : "false");
		n++;
		rc = check_values(text);
		CU_ASSERT(rc <= 0);
		mapped += rc == 0;
	}
	CU_ASSERT(mapped >= 60);
}

/* The chained combine (schedule.combine: chain): LSTM, GRU and vanilla cells, hu 1/2/3, ru
 * 2/3/5, rv 16/64, folded on and off, the weights on chip or streamed; no combine PCU, and the
 * values still equal the interpreter's (the sum of the last tile is the full sum). */
static void
test_values_chain(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hus[] = {1, 2, 3}, rus[] = {2, 3, 5}, rvs[] = {16, 64};
	static const int Hs[] = {4, 13, 32, 7}, Ds[] = {6, 9, 20, 16};
	int c, a, b, v, fo, st, n = 0, mapped = 0;
	char text[512];

	for (c = 0; c < 3; c++)
	for (a = 0; a < 3; a++)
	for (b = 0; b < 3; b++)
	for (v = 0; v < 2; v++)
	for (fo = 0; fo < 2; fo++)
	for (st = 0; st < 2; st++) {
		int k = n++ / 2, rc, H = Hs[k % 4], D = Ds[(k / 4) % 4], i, comb = 0, chain = 0;
		Design d;

		if (D + H < rus[b] * rvs[v])
			D = rus[b] * rvs[v] - H + k % 3;
		if (D == H)
			D++;
		snprintf(text, sizeof text, "name: c%d\ncell: %s\nhidden: %d\ninput: %d\n"
		         "timesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, folded: %s, "
		         "weights: %s, combine: chain}\n", k, cells[c], H, D, 1 + k % 3, 1 + (k / 3) % 2,
		         hus[a], rus[b], rvs[v], fo ? "true" : "false", st ? "stream" : "onchip");
		rc = check_values(text);
		CU_ASSERT(rc <= 0);
		mapped += rc == 0;
		if (rc != 0)
			continue;
		CU_ASSERT_FATAL(design(&d, text) == 0);
		CU_ASSERT_EQUAL(d.m->combine, MAP_COMBINE_CHAIN);
		for (i = 0; i < d.m->nunit; i++)
			comb += d.m->unit[i].role == MAP_COMBINE;
		for (i = 0; i < d.m->nlink; i++)
			chain += d.m->link[i].what == MAP_L_CHAIN;
		CU_ASSERT_EQUAL(comb, 0);
		CU_ASSERT_EQUAL(chain, d.m->nprod * d.m->hu * (d.m->ru - 1));
		ir_ctx_free(&d.c);
	}
	/* fewer than the tree's misses: no combine PCUs to count against the 64 */
	CU_ASSERT(mapped >= 170);
	if (getenv("SIM_TEST_VERBOSE"))
		fprintf(stderr, "\n%d of %d chain designs map\n", mapped, n);
}

/* The epilogue packed by dependence level (schedule.epilogue: packed): LSTM, GRU and vanilla
 * cells, hu 1/2/3, ru 1/2, folded on and off, on 4- and 6-stage PCUs, batch 1 and 2; and an LSTM
 * on the paper's fabric. Each must also take no more epilogue PCUs than the serial form and
 * fewer for the LSTM and GRU, so that a packing that fell back to one op per stage fails. */
static void
test_values_packed(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hus[] = {1, 2, 3}, rus[] = {1, 2}, stages[] = {4, 6};
	int c, a, b, fo, st, n = 0, mapped = 0;
	char text[512], serial[512];

	for (c = 0; c < 3; c++)
	for (a = 0; a < 3; a++)
	for (b = 0; b < 2; b++)
	for (fo = 0; fo < 2; fo++)
	for (st = 0; st < 2; st++) {
		int rc, H = 5 + n % 9, D = 3 + n % 11, epi[2], k;
		Design d[2];

		for (k = 0; k < 2; k++) {
			snprintf(k ? text : serial, sizeof text, "name: p%d\ncell: %s\nhidden: %d\n"
			         "input: %d\ntimesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: 4, "
			         "folded: %s, epilogue: %s}\ntarget: {pcu: {stages: %d}}\n", n, cells[c], H,
			         D, 1 + n % 3, 1 + n % 2, hus[a], rus[b], fo ? "true" : "false",
			         k ? "packed" : "serial", stages[st]);
			CU_ASSERT_FATAL(design(&d[k], k ? text : serial) == 0);
			for (epi[k] = 0, rc = 0; rc < d[k].m->nunit; rc++)
				epi[k] += d[k].m->unit[rc].role == MAP_EPI;
			ir_ctx_free(&d[k].c);
		}
		CU_ASSERT(epi[1] <= epi[0]);
		CU_ASSERT(c == 2 || epi[1] < epi[0]);
		n++;
		rc = check_values(text);
		CU_ASSERT(rc == 0);
		mapped += rc == 0;
	}
	CU_ASSERT_EQUAL(mapped, n);
	CU_ASSERT_EQUAL(check_values("name: pr\ncell: lstm\nhidden: 24\ninput: 120\ntimesteps: 2\n"
	                             "batch: 2\nschedule: {hu: 3, ru: 2, rv: 64, epilogue: packed}\n"
	                             "target: plasticine-rnn\n"), 0);
}

/* The hv form (lanes across hidden units): LSTM, GRU and vanilla cells, hv 2/4/16 with rv 4
 * (= pack: one lane a row, no cross-lane tree) and 8 (two lanes a row), hu 1/2/3, ru 1/2/3
 * with the tree and the chained combine, folded on and off, the weights on chip or streamed,
 * batch 1 and 2, H not a multiple of hv (tail groups); each row of a group equals the
 * interpreter's. hv 16 with rv 8 needs 32 lanes and is rejected (the `lanes` check). */
static void
test_values_hv(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hvs[] = {2, 4, 16}, rvs[] = {4, 8}, hus[] = {1, 2, 3}, rus[] = {1, 2, 3};
	static const int Hs[] = {17, 21, 34, 19}, Ds[] = {7, 3, 12, 9};
	int c, h, v, a, b, n = 0, mapped = 0, lanes = 0;
	char text[512];

	for (c = 0; c < 3; c++)
	for (h = 0; h < 3; h++)
	for (v = 0; v < 2; v++)
	for (a = 0; a < 3; a++)
	for (b = 0; b < 3; b++) {
		int k = n++, rc, H = Hs[k % 4], D = Ds[(k / 4) % 4];
		Design d;

		snprintf(text, sizeof text, "name: v%d\ncell: %s\nhidden: %d\ninput: %d\n"
		         "timesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, hv: %d, "
		         "folded: %s, weights: %s, combine: %s}\n", k, cells[c], H, D, 1 + k % 3,
		         1 + (k / 3) % 2, hus[a], rus[b], rvs[v], hvs[h], k % 2 ? "true" : "false",
		         k % 5 == 0 ? "stream" : "onchip", (k / 2) % 2 ? "chain" : "tree");
		rc = check_values(text);
		CU_ASSERT(rc <= 0);
		mapped += rc == 0;
		if (rc == 0) {
			CU_ASSERT_FATAL(design(&d, text) == 0);
			CU_ASSERT_EQUAL(d.m->hv, hvs[h]);
			/* the Verilog backend builds the form (tests/rtl/cosim.sh checks it), all but
			 * the streamed weights */
			if (k % 5)
				CU_ASSERT_PTR_NULL(rtl_unsupported(d.m, &d.s));
			ir_ctx_free(&d.c);
		} else if (design(&d, text) < 0) {
			lanes += d.why.kind == MAP_FAIL_LANES;
			ir_ctx_free(&d.c);
		} else {
			ir_ctx_free(&d.c);
		}
	}
	/* hv 16 x rv 8: 27 designs need 32 lanes; of the rest, those with hu 3 on GRU and LSTM
	 * write h into the xh copies on more scalar inputs than a PMU has (135 map) */
	CU_ASSERT_EQUAL(lanes, 27);
	CU_ASSERT(mapped >= 130);
	if (getenv("SIM_TEST_VERBOSE"))
		fprintf(stderr, "\n%d of %d hv designs map, %d need too many lanes\n", mapped, n,
		        lanes);
}

/* h of the simulator for a design, or NULL when it does not map: a copy in *h of n values. */
static int64_t *
sim_h(const char *text, int64_t *n, int64_t *cycles)
{
	Design d;
	Memory ms;
	SimOptions o = {0};
	Report *r;
	int64_t *h;
	int t;

	if (design(&d, text) < 0) {
		ir_ctx_free(&d.c);
		return NULL;
	}
	CU_ASSERT_FATAL(ir_mem_init(d.f, &ms) == 0);
	o.values = 1;
	r = sim_run(&d.c, d.m, d.s.timesteps, &o, &ms);
	CU_ASSERT_FATAL(r != NULL && r->values);
	*cycles = r->cycles;
	t = ir_find_tensor(d.f, "h");
	CU_ASSERT_FATAL(t >= 0);
	*n = ms.buf[t].n;
	h = malloc((size_t)*n * sizeof *h);
	CU_ASSERT_FATAL(h != NULL);
	memcpy(h, ms.buf[t].q, (size_t)*n * sizeof *h);
	ir_mem_free(&ms);
	ir_ctx_free(&d.c);
	return h;
}

/* Hoisted input products (schedule.hoist_input: true): LSTM, GRU (both forms of the
 * candidate gate) and vanilla cells, hu 1..3, ru 1..3, rv 4..16, hv 1 and 2, the tree and the
 * chained combine, serial and packed epilogues, batch 1 and 2, 1 to 3 steps, with D and H not
 * multiples of rv. Each must equal the interpreter (h, c, xh) and the design without hoisting
 * bit for bit, and have the same MACs; once the x phase is longer than a step's drain it must
 * be faster. */
static void
test_values_hoisted(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hus[] = {1, 2, 3}, rus[] = {1, 2, 3}, rvs[] = {4, 8, 16};
	int c, a, b, v, n = 0, mapped = 0;
	char text[2][640];

	for (c = 0; c < 3; c++)
	for (a = 0; a < 3; a++)
	for (b = 0; b < 3; b++)
	for (v = 0; v < 3; v++) {
		int k = n++, rc, f, hv = k % 4 == 1 ? 2 : 1, H = 5 + 7 * (k % 4), D, merged;
		int64_t nh[2], cyc[2], *h[2];

		merged = c == 1 && k % 2;
		/* D a multiple of rv for the merged candidate gate, at least one x step a tile */
		D = rus[b] * rvs[v] * (1 + k % 3) + (merged ? 0 : 1 + k % 3);
		for (f = 0; f < 2; f++)
			snprintf(text[f], sizeof text[f], "name: x%d\ncell: %s\nhidden: %d\ninput: %d\n"
			         "timesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, hv: %d, "
			         "folded: %s, combine: %s, epilogue: %s%s, hoist_input: %s}\n", k, cells[c],
			         H, D, 1 + k % 3, 1 + (k / 3) % 2, hus[a], rus[b], rvs[v], hv,
			         k % 2 ? "true" : "false", k % 3 ? "tree" : "chain",
			         k % 5 < 2 ? "packed" : "serial",
			         c == 1 ? (merged ? ", candidate: merged" : ", candidate: split") : "",
			         f ? "true" : "false");
		rc = check_values(text[1]);
		CU_ASSERT(rc <= 0);
		if (rc != 0)
			continue;
		mapped++;
		h[0] = sim_h(text[0], &nh[0], &cyc[0]);
		h[1] = sim_h(text[1], &nh[1], &cyc[1]);
		CU_ASSERT_FATAL(h[0] != NULL && h[1] != NULL);
		CU_ASSERT_EQUAL(nh[0], nh[1]);
		CU_ASSERT(memcmp(h[0], h[1], (size_t)nh[0] * sizeof *h[0]) == 0);
		if (getenv("SIM_TEST_VERBOSE"))
			fprintf(stderr, "%s -> %lld / %lld cycles\n", text[1], (long long)cyc[1],
			        (long long)cyc[0]);
		free(h[0]);
		free(h[1]);
	}
	CU_ASSERT(mapped >= n * 3 / 4);
}

/* The merged candidate gate (schedule.candidate: merged): GRU designs, hu 1/2/3, ru 1/2/3/5,
 * rv 4/8/16/64 with D a multiple of rv, the tree and the chained combine, folded on and off, the
 * weights on chip or streamed, batch 1 and 2. Each must equal the interpreter (h, xh), and the
 * split form's h step for step, bit for bit; it has 3 dot products per tile and copy where the
 * split form has 4, the merged one with two accumulators, and the same MACs. */
static void
test_values_merged(void)
{
	static const int hus[] = {1, 2, 3}, rus[] = {1, 2, 3, 5}, rvs[] = {4, 8, 16, 64};
	static const int Hs[] = {5, 13, 32, 7};
	int a, b, v, cm, n = 0, mapped = 0;
	char text[2][512];

	for (a = 0; a < 3; a++)
	for (b = 0; b < 4; b++)
	for (v = 0; v < 4; v++)
	for (cm = 0; cm < 2; cm++) {
		int k = n++, rc, H = Hs[k % 4], D = rvs[v] * (1 + k % 3), f, i, dots[2] = {0, 0};
		int64_t nh[2], cyc[2];
		int64_t *h[2];
		Design d;

		/* every tile gets at least one vector step: D + H >= ru x rv */
		while (D + H < rus[b] * rvs[v])
			D += rvs[v];
		for (f = 0; f < 2; f++)
			snprintf(text[f], sizeof text[f], "name: g%d\ncell: gru\nhidden: %d\ninput: %d\n"
			         "timesteps: %d\nbatch: %d\nschedule: {hu: %d, ru: %d, rv: %d, folded: %s, "
			         "weights: %s, combine: %s, candidate: %s}\n", k, H, D, 1 + k % 3,
			         1 + (k / 3) % 2, hus[a], rus[b], rvs[v], k % 2 ? "true" : "false",
			         k % 5 == 0 ? "stream" : "onchip", cm ? "chain" : "tree",
			         f ? "merged" : "split");
		rc = check_values(text[1]);
		CU_ASSERT(rc <= 0);
		if (rc != 0)
			continue;
		mapped++;
		for (f = 1; f >= 0; f--) {
			int64_t macs = 0;

			/* the split form may not fit (4 dot products per tile and copy) */
			if (design(&d, text[f]) < 0) {
				CU_ASSERT(f == 0 && (d.why.kind == MAP_FAIL_PCUS ||
				                     d.why.kind == MAP_FAIL_DOTS));
				dots[0] = dots[1] / 3 * 4;
				ir_ctx_free(&d.c);
				continue;
			}
			CU_ASSERT_EQUAL(d.m->candidate, f ? MAP_CANDIDATE_MERGED : MAP_CANDIDATE_SPLIT);
			CU_ASSERT_EQUAL(d.m->ndot, f ? 3 : 4);
			for (i = 0; i < d.m->nunit; i++) {
				const MapUnit *u = &d.m->unit[i];

				macs += u->macs;
				if (u->role == MAP_DOT && u->accumulators) {
					dots[f]++;
					CU_ASSERT_EQUAL(u->accumulators, f && u->gate == 2 ? 2 : 1);
				}
			}
			CU_ASSERT_EQUAL(macs, ir_spec_macs_per_step(&d.s));
			CU_ASSERT_EQUAL(macs, d.m->macs);
			/* the Verilog backend builds both forms (tests/rtl/cosim.sh checks them),
			 * all but the streamed weights */
			if (k % 5)
				CU_ASSERT_PTR_NULL(rtl_unsupported(d.m, &d.s));
			ir_ctx_free(&d.c);
		}
		CU_ASSERT_EQUAL(dots[1] * 4, dots[0] * 3);
		h[0] = sim_h(text[0], &nh[0], &cyc[0]);
		h[1] = sim_h(text[1], &nh[1], &cyc[1]);
		CU_ASSERT_FATAL(h[1] != NULL);
		if (h[0]) {
			CU_ASSERT_EQUAL(nh[0], nh[1]);
			CU_ASSERT(nh[0] == nh[1] && memcmp(h[0], h[1], (size_t)nh[0] * sizeof *h[0]) == 0);
		}
		free(h[0]);
		free(h[1]);
	}
	CU_ASSERT(mapped >= 70);
	if (getenv("SIM_TEST_VERBOSE"))
		fprintf(stderr, "\n%d of %d merged designs map\n", mapped, n);
}

/* Seeded random designs over a wider space than the matrices (design.c: random_design), the
 * weights streamed in one in four, the epilogue packed in one in two. */
static void
test_values_random(void)
{
	uint32_t r = 20261202;
	int n, mapped = 0;
	char text[512], label[96];

	for (n = 0; n < 200; n++) {
		int rc;

		random_design(&r, n, 1, text, sizeof text, label, sizeof label);
		rc = check_values(text);
		CU_ASSERT(rc <= 0);
		mapped += rc == 0;
	}
	CU_ASSERT(mapped >= 100);
	if (getenv("SIM_TEST_VERBOSE"))
		fprintf(stderr, "\n%d of 200 random designs map\n", mapped);
}

/* hu beyond pmu.scalar_inputs (4): h_t goes through hbuf PMUs (one level up to hu 12, two
 * beyond), on LSTM, GRU and vanilla cells, H 13 to 40, batch 1 and 2, ru 1 and 2; on the
 * paper's 24 x 24 grid, which has the PCUs for them. Every design must map and use the hbufs. */
static void
test_values_hdist(void)
{
	static const char *const cells[] = {"lstm", "gru", "rnn"};
	static const int hus[] = {5, 8, 12, 16}, Hs[] = {13, 24, 40, 17};
	int c, a, b, n = 0;
	char text[512];

	for (c = 0; c < 3; c++)
	for (a = 0; a < 4; a++)
	for (b = 0; b < 2; b++) {
		int H = Hs[(n + a) % 4] < hus[a] ? hus[a] + 1 : Hs[(n + a) % 4];
		Design d;

		snprintf(text, sizeof text, "name: h%d\ncell: %s\nhidden: %d\ninput: %d\n"
		         "timesteps: 2\nbatch: %d\ntarget: {grid: {rows: 24, cols: 24}}\n"
		         "schedule: {hu: %d, ru: %d, rv: %d, folded: %s}\n", n, cells[c], H,
		         5 + n % 11, 1 + b, hus[a], 1 + n % 2, n % 3 ? 16 : 8, n % 4 ? "true" : "false");
		n++;
		CU_ASSERT_FATAL(design(&d, text) == 0);
		CU_ASSERT(d.m->nhbuf >= 2);
		CU_ASSERT_EQUAL(d.m->hlevels, hus[a] > 12 ? 2 : 1);
		ir_ctx_free(&d.c);
		CU_ASSERT(check_values(text) == 0);
	}
}

/* LSTM H = 24, hu = 8 on PMUs of `si` scalar inputs. */
static void
hdist_spec(char *text, size_t n, int si)
{
	snprintf(text, n, "name: d\ncell: lstm\nhidden: 24\ninput: 8\ntimesteps: 3\n"
	         "target: {grid: {rows: 24, cols: 24}, pmu: {scalar_inputs: %d}}\n"
	         "schedule: {hu: 8, ru: 1, rv: 16}\n", si);
}

/* The distribution's latency shows in the cycles: the same design with a PMU of 16 scalar
 * inputs (direct h) takes more cycles with 4 (through the hbufs), and the hbufs send the
 * vectors the mapping counts. */
static void
test_hdist_latency(void)
{
	char text[512];
	Design a, b;
	Report *ra, *rb;
	SimOptions o = {0};
	int i, hbufs = 0;
	int64_t vectors = 0;

	hdist_spec(text, sizeof text, 16);
	CU_ASSERT_FATAL(design(&a, text) == 0);
	hdist_spec(text, sizeof text, 4);
	CU_ASSERT_FATAL(design(&b, text) == 0);
	CU_ASSERT_EQUAL(a.m->nhbuf, 0);
	CU_ASSERT_EQUAL(b.m->nhbuf, 2);
	o.max_steps = 3;
	ra = sim_run(&a.c, a.m, 3, &o, NULL);
	rb = sim_run(&b.c, b.m, 3, &o, NULL);
	CU_ASSERT(rb->cycles > ra->cycles);
	for (i = 0; i < b.m->nunit; i++) {
		if (b.m->unit[i].role != MAP_HBUF)
			continue;
		hbufs++;
		vectors += rb->unit[i].issue;
		CU_ASSERT_EQUAL(rb->unit[i].issue, 3 * b.m->unit[i].vsteps);
	}
	/* 8 copies of 3 rows: one vector each per step */
	CU_ASSERT_EQUAL(hbufs, 2);
	CU_ASSERT_EQUAL(vectors, 3 * 8);
	if (getenv("SIM_TEST_VERBOSE"))
		fprintf(stderr, "\ndirect %lld cycles, hbufs %lld\n", (long long)ra->cycles,
		        (long long)rb->cycles);
	ir_ctx_free(&a.c);
	ir_ctx_free(&b.c);
}

/* One dot-product PCU and its PMUs: a vanilla RNN, H = D = 2, hu = ru = 1, rv = 4, T = 2.
 *
 * The mapping (--dump-after=map): dot (0,0) with stages mul, inlane, inlane, folded(5): depth
 * 1 + 1 + 1 + 5 = 8; xh (0,1) and the weights (1,0) one hop from it; the sum goes 2 hops to
 * the epilogue (0,2), 5 one-cycle stages (add, add, lut, cast, cast): depth 5; h goes 1 hop
 * back to xh. N = 4 = rv, so nt = 1: one vector step per row, 2 rows per step.
 *
 * Step 0: x_0 and h_0 (2 + 2 bytes) come from DRAM: S = latency + ceil(4 / bytes-per-cycle)
 * = 100 + 1. At S xh and the weights send row 0 (1 hop: seen at S + 1), at S + 1 row 1. The
 * dot product takes row 0 at S + 1, and it leaves the pipeline at S + 9; the sum is seen by
 * the epilogue at S + 11 (2 hops), which takes it then, and h leaves at S + 16, is seen by
 * xh at S + 17. Row 1 is a cycle behind: xh has all of h_0 at S + 18, the step's last cycle.
 * Step 0 is cycles 0 .. S + 18: S + 19 cycles.
 * Step 1: x_1 (2 bytes) was asked for at S and arrives at S + 100 + 1, later than the barrier
 * (S + 19): step 1 streams from S + 101 and ends at S + 101 + 18. Its window is S + 19 ..
 * S + 119: 101 cycles. In all S + 120 = 221 cycles. */
static void
test_hand_derived(void)
{
	Design d;
	Report *r;
	SimOptions o = {0};
	int64_t S;
	double bpc;

	CU_ASSERT_FATAL(design(&d, "name: one\ncell: rnn\nhidden: 2\ninput: 2\ntimesteps: 2\n"
	                           "schedule: {hu: 1, ru: 1, rv: 4}\n") == 0);
	CU_ASSERT_EQUAL(d.m->nunit, 5);
	CU_ASSERT_EQUAL(d.t.net.hop_cycles, 1);
	bpc = d.t.dram.bandwidth_gbs * 1e3 / d.t.clock_mhz;
	CU_ASSERT_FATAL(bpc >= 4);
	S = d.t.dram.latency_cycles + 1;
	r = sim_run(&d.c, d.m, 2, &o, NULL);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->step[0].cycles, S + 19);
	CU_ASSERT_EQUAL(r->step[1].cycles, d.t.dram.latency_cycles + 1);
	CU_ASSERT_EQUAL(r->cycles, S + 120);
	CU_ASSERT_EQUAL(r->cause[SIM_COMPUTE], 4);
	CU_ASSERT_EQUAL(r->unit[0].issue, 4);  /* the dot product: 2 rows x 2 steps */
	CU_ASSERT_EQUAL(r->unit[0].active, 4 * 8 - 2 * 7 + 0);  /* 2 x (8 + 1): rows overlap */
	ir_ctx_free(&d.c);
}

/* The design of test_hand_derived with its weights streamed from DRAM: a step's weights (one
 * 4-byte row per hidden unit, 2 rows) start to arrive `latency` cycles after the step starts
 * streaming, at bpc >= 4 bytes a cycle into the two row buffers: row 0 can start at latency + 1
 * (at `latency` nothing has arrived yet), row 1 the cycle after. Everything else is as on chip,
 * 101 cycles later: step 0 ends at S + 101 + 18 = 220 (221 cycles). x_1, asked for at S, is
 * there by then; step 1 streams from 221, its rows start at 221 + 101 and it ends 18 cycles
 * later, at 340: 120 cycles, 341 in all. The weight PMU waits 101 cycles a step. */
static void
test_hand_derived_stream(void)
{
	Design d;
	Report *r;
	SimOptions o = {0};
	int64_t L;

	CU_ASSERT_FATAL(design(&d, "name: one\ncell: rnn\nhidden: 2\ninput: 2\ntimesteps: 2\n"
	                           "schedule: {hu: 1, ru: 1, rv: 4, weights: stream}\n") == 0);
	CU_ASSERT_EQUAL(d.m->nunit, 5);
	CU_ASSERT_EQUAL(d.m->weights, MAP_WEIGHTS_STREAM);
	L = d.t.dram.latency_cycles;
	CU_ASSERT_FATAL(L == 100);
	r = sim_run(&d.c, d.m, 2, &o, NULL);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->step[0].cycles, 221);
	CU_ASSERT_EQUAL(r->step[1].cycles, 120);
	CU_ASSERT_EQUAL(r->cycles, 341);
	CU_ASSERT_EQUAL(r->unit[2].dram + r->unit[1].dram + r->unit[3].dram, 2 * (L + 1));
	CU_ASSERT_EQUAL(r->dram_bytes, 4 + 2 * 2 + 2 + 2 * 8);  /* x, h in and out, weights */
	ir_ctx_free(&d.c);
}

/* The chained combine by hand: a vanilla RNN, H = D = 2, T = 2, hu = 1, ru = 2, rv = 2, so
 * tile 0 holds k 0-1 and tile 1 k 2-3, one vector step per row. Each dot product: mul, one
 * in-lane stage, folded 5: depth 7; dot.r0 at (0,0), dot.r1 beside it at (0,2) (the chain's
 * 2 hops), the epilogue (5 stages) at (0,4): the sum 2 hops, h 3 hops to xh.r0 at (0,1), 1 to
 * xh.r1 at (0,3). Step 0 streams at S = 101 (as test_hand_derived). Row 0 enters both dot
 * products at S + 1 and reaches their exits at S + 8; tile 0's sum is seen by tile 1 at S + 10,
 * so tile 1 stalls 2 cycles (row 1 behind it too) and sends the full sum at S + 10; the
 * epilogue takes it at S + 12 and sends h at S + 17, seen by xh.r0 at S + 20. Row 1 leaves
 * tile 1 at S + 11, the chained sum of it arriving just then: xh.r0 has all of h at S + 21.
 * Step 0: S + 22 cycles; step 1 waits for x_1 (S + 101): 101 cycles; 224 in all. */
static void
test_hand_derived_chain(void)
{
	Design d;
	Report *r;
	SimOptions o = {0};
	int64_t S;
	int i, r1 = -1;

	CU_ASSERT_FATAL(design(&d, "name: two\ncell: rnn\nhidden: 2\ninput: 2\ntimesteps: 2\n"
	                           "schedule: {hu: 1, ru: 2, rv: 2, combine: chain}\n") == 0);
	CU_ASSERT_EQUAL_FATAL(d.t.net.hop_cycles, 1);
	CU_ASSERT_EQUAL_FATAL(d.t.dram.latency_cycles, 100);
	S = d.t.dram.latency_cycles + 1;
	for (i = 0; i < d.m->nunit; i++) {
		if (!strcmp(d.m->unit[i].name, "dot.p0.u0.r1"))
			r1 = i;
	}
	CU_ASSERT_FATAL(r1 >= 0);
	CU_ASSERT_EQUAL(d.m->unit[r1].row, 0);
	CU_ASSERT_EQUAL(d.m->unit[r1].col, 2);
	r = sim_run(&d.c, d.m, 2, &o, NULL);
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->step[0].cycles, S + 22);
	CU_ASSERT_EQUAL(r->step[1].cycles, 101);
	CU_ASSERT_EQUAL(r->cycles, S + 123);
	CU_ASSERT_EQUAL(r->unit[r1].stall, 2 * 2);  /* row 0's wait, each step */
	CU_ASSERT_EQUAL(r->unit[0].stall, 0);
	ir_ctx_free(&d.c);
}

/* The chained combine with short rows (docs/mapping.md): LSTM 1024 on plasticine-rnn at hu 1,
 * ru 16, nt = 2. When each product's tiles were placed as a separate snake, the sums of a row
 * reached the epilogue up to ~55 cycles apart, the short path's backpressure held every tile's
 * xh stream back and a step took 3202 cycles against the tree's 2175. A step of the chain may
 * exceed the tree's by no more than the fill of its 15 links (a few cycles each), and tile 0,
 * which waits for nothing, may stall only briefly. */
static void
test_chain_short_rows(void)
{
	Design a, b;
	Report *tree, *chain;
	SimOptions o = {0};
	char text[256];
	int i, t0 = -1;

#define SHORT_ROWS "name: l\ncell: lstm\nhidden: 1024\ninput: 1024\ntimesteps: 2\n" \
	"target: plasticine-rnn\nschedule: {hu: 1, ru: 16, rv: 64, combine: %s}\n"
	snprintf(text, sizeof text, SHORT_ROWS, "tree");
	CU_ASSERT_FATAL(design(&a, text) == 0);
	snprintf(text, sizeof text, SHORT_ROWS, "chain");
#undef SHORT_ROWS
	CU_ASSERT_FATAL(design(&b, text) == 0);
	CU_ASSERT_EQUAL_FATAL(b.m->nt, 2);
	tree = sim_run(&a.c, a.m, 2, &o, NULL);
	chain = sim_run(&b.c, b.m, 2, &o, NULL);
	CU_ASSERT_FATAL(tree != NULL && chain != NULL);
	CU_ASSERT(chain->step[1].cycles <= tree->step[1].cycles + 15 * 6);
	for (i = 0; i < b.m->nunit; i++) {
		if (!strcmp(b.m->unit[i].name, "dot.p0.u0.r0"))
			t0 = i;
	}
	CU_ASSERT_FATAL(t0 >= 0);
	CU_ASSERT(chain->unit[t0].stall * 20 <= chain->cycles);
	ir_ctx_free(&a.c);
	ir_ctx_free(&b.c);
}

/* A DRAM-bound streamed design: a step takes at least its weight bytes / bandwidth cycles, and
 * not much more; the same design on chip is many times faster. */
static void
test_stream_bound(void)
{
	Design a, b;
	Report *on, *st;
	SimOptions o = {0};
	double bpc, bound;

	CU_ASSERT_FATAL(design(&a, "name: s\ncell: lstm\nhidden: 128\ninput: 128\ntimesteps: 5\n"
	                           "batch: 2\nschedule: {hu: 2, ru: 1, rv: 64}\n") == 0);
	CU_ASSERT_FATAL(design(&b, "name: s\ncell: lstm\nhidden: 128\ninput: 128\ntimesteps: 5\n"
	                           "batch: 2\nschedule: {hu: 2, ru: 1, rv: 64, weights: stream}\n") == 0);
	on = sim_run(&a.c, a.m, 5, &o, NULL);
	st = sim_run(&b.c, b.m, 5, &o, NULL);
	bpc = b.t.dram.bandwidth_gbs * 1e3 / b.t.clock_mhz;
	bound = (double)b.m->weight_bytes / bpc;
	CU_ASSERT_EQUAL(b.m->stream_bytes_per_step, b.m->weight_bytes);
	CU_ASSERT((double)st->step[2].cycles >= bound);
	CU_ASSERT((double)st->step[2].cycles <= bound * 1.05 + b.t.dram.latency_cycles + 100);
	CU_ASSERT(st->cycles > 2 * on->cycles);
	CU_ASSERT(st->cause[SIM_DRAM] > st->cycles / 2);
	CU_ASSERT_EQUAL(st->dram_bytes - on->dram_bytes, 5 * b.m->weight_bytes);
	ir_ctx_free(&a.c);
	ir_ctx_free(&b.c);
}

static char *
report_text(const char *spec, int json)
{
	Design d;
	Report *r;
	SimOptions o = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (design(&d, spec) < 0)
		return NULL;
	r = sim_run(&d.c, d.m, d.s.timesteps, &o, NULL);
	f = open_memstream(&buf, &len);
	if (json)
		sim_report_json(r, f);
	else
		sim_report_print(r, f);
	fclose(f);
	ir_ctx_free(&d.c);
	return buf;
}

static void
test_deterministic(void)
{
	static const char *spec = "name: det\ncell: lstm\nhidden: 24\ninput: 10\ntimesteps: 3\n"
	                          "batch: 2\nschedule: {hu: 3, ru: 2, rv: 16}\n";
	int json;

	for (json = 0; json < 2; json++) {
		char *a = report_text(spec, json), *b = report_text(spec, json);

		CU_ASSERT_FATAL(a && b);
		CU_ASSERT_STRING_EQUAL(a, b);
		free(a);
		free(b);
	}
}

/* A cap on the steps extrapolates from the last simulated one, and says so. */
static void
test_extrapolate(void)
{
	Design d;
	Report *all, *cap;
	SimOptions o = {0};

	CU_ASSERT_FATAL(design(&d, "name: ex\ncell: gru\nhidden: 16\ninput: 8\ntimesteps: 6\n"
	                           "schedule: {hu: 2, ru: 1, rv: 16}\n") == 0);
	o.max_steps = 6;
	all = sim_run(&d.c, d.m, 6, &o, NULL);
	o.max_steps = 3;
	o.budget = 1;
	cap = sim_run(&d.c, d.m, 6, &o, NULL);
	CU_ASSERT_EQUAL(all->rest, SIM_ALL);
	CU_ASSERT_EQUAL(cap->rest, SIM_EXTRAPOLATED);
	CU_ASSERT_EQUAL(cap->simulated, 3);
	/* steps after the first are all alike here: the extrapolation is exact */
	CU_ASSERT_EQUAL(all->cycles, cap->cycles);
	ir_ctx_free(&d.c);
}

/* Every figure of two reports but how the steps were covered. */
static int
same_figures(const Report *a, const Report *b)
{
	int i;

	if (a->cycles != b->cycles || a->dram_bytes != b->dram_bytes ||
	    a->flits_vector != b->flits_vector || a->flits_scalar != b->flits_scalar ||
	    memcmp(a->cause, b->cause, sizeof a->cause) || a->power_mw != b->power_mw ||
	    a->energy_uj != b->energy_uj || a->tflops != b->tflops)
		return 0;
	for (i = 0; i < a->d->nunit; i++) {
		if (memcmp(&a->unit[i], &b->unit[i], sizeof a->unit[i]))
			return 0;
	}
	for (i = 0; i + 1 < a->simulated && i + 1 < b->simulated; i++) {
		if (memcmp(&a->step[i], &b->step[i], sizeof a->step[i]))
			return 0;
	}
	/* a hoisted design skips the repeats before its last step, and then simulates that */
	if (b->rest == SIM_REPEAT && b->d->sx && a->simulated == a->T &&
	    (a->step[a->T - 1].cycles != b->step[b->simulated - 1].cycles ||
	     memcmp(a->step[a->T - 1].cause, b->step[b->simulated - 1].cause, sizeof a->step[0].cause)))
		return 0;
	return 1;
}

/* When the steps repeat, the engine stops and counts the rest: every figure equals that of
 * simulating all steps, over designs that wait for DRAM, for banks, for backpressure or not. */
static void
test_repeat_exact(void)
{
	static const char *const specs[] = {
		"name: a\ncell: lstm\nhidden: 16\ninput: 8\ntimesteps: 9\n"
		"schedule: {hu: 2, ru: 2, rv: 8}\n",
		"name: b\ncell: gru\nhidden: 7\ninput: 300\nbatch: 3\ntimesteps: 7\n"
		"schedule: {hu: 1, ru: 3, rv: 4}\n",
		"name: c\ncell: rnn\nhidden: 33\ninput: 1000\ntimesteps: 12\n"
		"schedule: {hu: 3, ru: 1, rv: 64}\n",
		"name: d\ncell: lstm\nhidden: 64\ninput: 64\nbatch: 2\ntimesteps: 6\n"
		"schedule: {hu: 1, ru: 5, rv: 16, folded: false}\n",
		"name: e\ncell: rnn\nhidden: 2\ninput: 2\ntimesteps: 20\n"
		"schedule: {hu: 1, ru: 1, rv: 4}\n",
		"name: f\ncell: gru\nhidden: 40\ninput: 24\nbatch: 3\ntimesteps: 8\n"
		"schedule: {hu: 2, ru: 2, rv: 16, weights: stream}\n",
		"name: g\ncell: lstm\nhidden: 24\ninput: 40\nbatch: 2\ntimesteps: 7\n"
		"schedule: {hu: 2, ru: 3, rv: 16, combine: chain}\n",
		"name: h\ncell: lstm\nhidden: 40\ninput: 24\nbatch: 2\ntimesteps: 8\n"
		"target: {grid: {rows: 24, cols: 24}}\nschedule: {hu: 16, ru: 2, rv: 16}\n",
		/* hoisted: the fabric is not empty at the barrier; the state decides (core.c) */
		"name: i\ncell: lstm\nhidden: 64\ninput: 64\ntimesteps: 11\n"
		"schedule: {hu: 2, ru: 2, rv: 16, hoist_input: true}\n",
		"name: j\ncell: gru\nhidden: 48\ninput: 96\nbatch: 2\ntimesteps: 10\n"
		"schedule: {hu: 3, ru: 3, rv: 16, combine: chain, candidate: merged, hoist_input: true}\n",
		"name: k\ncell: rnn\nhidden: 16\ninput: 579\nbatch: 2\ntimesteps: 9\n"
		"schedule: {hu: 1, ru: 3, rv: 64, epilogue: packed, hoist_input: true}\n",
		"name: l\ncell: lstm\nhidden: 1024\ntimesteps: 8\ntarget: plasticine-rnn\n"
		"schedule: {hu: 4, ru: 11, rv: 64, combine: chain, epilogue: packed, hoist_input: true}\n",
	};
	size_t i;
	int repeats = 0;

	for (i = 0; i < sizeof specs / sizeof specs[0]; i++) {
		Design d;
		Report *all, *rep;
		SimOptions o = {0};

		CU_ASSERT_FATAL(design(&d, specs[i]) == 0);
		rep = sim_run(&d.c, d.m, d.s.timesteps, &o, NULL);
		o.max_steps = d.s.timesteps;
		all = sim_run(&d.c, d.m, d.s.timesteps, &o, NULL);
		CU_ASSERT_EQUAL(all->rest, SIM_ALL);
		CU_ASSERT(rep->rest != SIM_EXTRAPOLATED);
		repeats += rep->rest == SIM_REPEAT;
		if (!same_figures(all, rep))
			fprintf(stderr, "\nrepeated steps differ from all steps for:\n%s\ncycles %lld / %lld, "
			        "flits %lld / %lld\n", specs[i], (long long)all->cycles, (long long)rep->cycles,
			        (long long)all->flits_vector, (long long)rep->flits_vector);
		CU_ASSERT(same_figures(all, rep));
		ir_ctx_free(&d.c);
	}
	CU_ASSERT(repeats >= 8);
}

/* The bounded checks of the Verilog emitter: the first steps of a trimmed, shared copy of the
 * memory, interpreted and simulated, equal those of a full interpretation of a fresh one; the
 * steps checked are all of a small design's and a bounded few of a large one's. */
static void
test_bounded_steps(void)
{
	static const char text[] = "name: t\ncell: lstm\nhidden: 9\ninput: 5\ntimesteps: 6\n"
	                           "batch: 2\nschedule: {hu: 2, ru: 2, rv: 4}\n";
	Design d, big;
	Memory full, init, part, sim;
	SimOptions o = {0};
	int h, steps = 2;
	int64_t i, n;

	CU_ASSERT_FATAL(design(&d, text) == 0);
	CU_ASSERT_FATAL(ir_mem_init(d.f, &full) == 0);
	CU_ASSERT_FATAL(ir_interp(d.f, &full) == 0);
	CU_ASSERT_FATAL(ir_mem_init(d.f, &init) == 0);
	ir_mem_trim(d.f, &init);
	CU_ASSERT_FATAL(ir_mem_copy(d.f, &part, &init) == 0);
	CU_ASSERT_FATAL(ir_mem_copy(d.f, &sim, &init) == 0);
	CU_ASSERT_FATAL(ir_interp_steps(d.f, &part, steps) == 0);
	o.values = 1;
	o.max_steps = steps;
	CU_ASSERT_FATAL(sim_run(&d.c, d.m, steps, &o, &sim)->values);
	h = ir_find_tensor(d.f, "h");
	CU_ASSERT_FATAL(h >= 0);
	n = (int64_t)(steps + 1) * 2 * 9;  /* h is [T + 1, B, H] */
	for (i = 0; i < full.buf[h].n; i++) {
		if (i < n) {
			CU_ASSERT_EQUAL(part.buf[h].q[i], full.buf[h].q[i]);
			CU_ASSERT_EQUAL(sim.buf[h].q[i], full.buf[h].q[i]);
		} else {
			CU_ASSERT_EQUAL(part.buf[h].q[i], 0);  /* the steps not run */
		}
	}
	for (i = 0; i < init.n; i++) {
		if (init.buf[i].n == 0)
			continue;  /* trimmed: nothing reads it */
		/* the weights are shared, the state each copy's own */
		CU_ASSERT(part.buf[i].borrowed ==
		          (part.buf[i].q == init.buf[i].q && part.buf[i].f == init.buf[i].f));
	}
	CU_ASSERT_EQUAL(rtl_check_steps(d.m, &d.s), 6);
	ir_mem_free(&part);
	ir_mem_free(&sim);
	ir_mem_free(&init);
	ir_mem_free(&full);
	ir_ctx_free(&d.c);
	/* lstm-1024 for 1000 steps: 8 Mi MACs a step, a few steps within RTL_CHECK_MACS */
	CU_ASSERT_FATAL(design(&big, "name: b\ncell: lstm\nhidden: 1024\ntimesteps: 1000\n"
	                             "schedule: {hu: 4, ru: 1, rv: 64}\n") == 0);
	steps = rtl_check_steps(big.m, &big.s);
	CU_ASSERT(steps >= 2 && steps < 1000);
	CU_ASSERT(steps * big.m->macs <= RTL_CHECK_MACS);
	ir_ctx_free(&big.c);
}

static CU_TestInfo sim_tests[] = {
	{"bounded steps", test_bounded_steps},
	{"values equal the interpreter's", test_values_matrix},
	{"values, narrow and non-divisor vectors", test_values_narrow},
	{"values, packed epilogue", test_values_packed},
	{"values, random designs", test_values_random},
	{"values, chained combine", test_values_chain},
	{"values, h through hbufs", test_values_hdist},
	{"the hbufs' latency shows in the cycles", test_hdist_latency},
	{"values, hv row groups", test_values_hv},
	{"values, merged candidate gate", test_values_merged},
	{"values, hoisted input products", test_values_hoisted},
	{"hand-derived cycles", test_hand_derived},
	{"hand-derived cycles, streamed weights", test_hand_derived_stream},
	{"hand-derived cycles, chained combine", test_hand_derived_chain},
	{"chained combine with short rows: not slower than the tree", test_chain_short_rows},
	{"streamed weights are bandwidth-bound", test_stream_bound},
	{"deterministic report", test_deterministic},
	{"extrapolated steps", test_extrapolate},
	{"repeated steps are exact", test_repeat_exact},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{"sim", NULL, NULL, NULL, NULL, sim_tests},
	CU_SUITE_INFO_NULL,
};
