/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the NEXUS selftests: read and write sysfs/debugfs files.
 */
#ifndef NEXUS_TEST_H
#define NEXUS_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#define NEXUS_SYSFS "/sys/kernel/nexus"
#define NEXUS_DEBUGFS "/sys/kernel/debug/nexus"

/*
 * nx_write - write @val to @path in one write().
 * Returns 0 on success or -errno of the failed write.
 */
static inline int nx_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/*
 * nx_read - read @path into @buf (NUL-terminated, trailing newline cut).
 * Returns the length read or -errno.
 */
static inline int nx_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* nx_read_long - read a number from @path; returns LLONG_MIN on error. */
static inline long long nx_read_ll(const char *path)
{
	char buf[64];

	if (nx_read(path, buf, sizeof(buf)) < 0)
		return LLONG_MIN;
	return strtoll(buf, NULL, 0);
}

static inline int nx_loaded(void)
{
	return access(NEXUS_SYSFS, F_OK) == 0;
}

#define NEXUS_TEST_MODULES "/opt/nexus/test-modules"

/*
 * nx_insmod - load a module file with parameters.
 * Returns 0 or -errno of finit_module().
 */
static inline int nx_insmod(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

/* nx_rmmod - unload a module; returns 0 or -errno of delete_module(). */
static inline int nx_rmmod(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/*
 * nx_read_all - read all of @path (up to @size - 1 bytes) into @buf,
 * NUL-terminated: a debugfs dump larger than one read().
 * Returns the length read or -errno.
 */
static inline int nx_read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		return -errno;
	while (len < (ssize_t)size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/*
 * nx_pred_score - the predict module's scoreboard line of @kind in its
 * debugfs dump @dump: raised, confirmed, false.  Returns 0 if found.
 */
static inline int nx_pred_score(char *dump, const char *kind,
				long long *raised, long long *confirmed,
				long long *falsep)
{
	char want[64], *l;

	snprintf(want, sizeof(want), "\n%s ", kind);
	for (l = strstr(dump, want); l; l = strstr(l + 1, want))
		if (sscanf(l + 1, "%*s %lld %lld %lld", raised, confirmed,
			   falsep) == 3)
			return 0;
	return -1;
}

/* One line of the predictions in the predict module's dump. */
struct nx_pred {
	unsigned long long id, ttf;
	unsigned int conf;
	char kind[32], state[16], action[32], comp[64];
};

/*
 * nx_pred_find - the first prediction of @kind in @state (any, if NULL)
 * whose component contains @comp (any, if NULL) in the predict module's
 * dump @dump.  Returns 0 if found.
 */
static inline int nx_pred_find(char *dump, const char *kind,
			       const char *state, const char *comp,
			       struct nx_pred *p)
{
	char *line = dump;

	while (line && *line) {
		char *end = strchr(line, '\n');
		int ok;

		if (end)
			*end = '\0';
		ok = sscanf(line, "%llu %31s %15s %u %llu %31s \"%63[^\"]\"",
			    &p->id, p->kind, p->state, &p->conf, &p->ttf,
			    p->action, p->comp) == 7 &&
		     !strcmp(p->kind, kind) &&
		     (!state || !strcmp(p->state, state)) &&
		     (!comp || strstr(p->comp, comp));
		if (end)
			*end = '\n';
		if (ok)
			return 0;
		line = end ? end + 1 : NULL;
	}
	return -1;
}

#define NX_SDEBUG "/sys/bus/pseudo/drivers/scsi_debug/"

/*
 * nx_sdebug_load - (re)load scsi_debug with one 16 MiB disk and @params
 * (e.g. "ndelay=100000 opts=2"); its name (e.g. "sda") in @disk.
 * Returns 0, or -1 without scsi_debug or its disk.
 */
static inline int nx_sdebug_load(const char *params, char *disk, size_t size)
{
	char cmd[256];
	glob_t g;
	int ret = -1, i;

	syscall(__NR_delete_module, "scsi_debug", O_NONBLOCK);
	/* sd_mod makes its disk a block device */
	snprintf(cmd, sizeof(cmd),
		 "nx-modprobe sd_mod && nx-modprobe scsi_debug dev_size_mb=16 %s >/dev/null 2>&1",
		 params);
	if (system(cmd))
		return -1;
	/* the disk appears once the SCSI scan has run */
	for (i = 0; i < 100 && ret; i++) {
		if (!glob(NX_SDEBUG "adapter*/host*/target*/*/block/*", 0, NULL,
			  &g)) {
			snprintf(disk, size, "%s", strrchr(g.gl_pathv[0], '/') + 1);
			ret = 0;
		}
		globfree(&g);
		if (ret)
			usleep(100000);
	}
	return ret;
}

/*
 * nx_sdebug_ndelay - set the scsi_debug disk's delay per command to @ns;
 * the driver refuses (-EBUSY) while commands are queued, so retry for 5 s.
 * Returns 0 or -errno.
 */
static inline int nx_sdebug_ndelay(const char *ns)
{
	int i, ret = -EBUSY;

	for (i = 0; i < 5000 && ret == -EBUSY; i++) {
		ret = nx_write(NX_SDEBUG "ndelay", ns);
		if (ret == -EBUSY)
			usleep(1000);
	}
	return ret;
}

/* nx_now_ns - CLOCK_MONOTONIC in nanoseconds. */
static inline unsigned long long nx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* nx_now_s - CLOCK_MONOTONIC in seconds. */
static inline double nx_now_s(void)
{
	return nx_now_ns() / 1e9;
}

/* nx_spawn - fork and exec @argv (PATH searched); the child's pid or -1. */
static inline pid_t nx_spawn(const char *const argv[])
{
	pid_t pid = fork();

	if (!pid) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* nx_msleep - sleep for @ms milliseconds. */
static inline void nx_msleep(unsigned int ms)
{
	usleep(ms * 1000);
}

/*
 * nx_wait_above - poll a numeric file until its value is above @x or @ms
 * pass.  Returns the last value read.
 */
static inline long long nx_wait_above(const char *path, unsigned int ms,
				      long long x)
{
	long long v = nx_read_ll(path);
	unsigned int t;

	for (t = 0; v <= x && t < ms; t += 20) {
		nx_msleep(20);
		v = nx_read_ll(path);
	}
	return v;
}

/* nx_cpu_times - all CPUs' busy and total jiffies from /proc/stat; 0 if read. */
static inline int nx_cpu_times(unsigned long long *busy,
			       unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	char buf[256];
	int i;

	if (nx_read("/proc/stat", buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
		   &v[7]) != 8)
		return -1;
	*total = 0;
	for (i = 0; i < 8; i++)
		*total += v[i];
	/* idle and iowait are not busy */
	*busy = *total - v[3] - v[4];
	return 0;
}

/*
 * nx_wait_quiet - wait until the CPUs were busy under @permille of the time
 * in each of @secs consecutive seconds, at most @timeout_s seconds: what an
 * earlier test's load leaves behind (writeback, reclaim, exiting tasks)
 * must be over before a test learns an idle baseline.  0 once quiet.
 */
static inline int nx_wait_quiet(unsigned int permille, unsigned int secs,
				unsigned int timeout_s)
{
	unsigned long long b0, t0, b1, t1;
	unsigned int quiet = 0, t;

	if (nx_cpu_times(&b0, &t0))
		return -1;
	for (t = 0; t < timeout_s && quiet < secs; t++) {
		nx_msleep(1000);
		if (nx_cpu_times(&b1, &t1))
			return -1;
		if (t1 > t0 && (b1 - b0) * 1000 < permille * (t1 - t0))
			quiet++;
		else
			quiet = 0;
		b0 = b1;
		t0 = t1;
	}
	return quiet >= secs ? 0 : -1;
}

/* nx_wait_str - poll a file until it reads @want or @ms pass; 0 if it did. */
static inline int nx_wait_str(const char *path, const char *want,
			      unsigned int ms)
{
	char buf[256];
	unsigned int t;

	for (t = 0; t <= ms; t += 20) {
		if (nx_read(path, buf, sizeof(buf)) >= 0 && !strcmp(buf, want))
			return 0;
		nx_msleep(20);
	}
	return -1;
}

/*
 * nx_file_contains - 1 if the file at @path contains @needle.  The buffer
 * holds the whole of the core's rings (256 decisions or findings of up to
 * about 250 characters each, oldest first): a smaller one cut off the
 * newest lines, the ones a test looks for.
 */
static inline int nx_file_contains(const char *path, const char *needle)
{
	static char buf[1 << 18];
	int fd = open(path, O_RDONLY);
	ssize_t n, len = 0;

	if (fd < 0)
		return 0;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return !!strstr(buf, needle);
}

/* nx_spawn_sh - start a shell command in its own process group; its pid or -1. */
static inline pid_t nx_spawn_sh(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* nx_reap_group - kill what nx_spawn_sh() started, its whole group, and wait for it. */
static inline void nx_reap_group(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * nx_helper_path - the helper program @name beside the running test
 * program (the selftests directory), into @buf; 0 if it is executable.
 */
static inline int nx_helper_path(const char *name, char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + 2 + strlen(name) > size)
		return -1;
	strcpy(slash + 1, name);
	return access(buf, X_OK);
}

/* nx_uevent_socket - a netlink socket receiving kernel uevents; -1 on error. */
static inline int nx_uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	struct timeval tv = { .tv_usec = 200000 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * nx_uevent_wait - wait up to @ms for a uevent carrying the variable @key
 * ("NAME=value", exactly); copy its NUL-separated variables, joined by
 * '\n', into @out.  Returns 0 when found.
 */
static inline int nx_uevent_wait(int fd, const char *key, int ms, char *out,
				 size_t size)
{
	char buf[4096];
	double t0 = nx_now_s();

	while ((nx_now_s() - t0) * 1000 < ms) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0), i;
		bool hit = false;

		if (n <= 0)
			continue;
		buf[n] = '\0';
		for (i = 0; i < n; i += strlen(buf + i) + 1)
			if (!strcmp(buf + i, key))
				hit = true;
		if (!hit)
			continue;
		for (i = 0; i < n - 1; i++)
			if (!buf[i])
				buf[i] = '\n';
		snprintf(out, size, "%s", buf);
		return 0;
	}
	return -1;
}

#endif /* NEXUS_TEST_H */
