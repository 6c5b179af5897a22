// SPDX-License-Identifier: GPL-2.0
/*
 * HwProfile and AdaptationRules.
 *
 * The profile is detected once at load (CPUs, SMT, NUMA nodes, cache line
 * and last-level cache, memory, swap, PMU, hypervisor); the disks are in
 * nxt_devs, classified by knobs.c.  It is shown in
 * /sys/kernel/nexus/modules/tune/hw/.
 *
 * Each adaptation rule looks at the profile and a knob when the knob is
 * set up, and may make it ineligible or narrow its safe range; what a rule
 * did is recorded as a TuneResult (debugfs "tune", section "rules").  The
 * rules and the reasons for them are in Documentation/tune.rst.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/topology.h>
#include <linux/nodemask.h>
#include <linux/mm.h>
#include <linux/cache.h>
#include <linux/seq_file.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#ifdef CONFIG_X86
#include <asm/hypervisor.h>
#include <asm/processor.h>
#include <asm/cpufeature.h>
#endif
#include "tune.h"

struct nxt_hw nxt_hw;

/**
 * struct nxt_result - TuneResult: what an adaptation rule did.
 * @rule: the rule's name.
 * @knob: the knob it acted on.
 * @what: what it did.
 */
struct nxt_result {
	const char *rule;
	char knob[NXT_NAME_LEN];
	char what[48];
};

#define NXT_RESULTS	32
static struct nxt_result nxt_results[NXT_RESULTS];
static unsigned int nxt_nresults;

static void nxt_result_add(const char *rule, const struct nxt_knob *k,
			   const char *fmt, s64 v)
{
	struct nxt_result *r = &nxt_results[nxt_nresults++ % NXT_RESULTS];

	r->rule = rule;
	strscpy(r->knob, k->name, sizeof(r->knob));
	snprintf(r->what, sizeof(r->what), fmt, v);
}

static bool nxt_swap_configured(void)
{
	char *buf = kmalloc(4096, GFP_KERNEL);
	char *p;
	u64 kb = 0;

	if (!buf)
		return true;
	if (nxt_file_read("/proc/meminfo", buf, 4096) > 0) {
		p = strstr(buf, "\nSwapTotal:");
		if (p && sscanf(p + 11, "%llu", &kb) != 1)
			kb = 0;
	}
	kfree(buf);
	return kb > 0;
}

/**
 * nxt_hw_detect() - fill nxt_hw
 *
 * Process context (module load).
 */
void nxt_hw_detect(void)
{
	nxt_hw.cpus = num_online_cpus();
	nxt_hw.smt = max_t(u32, 1, cpumask_weight(topology_sibling_cpumask(0)));
	nxt_hw.numa_nodes = num_online_nodes();
	nxt_hw.cache_line = cache_line_size();
	nxt_hw.mem_mb = (u64)totalram_pages() >> (20 - PAGE_SHIFT);
	nxt_hw.swap = nxt_swap_configured();
	strscpy(nxt_hw.hypervisor, "none", sizeof(nxt_hw.hypervisor));
#ifdef CONFIG_X86
	nxt_hw.llc_kb = max_t(int, 0, boot_cpu_data.x86_cache_size);
	nxt_hw.pmu = boot_cpu_has(X86_FEATURE_ARCH_PERFMON) ||
		     boot_cpu_has(X86_FEATURE_PERFCTR_CORE);
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		const char *h = "unknown";

		if (hypervisor_is_type(X86_HYPER_KVM))
			h = "kvm";
		else if (hypervisor_is_type(X86_HYPER_XEN_PV) ||
			 hypervisor_is_type(X86_HYPER_XEN_HVM))
			h = "xen";
		else if (hypervisor_is_type(X86_HYPER_VMWARE))
			h = "vmware";
		else if (hypervisor_is_type(X86_HYPER_MS_HYPERV))
			h = "hyperv";
		strscpy(nxt_hw.hypervisor, h, sizeof(nxt_hw.hypervisor));
	}
#endif
}

/**
 * nxt_rules_apply() - apply the adaptation rules to a knob being set up
 * @k: the knob, its value read
 *
 * Rules (Documentation/tune.rst, "Adaptation rules"):
 *
 * - no_swap: vm.swappiness is ineligible without swap.
 * - ram_disk: a RAM disk's queue knobs are ineligible.
 * - no_io_scheduler: nr_requests is ineligible without an I/O scheduler.
 * - bytes_mode: vm.dirty_ratio (dirty_background_ratio) is ineligible while
 *   vm.dirty_bytes (dirty_background_bytes) is set.
 * - fast_disk_readahead: read_ahead_kb at most 1024 on SSD and NVMe.
 * - small_memory_dirty: vm.dirty_ratio at most 20 with less than 1 GB RAM.
 * - iosched_by_kind: the I/O scheduler for the disk's kind: none where
 *   the device or the host below it schedules (NVMe, virtio, virtual),
 *   mq-deadline for rotational disks and SSDs; a RAM disk's is ineligible.
 */
void nxt_rules_apply(struct nxt_knob *k)
{
	const struct nxt_dev *d = k->dev >= 0 ? &nxt_devs[k->dev] : NULL;
	s64 bytes = 0;

	switch (k->type) {
	case NXT_SWAPPINESS:
		if (!nxt_hw.swap) {
			k->inelig = NXT_INELIG_NO_SWAP;
			nxt_result_add("no_swap", k, "ineligible", 0);
		}
		break;
	case NXT_DIRTY_RATIO:
	case NXT_DIRTY_BG_RATIO:
		nxt_read_s64(k->type == NXT_DIRTY_RATIO ?
			     "/proc/sys/vm/dirty_bytes" :
			     "/proc/sys/vm/dirty_background_bytes", &bytes);
		if (bytes) {
			k->inelig = NXT_INELIG_BYTES_MODE;
			nxt_result_add("bytes_mode", k, "ineligible (%lld bytes)",
				       bytes);
		}
		if (k->type == NXT_DIRTY_RATIO && nxt_hw.mem_mb < 1024) {
			k->max = 20;
			nxt_result_add("small_memory_dirty", k, "max %lld",
				       k->max);
		}
		break;
	case NXT_IOSCHED:
		if (d->kind == NXT_DISK_RAM) {
			k->inelig = NXT_INELIG_RAMDISK;
			nxt_result_add("ram_disk", k, "ineligible", 0);
			break;
		}
		k->target = d->kind == NXT_DISK_ROTATIONAL ||
			    d->kind == NXT_DISK_SSD ? NXT_SCHED_DEADLINE :
			    NXT_SCHED_NONE;
		nxt_result_add("iosched_by_kind", k,
			       k->target == NXT_SCHED_NONE ? "prefer none" :
			       "prefer mq-deadline", 0);
		break;
	case NXT_READ_AHEAD_KB:
	case NXT_NR_REQUESTS:
		if (d->kind == NXT_DISK_RAM) {
			k->inelig = NXT_INELIG_RAMDISK;
			nxt_result_add("ram_disk", k, "ineligible", 0);
		} else if (k->type == NXT_NR_REQUESTS && !d->has_sched) {
			k->inelig = NXT_INELIG_NO_SCHED;
			nxt_result_add("no_io_scheduler", k, "ineligible", 0);
		} else if (k->type == NXT_READ_AHEAD_KB &&
			   (d->kind == NXT_DISK_SSD || d->kind == NXT_DISK_NVME)) {
			k->max = 1024;
			nxt_result_add("fast_disk_readahead", k, "max %lld",
				       k->max);
		}
		break;
	default:
		break;
	}
	k->out_of_range = k->present && (k->cur < k->min || k->cur > k->max);
}

/**
 * nxt_hw_dump() - the profile and the rules' results, for debugfs
 * @m: the seq_file
 */
void nxt_hw_dump(struct seq_file *m)
{
	unsigned int i, n = min_t(unsigned int, nxt_nresults, NXT_RESULTS);

	seq_printf(m, "hw cpus %u smt %u numa_nodes %u cache_line %u llc_kb %u mem_mb %llu swap %d pmu %d hypervisor %s\n",
		   nxt_hw.cpus, nxt_hw.smt, nxt_hw.numa_nodes,
		   nxt_hw.cache_line, nxt_hw.llc_kb, nxt_hw.mem_mb,
		   nxt_hw.swap, nxt_hw.pmu, nxt_hw.hypervisor);
	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_devs[i].used)
			seq_printf(m, "disk %s %s sched %d%s\n", nxt_devs[i].name,
				   nxt_disk_kind_name(nxt_devs[i].kind),
				   nxt_devs[i].has_sched,
				   nxt_devs[i].gone ? " gone" : "");
	seq_puts(m, "# rules: rule knob result\n");
	for (i = 0; i < n; i++) {
		const struct nxt_result *r =
			&nxt_results[(nxt_nresults - n + i) % NXT_RESULTS];

		seq_printf(m, "rule %s %s %s\n", r->rule, r->knob, r->what);
	}
}

#define NXT_HW_RO(_name, _fmt, _expr)					\
static ssize_t hw_##_name##_show(struct kobject *kobj,			\
				 struct kobj_attribute *attr, char *buf)\
{									\
	return sysfs_emit(buf, _fmt "\n", _expr);			\
}									\
static struct kobj_attribute nxt_hw_##_name##_attr =			\
	__ATTR(_name, 0444, hw_##_name##_show, NULL)

NXT_HW_RO(cpus, "%u", nxt_hw.cpus);
NXT_HW_RO(smt, "%u", nxt_hw.smt);
NXT_HW_RO(numa_nodes, "%u", nxt_hw.numa_nodes);
NXT_HW_RO(cache_line, "%u", nxt_hw.cache_line);
NXT_HW_RO(llc_kb, "%u", nxt_hw.llc_kb);
NXT_HW_RO(mem_mb, "%llu", nxt_hw.mem_mb);
NXT_HW_RO(swap, "%d", nxt_hw.swap);
NXT_HW_RO(pmu, "%d", nxt_hw.pmu);
NXT_HW_RO(hypervisor, "%s", nxt_hw.hypervisor);

/* "name:kind" of each disk, space-separated; /sys/block is scanned first. */
static int nxt_disks_locked(void *arg)
{
	char *buf = arg;
	int i, len = 0;

	nxt_devs_scan();
	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_devs[i].used && !nxt_devs[i].gone)
			len += sysfs_emit_at(buf, len, "%s%s:%s", len ? " " : "",
					     nxt_devs[i].name,
					     nxt_disk_kind_name(nxt_devs[i].kind));
	return len;
}

static ssize_t hw_disks_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	int len = nxt_call(nxt_disks_locked, buf);

	return len + sysfs_emit_at(buf, len, "\n");
}

static struct kobj_attribute nxt_hw_disks_attr = __ATTR(disks, 0444,
							hw_disks_show, NULL);

static struct attribute *nxt_hw_attrs[] = {
	&nxt_hw_cpus_attr.attr,
	&nxt_hw_smt_attr.attr,
	&nxt_hw_numa_nodes_attr.attr,
	&nxt_hw_cache_line_attr.attr,
	&nxt_hw_llc_kb_attr.attr,
	&nxt_hw_mem_mb_attr.attr,
	&nxt_hw_swap_attr.attr,
	&nxt_hw_pmu_attr.attr,
	&nxt_hw_hypervisor_attr.attr,
	&nxt_hw_disks_attr.attr,
	NULL,
};

const struct attribute_group nxt_hw_group = {
	.name = "hw",
	.attrs = nxt_hw_attrs,
};
