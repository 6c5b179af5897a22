// SPDX-License-Identifier: GPL-2.0
/*
 * The collectors against the kernel's own counters: context switches and
 * forks against /proc/stat, memory against /proc/meminfo, CPU utilisation
 * against /proc/stat's idle time, block I/O against /sys/block/<dev>/stat
 * on a null_blk disk; the perf software fallback; switching collectors off
 * and on through sysfs and the level.
 *
 * Comparisons are made over the same interval: the test waits for a new
 * sample of a metric (its sample count in debugfs goes up), reads the
 * kernel's counter at once, and again a few samples later.
 */
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define METRICS NEXUS_DEBUGFS "/metrics"
#define STRESS "/usr/bin/stress-ng"
#define INTERVALS 6

/* Read the metric @name from debugfs: its last value and samples pushed. */
static int metric_get(const char *name, long long *last,
		      unsigned long long *total)
{
	char line[256], n[64], unit[32];
	unsigned long long tot;
	unsigned int held;
	long long v;
	int id, found = -1;
	FILE *f = fopen(METRICS, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %63s %31s %lld %u %llu", &id, n, unit, &v,
			   &held, &tot) != 6 || strcmp(n, name))
			continue;
		if (last)
			*last = v;
		if (total)
			*total = tot;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static int metric_exists(const char *name)
{
	return metric_get(name, NULL, NULL) == 0;
}

/* A counter of /proc/stat ("ctxt", "processes"), or -1. */
static long long proc_stat(const char *key)
{
	char line[512];
	long long v = -1;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ' ') {
			v = atoll(line + len + 1);
			break;
		}
	fclose(f);
	return v;
}

/* Busy and total ticks of all CPUs from the "cpu " line of /proc/stat. */
static int proc_stat_cpu(long long *busy, long long *all)
{
	long long f[10] = { 0 };
	char line[512];
	int n = 0;
	FILE *fp = fopen("/proc/stat", "r");

	if (!fp)
		return -1;
	if (fgets(line, sizeof(line), fp))
		n = sscanf(line, "cpu %lld %lld %lld %lld %lld %lld %lld %lld",
			   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
			   &f[7]);
	fclose(fp);
	if (n < 8)
		return -1;
	*all = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
	*busy = *all - f[3] - f[4];
	return 0;
}

/*
 * Sum over CPUs of the run-queue wait (ns) and of the timeslices from
 * /proc/schedstat (CONFIG_SCHEDSTATS): the scheduler's own accounting of
 * what sched.runq_latency_avg_ns measures.
 */
static int read_schedstat(long long *delay, long long *slices)
{
	unsigned long long d, n;
	char line[512];
	FILE *f = fopen("/proc/schedstat", "r");
	int cpus = 0;

	*delay = *slices = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu%*u %*u %*u %*u %*u %*u %*u %*u %llu %llu",
			   &d, &n) == 2) {
			*delay += d;
			*slices += n;
			cpus++;
		}
	fclose(f);
	return cpus ? 0 : -1;
}

static long long meminfo_kb(const char *key)
{
	char line[256];
	long long v = -1;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = atoll(line + len + 1);
			break;
		}
	fclose(f);
	return v;
}

/* I/Os completed (reads + writes + discards + flushes) of a disk. */
static long long disk_ios(const char *disk)
{
	char path[128], buf[512], *p = buf, *end;
	long long f[17] = { 0 };
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/stat", disk);
	if (nx_read(path, buf, sizeof(buf)) < 0)
		return -1;
	for (n = 0; n < 17; n++, p = end) {
		f[n] = strtoll(p, &end, 10);
		if (end == p)
			break;
	}
	if (n < 8)
		return -1;
	return f[0] + f[4] + f[11] + f[15];
}

/*
 * Wait until metric @name gets a new sample (its total goes past *seen),
 * polling every 2 ms so the caller can read a kernel counter right after.
 * Returns 0, or -1 after @ms.
 */
static int next_sample(const char *name, unsigned long long *seen,
		       unsigned int ms)
{
	unsigned long long tot;
	double end = nx_now_s() + ms / 1000.0;

	while (nx_now_s() < end) {
		if (!metric_get(name, NULL, &tot) && tot > *seen) {
			*seen = tot;
			return 0;
		}
		usleep(2000);
	}
	return -1;
}

/* Poll a numeric file until it reads @want or @ms pass; the last value. */
static long long wait_ll(const char *path, long long want, unsigned int ms)
{
	double end = nx_now_s() + ms / 1000.0;
	long long v = nx_read_ll(path);

	while (v != want && nx_now_s() < end) {
		usleep(20000);
		v = nx_read_ll(path);
	}
	return v;
}

static int within(double got, double want, double tol)
{
	double d = got - want;

	if (d < 0)
		d = -d;
	return d <= tol * (want < 0 ? -want : want);
}

/*
 * Compare the mean of @metric (a rate) over at least INTERVALS sample
 * intervals with the rate of @counter() over the same intervals.  The
 * sample boundaries and the counter reads are not simultaneous: the
 * difference of the lags at the two ends is off by as many events as
 * occur in it, 6% over 3 intervals once in the debug kernel, whose reads
 * of the metrics file are slow; hence 6.  Sampling goes on until the
 * counter has moved by MIN_EVENTS (at most MAX_INTERVALS), so a slow
 * kernel (the debug kernel forks 6 times a second under TCG) is measured
 * as precisely as a fast one.  *got and *want return both.  Returns 0, or
 * -1 when a sample does not come or the counter moved less than that.
 */
#define MIN_EVENTS 100
#define MAX_INTERVALS 60
static int compare_rate(const char *metric, long long (*counter)(const char *),
			const char *arg, double *got, double *want)
{
	unsigned long long seen = 0;
	long long c0, c1 = 0, v;
	double t0, t1, t, sum = 0;
	int i;

	metric_get(metric, NULL, &seen);
	if (next_sample(metric, &seen, 3000))
		return -1;
	c0 = counter(arg);
	t0 = nx_now_s();
	t1 = t0;
	for (i = 0; i < MAX_INTERVALS; i++) {
		if (next_sample(metric, &seen, 3000))
			return -1;
		metric_get(metric, &v, NULL);
		/*
		 * Each sample is the rate over its own period: weighted by it,
		 * not averaged, since the debug kernel's late ticks make the
		 * periods unequal (an average was 3.8/s against 4.1/s).
		 */
		t = nx_now_s();
		sum += v * (t - t1);
		t1 = t;
		c1 = counter(arg);
		if (i + 1 >= INTERVALS && c1 - c0 >= MIN_EVENTS)
			break;
	}
	if (c1 - c0 < MIN_EVENTS || t1 <= t0)
		return -1;
	*got = sum / (t1 - t0);
	*want = (c1 - c0) / (t1 - t0);
	return 0;
}

static int have_stress(void)
{
	return access(STRESS, X_OK) == 0;
}

FIXTURE(coll) {
	pid_t load;
};

FIXTURE_SETUP(coll)
{
	self->load = 0;
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(METRICS, R_OK))
		SKIP(return, "no debugfs metrics file");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "level", "1"));
	ASSERT_EQ(0, nx_write(S "tracing/sched", "1"));
	ASSERT_EQ(0, nx_write(S "tracing/memory", "1"));
	ASSERT_EQ(0, nx_write(S "tracing/block", "1"));
	ASSERT_EQ(0, nx_write(S "tracing/perf", "1"));
	ASSERT_EQ(0, nx_write(S "tracing/sample_period_ms", "1000"));
}

FIXTURE_TEARDOWN(coll)
{
	nx_reap_group(self->load);
	if (nx_loaded())
		nx_write(S "preset", "default");
}

TEST_F(coll, all_attached)
{
	static const char * const names[] = { "sched", "memory", "block", "perf" };
	static const char * const files[] = {
		"enabled", "attached", "rate", "total", "error", "detail" };
	char path[128], buf[128];
	unsigned int i, j;

	for (i = 0; i < 4; i++) {
		for (j = 0; j < 6; j++) {
			snprintf(path, sizeof(path), S "collectors/%s/%s",
				 names[i], files[j]);
			EXPECT_LE(0, nx_read(path, buf, sizeof(buf)))
				TH_LOG("%s", path);
		}
		snprintf(path, sizeof(path), S "collectors/%s/attached",
			 names[i]);
		EXPECT_EQ(1, nx_read_ll(path)) TH_LOG("%s", names[i]);
		snprintf(path, sizeof(path), S "collectors/%s/error", names[i]);
		EXPECT_EQ(0, nx_read_ll(path)) TH_LOG("%s", names[i]);
	}
	/* Other causes (budgets) may degrade NEXUS; collectors must not. */
	ASSERT_LE(0, nx_read(S "state_reason", buf, sizeof(buf)));
	EXPECT_FALSE(!!strstr(buf, "collector")) TH_LOG("%s", buf);
}

TEST_F_TIMEOUT(coll, ctxsw_matches_proc_stat, 60)
{
	unsigned long long seen = 0;
	long long c0, c1, v0, v1;
	double got, want;

	if (!have_stress())
		SKIP(return, "no stress-ng");
	self->load = nx_spawn_sh(STRESS " --switch 1 --timeout 60s --quiet");
	ASSERT_LT(0, self->load);
	nx_msleep(1500);

	/* The cumulative count over the same samples: tight. */
	metric_get("sched.ctxsw_total", NULL, &seen);
	ASSERT_EQ(0, next_sample("sched.ctxsw_total", &seen, 3000));
	c0 = proc_stat("ctxt");
	ASSERT_EQ(0, metric_get("sched.ctxsw_total", &v0, NULL));
	ASSERT_EQ(0, next_sample("sched.ctxsw_total", &seen, 3000));
	ASSERT_EQ(0, next_sample("sched.ctxsw_total", &seen, 3000));
	c1 = proc_stat("ctxt");
	ASSERT_EQ(0, metric_get("sched.ctxsw_total", &v1, NULL));
	TH_LOG("ctxsw: nexus %lld, /proc/stat %lld", v1 - v0, c1 - c0);
	ASSERT_LT(1000, c1 - c0);
	EXPECT_TRUE(within(v1 - v0, c1 - c0, 0.03));

	/* The rate. */
	ASSERT_EQ(0, compare_rate("sched.ctxsw", proc_stat, "ctxt", &got,
				  &want));
	TH_LOG("ctxsw rate: nexus %.0f/s, /proc/stat %.0f/s", got, want);
	EXPECT_TRUE(within(got, want, 0.05));
}

TEST_F_TIMEOUT(coll, forks_match_proc_stat, 60)
{
	double got, want;

	if (!have_stress())
		SKIP(return, "no stress-ng");
	self->load = nx_spawn_sh(STRESS " --fork 1 --timeout 60s --quiet");
	ASSERT_LT(0, self->load);
	nx_msleep(1500);
	ASSERT_EQ(0, compare_rate("sched.forks", proc_stat, "processes", &got,
				  &want));
	TH_LOG("forks: nexus %.1f/s, /proc/stat %.1f/s", got, want);
	EXPECT_TRUE(within(got, want, 0.05));
	EXPECT_TRUE(metric_exists("sched.exits"));
}

TEST_F_TIMEOUT(coll, runq_latency_and_util, 60)
{
	long long b0, a0, b1, a1, util, lat, max, d0, n0, d1, n1;
	unsigned long long seen = 0;
	double want;
	int ss;

	if (!have_stress())
		SKIP(return, "no stress-ng");
	/* Three CPU hogs on two CPUs: always one waiting. */
	self->load = nx_spawn_sh(STRESS " --cpu 3 --timeout 60s --quiet");
	ASSERT_LT(0, self->load);
	nx_msleep(1500);
	metric_get("cpu.util", NULL, &seen);
	ASSERT_EQ(0, next_sample("cpu.util", &seen, 3000));
	ASSERT_EQ(0, proc_stat_cpu(&b0, &a0));
	ss = read_schedstat(&d0, &n0);
	ASSERT_EQ(0, next_sample("cpu.util", &seen, 3000));
	ASSERT_EQ(0, proc_stat_cpu(&b1, &a1));
	ss |= read_schedstat(&d1, &n1);
	ASSERT_EQ(0, metric_get("cpu.util", &util, NULL));
	want = 1000.0 * (b1 - b0) / (a1 - a0);
	TH_LOG("cpu.util: nexus %lld permille, /proc/stat %.0f", util, want);
	EXPECT_GE(util, 900);
	EXPECT_TRUE(util >= want - 50 && util <= want + 50);
	EXPECT_TRUE(metric_exists("cpu0.util"));

	ASSERT_EQ(0, metric_get("sched.runq_latency_avg_ns", &lat, NULL));
	ASSERT_EQ(0, metric_get("sched.runq_latency_max_ns", &max, NULL));
	TH_LOG("runq latency: avg %lld ns, max %lld ns", lat, max);
	EXPECT_GT(lat, 0);
	EXPECT_GE(max, lat);
	if (!ss && n1 > n0) {
		want = (double)(d1 - d0) / (n1 - n0);
		TH_LOG("runq latency: /proc/schedstat avg %.0f ns", want);
		EXPECT_TRUE(within(lat, want, 0.10));
	}
	ASSERT_EQ(0, metric_get("sched.runnable", &lat, NULL));
	EXPECT_GE(lat, 2);
}

TEST_F(coll, memory_matches_meminfo)
{
	unsigned long long seen = 0;
	long long avail, want, cached, room;

	metric_get("mem.available_kb", NULL, &seen);
	ASSERT_EQ(0, next_sample("mem.available_kb", &seen, 3000));
	want = meminfo_kb("MemAvailable");
	ASSERT_EQ(0, metric_get("mem.available_kb", &avail, NULL));
	TH_LOG("MemAvailable: nexus %lld kB, /proc/meminfo %lld kB", avail,
	       want);
	EXPECT_TRUE(within(avail, want, 0.03));
	ASSERT_EQ(0, metric_get("mem.cached_kb", &cached, NULL));
	EXPECT_TRUE(within(cached, meminfo_kb("Cached"), 0.05));
	EXPECT_TRUE(metric_exists("mem.free_kb"));
	/*
	 * The OOM headroom gives back the reserves MemAvailable holds above
	 * the min watermarks: above MemAvailable, below MemFree + Cached.
	 */
	ASSERT_EQ(0, metric_get("mem.oom_headroom_kb", &room, NULL));
	TH_LOG("OOM headroom %lld kB", room);
	EXPECT_LE(avail * 97 / 100, room);
	EXPECT_GE(meminfo_kb("MemFree") + meminfo_kb("Cached") +
		  meminfo_kb("SReclaimable"), room);
	EXPECT_TRUE(metric_exists("mem.slab_reclaimable_kb"));
	EXPECT_TRUE(metric_exists("mem.swap_total_kb"));
	EXPECT_TRUE(metric_exists("mem.oom_kills"));
	EXPECT_TRUE(metric_exists("mem.reclaim_stalls"));
	if (access("/proc/pressure/memory", R_OK) == 0) {
		long long psi;

		ASSERT_EQ(0, next_sample("mem.available_kb", &seen, 3000));
		ASSERT_EQ(0, metric_get("psi.memory.some", &psi, NULL));
		EXPECT_TRUE(psi >= 0 && psi <= 1000);
		EXPECT_TRUE(metric_exists("psi.io.full"));
		EXPECT_TRUE(metric_exists("psi.cpu.some"));
	}
}

TEST_F_TIMEOUT(coll, block_iops_match_disk_stat, 90)
{
	char path[64];
	double got, want;
	long long lat;

	if (access("/sys/block/nullb0", F_OK) &&
	    system("nx-modprobe null_blk >/dev/null 2>&1"))
		SKIP(return, "no null_blk");
	if (access("/sys/block/nullb0", F_OK))
		SKIP(return, "null_blk made no nullb0");
	self->load = nx_spawn_sh("dd if=/dev/zero of=/dev/nullb0 bs=4k oflag=direct 2>/dev/null");
	ASSERT_LT(0, self->load);
	nx_msleep(1500);
	snprintf(path, sizeof(path), "blk.nullb0.iops");
	ASSERT_EQ(0, compare_rate(path, disk_ios, "nullb0", &got, &want));
	TH_LOG("nullb0: nexus %.0f iops, /sys/block stat %.0f", got, want);
	ASSERT_LT(100, want);
	EXPECT_TRUE(within(got, want, 0.05));
	ASSERT_EQ(0, metric_get("blk.nullb0.latency_avg_us", &lat, NULL));
	EXPECT_GE(lat, 0);
	EXPECT_TRUE(metric_exists("blk.nullb0.bw_kbps"));
	EXPECT_TRUE(metric_exists("blk.iops"));
}

TEST_F_TIMEOUT(coll, perf_detail_and_counts, 60)
{
	char detail[128];
	double got, want;

	ASSERT_LT(0, nx_read(S "collectors/perf/detail", detail,
			     sizeof(detail)));
	TH_LOG("perf: %s", detail);
	if (!strncmp(detail, "hardware", 8)) {
		EXPECT_TRUE(metric_exists("perf.cycles"));
		return;
	}
	ASSERT_EQ(0, strncmp(detail, "software fallback", 17));
	EXPECT_FALSE(metric_exists("perf.cycles"));
	EXPECT_FALSE(metric_exists("perf.ipc_permille"));
	ASSERT_TRUE(metric_exists("perf.context_switches"));
	EXPECT_TRUE(metric_exists("perf.page_faults"));
	if (!have_stress())
		return;
	/* The software context-switch counter counts what sched_switch does. */
	self->load = nx_spawn_sh(STRESS " --switch 1 --timeout 60s --quiet");
	ASSERT_LT(0, self->load);
	nx_msleep(1500);
	ASSERT_EQ(0, compare_rate("perf.context_switches", proc_stat, "ctxt",
				  &got, &want));
	TH_LOG("perf context switches: %.0f/s, /proc/stat %.0f/s", got, want);
	EXPECT_TRUE(within(got, want, 0.05));
}

TEST_F_TIMEOUT(coll, disable_detaches, 60)
{
	unsigned long long seen = 0, t0, t1;

	ASSERT_EQ(1, nx_read_ll(S "collectors/sched/attached"));
	ASSERT_EQ(0, nx_write(S "tracing/sched", "0"));
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/attached"));
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/enabled"));
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/rate"));
	EXPECT_FALSE(metric_exists("sched.ctxsw"));
	t0 = nx_read_ll(S "collectors/sched/total");
	/* Others keep sampling; sched's total stays. */
	metric_get("mem.available_kb", NULL, &seen);
	ASSERT_EQ(0, next_sample("mem.available_kb", &seen, 3000));
	ASSERT_EQ(0, next_sample("mem.available_kb", &seen, 3000));
	t1 = nx_read_ll(S "collectors/sched/total");
	EXPECT_EQ(t0, t1);
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/rate"));

	/* And back, through the collector's own enabled file. */
	ASSERT_EQ(0, nx_write(S "collectors/sched/enabled", "1"));
	EXPECT_EQ(1, nx_read_ll(S "collectors/sched/attached"));
	EXPECT_EQ(1, nx_read_ll(S "tracing/sched"));
	seen = 0;
	ASSERT_EQ(0, next_sample("sched.ctxsw", &seen, 3000));
	EXPECT_LT(0, nx_wait_above(S "collectors/sched/rate", 3000, 0));
}

/*
 * Reproducer of the debug lane's lockdep report "possible circular locking
 * dependency" between a seq_file's lock and nx_collectors_lock: starting
 * the memory collector reads the /proc/pressure files (seq_files) under
 * nx_collectors_lock, and reading the collectors dump takes
 * nx_collectors_lock under the dump's seq_file lock.  On a lockdep kernel
 * both orders in one run used to be reported (the test VM fails the run on
 * any lockdep report); elsewhere it checks the dump and the restart.
 */
TEST_F_TIMEOUT(coll, lockdep_dump_vs_collector_start, 60)
{
	static char dump[16384];
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, nx_write(S "tracing/memory", "0"));
		ASSERT_EQ(0, nx_write(S "tracing/memory", "1"));
		EXPECT_EQ(1, nx_read_ll(S "collectors/memory/attached"));
		ASSERT_LT(0, nx_read_all(NEXUS_DEBUGFS "/collectors", dump,
					 sizeof(dump)));
		EXPECT_NE(NULL, strstr(dump, "memory: /proc/meminfo 0"));
	}
}

TEST_F_TIMEOUT(coll, level_zero_detaches_all, 60)
{
	static const char * const names[] = { "sched", "memory", "block", "perf" };
	char path[128];
	unsigned int i;

	ASSERT_EQ(0, nx_write(S "level", "0"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), S "collectors/%s/attached",
			 names[i]);
		EXPECT_EQ(0, nx_read_ll(path)) TH_LOG("%s", names[i]);
	}
	EXPECT_FALSE(metric_exists("sched.ctxsw"));
	ASSERT_EQ(0, nx_write(S "level", "1"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), S "collectors/%s/attached",
			 names[i]);
		EXPECT_EQ(1, nx_read_ll(path)) TH_LOG("%s", names[i]);
	}
}

/* A counter of /proc/vmstat, or -1. */
static long long read_vmstat(const char *key)
{
	char name[64];
	long long v;
	FILE *f = fopen("/proc/vmstat", "r");
	long long ret = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key)) {
			ret = v;
			break;
		}
	fclose(f);
	return ret;
}

#define CG "/sys/fs/cgroup"
#define CG_OOM CG "/nexus_oom"

/* A child in a 16 MiB memory cgroup touching 64 MiB: OOM-killed. */
static pid_t oom_victim(void)
{
	pid_t pid = fork();
	char buf[32];
	size_t i;
	char *p;

	if (pid)
		return pid;
	snprintf(buf, sizeof(buf), "%d", getpid());
	if (nx_write(CG_OOM "/cgroup.procs", buf))
		_exit(2);
	p = malloc(64 << 20);
	if (!p)
		_exit(3);
	for (i = 0; i < (64 << 20); i += 4096)
		p[i] = 1;
	_exit(0);
}

TEST_F_TIMEOUT(coll, oom_kill_counted_and_streamed, 60)
{
	long long k0, k1, v, sum = 0;
	unsigned long long seen = 0;
	char needle[64];
	int status, i;
	pid_t pid;

	if (access(CG "/cgroup.controllers", F_OK)) {
		mkdir(CG, 0755);
		if (mount("none", CG, "cgroup2", 0, NULL))
			SKIP(return, "cannot mount cgroup2");
	}
	if (nx_write(CG "/cgroup.subtree_control", "+memory"))
		SKIP(return, "no memory controller");
	rmdir(CG_OOM);
	ASSERT_EQ(0, mkdir(CG_OOM, 0755));
	ASSERT_EQ(0, nx_write(CG_OOM "/memory.max", "16777216"));
	nx_write(CG_OOM "/memory.swap.max", "0");

	metric_get("mem.oom_kills", NULL, &seen);
	ASSERT_EQ(0, next_sample("mem.oom_kills", &seen, 3000));
	k0 = read_vmstat("oom_kill");
	pid = oom_victim();
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	rmdir(CG_OOM);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("victim status %#x", status);
	k1 = read_vmstat("oom_kill");
	/* The kill is in one of the next samples. */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, next_sample("mem.oom_kills", &seen, 3000));
		ASSERT_EQ(0, metric_get("mem.oom_kills", &v, NULL));
		sum += v;
	}
	TH_LOG("oom kills: nexus %lld, /proc/vmstat %lld", sum, k1 - k0);
	EXPECT_LE(1, k1 - k0);
	EXPECT_EQ(k1 - k0, sum);
	snprintf(needle, sizeof(needle), " oom_kill %d ", pid);
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/events", needle));
}

/* What a failed recovery needs to be understood from the CI log alone. */
static void log_budget_state(struct __test_metadata *_metadata)
{
	char reason[256] = "";

	nx_read(S "state_reason", reason, sizeof(reason));
	TH_LOG("memory_used %lld of %lld, cpu_used_ppm %lld", nx_read_ll(S "memory_used"),
	       nx_read_ll(S "memory_budget"), nx_read_ll(S "cpu_used_ppm"));
	TH_LOG("sched attached %lld error %lld, state_reason: %s",
	       nx_read_ll(S "collectors/sched/attached"),
	       nx_read_ll(S "collectors/sched/error"), reason);
}

/*
 * A collector that cannot attach (here: its metrics do not fit in a tiny
 * memory budget) reports the error and degrades NEXUS; it is retried and
 * recovers once the budget allows.
 */
TEST_F_TIMEOUT(coll, attach_failure_degrades_and_recovers, 90)
{
	char buf[256], budget[32];

	/*
	 * The CPU budget is a Degraded cause of its own, and under emulation
	 * on a busy host the engine can exceed 1%: the fixture's preset keeps
	 * nx-load's cpu_budget_percent=50 there.
	 */
	ASSERT_LT(0, nx_read(S "memory_budget", budget, sizeof(budget)));
	ASSERT_EQ(0, nx_write(S "tracing/sched", "0"));
	ASSERT_EQ(0, nx_write(S "memory_budget", "65536"));
	ASSERT_EQ(0, nx_write(S "tracing/sched", "1"));
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/attached"));
	EXPECT_EQ(-ENOMEM, nx_read_ll(S "collectors/sched/error"));
	ASSERT_LT(0, nx_read(S "collectors/sched/detail", buf, sizeof(buf)));
	TH_LOG("detail: %s", buf);
	ASSERT_LT(0, nx_read(S "state", buf, sizeof(buf)));
	EXPECT_STREQ("degraded", buf);
	ASSERT_LT(0, nx_read(S "state_reason", buf, sizeof(buf)));
	TH_LOG("state_reason: %s", buf);
	/*
	 * state_reason is the newest cause, and under the 64 KiB budget any
	 * module's allocation is refused too and sets the memory cause (seen
	 * on 6.1 once the CPU budget no longer shed the modules); the
	 * collector's own failure is its error and detail above.
	 */
	EXPECT_TRUE(strstr(buf, "collector sched: attach failed") ||
		    strstr(buf, "memory budget exhausted"));

	/*
	 * Back to the budget the test found (not a constant: after a long
	 * run of tests in one boot more metrics may be charged to it).
	 * Retried every ten seconds by the engine, whose ticks slip under
	 * emulation on a busy host: 25 s.
	 */
	ASSERT_EQ(0, nx_write(S "memory_budget", budget));
	EXPECT_EQ(1, wait_ll(S "collectors/sched/attached", 1, 25000))
		log_budget_state(_metadata);
	EXPECT_EQ(0, nx_read_ll(S "collectors/sched/error"));
	EXPECT_EQ(0, nx_wait_str(S "state", "running", 10000))
		log_budget_state(_metadata);
}

TEST_HARNESS_MAIN
