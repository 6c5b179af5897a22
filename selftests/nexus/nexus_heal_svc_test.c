// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_heal: userspace services.  A cgroup v2 directory watched through
 * /sys/kernel/nexus/modules/heal/watch: bad paths, commands, duplicates and
 * one too many are refused with their errors; a crash-looping process in
 * a watched cgroup is restarted by its command, then quarantined (frozen)
 * when restarts keep failing; at correction the plan is shown and the
 * command never runs; unwatch and rmmod thaw what NEXUS froze and leave
 * nothing watched; a task stuck in D state is the culprit SoftReset
 * kills, and a bystander in the same cgroup is left alone; a service
 * restarted by another supervisor is crash-looping by its crash exits
 * alone (not by exits with a failing status, not by crashes outside its
 * cgroup); a service over
 * its memory policy gets memory.high lowered (limits), restored exactly
 * by unwatch and rmmod; a prediction naming one of its tasks is the
 * service's.
 *
 * The "service" is busybox sleep: it dies after a few seconds, which is a
 * crash as far as the cgroup can tell (no task left).  The restart command
 * is a script that logs a line and starts another sleep in the background.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define H NEXUS_SYSFS "/modules/heal/"
#define DUMP NEXUS_DEBUGFS "/heal"
#define HEAL_KO "/opt/nexus/modules/nexus_heal.ko"
#define CG "/sys/fs/cgroup"
#define SVC CG "/nx_svc"
#define START "/tmp/nx_svc_start.sh"
#define NOEXEC "/tmp/nx_svc_noexec.sh"
#define CRASHER "/tmp/nx_svc_crash"
#define SLOG "/tmp/nx_svc.log"
#define CGROUP2_MAGIC 0x63677270
#define DSTATE "/sys/kernel/debug/nexus_test_dstate/"
#define TC "/sys/module/nexus_test_component/parameters/"

static char dump[65536];

static int write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(path, mode);
}

/* Lines in the restart log: the restart command's runs. */
static int log_lines(void)
{
	char buf[4096];
	int n = 0, i, len = nx_read_all(SLOG, buf, sizeof(buf));

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return len < 0 ? 0 : n;
}

static int wait_log(int lines, unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms && log_lines() < lines; t += 100)
		nx_msleep(100);
	return log_lines();
}

/* Wait up to @ms for @path to contain @needle; 0 when it does. */
static int wait_contains(const char *path, const char *needle,
			 unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t += 100) {
		if (nx_file_contains(path, needle))
			return 0;
		nx_msleep(100);
	}
	return -1;
}

/* The dump's first plan line with @a and @b in it, into @out. */
static int plan_with(const char *a, const char *b, char *out, size_t size)
{
	char *l;

	if (nx_read_all(DUMP, dump, sizeof(dump)) < 0)
		return 0;
	for (l = strtok(dump, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, "plan ", 5) && strstr(l, a) && strstr(l, b)) {
			snprintf(out, size, "%s", l);
			return 1;
		}
	return 0;
}

static int wait_plan_with(const char *a, const char *b, char *out,
			  size_t size, unsigned int ms)
{
	unsigned int t;

	for (t = 0; t <= ms; t += 100) {
		if (plan_with(a, b, out, size))
			return 1;
		nx_msleep(100);
	}
	return 0;
}

/* Empty a test cgroup (thawed, every task killed) and remove it. */
static void cg_remove(const char *dir)
{
	char p[256];
	int t;

	if (access(dir, F_OK))
		return;
	snprintf(p, sizeof(p), "%s/cgroup.freeze", dir);
	nx_write(p, "0");
	snprintf(p, sizeof(p), "%s/cgroup.kill", dir);
	nx_write(p, "1");
	snprintf(p, sizeof(p), "%s/cgroup.events", dir);
	for (t = 0; t < 50 && !nx_file_contains(p, "populated 0"); t++)
		nx_msleep(100);
	rmdir(dir);
}

/* A process that dies after @secs seconds, in @dir, not our child. */
static int start_in(const char *dir, const char *secs)
{
	char p[256];
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (fork())
			_exit(0);
		snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
		if (nx_write(p, "0"))
			_exit(1);
		execl("/bin/busybox", "sleep", secs, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	snprintf(p, sizeof(p), "%s/cgroup.events", dir);
	return wait_contains(p, "populated 1", 5000);
}

/* Fork, join the watched cgroup, exec @path with @argv; the pid or -1. */
static pid_t spawn_in_svc(const char *path, const char *const argv[])
{
	pid_t pid = fork();

	if (!pid) {
		if (nx_write(SVC "/cgroup.procs", "0"))
			_exit(1);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

FIXTURE(svc) {
	char line[1024];
};

FIXTURE_SETUP(svc)
{
	struct statfs sf;

	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(H "poll_ms", F_OK) && nx_insmod(HEAL_KO, NULL))
		SKIP(return, "nexus_heal is not loaded");
	/* tools/vm/init.sh mounts cgroup2; mount it if it is not */
	if (statfs(CG, &sf) || sf.f_type != CGROUP2_MAGIC) {
		mkdir(CG, 0755);
		ASSERT_EQ(0, mount("cgroup2", CG, "cgroup2", 0, NULL));
	}
	cg_remove(SVC);
	ASSERT_EQ(0, mkdir(SVC, 0755));
	unlink(SLOG);
	/* logs a line, starts a sleep of $1 s in the background, returns */
	ASSERT_EQ(0, write_file(START, "#!/bin/sh\necho start >> " SLOG "\n"
				"/bin/busybox sleep \"$1\" </dev/null >/dev/null 2>&1 &\n",
				0755));
	ASSERT_EQ(0, write_file(NOEXEC, "#!/bin/sh\n", 0644));
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "cpu_budget_percent", "50"));
	ASSERT_EQ(0, nx_write(S "healing/healing_timeout_ms", "10000"));
	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "8"));
	ASSERT_EQ(0, nx_write(S "healing/enable_quarantine", "1"));
	ASSERT_EQ(0, nx_write(H "poll_ms", "200"));
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	ASSERT_EQ(0, nx_write(H "svc_window_ms", "60000"));
	ASSERT_EQ(0, nx_write(H "svc_max_restarts", "3"));
	ASSERT_EQ(0, nx_write(S "level", "healing"));
}

FIXTURE_TEARDOWN(svc)
{
	char name[16];
	int i;

	if (access(H "poll_ms", F_OK))
		nx_insmod(HEAL_KO, NULL);
	nx_write(H "unwatch", SVC);
	unlink(CRASHER);
	for (i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "svc%d", i);
		nx_write(H "unwatch", name);
	}
	for (i = 0; i < 9; i++) {
		char dir[64];

		snprintf(dir, sizeof(dir), SVC "_%d", i);
		cg_remove(dir);
	}
	cg_remove(SVC);
	nx_write(H "poll_ms", "1000");
	nx_write(H "svc_max_restarts", "3");
	nx_write(H "svc_dstate_ms", "10000");
	nx_write(H "svc_mem_permille", "950");
	nx_write(DSTATE "release", "1");
	nx_rmmod("nexus_test_dstate");
	nx_rmmod("nexus_test_component");
	nx_write(H "learn_reset", "1");
	if (nx_loaded())
		nx_write(S "preset", "default");
}

TEST_F(svc, watch_rejects_bad_values)
{
	char buf[1024], dir[64], long_path[400];
	int i;

	/* detection: health is checked, no plan runs */
	ASSERT_EQ(0, nx_write(S "level", "detection"));
	EXPECT_EQ(-EINVAL, nx_write(H "watch", " "));
	EXPECT_EQ(-EINVAL, nx_write(H "watch", "sys/fs/cgroup/nx_svc"));
	EXPECT_EQ(-ENOENT, nx_write(H "watch", CG "/nx_nosuch"));
	EXPECT_EQ(-EINVAL, nx_write(H "watch", "/tmp"));
	EXPECT_EQ(-ENOTDIR, nx_write(H "watch", SVC "/cgroup.procs"));
	EXPECT_EQ(-EINVAL, nx_write(H "watch", CG));
	EXPECT_EQ(-EINVAL, nx_write(H "watch", SVC " tmp/nx_svc_start.sh"));
	EXPECT_EQ(-ENOENT, nx_write(H "watch", SVC " /tmp/nx_nosuch.sh"));
	EXPECT_EQ(-EACCES, nx_write(H "watch", SVC " " NOEXEC));
	EXPECT_EQ(-EACCES, nx_write(H "watch", SVC " /tmp"));
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, nx_write(H "watch", long_path));
	ASSERT_LE(0, nx_read(H "watch", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);

	/* accepted; the same cgroup spelled another way is a duplicate */
	ASSERT_EQ(0, nx_write(H "watch", SVC " " START " 5"));
	ASSERT_LE(0, nx_read(H "watch", buf, sizeof(buf)));
	EXPECT_STREQ("svc0 " SVC " " START " 5", buf);
	EXPECT_EQ(-EEXIST, nx_write(H "watch", SVC "/"));
	EXPECT_EQ(-EEXIST, nx_write(H "watch", CG "//nx_svc/../nx_svc"));
	/* seen by the monitor: an empty cgroup is dead (fault 1) */
	EXPECT_EQ(0, wait_contains(DUMP, "\nservice svc0 " SVC " dead 0 0 ",
				   5000));
	EXPECT_EQ(0, wait_contains(DUMP, "\ncomponent svc0 cgroup faulty 1 ",
				   5000));

	/* at most 8 */
	for (i = 0; i < 8; i++) {
		snprintf(dir, sizeof(dir), SVC "_%d", i);
		ASSERT_EQ(0, mkdir(dir, 0755));
		EXPECT_EQ(i < 7 ? 0 : -ENOSPC, nx_write(H "watch", dir));
	}
	EXPECT_EQ(-EINVAL, nx_write(H "unwatch", " "));
	EXPECT_EQ(-ENOENT, nx_write(H "unwatch", CG "/nx_nosuch"));
	EXPECT_EQ(0, nx_write(H "unwatch", SVC "_0"));
	EXPECT_EQ(-ENOENT, nx_write(H "unwatch", SVC "_0"));
	EXPECT_EQ(0, nx_write(H "unwatch", "svc0"));
	for (i = 1; i < 7; i++) {
		snprintf(dir, sizeof(dir), SVC "_%d/", i);
		EXPECT_EQ(0, nx_write(H "unwatch", dir));
	}
	ASSERT_LE(0, nx_read(H "watch", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
	EXPECT_FALSE(nx_file_contains(DUMP, "\nservice "));
	EXPECT_FALSE(nx_file_contains(DUMP, "\ncomponent svc"));
	/* nothing ran: the level was detection */
	EXPECT_EQ(0, log_lines());
	/* the knobs */
	EXPECT_EQ(-ERANGE, nx_write(H "svc_max_restarts", "0"));
	EXPECT_EQ(-ERANGE, nx_write(H "svc_max_restarts", "33"));
	EXPECT_EQ(-ERANGE, nx_write(H "svc_window_ms", "999"));
	EXPECT_EQ(-EINVAL, nx_write(H "svc_dstate_ms", "long"));
	EXPECT_EQ(-ERANGE, nx_write(H "svc_mem_permille", "1001"));
	EXPECT_EQ(3, nx_read_ll(H "svc_max_restarts"));
}

TEST_F(svc, crash_loop_restarted_then_quarantined)
{
	int n;

	ASSERT_EQ(0, start_in(SVC, "2"));
	ASSERT_EQ(0, nx_write(H "watch", SVC " " START " 2"));
	/* it dies; the command restarts it, again and again */
	n = wait_log(3, 60000);
	TH_LOG("restart command ran %d times", n);
	ASSERT_LE(3, n);
	EXPECT_TRUE(wait_plan_with(" svc0 fault 1 succeeded ",
				   " steps soft_reset:ok:0:", self->line,
				   sizeof(self->line), 5000));
	TH_LOG("%s", self->line);
	/* restarts keep failing: frozen */
	ASSERT_EQ(0, wait_contains(SVC "/cgroup.events", "frozen 1", 60000));
	ASSERT_TRUE(wait_plan_with(" svc0 ", " quarantine:ok:0:", self->line,
				   sizeof(self->line), 5000));
	TH_LOG("%s", self->line);
	EXPECT_NE(NULL, strstr(self->line, " succeeded "));
	EXPECT_NE(NULL, strstr(self->line, " soft_reset:failed:-11:"));
	EXPECT_NE(NULL, strstr(self->line, " hard_reset:failed:-11:"));
	EXPECT_TRUE(nx_file_contains(DUMP, "\nservice svc0 " SVC " ok 1 "));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing isolate applied 0 "));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing soft_recover applied 0 "));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing hard_recover failed -11 "));
	/* quarantined: no restart any more */
	n = log_lines();
	nx_msleep(3000);
	EXPECT_EQ(n, log_lines());
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.events", "populated 1"));
	/* unwatch thaws it and leaves nothing watched */
	ASSERT_EQ(0, nx_write(H "unwatch", SVC));
	EXPECT_EQ(0, wait_contains(SVC "/cgroup.events", "frozen 0", 5000));
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.freeze", "0"));
	EXPECT_FALSE(nx_file_contains(DUMP, "\nservice "));
	EXPECT_FALSE(nx_file_contains(DUMP, "\ncomponent svc0 "));
}

/* The crash exits, all and recent, at the end of svc0's dump line. */
static int crash_exits(unsigned int *all, unsigned int *recent)
{
	char *l, *end;
	int i;

	if (nx_read_all(DUMP, dump, sizeof(dump)) < 0)
		return -1;
	l = strstr(dump, "\nservice svc0 ");
	if (!l)
		return -1;
	end = strchr(l + 1, '\n');
	if (end)
		*end = '\0';
	/* the last two fields */
	for (i = 0, end = l + strlen(l); end > l && i < 2; end--)
		if (*end == ' ')
			i++;
	return sscanf(end + 1, " %u %u", all, recent) == 2 ? 0 : -1;
}

/* Run @argv in the watched cgroup (@in) or outside it; its wait status. */
static int run_once(bool in, const char *path, const char *const argv[])
{
	pid_t pid = in ? spawn_in_svc(path, argv) : fork();
	int status = -1;

	if (!pid) {
		execv(path, (char *const *)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/*
 * A service its own supervisor restarts stays populated: only its crash
 * exits tell that it is crash-looping.  Two crashes in the window, three
 * crashes of the same program outside the cgroup and three exits with a
 * failing status in it are no crash loop; the third crash in it is
 * (fault 2), though NEXUS restarted nothing.
 */
TEST_F_TIMEOUT(svc, crash_exits_are_a_crash_loop, 90)
{
	static const char *const fail[] = { "false", NULL };
	static const char *const crash[] = { "nx_svc_crash", "crash", "11",
					     NULL };
	unsigned int all = 99, recent = 99;
	char exe[PATH_MAX];
	int i;

	ASSERT_EQ(0, nx_helper_path("nexus_crasher", exe, sizeof(exe)));
	/*
	 * Under a name of its own (a task's comm is the name it was run
	 * by): nexus_predict follows crashing programs by name, and its
	 * kinds test counts nexus_crasher's crashes from a clean slate.
	 */
	unlink(CRASHER);
	ASSERT_EQ(0, symlink(exe, CRASHER));
	/* plans are shown, not run: nothing restarts or freezes it */
	ASSERT_EQ(0, nx_write(S "level", "correction"));
	ASSERT_EQ(0, start_in(SVC, "600"));
	ASSERT_EQ(0, nx_write(H "watch", SVC));
	ASSERT_EQ(0, wait_contains(DUMP, "\nservice svc0 " SVC " ok ", 5000));
	ASSERT_EQ(0, crash_exits(&all, &recent));
	EXPECT_EQ(0, all);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(SIGSEGV, WTERMSIG(run_once(true, CRASHER, crash)));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(SIGSEGV, WTERMSIG(run_once(false, CRASHER, crash)));
		EXPECT_EQ(1, WEXITSTATUS(run_once(true, "/bin/busybox", fail)));
	}
	/* the events reach heal a tick later, the dump at the next poll */
	nx_msleep(2000);
	ASSERT_EQ(0, crash_exits(&all, &recent));
	EXPECT_EQ(2, all);
	EXPECT_EQ(2, recent);
	EXPECT_TRUE(nx_file_contains(DUMP, "\nservice svc0 " SVC " ok "))
		TH_LOG("%s", dump);
	EXPECT_EQ(SIGSEGV, WTERMSIG(run_once(true, CRASHER, crash)));
	EXPECT_EQ(0, wait_contains(DUMP, "\nservice svc0 " SVC " crash_loop ",
				   5000)) TH_LOG("%s", dump);
	EXPECT_EQ(0, wait_contains(DUMP, "\ncomponent svc0 cgroup faulty 2 ",
				   5000));
	ASSERT_EQ(0, crash_exits(&all, &recent));
	EXPECT_EQ(3, all);
	EXPECT_TRUE(wait_plan_with(" svc0 fault 2 suggested ", " steps ",
				   self->line, sizeof(self->line), 10000));
	EXPECT_EQ(0, log_lines());
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.events", "frozen 0"));
	unlink(CRASHER);
}

TEST_F(svc, correction_shows_plan_without_running_it)
{
	ASSERT_EQ(0, nx_write(S "level", "correction"));
	ASSERT_EQ(0, nx_write(H "watch", SVC " " START " 5"));
	ASSERT_TRUE(wait_plan_with(" svc0 fault 1 suggested ",
				   " steps soft_reset:suggested:0:", self->line,
				   sizeof(self->line), 10000));
	TH_LOG("%s", self->line);
	EXPECT_NE(NULL, strstr(self->line, " quarantine:suggested:0:"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " correction soft_recover suggested 0 "));
	nx_msleep(1500);
	EXPECT_EQ(0, log_lines());
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.events", "populated 0"));
	/* at healing it runs: the command starts the service */
	ASSERT_EQ(0, nx_write(S "level", "healing"));
	EXPECT_LE(1, wait_log(1, 20000));
	EXPECT_EQ(0, wait_contains(SVC "/cgroup.events", "populated 1", 5000));
}

TEST_F(svc, rmmod_thaws_and_unwatches)
{
	/* one restart in the window is already a crash loop */
	ASSERT_EQ(0, nx_write(H "svc_max_restarts", "1"));
	ASSERT_EQ(0, nx_write(H "watch", SVC " " START " 20"));
	ASSERT_EQ(0, wait_contains(SVC "/cgroup.events", "frozen 1", 30000));
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.freeze", "1"));
	ASSERT_EQ(0, nx_rmmod("nexus_heal"));
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.freeze", "0"));
	EXPECT_EQ(0, wait_contains(SVC "/cgroup.events", "frozen 0", 5000));
	/* the service is still there, running */
	EXPECT_TRUE(nx_file_contains(SVC "/cgroup.events", "populated 1"));
	ASSERT_EQ(0, nx_insmod(HEAL_KO, NULL));
	EXPECT_FALSE(nx_file_contains(H "watch", "svc"));
}

/*
 * The reproducer of a lock-order report of the debug kernel's lockdep
 * (Documentation/debug-kernel.rst): the health check read the cgroup's
 * files under the service's lock, the dump took that lock under the
 * table's, and the "watch" file's handler took the table's under kernfs'
 * mutex.  Here the list and the dump are read while the health checks
 * (every 200 ms) read the cgroup's files, until they see it die.
 */
TEST_F(svc, lockdep_watch_list_vs_health_io)
{
	char buf[1024];
	bool dead = false;
	double t0;
	int n = 0;

	ASSERT_EQ(0, start_in(SVC, "1"));
	ASSERT_EQ(0, nx_write(H "watch", SVC));
	for (t0 = nx_now_s(); nx_now_s() - t0 < 10 && (!dead || n < 20); n++) {
		ASSERT_LT(0, nx_read(H "watch", buf, sizeof(buf)));
		EXPECT_NE(NULL, strstr(buf, "svc0 " SVC " -")) TH_LOG("%s", buf);
		ASSERT_LT(0, nx_read_all(DUMP, dump, sizeof(dump)));
		dead = strstr(dump, "\nservice svc0 " SVC " dead ");
	}
	EXPECT_TRUE(dead) TH_LOG("%d rounds, the health check never saw it die",
				 n);
	ASSERT_EQ(0, nx_write(H "unwatch", SVC));
	EXPECT_FALSE(nx_file_contains(H "watch", "svc0"));
}

/*
 * A task of the service stuck in D state (blocked in mutex_lock() on a
 * mutex nexus_test_dstate holds) is the culprit: SoftReset sends it
 * SIGKILL, which takes effect when it leaves the kernel; a sleeping
 * bystander in the same cgroup is left alone.
 */
TEST_F_TIMEOUT(svc, stuck_task_is_the_culprit, 90)
{
	static const char * const sleep_argv[] = { "sleep", "60", NULL };
	static char ko[PATH_MAX], pidstr[64];
	pid_t stuck, bystander;
	int status = 0, i;

	snprintf(ko, sizeof(ko), "%s/nexus_test_dstate.ko", NEXUS_TEST_MODULES);
	ASSERT_EQ(0, access(ko, R_OK));
	ASSERT_EQ(0, nx_insmod(ko, NULL));
	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "1"));
	ASSERT_EQ(0, nx_write(H "svc_dstate_ms", "1000"));
	bystander = spawn_in_svc("/bin/busybox", sleep_argv);
	ASSERT_LE(0, bystander);
	stuck = fork();
	ASSERT_LE(0, stuck);
	if (!stuck) {
		if (nx_write(SVC "/cgroup.procs", "0"))
			_exit(1);
		_exit(nx_write(DSTATE "block", "1") ? 1 : 0);
	}
	ASSERT_EQ(0, nx_write(H "watch", SVC));
	EXPECT_TRUE(wait_plan_with(" svc0 fault 3 ", " soft_reset:failed:-11:",
				   self->line, sizeof(self->line), 30000));
	TH_LOG("%s", self->line);
	snprintf(pidstr, sizeof(pidstr), " killed %d: 0 ", stuck);
	EXPECT_TRUE(nx_file_contains(DUMP, pidstr));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " healing soft_recover failed -11 "));
	/* released, the stuck task dies of the SIGKILL; the bystander lives */
	nx_write(DSTATE "release", "1");
	for (i = 0; i < 100 && waitpid(stuck, &status, WNOHANG) != stuck; i++)
		nx_msleep(50);
	if (i == 100) {
		kill(stuck, SIGKILL);
		waitpid(stuck, &status, 0);
	}
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(0, waitpid(bystander, NULL, WNOHANG));
	EXPECT_EQ(0, kill(bystander, 0));
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);
	EXPECT_EQ(0, nx_rmmod("nexus_test_dstate"));
}

/* Wait for @pid (our child) to end, up to @ms; its status, or -1. */
static int reap_within(pid_t pid, unsigned int ms)
{
	unsigned int t;
	int status;

	for (t = 0; t <= ms; t += 50) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nx_msleep(50);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* A 20 MiB hog (nexus_leaker) and a sleeping bystander in the service. */
static int start_hog(pid_t *hog, pid_t *bystander)
{
	static const char * const sleep_argv[] = { "sleep", "60", NULL };
	static const char * const hog_argv[] = { "nexus_leaker", "40", "20",
						 NULL };
	char exe[PATH_MAX];

	if (nx_helper_path("nexus_leaker", exe, sizeof(exe)))
		return -1;
	*bystander = spawn_in_svc("/bin/busybox", sleep_argv);
	*hog = spawn_in_svc(exe, hog_argv);
	if (*bystander < 0 || *hog < 0)
		return -1;
	return nx_wait_above(SVC "/memory.current", 20000, 20 << 20) >
	       20 << 20 ? 0 : -1;
}

/*
 * A service over its memory policy (svc_mem_permille of memory.max):
 * SoftReset is the limits strategy, memory.high lowered to 15/16 of the
 * policy and recorded (old, new); an anonymous hog cannot be reclaimed
 * without swap, so HardReset kills it (the one process filling the
 * cgroup) and the bystander lives.  unwatch puts memory.high back exactly
 * ("max"), and so does rmmod (a value set before).
 */
TEST_F_TIMEOUT(svc, memory_limits_set_and_restored, 90)
{
	/* memory.max 32 MiB, the policy at 500 permille: 16 MiB */
	static const char limit[] = "15728640";	/* 16 MiB * 15 / 16 */
	char ctl[256] = "", buf[64];
	pid_t hog, bystander;
	int status;

	EXPECT_EQ(-ERANGE, nx_write(H "svc_mem_permille", "499"));
	EXPECT_EQ(-EINVAL, nx_write(H "svc_mem_permille", "9x"));
	ASSERT_EQ(950, nx_read_ll(H "svc_mem_permille"));
	nx_read(CG "/cgroup.subtree_control", ctl, sizeof(ctl));
	if (!strstr(ctl, "memory"))
		ASSERT_EQ(0, nx_write(CG "/cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, nx_write(SVC "/memory.max", "33554432"));
	ASSERT_EQ(0, nx_write(H "svc_mem_permille", "500"));
	ASSERT_EQ(0, nx_write(S "healing/max_healing_attempts", "2"));
	ASSERT_EQ(0, start_hog(&hog, &bystander));
	ASSERT_EQ(0, nx_write(H "watch", SVC));
	ASSERT_TRUE(wait_plan_with(" svc0 fault 4 succeeded ",
				   " hard_reset:ok:0:", self->line,
				   sizeof(self->line), 30000));
	TH_LOG("%s", self->line);
	EXPECT_NE(NULL, strstr(self->line, " steps soft_reset:failed:-11:"));
	status = reap_within(hog, 5000);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(0, kill(bystander, 0));
	ASSERT_LE(0, nx_read(SVC "/memory.high", buf, sizeof(buf)));
	EXPECT_STREQ(limit, buf);
	/* limits 1, memory.high set and before, 0 findings, 0 crash exits */
	EXPECT_TRUE(nx_file_contains(DUMP, " 1 15728640 max 0 0 0\n"));
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " heal svc0 memory.high -1 15728640 limits 0: "));
	/* unwatch: back to max, recorded */
	ASSERT_EQ(0, nx_write(H "unwatch", SVC));
	ASSERT_LE(0, nx_read(SVC "/memory.high", buf, sizeof(buf)));
	EXPECT_STREQ("max", buf);
	EXPECT_TRUE(nx_file_contains(NEXUS_DEBUGFS "/decisions",
				     " heal svc0 memory.high 15728640 -1 limits undone 0: "));
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);

	/* a value of its own before: rmmod restores exactly that */
	ASSERT_EQ(0, nx_write(SVC "/memory.high", "31457280"));
	ASSERT_EQ(0, nx_write(H "learn_reset", "1"));
	ASSERT_EQ(0, start_hog(&hog, &bystander));
	ASSERT_EQ(0, nx_write(H "watch", SVC));
	EXPECT_EQ(0, nx_wait_str(SVC "/memory.high", limit, 30000));
	EXPECT_TRUE(wait_plan_with(" svc0 fault 4 succeeded ",
				   " hard_reset:ok:0:", self->line,
				   sizeof(self->line), 30000));
	reap_within(hog, 5000);
	ASSERT_EQ(0, nx_rmmod("nexus_heal"));
	ASSERT_LE(0, nx_read(SVC "/memory.high", buf, sizeof(buf)));
	EXPECT_STREQ("31457280", buf);
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);
	ASSERT_EQ(0, nx_insmod(HEAL_KO, NULL));
	if (!strstr(ctl, "memory")) {
		cg_remove(SVC);
		nx_write(CG "/cgroup.subtree_control", "-memory");
	}
}

/* /proc/@pid/comm into @comm, once it is @want (after the exec). */
static int comm_of(pid_t pid, const char *want, char *comm, size_t size)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/comm", pid);
	if (nx_wait_str(p, want, 5000))
		return -1;
	snprintf(comm, size, "%s", want);
	return 0;
}

/*
 * A prediction naming a task of a watched cgroup ("pid N (comm)", as
 * nexus_predict names a process) is the service's: its plan's SoftReset
 * kills that task alone while the service's own health check still
 * passes, and a bystander lives.  The same pid under another name (a
 * reused pid) and a task outside every watched cgroup start nothing.
 */
TEST_F_TIMEOUT(svc, finding_naming_task_maps_to_service, 60)
{
	static const char * const sleep_argv[] = { "sleep", "60", NULL };
	char val[96], comm[32], self_comm[32];
	pid_t named, bystander;
	long long plans;
	int status;

	ASSERT_EQ(0, nx_insmod(NEXUS_TEST_MODULES "/nexus_test_component.ko",
			       NULL));
	/* the test hook's bad values */
	EXPECT_EQ(-EINVAL, nx_write(TC "predict", "pid 1 (init)"));
	EXPECT_EQ(-EINVAL, nx_write(TC "predict", " 3"));
	EXPECT_EQ(-ERANGE, nx_write(TC "predict", "pid 1 (init) 8"));
	named = spawn_in_svc("/bin/busybox", sleep_argv);
	bystander = spawn_in_svc("/bin/busybox", sleep_argv);
	ASSERT_LT(0, named);
	ASSERT_LT(0, bystander);
	ASSERT_EQ(0, comm_of(named, "busybox", comm, sizeof(comm)));
	ASSERT_EQ(0, comm_of(bystander, "busybox", comm, sizeof(comm)));
	ASSERT_LE(0, nx_read("/proc/self/comm", self_comm, sizeof(self_comm)));
	ASSERT_EQ(0, nx_write(H "watch", SVC " " START " 60"));
	ASSERT_EQ(0, nx_wait_str(H "components/svc0/health", "ok", 5000));
	plans = nx_read_ll(H "plans");
	snprintf(val, sizeof(val), "pid %d (nx_other) 3", named);
	ASSERT_EQ(0, nx_write(TC "predict", val));
	snprintf(val, sizeof(val), "pid %d (%s) 3", getpid(), self_comm);
	ASSERT_EQ(0, nx_write(TC "predict", val));
	nx_msleep(1500);
	EXPECT_EQ(plans, nx_read_ll(H "plans"));
	EXPECT_EQ(0, nx_read_ll(H "components/svc0/findings"));
	/* its own task, by pid and name */
	snprintf(val, sizeof(val), "pid %d (%s) 3", named, comm);
	ASSERT_EQ(0, nx_write(TC "predict", val));
	ASSERT_TRUE(wait_plan_with(" svc0 fault 0 succeeded ",
				   " steps soft_reset:ok:0:", self->line,
				   sizeof(self->line), 10000));
	TH_LOG("%s", self->line);
	status = reap_within(named, 5000);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(0, kill(bystander, 0));
	snprintf(val, sizeof(val), " killed %d: 0 ", named);
	EXPECT_TRUE(nx_file_contains(DUMP, val));
	EXPECT_EQ(1, nx_read_ll(H "components/svc0/findings"));
	EXPECT_EQ(0, log_lines());
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);
}

TEST_HARNESS_MAIN
