/* The space a sweep visits (sweep.h): per knob the values to try, from the spec's pins, the
 * default ranges and --set. */
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

static const char *const knob_names[DSE_NKNOB] = {
	"rows", "cols", "pmu_kib", "rv", "hu", "ru", "hv", "folded", "combine", "epilogue",
	"candidate", "hoist_input", "weights", "weight_bits", "act_bits", "lut_entries",
};

const char *
dse_knob_name(DseKnob k)
{
	return k < DSE_NKNOB ? knob_names[k] : "?";
}

static void
one(Ctx *c, DseSpace *sp, DseKnob k, int v)
{
	sp->val[k] = ir_alloc(&c->arena, sizeof *sp->val[k]);
	sp->val[k][0] = v;
	sp->n[k] = 1;
}

static void
range(Ctx *c, DseSpace *sp, DseKnob k, int lo, int hi)
{
	int v;

	if (hi < lo)
		hi = lo;
	sp->val[k] = ir_alloc_array(&c->arena, (size_t)(hi - lo + 1), sizeof *sp->val[k]);
	sp->n[k] = 0;
	for (v = lo; v <= hi; v++)
		sp->val[k][sp->n[k]++] = v;
}

void
dse_space_init(Ctx *c, DseSpace *sp, const CellSpec *s, const Target *t)
{
	const Knobs *k = &s->knobs;
	int n = s->input + s->hidden, full = t->pcu.lanes * map_pack(s, t), pcus = ir_target_pcus(t);
	int v;

	memset(sp, 0, sizeof *sp);
	one(c, sp, DSE_K_ROWS, t->rows);
	one(c, sp, DSE_K_COLS, t->cols);
	one(c, sp, DSE_K_PMU_KIB, t->pmu.capacity_kib);
	one(c, sp, DSE_K_WEIGHTS, k->weights);
	one(c, sp, DSE_K_WBITS, s->prec.weight.bits);
	one(c, sp, DSE_K_ABITS, s->prec.act.bits);
	one(c, sp, DSE_K_LUT, s->act.entries);
	if (k->hv > 1)
		full = full / k->hv > 1 ? full / k->hv : 1;
	if (k->rv) {
		one(c, sp, DSE_K_RV, k->rv);
	} else {
		/* the widest first: the powers of two up to the lanes, and D + H when shorter */
		int top = full < n ? full : n;

		sp->val[DSE_K_RV] = ir_alloc_array(&c->arena, 32, sizeof(int));
		if (top & (top - 1))
			sp->val[DSE_K_RV][sp->n[DSE_K_RV]++] = top;
		for (v = 1 << 30; v >= 1; v >>= 1) {
			if (v <= top)
				sp->val[DSE_K_RV][sp->n[DSE_K_RV]++] = v;
		}
	}
	if (k->hu)
		one(c, sp, DSE_K_HU, k->hu);
	else
		range(c, sp, DSE_K_HU, 1, s->hidden < pcus ? s->hidden : pcus);
	if (k->ru)
		one(c, sp, DSE_K_RU, k->ru);
	else
		range(c, sp, DSE_K_RU, 1, n < pcus ? n : pcus);
	one(c, sp, DSE_K_HV, k->hv > 1 ? k->hv : 1);
	one(c, sp, DSE_K_FOLDED, k->folded >= 0 ? k->folded : t->pcu.folded_reduce ? 1 : 0);
	if (k->combine >= 0) {
		one(c, sp, DSE_K_COMBINE, k->combine);
	} else {
		range(c, sp, DSE_K_COMBINE, COMBINE_TREE, COMBINE_CHAIN);
	}
	if (k->epilogue >= 0)
		one(c, sp, DSE_K_EPILOGUE, k->epilogue);
	else
		range(c, sp, DSE_K_EPILOGUE, EPILOGUE_SERIAL, EPILOGUE_PACKED);
	/* only a GRU's candidate gate comes in two halves */
	if (k->candidate >= 0 || s->cell != CELL_GRU)
		one(c, sp, DSE_K_CANDIDATE, k->candidate);
	else
		range(c, sp, DSE_K_CANDIDATE, CANDIDATE_SPLIT, CANDIDATE_MERGED);
	/* the input products hoisted where the weights stay on chip */
	if (k->hoist_input >= 0 || k->weights == WEIGHTS_STREAM)
		one(c, sp, DSE_K_HOIST, k->hoist_input > 0);
	else
		range(c, sp, DSE_K_HOIST, 0, 1);
}

/* A value of knob k: a number, or the name of a form. */
/* Widths are 8, 16 or 32 bits, LUTs a power of two of entries from 2. */
static int
valid(DseKnob k, int v)
{
	if (k == DSE_K_WBITS || k == DSE_K_ABITS)
		return v == 8 || v == 16 || v == 32;
	if (k == DSE_K_LUT)
		return v >= 2 && !(v & (v - 1));
	return 1;
}

static int
parse_value(DseKnob k, const char *s, size_t len, int *out)
{
	static const char *const names[DSE_NKNOB][2] = {
		[DSE_K_FOLDED] = {"false", "true"},
		[DSE_K_COMBINE] = {"tree", "chain"},
		[DSE_K_EPILOGUE] = {"serial", "packed"},
		[DSE_K_CANDIDATE] = {"split", "merged"},
		[DSE_K_HOIST] = {"false", "true"},
		[DSE_K_WEIGHTS] = {"onchip", "stream"},
	};
	static const int top[DSE_NKNOB] = {
		[DSE_K_ROWS] = 1024, [DSE_K_COLS] = 1024, [DSE_K_PMU_KIB] = 65536,
		[DSE_K_WBITS] = 32, [DSE_K_ABITS] = 32, [DSE_K_LUT] = 65536,
	};
	char buf[32], *end;
	long v;
	int i;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	if (names[k][0]) {
		for (i = 0; i < 2; i++) {
			if (!strcmp(buf, names[k][i]))
				return *out = i, 0;
		}
		return -1;
	}
	v = strtol(buf, &end, 10);
	if (*end || v < 1 || v > (top[k] ? top[k] : 1 << 20))
		return -1;
	*out = (int)v;
	return 0;
}

int
dse_space_set(Ctx *c, DseSpace *sp, const char *arg)
{
	const char *eq = strchr(arg, '='), *p;
	int k, n = 0, *vals;

	for (k = 0; k < DSE_NKNOB; k++) {
		if (eq && (size_t)(eq - arg) == strlen(knob_names[k]) &&
		    !strncmp(arg, knob_names[k], (size_t)(eq - arg)))
			break;
	}
	if (!eq || k == DSE_NKNOB) {
		ir_error(c, (Loc){0}, "--set '%s': expected KNOB=VALUES with KNOB one of rows, cols, "
		         "pmu_kib, rv, hu, ru, hv, folded, combine, epilogue, candidate, hoist_input, weights, "
		         "weight_bits, act_bits, lut_entries", arg);
		return -1;
	}
	vals = ir_alloc_array(&c->arena, DSE_MAX_VALUES, sizeof *vals);
	if ((k == DSE_K_WBITS || k == DSE_K_ABITS || k == DSE_K_LUT) && !sp->vary_numbers) {
		ir_error(c, (Loc){0}, "--set '%s': this command keeps the spec's numbers", arg);
		return -1;
	}
	for (p = eq + 1;;) {
		size_t len = strcspn(p, ","), dots;
		const char *dd = strstr(p, "..");
		int lo, hi, v;

		dots = dd && (size_t)(dd - p) < len ? (size_t)(dd - p) : len;
		if (parse_value((DseKnob)k, p, dots, &lo) < 0 ||
		    (dots < len && parse_value((DseKnob)k, dd + 2, len - dots - 2, &hi) < 0)) {
			ir_error(c, (Loc){0}, "--set '%s': '%.*s' is not a value of %s (%s)", arg, (int)len,
			         p, knob_names[k],
			         k == DSE_K_FOLDED || k == DSE_K_HOIST ? "true or false" : k == DSE_K_COMBINE ? "tree or chain" :
			         k == DSE_K_EPILOGUE ? "serial or packed" :
			         k == DSE_K_WEIGHTS ? "onchip or stream" :
			         k == DSE_K_CANDIDATE ? "split or merged" :
			         k == DSE_K_WBITS || k == DSE_K_ABITS ? "8, 16 or 32, or a list of them" :
			         k == DSE_K_LUT ? "a power of two from 2 to 65536, or a list of them" :
			         k == DSE_K_ROWS || k == DSE_K_COLS ? "a number from 1 to 1024, a range LO..HI, "
			         "or a list of them" : k == DSE_K_PMU_KIB ? "KiB from 1 to 65536, a range "
			         "LO..HI, or a list of them" :
			         "a number from 1, a range LO..HI, or a list of them");
			return -1;
		}
		if (dots == len)
			hi = lo;
		if (lo == hi && !valid((DseKnob)k, lo)) {
			ir_error(c, (Loc){0}, "--set '%s': %d is not a value of %s (%s)", arg, lo,
			         knob_names[k], k == DSE_K_LUT ? "a power of two from 2" : "8, 16 or 32");
			return -1;
		}
		if (hi < lo) {
			ir_error(c, (Loc){0}, "--set '%s': the range %d..%d is empty", arg, lo, hi);
			return -1;
		}
		for (v = lo; v <= hi; v++) {
			int j;

			if (!valid((DseKnob)k, v))
				continue;  /* a range of widths or LUT sizes: the ones in it there are */
			for (j = 0; j < n && vals[j] != v; j++)
				;
			if (j < n)
				continue;  /* listed twice: tried once */
			if (n == DSE_MAX_VALUES) {
				ir_error(c, (Loc){0}, "--set '%s': more than %d values", arg, DSE_MAX_VALUES);
				return -1;
			}
			vals[n++] = v;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	if (n == 0) {
		ir_error(c, (Loc){0}, "--set '%s': no value of %s in it", arg, knob_names[k]);
		return -1;
	}
	sp->val[k] = vals;
	sp->n[k] = n;
	sp->set[k] = 1;
	return 0;
}
