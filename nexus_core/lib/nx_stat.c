// SPDX-License-Identifier: GPL-2.0
/*
 * nx_stat.c - Welch's two-sample t-test in fixed point (formats in
 * nx_stat.h)
 *
 * Welch's test compares the means of two samples without assuming equal
 * variances:
 *
 *	t  = (mean_b - mean_a) / se,	se^2 = var_a / na + var_b / nb
 *	df = se^4 / ((var_a / na)^2 / (na - 1) + (var_b / nb)^2 / (nb - 1))
 *
 * and the confidence interval of the difference is diff +- t_crit(df) * se.
 *
 * Overflow: samples are below 2^40, so sums of up to 1024 samples fit in
 * 2^50 and their Q.8 form in 2^58.  Deviations from the mean (Q.8, below
 * 2^49) are shifted right by a common s so that the largest is below 2^26:
 * their squares are below 2^52 and a sum of 1024 of them below 2^62.  The
 * shift loses at most 2^-26 of the largest deviation.  For the degrees of
 * freedom the two variance terms are normalised so that the larger is in
 * [2^29, 2^30), which keeps their squares and the sum's square below 2^62.
 */
#include "nx_stat.h"
#include "nx_fixed.h"

/* Two-sided critical values of Student's t x 1000 (90 %, 95 %, 99 %). */
static const u16 nx_t_df[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 40, 60, 120,
};

static const u32 nx_t90[] = {
	6314, 2920, 2353, 2132, 2015, 1943, 1895, 1860, 1833, 1812,
	1796, 1782, 1771, 1761, 1753, 1746, 1740, 1734, 1729, 1725,
	1721, 1717, 1714, 1711, 1708, 1706, 1703, 1701, 1699, 1697,
	1684, 1671, 1658, 1645,
};

static const u32 nx_t95[] = {
	12706, 4303, 3182, 2776, 2571, 2447, 2365, 2306, 2262, 2228,
	2201, 2179, 2160, 2145, 2131, 2120, 2110, 2101, 2093, 2086,
	2080, 2074, 2069, 2064, 2060, 2056, 2052, 2048, 2045, 2042,
	2021, 2000, 1980, 1960,
};

static const u32 nx_t99[] = {
	63657, 9925, 5841, 4604, 4032, 3707, 3499, 3355, 3250, 3169,
	3106, 3055, 3012, 2977, 2947, 2921, 2898, 2878, 2861, 2845,
	2831, 2819, 2807, 2797, 2787, 2779, 2771, 2763, 2756, 2750,
	2704, 2660, 2617, 2576,
};

/**
 * nx_t_crit_milli() - two-sided critical value of Student's t
 * @df: degrees of freedom, >= 1 (0 is treated as 1)
 * @conf_permille: 900, 950 or 990
 *
 * Between tabulated degrees of freedom above 30 the entry of the next
 * lower one is used (a larger critical value: conservative); from 120 up
 * the 120 entry, and the normal limit only for @df of U32_MAX.
 *
 * Return: t x 1000, or 0 for an unsupported confidence.
 */
u32 nx_t_crit_milli(u32 df, u32 conf_permille)
{
	const u32 *tab;
	unsigned int i;

	switch (conf_permille) {
	case 900:
		tab = nx_t90;
		break;
	case 950:
		tab = nx_t95;
		break;
	case 990:
		tab = nx_t99;
		break;
	default:
		return 0;
	}
	if (df == U32_MAX)
		return tab[ARRAY_SIZE(nx_t_df)];
	if (!df)
		df = 1;
	for (i = ARRAY_SIZE(nx_t_df) - 1; i > 0; i--)
		if (df >= nx_t_df[i])
			break;
	return tab[i];
}
EXPORT_SYMBOL_GPL(nx_t_crit_milli);

static s64 nx_stat_mean_q(const s64 *x, u32 n)
{
	s64 sum = 0;
	u32 i;

	for (i = 0; i < n; i++)
		sum += x[i];
	return div64_s64(sum * (1 << NX_STAT_Q), n);
}

static u64 nx_stat_maxdev(const s64 *x, u32 n, s64 mean_q)
{
	u64 m = 0, d;
	u32 i;

	for (i = 0; i < n; i++) {
		d = nx_abs64(x[i] * (1 << NX_STAT_Q) - mean_q);
		if (d > m)
			m = d;
	}
	return m;
}

/* Sum of squared deviations, each shifted right by @s first. */
static u64 nx_stat_ss(const s64 *x, u32 n, s64 mean_q, u32 s)
{
	u64 ss = 0, d;
	u32 i;

	for (i = 0; i < n; i++) {
		d = nx_abs64(x[i] * (1 << NX_STAT_Q) - mean_q) >> s;
		ss += d * d;
	}
	return ss;
}

static bool nx_stat_valid(const s64 *x, u32 n)
{
	u32 i;

	if (!x || n < 2 || n > NX_STAT_MAX_N)
		return false;
	for (i = 0; i < n; i++)
		if (x[i] >= NX_STAT_VALUE_MAX || x[i] <= -NX_STAT_VALUE_MAX)
			return false;
	return true;
}

/* Welch-Satterthwaite df from the two variance terms (any common scale). */
static u32 nx_welch_df(u64 va, u32 na, u64 vb, u32 nb)
{
	u64 m = va > vb ? va : vb, num, den;
	u32 k, dfmax = na + nb - 2;

	if (!m)
		return dfmax;
	k = nx_ilog2(m);
	if (k > 29) {
		va >>= k - 29;
		vb >>= k - 29;
	} else {
		va <<= 29 - k;
		vb <<= 29 - k;
	}
	num = (va + vb) * (va + vb);
	den = div64_u64(va * va, na - 1) + div64_u64(vb * vb, nb - 1);
	if (!den)
		return dfmax;
	num = div64_u64(num, den);
	return (u32)clamp_t(u64, num, 1, dfmax);
}

/**
 * nx_welch_test() - Welch's t-test of two samples
 * @a: the first sample (e.g. the target metric before a change)
 * @na: its size, 2..NX_STAT_MAX_N
 * @b: the second sample (after)
 * @nb: its size, 2..NX_STAT_MAX_N
 * @conf_permille: confidence of the interval: 900, 950 or 990
 * @r: the result (formats in nx_stat.h)
 *
 * The difference is b - a: a positive @r->ci_lo means b's mean is larger
 * at the given confidence, a negative @r->ci_hi that it is smaller.
 *
 * Return: 0, or -1 (and @r untouched) for a NULL pointer, a sample size
 * out of range, a value with |x| >= 2^40 or an unsupported confidence.
 */
int nx_welch_test(const s64 *a, u32 na, const s64 *b, u32 nb,
		  u32 conf_permille, struct nx_welch *r)
{
	u64 maxdev, va, vb, se2, se16, se;
	u32 s = 0, tcrit;
	s64 ma, mb, diff, half, t;

	if (!r || !nx_stat_valid(a, na) || !nx_stat_valid(b, nb))
		return -1;
	tcrit = nx_t_crit_milli(1, conf_permille);
	if (!tcrit)
		return -1;

	ma = nx_stat_mean_q(a, na);
	mb = nx_stat_mean_q(b, nb);
	maxdev = max_t(u64, nx_stat_maxdev(a, na, ma), nx_stat_maxdev(b, nb, mb));
	if (maxdev >> 26)
		s = nx_ilog2(maxdev) - 25;

	/* variance terms var / n in (Q.8 >> s)^2 units */
	va = div64_u64(div64_u64(nx_stat_ss(a, na, ma, s), na - 1), na);
	vb = div64_u64(div64_u64(nx_stat_ss(b, nb, mb, s), nb - 1), nb);
	se2 = va + vb;

	/* se in Q.16 of the shifted units, then back to Q.8 sample units */
	if (se2 < (1ULL << 30))
		se16 = nx_isqrt(se2 << 32);
	else
		se16 = nx_isqrt(se2) << 16;
	if (s >= 16)
		se = se16 << (s - 16);
	else
		se = (se16 + (1ULL << (15 - s))) >> (16 - s);

	r->df = nx_welch_df(va, na, vb, nb);
	tcrit = nx_t_crit_milli(r->df, conf_permille);
	diff = mb - ma;
	if (se) {
		t = div64_s64(diff * 1000, (s64)se);
		t = clamp_t(s64, t, -S32_MAX, S32_MAX);
	} else {
		t = diff > 0 ? S32_MAX : diff < 0 ? -S32_MAX : 0;
	}
	half = nx_mul_div((s64)se, tcrit, 1000);

	r->mean_a = ma;
	r->mean_b = mb;
	r->diff = diff;
	r->se = (s64)se;
	r->ci_lo = diff - half;
	r->ci_hi = diff + half;
	r->t_milli = (s32)t;
	r->tcrit_milli = tcrit;
	r->conf_permille = conf_permille;
	r->significant = r->ci_lo > 0 || r->ci_hi < 0;
	return 0;
}
EXPORT_SYMBOL_GPL(nx_welch_test);
