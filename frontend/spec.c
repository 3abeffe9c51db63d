/* Specs: the keys, their defaults and limits, the checks between keys, and the normalized
 * printer. docs/spec.md is the user's documentation of the same table. */
#include <stddef.h>
#include <string.h>

#include "schema.h"

static const char *const cell_names[] = {"lstm", "gru", "rnn", NULL};
static const char *const prec_names[] = {"fixed", "fp32", NULL};
static const char *const act_names[] = {"lut", "exact", NULL};
static const char *const weights_names[] = {"onchip", "stream", NULL};
static const char *const combine_names[] = {"tree", "chain", NULL};
static const char *const epilogue_names[] = {"serial", "packed", NULL};
static const char *const candidate_names[] = {"split", "merged", NULL};
static const int word_choices[] = {8, 16, 32, 0};
static const int accum_choices[] = {16, 32, 64, 0};

#define O(m) offsetof(CellSpec, m)
#define INT(k, m, l, h, fl, doc) {.key = k, .kind = FK_INT, .off = O(m), .lo = l, .hi = h, \
                                  .flags = fl, .help = doc}

static const Field precision_fields[] = {
	{.key = "type", .kind = FK_ENUM, .off = O(prec.kind), .names = prec_names,
	 .help = "fixed (the hardware path) or fp32 (the reference)"},
	{.key = "weight_bits", .kind = FK_CHOICE, .off = O(prec.weight.bits),
	 .choices = word_choices, .help = "width of W and U"},
	INT("weight_frac", prec.weight.frac, 0, 63, 0, "fraction bits of W and U"),
	{.key = "act_bits", .kind = FK_CHOICE, .off = O(prec.act.bits), .choices = word_choices,
	 .help = "width of x_t and h_t"},
	INT("act_frac", prec.act.frac, 0, 63, 0, "fraction bits of x_t and h_t"),
	{.key = "cell_bits", .kind = FK_CHOICE, .off = O(prec.cell.bits),
	 .choices = word_choices, .help = "width of the LSTM cell state c_t"},
	INT("cell_frac", prec.cell.frac, 0, 63, 0, "fraction bits of c_t"),
	{.key = "accum_bits", .kind = FK_CHOICE, .off = O(prec.accum_bits),
	 .choices = accum_choices, .help = "width of the dot-product accumulator"},
	{0},
};

static const Field activation_fields[] = {
	{.key = "impl", .kind = FK_ENUM, .off = O(act.impl), .names = act_names,
	 .help = "lut (lookup tables, as the hardware) or exact (libm)"},
	INT("entries", act.entries, 2, 65536, 0, "LUT entries, a power of two"),
	{.key = "range", .kind = FK_RANGE, .off = O(act.lo), .flo = -1024, .fhi = 1024,
	 .help = "LUT input range [low, high); inputs outside saturate"},
	{0},
};

static const Field schedule_fields[] = {
	INT("hu", knobs.hu, 1, SPEC_MAX_KNOB, 0, "hidden units computed in parallel"),
	INT("ru", knobs.ru, 1, SPEC_MAX_KNOB, 0, "reduction tiles in parallel"),
	INT("rv", knobs.rv, 1, SPEC_MAX_KNOB, 0, "vector width of a reduction tile"),
	INT("hv", knobs.hv, 1, SPEC_MAX_KNOB, 0, "lanes across hidden units"),
	{.key = "folded", .kind = FK_BOOL, .off = O(knobs.folded),
	 .help = "use the folded reduce-accumulate stage"},
	{.key = "hoist_input", .kind = FK_BOOL, .off = O(knobs.hoist_input),
	 .help = "compute W.x_t for all steps ahead of the recurrence"},
	{.key = "weights", .kind = FK_ENUM, .off = O(knobs.weights), .names = weights_names,
	 .flags = F_DEFAULT0,
	 .help = "onchip (in PMUs; a larger fabric when they do not fit) or stream (from DRAM "
	         "every step)"},
	{.key = "combine", .kind = FK_ENUM, .off = O(knobs.combine), .names = combine_names,
	 .help = "tree (combine PCUs add the ru partial sums) or chain (each tile's dot product "
	         "adds the previous tile's sum)"},
	{.key = "epilogue", .kind = FK_ENUM, .off = O(knobs.epilogue), .names = epilogue_names,
	 .help = "serial (one op per stage) or packed (the ops of a dependence level share a "
	         "stage)"},
	{.key = "candidate", .kind = FK_ENUM, .off = O(knobs.candidate), .names = candidate_names,
	 .help = "GRU: split (the candidate gate's x and h halves in two dot products) or merged "
	         "(one dot product with two accumulators)"},
	{0},
};

static const Field spec_fields[] = {
	{.key = "name", .kind = FK_NAME, .off = O(name), .help = "design name (default: file name)"},
	{.key = "cell", .kind = FK_ENUM, .off = O(cell), .names = cell_names, .flags = F_REQUIRED,
	 .help = "lstm, gru or rnn"},
	INT("hidden", hidden, 1, SPEC_MAX_HIDDEN, F_REQUIRED, "hidden units H"),
	INT("input", input, 1, SPEC_MAX_INPUT, 0, "input size D (default: hidden)"),
	INT("timesteps", timesteps, 1, SPEC_MAX_TIMESTEPS, F_REQUIRED, "sequence length T"),
	INT("batch", batch, 1, SPEC_MAX_BATCH, 0, "batch size B (default 1)"),
	{.key = "precision", .kind = FK_SECTION, .sub = precision_fields},
	{.key = "activation", .kind = FK_SECTION, .sub = activation_fields},
	{.key = "schedule", .kind = FK_SECTION, .sub = schedule_fields},
	{.key = "target", .kind = FK_STR, .flags = F_EXTERNAL,
	 .help = "a target name, or a mapping of target keys that override it"},
	{0},
};

static void
set_defaults(CellSpec *s)
{
	memset(s, 0, sizeof *s);
	s->batch = 1;
	s->prec.kind = PREC_FIXED;
	s->prec.weight = (FixedFmt){8, 7};
	s->prec.act = (FixedFmt){8, 7};
	s->prec.cell = (FixedFmt){16, 10};
	s->prec.accum_bits = 32;
	s->act.impl = ACT_LUT;
	s->act.entries = 1024;
	s->act.lo = -8;
	s->act.hi = 8;
	s->knobs.folded = -1;
	s->knobs.hoist_input = -1;
	s->knobs.combine = -1;
	s->knobs.epilogue = -1;
	s->knobs.candidate = -1;
}

/* The default name: the file name without directories and extension, made a valid name. */
static const char *
default_name(Ctx *c, const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	char *name, *p;
	size_t len;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (len > SPEC_MAX_NAME)
		len = SPEC_MAX_NAME;
	if (len == 0)
		return "rnn";
	name = ir_strndup(&c->arena, base, len);
	for (p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_'))
			*p = '_';
	}
	if (*name == '-' || *name == '.' || *name == '_')
		*name = 'x';
	return name;
}

static void
check_fixed(Ctx *c, const YNode *doc, const char *what, FixedFmt f)
{
	char path[64];

	if (f.frac >= f.bits) {
		snprintf(path, sizeof path, "precision.%s_frac", what);
		ir_error(c, fe_loc_of(doc, path),
		         "'%s' = %d leaves no integer bit: it must be less than %s_bits (%d)", path,
		         f.frac, what, f.bits);
	}
}

/* Relations between keys, checked once every key has decoded. */
static void
check_spec(Ctx *c, const YNode *doc, CellSpec *s)
{
	const Knobs *k = &s->knobs;
	int red = s->input + s->hidden;

	if (s->prec.kind == PREC_FIXED) {
		check_fixed(c, doc, "weight", s->prec.weight);
		check_fixed(c, doc, "act", s->prec.act);
		if (s->cell == CELL_LSTM)  /* only an LSTM has a cell state */
			check_fixed(c, doc, "cell", s->prec.cell);
		/* the contract (docs/numerics.md) sums exactly: a dot product of D+H products must
		 * fit the accumulator, so no order of summation can overflow it */
		int need = s->prec.weight.bits + s->prec.act.bits, terms = red;

		while (terms > 1) {
			need++;
			terms = (terms + 1) / 2;
		}
		if (s->prec.accum_bits < need)
			ir_error(c, fe_loc_of(doc, "precision.accum_bits"),
			         "'precision.accum_bits' = %d can overflow: %d products of %d x %d bits "
			         "need %d bits; use %d", s->prec.accum_bits, red, s->prec.weight.bits,
			         s->prec.act.bits, need, need <= 32 ? 32 : 64);
		else if (s->cell == CELL_GRU && s->prec.accum_bits > 32)
			/* the candidate gate multiplies r by U h + b as accumulated: a product of
			 * fixed-point operands of at most 32 bits (docs/numerics.md) */
			ir_error(c, fe_loc_of(doc, "precision.accum_bits"),
			         "'precision.accum_bits' = %d: a GRU's candidate gate multiplies r by the "
			         "accumulated U h + b, and a product takes operands of at most 32 bits; a "
			         "GRU needs accum_bits 32 (and so weight_bits + act_bits + log2(D + H) <= 32)",
			         s->prec.accum_bits);
	}
	if (s->act.entries & (s->act.entries - 1))
		ir_error(c, fe_loc_of(doc, "activation.entries"),
		         "'activation.entries' = %d must be a power of two", s->act.entries);
	if (k->hu > s->hidden)
		ir_error(c, fe_loc_of(doc, "schedule.hu"),
		         "'schedule.hu' = %d exceeds hidden = %d", k->hu, s->hidden);
	if (k->hv > s->hidden)
		ir_error(c, fe_loc_of(doc, "schedule.hv"),
		         "'schedule.hv' = %d exceeds hidden = %d", k->hv, s->hidden);
	if (k->candidate == CANDIDATE_MERGED && s->cell != CELL_GRU)
		ir_error(c, fe_loc_of(doc, "schedule.candidate"),
		         "'schedule.candidate' = merged applies to a GRU cell only (its candidate gate's "
		         "x and h halves); this cell is %s: leave candidate unset", cell_names[s->cell]);
	if (k->rv > red)
		ir_error(c, fe_loc_of(doc, "schedule.rv"),
		         "'schedule.rv' = %d exceeds the reduction length input + hidden = %d", k->rv,
		         red);
	else if (k->ru && !k->rv && k->ru > red)
		ir_error(c, fe_loc_of(doc, "schedule.ru"),
		         "'schedule.ru' = %d exceeds the reduction length input + hidden = %d", k->ru,
		         red);
	else if (k->ru && k->rv && k->ru > (red + k->rv - 1) / k->rv)
		ir_error(c, fe_loc_of(doc, "schedule.ru"),
		         "'schedule.ru' = %d exceeds the reduction tiles: input + hidden = %d in tiles "
		         "of rv = %d makes %d", k->ru, red, k->rv, (red + k->rv - 1) / k->rv);
}

int
fe_decode_spec(Ctx *c, const YNode *doc, CellSpec *s)
{
	int before = c->nerrors;
	const YNode *t;
	const char *file = doc->loc.file ? doc->loc.file->name : "spec";

	set_defaults(s);
	s->loc = doc->loc;
	s->name = default_name(c, file);
	if (fe_decode(c, doc, spec_fields, s, "", "the spec", DECODE_FULL) > 0)
		return -1;
	if (!fe_map_get(doc, "input"))
		s->input = s->hidden;
	t = fe_map_get(doc, "target");
	if (t) {
		if (t->kind == YN_SCALAR) {
			s->target = t->str;
			s->target_loc = t->loc;
		} else if (t->kind == YN_MAP) {
			const YNode *b = fe_map_get(t, "base");

			if (b && b->kind != YN_SCALAR) {
				ir_error(c, b->loc, "'target.base' must be the name of a built-in target, "
				         "not a %s", fe_kind_name(b));
			} else if (b) {
				s->target = b->str;
				s->target_loc = b->loc;
			}
			s->target_overrides = t;
		} else {
			ir_error(c, t->loc, "'target' must be a target name or a mapping of target keys, "
			         "not a %s", fe_kind_name(t));
		}
	}
	check_spec(c, doc, s);
	return c->nerrors > before ? -1 : 0;
}

int
fe_parse_spec(Ctx *c, const char *name, const char *text, size_t len, CellSpec *out)
{
	const SrcFile *f = fe_add_text(c, name, text, len);
	const YNode *doc;

	if (!f || !(doc = fe_parse_yaml(c, f)))
		return -1;
	return fe_decode_spec(c, doc, out);
}

int
fe_load_spec(Ctx *c, const char *path, CellSpec *out)
{
	const SrcFile *f = fe_read_file(c, path);
	const YNode *doc;

	if (!f || !(doc = fe_parse_yaml(c, f)))
		return -1;
	return fe_decode_spec(c, doc, out);
}

/* Writes a YAML tree (the spec's target overrides) back out. */
static void
emit_node(FILE *out, const YNode *n, int indent)
{
	int i;

	switch (n->kind) {
	case YN_NULL:
		fputs(" null\n", out);
		break;
	case YN_SCALAR:
		if (n->quoted) {
			const char *p;

			fputs(" \"", out);
			for (p = n->str; *p; p++) {
				if (*p == '"' || *p == '\\')
					fprintf(out, "\\%c", *p);
				else if ((unsigned char)*p < 0x20)
					fprintf(out, "\\x%02x", (unsigned char)*p);
				else
					fputc(*p, out);
			}
			fputs("\"\n", out);
		} else if (strspn(n->str, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                            "0123456789_.+-") == strlen(n->str)) {
			fprintf(out, " %s\n", n->str);
		} else {
			/* only a string key can hold other characters; quoted, it means the same */
			YNode q = *n;

			q.quoted = 1;
			emit_node(out, &q, indent);
		}
		break;
	case YN_SEQ:
		fputs(" [", out);
		for (i = 0; i < n->n; i++) {
			/* target values are scalars; a nested collection was rejected when decoded */
			fprintf(out, "%s%s", i ? ", " : "", n->vals[i]->str ? n->vals[i]->str : "null");
		}
		fputs("]\n", out);
		break;
	case YN_MAP:
		fputc('\n', out);
		for (i = 0; i < n->n; i++) {
			fprintf(out, "%*s%s:", indent, "", n->keys[i]->str);
			emit_node(out, n->vals[i], indent + 2);
		}
		break;
	}
}

void
fe_print_spec(const CellSpec *s, FILE *out)
{
	/* the fixed-point fields of an fp32 spec are printed too: switching the type back to fixed
	 * then gives the same numbers */
	fe_emit(out, spec_fields, s, 0);
	if (s->target_overrides) {
		fputs("target:", out);
		emit_node(out, s->target_overrides, 2);
	} else if (s->target) {
		fprintf(out, "target: %s\n", s->target);
	}
}
