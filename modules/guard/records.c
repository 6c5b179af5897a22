// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS_REC_POSTURE: the security posture checks as typed records for
 * NEXUS_IOC_READ_RECORDS, in the table's order, with the state of the last
 * evaluation.  The states change in the module's tick; the core calls
 * nxg_read_records() under the same registry lock, like the dump.
 */
#include <linux/string.h>
#include "guard.h"

static u32 nxg_posture_type(u8 src)
{
	switch (src) {
	case NXG_SRC_SYSCTL:
		return NEXUS_POSTURE_SYSCTL;
	case NXG_SRC_CMDLINE:
		return NEXUS_POSTURE_CMDLINE;
	case NXG_SRC_KCONFIG:
		return NEXUS_POSTURE_KCONFIG;
	default:
		return NEXUS_POSTURE_RUNTIME;
	}
}

static void nxg_posture_rec(struct nexus_posture_rec *r,
			    const struct nxg_check *c,
			    const struct nxg_state *s)
{
	strscpy(r->name, c->name, sizeof(r->name));
	r->type = nxg_posture_type(c->src);
	r->reason = c->cls;
	r->result = s->result;
	r->drift_level = s->drift_id ? s->drift_level : NEXUS_THREAT_NONE;
	r->drift_id = s->drift_id;
	strscpy(r->current_val, s->cur, sizeof(r->current_val));
	strscpy(r->desired_val, c->want_str ? c->want_str : "",
		sizeof(r->desired_val));
	strscpy(r->source, c->source ? c->source : "", sizeof(r->source));
	strscpy(r->care, c->care ? c->care : "", sizeof(r->care));
}

/**
 * nxg_read_records() - the read_records callback of nexus_guard
 * @kind: NEXUS_REC_POSTURE
 * @offset: index of the first check wanted
 * @buf: zeroed room for @max struct nexus_posture_rec
 * @max: records wanted
 * @total: set to the number of checks
 *
 * Return: records written, or -EINVAL for another kind.
 */
int nxg_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total)
{
	struct nexus_posture_rec *out = buf;
	unsigned int n = 0;
	u64 i;

	/* The module's enums are the ABI's, value for value. */
	BUILD_BUG_ON(NXG_CL_COUNT != (int)NEXUS_POSTURE_REASON_COUNT ||
		     NXG_CL_USERSPACE != (int)NEXUS_POSTURE_USERSPACE_HARDENING);
	BUILD_BUG_ON(NXG_RES_UNKNOWN != (int)NEXUS_POSTURE_UNKNOWN ||
		     NXG_RES_PASS != (int)NEXUS_POSTURE_PASS ||
		     NXG_RES_FAIL != (int)NEXUS_POSTURE_FAIL ||
		     NXG_RES_ABSENT != (int)NEXUS_POSTURE_ABSENT ||
		     NXG_RES_ERROR != (int)NEXUS_POSTURE_ERROR);
	BUILD_BUG_ON(NXG_LVL_EMERG != (int)NEXUS_THREAT_EMERG ||
		     NXG_LVL_NONE != (int)NEXUS_THREAT_NONE);
	BUILD_BUG_ON(NXG_CUR_LEN > NEXUS_NAME_LEN);
	if (kind != NEXUS_REC_POSTURE)
		return -EINVAL;
	for (i = offset; i < nxg_nr_checks && n < max; i++, n++)
		nxg_posture_rec(&out[n], &nxg_checks[i], &nxg_states[i]);
	*total = nxg_nr_checks;
	return n;
}
