// SPDX-License-Identifier: GPL-2.0
/*
 * nx_json.c - a small streaming JSON writer
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nx_json.h"

void nx_json_init(struct nx_json *j, FILE *fp, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->pretty = pretty;
	j->first[0] = true;
}

static void nx_json_indent(struct nx_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->fp);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->fp);
}

/* Before a value or a name: the comma and indentation it needs. */
static void nx_json_sep(struct nx_json *j)
{
	if (j->named) {
		j->named = false;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->fp);
	j->first[j->depth] = false;
	if (j->depth)
		nx_json_indent(j);
}

static void nx_json_open(struct nx_json *j, char c)
{
	nx_json_sep(j);
	fputc(c, j->fp);
	if (j->depth < NX_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void nx_json_close(struct nx_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		nx_json_indent(j);
	fputc(c, j->fp);
}

void nx_json_begin_object(struct nx_json *j)
{
	nx_json_open(j, '{');
}

void nx_json_end_object(struct nx_json *j)
{
	nx_json_close(j, '}');
}

void nx_json_begin_array(struct nx_json *j)
{
	nx_json_open(j, '[');
}

void nx_json_end_array(struct nx_json *j)
{
	nx_json_close(j, ']');
}

static void nx_json_quote(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', fp);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

void nx_json_name(struct nx_json *j, const char *name)
{
	nx_json_sep(j);
	nx_json_quote(j->fp, name);
	fputs(j->pretty ? ": " : ":", j->fp);
	j->named = true;
}

void nx_json_string(struct nx_json *j, const char *s)
{
	nx_json_sep(j);
	nx_json_quote(j->fp, s ? s : "");
}

void nx_json_u64(struct nx_json *j, unsigned long long v)
{
	nx_json_sep(j);
	fprintf(j->fp, "%llu", v);
}

void nx_json_s64(struct nx_json *j, long long v)
{
	nx_json_sep(j);
	fprintf(j->fp, "%lld", v);
}

void nx_json_double(struct nx_json *j, double v)
{
	nx_json_sep(j);
	if (isfinite(v))
		fprintf(j->fp, "%.6g", v);
	else
		fputs("null", j->fp);
}

void nx_json_bool(struct nx_json *j, bool v)
{
	nx_json_sep(j);
	fputs(v ? "true" : "false", j->fp);
}

void nx_json_null(struct nx_json *j)
{
	nx_json_sep(j);
	fputs("null", j->fp);
}

/* A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)? */
static bool nx_is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	if (*s == '0' && isdigit((unsigned char)s[1]))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return !*s;
}

void nx_json_auto(struct nx_json *j, const char *s)
{
	if (!strcmp(s, "-")) {
		nx_json_null(j);
	} else if (nx_is_json_number(s)) {
		nx_json_sep(j);
		fputs(s, j->fp);
	} else {
		nx_json_string(j, s);
	}
}

void nx_json_done(struct nx_json *j)
{
	fputc('\n', j->fp);
}
