// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_guard - a test-only module: loading it is the module_load
 * vector nexus_guard_test triggers, and its tamper_uid parameter does what
 * an exploit's kernel write does to the writer's credentials (uid, euid,
 * suid and fsuid set in place, without commit_creds()): the cred_tamper
 * vector.  Never load it outside the test VM.
 */
#include <linux/module.h>
#include <linux/cred.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/uidgid.h>

static int nexus_test_guard_tamper(const char *val,
				   const struct kernel_param *kp)
{
	/* The writer's own, unshared cred (see nexus_guard_test.c). */
	struct cred *c = (struct cred *)current_real_cred();
	u32 uid;

	if (kstrtou32(val, 0, &uid))
		return -EINVAL;
	c->uid = KUIDT_INIT(uid);
	c->euid = KUIDT_INIT(uid);
	c->suid = KUIDT_INIT(uid);
	c->fsuid = KUIDT_INIT(uid);
	return 0;
}

static const struct kernel_param_ops nexus_test_guard_tamper_ops = {
	.set = nexus_test_guard_tamper,
};

module_param_cb(tamper_uid, &nexus_test_guard_tamper_ops, NULL, 0200);
MODULE_PARM_DESC(tamper_uid, "write N: set the writer's uids to N in place");

static int __init nexus_test_guard_init(void)
{
	return 0;
}

static void __exit nexus_test_guard_exit(void)
{
}

module_init(nexus_test_guard_init);
module_exit(nexus_test_guard_exit);
MODULE_DESCRIPTION("NEXUS test: a module load and a credential tamper for nexus_guard to see");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
