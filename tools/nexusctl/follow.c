// SPDX-License-Identifier: GPL-2.0
/*
 * follow.c - "nexusctl follow": the read()/poll() event stream of /dev/nexus
 *
 * One line per event, decoded; with --json one JSON object per line (JSON
 * Lines).  Stops on SIGINT/SIGTERM, after --count events or after
 * --timeout seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "nexusctl.h"
#include "nx_dev.h"

/* The two names an event carries, for state and level changes. */
static const char *nx_ev_old_new(const struct nexus_event *ev, int which)
{
	uint64_t v = which ? ev->arg1 : ev->arg0;

	if (ev->type == NEXUS_EV_LEVEL)
		return nx_level_name(v);
	return nx_state_name(v);
}

static void nx_event_text(const struct nexus_event *ev, char *buf, size_t n)
{
	switch (ev->type) {
	case NEXUS_EV_FORK:
		snprintf(buf, n, "parent %llu", (unsigned long long)ev->arg0);
		break;
	case NEXUS_EV_EXIT:
		if (ev->arg0 & 0x7f)
			snprintf(buf, n, "killed by signal %u%s",
				 (unsigned int)(ev->arg0 & 0x7f),
				 ev->arg0 & 0x80 ? " (core dumped)" : "");
		else
			snprintf(buf, n, "exit status %u",
				 (unsigned int)((ev->arg0 >> 8) & 0xff));
		break;
	case NEXUS_EV_OOM_KILL:
		snprintf(buf, n, "victim %u", ev->pid);
		break;
	case NEXUS_EV_RECLAIM_STALL:
		snprintf(buf, n, "stall %llu ns, %llu pages",
			 (unsigned long long)ev->arg0, (unsigned long long)ev->arg1);
		break;
	case NEXUS_EV_BLK_SLOW_IO:
		snprintf(buf, n, "latency %llu ns, dev %u:%u",
			 (unsigned long long)ev->arg0, (unsigned int)(ev->arg1 >> 20),
			 (unsigned int)(ev->arg1 & 0xfffff));
		break;
	case NEXUS_EV_STATE:
	case NEXUS_EV_LEVEL:
		snprintf(buf, n, "%s -> %s", nx_ev_old_new(ev, 0),
			 nx_ev_old_new(ev, 1));
		break;
	case NEXUS_EV_DECISION:
		snprintf(buf, n, "decision %llu %s", (unsigned long long)ev->arg0,
			 nx_outcome_name(ev->arg1));
		break;
	case NEXUS_EV_FINDING:
		snprintf(buf, n, "finding %llu %s", (unsigned long long)ev->arg0,
			 ev->arg1 & NEXUS_FINDING_RESOLVED ? "resolved" : "active");
		break;
	case NEXUS_EV_COLLECTOR:
		snprintf(buf, n, "collector %llu error %lld",
			 (unsigned long long)ev->arg0, (long long)ev->arg1);
		break;
	case NEXUS_EV_CONFIG:
		snprintf(buf, n, "generation %llu", (unsigned long long)ev->arg0);
		break;
	case NEXUS_EV_MODULE:
		snprintf(buf, n, "%s", ev->arg0 ? "registered" : "unregistered");
		break;
	case NEXUS_EV_SAMPLE:
		snprintf(buf, n, "metric %llu value %lld",
			 (unsigned long long)ev->arg0, (long long)ev->arg1);
		break;
	case NEXUS_EV_RECORD:
		snprintf(buf, n, "%s %llu", nx_record_kind_name(ev->arg0),
			 (unsigned long long)ev->arg1);
		break;
	default:
		snprintf(buf, n, "%llu %llu", (unsigned long long)ev->arg0,
			 (unsigned long long)ev->arg1);
	}
}

static void nx_event_print(const struct nexus_event *ev)
{
	char text[128];

	if (!nx_opt_json) {
		nx_event_text(ev, text, sizeof(text));
		printf("%14.6f cpu%-3u %-13s pid %-7u %s\n", ev->ts_ns / 1e9,
		       ev->cpu, nx_event_name(ev->type), ev->pid, text);
		return;
	}
	nx_json_init(&nx_jw, stdout, nx_opt_pretty);
	nx_json_begin_object(&nx_jw);
	nx_json_ku64(&nx_jw, "ts_ns", ev->ts_ns);
	nx_json_kstr(&nx_jw, "type", nx_event_name(ev->type));
	nx_json_ku64(&nx_jw, "cpu", ev->cpu);
	nx_json_ku64(&nx_jw, "pid", ev->pid);
	nx_json_ku64(&nx_jw, "arg0", ev->arg0);
	nx_json_ku64(&nx_jw, "arg1", ev->arg1);
	if (ev->type == NEXUS_EV_STATE || ev->type == NEXUS_EV_LEVEL) {
		nx_json_kstr(&nx_jw, "old", nx_ev_old_new(ev, 0));
		nx_json_kstr(&nx_jw, "new", nx_ev_old_new(ev, 1));
	}
	if (ev->type == NEXUS_EV_RECORD)
		nx_json_kstr(&nx_jw, "kind", nx_record_kind_name(ev->arg0));
	nx_json_end_object(&nx_jw);
	nx_json_done(&nx_jw);
}

/* Parse "level,state" into a mask of event types; 0 on error. */
static uint32_t nx_parse_types(char *list)
{
	uint32_t mask = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int t = nx_event_parse(tok);

		if (t < 0) {
			nx_usage_error("follow", "unknown event type '%s'", tok);
			return 0;
		}
		mask |= NEXUS_EV_MASK(t);
	}
	return mask;
}

static long nx_parse_count(const char *opt, const char *s)
{
	char *end;
	long v;

	if (!s) {
		nx_usage_error("follow", "%s needs a number", opt);
		return -1;
	}
	v = strtol(s, &end, 10);
	if (!*s || *end || v <= 0) {
		nx_usage_error("follow", "%s needs a positive number, got '%s'",
			       opt, s);
		return -1;
	}
	return v;
}

static int64_t nx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int nx_cmd_follow(int argc, char **argv)
{
	long count = 0, timeout = 0, seen = 0;
	uint32_t mask = ~0U;
	int64_t deadline = 0;
	struct pollfd pfd[2];
	bool stop = false;
	int i, fd, sfd;
	sigset_t sigs;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") || !strcmp(argv[i], "-n")) {
			count = nx_parse_count(argv[i], argv[i + 1]);
			if (count < 0)
				return NX_EXIT_USAGE;
			i++;
		} else if (!strcmp(argv[i], "--timeout") ||
			   !strcmp(argv[i], "-t")) {
			timeout = nx_parse_count(argv[i], argv[i + 1]);
			if (timeout < 0)
				return NX_EXIT_USAGE;
			i++;
		} else if (!strcmp(argv[i], "--type")) {
			if (!argv[i + 1]) {
				nx_usage_error("follow", "--type needs a list of event types");
				return NX_EXIT_USAGE;
			}
			mask = nx_parse_types(argv[++i]);
			if (!mask)
				return NX_EXIT_USAGE;
		} else {
			nx_usage_error("follow", "unexpected argument '%s'",
				       argv[i]);
			return NX_EXIT_USAGE;
		}
	}
	fd = nx_open(O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return NX_EXIT_ERR;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* SIGINT and SIGTERM end the loop cleanly, through a signalfd. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (timeout)
		deadline = nx_now_ms() + timeout * 1000;
	if (!nx_opt_json)
		printf("%14s %-6s %-13s %-11s %s\n", "TIME_S", "CPU", "TYPE",
		       "PID", "DETAIL");
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	while (!stop && (!count || seen < count)) {
		struct nexus_event ev[64];
		int wait = -1;
		ssize_t n;

		if (deadline) {
			int64_t left = deadline - nx_now_ms();

			if (left <= 0)
				break;
			wait = (int)left;
		}
		if (poll(pfd, sfd >= 0 ? 2 : 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			nx_err("poll %s: %s", nx_dev_path, strerror(errno));
			break;
		}
		if (sfd >= 0 && (pfd[1].revents & POLLIN)) {
			stop = true;
			break;
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			nx_err("%s went away (module unloaded?)", nx_dev_path);
			break;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		n = read(fd, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			nx_err("read %s: %s", nx_dev_path, strerror(errno));
			break;
		}
		for (i = 0; i < (int)(n / sizeof(ev[0])); i++) {
			if (ev[i].type >= 32 ||
			    !(mask & NEXUS_EV_MASK(ev[i].type)))
				continue;
			nx_event_print(&ev[i]);
			if (count && ++seen >= count)
				break;
		}
	}
	close(fd);
	if (sfd >= 0)
		close(sfd);
	if (stop)
		return nx_finish(NX_EXIT_OK);
	if (count && seen < count) {
		if (deadline && nx_now_ms() >= deadline)
			nx_err("follow: %ld of %ld events within %ld s", seen,
			       count, timeout);
		return nx_finish(NX_EXIT_ERR);
	}
	return nx_finish(NX_EXIT_OK);
}
