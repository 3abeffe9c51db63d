/* Unit tests of the base layer (arenas, diagnostics) and the frontend (YAML, specs, targets, the
 * DeepBench suite). References are independent of the code under test: DeepBench's own problem
 * list, the published unit figures, hand-computed sizes, and round trips through the printers. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "deepbench/db.h"
#include "frontend/fe.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static char *
diags_text(const Ctx *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ir_print_diags(c, f);
	fclose(f);
	return buf;
}

/* Parses a spec that must be valid; fails the test with the diagnostics otherwise. */
static int
parse_ok(Ctx *c, const char *text, CellSpec *s)
{
	int rc = fe_parse_spec(c, "t.yaml", text, strlen(text), s);

	if (rc != 0) {
		char *d = diags_text(c);

		fprintf(stderr, "unexpected errors:\n%s", d);
		free(d);
	}
	return rc;
}

/* Parses a spec that must be rejected; returns the printed diagnostics (caller frees). */
static char *
parse_bad(const char *text)
{
	Ctx c;
	CellSpec s;
	char *d;
	int rc;

	ir_ctx_init(&c);
	rc = fe_parse_spec(&c, "bad.yaml", text, strlen(text), &s);
	if (rc == 0)
		rc = fe_resolve_target(&c, &s, NULL, NULL, &(Target){0});
	CU_ASSERT(rc != 0);
	CU_ASSERT(c.nerrors > 0);
	d = diags_text(&c);
	ir_ctx_free(&c);
	return d;
}

static char *
print_spec(const CellSpec *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fe_print_spec(s, f);
	fclose(f);
	return buf;
}

static char *
print_target(const Target *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fe_print_target(t, f);
	fclose(f);
	return buf;
}

/* ---- arena and diagnostics --------------------------------------------------------------- */

static void
test_arena(void)
{
	Arena a;
	int i;
	char *s;

	ir_arena_init(&a);
	for (i = 0; i < 10000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		unsigned char *p = ir_alloc(&a, n);

		CU_ASSERT((uintptr_t)p % _Alignof(max_align_t) == 0);
		CU_ASSERT(p[0] == 0 && p[n - 1] == 0);
		memset(p, 0xab, n);
	}
	CU_ASSERT(ir_alloc(&a, 1 << 20) != NULL);  /* larger than a block */
	s = ir_sprintf(&a, "%s-%d", "lstm", 1024);
	CU_ASSERT_STRING_EQUAL(s, "lstm-1024");
	CU_ASSERT_STRING_EQUAL(ir_strndup(&a, "abcdef", 3), "abc");
	CU_ASSERT(a.used > 1 << 20);
	ir_arena_free(&a);
	CU_ASSERT(a.head == NULL);
}

static void
test_edit_distance(void)
{
	CU_ASSERT_EQUAL(ir_edit_distance("hidden", "hidden", 3), 0);
	CU_ASSERT_EQUAL(ir_edit_distance("hiden", "hidden", 3), 1);
	CU_ASSERT_EQUAL(ir_edit_distance("timestep", "timesteps", 3), 1);
	CU_ASSERT_EQUAL(ir_edit_distance("kitten", "sitting", 9), 3);
	CU_ASSERT_EQUAL(ir_edit_distance("abc", "xyzuvw", 3), 3);  /* capped */
	CU_ASSERT_EQUAL(ir_edit_distance("", "abc", 9), 3);
}

static void
test_diag_format(void)
{
	Ctx c;
	const SrcFile *f;
	char *d;

	ir_ctx_init(&c);
	f = ir_add_source(&c, "x.yaml", "a: 1\n\tb: \xc3\xa9t\xc3\xa9 zz\n", 18);
	/* column 9 of line 2 is the 'z': the tab and each 2-byte letter count as one column */
	ir_error(&c, (Loc){f, 2, 9}, "bad %s", "thing");
	ir_note(&c, (Loc){0}, "no location");
	d = diags_text(&c);
	CU_ASSERT_STRING_EQUAL(d, "x.yaml:2:9: error: bad thing\n"
	                          "    2 | \tb: \xc3\xa9t\xc3\xa9 zz\n"
	                          "      | \t       ^\n"
	                          "rnnc: note: no location\n");
	CU_ASSERT_EQUAL(c.nerrors, 1);
	free(d);
	ir_ctx_free(&c);
}

static void
test_diag_limit(void)
{
	Ctx c;
	int i;

	ir_ctx_init(&c);
	for (i = 0; i < IR_MAX_ERRORS + 20; i++)
		ir_error(&c, (Loc){0}, "error %d", i);
	CU_ASSERT_EQUAL(c.nerrors, IR_MAX_ERRORS + 20);
	CU_ASSERT_EQUAL(c.ndiags, IR_MAX_ERRORS);
	ir_ctx_free(&c);
}

static void
test_utf8(void)
{
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"a", 1), 1);
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xc0\xaf", 2), 0);      /* overlong */
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0);  /* surrogate */
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xe2\x82", 2), 0);      /* truncated */
	CU_ASSERT_EQUAL(ir_utf8_len((const unsigned char *)"\xff", 1), 0);
}

/* ---- YAML -------------------------------------------------------------------------------- */

static void
test_yaml_tree(void)
{
	Ctx c;
	const SrcFile *f;
	const YNode *doc, *n;
	const char *text = "a: 1\nb:\n  c: [x, 'y']\n  d: ~\n";

	ir_ctx_init(&c);
	f = fe_add_text(&c, "t.yaml", text, strlen(text));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	doc = fe_parse_yaml(&c, f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL(doc->kind, YN_MAP);
	CU_ASSERT_EQUAL(doc->n, 2);
	n = fe_map_get(fe_map_get(doc, "b"), "c");
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(n->kind, YN_SEQ);
	CU_ASSERT_EQUAL(n->n, 2);
	CU_ASSERT_EQUAL(n->loc.line, 3);
	CU_ASSERT_EQUAL(n->loc.col, 6);
	CU_ASSERT_FALSE(n->vals[0]->quoted);
	CU_ASSERT_TRUE(n->vals[1]->quoted);
	CU_ASSERT_EQUAL(fe_map_get(fe_map_get(doc, "b"), "d")->kind, YN_NULL);
	CU_ASSERT_EQUAL(fe_loc_of(doc, "b.d").line, 4);
	CU_ASSERT_EQUAL(fe_loc_of(doc, "b.d").col, 6);
	CU_ASSERT_EQUAL(c.nerrors, 0);
	ir_ctx_free(&c);
}

static void
test_yaml_depth(void)
{
	char text[400];
	int i;
	char *d;

	strcpy(text, "cell: ");
	for (i = 0; i < 100; i++)
		strcat(text, "[");
	d = parse_bad(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "deeper than"));
	free(d);
}

/* ---- specs ------------------------------------------------------------------------------- */

static void
test_spec_defaults(void)
{
	Ctx c;
	CellSpec s;

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(parse_ok(&c, "cell: gru\nhidden: 7\ntimesteps: 3\n", &s), 0);
	CU_ASSERT_STRING_EQUAL(s.name, "t");
	CU_ASSERT_EQUAL(s.cell, CELL_GRU);
	CU_ASSERT_EQUAL(s.hidden, 7);
	CU_ASSERT_EQUAL(s.input, 7);  /* defaults to hidden */
	CU_ASSERT_EQUAL(s.batch, 1);
	CU_ASSERT_EQUAL(s.prec.kind, PREC_FIXED);
	CU_ASSERT_EQUAL(s.prec.weight.bits, 8);
	CU_ASSERT_EQUAL(s.act.entries, 1024);
	CU_ASSERT_EQUAL(s.act.lo, -8.0);
	CU_ASSERT_EQUAL(s.act.hi, 8.0);
	CU_ASSERT_EQUAL(s.knobs.hu, 0);
	CU_ASSERT_EQUAL(s.knobs.folded, -1);
	/* GRU: 3 gates of H x (D + H) */
	CU_ASSERT_EQUAL(ir_spec_weight_count(&s), 3 * 7 * 14);
	ir_ctx_free(&c);
}

static void
test_spec_full(void)
{
	Ctx c;
	CellSpec s;
	const char *text =
		"name: my-cell\ncell: lstm\nhidden: 100\ninput: 30\ntimesteps: 5\nbatch: 2\n"
		"precision: {type: fixed, weight_bits: 16, weight_frac: 12, act_bits: 16, "
		"act_frac: 10, cell_bits: 32, cell_frac: 20, accum_bits: 64}\n"
		"activation:\n  impl: lut\n  entries: 256\n  range: [-4, 4.5]\n"
		"schedule: {hu: 3, ru: 5, rv: 16, hv: 1, folded: false, hoist_input: true}\n"
		"target: {base: plasticine, grid: {rows: 24}}\n";

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(parse_ok(&c, text, &s), 0);
	CU_ASSERT_STRING_EQUAL(s.name, "my-cell");
	CU_ASSERT_EQUAL(s.input, 30);
	CU_ASSERT_EQUAL(s.batch, 2);
	CU_ASSERT_EQUAL(s.prec.weight.frac, 12);
	CU_ASSERT_EQUAL(s.prec.cell.bits, 32);
	CU_ASSERT_EQUAL(s.prec.accum_bits, 64);
	CU_ASSERT_EQUAL(s.act.entries, 256);
	CU_ASSERT_EQUAL(s.act.hi, 4.5);
	CU_ASSERT_EQUAL(s.knobs.hu, 3);
	CU_ASSERT_EQUAL(s.knobs.ru, 5);
	CU_ASSERT_EQUAL(s.knobs.folded, 0);
	CU_ASSERT_EQUAL(s.knobs.hoist_input, 1);
	CU_ASSERT_STRING_EQUAL(s.target, "plasticine");
	CU_ASSERT_PTR_NOT_NULL(s.target_overrides);
	/* 4 gates x 100 x 130 weights at 16 bits; MACs scale with the batch */
	CU_ASSERT_EQUAL(ir_spec_weight_bytes(&s), 4 * 100 * 130 * 2);
	CU_ASSERT_EQUAL(ir_spec_macs_per_step(&s), 2 * 4 * 100 * 130);
	CU_ASSERT_DOUBLE_EQUAL(ir_spec_flop(&s), 2.0 * 2 * 4 * 100 * 130 * 5, 0.5);
	ir_ctx_free(&c);
}

/* print(parse(x)) re-parses to a spec that prints identically. */
static void
check_roundtrip(const char *name, const char *text, size_t len)
{
	Ctx c;
	CellSpec s, s2;
	char *p1, *p2;

	ir_ctx_init(&c);
	if (fe_parse_spec(&c, name, text, len, &s) != 0) {
		char *d = diags_text(&c);

		fprintf(stderr, "%s: %s", name, d);
		free(d);
		CU_FAIL("spec does not parse");
		ir_ctx_free(&c);
		return;
	}
	p1 = print_spec(&s);
	CU_ASSERT_EQUAL(fe_parse_spec(&c, name, p1, strlen(p1), &s2), 0);
	p2 = print_spec(&s2);
	CU_ASSERT_STRING_EQUAL(p1, p2);
	CU_ASSERT_EQUAL(s.hidden, s2.hidden);
	CU_ASSERT_EQUAL(s.input, s2.input);
	CU_ASSERT_EQUAL(s.act.lo, s2.act.lo);
	CU_ASSERT_EQUAL(s.act.hi, s2.act.hi);
	CU_ASSERT_EQUAL(s.knobs.combine, s2.knobs.combine);
	CU_ASSERT_EQUAL(s.knobs.candidate, s2.knobs.candidate);
	free(p1);
	free(p2);
	ir_ctx_free(&c);
}

static void
test_spec_roundtrip(void)
{
	static const char *const specs[] = {
		"cell: rnn\nhidden: 1\ntimesteps: 1\n",
		"cell: lstm\nhidden: 7\ninput: 3\ntimesteps: 2\nactivation: {range: [-0.1, 1e-3]}\n",
		"cell: gru\nhidden: 9\ntimesteps: 2\nprecision: {type: fp32}\nactivation: {impl: exact}\n",
		"cell: lstm\nhidden: 64\ntimesteps: 2\nschedule: {hu: 3, folded: true}\n"
		"target: {grid: {rows: 4, cols: 4}, description: \"a \\\"small\\\" one\"}\n",
		"cell: lstm\nhidden: 64\ntimesteps: 2\ntarget: plasticine\nname: \"x.y_z\"\n",
		"cell: gru\nhidden: 16\ntimesteps: 2\nschedule: {ru: 2, combine: chain}\n",
		"cell: rnn\nhidden: 16\ntimesteps: 2\nschedule: {combine: tree, weights: stream}\n",
		"cell: gru\nhidden: 16\ntimesteps: 2\nschedule: {rv: 8, candidate: merged}\n",
		"cell: gru\nhidden: 16\ntimesteps: 2\nschedule: {candidate: split}\n",
	};
	size_t i;

	for (i = 0; i < sizeof specs / sizeof specs[0]; i++)
		check_roundtrip("t.yaml", specs[i], strlen(specs[i]));
	for (i = 0; i < db_spec_count(); i++)
		check_roundtrip(db_spec(i)->path, (const char *)db_spec(i)->data, db_spec(i)->len);
}

/* schedule.epilogue: unset (the default schedule chooses) is not printed; packed is printed and
 * read back. */
static void
test_spec_epilogue(void)
{
	static const char *const text[2] = {
		"cell: lstm\nhidden: 8\ntimesteps: 1\n",
		"cell: lstm\nhidden: 8\ntimesteps: 1\nschedule: {epilogue: packed}\n",
	};
	int i;

	for (i = 0; i < 2; i++) {
		Ctx c;
		CellSpec s, s2;
		char *p;

		ir_ctx_init(&c);
		CU_ASSERT_EQUAL_FATAL(fe_parse_spec(&c, "t.yaml", text[i], strlen(text[i]), &s), 0);
		CU_ASSERT_EQUAL(s.knobs.epilogue, i ? EPILOGUE_PACKED : -1);
		p = print_spec(&s);
		CU_ASSERT_EQUAL(strstr(p, "epilogue: packed") != NULL, i);
		CU_ASSERT_PTR_NULL(strstr(p, "epilogue: serial"));
		CU_ASSERT_EQUAL(fe_parse_spec(&c, "t.yaml", p, strlen(p), &s2), 0);
		CU_ASSERT_EQUAL(s2.knobs.epilogue, s.knobs.epilogue);
		free(p);
		ir_ctx_free(&c);
	}
	check_roundtrip("t.yaml", text[1], strlen(text[1]));
	free(parse_bad("cell: lstm\nhidden: 8\ntimesteps: 1\nschedule: {epilogue: 1}\n"));
}

/* Several independent errors in one file are all reported, and nothing exits. */
static void
test_spec_collects_errors(void)
{
	Ctx c;
	CellSpec s;
	const char *text = "cell: lstn\nhidden: 0\ntimesteps: -1\nbatch: x\n";

	ir_ctx_init(&c);
	CU_ASSERT_NOT_EQUAL(fe_parse_spec(&c, "t.yaml", text, strlen(text), &s), 0);
	CU_ASSERT_EQUAL(c.nerrors, 4);
	CU_ASSERT_EQUAL(c.diags[0].loc.line, 1);
	CU_ASSERT_EQUAL(c.diags[1].loc.line, 2);
	CU_ASSERT_EQUAL(c.diags[2].loc.line, 3);
	CU_ASSERT_EQUAL(c.diags[3].loc.line, 4);
	CU_ASSERT_EQUAL(c.diags[3].loc.col, 8);
	ir_ctx_free(&c);
}

static void
test_spec_messages(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"cell: lstm\nhiden: 4\ntimesteps: 1\n", "did you mean 'hidden'?"},
		{"cell: lstm\nhidden: 4\n", "missing required key 'timesteps'"},
		{"cell: lstm\nhidden: 99999999999999999999999\ntimesteps: 1\n", "does not fit in 64"},
		{"cell: lstm\nhidden: 20000\ntimesteps: 1\n", "the limit is 16384"},
		{"cell: lstm\nhidden: 4\ntimesteps: 1\nschedule: {hu: 0}\n", "positive integer"},
		{"cell: lstm\nhidden: 4\ntimesteps: 1\nschedule: {hu: 8}\n", "exceeds hidden = 4"},
		{"cell: lstm\nhidden: 4\ntimesteps: 1\ntarget: plasticin\n", "did you mean 'plasticine'"},
		{"cell: lstm\nhidden: 4\ntimesteps: 1\ntarget: {pcu: {lanes: 12}}\n", "power of two"},
		{"cell: lstm\ncell: gru\n", "duplicate key 'cell'"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *d = parse_bad(cases[i].text);

		if (!strstr(d, cases[i].want))
			fprintf(stderr, "case %zu: want '%s' in:\n%s", i, cases[i].want, d);
		CU_ASSERT_PTR_NOT_NULL(strstr(d, cases[i].want));
		CU_ASSERT_PTR_NOT_NULL(strstr(d, "bad.yaml:"));
		free(d);
	}
}

/* ---- targets ----------------------------------------------------------------------------- */

/* The built-in target carries the figures of the Plasticine publications. */
static void
test_target_plasticine(void)
{
	Ctx c;
	Target t;

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(fe_builtin_target_load(&c, "plasticine", (Loc){0}, &t), 0);
	CU_ASSERT_STRING_EQUAL(t.name, "plasticine");
	CU_ASSERT_EQUAL(t.technology_nm, 28);
	CU_ASSERT_EQUAL(t.clock_mhz, 1000.0);
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 64);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 64);
	CU_ASSERT_EQUAL(t.pcu.lanes, 16);
	CU_ASSERT_EQUAL(t.pcu.stages, 6);
	CU_ASSERT_EQUAL(t.pcu.word_bits / t.pcu.pack_bits, 4);  /* four 8-bit values per lane */
	CU_ASSERT_EQUAL(ir_target_reduce_latency(&t), 5);       /* log2(16) + 1 */
	CU_ASSERT_EQUAL(ir_target_onchip_bytes(&t), 16 << 20);  /* 64 x 256 kB */
	CU_ASSERT_EQUAL(t.pmu.banks, 16);
	CU_ASSERT_EQUAL(t.net.vector_bits, t.pcu.lanes * t.pcu.word_bits);
	CU_ASSERT_EQUAL(t.pcu.area_mm2, 0.849);
	CU_ASSERT_EQUAL(t.pcu.power_mw, 224.0);
	CU_ASSERT_EQUAL(t.pmu.area_mm2, 0.532);
	CU_ASSERT_EQUAL(t.pmu.power_mw, 300.3);
	CU_ASSERT_EQUAL(t.net.vector_switch_area_mm2, 0.0667);
	CU_ASSERT_EQUAL(t.net.vector_hop_pj, 7.25);
	CU_ASSERT_EQUAL(t.net.scalar_switch_area_mm2, 0.0092);
	CU_ASSERT_EQUAL(t.net.scalar_hop_pj, 0.39);
	CU_ASSERT_EQUAL(c.nerrors, 0);
	ir_ctx_free(&c);
}

/* Every figure in the built-in files names its source. */
static void
test_target_sources(void)
{
	static const char *const names[] = {"plasticine", "plasticine-rnn"};
	size_t k;

	for (k = 0; k < sizeof names / sizeof *names; k++) {
		const Embedded *e = fe_find_builtin_target(names[k]);
		char *text, *line, *save = NULL;
		int numbers = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		text = strndup((const char *)e->data, e->len);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			const char *colon = strchr(line, ':');

			if (line[0] == '#' || !colon || !strpbrk(colon, "0123456789") ||
			    !strncmp(line, "description:", 12))
				continue;
			numbers++;
			if (!strstr(line, "[P17]") && !strstr(line, "[Z19]") && !strstr(line, "[assumed]"))
				fprintf(stderr, "%s: no source: %s\n", names[k], line);
			CU_ASSERT(strstr(line, "[P17]") || strstr(line, "[Z19]") ||
			          strstr(line, "[assumed]"));
		}
		CU_ASSERT(numbers >= 30);
		free(text);
	}
}

/* The paper's fabric: 24 x 24 with two PMUs per PCU, 84 kB PMUs, 4-stage PCUs. */
static void
test_target_plasticine_rnn(void)
{
	Ctx c;
	Target t, t2;
	char *p1, *p2;

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(fe_builtin_target_load(&c, "plasticine-rnn", (Loc){0}, &t), 0);
	CU_ASSERT_STRING_EQUAL(t.name, "plasticine-rnn");
	CU_ASSERT_EQUAL(t.layout, LAYOUT_PMU2);
	CU_ASSERT_STRING_EQUAL(ir_layout_name(t.layout), "pmu2");
	CU_ASSERT_EQUAL(t.rows, 24);
	CU_ASSERT_EQUAL(t.cols, 24);
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 192);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 384);
	CU_ASSERT_EQUAL(ir_target_onchip_bytes(&t), (int64_t)63 << 19);  /* 31.5 MiB */
	CU_ASSERT_EQUAL(t.pcu.lanes, 16);
	CU_ASSERT_EQUAL(t.pcu.stages, 4);
	CU_ASSERT_EQUAL(t.pcu.word_bits / t.pcu.pack_bits, 4);
	CU_ASSERT_EQUAL(t.pcu.folded_reduce, 1);
	CU_ASSERT_EQUAL(ir_target_reduce_latency(&t), 5);
	CU_ASSERT_EQUAL(t.pcu.ports.vector_in, 3);
	CU_ASSERT_EQUAL(t.pmu.capacity_kib, 84);
	CU_ASSERT_EQUAL(t.pmu.banks, 16);
	CU_ASSERT_EQUAL(t.pcu.area_mm2, 0.849);
	CU_ASSERT_EQUAL(t.pcu.power_mw, 224.0);
	CU_ASSERT_EQUAL(t.pmu.area_mm2, 0.532);
	CU_ASSERT_EQUAL(t.pmu.power_mw, 300.3);
	CU_ASSERT_EQUAL(t.die_area_mm2, 494.37);
	CU_ASSERT_EQUAL(t.tdp_w, 160.0);
	/* the printed form carries the layout and the optional keys, and reads back the same */
	p1 = print_target(&t);
	CU_ASSERT_PTR_NOT_NULL(strstr(p1, "  layout: pmu2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p1, "die_area_mm2: 494.37\ntdp_w: 160\n"));
	CU_ASSERT_EQUAL_FATAL(fe_parse_target(&c, "p.yaml", p1, strlen(p1), &t2), 0);
	p2 = print_target(&t2);
	CU_ASSERT_STRING_EQUAL(p1, p2);
	free(p1);
	free(p2);
	CU_ASSERT_EQUAL(c.nerrors, 0);
	ir_ctx_free(&c);
}

/* The site counts against a site-by-site loop over the layouts' definitions, on grids whose
 * sides are and are not multiples of the period; on pmu2 a PCU's neighbours are all PMUs. */
static void
test_target_layouts(void)
{
	static const int sizes[][2] = {{24, 24}, {5, 7}, {7, 5}, {1, 2}, {2, 1}, {3, 3}, {16, 8},
	                               {13, 11}, {1, 1024}, {31, 2}, {2, 2}, {4, 5}};
	Target t;
	size_t i;
	int l;

	memset(&t, 0, sizeof t);
	for (l = 0; l < NLAYOUT; l++) {
		int period = l == LAYOUT_CHECKERBOARD ? 2 : 3;

		t.layout = (Layout)l;
		for (i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			int r, cc, pcus = 0, bad = 0;

			t.rows = sizes[i][0];
			t.cols = sizes[i][1];
			for (r = 0; r < t.rows; r++) {
				for (cc = 0; cc < t.cols; cc++) {
					int pcu = (r + cc) % period == 0;

					pcus += pcu;
					bad += ir_target_site_pcu(&t, r, cc) != pcu;
					if (pcu && l == LAYOUT_PMU2)
						bad += (r > 0 && ir_target_site_pcu(&t, r - 1, cc)) +
						       (r + 1 < t.rows && ir_target_site_pcu(&t, r + 1, cc)) +
						       (cc > 0 && ir_target_site_pcu(&t, r, cc - 1)) +
						       (cc + 1 < t.cols && ir_target_site_pcu(&t, r, cc + 1));
				}
			}
			if (ir_target_pcus(&t) != pcus || bad)
				fprintf(stderr, "%s %dx%d: %d PCUs, want %d; %d bad sites\n",
				        ir_layout_name(t.layout), t.rows, t.cols, ir_target_pcus(&t), pcus, bad);
			CU_ASSERT_EQUAL(ir_target_pcus(&t), pcus);
			CU_ASSERT_EQUAL(ir_target_pmus(&t), t.rows * t.cols - pcus);
			CU_ASSERT_EQUAL(bad, 0);
		}
	}
	t.layout = LAYOUT_PMU2;
	t.rows = 24, t.cols = 24;
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 192);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 384);
	t.rows = 5, t.cols = 7;   /* sums 0..10: 0 (1 site), 3 (4), 6 (5), 9 (2) */
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 12);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 23);
	t.layout = LAYOUT_CHECKERBOARD;
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 18);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 17);
}

/* The die area and TDP are optional, and describe the published chip only: a file or a spec
 * that changes the chip without restating them drops them. */
static void
test_target_chip_figures(void)
{
	static const struct {
		const char *text;
		double die, tdp;
	} files[] = {
		{"base: plasticine\n", 113, 49},
		{"base: plasticine\nname: renamed\ndescription: \"same chip\"\n", 113, 49},
		{"base: plasticine\ngrid: {rows: 32}\n", 0, 0},
		{"base: plasticine-rnn\nclock_mhz: 800\n", 0, 0},
		{"base: plasticine-rnn\nclock_mhz: 800\ntdp_w: 128\n", 0, 128},
		{"base: plasticine\ndie_area_mm2: 0\n", 0, 49},
	};
	Ctx c;
	CellSpec s;
	Target t;
	size_t i;
	char *p;
	const char *spec = "cell: lstm\nhidden: 8\ntimesteps: 1\ntarget: {pmu: {banks: 8}}\n";

	ir_ctx_init(&c);
	for (i = 0; i < sizeof files / sizeof *files; i++) {
		CU_ASSERT_EQUAL_FATAL(fe_parse_target(&c, "f.yaml", files[i].text,
		                                      strlen(files[i].text), &t), 0);
		if (t.die_area_mm2 != files[i].die || t.tdp_w != files[i].tdp)
			fprintf(stderr, "file %zu: die %g, TDP %g\n", i, t.die_area_mm2, t.tdp_w);
		CU_ASSERT_EQUAL(t.die_area_mm2, files[i].die);
		CU_ASSERT_EQUAL(t.tdp_w, files[i].tdp);
	}
	/* not given: not printed */
	p = print_target(&t);
	CU_ASSERT_PTR_NULL(strstr(p, "die_area_mm2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "tdp_w: 49\n"));
	free(p);
	CU_ASSERT_EQUAL_FATAL(parse_ok(&c, spec, &s), 0);
	CU_ASSERT_EQUAL_FATAL(fe_resolve_target(&c, &s, NULL, "plasticine-rnn", &t), 0);
	CU_ASSERT_EQUAL(t.pmu.banks, 8);
	CU_ASSERT_EQUAL(t.die_area_mm2, 0);
	CU_ASSERT_EQUAL(t.tdp_w, 0);
	CU_ASSERT_EQUAL(c.nerrors, 0);
	ir_ctx_free(&c);
}

static void
test_target_roundtrip(void)
{
	Ctx c;
	Target t, t2;
	char *p1, *p2;

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(fe_builtin_target_load(&c, "plasticine", (Loc){0}, &t), 0);
	p1 = print_target(&t);
	CU_ASSERT_EQUAL_FATAL(fe_parse_target(&c, "p.yaml", p1, strlen(p1), &t2), 0);
	p2 = print_target(&t2);
	CU_ASSERT_STRING_EQUAL(p1, p2);
	CU_ASSERT_EQUAL(t2.pmu.power_mw, 300.3);
	free(p1);
	free(p2);
	ir_ctx_free(&c);
}

static void
test_target_base(void)
{
	Ctx c;
	Target t, p;
	const char *text = "base: plasticine\nname: big\ngrid: {rows: 32, cols: 16}\n"
	                   "pmu: {capacity_kib: 512}\n";

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(fe_parse_target(&c, "big.yaml", text, strlen(text), &t), 0);
	CU_ASSERT_EQUAL_FATAL(fe_builtin_target_load(&c, "plasticine", (Loc){0}, &p), 0);
	CU_ASSERT_STRING_EQUAL(t.name, "big");
	CU_ASSERT_EQUAL(ir_target_pcus(&t), 256);
	CU_ASSERT_EQUAL(ir_target_onchip_bytes(&t), (int64_t)256 * 512 * 1024);
	CU_ASSERT_EQUAL(t.pcu.lanes, p.pcu.lanes);
	CU_ASSERT_EQUAL(t.pmu.area_mm2, p.pmu.area_mm2);
	CU_ASSERT_EQUAL(t.clock_mhz, p.clock_mhz);
	ir_ctx_free(&c);
}

static void
test_target_missing_key(void)
{
	Ctx c;
	Target t;
	const char *text = "name: x\nclock_mhz: 100\ngrid: {rows: 2}\n";
	char *d;

	ir_ctx_init(&c);
	CU_ASSERT_NOT_EQUAL(fe_parse_target(&c, "x.yaml", text, strlen(text), &t), 0);
	d = diags_text(&c);
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "in the target: 'technology_nm', section 'pcu', "));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "in section 'grid': 'grid.cols' and 'grid.layout'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d, "note: a file that starts with 'base: plasticine'"));
	free(d);
	ir_ctx_free(&c);
}

/* A spec's target mapping changes only the keys it names; --target wins over the spec. */
static void
test_target_resolve(void)
{
	Ctx c;
	CellSpec s;
	Target t;
	const char *text = "cell: lstm\nhidden: 8\ntimesteps: 1\n"
	                   "target: {grid: {cols: 16}, clock_mhz: 500}\n";

	ir_ctx_init(&c);
	CU_ASSERT_EQUAL_FATAL(parse_ok(&c, text, &s), 0);
	CU_ASSERT_EQUAL_FATAL(fe_resolve_target(&c, &s, NULL, NULL, &t), 0);
	CU_ASSERT_EQUAL(t.rows, 16);
	CU_ASSERT_EQUAL(t.cols, 16);
	CU_ASSERT_EQUAL(t.clock_mhz, 500.0);
	CU_ASSERT_EQUAL(ir_target_pmus(&t), 128);
	CU_ASSERT_NOT_EQUAL(fe_resolve_target(&c, &s, NULL, "nosuch", &t), 0);
	ir_ctx_free(&c);
}

/* ---- DeepBench --------------------------------------------------------------------------- */

/* baidu-research/DeepBench code/kernels/rnn_problems.h: hidden, batch, timesteps, cell */
static const struct {
	int hidden, batch, timesteps;
	const char *cell;
} server_set[] = {
	{512, 1, 25, "lstm"}, {512, 2, 25, "lstm"}, {512, 4, 25, "lstm"},
	{1024, 1, 25, "lstm"}, {1024, 2, 25, "lstm"}, {1024, 4, 25, "lstm"},
	{2048, 1, 25, "lstm"}, {2048, 2, 25, "lstm"}, {2048, 4, 25, "lstm"},
	{1536, 1, 50, "lstm"}, {1536, 2, 50, "lstm"}, {1536, 4, 50, "lstm"},
	{256, 1, 150, "lstm"}, {256, 2, 150, "lstm"}, {256, 4, 150, "lstm"},
	{2816, 1, 1500, "gru"}, {2816, 1, 750, "gru"}, {2816, 1, 375, "gru"}, {2816, 1, 187, "gru"},
	{2816, 2, 1500, "gru"}, {2816, 2, 750, "gru"}, {2816, 2, 375, "gru"}, {2816, 2, 187, "gru"},
	{2816, 4, 1500, "gru"}, {2816, 4, 750, "gru"}, {2816, 4, 375, "gru"}, {2816, 4, 187, "gru"},
	{2048, 1, 1500, "gru"}, {2048, 1, 750, "gru"}, {2048, 1, 375, "gru"}, {2048, 1, 187, "gru"},
	{2048, 2, 1500, "gru"}, {2048, 2, 750, "gru"}, {2048, 2, 375, "gru"}, {2048, 2, 187, "gru"},
	{2048, 4, 1500, "gru"}, {2048, 4, 750, "gru"}, {2048, 4, 375, "gru"}, {2048, 4, 187, "gru"},
	{1536, 1, 1500, "gru"}, {1536, 1, 750, "gru"}, {1536, 1, 375, "gru"}, {1536, 1, 187, "gru"},
	{1536, 2, 1500, "gru"}, {1536, 2, 750, "gru"}, {1536, 2, 375, "gru"}, {1536, 2, 187, "gru"},
	{1536, 4, 1500, "gru"}, {1536, 4, 750, "gru"}, {1536, 4, 375, "gru"}, {1536, 4, 187, "gru"},
	{2560, 1, 1500, "gru"}, {2560, 1, 750, "gru"}, {2560, 1, 375, "gru"}, {2560, 1, 187, "gru"},
	{2560, 2, 1500, "gru"}, {2560, 2, 750, "gru"}, {2560, 2, 375, "gru"}, {2560, 2, 187, "gru"},
	{2560, 4, 1500, "gru"}, {2560, 4, 750, "gru"}, {2560, 4, 375, "gru"}, {2560, 4, 187, "gru"},
	{512, 1, 1, "gru"}, {512, 2, 1, "gru"}, {512, 4, 1, "gru"},
	{1024, 1, 1500, "gru"}, {1024, 2, 1500, "gru"}, {1024, 4, 1500, "gru"},
}, device_set[] = {
	{32, 1, 672, "vanilla"}, {64, 1, 96, "vanilla"}, {256, 1, 150, "lstm"},
};

static int
find_problem(const char *set, int hidden, int batch, int timesteps, const char *cell)
{
	const char *want = strcmp(cell, "vanilla") ? cell : "rnn";
	size_t i;
	int found = 0;

	for (i = 0; i < db_spec_count(); i++) {
		Ctx c;
		CellSpec s;
		const Embedded *e = db_spec(i);

		if (strcmp(db_spec_set(e), set))
			continue;
		ir_ctx_init(&c);
		if (fe_parse_spec(&c, e->path, (const char *)e->data, e->len, &s) == 0 &&
		    s.hidden == hidden && s.batch == batch && s.timesteps == timesteps &&
		    !strcmp(ir_cell_name(s.cell), want) && s.input == hidden)
			found++;
		ir_ctx_free(&c);
	}
	return found;
}

static void
test_deepbench_suite(void)
{
	size_t i;

	CU_ASSERT_EQUAL(db_spec_count(), sizeof server_set / sizeof server_set[0] +
	                                 sizeof device_set / sizeof device_set[0]);
	for (i = 0; i < sizeof server_set / sizeof server_set[0]; i++)
		CU_ASSERT_EQUAL(find_problem("server", server_set[i].hidden, server_set[i].batch,
		                             server_set[i].timesteps, server_set[i].cell), 1);
	for (i = 0; i < sizeof device_set / sizeof device_set[0]; i++)
		CU_ASSERT_EQUAL(find_problem("device", device_set[i].hidden, device_set[i].batch,
		                             device_set[i].timesteps, device_set[i].cell), 1);
}

static void
test_deepbench_names(void)
{
	Ctx c;
	size_t i;

	ir_ctx_init(&c);
	CU_ASSERT_PTR_NOT_NULL(db_find_spec("lstm-1024-t25"));
	CU_ASSERT_PTR_NOT_NULL(db_find_spec("gru-512-t1-b4"));
	CU_ASSERT_PTR_NOT_NULL(db_find_spec("device/rnn-32-t672"));
	CU_ASSERT_PTR_NULL(db_find_spec("server/rnn-32-t672"));
	CU_ASSERT_STRING_EQUAL(db_spec_set(db_find_spec("lstm-256-t150")), "server");
	CU_ASSERT_STRING_EQUAL(db_spec_set(db_find_spec("device/lstm-256-t150")), "device");
	CU_ASSERT_PTR_NULL(db_find_spec("lstm-1024"));
	CU_ASSERT_STRING_EQUAL(db_suggest(&c, "lstm-1024-t52"), "lstm-1024-t25");
	/* each file's name: field equals its file name, so outputs are named after the problem */
	for (i = 0; i < db_spec_count(); i++) {
		CellSpec s;
		const Embedded *e = db_spec(i);

		CU_ASSERT_EQUAL_FATAL(fe_parse_spec(&c, e->path, (const char *)e->data, e->len, &s), 0);
		CU_ASSERT_STRING_EQUAL(s.name, db_spec_name(&c, e));
	}
	ir_ctx_free(&c);
}

/* Weight sizes at 8 bits, as tabulated from the problem sizes (MiB, to the digits given). */
static void
test_deepbench_weights(void)
{
	static const struct {
		const char *name;
		double mib;
	} w[] = {
		{"lstm-256-t150", 0.5}, {"lstm-512-t25", 2}, {"lstm-1024-t25", 8},
		{"lstm-1536-t50", 18}, {"lstm-2048-t25", 32}, {"gru-512-t1", 1.5},
		{"gru-1024-t1500", 6}, {"gru-1536-t187", 13.5}, {"gru-2048-t187", 24},
		{"gru-2560-t187", 37.5}, {"gru-2816-t187", 45.4},
	};
	size_t i;

	for (i = 0; i < sizeof w / sizeof w[0]; i++) {
		Ctx c;
		CellSpec s;
		const Embedded *e = db_find_spec(w[i].name);

		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		ir_ctx_init(&c);
		CU_ASSERT_EQUAL_FATAL(fe_parse_spec(&c, e->path, (const char *)e->data, e->len, &s), 0);
		CU_ASSERT_DOUBLE_EQUAL((double)ir_spec_weight_bytes(&s) / (1 << 20), w[i].mib, 0.05);
		ir_ctx_free(&c);
	}
}

static CU_TestInfo base_tests[] = {
	{"arena", test_arena},
	{"edit_distance", test_edit_distance},
	{"diag_format", test_diag_format},
	{"diag_limit", test_diag_limit},
	{"utf8", test_utf8},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo yaml_tests[] = {
	{"tree", test_yaml_tree},
	{"depth", test_yaml_depth},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo spec_tests[] = {
	{"defaults", test_spec_defaults},
	{"full", test_spec_full},
	{"roundtrip", test_spec_roundtrip},
	{"epilogue", test_spec_epilogue},
	{"collects_errors", test_spec_collects_errors},
	{"messages", test_spec_messages},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo target_tests[] = {
	{"plasticine", test_target_plasticine},
	{"sources", test_target_sources},
	{"plasticine-rnn", test_target_plasticine_rnn},
	{"layouts", test_target_layouts},
	{"chip figures", test_target_chip_figures},
	{"roundtrip", test_target_roundtrip},
	{"base", test_target_base},
	{"missing_key", test_target_missing_key},
	{"resolve", test_target_resolve},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo deepbench_tests[] = {
	{"suite", test_deepbench_suite},
	{"names", test_deepbench_names},
	{"weights", test_deepbench_weights},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo test_suites[] = {
	{.pName = "base", .pTests = base_tests},
	{.pName = "yaml", .pTests = yaml_tests},
	{.pName = "spec", .pTests = spec_tests},
	{.pName = "target", .pTests = target_tests},
	{.pName = "deepbench", .pTests = deepbench_tests},
	CU_SUITE_INFO_NULL,
};
