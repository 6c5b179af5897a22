// SPDX-License-Identifier: GPL-2.0
/*
 * The knob table: the real kernel knobs NEXUS may tune, each with its file,
 * safe range and step, and the block devices whose queue knobs it knows.
 *
 * Knobs are read and written the way an administrator does: through their
 * files in /proc/sys/vm and /sys/block/<disk>/queue, opened with
 * filp_open() and accessed with kernel_read()/kernel_write() from process
 * context only (the engine thread, a sysfs store, module exit), never
 * from a probe.  The kernel's own handlers validate and apply each write,
 * exactly as for a write(2) by root.
 *
 * The scheduler's tunables are the exception: they are only in
 * /sys/kernel/debug/sched, as debugfs_create_u32() files, whose fops have
 * no ->read_iter/->write_iter, so kernel_read()/kernel_write() fail on
 * them.  Their u32 is reached the way debugfs itself reaches it: the
 * file's inode's i_private is the variable's address, which debugfs's u32
 * get/set read and assign with no handler of the scheduler's in between
 * (nxt_dbg_u32()).
 */
#define pr_fmt(fmt) "nexus_tune: " fmt

#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/dcache.h>
#include "tune.h"

/*
 * Safe ranges and steps (Documentation/tune.rst says why each).  NEXUS
 * never writes a value outside [min, max], and never touches a knob whose
 * current value is outside it: that is an administrator's choice.
 */
const struct nxt_type_def nxt_types[NXT_NR_TYPES] = {
	[NXT_SWAPPINESS] = { "vm.swappiness",
		"/proc/sys/vm/swappiness", 10, 100, 10, false },
	[NXT_DIRTY_RATIO] = { "vm.dirty_ratio",
		"/proc/sys/vm/dirty_ratio", 5, 60, 5, false },
	[NXT_DIRTY_BG_RATIO] = { "vm.dirty_background_ratio",
		"/proc/sys/vm/dirty_background_ratio", 2, 30, 2, false },
	[NXT_DIRTY_EXPIRE] = { "vm.dirty_expire_centisecs",
		"/proc/sys/vm/dirty_expire_centisecs", 500, 6000, 500, false },
	[NXT_DIRTY_WRITEBACK] = { "vm.dirty_writeback_centisecs",
		"/proc/sys/vm/dirty_writeback_centisecs", 100, 3000, 100, false },
	[NXT_VFS_CACHE_PRESSURE] = { "vm.vfs_cache_pressure",
		"/proc/sys/vm/vfs_cache_pressure", 50, 500, 25, false },
	[NXT_WATERMARK_SCALE] = { "vm.watermark_scale_factor",
		"/proc/sys/vm/watermark_scale_factor", 10, 1000, 10, false },
	/*
	 * The scheduler's, in ns: u32s of /sys/kernel/debug/sched, halved or
	 * doubled.  6.1 (CFS) has the first three, 6.12 (EEVDF) the fourth,
	 * both the fifth.
	 */
	[NXT_SCHED_LATENCY] = { "sched.latency_ns",
		"/sys/kernel/debug/sched/latency_ns", 3000000, 48000000, 2,
		true, true },
	[NXT_SCHED_MIN_GRAN] = { "sched.min_granularity_ns",
		"/sys/kernel/debug/sched/min_granularity_ns", 300000, 12000000,
		2, true, true },
	[NXT_SCHED_WAKEUP_GRAN] = { "sched.wakeup_granularity_ns",
		"/sys/kernel/debug/sched/wakeup_granularity_ns", 250000,
		16000000, 2, true, true },
	[NXT_SCHED_BASE_SLICE] = { "sched.base_slice_ns",
		"/sys/kernel/debug/sched/base_slice_ns", 300000, 12000000, 2,
		true, true },
	[NXT_SCHED_MIGRATION_COST] = { "sched.migration_cost_ns",
		"/sys/kernel/debug/sched/migration_cost_ns", 100000, 5000000, 2,
		true, true },
	/* enum nxt_sched; set only by the iosched_by_kind rule, never stepped */
	[NXT_IOSCHED] = { "iosched",
		"/sys/block/%s/queue/scheduler", NXT_SCHED_NONE, NXT_SCHED_BFQ,
		0, false },
	[NXT_READ_AHEAD_KB] = { "read_ahead_kb",
		"/sys/block/%s/queue/read_ahead_kb", 8, 4096, 4, true },
	[NXT_NR_REQUESTS] = { "nr_requests",
		"/sys/block/%s/queue/nr_requests", 32, 1024, 2, true },
};

struct nxt_knob nxt_knobs[NXT_NR_KNOBS];
struct nxt_dev nxt_devs[NXT_DEVS];
/* Per type; written by the enable store under nxt_lock. */
bool nxt_type_enabled[NXT_NR_TYPES];
/* Disks NEXUS must not touch, by name (disable_disks); under nxt_lock. */
char nxt_off_disks[NXT_DEVS][NXT_DISK_LEN];

/**
 * nxt_disk_off() - whether an administrator disabled a disk
 * @dev: index in nxt_devs
 *
 * By name, so that it holds for a disk that goes away and comes back.
 * Under nxt_lock.
 *
 * Return: true if NEXUS must not touch the disk's knobs.
 */
bool nxt_disk_off(int dev)
{
	int i;

	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_off_disks[i][0] &&
		    !strcmp(nxt_off_disks[i], nxt_devs[dev].name))
			return true;
	return false;
}

/**
 * nxt_knob_enabled() - whether a knob's type and its disk are enabled
 * @k: the knob
 *
 * Under nxt_lock.
 *
 * Return: true if NEXUS may work on it (enable/<type> and disable_disks).
 */
bool nxt_knob_enabled(const struct nxt_knob *k)
{
	return READ_ONCE(nxt_type_enabled[k->type]) &&
	       (k->dev < 0 || !nxt_disk_off(k->dev));
}

/* The schedulers the iosched knob may choose, by enum nxt_sched. */
static const char * const nxt_sched_names[] = {
	[NXT_SCHED_NONE] = "none",
	[NXT_SCHED_DEADLINE] = "mq-deadline",
	[NXT_SCHED_KYBER] = "kyber",
	[NXT_SCHED_BFQ] = "bfq",
};

/**
 * nxt_sched_name() - name of an iosched knob value
 * @v: enum nxt_sched
 *
 * Return: the scheduler's name, "other" for one NEXUS does not know.
 */
const char *nxt_sched_name(s64 v)
{
	return v >= 0 && v < ARRAY_SIZE(nxt_sched_names) ?
	       nxt_sched_names[v] : "other";
}

static const char * const nxt_disk_kinds[] = {
	[NXT_DISK_ROTATIONAL] = "rotational",
	[NXT_DISK_SSD] = "ssd",
	[NXT_DISK_NVME] = "nvme",
	[NXT_DISK_VIRTIO] = "virtio",
	[NXT_DISK_VIRTUAL] = "virtual",
	[NXT_DISK_RAM] = "ram",
};

/**
 * nxt_disk_kind_name() - name of a disk kind
 * @kind: enum nxt_disk_kind
 *
 * Return: the name, "?" if out of range.
 */
const char *nxt_disk_kind_name(u8 kind)
{
	return kind < ARRAY_SIZE(nxt_disk_kinds) ? nxt_disk_kinds[kind] : "?";
}

static const char * const nxt_inelig_names[] = {
	[NXT_ELIGIBLE] = "eligible",
	[NXT_INELIG_NO_SWAP] = "no_swap",
	[NXT_INELIG_RAMDISK] = "ram_disk",
	[NXT_INELIG_NO_SCHED] = "no_io_scheduler",
	[NXT_INELIG_BYTES_MODE] = "bytes_mode",
};

/**
 * nxt_inelig_name() - why a knob is ineligible
 * @why: enum nxt_inelig
 *
 * Return: the name, "?" if out of range.
 */
const char *nxt_inelig_name(u8 why)
{
	return why < ARRAY_SIZE(nxt_inelig_names) ? nxt_inelig_names[why] : "?";
}

/**
 * nxt_file_read() - read a small /proc/sys or sysfs file
 * @path: absolute path of a file with ->read_iter
 * @buf: where to put it, NUL-terminated
 * @size: size of @buf
 *
 * Process context only.
 *
 * Return: bytes read, or -errno.
 */
int nxt_file_read(const char *path, char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n = 0, got = 0;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!f->f_op->read_iter) {
		filp_close(f, NULL);
		return -EOPNOTSUPP;
	}
	while (got < size - 1) {
		n = kernel_read(f, buf + got, size - 1 - got, &pos);
		if (n <= 0)
			break;
		got += n;
	}
	filp_close(f, NULL);
	buf[got] = '\0';
	return n < 0 && !got ? n : got;
}

/**
 * nxt_read_s64() - read a file holding one integer
 * @path: the file
 * @val: the value
 *
 * Return: 0, or -errno (-EINVAL if it does not hold an integer).
 */
int nxt_read_s64(const char *path, s64 *val)
{
	char buf[32];
	int n = nxt_file_read(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	return kstrtos64(strim(buf), 10, val);
}

/* Write @len bytes of @buf to a file, as "echo ... > file" does. */
static int nxt_write_str(const char *path, const char *buf, int len)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!f->f_op->write_iter) {
		filp_close(f, NULL);
		return -EOPNOTSUPP;
	}
	n = kernel_write(f, buf, len, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	return n == len ? 0 : -EIO;
}

/**
 * nxt_write_s64() - write one integer to a file, as "echo N > file" does
 * @path: the file
 * @val: the value
 *
 * The file's own handler validates it.  Process context only.
 *
 * Return: 0, or -errno of the open or the write.
 */
int nxt_write_s64(const char *path, s64 val)
{
	char buf[24];

	return nxt_write_str(path, buf,
			     scnprintf(buf, sizeof(buf), "%lld\n", val));
}

/*
 * A queue/scheduler file: "[none] mq-deadline kyber".  The bracketed name
 * is the current scheduler; the others are those offered.
 */
static int nxt_sched_read(struct nxt_knob *k, s64 *val)
{
	char buf[128], *p = buf, *tok;
	u8 offered = 0;
	int i, n, cur = -1;

	n = nxt_file_read(k->path, buf, sizeof(buf));
	if (n < 0)
		return n;
	while ((tok = strsep(&p, "\n ")) != NULL) {
		bool bracket = tok[0] == '[';
		size_t len;

		if (bracket) {
			tok++;
			len = strlen(tok);
			if (!len || tok[len - 1] != ']')
				return -EINVAL;
			tok[len - 1] = '\0';
			cur = NXT_SCHED_OTHER;
		}
		for (i = 0; i < ARRAY_SIZE(nxt_sched_names); i++)
			if (!strcmp(tok, nxt_sched_names[i]))
				break;
		if (i == ARRAY_SIZE(nxt_sched_names))
			continue;
		offered |= BIT(i);
		if (bracket)
			cur = i;
	}
	if (cur < 0)
		return -EINVAL;
	nxt_devs[k->dev].scheds = offered;
	*val = cur;
	return 0;
}

/*
 * The u32 of a debugfs_create_u32() file under debugfs' "sched": the
 * file's dentry by debugfs_lookup() (no mount needed), the variable's
 * address from its inode's i_private, where debugfs_create_u32() put it.
 * The variables are the scheduler's own sysctl_sched_* in the kernel
 * image, never freed; the dentries are put at once.  Read with READ_ONCE
 * and written with WRITE_ONCE: the scheduler reads them locklessly, and
 * debugfs's own set is a plain store of the u32.  -ENOENT if the kernel
 * has no such file.
 */
static int nxt_dbg_u32(enum nxt_type type, s64 *get, s64 set)
{
	const char *name = strrchr(nxt_types[type].fmt, '/') + 1;
	struct dentry *dir, *d;
	u32 *var;
	int ret = -ENOENT;

	dir = debugfs_lookup("sched", NULL);
	if (IS_ERR_OR_NULL(dir))
		return -ENOENT;
	d = debugfs_lookup(name, dir);
	dput(dir);
	if (IS_ERR_OR_NULL(d))
		return -ENOENT;
	/* a regular file with data: what debugfs_create_u32() makes */
	if (d_is_reg(d) && d_inode(d)->i_private) {
		var = d_inode(d)->i_private;
		ret = 0;
		if (get)
			*get = READ_ONCE(*var);
		else if (set >= 0 && set <= U32_MAX)
			WRITE_ONCE(*var, set);
		else
			ret = -ERANGE;
	}
	dput(d);
	return ret;
}

/**
 * nxt_type_present() - whether the running kernel has a knob type
 * @type: enum nxt_type
 *
 * Only the scheduler's types may be missing (each kernel has some of
 * them); a missing one is not offered: no knob, no enable file.
 *
 * Return: false if the type's debugfs file does not exist.
 */
bool nxt_type_present(enum nxt_type type)
{
	s64 v;

	return !nxt_types[type].dbg_u32 || !nxt_dbg_u32(type, &v, 0);
}

/**
 * nxt_knob_write() - write a value to a knob's file
 * @k: the knob
 * @val: the value (for the I/O scheduler, enum nxt_sched: its name is
 *	written)
 *
 * Process context only.
 *
 * Return: 0, or -errno of the open or the write.
 */
int nxt_knob_write(const struct nxt_knob *k, s64 val)
{
	char buf[24];

	if (nxt_types[k->type].dbg_u32)
		return nxt_dbg_u32(k->type, NULL, val);
	if (k->type != NXT_IOSCHED)
		return nxt_write_s64(k->path, val);
	if (val < 0 || val >= ARRAY_SIZE(nxt_sched_names))
		return -ERANGE;
	return nxt_write_str(k->path, buf, scnprintf(buf, sizeof(buf), "%s\n",
						      nxt_sched_names[val]));
}

/**
 * nxt_knob_read() - read a knob's current value into @k->cur
 * @k: the knob
 *
 * Updates @k->present and @k->out_of_range.
 *
 * Return: 0 or -errno.
 */
int nxt_knob_read(struct nxt_knob *k)
{
	s64 v;
	int ret;

	if (nxt_types[k->type].dbg_u32)
		ret = nxt_dbg_u32(k->type, &v, 0);
	else if (k->type == NXT_IOSCHED)
		ret = nxt_sched_read(k, &v);
	else
		ret = nxt_read_s64(k->path, &v);

	k->present = !ret;
	if (ret)
		return ret;
	k->cur = v;
	k->out_of_range = v < k->min || v > k->max;
	return 0;
}

/**
 * nxt_knob_next() - the value one step from the current one
 * @k: the knob
 * @dir: +1 up, -1 down
 *
 * Clamped to the safe range.
 *
 * Return: the next value, or @k->cur when no step is possible.
 */
s64 nxt_knob_next(const struct nxt_knob *k, int dir)
{
	const struct nxt_type_def *t = &nxt_types[k->type];
	s64 v;

	if (k->out_of_range || !t->step)
		return k->cur;
	if (t->mul)
		v = dir > 0 ? k->cur * t->step : div64_s64(k->cur, t->step);
	else
		v = dir > 0 ? k->cur + t->step : k->cur - t->step;
	return clamp_t(s64, v, k->min, k->max);
}

static void nxt_knob_setup(struct nxt_knob *k, enum nxt_type type, int dev)
{
	const struct nxt_type_def *t = &nxt_types[type];

	memset(k, 0, sizeof(*k));
	k->used = true;
	k->type = type;
	k->dev = dev;
	k->min = t->min;
	k->max = t->max;
	k->target = -1;
	if (dev < 0) {
		strscpy(k->name, t->name, sizeof(k->name));
		strscpy(k->path, t->fmt, sizeof(k->path));
	} else {
		snprintf(k->name, sizeof(k->name), "%s.%s", nxt_devs[dev].name,
			 t->name);
		snprintf(k->path, sizeof(k->path), t->fmt, nxt_devs[dev].name);
	}
	nxt_knob_read(k);
	nxt_rules_apply(k);
}

/**
 * nxt_knobs_init() - set up the global (vm and scheduler) knobs
 *
 * Reads each one's value and applies the adaptation rules.  A scheduler
 * knob the running kernel does not have is left unused: not offered.
 */
void nxt_knobs_init(void)
{
	int i;

	for (i = 0; i < NXT_NR_GLOBAL; i++) {
		nxt_knob_setup(&nxt_knobs[i], i, -1);
		if (nxt_types[i].dbg_u32 && !nxt_knobs[i].present)
			nxt_knobs[i].used = false;
	}
}

/**
 * nxt_dev_knob() - the knob of a type for a disk
 * @dev: index in nxt_devs
 * @type: a per-device type (NXT_IOSCHED and after)
 *
 * Return: the knob.
 */
struct nxt_knob *nxt_dev_knob(int dev, enum nxt_type type)
{
	return &nxt_knobs[NXT_NR_GLOBAL + NXT_PER_DEV * dev +
			  (type - NXT_NR_GLOBAL)];
}

#define NXT_SCAN_MAX	32

struct nxt_dirscan {
	struct dir_context ctx;
	int n;
	char names[NXT_SCAN_MAX][NXT_DISK_LEN];
};

static bool nxt_dir_actor(struct dir_context *ctx, const char *name, int len,
			  loff_t off, u64 ino, unsigned int type)
{
	struct nxt_dirscan *s = container_of(ctx, struct nxt_dirscan, ctx);

	if (name[0] == '.' || len >= NXT_DISK_LEN)
		return true;
	if (s->n >= NXT_SCAN_MAX)
		return false;
	memcpy(s->names[s->n], name, len);
	s->names[s->n][len] = '\0';
	s->n++;
	return true;
}

static bool nxt_path_exists(const char *p)
{
	struct path path;

	if (kern_path(p, LOOKUP_FOLLOW, &path))
		return false;
	path_put(&path);
	return true;
}

static void nxt_dev_classify(struct nxt_dev *d)
{
	char p[NXT_PATH_LEN], buf[128];
	s64 rot = 0;

	snprintf(p, sizeof(p), "/sys/block/%s/queue/scheduler", d->name);
	d->has_sched = nxt_file_read(p, buf, sizeof(buf)) > 0 &&
		       !strstr(buf, "[none]");
	if (!strncmp(d->name, "ram", 3) || !strncmp(d->name, "zram", 4) ||
	    !strncmp(d->name, "pmem", 4)) {
		d->kind = NXT_DISK_RAM;
		return;
	}
	if (!strncmp(d->name, "nvme", 4)) {
		d->kind = NXT_DISK_NVME;
		return;
	}
	snprintf(p, sizeof(p), "/sys/block/%s/device", d->name);
	if (!nxt_path_exists(p)) {
		d->kind = NXT_DISK_VIRTUAL;	/* loop, null_blk, dm, md */
		return;
	}
	if (!strncmp(d->name, "vd", 2)) {
		d->kind = NXT_DISK_VIRTIO;
		return;
	}
	snprintf(p, sizeof(p), "/sys/block/%s/queue/rotational", d->name);
	nxt_read_s64(p, &rot);
	d->kind = rot ? NXT_DISK_ROTATIONAL : NXT_DISK_SSD;
}

static int nxt_dev_find(const char *name)
{
	int i;

	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_devs[i].used && !strcmp(nxt_devs[i].name, name))
			return i;
	return -1;
}

static int nxt_dev_add(const char *name)
{
	struct nxt_dev *d;
	int i, j;

	for (i = 0; i < NXT_DEVS; i++)
		if (!nxt_devs[i].used)
			break;
	if (i == NXT_DEVS)
		return -ENOSPC;
	d = &nxt_devs[i];
	memset(d, 0, sizeof(*d));
	d->used = true;
	strscpy(d->name, name, sizeof(d->name));
	/* the block collector's metric name: [a-z0-9], others as '_' */
	for (j = 0; name[j] && j < NXT_DISK_LEN - 1; j++)
		d->metric[j] = (islower(name[j]) || isdigit(name[j])) ?
			       name[j] : '_';
	nxt_dev_classify(d);
	for (j = NXT_NR_GLOBAL; j < NXT_NR_TYPES; j++)
		nxt_knob_setup(nxt_dev_knob(i, j), j, i);
	pr_debug("disk %s: %s\n", d->name, nxt_disk_kind_name(d->kind));
	return i;
}

/**
 * nxt_devs_scan() - find the block devices in /sys/block
 *
 * Disks of size 0 (unbound loop devices) are skipped.  A disk seen before
 * keeps its slot; one that went away (its knobs' files failed) and came
 * back is set up again, as a new disk.  At most NXT_DEVS disks.
 *
 * Return: the number of disks known, or -errno.
 */
int nxt_devs_scan(void)
{
	struct nxt_dirscan *s;
	struct file *dir;
	char p[NXT_PATH_LEN];
	int i, idx, ret, known = 0;
	unsigned long seen = 0;
	s64 size;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->ctx.actor = nxt_dir_actor;
	dir = filp_open("/sys/block", O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(dir)) {
		kfree(s);
		return PTR_ERR(dir);
	}
	ret = iterate_dir(dir, &s->ctx);
	filp_close(dir, NULL);
	if (ret < 0) {
		kfree(s);
		return ret;
	}
	for (i = 0; i < s->n; i++) {
		snprintf(p, sizeof(p), "/sys/block/%s/size", s->names[i]);
		if (nxt_read_s64(p, &size) || !size)
			continue;
		idx = nxt_dev_find(s->names[i]);
		if (idx >= 0 && nxt_devs[idx].gone) {
			nxt_devs[idx].used = false;
			idx = -1;
		}
		if (idx < 0)
			idx = nxt_dev_add(s->names[i]);
		if (idx >= 0)
			seen |= BIT(idx);
	}
	kfree(s);
	/* a disk no longer listed is gone; its slot is reused if it returns */
	for (i = 0; i < NXT_DEVS; i++)
		if (nxt_devs[i].used && !(seen & BIT(i)))
			nxt_devs[i].gone = true;
	for (i = 0; i < NXT_DEVS; i++)
		known += nxt_devs[i].used && !nxt_devs[i].gone;
	return known;
}
