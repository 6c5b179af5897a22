// SPDX-License-Identifier: GPL-2.0
/*
 * posture.c - "nexusctl show posture": nexus_guard's live posture checks
 *
 * Read from /sys/kernel/debug/nexus/guard_posture (tab-separated: name,
 * class, result, current, recommended, source, open drift, care).  With
 * --json the checks are printed in the field shape of
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

#define NX_POSTURE_COLS	8

/* kernel-hardening-checker's option types, from the check's name. */
static const char *nx_posture_type(const char *name)
{
	if (!strncmp(name, "CONFIG_", 7))
		return "kconfig";
	if (!strncmp(name, "cmdline.", 8))
		return "cmdline";
	if (!strncmp(name, "cpu.", 4) || !strncmp(name, "vuln.", 5) ||
	    !strcmp(name, "lockdown") || !strcmp(name, "module.sig_enforce") ||
	    !strcmp(name, "kernel.tainted"))
		return "runtime";
	return "sysctl";
}

static void nx_posture_json_row(char **f)
{
	const char *type = nx_posture_type(f[0]);
	bool ok = !strcmp(f[2], "OK");
	char result[128];

	if (ok)
		snprintf(result, sizeof(result), "OK");
	else if (!strcmp(f[2], "absent"))
		snprintf(result, sizeof(result), "FAIL: is not found");
	else
		snprintf(result, sizeof(result), "FAIL: \"%s\"", f[3]);
	nx_json_begin_object(&nx_jw);
	/* The checker names cmdline options without our "cmdline." prefix. */
	nx_json_kstr(&nx_jw, "option_name",
		     !strcmp(type, "cmdline") ? f[0] + 8 : f[0]);
	nx_json_kstr(&nx_jw, "type", type);
	nx_json_kstr(&nx_jw, "desired_val", f[4]);
	nx_json_kstr(&nx_jw, "decision", f[5]);
	nx_json_kstr(&nx_jw, "reason", f[1]);
	nx_json_kstr(&nx_jw, "check_result", result);
	nx_json_kbool(&nx_jw, "check_result_bool", ok);
	nx_json_kstr(&nx_jw, "current_val", f[3]);
	nx_json_kstr(&nx_jw, "drift", f[6]);
	nx_json_kstr(&nx_jw, "care", f[7]);
	nx_json_end_object(&nx_jw);
}

/* Split a tab-separated line into exactly NX_POSTURE_COLS fields. */
static int nx_posture_split(char *line, char **f)
{
	int n = 0;

	f[n++] = line;
	for (; *line && n < NX_POSTURE_COLS; line++)
		if (*line == '\t') {
			*line = '\0';
			f[n++] = line + 1;
		}
	return n == NX_POSTURE_COLS && !strchr(f[n - 1], '\t') ? 0 : -1;
}

/**
 * nx_show_posture() - print the posture table, as text or JSON
 *
 * Return: the exit status.
 */
int nx_show_posture(void)
{
	char path[512], *line = NULL, *f[NX_POSTURE_COLS];
	size_t cap = 0;
	ssize_t len;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/guard_posture", nx_debugfs_dir);
	fp = fopen(path, "re");
	if (!fp) {
		nx_err("cannot read %s: %s", path, strerror(errno));
		return NX_EXIT_ERR;
	}
	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	else
		printf("%-40s %-8s %-20s %-12s %-6s %-20s %s\n", "option_name",
		       "type", "reason", "desired_val", "source", "current_val",
		       "check_result");
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#') {
			if (!nx_opt_json && !strncmp(line, "# score", 7))
				printf("%s\n", line + 2);
			continue;
		}
		if (nx_posture_split(line, f))
			continue;
		if (nx_opt_json)
			nx_posture_json_row(f);
		else
			printf("%-40s %-8s %-20s %-12s %-6s %-20s %s\n", f[0],
			       nx_posture_type(f[0]), f[1], f[4], f[5], f[3],
			       !strcmp(f[2], "OK") ? "OK" : f[2]);
	}
	free(line);
	fclose(fp);
	if (nx_opt_json)
		nx_json_end_array(&nx_jw);
	return NX_EXIT_OK;
}
