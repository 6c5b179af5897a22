// SPDX-License-Identifier: GPL-2.0
/*
 * Degradation predictions (detect_degradation): a sustained upward shift
 * in a latency metric, found by a change-point test of the algorithm
 * library (nx_shift.h: a CUSUM on the log of the latency against a learned
 * baseline, the shift confirmed when the new level holds).
 *
 * Metrics: sched.runq_latency_avg_ns (the mean run-queue wait),
 * blk.latency_avg_us (all disks) and blk.<disk>.latency_avg_us of the
 * disks the block collector reports, NXP_DEG_MAX in all.  Every new sample
 * of each goes through its own test; the component is the metric.
 *
 * The failure a Degradation predicts is the metric reaching its limit, the
 * latency that is a failure in itself: starve_latency_us for the run-queue
 * wait (what CpuStarvation counts as starvation), io_latency_us for block
 * I/O.  Time to failure: when the least-squares line of the samples since
 * the shift was confirmed (8 at least, the last 8 rising: a Mann-Kendall
 * statistic of 500 or more) reaches the limit; 0 when the level is already
 * there; none (0 in the finding, "unknown" in the ABI; a Warn decision,
 * not a Predictive one) otherwise: a step to a level that stays flat is a
 * degraded system, not one heading for a failure.
 *
 * A shift that lasts NXP_DEG_ACCEPT_NS is the new normal: its level
 * becomes the baseline and the prediction resolves.
 */
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"
#include "nx_shift.h"

#define NXP_DEG_MAX		10
#define NXP_DEG_READ		32
/* baseline samples before a metric is tested */
#define NXP_DEG_LEARN		16
/* the rise a shift must also reach, in the metric's unit */
#define NXP_DEG_MIN_NS		100000		/* 100 us of run-queue wait */
#define NXP_DEG_MIN_US		500		/* 0.5 ms of block latency */
/* a shifted metric without a new sample for this long is not reported */
#define NXP_DEG_STALE_NS	(10 * NSEC_PER_SEC)
#define NXP_DEG_ACCEPT_NS	(600 * NSEC_PER_SEC)
#define NXP_DEG_SCAN_NS		(5 * NSEC_PER_SEC)

static const char * const nxp_deg_state_names[] = {
	"learning", "idle", "suspect", "shifted",
};

/**
 * struct nxp_deg - one latency metric under test.
 * @name: metric name ("" for a free slot).
 * @id: metric id, -1 while it does not exist.
 * @ns: the metric is in ns (run-queue wait), else in us (block).
 * @last_ns: timestamp of the newest sample consumed.
 * @change_ns: sample time of the change point.
 * @seen_ns: when its last sample arrived (monotonic).
 * @failing: the metric is at its limit (the failure was counted).
 * @last: the newest sample.
 * @sh: the change-point test.
 * @post: (ms, value) since the change point.
 */
struct nxp_deg {
	char name[NEXUS_NAME_LEN];
	int id;
	bool ns;
	u64 last_ns, change_ns, seen_ns;
	bool failing;
	s64 last;
	struct nx_shift sh;
	struct nx_linreg post;
};

static struct nxp_deg *nxp_degs;
static struct nexus_sample *nxp_deg_buf;
static bool nxp_deg_on;
static u64 nxp_deg_resolve_ns, nxp_deg_scan_ns;

static void nxp_deg_cfg(struct nxp_deg *d)
{
	d->sh.cfg.shift_permille = READ_ONCE(nxp_knobs.degrade_shift_permille);
	d->sh.cfg.sustain = READ_ONCE(nxp_knobs.degrade_sustain);
	d->sh.cfg.learn = NXP_DEG_LEARN;
	d->sh.cfg.min_abs = d->ns ? NXP_DEG_MIN_NS : NXP_DEG_MIN_US;
}

/*
 * Start @d afresh from the samples taken after @since: a metric turned on
 * again, or one that came back with a new id, must not learn its baseline
 * from what its ring still holds from before (the 20 ms samples of a disk
 * of the same name that was removed, the load of the minutes before).
 */
static void nxp_deg_reset(struct nxp_deg *d, u64 since)
{
	struct nx_shift_cfg c = { 0 };

	d->last_ns = since;
	d->failing = false;
	d->last = 0;
	nxp_deg_cfg(d);
	c = d->sh.cfg;
	nx_shift_init(&d->sh, &c);
	nx_linreg_init(&d->post);
}

static void nxp_deg_add(unsigned int i, const char *name, bool ns)
{
	struct nxp_deg *d = &nxp_degs[i];

	strscpy(d->name, name, sizeof(d->name));
	d->ns = ns;
	d->id = -1;
	nxp_deg_reset(d, 0);
}

/**
 * nxp_degrade_init() - allocate the table of tested metrics
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_degrade_init(void)
{
	unsigned int i;

	nxp_degs = nexus_kvzalloc(NXP_DEG_MAX * sizeof(*nxp_degs), GFP_KERNEL);
	nxp_deg_buf = nexus_kzalloc(NXP_DEG_READ * sizeof(*nxp_deg_buf),
				    GFP_KERNEL);
	if (!nxp_degs || !nxp_deg_buf) {
		nxp_degrade_exit();
		return -ENOMEM;
	}
	/* a free slot follows no metric (0 is a metric id) */
	for (i = 0; i < NXP_DEG_MAX; i++)
		nxp_degs[i].id = -1;
	nxp_deg_add(0, "sched.runq_latency_avg_ns", true);
	nxp_deg_add(1, "blk.latency_avg_us", false);
	nxp_deg_on = false;
	nxp_deg_resolve_ns = 0;
	nxp_deg_scan_ns = 0;
	return 0;
}

/**
 * nxp_degrade_exit() - free the table
 */
void nxp_degrade_exit(void)
{
	nexus_kfree(nxp_degs);
	nexus_kfree(nxp_deg_buf);
	nxp_degs = NULL;
	nxp_deg_buf = NULL;
}

/**
 * nxp_disk_metric() - is @name the block collector's per-disk @suffix?
 * @name: a metric name
 * @suffix: e.g. ".latency_avg_us"
 * @disk: where the disk's name goes (may be NULL)
 * @size: size of @disk
 *
 * Return: true for blk.<disk><suffix> (not the aggregate blk<suffix>).
 */
bool nxp_disk_metric(const char *name, const char *suffix, char *disk,
		     size_t size)
{
	size_t len = strlen(name), sl = strlen(suffix);

	if (len <= 4 + sl || strncmp(name, "blk.", 4) ||
	    strcmp(name + len - sl, suffix))
		return false;
	if (disk)
		strscpy(disk, name + 4, min(size, len - sl - 4 + 1));
	return true;
}

/* Follow the per-disk latencies the block collector has registered. */
static void nxp_deg_discover(void)
{
	char name[NEXUS_NAME_LEN];
	unsigned int i, free;
	int id = -1;

	while ((id = nexus_metric_next(id)) >= 0) {
		if (nexus_metric_name(id, name, sizeof(name)) ||
		    !nxp_disk_metric(name, ".latency_avg_us", NULL, 0))
			continue;
		free = NXP_DEG_MAX;
		for (i = 0; i < NXP_DEG_MAX; i++) {
			if (!strcmp(nxp_degs[i].name, name))
				break;
			if (!nxp_degs[i].name[0] && free == NXP_DEG_MAX)
				free = i;
		}
		if (i == NXP_DEG_MAX && free < NXP_DEG_MAX)
			nxp_deg_add(free, name, false);
	}
}

/* Metric ids come and go with their collectors: look them up again. */
static void nxp_deg_resolve(u64 now)
{
	unsigned int i;

	if (now - nxp_deg_scan_ns >= NXP_DEG_SCAN_NS || !nxp_deg_scan_ns) {
		nxp_deg_scan_ns = now;
		nxp_deg_discover();
	}
	if (now - nxp_deg_resolve_ns < NSEC_PER_SEC && nxp_deg_resolve_ns)
		return;
	nxp_deg_resolve_ns = now;
	for (i = 0; i < NXP_DEG_MAX; i++) {
		struct nxp_deg *d = &nxp_degs[i];
		int id;

		if (!d->name[0])
			continue;
		id = nexus_metric_find(d->name);
		id = id < 0 ? -1 : id;
		if (id != d->id) {
			d->id = id;
			nxp_deg_reset(d, now);
		}
	}
}

/* The latency that is a failure in itself, in the metric's unit. */
static s64 nxp_deg_limit(const struct nxp_deg *d)
{
	if (d->ns)
		return (s64)READ_ONCE(nxp_knobs.starve_latency_us) *
		       NSEC_PER_USEC;
	return READ_ONCE(nxp_knobs.io_latency_us);
}

static void nxp_deg_sample(struct nxp_deg *d, s32 key,
			   const struct nexus_sample *smp, s64 limit)
{
	int prev = d->sh.state, st;

	nxp_deg_cfg(d);
	st = nx_shift_update(&d->sh, smp->value);
	if (st == NX_SHIFT_SUSPECT && prev != NX_SHIFT_SUSPECT)
		d->change_ns = smp->ts_ns;
	/* the trend of the new level, the transition left out */
	if (st == NX_SHIFT_SHIFTED && prev != NX_SHIFT_SHIFTED)
		nx_linreg_init(&d->post);
	if (st == NX_SHIFT_SHIFTED)
		nx_linreg_add(&d->post, nxp_ms(smp->ts_ns), smp->value);
	d->last = smp->value;
	if (smp->value >= limit && !d->failing) {
		d->failing = true;
		nxp_failure(NEXUS_PRED_DEGRADATION, key, false, smp->ts_ns);
	} else if (smp->value < limit - limit / 4) {
		d->failing = false;
	}
}

static void nxp_deg_report(struct nxp_deg *d, s32 key, s64 limit, u64 now,
			   const struct nexus_prediction_params *cfg)
{
	char detail[NEXUS_REASON_LEN];
	s64 level = nx_vround(d->sh.level), base = d->sh.base, ttf;
	bool fresh = !nxp_active(NEXUS_PRED_DEGRADATION, key);
	struct nxp_pred *p;
	u32 r2 = 0, x10;

	if (level >= limit)
		ttf = 0;
	else
		ttf = nxp_rising_ttf(&d->post, limit, nxp_ms(now), &r2);
	x10 = (u32)min_t(s64, div64_s64(level * 10, max_t(s64, base, 1)),
			 99999);
	snprintf(detail, sizeof(detail),
		 "level %u %s, baseline %u (x%u.%u) for %u ms, limit %u",
		 nxp_u32(level), d->ns ? "ns" : "us", nxp_u32(base),
		 x10 / 10, x10 % 10,
		 nxp_u32(div_u64(now - min(now, d->change_ns), NSEC_PER_MSEC)),
		 nxp_u32(limit));
	p = nxp_report(NEXUS_PRED_DEGRADATION, key,
		       nx_shift_confidence(&d->sh), ttf, d->id, level, d->name,
		       detail, now, cfg);
	if (p && fresh) {
		nxp_decide(p, cfg);
		/* already at the limit: detected, not predicted (lead 0) */
		if (d->failing)
			nxp_failure(NEXUS_PRED_DEGRADATION, key, false, now);
	}
}

/**
 * nxp_degrade_tick() - test the new latency samples, report shifts
 * @now: monotonic time
 * @cfg: the prediction config in force
 *
 * With detect_degradation off, nothing is tested or reported (the active
 * predictions resolve), and the tests start learning afresh when it is
 * turned on again.
 */
void nxp_degrade_tick(u64 now, const struct nexus_prediction_params *cfg)
{
	unsigned int i;

	if (!cfg->detect_degradation) {
		if (nxp_deg_on)
			for (i = 0; i < NXP_DEG_MAX; i++)
				nxp_deg_reset(&nxp_degs[i], now);
		nxp_deg_on = false;
		return;
	}
	if (!nxp_deg_on)
		for (i = 0; i < NXP_DEG_MAX; i++)
			nxp_deg_reset(&nxp_degs[i], now);
	nxp_deg_on = true;
	nxp_deg_resolve(now);
	for (i = 0; i < NXP_DEG_MAX; i++) {
		struct nxp_deg *d = &nxp_degs[i];
		s64 limit = nxp_deg_limit(d);
		s32 key = i + 1;
		int n, k;

		if (d->id < 0)
			continue;
		n = nexus_metric_read(d->id, nxp_deg_buf, NXP_DEG_READ,
				      d->last_ns);
		if (n > 0) {
			if (!nexus_work_charge(n))
				return;
			for (k = 0; k < n; k++)
				nxp_deg_sample(d, key, &nxp_deg_buf[k], limit);
			d->last_ns = nxp_deg_buf[n - 1].ts_ns;
			d->seen_ns = now;
		}
		if (d->sh.state != NX_SHIFT_SHIFTED ||
		    now - d->seen_ns > NXP_DEG_STALE_NS)
			continue;
		if (now - d->change_ns > NXP_DEG_ACCEPT_NS &&
		    d->last_ns > d->change_ns) {
			nx_shift_accept(&d->sh);
			continue;
		}
		nxp_deg_report(d, key, limit, now, cfg);
	}
}

/**
 * nxp_degrade_dump() - one comment line per tested metric
 * @m: seq_file
 */
void nxp_degrade_dump(struct seq_file *m)
{
	unsigned int i;

	seq_printf(m, "# degradation: %s; metric state baseline threshold level last run\n",
		   nxp_deg_on ? "on" : "off");
	for (i = 0; i < NXP_DEG_MAX; i++) {
		const struct nxp_deg *d = &nxp_degs[i];

		if (!d->name[0] || d->id < 0)
			continue;
		seq_printf(m, "# degradation: %s %s %lld %lld %lld %lld %u\n",
			   d->name, nxp_deg_state_names[d->sh.state],
			   nx_shift_baseline(&d->sh),
			   nx_shift_threshold(&d->sh), nx_vround(d->sh.level),
			   d->last, d->sh.run);
	}
}
