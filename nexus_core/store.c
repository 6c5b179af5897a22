// SPDX-License-Identifier: GPL-2.0
/*
 * The metric store: named metrics, each with a fixed-size ring of samples.
 *
 * A metric's id is its slot in a fixed table and stays valid until it is
 * unregistered.  Samples are kept oldest-first in a ring whose length is
 * chosen at registration from the memory budget (all of it charged to the
 * budget), so the store never grows past what memory_budget allows.  All
 * writers and readers run in process context; one mutex is enough.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/sched/clock.h>
#include <linux/export.h>
#include "internal.h"

#define NEXUS_MAX_METRICS	256
#define NEXUS_UNIT_LEN		NEXUS_SHORT_LEN

struct nexus_metric {
	char name[NEXUS_NAME_LEN];
	char unit[NEXUS_UNIT_LEN];
	u32 flags;
	u32 cap;
	u32 next;			/* slot the next sample goes to */
	u32 count;			/* samples held, <= cap */
	u64 total;			/* samples pushed since registration */
	struct nexus_sample samples[];
};

static struct nexus_metric *nexus_metrics[NEXUS_MAX_METRICS];
static DEFINE_MUTEX(nexus_store_lock);

/**
 * nexus_store_capacity() - samples kept per metric registered now
 *
 * A sixty-fourth of the memory budget spread over the metric table, between
 * 64 and 1024 samples: 1024 with the default 16 MiB.
 *
 * Return: the capacity.
 */
unsigned int nexus_store_capacity(void)
{
	u64 per = READ_ONCE(nexus_cfg.memory_budget) / 64 /
		  (sizeof(struct nexus_sample) * 4);

	return clamp_t(u64, per, 64, 1024);
}

/**
 * nexus_metric_name_valid() - is @name a valid metric name?
 * @name: a NUL-terminated string
 *
 * Metric names are 1 to NEXUS_NAME_LEN - 1 characters of lower-case
 * letters, digits, '_' and '.'.  For modules that take a metric name from
 * userspace, so that they refuse what the store would refuse.
 *
 * Return: true if the store would accept @name.
 */
bool nexus_metric_name_valid(const char *name)
{
	size_t len = strnlen(name, NEXUS_NAME_LEN);
	size_t i;

	if (!len || len >= NEXUS_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) &&
		    name[i] != '_' && name[i] != '.')
			return false;
	return true;
}
EXPORT_SYMBOL_GPL(nexus_metric_name_valid);

static int __nexus_metric_find(const char *name)
{
	int i;

	for (i = 0; i < NEXUS_MAX_METRICS; i++)
		if (nexus_metrics[i] &&
		    !strncmp(nexus_metrics[i]->name, name, NEXUS_NAME_LEN))
			return i;
	return -ENOENT;
}

/**
 * nexus_metric_register() - add a metric to the store
 * @name: [a-z0-9_.], shorter than NEXUS_NAME_LEN, unique
 * @unit: e.g. "count/s", "ns", "kB", "permille"
 * @flags: NEXUS_METRIC_*
 *
 * Return: the metric's id (>= 0), -EINVAL for a bad name, -EEXIST if the
 * name is taken, -ENOSPC when the table is full, -ENOMEM past the budget.
 */
int nexus_metric_register(const char *name, const char *unit, u32 flags)
{
	struct nexus_metric *m;
	unsigned int cap;
	int i, ret;

	if (!nexus_metric_name_valid(name))
		return -EINVAL;
	cap = nexus_store_capacity();
	mutex_lock(&nexus_store_lock);
	ret = -EEXIST;
	if (__nexus_metric_find(name) >= 0)
		goto out;
	ret = -ENOSPC;
	for (i = 0; i < NEXUS_MAX_METRICS; i++)
		if (!nexus_metrics[i])
			break;
	if (i == NEXUS_MAX_METRICS)
		goto out;
	ret = -ENOMEM;
	m = nexus_kvzalloc(struct_size(m, samples, cap), GFP_KERNEL);
	if (!m)
		goto out;
	strscpy(m->name, name, sizeof(m->name));
	strscpy(m->unit, unit ? unit : "", sizeof(m->unit));
	m->flags = flags;
	m->cap = cap;
	nexus_metrics[i] = m;
	ret = i;
out:
	mutex_unlock(&nexus_store_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_metric_register);

/**
 * nexus_metric_unregister() - remove a metric and its samples
 * @id: its id; invalid ids are ignored
 */
void nexus_metric_unregister(int id)
{
	struct nexus_metric *m = NULL;

	if (id < 0 || id >= NEXUS_MAX_METRICS)
		return;
	mutex_lock(&nexus_store_lock);
	swap(m, nexus_metrics[id]);
	mutex_unlock(&nexus_store_lock);
	nexus_kfree(m);
}
EXPORT_SYMBOL_GPL(nexus_metric_unregister);

/**
 * nexus_metric_find() - look a metric up by name
 * @name: the name
 *
 * Return: its id, or -ENOENT.
 */
int nexus_metric_find(const char *name)
{
	int id;

	mutex_lock(&nexus_store_lock);
	id = __nexus_metric_find(name);
	mutex_unlock(&nexus_store_lock);
	return id;
}
EXPORT_SYMBOL_GPL(nexus_metric_find);

static struct nexus_metric *nexus_metric_get(int id)
{
	lockdep_assert_held(&nexus_store_lock);
	if (id < 0 || id >= NEXUS_MAX_METRICS)
		return NULL;
	return nexus_metrics[id];
}

/**
 * nexus_metric_push() - record a sample
 * @id: the metric
 * @ts_ns: CLOCK_MONOTONIC ns; 0 means now
 * @value: the value, in the metric's unit
 *
 * Process context.  The oldest sample is overwritten when the ring is full.
 *
 * Return: 0, -ENOENT, or -EBUSY when the engine's work budget for this
 * second is spent (the sample is dropped and counted as shed).
 */
int nexus_metric_push(int id, u64 ts_ns, s64 value)
{
	struct nexus_metric *m;

	if (!ts_ns)
		ts_ns = ktime_get_ns();
	if (!nexus_work_charge(1)) {
		/* Past max_decision_cycles: the sample is shed, and counted. */
		nexus_engine_note_shed(1);
		return -EBUSY;
	}
	mutex_lock(&nexus_store_lock);
	m = nexus_metric_get(id);
	if (!m) {
		mutex_unlock(&nexus_store_lock);
		return -ENOENT;
	}
	m->samples[m->next].ts_ns = ts_ns;
	m->samples[m->next].value = value;
	m->next = m->next + 1 == m->cap ? 0 : m->next + 1;
	if (m->count < m->cap)
		m->count++;
	m->total++;
	mutex_unlock(&nexus_store_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(nexus_metric_push);

/**
 * nexus_metric_last() - the newest sample of a metric
 * @id: the metric
 * @out: where to copy it
 *
 * Return: 0, -ENOENT for no such metric, -ENODATA when it has no sample.
 */
int nexus_metric_last(int id, struct nexus_sample *out)
{
	struct nexus_metric *m;
	int ret = -ENOENT;

	mutex_lock(&nexus_store_lock);
	m = nexus_metric_get(id);
	if (m) {
		ret = -ENODATA;
		if (m->count) {
			*out = m->samples[m->next ? m->next - 1 : m->cap - 1];
			ret = 0;
		}
	}
	mutex_unlock(&nexus_store_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_metric_last);

/**
 * nexus_metric_read() - the newest samples of a metric, oldest first
 * @id: the metric
 * @buf: where to copy them
 * @max: capacity of @buf
 * @since_ns: only samples with ts_ns > @since_ns
 *
 * Return: the number of samples copied, or -ENOENT.
 */
int nexus_metric_read(int id, struct nexus_sample *buf, unsigned int max,
		      u64 since_ns)
{
	struct nexus_metric *m;
	unsigned int n = 0, i, start, avail;

	mutex_lock(&nexus_store_lock);
	m = nexus_metric_get(id);
	if (!m) {
		mutex_unlock(&nexus_store_lock);
		return -ENOENT;
	}
	avail = min(m->count, max);
	start = (m->next + m->cap - avail) % m->cap;
	for (i = 0; i < avail; i++) {
		const struct nexus_sample *s = &m->samples[(start + i) % m->cap];

		if (s->ts_ns > since_ns)
			buf[n++] = *s;
	}
	mutex_unlock(&nexus_store_lock);
	return n;
}
EXPORT_SYMBOL_GPL(nexus_metric_read);

/**
 * nexus_metric_name() - a metric's name
 * @id: the metric
 * @buf: where to copy the name
 * @size: size of @buf
 *
 * Return: 0 or -ENOENT.
 */
int nexus_metric_name(int id, char *buf, size_t size)
{
	struct nexus_metric *m;
	int ret = -ENOENT;

	mutex_lock(&nexus_store_lock);
	m = nexus_metric_get(id);
	if (m) {
		strscpy(buf, m->name, size);
		ret = 0;
	}
	mutex_unlock(&nexus_store_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_metric_name);

/**
 * nexus_metric_unit() - a metric's unit
 * @id: the metric
 * @buf: where to copy the unit
 * @size: size of @buf
 *
 * Return: 0 or -ENOENT.
 */
int nexus_metric_unit(int id, char *buf, size_t size)
{
	struct nexus_metric *m;
	int ret = -ENOENT;

	mutex_lock(&nexus_store_lock);
	m = nexus_metric_get(id);
	if (m) {
		strscpy(buf, m->unit, size);
		ret = 0;
	}
	mutex_unlock(&nexus_store_lock);
	return ret;
}

/**
 * nexus_metric_next() - iterate over registered metrics
 * @id: -1 to start, else the previous id
 *
 * Return: the next registered id after @id, or -ENOENT at the end.
 */
int nexus_metric_next(int id)
{
	int i;

	mutex_lock(&nexus_store_lock);
	for (i = max(id + 1, 0); i < NEXUS_MAX_METRICS; i++)
		if (nexus_metrics[i])
			break;
	mutex_unlock(&nexus_store_lock);
	return i < NEXUS_MAX_METRICS ? i : -ENOENT;
}
EXPORT_SYMBOL_GPL(nexus_metric_next);

/**
 * nexus_store_dump() - one line per metric for debugfs
 * @m: the seq_file
 *
 * Format: id name unit last_value samples_held samples_total
 */
void nexus_store_dump(struct seq_file *m)
{
	int i;

	seq_puts(m, "# id name unit last samples total\n");
	mutex_lock(&nexus_store_lock);
	for (i = 0; i < NEXUS_MAX_METRICS; i++) {
		struct nexus_metric *mt = nexus_metrics[i];
		s64 last = 0;

		if (!mt)
			continue;
		if (mt->count)
			last = mt->samples[mt->next ? mt->next - 1 : mt->cap - 1].value;
		seq_printf(m, "%d %s %s %lld %u %llu\n", i, mt->name,
			   mt->unit[0] ? mt->unit : "-", last, mt->count, mt->total);
	}
	mutex_unlock(&nexus_store_lock);
}

/**
 * nexus_store_records() - NEXUS_REC_METRIC: the metrics, in id order
 * @offset: index (among the registered metrics) of the first one wanted
 * @out: zeroed room for @max records
 * @max: records wanted
 * @total: set to the metrics registered
 *
 * One snapshot under the store's lock.
 *
 * Return: records written.
 */
int nexus_store_records(u64 offset, struct nexus_metric_rec *out,
			unsigned int max, u64 *total)
{
	unsigned int n = 0;
	u64 idx = 0;
	int i;

	BUILD_BUG_ON(NEXUS_METRIC_USER != NEXUS_METRIC_F_USER);
	mutex_lock(&nexus_store_lock);
	for (i = 0; i < NEXUS_MAX_METRICS; i++) {
		const struct nexus_metric *mt = nexus_metrics[i];
		struct nexus_metric_rec *r;

		if (!mt)
			continue;
		if (idx++ < offset || n == max)
			continue;
		r = &out[n];
		r->id = i;
		r->flags = mt->flags;
		strscpy(r->name, mt->name, sizeof(r->name));
		strscpy(r->unit, mt->unit, sizeof(r->unit));
		r->samples = mt->count;
		r->capacity = mt->cap;
		r->total = mt->total;
		if (mt->count) {
			const struct nexus_sample *last =
				&mt->samples[mt->next ? mt->next - 1 : mt->cap - 1];

			r->last_ts_ns = last->ts_ns;
			r->last = last->value;
		}
		n++;
	}
	mutex_unlock(&nexus_store_lock);
	*total = idx;
	return n;
}

/**
 * nexus_store_init() - nothing to allocate up front; kept for symmetry
 *
 * Return: 0.
 */
int nexus_store_init(void)
{
	return 0;
}

/**
 * nexus_store_exit() - free every metric still registered
 */
void nexus_store_exit(void)
{
	int i;

	for (i = 0; i < NEXUS_MAX_METRICS; i++)
		nexus_metric_unregister(i);
}
