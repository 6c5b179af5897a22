/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_predict internals: forecasts (forecast.c), crash predictions and
 * their scoring (crash.c), the task table (tasks.c), the sysfs knobs
 * (knobs.c).  Every function here runs from the module's tick, event or
 * dump callbacks, which the core serialises: no lock of our own.
 */
#ifndef _NEXUS_PREDICT_H
#define _NEXUS_PREDICT_H

#include <linux/types.h>
#include <linux/sched.h>
#include <nexus/nexus.h>
#include "nx_linreg.h"
#include "nx_holt.h"
#include "nx_ewma.h"

extern const struct nexus_module_ops nxp_ops;

/* ---- knobs.c: /sys/kernel/nexus/modules/predict/ ---- */

/**
 * struct nxp_knobs - tunables, written by sysfs, read once per tick.
 * @oom_floor_kb: available memory + free swap at which OOM is reckoned
 *	to happen.
 * @scan_ms: period of the task walk.
 * @leak_window: task samples the leak trend test looks at.
 * @leak_min_kbps: growth below this is never a leak.
 * @cpu_psi_permille: psi.cpu.some that marks CPU contention.
 * @starve_latency_us: mean run-queue wait that counts as starvation.
 * @io_psi_permille: psi.io.some that marks I/O contention.
 * @io_full_permille: psi.io.full that counts as an I/O stall.
 * @notify_permille: confidence above which a prediction is a uevent.
 * @deadlock_ms: time a task stays uninterruptible without a context
 *	switch before it is a Deadlock prediction.
 * @degrade_shift_permille: rise over its baseline a latency must hold to
 *	be a Degradation.
 * @degrade_sustain: samples after a change point that must confirm it.
 * @io_latency_us: block latency that is a failure (what a Degradation of
 *	block I/O predicts).
 * @livelock_ms: time a runnable thread that used to make progress burns
 *	CPU without any before it is a Livelock prediction.
 * @oom_wmark_scale: vm.watermark_scale_factor while an OutOfMemory is
 *	predicted, at level healing and above.
 */
struct nxp_knobs {
	u32 oom_floor_kb;
	u32 scan_ms;
	u32 leak_window;
	u32 leak_min_kbps;
	u32 cpu_psi_permille;
	u32 starve_latency_us;
	u32 io_psi_permille;
	u32 io_full_permille;
	u32 notify_permille;
	u32 deadlock_ms;
	u32 degrade_shift_permille;
	u32 degrade_sustain;
	u32 io_latency_us;
	u32 livelock_ms;
	u32 oom_wmark_scale;
};

extern struct nxp_knobs nxp_knobs;
extern const struct attribute_group *nxp_groups[];
void nxp_knobs_groups_init(void);

/* ---- forecast.c ---- */
int nxp_forecast_init(void);
void nxp_forecast_exit(void);
void nxp_forecast_tick(u64 now_ns, const struct nexus_prediction_params *p);
void nxp_forecast_dump(struct seq_file *m);
int nxp_forecasts_show(struct seq_file *m, void *unused);
struct nx_forecaster;
const struct nx_forecaster *nxp_forecast_at(unsigned int i, const char **name,
					    int *id, u64 *horizon_ms);

/* ---- records.c: NEXUS_IOC_READ_RECORDS ---- */
int nxp_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total);

/* ---- tasks.c ---- */
#define NXP_TASKS	16

/**
 * struct nxp_task - one task followed for memory growth.
 * @pid: its tgid.
 * @start_ns: its start time, so a reused pid is a new task.
 * @comm: its name.
 * @rss: (ms, RSS in kB) of the last NX_LINREG_WIN walks.
 */
struct nxp_task {
	pid_t pid;
	u64 start_ns;
	char comm[TASK_COMM_LEN];
	struct nx_linreg rss;
};

/**
 * struct nxp_scan - what one walk of the task list found.
 * @when_ns: when it ran.
 * @tasks: tasks walked.
 * @dstate: tasks in uninterruptible sleep.
 * @dpid: one of them (the longest blocked on I/O, when known).
 * @dcomm: its name.
 * @waitpid: the runnable task that spent the largest share of its life
 *	waiting for a CPU.
 * @waitcomm: its name.
 * @wait_permille: that share.
 * @threads: tasks (threads, kernel threads included) walked.
 * @truncated: the walk stopped at its bound; the counts are low.
 */
struct nxp_scan {
	u64 when_ns;
	u32 tasks;
	u32 dstate;
	pid_t dpid;
	char dcomm[TASK_COMM_LEN];
	pid_t waitpid;
	char waitcomm[TASK_COMM_LEN];
	u32 wait_permille;
	u32 threads;
	bool truncated;
};

#define NXP_FDTASKS	8
#define NXP_STKTASKS	4

/**
 * struct nxp_ltask - one process followed for a count against its limit
 *	(open file descriptors against RLIMIT_NOFILE, stack against
 *	RLIMIT_STACK).
 * @pid: its tgid.
 * @start_ns: its start time.
 * @comm: its name.
 * @used: the count at the last walk (descriptors, or stack kB).
 * @limit: its soft limit at the last walk, same unit.
 * @at_limit: it reached the limit (the failure was counted).
 * @hist: (ms, count) of the last walks.
 */
struct nxp_ltask {
	pid_t pid;
	u64 start_ns;
	char comm[TASK_COMM_LEN];
	u64 used, limit;
	bool at_limit;
	struct nx_linreg hist;
};

#define NXP_DTASKS	16

/**
 * struct nxp_dtask - one task seen in uninterruptible sleep.
 * @pid: its pid (a thread's own id).
 * @start_ns: its start time.
 * @switches: nvcsw + nivcsw when last seen.
 * @since_ms: since when they have not moved (module ms).
 * @gen: the walk that last saw it in D state.
 * @failed: it stayed stuck past the hung-task timeout (failure counted).
 * @comm: its name.
 */
struct nxp_dtask {
	pid_t pid;
	u64 start_ns;
	u64 switches;
	u64 since_ms;
	u32 gen;
	bool failed;
	char comm[TASK_COMM_LEN];
};

extern struct nxp_task *nxp_tasks;
extern struct nxp_ltask *nxp_fdtasks;
extern struct nxp_ltask *nxp_stktasks;
extern struct nxp_dtask *nxp_dtasks;
extern struct nxp_scan nxp_scan;
int nxp_tasks_init(void);
void nxp_tasks_exit(void);
void nxp_tasks_scan(u64 now_ms);
s64 nxp_task_slope_kbps(const struct nxp_task *t);
int nxp_trend_permille(const struct nx_linreg *r, u32 window);

/* ---- crash.c ---- */
struct nxp_pred;
/* time to failure of a prediction with no failure in sight */
#define NXP_TTF_NONE	U64_MAX
struct nxp_pred *nxp_report(u16 kind, s32 key, u32 conf, u64 ttf_ms,
			    int metric, s64 value, const char *comp,
			    const char *detail, u64 now,
			    const struct nexus_prediction_params *cfg);
void nxp_failure(u16 kind, s32 key, bool count_miss, u64 now);
bool nxp_active(u16 kind, s32 key);
void nxp_decide(struct nxp_pred *p, const struct nexus_prediction_params *cfg);
s64 nxp_ttf(const struct nx_linreg *r, s64 threshold, u64 now_ms, u32 *r2);
s64 nxp_rising_ttf(const struct nx_linreg *r, s64 threshold, u64 now_ms,
		   u32 *r2);
int nxp_crash_init(void);
void nxp_crash_exit(void);
void nxp_crash_tick(u64 now_ns, const struct nexus_prediction_params *p);
void nxp_crash_event(const struct nexus_event *ev);
void nxp_crash_dump(struct seq_file *m);
void nxp_preds_dump(struct seq_file *m);
int nxp_predictions_show(struct seq_file *m, void *unused);
int nxp_crash_apply(struct nexus_decision *d);
bool nxp_kind_implemented(unsigned int kind);

/* ---- score.c: the scoreboard ---- */
void nxp_score_reset(void);
void nxp_score_raised(u16 kind);
void nxp_score_confirmed(u16 kind, u64 lead_ms);
void nxp_score_false(u16 kind);
void nxp_score_missed(u16 kind);
void nxp_score_dump(struct seq_file *m);
void nxp_score_groups_init(const struct attribute_group **out);

/* ---- exhaust.c: ResourceExhaustion, StackOverflow and Deadlock ---- */
/* keys of the system-wide ResourceExhaustion predictions: above any pid */
#define NXP_KEY_FILES	0x40000001
#define NXP_KEY_TASKS	0x40000002
#define NXP_KEY_EDAC	0x40000003
/* ORed with 24 bits of a cgroup's id: its ResourceExhaustion */
#define NXP_KEY_CGROUP	0x48000000
int nxp_read_text(const char *path, char *buf, size_t size);
int nxp_sysctl(const char *path, u64 *v, unsigned int n);
void nxp_exhaust_judge(u16 kind, s32 key, const struct nx_linreg *r, u64 used,
		       u64 limit, bool *at_limit, const char *comp,
		       const char *what, u64 now,
		       const struct nexus_prediction_params *cfg);
void nxp_exhaust_init(void);
void nxp_exhaust_tick(u64 now_ns, const struct nexus_prediction_params *cfg);
void nxp_exhaust_dump(struct seq_file *m);

/* ---- crashloop.c: Crash, and the exits that score StackOverflow ---- */
int nxp_crashloop_init(void);
void nxp_crashloop_exit(void);
void nxp_crashloop_tick(u64 now_ns, const struct nexus_prediction_params *cfg);
void nxp_crashloop_dump(struct seq_file *m);

/* ---- degrade.c: Degradation ---- */
int nxp_degrade_init(void);
void nxp_degrade_exit(void);
void nxp_degrade_tick(u64 now, const struct nexus_prediction_params *cfg);
void nxp_degrade_dump(struct seq_file *m);
bool nxp_disk_metric(const char *name, const char *suffix, char *disk,
		     size_t size);

/* ---- corrupt.c: Corruption ---- */
int nxp_corrupt_init(void);
void nxp_corrupt_exit(void);
void nxp_corrupt_tick(u64 now, bool walked,
		      const struct nexus_prediction_params *cfg);
void nxp_corrupt_dump(struct seq_file *m);

/* ---- livelock.c: Livelock ---- */
int nxp_livelock_init(void);
void nxp_livelock_exit(void);
void nxp_livelock_walk(void);
void nxp_livelock_see(struct task_struct *t, u64 now_ms);
void nxp_livelock_tick(u64 now, u64 hung_ms,
		       const struct nexus_prediction_params *cfg);
void nxp_livelock_dump(struct seq_file *m);

/* ---- reclaim.c: proactive reclaim for an imminent OOM ---- */
void nxp_reclaim_ask(const struct nexus_finding *f);
void nxp_reclaim_undo(const char *why);
void nxp_reclaim_resolved(const struct nexus_finding *f);
void nxp_reclaim_tick(bool enabled);
void nxp_reclaim_dump(struct seq_file *m);

/* ---- cgroups.c: ResourceExhaustion of a cgroup's pids.max ---- */
#define NXP_CGS		8
int nxp_cgroups_init(void);
void nxp_cgroups_exit(void);
void nxp_cg_walk_begin(void);
void nxp_cg_see(struct task_struct *t);
void nxp_cg_walk_end(void);
void nxp_cg_update(u64 now);
void nxp_cg_judge(u64 now, const struct nexus_prediction_params *cfg);
void nxp_cg_dump(struct seq_file *m);

/* ---- main.c ---- */
u64 nxp_ms(u64 ns);

/* @v clamped to [0, U32_MAX], for text of bounded length */
static inline u32 nxp_u32(s64 v)
{
	return (u32)clamp_t(s64, v, 0, U32_MAX);
}

#endif /* _NEXUS_PREDICT_H */
