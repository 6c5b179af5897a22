// SPDX-License-Identifier: GPL-2.0
/*
 * Crash predictions (CrashPrediction of the profile) and their scoring.
 *
 * A prediction is one object for the life of its condition: raised once,
 * republished with the same finding id while the condition holds (at most
 * once a second unless its action changes), resolved NXP_CLEAR_NS after
 * the condition was last seen.  Each is then scored against the failure it
 * predicted:
 *
 *   OutOfMemory    an OOM kill (NEXUS_EV_OOM_KILL)
 *   MemoryLeak     an OOM kill of the leaking task (or any, for slab)
 *   CpuStarvation  mean run-queue wait reaching starve_latency_us
 *   IoStall        psi.io.full reaching io_full_permille
 *   ResourceExhaustion  the count reaching its limit (exhaust.c)
 *   StackOverflow  the stack reaching RLIMIT_STACK, or the process dying
 *                  of SIGSEGV/SIGBUS (exhaust.c, crashloop.c)
 *   Deadlock       a task stuck past hung_task_timeout_secs (exhaust.c)
 *   Crash          the program's next crash (crashloop.c)
 *
 * A failure while the prediction is active, or within the horizon after it
 * was resolved, confirms it, with lead time = failure - first raised.  A
 * prediction resolved without the failure following within the horizon is
 * a false alarm, unless it never had a failure in sight (a Degradation to
 * a flat level: its outcome is "none").  A failure no prediction of its kind announced is a miss.
 * The scoreboard keeps these per kind.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_PREDS	32
#define NXP_CLEAR_NS	(3 * NSEC_PER_SEC)
#define NXP_REPUB_NS	NSEC_PER_SEC
/* Fewer points than this and a trend is not trusted. */
#define NXP_MIN_POINTS	8

enum { NXP_FREE, NXP_ACTIVE, NXP_RESOLVED, NXP_DONE };

static const char * const nxp_state_names[] = {
	"free", "active", "resolved", "scored",
};

/**
 * struct nxp_pred - one prediction.
 * @state: NXP_*.
 * @confirmed: the failure came.
 * @decided: a decision was asked for it.
 * @key: pid for per-task kinds, else 0.
 * @f: the finding as last published.
 * @first_ns: when raised.
 * @seen_ns: when the condition was last seen.
 * @pub_ns: when last published.
 * @end_ns: when resolved.
 * @notified: highest action announced by uevent, -1 if none.
 * @lead_ms: failure - raised, when confirmed.
 * @ttf_none: no failure in sight (the finding's time to failure is 0).
 * @predicted: a failure was in sight at least once (else, resolved with no
 *	failure, it is no false alarm: it announced none).
 */
struct nxp_pred {
	u8 state;
	bool confirmed;
	bool decided;
	bool ttf_none;
	bool predicted;
	s32 key;
	struct nexus_finding f;
	u64 first_ns, seen_ns, pub_ns, end_ns;
	int notified;
	s64 lead_ms;
};

static struct nxp_pred *nxp_preds;
static u64 nxp_grace_ns;
static u32 nxp_min_conf;

static const bool nxp_implemented[NEXUS_PRED_COUNT] = {
	[NEXUS_PRED_OUT_OF_MEMORY] = true,
	[NEXUS_PRED_MEMORY_LEAK] = true,
	[NEXUS_PRED_CPU_STARVATION] = true,
	[NEXUS_PRED_IO_STALL] = true,
	[NEXUS_PRED_RESOURCE_EXHAUSTION] = true,
	[NEXUS_PRED_DEADLOCK] = true,
	[NEXUS_PRED_CRASH] = true,
	[NEXUS_PRED_STACK_OVERFLOW] = true,
	[NEXUS_PRED_DEGRADATION] = true,
	[NEXUS_PRED_CORRUPTION] = true,
	[NEXUS_PRED_LIVELOCK] = true,
};

/* True if predictions of @kind are made at all. */
bool nxp_kind_implemented(unsigned int kind)
{
	return kind < NEXUS_PRED_COUNT && nxp_implemented[kind];
}

/* Detector state: the inputs and their trends. */
struct nxp_series {
	const char *name;
	int id;
	u64 last_ns;
	s64 value;
};

enum {
	NXP_ROOM, NXP_SWAP, NXP_SLAB, NXP_PSI_MEM, NXP_PSI_CPU, NXP_RUNNABLE,
	NXP_RUNQ, NXP_PSI_IO, NXP_PSI_IO_FULL, NXP_SERIES
};

static struct nxp_series nxp_in[NXP_SERIES] = {
	[NXP_ROOM]	  = { "mem.oom_headroom_kb" },
	[NXP_SWAP]	  = { "mem.swap_free_kb" },
	[NXP_SLAB]	  = { "mem.slab_unreclaimable_kb" },
	[NXP_PSI_MEM]	  = { "psi.memory.some" },
	[NXP_PSI_CPU]	  = { "psi.cpu.some" },
	[NXP_RUNNABLE]	  = { "sched.runnable" },
	[NXP_RUNQ]	  = { "sched.runq_latency_avg_ns" },
	[NXP_PSI_IO]	  = { "psi.io.some" },
	[NXP_PSI_IO_FULL] = { "psi.io.full" },
};

/**
 * struct nxp_detect - trend state of the detectors.
 * @oom: (ms, OOM headroom + free swap kB).
 * @oom_recent: the last NXP_OOM_RECENT points of @oom, refitted each sample.
 * @slab: (ms, unreclaimable slab kB), one point per task walk.
 * @lat: (ms, mean run-queue wait us).
 * @io: (ms, psi.io.full per-mille).
 * @oom_streak: consecutive samples the OOM condition held.
 * @oom_since_ns: sample time at which the current streak began.
 * @cpu_streak: consecutive samples of CPU contention.
 * @io_streak: consecutive samples of I/O contention.
 * @cpu_failing: starvation episode in progress (scored once).
 * @io_failing: I/O stall episode in progress.
 * @resolve_ns: when metric ids were last looked up.
 * @scan_ns: when the tasks were last walked.
 * @floor_kb: OOM floor in force.
 */
struct nxp_detect {
	struct nx_linreg oom, oom_recent, slab, lat, io;
	u32 oom_streak, cpu_streak, io_streak;
	u64 oom_since_ns;
	bool cpu_failing, io_failing;
	u64 resolve_ns, scan_ns;
	s64 floor_kb;
};

static struct nxp_detect nxd;

/**
 * nxp_crash_init() - allocate the prediction table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_crash_init(void)
{
	unsigned int i;

	nxp_preds = nexus_kvzalloc(NXP_PREDS * sizeof(*nxp_preds), GFP_KERNEL);
	if (!nxp_preds)
		return -ENOMEM;
	for (i = 0; i < NXP_SERIES; i++)
		nxp_in[i].id = -1;
	nx_linreg_init(&nxd.oom);
	nx_linreg_init(&nxd.slab);
	nx_linreg_init(&nxd.lat);
	nx_linreg_init(&nxd.io);
	nxp_exhaust_init();
	/* without the probe Crash is blind (and SIGSEGV scores no overflow) */
	if (nxp_crashloop_init())
		pr_warn("nexus_predict: no sched_process_exit probe: Crash predictions off\n");
	return 0;
}

static void nxp_publish(struct nxp_pred *p, u64 now)
{
	p->f.id = nexus_finding_publish(&nxp_ops, &p->f);
	p->pub_ns = now;
}

static void nxp_resolve(struct nxp_pred *p, u64 now)
{
	p->state = p->confirmed ? NXP_DONE : NXP_RESOLVED;
	p->end_ns = now;
	p->f.flags = NEXUS_FINDING_RESOLVED;
	nxp_publish(p, now);
	if (p->f.kind == NEXUS_PRED_OUT_OF_MEMORY)
		nxp_reclaim_resolved(&p->f);
}

/**
 * nxp_crash_exit() - resolve what is active and free the table
 *
 * A prediction nobody maintains any more must not stay active in the
 * core's findings.
 */
void nxp_crash_exit(void)
{
	unsigned int i;

	nxp_crashloop_exit();
	if (!nxp_preds)
		return;
	nxp_reclaim_undo("module unloaded");
	for (i = 0; i < NXP_PREDS; i++)
		if (nxp_preds[i].state == NXP_ACTIVE)
			nxp_resolve(&nxp_preds[i], ktime_get_ns());
	nexus_kfree(nxp_preds);
	nxp_preds = NULL;
}

/* The recommended action, by kind, confidence and time left. */
static u16 nxp_action(u16 kind, u32 conf, u64 ttf_ms, u64 horizon_ms)
{
	if (conf < 500)
		return NEXUS_ACTION_MONITOR;
	switch (kind) {
	case NEXUS_PRED_OUT_OF_MEMORY:
		/* a third of the horizon (10 s by default) is too late to plan */
		if (ttf_ms <= horizon_ms / 3 && conf >= 800)
			return NEXUS_ACTION_SOFT_RECOVER;
		return ttf_ms <= horizon_ms ? NEXUS_ACTION_PREPARE :
					      NEXUS_ACTION_ALERT;
	case NEXUS_PRED_MEMORY_LEAK:
		return ttf_ms <= horizon_ms ? NEXUS_ACTION_PREPARE :
					      NEXUS_ACTION_ALERT;
	case NEXUS_PRED_CPU_STARVATION:
		return !ttf_ms && conf >= 800 ? NEXUS_ACTION_SOFT_RECOVER :
						NEXUS_ACTION_ALERT;
	case NEXUS_PRED_IO_STALL:
		return !ttf_ms ? NEXUS_ACTION_PREPARE : NEXUS_ACTION_ALERT;
	case NEXUS_PRED_CRASH:
	case NEXUS_PRED_DEGRADATION:
	case NEXUS_PRED_CORRUPTION:
		return ttf_ms <= horizon_ms ? NEXUS_ACTION_PREPARE :
					      NEXUS_ACTION_ALERT;
	case NEXUS_PRED_RESOURCE_EXHAUSTION:
	case NEXUS_PRED_STACK_OVERFLOW:
		return ttf_ms <= horizon_ms / 3 ? NEXUS_ACTION_PREPARE :
						  NEXUS_ACTION_ALERT;
	default:
		return NEXUS_ACTION_ALERT;
	}
}

static struct nxp_pred *nxp_slot(u16 kind, s32 key)
{
	struct nxp_pred *old = NULL;
	unsigned int i;

	for (i = 0; i < NXP_PREDS; i++) {
		struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_ACTIVE && p->f.kind == kind && p->key == key)
			return p;
	}
	for (i = 0; i < NXP_PREDS; i++) {
		struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_FREE)
			return p;
		if (p->state == NXP_DONE && (!old || p->end_ns < old->end_ns))
			old = p;
	}
	return old;
}

/* True if (@kind, @key) has an active prediction. */
bool nxp_active(u16 kind, s32 key)
{
	unsigned int i;

	for (i = 0; i < NXP_PREDS; i++) {
		struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_ACTIVE && p->f.kind == kind && p->key == key)
			return true;
	}
	return false;
}

/*
 * Report that the condition of (@kind, @key) holds now.  Below
 * min_confidence it is not reported at all (and an active prediction then
 * resolves).  @ttf_ms NXP_TTF_NONE: no failure in sight (published as 0,
 * "unknown").  Returns the prediction, or NULL.
 */
struct nxp_pred *nxp_report(u16 kind, s32 key, u32 conf, u64 ttf_ms,
			    int metric, s64 value, const char *comp,
			    const char *detail, u64 now,
			    const struct nexus_prediction_params *cfg)
{
	struct nxp_pred *p;
	u16 action;
	bool fresh, announce, republish;

	conf = min_t(u32, conf, NX_PERMILLE);
	if (conf < cfg->min_confidence)
		return NULL;
	p = nxp_slot(kind, key);
	if (!p)
		return NULL;
	fresh = p->state != NXP_ACTIVE;
	if (fresh) {
		memset(p, 0, sizeof(*p));
		p->state = NXP_ACTIVE;
		p->key = key;
		p->first_ns = now;
		p->notified = -1;
		p->f.class = NEXUS_FINDING_PREDICTION;
		p->f.kind = kind;
		nxp_score_raised(kind);
	}
	action = nxp_action(kind, conf, ttf_ms, cfg->horizon_ms);
	announce = conf >= READ_ONCE(nxp_knobs.notify_permille) &&
		   (int)action > p->notified;
	p->seen_ns = now;
	/* our copy is always current; the core's is refreshed once a second */
	republish = fresh || announce || action != p->f.action ||
		    now - p->pub_ns >= NXP_REPUB_NS;
	p->f.confidence = conf;
	p->f.action = action;
	p->ttf_none = ttf_ms == NXP_TTF_NONE;
	p->predicted |= !p->ttf_none;
	p->f.time_to_failure_ms = p->ttf_none ? 0 : ttf_ms;
	p->f.metric = metric;
	p->f.value = value;
	p->f.flags = NEXUS_FINDING_ACTIVE;
	if (announce) {
		p->f.flags |= NEXUS_FINDING_NOTIFY;
		p->notified = action;
	}
	strscpy(p->f.component, comp, sizeof(p->f.component));
	strscpy(p->f.detail, detail, sizeof(p->f.detail));
	if (republish)
		nxp_publish(p, now);
	return p;
}

/*
 * A failure of @kind happened (@key: the task concerned, or -1).  It
 * confirms the predictions of that kind that announced it; with none, and
 * @count_miss, it is a miss.
 */
void nxp_failure(u16 kind, s32 key, bool count_miss, u64 now)
{
	bool matched = false;
	unsigned int i;

	for (i = 0; i < NXP_PREDS; i++) {
		struct nxp_pred *p = &nxp_preds[i];

		if (p->f.kind != kind || (key >= 0 && p->key && p->key != key))
			continue;
		if (p->state != NXP_ACTIVE &&
		    !(p->state == NXP_RESOLVED && now - p->end_ns <= nxp_grace_ns) &&
		    !(p->state == NXP_DONE && p->confirmed &&
		      now - p->end_ns <= nxp_grace_ns))
			continue;
		matched = true;
		if (p->confirmed)
			continue;
		p->confirmed = true;
		p->lead_ms = div_u64(now - p->first_ns, NSEC_PER_MSEC);
		nxp_score_confirmed(kind, p->lead_ms);
		if (p->state == NXP_RESOLVED)
			p->state = NXP_DONE;
	}
	if (!matched && count_miss)
		nxp_score_missed(kind);
}

/**
 * nxp_crash_event() - a bus event: OOM kills score the memory predictions
 * @ev: the event
 */
void nxp_crash_event(const struct nexus_event *ev)
{
	if (ev->type != NEXUS_EV_OOM_KILL || !nxp_preds)
		return;
	nxp_failure(NEXUS_PRED_OUT_OF_MEMORY, -1, true, ev->ts_ns);
	nxp_failure(NEXUS_PRED_MEMORY_LEAK, ev->pid, false, ev->ts_ns);
}

/*
 * Ask the engine for the decision of a new prediction: Predictive when the
 * failure is due within the horizon, else Warn.
 */
void nxp_decide(struct nxp_pred *p, const struct nexus_prediction_params *cfg)
{
	struct nexus_decision d = {
		.kind = !p->ttf_none &&
			p->f.time_to_failure_ms <= cfg->horizon_ms ?
			NEXUS_DECISION_PREDICTIVE : NEXUS_DECISION_WARN,
		.confidence = p->f.confidence,
		.finding_id = p->f.id,
		.arg = p->f.kind,
		.old_value = p->f.value,
	};

	p->decided = true;
	strscpy(d.target, p->f.component, sizeof(d.target));
	if (p->ttf_none)
		snprintf(d.reason, sizeof(d.reason), "%s, no failure in sight",
			 nexus_prediction_name(p->f.kind));
	else
		snprintf(d.reason, sizeof(d.reason), "%s predicted in %llu ms",
			 nexus_prediction_name(p->f.kind),
			 p->f.time_to_failure_ms);
	nexus_decide(&nxp_ops, &d);
}

/* Look metric ids up again once a second: collectors come and go. */
static void nxp_inputs_resolve(u64 now)
{
	unsigned int i;

	if (now - nxd.resolve_ns < NSEC_PER_SEC)
		return;
	nxd.resolve_ns = now;
	for (i = 0; i < NXP_SERIES; i++) {
		int id = nexus_metric_find(nxp_in[i].name);

		nxp_in[i].id = id < 0 ? -1 : id;
	}
}

/* True if @i has a sample newer than the last one consumed. */
static bool nxp_fresh(unsigned int i)
{
	struct nxp_series *s = &nxp_in[i];
	struct nexus_sample smp;

	if (s->id < 0 || nexus_metric_last(s->id, &smp) || !smp.ts_ns ||
	    smp.ts_ns <= s->last_ns)
		return false;
	s->last_ns = smp.ts_ns;
	s->value = smp.value;
	return true;
}

/*
 * Coefficient of determination of @fit over the window, per-mille: how
 * much of the series' variation the line explains.  Deviations are
 * clamped to 2^28 so 32 squares stay below 2^62.
 */
static u32 nxp_r2(const struct nx_linreg *r, const struct nx_linfit *fit)
{
	s64 sum = 0, mean;
	u64 tot = 0, res = 0;
	u32 i;

	for (i = 0; i < r->n; i++)
		sum += r->x[i];
	mean = div_s64(sum, r->n);
	for (i = 0; i < r->n; i++) {
		s64 d = clamp_t(s64, r->x[i] - mean, -(1 << 28), 1 << 28);
		s64 e = clamp_t(s64, r->x[i] - nx_linfit_at(fit, r->t[i]),
				-(1 << 28), 1 << 28);

		tot += d * d;
		res += e * e;
	}
	if (!tot || res >= tot)
		return 0;
	return NX_PERMILLE - div64_u64(res * NX_PERMILLE, tot);
}

/*
 * Time in ms until a rising trend reaches @threshold, from @now_ms: the
 * last 8 points of @r rise (Mann-Kendall statistic >= 500 per-mille) and
 * its line reaches @threshold; else NXP_TTF_NONE.  A step to a new level
 * that stays flat has no such trend, whatever the sign of its noisy slope.
 */
s64 nxp_rising_ttf(const struct nx_linreg *r, s64 threshold, u64 now_ms,
		   u32 *r2)
{
	s64 ttf;

	*r2 = 0;
	if (nxp_trend_permille(r, NXP_MIN_POINTS) < 500)
		return NXP_TTF_NONE;
	ttf = nxp_ttf(r, threshold, now_ms, r2);
	return ttf < 0 ? NXP_TTF_NONE : ttf;
}

/* Time in ms until the trend reaches @threshold, from @now_ms; -1: never. */
s64 nxp_ttf(const struct nx_linreg *r, s64 threshold, u64 now_ms, u32 *r2)
{
	struct nx_linfit fit;
	s64 t;

	*r2 = 0;
	if (r->n < NXP_MIN_POINTS || nx_linreg_fit(r, &fit))
		return -1;
	t = nx_linfit_time_to(&fit, threshold);
	if (t < 0)
		return -1;
	*r2 = nxp_r2(r, &fit);
	/* the fit is anchored at its newest point, which may be older */
	t -= (s64)now_ms - fit.t0;
	return max_t(s64, t, 0);
}

/*
 * The floor the headroom is extrapolated to: mem.oom_headroom_kb already
 * stops at the min watermarks, where the OOM killer runs, so 0 by default.
 */
static s64 nxp_floor_kb(void)
{
	return READ_ONCE(nxp_knobs.oom_floor_kb);
}

/* The task whose RSS grows fastest, and its growth in kB/s. */
static const struct nxp_task *nxp_fastest(s64 *kbps)
{
	const struct nxp_task *best = NULL;
	unsigned int i;

	*kbps = 0;
	for (i = 0; i < NXP_TASKS; i++) {
		const struct nxp_task *t = &nxp_tasks[i];
		s64 s;

		if (!t->pid)
			continue;
		s = nxp_task_slope_kbps(t);
		if (s > *kbps) {
			*kbps = s;
			best = t;
		}
	}
	return best;
}

#define NXP_OOM_RECENT		8
#define NXP_OOM_SUSTAIN_MS	5000

/* True if the newest point of @r is below the one NXP_OOM_RECENT back. */
static bool nxp_still_falling(const struct nx_linreg *r)
{
	u32 newest = (r->head + NX_LINREG_WIN - 1) % NX_LINREG_WIN;
	u32 older = (r->head + NX_LINREG_WIN - NXP_OOM_RECENT) % NX_LINREG_WIN;

	return r->n >= NXP_OOM_RECENT && r->x[newest] < r->x[older];
}

/*
 * Time to the floor on the trend of the whole window and on that of its
 * last NXP_OOM_RECENT points; the one whose line explains its points
 * better (R^2) wins.  A leak that starts after a calm or a swinging history
 * is a clean line over the recent points long before it dominates the
 * window: the whole window's fit alone lagged it by seconds and, with the
 * swings of an earlier workload in it, kept R^2 (and so the confidence)
 * too low until the kernel's OOM killer had run.
 */
static s64 nxp_oom_ttf(u64 now_ms, u32 *r2)
{
	const struct nx_linreg *r = &nxd.oom;
	u32 i, r2_recent;
	s64 ttf, recent;

	ttf = nxp_ttf(r, nxd.floor_kb, now_ms, r2);
	if (r->n < NXP_OOM_RECENT)
		return ttf;
	nx_linreg_init(&nxd.oom_recent);
	for (i = NXP_OOM_RECENT; i > 0; i--) {
		u32 k = (r->head + NX_LINREG_WIN - i) % NX_LINREG_WIN;

		nx_linreg_add(&nxd.oom_recent, r->t[k], r->x[k]);
	}
	recent = nxp_ttf(&nxd.oom_recent, nxd.floor_kb, now_ms, &r2_recent);
	if (recent >= 0 && (ttf < 0 || r2_recent > *r2)) {
		*r2 = r2_recent;
		return recent;
	}
	return ttf;
}

/*
 * OutOfMemory: time until the OOM headroom (mem.oom_headroom_kb: free
 * memory above the min watermarks plus what reclaim can free) and free
 * swap fall to the floor, on the least-squares trend of the last
 * NX_LINREG_WIN samples or of the last NXP_OOM_RECENT (nxp_oom_ttf()).
 * The headroom counts what reclaim can free, so its
 * trend is the net of allocation and reclaim.  Confidence: 60% how well a
 * line explains the window (R^2, discounted while the window fills), 20%
 * persistence (5 samples in a row), 20% PSI memory some (full weight at 20%).
 *
 * Two gates keep a burst of allocation from being read as a leak: the
 * headroom must still be falling over the last NXP_OOM_RECENT samples (a
 * burst that stopped leaves the window's line sloping for seconds after),
 * and the failure must have been within the horizon for NXP_OOM_SUSTAIN_MS
 * of sample time.  Without them a one-shot 100 MB allocation in a 1 GB
 * machine raised OutOfMemory; a real leak loses those 5 s of lead.
 */
static void nxp_detect_oom(u64 now, const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	const struct nxp_task *t;
	struct nxp_pred *p;
	s64 total, ttf, kbps;
	u32 r2 = 0, conf;

	if (!nxp_fresh(NXP_ROOM))
		return;
	nxp_fresh(NXP_SWAP);
	nxp_fresh(NXP_PSI_MEM);
	total = nxp_in[NXP_ROOM].value +
		(nxp_in[NXP_SWAP].id >= 0 ? nxp_in[NXP_SWAP].value : 0);
	nx_linreg_add(&nxd.oom, nxp_ms(nxp_in[NXP_ROOM].last_ns), total);
	nxd.floor_kb = nxp_floor_kb();
	ttf = total <= nxd.floor_kb ? 0 :
	      nxp_oom_ttf(nxp_ms(now), &r2);
	if (total <= nxd.floor_kb)
		r2 = NX_PERMILLE;
	if (ttf < 0 || ttf > cfg->horizon_ms ||
	    (total > nxd.floor_kb && !nxp_still_falling(&nxd.oom))) {
		nxd.oom_streak = 0;
		return;
	}
	if (!nxd.oom_streak++)
		nxd.oom_since_ns = nxp_in[NXP_ROOM].last_ns;
	if (nxp_in[NXP_ROOM].last_ns - nxd.oom_since_ns <
	    NXP_OOM_SUSTAIN_MS * NSEC_PER_MSEC)
		return;
	conf = r2 * 6 / 10 * min_t(u32, nxd.oom.n, 16) / 16 +
	       200 * min_t(u32, nxd.oom_streak, 5) / 5 +
	       200 * clamp_t(s64, nxp_in[NXP_PSI_MEM].value, 0, 200) / 200;
	t = nxp_fastest(&kbps);
	if (t)
		snprintf(comp, sizeof(comp), "pid %d (%s)", t->pid, t->comm);
	else
		strscpy(comp, "system", sizeof(comp));
	snprintf(detail, sizeof(detail),
		 "headroom+swap %lld kB, floor %lld kB, r2 %u, top +%lld kB/s",
		 total, nxd.floor_kb, r2, kbps);
	p = nxp_report(NEXUS_PRED_OUT_OF_MEMORY, 0, conf, ttf,
		       nxp_in[NXP_ROOM].id, total, comp, detail, now, cfg);
	if (p && !p->decided) {
		nxp_decide(p, cfg);
		nxp_reclaim_ask(&p->f);
	}
}

static void nxp_leak_report(s32 key, const char *comp, const struct nx_linreg *r,
			    s64 kbps, int metric, u64 now,
			    const struct nexus_prediction_params *cfg)
{
	char detail[NEXUS_REASON_LEN];
	u32 w = READ_ONCE(nxp_knobs.leak_window);
	int trend = nxp_trend_permille(r, w);
	s64 room, last = r->x[(r->head + NX_LINREG_WIN - 1) % NX_LINREG_WIN];
	u64 ttf;

	/* a rank test: steady growth in most pairs, not a threshold */
	if (trend < 800 || kbps < READ_ONCE(nxp_knobs.leak_min_kbps))
		return;
	room = max_t(s64, nxp_in[NXP_ROOM].value +
		     (nxp_in[NXP_SWAP].id >= 0 ? nxp_in[NXP_SWAP].value : 0) -
		     nxd.floor_kb, 0);
	ttf = div64_u64((u64)room * 1000, kbps);
	snprintf(detail, sizeof(detail),
		 "+%lld kB/s over the last %u samples, trend %d", kbps, w, trend);
	nxp_report(NEXUS_PRED_MEMORY_LEAK, key, trend, ttf, metric, last, comp,
		   detail, now, cfg);
}

/*
 * MemoryLeak: a task among the largest, or unreclaimable slab, whose size
 * keeps growing over leak_window walks (Mann-Kendall statistic of at
 * least 800 per-mille, i.e. 90% of the pairs rising) by at least
 * leak_min_kbps.  The confidence is the trend statistic itself.
 */
static void nxp_detect_leaks(u64 now, const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN];
	struct nx_linfit fit;
	unsigned int i;

	for (i = 0; i < NXP_TASKS; i++) {
		const struct nxp_task *t = &nxp_tasks[i];

		if (!t->pid)
			continue;
		snprintf(comp, sizeof(comp), "pid %d (%s)", t->pid, t->comm);
		nxp_leak_report(t->pid, comp, &t->rss, nxp_task_slope_kbps(t),
				-1, now, cfg);
	}
	if (nxd.slab.n >= 4 && !nx_linreg_fit(&nxd.slab, &fit))
		nxp_leak_report(0, "slab_unreclaimable", &nxd.slab,
				nx_linfit_at(&fit, fit.t0 + 1000) -
				nx_linfit_at(&fit, fit.t0),
				nxp_in[NXP_SLAB].id, now, cfg);
}

/*
 * CpuStarvation: more runnable tasks than CPUs and psi.cpu.some at or
 * above cpu_psi_permille for 3 samples, with the mean run-queue wait at
 * starve_latency_us or trending there within the horizon.  The component
 * is the runnable task that spent the largest share of its life waiting.
 */
static void nxp_detect_cpu(u64 now, const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	s64 thr = READ_ONCE(nxp_knobs.starve_latency_us), lat, ttf;
	u32 r2 = 0, conf, psi;
	bool busy;

	if (!nxp_fresh(NXP_PSI_CPU))
		return;
	nxp_fresh(NXP_RUNNABLE);
	nxp_fresh(NXP_RUNQ);
	lat = div_s64(nxp_in[NXP_RUNQ].value, NSEC_PER_USEC);
	psi = clamp_t(s64, nxp_in[NXP_PSI_CPU].value, 0, 1000);
	nx_linreg_add(&nxd.lat, nxp_ms(nxp_in[NXP_PSI_CPU].last_ns), lat);
	if (lat >= thr && !nxd.cpu_failing) {
		nxd.cpu_failing = true;
		nxp_failure(NEXUS_PRED_CPU_STARVATION, -1, true, now);
	} else if (lat < thr * 3 / 4) {
		nxd.cpu_failing = false;
	}
	busy = psi >= READ_ONCE(nxp_knobs.cpu_psi_permille) &&
	       nxp_in[NXP_RUNNABLE].value > num_online_cpus();
	nxd.cpu_streak = busy ? nxd.cpu_streak + 1 : 0;
	if (nxd.cpu_streak < 3)
		return;
	ttf = lat >= thr ? 0 : nxp_ttf(&nxd.lat, thr, nxp_ms(now), &r2);
	if (ttf < 0 || ttf > cfg->horizon_ms)
		return;
	conf = psi / 2 + 300 * min_t(u32, nxd.cpu_streak, 5) / 5 +
	       (lat >= thr ? 200 : r2 / 5);
	if (nxp_scan.waitpid)
		snprintf(comp, sizeof(comp), "pid %d (%s)", nxp_scan.waitpid,
			 nxp_scan.waitcomm);
	else
		strscpy(comp, "cpu", sizeof(comp));
	snprintf(detail, sizeof(detail),
		 "runq wait %lld us (limit %lld), psi cpu %u, runnable %lld",
		 lat, thr, psi, nxp_in[NXP_RUNNABLE].value);
	nxp_report(NEXUS_PRED_CPU_STARVATION, 0, conf, ttf, nxp_in[NXP_RUNQ].id,
		   lat, comp, detail, now, cfg);
}

/*
 * IoStall: psi.io.some at or above io_psi_permille for 3 samples, with
 * psi.io.full at io_full_permille or trending there within the horizon.
 * Tasks in D state add to the confidence and name the component.
 */
static void nxp_detect_io(u64 now, const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	s64 thr = READ_ONCE(nxp_knobs.io_full_permille), full, ttf;
	u32 r2 = 0, conf, some;

	if (!nxp_fresh(NXP_PSI_IO_FULL))
		return;
	nxp_fresh(NXP_PSI_IO);
	full = nxp_in[NXP_PSI_IO_FULL].value;
	some = clamp_t(s64, nxp_in[NXP_PSI_IO].value, 0, 1000);
	nx_linreg_add(&nxd.io, nxp_ms(nxp_in[NXP_PSI_IO_FULL].last_ns), full);
	if (full >= thr && !nxd.io_failing) {
		nxd.io_failing = true;
		nxp_failure(NEXUS_PRED_IO_STALL, -1, true, now);
	} else if (full < thr * 3 / 4) {
		nxd.io_failing = false;
	}
	nxd.io_streak = some >= READ_ONCE(nxp_knobs.io_psi_permille) ?
			nxd.io_streak + 1 : 0;
	if (nxd.io_streak < 3)
		return;
	ttf = full >= thr ? 0 : nxp_ttf(&nxd.io, thr, nxp_ms(now), &r2);
	if (ttf < 0 || ttf > cfg->horizon_ms)
		return;
	conf = some / 2 + 200 * min_t(u32, nxd.io_streak, 5) / 5 +
	       (full >= thr ? 200 : r2 / 5) + (nxp_scan.dstate ? 100 : 0);
	if (nxp_scan.dstate)
		snprintf(comp, sizeof(comp), "pid %d (%s)", nxp_scan.dpid,
			 nxp_scan.dcomm);
	else
		strscpy(comp, "block", sizeof(comp));
	snprintf(detail, sizeof(detail),
		 "psi io some %u full %lld (limit %lld), %u tasks in D",
		 some, full, thr, nxp_scan.dstate);
	nxp_report(NEXUS_PRED_IO_STALL, 0, conf, ttf, nxp_in[NXP_PSI_IO_FULL].id,
		   full, comp, detail, now, cfg);
}

/* Resolve what was not seen lately; score what waited long enough. */
static void nxp_sweep(u64 now, bool all)
{
	unsigned int i;

	for (i = 0; i < NXP_PREDS; i++) {
		struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_ACTIVE &&
		    (all || now - p->seen_ns > NXP_CLEAR_NS))
			nxp_resolve(p, now);
		if (p->state == NXP_RESOLVED && now - p->end_ns > nxp_grace_ns) {
			p->state = NXP_DONE;
			if (p->predicted)
				nxp_score_false(p->f.kind);
		}
	}
}

/**
 * nxp_crash_tick() - run the detectors and maintain the predictions
 * @now_ns: monotonic time
 * @cfg: the prediction config in force
 */
void nxp_crash_tick(u64 now_ns, const struct nexus_prediction_params *cfg)
{
	u32 scan_ms = READ_ONCE(nxp_knobs.scan_ms);

	nxp_grace_ns = cfg->horizon_ms * NSEC_PER_MSEC;
	nxp_min_conf = cfg->min_confidence;
	nxp_reclaim_tick(cfg->enabled);
	if (!cfg->enabled) {
		nxp_sweep(now_ns, true);
		return;
	}
	nxp_inputs_resolve(now_ns);
	if (now_ns - nxd.scan_ns >= (u64)scan_ms * NSEC_PER_MSEC) {
		nxd.scan_ns = now_ns;
		nxp_tasks_scan(nxp_ms(now_ns));
		if (nxp_fresh(NXP_SLAB))
			nx_linreg_add(&nxd.slab, nxp_ms(now_ns),
				      nxp_in[NXP_SLAB].value);
		if (cfg->detect_memory_leaks)
			nxp_detect_leaks(now_ns, cfg);
	}
	nxp_detect_oom(now_ns, cfg);
	nxp_detect_cpu(now_ns, cfg);
	nxp_detect_io(now_ns, cfg);
	if (nxd.scan_ns == now_ns)
		nxp_exhaust_tick(now_ns, cfg);
	nxp_crashloop_tick(now_ns, cfg);
	nxp_degrade_tick(now_ns, cfg);
	nxp_corrupt_tick(now_ns, nxd.scan_ns == now_ns, cfg);
	nxp_sweep(now_ns, false);
}

static const char *nxp_outcome(const struct nxp_pred *p)
{
	if (p->confirmed)
		return "confirmed";
	if (p->state != NXP_DONE)
		return "pending";
	/* announced no failure, and none came */
	return p->predicted ? "false" : "none";
}

/**
 * nxp_preds_dump() - the predictions, one line each
 * @m: seq_file
 *
 * id, kind, state, confidence, time to failure, action, component, age
 * and time since the last update (ms), outcome, lead time.
 */
void nxp_preds_dump(struct seq_file *m)
{
	u64 now = ktime_get_ns();
	unsigned int i;

	seq_puts(m, "# id kind state confidence ttf_ms action component age_ms updated_ms_ago outcome lead_ms\n");
	for (i = 0; i < NXP_PREDS; i++) {
		const struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_FREE)
			continue;
		seq_printf(m, "%llu %s %s %u %llu %s \"%s\" %llu %llu %s %lld\n",
			   p->f.id, nexus_prediction_name(p->f.kind),
			   nxp_state_names[p->state], p->f.confidence,
			   p->f.time_to_failure_ms,
			   nexus_action_name(p->f.action), p->f.component,
			   div_u64(now - p->first_ns, NSEC_PER_MSEC),
			   div_u64(now - p->pub_ns, NSEC_PER_MSEC),
			   nxp_outcome(p), p->confirmed ? p->lead_ms : -1);
	}
}

/**
 * nxp_predictions_show() - /sys/kernel/debug/nexus/predictions
 * @m: seq_file
 * @unused: unused
 *
 * One line per prediction: id, kind, confidence, time to failure (ms, 0:
 * unknown or now), component, recommended action, first seen and last
 * updated (CLOCK_MONOTONIC ms, the clock of the audit log), state,
 * outcome, lead time (ms, -1 until confirmed) and the detail.
 *
 * Return: 0.
 */
int nxp_predictions_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	seq_puts(m, "# id kind confidence ttf_ms component action first_seen_ms updated_ms state outcome lead_ms detail\n");
	for (i = 0; i < NXP_PREDS; i++) {
		const struct nxp_pred *p = &nxp_preds[i];

		if (p->state == NXP_FREE)
			continue;
		seq_printf(m, "%llu %s %u %llu \"%s\" %s %llu %llu %s %s %lld \"%s\"\n",
			   p->f.id, nexus_prediction_name(p->f.kind),
			   p->f.confidence, p->f.time_to_failure_ms,
			   p->f.component, nexus_action_name(p->f.action),
			   div_u64(p->first_ns, NSEC_PER_MSEC),
			   div_u64(p->seen_ns, NSEC_PER_MSEC),
			   nxp_state_names[p->state], nxp_outcome(p),
			   p->confirmed ? p->lead_ms : -1, p->f.detail);
	}
	return 0;
}

/**
 * nxp_crash_dump() - the detectors' inputs, the predictions, the scoreboard
 * @m: seq_file
 */
void nxp_crash_dump(struct seq_file *m)
{
	seq_printf(m, "# predictions: min_confidence %u, oom floor %lld kB\n",
		   nxp_min_conf, nxd.floor_kb);
	nxp_exhaust_dump(m);
	nxp_cg_dump(m);
	nxp_crashloop_dump(m);
	nxp_degrade_dump(m);
	nxp_corrupt_dump(m);
	nxp_livelock_dump(m);
	nxp_reclaim_dump(m);
	nxp_preds_dump(m);
	nxp_score_dump(m);
}
