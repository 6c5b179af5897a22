// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow credentials (LKRG's idea): a copy of each task's objective
 * credentials (task->real_cred: the pointer, the uids, gids and the
 * effective and permitted capabilities) taken on the kernel's own
 * credential paths, and compared with the task's credentials on the
 * paths guard tracks.  The kernel changes real_cred in three places only:
 * copy_creds() at fork (the sched_process_fork tracepoint snapshots the
 * child before it can run), commit_creds() (its kprobe updates the
 * shadow, and exec and setuid go through it) and exit_creds().  A
 * difference is therefore a change made outside them: an exploit writing
 * cred->uid, or swapping the cred pointer, by a kernel write primitive.
 * The subjective credentials (task->cred) are left out: override_creds()
 * changes them legitimately and often.
 *
 * The table is a fixed array of slots hashed by task pointer (4 probes);
 * a task that finds no free slot is not tracked (counted).  A slot is
 * claimed with cmpxchg and afterwards written and read only in its task's
 * own context (or by its parent at fork, before the child runs), with
 * preemption off in a probe, so it needs no lock.  A task not seen at its
 * fork (it predates the module, or the table was full then) is adopted at
 * its first check.
 */
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uidgid.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "guard.h"

#define NXG_SHADOW_BITS		13
#define NXG_SHADOW_SLOTS	BIT(NXG_SHADOW_BITS)
#define NXG_SHADOW_PROBES	4

struct nxg_shadow {
	struct task_struct *task;	/* owner; NULL: free */
	u64 start;			/* owner's start_time: a reused task_struct */
	const struct cred *cred;	/* real_cred as committed */
	kuid_t uid, euid, suid, fsuid;
	kgid_t gid, egid;
	kernel_cap_t cap_eff, cap_perm;
};

static struct nxg_shadow *nxg_shadows;

/* Per-CPU: the probes of every CPU count without sharing a line. */
struct nxg_sh_stats {
	u64 claimed, released, adopted, untracked, mismatches;
};

static DEFINE_PER_CPU(struct nxg_sh_stats, nxg_sh_pcpu);

static void nxg_shadow_fill(struct nxg_shadow *s, const struct cred *c)
{
	s->cred = c;
	s->uid = c->uid;
	s->euid = c->euid;
	s->suid = c->suid;
	s->fsuid = c->fsuid;
	s->gid = c->gid;
	s->egid = c->egid;
	s->cap_eff = c->cap_effective;
	s->cap_perm = c->cap_permitted;
}

static struct nxg_shadow *nxg_slot(const struct task_struct *t,
				   unsigned int i)
{
	return &nxg_shadows[(hash_ptr(t, NXG_SHADOW_BITS) + i) &
			    (NXG_SHADOW_SLOTS - 1)];
}

/* @t's slot, or NULL.  A stale one (task_struct reused) is taken over. */
static struct nxg_shadow *nxg_find(struct task_struct *t, bool *stale)
{
	unsigned int i;

	for (i = 0; i < NXG_SHADOW_PROBES; i++) {
		struct nxg_shadow *s = nxg_slot(t, i);

		if (READ_ONCE(s->task) != t)
			continue;
		*stale = s->start != t->start_time;
		return s;
	}
	return NULL;
}

static struct nxg_shadow *nxg_claim(struct task_struct *t)
{
	unsigned int i;

	for (i = 0; i < NXG_SHADOW_PROBES; i++) {
		struct nxg_shadow *s = nxg_slot(t, i);

		if (!READ_ONCE(s->task) && !cmpxchg(&s->task, NULL, t)) {
			s->start = t->start_time;
			this_cpu_inc(nxg_sh_pcpu.claimed);
			return s;
		}
	}
	this_cpu_inc(nxg_sh_pcpu.untracked);
	return NULL;
}

/* Shadowed tasks: user tasks, seen in their own (or parent's) context. */
static bool nxg_shadowed(const struct task_struct *t)
{
	return nxg_shadows && !(t->flags & (PF_KTHREAD | PF_EXITING));
}

/**
 * nxg_shadow_fork() - sched_process_fork: snapshot the child
 * @data: unused
 * @parent: the forking task
 * @child: the new task, not yet running
 */
void nxg_shadow_fork(void *data, struct task_struct *parent,
		     struct task_struct *child)
{
	struct nxg_shadow *s;
	bool stale;

	if (!nxg_shadowed(child))
		return;
	s = nxg_find(child, &stale);
	if (!s)
		s = nxg_claim(child);
	if (!s)
		return;
	s->start = child->start_time;
	/* The child does not run yet: nobody changes its credentials. */
	nxg_shadow_fill(s, rcu_dereference_protected(child->real_cred, 1));
}

/**
 * nxg_shadow_exit_probe() - sched_process_exit: free current's slot
 * @data: unused
 * @p: the exiting task (current)
 */
void nxg_shadow_exit_probe(void *data, struct task_struct *p)
{
	struct nxg_shadow *s;
	bool stale;

	if (!nxg_shadows)
		return;
	s = nxg_find(p, &stale);
	if (s) {
		this_cpu_inc(nxg_sh_pcpu.released);
		/* The slot's last reads are done before another may claim it. */
		smp_store_release(&s->task, NULL);
	}
}

/* What differs, for the event; NULL if nothing. */
static const char *nxg_diff(const struct nxg_shadow *s, const struct cred *c,
			    char *what, size_t size)
{
	if (!uid_eq(s->uid, c->uid) || !uid_eq(s->euid, c->euid))
		snprintf(what, size, "uid %u->%u euid %u->%u",
			 from_kuid(&init_user_ns, s->uid),
			 from_kuid(&init_user_ns, c->uid),
			 from_kuid(&init_user_ns, s->euid),
			 from_kuid(&init_user_ns, c->euid));
	else if (!uid_eq(s->suid, c->suid) || !uid_eq(s->fsuid, c->fsuid))
		snprintf(what, size, "suid/fsuid -> %u/%u",
			 from_kuid(&init_user_ns, c->suid),
			 from_kuid(&init_user_ns, c->fsuid));
	else if (!gid_eq(s->gid, c->gid) || !gid_eq(s->egid, c->egid))
		snprintf(what, size, "gid %u->%u egid %u->%u",
			 from_kgid(&init_user_ns, s->gid),
			 from_kgid(&init_user_ns, c->gid),
			 from_kgid(&init_user_ns, s->egid),
			 from_kgid(&init_user_ns, c->egid));
	else if (!cap_issubset(c->cap_effective, s->cap_eff) ||
		 !cap_issubset(c->cap_permitted, s->cap_perm))
		snprintf(what, size, "capabilities raised");
	else if (memcmp(&s->cap_eff, &c->cap_effective, sizeof(s->cap_eff)) ||
		 memcmp(&s->cap_perm, &c->cap_permitted, sizeof(s->cap_perm)))
		snprintf(what, size, "capabilities dropped");
	else if (s->cred != c)
		snprintf(what, size, "cred pointer swapped");
	else
		return NULL;
	return what;
}

/**
 * nxg_shadow_check() - compare current's credentials with its shadow
 *
 * Called first by every probe that runs in a task's own context.  A
 * difference is an event (cred_tamper); the shadow then takes the new
 * credentials, so one change is reported once.  O(1), no lock.
 */
void nxg_shadow_check(void)
{
	const struct cred *c = current_real_cred();
	struct task_struct *t = current;
	char what[NXG_WHAT_LEN];
	struct nxg_shadow *s;
	bool stale = false;

	if (!in_task() || !nxg_shadowed(t))
		return;
	s = nxg_find(t, &stale);
	if (!s || stale) {
		if (!s)
			s = nxg_claim(t);
		if (!s)
			return;
		this_cpu_inc(nxg_sh_pcpu.adopted);
		s->start = t->start_time;
		nxg_shadow_fill(s, c);
		return;
	}
	if (!nxg_diff(s, c, what, sizeof(what)))
		return;
	this_cpu_inc(nxg_sh_pcpu.mismatches);
	nxg_emit(NXG_V_CRED, NXG_LVL_ALERT, from_kuid(&init_user_ns, s->uid),
		 what);
	nxg_shadow_fill(s, c);
}

/**
 * nxg_shadow_commit() - commit_creds(new) is about to install @new
 * @new: the credentials current is given
 *
 * The caller checked the old credentials first.
 */
void nxg_shadow_commit(const struct cred *new)
{
	struct task_struct *t = current;
	struct nxg_shadow *s;
	bool stale;

	if (!in_task() || !nxg_shadowed(t))
		return;
	s = nxg_find(t, &stale);
	if (!s)
		s = nxg_claim(t);
	if (!s)
		return;
	s->start = t->start_time;
	nxg_shadow_fill(s, new);
}

/**
 * nxg_shadow_init() - the table
 *
 * Return: 0 or -ENOMEM.
 */
int nxg_shadow_init(void)
{
	nxg_shadows = vzalloc(array_size(NXG_SHADOW_SLOTS,
					 sizeof(*nxg_shadows)));
	return nxg_shadows ? 0 : -ENOMEM;
}

/**
 * nxg_shadow_exit() - free the table; the probes are gone
 */
void nxg_shadow_exit(void)
{
	vfree(nxg_shadows);
	nxg_shadows = NULL;
}

/**
 * nxg_shadow_dump() - the table's counters, for the threats file
 * @m: the seq_file
 */
void nxg_shadow_dump(struct seq_file *m)
{
	struct nxg_sh_stats t = {};
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct nxg_sh_stats *c = per_cpu_ptr(&nxg_sh_pcpu, cpu);

		t.claimed += READ_ONCE(c->claimed);
		t.released += READ_ONCE(c->released);
		t.adopted += READ_ONCE(c->adopted);
		t.untracked += READ_ONCE(c->untracked);
		t.mismatches += READ_ONCE(c->mismatches);
	}
	seq_printf(m, "# shadow slots %lu tracked %lld adopted %llu untracked %llu mismatches %llu\n",
		   NXG_SHADOW_SLOTS, (s64)(t.claimed - t.released), t.adopted,
		   t.untracked, t.mismatches);
}
