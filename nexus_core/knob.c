// SPDX-License-Identifier: GPL-2.0
/*
 * Module tunables (include/nexus/knob.h): the show and store every
 * pluggable module's u32 knobs share, so each validates the same way.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <nexus/knob.h>

/**
 * nexus_knob_show() - sysfs show of a struct nexus_knob
 * @kobj: the module's directory
 * @attr: the knob's attribute
 * @buf: the page to print into
 *
 * Return: the length printed.
 */
ssize_t nexus_knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	const struct nexus_knob *k = container_of(attr, struct nexus_knob, attr);

	return sysfs_emit(buf, k->hex ? "0x%x\n" : "%u\n", READ_ONCE(*k->val));
}
EXPORT_SYMBOL_GPL(nexus_knob_show);

/**
 * nexus_knob_store() - sysfs store of a struct nexus_knob
 * @kobj: the module's directory
 * @attr: the knob's attribute
 * @buf: what was written: a number, decimal or 0x hex
 * @count: its length
 *
 * Nothing is stored unless the whole value is valid.
 *
 * Return: @count, -EINVAL for a malformed number, -ERANGE for one out of
 * range, or what @check returned.
 */
ssize_t nexus_knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	const struct nexus_knob *k = container_of(attr, struct nexus_knob, attr);
	u32 v;
	int ret = kstrtou32(buf, 0, &v);

	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (v < k->min || v > k->max)
		return -ERANGE;
	if (k->check) {
		ret = k->check(v);
		if (ret)
			return ret;
	}
	WRITE_ONCE(*k->val, v);
	if (k->changed)
		k->changed(k);
	return count;
}
EXPORT_SYMBOL_GPL(nexus_knob_store);
