// SPDX-License-Identifier: GPL-2.0
/*
 * Threat events, the tick's side: drain the probes' rings, raise each
 * event's ThreatLevel one step when the posture leaves its door open (the
 * check that would have closed the vector fails), apply the vector's
 * policy (every event a finding, or a few per 10 s, or the kill the probe
 * could not do itself), keep the recent events for debugfs, and compute
 * the module's ThreatLevel over a window.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/time64.h>
#include "guard.h"

u32 nxg_window_ms = 60000;
u32 nxg_notify_level = NXG_LVL_ERR;

/* The posture check that closes each vector's door, if any. */
static const char * const nxg_door_names[NXG_V_COUNT] = {
	[NXG_V_MODULE] = "module.sig_enforce",
	[NXG_V_NAMESPACE] = "user.max_user_namespaces",
	[NXG_V_PTRACE] = "kernel.yama.ptrace_scope",
	[NXG_V_BPF] = "kernel.unprivileged_bpf_disabled",
	[NXG_V_PTRACE_POKE] = "kernel.yama.ptrace_scope",
	[NXG_V_USERFAULTFD] = "vm.unprivileged_userfaultfd",
};

static int nxg_door[NXG_V_COUNT];

enum { NXG_ACT_LOGGED, NXG_ACT_SUPPRESSED, NXG_ACT_KILLED };
static const char * const nxg_act_names[] = { "logged", "suppressed", "killed" };

struct nxg_event {
	u64 seq;
	struct nxg_rec r;
	u8 door_open;
	u8 action;
	u64 finding;
};

#define NXG_EVENTS	128
#define NXG_RL_BURST	5
#define NXG_RL_NS	(10 * NSEC_PER_SEC)
#define NXG_DRAIN	64

static struct nxg_event nxg_events[NXG_EVENTS];
static u64 nxg_event_seq;
static struct nxg_rec nxg_drain_buf[NXG_DRAIN];

static struct {
	u64 events;
	u64 findings;
	u64 suppressed;
	u64 killed;
	u64 rl_start;
	unsigned int rl_count;
} nxg_vs[NXG_V_COUNT];

static bool nxg_rl_ok(unsigned int v, u64 now)
{
	if (now - nxg_vs[v].rl_start >= NXG_RL_NS) {
		nxg_vs[v].rl_start = now;
		nxg_vs[v].rl_count = 0;
	}
	return nxg_vs[v].rl_count++ < NXG_RL_BURST;
}

static struct nxg_event *nxg_event_add(const struct nxg_rec *r)
{
	struct nxg_event *e = &nxg_events[++nxg_event_seq % NXG_EVENTS];

	memset(e, 0, sizeof(*e));
	e->seq = nxg_event_seq;
	e->r = *r;
	nxg_vs[r->vector].events++;
	return e;
}

/**
 * nxg_threat_record() - log an event that already has its finding (drift)
 * @r: the event, level final
 * @finding: its finding id
 */
void nxg_threat_record(const struct nxg_rec *r, u64 finding)
{
	struct nxg_event *e = nxg_event_add(r);

	e->finding = finding;
	nxg_vs[r->vector].findings++;
}

static void nxg_publish(struct nxg_event *e)
{
	const struct nxg_rec *r = &e->r;
	struct nexus_finding f = {
		.class = NEXUS_FINDING_ANOMALY,
		.kind = 1 + r->vector,
		.confidence = 1000,
		.action = NEXUS_ACTION_ALERT,
		.flags = NEXUS_FINDING_ACTIVE,
		.metric = -1,
		.value = r->arg,
	};

	if (r->level <= READ_ONCE(nxg_notify_level))
		f.flags |= NEXUS_FINDING_NOTIFY;
	/* A tick's event has no task: the component is what it is about. */
	if (nxg_vector_has_task(r->vector))
		snprintf(f.component, sizeof(f.component), "pid %u (%s)",
			 r->pid, r->comm);
	else
		strscpy(f.component, r->what, sizeof(f.component));
	snprintf(f.detail, sizeof(f.detail), "threat %s level %s: %s uid %u%s%s",
		 nxg_vector_name(r->vector), nxg_level_name(r->level), r->what,
		 r->uid, e->door_open ? " door open" : "",
		 e->action == NXG_ACT_KILLED ? " killed" : "");
	e->finding = nexus_finding_publish(&nxg_ops, &f);
	nxg_vs[r->vector].findings++;
}

/**
 * nxg_threats_tick() - drain the probes and act on their events
 * @now_ns: the tick's time
 */
void nxg_threats_tick(u64 now_ns)
{
	unsigned int n, i;

	nxg_modlist_check(now_ns);
	nxg_selfcheck(now_ns);
	do {
		n = nxg_probes_drain(nxg_drain_buf, NXG_DRAIN);
		for (i = 0; i < n; i++)
			nxg_threat_raise(&nxg_drain_buf[i], now_ns);
	} while (n == NXG_DRAIN && nexus_work_charge(n));
}

/**
 * nxg_threat_raise() - act on one event: door, policy, finding
 * @r: the event, its level the base one (raised here if the door is open)
 * @now_ns: the tick's time
 *
 * From the tick: the drained probe records, and the events the tick finds
 * itself (module_hidden, probes_disarmed).
 *
 * Return: the event's finding id, 0 if the policy suppressed it.
 */
u64 nxg_threat_raise(struct nxg_rec *r, u64 now_ns)
{
	unsigned int v = r->vector;
	struct nxg_event *e;
	bool open = nxg_door[v] >= 0 &&
		nxg_states[nxg_door[v]].result == NXG_RES_FAIL;

	if (open && r->level > NXG_LVL_EMERG)
		r->level--;
	e = nxg_event_add(r);
	e->door_open = open;
	if (r->killed == 2)
		nxg_kill_pid(r->pid);
	if (r->killed) {
		e->action = NXG_ACT_KILLED;
		nxg_vs[v].killed++;
	} else if (READ_ONCE(nxg_policy[v]) == NXG_POL_RATELIMIT &&
		   !nxg_rl_ok(v, now_ns)) {
		e->action = NXG_ACT_SUPPRESSED;
		nxg_vs[v].suppressed++;
		return 0;
	}
	nxg_publish(e);
	return e->finding;
}

/**
 * nxg_threat_resolve() - resolve an open finding of a tick's event
 * @v: enum nxg_vector
 * @id: the finding
 * @what: what it was about (the component)
 * @why: why it is over
 */
void nxg_threat_resolve(unsigned int v, u64 id, const char *what,
			const char *why)
{
	struct nexus_finding f = {
		.class = NEXUS_FINDING_ANOMALY,
		.kind = 1 + v,
		.confidence = 1000,
		.action = NEXUS_ACTION_ALERT,
		.flags = NEXUS_FINDING_RESOLVED,
		.metric = -1,
		.id = id,
	};

	strscpy(f.component, what, sizeof(f.component));
	snprintf(f.detail, sizeof(f.detail), "threat %s %s: %s",
		 nxg_vector_name(v), why, what);
	nexus_finding_publish(&nxg_ops, &f);
}

/**
 * nxg_threats_level() - the most severe level of the recent events
 * @now_ns: now
 *
 * Return: enum nxg_level over the last window_ms, NXG_LVL_NONE if none.
 */
unsigned int nxg_threats_level(u64 now_ns)
{
	u64 win = (u64)READ_ONCE(nxg_window_ms) * NSEC_PER_MSEC;
	unsigned int i, level = NXG_LVL_NONE;

	for (i = 0; i < NXG_EVENTS; i++) {
		const struct nxg_event *e = &nxg_events[i];

		if (!e->seq || e->r.vector == NXG_V_DRIFT ||
		    now_ns - e->r.ts_ns > win)
			continue;
		level = min_t(unsigned int, level, e->r.level);
	}
	return level;
}

/**
 * nxg_threats_show() - debugfs nexus/guard_threats: hooks, counters and
 * the recent events, oldest first
 * @m: the seq_file
 * @unused: unused
 *
 * Return: 0.
 */
int nxg_threats_show(struct seq_file *m, void *unused)
{
	u64 seq, first;
	unsigned int v;

	nxg_probes_dump(m);
	nxg_modlist_dump(m);
	for (v = 0; v < NXG_V_COUNT; v++)
		seq_printf(m, "# vector %s policy %s events %llu findings %llu suppressed %llu killed %llu\n",
			   nxg_vector_name(v), nxg_policy_name(nxg_policy[v]),
			   nxg_vs[v].events, nxg_vs[v].findings,
			   nxg_vs[v].suppressed, nxg_vs[v].killed);
	seq_puts(m, "# seq\tts_ms\tvector\tlevel\tpid\tcomm\tuid\twhat\tdoor\taction\tfinding\n");
	first = nxg_event_seq > NXG_EVENTS ? nxg_event_seq - NXG_EVENTS + 1 : 1;
	for (seq = first; seq <= nxg_event_seq; seq++) {
		const struct nxg_event *e = &nxg_events[seq % NXG_EVENTS];
		const struct nxg_rec *r = &e->r;

		seq_printf(m, "%llu\t%llu\t%s\t%u\t%u\t%s\t%u\t%s\t%s\t%s\t%llu\n",
			   e->seq, r->ts_ns / NSEC_PER_MSEC,
			   nxg_vector_name(r->vector), r->level, r->pid,
			   r->comm, r->uid, r->what,
			   e->door_open ? "open" : "closed",
			   nxg_act_names[e->action], e->finding);
	}
	return 0;
}

/**
 * nxg_threats_init() - find each vector's door among the posture checks
 *
 * Return: 0.
 */
int nxg_threats_init(void)
{
	unsigned int v, i;

	for (v = 0; v < NXG_V_COUNT; v++) {
		nxg_door[v] = -1;
		for (i = 0; nxg_door_names[v] && i < nxg_nr_checks; i++)
			if (!strcmp(nxg_checks[i].name, nxg_door_names[v]))
				nxg_door[v] = i;
	}
	return 0;
}
