// SPDX-License-Identifier: GPL-2.0
/*
 * nx_table.c - the tables "show" prints: named columns, rows of cells
 * formatted from the ABI's records, printed as aligned text or (--json) as
 * an array of objects with one field per column.
 *
 * A cell is a string; a missing one is "-" in text and null in JSON.  In
 * JSON a cell that reads as a number is written as a number, unless its
 * column is marked as text (":s" after its name), so a name that happens to be
 * all digits stays a string.  Allocation failures are remembered in the
 * table and reported once, by nx_table_print()'s caller.
 */
#define _GNU_SOURCE	/* vasprintf() */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexusctl.h"

int nx_table_add_col(struct nx_table *t, const char *col)
{
	size_t len = strlen(col);

	if (t->ncols == NX_MAX_COLS)
		return -E2BIG;
	if (len > 2 && !strcmp(col + len - 2, ":s")) {
		len -= 2;
		t->str_cols |= 1U << t->ncols;
	}
	t->cols[t->ncols] = strndup(col, len);
	if (!t->cols[t->ncols])
		return -ENOMEM;
	t->ncols++;
	return 0;
}

int nx_table_init(struct nx_table *t, const char * const *cols, int n)
{
	int i, ret = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n && !ret; i++)
		ret = nx_table_add_col(t, cols[i]);
	return ret;
}

void nx_table_add_row(struct nx_table *t)
{
	char ***nr;

	if (t->err)
		return;
	nr = realloc(t->rows, (t->nrows + 1) * sizeof(*nr));
	if (!nr) {
		t->err = -ENOMEM;
		return;
	}
	t->rows = nr;
	nr[t->nrows] = calloc(NX_MAX_COLS, sizeof(char *));
	if (!nr[t->nrows]) {
		t->err = -ENOMEM;
		return;
	}
	t->nrows++;
}

void nx_table_set(struct nx_table *t, int col, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (t->err || !t->nrows || col < 0 || col >= t->ncols)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->err = -ENOMEM;
		return;
	}
	free(t->rows[t->nrows - 1][col]);
	t->rows[t->nrows - 1][col] = s;
}

void nx_table_free(struct nx_table *t)
{
	int i, c;

	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	for (i = 0; i < t->nrows; i++) {
		for (c = 0; c < NX_MAX_COLS; c++)
			free(t->rows[i][c]);
		free(t->rows[i]);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

void nx_table_print(const struct nx_table *t)
{
	int w[NX_MAX_COLS], i, c;

	if (nx_opt_json) {
		nx_json_begin_array(&nx_jw);
		for (i = 0; i < t->nrows; i++) {
			nx_json_begin_object(&nx_jw);
			for (c = 0; c < t->ncols; c++) {
				const char *v = t->rows[i][c];

				nx_json_name(&nx_jw, t->cols[c]);
				if (!v)
					nx_json_null(&nx_jw);
				else if (t->str_cols & (1U << c))
					nx_json_string(&nx_jw, v);
				else
					nx_json_auto(&nx_jw, v);
			}
			nx_json_end_object(&nx_jw);
		}
		nx_json_end_array(&nx_jw);
		return;
	}
	for (c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->cols[c]);
		for (i = 0; i < t->nrows; i++)
			if (t->rows[i][c] && (int)strlen(t->rows[i][c]) > w[c])
				w[c] = strlen(t->rows[i][c]);
	}
	for (c = 0; c < t->ncols; c++) {
		char up[64];
		size_t k;

		for (k = 0; t->cols[c][k] && k < sizeof(up) - 1; k++)
			up[k] = t->cols[c][k] >= 'a' && t->cols[c][k] <= 'z' ?
				t->cols[c][k] - 'a' + 'A' : t->cols[c][k];
		up[k] = '\0';
		if (c == t->ncols - 1)
			printf("%s\n", up);
		else
			printf("%-*s  ", w[c], up);
	}
	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->ncols; c++) {
			const char *v = t->rows[i][c] ? t->rows[i][c] : "-";

			if (c == t->ncols - 1)
				printf("%s\n", v);
			else
				printf("%-*s  ", w[c], v);
		}
}
