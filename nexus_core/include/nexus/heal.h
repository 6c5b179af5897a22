/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NEXUS healing: what a kernel component registers with the core to be
 * watched and healed by nexus_heal.ko.  See Documentation/heal.rst.
 *
 * A component is one instance of something that can fail and be recovered
 * (a driver instance, a cache, a NEXUS actuator).  It registers a const
 * struct nexus_component_ops with nexus_core; while nexus_heal is loaded it
 * polls its health, takes periodic checkpoints, and when it fails builds a
 * recovery plan along the escalation chain and runs its steps through
 * @recover.  Neither module depends on the other: the core hands the
 * components to the healer (struct nexus_heal_provider).
 */
#ifndef _NEXUS_HEAL_H
#define _NEXUS_HEAL_H

#include <linux/types.h>
#include <linux/bits.h>
#include <linux/nexus.h>

struct module;

/* A strategy's bit in nexus_component_ops.strategies. */
#define NEXUS_HEAL_CAP(s)	BIT(s)

/* Fault classes are 1..NEXUS_HEAL_FAULT_MAX; 0 means "unknown fault". */
#define NEXUS_HEAL_FAULT_MAX	15
/*
 * Reserved: nexus_heal reports it when the kernel oopses in the code of the
 * module that registered the component (the die notifier).  A component's
 * own classes are 1..NEXUS_HEAL_FAULT_OOPS - 1.
 */
#define NEXUS_HEAL_FAULT_OOPS	NEXUS_HEAL_FAULT_MAX

/* nexus_component_ops.flags */
#define NEXUS_COMPONENT_LADDER	BIT(0)	/* plans always climb from the bottom */

/* Components registered at most. */
#define NEXUS_MAX_COMPONENTS	64

/**
 * struct nexus_component_ops - a healable component.
 * @name: unique instance name ([a-z0-9_], < NEXUS_SHORT_LEN).
 * @class: component class ([a-z0-9_], < NEXUS_SHORT_LEN); what the healer
 *	learns is kept per class and fault class, so instances of one class
 *	share it.
 * @owner: THIS_MODULE; a reference is held while a callback runs.
 * @flags: NEXUS_COMPONENT_*.  LADDER: what was learned does not reorder
 *	the rungs, so a milder step is always tried before a harsher one.
 * @strategies: NEXUS_HEAL_CAP() of each enum nexus_healing_strategy that
 *	@recover implements.  Rungs a component lacks are skipped.
 * @chaos_faults: bit n set: chaos may inject fault class n through @inject.
 *	0 (or no @inject): the component did not opt in and injection is
 *	refused.
 * @priv: passed to every callback.
 * @health: required.  0 if healthy, a fault class 1..NEXUS_HEAL_FAULT_MAX,
 *	or a negative errno (unknown fault).  Called from a workqueue; must
 *	not block for long.
 * @recover: required.  Execute strategy @s (for FullRollback, restore the
 *	checkpoint @cookie); 0 when done, -errno when it could not be done.
 *	Runs in a workqueue under healing_timeout_ms: a step that has not
 *	returned by then counts as failed, @abort is called, and the next
 *	step may run while the late one is still returning, so a component
 *	serialises its own state.
 * @checkpoint: optional.  Save the current (healthy) state; return 0 and
 *	an opaque cookie, or -errno.  Needed for FullRollback.
 * @abort: optional.  A step exceeded healing_timeout_ms or the component
 *	is going away: make a running @recover return soon.
 * @inject: optional.  Chaos: make fault class @fault happen.
 */
struct nexus_component_ops {
	const char *name;
	const char *class;
	struct module *owner;
	u32 flags;
	u32 strategies;
	u32 chaos_faults;
	void *priv;
	int (*health)(void *priv);
	int (*recover)(void *priv, enum nexus_healing_strategy s, u64 cookie);
	int (*checkpoint)(void *priv, u64 *cookie);
	void (*abort)(void *priv);
	int (*inject)(void *priv, unsigned int fault);
};

int nexus_component_register(const struct nexus_component_ops *ops);
void nexus_component_unregister(const struct nexus_component_ops *ops);
int nexus_component_report(const struct nexus_component_ops *ops,
			   unsigned int fault);

/**
 * struct nexus_heal_provider - the healer's side (nexus_heal only).
 * @attach: start watching a component; 0 or -errno (it is then not
 *	watched).
 * @detach: stop: abort its plan, wait for a running step; after it
 *	returns no callback of the component runs.
 * @report: the component reported fault class @fault (0 unknown).
 *
 * The core calls them under one mutex, never concurrently.
 */
struct nexus_heal_provider {
	int (*attach)(const struct nexus_component_ops *ops);
	void (*detach)(const struct nexus_component_ops *ops);
	int (*report)(const struct nexus_component_ops *ops, unsigned int fault);
};

int nexus_heal_provider_set(const struct nexus_heal_provider *p);
void nexus_heal_provider_clear(const struct nexus_heal_provider *p);

#endif /* _NEXUS_HEAL_H */
