// SPDX-License-Identifier: GPL-2.0
/*
 * nx_csv.c - streaming reader of "timestamp,value" CSV files
 *
 * Errors are reported as "nexusctl: FILE:LINE: reason" on stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nx_csv.h"

void nx_csv_error(const struct nx_csv *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nexusctl: %s:%lu: ", c->name, c->lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int nx_csv_open(struct nx_csv *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->name = path;
	c->prev_ms = INT64_MIN;
	if (!strcmp(path, "-")) {
		c->fp = stdin;
		return 0;
	}
	c->fp = fopen(path, "r");
	if (!c->fp) {
		fprintf(stderr, "nexusctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

void nx_csv_close(struct nx_csv *c)
{
	if (c->fp && c->fp != stdin)
		fclose(c->fp);
	c->fp = NULL;
}

static char *nx_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	/* strip one level of double quotes */
	if (e - s >= 2 && s[0] == '"' && e[-1] == '"') {
		e[-1] = '\0';
		s++;
	}
	return s;
}

/* Read the next non-empty line and split it. 1 = line, 0 = EOF, -1 = error */
static int nx_csv_line(struct nx_csv *c)
{
	size_t len;
	char *p;

	for (;;) {
		if (!fgets(c->line, sizeof(c->line), c->fp)) {
			if (ferror(c->fp)) {
				fprintf(stderr, "nexusctl: %s: read error\n",
					c->name);
				return -1;
			}
			return 0;
		}
		c->lineno++;
		len = strlen(c->line);
		if (len == sizeof(c->line) - 1 && c->line[len - 1] != '\n' &&
		    !feof(c->fp)) {
			nx_csv_error(c, "line longer than %d bytes",
				     NX_CSV_LINE_MAX - 2);
			return -1;
		}
		while (len && (c->line[len - 1] == '\n' ||
			       c->line[len - 1] == '\r'))
			c->line[--len] = '\0';
		if (len)
			break;
	}
	c->nfields = 0;
	p = c->line;
	for (;;) {
		char *comma = strchr(p, ',');

		if (c->nfields == (int)(sizeof(c->fields) /
					 sizeof(c->fields[0]))) {
			nx_csv_error(c, "too many fields");
			return -1;
		}
		if (comma)
			*comma = '\0';
		c->fields[c->nfields++] = nx_trim(p);
		if (!comma)
			break;
		p = comma + 1;
	}
	return 1;
}

static int nx_parse_uint(const char **s, int ndigits, int *out)
{
	int v = 0, i;

	for (i = 0; i < ndigits; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += ndigits;
	*out = v;
	return 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant) */
static int64_t nx_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/**
 * nx_parse_time_ms() - parse a timestamp
 * @s: "YYYY-MM-DD HH:MM:SS[.fff]" (or 'T' as separator, optional 'Z'),
 *     or integer epoch seconds, or integer epoch milliseconds (values of
 *     10^11 and more are taken as milliseconds)
 * @ms: result, milliseconds since the epoch, UTC
 *
 * Return: 0 on success, -1 if @s is not a timestamp.
 */
int nx_parse_time_ms(const char *s, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, se = 0, frac = 0, fdig = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	const char *p = s;

	if (!*s)
		return -1;
	if (strspn(s, "0123456789") == strlen(s)) {
		long long v;

		if (strlen(s) > 15)
			return -1;
		v = atoll(s);
		*ms = v >= 100000000000LL ? v : v * 1000;
		return 0;
	}
	if (nx_parse_uint(&p, 4, &y) || *p++ != '-' ||
	    nx_parse_uint(&p, 2, &mo) || *p++ != '-' ||
	    nx_parse_uint(&p, 2, &d))
		return -1;
	if (*p == ' ' || *p == 'T') {
		p++;
		if (nx_parse_uint(&p, 2, &h) || *p++ != ':' ||
		    nx_parse_uint(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (nx_parse_uint(&p, 2, &se))
				return -1;
			if (*p == '.') {
				p++;
				while (isdigit((unsigned char)*p)) {
					if (fdig < 3) {
						frac = frac * 10 + (*p - '0');
						fdig++;
					}
					p++;
				}
				while (fdig && fdig < 3) {
					frac *= 10;
					fdig++;
				}
			}
		}
	}
	if (*p == 'Z')
		p++;
	if (*p)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	*ms = ((nx_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		se) * 1000) + frac;
	return 0;
}

static int nx_parse_double(const char *s, double *v)
{
	char *end;

	if (!*s)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(*v))
		return -1;
	/* strtod accepts "nan", "inf", hex floats: only plain decimals */
	if (strpbrk(s, "nNiIxX"))
		return -1;
	return 0;
}

/**
 * nx_csv_header() - read and check the header line
 * @c: reader
 *
 * The header must have at least two fields, and its first line must not
 * look like data.
 *
 * Return: 0 on success, -1 after printing an error.
 */
int nx_csv_header(struct nx_csv *c)
{
	int64_t ms;
	double v;
	int r = nx_csv_line(c);

	if (r < 0)
		return -1;
	if (!r) {
		c->lineno = 1;
		nx_csv_error(c, "empty file, expected header 'timestamp,value'");
		return -1;
	}
	if (c->nfields < 2 || !nx_parse_time_ms(c->fields[0], &ms) ||
	    !nx_parse_double(c->fields[1], &v)) {
		nx_csv_error(c, "missing header, expected 'timestamp,value'");
		return -1;
	}
	return 0;
}

/**
 * nx_csv_next() - read the next data row
 * @c: reader
 * @row: result; its text pointers stay valid until the next call
 * @want_score: parse a third column as a score in [0, 1]
 *
 * Timestamps must not go backwards.
 *
 * Return: 1 for a row, 0 at end of file, -1 after printing an error.
 */
int nx_csv_next(struct nx_csv *c, struct nx_row *row, bool want_score)
{
	int r = nx_csv_line(c);
	int want = want_score ? 3 : 2;

	if (r <= 0)
		return r;
	if (c->nfields < want) {
		nx_csv_error(c, "expected %d fields, found %d", want,
			     c->nfields);
		return -1;
	}
	row->ts_text = c->fields[0];
	row->val_text = c->fields[1];
	row->score = -1;
	if (nx_parse_time_ms(row->ts_text, &row->ts_ms)) {
		nx_csv_error(c, "bad timestamp '%s'", row->ts_text);
		return -1;
	}
	if (nx_parse_double(row->val_text, &row->value)) {
		nx_csv_error(c, "value '%s' is not a number", row->val_text);
		return -1;
	}
	if (want_score) {
		const char *s = c->fields[c->nfields - 1];

		if (nx_parse_double(s, &row->score) || row->score < 0 ||
		    row->score > 1) {
			nx_csv_error(c, "score '%s' is not a number in [0,1]",
				     s);
			return -1;
		}
	}
	if (row->ts_ms < c->prev_ms) {
		nx_csv_error(c, "timestamp '%s' is earlier than the previous row",
			     row->ts_text);
		return -1;
	}
	c->prev_ms = row->ts_ms;
	c->rows++;
	return 1;
}
