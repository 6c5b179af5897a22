// SPDX-License-Identifier: GPL-2.0
/*
 * nx_anomaly.c - streaming anomaly detector for one metric
 */
#include "nx_anomaly.h"

#define NX_A_FAST	(NX_Q16_ONE / 2)	/* one-step prediction EWMA */
#define NX_A_SLOW	(NX_Q16_ONE / 64)	/* change-point reference */
#define NX_A_ERR	(NX_Q16_ONE / 256)	/* error scales */
#define NX_A_RATE	(NX_Q16_ONE / 16)	/* median/MAD step per MAD */
#define NX_A_CLIP	4			/* errors clipped at 4 scales */
#define NX_A_SIGMA	97163			/* 1.4826 (MAD -> sigma), Q16 */
#define NX_A_ZREF	(4 * NX_Q16_ONE)	/* z counted as a test firing */
#define NX_A_SHORT	(NX_Q16_ONE / 4)	/* short-run surprise mean */
#define NX_A_LONG	(NX_Q16_ONE / 1024)	/* long-run surprise stats */
#define NX_A_TAIL	64880			/* 0.99: the tail quantile of u */
#define NX_A_TAIL_Z	152457			/* 2.3263: its Gaussian z, Q16 */
#define NX_A_TAIL_RATE	(NX_Q16_ONE / 16)	/* its step per stddev of u */
#define NX_A_SMOOTH	(NX_Q16_ONE / 8)	/* the slow context's EWMA */
#define NX_A_CTXZ	(3 * NX_Q16_ONE)	/* z a novel context needs */
#define NX_A_REST	50			/* rest period, samples, at least */
#define NX_A_REST_SHIFT	5			/* and 1/32 of the samples seen */
#define NX_A_REST_MAX	512			/* but at most this */
#define NX_A_REST_ON	750			/* raw score that starts it */
#define NX_A_REST_K	2			/* surprise ratio that breaks it */
#define NX_A_CALM	32			/* calm a context alarm needs */

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
	cfg->alarm_on = 800;
	cfg->alarm_off = 571;	/* 5/7 of alarm_on, as the module keeps it */
	cfg->cooldown = 12;
	cfg->tests = NX_ANOM_T_ALL;
}
EXPORT_SYMBOL_GPL(nx_anomaly_default_cfg);

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
	nx_qtrack_init(&a->u_tail, NX_A_TAIL);
	nx_ctx_init(&a->ctx);
	nx_ctx_init(&a->ctx_slow);
	nx_ctx_init(&a->ctx_log);
	a->since = U32_MAX;
}
EXPORT_SYMBOL_GPL(nx_anomaly_init);

/* |e| / s in Q16.16, s > 0 */
static s64 nx_a_z(s64 e, u64 s)
{
	return nx_q16_div((s64)nx_abs64(e), (s64)s);
}

/*
 * One sample through one context test: whether it is a new transition
 * that may alarm.  A test that found another new transition in the
 * NX_A_CALM samples before this one is still mapping the metric's
 * ordinary range (a young matrix, noise still reaching new extremes that
 * widen the range and move the bins): one more new transition is routine
 * there, not a change.  On a steady kernel load such runs of novelty
 * came at 4-sigma wobbles and opened anomalies.  A sample that at least
 * doubles the range seen is no such extreme, noise widens it by a
 * little: a CPU storm right after a reset is one, and alarms.
 */
static bool nx_a_ctx(struct nx_ctx *c, s64 x)
{
	bool calm = c->calm >= NX_A_CALM;
	s64 r = c->hi - c->lo;	/* |x| <= 2^48: no overflow below */

	if (!nx_ctx_update(c, x))
		return false;
	return calm || (r > 0 && c->hi - c->lo >= 2 * r);
}

/* smoothing factor max(1/n, alpha): a plain mean until n reaches 1/alpha */
static u32 nx_a_alpha(u64 n, u32 alpha)
{
	if (n && n < (u64)(NX_Q16_ONE / alpha))
		return (u32)div64_u64(NX_Q16_ONE, n);
	return alpha;
}

/* EWMA of a clipped absolute error; n = errors seen including this one */
static void nx_a_errupd(u64 *acc, s64 e, u64 floor, u64 n)
{
	u64 ae = nx_abs64(e);

	if (n > 8)
		ae = min_t(u64, ae, NX_A_CLIP * max_t(u64, *acc, floor));
	*acc = (u64)((s64)*acc + nx_fx_scale((s64)ae - (s64)*acc,
					     nx_a_alpha(n, NX_A_ERR)));
}

static u32 nx_a_slot(const struct nx_anomaly *a, s64 ts)
{
	u32 rem;

	div_u64_rem((u64)ts, a->cfg.period, &rem);
	return (u32)div64_u64((u64)rem * NX_ANOM_SLOTS, a->cfg.period);
}

/*
 * Anomaly likelihood (after Ahmad et al., "Unsupervised real-time anomaly
 * detection for streaming data", Neurocomputing 2017): the surprise z is
 * judged against this metric's own history of surprises.  u = log2(1 + z);
 * Z = (short-run mean of u - long-run mean of u) / scale of u.
 *
 * The scale is calibrated on the tail, not on the stddev: u is far from
 * Gaussian on bursty metrics, so after the learning period the scale is
 * (q99(u) - mean(u)) / 2.3263, the value that puts this metric's own 99th
 * percentile of u at the Gaussian z of 2.3263.  Bursty and smooth metrics
 * then alarm at about the same rate for one threshold.  q99 is tracked by
 * stochastic approximation from the first u on: it approaches from below,
 * where the tracker moves fast, and is settled by the end of learning.
 * Returns Z in Q16.16 (>= 0).
 */
static s64 nx_a_likelihood(struct nx_anomaly *a, s64 z)
{
	s64 u = nx_log2_q16((u64)(z >> 8) + 256) - (8 << NX_Q16_SHIFT);
	s64 d, sd, scale, zl;
	u32 al;

	if (a->n <= 2) {
		a->u_mean = u;
		a->u_short = u;
		a->u_var = NX_Q16_ONE / 4;
		return 0;
	}
	a->u_short += nx_fx_scale(u - a->u_short, NX_A_SHORT);
	sd = (s64)nx_isqrt((u64)a->u_var << NX_Q16_SHIFT);
	sd = max_t(s64, sd, NX_Q16_ONE / 8);
	scale = sd;
	if (a->n > a->cfg.learn)
		scale = max_t(s64, nx_q16_div(a->u_tail.q - a->u_mean,
					      NX_A_TAIL_Z), NX_Q16_ONE / 8);
	zl = nx_q16_div(max_t(s64, a->u_short, u) - a->u_mean, scale);
	nx_qtrack_update(&a->u_tail, u, (u64)nx_fx_scale(sd, NX_A_TAIL_RATE));
	d = u - a->u_mean;
	al = nx_a_alpha(a->n, NX_A_LONG);
	a->u_mean += nx_fx_scale(d, al);
	a->u_var = nx_fx_scale(a->u_var + nx_fx_scale((d * d) >> NX_Q16_SHIFT,
						      al),
			       NX_Q16_ONE - al);
	return max_t(s64, zl, 0);
}

/*
 * Rest period after an alarm: NX_A_REST samples, or 1/32 of the samples
 * seen so far if that is longer, up to NX_A_REST_MAX.  The online
 * counterpart of CAD OSE's rest period of 3 % of the file's length (a
 * length an online detector does not know): the longer a metric has been
 * watched, the longer its alarms are held, so a long bursty series does
 * not pay for every burst of the same event.
 */
static u32 nx_a_rest(const struct nx_anomaly *a)
{
	return (u32)clamp_t(u64, a->n >> NX_A_REST_SHIFT, NX_A_REST,
			    NX_A_REST_MAX);
}

/* map a likelihood Z (Q16) to a score: 1000 * (1 - 2^(-Z / 2)) */
static u32 nx_a_score(const struct nx_anomaly *a, s64 z)
{
	s64 zs;
	u32 p;

	if (z <= 0)
		return 0;
	/* sensitivity 500 = x1, 0 = x0.5, 1000 = x1.5 */
	zs = div64_s64(z * (500 + a->cfg.sensitivity), 1000);
	zs = div64_s64(zs, 2);
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
	s64 zraw, zgate, e1, el, es = 0, z1, zl, zs = 0, zp, zc, zv, zin, z;
	u32 slot = 0, tests = 0, score, sctx = 0, sslow = 0, slog = 0, rest;
	bool season = false;
	int dir, cp, vp;

	if (a->cfg.tests & NX_ANOM_T_CTX) {
		sctx = nx_a_ctx(&a->ctx, xq) ? NX_ANOM_SCORE_MAX : 0;
		/*
		 * The same test one time scale up, on an EWMA of the value.
		 * Its range is that of the smoothed series, far narrower
		 * than the raw one on a noisy metric, so a step that is
		 * routine between raw bins (noise spans them all) is a jump
		 * across bins the smoothed series never made.
		 */
		a->smooth = a->n ? a->smooth + nx_fx_scale(xq - a->smooth,
							   NX_A_SMOOTH) : xq;
		sslow = nx_a_ctx(&a->ctx_slow, a->smooth) ? NX_ANOM_SCORE_MAX : 0;
	}
	if (a->cfg.tests & NX_ANOM_T_LOG)
		slog = nx_a_ctx(&a->ctx_log, nx_symlog2(nx_clamp_value(value))) ?
		       NX_ANOM_SCORE_MAX : 0;
	if (a->since < U32_MAX)
		a->since++;
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
	/*
	 * Point test: the one-step prediction error.  (Gating it by the
	 * robust level z, min(z1, zl), scored lower on NAB: a level shift
	 * then fires once and the level test adds nothing the likelihood
	 * stage does not already give.)  The robust level z only tags
	 * records and scales the CUSUM input.
	 */
	zp = z1;
	if (season && a->trust_s <= a->trust_1)
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

	/*
	 * Page-Hinkley on the log of the standardised one-step error: an
	 * increase of variance (more frequent or larger errors) drifts it up.
	 */
	vp = (a->cfg.tests & NX_ANOM_T_VAR) ?
	     nx_ph_update(&a->ph, nx_log2_q16((u64)(z1 >> 8) + 256) -
			  (8 << NX_Q16_SHIFT)) : 0;
	zv = div64_s64(a->ph.up * 4, a->ph.lambda);
	if (vp)
		nx_ph_reset(&a->ph);

	z = max_t(s64, max_t(s64, zp, zc), zv);
	dir = (zc > zp) ? (a->cusum.pos > a->cusum.neg ? 1 : -1) :
			  (e1 >= 0 ? 1 : -1);
	if (zp >= NX_A_ZREF)
		tests |= season && a->trust_s <= a->trust_1 ?
			 NX_ANOM_T_SEASON : NX_ANOM_T_SPIKE;
	if (zl >= NX_A_ZREF)
		tests |= NX_ANOM_T_LEVEL;
	if (cp)
		tests |= NX_ANOM_T_CUSUM;
	if (vp > 0)
		tests |= NX_ANOM_T_VAR;

	/*
	 * Context novelty (nx_ctx, after CAD OSE): a never seen transition
	 * between bins of the range seen so far scores 1000, provided the
	 * sample is also at least 3 sigma surprising, so that rare tail
	 * transitions of plain noise do not count; the same gate holds for
	 * the smoothed series (without it, the new extremes that plain
	 * noise keeps reaching in its first thousand samples fire it).
	 * The sensitivity moves the gate as it scales Z: 6 sigma at 0,
	 * 3 at 500, 2 at 1000; a context score is 1000 or nothing, so the
	 * gate is all a sensitivity can act on.  (The gate is divided, not
	 * z multiplied: z saturates at S64_MAX.)
	 */
	zraw = z;
	zgate = div_s64(NX_A_CTXZ * 1000, 500 + a->cfg.sensitivity);
	sctx = z < zgate ? 0 : max_t(u32, sctx, sslow);
	slog = z < zgate ? 0 : slog;
	z = nx_a_likelihood(a, z);
	score = 0;
	if (a->n > a->cfg.learn) {
		score = max_t(u32, nx_a_score(a, z), max_t(u32, sctx, slog));
		if (sctx >= a->cfg.alarm_on)
			tests |= NX_ANOM_T_CTX;
		if (slog >= a->cfg.alarm_on)
			tests |= NX_ANOM_T_LOG;
	}
	/*
	 * Rest period (as in CAD OSE): after a score of NX_A_REST_ON, scores
	 * are held at 0 for nx_a_rest() samples, so one event gives one alarm.
	 */
	rest = nx_a_rest(a);
	if (score >= NX_A_REST_ON) {
		/*
		 * A sample at least NX_A_REST_K times as surprising as the
		 * one that started the rest period is a new event, not the
		 * tail of the old one: it is scored and restarts the rest.
		 * (Divided, not multiplied: z saturates at S64_MAX.)
		 */
		if (a->since <= rest &&
		    zraw / NX_A_REST_K <= a->rest_z)
			score = 0;
		else	/* at least 3 sigma: a slow context fires at any z */
			a->rest_z = max_t(s64, zraw, NX_A_CTXZ);
		a->since = 0;
	} else if (a->since <= rest) {
		score = 0;
	}

	/* learn */
	nx_a_errupd(&a->err1, e1, floor, a->n - 1);
	if (season) {
		/* which model has been the better predictor, long run */
		a->trust_1 += nx_fx_scale((s64)min_t(u64, nx_abs64(e1), 8 * s1) -
					  a->trust_1, NX_A_LONG);
		a->trust_s += nx_fx_scale((s64)min_t(u64, nx_abs64(es), 8 * ss) -
					  a->trust_s, NX_A_LONG);
	}
	nx_ewma_update(&a->fast, nx_vround(xq));
	nx_ewma_update(&a->slow, nx_vround(xq));
	nx_qtrack_update(&a->med, xq, (u64)nx_fx_scale((s64)sl, NX_A_RATE));
	nx_qtrack_update(&a->mad, (s64)nx_abs64(el),
			 (u64)nx_fx_scale((s64)sl, NX_A_RATE));
	if (a->cfg.period && ts >= 0) {
		if (season)
			nx_a_errupd(&a->errs, es, floor, ++a->nseason);
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
EXPORT_SYMBOL_GPL(nx_anomaly_update);

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
EXPORT_SYMBOL_GPL(nx_anomaly_take_record);
