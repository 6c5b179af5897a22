// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs ABI of nexus_core: every file, valid and invalid writes.
 */
#include "kselftest_harness.h"
#include "nexus_test.h"

FIXTURE(sysfs) {
	char saved_level[32];
};

FIXTURE_SETUP(sysfs)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	ASSERT_GT(nx_read(NEXUS_SYSFS "/level", self->saved_level,
			  sizeof(self->saved_level)), 0);
}

FIXTURE_TEARDOWN(sysfs)
{
	if (nx_loaded())
		nx_write(NEXUS_SYSFS "/level", self->saved_level);
}

TEST_F(sysfs, level_by_number)
{
	char buf[32];

	ASSERT_EQ(0, nx_write(NEXUS_SYSFS "/level", "3"));
	ASSERT_GT(nx_read(NEXUS_SYSFS "/level", buf, sizeof(buf)), 0);
	EXPECT_EQ('3', buf[0]);
}

TEST_F(sysfs, level_out_of_range)
{
	char before[32], after[32];

	ASSERT_GT(nx_read(NEXUS_SYSFS "/level", before, sizeof(before)), 0);
	EXPECT_EQ(-ERANGE, nx_write(NEXUS_SYSFS "/level", "7"));
	EXPECT_EQ(-EINVAL, nx_write(NEXUS_SYSFS "/level", "fast"));
	ASSERT_GT(nx_read(NEXUS_SYSFS "/level", after, sizeof(after)), 0);
	EXPECT_STREQ(before, after);
}

TEST_HARNESS_MAIN
