/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_heal internals.  See Documentation/heal.rst.
 */
#ifndef _NEXUS_HEAL_INTERNAL_H
#define _NEXUS_HEAL_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <nexus/nexus.h>
#include <nexus/heal.h>

struct pid;

#define NXH_MAX_COMPONENTS	64
#define NXH_MAX_CKPT		64	/* max_rollback_depth's upper bound */
#define NXH_HISTORY		32	/* finished plans kept for debugfs */
#define NXH_LEARN_MAX		64	/* (class, fault) rows of the table */
#define NXH_CHAOS_LOG		64
#define NXH_NFAULT		(NEXUS_HEAL_FAULT_MAX + 1)

/* What happened to one step of a plan. */
enum nxh_step_outcome {
	NXH_STEP_PENDING = 0,
	NXH_STEP_OK,		/* ran, and the health check passed */
	NXH_STEP_FAILED,	/* ran (or could not), still unhealthy */
	NXH_STEP_TIMEOUT,	/* exceeded healing_timeout_ms */
	NXH_STEP_SUGGESTED,	/* level below healing: shown, not run */
	NXH_STEP_REFUSED,	/* refused by the engine (level, budget) */
	NXH_STEP_NR,
};

enum nxh_plan_status {
	NXH_PLAN_NONE = 0,
	NXH_PLAN_RUNNING,
	NXH_PLAN_SUCCEEDED,
	NXH_PLAN_GAVE_UP,	/* steps or max_healing_attempts exhausted */
	NXH_PLAN_SUGGESTED,	/* built and shown at correction */
	NXH_PLAN_ABORTED,	/* component unregistered, healing disabled */
	NXH_PLAN_REFUSED,	/* the engine refused a step (budget, level) */
	NXH_PLAN_NR,
};

/* Why a rung of the escalation chain is not in a plan. */
enum nxh_skip {
	NXH_SKIP_NONE = 0,
	NXH_SKIP_UNSUPPORTED,	/* the component lacks the strategy */
	NXH_SKIP_DISABLED,	/* HealingConfig disables it */
	NXH_SKIP_NO_CHECKPOINT,	/* FullRollback without a checkpoint */
	NXH_SKIP_NR,
};

struct nxh_step {
	u8 strategy;		/* enum nexus_healing_strategy */
	u8 outcome;		/* enum nxh_step_outcome */
	s32 result;		/* 0 or -errno (-EAGAIN: ran, still unhealthy) */
	u32 ms;			/* duration */
	u16 p_permille;		/* learned success estimate when planned */
	u64 decision;		/* audit log id */
};

struct nxh_plan {
	u64 id;
	char comp[NEXUS_SHORT_LEN];
	u8 fault;
	u8 status;		/* enum nxh_plan_status */
	u8 nsteps;		/* steps planned */
	u8 done;		/* steps run or shown */
	u8 skip[NEXUS_HEAL_COUNT];	/* enum nxh_skip per rung */
	bool learned;		/* the order came from the learned table */
	u64 start_ns;
	u64 end_ns;
	u64 finding;		/* the finding that announces it */
	struct nxh_step steps[NEXUS_HEAL_COUNT];
};

/* A registered component.  Fields below "lock" are under nxh_lock. */
struct nxh_comp {
	struct list_head list;
	struct kref ref;
	const struct nexus_component_ops *ops;
	struct work_struct plan_work;
	atomic_t inflight;	/* callbacks running in workers */
	wait_queue_head_t wq;	/* woken when a call ends or dead is set */
	bool dead;		/* unregistering */
	struct kobject *kobj;	/* components/<name>/ (attach, detach) */

	/* lock: nxh_lock */
	int health;		/* last health check */
	bool planning;		/* plan_work queued or running */
	int reported;		/* fault reported, 0 none, -1 unknown */
	u8 fault;		/* fault class of the current/last failure */
	u8 last_status;		/* last plan's status, for back-off */
	u8 last_fault;
	u8 last_level;
	u64 failures;		/* failures seen (healthy -> faulty) */
	u64 fault_count[NXH_NFAULT];
	u64 first_failure_ns;
	u64 last_failure_ns;
	u64 plans;
	u64 ckpt[NXH_MAX_CKPT];	/* cookies, newest at ckpt_n - 1 */
	u32 ckpt_n;
	u64 last_ckpt_ns;
	u64 checkpoints;	/* taken since registration */
	u64 injected;		/* chaos injections */
	u64 found;		/* findings that named it */
	u64 oopses;		/* oopses in its module's code (oops.c) */
	u64 last_finding;	/* the last of them */
	struct nxh_plan plan;	/* the running or last plan */
};

/* Knobs in /sys/kernel/nexus/modules/heal/. */
struct nxh_knobs {
	u32 poll_ms;
	u32 learning;
};

/* Knobs of the watched services (svc.c). */
#define NXH_SVC_MAX	8	/* services watched at most */
#define NXH_SVC_RING	32	/* restart times kept: svc_max_restarts' bound */

struct nxh_svc_knobs {
	u32 window_ms;		/* crash loop: restarts counted over it */
	u32 max_restarts;	/* this many in the window: crash-looping */
	u32 dstate_ms;		/* a task in D state this long: stuck */
	u32 mem_permille;	/* memory.current / memory.max: over limit */
};

/* Knobs of the survival mode (survive.c). */
struct nxh_survival_knobs {
	u32 enabled;		/* act on imminent OutOfMemory at all */
	u32 permille;		/* least confidence of the prediction */
	u32 ttf_ms;		/* longest time to failure acted on */
};

extern struct nxh_knobs nxh_knobs;
extern struct nxh_survival_knobs nxh_survival_knobs;
extern struct nxh_svc_knobs nxh_svc_knobs;
extern struct mutex nxh_lock;
extern const struct nexus_module_ops nxh_ops;
extern const struct attribute_group *nxh_groups[];
extern struct workqueue_struct *nxh_wq;
extern const struct nexus_heal_provider nxh_provider;

const char *nxh_strategy_name(unsigned int s);

/* comp.c: registry, monitor, checkpoints, chaos */
int nxh_comp_init(void);
void nxh_comp_exit(void);
struct nxh_comp *nxh_comp_get(const char *name);
void nxh_comp_put(struct nxh_comp *hc);
int nxh_call_health(struct nxh_comp *hc);
bool nxh_enter(struct nxh_comp *hc);
void nxh_leave(struct nxh_comp *hc);
int nxh_chaos_inject(const char *name, unsigned int fault);
void nxh_kick(void);
void nxh_comp_dump(struct seq_file *m);
bool nxh_comp_found(const struct nexus_finding *f, const char *name);
unsigned int nxh_comp_oops(const char *module);
void nxh_chaos_dump(struct seq_file *m);
const struct nxh_plan *nxh_plan_running(unsigned int i);

/* plan.c: plans, execution, learning */
int nxh_plan_init(void);
void nxh_plan_exit(void);
void nxh_plan_work(struct work_struct *work);
int nxh_apply(struct nexus_decision *d);
void nxh_learn_reset(void);
void nxh_plan_dump(struct seq_file *m);
int nxh_learn_show(struct seq_file *m, void *unused);
void nxh_plan_running_dump(struct seq_file *m, struct nxh_comp *hc);
const char *nxh_status_name(unsigned int status);
void nxh_plan_stats(u64 *started, u64 *succeeded, u64 *gave_up);
const struct nxh_plan *nxh_plan_finished(u64 i);

/* records.c: NEXUS_REC_PLAN for NEXUS_IOC_READ_RECORDS */
int nxh_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total);

/* svc.c: cgroup v2 services as components */
int nxh_svc_watch(const char *line);
int nxh_svc_unwatch(const char *line);
ssize_t nxh_svc_list(char *buf);
void nxh_svc_dump(struct seq_file *m);
void nxh_svc_exit(void);
int nxh_svc_write(const char *dir, const char *file, const char *val);
int nxh_kill_and_wait(struct pid *pid, bool *freed);
bool nxh_svc_named(const struct nexus_finding *f, char *name);
void nxh_svc_exits_set(unsigned int slot, u64 cgid);
void nxh_svc_exit_event(const struct nexus_event *ev);
u32 nxh_svc_exits_count(unsigned int slot, u64 now, u64 win, u32 *total);

/* sysfs.c: components/<name>/ */
int nxh_sysfs_init(void);
void nxh_sysfs_exit(void);
void nxh_sysfs_add(struct nxh_comp *hc);
void nxh_sysfs_del(struct nxh_comp *hc);

/* detect.c: findings naming a component */
void nxh_detect_event(const struct nexus_event *ev);

/* oops.c: oopses in a component's module, through the die notifier */
int nxh_oops_init(void);
void nxh_oops_exit(void);
void nxh_oops_drain(enum nexus_level level);
void nxh_oops_dump(struct seq_file *m);

/* survive.c: the component "system", survival mode on imminent OOM */
void nxh_survival_note(const struct nexus_finding *f);
int nxh_survival_init(void);
void nxh_survival_exit(void);
void nxh_survival_dump(struct seq_file *m);

#endif /* _NEXUS_HEAL_INTERNAL_H */
