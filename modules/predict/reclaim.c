// SPDX-License-Identifier: GPL-2.0
/*
 * Proactive reclaim for an imminent OOM: the one change to the system
 * nexus_predict makes, and only when the level allows it.
 *
 * What it does.  A new OutOfMemory prediction asks the engine for a
 * SoftRecover decision: raise vm.watermark_scale_factor to oom_wmark_scale
 * (default 200, i.e. 2% of memory between the min, low and high
 * watermarks, against the kernel's default 10, 0.1%).  The allocator wakes
 * kswapd when free memory drops below the low watermark and kswapd
 * reclaims up to the high one, so with the watermarks raised, reclaim of
 * page cache and swap-out begin earlier and go further, in the
 * background, instead of in the leaking allocation's own direct reclaim at
 * the last moment.  It does not stop a leak: it buys time and smooths the
 * stall (the heal module is for the culprit).  The engine applies the
 * decision from level healing up; at correction it is a suggestion in the
 * audit log and at prediction it is refused, both with no change.  A value
 * already at or above oom_wmark_scale is left as it is.
 *
 * How it is undone.  The old value is written back when the prediction
 * resolves (3 s after the condition was last seen, e.g. after the OOM
 * kill), when the level falls below healing or predictions are disabled
 * (at the next tick the module runs), and when the module is unloaded;
 * not if someone else changed the knob in the meantime (their value
 * stays).  Each change and each restore is in the audit log with the old
 * and the new value: the change as the SoftRecover decision, the restore
 * as a Log decision.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_WSF_PATH	"/proc/sys/vm/watermark_scale_factor"
#define NXP_WSF_NAME	"vm.watermark_scale_factor"

/* decision args of this module */
#define NXP_ARG_RECLAIM	0x100
#define NXP_ARG_RECORD	0x101

/**
 * struct nxp_reclaim - the raised knob.
 * @active: the knob is raised by us.
 * @old: its value before.
 * @written: the value we wrote.
 * @finding: the OutOfMemory prediction it was raised for.
 */
struct nxp_reclaim {
	bool active;
	u64 old, written;
	u64 finding;
};

static struct nxp_reclaim nxr;

static int nxp_sysctl_write(const char *path, u64 val)
{
	struct file *f;
	char buf[24];
	loff_t pos = 0;
	ssize_t n;
	int len;

	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	len = scnprintf(buf, sizeof(buf), "%llu\n", val);
	n = kernel_write(f, buf, len, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	return n == len ? 0 : -EIO;
}

/* Record an action already taken in the audit log (kind Log). */
static void nxp_reclaim_record(u64 old, u64 new, const char *why)
{
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_LOG,
		.confidence = 1000,
		.arg = NXP_ARG_RECORD,
		.old_value = old,
		.new_value = new,
	};

	strscpy(d.target, NXP_WSF_NAME, sizeof(d.target));
	strscpy(d.reason, why, sizeof(d.reason));
	nexus_decide(&nxp_ops, &d);
}

/**
 * nxp_reclaim_ask() - ask for proactive reclaim for an OutOfMemory
 * @f: the prediction's finding, as published
 *
 * One SoftRecover decision per prediction; nothing while a raise is in
 * force.
 */
void nxp_reclaim_ask(const struct nexus_finding *f)
{
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_SOFT_RECOVER,
		.confidence = f->confidence,
		.finding_id = f->id,
		.arg = NXP_ARG_RECLAIM,
		.new_value = READ_ONCE(nxp_knobs.oom_wmark_scale),
	};
	u64 cur;

	if (nxr.active || nxp_sysctl(NXP_WSF_PATH, &cur, 1))
		return;
	d.old_value = cur;
	strscpy(d.target, NXP_WSF_NAME, sizeof(d.target));
	snprintf(d.reason, sizeof(d.reason),
		 "out_of_memory in %llu ms: wake kswapd early",
		 f->time_to_failure_ms);
	nexus_decide(&nxp_ops, &d);
}

/*
 * Apply the SoftRecover decision: write the raised value and remember the
 * old one.  The decision carries what was really done (old, new).
 */
static int nxp_reclaim_apply(struct nexus_decision *d)
{
	u64 cur, want = d->new_value;
	int ret;

	ret = nxp_sysctl(NXP_WSF_PATH, &cur, 1);
	if (ret)
		return ret;
	d->old_value = cur;
	if (nxr.active || cur >= want) {
		d->new_value = cur;
		return 0;
	}
	ret = nxp_sysctl_write(NXP_WSF_PATH, want);
	if (ret) {
		d->new_value = cur;
		return ret;
	}
	nxr.active = true;
	nxr.old = cur;
	nxr.written = want;
	nxr.finding = d->finding_id;
	pr_info("nexus_predict: %s %llu -> %llu: %s\n", NXP_WSF_NAME, cur,
		want, d->reason);
	return 0;
}

/**
 * nxp_crash_apply() - execute a decision this module asked for
 * @d: the decision
 *
 * Only the SoftRecover of proactive reclaim changes anything; Predictive,
 * Warn and the Log records change nothing, their old and new values are
 * the observed value.
 *
 * Return: 0 or -errno.
 */
int nxp_crash_apply(struct nexus_decision *d)
{
	if (d->kind == NEXUS_DECISION_SOFT_RECOVER && d->arg == NXP_ARG_RECLAIM)
		return nxp_reclaim_apply(d);
	if (d->arg != NXP_ARG_RECORD)
		d->new_value = d->old_value;
	return 0;
}

/**
 * nxp_reclaim_undo() - put the knob back
 * @why: the reason, for the audit log
 *
 * Not when someone else has changed it since it was raised.
 */
void nxp_reclaim_undo(const char *why)
{
	char reason[NEXUS_REASON_LEN];
	u64 cur;

	if (!nxr.active)
		return;
	nxr.active = false;
	if (nxp_sysctl(NXP_WSF_PATH, &cur, 1) || cur != nxr.written) {
		snprintf(reason, sizeof(reason),
			 "not restored (%s): changed by someone else", why);
		nxp_reclaim_record(nxr.written, cur, reason);
		return;
	}
	if (nxp_sysctl_write(NXP_WSF_PATH, nxr.old)) {
		snprintf(reason, sizeof(reason), "restore failed (%s)", why);
		nxp_reclaim_record(cur, cur, reason);
		pr_warn("nexus_predict: restoring %s to %llu failed\n",
			NXP_WSF_NAME, nxr.old);
		return;
	}
	snprintf(reason, sizeof(reason), "restored: %s", why);
	nxp_reclaim_record(cur, nxr.old, reason);
	pr_info("nexus_predict: %s %llu -> %llu: %s\n", NXP_WSF_NAME, cur,
		nxr.old, reason);
}

/**
 * nxp_reclaim_resolved() - a prediction resolved
 * @f: its finding
 */
void nxp_reclaim_resolved(const struct nexus_finding *f)
{
	if (nxr.active && f->id == nxr.finding)
		nxp_reclaim_undo("out_of_memory resolved");
}

/**
 * nxp_reclaim_tick() - undo when the level no longer allows the change
 * @enabled: predictions are enabled
 */
void nxp_reclaim_tick(bool enabled)
{
	if (!nxr.active)
		return;
	if (!enabled)
		nxp_reclaim_undo("predictions disabled");
	else if (nexus_current_level() < NEXUS_LEVEL_HEALING)
		nxp_reclaim_undo("level below healing");
}

/**
 * nxp_reclaim_dump() - the state of the knob
 * @m: seq_file
 */
void nxp_reclaim_dump(struct seq_file *m)
{
	if (nxr.active)
		seq_printf(m, "# reclaim: %s raised %llu -> %llu for prediction %llu\n",
			   NXP_WSF_NAME, nxr.old, nxr.written, nxr.finding);
	else
		seq_printf(m, "# reclaim: %s not raised\n", NXP_WSF_NAME);
}
