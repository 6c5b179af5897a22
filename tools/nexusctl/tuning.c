// SPDX-License-Identifier: GPL-2.0
/*
 * tuning.c - "nexusctl show tuning": nexus_tune's knobs, the experiments
 * running now and the change log, from the module's debugfs dump
 * (/sys/kernel/debug/nexus/tune; the ABI has no call for them yet).
 *
 * The dump has one section per table: a "# TITLE: COLUMNS" line, then
 * rows "TAG VALUES", TAG being knob, experiment or log.  A log row
 * carries "[before after ci_lo ci_hi t df]" (the Welch test that judged the
 * change) before its evidence once the change was judged; the evidence, the
 * last column, keeps its spaces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexusctl.h"
#include "nx_dev.h"

enum { NXT_KNOBS, NXT_EXPS, NXT_LOG, NXT_NR };

static const struct {
	const char *title;	/* of the "# TITLE:" line */
	const char *tag;	/* first word of its rows */
} nxt_sec[NXT_NR] = {
	[NXT_KNOBS] = { "knobs", "knob" },
	[NXT_EXPS] = { "experiments", "experiment" },
	[NXT_LOG] = { "log", "log" },
};

/* The log's judgement, in the dump's units: means and interval Q.8, t x1000. */
static const char * const nxt_judged[] = {
	"before_q8", "after_q8", "ci_lo_q8", "ci_hi_q8", "t_x1000", "df",
};

#define NXT_LOG_PLAIN	9	/* seq ts_ns decision op outcome knob old new result */

static int nxt_add_row(struct nx_table *t, char **tok, int n)
{
	char ***nr = realloc(t->rows, (t->nrows + 1) * sizeof(*nr));
	int i;

	if (!nr)
		return -ENOMEM;
	t->rows = nr;
	nr[t->nrows] = calloc(NX_MAX_COLS, sizeof(char *));
	if (!nr[t->nrows])
		return -ENOMEM;
	t->nrows++;	/* now nx_table_free() frees what the row holds */
	for (i = 0; i < n && i < t->ncols; i++) {
		if (!tok[i])
			continue;
		nr[t->nrows - 1][i] = strdup(tok[i]);
		if (!nr[t->nrows - 1][i])
			return -ENOMEM;
	}
	return 0;
}

/* "# TITLE: c1 c2 ...": the columns of section @s. */
static int nxt_header(struct nx_table *t, int s, char *cols)
{
	char *tok[NX_MAX_COLS];
	int n = nx_tokenize(cols, tok, NX_MAX_COLS), i;

	if (s == NXT_LOG) {
		/* The plain columns, then the judgement's, then the evidence. */
		if (n < NXT_LOG_PLAIN + 1)
			return -EINVAL;
		n = NXT_LOG_PLAIN;
		for (i = 0; i < (int)ARRAY_SIZE(nxt_judged); i++)
			tok[n++] = (char *)nxt_judged[i];
		tok[n++] = "evidence";
	}
	for (i = 0; i < n; i++) {
		t->cols[i] = strdup(tok[i]);
		if (!t->cols[i])
			return -ENOMEM;
		t->ncols++;
	}
	return 0;
}

/* A log row: 9 plain values, [6 numbers] when judged, the evidence. */
static int nxt_log_row(struct nx_table *t, char *line)
{
	char *tok[NX_MAX_COLS] = { NULL };
	char *rest, *end;
	int n;

	n = nx_tokenize(line, tok, NXT_LOG_PLAIN + 1);
	if (n < NXT_LOG_PLAIN)
		return -EINVAL;
	rest = n > NXT_LOG_PLAIN ? tok[NXT_LOG_PLAIN] : "";
	tok[NXT_LOG_PLAIN] = NULL;
	if (*rest == '[') {
		end = strchr(rest, ']');
		if (!end)
			return -EINVAL;
		*end = '\0';
		if (nx_tokenize(rest + 1, tok + NXT_LOG_PLAIN,
				ARRAY_SIZE(nxt_judged)) != ARRAY_SIZE(nxt_judged))
			return -EINVAL;
		rest = end + 1 + strspn(end + 1, " ");
	}
	tok[NXT_LOG_PLAIN + ARRAY_SIZE(nxt_judged)] = rest;
	return nxt_add_row(t, tok, NXT_LOG_PLAIN + ARRAY_SIZE(nxt_judged) + 1);
}

static int nxt_parse(char *text, struct nx_table *t)
{
	char *line, *save = NULL;
	int cur = -1, s, ret = 0;

	for (line = strtok_r(text, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len;

		if (line[0] == '#') {
			/* A section title: "# TITLE: columns". */
			line += 1 + strspn(line + 1, " ");
			len = strcspn(line, ": ");
			cur = -1;
			if (line[len] != ':')
				continue;
			for (s = 0; s < NXT_NR; s++)
				if (strlen(nxt_sec[s].title) == len &&
				    !strncmp(line, nxt_sec[s].title, len) &&
				    !t[s].ncols) {
					cur = s;
					ret = nxt_header(&t[s], s, line + len + 1);
				}
			continue;
		}
		len = strcspn(line, " ");
		if (cur < 0 || strncmp(line, nxt_sec[cur].tag, len) ||
		    nxt_sec[cur].tag[len] || !line[len])
			continue;	/* not a row of the section it is in */
		line += len + 1;
		if (cur == NXT_LOG) {
			ret = nxt_log_row(&t[cur], line);
		} else {
			char *tok[NX_MAX_COLS] = { NULL };
			int n = nx_tokenize(line, tok, t[cur].ncols), i;

			/* "+1" (experiment's better) is a number in JSON too. */
			for (i = 0; i < n; i++)
				if (tok[i][0] == '+')
					tok[i]++;
			ret = nxt_add_row(&t[cur], tok, n);
		}
	}
	return ret;
}

/**
 * nx_show_tuning() - "show tuning"
 *
 * Return: the exit status; 1 when the dump cannot be read or lacks one of
 * its tables (a nexus_tune this nexusctl does not know).
 */
int nx_show_tuning(void)
{
	static const char * const json_name[NXT_NR] = {
		"knobs", "experiments", "log",
	};
	struct nx_table t[NXT_NR] = { 0 };
	int err = 0, s, ret = NX_EXIT_OK;
	char *text;

	text = nx_debugfs_slurp("tune", &err);
	if (!text) {
		nx_debugfs_error("tune", err);
		return NX_EXIT_ERR;
	}
	err = nxt_parse(text, t);
	free(text);
	for (s = 0; s < NXT_NR && !err; s++)
		if (!t[s].ncols)
			err = -ENOENT;
	if (err) {
		nx_err("%s/tune: %s", nx_debugfs_dir, err == -ENOMEM ?
		       "out of memory" : "not the knobs, experiments and log tables of nexus_tune");
		ret = NX_EXIT_ERR;
		goto out;
	}
	if (nx_opt_json)
		nx_json_begin_object(&nx_jw);
	for (s = 0; s < NXT_NR; s++) {
		if (nx_opt_json) {
			nx_json_name(&nx_jw, json_name[s]);
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
	ret = nx_finish(NX_EXIT_OK);
out:
	for (s = 0; s < NXT_NR; s++)
		nx_table_free(&t[s]);
	return ret;
}
