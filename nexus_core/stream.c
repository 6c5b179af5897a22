// SPDX-License-Identifier: GPL-2.0
/*
 * The event stream: what read() and poll() of /dev/nexus return, and what
 * debugfs "events" shows.  A ring of the last NEXUS_STREAM_LEN notable
 * events (state and level changes, decisions, findings, collector attach
 * results, config changes, module arrivals, records of the modules that
 * changed, and the rare bus events the engine forwards).  Readers keep a
 * sequence-number cursor; a reader that falls behind by more than the ring
 * skips to the oldest event kept.
 */
#include <linux/export.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/smp.h>
#include <linux/sched/clock.h>
#include "internal.h"

#define NEXUS_STREAM_LEN	1024	/* a power of two */

static struct nexus_event nexus_stream_ring[NEXUS_STREAM_LEN];
static u64 nexus_stream_seq;		/* sequence of the next event */
static DEFINE_SPINLOCK(nexus_stream_lock);
DECLARE_WAIT_QUEUE_HEAD(nexus_stream_wq);

/**
 * nexus_stream_emit() - append an event to the stream and wake readers
 * @type: enum nexus_event_type
 * @pid: the task concerned, or 0
 * @arg0: type-specific
 * @arg1: type-specific
 */
void nexus_stream_emit(u16 type, u32 pid, u64 arg0, u64 arg1)
{
	struct nexus_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&nexus_stream_lock, flags);
	ev = &nexus_stream_ring[nexus_stream_seq & (NEXUS_STREAM_LEN - 1)];
	ev->ts_ns = ktime_get_ns();
	ev->type = type;
	ev->cpu = raw_smp_processor_id();
	ev->pid = pid;
	ev->arg0 = arg0;
	ev->arg1 = arg1;
	nexus_stream_seq++;
	spin_unlock_irqrestore(&nexus_stream_lock, flags);
	wake_up_interruptible(&nexus_stream_wq);
}

/**
 * nexus_stream_head() - the sequence number the next event will get
 *
 * A new reader starts here to see only what happens from now on.
 *
 * Return: the sequence number.
 */
u64 nexus_stream_head(void)
{
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&nexus_stream_lock, flags);
	seq = nexus_stream_seq;
	spin_unlock_irqrestore(&nexus_stream_lock, flags);
	return seq;
}

/**
 * nexus_stream_read() - the event at a reader's cursor
 * @cursor: the reader's cursor; advanced past the event returned, and past
 *	events overwritten before it could read them
 * @ev: where to copy the event
 *
 * Return: 1 if an event was copied, 0 if none is pending.
 */
int nexus_stream_read(u64 *cursor, struct nexus_event *ev)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&nexus_stream_lock, flags);
	if (nexus_stream_seq - *cursor > NEXUS_STREAM_LEN)
		*cursor = nexus_stream_seq - NEXUS_STREAM_LEN;
	if (*cursor < nexus_stream_seq) {
		*ev = nexus_stream_ring[*cursor & (NEXUS_STREAM_LEN - 1)];
		(*cursor)++;
		ret = 1;
	}
	spin_unlock_irqrestore(&nexus_stream_lock, flags);
	return ret;
}

/**
 * nexus_record_changed() - announce a new or changed record on the stream
 * @ops: the module that provides @kind
 * @kind: enum nexus_record_kind, one of @ops->record_kinds
 * @key: which record: its own id or sequence number (documented per kind)
 *
 * Emits NEXUS_EV_RECORD (arg0 @kind, arg1 @key), so a follower of the
 * stream knows to read the records of @kind again.  Any context, with or
 * without the module's locks: it only takes the stream's spinlock.
 */
void nexus_record_changed(const struct nexus_module_ops *ops, u32 kind,
			  u64 key)
{
	if (WARN_ON_ONCE(kind >= NEXUS_REC_KIND_COUNT ||
			 !(ops->record_kinds & NEXUS_REC_MASK(kind))))
		return;
	nexus_stream_emit(NEXUS_EV_RECORD, 0, kind, key);
}
EXPORT_SYMBOL_GPL(nexus_record_changed);
