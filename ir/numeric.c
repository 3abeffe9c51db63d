/* The numeric contract of rnnc (docs/numerics.md), once, in C. */
#include <math.h>

#include "exec.h"

int64_t
ir_num_shift(int64_t x, int s)
{
	if (s > 0) {
		if (s >= 64)
			return 0;  /* |x| / 2^s < 1/2 */
		/* floor(x / 2^s + 1/2) without forming x + 2^(s-1), which could overflow */
		return (x >> s) + ((x >> (s - 1)) & 1);
	}
	if (s < 0) {
		int k = -s;

		if (k >= 63)
			return x > 0 ? INT64_MAX : x < 0 ? INT64_MIN : 0;
		if (x > (INT64_MAX >> k))
			return INT64_MAX;
		if (x < (INT64_MIN >> k))
			return INT64_MIN;
		return (int64_t)((uint64_t)x << k);
	}
	return x;
}

int64_t
ir_num_sat(int64_t x, Type t)
{
	int64_t lo = ir_fix_min(t), hi = ir_fix_max(t);

	return x < lo ? lo : x > hi ? hi : x;
}

int64_t
ir_num_rescale(int64_t x, int frac, Type t)
{
	return ir_num_sat(ir_num_shift(x, frac - t.frac), t);
}

int64_t
ir_num_from_double(double v, Type t)
{
	double y;

	if (isnan(v))
		return 0;
	y = floor(ldexp(v, t.frac) + 0.5);
	if (y >= (double)ir_fix_max(t))
		return ir_fix_max(t);
	if (y <= (double)ir_fix_min(t))
		return ir_fix_min(t);
	return (int64_t)y;
}

double
ir_num_to_double(int64_t x, Type t)
{
	return ldexp((double)x, -(int)t.frac);
}

int64_t
ir_num_add(int64_t a, int64_t b, Type t)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return a < 0 ? ir_fix_min(t) : ir_fix_max(t);
	return ir_num_sat(r, t);
}

int64_t
ir_num_sub(int64_t a, int64_t b, Type t)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return a < 0 ? ir_fix_min(t) : ir_fix_max(t);
	return ir_num_sat(r, t);
}

int64_t
ir_num_mul(int64_t a, Type ta, int64_t b, Type tb, Type tr)
{
	int64_t p;

	/* operands are at most 32 bits (the verifier checks), so the product is exact */
	if (__builtin_mul_overflow(a, b, &p))
		return (a < 0) != (b < 0) ? ir_fix_min(tr) : ir_fix_max(tr);
	return ir_num_rescale(p, ta.frac + tb.frac, tr);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int
ir_num_lut_index_fix(int64_t x, Type tx, double lo, double hi, int n)
{
	int64_t L = (int64_t)ldexp(lo, tx.frac), R = (int64_t)ldexp(hi, tx.frac), num, idx;

	if (x <= L)
		return 0;
	if (x >= R)
		return n - 1;
	num = (x - L) * (int64_t)n;  /* < 2^33 * 2^16: no overflow for the table sizes allowed */
	idx = floor_div(num, R - L);
	return idx < 0 ? 0 : idx >= n ? n - 1 : (int)idx;
}

int
ir_num_lut_index_f32(float x, double lo, double hi, int n)
{
	float scale = (float)((double)n / (hi - lo));
	float y = floorf((x - (float)lo) * scale);

	if (isnan(y) || y < 0)
		return 0;
	if (y >= (float)n)
		return n - 1;
	return (int)y;
}

double
ir_num_fn(MathFn fn, double x)
{
	switch (fn) {
	case FN_SIGMOID:
		return 1.0 / (1.0 + exp(-x));
	case FN_TANH:
		return tanh(x);
	default:
		IR_BUG("unknown function %d", (int)fn);
	}
}

double
ir_num_rand(uint64_t seed, uint64_t i, double lo, double hi)
{
	/* splitmix64 of the element index: the same stream on every machine and in every backend */
	uint64_t z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return lo + (hi - lo) * ldexp((double)(z >> 11), -53);
}
