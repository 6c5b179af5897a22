// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_tune's typed records for NEXUS_IOC_READ_RECORDS: the knobs it may
 * change (NEXUS_REC_TUNE_KNOB, each read again for the call, as the dump
 * does), the experiments running (NEXUS_REC_TUNE_EXPERIMENT) and the
 * change log, oldest first (NEXUS_REC_TUNE_CHANGE).  Everything is taken
 * under nxt_lock, inside the core's registry lock: the order the dump uses.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>
#include "tune.h"

static bool nxt_knob_shown(const struct nxt_knob *k)
{
	return k->used && (k->dev < 0 || !nxt_devs[k->dev].gone);
}

static void nxt_knob_rec(struct nexus_tune_knob_rec *r,
			 const struct nxt_knob *k)
{
	strscpy(r->name, k->name, sizeof(r->name));
	if (nxt_knob_enabled(k))
		r->flags |= NEXUS_KNOB_F_ENABLED;
	if (k->present)
		r->flags |= NEXUS_KNOB_F_PRESENT;
	if (k->changed)
		r->flags |= NEXUS_KNOB_F_CHANGED;
	if (k->admin)
		r->flags |= NEXUS_KNOB_F_ADMIN;
	if (k->out_of_range)
		r->flags |= NEXUS_KNOB_F_OUT_OF_RANGE;
	if (k->in_exp)
		r->flags |= NEXUS_KNOB_F_EXPERIMENT;
	r->eligibility = k->inelig;
	r->value = k->present ? k->cur : -1;
	r->min = k->min;
	r->max = k->max;
	r->orig = k->orig;
	r->written = k->written;
	r->last_change_ns = k->last_change_ns;
	r->backoff_until_ns = k->backoff_until_ns;
	r->fails = k->fails;
}

static int nxt_knob_recs(u64 offset, struct nexus_tune_knob_rec *out,
			 unsigned int max, u64 *total)
{
	unsigned int n = 0, i;
	u64 idx = 0;

	nxt_knobs_refresh();
	for (i = 0; i < NXT_NR_KNOBS; i++) {
		if (!nxt_knob_shown(&nxt_knobs[i]))
			continue;
		if (idx++ >= offset && n < max)
			nxt_knob_rec(&out[n++], &nxt_knobs[i]);
	}
	*total = idx;
	return n;
}

static int nxt_exp_recs(u64 offset, struct nexus_tune_exp_rec *out,
			unsigned int max, u64 *total)
{
	u64 now = ktime_get_ns(), idx = 0;
	const struct nxt_exp *e;
	unsigned int n = 0, i;

	for (i = 0; (e = nxt_exp_get(i)); i++) {
		struct nexus_tune_exp_rec *r;

		if (!e->active || idx++ < offset || n == max)
			continue;
		r = &out[n++];
		strscpy(r->knob, nxt_knobs[e->knob].name, sizeof(r->knob));
		strscpy(r->metric, e->metric, sizeof(r->metric));
		r->from = e->from;
		r->to = e->to;
		r->better = e->better;
		r->before_samples = e->nb;
		r->start_ns = e->t_apply;
		r->age_ms = div_u64(now - e->t_apply, NSEC_PER_MSEC);
		r->change_seq = e->log_seq;
	}
	*total = idx;
	return n;
}

static void nxt_change_rec(struct nexus_tune_change_rec *r,
			   const struct nxt_change *c)
{
	r->seq = c->seq;
	r->ts_ns = c->ts_ns;
	r->decision = c->decision;
	r->op = c->op;
	r->outcome = c->outcome;
	strscpy(r->knob, c->knob, sizeof(r->knob));
	r->old_value = c->old;
	r->new_value = c->new;
	strscpy(r->result, c->result ? c->result : "", sizeof(r->result));
	if (c->judged) {
		r->flags = NEXUS_TUNE_F_JUDGED;
		r->t_x1000 = c->welch.t_milli;
		r->df = c->welch.df;
		r->before_q8 = c->welch.mean_a;
		r->after_q8 = c->welch.mean_b;
		r->ci_lo_q8 = c->welch.ci_lo;
		r->ci_hi_q8 = c->welch.ci_hi;
	}
	strscpy(r->evidence, c->evidence, sizeof(r->evidence));
}

static int nxt_change_recs(u64 offset, struct nexus_tune_change_rec *out,
			   unsigned int max, u64 *total)
{
	const struct nxt_change *c;
	unsigned int n = 0;
	u64 i;

	for (i = 0; (c = nxt_log_get(i)); i++)
		if (i >= offset && n < max)
			nxt_change_rec(&out[n++], c);
	*total = i;
	return n;
}

/**
 * nxt_read_records() - the read_records callback of nexus_tune
 * @kind: NEXUS_REC_TUNE_KNOB, NEXUS_REC_TUNE_EXPERIMENT or
 *	NEXUS_REC_TUNE_CHANGE
 * @offset: index of the first record wanted
 * @buf: zeroed room for @max records of @kind's struct
 * @max: records wanted
 * @total: set to the records of @kind there are
 *
 * Return: records written, or -EINVAL for another kind.
 */
int nxt_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total)
{
	int n;

	/* The module's enums are the ABI's, value for value. */
	BUILD_BUG_ON(NXT_OP_CHANGE != (int)NEXUS_TUNE_OP_CHANGE ||
		     NXT_OP_GONE != (int)NEXUS_TUNE_OP_GONE);
	BUILD_BUG_ON(NXT_ELIGIBLE != (int)NEXUS_KNOB_ELIGIBLE ||
		     NXT_INELIG_NO_SWAP != (int)NEXUS_KNOB_NO_SWAP ||
		     NXT_INELIG_RAMDISK != (int)NEXUS_KNOB_RAM_DISK ||
		     NXT_INELIG_NO_SCHED != (int)NEXUS_KNOB_NO_IO_SCHEDULER ||
		     NXT_INELIG_BYTES_MODE != (int)NEXUS_KNOB_BYTES_MODE);
	BUILD_BUG_ON(NXT_NAME_LEN > NEXUS_NAME_LEN);
	mutex_lock(&nxt_lock);
	switch (kind) {
	case NEXUS_REC_TUNE_KNOB:
		n = nxt_knob_recs(offset, buf, max, total);
		break;
	case NEXUS_REC_TUNE_EXPERIMENT:
		n = nxt_exp_recs(offset, buf, max, total);
		break;
	case NEXUS_REC_TUNE_CHANGE:
		n = nxt_change_recs(offset, buf, max, total);
		break;
	default:
		n = -EINVAL;
	}
	mutex_unlock(&nxt_lock);
	return n;
}
