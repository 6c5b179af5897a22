/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_holt.h - damped Holt (additive damped trend) exponential smoothing
 *
 * Error-correction form of ETS(A,Ad,N) (Gardner & McKenzie 1985; Hyndman
 * et al., "Forecasting with Exponential Smoothing", 2008):
 *
 *   f  = l + phi * b                       one-step forecast
 *   e  = x - f
 *   l' = f + alpha * e
 *   b' = phi * b + alpha * beta * e
 *
 * h-step forecast: l + (phi + phi^2 + ... + phi^h) * b.
 * Prediction interval: f_h +/- z * sigma * sqrt(1 + sum_{j<h} c_j^2) with
 * c_j = alpha * (1 + beta * (phi + ... + phi^j)), sigma^2 the EWMA of the
 * squared one-step errors.
 *
 * Formats: level and trend in Q.8 sample units; alpha, beta, phi in
 * Q16.16 within [0, 1]; horizons up to NX_HOLT_HMAX samples.
 */
#ifndef _NX_HOLT_H
#define _NX_HOLT_H

#include "nx_ewma.h"

#define NX_HOLT_HMAX	4096

/**
 * struct nx_holt - damped Holt state (64 bytes)
 * @level: smoothed level, Q.8 sample units
 * @trend: smoothed trend per sample, Q.8 sample units
 * @err: EWMA of one-step errors (mean = bias, var = sigma^2)
 * @alpha: level smoothing, Q16.16
 * @beta: trend smoothing, Q16.16
 * @phi: trend damping, Q16.16
 * @n: samples seen (saturates at 2)
 */
struct nx_holt {
	s64 level;
	s64 trend;
	struct nx_ewma err;
	u32 alpha;
	u32 beta;
	u32 phi;
	u32 n;
};

void nx_holt_init(struct nx_holt *h, u32 alpha, u32 beta, u32 phi);
s64 nx_holt_update(struct nx_holt *h, s64 x);
s64 nx_holt_forecast(const struct nx_holt *h, u32 steps);
u64 nx_holt_halfwidth(const struct nx_holt *h, u32 steps, u32 z);

#endif /* _NX_HOLT_H */
