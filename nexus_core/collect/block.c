// SPDX-License-Identifier: GPL-2.0
/*
 * The block collector: I/O completions, bytes and latency from the
 * block_rq_issue and block_rq_complete tracepoints, in aggregate and for
 * up to NX_BLK_DEVS disks.
 *
 * Latency is completion time less rq->start_time_ns, the time the request
 * was allocated (queueing in the I/O scheduler included): what iostat's
 * await and the time fields of /sys/block/<dev>/stat measure.  The block
 * layer sets it whenever it keeps I/O statistics or an elevator is
 * attached (blk_mq_need_time_stamp(), both 6.1 and 6.12); else it is 0 and
 * rq->io_start_time_ns (the issue time, set only with queue statistics) is
 * used; a request with neither is counted without a latency.  Both clocks
 * are ktime_get_ns().
 *
 * Passthrough requests (SCSI commands of sg and ioctls) are skipped, as in
 * /sys/block/<dev>/stat; flushes are counted.  A request completed in parts
 * counts once, at its last part.  One completed with an error (the
 * tracepoint's blk_status_t, e.g. a medium error) also counts in errors:
 * requests failed in the sample period.
 *
 * Disks are keyed by dev_t in a fixed table whose slots are claimed with
 * one cmpxchg from the completion probe; the sampler registers the
 * blk.<disk>.* metrics of a newly seen disk.  Disks past the table count in
 * the aggregate only.  A slot is not reused while attached, so a disk that
 * goes away keeps its slot (and a new disk with its dev_t inherits it).
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/ctype.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <trace/events/block.h>
#include "collect.h"

#define NX_BLK_DEVS		8
#define NX_BLK_SLOW_NS		(100 * NSEC_PER_MSEC)
#define NX_BLK_NAME_LEN		24

/* Counters of one disk on one CPU; index NX_BLK_DEVS is the aggregate. */
struct nx_blk_stat {
	u64 ios;
	u64 bytes;
	u64 lat_sum_ns;
	u64 lat_n;
	u64 lat_max_ns;		/* since the last sample; reset by it */
	u64 errors;
};

struct nx_blk_pcpu {
	struct nx_blk_stat s[NX_BLK_DEVS + 1];
	u64 issued;
	u64 slow;
};

enum { NX_B_IOPS, NX_B_BW, NX_B_LAT_AVG, NX_B_LAT_MAX, NX_B_ERR, NX_B_NR };

static const char * const nx_blk_suffix[NX_B_NR] = {
	"iops", "bw_kbps", "latency_avg_us", "latency_max_us", "errors",
};

static const char * const nx_blk_units[NX_B_NR] = {
	"count/s", "kB/s", "us", "us", "count",
};

struct nx_blk_dev {
	u32 devt;		/* 0: free; claimed by cmpxchg */
	int ready;		/* name written (release/acquire) */
	char name[NX_BLK_NAME_LEN];
	/* sampler only: */
	bool registered;
	char metric_names[NX_B_NR][NEXUS_NAME_LEN];
	struct nx_metric metrics[NX_B_NR];
	struct nx_blk_stat prev;
};

static struct nx_blk_pcpu __percpu *nx_blk_pc;
static struct nx_blk_dev nx_blk_devs[NX_BLK_DEVS];
static struct nx_blk_stat nx_blk_prev;

static struct nx_metric nx_blk_metrics[] = {
	NX_METRIC("blk.iops", "count/s"),
	NX_METRIC("blk.bw_kbps", "kB/s"),
	NX_METRIC("blk.latency_avg_us", "us"),
	NX_METRIC("blk.latency_max_us", "us"),
	NX_METRIC("blk.errors", "count"),
	NX_METRIC("blk.inflight", "count"),
	NX_METRIC("blk.slow_ios", "count"),
};

#define NX_B_INFLIGHT	(NX_B_NR)
#define NX_B_SLOW	(NX_B_NR + 1)

/* The disk's slot, claimed if new; -1 when the table is full. */
static int nx_blk_slot(struct gendisk *disk)
{
	u32 devt = disk_devt(disk);
	unsigned int i;

	for (i = 0; i < NX_BLK_DEVS; i++) {
		struct nx_blk_dev *d = &nx_blk_devs[i];
		u32 cur = READ_ONCE(d->devt);

		if (cur == devt)
			return i;
		if (cur)
			continue;
		cur = cmpxchg(&d->devt, 0, devt);
		if (cur == 0) {
			strscpy(d->name, disk->disk_name, sizeof(d->name));
			/* Publish the name before the sampler reads it. */
			smp_store_release(&d->ready, 1);
			return i;
		}
		if (cur == devt)
			return i;
	}
	return -1;
}

static void nx_blk_account(struct nx_blk_stat __percpu *s, u64 bytes,
			   u64 lat, bool timed, bool failed)
{
	this_cpu_inc(s->ios);
	this_cpu_add(s->bytes, bytes);
	if (failed)
		this_cpu_inc(s->errors);
	if (!timed)
		return;
	this_cpu_add(s->lat_sum_ns, lat);
	this_cpu_inc(s->lat_n);
	/* Not atomic with the sampler's reset: either period gets it. */
	if (lat > this_cpu_read(s->lat_max_ns))
		this_cpu_write(s->lat_max_ns, lat);
}

static void nx_probe_issue(void *data, struct request *rq)
{
	if (blk_rq_is_passthrough(rq))
		return;
	this_cpu_inc(nx_blk_pc->issued);
	nx_hit(data);
}

static void nx_probe_complete(void *data, struct request *rq,
			      blk_status_t error, unsigned int nr_bytes)
{
	struct gendisk *disk = rq->q->disk;
	u64 start, lat = 0;
	bool timed;
	int slot;

	if (blk_rq_is_passthrough(rq))
		return;
	nx_hit(data);
	/* Partial completion: the rest of the request is still to come. */
	if (nr_bytes < blk_rq_bytes(rq))
		return;
	start = rq->start_time_ns ? rq->start_time_ns : rq->io_start_time_ns;
	timed = start != 0;
	if (timed) {
		u64 now = ktime_get_ns();

		lat = now > start ? now - start : 0;
	}
	/* blk_rq_bytes() is what is left, so all of it at the last part. */
	nx_blk_account(&nx_blk_pc->s[NX_BLK_DEVS], nr_bytes, lat, timed,
		       error != BLK_STS_OK);
	slot = disk ? nx_blk_slot(disk) : -1;
	if (slot >= 0)
		nx_blk_account(&nx_blk_pc->s[slot], nr_bytes, lat, timed,
			       error != BLK_STS_OK);
	if (lat >= NX_BLK_SLOW_NS) {
		this_cpu_inc(nx_blk_pc->slow);
		nexus_bus_push(NEXUS_EV_BLK_SLOW_IO, 0, lat,
			       disk ? disk_devt(disk) : 0);
	}
}

static struct nx_tp nx_blk_tps[] = {
	{ .name = "block_rq_issue",	.probe = nx_probe_issue },
	{ .name = "block_rq_complete",	.probe = nx_probe_complete },
};

static void nx_blk_check_prototypes(void)
{
	NX_TP_CHECK(block_rq_issue, nx_probe_issue);
	NX_TP_CHECK(block_rq_complete, nx_probe_complete);
}

/* Sum of one table index over the CPUs; @reset_max clears the maxima. */
static void nx_blk_sum(unsigned int idx, struct nx_blk_stat *out,
		       bool reset_max)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		struct nx_blk_stat *s = &per_cpu_ptr(nx_blk_pc, cpu)->s[idx];
		u64 max;

		out->ios += READ_ONCE(s->ios);
		out->bytes += READ_ONCE(s->bytes);
		out->lat_sum_ns += READ_ONCE(s->lat_sum_ns);
		out->lat_n += READ_ONCE(s->lat_n);
		out->errors += READ_ONCE(s->errors);
		max = reset_max ? xchg(&s->lat_max_ns, 0) :
				  READ_ONCE(s->lat_max_ns);
		out->lat_max_ns = max(out->lat_max_ns, max);
	}
}

static void nx_blk_push(struct nx_metric *m, const struct nx_blk_stat *cur,
			const struct nx_blk_stat *prev, u64 now_ns, u64 dt)
{
	u64 n = cur->lat_n - prev->lat_n;

	nx_metric_push(&m[NX_B_IOPS], now_ns, nx_rate(cur->ios - prev->ios, dt));
	nx_metric_push(&m[NX_B_BW], now_ns,
		       nx_rate(cur->bytes - prev->bytes, dt) >> 10);
	nx_metric_push(&m[NX_B_ERR], now_ns, cur->errors - prev->errors);
	if (n) {
		nx_metric_push(&m[NX_B_LAT_AVG], now_ns,
			       div64_u64(cur->lat_sum_ns - prev->lat_sum_ns,
					 n * NSEC_PER_USEC));
		nx_metric_push(&m[NX_B_LAT_MAX], now_ns,
			       div_u64(cur->lat_max_ns, NSEC_PER_USEC));
	}
}

/* Register the metrics of a disk the probes have just seen. */
static void nx_blk_dev_register(struct nx_blk_dev *d)
{
	char name[NX_BLK_NAME_LEN];
	unsigned int i;
	char *p;

	strscpy(name, d->name, sizeof(name));
	/* Metric names are [a-z0-9_.]: "dm-0" becomes "dm_0". */
	for (p = name; *p; p++)
		if (!islower(*p) && !isdigit(*p))
			*p = '_';
	for (i = 0; i < NX_B_NR; i++) {
		snprintf(d->metric_names[i], NEXUS_NAME_LEN, "blk.%s.%s", name,
			 nx_blk_suffix[i]);
		d->metrics[i].name = d->metric_names[i];
		d->metrics[i].unit = nx_blk_units[i];
	}
	/* A failure (store full) leaves the disk in the aggregate only. */
	if (nx_metrics_register(d->metrics, NX_B_NR))
		pr_info("block: no per-disk metrics for %s\n", d->name);
	d->registered = true;
}

static void nx_blk_sample(struct nexus_collector *c, u64 now_ns)
{
	u64 dt = now_ns - c->last_ns;
	struct nx_blk_stat cur;
	u64 issued = 0, slow = 0;
	unsigned int i;
	int cpu;

	for (i = 0; i < NX_BLK_DEVS; i++) {
		struct nx_blk_dev *d = &nx_blk_devs[i];

		/* Pairs with nx_blk_slot(): the name is written. */
		if (!smp_load_acquire(&d->ready))
			continue;
		if (!d->registered) {
			nx_blk_dev_register(d);
			/* Its counts so far are the baseline. */
			nx_blk_sum(i, &d->prev, true);
			continue;
		}
		nx_blk_sum(i, &cur, true);
		nx_blk_push(d->metrics, &cur, &d->prev, now_ns, dt);
		d->prev = cur;
	}
	nx_blk_sum(NX_BLK_DEVS, &cur, true);
	nx_blk_push(nx_blk_metrics, &cur, &nx_blk_prev, now_ns, dt);
	for_each_possible_cpu(cpu) {
		issued += READ_ONCE(per_cpu_ptr(nx_blk_pc, cpu)->issued);
		slow += READ_ONCE(per_cpu_ptr(nx_blk_pc, cpu)->slow);
	}
	/* Issues and completions race with this read: clamp at zero. */
	nx_metric_push(&nx_blk_metrics[NX_B_INFLIGHT], now_ns,
		       issued > cur.ios ? issued - cur.ios : 0);
	nx_metric_push(&nx_blk_metrics[NX_B_SLOW], now_ns, slow);
	nx_blk_prev = cur;
}

static void nx_blk_free(void)
{
	unsigned int i;

	for (i = 0; i < NX_BLK_DEVS; i++) {
		struct nx_blk_dev *d = &nx_blk_devs[i];

		if (d->registered)
			nx_metrics_unregister(d->metrics, NX_B_NR);
		memset(d, 0, sizeof(*d));
	}
	nx_metrics_unregister(nx_blk_metrics, ARRAY_SIZE(nx_blk_metrics));
	free_percpu(nx_blk_pc);
	nx_blk_pc = NULL;
}

static int nx_blk_start(struct nexus_collector *c)
{
	int err;

	nx_blk_check_prototypes();
	memset(nx_blk_devs, 0, sizeof(nx_blk_devs));
	memset(&nx_blk_prev, 0, sizeof(nx_blk_prev));
	nx_blk_pc = alloc_percpu(struct nx_blk_pcpu);
	if (!nx_blk_pc)
		return -ENOMEM;
	err = nx_metrics_register(nx_blk_metrics, ARRAY_SIZE(nx_blk_metrics));
	if (err)
		goto fail;
	err = nx_tp_attach(nx_blk_tps, ARRAY_SIZE(nx_blk_tps), c,
			   c->detail, sizeof(c->detail));
	if (err)
		goto fail;
	snprintf(c->detail, sizeof(c->detail),
		 "tracepoints: issue, complete; %d disks max", NX_BLK_DEVS);
	return 0;
fail:
	nx_blk_free();
	return err;
}

static void nx_blk_stop(struct nexus_collector *c)
{
	nx_tp_detach(nx_blk_tps, ARRAY_SIZE(nx_blk_tps), c);
	nx_blk_free();
}

static void nx_blk_dump(struct nexus_collector *c, struct seq_file *m)
{
	struct nx_blk_stat s;
	unsigned int i;

	mutex_lock(&nx_collectors_lock);
	if (!c->attached || !nx_blk_pc) {
		seq_puts(m, "block: detached\n");
		goto out;
	}
	nx_blk_sum(NX_BLK_DEVS, &s, false);
	seq_printf(m, "block: ios %llu bytes %llu timed %llu avg %llu us untimed %llu errors %llu\n",
		   s.ios, s.bytes, s.lat_n,
		   s.lat_n ? div64_u64(s.lat_sum_ns, s.lat_n * NSEC_PER_USEC) : 0,
		   s.ios - s.lat_n, s.errors);
	for (i = 0; i < NX_BLK_DEVS; i++) {
		struct nx_blk_dev *d = &nx_blk_devs[i];

		/* Pairs with nx_blk_slot(): the name is written. */
		if (!smp_load_acquire(&d->ready))
			continue;
		nx_blk_sum(i, &s, false);
		seq_printf(m, "block: %s %u:%u ios %llu bytes %llu errors %llu%s\n",
			   d->name, MAJOR(d->devt), MINOR(d->devt), s.ios,
			   s.bytes, s.errors,
			   d->registered && d->metrics[0].id >= 0 ? "" :
			   " (no metrics)");
	}
out:
	mutex_unlock(&nx_collectors_lock);
}

struct nexus_collector nexus_collector_block = {
	.name = "block",
	.trace_flag = NEXUS_TRACE_BLOCK,
	.start = nx_blk_start,
	.stop = nx_blk_stop,
	.sample = nx_blk_sample,
	.dump = nx_blk_dump,
};
