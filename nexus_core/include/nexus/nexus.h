/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NEXUS in-kernel API: what a pluggable module (nexus_predict, nexus_heal,
 * ...) sees of nexus_core.  See Documentation/module-authors.rst.
 *
 * A module registers one const struct nexus_module_ops.  The core calls its
 * callbacks with one lock held (the registry's), never concurrently with
 * each other or with nexus_unregister_module(); after that returns, none
 * runs again.  @tick and @on_event run in the engine thread; @dump and
 * @read_records in the process that reads debugfs or /dev/nexus.
 * Modules read metrics, publish findings and ask for decisions; they never
 * call each other.
 */
#ifndef _NEXUS_NEXUS_H
#define _NEXUS_NEXUS_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/nexus.h>

struct module;
struct seq_file;
struct attribute_group;
struct kobject;

/* Bump on any incompatible change of struct nexus_module_ops. */
#define NEXUS_MODULE_ABI	2

/**
 * struct nexus_module_ops - what a pluggable module provides.
 * @name: short name ([a-z0-9_], < NEXUS_SHORT_LEN): sysfs/debugfs entry name.
 * @abi_version: NEXUS_MODULE_ABI it was built against.
 * @owner: THIS_MODULE.
 * @event_mask: NEXUS_EV_MASK() of the bus events @on_event wants.
 * @min_level: lowest level at which @tick and @on_event run.
 * @priority: 0..9; under CPU budget pressure lower priorities are shed first.
 * @init: called at registration (process context); may fail.
 * @exit: called at unregistration.
 * @tick: once per engine tick, at or above @min_level; @now_ns monotonic.
 * @on_event: for each drained bus event in @event_mask.
 * @apply: execute a decision this module asked for and the level gate
 *	allowed; return 0 or -errno.  Must record old/new values in @d.
 * @dump: human-readable state for /sys/kernel/debug/nexus/<name>.
 * @groups: extra attributes for /sys/kernel/nexus/modules/<name>/.
 * @record_kinds: NEXUS_REC_MASK() of the enum nexus_record_kind this module
 *	provides through @read_records.  A kind has one provider at a time:
 *	registration fails with -EBUSY if another module provides it.
 * @read_records: NEXUS_IOC_READ_RECORDS of one of @record_kinds: fill @buf
 *	(zeroed, room for @max records of the kind's struct, e.g.
 *	struct nexus_forecast_rec) with the records from index @offset on,
 *	and set *@total to the number held now.  Return the number written
 *	(0 when @offset >= *@total or @max is 0) or -errno.  Runs in the
 *	ioctl caller's process, may sleep, must not touch user memory and
 *	should take no longer than a @dump.
 *
 * Every callback is optional; @read_records is required with @record_kinds.
 */
struct nexus_module_ops {
	const char *name;
	u32 abi_version;
	struct module *owner;
	u32 event_mask;
	enum nexus_level min_level;
	unsigned int priority;
	int (*init)(void);
	void (*exit)(void);
	void (*tick)(u64 now_ns);
	void (*on_event)(const struct nexus_event *ev);
	int (*apply)(struct nexus_decision *d);
	void (*dump)(struct seq_file *m);
	const struct attribute_group **groups;
	u32 record_kinds;
	int (*read_records)(u32 kind, u64 offset, void *buf, unsigned int max,
			    u64 *total);
};

int nexus_register_module(const struct nexus_module_ops *ops);
void nexus_unregister_module(const struct nexus_module_ops *ops);
struct kobject *nexus_module_kobject(const struct nexus_module_ops *ops);

/* Level and state. */
enum nexus_level nexus_current_level(void);
enum nexus_state nexus_current_state(void);
const char *nexus_level_name(enum nexus_level level);
const char *nexus_state_name(enum nexus_state state);
const char *nexus_decision_name(enum nexus_decision_kind kind);
const char *nexus_prediction_name(enum nexus_prediction_kind kind);
const char *nexus_action_name(enum nexus_action action);

/**
 * struct nexus_prediction_params - PredictionConfig as modules see it.
 * @enabled: predictions on at all.
 * @horizon_ms: how far ahead to forecast and predict.
 * @min_confidence: per-mille; predictions below it are not reported.
 * @detect_degradation: look for sustained latency shifts.
 * @detect_memory_leaks: look for steadily growing tasks and slab.
 * @predict_deadlocks: look for tasks stuck without progress.
 */
struct nexus_prediction_params {
	bool enabled;
	u64 horizon_ms;
	u32 min_confidence;
	bool detect_degradation;
	bool detect_memory_leaks;
	bool predict_deadlocks;
};

void nexus_prediction_config(struct nexus_prediction_params *out);

/**
 * struct nexus_healing_params - HealingConfig as modules see it.
 * @enabled: healing on at all.
 * @enable_micro_rollback: the MicroRollback rung may be used.
 * @enable_reconstruction: the Reconstruct rung may be used.
 * @enable_substitution: the Substitute rung may be used.
 * @enable_quarantine: the Quarantine rung may be used.
 * @max_rollback_depth: checkpoints kept per component (0: none).
 * @checkpoint_interval_ms: period of checkpoints.
 * @max_healing_attempts: steps a recovery plan may execute.
 * @healing_timeout_ms: time one step may take before it counts as failed.
 */
struct nexus_healing_params {
	bool enabled;
	bool enable_micro_rollback;
	bool enable_reconstruction;
	bool enable_substitution;
	bool enable_quarantine;
	u32 max_rollback_depth;
	u64 checkpoint_interval_ms;
	u32 max_healing_attempts;
	u64 healing_timeout_ms;
};

void nexus_healing_config(struct nexus_healing_params *out);

/**
 * struct nexus_chaos_params - ChaosConfig as modules see it.
 * @enabled: fault injection allowed at all.
 * @rate_permille: injections per thousand chances.
 * @targets: NEXUS_CHAOS_* bits.
 * @seed: seed of the injection sequence.
 */
struct nexus_chaos_params {
	bool enabled;
	u32 rate_permille;
	u32 targets;
	u64 seed;
};

void nexus_chaos_config(struct nexus_chaos_params *out);

/* The Healing state while a recovery plan runs. */
int nexus_state_healing(bool on, const char *reason);

/* Metric store. */
#define NEXUS_METRIC_USER	BIT(0)	/* ingested from userspace */

int nexus_metric_register(const char *name, const char *unit, u32 flags);
void nexus_metric_unregister(int id);
int nexus_metric_find(const char *name);
int nexus_metric_push(int id, u64 ts_ns, s64 value);
int nexus_metric_last(int id, struct nexus_sample *out);
int nexus_metric_read(int id, struct nexus_sample *buf, unsigned int max,
		      u64 since_ns);
int nexus_metric_name(int id, char *buf, size_t size);
int nexus_metric_next(int id);
bool nexus_metric_name_valid(const char *name);

/* Findings and decisions. */
u64 nexus_finding_publish(const struct nexus_module_ops *src,
			  struct nexus_finding *f);
int nexus_finding_get(u64 id, struct nexus_finding *out);
int nexus_decide(const struct nexus_module_ops *src, struct nexus_decision *d);

/* Shed modules below a priority on request (0: stop shedding). */
void nexus_engine_shed(unsigned int below);

/* Work accounting against max_decision_cycles; false once exhausted. */
bool nexus_work_charge(unsigned int units);

/*
 * Run @fn(@arg) in a worker and wait for it: how a sysfs handler does file
 * I/O or takes a lock held around file I/O (nexus_core/call.c).
 */
int nexus_call_sync(int (*fn)(void *arg), void *arg);

/* Allocations charged to memory_budget. */
void *nexus_kzalloc(size_t size, gfp_t gfp);
void *nexus_kvzalloc(size_t size, gfp_t gfp);
void nexus_kfree(const void *p);

/*
 * Extra debugfs files /sys/kernel/debug/nexus/<name>, besides the module's
 * dump; removed by nexus_unregister_module().
 */
int nexus_debugfs_create(const struct nexus_module_ops *ops, const char *name,
			 int (*show)(struct seq_file *m, void *unused));

/*
 * A record of one of the module's record kinds was added or changed: a
 * NEXUS_EV_RECORD on the /dev/nexus stream.  Any context.
 */
void nexus_record_changed(const struct nexus_module_ops *ops, u32 kind,
			  u64 key);

/* Bus: safe from any context, O(1), never blocks. */
bool nexus_bus_push(u16 type, u32 pid, u64 arg0, u64 arg1);

#endif /* _NEXUS_NEXUS_H */
