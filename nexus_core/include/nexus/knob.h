/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module tunables: one u32 per file in /sys/kernel/nexus/modules/<name>/,
 * validated on store (malformed input -EINVAL, out of range -ERANGE,
 * nothing changes either way).  The store writes with WRITE_ONCE() and
 * readers use READ_ONCE(), so a knob never waits for the engine.
 * See Documentation/module-authors.rst.
 */
#ifndef _NEXUS_KNOB_H
#define _NEXUS_KNOB_H

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/types.h>

/**
 * struct nexus_knob - a u32 tunable with its range
 * @attr: the sysfs attribute; NEXUS_KNOB() fills it in
 * @val: the value
 * @min: smallest value accepted
 * @max: largest value accepted
 * @check: optional: further validation of a value within range, 0 or -errno
 * @changed: optional: called after a new value was stored
 * @hex: shown as 0x%x (bit masks)
 */
struct nexus_knob {
	struct kobj_attribute attr;
	u32 *val;
	u32 min;
	u32 max;
	int (*check)(u32 v);
	void (*changed)(const struct nexus_knob *k);
	bool hex;
};

ssize_t nexus_knob_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf);
ssize_t nexus_knob_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count);

/*
 * A mode 0600 knob @_name on *@_val within [@_min, @_max]; further
 * designated initializers (.check, .changed, .hex) may follow.
 */
#define NEXUS_KNOB(_name, _val, _min, _max, ...)			\
	{								\
		.attr = __ATTR(_name, 0600, nexus_knob_show,		\
			       nexus_knob_store),			\
		.val = (_val),						\
		.min = (_min),						\
		.max = (_max),						\
		__VA_ARGS__						\
	}

#endif /* _NEXUS_KNOB_H */
