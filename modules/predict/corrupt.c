// SPDX-License-Identifier: GPL-2.0
/*
 * Corruption predictions: a disk, or the memory, whose errors keep coming.
 *
 * Disks: the block collector counts, per disk and sample period, the
 * requests that completed with an error (blk.<disk>.errors: medium
 * errors, transport errors, timeouts: any blk_status_t but OK) next to the
 * completions (blk.<disk>.iops).  A disk whose errors recur, in at least
 * NXP_COR_MIN of its last NXP_COR_WIN samples and in one of the last
 * NXP_COR_RECENT, is predicted to be failing.  The failure: half of its
 * requests failing in one sample period (NXP_COR_FAIL per-mille), the disk
 * all but gone.  Time to failure: when the least-squares line of the
 * failed share per sample reaches it, the last 8 samples rising; 0 at it;
 * none when the share does not rise.
 *
 * Memory: EDAC's corrected-error counters (the sum of
 * /sys/devices/system/edac/mc/mc<N>/ce_count, N < NXP_EDAC_MCS), one point
 * per task walk, judged the same way; the failure is an uncorrected error
 * (ue_count rising).  Corrected errors say that a DIMM is going bad, not
 * when an error will get past ECC: no time to failure.  Machines without
 * an EDAC driver (the test VM: QEMU emulates no memory controller with
 * ECC) have no mc<N> and are not judged.
 *
 * Confidence: 400, plus 60 for each sample with errors among the last
 * NXP_COR_WIN, plus 150 when their count rises (Mann-Kendall statistic of
 * at least 300 per-mille), at most 1000.
 */
#include <linux/kernel.h>
#include <linux/bitops.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_COR_DISKS	8
#define NXP_COR_READ	32
#define NXP_COR_WIN	16
#define NXP_COR_RECENT	8
#define NXP_COR_MIN	3
#define NXP_COR_FAIL	500
#define NXP_EDAC_MCS	8
#define NXP_EDAC_NS	(60 * NSEC_PER_SEC)
#define NXP_COR_SCAN_NS	(5 * NSEC_PER_SEC)

/**
 * struct nxp_errs - the error history of one disk or of the memory.
 * @bits: bit i set: the sample i back had errors.
 * @total: errors counted since it was followed.
 * @share: failed per-mille of the requests in the last sample.
 * @failing: at the failure (counted once per episode).
 * @count: (ms, errors) per sample.
 * @ratio: (ms, failed per-mille) per sample.
 */
struct nxp_errs {
	u32 bits;
	u64 total;
	s64 share;
	bool failing;
	struct nx_linreg count, ratio;
};

/**
 * struct nxp_cor_disk - one disk.
 * @disk: its name ("" for a free slot).
 * @err_id: blk.<disk>.errors, -1 while missing.
 * @iops_id: blk.<disk>.iops, -1 while missing.
 * @last_ns: timestamp of the newest errors sample consumed.
 * @prev_ns: the one before (the sample period).
 * @e: the history.
 */
struct nxp_cor_disk {
	char disk[NEXUS_SHORT_LEN];
	int err_id, iops_id;
	u64 last_ns, prev_ns;
	struct nxp_errs e;
};

/**
 * struct nxp_edac - the memory controllers' error counters.
 * @present: mc0 exists.
 * @checked_ns: when its presence was last looked at.
 * @ce: corrected errors at the last walk.
 * @ue: uncorrected errors at the last walk.
 * @mcs: controllers read.
 * @e: the history of corrected errors.
 */
struct nxp_edac {
	bool present;
	u64 checked_ns;
	u64 ce, ue;
	u32 mcs;
	struct nxp_errs e;
};

static struct nxp_cor_disk *nxp_cdisks;
static struct nxp_edac *nxp_edac;
static struct nexus_sample *nxp_cbuf, *nxp_ibuf;
static u64 nxp_cor_scan_ns, nxp_cor_resolve_ns;

static void nxp_errs_init(struct nxp_errs *e)
{
	memset(e, 0, sizeof(*e));
	nx_linreg_init(&e->count);
	nx_linreg_init(&e->ratio);
}

/**
 * nxp_corrupt_init() - allocate the detector's state
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_corrupt_init(void)
{
	unsigned int i;

	nxp_cdisks = nexus_kvzalloc(NXP_COR_DISKS * sizeof(*nxp_cdisks),
				    GFP_KERNEL);
	nxp_edac = nexus_kvzalloc(sizeof(*nxp_edac), GFP_KERNEL);
	nxp_cbuf = nexus_kzalloc(NXP_COR_READ * sizeof(*nxp_cbuf), GFP_KERNEL);
	nxp_ibuf = nexus_kzalloc(NXP_COR_READ * sizeof(*nxp_ibuf), GFP_KERNEL);
	if (!nxp_cdisks || !nxp_edac || !nxp_cbuf || !nxp_ibuf) {
		nxp_corrupt_exit();
		return -ENOMEM;
	}
	for (i = 0; i < NXP_COR_DISKS; i++) {
		nxp_cdisks[i].err_id = -1;
		nxp_cdisks[i].iops_id = -1;
	}
	nxp_errs_init(&nxp_edac->e);
	nxp_cor_scan_ns = 0;
	nxp_cor_resolve_ns = 0;
	return 0;
}

/**
 * nxp_corrupt_exit() - free it
 */
void nxp_corrupt_exit(void)
{
	nexus_kfree(nxp_cdisks);
	nexus_kfree(nxp_edac);
	nexus_kfree(nxp_cbuf);
	nexus_kfree(nxp_ibuf);
	nxp_cdisks = NULL;
	nxp_edac = NULL;
	nxp_cbuf = NULL;
	nxp_ibuf = NULL;
}

/* Follow the disks whose error counts the block collector reports. */
static void nxp_cor_discover(void)
{
	char name[NEXUS_NAME_LEN], disk[NEXUS_SHORT_LEN];
	unsigned int i, free;
	int id = -1;

	while ((id = nexus_metric_next(id)) >= 0) {
		if (nexus_metric_name(id, name, sizeof(name)) ||
		    !nxp_disk_metric(name, ".errors", disk, sizeof(disk)))
			continue;
		free = NXP_COR_DISKS;
		for (i = 0; i < NXP_COR_DISKS; i++) {
			if (!strcmp(nxp_cdisks[i].disk, disk))
				break;
			if (!nxp_cdisks[i].disk[0] && free == NXP_COR_DISKS)
				free = i;
		}
		if (i == NXP_COR_DISKS && free < NXP_COR_DISKS) {
			strscpy(nxp_cdisks[free].disk, disk, NEXUS_SHORT_LEN);
			nxp_cdisks[free].err_id = -1;
		}
	}
}

static int nxp_cor_find(const char *disk, const char *suffix)
{
	char name[NEXUS_NAME_LEN];
	int id;

	snprintf(name, sizeof(name), "blk.%s.%s", disk, suffix);
	id = nexus_metric_find(name);
	return id < 0 ? -1 : id;
}

static void nxp_cor_resolve(u64 now)
{
	unsigned int i;

	if (!nxp_cor_scan_ns || now - nxp_cor_scan_ns >= NXP_COR_SCAN_NS) {
		nxp_cor_scan_ns = now;
		nxp_cor_discover();
	}
	if (nxp_cor_resolve_ns && now - nxp_cor_resolve_ns < NSEC_PER_SEC)
		return;
	nxp_cor_resolve_ns = now;
	for (i = 0; i < NXP_COR_DISKS; i++) {
		struct nxp_cor_disk *d = &nxp_cdisks[i];
		int id;

		if (!d->disk[0])
			continue;
		id = nxp_cor_find(d->disk, "errors");
		d->iops_id = nxp_cor_find(d->disk, "iops");
		if (id != d->err_id) {
			d->err_id = id;
			d->last_ns = 0;
			d->prev_ns = 0;
			nxp_errs_init(&d->e);
		}
	}
}

/* One sample: @errors in it, @share per-mille of the requests (-1: unknown). */
static void nxp_errs_add(struct nxp_errs *e, u64 ms, u64 errors, s64 share)
{
	e->bits = (e->bits << 1) | (errors ? 1 : 0);
	e->total += errors;
	nx_linreg_add(&e->count, ms, min_t(u64, errors, NX_VALUE_MAX));
	if (share >= 0) {
		e->share = share;
		nx_linreg_add(&e->ratio, ms, share);
	}
}

/* Errors recur: in NXP_COR_MIN of the last NXP_COR_WIN samples, one recent. */
static u32 nxp_errs_recur(const struct nxp_errs *e)
{
	u32 k = hweight32(e->bits & (u32)(BIT(NXP_COR_WIN) - 1));

	return k >= NXP_COR_MIN && (e->bits & (u32)(BIT(NXP_COR_RECENT) - 1)) ?
	       k : 0;
}

static void nxp_errs_report(struct nxp_errs *e, s32 key, const char *comp,
			    bool timed, int metric, u64 now,
			    const struct nexus_prediction_params *cfg)
{
	char detail[NEXUS_REASON_LEN];
	u32 k = nxp_errs_recur(e), conf, r2 = 0;
	bool fresh = !nxp_active(NEXUS_PRED_CORRUPTION, key);
	struct nxp_pred *p;
	int trend;
	s64 ttf = NXP_TTF_NONE;

	if (!k)
		return;
	trend = nxp_trend_permille(&e->count, NXP_COR_WIN);
	conf = min_t(u32, 400 + 60 * k + (trend >= 300 ? 150 : 0), 1000);
	if (timed && e->share >= NXP_COR_FAIL)
		ttf = 0;
	else if (timed)
		ttf = nxp_rising_ttf(&e->ratio, NXP_COR_FAIL, nxp_ms(now), &r2);
	snprintf(detail, sizeof(detail),
		 "%llu errors, in %u of the last %u samples, trend %d, %lld/1000 failed",
		 e->total, k, NXP_COR_WIN, trend, timed ? e->share : -1);
	p = nxp_report(NEXUS_PRED_CORRUPTION, key, conf, ttf, metric,
		       min_t(u64, e->total, S64_MAX), comp, detail, now, cfg);
	if (p && fresh)
		nxp_decide(p, cfg);
}

/* The iops sample of the same sampler run as the errors sample @ts. */
static s64 nxp_cor_iops(const struct nexus_sample *ibuf, int ni, u64 ts)
{
	int i;

	for (i = 0; i < ni; i++)
		if (ibuf[i].ts_ns == ts)
			return ibuf[i].value;
	return -1;
}

static void nxp_cor_disk_tick(struct nxp_cor_disk *d, s32 key, u64 now,
			      const struct nexus_prediction_params *cfg)
{
	int n, ni = 0, k;

	n = nexus_metric_read(d->err_id, nxp_cbuf, NXP_COR_READ, d->last_ns);
	if (n > 0 && d->iops_id >= 0)
		ni = nexus_metric_read(d->iops_id, nxp_ibuf, NXP_COR_READ,
				       d->last_ns);
	for (k = 0; k < n; k++) {
		const struct nexus_sample *s = &nxp_cbuf[k];
		u64 errors = max_t(s64, s->value, 0);
		s64 iops = nxp_cor_iops(nxp_ibuf, ni, s->ts_ns), share = -1;

		/* completions in the period from the rate and the period */
		if (iops >= 0 && d->prev_ns) {
			u64 ios = div64_u64((u64)iops * (s->ts_ns - d->prev_ns),
					    NSEC_PER_SEC);

			ios = max(ios, errors);
			share = ios ? div64_u64(errors * 1000, ios) : 0;
		}
		d->prev_ns = s->ts_ns;
		nxp_errs_add(&d->e, nxp_ms(s->ts_ns), errors, share);
		if (share >= NXP_COR_FAIL && !d->e.failing) {
			d->e.failing = true;
			nxp_failure(NEXUS_PRED_CORRUPTION, key, true, s->ts_ns);
		} else if (share >= 0 && share < NXP_COR_FAIL / 2) {
			d->e.failing = false;
		}
	}
	if (n > 0) {
		d->last_ns = nxp_cbuf[n - 1].ts_ns;
		nexus_work_charge(n);
	}
	nxp_errs_report(&d->e, key, d->disk, true, d->err_id, now, cfg);
}

/* Sum the counters of the memory controllers; false without EDAC. */
static bool nxp_edac_read(u64 *ce, u64 *ue, u32 *mcs)
{
	char path[64];
	u64 c, u;
	u32 i;

	*ce = 0;
	*ue = 0;
	*mcs = 0;
	for (i = 0; i < NXP_EDAC_MCS; i++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/edac/mc/mc%u/ce_count", i);
		if (nxp_sysctl(path, &c, 1))
			break;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/edac/mc/mc%u/ue_count", i);
		if (nxp_sysctl(path, &u, 1))
			u = 0;
		*ce += c;
		*ue += u;
		(*mcs)++;
	}
	return *mcs;
}

/* One point per task walk; mc0 is looked for once a minute. */
static void nxp_edac_tick(u64 now, const struct nexus_prediction_params *cfg)
{
	struct nxp_edac *m = nxp_edac;
	u64 ce, ue;
	u32 mcs;

	if (!m->present && m->checked_ns &&
	    now - m->checked_ns < NXP_EDAC_NS)
		return;
	m->checked_ns = now;
	if (!nxp_edac_read(&ce, &ue, &mcs)) {
		m->present = false;
		return;
	}
	if (m->present && mcs == m->mcs) {
		nxp_errs_add(&m->e, nxp_ms(now), ce > m->ce ? ce - m->ce : 0,
			     -1);
		if (ue > m->ue)
			nxp_failure(NEXUS_PRED_CORRUPTION, NXP_KEY_EDAC, true,
				    now);
	}
	m->present = true;
	m->mcs = mcs;
	m->ce = ce;
	m->ue = ue;
	nxp_errs_report(&m->e, NXP_KEY_EDAC, "edac", false, -1, now, cfg);
}

/**
 * nxp_corrupt_tick() - judge the disks' new samples, and EDAC after a walk
 * @now: monotonic time
 * @walked: the task walk ran in this tick (the EDAC period)
 * @cfg: the prediction config in force
 */
void nxp_corrupt_tick(u64 now, bool walked,
		      const struct nexus_prediction_params *cfg)
{
	unsigned int i;

	nxp_cor_resolve(now);
	for (i = 0; i < NXP_COR_DISKS; i++)
		if (nxp_cdisks[i].err_id >= 0)
			nxp_cor_disk_tick(&nxp_cdisks[i], i + 1, now, cfg);
	if (walked)
		nxp_edac_tick(now, cfg);
}

/**
 * nxp_corrupt_dump() - the error counts the detector follows
 * @m: seq_file
 */
void nxp_corrupt_dump(struct seq_file *m)
{
	unsigned int i;

	if (nxp_edac->present)
		seq_printf(m, "# corruption: edac %u controllers, ce %llu ue %llu, recent %u\n",
			   nxp_edac->mcs, nxp_edac->ce, nxp_edac->ue,
			   hweight32(nxp_edac->e.bits &
				     (u32)(BIT(NXP_COR_WIN) - 1)));
	else
		seq_puts(m, "# corruption: edac none (no memory controller in /sys/devices/system/edac/mc)\n");
	for (i = 0; i < NXP_COR_DISKS; i++) {
		const struct nxp_cor_disk *d = &nxp_cdisks[i];

		if (!d->disk[0] || d->err_id < 0)
			continue;
		seq_printf(m, "# corruption: disk %s errors %llu, in %u of the last %u samples, failed %lld/1000\n",
			   d->disk, d->e.total,
			   hweight32(d->e.bits & (u32)(BIT(NXP_COR_WIN) - 1)),
			   NXP_COR_WIN, d->e.share);
	}
}
