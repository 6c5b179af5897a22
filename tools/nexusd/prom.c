// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c - NEXUS in the Prometheus text exposition format (0.0.4), served
 * over a minimal HTTP/1.0 server: GET /metrics, one request per connection.
 *
 * Families: nexus_up, nexus_info, nexus_level, nexus_state, the core's
 * counters (struct nexus_stats), nexus_metric_value and
 * nexus_metric_samples_total per metric (NEXUS_IOC_READ_RECORDS), the
 * predictions and anomalies (NEXUS_IOC_READ_FINDINGS),
 * nexus_decisions_total by kind and outcome (NEXUS_IOC_READ_DECISIONS),
 * then nexusd's own counters and its BPF collectors.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "nexusd.h"
#include "nx_dev.h"

/* Running totals of the decision audit log, by kind and outcome. */
static unsigned long long nxd_dec[NEXUS_DECISION_COUNT][NEXUS_OUTCOME_COUNT];
static unsigned long long nxd_dec_cursor;

void nxd_decisions_update(int fd)
{
	struct nexus_stats st = { .size = sizeof(st) };
	struct nexus_decision *d = NULL;
	size_t n = 0, i;

	/* A reloaded core numbers its decisions from 1 again. */
	if (!nx_ioctl(fd, NEXUS_IOC_GET_STATS, &st) &&
	    st.decisions < nxd_dec_cursor)
		nxd_dec_cursor = 0;
	if (nx_read_decisions(fd, nxd_dec_cursor, &d, &n))
		return;
	for (i = 0; i < n; i++) {
		if (d[i].kind < NEXUS_DECISION_COUNT &&
		    d[i].outcome < NEXUS_OUTCOME_COUNT)
			nxd_dec[d[i].kind][d[i].outcome]++;
		nxd_dec_cursor = d[i].id;
	}
	free(d);
}

static void nxd_family(FILE *fp, const char *name, const char *type,
		       const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void nxd_prom_stats(FILE *fp, const struct nexus_stats *st)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} f[] = {
#define NXD_ST(n, t, h, m) { n, t, h, offsetof(struct nexus_stats, m) }
		NXD_ST("nexus_events_pushed_total", "counter",
		       "Events queued on the bus.", events_pushed),
		NXD_ST("nexus_events_dropped_total", "counter",
		       "Events dropped (full ring, chaos).", events_dropped),
		NXD_ST("nexus_events_drained_total", "counter",
		       "Events the engine took from the bus.", events_drained),
		NXD_ST("nexus_ticks_total", "counter", "Engine ticks.", ticks),
		NXD_ST("nexus_decisions_recorded_total", "counter",
		       "Decisions recorded.", decisions),
		NXD_ST("nexus_findings_total", "counter",
		       "Findings published.", findings),
		NXD_ST("nexus_memory_used_bytes", "gauge",
		       "Bytes charged to the memory budget.", memory_used),
		NXD_ST("nexus_memory_budget_bytes", "gauge",
		       "The memory budget.", memory_budget),
		NXD_ST("nexus_work_units_last_second", "gauge",
		       "Engine work units over the last second.",
		       work_units_last_sec),
		NXD_ST("nexus_work_shed_total", "counter",
		       "Work units shed to stay within budget.", work_shed),
		NXD_ST("nexus_state_transitions_total", "counter",
		       "State transitions.", state_transitions),
#undef NXD_ST
	};
	size_t i;

	for (i = 0; i < NXD_ARRAY_SIZE(f); i++) {
		unsigned long long v;

		memcpy(&v, (const char *)st + f[i].off, sizeof(v));
		nxd_family(fp, f[i].name, f[i].type, f[i].help);
		fprintf(fp, "%s %llu\n", f[i].name, v);
	}
	nxd_family(fp, "nexus_cpu_used_ratio", "gauge",
		   "Engine CPU time over the last second, fraction of one CPU.");
	fprintf(fp, "nexus_cpu_used_ratio %.6f\n", st->cpu_used_ppm / 1e6);
	nxd_family(fp, "nexus_cpu_budget_ratio", "gauge",
		   "Engine CPU budget, fraction of one CPU.");
	fprintf(fp, "nexus_cpu_budget_ratio %.6f\n", st->cpu_budget_ppm / 1e6);
	nxd_family(fp, "nexus_modules", "gauge", "Pluggable modules registered.");
	fprintf(fp, "nexus_modules %u\n", st->nr_modules);
}

/* Every metric of the store (NEXUS_REC_METRIC). */
static void nxd_prom_metrics(FILE *fp, int fd)
{
	struct nexus_metric_rec *m = NULL;
	char ln[256], lu[128];
	size_t n = 0, i;
	int ret;

	ret = nx_read_records(fd, NEXUS_REC_METRIC, sizeof(*m), (void **)&m, &n);
	if (ret) {
		nxd_dbg("cannot list the metrics: %s", strerror(-ret));
		return;
	}
	nxd_family(fp, "nexus_metric_value", "gauge",
		   "Last sample of each NEXUS metric, in its unit.");
	for (i = 0; i < n; i++)
		fprintf(fp, "nexus_metric_value{metric=\"%s\",unit=\"%s\"} %lld\n",
			nxd_label(ln, sizeof(ln), m[i].name),
			nxd_label(lu, sizeof(lu), m[i].unit), (long long)m[i].last);
	nxd_family(fp, "nexus_metric_samples_total", "counter",
		   "Samples stored per NEXUS metric.");
	for (i = 0; i < n; i++)
		fprintf(fp, "nexus_metric_samples_total{metric=\"%s\"} %llu\n",
			nxd_label(ln, sizeof(ln), m[i].name),
			(unsigned long long)m[i].total);
	free(m);
}

static void nxd_prom_findings(FILE *fp, int fd)
{
	char comp[96], src[48], kind[48];
	struct nexus_finding *f = NULL;
	size_t n = 0, i;
	int pass;

	if (nx_read_findings(fd, &f, &n))
		return;
	for (pass = 0; pass < 4; pass++) {
		static const char * const fam[][2] = {
			{ "nexus_prediction_confidence",
			  "Confidence (0..1) of each active prediction." },
			{ "nexus_prediction_time_to_failure_seconds",
			  "Expected time left before the predicted failure." },
			{ "nexus_anomaly_confidence",
			  "Confidence (0..1) of each active anomaly." },
			{ "nexus_anomaly_value",
			  "The observed value behind each active anomaly." },
		};
		unsigned int class = pass < 2 ? NEXUS_FINDING_PREDICTION :
						NEXUS_FINDING_ANOMALY;

		nxd_family(fp, fam[pass][0], "gauge", fam[pass][1]);
		for (i = 0; i < n; i++) {
			if (f[i].class != class ||
			    (f[i].flags & NEXUS_FINDING_RESOLVED))
				continue;
			nxd_label(comp, sizeof(comp), f[i].component);
			nxd_label(src, sizeof(src), f[i].source);
			if (class == NEXUS_FINDING_PREDICTION)
				snprintf(kind, sizeof(kind), "%s",
					 nx_prediction_name(f[i].kind));
			else
				snprintf(kind, sizeof(kind), "%d", f[i].metric);
			fprintf(fp, "%s{id=\"%llu\",%s=\"%s\",component=\"%s\",source=\"%s\"} ",
				fam[pass][0], (unsigned long long)f[i].id,
				class == NEXUS_FINDING_PREDICTION ? "kind" : "metric_id",
				kind, comp, src);
			if (pass == 0 || pass == 2)
				fprintf(fp, "%.3f\n", f[i].confidence / 1000.0);
			else if (pass == 1)
				fprintf(fp, "%.3f\n", f[i].time_to_failure_ms / 1000.0);
			else
				fprintf(fp, "%lld\n", (long long)f[i].value);
		}
	}
	free(f);
}

static void nxd_prom_decisions(FILE *fp)
{
	unsigned int k, o;

	nxd_family(fp, "nexus_decisions_total", "counter",
		   "Decisions of the audit log seen by nexusd, by kind and outcome.");
	for (k = 0; k < NEXUS_DECISION_COUNT; k++)
		for (o = 0; o < NEXUS_OUTCOME_COUNT; o++)
			if (nxd_dec[k][o])
				fprintf(fp, "%s{kind=\"%s\",outcome=\"%s\"} %llu\n",
					"nexus_decisions_total", nx_decision_name(k),
					nx_outcome_name(o), nxd_dec[k][o]);
}

void nxd_prom_write(FILE *fp)
{
	struct nexus_version v = { .size = sizeof(v) };
	struct nexus_stats st = { .size = sizeof(st) };
	char rel[64];
	unsigned int i;
	int fd;

	fd = open(nx_dev_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (nx_ioctl(fd, NEXUS_IOC_VERSION, &v) ||
			nx_ioctl(fd, NEXUS_IOC_GET_STATS, &st))) {
		close(fd);
		fd = -1;
	}
	nxd_family(fp, "nexus_up", "gauge",
		   "1 when nexus_core is loaded and /dev/nexus answers.");
	fprintf(fp, "nexus_up %d\n", fd >= 0);
	if (fd >= 0) {
		nxd_family(fp, "nexus_info", "gauge", "The running NEXUS core.");
		fprintf(fp, "nexus_info{release=\"%s\",abi=\"%u.%u\"} 1\n",
			nxd_label(rel, sizeof(rel), v.release), v.abi_major,
			v.abi_minor);
		nxd_family(fp, "nexus_level", "gauge", "The level, 0..6.");
		fprintf(fp, "nexus_level %u\n", st.level);
		nxd_family(fp, "nexus_state", "gauge",
			   "1 for the state the core is in.");
		for (i = 0; i < NEXUS_STATE_COUNT; i++)
			fprintf(fp, "nexus_state{state=\"%s\"} %d\n",
				nx_state_name(i), st.state == i);
		nxd_prom_stats(fp, &st);
		nxd_prom_metrics(fp, fd);
		nxd_prom_findings(fp, fd);
		close(fd);
	}
	nxd_prom_decisions(fp);
	nxd_family(fp, "nexusd_ingested_samples_total", "counter",
		   "Samples of the BPF collectors ingested into NEXUS.");
	fprintf(fp, "nexusd_ingested_samples_total %llu\n", nxd_stats.ingested);
	nxd_family(fp, "nexusd_ingest_errors_total", "counter",
		   "NEXUS_IOC_INGEST calls that failed.");
	fprintf(fp, "nexusd_ingest_errors_total %llu\n",
		nxd_stats.ingest_errors);
	nxd_family(fp, "nexusd_scrapes_total", "counter",
		   "Scrapes served, this one included.");
	fprintf(fp, "nexusd_scrapes_total %llu\n", nxd_stats.scrapes);
	nxd_bpf_prom(fp);
}

int nxd_http_listen(const char *addr)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICHOST |
					      AI_NUMERICSERV };
	char host[128], *port;
	struct addrinfo *ai;
	int fd, one = 1, ret;

	snprintf(host, sizeof(host), "%s", addr);
	port = strrchr(host, ':');
	if (!port || !port[1]) {
		nxd_log("--listen %s: expected ADDR:PORT", addr);
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	ret = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
	if (ret) {
		nxd_log("--listen %s: %s", addr, gai_strerror(ret));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
		nxd_log("cannot listen on %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static void nxd_http_reply(int fd, const char *status, const char *type,
			   const char *body, size_t len)
{
	char hdr[256];
	int h;

	h = snprintf(hdr, sizeof(hdr),
		     "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		     status, type, len);
	if (write(fd, hdr, h) != h)
		return;
	while (len) {
		ssize_t n = write(fd, body, len);

		if (n <= 0)
			return;
		body += n;
		len -= n;
	}
}

void nxd_http_serve(int lfd)
{
	struct timeval tv = { .tv_sec = 2 };
	char req[4096], method[16], path[256];
	size_t len = 0, blen = 0;
	char *body = NULL;
	FILE *mem;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1) {
		ssize_t n = read(fd, req + len, sizeof(req) - 1 - len);

		if (n <= 0)
			break;
		len += n;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[len] = '\0';
	if (sscanf(req, "%15s %255s", method, path) != 2) {
		nxd_http_reply(fd, "400 Bad Request", "text/plain", "bad request\n", 12);
	} else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		nxd_http_reply(fd, "405 Method Not Allowed", "text/plain",
			       "GET only\n", 9);
	} else if (!strcmp(path, "/metrics") ||
		   !strncmp(path, "/metrics?", 9)) {
		nxd_stats.scrapes++;
		mem = open_memstream(&body, &blen);
		if (mem) {
			nxd_prom_write(mem);
			fclose(mem);
			nxd_http_reply(fd, "200 OK",
				       "text/plain; version=0.0.4; charset=utf-8",
				       body, strcmp(method, "HEAD") ? blen : 0);
			free(body);
		}
	} else if (!strcmp(path, "/")) {
		static const char page[] =
			"<html><body><a href=\"/metrics\">NEXUS metrics</a></body></html>\n";

		nxd_http_reply(fd, "200 OK", "text/html", page, sizeof(page) - 1);
	} else {
		nxd_http_reply(fd, "404 Not Found", "text/plain", "not found\n", 10);
	}
	close(fd);
}
