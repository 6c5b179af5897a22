// SPDX-License-Identifier: GPL-2.0
/*
 * nx_fixed.c - fixed-point helpers of the NEXUS algorithm library
 *
 * Integer square root, base-2 logarithm and exponential, and a saturating
 * Q16.16 division.  See nx_fixed.h for the formats.
 */
#include "nx_fixed.h"

/**
 * nx_q16_div() - divide two integers giving a Q16.16 quotient
 * @a: dividend, any s64
 * @b: divisor, any s64
 *
 * Works for any magnitude of @a and @b: when @a << 16 would overflow the
 * fraction is computed against a right-shifted divisor instead.  A quotient
 * beyond 2^47 saturates.  Division by zero gives the saturated value with
 * the sign of @a (0 for 0 / 0).
 *
 * Return: @a / @b in Q16.16, truncated toward zero.
 */
s64 nx_q16_div(s64 a, s64 b)
{
	u64 ua = nx_abs64(a), ub = nx_abs64(b);
	bool neg = (a < 0) != (b < 0);
	u64 q, rem, frac;

	if (!ub) {
		if (!ua)
			return 0;
		return neg ? -S64_MAX : S64_MAX;
	}
	q = div64_u64(ua, ub);
	if (q >= (1ULL << 47))
		return neg ? -S64_MAX : S64_MAX;
	rem = ua - q * ub;
	if (ub < (1ULL << 47))
		frac = div64_u64(rem << NX_Q16_SHIFT, ub);
	else
		frac = div64_u64(rem, ub >> NX_Q16_SHIFT);
	q = (q << NX_Q16_SHIFT) + frac;
	return neg ? -(s64)q : (s64)q;
}
EXPORT_SYMBOL_GPL(nx_q16_div);

/**
 * nx_isqrt() - integer square root
 * @x: any u64
 *
 * Return: floor(sqrt(@x)).
 */
u64 nx_isqrt(u64 x)
{
	u64 res = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}
EXPORT_SYMBOL_GPL(nx_isqrt);

/**
 * nx_ilog2() - index of the most significant set bit
 * @x: any u64
 *
 * Return: floor(log2(@x)), or 0 for @x == 0.
 */
u32 nx_ilog2(u64 x)
{
	u32 r = 0;

	while (x >>= 1)
		r++;
	return r;
}
EXPORT_SYMBOL_GPL(nx_ilog2);

/**
 * nx_log2_q16() - base-2 logarithm in Q16.16
 * @x: argument, @x >= 1
 *
 * Bit-by-bit squaring of the mantissa (16 iterations); the error is below
 * 2^-15.
 *
 * Return: log2(@x) in Q16.16 (0 for @x <= 1), at most 64 << 16.
 */
s32 nx_log2_q16(u64 x)
{
	u32 msb, i;
	u64 m;
	s32 res;

	if (x <= 1)
		return 0;
	msb = nx_ilog2(x);
	/* mantissa in [1, 2) as Q1.31 */
	m = msb >= 31 ? x >> (msb - 31) : x << (31 - msb);
	res = (s32)msb << NX_Q16_SHIFT;
	for (i = 1; i <= NX_Q16_SHIFT; i++) {
		m = (m * m) >> 31;
		if (m >= (2ULL << 31)) {
			m >>= 1;
			res |= 1 << (NX_Q16_SHIFT - i);
		}
	}
	return res;
}
EXPORT_SYMBOL_GPL(nx_log2_q16);

/**
 * nx_symlog2() - symmetric base-2 logarithm in Q16.16
 * @x: any s64
 *
 * sign(@x) * log2(1 + |@x|): defined for every value, zero and negative
 * ones included, odd, monotonic, and equal to 0 at 0.  A change by a
 * factor of two anywhere above a few units moves it by about one, so on
 * it a metric spanning orders of magnitude has its small values spread as
 * widely as its large ones.  Error as nx_log2_q16() (below 2^-15).
 *
 * Return: sign(@x) * log2(1 + |@x|) in Q16.16, |result| <= 64 << 16.
 */
s32 nx_symlog2(s64 x)
{
	/* nx_abs64() saturates S64_MIN to S64_MAX: no overflow */
	s32 l = nx_log2_q16(nx_abs64(x) + 1);

	return x < 0 ? -l : l;
}
EXPORT_SYMBOL_GPL(nx_symlog2);

/*
 * 2^(-k/16) for k = 0..16 in Q16.16, used to interpolate the fractional
 * part of the exponent.
 */
static const u32 nx_exp2_tab[17] = {
	65536, 62757, 60097, 57549, 55109, 52773, 50535, 48393,
	46341, 44376, 42495, 40693, 38968, 37316, 35734, 34219, 32768,
};

/**
 * nx_exp2_neg_q16() - 2 to the power of a negative Q16.16 number
 * @x: exponent magnitude in Q16.16 (the function computes 2^-x), any u32
 *
 * Table of sixteenths plus linear interpolation; relative error < 0.2%.
 *
 * Return: 2^(-@x) in Q16.16, in [0, NX_Q16_ONE].
 */
u32 nx_exp2_neg_q16(u32 x)
{
	u32 ip = x >> NX_Q16_SHIFT;
	u32 fp = x & (NX_Q16_ONE - 1);
	u32 k = fp >> 12, r = fp & 0xfff;
	u32 v;

	if (ip >= 32)
		return 0;
	v = nx_exp2_tab[k] - (((nx_exp2_tab[k] - nx_exp2_tab[k + 1]) * r) >> 12);
	return v >> ip;
}
EXPORT_SYMBOL_GPL(nx_exp2_neg_q16);

/**
 * nx_mul_div() - compute a * b / c without an intermediate overflow
 * @a: any s64
 * @b: multiplier, |@b| < 2^31
 * @c: divisor, @c != 0
 *
 * Splits @a into quotient and remainder by @c first; a result that does not
 * fit saturates to +/-S64_MAX.  Division by zero also saturates.
 *
 * Return: @a * @b / @c, truncated toward zero.
 */
s64 nx_mul_div(s64 a, s64 b, s64 c)
{
	u64 ua = nx_abs64(a), ub = nx_abs64(b), uc = nx_abs64(c);
	bool neg = ((a < 0) != (b < 0)) != (c < 0);
	u64 q, r, hi, lo;

	if (!ua || !ub)
		return 0;
	if (!uc)
		return neg ? -S64_MAX : S64_MAX;
	q = div64_u64(ua, uc);
	r = ua - q * uc;
	if (q && ub > div64_u64((u64)S64_MAX, q))
		return neg ? -S64_MAX : S64_MAX;
	hi = q * ub;
	/* r < uc; r * ub may still overflow when uc is huge */
	if (r && ub > div64_u64(U64_MAX, r))
		lo = div64_u64(r, div64_u64(uc, ub) ? div64_u64(uc, ub) : 1);
	else
		lo = div64_u64(r * ub, uc);
	if (hi > (u64)S64_MAX - lo)
		return neg ? -S64_MAX : S64_MAX;
	return neg ? -(s64)(hi + lo) : (s64)(hi + lo);
}
EXPORT_SYMBOL_GPL(nx_mul_div);
