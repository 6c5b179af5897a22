/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the collectors share: the collector table, tracepoint lookup and
 * registration tables, metric tables and a small /proc reader for the
 * samplers.  Only the collectors include it.
 */
#ifndef _NEXUS_COLLECT_H
#define _NEXUS_COLLECT_H

#include <linux/percpu.h>
#include <linux/tracepoint.h>
#include "internal.h"

extern struct nexus_collector nexus_collector_sched;
extern struct nexus_collector nexus_collector_memory;
extern struct nexus_collector nexus_collector_block;
extern struct nexus_collector nexus_collector_perf;

/*
 * Held while collectors start, stop and sample, and by their dump
 * callbacks, so a dump never sees per-collector state being freed.  Taken
 * before the metric store's lock, never after.
 */
extern struct mutex nx_collectors_lock;

/* Count one event for the collector's rate; O(1), any context. */
static inline void nx_hit(struct nexus_collector *c)
{
	this_cpu_inc(*c->hits);
}

/*
 * Fail the build when a probe does not match the tracepoint's prototype
 * in the kernel we build against.  register_trace_<name>() is a static
 * inline taking the probe; sizeof() type-checks the call without emitting
 * it, so the unexported __tracepoint_<name> is never referenced.
 */
#define NX_TP_CHECK(name, probe) \
	((void)sizeof(register_trace_##name(probe, NULL)))

/**
 * struct nx_tp - one tracepoint probe of a collector.
 * @name: the tracepoint's name, e.g. "sched_switch".
 * @probe: the probe function, of the tracepoint's prototype.
 * @optional: attach failure of this one is not fatal.
 * @tp: found by nx_tp_attach().
 * @registered: the probe is registered.
 */
struct nx_tp {
	const char *name;
	void *probe;
	bool optional;
	/* private: */
	struct tracepoint *tp;
	bool registered;
};

int nx_tp_attach(struct nx_tp *tps, unsigned int n, void *data,
		 char *why, size_t why_size);
void nx_tp_detach(struct nx_tp *tps, unsigned int n, void *data);

/**
 * struct nx_metric - one metric a collector registers.
 * @name: its name in the store.
 * @unit: its unit.
 * @id: the store's id, or -1 while unregistered.
 */
struct nx_metric {
	const char *name;
	const char *unit;
	int id;
};

/* A table entry; unregistered until nx_metrics_register(). */
#define NX_METRIC(name, unit)	{ (name), (unit), -1 }

int nx_metrics_register(struct nx_metric *m, unsigned int n);
void nx_metrics_unregister(struct nx_metric *m, unsigned int n);
void nx_metric_push(const struct nx_metric *m, u64 now_ns, s64 value);

u64 nx_rate(u64 delta, u64 dt_ns);
int nx_read_file(const char *path, char *buf, size_t size);
int nx_parse_key(const char *buf, const char *key, u64 *val);

#endif /* _NEXUS_COLLECT_H */
