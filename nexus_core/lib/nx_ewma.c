// SPDX-License-Identifier: GPL-2.0
/*
 * nx_ewma.c - exponentially weighted mean, variance and absolute deviation
 */
#include "nx_ewma.h"

#define NX_VAR_MAX	((u64)1 << 62)

/**
 * nx_ewma_init() - reset an EWMA
 * @e: state to reset
 * @alpha: smoothing factor in Q16.16; 0 is taken as NX_Q16_ONE
 *
 * The first sample seeds the mean; the variance starts at zero.
 *
 * Return: nothing.
 */
void nx_ewma_init(struct nx_ewma *e, u32 alpha)
{
	memset(e, 0, sizeof(*e));
	e->alpha = (alpha && alpha <= NX_Q16_ONE) ? alpha : NX_Q16_ONE;
}
EXPORT_SYMBOL_GPL(nx_ewma_init);

/**
 * nx_sq_q8() - square of a Q.8 deviation, in sample units squared
 * @d: deviation in Q.8 sample units
 *
 * Return: @d^2 / 2^16, saturating at 2^62.
 */
u64 nx_sq_q8(s64 d)
{
	u64 u = nx_abs64(d);

	if (u < (1ULL << 31))
		return (u * u) >> (2 * NX_VFRAC);
	u >>= NX_VFRAC;
	if (u >= (1ULL << 31))
		return NX_VAR_MAX;
	return u * u;
}
EXPORT_SYMBOL_GPL(nx_sq_q8);

/**
 * nx_ewma_update() - feed one sample
 * @e: EWMA state
 * @x: sample in sample units, clamped to +/-NX_VALUE_MAX
 *
 * Return: nothing.
 */
void nx_ewma_update(struct nx_ewma *e, s64 x)
{
	s64 xq = nx_vq(nx_clamp_value(x));
	s64 d;
	u64 v;

	if (!e->n) {
		e->mean = xq;
		e->n = 1;
		return;
	}
	if (e->n < U32_MAX)
		e->n++;
	d = xq - e->mean;
	e->mean += nx_fx_scale(d, e->alpha);
	v = e->var + (u64)nx_fx_scale((s64)min_t(u64, nx_sq_q8(d), NX_VAR_MAX),
				      e->alpha);
	e->var = min_t(u64, nx_fx_scale((s64)min_t(u64, v, NX_VAR_MAX),
					NX_Q16_ONE - e->alpha), NX_VAR_MAX);
	e->absdev += nx_fx_scale((s64)nx_abs64(d) - (s64)e->absdev, e->alpha);
}
EXPORT_SYMBOL_GPL(nx_ewma_update);

/**
 * nx_ewma_mean() - current mean
 * @e: EWMA state
 *
 * Return: the smoothed mean rounded to sample units (0 before any sample).
 */
s64 nx_ewma_mean(const struct nx_ewma *e)
{
	return nx_vround(e->mean);
}
EXPORT_SYMBOL_GPL(nx_ewma_mean);

/**
 * nx_ewma_stddev_q8() - current standard deviation
 * @e: EWMA state
 *
 * Return: sqrt(variance) in Q.8 sample units.
 */
u64 nx_ewma_stddev_q8(const struct nx_ewma *e)
{
	if (e->var < (1ULL << 47))
		return nx_isqrt(e->var << (2 * NX_VFRAC));
	return nx_isqrt(e->var) << NX_VFRAC;
}
EXPORT_SYMBOL_GPL(nx_ewma_stddev_q8);

/**
 * nx_ewma_z_q16() - standard score of a sample against the EWMA
 * @e: EWMA state
 * @x: sample in sample units
 *
 * Return: (@x - mean) / stddev in Q16.16, saturating at +/-2^47; 0 while the
 * standard deviation is zero.
 */
s64 nx_ewma_z_q16(const struct nx_ewma *e, s64 x)
{
	u64 sd = nx_ewma_stddev_q8(e);

	if (!sd)
		return 0;
	return nx_q16_div(nx_vq(nx_clamp_value(x)) - e->mean, (s64)sd);
}
EXPORT_SYMBOL_GPL(nx_ewma_z_q16);
