// SPDX-License-Identifier: GPL-2.0
/*
 * Recovery plans: build one along the escalation chain, run its steps as
 * audited decisions, verify each with the health check, learn which
 * strategy works for which fault.
 *
 * A plan runs in the component's plan_work on nxh_wq.  Each step is a
 * nexus_decide() call: the engine's level gate applies it (nxh_apply(),
 * called back synchronously) at healing and above, or records it as a
 * suggestion at correction.  nxh_apply() runs the component's @recover in
 * a separate work item on nxh_step_wq and waits at most healing_timeout_ms
 * for it, so a hanging step fails the step, not the plan, and never holds
 * up the engine, whose tick never waits for healing.
 *
 * Learning: for each (component class, fault class) and strategy the table
 * counts successes s and failures f.  With a Beta(1, 1) prior the posterior
 * mean of the success probability is (s + 1) / (s + f + 2); it is kept in
 * per-mille, computed in u64 (s and f are u32, so no overflow).  A plan
 * starts at the eligible rung with the highest estimate (the lowest rung on
 * ties, so an empty table gives the plain ladder), escalates from there,
 * and tries the rungs below it last.
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "heal.h"

struct nxh_learn {
	bool used;
	u8 fault;
	char class[NEXUS_SHORT_LEN];
	u32 succ[NEXUS_HEAL_COUNT];
	u32 fail[NEXUS_HEAL_COUNT];
};

static struct nxh_learn nxh_learn_tab[NXH_LEARN_MAX];
static u64 nxh_learn_full;		/* updates lost: table full */
static struct nxh_plan nxh_hist[NXH_HISTORY];
static u64 nxh_hist_n;
static u64 nxh_plan_next_id = 1;
static u64 nxh_started, nxh_succeeded, nxh_gave_up;

/* Executing plans; the core is in Healing while there are any. */
static DEFINE_MUTEX(nxh_state_lock);
static unsigned int nxh_active;

static struct workqueue_struct *nxh_step_wq;

/* One step in flight: the decision nxh_apply() receives, and its context. */
struct nxh_exec {
	struct nexus_decision d;
	struct nxh_comp *hc;
	unsigned int strategy;
	u64 cookie;
	u32 ms;
	bool timed_out;
};

/* One @recover call on nxh_step_wq; freed by whichever side ends last. */
struct nxh_call {
	struct work_struct work;
	struct kref ref;
	struct nxh_comp *hc;
	unsigned int strategy;
	u64 cookie;
	int ret;
	bool done;
};

static const char * const nxh_status_names[NXH_PLAN_NR] = {
	"none", "running", "succeeded", "gave_up", "suggested", "aborted",
	"refused",
};

static const char * const nxh_outcome_names[NXH_STEP_NR] = {
	"not_run", "ok", "failed", "timeout", "suggested", "refused",
};

static const char * const nxh_skip_names[NXH_SKIP_NR] = {
	"-", "unsupported", "disabled", "no_checkpoint",
};

static struct nxh_learn *nxh_learn_row(const char *class, u8 fault,
				       bool create)
{
	struct nxh_learn *free = NULL;
	unsigned int i;

	lockdep_assert_held(&nxh_lock);
	for (i = 0; i < NXH_LEARN_MAX; i++) {
		struct nxh_learn *r = &nxh_learn_tab[i];

		if (!r->used) {
			if (!free)
				free = r;
			continue;
		}
		if (r->fault == fault && !strcmp(r->class, class))
			return r;
	}
	if (!create)
		return NULL;
	if (!free) {
		nxh_learn_full++;
		return NULL;
	}
	free->used = true;
	free->fault = fault;
	strscpy(free->class, class, sizeof(free->class));
	return free;
}

/* Posterior mean success probability, per-mille (see the top comment). */
static u16 nxh_p(const struct nxh_learn *r, unsigned int s)
{
	u64 succ = r ? r->succ[s] : 0, fail = r ? r->fail[s] : 0;

	return div64_u64((succ + 1) * 1000, succ + fail + 2);
}

static void nxh_learn(const char *class, u8 fault, unsigned int s, bool ok)
{
	struct nxh_learn *r = nxh_learn_row(class, fault, true);

	if (!r)
		return;
	if (ok)
		r->succ[s] = min_t(u32, r->succ[s] + 1, U32_MAX - 1);
	else
		r->fail[s] = min_t(u32, r->fail[s] + 1, U32_MAX - 1);
}

/**
 * nxh_learn_reset() - forget what was learned
 */
void nxh_learn_reset(void)
{
	mutex_lock(&nxh_lock);
	memset(nxh_learn_tab, 0, sizeof(nxh_learn_tab));
	nxh_learn_full = 0;
	mutex_unlock(&nxh_lock);
}

static bool nxh_rung_disabled(unsigned int s,
			      const struct nexus_healing_params *cfg)
{
	switch (s) {
	case NEXUS_HEAL_MICRO_ROLLBACK:
		return !cfg->enable_micro_rollback;
	case NEXUS_HEAL_FULL_ROLLBACK:
		return !cfg->max_rollback_depth;
	case NEXUS_HEAL_RECONSTRUCT:
		return !cfg->enable_reconstruction;
	case NEXUS_HEAL_SUBSTITUTE:
		return !cfg->enable_substitution;
	case NEXUS_HEAL_QUARANTINE:
		return !cfg->enable_quarantine;
	default:
		return false;
	}
}

/* Build @hc's plan for its current fault.  Under nxh_lock. */
static void nxh_plan_build(struct nxh_comp *hc,
			   const struct nexus_healing_params *cfg)
{
	struct nxh_plan *p = &hc->plan;
	const struct nxh_learn *row = NULL;
	u8 elig[NEXUS_HEAL_COUNT];
	unsigned int n = 0, start = 0, i, s;
	u16 best = 0;

	lockdep_assert_held(&nxh_lock);
	memset(p, 0, sizeof(*p));
	p->id = nxh_plan_next_id++;
	strscpy(p->comp, hc->ops->name, sizeof(p->comp));
	p->fault = hc->fault;
	p->status = NXH_PLAN_RUNNING;
	p->start_ns = ktime_get_ns();
	for (s = NEXUS_HEAL_SOFT_RESET; s <= NEXUS_HEAL_SURVIVAL_MODE; s++) {
		if (!(hc->ops->strategies & NEXUS_HEAL_CAP(s)))
			p->skip[s] = NXH_SKIP_UNSUPPORTED;
		else if (nxh_rung_disabled(s, cfg))
			p->skip[s] = NXH_SKIP_DISABLED;
		else if (s == NEXUS_HEAL_FULL_ROLLBACK && !hc->ckpt_n)
			p->skip[s] = NXH_SKIP_NO_CHECKPOINT;
		else
			elig[n++] = s;
	}
	if (READ_ONCE(nxh_knobs.learning) &&
	    !(hc->ops->flags & NEXUS_COMPONENT_LADDER))
		row = nxh_learn_row(hc->ops->class, p->fault, false);
	for (i = 0; i < n; i++) {
		u16 pr = nxh_p(row, elig[i]);

		if (pr > best) {
			best = pr;
			start = i;
		}
	}
	p->learned = start != 0;
	for (i = 0; i < n; i++) {
		/* from the start upwards, then the rungs below it */
		s = elig[(start + i) % n];
		p->steps[i].strategy = s;
		p->steps[i].p_permille = nxh_p(row, s);
	}
	p->nsteps = n;
}

static enum nexus_decision_kind nxh_kind(unsigned int s)
{
	switch (s) {
	case NEXUS_HEAL_SOFT_RESET:
		return NEXUS_DECISION_SOFT_RECOVER;
	case NEXUS_HEAL_HARD_RESET:
	case NEXUS_HEAL_RECONSTRUCT:
		return NEXUS_DECISION_HARD_RECOVER;
	case NEXUS_HEAL_MICRO_ROLLBACK:
	case NEXUS_HEAL_FULL_ROLLBACK:
		return NEXUS_DECISION_ROLLBACK;
	case NEXUS_HEAL_SUBSTITUTE:
		return NEXUS_DECISION_SUBSTITUTE;
	case NEXUS_HEAL_QUARANTINE:
		return NEXUS_DECISION_ISOLATE;
	default:
		return NEXUS_DECISION_SURVIVAL_MODE;
	}
}

static enum nexus_action nxh_action(unsigned int s)
{
	switch (s) {
	case NEXUS_HEAL_SOFT_RESET:
		return NEXUS_ACTION_SOFT_RECOVER;
	case NEXUS_HEAL_HARD_RESET:
	case NEXUS_HEAL_RECONSTRUCT:
	case NEXUS_HEAL_SUBSTITUTE:
		return NEXUS_ACTION_HARD_RECOVER;
	case NEXUS_HEAL_MICRO_ROLLBACK:
	case NEXUS_HEAL_FULL_ROLLBACK:
		return NEXUS_ACTION_ROLLBACK;
	case NEXUS_HEAL_QUARANTINE:
		return NEXUS_ACTION_QUARANTINE;
	default:
		return NEXUS_ACTION_SURVIVAL_MODE;
	}
}

/**
 * nxh_status_name() - a plan status's name
 * @status: enum nxh_plan_status
 *
 * Return: the name.
 */
const char *nxh_status_name(unsigned int status)
{
	return status < NXH_PLAN_NR ? nxh_status_names[status] : "?";
}

static void nxh_call_release(struct kref *ref)
{
	kfree(container_of(ref, struct nxh_call, ref));
}

static void nxh_call_fn(struct work_struct *work)
{
	struct nxh_call *c = container_of(work, struct nxh_call, work);
	struct nxh_comp *hc = c->hc;
	const struct nexus_component_ops *ops = hc->ops;
	int ret = -ENODEV;

	if (try_module_get(ops->owner)) {
		ret = ops->recover(ops->priv, c->strategy, c->cookie);
		module_put(ops->owner);
	}
	c->ret = ret;
	/* Publishes ret before done; pairs with the acquire in nxh_call_step(). */
	smp_store_release(&c->done, true);
	wake_up_all(&hc->wq);
	nxh_leave(hc);
	nxh_comp_put(hc);
	kref_put(&c->ref, nxh_call_release);
}

/* Run @recover under @timeout_ms; -ETIMEDOUT, -ESHUTDOWN if unregistered. */
static int nxh_call_step(struct nxh_comp *hc, unsigned int s, u64 cookie,
			 u64 timeout_ms)
{
	const struct nexus_component_ops *ops = hc->ops;
	struct nxh_call *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	if (!nxh_enter(hc)) {
		kfree(c);
		return -ESHUTDOWN;
	}
	INIT_WORK(&c->work, nxh_call_fn);
	kref_init(&c->ref);
	kref_get(&c->ref);
	kref_get(&hc->ref);
	c->hc = hc;
	c->strategy = s;
	c->cookie = cookie;
	queue_work(nxh_step_wq, &c->work);

	/* Acquire done, then read ret; pairs with the release in nxh_call_fn(). */
	wait_event_timeout(hc->wq, smp_load_acquire(&c->done) ||
			   READ_ONCE(hc->dead), msecs_to_jiffies(timeout_ms));
	/* As above: ret is valid once done is seen. */
	if (smp_load_acquire(&c->done)) {
		ret = c->ret;
	} else if (READ_ONCE(hc->dead)) {
		ret = -ESHUTDOWN;
	} else {
		ret = -ETIMEDOUT;
		if (ops->abort && nxh_enter(hc)) {
			if (try_module_get(ops->owner)) {
				ops->abort(ops->priv);
				module_put(ops->owner);
			}
			nxh_leave(hc);
		}
	}
	kref_put(&c->ref, nxh_call_release);
	return ret;
}

/**
 * nxh_apply() - execute one step of a plan (the module's apply callback)
 * @d: the decision, embedded in the plan loop's struct nxh_exec
 *
 * Runs the step under healing_timeout_ms, then the health check.  Records
 * the fault before (@d->old_value), the health after (@d->new_value), the
 * result and the duration (appended to @d->reason).
 *
 * Return: 0 if the component is healthy after the step; -ETIMEDOUT; -EAGAIN
 * if the step ran but the health check still fails; or the step's error.
 */
int nxh_apply(struct nexus_decision *d)
{
	struct nxh_exec *ex = container_of(d, struct nxh_exec, d);
	struct nexus_healing_params cfg;
	u64 t0 = ktime_get_ns();
	size_t len;
	int ret, h = (int)d->old_value;

	/* heal's records of what a step did: nothing more to execute */
	if (d->kind == NEXUS_DECISION_LOG)
		return 0;
	nexus_healing_config(&cfg);
	ret = nxh_call_step(ex->hc, ex->strategy, ex->cookie,
			    cfg.healing_timeout_ms);
	if (!ret) {
		h = nxh_call_health(ex->hc);
		if (h)
			ret = h == -ENODEV ? -ENODEV : -EAGAIN;
	}
	ex->timed_out = ret == -ETIMEDOUT;
	ex->ms = div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC);
	d->new_value = h;
	len = strnlen(d->reason, sizeof(d->reason));
	snprintf(d->reason + len, sizeof(d->reason) - len, ": %s in %u ms",
		 !ret ? "healthy" : ex->timed_out ? "timed out" :
		 ret == -EAGAIN ? "still failing" : "error", ex->ms);
	return ret;
}

/* Announce a plan's start or end as a finding (a uevent on /dev/nexus). */
static void nxh_announce(struct nxh_plan *p, const char *what, bool resolved)
{
	struct nexus_finding *f = kzalloc(sizeof(*f), GFP_KERNEL);
	u64 id;

	if (!f)
		return;
	f->id = READ_ONCE(p->finding);
	f->class = NEXUS_FINDING_INSIGHT;
	f->confidence = p->nsteps ? p->steps[0].p_permille : 0;
	f->action = p->nsteps ? nxh_action(p->steps[0].strategy) :
				NEXUS_ACTION_ALERT;
	f->flags = NEXUS_FINDING_NOTIFY |
		   (resolved ? NEXUS_FINDING_RESOLVED : NEXUS_FINDING_ACTIVE);
	f->metric = -1;
	strscpy(f->component, p->comp, sizeof(f->component));
	snprintf(f->detail, sizeof(f->detail),
		 "heal plan %llu %s: fault %u, %u of %u steps, first %s",
		 p->id, what, p->fault, p->done, p->nsteps,
		 p->nsteps ? nxh_strategy_name(p->steps[0].strategy) : "none");
	id = nexus_finding_publish(&nxh_ops, f);
	WRITE_ONCE(p->finding, id);
	kfree(f);
}

static void nxh_active_change(bool on)
{
	mutex_lock(&nxh_state_lock);
	if (on ? !nxh_active++ : !--nxh_active)
		nexus_state_healing(on, on ? "recovery plan running" :
					     "recovery plans done");
	mutex_unlock(&nxh_state_lock);
}

/**
 * nxh_plan_work() - build and run a component's recovery plan
 * @work: the component's plan_work
 */
void nxh_plan_work(struct work_struct *work)
{
	struct nxh_comp *hc = container_of(work, struct nxh_comp, plan_work);
	struct nexus_healing_params cfg;
	struct nxh_plan *p = &hc->plan;
	bool executing, executed = false;
	struct nxh_exec *ex;
	u8 status = NXH_PLAN_NONE;
	unsigned int i;

	ex = kzalloc(sizeof(*ex), GFP_KERNEL);
	nexus_healing_config(&cfg);
	executing = nexus_current_level() >= NEXUS_LEVEL_HEALING;
	mutex_lock(&nxh_lock);
	nxh_plan_build(hc, &cfg);
	hc->plans++;
	nxh_started++;
	mutex_unlock(&nxh_lock);
	if (!ex) {
		status = NXH_PLAN_ABORTED;
		goto out;
	}
	if (executing) {
		nxh_active_change(true);
		nxh_announce(p, "started", false);
	}

	for (i = 0; i < p->nsteps && status == NXH_PLAN_NONE; i++) {
		struct nxh_step *st = &p->steps[i];
		int outcome;

		nexus_healing_config(&cfg);
		if (READ_ONCE(hc->dead) || !cfg.enabled) {
			status = NXH_PLAN_ABORTED;
			break;
		}
		if (i >= cfg.max_healing_attempts)
			break;
		memset(ex, 0, sizeof(*ex));
		ex->hc = hc;
		ex->strategy = st->strategy;
		ex->d.kind = nxh_kind(st->strategy);
		ex->d.confidence = st->p_permille;
		ex->d.arg = st->strategy;
		ex->d.old_value = p->fault;
		strscpy(ex->d.target, hc->ops->name, sizeof(ex->d.target));
		snprintf(ex->d.reason, sizeof(ex->d.reason),
			 "plan %llu step %u/%u %s for fault %u", p->id, i + 1,
			 p->nsteps, nxh_strategy_name(st->strategy), p->fault);
		if (st->strategy == NEXUS_HEAL_FULL_ROLLBACK) {
			mutex_lock(&nxh_lock);
			if (hc->ckpt_n)
				ex->cookie = hc->ckpt[hc->ckpt_n - 1];
			mutex_unlock(&nxh_lock);
		}

		outcome = nexus_decide(&nxh_ops, &ex->d);

		mutex_lock(&nxh_lock);
		st->decision = ex->d.id;
		st->result = ex->d.result;
		st->ms = ex->ms;
		switch (outcome) {
		case NEXUS_OUTCOME_APPLIED:
			st->outcome = NXH_STEP_OK;
			status = NXH_PLAN_SUCCEEDED;
			break;
		case NEXUS_OUTCOME_FAILED:
			st->outcome = ex->timed_out ? NXH_STEP_TIMEOUT :
						      NXH_STEP_FAILED;
			break;
		case NEXUS_OUTCOME_SUGGESTED:
			st->outcome = NXH_STEP_SUGGESTED;
			break;
		default:
			st->outcome = NXH_STEP_REFUSED;
			status = NXH_PLAN_REFUSED;
			break;
		}
		if (st->outcome == NXH_STEP_OK || st->outcome == NXH_STEP_FAILED ||
		    st->outcome == NXH_STEP_TIMEOUT) {
			executed = true;
			/* A step cut short by unregistering teaches nothing. */
			if (st->result != -ESHUTDOWN && st->result != -ENODEV)
				nxh_learn(hc->ops->class, p->fault,
					  st->strategy,
					  st->outcome == NXH_STEP_OK);
		}
		p->done = i + 1;
		mutex_unlock(&nxh_lock);
	}
	if (status == NXH_PLAN_NONE)
		status = executed ? NXH_PLAN_GAVE_UP : NXH_PLAN_SUGGESTED;
	if (READ_ONCE(hc->dead) && status != NXH_PLAN_SUCCEEDED)
		status = NXH_PLAN_ABORTED;
out:
	mutex_lock(&nxh_lock);
	p->status = status;
	p->end_ns = ktime_get_ns();
	nxh_hist[nxh_hist_n++ % NXH_HISTORY] = *p;
	hc->last_status = status;
	hc->last_fault = p->fault;
	hc->planning = false;
	if (status == NXH_PLAN_SUCCEEDED) {
		nxh_succeeded++;
		hc->health = 0;
	} else if (status == NXH_PLAN_GAVE_UP) {
		nxh_gave_up++;
	}
	mutex_unlock(&nxh_lock);
	if (executing) {
		nxh_announce(p, nxh_status_names[status],
			     status == NXH_PLAN_SUCCEEDED);
		nxh_active_change(false);
	} else if (status == NXH_PLAN_SUGGESTED) {
		nxh_announce(p, "suggested", false);
	}
	kfree(ex);
}

/**
 * nxh_plan_stats() - plan counters, for sysfs
 * @started: plans built
 * @succeeded: plans that healed their component
 * @gave_up: plans that ran out of steps or attempts
 */
void nxh_plan_stats(u64 *started, u64 *succeeded, u64 *gave_up)
{
	mutex_lock(&nxh_lock);
	*started = nxh_started;
	*succeeded = nxh_succeeded;
	*gave_up = nxh_gave_up;
	mutex_unlock(&nxh_lock);
}

static void nxh_plan_line(struct seq_file *m, const struct nxh_plan *p,
			  u8 status)
{
	unsigned int i;

	seq_printf(m, "plan %llu %s fault %u %s %s steps", p->id, p->comp,
		   p->fault, nxh_status_names[status],
		   p->learned ? "learned" : "ladder");
	for (i = 0; i < p->nsteps; i++) {
		const struct nxh_step *st = &p->steps[i];

		seq_printf(m, " %s:%s:%d:%u:%u", nxh_strategy_name(st->strategy),
			   nxh_outcome_names[st->outcome], st->result, st->ms,
			   st->p_permille);
	}
	seq_puts(m, " skip");
	for (i = NEXUS_HEAL_SOFT_RESET; i < NEXUS_HEAL_COUNT; i++)
		if (p->skip[i])
			seq_printf(m, " %s:%s", nxh_strategy_name(i),
				   nxh_skip_names[p->skip[i]]);
	seq_printf(m, " ms %llu\n", p->end_ns > p->start_ns ?
		   div_u64(p->end_ns - p->start_ns, NSEC_PER_MSEC) : 0);
}

/**
 * nxh_plan_dump() - finished plans (oldest first), then the learned table
 * @m: the seq_file
 *
 * Running plans are shown by nxh_comp_dump()'s caller through the
 * components' "running" state and here with status running.
 */
void nxh_plan_dump(struct seq_file *m)
{
	u64 id, first;

	seq_puts(m, "# plan id component fault status order steps strategy:outcome:result:ms:p_permille ... skip rung:why ... ms total\n");
	mutex_lock(&nxh_lock);
	first = nxh_hist_n > NXH_HISTORY ? nxh_hist_n - NXH_HISTORY : 0;
	for (id = first; id < nxh_hist_n; id++) {
		const struct nxh_plan *p = &nxh_hist[id % NXH_HISTORY];

		nxh_plan_line(m, p, p->status);
	}
	mutex_unlock(&nxh_lock);
}

/**
 * nxh_plan_finished() - the finished plans kept, for records.c
 * @i: 0 for the oldest kept
 *
 * Under nxh_lock.
 *
 * Return: the @i-th finished plan, or NULL past the newest.
 */
const struct nxh_plan *nxh_plan_finished(u64 i)
{
	u64 first = nxh_hist_n > NXH_HISTORY ? nxh_hist_n - NXH_HISTORY : 0;

	lockdep_assert_held(&nxh_lock);
	if (i >= nxh_hist_n - first)
		return NULL;
	return &nxh_hist[(first + i) % NXH_HISTORY];
}

/**
 * nxh_plan_running_dump() - the plans running now
 * @m: the seq_file
 * @hc: a component, under nxh_lock
 */
void nxh_plan_running_dump(struct seq_file *m, struct nxh_comp *hc)
{
	lockdep_assert_held(&nxh_lock);
	if (hc->planning && hc->plan.status == NXH_PLAN_RUNNING)
		nxh_plan_line(m, &hc->plan, NXH_PLAN_RUNNING);
}

/**
 * nxh_learn_show() - the learned table
 * @m: the seq_file
 * @unused: unused
 *
 * One line per (class, fault, strategy) with a record.
 *
 * Return: 0.
 */
int nxh_learn_show(struct seq_file *m, void *unused)
{
	unsigned int i, s;

	seq_puts(m, "# learn class fault strategy successes failures p_permille\n");
	mutex_lock(&nxh_lock);
	for (i = 0; i < NXH_LEARN_MAX; i++) {
		const struct nxh_learn *r = &nxh_learn_tab[i];

		if (!r->used)
			continue;
		for (s = NEXUS_HEAL_SOFT_RESET; s < NEXUS_HEAL_COUNT; s++)
			if (r->succ[s] || r->fail[s])
				seq_printf(m, "learn %s %u %s %u %u %u\n",
					   r->class, r->fault,
					   nxh_strategy_name(s), r->succ[s],
					   r->fail[s], nxh_p(r, s));
	}
	if (nxh_learn_full)
		seq_printf(m, "# %llu updates lost: table full\n",
			   nxh_learn_full);
	mutex_unlock(&nxh_lock);
	return 0;
}

/**
 * nxh_plan_init() - the step workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int nxh_plan_init(void)
{
	nxh_step_wq = alloc_workqueue("nexus_heal_step", WQ_UNBOUND, 0);
	return nxh_step_wq ? 0 : -ENOMEM;
}

/**
 * nxh_plan_exit() - wait for late steps and free the step workqueue
 */
void nxh_plan_exit(void)
{
	destroy_workqueue(nxh_step_wq);
}
