// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_tune - reversible tuning of real kernel knobs.
 *
 * A pluggable module (Documentation/module-authors.rst) that runs from the
 * correction level up.  Its tick detects bottlenecks from the core's
 * metrics (detect.c) and, for a bottleneck a knob addresses, asks the
 * decision engine for one step of that knob (an Optimize decision).  At
 * autonomous the engine lets apply() write it; the step is then an
 * experiment: the target metric over an evaluation window after the change
 * is compared with the window before it by Welch's t-test (nx_stat), and
 * the change is kept only if it helped significantly, else rolled back.
 * Below autonomous the decision is only a proposal, visible in the audit
 * log and the module's dump.
 *
 * Every change is recorded (knob, old, new, decision, evidence, result);
 * a knob changed by someone else after NEXUS is left alone; rmmod and a
 * write to "rollback" restore every knob NEXUS changed.  Knobs are enabled
 * per type in /sys/kernel/nexus/modules/tune/enable/, all off by default.
 * See Documentation/tune.rst.
 */
#define pr_fmt(fmt) "nexus_tune: " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/seq_file.h>
#include <linux/lockdep.h>
#include <linux/ctype.h>
#include <linux/slab.h>
#include <nexus/knob.h>
#include "tune.h"

/* All of the module's state; see tune.h for who takes it. */
DEFINE_MUTEX(nxt_lock);

struct nxt_call_args {
	int (*fn)(void *arg);
	void *arg;
};

static int nxt_call_locked(void *arg)
{
	struct nxt_call_args *c = arg;
	int ret;

	mutex_lock(&nxt_lock);
	ret = c->fn(c->arg);
	mutex_unlock(&nxt_lock);
	return ret;
}

/**
 * nxt_call() - run @fn(@arg) under nxt_lock, out of a sysfs handler
 * @fn: the work; it may read and write knob files
 * @arg: passed to @fn
 *
 * The tick reads and writes knob files under nxt_lock, so a sysfs handler
 * (tune's own, or heal's "inject" reaching nxt_heal_inject()) never takes
 * it: the work runs in the core's worker (nexus_call_sync()).  The debug
 * kernel's lockdep found the reverse order (hw_disks_show() against
 * nxt_hw_detect()).
 *
 * Return: what @fn returned.
 */
int nxt_call(int (*fn)(void *arg), void *arg)
{
	struct nxt_call_args c = { .fn = fn, .arg = arg };

	return nexus_call_sync(nxt_call_locked, &c);
}

/* ---- parameters (sysfs, u32 each, read with READ_ONCE) ---- */

static u32 nxt_interval_ms = 10000;	/* between experiment starts */
u32 nxt_window = 8;		/* samples per evaluation window */
static u32 nxt_confidence = 950;	/* of the t-test: 900, 950, 990 */
u32 nxt_min_gain = 100;		/* per-mille improvement to keep */

/* ---- the change log ---- */

static const char * const nxt_op_names[] = {
	[NXT_OP_CHANGE] = "change",
	[NXT_OP_PROPOSAL] = "proposal",
	[NXT_OP_REFUSED] = "refused",
	[NXT_OP_RESTORE] = "restore",
	[NXT_OP_ADMIN] = "admin",
	[NXT_OP_GONE] = "gone",
};

static const char * const nxt_outcome_names[NEXUS_OUTCOME_COUNT] = {
	"pending", "applied", "suggested", "refused_level", "refused_budget",
	"failed",
};

static struct nxt_change nxt_log[NXT_LOG_LEN];
u64 nxt_log_seq;

/* Counters, shown in sysfs. */
static struct {
	u64 changes;
	u64 kept;
	u64 rolled_back;
	u64 proposals;
	u64 restored;
	u64 admin;
	u64 untouched;		/* steps skipped: knob out of its safe range */
} nxt_cnt;

static struct nxt_change *nxt_log_add(u8 op, const struct nxt_knob *k,
				      s64 old, s64 new, const char *result,
				      const char *evidence)
{
	struct nxt_change *c;

	nxt_log_seq++;
	c = &nxt_log[nxt_log_seq % NXT_LOG_LEN];
	memset(c, 0, sizeof(*c));
	c->seq = nxt_log_seq;
	c->ts_ns = ktime_get_ns();
	c->op = op;
	strscpy(c->knob, k->name, sizeof(c->knob));
	c->old = old;
	c->new = new;
	c->result = result;
	strscpy(c->evidence, evidence ? evidence : "-", sizeof(c->evidence));
	/* Filled by the caller under nxt_lock, which a reader waits for. */
	nexus_record_changed(&nxt_ops, NEXUS_REC_TUNE_CHANGE, c->seq);
	return c;
}

/**
 * nxt_log_find() - a record of the change log
 * @seq: its sequence number
 *
 * Return: the record, or NULL if it was overwritten.  Under nxt_lock.
 */
struct nxt_change *nxt_log_find(u64 seq)
{
	struct nxt_change *c = &nxt_log[seq % NXT_LOG_LEN];

	return c->seq == seq ? c : NULL;
}

/* ---- experiments ---- */

#define NXT_ARG_RECORD	U64_MAX	/* a decision that only records */

static struct nxt_exp nxt_exps[NXT_EXPS];
static u64 nxt_last_start_ns;
static u64 nxt_last_detect_ns;
static u64 nxt_next_scan_ns;
u64 nxt_period_ns = NSEC_PER_SEC;
/* scratch for metric reads, under nxt_lock */
static struct nexus_sample nxt_samples[2 * NXT_WIN_MAX + 8];
static s64 nxt_after[NXT_WIN_MAX];

static int nxt_knob_index(const struct nxt_knob *k)
{
	return k - nxt_knobs;
}

/* Write a knob and read it back; updates its state.  0 or -errno. */
static int nxt_knob_set(struct nxt_knob *k, s64 v)
{
	int ret = nxt_knob_write(k, v);

	if (ret)
		return ret;
	ret = nxt_knob_read(k);
	if (ret)
		return ret;
	return k->cur == v ? 0 : -EIO;
}

/* Record an action already taken in the audit log (kind Log). */
static u64 nxt_audit(const struct nxt_knob *k, s64 old, s64 new,
		     const char *why)
{
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_LOG,
		.confidence = 1000,
		.arg = NXT_ARG_RECORD,
		.old_value = old,
		.new_value = new,
	};

	strscpy(d.target, k->name, sizeof(d.target));
	strscpy(d.reason, why, sizeof(d.reason));
	nexus_decide(&nxt_ops, &d);
	return d.id;
}

/**
 * nxt_restore() - set a knob NEXUS changed back to an earlier value
 * @k: the knob
 * @v: its value before a change
 * @why: the reason, in the change log and the audit log
 *
 * Restoring is always allowed, whatever the level: it returns the knob to
 * the value it had before NEXUS.  Not if someone else changed it since
 * NEXUS wrote it.  Under nxt_lock.
 *
 * Return: 0, -EBUSY if someone else changed it, or the write's error.
 */
int nxt_restore(struct nxt_knob *k, s64 v, const char *why)
{
	struct nxt_change *c;
	int ret;

	ret = nxt_knob_read(k);
	if (ret)
		return ret;
	if (k->cur != k->written)
		return -EBUSY;
	ret = nxt_knob_set(k, v);
	c = nxt_log_add(NXT_OP_RESTORE, k, k->written, v,
			ret ? "failed" : "restored", why);
	c->decision = nxt_audit(k, k->written, v, why);
	c->outcome = NEXUS_OUTCOME_APPLIED;
	if (ret) {
		pr_warn("%s: restoring %lld failed: %d\n", k->name, v, ret);
		return ret;
	}
	nxt_cnt.restored++;
	k->written = v;
	k->last_change_ns = ktime_get_ns();
	if (v == k->orig)
		k->changed = false;
	return 0;
}

static void nxt_exp_end(struct nxt_exp *e, const char *result)
{
	struct nxt_change *c = nxt_log_find(e->log_seq);

	if (c) {
		c->result = result;
		nexus_record_changed(&nxt_ops, NEXUS_REC_TUNE_CHANGE, c->seq);
	}
	nxt_knobs[e->knob].in_exp = false;
	e->active = false;
}

/**
 * nxt_knob_exp_end() - end the experiment running on a knob, if any
 * @knob: index in nxt_knobs
 * @result: the result its change record gets
 *
 * Under nxt_lock.
 */
void nxt_knob_exp_end(int knob, const char *result)
{
	int i;

	for (i = 0; i < NXT_EXPS; i++)
		if (nxt_exps[i].active && nxt_exps[i].knob == knob)
			nxt_exp_end(&nxt_exps[i], result);
}

/* Undo an experiment's change and back off the knob. */
static void nxt_exp_rollback(struct nxt_exp *e, const char *result, u64 now)
{
	struct nxt_knob *k = &nxt_knobs[e->knob];

	if (nxt_restore(k, e->from, result) == -EBUSY)
		result = "admin_override";
	else
		nxt_cnt.rolled_back++;
	nxt_exp_end(e, result);
	k->fails++;
	/* 30 s, doubling with each change in a row that did not help */
	k->backoff_until_ns = now + (30ULL * NSEC_PER_SEC << min(k->fails - 1, 5U));
}

static bool nxt_improved(const struct nxt_exp *e, const struct nx_welch *w)
{
	u64 base = nx_abs64(w->mean_a);
	s64 gain = e->better > 0 ? w->diff : -w->diff;

	if (!w->significant || gain <= 0)
		return false;
	if (e->better > 0 && w->ci_lo <= 0)
		return false;
	if (e->better < 0 && w->ci_hi >= 0)
		return false;
	return (u64)gain * 1000 >= base * READ_ONCE(nxt_min_gain);
}

/* Judge an experiment once the window after the change is complete. */
static void nxt_exp_eval(struct nxt_exp *e, u64 now)
{
	u32 win = e->nb, i;
	struct nxt_change *c;
	struct nx_welch w;
	int id, n;

	id = nexus_metric_find(e->metric);
	n = id < 0 ? -ENOENT :
	    nexus_metric_read(id, nxt_samples, win, e->t_apply + nxt_period_ns);
	if (n < 0 || (u32)n < win) {
		/* the workload stopped or the collector went away */
		if (n < 0 || now > e->t_apply + (3 * win + 8) * nxt_period_ns)
			nxt_exp_rollback(e, "inconclusive", now);
		return;
	}
	for (i = 0; i < win; i++)
		nxt_after[i] = nxt_samples[i].value;
	if (nx_welch_test(e->before, win, nxt_after, win,
			  READ_ONCE(nxt_confidence), &w)) {
		nxt_exp_rollback(e, "inconclusive", now);
		return;
	}
	c = nxt_log_find(e->log_seq);
	if (c) {
		c->welch = w;
		c->judged = true;
	}
	if (nxt_improved(e, &w)) {
		struct nxt_knob *k = &nxt_knobs[e->knob];

		nxt_cnt.kept++;
		k->fails = 0;
		k->last_change_ns = now;
		nxt_exp_end(e, "kept");
	} else {
		nxt_exp_rollback(e, "rolled_back", now);
	}
}

/* The last @win samples of @metric since @since_ns; how many, or -errno. */
static int nxt_window_before(const char *metric, u64 since_ns, u64 now,
			     u32 win, s64 *out)
{
	int id = nexus_metric_find(metric), n, i;
	/* samples come late when the engine is busy: look back 2 windows */
	u64 from = now > (2 * win + 2) * nxt_period_ns ?
		   now - (2 * win + 2) * nxt_period_ns : 0;

	if (id < 0)
		return id;
	n = nexus_metric_read(id, nxt_samples, ARRAY_SIZE(nxt_samples),
			      max(since_ns, from));
	if (n < 0)
		return n;
	if ((u32)n < win)
		return -EAGAIN;
	for (i = 0; i < win; i++)
		out[i] = nxt_samples[n - win + i].value;
	return win;
}

static bool nxt_metric_busy(const char *metric)
{
	int i;

	for (i = 0; i < NXT_EXPS; i++)
		if (nxt_exps[i].active && !strcmp(nxt_exps[i].metric, metric))
			return true;
	return false;
}

static struct nxt_exp *nxt_exp_free(void)
{
	int i;

	for (i = 0; i < NXT_EXPS; i++)
		if (!nxt_exps[i].active)
			return &nxt_exps[i];
	return NULL;
}

/*
 * Whether NEXUS may change a knob now: its type enabled, its disk not
 * disabled, eligible, not overridden by an administrator, not in an
 * experiment or backing off.  On a disk NEXUS changes either the
 * scheduler or nr_requests, never both: switching the scheduler resets
 * nr_requests, and neither could then be restored exactly.
 */
static bool nxt_may_change(const struct nxt_knob *k, u64 now)
{
	const struct nxt_knob *o;

	if (!k->used || !nxt_knob_enabled(k) || k->admin || k->in_exp ||
	    k->inelig || now < k->backoff_until_ns)
		return false;
	if (k->type == NXT_IOSCHED)
		o = nxt_dev_knob(k->dev, NXT_NR_REQUESTS);
	else if (k->type == NXT_NR_REQUESTS)
		o = nxt_dev_knob(k->dev, NXT_IOSCHED);
	else
		return true;
	return !o->changed && !o->in_exp;
}

/*
 * Ask the decision engine for a change of @k to @next; record what came
 * of it.  Return: the outcome; *@cp the change log record.
 */
static int nxt_decide_change(struct nxt_knob *k, s64 next, u32 confidence,
			     const char *why, const char *applied, u64 now,
			     struct nxt_change **cp)
{
	struct nexus_decision d = { .kind = NEXUS_DECISION_OPTIMIZE };
	struct nxt_change *c;
	int outcome;

	d.confidence = confidence;
	d.arg = nxt_knob_index(k);
	d.old_value = k->cur;
	d.new_value = next;
	strscpy(d.target, k->name, sizeof(d.target));
	strscpy(d.reason, why, sizeof(d.reason));
	outcome = nexus_decide(&nxt_ops, &d);

	switch (outcome) {
	case NEXUS_OUTCOME_APPLIED:
		c = nxt_log_add(NXT_OP_CHANGE, k, d.old_value, next, applied,
				why);
		nxt_cnt.changes++;
		break;
	case NEXUS_OUTCOME_SUGGESTED:
		c = nxt_log_add(NXT_OP_PROPOSAL, k, d.old_value, next,
				"proposed", why);
		nxt_cnt.proposals++;
		k->proposed = next;
		k->proposed_ns = now;
		break;
	default:
		c = nxt_log_add(NXT_OP_REFUSED, k, d.old_value, next,
				outcome == NEXUS_OUTCOME_FAILED ? "failed" :
				"refused", why);
		k->backoff_until_ns = now + 10ULL * NSEC_PER_SEC;
		break;
	}
	c->decision = d.id;
	c->outcome = outcome;
	*cp = c;
	return outcome;
}

/*
 * A proposal of the same value is not repeated within 30 s; at
 * autonomous, where the step is taken, an earlier proposal does not wait.
 */
static bool nxt_proposed_lately(const struct nxt_knob *k, s64 next, u64 now)
{
	return k->proposed_ns && k->proposed == next &&
	       now - k->proposed_ns < 30ULL * NSEC_PER_SEC &&
	       nexus_current_level() < NEXUS_LEVEL_AUTONOMOUS;
}

/* One step of a knob for a bottleneck: an experiment or a proposal. */
static void nxt_try_step(const struct nxt_bn *b, u64 now)
{
	char metric[NEXUS_NAME_LEN], why[NEXUS_REASON_LEN];
	u32 win = READ_ONCE(nxt_window);
	struct nxt_change *c;
	struct nxt_knob *k;
	struct nxt_exp *e;
	int dir, better;
	s64 from, next;

	if (nxt_bn_action(b, &k, &dir, metric, sizeof(metric), &better))
		return;
	if (!nxt_may_change(k, now))
		return;
	if (b->seen < win || nxt_metric_busy(metric))
		return;
	e = nxt_exp_free();
	if (!e)
		return;
	if (nxt_knob_read(k))
		return;
	if (k->out_of_range) {
		/* the admin's value is outside our range: never touched */
		nxt_cnt.untouched++;
		k->backoff_until_ns = now + 10ULL * NSEC_PER_SEC;
		return;
	}
	next = nxt_knob_next(k, dir);
	if (next == k->cur || nxt_proposed_lately(k, next, now))
		return;
	if (nxt_window_before(metric, max(b->since_ns,
					  k->last_change_ns + nxt_period_ns),
			      now, win, e->before) < 0)
		return;

	scnprintf(why, sizeof(why), "%s: %s", nxt_bn_name(b->kind), b->evidence);
	nxt_last_start_ns = now;
	from = k->cur;
	if (nxt_decide_change(k, next, b->confidence, why, "pending", now,
			      &c) != NEXUS_OUTCOME_APPLIED)
		return;
	c->bn = b->kind;
	c->dev = b->dev;
	c->better = better;
	strscpy(c->metric, metric, sizeof(c->metric));
	e->active = true;
	e->knob = nxt_knob_index(k);
	e->bn = b->kind;
	strscpy(e->metric, metric, sizeof(e->metric));
	e->better = better;
	e->from = from;
	e->to = next;
	e->t_apply = ktime_get_ns();
	e->log_seq = c->seq;
	e->nb = win;
	k->in_exp = true;
}

/*
 * An adaptation rule's value for a knob (the iosched_by_kind rule's
 * scheduler): set once, not as an experiment, when its type is enabled;
 * only to a scheduler the disk offers.  Its change is recorded with the
 * result "adapted"; rollback and rmmod undo it like any other.
 */
static void nxt_try_adapt(struct nxt_knob *k, u64 now)
{
	char why[NEXUS_REASON_LEN];
	struct nxt_change *c;
	s64 next = k->target;

	if (next < 0 || k->adapted || !nxt_may_change(k, now) ||
	    nxt_devs[k->dev].gone || nxt_knob_read(k) || k->out_of_range ||
	    k->cur == next || !(nxt_devs[k->dev].scheds & BIT(next)) ||
	    nxt_proposed_lately(k, next, now))
		return;
	scnprintf(why, sizeof(why), "iosched_by_kind: %s disk, %s -> %s",
		  nxt_disk_kind_name(nxt_devs[k->dev].kind),
		  nxt_sched_name(k->cur), nxt_sched_name(next));
	if (nxt_decide_change(k, next, 1000, why, "adapted", now, &c) ==
	    NEXUS_OUTCOME_APPLIED)
		k->adapted = true;
}

/*
 * A knob NEXUS changed whose value is no longer the one NEXUS wrote: the
 * administrator (or another tool) set it.  Theirs wins: NEXUS forgets the
 * change (rmmod will not restore it) and leaves the knob alone until its
 * type is enabled again.
 */
static void nxt_check_knobs(void)
{
	int i, j, ret;

	for (i = 0; i < NXT_NR_KNOBS; i++) {
		struct nxt_knob *k = &nxt_knobs[i];

		if (!k->used || !k->changed)
			continue;
		ret = nxt_knob_read(k);
		if (ret == -ENOENT || (k->dev >= 0 && nxt_devs[k->dev].gone)) {
			nxt_log_add(NXT_OP_GONE, k, k->written, 0, "forgotten",
				    "the disk went away");
			k->changed = false;
		} else if (!ret && k->cur != k->written) {
			nxt_log_add(NXT_OP_ADMIN, k, k->written, k->cur,
				    "left_alone", "changed by someone else");
			nxt_cnt.admin++;
			k->changed = false;
			k->admin = true;
		} else {
			continue;
		}
		for (j = 0; j < NXT_EXPS; j++)
			if (nxt_exps[j].active && nxt_exps[j].knob == i)
				nxt_exp_end(&nxt_exps[j], k->admin ?
					    "admin_override" : "gone");
	}
}

static void nxt_read_period(void)
{
	s64 ms;

	if (!nxt_read_s64("/sys/kernel/nexus/tracing/sample_period_ms", &ms) &&
	    ms > 0)
		nxt_period_ns = ms * NSEC_PER_MSEC;
}

static bool nxt_any_enabled(void)
{
	int i;

	for (i = 0; i < NXT_NR_TYPES; i++)
		if (READ_ONCE(nxt_type_enabled[i]))
			return true;
	return false;
}

static void nxt_tick(u64 now_ns)
{
	bool scan;
	int i;

	/* nothing enabled: no file is read, no work is done */
	if (!nxt_any_enabled() || !nexus_work_charge(5))
		return;
	mutex_lock(&nxt_lock);
	scan = now_ns >= nxt_next_scan_ns;
	if (scan) {
		nxt_read_period();
		nxt_devs_scan();
		nxt_next_scan_ns = now_ns + 2 * NSEC_PER_SEC;
	}
	nxt_check_knobs();
	/* with the scan, not each tick: it reads each disk's scheduler */
	for (i = 0; scan && i < NXT_DEVS; i++)
		if (nxt_devs[i].used)
			nxt_try_adapt(nxt_dev_knob(i, NXT_IOSCHED), now_ns);
	for (i = 0; i < NXT_EXPS; i++)
		if (nxt_exps[i].active)
			nxt_exp_eval(&nxt_exps[i], now_ns);
	if (now_ns - nxt_last_detect_ns >= nxt_period_ns) {
		/*
		 * After a pause (nothing enabled, level below correction) a
		 * bottleneck seen before is stale: it must be seen afresh,
		 * so that the window before a change is all of this run.
		 */
		if (now_ns - nxt_last_detect_ns > 3 * nxt_period_ns)
			memset(nxt_bns, 0, sizeof(nxt_bns));
		nxt_last_detect_ns = now_ns;
		nxt_detect(now_ns, nxt_period_ns);
		for (i = 0; i < NXT_BNS; i++) {
			if (!nxt_bns[i].active)
				continue;
			if (now_ns - nxt_last_start_ns <
			    (u64)READ_ONCE(nxt_interval_ms) * NSEC_PER_MSEC)
				break;
			nxt_try_step(&nxt_bns[i], now_ns);
		}
	}
	mutex_unlock(&nxt_lock);
}

/*
 * Execute an Optimize decision the level gate allowed: write the knob.
 * Kind Log decisions only record what was done already.
 */
static int nxt_apply(struct nexus_decision *d)
{
	struct nxt_knob *k;
	int ret;

	lockdep_assert_held(&nxt_lock);
	if (d->arg == NXT_ARG_RECORD)
		return 0;
	if (d->kind != NEXUS_DECISION_OPTIMIZE || d->arg >= NXT_NR_KNOBS)
		return -EINVAL;
	k = &nxt_knobs[d->arg];
	if (!k->used || strncmp(k->name, d->target, sizeof(d->target) - 1))
		return -EINVAL;
	/* never outside the safe range, never over someone else's value */
	if (d->new_value < k->min || d->new_value > k->max ||
	    k->cur != d->old_value)
		return -ERANGE;
	/* only a scheduler the disk offers */
	if (k->type == NXT_IOSCHED &&
	    !(nxt_devs[k->dev].scheds & BIT(d->new_value)))
		return -ERANGE;
	ret = nxt_knob_set(k, d->new_value);
	if (ret) {
		/* as it was, if the write half-happened */
		nxt_knob_write(k, d->old_value);
		nxt_knob_read(k);
		return ret;
	}
	if (!k->changed) {
		k->orig = d->old_value;
		k->changed = true;
	}
	k->written = d->new_value;
	k->last_change_ns = ktime_get_ns();
	return 0;
}

/* Undo every change NEXUS made (and stop its experiments).  Under nxt_lock. */
static int nxt_rollback_all(const char *why)
{
	int i, n = 0;

	for (i = 0; i < NXT_EXPS; i++)
		if (nxt_exps[i].active)
			nxt_exp_end(&nxt_exps[i], why);
	for (i = 0; i < NXT_NR_KNOBS; i++) {
		struct nxt_knob *k = &nxt_knobs[i];

		if (!k->used || !k->changed)
			continue;
		if (!nxt_restore(k, k->orig, why))
			n++;
		k->changed = false;
	}
	return n;
}

static int nxt_rollback_locked(void *arg)
{
	nxt_rollback_all("rollback");
	return 0;
}

/* ---- sysfs ---- */

/* the t-test has critical values for these confidences only */
static int nxt_confidence_check(u32 v)
{
	return v == 900 || v == 950 || v == 990 ? 0 : -ERANGE;
}

#define NXT_PARAM(_name, _var, _min, _max, ...)				\
static struct nexus_knob nxt_param_##_name =				\
	NEXUS_KNOB(_name, &(_var), _min, _max, __VA_ARGS__)

NXT_PARAM(interval_ms, nxt_interval_ms, 100, 3600000);
NXT_PARAM(window, nxt_window, 4, NXT_WIN_MAX);
NXT_PARAM(confidence_permille, nxt_confidence, 900, 990,
	  .check = nxt_confidence_check);
NXT_PARAM(min_gain_permille, nxt_min_gain, 0, 1000);
NXT_PARAM(cpu_util_permille, nxt_targets.cpu_util_permille, 1, 1000);
NXT_PARAM(cpu_psi_permille, nxt_targets.cpu_psi_permille, 1, 1000);
NXT_PARAM(cpu_imbalance_permille, nxt_targets.cpu_imbalance_permille, 1, 1000);
NXT_PARAM(runq_latency_us, nxt_targets.runq_latency_us, 1, 10000000);
NXT_PARAM(mem_psi_permille, nxt_targets.mem_psi_permille, 1, 1000);
NXT_PARAM(reclaim_stalls, nxt_targets.reclaim_stalls, 1, 1000000);
NXT_PARAM(io_psi_permille, nxt_targets.io_psi_permille, 1, 1000);
NXT_PARAM(blk_latency_us, nxt_targets.blk_latency_us, 1, 60000000);

static ssize_t rollback_store(struct kobject *kobj, struct kobj_attribute *a,
			      const char *buf, size_t count)
{
	u32 v;
	int ret = kstrtou32(buf, 0, &v);

	if (ret)
		return -EINVAL;
	if (v != 1)
		return -EINVAL;
	nxt_call(nxt_rollback_locked, NULL);
	return count;
}

static struct kobj_attribute nxt_rollback_attr = __ATTR(rollback, 0200, NULL,
							rollback_store);

#define NXT_RO(_name, expr)						\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", (unsigned long long)(expr));	\
}									\
static struct kobj_attribute nxt_##_name##_attr = __ATTR(_name, 0444,	\
							 _name##_show, NULL)

static unsigned int nxt_nr_exps(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < NXT_EXPS; i++)
		n += READ_ONCE(nxt_exps[i].active);
	return n;
}

NXT_RO(changes, READ_ONCE(nxt_cnt.changes));
NXT_RO(kept, READ_ONCE(nxt_cnt.kept));
NXT_RO(rolled_back, READ_ONCE(nxt_cnt.rolled_back));
NXT_RO(proposals, READ_ONCE(nxt_cnt.proposals));
NXT_RO(restored, READ_ONCE(nxt_cnt.restored));
NXT_RO(admin_overrides, READ_ONCE(nxt_cnt.admin));
NXT_RO(experiments, nxt_nr_exps());

/*
 * disable_disks: the disks NEXUS must not touch, by name, space-separated
 * ("" for none).  Disabling a disk ends its experiments and undoes their
 * changes, as writing 0 to an enable file does for a type.
 */
struct nxt_disks_req {
	char names[NXT_DEVS][NXT_DISK_LEN];
	char *buf;
};

static int nxt_disks_off_set_locked(void *arg)
{
	const struct nxt_disks_req *r = arg;
	int i;

	memcpy(nxt_off_disks, r->names, sizeof(nxt_off_disks));
	for (i = 0; i < NXT_EXPS; i++) {
		struct nxt_exp *e = &nxt_exps[i];
		struct nxt_knob *k = &nxt_knobs[e->knob];

		if (e->active && k->dev >= 0 && nxt_disk_off(k->dev)) {
			nxt_restore(k, e->from, "disabled");
			nxt_exp_end(e, "disabled");
		}
	}
	return 0;
}

static int nxt_disks_off_show_locked(void *arg)
{
	struct nxt_disks_req *r = arg;
	int i, len = 0;

	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_off_disks[i][0])
			len += sysfs_emit_at(r->buf, len, "%s%s", len ? " " : "",
					     nxt_off_disks[i]);
	return len;
}

static ssize_t disable_disks_show(struct kobject *kobj,
				  struct kobj_attribute *a, char *buf)
{
	struct nxt_disks_req r = { .buf = buf };
	int len = nxt_call(nxt_disks_off_show_locked, &r);

	return len + sysfs_emit_at(buf, len, "\n");
}

/* A disk name as /sys/block has them: [A-Za-z0-9_.-], not "." first. */
static bool nxt_disk_name_ok(const char *s)
{
	if (*s == '.')
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

static ssize_t disable_disks_store(struct kobject *kobj,
				   struct kobj_attribute *a, const char *buf,
				   size_t count)
{
	struct nxt_disks_req r = {};
	char *s, *p, *tok;
	int n = 0, ret = 0;

	s = kstrndup(buf, count, GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	p = s;
	while ((tok = strsep(&p, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (!nxt_disk_name_ok(tok)) {
			ret = -EINVAL;
			break;
		}
		if (strlen(tok) >= NXT_DISK_LEN || n == NXT_DEVS) {
			ret = -ERANGE;
			break;
		}
		strscpy(r.names[n++], tok, NXT_DISK_LEN);
	}
	kfree(s);
	if (ret)
		return ret;
	nxt_call(nxt_disks_off_set_locked, &r);
	return count;
}

static struct kobj_attribute nxt_disable_disks_attr =
	__ATTR(disable_disks, 0600, disable_disks_show, disable_disks_store);

static struct attribute *nxt_attrs[] = {
	&nxt_param_interval_ms.attr.attr,
	&nxt_param_window.attr.attr,
	&nxt_param_confidence_permille.attr.attr,
	&nxt_param_min_gain_permille.attr.attr,
	&nxt_rollback_attr.attr,
	&nxt_disable_disks_attr.attr,
	&nxt_changes_attr.attr,
	&nxt_kept_attr.attr,
	&nxt_rolled_back_attr.attr,
	&nxt_proposals_attr.attr,
	&nxt_restored_attr.attr,
	&nxt_admin_overrides_attr.attr,
	&nxt_experiments_attr.attr,
	NULL,
};

static const struct attribute_group nxt_group = {
	.attrs = nxt_attrs,
};

static struct attribute *nxt_target_attrs[] = {
	&nxt_param_cpu_util_permille.attr.attr,
	&nxt_param_cpu_psi_permille.attr.attr,
	&nxt_param_cpu_imbalance_permille.attr.attr,
	&nxt_param_runq_latency_us.attr.attr,
	&nxt_param_mem_psi_permille.attr.attr,
	&nxt_param_reclaim_stalls.attr.attr,
	&nxt_param_io_psi_permille.attr.attr,
	&nxt_param_blk_latency_us.attr.attr,
	NULL,
};

static const struct attribute_group nxt_target_group = {
	.name = "target",
	.attrs = nxt_target_attrs,
};

/* enable/<type>: 0 or 1.  Writing 1 also forgets admin overrides and backoff. */
struct nxt_enable_attr {
	struct kobj_attribute attr;
	enum nxt_type type;
};

static ssize_t nxt_enable_show(struct kobject *kobj, struct kobj_attribute *a,
			       char *buf)
{
	struct nxt_enable_attr *e = container_of(a, struct nxt_enable_attr, attr);

	return sysfs_emit(buf, "%d\n", READ_ONCE(nxt_type_enabled[e->type]));
}

struct nxt_enable_req {
	enum nxt_type type;
	u32 on;
};

static int nxt_enable_locked(void *arg)
{
	const struct nxt_enable_req *r = arg;
	int i, j;

	for (i = 0; i < NXT_NR_KNOBS; i++) {
		struct nxt_knob *k = &nxt_knobs[i];

		if (!k->used || k->type != r->type)
			continue;
		if (r->on) {
			k->admin = false;
			k->adapted = false;
			k->fails = 0;
			k->backoff_until_ns = 0;
			k->proposed_ns = 0;
			continue;
		}
		/* disabled: an experiment on it ends, its change undone */
		for (j = 0; j < NXT_EXPS; j++)
			if (nxt_exps[j].active && nxt_exps[j].knob == i) {
				nxt_restore(k, nxt_exps[j].from, "disabled");
				nxt_exp_end(&nxt_exps[j], "disabled");
			}
	}
	WRITE_ONCE(nxt_type_enabled[r->type], r->on);
	return 0;
}

static ssize_t nxt_enable_store(struct kobject *kobj, struct kobj_attribute *a,
				const char *buf, size_t count)
{
	struct nxt_enable_attr *e = container_of(a, struct nxt_enable_attr, attr);
	struct nxt_enable_req r = { .type = e->type };
	int ret = kstrtou32(buf, 0, &r.on);

	if (ret)
		return ret == -ERANGE ? -ERANGE : -EINVAL;
	if (r.on > 1)
		return -ERANGE;
	nxt_call(nxt_enable_locked, &r);
	return count;
}

#define NXT_ENABLE(_var, _name, _type)					\
static struct nxt_enable_attr nxt_enable_##_var = {			\
	.attr = __ATTR(_name, 0600, nxt_enable_show, nxt_enable_store),\
	.type = _type,							\
}

NXT_ENABLE(swappiness, vm.swappiness, NXT_SWAPPINESS);
NXT_ENABLE(dirty_ratio, vm.dirty_ratio, NXT_DIRTY_RATIO);
NXT_ENABLE(dirty_bg_ratio, vm.dirty_background_ratio, NXT_DIRTY_BG_RATIO);
NXT_ENABLE(dirty_expire, vm.dirty_expire_centisecs, NXT_DIRTY_EXPIRE);
NXT_ENABLE(dirty_writeback, vm.dirty_writeback_centisecs, NXT_DIRTY_WRITEBACK);
NXT_ENABLE(vfs_cache_pressure, vm.vfs_cache_pressure, NXT_VFS_CACHE_PRESSURE);
NXT_ENABLE(watermark_scale, vm.watermark_scale_factor, NXT_WATERMARK_SCALE);
NXT_ENABLE(sched_latency, sched.latency_ns, NXT_SCHED_LATENCY);
NXT_ENABLE(sched_min_gran, sched.min_granularity_ns, NXT_SCHED_MIN_GRAN);
NXT_ENABLE(sched_wakeup_gran, sched.wakeup_granularity_ns,
	   NXT_SCHED_WAKEUP_GRAN);
NXT_ENABLE(sched_base_slice, sched.base_slice_ns, NXT_SCHED_BASE_SLICE);
NXT_ENABLE(sched_migration_cost, sched.migration_cost_ns,
	   NXT_SCHED_MIGRATION_COST);
NXT_ENABLE(iosched, iosched, NXT_IOSCHED);
NXT_ENABLE(read_ahead_kb, read_ahead_kb, NXT_READ_AHEAD_KB);
NXT_ENABLE(nr_requests, nr_requests, NXT_NR_REQUESTS);

static struct attribute *nxt_enable_attrs[] = {
	&nxt_enable_swappiness.attr.attr,
	&nxt_enable_dirty_ratio.attr.attr,
	&nxt_enable_dirty_bg_ratio.attr.attr,
	&nxt_enable_dirty_expire.attr.attr,
	&nxt_enable_dirty_writeback.attr.attr,
	&nxt_enable_vfs_cache_pressure.attr.attr,
	&nxt_enable_watermark_scale.attr.attr,
	&nxt_enable_sched_latency.attr.attr,
	&nxt_enable_sched_min_gran.attr.attr,
	&nxt_enable_sched_wakeup_gran.attr.attr,
	&nxt_enable_sched_base_slice.attr.attr,
	&nxt_enable_sched_migration_cost.attr.attr,
	&nxt_enable_iosched.attr.attr,
	&nxt_enable_read_ahead_kb.attr.attr,
	&nxt_enable_nr_requests.attr.attr,
	NULL,
};

/* A scheduler knob the running kernel does not have has no enable file. */
static umode_t nxt_enable_visible(struct kobject *kobj, struct attribute *attr,
				  int n)
{
	struct nxt_enable_attr *e = container_of(attr, struct nxt_enable_attr,
						 attr.attr);

	return nxt_type_present(e->type) ? attr->mode : 0;
}

static const struct attribute_group nxt_enable_group = {
	.name = "enable",
	.attrs = nxt_enable_attrs,
	.is_visible = nxt_enable_visible,
};

static const struct attribute_group *nxt_groups[] = {
	&nxt_group,
	&nxt_target_group,
	&nxt_enable_group,
	&nxt_hw_group,
	NULL,
};

/* ---- debugfs ---- */

static void nxt_dump_knobs(struct seq_file *m)
{
	int i;

	seq_puts(m, "# knobs: name enabled eligible value min max changed orig written admin out_of_range experiment\n");
	for (i = 0; i < NXT_NR_KNOBS; i++) {
		const struct nxt_knob *k = &nxt_knobs[i];

		if (!k->used || (k->dev >= 0 && nxt_devs[k->dev].gone))
			continue;
		seq_printf(m, "knob %s %d %s %lld %lld %lld %d %lld %lld %d %d %d\n",
			   k->name, nxt_knob_enabled(k),
			   nxt_inelig_name(k->inelig),
			   k->present ? k->cur : -1, k->min, k->max,
			   k->changed, k->orig, k->written, k->admin,
			   k->out_of_range, k->in_exp);
	}
}

static void nxt_dump_exps(struct seq_file *m)
{
	u64 now = ktime_get_ns();
	int i;

	seq_puts(m, "# experiments: knob from to metric better age_ms before_samples\n");
	for (i = 0; i < NXT_EXPS; i++) {
		const struct nxt_exp *e = &nxt_exps[i];

		if (!e->active)
			continue;
		seq_printf(m, "experiment %s %lld %lld %s %+d %llu %u\n",
			   nxt_knobs[e->knob].name, e->from, e->to, e->metric,
			   e->better, div_u64(now - e->t_apply, NSEC_PER_MSEC),
			   e->nb);
	}
}

static void nxt_dump_log(struct seq_file *m)
{
	u64 first = nxt_log_seq > NXT_LOG_LEN ? nxt_log_seq - NXT_LOG_LEN + 1 : 1;
	u64 s;

	seq_puts(m, "# log: seq ts_ns decision op outcome knob old new result [before after ci_lo ci_hi t df (Q.8, t x1000)] evidence\n");
	for (s = first; s <= nxt_log_seq; s++) {
		const struct nxt_change *c = nxt_log_find(s);

		if (!c)
			continue;
		seq_printf(m, "log %llu %llu %llu %s %s %s %lld %lld %s", c->seq,
			   c->ts_ns, c->decision, nxt_op_names[c->op],
			   c->outcome < NEXUS_OUTCOME_COUNT ?
			   nxt_outcome_names[c->outcome] : "?",
			   c->knob, c->old, c->new, c->result);
		if (c->judged)
			seq_printf(m, " [%lld %lld %lld %lld %d %u]",
				   c->welch.mean_a, c->welch.mean_b,
				   c->welch.ci_lo, c->welch.ci_hi,
				   c->welch.t_milli, c->welch.df);
		seq_printf(m, " %s\n", c->evidence);
	}
}

/**
 * nxt_knobs_refresh() - read every knob again, for the dump and the records
 *
 * Show the values the kernel has now: a knob NEXUS is not working on is
 * otherwise only read again when its type is enabled, and a value changed
 * behind its back (by an admin, or a test putting it back) was shown
 * stale.  Admin detection reads again on its own.  Under nxt_lock.
 */
void nxt_knobs_refresh(void)
{
	int i;

	lockdep_assert_held(&nxt_lock);
	for (i = 0; i < NXT_NR_KNOBS; i++)
		if (nxt_knobs[i].used &&
		    (nxt_knobs[i].dev < 0 || !nxt_devs[nxt_knobs[i].dev].gone))
			nxt_knob_read(&nxt_knobs[i]);
}

/**
 * nxt_log_get() - a record of the change log kept, for records.c
 * @i: 0 for the oldest kept
 *
 * Under nxt_lock.
 *
 * Return: the record, or NULL past the newest.
 */
const struct nxt_change *nxt_log_get(u64 i)
{
	u64 first = nxt_log_seq > NXT_LOG_LEN ? nxt_log_seq - NXT_LOG_LEN + 1 : 1;

	lockdep_assert_held(&nxt_lock);
	if (first + i > nxt_log_seq)
		return NULL;
	return nxt_log_find(first + i);
}

/**
 * nxt_exp_get() - an experiment slot, for records.c
 * @i: its index
 *
 * Under nxt_lock.
 *
 * Return: the slot (running or not: see @active), or NULL past the last.
 */
const struct nxt_exp *nxt_exp_get(unsigned int i)
{
	lockdep_assert_held(&nxt_lock);
	return i < NXT_EXPS ? &nxt_exps[i] : NULL;
}

static void nxt_dump(struct seq_file *m)
{
	mutex_lock(&nxt_lock);
	nxt_knobs_refresh();
	nxt_hw_dump(m);
	nxt_dump_knobs(m);
	nxt_bn_dump(m);
	nxt_dump_exps(m);
	nxt_dump_log(m);
	nxt_heal_dump(m);
	mutex_unlock(&nxt_lock);
}

/* ---- ops and module ---- */

static int nxt_init(void)
{
	mutex_lock(&nxt_lock);
	nxt_hw_detect();
	nxt_knobs_init();
	nxt_devs_scan();
	mutex_unlock(&nxt_lock);
	return 0;
}

static void nxt_exit(void)
{
	int n;

	/* no callback runs any more: put back every knob NEXUS changed */
	mutex_lock(&nxt_lock);
	n = nxt_rollback_all("unloaded");
	mutex_unlock(&nxt_lock);
	if (n)
		pr_info("restored %d knobs\n", n);
}

const struct nexus_module_ops nxt_ops = {
	.name = "tune",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.min_level = NEXUS_LEVEL_CORRECTION,
	/*
	 * Not shed under CPU budget pressure (below 5 is): a shed tick
	 * would leave an experiment's change unjudged.  Its tick reads no
	 * file while no knob type is enabled.
	 */
	.priority = 5,
	.init = nxt_init,
	.exit = nxt_exit,
	.tick = nxt_tick,
	.apply = nxt_apply,
	.dump = nxt_dump,
	.groups = nxt_groups,
	.record_kinds = NEXUS_REC_MASK(NEXUS_REC_TUNE_KNOB) |
			NEXUS_REC_MASK(NEXUS_REC_TUNE_EXPERIMENT) |
			NEXUS_REC_MASK(NEXUS_REC_TUNE_CHANGE),
	.read_records = nxt_read_records,
};

static int __init nxt_mod_init(void)
{
	int ret = nexus_register_module(&nxt_ops);

	if (ret)
		return ret;
	/* Outside the registry lock that ops->init runs under. */
	ret = nxt_heal_register();
	if (ret)
		pr_warn("not a healable component: %d\n", ret);
	return 0;
}

static void __exit nxt_mod_exit(void)
{
	/* No heal callback runs after this; then every knob is put back. */
	nxt_heal_unregister();
	nexus_unregister_module(&nxt_ops);
}

module_init(nxt_mod_init);
module_exit(nxt_mod_exit);
MODULE_DESCRIPTION("NEXUS reversible tuning of kernel knobs");
MODULE_LICENSE("GPL");
