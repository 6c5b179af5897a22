// SPDX-License-Identifier: GPL-2.0
/*
 * Bottleneck detection from the core's metrics.
 *
 * A bottleneck is a PerfTarget missed (struct nxt_targets, sysfs target/):
 * each kind has a test on the latest samples of the core's metrics, a
 * confidence that grows with how far the metric is past its target, and
 * the metric values as evidence.  A kind with a tuning action names the
 * knob, the direction of the step and the metric the experiment judges
 * the step by (nxt_bn_action()).  Metrics older than three sample periods
 * (a collector switched off) are not used.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "tune.h"

struct nxt_targets nxt_targets = {
	.cpu_util_permille = 950,
	.cpu_psi_permille = 300,
	.cpu_imbalance_permille = 300,
	.runq_latency_us = 10000,
	.mem_psi_permille = 100,
	.reclaim_stalls = 10,
	.io_psi_permille = 200,
	.blk_latency_us = 20000,
};

struct nxt_bn nxt_bns[NXT_BNS];

/* The sched collector has a cpuN.util for the first 64 online CPUs. */
#define NXT_CPU_METRICS		64

static const char * const nxt_bn_names[NXT_BN_NR] = {
	[NXT_BN_CPU_SATURATION] = "cpu_saturation",
	[NXT_BN_SCHED_LATENCY] = "sched_latency",
	[NXT_BN_MEMORY_RECLAIM] = "memory_reclaim",
	[NXT_BN_WRITEBACK] = "writeback_throttling",
	[NXT_BN_LOAD_IMBALANCE] = "load_imbalance",
	[NXT_BN_IO_SMALL_REQUESTS] = "io_small_requests",
	[NXT_BN_IO_QUEUEING] = "io_queueing",
};

/**
 * nxt_bn_name() - name of a bottleneck kind
 * @kind: enum nxt_bn_kind
 *
 * Return: the name, "?" if out of range.
 */
const char *nxt_bn_name(u8 kind)
{
	return kind < NXT_BN_NR ? nxt_bn_names[kind] : "?";
}

/* The latest sample of a metric if it is fresh. */
static bool nxt_metric(const char *name, u64 now, u64 max_age, s64 *v)
{
	struct nexus_sample s;
	int id = nexus_metric_find(name);

	if (id < 0 || nexus_metric_last(id, &s) < 0)
		return false;
	if (now > s.ts_ns && now - s.ts_ns > max_age)
		return false;
	*v = s.value;
	return true;
}

/* 500 at the target, 1000 at twice the target and beyond. */
static u32 nxt_conf(s64 x, u32 target)
{
	s64 c;

	if (!target)
		return 1000;
	c = 500 + div64_s64((x - target) * 500, target);
	return clamp_t(s64, c, 500, 1000);
}

static __printf(6, 7)
void nxt_bn_set(struct nxt_bn *b, u8 kind, int dev, u32 conf, u64 now,
		const char *fmt, ...)
{
	va_list ap;

	if (!b->active) {
		b->since_ns = now;
		b->seen = 0;
	}
	b->active = true;
	b->kind = kind;
	b->dev = dev;
	b->seen++;
	b->last_ns = now;
	b->confidence = conf;
	va_start(ap, fmt);
	vsnprintf(b->evidence, sizeof(b->evidence), fmt, ap);
	va_end(ap);
}

static void nxt_bn_clear(struct nxt_bn *b)
{
	b->active = false;
	b->seen = 0;
}

/* Dirty and writeback pages against the throttling thresholds. */
static bool nxt_vmstat(u64 *dirty, u64 *thresh, u64 *bg)
{
	static const char * const keys[] = {
		"\nnr_dirty ", "\nnr_writeback ", "\nnr_dirty_threshold ",
		"\nnr_dirty_background_threshold ",
	};
	u64 v[4] = { 0 };
	char *buf, *p;
	int i;

	buf = kmalloc(8192, GFP_KERNEL);
	if (!buf)
		return false;
	if (nxt_file_read("/proc/vmstat", buf, 8192) <= 0) {
		kfree(buf);
		return false;
	}
	for (i = 0; i < 4; i++) {
		p = strstr(buf, keys[i]);
		if (!p || sscanf(p + strlen(keys[i]), "%llu", &v[i]) != 1) {
			kfree(buf);
			return false;
		}
	}
	kfree(buf);
	*dirty = v[0] + v[1];
	*thresh = v[2];
	*bg = v[3];
	return true;
}

static void nxt_detect_disk(int i, u64 now, u64 age, bool io_stall, s64 psi_io)
{
	struct nxt_bn *small = &nxt_bns[NXT_BN_GLOBAL_NR + 2 * i];
	struct nxt_bn *queue = small + 1;
	struct nxt_knob *ra = nxt_dev_knob(i, NXT_READ_AHEAD_KB);
	const struct nxt_targets *t = &nxt_targets;
	char name[NEXUS_NAME_LEN];
	s64 iops = 0, bw = 0, lat = 0, req_kb;

	if (!nxt_devs[i].used || nxt_devs[i].gone || !io_stall) {
		nxt_bn_clear(small);
		nxt_bn_clear(queue);
		return;
	}
	snprintf(name, sizeof(name), "blk.%s.iops", nxt_devs[i].metric);
	nxt_metric(name, now, age, &iops);
	snprintf(name, sizeof(name), "blk.%s.bw_kbps", nxt_devs[i].metric);
	nxt_metric(name, now, age, &bw);
	snprintf(name, sizeof(name), "blk.%s.latency_avg_us", nxt_devs[i].metric);
	nxt_metric(name, now, age, &lat);
	if (iops < 20) {
		nxt_bn_clear(small);
		nxt_bn_clear(queue);
		return;
	}
	req_kb = div64_s64(bw, iops);
	/*
	 * Requests no larger than twice the readahead window while tasks
	 * stall on I/O: reads are served a window at a time.
	 */
	nxt_knob_read(ra);
	if (ra->present && req_kb < 128 && req_kb <= 2 * ra->cur)
		nxt_bn_set(small, NXT_BN_IO_SMALL_REQUESTS, i,
			   nxt_conf(psi_io, t->io_psi_permille), now,
			   "psi.io.some=%lld %s: %lld iops %lld kB/s req %lld kB read_ahead_kb=%lld",
			   psi_io, nxt_devs[i].name, iops, bw, req_kb, ra->cur);
	else
		nxt_bn_clear(small);
	if (lat >= t->blk_latency_us)
		nxt_bn_set(queue, NXT_BN_IO_QUEUEING, i,
			   min(nxt_conf(psi_io, t->io_psi_permille),
			       nxt_conf(lat, t->blk_latency_us)), now,
			   "psi.io.some=%lld %s: latency %lld us %lld iops",
			   psi_io, nxt_devs[i].name, lat, iops);
	else
		nxt_bn_clear(queue);
}

/*
 * Load imbalance: the busiest CPU's utilisation (cpuN.util, the sched
 * collector's) above the idlest's by
 * cpu_imbalance_permille or more while tasks wait for a CPU (psi.cpu.some
 * >= cpu_psi_permille): work queues on one CPU while another has time to
 * spare.  The CPUs without a fresh sample are left out; fewer than two:
 * not seen.
 */
static void nxt_detect_imbalance(u64 now, u64 age, s64 psi_cpu, s64 runq)
{
	struct nxt_bn *b = &nxt_bns[NXT_BN_LOAD_IMBALANCE];
	const struct nxt_targets *t = &nxt_targets;
	s64 v, hi = -1, lo = S64_MAX;
	int cpu, hi_cpu = -1, lo_cpu = -1, n = 0, seen = 0;
	char name[NEXUS_NAME_LEN];

	for_each_online_cpu(cpu) {
		if (n++ >= NXT_CPU_METRICS)
			break;
		snprintf(name, sizeof(name), "cpu%d.util", cpu);
		if (!nxt_metric(name, now, age, &v))
			continue;
		seen++;
		if (v > hi) {
			hi = v;
			hi_cpu = cpu;
		}
		if (v < lo) {
			lo = v;
			lo_cpu = cpu;
		}
	}
	if (seen < 2 || hi - lo < t->cpu_imbalance_permille ||
	    psi_cpu < t->cpu_psi_permille) {
		nxt_bn_clear(b);
		return;
	}
	nxt_bn_set(b, NXT_BN_LOAD_IMBALANCE, -1,
		   min(nxt_conf(hi - lo, t->cpu_imbalance_permille),
		       nxt_conf(psi_cpu, t->cpu_psi_permille)), now,
		   "cpu%d.util=%lld cpu%d.util=%lld psi.cpu.some=%lld sched.runq_latency_avg_ns=%lld",
		   hi_cpu, hi, lo_cpu, lo, psi_cpu, runq);
}

/**
 * nxt_detect() - evaluate every bottleneck on the latest samples
 * @now_ns: now, monotonic
 * @period_ns: the collectors' sample period
 */
void nxt_detect(u64 now_ns, u64 period_ns)
{
	const struct nxt_targets *t = &nxt_targets;
	u64 age = 3 * period_ns, dirty, thresh, bg;
	s64 util = 0, psi_cpu = 0, runq = 0, psi_mem = 0, stalls = 0;
	s64 psi_io = 0;
	bool io_stall;
	int i;

	nxt_metric("cpu.util", now_ns, age, &util);
	nxt_metric("psi.cpu.some", now_ns, age, &psi_cpu);
	nxt_metric("sched.runq_latency_avg_ns", now_ns, age, &runq);
	nxt_metric("psi.memory.some", now_ns, age, &psi_mem);
	nxt_metric("mem.reclaim_stalls", now_ns, age, &stalls);
	nxt_metric("psi.io.some", now_ns, age, &psi_io);

	if (util >= t->cpu_util_permille && psi_cpu >= t->cpu_psi_permille)
		nxt_bn_set(&nxt_bns[NXT_BN_CPU_SATURATION], NXT_BN_CPU_SATURATION,
			   -1, nxt_conf(psi_cpu, t->cpu_psi_permille), now_ns,
			   "cpu.util=%lld psi.cpu.some=%lld", util, psi_cpu);
	else
		nxt_bn_clear(&nxt_bns[NXT_BN_CPU_SATURATION]);

	if (runq >= (s64)t->runq_latency_us * 1000)
		nxt_bn_set(&nxt_bns[NXT_BN_SCHED_LATENCY], NXT_BN_SCHED_LATENCY,
			   -1, nxt_conf(div64_s64(runq, 1000), t->runq_latency_us),
			   now_ns, "sched.runq_latency_avg_ns=%lld psi.cpu.some=%lld",
			   runq, psi_cpu);
	else
		nxt_bn_clear(&nxt_bns[NXT_BN_SCHED_LATENCY]);

	if (psi_mem >= t->mem_psi_permille || stalls >= t->reclaim_stalls)
		nxt_bn_set(&nxt_bns[NXT_BN_MEMORY_RECLAIM], NXT_BN_MEMORY_RECLAIM,
			   -1, max(nxt_conf(psi_mem, t->mem_psi_permille),
				   nxt_conf(stalls, t->reclaim_stalls)), now_ns,
			   "psi.memory.some=%lld mem.reclaim_stalls=%lld",
			   psi_mem, stalls);
	else
		nxt_bn_clear(&nxt_bns[NXT_BN_MEMORY_RECLAIM]);

	io_stall = psi_io >= t->io_psi_permille;
	/* past the midpoint of the thresholds, balance_dirty_pages() throttles */
	if (io_stall && nxt_vmstat(&dirty, &thresh, &bg) && thresh &&
	    dirty >= (thresh + bg) / 2)
		nxt_bn_set(&nxt_bns[NXT_BN_WRITEBACK], NXT_BN_WRITEBACK, -1,
			   nxt_conf(psi_io, t->io_psi_permille), now_ns,
			   "psi.io.some=%lld dirty+writeback=%llu pages, throttle from %llu",
			   psi_io, dirty, (thresh + bg) / 2);
	else
		nxt_bn_clear(&nxt_bns[NXT_BN_WRITEBACK]);

	nxt_detect_imbalance(now_ns, age, psi_cpu, runq);

	for (i = 0; i < NXT_DEVS; i++)
		nxt_detect_disk(i, now_ns, age, io_stall, psi_io);
}

/**
 * struct nxt_action - what NEXUS tries for a bottleneck: one row per
 *	knob, in order of preference; the first knob the running kernel has
 *	is stepped (6.1 has sched.latency_ns, 6.12 sched.base_slice_ns).
 * @bn: enum nxt_bn_kind.
 * @type: the knob's type; a per-disk type is the bottleneck's disk's.
 * @dir: +1 up, -1 down.
 * @better: +1 if a larger @metric is better, -1 if smaller.
 * @unless: no step while this bottleneck kind is seen, or NXT_BN_NR.
 * @metric: the metric judged; "%s" is the disk's name in the metrics.
 *
 * Documentation/tune.rst says why each.
 */
struct nxt_action {
	u8 bn;
	u8 type;
	s8 dir;
	s8 better;
	u8 unless;
	const char *metric;
};

static const struct nxt_action nxt_actions[] = {
	/*
	 * Saturated but the latency target met: longer slices, fewer
	 * context switches.  The latency target wins (@unless).
	 */
	{ NXT_BN_CPU_SATURATION, NXT_SCHED_MIN_GRAN, 1, -1,
	  NXT_BN_SCHED_LATENCY, "sched.ctxsw" },
	{ NXT_BN_CPU_SATURATION, NXT_SCHED_BASE_SLICE, 1, -1,
	  NXT_BN_SCHED_LATENCY, "sched.ctxsw" },
	/* tasks wait long for a CPU: a shorter period (CFS), slice (EEVDF) */
	{ NXT_BN_SCHED_LATENCY, NXT_SCHED_LATENCY, -1, -1, NXT_BN_NR,
	  "sched.runq_latency_avg_ns" },
	{ NXT_BN_SCHED_LATENCY, NXT_SCHED_BASE_SLICE, -1, -1, NXT_BN_NR,
	  "sched.runq_latency_avg_ns" },
	/*
	 * Work waits on one CPU while another idles: a shorter migration
	 * cost, so the load balancer treats tasks as cache-cold sooner and
	 * moves them (and a CPU going idle balances sooner).  NEXUS does not
	 * move tasks itself (Documentation/tune.rst).
	 */
	{ NXT_BN_LOAD_IMBALANCE, NXT_SCHED_MIGRATION_COST, -1, -1, NXT_BN_NR,
	  "sched.runq_latency_avg_ns" },
	/* kswapd starts earlier: fewer allocations reclaim directly */
	{ NXT_BN_MEMORY_RECLAIM, NXT_WATERMARK_SCALE, 1, -1, NXT_BN_NR,
	  "psi.memory.some" },
	/* more room before writers are throttled */
	{ NXT_BN_WRITEBACK, NXT_DIRTY_RATIO, 1, -1, NXT_BN_NR, "psi.io.some" },
	{ NXT_BN_IO_SMALL_REQUESTS, NXT_READ_AHEAD_KB, 1, 1, NXT_BN_NR,
	  "blk.%s.bw_kbps" },
};

/**
 * nxt_bn_action() - the tuning action of a bottleneck
 * @b: the bottleneck
 * @knob: the knob to step
 * @dir: +1 up, -1 down
 * @metric: the metric the experiment is judged by
 * @len: size of @metric
 * @better: +1 if a larger @metric is better, -1 if smaller
 *
 * Return: 0, or -ENOENT for a bottleneck no knob of ours on this kernel
 * addresses (or not now: see struct nxt_action's @unless).
 */
int nxt_bn_action(const struct nxt_bn *b, struct nxt_knob **knob, int *dir,
		  char *metric, size_t len, int *better)
{
	const struct nxt_action *a;
	struct nxt_knob *k;
	int i;

	for (i = 0; i < ARRAY_SIZE(nxt_actions); i++) {
		a = &nxt_actions[i];
		if (a->bn != b->kind)
			continue;
		if (a->unless < NXT_BN_NR && nxt_bns[a->unless].active)
			return -ENOENT;
		if (a->type >= NXT_NR_GLOBAL && b->dev < 0)
			continue;
		k = a->type < NXT_NR_GLOBAL ? &nxt_knobs[a->type] :
		    nxt_dev_knob(b->dev, a->type);
		if (!k->used)
			continue;
		*knob = k;
		*dir = a->dir;
		*better = a->better;
		if (a->type < NXT_NR_GLOBAL)
			strscpy(metric, a->metric, len);
		else
			snprintf(metric, len, a->metric,
				 nxt_devs[b->dev].metric);
		return 0;
	}
	return -ENOENT;
}

/**
 * nxt_bn_dump() - the bottlenecks being seen, for debugfs
 * @m: the seq_file
 */
void nxt_bn_dump(struct seq_file *m)
{
	int i;

	seq_puts(m, "# bottlenecks: kind disk confidence seen since_ns evidence\n");
	for (i = 0; i < NXT_BNS; i++) {
		const struct nxt_bn *b = &nxt_bns[i];

		if (!b->active)
			continue;
		seq_printf(m, "bottleneck %s %s %u %u %llu %s\n",
			   nxt_bn_name(b->kind),
			   b->dev >= 0 ? nxt_devs[b->dev].name : "-",
			   b->confidence, b->seen, b->since_ns, b->evidence);
	}
}
