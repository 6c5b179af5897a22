/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_bpf.h - types shared by the BPF collectors (bpf/X.bpf.c) and
 * nexusd, which reads their maps.  Fixed-width types only.
 */
#ifndef _NEXUS_BPF_H
#define _NEXUS_BPF_H

#define NXB_COMM_LEN		16
#define NXB_HIST_SLOTS		32	/* log2 buckets of microseconds */
#define NXB_MAX_ERRNO		134
#define NXB_MAX_SIGNAL		65
#define NXB_MAX_DROP_REASON	256

/* runqlat: wait from wakeup to running, per cgroup (v2 id). */
struct nxb_lat {
	__u64 sum_ns;
	__u64 count;
	__u64 max_ns;
};

/* offcpu: time blocked (not runnable), per process. */
struct nxb_offcpu {
	__u64 ns;
	__u64 count;
	char comm[NXB_COMM_LEN];
};

/* syscalls: indices of the per-CPU counter array. */
enum { NXB_SYS_CALLS, NXB_SYS_ERRORS, NXB_SYS_NR };

/* tcp: indices of the per-CPU counter array. */
enum { NXB_TCP_RETRANS, NXB_TCP_DROPS, NXB_TCP_NR };

/* oom: one event per OOM kill, on a ring buffer. */
struct nxb_oom_event {
	__u64 ts_ns;
	__u64 victim_cgroup;	/* cgroup v2 id of the victim */
	__u64 memcg_cgroup;	/* cgroup v2 id of the OOM memcg, 0: global */
	__u64 totalpages;
	__s64 points;
	__u32 pid;
	__u32 trigger_pid;
	char comm[NXB_COMM_LEN];
	char trigger_comm[NXB_COMM_LEN];
};

/* exits: one event per process killed by a signal, on a ring buffer. */
struct nxb_exit_event {
	__u64 ts_ns;
	__u64 cgroup;
	__u32 pid;
	__u32 sig;
	__u32 core_dumped;
	__u32 __pad;
	char comm[NXB_COMM_LEN];
};

#endif /* _NEXUS_BPF_H */
