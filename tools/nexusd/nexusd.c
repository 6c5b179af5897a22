// SPDX-License-Identifier: GPL-2.0
/*
 * nexusd.c - the NEXUS agent
 *
 * Loads the BPF collectors of bpf/, feeds what they measure into NEXUS
 * metrics through NEXUS_IOC_INGEST every --interval seconds, and serves
 * every NEXUS metric, prediction, anomaly and decision in the Prometheus
 * text format on --listen (127.0.0.1:9477).  Runs in the foreground and
 * logs to stderr (journald under systemd).  /dev/nexus is opened for each
 * round and closed again, so nexusd never pins nexus_core: the module can be
 * unloaded and reloaded under it, and nexusd reconnects.  SIGTERM or SIGINT
 * detach and unload the BPF programs and exit 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "nexusd.h"
#include "nx_dev.h"

bool nxd_verbose;
struct nxd_stats nxd_stats;

static void nxd_vlog(const char *fmt, va_list ap)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "nexusd: [%5ld.%03ld] ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nxd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	nxd_vlog(fmt, ap);
	va_end(ap);
}

void nxd_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!nxd_verbose)
		return;
	va_start(ap, fmt);
	nxd_vlog(fmt, ap);
	va_end(ap);
}

void nxd_add(struct nxd_batch *b, const char *name, long long value)
{
	struct nexus_sample_rec *r;

	if (b->n >= NXD_ARRAY_SIZE(b->rec))
		return;
	r = &b->rec[b->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->metric, sizeof(r->metric), "%s", name);
	r->value = value;
}

const char *nxd_label(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 < size; s++) {
		if (*s == '\\' || *s == '"') {
			out[o++] = '\\';
			out[o++] = *s;
		} else if (*s == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	return out;
}

/* cgroup id -> path, filled by walking /sys/fs/cgroup on a miss. */
#define NXD_CG_CACHE	256
static struct { unsigned long long id; char path[128]; } nxd_cg[NXD_CG_CACHE];
static int nxd_cg_n;
static time_t nxd_cg_walked;

static int nxd_cg_visit(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	const char *rel = path + strlen("/sys/fs/cgroup");
	int i;

	(void)ftw;
	if (flag != FTW_D)
		return 0;
	for (i = 0; i < nxd_cg_n; i++)
		if (nxd_cg[i].id == st->st_ino)
			return 0;
	if (nxd_cg_n == NXD_CG_CACHE)
		return 1;
	nxd_cg[nxd_cg_n].id = st->st_ino;
	snprintf(nxd_cg[nxd_cg_n].path, sizeof(nxd_cg[0].path), "%s",
		 *rel ? rel : "/");
	nxd_cg_n++;
	return 0;
}

const char *nxd_cgroup_path(unsigned long long id, char *out, size_t size)
{
	int i, pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nxd_cg_n; i++) {
			if (nxd_cg[i].id == id) {
				snprintf(out, size, "%s", nxd_cg[i].path);
				return out;
			}
		}
		/* At most one walk per second. */
		if (pass || time(NULL) == nxd_cg_walked)
			break;
		nxd_cg_walked = time(NULL);
		nftw("/sys/fs/cgroup", nxd_cg_visit, 16, FTW_PHYS | FTW_MOUNT);
	}
	snprintf(out, size, "%llu", id);
	return out;
}

/* One round: read the collectors, ingest, update the decision totals. */
static void nxd_round(double secs)
{
	static struct nxd_batch b;
	struct nexus_ingest in = { .size = sizeof(in) };
	struct nexus_version v = { .size = sizeof(v) };
	int fd, ret;

	b.n = 0;
	nxd_bpf_collect(&b, secs);
	fd = open(nx_dev_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (nxd_stats.connected || !nxd_stats.reconnects) {
			/*
			 * The core removes /dev/nexus before /sys/kernel/nexus
			 * on unload: a loaded core is most likely going away.
			 * A node devtmpfs has not removed yet opens with ENODEV
			 * (ENXIO for a stale static node): missing all the same.
			 */
			if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
				nxd_log("%s is missing: nexus_core is %s; retrying",
					nx_dev_path, nx_core_loaded() ?
					"unloading (or devtmpfs is not on /dev)" :
					"not loaded (run 'modprobe nexus_core')");
			else
				nxd_log("cannot open %s: %s; retrying every round",
					nx_dev_path, strerror(errno));
			nxd_stats.reconnects++;
		}
		nxd_stats.connected = false;
		return;
	}
	if (!nxd_stats.connected) {
		if (!nx_ioctl(fd, NEXUS_IOC_VERSION, &v))
			nxd_log("connected to %s: NEXUS %s, ABI %u.%u",
				nx_dev_path, v.release, v.abi_major,
				v.abi_minor);
		nxd_stats.connected = true;
	}
	if (b.n) {
		in.count = b.n;
		in.record_size = sizeof(b.rec[0]);
		in.samples = (uintptr_t)b.rec;
		ret = nx_ioctl(fd, NEXUS_IOC_INGEST, &in);
		if (ret) {
			if (!nxd_stats.ingest_errors++ || nxd_verbose)
				nxd_log("ingest of %u samples: %s", b.n,
					strerror(-ret));
		} else {
			nxd_stats.ingested += in.count;
		}
	}
	nxd_decisions_update(fd);
	close(fd);
}

static double nxd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nxd_usage(FILE *fp)
{
	fprintf(fp,
		"usage: nexusd [--listen ADDR:PORT] [--interval SEC] [--no-bpf] [--verbose]\n"
		"  -l, --listen ADDR:PORT   Prometheus endpoint (default 127.0.0.1:9477;\n"
		"                           [::1]:PORT for IPv6, 'none' to serve nothing)\n"
		"  -i, --interval SEC       collect and ingest every SEC seconds (0.1..3600, default 1)\n"
		"  -n, --no-bpf             do not load the BPF collectors\n"
		"  -v, --verbose            log libbpf messages and every round\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ "no-bpf", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	const char *listen_addr = "127.0.0.1:9477";
	double interval = 1, last, next;
	struct pollfd pfd[2];
	bool bpf = true;
	int c, lfd = -1, sfd;
	sigset_t sigs;
	char *end;

	nx_paths_init("nexusd");
	while ((c = getopt_long(argc, argv, "l:i:nvh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || !(interval >= 0.1 && interval <= 3600)) {
				fprintf(stderr, "nexusd: bad --interval '%s': %s\n",
					optarg, "expected 0.1..3600 seconds");
				return 2;
			}
			break;
		case 'n':
			bpf = false;
			break;
		case 'v':
			nxd_verbose = true;
			break;
		case 'h':
			nxd_usage(stdout);
			return 0;
		default:
			nxd_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nexusd: unexpected argument '%s'\n", argv[optind]);
		nxd_usage(stderr);
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		nxd_log("signalfd: %s", strerror(errno));
		return 1;
	}
	if (strcmp(listen_addr, "none")) {
		lfd = nxd_http_listen(listen_addr);
		if (lfd < 0)
			return 1;
		nxd_log("serving Prometheus metrics on http://%s/metrics",
			listen_addr);
	}
	if (bpf)
		nxd_bpf_start();
	else
		nxd_log("BPF collectors disabled (--no-bpf)");

	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = lfd;
	pfd[1].events = POLLIN;
	last = nxd_now();
	nxd_round(interval);
	next = last + interval;
	for (;;) {
		double now = nxd_now();
		int wait = next > now ? (int)((next - now) * 1000) + 1 : 0;

		if (wait > 200)
			wait = 200;	/* ring buffers are polled meanwhile */
		if (poll(pfd, lfd >= 0 ? 2 : 1, wait) < 0 && errno != EINTR) {
			nxd_log("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					nxd_log("SIGHUP: nothing to reload");
					continue;
				}
				nxd_log("%s: shutting down", strsignal(si.ssi_signo));
			}
			break;
		}
		if (lfd >= 0 && (pfd[1].revents & POLLIN))
			nxd_http_serve(lfd);
		nxd_bpf_poll();
		now = nxd_now();
		if (now >= next) {
			nxd_round(now - last);
			last = now;
			next += interval;
			if (next < now)
				next = now + interval;
		}
	}
	nxd_bpf_stop();
	if (lfd >= 0)
		close(lfd);
	close(sfd);
	nxd_log("stopped: %llu samples ingested, %llu scrapes served",
		nxd_stats.ingested, nxd_stats.scrapes);
	return 0;
}
