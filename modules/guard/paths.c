// SPDX-License-Identifier: GPL-2.0
/*
 * The directories whose files the probes watch: /etc (etc_write), /tmp and
 * /dev/shm (exec_suspicious), /boot and the system binary and module
 * directories (bin_write).  Each is resolved to a (mount, dentry) pair and
 * a file is "under" it when it is on the same mount and the directory is
 * among its dentry's first 32 ancestors.  The set is looked up again at
 * every posture cycle, so a /boot mounted or a directory created after
 * load is watched from then on; a probe reads the set under RCU.
 */
#include <linux/kernel.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "guard.h"

static const char * const nxg_dir_names[NXG_D_COUNT] = {
	[NXG_D_ETC] = "/etc",
	[NXG_D_TMP] = "/tmp",
	[NXG_D_SHM] = "/dev/shm",
	[NXG_D_BOOT] = "/boot",
	[NXG_D_BIN] = "/usr/bin",
	[NXG_D_BIN + 1] = "/usr/sbin",
	[NXG_D_BIN + 2] = "/bin",
	[NXG_D_BIN + 3] = "/sbin",
	[NXG_D_BIN + 4] = "/usr/lib/modules",
	[NXG_D_BIN + 5] = "/lib/modules",
};

struct nxg_dirs {
	struct path p[NXG_D_COUNT];	/* .dentry NULL: absent or a duplicate */
};

static struct nxg_dirs __rcu *nxg_dirs;
static DEFINE_MUTEX(nxg_dirs_lock);

#define NXG_PATH_DEPTH	32

/**
 * nxg_path_match() - the watched directory a file is under
 * @f: the file
 * @dirs: bit mask of enum nxg_dir: the directories of interest
 *
 * O(NXG_PATH_DEPTH * NXG_D_COUNT) pointer comparisons, no lock: for the
 * probes.  Dentries are not freed under the RCU read side.
 *
 * Return: the enum nxg_dir, or -1.
 */
int nxg_path_match(const struct file *f, unsigned long dirs)
{
	const struct dentry *cand[NXG_D_COUNT];
	int idx[NXG_D_COUNT], n = 0, i, found = -1;
	const struct dentry *d = f->f_path.dentry;
	const struct nxg_dirs *s;
	unsigned int depth;

	rcu_read_lock();
	s = rcu_dereference(nxg_dirs);
	for (i = 0; s && i < NXG_D_COUNT; i++)
		if ((dirs & BIT(i)) && s->p[i].dentry &&
		    s->p[i].mnt == f->f_path.mnt) {
			cand[n] = s->p[i].dentry;
			idx[n++] = i;
		}
	for (depth = 0; n && depth < NXG_PATH_DEPTH && found < 0; depth++) {
		const struct dentry *up = READ_ONCE(d->d_parent);

		for (i = 0; i < n; i++)
			if (d == cand[i])
				found = idx[i];
		if (up == d)
			break;
		d = up;
	}
	rcu_read_unlock();
	return found;
}

static struct nxg_dirs *nxg_dirs_lookup(void)
{
	struct nxg_dirs *s = kzalloc(sizeof(*s), GFP_KERNEL);
	int i, j;

	if (!s)
		return NULL;
	for (i = 0; i < NXG_D_COUNT; i++) {
		if (kern_path(nxg_dir_names[i], LOOKUP_FOLLOW, &s->p[i]))
			continue;
		/* /bin -> usr/bin on a merged /usr: watched once. */
		for (j = 0; j < i; j++)
			if (path_equal(&s->p[i], &s->p[j])) {
				path_put(&s->p[i]);
				s->p[i] = (struct path){};
				break;
			}
	}
	return s;
}

static void nxg_dirs_free(struct nxg_dirs *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < NXG_D_COUNT; i++)
		if (s->p[i].dentry)
			path_put(&s->p[i]);
	kfree(s);
}

static bool nxg_dirs_same(const struct nxg_dirs *a, const struct nxg_dirs *b)
{
	int i;

	for (i = 0; i < NXG_D_COUNT; i++)
		if (!path_equal(&a->p[i], &b->p[i]))
			return false;
	return true;
}

/**
 * nxg_paths_refresh() - look the directories up again
 *
 * From the tick, at the start of a posture cycle (process context: it may
 * sleep for an RCU grace period when the set changed).
 */
void nxg_paths_refresh(void)
{
	struct nxg_dirs *s = nxg_dirs_lookup(), *old;

	if (!s)
		return;
	mutex_lock(&nxg_dirs_lock);
	old = rcu_dereference_protected(nxg_dirs,
					lockdep_is_held(&nxg_dirs_lock));
	if (old && nxg_dirs_same(old, s)) {
		mutex_unlock(&nxg_dirs_lock);
		nxg_dirs_free(s);
		return;
	}
	rcu_assign_pointer(nxg_dirs, s);
	mutex_unlock(&nxg_dirs_lock);
	if (old) {
		/* No probe still walks the old set when its paths are put. */
		synchronize_rcu();
		nxg_dirs_free(old);
	}
}

/**
 * nxg_paths_init() - look the directories up for the first time
 *
 * Return: 0 or -ENOMEM.
 */
int nxg_paths_init(void)
{
	struct nxg_dirs *s = nxg_dirs_lookup();

	if (!s)
		return -ENOMEM;
	rcu_assign_pointer(nxg_dirs, s);
	return 0;
}

/**
 * nxg_paths_exit() - put the directories; the probes are gone
 */
void nxg_paths_exit(void)
{
	nxg_dirs_free(rcu_replace_pointer(nxg_dirs, NULL, true));
}

/**
 * nxg_paths_dump() - which directories are watched, for the threats file
 * @m: the seq_file
 */
void nxg_paths_dump(struct seq_file *m)
{
	const struct nxg_dirs *s;
	int i;

	seq_puts(m, "# dirs");
	mutex_lock(&nxg_dirs_lock);
	s = rcu_dereference_protected(nxg_dirs,
				      lockdep_is_held(&nxg_dirs_lock));
	for (i = 0; s && i < NXG_D_COUNT; i++)
		if (s->p[i].dentry)
			seq_printf(m, " %s", nxg_dir_names[i]);
	mutex_unlock(&nxg_dirs_lock);
	seq_putc(m, '\n');
}
