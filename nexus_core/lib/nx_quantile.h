/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_quantile.h - streaming quantile estimators
 *
 * struct nx_p2: the P-square algorithm (Jain & Chlamtac, CACM 1985) for
 * one quantile in O(1) memory (5 markers).  Marker heights are Q.8 sample
 * units, positions integers, desired positions Q16.16.  To follow slow
 * drift the estimator ages: once the sample count reaches NX_P2_MAXN all
 * positions are halved, so the estimate reflects roughly the last
 * NX_P2_MAXN samples with geometrically decaying weight.
 *
 * struct nx_qtrack: a stochastic-approximation quantile tracker,
 * q += eta * (tau - 1{x <= q}), with a step eta proportional to a caller
 * supplied scale (e.g. the current MAD).  It forgets at a rate set by the
 * step and is what the anomaly detector uses for its robust baseline.
 */
#ifndef _NX_QUANTILE_H
#define _NX_QUANTILE_H

#include "nx_fixed.h"

#define NX_P2_MAXN	((s32)1 << 16)

/**
 * struct nx_p2 - P-square single quantile estimator (112 bytes)
 * @q: marker heights, Q.8 sample units
 * @np: desired marker positions, Q16.16
 * @n: actual marker positions (1-based)
 * @p: the quantile, Q16.16 in (0, 1)
 * @count: samples seen (saturates)
 */
struct nx_p2 {
	s64 q[5];
	s64 np[5];
	s32 n[5];
	u32 p;
	u32 count;
};

void nx_p2_init(struct nx_p2 *s, u32 p);
void nx_p2_update(struct nx_p2 *s, s64 x);
s64 nx_p2_get(const struct nx_p2 *s);

/**
 * struct nx_qtrack - stochastic-approximation quantile tracker (16 bytes)
 * @q: current estimate, Q.8 sample units
 * @tau: the quantile, Q16.16 in (0, 1)
 * @init: set once the first sample has seeded @q
 */
struct nx_qtrack {
	s64 q;
	u32 tau;
	u32 init;
};

void nx_qtrack_init(struct nx_qtrack *t, u32 tau);
void nx_qtrack_update(struct nx_qtrack *t, s64 xq, u64 step);

#endif /* _NX_QUANTILE_H */
