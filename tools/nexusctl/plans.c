// SPDX-License-Identifier: GPL-2.0
/*
 * plans.c - "nexusctl show plans": nexus_heal's recovery plans, running and
 * finished, from the module's debugfs dump (/sys/kernel/debug/nexus/heal;
 * the ABI has no call for them yet).
 *
 * A plan is one line, wherever it is in the dump (running plans follow the
 * components, finished ones the "# plan ..." header):
 *   plan ID COMPONENT fault N STATUS ORDER steps STEP... skip SKIP... ms MS
 * STEP is strategy:outcome:result:ms:p_permille, SKIP strategy:why; either
 * list may be empty.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexusctl.h"
#include "nx_dev.h"

#define NXP_MAX_TOK	64	/* 8 plain, up to 16 steps and 16 skips */

static void nxp_kv_list(char **tok, int n, int nkeys, const char * const *key)
{
	int i, k;

	nx_json_begin_array(&nx_jw);
	for (i = 0; i < n; i++) {
		char *f = tok[i], *c;

		nx_json_begin_object(&nx_jw);
		for (k = 0; k < nkeys; k++) {
			c = k < nkeys - 1 ? strchr(f, ':') : NULL;
			if (c)
				*c = '\0';
			nx_json_name(&nx_jw, key[k]);
			nx_json_auto(&nx_jw, f);
			if (c)
				f = c + 1;
			else if (k < nkeys - 1)
				f = "-";	/* short field: the rest null */
		}
		nx_json_end_object(&nx_jw);
	}
	nx_json_end_array(&nx_jw);
}

/* A plan line's tokens, and where its skip list and ms are. */
struct nxp_plan {
	char *tok[NXP_MAX_TOK];
	int n, skip, ms;
};

/* Split one plan line, after "plan ": 0, or -EINVAL when it is not one. */
static int nxp_parse(char *line, struct nxp_plan *p)
{
	int i;

	p->n = nx_tokenize(line, p->tok, NXP_MAX_TOK);
	p->skip = -1;
	p->ms = -1;
	/* id component "fault" N status order "steps" */
	if (p->n < 9 || strcmp(p->tok[2], "fault") || strcmp(p->tok[6], "steps"))
		return -EINVAL;
	for (i = 7; i < p->n; i++) {
		if (!strcmp(p->tok[i], "skip") && p->skip < 0)
			p->skip = i;
		else if (!strcmp(p->tok[i], "ms") && p->skip >= 0 && i == p->n - 2)
			p->ms = i;
	}
	return p->skip < 0 || p->ms < 0 ? -EINVAL : 0;
}

static void nxp_print(struct nxp_plan *p)
{
	static const char * const step_keys[] = {
		"strategy", "outcome", "result", "ms", "p_permille",
	};
	static const char * const skip_keys[] = { "strategy", "why" };
	char **tok = p->tok;
	int i, n = p->n;

	if (!nx_opt_json) {
		printf("%-6s %-16s %5s %-10s %-7s %8s ", tok[0], tok[1], tok[3],
		       tok[4], tok[5], tok[n - 1]);
		/* strategy:outcome of each step; the rest is in --json */
		for (i = 7; i < p->skip; i++) {
			char *c = strchr(tok[i], ':');

			if (c)
				c = strchr(c + 1, ':');
			printf("%s%.*s", i > 7 ? " " : "",
			       c ? (int)(c - tok[i]) : (int)strlen(tok[i]), tok[i]);
		}
		printf("%s\n", p->skip == 7 ? "-" : "");
		return;
	}
	nx_json_begin_object(&nx_jw);
	nx_json_name(&nx_jw, "id");
	nx_json_auto(&nx_jw, tok[0]);
	nx_json_kstr(&nx_jw, "component", tok[1]);
	nx_json_name(&nx_jw, "fault");
	nx_json_auto(&nx_jw, tok[3]);
	nx_json_kstr(&nx_jw, "status", tok[4]);
	nx_json_kstr(&nx_jw, "order", tok[5]);
	nx_json_name(&nx_jw, "steps");
	nxp_kv_list(tok + 7, p->skip - 7, ARRAY_SIZE(step_keys), step_keys);
	nx_json_name(&nx_jw, "skipped");
	nxp_kv_list(tok + p->skip + 1, p->ms - p->skip - 1,
		    ARRAY_SIZE(skip_keys), skip_keys);
	nx_json_name(&nx_jw, "ms");
	nx_json_auto(&nx_jw, tok[n - 1]);
	nx_json_end_object(&nx_jw);
}

/**
 * nx_show_plans() - "show plans"
 *
 * Return: the exit status; 1 when the dump cannot be read, has no plan
 * table or a plan line this nexusctl cannot read (then nothing is printed).
 */
int nx_show_plans(void)
{
	char *text, *line, *save = NULL;
	struct nxp_plan *p = NULL;
	int err = 0, np = 0, i;
	bool table = false;

	text = nx_debugfs_slurp("heal", &err);
	if (!text) {
		nx_debugfs_error("heal", err);
		return NX_EXIT_ERR;
	}
	for (line = strtok_r(text, "\n", &save); line && !err;
	     line = strtok_r(NULL, "\n", &save)) {
		struct nxp_plan *q;

		if (!strncmp(line, "# plan ", 7))
			table = true;
		if (strncmp(line, "plan ", 5))
			continue;
		q = realloc(p, (np + 1) * sizeof(*p));
		if (!q) {
			err = -ENOMEM;
			break;
		}
		p = q;
		err = nxp_parse(line + 5, &p[np++]);
	}
	if (err || !table) {
		nx_err("%s/heal: %s", nx_debugfs_dir, err == -ENOMEM ? "out of memory" :
		       err ? "a plan line this nexusctl cannot read" :
		       "no plan table: not the nexus_heal this nexusctl knows");
		free(p);
		free(text);
		return NX_EXIT_ERR;
	}
	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	else
		printf("%-6s %-16s %5s %-10s %-7s %8s %s\n", "ID", "COMPONENT",
		       "FAULT", "STATUS", "ORDER", "MS", "STEPS");
	for (i = 0; i < np; i++)
		nxp_print(&p[i]);
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	} else if (!np) {
		printf("(no plans)\n");
	}
	free(p);
	free(text);
	return nx_finish(NX_EXIT_OK);
}
