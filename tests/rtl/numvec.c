/* Test vectors for the fixed-point units of rtl/lib, computed with the functions of
 * ir/numeric.c (the numeric contract, docs/numerics.md), so that the Verilog is compared
 * against the C code itself.
 *
 *   numvec DIR   writes DIR/<unit>_<case>.hex ($readmemh files, 64-bit words)
 *
 * Each vector is three words: the operands (a, b; b = 0 where there is one) and the expected
 * result, sign-extended to 64 bits. For LUTs: x, the expected index and entry, plus the table
 * itself in lut_<case>_tab.hex. pmu_init.hex: 64 bytes, the initial contents of the PMU
 * testbench's memories. The cases must match the instances in tb_rnnc_<unit>.v. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../ir/exec.h"

enum { NVEC = 512 };

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A random raw value of a `bits`-bit type, of random magnitude; the first vectors are the
 * edges of the range. */
static int64_t
operand(int bits, int i, int which)
{
	Type t = ir_fix(bits, 0);
	int64_t edge[] = {ir_fix_min(t), ir_fix_max(t), 0, -1, 1, ir_fix_min(t) + 1, ir_fix_max(t) - 1};
	int k = i * 2 + which;
	int64_t v;

	if (k < (int)(sizeof edge / sizeof edge[0]) * 2 && i < 7)
		return edge[(i + which * 3) % 7];
	v = (int64_t)rng();
	if (bits < 64)
		v >>= 64 - bits;          /* arithmetic: sign-extended bits-bit value */
	return v >> (rng() % (uint64_t)bits);
}

static FILE *
open_out(const char *dir, const char *name)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

static void
put(FILE *f, int64_t a, int64_t b, int64_t r)
{
	fprintf(f, "%016llx %016llx %016llx\n", (unsigned long long)a, (unsigned long long)b,
	        (unsigned long long)r);
}

static void
close_out(FILE *f)
{
	if (fclose(f) != 0) {
		perror("numvec");
		exit(2);
	}
}

/* ---- the cases (keep in step with the testbenches) ---------------------------------------- */

static const int sat_case[][2] = {{16, 8}, {64, 32}, {33, 16}, {8, 8}, {40, 39}};

/* in bits, in frac, out bits, out frac */
static const int rescale_case[][4] = {
	{32, 14, 8, 7}, {32, 14, 16, 14}, {16, 14, 16, 10}, {16, 10, 16, 14},
	{8, 7, 32, 14}, {64, 20, 8, 0}, {16, 14, 8, 7}, {64, 63, 64, 0},
};

/* bits, op (0 add, 1 sub, 2 max, 3 min) */
static const int add_case[][2] = {{16, 0}, {16, 1}, {8, 2}, {8, 3}, {32, 0}, {64, 0}, {64, 1}, {8, 1}};

/* a bits, a frac, b bits, b frac, out bits, out frac */
static const int mul_case[][6] = {
	{16, 14, 16, 14, 16, 14}, {16, 14, 16, 10, 16, 10}, {8, 7, 8, 7, 8, 7},
	{32, 14, 16, 14, 16, 10}, {16, 2, 16, 2, 16, 12}, {32, 0, 32, 0, 64, 0},
	{32, 31, 32, 31, 8, 7},
};

/* x bits, x frac, lo, hi, entries, entry bits, entry frac, function (0 sigmoid, 1 tanh) */
static const struct {
	int xb, xf;
	double lo, hi;
	int n, ob, of, fn;
} lut_case[] = {
	{32, 14, -8, 8, 1024, 16, 14, 0}, {16, 10, -8, 8, 1024, 16, 14, 1},
	{8, 7, -8, 8, 1024, 16, 14, 1},   {16, 4, -8, 8, 1024, 16, 14, 0},
	{16, 6, -4, 4, 100, 16, 14, 1},   {32, 14, -6, 6, 48, 8, 7, 0},
};

#define NCASE(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(int argc, char **argv)
{
	char name[64];
	int c, i;

	if (argc != 2) {
		fprintf(stderr, "usage: numvec DIR\n");
		return 2;
	}
	for (c = 0; c < NCASE(sat_case); c++) {
		Type to = ir_fix(sat_case[c][1] == 64 ? 64 : sat_case[c][1], 0);
		FILE *f;

		/* ir_fix takes the formats rnnc uses; saturation itself works for any width */
		snprintf(name, sizeof name, "sat_%d.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < NVEC; i++) {
			int64_t x = operand(sat_case[c][0], i, 0);

			to.bits = (uint8_t)sat_case[c][1];
			put(f, x, 0, ir_num_sat(x, to));
		}
		close_out(f);
	}
	for (c = 0; c < NCASE(rescale_case); c++) {
		const int *k = rescale_case[c];
		FILE *f;

		snprintf(name, sizeof name, "rescale_%d.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < NVEC; i++) {
			int64_t x = operand(k[0], i, 0);

			put(f, x, 0, ir_num_rescale(x, k[1], ir_fix(k[2], k[3])));
		}
		close_out(f);
	}
	for (c = 0; c < NCASE(add_case); c++) {
		Type t = ir_fix(add_case[c][0], 0);
		FILE *f;

		snprintf(name, sizeof name, "add_%d.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < NVEC; i++) {
			int64_t a = operand(t.bits, i, 0), b = operand(t.bits, i, 1), r;

			switch (add_case[c][1]) {
			case 0: r = ir_num_add(a, b, t); break;
			case 1: r = ir_num_sub(a, b, t); break;
			case 2: r = a > b ? a : b; break;
			default: r = a < b ? a : b; break;
			}
			put(f, a, b, r);
		}
		close_out(f);
	}
	for (c = 0; c < NCASE(mul_case); c++) {
		const int *k = mul_case[c];
		FILE *f;

		snprintf(name, sizeof name, "mul_%d.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < NVEC; i++) {
			int64_t a = operand(k[0], i, 0), b = operand(k[2], i, 1);

			put(f, a, b, ir_num_mul(a, ir_fix(k[0], k[1]), b, ir_fix(k[2], k[3]), ir_fix(k[4], k[5])));
		}
		close_out(f);
	}
	for (c = 0; c < NCASE(lut_case); c++) {
		Type tx = ir_fix(lut_case[c].xb, lut_case[c].xf), to = ir_fix(lut_case[c].ob, lut_case[c].of);
		int n = lut_case[c].n;
		double lo = lut_case[c].lo, hi = lut_case[c].hi;
		int64_t *tab = calloc((size_t)n, sizeof *tab);
		int64_t L = (int64_t)(lo * (double)((int64_t)1 << tx.frac));
		int64_t R = (int64_t)(hi * (double)((int64_t)1 << tx.frac));
		FILE *f;

		if (!tab)
			return 2;
		/* the table as ir_mem_init fills it (INIT_LUT) */
		snprintf(name, sizeof name, "lut_%d_tab.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < n; i++) {
			double x = lo + ((double)i + 0.5) * (hi - lo) / (double)n;

			tab[i] = ir_num_from_double(ir_num_fn(lut_case[c].fn ? FN_TANH : FN_SIGMOID, x), to);
			fprintf(f, "%0*llx\n", (to.bits + 3) / 4,
			        (unsigned long long)tab[i] & ((to.bits == 64 ? 0 : 1ull << to.bits) - 1));
		}
		close_out(f);
		snprintf(name, sizeof name, "lut_%d.hex", c);
		f = open_out(argv[1], name);
		for (i = 0; i < NVEC; i++) {
			int64_t x = operand(tx.bits, i, 0);
			int k;

			/* a third of the inputs near the ends of the range, where the clamping is */
			if (i % 3 == 1)
				x = (i % 2 ? L : R) + (int64_t)(rng() % 7) - 3;
			if (x < ir_fix_min(tx) || x > ir_fix_max(tx))
				x = ir_num_sat(x, tx);
			k = ir_num_lut_index_fix(x, tx, lo, hi, n);
			put(f, x, k, tab[k]);
		}
		close_out(f);
		free(tab);
	}
	{
		FILE *f = open_out(argv[1], "pmu_init.hex");

		for (i = 0; i < 64; i++)
			fprintf(f, "%02x\n", (unsigned)(rng() & 0xff));
		close_out(f);
	}
	return 0;
}
