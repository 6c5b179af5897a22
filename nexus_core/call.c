// SPDX-License-Identifier: GPL-2.0
/*
 * Running a module's work out of a sysfs handler's context.
 *
 * A sysfs handler runs with kernfs' of->mutex held, and reading or writing
 * a sysfs, cgroup or seq_file-backed procfs file takes that class of lock
 * again.  So a handler must neither do such file I/O itself (lockdep:
 * possible recursive locking) nor take a lock that is held elsewhere
 * around such I/O (a circular dependency: the debug kernel found both in
 * nexus_tune and nexus_heal).  nexus_call_sync() runs the work in a worker
 * and waits for it; the worker holds no kernfs lock, and the files it
 * touches are never the handler's own, so the wait always ends.
 */
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <nexus/nexus.h>

struct nexus_call {
	struct work_struct work;
	struct completion done;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void nexus_call_work(struct work_struct *work)
{
	struct nexus_call *c = container_of(work, struct nexus_call, work);

	c->ret = c->fn(c->arg);
	complete(&c->done);
}

/**
 * nexus_call_sync() - run @fn(@arg) in a worker and wait for it
 * @fn: the work; it may take the module's locks and read or write files
 * @arg: passed to @fn
 *
 * For sysfs handlers: see the comment at the top of this file.
 * Sleeps; process context only.
 *
 * Return: what @fn returned.
 */
int nexus_call_sync(int (*fn)(void *arg), void *arg)
{
	struct nexus_call c = { .fn = fn, .arg = arg };

	INIT_WORK_ONSTACK(&c.work, nexus_call_work);
	init_completion(&c.done);
	queue_work(system_unbound_wq, &c.work);
	wait_for_completion(&c.done);
	destroy_work_on_stack(&c.work);
	return c.ret;
}
EXPORT_SYMBOL_GPL(nexus_call_sync);
