// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_guard: the posture table says what the system really is (the test
 * reads /proc/sys, /proc/cmdline and sysfs itself and re-evaluates each
 * check), a passing check that starts failing (kernel.kptr_restrict 2 -> 0)
 * is a drift finding on the stream that raises the ThreatLevel, restoring
 * it resolves the finding, and bad sysfs input is refused.
 *
 * Threats: each vector, triggered by a child process, raises exactly one
 * event for that child, with its pid, comm, uid and the documented level
 * (one more severe when the posture leaves the vector's door open);
 * allow-listed activity raises none; the kill policy kills the offender
 * and nobody else.
 */
#include <ctype.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <linux/bpf.h>
#include <linux/nexus.h>
#include "kselftest_harness.h"
#include "nexus_test.h"

#define G NEXUS_SYSFS "/modules/guard/"
#define POSTURE NEXUS_DEBUGFS "/guard_posture"
#define FINDINGS NEXUS_DEBUGFS "/findings"
#define KPTR "/proc/sys/kernel/kptr_restrict"
#define UFFD_SYSCTL "/proc/sys/vm/unprivileged_userfaultfd"
#define KPROBES_ENABLED "/sys/kernel/debug/kprobes/enabled"
#define MODPROBE "/proc/sys/kernel/modprobe"

static char table[65536];

/* One row of the posture table. */
struct row {
	char *f[8];	/* name class result current recommended source drift care */
};

/* Split the table into rows; returns the count. */
static int parse(struct row *rows, int max)
{
	char *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(table, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		char *fs = NULL, *f;
		int i = 0;

		if (line[0] == '#')
			continue;
		for (f = strtok_r(line, "\t", &fs); f && i < 8;
		     f = strtok_r(NULL, "\t", &fs))
			rows[n].f[i++] = f;
		if (i == 8)
			n++;
	}
	return n;
}

/* Ask for an evaluation now and wait until it ran; 0 if it did. */
static int rescan(void)
{
	long long before = nx_read_ll(G "evaluations");

	if (nx_write(G "rescan", "1"))
		return -1;
	return nx_wait_above(G "evaluations", 10000, before) > before ? 0 : -1;
}

static int read_table(struct row *rows, int max)
{
	if (nx_read_all(POSTURE, table, sizeof(table)) <= 0)
		return -1;
	return parse(rows, max);
}

/* The row of @name in a fresh read of the table, or NULL. */
static struct row *find_row(struct row *rows, int max, const char *name)
{
	int i, n = read_table(rows, max);

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].f[0], name))
			return &rows[i];
	return NULL;
}

static void first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

/* Expected result of a sysctl check from its recommendation. */
static const char *judge(const char *cur, const char *want)
{
	long long v = strtoll(cur, NULL, 10);

	if (!strncmp(want, ">=", 2))
		return v >= strtoll(want + 2, NULL, 10) ? "OK" : "FAIL";
	return v == strtoll(want, NULL, 10) ? "OK" : "FAIL";
}

static int cmdline_has(const char *cmdline, const char *tok)
{
	size_t len = strlen(tok);
	const char *p;

	for (p = strstr(cmdline, tok); p; p = strstr(p + 1, tok))
		if ((p == cmdline || isspace(p[-1])) &&
		    (!p[len] || isspace(p[len])))
			return 1;
	return 0;
}

static const char * const classes[] = {
	"self_protection", "attack_surface", "userspace_hardening", "network",
};

static const int weights[] = { 3, 2, 2, 1 };

FIXTURE(guard) {
	char kptr[16];
	char posture_ms[16];
	char window_ms[16];
	char modprobe[256];
	char umh_paths[1200];
	char uffd[16];
};

FIXTURE_SETUP(guard)
{
	if (access(G "posture_score", F_OK))
		SKIP(return, "nexus_guard not loaded");
	ASSERT_LT(0, nx_read(KPTR, self->kptr, sizeof(self->kptr)));
	ASSERT_LT(0, nx_read(G "posture_ms", self->posture_ms,
			     sizeof(self->posture_ms)));
	ASSERT_LT(0, nx_read(G "window_ms", self->window_ms,
			     sizeof(self->window_ms)));
	ASSERT_LT(0, nx_read(MODPROBE, self->modprobe, sizeof(self->modprobe)));
	ASSERT_LE(0, nx_read(G "umh_paths", self->umh_paths,
			     sizeof(self->umh_paths)));
	ASSERT_LT(0, nx_read(UFFD_SYSCTL, self->uffd, sizeof(self->uffd)));
	/* The guard's tick runs from monitoring (1) up. */
	if (nx_read_ll(NEXUS_SYSFS "/level") < 1)
		ASSERT_EQ(0, nx_write(NEXUS_SYSFS "/level", "1"));
}

#define HIDE_KO NEXUS_TEST_MODULES "/nexus_test_hide.ko"
#define HIDE "/sys/module/nexus_test_hide/parameters/hide"

FIXTURE_TEARDOWN(guard)
{
	/* A hidden module cannot be unloaded: link it back first. */
	if (!access(HIDE, F_OK)) {
		nx_write(HIDE, "0");
		nx_rmmod("nexus_test_hide");
	}
	if (!self->kptr[0])
		return;
	nx_write(KPTR, self->kptr);
	nx_write(G "posture_ms", self->posture_ms);
	nx_write(G "window_ms", self->window_ms);
	nx_write(MODPROBE, self->modprobe);
	nx_write(G "umh_paths", self->umh_paths[0] ? self->umh_paths : "\n");
	nx_write(UFFD_SYSCTL, self->uffd);
	/* probes_disarmed disarms every kprobe: never leave them so. */
	nx_write(KPROBES_ENABLED, "1");
	/* The test's own flips are not drift anybody needs to see. */
	nx_write(G "accept", "1");
	rescan();
}

/* Every row matches what the test reads from the system itself. */
TEST_F(guard, posture_matches_system)
{
	static struct row rows[256];
	char cmdline[4096], path[256], val[256];
	int n, i, j, checked = 0, pass_w = 0, all_w = 0;

	ASSERT_EQ(0, rescan());
	n = read_table(rows, 256);
	ASSERT_LT(40, n);
	ASSERT_LT(0, nx_read("/proc/cmdline", cmdline, sizeof(cmdline)));
	for (i = 0; i < n; i++) {
		char **f = rows[i].f;
		const char *name = f[0], *res = f[2], *cur = f[3];

		for (j = 0; j < 4; j++)
			if (!strcmp(f[1], classes[j]))
				break;
		ASSERT_GT(4, j) TH_LOG("%s: class %s", name, f[1]);
		if (!strcmp(res, "OK"))
			pass_w += weights[j];
		if (!strcmp(res, "OK") || !strcmp(res, "FAIL"))
			all_w += weights[j];

		if (!strncmp(name, "CONFIG_", 7) || !strncmp(name, "cpu.", 4) ||
		    !strcmp(name, "lockdown")) {
			continue;
		} else if (!strncmp(name, "cmdline.", 8)) {
			int has = cmdline_has(cmdline, name + 8);

			EXPECT_STREQ(has ? "present" : "absent", cur)
				TH_LOG("%s", name);
			EXPECT_STREQ(has ? "FAIL" : "OK", res) TH_LOG("%s", name);
		} else if (!strncmp(name, "vuln.", 5)) {
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/vulnerabilities/%s",
				 name + 5);
			if (nx_read(path, val, sizeof(val)) < 0) {
				EXPECT_STREQ("absent", res) TH_LOG("%s", name);
				continue;
			}
			first_line(val);
			EXPECT_EQ(0, strncmp(val, cur, strlen(cur)))
				TH_LOG("%s: '%s' vs '%s'", name, cur, val);
			EXPECT_STREQ(!strncmp(val, "Not affected", 12) ||
				     !strncmp(val, "Mitigation", 10) ?
				     "OK" : "FAIL", res) TH_LOG("%s", name);
		} else if (!strcmp(name, "module.sig_enforce")) {
			/* absent without CONFIG_MODULE_SIG: nothing enforced */
			if (nx_read("/sys/module/module/parameters/sig_enforce",
				    val, sizeof(val)) < 0)
				strcpy(val, "N");
			EXPECT_STREQ(val, cur);
		} else if (!strcmp(name, "kernel.tainted")) {
			ASSERT_LT(0, nx_read("/proc/sys/kernel/tainted", val,
					     sizeof(val)));
			EXPECT_STREQ(val, cur);
		} else {
			/* A sysctl: its name is its path under /proc/sys. */
			char *p;

			snprintf(path, sizeof(path), "/proc/sys/%s", name);
			for (p = path + 10; *p; p++)
				if (*p == '.')
					*p = '/';
			if (nx_read(path, val, sizeof(val)) < 0) {
				EXPECT_STREQ("absent", res) TH_LOG("%s", name);
				continue;
			}
			first_line(val);
			EXPECT_STREQ(val, cur) TH_LOG("%s", name);
			EXPECT_STREQ(judge(val, f[4]), res)
				TH_LOG("%s = %s, want %s", name, val, f[4]);
		}
		checked++;
	}
	/* At least the sysctls of the issue and the vulnerabilities. */
	EXPECT_LT(30, checked);
	EXPECT_EQ(all_w ? pass_w * 100 / all_w : 100,
		  nx_read_ll(G "posture_score"));
}

/*
 * nexusctl show posture --json: one kernel-hardening-checker-shaped object
 * per check, with the table's values.
 */
TEST_F(guard, nexusctl_posture_json)
{
	static struct row rows[256];
	static char out[262144];
	char want[256];
	struct row *r;
	size_t len = 0, n;
	int objects = 0, rows_n;
	char *p;
	FILE *fp;

	if (system("command -v nexusctl >/dev/null 2>&1"))
		SKIP(return, "nexusctl not installed");
	ASSERT_EQ(0, rescan());
	fp = popen("nexusctl show posture --json", "r");
	ASSERT_NE(NULL, fp);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, fp)) > 0)
		len += n;
	out[len] = '\0';
	ASSERT_EQ(0, pclose(fp));
	for (p = strstr(out, "\"option_name\""); p;
	     p = strstr(p + 1, "\"option_name\""))
		objects++;
	rows_n = read_table(rows, 256);
	EXPECT_EQ(rows_n, objects);
	r = find_row(rows, 256, "kernel.kptr_restrict");
	ASSERT_NE(NULL, r);
	snprintf(want, sizeof(want),
		 "\"option_name\":\"kernel.kptr_restrict\",\"type\":\"sysctl\",\"desired_val\":\"2\",\"decision\":\"kspp\",\"reason\":\"self_protection\"");
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%.300s", out);
	snprintf(want, sizeof(want), "\"check_result_bool\":%s,\"current_val\":\"%s\"",
		 strcmp(r->f[2], "OK") ? "false" : "true", r->f[3]);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", want);
}

/* Is the finding @id on the stream of @fd (opened before it was raised)? */
static int stream_has_finding(int fd, unsigned long long id,
			      unsigned long long flag)
{
	struct nexus_event ev[64];
	unsigned int t;

	for (t = 0; t < 5000; t += 50) {
		ssize_t n = read(fd, ev, sizeof(ev));
		int i;

		for (i = 0; n > 0 && i < n / (int)sizeof(ev[0]); i++)
			if (ev[i].type == NEXUS_EV_FINDING && ev[i].arg0 == id &&
			    (ev[i].arg1 & flag))
				return 1;
		if (n <= 0)
			nx_msleep(50);
	}
	return 0;
}

/* The id of the last finding line holding @a and @b, or 0. */
static unsigned long long finding_with(const char *a, const char *b)
{
	unsigned long long id = 0;
	char *line, *save = NULL;

	if (nx_read_all(FINDINGS, table, sizeof(table)) <= 0)
		return 0;
	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, a) && strstr(line, b))
			id = strtoull(line, NULL, 10);
	return id;
}

/*
 * kptr_restrict 2 -> 0 is drift, found by the timer (no rescan): a finding
 * on the stream, the ThreatLevel raised; back to 2 resolves it.
 */
TEST_F(guard, kptr_restrict_drift)
{
	static struct row rows[256];
	struct row *r;
	unsigned long long id, id2;
	long long drifts;
	unsigned int t;
	int fd;

	/* Only drift counts: older events (module loads at boot) age out. */
	ASSERT_EQ(0, nx_write(G "window_ms", "1000"));
	ASSERT_EQ(0, nx_write(G "posture_ms", "1000"));
	ASSERT_EQ(0, nx_write(KPTR, "2"));
	ASSERT_EQ(0, nx_write(G "accept", "1"));
	ASSERT_EQ(0, rescan());
	r = find_row(rows, 256, "kernel.kptr_restrict");
	ASSERT_NE(NULL, r);
	ASSERT_STREQ("OK", r->f[2]);
	ASSERT_STREQ("-", r->f[6]);
	nx_msleep(1100);
	EXPECT_EQ(7, nx_read_ll(G "threat_level"));

	drifts = nx_read_ll(G "drifts");
	fd = open("/dev/nexus", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nx_write(KPTR, "0"));
	/* The 1 s timer finds it; TCG is slow, so allow 20 s. */
	EXPECT_LT(drifts, nx_wait_above(G "drifts", 20000, drifts));
	r = find_row(rows, 256, "kernel.kptr_restrict");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("FAIL", r->f[2]);
	EXPECT_STREQ("0", r->f[3]);
	EXPECT_STREQ("err", r->f[6]);
	EXPECT_GE(3, nx_read_ll(G "threat_level"));
	id = finding_with(" active guard kernel.kptr_restrict ",
			  "posture drift: kernel.kptr_restrict 2 -> 0");
	ASSERT_NE(0, id);
	EXPECT_TRUE(stream_has_finding(fd, id, NEXUS_FINDING_ACTIVE));

	ASSERT_EQ(0, nx_write(KPTR, "2"));
	for (t = 0; t < 20000; t += 100) {
		r = find_row(rows, 256, "kernel.kptr_restrict");
		if (r && !strcmp(r->f[6], "-"))
			break;
		nx_msleep(100);
	}
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("OK", r->f[2]);
	EXPECT_STREQ("-", r->f[6]);
	id2 = finding_with(" resolved guard kernel.kptr_restrict ",
			   "posture drift cleared");
	EXPECT_EQ(id, id2);
	EXPECT_TRUE(stream_has_finding(fd, id, NEXUS_FINDING_RESOLVED));
	close(fd);
}

/* accept resolves open drift and brings the ThreatLevel back. */
TEST_F(guard, accept_clears_drift)
{
	static struct row rows[256];
	struct row *r;
	long long drifts;

	ASSERT_EQ(0, nx_write(G "window_ms", "1000"));
	ASSERT_EQ(0, nx_write(KPTR, "2"));
	ASSERT_EQ(0, nx_write(G "accept", "1"));
	ASSERT_EQ(0, rescan());
	drifts = nx_read_ll(G "drifts");
	ASSERT_EQ(0, nx_write(KPTR, "1"));
	ASSERT_EQ(0, rescan());
	EXPECT_EQ(drifts + 1, nx_read_ll(G "drifts"));
	EXPECT_GE(3, nx_read_ll(G "threat_level"));
	ASSERT_EQ(0, nx_write(G "accept", "1"));
	ASSERT_EQ(0, rescan());
	r = find_row(rows, 256, "kernel.kptr_restrict");
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("FAIL", r->f[2]);
	EXPECT_STREQ("-", r->f[6]);
	nx_msleep(1100);
	EXPECT_EQ(7, nx_read_ll(G "threat_level"));
	/* Still failing, already accepted: no new drift. */
	ASSERT_EQ(0, rescan());
	EXPECT_EQ(drifts + 1, nx_read_ll(G "drifts"));
}

/* Bad input is refused and changes nothing. */
TEST_F(guard, bad_input_refused)
{
	char buf[32];

	EXPECT_EQ(-EINVAL, nx_write(G "posture_ms", "soon"));
	EXPECT_EQ(-ERANGE, nx_write(G "posture_ms", "10"));
	EXPECT_EQ(-ERANGE, nx_write(G "posture_ms", "99999999999"));
	ASSERT_LT(0, nx_read(G "posture_ms", buf, sizeof(buf)));
	EXPECT_STREQ(self->posture_ms, buf);
	EXPECT_EQ(-EINVAL, nx_write(G "rescan", "2"));
	EXPECT_EQ(-EINVAL, nx_write(G "rescan", "yes"));
	EXPECT_EQ(-EINVAL, nx_write(G "accept", "0"));
	EXPECT_NE(0, nx_write(G "posture_score", "100"));
	EXPECT_NE(0, nx_write(G "threat_level", "0"));
}

/* ---- threats ---- */

#define THREATS NEXUS_DEBUGFS "/guard_threats"
#define ACT "/opt/nexus/selftests/nexus_guard_act"
#define NOBODY 65534

static char threats[131072];

/* One event of guard_threats. */
struct ev {
	unsigned long long seq;
	char vector[32];
	int level;
	int pid;
	char comm[32];
	int uid;
	char what[64];
	char door[16];
	char action[16];
};

/* The events after @since, of @pid (0: any); returns how many (<= max). */
static int events(unsigned long long since, int pid, struct ev *out, int max)
{
	char *line, *save = NULL;
	int n = 0;

	if (nx_read_all(THREATS, threats, sizeof(threats)) <= 0)
		return 0;
	for (line = strtok_r(threats, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct ev e;

		if (line[0] == '#')
			continue;
		memset(&e, 0, sizeof(e));
		if (sscanf(line, "%llu\t%*u\t%31[^\t]\t%d\t%d\t%31[^\t]\t"
			   "%d\t%63[^\t]\t%15[^\t]\t%15[^\t]",
			   &e.seq, e.vector, &e.level, &e.pid, e.comm, &e.uid,
			   e.what, e.door, e.action) != 9)
			continue;
		if (e.seq <= since || (pid && e.pid != pid))
			continue;
		if (n < max)
			out[n] = e;
		n++;
	}
	return n;
}

/* The seq of the last event so far. */
static unsigned long long last_seq(void)
{
	unsigned long long seq = 0;
	char *p;

	if (nx_read_all(THREATS, threats, sizeof(threats)) <= 0)
		return 0;
	for (p = strtok(threats, "\n"); p; p = strtok(NULL, "\n"))
		if (p[0] != '#')
			seq = strtoull(p, NULL, 10);
	return seq;
}

/*
 * Wait for @pid's events after @since, then a little longer so that a
 * second one would be seen too; returns how many (the first in @e).
 */
static int wait_events(unsigned long long since, int pid, struct ev *e)
{
	unsigned int t;
	int n = 0;

	for (t = 0; t < 10000 && !n; t += 100) {
		n = events(since, pid, e, 1);
		if (!n)
			nx_msleep(100);
	}
	if (n) {
		nx_msleep(1500);
		n = events(since, pid, e, 1);
	}
	return n;
}

/* The posture result of @check: 1 if it fails (the door is open). */
static int door_open(const char *check)
{
	static struct row rows[256];
	struct row *r = find_row(rows, 256, check);

	return r && !strcmp(r->f[2], "FAIL");
}

/* The count of allow-listed events of @vector. */
static long long allowed_count(const char *vector)
{
	char want[64], *p;

	snprintf(want, sizeof(want), "# allowed %s ", vector);
	if (nx_read_all(THREATS, threats, sizeof(threats)) <= 0)
		return -1;
	p = strstr(threats, want);
	return p ? strtoll(p + strlen(want), NULL, 10) : -1;
}

static int expected(int base, const char *door)
{
	return door && door_open(door) ? base - 1 : base;
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void become_nobody(void)
{
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		_exit(99);
}

/* A copy of nexus_guard_act, set-user-ID root, outside /tmp. */
#define SUID_DIR "/nxg"
#define SUID_ACT SUID_DIR "/nxg_act"

static int install_suid_act(void)
{
	char cmd[256];

	mkdir(SUID_DIR, 0755);
	snprintf(cmd, sizeof(cmd), "cp " ACT " " SUID_ACT);
	if (system(cmd))
		return -1;
	return chmod(SUID_ACT, 04755);
}

static pid_t run_suid_act(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		become_nobody();
		execl(SUID_ACT, "nxg_act", "setuid", (char *)NULL);
		_exit(98);
	}
	return pid;
}

TEST_F(guard, threat_setuid_root)
{
	unsigned long long since;
	struct ev e;
	pid_t pid;

	ASSERT_EQ(0, install_suid_act());
	since = last_seq();
	pid = run_suid_act();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_child(pid)) TH_LOG("nxg_act setuid did not succeed");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("setuid_root", e.vector);
	EXPECT_STREQ("nxg_act", e.comm);
	EXPECT_EQ(NOBODY, e.uid);
	EXPECT_EQ(2, e.level);
	EXPECT_STREQ("logged", e.action);
}

/* Under the kill policy the offender dies; its parent and a sibling live. */
TEST_F(guard, threat_kill_policy_kills_only_offender)
{
	unsigned long long since;
	pid_t pid, sibling;
	struct ev e;
	int st;

	ASSERT_EQ(0, install_suid_act());
	sibling = fork();
	if (sibling == 0) {
		become_nobody();
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, nx_write(G "policy/setuid_root", "kill"));
	since = last_seq();
	pid = run_suid_act();
	st = wait_child(pid);
	nx_write(G "policy/setuid_root", "log");
	ASSERT_TRUE(WIFSIGNALED(st)) TH_LOG("status %#x", st);
	EXPECT_EQ(SIGKILL, WTERMSIG(st));
	EXPECT_EQ(0, kill(sibling, 0));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("killed", e.action);
	EXPECT_EQ(0, events(since, sibling, &e, 1));
	kill(sibling, SIGKILL);
	waitpid(sibling, NULL, 0);
}

TEST_F(guard, threat_namespace)
{
	unsigned long long since = last_seq();
	struct ev e;
	pid_t pid = fork();

	if (pid == 0) {
		become_nobody();
		unshare(CLONE_NEWUSER);	/* the attempt is what is reported */
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("namespace", e.vector);
	EXPECT_EQ(NOBODY, e.uid);
	EXPECT_EQ(expected(5, "user.max_user_namespaces"), e.level);
}

TEST_F(guard, threat_ptrace_attach)
{
	unsigned long long since;
	pid_t target, tracer;
	char what[32];
	struct ev e;

	target = fork();
	if (target == 0) {
		pause();
		_exit(0);
	}
	since = last_seq();
	tracer = fork();
	if (tracer == 0) {
		if (ptrace(PTRACE_ATTACH, target, 0, 0))
			_exit(1);
		waitpid(target, NULL, 0);
		ptrace(PTRACE_DETACH, target, 0, 0);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(tracer));
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	ASSERT_EQ(1, wait_events(since, tracer, &e));
	EXPECT_STREQ("ptrace_attach", e.vector);
	snprintf(what, sizeof(what), "pid %d", target);
	EXPECT_STREQ(what, e.what);
	EXPECT_EQ(expected(5, "kernel.yama.ptrace_scope"), e.level);
	EXPECT_EQ(0, events(since, target, &e, 1));
}

TEST_F(guard, threat_bpf_load)
{
	unsigned long long since = last_seq();
	struct ev e;
	pid_t pid = fork();

	if (pid == 0) {
		/* r0 = 0; exit: the smallest socket filter. */
		struct bpf_insn insn[2] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		union bpf_attr a;
		int fd;

		memset(&a, 0, sizeof(a));
		a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		a.insns = (unsigned long)insn;
		a.insn_cnt = 2;
		a.license = (unsigned long)"GPL";
		fd = syscall(__NR_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		_exit(fd < 0 ? 1 : 0);
	}
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("bpf_load", e.vector);
	EXPECT_STREQ("type 1", e.what);
	EXPECT_EQ(expected(5, "kernel.unprivileged_bpf_disabled"), e.level);
}

TEST_F(guard, threat_exec_memfd)
{
	unsigned long long since = last_seq();
	struct ev e;
	pid_t pid = fork();

	if (pid == 0) {
		static char * const argv[] = { "nxg_act", "exit", NULL };
		static char * const envp[] = { NULL };
		char buf[65536];
		int in = open(ACT, O_RDONLY), fd = memfd_create("nxg", 0);
		ssize_t n;

		if (in < 0 || fd < 0)
			_exit(97);
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, n) != n)
				_exit(96);
		close(in);
		fexecve(fd, argv, envp);
		_exit(95);
	}
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("exec_suspicious", e.vector);
	EXPECT_EQ(4, e.level);
	EXPECT_NE(NULL, strstr(e.what, "fd/")) TH_LOG("%s", e.what);
}

TEST_F(guard, threat_exec_tmp)
{
	unsigned long long since;
	struct ev e;
	pid_t pid;

	mkdir("/tmp", 01777);
	ASSERT_EQ(0, system("cp " ACT " /tmp/nxg_act"));
	since = last_seq();
	pid = fork();
	if (pid == 0) {
		execl("/tmp/nxg_act", "nxg_act", "exit", (char *)NULL);
		_exit(98);
	}
	ASSERT_EQ(0, wait_child(pid));
	unlink("/tmp/nxg_act");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("exec_suspicious", e.vector);
	EXPECT_STREQ("nxg_act", e.comm);
	EXPECT_STREQ("/tmp/nxg_act", e.what);
	EXPECT_EQ(5, e.level);
}

TEST_F(guard, threat_suid_chmod)
{
	unsigned long long since;
	struct ev e;
	pid_t pid;
	int fd;

	mkdir(SUID_DIR, 0755);
	fd = open(SUID_DIR "/nxg_suid_file", O_WRONLY | O_CREAT, 0755);
	ASSERT_LE(0, fd);
	close(fd);
	since = last_seq();
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_NAME, "nxg_chmod");
		_exit(chmod(SUID_DIR "/nxg_suid_file", 04755) ? 1 : 0);
	}
	ASSERT_EQ(0, wait_child(pid));
	unlink(SUID_DIR "/nxg_suid_file");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("suid_chmod", e.vector);
	EXPECT_STREQ("nxg_chmod", e.comm);
	EXPECT_STREQ("nxg_suid_file", e.what);
	EXPECT_EQ(4, e.level);
}

/* A child named @comm that opens @path with @flags; exits with the errno. */
static pid_t opener(const char *path, int flags, const char *comm)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		_exit(open(path, flags, 0644) < 0 ? errno : 0);
	}
	return pid;
}

static pid_t etc_writer(const char *comm)
{
	return opener("/etc/nxg_guard_probe", O_WRONLY | O_CREAT, comm);
}

TEST_F(guard, threat_etc_write)
{
	unsigned long long since = last_seq();
	struct ev e;
	pid_t pid = etc_writer("nxg_etc");

	ASSERT_EQ(0, wait_child(pid));
	unlink("/etc/nxg_guard_probe");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("etc_write", e.vector);
	EXPECT_STREQ("nxg_etc", e.comm);
	EXPECT_STREQ("nxg_guard_probe", e.what);
	EXPECT_EQ(0, e.uid);
	EXPECT_EQ(5, e.level);
}

#define BIN_PROBE "/usr/bin/nxg_guard_probe"

/* A write opened under a binary directory: bin_write, not etc_write. */
TEST_F(guard, threat_bin_write)
{
	unsigned long long since = last_seq();
	pid_t pid = opener(BIN_PROBE, O_WRONLY | O_CREAT, "nxg_bin");
	struct ev e;
	int st;

	st = wait_child(pid);
	ASSERT_EQ(0, st) TH_LOG("errno %d", WEXITSTATUS(st));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("bin_write", e.vector);
	EXPECT_STREQ("nxg_bin", e.comm);
	EXPECT_STREQ("nxg_guard_probe", e.what);
	EXPECT_EQ(0, e.uid);
	EXPECT_EQ(5, e.level);
	/* Reading a binary is nothing. */
	since = last_seq();
	pid = opener(BIN_PROBE, O_RDONLY, "nxg_bin");
	st = wait_child(pid);
	EXPECT_EQ(0, st) TH_LOG("errno %d", WEXITSTATUS(st));
	unlink(BIN_PROBE);
	nx_msleep(1500);
	EXPECT_EQ(0, events(since, pid, &e, 1));
}

/* Allow-listed activity raises nothing, and the probe did see it. */
TEST_F(guard, threat_allow_list)
{
	unsigned long long since;
	long long allowed;
	char buf[128];
	struct ev e;
	pid_t pid;

	ASSERT_EQ(0, nx_write(G "allow/etc_write", "nxg_other nxg_allowed"));
	ASSERT_LT(0, nx_read(G "allow/etc_write", buf, sizeof(buf)));
	EXPECT_STREQ("nxg_other nxg_allowed", buf);
	since = last_seq();
	allowed = allowed_count("etc_write");
	ASSERT_LE(0, allowed);
	pid = etc_writer("nxg_allowed");
	ASSERT_EQ(0, wait_child(pid));
	unlink("/etc/nxg_guard_probe");
	nx_msleep(2000);
	EXPECT_EQ(0, events(since, pid, &e, 1));
	EXPECT_LT(allowed, allowed_count("etc_write"));
	/* Another comm is still reported. */
	pid = etc_writer("nxg_etc");
	ASSERT_EQ(0, wait_child(pid));
	unlink("/etc/nxg_guard_probe");
	EXPECT_EQ(1, wait_events(since, pid, &e));
	/* An empty line clears it (a write of nothing never reaches sysfs). */
	ASSERT_EQ(0, nx_write(G "allow/etc_write", "\n"));
	ASSERT_LE(0, nx_read(G "allow/etc_write", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
}

TEST_F(guard, threat_module_load)
{
	unsigned long long since = last_seq();
	struct ev e;
	pid_t pid = fork();

	if (pid == 0)
		_exit(nx_insmod(NEXUS_TEST_MODULES "/nexus_test_guard.ko", NULL) ?
		      1 : 0);
	ASSERT_EQ(0, wait_child(pid));
	EXPECT_EQ(0, nx_rmmod("nexus_test_guard"));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("module_load", e.vector);
	EXPECT_STREQ("nexus_test_guard", e.what);
	/* Test modules are never signed: warning, one more if not enforced. */
	EXPECT_EQ(expected(4, "module.sig_enforce"), e.level);
}

/*
 * A socket of a family no kernel has (AF_IPX, 4, is gone since 4.18) makes
 * the kernel request module net-pf-4: call_usermodehelper_exec() of the
 * modprobe path, in the child's own context.
 */
static pid_t umh_trigger(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		prctl(PR_SET_NAME, "nxg_umh");
		fd = socket(4, SOCK_DGRAM, 0);
		_exit(fd < 0 ? 0 : 1);
	}
	return pid;
}

#define FAKE_MODPROBE SUID_DIR "/nxg_modprobe"

/*
 * modprobe_path overwritten (what an exploit with a kernel write does):
 * the helper outside umh_paths is one event of the requesting task; the
 * same helper once listed raises none.
 */
TEST_F(guard, threat_usermode_helper)
{
	unsigned long long since;
	long long allowed;
	char buf[1200];
	struct ev e;
	pid_t pid;

	/* The kernel's own modprobe is listed by default. */
	EXPECT_NE(NULL, strstr(self->umh_paths, "/sbin/modprobe"));
	ASSERT_EQ(0, nx_write(MODPROBE, FAKE_MODPROBE));

	ASSERT_EQ(0, nx_write(G "umh_paths", "/sbin/modprobe " FAKE_MODPROBE));
	ASSERT_LT(0, nx_read(G "umh_paths", buf, sizeof(buf)));
	EXPECT_STREQ("/sbin/modprobe " FAKE_MODPROBE, buf);
	since = last_seq();
	allowed = allowed_count("usermode_helper");
	ASSERT_LE(0, allowed);
	pid = umh_trigger();
	ASSERT_EQ(0, wait_child(pid));
	nx_msleep(2000);
	EXPECT_EQ(0, events(since, pid, &e, 1));
	EXPECT_LT(allowed, allowed_count("usermode_helper"));

	ASSERT_EQ(0, nx_write(G "umh_paths", self->umh_paths));
	since = last_seq();
	pid = umh_trigger();
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("usermode_helper", e.vector);
	EXPECT_STREQ("nxg_umh", e.comm);
	EXPECT_STREQ(FAKE_MODPROBE, e.what);
	EXPECT_EQ(0, e.uid);
	EXPECT_EQ(3, e.level);
	EXPECT_STREQ("logged", e.action);
}

#define TAMPER "/sys/module/nexus_test_guard/parameters/tamper_uid"

/*
 * A child that opens nexus_test_guard's tamper_uid as root, becomes nobody
 * (setresuid: commit_creds, the shadow follows), then writes 0 to it: its
 * uids are set to 0 in place, as an exploit's kernel write does.  Its next
 * tracked call (unshare(0): nothing to unshare) compares the credentials
 * with the shadow.  Exit 0: it became root.
 */
static pid_t cred_child(int tamper)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(TAMPER, O_WRONLY);

		prctl(PR_SET_NAME, "nxg_cred");
		if (fd < 0)
			_exit(97);
		become_nobody();
		if (tamper && write(fd, "0", 1) != 1)
			_exit(96);
		syscall(__NR_unshare, 0);
		_exit(getuid() == 0 ? 0 : 1);
	}
	return pid;
}

TEST_F(guard, threat_cred_tamper)
{
	unsigned long long since;
	pid_t pid, legit;
	struct ev e;

	ASSERT_EQ(0, nx_insmod(NEXUS_TEST_MODULES "/nexus_test_guard.ko", NULL));
	since = last_seq();
	legit = cred_child(0);
	EXPECT_EQ(1 << 8, wait_child(legit)) TH_LOG("still root untampered");
	pid = cred_child(1);
	EXPECT_EQ(0, wait_child(pid)) TH_LOG("the tamper did not make it root");
	nx_rmmod("nexus_test_guard");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	/* Credentials changed through the kernel's paths raise nothing. */
	EXPECT_EQ(0, events(since, legit, &e, 1));
	ASSERT_EQ(1, events(since, pid, &e, 1));
	EXPECT_STREQ("cred_tamper", e.vector);
	EXPECT_STREQ("nxg_cred", e.comm);
	EXPECT_EQ(0, e.uid);
	EXPECT_STREQ("uid 65534->0 euid 65534->0", e.what);
	EXPECT_EQ(1, e.level);
	EXPECT_STREQ("logged", e.action);
}

/* ---- module_hidden ---- */

#define GUARD_KO "/opt/nexus/modules/nexus_guard.ko"

/* module_hidden events of @name after @since; the first in @e. */
static int hidden_events(unsigned long long since, const char *name,
			 struct ev *e)
{
	static struct ev all[128];
	int n = events(since, 0, all, 128), i, k = 0;

	for (i = 0; i < n && i < 128; i++) {
		if (strcmp(all[i].vector, "module_hidden") ||
		    strcmp(all[i].what, name))
			continue;
		if (!k++)
			*e = all[i];
	}
	return k;
}

/* Wait up to 10 s for the first such event; returns the count. */
static int wait_hidden(unsigned long long since, const char *name,
		       struct ev *e)
{
	unsigned int t;
	int n = 0;

	for (t = 0; t < 10000 && !n; t += 200) {
		n = hidden_events(since, name, e);
		if (!n)
			nx_msleep(200);
	}
	return n;
}

/* A counter of the "# modlist" line of guard_threats, or -1. */
static long long modlist_count(const char *key)
{
	char want[64], *line, *p;

	if (nx_read_all(THREATS, threats, sizeof(threats)) <= 0)
		return -1;
	line = strstr(threats, "# modlist ");
	if (!line)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	snprintf(want, sizeof(want), " %s ", key);
	p = strstr(line, want);
	return p ? strtoll(p + strlen(want), NULL, 10) : -1;
}

/* Is guard listing @name as hidden now? */
static int guard_lists_hidden(const char *name)
{
	char want[80];

	snprintf(want, sizeof(want), "# hidden %s\n", name);
	if (nx_read_all(THREATS, threats, sizeof(threats)) <= 0)
		return -1;
	return !!strstr(threats, want);
}

/* Is @name in /proc/modules (what lsmod shows)? */
static int in_proc_modules(const char *name)
{
	static char mods[65536];
	char want[80];

	snprintf(want, sizeof(want), "\n%s ", name);
	mods[0] = '\n';
	if (nx_read_all("/proc/modules", mods + 1, sizeof(mods) - 1) <= 0)
		return -1;
	return !!strstr(mods, want);
}

/* An active finding of guard about @name's hiding? */
static int hidden_finding_active(const char *name)
{
	char *line, *save = NULL;
	int n = 0;

	if (nx_read_all(FINDINGS, table, sizeof(table)) <= 0)
		return -1;
	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, " active guard ") &&
		    strstr(line, "module_hidden") && strstr(line, name))
			n++;
	return n;
}

/* TAINT_WARN: the kernel logged a WARNING. */
#define TAINT_WARN 0x200

static long long taint_mask(void)
{
	return nx_read_ll("/proc/sys/kernel/tainted");
}

/*
 * A module that unlinks itself from the module list raises one
 * module_hidden event with its name at alert (1), once however many
 * checks see it hidden; linked back it is no longer reported, its finding
 * is resolved, it unloads, and nothing warned.
 */
TEST_F(guard, threat_module_hidden)
{
	long long checks, taint = taint_mask();
	unsigned long long since;
	struct ev e;

	ASSERT_EQ(0, nx_insmod(HIDE_KO, NULL));
	ASSERT_EQ(1, in_proc_modules("nexus_test_hide"));
	/* Listed: several checks raise nothing. */
	since = last_seq();
	checks = modlist_count("checks");
	ASSERT_LE(0, checks);
	nx_msleep(2500);
	EXPECT_LT(checks + 1, modlist_count("checks"));
	EXPECT_EQ(0, hidden_events(since, "nexus_test_hide", &e));

	ASSERT_EQ(0, nx_write(HIDE, "1"));
	EXPECT_EQ(0, in_proc_modules("nexus_test_hide"));
	/* delete_module() no longer finds it: the trick worked. */
	EXPECT_EQ(-ENOENT, nx_rmmod("nexus_test_hide"));
	EXPECT_EQ(1, wait_hidden(since, "nexus_test_hide", &e));
	EXPECT_STREQ("module_hidden", e.vector);
	EXPECT_STREQ("nexus_test_hide", e.what);
	EXPECT_EQ(1, e.level);
	EXPECT_EQ(0, e.pid);
	EXPECT_STREQ("logged", e.action);
	EXPECT_EQ(1, guard_lists_hidden("nexus_test_hide"));
	EXPECT_EQ(1, hidden_finding_active("nexus_test_hide"));
	EXPECT_GE(1, nx_read_ll(G "threat_level"));
	/* Once per hiding, not once per check. */
	checks = modlist_count("checks");
	nx_msleep(3000);
	EXPECT_LT(checks + 1, modlist_count("checks"));
	EXPECT_EQ(1, hidden_events(since, "nexus_test_hide", &e));

	ASSERT_EQ(0, nx_write(HIDE, "0"));
	EXPECT_EQ(1, in_proc_modules("nexus_test_hide"));
	nx_msleep(2500);
	EXPECT_EQ(0, guard_lists_hidden("nexus_test_hide"));
	EXPECT_EQ(0, hidden_finding_active("nexus_test_hide"));
	EXPECT_EQ(0, nx_rmmod("nexus_test_hide"));
	nx_msleep(2500);
	EXPECT_EQ(1, hidden_events(since, "nexus_test_hide", &e));
	EXPECT_EQ(0, hidden_finding_active("nexus_test_hide"));
	EXPECT_EQ(0, taint_mask() & TAINT_WARN & ~taint);
}

/* Hidden again after being linked back: a new hiding, a new event. */
TEST_F(guard, threat_module_hidden_twice)
{
	unsigned long long since;
	struct ev e;

	ASSERT_EQ(0, nx_insmod(HIDE_KO, NULL));
	since = last_seq();
	ASSERT_EQ(0, nx_write(HIDE, "1"));
	EXPECT_EQ(1, wait_hidden(since, "nexus_test_hide", &e));
	ASSERT_EQ(0, nx_write(HIDE, "0"));
	nx_msleep(2500);
	EXPECT_EQ(0, guard_lists_hidden("nexus_test_hide"));
	ASSERT_EQ(0, nx_write(HIDE, "1"));
	nx_msleep(3000);
	EXPECT_EQ(2, hidden_events(since, "nexus_test_hide", &e));
	ASSERT_EQ(0, nx_write(HIDE, "0"));
	EXPECT_EQ(0, nx_rmmod("nexus_test_hide"));
}

/* An allow-listed module name raises nothing; the check did see it. */
TEST_F(guard, threat_module_hidden_allowed)
{
	unsigned long long since;
	long long allowed;
	char buf[256];
	struct ev e;

	ASSERT_EQ(0, nx_write(G "allow/module_hidden",
			      "some_driver nexus_test_hide"));
	ASSERT_LT(0, nx_read(G "allow/module_hidden", buf, sizeof(buf)));
	EXPECT_STREQ("some_driver nexus_test_hide", buf);
	ASSERT_EQ(0, nx_insmod(HIDE_KO, NULL));
	since = last_seq();
	allowed = modlist_count("allowed");
	ASSERT_LE(0, allowed);
	ASSERT_EQ(0, nx_write(HIDE, "1"));
	nx_msleep(3000);
	EXPECT_EQ(0, hidden_events(since, "nexus_test_hide", &e));
	EXPECT_EQ(allowed + 1, modlist_count("allowed"));
	EXPECT_EQ(0, hidden_finding_active("nexus_test_hide"));
	ASSERT_EQ(0, nx_write(HIDE, "0"));
	EXPECT_EQ(0, nx_rmmod("nexus_test_hide"));
	ASSERT_EQ(0, nx_write(G "allow/module_hidden", "\n"));
	ASSERT_LE(0, nx_read(G "allow/module_hidden", buf, sizeof(buf)));
	EXPECT_STREQ("", buf);
}

/*
 * Guard unloaded and loaded again while a module is hidden: both are
 * safe, and the new guard, which never saw the module load, still finds
 * it through its /sys/module entry.  Unhidden, it unloads cleanly.
 */
TEST_F(guard, threat_module_hidden_guard_reload)
{
	long long taint = taint_mask();
	unsigned long long since;
	struct ev e;

	ASSERT_EQ(0, nx_insmod(HIDE_KO, NULL));
	since = last_seq();
	ASSERT_EQ(0, nx_write(HIDE, "1"));
	EXPECT_EQ(1, wait_hidden(since, "nexus_test_hide", &e));
	ASSERT_EQ(0, nx_rmmod("nexus_guard"));
	/* No guard: the module stays hidden, nothing watches. */
	EXPECT_EQ(0, in_proc_modules("nexus_test_hide"));
	ASSERT_EQ(0, nx_insmod(GUARD_KO, NULL));
	ASSERT_EQ(0, access(G "posture_score", F_OK));
	if (nx_read_ll(NEXUS_SYSFS "/level") < 1)
		ASSERT_EQ(0, nx_write(NEXUS_SYSFS "/level", "1"));
	/* A new guard: its events start again from 1. */
	EXPECT_EQ(1, wait_hidden(0, "nexus_test_hide", &e));
	EXPECT_EQ(1, e.level);
	/* Unloaded again while its finding is open. */
	ASSERT_EQ(0, nx_rmmod("nexus_guard"));
	ASSERT_EQ(0, nx_write(HIDE, "0"));
	EXPECT_EQ(0, nx_rmmod("nexus_test_hide"));
	ASSERT_EQ(0, nx_insmod(GUARD_KO, NULL));
	nx_msleep(2500);
	EXPECT_EQ(0, hidden_events(0, "nexus_test_hide", &e));
	EXPECT_EQ(0, hidden_finding_active("nexus_test_hide"));
	EXPECT_EQ(0, taint_mask() & TAINT_WARN & ~taint);
}

/* ---- ptrace_poke, userfaultfd, capset_raise ---- */

#define ACT_COMM "nexus_guard_act"

/* nexus_guard_act @what in a child, as nobody or as root. */
static pid_t run_act(const char *what, int nobody)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (nobody)
			become_nobody();
		execl(ACT, ACT_COMM, what, (char *)NULL);
		_exit(98);
	}
	return pid;
}

/*
 * One task vector of nexus_guard_act: @act (as nobody when @nobody; it
 * exits with a status in @ok, a mask of exit codes) raises exactly one
 * event of @vector for its pid, as nobody, at @level; @root_act as root
 * raises none, nor @act allow-listed by comm (while the vector's allowed
 * count grows); under the kill policy the offender dies of SIGKILL, a
 * sibling of the same uid lives, and the event says killed.  The first
 * event is left in @out.
 */
static void vector_case(struct __test_metadata *_metadata,
			const char *vector, const char *act, int nobody,
			int ok, const char *root_act, int level, struct ev *out)
{
	char path[128];
	unsigned long long since;
	pid_t pid, root, allowed_pid, sibling;
	long long allowed;
	struct ev e;
	int st;

	since = last_seq();
	pid = run_act(act, nobody);
	ASSERT_LT(0, pid);
	st = wait_child(pid);
	ASSERT_TRUE(WIFEXITED(st)) TH_LOG("%s: status %#x", act, st);
	ASSERT_TRUE(ok & (1 << WEXITSTATUS(st)))
		TH_LOG("%s: exit %d", act, WEXITSTATUS(st));
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ(vector, e.vector);
	EXPECT_STREQ(ACT_COMM, e.comm);
	EXPECT_EQ(NOBODY, e.uid);
	EXPECT_EQ(level, e.level);
	EXPECT_STREQ("logged", e.action);
	*out = e;

	/* Root, and an allow-listed comm: nothing (one wait for both). */
	snprintf(path, sizeof(path), G "allow/%s", vector);
	ASSERT_EQ(0, nx_write(path, ACT_COMM));
	allowed = allowed_count(vector);
	ASSERT_LE(0, allowed);
	since = last_seq();
	allowed_pid = run_act(act, nobody);
	st = wait_child(allowed_pid);
	nx_write(path, "\n");
	EXPECT_TRUE(WIFEXITED(st) && (ok & (1 << WEXITSTATUS(st))));
	root = run_act(root_act, 0);
	EXPECT_EQ(0, wait_child(root)) TH_LOG("%s as root", root_act);
	EXPECT_LT(allowed, allowed_count(vector));
	nx_msleep(1500);
	EXPECT_EQ(0, events(since, allowed_pid, &e, 1));
	EXPECT_EQ(0, events(since, root, &e, 1));

	/* Kill: the offender only. */
	sibling = fork();
	if (sibling == 0) {
		become_nobody();
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), G "policy/%s", vector);
	ASSERT_EQ(0, nx_write(path, "kill"));
	since = last_seq();
	pid = run_act(act, nobody);
	st = wait_child(pid);
	nx_write(path, "log");
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		TH_LOG("%s under kill: status %#x", act, st);
	EXPECT_EQ(0, kill(sibling, 0));
	EXPECT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("killed", e.action);
	EXPECT_EQ(0, events(since, sibling, &e, 1));
	kill(sibling, SIGKILL);
	waitpid(sibling, NULL, 0);
}

/*
 * A non-root tracer's PTRACE_POKEDATA into its tracee (which asked to be
 * traced: no attach) is one ptrace_poke event; its PEEKDATA is none.
 */
TEST_F(guard, threat_ptrace_poke)
{
	struct ev e;

	vector_case(_metadata, "ptrace_poke", "poke", 1, 1 << 0, "poke",
		    expected(4, "kernel.yama.ptrace_scope"), &e);
	EXPECT_EQ(0, strncmp(e.what, "POKEDATA pid ", 13)) TH_LOG("%s", e.what);
}

/*
 * userfaultfd() by nobody is one event (the attempt: refused or not),
 * one level more severe once vm.unprivileged_userfaultfd = 1 opens the
 * door (and then it succeeds).
 */
TEST_F(guard, threat_userfaultfd)
{
	unsigned long long since;
	struct ev e;
	pid_t pid;

	vector_case(_metadata, "userfaultfd", "uffd", 1, 1 << 0 | 1 << 3,
		    "uffd", expected(5, "vm.unprivileged_userfaultfd"), &e);
	EXPECT_STREQ("flags 0x80000", e.what);
	if (door_open("vm.unprivileged_userfaultfd"))
		return;
	ASSERT_EQ(0, nx_write(UFFD_SYSCTL, "1"));
	ASSERT_EQ(0, rescan());
	ASSERT_EQ(1, door_open("vm.unprivileged_userfaultfd"));
	since = last_seq();
	pid = run_act("uffd", 1);
	EXPECT_EQ(0, wait_child(pid)) TH_LOG("userfaultfd refused, door open");
	ASSERT_EQ(1, wait_events(since, pid, &e));
	EXPECT_STREQ("userfaultfd", e.vector);
	EXPECT_EQ(4, e.level);
	EXPECT_STREQ("open", e.door);
}

/*
 * A task that kept its permitted capabilities across setresuid() to
 * nobody raises CAP_NET_RAW in its effective set: one capset_raise event;
 * root lowering and raising it again: none.
 */
TEST_F(guard, threat_capset_raise)
{
	struct ev e;

	vector_case(_metadata, "capset_raise", "capset", 0, 1 << 0, "capdrop",
		    4, &e);
	EXPECT_STREQ("effective raised", e.what);
}

/* The armed state in sysfs reaching @want within 10 s; 0 if it did. */
static int wait_armed(int want)
{
	unsigned int t;

	for (t = 0; t < 10000; t += 100) {
		if (nx_read_ll(G "probes_armed") == want)
			return 0;
		nx_msleep(100);
	}
	return -1;
}

/* probes_disarmed events after @since; the first in @e. */
static int disarmed_events(unsigned long long since, struct ev *e)
{
	static struct ev all[128];
	int n = events(since, 0, all, 128), i, k = 0;

	for (i = 0; i < n && i < 128; i++)
		if (!strcmp(all[i].vector, "probes_disarmed") && !k++)
			*e = all[i];
	return k;
}

/* An active guard finding about probes_disarmed? */
static int disarmed_finding_active(void)
{
	char *line, *save = NULL;
	int n = 0;

	if (nx_read_all(FINDINGS, table, sizeof(table)) <= 0)
		return -1;
	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, " active guard ") &&
		    strstr(line, "probes_disarmed"))
			n++;
	return n;
}

/*
 * Every kprobe disarmed through debugfs (kprobes/enabled = 0): the canary
 * stops firing, one probes_disarmed event at alert with no task, sysfs
 * probes_armed 0 and an active finding; armed again: probes_armed 1, the
 * finding resolved, no second event.
 */
TEST_F(guard, threat_probes_disarmed)
{
	unsigned long long since;
	struct ev e;

	if (access(KPROBES_ENABLED, W_OK))
		SKIP(return, "no debugfs kprobes/enabled");
	ASSERT_EQ(0, wait_armed(1));
	ASSERT_EQ(0, disarmed_finding_active());
	since = last_seq();
	ASSERT_EQ(0, nx_write(KPROBES_ENABLED, "0"));
	EXPECT_EQ(0, wait_armed(0));
	nx_msleep(1500);
	EXPECT_EQ(1, disarmed_events(since, &e));
	EXPECT_EQ(1, disarmed_finding_active());
	ASSERT_EQ(0, nx_write(KPROBES_ENABLED, "1"));
	EXPECT_STREQ("probes_disarmed", e.vector);
	EXPECT_EQ(1, e.level);
	EXPECT_EQ(0, e.pid);
	EXPECT_STREQ("-", e.comm);
	EXPECT_STREQ("all kprobes (canary)", e.what);
	EXPECT_EQ(0, wait_armed(1));
	nx_msleep(1500);
	EXPECT_EQ(1, disarmed_events(since, &e));
	EXPECT_EQ(0, disarmed_finding_active());
	/* No task to kill; no allow-list of comms. */
	EXPECT_EQ(-EINVAL, nx_write(G "policy/probes_disarmed", "kill"));
	EXPECT_NE(0, access(G "allow/probes_disarmed", F_OK));
}

/* Bad policy and allow-list input is refused and changes nothing. */
TEST_F(guard, threat_bad_input_refused)
{
	char buf[256];

	EXPECT_EQ(-EINVAL, nx_write(G "policy/etc_write", "panic"));
	EXPECT_EQ(-EINVAL, nx_write(G "policy/etc_write", "\n"));
	EXPECT_EQ(-EINVAL, nx_write(G "policy/posture_drift", "kill"));
	ASSERT_LT(0, nx_read(G "policy/etc_write", buf, sizeof(buf)));
	EXPECT_STREQ("log", buf);
	ASSERT_EQ(0, nx_write(G "allow/etc_write", "keep"));
	EXPECT_EQ(-EINVAL, nx_write(G "allow/etc_write", "ok bad/name"));
	EXPECT_EQ(-ENAMETOOLONG,
		  nx_write(G "allow/etc_write", "a_comm_longer_than_15"));
	EXPECT_EQ(-E2BIG, nx_write(G "allow/etc_write", "a b c d e f g h i"));
	ASSERT_LT(0, nx_read(G "allow/etc_write", buf, sizeof(buf)));
	EXPECT_STREQ("keep", buf);
	ASSERT_EQ(0, nx_write(G "allow/etc_write", "\n"));
	/* A helper cannot be stopped by killing its requester. */
	EXPECT_EQ(-EINVAL, nx_write(G "policy/usermode_helper", "kill"));
	ASSERT_EQ(0, nx_write(G "umh_paths", "/sbin/keep"));
	EXPECT_EQ(-EINVAL, nx_write(G "umh_paths", "/sbin/ok sbin/relative"));
	EXPECT_EQ(-EINVAL, nx_write(G "umh_paths", "/sbin/../bin/sh"));
	EXPECT_EQ(-EINVAL, nx_write(G "umh_paths", "/sbin//modprobe"));
	EXPECT_EQ(-EINVAL, nx_write(G "umh_paths", "/sbin/"));
	EXPECT_EQ(-EINVAL, nx_write(G "umh_paths", "/sbin/a;b"));
	EXPECT_EQ(-ENAMETOOLONG,
		  nx_write(G "umh_paths",
			   "/a_path_of_sixty_four_characters/is_one_too_long_for_the_listabc"));
	EXPECT_EQ(-E2BIG,
		  nx_write(G "umh_paths",
			   "/1 /2 /3 /4 /5 /6 /7 /8 /9 /10 /11 /12 /13 /14 /15 /16 /17"));
	ASSERT_LT(0, nx_read(G "umh_paths", buf, sizeof(buf)));
	EXPECT_STREQ("/sbin/keep", buf);
	EXPECT_EQ(-ERANGE, nx_write(G "notify_level", "8"));
	EXPECT_EQ(-ERANGE, nx_write(G "window_ms", "0"));
	/* A hidden module's code is not stopped by killing anybody. */
	EXPECT_EQ(-EINVAL, nx_write(G "policy/module_hidden", "kill"));
	EXPECT_EQ(0, nx_write(G "policy/module_hidden", "ratelimit"));
	EXPECT_EQ(0, nx_write(G "policy/module_hidden", "log"));
	/* Module names, not comms: 55 characters fit, "." does not. */
	ASSERT_EQ(0, nx_write(G "allow/module_hidden",
			      "_module_name_of_fifty_five_characters_is_the_longest_ok"));
	EXPECT_EQ(-EINVAL, nx_write(G "allow/module_hidden", "ok bad.name"));
	EXPECT_EQ(-EINVAL, nx_write(G "allow/module_hidden", "bad/name"));
	EXPECT_EQ(-ENAMETOOLONG,
		  nx_write(G "allow/module_hidden",
			   "a_module_name_of_fifty_six_characters_is_one_too_long_xx"));
	EXPECT_EQ(-E2BIG, nx_write(G "allow/module_hidden", "a b c d e f g h i"));
	ASSERT_LT(0, nx_read(G "allow/module_hidden", buf, sizeof(buf)));
	EXPECT_STREQ("_module_name_of_fifty_five_characters_is_the_longest_ok", buf);
	ASSERT_EQ(0, nx_write(G "allow/module_hidden", "\n"));
}

TEST_HARNESS_MAIN
