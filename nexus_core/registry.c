// SPDX-License-Identifier: GPL-2.0
/*
 * The module ops table: pluggable modules register a const
 * struct nexus_module_ops and the core calls them: the engine (tick,
 * events), debugfs readers (dump) and /dev/nexus (read_records).
 *
 * Every module callback runs with nexus_registry_lock held, and
 * nexus_unregister_module() takes it to unlink the module, so once
 * unregistration returns no callback of that module runs any more: a module
 * can be unloaded while the engine runs.  The core itself cannot be unloaded
 * while a module is registered, because every module uses its symbols.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/list.h>
#include <linux/module.h>
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/prandom.h>
#include <linux/export.h>
#include "internal.h"

struct nexus_registered {
	struct list_head list;
	const struct nexus_module_ops *ops;
	void *sysfs;
	void *debugfs;
	struct nexus_module_stats st;
};

static LIST_HEAD(nexus_modules);
/* Held around every module callback and the list; see the top comment. */
DEFINE_MUTEX(nexus_registry_lock);
static unsigned int nexus_nr_modules;

static bool nexus_module_name_valid(const char *name)
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

/* The registered module that provides record @kind, or NULL. */
static struct nexus_registered *nexus_find_provider(u32 kind)
{
	struct nexus_registered *r;

	lockdep_assert_held(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list)
		if (r->ops->record_kinds & NEXUS_REC_MASK(kind))
			return r;
	return NULL;
}

/* A module's record kinds: known, not the core's, with a callback. */
static bool nexus_record_kinds_valid(const struct nexus_module_ops *ops)
{
	u32 known = GENMASK(NEXUS_REC_KIND_COUNT - 1, 0) &
		    ~NEXUS_REC_MASK(NEXUS_REC_NONE) &
		    ~NEXUS_REC_MASK(NEXUS_REC_METRIC);

	if (ops->record_kinds & ~known)
		return false;
	return !ops->record_kinds == !ops->read_records;
}

static struct nexus_registered *nexus_find_module(const char *name)
{
	struct nexus_registered *r;

	lockdep_assert_held(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list)
		if (!strcmp(r->ops->name, name))
			return r;
	return NULL;
}

/**
 * nexus_register_module() - plug a module into NEXUS
 * @ops: its ops table; must stay valid until nexus_unregister_module()
 *
 * Calls @ops->init, then creates /sys/kernel/nexus/modules/<name>/ and
 * /sys/kernel/debug/nexus/<name>.  Process context.
 *
 * Return: 0; -EINVAL for a bad name, an ABI version other than
 * NEXUS_MODULE_ABI, or record kinds that are unknown, the core's, or
 * without a @read_records callback; -EEXIST if the name is taken; -EBUSY if
 * another module provides one of its record kinds; -ENOMEM; or the error of
 * @ops->init.
 */
int nexus_register_module(const struct nexus_module_ops *ops)
{
	struct nexus_registered *r;
	u32 kind;
	int ret;

	if (!ops || !nexus_module_name_valid(ops->name)) {
		pr_err("register: invalid module name\n");
		return -EINVAL;
	}
	if (ops->abi_version != NEXUS_MODULE_ABI) {
		pr_err("register %s: module ABI %u, core speaks %u; rebuild the module\n",
		       ops->name, ops->abi_version, NEXUS_MODULE_ABI);
		return -EINVAL;
	}
	if (ops->min_level > NEXUS_LEVEL_MAX || ops->priority > 9) {
		pr_err("register %s: min_level or priority out of range\n",
		       ops->name);
		return -EINVAL;
	}
	if (!nexus_record_kinds_valid(ops)) {
		pr_err("register %s: record kinds %#x invalid\n", ops->name,
		       ops->record_kinds);
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ops = ops;
	r->st.enabled = true;

	mutex_lock(&nexus_registry_lock);
	ret = -EEXIST;
	if (nexus_find_module(ops->name)) {
		pr_err("register %s: a module of that name is registered\n",
		       ops->name);
		goto err_unlock;
	}
	for (kind = 0; kind < NEXUS_REC_KIND_COUNT; kind++) {
		struct nexus_registered *p;

		if (!(ops->record_kinds & NEXUS_REC_MASK(kind)))
			continue;
		p = nexus_find_provider(kind);
		if (p) {
			pr_err("register %s: record kind %u is provided by %s\n",
			       ops->name, kind, p->ops->name);
			ret = -EBUSY;
			goto err_unlock;
		}
	}
	if (ops->init) {
		ret = ops->init();
		if (ret)
			goto err_unlock;
	}
	ret = nexus_sysfs_add_module(ops, &r->st, &r->sysfs);
	if (ret)
		goto err_exit;
	r->debugfs = nexus_debugfs_add_module(ops);
	list_add_tail(&r->list, &nexus_modules);
	nexus_nr_modules++;
	mutex_unlock(&nexus_registry_lock);

	pr_info("module %s registered (min level %s)\n", ops->name,
		nexus_level_name(ops->min_level));
	nexus_stream_emit(NEXUS_EV_MODULE, 0, 1, 0);
	return 0;

err_exit:
	if (ops->exit)
		ops->exit();
err_unlock:
	mutex_unlock(&nexus_registry_lock);
	kfree(r);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_register_module);

/**
 * nexus_unregister_module() - unplug a module
 * @ops: the ops table it registered
 *
 * Waits for a running engine tick; afterwards no callback of @ops runs.
 * Calls @ops->exit last.  Process context.
 */
void nexus_unregister_module(const struct nexus_module_ops *ops)
{
	struct nexus_registered *r, *found = NULL;

	mutex_lock(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list) {
		if (r->ops == ops) {
			found = r;
			list_del(&r->list);
			nexus_nr_modules--;
			break;
		}
	}
	mutex_unlock(&nexus_registry_lock);
	if (WARN_ON(!found))
		return;
	nexus_debugfs_remove_files(ops);
	nexus_debugfs_del_module(found->debugfs);
	nexus_sysfs_del_module(found->sysfs);
	if (ops->exit)
		ops->exit();
	kfree(found);
	pr_info("module %s unregistered\n", ops->name);
	nexus_stream_emit(NEXUS_EV_MODULE, 0, 0, 0);
}
EXPORT_SYMBOL_GPL(nexus_unregister_module);

static bool nexus_chaos_tick_skip(void)
{
	const struct nexus_chaos_config *ch = &nexus_cfg.chaos;

	if (!READ_ONCE(ch->enabled) ||
	    !(READ_ONCE(ch->targets) & NEXUS_CHAOS_TICK_SKIP))
		return false;
	return get_random_u32_below(1000) < READ_ONCE(ch->rate_permille);
}

/* Work units a module tick is charged, besides what the module charges. */
#define NEXUS_TICK_UNITS	10

/**
 * nexus_registry_tick() - run every module's tick
 * @now_ns: monotonic time of this tick
 * @level: the level in force
 * @shed_low: CPU budget pressure: skip modules with priority below 5
 * @shed_below: on request: skip modules with priority below it (0: none)
 *
 * Engine context.
 */
void nexus_registry_tick(u64 now_ns, enum nexus_level level, bool shed_low,
			 unsigned int shed_below)
{
	struct nexus_registered *r;

	mutex_lock(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list) {
		if (!READ_ONCE(r->st.enabled) || !r->ops->tick ||
		    level < r->ops->min_level)
			continue;
		if ((shed_low && r->ops->priority < 5) ||
		    r->ops->priority < shed_below ||
		    nexus_chaos_tick_skip() ||
		    !nexus_work_charge(NEXUS_TICK_UNITS)) {
			WRITE_ONCE(r->st.shed, r->st.shed + 1);
			nexus_engine_note_shed(1);
			continue;
		}
		r->ops->tick(now_ns);
		WRITE_ONCE(r->st.ticks, r->st.ticks + 1);
	}
	mutex_unlock(&nexus_registry_lock);
}

/**
 * nexus_registry_event() - deliver one bus event to the modules that want it
 * @ev: the event
 * @level: the level in force
 *
 * Engine context.
 */
void nexus_registry_event(const struct nexus_event *ev, enum nexus_level level)
{
	struct nexus_registered *r;

	if (ev->type >= 32)
		return;
	mutex_lock(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list) {
		if (!READ_ONCE(r->st.enabled) || !r->ops->on_event ||
		    level < r->ops->min_level ||
		    !(r->ops->event_mask & NEXUS_EV_MASK(ev->type)))
			continue;
		r->ops->on_event(ev);
		WRITE_ONCE(r->st.events, r->st.events + 1);
	}
	mutex_unlock(&nexus_registry_lock);
}

/**
 * nexus_registry_records() - read records of a kind from its provider
 * @kind: a module's enum nexus_record_kind (not NEXUS_REC_METRIC)
 * @offset: index of the first record
 * @buf: zeroed room for @max records of the kind's struct
 * @max: records wanted
 * @total: set to the records the provider holds
 *
 * The provider's @read_records runs under nexus_registry_lock, so it is
 * serialised with its other callbacks exactly as its debugfs dump is, and
 * with a reference on its module: one whose unload has begun counts as
 * gone.  Process context.
 *
 * Return: records written, -ENODEV if no registered module provides @kind,
 * or the provider's -errno.
 */
int nexus_registry_records(u32 kind, u64 offset, void *buf, unsigned int max,
			   u64 *total)
{
	struct nexus_registered *r;
	int ret = -ENODEV;

	mutex_lock(&nexus_registry_lock);
	r = nexus_find_provider(kind);
	if (r && try_module_get(r->ops->owner)) {
		*total = 0;
		ret = r->ops->read_records(kind, offset, buf, max, total);
		/* It wrote past @buf: say so rather than copy it out. */
		if (WARN_ON_ONCE(ret > (int)max))
			ret = -EIO;
		module_put(r->ops->owner);
	}
	mutex_unlock(&nexus_registry_lock);
	return ret;
}

/**
 * nexus_registry_count() - modules registered
 *
 * Return: the count.
 */
unsigned int nexus_registry_count(void)
{
	return READ_ONCE(nexus_nr_modules);
}

/**
 * nexus_module_kobject() - a module's sysfs directory, for subdirectories
 * @ops: the registered module
 *
 * /sys/kernel/nexus/modules/<name>/: a module may add kobjects below it
 * and must remove them before nexus_unregister_module(), which removes
 * the directory.  Process context.
 *
 * Return: the kobject (valid until nexus_unregister_module()), or NULL if
 * @ops is not registered.
 */
struct kobject *nexus_module_kobject(const struct nexus_module_ops *ops)
{
	struct nexus_registered *r;
	struct kobject *kobj = NULL;

	mutex_lock(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list) {
		if (r->ops == ops) {
			kobj = nexus_sysfs_module_kobj(r->sysfs);
			break;
		}
	}
	mutex_unlock(&nexus_registry_lock);
	return kobj;
}
EXPORT_SYMBOL_GPL(nexus_module_kobject);

/**
 * nexus_registry_dump() - the registered modules, for debugfs
 * @m: the seq_file
 *
 * Called with nexus_registry_lock held.
 */
void nexus_registry_dump(struct seq_file *m)
{
	struct nexus_registered *r;

	seq_puts(m, "# name min_level priority enabled ticks events shed\n");
	lockdep_assert_held(&nexus_registry_lock);
	list_for_each_entry(r, &nexus_modules, list)
		seq_printf(m, "%s %s %u %d %llu %llu %llu\n", r->ops->name,
			   nexus_level_name(r->ops->min_level), r->ops->priority,
			   r->st.enabled, r->st.ticks, r->st.events, r->st.shed);
}
