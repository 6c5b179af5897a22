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
 * The same walk counts each process's open file descriptors against its
 * RLIMIT_NOFILE (the NXP_FDTASKS closest to their limit, with at least
 * NXP_FD_FOLLOW open, are followed for ResourceExhaustion), counts every
 * thread (the system's task count), follows the NXP_STKTASKS processes whose
 * stack (mm->stack_vm) is closest to their RLIMIT_STACK (from an eighth of
 * it; StackOverflow), and looks at each thread in
 * uninterruptible sleep: one whose context-switch count has not moved since
 * an earlier walk has made no progress since then (Deadlock); each
 * runnable user thread goes to the Livelock detector (livelock.c), and
 * every thread is counted in its cgroup of the pids controller
 * (cgroups.c).
 *
 * The walk is O(threads) with one spinlock per process (task_lock, to read
 * ->mm and ->files), bounded by NXP_SCAN_MAX processes and threads, and
 * charged to the work budget; counting descriptors reads the open-fd bitmap,
 * at most NXP_FD_MAX bits of it.
 */
#include <linux/kernel.h>
#include <linux/bitmap.h>
#include <linux/fdtable.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/mm.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_SCAN_MAX	65536
/* descriptors counted per process at most (bits of the open-fd bitmap) */
#define NXP_FD_MAX	65536
/* a process with fewer open descriptors is not followed */
#define NXP_FD_FOLLOW	32

struct nxp_cand {
	pid_t pid;
	u64 start_ns;
	s64 rss_kb;
	char comm[TASK_COMM_LEN];
};

struct nxp_lcand {
	pid_t pid;
	u64 start_ns;
	u64 used, limit;
	u32 permille;
	char comm[TASK_COMM_LEN];
};

struct nxp_task *nxp_tasks;
struct nxp_ltask *nxp_fdtasks;
struct nxp_ltask *nxp_stktasks;
struct nxp_dtask *nxp_dtasks;
struct nxp_scan nxp_scan;
static struct nxp_cand *nxp_top;
static struct nxp_lcand *nxp_fdtop;
static struct nxp_lcand *nxp_stktop;
static u32 nxp_gen;
static u64 nxp_fd_words;

/**
 * nxp_tasks_init() - allocate the task table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_tasks_init(void)
{
	nxp_tasks = nexus_kvzalloc(NXP_TASKS * sizeof(*nxp_tasks), GFP_KERNEL);
	nxp_top = nexus_kzalloc(NXP_TASKS * sizeof(*nxp_top), GFP_KERNEL);
	nxp_fdtasks = nexus_kvzalloc(NXP_FDTASKS * sizeof(*nxp_fdtasks),
				     GFP_KERNEL);
	nxp_fdtop = nexus_kzalloc(NXP_FDTASKS * sizeof(*nxp_fdtop), GFP_KERNEL);
	nxp_stktasks = nexus_kvzalloc(NXP_STKTASKS * sizeof(*nxp_stktasks),
				      GFP_KERNEL);
	nxp_stktop = nexus_kzalloc(NXP_STKTASKS * sizeof(*nxp_stktop),
				   GFP_KERNEL);
	nxp_dtasks = nexus_kzalloc(NXP_DTASKS * sizeof(*nxp_dtasks), GFP_KERNEL);
	if (!nxp_tasks || !nxp_top || !nxp_fdtasks || !nxp_fdtop ||
	    !nxp_stktasks || !nxp_stktop || !nxp_dtasks) {
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
	nexus_kfree(nxp_fdtasks);
	nexus_kfree(nxp_fdtop);
	nexus_kfree(nxp_stktasks);
	nexus_kfree(nxp_stktop);
	nexus_kfree(nxp_dtasks);
	nxp_stktasks = NULL;
	nxp_stktop = NULL;
	nxp_tasks = NULL;
	nxp_top = NULL;
	nxp_fdtasks = NULL;
	nxp_fdtop = NULL;
	nxp_dtasks = NULL;
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

/* Keep @c if it is among the @n of @top closest to their limit. */
static void nxp_ltop_insert(struct nxp_lcand *top, unsigned int n,
			    const struct nxp_lcand *c)
{
	unsigned int i, min = 0;

	for (i = 0; i < n; i++) {
		if (!top[i].pid) {
			top[i] = *c;
			return;
		}
		if (top[i].permille < top[min].permille)
			min = i;
	}
	if (c->permille > top[min].permille)
		top[min] = *c;
}

static void nxp_lcand_add(struct nxp_lcand *top, unsigned int n,
			  struct nxp_lcand *c, struct task_struct *p)
{
	c->pid = p->pid;
	c->start_ns = p->start_time;
	c->permille = div64_u64(min_t(u64, c->used, c->limit) * 1000,
				c->limit);
	strscpy(c->comm, p->comm, sizeof(c->comm));
	nxp_ltop_insert(top, n, c);
}

/*
 * Open descriptors of @p, whose task_lock is held, under RCU (which keeps
 * the fdtable alive): the weight of its open-fd bitmap.
 */
static u32 nxp_open_fds(struct task_struct *p)
{
	struct files_struct *files = p->files;
	struct fdtable *fdt;
	unsigned int bits;

	if (!files)
		return 0;
	fdt = files_fdtable(files);
	bits = min_t(unsigned int, fdt->max_fds, NXP_FD_MAX);
	nxp_fd_words += BITS_TO_LONGS(bits);
	return bitmap_weight(fdt->open_fds, bits);
}

/*
 * A thread in uninterruptible sleep of the kind the hung-task detector
 * watches (not killable, not TASK_IDLE): note since when its switch count
 * has not moved.  Followed in NXP_DTASKS slots; more are not followed.
 */
static void nxp_dstate(struct task_struct *t, u64 now_ms)
{
	unsigned int state = READ_ONCE(t->__state), i;
	struct nxp_dtask *d, *free = NULL;
	u64 sw;

	if (!(state & TASK_UNINTERRUPTIBLE) ||
	    (state & (TASK_WAKEKILL | TASK_NOLOAD)))
		return;
	sw = READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
	for (i = 0; i < NXP_DTASKS; i++) {
		d = &nxp_dtasks[i];
		if (d->pid == t->pid && d->start_ns == t->start_time) {
			if (d->switches != sw) {
				d->switches = sw;
				d->since_ms = now_ms;
				d->failed = false;
			}
			d->gen = nxp_gen;
			return;
		}
		if (!d->pid && !free)
			free = d;
	}
	if (!free)
		return;
	free->pid = t->pid;
	free->start_ns = t->start_time;
	free->switches = sw;
	free->since_ms = now_ms;
	free->gen = nxp_gen;
	free->failed = false;
	strscpy(free->comm, t->comm, sizeof(free->comm));
}

static void nxp_walk(struct nxp_scan *s, u64 now_ms)
{
	struct task_struct *p, *t;
	u64 best_wait = 0;

	rcu_read_lock();
	for_each_process(p) {
		struct nxp_lcand fc, sc;
		struct nxp_cand c;
		struct mm_struct *mm;
		unsigned int state;

		for_each_thread(p, t) {
			if (++s->threads > NXP_SCAN_MAX)
				break;
			nxp_dstate(t, now_ms);
			nxp_livelock_see(t, now_ms);
			nxp_cg_see(t);
		}
		if (s->threads > NXP_SCAN_MAX) {
			s->truncated = true;
			break;
		}
		if (p->flags & PF_KTHREAD)
			continue;
		if (++s->tasks > NXP_SCAN_MAX) {
			s->truncated = true;
			break;
		}
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
		sc.used = mm ? (u64)READ_ONCE(mm->stack_vm) <<
			       (PAGE_SHIFT - 10) : 0;
		fc.used = nxp_open_fds(p);
		task_unlock(p);
		fc.limit = task_rlimit(p, RLIMIT_NOFILE);
		if (fc.used >= NXP_FD_FOLLOW && fc.limit)
			nxp_lcand_add(nxp_fdtop, NXP_FDTASKS, &fc, p);
		/* RLIM_INFINITY: no limit to approach */
		sc.limit = task_rlimit(p, RLIMIT_STACK);
		if (sc.limit != RLIM_INFINITY && sc.limit >= SZ_1K) {
			sc.limit >>= 10;
			if (sc.used * 8 >= sc.limit)
				nxp_lcand_add(nxp_stktop, NXP_STKTASKS, &sc, p);
		}
		if (!c.rss_kb)
			continue;
		c.pid = p->pid;
		c.start_ns = p->start_time;
		strscpy(c.comm, p->comm, sizeof(c.comm));
		nxp_top_insert(&c);
	}
	nxp_cg_walk_end();
	rcu_read_unlock();
}

/* The followed processes get a new point; leavers go, newcomers start. */
static void nxp_ltasks_update(struct nxp_ltask *tab, struct nxp_lcand *top,
			      unsigned int n, u64 now_ms)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct nxp_ltask *t = &tab[i];
		bool found = false;

		if (!t->pid)
			continue;
		for (j = 0; j < n; j++) {
			struct nxp_lcand *c = &top[j];

			if (c->pid == t->pid && c->start_ns == t->start_ns) {
				nx_linreg_add(&t->hist, now_ms, c->used);
				t->used = c->used;
				t->limit = c->limit;
				c->pid = 0;
				found = true;
				break;
			}
		}
		if (!found)
			t->pid = 0;
	}
	for (j = 0; j < n; j++) {
		struct nxp_lcand *c = &top[j];

		if (!c->pid)
			continue;
		for (i = 0; i < n; i++) {
			struct nxp_ltask *t = &tab[i];

			if (t->pid)
				continue;
			t->pid = c->pid;
			t->start_ns = c->start_ns;
			t->used = c->used;
			t->limit = c->limit;
			t->at_limit = false;
			memcpy(t->comm, c->comm, sizeof(t->comm));
			nx_linreg_init(&t->hist);
			nx_linreg_add(&t->hist, now_ms, c->used);
			break;
		}
	}
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
	memset(nxp_fdtop, 0, NXP_FDTASKS * sizeof(*nxp_fdtop));
	memset(nxp_stktop, 0, NXP_STKTASKS * sizeof(*nxp_stktop));
	memset(&nxp_scan, 0, sizeof(nxp_scan));
	nxp_gen++;
	nxp_livelock_walk();
	nxp_cg_walk_begin();
	nxp_fd_words = 0;
	nxp_walk(&nxp_scan, now_ms);
	nxp_cg_update(ktime_get_ns());
	nexus_work_charge(nxp_scan.tasks / 16 + nxp_scan.threads / 64 +
			  div_u64(nxp_fd_words, 1024) + 1);
	/* a task not seen in D state this walk made progress (or left) */
	for (i = 0; i < NXP_DTASKS; i++)
		if (nxp_dtasks[i].gen != nxp_gen)
			nxp_dtasks[i].pid = 0;
	nxp_ltasks_update(nxp_fdtasks, nxp_fdtop, NXP_FDTASKS, now_ms);
	nxp_ltasks_update(nxp_stktasks, nxp_stktop, NXP_STKTASKS, now_ms);

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
