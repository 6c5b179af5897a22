/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_core internals shared between the core's own files.  Modules use
 * include/nexus/nexus.h only.
 */
#ifndef _NEXUS_INTERNAL_H
#define _NEXUS_INTERNAL_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/seq_file.h>
#include <nexus/nexus.h>

#define NEXUS_RELEASE	"0.1.0"

/* ---- config.c: NexusConfig ---- */

struct nexus_prediction_config {
	bool enabled;
	u64 horizon_ms;
	u32 min_confidence;		/* per-mille */
	bool detect_degradation;
	bool detect_memory_leaks;
	bool predict_deadlocks;
};

struct nexus_healing_config {
	bool enabled;
	bool enable_micro_rollback;
	bool enable_reconstruction;
	bool enable_substitution;
	u32 max_rollback_depth;
	u64 checkpoint_interval_ms;
	u32 max_healing_attempts;
	u64 healing_timeout_ms;
	bool enable_quarantine;
};

struct nexus_tracing_config {
	bool sched;
	bool memory;
	bool block;
	bool perf;
	u32 sample_period_ms;
};

struct nexus_chaos_config {
	bool enabled;
	u32 rate_permille;
	u32 targets;			/* NEXUS_CHAOS_* */
	u64 seed;
};

struct nexus_performance_config {
	bool enable_simd;
	bool enable_lockfree;
	bool enable_branch_hints;
	bool enable_prefetch;
	u32 cache_line_size;
	u32 max_cores;			/* 0: all online CPUs */
	bool numa_aware;
};

struct nexus_config {
	enum nexus_level level;
	u64 memory_budget;		/* bytes */
	u32 cpu_budget_percent;
	u64 max_decision_cycles;	/* work units per second */
	u32 event_queue_size;		/* events per CPU ring */
	u32 tick_ms;
	struct nexus_prediction_config prediction;
	struct nexus_healing_config healing;
	struct nexus_tracing_config tracing;
	struct nexus_chaos_config chaos;
	struct nexus_performance_config performance;
};

enum nexus_preset {
	NEXUS_PRESET_DEFAULT,
	NEXUS_PRESET_MINIMAL,
	NEXUS_PRESET_FULL,
	NEXUS_PRESET_CUSTOM,
	NEXUS_PRESET_COUNT,
};

/* The config in force.  Read it under nexus_config_lock or via a copy. */
extern struct nexus_config nexus_cfg;
extern struct mutex nexus_config_lock;

void nexus_config_preset(enum nexus_preset p, struct nexus_config *c);
const char *nexus_preset_name(enum nexus_preset p);
int nexus_preset_parse(const char *s, enum nexus_preset *p);
enum nexus_preset nexus_current_preset(void);
int nexus_config_validate(const struct nexus_config *c, const char **why);
int nexus_config_apply(const struct nexus_config *c);
int nexus_config_apply_preset(enum nexus_preset p);
void nexus_config_get(struct nexus_config *c);
int nexus_config_init(const char *preset, unsigned int cpu_budget);
int nexus_config_to_args(const struct nexus_config *c,
			 struct nexus_config_args *a);
int nexus_config_from_args(const struct nexus_config_args *a,
			   struct nexus_config *c);

/* ---- state.c ---- */
int nexus_state_set(enum nexus_state to, const char *reason);
void nexus_state_reason(char *buf, size_t size);
u64 nexus_state_transitions(void);
u64 nexus_state_count(enum nexus_state s);
void nexus_degrade(u32 cause, const char *reason);
void nexus_undegrade(u32 cause);
int nexus_level_parse(const char *s, enum nexus_level *level);

/* Causes of the Degraded state; it clears when none remains. */
#define NEXUS_DEGRADED_COLLECTOR	BIT(0)
#define NEXUS_DEGRADED_CPU_BUDGET	BIT(1)
#define NEXUS_DEGRADED_MEM_BUDGET	BIT(2)
#define NEXUS_DEGRADED_EVENTS		BIT(3)

/* ---- budget.c ---- */
u64 nexus_mem_used(void);
u64 nexus_mem_refused(void);
bool nexus_mem_charge(size_t bytes);
void nexus_mem_uncharge(size_t bytes);

/* ---- bus.c ---- */
int nexus_bus_init(void);
void nexus_bus_exit(void);
int nexus_bus_resize(u32 capacity, bool lockfree, bool numa, u32 align);
void nexus_bus_set_hints(bool branch_hints, bool prefetch);
unsigned int nexus_bus_drain(struct nexus_event *out, unsigned int max);
u64 nexus_bus_pushed(void);
u64 nexus_bus_dropped(void);
u64 nexus_bus_drained(void);

/* ---- store.c ---- */
int nexus_store_init(void);
void nexus_store_exit(void);
unsigned int nexus_store_capacity(void);
int nexus_metric_unit(int id, char *buf, size_t size);
void nexus_store_dump(struct seq_file *m);
int nexus_store_records(u64 offset, struct nexus_metric_rec *out,
			unsigned int max, u64 *total);

/* ---- stream.c: the read()/poll() event stream and uevents ---- */
extern wait_queue_head_t nexus_stream_wq;
void nexus_stream_emit(u16 type, u32 pid, u64 arg0, u64 arg1);
u64 nexus_stream_head(void);
int nexus_stream_read(u64 *cursor, struct nexus_event *ev);

/* ---- findings.c / decisions.c ---- */
int nexus_findings_read(u64 cursor, struct nexus_finding *out, unsigned int max);
int nexus_decisions_read(u64 cursor, struct nexus_decision *out, unsigned int max);
u64 nexus_findings_total(void);
u64 nexus_decisions_total(void);
void nexus_findings_dump(struct seq_file *m);
void nexus_decisions_dump(struct seq_file *m);

/* ---- engine.c ---- */
int nexus_engine_start(void);
void nexus_engine_stop(void);
void nexus_engine_kick(void);
u32 nexus_engine_cpu_ppm(void);
u64 nexus_engine_ticks(void);
u64 nexus_engine_work_last_sec(void);
u64 nexus_engine_work_shed(void);
void nexus_engine_dump_budget(struct seq_file *m);
int nexus_engine_set_max_cores(u32 max_cores);
void nexus_engine_note_shed(u64 n);

/* ---- registry.c ---- */
/*
 * A registered module's switch and counters.  The engine updates them under
 * nexus_registry_lock; its sysfs directory reads them without it (a sysfs
 * show runs with kernfs' mutex held, and the modules' ticks read kernfs and
 * procfs files under the registry lock), which is safe because the entry
 * outlives the directory.
 */
struct nexus_module_stats {
	bool enabled;
	u64 ticks;
	u64 events;
	u64 shed;
};

extern struct mutex nexus_registry_lock;
void nexus_registry_tick(u64 now_ns, enum nexus_level level, bool shed_low,
			 unsigned int shed_below);
void nexus_registry_event(const struct nexus_event *ev, enum nexus_level level);
unsigned int nexus_registry_count(void);
void nexus_registry_dump(struct seq_file *m);
int nexus_registry_records(u32 kind, u64 offset, void *buf, unsigned int max,
			   u64 *total);

/* ---- collect/: collectors ---- */

/**
 * struct nexus_collector - one source of metrics.
 * @name: sysfs/debugfs name.
 * @trace_flag: the NEXUS_TRACE_* bit of tracing config that switches it.
 * @start: attach probes, register metrics; 0 or -errno.
 * @stop: detach probes and wait until none runs.
 * @sample: engine tick: fold per-CPU aggregates into metric samples.
 * @dump: debugfs detail.
 * @attached: probes attached and running.
 * @attach_err: last attach error, 0 if none.
 * @detail: what is attached, e.g. "hardware" or "software fallback".
 * @rate: events per second over the last sample period.
 * @total: events seen since attach.
 */
struct nexus_collector {
	const char *name;
	u32 trace_flag;
	int (*start)(struct nexus_collector *c);
	void (*stop)(struct nexus_collector *c);
	void (*sample)(struct nexus_collector *c, u64 now_ns);
	void (*dump)(struct nexus_collector *c, struct seq_file *m);
	/* private: owned by collect/collector.c */
	bool attached;
	int attach_err;
	char detail[48];
	u64 rate;
	u64 total;
	u64 last_total;
	u64 last_ns;
	u64 __percpu *hits;
};

int nexus_collectors_init(void);
void nexus_collectors_exit(void);
void nexus_collectors_update(enum nexus_level level, u32 trace_flags);
void nexus_collectors_sample(u64 now_ns);
unsigned int nexus_collectors_count(void);
struct nexus_collector *nexus_collector_get(unsigned int i);

/* ---- sysfs.c, debugfs.c, chardev.c ---- */
int nexus_sysfs_init(void);
void nexus_sysfs_uevent_finding(const struct nexus_finding *f);
enum nexus_level nexus_decision_min_level(enum nexus_decision_kind kind);
void nexus_sysfs_exit(void);
int nexus_sysfs_add_module(const struct nexus_module_ops *ops,
			   struct nexus_module_stats *st, void **handle);
void nexus_sysfs_del_module(void *handle);
struct kobject *nexus_sysfs_module_kobj(void *handle);
int nexus_debugfs_init(void);
void nexus_debugfs_exit(void);
void *nexus_debugfs_add_module(const struct nexus_module_ops *ops);
void nexus_debugfs_del_module(void *handle);
void nexus_debugfs_remove_files(const struct nexus_module_ops *ops);
int nexus_chardev_init(void);
struct kobject *nexus_chardev_kobj(void);
void nexus_chardev_exit(void);

#endif /* _NEXUS_INTERNAL_H */
