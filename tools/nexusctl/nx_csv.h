/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_csv.h - streaming reader of "timestamp,value" CSV files
 */
#ifndef _NX_CSV_H
#define _NX_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define NX_CSV_LINE_MAX	4096

/**
 * struct nx_csv - reader state
 * @fp: input stream
 * @name: file name for messages ("-" = standard input)
 * @lineno: number of the line last read (1-based)
 * @line: the line last read, without its line terminator
 * @fields: pointers into @line for each comma-separated field
 * @nfields: number of fields in @line
 * @prev_ms: timestamp of the previous data row, ms since the epoch
 * @rows: data rows read so far
 */
struct nx_csv {
	FILE *fp;
	const char *name;
	unsigned long lineno;
	char line[NX_CSV_LINE_MAX];
	char *fields[8];
	int nfields;
	int64_t prev_ms;
	unsigned long rows;
};

/**
 * struct nx_row - one parsed data row
 * @ts_text: the timestamp field as written
 * @val_text: the value field as written
 * @ts_ms: timestamp in ms since the epoch (UTC)
 * @value: the value
 * @score: third column if present (for scorers), else -1
 */
struct nx_row {
	const char *ts_text;
	const char *val_text;
	int64_t ts_ms;
	double value;
	double score;
};

int nx_csv_open(struct nx_csv *c, const char *path);
void nx_csv_close(struct nx_csv *c);
int nx_csv_header(struct nx_csv *c);
int nx_csv_next(struct nx_csv *c, struct nx_row *row, bool want_score);
int nx_parse_time_ms(const char *s, int64_t *ms);
void nx_csv_error(const struct nx_csv *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* _NX_CSV_H */
