/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_ring.h - a single-producer single-consumer ring of fixed 32-byte slots
 *
 * The lock-free core of the NEXUS event bus, shared with userspace so that
 * its cost can be measured on the host (bench/bus).  The caller owns the
 * memory and places the producer index, the consumer index and the slots
 * (e.g. each on its own cache line).  One slot stays empty to tell a full
 * ring from an empty one: a ring of @cap slots holds @cap - 1 entries.
 *
 * Ordering: the producer writes a slot, then publishes the head with a
 * release store; the consumer reads the head with an acquire load before
 * reading slots, and releases the tail after copying them out, so the
 * producer never overwrites a slot that is being read.
 */
#ifndef _NX_RING_H
#define _NX_RING_H

#include "nx_compat.h"

/* One slot: the size of struct nexus_event. */
struct nx_ring_slot {
	u64 w[4];
};

/**
 * struct nx_ring - the indices and slots of one ring
 * @head: next slot the producer writes (written by the producer only)
 * @tail: next slot the consumer reads (written by the consumer only)
 * @slots: @cap slots
 * @cap: number of slots, at least 2
 */
struct nx_ring {
	u32 *head;
	u32 *tail;
	struct nx_ring_slot *slots;
	u32 cap;
};

/**
 * nx_ring_put() - append one slot (producer side)
 * @r: the ring
 * @s: the slot to copy in
 * @hints: build with branch hints (a compile-time constant at each caller)
 *
 * Return: true if stored, false if the ring was full.
 */
static __always_inline bool nx_ring_put(struct nx_ring *r,
					const struct nx_ring_slot *s,
					const bool hints)
{
	u32 head = *r->head;
	u32 next = head + 1 == r->cap ? 0 : head + 1;
	bool full = next == nx_read_once(*r->tail);

	if (hints ? unlikely(full) : full)
		return false;
	r->slots[head] = *s;
	/* Publish the slot before the index; pairs with nx_ring_take(). */
	nx_store_release(r->head, next);
	return true;
}

/**
 * nx_ring_take() - copy out up to @max slots, oldest first (consumer side)
 * @r: the ring
 * @out: where to copy them
 * @max: capacity of @out
 * @prefetch: prefetch the next slot while copying
 *
 * Return: the number of slots copied.
 */
static inline unsigned int nx_ring_take(struct nx_ring *r,
					struct nx_ring_slot *out,
					unsigned int max, bool prefetch)
{
	/* Pairs with the release in nx_ring_put(): the slots are written. */
	u32 head = nx_load_acquire(r->head);
	u32 tail = *r->tail;
	unsigned int n = 0;

	while (tail != head && n < max) {
		u32 next = tail + 1 == r->cap ? 0 : tail + 1;

		if (prefetch && next != head)
			nx_prefetch(&r->slots[next]);
		out[n++] = r->slots[tail];
		tail = next;
	}
	/* The slots are copied out before the producer may reuse them. */
	nx_store_release(r->tail, tail);
	return n;
}

/**
 * nx_ring_used() - entries queued (either side; a snapshot)
 * @r: the ring
 *
 * Return: the number of entries.
 */
static inline u32 nx_ring_used(struct nx_ring *r)
{
	/* Pairs with the release in nx_ring_put(). */
	u32 head = nx_load_acquire(r->head);
	u32 tail = nx_read_once(*r->tail);

	return head >= tail ? head - tail : head + r->cap - tail;
}

#endif /* _NX_RING_H */
