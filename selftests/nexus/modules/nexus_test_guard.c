// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_guard - a test-only module that does nothing: loading it is
 * the module_load vector nexus_guard_test triggers.
 */
#include <linux/module.h>

static int __init nexus_test_guard_init(void)
{
	return 0;
}

static void __exit nexus_test_guard_exit(void)
{
}

module_init(nexus_test_guard_init);
module_exit(nexus_test_guard_exit);
MODULE_DESCRIPTION("NEXUS test: a module load for nexus_guard to see");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
