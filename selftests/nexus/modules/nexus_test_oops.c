// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_oops - a component whose worker thread oopses on demand, for
 * nexus_heal_oops_test.
 *
 * Registers "oops0" (class "oopsy"), served by a kernel thread that beats
 * a heartbeat every 100 ms.  Writing 1 to
 * /sys/module/nexus_test_oops/parameters/oops makes the worker write
 * through a NULL pointer: a real oops in this module's code, which kills
 * the worker.  The health check notices a dead worker only when its
 * heartbeat is 3 s old, as a watchdog would, so nexus_heal's die notifier
 * is what reports the fault first.  SoftReset starts a new worker.
 * Parameters: oops (wo), workers (ro: started so far), log (ro: the
 * strategies received).
 *
 * The test VM fails any run whose kernel log shows an oops, unless the run
 * says it expects one in this module (tools/vm/nexus-vm --expect-oops).
 */
#define pr_fmt(fmt) "nexus_test_oops: " fmt

#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/task.h>
#include <linux/wait.h>
#include <nexus/nexus.h>
#include <nexus/heal.h>

#define TO_DEAD_AFTER	(3 * HZ)

static DEFINE_MUTEX(to_lock);
static DECLARE_WAIT_QUEUE_HEAD(to_wq);
static struct task_struct *to_worker;	/* to_lock; a reference held */
static bool to_oops_now;
static bool to_crashed;			/* the worker is about to oops */
static unsigned long to_beat;
static unsigned int to_workers;
static char to_log[256];
static int *to_target;			/* never set: NULL */

static int to_work(void *unused)
{
	while (!kthread_should_stop()) {
		WRITE_ONCE(to_beat, jiffies);
		wait_event_interruptible_timeout(to_wq, kthread_should_stop() ||
						 READ_ONCE(to_oops_now),
						 HZ / 10);
		if (READ_ONCE(to_oops_now) && !kthread_should_stop()) {
			WRITE_ONCE(to_oops_now, false);
			WRITE_ONCE(to_crashed, true);
			/* the bug under test: the kernel kills this thread */
			WRITE_ONCE(*READ_ONCE(to_target), 1);
		}
	}
	return 0;
}

/* to_lock held.  The old worker, if any, is dead or stopped. */
static int to_start(void)
{
	struct task_struct *t;

	t = kthread_run(to_work, NULL, "nxto_worker");
	if (IS_ERR(t))
		return PTR_ERR(t);
	get_task_struct(t);
	if (to_worker)
		put_task_struct(to_worker);
	to_worker = t;
	to_workers++;
	WRITE_ONCE(to_beat, jiffies);
	return 0;
}

/* to_lock held.  A worker that oopsed has exited on its own. */
static void to_stop(void)
{
	if (!to_worker)
		return;
	if (!READ_ONCE(to_crashed))
		kthread_stop(to_worker);
	put_task_struct(to_worker);
	to_worker = NULL;
}

static int to_health(void *priv)
{
	/* fault 1: the worker stopped beating */
	return time_after(jiffies, READ_ONCE(to_beat) + TO_DEAD_AFTER);
}

static int to_recover(void *priv, enum nexus_healing_strategy s, u64 cookie)
{
	int ret;

	mutex_lock(&to_lock);
	strlcat(to_log, s == NEXUS_HEAL_SOFT_RESET ? "soft_reset " :
		"other ", sizeof(to_log));
	if (s != NEXUS_HEAL_SOFT_RESET) {
		mutex_unlock(&to_lock);
		return -EOPNOTSUPP;
	}
	to_stop();
	WRITE_ONCE(to_crashed, false);
	ret = to_start();
	mutex_unlock(&to_lock);
	return ret;
}

static const struct nexus_component_ops to_ops = {
	.name = "oops0",
	.class = "oopsy",
	.owner = THIS_MODULE,
	.strategies = NEXUS_HEAL_CAP(NEXUS_HEAL_SOFT_RESET),
	.health = to_health,
	.recover = to_recover,
};

static int to_set_oops(const char *val, const struct kernel_param *kp)
{
	bool v;
	int ret = kstrtobool(val, &v);

	if (ret)
		return ret;
	if (!v)
		return -EINVAL;
	mutex_lock(&to_lock);
	ret = to_worker && !READ_ONCE(to_crashed) ? 0 : -ESRCH;
	if (!ret) {
		WRITE_ONCE(to_oops_now, true);
		wake_up(&to_wq);
	}
	mutex_unlock(&to_lock);
	return ret;
}

static int to_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&to_lock);
	if (kp->arg)
		n = sysfs_emit(buf, "%s\n", to_log);
	else
		n = sysfs_emit(buf, "%u\n", to_workers);
	mutex_unlock(&to_lock);
	return n;
}

static const struct kernel_param_ops to_oops_ops = {
	.set = to_set_oops,
};

static const struct kernel_param_ops to_get_ops = {
	.get = to_get,
};

module_param_cb(oops, &to_oops_ops, NULL, 0200);
MODULE_PARM_DESC(oops, "1: the worker oopses");
module_param_cb(workers, &to_get_ops, NULL, 0400);
MODULE_PARM_DESC(workers, "workers started");
module_param_cb(log, &to_get_ops, (void *)1, 0400);
MODULE_PARM_DESC(log, "strategies received");

static int __init to_init(void)
{
	int ret;

	mutex_lock(&to_lock);
	ret = to_start();
	mutex_unlock(&to_lock);
	if (ret)
		return ret;
	ret = nexus_component_register(&to_ops);
	if (ret) {
		mutex_lock(&to_lock);
		to_stop();
		mutex_unlock(&to_lock);
	}
	return ret;
}

static void __exit to_exit(void)
{
	nexus_component_unregister(&to_ops);
	mutex_lock(&to_lock);
	to_stop();
	mutex_unlock(&to_lock);
}

module_init(to_init);
module_exit(to_exit);
MODULE_DESCRIPTION("NEXUS test: a component whose worker oopses on demand");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
