// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nexus: one value per file.
 *
 * The config files are generated from one table (nexus_cfg_fields): each
 * store copies the config, changes one field and goes through
 * nexus_config_apply(), so a bad value is refused whole.  Knobs are 0600,
 * read-only state 0400.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "internal.h"

enum nexus_field_type { NX_BOOL, NX_U32, NX_U64 };

struct nexus_cfg_field {
	struct kobj_attribute attr;
	enum nexus_field_type type;
	size_t offset;
};

#define NX_FIELD(_name, _type, _member)					\
	{								\
		.attr = __ATTR(_name, 0600, nexus_field_show,		\
			       nexus_field_store),			\
		.type = _type,						\
		.offset = offsetof(struct nexus_config, _member),	\
	}

static struct kobject *nexus_kobj;
static struct kobject *nexus_modules_kobj;
static struct kobject *nexus_collectors_kobj;
static struct kobject *nexus_group_kobjs[5];
static struct kobject **nexus_collector_kobjs;
static DEFINE_MUTEX(nexus_sysfs_write_lock);

static ssize_t nexus_field_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct nexus_cfg_field *f = container_of(attr, struct nexus_cfg_field, attr);
	struct nexus_config c;
	void *p;

	nexus_config_get(&c);
	p = (char *)&c + f->offset;
	switch (f->type) {
	case NX_BOOL:
		return sysfs_emit(buf, "%d\n", *(bool *)p);
	case NX_U32:
		return sysfs_emit(buf, "%u\n", *(u32 *)p);
	default:
		return sysfs_emit(buf, "%llu\n", *(u64 *)p);
	}
}

static ssize_t nexus_field_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	struct nexus_cfg_field *f = container_of(attr, struct nexus_cfg_field, attr);
	struct nexus_config c;
	void *p;
	u64 v;
	bool b;
	int ret;

	if (f->type == NX_BOOL) {
		ret = kstrtobool(buf, &b);
	} else {
		ret = kstrtou64(buf, 0, &v);
		if (!ret && f->type == NX_U32 && v > U32_MAX)
			ret = -ERANGE;
	}
	if (ret)
		return ret;

	mutex_lock(&nexus_sysfs_write_lock);
	nexus_config_get(&c);
	p = (char *)&c + f->offset;
	if (f->type == NX_BOOL)
		*(bool *)p = b;
	else if (f->type == NX_U32)
		*(u32 *)p = v;
	else
		*(u64 *)p = v;
	ret = nexus_config_apply(&c);
	mutex_unlock(&nexus_sysfs_write_lock);
	return ret ? ret : count;
}

/* Top-level numeric knobs. */
static struct nexus_cfg_field nexus_top_fields[] = {
	NX_FIELD(memory_budget, NX_U64, memory_budget),
	NX_FIELD(cpu_budget_percent, NX_U32, cpu_budget_percent),
	NX_FIELD(max_decision_cycles, NX_U64, max_decision_cycles),
	NX_FIELD(event_queue_size, NX_U32, event_queue_size),
	NX_FIELD(tick_ms, NX_U32, tick_ms),
};

static struct nexus_cfg_field nexus_prediction_fields[] = {
	NX_FIELD(enabled, NX_BOOL, prediction.enabled),
	NX_FIELD(horizon_ms, NX_U64, prediction.horizon_ms),
	NX_FIELD(min_confidence, NX_U32, prediction.min_confidence),
	NX_FIELD(detect_degradation, NX_BOOL, prediction.detect_degradation),
	NX_FIELD(detect_memory_leaks, NX_BOOL, prediction.detect_memory_leaks),
	NX_FIELD(predict_deadlocks, NX_BOOL, prediction.predict_deadlocks),
};

static struct nexus_cfg_field nexus_healing_fields[] = {
	NX_FIELD(enabled, NX_BOOL, healing.enabled),
	NX_FIELD(enable_micro_rollback, NX_BOOL, healing.enable_micro_rollback),
	NX_FIELD(enable_reconstruction, NX_BOOL, healing.enable_reconstruction),
	NX_FIELD(enable_substitution, NX_BOOL, healing.enable_substitution),
	NX_FIELD(max_rollback_depth, NX_U32, healing.max_rollback_depth),
	NX_FIELD(checkpoint_interval_ms, NX_U64, healing.checkpoint_interval_ms),
	NX_FIELD(max_healing_attempts, NX_U32, healing.max_healing_attempts),
	NX_FIELD(healing_timeout_ms, NX_U64, healing.healing_timeout_ms),
	NX_FIELD(enable_quarantine, NX_BOOL, healing.enable_quarantine),
};

static struct nexus_cfg_field nexus_tracing_fields[] = {
	NX_FIELD(sched, NX_BOOL, tracing.sched),
	NX_FIELD(memory, NX_BOOL, tracing.memory),
	NX_FIELD(block, NX_BOOL, tracing.block),
	NX_FIELD(perf, NX_BOOL, tracing.perf),
	NX_FIELD(sample_period_ms, NX_U32, tracing.sample_period_ms),
};

static struct nexus_cfg_field nexus_chaos_fields[] = {
	NX_FIELD(enabled, NX_BOOL, chaos.enabled),
	NX_FIELD(rate_permille, NX_U32, chaos.rate_permille),
	NX_FIELD(targets, NX_U32, chaos.targets),
	NX_FIELD(seed, NX_U64, chaos.seed),
};

static struct nexus_cfg_field nexus_performance_fields[] = {
	NX_FIELD(enable_simd, NX_BOOL, performance.enable_simd),
	NX_FIELD(enable_lockfree, NX_BOOL, performance.enable_lockfree),
	NX_FIELD(enable_branch_hints, NX_BOOL, performance.enable_branch_hints),
	NX_FIELD(enable_prefetch, NX_BOOL, performance.enable_prefetch),
	NX_FIELD(cache_line_size, NX_U32, performance.cache_line_size),
	NX_FIELD(max_cores, NX_U32, performance.max_cores),
	NX_FIELD(numa_aware, NX_BOOL, performance.numa_aware),
};

static const struct {
	const char *name;
	struct nexus_cfg_field *fields;
	unsigned int n;
} nexus_cfg_groups[] = {
	{ "prediction", nexus_prediction_fields, ARRAY_SIZE(nexus_prediction_fields) },
	{ "healing", nexus_healing_fields, ARRAY_SIZE(nexus_healing_fields) },
	{ "tracing", nexus_tracing_fields, ARRAY_SIZE(nexus_tracing_fields) },
	{ "chaos", nexus_chaos_fields, ARRAY_SIZE(nexus_chaos_fields) },
	{ "performance", nexus_performance_fields, ARRAY_SIZE(nexus_performance_fields) },
};

/* ---- level, preset, state ---- */

static ssize_t level_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", nexus_current_level());
}

static ssize_t level_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct nexus_config c;
	enum nexus_level level;
	int ret = nexus_level_parse(buf, &level);

	if (ret)
		return ret;
	mutex_lock(&nexus_sysfs_write_lock);
	nexus_config_get(&c);
	c.level = level;
	ret = nexus_config_apply(&c);
	mutex_unlock(&nexus_sysfs_write_lock);
	return ret ? ret : count;
}

static ssize_t preset_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", nexus_preset_name(nexus_current_preset()));
}

static ssize_t preset_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	enum nexus_preset p;
	int ret = nexus_preset_parse(buf, &p);

	if (ret)
		return ret;
	mutex_lock(&nexus_sysfs_write_lock);
	ret = nexus_config_apply_preset(p);
	mutex_unlock(&nexus_sysfs_write_lock);
	return ret ? ret : count;
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", nexus_state_name(nexus_current_state()));
}

static ssize_t state_reason_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	char why[NEXUS_REASON_LEN];

	nexus_state_reason(why, sizeof(why));
	return sysfs_emit(buf, "%s\n", why);
}

/* pause and resume take "1" (any true value); "0" is refused. */
static ssize_t nexus_pause_resume(const char *buf, size_t count, bool pause)
{
	bool v;
	int ret = kstrtobool(buf, &v);

	if (ret)
		return ret;
	if (!v)
		return -EINVAL;
	ret = nexus_state_set(pause ? NEXUS_STATE_PAUSED : NEXUS_STATE_RUNNING,
			      pause ? "paused from sysfs" : "resumed from sysfs");
	if (ret)
		return -EBUSY;
	nexus_engine_kick();
	return count;
}

static ssize_t pause_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	return nexus_pause_resume(buf, count, true);
}

static ssize_t resume_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	if (nexus_current_state() != NEXUS_STATE_PAUSED)
		return -EBUSY;
	return nexus_pause_resume(buf, count, false);
}

#define NX_RO(_name, fmt, expr)						\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO_MODE(_name, 0400)

NX_RO(memory_used, "%llu", nexus_mem_used());
NX_RO(memory_refused, "%llu", nexus_mem_refused());
NX_RO(cpu_used_ppm, "%u", nexus_engine_cpu_ppm());
NX_RO(work_units, "%llu", nexus_engine_work_last_sec());
NX_RO(work_shed, "%llu", nexus_engine_work_shed());
NX_RO(events_pushed, "%llu", nexus_bus_pushed());
NX_RO(events_dropped, "%llu", nexus_bus_dropped());
NX_RO(events_drained, "%llu", nexus_bus_drained());
NX_RO(ticks, "%llu", nexus_engine_ticks());
NX_RO(decisions, "%llu", nexus_decisions_total());
NX_RO(findings, "%llu", nexus_findings_total());
NX_RO(state_transitions, "%llu", nexus_state_transitions());
NX_RO(nr_modules, "%u", nexus_registry_count());
NX_RO(version, "%s", NEXUS_RELEASE);

static struct kobj_attribute level_attr = __ATTR_RW_MODE(level, 0600);
static struct kobj_attribute preset_attr = __ATTR_RW_MODE(preset, 0600);
static struct kobj_attribute state_attr = __ATTR_RO_MODE(state, 0400);
static struct kobj_attribute state_reason_attr = __ATTR_RO_MODE(state_reason, 0400);
static struct kobj_attribute pause_attr = __ATTR_WO(pause);
static struct kobj_attribute resume_attr = __ATTR_WO(resume);

static struct attribute *nexus_top_attrs[] = {
	&level_attr.attr,
	&preset_attr.attr,
	&state_attr.attr,
	&state_reason_attr.attr,
	&pause_attr.attr,
	&resume_attr.attr,
	&memory_used_attr.attr,
	&memory_refused_attr.attr,
	&cpu_used_ppm_attr.attr,
	&work_units_attr.attr,
	&work_shed_attr.attr,
	&events_pushed_attr.attr,
	&events_dropped_attr.attr,
	&events_drained_attr.attr,
	&ticks_attr.attr,
	&decisions_attr.attr,
	&findings_attr.attr,
	&state_transitions_attr.attr,
	&nr_modules_attr.attr,
	&version_attr.attr,
	NULL,
};

static const struct attribute_group nexus_top_group = {
	.attrs = nexus_top_attrs,
};

/* ---- collectors/<name>/ ---- */

static struct nexus_collector *nexus_kobj_collector(struct kobject *kobj)
{
	unsigned int i;

	for (i = 0; i < nexus_collectors_count(); i++)
		if (nexus_collector_kobjs && nexus_collector_kobjs[i] == kobj)
			return nexus_collector_get(i);
	return NULL;
}

static struct nexus_cfg_field *nexus_tracing_field(u32 flag)
{
	static const char * const names[] = { "sched", "memory", "block", "perf" };
	unsigned int bit = ffs(flag) - 1, i;

	if (!flag || bit >= ARRAY_SIZE(names))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(nexus_tracing_fields); i++)
		if (!strcmp(nexus_tracing_fields[i].attr.attr.name, names[bit]))
			return &nexus_tracing_fields[i];
	return NULL;
}

static ssize_t coll_enabled_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct nexus_collector *c = nexus_kobj_collector(kobj);
	struct nexus_cfg_field *f = c ? nexus_tracing_field(c->trace_flag) : NULL;

	return f ? nexus_field_show(kobj, &f->attr, buf) : -ENODEV;
}

static ssize_t coll_enabled_store(struct kobject *kobj,
				  struct kobj_attribute *attr, const char *buf,
				  size_t count)
{
	struct nexus_collector *c = nexus_kobj_collector(kobj);
	struct nexus_cfg_field *f = c ? nexus_tracing_field(c->trace_flag) : NULL;

	return f ? nexus_field_store(kobj, &f->attr, buf, count) : -ENODEV;
}

#define NX_COLL_RO(_name, fmt, expr)					\
static ssize_t coll_##_name##_show(struct kobject *kobj,		\
				   struct kobj_attribute *attr, char *buf) \
{									\
	struct nexus_collector *c = nexus_kobj_collector(kobj);	\
									\
	if (!c)								\
		return -ENODEV;						\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
static struct kobj_attribute coll_##_name##_attr =			\
	__ATTR(_name, 0400, coll_##_name##_show, NULL)

NX_COLL_RO(attached, "%d", READ_ONCE(c->attached));
NX_COLL_RO(error, "%d", READ_ONCE(c->attach_err));
NX_COLL_RO(rate, "%llu", READ_ONCE(c->rate));
NX_COLL_RO(total, "%llu", READ_ONCE(c->total));
NX_COLL_RO(detail, "%s", c->detail);
static struct kobj_attribute coll_enabled_attr =
	__ATTR(enabled, 0600, coll_enabled_show, coll_enabled_store);

static struct attribute *nexus_coll_attrs[] = {
	&coll_enabled_attr.attr,
	&coll_attached_attr.attr,
	&coll_error_attr.attr,
	&coll_rate_attr.attr,
	&coll_total_attr.attr,
	&coll_detail_attr.attr,
	NULL,
};

static const struct attribute_group nexus_coll_group = {
	.attrs = nexus_coll_attrs,
};

/* ---- modules/<name>/ ---- */

struct nexus_module_kobj {
	struct kobject kobj;
	const struct nexus_module_ops *ops;
	struct nexus_module_stats *st;	/* the registry's; outlives us */
};

#define to_nmk(k) container_of(k, struct nexus_module_kobj, kobj)

static void nexus_module_kobj_release(struct kobject *kobj)
{
	kfree(to_nmk(kobj));
}

static ssize_t mod_enabled_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_nmk(kobj)->st->enabled));
}

static ssize_t mod_enabled_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	WRITE_ONCE(to_nmk(kobj)->st->enabled, on);
	return count;
}

static ssize_t mod_counters_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	const struct nexus_module_stats *st = to_nmk(kobj)->st;

	if (!strcmp(attr->attr.name, "ticks"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(st->ticks));
	if (!strcmp(attr->attr.name, "events"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(st->events));
	return sysfs_emit(buf, "%llu\n", READ_ONCE(st->shed));
}

static ssize_t mod_min_level_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_nmk(kobj)->ops->min_level);
}

static struct kobj_attribute mod_enabled_attr =
	__ATTR(enabled, 0600, mod_enabled_show, mod_enabled_store);
static struct kobj_attribute mod_ticks_attr =
	__ATTR(ticks, 0400, mod_counters_show, NULL);
static struct kobj_attribute mod_events_attr =
	__ATTR(events, 0400, mod_counters_show, NULL);
static struct kobj_attribute mod_shed_attr =
	__ATTR(shed, 0400, mod_counters_show, NULL);
static struct kobj_attribute mod_min_level_attr =
	__ATTR(min_level, 0400, mod_min_level_show, NULL);

static struct attribute *nexus_mod_attrs[] = {
	&mod_enabled_attr.attr,
	&mod_ticks_attr.attr,
	&mod_events_attr.attr,
	&mod_shed_attr.attr,
	&mod_min_level_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(nexus_mod);

static const struct kobj_type nexus_module_ktype = {
	.release = nexus_module_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = nexus_mod_groups,
};

/**
 * nexus_sysfs_add_module() - create /sys/kernel/nexus/modules/<name>/
 * @ops: the module
 * @st: its switch and counters, valid until nexus_sysfs_del_module()
 * @handle: receives the handle for nexus_sysfs_del_module()
 *
 * Return: 0 or -errno.
 */
int nexus_sysfs_add_module(const struct nexus_module_ops *ops,
			   struct nexus_module_stats *st, void **handle)
{
	struct nexus_module_kobj *nmk;
	int ret;

	nmk = kzalloc(sizeof(*nmk), GFP_KERNEL);
	if (!nmk)
		return -ENOMEM;
	nmk->ops = ops;
	nmk->st = st;
	ret = kobject_init_and_add(&nmk->kobj, &nexus_module_ktype,
				   nexus_modules_kobj, "%s", ops->name);
	if (ret) {
		kobject_put(&nmk->kobj);
		return ret;
	}
	if (ops->groups) {
		ret = sysfs_create_groups(&nmk->kobj, ops->groups);
		if (ret) {
			kobject_put(&nmk->kobj);
			return ret;
		}
	}
	*handle = nmk;
	return 0;
}

/**
 * nexus_sysfs_module_kobj() - the kobject of a module's directory
 * @handle: from nexus_sysfs_add_module()
 *
 * Return: the kobject, or NULL.
 */
struct kobject *nexus_sysfs_module_kobj(void *handle)
{
	struct nexus_module_kobj *nmk = handle;

	return nmk ? &nmk->kobj : NULL;
}

/**
 * nexus_sysfs_del_module() - remove a module's directory
 * @handle: from nexus_sysfs_add_module()
 *
 * Waits for its attribute handlers that are running.
 */
void nexus_sysfs_del_module(void *handle)
{
	struct nexus_module_kobj *nmk = handle;

	if (!nmk)
		return;
	if (nmk->ops->groups)
		sysfs_remove_groups(&nmk->kobj, nmk->ops->groups);
	kobject_del(&nmk->kobj);
	kobject_put(&nmk->kobj);
}

/**
 * nexus_sysfs_uevent_finding() - announce a finding as a KOBJ_CHANGE uevent
 * @f: the finding
 *
 * Sent on /dev/nexus (SUBSYSTEM=misc, DEVNAME=nexus).
 */
void nexus_sysfs_uevent_finding(const struct nexus_finding *f)
{
	char id[40], kind[48], conf[32], ttf[40], comp[16 + NEXUS_COMPONENT_LEN];
	char src[16 + NEXUS_SHORT_LEN], state[32], detail[16 + NEXUS_REASON_LEN];
	char ev[] = "NEXUS_EVENT=finding";
	struct kobject *dev = nexus_chardev_kobj();
	char *envp[10];

	if (!dev)
		return;
	snprintf(id, sizeof(id), "NEXUS_FINDING_ID=%llu", f->id);
	snprintf(kind, sizeof(kind), "NEXUS_KIND=%s",
		 f->class == NEXUS_FINDING_PREDICTION ?
		 nexus_prediction_name(f->kind) :
		 f->class == NEXUS_FINDING_ANOMALY ? "anomaly" : "insight");
	snprintf(conf, sizeof(conf), "NEXUS_CONFIDENCE=%u", f->confidence);
	snprintf(ttf, sizeof(ttf), "NEXUS_TTF_MS=%llu", f->time_to_failure_ms);
	snprintf(comp, sizeof(comp), "NEXUS_COMPONENT=%s", f->component);
	snprintf(src, sizeof(src), "NEXUS_SOURCE=%s", f->source);
	snprintf(state, sizeof(state), "NEXUS_STATE=%s",
		 f->flags & NEXUS_FINDING_RESOLVED ? "resolved" : "active");
	snprintf(detail, sizeof(detail), "NEXUS_DETAIL=%s", f->detail);
	envp[0] = ev;
	envp[1] = id;
	envp[2] = kind;
	envp[3] = conf;
	envp[4] = ttf;
	envp[5] = comp;
	envp[6] = src;
	envp[7] = state;
	envp[8] = detail;
	envp[9] = NULL;
	kobject_uevent_env(dev, KOBJ_CHANGE, envp);
}

static int nexus_sysfs_add_fields(struct kobject *kobj,
				  struct nexus_cfg_field *fields, unsigned int n)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = sysfs_create_file(kobj, &fields[i].attr.attr);
		if (ret)
			return ret;
	}
	return 0;
}

static int nexus_sysfs_add_collectors(void)
{
	unsigned int i, n = nexus_collectors_count();
	int ret;

	nexus_collectors_kobj = kobject_create_and_add("collectors", nexus_kobj);
	if (!nexus_collectors_kobj)
		return -ENOMEM;
	if (!n)
		return 0;
	nexus_collector_kobjs = kcalloc(n, sizeof(*nexus_collector_kobjs),
					GFP_KERNEL);
	if (!nexus_collector_kobjs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct kobject *k;

		k = kobject_create_and_add(nexus_collector_get(i)->name,
					   nexus_collectors_kobj);
		if (!k)
			return -ENOMEM;
		nexus_collector_kobjs[i] = k;
		ret = sysfs_create_group(k, &nexus_coll_group);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * nexus_sysfs_init() - create /sys/kernel/nexus
 *
 * Return: 0 or -errno (everything created is removed again).
 */
int nexus_sysfs_init(void)
{
	unsigned int i;
	int ret;

	nexus_kobj = kobject_create_and_add("nexus", kernel_kobj);
	if (!nexus_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(nexus_kobj, &nexus_top_group);
	if (ret)
		goto err;
	ret = nexus_sysfs_add_fields(nexus_kobj, nexus_top_fields,
				     ARRAY_SIZE(nexus_top_fields));
	if (ret)
		goto err;
	for (i = 0; i < ARRAY_SIZE(nexus_cfg_groups); i++) {
		ret = -ENOMEM;
		nexus_group_kobjs[i] = kobject_create_and_add(nexus_cfg_groups[i].name,
							      nexus_kobj);
		if (!nexus_group_kobjs[i])
			goto err;
		ret = nexus_sysfs_add_fields(nexus_group_kobjs[i],
					     nexus_cfg_groups[i].fields,
					     nexus_cfg_groups[i].n);
		if (ret)
			goto err;
	}
	ret = -ENOMEM;
	nexus_modules_kobj = kobject_create_and_add("modules", nexus_kobj);
	if (!nexus_modules_kobj)
		goto err;
	ret = nexus_sysfs_add_collectors();
	if (ret)
		goto err;
	return 0;
err:
	nexus_sysfs_exit();
	return ret;
}

/**
 * nexus_sysfs_exit() - remove /sys/kernel/nexus
 */
void nexus_sysfs_exit(void)
{
	unsigned int i;

	if (nexus_collector_kobjs) {
		for (i = 0; i < nexus_collectors_count(); i++)
			kobject_put(nexus_collector_kobjs[i]);
		kfree(nexus_collector_kobjs);
		nexus_collector_kobjs = NULL;
	}
	kobject_put(nexus_collectors_kobj);
	nexus_collectors_kobj = NULL;
	kobject_put(nexus_modules_kobj);
	nexus_modules_kobj = NULL;
	for (i = 0; i < ARRAY_SIZE(nexus_group_kobjs); i++) {
		kobject_put(nexus_group_kobjs[i]);
		nexus_group_kobjs[i] = NULL;
	}
	kobject_put(nexus_kobj);
	nexus_kobj = NULL;
}
