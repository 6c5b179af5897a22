// SPDX-License-Identifier: GPL-2.0
/*
 * nx_quantile.c - P-square quantile estimator and SA quantile tracker
 */
#include "nx_quantile.h"

/**
 * nx_p2_init() - reset a P-square estimator
 * @s: state
 * @p: quantile in Q16.16, clamped to [1/65536, 65535/65536]
 *
 * Return: nothing.
 */
void nx_p2_init(struct nx_p2 *s, u32 p)
{
	memset(s, 0, sizeof(*s));
	s->p = clamp_t(u32, p, 1, NX_Q16_ONE - 1);
}
EXPORT_SYMBOL_GPL(nx_p2_init);

static void nx_p2_sort5(s64 *v, u32 n)
{
	u32 i, j;

	for (i = 1; i < n; i++) {
		s64 x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void nx_p2_age(struct nx_p2 *s)
{
	int i;

	for (i = 0; i < 5; i++) {
		s->n[i] = (s->n[i] + 1) / 2;
		if (s->n[i] <= (i ? s->n[i - 1] : 0))
			s->n[i] = (i ? s->n[i - 1] : 0) + 1;
		s->np[i] >>= 1;
	}
	s->count = s->n[4];
}

/* Parabolic (P-square) prediction of marker i moved by d = +/-1. */
static s64 nx_p2_parabolic(const struct nx_p2 *s, int i, int d)
{
	s64 a = nx_mul_div(s->q[i + 1] - s->q[i], s->n[i] - s->n[i - 1] + d,
			   s->n[i + 1] - s->n[i]);
	s64 b = nx_mul_div(s->q[i] - s->q[i - 1], s->n[i + 1] - s->n[i] - d,
			   s->n[i] - s->n[i - 1]);

	if (nx_abs64(a) > (1ULL << 60) || nx_abs64(b) > (1ULL << 60))
		return S64_MAX;
	return s->q[i] + nx_mul_div(a + b, d, s->n[i + 1] - s->n[i - 1]);
}

/**
 * nx_p2_update() - feed one sample
 * @s: state
 * @x: sample in sample units (clamped to +/-NX_VALUE_MAX)
 *
 * Return: nothing.
 */
void nx_p2_update(struct nx_p2 *s, s64 x)
{
	s64 xq = nx_vq(nx_clamp_value(x));
	s64 p = s->p;
	int i, k;

	if (s->count < 5) {
		s->q[s->count++] = xq;
		if (s->count < 5)
			return;
		nx_p2_sort5(s->q, 5);
		for (i = 0; i < 5; i++)
			s->n[i] = i + 1;
		s->np[0] = NX_Q16_ONE;
		s->np[1] = NX_Q16_ONE + 2 * p;
		s->np[2] = NX_Q16_ONE + 4 * p;
		s->np[3] = 3 * NX_Q16_ONE + 2 * p;
		s->np[4] = 5 * NX_Q16_ONE;
		return;
	}
	if (s->count >= NX_P2_MAXN)
		nx_p2_age(s);

	if (xq < s->q[0]) {
		s->q[0] = xq;
		k = 0;
	} else if (xq >= s->q[4]) {
		s->q[4] = xq;
		k = 3;
	} else {
		for (k = 0; k < 3; k++)
			if (xq < s->q[k + 1])
				break;
	}
	for (i = k + 1; i < 5; i++)
		s->n[i]++;
	s->np[1] += p / 2;
	s->np[2] += p;
	s->np[3] += (NX_Q16_ONE + p) / 2;
	s->np[4] += NX_Q16_ONE;
	s->count++;

	for (i = 1; i < 4; i++) {
		s64 d = s->np[i] - ((s64)s->n[i] << NX_Q16_SHIFT);
		int ds;
		s64 qp;

		if (d >= NX_Q16_ONE && s->n[i + 1] - s->n[i] > 1)
			ds = 1;
		else if (d <= -NX_Q16_ONE && s->n[i - 1] - s->n[i] < -1)
			ds = -1;
		else
			continue;
		qp = nx_p2_parabolic(s, i, ds);
		if (qp <= s->q[i - 1] || qp >= s->q[i + 1])
			qp = s->q[i] + nx_mul_div(s->q[i + ds] - s->q[i], 1,
						  s->n[i + ds] - s->n[i]);
		s->q[i] = qp;
		s->n[i] += ds;
	}
}
EXPORT_SYMBOL_GPL(nx_p2_update);

/**
 * nx_p2_get() - current quantile estimate
 * @s: state
 *
 * Before five samples the estimate is the nearest-rank quantile of the
 * samples seen so far.
 *
 * Return: the estimate in Q.8 sample units (0 before any sample).
 */
s64 nx_p2_get(const struct nx_p2 *s)
{
	s64 v[5];
	u32 idx;

	if (s->count >= 5)
		return s->q[2];
	if (!s->count)
		return 0;
	memcpy(v, s->q, sizeof(v));
	nx_p2_sort5(v, s->count);
	idx = (u32)(((u64)s->p * (s->count - 1) + NX_Q16_ONE / 2) >>
		    NX_Q16_SHIFT);
	return v[idx];
}
EXPORT_SYMBOL_GPL(nx_p2_get);

/**
 * nx_qtrack_init() - reset a quantile tracker
 * @t: state
 * @tau: quantile in Q16.16, clamped to (0, 1)
 *
 * Return: nothing.
 */
void nx_qtrack_init(struct nx_qtrack *t, u32 tau)
{
	t->q = 0;
	t->init = 0;
	t->tau = clamp_t(u32, tau, 1, NX_Q16_ONE - 1);
}
EXPORT_SYMBOL_GPL(nx_qtrack_init);

/**
 * nx_qtrack_update() - move the estimate one step toward the quantile
 * @t: state
 * @xq: sample in Q.8 sample units
 * @step: step size eta in Q.8 sample units (e.g. rate * current scale)
 *
 * The first sample seeds the estimate.  A step never overshoots the
 * sample, so a constant input is tracked exactly.
 *
 * Return: nothing.
 */
void nx_qtrack_update(struct nx_qtrack *t, s64 xq, u64 step)
{
	s64 up, down;

	if (!t->init) {
		t->q = xq;
		t->init = 1;
		return;
	}
	step = min_t(u64, step, 1ULL << 50);
	up = nx_fx_scale((s64)step, t->tau);
	down = nx_fx_scale((s64)step, NX_Q16_ONE - t->tau);
	if (xq > t->q)
		t->q = min_t(s64, t->q + max_t(s64, up, 1), xq);
	else if (xq < t->q)
		t->q = max_t(s64, t->q - max_t(s64, down, 1), xq);
}
EXPORT_SYMBOL_GPL(nx_qtrack_update);
