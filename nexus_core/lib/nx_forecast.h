/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_forecast.h - one metric's forecaster: four models side by side, the
 * one with the lowest error at the horizon published
 *
 * The models, each updated on every sample:
 *  - linear regression over the last NX_LINREG_WIN samples (the method of
 *    Prometheus' predict_linear()), extrapolated to t + horizon;
 *  - damped Holt smoothing (alpha 0.3, beta 0.1, phi 0.98), h steps ahead,
 *    h = horizon / mean sample spacing;
 *  - an EWMA of the level (alpha 1/16): the forecast is the smoothed mean;
 *  - naive: the last value.
 *
 * Selection is by error at the horizon itself, not one step ahead, since
 * that is the forecast published: every horizon / NX_FC_PENDING the four
 * forecasts are queued with their target time, and when a sample at or
 * past the target arrives each model's absolute error feeds an EWMA (1/8)
 * of its mean absolute error.  Once a model has NX_FC_MIN_SCORED scored
 * forecasts the forecaster moves to the model with the lowest error, with
 * 10% hysteresis so that near ties do not flap.
 *
 * Interval: 95%, from the empirical horizon errors of the chosen model
 * (half width 1.96 * sqrt(pi / 2) * MAE, the normal relation between MAE
 * and sigma); until enough forecasts are scored, Holt's analytic interval.
 * Forecast and interval are clamped to [lo, hi].
 *
 * Confidence (per-mille): S / (S + half width) with S the smoothed
 * magnitude of the metric, times min(scored, 8) / 8.
 *
 * Formats: times in ms (any monotonic origin), samples in sample units,
 * errors in Q.8 sample units, the mean spacing in Q.8 ms.  The kernel's
 * predict module and "nexusctl replay --model forecast" both run this code.
 */
#ifndef _NX_FORECAST_H
#define _NX_FORECAST_H

#include "nx_ewma.h"
#include "nx_holt.h"
#include "nx_linreg.h"

#define NX_FC_PENDING		32
#define NX_FC_MIN_SCORED	4

enum nx_fc_model {
	NX_FC_LINREG,
	NX_FC_HOLT,
	NX_FC_EWMA,
	NX_FC_NAIVE,
	NX_FC_MODELS
};

/**
 * struct nx_fc_pending - forecasts waiting for their target time
 * @t: target time, ms
 * @f: each model's forecast for @t
 */
struct nx_fc_pending {
	s64 t;
	s64 f[NX_FC_MODELS];
};

/**
 * struct nx_forecaster - one metric's forecaster (about 1.9 KiB)
 * @horizon: forecast horizon, ms (> 0)
 * @lo: lowest physical value
 * @hi: highest physical value
 * @t_last: time of the newest sample, ms
 * @dt_q8: EWMA (1/8) of the sample spacing, Q.8 ms; 0 until known
 * @lr: linear regression model
 * @holt: damped Holt model
 * @ewma: level model; also gives the metric's magnitude
 * @last: newest sample
 * @pend: ring of queued forecasts
 * @ph: index of the oldest queued forecast
 * @pn: queued forecasts
 * @t_rec: when a forecast was last queued, ms
 * @mae: per model, EWMA of |error| at the horizon, Q.8 sample units
 * @scored: per model, forecasts scored
 * @model: the chosen model (enum nx_fc_model)
 * @switches: model changes so far
 * @fc: published forecast for t_last + horizon
 * @lower: lower end of its 95% interval
 * @upper: upper end
 * @conf: confidence, per-mille
 * @samples: samples consumed
 */
struct nx_forecaster {
	s64 horizon;
	s64 lo, hi;
	s64 t_last;
	u64 dt_q8;
	struct nx_linreg lr;
	struct nx_holt holt;
	struct nx_ewma ewma;
	s64 last;
	struct nx_fc_pending pend[NX_FC_PENDING];
	u32 ph, pn;
	s64 t_rec;
	u64 mae[NX_FC_MODELS];
	u32 scored[NX_FC_MODELS];
	u32 model;
	u32 switches;
	s64 fc, lower, upper;
	u32 conf;
	u64 samples;
};

extern const char * const nx_fc_model_names[NX_FC_MODELS];

void nx_fc_init(struct nx_forecaster *f, s64 horizon_ms, s64 lo, s64 hi);
void nx_fc_sample(struct nx_forecaster *f, s64 t_ms, s64 x);
void nx_fc_publish(struct nx_forecaster *f);
void nx_fc_models(const struct nx_forecaster *f, s64 out[NX_FC_MODELS]);

#endif /* _NX_FORECAST_H */
