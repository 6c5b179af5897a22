// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_heal - the healing pipeline: components register with
 * nexus_component_register(), fail (health check or their own report), and
 * are healed by recovery plans that escalate SoftReset -> HardReset ->
 * MicroRollback -> FullRollback -> Reconstruct -> Substitute -> Quarantine
 * -> SurvivalMode and learn which rung works.  See Documentation/heal.rst.
 *
 * An actuator: from level correction up it builds plans; from healing up it
 * runs them, every step an audited decision.  Knobs are in
 * /sys/kernel/nexus/modules/heal/, dumps in /sys/kernel/debug/nexus/heal
 * and heal_learn.
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <nexus/knob.h>
#include "heal.h"

/* Components, plans, the learned table and the chaos log. */
DEFINE_MUTEX(nxh_lock);
struct workqueue_struct *nxh_wq;

struct nxh_knobs nxh_knobs = {
	.poll_ms = 1000,
	.learning = 1,
};

static void nxh_poll_ms_changed(const struct nexus_knob *k)
{
	nxh_kick();
}

static struct nexus_knob nxh_poll_ms =
	NEXUS_KNOB(poll_ms, &nxh_knobs.poll_ms, 100, 60000,
		   .changed = nxh_poll_ms_changed);
static struct nexus_knob nxh_learning =
	NEXUS_KNOB(learning, &nxh_knobs.learning, 0, 1);

/* learn_reset: write 1 to forget the learned table. */
static ssize_t learn_reset_store(struct kobject *kobj,
				 struct kobj_attribute *a, const char *buf,
				 size_t count)
{
	u32 v;

	if (kstrtou32(buf, 0, &v) || v != 1)
		return -EINVAL;
	nxh_learn_reset();
	return count;
}

/* inject: "<component> <fault class>", chaos on demand. */
static ssize_t inject_store(struct kobject *kobj, struct kobj_attribute *a,
			    const char *buf, size_t count)
{
	char name[NEXUS_SHORT_LEN], extra;
	unsigned int fault;
	int n, ret;

	n = sscanf(buf, "%15s %u %c", name, &fault, &extra);
	if (n != 2)
		return -EINVAL;
	if (!fault || fault > NEXUS_HEAL_FAULT_MAX)
		return -ERANGE;
	ret = nxh_chaos_inject(name, fault);
	return ret ? ret : count;
}

/* watch: "PATH [COMMAND ARG...]" a cgroup v2 service; read: the list. */
static ssize_t watch_store(struct kobject *kobj, struct kobj_attribute *a,
			   const char *buf, size_t count)
{
	int ret = nxh_svc_watch(buf);

	return ret ? ret : count;
}

static ssize_t watch_show(struct kobject *kobj, struct kobj_attribute *a,
			  char *buf)
{
	return nxh_svc_list(buf);
}

/* unwatch: a watched path or service name. */
static ssize_t unwatch_store(struct kobject *kobj, struct kobj_attribute *a,
			     const char *buf, size_t count)
{
	int ret = nxh_svc_unwatch(buf);

	return ret ? ret : count;
}

static ssize_t plans_show(struct kobject *kobj, struct kobj_attribute *a,
			  char *buf)
{
	u64 started, succeeded, gave_up;

	nxh_plan_stats(&started, &succeeded, &gave_up);
	if (!strcmp(a->attr.name, "plans_succeeded"))
		return sysfs_emit(buf, "%llu\n", succeeded);
	if (!strcmp(a->attr.name, "plans_gave_up"))
		return sysfs_emit(buf, "%llu\n", gave_up);
	return sysfs_emit(buf, "%llu\n", started);
}

static struct kobj_attribute nxh_learn_reset_attr =
	__ATTR(learn_reset, 0200, NULL, learn_reset_store);
static struct kobj_attribute nxh_inject_attr =
	__ATTR(inject, 0200, NULL, inject_store);
static struct kobj_attribute nxh_watch_attr =
	__ATTR(watch, 0600, watch_show, watch_store);
static struct kobj_attribute nxh_unwatch_attr =
	__ATTR(unwatch, 0200, NULL, unwatch_store);
static struct nexus_knob nxh_svc_window =
	NEXUS_KNOB(svc_window_ms, &nxh_svc_knobs.window_ms, 1000, 3600000);
static struct nexus_knob nxh_svc_restarts =
	NEXUS_KNOB(svc_max_restarts, &nxh_svc_knobs.max_restarts, 1, 32);
static struct nexus_knob nxh_svc_dstate =
	NEXUS_KNOB(svc_dstate_ms, &nxh_svc_knobs.dstate_ms, 1000, 600000);
static struct nexus_knob nxh_svc_mem =
	NEXUS_KNOB(svc_mem_permille, &nxh_svc_knobs.mem_permille, 500, 1000);
static struct nexus_knob nxh_surv_on =
	NEXUS_KNOB(survival, &nxh_survival_knobs.enabled, 0, 1);
static struct nexus_knob nxh_surv_permille =
	NEXUS_KNOB(survival_permille, &nxh_survival_knobs.permille, 500, 1000);
static struct nexus_knob nxh_surv_ttf =
	NEXUS_KNOB(survival_ttf_ms, &nxh_survival_knobs.ttf_ms, 1000, 600000);
static struct kobj_attribute nxh_plans_attr =
	__ATTR(plans, 0400, plans_show, NULL);
static struct kobj_attribute nxh_plans_succeeded_attr =
	__ATTR(plans_succeeded, 0400, plans_show, NULL);
static struct kobj_attribute nxh_plans_gave_up_attr =
	__ATTR(plans_gave_up, 0400, plans_show, NULL);

static struct attribute *nxh_attrs[] = {
	&nxh_poll_ms.attr.attr,
	&nxh_learning.attr.attr,
	&nxh_learn_reset_attr.attr,
	&nxh_inject_attr.attr,
	&nxh_watch_attr.attr,
	&nxh_unwatch_attr.attr,
	&nxh_svc_window.attr.attr,
	&nxh_svc_restarts.attr.attr,
	&nxh_svc_dstate.attr.attr,
	&nxh_svc_mem.attr.attr,
	&nxh_surv_on.attr.attr,
	&nxh_surv_permille.attr.attr,
	&nxh_surv_ttf.attr.attr,
	&nxh_plans_attr.attr,
	&nxh_plans_succeeded_attr.attr,
	&nxh_plans_gave_up_attr.attr,
	NULL,
};

static const struct attribute_group nxh_group = {
	.attrs = nxh_attrs,
};

const struct attribute_group *nxh_groups[] = {
	&nxh_group,
	NULL,
};

static void nxh_dump(struct seq_file *m)
{
	nxh_comp_dump(m);
	nxh_svc_dump(m);
	nxh_survival_dump(m);
	nxh_oops_dump(m);
	nxh_plan_dump(m);
	nxh_chaos_dump(m);
}

const struct nexus_module_ops nxh_ops = {
	.name = "heal",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.event_mask = NEXUS_EV_MASK(NEXUS_EV_FINDING) |
		      NEXUS_EV_MASK(NEXUS_EV_EXIT),
	.min_level = NEXUS_LEVEL_CORRECTION,
	.priority = 8,
	.on_event = nxh_detect_event,
	.apply = nxh_apply,
	.dump = nxh_dump,
	.groups = nxh_groups,
	.record_kinds = NEXUS_REC_MASK(NEXUS_REC_PLAN),
	.read_records = nxh_read_records,
};

static int __init nxh_mod_init(void)
{
	int ret;

	nxh_wq = alloc_workqueue("nexus_heal", WQ_UNBOUND, 0);
	if (!nxh_wq)
		return -ENOMEM;
	ret = nxh_plan_init();
	if (ret)
		goto err_wq;
	ret = nexus_register_module(&nxh_ops);
	if (ret)
		goto err_plan;
	ret = nexus_debugfs_create(&nxh_ops, "heal_learn", nxh_learn_show);
	if (ret)
		goto err_reg;
	ret = nxh_sysfs_init();
	if (ret)
		goto err_reg;
	ret = nxh_comp_init();
	if (ret)
		goto err_sysfs;
	ret = nxh_oops_init();
	if (ret)
		goto err_monitor;
	/* The components registered with the core, now and later. */
	ret = nexus_heal_provider_set(&nxh_provider);
	if (ret)
		goto err_oops;
	ret = nxh_survival_init();
	if (ret)
		pr_warn("no survival mode: %d\n", ret);
	return 0;
err_oops:
	nxh_oops_exit();
err_monitor:
	nxh_comp_exit();
err_sysfs:
	nxh_sysfs_exit();
err_reg:
	nexus_unregister_module(&nxh_ops);
err_plan:
	nxh_plan_exit();
err_wq:
	destroy_workqueue(nxh_wq);
	return ret;
}

static void __exit nxh_mod_exit(void)
{
	/*
	 * The services are this module's own components: unwatched (and
	 * thawed) first.  The others stay registered with the core, detached
	 * (their plans aborted, their running steps waited for).
	 */
	nxh_svc_exit();
	nxh_survival_exit();
	nexus_heal_provider_clear(&nxh_provider);
	nxh_oops_exit();
	nxh_sysfs_exit();
	nxh_comp_exit();
	destroy_workqueue(nxh_wq);
	nxh_plan_exit();
	nexus_unregister_module(&nxh_ops);
}

module_init(nxh_mod_init);
module_exit(nxh_mod_exit);
MODULE_DESCRIPTION("NEXUS healing: recovery plans that escalate and learn");
MODULE_LICENSE("GPL");
