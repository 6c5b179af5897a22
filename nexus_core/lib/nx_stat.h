/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_stat.h - Welch's two-sample t-test with a confidence interval of the
 * difference of the means, in fixed point
 *
 * Formats: samples in sample units, |x| < NX_STAT_VALUE_MAX (2^40); at most
 * NX_STAT_MAX_N samples per group.  Means, the difference and its interval
 * are reported in Q.8 sample units (value * 256); t in milli (t * 1000);
 * degrees of freedom as an integer, rounded down (which makes the critical
 * value, and so the test, conservative).  Critical values come from a
 * table of Student's t (two-sided 90 %, 95 % and 99 %) for 1..30, 40, 60,
 * 120 degrees of freedom and the normal limit; between 30 and infinity the
 * table's entry for the next lower df is used (again conservative).
 */
#ifndef _NX_STAT_H
#define _NX_STAT_H

#include "nx_compat.h"

#define NX_STAT_MAX_N		1024
#define NX_STAT_VALUE_MAX	((s64)BIT_ULL(40))
#define NX_STAT_Q		8

/**
 * struct nx_welch - the result of nx_welch_test()
 * @mean_a: mean of the first group (the "before"), Q.8
 * @mean_b: mean of the second group (the "after"), Q.8
 * @diff: @mean_b - @mean_a, Q.8
 * @se: standard error of @diff, Q.8
 * @ci_lo: lower bound of the confidence interval of @diff, Q.8
 * @ci_hi: upper bound, Q.8
 * @t_milli: Welch's t statistic x 1000, saturated at +-S32_MAX
 * @df: Welch-Satterthwaite degrees of freedom, rounded down, >= 1
 * @tcrit_milli: the two-sided critical t at @df and the confidence
 * @conf_permille: the confidence level used (900, 950 or 990)
 * @significant: 1 if the interval excludes 0 (|t| > critical t)
 */
struct nx_welch {
	s64 mean_a;
	s64 mean_b;
	s64 diff;
	s64 se;
	s64 ci_lo;
	s64 ci_hi;
	s32 t_milli;
	u32 df;
	u32 tcrit_milli;
	u32 conf_permille;
	int significant;
};

u32 nx_t_crit_milli(u32 df, u32 conf_permille);
int nx_welch_test(const s64 *a, u32 na, const s64 *b, u32 nb,
		  u32 conf_permille, struct nx_welch *r);

#endif /* _NX_STAT_H */
