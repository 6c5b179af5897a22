// SPDX-License-Identifier: GPL-2.0
/*
 * nx_ctx.c - context novelty detector (after CAD OSE)
 */
#include "nx_ctx.h"

/**
 * nx_ctx_init() - reset a context novelty detector
 * @c: state
 *
 * Return: nothing.
 */
void nx_ctx_init(struct nx_ctx *c)
{
	memset(c, 0, sizeof(*c));
}
EXPORT_SYMBOL_GPL(nx_ctx_init);

/**
 * nx_ctx_bin() - quantise a value on the current range
 * @c: state
 * @xq: value in Q.8 sample units, clamped to the range seen so far
 *
 * Return: the bin of @xq, 0..NX_CTX_BINS - 1 (0 while the range is empty).
 */
u32 nx_ctx_bin(const struct nx_ctx *c, s64 xq)
{
	u64 r = (u64)(c->hi - c->lo);

	if (!r)
		return 0;
	xq = clamp_t(s64, xq, c->lo, c->hi);
	/* (xq - lo) <= 2^49, times NX_CTX_BINS <= 2^53: no overflow */
	return (u32)min_t(u64, div64_u64((u64)(xq - c->lo) * NX_CTX_BINS,
					 r + 1), NX_CTX_BINS - 1);
}
EXPORT_SYMBOL_GPL(nx_ctx_bin);

/**
 * nx_ctx_update() - novelty of one sample, then learn it
 * @c: state
 * @xq: sample in Q.8 sample units (|@xq| <= 2^48)
 *
 * Widens the range to include @xq, quantises it and looks up the
 * transition from the previous sample's bin; the first sample has no
 * transition and is not novel.
 *
 * Counts in @c->calm the samples since the last novel transition, so that
 * a caller can tell a new transition on a metric whose transitions are all
 * known from one among many (nx_anomaly_update()).
 *
 * Return: true if the transition was never seen before.
 */
bool nx_ctx_update(struct nx_ctx *c, s64 xq)
{
	u32 bin;
	bool fresh = false;

	if (!c->n) {
		c->lo = xq;
		c->hi = xq;
	}
	c->lo = min_t(s64, c->lo, xq);
	c->hi = max_t(s64, c->hi, xq);
	bin = nx_ctx_bin(c, xq);
	if (c->n) {
		fresh = !(c->seen[c->prev] & (1U << bin));
		c->seen[c->prev] |= (u16)(1U << bin);
	} else {
		c->n = 1;
	}
	c->prev = (u8)bin;
	if (fresh)
		c->calm = 0;
	else if (c->calm < U32_MAX)
		c->calm++;
	return fresh;
}
EXPORT_SYMBOL_GPL(nx_ctx_update);
