// SPDX-License-Identifier: GPL-2.0
/*
 * oom.bpf.c - OOM kills with the victim, its cgroup and the memcg that ran
 * out, one ring-buffer event each (after libbpf-tools' oomkill).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nexus_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("kprobe/oom_kill_process")
int BPF_KPROBE(nx_oom_kill, struct oom_control *oc, const char *message)
{
	struct nxb_oom_event *e;
	struct task_struct *v;
	struct mem_cgroup *mc;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	v = BPF_CORE_READ(oc, chosen);
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = BPF_CORE_READ(v, tgid);
	e->trigger_pid = bpf_get_current_pid_tgid() >> 32;
	e->victim_cgroup = BPF_CORE_READ(v, cgroups, dfl_cgrp, kn, id);
	mc = BPF_CORE_READ(oc, memcg);
	e->memcg_cgroup = mc ? BPF_CORE_READ(mc, css.cgroup, kn, id) : 0;
	e->totalpages = BPF_CORE_READ(oc, totalpages);
	e->points = BPF_CORE_READ(oc, chosen_points);
	BPF_CORE_READ_STR_INTO(&e->comm, v, comm);
	bpf_get_current_comm(e->trigger_comm, sizeof(e->trigger_comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
