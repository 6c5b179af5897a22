/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * NEXUS userspace ABI: the enums of the NEXUS profile and the /dev/nexus
 * ioctl interface.  Compiles in userspace on its own (only <linux/types.h>
 * and <linux/ioctl.h>).
 *
 * Every ioctl argument starts with a __u32 size: the caller sets it to the
 * size of the struct it was built with.  Older (smaller) structs are
 * accepted; a larger struct is accepted only if the bytes the kernel does not
 * know are zero (-E2BIG otherwise), as for openat2() and clone3().  Reserved
 * fields and flags must be zero (-EINVAL).  Unknown commands give -ENOTTY.
 * Pointers are passed as __u64.  Changing anything needs CAP_SYS_ADMIN.
 */
#ifndef _UAPI_LINUX_NEXUS_H
#define _UAPI_LINUX_NEXUS_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <linux/const.h>

#define NEXUS_ABI_MAJOR		1
#define NEXUS_ABI_MINOR		1

/* NexusLevel: how far NEXUS may go. */
enum nexus_level {
	NEXUS_LEVEL_DISABLED	= 0,	/* nothing runs, probes detached */
	NEXUS_LEVEL_MONITORING	= 1,	/* collectors and metric store */
	NEXUS_LEVEL_DETECTION	= 2,	/* + anomaly detection */
	NEXUS_LEVEL_PREDICTION	= 3,	/* + forecasts and crash predictions */
	NEXUS_LEVEL_CORRECTION	= 4,	/* + suggested decisions, not applied */
	NEXUS_LEVEL_HEALING	= 5,	/* + recovery plans executed */
	NEXUS_LEVEL_AUTONOMOUS	= 6,	/* + tuning, evolution, intent */
	NEXUS_LEVEL_MAX		= NEXUS_LEVEL_AUTONOMOUS,
};

/* NexusState: the core's lifecycle. */
enum nexus_state {
	NEXUS_STATE_UNINITIALIZED = 0,
	NEXUS_STATE_INITIALIZING,
	NEXUS_STATE_RUNNING,
	NEXUS_STATE_PAUSED,
	NEXUS_STATE_DEGRADED,
	NEXUS_STATE_HEALING,
	NEXUS_STATE_SHUTTING_DOWN,
	NEXUS_STATE_STOPPED,
	NEXUS_STATE_COUNT,
};

/* DecisionKind: what the decision engine may do. */
enum nexus_decision_kind {
	NEXUS_DECISION_NO_ACTION = 0,
	NEXUS_DECISION_LOG,
	NEXUS_DECISION_WARN,
	NEXUS_DECISION_SOFT_RECOVER,
	NEXUS_DECISION_HARD_RECOVER,
	NEXUS_DECISION_ISOLATE,
	NEXUS_DECISION_SUBSTITUTE,
	NEXUS_DECISION_ROLLBACK,
	NEXUS_DECISION_SURVIVAL_MODE,
	NEXUS_DECISION_PREDICTIVE,
	NEXUS_DECISION_OPTIMIZE,
	NEXUS_DECISION_COUNT,
};

/* What the engine did with a decision. */
enum nexus_decision_outcome {
	NEXUS_OUTCOME_PENDING = 0,
	NEXUS_OUTCOME_APPLIED,		/* executed by its module */
	NEXUS_OUTCOME_SUGGESTED,	/* level allows suggesting, not applying */
	NEXUS_OUTCOME_REFUSED_LEVEL,	/* level too low even to suggest */
	NEXUS_OUTCOME_REFUSED_BUDGET,	/* max_decision_cycles exhausted */
	NEXUS_OUTCOME_FAILED,		/* the module's apply() failed */
	NEXUS_OUTCOME_COUNT,
};

/* PredictionKind. */
enum nexus_prediction_kind {
	NEXUS_PRED_CRASH = 0,
	NEXUS_PRED_DEADLOCK,
	NEXUS_PRED_OUT_OF_MEMORY,
	NEXUS_PRED_MEMORY_LEAK,
	NEXUS_PRED_CPU_STARVATION,
	NEXUS_PRED_IO_STALL,
	NEXUS_PRED_STACK_OVERFLOW,
	NEXUS_PRED_LIVELOCK,
	NEXUS_PRED_RESOURCE_EXHAUSTION,
	NEXUS_PRED_DEGRADATION,
	NEXUS_PRED_CORRUPTION,
	NEXUS_PRED_COUNT,
};

/* RecommendedAction. */
enum nexus_action {
	NEXUS_ACTION_MONITOR = 0,
	NEXUS_ACTION_ALERT,
	NEXUS_ACTION_PREPARE,
	NEXUS_ACTION_SOFT_RECOVER,
	NEXUS_ACTION_HARD_RECOVER,
	NEXUS_ACTION_ROLLBACK,
	NEXUS_ACTION_QUARANTINE,
	NEXUS_ACTION_SURVIVAL_MODE,
	NEXUS_ACTION_COUNT,
};

/* HealingStrategy, in escalation order after MONITOR. */
enum nexus_healing_strategy {
	NEXUS_HEAL_MONITOR = 0,
	NEXUS_HEAL_SOFT_RESET,
	NEXUS_HEAL_HARD_RESET,
	NEXUS_HEAL_MICRO_ROLLBACK,
	NEXUS_HEAL_FULL_ROLLBACK,
	NEXUS_HEAL_RECONSTRUCT,
	NEXUS_HEAL_SUBSTITUTE,
	NEXUS_HEAL_QUARANTINE,
	NEXUS_HEAL_SURVIVAL_MODE,
	NEXUS_HEAL_COUNT,
};

/* Classes of findings the analyzers publish. */
enum nexus_finding_class {
	NEXUS_FINDING_PREDICTION = 0,
	NEXUS_FINDING_ANOMALY,
	NEXUS_FINDING_INSIGHT,
	NEXUS_FINDING_CLASS_COUNT,
};

#define NEXUS_NAME_LEN		48	/* metric names, NUL-terminated */
#define NEXUS_SHORT_LEN		16	/* module names */
#define NEXUS_COMPONENT_LEN	32
#define NEXUS_REASON_LEN	96

/* Finding flags. */
#define NEXUS_FINDING_ACTIVE	_BITUL(0)	/* condition still holds */
#define NEXUS_FINDING_RESOLVED	_BITUL(1)	/* condition cleared */
#define NEXUS_FINDING_NOTIFY	_BITUL(2)	/* announced as a uevent */

/**
 * struct nexus_finding - a prediction, anomaly or insight.
 * @id: stable id; updates of one condition keep it.
 * @ts_ns: when first raised (CLOCK_MONOTONIC ns).
 * @updated_ns: last update.
 * @class: enum nexus_finding_class.
 * @kind: enum nexus_prediction_kind for predictions, else module-defined.
 * @confidence: 0..1000 (per-mille).
 * @action: enum nexus_action recommended.
 * @flags: NEXUS_FINDING_*.
 * @metric: metric id it concerns, or -1.
 * @time_to_failure_ms: predictions: expected time left; 0 if unknown.
 * @value: the observed value behind it, in the metric's unit.
 * @component: pid/comm, cgroup, slab cache, device or subsystem.
 * @source: the module that published it.
 * @detail: one line of why.
 */
struct nexus_finding {
	__u64 id;
	__u64 ts_ns;
	__u64 updated_ns;
	__u16 class;
	__u16 kind;
	__u16 confidence;
	__u16 action;
	__u32 flags;
	__s32 metric;
	__u64 time_to_failure_ms;
	__s64 value;
	char component[NEXUS_COMPONENT_LEN];
	char source[NEXUS_SHORT_LEN];
	char detail[NEXUS_REASON_LEN];
};

/**
 * struct nexus_decision - one entry of the decision audit log.
 * @id: sequence number.
 * @ts_ns: when decided.
 * @kind: enum nexus_decision_kind.
 * @outcome: enum nexus_decision_outcome.
 * @level: the level in force when it was decided.
 * @result: apply()'s return for applied/failed decisions (0 or -errno).
 * @confidence: 0..1000.
 * @finding_id: the finding that motivated it, or 0.
 * @arg: module-defined argument (e.g. a healing strategy).
 * @old_value: the value before (actuators that change a knob).
 * @new_value: the value after.
 * @source: the module that asked.
 * @target: what it acts on.
 * @reason: why.
 */
struct nexus_decision {
	__u64 id;
	__u64 ts_ns;
	__u16 kind;
	__u16 outcome;
	__u16 level;
	__u16 confidence;
	__s32 result;
	__u32 __reserved;
	__u64 finding_id;
	__u64 arg;
	__s64 old_value;
	__s64 new_value;
	char source[NEXUS_SHORT_LEN];
	char target[NEXUS_COMPONENT_LEN];
	char reason[NEXUS_REASON_LEN];
};

/* Event types on the bus and in the read() stream of /dev/nexus. */
enum nexus_event_type {
	NEXUS_EV_NONE = 0,
	NEXUS_EV_FORK,		/* arg0 = parent pid */
	NEXUS_EV_EXIT,		/* arg0 = exit code | tgid << 32, arg1 = cgroup v2 id */
	NEXUS_EV_OOM_KILL,	/* pid = victim */
	NEXUS_EV_RECLAIM_STALL,	/* arg0 = stall ns, arg1 = pages reclaimed */
	NEXUS_EV_BLK_SLOW_IO,	/* arg0 = latency ns, arg1 = dev_t */
	NEXUS_EV_STATE,		/* arg0 = old state, arg1 = new state */
	NEXUS_EV_LEVEL,		/* arg0 = old level, arg1 = new level */
	NEXUS_EV_DECISION,	/* arg0 = decision id, arg1 = outcome */
	NEXUS_EV_FINDING,	/* arg0 = finding id, arg1 = flags */
	NEXUS_EV_COLLECTOR,	/* arg0 = collector index, arg1 = attach error */
	NEXUS_EV_CONFIG,	/* arg0 = config generation */
	NEXUS_EV_MODULE,	/* arg0 = 1 registered / 0 unregistered */
	NEXUS_EV_SAMPLE,	/* arg0 = metric id, arg1 = value */
	NEXUS_EV_RECORD,	/* arg0 = enum nexus_record_kind, arg1 = key */
	NEXUS_EV_TYPE_COUNT,
};

#define NEXUS_EV_MASK(t)	(1U << (t))

/**
 * struct nexus_event - one fixed-size event (32 bytes).
 * @ts_ns: CLOCK_MONOTONIC ns.
 * @type: enum nexus_event_type.
 * @cpu: CPU it was raised on.
 * @pid: task concerned, or 0.
 * @arg0: type-specific.
 * @arg1: type-specific.
 */
struct nexus_event {
	__u64 ts_ns;
	__u16 type;
	__u16 cpu;
	__u32 pid;
	__u64 arg0;
	__u64 arg1;
};

/* ---- ioctls ---- */

/*
 * The kernel decodes a command by its type, number and direction only: the
 * size bits of the command are ignored, and the @size field that leads every
 * argument says which version of the struct the caller was built with.  So
 * a binary built against an older header, whose command numbers carry older
 * sizes, keeps working when a struct grows.
 *
 * NEXUS_*_SIZE_VER0 are the sizes of the first published versions: a @size
 * below it gives -EINVAL; a @size above PAGE_SIZE gives -E2BIG.  On return
 * the kernel sets @size to min(caller's size, kernel's size) and writes that
 * many bytes; a caller built with a newer header learns from it which fields
 * the running kernel filled.
 */
#define NEXUS_IOC_MAGIC		0xB7

/**
 * struct nexus_version - NEXUS_IOC_VERSION
 * @size: in: sizeof(struct nexus_version); out: bytes written.
 * @abi_major: out: NEXUS_ABI_MAJOR of the running core.
 * @abi_minor: out: NEXUS_ABI_MINOR of the running core.
 * @module_abi: out: the in-kernel module ops ABI version.
 * @release: out: the core's version string, NUL-terminated.
 */
struct nexus_version {
	__u32 size;
	__u32 abi_major;
	__u32 abi_minor;
	__u32 module_abi;
	char release[32];
};

#define NEXUS_VERSION_SIZE_VER0		48

/* Performance flags of struct nexus_config_args.perf_flags. */
#define NEXUS_PERF_SIMD		0x01U
#define NEXUS_PERF_LOCKFREE	0x02U
#define NEXUS_PERF_BRANCH_HINTS	0x04U
#define NEXUS_PERF_PREFETCH	0x08U
#define NEXUS_PERF_NUMA_AWARE	0x10U

/* Prediction flags. */
#define NEXUS_PRED_F_ENABLED		0x01U
#define NEXUS_PRED_F_DEGRADATION	0x02U
#define NEXUS_PRED_F_MEMORY_LEAKS	0x04U
#define NEXUS_PRED_F_DEADLOCKS		0x08U

/* Healing flags. */
#define NEXUS_HEAL_F_ENABLED		0x01U
#define NEXUS_HEAL_F_MICRO_ROLLBACK	0x02U
#define NEXUS_HEAL_F_RECONSTRUCTION	0x04U
#define NEXUS_HEAL_F_SUBSTITUTION	0x08U
#define NEXUS_HEAL_F_QUARANTINE		0x10U

/* Tracing flags: which collectors run. */
#define NEXUS_TRACE_SCHED	0x01U
#define NEXUS_TRACE_MEMORY	0x02U
#define NEXUS_TRACE_BLOCK	0x04U
#define NEXUS_TRACE_PERF	0x08U

/* Chaos targets: where faults are injected. */
#define NEXUS_CHAOS_BUS_DROP	0x01U	/* drop bus events */
#define NEXUS_CHAOS_ALLOC_FAIL	0x02U	/* fail NEXUS allocations */
#define NEXUS_CHAOS_TICK_SKIP	0x04U	/* skip module ticks */
#define NEXUS_CHAOS_COMPONENT	0x08U	/* report faults to heal */

/**
 * struct nexus_config_args - NEXUS_IOC_GET_CONFIG / NEXUS_IOC_SET_CONFIG
 *
 * The whole NexusConfig.  GET: only @size and @flags are read.  SET
 * validates the whole struct first: an invalid value changes nothing and
 * fails with -EINVAL (bad value, unknown flag bit, non-zero reserved field),
 * -ERANGE (number out of range) or -EOPNOTSUPP (a performance flag this build
 * cannot honour).  Fields a smaller (older) struct lacks keep their current
 * values.  SET needs CAP_SYS_ADMIN (-EPERM).
 */
struct nexus_config_args {
	__u32 size;
	__u32 flags;			/* must be 0 */
	__u32 level;			/* enum nexus_level */
	__u32 cpu_budget_percent;	/* 1..100 */
	__u64 memory_budget;		/* bytes */
	__u64 max_decision_cycles;	/* work units per second */
	__u32 event_queue_size;		/* events per CPU ring */
	__u32 tick_ms;			/* engine period */
	/* PredictionConfig */
	__u32 pred_flags;		/* NEXUS_PRED_F_* */
	__u32 min_confidence;		/* per-mille */
	__u64 horizon_ms;
	/* HealingConfig */
	__u32 heal_flags;		/* NEXUS_HEAL_F_* */
	__u32 max_rollback_depth;
	__u64 checkpoint_interval_ms;
	__u32 max_healing_attempts;
	__u32 __reserved1;		/* must be 0 */
	__u64 healing_timeout_ms;
	/* TracingConfig */
	__u32 trace_flags;		/* NEXUS_TRACE_* */
	__u32 sample_period_ms;		/* samplers (memory, PSI, perf) */
	/* ChaosConfig */
	__u32 chaos_enabled;		/* 0 or 1 */
	__u32 chaos_rate_permille;
	__u32 chaos_targets;		/* NEXUS_CHAOS_* */
	__u32 __reserved2;		/* must be 0 */
	__u64 chaos_seed;
	/* PerformanceConfig */
	__u32 perf_flags;		/* NEXUS_PERF_* */
	__u32 cache_line_size;		/* power of two, 16..4096 */
	__u32 max_cores;		/* 0 = all online CPUs */
	__u32 __reserved3;		/* must be 0 */
};

#define NEXUS_CONFIG_ARGS_SIZE_VER0	136

/**
 * struct nexus_stats - NEXUS_IOC_GET_STATS
 * @size: in: sizeof(struct nexus_stats); out: bytes written.
 * @state: enum nexus_state.
 * @level: enum nexus_level.
 * @nr_modules: pluggable modules registered.
 * @events_pushed: events pushed on the bus.
 * @events_dropped: events dropped because a per-CPU ring was full.
 * @events_drained: events the engine drained.
 * @ticks: engine ticks.
 * @decisions: decisions recorded.
 * @findings: findings published.
 * @memory_used: bytes charged to memory_budget.
 * @memory_budget: the budget, bytes.
 * @cpu_used_ppm: engine CPU time over the last second, parts per million.
 * @cpu_budget_ppm: cpu_budget_percent in parts per million.
 * @work_units_last_sec: work charged over the last second.
 * @work_shed: work skipped to stay in budget.
 * @state_transitions: state changes since load.
 */
struct nexus_stats {
	__u32 size;
	__u32 state;
	__u32 level;
	__u32 nr_modules;
	__u64 events_pushed;
	__u64 events_dropped;
	__u64 events_drained;
	__u64 ticks;
	__u64 decisions;
	__u64 findings;
	__u64 memory_used;
	__u64 memory_budget;
	__u32 cpu_used_ppm;
	__u32 cpu_budget_ppm;
	__u64 work_units_last_sec;
	__u64 work_shed;
	__u64 state_transitions;
};

#define NEXUS_STATS_SIZE_VER0		112

/**
 * struct nexus_batch - NEXUS_IOC_READ_FINDINGS / NEXUS_IOC_READ_DECISIONS
 * @size: in: sizeof(struct nexus_batch); out: bytes written.
 * @flags: must be 0.
 * @count: in: capacity of @buf in records; out: records written.
 * @record_size: in: sizeof one record as the caller knows it
 *	(struct nexus_finding or struct nexus_decision), at least
 *	NEXUS_FINDING_SIZE_VER0 or NEXUS_DECISION_SIZE_VER0 and at most
 *	4096; records are written truncated or zero-extended to it.
 * @cursor: in: return records with id > cursor, oldest first; out: the id
 *	of the last record written (unchanged if none).
 * @buf: user pointer to @count records of @record_size bytes.
 *
 * Call again with the returned @cursor until @count comes back 0.
 */
struct nexus_batch {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 record_size;
	__u64 cursor;
	__u64 buf;
};

#define NEXUS_BATCH_SIZE_VER0		32
#define NEXUS_FINDING_SIZE_VER0		200
#define NEXUS_DECISION_SIZE_VER0	208
#define NEXUS_RECORD_SIZE_MAX		4096

/**
 * struct nexus_sample_rec - one sample of NEXUS_IOC_INGEST
 * @metric: metric name, NUL-terminated, characters [a-z0-9_.].  Ingest
 *	writes to the "user." namespace only: the sample goes to metric
 *	"user.<metric>" (or to @metric itself if it already starts with
 *	"user."), registered on first use; so the full name must fit in
 *	NEXUS_NAME_LEN - 1 characters.
 * @value: the value, in the metric's unit.
 * @ts_ns: CLOCK_MONOTONIC ns, not in the future; 0 means now.
 */
struct nexus_sample_rec {
	char metric[NEXUS_NAME_LEN];
	__s64 value;
	__u64 ts_ns;
};

#define NEXUS_SAMPLE_REC_SIZE_VER0	64
#define NEXUS_INGEST_MAX		1024

/**
 * struct nexus_ingest - NEXUS_IOC_INGEST
 * @size: in: sizeof(struct nexus_ingest); out: bytes written.
 * @flags: must be 0.
 * @count: in: records in @samples (1..NEXUS_INGEST_MAX); out: records
 *	accepted.
 * @record_size: sizeof(struct nexus_sample_rec) as the caller knows it
 *	(NEXUS_SAMPLE_REC_SIZE_VER0..NEXUS_RECORD_SIZE_MAX); bytes of a
 *	record the kernel does not know must be zero (-E2BIG).
 * @samples: user pointer to @count records of @record_size bytes.
 *
 * Every record is validated before any is stored: one bad record fails the
 * call with -EINVAL and stores nothing.  If storing then fails part way
 * (metric store full, memory budget), the call returns 0 with @count set to
 * the records stored, or the error if none was.  Needs CAP_SYS_ADMIN.
 */
struct nexus_ingest {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 record_size;
	__u64 samples;
};

#define NEXUS_INGEST_SIZE_VER0		24

/**
 * struct nexus_metric_read - NEXUS_IOC_READ_METRIC
 * @size: in: sizeof(struct nexus_metric_read); out: bytes written.
 * @flags: must be 0.
 * @metric: in: name of the metric, NUL-terminated; a name not found is
 *	also looked up as "user.<metric>".
 * @id: out: its id.
 * @count: in: capacity of @buf in samples; out: samples written, oldest
 *	first: the newest samples newer than @since_ns that fit (at most
 *	NEXUS_METRIC_READ_MAX; a metric keeps at most 1024 samples).
 * @since_ns: in: only samples with ts_ns > @since_ns.
 * @buf: user pointer to @count struct nexus_sample.
 * @unit: out: the metric's unit, NUL-terminated.
 *
 * An unknown metric gives -ENOENT.
 */
struct nexus_metric_read {
	__u32 size;
	__u32 flags;
	char metric[NEXUS_NAME_LEN];
	__s32 id;
	__u32 count;
	__u64 since_ns;
	__u64 buf;
	char unit[NEXUS_SHORT_LEN];
};

#define NEXUS_METRIC_READ_SIZE_VER0	96
#define NEXUS_METRIC_READ_MAX		4096

/* One stored sample. */
struct nexus_sample {
	__u64 ts_ns;
	__s64 value;
};

/* ---- typed records: NEXUS_IOC_READ_RECORDS ---- */

/*
 * What NEXUS holds besides findings and decisions, one fixed-layout record
 * per item, read by kind.  Each kind has one provider: the core, or the
 * pluggable module named below (-ENODEV while it is not loaded).  A record's
 * size is its version: NEXUS_*_REC_SIZE_VER0 is the first; later versions
 * only add fields at the end.
 */
enum nexus_record_kind {
	NEXUS_REC_NONE = 0,		/* invalid */
	NEXUS_REC_METRIC,		/* nexus_core: struct nexus_metric_rec */
	NEXUS_REC_FORECAST,		/* nexus_predict: struct nexus_forecast_rec */
	NEXUS_REC_PLAN,			/* nexus_heal: struct nexus_plan_rec */
	NEXUS_REC_TUNE_KNOB,		/* nexus_tune: struct nexus_tune_knob_rec */
	NEXUS_REC_TUNE_EXPERIMENT,	/* nexus_tune: struct nexus_tune_exp_rec */
	NEXUS_REC_TUNE_CHANGE,		/* nexus_tune: struct nexus_tune_change_rec */
	NEXUS_REC_POSTURE,		/* nexus_guard: struct nexus_posture_rec */
	NEXUS_REC_KIND_COUNT,
};

#define NEXUS_REC_MASK(k)	(1U << (k))

/* Metric flags. */
#define NEXUS_METRIC_F_USER	_BITUL(0)	/* ingested from userspace */

/**
 * struct nexus_metric_rec - NEXUS_REC_METRIC: one metric of the store.
 * @id: its id (the one NEXUS_IOC_READ_METRIC returns).
 * @flags: NEXUS_METRIC_F_*.
 * @name: its name.
 * @unit: its unit, "" if none.
 * @samples: samples held now.
 * @capacity: samples it can hold (its ring).
 * @total: samples pushed since it was registered.
 * @last_ts_ns: time of the newest sample; 0 without samples.
 * @last: the newest sample's value; 0 without samples.
 */
struct nexus_metric_rec {
	__s32 id;
	__u32 flags;
	char name[NEXUS_NAME_LEN];
	char unit[NEXUS_SHORT_LEN];
	__u32 samples;
	__u32 capacity;
	__u64 total;
	__u64 last_ts_ns;
	__s64 last;
};

#define NEXUS_METRIC_REC_SIZE_VER0	104

/* The forecasting models of nexus_predict (nexus_core/lib/nx_forecast). */
enum nexus_forecast_model {
	NEXUS_FC_LINREG = 0,
	NEXUS_FC_HOLT,
	NEXUS_FC_EWMA,
	NEXUS_FC_NAIVE,
	NEXUS_FC_MODEL_COUNT,
};

#define NEXUS_FC_MODEL_SLOTS	4	/* entries of @mae */

/**
 * struct nexus_forecast_rec - NEXUS_REC_FORECAST: one metric's forecast.
 * @metric: the metric forecast.
 * @metric_id: its id.
 * @model: enum nexus_forecast_model published (lowest error).
 * @horizon_ms: how far ahead.
 * @now: the newest sample.
 * @forecast: the value expected @horizon_ms after it.
 * @lower: lower end of its 95% interval.
 * @upper: upper end.
 * @confidence: per-mille.
 * @switches: changes of model so far.
 * @samples: samples consumed.
 * @scored: bit (1 << model) set when @mae[model] is known.
 * @__reserved: zero.
 * @mae: per model, mean absolute error at the horizon, in the metric's
 *	unit (rounded); valid where @scored says so.
 */
struct nexus_forecast_rec {
	char metric[NEXUS_NAME_LEN];
	__s32 metric_id;
	__u32 model;
	__u64 horizon_ms;
	__s64 now;
	__s64 forecast;
	__s64 lower;
	__s64 upper;
	__u32 confidence;
	__u32 switches;
	__u64 samples;
	__u32 scored;
	__u32 __reserved;
	__s64 mae[NEXUS_FC_MODEL_SLOTS];
};

#define NEXUS_FORECAST_REC_SIZE_VER0	152

/* What became of a recovery plan. */
enum nexus_plan_status {
	NEXUS_PLAN_NONE = 0,
	NEXUS_PLAN_RUNNING,
	NEXUS_PLAN_SUCCEEDED,
	NEXUS_PLAN_GAVE_UP,		/* steps or max_healing_attempts exhausted */
	NEXUS_PLAN_SUGGESTED,		/* built and shown at correction */
	NEXUS_PLAN_ABORTED,		/* component gone, healing disabled */
	NEXUS_PLAN_REFUSED,		/* the engine refused a step */
	NEXUS_PLAN_STATUS_COUNT,
};

/* What became of one step of a plan. */
enum nexus_step_outcome {
	NEXUS_STEP_NOT_RUN = 0,
	NEXUS_STEP_OK,			/* ran, and the health check passed */
	NEXUS_STEP_FAILED,		/* ran (or could not), still unhealthy */
	NEXUS_STEP_TIMEOUT,		/* exceeded healing_timeout_ms */
	NEXUS_STEP_SUGGESTED,		/* level below healing: shown, not run */
	NEXUS_STEP_REFUSED,		/* refused by the engine */
	NEXUS_STEP_OUTCOME_COUNT,
};

/* Why a rung of the escalation chain is not in a plan. */
enum nexus_plan_skip {
	NEXUS_SKIP_NONE = 0,
	NEXUS_SKIP_UNSUPPORTED,		/* the component lacks the strategy */
	NEXUS_SKIP_DISABLED,		/* HealingConfig disables it */
	NEXUS_SKIP_NO_CHECKPOINT,	/* FullRollback without a checkpoint */
	NEXUS_SKIP_COUNT,
};

#define NEXUS_PLAN_RUNGS	9	/* one per enum nexus_healing_strategy */

/* Plan flags. */
#define NEXUS_PLAN_F_LEARNED	_BITUL(0)	/* order from the learned table */

/**
 * struct nexus_plan_step - one step of a recovery plan.
 * @strategy: enum nexus_healing_strategy.
 * @outcome: enum nexus_step_outcome.
 * @result: 0 or -errno (-EAGAIN: ran, still unhealthy).
 * @ms: how long it took.
 * @p_permille: the learned success estimate when it was planned.
 * @__reserved: zero.
 * @decision: its decision in the audit log, or 0.
 */
struct nexus_plan_step {
	__u32 strategy;
	__u32 outcome;
	__s32 result;
	__u32 ms;
	__u32 p_permille;
	__u32 __reserved;
	__u64 decision;
};

/**
 * struct nexus_plan_rec - NEXUS_REC_PLAN: one recovery plan of nexus_heal.
 *	The running plans come first, then the finished ones kept, oldest
 *	first.
 * @id: plan id.
 * @start_ns: when it was built.
 * @end_ns: when it ended; 0 while running.
 * @duration_ms: @end_ns - @start_ns; 0 while running.
 * @finding: the finding that announced it, or 0.
 * @component: the component it heals.
 * @fault: the fault class it answers.
 * @status: enum nexus_plan_status.
 * @flags: NEXUS_PLAN_F_*.
 * @nsteps: steps planned (entries of @steps).
 * @done: steps run or shown so far.
 * @skip: per strategy, enum nexus_plan_skip: why that rung is not planned.
 * @steps: the steps, in the order they run.
 */
struct nexus_plan_rec {
	__u64 id;
	__u64 start_ns;
	__u64 end_ns;
	__u64 duration_ms;
	__u64 finding;
	char component[NEXUS_SHORT_LEN];
	__u32 fault;
	__u32 status;
	__u32 flags;
	__u32 nsteps;
	__u32 done;
	__u32 skip[NEXUS_PLAN_RUNGS];
	struct nexus_plan_step steps[NEXUS_PLAN_RUNGS];
};

#define NEXUS_PLAN_REC_SIZE_VER0	400

/* Knob flags. */
#define NEXUS_KNOB_F_ENABLED	_BITUL(0)	/* its type may be tuned */
#define NEXUS_KNOB_F_PRESENT	_BITUL(1)	/* its file was readable */
#define NEXUS_KNOB_F_CHANGED	_BITUL(2)	/* NEXUS wrote it, not restored */
#define NEXUS_KNOB_F_ADMIN	_BITUL(3)	/* set by someone else: left alone */
#define NEXUS_KNOB_F_OUT_OF_RANGE _BITUL(4)	/* outside its safe range */
#define NEXUS_KNOB_F_EXPERIMENT	_BITUL(5)	/* an experiment runs on it */

/* Why the adaptation rules make a knob ineligible. */
enum nexus_knob_eligibility {
	NEXUS_KNOB_ELIGIBLE = 0,
	NEXUS_KNOB_NO_SWAP,
	NEXUS_KNOB_RAM_DISK,
	NEXUS_KNOB_NO_IO_SCHEDULER,
	NEXUS_KNOB_BYTES_MODE,
	NEXUS_KNOB_ELIGIBILITY_COUNT,
};

/**
 * struct nexus_tune_knob_rec - NEXUS_REC_TUNE_KNOB: a knob nexus_tune knows.
 * @name: "vm.swappiness", "<disk>.read_ahead_kb", ...
 * @flags: NEXUS_KNOB_F_*.
 * @eligibility: enum nexus_knob_eligibility.
 * @value: its value now (read for this call); -1 if it cannot be read.
 * @min: lowest value NEXUS would write.
 * @max: highest value NEXUS would write.
 * @orig: its value before NEXUS's first change (restored on rmmod).
 * @written: the last value NEXUS wrote.
 * @last_change_ns: when NEXUS last wrote it, or 0.
 * @backoff_until_ns: no experiment on it before this.
 * @fails: experiments on it in a row that did not help.
 * @__reserved: zero.
 */
struct nexus_tune_knob_rec {
	char name[NEXUS_NAME_LEN];
	__u32 flags;
	__u32 eligibility;
	__s64 value;
	__s64 min;
	__s64 max;
	__s64 orig;
	__s64 written;
	__u64 last_change_ns;
	__u64 backoff_until_ns;
	__u32 fails;
	__u32 __reserved;
};

#define NEXUS_TUNE_KNOB_REC_SIZE_VER0	120

/**
 * struct nexus_tune_exp_rec - NEXUS_REC_TUNE_EXPERIMENT: a change of a knob
 *	being judged now.
 * @knob: the knob.
 * @metric: the metric that judges it.
 * @from: the knob's value before.
 * @to: the value written.
 * @better: +1 if a larger @metric is better, -1 if a smaller.
 * @before_samples: samples in the window before the change.
 * @start_ns: when the change was written.
 * @age_ms: time since then.
 * @change_seq: its NEXUS_REC_TUNE_CHANGE record.
 */
struct nexus_tune_exp_rec {
	char knob[NEXUS_NAME_LEN];
	char metric[NEXUS_NAME_LEN];
	__s64 from;
	__s64 to;
	__s32 better;
	__u32 before_samples;
	__u64 start_ns;
	__u64 age_ms;
	__u64 change_seq;
};

#define NEXUS_TUNE_EXP_REC_SIZE_VER0	144

/* What a change-log record of nexus_tune is. */
enum nexus_tune_op {
	NEXUS_TUNE_OP_CHANGE = 0,	/* a step applied (an experiment) */
	NEXUS_TUNE_OP_PROPOSAL,		/* a step the level did not allow */
	NEXUS_TUNE_OP_REFUSED,		/* a step refused (budget) or failed */
	NEXUS_TUNE_OP_RESTORE,		/* a knob set back by NEXUS */
	NEXUS_TUNE_OP_ADMIN,		/* someone else changed a knob NEXUS had */
	NEXUS_TUNE_OP_GONE,		/* the disk of a changed knob went away */
	NEXUS_TUNE_OP_COUNT,
};

/* Change flags. */
#define NEXUS_TUNE_F_JUDGED	_BITUL(0)	/* the Welch fields are set */

/**
 * struct nexus_tune_change_rec - NEXUS_REC_TUNE_CHANGE: one record of
 *	nexus_tune's change log, oldest first.
 * @seq: sequence number, from 1.
 * @ts_ns: when.
 * @decision: its decision in the audit log, or 0.
 * @op: enum nexus_tune_op.
 * @outcome: the decision's enum nexus_decision_outcome.
 * @knob: the knob.
 * @old_value: its value before.
 * @new_value: its value after (or proposed).
 * @result: what became of it: "pending", "kept", "rolled_back",
 *	"inconclusive", "admin_override", "restored", "proposed", ...
 * @flags: NEXUS_TUNE_F_*.
 * @t_x1000: Welch's t x1000 of the test that judged a change.
 * @df: its degrees of freedom.
 * @__reserved: zero.
 * @before_q8: the judging metric's mean before the change, Q.8.
 * @after_q8: its mean after, Q.8.
 * @ci_lo_q8: lower end of the interval of the difference, Q.8.
 * @ci_hi_q8: upper end, Q.8.
 * @evidence: the bottleneck and its evidence, or why.
 */
struct nexus_tune_change_rec {
	__u64 seq;
	__u64 ts_ns;
	__u64 decision;
	__u32 op;
	__u32 outcome;
	char knob[NEXUS_NAME_LEN];
	__s64 old_value;
	__s64 new_value;
	char result[NEXUS_SHORT_LEN];
	__u32 flags;
	__s32 t_x1000;
	__u32 df;
	__u32 __reserved;
	__s64 before_q8;
	__s64 after_q8;
	__s64 ci_lo_q8;
	__s64 ci_hi_q8;
	char evidence[NEXUS_REASON_LEN];
};

#define NEXUS_TUNE_CHANGE_REC_SIZE_VER0	256

/* kernel-hardening-checker's option types. */
enum nexus_posture_type {
	NEXUS_POSTURE_SYSCTL = 0,
	NEXUS_POSTURE_CMDLINE,
	NEXUS_POSTURE_KCONFIG,
	NEXUS_POSTURE_RUNTIME,
	NEXUS_POSTURE_TYPE_COUNT,
};

/* kernel-hardening-checker's reasons: what a check protects. */
enum nexus_posture_reason {
	NEXUS_POSTURE_SELF_PROTECTION = 0,
	NEXUS_POSTURE_ATTACK_SURFACE,
	NEXUS_POSTURE_USERSPACE_HARDENING,
	NEXUS_POSTURE_NETWORK,
	NEXUS_POSTURE_REASON_COUNT,
};

enum nexus_posture_result {
	NEXUS_POSTURE_UNKNOWN = 0,	/* not evaluated yet */
	NEXUS_POSTURE_PASS,
	NEXUS_POSTURE_FAIL,
	NEXUS_POSTURE_ABSENT,		/* not on this kernel: not scored */
	NEXUS_POSTURE_ERROR,		/* could not be read: not scored */
	NEXUS_POSTURE_RESULT_COUNT,
};

/* ThreatLevel: syslog's severities, 0 the most severe. */
enum nexus_threat_level {
	NEXUS_THREAT_EMERG = 0,
	NEXUS_THREAT_ALERT,
	NEXUS_THREAT_CRIT,
	NEXUS_THREAT_ERR,
	NEXUS_THREAT_WARNING,
	NEXUS_THREAT_NOTICE,
	NEXUS_THREAT_INFO,
	NEXUS_THREAT_NONE,		/* nothing to report */
	NEXUS_THREAT_COUNT,
};

/**
 * struct nexus_posture_rec - NEXUS_REC_POSTURE: one security posture check
 *	of nexus_guard, in the module's table order.
 * @name: the check: a sysctl name, "cmdline.<token>", "CONFIG_<name>",
 *	"cpu.<bit>", "vuln.<name>", "lockdown", ...
 * @type: enum nexus_posture_type.
 * @reason: enum nexus_posture_reason.
 * @result: enum nexus_posture_result of the last evaluation.
 * @drift_level: enum nexus_threat_level of the open drift finding,
 *	NEXUS_THREAT_NONE if none is open.
 * @drift_id: the open drift finding, or 0.
 * @current_val: the value as read.
 * @desired_val: the recommended value.
 * @source: who recommends it ("kspp", "cis", "kernel").
 * @care: what the recommendation breaks, "" if nothing known.
 */
struct nexus_posture_rec {
	char name[NEXUS_NAME_LEN];
	__u32 type;
	__u32 reason;
	__u32 result;
	__u32 drift_level;
	__u64 drift_id;
	char current_val[NEXUS_NAME_LEN];
	char desired_val[NEXUS_SHORT_LEN];
	char source[NEXUS_SHORT_LEN];
	char care[NEXUS_REASON_LEN];
};

#define NEXUS_POSTURE_REC_SIZE_VER0	248

#define NEXUS_RECORDS_MAX	256	/* records per call at most */

/**
 * struct nexus_records - NEXUS_IOC_READ_RECORDS
 * @size: in: sizeof(struct nexus_records); out: bytes written.
 * @flags: must be 0.
 * @kind: in: enum nexus_record_kind (-EINVAL if unknown, -ENODEV while
 *	its module is not loaded).
 * @record_size: in: sizeof one record of @kind as the caller knows it, at
 *	least the kind's NEXUS_*_REC_SIZE_VER0 and at most
 *	NEXUS_RECORD_SIZE_MAX; records are written @record_size apart,
 *	truncated or zero-extended to it.
 * @count: in: capacity of @buf in records; out: records written, at most
 *	NEXUS_RECORDS_MAX.  0 asks for @total only.
 * @kernel_record_size: out: the size of a record of @kind in the running
 *	kernel: its version.  Bytes of a record beyond it are zero.
 * @offset: in: index of the first record wanted; out: index after the last
 *	written (unchanged if none).
 * @total: out: records of @kind held now.
 * @buf: user pointer to @count records of @record_size bytes.
 *
 * The records are a snapshot taken in one go under the provider's lock;
 * the list may change between two calls, so a reader that wants one
 * consistent view asks for all of them at once (@count >= @total).
 */
struct nexus_records {
	__u32 size;
	__u32 flags;
	__u32 kind;
	__u32 record_size;
	__u32 count;
	__u32 kernel_record_size;
	__u64 offset;
	__u64 total;
	__u64 buf;
};

#define NEXUS_RECORDS_SIZE_VER0		48

/*
 * Every command reads the leading @size, so every command is _IOWR but
 * SET_CONFIG, which writes nothing back.
 */
#define NEXUS_IOC_VERSION	_IOWR(NEXUS_IOC_MAGIC, 0x00, struct nexus_version)
#define NEXUS_IOC_GET_CONFIG	_IOWR(NEXUS_IOC_MAGIC, 0x01, struct nexus_config_args)
#define NEXUS_IOC_SET_CONFIG	_IOW(NEXUS_IOC_MAGIC, 0x02, struct nexus_config_args)
#define NEXUS_IOC_GET_STATS	_IOWR(NEXUS_IOC_MAGIC, 0x03, struct nexus_stats)
#define NEXUS_IOC_READ_FINDINGS	_IOWR(NEXUS_IOC_MAGIC, 0x04, struct nexus_batch)
#define NEXUS_IOC_READ_DECISIONS _IOWR(NEXUS_IOC_MAGIC, 0x05, struct nexus_batch)
#define NEXUS_IOC_INGEST	_IOWR(NEXUS_IOC_MAGIC, 0x06, struct nexus_ingest)
#define NEXUS_IOC_READ_METRIC	_IOWR(NEXUS_IOC_MAGIC, 0x07, struct nexus_metric_read)
#define NEXUS_IOC_READ_RECORDS	_IOWR(NEXUS_IOC_MAGIC, 0x08, struct nexus_records)

#endif /* _UAPI_LINUX_NEXUS_H */
