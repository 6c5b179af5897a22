// SPDX-License-Identifier: GPL-2.0
/*
 * posture.c - "nexusctl show posture": nexus_guard's live posture checks
 *
 * The checks are NEXUS_REC_POSTURE records of NEXUS_IOC_READ_RECORDS; the
 * score and the counters over them come from the module's sysfs directory.
 * With --json the checks are printed in the field shape of
 * kernel-hardening-checker's --mode=json (option_name, type, desired_val,
 * decision, reason, check_result, check_result_bool), so its users' tools
 * read them; NEXUS adds current_val, drift and care.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexusctl.h"
#include "nx_dev.h"

/* The checker names cmdline options without our "cmdline." prefix. */
static const char *nx_posture_option(const struct nexus_posture_rec *r)
{
	if (r->type == NEXUS_POSTURE_CMDLINE &&
	    !strncmp(r->name, "cmdline.", 8))
		return r->name + 8;
	return r->name;
}

static void nx_posture_json_row(const struct nexus_posture_rec *r)
{
	bool ok = r->result == NEXUS_POSTURE_PASS;
	char result[128];

	if (ok)
		snprintf(result, sizeof(result), "OK");
	else if (r->result == NEXUS_POSTURE_ABSENT)
		snprintf(result, sizeof(result), "FAIL: is not found");
	else
		snprintf(result, sizeof(result), "FAIL: \"%s\"", r->current_val);
	nx_json_begin_object(&nx_jw);
	nx_json_kstr(&nx_jw, "option_name", nx_posture_option(r));
	nx_json_kstr(&nx_jw, "type", nx_posture_type_name(r->type));
	nx_json_kstr(&nx_jw, "desired_val", r->desired_val);
	nx_json_kstr(&nx_jw, "decision", r->source);
	nx_json_kstr(&nx_jw, "reason", nx_posture_reason_name(r->reason));
	nx_json_kstr(&nx_jw, "check_result", result);
	nx_json_kbool(&nx_jw, "check_result_bool", ok);
	nx_json_kstr(&nx_jw, "current_val", r->current_val);
	nx_json_kstr(&nx_jw, "drift", r->drift_id ?
		     nx_threat_name(r->drift_level) : "-");
	nx_json_kstr(&nx_jw, "care", r->care[0] ? r->care : "-");
	nx_json_end_object(&nx_jw);
}

/* Make every string of a record NUL-terminated, whatever the kernel sent. */
static void nx_posture_terminate(struct nexus_posture_rec *r)
{
	r->name[sizeof(r->name) - 1] = '\0';
	r->current_val[sizeof(r->current_val) - 1] = '\0';
	r->desired_val[sizeof(r->desired_val) - 1] = '\0';
	r->source[sizeof(r->source) - 1] = '\0';
	r->care[sizeof(r->care) - 1] = '\0';
}

/**
 * nx_show_posture() - print the posture table, as text or JSON
 *
 * Return: the exit status.
 */
int nx_show_posture(void)
{
	char score[32], evals[32], drifts[32];
	struct nexus_posture_rec *r = NULL;
	size_t n, i;
	int ret;

	ret = nx_records_fetch(NEXUS_REC_POSTURE, sizeof(*r), (void **)&r, &n);
	if (ret == -EBADF)
		return NX_EXIT_ERR;
	if (ret)
		return nx_records_error("posture", "nexus_guard", ret);
	if (nx_opt_json) {
		nx_json_begin_array(&nx_jw);
	} else {
		printf("%-40s %-8s %-20s %-12s %-6s %-20s %s\n", "option_name",
		       "type", "reason", "desired_val", "source", "current_val",
		       "check_result");
		if (nx_sysfs_read("modules/guard/posture_score", score,
				  sizeof(score)) > 0 &&
		    nx_sysfs_read("modules/guard/evaluations", evals,
				  sizeof(evals)) > 0 &&
		    nx_sysfs_read("modules/guard/drifts", drifts,
				  sizeof(drifts)) > 0)
			printf("score %s evaluations %s drifts %s\n", score,
			       evals, drifts);
	}
	for (i = 0; i < n; i++) {
		nx_posture_terminate(&r[i]);
		if (nx_opt_json)
			nx_posture_json_row(&r[i]);
		else
			printf("%-40s %-8s %-20s %-12s %-6s %-20s %s\n",
			       r[i].name, nx_posture_type_name(r[i].type),
			       nx_posture_reason_name(r[i].reason),
			       r[i].desired_val, r[i].source, r[i].current_val,
			       nx_posture_result_name(r[i].result));
	}
	free(r);
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	}
	return nx_finish(NX_EXIT_OK);
}
