// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls.bpf.c - system calls and their errors: calls and failures, per
 * errno and per system call number, in per-CPU arrays.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "nexus_bpf.h"

#define NXB_MAX_SYSCALL	512

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_SYS_NR);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_MAX_ERRNO);
	__type(key, u32);
	__type(value, u64);
} by_errno SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_MAX_SYSCALL);
	__type(key, u32);
	__type(value, u64);
} err_by_nr SEC(".maps");

static __always_inline void bump(void *map, u32 key)
{
	u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		(*v)++;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int nx_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;

	bump(&counts, NXB_SYS_CALLS);
	if (ret < 0 && ret >= -4095) {
		bump(&counts, NXB_SYS_ERRORS);
		if (-ret < NXB_MAX_ERRNO)
			bump(&by_errno, (u32)-ret);
		if (ctx->id >= 0 && ctx->id < NXB_MAX_SYSCALL)
			bump(&err_by_nr, (u32)ctx->id);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
