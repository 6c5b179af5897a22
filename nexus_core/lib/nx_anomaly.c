// SPDX-License-Identifier: GPL-2.0
/*
 * nx_anomaly.c - streaming anomaly detector for one metric
 */
#include "nx_anomaly.h"

#define NX_A_FAST	(NX_Q16_ONE / 4)	/* one-step prediction EWMA */
#define NX_A_SLOW	(NX_Q16_ONE / 64)	/* change-point reference */
#define NX_A_ERR	(NX_Q16_ONE / 64)	/* error scales */
#define NX_A_RATE	(NX_Q16_ONE / 16)	/* median/MAD step per MAD */
#define NX_A_CLIP	8			/* errors clipped at 8 scales */
#define NX_A_SIGMA	97163			/* 1.4826 (MAD -> sigma), Q16 */
#define NX_A_ZREF	(4 * NX_Q16_ONE)	/* z giving score 500 */

/**
 * nx_anomaly_default_cfg() - the defaults used for every metric
 * @cfg: filled in
 *
 * Return: nothing.
 */
void nx_anomaly_default_cfg(struct nx_anomaly_cfg *cfg)
{
	cfg->sensitivity = 500;
	cfg->learn = 100;
	cfg->period = 86400;
	cfg->alarm_on = 700;
	cfg->alarm_off = 500;
	cfg->cooldown = 12;
	cfg->tests = NX_ANOM_T_ALL;
}

/**
 * nx_anomaly_init() - reset a detector
 * @a: state
 * @cfg: settings, or NULL for nx_anomaly_default_cfg()
 *
 * Return: nothing.
 */
void nx_anomaly_init(struct nx_anomaly *a, const struct nx_anomaly_cfg *cfg)
{
	memset(a, 0, sizeof(*a));
	if (cfg)
		a->cfg = *cfg;
	else
		nx_anomaly_default_cfg(&a->cfg);
	a->cfg.sensitivity = min_t(u32, a->cfg.sensitivity, 1000);
	a->cfg.alarm_on = clamp_t(u32, a->cfg.alarm_on, 1, NX_ANOM_SCORE_MAX);
	a->cfg.alarm_off = min_t(u32, a->cfg.alarm_off, a->cfg.alarm_on);
	nx_qtrack_init(&a->med, NX_Q16_ONE / 2);
	nx_qtrack_init(&a->mad, NX_Q16_ONE / 2);
	nx_ewma_init(&a->fast, NX_A_FAST);
	nx_ewma_init(&a->slow, NX_A_SLOW);
	nx_cusum_init(&a->cusum, NX_Q16_ONE / 2, 5 * NX_Q16_ONE);
	nx_ph_init(&a->ph, NX_Q16_ONE / 4, 8 * NX_Q16_ONE);
}

/* |e| / s in Q16.16, s > 0 */
static s64 nx_a_z(s64 e, u64 s)
{
	return nx_q16_div((s64)nx_abs64(e), (s64)s);
}

/* EWMA of a clipped absolute error */
static void nx_a_errupd(u64 *acc, s64 e, u64 floor)
{
	u64 ae = min_t(u64, nx_abs64(e), NX_A_CLIP * max_t(u64, *acc, floor));

	*acc = (u64)((s64)*acc + nx_fx_scale((s64)ae - (s64)*acc, NX_A_ERR));
}

static u32 nx_a_slot(const struct nx_anomaly *a, s64 ts)
{
	u32 rem;

	div_u64_rem((u64)ts, a->cfg.period, &rem);
	return (u32)div64_u64((u64)rem * NX_ANOM_SLOTS, a->cfg.period);
}

/* map an equivalent z (Q16) to a score: 1000 * (1 - 2^(-z / 4)) */
static u32 nx_a_score(const struct nx_anomaly *a, s64 z)
{
	s64 zs;
	u32 p;

	if (z <= 0)
		return 0;
	/* sensitivity 500 = x1, 0 = x0.5, 1000 = x1.5 */
	zs = div64_s64(z * (500 + a->cfg.sensitivity), 1000);
	zs = div64_s64(zs, 4);
	if (zs >= (32LL << NX_Q16_SHIFT))
		return NX_ANOM_SCORE_MAX;
	p = nx_exp2_neg_q16((u32)zs);
	return (u32)(((u64)(NX_Q16_ONE - p) * NX_ANOM_SCORE_MAX +
		      NX_Q16_ONE / 2) >> NX_Q16_SHIFT);
}

static void nx_a_record(struct nx_anomaly *a, s64 ts, u32 score, u32 tests,
			int dir)
{
	struct nx_anomaly_record *r = &a->rec;

	if (score >= a->cfg.alarm_on) {
		if (!a->rec_open) {
			memset(r, 0, sizeof(*r));
			r->start = ts;
			r->direction = (s8)dir;
			a->rec_open = true;
			a->rec_ready = false;
		}
		if (score > r->peak_score) {
			r->peak_score = (u16)score;
			r->peak = ts;
		}
		if (r->direction != dir)
			r->direction = 0;
		r->tests |= (u8)tests;
	}
	if (!a->rec_open)
		return;
	if (score >= a->cfg.alarm_off) {
		r->end = ts;
		a->quiet = 0;
		return;
	}
	if (++a->quiet >= a->cfg.cooldown) {
		a->rec_open = false;
		a->rec_ready = true;
		a->quiet = 0;
	}
}

/**
 * nx_anomaly_update() - score one sample and learn from it
 * @a: state
 * @ts: sample time in seconds (for the seasonal profile)
 * @value: sample in sample units (clamped to +/-NX_VALUE_MAX)
 *
 * Return: the anomaly score of @value, 0..1000 (0 while learning).
 */
u32 nx_anomaly_update(struct nx_anomaly *a, s64 ts, s64 value)
{
	s64 xq = nx_vq(nx_clamp_value(value));
	u64 floor, s1, sl, ss = 0;
	s64 e1, el, es = 0, z1, zl, zs = 0, zp, zc, zin, z;
	u32 slot = 0, tests = 0, score;
	bool season = false;
	int dir, cp;

	if (!a->n++) {
		nx_qtrack_update(&a->med, xq, 0);
		nx_qtrack_update(&a->mad, 0, 0);
		nx_ewma_update(&a->fast, nx_vround(xq));
		nx_ewma_update(&a->slow, nx_vround(xq));
		a->last_ts = ts;
		return 0;
	}
	floor = max_t(u64, nx_abs64(a->med.q) >> 10, 1 << (NX_VFRAC - 4));
	s1 = max_t(u64, a->err1, floor);
	sl = max_t(u64, a->mad.q, floor);

	e1 = xq - a->fast.mean;
	el = xq - a->med.q;
	z1 = nx_a_z(e1, s1);
	zl = nx_a_z(el, sl);
	if (a->cfg.period && (a->cfg.tests & NX_ANOM_T_SEASON) && ts >= 0) {
		slot = nx_a_slot(a, ts);
		season = a->slot_n[slot] >= 2;
		if (season) {
			es = xq - a->slot_mean[slot];
			ss = max_t(u64, a->errs, floor);
			zs = nx_a_z(es, ss);
		}
	}

	/* point tests: far from the recent value AND from the level */
	zp = min_t(s64, z1, zl);
	if (season && ss < s1)
		zp = zs;

	/* CUSUM on the residual against the slow mean, in sigma units */
	zin = nx_q16_div(xq - a->slow.mean,
			 (s64)sl + nx_fx_scale((s64)sl, NX_A_SIGMA - NX_Q16_ONE));
	cp = (a->cfg.tests & NX_ANOM_T_CUSUM) ? nx_cusum_update(&a->cusum, zin)
					       : 0;
	zc = div64_s64(max_t(s64, a->cusum.pos, a->cusum.neg) * 4,
		       a->cusum.h);
	if (cp) {
		nx_cusum_reset(&a->cusum);
		a->slow.mean = a->fast.mean;
	}

	z = max_t(s64, zp, zc);
	dir = (zc > zp) ? (a->cusum.pos > a->cusum.neg ? 1 : -1) :
			  (e1 >= 0 ? 1 : -1);
	if (zp >= NX_A_ZREF)
		tests |= season && ss < s1 ? NX_ANOM_T_SEASON :
			 NX_ANOM_T_SPIKE | NX_ANOM_T_LEVEL;
	if (cp)
		tests |= NX_ANOM_T_CUSUM;

	score = a->n > a->cfg.learn ? nx_a_score(a, z) : 0;

	/* learn */
	nx_a_errupd(&a->err1, e1, floor);
	nx_ewma_update(&a->fast, nx_vround(xq));
	nx_ewma_update(&a->slow, nx_vround(xq));
	nx_qtrack_update(&a->med, xq, (u64)nx_fx_scale((s64)sl, NX_A_RATE));
	nx_qtrack_update(&a->mad, (s64)nx_abs64(el),
			 (u64)nx_fx_scale((s64)sl, NX_A_RATE));
	if (a->cfg.period && ts >= 0) {
		if (season)
			nx_a_errupd(&a->errs, es, floor);
		if (a->slot_n[slot] < U8_MAX)
			a->slot_n[slot]++;
		if (a->slot_n[slot] == 1)
			a->slot_mean[slot] = xq;
		else
			a->slot_mean[slot] += div64_s64(xq - a->slot_mean[slot],
						min_t(u32, a->slot_n[slot], 8));
	}
	a->last_ts = ts;
	a->last_score = score;
	a->last_tests = tests;
	nx_a_record(a, ts, score, tests, dir);
	return score;
}

/**
 * nx_anomaly_take_record() - fetch a closed anomaly record
 * @a: state
 * @rec: the record, if one is ready
 *
 * Return: true if a record closed since the last call (copied to @rec).
 */
bool nx_anomaly_take_record(struct nx_anomaly *a,
			    struct nx_anomaly_record *rec)
{
	if (!a->rec_ready)
		return false;
	*rec = a->rec;
	a->rec_ready = false;
	return true;
}
