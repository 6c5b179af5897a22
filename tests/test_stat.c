// SPDX-License-Identifier: GPL-2.0
/*
 * test_stat.c - host unit tests of nexus_core/lib/nx_stat (Welch's t-test)
 *
 * Expected values were computed in double precision (Python) from the
 * textbook formulas; the fixed-point results must agree within the stated
 * tolerance.  Two Monte Carlo checks: the false-positive rate of the 95 %
 * test on equal means, and its power on a shift of one standard deviation.
 */
#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "nx_stat.h"

static u64 lcg_state = 777;

static u32 lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33);
}

/* approximately normal, mean 0, sd ~ 1000 (Irwin-Hall of 12 uniforms) */
static s64 gauss1000(void)
{
	s64 s = 0;
	int i;

	for (i = 0; i < 12; i++)
		s += lcg() % 1000;
	return s - 6 * 999;
}

static double q8(s64 v)
{
	return v / 256.0;
}

static int near(double v, double want, double tol)
{
	return fabs(v - want) <= tol;
}

static void test_textbook(void)
{
	static const s64 a[] = { 19, 22, 16, 29, 24 };
	static const s64 b[] = { 20, 11, 17, 12 };
	struct nx_welch r = { 0 };
	int rc;

	tap_ok(nx_welch_test(a, 5, b, 4, 950, &r) == 0, "welch: textbook sample");
	tap_ok(near(q8(r.mean_a), 22.0, 0.01) && near(q8(r.mean_b), 15.0, 0.01) &&
	       near(q8(r.diff), -7.0, 0.01),
	       "welch: means 22 and 15 (got %.3f %.3f)", q8(r.mean_a), q8(r.mean_b));
	tap_ok(near(q8(r.se), 3.0659, 0.01) && near(r.t_milli, -2283, 10) &&
	       r.df == 6,
	       "welch: se 3.066, t -2.283, df 6 (got %.4f %d %u)", q8(r.se),
	       r.t_milli, r.df);
	tap_ok(r.tcrit_milli == 2447 && !r.significant &&
	       near(q8(r.ci_lo), -14.502, 0.03) && near(q8(r.ci_hi), 0.502, 0.03),
	       "welch: 95%% interval [-14.50, 0.50] includes 0 (got [%.3f, %.3f])",
	       q8(r.ci_lo), q8(r.ci_hi));
	rc = nx_welch_test(a, 5, b, 4, 900, &r);
	tap_ok(rc == 0 && r.significant &&
	       r.ci_hi < 0 && near(q8(r.ci_hi), -1.043, 0.03),
	       "welch: at 90%% the decrease is significant (ci_hi %.3f)",
	       q8(r.ci_hi));
}

static void test_cases(void)
{
	static const s64 a1[] = { 1000, 1010, 990, 1005, 995, 1002, 998, 1001 };
	static const s64 b1[] = { 1100, 1090, 1110, 1105, 1095, 1102, 1098, 1101 };
	static const s64 a2[] = { 3, 4, 3, 5, 4, 3, 4, 4 };
	static const s64 b2[] = { 4, 3, 4, 4, 3, 5, 3, 4 };
	static const s64 a3[] = { -500, -520, -480, -510 };
	static const s64 b3[] = { -400, -380, -420, -405, -395 };
	static const s64 c[] = { 7, 7, 7, 7 };
	static const s64 d[] = { 9, 9, 9 };
	s64 big_a[6], big_b[7];
	static const s64 da[] = { 5, -7, 3, 0, 9, -2 };
	static const s64 db[] = { 1, 8, -6, 2, 0, -3, 5 };
	struct nx_welch r = { 0 };
	int rc;
	int i;

	rc = nx_welch_test(a1, 8, b1, 8, 990, &r);
	tap_ok(rc == 0 && r.significant &&
	       near(q8(r.diff), 100.0, 0.01) && near(r.t_milli, 32888, 60) &&
	       r.df == 14 && r.tcrit_milli == 2977 && r.ci_lo > 0,
	       "welch: a clear +100 shift is significant at 99%% (t %d df %u)",
	       r.t_milli, r.df);
	rc = nx_welch_test(a2, 8, b2, 8, 950, &r);
	tap_ok(rc == 0 && !r.significant &&
	       r.diff == 0 && r.t_milli == 0 && near(q8(r.se), 0.3536, 0.01),
	       "welch: equal small-valued samples: not significant (se %.4f)",
	       q8(r.se));
	rc = nx_welch_test(a3, 4, b3, 5, 950, &r);
	tap_ok(rc == 0 && r.significant &&
	       near(q8(r.diff), 102.5, 0.01) && near(r.t_milli, 9541, 20) &&
	       r.df == 5 && r.tcrit_milli == 2571,
	       "welch: negative values, df 5.99 rounded down (t %d df %u)",
	       r.t_milli, r.df);
	rc = nx_welch_test(c, 4, d, 3, 950, &r);
	tap_ok(rc == 0 && r.se == 0 &&
	       r.significant && r.t_milli == S32_MAX && r.diff == 2 * 256,
	       "welch: constant samples: se 0, a difference is significant");
	rc = nx_welch_test(c, 4, c, 4, 950, &r);
	tap_ok(rc == 0 && !r.significant &&
	       r.t_milli == 0, "welch: identical constants: not significant");
	for (i = 0; i < 6; i++)
		big_a[i] = 1000000000000LL + da[i];
	for (i = 0; i < 7; i++)
		big_b[i] = 1000000000004LL + db[i];
	rc = nx_welch_test(big_a, 6, big_b, 7, 950, &r);
	tap_ok(rc == 0 &&
	       near(q8(r.diff), 3.6667, 0.01) && near(q8(r.se), 2.8961, 0.01) &&
	       near(r.t_milli, 1266, 10) && r.df == 9 && !r.significant,
	       "welch: values near 2^40 keep their precision (diff %.4f se %.4f)",
	       q8(r.diff), q8(r.se));
}

static void test_invalid(void)
{
	static const s64 a[] = { 1, 2, 3 };
	s64 huge[2] = { 1LL << 40, 0 };
	struct nx_welch r = { 0 };

	tap_ok(nx_welch_test(a, 1, a, 3, 950, &r) == -1 &&
	       nx_welch_test(a, 3, a, 3, 800, &r) == -1 &&
	       nx_welch_test(NULL, 3, a, 3, 950, &r) == -1 &&
	       nx_welch_test(a, 3, a, 3, 950, NULL) == -1 &&
	       nx_welch_test(a, 3, huge, 2, 950, &r) == -1 &&
	       nx_welch_test(a, NX_STAT_MAX_N + 1, a, 3, 950, &r) == -1,
	       "welch: refuses n < 2, n > max, |x| >= 2^40, NULL, bad confidence");
	tap_ok(nx_t_crit_milli(0, 950) == 12706 && nx_t_crit_milli(35, 950) == 2042 &&
	       nx_t_crit_milli(1000, 950) == 1980 &&
	       nx_t_crit_milli(U32_MAX, 950) == 1960 && nx_t_crit_milli(5, 951) == 0,
	       "t_crit: df 0 as 1, between rows the lower row, the normal limit");
}

/* 2000 trials of n = 16 against 16: equal means and a 1-sd shift. */
static void test_monte_carlo(void)
{
	s64 a[16], b[16];
	int trial, i, fp = 0, hit = 0, cover = 0;
	struct nx_welch r = { 0 };

	for (trial = 0; trial < 2000; trial++) {
		for (i = 0; i < 16; i++) {
			a[i] = 5000 + gauss1000();
			b[i] = 5000 + gauss1000();
		}
		nx_welch_test(a, 16, b, 16, 950, &r);
		fp += r.significant;
		cover += r.ci_lo <= 0 && r.ci_hi >= 0;
		for (i = 0; i < 16; i++)
			b[i] += 1000;
		nx_welch_test(a, 16, b, 16, 950, &r);
		hit += r.significant && r.ci_lo > 0;
	}
	tap_ok(fp >= 40 && fp <= 160,
	       "welch: false positives on equal means %d / 2000 (about 5%%)", fp);
	tap_ok(cover >= 1840, "welch: 95%% interval covers the true 0 in %d / 2000",
	       cover);
	tap_ok(hit >= 1400, "welch: a 1-sd shift found in %d / 2000 (power ~0.78)",
	       hit);
}

int main(void)
{
	tap_plan(16);
	test_textbook();
	test_cases();
	test_invalid();
	test_monte_carlo();
	return tap_done();
}
