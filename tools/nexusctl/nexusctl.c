// SPDX-License-Identifier: GPL-2.0
/*
 * nexusctl.c - command line tool of NEXUS: subcommand dispatch
 *
 * To add a subcommand, write int nx_cmd_NAME(int argc, char **argv) in its
 * own file and add a row to nx_cmds[].
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nexusctl.h"

static const struct nx_cmd nx_cmds[] = {
	{ "replay",
	  "[--detector anomaly | --model forecast [--horizon N]]\n"
	  "\t\t\t[--metric-kind gauge|counter] [--sensitivity 0-1000]\n"
	  "\t\t\t[--records] FILE.csv",
	  "run a detector or forecaster over a recorded timestamp,value CSV",
	  nx_cmd_replay },
};

static void nx_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: nexusctl COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(nx_cmds); i++)
		fprintf(fp, "  %-8s %s\n           nexusctl %s %s\n",
			nx_cmds[i].name, nx_cmds[i].help, nx_cmds[i].name,
			nx_cmds[i].usage);
}

void nx_usage_error(const char *cmd, const char *fmt, ...)
{
	size_t i;
	va_list ap;

	fprintf(stderr, "nexusctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	for (i = 0; i < ARRAY_SIZE(nx_cmds); i++)
		if (!strcmp(nx_cmds[i].name, cmd))
			fprintf(stderr, "usage: nexusctl %s %s\n", cmd,
				nx_cmds[i].usage);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		nx_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		nx_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(nx_cmds); i++)
		if (!strcmp(argv[1], nx_cmds[i].name))
			return nx_cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "nexusctl: unknown command '%s'\n", argv[1]);
	nx_usage(stderr);
	return 2;
}
