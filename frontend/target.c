/* Target descriptions: the keys (docs/target.md), the built-in targets, `base:` inheritance, the
 * checks between keys, and how a spec picks its target. */
#include <stddef.h>
#include <string.h>

#include "schema.h"

extern const Embedded fe_targets[];
extern const size_t fe_targets_count;

#define O(m) offsetof(Target, m)
#define INT(k, m, l, h, doc) {.key = k, .kind = FK_INT, .off = O(m), .lo = l, .hi = h, \
                              .flags = F_REQUIRED, .help = doc}
#define NUM(k, m, l, h, doc) {.key = k, .kind = FK_NUM, .off = O(m), .flo = l, .fhi = h, \
                              .flags = F_REQUIRED, .help = doc}
#define PORTS(u) \
	INT("vector_inputs", u.ports.vector_in, 0, 64, "vector input ports"), \
	INT("vector_outputs", u.ports.vector_out, 0, 64, "vector output ports"), \
	INT("scalar_inputs", u.ports.scalar_in, 0, 64, "scalar input ports"), \
	INT("scalar_outputs", u.ports.scalar_out, 0, 64, "scalar output ports")

static const Field grid_fields[] = {
	INT("rows", rows, 1, 1024, "rows of units"),
	INT("cols", cols, 1, 1024, "columns of units"),
	{.key = "layout", .kind = FK_ENUM, .off = O(layout), .names = ir_layout_names,
	 .flags = F_REQUIRED, .help = "how PCUs and PMUs alternate"},
	{0},
};

static const Field pcu_fields[] = {
	INT("lanes", pcu.lanes, 1, 1024, "SIMD lanes"),
	INT("word_bits", pcu.word_bits, 8, 64, "lane width"),
	INT("stages", pcu.stages, 1, 64, "pipeline stages"),
	INT("pack_bits", pcu.pack_bits, 1, 64, "narrowest element packed into a lane"),
	{.key = "folded_reduce", .kind = FK_BOOL, .off = O(pcu.folded_reduce), .flags = F_REQUIRED,
	 .help = "has the folded reduce-accumulate stage"},
	PORTS(pcu),
	NUM("area_mm2", pcu.area_mm2, 0, 1e4, "area of one PCU"),
	NUM("power_mw", pcu.power_mw, 0, 1e6, "power of one active PCU"),
	{0},
};

static const Field pmu_fields[] = {
	INT("capacity_kib", pmu.capacity_kib, 1, 1 << 20, "scratchpad capacity"),
	INT("banks", pmu.banks, 1, 1024, "scratchpad banks"),
	INT("word_bits", pmu.word_bits, 8, 64, "bank word width"),
	PORTS(pmu),
	NUM("area_mm2", pmu.area_mm2, 0, 1e4, "area of one PMU"),
	NUM("power_mw", pmu.power_mw, 0, 1e6, "power of one active PMU"),
	{0},
};

static const Field net_fields[] = {
	INT("vector_bits", net.vector_bits, 1, 1 << 16, "vector link width"),
	INT("scalar_bits", net.scalar_bits, 1, 1024, "scalar link width"),
	INT("hop_cycles", net.hop_cycles, 0, 1024, "latency of one switch hop"),
	NUM("vector_switch_area_mm2", net.vector_switch_area_mm2, 0, 1e4, "vector switch area"),
	NUM("vector_hop_pj", net.vector_hop_pj, 0, 1e6, "energy per vector flit-hop"),
	NUM("scalar_switch_area_mm2", net.scalar_switch_area_mm2, 0, 1e4, "scalar switch area"),
	NUM("scalar_hop_pj", net.scalar_hop_pj, 0, 1e6, "energy per scalar hop"),
	{0},
};

static const Field dram_fields[] = {
	NUM("bandwidth_gbs", dram.bandwidth_gbs, 1e-3, 1e6, "off-chip bandwidth, GB/s"),
	INT("latency_cycles", dram.latency_cycles, 0, 1 << 20, "off-chip access latency"),
	{0},
};

static const Field target_fields[] = {
	{.key = "base", .kind = FK_NAME, .flags = F_EXTERNAL,
	 .help = "a built-in target to start from"},
	{.key = "name", .kind = FK_NAME, .off = O(name), .flags = F_REQUIRED,
	 .help = "target name"},
	{.key = "description", .kind = FK_STR, .off = O(description), .help = "one line"},
	INT("technology_nm", technology_nm, 1, 1000, "process node"),
	NUM("clock_mhz", clock_mhz, 1, 1e5, "clock frequency"),
	{.key = "die_area_mm2", .kind = FK_NUM, .off = O(die_area_mm2), .flo = 0, .fhi = 1e5,
	 .flags = F_UNSET0, .help = "die area of the published chip (reports only)"},
	{.key = "tdp_w", .kind = FK_NUM, .off = O(tdp_w), .flo = 0, .fhi = 1e5, .flags = F_UNSET0,
	 .help = "thermal design power of the published chip (reports only)"},
	{.key = "grid", .kind = FK_SECTION, .sub = grid_fields},
	{.key = "pcu", .kind = FK_SECTION, .sub = pcu_fields},
	{.key = "pmu", .kind = FK_SECTION, .sub = pmu_fields},
	{.key = "network", .kind = FK_SECTION, .sub = net_fields},
	{.key = "dram", .kind = FK_SECTION, .sub = dram_fields},
	{0},
};

/* die_area_mm2 and tdp_w describe the chip as published. A file with `base:` or a spec's
 * `target:` mapping that changes anything else about the chip drops them unless it restates
 * them, so that no report shows a die area or TDP for a fabric nobody measured. */
static void
drop_chip_figures(const YNode *doc, Target *t)
{
	static const char *const keep[] = {"base", "name", "description", "die_area_mm2", "tdp_w"};
	int i, changes = 0;
	size_t k;

	for (i = 0; i < doc->n && !changes; i++) {
		for (k = 0; k < sizeof keep / sizeof *keep; k++) {
			if (!strcmp(doc->keys[i]->str, keep[k]))
				break;
		}
		changes = k == sizeof keep / sizeof *keep;
	}
	if (!changes)
		return;
	if (!fe_map_get(doc, "die_area_mm2"))
		t->die_area_mm2 = 0;
	if (!fe_map_get(doc, "tdp_w"))
		t->tdp_w = 0;
}

size_t
fe_builtin_target_count(void)
{
	return fe_targets_count;
}

const Embedded *
fe_builtin_target(size_t i)
{
	IR_ASSERT(i < fe_targets_count);
	return &fe_targets[i];
}

/* frontend/targets/NAME.yaml */
static int
is_target_named(const Embedded *e, const char *name)
{
	const char *base = strrchr(e->path, '/');
	size_t len = strlen(name);

	base = base ? base + 1 : e->path;
	return !strncmp(base, name, len) && !strcmp(base + len, ".yaml");
}

const Embedded *
fe_find_builtin_target(const char *name)
{
	size_t i;

	for (i = 0; i < fe_targets_count; i++) {
		if (is_target_named(&fe_targets[i], name))
			return &fe_targets[i];
	}
	return NULL;
}

static int load_builtin(Ctx *c, const char *name, Loc loc, Target *out, int depth);

static int
power_of_two(int x)
{
	return x > 0 && !(x & (x - 1));
}

int
fe_check_target(Ctx *c, const YNode *doc, const Target *t, const char *prefix)
{
	int before = c->nerrors;
	const char *p = prefix;

	if (ir_target_pcus(t) < 1 || ir_target_pmus(t) < 1)
		ir_error(c, fe_loc_of(doc, "grid"),
		         "a %dx%d grid has no room for both a PCU and a PMU", t->rows, t->cols);
	if (!power_of_two(t->pcu.lanes))
		ir_error(c, fe_loc_of(doc, "pcu.lanes"),
		         "'%spcu.lanes' = %d must be a power of two (the cross-lane reduction is a tree)",
		         p, t->pcu.lanes);
	if (t->pcu.word_bits % t->pcu.pack_bits)
		ir_error(c, fe_loc_of(doc, "pcu.pack_bits"),
		         "'%spcu.pack_bits' = %d must divide '%spcu.word_bits' = %d", p,
		         t->pcu.pack_bits, p, t->pcu.word_bits);
	if (t->pcu.stages < 2)
		ir_error(c, fe_loc_of(doc, "pcu.stages"),
		         "'%spcu.stages' = %d is too few: a PCU needs a multiply and a reduce stage",
		         p, t->pcu.stages);
	if (t->pmu.banks > t->pmu.capacity_kib * 1024 / (t->pmu.word_bits / 8))
		ir_error(c, fe_loc_of(doc, "pmu.banks"),
		         "'%spmu.banks' = %d is more than the PMU has words", p, t->pmu.banks);
	if (t->pmu.word_bits % 8)
		ir_error(c, fe_loc_of(doc, "pmu.word_bits"),
		         "'%spmu.word_bits' = %d must be a whole number of bytes", p,
		         t->pmu.word_bits);
	if ((int64_t)t->rows * t->cols > 1 << 16)
		ir_error(c, fe_loc_of(doc, "grid"), "a %dx%d grid has more than %d units", t->rows,
		         t->cols, 1 << 16);
	return c->nerrors > before ? -1 : 0;
}

static int
decode_target(Ctx *c, const YNode *doc, Target *out, int depth)
{
	int before = c->nerrors;
	const YNode *base = fe_map_get(doc, "base");

	if (doc->kind != YN_MAP) {
		ir_error(c, doc->loc, "a target description must be a mapping of keys to values, "
		         "not a %s", fe_kind_name(doc));
		return -1;
	}
	if (base) {
		if (base->kind != YN_SCALAR) {
			ir_error(c, base->loc, "'base' must be the name of a built-in target");
			return -1;
		}
		if (load_builtin(c, base->str, base->loc, out, depth + 1) < 0)
			return -1;
		if (fe_decode(c, doc, target_fields, out, "", "the target", DECODE_PARTIAL) > 0)
			return -1;
		drop_chip_figures(doc, out);
	} else {
		memset(out, 0, sizeof *out);
		if (fe_decode(c, doc, target_fields, out, "", "the target", DECODE_FULL) > 0) {
			if (!fe_map_get(doc, "base"))
				ir_note(c, doc->loc, "a file that starts with 'base: plasticine' inherits "
				        "every key it does not set");
			return -1;
		}
	}
	fe_check_target(c, doc, out, "");
	return c->nerrors > before ? -1 : 0;
}

int
fe_decode_target(Ctx *c, const YNode *doc, Target *out)
{
	return decode_target(c, doc, out, 0);
}

static int
parse_target(Ctx *c, const SrcFile *f, Target *out, int depth)
{
	const YNode *doc;

	if (!f || !(doc = fe_parse_yaml(c, f)))
		return -1;
	return decode_target(c, doc, out, depth);
}

int
fe_parse_target(Ctx *c, const char *name, const char *text, size_t len, Target *out)
{
	return parse_target(c, fe_add_text(c, name, text, len), out, 0);
}

int
fe_load_target(Ctx *c, const char *path, Target *out)
{
	return parse_target(c, fe_read_file(c, path), out, 0);
}

static const char *
builtin_names(Ctx *c)
{
	const char *s = "";
	size_t i;

	for (i = 0; i < fe_targets_count; i++) {
		const char *base = strrchr(fe_targets[i].path, '/');
		const char *dot = strrchr(fe_targets[i].path, '.');

		base = base ? base + 1 : fe_targets[i].path;
		s = ir_sprintf(&c->arena, "%s%s%.*s", s, i ? ", " : "", (int)(dot - base), base);
	}
	return s;
}

static int
load_builtin(Ctx *c, const char *name, Loc loc, Target *out, int depth)
{
	const Embedded *e = fe_find_builtin_target(name);
	const char *near = NULL;
	int bestd = 3;
	size_t i;

	if (depth > 4) {
		ir_error(c, loc, "'base' targets nest too deeply");
		return -1;
	}
	if (!e) {
		for (i = 0; i < fe_targets_count; i++) {
			const char *base = strrchr(fe_targets[i].path, '/') + 1;
			char *cand = ir_strndup(&c->arena, base, strlen(base) - 5);
			int d = ir_edit_distance(name, cand, 3);

			if (d < bestd)
				bestd = d, near = cand;
		}
		if (near)
			ir_error(c, loc, "unknown target '%s'; did you mean '%s'?", name, near);
		else
			ir_error(c, loc, "unknown target '%s'; the built-in targets are %s (or give a "
			         "file with --arch)", name, builtin_names(c));
		return -1;
	}
	return parse_target(c, fe_add_text(c, e->path, (const char *)e->data, e->len), out, depth);
}

int
fe_builtin_target_load(Ctx *c, const char *name, Loc loc, Target *out)
{
	return load_builtin(c, name, loc, out, 0);
}

int
fe_apply_target_overrides(Ctx *c, const YNode *map, Target *t)
{
	int before = c->nerrors;

	if (fe_decode(c, map, target_fields, t, "target", "the spec's 'target'", DECODE_PARTIAL) > 0)
		return -1;
	drop_chip_figures(map, t);
	fe_check_target(c, map, t, "target.");
	return c->nerrors > before ? -1 : 0;
}

int
fe_resolve_target(Ctx *c, const CellSpec *s, const char *arch_path, const char *target_name,
                  Target *out)
{
	Loc at = {0};
	const char *name = "plasticine";

	if (arch_path) {
		if (fe_load_target(c, arch_path, out) < 0)
			return -1;
	} else {
		if (target_name) {
			name = target_name;
		} else if (s && s->target) {
			name = s->target;
			at = s->target_loc;
		}
		if (fe_builtin_target_load(c, name, at, out) < 0)
			return -1;
	}
	if (s && s->target_overrides)
		return fe_apply_target_overrides(c, s->target_overrides, out);
	return 0;
}

void
fe_print_target(const Target *t, FILE *out)
{
	fe_emit(out, target_fields, t, 0);
}
