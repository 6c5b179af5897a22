/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexusd.h - the NEXUS agent: BPF collectors, ingest, Prometheus exporter
 */
#ifndef _NEXUSD_H
#define _NEXUSD_H

#include <stdbool.h>
#include <stdio.h>

#include <linux/nexus.h>

#define NXD_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Samples gathered in one interval, for one NEXUS_IOC_INGEST. */
struct nxd_batch {
	struct nexus_sample_rec rec[256];
	unsigned int n;
};

extern bool nxd_verbose;

void nxd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nxd_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Add a sample of metric "bpf.<...>" (the kernel prefixes "user."). */
void nxd_add(struct nxd_batch *b, const char *name, long long value);
/* A Prometheus label value, escaped, into @out. */
const char *nxd_label(char *out, size_t size, const char *s);
/* The path of a cgroup v2 id under /sys/fs/cgroup, or its number. */
const char *nxd_cgroup_path(unsigned long long id, char *out, size_t size);

/* BPF collectors (bpf.c); stubs when built without BPF. */
int nxd_bpf_start(void);
void nxd_bpf_collect(struct nxd_batch *b, double secs);
void nxd_bpf_poll(void);
void nxd_bpf_prom(FILE *fp);
void nxd_bpf_stop(void);

/* Prometheus exposition and its HTTP server (prom.c). */
int nxd_http_listen(const char *addr);
void nxd_http_serve(int lfd);
void nxd_prom_write(FILE *fp);
/* Decision totals by kind and outcome, kept across module reloads. */
void nxd_decisions_update(int fd);

/* Counters of nexusd itself. */
struct nxd_stats {
	unsigned long long ingested;
	unsigned long long ingest_errors;
	unsigned long long scrapes;
	unsigned long long reconnects;
	bool connected;
};

extern struct nxd_stats nxd_stats;

#endif /* _NEXUSD_H */
