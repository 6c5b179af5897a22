// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_heal: survival mode when OOM is imminent.  A program leaking
 * memory (MemAvailable/20 per second, so that OOM is about 20 s away
 * whatever the earlier tests left in memory) makes nexus_predict raise
 * OutOfMemory naming it; at level healing nexus_heal's plan for the
 * component "system" climbs its ladder (free caches, shed NEXUS's own
 * low-priority work) and, as those do not stop the leak, kills the
 * predicted culprit before the kernel's OOM killer has to (its oom_kill
 * count does not move).  A bystander, another copy of the same program
 * that stopped growing at 16 MiB, lives.  The kill is refused, and the
 * refusal recorded, for a prediction that names no task, a task with
 * oom_score_adj -1000, a reused pid, init, a kernel thread or NEXUS's own
 * engine thread.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define H NEXUS_SYSFS "/modules/heal/"
#define DUMP NEXUS_DEBUGFS "/heal"

static char dump[65536];
static char pdump[16384];
static char exe[PATH_MAX];

/* The kernel's OOM kills so far (/proc/vmstat oom_kill). */
static long long oom_kills(void)
{
	char buf[16384], *p;

	if (nx_read_all("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\noom_kill ");
	return p ? atoll(p + 10) : -1;
}

/* MemAvailable in MiB, or -1. */
static long long mem_available_mib(void)
{
	char buf[4096], *p;

	if (nx_read_all("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "MemAvailable:");
	return p ? atoll(p + 13) / 1024 : -1;
}

FIXTURE(oom) {
	pid_t leaker;
	pid_t bystander;
};

FIXTURE_SETUP(oom)
{
	self->leaker = 0;
	self->bystander = 0;
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(H "survival", F_OK))
		SKIP(return, "nexus_heal is not loaded");
	if (access(NEXUS_SYSFS "/modules/predict", F_OK))
		SKIP(return, "nexus_predict is not loaded");
	ASSERT_EQ(0, nx_helper_path("nexus_leaker", exe, sizeof(exe)));
	ASSERT_EQ(0, nx_write("/proc/self/oom_score_adj", "-1000"));
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "3"));
	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "10000"));
	ASSERT_EQ(0, nx_write(H "poll_ms", "200"));
	ASSERT_EQ(0, nx_write(H "survival", "1"));
	ASSERT_EQ(0, nx_write(H "survival_permille", "600"));
	ASSERT_EQ(0, nx_write(H "survival_ttf_ms", "30000"));
}

/* The engine's shed_below_priority (debugfs budget), or -1. */
static int shed_below(void)
{
	static char buf[4096];
	char *l;
	int v;

	if (nx_read_all(NEXUS_DEBUGFS "/budget", buf, sizeof(buf)) <= 0)
		return -1;
	l = strstr(buf, "shed_below_priority ");
	return l && sscanf(l, "shed_below_priority %d", &v) == 1 ? v : -1;
}

/* 0 once no module is shed on request, within @ms. */
static int wait_shedding_ended(unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t += 100, nx_msleep(100))
		if (shed_below() == 0)
			return 0;
	return -1;
}

FIXTURE_TEARDOWN(oom)
{
	pid_t *p[] = { &self->leaker, &self->bystander };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (*p[i] > 0) {
			kill(*p[i], SIGKILL);
			waitpid(*p[i], NULL, 0);
		}
	}
	nx_rmmod("nexus_test_component");
	/* no shedding left for the next test's modules */
	if (!access(H "survival", F_OK) && !nx_write(H "survival", "0")) {
		wait_shedding_ended(3000);
		nx_write(H "survival", "1");
	}
	if (!access(H "poll_ms", F_OK)) {
		nx_write(H "poll_ms", "1000");
		nx_write(H "survival_permille", "800");
		nx_write(H "survival_ttf_ms", "15000");
	}
	if (nx_loaded())
		nx_write(S "preset", "default");
}

TEST_F(oom, bad_values_refused)
{
	EXPECT_EQ(-ERANGE, nx_write(H "survival", "2"));
	EXPECT_EQ(-EINVAL, nx_write(H "survival", "on"));
	EXPECT_EQ(-ERANGE, nx_write(H "survival_permille", "499"));
	EXPECT_EQ(-ERANGE, nx_write(H "survival_permille", "1001"));
	EXPECT_EQ(-ERANGE, nx_write(H "survival_ttf_ms", "999"));
	EXPECT_EQ(-ERANGE, nx_write(H "survival_ttf_ms", "600001"));
	EXPECT_EQ(-EINVAL, nx_write(H "survival_ttf_ms", "-5"));
	EXPECT_EQ(600, nx_read_ll(H "survival_permille"));
	EXPECT_EQ(30000, nx_read_ll(H "survival_ttf_ms"));
}

TEST_F_TIMEOUT(oom, leak_culprit_killed_bystander_lives, 180)
{
	static const char * const by_argv[] = { exe, "16", "16", NULL };
	static char rate[24];
	static const char * const lk_argv[] = { exe, rate, "4096", NULL };
	long long kills0 = oom_kills(), avail;
	char want[128], line[1024], *l;
	int status = 0;
	pid_t culprit;
	double t0;

	ASSERT_LE(0, kills0);
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	self->bystander = nx_spawn(by_argv);
	ASSERT_LT(0, self->bystander);
	nx_msleep(3000);	/* a flat history first */
	avail = mem_available_mib();
	ASSERT_LT(0, avail);
	snprintf(rate, sizeof(rate), "%lld", avail / 20 < 8 ? 8 : avail / 20);
	TH_LOG("MemAvailable %lld MiB, leaking %s MiB/s", avail, rate);
	self->leaker = nx_spawn(lk_argv);
	ASSERT_LT(0, self->leaker);
	for (t0 = nx_now_s(); nx_now_s() - t0 < 150; nx_msleep(200))
		if (waitpid(self->leaker, &status, WNOHANG) == self->leaker)
			break;
	ASSERT_LT(0, nx_read_all(DUMP, dump, sizeof(dump)));
	nx_read_all(NEXUS_DEBUGFS "/predict", pdump, sizeof(pdump));
	ASSERT_LT(nx_now_s() - t0, 150) TH_LOG("the leaker lived: %s", dump);
	culprit = self->leaker;
	self->leaker = 0;
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* heal killed it, not the kernel's OOM killer */
	EXPECT_EQ(kills0, oom_kills()) TH_LOG("%s\n%s", dump, pdump);
	/* the bystander lives */
	EXPECT_EQ(0, kill(self->bystander, 0));
	EXPECT_EQ(0, waitpid(self->bystander, NULL, WNOHANG));
	/* the milder steps first, then the kill */
	/* the line itself, not a later one: other plans may be listed */
	for (l = strstr(dump, "\nplan "); l; l = strstr(l + 1, "\nplan ")) {
		snprintf(line, sizeof(line), "%.*s",
			 (int)strcspn(l + 1, "\n"), l + 1);
		if (strstr(line, " system fault 1 succeeded "))
			break;
	}
	ASSERT_NE(NULL, l) TH_LOG("%s", dump);
	l = line;
	TH_LOG("%s", l);
	EXPECT_EQ(0, strncmp(strstr(l, " steps "),
			     " steps soft_reset:failed:-11:", 29));
	EXPECT_NE(NULL, strstr(l, " hard_reset:failed:-11:"));
	EXPECT_NE(NULL, strstr(l, " survival_mode:ok:0:"));
	EXPECT_NE(NULL, strstr(dump, "survival_mode 0 SIGKILL 0: rss ")) TH_LOG("%s", dump);
	EXPECT_NE(NULL, strstr(dump, "hard_reset 0 modules below priority 7 shed"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing survival_mode applied 0 "));
	/* the audit log names the culprit killed */
	snprintf(want, sizeof(want),
		 " heal pid %d (nexus_leaker) 0 0 survival survival_mode: SIGKILL 0",
		 (int)culprit);
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions", want)) TH_LOG("%s", want);
	/*
	 * Switched off, survival ends the shedding it asked for at its next
	 * check (it used to stop checking and leave the engine shedding the
	 * other modules until rmmod).
	 */
	ASSERT_EQ(0, nx_write(H "survival", "0"));
	EXPECT_EQ(0, wait_shedding_ended(2000)) TH_LOG("shed_below_priority %d", shed_below());
}

#define TC "/sys/module/nexus_test_component/parameters/"

/* The survival line's kills and refused kills; 0 if read. */
static int survival_counts(long long *kills, long long *refused)
{
	char *l;

	if (nx_read_all(DUMP, dump, sizeof(dump)) < 0)
		return -1;
	l = strstr(dump, "\nsurvival ");
	return l && sscanf(l, "\nsurvival %*u %*d %*d %*u %*u %lld %lld",
			   kills, refused) == 2 ? 0 : -1;
}

/*
 * Publish an imminent OutOfMemory prediction naming @comp, again every
 * 500 ms as nexus_predict republishes it, until the audit log has @want;
 * then let it go stale until "system" is healthy again.  0 if seen.
 */
static int refusal(const char *comp, const char *want)
{
	char val[64];
	int t, seen = -1;

	snprintf(val, sizeof(val), "%s 7", comp);
	for (t = 0; t < 40000 && seen; t += 500) {
		if (nx_write(TC "predict_oom", val))
			return -2;
		if (nx_file_contains(NEXUS_DEBUGFS "/decisions", want))
			seen = 0;
		else
			nx_msleep(500);
	}
	if (nx_wait_str(H "components/system/health", "ok", 10000))
		return -3;
	return seen;
}

/* A sleeping child with @adj in oom_score_adj, once it runs busybox. */
static pid_t sleeper(const char *adj)
{
	static const char * const argv[] = { "/bin/busybox", "sleep", "60",
					     NULL };
	char p[64];
	pid_t pid = nx_spawn(argv);

	if (pid <= 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	if (nx_wait_str(p, "busybox", 5000))
		return -1;
	snprintf(p, sizeof(p), "/proc/%d/oom_score_adj", pid);
	return nx_write(p, adj) ? -1 : pid;
}

/* "pid N (comm)" of the task named @comm (the first found), or -1. */
static int task_named(const char *comm, char *comp, size_t size)
{
	char path[64], name[32];
	struct dirent *e;
	int pid = -1;
	DIR *d = opendir("/proc");

	while (d && pid < 0 && (e = readdir(d))) {
		int nr = atoi(e->d_name);

		if (nr <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", nr);
		if (nx_read(path, name, sizeof(name)) <= 0 || strcmp(name, comm))
			continue;
		pid = nr;
	}
	if (d)
		closedir(d);
	if (pid > 0)
		snprintf(comp, size, "pid %d (%s)", pid, comm);
	return pid;
}

/* "pid @pid (its comm)", or -1. */
static int task_pid(int pid, char *comp, size_t size)
{
	char path[64], name[32];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (nx_read(path, name, sizeof(name)) <= 0)
		return -1;
	snprintf(comp, size, "pid %d (%s)", pid, name);
	return pid;
}

/*
 * Survival mode refuses to kill, and records why (a Log decision naming
 * the target), when the imminent OutOfMemory prediction names no task,
 * names a task with oom_score_adj -1000, names a pid whose task has
 * another name (the pid was reused: it would be a bystander), or names
 * init, a kernel thread (kthreadd) or NEXUS's own engine thread.  The milder
 * steps run, nothing is killed, the plan gives up.  The prediction comes
 * from nexus_test_component's predict_oom, as nexus_predict would publish
 * it (it needs a real leak to do so, which cannot name such tasks).
 */
TEST_F_TIMEOUT(oom, refusals_kill_nothing, 300)
{
	long long kills0, refused0, kills, refused;
	int engine;
	static const char why[] = "0 survival survival_mode: refused: ";
	char comp[48], want[160];

	ASSERT_EQ(0, nx_insmod(NEXUS_TEST_MODULES "/nexus_test_component.ko",
			       NULL));
	EXPECT_EQ(-EINVAL, nx_write(TC "predict_oom", "vm"));
	EXPECT_EQ(-EINVAL, nx_write(TC "predict_oom", "vm seven"));
	EXPECT_EQ(-ERANGE, nx_write(TC "predict_oom", "vm 8"));
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	ASSERT_EQ(0, nx_wait_str(H "components/system/health", "ok", 10000));
	ASSERT_EQ(0, survival_counts(&kills0, &refused0));
	self->leaker = sleeper("-1000");	/* protected */
	self->bystander = sleeper("0");		/* its pid, named otherwise */
	ASSERT_LT(0, self->leaker);
	ASSERT_LT(0, self->bystander);

	snprintf(want, sizeof(want), " heal nx_vm -3 %s%s", why,
		 "the prediction names no task");
	EXPECT_EQ(0, refusal("nx_vm", want));
	snprintf(comp, sizeof(comp), "pid %d (busybox)", self->leaker);
	snprintf(want, sizeof(want), " heal %s -1 %s%s", comp, why,
		 "oom_score_adj -1000");
	EXPECT_EQ(0, refusal(comp, want));
	snprintf(comp, sizeof(comp), "pid %d (nx_gone)", self->bystander);
	snprintf(want, sizeof(want), " heal %s -1 %s%s", comp, why,
		 "its name differs (pid reused)");
	EXPECT_EQ(0, refusal(comp, want));
	ASSERT_EQ(1, task_pid(1, comp, sizeof(comp)));
	snprintf(want, sizeof(want), " heal %s -1 %s%s", comp, why,
		 "init or a kernel thread");
	EXPECT_EQ(0, refusal(comp, want));
	ASSERT_EQ(2, task_pid(2, comp, sizeof(comp)));
	snprintf(want, sizeof(want), " heal %s -1 %s%s", comp, why,
		 "init or a kernel thread");
	EXPECT_EQ(0, refusal(comp, want));
	engine = task_named("nexus-engine", comp, sizeof(comp));
	ASSERT_LT(2, engine);
	snprintf(want, sizeof(want), " heal %s -1 %s%s", comp, why,
		 "init or a kernel thread");
	EXPECT_EQ(0, refusal(comp, want));

	/* each refusal ended its plan as a failed step, after the milder ones */
	ASSERT_LT(0, nx_read_all(DUMP, dump, sizeof(dump)));
	EXPECT_NE(NULL, strstr(dump, " survival_mode:failed:-3:")) TH_LOG("%s", dump);
	EXPECT_NE(NULL, strstr(dump, " survival_mode:failed:-1:")) TH_LOG("%s", dump);
	ASSERT_EQ(0, survival_counts(&kills, &refused));
	EXPECT_EQ(kills0, kills);
	EXPECT_EQ(refused0 + 6, refused);
	/* nothing was killed */
	EXPECT_EQ(0, kill(engine, 0));
	EXPECT_EQ(0, kill(self->leaker, 0));
	EXPECT_EQ(0, waitpid(self->leaker, NULL, WNOHANG));
	EXPECT_EQ(0, kill(self->bystander, 0));
	EXPECT_EQ(0, waitpid(self->bystander, NULL, WNOHANG));
	EXPECT_EQ(0, nx_rmmod("nexus_test_component"));
}

TEST_HARNESS_MAIN
