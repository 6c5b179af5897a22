// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_predict, the crash-prediction kinds beyond memory, CPU and I/O:
 * knob validation, no ResourceExhaustion on a process that holds many
 * descriptors without growing, a descriptor leak predicted as
 * ResourceExhaustion on its pid before EMFILE, and a writer stuck in D
 * state on a mutex predicted as Deadlock before the hung-task detector
 * could report it, a crash loop predicted as Crash, and a stack growing
 * towards RLIMIT_STACK predicted as StackOverflow before the SIGSEGV,
 * a worker that stops making progress and spins predicted as Livelock (a
 * program that spins from the start is not), and a cgroup whose tasks grow
 * towards its pids.max predicted as ResourceExhaustion before fork fails.
 *
 * The sampler runs every 250 ms and the task walk every 500 ms.
 */
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define S NEXUS_SYSFS "/"
#define P NEXUS_SYSFS "/modules/predict/"
#define DUMP NEXUS_DEBUGFS "/predict"
#define HUNG "/proc/sys/kernel/hung_task_timeout_secs"
#define DSTATE "/sys/kernel/debug/nexus_test_dstate/"

static char dump[65536];

static int read_dump(void)
{
	return nx_read_all(DUMP, dump, sizeof(dump));
}

/* Scoreboard line of @kind: raised, confirmed, false; 0 if found. */
static int score(const char *kind, long long *raised, long long *confirmed,
		 long long *falsep)
{
	return nx_pred_score(dump, kind, raised, confirmed, falsep);
}

/* The path of helper program @name next to this test. */
static int helper(const char *name, char *out, size_t size)
{
	char dir[PATH_MAX - 64];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

	if (n <= 0)
		return -1;
	dir[n] = '\0';
	*strrchr(dir, '/') = '\0';
	snprintf(out, size, "%s/%s", dir, name);
	return access(out, X_OK);
}

/* Start @argv with its stdout on a non-blocking pipe read at *@rfd. */
static pid_t spawn_piped(const char *const argv[], int *rfd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	*rfd = fds[0];
	return pid;
}

/* One letter of /proc/PID/stat's state field, or '?'. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (nx_read(path, buf, sizeof(buf)) <= 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

/* 1 if the kernel log holds @needle (all of /dev/kmsg, not consumed). */
static int kmsg_contains(const char *needle)
{
	static char rec[8192];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK), found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, needle)) {
			found = 1;
			break;
		}
	}
	close(fd);
	return found;
}

FIXTURE(kinds) {
	char hung[32];
};

FIXTURE_SETUP(kinds)
{
	self->hung[0] = '\0';
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	if (access(P "deadlock_ms", F_OK))
		SKIP(return, "nexus_predict is not loaded");
	ASSERT_EQ(0, nx_write(S "preset", "default"));
	ASSERT_EQ(0, nx_write(S "tracing/sample_period_ms", "250"));
	ASSERT_EQ(0, nx_write(S "level", "prediction"));
	ASSERT_EQ(0, nx_write(P "scan_ms", "500"));
	nx_read(HUNG, self->hung, sizeof(self->hung));
}

FIXTURE_TEARDOWN(kinds)
{
	if (self->hung[0])
		nx_write(HUNG, self->hung);
	if (nx_loaded()) {
		nx_write(P "scan_ms", "1000");
		nx_write(P "deadlock_ms", "10000");
		nx_write(P "livelock_ms", "30000");
		nx_write(S "preset", "default");
	}
}

TEST_F(kinds, knobs_reject_bad_values)
{
	EXPECT_EQ(10000, nx_read_ll(P "deadlock_ms"));
	EXPECT_EQ(-EINVAL, nx_write(P "deadlock_ms", "soon"));
	EXPECT_EQ(-EINVAL, nx_write(P "deadlock_ms", "-5"));
	EXPECT_EQ(-ERANGE, nx_write(P "deadlock_ms", "999"));
	EXPECT_EQ(-ERANGE, nx_write(P "deadlock_ms", "3600001"));
	EXPECT_EQ(-ERANGE, nx_write(P "deadlock_ms", "99999999999"));
	EXPECT_EQ(10000, nx_read_ll(P "deadlock_ms"));
	ASSERT_EQ(0, nx_write(P "deadlock_ms", "2500"));
	EXPECT_EQ(2500, nx_read_ll(P "deadlock_ms"));
}

/*
 * A process that opens 600 descriptors at once (of 1024) and keeps them,
 * for 12 s: a large count is not a trend, so no ResourceExhaustion.  The
 * dump shows the system's counts against their limits.
 */
TEST_F(kinds, steady_fds_raise_no_exhaustion)
{
	static char exe[PATH_MAX];
	static const char *const argv[] = { exe, "40", "1024", "600", NULL };
	long long r0, r1, c, f;
	char out[64];
	struct nx_pred p;
	int rfd = -1, i;
	ssize_t n = 0;
	pid_t pid;

	ASSERT_EQ(0, helper("nexus_fdleak", exe, sizeof(exe)));
	ASSERT_LT(0, read_dump());
	ASSERT_EQ(0, score("resource_exhaustion", &r0, &c, &f));
	EXPECT_NE(NULL, strstr(dump, "# resources: file handles "));
	pid = spawn_piped(argv, &rfd);
	ASSERT_LT(0, pid);
	for (i = 0; i < 100 && n <= 0; i++) {
		nx_msleep(50);
		n = read(rfd, out, sizeof(out) - 1);
	}
	EXPECT_LT(0, n);
	nx_msleep(12000);
	ASSERT_LT(0, read_dump());
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(rfd);
	ASSERT_EQ(0, score("resource_exhaustion", &r1, &c, &f));
	EXPECT_EQ(r0, r1) TH_LOG("%s", dump);
	EXPECT_NE(0, nx_pred_find(dump, "resource_exhaustion", "active", NULL, &p));
}

/*
 * nexus_fdleak opens 40 descriptors a second under RLIMIT_NOFILE 1024
 * (EMFILE after about 25 s): ResourceExhaustion is raised on its pid at
 * least 5 s before EMFILE with a time to failure within the horizon and
 * within 50% of the time EMFILE actually took, the
 * file-handle count (far from file-max) raises nothing, and reaching the
 * limit confirms the prediction on the scoreboard.
 */
TEST_F_TIMEOUT(kinds, fd_leak_predicted_before_emfile, 90)
{
	static char exe[PATH_MAX];
	static const char *const argv[] = { exe, "40", "1024", NULL };
	double t0, first = 0, emfile = 0;
	unsigned long long first_ttf = 0;
	long long raised, confirmed, falsep;
	char pidstr[32], out[64];
	int rfd = -1, status;
	bool files_raised = false;
	struct nx_pred p;
	pid_t pid;

	ASSERT_EQ(0, helper("nexus_fdleak", exe, sizeof(exe)));
	pid = spawn_piped(argv, &rfd);
	ASSERT_LT(0, pid);
	snprintf(pidstr, sizeof(pidstr), "pid %d ", pid);
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 60) {
		ssize_t n = read(rfd, out, sizeof(out) - 1);

		if (n > 0 && !emfile) {
			out[n] = '\0';
			if (strstr(out, "EMFILE"))
				emfile = nx_now_s();
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (read_dump() > 0) {
			if (!first &&
			    !nx_pred_find(dump, "resource_exhaustion",
					  "active", pidstr, &p)) {
				first = nx_now_s();
				first_ttf = p.ttf;
				TH_LOG("raised at %.1f s: conf %u ttf %llu %s \"%s\"",
				       first - t0, p.conf, p.ttf, p.action, p.comp);
			}
			if (!nx_pred_find(dump, "resource_exhaustion",
					  "active", "file-nr", &p))
				files_raised = true;
		}
		if (emfile && nx_now_s() - emfile > 2)
			break;
		nx_msleep(250);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(rfd);
	ASSERT_NE(0, emfile) TH_LOG("the leak never reached EMFILE");
	TH_LOG("EMFILE at %.1f s", emfile - t0);
	ASSERT_NE(0, first) TH_LOG("no ResourceExhaustion on %s\n%s", pidstr, dump);
	EXPECT_GE(emfile - first, 5.0);
	EXPECT_LT(0, first_ttf);
	EXPECT_GE(30000, first_ttf);
	/*
	 * the leak is steady from the start: its first estimate is good
	 * (within 50%: a TCG guest starved by its host catches up in bursts)
	 */
	EXPECT_LE(first_ttf, (emfile - first) * 1000 * 1.5);
	EXPECT_GE(first_ttf, (emfile - first) * 1000 * 0.5);
	EXPECT_FALSE(files_raised);
	ASSERT_EQ(0, score("resource_exhaustion", &raised, &confirmed, &falsep));
	EXPECT_LE(1, confirmed) TH_LOG("%s", dump);
}

/*
 * A writer blocks in mutex_lock() on a mutex a kernel thread of
 * nexus_test_dstate holds: D state, no context switch.  With
 * predict_deadlocks on, deadlock_ms 2500 and hung_task_timeout_secs 30,
 * Deadlock is raised on the writer's pid within 12 s, with a time to
 * failure that is the rest of the hung-task timeout; the writer is then
 * released (long before 30 s, so the hung-task detector never reports it,
 * which the kernel log confirms) and the prediction resolves.  With
 * predict_deadlocks off nothing is raised.
 */
TEST_F_TIMEOUT(kinds, stuck_writer_predicted_as_deadlock, 90)
{
	static char ko[PATH_MAX];
	char pidstr[32];
	double t0, seen = 0;
	bool early = false, resolved = false;
	struct nx_pred p;
	pid_t pid;
	int i;

	snprintf(ko, sizeof(ko), "%s/nexus_test_dstate.ko", NEXUS_TEST_MODULES);
	ASSERT_EQ(0, access(ko, R_OK));
	if (!self->hung[0])
		SKIP(return, "no hung-task detector (CONFIG_DETECT_HUNG_TASK)");
	ASSERT_EQ(0, nx_write(HUNG, "30"));
	ASSERT_EQ(0, nx_write(P "deadlock_ms", "2500"));
	ASSERT_EQ(0, nx_write(S "prediction/predict_deadlocks", "0"));
	ASSERT_EQ(0, nx_insmod(ko, NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(nx_write(DSTATE "block", "1") ? 1 : 0);
	snprintf(pidstr, sizeof(pidstr), "pid %d ", pid);
	t0 = nx_now_s();
	/* off: 5 s stuck raise nothing */
	while (nx_now_s() - t0 < 5) {
		nx_msleep(250);
		if (read_dump() > 0 &&
		    !nx_pred_find(dump, "deadlock", "active", pidstr, &p))
			early = true;
	}
	EXPECT_FALSE(early);
	EXPECT_EQ('D', proc_state(pid));
	ASSERT_EQ(0, nx_write(S "prediction/predict_deadlocks", "1"));
	while (nx_now_s() - t0 < 12) {
		nx_msleep(250);
		if (read_dump() > 0 &&
		    !nx_pred_find(dump, "deadlock", "active", pidstr, &p)) {
			seen = nx_now_s();
			break;
		}
	}
	EXPECT_EQ('D', proc_state(pid));
	nx_write(DSTATE "release", "1");
	for (i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) != pid; i++)
		nx_msleep(50);
	if (i == 100) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	EXPECT_GT(100, i) TH_LOG("the writer did not return after release");
	EXPECT_EQ(0, nx_rmmod("nexus_test_dstate"));
	ASSERT_NE(0, seen) TH_LOG("no Deadlock on %s\n%s", pidstr, dump);
	TH_LOG("raised %.1f s after the writer blocked: conf %u ttf %llu %s \"%s\"",
	       seen - t0, p.conf, p.ttf, p.action, p.comp);
	EXPECT_GE(p.conf, 600);
	/* stuck at least deadlock_ms, so at most 30 - 2.5 s left */
	EXPECT_GE(27500ULL, p.ttf);
	/* and no more stuck than since the writer started */
	EXPECT_LE((30.0 - (seen - t0) - 1.0) * 1000, (double)p.ttf);
	for (i = 0; i < 40 && !resolved; i++) {
		nx_msleep(250);
		resolved = read_dump() > 0 &&
			   nx_pred_find(dump, "deadlock", "active", pidstr, &p);
	}
	EXPECT_TRUE(resolved) TH_LOG("the Deadlock stayed active after release");
	EXPECT_FALSE(kmsg_contains("blocked for more than"));
}

/*
 * A crash loop: nexus_crasher started every 1.5 s, dying of SIGSEGV and
 * SIGABRT in turn.  From the third crash a Crash prediction names the
 * program, with the next crash due within about one interval; the next
 * crash confirms it; one prediction covers the loop; when the loop stops
 * the prediction resolves.
 */
TEST_F_TIMEOUT(kinds, crash_loop_predicts_next_crash, 90)
{
	static char exe[PATH_MAX];
	const char *argv[4];
	long long r0, r1, c0, c1, f;
	bool seen = false, resolved = false;
	unsigned int crashes = 0, seen_at = 0;
	struct nx_pred p, first = { 0 };
	double t0;
	int i, status;

	ASSERT_EQ(0, helper("nexus_crasher", exe, sizeof(exe)));
	argv[0] = exe;
	argv[1] = "crash";
	argv[3] = NULL;
	ASSERT_LT(0, read_dump());
	ASSERT_NE(NULL, strstr(dump, "# crashes: probe attached"));
	ASSERT_EQ(0, score("crash", &r0, &c0, &f));
	t0 = nx_now_s();
	for (i = 0; i < 7; i++) {
		pid_t pid;

		argv[2] = i % 2 ? "6" : "11";
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			execv(exe, (char *const *)argv);
			_exit(127);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status));
		crashes++;
		while (nx_now_s() - t0 < 1.5 * (i + 1)) {
			nx_msleep(100);
			if (!seen && read_dump() > 0 &&
			    !nx_pred_find(dump, "crash", "active", "(nexus_crasher)", &p)) {
				seen = true;
				seen_at = crashes;
				first = p;
				TH_LOG("raised after %u crashes: conf %u ttf %llu %s \"%s\"",
				       crashes, p.conf, p.ttf, p.action, p.comp);
			}
		}
	}
	ASSERT_TRUE(seen) TH_LOG("%s", dump);
	/* three crashes make a loop; the fourth at the latest is predicted */
	EXPECT_LE(3, seen_at);
	EXPECT_GE(4, seen_at);
	EXPECT_GE(first.conf, 600);
	/* due within the interval (1.5 s), with slack for TCG */
	EXPECT_GE(2500ULL, first.ttf);
	ASSERT_LT(0, read_dump());
	ASSERT_EQ(0, score("crash", &r1, &c1, &f));
	EXPECT_EQ(r0 + 1, r1) TH_LOG("%s", dump);
	EXPECT_LE(c0 + 1, c1) TH_LOG("%s", dump);
	/* stopped: no crash in three intervals, resolved 3 s later */
	for (i = 0; i < 60 && !resolved; i++) {
		nx_msleep(250);
		resolved = read_dump() > 0 &&
			   nx_pred_find(dump, "crash", "active", "(nexus_crasher)", &p);
	}
	EXPECT_TRUE(resolved) TH_LOG("%s", dump);
}

/*
 * nexus_crasher recursing 384 kB/s under RLIMIT_STACK 8 MiB (SIGSEGV
 * after about 21 s): StackOverflow is raised on its pid at least 5 s
 * before it dies, with a time to failure within 50% of the real one, and
 * the SIGSEGV confirms it.
 */
TEST_F_TIMEOUT(kinds, stack_growth_predicts_overflow, 90)
{
	static char exe[PATH_MAX];
	static const char *const argv[] = { exe, "stack", "384", "8192", NULL };
	long long raised, confirmed, falsep;
	unsigned long long first_ttf = 0;
	double t0, first = 0, died = 0;
	char pidstr[32];
	int status = 0;
	struct nx_pred p;
	pid_t pid;

	ASSERT_EQ(0, helper("nexus_crasher", exe, sizeof(exe)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	snprintf(pidstr, sizeof(pidstr), "pid %d ", pid);
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 60) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			died = nx_now_s();
			break;
		}
		if (!first && read_dump() > 0 &&
		    !nx_pred_find(dump, "stack_overflow", "active", pidstr, &p)) {
			first = nx_now_s();
			first_ttf = p.ttf;
			TH_LOG("raised at %.1f s: conf %u ttf %llu %s \"%s\"",
			       first - t0, p.conf, p.ttf, p.action, p.comp);
		}
		nx_msleep(250);
	}
	if (!died) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ASSERT_NE(0, died) TH_LOG("the recursion did not overflow in 60 s");
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	TH_LOG("died at %.1f s", died - t0);
	ASSERT_NE(0, first) TH_LOG("no StackOverflow on %s\n%s", pidstr, dump);
	EXPECT_GE(died - first, 5.0);
	EXPECT_LE(first_ttf, (died - first) * 1000 * 1.5);
	EXPECT_GE(first_ttf, (died - first) * 1000 * 0.5);
	nx_msleep(1000);
	ASSERT_LT(0, read_dump());
	ASSERT_EQ(0, score("stack_overflow", &raised, &confirmed, &falsep));
	EXPECT_LE(1, confirmed) TH_LOG("%s", dump);
}

/*
 * nexus_spinner works for 6 s (computation, 1-byte writes, 5 ms sleeps)
 * and then spins without a syscall; a second one spins from the start.
 * With livelock_ms 3000 and hung_task_timeout_secs 30, Livelock is raised
 * on the first, no sooner than 3 s into its spin and within 12 s of it,
 * with the rest of the timeout as time to failure; never on the second,
 * which never made progress.
 */
TEST_F_TIMEOUT(kinds, stalled_worker_predicted_as_livelock, 90)
{
	static char exe[PATH_MAX];
	static const char *const worker[] = { exe, "6000", NULL };
	static const char *const spinner[] = { exe, "0", NULL };
	char wstr[32], sstr[32];
	double t0, seen = 0;
	bool spin_raised = false;
	struct nx_pred p, first = { 0 };
	pid_t w, sp;

	ASSERT_EQ(0, helper("nexus_spinner", exe, sizeof(exe)));
	if (!self->hung[0])
		SKIP(return, "no hung-task detector (CONFIG_DETECT_HUNG_TASK)");
	EXPECT_EQ(30000, nx_read_ll(P "livelock_ms"));
	EXPECT_EQ(-ERANGE, nx_write(P "livelock_ms", "999"));
	EXPECT_EQ(-EINVAL, nx_write(P "livelock_ms", "3s"));
	EXPECT_EQ(-ERANGE, nx_write(P "livelock_ms", "3600001"));
	ASSERT_EQ(0, nx_write(HUNG, "30"));
	ASSERT_EQ(0, nx_write(P "livelock_ms", "3000"));
	w = nx_spawn(worker);
	ASSERT_LT(0, w);
	sp = nx_spawn(spinner);
	ASSERT_LT(0, sp);
	snprintf(wstr, sizeof(wstr), "pid %d ", w);
	snprintf(sstr, sizeof(sstr), "pid %d ", sp);
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 22 && (!seen || nx_now_s() - seen < 3)) {
		nx_msleep(250);
		if (read_dump() <= 0)
			continue;
		if (!seen && !nx_pred_find(dump, "livelock", "active", wstr, &p)) {
			seen = nx_now_s();
			first = p;
		}
		if (!nx_pred_find(dump, "livelock", "active", sstr, &p))
			spin_raised = true;
	}
	kill(w, SIGKILL);
	kill(sp, SIGKILL);
	waitpid(w, NULL, 0);
	waitpid(sp, NULL, 0);
	ASSERT_NE(0, seen) TH_LOG("no Livelock on %s\n%s", wstr, dump);
	TH_LOG("raised %.1f s after the worker started spinning: conf %u ttf %llu %s \"%s\"",
	       seen - t0 - 6, first.conf, first.ttf, first.action, first.comp);
	EXPECT_GE(seen - t0, 6 + 3 - 0.6);
	EXPECT_LE(seen - t0, 6 + 12);
	EXPECT_FALSE(spin_raised) TH_LOG("%s", dump);
	EXPECT_GE(first.conf, 600);
	EXPECT_LT(0, first.ttf);
	EXPECT_GE(27000ULL, first.ttf);
}

#define CG "/sys/fs/cgroup/nexus_pids_test"

/* Kill what is in the test cgroup and remove it. */
static void cg_remove(void)
{
	int i;

	nx_write(CG "/cgroup.kill", "1");
	for (i = 0; i < 100 && rmdir(CG) && errno == EBUSY; i++)
		nx_msleep(50);
}

/*
 * nexus_forker in a cgroup with pids.max 64 forks 4 children a second
 * (EAGAIN after about 16 s): ResourceExhaustion on the cgroup at least
 * 4 s before fork fails, with a first time to failure within 50% of the
 * real one, confirmed when fork fails.
 */
TEST_F_TIMEOUT(kinds, cgroup_pids_predicted_before_eagain, 90)
{
	static char exe[PATH_MAX], cmd[PATH_MAX + 128];
	static const char *const argv[] = { "/bin/sh", "-c", cmd, NULL };
	long long raised, confirmed, c0, falsep;
	double t0, first = 0, eagain = 0;
	unsigned long long first_ttf = 0;
	char ctl[256], out[64];
	bool had_pids;
	struct nx_pred p;
	int rfd = -1;
	pid_t pid;

	ASSERT_EQ(0, helper("nexus_forker", exe, sizeof(exe)));
	if (!nx_file_contains("/sys/fs/cgroup/cgroup.controllers", "pids"))
		SKIP(return, "no pids controller on /sys/fs/cgroup");
	ASSERT_LE(0, nx_read("/sys/fs/cgroup/cgroup.subtree_control", ctl,
			     sizeof(ctl)));
	had_pids = strstr(ctl, "pids");
	ASSERT_EQ(0, nx_write("/sys/fs/cgroup/cgroup.subtree_control", "+pids"));
	cg_remove();
	ASSERT_EQ(0, mkdir(CG, 0755));
	ASSERT_EQ(0, nx_write(CG "/pids.max", "64"));
	ASSERT_LT(0, read_dump());
	ASSERT_EQ(0, score("resource_exhaustion", &raised, &c0, &falsep));
	snprintf(cmd, sizeof(cmd), "echo $$ > %s/cgroup.procs && exec %s 4",
		 CG, exe);
	pid = spawn_piped(argv, &rfd);
	ASSERT_LT(0, pid);
	t0 = nx_now_s();
	while (nx_now_s() - t0 < 60) {
		ssize_t n = read(rfd, out, sizeof(out) - 1);

		if (n > 0 && !eagain) {
			out[n] = '\0';
			if (strstr(out, "EAGAIN"))
				eagain = nx_now_s();
		}
		if (!first && read_dump() > 0 &&
		    !nx_pred_find(dump, "resource_exhaustion", "active",
				  "cgroup /nexus_pids_test", &p)) {
			first = nx_now_s();
			first_ttf = p.ttf;
			TH_LOG("raised at %.1f s: conf %u ttf %llu %s \"%s\"",
			       first - t0, p.conf, p.ttf, p.action, p.comp);
		}
		if (eagain && nx_now_s() - eagain > 2)
			break;
		nx_msleep(250);
	}
	ASSERT_LT(0, read_dump());
	cg_remove();
	waitpid(pid, NULL, 0);
	close(rfd);
	if (!had_pids)
		nx_write("/sys/fs/cgroup/cgroup.subtree_control", "-pids");
	ASSERT_NE(0, eagain) TH_LOG("fork never failed: %s", out);
	TH_LOG("EAGAIN at %.1f s", eagain - t0);
	ASSERT_NE(0, first) TH_LOG("no ResourceExhaustion on the cgroup\n%s",
				   dump);
	EXPECT_GE(eagain - first, 4.0);
	EXPECT_LE(first_ttf, (eagain - first) * 1000 * 1.5);
	EXPECT_GE(first_ttf, (eagain - first) * 1000 * 0.5);
	ASSERT_EQ(0, score("resource_exhaustion", &raised, &confirmed,
			   &falsep));
	EXPECT_LT(c0, confirmed) TH_LOG("%s", dump);
}

TEST_HARNESS_MAIN
