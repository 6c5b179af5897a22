// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler collector: context switches, wakeups, forks, exits and
 * run-queue latency from the sched tracepoints; CPU utilisation from the
 * per-CPU idle time; the number of runnable tasks.
 *
 * Probes only bump per-CPU counters (this_cpu ops: no lock, no allocation,
 * safe with interrupts off under the run-queue lock).  The sampler folds
 * them into metrics.
 *
 * Run-queue latency is the time a task waited on a run queue before it got
 * the CPU: on a wakeup, a new task, or after being preempted (the
 * definition bcc's runqlat uses).  The scheduler already keeps the start of
 * that wait in p->sched_info.last_queued (CONFIG_SCHED_INFO, on in both
 * test kernels): sched_info_enqueue() sets it from rq_clock() and
 * sched_info_arrive() clears it only in context_switch(), after the
 * sched_switch tracepoint.  So at sched_switch, next->sched_info.last_queued
 * is the enqueue time, and no per-task storage of our own is needed.  The
 * probe's clock is local_clock(), the same sched_clock as rq_clock() but
 * read a little later (after pick_next_task()), so each sample is a few
 * microseconds long at most; values below zero (clock skew) are dropped.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/kernel_stat.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/tick.h>
#include <trace/events/sched.h>
#include "collect.h"

/* Per-CPU utilisation metrics are registered for this many CPUs at most. */
#define NX_SCHED_MAX_CPU_METRICS	64

struct nx_sched_pcpu {
	u64 switches;
	u64 wakeups;
	u64 forks;
	u64 exits;
	u64 lat_sum_ns;
	u64 lat_n;
	u64 lat_max_ns;		/* since the last sample; reset by it */
};

struct nx_sched_cpu {
	u64 busy_ns;		/* wall - idle - iowait at the last sample */
	u64 wall_ns;
	int metric;
	char name[16];
	bool sampled;
};

static struct nx_sched_pcpu __percpu *nx_sched_pc;
static struct nx_sched_cpu *nx_sched_cpus;	/* [nr_cpu_ids] */
static struct nx_sched_pcpu nx_sched_prev;	/* sums at the last sample */
static char *nx_sched_buf;
static int nx_sched_runnable_err;

enum {
	NX_CTXSW, NX_CTXSW_TOTAL, NX_WAKEUPS, NX_FORKS, NX_EXITS,
	NX_LAT_AVG, NX_LAT_MAX, NX_UTIL, NX_RUNNABLE, NX_SCHED_NR
};

static struct nx_metric nx_sched_metrics[NX_SCHED_NR] = {
	[NX_CTXSW]	 = NX_METRIC("sched.ctxsw", "count/s"),
	[NX_CTXSW_TOTAL] = NX_METRIC("sched.ctxsw_total", "count"),
	[NX_WAKEUPS]	 = NX_METRIC("sched.wakeups", "count/s"),
	[NX_FORKS]	 = NX_METRIC("sched.forks", "count/s"),
	[NX_EXITS]	 = NX_METRIC("sched.exits", "count/s"),
	[NX_LAT_AVG]	 = NX_METRIC("sched.runq_latency_avg_ns", "ns"),
	[NX_LAT_MAX]	 = NX_METRIC("sched.runq_latency_max_ns", "ns"),
	[NX_UTIL]	 = NX_METRIC("cpu.util", "permille"),
	[NX_RUNNABLE]	 = NX_METRIC("sched.runnable", "count"),
};

static void nx_probe_switch(void *data, bool preempt,
			    struct task_struct *prev,
			    struct task_struct *next,
			    unsigned int prev_state)
{
	struct nx_sched_pcpu __percpu *pc = nx_sched_pc;

	this_cpu_inc(pc->switches);
#ifdef CONFIG_SCHED_INFO
	{
		u64 queued = READ_ONCE(next->sched_info.last_queued);
		u64 now, d;

		if (queued && !is_idle_task(next)) {
			now = local_clock();
			if (now > queued) {
				d = now - queued;
				this_cpu_add(pc->lat_sum_ns, d);
				this_cpu_inc(pc->lat_n);
				/*
				 * Not atomic with the sampler's reset: a max
				 * racing with it lands in either period.
				 */
				if (d > this_cpu_read(pc->lat_max_ns))
					this_cpu_write(pc->lat_max_ns, d);
			}
		}
	}
#endif
	nx_hit(data);
}

static void nx_probe_wakeup(void *data, struct task_struct *p)
{
	this_cpu_inc(nx_sched_pc->wakeups);
	nx_hit(data);
}

static void nx_probe_fork(void *data, struct task_struct *parent,
			  struct task_struct *child)
{
	this_cpu_inc(nx_sched_pc->forks);
	nexus_bus_push(NEXUS_EV_FORK, child->pid, parent->pid, 0);
	nx_hit(data);
}

/*
 * The task's cgroup v2 id: the event reaches the modules a tick later,
 * when the task is usually reaped and its cgroup can no longer be asked
 * (nexus_heal counts a watched service's crashes by it).
 */
static u64 nx_task_cgroup_id(struct task_struct *p)
{
	u64 id = 0;

#ifdef CONFIG_CGROUPS
	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(p));
	rcu_read_unlock();
#endif
	return id;
}

static void nx_probe_exit(void *data, struct task_struct *p)
{
	this_cpu_inc(nx_sched_pc->exits);
	nexus_bus_push(NEXUS_EV_EXIT, p->pid,
		       (u64)(u32)p->exit_code | (u64)(u32)p->tgid << 32,
		       nx_task_cgroup_id(p));
	nx_hit(data);
}

static struct nx_tp nx_sched_tps[] = {
	{ .name = "sched_switch",	.probe = nx_probe_switch },
	{ .name = "sched_wakeup",	.probe = nx_probe_wakeup },
	{ .name = "sched_wakeup_new",	.probe = nx_probe_wakeup },
	{ .name = "sched_process_fork",	.probe = nx_probe_fork },
	{ .name = "sched_process_exit",	.probe = nx_probe_exit },
};

static void nx_sched_check_prototypes(void)
{
	NX_TP_CHECK(sched_switch, nx_probe_switch);
	NX_TP_CHECK(sched_wakeup, nx_probe_wakeup);
	NX_TP_CHECK(sched_wakeup_new, nx_probe_wakeup);
	NX_TP_CHECK(sched_process_fork, nx_probe_fork);
	NX_TP_CHECK(sched_process_exit, nx_probe_exit);
}

static void nx_sched_sum(struct nx_sched_pcpu *s, bool reset_max)
{
	int cpu;

	memset(s, 0, sizeof(*s));
	for_each_possible_cpu(cpu) {
		struct nx_sched_pcpu *p = per_cpu_ptr(nx_sched_pc, cpu);
		u64 max;

		s->switches += READ_ONCE(p->switches);
		s->wakeups += READ_ONCE(p->wakeups);
		s->forks += READ_ONCE(p->forks);
		s->exits += READ_ONCE(p->exits);
		s->lat_sum_ns += READ_ONCE(p->lat_sum_ns);
		s->lat_n += READ_ONCE(p->lat_n);
		max = reset_max ? xchg(&p->lat_max_ns, 0) :
				  READ_ONCE(p->lat_max_ns);
		s->lat_max_ns = max(s->lat_max_ns, max);
	}
}

/*
 * Busy time of a CPU as /proc/stat counts it: wall time less idle and
 * iowait, taken from the nohz idle accounting when the CPU is online and
 * it is on (get_cpu_idle_time_us() != -1), else from kcpustat.
 */
static void nx_cpu_idle_ns(int cpu, u64 *idle)
{
	u64 us, i = 0;

	us = cpu_online(cpu) ? get_cpu_idle_time_us(cpu, NULL) : -1ULL;
	i += us == -1ULL ? kcpustat_cpu(cpu).cpustat[CPUTIME_IDLE] :
			   us * NSEC_PER_USEC;
	us = cpu_online(cpu) ? get_cpu_iowait_time_us(cpu, NULL) : -1ULL;
	i += us == -1ULL ? kcpustat_cpu(cpu).cpustat[CPUTIME_IOWAIT] :
			   us * NSEC_PER_USEC;
	*idle = i;
}

/* Return the busy time in per-mille of all sampled CPUs, or -1. */
static s64 nx_sched_util(u64 now_ns)
{
	u64 busy_sum = 0, wall_sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct nx_sched_cpu *s = &nx_sched_cpus[cpu];
		u64 idle, busy, dbusy, dwall;
		s64 util;

		if (!cpu_online(cpu)) {
			s->sampled = false;
			continue;
		}
		nx_cpu_idle_ns(cpu, &idle);
		busy = now_ns > idle ? now_ns - idle : 0;
		if (!s->sampled) {
			s->busy_ns = busy;
			s->wall_ns = now_ns;
			s->sampled = true;
			continue;
		}
		dwall = now_ns - s->wall_ns;
		dbusy = busy > s->busy_ns ? busy - s->busy_ns : 0;
		dbusy = min(dbusy, dwall);
		s->busy_ns = busy;
		s->wall_ns = now_ns;
		if (!dwall)
			continue;
		busy_sum += dbusy;
		wall_sum += dwall;
		util = div64_u64(dbusy * 1000, dwall);
		if (s->metric >= 0)
			nexus_metric_push(s->metric, now_ns, util);
	}
	return wall_sum ? (s64)div64_u64(busy_sum * 1000, wall_sum) : -1;
}

/*
 * nr_running() is not exported; /proc/loadavg's fourth field is it.  The
 * engine thread reading it is one of the running tasks: not counted.
 */
static s64 nx_sched_runnable(void)
{
	const char *slash;
	u64 nr = 0;
	const char *p;
	int n;

	n = nx_read_file("/proc/loadavg", nx_sched_buf, PAGE_SIZE);
	if (n < 0) {
		nx_sched_runnable_err = n;
		return -1;
	}
	slash = strchr(nx_sched_buf, '/');
	if (!slash) {
		nx_sched_runnable_err = -EINVAL;
		return -1;
	}
	for (p = slash; p > nx_sched_buf && p[-1] >= '0' && p[-1] <= '9'; p--)
		;
	for (; p < slash; p++)
		nr = nr * 10 + (*p - '0');
	nx_sched_runnable_err = 0;
	return nr ? nr - 1 : 0;
}

static void nx_sched_sample(struct nexus_collector *c, u64 now_ns)
{
	u64 dt = now_ns - c->last_ns;
	struct nx_sched_pcpu s;
	s64 v;

	nx_sched_sum(&s, true);
	nx_metric_push(&nx_sched_metrics[NX_CTXSW], now_ns,
		       nx_rate(s.switches - nx_sched_prev.switches, dt));
	nx_metric_push(&nx_sched_metrics[NX_CTXSW_TOTAL], now_ns, s.switches);
	nx_metric_push(&nx_sched_metrics[NX_WAKEUPS], now_ns,
		       nx_rate(s.wakeups - nx_sched_prev.wakeups, dt));
	nx_metric_push(&nx_sched_metrics[NX_FORKS], now_ns,
		       nx_rate(s.forks - nx_sched_prev.forks, dt));
	nx_metric_push(&nx_sched_metrics[NX_EXITS], now_ns,
		       nx_rate(s.exits - nx_sched_prev.exits, dt));
	if (s.lat_n > nx_sched_prev.lat_n) {
		nx_metric_push(&nx_sched_metrics[NX_LAT_AVG], now_ns,
			       div64_u64(s.lat_sum_ns - nx_sched_prev.lat_sum_ns,
					 s.lat_n - nx_sched_prev.lat_n));
		nx_metric_push(&nx_sched_metrics[NX_LAT_MAX], now_ns,
			       s.lat_max_ns);
	}
	v = nx_sched_util(now_ns);
	if (v >= 0)
		nx_metric_push(&nx_sched_metrics[NX_UTIL], now_ns, v);
	v = nx_sched_runnable();
	if (v >= 0)
		nx_metric_push(&nx_sched_metrics[NX_RUNNABLE], now_ns, v);
	nx_sched_prev = s;
}

static void nx_sched_free(void)
{
	int cpu;

	if (nx_sched_cpus) {
		for_each_possible_cpu(cpu)
			if (nx_sched_cpus[cpu].metric >= 0)
				nexus_metric_unregister(nx_sched_cpus[cpu].metric);
	}
	nx_metrics_unregister(nx_sched_metrics, NX_SCHED_NR);
	kfree(nx_sched_cpus);
	nx_sched_cpus = NULL;
	kfree(nx_sched_buf);
	nx_sched_buf = NULL;
	free_percpu(nx_sched_pc);
	WRITE_ONCE(nx_sched_pc, NULL);
}

static int nx_sched_start(struct nexus_collector *c)
{
	unsigned int nr = 0;
	int cpu, err;

	nx_sched_check_prototypes();
	nx_sched_pc = alloc_percpu(struct nx_sched_pcpu);
	nx_sched_cpus = kcalloc(nr_cpu_ids, sizeof(*nx_sched_cpus),
				GFP_KERNEL);
	nx_sched_buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (nx_sched_cpus)
		for_each_possible_cpu(cpu)
			nx_sched_cpus[cpu].metric = -1;
	if (!nx_sched_pc || !nx_sched_cpus || !nx_sched_buf) {
		err = -ENOMEM;
		goto fail;
	}
	memset(&nx_sched_prev, 0, sizeof(nx_sched_prev));
	err = nx_metrics_register(nx_sched_metrics, NX_SCHED_NR);
	if (err)
		goto fail;
	/* CPUs that come online later have no per-CPU metric. */
	for_each_online_cpu(cpu) {
		struct nx_sched_cpu *s = &nx_sched_cpus[cpu];

		if (nr++ >= NX_SCHED_MAX_CPU_METRICS)
			break;
		snprintf(s->name, sizeof(s->name), "cpu%d.util", cpu);
		s->metric = nexus_metric_register(s->name, "permille", 0);
	}
	nx_sched_util(ktime_get_ns());
	err = nx_tp_attach(nx_sched_tps, ARRAY_SIZE(nx_sched_tps), c,
			   c->detail, sizeof(c->detail));
	if (err)
		goto fail;
	snprintf(c->detail, sizeof(c->detail), "tracepoints: %zu, %s",
		 ARRAY_SIZE(nx_sched_tps),
		 IS_ENABLED(CONFIG_SCHED_INFO) ? "runq latency" :
						 "no runq latency");
	return 0;
fail:
	nx_sched_free();
	return err;
}

static void nx_sched_stop(struct nexus_collector *c)
{
	nx_tp_detach(nx_sched_tps, ARRAY_SIZE(nx_sched_tps), c);
	nx_sched_free();
}

static void nx_sched_dump(struct nexus_collector *c, struct seq_file *m)
{
	struct nx_sched_pcpu s;

	mutex_lock(&nx_collectors_lock);
	if (!c->attached || !nx_sched_pc) {
		seq_puts(m, "sched: detached\n");
		goto out;
	}
	nx_sched_sum(&s, false);
	seq_printf(m, "sched: switches %llu wakeups %llu forks %llu exits %llu\n",
		   s.switches, s.wakeups, s.forks, s.exits);
	seq_printf(m, "sched: runq latency samples %llu avg %llu ns (since attach)\n",
		   s.lat_n, s.lat_n ? div64_u64(s.lat_sum_ns, s.lat_n) : 0);
	seq_printf(m, "sched: runnable from /proc/loadavg: %d\n",
		   nx_sched_runnable_err);
out:
	mutex_unlock(&nx_collectors_lock);
}

struct nexus_collector nexus_collector_sched = {
	.name = "sched",
	.trace_flag = NEXUS_TRACE_SCHED,
	.start = nx_sched_start,
	.stop = nx_sched_stop,
	.sample = nx_sched_sample,
	.dump = nx_sched_dump,
};
