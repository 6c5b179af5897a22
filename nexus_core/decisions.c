// SPDX-License-Identifier: GPL-2.0
/*
 * The decision engine's gate and audit log.
 *
 * Every decision a module asks for passes the level gate and the work
 * budget, and is recorded (applied, suggested only, or refused, and why)
 * in a ring of the last NEXUS_DECISIONS_LEN decisions.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/export.h>
#include "internal.h"

#define NEXUS_DECISIONS_LEN	256

static struct nexus_decision nexus_decisions[NEXUS_DECISIONS_LEN];
static u64 nexus_decision_next_id = 1;
static DEFINE_SPINLOCK(nexus_decisions_lock);

static const char * const nexus_outcome_names[NEXUS_OUTCOME_COUNT] = {
	"pending", "applied", "suggested", "refused_level", "refused_budget",
	"failed",
};

/**
 * nexus_decision_min_level() - the lowest level at which a decision may be
 * applied
 * @kind: the decision kind
 *
 * Logging and warning are observation; predictive actions need prediction;
 * recovery needs healing; optimisation needs autonomous.  From correction
 * up, a decision the level does not allow is still shown as a suggestion.
 *
 * Return: the level.
 */
enum nexus_level nexus_decision_min_level(enum nexus_decision_kind kind)
{
	switch (kind) {
	case NEXUS_DECISION_NO_ACTION:
	case NEXUS_DECISION_LOG:
	case NEXUS_DECISION_WARN:
		return NEXUS_LEVEL_MONITORING;
	case NEXUS_DECISION_PREDICTIVE:
		return NEXUS_LEVEL_PREDICTION;
	case NEXUS_DECISION_OPTIMIZE:
		return NEXUS_LEVEL_AUTONOMOUS;
	default:
		return NEXUS_LEVEL_HEALING;
	}
}

static void nexus_decision_record(struct nexus_decision *d)
{
	spin_lock(&nexus_decisions_lock);
	d->id = nexus_decision_next_id++;
	nexus_decisions[d->id % NEXUS_DECISIONS_LEN] = *d;
	spin_unlock(&nexus_decisions_lock);
	nexus_stream_emit(NEXUS_EV_DECISION, 0, d->id, d->outcome);
}

/**
 * nexus_decide() - ask the engine for a decision
 * @src: the asking module (its apply() executes it), or NULL for the core
 * @d: the decision: kind, confidence, target, reason and arguments; the
 *	core fills id, ts_ns, level, source, outcome and result
 *
 * Process context.  The decision is applied if the level allows it and the
 * work budget is not exhausted, suggested if the level is at least
 * correction, refused otherwise; it is recorded in every case.
 *
 * Return: the outcome (enum nexus_decision_outcome).
 */
int nexus_decide(const struct nexus_module_ops *src, struct nexus_decision *d)
{
	enum nexus_level level = nexus_current_level();

	d->ts_ns = ktime_get_ns();
	d->level = level;
	d->result = 0;
	d->__reserved = 0;
	strscpy(d->source, src ? src->name : "core", sizeof(d->source));

	if (d->kind >= NEXUS_DECISION_COUNT) {
		d->outcome = NEXUS_OUTCOME_FAILED;
		d->result = -EINVAL;
	} else if (!nexus_work_charge(1)) {
		d->outcome = NEXUS_OUTCOME_REFUSED_BUDGET;
	} else if (level >= nexus_decision_min_level(d->kind)) {
		if (src && src->apply)
			d->result = src->apply(d);
		else if (d->kind == NEXUS_DECISION_WARN)
			pr_warn("%s: %s: %s\n", d->source, d->target, d->reason);
		else if (d->kind == NEXUS_DECISION_LOG)
			pr_info("%s: %s: %s\n", d->source, d->target, d->reason);
		else
			d->result = -EOPNOTSUPP;
		d->outcome = d->result ? NEXUS_OUTCOME_FAILED :
					 NEXUS_OUTCOME_APPLIED;
	} else if (level >= NEXUS_LEVEL_CORRECTION) {
		d->outcome = NEXUS_OUTCOME_SUGGESTED;
	} else {
		d->outcome = NEXUS_OUTCOME_REFUSED_LEVEL;
	}
	nexus_decision_record(d);
	return d->outcome;
}
EXPORT_SYMBOL_GPL(nexus_decide);

/**
 * nexus_decisions_read() - decisions with an id above a cursor, oldest first
 * @cursor: the last id the caller has
 * @out: where to copy them
 * @max: capacity of @out
 *
 * Return: the number copied.
 */
int nexus_decisions_read(u64 cursor, struct nexus_decision *out,
			 unsigned int max)
{
	unsigned int n = 0;
	u64 id, first;

	spin_lock(&nexus_decisions_lock);
	first = nexus_decision_next_id > NEXUS_DECISIONS_LEN ?
		nexus_decision_next_id - NEXUS_DECISIONS_LEN : 1;
	for (id = max(cursor + 1, first); id < nexus_decision_next_id && n < max;
	     id++)
		out[n++] = nexus_decisions[id % NEXUS_DECISIONS_LEN];
	spin_unlock(&nexus_decisions_lock);
	return n;
}

/**
 * nexus_decisions_total() - decisions recorded since load
 *
 * Return: the count.
 */
u64 nexus_decisions_total(void)
{
	return READ_ONCE(nexus_decision_next_id) - 1;
}

/**
 * nexus_decisions_dump() - the audit log, one line per decision, for debugfs
 * @m: the seq_file
 */
void nexus_decisions_dump(struct seq_file *m)
{
	struct nexus_decision *d;
	u64 cursor = 0;
	int n, i;

	d = kmalloc_array(16, sizeof(*d), GFP_KERNEL);
	if (!d)
		return;
	seq_puts(m, "# id ts_ns level kind outcome result confidence source target old new reason\n");
	while ((n = nexus_decisions_read(cursor, d, 16)) > 0) {
		for (i = 0; i < n; i++) {
			const char *oc = d[i].outcome < NEXUS_OUTCOME_COUNT ?
				nexus_outcome_names[d[i].outcome] : "?";

			seq_printf(m, "%llu %llu %s %s %s %d %u %s %s %lld %lld %s\n",
				   d[i].id, d[i].ts_ns,
				   nexus_level_name(d[i].level),
				   nexus_decision_name(d[i].kind), oc,
				   d[i].result, d[i].confidence, d[i].source,
				   d[i].target[0] ? d[i].target : "-",
				   d[i].old_value, d[i].new_value, d[i].reason);
		}
		cursor = d[n - 1].id;
	}
	kfree(d);
}
