// SPDX-License-Identifier: GPL-2.0
/*
 * Posture: evaluate every check of checks.c, live, at load and on a timer
 * (from the engine tick: process context, so files are read with
 * kernel_read() the way an administrator reads them, and control
 * registers through an IPI to each online CPU).  A check that was passing
 * and fails now is drift: a finding on the stream (a uevent too) that
 * raises the ThreatLevel, resolved when the check passes again or when the
 * administrator accepts the new posture.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/ctype.h>
#include <linux/panic.h>
#include "guard.h"

#ifdef CONFIG_X86
#include <asm/special_insns.h>
#include <asm/processor-flags.h>
#include <asm/cpufeature.h>
#endif

struct nxg_state *nxg_states;
struct nxg_stats nxg_stats;

/* Score weights per class: the kernel's own protection counts most. */
static const unsigned int nxg_weights[NXG_CL_COUNT] = { 3, 2, 2, 1 };

static const char * const nxg_class_names[NXG_CL_COUNT] = {
	"self_protection", "attack_surface", "userspace_hardening", "network",
};

static const char * const nxg_result_names[] = {
	[NXG_RES_UNKNOWN] = "unknown",
	[NXG_RES_PASS] = "OK",
	[NXG_RES_FAIL] = "FAIL",
	[NXG_RES_ABSENT] = "absent",
	[NXG_RES_ERROR] = "error",
};

static const char * const nxg_level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "none",
};

/**
 * nxg_level_name() - the syslog name of a ThreatLevel
 * @level: enum nxg_level
 *
 * Return: the name, "?" out of range.
 */
const char *nxg_level_name(unsigned int level)
{
	return level < ARRAY_SIZE(nxg_level_names) ? nxg_level_names[level] : "?";
}

/**
 * nxg_class_name() - the name of a reason class
 * @cls: enum nxg_class
 *
 * Return: the name, "?" out of range.
 */
const char *nxg_class_name(unsigned int cls)
{
	return cls < NXG_CL_COUNT ? nxg_class_names[cls] : "?";
}

/**
 * nxg_result_name() - the name of a check result
 * @res: enum nxg_result
 *
 * Return: the name, "?" out of range.
 */
const char *nxg_result_name(unsigned int res)
{
	return res < ARRAY_SIZE(nxg_result_names) ? nxg_result_names[res] : "?";
}

/**
 * nxg_file_read() - read a small file (proc, sysfs) into a string
 * @path: absolute path
 * @buf: where to put it, NUL-terminated
 * @size: size of @buf
 *
 * Process context only.
 *
 * Return: bytes read, or -errno (-ENOENT when the file does not exist).
 */
int nxg_file_read(const char *path, char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

/* The first line of @buf, cut at NXG_CUR_LEN - 1, into @cur. */
static void nxg_set_cur(char *cur, const char *buf)
{
	size_t n = strcspn(buf, "\n\t");

	n = min_t(size_t, n, NXG_CUR_LEN - 1);
	memcpy(cur, buf, n);
	cur[n] = '\0';
}

/*
 * The first line of file @path into @cur.  Return: NXG_RES_UNKNOWN when
 * read (the caller judges it), NXG_RES_ABSENT when the file does not
 * exist, NXG_RES_ERROR when it cannot be read.
 */
static u8 nxg_read_cur(const char *path, char *cur)
{
	char buf[160];
	int n = nxg_file_read(path, buf, sizeof(buf));

	if (n == -ENOENT) {
		strscpy(cur, "-", NXG_CUR_LEN);
		return NXG_RES_ABSENT;
	}
	if (n < 0) {
		snprintf(cur, NXG_CUR_LEN, "error %d", n);
		return NXG_RES_ERROR;
	}
	nxg_set_cur(cur, buf);
	return NXG_RES_UNKNOWN;
}

static u8 nxg_eval_sysctl(const struct nxg_check *c, char *cur)
{
	s64 v;
	u8 res = nxg_read_cur(c->path, cur);

	if (res != NXG_RES_UNKNOWN)
		return res;
	if (kstrtos64(cur, 10, &v))
		return NXG_RES_ERROR;
	if (c->cmp == NXG_GE)
		return v >= c->want ? NXG_RES_PASS : NXG_RES_FAIL;
	return v == c->want ? NXG_RES_PASS : NXG_RES_FAIL;
}

/* The next check of the cycle. */
static unsigned int nxg_cursor;

/* /proc/cmdline, read once per cycle (cycles never overlap). */
static char nxg_cmdline[2048];
static int nxg_cmdline_len;

static bool nxg_cmdline_has(const char *tok)
{
	size_t len = strlen(tok);
	const char *p = nxg_cmdline;

	while ((p = strstr(p, tok))) {
		bool start = p == nxg_cmdline || isspace(p[-1]);
		bool end = !p[len] || isspace(p[len]);

		if (start && end)
			return true;
		p += len;
	}
	return false;
}

static u8 nxg_eval_cmdline(const struct nxg_check *c, char *cur)
{
	if (nxg_cmdline_len < 0) {
		snprintf(cur, NXG_CUR_LEN, "error %d", nxg_cmdline_len);
		return NXG_RES_ERROR;
	}
	if (nxg_cmdline_has(c->name + strlen("cmdline."))) {
		strscpy(cur, "present", NXG_CUR_LEN);
		return NXG_RES_FAIL;
	}
	strscpy(cur, "absent", NXG_CUR_LEN);
	return NXG_RES_PASS;
}

static u8 nxg_eval_lockdown(char *cur)
{
#ifdef CONFIG_SECURITY
	/*
	 * security_locked_down(what) refuses when the lockdown level is at or
	 * above @what: the last confidentiality reason tells confidentiality,
	 * LOCKDOWN_INTEGRITY_MAX tells integrity (or more).
	 */
	if (security_locked_down(LOCKDOWN_CONFIDENTIALITY_MAX - 1)) {
		strscpy(cur, "confidentiality", NXG_CUR_LEN);
		return NXG_RES_PASS;
	}
	if (security_locked_down(LOCKDOWN_INTEGRITY_MAX)) {
		strscpy(cur, "integrity", NXG_CUR_LEN);
		return NXG_RES_PASS;
	}
#endif
	strscpy(cur, "none", NXG_CUR_LEN);
	return NXG_RES_FAIL;
}

static u8 nxg_eval_taint(const struct nxg_check *c, char *cur)
{
	/* NEXUS's own modules are out of tree and unsigned; its test
	 * modules carry the test taint.
	 */
	const u64 ignore = BIT_ULL(TAINT_OOT_MODULE) |
			   BIT_ULL(TAINT_UNSIGNED_MODULE) | BIT_ULL(TAINT_TEST);
	u64 v;
	u8 res = nxg_read_cur(c->path, cur);

	if (res != NXG_RES_UNKNOWN)
		return res;
	if (kstrtou64(cur, 10, &v))
		return NXG_RES_ERROR;
	return v & ~ignore ? NXG_RES_FAIL : NXG_RES_PASS;
}

/* CPUs on which each NXG_CR_* bit was seen set, filled by an IPI. */
static struct cpumask nxg_cr_seen[NXG_CR_COUNT];

#ifdef CONFIG_X86
static void nxg_read_cr(void *unused)
{
	unsigned long cr0 = native_read_cr0(), cr4 = __read_cr4();
	unsigned int cpu = smp_processor_id();

	if (cr0 & X86_CR0_WP)
		cpumask_set_cpu(cpu, &nxg_cr_seen[NXG_CR_WP]);
	if (cr4 & X86_CR4_SMEP)
		cpumask_set_cpu(cpu, &nxg_cr_seen[NXG_CR_SMEP]);
	if (cr4 & X86_CR4_SMAP)
		cpumask_set_cpu(cpu, &nxg_cr_seen[NXG_CR_SMAP]);
	if (cr4 & X86_CR4_UMIP)
		cpumask_set_cpu(cpu, &nxg_cr_seen[NXG_CR_UMIP]);
}

static bool nxg_cpu_has(unsigned int bit)
{
	switch (bit) {
	case NXG_CR_SMEP:
		return boot_cpu_has(X86_FEATURE_SMEP);
	case NXG_CR_SMAP:
		return boot_cpu_has(X86_FEATURE_SMAP);
	case NXG_CR_UMIP:
		return boot_cpu_has(X86_FEATURE_UMIP);
	default:
		return true;
	}
}

static void nxg_cr_sample(void)
{
	unsigned int i;

	for (i = 0; i < NXG_CR_COUNT; i++)
		cpumask_clear(&nxg_cr_seen[i]);
	cpus_read_lock();
	on_each_cpu(nxg_read_cr, NULL, 1);
	cpus_read_unlock();
}
#else
static bool nxg_cpu_has(unsigned int bit)
{
	return false;
}

static void nxg_cr_sample(void)
{
}
#endif

static u8 nxg_eval_cpu(const struct nxg_check *c, char *cur)
{
	unsigned int on, all = num_online_cpus();

	if (!nxg_cpu_has(c->want)) {
		strscpy(cur, "unsupported_by_cpu", NXG_CUR_LEN);
		return NXG_RES_FAIL;
	}
	on = cpumask_weight(&nxg_cr_seen[c->want]);
	snprintf(cur, NXG_CUR_LEN, "%u/%u", on, all);
	return on >= all ? NXG_RES_PASS : NXG_RES_FAIL;
}

#define NXG_VULN_DIR	"/sys/devices/system/cpu/vulnerabilities/"

static u8 nxg_eval_vuln(const struct nxg_check *c, char *cur)
{
	char path[96];
	u8 res;

	snprintf(path, sizeof(path), NXG_VULN_DIR "%s", c->name + strlen("vuln."));
	res = nxg_read_cur(path, cur);
	if (res != NXG_RES_UNKNOWN)
		return res;
	if (!strncmp(cur, "Not affected", 12) || !strncmp(cur, "Mitigation", 10))
		return NXG_RES_PASS;
	return NXG_RES_FAIL;
}

static u8 nxg_eval_one(const struct nxg_check *c, char *cur)
{
	switch (c->src) {
	case NXG_SRC_SYSCTL:
		return nxg_eval_sysctl(c, cur);
	case NXG_SRC_CMDLINE:
		return nxg_eval_cmdline(c, cur);
	case NXG_SRC_KCONFIG:
		strscpy(cur, c->kconfig ? "y" : "is_not_set", NXG_CUR_LEN);
		return c->kconfig ? NXG_RES_PASS : NXG_RES_FAIL;
	case NXG_SRC_LOCKDOWN:
		return nxg_eval_lockdown(cur);
	case NXG_SRC_SIG_ENFORCE:
		strscpy(cur, is_module_sig_enforced() ? "Y" : "N", NXG_CUR_LEN);
		return is_module_sig_enforced() ? NXG_RES_PASS : NXG_RES_FAIL;
	case NXG_SRC_TAINT:
		return nxg_eval_taint(c, cur);
	case NXG_SRC_CPU:
		return nxg_eval_cpu(c, cur);
	case NXG_SRC_VULN:
		return nxg_eval_vuln(c, cur);
	}
	return NXG_RES_ERROR;
}

/* Self-protection drift is an error; the other classes a warning. */
static u8 nxg_drift_level(const struct nxg_check *c)
{
	return c->cls == NXG_CL_SELF_PROTECTION ? NXG_LVL_ERR : NXG_LVL_WARNING;
}

static void nxg_drift_publish(unsigned int i, const char *old, bool open,
			      const char *why)
{
	const struct nxg_check *c = &nxg_checks[i];
	struct nxg_state *s = &nxg_states[i];
	struct nexus_finding f = {
		.class = NEXUS_FINDING_ANOMALY,
		.kind = 0,
		.confidence = 1000,
		.action = NEXUS_ACTION_ALERT,
		.metric = -1,
		.id = s->drift_id,
	};

	f.flags = open ? NEXUS_FINDING_ACTIVE | NEXUS_FINDING_NOTIFY :
			 NEXUS_FINDING_RESOLVED;
	strscpy(f.component, c->name, sizeof(f.component));
	if (open)
		snprintf(f.detail, sizeof(f.detail),
			 "posture drift: %s %s -> %s (want %s, %s) level %s",
			 c->name, old, s->cur, c->want_str, c->source,
			 nxg_level_name(s->drift_level));
	else
		snprintf(f.detail, sizeof(f.detail), "posture drift %s: %s = %s",
			 why, c->name, s->cur);
	s->drift_id = nexus_finding_publish(&nxg_ops, &f);
	if (open) {
		struct nxg_rec r = {
			.ts_ns = ktime_get_ns(),
			.vector = NXG_V_DRIFT,
			.level = s->drift_level,
			.comm = "-",
		};

		strscpy(r.what, c->name, sizeof(r.what));
		nxg_threat_record(&r, s->drift_id);
		pr_warn("%s\n", f.detail);
	} else {
		s->drift_id = 0;
	}
}

/**
 * nxg_posture_start() - begin an evaluation cycle
 *
 * Reads what several checks share (the command line, the control
 * registers of every CPU); nxg_posture_step() then evaluates the checks.
 * Process context; never concurrently with a step (the engine's tick and
 * the module's init are serialised by the core).
 */
void nxg_posture_start(void)
{
	nxg_cmdline_len = nxg_file_read("/proc/cmdline", nxg_cmdline,
					sizeof(nxg_cmdline));
	if (nxg_cmdline_len < 0)
		nxg_cmdline[0] = '\0';
	nxg_cr_sample();
	nxg_cursor = 0;
}

/**
 * nxg_posture_step() - evaluate the next checks of the cycle
 * @publish: report drift (false for the first evaluation at load)
 * @max: how many checks at most
 *
 * A cycle is spread over ticks so that one tick stays short under the
 * engine's CPU budget (a file read costs tens of microseconds, far more
 * under emulation).
 *
 * Return: true when the cycle is complete.
 */
bool nxg_posture_step(bool publish, unsigned int max)
{
	char old[NXG_CUR_LEN];

	for (; max && nxg_cursor < nxg_nr_checks; max--, nxg_cursor++) {
		unsigned int i = nxg_cursor;
		struct nxg_state *s = &nxg_states[i];
		u8 was = s->result;

		strscpy(old, s->cur, sizeof(old));
		s->result = nxg_eval_one(&nxg_checks[i], s->cur);
		if (!publish)
			continue;
		if (was == NXG_RES_PASS && s->result == NXG_RES_FAIL &&
		    !s->drift_id) {
			s->drift_level = nxg_drift_level(&nxg_checks[i]);
			nxg_stats.drifts++;
			nxg_drift_publish(i, old, true, NULL);
		} else if (s->drift_id && s->result == NXG_RES_PASS) {
			nxg_stats.drifts_cleared++;
			nxg_drift_publish(i, old, false, "cleared");
		}
	}
	if (nxg_cursor < nxg_nr_checks)
		return false;
	nxg_stats.evals++;
	return true;
}

/**
 * nxg_posture_accept() - accept the current posture: resolve open drift
 *
 * Same context as nxg_posture_step().
 */
void nxg_posture_accept(void)
{
	unsigned int i;

	for (i = 0; i < nxg_nr_checks; i++) {
		if (!nxg_states[i].drift_id)
			continue;
		nxg_stats.drifts_cleared++;
		nxg_drift_publish(i, nxg_states[i].cur, false, "accepted");
	}
}

/**
 * nxg_posture_score() - the weighted posture score
 *
 * Weights per class (nxg_weights); absent and unreadable checks are not
 * scored.
 *
 * Return: 0..100, the weighted share of passing checks (100 when nothing
 * was scored).
 */
unsigned int nxg_posture_score(void)
{
	unsigned int i, pass = 0, all = 0;

	for (i = 0; i < nxg_nr_checks; i++) {
		unsigned int w = nxg_weights[nxg_checks[i].cls];

		if (nxg_states[i].result == NXG_RES_PASS)
			pass += w;
		if (nxg_states[i].result == NXG_RES_PASS ||
		    nxg_states[i].result == NXG_RES_FAIL)
			all += w;
	}
	return all ? pass * 100 / all : 100;
}

/**
 * nxg_posture_level() - the ThreatLevel the open drifts raise
 *
 * Return: the most severe level of an open drift, NXG_LVL_NONE if none.
 */
unsigned int nxg_posture_level(void)
{
	unsigned int i, level = NXG_LVL_NONE;

	for (i = 0; i < nxg_nr_checks; i++)
		if (nxg_states[i].drift_id)
			level = min_t(unsigned int, level,
				      nxg_states[i].drift_level);
	return level;
}

/**
 * nxg_posture_show() - debugfs nexus/guard_posture: the check table
 * @m: the seq_file
 * @unused: unused
 *
 * Tab-separated, one check a line, so values with spaces stay one field.
 *
 * Return: 0.
 */
int nxg_posture_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	seq_printf(m, "# score %u evaluations %llu drifts %llu\n",
		   nxg_posture_score(), nxg_stats.evals, nxg_stats.drifts);
	seq_puts(m, "# name\tclass\tresult\tcurrent\trecommended\tsource\tdrift\tcare\n");
	for (i = 0; i < nxg_nr_checks; i++) {
		const struct nxg_check *c = &nxg_checks[i];
		const struct nxg_state *s = &nxg_states[i];

		seq_printf(m, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c->name,
			   nxg_class_name(c->cls), nxg_result_name(s->result),
			   s->cur, c->want_str, c->source,
			   s->drift_id ? nxg_level_name(s->drift_level) : "-",
			   c->care ? c->care : "-");
	}
	return 0;
}

/**
 * nxg_posture_init() - allocate the check states and evaluate once
 *
 * Return: 0 or -ENOMEM.
 */
int nxg_posture_init(void)
{
	nxg_states = nexus_kzalloc(sizeof(*nxg_states) * nxg_nr_checks,
				   GFP_KERNEL);
	if (!nxg_states)
		return -ENOMEM;
	nxg_posture_start();
	nxg_posture_step(false, nxg_nr_checks);
	return 0;
}

/**
 * nxg_posture_exit() - free the check states
 */
void nxg_posture_exit(void)
{
	nexus_kfree(nxg_states);
	nxg_states = NULL;
}
