// SPDX-License-Identifier: GPL-2.0
/*
 * nx_shift.c - sustained upward shift of a latency (see nx_shift.h)
 */
#include "nx_shift.h"

#define NX_SHIFT_ALPHA	(NX_Q16_ONE / 32)	/* baseline EWMA */
#define NX_SHIFT_CLIP	3			/* baseline inputs, in sd */

/* Bits set in @v. */
static u32 nx_shift_bits(u32 v)
{
	v = v - ((v >> 1) & 0x55555555);
	v = (v & 0x33333333) + ((v >> 2) & 0x33333333);
	v = (v + (v >> 4)) & 0x0f0f0f0f;
	return (v * 0x01010101) >> 24;
}

/* The low @n bits (1..32). */
static u32 nx_shift_mask(u32 n)
{
	return n >= 32 ? U32_MAX : (1U << n) - 1;
}

/* 2^@u for a Q16.16 @u in [0, 40 << 16], in sample units. */
static s64 nx_shift_exp2(s64 u)
{
	u32 ip = (u32)(u >> NX_Q16_SHIFT);
	u32 fp = (u32)(u & (NX_Q16_ONE - 1));
	/* 2^fp = 2 * 2^-(1 - fp), in Q16.16, in [1, 2) */
	u64 m = fp ? 2ULL * nx_exp2_neg_q16(NX_Q16_ONE - fp) : NX_Q16_ONE;

	if (ip > 40)
		return NX_VALUE_MAX;
	return (s64)((m << ip) >> NX_Q16_SHIFT);
}

static s64 nx_shift_sd(const struct nx_shift *s)
{
	s64 sd = (s64)nx_isqrt((u64)s->var << NX_Q16_SHIFT);

	return max_t(s64, sd, NX_SHIFT_SD_MIN);
}

/* One baseline step: West's EWMA of mean and variance of @u. */
static void nx_shift_learn(struct nx_shift *s, s64 u)
{
	u32 alpha = NX_SHIFT_ALPHA;
	s64 d;

	if (s->n < U32_MAX)
		s->n++;
	if (s->n == 1) {
		s->mean = u;
		s->var = 0;
		return;
	}
	if (s->n < (u32)(NX_Q16_ONE / NX_SHIFT_ALPHA))
		alpha = NX_Q16_ONE / s->n;
	d = u - s->mean;
	s->mean += nx_fx_scale(d, alpha);
	s->var = nx_fx_scale(s->var + nx_fx_scale((d * d) >> NX_Q16_SHIFT,
						  alpha),
			     NX_Q16_ONE - alpha);
}

static void nx_shift_settle(struct nx_shift_cfg *c)
{
	c->sustain = clamp_t(u32, c->sustain, NX_SHIFT_SUSTAIN_MIN,
			     NX_SHIFT_SUSTAIN_MAX);
	c->learn = max_t(u32, c->learn, 4);
	c->shift_permille = clamp_t(u32, c->shift_permille, 1, 1000000);
	c->min_abs = clamp_t(s64, c->min_abs, 0, NX_VALUE_MAX);
}

/**
 * nx_shift_init() - reset the test
 * @s: state
 * @cfg: settings (copied; out-of-range values are clamped)
 *
 * Return: nothing.
 */
void nx_shift_init(struct nx_shift *s, const struct nx_shift_cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	nx_shift_settle(&s->cfg);
	nx_cusum_init(&s->cusum, NX_Q16_ONE / 2, 5 * NX_Q16_ONE);
	s->state = NX_SHIFT_LEARN;
}
EXPORT_SYMBOL_GPL(nx_shift_init);

/**
 * nx_shift_baseline() - the baseline in sample units
 * @s: state
 *
 * Return: B, frozen at the change point while a shift is suspected or
 * holds; else the current baseline, 2^mean - 1.
 */
s64 nx_shift_baseline(const struct nx_shift *s)
{
	if (s->state == NX_SHIFT_SUSPECT || s->state == NX_SHIFT_SHIFTED)
		return s->base;
	return max_t(s64, nx_shift_exp2(s->mean) - 1, 0);
}
EXPORT_SYMBOL_GPL(nx_shift_baseline);

static s64 nx_shift_level_at(const struct nx_shift *s, u32 permille,
			     s64 abs)
{
	s64 b = nx_shift_baseline(s);

	return b + max_t(s64, nx_mul_div(b, permille, 1000), abs);
}

/**
 * nx_shift_threshold() - the level a shift must reach
 * @s: state
 *
 * Return: max(B * (1 + shift), B + min_abs), in sample units.
 */
s64 nx_shift_threshold(const struct nx_shift *s)
{
	return nx_shift_level_at(s, s->cfg.shift_permille, s->cfg.min_abs);
}
EXPORT_SYMBOL_GPL(nx_shift_threshold);

/**
 * nx_shift_update() - feed one sample
 * @s: state
 * @x: the sample, sample units (clamped to [0, NX_VALUE_MAX])
 *
 * Return: the state after @x (enum nx_shift_state).
 */
int nx_shift_update(struct nx_shift *s, s64 x)
{
	u32 mask, sustain;
	s64 u, z, sd;

	nx_shift_settle(&s->cfg);
	sustain = s->cfg.sustain;
	x = clamp_t(s64, x, 0, NX_VALUE_MAX);
	u = nx_log2_q16((u64)x + 1);
	switch (s->state) {
	case NX_SHIFT_LEARN:
		nx_shift_learn(s, u);
		if (s->n >= s->cfg.learn)
			s->state = NX_SHIFT_IDLE;
		return s->state;
	case NX_SHIFT_IDLE:
		sd = nx_shift_sd(s);
		z = nx_q16_div(u - s->mean, sd);
		if (nx_cusum_update(&s->cusum, z) != 1) {
			/* a fall is no degradation: start again from it */
			if (s->cusum.neg > s->cusum.h)
				nx_cusum_reset(&s->cusum);
			nx_shift_learn(s, clamp_t(s64, u,
						  s->mean - NX_SHIFT_CLIP * sd,
						  s->mean + NX_SHIFT_CLIP * sd));
			return s->state;
		}
		nx_cusum_reset(&s->cusum);
		s->base = nx_shift_baseline(s);
		s->state = NX_SHIFT_SUSPECT;
		s->run = 0;
		s->above = 0;
		s->hold = 0;
		s->level = nx_vq(x);
		break;
	default:
		s->level += nx_fx_scale(nx_vq(x) - s->level, NX_Q16_ONE / 4);
		break;
	}
	if (s->run < U32_MAX)
		s->run++;
	s->above = (s->above << 1) | (x >= nx_shift_threshold(s));
	s->hold = (s->hold << 1) |
		  (x >= nx_shift_level_at(s, s->cfg.shift_permille / 2,
					  s->cfg.min_abs / 2));
	mask = nx_shift_mask(sustain);
	if (s->state == NX_SHIFT_SUSPECT && s->run >= sustain) {
		if (nx_shift_bits(s->above & mask) * 4 >= sustain * 3) {
			s->state = NX_SHIFT_SHIFTED;
		} else {
			s->state = NX_SHIFT_IDLE;
			nx_cusum_reset(&s->cusum);
		}
	} else if (s->state == NX_SHIFT_SHIFTED && s->run >= sustain &&
		   !(s->hold & mask)) {
		s->state = NX_SHIFT_IDLE;
		nx_cusum_reset(&s->cusum);
	}
	return s->state;
}
EXPORT_SYMBOL_GPL(nx_shift_update);

/**
 * nx_shift_accept() - make the current level the baseline
 * @s: state
 *
 * For a shift that has lasted long enough to be the new normal: the test
 * is idle again, its baseline mean at the level, its spread kept.
 *
 * Return: nothing.
 */
void nx_shift_accept(struct nx_shift *s)
{
	if (s->state != NX_SHIFT_SUSPECT && s->state != NX_SHIFT_SHIFTED)
		return;
	s->mean = nx_log2_q16((u64)max_t(s64, nx_vround(s->level), 0) + 1);
	s->state = NX_SHIFT_IDLE;
	nx_cusum_reset(&s->cusum);
}
EXPORT_SYMBOL_GPL(nx_shift_accept);

/**
 * nx_shift_confidence() - how sure the shift is, per-mille
 * @s: state
 *
 * 40% the share of the recent samples (up to 32) at or above the
 * threshold, 30% the size of the shift (full weight at twice the required
 * rise, in log2 units), 30% how long it has held (full weight after four
 * times cfg.sustain samples).
 *
 * Return: 0 unless the shift is confirmed; else 0..1000.
 */
u32 nx_shift_confidence(const struct nx_shift *s)
{
	u32 w, share, size, age;
	s64 rise, need;

	if (s->state != NX_SHIFT_SHIFTED)
		return 0;
	w = min_t(u32, s->run, 32);
	share = nx_shift_bits(s->above & nx_shift_mask(w)) * 1000 / w;
	rise = nx_log2_q16((u64)max_t(s64, nx_vround(s->level), 0) + 1) -
	       nx_log2_q16((u64)s->base + 1);
	need = nx_log2_q16(1000 + (u64)s->cfg.shift_permille) -
	       nx_log2_q16(1000);
	size = rise <= 0 ? 0 :
	       (u32)min_t(s64, div64_s64(rise * 500, max_t(s64, need, 1)),
			  1000);
	age = (u32)min_t(u64, s->run, 4ULL * s->cfg.sustain) * 1000 /
	      (4 * s->cfg.sustain);
	return (share * 4 + size * 3 + age * 3) / 10;
}
EXPORT_SYMBOL_GPL(nx_shift_confidence);
