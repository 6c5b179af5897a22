/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_top.h - what "nexusctl top" shows, and how it is drawn: a snapshot,
 * sparklines and the screen, as pure functions (no I/O but the FILE they
 * write to), so the host unit tests can check them.
 */
#ifndef _NX_TOP_H
#define _NX_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/nexus.h>

/* Samples kept per metric, and the widest sparkline. */
#define NX_TOP_SPARK	40

/**
 * struct nx_top_metric - one metric of the view
 * @name: its name.
 * @unit: its unit, or "".
 * @v: its newest samples, oldest first.
 * @n: how many of @v are valid.
 * @err: 0, or the -errno reading it gave.
 */
struct nx_top_metric {
	char name[NEXUS_NAME_LEN];
	char unit[NEXUS_SHORT_LEN];
	int64_t v[NX_TOP_SPARK];
	int n;
	int err;
};

/**
 * struct nx_top_snap - one refresh of the view
 * @ts_ns: CLOCK_MONOTONIC time of the snapshot.
 * @up: /dev/nexus answered; when false only @note is meaningful.
 * @level: the level.
 * @state: the state.
 * @stats_findings: findings recorded since load.
 * @stats_decisions: decisions recorded since load.
 * @metrics: the metrics shown, @nmetrics of them.
 * @nmetrics: see @metrics.
 * @note: why there are no metrics (e.g. none has samples yet), or NULL.
 * @pred: the active predictions, @npred of them.
 * @npred: see @pred.
 * @dec: the newest decisions, oldest first, @ndec of them.
 * @ndec: see @dec.
 */
struct nx_top_snap {
	uint64_t ts_ns;
	bool up;
	unsigned int level;
	unsigned int state;
	uint64_t stats_findings;
	uint64_t stats_decisions;
	struct nx_top_metric *metrics;
	size_t nmetrics;
	const char *note;
	struct nexus_finding *pred;
	size_t npred;
	struct nexus_decision *dec;
	size_t ndec;
};

/*
 * nx_sparkline() - the last @width of @n values as a UTF-8 sparkline, one
 * of eight block characters each, scaled from the smallest to the largest
 * of them (all the lowest block when they are all equal).  Writes at most
 * @size bytes including the NUL; returns the number of cells written.
 */
int nx_sparkline(char *buf, size_t size, const int64_t *v, int n, int width);

/* A time to failure as "850ms", "12.3s", "4m05s", "2h03m" or "3d04h". */
void nx_fmt_duration(char *buf, size_t size, uint64_t ms);

/* Display width of UTF-8 @s (code points; every one NEXUS prints is 1). */
size_t nx_utf8_width(const char *s);

/*
 * nx_top_render() - draw @s on @fp in @cols columns and at most @rows lines
 * (0: no limit).  @ansi: end each line with an erase-to-end-of-line and
 * show the title in reverse video, for a terminal; else plain text.  @hint
 * is the title's right-hand part ("every 1.0s, q quits").  Returns the
 * number of lines written.
 */
int nx_top_render(FILE *fp, const struct nx_top_snap *s, int cols, int rows,
		  bool ansi, const char *hint);

#endif /* _NX_TOP_H */
