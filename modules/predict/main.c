// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_predict - forecasts of CPU, memory and I/O metrics, and crash
 * predictions with a time to failure, a confidence, a component and a
 * recommended action.  See Documentation/prediction.rst.
 *
 * An analyzer: it reads metrics and walks the task list in its tick,
 * publishes findings and asks for PREDICTIVE/WARN decisions so that its
 * predictions land in the audit log.  It never changes the system.
 */
#define pr_fmt(fmt) "nexus_predict: " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include "predict.h"

static u64 nxp_t0_ns;
static bool nxp_was_enabled;

/**
 * nxp_ms() - module time in milliseconds
 * @ns: a CLOCK_MONOTONIC time
 *
 * The regressions take s64 times; milliseconds since load keep them small.
 *
 * Return: ms since the module was loaded (0 for earlier times).
 */
u64 nxp_ms(u64 ns)
{
	return ns > nxp_t0_ns ? div_u64(ns - nxp_t0_ns, NSEC_PER_MSEC) : 0;
}

static void nxp_tick(u64 now_ns)
{
	struct nexus_prediction_params cfg;

	nexus_prediction_config(&cfg);
	if (cfg.enabled || nxp_was_enabled)
		nxp_crash_tick(now_ns, &cfg);
	nxp_was_enabled = cfg.enabled;
	if (cfg.enabled)
		nxp_forecast_tick(now_ns, &cfg);
}

static void nxp_event(const struct nexus_event *ev)
{
	nxp_crash_event(ev);
}

static void nxp_dump(struct seq_file *m)
{
	nxp_forecast_dump(m);
	nxp_crash_dump(m);
}

static int nxp_init(void)
{
	int ret;

	nxp_t0_ns = ktime_get_ns();
	nxp_score_reset();
	ret = nxp_forecast_init();
	if (ret)
		return ret;
	ret = nxp_tasks_init();
	if (ret)
		goto fail_tasks;
	ret = nxp_degrade_init();
	if (ret)
		goto fail_degrade;
	ret = nxp_corrupt_init();
	if (ret)
		goto fail_corrupt;
	ret = nxp_livelock_init();
	if (ret)
		goto fail_livelock;
	ret = nxp_cgroups_init();
	if (ret)
		goto fail_cgroups;
	ret = nxp_crash_init();
	if (ret)
		goto fail_crash;
	return 0;
fail_crash:
	nxp_cgroups_exit();
fail_cgroups:
	nxp_livelock_exit();
fail_livelock:
	nxp_corrupt_exit();
fail_corrupt:
	nxp_degrade_exit();
fail_degrade:
	nxp_tasks_exit();
fail_tasks:
	nxp_forecast_exit();
	return ret;
}

static void nxp_exit(void)
{
	nxp_crash_exit();
	nxp_cgroups_exit();
	nxp_livelock_exit();
	nxp_corrupt_exit();
	nxp_degrade_exit();
	nxp_tasks_exit();
	nxp_forecast_exit();
}

const struct nexus_module_ops nxp_ops = {
	.name = "predict",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.event_mask = NEXUS_EV_MASK(NEXUS_EV_OOM_KILL),
	.min_level = NEXUS_LEVEL_PREDICTION,
	.priority = 7,
	.init = nxp_init,
	.exit = nxp_exit,
	.tick = nxp_tick,
	.on_event = nxp_event,
	.apply = nxp_crash_apply,
	.dump = nxp_dump,
	.groups = nxp_groups,
	.record_kinds = NEXUS_REC_MASK(NEXUS_REC_FORECAST),
	.read_records = nxp_read_records,
};

static int __init nxp_mod_init(void)
{
	int ret;

	nxp_knobs_groups_init();
	ret = nexus_register_module(&nxp_ops);
	if (ret)
		return ret;
	/* debugfs is optional: without these files the module still works */
	ret = nexus_debugfs_create(&nxp_ops, "predictions",
				   nxp_predictions_show);
	if (ret)
		pr_warn("debugfs predictions: %d\n", ret);
	ret = nexus_debugfs_create(&nxp_ops, "forecasts", nxp_forecasts_show);
	if (ret)
		pr_warn("debugfs forecasts: %d\n", ret);
	return 0;
}

static void __exit nxp_mod_exit(void)
{
	nexus_unregister_module(&nxp_ops);
}

module_init(nxp_mod_init);
module_exit(nxp_mod_exit);
MODULE_DESCRIPTION("NEXUS forecasts and crash predictions");
MODULE_LICENSE("GPL");
