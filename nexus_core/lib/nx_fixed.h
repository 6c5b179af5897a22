/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_fixed.h - fixed-point helpers of the NEXUS algorithm library
 *
 * Formats used throughout nexus_core/lib:
 *
 *  - Sample values are s64 in the metric's own integer unit ("sample
 *    units").  Every statistic accepts |value| <= NX_VALUE_MAX (2^40); a
 *    caller with larger values must pre-scale them.
 *  - Q16.16: a real r is stored as the integer round(r * 65536) in an s32
 *    (|r| < 32768) or in an s64 (|r| < 2^47).  NX_Q16_ONE is 1.0.
 *    Smoothing factors (alpha, beta, phi) are Q16.16 in [0, NX_Q16_ONE].
 *  - Internal means and levels keep NX_VFRAC (8) extra fraction bits on top
 *    of sample units ("Q.8 sample units"), so |internal| <= 2^48.
 *  - Confidences and scores are per-mille integers in [0, 1000].
 *
 * Overflow bounds are stated next to each helper.
 */
#ifndef _NX_FIXED_H
#define _NX_FIXED_H

#include "nx_compat.h"

#define NX_Q16_SHIFT	16
#define NX_Q16_ONE	((s32)1 << NX_Q16_SHIFT)
#define NX_VALUE_MAX	((s64)1 << 40)
#define NX_VFRAC	8
#define NX_PERMILLE	1000

/**
 * nx_q16_mul() - multiply two Q16.16 numbers
 * @a: Q16.16 factor
 * @b: Q16.16 factor; |@a * @b| must stay below 2^63
 *
 * Rounds toward minus infinity.
 *
 * Return: @a * @b in Q16.16.
 */
static inline s64 nx_q16_mul(s64 a, s64 b)
{
	return (a * b) >> NX_Q16_SHIFT;
}

/**
 * nx_fx_scale() - multiply any s64 by a Q16.16 coefficient in [0, 1]
 * @a: any value with |@a| < 2^62
 * @c: Q16.16 coefficient, 0 <= @c <= NX_Q16_ONE
 *
 * Splits @a into high and low 16-bit parts so the product never overflows,
 * whatever the magnitude of @a.
 *
 * Return: @a * @c / 65536, rounded toward minus infinity.
 */
static inline s64 nx_fx_scale(s64 a, u32 c)
{
	s64 hi = a >> NX_Q16_SHIFT;
	s64 lo = a & (NX_Q16_ONE - 1);

	return hi * (s64)c + ((lo * (s64)c) >> NX_Q16_SHIFT);
}

/**
 * nx_vq() - convert sample units to Q.8 sample units
 * @v: value in sample units, |@v| <= NX_VALUE_MAX
 *
 * Return: @v with NX_VFRAC fraction bits.
 */
static inline s64 nx_vq(s64 v)
{
	return v * (1 << NX_VFRAC);
}

/**
 * nx_vround() - convert Q.8 sample units back to sample units
 * @q: value with NX_VFRAC fraction bits
 *
 * Return: @q rounded to the nearest integer (halves away from zero).
 */
static inline s64 nx_vround(s64 q)
{
	s64 half = 1 << (NX_VFRAC - 1);

	return q >= 0 ? (q + half) >> NX_VFRAC : -((-q + half) >> NX_VFRAC);
}

/**
 * nx_clamp_value() - clamp a sample to the range the library accepts
 * @v: raw sample
 *
 * Return: @v limited to [-NX_VALUE_MAX, NX_VALUE_MAX].
 */
static inline s64 nx_clamp_value(s64 v)
{
	return clamp_t(s64, v, -NX_VALUE_MAX, NX_VALUE_MAX);
}

s64 nx_q16_div(s64 a, s64 b);
u64 nx_isqrt(u64 x);
u32 nx_ilog2(u64 x);
s32 nx_log2_q16(u64 x);
s32 nx_symlog2(s64 x);
u32 nx_exp2_neg_q16(u32 x);
s64 nx_mul_div(s64 a, s64 b, s64 c);

#endif /* _NX_FIXED_H */
