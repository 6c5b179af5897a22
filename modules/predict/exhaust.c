// SPDX-License-Identifier: GPL-2.0
/*
 * ResourceExhaustion and Deadlock predictions, from what the task walk
 * (tasks.c) found and from three sysctl files.
 *
 * ResourceExhaustion: a count that grows steadily towards its limit.
 *   - per process: open file descriptors against its RLIMIT_NOFILE (the
 *     processes closest to their limit, tasks.c);
 *   - file handles: /proc/sys/fs/file-nr against file-max;
 *   - tasks: every thread walked against min(threads-max, pid_max).
 *   One point per walk.  Raised when the last NXP_EX_WINDOW points rise
 *   (Mann-Kendall statistic >= 800 per-mille) and the least-squares line
 *   reaches the limit within the horizon.  Reaching the limit is the
 *   failure that scores it (EMFILE / ENFILE / EAGAIN from fork are then
 *   what the next allocation gets).
 *
 * Deadlock: a thread in uninterruptible sleep, of the kind the hung-task
 *   detector watches, whose context-switch count has not moved for
 *   deadlock_ms (at most half of hung_task_timeout_secs) is predicted to be
 *   reported by the detector when it has been stuck for the timeout.  Being
 *   stuck that long is the failure that scores it.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

/* points the rising-trend test looks at */
#define NXP_EX_WINDOW		8
/* how often the limits are read again */
#define NXP_LIMITS_NS		(5 * NSEC_PER_SEC)
/* the hung-task timeout assumed when the detector is off or absent */
#define NXP_HUNG_DEFAULT_S	120

/**
 * struct nxp_sysres - one system-wide count and its limit.
 * @used: the count at the last walk.
 * @limit: its limit (0: unknown, not judged).
 * @at_limit: it reached the limit (the failure was counted).
 * @hist: (ms, count).
 */
struct nxp_sysres {
	u64 used, limit;
	bool at_limit;
	struct nx_linreg hist;
};

/**
 * struct nxp_exhaust - state of the two detectors.
 * @files: file handles (file-nr) against file-max.
 * @tasks: tasks against min(threads-max, pid_max).
 * @limits_ns: when the limits were last read.
 * @hung_s: hung_task_timeout_secs (0: detector off, -1: no detector).
 */
struct nxp_exhaust {
	struct nxp_sysres files, tasks;
	u64 limits_ns;
	s64 hung_s;
};

static struct nxp_exhaust nxe;

/**
 * nxp_exhaust_init() - reset the detectors' state
 */
void nxp_exhaust_init(void)
{
	memset(&nxe, 0, sizeof(nxe));
	nx_linreg_init(&nxe.files.hist);
	nx_linreg_init(&nxe.tasks.hist);
	nxe.hung_s = -1;
}

/**
 * nxp_read_text() - read a small /proc/sys, sysfs or cgroup file
 * @path: the file (procfs, kernfs files have ->read_iter, so kernel_read()
 *	takes them)
 * @buf: where its text goes, NUL-terminated
 * @size: size of @buf
 *
 * Process context.
 *
 * Return: the length read, or -errno.
 */
int nxp_read_text(const char *path, char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t len;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	len = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (len <= 0)
		return len ? len : -EIO;
	buf[len] = '\0';
	return len;
}

/**
 * nxp_sysctl() - read unsigned numbers from a /proc/sys or sysfs file
 * @path: the file
 * @v: where to store them
 * @n: how many, separated by white space
 *
 * Process context.
 *
 * Return: 0, or -errno (-EINVAL when the file holds fewer numbers).
 */
int nxp_sysctl(const char *path, u64 *v, unsigned int n)
{
	char buf[96], *s = buf, *tok;
	unsigned int i = 0;
	int len;

	len = nxp_read_text(path, buf, sizeof(buf));
	if (len < 0)
		return len;
	while (i < n && (tok = strsep(&s, " \t\n"))) {
		if (!*tok)
			continue;
		if (kstrtou64(tok, 10, &v[i]))
			return -EINVAL;
		i++;
	}
	return i == n ? 0 : -EINVAL;
}

static void nxp_limits_read(u64 now)
{
	u64 tmax, pmax, hung;

	if (nxe.limits_ns && now - nxe.limits_ns < NXP_LIMITS_NS)
		return;
	nxe.limits_ns = now;
	if (!nxp_sysctl("/proc/sys/kernel/threads-max", &tmax, 1) &&
	    !nxp_sysctl("/proc/sys/kernel/pid_max", &pmax, 1))
		nxe.tasks.limit = min(tmax, pmax);
	else
		nxe.tasks.limit = 0;
	if (!nxp_sysctl("/proc/sys/kernel/hung_task_timeout_secs", &hung, 1))
		nxe.hung_s = min_t(u64, hung, 1U << 30);
	else
		nxe.hung_s = -1;
}

/* Slope of @r over one second, or 0 with too few points. */
static s64 nxp_per_s(const struct nx_linreg *r)
{
	struct nx_linfit fit;

	if (r->n < 4 || nx_linreg_fit(r, &fit))
		return 0;
	return nx_linfit_at(&fit, fit.t0 + 1000) - nx_linfit_at(&fit, fit.t0);
}

/*
 * Judge one count against its limit and report (or not) a
 * ResourceExhaustion (or StackOverflow) on @key.  Reaching the limit is the failure, counted
 * once per episode; a prediction already active then stays so with a time
 * to failure of 0, but none is raised after the fact.
 * Confidence: 40% R^2 of the line, 30% the trend statistic, 30% the share
 * of the limit in use.
 */
void nxp_exhaust_judge(u16 kind, s32 key, const struct nx_linreg *r, u64 used,
		       u64 limit, bool *at_limit, const char *comp,
		       const char *what, u64 now,
		       const struct nexus_prediction_params *cfg)
{
	char detail[NEXUS_REASON_LEN];
	u32 r2 = 0, conf, share;
	int trend;
	s64 ttf;

	if (!limit)
		return;
	share = used >= limit ? 1000 : div64_u64(used * 1000, limit);
	if (used >= limit) {
		if (!*at_limit) {
			*at_limit = true;
			nxp_failure(kind, key, true, now);
		}
		if (!nxp_active(kind, key))
			return;
		ttf = 0;
		conf = 1000;
		trend = 1000;
	} else {
		/* hysteresis: a count hovering at its limit is one episode */
		if (used < limit - limit / 64)
			*at_limit = false;
		trend = nxp_trend_permille(r, NXP_EX_WINDOW);
		if (trend < 800)
			return;
		ttf = nxp_ttf(r, limit, nxp_ms(now), &r2);
		if (ttf < 0 || ttf > cfg->horizon_ms)
			return;
		conf = r2 * 4 / 10 + trend * 3 / 10 + share * 3 / 10;
	}
	snprintf(detail, sizeof(detail),
		 "%llu of %llu %s, %+lld/s, trend %d, r2 %u", used, limit, what,
		 nxp_per_s(r), trend, r2);
	nxp_report(kind, key, conf, ttf, -1, used, comp, detail, now, cfg);
}

static void nxp_detect_exhaustion(u64 now,
				  const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN];
	u64 fnr[3];
	unsigned int i;

	for (i = 0; i < NXP_FDTASKS; i++) {
		struct nxp_ltask *t = &nxp_fdtasks[i];

		if (!t->pid)
			continue;
		snprintf(comp, sizeof(comp), "pid %d (%s)", t->pid, t->comm);
		nxp_exhaust_judge(NEXUS_PRED_RESOURCE_EXHAUSTION, t->pid,
				  &t->hist, t->used, t->limit, &t->at_limit,
				  comp, "fds (RLIMIT_NOFILE)", now, cfg);
	}
	/* file-nr: allocated, unused (always 0 since 2.6), max */
	if (!nxp_sysctl("/proc/sys/fs/file-nr", fnr, 3)) {
		nxe.files.used = fnr[0];
		nxe.files.limit = fnr[2];
		nx_linreg_add(&nxe.files.hist, nxp_ms(now), fnr[0]);
		nxp_exhaust_judge(NEXUS_PRED_RESOURCE_EXHAUSTION, NXP_KEY_FILES,
				  &nxe.files.hist, fnr[0],
				  fnr[2], &nxe.files.at_limit, "file-nr",
				  "file handles (file-max)", now, cfg);
	}
	if (!nxp_scan.truncated) {
		nxe.tasks.used = nxp_scan.threads;
		nx_linreg_add(&nxe.tasks.hist, nxp_ms(now), nxp_scan.threads);
		nxp_exhaust_judge(NEXUS_PRED_RESOURCE_EXHAUSTION, NXP_KEY_TASKS,
				  &nxe.tasks.hist,
				  nxp_scan.threads, nxe.tasks.limit,
				  &nxe.tasks.at_limit, "tasks",
				  "tasks (threads-max, pid_max)", now, cfg);
	}
	nxp_cg_judge(now, cfg);
}

/*
 * StackOverflow: a process whose stack (the size of its VM_STACK
 * mappings, mm->stack_vm: the main thread's stack, which is what grows
 * towards RLIMIT_STACK) keeps growing towards the limit, judged like the
 * counts above.  The failure is the stack reaching the limit, or the
 * process dying of SIGSEGV/SIGBUS while predicted (crashloop.c).
 */
static void nxp_detect_stacks(u64 now,
			      const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN];
	unsigned int i;

	for (i = 0; i < NXP_STKTASKS; i++) {
		struct nxp_ltask *t = &nxp_stktasks[i];

		if (!t->pid)
			continue;
		snprintf(comp, sizeof(comp), "pid %d (%s)", t->pid, t->comm);
		nxp_exhaust_judge(NEXUS_PRED_STACK_OVERFLOW, t->pid, &t->hist,
				  t->used, t->limit, &t->at_limit, comp,
				  "kB stack (RLIMIT_STACK)", now, cfg);
	}
}

/* hung_task_timeout_secs in ms, or the default when there is none */
static u64 nxp_hung_ms(void)
{
	return (nxe.hung_s > 0 ? nxe.hung_s : NXP_HUNG_DEFAULT_S) * 1000;
}

/*
 * Deadlock: threads stuck in uninterruptible sleep without a context
 * switch.  Time to failure: until the hung-task detector may report it
 * (stuck for hung_task_timeout_secs).  Confidence: 600, rising to 1000 as
 * the stuck time reaches the timeout.
 */
static void nxp_detect_deadlocks(u64 now,
				 const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	u64 now_ms = nxp_ms(now), hung_ms, min_ms;
	unsigned int i;

	hung_ms = nxp_hung_ms();
	min_ms = min_t(u64, READ_ONCE(nxp_knobs.deadlock_ms), hung_ms / 2);
	for (i = 0; i < NXP_DTASKS; i++) {
		struct nxp_dtask *d = &nxp_dtasks[i];
		u64 stuck, ttf;
		u32 conf;

		if (!d->pid)
			continue;
		stuck = now_ms - d->since_ms;
		if (stuck >= hung_ms && !d->failed) {
			d->failed = true;
			nxp_failure(NEXUS_PRED_DEADLOCK, d->pid, true, now);
		}
		if (stuck < min_ms)
			continue;
		ttf = stuck >= hung_ms ? 0 : hung_ms - stuck;
		conf = 600 + div64_u64(400 * min(stuck, hung_ms), hung_ms);
		snprintf(comp, sizeof(comp), "pid %d (%s)", d->pid, d->comm);
		snprintf(detail, sizeof(detail),
			 "D state, no switch for %u ms, hung-task timeout %u s%s",
			 (u32)min_t(u64, stuck, U32_MAX),
			 (u32)div_u64(hung_ms, 1000),
			 nxe.hung_s > 0 ? "" : " (assumed)");
		nxp_report(NEXUS_PRED_DEADLOCK, d->pid, conf, ttf, -1, stuck,
			   comp, detail, now, cfg);
	}
}

/**
 * nxp_exhaust_tick() - run the detectors that judge a task walk
 * @now_ns: monotonic time
 * @cfg: the prediction config in force
 */
void nxp_exhaust_tick(u64 now_ns, const struct nexus_prediction_params *cfg)
{
	nxp_limits_read(now_ns);
	nxp_detect_exhaustion(now_ns, cfg);
	nxp_detect_stacks(now_ns, cfg);
	if (cfg->predict_deadlocks)
		nxp_detect_deadlocks(now_ns, cfg);
	nxp_livelock_tick(now_ns, nxp_hung_ms(), cfg);
}

/**
 * nxp_exhaust_dump() - the counts and limits the detectors judge
 * @m: seq_file
 */
void nxp_exhaust_dump(struct seq_file *m)
{
	unsigned int i, d = 0;

	for (i = 0; i < NXP_DTASKS; i++)
		d += !!nxp_dtasks[i].pid;
	seq_printf(m, "# resources: file handles %llu of %llu, tasks %llu of %llu, hung_task_timeout_secs %lld, stuck tasks followed %u\n",
		   nxe.files.used, nxe.files.limit, nxe.tasks.used,
		   nxe.tasks.limit, nxe.hung_s, d);
}
