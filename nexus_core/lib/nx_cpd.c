// SPDX-License-Identifier: GPL-2.0
/*
 * nx_cpd.c - CUSUM and Page-Hinkley change-point tests
 */
#include "nx_cpd.h"

static s64 nx_cpd_clamp(s64 v)
{
	return clamp_t(s64, v, -NX_CPD_ZMAX, NX_CPD_ZMAX);
}

static s64 nx_cpd_acc(s64 stat, s64 inc)
{
	return clamp_t(s64, stat + inc, 0, NX_CPD_STAT_MAX);
}

/**
 * nx_cusum_init() - set up a two-sided CUSUM
 * @c: state
 * @k: allowance in Q16.16 (typically half the shift to detect, 0.5 sigma)
 * @h: threshold in Q16.16 (typically 4 to 5 sigma)
 *
 * Return: nothing.
 */
void nx_cusum_init(struct nx_cusum *c, s32 k, s32 h)
{
	c->pos = 0;
	c->neg = 0;
	c->k = k;
	c->h = h;
}
EXPORT_SYMBOL_GPL(nx_cusum_init);

/**
 * nx_cusum_reset() - restart both statistics at zero
 * @c: state
 *
 * Return: nothing.
 */
void nx_cusum_reset(struct nx_cusum *c)
{
	c->pos = 0;
	c->neg = 0;
}
EXPORT_SYMBOL_GPL(nx_cusum_reset);

/**
 * nx_cusum_update() - feed one standardised sample
 * @c: state
 * @z: z-score in Q16.16 (clamped to +/-NX_CPD_ZMAX)
 *
 * The statistics are not reset on alarm; the caller decides
 * (nx_cusum_reset()).
 *
 * Return: 1 if g+ exceeds h (upward shift), -1 if g- does (downward
 * shift), 0 otherwise.
 */
int nx_cusum_update(struct nx_cusum *c, s64 z)
{
	z = nx_cpd_clamp(z);
	c->pos = nx_cpd_acc(c->pos, z - c->k);
	c->neg = nx_cpd_acc(c->neg, -z - c->k);
	if (c->pos > c->h)
		return 1;
	if (c->neg > c->h)
		return -1;
	return 0;
}
EXPORT_SYMBOL_GPL(nx_cusum_update);

/**
 * nx_ph_init() - set up a two-sided Page-Hinkley test
 * @p: state
 * @delta: tolerance in Q16.16 (magnitude of drift to ignore)
 * @lambda: threshold in Q16.16
 *
 * Return: nothing.
 */
void nx_ph_init(struct nx_ph *p, s32 delta, s32 lambda)
{
	memset(p, 0, sizeof(*p));
	p->delta = delta;
	p->lambda = lambda;
}
EXPORT_SYMBOL_GPL(nx_ph_init);

/**
 * nx_ph_reset() - forget the running mean and both statistics
 * @p: state
 *
 * Return: nothing.
 */
void nx_ph_reset(struct nx_ph *p)
{
	p->mean = 0;
	p->up = 0;
	p->down = 0;
	p->n = 0;
}
EXPORT_SYMBOL_GPL(nx_ph_reset);

/**
 * nx_ph_update() - feed one standardised sample
 * @p: state
 * @z: input in Q16.16 (clamped to +/-NX_CPD_ZMAX)
 *
 * Uses the recursive form PH_T = max(0, PH_{T-1} + z_T - mean_T - delta),
 * which equals m_T - min(m_t) of the textbook cumulative sum but cannot
 * overflow on long streams.
 *
 * Return: 1 on an upward change (PH_up > lambda), -1 on a downward one,
 * 0 otherwise.
 */
int nx_ph_update(struct nx_ph *p, s64 z)
{
	z = nx_cpd_clamp(z);
	if (p->n < (1U << 16))
		p->n++;
	p->mean += div64_s64(z - p->mean, p->n);
	p->up = nx_cpd_acc(p->up, z - p->mean - p->delta);
	p->down = nx_cpd_acc(p->down, p->mean - z - p->delta);
	if (p->up > p->lambda)
		return 1;
	if (p->down > p->lambda)
		return -1;
	return 0;
}
EXPORT_SYMBOL_GPL(nx_ph_update);
