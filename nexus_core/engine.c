// SPDX-License-Identifier: GPL-2.0
/*
 * The decision engine: one kernel thread that, every tick_ms, drains the
 * event bus, samples the collectors into the metric store, runs the
 * modules' ticks (which publish findings and ask for decisions) and
 * enforces the budgets.
 *
 * Work units (max_decision_cycles is a cap on them per second): one per bus
 * event delivered, one per metric sample stored, one per finding or
 * decision, ten per module tick, plus what modules charge for their own
 * work through nexus_work_charge().  Past the cap, the rest of the second's
 * work is shed and counted.
 *
 * CPU budget: the engine measures the time its ticks take and keeps the
 * total under cpu_budget_percent of one CPU over each one-second window.
 * When the mean of the last NEXUS_CPU_WINDOWS windows is over budget,
 * modules of priority below 5 are shed in the next window and the state is
 * Degraded; back under budget clears both.  Averaging a few windows keeps
 * one slow second (a page fault storm, a burst of events) from flapping
 * the state.
 * The measure is the thread's own CPU time (sum_exec_runtime), which the
 * scheduler updates at least every scheduler tick: over a one-second window
 * the error is at most one tick.
 *
 * performance/max_cores: the thread runs only on the first max_cores
 * online CPUs.
 */
#define pr_fmt(fmt) "nexus: " fmt

#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/export.h>
#include "internal.h"

#define NEXUS_DRAIN_BATCH	256
#define NEXUS_SEC_NS		1000000000ULL

static struct task_struct *nexus_engine_task;
static DECLARE_WAIT_QUEUE_HEAD(nexus_engine_wq);
static bool nexus_engine_kicked;
static struct nexus_event *nexus_drain_buf;

/* Budget window state: written by the engine thread only. */
static u64 nexus_win_start_ns;
static u64 nexus_win_cpu_start;
static u64 nexus_win_units;
static bool nexus_shed_low;
static u32 nexus_cpu_ppm_last;
#define NEXUS_CPU_WINDOWS	3
static u32 nexus_cpu_ppm_hist[NEXUS_CPU_WINDOWS];
static unsigned int nexus_cpu_hist_pos;
static u64 nexus_units_last;
static atomic64_t nexus_shed_total = ATOMIC64_INIT(0);
static u64 nexus_ticks_total;
static u64 nexus_over_windows;
/* Modules below this priority are shed on request (0: none). */
static unsigned int nexus_shed_below;

/**
 * nexus_work_charge() - account work against max_decision_cycles
 * @units: work units about to be done
 *
 * Work done outside the engine thread (e.g. ingest from userspace) is not
 * the engine's and is not charged.
 *
 * Return: true if the work may be done, false once this second's cap is
 * reached (the caller sheds it).
 */
bool nexus_work_charge(unsigned int units)
{
	if (current != READ_ONCE(nexus_engine_task))
		return true;
	if (nexus_win_units + units > READ_ONCE(nexus_cfg.max_decision_cycles))
		return false;
	nexus_win_units += units;
	return true;
}
EXPORT_SYMBOL_GPL(nexus_work_charge);

/**
 * nexus_engine_note_shed() - count work skipped to stay within budget
 * @n: how much
 */
void nexus_engine_note_shed(u64 n)
{
	atomic64_add(n, &nexus_shed_total);
}

static void nexus_engine_window(u64 now)
{
	u64 span = now - nexus_win_start_ns;
	u64 cpu = READ_ONCE(current->se.sum_exec_runtime);
	u32 budget_ppm = READ_ONCE(nexus_cfg.cpu_budget_percent) * 10000;
	u32 ppm, mean;
	unsigned int i;
	char why[NEXUS_REASON_LEN];

	if (span < NEXUS_SEC_NS)
		return;
	ppm = div64_u64((cpu - nexus_win_cpu_start) * 1000000ULL, span);
	WRITE_ONCE(nexus_cpu_ppm_last, ppm);
	nexus_cpu_ppm_hist[nexus_cpu_hist_pos++ % NEXUS_CPU_WINDOWS] = ppm;
	for (i = 0, mean = 0; i < NEXUS_CPU_WINDOWS; i++)
		mean += nexus_cpu_ppm_hist[i];
	mean /= NEXUS_CPU_WINDOWS;
	WRITE_ONCE(nexus_units_last, nexus_win_units);
	if (mean > budget_ppm) {
		nexus_over_windows++;
		nexus_shed_low = true;
		snprintf(why, sizeof(why),
			 "cpu budget exceeded: engine used %u ppm of %u",
			 mean, budget_ppm);
		nexus_degrade(NEXUS_DEGRADED_CPU_BUDGET, why);
	} else {
		nexus_shed_low = false;
		nexus_undegrade(NEXUS_DEGRADED_CPU_BUDGET);
	}
	if (nexus_mem_used() <= READ_ONCE(nexus_cfg.memory_budget) / 10 * 9)
		nexus_undegrade(NEXUS_DEGRADED_MEM_BUDGET);
	nexus_win_start_ns = now;
	nexus_win_cpu_start = cpu;
	nexus_win_units = 0;
}

static void nexus_engine_drain(enum nexus_level level)
{
	unsigned int n, i;

	do {
		n = nexus_bus_drain(nexus_drain_buf, NEXUS_DRAIN_BATCH);
		for (i = 0; i < n; i++) {
			const struct nexus_event *ev = &nexus_drain_buf[i];

			if (!nexus_work_charge(1)) {
				nexus_engine_note_shed(n - i);
				return;
			}
			/* The rare kernel events are worth streaming too. */
			if (ev->type == NEXUS_EV_OOM_KILL ||
			    ev->type == NEXUS_EV_RECLAIM_STALL ||
			    ev->type == NEXUS_EV_BLK_SLOW_IO)
				nexus_stream_emit(ev->type, ev->pid, ev->arg0,
						  ev->arg1);
			nexus_registry_event(ev, level);
		}
	} while (n == NEXUS_DRAIN_BATCH);
}

static void nexus_engine_tick(void)
{
	u64 start = ktime_get_ns();
	enum nexus_level level = nexus_current_level();
	enum nexus_state state = nexus_current_state();

	nexus_engine_window(start);
	if (level == NEXUS_LEVEL_DISABLED)
		goto out;
	nexus_engine_drain(level);
	nexus_collectors_sample(start);
	if (state != NEXUS_STATE_PAUSED)
		nexus_registry_tick(start, level, nexus_shed_low,
				    READ_ONCE(nexus_shed_below));
out:
	nexus_ticks_total++;
}

static int nexus_engine_fn(void *unused)
{
	nexus_win_start_ns = ktime_get_ns();
	nexus_win_cpu_start = current->se.sum_exec_runtime;
	while (!kthread_should_stop()) {
		unsigned long timeout = msecs_to_jiffies(READ_ONCE(nexus_cfg.tick_ms));

		wait_event_interruptible_timeout(nexus_engine_wq,
						 READ_ONCE(nexus_engine_kicked) ||
						 kthread_should_stop(), timeout);
		WRITE_ONCE(nexus_engine_kicked, false);
		if (kthread_should_stop())
			break;
		nexus_engine_tick();
	}
	return 0;
}

/**
 * nexus_engine_shed() - stop running low-priority modules, on request
 * @below: modules whose priority is below it are not ticked; 0 ends it
 *
 * For an emergency (nexus_heal's survival mode): the work NEXUS itself
 * does that is not needed to get through it stops until the request is
 * withdrawn.  The shed ticks are counted as under CPU budget pressure.
 * Whoever asks must withdraw it (0) when done and before it unloads.
 */
void nexus_engine_shed(unsigned int below)
{
	below = min(below, 10U);
	if (xchg(&nexus_shed_below, below) != below)
		pr_info("modules below priority %u %s\n", below ? below : 10,
			below ? "shed on request" : "run again");
}
EXPORT_SYMBOL_GPL(nexus_engine_shed);

/**
 * nexus_engine_kick() - run a tick now (after a config change)
 */
void nexus_engine_kick(void)
{
	WRITE_ONCE(nexus_engine_kicked, true);
	wake_up_interruptible(&nexus_engine_wq);
}

/**
 * nexus_engine_set_max_cores() - bound the CPUs the engine runs on
 * @max_cores: the first @max_cores online CPUs; 0 for all
 *
 * Return: 0 or the error of set_cpus_allowed_ptr().
 */
int nexus_engine_set_max_cores(u32 max_cores)
{
	struct task_struct *t = READ_ONCE(nexus_engine_task);
	cpumask_var_t mask;
	unsigned int cpu, n = 0;
	int ret;

	if (!t)
		return 0;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	for_each_online_cpu(cpu) {
		if (max_cores && n >= max_cores)
			break;
		cpumask_set_cpu(cpu, mask);
		n++;
	}
	ret = set_cpus_allowed_ptr(t, mask);
	free_cpumask_var(mask);
	return ret;
}

/**
 * nexus_engine_start() - start the engine thread
 *
 * Return: 0 or -errno.
 */
int nexus_engine_start(void)
{
	struct task_struct *t;

	nexus_drain_buf = kcalloc(NEXUS_DRAIN_BATCH, sizeof(*nexus_drain_buf),
				  GFP_KERNEL);
	if (!nexus_drain_buf)
		return -ENOMEM;
	t = kthread_create(nexus_engine_fn, NULL, "nexus-engine");
	if (IS_ERR(t)) {
		kfree(nexus_drain_buf);
		nexus_drain_buf = NULL;
		return PTR_ERR(t);
	}
	WRITE_ONCE(nexus_engine_task, t);
	nexus_engine_set_max_cores(nexus_cfg.performance.max_cores);
	wake_up_process(t);
	return 0;
}

/**
 * nexus_engine_stop() - stop the engine thread and wait for it
 */
void nexus_engine_stop(void)
{
	struct task_struct *t = READ_ONCE(nexus_engine_task);

	if (!t)
		return;
	kthread_stop(t);
	WRITE_ONCE(nexus_engine_task, NULL);
	kfree(nexus_drain_buf);
	nexus_drain_buf = NULL;
}

/**
 * nexus_engine_cpu_ppm() - engine time over the last full window
 *
 * Return: parts per million of one CPU.
 */
u32 nexus_engine_cpu_ppm(void)
{
	return READ_ONCE(nexus_cpu_ppm_last);
}

/**
 * nexus_engine_ticks() - ticks run since load
 *
 * Return: the count.
 */
u64 nexus_engine_ticks(void)
{
	return READ_ONCE(nexus_ticks_total);
}

/**
 * nexus_engine_work_last_sec() - work units done in the last full window
 *
 * Return: the count.
 */
u64 nexus_engine_work_last_sec(void)
{
	return READ_ONCE(nexus_units_last);
}

/**
 * nexus_engine_work_shed() - work skipped to stay within the budgets
 *
 * Return: the count.
 */
u64 nexus_engine_work_shed(void)
{
	return atomic64_read(&nexus_shed_total);
}

/**
 * nexus_engine_dump_budget() - budgets, used against limit, for debugfs
 * @m: the seq_file
 */
void nexus_engine_dump_budget(struct seq_file *m)
{
	seq_printf(m, "memory_used %llu\nmemory_budget %llu\nmemory_refused %llu\n",
		   nexus_mem_used(), READ_ONCE(nexus_cfg.memory_budget),
		   nexus_mem_refused());
	seq_printf(m, "cpu_used_ppm %u\ncpu_budget_ppm %u\ncpu_over_windows %llu\n",
		   nexus_engine_cpu_ppm(),
		   READ_ONCE(nexus_cfg.cpu_budget_percent) * 10000,
		   READ_ONCE(nexus_over_windows));
	seq_printf(m, "work_units_last_sec %llu\nmax_decision_cycles %llu\nwork_shed %llu\n",
		   nexus_engine_work_last_sec(),
		   READ_ONCE(nexus_cfg.max_decision_cycles),
		   nexus_engine_work_shed());
	seq_printf(m, "ticks %llu\nshedding_low_priority %d\nshed_below_priority %u\n",
		   nexus_engine_ticks(), READ_ONCE(nexus_shed_low),
		   READ_ONCE(nexus_shed_below));
}
