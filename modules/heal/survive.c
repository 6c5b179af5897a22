// SPDX-License-Identifier: GPL-2.0
/*
 * SurvivalMode for the system as a whole: the component "system" (class
 * "system"), registered by nexus_heal itself, is faulty while nexus_predict
 * holds an OutOfMemory prediction that is imminent: active, at least
 * survival_permille confident, a time to failure of at most
 * survival_ttf_ms, and republished within the last 3 s.  Its plan always
 * climbs the ladder from the bottom (NEXUS_COMPONENT_LADDER), so a
 * harsher step runs only when the milder ones did not help:
 *
 *   SoftReset     free what can be freed: vm.drop_caches=3 (clean page
 *                 cache, dentries, inodes) and vm.compact_memory=1; it
 *                 helped if MemAvailable rose by 1/16 of RAM or more
 *   HardReset     stop NEXUS's own non-essential work: the engine sheds
 *                 the modules below priority 7 (all but nexus_predict,
 *                 nexus_heal and nexus_guard) until the emergency is over
 *   SurvivalMode  kill the task the prediction names ("pid N (comm)"),
 *                 and only that one: not if it is gone, its name differs
 *                 (the pid was reused), it is init, a kernel thread, or
 *                 marked unkillable (oom_score_adj -1000); it helped when
 *                 the task let go of its memory
 *
 * A step that helped keeps the system healthy for NXH_SYS_GRACE_NS, the
 * time nexus_predict needs to see the headroom come back and resolve its
 * prediction.  Shedding ends once no OutOfMemory prediction has been
 * imminent for NXH_SYS_CALM_NS, when survival is switched off, and at
 * rmmod.  Every action is in the
 * audit log (a Log decision with the details, beside the plan's step) and
 * in the last NXH_SYS_LOG lines of the debugfs dump.
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/mm.h>
#include <linux/oom.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "heal.h"

#define NXH_SYS_FAULT_OOM	1
#define NXH_SYS_FRESH_NS	(3 * NSEC_PER_SEC)
#define NXH_SYS_GRACE_NS	(10 * NSEC_PER_SEC)
#define NXH_SYS_CALM_NS		(10 * NSEC_PER_SEC)
#define NXH_SYS_SHED_BELOW	7
#define NXH_SYS_LOG		16

struct nxh_sys_rec {
	u64 ts_ns;
	u8 strategy;
	int result;
	char what[NEXUS_REASON_LEN];
};

struct nxh_survival_knobs nxh_survival_knobs = {
	.enabled = 1,
	.permille = 800,
	.ttf_ms = 15000,
};

/* The latest OutOfMemory prediction, from the engine's on_event. */
static DEFINE_SPINLOCK(nxh_sys_oom_lock);
static struct nexus_finding nxh_sys_oom;
static u64 nxh_sys_oom_seen_ns;

/* Below: under nxh_sys_lock. */
static DEFINE_MUTEX(nxh_sys_lock);
static u64 nxh_sys_ok_until_ns;
static u64 nxh_sys_last_imminent_ns;
static bool nxh_sys_shedding;
static u64 nxh_sys_reclaims, nxh_sys_sheds, nxh_sys_kills, nxh_sys_refused;
static struct nxh_sys_rec nxh_sys_log[NXH_SYS_LOG];
static u64 nxh_sys_log_n;
static bool nxh_sys_on;

/**
 * nxh_survival_note() - a prediction was published (engine context)
 * @f: a copy of it
 *
 * Keeps the latest OutOfMemory prediction.  O(1), no sleeping.
 */
void nxh_survival_note(const struct nexus_finding *f)
{
	if (f->class != NEXUS_FINDING_PREDICTION ||
	    f->kind != NEXUS_PRED_OUT_OF_MEMORY)
		return;
	spin_lock(&nxh_sys_oom_lock);
	nxh_sys_oom = *f;
	nxh_sys_oom_seen_ns = ktime_get_ns();
	spin_unlock(&nxh_sys_oom_lock);
	nxh_kick();
}

/* The OutOfMemory prediction if it is imminent now; false if not. */
static bool nxh_sys_imminent(struct nexus_finding *f, u64 now)
{
	u64 seen;

	spin_lock(&nxh_sys_oom_lock);
	*f = nxh_sys_oom;
	seen = nxh_sys_oom_seen_ns;
	spin_unlock(&nxh_sys_oom_lock);
	return f->id && (f->flags & NEXUS_FINDING_ACTIVE) &&
	       !(f->flags & NEXUS_FINDING_RESOLVED) &&
	       now - seen <= NXH_SYS_FRESH_NS &&
	       f->confidence >= READ_ONCE(nxh_survival_knobs.permille) &&
	       f->time_to_failure_ms <= READ_ONCE(nxh_survival_knobs.ttf_ms);
}

/* Into the dump and the audit log (a Log decision).  Under nxh_sys_lock. */
static __printf(4, 5)
void nxh_sys_record(unsigned int strategy, int result, const char *target,
		    const char *fmt, ...)
{
	struct nxh_sys_rec *r = &nxh_sys_log[nxh_sys_log_n++ % NXH_SYS_LOG];
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_LOG,
		.confidence = 1000,
		.arg = strategy,
		.old_value = result,
	};
	va_list ap;

	r->ts_ns = ktime_get_ns();
	r->strategy = strategy;
	r->result = result;
	va_start(ap, fmt);
	vsnprintf(r->what, sizeof(r->what), fmt, ap);
	va_end(ap);
	pr_info("survival: %s: %s\n", nxh_strategy_name(strategy), r->what);
	strscpy(d.target, target, sizeof(d.target));
	snprintf(d.reason, sizeof(d.reason), "survival %s: %s",
		 nxh_strategy_name(strategy), r->what);
	nexus_decide(&nxh_ops, &d);
}

static void nxh_sys_shed(bool on)
{
	lockdep_assert_held(&nxh_sys_lock);
	if (nxh_sys_shedding == on)
		return;
	nxh_sys_shedding = on;
	nexus_engine_shed(on ? NXH_SYS_SHED_BELOW : 0);
	if (on)
		nxh_sys_sheds++;
	nxh_sys_record(NEXUS_HEAL_HARD_RESET, 0, "nexus",
		       on ? "modules below priority %u shed" :
			    "shedding ended (below priority %u)",
		       NXH_SYS_SHED_BELOW);
}

static int nxh_sys_health(void *priv)
{
	struct nexus_finding f;
	u64 now = ktime_get_ns();
	int h = 0;

	mutex_lock(&nxh_sys_lock);
	if (!READ_ONCE(nxh_survival_knobs.enabled)) {
		/* switched off: what it asked of the engine ends with it */
		nxh_sys_shed(false);
	} else if (nxh_sys_imminent(&f, now)) {
		nxh_sys_last_imminent_ns = now;
		if (now >= nxh_sys_ok_until_ns)
			h = NXH_SYS_FAULT_OOM;
	} else if (nxh_sys_shedding &&
		   now - nxh_sys_last_imminent_ns >= NXH_SYS_CALM_NS) {
		nxh_sys_shed(false);
	}
	mutex_unlock(&nxh_sys_lock);
	return h;
}

/* SoftReset: drop caches and compact; helped if 1/16 of RAM came back. */
static int nxh_sys_reclaim(void)
{
	long before = si_mem_available(), after;
	int dc, cm;

	dc = nxh_svc_write("/proc/sys/vm", "drop_caches", "3");
	cm = nxh_svc_write("/proc/sys/vm", "compact_memory", "1");
	after = si_mem_available();
	nxh_sys_reclaims++;
	if (after - before >= (long)(totalram_pages() / 16))
		nxh_sys_ok_until_ns = ktime_get_ns() + NXH_SYS_GRACE_NS;
	nxh_sys_record(NEXUS_HEAL_SOFT_RESET, dc, "vm",
		       "drop_caches %d compact_memory %d: MemAvailable %lu -> %lu kB",
		       dc, cm, max(before, 0L) << (PAGE_SHIFT - 10),
		       max(after, 0L) << (PAGE_SHIFT - 10));
	return dc;
}

/* Why the named task may not be killed, or NULL. */
static const char *nxh_sys_protected(struct task_struct *t, const char *comm)
{
	char now[TASK_COMM_LEN];

	get_task_comm(now, t);
	if (strcmp(now, comm))
		return "its name differs (pid reused)";
	if (is_global_init(t) || (t->flags & PF_KTHREAD))
		return "init or a kernel thread";
	if (t == current || same_thread_group(t, current))
		return "NEXUS's own thread";
	if (READ_ONCE(t->signal->oom_score_adj) == OOM_SCORE_ADJ_MIN)
		return "oom_score_adj -1000";
	return NULL;
}

/* SurvivalMode: kill the predicted culprit, never another task. */
static int nxh_sys_kill(const struct nexus_finding *f)
{
	char comm[TASK_COMM_LEN] = "", target[NEXUS_COMPONENT_LEN];
	struct task_struct *t;
	const char *why = NULL;
	unsigned long rss = 0;
	struct mm_struct *mm;
	struct pid *pid;
	bool freed;
	int nr = 0, ret;

	strscpy(target, f->component, sizeof(target));
	if (sscanf(f->component, "pid %d (%15[^)])", &nr, comm) != 2 || nr <= 0) {
		nxh_sys_refused++;
		nxh_sys_record(NEXUS_HEAL_SURVIVAL_MODE, -ESRCH, target,
			       "refused: the prediction names no task");
		return -ESRCH;
	}
	pid = find_get_pid(nr);
	t = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	if (!t) {
		put_pid(pid);
		nxh_sys_record(NEXUS_HEAL_SURVIVAL_MODE, -ESRCH, target,
			       "the culprit is gone already");
		/* what was predicted has no cause left: that helped */
		nxh_sys_ok_until_ns = ktime_get_ns() + NXH_SYS_GRACE_NS;
		return 0;
	}
	why = nxh_sys_protected(t, comm);
	mm = get_task_mm(t);
	put_task_struct(t);
	if (mm) {
		rss = get_mm_rss(mm) << (PAGE_SHIFT - 10);
		mmput(mm);
	}
	if (why) {
		put_pid(pid);
		nxh_sys_refused++;
		nxh_sys_record(NEXUS_HEAL_SURVIVAL_MODE, -EPERM, target,
			       "refused: %s", why);
		return -EPERM;
	}
	ret = nxh_kill_and_wait(pid, &freed);
	put_pid(pid);
	if (!ret) {
		nxh_sys_kills++;
		if (freed)
			nxh_sys_ok_until_ns = ktime_get_ns() + NXH_SYS_GRACE_NS;
	}
	nxh_sys_record(NEXUS_HEAL_SURVIVAL_MODE, ret, target,
		       "SIGKILL %d: rss %lu kB, %s", ret, rss,
		       ret ? "failed" : freed ? "its memory freed" :
		       "still holding memory after 2 s");
	return ret;
}

static int nxh_sys_recover(void *priv, enum nexus_healing_strategy s,
			   u64 cookie)
{
	struct nexus_finding f;
	int ret = 0;

	mutex_lock(&nxh_sys_lock);
	switch (s) {
	case NEXUS_HEAL_SOFT_RESET:
		ret = nxh_sys_reclaim();
		break;
	case NEXUS_HEAL_HARD_RESET:
		nxh_sys_shed(true);
		nxh_sys_last_imminent_ns = ktime_get_ns();
		break;
	case NEXUS_HEAL_SURVIVAL_MODE:
		nxh_sys_imminent(&f, ktime_get_ns());
		ret = nxh_sys_kill(&f);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	mutex_unlock(&nxh_sys_lock);
	return ret;
}

static const struct nexus_component_ops nxh_sys_ops = {
	.name = "system",
	.class = "system",
	/* owner NULL: this module, which unregisters it before it goes */
	.flags = NEXUS_COMPONENT_LADDER,
	.strategies = NEXUS_HEAL_CAP(NEXUS_HEAL_SOFT_RESET) |
		      NEXUS_HEAL_CAP(NEXUS_HEAL_HARD_RESET) |
		      NEXUS_HEAL_CAP(NEXUS_HEAL_SURVIVAL_MODE),
	.health = nxh_sys_health,
	.recover = nxh_sys_recover,
};

/**
 * nxh_survival_init() - register the component "system"
 *
 * Return: 0 or the core's error.
 */
int nxh_survival_init(void)
{
	int ret = nexus_component_register(&nxh_sys_ops);

	nxh_sys_on = !ret;
	return ret;
}

/**
 * nxh_survival_exit() - unregister it and end any shedding it asked for
 */
void nxh_survival_exit(void)
{
	if (nxh_sys_on)
		nexus_component_unregister(&nxh_sys_ops);
	nxh_sys_on = false;
	mutex_lock(&nxh_sys_lock);
	nxh_sys_shed(false);
	mutex_unlock(&nxh_sys_lock);
}

/**
 * nxh_survival_dump() - the survival state and its last actions
 * @m: the seq_file
 */
void nxh_survival_dump(struct seq_file *m)
{
	struct nexus_finding f;
	u64 now = ktime_get_ns(), s, first;
	bool imminent = nxh_sys_imminent(&f, now);

	seq_puts(m, "# survival enabled imminent shedding reclaims sheds kills refused oom_finding\n");
	mutex_lock(&nxh_sys_lock);
	seq_printf(m, "survival %u %d %d %llu %llu %llu %llu %llu\n",
		   READ_ONCE(nxh_survival_knobs.enabled), imminent,
		   nxh_sys_shedding, nxh_sys_reclaims, nxh_sys_sheds,
		   nxh_sys_kills, nxh_sys_refused, f.id);
	seq_puts(m, "# survival_log age_ms strategy result what\n");
	first = nxh_sys_log_n > NXH_SYS_LOG ? nxh_sys_log_n - NXH_SYS_LOG : 0;
	for (s = first; s < nxh_sys_log_n; s++) {
		const struct nxh_sys_rec *r = &nxh_sys_log[s % NXH_SYS_LOG];

		seq_printf(m, "survival_log %llu %s %d %s\n",
			   div_u64(now - r->ts_ns, NSEC_PER_MSEC),
			   nxh_strategy_name(r->strategy), r->result, r->what);
	}
	mutex_unlock(&nxh_sys_lock);
}
