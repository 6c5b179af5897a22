// SPDX-License-Identifier: GPL-2.0
/*
 * Detection from findings: what the analyzers (nexus_predict,
 * nexus_anomaly, ...) publish reaches nexus_heal as NEXUS_EV_FINDING bus
 * events, routed by the core; heal reads each with nexus_finding_get().
 *
 * - An OutOfMemory prediction goes to the survival component (survive.c).
 * - An active prediction or anomaly whose component is a registered
 *   component's name (the first word of the finding's component string),
 *   and whose recommended action is a recovery (soft recover or harsher),
 *   counts as a report of a fault of unknown class (0) for it: a plan
 *   starts before the component's own health check fails.  One finding
 *   starts at most one plan (its updates do not start more).
 * - One whose component is "pid N (comm)", a task of a watched cgroup,
 *   is a report for that service (svc.c), the task kept for its SoftReset.
 *
 * The event is handled in the engine's tick: a copy and a short walk of
 * the components under nxh_lock, then the monitor is kicked.
 */
#include <linux/string.h>
#include "heal.h"

static struct nexus_finding nxh_found;	/* engine context only */

/**
 * nxh_detect_event() - a bus event for heal (its on_event callback)
 * @ev: the event; NEXUS_EV_FINDING or NEXUS_EV_EXIT
 */
void nxh_detect_event(const struct nexus_event *ev)
{
	struct nexus_finding *f = &nxh_found;
	char name[NEXUS_SHORT_LEN];

	if (ev->type == NEXUS_EV_EXIT) {
		nxh_svc_exit_event(ev);
		return;
	}
	if (ev->type != NEXUS_EV_FINDING || nexus_finding_get(ev->arg0, f))
		return;
	if (!strcmp(f->source, nxh_ops.name))
		return;		/* heal's own announcements */
	nxh_survival_note(f);
	if ((f->class != NEXUS_FINDING_PREDICTION &&
	     f->class != NEXUS_FINDING_ANOMALY) ||
	    !(f->flags & NEXUS_FINDING_ACTIVE) ||
	    (f->flags & NEXUS_FINDING_RESOLVED) ||
	    f->action < NEXUS_ACTION_SOFT_RECOVER || !f->component[0])
		return;
	if (nxh_comp_found(f, NULL) ||
	    (nxh_svc_named(f, name) && nxh_comp_found(f, name)))
		nxh_kick();
}
