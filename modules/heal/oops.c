// SPDX-License-Identifier: GPL-2.0
/*
 * Oopses in a component's code.  A die notifier sees every kernel oops
 * (DIE_OOPS, from the architecture's __die() before the dying task
 * exits); when the faulting instruction is in a module, every component
 * that module registered is reported with fault class
 * NEXUS_HEAL_FAULT_OOPS, and its plan starts at the next monitor poll.
 *
 * The notifier runs in the oopsing context (any context, interrupts
 * perhaps off, locks perhaps held), so it only claims a free slot with
 * one cmpxchg and copies the task's name and the symbolised address into
 * it: no lock, no allocation, no wake-up.  The monitor (comp.c) drains
 * the slots, maps the module to its components under nxh_lock and keeps
 * the last NXH_OOPS_LOG oopses for the debugfs dump.  An oops while every
 * slot is still full is counted as lost.
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/atomic.h>
#include <linux/kallsyms.h>
#include <linux/kdebug.h>
#include <linux/ktime.h>
#include <linux/notifier.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "heal.h"

#define NXH_OOPS_SLOTS	4
#define NXH_OOPS_LOG	8
#define NXH_WHERE_LEN	96

enum { NXH_SLOT_FREE, NXH_SLOT_BUSY, NXH_SLOT_READY };

struct nxh_oops_slot {
	atomic_t state;
	u64 ns;
	pid_t pid;
	char comm[TASK_COMM_LEN];
	char where[KSYM_SYMBOL_LEN];
};

struct nxh_oops_rec {
	u64 ns;
	pid_t pid;
	unsigned int comps;	/* components reported */
	char comm[TASK_COMM_LEN];
	char module[MODULE_NAME_LEN];
	char where[NXH_WHERE_LEN];
};

static struct nxh_oops_slot nxh_oops_slots[NXH_OOPS_SLOTS];
static atomic_t nxh_oops_lost = ATOMIC_INIT(0);
static atomic_t nxh_oops_seen = ATOMIC_INIT(0);

/* nxh_lock */
static struct nxh_oops_rec nxh_oops_log[NXH_OOPS_LOG];
static u64 nxh_oops_n;

static int nxh_oops_notify(struct notifier_block *nb, unsigned long val,
			   void *data)
{
	struct die_args *args = data;
	struct nxh_oops_slot *s;
	unsigned int i;

	if (val != DIE_OOPS || !args || !args->regs || user_mode(args->regs))
		return NOTIFY_DONE;
	atomic_inc(&nxh_oops_seen);
	for (i = 0; i < NXH_OOPS_SLOTS; i++) {
		s = &nxh_oops_slots[i];
		if (atomic_cmpxchg(&s->state, NXH_SLOT_FREE,
				   NXH_SLOT_BUSY) == NXH_SLOT_FREE)
			break;
	}
	if (i == NXH_OOPS_SLOTS) {
		atomic_inc(&nxh_oops_lost);
		return NOTIFY_DONE;
	}
	s->ns = ktime_get_ns();
	s->pid = task_pid_nr(current);
	/* not get_task_comm(): it may take the task lock the oops holds */
	memcpy(s->comm, current->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
	/* "func+0x1a/0x80 [module]", as the oops report itself prints it */
	sprint_symbol(s->where, instruction_pointer(args->regs));
	atomic_set_release(&s->state, NXH_SLOT_READY);
	/* The monitor finds it at its next poll: no wake-up from here. */
	return NOTIFY_DONE;
}

static struct notifier_block nxh_oops_nb = {
	.notifier_call = nxh_oops_notify,
};

/* The module name in "func+0x1a/0x80 [module]", or "" (core kernel). */
static void nxh_oops_module(const char *where, char *mod, size_t size)
{
	const char *open = strrchr(where, '[');
	size_t n;

	mod[0] = '\0';
	if (!open)
		return;
	n = strcspn(open + 1, " ]");
	if (n && n < size) {
		memcpy(mod, open + 1, n);
		mod[n] = '\0';
	}
}

/**
 * nxh_oops_drain() - hand the oopses seen since the last poll on
 * @level: the current level; below detection nothing is reported
 *
 * Monitor context, before the components' health checks.
 */
void nxh_oops_drain(enum nexus_level level)
{
	unsigned int i;

	for (i = 0; i < NXH_OOPS_SLOTS; i++) {
		struct nxh_oops_slot *s = &nxh_oops_slots[i];
		struct nxh_oops_rec r = {};

		if (atomic_read_acquire(&s->state) != NXH_SLOT_READY)
			continue;
		r.ns = s->ns;
		r.pid = s->pid;
		strscpy(r.comm, s->comm, sizeof(r.comm));
		strscpy(r.where, s->where, sizeof(r.where));
		nxh_oops_module(s->where, r.module, sizeof(r.module));
		atomic_set_release(&s->state, NXH_SLOT_FREE);
		/* one word each in the dump: the module has its own field */
		r.where[strcspn(r.where, " ")] = '\0';
		strreplace(r.comm, ' ', '_');

		if (r.module[0] && level >= NEXUS_LEVEL_DETECTION)
			r.comps = nxh_comp_oops(r.module);
		pr_info("oops in %s (%s[%d]): %u component(s) reported\n",
			r.where, r.comm, r.pid, r.comps);
		mutex_lock(&nxh_lock);
		nxh_oops_log[nxh_oops_n++ % NXH_OOPS_LOG] = r;
		mutex_unlock(&nxh_lock);
	}
}

/**
 * nxh_oops_dump() - the oopses seen, the last NXH_OOPS_LOG of them
 * @m: the seq_file
 */
void nxh_oops_dump(struct seq_file *m)
{
	u64 i = nxh_oops_n > NXH_OOPS_LOG ? nxh_oops_n - NXH_OOPS_LOG : 0;

	seq_printf(m, "# oopses seen %d lost %d\n",
		   atomic_read(&nxh_oops_seen), atomic_read(&nxh_oops_lost));
	seq_puts(m, "# oops ts_ns pid comm module components where\n");
	mutex_lock(&nxh_lock);
	for (; i < nxh_oops_n; i++) {
		const struct nxh_oops_rec *r = &nxh_oops_log[i % NXH_OOPS_LOG];

		seq_printf(m, "oops %llu %d %s %s %u %s\n", r->ns, r->pid,
			   r->comm, r->module[0] ? r->module : "-", r->comps,
			   r->where);
	}
	mutex_unlock(&nxh_lock);
}

/**
 * nxh_oops_init() - register the die notifier
 *
 * Return: 0 or -errno.
 */
int nxh_oops_init(void)
{
	return register_die_notifier(&nxh_oops_nb);
}

/**
 * nxh_oops_exit() - unregister it; no notifier call runs after this
 */
void nxh_oops_exit(void)
{
	/* The die chain is an atomic notifier: this waits for RCU readers. */
	unregister_die_notifier(&nxh_oops_nb);
}
