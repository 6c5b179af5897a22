// SPDX-License-Identifier: GPL-2.0
/*
 * Hidden modules (LKRG's module-list integrity idea, done our way): a
 * rootkit module list_del()s its own struct module from the kernel's
 * module list, so lsmod, /proc/modules and delete_module() no longer find
 * it, while its code keeps running.  Guard keeps its own record of the
 * modules it knows and compares it, in the tick, with what the list shows.
 *
 * The record: every module that has a /sys/module kobject and is LIVE when
 * guard loads (the kobject leads to its struct module: the list's head is
 * not exported, so a walk of the list cannot tell the head from a module
 * without touching memory that is not a module), plus every module the
 * module notifier reports LIVE, minus every module it reports GOING.
 *
 * Lifetimes: a recorded struct module is never dereferenced after it was
 * recorded; the check only compares pointers.  The kernel frees a LIVE
 * module only after delete_module() has called the GOING notifiers, and
 * ours takes nxg_ml_lock, which the check holds: a module cannot leave the
 * list, nor its memory be freed, while the check looks for it, and once
 * GOING it is no longer looked for.  A hidden module cannot be unloaded
 * at all (delete_module() finds modules on the list).
 *
 * The walk: from THIS_MODULE's own list entry round the ring (the
 * kernel's head is one of its nodes, never dereferenced as a module)
 * under rcu_read_lock(), as the kernel's own lookups do; entries are
 * removed with list_del_rcu() and freed after synchronize_rcu().  The walk
 * is bounded: if guard's own entry were unlinked it would never come back.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/ctype.h>
#include <linux/hashtable.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/time64.h>
#include "guard.h"

/* Between two checks: the window in which a hiding is not yet seen. */
#define NXG_ML_PERIOD_NS	NSEC_PER_SEC
/* A list longer than this is not a list (guard's own entry unlinked). */
#define NXG_ML_WALK_MAX		65536
#define NXG_ML_ALLOW_MAX	8

struct nxg_mod {
	struct hlist_node node;
	const struct module *mod;	/* compared, never dereferenced */
	char name[MODULE_NAME_LEN];
	u64 gen;			/* the last check that saw it listed */
	u64 finding;			/* the open module_hidden finding */
	bool hidden;			/* reported: once per hiding */
};

static DEFINE_HASHTABLE(nxg_mods, 7);
/* GOING while a finding was open: resolved and freed by the next check. */
static HLIST_HEAD(nxg_ml_dead);
static DEFINE_MUTEX(nxg_ml_lock);
static u64 nxg_ml_gen;
static u64 nxg_ml_last_ns;
static bool nxg_ml_on;

static struct {
	u64 checks;
	u64 hidings;
	u64 allowed;
	u64 aborted;
	u64 untracked;
	unsigned int known;
} nxg_ml_stats;

static char nxg_ml_allow[NXG_ML_ALLOW_MAX][MODULE_NAME_LEN];
static unsigned int nxg_ml_nallow;

static struct nxg_mod *nxg_ml_find(const struct module *mod)
{
	struct nxg_mod *e;

	hash_for_each_possible(nxg_mods, e, node, (unsigned long)mod)
		if (e->mod == mod)
			return e;
	return NULL;
}

/* Record @mod (LIVE, nxg_ml_lock held); a failed allocation is counted. */
static void nxg_ml_add(const struct module *mod, gfp_t gfp)
{
	struct nxg_mod *e;

	if (nxg_ml_find(mod))
		return;
	e = kzalloc(sizeof(*e), gfp);
	if (!e) {
		nxg_ml_stats.untracked++;
		return;
	}
	e->mod = mod;
	strscpy(e->name, mod->name, sizeof(e->name));
	e->gen = nxg_ml_gen;
	hash_add(nxg_mods, &e->node, (unsigned long)mod);
	nxg_ml_stats.known++;
}

static int nxg_ml_notify(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	struct module *mod = data;
	struct nxg_mod *e;

	if (state != MODULE_STATE_LIVE && state != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&nxg_ml_lock);
	if (state == MODULE_STATE_LIVE) {
		nxg_ml_add(mod, GFP_KERNEL);
	} else {
		/* Before the kernel frees it: never compared again. */
		e = nxg_ml_find(mod);
		if (e) {
			hash_del(&e->node);
			nxg_ml_stats.known--;
			e->mod = NULL;
			if (e->finding)
				hlist_add_head(&e->node, &nxg_ml_dead);
			else
				kfree(e);
		}
	}
	mutex_unlock(&nxg_ml_lock);
	return NOTIFY_DONE;
}

static struct notifier_block nxg_ml_nb = {
	.notifier_call = nxg_ml_notify,
};

/*
 * The modules present now, through /sys/module: a kobject in the module
 * kset holds its struct module until the kernel has taken it out of the
 * kset (mod_sysfs_teardown(), before the module is freed), so under the
 * kset's lock mk->mod may be read.  Built-in modules' entries have no mod.
 */
static void nxg_ml_seed(void)
{
	const struct kobject *self = &THIS_MODULE->mkobj.kobj;
	struct kset *ks = self->kset;
	struct kobject *k;

	if (!ks)
		return;
	spin_lock(&ks->list_lock);
	list_for_each_entry(k, &ks->list, entry) {
		const struct module_kobject *mk;

		if (k->ktype != self->ktype)
			continue;
		mk = container_of(k, struct module_kobject, kobj);
		/* COMING ones are recorded by their LIVE notification. */
		if (mk->mod && READ_ONCE(mk->mod->state) == MODULE_STATE_LIVE)
			nxg_ml_add(mk->mod, GFP_ATOMIC);
	}
	spin_unlock(&ks->list_lock);
}

/* Mark every recorded module on the list with nxg_ml_gen; false: abort. */
static bool nxg_ml_walk(void)
{
	struct list_head *start = &THIS_MODULE->list, *pos;
	unsigned int steps = 0;
	struct nxg_mod *e;

	rcu_read_lock();
	for (pos = rcu_dereference(list_next_rcu(start)); pos != start;
	     pos = rcu_dereference(list_next_rcu(pos))) {
		if (++steps > NXG_ML_WALK_MAX) {
			rcu_read_unlock();
			return false;
		}
		/* The head's "module" is never found: only compared. */
		e = nxg_ml_find(container_of(pos, struct module, list));
		if (e)
			e->gen = nxg_ml_gen;
	}
	rcu_read_unlock();
	e = nxg_ml_find(THIS_MODULE);
	if (e)
		e->gen = nxg_ml_gen;
	return true;
}

static bool nxg_ml_allowed(const char *name)
{
	unsigned int i;

	for (i = 0; i < nxg_ml_nallow; i++)
		if (!strcmp(nxg_ml_allow[i], name))
			return true;
	return false;
}

static void nxg_ml_raise(struct nxg_mod *e, u64 now_ns)
{
	struct nxg_rec r = {
		.ts_ns = now_ns,
		.vector = NXG_V_MODHIDE,
		.level = NXG_LVL_ALERT,
		.comm = "-",
	};

	e->hidden = true;
	if (nxg_ml_allowed(e->name)) {
		nxg_ml_stats.allowed++;
		return;
	}
	nxg_ml_stats.hidings++;
	strscpy(r.what, e->name, sizeof(r.what));
	e->finding = nxg_threat_raise(&r, now_ns);
	pr_warn("module %s is hidden from the module list\n", e->name);
}

static void nxg_ml_clear(struct nxg_mod *e, const char *why)
{
	e->hidden = false;
	if (e->finding)
		nxg_threat_resolve(NXG_V_MODHIDE, e->finding, e->name, why);
	e->finding = 0;
}

/**
 * nxg_modlist_check() - compare the record with the module list
 * @now_ns: the tick's time
 *
 * From the tick, once every NXG_ML_PERIOD_NS.  A recorded module missing
 * from the list raises one module_hidden event (unless allow-listed); it
 * is raised again only after it was seen back on the list.
 */
void nxg_modlist_check(u64 now_ns)
{
	struct hlist_node *tmp;
	struct nxg_mod *e;
	unsigned int b;

	if (!nxg_ml_on || now_ns - nxg_ml_last_ns < NXG_ML_PERIOD_NS)
		return;
	nxg_ml_last_ns = now_ns;
	mutex_lock(&nxg_ml_lock);
	hlist_for_each_entry_safe(e, tmp, &nxg_ml_dead, node) {
		nxg_ml_clear(e, "unloaded");
		hlist_del(&e->node);
		kfree(e);
	}
	nxg_ml_gen++;
	nxg_ml_stats.checks++;
	if (!nxg_ml_walk()) {
		nxg_ml_stats.aborted++;
		mutex_unlock(&nxg_ml_lock);
		return;
	}
	hash_for_each(nxg_mods, b, e, node) {
		if (e->gen != nxg_ml_gen && !e->hidden)
			nxg_ml_raise(e, now_ns);
		else if (e->gen == nxg_ml_gen && e->hidden)
			nxg_ml_clear(e, "listed again");
	}
	mutex_unlock(&nxg_ml_lock);
}

/**
 * nxg_modlist_resolve() - resolve the open findings (guard stops watching)
 *
 * From the core's exit callback, while findings can still be published.
 */
void nxg_modlist_resolve(void)
{
	struct nxg_mod *e;
	unsigned int b;

	mutex_lock(&nxg_ml_lock);
	hash_for_each(nxg_mods, b, e, node)
		nxg_ml_clear(e, "no longer watched");
	hlist_for_each_entry(e, &nxg_ml_dead, node)
		nxg_ml_clear(e, "unloaded");
	mutex_unlock(&nxg_ml_lock);
}

static bool nxg_ml_char(char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/**
 * nxg_modlist_allow_set() - replace the module names that raise no event
 * @buf: module names separated by spaces, commas or newlines; an empty
 *	line clears the list
 *
 * Validated as a whole before anything changes.  Process context.
 *
 * Return: 0, -EINVAL (a character outside [A-Za-z0-9_-]), -ENAMETOOLONG
 * (a name of MODULE_NAME_LEN characters or more) or -E2BIG (more than
 * NXG_ML_ALLOW_MAX names).
 */
int nxg_modlist_allow_set(const char *buf)
{
	char names[NXG_ML_ALLOW_MAX][MODULE_NAME_LEN] = {};
	int n = nxg_list_parse(buf, &names[0][0], NXG_ML_ALLOW_MAX,
			       MODULE_NAME_LEN, nxg_ml_char);

	if (n < 0)
		return n;
	mutex_lock(&nxg_ml_lock);
	memcpy(nxg_ml_allow, names, sizeof(names));
	nxg_ml_nallow = n;
	mutex_unlock(&nxg_ml_lock);
	return 0;
}

/**
 * nxg_modlist_allow_show() - the allow-list for sysfs
 * @buf: the sysfs page
 *
 * Return: the length written.
 */
int nxg_modlist_allow_show(char *buf)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&nxg_ml_lock);
	for (i = 0; i < nxg_ml_nallow; i++)
		len += sysfs_emit_at(buf, len, "%s%s", i ? " " : "",
				     nxg_ml_allow[i]);
	mutex_unlock(&nxg_ml_lock);
	return len + sysfs_emit_at(buf, len, "\n");
}

/**
 * nxg_modlist_dump() - the record's counters and hidden modules
 * @m: the seq_file of guard_threats
 */
void nxg_modlist_dump(struct seq_file *m)
{
	struct nxg_mod *e;
	unsigned int b;

	mutex_lock(&nxg_ml_lock);
	seq_printf(m, "# modlist %s known %u checks %llu hidings %llu allowed %llu untracked %llu aborted %llu\n",
		   nxg_ml_on ? "armed" : "unavailable", nxg_ml_stats.known,
		   nxg_ml_stats.checks, nxg_ml_stats.hidings,
		   nxg_ml_stats.allowed, nxg_ml_stats.untracked,
		   nxg_ml_stats.aborted);
	hash_for_each(nxg_mods, b, e, node)
		if (e->hidden)
			seq_printf(m, "# hidden %s\n", e->name);
	mutex_unlock(&nxg_ml_lock);
}

/**
 * nxg_modlist_init() - the notifier first, then the modules present
 *
 * The notifier is in place before the seed reads the modules, so a module
 * that goes meanwhile is either seen GOING by the seed or removed by the
 * notifier, which waits for nxg_ml_lock.  Without the notifier nothing is
 * recorded (a GOING could not be seen): the vector is then unavailable.
 *
 * Return: 0.
 */
int nxg_modlist_init(void)
{
	int ret = register_module_notifier(&nxg_ml_nb);

	if (ret) {
		pr_info("module_list (module_hidden) not watched: %pe\n",
			ERR_PTR(ret));
		return 0;
	}
	mutex_lock(&nxg_ml_lock);
	nxg_ml_seed();
	nxg_ml_on = true;
	mutex_unlock(&nxg_ml_lock);
	return 0;
}

/**
 * nxg_modlist_exit() - forget the record; no tick runs any more
 */
void nxg_modlist_exit(void)
{
	struct hlist_node *tmp;
	struct nxg_mod *e;
	unsigned int b;

	if (!nxg_ml_on)
		return;
	/* Waits for a notifier call in progress. */
	unregister_module_notifier(&nxg_ml_nb);
	nxg_ml_on = false;
	hash_for_each_safe(nxg_mods, b, tmp, e, node) {
		hash_del(&e->node);
		kfree(e);
	}
	hlist_for_each_entry_safe(e, tmp, &nxg_ml_dead, node) {
		hlist_del(&e->node);
		kfree(e);
	}
	nxg_ml_stats.known = 0;
}
