// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/nexus/modules/predict/: the module's tunables, one value per
 * file.  A store validates and writes one u32 with WRITE_ONCE(); the tick
 * reads each with READ_ONCE(), so a knob never needs the registry lock
 * (a store that waited for the engine could stall behind a long tick).
 * nexus_knob_store() validates: malformed input is -EINVAL, out of range
 * -ERANGE.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <nexus/knob.h>
#include "predict.h"

struct nxp_knobs nxp_knobs = {
	.oom_floor_kb = 0,
	.scan_ms = 1000,
	.leak_window = 16,
	.leak_min_kbps = 64,
	.cpu_psi_permille = 300,
	.starve_latency_us = 10000,
	.io_psi_permille = 200,
	.io_full_permille = 500,
	.notify_permille = 800,
	.deadlock_ms = 10000,
	.degrade_shift_permille = 500,
	.degrade_sustain = 8,
	.io_latency_us = 100000,
	.livelock_ms = 30000,
	.oom_wmark_scale = 200,
};

#define NXP_KNOB(_name, _member, _min, _max)				\
	NEXUS_KNOB(_name, &nxp_knobs._member, _min, _max)

static struct nexus_knob nxp_knob_tab[] = {
	NXP_KNOB(oom_floor_kb, oom_floor_kb, 0, 1U << 30),
	NXP_KNOB(scan_ms, scan_ms, 100, 60000),
	NXP_KNOB(leak_window, leak_window, 4, NX_LINREG_WIN),
	NXP_KNOB(leak_min_kbps, leak_min_kbps, 1, 1U << 24),
	NXP_KNOB(cpu_psi_permille, cpu_psi_permille, 1, 1000),
	NXP_KNOB(starve_latency_us, starve_latency_us, 100, 10000000),
	NXP_KNOB(io_psi_permille, io_psi_permille, 1, 1000),
	NXP_KNOB(io_full_permille, io_full_permille, 1, 1000),
	NXP_KNOB(notify_permille, notify_permille, 0, 1000),
	NXP_KNOB(deadlock_ms, deadlock_ms, 1000, 3600000),
	NXP_KNOB(degrade_shift_permille, degrade_shift_permille, 50, 100000),
	NXP_KNOB(degrade_sustain, degrade_sustain, 4, 32),
	NXP_KNOB(io_latency_us, io_latency_us, 100, 60000000),
	NXP_KNOB(livelock_ms, livelock_ms, 1000, 3600000),
	NXP_KNOB(oom_wmark_scale, oom_wmark_scale, 10, 1000),
};

static struct attribute *nxp_attrs[] = {
	&nxp_knob_tab[0].attr.attr,
	&nxp_knob_tab[1].attr.attr,
	&nxp_knob_tab[2].attr.attr,
	&nxp_knob_tab[3].attr.attr,
	&nxp_knob_tab[4].attr.attr,
	&nxp_knob_tab[5].attr.attr,
	&nxp_knob_tab[6].attr.attr,
	&nxp_knob_tab[7].attr.attr,
	&nxp_knob_tab[8].attr.attr,
	&nxp_knob_tab[9].attr.attr,
	&nxp_knob_tab[10].attr.attr,
	&nxp_knob_tab[11].attr.attr,
	&nxp_knob_tab[12].attr.attr,
	&nxp_knob_tab[13].attr.attr,
	&nxp_knob_tab[14].attr.attr,
	NULL,
};

static const struct attribute_group nxp_group = {
	.attrs = nxp_attrs,
};

/* the knobs, then one directory of counters per kind (score.c) */
const struct attribute_group *nxp_groups[NEXUS_PRED_COUNT + 2];

/**
 * nxp_knobs_groups_init() - fill nxp_groups before the module registers
 */
void nxp_knobs_groups_init(void)
{
	nxp_groups[0] = &nxp_group;
	nxp_score_groups_init(&nxp_groups[1]);
	nxp_groups[NEXUS_PRED_COUNT + 1] = NULL;
}
