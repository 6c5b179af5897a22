// SPDX-License-Identifier: GPL-2.0
/*
 * test_top.c - host unit tests of what "nexusctl top" draws (nx_top.c):
 * sparklines, durations, and the screen's layout and limits.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "nx_top.h"

static const char *blk[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};

/* The sparkline of levels @lv (0..7), @n of them. */
static void expect_levels(char *out, const int *lv, int n)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(out, blk[lv[i]]);
}

static char *render(const struct nx_top_snap *s, int cols, int rows,
		    bool ansi, int *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	*lines = nx_top_render(fp, s, cols, rows, ansi, "every 1.0s, q quits");
	fclose(fp);
	return buf;
}

/* Longest line of @text in display cells, escapes not counted. */
static size_t widest(const char *text, int *nlines)
{
	size_t max = 0;
	const char *p = text;

	*nlines = 0;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t w = 0;

		if (!e)
			e = p + strlen(p);
		for (; p < e; p++) {
			if (*p == '\x1b') {
				while (p + 1 < e && !((p[1] >= 'a' && p[1] <= 'z') ||
						      (p[1] >= 'A' && p[1] <= 'Z')))
					p++;
				p++;
				continue;
			}
			if (((unsigned char)*p & 0xc0) != 0x80)
				w++;
		}
		if (w > max)
			max = w;
		(*nlines)++;
		if (*p)
			p++;
	}
	return max;
}

static struct nx_top_metric metrics[30];
static struct nexus_finding pred[6];
static struct nexus_decision dec[10];

static void fill(struct nx_top_snap *s)
{
	int i, k;

	memset(s, 0, sizeof(*s));
	s->up = true;
	s->level = 3;
	s->state = 0;
	s->stats_findings = 17;
	s->stats_decisions = 42;
	for (i = 0; i < 30; i++) {
		snprintf(metrics[i].name, sizeof(metrics[i].name),
			 "test.metric_%02d", i);
		strcpy(metrics[i].unit, "kb");
		metrics[i].n = NX_TOP_SPARK;
		for (k = 0; k < NX_TOP_SPARK; k++)
			metrics[i].v[k] = (k * 37 + i) % 101;
	}
	metrics[1].n = 0;
	metrics[2].err = -2;	/* ENOENT */
	s->metrics = metrics;
	s->nmetrics = 30;
	for (i = 0; i < 6; i++) {
		memset(&pred[i], 0, sizeof(pred[i]));
		pred[i].id = 100 + i;
		pred[i].class = NEXUS_FINDING_PREDICTION;
		pred[i].confidence = 850;
		pred[i].time_to_failure_ms = 12345 + i;
		snprintf(pred[i].component, sizeof(pred[i].component),
			 "comp%d", i);
		snprintf(pred[i].detail, sizeof(pred[i].detail),
			 "detail of prediction %d with a rather long text that goes on", i);
	}
	s->pred = pred;
	s->npred = 6;
	for (i = 0; i < 10; i++) {
		memset(&dec[i], 0, sizeof(dec[i]));
		dec[i].id = i + 1;
		dec[i].ts_ns = (i + 1) * 1500000000ULL;
		strcpy(dec[i].source, "predict");
		snprintf(dec[i].reason, sizeof(dec[i].reason), "reason-%d", i);
	}
	s->dec = dec;
	s->ndec = 10;
}

int main(void)
{
	char buf[512], want[512];
	int64_t v[64];
	struct nx_top_snap s;
	int lv[16], i, n, lines, nl;
	char *out;

	tap_plan(24);

	/* Sparklines. */
	for (i = 0; i < 8; i++) {
		v[i] = i * 10;
		lv[i] = i;
	}
	n = nx_sparkline(buf, sizeof(buf), v, 8, 40);
	expect_levels(want, lv, 8);
	tap_ok(n == 8 && !strcmp(buf, want), "a ramp uses all eight blocks in order");

	for (i = 0; i < 5; i++) {
		v[i] = 7;
		lv[i] = 0;
	}
	n = nx_sparkline(buf, sizeof(buf), v, 5, 40);
	expect_levels(want, lv, 5);
	tap_ok(n == 5 && !strcmp(buf, want), "equal values are all the lowest block");

	v[0] = 1000000;	/* older than the window: must not count */
	v[1] = 0;
	v[2] = 10;
	v[3] = 5;
	lv[0] = 0;
	lv[1] = 7;
	lv[2] = 4;	/* 3.5 rounds up */
	n = nx_sparkline(buf, sizeof(buf), v, 4, 3);
	expect_levels(want, lv, 3);
	tap_ok(n == 3 && !strcmp(buf, want),
	       "width 3 of 4 values: the newest 3, scaled among themselves");

	v[0] = INT64_MIN;
	v[1] = INT64_MAX;
	v[2] = 0;
	lv[0] = 0;
	lv[1] = 7;
	lv[2] = 4;
	n = nx_sparkline(buf, sizeof(buf), v, 3, 10);
	expect_levels(want, lv, 3);
	tap_ok(n == 3 && !strcmp(buf, want),
	       "INT64_MIN..INT64_MAX scale without overflow");

	for (i = 0; i < 8; i++)
		v[i] = i;
	n = nx_sparkline(buf, 8, v, 8, 8);
	tap_ok(n == 2 && strlen(buf) == 6,
	       "an 8-byte buffer holds 2 cells and the NUL (got %d cells, %zu bytes)",
	       n, strlen(buf));
	n = nx_sparkline(buf, sizeof(buf), v, 0, 8);
	tap_ok(n == 0 && !buf[0], "no samples: an empty sparkline");
	n = nx_sparkline(buf, sizeof(buf), v, 8, 0);
	tap_ok(n == 0 && !buf[0], "width 0: an empty sparkline");

	/* Durations. */
	nx_fmt_duration(buf, sizeof(buf), 850);
	tap_ok(!strcmp(buf, "850ms"), "850 ms: %s", buf);
	nx_fmt_duration(buf, sizeof(buf), 12345);
	tap_ok(!strcmp(buf, "12.3s"), "12345 ms: %s", buf);
	nx_fmt_duration(buf, sizeof(buf), 245000);
	tap_ok(!strcmp(buf, "4m05s"), "245 s: %s", buf);
	nx_fmt_duration(buf, sizeof(buf), 7380000);
	tap_ok(!strcmp(buf, "2h03m"), "7380 s: %s", buf);
	nx_fmt_duration(buf, sizeof(buf), 273600000ULL);
	tap_ok(!strcmp(buf, "3d04h"), "3 d 4 h: %s", buf);

	/* The screen, unlimited rows, plain. */
	fill(&s);
	out = render(&s, 100, 0, false, &lines);
	tap_ok(strstr(out, "level 3 prediction") && strstr(out, "state ") &&
	       strstr(out, "every 1.0s, q quits"),
	       "the title names the level, the state and the hint");
	tap_ok(strstr(out, "test.metric_29") && strstr(out, blk[7]) &&
	       strstr(out, "(No such file or directory)") &&
	       !strchr(out, '\x1b'),
	       "every metric, sparklines, a read error; no escapes in plain mode");
	tap_ok(strstr(out, "12.3s") && strstr(out, "0.850") &&
	       strstr(out, "comp5") && strstr(out, "reason-9") &&
	       strstr(out, "reason-0"),
	       "predictions with time to failure and confidence, every decision");
	tap_ok(widest(out, &nl) <= 100 && nl == lines,
	       "no line wider than 100 columns (%zu), %d lines counted", widest(out, &nl),
	       lines);
	free(out);

	/* A 80x24 terminal. */
	out = render(&s, 80, 24, true, &lines);
	tap_ok(lines <= 24 && widest(out, &nl) <= 80 && nl == lines,
	       "80x24: %d lines, at most 80 columns (%zu)", lines,
	       widest(out, &nl));
	tap_ok(strstr(out, "more)") && strstr(out, "reason-9") &&
	       !strstr(out, "reason-0"),
	       "80x24: lists that do not fit say so; the newest decisions stay");
	tap_ok(strstr(out, "\x1b[7m") && strstr(out, "\x1b[K\n"),
	       "ANSI mode: reverse-video title, lines erased to the end");
	free(out);

	/* A tiny terminal. */
	out = render(&s, 20, 5, true, &lines);
	tap_ok(lines <= 5 && widest(out, &nl) <= 20,
	       "20x5: %d lines, at most 20 columns (%zu)", lines,
	       widest(out, &nl));
	free(out);

	/* Empty lists. */
	s.nmetrics = 0;
	s.note = "the metric list needs debugfs";
	s.npred = 0;
	s.ndec = 0;
	out = render(&s, 80, 24, false, &lines);
	tap_ok(strstr(out, "(the metric list needs debugfs)") &&
	       strstr(out, "(no active predictions)") &&
	       strstr(out, "(no decisions)"),
	       "empty lists say why or that they are empty");
	free(out);

	/* Not connected. */
	memset(&s, 0, sizeof(s));
	s.note = "nexus_core is not loaded: run 'modprobe nexus_core'";
	out = render(&s, 80, 24, false, &lines);
	tap_ok(strstr(out, "not connected") && strstr(out, "modprobe nexus_core") &&
	       lines == 2, "not connected: the title and what to do (%d lines)",
	       lines);
	free(out);

	tap_ok(nx_utf8_width("a\xe2\x96\x81\x62") == 3, "a block is one column");
	n = nx_sparkline(buf, sizeof(buf), v, 8, 8);
	tap_ok(nx_utf8_width(buf) == 8, "a sparkline of 8 is 8 columns wide");
	return tap_done();
}
