// SPDX-License-Identifier: GPL-2.0
/*
 * tuning.c - "nexusctl show tuning": nexus_tune's knobs, the experiments
 * running now and its change log (NEXUS_REC_TUNE_KNOB, _EXPERIMENT and
 * _CHANGE records of NEXUS_IOC_READ_RECORDS), as three tables, or with
 * --json one object holding three arrays.  A change judged by the Welch
 * test carries the test's figures (means and interval Q.8, t x1000, df);
 * they are missing (null) until then.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nexusctl.h"
#include "nx_dev.h"

enum { NXT_KNOBS, NXT_EXPS, NXT_LOG, NXT_NR };

static const char * const nxt_json_name[NXT_NR] = {
	"knobs", "experiments", "log",
};

static const char * const nxt_knob_cols[] = {
	"name:s", "enabled", "eligible:s", "value", "min", "max", "changed",
	"orig", "written", "admin", "out_of_range", "experiment",
};

static const char * const nxt_exp_cols[] = {
	"knob:s", "from", "to", "metric:s", "better", "age_ms",
	"before_samples",
};

/* The Welch test's figures: means and interval Q.8, t x1000, df. */
static const char * const nxt_log_cols[] = {
	"seq", "ts_ns", "decision", "op:s", "outcome:s", "knob:s", "old",
	"new", "result:s", "before_q8", "after_q8", "ci_lo_q8", "ci_hi_q8",
	"t_x1000", "df", "evidence:s",
};

static const struct {
	const char * const *cols;
	int n;
} nxt_cols[NXT_NR] = {
	[NXT_KNOBS] = { nxt_knob_cols, ARRAY_SIZE(nxt_knob_cols) },
	[NXT_EXPS] = { nxt_exp_cols, ARRAY_SIZE(nxt_exp_cols) },
	[NXT_LOG] = { nxt_log_cols, ARRAY_SIZE(nxt_log_cols) },
};

static void nxt_knobs(struct nx_table *t, const struct nexus_tune_knob_rec *k,
		      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, k++) {
		nx_table_add_row(t);
		nx_table_set(t, 0, "%.*s", (int)sizeof(k->name), k->name);
		nx_table_set(t, 1, "%d", !!(k->flags & NEXUS_KNOB_F_ENABLED));
		nx_table_set(t, 2, "%s", nx_eligibility_name(k->eligibility));
		nx_table_set(t, 3, "%lld", (long long)k->value);
		nx_table_set(t, 4, "%lld", (long long)k->min);
		nx_table_set(t, 5, "%lld", (long long)k->max);
		nx_table_set(t, 6, "%d", !!(k->flags & NEXUS_KNOB_F_CHANGED));
		nx_table_set(t, 7, "%lld", (long long)k->orig);
		nx_table_set(t, 8, "%lld", (long long)k->written);
		nx_table_set(t, 9, "%d", !!(k->flags & NEXUS_KNOB_F_ADMIN));
		nx_table_set(t, 10, "%d",
			     !!(k->flags & NEXUS_KNOB_F_OUT_OF_RANGE));
		nx_table_set(t, 11, "%d", !!(k->flags & NEXUS_KNOB_F_EXPERIMENT));
	}
}

static void nxt_exps(struct nx_table *t, const struct nexus_tune_exp_rec *e,
		     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, e++) {
		nx_table_add_row(t);
		nx_table_set(t, 0, "%.*s", (int)sizeof(e->knob), e->knob);
		nx_table_set(t, 1, "%lld", (long long)e->from);
		nx_table_set(t, 2, "%lld", (long long)e->to);
		nx_table_set(t, 3, "%.*s", (int)sizeof(e->metric), e->metric);
		nx_table_set(t, 4, "%d", e->better);
		nx_table_set(t, 5, "%llu", (unsigned long long)e->age_ms);
		nx_table_set(t, 6, "%u", e->before_samples);
	}
}

static void nxt_log(struct nx_table *t, const struct nexus_tune_change_rec *c,
		    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, c++) {
		nx_table_add_row(t);
		nx_table_set(t, 0, "%llu", (unsigned long long)c->seq);
		nx_table_set(t, 1, "%llu", (unsigned long long)c->ts_ns);
		nx_table_set(t, 2, "%llu", (unsigned long long)c->decision);
		nx_table_set(t, 3, "%s", nx_tune_op_name(c->op));
		nx_table_set(t, 4, "%s", nx_outcome_name(c->outcome));
		nx_table_set(t, 5, "%.*s", (int)sizeof(c->knob), c->knob);
		nx_table_set(t, 6, "%lld", (long long)c->old_value);
		nx_table_set(t, 7, "%lld", (long long)c->new_value);
		nx_table_set(t, 8, "%.*s", (int)sizeof(c->result), c->result);
		if (c->flags & NEXUS_TUNE_F_JUDGED) {
			nx_table_set(t, 9, "%lld", (long long)c->before_q8);
			nx_table_set(t, 10, "%lld", (long long)c->after_q8);
			nx_table_set(t, 11, "%lld", (long long)c->ci_lo_q8);
			nx_table_set(t, 12, "%lld", (long long)c->ci_hi_q8);
			nx_table_set(t, 13, "%d", c->t_x1000);
			nx_table_set(t, 14, "%u", c->df);
		}
		nx_table_set(t, 15, "%.*s", (int)sizeof(c->evidence),
			     c->evidence);
	}
}

/**
 * nx_show_tuning() - "show tuning"
 *
 * Return: the exit status; 1 (nothing printed) when a table cannot be
 * read: nexus_tune not loaded, or a NEXUS without the records.
 */
int nx_show_tuning(void)
{
	static const unsigned int kind[NXT_NR] = {
		NEXUS_REC_TUNE_KNOB, NEXUS_REC_TUNE_EXPERIMENT,
		NEXUS_REC_TUNE_CHANGE,
	};
	static const size_t size[NXT_NR] = {
		sizeof(struct nexus_tune_knob_rec),
		sizeof(struct nexus_tune_exp_rec),
		sizeof(struct nexus_tune_change_rec),
	};
	struct nx_table t[NXT_NR] = { 0 };
	void *rec[NXT_NR] = { NULL };
	size_t n[NXT_NR] = { 0 };
	int s, ret = 0;

	for (s = 0; s < NXT_NR && !ret; s++)
		ret = nx_records_fetch(kind[s], size[s], &rec[s], &n[s]);
	if (ret) {
		for (s = 0; s < NXT_NR; s++)
			free(rec[s]);
		return ret == -EBADF ? NX_EXIT_ERR :
		       nx_records_error("tuning", "nexus_tune", ret);
	}
	for (s = 0; s < NXT_NR; s++)
		t[s].err = nx_table_init(&t[s], nxt_cols[s].cols,
					 nxt_cols[s].n);
	nxt_knobs(&t[NXT_KNOBS], rec[NXT_KNOBS], n[NXT_KNOBS]);
	nxt_exps(&t[NXT_EXPS], rec[NXT_EXPS], n[NXT_EXPS]);
	nxt_log(&t[NXT_LOG], rec[NXT_LOG], n[NXT_LOG]);
	for (s = 0; s < NXT_NR; s++) {
		free(rec[s]);
		if (t[s].err)
			ret = t[s].err;
	}
	if (ret) {
		nx_err("out of memory");
		goto out;
	}
	if (nx_opt_json)
		nx_json_begin_object(&nx_jw);
	for (s = 0; s < NXT_NR; s++) {
		if (nx_opt_json) {
			nx_json_name(&nx_jw, nxt_json_name[s]);
		} else {
			if (s == NXT_EXPS && !t[s].nrows)
				continue;	/* none running: nothing to say */
			if (s)
				putchar('\n');
		}
		nx_table_print(&t[s]);
		if (!nx_opt_json && s == NXT_LOG && !t[s].nrows)
			printf("(no changes logged)\n");
	}
	if (nx_opt_json) {
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	}
out:
	for (s = 0; s < NXT_NR; s++)
		nx_table_free(&t[s]);
	return ret ? NX_EXIT_ERR : nx_finish(NX_EXIT_OK);
}
