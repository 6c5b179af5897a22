// SPDX-License-Identifier: GPL-2.0
/*
 * Per-component sysfs directories:
 * /sys/kernel/nexus/modules/heal/components/<name>/, one read-only value
 * per file, created when a component is attached and removed when it is
 * detached (kobject_del() waits for a running show, so no show sees a
 * component that went away).  The debugfs dump has the same on one line.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "heal.h"

static struct kobject *nxh_comps_kobj;

struct nxh_comp_kobj {
	struct kobject kobj;
	struct nxh_comp *hc;	/* a reference held */
};

#define to_nck(k) container_of(k, struct nxh_comp_kobj, kobj)

static void nxh_comp_kobj_release(struct kobject *kobj)
{
	struct nxh_comp_kobj *nck = to_nck(kobj);

	nxh_comp_put(nck->hc);
	kfree(nck);
}

static ssize_t nxh_cattr_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	struct nxh_comp *hc = to_nck(kobj)->hc;
	const char *n = a->attr.name;
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&nxh_lock);
	if (!strcmp(n, "class")) {
		len = sysfs_emit(buf, "%s\n", hc->ops->class);
	} else if (!strcmp(n, "health")) {
		len = sysfs_emit(buf, "%s\n", hc->health ? "faulty" : "ok");
	} else if (!strcmp(n, "fault")) {
		len = sysfs_emit(buf, "%u\n", hc->health ? hc->fault : 0);
	} else if (!strcmp(n, "state")) {
		len = sysfs_emit(buf, "%s\n", hc->planning ? "running" :
				 nxh_status_name(hc->plan.status));
	} else if (!strcmp(n, "failures")) {
		len = sysfs_emit(buf, "%llu\n", hc->failures);
	} else if (!strcmp(n, "plans")) {
		len = sysfs_emit(buf, "%llu\n", hc->plans);
	} else if (!strcmp(n, "checkpoints")) {
		len = sysfs_emit(buf, "%llu\n", hc->checkpoints);
	} else if (!strcmp(n, "findings")) {
		len = sysfs_emit(buf, "%llu\n", hc->found);
	} else if (!strcmp(n, "history")) {
		for (i = 0; i < NXH_NFAULT; i++)
			if (hc->fault_count[i])
				len += sysfs_emit_at(buf, len, "%s%u:%llu",
						     len ? " " : "", i,
						     hc->fault_count[i]);
		len += sysfs_emit_at(buf, len, "%s\n", len ? "" : "-");
	} else if (!strcmp(n, "strategies")) {
		for (i = NEXUS_HEAL_SOFT_RESET; i < NEXUS_HEAL_COUNT; i++)
			if (hc->ops->strategies & NEXUS_HEAL_CAP(i))
				len += sysfs_emit_at(buf, len, "%s%s",
						     len ? " " : "",
						     nxh_strategy_name(i));
		len += sysfs_emit_at(buf, len, "\n");
	} else if (!strcmp(n, "chaos_faults")) {
		len = sysfs_emit(buf, "0x%x\n", hc->ops->inject ?
				 hc->ops->chaos_faults : 0);
	}
	mutex_unlock(&nxh_lock);
	return len;
}

#define NXH_CATTR(_name)						\
static struct kobj_attribute nxh_cattr_##_name =			\
	__ATTR(_name, 0444, nxh_cattr_show, NULL)

NXH_CATTR(class);
NXH_CATTR(health);
NXH_CATTR(fault);
NXH_CATTR(state);
NXH_CATTR(failures);
NXH_CATTR(plans);
NXH_CATTR(checkpoints);
NXH_CATTR(findings);
NXH_CATTR(history);
NXH_CATTR(strategies);
NXH_CATTR(chaos_faults);

static struct attribute *nxh_comp_attrs[] = {
	&nxh_cattr_class.attr,
	&nxh_cattr_health.attr,
	&nxh_cattr_fault.attr,
	&nxh_cattr_state.attr,
	&nxh_cattr_failures.attr,
	&nxh_cattr_plans.attr,
	&nxh_cattr_checkpoints.attr,
	&nxh_cattr_findings.attr,
	&nxh_cattr_history.attr,
	&nxh_cattr_strategies.attr,
	&nxh_cattr_chaos_faults.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nxh_comp);

static const struct kobj_type nxh_comp_ktype = {
	.release = nxh_comp_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = nxh_comp_groups,
};

/**
 * nxh_sysfs_add() - create a component's directory
 * @hc: the component, just attached
 *
 * A failure is logged and leaves the component without a directory.
 */
void nxh_sysfs_add(struct nxh_comp *hc)
{
	struct nxh_comp_kobj *nck;

	if (!nxh_comps_kobj)
		return;
	nck = kzalloc(sizeof(*nck), GFP_KERNEL);
	if (!nck)
		return;
	kref_get(&hc->ref);
	nck->hc = hc;
	if (kobject_init_and_add(&nck->kobj, &nxh_comp_ktype, nxh_comps_kobj,
				 "%s", hc->ops->name)) {
		pr_warn("nexus_heal: no sysfs directory for %s\n",
			hc->ops->name);
		kobject_put(&nck->kobj);
		return;
	}
	hc->kobj = &nck->kobj;
}

/**
 * nxh_sysfs_del() - remove a component's directory
 * @hc: the component, being detached
 *
 * Waits for a running show.
 */
void nxh_sysfs_del(struct nxh_comp *hc)
{
	struct kobject *kobj = hc->kobj;

	if (!kobj)
		return;
	hc->kobj = NULL;
	kobject_del(kobj);
	kobject_put(kobj);
}

/**
 * nxh_sysfs_init() - create .../modules/heal/components/
 *
 * Return: 0 or -ENOMEM.
 */
int nxh_sysfs_init(void)
{
	struct kobject *parent = nexus_module_kobject(&nxh_ops);

	if (!parent)
		return -ENOENT;
	nxh_comps_kobj = kobject_create_and_add("components", parent);
	return nxh_comps_kobj ? 0 : -ENOMEM;
}

/**
 * nxh_sysfs_exit() - remove it; every component is detached already
 */
void nxh_sysfs_exit(void)
{
	kobject_put(nxh_comps_kobj);
	nxh_comps_kobj = NULL;
}
