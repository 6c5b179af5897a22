// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_hide - a test-only module that does the rootkit trick
 * nexus_guard's module_hidden vector looks for: writing 1 to its hide
 * parameter unlinks its own struct module from the kernel's module list
 * (lsmod and /proc/modules no longer show it; its /sys/module entry
 * stays), writing 0 links it back so that delete_module(), which finds
 * modules on that list, can unload it.  Never load it outside the test VM.
 *
 * The kernel's module_mutex is not exported, so the list is changed under
 * no lock, as a rootkit does: a module loaded or unloaded at the same
 * moment could corrupt the list.  nexus_guard_test loads nothing else
 * while this module is hidden.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/rculist.h>

static DEFINE_MUTEX(nexus_test_hide_lock);
static bool nexus_test_hidden;

/*
 * The list's head, the kernel's static "modules": the one node of the
 * ring outside module memory (every struct module lies in its module's
 * own data).  NULL if not found.
 */
static struct list_head *nexus_test_hide_head(void)
{
	struct list_head *pos;

	for (pos = THIS_MODULE->list.next; pos != &THIS_MODULE->list;
	     pos = pos->next)
		if ((unsigned long)pos < MODULES_VADDR ||
		    (unsigned long)pos >= MODULES_END)
			return pos;
	return NULL;
}

static int nexus_test_hide_set(const char *val, const struct kernel_param *kp)
{
	static struct list_head *head;
	bool hide;
	int ret = 0;

	if (kstrtobool(val, &hide))
		return -EINVAL;
	/* At insmod time the loader still owns the list entry. */
	if (READ_ONCE(THIS_MODULE->state) != MODULE_STATE_LIVE)
		return -EBUSY;
	mutex_lock(&nexus_test_hide_lock);
	if (hide && !nexus_test_hidden) {
		head = nexus_test_hide_head();
		if (!head) {
			ret = -ENOENT;
		} else {
			list_del_rcu(&THIS_MODULE->list);
			nexus_test_hidden = true;
		}
	} else if (!hide && nexus_test_hidden) {
		/* Where new modules go: the head never goes away. */
		list_add_rcu(&THIS_MODULE->list, head);
		nexus_test_hidden = false;
	}
	mutex_unlock(&nexus_test_hide_lock);
	return ret;
}

static int nexus_test_hide_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(nexus_test_hidden));
}

static const struct kernel_param_ops nexus_test_hide_ops = {
	.set = nexus_test_hide_set,
	.get = nexus_test_hide_get,
};

module_param_cb(hide, &nexus_test_hide_ops, NULL, 0600);
MODULE_PARM_DESC(hide, "1: unlink this module from the module list, 0: link it back");

static int __init nexus_test_hide_init(void)
{
	return 0;
}

static void __exit nexus_test_hide_exit(void)
{
}

module_init(nexus_test_hide_init);
module_exit(nexus_test_hide_exit);
MODULE_DESCRIPTION("NEXUS test: a module that hides from the module list for nexus_guard to see");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
