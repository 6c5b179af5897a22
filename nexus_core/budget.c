// SPDX-License-Identifier: GPL-2.0
/*
 * The memory budget: every NEXUS allocation is charged to memory_budget and
 * refused past it.  Allocations carry a small header with their size so
 * that nexus_kfree() can uncharge exactly what was charged.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/atomic.h>
#include <linux/prandom.h>
#include <linux/export.h>
#include "internal.h"

static atomic64_t nexus_mem_used_bytes = ATOMIC64_INIT(0);
static atomic64_t nexus_mem_refused_count = ATOMIC64_INIT(0);

/* Header before each allocation; 16 bytes keeps the payload aligned. */
struct nexus_alloc_hdr {
	u64 size;
	u64 magic;
};

#define NEXUS_ALLOC_MAGIC	0x4e45585553414c4cULL	/* "NEXUSALL" */

/**
 * nexus_mem_charge() - charge bytes to the memory budget
 * @bytes: how many
 *
 * Return: true if charged, false (and counted, and Degraded) past the budget.
 */
bool nexus_mem_charge(size_t bytes)
{
	u64 budget = READ_ONCE(nexus_cfg.memory_budget);
	u64 used = atomic64_add_return(bytes, &nexus_mem_used_bytes);

	if (used > budget) {
		atomic64_sub(bytes, &nexus_mem_used_bytes);
		atomic64_inc(&nexus_mem_refused_count);
		nexus_degrade(NEXUS_DEGRADED_MEM_BUDGET,
			      "memory budget exhausted: allocation refused");
		return false;
	}
	return true;
}

/**
 * nexus_mem_uncharge() - give bytes back to the memory budget
 * @bytes: how many
 */
void nexus_mem_uncharge(size_t bytes)
{
	atomic64_sub(bytes, &nexus_mem_used_bytes);
}

/**
 * nexus_mem_used() - bytes charged to the memory budget
 *
 * Return: the bytes.
 */
u64 nexus_mem_used(void)
{
	return atomic64_read(&nexus_mem_used_bytes);
}

/**
 * nexus_mem_refused() - allocations refused since load
 *
 * Return: the count.
 */
u64 nexus_mem_refused(void)
{
	return atomic64_read(&nexus_mem_refused_count);
}

/* Chaos: fail this allocation on purpose? */
static bool nexus_chaos_alloc_fail(void)
{
	const struct nexus_chaos_config *ch = &nexus_cfg.chaos;

	if (!READ_ONCE(ch->enabled) ||
	    !(READ_ONCE(ch->targets) & NEXUS_CHAOS_ALLOC_FAIL))
		return false;
	return get_random_u32_below(1000) < READ_ONCE(ch->rate_permille);
}

static void *nexus_alloc(size_t size, gfp_t gfp, bool kv)
{
	struct nexus_alloc_hdr *h;
	size_t total;

	if (check_add_overflow(size, sizeof(*h), &total))
		return NULL;
	if (nexus_chaos_alloc_fail())
		return NULL;
	if (!nexus_mem_charge(total))
		return NULL;
	h = kv ? kvzalloc(total, gfp) : kzalloc(total, gfp);
	if (!h) {
		nexus_mem_uncharge(total);
		return NULL;
	}
	h->size = total;
	h->magic = NEXUS_ALLOC_MAGIC;
	return h + 1;
}

/**
 * nexus_kzalloc() - kzalloc() charged to the memory budget
 * @size: bytes
 * @gfp: allocation flags
 *
 * Return: zeroed memory, or NULL when out of memory or past the budget.
 */
void *nexus_kzalloc(size_t size, gfp_t gfp)
{
	return nexus_alloc(size, gfp, false);
}
EXPORT_SYMBOL_GPL(nexus_kzalloc);

/**
 * nexus_kvzalloc() - kvzalloc() charged to the memory budget
 * @size: bytes
 * @gfp: allocation flags (GFP_KERNEL compatible)
 *
 * Return: zeroed memory, or NULL when out of memory or past the budget.
 */
void *nexus_kvzalloc(size_t size, gfp_t gfp)
{
	return nexus_alloc(size, gfp, true);
}
EXPORT_SYMBOL_GPL(nexus_kvzalloc);

/**
 * nexus_kfree() - free memory from nexus_kzalloc() or nexus_kvzalloc()
 * @p: the memory, or NULL
 */
void nexus_kfree(const void *p)
{
	struct nexus_alloc_hdr *h;

	if (!p)
		return;
	h = (struct nexus_alloc_hdr *)p - 1;
	if (WARN_ON_ONCE(h->magic != NEXUS_ALLOC_MAGIC))
		return;
	h->magic = 0;
	nexus_mem_uncharge(h->size);
	kvfree(h);
}
EXPORT_SYMBOL_GPL(nexus_kfree);
