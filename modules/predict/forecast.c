// SPDX-License-Identifier: GPL-2.0
/*
 * Forecasts of CPU, memory and I/O metrics over the prediction horizon.
 *
 * Every metric runs four models side by side on each new sample:
 *  - linear regression over the last NX_LINREG_WIN samples (the method of
 *    Prometheus' predict_linear()), extrapolated to now + horizon;
 *  - damped Holt smoothing (alpha 0.3, beta 0.1, phi 0.98), h steps ahead,
 *    h = horizon / mean sample spacing;
 *  - an EWMA of the level (alpha 1/16): the forecast is the smoothed mean;
 *  - naive: the last value.
 *
 * Model selection is by forecast error at the horizon itself, not one step
 * ahead, since that is the forecast we publish: every horizon/32 the four
 * forecasts are queued with their target time, and when a sample at or past
 * the target arrives each model's absolute error feeds an EWMA (1/8) of its
 * mean absolute error (MAE).  Once a model has at least NXP_MIN_SCORED
 * scored forecasts, the metric switches to the model with the lowest MAE,
 * with 10% hysteresis so that near ties do not flap.
 *
 * Interval: 95%, from the empirical horizon errors of the chosen model
 * (half width 1.96 * sqrt(pi/2) * MAE, the normal relation between MAE and
 * sigma); before enough forecasts are scored, from Holt's analytic
 * interval.  Both ends are clamped to the metric's physical range.
 *
 * Confidence (per-mille): S / (S + half width) with S the smoothed magnitude
 * of the metric, times min(scored, 8) / 8: a narrow interval around a
 * well-tested model is a confident forecast; an untested one has none.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_FC_MAX	16
#define NXP_PENDING	32
#define NXP_MIN_SCORED	4
#define NXP_READ_MAX	64
/* 1.96 * sqrt(pi / 2) in per-mille: 95% half width from a MAE. */
#define NXP_MAE_TO_HW	2457
/* 1.96 in Q16.16 for Holt's analytic interval. */
#define NXP_Z95_Q16	128451

enum { NXP_LINREG, NXP_HOLT, NXP_EWMA, NXP_NAIVE, NXP_MODELS };

static const char * const nxp_model_names[NXP_MODELS] = {
	"linreg", "holt", "ewma", "naive",
};

struct nxp_pending {
	u64 target_ns;
	s64 f[NXP_MODELS];
};

/**
 * struct nxp_fc - one forecast metric.
 * @name: metric name.
 * @id: metric id, -1 while the metric does not exist.
 * @lo: lowest physical value (forecasts are clamped to it).
 * @hi: highest physical value.
 * @last_ns: timestamp of the newest sample consumed.
 * @dt_ns: smoothed sample spacing.
 * @lr: linear regression model.
 * @holt: damped Holt model.
 * @ewma: level model; also gives the metric's magnitude.
 * @last: newest sample.
 * @pend: forecasts waiting for their target time.
 * @ph: oldest queued forecast.
 * @pn: queued forecasts.
 * @last_rec_ns: when a forecast was last queued.
 * @mae: per model, EWMA of |error| at the horizon, Q.8 sample units.
 * @scored: per model, forecasts scored.
 * @model: the chosen model.
 * @switches: model changes.
 * @fc: published forecast at now + horizon.
 * @lower: lower end of its 95% interval.
 * @upper: upper end.
 * @conf: confidence, per-mille.
 * @samples: samples consumed.
 */
struct nxp_fc {
	char name[NEXUS_NAME_LEN];
	int id;
	s64 lo, hi;
	u64 last_ns;
	u64 dt_ns;
	struct nx_linreg lr;
	struct nx_holt holt;
	struct nx_ewma ewma;
	s64 last;
	struct nxp_pending pend[NXP_PENDING];
	u32 ph, pn;
	u64 last_rec_ns;
	u64 mae[NXP_MODELS];
	u32 scored[NXP_MODELS];
	u32 model;
	u32 switches;
	s64 fc, lower, upper;
	u32 conf;
	u64 samples;
};

static struct nxp_fc *nxp_fcs;
static unsigned int nxp_nfc;
static struct nexus_sample *nxp_buf;
static u64 nxp_horizon_ms;
static u64 nxp_resolve_ns;

struct nxp_fc_def {
	const char *name;
	s64 hi;
};

/* CPU load, memory pressure, I/O bandwidth and latency. */
static const struct nxp_fc_def nxp_fc_defs[] = {
	{ "cpu.util", 1000 },
	{ "mem.available_kb", NX_VALUE_MAX },
	{ "psi.memory.some", 1000 },
	{ "psi.io.some", 1000 },
	{ "blk.bw_kbps", NX_VALUE_MAX },
	{ "blk.iops", NX_VALUE_MAX },
	{ "blk.latency_avg_us", NX_VALUE_MAX },
	{ "sched.runq_latency_avg_ns", NX_VALUE_MAX },
};

static void nxp_fc_reset(struct nxp_fc *f)
{
	u32 m;

	f->last_ns = 0;
	f->dt_ns = 0;
	nx_linreg_init(&f->lr);
	/* Slow enough trend to ride out noise, damped so it cannot run off. */
	nx_holt_init(&f->holt, NX_Q16_ONE * 3 / 10, NX_Q16_ONE / 10,
		     NX_Q16_ONE * 98 / 100);
	nx_ewma_init(&f->ewma, NX_Q16_ONE / 16);
	f->ph = 0;
	f->pn = 0;
	f->last_rec_ns = 0;
	for (m = 0; m < NXP_MODELS; m++) {
		f->mae[m] = 0;
		f->scored[m] = 0;
	}
	f->model = NXP_HOLT;
	f->samples = 0;
	f->conf = 0;
}

/**
 * nxp_forecast_init() - allocate the forecast table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_forecast_init(void)
{
	unsigned int i, cpu;

	nxp_fcs = nexus_kvzalloc(NXP_FC_MAX * sizeof(*nxp_fcs), GFP_KERNEL);
	nxp_buf = nexus_kzalloc(NXP_READ_MAX * sizeof(*nxp_buf), GFP_KERNEL);
	if (!nxp_fcs || !nxp_buf) {
		nxp_forecast_exit();
		return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(nxp_fc_defs); i++) {
		strscpy(nxp_fcs[i].name, nxp_fc_defs[i].name, NEXUS_NAME_LEN);
		nxp_fcs[i].hi = nxp_fc_defs[i].hi;
	}
	/* Per-CPU load for the first CPUs, as the sched collector names it. */
	for_each_online_cpu(cpu) {
		if (i >= NXP_FC_MAX)
			break;
		snprintf(nxp_fcs[i].name, NEXUS_NAME_LEN, "cpu%u.util", cpu);
		nxp_fcs[i++].hi = 1000;
	}
	nxp_nfc = i;
	for (i = 0; i < nxp_nfc; i++) {
		nxp_fcs[i].id = -1;
		nxp_fc_reset(&nxp_fcs[i]);
	}
	return 0;
}

/**
 * nxp_forecast_exit() - free the forecast table
 */
void nxp_forecast_exit(void)
{
	nexus_kfree(nxp_fcs);
	nexus_kfree(nxp_buf);
	nxp_fcs = NULL;
	nxp_buf = NULL;
	nxp_nfc = 0;
}

/* The metric may come and go with its collector: follow it by name. */
static void nxp_fc_resolve(struct nxp_fc *f)
{
	int id = nexus_metric_find(f->name);

	if (id < 0)
		id = -1;
	if (id != f->id) {
		f->id = id;
		nxp_fc_reset(f);
	}
}

static void nxp_fc_score(struct nxp_fc *f, u64 t, s64 x)
{
	while (f->pn && f->pend[f->ph].target_ns <= t) {
		struct nxp_pending *p = &f->pend[f->ph];
		u32 m;

		for (m = 0; m < NXP_MODELS; m++) {
			u64 e = nx_vq(min_t(u64, abs(x - p->f[m]), NX_VALUE_MAX));

			/* EWMA 1/8; the first error seeds it */
			if (!f->scored[m])
				f->mae[m] = e;
			else
				f->mae[m] = f->mae[m] - (f->mae[m] >> 3) + (e >> 3);
			if (f->scored[m] < U32_MAX)
				f->scored[m]++;
		}
		f->ph = (f->ph + 1) % NXP_PENDING;
		f->pn--;
	}
}

static u32 nxp_fc_steps(const struct nxp_fc *f)
{
	u64 h = nxp_horizon_ms * NSEC_PER_MSEC;

	if (!f->dt_ns)
		return 1;
	return clamp_t(u64, div64_u64(h, f->dt_ns), 1, NX_HOLT_HMAX);
}

static void nxp_fc_models(struct nxp_fc *f, u64 t, s64 out[NXP_MODELS])
{
	struct nx_linfit fit;
	s64 t_ms = nxp_ms(t);

	if (!nx_linreg_fit(&f->lr, &fit))
		out[NXP_LINREG] = nx_linfit_at(&fit, t_ms + nxp_horizon_ms);
	else
		out[NXP_LINREG] = f->last;
	out[NXP_HOLT] = nx_holt_forecast(&f->holt, nxp_fc_steps(f));
	out[NXP_EWMA] = nx_vround(nx_ewma_mean(&f->ewma));
	out[NXP_NAIVE] = f->last;
}

static void nxp_fc_sample(struct nxp_fc *f, u64 t, s64 x)
{
	u64 rec_every = div_u64(nxp_horizon_ms * NSEC_PER_MSEC, NXP_PENDING);
	s64 out[NXP_MODELS];

	x = nx_clamp_value(x);
	nxp_fc_score(f, t, x);
	if (f->last_ns && t > f->last_ns) {
		u64 dt = t - f->last_ns;

		f->dt_ns = f->dt_ns ? f->dt_ns - (f->dt_ns >> 3) + (dt >> 3) :
			   dt;
	}
	f->last_ns = t;
	f->last = x;
	f->samples++;
	nx_linreg_add(&f->lr, nxp_ms(t), x);
	nx_holt_update(&f->holt, x);
	nx_ewma_update(&f->ewma, x);
	if (f->pn < NXP_PENDING && t - f->last_rec_ns >= rec_every) {
		struct nxp_pending *p = &f->pend[(f->ph + f->pn) % NXP_PENDING];

		nxp_fc_models(f, t, out);
		memcpy(p->f, out, sizeof(out));
		p->target_ns = t + nxp_horizon_ms * NSEC_PER_MSEC;
		f->pn++;
		f->last_rec_ns = t;
	}
}

static void nxp_fc_select(struct nxp_fc *f)
{
	u32 m, best = f->model;

	for (m = 0; m < NXP_MODELS; m++) {
		if (f->scored[m] < NXP_MIN_SCORED)
			continue;
		if (f->scored[best] < NXP_MIN_SCORED || f->mae[m] < f->mae[best])
			best = m;
	}
	if (best == f->model)
		return;
	/* 10% hysteresis, unless the current model is not scored yet */
	if (f->scored[f->model] >= NXP_MIN_SCORED &&
	    f->mae[best] * 10 >= f->mae[f->model] * 9)
		return;
	f->model = best;
	f->switches++;
}

static void nxp_fc_publish(struct nxp_fc *f)
{
	s64 out[NXP_MODELS], s;
	u64 hw;
	u32 scored = f->scored[f->model];

	nxp_fc_models(f, f->last_ns, out);
	f->fc = clamp_t(s64, out[f->model], f->lo, f->hi);
	if (scored >= NXP_MIN_SCORED)
		hw = nx_vround(div_u64(f->mae[f->model] * NXP_MAE_TO_HW, 1000));
	else
		hw = nx_holt_halfwidth(&f->holt, nxp_fc_steps(f), NXP_Z95_Q16);
	hw = min_t(u64, hw, NX_VALUE_MAX);
	f->lower = clamp_t(s64, f->fc - (s64)hw, f->lo, f->hi);
	f->upper = clamp_t(s64, f->fc + (s64)hw, f->lo, f->hi);
	s = max_t(s64, abs(nx_vround(nx_ewma_mean(&f->ewma))), 1);
	f->conf = div64_u64((u64)s * NX_PERMILLE, (u64)s + hw);
	f->conf = f->conf * min_t(u32, scored, 8) / 8;
}

/**
 * nxp_forecast_tick() - feed new samples to every metric's models
 * @now_ns: monotonic time
 * @p: the prediction config in force
 *
 * Each metric's new samples (at most NXP_READ_MAX per tick) update its
 * four models, score the forecasts that have come due, re-select the model
 * and recompute the published forecast.
 */
void nxp_forecast_tick(u64 now_ns, const struct nexus_prediction_params *p)
{
	bool resolve = now_ns - nxp_resolve_ns >= NSEC_PER_SEC;
	unsigned int i;

	if (p->horizon_ms != nxp_horizon_ms) {
		/* Errors measured at another horizon say nothing of this one. */
		nxp_horizon_ms = p->horizon_ms;
		for (i = 0; i < nxp_nfc; i++)
			nxp_fc_reset(&nxp_fcs[i]);
	}
	if (resolve)
		nxp_resolve_ns = now_ns;
	for (i = 0; i < nxp_nfc; i++) {
		struct nxp_fc *f = &nxp_fcs[i];
		int n, k;

		if (resolve || f->id < 0)
			nxp_fc_resolve(f);
		if (f->id < 0)
			continue;
		n = nexus_metric_read(f->id, nxp_buf, NXP_READ_MAX, f->last_ns);
		if (n <= 0)
			continue;
		if (!nexus_work_charge(n))
			return;
		for (k = 0; k < n; k++)
			nxp_fc_sample(f, nxp_buf[k].ts_ns, nxp_buf[k].value);
		nxp_fc_select(f);
		nxp_fc_publish(f);
	}
}

/**
 * nxp_forecast_dump() - the forecasts, one line per metric
 * @m: seq_file
 */
void nxp_forecast_dump(struct seq_file *m)
{
	unsigned int i, k;

	seq_printf(m, "# forecasts: horizon_ms %llu, 95%% interval\n",
		   nxp_horizon_ms);
	seq_puts(m, "# metric model now forecast lower upper confidence samples switches mae_linreg mae_holt mae_ewma mae_naive\n");
	for (i = 0; i < nxp_nfc; i++) {
		const struct nxp_fc *f = &nxp_fcs[i];

		if (f->id < 0 || !f->samples)
			continue;
		seq_printf(m, "%s %s %lld %lld %lld %lld %u %llu %u", f->name,
			   nxp_model_names[f->model], f->last, f->fc, f->lower,
			   f->upper, f->conf, f->samples, f->switches);
		for (k = 0; k < NXP_MODELS; k++) {
			if (f->scored[k])
				seq_printf(m, " %lld", nx_vround(f->mae[k]));
			else
				seq_puts(m, " -");
		}
		seq_putc(m, '\n');
	}
}
