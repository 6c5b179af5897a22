// SPDX-License-Identifier: GPL-2.0
/*
 * ResourceExhaustion of a cgroup: its tasks against its pids.max.
 *
 * The task walk (tasks.c) hands every thread to nxp_cg_see(), which counts
 * the threads of each cgroup of the pids controller (task_cgroup(t,
 * pids_cgrp_id): the task's own cgroup, or the nearest ancestor with the
 * controller enabled) in a small hash, NXP_CG_HASH cgroups per walk at
 * most.  At the end of the walk, still under RCU, the NXP_CGS cgroups
 * other than the root with the most threads are picked, by id and path.
 * Then, out of RCU, their pids.current (what the controller counts, its
 * descendants included) and pids.max are read from the cgroup2 mount,
 * /sys/fs/cgroup, and judged by exhaust.c like the other counts: the last
 * points rise and the least-squares line reaches pids.max within the
 * horizon.  Reaching it is the failure: fork() and clone() then fail with
 * EAGAIN in that cgroup.
 *
 * Not judged: a limit set on an ancestor of the cgroups picked (the
 * ancestor's own count is not read), cgroups with no limit ("max"), the
 * pids controller mounted on a cgroup v1 hierarchy, and cgroups past the
 * NXP_CGS busiest.
 */
#include <linux/kernel.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"

#define NXP_CG_HASH_BITS	7
#define NXP_CG_HASH		BIT(NXP_CG_HASH_BITS)
#define NXP_CG_PATH		128
#define NXP_CG_ROOT		"/sys/fs/cgroup"
/* pids.max is read again this often */
#define NXP_CG_LIMIT_NS		(5 * NSEC_PER_SEC)

/* A cgroup seen in the current walk; the pointer is only a key. */
struct nxp_cgc {
	const struct cgroup *cg;
	u32 n;
};

/**
 * struct nxp_cgpick - one of the busiest cgroups of the last walk.
 * @id: its cgroup id (0: none).
 * @n: its threads in the walk.
 * @path: its path in the hierarchy.
 */
struct nxp_cgpick {
	u64 id;
	u32 n;
	char path[NXP_CG_PATH];
};

/**
 * struct nxp_cgroup - one cgroup followed.
 * @id: its cgroup id, 0: free.
 * @path: its path in the hierarchy.
 * @limit_ns: when pids.max was last read.
 * @t: the count, the limit and their history (exhaust.c judges it).
 */
struct nxp_cgroup {
	u64 id;
	char path[NXP_CG_PATH];
	u64 limit_ns;
	struct nxp_ltask t;
};

static struct nxp_cgc *nxp_cgc;
static struct nxp_cgpick *nxp_cgpick;
static struct nxp_cgroup *nxp_cgs;
static bool nxp_cg_full;

/**
 * nxp_cgroups_init() - allocate the tables
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_cgroups_init(void)
{
	nxp_cgc = nexus_kzalloc(NXP_CG_HASH * sizeof(*nxp_cgc), GFP_KERNEL);
	nxp_cgpick = nexus_kzalloc(NXP_CGS * sizeof(*nxp_cgpick), GFP_KERNEL);
	nxp_cgs = nexus_kvzalloc(NXP_CGS * sizeof(*nxp_cgs), GFP_KERNEL);
	if (!nxp_cgc || !nxp_cgpick || !nxp_cgs) {
		nxp_cgroups_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * nxp_cgroups_exit() - free them
 */
void nxp_cgroups_exit(void)
{
	nexus_kfree(nxp_cgc);
	nexus_kfree(nxp_cgpick);
	nexus_kfree(nxp_cgs);
	nxp_cgc = NULL;
	nxp_cgpick = NULL;
	nxp_cgs = NULL;
}

/**
 * nxp_cg_walk_begin() - a task walk begins
 */
void nxp_cg_walk_begin(void)
{
	memset(nxp_cgc, 0, NXP_CG_HASH * sizeof(*nxp_cgc));
	nxp_cg_full = false;
}

/**
 * nxp_cg_see() - count @t in its cgroup of the pids controller
 * @t: a thread (RCU held by the walk)
 */
void nxp_cg_see(struct task_struct *t)
{
#ifdef CONFIG_CGROUP_PIDS
	const struct cgroup *cg = task_cgroup(t, pids_cgrp_id);
	u32 h = hash_ptr(cg, NXP_CG_HASH_BITS), i;

	if (!cg || !cgroup_parent((struct cgroup *)cg))
		return;
	for (i = 0; i < NXP_CG_HASH; i++) {
		struct nxp_cgc *c = &nxp_cgc[(h + i) % NXP_CG_HASH];

		if (c->cg == cg || !c->cg) {
			c->cg = cg;
			c->n++;
			return;
		}
	}
	nxp_cg_full = true;
#endif
}

/**
 * nxp_cg_walk_end() - pick the busiest cgroups (RCU still held)
 */
void nxp_cg_walk_end(void)
{
	unsigned int i, j, min;
	int len;

	memset(nxp_cgpick, 0, NXP_CGS * sizeof(*nxp_cgpick));
	for (i = 0; i < NXP_CG_HASH; i++) {
		const struct nxp_cgc *c = &nxp_cgc[i];
		struct nxp_cgpick *p;

		if (!c->cg)
			continue;
		min = 0;
		for (j = 0; j < NXP_CGS; j++) {
			if (!nxp_cgpick[j].id) {
				min = j;
				break;
			}
			if (nxp_cgpick[j].n < nxp_cgpick[min].n)
				min = j;
		}
		p = &nxp_cgpick[min];
		if (p->id && p->n >= c->n)
			continue;
		/* the cgroup is alive: RCU has been held since we saw it */
		p->id = cgroup_id(c->cg);
		p->n = c->n;
		/* a truncated path would name another file */
		len = cgroup_path((struct cgroup *)c->cg, p->path,
				  sizeof(p->path));
		if (len < 0 || len >= sizeof(p->path))
			p->id = 0;
	}
}

/* Read the number of a cgroup file; "max" is U64_MAX. */
static int nxp_cg_read(const char *path, const char *file, u64 *v)
{
	char name[NXP_CG_PATH + 48], buf[32];
	int ret;

	snprintf(name, sizeof(name), NXP_CG_ROOT "%s/%s", path, file);
	ret = nxp_read_text(name, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (!strncmp(buf, "max", 3)) {
		*v = U64_MAX;
		return 0;
	}
	return kstrtou64(strim(buf), 10, v);
}

/* The followed cgroup of @id, or a free slot for it, or NULL. */
static struct nxp_cgroup *nxp_cg_slot(u64 id)
{
	struct nxp_cgroup *free = NULL;
	unsigned int i;

	for (i = 0; i < NXP_CGS; i++) {
		if (nxp_cgs[i].id == id)
			return &nxp_cgs[i];
		if (!nxp_cgs[i].id && !free)
			free = &nxp_cgs[i];
	}
	return free;
}

/**
 * nxp_cg_update() - new points for the cgroups picked
 * @now: monotonic time
 *
 * Followed cgroups no longer among the busiest (or gone) are dropped with
 * their history.
 */
void nxp_cg_update(u64 now)
{
	bool keep[NXP_CGS] = { false };
	unsigned int i;

	for (i = 0; i < NXP_CGS; i++) {
		const struct nxp_cgpick *p = &nxp_cgpick[i];
		struct nxp_cgroup *c;
		u64 cur;

		if (!p->id)
			continue;
		c = nxp_cg_slot(p->id);
		if (!c)
			continue;
		if (!c->id) {
			memset(c, 0, sizeof(*c));
			c->id = p->id;
			strscpy(c->path, p->path, sizeof(c->path));
			nx_linreg_init(&c->t.hist);
		}
		keep[c - nxp_cgs] = true;
		if (!c->limit_ns || now - c->limit_ns >= NXP_CG_LIMIT_NS) {
			c->limit_ns = now;
			if (nxp_cg_read(c->path, "pids.max", &c->t.limit))
				c->t.limit = 0;
		}
		if (!c->t.limit || c->t.limit == U64_MAX ||
		    nxp_cg_read(c->path, "pids.current", &cur))
			continue;
		c->t.used = cur;
		nx_linreg_add(&c->t.hist, nxp_ms(now), cur);
	}
	for (i = 0; i < NXP_CGS; i++)
		if (!keep[i])
			nxp_cgs[i].id = 0;
}

/**
 * nxp_cg_judge() - ResourceExhaustion for each cgroup followed
 * @now: monotonic time
 * @cfg: the prediction config in force
 */
void nxp_cg_judge(u64 now, const struct nexus_prediction_params *cfg)
{
	char comp[NEXUS_COMPONENT_LEN];
	unsigned int i;

	for (i = 0; i < NXP_CGS; i++) {
		struct nxp_cgroup *c = &nxp_cgs[i];
		size_t len = strlen(c->path);

		if (!c->id || !c->t.limit || c->t.limit == U64_MAX)
			continue;
		/* the end of a long path names the cgroup best */
		snprintf(comp, sizeof(comp), "cgroup %.24s",
			 len > 24 ? c->path + len - 24 : c->path);
		nxp_exhaust_judge(NEXUS_PRED_RESOURCE_EXHAUSTION,
				  NXP_KEY_CGROUP | (s32)(c->id & 0xffffff),
				  &c->t.hist, c->t.used, c->t.limit,
				  &c->t.at_limit, comp, "tasks (pids.max)", now,
				  cfg);
	}
}

/**
 * nxp_cg_dump() - the cgroups followed
 * @m: seq_file
 */
void nxp_cg_dump(struct seq_file *m)
{
	unsigned int i;

	seq_printf(m, "# cgroups:%s", nxp_cg_full ? " (hash full)" : "");
	for (i = 0; i < NXP_CGS; i++) {
		const struct nxp_cgroup *c = &nxp_cgs[i];

		if (!c->id)
			continue;
		if (c->t.limit && c->t.limit != U64_MAX)
			seq_printf(m, " %s %llu/%llu", c->path, c->t.used,
				   c->t.limit);
		else
			seq_printf(m, " %s no-limit", c->path);
	}
	seq_putc(m, '\n');
}
