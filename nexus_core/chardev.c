// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS core: /dev/nexus, the binary ABI of uapi/linux/nexus.h.
 *
 * ioctls for tools (version, config, stats, batch reads of findings and
 * decisions, ingest of userspace samples, metric reads, typed records of
 * the core and its modules) and a read()/poll()
 * stream of struct nexus_event with one cursor per open file.
 *
 * Every ioctl argument is an extensible struct led by a __u32 size, copied
 * in with copy_struct_from_user() and copied out as min(user size, kernel
 * size) bytes.  Commands are decoded without their size bits, so a struct
 * that grows keeps the command valid for binaries built with the old size.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/* Records copied per round of a batch read: bounds the kernel buffer. */
#define NEXUS_BATCH_CHUNK	32

#define NEXUS_USER_PREFIX	"user."
#define NEXUS_USER_PREFIX_LEN	(sizeof(NEXUS_USER_PREFIX) - 1)

/* A command without its size bits: type, number and direction. */
#define NEXUS_IOC_KEY(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

/* Serializes find-or-register of ingested metric names. */
static DEFINE_MUTEX(nexus_ingest_lock);

/**
 * struct nexus_file - one open file of /dev/nexus.
 * @lock: serializes read() on this file.
 * @cursor: the next event of the stream this file reads.
 */
struct nexus_file {
	struct mutex lock;	/* serializes read() */
	u64 cursor;
};

/*
 * nexus_args_in - copy in an extensible ioctl argument.
 * Reads the leading size, refuses sizes below the first published version
 * (-EINVAL) or above a page (-E2BIG), then copy_struct_from_user(): a larger
 * struct must have a zero tail (-E2BIG), a smaller one is zero-extended.
 */
static int nexus_args_in(void *karg, size_t ksize, size_t ver0,
			 void __user *uarg, u32 *usize)
{
	u32 size;
	int ret;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (size < ver0)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, size);
	if (ret)
		return ret;
	*usize = size;
	return 0;
}

/*
 * nexus_args_out - copy out an ioctl argument whose leading __u32 is its
 * size: min(@usize, @ksize) bytes, and that is the size reported back.
 */
static int nexus_args_out(void __user *uarg, void *karg, size_t ksize,
			  u32 usize)
{
	u32 n = min_t(size_t, usize, ksize);

	memcpy(karg, &n, sizeof(n));
	return copy_to_user(uarg, karg, n) ? -EFAULT : 0;
}

static long nexus_ioc_version(void __user *uarg)
{
	struct nexus_version v;
	u32 usize;
	int ret;

	ret = nexus_args_in(&v, sizeof(v), NEXUS_VERSION_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	memset(&v, 0, sizeof(v));
	v.abi_major = NEXUS_ABI_MAJOR;
	v.abi_minor = NEXUS_ABI_MINOR;
	v.module_abi = NEXUS_MODULE_ABI;
	strscpy(v.release, NEXUS_RELEASE, sizeof(v.release));
	return nexus_args_out(uarg, &v, sizeof(v), usize);
}

static long nexus_ioc_get_config(void __user *uarg)
{
	struct nexus_config_args a;
	struct nexus_config c;
	u32 usize;
	int ret;

	ret = nexus_args_in(&a, sizeof(a), NEXUS_CONFIG_ARGS_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (a.flags)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	nexus_config_get(&c);
	ret = nexus_config_to_args(&c, &a);
	if (ret)
		return ret;
	return nexus_args_out(uarg, &a, sizeof(a), usize);
}

static long nexus_ioc_set_config(void __user *uarg)
{
	struct nexus_config_args a, in;
	struct nexus_config c;
	u32 usize;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = nexus_args_in(&in, sizeof(in), NEXUS_CONFIG_ARGS_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	/*
	 * Fields an older, smaller struct lacks keep their current values:
	 * start from the config in force and overlay what the caller sent.
	 */
	memset(&a, 0, sizeof(a));
	nexus_config_get(&c);
	ret = nexus_config_to_args(&c, &a);
	if (ret)
		return ret;
	memcpy(&a, &in, min_t(size_t, usize, sizeof(a)));
	ret = nexus_config_from_args(&a, &c);
	if (ret)
		return ret;
	return nexus_config_apply(&c);
}

static long nexus_ioc_get_stats(void __user *uarg)
{
	struct nexus_stats s;
	u32 usize;
	int ret;

	ret = nexus_args_in(&s, sizeof(s), NEXUS_STATS_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	memset(&s, 0, sizeof(s));
	s.state = nexus_current_state();
	s.level = nexus_current_level();
	s.nr_modules = nexus_registry_count();
	s.events_pushed = nexus_bus_pushed();
	s.events_dropped = nexus_bus_dropped();
	s.events_drained = nexus_bus_drained();
	s.ticks = nexus_engine_ticks();
	s.decisions = nexus_decisions_total();
	s.findings = nexus_findings_total();
	s.memory_used = nexus_mem_used();
	s.memory_budget = READ_ONCE(nexus_cfg.memory_budget);
	s.cpu_used_ppm = nexus_engine_cpu_ppm();
	s.cpu_budget_ppm = READ_ONCE(nexus_cfg.cpu_budget_percent) * 10000;
	s.work_units_last_sec = nexus_engine_work_last_sec();
	s.work_shed = nexus_engine_work_shed();
	s.state_transitions = nexus_state_transitions();
	return nexus_args_out(uarg, &s, sizeof(s), usize);
}

/*
 * Readers of a batch: fill @out with up to @max records with id > @cursor,
 * oldest first, and set *@last to the id of the last one.
 */
static int nexus_batch_findings(u64 cursor, void *out, unsigned int max,
				u64 *last)
{
	struct nexus_finding *f = out;
	int n;

	memset(f, 0, max * sizeof(*f));
	n = nexus_findings_read(cursor, f, max);
	if (n > 0)
		*last = f[n - 1].id;
	return n;
}

static int nexus_batch_decisions(u64 cursor, void *out, unsigned int max,
				 u64 *last)
{
	struct nexus_decision *d = out;
	int n;

	memset(d, 0, max * sizeof(*d));
	n = nexus_decisions_read(cursor, d, max);
	if (n > 0)
		*last = d[n - 1].id;
	return n;
}

static long nexus_ioc_batch(void __user *uarg, size_t rec_size,
			    int (*reader)(u64 cursor, void *out,
					  unsigned int max, u64 *last))
{
	size_t copy, zero;
	struct nexus_batch b;
	char __user *ubuf;
	u32 usize, done = 0;
	u64 cursor;
	void *kbuf;
	int ret;

	ret = nexus_args_in(&b, sizeof(b), NEXUS_BATCH_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	/* The first published record size is the size this kernel has. */
	if (b.flags || b.record_size < rec_size ||
	    b.record_size > NEXUS_RECORD_SIZE_MAX)
		return -EINVAL;
	ubuf = u64_to_user_ptr(b.buf);
	if (b.count && !access_ok(ubuf, (size_t)b.count * b.record_size))
		return -EFAULT;
	copy = min_t(size_t, rec_size, b.record_size);
	zero = b.record_size - copy;

	kbuf = kmalloc_array(NEXUS_BATCH_CHUNK, rec_size, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	cursor = b.cursor;
	while (done < b.count) {
		unsigned int want = min_t(u32, b.count - done,
					  NEXUS_BATCH_CHUNK);
		u64 last = cursor;
		int i, n;

		n = reader(cursor, kbuf, want, &last);
		if (n < 0) {
			ret = n;
			goto out;
		}
		for (i = 0; i < n; i++) {
			char __user *dst = ubuf +
				(size_t)(done + i) * b.record_size;

			if (copy_to_user(dst, (char *)kbuf + i * rec_size, copy) ||
			    (zero && clear_user(dst + copy, zero))) {
				ret = -EFAULT;
				goto out;
			}
		}
		done += n;
		cursor = last;
		if (n < want)
			break;
		cond_resched();
	}
	b.count = done;
	b.cursor = cursor;
	ret = nexus_args_out(uarg, &b, sizeof(b), usize);
out:
	kfree(kbuf);
	return ret;
}

/*
 * nexus_name_valid - @name is NUL-terminated within @size bytes, not empty,
 * and only [a-z0-9_.].
 */
static bool nexus_name_valid(const char *name, size_t size)
{
	size_t i, len = strnlen(name, size);

	if (!len || len == size)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool nexus_is_user_name(const char *name)
{
	return !strncmp(name, NEXUS_USER_PREFIX, NEXUS_USER_PREFIX_LEN);
}

/*
 * nexus_user_name - the full name of an ingested metric in @out: @name under
 * "user.", or @name itself if it starts with "user.".  -EINVAL if it does
 * not fit or nothing follows the prefix.
 */
static int nexus_user_name(const char *name, char *out, size_t size)
{
	int n;

	if (nexus_is_user_name(name)) {
		if (!name[NEXUS_USER_PREFIX_LEN])
			return -EINVAL;
		n = snprintf(out, size, "%s", name);
	} else {
		n = snprintf(out, size, NEXUS_USER_PREFIX "%s", name);
	}
	return n >= 0 && (size_t)n < size ? 0 : -EINVAL;
}

static int nexus_sample_check(const struct nexus_sample_rec *r, u64 now)
{
	char full[NEXUS_NAME_LEN];

	if (!nexus_name_valid(r->metric, sizeof(r->metric)))
		return -EINVAL;
	if (nexus_user_name(r->metric, full, sizeof(full)))
		return -EINVAL;
	if (r->ts_ns > now)
		return -EINVAL;
	return 0;
}

/* The id of ingested metric @name, registered on first use. */
static int nexus_ingest_metric(const char *name)
{
	char full[NEXUS_NAME_LEN];
	int id;

	if (nexus_user_name(name, full, sizeof(full)))
		return -EINVAL;
	mutex_lock(&nexus_ingest_lock);
	id = nexus_metric_find(full);
	if (id < 0)
		id = nexus_metric_register(full, "", NEXUS_METRIC_USER);
	if (id == -EEXIST)	/* registered by someone else meanwhile */
		id = nexus_metric_find(full);
	mutex_unlock(&nexus_ingest_lock);
	return id;
}

static long nexus_ioc_ingest(void __user *uarg)
{
	struct nexus_sample_rec *recs;
	const char *last_name = NULL;
	struct nexus_ingest in;
	char __user *usamples;
	u32 usize, i, done = 0;
	int ret, id = -1;
	u64 now;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	ret = nexus_args_in(&in, sizeof(in), NEXUS_INGEST_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (in.flags || !in.count || in.count > NEXUS_INGEST_MAX ||
	    in.record_size < NEXUS_SAMPLE_REC_SIZE_VER0 ||
	    in.record_size > NEXUS_RECORD_SIZE_MAX)
		return -EINVAL;
	usamples = u64_to_user_ptr(in.samples);

	recs = kvmalloc_array(in.count, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;
	/* Validate every record before storing any. */
	now = ktime_get_ns();
	for (i = 0; i < in.count; i++) {
		ret = copy_struct_from_user(&recs[i], sizeof(recs[i]),
					    usamples + (size_t)i * in.record_size,
					    in.record_size);
		if (!ret)
			ret = nexus_sample_check(&recs[i], now);
		if (ret)
			goto out;
	}
	for (i = 0; i < in.count; i++) {
		const struct nexus_sample_rec *r = &recs[i];

		if (!last_name || strcmp(last_name, r->metric)) {
			id = nexus_ingest_metric(r->metric);
			if (id < 0) {
				ret = id;
				break;
			}
			last_name = r->metric;
		}
		ret = nexus_metric_push(id, r->ts_ns ? r->ts_ns : now,
					r->value);
		if (ret < 0)
			break;
		ret = 0;
		done++;
	}
	if (!done)
		goto out;
	in.count = done;
	ret = nexus_args_out(uarg, &in, sizeof(in), usize);
out:
	kvfree(recs);
	return ret;
}

static long nexus_ioc_read_metric(void __user *uarg)
{
	struct nexus_sample *kbuf = NULL;
	struct nexus_metric_read m;
	struct nexus_sample __user *ubuf;
	char full[NEXUS_NAME_LEN];
	unsigned int max;
	u32 usize;
	int ret, id, n = 0;

	ret = nexus_args_in(&m, sizeof(m), NEXUS_METRIC_READ_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (m.flags || !nexus_name_valid(m.metric, sizeof(m.metric)))
		return -EINVAL;
	ubuf = u64_to_user_ptr(m.buf);
	if (m.count && !access_ok(ubuf, (size_t)m.count * sizeof(*kbuf)))
		return -EFAULT;

	id = nexus_metric_find(m.metric);
	if (id < 0 && !nexus_is_user_name(m.metric) &&
	    !nexus_user_name(m.metric, full, sizeof(full)))
		id = nexus_metric_find(full);
	if (id < 0)
		return -ENOENT;

	max = min_t(u32, m.count, NEXUS_METRIC_READ_MAX);
	if (max) {
		kbuf = kvcalloc(max, sizeof(*kbuf), GFP_KERNEL);
		if (!kbuf)
			return -ENOMEM;
		n = nexus_metric_read(id, kbuf, max, m.since_ns);
		if (n < 0) {
			ret = n;
			goto out;
		}
		if (copy_to_user(ubuf, kbuf, (size_t)n * sizeof(*kbuf))) {
			ret = -EFAULT;
			goto out;
		}
	}
	m.id = id;
	m.count = n;
	memset(m.unit, 0, sizeof(m.unit));
	ret = nexus_metric_unit(id, m.unit, sizeof(m.unit));
	if (ret)
		goto out;
	ret = nexus_args_out(uarg, &m, sizeof(m), usize);
out:
	kvfree(kbuf);
	return ret;
}

/* The kernel's record of each kind: its size is its version. */
static const u32 nexus_rec_size[NEXUS_REC_KIND_COUNT] = {
	[NEXUS_REC_METRIC] = sizeof(struct nexus_metric_rec),
	[NEXUS_REC_FORECAST] = sizeof(struct nexus_forecast_rec),
	[NEXUS_REC_PLAN] = sizeof(struct nexus_plan_rec),
	[NEXUS_REC_TUNE_KNOB] = sizeof(struct nexus_tune_knob_rec),
	[NEXUS_REC_TUNE_EXPERIMENT] = sizeof(struct nexus_tune_exp_rec),
	[NEXUS_REC_TUNE_CHANGE] = sizeof(struct nexus_tune_change_rec),
	[NEXUS_REC_POSTURE] = sizeof(struct nexus_posture_rec),
};

/* The first published size of each kind: callers may not give less. */
static const u32 nexus_rec_ver0[NEXUS_REC_KIND_COUNT] = {
	[NEXUS_REC_METRIC] = NEXUS_METRIC_REC_SIZE_VER0,
	[NEXUS_REC_FORECAST] = NEXUS_FORECAST_REC_SIZE_VER0,
	[NEXUS_REC_PLAN] = NEXUS_PLAN_REC_SIZE_VER0,
	[NEXUS_REC_TUNE_KNOB] = NEXUS_TUNE_KNOB_REC_SIZE_VER0,
	[NEXUS_REC_TUNE_EXPERIMENT] = NEXUS_TUNE_EXP_REC_SIZE_VER0,
	[NEXUS_REC_TUNE_CHANGE] = NEXUS_TUNE_CHANGE_REC_SIZE_VER0,
	[NEXUS_REC_POSTURE] = NEXUS_POSTURE_REC_SIZE_VER0,
};

/*
 * READ_RECORDS: the core's own kind (the metric store) or a module's,
 * taken in one go into a kernel buffer, then copied out without any NEXUS
 * lock held, so a fault on the user's buffer never stalls the engine.
 */
static long nexus_ioc_read_records(void __user *uarg)
{
	size_t ksize, copy, zero;
	struct nexus_records a;
	char __user *ubuf;
	void *kbuf = NULL;
	unsigned int max;
	u64 total = 0;
	int i, n, ret;
	u32 usize;

	ret = nexus_args_in(&a, sizeof(a), NEXUS_RECORDS_SIZE_VER0, uarg,
			    &usize);
	if (ret)
		return ret;
	if (a.flags || !a.kind || a.kind >= NEXUS_REC_KIND_COUNT ||
	    a.record_size < nexus_rec_ver0[a.kind] ||
	    a.record_size > NEXUS_RECORD_SIZE_MAX)
		return -EINVAL;
	ksize = nexus_rec_size[a.kind];
	max = min_t(u32, a.count, NEXUS_RECORDS_MAX);
	ubuf = u64_to_user_ptr(a.buf);
	if (max && !access_ok(ubuf, (size_t)max * a.record_size))
		return -EFAULT;
	if (max) {
		kbuf = kvcalloc(max, ksize, GFP_KERNEL);
		if (!kbuf)
			return -ENOMEM;
	}
	if (a.kind == NEXUS_REC_METRIC)
		n = nexus_store_records(a.offset, kbuf, max, &total);
	else
		n = nexus_registry_records(a.kind, a.offset, kbuf, max, &total);
	if (n < 0) {
		ret = n;
		goto out;
	}
	copy = min_t(size_t, ksize, a.record_size);
	zero = a.record_size - copy;
	for (i = 0; i < n; i++) {
		char __user *dst = ubuf + (size_t)i * a.record_size;

		if (copy_to_user(dst, (char *)kbuf + i * ksize, copy) ||
		    (zero && clear_user(dst + copy, zero))) {
			ret = -EFAULT;
			goto out;
		}
	}
	a.count = n;
	a.kernel_record_size = ksize;
	a.offset += n;
	a.total = total;
	ret = nexus_args_out(uarg, &a, sizeof(a), usize);
out:
	kvfree(kbuf);
	return ret;
}

static long nexus_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (NEXUS_IOC_KEY(cmd)) {
	case NEXUS_IOC_KEY(NEXUS_IOC_VERSION):
		return nexus_ioc_version(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_GET_CONFIG):
		return nexus_ioc_get_config(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_SET_CONFIG):
		return nexus_ioc_set_config(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_GET_STATS):
		return nexus_ioc_get_stats(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_READ_FINDINGS):
		return nexus_ioc_batch(uarg, sizeof(struct nexus_finding),
				       nexus_batch_findings);
	case NEXUS_IOC_KEY(NEXUS_IOC_READ_DECISIONS):
		return nexus_ioc_batch(uarg, sizeof(struct nexus_decision),
				       nexus_batch_decisions);
	case NEXUS_IOC_KEY(NEXUS_IOC_INGEST):
		return nexus_ioc_ingest(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_READ_METRIC):
		return nexus_ioc_read_metric(uarg);
	case NEXUS_IOC_KEY(NEXUS_IOC_READ_RECORDS):
		return nexus_ioc_read_records(uarg);
	default:
		return -ENOTTY;
	}
}

/* An event is pending for @nf: peek with a copy of its cursor. */
static bool nexus_stream_pending(struct nexus_file *nf)
{
	u64 cursor = READ_ONCE(nf->cursor);
	struct nexus_event ev;

	return nexus_stream_read(&cursor, &ev) != 0;
}

static ssize_t nexus_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct nexus_file *nf = file->private_data;
	struct nexus_event ev;
	size_t done = 0;
	int ret = 0;

	if (count < sizeof(ev))
		return -EINVAL;
	if (mutex_lock_interruptible(&nf->lock))
		return -ERESTARTSYS;
	while (done + sizeof(ev) <= count) {
		u64 cursor = nf->cursor;

		memset(&ev, 0, sizeof(ev));
		ret = nexus_stream_read(&cursor, &ev);
		if (ret < 0)
			break;
		if (!ret) {
			if (done)
				break;
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			mutex_unlock(&nf->lock);
			ret = wait_event_interruptible(nexus_stream_wq,
						       nexus_stream_pending(nf));
			if (ret)
				return ret;
			if (mutex_lock_interruptible(&nf->lock))
				return -ERESTARTSYS;
			continue;
		}
		/* Advance only once the event reached the caller. */
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			ret = -EFAULT;
			break;
		}
		nf->cursor = cursor;
		done += sizeof(ev);
	}
	mutex_unlock(&nf->lock);
	return done ? done : ret;
}

static __poll_t nexus_poll(struct file *file, poll_table *wait)
{
	struct nexus_file *nf = file->private_data;

	poll_wait(file, &nexus_stream_wq, wait);
	return nexus_stream_pending(nf) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int nexus_open(struct inode *inode, struct file *file)
{
	struct nexus_file *nf;

	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return -ENOMEM;
	mutex_init(&nf->lock);
	nf->cursor = nexus_stream_head();
	file->private_data = nf;
	return stream_open(inode, file);
}

static int nexus_release(struct inode *inode, struct file *file)
{
	struct nexus_file *nf = file->private_data;

	mutex_destroy(&nf->lock);
	kfree(nf);
	return 0;
}

static const struct file_operations nexus_fops = {
	.owner		= THIS_MODULE,
	.open		= nexus_open,
	.release	= nexus_release,
	.read		= nexus_read,
	.poll		= nexus_poll,
	.unlocked_ioctl	= nexus_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice nexus_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "nexus",
	.fops	= &nexus_fops,
	.mode	= 0600,
};

/**
 * nexus_chardev_init() - register /dev/nexus
 *
 * Called by the core's init once everything the ioctls and the event stream
 * reach is up.
 *
 * Return: 0 or the -errno of misc_register().
 */
int nexus_chardev_init(void)
{
	int ret = misc_register(&nexus_miscdev);

	if (ret)
		pr_err("cannot register /dev/nexus: %d\n", ret);
	return ret;
}

/**
 * nexus_chardev_exit() - unregister /dev/nexus
 *
 * An open file holds a reference on the module, so none is open when the
 * core's exit calls this.
 */
void nexus_chardev_exit(void)
{
	misc_deregister(&nexus_miscdev);
}

/**
 * nexus_chardev_kobj() - the kobject of /dev/nexus, for uevents
 *
 * /sys/kernel/nexus belongs to no kset and cannot send uevents; the misc
 * device can (SUBSYSTEM=misc, DEVNAME=nexus).
 *
 * Return: the kobject, or NULL before registration.
 */
struct kobject *nexus_chardev_kobj(void)
{
	return nexus_miscdev.this_device ? &nexus_miscdev.this_device->kobj : NULL;
}
