// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS core: module entry point.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

static struct kobject *nexus_kobj;
static unsigned int nexus_level = 1;

static ssize_t level_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", nexus_level);
}

static ssize_t level_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	unsigned int v;
	int ret = kstrtouint(buf, 0, &v);

	if (ret)
		return ret;
	if (v > 6)
		return -ERANGE;
	nexus_level = v;
	return count;
}
static struct kobj_attribute level_attr = __ATTR_RW_MODE(level, 0600);

static int __init nexus_init(void)
{
	nexus_kobj = kobject_create_and_add("nexus", kernel_kobj);
	if (!nexus_kobj)
		return -ENOMEM;
	if (sysfs_create_file(nexus_kobj, &level_attr.attr)) {
		kobject_put(nexus_kobj);
		return -ENOMEM;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit nexus_exit(void)
{
	kobject_put(nexus_kobj);
}

module_init(nexus_init);
module_exit(nexus_exit);
MODULE_DESCRIPTION("NEXUS: kernel intelligence layer, core");
MODULE_LICENSE("GPL");
