// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_tune as a healable component: NEXUS's own changes are what
 * nexus_heal rolls back when a tuned target regresses.
 *
 * The component "tune" (class "tune") is registered with the core, not
 * with nexus_heal, so tune loads and works without the healer.
 *
 * Health: fault NXT_FAULT_REGRESSED when a change NEXUS made and kept is
 * still in effect, the bottleneck it addressed is seen again, and the
 * metric it was judged by is, over the last window, worse than before the
 * change by at least min_gain_permille.  That cannot tell a regression
 * the change caused from one the workload caused; removing NEXUS's own
 * change first is the safe reaction either way.  Chaos may inject the
 * same fault (it then holds until a rollback).
 *
 * MicroRollback: undo the last change still in effect (a pending
 * experiment included).  FullRollback: put every knob NEXUS changed back
 * to its value at the checkpoint (the cookie).  Checkpoint: the values of
 * the knobs NEXUS changed, an experiment not yet judged counting at its
 * value before.  A knob rolled back backs off as after a change that did
 * not help.  All under nxt_lock.
 */
#define pr_fmt(fmt) "nexus_tune: " fmt

#include <linux/module.h>
#include <linux/seq_file.h>
#include <nexus/heal.h>
#include "tune.h"

#define NXT_FAULT_REGRESSED	1
#define NXT_CKPTS		8
#define NXT_HEAL_SAMPLES	72

struct nxt_ckpt {
	u64 id;
	u64 log_seq;
	s64 val[NXT_NR_KNOBS];
	bool changed[NXT_NR_KNOBS];
};

static struct nxt_ckpt nxt_ckpts[NXT_CKPTS];
static u64 nxt_ckpt_next = 1;
static bool nxt_injected;
static bool nxt_heal_on;
static struct nexus_sample nxt_hbuf[NXT_HEAL_SAMPLES];

static struct {
	u64 regressions;	/* health checks that found one */
	u64 micro;		/* changes undone by MicroRollback */
	u64 full;		/* knobs restored by FullRollback */
	u64 checkpoints;
	u64 injected;
	char last[NEXUS_REASON_LEN];
} nxt_heal_st;

static struct nxt_knob *nxt_knob_by_name(const char *name)
{
	int i;

	for (i = 0; i < NXT_NR_KNOBS; i++)
		if (nxt_knobs[i].used && !strcmp(nxt_knobs[i].name, name))
			return &nxt_knobs[i];
	return NULL;
}

/* A change record still in effect: its value is the knob's, NEXUS's. */
static struct nxt_knob *nxt_in_effect(const struct nxt_change *c)
{
	struct nxt_knob *k;

	if (c->op != NXT_OP_CHANGE || !c->result ||
	    (strcmp(c->result, "pending") && strcmp(c->result, "kept")))
		return NULL;
	k = nxt_knob_by_name(c->knob);
	if (!k || !k->changed || k->admin || k->written != c->new)
		return NULL;
	return k;
}

/*
 * Visit the changes in effect, newest first, one per knob; stop when @fn
 * returns non-zero and return that.
 */
static int nxt_each_in_effect(int (*fn)(struct nxt_change *c,
					struct nxt_knob *k, void *arg),
			      void *arg)
{
	DECLARE_BITMAP(seen, NXT_NR_KNOBS);
	u64 s, first = nxt_log_seq > NXT_LOG_LEN ?
		       nxt_log_seq - NXT_LOG_LEN + 1 : 1;
	int ret;

	lockdep_assert_held(&nxt_lock);
	bitmap_zero(seen, NXT_NR_KNOBS);
	for (s = nxt_log_seq; s >= first && s; s--) {
		struct nxt_change *c = nxt_log_find(s);
		struct nxt_knob *k = c ? nxt_in_effect(c) : NULL;

		if (!k || test_and_set_bit(k - nxt_knobs, seen))
			continue;
		ret = fn(c, k, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static bool nxt_bn_seen(u8 kind, s8 dev, u64 now)
{
	int i;

	for (i = 0; i < NXT_BNS; i++) {
		const struct nxt_bn *b = &nxt_bns[i];

		if (b->active && b->kind == kind && b->dev == dev &&
		    now - b->last_ns <= 3 * nxt_period_ns)
			return true;
	}
	return false;
}

/* Mean of the last @win samples of @metric, Q.8; -EAGAIN if too few. */
static int nxt_recent_mean(const char *metric, u32 win, u64 now, s64 *mean)
{
	u64 span = 2 * (win + 2) * nxt_period_ns;
	int id = nexus_metric_find(metric), n, i;
	s64 sum = 0;

	if (id < 0)
		return id;
	n = nexus_metric_read(id, nxt_hbuf, ARRAY_SIZE(nxt_hbuf),
			      now > span ? now - span : 0);
	if (n < 0)
		return n;
	if ((u32)n < win)
		return -EAGAIN;
	for (i = n - win; i < n; i++)
		sum += nxt_hbuf[i].value;
	*mean = div_s64(sum * 256, win);
	return 0;
}

/* A kept change whose target is missed again and worse than before it. */
static int nxt_regressed_one(struct nxt_change *c, struct nxt_knob *k,
			     void *arg)
{
	u32 win = clamp_t(u32, READ_ONCE(nxt_window), 4, NXT_HEAL_SAMPLES / 2);
	u64 now = ktime_get_ns();
	s64 mean, before, worse;

	if (strcmp(c->result, "kept") || !c->judged || !c->metric[0] ||
	    !nxt_bn_seen(c->bn, c->dev, now) ||
	    nxt_recent_mean(c->metric, win, now, &mean))
		return 0;
	before = c->welch.mean_a;
	worse = c->better > 0 ? before - mean : mean - before;
	if (worse <= 0 || worse * 1000 < abs(before) * READ_ONCE(nxt_min_gain))
		return 0;
	scnprintf(nxt_heal_st.last, sizeof(nxt_heal_st.last),
		  "regressed: %s %lld -> %lld after change %llu of %s (Q.8)",
		  c->metric, before, mean, c->seq, k->name);
	return 1;
}

static int nxt_any(struct nxt_change *c, struct nxt_knob *k, void *arg)
{
	return 1;
}

static int nxt_heal_health(void *priv)
{
	int fault = 0;

	mutex_lock(&nxt_lock);
	if (nxt_each_in_effect(nxt_regressed_one, NULL)) {
		nxt_heal_st.regressions++;
		fault = NXT_FAULT_REGRESSED;
	} else if (nxt_injected) {
		if (nxt_each_in_effect(nxt_any, NULL))
			fault = NXT_FAULT_REGRESSED;
		else
			nxt_injected = false;	/* nothing of ours left */
	}
	mutex_unlock(&nxt_lock);
	return fault;
}

static void nxt_backoff(struct nxt_knob *k)
{
	k->fails++;
	k->backoff_until_ns = ktime_get_ns() +
			      (30ULL * NSEC_PER_SEC << min(k->fails - 1, 5U));
}

/* Undo the newest change in effect. */
static int nxt_undo_one(struct nxt_change *c, struct nxt_knob *k, void *arg)
{
	int idx = k - nxt_knobs, ret;

	nxt_knob_exp_end(idx, "healed");
	ret = nxt_restore(k, c->old, "heal: micro_rollback");
	if (ret)
		return ret;
	c->result = "healed";
	nxt_backoff(k);
	nxt_heal_st.micro++;
	return 1;
}

static int nxt_micro_rollback(void)
{
	int ret = nxt_each_in_effect(nxt_undo_one, NULL);

	return ret == 1 ? 0 : ret ? ret : -ENOENT;
}

/* Every change made after checkpoint @ck is undone: "healed". */
static int nxt_mark_healed(struct nxt_change *c, struct nxt_knob *k, void *arg)
{
	const struct nxt_ckpt *ck = arg;

	if (c->seq > ck->log_seq)
		c->result = "healed";
	return 0;
}

static int nxt_full_rollback(u64 cookie)
{
	struct nxt_ckpt *ck = &nxt_ckpts[cookie % NXT_CKPTS];
	int i, n = 0, ret, err = 0;

	if (!cookie || ck->id != cookie)
		return -ENOENT;
	nxt_each_in_effect(nxt_mark_healed, ck);
	for (i = 0; i < NXT_NR_KNOBS; i++) {
		struct nxt_knob *k = &nxt_knobs[i];
		s64 v;

		if (!k->used || !k->changed || k->admin)
			continue;
		v = ck->changed[i] ? ck->val[i] : k->orig;
		if (k->written == v)
			continue;
		nxt_knob_exp_end(i, "healed");
		ret = nxt_restore(k, v, "heal: full_rollback");
		if (ret) {
			err = ret;
			continue;
		}
		nxt_backoff(k);
		n++;
	}
	nxt_heal_st.full += n;
	return err;
}

static int nxt_heal_recover(void *priv, enum nexus_healing_strategy s,
			    u64 cookie)
{
	int ret;

	mutex_lock(&nxt_lock);
	switch (s) {
	case NEXUS_HEAL_MICRO_ROLLBACK:
		ret = nxt_micro_rollback();
		break;
	case NEXUS_HEAL_FULL_ROLLBACK:
		ret = nxt_full_rollback(cookie);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	if (!ret)
		nxt_injected = false;
	mutex_unlock(&nxt_lock);
	return ret;
}

/* A pending experiment's knob is checkpointed at its value before. */
static int nxt_ckpt_pending(struct nxt_change *c, struct nxt_knob *k,
			    void *arg)
{
	struct nxt_ckpt *ck = arg;
	int i = k - nxt_knobs;

	if (!strcmp(c->result, "pending")) {
		ck->val[i] = c->old;
		ck->changed[i] = c->old != k->orig;
	}
	return 0;
}

static int nxt_heal_checkpoint(void *priv, u64 *cookie)
{
	struct nxt_ckpt *ck;
	int i;

	mutex_lock(&nxt_lock);
	ck = &nxt_ckpts[nxt_ckpt_next % NXT_CKPTS];
	ck->id = nxt_ckpt_next++;
	ck->log_seq = nxt_log_seq;
	for (i = 0; i < NXT_NR_KNOBS; i++) {
		const struct nxt_knob *k = &nxt_knobs[i];

		ck->changed[i] = k->used && k->changed && !k->admin;
		ck->val[i] = k->written;
	}
	nxt_each_in_effect(nxt_ckpt_pending, ck);
	*cookie = ck->id;
	nxt_heal_st.checkpoints++;
	mutex_unlock(&nxt_lock);
	return 0;
}

static int nxt_inject_locked(void *arg)
{
	if (!nxt_each_in_effect(nxt_any, NULL))
		return -ENOENT;
	nxt_injected = true;
	nxt_heal_st.injected++;
	strscpy(nxt_heal_st.last, "regression injected by chaos",
		sizeof(nxt_heal_st.last));
	return 0;
}

/*
 * Chaos: behave as if the target regressed, while a change is in effect.
 * Heal's "inject" store calls this under kernfs' of->mutex: nxt_call().
 */
static int nxt_heal_inject(void *priv, unsigned int fault)
{
	if (fault != NXT_FAULT_REGRESSED)
		return -EINVAL;
	return nxt_call(nxt_inject_locked, NULL);
}

static const struct nexus_component_ops nxt_heal_ops = {
	.name = "tune",
	.class = "tune",
	.owner = THIS_MODULE,
	.strategies = NEXUS_HEAL_CAP(NEXUS_HEAL_MICRO_ROLLBACK) |
		      NEXUS_HEAL_CAP(NEXUS_HEAL_FULL_ROLLBACK),
	.chaos_faults = BIT(NXT_FAULT_REGRESSED),
	.health = nxt_heal_health,
	.recover = nxt_heal_recover,
	.checkpoint = nxt_heal_checkpoint,
	.inject = nxt_heal_inject,
};

/**
 * nxt_heal_register() - register tune's changes as a healable component
 *
 * Process context, not under the core's registry lock.
 *
 * Return: 0 or the core's error.
 */
int nxt_heal_register(void)
{
	int ret = nexus_component_register(&nxt_heal_ops);

	WRITE_ONCE(nxt_heal_on, !ret);
	return ret;
}

/**
 * nxt_heal_unregister() - no heal callback runs after this returns
 */
void nxt_heal_unregister(void)
{
	if (READ_ONCE(nxt_heal_on))
		nexus_component_unregister(&nxt_heal_ops);
	WRITE_ONCE(nxt_heal_on, false);
}

/**
 * nxt_heal_dump() - the component's state, for debugfs
 * @m: the seq_file
 *
 * Under nxt_lock.
 */
void nxt_heal_dump(struct seq_file *m)
{
	seq_puts(m, "# heal: registered injected regressions micro_rollbacks full_rollback_knobs checkpoints injections last\n");
	seq_printf(m, "heal %d %d %llu %llu %llu %llu %llu %s\n",
		   READ_ONCE(nxt_heal_on), nxt_injected,
		   nxt_heal_st.regressions, nxt_heal_st.micro,
		   nxt_heal_st.full, nxt_heal_st.checkpoints,
		   nxt_heal_st.injected,
		   nxt_heal_st.last[0] ? nxt_heal_st.last : "-");
}
