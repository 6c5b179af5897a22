// SPDX-License-Identifier: GPL-2.0
/*
 * Crash predictions: a program that keeps dying of a crash signal
 * (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL) is crash-looping; its next
 * crash is predicted from the intervals between the last ones.
 *
 * The core's NEXUS_EV_EXIT events carry no comm, and reach us a tick
 * later, when the dead task is usually reaped: too late to learn which
 * program it was.  So this module has its own probe on
 * sched_process_exit: for a thread-group leader whose exit code is a
 * crash signal it writes (tgid, parent, signal, comm, time) into a ring of
 * NXP_EXITS slots claimed with one atomic increment, each slot guarded by
 * its sequence number (O(1), lock-free, no allocation).  The tick reads
 * the new slots.
 *
 * A program is its comm (a restarted program keeps its name, not its
 * pid).  NXP_CRASHERS programs are followed, each with its last
 * NXP_CRASH_HIST crash times; the least recently crashed is replaced.
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "predict.h"

#define NXP_EXITS	32
#define NXP_CRASHERS	8
#define NXP_CRASH_HIST	8
/* crashes of one program before it is a crash loop */
#define NXP_CRASH_MIN	3

/**
 * struct nxp_exit_rec - one crash exit, written by the probe.
 * @seq: the claim number that wrote it, 0 while it is written.
 * @tgid: the process.
 * @ppid: its parent's tgid.
 * @sig: the signal it died of.
 * @ts_ns: when (ktime_get_ns()).
 * @comm: its name.
 */
struct nxp_exit_rec {
	u32 seq;
	pid_t tgid, ppid;
	u32 sig;
	u64 ts_ns;
	char comm[TASK_COMM_LEN];
};

/**
 * struct nxp_crasher - one program seen crashing.
 * @key: the prediction key (a hash of @comm, > 0).
 * @comm: its name.
 * @pid: the last process that crashed.
 * @sig: the signal it died of.
 * @n: crash times held in @t, at most NXP_CRASH_HIST.
 * @total: crashes seen.
 * @t: crash times, ms, oldest first.
 */
struct nxp_crasher {
	s32 key;
	char comm[TASK_COMM_LEN];
	pid_t pid;
	u32 sig;
	u32 n;
	u64 total;
	u64 t[NXP_CRASH_HIST];
};

static struct nxp_exit_rec nxp_exits[NXP_EXITS];
static atomic_t nxp_exit_head = ATOMIC_INIT(0);
static u32 nxp_exit_tail;
static u64 nxp_exits_lost;
static struct nxp_crasher nxp_crashers[NXP_CRASHERS];
static struct tracepoint *nxp_exit_tp;

static bool nxp_crash_sig(u32 sig)
{
	return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS ||
	       sig == SIGFPE || sig == SIGILL;
}

static void nxp_probe_exit(void *data, struct task_struct *p)
{
	/* a signal death: the signal, 0x80 if it dumped core */
	u32 sig = READ_ONCE(p->exit_code) & 0x7f, seq;
	struct nxp_exit_rec *r;

	if (!nxp_crash_sig(sig) || !thread_group_leader(p) ||
	    (p->flags & PF_KTHREAD))
		return;
	seq = (u32)atomic_inc_return(&nxp_exit_head);
	if (!seq)	/* wrapped: 0 means "being written" */
		seq = (u32)atomic_inc_return(&nxp_exit_head);
	r = &nxp_exits[seq % NXP_EXITS];
	WRITE_ONCE(r->seq, 0);
	smp_wmb();	/* seq 0 before the fields */
	r->tgid = p->tgid;
	rcu_read_lock();
	r->ppid = rcu_dereference(p->real_parent)->tgid;
	rcu_read_unlock();
	r->sig = sig;
	r->ts_ns = ktime_get_ns();
	memcpy(r->comm, p->comm, sizeof(r->comm));
	r->comm[TASK_COMM_LEN - 1] = '\0';
	smp_wmb();	/* the fields before the final seq */
	WRITE_ONCE(r->seq, seq);
}

static void nxp_tp_find(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		nxp_exit_tp = tp;
}

/**
 * nxp_crashloop_init() - attach the exit probe
 *
 * Return: 0, -ENOENT without the tracepoint, or the error of
 * tracepoint_probe_register().
 */
int nxp_crashloop_init(void)
{
	int ret;

	memset(nxp_crashers, 0, sizeof(nxp_crashers));
	memset(nxp_exits, 0, sizeof(nxp_exits));
	atomic_set(&nxp_exit_head, 0);
	nxp_exit_tail = 0;
	nxp_exits_lost = 0;
	nxp_exit_tp = NULL;
	for_each_kernel_tracepoint(nxp_tp_find, NULL);
	if (!nxp_exit_tp)
		return -ENOENT;
	ret = tracepoint_probe_register(nxp_exit_tp, nxp_probe_exit, NULL);
	if (ret)
		nxp_exit_tp = NULL;
	return ret;
}

/**
 * nxp_crashloop_exit() - detach the exit probe and wait until it has run
 */
void nxp_crashloop_exit(void)
{
	if (!nxp_exit_tp)
		return;
	WARN_ON_ONCE(tracepoint_probe_unregister(nxp_exit_tp, nxp_probe_exit,
						 NULL));
	tracepoint_synchronize_unregister();
	nxp_exit_tp = NULL;
}

static struct nxp_crasher *nxp_crasher_get(const char *comm)
{
	struct nxp_crasher *c, *old = NULL;
	unsigned int i;

	for (i = 0; i < NXP_CRASHERS; i++) {
		c = &nxp_crashers[i];
		if (c->key && !strcmp(c->comm, comm))
			return c;
		if (!old || !c->key ||
		    (old->key && c->t[c->n - 1] < old->t[old->n - 1]))
			old = c;
	}
	memset(old, 0, sizeof(*old));
	strscpy(old->comm, comm, sizeof(old->comm));
	old->key = (jhash(comm, strnlen(comm, TASK_COMM_LEN), 0) &
		    0x3fffffff) | 1;
	return old;
}

/*
 * One crash: it confirms the Crash prediction of its program (which
 * announced it) and, for SIGSEGV/SIGBUS, a StackOverflow predicted for
 * that process; then it joins the program's history.
 */
static void nxp_crash_seen(const struct nxp_exit_rec *r)
{
	struct nxp_crasher *c = nxp_crasher_get(r->comm);

	nxp_failure(NEXUS_PRED_CRASH, c->key, false, r->ts_ns);
	if (r->sig == SIGSEGV || r->sig == SIGBUS)
		nxp_failure(NEXUS_PRED_STACK_OVERFLOW, r->tgid, false,
			    r->ts_ns);
	if (c->n == NXP_CRASH_HIST) {
		memmove(c->t, c->t + 1, (NXP_CRASH_HIST - 1) * sizeof(c->t[0]));
		c->n--;
	}
	c->t[c->n++] = nxp_ms(r->ts_ns);
	c->total++;
	c->pid = r->tgid;
	c->sig = r->sig;
}

/* Read what the probe wrote since the last tick. */
static void nxp_exits_drain(void)
{
	u32 head = (u32)atomic_read(&nxp_exit_head);

	if (head - nxp_exit_tail > NXP_EXITS) {
		nxp_exits_lost += head - nxp_exit_tail - NXP_EXITS;
		nxp_exit_tail = head - NXP_EXITS;
	}
	while (nxp_exit_tail != head) {
		u32 want = nxp_exit_tail + 1;
		struct nxp_exit_rec *r = &nxp_exits[want % NXP_EXITS];
		struct nxp_exit_rec copy;

		if (!want) {	/* the probe skips claim 0 */
			nxp_exit_tail = want;
			continue;
		}
		if (READ_ONCE(r->seq) != want) {
			/* being written: next tick, unless overwritten */
			if (head - want < NXP_EXITS / 2)
				break;
			nxp_exits_lost++;
			nxp_exit_tail = want;
			continue;
		}
		smp_rmb();	/* seq before the fields */
		copy = *r;
		smp_rmb();	/* the fields before seq again */
		nxp_exit_tail = want;
		if (READ_ONCE(r->seq) != want) {
			nxp_exits_lost++;
			continue;
		}
		nxp_crash_seen(&copy);
	}
}

/*
 * Crash: a program with NXP_CRASH_MIN crashes or more, the last within
 * three of its mean intervals, is crash-looping; its next crash is due one
 * mean interval after the last.  Confidence: 300, plus 400 for regular
 * intervals (less the mean absolute deviation, relative to the mean), plus
 * up to 300 as crashes add up (full at NXP_CRASH_MIN + 4).
 */
static void nxp_detect_crashes(u64 now,
			       const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN], detail[NEXUS_REASON_LEN];
	u64 now_ms = nxp_ms(now);
	unsigned int i, j;

	for (i = 0; i < NXP_CRASHERS; i++) {
		struct nxp_crasher *c = &nxp_crashers[i];
		u64 mean, dev = 0, last, next, ttf;
		u32 conf, reg;

		if (!c->key || c->n < NXP_CRASH_MIN)
			continue;
		last = c->t[c->n - 1];
		mean = div_u64(last - c->t[0], c->n - 1);
		if (!mean)
			mean = 1;
		/* it stopped: no crash in three mean intervals */
		if (now_ms > last + 3 * mean + 1000)
			continue;
		for (j = 1; j < c->n; j++) {
			u64 d = c->t[j] - c->t[j - 1];

			dev += d > mean ? d - mean : mean - d;
		}
		dev = div_u64(dev, c->n - 1);
		reg = dev >= mean ? 0 : 1000 - div64_u64(dev * 1000, mean);
		conf = 300 + reg * 4 / 10 +
		       300 * min_t(u64, c->total - NXP_CRASH_MIN + 1, 4) / 4;
		next = last + mean;
		ttf = next > now_ms ? next - now_ms : 0;
		snprintf(comp, sizeof(comp), "pid %d (%s)", c->pid, c->comm);
		snprintf(detail, sizeof(detail),
			 "%llu crashes (signal %u), every %llu ms +/- %llu",
			 c->total, c->sig, mean, dev);
		nxp_report(NEXUS_PRED_CRASH, c->key, conf, ttf, -1, c->total,
			   comp, detail, now, cfg);
	}
}

/**
 * nxp_crashloop_tick() - take the new crashes and predict the next ones
 * @now_ns: monotonic time
 * @cfg: the prediction config in force
 */
void nxp_crashloop_tick(u64 now_ns, const struct nexus_prediction_params *cfg)
{
	nxp_exits_drain();
	nxp_detect_crashes(now_ns, cfg);
}

/**
 * nxp_crashloop_dump() - the programs seen crashing
 * @m: seq_file
 */
void nxp_crashloop_dump(struct seq_file *m)
{
	unsigned int i;

	seq_printf(m, "# crashes: probe %s, lost %llu\n",
		   nxp_exit_tp ? "attached" : "absent", nxp_exits_lost);
	for (i = 0; i < NXP_CRASHERS; i++) {
		const struct nxp_crasher *c = &nxp_crashers[i];

		if (c->key)
			seq_printf(m, "# crashed: %s %llu times, last pid %d signal %u\n",
				   c->comm, c->total, c->pid, c->sig);
	}
}
