// SPDX-License-Identifier: GPL-2.0
/*
 * The task walk: which tasks grow, which wait for a CPU, which are stuck
 * in uninterruptible sleep.
 *
 * Once every scan_ms the tick walks the process list under RCU (process
 * context, no allocation).  It keeps the NXP_TASKS processes with the
 * largest RSS; their RSS history (one point per walk) is what the OOM
 * culprit and the MemoryLeak trend test look at.  A process that leaks
 * enough to threaten the machine is soon among the largest, which is why
 * a fixed top-N by size is enough to find it; a small, slow leak among
 * many larger processes is not followed (see Documentation/prediction.rst).
 *
 * The walk is O(processes) with one spinlock per task (task_lock, to read
 * ->mm), bounded by NXP_SCAN_MAX and charged to the work budget.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_SCAN_MAX	65536

struct nxp_cand {
	pid_t pid;
	u64 start_ns;
	s64 rss_kb;
	char comm[TASK_COMM_LEN];
};

struct nxp_task *nxp_tasks;
struct nxp_scan nxp_scan;
static struct nxp_cand *nxp_top;

/**
 * nxp_tasks_init() - allocate the task table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_tasks_init(void)
{
	nxp_tasks = nexus_kvzalloc(NXP_TASKS * sizeof(*nxp_tasks), GFP_KERNEL);
	nxp_top = nexus_kzalloc(NXP_TASKS * sizeof(*nxp_top), GFP_KERNEL);
	if (!nxp_tasks || !nxp_top) {
		nxp_tasks_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * nxp_tasks_exit() - free the task table
 */
void nxp_tasks_exit(void)
{
	nexus_kfree(nxp_tasks);
	nexus_kfree(nxp_top);
	nxp_tasks = NULL;
	nxp_top = NULL;
}

/* Keep @c if it is among the NXP_TASKS largest seen so far in this walk. */
static void nxp_top_insert(const struct nxp_cand *c)
{
	unsigned int i, min = 0;

	for (i = 0; i < NXP_TASKS; i++) {
		if (!nxp_top[i].pid) {
			nxp_top[i] = *c;
			return;
		}
		if (nxp_top[i].rss_kb < nxp_top[min].rss_kb)
			min = i;
	}
	if (c->rss_kb > nxp_top[min].rss_kb)
		nxp_top[min] = *c;
}

static void nxp_walk(struct nxp_scan *s)
{
	struct task_struct *p;
	u64 best_wait = 0;

	rcu_read_lock();
	for_each_process(p) {
		struct nxp_cand c;
		struct mm_struct *mm;
		unsigned int state;

		if (p->flags & PF_KTHREAD)
			continue;
		if (++s->tasks > NXP_SCAN_MAX)
			break;
		state = READ_ONCE(p->__state);
		if ((state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD)) {
			if (!s->dstate++) {
				s->dpid = p->pid;
				strscpy(s->dcomm, p->comm, sizeof(s->dcomm));
			}
		}
#ifdef CONFIG_SCHED_INFO
		if (state == TASK_RUNNING) {
			/* share of its life spent runnable but not running */
			u64 wait = p->sched_info.run_delay;
			u64 run = p->se.sum_exec_runtime;
			u64 pm = wait + run ? div64_u64(wait * 1000, wait + run) : 0;

			if (pm > best_wait) {
				best_wait = pm;
				s->waitpid = p->pid;
				s->wait_permille = pm;
				strscpy(s->waitcomm, p->comm, sizeof(s->waitcomm));
			}
		}
#endif
		task_lock(p);
		mm = p->mm;
		c.rss_kb = mm ? (s64)get_mm_rss(mm) << (PAGE_SHIFT - 10) : 0;
		task_unlock(p);
		if (!c.rss_kb)
			continue;
		c.pid = p->pid;
		c.start_ns = p->start_time;
		strscpy(c.comm, p->comm, sizeof(c.comm));
		nxp_top_insert(&c);
	}
	rcu_read_unlock();
}

/**
 * nxp_tasks_scan() - walk the tasks and update the table
 * @now_ms: module time in ms
 *
 * Tasks still among the largest get a new RSS point; those that left the
 * top (or exited) are dropped with their history; newcomers start one.
 */
void nxp_tasks_scan(u64 now_ms)
{
	unsigned int i, j;

	memset(nxp_top, 0, NXP_TASKS * sizeof(*nxp_top));
	memset(&nxp_scan, 0, sizeof(nxp_scan));
	nxp_walk(&nxp_scan);
	nexus_work_charge(nxp_scan.tasks / 16 + 1);

	for (i = 0; i < NXP_TASKS; i++) {
		struct nxp_task *t = &nxp_tasks[i];
		bool found = false;

		if (!t->pid)
			continue;
		for (j = 0; j < NXP_TASKS; j++) {
			struct nxp_cand *c = &nxp_top[j];

			if (c->pid == t->pid && c->start_ns == t->start_ns) {
				nx_linreg_add(&t->rss, now_ms, c->rss_kb);
				c->pid = 0;	/* consumed */
				found = true;
				break;
			}
		}
		if (!found)
			t->pid = 0;
	}
	for (j = 0; j < NXP_TASKS; j++) {
		struct nxp_cand *c = &nxp_top[j];

		if (!c->pid)
			continue;
		for (i = 0; i < NXP_TASKS; i++) {
			struct nxp_task *t = &nxp_tasks[i];

			if (t->pid)
				continue;
			t->pid = c->pid;
			t->start_ns = c->start_ns;
			memcpy(t->comm, c->comm, sizeof(t->comm));
			nx_linreg_init(&t->rss);
			nx_linreg_add(&t->rss, now_ms, c->rss_kb);
			break;
		}
	}
}

/**
 * nxp_task_slope_kbps() - a task's RSS growth
 * @t: the task
 *
 * Return: the least-squares slope of its RSS history in kB/s (0 with
 * fewer than four points).
 */
s64 nxp_task_slope_kbps(const struct nxp_task *t)
{
	struct nx_linfit fit;

	if (t->rss.n < 4 || nx_linreg_fit(&t->rss, &fit))
		return 0;
	/* the line's rise over one second */
	return nx_linfit_at(&fit, fit.t0 + 1000) - nx_linfit_at(&fit, fit.t0);
}

/**
 * nxp_trend_permille() - Mann-Kendall trend statistic of a window
 * @r: the series (its last @window points are tested)
 * @window: points to test, at least 4
 *
 * S = sum over pairs i < j of sign(x_j - x_i), divided by the number of
 * pairs: +1000 when every later point is above every earlier one, -1000
 * for the reverse, near 0 for a flat or noisy series.  A rank test: it
 * asks whether the series keeps growing, not by how much, so one large
 * step is not a trend and a slow steady climb is.
 *
 * Return: S per-mille of the pairs, or 0 when the window is not full.
 */
int nxp_trend_permille(const struct nx_linreg *r, u32 window)
{
	u32 i, j, pairs;
	s32 s = 0;

	window = min_t(u32, window, NX_LINREG_WIN);
	if (window < 4 || r->n < window)
		return 0;
	for (i = 0; i < window; i++) {
		s64 xi = r->x[(r->head + NX_LINREG_WIN - window + i) %
			      NX_LINREG_WIN];

		for (j = i + 1; j < window; j++) {
			s64 xj = r->x[(r->head + NX_LINREG_WIN - window + j) %
				      NX_LINREG_WIN];

			s += (xj > xi) - (xj < xi);
		}
	}
	pairs = window * (window - 1) / 2;
	return s * 1000 / (s32)pairs;
}
