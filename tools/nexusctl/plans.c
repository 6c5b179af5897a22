// SPDX-License-Identifier: GPL-2.0
/*
 * plans.c - "nexusctl show plans": nexus_heal's recovery plans, running
 * first, then the finished ones it keeps (NEXUS_REC_PLAN records of
 * NEXUS_IOC_READ_RECORDS).
 *
 * Text: one line per plan, each step as strategy:outcome.  JSON: every
 * field, the steps with their result, duration and learned estimate, and
 * the rungs left out of the plan with why.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nexusctl.h"
#include "nx_dev.h"

static void nxp_json(const struct nexus_plan_rec *p)
{
	struct nx_json *j = &nx_jw;
	unsigned int i;

	nx_json_begin_object(j);
	nx_json_ku64(j, "id", p->id);
	nx_json_kstr(j, "component", p->component);
	nx_json_ku64(j, "fault", p->fault);
	nx_json_kstr(j, "status", nx_plan_status_name(p->status));
	nx_json_kstr(j, "order", p->flags & NEXUS_PLAN_F_LEARNED ?
		     "learned" : "ladder");
	nx_json_name(j, "steps");
	nx_json_begin_array(j);
	for (i = 0; i < p->nsteps && i < NEXUS_PLAN_RUNGS; i++) {
		const struct nexus_plan_step *st = &p->steps[i];

		nx_json_begin_object(j);
		nx_json_kstr(j, "strategy", nx_strategy_name(st->strategy));
		nx_json_kstr(j, "outcome", nx_step_outcome_name(st->outcome));
		nx_json_ks64(j, "result", st->result);
		nx_json_ku64(j, "ms", st->ms);
		nx_json_ku64(j, "p_permille", st->p_permille);
		nx_json_ku64(j, "decision", st->decision);
		nx_json_end_object(j);
	}
	nx_json_end_array(j);
	nx_json_name(j, "skipped");
	nx_json_begin_array(j);
	for (i = 0; i < NEXUS_PLAN_RUNGS; i++) {
		if (!p->skip[i])
			continue;
		nx_json_begin_object(j);
		nx_json_kstr(j, "strategy", nx_strategy_name(i));
		nx_json_kstr(j, "why", nx_skip_name(p->skip[i]));
		nx_json_end_object(j);
	}
	nx_json_end_array(j);
	nx_json_ku64(j, "ms", p->duration_ms);
	nx_json_ku64(j, "done", p->done);
	nx_json_ku64(j, "start_ns", p->start_ns);
	nx_json_ku64(j, "end_ns", p->end_ns);
	nx_json_ku64(j, "finding", p->finding);
	nx_json_end_object(j);
}

static void nxp_text(const struct nexus_plan_rec *p)
{
	unsigned int i;

	printf("%-6llu %-16s %5u %-10s %-7s %8llu ",
	       (unsigned long long)p->id, p->component, p->fault,
	       nx_plan_status_name(p->status),
	       p->flags & NEXUS_PLAN_F_LEARNED ? "learned" : "ladder",
	       (unsigned long long)p->duration_ms);
	for (i = 0; i < p->nsteps && i < NEXUS_PLAN_RUNGS; i++)
		printf("%s%s:%s", i ? " " : "",
		       nx_strategy_name(p->steps[i].strategy),
		       nx_step_outcome_name(p->steps[i].outcome));
	printf("%s\n", p->nsteps ? "" : "-");
}

/**
 * nx_show_plans() - "show plans"
 *
 * Return: the exit status; 1 (nothing printed) when the plans cannot be
 * read: nexus_heal not loaded, or a NEXUS without the records.
 */
int nx_show_plans(void)
{
	struct nexus_plan_rec *p = NULL;
	size_t n, i;
	int ret;

	ret = nx_records_fetch(NEXUS_REC_PLAN, sizeof(*p), (void **)&p, &n);
	if (ret == -EBADF)
		return NX_EXIT_ERR;
	if (ret)
		return nx_records_error("plans", "nexus_heal", ret);
	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	else
		printf("%-6s %-16s %5s %-10s %-7s %8s %s\n", "ID", "COMPONENT",
		       "FAULT", "STATUS", "ORDER", "MS", "STEPS");
	for (i = 0; i < n; i++) {
		p[i].component[sizeof(p[i].component) - 1] = '\0';
		if (nx_opt_json)
			nxp_json(&p[i]);
		else
			nxp_text(&p[i]);
	}
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	} else if (!n) {
		printf("(no plans)\n");
	}
	free(p);
	return nx_finish(NX_EXIT_OK);
}
