// SPDX-License-Identifier: GPL-2.0
/*
 * Threat detection: the probes.  A module cannot register LSM hooks, so
 * each AttackVector is watched where the kernel offers a hook to modules:
 * the module notifier, the sched_process_exec tracepoint, and kprobes on
 * functions every path of the vector goes through (commit_creds,
 * ksys_unshare, setns, security_ptrace_access_check, bpf_check,
 * notify_change, security_file_open, call_usermodehelper_exec in umh.c,
 * arch_ptrace, __x64_sys_userfaultfd and security_capset in procprobes.c).
 * A probe that cannot be installed on this kernel is reported, not fatal.
 *
 * A probe does O(1) work: it filters, checks the vector's allow-list (an
 * RCU-protected array of at most NXG_ALLOW_MAX comms) and writes one
 * record into this CPU's ring, with interrupts off and no lock, no
 * allocation, no sleep.  The engine tick drains the rings (threats.c).
 * The one exception is the kill policy, off by default: it sends SIGKILL
 * to the offender from the probe (taking its signal lock, as
 * bpf_send_signal() does), or, when interrupts are off there, leaves it
 * to the tick.
 */
#define pr_fmt(fmt) "nexus_guard: " fmt

#include <linux/kernel.h>
#include <linux/binfmts.h>
#include <linux/bpf.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uidgid.h>
#include "guard.h"

static const char * const nxg_vector_names[NXG_V_COUNT] = {
	[NXG_V_MODULE] = "module_load",
	[NXG_V_SETUID] = "setuid_root",
	[NXG_V_NAMESPACE] = "namespace",
	[NXG_V_PTRACE] = "ptrace_attach",
	[NXG_V_BPF] = "bpf_load",
	[NXG_V_EXEC] = "exec_suspicious",
	[NXG_V_SUID_CHMOD] = "suid_chmod",
	[NXG_V_ETC_WRITE] = "etc_write",
	[NXG_V_DRIFT] = "posture_drift",
	[NXG_V_UMH] = "usermode_helper",
	[NXG_V_BIN_WRITE] = "bin_write",
	[NXG_V_CRED] = "cred_tamper",
	[NXG_V_MODHIDE] = "module_hidden",
	[NXG_V_PTRACE_POKE] = "ptrace_poke",
	[NXG_V_USERFAULTFD] = "userfaultfd",
	[NXG_V_CAPSET] = "capset_raise",
	[NXG_V_PROBES] = "probes_disarmed",
};

/**
 * nxg_vector_name() - the name of an AttackVector
 * @v: enum nxg_vector
 *
 * Return: the name, "?" out of range.
 */
const char *nxg_vector_name(unsigned int v)
{
	return v < NXG_V_COUNT ? nxg_vector_names[v] : "?";
}

/* ---- policy and allow-lists ---- */

u8 nxg_policy[NXG_V_COUNT];

static const char * const nxg_policy_names[NXG_POL_COUNT] = {
	"log", "ratelimit", "kill",
};

/**
 * nxg_policy_name() - the name of a policy
 * @p: enum nxg_policy
 *
 * Return: the name, "?" out of range.
 */
const char *nxg_policy_name(unsigned int p)
{
	return p < NXG_POL_COUNT ? nxg_policy_names[p] : "?";
}

/**
 * nxg_policy_parse() - parse a policy name written to sysfs
 * @buf: "log", "ratelimit" or "kill", with or without a newline
 * @out: the policy
 *
 * Return: 0 or -EINVAL.
 */
int nxg_policy_parse(const char *buf, u8 *out)
{
	int i = sysfs_match_string(nxg_policy_names, buf);

	if (i < 0)
		return -EINVAL;
	*out = i;
	return 0;
}

#define NXG_ALLOW_MAX	8

struct nxg_allow {
	struct rcu_head rcu;
	unsigned int n;
	char comm[NXG_ALLOW_MAX][TASK_COMM_LEN];
};

static struct nxg_allow __rcu *nxg_allow[NXG_V_COUNT];
static DEFINE_MUTEX(nxg_allow_lock);

static bool nxg_allow_char(char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/**
 * nxg_list_parse() - split a list written to sysfs into fixed-size names
 * @buf: names separated by spaces, commas or newlines
 * @out: @max names of @len bytes each, zeroed by the caller
 * @max: room in @out
 * @len: the size of one name, its NUL included
 * @ok: the characters a name may hold
 *
 * Validates the whole input; @out is meaningful only on success.
 *
 * Return: the number of names, -EINVAL (a character @ok refuses),
 * -ENAMETOOLONG (a name of @len characters or more) or -E2BIG (over @max
 * names).
 */
int nxg_list_parse(const char *buf, char *out, unsigned int max,
		   unsigned int len, bool (*ok)(char c))
{
	const char *p = buf;
	unsigned int n = 0;

	while (*p) {
		size_t l = 0;

		while (*p == ' ' || *p == ',' || *p == '\n')
			p++;
		if (!*p)
			break;
		while (p[l] && p[l] != ' ' && p[l] != ',' && p[l] != '\n') {
			if (!ok(p[l]))
				return -EINVAL;
			l++;
		}
		if (l >= len)
			return -ENAMETOOLONG;
		if (n == max)
			return -E2BIG;
		memcpy(out + n++ * len, p, l);
		p += l;
	}
	return n;
}

/**
 * nxg_allow_set() - replace a vector's allow-list
 * @v: enum nxg_vector
 * @buf: comms separated by spaces or commas; empty clears the list
 *
 * Validated as a whole before anything changes.  Process context.
 *
 * Return: 0, -EINVAL (a character outside [A-Za-z0-9_.-]),
 * -ENAMETOOLONG (a comm over 15 characters), -E2BIG (over
 * NXG_ALLOW_MAX comms) or -ENOMEM.
 */
int nxg_allow_set(unsigned int v, const char *buf)
{
	struct nxg_allow *a, *old;
	int n;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	n = nxg_list_parse(buf, &a->comm[0][0], NXG_ALLOW_MAX, TASK_COMM_LEN,
			   nxg_allow_char);
	if (n < 0) {
		kfree(a);
		return n;
	}
	a->n = n;
	mutex_lock(&nxg_allow_lock);
	old = rcu_replace_pointer(nxg_allow[v], a->n ? a : NULL,
				  lockdep_is_held(&nxg_allow_lock));
	mutex_unlock(&nxg_allow_lock);
	if (!a->n)
		kfree(a);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/**
 * nxg_allow_show() - a vector's allow-list for sysfs
 * @v: enum nxg_vector
 * @buf: the sysfs page
 *
 * Return: the length written.
 */
int nxg_allow_show(unsigned int v, char *buf)
{
	struct nxg_allow *a;
	unsigned int i;
	int len = 0;

	rcu_read_lock();
	a = rcu_dereference(nxg_allow[v]);
	for (i = 0; a && i < a->n; i++)
		len += sysfs_emit_at(buf, len, "%s%s", i ? " " : "",
				     a->comm[i]);
	rcu_read_unlock();
	return len + sysfs_emit_at(buf, len, "\n");
}

/* In a probe: is current allow-listed for @v?  O(NXG_ALLOW_MAX). */
static bool nxg_allowed(unsigned int v)
{
	struct nxg_allow *a;
	unsigned int i;
	bool ok = false;

	rcu_read_lock();
	a = rcu_dereference(nxg_allow[v]);
	for (i = 0; a && i < a->n && !ok; i++)
		ok = !strncmp(a->comm[i], current->comm, TASK_COMM_LEN);
	rcu_read_unlock();
	return ok;
}

/* ---- per-CPU rings ---- */

#define NXG_RING	64	/* a power of two */

struct nxg_ring {
	unsigned long head;	/* written by the probes of this CPU */
	unsigned long tail;	/* written by the tick */
	u64 drops;		/* ring full */
	u64 allowed[NXG_V_COUNT];
	struct nxg_rec rec[NXG_RING];
};

/* From the dynamic per-CPU allocator: 5.7 KiB a CPU is too much for the
 * small per-CPU reserve static module variables come from.
 */
static struct nxg_ring __percpu *nxg_rings;

/**
 * nxg_kill_pid() - SIGKILL a task by pid (the tick's half of kill)
 * @pid: thread group id
 */
void nxg_kill_pid(u32 pid)
{
	kill_pid(find_vpid(pid), SIGKILL, 1);
}

/**
 * nxg_count_allowed() - count an event a vector's own allow-list dropped
 * @v: enum nxg_vector
 *
 * For probes: O(1), any context.
 */
void nxg_count_allowed(unsigned int v)
{
	this_cpu_inc(nxg_rings->allowed[v]);
}

/**
 * nxg_emit() - record a threat event of current into this CPU's ring
 * @v: enum nxg_vector
 * @level: the base ThreatLevel
 * @arg: vector-specific
 * @what: what current did it to, or NULL
 *
 * For probes: O(NXG_ALLOW_MAX), no lock (but the kill policy's signal
 * lock), no allocation, no sleep.  A full ring drops and counts.
 */
void nxg_emit(unsigned int v, u8 level, u64 arg, const char *what)
{
	struct nxg_ring *r;
	struct nxg_rec *e;
	unsigned long flags;
	u8 killed = 0;

	if (nxg_allowed(v)) {
		nxg_count_allowed(v);
		return;
	}
	if (READ_ONCE(nxg_policy[v]) == NXG_POL_KILL) {
		if (irqs_disabled()) {
			killed = 2;
		} else {
			send_sig(SIGKILL, current, 1);
			killed = 1;
		}
	}
	local_irq_save(flags);
	r = this_cpu_ptr(nxg_rings);
	if (r->head - READ_ONCE(r->tail) >= NXG_RING) {
		r->drops++;
		local_irq_restore(flags);
		return;
	}
	e = &r->rec[r->head & (NXG_RING - 1)];
	e->ts_ns = ktime_get_ns();
	e->pid = task_tgid_nr(current);
	e->uid = from_kuid(&init_user_ns, current_uid());
	e->arg = arg;
	e->vector = v;
	e->level = level;
	e->killed = killed;
	memcpy(e->comm, current->comm, sizeof(e->comm));
	e->comm[sizeof(e->comm) - 1] = '\0';
	strscpy(e->what, what ? what : "-", sizeof(e->what));
	/* The record is complete before the tick can see it. */
	smp_store_release(&r->head, r->head + 1);
	local_irq_restore(flags);
}

/**
 * nxg_probes_drain() - take the records of every CPU's ring
 * @out: where to copy them
 * @max: room in @out
 *
 * Called from the tick only (the single consumer).
 *
 * Return: the number copied.
 */
unsigned int nxg_probes_drain(struct nxg_rec *out, unsigned int max)
{
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nxg_ring *r = per_cpu_ptr(nxg_rings, cpu);
		/* Pairs with the probe's release: records up to head are whole. */
		unsigned long head = smp_load_acquire(&r->head);
		unsigned long tail = r->tail;

		while (tail != head && n < max)
			out[n++] = r->rec[tail++ & (NXG_RING - 1)];
		/* The slots are copied before the probes may reuse them. */
		smp_store_release(&r->tail, tail);
	}
	return n;
}

static bool nxg_root(void)
{
	return uid_eq(current_euid(), GLOBAL_ROOT_UID);
}

/* Severity one step up for a non-root actor. */
static u8 nxg_by_whom(u8 level)
{
	return nxg_root() ? level : level - 1;
}

/* ---- the probes ---- */

/* Exec kinds, in nxg_rec.arg of NXG_V_EXEC. */
enum { NXG_EXEC_MEMFD = 1, NXG_EXEC_DELETED, NXG_EXEC_TMP, NXG_EXEC_SHM };

static void nxg_exec_probe(void *data, struct task_struct *p, pid_t old_pid,
			   struct linux_binprm *bprm)
{
	struct file *f = bprm->file;
	struct dentry *d;

	nxg_shadow_check();
	if (!f)
		return;
	d = f->f_path.dentry;
	/*
	 * A memfd's dentry is a pseudo one (its own parent, never hashed,
	 * no link): d_unlinked() is false for it, so the name and the link
	 * count tell it and a deleted file.
	 */
	if (!file_inode(f)->i_nlink && !strncmp(d->d_name.name, "memfd:", 6))
		nxg_emit(NXG_V_EXEC, NXG_LVL_WARNING, NXG_EXEC_MEMFD,
			 bprm->filename);
	else if (!file_inode(f)->i_nlink || d_unlinked(d))
		nxg_emit(NXG_V_EXEC, NXG_LVL_WARNING, NXG_EXEC_DELETED,
			 bprm->filename);
	else
		switch (nxg_path_match(f, BIT(NXG_D_TMP) | BIT(NXG_D_SHM))) {
		case NXG_D_TMP:
			nxg_emit(NXG_V_EXEC, NXG_LVL_NOTICE, NXG_EXEC_TMP,
				 bprm->filename);
			break;
		case NXG_D_SHM:
			nxg_emit(NXG_V_EXEC, NXG_LVL_WARNING, NXG_EXEC_SHM,
				 bprm->filename);
			break;
		}
}

/* commit_creds(new): the real uid becomes 0 from another uid. */
static int nxg_creds_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct cred *new = (void *)regs_get_kernel_argument(regs, 0);
	const struct cred *old = current_cred();
	char what[NXG_WHAT_LEN];

	/* The old credentials first, then the shadow takes the new ones. */
	nxg_shadow_check();
	nxg_shadow_commit(new);
	if (!uid_eq(new->uid, GLOBAL_ROOT_UID) ||
	    uid_eq(old->uid, GLOBAL_ROOT_UID))
		return 0;
	snprintf(what, sizeof(what), "uid %u -> 0",
		 from_kuid(&init_user_ns, old->uid));
	nxg_emit(NXG_V_SETUID, NXG_LVL_CRIT,
		 from_kuid(&init_user_ns, old->uid), what);
	return 0;
}

#define NXG_NS_FLAGS	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
			 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
			 CLONE_NEWCGROUP | CLONE_NEWTIME)

/* ksys_unshare(flags), by a non-root task. */
static int nxg_unshare_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long flags = regs_get_kernel_argument(regs, 0);

	nxg_shadow_check();
	if (nxg_root() || !(flags & NXG_NS_FLAGS))
		return 0;
	nxg_emit(NXG_V_NAMESPACE, NXG_LVL_NOTICE, flags & NXG_NS_FLAGS,
		 "unshare");
	return 0;
}

/* __x64_sys_setns(regs): the syscall's own registers are the argument. */
static int nxg_setns_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct pt_regs *u = (void *)regs_get_kernel_argument(regs, 0);

	nxg_shadow_check();
	if (nxg_root())
		return 0;
	nxg_emit(NXG_V_NAMESPACE, NXG_LVL_NOTICE,
		 regs_get_kernel_argument((struct pt_regs *)u, 1), "setns");
	return 0;
}

/* security_ptrace_access_check(child, mode): attach, not a /proc read. */
static int nxg_ptrace_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct task_struct *child = (void *)regs_get_kernel_argument(regs, 0);
	unsigned int mode = regs_get_kernel_argument(regs, 1);
	char what[NXG_WHAT_LEN];

	nxg_shadow_check();
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	snprintf(what, sizeof(what), "pid %d", task_tgid_nr(child));
	nxg_emit(NXG_V_PTRACE, nxg_by_whom(NXG_LVL_NOTICE),
		 task_tgid_nr(child), what);
	return 0;
}

/* bpf_check(&prog, ...): every eBPF program load goes through it. */
static int nxg_bpf_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct bpf_prog **pp = (void *)regs_get_kernel_argument(regs, 0);
	const struct bpf_prog *prog = *pp;
	char what[NXG_WHAT_LEN];

	nxg_shadow_check();
	snprintf(what, sizeof(what), "type %u", prog->type);
	nxg_emit(NXG_V_BPF, nxg_by_whom(NXG_LVL_NOTICE), prog->type, what);
	return 0;
}

/* notify_change(idmap, dentry, attr, ...): a mode gaining S_ISUID. */
static int nxg_chmod_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct dentry *d = (void *)regs_get_kernel_argument(regs, 1);
	struct iattr *ia = (void *)regs_get_kernel_argument(regs, 2);
	struct inode *inode = d_inode(d);

	nxg_shadow_check();
	if (!(ia->ia_valid & ATTR_MODE) || !(ia->ia_mode & S_ISUID) ||
	    !inode || (inode->i_mode & S_ISUID) || !S_ISREG(inode->i_mode))
		return 0;
	nxg_emit(NXG_V_SUID_CHMOD, NXG_LVL_WARNING, ia->ia_mode & 07777,
		 d->d_name.name);
	return 0;
}

/*
 * security_file_open(file): opened for writing under /etc (etc_write),
 * or under /boot or a binary or module directory (bin_write).
 */
static int nxg_open_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct file *f = (void *)regs_get_kernel_argument(regs, 0);
	int dir;

	nxg_shadow_check();
	if (!(f->f_mode & FMODE_WRITE))
		return 0;
	dir = nxg_path_match(f, BIT(NXG_D_ETC) | NXG_D_BIN_MASK);
	if (dir < 0)
		return 0;
	nxg_emit(dir == NXG_D_ETC ? NXG_V_ETC_WRITE : NXG_V_BIN_WRITE,
		 nxg_by_whom(NXG_LVL_NOTICE), dir,
		 f->f_path.dentry->d_name.name);
	return 0;
}

/* Without CONFIG_MODULE_SIG no module's signature is checked: never ok. */
static bool nxg_module_sig_ok(const struct module *mod)
{
#ifdef CONFIG_MODULE_SIG
	return mod->sig_ok;
#else
	return false;
#endif
}

static int nxg_module_cb(struct notifier_block *nb, unsigned long state,
			 void *data)
{
	struct module *mod = data;
	u8 level = NXG_LVL_NOTICE;
	unsigned int v = NXG_V_MODULE;

	if (state != MODULE_STATE_COMING)
		return NOTIFY_DONE;
	if (!nxg_module_sig_ok(mod))
		level = NXG_LVL_WARNING;
	nxg_emit(v, level, 0, mod->name);
	/* Under the kill policy the module is refused as well. */
	if (READ_ONCE(nxg_policy[v]) == NXG_POL_KILL && !nxg_allowed(v))
		return notifier_from_errno(-EPERM);
	return NOTIFY_DONE;
}

static struct notifier_block nxg_module_nb = {
	.notifier_call = nxg_module_cb,
};

/* ---- the hook table, installed in order, removed in reverse ---- */

struct nxg_hook {
	const char *name;	/* symbol, tracepoint or notifier */
	unsigned int vector;
	kprobe_pre_handler_t pre;	/* a kprobe */
	void *tp_probe;		/* a tracepoint */
	struct kprobe kp;
	struct tracepoint *tp;
	int err;		/* install result: 0 installed */
	bool on;
};

static struct nxg_hook nxg_hooks[] = {
	{ .name = "module_notifier", .vector = NXG_V_MODULE },
	{ .name = "commit_creds", .vector = NXG_V_SETUID,
	  .pre = nxg_creds_pre },
	{ .name = "ksys_unshare", .vector = NXG_V_NAMESPACE,
	  .pre = nxg_unshare_pre },
#ifdef CONFIG_X86_64
	{ .name = "__x64_sys_setns", .vector = NXG_V_NAMESPACE,
	  .pre = nxg_setns_pre },
#endif
	{ .name = "security_ptrace_access_check", .vector = NXG_V_PTRACE,
	  .pre = nxg_ptrace_pre },
	{ .name = "bpf_check", .vector = NXG_V_BPF, .pre = nxg_bpf_pre },
	{ .name = "sched_process_exec", .vector = NXG_V_EXEC,
	  .tp_probe = nxg_exec_probe },
	{ .name = "notify_change", .vector = NXG_V_SUID_CHMOD,
	  .pre = nxg_chmod_pre },
	{ .name = "security_file_open", .vector = NXG_V_ETC_WRITE,
	  .pre = nxg_open_pre },
	{ .name = "call_usermodehelper_exec", .vector = NXG_V_UMH,
	  .pre = nxg_umh_pre },
	{ .name = "arch_ptrace", .vector = NXG_V_PTRACE_POKE,
	  .pre = nxg_poke_pre },
#ifdef CONFIG_X86_64
	{ .name = "__x64_sys_userfaultfd", .vector = NXG_V_USERFAULTFD,
	  .pre = nxg_uffd_pre },
#endif
	{ .name = "security_capset", .vector = NXG_V_CAPSET,
	  .pre = nxg_capset_pre },
	/* Shadow credentials: taken at fork, released at exit. */
	{ .name = "sched_process_fork", .vector = NXG_V_CRED,
	  .tp_probe = nxg_shadow_fork },
	{ .name = "sched_process_exit", .vector = NXG_V_CRED,
	  .tp_probe = nxg_shadow_exit_probe },
};

/* A kprobe hook installed but switched off (disable_kprobe()) or gone. */
static bool nxg_hook_disabled(struct nxg_hook *h)
{
	return h->pre && h->on &&
	       (kprobe_disabled(&h->kp) || kprobe_gone(&h->kp));
}

/**
 * nxg_probes_disabled() - count guard's kprobes that are switched off
 * @first: set to the name of the first one, if any
 *
 * Sees a kprobe disabled one by one; a global disarm (debugfs
 * kprobes/enabled = 0) leaves the flags alone: the canary of selfcheck.c
 * sees that.  From the tick.
 *
 * Return: how many.
 */
unsigned int nxg_probes_disabled(const char **first)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(nxg_hooks); i++) {
		if (!nxg_hook_disabled(&nxg_hooks[i]))
			continue;
		if (!n++)
			*first = nxg_hooks[i].name;
	}
	return n;
}

static void nxg_tp_match(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nxg_hooks); i++)
		if (nxg_hooks[i].tp_probe && !strcmp(tp->name, nxg_hooks[i].name))
			nxg_hooks[i].tp = tp;
}

static int nxg_hook_install(struct nxg_hook *h)
{
	if (h->pre) {
		h->kp = (struct kprobe){ .symbol_name = h->name,
					 .pre_handler = h->pre };
		return register_kprobe(&h->kp);
	}
	if (h->tp_probe)
		return h->tp ? tracepoint_probe_register(h->tp, h->tp_probe,
							 NULL) : -ENOENT;
	return register_module_notifier(&nxg_module_nb);
}

static void nxg_hook_remove(struct nxg_hook *h)
{
	if (h->pre)
		unregister_kprobe(&h->kp);
	else if (h->tp_probe)
		tracepoint_probe_unregister(h->tp, h->tp_probe, NULL);
	else
		unregister_module_notifier(&nxg_module_nb);
}

/**
 * nxg_probes_init() - install every hook this kernel allows
 *
 * A hook that fails is logged and shown in the threats file; the others
 * still run.  Process context.
 *
 * Return: 0 or -ENOMEM.
 */
int nxg_probes_init(void)
{
	unsigned int i;

	nxg_rings = alloc_percpu(struct nxg_ring);
	if (!nxg_rings)
		return -ENOMEM;
	if (nxg_umh_init() || nxg_paths_init() || nxg_shadow_init()) {
		nxg_paths_exit();
		nxg_umh_exit();
		free_percpu(nxg_rings);
		nxg_rings = NULL;
		return -ENOMEM;
	}
	for_each_kernel_tracepoint(nxg_tp_match, NULL);
	for (i = 0; i < ARRAY_SIZE(nxg_hooks); i++) {
		struct nxg_hook *h = &nxg_hooks[i];

		h->err = nxg_hook_install(h);
		h->on = !h->err;
		if (h->err)
			pr_info("%s (%s) not watched: %pe\n", h->name,
				nxg_vector_name(h->vector), ERR_PTR(h->err));
	}
	nxg_selfcheck_init();
	return 0;
}

/**
 * nxg_probes_exit() - remove the hooks, in reverse, and wait for them
 *
 * On return no probe runs on any CPU.
 */
void nxg_probes_exit(void)
{
	unsigned int i, v;

	nxg_selfcheck_exit();
	for (i = ARRAY_SIZE(nxg_hooks); i-- > 0;) {
		if (!nxg_hooks[i].on)
			continue;
		nxg_hook_remove(&nxg_hooks[i]);
		nxg_hooks[i].on = false;
	}
	tracepoint_synchronize_unregister();
	for (v = 0; v < NXG_V_COUNT; v++)
		kfree(rcu_replace_pointer(nxg_allow[v], NULL, true));
	nxg_shadow_exit();
	nxg_umh_exit();
	nxg_paths_exit();
	free_percpu(nxg_rings);
	nxg_rings = NULL;
}

/**
 * nxg_probes_dump() - the hooks and their counters, for the threats file
 * @m: the seq_file
 */
void nxg_probes_dump(struct seq_file *m)
{
	u64 drops = 0, allowed[NXG_V_COUNT] = {};
	unsigned int i, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nxg_ring *r = per_cpu_ptr(nxg_rings, cpu);

		drops += READ_ONCE(r->drops);
		for (v = 0; v < NXG_V_COUNT; v++)
			allowed[v] += READ_ONCE(r->allowed[v]);
	}
	seq_printf(m, "# ring_drops %llu\n", drops);
	nxg_paths_dump(m);
	nxg_shadow_dump(m);
	nxg_selfcheck_dump(m);
	for (i = 0; i < ARRAY_SIZE(nxg_hooks); i++) {
		struct nxg_hook *h = &nxg_hooks[i];

		seq_printf(m, "# hook %s %s %s", h->name,
			   nxg_vector_name(h->vector),
			   !h->on ? "unavailable" :
			   nxg_hook_disabled(h) ? "disabled" :
			   "armed");
		if (h->err)
			seq_printf(m, " %d", h->err);
		if (h->pre && h->on)
			seq_printf(m, " missed %lu", h->kp.nmissed);
		seq_putc(m, '\n');
	}
	for (v = 0; v < NXG_V_COUNT; v++)
		if (nxg_vector_has_task(v))
			seq_printf(m, "# allowed %s %llu\n",
				   nxg_vector_name(v), allowed[v]);
}
