// SPDX-License-Identifier: GPL-2.0
/*
 * Self-check: are guard's own kprobes still armed?  A probe that no longer
 * fires is a blind spot an attacker with root would like to open quietly.
 * Two ways a kprobe stops firing while still registered:
 *
 * - disable_kprobe() of one probe: its KPROBE_FLAG_DISABLED is set, which
 *   kprobe_disabled() reads (nxg_probes_disabled() in probes.c);
 * - a global disarm (debugfs kprobes/enabled = 0, disarm_all_kprobes()):
 *   the probes' flags stay as they were, so a canary kprobe on a function
 *   of guard's own, nxg_canary(), which the tick calls once a second and
 *   expects to see fire.
 *
 * Either one raises a probes_disarmed event at alert, once per disarming;
 * the finding is resolved when every probe is armed again.  From the tick,
 * with the tick's serialisation.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/time64.h>
#include "guard.h"

#define NXG_SC_PERIOD_NS	NSEC_PER_SEC
/* Consecutive checks without the canary firing before it counts. */
#define NXG_SC_STREAK		2

static atomic_long_t nxg_canary_hits;
static unsigned long nxg_canary_calls;
static struct kprobe nxg_canary_kp;
static bool nxg_canary_on;

static struct {
	u64 last_ns;
	u64 checks;
	u64 disarmings;
	u64 finding;
	unsigned int streak;
	bool disarmed;
	char what[NXG_WHAT_LEN];
} nxg_sc;

/* Called by the tick only; the write keeps the call from being elided. */
static noinline void nxg_canary(void)
{
	WRITE_ONCE(nxg_canary_calls, nxg_canary_calls + 1);
}

static int nxg_canary_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&nxg_canary_hits);
	return 0;
}

/**
 * nxg_selfcheck_init() - register the canary kprobe
 *
 * A canary that cannot be registered leaves the per-probe check only
 * (shown as "canary unavailable").  Process context.
 *
 * Return: 0.
 */
int nxg_selfcheck_init(void)
{
	int err;

	nxg_canary_kp = (struct kprobe){
		.addr = (kprobe_opcode_t *)nxg_canary,
		.pre_handler = nxg_canary_pre,
	};
	err = register_kprobe(&nxg_canary_kp);
	nxg_canary_on = !err;
	if (err)
		pr_info("canary kprobe not registered: %pe\n", ERR_PTR(err));
	return 0;
}

/**
 * nxg_selfcheck_exit() - unregister the canary
 */
void nxg_selfcheck_exit(void)
{
	if (nxg_canary_on)
		unregister_kprobe(&nxg_canary_kp);
	nxg_canary_on = false;
}

/* Did the canary fire (or was it at least hit, and missed)? */
static bool nxg_canary_fires(void)
{
	long hits = atomic_long_read(&nxg_canary_hits);
	unsigned long missed = READ_ONCE(nxg_canary_kp.nmissed);

	nxg_canary();
	return atomic_long_read(&nxg_canary_hits) != hits ||
	       READ_ONCE(nxg_canary_kp.nmissed) != missed;
}

/**
 * nxg_selfcheck() - check that guard's kprobes are armed
 * @now_ns: the tick's time
 *
 * From the tick, once every NXG_SC_PERIOD_NS.
 */
void nxg_selfcheck(u64 now_ns)
{
	const char *first = NULL;
	unsigned int n;
	bool disarmed;

	if (now_ns - nxg_sc.last_ns < NXG_SC_PERIOD_NS)
		return;
	nxg_sc.last_ns = now_ns;
	nxg_sc.checks++;
	if (nxg_canary_on && !nxg_canary_fires())
		nxg_sc.streak++;
	else
		nxg_sc.streak = 0;
	n = nxg_probes_disabled(&first);
	disarmed = n || nxg_sc.streak >= NXG_SC_STREAK;
	if (disarmed && !nxg_sc.disarmed) {
		struct nxg_rec r = {
			.ts_ns = now_ns,
			.vector = NXG_V_PROBES,
			.level = NXG_LVL_ALERT,
			.comm = "-",
			.arg = n,
		};

		if (n)
			snprintf(r.what, sizeof(r.what), "%s", first);
		else
			strscpy(r.what, "all kprobes (canary)", sizeof(r.what));
		strscpy(nxg_sc.what, r.what, sizeof(nxg_sc.what));
		nxg_sc.disarmings++;
		nxg_sc.finding = nxg_threat_raise(&r, now_ns);
		pr_warn("kprobes disarmed: %s\n", r.what);
	} else if (!disarmed && nxg_sc.disarmed) {
		nxg_selfcheck_resolve();
	}
	nxg_sc.disarmed = disarmed;
}

/**
 * nxg_selfcheck_resolve() - resolve an open probes_disarmed finding
 *
 * From the tick (armed again) and guard's exit.
 */
void nxg_selfcheck_resolve(void)
{
	if (nxg_sc.finding)
		nxg_threat_resolve(NXG_V_PROBES, nxg_sc.finding, nxg_sc.what,
				   "armed again");
	nxg_sc.finding = 0;
}

/**
 * nxg_selfcheck_armed() - for sysfs probes_armed
 *
 * Return: false while the last check found a probe disarmed.
 */
bool nxg_selfcheck_armed(void)
{
	return !READ_ONCE(nxg_sc.disarmed);
}

/**
 * nxg_selfcheck_dump() - the self-check's line of guard_threats
 * @m: the seq_file
 */
void nxg_selfcheck_dump(struct seq_file *m)
{
	seq_printf(m, "# selfcheck canary %s hits %ld checks %llu disarmings %llu state %s\n",
		   nxg_canary_on ? "armed" : "unavailable",
		   atomic_long_read(&nxg_canary_hits), nxg_sc.checks,
		   nxg_sc.disarmings, nxg_sc.disarmed ? "disarmed" : "armed");
}
