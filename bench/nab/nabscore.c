// SPDX-License-Identifier: GPL-2.0
/*
 * nabscore.c - Numenta Anomaly Benchmark scoring, reimplemented in C
 *
 * Follows NAB v1.1 (nab/sweeper.py) as described in
 * shared/data/nab/README.md:
 *  - the first min(floor(0.15 * rows), 750) rows of a file are a
 *    probationary period and are not scored;
 *  - a row with a score >= threshold is a detection;
 *  - in a window only the first detection counts, weighted by
 *    S(y) / S(-1) * tp with S(y) = 2 / (1 + e^(5y)) - 1 and
 *    y = -(right - i + 1) / width; a window with no detection costs fn;
 *  - a detection outside every window costs fp * S(y), y = distance past
 *    the previous window's right edge over (its width - 1) (S(y) = -1
 *    for y > 3 or when no window precedes);
 *  - one threshold for the whole corpus, the one maximising each
 *    profile's total; normalised 100 * (raw - null) / (perfect - null).
 *
 * Usage: nabscore [-v] [--fake null|oracle] WINDOWS.json RESULTS_DIR
 * RESULTS_DIR/<category>/<file>.csv holds "timestamp,value,anomaly_score"
 * rows (the last column is the score); with --fake the score column is
 * ignored (the files may be the raw data) and replaced by a detector that
 * never fires (null) or fires exactly at each window's left edge (oracle).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nx_csv.h"

#define NLEV	1002	/* thresholds 0..1000 per-mille, 1001 = never */

struct win {
	char start[40];
	char end[40];
};

struct file {
	char *name;
	struct win *w;
	int nw;
};

struct profile {
	const char *name;
	double tp, fn, fp;
};

static const struct profile profiles[] = {
	{ "standard", 1.0, 1.0, 0.11 },
	{ "reward_low_FP", 1.0, 1.0, 0.22 },
	{ "reward_low_FN", 1.0, 2.0, 0.11 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NPROF		ARRAY_SIZE(profiles)

/* ---- a JSON reader for { "name": [ ["t0", "t1"], ... ], ... } ---- */

struct json {
	const char *p;
	const char *path;
};

static void jfail(struct json *j, const char *what)
{
	fprintf(stderr, "nabscore: %s: JSON error near offset: %s\n", j->path,
		what);
	exit(1);
}

static void jws(struct json *j)
{
	while (isspace((unsigned char)*j->p))
		j->p++;
}

static void jexpect(struct json *j, char c)
{
	jws(j);
	if (*j->p != c) {
		char msg[32];

		snprintf(msg, sizeof(msg), "expected '%c'", c);
		jfail(j, msg);
	}
	j->p++;
}

static bool jpeek(struct json *j, char c)
{
	jws(j);
	return *j->p == c;
}

static char *jstring(struct json *j)
{
	const char *s;
	char *r;

	jexpect(j, '"');
	s = j->p;
	while (*j->p && *j->p != '"') {
		if (*j->p == '\\')
			jfail(j, "escapes are not supported");
		j->p++;
	}
	if (!*j->p)
		jfail(j, "unterminated string");
	r = strndup(s, (size_t)(j->p - s));
	j->p++;
	return r;
}

static struct file *read_windows(const char *path, int *nfiles)
{
	struct file *files = NULL;
	struct json j;
	char *buf;
	long len;
	FILE *fp = fopen(path, "r");
	int n = 0;

	if (!fp) {
		fprintf(stderr, "nabscore: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fprintf(stderr, "nabscore: %s: read error\n", path);
		exit(1);
	}
	fclose(fp);
	j.p = buf;
	j.path = path;
	jexpect(&j, '{');
	while (!jpeek(&j, '}')) {
		struct file *f;

		files = realloc(files, sizeof(*files) * (n + 1));
		f = &files[n++];
		memset(f, 0, sizeof(*f));
		f->name = jstring(&j);
		jexpect(&j, ':');
		jexpect(&j, '[');
		while (!jpeek(&j, ']')) {
			char *a, *b;

			jexpect(&j, '[');
			a = jstring(&j);
			jexpect(&j, ',');
			b = jstring(&j);
			jexpect(&j, ']');
			f->w = realloc(f->w, sizeof(*f->w) * (f->nw + 1));
			snprintf(f->w[f->nw].start, sizeof(f->w->start), "%s", a);
			snprintf(f->w[f->nw].end, sizeof(f->w->end), "%s", b);
			f->nw++;
			free(a);
			free(b);
			if (!jpeek(&j, ','))
				break;
			jexpect(&j, ',');
		}
		jexpect(&j, ']');
		if (!jpeek(&j, ','))
			break;
		jexpect(&j, ',');
	}
	jexpect(&j, '}');
	free(buf);
	*nfiles = n;
	return files;
}

/* ---- scoring ---- */

static double ssig(double y)
{
	if (y > 3.0)
		return -1.0;
	return 2.0 / (1.0 + exp(5.0 * y)) - 1.0;
}

struct series {
	long n;
	long cap;
	long long *ts;
	short *score;	/* per-mille */
};

static int load_series(const char *path, struct series *s, bool fake)
{
	struct nx_csv c;
	struct nx_row row;
	int r;

	memset(s, 0, sizeof(*s));
	if (nx_csv_open(&c, path))
		return -1;
	if (nx_csv_header(&c)) {
		nx_csv_close(&c);
		return -1;
	}
	while ((r = nx_csv_next(&c, &row, !fake)) > 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 4096;
			s->ts = realloc(s->ts, sizeof(*s->ts) * s->cap);
			s->score = realloc(s->score, sizeof(*s->score) * s->cap);
		}
		s->ts[s->n] = row.ts_ms;
		s->score[s->n] = fake ? 0 : (short)lround(row.score * 1000);
		s->n++;
	}
	nx_csv_close(&c);
	return r;
}

/*
 * Add this file's score for every threshold to tot[p][t]; count the
 * windows that take part (those with a row after the probation).
 */
static int score_file(const struct file *f, struct series *s,
		      const char *fake, double tot[][NLEV], int *nwin,
		      bool verbose)
{
	long prob = (long)floor(0.15 * (double)s->n);
	long *wl = calloc(f->nw + 1, sizeof(long));
	long *wr = calloc(f->nw + 1, sizeof(long));
	int k, p, used = 0;
	long i;

	if (prob > 750)
		prob = 750;
	for (k = 0; k < f->nw; k++) {
		long long t0, t1;
		int64_t v;

		if (nx_parse_time_ms(f->w[k].start, &v))
			goto bad;
		t0 = v;
		if (nx_parse_time_ms(f->w[k].end, &v))
			goto bad;
		t1 = v;
		wl[k] = -1;
		wr[k] = -1;
		for (i = 0; i < s->n; i++) {
			if (wl[k] < 0 && s->ts[i] >= t0)
				wl[k] = i;
			if (s->ts[i] <= t1)
				wr[k] = i;
		}
		if (wl[k] < 0 || wr[k] < wl[k]) {
			fprintf(stderr, "nabscore: %s: window %d matches no rows\n",
				f->name, k);
			goto fail;
		}
	}
	if (fake) {
		for (i = 0; i < s->n; i++)
			s->score[i] = 0;
		if (!strcmp(fake, "oracle"))
			for (k = 0; k < f->nw; k++)
				s->score[wl[k] > prob ? wl[k] : prob] = 1000;
	}
	for (p = 0; p < (int)NPROF; p++) {
		const struct profile *pr = &profiles[p];
		double fpc[NLEV + 1] = { 0 };
		double maxtp = ssig(-1.0);
		long prev_r = -1, prev_w = 0;

		k = 0;
		for (i = 0; i < s->n; i++) {
			/* in window k? */
			while (k < f->nw && i > wr[k]) {
				prev_r = wr[k];
				prev_w = wr[k] - wl[k] + 1;
				k++;
			}
			if (k < f->nw && i >= wl[k])
				continue;	/* windows scored below */
			if (i < prob)
				continue;
			if (prev_r < 0)
				fpc[s->score[i]] += -1.0 * pr->fp;
			else
				fpc[s->score[i]] += pr->fp *
					ssig((double)(i - prev_r) / (double)(prev_w - 1));
		}
		for (i = NLEV - 2; i >= 0; i--)
			fpc[i] += fpc[i + 1];
		for (i = 0; i < NLEV; i++)
			tot[p][i] += fpc[i];
		for (k = 0; k < f->nw; k++) {
			double width = (double)(wr[k] - wl[k] + 1);
			double credit[NLEV];
			int m = -1, t;

			if (wr[k] < prob)
				continue;	/* all rows probationary */
			if (p == 0)
				used++;
			for (t = 0; t < NLEV; t++)
				credit[t] = -pr->fn;
			for (i = wl[k] > prob ? wl[k] : prob; i <= wr[k]; i++) {
				double y = -(double)(wr[k] - i + 1) / width;

				if (s->score[i] <= m)
					continue;
				for (t = m + 1; t <= s->score[i]; t++)
					credit[t] = ssig(y) / maxtp * pr->tp;
				m = s->score[i];
			}
			for (t = 0; t < NLEV; t++)
				tot[p][t] += credit[t];
		}
	}
	if (verbose)
		fprintf(stderr, "nabscore: %s: %ld rows, %d windows, probation %ld\n",
			f->name, s->n, used, prob);
	*nwin += used;
	free(wl);
	free(wr);
	return 0;
bad:
	fprintf(stderr, "nabscore: %s: bad window timestamp\n", f->name);
fail:
	free(wl);
	free(wr);
	return -1;
}

static const char *category(const char *name, char *buf, size_t len)
{
	const char *sl = strchr(name, '/');
	size_t n = sl ? (size_t)(sl - name) : strlen(name);

	if (n >= len)
		n = len - 1;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	static double tot[NPROF][NLEV];
	struct cat {
		char name[64];
		double tot[NPROF][NLEV];
		int nwin;
		int nfiles;
	} *cats = NULL;
	const char *fake = NULL, *wpath, *rdir;
	int ncats = 0, nfiles, nwin = 0, scored = 0, ai = 1, c, p, t;
	bool verbose = false;
	struct file *files;
	long rows = 0;

	while (ai < argc && argv[ai][0] == '-') {
		if (!strcmp(argv[ai], "-v")) {
			verbose = true;
			ai++;
		} else if (!strcmp(argv[ai], "--fake") && ai + 1 < argc &&
			   (!strcmp(argv[ai + 1], "null") ||
			    !strcmp(argv[ai + 1], "oracle"))) {
			fake = argv[ai + 1];
			ai += 2;
		} else {
			break;
		}
	}
	if (argc - ai != 2) {
		fprintf(stderr, "usage: nabscore [-v] [--fake null|oracle] %s\n",
			"WINDOWS.json RESULTS_DIR");
		return 2;
	}
	wpath = argv[ai];
	rdir = argv[ai + 1];
	files = read_windows(wpath, &nfiles);
	for (int f = 0; f < nfiles; f++) {
		char path[4096], cb[64];
		struct series s;
		struct cat *ct = NULL;
		FILE *probe;
		int w = 0;

		snprintf(path, sizeof(path), "%s/%s", rdir, files[f].name);
		probe = fopen(path, "r");
		if (!probe)
			continue;
		fclose(probe);
		if (load_series(path, &s, !!fake))
			return 1;
		category(files[f].name, cb, sizeof(cb));
		for (c = 0; c < ncats; c++)
			if (!strcmp(cats[c].name, cb))
				ct = &cats[c];
		if (!ct) {
			cats = realloc(cats, sizeof(*cats) * (ncats + 1));
			ct = &cats[ncats++];
			memset(ct, 0, sizeof(*ct));
			snprintf(ct->name, sizeof(ct->name), "%s", cb);
		}
		if (score_file(&files[f], &s, fake, ct->tot, &w, verbose))
			return 1;
		ct->nwin += w;
		ct->nfiles++;
		nwin += w;
		rows += s.n;
		scored++;
		free(s.ts);
		free(s.score);
	}
	if (!scored) {
		fprintf(stderr, "nabscore: no result files for %s found under %s\n",
			wpath, rdir);
		return 1;
	}
	for (c = 0; c < ncats; c++)
		for (p = 0; p < (int)NPROF; p++)
			for (t = 0; t < NLEV; t++)
				tot[p][t] += cats[c].tot[p][t];
	printf("nab: %d files, %d windows, %ld rows\n", scored, nwin, rows);
	printf("%-16s %7s  %s\n", "profile", "score", "threshold");
	int best0 = NLEV - 1;

	for (p = 0; p < (int)NPROF; p++) {
		double null = -profiles[p].fn * nwin, perfect = profiles[p].tp * nwin;
		int best = NLEV - 1;

		for (t = NLEV - 1; t >= 0; t--)
			if (tot[p][t] > tot[p][best])
				best = t;
		if (!p)
			best0 = best;
		printf("%-16s %7.2f  %s%.3f (raw %.3f)\n", profiles[p].name,
		       nwin ? 100.0 * (tot[p][best] - null) / (perfect - null) : 0.0,
		       best == NLEV - 1 ? ">" : "",
		       best == NLEV - 1 ? 1.0 : best / 1000.0, tot[0 + p][best]);
	}
	printf("standard score by category (at the corpus threshold):\n");
	for (c = 0; c < ncats; c++) {
		double raw = cats[c].tot[0][best0];
		int nw = cats[c].nwin;

		if (nw)
			printf("  %-24s %7.2f  (%d files, %d windows)\n",
			       cats[c].name,
			       100.0 * (raw + nw) / (2.0 * nw), cats[c].nfiles, nw);
		else
			printf("  %-24s %7s  (%d files, no windows, raw %.3f)\n",
			       cats[c].name, "-", cats[c].nfiles, raw);
	}
	/*
	 * Leave one category out: the threshold is chosen on the other
	 * categories and the held-out one is scored at it.  The total sums
	 * the held-out raw scores (each category scored at a threshold it
	 * did not choose) and normalises them over the whole corpus.
	 */
	printf("leave-one-category-out (threshold from the other categories):\n");
	printf("  %-24s %9s %9s %9s  %s\n", "held out", profiles[0].name,
	       profiles[1].name, profiles[2].name, "thresholds");
	double lraw[NPROF] = { 0 };

	for (c = 0; c < ncats; c++) {
		int nw = cats[c].nwin, thr[NPROF];

		printf("  %-24s", cats[c].name);
		for (p = 0; p < (int)NPROF; p++) {
			double fn = profiles[p].fn, tp = profiles[p].tp;
			int best = NLEV - 1;

			for (t = NLEV - 1; t >= 0; t--)
				if (tot[p][t] - cats[c].tot[p][t] >
				    tot[p][best] - cats[c].tot[p][best])
					best = t;
			lraw[p] += cats[c].tot[p][best];
			thr[p] = best;
			if (nw)
				printf(" %9.2f", 100.0 * (cats[c].tot[p][best] +
					fn * nw) / ((tp + fn) * nw));
			else
				printf(" %9.3f", cats[c].tot[p][best]);
		}
		printf("  %.3f/%.3f/%.3f%s\n", thr[0] / 1000.0, thr[1] / 1000.0,
		       thr[2] / 1000.0, nw ? "" : " (raw: no windows)");
	}
	printf("  %-24s", "total");
	for (p = 0; p < (int)NPROF; p++) {
		double fn = profiles[p].fn, tp = profiles[p].tp;

		printf(" %9.2f", nwin ? 100.0 * (lraw[p] + fn * nwin) /
		       ((tp + fn) * nwin) : 0.0);
	}
	printf("\n");
	free(cats);
	for (int f = 0; f < nfiles; f++) {
		free(files[f].name);
		free(files[f].w);
	}
	free(files);
	return 0;
}
