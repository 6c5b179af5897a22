// SPDX-License-Identifier: GPL-2.0
/*
 * offcpu.bpf.c - off-CPU (blocked) time per process: from a task leaving
 * the CPU in a sleeping state to its next run, summed per tgid.
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
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, struct nxb_offcpu);
} offcpu SEC(".maps");

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___o *o = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(o, state);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(nx_offcpu_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct nxb_offcpu *o, zero = {};
	u64 now = bpf_ktime_get_ns(), *tsp, delta;
	u32 pid, tgid;

	pid = BPF_CORE_READ(prev, pid);
	if (pid && task_state(prev) != TASK_RUNNING)
		bpf_map_update_elem(&start, &pid, &now, BPF_ANY);
	pid = BPF_CORE_READ(next, pid);
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = now - *tsp;
	bpf_map_delete_elem(&start, &pid);
	if ((s64)delta < 0)
		return 0;
	tgid = BPF_CORE_READ(next, tgid);
	o = bpf_map_lookup_elem(&offcpu, &tgid);
	if (!o) {
		BPF_CORE_READ_STR_INTO(&zero.comm, next, group_leader, comm);
		bpf_map_update_elem(&offcpu, &tgid, &zero, BPF_NOEXIST);
		o = bpf_map_lookup_elem(&offcpu, &tgid);
		if (!o)
			return 0;
	}
	__sync_fetch_and_add(&o->ns, delta);
	__sync_fetch_and_add(&o->count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
