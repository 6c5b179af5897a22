// SPDX-License-Identifier: GPL-2.0
/*
 * Crash exits of a watched service's processes, for its crash-loop test.
 *
 * A service restarted by its own supervisor (systemd, a shell loop) leaves
 * no trace in its cgroup's files when it crashes: it is populated again a
 * moment later.  The core's sched_process_exit probe puts the task's
 * thread group id and cgroup v2 id on its NEXUS_EV_EXIT events; heal's
 * on_event (the engine thread) keeps, for each service slot, the times of
 * its processes' crash exits: a thread-group leader dying of SIGSEGV,
 * SIGABRT, SIGBUS, SIGFPE or SIGILL, in the watched cgroup itself (not a
 * child cgroup).  An exit with a status, even a failing one, is not a
 * crash: short-lived helpers of a service exit 1 all the time.  The health
 * check counts them within svc_window_ms, as it counts NEXUS's restarts.
 *
 * on_event runs at level correction and above only (heal's min_level), so
 * crash exits are not counted below it.  One spinlock, innermost, guards
 * the table: on_event, the health check and watch/unwatch hold it for a
 * few loads and stores.
 */
#include <linux/kernel.h>
#include <linux/signal.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include "heal.h"

/**
 * struct nxh_svc_exits - one service slot's crash exits.
 * @cgid: the slot's cgroup v2 id, 0 while the slot is free.
 * @n: crash exits since it was watched.
 * @ts: their times (ktime_get_ns() when heal saw them), a ring.
 */
struct nxh_svc_exits {
	u64 cgid;
	u32 n;
	u64 ts[NXH_SVC_RING];
};

static DEFINE_SPINLOCK(nxh_exits_lock);
static struct nxh_svc_exits nxh_exits[NXH_SVC_MAX];

static bool nxh_crash_sig(u32 sig)
{
	return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS ||
	       sig == SIGFPE || sig == SIGILL;
}

/**
 * nxh_svc_exits_set() - (re)start counting the crash exits of a slot
 * @slot: the service's slot, < NXH_SVC_MAX
 * @cgid: its cgroup's id, 0 to stop counting
 */
void nxh_svc_exits_set(unsigned int slot, u64 cgid)
{
	if (WARN_ON_ONCE(slot >= NXH_SVC_MAX))
		return;
	spin_lock(&nxh_exits_lock);
	memset(&nxh_exits[slot], 0, sizeof(nxh_exits[slot]));
	nxh_exits[slot].cgid = cgid;
	spin_unlock(&nxh_exits_lock);
}

/**
 * nxh_svc_exit_event() - a NEXUS_EV_EXIT event, from heal's on_event
 * @ev: the event: arg0 the exit code and thread group id, arg1 the cgroup
 */
void nxh_svc_exit_event(const struct nexus_event *ev)
{
	u32 sig = ev->arg0 & 0x7f, tgid = ev->arg0 >> 32, i;
	u64 now;

	/* one crash of a process, not one per thread */
	if (!nxh_crash_sig(sig) || tgid != ev->pid || !ev->arg1)
		return;
	now = ktime_get_ns();
	spin_lock(&nxh_exits_lock);
	for (i = 0; i < NXH_SVC_MAX; i++) {
		struct nxh_svc_exits *e = &nxh_exits[i];

		if (e->cgid == ev->arg1)
			e->ts[e->n++ % NXH_SVC_RING] = now;
	}
	spin_unlock(&nxh_exits_lock);
}

/**
 * nxh_svc_exits_count() - a slot's crash exits, all and recent
 * @slot: the service's slot
 * @now: ktime_get_ns()
 * @win: the window, ns
 * @total: set to the crash exits since it was watched (may be NULL)
 *
 * Return: the crash exits within @win before @now.
 */
u32 nxh_svc_exits_count(unsigned int slot, u64 now, u64 win, u32 *total)
{
	struct nxh_svc_exits *e;
	u32 i, k, n = 0;

	if (WARN_ON_ONCE(slot >= NXH_SVC_MAX))
		return 0;
	e = &nxh_exits[slot];
	spin_lock(&nxh_exits_lock);
	k = min_t(u32, e->n, NXH_SVC_RING);
	for (i = 0; i < k; i++)
		if (now - e->ts[i] < win)
			n++;
	if (total)
		*total = e->n;
	spin_unlock(&nxh_exits_lock);
	return n;
}
