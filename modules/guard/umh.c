// SPDX-License-Identifier: GPL-2.0
/*
 * Usermode helpers: every program the kernel starts as root on its own
 * (modprobe for request_module(), request-key, poweroff, core dump pipes,
 * ...) goes through call_usermodehelper_exec().  Overwriting modprobe_path
 * and triggering a module request is a classic way from a kernel write
 * primitive to root, so a helper whose path is not in umh_paths is an
 * event.  The kernel passes the path verbatim, so the list holds exact,
 * canonical absolute paths.  The probe cannot stop the helper (the kprobe
 * runs before it starts and cannot make the call fail), so the vector
 * has no kill policy.
 */
#include <linux/kernel.h>
#include <linux/ctype.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/umh.h>
#include "guard.h"

#define NXG_UMH_MAX	16
#define NXG_UMH_LEN	64

struct nxg_umh_list {
	struct rcu_head rcu;
	unsigned int n;
	char path[NXG_UMH_MAX][NXG_UMH_LEN];
};

/* The kernel's own helpers at their Debian paths (see guard.rst). */
static const char * const nxg_umh_default[] = {
	"/sbin/modprobe", "/usr/sbin/modprobe",
	"/sbin/request-key", "/usr/sbin/request-key",
	"/sbin/poweroff", "/sbin/reboot",
	"/usr/lib/systemd/systemd-coredump", "/usr/share/apport/apport",
};

static struct nxg_umh_list __rcu *nxg_umh;
static DEFINE_MUTEX(nxg_umh_lock);

static bool nxg_umh_char(char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '+' ||
	       c == '/';
}

/* Canonical and absolute: no "//", no "." or ".." component, no "/" end. */
static int nxg_umh_check(const char *p)
{
	size_t len = strlen(p);

	if (p[0] != '/' || len < 2 || p[len - 1] == '/' || strstr(p, "//") ||
	    strstr(p, "/./") || strstr(p, "/../") ||
	    !strcmp(p + len - 2, "/.") ||
	    (len >= 3 && !strcmp(p + len - 3, "/..")))
		return -EINVAL;
	return 0;
}

/**
 * nxg_umh_set() - replace the helper allow-list
 * @buf: absolute paths separated by spaces, commas or newlines; an empty
 *	line clears the list (every helper is then an event)
 *
 * Validated as a whole before anything changes.  Process context.
 *
 * Return: 0, -EINVAL (a relative or non-canonical path, a character
 * outside [A-Za-z0-9_.+/-]), -ENAMETOOLONG (a path of 64 characters or
 * more), -E2BIG (more than 16 paths) or -ENOMEM.
 */
int nxg_umh_set(const char *buf)
{
	struct nxg_umh_list *l, *old;
	int n, i;

	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	n = nxg_list_parse(buf, &l->path[0][0], NXG_UMH_MAX, NXG_UMH_LEN,
			   nxg_umh_char);
	for (i = 0; i < n; i++)
		if (nxg_umh_check(l->path[i]))
			n = -EINVAL;
	if (n < 0) {
		kfree(l);
		return n;
	}
	l->n = n;
	mutex_lock(&nxg_umh_lock);
	old = rcu_replace_pointer(nxg_umh, l, lockdep_is_held(&nxg_umh_lock));
	mutex_unlock(&nxg_umh_lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/**
 * nxg_umh_show() - the helper allow-list for sysfs
 * @buf: the sysfs page
 *
 * Return: the length written.
 */
int nxg_umh_show(char *buf)
{
	const struct nxg_umh_list *l;
	unsigned int i;
	int len = 0;

	rcu_read_lock();
	l = rcu_dereference(nxg_umh);
	for (i = 0; l && i < l->n; i++)
		len += sysfs_emit_at(buf, len, "%s%s", i ? " " : "",
				     l->path[i]);
	rcu_read_unlock();
	return len + sysfs_emit_at(buf, len, "\n");
}

static bool nxg_umh_listed(const char *path)
{
	const struct nxg_umh_list *l;
	unsigned int i;
	bool ok = false;

	rcu_read_lock();
	l = rcu_dereference(nxg_umh);
	for (i = 0; l && i < l->n && !ok; i++)
		ok = !strncmp(l->path[i], path, NXG_UMH_LEN);
	rcu_read_unlock();
	return ok;
}

/**
 * nxg_umh_pre() - kprobe on call_usermodehelper_exec(sub_info, wait)
 * @kp: the kprobe
 * @regs: the registers at entry
 *
 * May run in atomic context (UMH_NO_WAIT callers): O(NXG_UMH_MAX), no
 * lock.  The caller is often a kworker: nothing to kill then.
 *
 * Return: 0.
 */
int nxg_umh_pre(struct kprobe *kp, struct pt_regs *regs)
{
	const struct subprocess_info *sub =
		(void *)regs_get_kernel_argument(regs, 0);
	const char *path = sub ? sub->path : NULL;

	if (!path || !path[0])
		return 0;
	if (nxg_umh_listed(path)) {
		nxg_count_allowed(NXG_V_UMH);
		return 0;
	}
	nxg_emit(NXG_V_UMH, NXG_LVL_ERR, 0, path);
	return 0;
}

/**
 * nxg_umh_init() - the default allow-list
 *
 * Return: 0 or -ENOMEM.
 */
int nxg_umh_init(void)
{
	struct nxg_umh_list *l = kzalloc(sizeof(*l), GFP_KERNEL);
	unsigned int i;

	if (!l)
		return -ENOMEM;
	BUILD_BUG_ON(ARRAY_SIZE(nxg_umh_default) > NXG_UMH_MAX);
	for (i = 0; i < ARRAY_SIZE(nxg_umh_default); i++)
		strscpy(l->path[i], nxg_umh_default[i], NXG_UMH_LEN);
	l->n = i;
	rcu_assign_pointer(nxg_umh, l);
	return 0;
}

/**
 * nxg_umh_exit() - free the allow-list; the probe is gone
 */
void nxg_umh_exit(void)
{
	kfree(rcu_replace_pointer(nxg_umh, NULL, true));
}
