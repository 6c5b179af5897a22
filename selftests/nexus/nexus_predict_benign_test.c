// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_predict on a benign load: 60 s of stress-ng CPU, cache, I/O, fork
 * and a 96 MB allocation that is made once and then kept (stress-ng vm
 * --vm-keep) must raise no OutOfMemory, MemoryLeak or ResourceExhaustion
 * prediction.  Under TCG on a busy host, touching memory runs at about
 * 30 MB/s, and at a third of that with the other stressors beside it, so
 * an allocation faulted in page by page grows steadily for longer than
 * the predictor's 5 s sustain gate and is, while it lasts, a leak by any
 * trend test (once on 6.1 it raised an OutOfMemory naming stress-ng-vm).
 * The allocation is populated at mmap() (--vm-populate), in the kernel,
 * the way a one-shot allocation of this size happens at native speed.
 * The leak, fd-leak and OOM tests show the same predictions do fire on
 * real failures; this one is their false-alarm side.  The sampler runs
 * every 250 ms, as in those tests.
 */
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define P NEXUS_SYSFS "/modules/predict/"
#define DUMP NEXUS_DEBUGFS "/predict"

static const char *const quiet_kinds[] = {
	"out_of_memory", "memory_leak", "resource_exhaustion",
};

#define NKINDS ARRAY_SIZE(quiet_kinds)

static char dump[65536];

/* Raised counts of the quiet kinds, and the forecaster's sample count. */
static int snapshot(long long raised[NKINDS], unsigned long long *samples)
{
	long long confirmed, falsep;
	unsigned int i;
	char *l;

	if (nx_read_all(DUMP, dump, sizeof(dump)) <= 0)
		return -1;
	for (i = 0; i < NKINDS; i++)
		if (nx_pred_score(dump, quiet_kinds[i], &raised[i], &confirmed,
				  &falsep))
			return -1;
	l = strstr(dump, "\nmem.available_kb ");
	if (!l || sscanf(l + 1, "%*s %*s %*s %*s %*s %*s %*s %llu",
			 samples) != 1)
		return -1;
	return 0;
}

FIXTURE(benign) {
	int unused;
};

FIXTURE_SETUP(benign)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(P "scan_ms", F_OK))
		SKIP(return, "nexus_predict is not loaded");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "tracing/sample_period_ms", "250"));
	ASSERT_EQ(0, nx_write(S "level", "prediction"));
}

FIXTURE_TEARDOWN(benign)
{
	if (nx_loaded())
		nx_write(S "preset", "default");
}

TEST_F_TIMEOUT(benign, mixed_load_raises_no_memory_prediction, 180)
{
	static const char *const mix[] = {
		"stress-ng", "--cpu", "1", "--cache", "1", "--fork", "1",
		"--hdd", "1", "--hdd-bytes", "8M", "--vm", "1",
		"--vm-bytes", "96M", "--vm-keep", "--vm-populate",
		"--timeout", "60s",
		"--temp-path", "/tmp", NULL,
	};
	long long before[NKINDS], after[NKINDS];
	unsigned long long s0, s1;
	int status = 0;
	unsigned int i;
	pid_t load;

	nx_msleep(3000);	/* a flat history first */
	ASSERT_EQ(0, snapshot(before, &s0)) TH_LOG("no scoreboard in %s", DUMP);

	load = nx_spawn(mix);
	ASSERT_LT(0, load);
	ASSERT_EQ(load, waitpid(load, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("stress-ng failed (status %#x)", status);
	nx_msleep(2000);

	ASSERT_EQ(0, snapshot(after, &s1));
	/* the predictor was watching all along, not stalled */
	EXPECT_LT(s0 + 150, s1) TH_LOG("forecaster samples %llu -> %llu", s0, s1);
	for (i = 0; i < NKINDS; i++) {
		EXPECT_EQ(before[i], after[i])
			TH_LOG("%s raised %lld times on a benign load:\n%s",
			       quiet_kinds[i], after[i] - before[i], dump);
	}
}

TEST_HARNESS_MAIN
