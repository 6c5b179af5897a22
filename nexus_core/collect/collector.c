// SPDX-License-Identifier: GPL-2.0
/*
 * The collector framework: the table of collectors, starting and stopping
 * them as the level and the tracing config change, the rate of each, the
 * Degraded cause when one fails to attach, and what the collectors share
 * (tracepoint lookup, metric tables, a /proc reader for the samplers).
 *
 * Everything here runs in process context: nexus_collectors_update() from
 * the config path and the engine, nexus_collectors_sample() from the engine
 * thread.  One mutex serialises them; probes never take it.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/err.h>
#include <linux/math64.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/tracepoint.h>
#include <linux/uio.h>
#include "collect.h"

/* Serialises start, stop, sample and dump of the collectors. */
DEFINE_MUTEX(nx_collectors_lock);

static struct nexus_collector *nx_collectors[] = {
	&nexus_collector_sched,
	&nexus_collector_memory,
	&nexus_collector_block,
	&nexus_collector_perf,
};

/* What nexus_collectors_update() was last asked for. */
static enum nexus_level nx_level;
static u32 nx_flags;
/* A failed collector is retried this often while it stays wanted. */
#define NX_RETRY_NS	(10 * NSEC_PER_SEC)
static u64 nx_last_retry_ns;
static u32 nx_failing;		/* bit i: collector i failed to attach */

static bool nx_wanted(const struct nexus_collector *c)
{
	return nx_level > NEXUS_LEVEL_DISABLED && (nx_flags & c->trace_flag);
}

static u64 nx_hits_sum(const struct nexus_collector *c)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(c->hits, cpu));
	return sum;
}

static void nx_hits_zero(struct nexus_collector *c)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(*per_cpu_ptr(c->hits, cpu), 0);
}

/* Recompute the Degraded cause after a change of nx_failing. */
static void nx_failing_set(unsigned int i, struct nexus_collector *c, int err)
{
	char why[NEXUS_REASON_LEN];
	u32 was = nx_failing;

	if (err)
		nx_failing |= BIT(i);
	else
		nx_failing &= ~BIT(i);
	if (err && c->attach_err != err) {
		snprintf(why, sizeof(why), "collector %s: attach failed (%pe)",
			 c->name, ERR_PTR(err));
		pr_warn("%s\n", why);
		nexus_degrade(NEXUS_DEGRADED_COLLECTOR, why);
	}
	if (c->attach_err != err)
		nexus_stream_emit(NEXUS_EV_COLLECTOR, 0, i, (u64)(s64)err);
	c->attach_err = err;
	if (was && !nx_failing)
		nexus_undegrade(NEXUS_DEGRADED_COLLECTOR);
}

static void nx_collector_start(unsigned int i, u64 now_ns)
{
	struct nexus_collector *c = nx_collectors[i];
	int err;

	nx_hits_zero(c);
	c->rate = 0;
	c->total = 0;
	c->last_total = 0;
	c->last_ns = now_ns;
	c->detail[0] = '\0';
	err = c->start(c);
	if (err) {
		if (!c->detail[0])
			snprintf(c->detail, sizeof(c->detail),
				 "attach failed (%pe)", ERR_PTR(err));
		nx_failing_set(i, c, err);
		return;
	}
	WRITE_ONCE(c->attached, true);
	nx_failing_set(i, c, 0);
}

static void nx_collector_stop(unsigned int i)
{
	struct nexus_collector *c = nx_collectors[i];

	if (!c->attached)
		return;
	c->stop(c);
	WRITE_ONCE(c->attached, false);
	WRITE_ONCE(c->rate, 0);
	snprintf(c->detail, sizeof(c->detail), "detached");
}

/**
 * nexus_collectors_update() - attach and detach collectors
 * @level: the level in force; at NEXUS_LEVEL_DISABLED all are detached
 * @trace_flags: NEXUS_TRACE_* of the collectors that should run
 *
 * Starts the wanted collectors that are not attached (retrying those that
 * failed) and stops the others.  A collector that fails to attach sets the
 * Degraded cause NEXUS_DEGRADED_COLLECTOR and emits NEXUS_EV_COLLECTOR; the
 * cause clears when no wanted collector is failing.  Process context; may
 * sleep (detaching waits for running probes to finish).
 */
void nexus_collectors_update(enum nexus_level level, u32 trace_flags)
{
	u64 now = ktime_get_ns();
	unsigned int i;

	mutex_lock(&nx_collectors_lock);
	nx_level = level;
	nx_flags = trace_flags;
	for (i = 0; i < ARRAY_SIZE(nx_collectors); i++) {
		struct nexus_collector *c = nx_collectors[i];

		if (!nx_wanted(c)) {
			nx_collector_stop(i);
			if (c->attach_err) {
				/* Not wanted any more: no longer a failure. */
				nx_failing_set(i, c, 0);
				c->detail[0] = '\0';
			}
		} else if (!c->attached) {
			nx_collector_start(i, now);
		}
	}
	nx_last_retry_ns = now;
	mutex_unlock(&nx_collectors_lock);
}

/**
 * nexus_collectors_sample() - fold the collectors' aggregates into metrics
 * @now_ns: monotonic time of the engine tick
 *
 * Called by the engine on each tick.  Each attached collector is sampled
 * when a tracing sample period has passed since its last sample; its rate
 * is updated from its per-CPU hit counters.  Failed collectors are retried
 * every ten seconds.  Process context; may sleep.
 */
void nexus_collectors_sample(u64 now_ns)
{
	u64 period = (u64)READ_ONCE(nexus_cfg.tracing.sample_period_ms) *
		     NSEC_PER_MSEC;
	unsigned int i;

	if (!period)
		period = NSEC_PER_SEC;
	mutex_lock(&nx_collectors_lock);
	for (i = 0; i < ARRAY_SIZE(nx_collectors); i++) {
		struct nexus_collector *c = nx_collectors[i];
		u64 total, dt;

		if (!c->attached || now_ns <= c->last_ns)
			continue;
		dt = now_ns - c->last_ns;
		/*
		 * Ticks do not fall exactly on sample periods: take the tick
		 * that ends within 1/16 of a period, so a 1000 ms period with
		 * 100 ms ticks samples every 1000 ms, not every 1100 ms.
		 */
		if (dt + period / 16 < period)
			continue;
		if (c->sample)
			c->sample(c, now_ns);
		total = nx_hits_sum(c);
		WRITE_ONCE(c->rate, nx_rate(total - c->last_total, dt));
		WRITE_ONCE(c->total, total);
		c->last_total = total;
		c->last_ns = now_ns;
	}
	if (nx_failing && now_ns - nx_last_retry_ns >= NX_RETRY_NS) {
		nx_last_retry_ns = now_ns;
		for (i = 0; i < ARRAY_SIZE(nx_collectors); i++)
			if ((nx_failing & BIT(i)) && nx_wanted(nx_collectors[i]))
				nx_collector_start(i, now_ns);
	}
	mutex_unlock(&nx_collectors_lock);
}

/**
 * nexus_collectors_count() - how many collectors there are
 *
 * Return: the number of collectors, attached or not.
 */
unsigned int nexus_collectors_count(void)
{
	return ARRAY_SIZE(nx_collectors);
}

/**
 * nexus_collector_get() - one collector, for sysfs and debugfs
 * @i: 0..nexus_collectors_count() - 1
 *
 * The collector lives as long as nexus_core; its fields may change under
 * the reader (read them with READ_ONCE).
 *
 * Return: the collector, or NULL past the end.
 */
struct nexus_collector *nexus_collector_get(unsigned int i)
{
	return i < ARRAY_SIZE(nx_collectors) ? nx_collectors[i] : NULL;
}

/**
 * nexus_collectors_init() - allocate the collectors' counters
 *
 * Return: 0 or -ENOMEM.  Nothing is attached until
 * nexus_collectors_update() asks for it.
 */
int nexus_collectors_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nx_collectors); i++) {
		struct nexus_collector *c = nx_collectors[i];

		c->hits = alloc_percpu(u64);
		if (!c->hits)
			goto fail;
		c->attached = false;
		c->attach_err = 0;
		snprintf(c->detail, sizeof(c->detail), "detached");
	}
	return 0;
fail:
	while (i--) {
		free_percpu(nx_collectors[i]->hits);
		nx_collectors[i]->hits = NULL;
	}
	return -ENOMEM;
}

/**
 * nexus_collectors_exit() - detach every collector and free the counters
 *
 * On return no probe of any collector runs.
 */
void nexus_collectors_exit(void)
{
	unsigned int i;

	mutex_lock(&nx_collectors_lock);
	nx_level = NEXUS_LEVEL_DISABLED;
	for (i = 0; i < ARRAY_SIZE(nx_collectors); i++)
		nx_collector_stop(i);
	if (nx_failing) {
		nx_failing = 0;
		nexus_undegrade(NEXUS_DEGRADED_COLLECTOR);
	}
	for (i = 0; i < ARRAY_SIZE(nx_collectors); i++) {
		free_percpu(nx_collectors[i]->hits);
		nx_collectors[i]->hits = NULL;
		nx_collectors[i]->attach_err = 0;
	}
	mutex_unlock(&nx_collectors_lock);
}

/* ---- shared by the collectors ---- */

/**
 * nx_rate() - events per second
 * @delta: events counted
 * @dt_ns: over this many nanoseconds
 *
 * Rounded to the nearest: truncated, a rate of a few events a second
 * read half an event low on average (the debug kernel's 4.4 forks a
 * second were 4.1).
 *
 * Return: @delta per second, 0 when @dt_ns is 0; no overflow for any
 * @delta.
 */
u64 nx_rate(u64 delta, u64 dt_ns)
{
	u64 q, r;

	if (!dt_ns)
		return 0;
	q = mul_u64_u64_div_u64(delta, NSEC_PER_SEC, dt_ns);
	/* the remainder is below dt_ns: exact in wrapping u64 arithmetic */
	r = delta * NSEC_PER_SEC - q * dt_ns;
	return r >= dt_ns - r ? q + 1 : q;
}

struct nx_tp_find {
	struct nx_tp *tps;
	unsigned int n;
};

static void nx_tp_match(struct tracepoint *tp, void *priv)
{
	struct nx_tp_find *f = priv;
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (!f->tps[i].tp && !strcmp(tp->name, f->tps[i].name))
			f->tps[i].tp = tp;
}

/**
 * nx_tp_attach() - find and register a table of tracepoint probes
 * @tps: the table
 * @n: its length
 * @data: passed to every probe as its first argument
 * @why: on failure, which tracepoint failed and how
 * @why_size: size of @why
 *
 * The tracepoints we need are not exported to modules, so they are looked
 * up by name among the core kernel's with for_each_kernel_tracepoint().
 * An optional tracepoint that is missing or fails is skipped.
 *
 * Return: 0, or -ENOENT when a required tracepoint does not exist, or the
 * error of tracepoint_probe_register(); on error nothing stays registered.
 */
int nx_tp_attach(struct nx_tp *tps, unsigned int n, void *data,
		 char *why, size_t why_size)
{
	struct nx_tp_find f = { .tps = tps, .n = n };
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		tps[i].tp = NULL;
		tps[i].registered = false;
	}
	for_each_kernel_tracepoint(nx_tp_match, &f);
	for (i = 0; i < n; i++) {
		err = tps[i].tp ? tracepoint_probe_register(tps[i].tp,
							    tps[i].probe, data)
				: -ENOENT;
		if (!err) {
			tps[i].registered = true;
			continue;
		}
		if (tps[i].optional) {
			err = 0;
			continue;
		}
		snprintf(why, why_size, "%s: %pe", tps[i].name, ERR_PTR(err));
		nx_tp_detach(tps, n, data);
		return err;
	}
	return 0;
}

/**
 * nx_tp_detach() - unregister a table of probes and wait for them
 * @tps: the table given to nx_tp_attach()
 * @n: its length
 * @data: the data given to nx_tp_attach()
 *
 * On return no probe of the table runs on any CPU, so what they touch may
 * be freed.  May sleep.
 */
void nx_tp_detach(struct nx_tp *tps, unsigned int n, void *data)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!tps[i].registered)
			continue;
		WARN_ON_ONCE(tracepoint_probe_unregister(tps[i].tp,
							 tps[i].probe, data));
		tps[i].registered = false;
		any = true;
	}
	if (any)
		tracepoint_synchronize_unregister();
}

/**
 * nx_metrics_register() - register a table of metrics
 * @m: the table; each id is set
 * @n: its length
 *
 * Return: 0, or the error of nexus_metric_register(); on error none stays
 * registered.
 */
int nx_metrics_register(struct nx_metric *m, unsigned int n)
{
	unsigned int i;
	int id;

	for (i = 0; i < n; i++)
		m[i].id = -1;
	for (i = 0; i < n; i++) {
		id = nexus_metric_register(m[i].name, m[i].unit, 0);
		if (id < 0) {
			pr_warn("cannot register metric %s: %pe\n", m[i].name,
				ERR_PTR(id));
			nx_metrics_unregister(m, i);
			return id;
		}
		m[i].id = id;
	}
	return 0;
}

/**
 * nx_metrics_unregister() - unregister a table of metrics
 * @m: the table
 * @n: its length
 */
void nx_metrics_unregister(struct nx_metric *m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (m[i].id >= 0)
			nexus_metric_unregister(m[i].id);
		m[i].id = -1;
	}
}

/**
 * nx_metric_push() - push a sample of a table's metric, if registered
 * @m: the metric
 * @now_ns: the sample's time
 * @value: its value
 */
void nx_metric_push(const struct nx_metric *m, u64 now_ns, s64 value)
{
	if (m->id >= 0)
		nexus_metric_push(m->id, now_ns, value);
}

/*
 * Read a seq_file through seq_read_iter().  Some /proc files (those of PSI)
 * have only a ->read method (seq_read), which __kernel_read() refuses for
 * kernel buffers; seq_read() itself is a wrapper of seq_read_iter() over
 * file->private_data, so call that with a kernel iov_iter.
 */
static ssize_t nx_seq_read(struct file *f, char *buf, size_t len, loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	n = seq_read_iter(&kiocb, &iter);
	if (n > 0)
		*pos = kiocb.ki_pos;
	return n;
}

static struct lock_class_key nx_read_file_key;

/**
 * nx_read_file() - read a small seq_file-backed /proc file
 * @path: absolute path of a /proc file implemented with seq_file
 * @buf: where to put it, NUL-terminated
 * @size: size of @buf
 *
 * For the samplers, in process context, where the kernel does not export
 * what a /proc file shows (the PSI totals, nr_running(), SwapTotal).  Files
 * without ->read_iter are read with seq_read_iter(), so @path must be a
 * seq_file (all of /proc/{meminfo,loadavg,pressure/}*).
 *
 * Return: bytes read, or -errno.
 */
int nx_read_file(const char *path, char *buf, size_t size)
{
	struct seq_file *seq;
	struct file *f;
	loff_t pos = 0;
	ssize_t n = 0, got = 0;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/*
	 * Starting a collector reads its baseline here under
	 * nx_collectors_lock, so this seq_file's lock nests inside it, while
	 * reading a NEXUS debugfs dump takes nx_collectors_lock inside that
	 * dump's seq_file lock.  Both are one lock class to lockdep, which
	 * reported a cycle (debug-kernel lane, fault-injection run).  This
	 * file is private to the call: nobody else can hold its lock, so it
	 * gets a class of its own.
	 */
	seq = f->private_data;
	if (seq)
		lockdep_set_class(&seq->lock, &nx_read_file_key);
	while (got < size - 1) {
		if (f->f_op->read_iter)
			n = kernel_read(f, buf + got, size - 1 - got, &pos);
		else
			n = nx_seq_read(f, buf + got, size - 1 - got, &pos);
		if (n <= 0)
			break;
		got += n;
	}
	filp_close(f, NULL);
	buf[got] = '\0';
	return n < 0 && !got ? n : got;
}

/**
 * nx_parse_key() - find "key" in a /proc text and parse the number after it
 * @buf: NUL-terminated text
 * @key: e.g. "MemFree:" (at the start of a line) or "total=" (anywhere)
 * @val: the number
 *
 * A key ending in ':' must start a line; others may appear anywhere.
 * Blanks between the key and the number are skipped.
 *
 * Return: 0, or -ENOENT when the key is missing or has no number.
 */
int nx_parse_key(const char *buf, const char *key, u64 *val)
{
	size_t len = strlen(key);
	bool line = len && key[len - 1] == ':';
	const char *p = buf;
	char num[24];
	size_t i;

	for (;;) {
		p = strstr(p, key);
		if (!p)
			return -ENOENT;
		if (!line || p == buf || p[-1] == '\n')
			break;
		p += len;
	}
	p += len;
	while (*p == ' ' || *p == '\t')
		p++;
	for (i = 0; i < sizeof(num) - 1 && p[i] >= '0' && p[i] <= '9'; i++)
		num[i] = p[i];
	num[i] = '\0';
	if (!i || kstrtou64(num, 10, val))
		return -ENOENT;
	return 0;
}
