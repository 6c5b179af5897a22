// SPDX-License-Identifier: GPL-2.0
/*
 * nx_holt.c - damped Holt exponential smoothing with prediction intervals
 */
#include "nx_holt.h"

/**
 * nx_holt_init() - set up a damped Holt model
 * @h: state
 * @alpha: level smoothing in Q16.16, (0, 1]
 * @beta: trend smoothing in Q16.16, [0, 1]
 * @phi: damping in Q16.16, [0, 1] (1 = undamped Holt)
 *
 * Out-of-range factors are clamped.  The error variance is smoothed with
 * the same @alpha (at least 1/64).
 *
 * Return: nothing.
 */
void nx_holt_init(struct nx_holt *h, u32 alpha, u32 beta, u32 phi)
{
	memset(h, 0, sizeof(*h));
	h->alpha = clamp_t(u32, alpha, 1, NX_Q16_ONE);
	h->beta = min_t(u32, beta, NX_Q16_ONE);
	h->phi = min_t(u32, phi, NX_Q16_ONE);
	nx_ewma_init(&h->err, max_t(u32, h->alpha, NX_Q16_ONE / 64));
}
EXPORT_SYMBOL_GPL(nx_holt_init);

/**
 * nx_holt_update() - feed one sample
 * @h: state
 * @x: sample in sample units (clamped to +/-NX_VALUE_MAX)
 *
 * Return: the one-step error @x - forecast in sample units (0 for the first
 * two samples, which initialise level and trend).
 */
s64 nx_holt_update(struct nx_holt *h, s64 x)
{
	s64 xq = nx_vq(nx_clamp_value(x));
	s64 f, e;

	if (h->n == 0) {
		h->level = xq;
		h->n = 1;
		return 0;
	}
	if (h->n == 1) {
		h->trend = nx_fx_scale(xq - h->level, h->beta ? NX_Q16_ONE : 0);
		h->level = xq;
		h->n = 2;
		return 0;
	}
	f = h->level + nx_fx_scale(h->trend, h->phi);
	e = xq - f;
	h->level = f + nx_fx_scale(e, h->alpha);
	h->trend = nx_fx_scale(h->trend, h->phi) +
		   nx_fx_scale(nx_fx_scale(e, h->alpha), h->beta);
	h->trend = clamp_t(s64, h->trend, -nx_vq(NX_VALUE_MAX),
			   nx_vq(NX_VALUE_MAX));
	nx_ewma_update(&h->err, nx_vround(e));
	return nx_vround(e);
}
EXPORT_SYMBOL_GPL(nx_holt_update);

/* phi + phi^2 + ... + phi^steps in Q16.16 (at most NX_HOLT_HMAX << 16). */
static s64 nx_holt_phisum(u32 phi, u32 steps)
{
	s64 p = NX_Q16_ONE, sum = 0;
	u32 i;

	for (i = 0; i < steps; i++) {
		p = nx_fx_scale(p, phi);
		if (!p)
			break;
		sum += p;
	}
	return sum;
}

/**
 * nx_holt_forecast() - forecast @steps samples ahead
 * @h: state
 * @steps: horizon in samples, 1..NX_HOLT_HMAX (clamped)
 *
 * Return: the forecast in sample units, clamped to +/-NX_VALUE_MAX.
 */
s64 nx_holt_forecast(const struct nx_holt *h, u32 steps)
{
	s64 sum, f;

	steps = clamp_t(u32, steps, 1, NX_HOLT_HMAX);
	sum = nx_holt_phisum(h->phi, steps);
	/* |trend| <= 2^48 and sum <= 2^28: split to stay within s64 */
	f = h->level + nx_fx_scale(h->trend, (u32)(sum & (NX_Q16_ONE - 1))) +
	    h->trend * (sum >> NX_Q16_SHIFT);
	return nx_clamp_value(nx_vround(f));
}
EXPORT_SYMBOL_GPL(nx_holt_forecast);

/**
 * nx_holt_halfwidth() - half width of the prediction interval
 * @h: state
 * @steps: horizon in samples, 1..NX_HOLT_HMAX (clamped)
 * @z: normal quantile in Q16.16 (e.g. 1.96 * 65536 for 95%)
 *
 * Return: z * sigma_h in sample units (saturating at NX_VALUE_MAX).
 */
u64 nx_holt_halfwidth(const struct nx_holt *h, u32 steps, u32 z)
{
	u64 sd = nx_ewma_stddev_q8(&h->err), f = NX_Q16_ONE, w;
	s64 p = NX_Q16_ONE, sum = 0;
	u32 j;

	steps = clamp_t(u32, steps, 1, NX_HOLT_HMAX);
	for (j = 1; j < steps; j++) {
		s64 c;

		p = nx_fx_scale(p, h->phi);
		sum += p;
		/* c_j <= 1 + NX_HOLT_HMAX in Q16.16: c_j^2 >> 16 < 2^41 */
		c = nx_fx_scale(NX_Q16_ONE + nx_fx_scale(sum, h->beta),
				h->alpha);
		f += (u64)((c * c) >> NX_Q16_SHIFT);
	}
	/* sqrt(f) in Q16.16 */
	if (f < (1ULL << 47))
		f = nx_isqrt(f << NX_Q16_SHIFT);
	else
		f = nx_isqrt(f) << (NX_Q16_SHIFT / 2);
	w = sd;		/* Q.8, <= 2^39 */
	w = (w >> NX_Q16_SHIFT) * f + (((w & 0xffff) * f) >> NX_Q16_SHIFT);
	w = (w >> NX_Q16_SHIFT) * z + (((w & 0xffff) * z) >> NX_Q16_SHIFT);
	w = (w + (1 << (NX_VFRAC - 1))) >> NX_VFRAC;
	return min_t(u64, w, NX_VALUE_MAX);
}
EXPORT_SYMBOL_GPL(nx_holt_halfwidth);
