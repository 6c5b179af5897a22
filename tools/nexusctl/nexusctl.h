/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexusctl.h - subcommand table of the nexusctl CLI
 */
#ifndef _NEXUSCTL_H
#define _NEXUSCTL_H

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/**
 * struct nx_cmd - one subcommand
 * @name: word on the command line
 * @usage: one-line synopsis of the arguments
 * @help: one-line description
 * @run: entry point, gets argc/argv starting at the subcommand name;
 *	returns the process exit status (0 ok, 1 error, 2 usage)
 */
struct nx_cmd {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv);
};

int nx_cmd_replay(int argc, char **argv);
void nx_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _NEXUSCTL_H */
