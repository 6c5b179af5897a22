// SPDX-License-Identifier: GPL-2.0
/*
 * bpf.c - nexusd's BPF collectors: load each skeleton of bpf/, read its
 * maps every round into "bpf.*" metrics, drain its ring buffer, export it.
 *
 * The collectors are a table, loaded in order; one that cannot load or
 * attach on the running kernel is skipped with a log line saying why, and
 * never stops the others.  nxd_bpf_stop() destroys every skeleton, which
 * detaches and unloads its programs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexusd.h"

#ifndef NXD_HAVE_BPF

int nxd_bpf_start(void)
{
	nxd_log("built without BPF collectors (clang/bpftool/libbpf were missing at build time)");
	return 0;
}

void nxd_bpf_collect(struct nxd_batch *b, double secs)
{
	(void)b;
	(void)secs;
}

void nxd_bpf_poll(void)
{
}

void nxd_bpf_prom(FILE *fp)
{
	(void)fp;
}

void nxd_bpf_stop(void)
{
}

#else /* NXD_HAVE_BPF */

#include <stdarg.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "nexus_bpf.h"
#include "runqlat.skel.h"
#include "offcpu.skel.h"
#include "syscalls.skel.h"
#include "tcp.skel.h"
#include "oom.skel.h"
#include "exits.skel.h"

struct nxd_coll;

struct nxd_coll_ops {
	const char *name;
	const char *what;
	int (*load)(struct nxd_coll *c);
	void (*collect)(struct nxd_coll *c, struct nxd_batch *b, double secs);
	void (*prom)(struct nxd_coll *c, FILE *fp);
	void (*unload)(struct nxd_coll *c);
};

struct nxd_coll {
	const struct nxd_coll_ops *ops;
	bool loaded;
	void *skel;
	struct ring_buffer *rb;
};

static int nxd_ncpus;
static char nxd_libbpf_last[256];

static int nxd_libbpf_print(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	if (level != LIBBPF_DEBUG) {
		vsnprintf(nxd_libbpf_last, sizeof(nxd_libbpf_last), fmt, aq);
		nxd_libbpf_last[strcspn(nxd_libbpf_last, "\n")] = '\0';
	}
	va_end(aq);
	if (nxd_verbose && level != LIBBPF_DEBUG)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* Sum of a per-CPU array slot over every possible CPU. */
static unsigned long long nxd_percpu(struct bpf_map *map, __u32 key)
{
	unsigned long long vals[nxd_ncpus], sum = 0;
	int i;

	if (bpf_map__lookup_elem(map, &key, sizeof(key), vals, sizeof(vals), 0))
		return 0;
	for (i = 0; i < nxd_ncpus; i++)
		sum += vals[i];
	return sum;
}

static long long nxd_rate(unsigned long long delta, double secs)
{
	return secs > 0 ? (long long)(delta / secs + 0.5) : 0;
}

/* ---- runqlat: run-queue latency per cgroup ---- */

#define NXD_CG_TRACKED	8
#define NXD_CG_PROM	64

static struct {
	unsigned long long hist[NXB_HIST_SLOTS];
	unsigned long long tracked[NXD_CG_TRACKED];	/* ingested cgroups */
	int ntracked;
	struct { unsigned long long id, sum_ns, count; } prom[NXD_CG_PROM];
	int nprom;
} nxd_rq;

static int nxd_runqlat_load(struct nxd_coll *c)
{
	struct runqlat_bpf *s = runqlat_bpf__open_and_load();

	if (!s)
		return -errno;
	c->skel = s;
	return runqlat_bpf__attach(s);
}

static void nxd_rq_prom_add(unsigned long long id, const struct nxb_lat *l)
{
	int i;

	for (i = 0; i < nxd_rq.nprom; i++)
		if (nxd_rq.prom[i].id == id)
			break;
	if (i == nxd_rq.nprom) {
		if (nxd_rq.nprom == NXD_CG_PROM)
			return;
		nxd_rq.nprom++;
		nxd_rq.prom[i].id = id;
	}
	nxd_rq.prom[i].sum_ns += l->sum_ns;
	nxd_rq.prom[i].count += l->count;
}

static void nxd_runqlat_collect(struct nxd_coll *c, struct nxd_batch *b,
				double secs)
{
	struct runqlat_bpf *s = c->skel;
	unsigned long long key, next, sum = 0, cnt = 0, max = 0;
	unsigned long long h[NXB_HIST_SLOTS], htot = 0, acc = 0;
	struct nxb_lat l;
	char name[64];
	bool first = true;
	int i, k;

	(void)secs;
	/* Read and delete: each round gets the waits since the last. */
	while (!bpf_map__get_next_key(s->maps.cg_lat, first ? NULL : &key,
				      &next, sizeof(next))) {
		first = false;
		key = next;
		if (bpf_map__lookup_elem(s->maps.cg_lat, &key, sizeof(key),
					 &l, sizeof(l), 0))
			continue;
		bpf_map__delete_elem(s->maps.cg_lat, &key, sizeof(key), 0);
		sum += l.sum_ns;
		cnt += l.count;
		if (l.max_ns > max)
			max = l.max_ns;
		nxd_rq_prom_add(key, &l);
		for (k = 0; k < nxd_rq.ntracked; k++)
			if (nxd_rq.tracked[k] == key)
				break;
		if (k == nxd_rq.ntracked && k < NXD_CG_TRACKED && l.count >= 10)
			nxd_rq.tracked[nxd_rq.ntracked++] = key;
		if (k < nxd_rq.ntracked && l.count) {
			snprintf(name, sizeof(name), "bpf.runqlat.cg%llu.avg_ns", key);
			nxd_add(b, name, l.sum_ns / l.count);
		}
	}
	if (cnt) {
		nxd_add(b, "bpf.runqlat.avg_ns", sum / cnt);
		nxd_add(b, "bpf.runqlat.max_ns", max);
	}
	for (i = 0; i < NXB_HIST_SLOTS; i++) {
		unsigned long long v = nxd_percpu(s->maps.hist, i);

		h[i] = v - nxd_rq.hist[i];
		nxd_rq.hist[i] = v;
		htot += h[i];
	}
	for (i = 0; htot && i < NXB_HIST_SLOTS; i++) {
		acc += h[i];
		if (acc * 100 >= htot * 99) {
			nxd_add(b, "bpf.runqlat.p99_us", 1ULL << (i + 1));
			break;
		}
	}
}

static void nxd_runqlat_prom(struct nxd_coll *c, FILE *fp)
{
	char path[256], lp[300];
	int i;

	(void)c;
	fprintf(fp, "# HELP nexusd_runqlat_wait_seconds_total Run-queue wait per cgroup.\n"
		"# TYPE nexusd_runqlat_wait_seconds_total counter\n");
	for (i = 0; i < nxd_rq.nprom; i++)
		fprintf(fp, "nexusd_runqlat_wait_seconds_total{cgroup=\"%s\"} %.6f\n",
			nxd_label(lp, sizeof(lp),
				  nxd_cgroup_path(nxd_rq.prom[i].id, path, sizeof(path))),
			nxd_rq.prom[i].sum_ns / 1e9);
	fprintf(fp, "# HELP nexusd_runqlat_waits_total Run-queue waits per cgroup.\n"
		"# TYPE nexusd_runqlat_waits_total counter\n");
	for (i = 0; i < nxd_rq.nprom; i++)
		fprintf(fp, "nexusd_runqlat_waits_total{cgroup=\"%s\"} %llu\n",
			nxd_label(lp, sizeof(lp),
				  nxd_cgroup_path(nxd_rq.prom[i].id, path, sizeof(path))),
			nxd_rq.prom[i].count);
}

static void nxd_runqlat_unload(struct nxd_coll *c)
{
	runqlat_bpf__destroy(c->skel);
}

/* ---- offcpu: blocked time per process ---- */

#define NXD_OFF_TOP	5

static struct {
	unsigned long long total_ns;
	struct { unsigned int pid; char comm[NXB_COMM_LEN]; double secs; } top[NXD_OFF_TOP];
	int ntop;
} nxd_off;

static int nxd_offcpu_load(struct nxd_coll *c)
{
	struct offcpu_bpf *s = offcpu_bpf__open_and_load();

	if (!s)
		return -errno;
	c->skel = s;
	return offcpu_bpf__attach(s);
}

static void nxd_offcpu_collect(struct nxd_coll *c, struct nxd_batch *b,
			       double secs)
{
	struct offcpu_bpf *s = c->skel;
	unsigned long long sum = 0, max = 0;
	__u32 key, next;
	struct nxb_offcpu o;
	bool first = true;
	int i, j;

	nxd_off.ntop = 0;
	while (!bpf_map__get_next_key(s->maps.offcpu, first ? NULL : &key,
				      &next, sizeof(next))) {
		first = false;
		key = next;
		if (bpf_map__lookup_elem(s->maps.offcpu, &key, sizeof(key),
					 &o, sizeof(o), 0))
			continue;
		bpf_map__delete_elem(s->maps.offcpu, &key, sizeof(key), 0);
		sum += o.ns;
		if (o.ns > max)
			max = o.ns;
		/* Keep the NXD_OFF_TOP most blocked, sorted. */
		for (i = 0; i < nxd_off.ntop; i++)
			if (o.ns / 1e9 > nxd_off.top[i].secs)
				break;
		if (i == NXD_OFF_TOP)
			continue;
		if (nxd_off.ntop < NXD_OFF_TOP)
			nxd_off.ntop++;
		for (j = nxd_off.ntop - 1; j > i; j--)
			nxd_off.top[j] = nxd_off.top[j - 1];
		nxd_off.top[i].pid = key;
		nxd_off.top[i].secs = o.ns / 1e9;
		memcpy(nxd_off.top[i].comm, o.comm, NXB_COMM_LEN);
		nxd_off.top[i].comm[NXB_COMM_LEN - 1] = '\0';
	}
	nxd_off.total_ns += sum;
	nxd_add(b, "bpf.offcpu.total_ms_per_s", nxd_rate(sum / 1000000, secs));
	nxd_add(b, "bpf.offcpu.max_proc_ms_per_s", nxd_rate(max / 1000000, secs));
}

static void nxd_offcpu_prom(struct nxd_coll *c, FILE *fp)
{
	char lc[64];
	int i;

	(void)c;
	fprintf(fp, "# HELP nexusd_offcpu_seconds_total Time tasks spent blocked.\n"
		"# TYPE nexusd_offcpu_seconds_total counter\n"
		"nexusd_offcpu_seconds_total %.6f\n", nxd_off.total_ns / 1e9);
	fprintf(fp, "# HELP nexusd_offcpu_top_seconds Most blocked processes, last round.\n"
		"# TYPE nexusd_offcpu_top_seconds gauge\n");
	for (i = 0; i < nxd_off.ntop; i++)
		fprintf(fp, "nexusd_offcpu_top_seconds{pid=\"%u\",comm=\"%s\"} %.6f\n",
			nxd_off.top[i].pid,
			nxd_label(lc, sizeof(lc), nxd_off.top[i].comm),
			nxd_off.top[i].secs);
}

static void nxd_offcpu_unload(struct nxd_coll *c)
{
	offcpu_bpf__destroy(c->skel);
}

/* ---- syscalls: calls and errors ---- */

static struct {
	unsigned long long calls, errors;
	unsigned long long by_errno[NXB_MAX_ERRNO];
} nxd_sys;

static int nxd_syscalls_load(struct nxd_coll *c)
{
	struct syscalls_bpf *s = syscalls_bpf__open_and_load();

	if (!s)
		return -errno;
	c->skel = s;
	return syscalls_bpf__attach(s);
}

static void nxd_syscalls_collect(struct nxd_coll *c, struct nxd_batch *b,
				 double secs)
{
	struct syscalls_bpf *s = c->skel;
	unsigned long long calls = nxd_percpu(s->maps.counts, NXB_SYS_CALLS);
	unsigned long long errs = nxd_percpu(s->maps.counts, NXB_SYS_ERRORS);
	int i;

	nxd_add(b, "bpf.syscalls.per_s", nxd_rate(calls - nxd_sys.calls, secs));
	nxd_add(b, "bpf.syscalls.errors_per_s",
		nxd_rate(errs - nxd_sys.errors, secs));
	nxd_sys.calls = calls;
	nxd_sys.errors = errs;
	for (i = 1; i < NXB_MAX_ERRNO; i++)
		nxd_sys.by_errno[i] = nxd_percpu(s->maps.by_errno, i);
}

static void nxd_syscalls_prom(struct nxd_coll *c, FILE *fp)
{
	int i;

	(void)c;
	fprintf(fp, "# HELP nexusd_syscalls_total System calls made.\n"
		"# TYPE nexusd_syscalls_total counter\n"
		"nexusd_syscalls_total %llu\n", nxd_sys.calls);
	fprintf(fp, "# HELP nexusd_syscall_errors_total Failed system calls, by errno.\n"
		"# TYPE nexusd_syscall_errors_total counter\n");
	for (i = 1; i < NXB_MAX_ERRNO; i++) {
		const char *n = strerrorname_np(i);

		if (nxd_sys.by_errno[i])
			fprintf(fp, "nexusd_syscall_errors_total{errno=\"%s\"} %llu\n",
				n ? n : "unknown", nxd_sys.by_errno[i]);
	}
}

static void nxd_syscalls_unload(struct nxd_coll *c)
{
	syscalls_bpf__destroy(c->skel);
}

/* ---- tcp: retransmits and drops ---- */

static struct {
	unsigned long long retrans, drops;
	unsigned long long by_reason[NXB_MAX_DROP_REASON];
	char *reason_name[NXB_MAX_DROP_REASON];
} nxd_tcp;

/* Name the drop reasons from the running kernel's BTF: they change. */
static void nxd_tcp_reasons(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i;

	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id > 0) {
		t = btf__type_by_id(btf, id);
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t); i++, e++) {
			const char *n = btf__name_by_offset(btf, e->name_off);

			if (e->val >= 0 && e->val < NXB_MAX_DROP_REASON && n) {
				if (!strncmp(n, "SKB_DROP_REASON_", 16))
					n += 16;
				nxd_tcp.reason_name[e->val] = strdup(n);
			}
		}
	}
	btf__free(btf);
}

static int nxd_tcp_load(struct nxd_coll *c)
{
	struct tcp_bpf *s = tcp_bpf__open_and_load();

	if (!s)
		return -errno;
	c->skel = s;
	nxd_tcp_reasons();
	return tcp_bpf__attach(s);
}

static void nxd_tcp_collect(struct nxd_coll *c, struct nxd_batch *b,
			    double secs)
{
	struct tcp_bpf *s = c->skel;
	unsigned long long r = nxd_percpu(s->maps.counts, NXB_TCP_RETRANS);
	unsigned long long d = nxd_percpu(s->maps.counts, NXB_TCP_DROPS);
	int i;

	nxd_add(b, "bpf.tcp.retrans_per_s", nxd_rate(r - nxd_tcp.retrans, secs));
	nxd_add(b, "bpf.tcp.drops_per_s", nxd_rate(d - nxd_tcp.drops, secs));
	nxd_tcp.retrans = r;
	nxd_tcp.drops = d;
	for (i = 1; i < NXB_MAX_DROP_REASON; i++)
		nxd_tcp.by_reason[i] = nxd_percpu(s->maps.drops, i);
}

static void nxd_tcp_prom(struct nxd_coll *c, FILE *fp)
{
	int i;

	(void)c;
	fprintf(fp, "# HELP nexusd_tcp_retransmits_total TCP segments retransmitted.\n"
		"# TYPE nexusd_tcp_retransmits_total counter\n"
		"nexusd_tcp_retransmits_total %llu\n", nxd_tcp.retrans);
	fprintf(fp, "# HELP nexusd_tcp_drops_total TCP packets dropped by the stack, by reason.\n"
		"# TYPE nexusd_tcp_drops_total counter\n");
	for (i = 1; i < NXB_MAX_DROP_REASON; i++)
		if (nxd_tcp.by_reason[i])
			fprintf(fp, "nexusd_tcp_drops_total{reason=\"%s\"} %llu\n",
				nxd_tcp.reason_name[i] ? nxd_tcp.reason_name[i] : "unknown",
				nxd_tcp.by_reason[i]);
}

static void nxd_tcp_unload(struct nxd_coll *c)
{
	int i;

	tcp_bpf__destroy(c->skel);
	for (i = 0; i < NXB_MAX_DROP_REASON; i++) {
		free(nxd_tcp.reason_name[i]);
		nxd_tcp.reason_name[i] = NULL;
	}
}

/* ---- oom: kills with victim and cgroup ---- */

static unsigned long long nxd_oom_kills;

static int nxd_oom_event(void *ctx, void *data, size_t size)
{
	const struct nxb_oom_event *e = data;
	char vcg[128], mcg[128];

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	nxd_oom_kills++;
	nxd_log("OOM kill: pid %u (%.16s) in cgroup %s, %s OOM, points %lld, by pid %u (%.16s)",
		e->pid, e->comm, nxd_cgroup_path(e->victim_cgroup, vcg, sizeof(vcg)),
		e->memcg_cgroup ? nxd_cgroup_path(e->memcg_cgroup, mcg, sizeof(mcg)) :
		"global", (long long)e->points, e->trigger_pid, e->trigger_comm);
	return 0;
}

static int nxd_oom_load(struct nxd_coll *c)
{
	struct oom_bpf *s = oom_bpf__open_and_load();
	int ret;

	if (!s)
		return -errno;
	c->skel = s;
	ret = oom_bpf__attach(s);
	if (ret)
		return ret;
	c->rb = ring_buffer__new(bpf_map__fd(s->maps.events), nxd_oom_event,
				 NULL, NULL);
	return c->rb ? 0 : -errno;
}

static void nxd_oom_collect(struct nxd_coll *c, struct nxd_batch *b,
			    double secs)
{
	(void)c;
	(void)secs;
	nxd_add(b, "bpf.oom.kills", nxd_oom_kills);
}

static void nxd_oom_prom(struct nxd_coll *c, FILE *fp)
{
	(void)c;
	fprintf(fp, "# HELP nexusd_oom_kills_total Processes killed by the OOM killer.\n"
		"# TYPE nexusd_oom_kills_total counter\n"
		"nexusd_oom_kills_total %llu\n", nxd_oom_kills);
}

static void nxd_oom_unload(struct nxd_coll *c)
{
	oom_bpf__destroy(c->skel);
}

/* ---- exits: processes ended by a signal ---- */

#define NXD_EXIT_LOGS	5	/* logged per round, the rest counted */

static struct {
	unsigned long long by_sig[NXB_MAX_SIGNAL], prev_total;
	unsigned int logged, unlogged;
} nxd_ex;

static int nxd_exit_event(void *ctx, void *data, size_t size)
{
	const struct nxb_exit_event *e = data;
	char cg[128];

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (nxd_ex.logged++ >= NXD_EXIT_LOGS) {
		nxd_ex.unlogged++;
		return 0;
	}
	nxd_log("exit: pid %u (%.16s) in cgroup %s killed by SIG%s%s",
		e->pid, e->comm, nxd_cgroup_path(e->cgroup, cg, sizeof(cg)),
		sigabbrev_np(e->sig) ? sigabbrev_np(e->sig) : "?",
		e->core_dumped ? " (core dumped)" : "");
	return 0;
}

static int nxd_exits_load(struct nxd_coll *c)
{
	struct exits_bpf *s = exits_bpf__open_and_load();
	int ret;

	if (!s)
		return -errno;
	c->skel = s;
	ret = exits_bpf__attach(s);
	if (ret)
		return ret;
	c->rb = ring_buffer__new(bpf_map__fd(s->maps.events), nxd_exit_event,
				 NULL, NULL);
	return c->rb ? 0 : -errno;
}

static void nxd_exits_collect(struct nxd_coll *c, struct nxd_batch *b,
			      double secs)
{
	static const struct { int sig; const char *name; } ingest[] = {
		{ 9, "bpf.exits.sigkill" }, { 11, "bpf.exits.sigsegv" },
		{ 6, "bpf.exits.sigabrt" }, { 15, "bpf.exits.sigterm" },
	};
	struct exits_bpf *s = c->skel;
	unsigned long long total = 0, prev[NXB_MAX_SIGNAL];
	size_t k;
	int i;

	memcpy(prev, nxd_ex.by_sig, sizeof(prev));
	for (i = 1; i < NXB_MAX_SIGNAL; i++) {
		nxd_ex.by_sig[i] = nxd_percpu(s->maps.by_signal, i);
		total += nxd_ex.by_sig[i];
	}
	nxd_add(b, "bpf.exits.signaled_per_s",
		nxd_rate(total - nxd_ex.prev_total, secs));
	nxd_ex.prev_total = total;
	for (k = 0; k < NXD_ARRAY_SIZE(ingest); k++)
		nxd_add(b, ingest[k].name,
			nxd_ex.by_sig[ingest[k].sig] - prev[ingest[k].sig]);
	if (nxd_ex.unlogged)
		nxd_log("exit: %u more processes killed by signals", nxd_ex.unlogged);
	nxd_ex.logged = 0;
	nxd_ex.unlogged = 0;
}

static void nxd_exits_prom(struct nxd_coll *c, FILE *fp)
{
	int i;

	(void)c;
	fprintf(fp, "# HELP nexusd_exits_by_signal_total Processes ended by a signal.\n"
		"# TYPE nexusd_exits_by_signal_total counter\n");
	for (i = 1; i < NXB_MAX_SIGNAL; i++)
		if (nxd_ex.by_sig[i])
			fprintf(fp, "nexusd_exits_by_signal_total{signal=\"SIG%s\"} %llu\n",
				sigabbrev_np(i) ? sigabbrev_np(i) : "RT",
				nxd_ex.by_sig[i]);
}

static void nxd_exits_unload(struct nxd_coll *c)
{
	exits_bpf__destroy(c->skel);
}

/* ---- the table ---- */

static const struct nxd_coll_ops nxd_ops[] = {
	{ "runqlat", "run-queue latency per cgroup", nxd_runqlat_load,
	  nxd_runqlat_collect, nxd_runqlat_prom, nxd_runqlat_unload },
	{ "offcpu", "off-CPU time per process", nxd_offcpu_load,
	  nxd_offcpu_collect, nxd_offcpu_prom, nxd_offcpu_unload },
	{ "syscalls", "system call error rates", nxd_syscalls_load,
	  nxd_syscalls_collect, nxd_syscalls_prom, nxd_syscalls_unload },
	{ "tcp", "TCP retransmits and drops", nxd_tcp_load, nxd_tcp_collect,
	  nxd_tcp_prom, nxd_tcp_unload },
	{ "oom", "OOM kills with victim and cgroup", nxd_oom_load,
	  nxd_oom_collect, nxd_oom_prom, nxd_oom_unload },
	{ "exits", "process exits by signal", nxd_exits_load,
	  nxd_exits_collect, nxd_exits_prom, nxd_exits_unload },
};

static struct nxd_coll nxd_colls[NXD_ARRAY_SIZE(nxd_ops)];

static void nxd_coll_unload(struct nxd_coll *c)
{
	ring_buffer__free(c->rb);
	c->rb = NULL;
	if (c->skel)
		c->ops->unload(c);
	c->skel = NULL;
	c->loaded = false;
}

int nxd_bpf_start(void)
{
	int n = 0, ret;
	size_t i;

	libbpf_set_print(nxd_libbpf_print);
	nxd_ncpus = libbpf_num_possible_cpus();
	if (nxd_ncpus <= 0) {
		nxd_log("BPF collectors skipped: cannot count the possible CPUs");
		return 0;
	}
	for (i = 0; i < NXD_ARRAY_SIZE(nxd_ops); i++) {
		struct nxd_coll *c = &nxd_colls[i];

		c->ops = &nxd_ops[i];
		nxd_libbpf_last[0] = '\0';
		ret = c->ops->load(c);
		if (ret) {
			nxd_log("bpf collector %s (%s): skipped: %s%s%s", c->ops->name,
				c->ops->what, strerror(ret < 0 ? -ret : ret),
				nxd_libbpf_last[0] ? ": " : "", nxd_libbpf_last);
			nxd_coll_unload(c);
			continue;
		}
		c->loaded = true;
		n++;
		nxd_log("bpf collector %s (%s): loaded", c->ops->name,
			c->ops->what);
	}
	nxd_log("%d of %zu BPF collectors loaded", n, NXD_ARRAY_SIZE(nxd_ops));
	return n;
}

void nxd_bpf_collect(struct nxd_batch *b, double secs)
{
	size_t i;

	for (i = 0; i < NXD_ARRAY_SIZE(nxd_colls); i++)
		if (nxd_colls[i].loaded)
			nxd_colls[i].ops->collect(&nxd_colls[i], b, secs);
}

void nxd_bpf_poll(void)
{
	size_t i;

	for (i = 0; i < NXD_ARRAY_SIZE(nxd_colls); i++)
		if (nxd_colls[i].loaded && nxd_colls[i].rb)
			ring_buffer__poll(nxd_colls[i].rb, 0);
}

void nxd_bpf_prom(FILE *fp)
{
	size_t i;

	fprintf(fp, "# HELP nexusd_bpf_collector_loaded 1 when the BPF collector runs.\n"
		"# TYPE nexusd_bpf_collector_loaded gauge\n");
	for (i = 0; i < NXD_ARRAY_SIZE(nxd_ops); i++)
		fprintf(fp, "nexusd_bpf_collector_loaded{collector=\"%s\"} %d\n",
			nxd_ops[i].name, nxd_colls[i].loaded);
	for (i = 0; i < NXD_ARRAY_SIZE(nxd_colls); i++)
		if (nxd_colls[i].loaded)
			nxd_colls[i].ops->prom(&nxd_colls[i], fp);
}

void nxd_bpf_stop(void)
{
	size_t i, n = 0;

	for (i = 0; i < NXD_ARRAY_SIZE(nxd_colls); i++) {
		if (!nxd_colls[i].ops)
			continue;
		n += nxd_colls[i].loaded;
		nxd_coll_unload(&nxd_colls[i]);
	}
	if (n)
		nxd_log("%zu BPF collectors detached and unloaded", n);
}

#endif /* NXD_HAVE_BPF */
