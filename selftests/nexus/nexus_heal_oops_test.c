// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_heal: an oops in a component's code is a fault of that component.
 * nexus_test_oops's worker thread writes through a NULL pointer; the
 * kernel kills it, nexus_heal's die notifier names the module, and its
 * component oops0 gets fault class 15 (NEXUS_HEAL_FAULT_OOPS) and a plan
 * whose SoftReset starts a new worker, before the component's own
 * watchdog (3 s without a heartbeat) could see the worker gone.  At
 * correction the plan is only shown.
 *
 * This program oopses the kernel on purpose, so it is not in the main
 * kselftest run: tools/check.sh runs it in a VM of its own, booted with
 * `nexus-vm --expect-oops nexus_test_oops`, which accepts oopses in that
 * module's code and no other report.
 */
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define H NEXUS_SYSFS "/modules/heal/"
#define TO "/sys/module/nexus_test_oops/parameters/"
#define DUMP NEXUS_DEBUGFS "/heal"
#define HEAL_KO "/opt/nexus/modules/nexus_heal.ko"
#define TO_KO NEXUS_TEST_MODULES "/nexus_test_oops.ko"
#define FAULT_OOPS 15

static char dump[65536];

/*
 * The dump's last line starting with @prefix and containing @needle, into
 * @line; 0 if found.
 */
static int find_line(const char *prefix, const char *needle, char *line,
		     size_t size)
{
	char *l = dump;
	int found = -1;

	if (nx_read_all(DUMP, dump, sizeof(dump)) < 0)
		return -1;
	while (l && *l) {
		char *end = strchr(l, '\n');

		if (end)
			*end = '\0';
		if (!strncmp(l, prefix, strlen(prefix)) && strstr(l, needle)) {
			size_t k = strnlen(l, size - 1);

			memcpy(line, l, k);
			line[k] = '\0';
			found = 0;
		}
		l = end ? end + 1 : NULL;
	}
	return found;
}

/* Wait up to @ms for a finished oops0 plan with status @status. */
static int wait_plan(const char *status, char *line, size_t size,
		     unsigned int ms)
{
	char want[64];
	unsigned int t;

	snprintf(want, sizeof(want), "fault %d %s", FAULT_OOPS, status);
	for (t = 0; t <= ms; t += 100) {
		if (!find_line("plan ", " oops0 ", line, size) &&
		    strstr(line, want))
			return 0;
		nx_msleep(100);
	}
	return -1;
}

FIXTURE(oops) {
	char line[1024];
	char log[256];
};

FIXTURE_SETUP(oops)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(H "poll_ms", F_OK) && nx_insmod(HEAL_KO, NULL))
		SKIP(return, "nexus_heal is not loaded");
	if (access(TO_KO, R_OK))
		SKIP(return, "nexus_test_oops.ko missing");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "10000"));
	ASSERT_EQ(0, nx_write(H "poll_ms", "200"));
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	nx_rmmod("nexus_test_oops");
	ASSERT_EQ(0, nx_insmod(TO_KO, NULL));
	ASSERT_EQ(1, nx_read_ll(TO "workers"));
}

FIXTURE_TEARDOWN(oops)
{
	nx_rmmod("nexus_test_oops");
	nx_write(H "poll_ms", "1000");
	if (nx_loaded())
		nx_write(S "preset", "default");
}

TEST_F(oops, oops_in_component_code_is_healed)
{
	char *hist;

	EXPECT_EQ(-EINVAL, nx_write(TO "oops", "0"));
	EXPECT_EQ(-EINVAL, nx_write(TO "oops", "maybe"));
	ASSERT_EQ(0, nx_write(TO "oops", "1"));

	ASSERT_EQ(0, wait_plan("succeeded", self->line, sizeof(self->line),
			       10000)) TH_LOG("no succeeded oops plan: %s",
					      dump);
	EXPECT_TRUE(!!strstr(self->line, " soft_reset:ok:"))
		TH_LOG("plan: %s", self->line);
	EXPECT_EQ(2, nx_read_ll(TO "workers"));
	ASSERT_LE(0, nx_read(TO "log", self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset ", self->log);

	/* the oops, attributed: the worker, the module, one component */
	ASSERT_EQ(0, find_line("oops ", " nexus_test_oops ", self->line,
			       sizeof(self->line))) TH_LOG("%s", dump);
	EXPECT_TRUE(!!strstr(self->line, " nxto_worker nexus_test_oops 1 to_work+"))
		TH_LOG("oops line: %s", self->line);

	/* healthy, one failure of class 15, none of the watchdog's class 1 */
	ASSERT_EQ(0, find_line("component oops0 ", "", self->line,
			       sizeof(self->line)));
	EXPECT_TRUE(!!strstr(self->line, " oopsy ok "))
		TH_LOG("component: %s", self->line);
	hist = strstr(self->line, " 15:1");
	EXPECT_TRUE(hist && !hist[5]) TH_LOG("component: %s", self->line);
	EXPECT_TRUE(!strstr(self->line, " 1:"))
		TH_LOG("component: %s", self->line);

	/* the new worker beats: still healthy after the watchdog's 3 s */
	nx_msleep(4000);
	ASSERT_EQ(0, find_line("component oops0 ", "", self->line,
			       sizeof(self->line)));
	EXPECT_TRUE(!!strstr(self->line, " oopsy ok "))
		TH_LOG("component: %s", self->line);
}

TEST_F(oops, oops_at_correction_is_only_shown)
{
	ASSERT_EQ(0, nx_write(S "level", "correction"));
	ASSERT_EQ(0, nx_write(TO "oops", "1"));
	ASSERT_EQ(0, wait_plan("suggested", self->line, sizeof(self->line),
			       10000)) TH_LOG("no suggested oops plan: %s",
					      dump);
	EXPECT_EQ(1, nx_read_ll(TO "workers"));
	ASSERT_LE(0, nx_read(TO "log", self->log, sizeof(self->log)));
	EXPECT_STREQ("", self->log);
	/* a second oops is refused: the worker is gone until healed */
	EXPECT_EQ(-ESRCH, nx_write(TO "oops", "1"));

	/* at healing the plan runs, and the worker is back */
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	ASSERT_EQ(0, nx_wait_above(TO "workers", 15000, 1) > 1 ? 0 : -1);
}

TEST_HARNESS_MAIN
