// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - "nexusctl replay": run the kernel's algorithms over a CSV
 *
 * Reads "timestamp,value" rows as a stream (never looking ahead) and feeds
 * them, one at a time, to the same nexus_core/lib code the kernel modules
 * run.
 *
 * Value scaling: the library takes integer samples.  The first non-zero
 * value v0 fixes a decimal scale 10^k with k = 6 - floor(log10 |v0|),
 * clamped to [-6, 12], so that typical values become integers around 10^6
 * (six significant digits); every sample is then round(v * 10^k), clamped
 * to +/-2^40.  The anomaly detector is scale-free, so this only sets the
 * precision.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nexusctl.h"
#include "nx_csv.h"
#include "nx_anomaly.h"
#include "nx_forecast.h"

enum nx_kind { NX_KIND_GAUGE, NX_KIND_COUNTER };

struct nx_replay_opts {
	const char *path;
	bool forecast;
	enum nx_kind kind;
	unsigned int horizon;
	int sensitivity;
	u32 tests;
	bool records;
	bool models;
};

struct nx_scaler {
	bool set;
	double mul;
};

static s64 nx_scale(struct nx_scaler *s, double v)
{
	double r;

	if (!s->set && v != 0) {
		int k = 6 - (int)floor(log10(fabs(v)));

		k = k < -6 ? -6 : k > 12 ? 12 : k;
		s->mul = pow(10, k);
		s->set = true;
	}
	r = v * (s->set ? s->mul : 1);
	if (r > (double)NX_VALUE_MAX)
		return NX_VALUE_MAX;
	if (r < -(double)NX_VALUE_MAX)
		return -NX_VALUE_MAX;
	return llround(r);
}

static double nx_unscale(const struct nx_scaler *s, s64 v)
{
	return (double)v / (s->set ? s->mul : 1);
}

static int nx_parse_uint_arg(const char *opt, const char *s, long lo,
			     long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		nx_usage_error("replay", "%s needs an integer in [%ld, %ld], got '%s'",
			       opt, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * --tests: a mask of NX_ANOM_T_* bits, in hex with 0x (as the module's
 * "tests" knob reads) or in decimal; no bit outside NX_ANOM_T_ALL, and not
 * 0 (a detector with no test would score nothing and still look fine).
 */
static int nx_parse_tests_arg(const char *s, u32 *out)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	unsigned long v;
	char *end;

	/* strtoul would take a sign or leading blanks: digits only */
	if (*digits && (hex ? isxdigit((unsigned char)*digits) :
			      isdigit((unsigned char)*digits))) {
		errno = 0;
		v = strtoul(digits, &end, hex ? 16 : 10);
		if (!*end && !errno && v >= 1 && v <= NX_ANOM_T_ALL) {
			*out = (u32)v;
			return 0;
		}
	}
	nx_usage_error("replay",
		       "--tests needs a mask of NX_ANOM_T_* bits in [0x1, 0x%x], got '%s'",
		       NX_ANOM_T_ALL, s);
	return -1;
}

static int nx_replay_args(int argc, char **argv, struct nx_replay_opts *o)
{
	bool horizon_given = false;
	int i;

	memset(o, 0, sizeof(*o));
	o->horizon = 1;
	o->sensitivity = -1;
	for (i = 1; i < argc; i++) {
		char *arg = argv[i], *val = NULL, *eq;
		long v;

		if (arg[0] != '-' || !strcmp(arg, "-")) {
			if (o->path) {
				nx_usage_error("replay", "more than one input file");
				return -1;
			}
			o->path = arg;
			continue;
		}
		if (!strcmp(arg, "--records")) {
			o->records = true;
			continue;
		}
		if (!strcmp(arg, "--models")) {
			o->models = true;
			continue;
		}
		eq = strchr(arg, '=');
		if (eq) {
			*eq = '\0';
			val = eq + 1;
		}
		if (strcmp(arg, "--detector") && strcmp(arg, "--model") &&
		    strcmp(arg, "--metric-kind") && strcmp(arg, "--horizon") &&
		    strcmp(arg, "--sensitivity") && strcmp(arg, "--tests")) {
			nx_usage_error("replay", "unknown option '%s'", arg);
			return -1;
		}
		if (!val) {
			if (i + 1 >= argc) {
				nx_usage_error("replay", "%s needs a value", arg);
				return -1;
			}
			val = argv[++i];
		}
		if (!strcmp(arg, "--detector")) {
			if (strcmp(val, "anomaly")) {
				nx_usage_error("replay", "unknown detector '%s' (known: anomaly)",
					       val);
				return -1;
			}
			o->forecast = false;
		} else if (!strcmp(arg, "--model")) {
			if (strcmp(val, "forecast")) {
				nx_usage_error("replay", "unknown model '%s' (known: forecast)",
					       val);
				return -1;
			}
			o->forecast = true;
		} else if (!strcmp(arg, "--metric-kind")) {
			if (!strcmp(val, "gauge")) {
				o->kind = NX_KIND_GAUGE;
			} else if (!strcmp(val, "counter")) {
				o->kind = NX_KIND_COUNTER;
			} else {
				nx_usage_error("replay",
					       "unknown metric kind '%s' (gauge, counter)",
					       val);
				return -1;
			}
		} else if (!strcmp(arg, "--horizon")) {
			if (nx_parse_uint_arg(arg, val, 1, NX_HOLT_HMAX, &v))
				return -1;
			o->horizon = (unsigned int)v;
			horizon_given = true;
		} else if (!strcmp(arg, "--tests")) {
			if (nx_parse_tests_arg(val, &o->tests))
				return -1;
		} else {
			if (nx_parse_uint_arg(arg, val, 0, 1000, &v))
				return -1;
			o->sensitivity = (int)v;
		}
	}
	if (!o->path) {
		nx_usage_error("replay", "no input file");
		return -1;
	}
	/* An option the chosen mode would ignore is a mistake: say so. */
	if (o->forecast && (o->tests || o->sensitivity >= 0)) {
		nx_usage_error("replay", "%s is an option of the anomaly detector only",
			       o->tests ? "--tests" : "--sensitivity");
		return -1;
	}
	if (!o->forecast && (horizon_given || o->models)) {
		nx_usage_error("replay", "%s is an option of --model forecast only",
			       o->models ? "--models" : "--horizon");
		return -1;
	}
	return 0;
}

/*
 * Counter kind: the detector sees the increase per row; a decrease is
 * taken as a counter reset (the increase is then the new value).  The
 * first row has no increase and is fed as 0.
 */
struct nx_kind_state {
	bool have_prev;
	double prev;
};

static double nx_kind_apply(enum nx_kind kind, struct nx_kind_state *k,
			    double v)
{
	double d;

	if (kind == NX_KIND_GAUGE)
		return v;
	d = k->have_prev ? (v >= k->prev ? v - k->prev : v) : 0;
	k->prev = v;
	k->have_prev = true;
	return d;
}

static void nx_fmt_time(char *buf, size_t len, s64 ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Bit i of nx_anomaly_record.tests, NX_ANOM_T_SPIKE first. */
static const char * const nx_test_names[] = {
	"spike", "level", "season", "cusum", "variance", "context",
	"log-context",
};

/*
 * An anomaly record: a "# anomaly ..." line on stderr next to the CSV, or
 * an object of the "anomalies" array in --json mode.
 */
static void nx_print_record(const struct nx_anomaly_record *r, bool open)
{
	const char *dir = r->direction > 0 ? "up" :
			  r->direction < 0 ? "down" : "mixed";
	char s[32], e[32], p[32];
	unsigned int i;
	bool first = true;

	nx_fmt_time(s, sizeof(s), r->start);
	nx_fmt_time(e, sizeof(e), r->end);
	nx_fmt_time(p, sizeof(p), r->peak);
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_kstr(&nx_jw, "start", s);
		nx_json_kstr(&nx_jw, "end", e);
		nx_json_kbool(&nx_jw, "open", open);
		nx_json_kstr(&nx_jw, "peak", p);
		nx_json_name(&nx_jw, "score");
		nx_json_double(&nx_jw, r->peak_score / 1000.0);
		nx_json_kstr(&nx_jw, "direction", dir);
		nx_json_name(&nx_jw, "tests");
		nx_json_begin_array(&nx_jw);
		for (i = 0; i < ARRAY_SIZE(nx_test_names); i++)
			if (r->tests & (1U << i))
				nx_json_string(&nx_jw, nx_test_names[i]);
		nx_json_end_array(&nx_jw);
		nx_json_end_object(&nx_jw);
		return;
	}
	fprintf(stderr, "# anomaly start=\"%s\" end=\"%s\"%s peak=\"%s\"",
		s, e, open ? " (open)" : "", p);
	fprintf(stderr, " score=%.3f direction=%s tests=", r->peak_score / 1000.0,
		dir);
	for (i = 0; i < ARRAY_SIZE(nx_test_names); i++) {
		if (!(r->tests & (1U << i)))
			continue;
		fprintf(stderr, "%s%s", first ? "" : ",", nx_test_names[i]);
		first = false;
	}
	fputc('\n', stderr);
}

/*
 * In --json mode records are printed after the rows, as an array of their
 * own, which cannot be written in the middle of the rows; on stderr they
 * are printed as they close.
 */
struct nx_records {
	struct nx_anomaly_record *r;
	bool *open;
	size_t n, cap;
};

static int nx_keep_record(struct nx_records *k,
			  const struct nx_anomaly_record *r, bool open)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		struct nx_anomaly_record *nr = realloc(k->r, cap * sizeof(*nr));
		bool *no;

		if (!nr)
			goto oom;
		k->r = nr;
		no = realloc(k->open, cap * sizeof(*no));
		if (!no)
			goto oom;
		k->open = no;
		k->cap = cap;
	}
	k->r[k->n] = *r;
	k->open[k->n++] = open;
	return 0;
oom:
	fprintf(stderr, "nexusctl: out of memory\n");
	return -1;
}

static int nx_record(struct nx_records *k, const struct nx_anomaly_record *r,
		     bool open)
{
	if (nx_opt_json)
		return nx_keep_record(k, r, open);
	nx_print_record(r, open);
	return 0;
}

static int nx_replay_anomaly(struct nx_csv *c, const struct nx_replay_opts *o)
{
	struct nx_anomaly *a = malloc(sizeof(*a));
	struct nx_anomaly_record rec;
	struct nx_anomaly_cfg cfg;
	struct nx_kind_state ks = { 0 };
	struct nx_scaler sc = { 0 };
	struct nx_records recs = { 0 };
	struct nx_row row;
	size_t i;
	int r;

	if (!a) {
		fprintf(stderr, "nexusctl: out of memory\n");
		return 1;
	}
	nx_anomaly_default_cfg(&cfg);
	if (o->sensitivity >= 0)
		cfg.sensitivity = (u32)o->sensitivity;
	if (o->tests)	/* else the library's default, all seven tests */
		cfg.tests = o->tests;
	nx_anomaly_init(a, &cfg);
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_kstr(&nx_jw, "detector", "anomaly");
		nx_json_name(&nx_jw, "rows");
		nx_json_begin_array(&nx_jw);
	} else {
		printf("timestamp,value,anomaly_score\n");
	}
	while ((r = nx_csv_next(c, &row, false)) > 0) {
		double v = nx_kind_apply(o->kind, &ks, row.value);
		s64 ts = row.ts_ms >= 0 ? row.ts_ms / 1000 :
			 -((-row.ts_ms + 999) / 1000);
		u32 score = nx_anomaly_update(a, ts, nx_scale(&sc, v));

		if (nx_opt_json) {
			nx_json_begin_object(&nx_jw);
			nx_json_kstr(&nx_jw, "timestamp", row.ts_text);
			nx_json_name(&nx_jw, "value");
			nx_json_double(&nx_jw, row.value);
			nx_json_name(&nx_jw, "anomaly_score");
			nx_json_double(&nx_jw, score / 1000.0);
			nx_json_end_object(&nx_jw);
		} else {
			printf("%s,%s,%.3f\n", row.ts_text, row.val_text,
			       score / 1000.0);
		}
		if (o->records && nx_anomaly_take_record(a, &rec) &&
		    nx_record(&recs, &rec, false))
			r = -1;
		if (r < 0)
			break;
	}
	if (!r && o->records && a->rec_open && nx_record(&recs, &a->rec, true))
		r = -1;
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		if (o->records) {
			nx_json_name(&nx_jw, "anomalies");
			nx_json_begin_array(&nx_jw);
		}
	}
	for (i = 0; i < recs.n; i++)
		nx_print_record(&recs.r[i], recs.open[i]);
	if (nx_opt_json) {
		if (o->records)
			nx_json_end_array(&nx_jw);
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	}
	free(recs.r);
	free(recs.open);
	free(a);
	return r < 0 ? 1 : 0;
}

/*
 * The forecaster takes times in ms; rows are taken as evenly spaced, one
 * second apart, so that --horizon counts rows whatever the timestamps.
 */
#define NX_ROW_MS	1000

/* One forecast row; @models: each model's forecast, or NULL. */
static void nx_forecast_csv(const struct nx_row *row,
			    const struct nx_forecaster *f,
			    const struct nx_scaler *sc, const s64 *models)
{
	int m;

	printf("%s,%s,%.6g,%.6g,%.6g", row->ts_text, row->val_text,
	       nx_unscale(sc, f->fc), nx_unscale(sc, f->lower),
	       nx_unscale(sc, f->upper));
	for (m = 0; models && m < NX_FC_MODELS; m++)
		printf(",%.6g", nx_unscale(sc, models[m]));
	printf("\n");
}

static void nx_forecast_json(const struct nx_row *row,
			     const struct nx_forecaster *f,
			     const struct nx_scaler *sc, const s64 *models)
{
	int m;

	nx_json_begin_object(&nx_jw);
	nx_json_kstr(&nx_jw, "timestamp", row->ts_text);
	nx_json_name(&nx_jw, "value");
	nx_json_double(&nx_jw, row->value);
	nx_json_name(&nx_jw, "forecast");
	nx_json_double(&nx_jw, nx_unscale(sc, f->fc));
	nx_json_name(&nx_jw, "lower");
	nx_json_double(&nx_jw, nx_unscale(sc, f->lower));
	nx_json_name(&nx_jw, "upper");
	nx_json_double(&nx_jw, nx_unscale(sc, f->upper));
	nx_json_kstr(&nx_jw, "chosen", nx_fc_model_names[f->model]);
	if (models) {
		nx_json_name(&nx_jw, "models");
		nx_json_begin_object(&nx_jw);
		for (m = 0; m < NX_FC_MODELS; m++) {
			nx_json_name(&nx_jw, nx_fc_model_names[m]);
			nx_json_double(&nx_jw, nx_unscale(sc, models[m]));
		}
		nx_json_end_object(&nx_jw);
	}
	nx_json_end_object(&nx_jw);
}

static int nx_replay_forecast(struct nx_csv *c, const struct nx_replay_opts *o)
{
	struct nx_forecaster *f = malloc(sizeof(*f));
	struct nx_kind_state ks = { 0 };
	struct nx_scaler sc = { 0 };
	s64 out[NX_FC_MODELS];
	struct nx_row row;
	unsigned long i = 0;
	int r, m;

	if (!f) {
		fprintf(stderr, "nexusctl: out of memory\n");
		return 1;
	}
	nx_fc_init(f, (s64)o->horizon * NX_ROW_MS, -NX_VALUE_MAX, NX_VALUE_MAX);
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_kstr(&nx_jw, "model", "forecast");
		nx_json_ku64(&nx_jw, "horizon_rows", o->horizon);
		nx_json_name(&nx_jw, "rows");
		nx_json_begin_array(&nx_jw);
	} else {
		printf("timestamp,value,forecast,lower,upper");
		for (m = 0; o->models && m < NX_FC_MODELS; m++)
			printf(",%s", nx_fc_model_names[m]);
		printf("\n");
	}
	while ((r = nx_csv_next(c, &row, false)) > 0) {
		s64 x = nx_scale(&sc, nx_kind_apply(o->kind, &ks, row.value));

		nx_fc_sample(f, (s64)i * NX_ROW_MS, x);
		nx_fc_publish(f);
		nx_fc_models(f, out);
		if (nx_opt_json)
			nx_forecast_json(&row, f, &sc, o->models ? out : NULL);
		else
			nx_forecast_csv(&row, f, &sc, o->models ? out : NULL);
		i++;
	}
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	}
	free(f);
	return r < 0 ? 1 : 0;
}

/**
 * nx_cmd_replay() - the replay subcommand
 * @argc: argument count, argv[0] is "replay"
 * @argv: arguments
 *
 * Return: 0 on success, 1 on bad input, 2 on bad usage.
 */
int nx_cmd_replay(int argc, char **argv)
{
	struct nx_replay_opts o;
	struct nx_csv c;
	int ret;

	if (nx_replay_args(argc, argv, &o))
		return 2;
	if (nx_csv_open(&c, o.path))
		return 1;
	if (nx_csv_header(&c)) {
		nx_csv_close(&c);
		return 1;
	}
	ret = o.forecast ? nx_replay_forecast(&c, &o) :
			   nx_replay_anomaly(&c, &o);
	nx_csv_close(&c);
	if (fflush(stdout)) {
		fprintf(stderr, "nexusctl: write error\n");
		return 1;
	}
	return ret;
}
