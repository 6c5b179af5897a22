// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - "nexusctl show WHAT": findings, decisions, forecasts, plans,
 * tuning, collectors and metrics
 *
 * Everything is read through /dev/nexus: findings, decisions and a
 * metric's samples with NEXUS_IOC_READ_FINDINGS, READ_DECISIONS and
 * READ_METRIC; the list of metrics, the forecasts, recovery plans, tuning
 * and posture as typed records with READ_RECORDS (those of a module from
 * the module itself: plans.c, tuning.c, posture.c).  The collectors come
 * from sysfs.  Tables are printed by nx_table.c: aligned columns, or with
 * --json an array of objects named after the columns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexusctl.h"
#include "nx_dev.h"
#include "nx_forecast.h"

enum nx_show_kind {
	NX_SHOW_FINDINGS, NX_SHOW_DECISIONS, NX_SHOW_FORECASTS,
	NX_SHOW_COLLECTORS, NX_SHOW_METRICS, NX_SHOW_TUNING, NX_SHOW_PLANS,
	NX_SHOW_POSTURE,
};

struct nx_show_target {
	const char *name;
	enum nx_show_kind kind;
	const char *module;	/* pluggable module it needs, or NULL */
	const char *kmod;	/* the .ko to load */
	int class;		/* finding class, for findings */
};

static const struct nx_show_target nx_targets[] = {
	{ "predictions", NX_SHOW_FINDINGS, "predict", "nexus_predict",
	  NEXUS_FINDING_PREDICTION },
	{ "forecasts", NX_SHOW_FORECASTS, "predict", "nexus_predict", 0 },
	{ "anomalies", NX_SHOW_FINDINGS, "anomaly", "nexus_anomaly",
	  NEXUS_FINDING_ANOMALY },
	{ "decisions", NX_SHOW_DECISIONS, NULL, NULL, 0 },
	{ "plans", NX_SHOW_PLANS, "heal", "nexus_heal", 0 },
	{ "tuning", NX_SHOW_TUNING, "tune", "nexus_tune", 0 },
	{ "collectors", NX_SHOW_COLLECTORS, NULL, NULL, 0 },
	{ "metrics", NX_SHOW_METRICS, NULL, NULL, 0 },
	{ "posture", NX_SHOW_POSTURE, "guard", "nexus_guard", 0 },
};

/**
 * nx_records_error() - say why records of a module could not be read
 * @what: the "show" target, for the message
 * @kmod: the module that provides them ("nexus_heal"), or NULL for the core
 * @err: -errno of nx_read_records()
 *
 * Return: NX_EXIT_ERR.
 */
int nx_records_error(const char *what, const char *kmod, int err)
{
	if (err == -ENODEV && kmod)
		nx_err("show %s: %s is not loaded: run 'modprobe %s'", what,
		       kmod, kmod);
	else if (err == -ENOTTY || err == -EINVAL)
		nx_err("show %s: the running NEXUS cannot list them (NEXUS_IOC_READ_RECORDS: %s): its modules are older than this nexusctl",
		       what, strerror(-err));
	else
		nx_err("show %s: %s", what, strerror(-err));
	return NX_EXIT_ERR;
}

/**
 * nx_records_fetch() - every record of a kind, through a fresh open
 * @kind: enum nexus_record_kind
 * @rec_size: sizeof its struct
 * @out: set to a malloc'ed array
 * @n: set to the count
 *
 * Return: 0, or -errno after a message (nx_open()'s, or none: the caller
 * reports it with nx_records_error()).  -EBADF: nx_open() said why.
 */
int nx_records_fetch(unsigned int kind, size_t rec_size, void **out,
		     size_t *n)
{
	int fd = nx_open(O_RDONLY), ret;

	if (fd < 0)
		return -EBADF;
	ret = nx_read_records(fd, kind, rec_size, out, n);
	close(fd);
	return ret;
}

/**
 * nx_table_show() - print a table built by a show target and free it
 * @t: the table
 *
 * Return: the exit status.
 */
int nx_table_show(struct nx_table *t)
{
	if (t->err) {
		nx_err("out of memory");
		nx_table_free(t);
		return NX_EXIT_ERR;
	}
	nx_table_print(t);
	nx_table_free(t);
	if (nx_opt_json)
		nx_json_done(&nx_jw);
	return nx_finish(NX_EXIT_OK);
}

static const char * const nx_metric_cols[] = {
	"id", "name:s", "unit:s", "last", "samples", "total",
};

static const char * const nx_forecast_cols[] = {
	"metric:s", "model:s", "now", "forecast", "lower", "upper",
	"confidence", "samples", "switches",
};

/* "show metrics": every metric of the store, in id order. */
static int nx_show_metrics(void)
{
	struct nexus_metric_rec *m = NULL;
	struct nx_table t;
	size_t n, i;
	int ret;

	ret = nx_records_fetch(NEXUS_REC_METRIC, sizeof(*m), (void **)&m, &n);
	if (ret == -EBADF)
		return NX_EXIT_ERR;
	if (ret)
		return nx_records_error("metrics", NULL, ret);
	t.err = nx_table_init(&t, nx_metric_cols, ARRAY_SIZE(nx_metric_cols));
	for (i = 0; i < n; i++) {
		nx_table_add_row(&t);
		nx_table_set(&t, 0, "%d", m[i].id);
		nx_table_set(&t, 1, "%.*s", (int)sizeof(m[i].name), m[i].name);
		if (m[i].unit[0])
			nx_table_set(&t, 2, "%.*s", (int)sizeof(m[i].unit),
				     m[i].unit);
		nx_table_set(&t, 3, "%lld", (long long)m[i].last);
		nx_table_set(&t, 4, "%u", m[i].samples);
		nx_table_set(&t, 5, "%llu", (unsigned long long)m[i].total);
	}
	free(m);
	return nx_table_show(&t);
}

/* "show forecasts": nexus_predict's forecast of each metric it follows. */
static int nx_show_forecasts(const struct nx_show_target *tg)
{
	struct nexus_forecast_rec *f = NULL;
	struct nx_table t;
	unsigned int k;
	char col[32];
	size_t n, i;
	int ret;

	ret = nx_records_fetch(NEXUS_REC_FORECAST, sizeof(*f), (void **)&f, &n);
	if (ret == -EBADF)
		return NX_EXIT_ERR;
	if (ret)
		return nx_records_error(tg->name, tg->kmod, ret);
	t.err = nx_table_init(&t, nx_forecast_cols,
			      ARRAY_SIZE(nx_forecast_cols));
	for (k = 0; k < NX_FC_MODELS && !t.err; k++) {
		snprintf(col, sizeof(col), "mae_%s", nx_fc_model_names[k]);
		t.err = nx_table_add_col(&t, col);
	}
	for (i = 0; i < n; i++) {
		const struct nexus_forecast_rec *r = &f[i];

		nx_table_add_row(&t);
		nx_table_set(&t, 0, "%.*s", (int)sizeof(r->metric), r->metric);
		nx_table_set(&t, 1, "%s", r->model < NX_FC_MODELS ?
			     nx_fc_model_names[r->model] : "?");
		nx_table_set(&t, 2, "%lld", (long long)r->now);
		nx_table_set(&t, 3, "%lld", (long long)r->forecast);
		nx_table_set(&t, 4, "%lld", (long long)r->lower);
		nx_table_set(&t, 5, "%lld", (long long)r->upper);
		nx_table_set(&t, 6, "%u", r->confidence);
		nx_table_set(&t, 7, "%llu", (unsigned long long)r->samples);
		nx_table_set(&t, 8, "%u", r->switches);
		for (k = 0; k < NX_FC_MODELS && k < NEXUS_FC_MODEL_SLOTS; k++)
			if (r->scored & (1U << k))
				nx_table_set(&t, 9 + k, "%lld",
					     (long long)r->mae[k]);
	}
	free(f);
	return nx_table_show(&t);
}

void nx_finding_json(const struct nexus_finding *f)
{
	struct nx_json *j = &nx_jw;

	nx_json_begin_object(j);
	nx_json_ku64(j, "id", f->id);
	nx_json_ku64(j, "ts_ns", f->ts_ns);
	nx_json_ku64(j, "updated_ns", f->updated_ns);
	nx_json_kstr(j, "class", nx_class_name(f->class));
	if (f->class == NEXUS_FINDING_PREDICTION)
		nx_json_kstr(j, "kind", nx_prediction_name(f->kind));
	else
		nx_json_ku64(j, "kind", f->kind);
	nx_json_ku64(j, "confidence", f->confidence);
	nx_json_kstr(j, "action", nx_action_name(f->action));
	nx_json_kstr(j, "state", f->flags & NEXUS_FINDING_RESOLVED ?
		     "resolved" : "active");
	nx_json_kbool(j, "notify", f->flags & NEXUS_FINDING_NOTIFY);
	nx_json_ks64(j, "metric", f->metric);
	nx_json_ku64(j, "time_to_failure_ms", f->time_to_failure_ms);
	nx_json_ks64(j, "value", f->value);
	nx_json_kstr(j, "component", f->component);
	nx_json_kstr(j, "source", f->source);
	nx_json_kstr(j, "detail", f->detail);
	nx_json_end_object(j);
}

static int nx_show_findings(const struct nx_show_target *tg, bool active)
{
	struct nexus_finding *f = NULL;
	size_t n = 0, i, shown = 0;
	int fd, ret;

	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	ret = nx_read_findings(fd, &f, &n);
	close(fd);
	if (ret) {
		nx_err("reading findings: %s", strerror(-ret));
		return NX_EXIT_ERR;
	}
	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	else if (tg->class == NEXUS_FINDING_PREDICTION)
		printf("%-6s %-20s %5s %10s %-13s %-8s %-20s %s\n", "ID", "KIND",
		       "CONF", "TTF_MS", "ACTION", "STATE", "COMPONENT",
		       "DETAIL");
	else
		printf("%-6s %5s %-8s %6s %14s %-20s %s\n", "ID", "CONF",
		       "STATE", "METRIC", "VALUE", "COMPONENT", "DETAIL");
	for (i = 0; i < n; i++) {
		const struct nexus_finding *x = &f[i];

		if (x->class != tg->class)
			continue;
		if (active && (x->flags & NEXUS_FINDING_RESOLVED))
			continue;
		shown++;
		if (nx_opt_json)
			nx_finding_json(x);
		else if (tg->class == NEXUS_FINDING_PREDICTION)
			printf("%-6llu %-20s %1u.%03u %10llu %-13s %-8s %-20s %s\n",
			       (unsigned long long)x->id,
			       nx_prediction_name(x->kind),
			       x->confidence / 1000, x->confidence % 1000,
			       (unsigned long long)x->time_to_failure_ms,
			       nx_action_name(x->action),
			       x->flags & NEXUS_FINDING_RESOLVED ?
			       "resolved" : "active",
			       x->component[0] ? x->component : "-",
			       x->detail);
		else
			printf("%-6llu %1u.%03u %-8s %6d %14lld %-20s %s\n",
			       (unsigned long long)x->id,
			       x->confidence / 1000, x->confidence % 1000,
			       x->flags & NEXUS_FINDING_RESOLVED ?
			       "resolved" : "active", x->metric,
			       (long long)x->value,
			       x->component[0] ? x->component : "-",
			       x->detail);
	}
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	} else if (!shown) {
		printf("(no %s)\n", tg->name);
	}
	free(f);
	return nx_finish(NX_EXIT_OK);
}

void nx_decision_json(const struct nexus_decision *d)
{
	struct nx_json *j = &nx_jw;

	nx_json_begin_object(j);
	nx_json_ku64(j, "id", d->id);
	nx_json_ku64(j, "ts_ns", d->ts_ns);
	nx_json_kstr(j, "kind", nx_decision_name(d->kind));
	nx_json_kstr(j, "outcome", nx_outcome_name(d->outcome));
	nx_json_kstr(j, "level", nx_level_name(d->level));
	nx_json_ks64(j, "result", d->result);
	nx_json_ku64(j, "confidence", d->confidence);
	nx_json_ku64(j, "finding_id", d->finding_id);
	nx_json_ku64(j, "arg", d->arg);
	nx_json_ks64(j, "old_value", d->old_value);
	nx_json_ks64(j, "new_value", d->new_value);
	nx_json_kstr(j, "source", d->source);
	nx_json_kstr(j, "target", d->target);
	nx_json_kstr(j, "reason", d->reason);
	nx_json_end_object(j);
}

static int nx_show_decisions(long last)
{
	struct nexus_decision *d = NULL;
	size_t n = 0, i, first = 0;
	int fd, ret;

	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	ret = nx_read_decisions(fd, 0, &d, &n);
	close(fd);
	if (ret) {
		nx_err("reading decisions: %s", strerror(-ret));
		return NX_EXIT_ERR;
	}
	if (last >= 0 && n > (size_t)last)
		first = n - last;
	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	else
		printf("%-6s %-14s %-11s %-14s %-14s %6s %4s %-10s %-16s %s\n",
		       "ID", "TIME_S", "LEVEL", "KIND", "OUTCOME", "RESULT",
		       "CONF", "SOURCE", "TARGET", "REASON");
	for (i = first; i < n; i++) {
		if (nx_opt_json) {
			nx_decision_json(&d[i]);
			continue;
		}
		printf("%-6llu %-14.3f %-11s %-14s %-14s %6d %4u %-10s %-16s %s\n",
		       (unsigned long long)d[i].id, d[i].ts_ns / 1e9,
		       nx_level_name(d[i].level), nx_decision_name(d[i].kind),
		       nx_outcome_name(d[i].outcome), d[i].result,
		       d[i].confidence, d[i].source,
		       d[i].target[0] ? d[i].target : "-", d[i].reason);
	}
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	} else if (!n) {
		printf("(no decisions)\n");
	}
	free(d);
	return nx_finish(NX_EXIT_OK);
}

static int nx_show_metric(const char *name)
{
	struct nexus_metric_read r = { .size = sizeof(r) };
	struct nexus_sample *s;
	int fd, ret;
	uint32_t i;

	if (strlen(name) >= sizeof(r.metric)) {
		nx_usage_error("show", "metric name '%s' is too long", name);
		return NX_EXIT_USAGE;
	}
	s = calloc(NEXUS_METRIC_READ_MAX, sizeof(*s));
	if (!s) {
		nx_err("out of memory");
		return NX_EXIT_ERR;
	}
	fd = nx_open(O_RDONLY);
	if (fd < 0) {
		free(s);
		return NX_EXIT_ERR;
	}
	strcpy(r.metric, name);
	r.count = NEXUS_METRIC_READ_MAX;
	r.buf = (uintptr_t)s;
	ret = nx_ioctl(fd, NEXUS_IOC_READ_METRIC, &r);
	close(fd);
	if (ret) {
		if (ret == -ENOENT)
			nx_err("no metric '%s' ('nexusctl show metrics' lists them)",
			       name);
		else if (ret == -EINVAL)
			nx_err("'%s' is not a metric name ([a-z0-9_.])", name);
		else
			nx_err("reading metric '%s': %s", name, strerror(-ret));
		free(s);
		return NX_EXIT_ERR;
	}
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_kstr(&nx_jw, "metric", name);
		nx_json_ks64(&nx_jw, "id", r.id);
		nx_json_kstr(&nx_jw, "unit", r.unit);
		nx_json_name(&nx_jw, "samples");
		nx_json_begin_array(&nx_jw);
		for (i = 0; i < r.count; i++) {
			nx_json_begin_object(&nx_jw);
			nx_json_ku64(&nx_jw, "ts_ns", s[i].ts_ns);
			nx_json_ks64(&nx_jw, "value", s[i].value);
			nx_json_end_object(&nx_jw);
		}
		nx_json_end_array(&nx_jw);
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	} else {
		printf("# %s (id %d, unit %s): %u samples\n# ts_ns value\n",
		       name, r.id, r.unit[0] ? r.unit : "-", r.count);
		for (i = 0; i < r.count; i++)
			printf("%llu %lld\n",
			       (unsigned long long)s[i].ts_ns, (long long)s[i].value);
	}
	free(s);
	return nx_finish(NX_EXIT_OK);
}

static int nx_show_collectors(void)
{
	nx_print_collectors(nx_opt_json);
	if (nx_opt_json)
		nx_json_done(&nx_jw);
	return nx_finish(NX_EXIT_OK);
}

int nx_cmd_show(int argc, char **argv)
{
	const char *names[ARRAY_SIZE(nx_targets)];
	const struct nx_show_target *tg;
	const char *arg = NULL;
	bool active = false;
	long last = -1;
	size_t i;
	int t;

	if (argc < 2) {
		nx_usage_error("show", "show what? %s",
			       "predictions, forecasts, anomalies, decisions, plans, tuning, collectors, metrics or posture");
		return NX_EXIT_USAGE;
	}
	for (i = 0; i < ARRAY_SIZE(nx_targets); i++)
		names[i] = nx_targets[i].name;
	t = nx_match_word(argv[1], names, ARRAY_SIZE(nx_targets));
	if (t < 0) {
		nx_usage_error("show", "%s '%s'",
			       t == -2 ? "ambiguous" : "cannot show", argv[1]);
		return NX_EXIT_USAGE;
	}
	tg = &nx_targets[t];
	for (i = 2; i < (size_t)argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--active") &&
		    tg->kind == NX_SHOW_FINDINGS) {
			active = true;
		} else if (!strcmp(argv[i], "--last") &&
			   tg->kind == NX_SHOW_DECISIONS) {
			if (++i < (size_t)argc)
				last = strtol(argv[i], &end, 10);
			if (i == (size_t)argc || last < 0 || *end ||
			    !*argv[i]) {
				nx_usage_error("show", "--last needs a count");
				return NX_EXIT_USAGE;
			}
		} else if (tg->kind == NX_SHOW_METRICS && !arg &&
			   argv[i][0] != '-') {
			arg = argv[i];
		} else {
			nx_usage_error("show", "%s: unexpected argument '%s'",
				       tg->name, argv[i]);
			return NX_EXIT_USAGE;
		}
	}
	if (!nx_core_loaded()) {
		nx_err("nexus_core is not loaded: run 'modprobe nexus_core' (or insmod nexus_core.ko)");
		return NX_EXIT_ERR;
	}
	if (tg->module && !nx_module_loaded(tg->module)) {
		nx_err("show %s: %s is not loaded: run 'modprobe %s'", tg->name,
		       tg->kmod, tg->kmod);
		return NX_EXIT_ERR;
	}
	switch (tg->kind) {
	case NX_SHOW_FINDINGS:
		return nx_show_findings(tg, active);
	case NX_SHOW_DECISIONS:
		return nx_show_decisions(last);
	case NX_SHOW_COLLECTORS:
		return nx_show_collectors();
	case NX_SHOW_METRICS:
		if (arg)
			return nx_show_metric(arg);
		return nx_show_metrics();
	case NX_SHOW_FORECASTS:
		return nx_show_forecasts(tg);
	case NX_SHOW_TUNING:
		return nx_show_tuning();
	case NX_SHOW_PLANS:
		return nx_show_plans();
	case NX_SHOW_POSTURE:
		return nx_show_posture();
	}
	return NX_EXIT_ERR;
}
