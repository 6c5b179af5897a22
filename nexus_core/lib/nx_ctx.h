/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_ctx.h - context novelty detector (after CAD OSE)
 *
 * Each sample is quantised into one of NX_CTX_BINS bins of the range seen
 * so far (running minimum and maximum).  The context of a sample is the
 * bin of the previous sample; the detector remembers, exactly, every
 * (previous bin, bin) transition it has seen, in an NX_CTX_BINS x
 * NX_CTX_BINS bit matrix.  A sample whose transition was never seen is
 * novel.  A new extreme widens the range, which moves the bins, so the
 * transitions after it are judged on the new scale.
 */
#ifndef _NX_CTX_H
#define _NX_CTX_H

#include "nx_fixed.h"

#define NX_CTX_BINS	8	/* bins of the value range, 2..16 */

/**
 * struct nx_ctx - context novelty state (40 bytes)
 * @lo: smallest value seen, Q.8 sample units
 * @hi: largest value seen, Q.8 sample units
 * @seen: seen[p] bit b: the transition from bin p to bin b was seen
 * @prev: bin of the previous sample
 * @n: samples seen (saturates at 2)
 * @calm: samples since the last novel transition (saturating)
 */
struct nx_ctx {
	s64 lo;
	s64 hi;
	u16 seen[NX_CTX_BINS];
	u8 prev;
	u8 n;
	u32 calm;
};

void nx_ctx_init(struct nx_ctx *c);
u32 nx_ctx_bin(const struct nx_ctx *c, s64 xq);
bool nx_ctx_update(struct nx_ctx *c, s64 xq);

#endif /* _NX_CTX_H */
