// SPDX-License-Identifier: GPL-2.0
/*
 * The perf collector: per-CPU kernel counters from perf events.
 *
 * With a hardware PMU it counts cycles, instructions, cache misses and
 * branch misses on every CPU (and derives instructions per cycle).  When
 * the PMU has no cycles counter (a VM without a virtual PMU, e.g. QEMU
 * TCG) it falls back to software events: context switches, CPU migrations
 * and page faults.  detail says which ran.  A hardware event other than
 * cycles that the PMU lacks is left out.  (cpu-clock is not used: counted
 * per CPU it is wall-clock time, which says nothing; task-clock needs a
 * task.)
 *
 * Counters are created for the CPUs online at start only; a CPU brought
 * online later is not counted until the collector is restarted (switch it
 * off and on).  Counters are not pinned: when the PMU is shared they are
 * multiplexed and each count is scaled by enabled/running time, as perf
 * stat does.  The counters count on their own and the sampler reads them,
 * so there is no probe.  Hardware counters are read with
 * perf_event_read_value(), which interrupts the CPU owning the counter to
 * read the PMU.  The software events used here add to event->count where
 * they happen (perf_swevent_event()), so that count is read directly:
 * the same value without an IPI per counter per CPU each sample.  The
 * collector's rate is that of its first event (cycles, or context switches
 * in the fallback).
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/perf_event.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "collect.h"

struct nx_perf_def {
	const char *metric;
	const char *short_name;
	const char *unit;
	u32 type;
	u64 config;
};

static const struct nx_perf_def nx_perf_hw[] = {
	{ "perf.cycles", "cycles", "count/s",
	  PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "perf.instructions", "instructions", "count/s",
	  PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "perf.cache_misses", "cache-misses", "count/s",
	  PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "perf.branch_misses", "branch-misses", "count/s",
	  PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
};

static const struct nx_perf_def nx_perf_sw[] = {
	{ "perf.context_switches", "context-switches", "count/s",
	  PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "perf.cpu_migrations", "cpu-migrations", "count/s",
	  PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "perf.page_faults", "page-faults", "count/s",
	  PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
};

#define NX_PERF_MAX	4

struct nx_perf_counter {
	const struct nx_perf_def *def;
	struct perf_event **ev;		/* [nr_cpu_ids], NULL if none */
	u64 prev;			/* scaled sum at the last sample */
	u64 last_rate;
	struct nx_metric metric;
};

static struct nx_perf_counter nx_perf[NX_PERF_MAX];
static unsigned int nx_perf_nr;
static bool nx_perf_is_hw;
static int nx_perf_hw_err;
static struct nx_metric nx_perf_ipc = NX_METRIC("perf.ipc_permille",
						"permille");

static void nx_perf_destroy(struct nx_perf_counter *pc)
{
	int cpu;

	if (!pc->ev)
		return;
	for_each_possible_cpu(cpu)
		if (pc->ev[cpu])
			perf_event_release_kernel(pc->ev[cpu]);
	kfree(pc->ev);
	pc->ev = NULL;
}

/* Create @def's counter on every online CPU; all or nothing. */
static int nx_perf_create(struct nx_perf_counter *pc,
			  const struct nx_perf_def *def)
{
	struct perf_event_attr attr = {
		.type = def->type,
		.size = sizeof(attr),
		.config = def->config,
	};
	struct perf_event *ev;
	int cpu;

	pc->def = def;
	pc->prev = 0;
	pc->last_rate = 0;
	pc->metric = (struct nx_metric)NX_METRIC(def->metric, def->unit);
	pc->ev = kcalloc(nr_cpu_ids, sizeof(*pc->ev), GFP_KERNEL);
	if (!pc->ev)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		ev = perf_event_create_kernel_counter(&attr, cpu, NULL, NULL,
						      NULL);
		if (IS_ERR(ev)) {
			cpus_read_unlock();
			nx_perf_destroy(pc);
			return PTR_ERR(ev);
		}
		pc->ev[cpu] = ev;
	}
	cpus_read_unlock();
	return 0;
}

/* The counter's total over its CPUs, each scaled for multiplexing. */
static u64 nx_perf_read(struct nx_perf_counter *pc)
{
	u64 sum = 0, v, enabled, running;
	int cpu;

	for_each_possible_cpu(cpu) {
		if (!pc->ev[cpu])
			continue;
		if (pc->def->type == PERF_TYPE_SOFTWARE) {
			sum += local64_read(&pc->ev[cpu]->count);
			continue;
		}
		v = perf_event_read_value(pc->ev[cpu], &enabled, &running);
		if (running && running < enabled)
			v = mul_u64_u64_div_u64(v, enabled, running);
		sum += v;
	}
	return sum;
}

static void nx_perf_sample(struct nexus_collector *c, u64 now_ns)
{
	u64 dt = now_ns - c->last_ns;
	u64 delta[NX_PERF_MAX];
	unsigned int i;

	for (i = 0; i < nx_perf_nr; i++) {
		struct nx_perf_counter *pc = &nx_perf[i];
		u64 cur = nx_perf_read(pc);

		delta[i] = cur > pc->prev ? cur - pc->prev : 0;
		pc->prev = cur;
		pc->last_rate = nx_rate(delta[i], dt);
		nx_metric_push(&pc->metric, now_ns, pc->last_rate);
	}
	/* The collector's own rate: that of its first counter. */
	if (nx_perf_nr)
		this_cpu_add(*c->hits, delta[0]);
	if (nx_perf_is_hw && nx_perf_nr >= 2 && delta[0])
		nx_metric_push(&nx_perf_ipc, now_ns,
			       div64_u64(delta[1] * 1000, delta[0]));
}

static void nx_perf_free(void)
{
	unsigned int i;

	nx_metrics_unregister(&nx_perf_ipc, 1);
	for (i = 0; i < nx_perf_nr; i++) {
		nx_metrics_unregister(&nx_perf[i].metric, 1);
		nx_perf_destroy(&nx_perf[i]);
	}
	nx_perf_nr = 0;
}

/* Create what a table offers; the first entry is required. */
static int nx_perf_try(const struct nx_perf_def *defs, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = nx_perf_create(&nx_perf[nx_perf_nr], &defs[i]);
		if (err && i == 0)
			return err;
		if (!err)
			nx_perf_nr++;
	}
	return 0;
}

static int nx_perf_start(struct nexus_collector *c)
{
	unsigned int i;
	int err;

	nx_perf_nr = 0;
	nx_perf_ipc.id = -1;
	nx_perf_hw_err = nx_perf_try(nx_perf_hw, ARRAY_SIZE(nx_perf_hw));
	nx_perf_is_hw = !nx_perf_hw_err;
	if (!nx_perf_is_hw) {
		err = nx_perf_try(nx_perf_sw, ARRAY_SIZE(nx_perf_sw));
		if (err) {
			snprintf(c->detail, sizeof(c->detail),
				 "no hw (%pe) nor sw counters (%pe)",
				 ERR_PTR(nx_perf_hw_err), ERR_PTR(err));
			return err;
		}
	}
	for (i = 0; i < nx_perf_nr; i++) {
		err = nx_metrics_register(&nx_perf[i].metric, 1);
		if (err)
			goto fail;
		nx_perf[i].prev = nx_perf_read(&nx_perf[i]);
	}
	if (nx_perf_is_hw && nx_perf_nr >= 2 &&
	    nx_perf[1].def->config == PERF_COUNT_HW_INSTRUCTIONS) {
		err = nx_metrics_register(&nx_perf_ipc, 1);
		if (err)
			goto fail;
	}
	if (nx_perf_is_hw)
		snprintf(c->detail, sizeof(c->detail), "hardware PMU: %u events",
			 nx_perf_nr);
	else
		snprintf(c->detail, sizeof(c->detail),
			 "software fallback (no PMU: %pe)",
			 ERR_PTR(nx_perf_hw_err));
	return 0;
fail:
	nx_perf_free();
	return err;
}

static void nx_perf_stop(struct nexus_collector *c)
{
	nx_perf_free();
}

static void nx_perf_dump(struct nexus_collector *c, struct seq_file *m)
{
	unsigned int i;
	int cpu, n;

	mutex_lock(&nx_collectors_lock);
	if (!c->attached) {
		seq_puts(m, "perf: detached\n");
		goto out;
	}
	seq_printf(m, "perf: %s\n", nx_perf_is_hw ? "hardware PMU" :
		   "software fallback");
	if (!nx_perf_is_hw)
		seq_printf(m, "perf: hardware cycles counter: %pe\n",
			   ERR_PTR(nx_perf_hw_err));
	for (i = 0; i < nx_perf_nr; i++) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += !!nx_perf[i].ev[cpu];
		seq_printf(m, "perf: %s on %d cpus, total %llu, %llu/s\n",
			   nx_perf[i].def->short_name, n, nx_perf[i].prev,
			   nx_perf[i].last_rate);
	}
out:
	mutex_unlock(&nx_collectors_lock);
}

struct nexus_collector nexus_collector_perf = {
	.name = "perf",
	.trace_flag = NEXUS_TRACE_PERF,
	.start = nx_perf_start,
	.stop = nx_perf_stop,
	.sample = nx_perf_sample,
	.dump = nx_perf_dump,
};
