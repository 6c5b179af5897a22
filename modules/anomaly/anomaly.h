/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_anomaly internals shared by main.c (registration, sysfs, debugfs)
 * and detect.c (one detector per metric, anomaly records, findings).
 */
#ifndef _NEXUS_ANOMALY_H
#define _NEXUS_ANOMALY_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/seq_file.h>
#include <nexus/nexus.h>
#include "nx_anomaly.h"

/* Samples read per metric and tick; newer ones than that wait a tick. */
#define NXA_READ_MAX		64
/* Closed anomalies kept for the "anomalies" file. */
#define NXA_RECENT		32
/* Metrics that can have a sensitivity of their own (metric_sensitivity). */
#define NXA_SENS_MAX		16
/*
 * Work units charged per sample fed to a detector.  A store push is one
 * unit; an update is a few hundred instructions with a handful of 64-bit
 * divisions, measured at a few times a push (see anomaly-module.rst).
 */
#define NXA_UNITS_PER_SAMPLE	4

/**
 * struct nxa_knobs - the sysfs knobs; written by stores, read by the tick
 * @sensitivity: 0..1000, the detector's sensitivity (500: neutral)
 * @learn: samples scored 0 after a detector starts or is reset
 * @threshold: score that opens an anomaly (alarm_on), 1..1000
 * @cooldown: samples below alarm_off before an anomaly closes
 * @notify: peak score from which a finding is flagged NEXUS_FINDING_NOTIFY
 * @tests: NX_ANOM_T_* bits of the detector's tests to run
 * @min_change: per-mille of the baseline's location (at least one unit)
 *	by which a sample must differ from it to open an anomaly
 * @min_samples: consecutive samples that must differ by @min_change (the
 *	one at or above @threshold and the ones after it) to open an anomaly
 */
struct nxa_knobs {
	u32 sensitivity;
	u32 learn;
	u32 threshold;
	u32 cooldown;
	u32 notify;
	u32 tests;
	u32 min_change;
	u32 min_samples;
};

/*
 * All seven tests run by default.  Without the context novelty tests
 * (NX_ANOM_T_CTX, NX_ANOM_T_LOG) the detector scores 56.5 on NAB instead
 * of 76.4.  They used to alarm on metrics idling near zero, whose wobble
 * keeps crossing bins never seen before; the library's calm gate
 * (NX_A_CALM) silences a context test that is still finding new
 * transitions (Documentation/anomaly-module.rst).
 */
#define NXA_TESTS_DEFAULT	NX_ANOM_T_ALL

/**
 * struct nxa_anomaly - one anomaly, from open to close
 * @finding_id: the finding that publishes it
 * @start_ns: first sample at or above the threshold
 * @end_ns: last sample at or above alarm_off so far
 * @peak_ns: the sample with the highest score
 * @peak_value: its value, in the metric's unit
 * @location: the baseline's location (streaming median) at the start, Q.8
 * @scale: the baseline's scale (streaming MAD) at the start, Q.8
 * @threshold: the threshold (alarm_on) in force at the start
 * @peak_score: highest score, 0..1000
 * @direction: 1 above the baseline, -1 below, 0 both
 * @tests: NX_ANOM_T_* bits of the tests that fired
 * @metric: the metric's id
 * @name: the metric's name
 */
struct nxa_anomaly {
	u64 finding_id;
	u64 start_ns;
	u64 end_ns;
	u64 peak_ns;
	s64 peak_value;
	s64 location;
	s64 scale;
	u32 threshold;
	u16 peak_score;
	s8 direction;
	u8 tests;
	int metric;
	char name[NEXUS_NAME_LEN];
};

/**
 * struct nxa_metric - the detector of one metric
 * @node: in nxa_state.metrics, ordered by @id
 * @id: the metric's id in the store
 * @gen: nxa_reset_gen when the detector was last reset
 * @name: the metric's name (a new name in the same slot is a new metric)
 * @last_ts_ns: timestamp of the last sample fed
 * @fed: samples fed since the last reset
 * @last_value: the last sample's value
 * @open: @cur is an open anomaly
 * @held: the detector's record is open but too small a change to publish
 * @confirm: material samples in a row so far of a change not yet an
 *	anomaly (0: none pending)
 * @pend: the first of them, which scored at or above the threshold
 * @pend_score: its score
 * @pend_location: the baseline's location before it, Q.8
 * @pend_scale: the baseline's scale before it, Q.8
 * @cur: the open anomaly
 * @sens: its metric_sensitivity override, -1 for none (the knob's)
 * @sens_gen: nxa_sens_gen when @sens was looked up
 * @det: the library's detector state
 */
struct nxa_metric {
	struct list_head node;
	int id;
	u32 gen;
	char name[NEXUS_NAME_LEN];
	u64 last_ts_ns;
	u64 fed;
	s64 last_value;
	bool open;
	bool held;
	u32 confirm;
	u32 pend_score;
	struct nexus_sample pend;
	s64 pend_location;
	s64 pend_scale;
	struct nxa_anomaly cur;
	int sens;
	u32 sens_gen;
	struct nx_anomaly det;
};

/**
 * struct nxa_state - everything the module allocates besides the detectors
 * @metrics: the detectors, ordered by metric id
 * @buf: samples read from the store for one metric
 * @recent: the last NXA_RECENT closed anomalies, a ring
 * @recent_next: where the next closed anomaly goes in @recent
 * @recent_count: entries used in @recent
 * @detectors: entries of @metrics
 * @active: open anomalies
 * @total: anomalies opened since load
 * @small: detector records not published: below min_change_permille, or
 *	not for min_change_samples samples in a row
 * @samples: samples fed since load
 * @gaps: reads that may have missed samples (NXA_READ_MAX new ones)
 * @work_stops: ticks cut short by the work budget
 * @alloc_fail: detectors that could not be allocated
 * @retry_ns: no allocation is tried before this time after a failure
 * @cpu_ns: time spent reading and scoring samples since load
 */
struct nxa_state {
	struct list_head metrics;
	struct nexus_sample buf[NXA_READ_MAX];
	struct nxa_anomaly recent[NXA_RECENT];
	unsigned int recent_next;
	unsigned int recent_count;
	unsigned int detectors;
	unsigned int active;
	u64 total;
	u64 small;
	u64 samples;
	u64 gaps;
	u64 work_stops;
	u64 alloc_fail;
	u64 retry_ns;
	u64 cpu_ns;
};

extern const struct nexus_module_ops nxa_ops;
extern struct nxa_knobs nxa_knobs;
extern atomic_t nxa_reset_gen;
extern atomic_t nxa_sens_gen;
extern struct kobj_attribute nxa_sens_attr;
extern struct nxa_state *nxa;

int nxa_sens_lookup(const char *name);
void nxa_tick(u64 now_ns);
void nxa_free_all(void);
int nxa_show_anomalies(struct seq_file *m, void *unused);
int nxa_show_baselines(struct seq_file *m, void *unused);
void nxa_dump(struct seq_file *m);

#endif /* _NEXUS_ANOMALY_H */
