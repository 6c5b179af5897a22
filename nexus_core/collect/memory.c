// SPDX-License-Identifier: GPL-2.0
/*
 * The memory collector: a sampler for the memory counters and the PSI
 * stall totals, and probes on direct reclaim and OOM kills.
 *
 * Sampler (engine thread, process context): si_mem_available() and
 * si_meminfo() are exported; Cached, SReclaimable, SUnreclaim, SwapTotal
 * and SwapFree are not (global_node_page_state_pages(), si_swapinfo() and
 * total_swap_pages are not exported), nor is psi_system, so those come
 * from /proc/meminfo and /proc/pressure/{cpu,memory,io}, read with
 * kernel_read().  PSI is reported as per-mille of wall time stalled over the
 * sample interval, the delta of the "total=" microsecond counters.
 *
 * OOM headroom: MemAvailable holds back every zone's high watermark and
 * lowmem reserve and is clamped at 0, yet allocations go on down to the min
 * watermark before the OOM killer runs: on the 1 GiB test VM it reaches 0
 * about 20 MB (1-3 s of a 16 MB/s leak) before the kill.  mem.oom_headroom_kb
 * is si_mem_available()'s sum with the min watermarks in place of those
 * reserves and no clamp, from the exported vm_node_stat/vm_zone_stat
 * counters and the zones of node_data.
 *
 * Direct reclaim: a stall begins and ends in the same task, which may
 * migrate (reclaim sleeps), so the begin timestamp cannot live in per-CPU
 * data.  It goes into a small global table keyed by pid, claimed with one
 * cmpxchg (no lock, no allocation, at most NX_RECLAIM_PROBES slots tried).
 * When the table is full the stall is still counted, without a duration.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <trace/events/vmscan.h>
#include <trace/events/oom.h>
#include "collect.h"

/* A direct reclaim longer than this is also pushed on the bus. */
#define NX_RECLAIM_EVENT_NS	(10 * NSEC_PER_MSEC)
#define NX_RECLAIM_SLOTS	64
#define NX_RECLAIM_PROBES	4

struct nx_mem_pcpu {
	u64 reclaims;
	u64 reclaim_ns;
	u64 reclaim_timed;	/* reclaims with a duration */
	u64 ooms;
};

struct nx_reclaim_slot {
	atomic_t pid;		/* 0: free */
	u64 start_ns;
};

static struct nx_mem_pcpu __percpu *nx_mem_pc;
static struct nx_reclaim_slot nx_reclaim_slots[NX_RECLAIM_SLOTS];
static struct nx_mem_pcpu nx_mem_prev;
static char *nx_mem_buf;

enum { NX_PSI_CPU, NX_PSI_MEM, NX_PSI_IO, NX_PSI_NR };

static const char * const nx_psi_files[NX_PSI_NR] = {
	"/proc/pressure/cpu", "/proc/pressure/memory", "/proc/pressure/io",
};

struct nx_psi {
	u64 some_us, full_us;
	bool valid;
	int err;
};

static struct nx_psi nx_psi_prev[NX_PSI_NR];
static int nx_meminfo_err;

enum {
	NX_AVAIL, NX_FREE, NX_CACHED, NX_SRECL, NX_SUNRECL, NX_SWFREE,
	NX_SWTOTAL, NX_PSI_CPU_SOME, NX_PSI_MEM_SOME, NX_PSI_MEM_FULL,
	NX_PSI_IO_SOME, NX_PSI_IO_FULL, NX_RECLAIMS, NX_RECLAIM_NS, NX_OOMS,
	NX_HEADROOM, NX_MEM_NR
};

static struct nx_metric nx_mem_metrics[NX_MEM_NR] = {
	[NX_AVAIL]	  = NX_METRIC("mem.available_kb", "kB"),
	[NX_FREE]	  = NX_METRIC("mem.free_kb", "kB"),
	[NX_CACHED]	  = NX_METRIC("mem.cached_kb", "kB"),
	[NX_SRECL]	  = NX_METRIC("mem.slab_reclaimable_kb", "kB"),
	[NX_SUNRECL]	  = NX_METRIC("mem.slab_unreclaimable_kb", "kB"),
	[NX_SWFREE]	  = NX_METRIC("mem.swap_free_kb", "kB"),
	[NX_SWTOTAL]	  = NX_METRIC("mem.swap_total_kb", "kB"),
	[NX_PSI_CPU_SOME] = NX_METRIC("psi.cpu.some", "permille"),
	[NX_PSI_MEM_SOME] = NX_METRIC("psi.memory.some", "permille"),
	[NX_PSI_MEM_FULL] = NX_METRIC("psi.memory.full", "permille"),
	[NX_PSI_IO_SOME]  = NX_METRIC("psi.io.some", "permille"),
	[NX_PSI_IO_FULL]  = NX_METRIC("psi.io.full", "permille"),
	[NX_RECLAIMS]	  = NX_METRIC("mem.reclaim_stalls", "count/s"),
	[NX_RECLAIM_NS]	  = NX_METRIC("mem.reclaim_stall_ns", "ns"),
	[NX_OOMS]	  = NX_METRIC("mem.oom_kills", "count"),
	[NX_HEADROOM]	  = NX_METRIC("mem.oom_headroom_kb", "kB"),
};

static void nx_probe_reclaim_begin(void *data, int order, gfp_t gfp)
{
	u32 pid = current->pid;
	u32 h = hash_32(pid, ilog2(NX_RECLAIM_SLOTS));
	unsigned int i;

	for (i = 0; i < NX_RECLAIM_PROBES; i++) {
		struct nx_reclaim_slot *s =
			&nx_reclaim_slots[(h + i) % NX_RECLAIM_SLOTS];

		if (atomic_cmpxchg(&s->pid, 0, pid) == 0) {
			/* Read by the same task at the end: no barrier. */
			WRITE_ONCE(s->start_ns, ktime_get_ns());
			break;
		}
	}
	nx_hit(data);
}

static void nx_probe_reclaim_end(void *data, unsigned long nr_reclaimed)
{
	u32 pid = current->pid;
	u32 h = hash_32(pid, ilog2(NX_RECLAIM_SLOTS));
	unsigned int i;
	u64 d;

	this_cpu_inc(nx_mem_pc->reclaims);
	nx_hit(data);
	for (i = 0; i < NX_RECLAIM_PROBES; i++) {
		struct nx_reclaim_slot *s =
			&nx_reclaim_slots[(h + i) % NX_RECLAIM_SLOTS];

		if (atomic_read(&s->pid) != pid)
			continue;
		d = ktime_get_ns() - READ_ONCE(s->start_ns);
		atomic_set_release(&s->pid, 0);
		this_cpu_add(nx_mem_pc->reclaim_ns, d);
		this_cpu_inc(nx_mem_pc->reclaim_timed);
		if (d >= NX_RECLAIM_EVENT_NS)
			nexus_bus_push(NEXUS_EV_RECLAIM_STALL, pid, d,
				       nr_reclaimed);
		return;
	}
}

/*
 * mark_victim's prototype changed from (int pid) to (struct task_struct *,
 * uid_t) upstream in 6.8 and in the 6.1 stable series; both test kernels
 * have the new one.  Both probes are built and the one matching the
 * headers is registered, so older 6.1 builds work too.
 */
static void nx_probe_oom_task(void *data, struct task_struct *task, uid_t uid)
{
	this_cpu_inc(nx_mem_pc->ooms);
	nexus_bus_push(NEXUS_EV_OOM_KILL, task->pid, 0, 0);
	nx_hit(data);
}

static void nx_probe_oom_pid(void *data, int pid)
{
	this_cpu_inc(nx_mem_pc->ooms);
	nexus_bus_push(NEXUS_EV_OOM_KILL, pid, 0, 0);
	nx_hit(data);
}

#define NX_OOM_HAS_TASK \
	__same_type(&register_trace_mark_victim, \
		    int (*)(void (*)(void *, struct task_struct *, uid_t), \
			    void *))

static struct nx_tp nx_mem_tps[] = {
	{ .name = "mm_vmscan_direct_reclaim_end",
	  .probe = nx_probe_reclaim_end },
	{ .name = "mm_vmscan_direct_reclaim_begin",
	  .probe = nx_probe_reclaim_begin },
	{ .name = "mark_victim" },
};

static void nx_mem_check_prototypes(void)
{
	NX_TP_CHECK(mm_vmscan_direct_reclaim_begin, nx_probe_reclaim_begin);
	NX_TP_CHECK(mm_vmscan_direct_reclaim_end, nx_probe_reclaim_end);
}

static void nx_mem_sum(struct nx_mem_pcpu *s)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		struct nx_mem_pcpu *p = per_cpu_ptr(nx_mem_pc, cpu);

		s->reclaims += READ_ONCE(p->reclaims);
		s->reclaim_ns += READ_ONCE(p->reclaim_ns);
		s->reclaim_timed += READ_ONCE(p->reclaim_timed);
		s->ooms += READ_ONCE(p->ooms);
	}
}

static int nx_psi_read(unsigned int i, struct nx_psi *p)
{
	char *full;
	int n;

	n = nx_read_file(nx_psi_files[i], nx_mem_buf, PAGE_SIZE);
	if (n < 0)
		return n;
	full = strstr(nx_mem_buf, "full ");
	if (!strstarts(nx_mem_buf, "some ") ||
	    nx_parse_key(nx_mem_buf, "total=", &p->some_us))
		return -EINVAL;
	p->full_us = 0;
	if (full && nx_parse_key(full, "total=", &p->full_us))
		return -EINVAL;
	return 0;
}

static s64 nx_permille(u64 stall_us, u64 wall_ns)
{
	u64 wall_us = div_u64(wall_ns, NSEC_PER_USEC);

	if (!wall_us)
		return 0;
	return min_t(u64, div64_u64(stall_us * 1000, wall_us), 1000);
}

static void nx_psi_sample(u64 now_ns, u64 dt)
{
	static const int some[NX_PSI_NR] = {
		NX_PSI_CPU_SOME, NX_PSI_MEM_SOME, NX_PSI_IO_SOME };
	static const int full[NX_PSI_NR] = { -1, NX_PSI_MEM_FULL, NX_PSI_IO_FULL };
	unsigned int i;

	for (i = 0; i < NX_PSI_NR; i++) {
		struct nx_psi cur = { .valid = true };
		struct nx_psi *prev = &nx_psi_prev[i];

		prev->err = nx_psi_read(i, &cur);
		if (prev->err) {
			prev->valid = false;
			continue;
		}
		if (prev->valid && dt) {
			nx_metric_push(&nx_mem_metrics[some[i]], now_ns,
				       nx_permille(cur.some_us - prev->some_us,
						   dt));
			if (full[i] >= 0)
				nx_metric_push(&nx_mem_metrics[full[i]], now_ns,
					       nx_permille(cur.full_us -
							   prev->full_us, dt));
		}
		prev->some_us = cur.some_us;
		prev->full_us = cur.full_us;
		prev->valid = true;
	}
}

static void nx_meminfo_sample(u64 now_ns)
{
	static const struct { const char *key; int metric; } keys[] = {
		{ "Cached:", NX_CACHED },
		{ "SReclaimable:", NX_SRECL },
		{ "SUnreclaim:", NX_SUNRECL },
		{ "SwapTotal:", NX_SWTOTAL },
		{ "SwapFree:", NX_SWFREE },
	};
	unsigned int i;
	u64 v;
	int n;

	n = nx_read_file("/proc/meminfo", nx_mem_buf, PAGE_SIZE);
	nx_meminfo_err = n < 0 ? n : 0;
	if (n < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!nx_parse_key(nx_mem_buf, keys[i].key, &v))
			nx_metric_push(&nx_mem_metrics[keys[i].metric], now_ns,
				       v);
}

#define NX_PAGES_TO_KB(p)	((s64)(p) << (PAGE_SHIFT - 10))

/*
 * Pages allocations can still take before the OOM killer: free pages above
 * the min watermarks, plus the page cache and reclaimable kernel memory
 * that reclaim can free, less what si_mem_available() assumes it cannot
 * (up to the low watermarks of each).  May go below 0 when atomic
 * allocations dip under the min watermarks.
 */
static s64 nx_oom_headroom_pages(void)
{
	s64 wmark_min = 0, wmark_low = 0, cache, recl, free;
	int nid, z;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			wmark_min += min_wmark_pages(zone);
			wmark_low += low_wmark_pages(zone);
		}
	}
	free = global_zone_page_state(NR_FREE_PAGES);
	cache = global_node_page_state(NR_ACTIVE_FILE) +
		global_node_page_state(NR_INACTIVE_FILE);
	cache -= min(cache / 2, wmark_low);
	recl = global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) +
	       global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	recl -= min(recl / 2, wmark_low);
	return free - wmark_min + cache + recl;
}

static void nx_mem_sample(struct nexus_collector *c, u64 now_ns)
{
	u64 dt = now_ns - c->last_ns;
	struct nx_mem_pcpu s;
	struct sysinfo si;

	nx_metric_push(&nx_mem_metrics[NX_AVAIL], now_ns,
		       NX_PAGES_TO_KB(si_mem_available()));
	si_meminfo(&si);
	nx_metric_push(&nx_mem_metrics[NX_FREE], now_ns,
		       (s64)si.freeram * si.mem_unit >> 10);
	nx_metric_push(&nx_mem_metrics[NX_HEADROOM], now_ns,
		       nx_oom_headroom_pages() * (s64)(PAGE_SIZE >> 10));
	nx_meminfo_sample(now_ns);
	nx_psi_sample(now_ns, dt);

	nx_mem_sum(&s);
	nx_metric_push(&nx_mem_metrics[NX_RECLAIMS], now_ns,
		       nx_rate(s.reclaims - nx_mem_prev.reclaims, dt));
	if (s.reclaim_timed > nx_mem_prev.reclaim_timed)
		nx_metric_push(&nx_mem_metrics[NX_RECLAIM_NS], now_ns,
			       div64_u64(s.reclaim_ns - nx_mem_prev.reclaim_ns,
					 s.reclaim_timed -
					 nx_mem_prev.reclaim_timed));
	nx_metric_push(&nx_mem_metrics[NX_OOMS], now_ns,
		       s.ooms - nx_mem_prev.ooms);
	nx_mem_prev = s;
}

static void nx_mem_free(void)
{
	nx_metrics_unregister(nx_mem_metrics, NX_MEM_NR);
	kfree(nx_mem_buf);
	nx_mem_buf = NULL;
	free_percpu(nx_mem_pc);
	nx_mem_pc = NULL;
}

static int nx_mem_start(struct nexus_collector *c)
{
	unsigned int i;
	int err;

	nx_mem_check_prototypes();
	nx_mem_tps[2].probe = NX_OOM_HAS_TASK ? (void *)nx_probe_oom_task :
						(void *)nx_probe_oom_pid;
	nx_mem_pc = alloc_percpu(struct nx_mem_pcpu);
	nx_mem_buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!nx_mem_pc || !nx_mem_buf) {
		err = -ENOMEM;
		goto fail;
	}
	memset(&nx_mem_prev, 0, sizeof(nx_mem_prev));
	memset(nx_psi_prev, 0, sizeof(nx_psi_prev));
	/* Stale entries of tasks that were in reclaim at the last stop. */
	for (i = 0; i < NX_RECLAIM_SLOTS; i++)
		atomic_set(&nx_reclaim_slots[i].pid, 0);
	err = nx_metrics_register(nx_mem_metrics, NX_MEM_NR);
	if (err)
		goto fail;
	/* The first PSI read is the baseline of the first interval. */
	nx_psi_sample(0, 0);
	err = nx_tp_attach(nx_mem_tps, ARRAY_SIZE(nx_mem_tps), c,
			   c->detail, sizeof(c->detail));
	if (err)
		goto fail;
	snprintf(c->detail, sizeof(c->detail), "sampler, psi %s, %zu tracepoints",
		 nx_psi_prev[NX_PSI_CPU].valid ? "on" : "off",
		 ARRAY_SIZE(nx_mem_tps));
	return 0;
fail:
	nx_mem_free();
	return err;
}

static void nx_mem_stop(struct nexus_collector *c)
{
	nx_tp_detach(nx_mem_tps, ARRAY_SIZE(nx_mem_tps), c);
	nx_mem_free();
}

static void nx_mem_dump(struct nexus_collector *c, struct seq_file *m)
{
	struct nx_mem_pcpu s;
	unsigned int i;

	mutex_lock(&nx_collectors_lock);
	if (!c->attached || !nx_mem_pc) {
		seq_puts(m, "memory: detached\n");
		goto out;
	}
	nx_mem_sum(&s);
	seq_printf(m, "memory: direct reclaims %llu (%llu timed, %llu ns) oom kills %llu\n",
		   s.reclaims, s.reclaim_timed, s.reclaim_ns, s.ooms);
	seq_printf(m, "memory: /proc/meminfo %d\n", nx_meminfo_err);
	for (i = 0; i < NX_PSI_NR; i++)
		seq_printf(m, "memory: %s %d\n", nx_psi_files[i],
			   nx_psi_prev[i].err);
out:
	mutex_unlock(&nx_collectors_lock);
}

struct nexus_collector nexus_collector_memory = {
	.name = "memory",
	.trace_flag = NEXUS_TRACE_MEMORY,
	.start = nx_mem_start,
	.stop = nx_mem_stop,
	.sample = nx_mem_sample,
	.dump = nx_mem_dump,
};
