/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexusctl.h - subcommand table of the nexusctl CLI
 */
#ifndef _NEXUSCTL_H
#define _NEXUSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "nx_json.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit statuses of every command. */
#define NX_EXIT_OK	0
#define NX_EXIT_ERR	1	/* runtime error: not loaded, refused, I/O */
#define NX_EXIT_USAGE	2	/* bad command line */

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

/* Global options: --json, --pretty. */
extern bool nx_opt_json;
extern bool nx_opt_pretty;
/* The JSON writer on stdout, for commands in --json mode. */
extern struct nx_json nx_jw;

int nx_cmd_replay(int argc, char **argv);
int nx_cmd_status(int argc, char **argv);
int nx_cmd_level(int argc, char **argv);
int nx_cmd_preset(int argc, char **argv);
int nx_cmd_config(int argc, char **argv);
int nx_cmd_show(int argc, char **argv);
int nx_cmd_follow(int argc, char **argv);
int nx_cmd_top(int argc, char **argv);
void nx_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The unique entry of @words that @s is a prefix of, or -1 (-2: ambiguous). */
int nx_match_word(const char *s, const char * const *words, int n);
int nx_print_collectors(bool json);
int nx_show_posture(void);
struct nexus_finding;
struct nexus_decision;
/* One finding or decision as a JSON object on nx_jw, as "show" prints it. */
void nx_finding_json(const struct nexus_finding *f);
void nx_decision_json(const struct nexus_decision *d);
int nx_report_set_error(const char *what, const char *value, int err);

#define NX_MAX_COLS	32

/* A table "show" prints: named columns and rows of cells (nx_table.c). */
struct nx_table {
	char *cols[NX_MAX_COLS];
	int ncols;
	unsigned int str_cols;	/* bit per column: text in JSON, never a number */
	char ***rows;		/* each NX_MAX_COLS entries, NULL = missing */
	int nrows;
	int err;		/* -ENOMEM once an allocation failed */
};

/* An empty table with @n columns, "name" or "name:s" (text); 0 or -errno. */
int nx_table_init(struct nx_table *t, const char * const *cols, int n);
/* One more column, before any row; 0 or -errno. */
int nx_table_add_col(struct nx_table *t, const char *col);
/* A new last row, every cell missing. */
void nx_table_add_row(struct nx_table *t);
/* Set cell @col of the last row, printf-style. */
void nx_table_set(struct nx_table *t, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void nx_table_free(struct nx_table *t);
/* Aligned columns, or in --json mode an array of objects (no newline). */
void nx_table_print(const struct nx_table *t);
/* Every record of @kind through a fresh open: 0 or -errno (-EBADF: said). */
int nx_records_fetch(unsigned int kind, size_t rec_size, void **out,
		     size_t *n);
/* Say why records could not be read (@kmod: their module); returns 1. */
int nx_records_error(const char *what, const char *kmod, int err);
/* Print a table (text or JSON), free it; the exit status. */
int nx_table_show(struct nx_table *t);
int nx_show_tuning(void);
int nx_show_plans(void);
/* Flush stdout; 0, or 1 after a message on a write error. */
int nx_finish(int status);

#endif /* _NEXUSCTL_H */
