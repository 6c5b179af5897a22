// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_dstate - a test-only module that parks writers in
 * uninterruptible sleep on a mutex they cannot get, until told to let go.
 *
 * On load a kernel thread takes nxt_lock and keeps it, sleeping
 * interruptibly.  A write to /sys/kernel/debug/nexus_test_dstate/block
 * calls mutex_lock(&nxt_lock): the writer sleeps in TASK_UNINTERRUPTIBLE
 * (D state) without a context switch until a write to .../release makes
 * the thread drop the lock; then the writer takes it, drops it and
 * returns.  Unloading releases too (the open block file pins the module,
 * so a writer is never left inside it).
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/completion.h>

static DEFINE_MUTEX(nxt_lock);
static DECLARE_WAIT_QUEUE_HEAD(nxt_wq);
static DECLARE_COMPLETION(nxt_held);
static struct task_struct *nxt_holder;
static struct dentry *nxt_dir;
static bool nxt_released;

static int nxt_holder_fn(void *unused)
{
	mutex_lock(&nxt_lock);
	complete(&nxt_held);
	wait_event_interruptible(nxt_wq, READ_ONCE(nxt_released) ||
				 kthread_should_stop());
	mutex_unlock(&nxt_lock);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static ssize_t nxt_block_write(struct file *f, const char __user *buf,
			       size_t count, loff_t *pos)
{
	mutex_lock(&nxt_lock);
	mutex_unlock(&nxt_lock);
	return count;
}

static ssize_t nxt_release_write(struct file *f, const char __user *buf,
				 size_t count, loff_t *pos)
{
	WRITE_ONCE(nxt_released, true);
	wake_up(&nxt_wq);
	return count;
}

static const struct file_operations nxt_block_fops = {
	.owner = THIS_MODULE,
	.write = nxt_block_write,
	.llseek = noop_llseek,
};

static const struct file_operations nxt_release_fops = {
	.owner = THIS_MODULE,
	.write = nxt_release_write,
	.llseek = noop_llseek,
};

static int __init nxt_init(void)
{
	nxt_holder = kthread_run(nxt_holder_fn, NULL, "nexus_dstate");
	if (IS_ERR(nxt_holder))
		return PTR_ERR(nxt_holder);
	wait_for_completion(&nxt_held);
	nxt_dir = debugfs_create_dir("nexus_test_dstate", NULL);
	debugfs_create_file("block", 0200, nxt_dir, NULL, &nxt_block_fops);
	debugfs_create_file("release", 0200, nxt_dir, NULL, &nxt_release_fops);
	return 0;
}

static void __exit nxt_exit(void)
{
	debugfs_remove_recursive(nxt_dir);
	WRITE_ONCE(nxt_released, true);
	wake_up(&nxt_wq);
	kthread_stop(nxt_holder);
}

module_init(nxt_init);
module_exit(nxt_exit);
MODULE_DESCRIPTION("NEXUS test: writers stuck in D state on a held mutex");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
