/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_anomaly.h - streaming anomaly detector for one metric
 *
 * Online, fixed memory, integer only.  Every sample gets a score in
 * [0, 1000]; hysteresis and a cool-down turn scores into anomaly records.
 * See Documentation/anomaly-detection.rst for the design.
 */
#ifndef _NX_ANOMALY_H
#define _NX_ANOMALY_H

#include "nx_cpd.h"
#include "nx_ctx.h"
#include "nx_ewma.h"
#include "nx_fixed.h"
#include "nx_quantile.h"

#define NX_ANOM_SLOTS		48
#define NX_ANOM_SCORE_MAX	1000

/* tests that can fire, as bits of nx_anomaly_record.tests */
#define NX_ANOM_T_SPIKE		0x01	/* one-step prediction error */
#define NX_ANOM_T_LEVEL		0x02	/* robust level (median/MAD) */
#define NX_ANOM_T_SEASON	0x04	/* seasonal profile residual */
#define NX_ANOM_T_CUSUM		0x08	/* CUSUM mean shift */
#define NX_ANOM_T_VAR		0x10	/* Page-Hinkley variance shift */
#define NX_ANOM_T_CTX		0x20	/* novel context (nx_ctx) */
#define NX_ANOM_T_LOG		0x40	/* novel context, log scale */
#define NX_ANOM_T_ALL		0x7f

/**
 * struct nx_anomaly_cfg - detector settings (same defaults for all metrics)
 * @sensitivity: 0..1000, default 500; higher gives higher scores
 * @learn: samples scored 0 while the baselines settle
 * @period: seasonal period in seconds, 0 disables the seasonal test
 * @alarm_on: score at which an anomaly record opens
 * @alarm_off: score below which an open record starts to cool down
 * @cooldown: samples below @alarm_off before the record closes
 * @tests: NX_ANOM_T_* bits of the tests to run
 */
struct nx_anomaly_cfg {
	u32 sensitivity;
	u32 learn;
	u32 period;
	u32 alarm_on;
	u32 alarm_off;
	u32 cooldown;
	u32 tests;
};

/**
 * struct nx_anomaly_record - one anomaly, from open to close
 * @start: timestamp (s) of the first sample at or above alarm_on
 * @end: timestamp (s) of the last sample before the cool-down ended
 * @peak: timestamp (s) of the highest score
 * @peak_score: highest score, 0..1000
 * @direction: 1 above normal, -1 below, 0 mixed (variance)
 * @tests: NX_ANOM_T_* bits of the tests that fired during the record
 */
struct nx_anomaly_record {
	s64 start;
	s64 end;
	s64 peak;
	u16 peak_score;
	s8 direction;
	u8 tests;
};

/**
 * struct nx_anomaly - per-metric detector state (872 bytes on 64-bit)
 * @cfg: settings
 * @n: samples seen
 * @last_ts: timestamp of the previous sample (s)
 * @med: robust level (streaming median), Q.8
 * @mad: robust scale (streaming median absolute deviation), Q.8
 * @fast: fast EWMA of the value (one-step prediction)
 * @slow: slow EWMA of the value (reference for change-point tests)
 * @err1: EWMA of |one-step error|, Q.8
 * @errs: EWMA of |seasonal residual|, Q.8
 * @nseason: seasonal residuals seen
 * @trust_1: long-run mean |one-step error| while the profile is usable, Q.8
 * @trust_s: long-run mean |seasonal residual| over the same samples, Q.8
 * @cusum: CUSUM on the standardised residual against @slow
 * @ph: Page-Hinkley on the log of the absolute residual (variance)
 * @slot_mean: seasonal profile, mean per slot, Q.8
 * @slot_n: visits per slot (saturating)
 * @u_mean: long-run mean of the log surprise u = log2(1 + z), Q16.16
 * @u_var: long-run variance of u, Q16.16
 * @u_short: short-run mean of u, Q16.16
 * @u_tail: tracker of the 99th percentile of u, Q16.16
 * @since: samples since the last unsuppressed score >= NX_A_REST_ON
 * @rest_z: raw surprise z (Q16.16) of the sample that started the rest
 * @smooth: EWMA (1/8) of the value, Q.8, for @ctx_slow
 * @ctx: context novelty detector on the value
 * @ctx_slow: context novelty detector on @smooth
 * @ctx_log: context novelty detector on nx_symlog2() of the value
 * @rec: the open (or last closed) record
 * @rec_open: a record is open
 * @rec_ready: a closed record waits for nx_anomaly_take_record()
 * @quiet: samples below alarm_off since the record's last high score
 * @last_score: the previous score
 * @last_tests: tests that fired on the last sample
 */
struct nx_anomaly {
	struct nx_anomaly_cfg cfg;
	u64 n;
	s64 last_ts;
	struct nx_qtrack med;
	struct nx_qtrack mad;
	struct nx_ewma fast;
	struct nx_ewma slow;
	u64 err1;
	u64 errs;
	u64 nseason;
	s64 trust_1;
	s64 trust_s;
	struct nx_cusum cusum;
	struct nx_ph ph;
	s64 slot_mean[NX_ANOM_SLOTS];
	u8 slot_n[NX_ANOM_SLOTS];
	s64 u_mean;
	s64 u_var;
	s64 u_short;
	struct nx_qtrack u_tail;
	u32 since;
	s64 rest_z;
	s64 smooth;
	struct nx_ctx ctx;
	struct nx_ctx ctx_slow;
	struct nx_ctx ctx_log;
	struct nx_anomaly_record rec;
	bool rec_open;
	bool rec_ready;
	u32 quiet;
	u32 last_score;
	u32 last_tests;
};

void nx_anomaly_default_cfg(struct nx_anomaly_cfg *cfg);
void nx_anomaly_init(struct nx_anomaly *a, const struct nx_anomaly_cfg *cfg);
u32 nx_anomaly_update(struct nx_anomaly *a, s64 ts, s64 value);
bool nx_anomaly_take_record(struct nx_anomaly *a,
			    struct nx_anomaly_record *rec);

#endif /* _NX_ANOMALY_H */
