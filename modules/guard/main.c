// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_guard - live security posture, drift and threat detection.
 *
 * A pluggable module (Documentation/module-authors.rst) that runs from the
 * monitoring level up.  Its tick re-evaluates the posture checks every
 * posture_ms (posture.c) and reports drift as findings; it never changes
 * a setting and never panics.  Knobs and counters are in
 * /sys/kernel/nexus/modules/guard/, the check table in
 * /sys/kernel/debug/nexus/guard_posture.  See Documentation/guard.rst.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>
#include <linux/time64.h>
#include <nexus/knob.h>
#include "guard.h"

static u32 nxg_posture_ms = 10000;
static u64 nxg_last_eval_ns;
/* Requests from sysfs stores, carried out by the next tick. */
static unsigned long nxg_requests;
#define NXG_REQ_RESCAN	0
#define NXG_REQ_ACCEPT	1

static struct nexus_knob nxg_posture_ms_knob =
	NEXUS_KNOB(posture_ms, &nxg_posture_ms, 1000, 86400000);
static struct nexus_knob nxg_window_knob =
	NEXUS_KNOB(window_ms, &nxg_window_ms, 1000, 86400000);
static struct nexus_knob nxg_notify_knob =
	NEXUS_KNOB(notify_level, &nxg_notify_level, NXG_LVL_EMERG, NXG_LVL_NONE);

/* The module's ThreatLevel: open drift and the recent events. */
static unsigned int nxg_threat_level(void)
{
	return min(nxg_posture_level(), nxg_threats_level(ktime_get_ns()));
}

/* policy/<vector> and allow/<vector>: each file knows its vector. */
struct nxg_vattr {
	struct kobj_attribute ka;
	unsigned int v;
};

static unsigned int nxg_attr_vector(const struct kobj_attribute *a)
{
	return container_of(a, struct nxg_vattr, ka)->v;
}

static ssize_t nxg_policy_show(struct kobject *kobj, struct kobj_attribute *a,
			       char *buf)
{
	unsigned int v = nxg_attr_vector(a);

	return sysfs_emit(buf, "%s\n", nxg_policy_name(READ_ONCE(nxg_policy[v])));
}

static ssize_t nxg_policy_store(struct kobject *kobj, struct kobj_attribute *a,
				const char *buf, size_t count)
{
	unsigned int v = nxg_attr_vector(a);
	u8 p;

	if (nxg_policy_parse(buf, &p))
		return -EINVAL;
	/*
	 * Drift has no task to kill; a helper is not stopped by a kill, nor
	 * a hidden module's code (its loader is long gone), nor whoever
	 * disarmed the probes (probes_disarmed has no task).
	 */
	if (!nxg_vector_killable(v) && p == NXG_POL_KILL)
		return -EINVAL;
	WRITE_ONCE(nxg_policy[v], p);
	return count;
}

/* allow/module_hidden holds module names, the others comms. */
static ssize_t nxg_allow_show_attr(struct kobject *kobj,
				   struct kobj_attribute *a, char *buf)
{
	unsigned int v = nxg_attr_vector(a);

	if (v == NXG_V_MODHIDE)
		return nxg_modlist_allow_show(buf);
	return nxg_allow_show(v, buf);
}

static ssize_t nxg_allow_store(struct kobject *kobj, struct kobj_attribute *a,
			       const char *buf, size_t count)
{
	unsigned int v = nxg_attr_vector(a);
	int ret = v == NXG_V_MODHIDE ? nxg_modlist_allow_set(buf) :
		  nxg_allow_set(v, buf);

	return ret ? ret : count;
}

#define NXG_VATTR(_v, _name)						\
	static struct nxg_vattr nxg_pol_##_name = { .v = _v, .ka =	\
		__ATTR(_name, 0600, nxg_policy_show, nxg_policy_store) }
#define NXG_AATTR(_v, _name)						\
	static struct nxg_vattr nxg_allow_##_name = { .v = _v, .ka =	\
		__ATTR(_name, 0600, nxg_allow_show_attr, nxg_allow_store) }

NXG_VATTR(NXG_V_MODULE, module_load);
NXG_VATTR(NXG_V_SETUID, setuid_root);
NXG_VATTR(NXG_V_NAMESPACE, namespace);
NXG_VATTR(NXG_V_PTRACE, ptrace_attach);
NXG_VATTR(NXG_V_BPF, bpf_load);
NXG_VATTR(NXG_V_EXEC, exec_suspicious);
NXG_VATTR(NXG_V_SUID_CHMOD, suid_chmod);
NXG_VATTR(NXG_V_ETC_WRITE, etc_write);
NXG_VATTR(NXG_V_DRIFT, posture_drift);
NXG_VATTR(NXG_V_UMH, usermode_helper);
NXG_VATTR(NXG_V_BIN_WRITE, bin_write);
NXG_VATTR(NXG_V_CRED, cred_tamper);
NXG_VATTR(NXG_V_MODHIDE, module_hidden);
NXG_VATTR(NXG_V_PTRACE_POKE, ptrace_poke);
NXG_VATTR(NXG_V_USERFAULTFD, userfaultfd);
NXG_VATTR(NXG_V_CAPSET, capset_raise);
NXG_VATTR(NXG_V_PROBES, probes_disarmed);
NXG_AATTR(NXG_V_MODULE, module_load);
NXG_AATTR(NXG_V_SETUID, setuid_root);
NXG_AATTR(NXG_V_NAMESPACE, namespace);
NXG_AATTR(NXG_V_PTRACE, ptrace_attach);
NXG_AATTR(NXG_V_BPF, bpf_load);
NXG_AATTR(NXG_V_EXEC, exec_suspicious);
NXG_AATTR(NXG_V_SUID_CHMOD, suid_chmod);
NXG_AATTR(NXG_V_ETC_WRITE, etc_write);
NXG_AATTR(NXG_V_UMH, usermode_helper);
NXG_AATTR(NXG_V_BIN_WRITE, bin_write);
NXG_AATTR(NXG_V_CRED, cred_tamper);
NXG_AATTR(NXG_V_MODHIDE, module_hidden);
NXG_AATTR(NXG_V_PTRACE_POKE, ptrace_poke);
NXG_AATTR(NXG_V_USERFAULTFD, userfaultfd);
NXG_AATTR(NXG_V_CAPSET, capset_raise);

static struct attribute *nxg_policy_attrs[] = {
	&nxg_pol_module_load.ka.attr, &nxg_pol_setuid_root.ka.attr,
	&nxg_pol_namespace.ka.attr, &nxg_pol_ptrace_attach.ka.attr,
	&nxg_pol_bpf_load.ka.attr, &nxg_pol_exec_suspicious.ka.attr,
	&nxg_pol_suid_chmod.ka.attr, &nxg_pol_etc_write.ka.attr,
	&nxg_pol_posture_drift.ka.attr, &nxg_pol_usermode_helper.ka.attr,
	&nxg_pol_bin_write.ka.attr, &nxg_pol_cred_tamper.ka.attr,
	&nxg_pol_module_hidden.ka.attr, &nxg_pol_ptrace_poke.ka.attr,
	&nxg_pol_userfaultfd.ka.attr, &nxg_pol_capset_raise.ka.attr,
	&nxg_pol_probes_disarmed.ka.attr, NULL,
};

static struct attribute *nxg_allow_attrs[] = {
	&nxg_allow_module_load.ka.attr, &nxg_allow_setuid_root.ka.attr,
	&nxg_allow_namespace.ka.attr, &nxg_allow_ptrace_attach.ka.attr,
	&nxg_allow_bpf_load.ka.attr, &nxg_allow_exec_suspicious.ka.attr,
	&nxg_allow_suid_chmod.ka.attr, &nxg_allow_etc_write.ka.attr,
	&nxg_allow_usermode_helper.ka.attr, &nxg_allow_bin_write.ka.attr,
	&nxg_allow_cred_tamper.ka.attr, &nxg_allow_module_hidden.ka.attr,
	&nxg_allow_ptrace_poke.ka.attr, &nxg_allow_userfaultfd.ka.attr,
	&nxg_allow_capset_raise.ka.attr, NULL,
};

static ssize_t nxg_umh_paths_show(struct kobject *kobj,
				  struct kobj_attribute *a, char *buf)
{
	return nxg_umh_show(buf);
}

static ssize_t nxg_umh_paths_store(struct kobject *kobj,
				   struct kobj_attribute *a, const char *buf,
				   size_t count)
{
	int ret = nxg_umh_set(buf);

	return ret ? ret : count;
}

static const struct attribute_group nxg_policy_group = {
	.name = "policy",
	.attrs = nxg_policy_attrs,
};

static const struct attribute_group nxg_allow_group = {
	.name = "allow",
	.attrs = nxg_allow_attrs,
};

static ssize_t nxg_request_store(struct kobject *kobj,
				 struct kobj_attribute *a, const char *buf,
				 size_t count)
{
	u32 v;

	if (kstrtou32(buf, 0, &v) || v != 1)
		return -EINVAL;
	set_bit(strcmp(a->attr.name, "accept") ? NXG_REQ_RESCAN :
		NXG_REQ_ACCEPT, &nxg_requests);
	return count;
}

static ssize_t nxg_value_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	const char *n = a->attr.name;

	if (!strcmp(n, "posture_score"))
		return sysfs_emit(buf, "%u\n", nxg_posture_score());
	if (!strcmp(n, "threat_level"))
		return sysfs_emit(buf, "%u\n", nxg_threat_level());
	if (!strcmp(n, "probes_armed"))
		return sysfs_emit(buf, "%d\n", nxg_selfcheck_armed());
	if (!strcmp(n, "drifts"))
		return sysfs_emit(buf, "%llu\n", READ_ONCE(nxg_stats.drifts));
	return sysfs_emit(buf, "%llu\n", READ_ONCE(nxg_stats.evals));
}

static struct kobj_attribute nxg_rescan_attr =
	__ATTR(rescan, 0200, NULL, nxg_request_store);
static struct kobj_attribute nxg_accept_attr =
	__ATTR(accept, 0200, NULL, nxg_request_store);
static struct kobj_attribute nxg_score_attr =
	__ATTR(posture_score, 0444, nxg_value_show, NULL);
static struct kobj_attribute nxg_level_attr =
	__ATTR(threat_level, 0444, nxg_value_show, NULL);
static struct kobj_attribute nxg_evals_attr =
	__ATTR(evaluations, 0444, nxg_value_show, NULL);
static struct kobj_attribute nxg_drifts_attr =
	__ATTR(drifts, 0444, nxg_value_show, NULL);
static struct kobj_attribute nxg_armed_attr =
	__ATTR(probes_armed, 0444, nxg_value_show, NULL);
static struct kobj_attribute nxg_umh_paths_attr =
	__ATTR(umh_paths, 0600, nxg_umh_paths_show, nxg_umh_paths_store);

static struct attribute *nxg_attrs[] = {
	&nxg_posture_ms_knob.attr.attr,
	&nxg_window_knob.attr.attr,
	&nxg_notify_knob.attr.attr,
	&nxg_rescan_attr.attr,
	&nxg_accept_attr.attr,
	&nxg_score_attr.attr,
	&nxg_level_attr.attr,
	&nxg_evals_attr.attr,
	&nxg_drifts_attr.attr,
	&nxg_armed_attr.attr,
	&nxg_umh_paths_attr.attr,
	NULL,
};

static const struct attribute_group nxg_group = {
	.attrs = nxg_attrs,
};

static const struct attribute_group *nxg_groups[] = {
	&nxg_group,
	&nxg_policy_group,
	&nxg_allow_group,
	NULL,
};

/*
 * Checks evaluated per tick: a cycle of ~75 checks takes ~38 ticks.  Each
 * check is a file read; at 8 a tick the cycle's bursts alone pushed the
 * engine past its CPU budget under TCG.
 */
#define NXG_CHECKS_PER_TICK	2

static void nxg_tick(u64 now_ns)
{
	u64 period = (u64)READ_ONCE(nxg_posture_ms) * NSEC_PER_MSEC;
	static bool cycle;

	nxg_threats_tick(now_ns);
	if (test_and_clear_bit(NXG_REQ_ACCEPT, &nxg_requests)) {
		nxg_posture_accept();
		set_bit(NXG_REQ_RESCAN, &nxg_requests);
	}
	/* A rescan restarts a running cycle: it must see what came before. */
	if (test_and_clear_bit(NXG_REQ_RESCAN, &nxg_requests) ||
	    (!cycle && now_ns - nxg_last_eval_ns >= period)) {
		/* A /boot mounted since, say, is watched from now on. */
		nxg_paths_refresh();
		nxg_posture_start();
		nxg_last_eval_ns = now_ns;
		cycle = true;
	}
	if (cycle && nxg_posture_step(true, NXG_CHECKS_PER_TICK))
		cycle = false;
}

static void nxg_dump(struct seq_file *m)
{
	unsigned int level = nxg_threat_level();

	seq_printf(m, "threat_level %u %s\nposture_score %u\n", level,
		   nxg_level_name(level), nxg_posture_score());
	seq_printf(m, "evaluations %llu\ndrifts %llu\ndrifts_cleared %llu\n",
		   nxg_stats.evals, nxg_stats.drifts, nxg_stats.drifts_cleared);
}

static int nxg_init(void)
{
	int ret = nxg_posture_init();

	if (ret)
		return ret;
	nxg_last_eval_ns = ktime_get_ns();
	return nxg_threats_init();
}

static void nxg_exit(void)
{
	/* What guard reported must not stay open once nobody watches. */
	nxg_posture_accept();
	nxg_modlist_resolve();
	nxg_selfcheck_resolve();
	nxg_posture_exit();
}

const struct nexus_module_ops nxg_ops = {
	.name = "guard",
	.abi_version = NEXUS_MODULE_ABI,
	.owner = THIS_MODULE,
	.min_level = NEXUS_LEVEL_MONITORING,
	.priority = 8,
	.init = nxg_init,
	.exit = nxg_exit,
	.tick = nxg_tick,
	.dump = nxg_dump,
	.groups = nxg_groups,
	.record_kinds = NEXUS_REC_MASK(NEXUS_REC_POSTURE),
	.read_records = nxg_read_records,
};

static int __init nxg_mod_init(void)
{
	/* The rings exist before the tick that drains them can run. */
	int ret = nxg_probes_init();

	if (ret)
		return ret;
	/* The record of modules is complete before the first tick. */
	nxg_modlist_init();
	ret = nexus_register_module(&nxg_ops);
	if (ret)
		goto err_probes;
	ret = nexus_debugfs_create(&nxg_ops, "guard_posture", nxg_posture_show);
	if (!ret)
		ret = nexus_debugfs_create(&nxg_ops, "guard_threats",
					   nxg_threats_show);
	if (ret)
		goto err_reg;
	return 0;
err_reg:
	nexus_unregister_module(&nxg_ops);
err_probes:
	nxg_modlist_exit();
	nxg_probes_exit();
	return ret;
}

static void __exit nxg_mod_exit(void)
{
	/* No tick after this; the probes only write their rings. */
	nexus_unregister_module(&nxg_ops);
	nxg_modlist_exit();
	nxg_probes_exit();
}

module_init(nxg_mod_init);
module_exit(nxg_mod_exit);
MODULE_DESCRIPTION("NEXUS guard: live security posture and threat detection");
MODULE_LICENSE("GPL");
