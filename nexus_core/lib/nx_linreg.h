/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_linreg.h - least-squares line over a sliding window
 *
 * The method of Prometheus' predict_linear(): fit x = a + b * t over the
 * last NX_LINREG_WIN (t, x) points by ordinary least squares and
 * extrapolate.  Also answers "when will the line reach a threshold".
 *
 * Formats: t in any integer time unit (seconds, ms, sample index); x in
 * sample units (|x| <= NX_VALUE_MAX).  Sums are taken around the window's
 * means, and time offsets are right-shifted until the window's span fits
 * in 2^11 units (so a fit over long spans has a time resolution of
 * span / 2048), which bounds sum(n * dt * dx) by 32 * 2^16 * 2^41 = 2^62.
 */
#ifndef _NX_LINREG_H
#define _NX_LINREG_H

#include "nx_fixed.h"

#define NX_LINREG_WIN	32

/**
 * struct nx_linreg - sliding-window regression state (520 bytes)
 * @t: sample times, ring buffer
 * @x: sample values (sample units), ring buffer
 * @head: next slot to write
 * @n: points held, up to NX_LINREG_WIN
 */
struct nx_linreg {
	s64 t[NX_LINREG_WIN];
	s64 x[NX_LINREG_WIN];
	u32 head;
	u32 n;
};

/**
 * struct nx_linfit - result of a fit
 * @t0: reference time (the newest point's time)
 * @x0: fitted value at @t0, Q.8 sample units
 * @slope: slope in Q16.16 sample units per 2^@shift time units
 * @shift: right shift applied to time offsets to keep sums in range
 */
struct nx_linfit {
	s64 t0;
	s64 x0;
	s64 slope;
	u32 shift;
};

void nx_linreg_init(struct nx_linreg *r);
void nx_linreg_add(struct nx_linreg *r, s64 t, s64 x);
int nx_linreg_fit(const struct nx_linreg *r, struct nx_linfit *fit);
s64 nx_linfit_at(const struct nx_linfit *fit, s64 t);
s64 nx_linfit_time_to(const struct nx_linfit *fit, s64 threshold);

#endif /* _NX_LINREG_H */
