// SPDX-License-Identifier: GPL-2.0
/*
 * nx_top.c - the screen of "nexusctl top": sparklines, durations and the
 * layout, from a snapshot that top.c collects.  No I/O but to the FILE
 * given, so the host unit tests (tests/test_top.c) can check it.
 *
 * Layout, top to bottom: a title (level, state), a summary line, the
 * metrics (name, last value, unit, sparkline), the active predictions
 * (kind, confidence, time to failure, component, detail) and the newest
 * decisions.  With a row limit, predictions and decisions get up to a
 * quarter of the free rows each and the metrics the rest; a list that does
 * not fit ends with "(+N more)".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nx_dev.h"
#include "nx_top.h"

/* U+2581 .. U+2588, LOWER ONE EIGHTH BLOCK .. FULL BLOCK. */
static const char * const nx_blocks[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

int nx_sparkline(char *buf, size_t size, const int64_t *v, int n, int width)
{
	int64_t lo, hi;
	size_t len = 0;
	int i, first, cells = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	if (n <= 0 || width <= 0)
		return 0;
	first = n > width ? n - width : 0;
	lo = v[first];
	hi = v[first];
	for (i = first; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	for (i = first; i < n; i++) {
		int level = 0;

		/* In double: hi - lo may not fit in an int64_t. */
		if (hi > lo)
			level = (int)(((double)v[i] - (double)lo) * 7.0 /
				      ((double)hi - (double)lo) + 0.5);
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		if (len + 3 >= size)
			break;
		memcpy(buf + len, nx_blocks[level], 3);
		len += 3;
		cells++;
	}
	buf[len] = '\0';
	return cells;
}

void nx_fmt_duration(char *buf, size_t size, uint64_t ms)
{
	unsigned long long s = ms / 1000;

	if (ms < 1000)
		snprintf(buf, size, "%llums", (unsigned long long)ms);
	else if (ms < 60000)
		snprintf(buf, size, "%llu.%llus", s,
			 (unsigned long long)(ms % 1000) / 100);
	else if (s < 3600)
		snprintf(buf, size, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%lluh%02llum", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%llud%02lluh", s / 86400, s / 3600 % 24);
}

size_t nx_utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

struct nx_screen {
	FILE *fp;
	int cols;
	int rows;
	int lines;
	bool ansi;
};

/* One line, cut to the width of the screen; nothing past the last row. */
static void __attribute__((format(printf, 2, 3)))
nx_line(struct nx_screen *sc, const char *fmt, ...)
{
	char line[1024];
	size_t i, w = 0;
	va_list ap;

	if (sc->rows > 0 && sc->lines >= sc->rows)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* Cut at @cols code points, never inside one; escapes take none. */
	for (i = 0; line[i]; i++) {
		if (line[i] == '\x1b') {
			while (line[i + 1] && !isalpha((unsigned char)line[i + 1]))
				i++;
			if (line[i + 1])
				i++;
			continue;
		}
		if (((unsigned char)line[i] & 0xc0) == 0x80)
			continue;
		if (sc->cols > 0 && (int)w == sc->cols)
			break;
		w++;
	}
	line[i] = '\0';
	/* No trailing blanks. */
	while (i > 0 && line[i - 1] == ' ')
		line[--i] = '\0';
	fprintf(sc->fp, "%s%s\n", line, sc->ansi ? "\x1b[K" : "");
	sc->lines++;
}

static void nx_render_metrics(struct nx_screen *sc,
			      const struct nx_top_snap *s, int max)
{
	int spark_w = sc->cols - 52;
	size_t i, shown;

	if (spark_w > NX_TOP_SPARK)
		spark_w = NX_TOP_SPARK;
	nx_line(sc, "%-28s %14s %-6s %s", "METRIC", "LAST", "UNIT",
		spark_w >= 4 ? "RECENT" : "");
	if (!s->nmetrics) {
		nx_line(sc, "(%s)", s->note ? s->note : "no metrics");
		return;
	}
	shown = s->nmetrics;
	if (max > 0 && shown > (size_t)max)
		shown = max - 1;
	for (i = 0; i < shown; i++) {
		const struct nx_top_metric *m = &s->metrics[i];
		char spark[NX_TOP_SPARK * 3 + 1] = "", last[24] = "-";

		if (m->err) {
			nx_line(sc, "%-28s %14s %-6s (%s)", m->name, "-", "",
				strerror(-m->err));
			continue;
		}
		if (m->n > 0)
			snprintf(last, sizeof(last), "%lld",
				 (long long)m->v[m->n - 1]);
		if (spark_w >= 4)
			nx_sparkline(spark, sizeof(spark), m->v, m->n, spark_w);
		nx_line(sc, "%-28s %14s %-6s %s", m->name, last,
			m->unit[0] ? m->unit : "-", spark);
	}
	if (shown < s->nmetrics)
		nx_line(sc, "(+%zu more)", s->nmetrics - shown);
}

static void nx_render_predictions(struct nx_screen *sc,
				  const struct nx_top_snap *s, int max)
{
	size_t i, shown = s->npred;

	nx_line(sc, "%-20s %5s %8s %-20s %s", "PREDICTION", "CONF", "TTF",
		"COMPONENT", "DETAIL");
	if (!s->npred) {
		nx_line(sc, "(no active predictions)");
		return;
	}
	if (max > 0 && shown > (size_t)max)
		shown = max - 1;
	for (i = 0; i < shown; i++) {
		const struct nexus_finding *f = &s->pred[i];
		char ttf[24] = "-";

		if (f->time_to_failure_ms)
			nx_fmt_duration(ttf, sizeof(ttf), f->time_to_failure_ms);
		nx_line(sc, "%-20s %1u.%03u %8s %-20s %s",
			nx_prediction_name(f->kind), f->confidence / 1000,
			f->confidence % 1000, ttf,
			f->component[0] ? f->component : "-", f->detail);
	}
	if (shown < s->npred)
		nx_line(sc, "(+%zu more)", s->npred - shown);
}

static void nx_render_decisions(struct nx_screen *sc,
				const struct nx_top_snap *s, int max)
{
	size_t i, first = 0;

	nx_line(sc, "%10s %-14s %-12s %-10s %-16s %s", "TIME_S", "DECISION",
		"OUTCOME", "SOURCE", "TARGET", "REASON");
	if (!s->ndec) {
		nx_line(sc, "(no decisions)");
		return;
	}
	/* The newest, which are last. */
	if (max > 0 && s->ndec > (size_t)max)
		first = s->ndec - max;
	for (i = first; i < s->ndec; i++) {
		const struct nexus_decision *d = &s->dec[i];

		nx_line(sc, "%10.1f %-14s %-12s %-10s %-16s %s",
			d->ts_ns / 1e9, nx_decision_name(d->kind),
			nx_outcome_name(d->outcome), d->source,
			d->target[0] ? d->target : "-", d->reason);
	}
}

int nx_top_render(FILE *fp, const struct nx_top_snap *s, int cols, int rows,
		  bool ansi, const char *hint)
{
	struct nx_screen sc = { .fp = fp, .cols = cols, .rows = rows,
				.ansi = ansi };
	int free_rows, npred = 0, ndec = 0, nmet = 0;
	char title[256];
	int pad;

	if (s->up)
		snprintf(title, sizeof(title),
			 " NEXUS top - level %u %s - state %s", s->level,
			 nx_level_name(s->level), nx_state_name(s->state));
	else
		snprintf(title, sizeof(title), " NEXUS top - not connected");
	pad = cols - (int)nx_utf8_width(title) - (int)nx_utf8_width(hint) - 1;
	if (pad < 1)
		pad = 1;
	nx_line(&sc, "%s%s%*s%s ", ansi ? "\x1b[7m" : "", title, pad, "", hint);
	if (ansi)
		fputs("\x1b[0m", fp);
	if (!s->up) {
		nx_line(&sc, "%s", s->note ? s->note : "");
		return sc.lines;
	}
	nx_line(&sc,
		"%zu metrics, %zu active predictions; %llu findings and %llu decisions since load",
		s->nmetrics, s->npred, (unsigned long long)s->stats_findings,
		(unsigned long long)s->stats_decisions);
	nx_line(&sc, "%s", "");
	/* Title, summary, three headers, three blank lines: 8 fixed rows. */
	if (rows > 0) {
		free_rows = rows - 8;
		if (free_rows < 3)
			free_rows = 3;
		npred = free_rows / 4 ? free_rows / 4 : 1;
		ndec = npred;
		nmet = free_rows - npred - ndec;
		if (nmet < 1)
			nmet = 1;
		/* What one list does not use, the metrics may. */
		if ((size_t)npred > (s->npred ? s->npred : 1))
			nmet += npred - (s->npred ? s->npred : 1);
		if ((size_t)ndec > (s->ndec ? s->ndec : 1))
			nmet += ndec - (s->ndec ? s->ndec : 1);
	}
	nx_render_metrics(&sc, s, nmet);
	nx_line(&sc, "%s", "");
	nx_render_predictions(&sc, s, npred);
	nx_line(&sc, "%s", "");
	nx_render_decisions(&sc, s, ndec);
	return sc.lines;
}
