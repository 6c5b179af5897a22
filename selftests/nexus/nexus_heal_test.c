// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_heal: recovery plans on the test component nexus_test_component
 * (tc0): a soft reset fixes a transient fault, a rollback to a checkpoint
 * fixes corruption, a persistent fault escalates to quarantine and then
 * survival mode; learning starts the next plan at the rung that worked;
 * a hanging step times out; the attempts cap; disabled and unsupported
 * rungs are skipped; at correction the plan is shown, not run; chaos is
 * reproducible from its seed and refused without opt-in; every knob
 * rejects bad values; unregistering tc0 or unloading nexus_heal mid-plan
 * leaves tc0 consistent; a prediction naming tc0 and recommending
 * recovery starts a plan before tc0's own health check fails.
 *
 * The health poll runs every 200 ms so plans start within a second.
 */
#include <time.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define H NEXUS_SYSFS "/modules/heal/"
#define TC "/sys/module/nexus_test_component/parameters/"
#define DUMP NEXUS_DEBUGFS "/heal"
#define C0 H "components/tc0/"
#define LEARN NEXUS_DEBUGFS "/heal_learn"
#define HEAL_KO "/opt/nexus/modules/nexus_heal.ko"
#define TC_KO NEXUS_TEST_MODULES "/nexus_test_component.ko"

static char dump[65536];

/* 1 if @line has @str. */
static int has(const char *line, const char *str)
{
	return !!strstr(line, str);
}

static int read_file(const char *path)
{
	return nx_read_all(path, dump, sizeof(dump));
}

/*
 * The last finished plan of tc0 in the dump into @line (its id returned),
 * or 0 if there is none.
 */
static unsigned long long last_plan(char *line, size_t size)
{
	unsigned long long id = 0, pid;
	char comp[32], status[32];
	char *l = dump;

	if (read_file(DUMP) < 0)
		return 0;
	while (l && *l) {
		char *end = strchr(l, '\n');

		if (end)
			*end = '\0';
		if (sscanf(l, "plan %llu %31s fault %*u %31s", &pid, comp,
			   status) == 3 && !strcmp(comp, "tc0") &&
		    strcmp(status, "running") && pid > id) {
			size_t k = strlen(l);

			if (k >= size)
				k = size - 1;
			memcpy(line, l, k);
			line[k] = '\0';
			id = pid;
		}
		l = end ? end + 1 : NULL;
	}
	return id;
}

/* Wait up to @ms for a tc0 plan newer than @prev; its id, or 0. */
static unsigned long long wait_plan(unsigned long long prev, char *line,
				    size_t size, unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t += 100) {
		unsigned long long id = last_plan(line, size);

		if (id > prev)
			return id;
		nx_msleep(100);
	}
	return 0;
}

static int tc_log(char *buf, size_t size)
{
	return nx_read(TC "log", buf, size);
}

/* Wait for tc0 to have a checkpoint, so that full rollback is a rung. */
static long long wait_checkpoint(void)
{
	return nx_wait_above(TC "checkpoints", 10000, 0);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

FIXTURE(heal) {
	unsigned long long prev;
	char line[1024];
	char log[512];
};

FIXTURE_SETUP(heal)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(H "poll_ms", F_OK) && nx_insmod(HEAL_KO, NULL))
		SKIP(return, "nexus_heal is not loaded");
	if (access(TC_KO, R_OK))
		SKIP(return, "test component missing");
	nx_rmmod("nexus_test_component");
	/*
	 * The tests wait for Running after a plan; under TCG the preset keeps
	 * nx-load's cpu_budget_percent=50, so the 1% budget is no Degraded
	 * cause of its own on a busy host.
	 */
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "healing/checkpoint_interval_ms", "300"));
	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "8"));
	/* Steps take milliseconds; a wide timeout for slow emulation. */
	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "10000"));
	ASSERT_EQ(0, nx_write(H "poll_ms", "200"));
	ASSERT_EQ(0, nx_write(H "learning", "1"));
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	ASSERT_EQ(0, nx_insmod(TC_KO, NULL));
	self->prev = last_plan(self->line, sizeof(self->line));
}

FIXTURE_TEARDOWN(heal)
{
	nx_write(TC "clear", "1");
	nx_rmmod("nexus_test_component");
	if (access(H "poll_ms", F_OK))
		nx_insmod(HEAL_KO, NULL);
	nx_write(H "poll_ms", "1000");
	nx_write(H "learning", "1");
	nx_write(H "learn_reset", "1");
	if (nx_loaded())
		nx_write(S "preset", "default");
}

/* Lines of the last read_file() that start with @prefix. */
static int count_lines(const char *prefix)
{
	const char *l;
	int n = 0;

	for (l = dump; l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		n += !strncmp(l, prefix, strlen(prefix));
	}
	return n;
}

TEST_F(heal, knobs_reject_bad_values)
{
	int chaos0;

	EXPECT_EQ(-EINVAL, nx_write(H "poll_ms", "often"));
	EXPECT_EQ(-EINVAL, nx_write(H "poll_ms", "-1"));
	EXPECT_EQ(-ERANGE, nx_write(H "poll_ms", "99"));
	EXPECT_EQ(-ERANGE, nx_write(H "poll_ms", "60001"));
	EXPECT_EQ(-ERANGE, nx_write(H "poll_ms", "99999999999"));
	EXPECT_EQ(200, nx_read_ll(H "poll_ms"));
	EXPECT_EQ(-ERANGE, nx_write(H "learning", "2"));
	EXPECT_EQ(-EINVAL, nx_write(H "learning", "yes"));
	EXPECT_EQ(1, nx_read_ll(H "learning"));
	EXPECT_EQ(-EINVAL, nx_write(H "learn_reset", "0"));
	EXPECT_EQ(-EINVAL, nx_write(H "learn_reset", "now"));

	/* inject: refused while chaos is off or lacks the component target */
	ASSERT_LT(0, read_file(DUMP));
	chaos0 = count_lines("chaos ");
	EXPECT_EQ(-EPERM, nx_write(H "inject", "tc0 1"));
	ASSERT_EQ(0, nx_write(S "chaos/enabled", "1"));
	ASSERT_EQ(0, nx_write(S "chaos/targets", "1"));
	EXPECT_EQ(-EPERM, nx_write(H "inject", "tc0 1"));
	ASSERT_EQ(0, nx_write(S "chaos/targets", "8"));
	EXPECT_EQ(-EINVAL, nx_write(H "inject", "tc0"));
	EXPECT_EQ(-EINVAL, nx_write(H "inject", "tc0 one"));
	EXPECT_EQ(-EINVAL, nx_write(H "inject", "tc0 1 2"));
	EXPECT_EQ(-ERANGE, nx_write(H "inject", "tc0 0"));
	EXPECT_EQ(-ERANGE, nx_write(H "inject", "tc0 16"));
	EXPECT_EQ(-ENOENT, nx_write(H "inject", "nosuch 1"));
	/* tc1 did not opt in; tc0 did for classes 1..4 only */
	EXPECT_EQ(-EOPNOTSUPP, nx_write(H "inject", "tc1 1"));
	EXPECT_EQ(-EOPNOTSUPP, nx_write(H "inject", "tc0 5"));
	EXPECT_EQ(0, nx_read_ll(TC "fault"));
	ASSERT_LT(0, read_file(DUMP));
	EXPECT_EQ(chaos0, count_lines("chaos "));
	/* accepted: the fault is injected, recorded, and healed */
	EXPECT_EQ(0, nx_write(H "inject", "tc0 1"));
	EXPECT_TRUE(nx_file_contains(DUMP, " 0 tc0 1 demand\n"));
	EXPECT_NE(0ULL, wait_plan(self->prev, self->line, sizeof(self->line),
				  20000));
	EXPECT_TRUE(has(self->line, "steps soft_reset:ok"));
}

TEST_F(heal, soft_reset_fixes_transient_fault)
{
	long long ok0 = nx_read_ll(H "plans_succeeded");
	int fd = nx_uevent_socket();
	unsigned long long id;
	char ev[4096], want[64];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nx_write(TC "fault", "1"));
	id = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, id);
	/* the plan's start and success were uevents on /dev/nexus */
	ASSERT_EQ(0, nx_uevent_wait(fd, "NEXUS_COMPONENT=tc0", 3000, ev, sizeof(ev)));
	snprintf(want, sizeof(want), "\nNEXUS_DETAIL=heal plan %llu started: ", id);
	EXPECT_TRUE(has(ev, want)) TH_LOG("%s", ev);
	EXPECT_TRUE(has(ev, "\nNEXUS_SOURCE=heal\n")) TH_LOG("%s", ev);
	EXPECT_TRUE(has(ev, "\nNEXUS_STATE=active\n")) TH_LOG("%s", ev);
	ASSERT_EQ(0, nx_uevent_wait(fd, "NEXUS_COMPONENT=tc0", 3000, ev, sizeof(ev)));
	snprintf(want, sizeof(want), "\nNEXUS_DETAIL=heal plan %llu succeeded: ", id);
	EXPECT_TRUE(has(ev, want)) TH_LOG("%s", ev);
	EXPECT_TRUE(has(ev, "\nNEXUS_STATE=resolved\n")) TH_LOG("%s", ev);
	close(fd);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 1 succeeded ladder steps soft_reset:ok:0:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset", self->log);
	EXPECT_EQ(0, nx_read_ll(TC "fault"));
	EXPECT_EQ(ok0 + 1, nx_read_ll(H "plans_succeeded"));
	/* the step is an audited decision, applied at level healing */
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing soft_recover applied 0 500 heal tc0 1 0 plan "));
	/* a plan start and end were announced as findings */
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/findings", "heal plan "));
	EXPECT_EQ(0, nx_wait_str(S "state", "running", 5000));
}

TEST_F(heal, rollback_fixes_corruption)
{
	ASSERT_LT(0, wait_checkpoint());
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	ASSERT_NE(0ULL, wait_plan(self->prev, self->line, sizeof(self->line),
				  20000));
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 2 succeeded ladder steps soft_reset:failed:-11:"));
	EXPECT_TRUE(has(self->line, " hard_reset:failed:-11:"));
	EXPECT_TRUE(has(self->line, " micro_rollback:failed:-11:"));
	EXPECT_TRUE(has(self->line, " full_rollback:ok:0:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset,hard_reset,micro_rollback,full_rollback",
		     self->log);
	EXPECT_EQ(0, nx_read_ll(TC "fault"));
	EXPECT_LT(0, nx_read_ll(TC "restored"));
}

TEST_F(heal, quarantine_then_survival)
{
	ASSERT_EQ(0, nx_write(S "healing/enable_quarantine", "1"));
	ASSERT_LT(0, wait_checkpoint());
	ASSERT_EQ(0, nx_write(TC "fault", "3"));
	ASSERT_NE(0ULL, wait_plan(self->prev, self->line, sizeof(self->line),
				  30000));
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 3 succeeded "));
	EXPECT_TRUE(has(self->line, " quarantine:failed:-11:"));
	EXPECT_TRUE(has(self->line, " survival_mode:ok:0:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset,hard_reset,micro_rollback,full_rollback,quarantine,survival_mode",
		     self->log);
	EXPECT_EQ(2, nx_read_ll(TC "mode"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing isolate failed -11 "));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing survival_mode applied 0 "));
}

TEST_F(heal, learning_starts_at_the_rung_that_worked)
{
	ASSERT_LT(0, wait_checkpoint());
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	TH_LOG("1: %s", self->line);
	EXPECT_TRUE(has(self->line, " succeeded ladder steps soft_reset:failed"));

	/* The same fault again: the plan's first step is full_rollback. */
	ASSERT_EQ(0, nx_write(TC "clear", "1"));
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	TH_LOG("2: %s", self->line);
	EXPECT_TRUE(has(self->line, " succeeded learned steps full_rollback:ok:0:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("full_rollback", self->log);
	/* the table: Beta(1,1) posterior means, per-mille */
	EXPECT_TRUE(nx_file_contains(LEARN, "learn test 2 full_rollback 2 0 750"));
	EXPECT_TRUE(nx_file_contains(LEARN, "learn test 2 soft_reset 0 1 333"));

	/* learning off: the plain ladder again */
	ASSERT_EQ(0, nx_write(H "learning", "0"));
	ASSERT_EQ(0, nx_write(TC "clear", "1"));
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	EXPECT_TRUE(has(self->line, " succeeded ladder steps soft_reset:failed"));

	/* reset: the table is empty and the ladder starts at the bottom */
	ASSERT_EQ(0, nx_write(H "learning", "1"));
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	EXPECT_FALSE(nx_file_contains(LEARN, "\nlearn "));
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	EXPECT_TRUE(has(self->line, " succeeded ladder steps soft_reset:failed"));
}

TEST_F(heal, hanging_step_times_out)
{
	unsigned int ms = 0;
	long long t0 = nx_read_ll(S "ticks");
	char *p;

	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "2000"));
	ASSERT_EQ(0, nx_write(TC "fault", "4"));
	/* the core is in Healing while the plan runs, and keeps ticking */
	EXPECT_EQ(0, nx_wait_str(S "state", "healing", 10000));
	EXPECT_EQ(0, nx_wait_str(TC "inflight", "1", 10000));
	ASSERT_NE(0ULL, wait_plan(self->prev, self->line, sizeof(self->line),
				  30000));
	TH_LOG("%s", self->line);
	EXPECT_LT(t0, nx_read_ll(S "ticks"));
	p = strstr(self->line, " steps soft_reset:timeout:-110:");
	ASSERT_NE(NULL, p);
	ms = strtoul(p + strlen(" steps soft_reset:timeout:-110:"), NULL, 10);
	EXPECT_LE(1900, ms);
	EXPECT_GE(15000, ms);
	EXPECT_TRUE(has(self->line, " hard_reset:ok:0:"));
	EXPECT_TRUE(has(self->line, " tc0 fault 4 succeeded "));
	EXPECT_LE(1, nx_read_ll(TC "aborts"));
	EXPECT_EQ(0, nx_read_ll(TC "fault"));
	EXPECT_EQ(0, nx_wait_str(S "state", "running", 5000));
	EXPECT_EQ(0, nx_wait_str(TC "inflight", "0", 5000));
}

TEST_F(heal, attempts_cap_then_back_off)
{
	long long g0 = nx_read_ll(H "plans_gave_up"), r;
	unsigned long long id;

	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "2"));
	ASSERT_EQ(0, nx_write(TC "fault", "3"));
	id = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, id);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 3 gave_up ladder steps soft_reset:failed:-11:"));
	EXPECT_TRUE(has(self->line, " hard_reset:failed:-11:"));
	EXPECT_TRUE(has(self->line, " micro_rollback:not_run:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset,hard_reset", self->log);
	EXPECT_EQ(g0 + 1, nx_read_ll(H "plans_gave_up"));
	/* no new plan for the same fault while it persists */
	r = nx_read_ll(TC "recovers");
	nx_msleep(2000);
	EXPECT_EQ(id, last_plan(self->line, sizeof(self->line)));
	EXPECT_EQ(r, nx_read_ll(TC "recovers"));
	/* until the component reports it again */
	ASSERT_EQ(0, nx_write(TC "report", "3"));
	EXPECT_LT(id, wait_plan(id, self->line, sizeof(self->line), 20000));
}

TEST_F(heal, disabled_and_unsupported_rungs_skipped)
{
	ASSERT_EQ(0, nx_write(S "healing/enable_micro_rollback", "0"));
	ASSERT_LT(0, wait_checkpoint());
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " skip micro_rollback:disabled reconstruct:disabled "));
	EXPECT_TRUE(has(self->line, " substitute:disabled quarantine:disabled "));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset,hard_reset,full_rollback", self->log);

	/* a component without hard reset: that rung is skipped too */
	ASSERT_EQ(0, nx_rmmod("nexus_test_component"));
	ASSERT_EQ(0, nx_insmod(TC_KO, "caps=0x1fa"));
	ASSERT_LT(0, wait_checkpoint());
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	ASSERT_EQ(0, nx_write(TC "fault", "2"));
	self->prev = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, self->prev);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " skip hard_reset:unsupported micro_rollback:disabled "));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset,full_rollback", self->log);
}

TEST_F(heal, correction_shows_plan_without_running_it)
{
	unsigned long long id;

	ASSERT_EQ(0, nx_write(S "level", "correction"));
	ASSERT_EQ(0, nx_write(TC "fault", "1"));
	id = wait_plan(self->prev, self->line, sizeof(self->line), 20000);
	ASSERT_NE(0ULL, id);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 1 suggested ladder steps soft_reset:suggested:0:"));
	EXPECT_TRUE(has(self->line, " hard_reset:suggested:"));
	EXPECT_EQ(0, nx_read_ll(TC "recovers"));
	EXPECT_EQ(1, nx_read_ll(TC "fault"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " correction soft_recover suggested 0 "));
	/* shown once, not again every poll */
	nx_msleep(1500);
	EXPECT_EQ(id, last_plan(self->line, sizeof(self->line)));
	EXPECT_EQ(0, nx_read_ll(TC "recovers"));
	/* at healing it runs */
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	ASSERT_LT(id, wait_plan(id, self->line, sizeof(self->line), 20000));
	EXPECT_TRUE(has(self->line, " succeeded ladder steps soft_reset:ok:0:"));
	EXPECT_EQ(0, nx_read_ll(TC "fault"));
}

/*
 * The faults of the first @n injections at a rate of the newest epoch (a
 * seeding of the sequence) above @after, from the chaos log, into @out;
 * the epoch into @epoch.  Returns how many, -2 if one hit another
 * component than tc0.
 */
static int chaos_seq(char *out, int n, unsigned long long after,
		     unsigned long long *epoch)
{
	unsigned long long e, idx, newest = 0;
	unsigned int fault;
	char comp[32], how[16];
	char *l;
	int got = 0;

	if (read_file(DUMP) < 0)
		return -1;
	for (l = strstr(dump, "\nchaos "); l; l = strstr(l + 1, "\nchaos "))
		if (sscanf(l + 1, "chaos %llu %llu %31s %u %15s", &e, &idx, comp,
			   &fault, how) == 5 && !strcmp(how, "rate")) {
			if (strcmp(comp, "tc0"))
				return -2;
			if (e > newest)
				newest = e;
		}
	*epoch = newest;
	if (newest <= after)
		return 0;
	for (l = strstr(dump, "\nchaos "); l && got < n;
	     l = strstr(l + 1, "\nchaos "))
		if (sscanf(l + 1, "chaos %llu %llu %31s %u %15s", &e, &idx, comp,
			   &fault, how) == 5 && !strcmp(how, "rate") &&
		    e == newest && idx == (unsigned long long)got)
			out[got++] = '0' + fault;
	out[got] = '\0';
	return got;
}

static int chaos_wait(char *out, int n, unsigned long long after,
		      unsigned long long *epoch)
{
	int t, got = 0;

	for (t = 0; t < 300 && got < n; t++) {
		nx_msleep(100);
		got = chaos_seq(out, n, after, epoch);
		if (got < 0)
			return got;
	}
	return got;
}

TEST_F(heal, chaos_at_a_rate_is_reproducible)
{
	unsigned long long e0 = 0, e1, e2, e3;
	char a[16], b[16], c[16];

	/* at detection nothing heals: tc0 just takes the faults */
	ASSERT_EQ(0, nx_write(S "level", "detection"));
	ASSERT_EQ(0, nx_write(H "poll_ms", "100"));
	ASSERT_EQ(0, nx_write(S "chaos/seed", "1234"));
	ASSERT_EQ(0, nx_write(S "chaos/targets", "8"));
	ASSERT_EQ(0, nx_write(S "chaos/rate_permille", "500"));
	chaos_seq(a, 0, 0, &e0);
	ASSERT_EQ(0, nx_write(S "chaos/enabled", "1"));
	ASSERT_EQ(8, chaos_wait(a, 8, e0, &e1));
	ASSERT_EQ(0, nx_write(S "chaos/enabled", "0"));
	nx_msleep(1000);
	ASSERT_EQ(0, nx_write(S "chaos/enabled", "1"));
	ASSERT_EQ(8, chaos_wait(b, 8, e1, &e2));
	TH_LOG("seed 1234: %s then %s", a, b);
	EXPECT_STREQ(a, b);
	/* another seed, another sequence (equal by chance: 4^-8) */
	ASSERT_EQ(0, nx_write(S "chaos/seed", "4321"));
	ASSERT_EQ(8, chaos_wait(c, 8, e2, &e3));
	TH_LOG("seed 4321: %s", c);
	EXPECT_STRNE(a, c);
	ASSERT_EQ(0, nx_write(S "chaos/enabled", "0"));
}

TEST_F(heal, unregister_mid_plan_leaves_component_consistent)
{
	double t;

	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "60000"));
	ASSERT_EQ(0, nx_write(TC "fault", "4"));
	/* a soft reset hangs in tc0 */
	ASSERT_EQ(0, nx_wait_str(S "state", "healing", 10000));
	ASSERT_EQ(0, nx_wait_str(TC "inflight", "1", 10000));
	/* the component's module cannot go while its step runs */
	EXPECT_NE(0, nx_rmmod("nexus_test_component"));
	/* unregistering aborts the step and waits for it */
	t = now_ms();
	ASSERT_EQ(0, nx_write(TC "unregister", "1"));
	EXPECT_GT(10000, now_ms() - t);
	EXPECT_EQ(0, nx_read_ll(TC "registered"));
	EXPECT_EQ(0, nx_read_ll(TC "inflight"));
	EXPECT_LE(1, nx_read_ll(TC "aborts"));
	EXPECT_FALSE(nx_file_contains(DUMP, "component tc0 "));
	ASSERT_NE(0ULL, last_plan(self->line, sizeof(self->line)));
	EXPECT_TRUE(has(self->line, " tc0 fault 4 aborted "));
	EXPECT_EQ(0, nx_wait_str(S "state", "running", 5000));
	/* nothing calls tc0 any more */
	nx_msleep(1000);
	EXPECT_EQ(0, nx_read_ll(TC "late_calls"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset", self->log);
	/* both modules unload cleanly now, and heal comes back */
	ASSERT_EQ(0, nx_rmmod("nexus_test_component"));
	ASSERT_EQ(0, nx_rmmod("nexus_heal"));
	ASSERT_EQ(0, nx_insmod(HEAL_KO, NULL));
	EXPECT_EQ(1000, nx_read_ll(H "poll_ms"));
	ASSERT_EQ(0, nx_insmod(TC_KO, NULL));
	EXPECT_TRUE(nx_file_contains(DUMP, "component tc0 test ok "));
}

/*
 * Components register with the core, not with nexus_heal: unloading heal
 * mid-plan aborts the hanging step and leaves tc0 registered and
 * consistent; the next nexus_heal takes it over.
 */
TEST_F(heal, rmmod_heal_mid_plan_leaves_component_consistent)
{
	double t;

	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "60000"));
	ASSERT_EQ(0, nx_write(TC "fault", "4"));
	ASSERT_EQ(0, nx_wait_str(TC "inflight", "1", 10000));
	t = now_ms();
	ASSERT_EQ(0, nx_rmmod("nexus_heal"));
	EXPECT_GT(10000, now_ms() - t);
	EXPECT_EQ(1, nx_read_ll(TC "registered"));
	EXPECT_EQ(0, nx_read_ll(TC "inflight"));
	EXPECT_LE(1, nx_read_ll(TC "aborts"));
	EXPECT_EQ(0, nx_wait_str(S "state", "running", 5000));
	nx_msleep(1000);
	EXPECT_EQ(0, nx_read_ll(TC "late_calls"));
	/* tc0 without a healer: its report is refused, not kept */
	EXPECT_EQ(-ENODEV, nx_write(TC "report", "1"));
	ASSERT_EQ(0, nx_write(TC "clear", "1"));
	ASSERT_EQ(0, nx_insmod(HEAL_KO, NULL));
	ASSERT_EQ(0, nx_write(H "poll_ms", "200"));
	EXPECT_TRUE(nx_file_contains(DUMP, "component tc0 test ok "));
	EXPECT_TRUE(nx_file_contains(DUMP, "component tc1 test ok "));
	/* and heals it again */
	ASSERT_EQ(0, nx_write(TC "fault", "1"));
	ASSERT_NE(0ULL, wait_plan(0, self->line, sizeof(self->line), 10000));
	EXPECT_TRUE(has(self->line, " tc0 fault 1 succeeded "))
		TH_LOG("%s", self->line);
}

/*
 * components/<name>/: one read-only value per file, there while the
 * component is attached.
 */
TEST_F(heal, component_sysfs_directory)
{
	static const char * const files[] = {
		"class", "health", "fault", "state", "failures", "plans",
		"checkpoints", "findings", "history", "strategies",
		"chaos_faults",
	};
	char path[128], buf[256];
	struct stat st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), C0 "%s", files[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0444, st.st_mode & 07777) TH_LOG("%s", path);
		EXPECT_EQ(-EACCES, nx_write(path, "1")) TH_LOG("%s", path);
	}
	EXPECT_EQ(0, access(H "components/system/health", R_OK));
	ASSERT_LT(0, nx_read(C0 "class", buf, sizeof(buf)));
	EXPECT_STREQ("test", buf);
	ASSERT_LT(0, nx_read(C0 "strategies", buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, "soft_reset hard_reset micro_rollback ", 37));
	EXPECT_TRUE(has(buf, " full_rollback reconstruct substitute quarantine survival_mode"));
	ASSERT_LT(0, nx_read(C0 "chaos_faults", buf, sizeof(buf)));
	EXPECT_STREQ("0x1e", buf);
	ASSERT_LT(0, nx_read(H "components/tc1/chaos_faults", buf, sizeof(buf)));
	EXPECT_STREQ("0x0", buf);
	ASSERT_LT(0, nx_read(C0 "history", buf, sizeof(buf)));
	EXPECT_STREQ("-", buf);
	/* a fault, healed: its history */
	ASSERT_EQ(0, nx_write(TC "fault", "1"));
	ASSERT_NE(0ULL, wait_plan(self->prev, self->line, sizeof(self->line),
				  10000));
	ASSERT_LT(0, nx_read(C0 "history", buf, sizeof(buf)));
	EXPECT_STREQ("1:1", buf);
	ASSERT_LT(0, nx_read(C0 "state", buf, sizeof(buf)));
	EXPECT_STREQ("succeeded", buf);
	ASSERT_LT(0, nx_read(C0 "health", buf, sizeof(buf)));
	EXPECT_STREQ("ok", buf);
	EXPECT_EQ(1, nx_read_ll(C0 "plans"));
	EXPECT_EQ(1, nx_read_ll(C0 "failures"));
	/* gone with the component */
	ASSERT_EQ(0, nx_write(TC "unregister", "1"));
	EXPECT_NE(0, access(C0 "health", F_OK));
	EXPECT_EQ(0, access(H "components/tc1/health", F_OK));
}

/*
 * An analyzer's finding naming tc0 reaches heal through the core: one
 * that only alerts starts nothing, one that recommends a soft recovery
 * starts a plan (fault class 0: reported, not seen by the health check).
 */
TEST_F(heal, prediction_naming_component_starts_plan)
{
	long long plans = nx_read_ll(H "plans");
	unsigned long long id;

	ASSERT_EQ(-EINVAL, nx_write(TC "predict", "tc0"));
	ASSERT_EQ(-ERANGE, nx_write(TC "predict", "tc0 8"));
	/* alert (1): noted, nothing done */
	ASSERT_EQ(0, nx_write(TC "predict", "tc0 1"));
	/* another component's name is not tc0's */
	ASSERT_EQ(0, nx_write(TC "predict", "tc01 3"));
	nx_msleep(1500);
	EXPECT_EQ(plans, nx_read_ll(H "plans"));
	/* soft_recover (3) */
	ASSERT_EQ(0, nx_write(TC "predict", "tc0 3"));
	id = wait_plan(self->prev, self->line, sizeof(self->line), 10000);
	ASSERT_NE(0ULL, id);
	TH_LOG("%s", self->line);
	EXPECT_TRUE(has(self->line, " tc0 fault 0 succeeded ladder steps soft_reset:ok:0:"));
	ASSERT_LT(0, tc_log(self->log, sizeof(self->log)));
	EXPECT_STREQ("soft_reset", self->log);
	/* the component line counts one finding (field 14) */
	ASSERT_LT(0, read_file(DUMP));
	EXPECT_TRUE(has(dump, " 0x1fe 0x1e 1 0:1")) TH_LOG("%s", dump);
	EXPECT_EQ(plans + 1, nx_read_ll(H "plans"));
}

TEST_HARNESS_MAIN
