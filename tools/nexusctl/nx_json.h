/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_json.h - a small streaming JSON writer (after bpftool's json_writer)
 *
 * Compact output on one line, or indented with @pretty.  The writer
 * inserts the commas; callers only open, name and close.
 */
#ifndef _NX_JSON_H
#define _NX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define NX_JSON_DEPTH	16

struct nx_json {
	FILE *fp;
	bool pretty;
	int depth;
	bool named;			/* a name was written, value follows */
	bool first[NX_JSON_DEPTH];	/* nothing written yet at this depth */
};

void nx_json_init(struct nx_json *j, FILE *fp, bool pretty);
void nx_json_begin_object(struct nx_json *j);
void nx_json_end_object(struct nx_json *j);
void nx_json_begin_array(struct nx_json *j);
void nx_json_end_array(struct nx_json *j);
void nx_json_name(struct nx_json *j, const char *name);
void nx_json_string(struct nx_json *j, const char *s);
void nx_json_u64(struct nx_json *j, unsigned long long v);
void nx_json_s64(struct nx_json *j, long long v);
void nx_json_double(struct nx_json *j, double v);
void nx_json_bool(struct nx_json *j, bool v);
void nx_json_null(struct nx_json *j);
/* Write a number as is if @s is a JSON number, else as a string. */
void nx_json_auto(struct nx_json *j, const char *s);
/* Finish the document: a newline. */
void nx_json_done(struct nx_json *j);

static inline void nx_json_kstr(struct nx_json *j, const char *k, const char *s)
{
	nx_json_name(j, k);
	nx_json_string(j, s);
}

static inline void nx_json_ku64(struct nx_json *j, const char *k, unsigned long long v)
{
	nx_json_name(j, k);
	nx_json_u64(j, v);
}

static inline void nx_json_ks64(struct nx_json *j, const char *k, long long v)
{
	nx_json_name(j, k);
	nx_json_s64(j, v);
}

static inline void nx_json_kbool(struct nx_json *j, const char *k, bool v)
{
	nx_json_name(j, k);
	nx_json_bool(j, v);
}

#endif /* _NX_JSON_H */
