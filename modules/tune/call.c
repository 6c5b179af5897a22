// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_tune: running work under nxt_lock for callers inside kernfs.
 *
 * The tick reads and writes procfs and sysfs files with nxt_lock held,
 * and reading a sysfs file takes a seq_file's lock and kernfs' of->mutex:
 * nxt_lock comes before of->mutex.  tune's own sysfs handlers, and heal's
 * "inject" store that reaches nxt_heal_inject(), run with of->mutex held;
 * if they took nxt_lock, lockdep would see the reverse order (the debug
 * kernel did: hw_disks_show() against nxt_hw_detect()).  So they hand
 * their work to a worker that takes nxt_lock in no kernfs context, and
 * wait for it.  The worker only touches files tune does not own, so the
 * handler's own of->mutex is never needed to finish.
 */
#include <linux/workqueue.h>
#include <linux/completion.h>
#include "tune.h"

struct nxt_call {
	struct work_struct work;
	struct completion done;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void nxt_call_work(struct work_struct *work)
{
	struct nxt_call *c = container_of(work, struct nxt_call, work);

	mutex_lock(&nxt_lock);
	c->ret = c->fn(c->arg);
	mutex_unlock(&nxt_lock);
	complete(&c->done);
}

/**
 * nxt_call() - run @fn(@arg) under nxt_lock in a worker, and wait for it
 * @fn: the work; it may read and write knob files
 * @arg: passed to @fn
 *
 * For callers that hold a kernfs lock (sysfs handlers) and so must not
 * take nxt_lock themselves.  Sleeps.
 *
 * Return: what @fn returned.
 */
int nxt_call(int (*fn)(void *arg), void *arg)
{
	struct nxt_call c = { .fn = fn, .arg = arg };

	INIT_WORK_ONSTACK(&c.work, nxt_call_work);
	init_completion(&c.done);
	queue_work(system_unbound_wq, &c.work);
	wait_for_completion(&c.done);
	destroy_work_on_stack(&c.work);
	return c.ret;
}
