// SPDX-License-Identifier: GPL-2.0
/*
 * test_lib.c - host unit tests of nexus_core/lib against known inputs
 */
#include <math.h>
#include <stdlib.h>

#include "tap.h"
#include "nx_anomaly.h"
#include "nx_cpd.h"
#include "nx_ctx.h"
#include "nx_ewma.h"
#include "nx_fixed.h"
#include "nx_forecast.h"
#include "nx_holt.h"
#include "nx_linreg.h"
#include "nx_quantile.h"
#include "nx_shift.h"

static u64 lcg_state = 12345;

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
	return s - 6 * 999 + 0;
}

/* Laplace noise of scale 700 (heavy tails next to gauss1000()) */
static s64 laplace700(void)
{
	double u = (lcg() % 1000000 + 1) / 1000001.0;
	s64 v = (s64)(-log(u) * 700);

	return (lcg() & 1) ? v : -v;
}

static int near(s64 v, s64 want, s64 tol)
{
	return v >= want - tol && v <= want + tol;
}

static void test_fixed(void)
{
	tap_ok(nx_isqrt(0) == 0 && nx_isqrt(15) == 3 && nx_isqrt(16) == 4 &&
	       nx_isqrt(U64_MAX) == 4294967295ULL,
	       "isqrt: 0, 15, 16, U64_MAX");
	tap_ok(nx_q16_div(1, 2) == 32768 && nx_q16_div(-3, 2) == -98304,
	       "q16_div: 1/2 and -3/2");
	tap_ok(nx_q16_div(S64_MAX, 1) == S64_MAX && nx_q16_div(-5, 0) == -S64_MAX &&
	       nx_q16_div(0, 0) == 0, "q16_div saturates and handles /0");
	tap_ok(nx_q16_div(1LL << 60, 1LL << 59) == 2 * NX_Q16_ONE,
	       "q16_div with operands beyond 2^47");
	tap_ok(nx_log2_q16(1024) == 10 << 16 && near(nx_log2_q16(3), 103872, 4),
	       "log2_q16: 1024 exact, 3 ~ 1.58496 (got %d)", nx_log2_q16(3));
	tap_ok(nx_symlog2(0) == 0 && nx_symlog2(1) == NX_Q16_ONE &&
	       nx_symlog2(-1) == -NX_Q16_ONE && nx_symlog2(3) == 2 << 16 &&
	       nx_symlog2(1023) == 10 << 16 && nx_symlog2(-1023) == -(10 << 16) &&
	       near(nx_symlog2(2), 103872, 4) && near(nx_symlog2(-2), -103872, 4),
	       "symlog2: 0, +-1, 3, +-1023 exact, +-2 ~ +-1.58496 (got %d)",
	       nx_symlog2(2));
	tap_ok(nx_symlog2(S64_MAX) == 63 << 16 && nx_symlog2(S64_MIN) == -(63 << 16) &&
	       nx_symlog2(NX_VALUE_MAX) == 40 << 16 &&
	       nx_symlog2(-NX_VALUE_MAX) == -(40 << 16),
	       "symlog2: S64_MAX, S64_MIN, +-NX_VALUE_MAX (got %d, %d)",
	       nx_symlog2(S64_MAX), nx_symlog2(S64_MIN));
	tap_ok(nx_exp2_neg_q16(0) == 65536 && nx_exp2_neg_q16(1 << 16) == 32768 &&
	       near(nx_exp2_neg_q16(1 << 15), 46341, 80) &&
	       nx_exp2_neg_q16(40 << 16) == 0, "exp2_neg_q16: 0, 1, 0.5, 40");
	tap_ok(nx_mul_div(1LL << 40, 1000, 1000) == 1LL << 40 &&
	       nx_mul_div(-7, 3, 2) == -10 &&
	       nx_mul_div(S64_MAX, 4, 2) == S64_MAX,
	       "mul_div: exact, negative, saturating");
	tap_ok(nx_fx_scale(-3 * 65536, 32768) == -98304 &&
	       nx_fx_scale(1LL << 61, NX_Q16_ONE) == 1LL << 61,
	       "fx_scale: negative and large operands");
}

static void test_ewma(void)
{
	struct nx_ewma e;
	int i;

	nx_ewma_init(&e, NX_Q16_ONE / 8);
	for (i = 0; i < 100; i++)
		nx_ewma_update(&e, 12345);
	tap_ok(nx_ewma_mean(&e) == 12345 && e.var == 0,
	       "ewma: constant input gives exact mean, zero variance");
	nx_ewma_init(&e, NX_Q16_ONE / 8);
	for (i = 0; i < 400; i++)
		nx_ewma_update(&e, i & 1 ? 2000 : 1000);
	tap_ok(near(nx_ewma_mean(&e), 1500, 70) &&
	       near((s64)nx_ewma_stddev_q8(&e) >> 8, 500, 40),
	       "ewma: alternating 1000/2000 -> mean ~1500, sd ~500 (got %lld, %llu)",
	       (long long)nx_ewma_mean(&e),
	       (unsigned long long)nx_ewma_stddev_q8(&e) >> 8);
	tap_ok(near(nx_ewma_z_q16(&e, 2500) >> 16, 2, 1),
	       "ewma: z of 2500 is about 2");
	nx_ewma_init(&e, NX_Q16_ONE / 2);
	nx_ewma_update(&e, NX_VALUE_MAX);
	nx_ewma_update(&e, -NX_VALUE_MAX);
	tap_ok(e.var <= (1ULL << 62) && nx_ewma_mean(&e) == 0,
	       "ewma: extreme values saturate without overflow");
}

static void test_quantile(void)
{
	static s64 perm[10001];
	struct nx_p2 p50, p90;
	struct nx_qtrack q;
	u64 saved;
	int i;

	for (i = 0; i < 10001; i++)
		perm[i] = i + 1;
	for (i = 10000; i > 0; i--) {
		int j = (int)(lcg() % (u32)(i + 1));
		s64 t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	nx_p2_init(&p50, NX_Q16_ONE / 2);
	nx_p2_init(&p90, NX_Q16_ONE * 9 / 10);
	for (i = 0; i < 10001; i++) {
		nx_p2_update(&p50, perm[i]);
		nx_p2_update(&p90, perm[i]);
	}
	tap_ok(near(nx_vround(nx_p2_get(&p50)), 5001, 100),
	       "p2: median of a permutation of 1..10001 (got %lld)",
	       (long long)nx_vround(nx_p2_get(&p50)));
	tap_ok(near(nx_vround(nx_p2_get(&p90)), 9001, 150),
	       "p2: 90th percentile (got %lld)",
	       (long long)nx_vround(nx_p2_get(&p90)));
	nx_p2_init(&p50, NX_Q16_ONE / 2);
	nx_p2_update(&p50, 30);
	nx_p2_update(&p50, 10);
	nx_p2_update(&p50, 20);
	tap_ok(nx_vround(nx_p2_get(&p50)) == 20,
	       "p2: median of three samples before the markers exist");
	nx_p2_init(&p50, NX_Q16_ONE / 2);
	for (i = 0; i < 3 * NX_P2_MAXN; i++)
		nx_p2_update(&p50, i < 2 * NX_P2_MAXN ? 100 : 5000);
	tap_ok(nx_vround(nx_p2_get(&p50)) > 100,
	       "p2: ageing lets the median follow a level change (got %lld)",
	       (long long)nx_vround(nx_p2_get(&p50)));
	nx_qtrack_init(&q, NX_Q16_ONE / 2);
	for (i = 0; i < 100; i++)
		nx_qtrack_update(&q, nx_vq(777), nx_vq(5));
	tap_ok(q.q == nx_vq(777), "qtrack: constant input tracked exactly");
	for (i = 0; i < 20000; i++)
		nx_qtrack_update(&q, nx_vq((s64)(lcg() % 1000)), nx_vq(4));
	tap_ok(near(nx_vround(q.q), 500, 40),
	       "qtrack: median of uniform 0..999 (got %lld)",
	       (long long)nx_vround(q.q));
	/* The anomaly likelihood's tail tracker: tau 0.99, from below. */
	saved = lcg_state;
	nx_qtrack_init(&q, 64880);
	nx_qtrack_update(&q, 0, 0);
	for (i = 0; i < 1000; i++)
		nx_qtrack_update(&q, nx_vq((s64)(lcg() % 1000)), nx_vq(16));
	tap_ok(near(nx_vround(q.q), 990, 15),
	       "qtrack: 99th percentile of uniform 0..999, reached from 0 in 1000 samples (got %lld)",
	       (long long)nx_vround(q.q));
	for (i = 0; i < 200000; i++)
		nx_qtrack_update(&q, nx_vq((s64)(lcg() % 1000)), nx_vq(4));
	tap_ok(near(nx_vround(q.q), 990, 5),
	       "qtrack: 99th percentile of uniform 0..999 (got %lld)",
	       (long long)nx_vround(q.q));
	lcg_state = saved;	/* the later tests' inputs stay as they were */
}

static void test_cpd(void)
{
	struct nx_cusum c;
	struct nx_ph p;
	int i, r = 0, at = -1;

	nx_cusum_init(&c, NX_Q16_ONE / 2, 5 * NX_Q16_ONE);
	for (i = 0; i < 100; i++)
		r |= nx_cusum_update(&c, 0);
	for (i = 1; i <= 50 && at < 0; i++)
		if (nx_cusum_update(&c, NX_Q16_ONE) == 1)
			at = i;
	tap_ok(!r && at == 11,
	       "cusum: silent in control, +1 sigma shift alarms at sample 11 (got %d)",
	       at);
	nx_cusum_reset(&c);
	for (i = 0, r = 0; i < 20 && !r; i++)
		r = nx_cusum_update(&c, -2 * NX_Q16_ONE);
	tap_ok(r == -1 && i == 4, "cusum: -2 sigma shift alarms low at sample 4");

	nx_ph_init(&p, NX_Q16_ONE / 4, 8 * NX_Q16_ONE);
	for (i = 0, r = 0; i < 1000; i++)
		r |= nx_ph_update(&p, i & 1 ? NX_Q16_ONE : -NX_Q16_ONE);
	tap_ok(!r, "page-hinkley: no alarm on a stationary +/-1 input");
	for (i = 0, r = 0; i < 100 && !r; i++)
		r = nx_ph_update(&p, 3 * NX_Q16_ONE);
	tap_ok(r == 1 && i <= 5, "page-hinkley: step to +3 alarms up within 5 samples (took %d)",
	       i);
	nx_ph_reset(&p);
	for (i = 0; i < 200; i++)
		nx_ph_update(&p, 0);
	for (i = 0, r = 0; i < 100 && !r; i++)
		r = nx_ph_update(&p, -3 * NX_Q16_ONE);
	tap_ok(r == -1, "page-hinkley: step down alarms down");
}

static void test_holt(void)
{
	struct nx_holt h;
	double sq = 0, rms;
	s64 f;
	u64 w1, w10;
	int t;

	nx_holt_init(&h, NX_Q16_ONE / 2, NX_Q16_ONE / 2, NX_Q16_ONE);
	for (t = 0; t < 100; t++)
		nx_holt_update(&h, 1000 + 10 * t);
	f = nx_holt_forecast(&h, 5);
	tap_ok(near(f, 1000 + 10 * 104, 2),
	       "holt: undamped linear trend forecast 5 ahead (got %lld)",
	       (long long)f);
	tap_ok(nx_holt_halfwidth(&h, 10, 128450) <= 2,
	       "holt: exact fit gives a near-zero interval");
	nx_holt_init(&h, NX_Q16_ONE / 2, NX_Q16_ONE / 2, NX_Q16_ONE * 9 / 10);
	for (t = 0; t < 200; t++)
		nx_holt_update(&h, 1000 + 10 * t);
	f = nx_holt_forecast(&h, 1000);
	tap_ok(f > 1000 + 10 * 199 && f <= 1000 + 10 * 199 + 10 * 9 + 20,
	       "holt: damped trend (phi 0.9) levels off (got %lld)",
	       (long long)f);
	nx_holt_init(&h, NX_Q16_ONE * 3 / 10, NX_Q16_ONE / 10,
		     NX_Q16_ONE * 95 / 100);
	for (t = 0; t < 4000; t++) {
		s64 e = nx_holt_update(&h, 100000 + gauss1000());

		if (t >= 1000)
			sq += (double)e * (double)e;
	}
	rms = sqrt(sq / 3000);
	w1 = nx_holt_halfwidth(&h, 1, 128450);
	w10 = nx_holt_halfwidth(&h, 10, 128450);
	tap_ok(w1 > 1.96 * rms * 0.7 && w1 < 1.96 * rms * 1.3 && w10 > w1,
	       "holt: 95%% half width ~1.96 x rms one-step error %.0f, widening (h1 %llu, h10 %llu)",
	       rms, (unsigned long long)w1, (unsigned long long)w10);
}

static void test_linreg(void)
{
	struct nx_linreg r;
	struct nx_linfit fit;
	int t, ok;

	nx_linreg_init(&r);
	tap_ok(nx_linreg_fit(&r, &fit) == -1, "linreg: no fit without points");
	for (t = 0; t < 40; t++)
		nx_linreg_add(&r, t, 3 * t + 7);
	ok = !nx_linreg_fit(&r, &fit);
	tap_ok(ok && nx_linfit_at(&fit, 50) == 157 &&
	       nx_linfit_at(&fit, 39) == 124,
	       "linreg: exact line, value at t=50 (got %lld)",
	       ok ? (long long)nx_linfit_at(&fit, 50) : -1LL);
	tap_ok(near(nx_linfit_time_to(&fit, 224), 33, 1) &&
	       nx_linfit_time_to(&fit, 100) == -1,
	       "linreg: time to threshold ahead, -1 behind");
	nx_linreg_init(&r);
	for (t = 0; t < 32; t++)
		nx_linreg_add(&r, 1420070400LL + 300 * t, 500000 - 250 * t);
	ok = !nx_linreg_fit(&r, &fit);
	tap_ok(ok &&
	       near(nx_linfit_at(&fit, 1420070400LL + 300 * 41),
		    500000 - 250 * 41, 2) &&
	       near(nx_linfit_time_to(&fit, 0), 300LL * 2000 - 300 * 31, 600),
	       "linreg: epoch timestamps, falling line, time to zero");
	nx_linreg_init(&r);
	for (t = 0; t < 10; t++)
		nx_linreg_add(&r, t, 42);
	ok = !nx_linreg_fit(&r, &fit);
	tap_ok(ok && nx_linfit_time_to(&fit, 50) == -1 &&
	       nx_linfit_at(&fit, 1000) == 42, "linreg: flat line never crosses");
}

static void test_ctx(void)
{
	struct nx_ctx c;
	int i, fresh = 0, ok = 1;

	tap_ok(sizeof(struct nx_ctx) <= 40, "ctx: state is %zu bytes",
	       sizeof(struct nx_ctx));

	nx_ctx_init(&c);
	for (i = 0; i < 100; i++)
		fresh += nx_ctx_update(&c, 5000);
	tap_ok(fresh == 1 && nx_ctx_bin(&c, 5000) == 0,
	       "ctx: a constant series is novel once, at its first transition");

	/* range [0, 799]: eight bins of 100 */
	nx_ctx_init(&c);
	nx_ctx_update(&c, 0);
	nx_ctx_update(&c, 799);
	tap_ok(nx_ctx_bin(&c, 0) == 0 && nx_ctx_bin(&c, 99) == 0 &&
	       nx_ctx_bin(&c, 100) == 1 && nx_ctx_bin(&c, 450) == 4 &&
	       nx_ctx_bin(&c, 799) == 7 && nx_ctx_bin(&c, -50) == 0 &&
	       nx_ctx_bin(&c, 5000) == 7,
	       "ctx: bins split the range seen so far, outside values clamp");

	/* 0, 799, 0, 799, ...: only the first 0 -> 7 and 7 -> 0 are new */
	nx_ctx_init(&c);
	fresh = 0;
	for (i = 0; i < 50; i++) {
		bool f = nx_ctx_update(&c, (i & 1) ? 799 : 0);

		if (f != (i == 1 || i == 2))
			ok = 0;
		fresh += f;
	}
	tap_ok(ok && fresh == 2,
	       "ctx: each transition is novel once (%d novel)", fresh);
	/* a middle value: 7 -> 3 is new, then 3 -> 0, then 0 -> 3 */
	ok = nx_ctx_update(&c, 399) && nx_ctx_update(&c, 0) &&
	     nx_ctx_update(&c, 399) && !nx_ctx_update(&c, 0) &&
	     !nx_ctx_update(&c, 799);
	tap_ok(ok, "ctx: a new level is novel, its repeats are not");
	/* a new maximum doubles the range: 799 drops from bin 7 to bin 3 */
	ok = nx_ctx_update(&c, 1599) && nx_ctx_bin(&c, 799) == 3 &&
	     nx_ctx_bin(&c, 1599) == 7;
	tap_ok(ok, "ctx: a new extreme is novel and rescales the bins");
	/* 0 -> 7 and the first 7 -> 7 are new, the next four 7 -> 7 not */
	nx_ctx_init(&c);
	nx_ctx_update(&c, 0);
	for (i = 0; i < 6; i++)
		nx_ctx_update(&c, 799);
	ok = c.calm == 4;
	tap_ok(ok && nx_ctx_update(&c, 0) && c.calm == 0,
	       "ctx: calm counts the samples since the last new transition");
}

/* feed samples *i..to-1 of Gaussian noise (sd 1000 around 100000) */
static void anom_noise(struct nx_anomaly *a, int *i, int to)
{
	for (; *i < to; (*i)++)
		nx_anomaly_update(a, 1400000000 + 300 * *i,
				  100000 + gauss1000());
}

/*
 * A fresh detector fed 500 samples at 10^6, then 1500 of noise near 100
 * (seeded by @seed): the log context test's range spans four decades, the
 * linear tests' bins are 125000 wide.  Returns the next sample's index.
 */
static int near_zero_after_high(struct nx_anomaly *a,
				const struct nx_anomaly_cfg *cfg, int seed)
{
	int i;

	lcg_state = seed;
	nx_anomaly_init(a, cfg);
	for (i = 0; i < 2000; i++)
		nx_anomaly_update(a, 1400000000 + 300 * i,
				  i < 500 ? 1000000 : 100 + gauss1000() / 100);
	return i;
}

/*
 * A fresh detector fed 2000 samples of uniform noise over 100000..108000
 * (seeded by @seed), then @jump: returns the jump's score.
 */
static u32 jump_after_uniform(struct nx_anomaly *a,
			      const struct nx_anomaly_cfg *cfg, int seed,
			      s64 jump)
{
	int i;

	lcg_state = seed;
	nx_anomaly_init(a, cfg);
	for (i = 0; i < 2000; i++)
		nx_anomaly_update(a, 1400000000 + 300 * i,
				  100000 + lcg() % 8000);
	return nx_anomaly_update(a, 1400000000 + 300 * i, jump);
}

static void test_anomaly(void)
{
	struct nx_anomaly *a = malloc(sizeof(*a));
	struct nx_anomaly_record rec;
	u64 saved;
	u32 s, maxs = 0, spike;
	int i, zero = 1, learn0 = 1, rec_ok = 0;

	tap_ok(sizeof(struct nx_anomaly) < 4096,
	       "anomaly: state is %zu bytes (< 4 KiB)", sizeof(struct nx_anomaly));

	nx_anomaly_init(a, NULL);
	for (i = 0; i < 3000; i++)
		if (nx_anomaly_update(a, 1400000000 + 300 * i, 5000))
			zero = 0;
	tap_ok(zero, "anomaly: a constant series scores 0 throughout");

	nx_anomaly_init(a, NULL);
	for (i = 0; i < 3000; i++) {
		s = nx_anomaly_update(a, 1400000000 + 300 * i,
				      100000 + gauss1000());
		if (i < (int)a->cfg.learn && s)
			learn0 = 0;
		if (i >= 1000 && s > maxs)
			maxs = s;
	}
	spike = nx_anomaly_update(a, 1400000000 + 300 * 3000, 100000 + 20000);
	tap_ok(learn0, "anomaly: scores 0 during the learning period");
	tap_ok(spike >= 800 && spike > maxs,
	       "anomaly: 20-sigma spike scores %u, noise at most %u", spike,
	       maxs);
	for (i = 3001; i < 3100; i++)
		nx_anomaly_update(a, 1400000000 + 300 * i, 100000 + gauss1000());
	while (nx_anomaly_take_record(a, &rec))
		if (rec.start == 1400000000 + 300 * 3000 && rec.direction == 1 &&
		    (rec.tests & (NX_ANOM_T_SPIKE | NX_ANOM_T_SEASON)) &&
		    rec.peak_score == spike)
			rec_ok = 1;
	tap_ok(rec_ok, "anomaly: the spike closes as one upward record");

	/*
	 * Rest period: a second spike of the same size within NX_A_REST
	 * samples of the first is the same event and scores 0; one five
	 * times as large is a new event and is scored.
	 */
	{
		u32 first, again, larger;

		nx_anomaly_init(a, NULL);
		for (i = 0; i < 3000; i++)
			nx_anomaly_update(a, 1400000000 + 300 * i,
					  100000 + gauss1000());
		first = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		for (; i < 3010; i++)
			nx_anomaly_update(a, 1400000000 + 300 * i,
					  100000 + gauss1000());
		again = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		for (; i < 3020; i++)
			nx_anomaly_update(a, 1400000000 + 300 * i,
					  100000 + gauss1000());
		larger = nx_anomaly_update(a, 1400000000 + 300 * i++, 200000);
		tap_ok(first >= 850 && !again && larger >= 850,
		       "anomaly: rest period holds a repeat (%u, %u) but not a 5x larger spike (%u)",
		       first, again, larger);
	}

	/*
	 * The rest period grows with the samples seen: 1/32 of them, at
	 * least 50 and at most 512.  At 6400 samples (a rest of 200) a repeat
	 * 120 samples after a spike is held (and restarts the rest); one 210
	 * samples after the held repeat is scored.  At 40000 samples the cap
	 * applies: a repeat 600 samples later is scored, not held for 1250.
	 */
	{
		u32 first, again, later, capped;

		nx_anomaly_init(a, NULL);
		i = 0;
		anom_noise(a, &i, 6400);
		first = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		anom_noise(a, &i, 6520);
		again = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		anom_noise(a, &i, 6731);
		later = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		tap_ok(first >= 850 && !again && later >= 750,
		       "anomaly: rest period of 1/32 of 6400 samples holds a repeat after 120 (%u, %u) but not after 210 more (%u)",
		       first, again, later);

		nx_anomaly_init(a, NULL);
		i = 0;
		anom_noise(a, &i, 40000);
		first = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		anom_noise(a, &i, 40600);
		capped = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		tap_ok(first >= 850 && capped >= 750,
		       "anomaly: the rest period is capped at 512 samples (%u, then %u after 600)",
		       first, capped);
	}

	/*
	 * No refractory memory: a second, smaller event after the rest period
	 * is scored on its own surprise (the peak memory this replaced held
	 * a 10-sigma spike 60 samples after a 20-sigma one at about 370).
	 * At 3000 samples the rest period is 3000 / 32 = 93 samples, so the
	 * second spike comes 110 samples after the first.
	 * Likelihood only: a context test may score either at 1000.
	 */
	{
		struct nx_anomaly_cfg cfg;
		u32 first, second;

		nx_anomaly_default_cfg(&cfg);
		cfg.tests = NX_ANOM_T_ALL & ~(NX_ANOM_T_CTX | NX_ANOM_T_LOG);
		saved = lcg_state;
		nx_anomaly_init(a, &cfg);
		for (i = 0; i < 3000; i++)
			nx_anomaly_update(a, 1400000000 + 300 * i,
					  100000 + gauss1000());
		first = nx_anomaly_update(a, 1400000000 + 300 * i++, 120000);
		for (; i < 3110; i++)
			nx_anomaly_update(a, 1400000000 + 300 * i,
					  100000 + gauss1000());
		second = nx_anomaly_update(a, 1400000000 + 300 * i, 110000);
		tap_ok(first >= 850 && second >= 750 && second < first,
		       "anomaly: a 10-sigma spike 110 samples after a 20-sigma one scores %u (first %u)",
		       second, first);
	}

	/*
	 * Tail calibration: heavy-tailed noise is this metric's normal, not
	 * an anomaly.  Likelihood only (no context tests), 3 x 19000 scored
	 * samples: Laplace noise gave 71 scores >= 700 when the likelihood
	 * was scaled by the stddev of u; Gaussian noise gives almost none.
	 */
	{
		struct nx_anomaly_cfg cfg;
		int seed, k, n[2] = { 0, 0 };

		nx_anomaly_default_cfg(&cfg);
		cfg.tests = NX_ANOM_T_ALL & ~(NX_ANOM_T_CTX | NX_ANOM_T_LOG);
		for (k = 0; k < 2; k++)
			for (seed = 1; seed <= 3; seed++) {
				lcg_state = seed * 777;
				nx_anomaly_init(a, &cfg);
				for (i = 0; i < 20000; i++) {
					s64 v = 100000 + (k ? laplace700() : gauss1000());

					s = nx_anomaly_update(a, 1400000000 + 300 * i, v);
					if (i >= 1000 && s >= 700)
						n[k]++;
				}
			}
		tap_ok(n[0] <= 6 && n[1] <= 20,
		       "anomaly: pure noise, scores >= 700 in 57000 samples: Gaussian %d, Laplace %d",
		       n[0], n[1]);
	}

	/*
	 * The slow context (nx_ctx on an EWMA of the value): a jump to 20000
	 * over uniform noise of 0..8000 makes no new raw transition (every
	 * bin pair is seen), but the smoothed series jumps to where it never
	 * was.  8 seeds: with the context tests it scores 1000 in most, the
	 * likelihood alone never gets there.
	 */
	{
		struct nx_anomaly_cfg cfg;
		int seed, k, n[2] = { 0, 0 };

		nx_anomaly_default_cfg(&cfg);
		for (k = 0; k < 2; k++) {
			cfg.tests = k ? NX_ANOM_T_ALL & ~(NX_ANOM_T_CTX | NX_ANOM_T_LOG) :
				    NX_ANOM_T_ALL & ~NX_ANOM_T_LOG;
			for (seed = 1; seed <= 8; seed++)
				if (jump_after_uniform(a, &cfg, seed, 120000) ==
				    NX_ANOM_SCORE_MAX)
					n[k]++;
		}
		tap_ok(n[0] >= 4 && n[1] == 0,
		       "anomaly: a jump beyond the smoothed range scores 1000 in %d of 8 series (%d without context tests)",
		       n[0], n[1]);
		lcg_state = saved;
	}

	/*
	 * The sensitivity moves the context tests' gate (6 sigma at 0, 3 at
	 * 500, 2 at 1000): over the same noise, a jump to 114000 fires a
	 * context test in 5 of 8 series at sensitivity 500, in none at 0
	 * (where its likelihood score stays below alarm_on too), and in at
	 * least as many at 1000 as at 500.
	 */
	{
		static const u32 sens[3] = { 0, 500, 1000 };
		struct nx_anomaly_cfg cfg;
		int seed, k, n[3] = { 0, 0, 0 };

		nx_anomaly_default_cfg(&cfg);
		for (k = 0; k < 3; k++) {
			cfg.sensitivity = sens[k];
			for (seed = 1; seed <= 8; seed++) {
				s = jump_after_uniform(a, &cfg, seed, 114000);
				if (a->last_tests & (NX_ANOM_T_CTX | NX_ANOM_T_LOG))
					n[k]++;
				if (!k && s >= cfg.alarm_on)
					n[0] += 100;
			}
		}
		tap_ok(n[0] == 0 && n[1] >= 4 && n[2] >= n[1],
		       "anomaly: sensitivity 0, 500, 1000: the context tests fire on the jump in %d, %d, %d of 8 series",
		       n[0], n[1], n[2]);
		lcg_state = saved;
	}

	/*
	 * The log-scale context (nx_ctx on nx_symlog2 of the value): a metric
	 * that spent 500 samples at 10^6 idles near 100 (noise sigma 10),
	 * then jumps tenfold to 1000.  On the linear range (100..10^6, bins
	 * of 125000) that is no new transition; on the log range it is a
	 * jump across two bins never made.  8 seeds: the log test fires in
	 * all (its bit set, score 1000), and without it (the linear context
	 * tests still on) it never fires and never scores 1000.
	 */
	{
		struct nx_anomaly_cfg cfg;
		int seed, k, n[2] = { 0, 0 }, top[2] = { 0, 0 };

		nx_anomaly_default_cfg(&cfg);
		for (k = 0; k < 2; k++) {
			cfg.tests = k ? NX_ANOM_T_ALL & ~NX_ANOM_T_LOG : NX_ANOM_T_ALL;
			for (seed = 1; seed <= 8; seed++) {
				i = near_zero_after_high(a, &cfg, seed);
				s = nx_anomaly_update(a, 1400000000 + 300 * i, 1000);
				if (a->last_tests & NX_ANOM_T_LOG)
					n[k]++;
				if (s == NX_ANOM_SCORE_MAX)
					top[k]++;
			}
		}
		tap_ok(n[0] == 8 && top[0] == 8 && n[1] == 0 && top[1] == 0,
		       "anomaly: a tenfold jump near zero fires the log context in %d of 8 series, scores 1000 in %d (without it: %d, %d)",
		       n[0], top[0], n[1], top[1]);
		lcg_state = saved;
	}

	/*
	 * A context test still finding new transitions does not alarm on
	 * one more (NX_A_CALM): the tenfold jump above fires the log
	 * context; a second jump to 4000 six samples later (the jump and the
	 * return from it were new transitions) does not, though the
	 * likelihood still scores it; a third, to 16000, 40 samples later
	 * fires it again.  Without the gate the second fires in every seed
	 * (as the 4-sigma wobbles of a steady load did in the test VM).
	 */
	{
		struct nx_anomaly_cfg cfg;
		int seed, n[3] = { 0, 0, 0 }, held = 0;
		u32 second;

		nx_anomaly_default_cfg(&cfg);
		for (seed = 1; seed <= 8; seed++) {
			i = near_zero_after_high(a, &cfg, seed);
			nx_anomaly_update(a, 1400000000 + 300 * i++, 1000);
			n[0] += !!(a->last_tests & NX_ANOM_T_LOG);
			for (; i < 2006; i++)
				nx_anomaly_update(a, 1400000000 + 300 * i,
						  100 + gauss1000() / 100);
			second = nx_anomaly_update(a, 1400000000 + 300 * i++, 4000);
			n[1] += !!(a->last_tests & NX_ANOM_T_LOG);
			held += second >= a->cfg.alarm_on;
			for (; i < 2047; i++)
				nx_anomaly_update(a, 1400000000 + 300 * i,
						  100 + gauss1000() / 100);
			nx_anomaly_update(a, 1400000000 + 300 * i, 16000);
			n[2] += !!(a->last_tests & NX_ANOM_T_LOG);
		}
		tap_ok(n[0] == 8 && n[1] == 0 && held == 8 && n[2] == 8,
		       "anomaly: the log context fires on a jump in %d of 8 series, on a second one 6 samples later in %d (scored >= alarm_on by the likelihood in %d), 40 samples later in %d",
		       n[0], n[1], held, n[2]);
		lcg_state = saved;
	}

	/*
	 * ... but a sample that at least doubles the range a context test
	 * has seen is no extreme of noise: 150 samples of idle cpu.util
	 * (10 to 50 permille, every context matrix still filling), then a
	 * CPU storm to 1000 fires a context test in 6 of 8 seeds (3 without
	 * the exception; in the other two no context test sees a new
	 * transition: bottom to top bin was seen before the range grew).
	 */
	{
		int seed, n = 0;

		for (seed = 1; seed <= 8; seed++) {
			lcg_state = seed;
			nx_anomaly_init(a, NULL);
			for (i = 0; i < 150; i++)
				nx_anomaly_update(a, 1400000000 + i / 5,
						  10 + lcg() % 41);
			s = nx_anomaly_update(a, 1400000000 + i / 5, 1000);
			if (s == NX_ANOM_SCORE_MAX &&
			    (a->last_tests & (NX_ANOM_T_CTX | NX_ANOM_T_LOG)))
				n++;
		}
		tap_ok(n >= 6,
		       "anomaly: a storm 150 samples after a reset fires a context test in %d of 8 series",
		       n);
		lcg_state = saved;
	}

	/*
	 * A stepped daily wave (5-minute samples from midnight UTC, steps on
	 * slot boundaries) whose peak is missing on day 6: only the seasonal
	 * profile can tell.
	 */
	nx_anomaly_init(a, NULL);
	maxs = 0;
	spike = 0;
	for (i = 0; i < 288 * 7; i++) {
		static const s32 sine[8] = { 0, 7071, 10000, 7071, 0,
					     -7071, -10000, -7071 };
		s64 v = 50000 + 3 * sine[(i % 288) / 36] + gauss1000() / 10;

		if (i / 288 == 5 && (i % 288) / 36 == 2)
			v = 50000;
		s = nx_anomaly_update(a, 1399939200 + 300 * i, v);
		if (i / 288 == 5 && (i % 288) / 36 == 2)
			spike = spike > s ? spike : s;
		else if (i >= 288 * 3 && s > maxs)
			maxs = s;
	}
	tap_ok(spike > maxs,
	       "anomaly: seasonal profile flags a missing daily peak (%u > %u)",
	       spike, maxs);
	free(a);
}

/* The forecaster that the predict module and replay share. */
static void test_forecast(void)
{
	struct nx_forecaster *f = malloc(sizeof(*f));
	s64 t, x, want, e[NX_FC_MODELS] = { 0 }, out[NX_FC_MODELS];
	u32 m, best;

	/* a steady ramp: a trend model wins and hits the value 30 s ahead */
	nx_fc_init(f, 30000, 0, NX_VALUE_MAX);
	for (t = 0; t <= 300; t++) {
		nx_fc_sample(f, t * 1000, 1000000 + 500 * t);
		nx_fc_publish(f);
	}
	want = 1000000 + 500 * 330;
	tap_ok(f->model == NX_FC_LINREG || f->model == NX_FC_HOLT,
	       "forecast: a ramp picks a trend model (got %s)",
	       nx_fc_model_names[f->model]);
	tap_ok(near(f->fc, want, want / 100) && f->lower <= want &&
	       want <= f->upper,
	       "forecast: ramp 30 s ahead within 1%% and inside [%lld, %lld] (got %lld, want %lld)",
	       (long long)f->lower, (long long)f->upper, (long long)f->fc,
	       (long long)want);
	tap_ok(f->conf > 900, "forecast: an exact model is confident (%u)",
	       f->conf);

	/* noise around a level: no trend model, and the one chosen has the
	 * lowest horizon error of the four within the 10% hysteresis
	 */
	nx_fc_init(f, 10000, 0, NX_VALUE_MAX);
	for (t = 0; t < 2000; t++) {
		x = 100000 + gauss1000() * 5;
		nx_fc_sample(f, t * 1000, x);
		nx_fc_publish(f);
	}
	best = 0;
	for (m = 1; m < NX_FC_MODELS; m++)
		if (f->mae[m] < f->mae[best])
			best = m;
	tap_ok(f->model == NX_FC_EWMA && f->mae[f->model] * 9 <= f->mae[best] * 10,
	       "forecast: noise around a level picks the EWMA (got %s, best %s)",
	       nx_fc_model_names[f->model], nx_fc_model_names[best]);
	tap_ok(near(f->fc, 100000, 2000) && f->lower < f->fc && f->fc < f->upper,
	       "forecast: level forecast with a real interval (%lld in [%lld, %lld])",
	       (long long)f->fc, (long long)f->lower, (long long)f->upper);

	/* every model's own forecast, scored by hand, against the EWMA MAE */
	nx_fc_init(f, 1000, 0, NX_VALUE_MAX);
	for (t = 0; t < 200; t++) {
		x = (t % 2) ? 2000 : 1000;
		if (t >= 100)
			for (m = 0; m < NX_FC_MODELS; m++)
				e[m] += x > out[m] ? x - out[m] : out[m] - x;
		nx_fc_sample(f, t * 1000, x);
		nx_fc_models(f, out);
	}
	nx_fc_publish(f);
	tap_ok(e[NX_FC_EWMA] < e[NX_FC_NAIVE] && f->model == NX_FC_EWMA,
	       "forecast: an alternating series is the EWMA's, not the naive's (errors %lld vs %lld, chose %s)",
	       (long long)e[NX_FC_EWMA], (long long)e[NX_FC_NAIVE],
	       nx_fc_model_names[f->model]);

	/* out-of-order samples are ignored; clamping to [lo, hi] */
	nx_fc_init(f, 5000, 0, 1000);
	for (t = 0; t < 50; t++)
		nx_fc_sample(f, t * 1000, 900 + 20 * t);
	nx_fc_sample(f, 10 * 1000, 0);
	nx_fc_publish(f);
	tap_ok(f->samples == 50 && f->last == 1880 && f->fc <= 1000 &&
	       f->upper <= 1000,
	       "forecast: a stale sample is dropped, forecasts clamp to hi (n %llu, fc %lld)",
	       (unsigned long long)f->samples, (long long)f->fc);
	free(f);
}

/* a latency around @mid with multiplicative noise: sd of log2 about 0.3 */
static s64 lat_noise(s64 mid)
{
	return (s64)(mid * pow(2.0, gauss1000() * 0.0003));
}

static void test_shift(void)
{
	const struct nx_shift_cfg cfg = {
		.shift_permille = 500, .sustain = 8, .learn = 16, .min_abs = 100,
	};
	u64 seed = lcg_state;	/* the tests after this one keep their inputs */
	struct nx_shift s;
	int i, st, shifted = 0, at = -1, end = -1;
	u32 conf = 0;
	s64 b;

	/* steady noisy load: 5000 samples, never a shift */
	nx_shift_init(&s, &cfg);
	for (i = 0; i < 5000; i++)
		shifted |= nx_shift_update(&s, lat_noise(1000)) == NX_SHIFT_SHIFTED;
	b = nx_shift_baseline(&s);
	tap_ok(!shifted && near(b, 1000, 150),
	       "shift: 5000 noisy samples around 1000 are no shift (baseline %lld)",
	       (long long)b);

	/* a step to 3x: confirmed within sustain + a few samples */
	for (i = 0; i < 40 && at < 0; i++)
		if (nx_shift_update(&s, lat_noise(3000)) == NX_SHIFT_SHIFTED)
			at = i + 1;
	conf = nx_shift_confidence(&s);
	tap_ok(at >= 8 && at <= 14 && near(s.base, 1000, 150) && conf >= 600,
	       "shift: a 3x step is confirmed after %d samples, baseline %lld, conf %u",
	       at, (long long)s.base, conf);
	for (i = 0; i < 200; i++)
		shifted = nx_shift_update(&s, lat_noise(3000)) == NX_SHIFT_SHIFTED;
	tap_ok(shifted && near(s.base, 1000, 150) && nx_shift_confidence(&s) >= 900,
	       "shift: it holds while the level stays, baseline frozen (conf %u)",
	       nx_shift_confidence(&s));

	/* back to the old level: over after sustain samples */
	for (i = 0; i < 40 && end < 0; i++)
		if (nx_shift_update(&s, lat_noise(1000)) == NX_SHIFT_IDLE)
			end = i + 1;
	tap_ok(end >= 8 && end <= 12 && near(nx_shift_baseline(&s), 1000, 150),
	       "shift: a return to the baseline ends it after %d samples", end);

	/* a burst of 5 samples at 10x is not a sustained shift */
	for (i = 0, shifted = 0; i < 300; i++)
		shifted |= nx_shift_update(&s, lat_noise(i >= 100 && i < 105 ?
						10000 : 1000)) ==
			   NX_SHIFT_SHIFTED;
	tap_ok(!shifted, "shift: a 5-sample burst is not a shift");

	/* +20% is below the required +50% */
	for (i = 0, shifted = 0; i < 1000; i++)
		shifted |= nx_shift_update(&s, lat_noise(1200)) == NX_SHIFT_SHIFTED;
	tap_ok(!shifted, "shift: a +20%% step is not a +50%% shift");

	/* a fall is not a degradation */
	nx_shift_init(&s, &cfg);
	for (i = 0, shifted = 0; i < 1000; i++)
		shifted |= nx_shift_update(&s, lat_noise(i < 200 ? 1000 : 250)) ==
			   NX_SHIFT_SHIFTED;
	tap_ok(!shifted, "shift: a step down is no shift");

	/* 4x, but by less than min_abs */
	nx_shift_init(&s, &cfg);
	for (i = 0, shifted = 0; i < 500; i++)
		shifted |= nx_shift_update(&s, lat_noise(i < 200 ? 10 : 40)) ==
			   NX_SHIFT_SHIFTED;
	tap_ok(!shifted, "shift: 10 -> 40 is below min_abs 100");

	/* accepted: the new level is the baseline, and no shift from it */
	nx_shift_init(&s, &cfg);
	for (i = 0; i < 300; i++)
		st = nx_shift_update(&s, lat_noise(i < 100 ? 1000 : 5000));
	nx_shift_accept(&s);
	b = nx_shift_baseline(&s);
	for (i = 0, shifted = st == NX_SHIFT_SHIFTED ? 0 : -1; i < 300; i++)
		shifted |= nx_shift_update(&s, lat_noise(5000)) == NX_SHIFT_SHIFTED;
	tap_ok(!shifted && near(b, 5000, 750),
	       "shift: accepted, 5000 is the new baseline (%lld)", (long long)b);

	/* samples at 0 and at the clamp do not break it */
	nx_shift_init(&s, &cfg);
	for (i = 0; i < 100; i++)
		nx_shift_update(&s, i & 1 ? 0 : NX_VALUE_MAX + 5);
	tap_ok(nx_shift_baseline(&s) >= 0 && nx_shift_confidence(&s) <= 1000,
	       "shift: extreme samples stay in range");
	lcg_state = seed;
}

int main(void)
{
	tap_plan(76);
	test_fixed();
	test_ewma();
	test_quantile();
	test_cpd();
	test_shift();
	test_holt();
	test_linreg();
	test_forecast();
	test_ctx();
	test_anomaly();
	return tap_done();
}
