// SPDX-License-Identifier: GPL-2.0
/*
 * nx_dev.c - access to a running NEXUS: /dev/nexus, sysfs, names
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "nx_dev.h"

#define NX_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

const char *nx_dev_path = "/dev/nexus";
const char *nx_sysfs_dir = "/sys/kernel/nexus";
const char *nx_prog = "nexus";

void nx_paths_init(const char *prog)
{
	const char *e;

	nx_prog = prog;
	e = getenv("NEXUS_DEV");
	if (e && *e)
		nx_dev_path = e;
	e = getenv("NEXUS_SYSFS");
	if (e && *e)
		nx_sysfs_dir = e;
}

void nx_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", nx_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool nx_core_loaded(void)
{
	return access(nx_sysfs_dir, F_OK) == 0;
}

bool nx_module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/modules/%s", nx_sysfs_dir, name);
	return access(path, F_OK) == 0;
}

int nx_open(int flags)
{
	int fd = open(nx_dev_path, flags | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENXIO || errno == ENODEV) {
		if (!nx_core_loaded())
			nx_err("nexus_core is not loaded: run 'modprobe nexus_core' (or insmod nexus_core.ko)");
		else
			nx_err("%s is missing although nexus_core is loaded: is devtmpfs mounted on /dev?",
			       nx_dev_path);
	} else if (errno == EACCES || errno == EPERM) {
		nx_err("cannot open %s: permission denied: run as root", nx_dev_path);
	} else {
		nx_err("cannot open %s: %s", nx_dev_path, strerror(errno));
	}
	return -1;
}

int nx_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

int nx_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return (int)n;
}

int nx_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

int nx_sysfs_read(const char *rel, char *buf, size_t size)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", nx_sysfs_dir, rel);
	return nx_read_file(path, buf, size);
}

int nx_sysfs_write(const char *rel, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", nx_sysfs_dir, rel);
	return nx_write_file(path, val);
}

static const char * const nx_level_names[] = {
	"disabled", "monitoring", "detection", "prediction",
	"correction", "healing", "autonomous",
};

static const char * const nx_state_names[] = {
	"uninitialized", "initializing", "running", "paused",
	"degraded", "healing", "shutting_down", "stopped",
};

static const char * const nx_decision_names[] = {
	"no_action", "log", "warn", "soft_recover", "hard_recover",
	"isolate", "substitute", "rollback", "survival_mode",
	"predictive", "optimize",
};

static const char * const nx_outcome_names[] = {
	"pending", "applied", "suggested", "refused_level", "refused_budget",
	"failed",
};

static const char * const nx_prediction_names[] = {
	"crash", "deadlock", "out_of_memory", "memory_leak",
	"cpu_starvation", "io_stall", "stack_overflow", "livelock",
	"resource_exhaustion", "degradation", "corruption",
};

static const char * const nx_action_names[] = {
	"monitor", "alert", "prepare", "soft_recover", "hard_recover",
	"rollback", "quarantine", "survival_mode",
};

static const char * const nx_class_names[] = {
	"prediction", "anomaly", "insight",
};

static const char * const nx_event_names[] = {
	"none", "fork", "exit", "oom_kill", "reclaim_stall", "blk_slow_io",
	"state", "level", "decision", "finding", "collector", "config",
	"module", "sample", "record",
};

static const char * const nx_strategy_names[] = {
	"monitor", "soft_reset", "hard_reset", "micro_rollback",
	"full_rollback", "reconstruct", "substitute", "quarantine",
	"survival_mode",
};

static const char * const nx_plan_status_names[] = {
	"none", "running", "succeeded", "gave_up", "suggested", "aborted",
	"refused",
};

static const char * const nx_step_outcome_names[] = {
	"not_run", "ok", "failed", "timeout", "suggested", "refused",
};

static const char * const nx_skip_names[] = {
	"-", "unsupported", "disabled", "no_checkpoint",
};

static const char * const nx_eligibility_names[] = {
	"eligible", "no_swap", "ram_disk", "no_io_scheduler", "bytes_mode",
};

static const char * const nx_tune_op_names[] = {
	"change", "proposal", "refused", "restore", "admin", "gone",
};

static const char * const nx_posture_type_names[] = {
	"sysctl", "cmdline", "kconfig", "runtime",
};

static const char * const nx_posture_reason_names[] = {
	"self_protection", "attack_surface", "userspace_hardening", "network",
};

static const char * const nx_posture_result_names[] = {
	"unknown", "OK", "FAIL", "absent", "error",
};

static const char * const nx_threat_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "none",
};

static const char * const nx_record_kind_names[] = {
	"none", "metric", "forecast", "plan", "tune_knob", "tune_experiment",
	"tune_change", "posture",
};

static const char *nx_pick(const char * const *tbl, size_t n, unsigned int i)
{
	return i < n ? tbl[i] : "unknown";
}

const char *nx_level_name(unsigned int level)
{
	return nx_pick(nx_level_names, NX_ARRAY_SIZE(nx_level_names), level);
}

int nx_level_parse(const char *s)
{
	unsigned int i;

	if (s[0] >= '0' && s[0] <= '9' && !s[1])
		return s[0] - '0' <= NEXUS_LEVEL_MAX ? s[0] - '0' : -1;
	for (i = 0; i < NX_ARRAY_SIZE(nx_level_names); i++)
		if (!strcmp(s, nx_level_names[i]))
			return (int)i;
	return -1;
}

const char *nx_state_name(unsigned int state)
{
	return nx_pick(nx_state_names, NX_ARRAY_SIZE(nx_state_names), state);
}

const char *nx_decision_name(unsigned int kind)
{
	return nx_pick(nx_decision_names, NX_ARRAY_SIZE(nx_decision_names), kind);
}

const char *nx_outcome_name(unsigned int outcome)
{
	return nx_pick(nx_outcome_names, NX_ARRAY_SIZE(nx_outcome_names), outcome);
}

const char *nx_prediction_name(unsigned int kind)
{
	return nx_pick(nx_prediction_names, NX_ARRAY_SIZE(nx_prediction_names), kind);
}

const char *nx_action_name(unsigned int action)
{
	return nx_pick(nx_action_names, NX_ARRAY_SIZE(nx_action_names), action);
}

const char *nx_class_name(unsigned int class)
{
	return nx_pick(nx_class_names, NX_ARRAY_SIZE(nx_class_names), class);
}

const char *nx_event_name(unsigned int type)
{
	return nx_pick(nx_event_names, NX_ARRAY_SIZE(nx_event_names), type);
}

const char *nx_record_kind_name(unsigned int v)
{
	return nx_pick(nx_record_kind_names, NX_ARRAY_SIZE(nx_record_kind_names), v);
}

const char *nx_strategy_name(unsigned int v)
{
	return nx_pick(nx_strategy_names, NX_ARRAY_SIZE(nx_strategy_names), v);
}

const char *nx_plan_status_name(unsigned int v)
{
	return nx_pick(nx_plan_status_names, NX_ARRAY_SIZE(nx_plan_status_names), v);
}

const char *nx_step_outcome_name(unsigned int v)
{
	return nx_pick(nx_step_outcome_names, NX_ARRAY_SIZE(nx_step_outcome_names), v);
}

const char *nx_skip_name(unsigned int v)
{
	return nx_pick(nx_skip_names, NX_ARRAY_SIZE(nx_skip_names), v);
}

const char *nx_eligibility_name(unsigned int v)
{
	return nx_pick(nx_eligibility_names, NX_ARRAY_SIZE(nx_eligibility_names), v);
}

const char *nx_tune_op_name(unsigned int v)
{
	return nx_pick(nx_tune_op_names, NX_ARRAY_SIZE(nx_tune_op_names), v);
}

const char *nx_posture_type_name(unsigned int v)
{
	return nx_pick(nx_posture_type_names, NX_ARRAY_SIZE(nx_posture_type_names), v);
}

const char *nx_posture_reason_name(unsigned int v)
{
	return nx_pick(nx_posture_reason_names, NX_ARRAY_SIZE(nx_posture_reason_names), v);
}

const char *nx_posture_result_name(unsigned int v)
{
	return nx_pick(nx_posture_result_names, NX_ARRAY_SIZE(nx_posture_result_names), v);
}

const char *nx_threat_name(unsigned int v)
{
	return nx_pick(nx_threat_names, NX_ARRAY_SIZE(nx_threat_names), v);
}

int nx_event_parse(const char *s)
{
	unsigned int i;

	for (i = 1; i < NX_ARRAY_SIZE(nx_event_names); i++)
		if (!strcmp(s, nx_event_names[i]))
			return (int)i;
	return -1;
}

#define NX_BATCH	64

/* Read every record after @cursor with @cmd into a growing array. */
static int nx_read_batch(int fd, unsigned long cmd, size_t rec_size,
			 uint64_t cursor, void **out, size_t *n)
{
	struct nexus_batch b = { .size = sizeof(b) };
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int ret;

	b.cursor = cursor;
	for (;;) {
		if (len + NX_BATCH > cap) {
			char *nb = realloc(buf, (cap + NX_BATCH * 4) * rec_size);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap += NX_BATCH * 4;
		}
		b.count = NX_BATCH;
		b.record_size = rec_size;
		b.buf = (uintptr_t)(buf + len * rec_size);
		ret = nx_ioctl(fd, cmd, &b);
		if (ret) {
			free(buf);
			return ret;
		}
		if (!b.count)
			break;
		len += b.count;
	}
	*out = buf;
	*n = len;
	return 0;
}

int nx_read_findings(int fd, struct nexus_finding **out, size_t *n)
{
	return nx_read_batch(fd, NEXUS_IOC_READ_FINDINGS, sizeof(**out), 0,
			     (void **)out, n);
}

int nx_read_decisions(int fd, uint64_t cursor, struct nexus_decision **out,
		      size_t *n)
{
	return nx_read_batch(fd, NEXUS_IOC_READ_DECISIONS, sizeof(**out),
			     cursor, (void **)out, n);
}

/*
 * Every record of a kind.  The kernel returns at most NEXUS_RECORDS_MAX a
 * call, taken in one go: asking for that many at once gives one consistent
 * view of every kind NEXUS has today; a longer list is read page by page.
 */
int nx_read_records(int fd, unsigned int kind, size_t rec_size, void **out,
		    size_t *n)
{
	struct nexus_records r = { .size = sizeof(r) };
	size_t cap = 0, len = 0;
	char *buf = NULL;
	int ret;

	for (;;) {
		if (cap - len < NEXUS_RECORDS_MAX) {
			char *nb = realloc(buf, (cap + NEXUS_RECORDS_MAX) * rec_size);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap += NEXUS_RECORDS_MAX;
		}
		r.kind = kind;
		r.record_size = rec_size;
		r.count = NEXUS_RECORDS_MAX;
		r.buf = (uintptr_t)(buf + len * rec_size);
		ret = nx_ioctl(fd, NEXUS_IOC_READ_RECORDS, &r);
		if (ret) {
			free(buf);
			return ret;
		}
		len += r.count;
		if (!r.count || r.offset >= r.total)
			break;
	}
	*out = buf;
	*n = len;
	return 0;
}
