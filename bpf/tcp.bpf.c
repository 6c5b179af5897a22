// SPDX-License-Identifier: GPL-2.0
/*
 * tcp.bpf.c - TCP retransmits, and TCP packets dropped by the stack per
 * drop reason (enum skb_drop_reason, named by nexusd from the kernel's BTF).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "nexus_bpf.h"

#define NX_IPPROTO_TCP	6

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_TCP_NR);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NXB_MAX_DROP_REASON);
	__type(key, u32);
	__type(value, u64);
} drops SEC(".maps");

static __always_inline void bump(void *map, u32 key)
{
	u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		(*v)++;
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int nx_tcp_retransmit(void *ctx)
{
	bump(&counts, NXB_TCP_RETRANS);
	return 0;
}

/* The transport protocol of @skb: its socket's, else its IP header's. */
static __always_inline int skb_proto(struct sk_buff *skb)
{
	struct sock *sk = BPF_CORE_READ(skb, sk);
	unsigned char *head;
	u16 nh;
	u8 b[8];

	if (sk)
		return BPF_CORE_READ(sk, sk_protocol);
	head = BPF_CORE_READ(skb, head);
	nh = BPF_CORE_READ(skb, network_header);
	if (!head || nh == (u16)~0U)
		return -1;
	if (bpf_probe_read_kernel(b, sizeof(b), head + nh))
		return -1;
	if ((b[0] >> 4) == 4) {
		if (bpf_probe_read_kernel(b, 1, head + nh + 9))
			return -1;
		return b[0];
	}
	if ((b[0] >> 4) == 6)
		return b[6];	/* next header; extension headers not followed */
	return -1;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(nx_kfree_skb, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	/* 0 is SKB_NOT_DROPPED_YET on every kernel; consumed skbs have
	 * their own tracepoint.
	 */
	if (!reason)
		return 0;
	if (skb_proto(skb) != NX_IPPROTO_TCP)
		return 0;
	bump(&counts, NXB_TCP_DROPS);
	if ((u32)reason < NXB_MAX_DROP_REASON)
		bump(&drops, (u32)reason);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
