// SPDX-License-Identifier: GPL-2.0
/*
 * The scoreboard: per prediction kind, how many were raised, how many the
 * failure followed (confirmed), how many resolved with no failure within
 * the horizon (false alarms), how many failures no prediction announced
 * (missed), and the lead times of the confirmed ones (the mean of all,
 * and the median of the last NXP_LEADS).
 *
 * Written by the tick (crash.c), read by the dump and by
 * /sys/kernel/nexus/modules/predict/<kind>/{raised,confirmed,false_alarms,
 * missed,median_lead_ms}: each a u64 written with WRITE_ONCE() and read
 * with READ_ONCE(), so a sysfs read never waits for the engine.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/sysfs.h>
#include "predict.h"

#define NXP_LEADS	32

/**
 * struct nxp_score - the scoreboard line of one kind.
 * @raised: predictions raised.
 * @confirmed: followed by the failure.
 * @false_alarms: resolved, and no failure within the horizon.
 * @missed: failures no prediction announced.
 * @lead_sum_ms: sum of the confirmed ones' lead times.
 * @median_ms: median lead time of the last NXP_LEADS confirmed, -1: none.
 * @leads: those lead times, a ring.
 * @nleads: lead times held.
 * @next: next slot of @leads.
 */
struct nxp_score {
	u64 raised, confirmed, false_alarms, missed;
	u64 lead_sum_ms;
	s64 median_ms;
	u64 leads[NXP_LEADS];
	u32 nleads, next;
};

static struct nxp_score nxp_scores[NEXUS_PRED_COUNT] = {
	[0 ... NEXUS_PRED_COUNT - 1] = { .median_ms = -1 },
};

/**
 * nxp_score_reset() - clear the scoreboard
 */
void nxp_score_reset(void)
{
	unsigned int i;

	memset(nxp_scores, 0, sizeof(nxp_scores));
	for (i = 0; i < NEXUS_PRED_COUNT; i++)
		nxp_scores[i].median_ms = -1;
}

/**
 * nxp_score_raised() - a prediction of @kind was raised
 * @kind: enum nexus_prediction_kind
 */
void nxp_score_raised(u16 kind)
{
	WRITE_ONCE(nxp_scores[kind].raised, nxp_scores[kind].raised + 1);
}

/**
 * nxp_score_false() - a prediction of @kind was a false alarm
 * @kind: enum nexus_prediction_kind
 */
void nxp_score_false(u16 kind)
{
	WRITE_ONCE(nxp_scores[kind].false_alarms,
		   nxp_scores[kind].false_alarms + 1);
}

/**
 * nxp_score_missed() - a failure of @kind came unannounced
 * @kind: enum nexus_prediction_kind
 */
void nxp_score_missed(u16 kind)
{
	WRITE_ONCE(nxp_scores[kind].missed, nxp_scores[kind].missed + 1);
}

static int nxp_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * nxp_score_confirmed() - a prediction of @kind was followed by its failure
 * @kind: enum nexus_prediction_kind
 * @lead_ms: failure - raised
 */
void nxp_score_confirmed(u16 kind, u64 lead_ms)
{
	struct nxp_score *s = &nxp_scores[kind];
	u64 v[NXP_LEADS];
	u32 n;

	WRITE_ONCE(s->confirmed, s->confirmed + 1);
	WRITE_ONCE(s->lead_sum_ms, s->lead_sum_ms + lead_ms);
	s->leads[s->next] = lead_ms;
	s->next = (s->next + 1) % NXP_LEADS;
	s->nleads = min_t(u32, s->nleads + 1, NXP_LEADS);
	n = s->nleads;
	memcpy(v, s->leads, n * sizeof(v[0]));
	sort(v, n, sizeof(v[0]), nxp_u64_cmp, NULL);
	WRITE_ONCE(s->median_ms, n % 2 ? v[n / 2] :
		   (v[n / 2 - 1] + v[n / 2]) / 2);
}

/**
 * nxp_score_dump() - the scoreboard, one line per kind
 * @m: seq_file
 */
void nxp_score_dump(struct seq_file *m)
{
	unsigned int i;

	seq_puts(m, "# scoreboard\n# kind raised confirmed false missed mean_lead_ms precision_permille median_lead_ms\n");
	for (i = 0; i < NEXUS_PRED_COUNT; i++) {
		const struct nxp_score *s = &nxp_scores[i];
		u64 judged = s->confirmed + s->false_alarms;

		if (!nxp_kind_implemented(i)) {
			seq_printf(m, "%s not_implemented\n",
				   nexus_prediction_name(i));
			continue;
		}
		seq_printf(m, "%s %llu %llu %llu %llu %lld %lld %lld\n",
			   nexus_prediction_name(i), s->raised, s->confirmed,
			   s->false_alarms, s->missed,
			   s->confirmed ? (s64)div64_u64(s->lead_sum_ms,
							 s->confirmed) : -1,
			   judged ? (s64)div64_u64(s->confirmed * 1000, judged) :
				    -1, s->median_ms);
	}
}

/* ---- sysfs: one directory per kind ---- */

enum { NXP_SC_RAISED, NXP_SC_CONFIRMED, NXP_SC_FALSE, NXP_SC_MISSED,
	NXP_SC_MEDIAN, NXP_SC_COUNT };

/**
 * struct nxp_score_attr - one counter file of one kind.
 * @attr: the sysfs attribute.
 * @kind: enum nexus_prediction_kind.
 * @what: NXP_SC_*.
 */
struct nxp_score_attr {
	struct kobj_attribute attr;
	u16 kind;
	u16 what;
};

static ssize_t nxp_score_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	const struct nxp_score_attr *sa =
		container_of(a, struct nxp_score_attr, attr);
	const struct nxp_score *s = &nxp_scores[sa->kind];

	switch (sa->what) {
	case NXP_SC_RAISED:
		return sysfs_emit(buf, "%llu\n", READ_ONCE(s->raised));
	case NXP_SC_CONFIRMED:
		return sysfs_emit(buf, "%llu\n", READ_ONCE(s->confirmed));
	case NXP_SC_FALSE:
		return sysfs_emit(buf, "%llu\n", READ_ONCE(s->false_alarms));
	case NXP_SC_MISSED:
		return sysfs_emit(buf, "%llu\n", READ_ONCE(s->missed));
	default:
		return sysfs_emit(buf, "%lld\n", READ_ONCE(s->median_ms));
	}
}

static const char * const nxp_score_files[NXP_SC_COUNT] = {
	[NXP_SC_RAISED] = "raised",
	[NXP_SC_CONFIRMED] = "confirmed",
	[NXP_SC_FALSE] = "false_alarms",
	[NXP_SC_MISSED] = "missed",
	[NXP_SC_MEDIAN] = "median_lead_ms",
};

static struct nxp_score_attr nxp_score_attrs[NEXUS_PRED_COUNT][NXP_SC_COUNT];
static struct attribute *nxp_score_ptrs[NEXUS_PRED_COUNT][NXP_SC_COUNT + 1];
static struct attribute_group nxp_score_groups[NEXUS_PRED_COUNT];

/**
 * nxp_score_groups_init() - the attribute groups of the counters
 * @out: filled with NEXUS_PRED_COUNT groups, one directory per kind named
 *	as the kind is (nexus_prediction_name())
 *
 * Called before the module registers (the core creates the files).
 */
void nxp_score_groups_init(const struct attribute_group **out)
{
	unsigned int k, w;

	for (k = 0; k < NEXUS_PRED_COUNT; k++) {
		for (w = 0; w < NXP_SC_COUNT; w++) {
			struct nxp_score_attr *sa = &nxp_score_attrs[k][w];

			/* static storage: no sysfs_attr_init() needed */
			sa->attr.attr.name = nxp_score_files[w];
			sa->attr.attr.mode = 0400;
			sa->attr.show = nxp_score_show;
			sa->kind = k;
			sa->what = w;
			nxp_score_ptrs[k][w] = &sa->attr.attr;
		}
		nxp_score_ptrs[k][NXP_SC_COUNT] = NULL;
		nxp_score_groups[k].name = nexus_prediction_name(k);
		nxp_score_groups[k].attrs = nxp_score_ptrs[k];
		out[k] = &nxp_score_groups[k];
	}
}
