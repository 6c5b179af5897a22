// SPDX-License-Identifier: GPL-2.0
/*
 * kreplay.c - the anomaly module's two VM scenarios, replayed on host over
 * cpu.util traces recorded in the test VM (bench/anomaly/traces/).
 *
 * The detector is nexus_core/lib/nx_anomaly as the module runs it: the
 * library's defaults but for the tests mask and the threshold, and the
 * module's practical-significance gate (modules/anomaly/detect.c): a
 * sample at or above the threshold opens an anomaly only if it and the
 * min_change_samples - 1 samples after it all differ from the median
 * before it by min_change_permille of it (10 %).
 *
 *   storm:  a fresh detector fed the 150 idle samples before the storm
 *           (the selftest's learning period and 10 s at 200 ms), then the
 *           storm: the peak score over its first 6 samples, whether that
 *           opens an anomaly, and the anomalies of the 50 idle samples
 *           before it (the storm joins one still open);
 *   steady: fresh detectors on windows of 100 + 300 samples (learning,
 *           then the selftest's 60 s), every 50 samples along the trace:
 *           how many windows raise an anomaly, and the highest score.
 *
 * Usage: kreplay TESTS THRESHOLD MIN_SAMPLES storm|steady TRACE.csv
 * TRACE.csv: "ts_ns,value" rows; a row "cut" splits a steady trace where
 * the recording itself loaded the CPU (no window crosses it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_anomaly.h"

#define MAX_ROWS	8192
#define MIN_CHANGE	100	/* permille, the module's default */

static s64 vals[MAX_ROWS];
static s64 secs[MAX_ROWS];	/* sample time, s (the module's time base) */
static int seg[MAX_ROWS];	/* segment number of each row */
static int nvals;

static int load(const char *path)
{
	char line[128];
	FILE *f = fopen(path, "r");
	int s = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && nvals < MAX_ROWS) {
		unsigned long long ts;
		long long v;

		if (!strncmp(line, "cut", 3)) {
			s++;
			continue;
		}
		if (sscanf(line, "%llu,%lld", &ts, &v) != 2)
			continue;	/* the header */
		seg[nvals] = s;
		secs[nvals] = (s64)(ts / 1000000000ULL);
		vals[nvals++] = v;
	}
	fclose(f);
	return 0;
}

static int material(s64 v, s64 location)
{
	u64 d = nx_abs64(nx_vq(v) - location);
	u64 base = max_t(u64, nx_abs64(location), 1 << NX_VFRAC);

	return d * 1000 >= base * MIN_CHANGE;
}

static void detector(struct nx_anomaly *a, u32 tests, u32 threshold)
{
	struct nx_anomaly_cfg cfg;

	nx_anomaly_default_cfg(&cfg);
	cfg.tests = tests;
	cfg.alarm_on = threshold;
	cfg.alarm_off = threshold * 5 / 7;
	nx_anomaly_init(a, &cfg);
}

/*
 * Feed rows [from, to); return the highest score of rows >= score_from and
 * count in *@alarms the anomalies opened (a pending change is confirmed
 * with the rows after @to if it needs them, as the module would).
 */
static u32 feed(struct nx_anomaly *a, int from, int to, int score_from,
		u32 threshold, int min_samples, int *alarms)
{
	u32 peak = 0;
	int i, k;

	for (i = from; i < to; i++) {
		s64 location = a->med.q;
		u32 s = nx_anomaly_update(a, secs[i], vals[i]);

		if (i < score_from)
			continue;
		peak = max_t(u32, peak, s);
		if (!alarms || s < threshold || !material(vals[i], location))
			continue;
		for (k = 1; k < min_samples && i + k < nvals; k++)
			if (!material(vals[i + k], location))
				break;
		if (k >= min_samples)
			(*alarms)++;
	}
	return peak;
}

int main(int argc, char **argv)
{
	static struct nx_anomaly a;
	u32 tests, threshold;
	int i, min_samples;

	if (argc != 6 || (strcmp(argv[4], "storm") && strcmp(argv[4], "steady"))) {
		fprintf(stderr, "usage: kreplay TESTS THRESHOLD MIN_SAMPLES %s\n",
			"storm|steady TRACE.csv");
		return 2;
	}
	tests = (u32)strtoul(argv[1], NULL, 0);
	threshold = (u32)strtoul(argv[2], NULL, 0);
	min_samples = atoi(argv[3]);
	if (min_samples < 1 || load(argv[5]))
		return 1;
	if (!strcmp(argv[4], "storm")) {
		int on = -1, early = 0, idle = 0;
		u32 peak;

		/* the storm: the first sample above 250 permille after 100 below */
		for (i = 100; i < nvals && on < 0; i++)
			if (vals[i] >= 250 && vals[i - 1] < 250)
				on = i;
		if (on < 150) {
			fprintf(stderr, "%s: no storm after 150 idle samples\n", argv[5]);
			return 1;
		}
		detector(&a, tests, threshold);
		feed(&a, on - 150, on, on - 50, threshold, min_samples, &idle);
		peak = feed(&a, on, on + 6, on, threshold, min_samples, &early);
		printf("storm peak %u %s idle-anomalies %d\n", peak,
		       early ? "alarm" : "MISSED", idle);
	} else {
		int windows = 0, bad = 0, start;
		u32 top = 0;

		for (start = 0; start + 400 <= nvals; start += 50) {
			int alarms = 0;

			if (seg[start] != seg[start + 399])
				continue;
			detector(&a, tests, threshold);
			top = max_t(u32, top, feed(&a, start, start + 400,
						   start + 100, threshold,
						   min_samples, &alarms));
			windows++;
			bad += alarms > 0;
		}
		printf("steady windows %d with-anomaly %d max %u\n", windows, bad, top);
	}
	return 0;
}
