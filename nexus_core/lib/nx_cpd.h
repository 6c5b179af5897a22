/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_cpd.h - change-point tests: two-sided CUSUM and Page-Hinkley
 *
 * Both take standardised inputs in Q16.16 (z-scores: 1.0 = one standard
 * deviation) and keep their statistics in Q16.16.  Inputs are clamped to
 * +/-NX_CPD_ZMAX so a single outlier moves a statistic by a bounded amount
 * and the statistics can never overflow (they are also capped at
 * NX_CPD_STAT_MAX).
 *
 * CUSUM (Page 1954): g+ = max(0, g+ + z - k), g- = max(0, g- - z - k);
 * alarm when either exceeds h.  Detects a mean shift of about 2k sigma.
 *
 * Page-Hinkley (Page 1954, Hinkley 1971): like CUSUM but against the
 * running mean of the input since the last reset, with tolerance delta and
 * threshold lambda; it needs no known in-control mean.
 */
#ifndef _NX_CPD_H
#define _NX_CPD_H

#include "nx_fixed.h"

#define NX_CPD_ZMAX		(16LL << NX_Q16_SHIFT)
#define NX_CPD_STAT_MAX		((s64)1 << 40)

/**
 * struct nx_cusum - two-sided CUSUM state (24 bytes)
 * @pos: upper statistic g+, Q16.16
 * @neg: lower statistic g-, Q16.16
 * @k: reference value (allowance), Q16.16
 * @h: decision threshold, Q16.16
 */
struct nx_cusum {
	s64 pos;
	s64 neg;
	s32 k;
	s32 h;
};

void nx_cusum_init(struct nx_cusum *c, s32 k, s32 h);
int nx_cusum_update(struct nx_cusum *c, s64 z);
void nx_cusum_reset(struct nx_cusum *c);

/**
 * struct nx_ph - two-sided Page-Hinkley state (40 bytes)
 * @mean: running mean of the input since the last reset, Q16.16
 * @up: statistic for an increase, Q16.16
 * @down: statistic for a decrease, Q16.16
 * @n: samples since the last reset (the mean's weight, capped at 2^16)
 * @delta: tolerated drift, Q16.16
 * @lambda: decision threshold, Q16.16
 */
struct nx_ph {
	s64 mean;
	s64 up;
	s64 down;
	u32 n;
	s32 delta;
	s32 lambda;
};

void nx_ph_init(struct nx_ph *p, s32 delta, s32 lambda);
int nx_ph_update(struct nx_ph *p, s64 z);
void nx_ph_reset(struct nx_ph *p);

#endif /* _NX_CPD_H */
