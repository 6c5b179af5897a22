// SPDX-License-Identifier: GPL-2.0
/*
 * One nx_anomaly detector per NEXUS metric, fed on each engine tick with
 * the samples the metric received since the last one, and the anomaly
 * records it opens and closes turned into findings.
 *
 * Everything here runs from the module's tick, dump or debugfs callbacks,
 * which the core serialises under its registry lock, or from exit after
 * the module was unregistered: no lock of our own is needed.  sysfs stores
 * only write nxa_knobs and bump nxa_reset_gen; the tick picks them up.
 */
#define pr_fmt(fmt) "nexus_anomaly: " fmt

#include <linux/kernel.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include "anomaly.h"

/* Allocation failures are retried after this long, not on every tick. */
#define NXA_RETRY_NS		(10 * NSEC_PER_SEC)

static const char * const nxa_test_names[] = {
	"spike", "level", "season", "cusum", "var", "ctx", "logctx",
};

/* "spike+ctx" for NX_ANOM_T_SPIKE | NX_ANOM_T_CTX, "-" for none. */
static void nxa_tests_str(u8 tests, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(nxa_test_names); i++)
		if (tests & BIT(i))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? "+" : "", nxa_test_names[i]);
	if (!len)
		strscpy(buf, "-", size);
}

static const char *nxa_dir_str(s8 dir)
{
	return dir > 0 ? "above" : dir < 0 ? "below" : "both";
}

/*
 * A Q.8 value as "<int>.<2 digits>" in @buf.  The baselines are kept with
 * 8 fraction bits; two decimals are all they carry.
 */
static const char *nxa_q8_str(s64 q, char *buf, size_t size)
{
	u64 a = q < 0 ? -(u64)q : (u64)q;

	scnprintf(buf, size, "%s%llu.%02llu", q < 0 ? "-" : "", a >> 8,
		  ((a & 0xff) * 100) >> 8);
	return buf;
}

/* The detector settings the knobs ask for, with the library's defaults. */
static void nxa_cfg(struct nx_anomaly_cfg *cfg)
{
	nx_anomaly_default_cfg(cfg);
	cfg->sensitivity = READ_ONCE(nxa_knobs.sensitivity);
	cfg->learn = READ_ONCE(nxa_knobs.learn);
	cfg->alarm_on = READ_ONCE(nxa_knobs.threshold);
	/* Hysteresis: the library's 500/700 ratio at any threshold. */
	cfg->alarm_off = cfg->alarm_on * 5 / 7;
	cfg->cooldown = READ_ONCE(nxa_knobs.cooldown);
	cfg->tests = READ_ONCE(nxa_knobs.tests);
}

/* Knob changes apply to running detectors without resetting them. */
static void nxa_cfg_apply(struct nx_anomaly *det,
			  const struct nx_anomaly_cfg *cfg)
{
	det->cfg.sensitivity = cfg->sensitivity;
	det->cfg.learn = cfg->learn;
	det->cfg.alarm_on = cfg->alarm_on;
	det->cfg.alarm_off = cfg->alarm_off;
	det->cfg.cooldown = cfg->cooldown;
	det->cfg.tests = cfg->tests;
}

/*
 * The metric's own sensitivity, if metric_sensitivity names it, over the
 * knob's; looked up again only after a change to metric_sensitivity.
 */
static void nxa_sens_apply(struct nxa_metric *m, u32 sens_gen)
{
	if (m->sens_gen != sens_gen) {
		m->sens = nxa_sens_lookup(m->name);
		m->sens_gen = sens_gen;
	}
	if (m->sens >= 0)
		m->det.cfg.sensitivity = m->sens;
}

static void nxa_publish(struct nxa_metric *m, bool resolved)
{
	const struct nxa_anomaly *a = &m->cur;
	struct nexus_finding f = {
		.id = a->finding_id,
		.ts_ns = a->start_ns,
		.class = NEXUS_FINDING_ANOMALY,
		/* Module-defined kind: the NX_ANOM_T_* tests that fired. */
		.kind = a->tests,
		.confidence = a->peak_score,
		.action = NEXUS_ACTION_MONITOR,
		.flags = resolved ? NEXUS_FINDING_RESOLVED : NEXUS_FINDING_ACTIVE,
		.metric = a->metric,
		.value = a->peak_value,
	};
	char loc[24], scale[24], tests[48];

	if (a->peak_score >= READ_ONCE(nxa_knobs.notify)) {
		f.flags |= NEXUS_FINDING_NOTIFY;
		f.action = NEXUS_ACTION_ALERT;
	}
	strscpy(f.component, a->name, sizeof(f.component));
	nxa_tests_str(a->tests, tests, sizeof(tests));
	/* Cut to fit, like every finding's detail. */
	scnprintf(f.detail, sizeof(f.detail),
		  "%s median+-MAD %s+-%s, score %u >= %u, tests %s",
		  nxa_dir_str(a->direction),
		  nxa_q8_str(a->location, loc, sizeof(loc)),
		  nxa_q8_str(a->scale, scale, sizeof(scale)), a->peak_score,
		  a->threshold, tests);
	m->cur.finding_id = nexus_finding_publish(&nxa_ops, &f);
}

/* The detector opened a record on sample @s: a new anomaly. */
static void nxa_open(struct nxa_metric *m, const struct nexus_sample *s,
		     u32 score, s64 location, s64 scale)
{
	struct nxa_anomaly *a = &m->cur;
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_LOG,
		.confidence = score,
	};
	char tests[48];

	memset(a, 0, sizeof(*a));
	a->start_ns = s->ts_ns;
	a->end_ns = s->ts_ns;
	a->peak_ns = s->ts_ns;
	a->peak_value = s->value;
	a->location = location;
	a->scale = scale;
	a->threshold = m->det.cfg.alarm_on;
	a->peak_score = score;
	a->direction = m->det.rec.direction;
	a->tests = m->det.rec.tests;
	a->metric = m->id;
	strscpy(a->name, m->name, sizeof(a->name));
	m->open = true;
	nxa->active++;
	nxa->total++;
	nxa_publish(m, false);

	/* Every new anomaly is also in the decision audit log. */
	d.finding_id = a->finding_id;
	d.arg = a->tests;
	d.new_value = s->value;
	strscpy(d.target, m->name, sizeof(d.target));
	nxa_tests_str(a->tests, tests, sizeof(tests));
	scnprintf(d.reason, sizeof(d.reason),
		  "anomaly %s baseline, score %u, tests %s",
		  nxa_dir_str(a->direction), score, tests);
	nexus_decide(&nxa_ops, &d);
}

/* The open anomaly of @m ended: resolve its finding and keep it. */
static void nxa_close(struct nxa_metric *m)
{
	struct nx_anomaly_record rec;

	if (!m->open)
		return;
	/* The closed record's tests and direction cover its whole life. */
	if (nx_anomaly_take_record(&m->det, &rec)) {
		m->cur.tests = rec.tests;
		m->cur.direction = rec.direction;
	}
	nxa_publish(m, true);
	nxa->recent[nxa->recent_next] = m->cur;
	nxa->recent_next = (nxa->recent_next + 1) % NXA_RECENT;
	if (nxa->recent_count < NXA_RECENT)
		nxa->recent_count++;
	m->open = false;
	nxa->active--;
}

/*
 * Practical significance: a sample opens an anomaly only if it differs
 * from the baseline's location by min_change_permille of the location (of
 * one unit for a location below one).  The detector judges surprise
 * against the metric's own noise, and a metric as steady as cpu.util
 * under a constant load (MAD about 1 permille) otherwise gives anomalies
 * for a 3 % wobble, which no operator wants to hear about.
 */
static bool nxa_material(s64 value, s64 location)
{
	u64 d = nx_abs64(nx_vq(nx_clamp_value(value)) - location);
	u64 base = max_t(u64, nx_abs64(location), 1 << NX_VFRAC);

	return d * 1000 >= base * READ_ONCE(nxa_knobs.min_change);
}

/*
 * Sample @s follows a material sample that scored at or above the
 * threshold (m->pend): the change must stay material against the same
 * baseline for min_change_samples samples in a row before it is an
 * anomaly, so that a single stray sample (a stall of the emulator, one
 * slow I/O) is not one.  The anomaly starts at the first sample.
 */
static void nxa_confirm(struct nxa_metric *m, const struct nexus_sample *s)
{
	if (!nxa_material(s->value, m->pend_location)) {
		m->confirm = 0;
		m->held = true;
		return;
	}
	if (++m->confirm < READ_ONCE(nxa_knobs.min_samples))
		return;
	m->confirm = 0;
	m->held = false;
	nxa_open(m, &m->pend, m->pend_score, m->pend_location, m->pend_scale);
}

/* Follow the detector's record after sample @s scored @score. */
static void nxa_track(struct nxa_metric *m, const struct nexus_sample *s,
		      u32 score, s64 location, s64 scale)
{
	const struct nx_anomaly_record *rec = &m->det.rec;
	struct nxa_anomaly *a = &m->cur;

	if (!m->open) {
		if (!m->det.rec_open) {
			if (m->held || m->confirm) {
				struct nx_anomaly_record done;

				/* It closed without a material change. */
				nx_anomaly_take_record(&m->det, &done);
				m->held = false;
				m->confirm = 0;
				nxa->small++;
			}
			return;
		}
		if (m->confirm) {
			nxa_confirm(m, s);
			return;
		}
		if (score >= m->det.cfg.alarm_on &&
		    nxa_material(s->value, location)) {
			m->pend = *s;
			m->pend_score = score;
			m->pend_location = location;
			m->pend_scale = scale;
			m->confirm = 1;
			if (READ_ONCE(nxa_knobs.min_samples) <= 1) {
				m->confirm = 0;
				m->held = false;
				nxa_open(m, s, score, location, scale);
			}
		} else {
			m->held = true;
		}
		return;
	}
	if (!m->det.rec_open) {
		nxa_close(m);
		return;
	}
	if (score >= m->det.cfg.alarm_off)
		a->end_ns = s->ts_ns;
	a->tests = rec->tests;
	a->direction = rec->direction;
	/* Republished only when the peak rises, not on every sample. */
	if (score > a->peak_score) {
		a->peak_score = score;
		a->peak_ns = s->ts_ns;
		a->peak_value = s->value;
		nxa_publish(m, false);
	}
}

static void nxa_reset(struct nxa_metric *m, const struct nx_anomaly_cfg *cfg,
		      u32 gen)
{
	nxa_close(m);
	nx_anomaly_init(&m->det, cfg);
	m->held = false;
	m->confirm = 0;
	m->gen = gen;
	m->fed = 0;
}

/*
 * Feed @m the samples since the last one it saw.  Returns false when the
 * work budget ran out: the rest waits in the store for the next tick.
 */
static bool nxa_feed(struct nxa_metric *m)
{
	int n, i;

	n = nexus_metric_read(m->id, nxa->buf, NXA_READ_MAX, m->last_ts_ns);
	if (n <= 0)
		return true;
	/* A full buffer may mean older new samples were left behind. */
	if (n == NXA_READ_MAX)
		nxa->gaps++;
	for (i = 0; i < n; i++) {
		const struct nexus_sample *s = &nxa->buf[i];
		s64 location = m->det.med.q, scale = m->det.mad.q;
		u32 score;

		if (!nexus_work_charge(NXA_UNITS_PER_SAMPLE))
			return false;
		/* The library's time base is seconds (seasonal slots). */
		score = nx_anomaly_update(&m->det,
					  (s64)div_u64(s->ts_ns, NSEC_PER_SEC),
					  s->value);
		m->last_ts_ns = s->ts_ns;
		m->last_value = s->value;
		m->fed++;
		nxa->samples++;
		nxa_track(m, s, score, location, scale);
	}
	return true;
}

static void nxa_metric_free(struct nxa_metric *m)
{
	nxa_close(m);
	list_del(&m->node);
	nxa->detectors--;
	nexus_kfree(m);
}

static struct nxa_metric *nxa_metric_new(int id, const char *name,
					 const struct nx_anomaly_cfg *cfg,
					 u32 gen, u64 now_ns)
{
	struct nxa_metric *m;

	if (now_ns < nxa->retry_ns)
		return NULL;
	m = nexus_kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		/* Degrade: this metric goes unwatched for a while. */
		nxa->alloc_fail++;
		nxa->retry_ns = now_ns + NXA_RETRY_NS;
		return NULL;
	}
	m->id = id;
	strscpy(m->name, name, sizeof(m->name));
	nx_anomaly_init(&m->det, cfg);
	m->gen = gen;
	m->sens = -1;
	/* Not the current generation: the tick looks the override up. */
	m->sens_gen = (u32)atomic_read(&nxa_sens_gen) - 1;
	/*
	 * last_ts_ns 0: the newest NXA_READ_MAX samples already stored are
	 * fed on the first tick, so a metric ingested in one batch is seen.
	 */
	nxa->detectors++;
	return m;
}

/**
 * nxa_tick() - the module's tick: sync detectors with metrics, feed them
 * @now_ns: monotonic time of the tick
 *
 * Walks the store's metrics (ascending ids) alongside the detector list
 * (same order): a metric without a detector gets one, a detector whose
 * metric is gone (or whose slot now holds another name) is freed.
 */
void nxa_tick(u64 now_ns)
{
	struct list_head *pos = nxa->metrics.next;
	u32 gen = (u32)atomic_read(&nxa_reset_gen);
	u32 sens_gen = (u32)atomic_read(&nxa_sens_gen);
	char name[NEXUS_NAME_LEN];
	struct nx_anomaly_cfg cfg;
	bool budget = true;
	u64 t0 = local_clock();
	int id;

	nxa_cfg(&cfg);
	for (id = nexus_metric_next(-1); id >= 0; id = nexus_metric_next(id)) {
		struct nxa_metric *m = NULL;

		if (nexus_metric_name(id, name, sizeof(name)))
			continue;
		while (pos != &nxa->metrics) {
			struct nxa_metric *c = list_entry(pos, struct nxa_metric,
							  node);

			pos = pos->next;
			if (c->id == id && !strcmp(c->name, name)) {
				m = c;
				break;
			}
			if (c->id > id) {
				pos = &c->node;
				break;
			}
			nxa_metric_free(c);
		}
		if (!m) {
			m = nxa_metric_new(id, name, &cfg, gen, now_ns);
			if (!m)
				continue;
			/* Before pos: the list stays ordered by id. */
			list_add_tail(&m->node, pos);
		}
		if (m->gen != gen)
			nxa_reset(m, &cfg, gen);
		else
			nxa_cfg_apply(&m->det, &cfg);
		nxa_sens_apply(m, sens_gen);
		if (budget && !nxa_feed(m)) {
			budget = false;
			nxa->work_stops++;
		}
	}
	while (pos != &nxa->metrics) {
		struct nxa_metric *c = list_entry(pos, struct nxa_metric, node);

		pos = pos->next;
		nxa_metric_free(c);
	}
	nxa->cpu_ns += local_clock() - t0;
}

/**
 * nxa_free_all() - resolve open anomalies and free every detector
 */
void nxa_free_all(void)
{
	struct nxa_metric *m, *tmp;

	list_for_each_entry_safe(m, tmp, &nxa->metrics, node)
		nxa_metric_free(m);
}

static void nxa_show_one(struct seq_file *sf, const char *state,
			 const struct nxa_anomaly *a)
{
	char loc[24], scale[24], tests[48];

	nxa_tests_str(a->tests, tests, sizeof(tests));
	seq_printf(sf, "%s %llu %s %llu %llu %llu %u %s %lld %s %s %u %s\n",
		   state, a->finding_id, a->name, a->start_ns, a->end_ns,
		   a->peak_ns, a->peak_score, nxa_dir_str(a->direction),
		   a->peak_value, nxa_q8_str(a->location, loc, sizeof(loc)),
		   nxa_q8_str(a->scale, scale, sizeof(scale)), a->threshold,
		   tests);
}

/**
 * nxa_show_anomalies() - /sys/kernel/debug/nexus/anomalies
 * @m: the seq_file
 * @unused: unused
 *
 * Active anomalies first (by metric id), then the recent closed ones,
 * newest first; one line each.
 *
 * Return: 0.
 */
int nxa_show_anomalies(struct seq_file *m, void *unused)
{
	struct nxa_metric *mt;
	unsigned int i;

	seq_puts(m, "# state finding metric start_ns end_ns peak_ns peak_score direction peak_value location scale threshold tests\n");
	list_for_each_entry(mt, &nxa->metrics, node)
		if (mt->open)
			nxa_show_one(m, "active", &mt->cur);
	for (i = 1; i <= nxa->recent_count; i++)
		nxa_show_one(m, "closed",
			     &nxa->recent[(nxa->recent_next + NXA_RECENT - i) %
					  NXA_RECENT]);
	return 0;
}

/**
 * nxa_show_baselines() - /sys/kernel/debug/nexus/baselines
 * @m: the seq_file
 * @unused: unused
 *
 * One line per detector: its baseline (location: streaming median; scale:
 * streaming median absolute deviation; both in the metric's unit), the
 * threshold, samples seen since the last reset, whether it is still
 * learning, the last sample's value and score, and the sensitivity in
 * force (metric_sensitivity's, else the knob's).
 *
 * Return: 0.
 */
int nxa_show_baselines(struct seq_file *m, void *unused)
{
	struct nxa_metric *mt;
	char loc[24], scale[24];

	seq_puts(m, "# id metric location scale threshold samples learning last_value last_score sensitivity\n");
	list_for_each_entry(mt, &nxa->metrics, node)
		seq_printf(m, "%d %s %s %s %u %llu %s %lld %u %u\n", mt->id,
			   mt->name, nxa_q8_str(mt->det.med.q, loc, sizeof(loc)),
			   nxa_q8_str(mt->det.mad.q, scale, sizeof(scale)),
			   mt->det.cfg.alarm_on, mt->fed,
			   mt->det.n <= mt->det.cfg.learn ? "yes" : "no",
			   mt->last_value, mt->det.last_score,
			   mt->det.cfg.sensitivity);
	return 0;
}

/**
 * nxa_dump() - /sys/kernel/debug/nexus/anomaly: settings and counters
 * @m: the seq_file
 */
void nxa_dump(struct seq_file *m)
{
	u64 per = nxa->samples ? div64_u64(nxa->cpu_ns, nxa->samples) : 0;

	seq_printf(m, "sensitivity %u\nlearning_samples %u\nthreshold %u\n"
		   "threshold_off %u\ncooldown %u\nnotify_threshold %u\n"
		   "tests 0x%x\nmin_change_permille %u\nmin_change_samples %u\n",
		   READ_ONCE(nxa_knobs.sensitivity), READ_ONCE(nxa_knobs.learn),
		   READ_ONCE(nxa_knobs.threshold),
		   READ_ONCE(nxa_knobs.threshold) * 5 / 7,
		   READ_ONCE(nxa_knobs.cooldown), READ_ONCE(nxa_knobs.notify),
		   READ_ONCE(nxa_knobs.tests), READ_ONCE(nxa_knobs.min_change),
		   READ_ONCE(nxa_knobs.min_samples));
	seq_printf(m, "detectors %u\nactive %u\nanomalies_total %llu\n"
		   "small_changes %llu\nsamples %llu\nread_gaps %llu\n"
		   "work_stops %llu\nalloc_failures %llu\n", nxa->detectors,
		   nxa->active, nxa->total, nxa->small, nxa->samples, nxa->gaps,
		   nxa->work_stops, nxa->alloc_fail);
	seq_printf(m, "bytes_per_detector %zu\nbytes_state %zu\n"
		   "tick_ns_per_sample %llu\n", sizeof(struct nxa_metric),
		   sizeof(struct nxa_state), per);
}
