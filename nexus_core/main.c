// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS core: module entry point.
 *
 * Setup is table-driven: each step has an init and an exit, run in order on
 * load; a failed step unwinds exactly the steps before it, and unload runs
 * every exit in reverse.  The collectors are detached and the engine thread
 * stopped before anything they touch is freed.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include "internal.h"

static char *preset = "default";
module_param(preset, charp, 0400);
MODULE_PARM_DESC(preset, "Config preset at load: default, minimal or full");

static int level = -1;
module_param(level, int, 0400);
MODULE_PARM_DESC(level, "Level at load, 0..6 (default: the preset's)");

static unsigned int cpu_budget_percent;
module_param(cpu_budget_percent, uint, 0400);
MODULE_PARM_DESC(cpu_budget_percent,
		 "CPU budget every preset sets, 1..100 % of one CPU (default 0: the preset's own)");

static int nexus_params_init(void)
{
	int ret = nexus_config_init(preset, cpu_budget_percent);

	if (ret)
		return ret;
	if (level != -1) {
		if (level < 0 || level > NEXUS_LEVEL_MAX) {
			pr_err("level=%d: must be 0..6\n", level);
			return -EINVAL;
		}
		nexus_cfg.level = level;
	}
	return 0;
}

static void nexus_params_exit(void)
{
}

static int nexus_run(void)
{
	struct nexus_config c;

	nexus_state_set(NEXUS_STATE_RUNNING, "loaded");
	nexus_config_get(&c);
	nexus_collectors_update(c.level,
				(c.tracing.sched ? NEXUS_TRACE_SCHED : 0) |
				(c.tracing.memory ? NEXUS_TRACE_MEMORY : 0) |
				(c.tracing.block ? NEXUS_TRACE_BLOCK : 0) |
				(c.tracing.perf ? NEXUS_TRACE_PERF : 0));
	return 0;
}

static void nexus_stop_collecting(void)
{
	nexus_state_set(NEXUS_STATE_SHUTTING_DOWN, "unloading");
	nexus_collectors_update(NEXUS_LEVEL_DISABLED, 0);
}

static const struct {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
} nexus_steps[] = {
	{ "parameters",	nexus_params_init,	nexus_params_exit },
	{ "event bus",	nexus_bus_init,		nexus_bus_exit },
	{ "metric store", nexus_store_init,	nexus_store_exit },
	{ "collectors",	nexus_collectors_init,	nexus_collectors_exit },
	{ "sysfs",	nexus_sysfs_init,	nexus_sysfs_exit },
	{ "debugfs",	nexus_debugfs_init,	nexus_debugfs_exit },
	{ "/dev/nexus",	nexus_chardev_init,	nexus_chardev_exit },
	{ "engine",	nexus_engine_start,	nexus_engine_stop },
	{ "collecting",	nexus_run,		nexus_stop_collecting },
};

static int __init nexus_init(void)
{
	int i, ret;

	nexus_state_set(NEXUS_STATE_INITIALIZING, "loading");
	for (i = 0; i < ARRAY_SIZE(nexus_steps); i++) {
		ret = nexus_steps[i].init();
		if (ret) {
			pr_err("load failed at %s: %d\n", nexus_steps[i].name, ret);
			nexus_state_set(NEXUS_STATE_SHUTTING_DOWN, "load failed");
			while (--i >= 0)
				nexus_steps[i].exit();
			nexus_state_set(NEXUS_STATE_STOPPED, "load failed");
			return ret;
		}
	}
	pr_info("loaded: level %s, preset %s\n",
		nexus_level_name(nexus_current_level()),
		nexus_preset_name(nexus_current_preset()));
	return 0;
}

static void __exit nexus_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(nexus_steps) - 1; i >= 0; i--)
		nexus_steps[i].exit();
	nexus_state_set(NEXUS_STATE_STOPPED, "unloaded");
	pr_info("unloaded\n");
}

module_init(nexus_init);
module_exit(nexus_exit);
MODULE_DESCRIPTION("NEXUS: kernel intelligence layer, core");
MODULE_LICENSE("GPL");
