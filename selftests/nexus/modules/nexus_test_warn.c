// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_warn - a test-only module that triggers a kernel warning on load.
 *
 * The test VM must fail a run whose kernel log shows a WARNING; this module
 * is how the selftests prove that it does.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init nexus_test_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit nexus_test_warn_exit(void)
{
}

module_init(nexus_test_warn_init);
module_exit(nexus_test_warn_exit);
MODULE_DESCRIPTION("NEXUS test: trigger a kernel warning on load");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
