// SPDX-License-Identifier: GPL-2.0
/*
 * nx_linreg.c - least-squares line over a sliding window (predict_linear)
 */
#include "nx_linreg.h"

#define NX_LINREG_TSPAN	((s64)1 << 11)
#define NX_LINREG_DTMAX	((s64)1 << 30)

/**
 * nx_linreg_init() - empty the window
 * @r: state
 *
 * Return: nothing.
 */
void nx_linreg_init(struct nx_linreg *r)
{
	memset(r, 0, sizeof(*r));
}
EXPORT_SYMBOL_GPL(nx_linreg_init);

/**
 * nx_linreg_add() - append a point, dropping the oldest when full
 * @r: state
 * @t: time of the sample; should not decrease
 * @x: sample in sample units (clamped to +/-NX_VALUE_MAX)
 *
 * Return: nothing.
 */
void nx_linreg_add(struct nx_linreg *r, s64 t, s64 x)
{
	r->t[r->head] = t;
	r->x[r->head] = nx_clamp_value(x);
	r->head = (r->head + 1) % NX_LINREG_WIN;
	if (r->n < NX_LINREG_WIN)
		r->n++;
}
EXPORT_SYMBOL_GPL(nx_linreg_add);

/**
 * nx_linreg_fit() - least-squares fit over the window
 * @r: state
 * @fit: result
 *
 * Return: 0 on success, -1 with fewer than two points or when all points
 * share one time (no slope is defined).
 */
int nx_linreg_fit(const struct nx_linreg *r, struct nx_linfit *fit)
{
	u32 i, shift = 0, newest;
	s64 tmin = S64_MAX, tmax = S64_MIN, sx = 0, sxy = 0, sxx = 0;
	s64 tbar, xbar_q8, dt0;

	if (r->n < 2)
		return -1;
	newest = (r->head + NX_LINREG_WIN - 1) % NX_LINREG_WIN;
	for (i = 0; i < r->n; i++) {
		tmin = min_t(s64, tmin, r->t[i]);
		tmax = max_t(s64, tmax, r->t[i]);
		sx += r->x[i];
	}
	if (tmax == tmin)
		return -1;
	while ((u64)(tmax - tmin) >> shift >= (u64)NX_LINREG_TSPAN)
		shift++;
	/* times relative to tmin (shifted); their mean */
	tbar = 0;
	for (i = 0; i < r->n; i++)
		tbar += (s64)((u64)(r->t[i] - tmin) >> shift);
	xbar_q8 = div64_s64(nx_vq(sx), r->n);
	for (i = 0; i < r->n; i++) {
		s64 dt = (s64)((u64)(r->t[i] - tmin) >> shift) * r->n - tbar;
		s64 dx = r->x[i] - nx_vround(xbar_q8);

		/* dt = n * (t - tbar): |dt| <= 2^16, |dx| <= 2^41 */
		sxy += dt * dx;
		sxx += dt * dt;
	}
	if (!sxx)
		return -1;
	/* sxy = n * S(dt dx), sxx = n^2 * S(dt^2): slope = n * sxy / sxx */
	fit->slope = nx_q16_div(sxy, sxx) * (s64)r->n;
	fit->shift = shift;
	fit->t0 = r->t[newest];
	dt0 = (s64)((u64)(fit->t0 - tmin) >> shift) * r->n - tbar;
	/* x0 = xbar + slope * dt0 / n, slope in Q16 -> result Q.8 */
	fit->x0 = xbar_q8 + nx_mul_div(fit->slope, dt0, (s64)r->n << 8);
	return 0;
}
EXPORT_SYMBOL_GPL(nx_linreg_fit);

/**
 * nx_linfit_at() - evaluate the fitted line
 * @fit: result of nx_linreg_fit()
 * @t: time, within +/-2^30 time units of @fit->t0
 *
 * Return: the fitted value at @t in sample units, clamped to
 * +/-NX_VALUE_MAX.
 */
s64 nx_linfit_at(const struct nx_linfit *fit, s64 t)
{
	s64 dt = clamp_t(s64, t - fit->t0, -NX_LINREG_DTMAX, NX_LINREG_DTMAX);
	s64 d = nx_mul_div(fit->slope, dt, NX_Q16_ONE);

	d >>= min_t(u32, fit->shift, 62);
	d = clamp_t(s64, d, -2 * NX_VALUE_MAX, 2 * NX_VALUE_MAX);
	return nx_clamp_value(nx_vround(fit->x0) + d);
}
EXPORT_SYMBOL_GPL(nx_linfit_at);

/**
 * nx_linfit_time_to() - time until the fitted line reaches a threshold
 * @fit: result of nx_linreg_fit()
 * @threshold: level in sample units
 *
 * Return: time units after @fit->t0 at which the line crosses @threshold,
 * 0 if it is already at or past it in the direction of the slope, or -1 if
 * the line is flat or moving away (never reaches it).
 */
s64 nx_linfit_time_to(const struct nx_linfit *fit, s64 threshold)
{
	s64 need = nx_vq(nx_clamp_value(threshold)) - fit->x0;
	bool ahead = need > 0, rising = fit->slope > 0;
	s64 dt;

	if (!fit->slope || ahead != rising) {
		if (!need)
			return 0;
		return -1;
	}
	if (!need)
		return 0;
	/* need (Q.8) * 2^16 / slope(Q16) = shifted time units * 2^8 */
	dt = nx_mul_div(need, 1 << (NX_Q16_SHIFT - NX_VFRAC), fit->slope);
	if (dt > (S64_MAX >> fit->shift))
		return S64_MAX;
	return dt << fit->shift;
}
EXPORT_SYMBOL_GPL(nx_linfit_time_to);
