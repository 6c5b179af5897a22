// SPDX-License-Identifier: GPL-2.0
/*
 * nexusctl.c - command line tool of NEXUS: subcommand dispatch
 *
 * To add a subcommand, write int nx_cmd_NAME(int argc, char **argv) in its
 * own file and add a row to nx_cmds[].  As with bpftool, a command may be
 * abbreviated to any unique prefix, and the global options --json (-j) and
 * --pretty (-p) may appear anywhere on the line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nexusctl.h"
#include "nx_dev.h"

bool nx_opt_json;
bool nx_opt_pretty;
struct nx_json nx_jw;

static const struct nx_cmd nx_cmds[] = {
	{ "status", "",
	  "level, state, budgets, modules and collectors",
	  nx_cmd_status },
	{ "level", "[N | disabled|monitoring|detection|prediction|correction|healing|autonomous]",
	  "show or set the level",
	  nx_cmd_level },
	{ "preset", "[default | minimal | full]",
	  "show the preset, or replace the whole config with one",
	  nx_cmd_preset },
	{ "config", "get [KEY] | set KEY VALUE | list",
	  "read or change one config field (keys as in sysfs: tick_ms, prediction.horizon_ms)",
	  nx_cmd_config },
	{ "show", "predictions|forecasts|anomalies|decisions|plans|tuning|collectors|\n"
	  "\t\t\tposture|metrics [METRIC]",
	  "what the analyzers found, what was decided, what is measured",
	  nx_cmd_show },
	{ "follow", "[--count N] [--timeout SEC] [--type TYPE[,TYPE...]]",
	  "print the event stream of /dev/nexus as it happens",
	  nx_cmd_follow },
	{ "top", "[--interval SEC] [--count N] [--metric NAME[,NAME...]]",
	  "a live full-screen view: metrics, predictions, decisions (q quits)",
	  nx_cmd_top },
	{ "replay",
	  "[--detector anomaly | --model forecast [--horizon N] [--models]]\n"
	  "\t\t\t[--metric-kind gauge|counter] [--sensitivity 0-1000]\n"
	  "\t\t\t[--tests 0x1-0x7f] [--records] FILE.csv",
	  "run a detector or forecaster over a recorded timestamp,value CSV",
	  nx_cmd_replay },
};

static void nx_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: nexusctl [--json [--pretty]] COMMAND [ARGS]\n\n"
		"commands:\n");
	for (i = 0; i < ARRAY_SIZE(nx_cmds); i++)
		fprintf(fp, "  %-8s %s\n           nexusctl %s %s\n",
			nx_cmds[i].name, nx_cmds[i].help, nx_cmds[i].name,
			nx_cmds[i].usage);
	fprintf(fp, "\noptions:\n"
		"  -j, --json     machine-readable output (one JSON document)\n"
		"  -p, --pretty   indented JSON (implies --json)\n"
		"  -h, --help     this help\n\n"
		"exit status: 0 ok, 1 error, 2 bad usage\n");
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

int nx_match_word(const char *s, const char * const *words, int n)
{
	size_t len = strlen(s);
	int i, found = -1;

	if (!len)
		return -1;
	for (i = 0; i < n; i++) {
		if (!strcmp(s, words[i]))
			return i;
		if (!strncmp(s, words[i], len))
			found = found == -1 ? i : -2;
	}
	return found;
}

int nx_finish(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "nexusctl: write error on stdout\n");
		return NX_EXIT_ERR;
	}
	return status;
}

/* Take the global options out of argv; returns the new argc or -1. */
static int nx_global_opts(int argc, char **argv)
{
	int i, out = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			nx_opt_json = true;
		} else if (!strcmp(argv[i], "-p") ||
			   !strcmp(argv[i], "--pretty")) {
			nx_opt_json = true;
			nx_opt_pretty = true;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	const char *names[ARRAY_SIZE(nx_cmds)];
	size_t i;
	int c;

	nx_paths_init("nexusctl");
	argc = nx_global_opts(argc, argv);
	nx_json_init(&nx_jw, stdout, nx_opt_pretty);
	if (argc < 2) {
		nx_usage(stderr);
		return NX_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		nx_usage(stdout);
		return NX_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("nexusctl (NEXUS ABI %d.%d)\n", NEXUS_ABI_MAJOR,
		       NEXUS_ABI_MINOR);
		return NX_EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(nx_cmds); i++)
		names[i] = nx_cmds[i].name;
	c = nx_match_word(argv[1], names, ARRAY_SIZE(nx_cmds));
	if (c >= 0)
		return nx_cmds[c].run(argc - 1, argv + 1);
	if (c == -2)
		fprintf(stderr, "nexusctl: ambiguous command '%s'\n", argv[1]);
	else
		fprintf(stderr, "nexusctl: unknown command '%s'\n", argv[1]);
	nx_usage(stderr);
	return NX_EXIT_USAGE;
}
