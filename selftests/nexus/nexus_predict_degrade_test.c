// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_predict, Degradation: a sustained upward shift in a latency.
 *
 * - CPU hogs added to an idle VM shift the mean run-queue wait up:
 *   Degradation on sched.runq_latency_avg_ns.
 * - A reader of a scsi_debug disk (100 us per command): steady load
 *   raises no Degradation on the block latencies; the disk's delay raised
 *   to 20 ms mid-run raises Degradation on that disk's latency metric,
 *   with no failure in sight (20 ms is below io_latency_us, 100 ms) and a
 *   Warn decision; back to 100 us it resolves; with detect_degradation 0
 *   the same step raises nothing.
 *
 * The sampler runs every 250 ms: a metric learns its baseline from 16
 * samples (4 s) and a shift is confirmed after 8 (2 s).
 */
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define P NEXUS_SYSFS "/modules/predict/"
#define DUMP NEXUS_DEBUGFS "/predict"

static char dump[65536];

static int read_dump(void)
{
	return nx_read_all(DUMP, dump, sizeof(dump));
}

/* Read 4 KiB at random places of /dev/@disk with O_DIRECT, 1 ms apart. */
static pid_t start_reader(const char *disk)
{
	char dev[64];
	pid_t pid;

	snprintf(dev, sizeof(dev), "/dev/%s", disk);
	pid = fork();
	if (!pid) {
		void *buf;
		int fd = open(dev, O_RDONLY | O_DIRECT);

		if (fd < 0 || posix_memalign(&buf, 4096, 4096))
			_exit(1);
		srand(getpid());
		for (;;) {
			off_t off = (off_t)(rand() % 4096) * 4096;

			if (pread(fd, buf, 4096, off) != 4096)
				_exit(2);
			usleep(1000);
		}
	}
	return pid;
}

/* A Degradation on a metric starting with @prefix is active; its line. */
static int degraded(const char *prefix, struct nx_pred *p)
{
	return read_dump() > 0 &&
	       !nx_pred_find(dump, "degradation", "active", prefix, p);
}

/*
 * The change-point test of @metric has learned its baseline: its line in
 * the dump ("# degradation: <metric> <state> ...") is past "learning".
 */
static bool deg_learned(const char *metric)
{
	char key[96], state[16];
	const char *line;

	snprintf(key, sizeof(key), "# degradation: %s ", metric);
	if (read_dump() <= 0)
		return false;
	line = strstr(dump, key);
	return line && sscanf(line + strlen(key), "%15s", state) == 1 &&
	       strcmp(state, "learning");
}

FIXTURE(deg) {
	pid_t reader;
};

FIXTURE_SETUP(deg)
{
	self->reader = 0;
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(P "degrade_sustain", F_OK))
		SKIP(return, "nexus_predict is not loaded");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "tracing/sample_period_ms", "250"));
	ASSERT_EQ(0, nx_write(S "level", "prediction"));
	ASSERT_EQ(0, nx_write(S "prediction/detect_degradation", "1"));
}

FIXTURE_TEARDOWN(deg)
{
	if (self->reader > 0) {
		kill(self->reader, SIGKILL);
		waitpid(self->reader, NULL, 0);
	}
	nx_rmmod("scsi_debug");
	if (nx_loaded()) {
		nx_write(P "degrade_shift_permille", "500");
		nx_write(P "degrade_sustain", "8");
		nx_write(P "io_latency_us", "100000");
		nx_write(S "preset", "default");
	}
}

TEST_F(deg, knobs_reject_bad_values)
{
	EXPECT_EQ(500, nx_read_ll(P "degrade_shift_permille"));
	EXPECT_EQ(8, nx_read_ll(P "degrade_sustain"));
	EXPECT_EQ(100000, nx_read_ll(P "io_latency_us"));
	EXPECT_EQ(-EINVAL, nx_write(P "degrade_sustain", "eight"));
	EXPECT_EQ(-ERANGE, nx_write(P "degrade_sustain", "3"));
	EXPECT_EQ(-ERANGE, nx_write(P "degrade_sustain", "33"));
	EXPECT_EQ(-ERANGE, nx_write(P "degrade_shift_permille", "49"));
	EXPECT_EQ(-EINVAL, nx_write(P "degrade_shift_permille", "-500"));
	EXPECT_EQ(-ERANGE, nx_write(P "io_latency_us", "99"));
	EXPECT_EQ(-ERANGE, nx_write(P "io_latency_us", "60000001"));
	EXPECT_EQ(8, nx_read_ll(P "degrade_sustain"));
	EXPECT_EQ(500, nx_read_ll(P "degrade_shift_permille"));
	ASSERT_EQ(0, nx_write(P "degrade_sustain", "12"));
	EXPECT_EQ(12, nx_read_ll(P "degrade_sustain"));
}

/*
 * Six CPU hogs on the VM's two CPUs, started after 8 idle seconds (the
 * baseline): the run-queue wait rises many times over, a Degradation on
 * sched.runq_latency_avg_ns.
 */
TEST_F_TIMEOUT(deg, cpu_hogs_shift_runq_latency, 150)
{
	static const char *const argv[] = {
		"stress-ng", "--cpu", "6", "--timeout", "40", NULL
	};
	bool early = false, seen = false;
	struct nx_pred p;
	double t0;
	pid_t pid;

	/*
	 * The baseline is the idle VM's: once what an earlier test's load
	 * left behind is over (3 s in a row under 10% busy), detection is
	 * turned off until a Degradation that load raised has resolved, and
	 * on again: it learns afresh from the samples after that (16, 4 s);
	 * then 4 idle seconds raise nothing.
	 */
	ASSERT_EQ(0, nx_wait_quiet(100, 3, 60)) TH_LOG("the VM is not idle");
	ASSERT_EQ(0, nx_write(S "prediction/detect_degradation", "0"));
	t0 = nx_now_s();
	while ((read_dump() <= 0 || !strstr(dump, "# degradation: off") ||
		degraded("sched.runq_latency_avg_ns", &p)) &&
	       nx_now_s() - t0 < 30)
		nx_msleep(250);
	ASSERT_NE(NULL, strstr(dump, "# degradation: off")) TH_LOG("%s", dump);
	/* what the earlier load raised resolves once no longer reported */
	ASSERT_FALSE(degraded("sched.runq_latency_avg_ns", &p))
		TH_LOG("%s", dump);
	ASSERT_EQ(0, nx_write(S "prediction/detect_degradation", "1"));
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 8) {
		nx_msleep(250);
		if (degraded("sched.runq_latency_avg_ns", &p))
			early = true;
	}
	EXPECT_FALSE(early) TH_LOG("%s", dump);
	pid = nx_spawn(argv);
	ASSERT_LT(0, pid);
	t0 = nx_now_s();
	while (!seen && nx_now_s() - t0 < 25) {
		nx_msleep(250);
		seen = degraded("sched.runq_latency_avg_ns", &p);
	}
	kill(pid, SIGINT);
	waitpid(pid, NULL, 0);
	ASSERT_TRUE(seen) TH_LOG("%s", dump);
	TH_LOG("raised %.1f s after the hogs started: conf %u ttf %llu %s",
	       nx_now_s() - t0, p.conf, p.ttf, p.action);
	EXPECT_GE(p.conf, 600);
	EXPECT_STREQ("sched.runq_latency_avg_ns", p.comp);
}

/*
 * The disk's latency, steady, stepped up, back, and stepped up again
 * with detect_degradation off.
 */
TEST_F_TIMEOUT(deg, disk_latency_step, 150)
{
	char disk[32], metric[64], decisions[256];
	bool early = false, seen = false, resolved = false, off = false;
	long long r0, r1, c, f;
	struct nx_pred p;
	double t0;

	if (nx_sdebug_load("ndelay=100000", disk, sizeof(disk)))
		SKIP(return, "no scsi_debug disk");
	snprintf(metric, sizeof(metric), "blk.%s.latency_avg_us", disk);
	ASSERT_LT(0, read_dump());
	ASSERT_EQ(0, nx_pred_score(dump, "degradation", &r0, &c, &f));
	self->reader = start_reader(disk);
	ASSERT_LT(0, self->reader);

	/*
	 * The disk's metric appears when the block collector next looks for
	 * disks, and predict follows it from its next scan: on 6.1 it had
	 * fewer than 16 samples after 8 s, and learned the step into its
	 * baseline.  The steady window starts once it has learned.
	 */
	t0 = nx_now_s();
	while (!deg_learned(metric) && nx_now_s() - t0 < 30)
		nx_msleep(250);
	ASSERT_TRUE(deg_learned(metric)) TH_LOG("%s", dump);
	/* steady load: the baseline, and no shift */
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 8) {
		nx_msleep(250);
		if (degraded("blk.", &p))
			early = true;
	}
	EXPECT_FALSE(early) TH_LOG("%s", dump);
	EXPECT_TRUE(nx_file_contains(DUMP, metric)) TH_LOG("%s", dump);
	ASSERT_EQ(0, waitpid(self->reader, NULL, WNOHANG));

	/* 20 ms a command */
	ASSERT_EQ(0, nx_sdebug_ndelay("20000000"));
	t0 = nx_now_s();
	while (!seen && nx_now_s() - t0 < 15) {
		nx_msleep(250);
		seen = degraded(metric, &p);
	}
	ASSERT_TRUE(seen) TH_LOG("%s", dump);
	TH_LOG("raised %.1f s after the step: conf %u ttf %llu %s \"%s\"",
	       nx_now_s() - t0, p.conf, p.ttf, p.action, p.comp);
	EXPECT_STREQ(metric, p.comp);
	EXPECT_GE(p.conf, 600);
	/* 20 ms, flat, below the 100 ms limit: no failure in sight */
	EXPECT_EQ(0, p.ttf);
	EXPECT_STREQ("alert", p.action);
	snprintf(decisions, sizeof(decisions), "predict %s ", metric);
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions", decisions));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     "degradation, no failure in sight"));
	ASSERT_EQ(0, nx_pred_score(dump, "degradation", &r1, &c, &f));
	EXPECT_LT(r0, r1);
	/* the interfaces: the predictions file and the per-kind counters */
	snprintf(decisions, sizeof(decisions), "\"%s\" alert ", metric);
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/predictions", decisions));
	EXPECT_LE(r1, nx_read_ll(P "degradation/raised"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/forecasts",
				     "\nblk.latency_avg_us "));

	/* back to 100 us: the shift is over */
	ASSERT_EQ(0, nx_sdebug_ndelay("100000"));
	t0 = nx_now_s();
	while (!resolved && nx_now_s() - t0 < 15) {
		nx_msleep(250);
		resolved = read_dump() > 0 &&
			   nx_pred_find(dump, "degradation", "active", metric,
					&p);
	}
	EXPECT_TRUE(resolved) TH_LOG("%s", dump);

	/* detect_degradation off: the same step raises nothing */
	ASSERT_EQ(0, nx_write(S "prediction/detect_degradation", "0"));
	nx_msleep(4000);
	ASSERT_EQ(0, nx_sdebug_ndelay("20000000"));
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 10) {
		nx_msleep(250);
		if (degraded("blk.", &p))
			off = true;
	}
	EXPECT_FALSE(off) TH_LOG("%s", dump);
	EXPECT_NE(NULL, strstr(dump, "# degradation: off"));
}

TEST_HARNESS_MAIN
