// SPDX-License-Identifier: GPL-2.0
/*
 * tune.lockdep_sysfs_vs_knob_io: the reproducer of a lock-order report of
 * the debug kernel (Documentation/debug-kernel.rst).  nexus_tune reads
 * procfs and sysfs files under its lock, at load and in its tick; its own
 * sysfs handlers (hw/disks, enable/<knob>, rollback) and heal's "inject"
 * store took that lock under kernfs' of->mutex, which reading a sysfs
 * file takes after it.  Here each of those handlers runs while the tick
 * reads the knob files: under lockdep the old order is reported and the
 * VM run fails.  On every kernel the handlers must still do their work.
 * Short, so that the debug kernel's CI subset can run it.
 */
#include <errno.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define T NEXUS_SYSFS "/modules/tune/"
#define H NEXUS_SYSFS "/modules/heal/"
#define DISK "nullb0"

FIXTURE(tune) {
	char level[32];
};

FIXTURE_SETUP(tune)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(T "rollback", F_OK))
		SKIP(return, "nexus_tune is not loaded");
	/* any null_blk will do: tune only has to see a disk */
	if (access("/sys/block/" DISK, F_OK) &&
	    system("nx-modprobe null_blk nr_devices=1 >/dev/null 2>&1"))
		SKIP(return, "no null_blk");
	ASSERT_LT(0, nx_read(S "level", self->level, sizeof(self->level)));
	self->level[strcspn(self->level, "\t\n ")] = '\0';
	ASSERT_EQ(0, nx_write(S "level", "correction"));
}

FIXTURE_TEARDOWN(tune)
{
	nx_write(T "enable/vm.swappiness", "0");
	nx_write(T "enable/read_ahead_kb", "0");
	nx_write(S "chaos/enabled", "0");
	if (self->level[0])
		nx_write(S "level", self->level);
}

TEST_F_TIMEOUT(tune, lockdep_sysfs_vs_knob_io, 60)
{
	bool heal = !access(H "inject", F_OK);
	long long ticks0 = nx_read_ll(T "ticks");
	char buf[512];
	double t0;
	int n = 0;

	/* the tick reads these knobs' files at every run */
	ASSERT_EQ(0, nx_write(T "enable/vm.swappiness", "1"));
	ASSERT_EQ(0, nx_write(T "enable/read_ahead_kb", "1"));
	if (heal) {
		ASSERT_EQ(0, nx_write(S "chaos/targets", "8"));
		ASSERT_EQ(0, nx_write(S "chaos/enabled", "1"));
	}
	for (t0 = nx_now_s(); nx_now_s() - t0 < 3; n++) {
		ASSERT_LT(0, nx_read(T "hw/disks", buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, DISK ":virtual")) TH_LOG("%s", buf);
		EXPECT_EQ(0, nx_write(T "enable/read_ahead_kb", n & 1 ? "1" : "0"));
		EXPECT_EQ(n & 1, nx_read_ll(T "enable/read_ahead_kb"));
		EXPECT_EQ(0, nx_write(T "rollback", "1"));
		/* at correction nothing of tune's is in effect to regress */
		if (heal)
			EXPECT_EQ(-ENOENT, nx_write(H "inject", "tune 1"));
	}
	EXPECT_LT(ticks0, nx_read_ll(T "ticks")) TH_LOG("the tick did not run");
	TH_LOG("%d rounds", n);
}

TEST_HARNESS_MAIN
