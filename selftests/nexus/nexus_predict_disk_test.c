// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_predict on a failing and on a stalling disk (scsi_debug):
 *
 * - Corruption: scsi_debug with medium errors injected (opts=2: reads of
 *   sectors 4660..4669 fail with an unrecovered read error).  6 s of
 *   reads of good sectors raise nothing; then bad reads among the good
 *   ones, twice as many every 2 s: Corruption is raised on the disk
 *   before half of its requests fail (the failure it predicts), the
 *   failure confirms it, and the per-kind counters in sysfs show it with
 *   a positive median lead time.
 * - IoStall: eight readers of a disk that takes 200 ms a command, all in
 *   D state most of the time: IoStall is raised within 20 s.
 *
 * The sampler runs every 250 ms.
 */
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define P NEXUS_SYSFS "/modules/predict/"
#define DUMP NEXUS_DEBUGFS "/predict"
#define BAD_SECTOR 4660

static char dump[65536];

static int read_dump(void)
{
	return nx_read_all(DUMP, dump, sizeof(dump));
}

/*
 * A reader of /dev/@disk (512-byte O_DIRECT reads): every 100 ms ten reads
 * of good sectors; after @clean_s seconds also 2^(s / 2) reads of the bad
 * sector, s the seconds since.  Exits after @total_s seconds.
 */
static pid_t start_error_reader(const char *disk, int clean_s, int total_s)
{
	char dev[64];
	pid_t pid;

	snprintf(dev, sizeof(dev), "/dev/%s", disk);
	pid = fork();
	if (!pid) {
		double t0 = nx_now_s(), t;
		void *buf;
		int fd = open(dev, O_RDONLY | O_DIRECT), i, bad;

		if (fd < 0 || posix_memalign(&buf, 4096, 4096))
			_exit(1);
		while ((t = nx_now_s() - t0) < total_s) {
			for (i = 0; i < 10; i++)
				if (pread(fd, buf, 512, (off_t)(i * 8) * 512) != 512)
					_exit(2);
			bad = t < clean_s ? 0 : 1 << (int)((t - clean_s) / 2);
			for (i = 0; i < bad && i < 64; i++)
				if (pread(fd, buf, 512,
					  (off_t)BAD_SECTOR * 512) >= 0)
					_exit(3);	/* no error injected */
			usleep(100000);
		}
		_exit(0);
	}
	return pid;
}

FIXTURE(disk) {
	pid_t pids[8];
	int npids;
};

FIXTURE_SETUP(disk)
{
	self->npids = 0;
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(P "degradation", F_OK))
		SKIP(return, "nexus_predict is not loaded");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "tracing/sample_period_ms", "250"));
	ASSERT_EQ(0, nx_write(S "level", "prediction"));
}

FIXTURE_TEARDOWN(disk)
{
	int i;

	for (i = 0; i < self->npids; i++) {
		kill(self->pids[i], SIGKILL);
		waitpid(self->pids[i], NULL, 0);
	}
	nx_rmmod("scsi_debug");
	if (nx_loaded())
		nx_write(S "preset", "default");
}

/* Every kind has its counters in sysfs, read-only, one number each. */
TEST_F(disk, counters_in_sysfs)
{
	static const char *const kinds[] = {
		"crash", "deadlock", "out_of_memory", "memory_leak",
		"cpu_starvation", "io_stall", "stack_overflow", "livelock",
		"resource_exhaustion", "degradation", "corruption",
	};
	static const char *const files[] = {
		"raised", "confirmed", "false_alarms", "missed",
		"median_lead_ms",
	};
	char path[128];
	struct stat st;
	unsigned int k, f;

	for (k = 0; k < ARRAY_SIZE(kinds); k++)
		for (f = 0; f < ARRAY_SIZE(files); f++) {
			snprintf(path, sizeof(path), P "%s/%s", kinds[k],
				 files[f]);
			ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
			EXPECT_EQ(0400, st.st_mode & 0777) TH_LOG("%s", path);
			EXPECT_LE(-1, nx_read_ll(path)) TH_LOG("%s", path);
			EXPECT_EQ(-EACCES, nx_write(path, "0"))
				TH_LOG("%s", path);
		}
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/predictions",
				     "# id kind confidence ttf_ms component"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/forecasts",
				     "\ncpu.util "));
}

/*
 * Errors rising on a scsi_debug disk: Corruption before half of its
 * requests fail, confirmed by that failure.
 */
TEST_F_TIMEOUT(disk, rising_errors_predict_corruption, 120)
{
	long long c0, c1, median;
	double t0, first = 0;
	bool early = false;
	char disk[32];
	struct nx_pred p;
	int status;

	if (nx_sdebug_load("ndelay=100000 opts=2", disk, sizeof(disk)))
		SKIP(return, "no scsi_debug disk");
	c0 = nx_read_ll(P "corruption/confirmed");
	ASSERT_LE(0, c0);
	self->pids[0] = start_error_reader(disk, 6, 30);
	ASSERT_LT(0, self->pids[0]);
	self->npids = 1;
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 40) {
		nx_msleep(250);
		if (read_dump() <= 0)
			continue;
		if (!nx_pred_find(dump, "corruption", NULL, disk, &p)) {
			if (nx_now_s() - t0 < 6)
				early = true;
			if (!first) {
				first = nx_now_s();
				TH_LOG("raised %.1f s after the errors began:",
				       first - t0 - 6);
				TH_LOG("conf %u ttf %llu %s \"%s\"", p.conf,
				       p.ttf, p.action, p.comp);
			}
		}
		if (first && nx_read_ll(P "corruption/confirmed") > c0)
			break;
		if (waitpid(self->pids[0], &status, WNOHANG) == self->pids[0]) {
			self->npids = 0;
			ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("reader status %d", status);
			break;
		}
	}
	EXPECT_FALSE(early) TH_LOG("%s", dump);
	ASSERT_NE(0, first) TH_LOG("no Corruption on %s\n%s", disk, dump);
	EXPECT_GE(p.conf, 600);
	EXPECT_STREQ(disk, p.comp);
	c1 = nx_read_ll(P "corruption/confirmed");
	EXPECT_LT(c0, c1) TH_LOG("%s", dump);
	median = nx_read_ll(P "corruption/median_lead_ms");
	EXPECT_LT(0, median) TH_LOG("%s", dump);
	TH_LOG("confirmed %lld, median lead %lld ms", c1, median);
}

/*
 * Eight readers of a disk taking 200 ms a command stall on I/O.  The disk
 * is loaded fast (its SCSI scan at 200 ms a command is an I/O stall of
 * its own) and slowed down once no IoStall is active.
 */
TEST_F_TIMEOUT(disk, slow_disk_raises_io_stall, 90)
{
	unsigned long long before = 0;
	char disk[32], dev[64], *l;
	bool seen = false;
	struct nx_pred p;
	double t0;
	int i;

	if (nx_sdebug_load("ndelay=100000", disk, sizeof(disk)))
		SKIP(return, "no scsi_debug disk");
	for (i = 0; i < 60 && read_dump() > 0 &&
	     !nx_pred_find(dump, "io_stall", "active", NULL, &p); i++)
		nx_msleep(250);
	ASSERT_GT(60, i) TH_LOG("an IoStall stays active\n%s", dump);
	/* the newest finding so far: the one to come has a larger id */
	for (l = dump; l; l = l ? l + 1 : NULL) {
		unsigned long long id;

		if (sscanf(l, "%llu ", &id) == 1 && id > before)
			before = id;
		l = strchr(l, '\n');
	}
	ASSERT_EQ(0, nx_sdebug_ndelay("200000000"));
	snprintf(dev, sizeof(dev), "/dev/%s", disk);
	for (i = 0; i < 8; i++) {
		pid_t pid = fork();

		if (!pid) {
			void *buf;
			int fd = open(dev, O_RDONLY | O_DIRECT);

			if (fd < 0 || posix_memalign(&buf, 4096, 4096))
				_exit(1);
			for (;;)
				if (pread(fd, buf, 4096, (off_t)i * 4096) != 4096)
					_exit(2);
		}
		ASSERT_LT(0, pid);
		self->pids[self->npids++] = pid;
	}
	t0 = nx_now_s();
	while (!seen && nx_now_s() - t0 < 30) {
		nx_msleep(250);
		seen = read_dump() > 0 &&
		       !nx_pred_find(dump, "io_stall", "active", NULL, &p) &&
		       p.id > before;
	}
	ASSERT_TRUE(seen) TH_LOG("%s", dump);
	TH_LOG("raised %.1f s after the readers started: conf %u ttf %llu %s \"%s\"",
	       nx_now_s() - t0, p.conf, p.ttf, p.action, p.comp);
	EXPECT_GE(p.conf, 600);
}

TEST_HARNESS_MAIN
