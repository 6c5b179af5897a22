// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat.bpf.c - run-queue latency per cgroup: the time from a task's
 * wakeup (or preemption) to its running, summed per cgroup v2 id, with a
 * log2 histogram of all waits for percentiles.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nexus_bpf.h"

#define TASK_RUNNING	0

struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, struct nxb_lat);
} cg_lat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_HIST_SLOTS);
	__type(key, u32);
	__type(value, u64);
} hist SEC(".maps");

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___o *o = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(o, state);
}

static __always_inline void enqueued(struct task_struct *p)
{
	u32 pid = BPF_CORE_READ(p, pid);
	u64 ts = bpf_ktime_get_ns();

	if (pid)
		bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(nx_wakeup, struct task_struct *p)
{
	enqueued(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(nx_wakeup_new, struct task_struct *p)
{
	enqueued(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(nx_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct nxb_lat *l, zero = {};
	u64 *tsp, delta, cg, us, *slot;
	u32 pid, bucket = 0;

	if (task_state(prev) == TASK_RUNNING)
		enqueued(prev);
	pid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &pid);
	if ((s64)delta < 0)
		return 0;
	cg = BPF_CORE_READ(next, cgroups, dfl_cgrp, kn, id);
	l = bpf_map_lookup_elem(&cg_lat, &cg);
	if (!l) {
		bpf_map_update_elem(&cg_lat, &cg, &zero, BPF_NOEXIST);
		l = bpf_map_lookup_elem(&cg_lat, &cg);
		if (!l)
			return 0;
	}
	__sync_fetch_and_add(&l->sum_ns, delta);
	__sync_fetch_and_add(&l->count, 1);
	if (delta > l->max_ns)
		l->max_ns = delta;
	for (us = delta / 1000; us > 1 && bucket < NXB_HIST_SLOTS - 1; us >>= 1)
		bucket++;
	slot = bpf_map_lookup_elem(&hist, &bucket);
	if (slot)
		(*slot)++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
