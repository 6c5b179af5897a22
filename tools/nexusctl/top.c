// SPDX-License-Identifier: GPL-2.0
/*
 * top.c - "nexusctl top": a live full-screen view of NEXUS
 *
 * Every --interval seconds: the level and state (NEXUS_IOC_GET_STATS), the
 * newest samples of each metric as a sparkline (NEXUS_IOC_READ_METRIC; the
 * list of metrics from NEXUS_IOC_READ_RECORDS unless --metric names them),
 * the active predictions soonest failure first and the newest
 * decisions (READ_FINDINGS, READ_DECISIONS).  nx_top.c draws the screen.
 *
 * On a terminal it switches to the alternate screen with plain ANSI escape
 * codes (no curses), hides the cursor and reads keys unbuffered: q quits,
 * any other key refreshes.  SIGINT, SIGTERM and SIGHUP quit too, through a
 * signalfd, so the terminal is always restored; SIGWINCH redraws.  When
 * stdout is not a terminal it prints plain frames one after another, as
 * "top -b" does.  --count N stops after N frames; --json prints one
 * snapshot as JSON and exits.  /dev/nexus is opened for each frame, so
 * unloading nexus_core under it shows "not connected" until it is back.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>

#include "nexusctl.h"
#include "nx_dev.h"
#include "nx_top.h"

#define NX_TOP_MAX_METRICS	256
#define NX_TOP_DECISIONS	10

struct nx_top_opts {
	double interval;
	long count;
	char (*names)[NEXUS_NAME_LEN];	/* --metric, or NULL */
	int nnames;
};

static int64_t nx_top_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static bool nx_metric_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.'))
			return false;
	return true;
}

/* --metric a,b,c into @o->names; false after a usage message. */
static bool nx_top_parse_metrics(struct nx_top_opts *o, const char *arg)
{
	const char *p = arg;

	if (!*arg) {
		nx_usage_error("top", "--metric needs a list of metric names");
		return false;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		char name[NEXUS_NAME_LEN];
		void *nn;

		if (!len || len >= sizeof(name)) {
			nx_usage_error("top", "--metric: %s metric name in '%s'",
				       len ? "too long a" : "an empty", arg);
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		if (!nx_metric_name_ok(name)) {
			nx_usage_error("top", "--metric: '%s' is not a metric name ([a-z0-9_.])",
				       name);
			return false;
		}
		if (o->nnames >= NX_TOP_MAX_METRICS) {
			nx_usage_error("top", "--metric: more than %d metrics",
				       NX_TOP_MAX_METRICS);
			return false;
		}
		nn = realloc(o->names, (o->nnames + 1) * sizeof(*o->names));
		if (!nn) {
			nx_err("out of memory");
			return false;
		}
		o->names = nn;
		strcpy(o->names[o->nnames++], name);
		if (!p[len])
			return true;
		p += len + 1;
	}
}

/* 0, NX_EXIT_USAGE after a message. */
static int nx_top_args(int argc, char **argv, struct nx_top_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = argv[i + 1];
		char *end;

		if (strcmp(opt, "--interval") && strcmp(opt, "-i") &&
		    strcmp(opt, "--count") && strcmp(opt, "-n") &&
		    strcmp(opt, "--metric") && strcmp(opt, "-m")) {
			nx_usage_error("top", "unexpected argument '%s'", opt);
			return NX_EXIT_USAGE;
		}
		if (!val) {
			nx_usage_error("top", "%s needs a value", opt);
			return NX_EXIT_USAGE;
		}
		i++;
		if (!strcmp(opt, "--interval") || !strcmp(opt, "-i")) {
			errno = 0;
			o->interval = strtod(val, &end);
			if (!*val || *end || errno || !isfinite(o->interval) ||
			    o->interval < 0.1 || o->interval > 60) {
				nx_usage_error("top", "%s needs seconds in [0.1, 60], got '%s'",
					       opt, val);
				return NX_EXIT_USAGE;
			}
		} else if (!strcmp(opt, "--count") || !strcmp(opt, "-n")) {
			errno = 0;
			o->count = strtol(val, &end, 10);
			if (!*val || *end || errno || o->count <= 0) {
				nx_usage_error("top", "%s needs a positive number, got '%s'",
					       opt, val);
				return NX_EXIT_USAGE;
			}
		} else if (!nx_top_parse_metrics(o, val)) {
			return NX_EXIT_USAGE;
		}
	}
	return 0;
}

static void nx_snap_free(struct nx_top_snap *s)
{
	free(s->metrics);
	free(s->pred);
	free(s->dec);
	memset(s, 0, sizeof(*s));
}

/* Append a metric named @name to @s. */
static int nx_snap_add_metric(struct nx_top_snap *s, const char *name)
{
	struct nx_top_metric *m;

	if (s->nmetrics >= NX_TOP_MAX_METRICS)
		return 0;
	if (!s->metrics) {
		s->metrics = calloc(NX_TOP_MAX_METRICS, sizeof(*s->metrics));
		if (!s->metrics)
			return -ENOMEM;
	}
	m = &s->metrics[s->nmetrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	return 0;
}

/* The metrics with samples, in id order (NEXUS_REC_METRIC). */
static int nx_snap_list_metrics(int fd, struct nx_top_snap *s)
{
	struct nexus_metric_rec *m = NULL;
	size_t n = 0, i;
	int ret;

	ret = nx_read_records(fd, NEXUS_REC_METRIC, sizeof(*m), (void **)&m, &n);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		s->note = "no metric list (NEXUS_IOC_READ_RECORDS failed): use --metric";
		return 0;
	}
	for (i = 0; i < n && !ret; i++)
		if (m[i].samples)
			ret = nx_snap_add_metric(s, m[i].name);
	free(m);
	if (!s->nmetrics && !ret)
		s->note = "no metric has samples yet";
	return ret;
}

static void nx_snap_read_metric(int fd, struct nx_top_metric *m)
{
	struct nexus_metric_read r = { .size = sizeof(r) };
	struct nexus_sample buf[NX_TOP_SPARK];
	uint32_t i;

	snprintf(r.metric, sizeof(r.metric), "%s", m->name);
	r.count = NX_TOP_SPARK;
	r.buf = (uintptr_t)buf;
	m->err = nx_ioctl(fd, NEXUS_IOC_READ_METRIC, &r);
	if (m->err)
		return;
	snprintf(m->unit, sizeof(m->unit), "%s", r.unit);
	m->n = r.count > NX_TOP_SPARK ? NX_TOP_SPARK : (int)r.count;
	for (i = 0; i < (uint32_t)m->n; i++)
		m->v[i] = buf[i].value;
}

/* Soonest failure first; an unknown time to failure (0) last. */
static int nx_pred_cmp(const void *a, const void *b)
{
	const struct nexus_finding *x = a, *y = b;
	uint64_t tx = x->time_to_failure_ms ? x->time_to_failure_ms : UINT64_MAX;
	uint64_t ty = y->time_to_failure_ms ? y->time_to_failure_ms : UINT64_MAX;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Fill @s.  @loud: report a missing /dev/nexus on stderr (the first
 * frame); later frames show it on the screen instead.  0 or -errno.
 */
static int nx_snap_collect(struct nx_top_snap *s, const struct nx_top_opts *o,
			   bool loud)
{
	struct nexus_stats st = { .size = sizeof(st) };
	struct nexus_finding *f = NULL;
	struct timespec ts;
	size_t n = 0, i;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->ts_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	if (loud) {
		fd = nx_open(O_RDONLY);
	} else {
		fd = open(nx_dev_path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			s->note = errno == EACCES || errno == EPERM ?
				"cannot open /dev/nexus: permission denied: run as root" :
				"nexus_core is not loaded: run 'modprobe nexus_core'";
	}
	if (fd < 0)
		return -ENODEV;
	ret = nx_ioctl(fd, NEXUS_IOC_GET_STATS, &st);
	if (ret) {
		if (loud)
			nx_err("reading the stats: %s", strerror(-ret));
		s->note = "NEXUS_IOC_GET_STATS failed";
		goto out;
	}
	s->up = true;
	s->level = st.level;
	s->state = st.state;
	s->stats_findings = st.findings;
	s->stats_decisions = st.decisions;

	if (o->nnames) {
		for (i = 0; i < (size_t)o->nnames && !ret; i++)
			ret = nx_snap_add_metric(s, o->names[i]);
	} else {
		ret = nx_snap_list_metrics(fd, s);
	}
	if (ret)
		goto out;
	for (i = 0; i < s->nmetrics; i++)
		nx_snap_read_metric(fd, &s->metrics[i]);

	ret = nx_read_findings(fd, &f, &n);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		if (f[i].class == NEXUS_FINDING_PREDICTION &&
		    !(f[i].flags & NEXUS_FINDING_RESOLVED))
			f[s->npred++] = f[i];
	if (s->npred > 1)
		qsort(f, s->npred, sizeof(*f), nx_pred_cmp);
	s->pred = f;

	ret = nx_read_decisions(fd, 0, &s->dec, &n);
	if (ret)
		goto out;
	if (n > NX_TOP_DECISIONS) {
		memmove(s->dec, s->dec + n - NX_TOP_DECISIONS,
			NX_TOP_DECISIONS * sizeof(*s->dec));
		n = NX_TOP_DECISIONS;
	}
	s->ndec = n;
out:
	close(fd);
	if (ret && loud)
		nx_err("reading /dev/nexus: %s", strerror(-ret));
	return ret;
}

static void nx_top_json(const struct nx_top_snap *s)
{
	struct nx_json *j = &nx_jw;
	size_t i;
	int k;

	nx_json_begin_object(j);
	nx_json_ku64(j, "ts_ns", s->ts_ns);
	nx_json_ku64(j, "level", s->level);
	nx_json_kstr(j, "level_name", nx_level_name(s->level));
	nx_json_kstr(j, "state", nx_state_name(s->state));
	nx_json_ku64(j, "findings_total", s->stats_findings);
	nx_json_ku64(j, "decisions_total", s->stats_decisions);
	nx_json_name(j, "metrics");
	nx_json_begin_array(j);
	for (i = 0; i < s->nmetrics; i++) {
		const struct nx_top_metric *m = &s->metrics[i];

		nx_json_begin_object(j);
		nx_json_kstr(j, "name", m->name);
		nx_json_kstr(j, "unit", m->unit);
		nx_json_name(j, "last");
		if (m->n > 0)
			nx_json_s64(j, m->v[m->n - 1]);
		else
			nx_json_null(j);
		nx_json_name(j, "samples");
		nx_json_begin_array(j);
		for (k = 0; k < m->n; k++)
			nx_json_s64(j, m->v[k]);
		nx_json_end_array(j);
		nx_json_name(j, "error");
		if (m->err)
			nx_json_string(j, strerror(-m->err));
		else
			nx_json_null(j);
		nx_json_end_object(j);
	}
	nx_json_end_array(j);
	nx_json_name(j, "note");
	if (s->note)
		nx_json_string(j, s->note);
	else
		nx_json_null(j);
	nx_json_name(j, "predictions");
	nx_json_begin_array(j);
	for (i = 0; i < s->npred; i++)
		nx_finding_json(&s->pred[i]);
	nx_json_end_array(j);
	nx_json_name(j, "decisions");
	nx_json_begin_array(j);
	for (i = 0; i < s->ndec; i++)
		nx_decision_json(&s->dec[i]);
	nx_json_end_array(j);
	nx_json_end_object(j);
	nx_json_done(j);
}

static struct termios nx_tio_saved;
static bool nx_tio_raw;

static void nx_term_enter(void)
{
	struct termios t;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &nx_tio_saved)) {
		t = nx_tio_saved;
		t.c_lflag &= ~(ICANON | ECHO);
		t.c_cc[VMIN] = 0;
		t.c_cc[VTIME] = 0;
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &t))
			nx_tio_raw = true;
	}
	/* The alternate screen, cursor hidden. */
	fputs("\x1b[?1049h\x1b[?25l", stdout);
	fflush(stdout);
}

static void nx_term_leave(void)
{
	fputs("\x1b[0m\x1b[?25h\x1b[?1049l", stdout);
	fflush(stdout);
	if (nx_tio_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &nx_tio_saved);
	nx_tio_raw = false;
}

static void nx_term_size(int *cols, int *rows)
{
	struct winsize ws;

	*cols = 80;
	*rows = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* Wait up to @ms for a key or a signal: 1 to quit, 0 to refresh. */
static int nx_top_wait(int sfd, int *kfd, int64_t ms)
{
	int64_t deadline = nx_top_now_ms() + ms;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = *kfd, .events = POLLIN },
		};
		int64_t left = deadline - nx_top_now_ms();

		if (left <= 0)
			return 0;
		if (poll(pfd, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si) &&
			    si.ssi_signo == SIGWINCH)
				return 0;
			return 1;
		}
		if (pfd[1].revents & POLLIN) {
			char c[16];
			ssize_t n = read(*kfd, c, sizeof(c));

			if (n <= 0) {
				*kfd = -1;	/* EOF: keys are gone */
				continue;
			}
			if (memchr(c, 'q', n) || memchr(c, 'Q', n))
				return 1;
			return 0;
		} else if (pfd[1].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			*kfd = -1;
		}
	}
}

int nx_cmd_top(int argc, char **argv)
{
	struct nx_top_opts o = { .interval = 1 };
	struct nx_top_snap s;
	bool tty, first = true;
	int ret, sfd, kfd = -1;
	long frames = 0;
	sigset_t sigs;
	char hint[64];

	ret = nx_top_args(argc, argv, &o);
	if (ret) {
		free(o.names);
		return ret;
	}
	if (nx_opt_json) {
		ret = nx_snap_collect(&s, &o, true);
		if (!ret)
			nx_top_json(&s);
		nx_snap_free(&s);
		free(o.names);
		return nx_finish(ret ? NX_EXIT_ERR : NX_EXIT_OK);
	}
	/*
	 * The signals that quit are taken before anything else, so one that
	 * comes during the first frame still ends it cleanly.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGWINCH);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		nx_err("signalfd: %s", strerror(errno));
		free(o.names);
		return NX_EXIT_ERR;
	}
	/* A missing module is an error before the screen is taken over. */
	ret = nx_snap_collect(&s, &o, true);
	if (ret) {
		nx_snap_free(&s);
		close(sfd);
		free(o.names);
		return NX_EXIT_ERR;
	}
	tty = isatty(STDOUT_FILENO);
	if (tty) {
		nx_term_enter();
		if (nx_tio_raw)
			kfd = STDIN_FILENO;
	}
	snprintf(hint, sizeof(hint), "every %.1fs%s", o.interval,
		 kfd >= 0 ? ", q quits" : "");
	for (;;) {
		if (!first)
			nx_snap_collect(&s, &o, false);
		first = false;
		if (tty) {
			int cols, rows;

			nx_term_size(&cols, &rows);
			fputs("\x1b[H", stdout);
			nx_top_render(stdout, &s, cols, rows, true, hint);
			fputs("\x1b[J", stdout);
		} else {
			nx_top_render(stdout, &s, 132, 0, false, hint);
			putchar('\n');
		}
		nx_snap_free(&s);
		if (fflush(stdout) || ferror(stdout))
			break;
		if (o.count && ++frames >= o.count)
			break;
		if (nx_top_wait(sfd, &kfd, (int64_t)(o.interval * 1000)))
			break;
	}
	if (tty)
		nx_term_leave();
	close(sfd);
	free(o.names);
	return nx_finish(NX_EXIT_OK);
}
