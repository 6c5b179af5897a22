// SPDX-License-Identifier: GPL-2.0
/*
 * NexusLevel names and NexusState with its legal transitions.
 *
 * Degraded is derived: it holds while at least one cause (a collector that
 * failed to attach, a budget exceeded, ...) is set, and the state returns to
 * Running when the last cause clears.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/export.h>
#include "internal.h"

static const char * const nexus_level_names[] = {
	"disabled", "monitoring", "detection", "prediction",
	"correction", "healing", "autonomous",
};

static const char * const nexus_state_names[NEXUS_STATE_COUNT] = {
	"uninitialized", "initializing", "running", "paused",
	"degraded", "healing", "shutting_down", "stopped",
};

static const char * const nexus_decision_names[NEXUS_DECISION_COUNT] = {
	"no_action", "log", "warn", "soft_recover", "hard_recover",
	"isolate", "substitute", "rollback", "survival_mode",
	"predictive", "optimize",
};

static const char * const nexus_prediction_names[NEXUS_PRED_COUNT] = {
	"crash", "deadlock", "out_of_memory", "memory_leak",
	"cpu_starvation", "io_stall", "stack_overflow", "livelock",
	"resource_exhaustion", "degradation", "corruption",
};

static const char * const nexus_action_names[NEXUS_ACTION_COUNT] = {
	"monitor", "alert", "prepare", "soft_recover", "hard_recover",
	"rollback", "quarantine", "survival_mode",
};

static const char *nx_name(const char * const *tbl, size_t n, unsigned int i)
{
	return i < n ? tbl[i] : "?";
}

/**
 * nexus_level_name() - name of a level
 * @level: the level
 *
 * Return: e.g. "prediction", or "?" when out of range.
 */
const char *nexus_level_name(enum nexus_level level)
{
	return nx_name(nexus_level_names, ARRAY_SIZE(nexus_level_names), level);
}
EXPORT_SYMBOL_GPL(nexus_level_name);

/**
 * nexus_state_name() - name of a state
 * @state: the state
 *
 * Return: e.g. "running", or "?" when out of range.
 */
const char *nexus_state_name(enum nexus_state state)
{
	return nx_name(nexus_state_names, ARRAY_SIZE(nexus_state_names), state);
}
EXPORT_SYMBOL_GPL(nexus_state_name);

/**
 * nexus_decision_name() - name of a decision kind
 * @kind: the kind
 *
 * Return: e.g. "soft_recover", or "?".
 */
const char *nexus_decision_name(enum nexus_decision_kind kind)
{
	return nx_name(nexus_decision_names, ARRAY_SIZE(nexus_decision_names), kind);
}
EXPORT_SYMBOL_GPL(nexus_decision_name);

/**
 * nexus_prediction_name() - name of a prediction kind
 * @kind: the kind
 *
 * Return: e.g. "out_of_memory", or "?".
 */
const char *nexus_prediction_name(enum nexus_prediction_kind kind)
{
	return nx_name(nexus_prediction_names, ARRAY_SIZE(nexus_prediction_names), kind);
}
EXPORT_SYMBOL_GPL(nexus_prediction_name);

/**
 * nexus_action_name() - name of a recommended action
 * @action: the action
 *
 * Return: e.g. "prepare", or "?".
 */
const char *nexus_action_name(enum nexus_action action)
{
	return nx_name(nexus_action_names, ARRAY_SIZE(nexus_action_names), action);
}
EXPORT_SYMBOL_GPL(nexus_action_name);

/**
 * nexus_level_parse() - parse a level given by number or by name
 * @s: "0".."6" or "disabled".."autonomous", a trailing newline allowed
 * @level: where to store it
 *
 * Return: 0, -ERANGE for a number above 6, -EINVAL otherwise.
 */
int nexus_level_parse(const char *s, enum nexus_level *level)
{
	unsigned int v;
	int i;

	if (!kstrtouint(s, 10, &v)) {
		if (v > NEXUS_LEVEL_MAX)
			return -ERANGE;
		*level = v;
		return 0;
	}
	i = sysfs_match_string(nexus_level_names, s);
	if (i < 0)
		return -EINVAL;
	*level = i;
	return 0;
}

/*
 * Legal transitions: nexus_state_legal[from] has bit (1 << to) set.
 * Uninitialized -> Initializing -> Running; Running <-> Paused;
 * Running <-> Degraded; Running/Degraded <-> Healing; anything alive ->
 * ShuttingDown -> Stopped; a failed load goes Initializing -> Stopped.
 */
#define S(x) BIT(NEXUS_STATE_##x)
static const u32 nexus_state_legal[NEXUS_STATE_COUNT] = {
	[NEXUS_STATE_UNINITIALIZED]	= S(INITIALIZING),
	[NEXUS_STATE_INITIALIZING]	= S(RUNNING) | S(SHUTTING_DOWN) | S(STOPPED),
	[NEXUS_STATE_RUNNING]		= S(PAUSED) | S(DEGRADED) | S(HEALING) |
					  S(SHUTTING_DOWN),
	[NEXUS_STATE_PAUSED]		= S(RUNNING) | S(DEGRADED) | S(SHUTTING_DOWN),
	[NEXUS_STATE_DEGRADED]		= S(RUNNING) | S(PAUSED) | S(HEALING) |
					  S(SHUTTING_DOWN),
	[NEXUS_STATE_HEALING]		= S(RUNNING) | S(DEGRADED) | S(PAUSED) |
					  S(SHUTTING_DOWN),
	[NEXUS_STATE_SHUTTING_DOWN]	= S(STOPPED),
	[NEXUS_STATE_STOPPED]		= 0,
};

#undef S

static DEFINE_SPINLOCK(nexus_state_lock);
static enum nexus_state nexus_state_cur = NEXUS_STATE_UNINITIALIZED;
static char nexus_state_why[NEXUS_REASON_LEN];
static u32 nexus_degraded_causes;
#define NEXUS_NR_CAUSES 4
static char nexus_cause_why[NEXUS_NR_CAUSES][NEXUS_REASON_LEN];
static u64 nexus_state_counts[NEXUS_STATE_COUNT];
static u64 nexus_state_total;

/**
 * nexus_current_state() - the core's state
 *
 * Return: the state.
 */
enum nexus_state nexus_current_state(void)
{
	return READ_ONCE(nexus_state_cur);
}
EXPORT_SYMBOL_GPL(nexus_current_state);

/**
 * nexus_current_level() - the level in force
 *
 * Return: the level.
 */
enum nexus_level nexus_current_level(void)
{
	return READ_ONCE(nexus_cfg.level);
}
EXPORT_SYMBOL_GPL(nexus_current_level);

/* Called with nexus_state_lock held; returns the old state or -EPERM. */
static int __nexus_state_set(enum nexus_state to, const char *reason)
{
	enum nexus_state from = nexus_state_cur;

	if (from == to)
		return from;
	if (!(nexus_state_legal[from] & BIT(to)))
		return -EPERM;
	WRITE_ONCE(nexus_state_cur, to);
	strscpy(nexus_state_why, reason ? reason : "", sizeof(nexus_state_why));
	nexus_state_counts[to]++;
	nexus_state_total++;
	return from;
}

static void nexus_state_announce(int from, enum nexus_state to)
{
	if (from < 0 || from == to)
		return;
	pr_info("state %s -> %s\n", nexus_state_name(from), nexus_state_name(to));
	nexus_stream_emit(NEXUS_EV_STATE, 0, from, to);
}

/**
 * nexus_state_set() - move to a new state
 * @to: the target state
 * @reason: shown in state_reason
 *
 * Leaving Paused or Healing for Running lands in Degraded instead while a
 * degradation cause remains.
 *
 * Return: 0, or -EPERM for an illegal transition.
 */
int nexus_state_set(enum nexus_state to, const char *reason)
{
	unsigned long flags;
	int from;

	spin_lock_irqsave(&nexus_state_lock, flags);
	if (to == NEXUS_STATE_RUNNING && nexus_degraded_causes &&
	    nexus_state_cur != NEXUS_STATE_INITIALIZING)
		to = NEXUS_STATE_DEGRADED;
	from = __nexus_state_set(to, reason);
	spin_unlock_irqrestore(&nexus_state_lock, flags);
	nexus_state_announce(from, to);
	return from < 0 ? from : 0;
}

/**
 * nexus_state_healing() - enter or leave the Healing state
 * @on: true when a recovery plan starts running, false when none runs any
 *	more
 * @reason: shown in state_reason
 *
 * For the healing module, which counts its running plans and calls this on
 * the first start and the last end.  Entering is legal from Running and
 * Degraded only (a Paused or stopping core stays as it is); leaving moves
 * Healing back to Running, or Degraded while a degradation cause remains,
 * and does nothing in any other state.
 *
 * Return: 0, or -EPERM when the state was left unchanged.
 */
int nexus_state_healing(bool on, const char *reason)
{
	enum nexus_state to = NEXUS_STATE_HEALING;
	unsigned long flags;
	int from = -EPERM;

	spin_lock_irqsave(&nexus_state_lock, flags);
	if (on && (nexus_state_cur == NEXUS_STATE_RUNNING ||
		   nexus_state_cur == NEXUS_STATE_DEGRADED)) {
		from = __nexus_state_set(to, reason);
	} else if (!on && nexus_state_cur == NEXUS_STATE_HEALING) {
		to = nexus_degraded_causes ? NEXUS_STATE_DEGRADED :
					     NEXUS_STATE_RUNNING;
		from = __nexus_state_set(to, reason);
	}
	spin_unlock_irqrestore(&nexus_state_lock, flags);
	nexus_state_announce(from, to);
	return from < 0 ? from : 0;
}
EXPORT_SYMBOL_GPL(nexus_state_healing);

/**
 * nexus_degrade() - set a cause of degradation
 * @cause: a NEXUS_DEGRADED_* bit
 * @reason: why, for state_reason
 *
 * Moves Running to Degraded; in other states the cause is remembered.
 */
void nexus_degrade(u32 cause, const char *reason)
{
	unsigned long flags;
	int from = -1;
	int bit = ffs(cause) - 1;

	spin_lock_irqsave(&nexus_state_lock, flags);
	nexus_degraded_causes |= cause;
	if (bit >= 0 && bit < NEXUS_NR_CAUSES)
		strscpy(nexus_cause_why[bit], reason, NEXUS_REASON_LEN);
	if (nexus_state_cur == NEXUS_STATE_RUNNING)
		from = __nexus_state_set(NEXUS_STATE_DEGRADED, reason);
	else if (nexus_state_cur == NEXUS_STATE_DEGRADED)
		strscpy(nexus_state_why, reason, sizeof(nexus_state_why));
	spin_unlock_irqrestore(&nexus_state_lock, flags);
	nexus_state_announce(from, NEXUS_STATE_DEGRADED);
}

/**
 * nexus_undegrade() - clear a cause of degradation
 * @cause: a NEXUS_DEGRADED_* bit
 *
 * When no cause remains, Degraded returns to Running; otherwise
 * state_reason shows a cause that remains.
 */
void nexus_undegrade(u32 cause)
{
	unsigned long flags;
	int from = -1;

	spin_lock_irqsave(&nexus_state_lock, flags);
	if (nexus_degraded_causes & cause) {
		nexus_degraded_causes &= ~cause;
		if (!nexus_degraded_causes &&
		    nexus_state_cur == NEXUS_STATE_DEGRADED)
			from = __nexus_state_set(NEXUS_STATE_RUNNING,
						 "all degradation causes cleared");
		else if (nexus_degraded_causes &&
			 nexus_state_cur == NEXUS_STATE_DEGRADED)
			strscpy(nexus_state_why,
				nexus_cause_why[ffs(nexus_degraded_causes) - 1],
				sizeof(nexus_state_why));
	}
	spin_unlock_irqrestore(&nexus_state_lock, flags);
	nexus_state_announce(from, NEXUS_STATE_RUNNING);
}

/**
 * nexus_state_reason() - why the core is in its state
 * @buf: where to copy the reason
 * @size: size of @buf
 */
void nexus_state_reason(char *buf, size_t size)
{
	unsigned long flags;

	spin_lock_irqsave(&nexus_state_lock, flags);
	strscpy(buf, nexus_state_why, size);
	spin_unlock_irqrestore(&nexus_state_lock, flags);
}

/**
 * nexus_state_transitions() - transitions since load
 *
 * Return: the count.
 */
u64 nexus_state_transitions(void)
{
	return READ_ONCE(nexus_state_total);
}

/**
 * nexus_state_count() - times a state was entered since load
 * @s: the state
 *
 * Return: the count.
 */
u64 nexus_state_count(enum nexus_state s)
{
	return s < NEXUS_STATE_COUNT ? READ_ONCE(nexus_state_counts[s]) : 0;
}
