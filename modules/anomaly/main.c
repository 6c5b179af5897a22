// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_anomaly - streaming anomaly detection on every NEXUS metric.
 *
 * A pluggable module (Documentation/module-authors.rst) that runs from the
 * detection level up.  Each metric of the store gets its own detector
 * (nexus_core/lib/nx_anomaly, Documentation/anomaly-detection.rst); each
 * anomaly is published as a finding and logged as a decision.  Knobs are in
 * /sys/kernel/nexus/modules/anomaly/, dumps in /sys/kernel/debug/nexus/
 * (anomaly, anomalies, baselines).  See Documentation/anomaly-module.rst.
 */
#define pr_fmt(fmt) "nexus_anomaly: " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <nexus/knob.h>
#include "anomaly.h"

/* Defaults are the library's (nx_anomaly_default_cfg()), notify aside. */
struct nxa_knobs nxa_knobs = {
	.sensitivity = 500,
	.learn = 100,
	.threshold = 800,
	.cooldown = 12,
	.notify = 950,
	.tests = NXA_TESTS_DEFAULT,
	.min_change = 100,
	.min_samples = 2,
};

/* Bumped by a write to "reset"; each detector resets when it sees it. */
atomic_t nxa_reset_gen = ATOMIC_INIT(0);

struct nxa_state *nxa;

/* The tick applies a knob to every detector on its next run. */
#define NXA_KNOB(_name, _field, _min, _max, ...)			\
static struct nexus_knob nxa_knob_##_name =				\
	NEXUS_KNOB(_name, &nxa_knobs._field, _min, _max, __VA_ARGS__)

NXA_KNOB(sensitivity, sensitivity, 0, 1000);
NXA_KNOB(learning_samples, learn, 10, 100000);
NXA_KNOB(threshold, threshold, 1, 1000);
NXA_KNOB(cooldown, cooldown, 1, 10000);
NXA_KNOB(notify_threshold, notify, 0, 1000);
/* The test mask reads as it is documented: bits, in hex. */
NXA_KNOB(tests, tests, 1, NX_ANOM_T_ALL, .hex = true);
NXA_KNOB(min_change_permille, min_change, 0, 100000);
NXA_KNOB(min_change_samples, min_samples, 1, 100);

static ssize_t reset_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	u32 v;
	int ret = kstrtou32(buf, 0, &v);

	if (ret)
		return ret;
	if (v != 1)
		return -EINVAL;
	atomic_inc(&nxa_reset_gen);
	return count;
}

static struct kobj_attribute nxa_reset_attr = __ATTR(reset, 0200, NULL,
						     reset_store);

#define NXA_RO(_name, expr)						\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
static struct kobj_attribute nxa_##_name##_attr = __ATTR(_name, 0400,	\
							 _name##_show, NULL)

NXA_RO(detectors, READ_ONCE(nxa->detectors));
NXA_RO(active, READ_ONCE(nxa->active));
NXA_RO(anomalies_total, READ_ONCE(nxa->total));

static struct attribute *nxa_attrs[] = {
	&nxa_knob_sensitivity.attr.attr,
	&nxa_knob_learning_samples.attr.attr,
	&nxa_knob_threshold.attr.attr,
	&nxa_knob_cooldown.attr.attr,
	&nxa_knob_notify_threshold.attr.attr,
	&nxa_knob_tests.attr.attr,
	&nxa_knob_min_change_permille.attr.attr,
	&nxa_knob_min_change_samples.attr.attr,
	&nxa_sens_attr.attr,
	&nxa_reset_attr.attr,
	&nxa_detectors_attr.attr,
	&nxa_active_attr.attr,
	&nxa_anomalies_total_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nxa);

static int nxa_init(void)
{
	nxa = nexus_kzalloc(sizeof(*nxa), GFP_KERNEL);
	if (!nxa)
		return -ENOMEM;
	INIT_LIST_HEAD(&nxa->metrics);
	return 0;
}

static void nxa_exit(void)
{
	/* No callback runs any more: resolve what is open and free it all. */
	nxa_free_all();
	nexus_kfree(nxa);
	nxa = NULL;
}

const struct nexus_module_ops nxa_ops = {
	.name = "anomaly",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.min_level = NEXUS_LEVEL_DETECTION,
	/* Findings others build on: shed after the nice-to-have modules. */
	.priority = 6,
	.init = nxa_init,
	.exit = nxa_exit,
	.tick = nxa_tick,
	.dump = nxa_dump,
	.groups = nxa_groups,
};

static int __init nxa_mod_init(void)
{
	int ret = nexus_register_module(&nxa_ops);

	if (ret)
		return ret;
	/* debugfs is optional: without these files the module still works. */
	ret = nexus_debugfs_create(&nxa_ops, "anomalies", nxa_show_anomalies);
	if (ret)
		pr_warn("debugfs anomalies: %d\n", ret);
	ret = nexus_debugfs_create(&nxa_ops, "baselines", nxa_show_baselines);
	if (ret)
		pr_warn("debugfs baselines: %d\n", ret);
	return 0;
}

static void __exit nxa_mod_exit(void)
{
	nexus_unregister_module(&nxa_ops);
}

module_init(nxa_mod_init);
module_exit(nxa_mod_exit);
MODULE_DESCRIPTION("NEXUS anomaly detection on every metric");
MODULE_LICENSE("GPL");
