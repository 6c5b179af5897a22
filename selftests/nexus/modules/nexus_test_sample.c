// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_sample - a test-only pluggable module proving the ops-table
 * contract: registration, the level gate on ticks and on decisions, apply(),
 * the module's sysfs directory and debugfs file, unload while the engine
 * runs.
 *
 * /sys/kernel/nexus/modules/sample/decide: write a decision kind (0..10);
 * the next tick asks the engine for it.  last_outcome then shows the
 * outcome (enum nexus_decision_outcome), applied how often apply() ran.
 * publish: write "notify" or "quiet" to publish an insight finding with or
 * without NEXUS_FINDING_NOTIFY (a uevent); last_finding shows its id.
 *
 * record_kinds=MASK registers it as the provider of those record kinds
 * (NEXUS_IOC_READ_RECORDS); it holds nr_records forecasts of metrics
 * "sample.<i>" with now = i, so the routing can be tested with records
 * whose contents are known; writing a number to record_changed announces
 * the forecast record of that key on the stream.  no_reader=1 leaves the
 * callback out (must be refused).  tick_reads=1 makes each tick read
 * /proc/meminfo, a seq_file, as the analyzers' ticks read procfs and kernfs
 * files: with the module's sysfs and debugfs files read at the same time,
 * the debug kernel's lockdep checks the lock order between them.
 */
#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/seq_file.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <nexus/nexus.h>

static bool bad_abi;
module_param(bad_abi, bool, 0400);
MODULE_PARM_DESC(bad_abi, "Register with a wrong ABI version (must be refused)");

static bool dup;
module_param(dup, bool, 0400);
MODULE_PARM_DESC(dup, "Also try to register the name twice (must be refused)");

static unsigned int record_kinds;
module_param(record_kinds, uint, 0400);
MODULE_PARM_DESC(record_kinds, "Provide these record kinds (NEXUS_REC_MASK bits)");

static unsigned int nr_records = 3;
module_param(nr_records, uint, 0400);
MODULE_PARM_DESC(nr_records, "Forecast records held when providing NEXUS_REC_FORECAST");

static bool no_reader;
module_param(no_reader, bool, 0400);
MODULE_PARM_DESC(no_reader, "Claim record kinds without a read_records callback (must be refused)");

static bool tick_reads;
module_param(tick_reads, bool, 0400);
MODULE_PARM_DESC(tick_reads, "Each tick reads /proc/meminfo, as the analyzers do");

static atomic_t pending = ATOMIC_INIT(-1);
static atomic64_t file_reads = ATOMIC64_INIT(0);
static atomic_t last_outcome = ATOMIC_INIT(-1);
static atomic_t applied = ATOMIC_INIT(0);
static atomic64_t ticks = ATOMIC64_INIT(0);
static int dup_result = 1;
static atomic_t busy_us = ATOMIC_INIT(0);
static atomic64_t last_finding = ATOMIC64_INIT(0);

static struct nexus_module_ops sample_ops;

static void sample_read_meminfo(void)
{
	char buf[128];
	struct file *f;
	loff_t pos = 0;

	f = filp_open("/proc/meminfo", O_RDONLY, 0);
	if (IS_ERR(f))
		return;
	if (kernel_read(f, buf, sizeof(buf), &pos) > 0)
		atomic64_inc(&file_reads);
	fput(f);
}

static void sample_tick(u64 now_ns)
{
	int kind = atomic_xchg(&pending, -1);

	atomic64_inc(&ticks);
	if (tick_reads)
		sample_read_meminfo();
	/* Stand-in for an expensive analyzer, to exercise the CPU budget. */
	if (atomic_read(&busy_us))
		udelay(atomic_read(&busy_us));
	if (kind >= 0) {
		struct nexus_decision d = {
			.kind = kind,
			.confidence = 900,
			.arg = 42,
		};

		strscpy(d.target, "sample-target", sizeof(d.target));
		strscpy(d.reason, "asked through sysfs", sizeof(d.reason));
		atomic_set(&last_outcome, nexus_decide(&sample_ops, &d) < 0 ? -1 :
			   d.outcome);
	}
}

static int sample_apply(struct nexus_decision *d)
{
	d->old_value = atomic_read(&applied);
	d->new_value = atomic_inc_return(&applied);
	return 0;
}

static void sample_dump(struct seq_file *m)
{
	seq_printf(m, "ticks %lld\napplied %d\nlast_outcome %d\nfile_reads %lld\n",
		   atomic64_read(&ticks), atomic_read(&applied),
		   atomic_read(&last_outcome), atomic64_read(&file_reads));
}

static int sample_read_records(u32 kind, u64 offset, void *buf,
			       unsigned int max, u64 *total)
{
	struct nexus_forecast_rec *r = buf;
	unsigned int n = 0;
	u64 i;

	if (kind != NEXUS_REC_FORECAST)
		return -EINVAL;
	for (i = offset; i < nr_records && n < max; i++, n++) {
		snprintf(r[n].metric, sizeof(r[n].metric), "sample.%llu", i);
		r[n].metric_id = -1;
		r[n].now = i;
		r[n].forecast = i;
		r[n].lower = i;
		r[n].upper = i;
		r[n].confidence = 500;
		r[n].samples = 1;
	}
	*total = nr_records;
	return n;
}

static ssize_t decide_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned int kind;
	int ret = kstrtouint(buf, 0, &kind);

	if (ret)
		return ret;
	if (kind >= NEXUS_DECISION_COUNT)
		return -ERANGE;
	atomic_set(&last_outcome, -1);
	atomic_set(&pending, kind);
	return count;
}

static ssize_t busy_us_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&busy_us));
}

static ssize_t busy_us_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	unsigned int v;
	int ret = kstrtouint(buf, 0, &v);

	if (ret)
		return ret;
	if (v > 5000)
		return -ERANGE;
	atomic_set(&busy_us, v);
	return count;
}

static struct kobj_attribute busy_us_attr = __ATTR_RW(busy_us);

static ssize_t publish_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct nexus_finding f = {
		.class = NEXUS_FINDING_INSIGHT,
		.confidence = 750,
		.action = NEXUS_ACTION_ALERT,
		.metric = -1,
		.time_to_failure_ms = 1234,
		.value = 7,
	};

	if (sysfs_streq(buf, "notify"))
		f.flags = NEXUS_FINDING_NOTIFY;
	else if (!sysfs_streq(buf, "quiet"))
		return -EINVAL;
	strscpy(f.component, "sample-component", sizeof(f.component));
	strscpy(f.detail, "published through sysfs", sizeof(f.detail));
	atomic64_set(&last_finding, nexus_finding_publish(&sample_ops, &f));
	return count;
}

static struct kobj_attribute publish_attr = __ATTR_WO(publish);

static ssize_t record_changed_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	u64 key;
	int ret = kstrtou64(buf, 0, &key);

	if (ret)
		return ret;
	if (!(sample_ops.record_kinds & NEXUS_REC_MASK(NEXUS_REC_FORECAST)))
		return -EINVAL;
	nexus_record_changed(&sample_ops, NEXUS_REC_FORECAST, key);
	return count;
}

static struct kobj_attribute record_changed_attr = __ATTR_WO(record_changed);

#define SAMPLE_RO(_name, fmt, expr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

SAMPLE_RO(last_outcome, "%d", atomic_read(&last_outcome));
SAMPLE_RO(applied, "%d", atomic_read(&applied));
SAMPLE_RO(sample_ticks, "%lld", atomic64_read(&ticks));
SAMPLE_RO(dup_result, "%d", dup_result);
SAMPLE_RO(last_finding, "%lld", atomic64_read(&last_finding));
static struct kobj_attribute decide_attr = __ATTR_WO(decide);

static struct attribute *sample_attrs[] = {
	&decide_attr.attr,
	&last_outcome_attr.attr,
	&applied_attr.attr,
	&sample_ticks_attr.attr,
	&dup_result_attr.attr,
	&busy_us_attr.attr,
	&publish_attr.attr,
	&last_finding_attr.attr,
	&record_changed_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sample);

static struct nexus_module_ops sample_ops = {
	.name = "sample",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.min_level = NEXUS_LEVEL_DETECTION,
	.priority = 3,
	.tick = sample_tick,
	.apply = sample_apply,
	.dump = sample_dump,
	.groups = sample_groups,
};

static const struct nexus_module_ops sample_dup_ops = {
	.name = "sample",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
};

static int __init sample_init(void)
{
	int ret;

	if (bad_abi)
		sample_ops.abi_version = NEXUS_MODULE_ABI + 1;
	sample_ops.record_kinds = record_kinds;
	if (record_kinds && !no_reader)
		sample_ops.read_records = sample_read_records;
	ret = nexus_register_module(&sample_ops);
	if (ret)
		return ret;
	if (dup)
		dup_result = nexus_register_module(&sample_dup_ops);
	return 0;
}

static void __exit sample_exit(void)
{
	nexus_unregister_module(&sample_ops);
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_DESCRIPTION("NEXUS test: a sample pluggable module");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
