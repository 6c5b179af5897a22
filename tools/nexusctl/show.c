// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - "nexusctl show WHAT": findings, decisions, forecasts, plans,
 * tuning, collectors and metrics
 *
 * Findings, decisions and a metric's samples are read through /dev/nexus
 * (NEXUS_IOC_READ_FINDINGS, READ_DECISIONS, READ_METRIC); the collectors
 * from sysfs.  What the ABI does not carry yet (the list of metrics, the
 * forecasts, recovery plans and the tuning log) is read from the debugfs
 * tables under /sys/kernel/debug/nexus, whose "# NAME NAME ..." header line
 * names its columns: --json turns each row into an object with those names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexusctl.h"
#include "nx_dev.h"

enum nx_show_kind {
	NX_SHOW_FINDINGS, NX_SHOW_DECISIONS, NX_SHOW_TABLE,
	NX_SHOW_COLLECTORS, NX_SHOW_METRICS, NX_SHOW_TUNING, NX_SHOW_PLANS,
	NX_SHOW_POSTURE,
};

struct nx_show_target {
	const char *name;
	enum nx_show_kind kind;
	const char *module;	/* pluggable module it needs, or NULL */
	const char *kmod;	/* the .ko to load */
	const char *file;	/* debugfs file, for tables */
	int class;		/* finding class, for findings */
};

static const struct nx_show_target nx_targets[] = {
	{ "predictions", NX_SHOW_FINDINGS, "predict", "nexus_predict", NULL,
	  NEXUS_FINDING_PREDICTION },
	{ "forecasts", NX_SHOW_TABLE, "predict", "nexus_predict", "forecasts", 0 },
	{ "anomalies", NX_SHOW_FINDINGS, "anomaly", "nexus_anomaly", NULL,
	  NEXUS_FINDING_ANOMALY },
	{ "decisions", NX_SHOW_DECISIONS, NULL, NULL, NULL, 0 },
	{ "plans", NX_SHOW_PLANS, "heal", "nexus_heal", NULL, 0 },
	{ "tuning", NX_SHOW_TUNING, "tune", "nexus_tune", NULL, 0 },
	{ "collectors", NX_SHOW_COLLECTORS, NULL, NULL, NULL, 0 },
	{ "metrics", NX_SHOW_METRICS, NULL, NULL, "metrics", 0 },
	{ "posture", NX_SHOW_POSTURE, "guard", "nexus_guard", NULL, 0 },
};

/* Split @line into tokens, honouring "double quotes"; returns the count. */
int nx_tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			tok[n++] = ++p;
			while (*p && *p != '"')
				p++;
		} else {
			tok[n++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
		/* The last column takes the rest of the line. */
		if (n == max - 1 && *p) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p)
				tok[n++] = p;
			break;
		}
	}
	return n;
}

void nx_table_free(struct nx_table *t)
{
	int i, c;

	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	for (i = 0; i < t->nrows; i++) {
		for (c = 0; c < NX_MAX_COLS; c++)
			free(t->rows[i][c]);
		free(t->rows[i]);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/*
 * Parse the table of @section in @text (a debugfs dump): a "# NAME..."
 * line whose first word is @section (optionally with ':') opens the
 * section; NULL takes the first table of the file.  Returns 0 if found.
 */
static int nx_table_parse(char *text, const char *section,
			  struct nx_table *t)
{
	bool in = !section, have_hdr = false;
	char *line, *save = NULL;

	memset(t, 0, sizeof(*t));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok[NX_MAX_COLS];
		int n, i;

		if (line[0] == '#') {
			size_t sl;

			n = nx_tokenize(line + 1, tok, NX_MAX_COLS);
			if (!n)
				continue;
			sl = strlen(tok[0]);
			/* A title line: "# forecasts: ..." or "# scoreboard". */
			if (tok[0][sl - 1] == ':' || n == 1) {
				if (tok[0][sl - 1] == ':')
					tok[0][sl - 1] = '\0';
				if (have_hdr && in)
					break;	/* the next section */
				in = !section || !strcmp(tok[0], section);
				continue;
			}
			if (!in)
				continue;
			if (have_hdr)
				break;
			for (i = 0; i < n; i++)
				t->cols[i] = strdup(tok[i]);
			t->ncols = n;
			have_hdr = true;
			continue;
		}
		if (!in || !have_hdr)
			continue;
		n = nx_tokenize(line, tok, t->ncols);
		{
			char ***nr = realloc(t->rows, (t->nrows + 1) * sizeof(*nr));

			if (!nr)
				return -ENOMEM;
			t->rows = nr;
			t->rows[t->nrows] = calloc(NX_MAX_COLS, sizeof(char *));
			if (!t->rows[t->nrows])
				return -ENOMEM;
			for (i = 0; i < n; i++)
				t->rows[t->nrows][i] = strdup(tok[i]);
			t->nrows++;
		}
	}
	return have_hdr ? 0 : -ENOENT;
}

void nx_table_print(const struct nx_table *t)
{
	int w[NX_MAX_COLS], i, c;

	if (nx_opt_json) {
		nx_json_begin_array(&nx_jw);
		for (i = 0; i < t->nrows; i++) {
			nx_json_begin_object(&nx_jw);
			for (c = 0; c < t->ncols; c++) {
				nx_json_name(&nx_jw, t->cols[c]);
				if (t->rows[i][c])
					nx_json_auto(&nx_jw, t->rows[i][c]);
				else
					nx_json_null(&nx_jw);
			}
			nx_json_end_object(&nx_jw);
		}
		nx_json_end_array(&nx_jw);
		return;
	}
	for (c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->cols[c]);
		for (i = 0; i < t->nrows; i++)
			if (t->rows[i][c] && (int)strlen(t->rows[i][c]) > w[c])
				w[c] = strlen(t->rows[i][c]);
	}
	for (c = 0; c < t->ncols; c++) {
		char up[64];
		size_t k;

		for (k = 0; t->cols[c][k] && k < sizeof(up) - 1; k++)
			up[k] = t->cols[c][k] >= 'a' && t->cols[c][k] <= 'z' ?
				t->cols[c][k] - 'a' + 'A' : t->cols[c][k];
		up[k] = '\0';
		if (c == t->ncols - 1)
			printf("%s\n", up);
		else
			printf("%-*s  ", w[c], up);
	}
	for (i = 0; i < t->nrows; i++)
		for (c = 0; c < t->ncols; c++) {
			const char *v = t->rows[i][c] ? t->rows[i][c] : "-";

			if (c == t->ncols - 1)
				printf("%s\n", v);
			else
				printf("%-*s  ", w[c], v);
		}
}

/* Read a whole debugfs file of NEXUS into a malloc'ed string. */
char *nx_debugfs_slurp(const char *name, int *err)
{
	char path[512];
	size_t len = 0, cap = 0;
	char *buf = NULL;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", nx_debugfs_dir, name);
	fp = fopen(path, "re");
	if (!fp) {
		*err = -errno;
		return NULL;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				fclose(fp);
				*err = -ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
		if (!n)
			break;
	}
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

void nx_debugfs_error(const char *name, int err)
{
	if (err == -EACCES || err == -EPERM)
		nx_err("cannot read %s/%s: permission denied: run as root",
		       nx_debugfs_dir, name);
	else if (access(nx_debugfs_dir, F_OK))
		nx_err("%s does not exist: is debugfs mounted? (mount -t debugfs none /sys/kernel/debug)",
		       nx_debugfs_dir);
	else
		nx_err("cannot read %s/%s: %s", nx_debugfs_dir, name,
		       strerror(-err));
}

/* A debugfs table: file @t->file, else section @t->file of the module dump. */
static int nx_show_table(const struct nx_show_target *tg)
{
	const char *src = tg->file;
	struct nx_table t;
	char *text;
	int err = 0;

	text = nx_debugfs_slurp(tg->file, &err);
	if (!text && err == -ENOENT && tg->module) {
		src = tg->module;
		text = nx_debugfs_slurp(tg->module, &err);
	}
	if (!text) {
		nx_debugfs_error(src, err);
		return NX_EXIT_ERR;
	}
	err = nx_table_parse(text, src == tg->file ? NULL : tg->file, &t);
	free(text);
	if (err) {
		nx_table_free(&t);
		nx_err("%s/%s has no %s table", nx_debugfs_dir, src, tg->file);
		return NX_EXIT_ERR;
	}
	nx_table_print(&t);
	nx_table_free(&t);
	if (nx_opt_json)
		nx_json_done(&nx_jw);
	return nx_finish(NX_EXIT_OK);
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
		return nx_show_table(tg);
	case NX_SHOW_TABLE:
		return nx_show_table(tg);
	case NX_SHOW_TUNING:
		return nx_show_tuning();
	case NX_SHOW_PLANS:
		return nx_show_plans();
	case NX_SHOW_POSTURE:
		return nx_show_posture();
	}
	return NX_EXIT_ERR;
}
