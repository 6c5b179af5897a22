// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS_REC_PLAN: the recovery plans as typed records for
 * NEXUS_IOC_READ_RECORDS, the ones the debugfs dump shows: the plans
 * running now (in component order), then the finished ones kept, oldest
 * first.  The plans change in the components' plan work under nxh_lock,
 * not in the core's callbacks, so the records are taken under nxh_lock
 * (inside the core's registry lock, the order the dump uses).
 */
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "heal.h"

static void nxh_plan_rec(struct nexus_plan_rec *r, const struct nxh_plan *p,
			 bool running)
{
	unsigned int i;

	r->id = p->id;
	r->start_ns = p->start_ns;
	if (!running) {
		r->end_ns = p->end_ns;
		if (p->end_ns > p->start_ns)
			r->duration_ms = div_u64(p->end_ns - p->start_ns,
						 NSEC_PER_MSEC);
	}
	r->finding = p->finding;
	strscpy(r->component, p->comp, sizeof(r->component));
	r->fault = p->fault;
	r->status = running ? NEXUS_PLAN_RUNNING : p->status;
	r->flags = p->learned ? NEXUS_PLAN_F_LEARNED : 0;
	r->nsteps = min_t(unsigned int, p->nsteps, NEXUS_PLAN_RUNGS);
	r->done = p->done;
	for (i = 0; i < NEXUS_PLAN_RUNGS; i++)
		r->skip[i] = p->skip[i];
	for (i = 0; i < r->nsteps; i++) {
		const struct nxh_step *st = &p->steps[i];
		struct nexus_plan_step *o = &r->steps[i];

		o->strategy = st->strategy;
		o->outcome = st->outcome;
		o->result = st->result;
		o->ms = st->ms;
		o->p_permille = st->p_permille;
		o->decision = st->decision;
	}
}

/**
 * nxh_read_records() - the read_records callback of nexus_heal
 * @kind: NEXUS_REC_PLAN
 * @offset: index of the first plan wanted
 * @buf: zeroed room for @max struct nexus_plan_rec
 * @max: records wanted
 * @total: set to the plans there are, running and finished
 *
 * Return: records written, or -EINVAL for another kind.
 */
int nxh_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total)
{
	struct nexus_plan_rec *out = buf;
	const struct nxh_plan *p;
	unsigned int n = 0;
	u64 i, idx = 0;

	/* The module's enums are the ABI's, value for value. */
	BUILD_BUG_ON(NEXUS_HEAL_COUNT != NEXUS_PLAN_RUNGS);
	BUILD_BUG_ON(NXH_PLAN_NR != (int)NEXUS_PLAN_STATUS_COUNT ||
		     NXH_PLAN_RUNNING != (int)NEXUS_PLAN_RUNNING ||
		     NXH_PLAN_REFUSED != (int)NEXUS_PLAN_REFUSED);
	BUILD_BUG_ON(NXH_STEP_NR != (int)NEXUS_STEP_OUTCOME_COUNT ||
		     NXH_STEP_OK != (int)NEXUS_STEP_OK ||
		     NXH_STEP_REFUSED != (int)NEXUS_STEP_REFUSED);
	BUILD_BUG_ON(NXH_SKIP_NR != (int)NEXUS_SKIP_COUNT ||
		     NXH_SKIP_NO_CHECKPOINT != (int)NEXUS_SKIP_NO_CHECKPOINT);
	if (kind != NEXUS_REC_PLAN)
		return -EINVAL;
	mutex_lock(&nxh_lock);
	for (i = 0; (p = nxh_plan_running(i)); i++, idx++)
		if (idx >= offset && n < max)
			nxh_plan_rec(&out[n++], p, true);
	for (i = 0; (p = nxh_plan_finished(i)); i++, idx++)
		if (idx >= offset && n < max)
			nxh_plan_rec(&out[n++], p, false);
	mutex_unlock(&nxh_lock);
	*total = idx;
	return n;
}
