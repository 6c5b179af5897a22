// SPDX-License-Identifier: GPL-2.0
/*
 * Threat detection: the probes on what one process does to another or to
 * its own privileges, by a non-root task (effective uid not 0): a ptrace
 * request that writes into the tracee (kprobe arch_ptrace), userfaultfd()
 * (kprobe __x64_sys_userfaultfd) and capset() raising capabilities
 * (kprobe security_capset).  The hook table is in probes.c; the rules of
 * a probe (O(1), no lock, no allocation, no sleep) are the same.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/uidgid.h>
#include "guard.h"

static bool nxg_pp_root(void)
{
	return uid_eq(current_euid(), GLOBAL_ROOT_UID);
}

/* The ptrace requests that write into the tracee, and their names. */
static const char *nxg_poke_name(long request)
{
	switch (request) {
	case PTRACE_POKETEXT:
		return "POKETEXT";
	case PTRACE_POKEDATA:
		return "POKEDATA";
	case PTRACE_POKEUSR:
		return "POKEUSR";
#ifdef PTRACE_SETREGS
	case PTRACE_SETREGS:
		return "SETREGS";
#endif
#ifdef PTRACE_SETFPREGS
	case PTRACE_SETFPREGS:
		return "SETFPREGS";
#endif
	case PTRACE_SETREGSET:
		return "SETREGSET";
	}
	return NULL;
}

/**
 * nxg_poke_pre() - kprobe arch_ptrace(child, request, addr, data)
 * @kp: the kprobe
 * @regs: the registers at entry
 *
 * sys_ptrace() calls arch_ptrace() only once the caller is the tracer of a
 * stopped tracee (ptrace_check_attach() passed): a write request here is
 * a write into another process.
 *
 * Return: 0.
 */
int nxg_poke_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct task_struct *child = (void *)regs_get_kernel_argument(regs, 0);
	long request = regs_get_kernel_argument(regs, 1);
	const char *name = nxg_poke_name(request);
	char what[NXG_WHAT_LEN];

	nxg_shadow_check();
	if (!name || nxg_pp_root())
		return 0;
	snprintf(what, sizeof(what), "%s pid %d", name, task_tgid_nr(child));
	nxg_emit(NXG_V_PTRACE_POKE, NXG_LVL_WARNING, request, what);
	return 0;
}

/**
 * nxg_uffd_pre() - kprobe __x64_sys_userfaultfd(regs)
 * @kp: the kprobe
 * @regs: the registers at entry; the syscall's own are the argument
 *
 * The attempt is reported: the probe runs before the kernel decides
 * whether an unprivileged caller may have one.
 *
 * Return: 0.
 */
int nxg_uffd_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct pt_regs *u = (void *)regs_get_kernel_argument(regs, 0);
	unsigned long flags = regs_get_kernel_argument(u, 0);
	char what[NXG_WHAT_LEN];

	nxg_shadow_check();
	if (nxg_pp_root())
		return 0;
	snprintf(what, sizeof(what), "flags %#lx", flags);
	nxg_emit(NXG_V_USERFAULTFD, NXG_LVL_NOTICE, flags, what);
	return 0;
}

/* Bits of nxg_rec.arg of NXG_V_CAPSET: which set gains a capability. */
enum { NXG_CAP_EFF = 1, NXG_CAP_PERM = 2 };

/**
 * nxg_capset_pre() - kprobe security_capset(new, old, eff, inh, perm)
 * @kp: the kprobe
 * @regs: the registers at entry
 *
 * A requested effective or permitted set holding a capability the old one
 * does not.  The probe runs before cap_capset() decides: a raise beyond
 * the permitted set is reported although the kernel refuses it.
 *
 * Return: 0.
 */
int nxg_capset_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct cred *old = (void *)regs_get_kernel_argument(regs, 1);
	const kernel_cap_t *eff = (void *)regs_get_kernel_argument(regs, 2);
	const kernel_cap_t *perm = (void *)regs_get_kernel_argument(regs, 4);
	unsigned int raised = 0;

	nxg_shadow_check();
	if (nxg_pp_root())
		return 0;
	if (!cap_issubset(*eff, old->cap_effective))
		raised |= NXG_CAP_EFF;
	if (!cap_issubset(*perm, old->cap_permitted))
		raised |= NXG_CAP_PERM;
	if (!raised)
		return 0;
	nxg_emit(NXG_V_CAPSET, NXG_LVL_WARNING, raised,
		 raised == NXG_CAP_EFF ? "effective raised" :
		 raised == NXG_CAP_PERM ? "permitted raised" :
		 "effective permitted raised");
	return 0;
}
