/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_ewma.h - exponentially weighted mean, variance and mean absolute
 * deviation
 *
 * Formats: samples in sample units (|x| <= NX_VALUE_MAX); @mean and @absdev
 * in Q.8 sample units; @var in sample units squared, saturating at 2^62
 * (deviations above 2^31 sample units saturate); @alpha in Q16.16.
 * The variance recursion is West's: var' = (1 - a) * (var + a * d^2).
 */
#ifndef _NX_EWMA_H
#define _NX_EWMA_H

#include "nx_fixed.h"

/**
 * struct nx_ewma - EWMA state (32 bytes)
 * @mean: smoothed mean, Q.8 sample units
 * @var: smoothed variance, sample units squared
 * @absdev: smoothed absolute deviation from the mean, Q.8 sample units
 * @alpha: smoothing factor in Q16.16, (0, NX_Q16_ONE]
 * @n: samples seen, saturating at U32_MAX
 */
struct nx_ewma {
	s64 mean;
	u64 var;
	u64 absdev;
	u32 alpha;
	u32 n;
};

void nx_ewma_init(struct nx_ewma *e, u32 alpha);
void nx_ewma_update(struct nx_ewma *e, s64 x);
s64 nx_ewma_mean(const struct nx_ewma *e);
u64 nx_ewma_stddev_q8(const struct nx_ewma *e);
s64 nx_ewma_z_q16(const struct nx_ewma *e, s64 x);
u64 nx_sq_q8(s64 d);

#endif /* _NX_EWMA_H */
