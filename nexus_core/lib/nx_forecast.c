// SPDX-License-Identifier: GPL-2.0
/*
 * nx_forecast.c - per-metric forecaster, model chosen by horizon error
 *
 * The design is described in nx_forecast.h.
 */
#include "nx_forecast.h"

/* 1.96 * sqrt(pi / 2) in per-mille: the 95% half width from a MAE. */
#define NX_FC_MAE_TO_HW	2457
/* 1.96 in Q16.16 for Holt's analytic interval. */
#define NX_FC_Z95_Q16	128451

const char * const nx_fc_model_names[NX_FC_MODELS] = {
	"linreg", "holt", "ewma", "naive",
};
EXPORT_SYMBOL_GPL(nx_fc_model_names);

/**
 * nx_fc_init() - start a forecaster with no history
 * @f: state
 * @horizon_ms: how far ahead to forecast, ms; at least 1
 * @lo: lowest physical value of the metric (forecasts are clamped to it)
 * @hi: highest physical value
 *
 * Return: nothing.
 */
void nx_fc_init(struct nx_forecaster *f, s64 horizon_ms, s64 lo, s64 hi)
{
	memset(f, 0, sizeof(*f));
	f->horizon = max_t(s64, horizon_ms, 1);
	f->lo = lo;
	f->hi = hi;
	nx_linreg_init(&f->lr);
	/* Slow enough trend to ride out noise, damped so it cannot run off. */
	nx_holt_init(&f->holt, NX_Q16_ONE * 3 / 10, NX_Q16_ONE / 10,
		     NX_Q16_ONE * 98 / 100);
	nx_ewma_init(&f->ewma, NX_Q16_ONE / 16);
	f->model = NX_FC_HOLT;
}
EXPORT_SYMBOL_GPL(nx_fc_init);

/* Holt's step count for the horizon at the mean sample spacing. */
static u32 nx_fc_steps(const struct nx_forecaster *f)
{
	if (!f->dt_q8)
		return 1;
	return (u32)clamp_t(u64, div64_u64((u64)f->horizon << 8, f->dt_q8),
			    1, NX_HOLT_HMAX);
}

/**
 * nx_fc_models() - every model's forecast for t_last + horizon
 * @f: state
 * @out: one forecast per enum nx_fc_model, sample units
 *
 * Return: nothing.
 */
void nx_fc_models(const struct nx_forecaster *f, s64 out[NX_FC_MODELS])
{
	struct nx_linfit fit;

	if (!nx_linreg_fit(&f->lr, &fit))
		out[NX_FC_LINREG] = nx_linfit_at(&fit, f->t_last + f->horizon);
	else
		out[NX_FC_LINREG] = f->last;
	out[NX_FC_HOLT] = nx_holt_forecast(&f->holt, nx_fc_steps(f));
	out[NX_FC_EWMA] = nx_ewma_mean(&f->ewma);
	out[NX_FC_NAIVE] = f->last;
}
EXPORT_SYMBOL_GPL(nx_fc_models);

/* Score every queued forecast whose target time has come. */
static void nx_fc_score(struct nx_forecaster *f, s64 t, s64 x)
{
	while (f->pn && f->pend[f->ph].t <= t) {
		const struct nx_fc_pending *p = &f->pend[f->ph];
		u32 m;

		for (m = 0; m < NX_FC_MODELS; m++) {
			u64 e = (u64)nx_vq(min_t(u64, nx_abs64(x - p->f[m]),
						 NX_VALUE_MAX));

			/* EWMA 1/8; the first error seeds it */
			if (!f->scored[m])
				f->mae[m] = e;
			else
				f->mae[m] = f->mae[m] - (f->mae[m] >> 3) + (e >> 3);
			if (f->scored[m] < U32_MAX)
				f->scored[m]++;
		}
		f->ph = (f->ph + 1) % NX_FC_PENDING;
		f->pn--;
	}
}

/**
 * nx_fc_sample() - feed one sample
 * @f: state
 * @t_ms: its time, ms; samples not newer than the last one are dropped
 * @x: its value, sample units (clamped to +/-NX_VALUE_MAX)
 *
 * Scores the queued forecasts that have come due, updates the models and,
 * at most every horizon / NX_FC_PENDING, queues the models' forecasts for
 * t_ms + horizon.  The published forecast changes only in nx_fc_publish().
 *
 * Return: nothing.
 */
void nx_fc_sample(struct nx_forecaster *f, s64 t_ms, s64 x)
{
	s64 rec_every = div64_s64(f->horizon, NX_FC_PENDING);

	if (f->samples && t_ms <= f->t_last)
		return;
	x = nx_clamp_value(x);
	nx_fc_score(f, t_ms, x);
	if (f->samples) {
		u64 dt = (u64)(t_ms - f->t_last) << 8;

		f->dt_q8 = f->dt_q8 ? f->dt_q8 - (f->dt_q8 >> 3) + (dt >> 3) : dt;
	}
	f->t_last = t_ms;
	f->last = x;
	f->samples++;
	nx_linreg_add(&f->lr, t_ms, x);
	nx_holt_update(&f->holt, x);
	nx_ewma_update(&f->ewma, x);
	if (f->pn < NX_FC_PENDING &&
	    (f->samples == 1 || t_ms - f->t_rec >= rec_every)) {
		struct nx_fc_pending *p =
			&f->pend[(f->ph + f->pn) % NX_FC_PENDING];

		nx_fc_models(f, p->f);
		p->t = t_ms + f->horizon;
		f->pn++;
		f->t_rec = t_ms;
	}
}
EXPORT_SYMBOL_GPL(nx_fc_sample);

/* Move to the model with the lowest horizon error, with 10% hysteresis. */
static void nx_fc_select(struct nx_forecaster *f)
{
	u32 m, best = f->model;

	for (m = 0; m < NX_FC_MODELS; m++) {
		if (f->scored[m] < NX_FC_MIN_SCORED)
			continue;
		if (f->scored[best] < NX_FC_MIN_SCORED || f->mae[m] < f->mae[best])
			best = m;
	}
	if (best == f->model)
		return;
	if (f->scored[f->model] >= NX_FC_MIN_SCORED &&
	    f->mae[best] * 10 >= f->mae[f->model] * 9)
		return;
	f->model = best;
	f->switches++;
}

/**
 * nx_fc_publish() - choose the model and compute forecast, interval and
 * confidence for t_last + horizon
 * @f: state, with at least one sample
 *
 * Called after a batch of nx_fc_sample() (the kernel, once per tick) or
 * after every sample (replay).
 *
 * Return: nothing.
 */
void nx_fc_publish(struct nx_forecaster *f)
{
	u32 scored;
	s64 out[NX_FC_MODELS], s;
	u64 hw;

	if (!f->samples)
		return;
	nx_fc_select(f);
	scored = f->scored[f->model];
	nx_fc_models(f, out);
	f->fc = clamp_t(s64, out[f->model], f->lo, f->hi);
	if (scored >= NX_FC_MIN_SCORED)
		hw = (u64)nx_vround((s64)div64_u64(f->mae[f->model] *
						   NX_FC_MAE_TO_HW, 1000));
	else
		hw = nx_holt_halfwidth(&f->holt, nx_fc_steps(f), NX_FC_Z95_Q16);
	hw = min_t(u64, hw, NX_VALUE_MAX);
	f->lower = clamp_t(s64, f->fc - (s64)hw, f->lo, f->hi);
	f->upper = clamp_t(s64, f->fc + (s64)hw, f->lo, f->hi);
	s = max_t(s64, (s64)nx_abs64(nx_ewma_mean(&f->ewma)), 1);
	f->conf = (u32)div64_u64((u64)s * NX_PERMILLE, (u64)s + hw);
	f->conf = f->conf * min_t(u32, scored, 8) / 8;
}
EXPORT_SYMBOL_GPL(nx_fc_publish);
