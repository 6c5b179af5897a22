// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/nexus: human-readable dumps, one seq_file each.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/fs.h>
#include "internal.h"

static struct dentry *nexus_dbg_dir;

static const char * const nexus_event_names[NEXUS_EV_TYPE_COUNT] = {
	"none", "fork", "exit", "oom_kill", "reclaim_stall", "blk_slow_io",
	"state", "level", "decision", "finding", "collector", "config",
	"module", "sample", "record",
};

static int nexus_events_show(struct seq_file *m, void *unused)
{
	u64 head = nexus_stream_head();
	u64 cursor = head > 1024 ? head - 1024 : 0;
	struct nexus_event ev;

	seq_puts(m, "# ts_ns cpu type pid arg0 arg1\n");
	while (cursor < head && nexus_stream_read(&cursor, &ev))
		seq_printf(m, "%llu %u %s %u %llu %llu\n", ev.ts_ns, ev.cpu,
			   ev.type < NEXUS_EV_TYPE_COUNT ?
			   nexus_event_names[ev.type] : "?",
			   ev.pid, ev.arg0, ev.arg1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_events);

static int nexus_decisions_show(struct seq_file *m, void *unused)
{
	nexus_decisions_dump(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_decisions);

static int nexus_findings_show(struct seq_file *m, void *unused)
{
	nexus_findings_dump(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_findings);

static int nexus_metrics_show(struct seq_file *m, void *unused)
{
	nexus_store_dump(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_metrics);

static int nexus_budget_show(struct seq_file *m, void *unused)
{
	nexus_engine_dump_budget(m);
	seq_printf(m, "events_pushed %llu\nevents_dropped %llu\nevents_drained %llu\n",
		   nexus_bus_pushed(), nexus_bus_dropped(), nexus_bus_drained());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_budget);

static int nexus_collectors_show(struct seq_file *m, void *unused)
{
	unsigned int i;

	seq_puts(m, "# name attached error rate total detail\n");
	for (i = 0; i < nexus_collectors_count(); i++) {
		struct nexus_collector *c = nexus_collector_get(i);

		seq_printf(m, "%s %d %d %llu %llu %s\n", c->name,
			   READ_ONCE(c->attached), READ_ONCE(c->attach_err),
			   READ_ONCE(c->rate), READ_ONCE(c->total),
			   c->detail[0] ? c->detail : "-");
		if (c->dump && READ_ONCE(c->attached))
			c->dump(c, m);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nexus_collectors);

/*
 * The dumps of the modules and of the registry are printed into a buffer
 * when the file is opened, with nexus_registry_lock held (serialised with
 * the modules' ticks), and read() copies from that snapshot.  A seq_file
 * show would run under the seq_file's mutex, and the modules' ticks read
 * procfs and kernfs files (seq_files themselves) under the registry lock:
 * lockdep rightly reports that order inverted (seq_file -> registry ->
 * seq_file).  No registry lock is taken with a seq_file mutex held.
 */
#define NEXUS_DBG_SNAP_MIN	(16 * 1024)
#define NEXUS_DBG_SNAP_MAX	(8 * 1024 * 1024)

struct nexus_dbg_snap {
	size_t len;
	char *buf;
};

static int nexus_dbg_snap_open(struct file *file,
			       int (*show)(struct seq_file *m, void *unused),
			       void *data)
{
	struct nexus_dbg_snap *snap;
	struct seq_file m;
	size_t size;
	int ret;

	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	for (size = NEXUS_DBG_SNAP_MIN; ; size *= 2) {
		memset(&m, 0, sizeof(m));
		m.buf = kvmalloc(size, GFP_KERNEL);
		if (!m.buf) {
			ret = -ENOMEM;
			goto err;
		}
		m.size = size;
		m.private = data;
		m.file = file;
		mutex_lock(&nexus_registry_lock);
		ret = show(&m, NULL);
		mutex_unlock(&nexus_registry_lock);
		if (!ret && !seq_has_overflowed(&m))
			break;
		kvfree(m.buf);
		if (ret)
			goto err;
		if (size >= NEXUS_DBG_SNAP_MAX) {
			ret = -EFBIG;
			goto err;
		}
	}
	snap->buf = m.buf;
	snap->len = m.count;
	file->private_data = snap;
	return 0;
err:
	kfree(snap);
	return ret;
}

static ssize_t nexus_dbg_snap_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct nexus_dbg_snap *snap = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, snap->buf, snap->len);
}

static int nexus_dbg_snap_release(struct inode *inode, struct file *file)
{
	struct nexus_dbg_snap *snap = file->private_data;

	kvfree(snap->buf);
	kfree(snap);
	return 0;
}

static int nexus_modules_show(struct seq_file *m, void *unused)
{
	nexus_registry_dump(m);
	return 0;
}

static int nexus_modules_open(struct inode *inode, struct file *file)
{
	return nexus_dbg_snap_open(file, nexus_modules_show, NULL);
}

static const struct file_operations nexus_modules_fops = {
	.owner = THIS_MODULE,
	.open = nexus_modules_open,
	.read = nexus_dbg_snap_read,
	.llseek = default_llseek,
	.release = nexus_dbg_snap_release,
};

static int nexus_module_show(struct seq_file *m, void *unused)
{
	const struct nexus_module_ops *ops = m->private;

	ops->dump(m);
	return 0;
}

static int nexus_module_open(struct inode *inode, struct file *file)
{
	return nexus_dbg_snap_open(file, nexus_module_show, inode->i_private);
}

static const struct file_operations nexus_module_fops = {
	.owner = THIS_MODULE,
	.open = nexus_module_open,
	.read = nexus_dbg_snap_read,
	.llseek = default_llseek,
	.release = nexus_dbg_snap_release,
};

/**
 * nexus_debugfs_add_module() - create /sys/kernel/debug/nexus/<name>
 * @ops: the module; nothing is created if it has no dump callback
 *
 * Return: the handle for nexus_debugfs_del_module(), possibly NULL.
 */
void *nexus_debugfs_add_module(const struct nexus_module_ops *ops)
{
	if (!ops->dump || !nexus_dbg_dir)
		return NULL;
	return debugfs_create_file(ops->name, 0400, nexus_dbg_dir,
				   (void *)ops, &nexus_module_fops);
}

/**
 * nexus_debugfs_del_module() - remove a module's file, waiting for readers
 * @handle: from nexus_debugfs_add_module()
 */
void nexus_debugfs_del_module(void *handle)
{
	debugfs_remove(handle);
}

/* An extra file of a module, from nexus_debugfs_create(). */
struct nexus_dbg_file {
	struct list_head list;
	const struct nexus_module_ops *ops;
	int (*show)(struct seq_file *m, void *unused);
	struct dentry *dentry;
};

static LIST_HEAD(nexus_dbg_files);
static DEFINE_MUTEX(nexus_dbg_files_lock);

static int nexus_extra_show(struct seq_file *m, void *unused)
{
	struct nexus_dbg_file *f = m->private;

	return f->show(m, unused);
}

static int nexus_extra_open(struct inode *inode, struct file *file)
{
	return nexus_dbg_snap_open(file, nexus_extra_show, inode->i_private);
}

static const struct file_operations nexus_extra_fops = {
	.owner = THIS_MODULE,
	.open = nexus_extra_open,
	.read = nexus_dbg_snap_read,
	.llseek = default_llseek,
	.release = nexus_dbg_snap_release,
};

/**
 * nexus_debugfs_create() - an extra file /sys/kernel/debug/nexus/<name>
 * @ops: the registered module that provides it
 * @name: the file name; must not be taken (a core file or another module's)
 * @show: prints the file when it is opened, under the same lock as the
 *	module's tick
 *
 * For modules with more than one dump (e.g. anomaly's "anomalies" and
 * "baselines").  Call it after nexus_register_module() returned 0, not from
 * the init callback; nexus_unregister_module() removes the file, waiting
 * for its readers, before the module's exit callback runs.  Process context.
 *
 * Return: 0 (also when debugfs is not available: the dumps are optional),
 * -EINVAL, -ENOMEM, or -EEXIST when @name is taken.
 */
int nexus_debugfs_create(const struct nexus_module_ops *ops, const char *name,
			 int (*show)(struct seq_file *m, void *unused))
{
	struct nexus_dbg_file *f;
	struct dentry *d;

	if (!ops || !name || !*name || !show)
		return -EINVAL;
	if (!nexus_dbg_dir)
		return 0;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->ops = ops;
	f->show = show;
	d = debugfs_create_file(name, 0400, nexus_dbg_dir, f, &nexus_extra_fops);
	if (IS_ERR(d)) {
		kfree(f);
		return PTR_ERR(d);
	}
	f->dentry = d;
	mutex_lock(&nexus_dbg_files_lock);
	list_add_tail(&f->list, &nexus_dbg_files);
	mutex_unlock(&nexus_dbg_files_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(nexus_debugfs_create);

/**
 * nexus_debugfs_remove_files() - remove a module's extra files
 * @ops: the module
 *
 * Called by nexus_unregister_module() without the registry lock held, since
 * debugfs_remove() waits for readers that take it.
 */
void nexus_debugfs_remove_files(const struct nexus_module_ops *ops)
{
	struct nexus_dbg_file *f, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&nexus_dbg_files_lock);
	list_for_each_entry_safe(f, tmp, &nexus_dbg_files, list)
		if (f->ops == ops)
			list_move(&f->list, &gone);
	mutex_unlock(&nexus_dbg_files_lock);
	list_for_each_entry_safe(f, tmp, &gone, list) {
		debugfs_remove(f->dentry);
		kfree(f);
	}
}

/**
 * nexus_debugfs_init() - create /sys/kernel/debug/nexus
 *
 * debugfs is optional: without it NEXUS runs and only the dumps are missing.
 *
 * Return: 0.
 */
int nexus_debugfs_init(void)
{
	nexus_dbg_dir = debugfs_create_dir("nexus", NULL);
	if (IS_ERR(nexus_dbg_dir)) {
		nexus_dbg_dir = NULL;
		return 0;
	}
	debugfs_create_file("events", 0400, nexus_dbg_dir, NULL, &nexus_events_fops);
	debugfs_create_file("decisions", 0400, nexus_dbg_dir, NULL,
			    &nexus_decisions_fops);
	debugfs_create_file("findings", 0400, nexus_dbg_dir, NULL,
			    &nexus_findings_fops);
	debugfs_create_file("metrics", 0400, nexus_dbg_dir, NULL, &nexus_metrics_fops);
	debugfs_create_file("modules", 0400, nexus_dbg_dir, NULL, &nexus_modules_fops);
	debugfs_create_file("budget", 0400, nexus_dbg_dir, NULL, &nexus_budget_fops);
	debugfs_create_file("collectors", 0400, nexus_dbg_dir, NULL,
			    &nexus_collectors_fops);
	return 0;
}

/**
 * nexus_debugfs_exit() - remove /sys/kernel/debug/nexus
 */
void nexus_debugfs_exit(void)
{
	debugfs_remove_recursive(nexus_dbg_dir);
	nexus_dbg_dir = NULL;
}
