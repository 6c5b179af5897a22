/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_shift.h - a sustained upward shift in the level of a latency
 *
 * The change-point test behind the Degradation prediction.  A latency is
 * positive, skewed, and changes by factors (a disk going from 1 to 2 ms
 * has changed as much as one going from 10 to 20 ms), so the test runs on
 * u = log2(1 + x):
 *
 *  learn    the first cfg.learn samples set the baseline: an EWMA of u
 *           and of its squared deviation (a plain mean over the first 32
 *           samples, then alpha 1/32).
 *  idle     a CUSUM (nx_cpd.h, k = 0.5, h = 5) on z = (u - mean) / sd,
 *           sd at least NX_SHIFT_SD_MIN (0.2 in log2 units, about 15%);
 *           only its upward alarm counts.  The baseline keeps learning
 *           from inputs clipped at 3 sd, so that the first samples of a
 *           shift, before the alarm, barely move it.
 *  suspect  the CUSUM alarmed: a change point.  The baseline is frozen,
 *           B = 2^mean - 1 in sample units.  After cfg.sustain samples the
 *           shift is confirmed if at least 3/4 of them are at or above
 *           T = max(B * (1 + shift), B + min_abs); otherwise it was a
 *           burst, or too small a shift, and the test is idle again.
 *  shifted  holds while one of the last cfg.sustain samples is at or
 *           above max(B * (1 + shift / 2), B + min_abs / 2); when all are
 *           below, the shift is over and the test is idle again, against
 *           the baseline from before the shift.
 *
 * nx_shift_accept() makes the current level the baseline: a shift that has
 * lasted long enough is the new normal.
 *
 * Formats: samples in sample units, clamped to [0, NX_VALUE_MAX]; u, the
 * baseline mean and sd in Q16.16 log2 units (u < 2^22); the level (an
 * EWMA, alpha 1/4, of the samples since the change point) in Q.8 sample
 * units; shift in per-mille.
 */
#ifndef _NX_SHIFT_H
#define _NX_SHIFT_H

#include "nx_fixed.h"
#include "nx_cpd.h"

#define NX_SHIFT_SD_MIN		(NX_Q16_ONE / 5)
#define NX_SHIFT_SUSTAIN_MIN	4
#define NX_SHIFT_SUSTAIN_MAX	32

enum nx_shift_state {
	NX_SHIFT_LEARN = 0,
	NX_SHIFT_IDLE,
	NX_SHIFT_SUSPECT,
	NX_SHIFT_SHIFTED,
};

/**
 * struct nx_shift_cfg - what counts as a sustained shift
 * @shift_permille: the rise over the baseline a shift must reach
 *	(500: the level at least 1.5 times the baseline); at least 1
 * @sustain: samples after the change point that must confirm it, and
 *	samples below the hold level that end it (clamped to 4..32)
 * @learn: samples that set the baseline before any test (at least 4)
 * @min_abs: the rise, in sample units, a shift must also reach (so that
 *	a tiny baseline doubling is not a shift)
 */
struct nx_shift_cfg {
	u32 shift_permille;
	u32 sustain;
	u32 learn;
	s64 min_abs;
};

/**
 * struct nx_shift - state of the test (about 100 bytes)
 * @cfg: settings; may be changed between samples
 * @cusum: the change-point test on z
 * @mean: baseline of u, Q16.16 log2 units
 * @var: EWMA of (u - mean)^2, Q16.16
 * @base: B, the baseline in sample units, fixed at the change point
 * @level: EWMA (1/4) of the samples since the change point, Q.8
 * @n: samples learned from (saturating)
 * @run: samples since the change point (saturating)
 * @above: bit i set: the sample i back was at or above the threshold
 * @hold: bit i set: the sample i back was at or above the hold level
 * @state: enum nx_shift_state
 */
struct nx_shift {
	struct nx_shift_cfg cfg;
	struct nx_cusum cusum;
	s64 mean;
	s64 var;
	s64 base;
	s64 level;
	u32 n;
	u32 run;
	u32 above;
	u32 hold;
	u8 state;
};

void nx_shift_init(struct nx_shift *s, const struct nx_shift_cfg *cfg);
int nx_shift_update(struct nx_shift *s, s64 x);
void nx_shift_accept(struct nx_shift *s);
s64 nx_shift_baseline(const struct nx_shift *s);
s64 nx_shift_threshold(const struct nx_shift *s);
u32 nx_shift_confidence(const struct nx_shift *s);

#endif /* _NX_SHIFT_H */
