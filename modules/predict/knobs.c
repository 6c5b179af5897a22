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
	NULL,
};

static const struct attribute_group nxp_group = {
	.attrs = nxp_attrs,
};

const struct attribute_group *nxp_groups[] = {
	&nxp_group,
	NULL,
};
