// SPDX-License-Identifier: GPL-2.0
/*
 * Livelock predictions: a thread that used to make progress and now stays
 * runnable, burning CPU, while its signs of progress stand still.
 *
 * The signal.  The task walk (tasks.c) hands every user thread it finds
 * runnable (TASK_RUNNING: on a CPU or waiting for one) to
 * nxp_livelock_see().  NXP_LL_THREADS of them are followed, each with
 * its progress counters at the last walk that saw it runnable: voluntary
 * context switches (nvcsw: every sleep, every blocking syscall) and I/O
 * (the read/write syscalls and bytes of ioac, and the bytes that reached
 * storage).  A thread "makes progress" between two walks when one of them
 * moved.  One that made progress between at least NXP_LL_PROGRESS pairs of
 * walks, and then is found runnable at every walk for livelock_ms (at most
 * half of hung_task_timeout_secs) with none of them moving while it used at
 * least half a CPU, is predicted to be livelocked.
 *
 * The failure it predicts, by the yardstick the kernel applies to stuck
 * tasks: no progress for hung_task_timeout_secs (the hung-task detector
 * only looks at uninterruptible tasks; nothing reports a runnable one).
 * Time to failure: that timeout less the time stalled.  Confidence: 600,
 * rising to 1000 at the timeout, as for Deadlock.
 *
 * Its limits.  A thread that read its input and then computes for a long
 * time looks the same: the kernel cannot tell a computation from a spin.
 * A livelock that keeps making syscalls which neither block nor do I/O
 * (a retry loop on EAGAIN from a non-blocking call, sched_yield, futex
 * wakes) moves none of these counters but is not told from a computation
 * either; one that keeps blocking (retrying with sleeps) moves nvcsw and
 * is not seen.  A thread that spins from the start never made progress
 * and is never predicted, by design.  Only NXP_LL_THREADS runnable threads
 * are followed (the least recently runnable one is replaced), so on a
 * machine with many busy threads a worker may not be followed long enough
 * to have a history.  Only the program knows its real progress.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_LL_THREADS	32
/* walk intervals with progress before a stall counts */
#define NXP_LL_PROGRESS	4

/**
 * struct nxp_lthread - one runnable thread followed.
 * @pid: its pid (the thread's own id), 0: free.
 * @start_ns: its start time.
 * @comm: its name.
 * @nvcsw: voluntary switches at the last walk that saw it.
 * @io: its I/O counters, summed, then.
 * @cpu_ns: sum_exec_runtime then.
 * @seen_ms: that walk (module ms).
 * @gen: that walk's number.
 * @stall_ms: since when its counters have not moved; 0: they move.
 * @stall_cpu_ns: sum_exec_runtime at @stall_ms.
 * @progress: walk intervals in which it made progress (saturating).
 * @failed: stalled past the timeout (the failure was counted).
 */
struct nxp_lthread {
	pid_t pid;
	u64 start_ns;
	char comm[TASK_COMM_LEN];
	u64 nvcsw, io, cpu_ns;
	u64 seen_ms;
	u32 gen;
	u64 stall_ms, stall_cpu_ns;
	u32 progress;
	bool failed;
};

static struct nxp_lthread *nxp_lls;
static u32 nxp_ll_gen;

/**
 * nxp_livelock_init() - allocate the thread table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_livelock_init(void)
{
	nxp_lls = nexus_kzalloc(NXP_LL_THREADS * sizeof(*nxp_lls), GFP_KERNEL);
	nxp_ll_gen = 0;
	return nxp_lls ? 0 : -ENOMEM;
}

/**
 * nxp_livelock_exit() - free it
 */
void nxp_livelock_exit(void)
{
	nexus_kfree(nxp_lls);
	nxp_lls = NULL;
}

/* I/O counters of @t: syscalls and bytes read and written, bytes to storage. */
static u64 nxp_ll_io(const struct task_struct *t)
{
	u64 io = 0;

#ifdef CONFIG_TASK_XACCT
	io += READ_ONCE(t->ioac.rchar) + READ_ONCE(t->ioac.wchar) +
	      READ_ONCE(t->ioac.syscr) + READ_ONCE(t->ioac.syscw);
#endif
#ifdef CONFIG_TASK_IO_ACCOUNTING
	io += READ_ONCE(t->ioac.read_bytes) + READ_ONCE(t->ioac.write_bytes);
#endif
	return io;
}

/**
 * nxp_livelock_walk() - a task walk begins
 */
void nxp_livelock_walk(void)
{
	nxp_ll_gen++;
}

/* A free slot, else the one least recently seen before this walk. */
static struct nxp_lthread *nxp_ll_slot(void)
{
	struct nxp_lthread *old = NULL;
	unsigned int i;

	for (i = 0; i < NXP_LL_THREADS; i++) {
		struct nxp_lthread *d = &nxp_lls[i];

		if (!d->pid)
			return d;
		if (d->gen != nxp_ll_gen && (!old || d->seen_ms < old->seen_ms))
			old = d;
	}
	return old;
}

/**
 * nxp_livelock_see() - the walk found @t runnable
 * @t: a thread (RCU held by the walk)
 * @now_ms: module ms of the walk
 */
void nxp_livelock_see(struct task_struct *t, u64 now_ms)
{
	u64 nvcsw, io, cpu;
	struct nxp_lthread *d = NULL;
	unsigned int i;

	if (READ_ONCE(t->__state) != TASK_RUNNING ||
	    (t->flags & (PF_KTHREAD | PF_EXITING)))
		return;
	nvcsw = READ_ONCE(t->nvcsw);
	io = nxp_ll_io(t);
	cpu = READ_ONCE(t->se.sum_exec_runtime);
	for (i = 0; i < NXP_LL_THREADS; i++)
		if (nxp_lls[i].pid == t->pid &&
		    nxp_lls[i].start_ns == t->start_time) {
			d = &nxp_lls[i];
			break;
		}
	if (!d) {
		d = nxp_ll_slot();
		if (!d)
			return;
		memset(d, 0, sizeof(*d));
		d->pid = t->pid;
		d->start_ns = t->start_time;
		strscpy(d->comm, t->comm, sizeof(d->comm));
	} else if (nvcsw != d->nvcsw || io != d->io) {
		d->progress = min_t(u32, d->progress + 1, 1000);
		d->stall_ms = 0;
		d->failed = false;
	} else if (d->gen != nxp_ll_gen - 1) {
		/* not runnable at every walk: no stall to speak of */
		d->stall_ms = 0;
	} else if (!d->stall_ms) {
		/* still since the last walk at least */
		d->stall_ms = d->seen_ms;
		d->stall_cpu_ns = d->cpu_ns;
	}
	d->nvcsw = nvcsw;
	d->io = io;
	d->cpu_ns = cpu;
	d->seen_ms = now_ms;
	d->gen = nxp_ll_gen;
}

/**
 * nxp_livelock_tick() - judge the followed threads after a walk
 * @now: monotonic time
 * @hung_ms: the hung-task timeout (the failure), ms
 * @cfg: the prediction config in force
 */
void nxp_livelock_tick(u64 now, u64 hung_ms,
		       const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	u64 now_ms = nxp_ms(now), min_ms;
	unsigned int i;

	min_ms = min_t(u64, READ_ONCE(nxp_knobs.livelock_ms), hung_ms / 2);
	for (i = 0; i < NXP_LL_THREADS; i++) {
		struct nxp_lthread *d = &nxp_lls[i];
		u64 stuck, busy, ttf;
		struct nxp_pred *p;
		bool fresh;
		u32 conf;

		if (!d->pid || d->gen != nxp_ll_gen || !d->stall_ms ||
		    d->progress < NXP_LL_PROGRESS)
			continue;
		stuck = now_ms - d->stall_ms;
		/* CPU used while stalled, per-mille of the wall time */
		busy = stuck ? div64_u64(d->cpu_ns - d->stall_cpu_ns,
					 stuck * (NSEC_PER_MSEC / 1000)) : 0;
		if (stuck >= hung_ms && !d->failed) {
			d->failed = true;
			nxp_failure(NEXUS_PRED_LIVELOCK, d->pid, true, now);
		}
		if (stuck < min_ms || busy < 500)
			continue;
		ttf = stuck >= hung_ms ? 0 : hung_ms - stuck;
		conf = 600 + div64_u64(400 * min(stuck, hung_ms), hung_ms);
		snprintf(comp, sizeof(comp), "pid %d (%s)", d->pid, d->comm);
		snprintf(detail, sizeof(detail),
			 "runnable, no voluntary switch or I/O for %u ms, %u/1000 CPU, progress %u",
			 nxp_u32(stuck), (u32)min_t(u64, busy, 1000),
			 d->progress);
		fresh = !nxp_active(NEXUS_PRED_LIVELOCK, d->pid);
		p = nxp_report(NEXUS_PRED_LIVELOCK, d->pid, conf, ttf, -1,
			       stuck, comp, detail, now, cfg);
		if (p && fresh)
			nxp_decide(p, cfg);
	}
}

/**
 * nxp_livelock_dump() - the threads followed
 * @m: seq_file
 */
void nxp_livelock_dump(struct seq_file *m)
{
	unsigned int i, n = 0, stalled = 0;

	for (i = 0; i < NXP_LL_THREADS; i++) {
		n += !!nxp_lls[i].pid;
		stalled += nxp_lls[i].pid && nxp_lls[i].stall_ms;
	}
	seq_printf(m, "# livelock: runnable threads followed %u, stalled %u\n",
		   n, stalled);
}
