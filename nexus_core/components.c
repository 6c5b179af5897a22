// SPDX-License-Identifier: GPL-2.0
/*
 * Healable components: the core keeps the list, the healer acts on it.
 *
 * A module that can be healed (a driver instance, a NEXUS actuator such as
 * nexus_tune) registers a struct nexus_component_ops here, with the core,
 * not with nexus_heal: modules never call each other.  When a healer
 * (nexus_heal) is loaded it attaches as the provider and is handed every
 * component registered, before or after it came; when it unloads it
 * detaches from each (aborting their plans) and the components stay
 * registered, waiting for the next healer.  So either module can be loaded
 * or unloaded first.
 *
 * One mutex serialises the list and every call into the provider, so a
 * component's attach and detach never race with the healer coming or
 * going.  Detaching waits for a running step, so component callbacks must
 * not call the functions below (they would wait for themselves).
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/ctype.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <nexus/heal.h>
#include "internal.h"

struct nexus_comp_entry {
	struct list_head list;
	const struct nexus_component_ops *ops;
	bool attached;		/* the provider accepted it */
};

static LIST_HEAD(nexus_comps);
static unsigned int nexus_nr_comps;
static const struct nexus_heal_provider *nexus_healer;
/* The list, nexus_healer, and every call into the provider. */
static DEFINE_MUTEX(nexus_comps_lock);

static bool nexus_comp_name_valid(const char *name)
{
	size_t len, i;

	if (!name)
		return false;
	len = strnlen(name, NEXUS_SHORT_LEN);
	if (!len || len >= NEXUS_SHORT_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) && name[i] != '_')
			return false;
	return true;
}

static struct nexus_comp_entry *nexus_comp_find(const struct nexus_component_ops *ops,
						const char *name)
{
	struct nexus_comp_entry *e;

	lockdep_assert_held(&nexus_comps_lock);
	list_for_each_entry(e, &nexus_comps, list)
		if (e->ops == ops || (name && !strcmp(e->ops->name, name)))
			return e;
	return NULL;
}

/**
 * nexus_component_register() - have a component watched and healed
 * @ops: the component; must stay valid until nexus_component_unregister()
 *
 * While a healer (nexus_heal) is loaded it checks @ops->health every
 * poll_ms, takes checkpoints if @ops->checkpoint is set, and when the
 * component fails builds a recovery plan and runs it through
 * @ops->recover (at level healing and above; at correction the plan is
 * only shown).  Without a healer the component waits, registered, for
 * one.  Process context; not from a NEXUS module callback that runs under
 * the core's registry lock (init, tick, apply) nor from a component
 * callback.
 *
 * Return: 0; -EINVAL for a bad name or class, a missing @ops->health or
 * @ops->recover, or unknown flags, strategy or chaos bits; -EEXIST if the name is
 * taken; -ENOSPC beyond NEXUS_MAX_COMPONENTS; -ENOMEM; or the healer's
 * error.
 */
int nexus_component_register(const struct nexus_component_ops *ops)
{
	u32 all = GENMASK(NEXUS_HEAL_SURVIVAL_MODE, NEXUS_HEAL_SOFT_RESET);
	struct nexus_comp_entry *e;
	int ret;

	if (!ops || !nexus_comp_name_valid(ops->name) ||
	    !nexus_comp_name_valid(ops->class) || !ops->health ||
	    !ops->recover || (ops->strategies & ~all) ||
	    (ops->flags & ~NEXUS_COMPONENT_LADDER) ||
	    (ops->chaos_faults & ~GENMASK(NEXUS_HEAL_FAULT_MAX, 1)))
		return -EINVAL;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->ops = ops;
	mutex_lock(&nexus_comps_lock);
	ret = -EEXIST;
	if (nexus_comp_find(ops, ops->name))
		goto err;
	ret = -ENOSPC;
	if (nexus_nr_comps >= NEXUS_MAX_COMPONENTS)
		goto err;
	if (nexus_healer) {
		ret = nexus_healer->attach(ops);
		if (ret)
			goto err;
		e->attached = true;
	}
	list_add_tail(&e->list, &nexus_comps);
	nexus_nr_comps++;
	mutex_unlock(&nexus_comps_lock);
	return 0;
err:
	mutex_unlock(&nexus_comps_lock);
	kfree(e);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_component_register);

/**
 * nexus_component_unregister() - stop watching and healing a component
 * @ops: the ops it registered
 *
 * A running plan is aborted between steps; a step still running is asked
 * to stop through @ops->abort and waited for.  After this returns no
 * callback of @ops runs any more.  Process context; may sleep as long as a
 * step takes to return.
 */
void nexus_component_unregister(const struct nexus_component_ops *ops)
{
	struct nexus_comp_entry *e;

	mutex_lock(&nexus_comps_lock);
	e = nexus_comp_find(ops, NULL);
	if (e) {
		list_del(&e->list);
		nexus_nr_comps--;
		if (e->attached)
			nexus_healer->detach(ops);
	}
	mutex_unlock(&nexus_comps_lock);
	if (WARN_ON(!e))
		return;
	kfree(e);
}
EXPORT_SYMBOL_GPL(nexus_component_unregister);

/**
 * nexus_component_report() - a component reports a fault of its own
 * @ops: the registered component
 * @fault: fault class 1..NEXUS_HEAL_FAULT_MAX, or 0 if unknown
 *
 * Healing starts at once (the next poll is not awaited), also if a plan
 * for this fault gave up before.  Process context.
 *
 * Return: 0; -EINVAL for a bad fault class; -ENOENT if not registered;
 * -ENODEV if no healer is loaded (the report is not kept).
 */
int nexus_component_report(const struct nexus_component_ops *ops,
			   unsigned int fault)
{
	struct nexus_comp_entry *e;
	int ret;

	if (fault > NEXUS_HEAL_FAULT_MAX)
		return -EINVAL;
	mutex_lock(&nexus_comps_lock);
	e = nexus_comp_find(ops, NULL);
	if (!e)
		ret = -ENOENT;
	else if (!e->attached)
		ret = -ENODEV;
	else
		ret = nexus_healer->report(ops, fault);
	mutex_unlock(&nexus_comps_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_component_report);

/**
 * nexus_heal_provider_set() - a healer takes over the components
 * @p: its callbacks; valid until nexus_heal_provider_clear()
 *
 * @p->attach is called for every component registered now (one it
 * refuses stays registered, unattached, and is named in the log) and for
 * every one registered later.  Process context.
 *
 * Return: 0, -EINVAL for an incomplete @p, -EBUSY if a healer is set.
 */
int nexus_heal_provider_set(const struct nexus_heal_provider *p)
{
	struct nexus_comp_entry *e;
	int ret;

	if (!p || !p->attach || !p->detach || !p->report)
		return -EINVAL;
	mutex_lock(&nexus_comps_lock);
	if (nexus_healer) {
		mutex_unlock(&nexus_comps_lock);
		return -EBUSY;
	}
	nexus_healer = p;
	list_for_each_entry(e, &nexus_comps, list) {
		ret = p->attach(e->ops);
		e->attached = !ret;
		if (ret)
			pr_warn("healer refused component %s: %d\n",
				e->ops->name, ret);
	}
	mutex_unlock(&nexus_comps_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(nexus_heal_provider_set);

/**
 * nexus_heal_provider_clear() - the healer goes away
 * @p: what it passed to nexus_heal_provider_set()
 *
 * Detaches every component from it (each detach waits for the component's
 * running step); the components stay registered.  Process context.
 */
void nexus_heal_provider_clear(const struct nexus_heal_provider *p)
{
	struct nexus_comp_entry *e;

	mutex_lock(&nexus_comps_lock);
	if (!WARN_ON(nexus_healer != p)) {
		list_for_each_entry(e, &nexus_comps, list) {
			if (e->attached)
				p->detach(e->ops);
			e->attached = false;
		}
		nexus_healer = NULL;
	}
	mutex_unlock(&nexus_comps_lock);
}
EXPORT_SYMBOL_GPL(nexus_heal_provider_clear);
