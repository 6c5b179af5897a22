// SPDX-License-Identifier: GPL-2.0
/*
 * NexusConfig: presets, whole-config validation and atomic apply.
 *
 * Every change, from sysfs or the ioctl, goes through nexus_config_apply():
 * the new config is validated as a whole, the side effects that can fail
 * (resizing the event rings) are done first, and only then is the config
 * switched.  An invalid value therefore changes nothing.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/cpumask.h>
#include <linux/log2.h>
#include <linux/sizes.h>
#include <linux/export.h>
#include "internal.h"

struct nexus_config nexus_cfg;
/* Serialises changes of nexus_cfg and their side effects (ring resizes). */
DEFINE_MUTEX(nexus_config_lock);
static enum nexus_preset nexus_preset_cur = NEXUS_PRESET_DEFAULT;
/*
 * The cpu_budget_percent= module parameter: the CPU budget every preset
 * sets instead of its own, 0 for the presets' own.  Fixed at load, so
 * "echo default > preset" keeps it, while a budget written by hand (sysfs,
 * ioctl) still takes any value 1..100.  Emulated test machines, where the
 * engine's translated code runs at several times its hardware cost, load
 * the core with it.
 */
static u32 nexus_preset_cpu_budget;

static const char * const nexus_preset_names[NEXUS_PRESET_COUNT] = {
	[NEXUS_PRESET_DEFAULT]	= "default",
	[NEXUS_PRESET_MINIMAL]	= "minimal",
	[NEXUS_PRESET_FULL]	= "full",
	[NEXUS_PRESET_CUSTOM]	= "custom",
};

/**
 * nexus_preset_name() - name of a preset
 * @p: the preset
 *
 * Return: its name, or "?" when out of range.
 */
const char *nexus_preset_name(enum nexus_preset p)
{
	return p < NEXUS_PRESET_COUNT ? nexus_preset_names[p] : "?";
}

/**
 * nexus_preset_parse() - parse a preset name (custom is not selectable)
 * @s: the name, a trailing newline allowed
 * @p: where to store the preset
 *
 * Return: 0 or -EINVAL.
 */
int nexus_preset_parse(const char *s, enum nexus_preset *p)
{
	int i = sysfs_match_string(nexus_preset_names, s);

	if (i < 0 || i == NEXUS_PRESET_CUSTOM)
		return -EINVAL;
	*p = i;
	return 0;
}

/**
 * nexus_current_preset() - the preset the config was last set from
 *
 * Return: the preset, or NEXUS_PRESET_CUSTOM once a field was changed.
 */
enum nexus_preset nexus_current_preset(void)
{
	return READ_ONCE(nexus_preset_cur);
}

/**
 * nexus_config_preset() - fill a config with a preset
 * @p: default (balanced), minimal (monitoring only) or full (everything,
 *	autonomous)
 * @c: the config to fill
 */
void nexus_config_preset(enum nexus_preset p, struct nexus_config *c)
{
	memset(c, 0, sizeof(*c));
	c->level = NEXUS_LEVEL_MONITORING;
	c->memory_budget = 16 * SZ_1M;
	c->cpu_budget_percent = 1;
	c->max_decision_cycles = 100000;
	c->event_queue_size = 10000;
	c->tick_ms = 100;

	c->prediction.enabled = true;
	c->prediction.horizon_ms = 30000;
	c->prediction.min_confidence = 600;
	c->prediction.detect_degradation = true;
	c->prediction.detect_memory_leaks = true;
	c->prediction.predict_deadlocks = false;

	c->healing.enabled = true;
	c->healing.enable_micro_rollback = true;
	c->healing.enable_reconstruction = false;
	c->healing.enable_substitution = false;
	c->healing.max_rollback_depth = 8;
	c->healing.checkpoint_interval_ms = 60000;
	c->healing.max_healing_attempts = 3;
	c->healing.healing_timeout_ms = 30000;
	c->healing.enable_quarantine = false;

	c->tracing.sched = true;
	c->tracing.memory = true;
	c->tracing.block = true;
	c->tracing.perf = true;
	c->tracing.sample_period_ms = 1000;

	c->chaos.enabled = false;
	c->chaos.rate_permille = 0;
	c->chaos.targets = 0;
	c->chaos.seed = 0x5eed;

	c->performance.enable_simd = false;
	c->performance.enable_lockfree = true;
	c->performance.enable_branch_hints = true;
	c->performance.enable_prefetch = true;
	c->performance.cache_line_size = L1_CACHE_BYTES;
	c->performance.max_cores = 0;
	c->performance.numa_aware = true;

	switch (p) {
	case NEXUS_PRESET_MINIMAL:
		c->level = NEXUS_LEVEL_MONITORING;
		c->memory_budget = 4 * SZ_1M;
		c->event_queue_size = 1024;
		c->tick_ms = 250;
		c->prediction.enabled = false;
		c->prediction.detect_degradation = false;
		c->prediction.detect_memory_leaks = false;
		c->healing.enabled = false;
		c->healing.enable_micro_rollback = false;
		c->tracing.perf = false;
		c->tracing.block = false;
		break;
	case NEXUS_PRESET_FULL:
		c->level = NEXUS_LEVEL_AUTONOMOUS;
		c->memory_budget = 64 * SZ_1M;
		c->cpu_budget_percent = 2;
		c->max_decision_cycles = 1000000;
		c->prediction.predict_deadlocks = true;
		c->healing.enable_reconstruction = true;
		c->healing.enable_substitution = true;
		c->healing.enable_quarantine = true;
		break;
	default:
		break;
	}
	if (nexus_preset_cpu_budget)
		c->cpu_budget_percent = nexus_preset_cpu_budget;
}

static bool nx_in(u64 v, u64 lo, u64 hi)
{
	return v >= lo && v <= hi;
}

static int nx_refuse(const char **why, const char *msg, int err)
{
	*why = msg;
	return err;
}

/**
 * nexus_config_validate() - check a whole config
 * @c: the candidate config
 * @why: set to a human-readable reason on failure
 *
 * Return: 0, -EINVAL for a bad value, -ERANGE for an out-of-range number,
 * or -EOPNOTSUPP for a performance flag this build cannot honour.
 */
int nexus_config_validate(const struct nexus_config *c, const char **why)
{
	const struct nexus_prediction_config *pr = &c->prediction;
	const struct nexus_healing_config *h = &c->healing;
	const struct nexus_performance_config *pc = &c->performance;
	const u32 chaos_all = NEXUS_CHAOS_BUS_DROP | NEXUS_CHAOS_ALLOC_FAIL |
			      NEXUS_CHAOS_TICK_SKIP | NEXUS_CHAOS_COMPONENT;

	if (c->level > NEXUS_LEVEL_MAX)
		return nx_refuse(why, "level: 0..6", -ERANGE);
	if (!nx_in(c->memory_budget, SZ_64K, SZ_1G))
		return nx_refuse(why, "memory_budget: 64 KiB..1 GiB", -ERANGE);
	if (!nx_in(c->cpu_budget_percent, 1, 100))
		return nx_refuse(why, "cpu_budget_percent: 1..100", -ERANGE);
	if (!nx_in(c->max_decision_cycles, 100, 1000000000ULL))
		return nx_refuse(why, "max_decision_cycles: 100..1000000000", -ERANGE);
	if (!nx_in(c->event_queue_size, 64, 1048576))
		return nx_refuse(why, "event_queue_size: 64..1048576", -ERANGE);
	if (!nx_in(c->tick_ms, 10, 10000))
		return nx_refuse(why, "tick_ms: 10..10000", -ERANGE);

	if (!nx_in(pr->horizon_ms, 1000, 86400000ULL))
		return nx_refuse(why, "prediction/horizon_ms: 1000..86400000", -ERANGE);
	if (pr->min_confidence > 1000)
		return nx_refuse(why, "prediction/min_confidence: 0..1000", -ERANGE);

	if (h->max_rollback_depth > 64)
		return nx_refuse(why, "healing/max_rollback_depth: 0..64", -ERANGE);
	if (!nx_in(h->checkpoint_interval_ms, 100, 86400000ULL))
		return nx_refuse(why, "healing/checkpoint_interval_ms: 100..86400000",
				 -ERANGE);
	if (!nx_in(h->max_healing_attempts, 1, 100))
		return nx_refuse(why, "healing/max_healing_attempts: 1..100", -ERANGE);
	if (!nx_in(h->healing_timeout_ms, 100, 3600000))
		return nx_refuse(why, "healing/healing_timeout_ms: 100..3600000",
				 -ERANGE);

	if (!nx_in(c->tracing.sample_period_ms, 10, 60000))
		return nx_refuse(why, "tracing/sample_period_ms: 10..60000", -ERANGE);

	if (c->chaos.rate_permille > 1000)
		return nx_refuse(why, "chaos/rate_permille: 0..1000", -ERANGE);
	if (c->chaos.targets & ~chaos_all)
		return nx_refuse(why, "chaos/targets: unknown target bits", -EINVAL);

	/*
	 * The kernel may not touch SIMD registers without kernel_fpu_begin(),
	 * and no NEXUS path is worth that cost: the flag would have no effect,
	 * so it is refused rather than silently accepted.
	 */
	if (pc->enable_simd)
		return nx_refuse(why, "performance/enable_simd: no SIMD path in this build",
				 -EOPNOTSUPP);
	if (!is_power_of_2(pc->cache_line_size) ||
	    !nx_in(pc->cache_line_size, 16, 4096))
		return nx_refuse(why, "performance/cache_line_size: a power of two, 16..4096",
				 -EINVAL);
	if (pc->max_cores > nr_cpu_ids)
		return nx_refuse(why, "performance/max_cores: 0 (all) .. number of CPUs",
				 -ERANGE);
	return 0;
}

/**
 * nexus_config_get() - copy the config in force
 * @c: where to copy it
 */
void nexus_config_get(struct nexus_config *c)
{
	mutex_lock(&nexus_config_lock);
	*c = nexus_cfg;
	mutex_unlock(&nexus_config_lock);
}

/**
 * nexus_prediction_config() - PredictionConfig for pluggable modules
 * @out: receives the prediction fields of the config in force
 *
 * Modules see nexus.h only, not struct nexus_config.  The fields are read
 * one by one without nexus_config_lock: callers run in the engine's tick
 * under the registry lock, and a config change waiting on that lock must
 * never wait for them.  A change racing with the read may show a mix of
 * the old and new values for one tick.
 */
void nexus_prediction_config(struct nexus_prediction_params *out)
{
	const struct nexus_prediction_config *p = &nexus_cfg.prediction;

	out->enabled = READ_ONCE(p->enabled);
	out->horizon_ms = READ_ONCE(p->horizon_ms);
	out->min_confidence = READ_ONCE(p->min_confidence);
	out->detect_degradation = READ_ONCE(p->detect_degradation);
	out->detect_memory_leaks = READ_ONCE(p->detect_memory_leaks);
	out->predict_deadlocks = READ_ONCE(p->predict_deadlocks);
}
EXPORT_SYMBOL_GPL(nexus_prediction_config);

/**
 * nexus_healing_config() - HealingConfig for pluggable modules
 * @out: receives the healing fields of the config in force
 *
 * Read field by field without nexus_config_lock, like
 * nexus_prediction_config(); a racing change may show a mix for one read.
 */
void nexus_healing_config(struct nexus_healing_params *out)
{
	const struct nexus_healing_config *h = &nexus_cfg.healing;

	out->enabled = READ_ONCE(h->enabled);
	out->enable_micro_rollback = READ_ONCE(h->enable_micro_rollback);
	out->enable_reconstruction = READ_ONCE(h->enable_reconstruction);
	out->enable_substitution = READ_ONCE(h->enable_substitution);
	out->enable_quarantine = READ_ONCE(h->enable_quarantine);
	out->max_rollback_depth = READ_ONCE(h->max_rollback_depth);
	out->checkpoint_interval_ms = READ_ONCE(h->checkpoint_interval_ms);
	out->max_healing_attempts = READ_ONCE(h->max_healing_attempts);
	out->healing_timeout_ms = READ_ONCE(h->healing_timeout_ms);
}
EXPORT_SYMBOL_GPL(nexus_healing_config);

/**
 * nexus_chaos_config() - ChaosConfig for pluggable modules
 * @out: receives the chaos fields of the config in force
 *
 * Read field by field without nexus_config_lock, like
 * nexus_prediction_config().
 */
void nexus_chaos_config(struct nexus_chaos_params *out)
{
	const struct nexus_chaos_config *c = &nexus_cfg.chaos;

	out->enabled = READ_ONCE(c->enabled);
	out->rate_permille = READ_ONCE(c->rate_permille);
	out->targets = READ_ONCE(c->targets);
	out->seed = READ_ONCE(c->seed);
}
EXPORT_SYMBOL_GPL(nexus_chaos_config);

static bool nexus_bus_shape_changed(const struct nexus_config *a,
				    const struct nexus_config *b)
{
	return a->event_queue_size != b->event_queue_size ||
	       a->performance.enable_lockfree != b->performance.enable_lockfree ||
	       a->performance.numa_aware != b->performance.numa_aware ||
	       a->performance.cache_line_size != b->performance.cache_line_size;
}

static u32 nexus_trace_flags(const struct nexus_config *c)
{
	return (c->tracing.sched ? NEXUS_TRACE_SCHED : 0) |
	       (c->tracing.memory ? NEXUS_TRACE_MEMORY : 0) |
	       (c->tracing.block ? NEXUS_TRACE_BLOCK : 0) |
	       (c->tracing.perf ? NEXUS_TRACE_PERF : 0);
}

static u64 nexus_config_gen;

static int __nexus_config_apply(const struct nexus_config *c,
				enum nexus_preset preset)
{
	struct nexus_config old;
	const char *why = NULL;
	int ret;

	ret = nexus_config_validate(c, &why);
	if (ret) {
		pr_info("config refused: %s\n", why);
		return ret;
	}

	mutex_lock(&nexus_config_lock);
	old = nexus_cfg;
	if (nexus_bus_shape_changed(&old, c)) {
		ret = nexus_bus_resize(c->event_queue_size,
				       c->performance.enable_lockfree,
				       c->performance.numa_aware,
				       c->performance.cache_line_size);
		if (ret) {
			mutex_unlock(&nexus_config_lock);
			pr_info("config refused: cannot resize the event rings (%d)\n",
				ret);
			return ret;
		}
	}
	if (old.performance.max_cores != c->performance.max_cores)
		nexus_engine_set_max_cores(c->performance.max_cores);
	nexus_cfg = *c;
	nexus_bus_set_hints(c->performance.enable_branch_hints,
			    c->performance.enable_prefetch);
	WRITE_ONCE(nexus_preset_cur, preset);
	nexus_config_gen++;
	mutex_unlock(&nexus_config_lock);

	if (old.level != c->level) {
		pr_info("level %s -> %s\n", nexus_level_name(old.level),
			nexus_level_name(c->level));
		nexus_stream_emit(NEXUS_EV_LEVEL, 0, old.level, c->level);
	}
	nexus_stream_emit(NEXUS_EV_CONFIG, 0, nexus_config_gen, 0);
	nexus_collectors_update(c->level, nexus_trace_flags(c));
	nexus_engine_kick();
	return 0;
}

/**
 * nexus_config_apply() - validate and switch to a new config
 * @c: the new config
 *
 * Return: 0, or the error of nexus_config_validate() or of resizing the
 * event rings; on error nothing changed.
 */
int nexus_config_apply(const struct nexus_config *c)
{
	return __nexus_config_apply(c, NEXUS_PRESET_CUSTOM);
}

/**
 * nexus_config_apply_preset() - switch to a preset
 * @p: the preset
 *
 * Return: as nexus_config_apply().
 */
int nexus_config_apply_preset(enum nexus_preset p)
{
	struct nexus_config c;

	nexus_config_preset(p, &c);
	return __nexus_config_apply(&c, p);
}

/**
 * nexus_config_init() - the config at load time
 * @preset: the preset= module parameter
 * @cpu_budget: the cpu_budget_percent= module parameter, 0 or 1..100
 *
 * The bus is not sized yet at this point, so this only fills nexus_cfg.
 *
 * Return: 0 or -EINVAL for an unknown preset name or a budget out of range.
 */
int nexus_config_init(const char *preset, unsigned int cpu_budget)
{
	enum nexus_preset p = NEXUS_PRESET_DEFAULT;
	const char *why;

	if (preset && *preset && nexus_preset_parse(preset, &p)) {
		pr_err("preset=%s: unknown (default, minimal, full)\n", preset);
		return -EINVAL;
	}
	if (cpu_budget > 100) {
		pr_err("cpu_budget_percent=%u: must be 1..100 (0: the preset's)\n",
		       cpu_budget);
		return -EINVAL;
	}
	nexus_preset_cpu_budget = cpu_budget;
	nexus_config_preset(p, &nexus_cfg);
	nexus_preset_cur = p;
	return nexus_config_validate(&nexus_cfg, &why);
}

/**
 * nexus_config_to_args() - the config in the ioctl ABI's layout
 * @c: the config
 * @a: the ioctl struct to fill (size is set by the caller)
 *
 * Return: 0.
 */
int nexus_config_to_args(const struct nexus_config *c,
			 struct nexus_config_args *a)
{
	a->flags = 0;
	a->level = c->level;
	a->cpu_budget_percent = c->cpu_budget_percent;
	a->memory_budget = c->memory_budget;
	a->max_decision_cycles = c->max_decision_cycles;
	a->event_queue_size = c->event_queue_size;
	a->tick_ms = c->tick_ms;
	a->pred_flags = (c->prediction.enabled ? NEXUS_PRED_F_ENABLED : 0) |
		(c->prediction.detect_degradation ? NEXUS_PRED_F_DEGRADATION : 0) |
		(c->prediction.detect_memory_leaks ? NEXUS_PRED_F_MEMORY_LEAKS : 0) |
		(c->prediction.predict_deadlocks ? NEXUS_PRED_F_DEADLOCKS : 0);
	a->min_confidence = c->prediction.min_confidence;
	a->horizon_ms = c->prediction.horizon_ms;
	a->heal_flags = (c->healing.enabled ? NEXUS_HEAL_F_ENABLED : 0) |
		(c->healing.enable_micro_rollback ? NEXUS_HEAL_F_MICRO_ROLLBACK : 0) |
		(c->healing.enable_reconstruction ? NEXUS_HEAL_F_RECONSTRUCTION : 0) |
		(c->healing.enable_substitution ? NEXUS_HEAL_F_SUBSTITUTION : 0) |
		(c->healing.enable_quarantine ? NEXUS_HEAL_F_QUARANTINE : 0);
	a->max_rollback_depth = c->healing.max_rollback_depth;
	a->checkpoint_interval_ms = c->healing.checkpoint_interval_ms;
	a->max_healing_attempts = c->healing.max_healing_attempts;
	a->healing_timeout_ms = c->healing.healing_timeout_ms;
	a->trace_flags = nexus_trace_flags(c);
	a->sample_period_ms = c->tracing.sample_period_ms;
	a->chaos_enabled = c->chaos.enabled;
	a->chaos_rate_permille = c->chaos.rate_permille;
	a->chaos_targets = c->chaos.targets;
	a->chaos_seed = c->chaos.seed;
	a->perf_flags = (c->performance.enable_simd ? NEXUS_PERF_SIMD : 0) |
		(c->performance.enable_lockfree ? NEXUS_PERF_LOCKFREE : 0) |
		(c->performance.enable_branch_hints ? NEXUS_PERF_BRANCH_HINTS : 0) |
		(c->performance.enable_prefetch ? NEXUS_PERF_PREFETCH : 0) |
		(c->performance.numa_aware ? NEXUS_PERF_NUMA_AWARE : 0);
	a->cache_line_size = c->performance.cache_line_size;
	a->max_cores = c->performance.max_cores;
	a->__reserved1 = 0;
	a->__reserved2 = 0;
	a->__reserved3 = 0;
	return 0;
}

#define NEXUS_PRED_F_ALL (NEXUS_PRED_F_ENABLED | NEXUS_PRED_F_DEGRADATION | \
			  NEXUS_PRED_F_MEMORY_LEAKS | NEXUS_PRED_F_DEADLOCKS)
#define NEXUS_HEAL_F_ALL (NEXUS_HEAL_F_ENABLED | NEXUS_HEAL_F_MICRO_ROLLBACK | \
			  NEXUS_HEAL_F_RECONSTRUCTION | NEXUS_HEAL_F_SUBSTITUTION | \
			  NEXUS_HEAL_F_QUARANTINE)
#define NEXUS_TRACE_ALL (NEXUS_TRACE_SCHED | NEXUS_TRACE_MEMORY | \
			 NEXUS_TRACE_BLOCK | NEXUS_TRACE_PERF)
#define NEXUS_PERF_ALL (NEXUS_PERF_SIMD | NEXUS_PERF_LOCKFREE | \
			NEXUS_PERF_BRANCH_HINTS | NEXUS_PERF_PREFETCH | \
			NEXUS_PERF_NUMA_AWARE)

/**
 * nexus_config_from_args() - a config from the ioctl ABI's layout
 * @a: the ioctl struct
 * @c: the config to fill; validate it with nexus_config_validate()
 *
 * Return: 0, or -EINVAL for non-zero flags, reserved fields or unknown
 * flag bits.
 */
int nexus_config_from_args(const struct nexus_config_args *a,
			   struct nexus_config *c)
{
	if (a->flags || a->__reserved1 || a->__reserved2 || a->__reserved3)
		return -EINVAL;
	if ((a->pred_flags & ~NEXUS_PRED_F_ALL) ||
	    (a->heal_flags & ~NEXUS_HEAL_F_ALL) ||
	    (a->trace_flags & ~NEXUS_TRACE_ALL) ||
	    (a->perf_flags & ~NEXUS_PERF_ALL) || a->chaos_enabled > 1)
		return -EINVAL;

	c->level = a->level;
	c->cpu_budget_percent = a->cpu_budget_percent;
	c->memory_budget = a->memory_budget;
	c->max_decision_cycles = a->max_decision_cycles;
	c->event_queue_size = a->event_queue_size;
	c->tick_ms = a->tick_ms;
	c->prediction.enabled = a->pred_flags & NEXUS_PRED_F_ENABLED;
	c->prediction.detect_degradation = a->pred_flags & NEXUS_PRED_F_DEGRADATION;
	c->prediction.detect_memory_leaks = a->pred_flags & NEXUS_PRED_F_MEMORY_LEAKS;
	c->prediction.predict_deadlocks = a->pred_flags & NEXUS_PRED_F_DEADLOCKS;
	c->prediction.min_confidence = a->min_confidence;
	c->prediction.horizon_ms = a->horizon_ms;
	c->healing.enabled = a->heal_flags & NEXUS_HEAL_F_ENABLED;
	c->healing.enable_micro_rollback = a->heal_flags & NEXUS_HEAL_F_MICRO_ROLLBACK;
	c->healing.enable_reconstruction = a->heal_flags & NEXUS_HEAL_F_RECONSTRUCTION;
	c->healing.enable_substitution = a->heal_flags & NEXUS_HEAL_F_SUBSTITUTION;
	c->healing.enable_quarantine = a->heal_flags & NEXUS_HEAL_F_QUARANTINE;
	c->healing.max_rollback_depth = a->max_rollback_depth;
	c->healing.checkpoint_interval_ms = a->checkpoint_interval_ms;
	c->healing.max_healing_attempts = a->max_healing_attempts;
	c->healing.healing_timeout_ms = a->healing_timeout_ms;
	c->tracing.sched = a->trace_flags & NEXUS_TRACE_SCHED;
	c->tracing.memory = a->trace_flags & NEXUS_TRACE_MEMORY;
	c->tracing.block = a->trace_flags & NEXUS_TRACE_BLOCK;
	c->tracing.perf = a->trace_flags & NEXUS_TRACE_PERF;
	c->tracing.sample_period_ms = a->sample_period_ms;
	c->chaos.enabled = a->chaos_enabled;
	c->chaos.rate_permille = a->chaos_rate_permille;
	c->chaos.targets = a->chaos_targets;
	c->chaos.seed = a->chaos_seed;
	c->performance.enable_simd = a->perf_flags & NEXUS_PERF_SIMD;
	c->performance.enable_lockfree = a->perf_flags & NEXUS_PERF_LOCKFREE;
	c->performance.enable_branch_hints = a->perf_flags & NEXUS_PERF_BRANCH_HINTS;
	c->performance.enable_prefetch = a->perf_flags & NEXUS_PERF_PREFETCH;
	c->performance.numa_aware = a->perf_flags & NEXUS_PERF_NUMA_AWARE;
	c->performance.cache_line_size = a->cache_line_size;
	c->performance.max_cores = a->max_cores;
	return 0;
}
