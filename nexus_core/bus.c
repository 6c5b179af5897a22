// SPDX-License-Identifier: GPL-2.0
/*
 * The event bus: fixed-size events from probes to the engine.
 *
 * Lock-free mode (performance/enable_lockfree, the default): one
 * single-producer single-consumer ring per CPU.  The producer is whatever
 * runs on that CPU, with interrupts off for the few instructions of a push
 * so that a probe in an interrupt cannot interleave with one in a task; the
 * consumer is the engine thread, serialised by nexus_bus_mutex.  Locked
 * mode: one ring behind a raw spinlock, kept to measure what the lock-free
 * rings buy.  A full ring never blocks: the event is dropped and counted.
 *
 * Ring layout honours performance/cache_line_size: the producer index, the
 * consumer index and the slots each start on their own line, so the
 * producer and the engine never write to the same line.  With
 * performance/numa_aware each CPU's ring is allocated on its node.
 *
 * The rings are replaced as a whole on a resize (event_queue_size or one of
 * the flags above changes): the new set is published with RCU and the old
 * one freed after a grace period; events still in it count as dropped.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/prefetch.h>
#include <linux/jump_label.h>
#include <linux/sched/clock.h>
#include <linux/export.h>
#include "internal.h"
#include "lib/nx_ring.h"

static_assert(sizeof(struct nexus_event) == sizeof(struct nx_ring_slot));

/* One ring: the shared SPSC ring of the library, and its allocation. */
struct nexus_ring {
	struct nx_ring r;
	void *mem;
	size_t bytes;
};

struct nexus_bus {
	bool lockfree;
	u32 nr;				/* rings: nr_cpu_ids or 1 */
	raw_spinlock_t lock;		/* locked mode only */
	struct rcu_head rcu;
	struct nexus_ring rings[];
};

struct nexus_bus_stats {
	u64 pushed;
	u64 dropped;
};

static struct nexus_bus __rcu *nexus_bus_cur;
static DEFINE_MUTEX(nexus_bus_mutex);
static DEFINE_PER_CPU(struct nexus_bus_stats, nexus_bus_pcpu);
static u64 nexus_bus_drained_total;
static u64 nexus_bus_lost_on_resize;

static DEFINE_STATIC_KEY_TRUE(nexus_branch_hints);
static DEFINE_STATIC_KEY_TRUE(nexus_prefetch);

static int nexus_ring_alloc(struct nexus_ring *r, u32 cap, int node, u32 align)
{
	/* One slot stays empty to tell a full ring from an empty one. */
	size_t bytes = 2 * align + (size_t)(cap + 1) * sizeof(struct nexus_event);
	void *mem;

	if (!nexus_mem_charge(bytes))
		return -ENOMEM;
	mem = kvzalloc_node(bytes, GFP_KERNEL, node);
	if (!mem) {
		nexus_mem_uncharge(bytes);
		return -ENOMEM;
	}
	r->mem = mem;
	r->bytes = bytes;
	r->r.head = mem;
	r->r.tail = mem + align;
	r->r.slots = mem + 2 * align;
	r->r.cap = cap + 1;
	return 0;
}

static void nexus_ring_free(struct nexus_ring *r)
{
	if (!r->mem)
		return;
	kvfree(r->mem);
	nexus_mem_uncharge(r->bytes);
	r->mem = NULL;
}

static void nexus_bus_free(struct nexus_bus *bus)
{
	u32 i;

	for (i = 0; i < bus->nr; i++)
		nexus_ring_free(&bus->rings[i]);
	kfree(bus);
}

static struct nexus_bus *nexus_bus_alloc(u32 cap, bool lockfree, bool numa,
					 u32 align)
{
	u32 nr = lockfree ? nr_cpu_ids : 1;
	struct nexus_bus *bus;
	u32 i;

	bus = kzalloc(struct_size(bus, rings, nr), GFP_KERNEL);
	if (!bus)
		return NULL;
	bus->lockfree = lockfree;
	bus->nr = nr;
	raw_spin_lock_init(&bus->lock);
	for (i = 0; i < nr; i++) {
		int node = NUMA_NO_NODE;

		if (lockfree && !cpu_possible(i))
			continue;
		if (numa && lockfree)
			node = cpu_to_node(i);
		if (nexus_ring_alloc(&bus->rings[i], cap, node, align)) {
			nexus_bus_free(bus);
			return NULL;
		}
	}
	return bus;
}

static bool nexus_chaos_bus_drop(void)
{
	const struct nexus_chaos_config *ch = &nexus_cfg.chaos;

	if (!READ_ONCE(ch->enabled) ||
	    !(READ_ONCE(ch->targets) & NEXUS_CHAOS_BUS_DROP))
		return false;
	return get_random_u32_below(1000) < READ_ONCE(ch->rate_permille);
}

/**
 * nexus_bus_push() - put one event on the bus
 * @type: enum nexus_event_type
 * @pid: the task concerned, or 0
 * @arg0: type-specific
 * @arg1: type-specific
 *
 * Safe from any context, including tracepoint probes and interrupts: O(1),
 * no allocation, never blocks.  A full ring drops the event.
 *
 * Return: true if queued, false if dropped.
 */
bool nexus_bus_push(u16 type, u32 pid, u64 arg0, u64 arg1)
{
	struct nexus_event ev = {
		.ts_ns = local_clock(),
		.type = type,
		.pid = pid,
		.arg0 = arg0,
		.arg1 = arg1,
	};
	struct nexus_bus *bus;
	unsigned long flags;
	bool ok = false;

	local_irq_save(flags);
	ev.cpu = smp_processor_id();
	rcu_read_lock_sched_notrace();
	bus = rcu_dereference_sched(nexus_bus_cur);
	if (bus && !nexus_chaos_bus_drop()) {
		struct nexus_ring *r;

		const struct nx_ring_slot *slot = (const void *)&ev;

		/*
		 * Two builds of the push, selected by a static key: with branch
		 * hints on the full-ring test (performance/enable_branch_hints)
		 * and without, so the flag switches real code paths.
		 */
		if (bus->lockfree) {
			r = &bus->rings[ev.cpu];
			if (static_branch_likely(&nexus_branch_hints))
				ok = nx_ring_put(&r->r, slot, true);
			else
				ok = nx_ring_put(&r->r, slot, false);
		} else {
			raw_spin_lock(&bus->lock);
			ok = nx_ring_put(&bus->rings[0].r, slot, true);
			raw_spin_unlock(&bus->lock);
		}
	}
	rcu_read_unlock_sched_notrace();
	if (ok)
		__this_cpu_inc(nexus_bus_pcpu.pushed);
	else
		__this_cpu_inc(nexus_bus_pcpu.dropped);
	local_irq_restore(flags);
	return ok;
}
EXPORT_SYMBOL_GPL(nexus_bus_push);

static unsigned int nexus_ring_take(struct nexus_ring *r,
				    struct nexus_event *out, unsigned int max)
{
	return nx_ring_take(&r->r, (struct nx_ring_slot *)out, max,
			    static_branch_likely(&nexus_prefetch));
}

/**
 * nexus_bus_drain() - take up to @max events, fairly across CPUs
 * @out: where to copy them
 * @max: capacity of @out
 *
 * Engine context only.
 *
 * Return: the number of events copied.
 */
unsigned int nexus_bus_drain(struct nexus_event *out, unsigned int max)
{
	struct nexus_bus *bus;
	unsigned int n = 0, per, i;

	mutex_lock(&nexus_bus_mutex);
	bus = rcu_dereference_protected(nexus_bus_cur,
					lockdep_is_held(&nexus_bus_mutex));
	if (!bus)
		goto out;
	if (!bus->lockfree) {
		unsigned long flags;

		raw_spin_lock_irqsave(&bus->lock, flags);
		n = nexus_ring_take(&bus->rings[0], out, max);
		raw_spin_unlock_irqrestore(&bus->lock, flags);
		goto out;
	}
	/* Share the batch among CPUs so one busy CPU cannot starve others. */
	per = max(1U, max / max(1U, num_online_cpus()));
	for (i = 0; i < bus->nr && n < max; i++) {
		if (!bus->rings[i].mem)
			continue;
		n += nexus_ring_take(&bus->rings[i], out + n, min(per, max - n));
	}
out:
	nexus_bus_drained_total += n;
	mutex_unlock(&nexus_bus_mutex);
	return n;
}

/**
 * nexus_bus_resize() - replace the rings
 * @capacity: events per ring (event_queue_size)
 * @lockfree: per-CPU lock-free rings, or one locked ring
 * @numa: allocate each CPU's ring on its node
 * @align: cache line size the ring indices are aligned to
 *
 * Process context.  Events still queued in the old rings are lost and
 * counted as dropped.
 *
 * Return: 0, or -ENOMEM (nothing changed).
 */
int nexus_bus_resize(u32 capacity, bool lockfree, bool numa, u32 align)
{
	struct nexus_bus *bus, *old;
	u32 i, lost = 0;

	bus = nexus_bus_alloc(capacity, lockfree, numa, align);
	if (!bus)
		return -ENOMEM;
	mutex_lock(&nexus_bus_mutex);
	old = rcu_replace_pointer(nexus_bus_cur, bus,
				  lockdep_is_held(&nexus_bus_mutex));
	mutex_unlock(&nexus_bus_mutex);
	if (old) {
		synchronize_rcu();
		for (i = 0; i < old->nr; i++)
			if (old->rings[i].mem)
				lost += nx_ring_used(&old->rings[i].r);
		nexus_bus_lost_on_resize += lost;
		nexus_bus_free(old);
	}
	return 0;
}

/**
 * nexus_bus_set_hints() - switch the code paths of the performance flags
 * @branch_hints: performance/enable_branch_hints
 * @prefetch: performance/enable_prefetch
 */
void nexus_bus_set_hints(bool branch_hints, bool prefetch)
{
	if (branch_hints)
		static_branch_enable(&nexus_branch_hints);
	else
		static_branch_disable(&nexus_branch_hints);
	if (prefetch)
		static_branch_enable(&nexus_prefetch);
	else
		static_branch_disable(&nexus_prefetch);
}

/**
 * nexus_bus_init() - allocate the rings of the config in force
 *
 * Return: 0 or -ENOMEM.
 */
int nexus_bus_init(void)
{
	const struct nexus_performance_config *pc = &nexus_cfg.performance;

	nexus_bus_set_hints(pc->enable_branch_hints, pc->enable_prefetch);
	return nexus_bus_resize(nexus_cfg.event_queue_size, pc->enable_lockfree,
				pc->numa_aware, pc->cache_line_size);
}

/**
 * nexus_bus_exit() - free the rings; no producer may run any more
 */
void nexus_bus_exit(void)
{
	struct nexus_bus *old;

	mutex_lock(&nexus_bus_mutex);
	old = rcu_replace_pointer(nexus_bus_cur, NULL,
				  lockdep_is_held(&nexus_bus_mutex));
	mutex_unlock(&nexus_bus_mutex);
	synchronize_rcu();
	if (old)
		nexus_bus_free(old);
}

static u64 nexus_bus_sum(size_t off)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *(u64 *)((char *)per_cpu_ptr(&nexus_bus_pcpu, cpu) + off);
	return sum;
}

/**
 * nexus_bus_pushed() - events queued since load
 *
 * Return: the count.
 */
u64 nexus_bus_pushed(void)
{
	return nexus_bus_sum(offsetof(struct nexus_bus_stats, pushed));
}

/**
 * nexus_bus_dropped() - events dropped since load (full ring, chaos, resize)
 *
 * Return: the count.
 */
u64 nexus_bus_dropped(void)
{
	return nexus_bus_sum(offsetof(struct nexus_bus_stats, dropped)) +
	       READ_ONCE(nexus_bus_lost_on_resize);
}

/**
 * nexus_bus_drained() - events the engine took since load
 *
 * Return: the count.
 */
u64 nexus_bus_drained(void)
{
	return READ_ONCE(nexus_bus_drained_total);
}
