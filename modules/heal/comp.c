// SPDX-License-Identifier: GPL-2.0
/*
 * Components: registration, the monitor (health checks, failure history,
 * checkpoints, chaos at a rate) and chaos on demand.
 *
 * The monitor is one delayed work on nxh_wq, every poll_ms.  It never holds
 * nxh_lock while it calls a component: it takes a snapshot of references,
 * drops the lock, calls, and takes the lock again to record the result.
 * Recovery steps run elsewhere (plan.c), each under healing_timeout_ms.
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "heal.h"

static LIST_HEAD(nxh_comps);
static unsigned int nxh_nr_comps;
static struct delayed_work nxh_monitor;
static bool nxh_running;	/* the monitor may re-arm itself */

/* Chaos: a xorshift64* sequence seeded from chaos.seed. */
static u64 nxh_prng;
static u64 nxh_prng_seed;
static bool nxh_chaos_was_on;
struct nxh_chaos_rec {
	u64 epoch;		/* seeding it belongs to */
	u64 idx;		/* rate: n-th injection of the epoch */
	char comp[NEXUS_SHORT_LEN];
	u8 fault;
	bool on_demand;
};

static struct nxh_chaos_rec nxh_chaos_log[NXH_CHAOS_LOG];
static u64 nxh_chaos_n;		/* records ever written */
static u64 nxh_chaos_epoch;	/* (re)seedings of the sequence */
static u64 nxh_chaos_idx;	/* rate injections in this epoch */

static u64 nxh_prng_next(void)
{
	u64 x = nxh_prng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	nxh_prng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static struct nxh_comp *nxh_find(const char *name)
{
	struct nxh_comp *hc;

	lockdep_assert_held(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list)
		if (!strcmp(hc->ops->name, name))
			return hc;
	return NULL;
}

static void nxh_comp_release(struct kref *ref)
{
	nexus_kfree(container_of(ref, struct nxh_comp, ref));
}

/**
 * nxh_comp_get() - a reference to a registered component
 * @name: its name
 *
 * Return: the component with a reference held, or NULL.
 */
struct nxh_comp *nxh_comp_get(const char *name)
{
	struct nxh_comp *hc;

	mutex_lock(&nxh_lock);
	hc = nxh_find(name);
	if (hc)
		kref_get(&hc->ref);
	mutex_unlock(&nxh_lock);
	return hc;
}

/**
 * nxh_comp_put() - drop a reference taken by nxh_comp_get()
 * @hc: the component
 */
void nxh_comp_put(struct nxh_comp *hc)
{
	kref_put(&hc->ref, nxh_comp_release);
}

/**
 * nxh_kick() - run the monitor now rather than at its next period
 */
void nxh_kick(void)
{
	if (READ_ONCE(nxh_running))
		mod_delayed_work(nxh_wq, &nxh_monitor, 0);
}

/**
 * nxh_enter() - count a callback of @hc as in flight, unless it unregisters
 * @hc: the component
 *
 * Pairs with nexus_component_unregister(), which sets dead and then waits
 * for no call in flight: either it sees this call, or this call sees dead.
 *
 * Return: true if the caller may call @hc (then nxh_leave() after).
 */
bool nxh_enter(struct nxh_comp *hc)
{
	atomic_inc(&hc->inflight);
	/* Order the count before reading dead; pairs with unregister's mb. */
	smp_mb__after_atomic();
	if (!READ_ONCE(hc->dead))
		return true;
	nxh_leave(hc);
	return false;
}

/**
 * nxh_leave() - a callback counted by nxh_enter() returned
 * @hc: the component
 */
void nxh_leave(struct nxh_comp *hc)
{
	if (atomic_dec_and_test(&hc->inflight))
		wake_up_all(&hc->wq);
}

/**
 * nxh_attach() - watch and heal a component (the provider's attach)
 * @ops: the component, validated by the core; valid until nxh_detach()
 *
 * From now on its health is checked every poll_ms, checkpoints are taken
 * every checkpoint_interval_ms if @ops->checkpoint is set, and when it
 * fails a recovery plan runs through @ops->recover.  Called by the core
 * under its components lock.
 *
 * Return: 0, -EEXIST if the name is taken, -ENOSPC beyond
 * NXH_MAX_COMPONENTS, -ENOMEM.
 */
static int nxh_attach(const struct nexus_component_ops *ops)
{
	struct nxh_comp *hc;
	int ret;

	hc = nexus_kzalloc(sizeof(*hc), GFP_KERNEL);
	if (!hc)
		return -ENOMEM;
	kref_init(&hc->ref);
	hc->ops = ops;
	INIT_WORK(&hc->plan_work, nxh_plan_work);
	atomic_set(&hc->inflight, 0);
	init_waitqueue_head(&hc->wq);

	mutex_lock(&nxh_lock);
	ret = -EEXIST;
	if (nxh_find(ops->name))
		goto err;
	ret = -ENOSPC;
	if (nxh_nr_comps >= NXH_MAX_COMPONENTS)
		goto err;
	list_add_tail(&hc->list, &nxh_comps);
	nxh_nr_comps++;
	mutex_unlock(&nxh_lock);
	nxh_sysfs_add(hc);
	pr_info("component %s (class %s) attached\n", ops->name, ops->class);
	nxh_kick();
	return 0;
err:
	mutex_unlock(&nxh_lock);
	nexus_kfree(hc);
	return ret;
}

/**
 * nxh_detach() - stop watching and healing a component (the provider's detach)
 * @ops: the ops attached
 *
 * A running plan is aborted between steps; a step still running is asked
 * to stop through @ops->abort (again every 100 ms) and waited for.  After
 * this returns no callback of @ops runs any more.  May sleep as long as a
 * step takes to return.
 */
static void nxh_detach(const struct nexus_component_ops *ops)
{
	struct nxh_comp *hc, *found = NULL;

	mutex_lock(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list) {
		if (hc->ops == ops) {
			found = hc;
			list_del(&hc->list);
			nxh_nr_comps--;
			WRITE_ONCE(hc->dead, true);
			break;
		}
	}
	mutex_unlock(&nxh_lock);
	if (WARN_ON(!found))
		return;
	nxh_sysfs_del(found);
	/* Order dead before reading inflight; pairs with nxh_enter(). */
	smp_mb();
	wake_up_all(&found->wq);
	while (!wait_event_timeout(found->wq, !atomic_read(&found->inflight),
				   HZ / 10)) {
		if (ops->abort)
			ops->abort(ops->priv);
	}
	/* The plan loop sees dead and stops; its last call has returned. */
	flush_work(&found->plan_work);
	pr_info("component %s detached\n", ops->name);
	nxh_comp_put(found);
}

/**
 * nxh_report() - a component reported a fault (the provider's report)
 * @ops: the component
 * @fault: fault class 1..NEXUS_HEAL_FAULT_MAX, or 0 if unknown
 *
 * Healing starts at once, also if a plan for this fault gave up before.
 *
 * Return: 0, -ENOENT if not attached.
 */
static int nxh_report(const struct nexus_component_ops *ops, unsigned int fault)
{
	struct nxh_comp *hc;
	int ret = -ENOENT;

	mutex_lock(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list) {
		if (hc->ops == ops) {
			hc->reported = fault ? fault : -1;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&nxh_lock);
	if (!ret)
		nxh_kick();
	return ret;
}

const struct nexus_heal_provider nxh_provider = {
	.attach = nxh_attach,
	.detach = nxh_detach,
	.report = nxh_report,
};

/**
 * nxh_comp_found() - a finding names a component: report it
 * @f: an active prediction or anomaly recommending recovery
 * @name: the component it is mapped to, or NULL: the first word of
 *	@f->component
 *
 * The component gets a report of a fault of unknown class, once per
 * finding.  Engine context.
 *
 * Return: true if a component was reported.
 */
bool nxh_comp_found(const struct nexus_finding *f, const char *name)
{
	struct nxh_comp *hc;
	bool ret = false;

	mutex_lock(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list) {
		size_t n = strlen(hc->ops->name);

		if (name ? strcmp(name, hc->ops->name) :
		    strncmp(f->component, hc->ops->name, n) ||
		    (f->component[n] && f->component[n] != ' '))
			continue;
		if (hc->last_finding != f->id) {
			hc->last_finding = f->id;
			hc->found++;
			if (!hc->reported)
				hc->reported = -1;
			ret = true;
		}
		break;
	}
	mutex_unlock(&nxh_lock);
	return ret;
}

/**
 * nxh_comp_oops() - the kernel oopsed in a module's code: report its
 * components
 * @module: the module's name
 *
 * Every component @module registered gets fault class
 * NEXUS_HEAL_FAULT_OOPS, whatever its health check says.  Monitor context.
 *
 * Return: the number of components reported.
 */
unsigned int nxh_comp_oops(const char *module)
{
	struct nxh_comp *hc;
	unsigned int n = 0;

	mutex_lock(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list) {
		if (!hc->ops->owner || strcmp(hc->ops->owner->name, module))
			continue;
		hc->reported = NEXUS_HEAL_FAULT_OOPS;
		hc->oopses++;
		n++;
	}
	mutex_unlock(&nxh_lock);
	return n;
}

/**
 * nxh_call_health() - a component's health, as a fault class
 * @hc: the component (a reference held)
 *
 * Return: 0 healthy, 1..NEXUS_HEAL_FAULT_MAX a fault, -1 for a fault of
 * unknown class (any other value the component returns), -ENODEV while it
 * unregisters or unloads.
 */
int nxh_call_health(struct nxh_comp *hc)
{
	const struct nexus_component_ops *ops = hc->ops;
	int h = -ENODEV;

	if (!nxh_enter(hc))
		return -ENODEV;
	if (try_module_get(ops->owner)) {
		h = ops->health(ops->priv);
		module_put(ops->owner);
		if (h < 0 || h > NEXUS_HEAL_FAULT_MAX)
			h = -1;
	}
	nxh_leave(hc);
	return h;
}

static void nxh_chaos_record(const char *comp, unsigned int fault,
			     bool on_demand)
{
	struct nxh_chaos_rec *r;

	lockdep_assert_held(&nxh_lock);
	r = &nxh_chaos_log[nxh_chaos_n++ % NXH_CHAOS_LOG];
	r->epoch = nxh_chaos_epoch;
	r->idx = on_demand ? 0 : nxh_chaos_idx++;
	strscpy(r->comp, comp, sizeof(r->comp));
	r->fault = fault;
	r->on_demand = on_demand;
}

static int nxh_inject(struct nxh_comp *hc, unsigned int fault, bool on_demand)
{
	int ret;

	if (!nxh_enter(hc))
		return -ENODEV;
	ret = -ENODEV;
	if (try_module_get(hc->ops->owner)) {
		ret = hc->ops->inject(hc->ops->priv, fault);
		module_put(hc->ops->owner);
	}
	nxh_leave(hc);
	if (!ret) {
		mutex_lock(&nxh_lock);
		hc->injected++;
		nxh_chaos_record(hc->ops->name, fault, on_demand);
		mutex_unlock(&nxh_lock);
	}
	return ret;
}

/**
 * nxh_chaos_inject() - inject a fault on demand (the sysfs "inject" file)
 * @name: the component
 * @fault: fault class 1..NEXUS_HEAL_FAULT_MAX
 *
 * Return: 0; -EPERM unless chaos.enabled with the component target;
 * -ENOENT for no such component; -EOPNOTSUPP if it did not opt in to
 * @fault; or the component's error.
 */
int nxh_chaos_inject(const char *name, unsigned int fault)
{
	struct nexus_chaos_params ch;
	struct nxh_comp *hc;
	int ret;

	nexus_chaos_config(&ch);
	if (!ch.enabled || !(ch.targets & NEXUS_CHAOS_COMPONENT))
		return -EPERM;
	hc = nxh_comp_get(name);
	if (!hc)
		return -ENOENT;
	ret = -EOPNOTSUPP;
	if (hc->ops->inject && (hc->ops->chaos_faults & BIT(fault)))
		ret = nxh_inject(hc, fault, true);
	nxh_comp_put(hc);
	if (!ret)
		nxh_kick();
	return ret;
}

/* Chaos at a rate: one draw per opted-in component per poll. */
static void nxh_chaos_tick(struct nxh_comp **snap, unsigned int n)
{
	struct nexus_chaos_params ch;
	unsigned int i;

	nexus_chaos_config(&ch);
	if (!ch.enabled || !(ch.targets & NEXUS_CHAOS_COMPONENT)) {
		nxh_chaos_was_on = false;
		return;
	}
	mutex_lock(&nxh_lock);
	if (!nxh_chaos_was_on || ch.seed != nxh_prng_seed) {
		/* Same seed, same sequence: restart it in a new epoch. */
		nxh_prng_seed = ch.seed;
		nxh_prng = ch.seed ? ch.seed : 0x9e3779b97f4a7c15ULL;
		nxh_chaos_epoch++;
		nxh_chaos_idx = 0;
	}
	mutex_unlock(&nxh_lock);
	nxh_chaos_was_on = true;
	for (i = 0; i < n; i++) {
		u32 mask = snap[i]->ops->inject ? snap[i]->ops->chaos_faults : 0;
		unsigned int k, fault;

		if (!mask)
			continue;
		if ((u32)(nxh_prng_next() % 1000) >= ch.rate_permille)
			continue;
		k = nxh_prng_next() % hweight32(mask);
		fault = __ffs(mask);
		while (k--) {
			mask &= ~BIT(fault);
			fault = __ffs(mask);
		}
		nxh_inject(snap[i], fault, false);
	}
}

/* Plan now?  Not again for a fault that gave up or was shown already. */
static bool nxh_want_plan(struct nxh_comp *hc, u8 fault, bool reported,
			  enum nexus_level level)
{
	if (hc->planning || hc->dead)
		return false;
	if (reported || hc->last_fault != fault)
		return true;
	switch (hc->last_status) {
	case NXH_PLAN_GAVE_UP:
		return false;
	case NXH_PLAN_SUGGESTED:
		return level >= NEXUS_LEVEL_HEALING;
	default:
		return true;
	}
}

static void nxh_check_one(struct nxh_comp *hc, enum nexus_level level,
			  const struct nexus_healing_params *cfg, u64 now)
{
	int h = nxh_call_health(hc);
	bool reported = false, ckpt = false;
	u64 cookie;
	u8 fault;

	if (h == -ENODEV)
		return;
	mutex_lock(&nxh_lock);
	if (hc->reported) {
		reported = true;
		/* An oops is the cause of whatever the health check sees. */
		if (!h || hc->reported == NEXUS_HEAL_FAULT_OOPS)
			h = hc->reported;
		hc->reported = 0;
	}
	fault = h > 0 ? h : 0;
	if (h && (!hc->health || reported || fault != hc->fault)) {
		/* A new failure: into the history. */
		hc->failures++;
		hc->fault_count[fault]++;
		if (!hc->first_failure_ns)
			hc->first_failure_ns = now;
		hc->last_failure_ns = now;
	}
	hc->health = h;
	if (h) {
		hc->fault = fault;
		if (level >= NEXUS_LEVEL_CORRECTION && cfg->enabled &&
		    nxh_want_plan(hc, fault, reported, level)) {
			hc->planning = true;
			queue_work(nxh_wq, &hc->plan_work);
		}
	} else {
		/* Healthy again: a fault seen later is a new episode. */
		hc->last_status = NXH_PLAN_NONE;
		hc->last_fault = 0;
		if (hc->ops->checkpoint && cfg->max_rollback_depth &&
		    !hc->planning &&
		    now - hc->last_ckpt_ns >=
		    cfg->checkpoint_interval_ms * NSEC_PER_MSEC)
			ckpt = true;
	}
	mutex_unlock(&nxh_lock);
	if (!ckpt || !nxh_enter(hc))
		return;
	h = -ENODEV;
	if (try_module_get(hc->ops->owner)) {
		h = hc->ops->checkpoint(hc->ops->priv, &cookie);
		module_put(hc->ops->owner);
	}
	nxh_leave(hc);
	mutex_lock(&nxh_lock);
	hc->last_ckpt_ns = now;
	if (!h) {
		u32 depth = min_t(u32, cfg->max_rollback_depth, NXH_MAX_CKPT);

		/* Keep the newest max_rollback_depth cookies. */
		while (hc->ckpt_n >= depth && hc->ckpt_n) {
			memmove(hc->ckpt, hc->ckpt + 1,
				(hc->ckpt_n - 1) * sizeof(hc->ckpt[0]));
			hc->ckpt_n--;
		}
		hc->ckpt[hc->ckpt_n++] = cookie;
		hc->checkpoints++;
	}
	mutex_unlock(&nxh_lock);
}

static void nxh_monitor_fn(struct work_struct *work)
{
	static struct nxh_comp *snap[NXH_MAX_COMPONENTS];
	enum nexus_level level = nexus_current_level();
	struct nexus_healing_params cfg;
	struct nxh_comp *hc;
	unsigned int n = 0, i;
	u64 now = ktime_get_ns();

	nexus_healing_config(&cfg);
	nxh_oops_drain(level);
	if (level >= NEXUS_LEVEL_DETECTION) {
		mutex_lock(&nxh_lock);
		list_for_each_entry(hc, &nxh_comps, list) {
			kref_get(&hc->ref);
			snap[n++] = hc;
		}
		mutex_unlock(&nxh_lock);
		nxh_chaos_tick(snap, n);
		for (i = 0; i < n; i++) {
			nxh_check_one(snap[i], level, &cfg, now);
			nxh_comp_put(snap[i]);
		}
	}
	if (READ_ONCE(nxh_running))
		queue_delayed_work(nxh_wq, &nxh_monitor,
				   msecs_to_jiffies(READ_ONCE(nxh_knobs.poll_ms)));
}

/**
 * nxh_comp_init() - start the monitor
 *
 * Return: 0.
 */
int nxh_comp_init(void)
{
	INIT_DELAYED_WORK(&nxh_monitor, nxh_monitor_fn);
	WRITE_ONCE(nxh_running, true);
	queue_delayed_work(nxh_wq, &nxh_monitor, 0);
	return 0;
}

/**
 * nxh_comp_exit() - stop the monitor
 *
 * After nexus_heal_provider_clear(): no component is attached.
 */
void nxh_comp_exit(void)
{
	WRITE_ONCE(nxh_running, false);
	cancel_delayed_work_sync(&nxh_monitor);
	WARN_ON(!list_empty(&nxh_comps));
}

/**
 * nxh_comp_dump() - the components, their health and failure history
 * @m: the seq_file
 */
void nxh_comp_dump(struct seq_file *m)
{
	struct nxh_comp *hc;
	unsigned int f;

	seq_puts(m, "# component class health fault failures per_min plans last_plan checkpoints injected strategies chaos_faults findings history(fault:count)\n");
	mutex_lock(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list) {
		u64 span = hc->last_failure_ns - hc->first_failure_ns;
		u64 per_min = hc->failures;

		/* failures per minute over the span they were seen in */
		if (span >= NSEC_PER_SEC * 60)
			per_min = div64_u64(hc->failures * 60 * NSEC_PER_SEC,
					    span);
		seq_printf(m, "component %s %s %s %u %llu %llu %llu %s %llu %llu 0x%x 0x%x %llu",
			   hc->ops->name, hc->ops->class,
			   hc->health ? "faulty" : "ok", hc->fault,
			   hc->failures, per_min, hc->plans,
			   hc->planning ? "running" :
			   nxh_status_name(hc->plan.status), hc->checkpoints,
			   hc->injected, hc->ops->strategies,
			   hc->ops->inject ? hc->ops->chaos_faults : 0,
			   hc->found);
		for (f = 0; f < NXH_NFAULT; f++)
			if (hc->fault_count[f])
				seq_printf(m, " %u:%llu", f, hc->fault_count[f]);
		seq_putc(m, '\n');
	}
	list_for_each_entry(hc, &nxh_comps, list)
		nxh_plan_running_dump(m, hc);
	mutex_unlock(&nxh_lock);
}

/**
 * nxh_plan_running() - the plans running now, for records.c
 * @i: 0 for the first, in component order
 *
 * Under nxh_lock.
 *
 * Return: the @i-th running plan, or NULL when there are no more.
 */
const struct nxh_plan *nxh_plan_running(unsigned int i)
{
	struct nxh_comp *hc;

	lockdep_assert_held(&nxh_lock);
	list_for_each_entry(hc, &nxh_comps, list)
		if (hc->planning && hc->plan.status == NXH_PLAN_RUNNING && !i--)
			return &hc->plan;
	return NULL;
}

/**
 * nxh_chaos_dump() - the last injections, oldest first
 * @m: the seq_file
 */
void nxh_chaos_dump(struct seq_file *m)
{
	u64 s, first;

	seq_puts(m, "# chaos epoch index component fault how\n");
	mutex_lock(&nxh_lock);
	first = nxh_chaos_n > NXH_CHAOS_LOG ? nxh_chaos_n - NXH_CHAOS_LOG : 0;
	for (s = first; s < nxh_chaos_n; s++) {
		const struct nxh_chaos_rec *r = &nxh_chaos_log[s % NXH_CHAOS_LOG];

		seq_printf(m, "chaos %llu %llu %s %u %s\n", r->epoch, r->idx,
			   r->comp, r->fault, r->on_demand ? "demand" : "rate");
	}
	mutex_unlock(&nxh_lock);
}

/**
 * nxh_strategy_name() - a strategy's name
 * @s: enum nexus_healing_strategy
 *
 * Return: the name, "?" if out of range.
 */
const char *nxh_strategy_name(unsigned int s)
{
	static const char * const names[NEXUS_HEAL_COUNT] = {
		"monitor", "soft_reset", "hard_reset", "micro_rollback",
		"full_rollback", "reconstruct", "substitute", "quarantine",
		"survival_mode",
	};

	return s < NEXUS_HEAL_COUNT ? names[s] : "?";
}
