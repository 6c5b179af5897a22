// SPDX-License-Identifier: GPL-2.0
/*
 * exits.bpf.c - processes ended by a signal: a per-signal count, and one
 * ring-buffer event each with the process, its cgroup and core dump flag.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nexus_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_MAX_SIGNAL);
	__type(key, u32);
	__type(value, u64);
} by_signal SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tp_btf/sched_process_exit")
int BPF_PROG(nx_process_exit, struct task_struct *p)
{
	struct nxb_exit_event *e;
	u32 code, sig;
	u64 *v;

	/* Whole processes only: the thread group leader. */
	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid))
		return 0;
	code = BPF_CORE_READ(p, exit_code);
	sig = code & 0x7f;
	if (!sig || sig >= NXB_MAX_SIGNAL)
		return 0;
	v = bpf_map_lookup_elem(&by_signal, &sig);
	if (v)
		(*v)++;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = BPF_CORE_READ(p, tgid);
	e->sig = sig;
	e->core_dumped = !!(code & 0x80);
	e->__pad = 0;
	e->cgroup = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
	BPF_CORE_READ_STR_INTO(&e->comm, p, comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
