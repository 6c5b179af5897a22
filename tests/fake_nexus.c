// SPDX-License-Identifier: GPL-2.0
/*
 * fake_nexus.c - a /dev/nexus that answers NEXUS_IOC_READ_RECORDS with
 * fixed records, linked into nexusctl with -Wl,--wrap=ioctl so the host
 * tests (test_nexusctl.sh) run every "show" of records without a kernel.
 * It checks the argument as the kernel does (size, flags, kind,
 * record_size) and pages the same way: at most NEXUS_RECORDS_MAX records a
 * call, @offset advanced, @total set.  Any other ioctl goes to the system
 * call, so a NEXUS command other than READ_RECORDS gets -ENOTTY from the
 * regular file NEXUS_DEV points at.
 *
 * The environment steers it:
 *   NX_FAKE_PAGE=N      at most N records a call (tests the paging loop)
 *   NX_FAKE_ENODEV=K,.. these kinds' module is "not loaded" (-ENODEV)
 *   NX_FAKE_OLD=1       a core without READ_RECORDS (-ENOTTY)
 *   NX_FAKE_CALLS=FILE  append "kind offset count" for each call
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <linux/nexus.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct nexus_metric_rec fake_metrics[] = {
	{ .id = 0, .name = "sched.ctxsw", .unit = "count", .samples = 100,
	  .capacity = 1024, .total = 1000, .last_ts_ns = 5, .last = 12 },
	{ .id = 7, .flags = NEXUS_METRIC_F_USER,
	  .name = "user.bpf.runqlat.avg_ns", .unit = "ns", .samples = 100,
	  .capacity = 1024, .total = 1000, .last_ts_ns = 6, .last = 5000 },
	/* A name of digits only: still a string in JSON; no unit, no sample. */
	{ .id = 9, .name = "42", .capacity = 1024 },
};

static const struct nexus_forecast_rec fake_forecasts[] = {
	{ .metric = "mem.free", .metric_id = 3, .model = NEXUS_FC_HOLT,
	  .horizon_ms = 30000, .now = 100, .forecast = 90, .lower = 80,
	  .upper = 100, .confidence = 900, .switches = 1, .samples = 10,
	  .scored = 1U << NEXUS_FC_HOLT, .mae = { [NEXUS_FC_HOLT] = 3 } },
};

static const struct nexus_plan_rec fake_plans[] = {
	{ .id = 4, .start_ns = 1000, .component = "tc0", .fault = 2,
	  .status = NEXUS_PLAN_RUNNING, .flags = NEXUS_PLAN_F_LEARNED,
	  .nsteps = 1,
	  .steps = { { .strategy = NEXUS_HEAL_FULL_ROLLBACK,
		       .outcome = NEXUS_STEP_NOT_RUN, .p_permille = 900 } } },
	{ .id = 3, .start_ns = 1000, .end_ns = 57001000, .duration_ms = 57,
	  .finding = 11, .component = "tc0", .fault = 1,
	  .status = NEXUS_PLAN_SUCCEEDED, .nsteps = 2, .done = 2,
	  .skip = { [NEXUS_HEAL_RECONSTRUCT] = NEXUS_SKIP_DISABLED,
		    [NEXUS_HEAL_SUBSTITUTE] = NEXUS_SKIP_UNSUPPORTED },
	  .steps = { { .strategy = NEXUS_HEAL_SOFT_RESET,
		       .outcome = NEXUS_STEP_FAILED, .result = -5, .ms = 12,
		       .p_permille = 500, .decision = 20 },
		     { .strategy = NEXUS_HEAL_FULL_ROLLBACK,
		       .outcome = NEXUS_STEP_OK, .ms = 40, .p_permille = 800,
		       .decision = 21 } } },
};

static const struct nexus_tune_knob_rec fake_knobs[] = {
	{ .name = "vm.swappiness",
	  .flags = NEXUS_KNOB_F_ENABLED | NEXUS_KNOB_F_PRESENT,
	  .value = 60, .min = 0, .max = 100, .orig = 60, .written = 60 },
	{ .name = "nullb0.read_ahead_kb",
	  .flags = NEXUS_KNOB_F_ENABLED | NEXUS_KNOB_F_PRESENT |
		   NEXUS_KNOB_F_CHANGED | NEXUS_KNOB_F_EXPERIMENT,
	  .value = 64, .min = 8, .max = 4096, .orig = 8, .written = 64 },
	{ .name = "nr0.nr_requests", .eligibility = NEXUS_KNOB_NO_IO_SCHEDULER,
	  .value = -1, .min = 4, .max = 1024, .orig = 0, .written = 0 },
};

static const struct nexus_tune_exp_rec fake_exps[] = {
	{ .knob = "nullb0.read_ahead_kb", .metric = "blk.nullb0.read_kbps",
	  .from = 8, .to = 64, .better = 1, .before_samples = 10,
	  .start_ns = 100, .age_ms = 1500, .change_seq = 2 },
};

static const struct nexus_tune_change_rec fake_changes[] = {
	{ .seq = 1, .ts_ns = 1000, .decision = 7, .op = NEXUS_TUNE_OP_CHANGE,
	  .outcome = NEXUS_OUTCOME_APPLIED, .knob = "nullb0.read_ahead_kb",
	  .old_value = 8, .new_value = 32, .result = "kept",
	  .flags = NEXUS_TUNE_F_JUDGED, .t_x1000 = 4500, .df = 9,
	  .before_q8 = 2560, .after_q8 = 5120, .ci_lo_q8 = 2000,
	  .ci_hi_q8 = 3000, .evidence = "io_seq nullb0: reads 2x faster" },
	{ .seq = 2, .ts_ns = 2000, .decision = 8, .op = NEXUS_TUNE_OP_CHANGE,
	  .outcome = NEXUS_OUTCOME_APPLIED, .knob = "nullb0.read_ahead_kb",
	  .old_value = 32, .new_value = 64, .result = "pending",
	  .evidence = "io_seq nullb0 conf 800" },
};

static const struct nexus_posture_rec fake_posture[] = {
	{ .name = "kernel.kptr_restrict", .type = NEXUS_POSTURE_SYSCTL,
	  .reason = NEXUS_POSTURE_SELF_PROTECTION,
	  .result = NEXUS_POSTURE_PASS, .drift_level = NEXUS_THREAT_NONE,
	  .current_val = "2", .desired_val = "2", .source = "kspp" },
	{ .name = "cmdline.nokaslr", .type = NEXUS_POSTURE_CMDLINE,
	  .reason = NEXUS_POSTURE_SELF_PROTECTION,
	  .result = NEXUS_POSTURE_FAIL, .drift_level = NEXUS_THREAT_WARNING,
	  .drift_id = 17, .current_val = "present", .desired_val = "absent",
	  .source = "kspp" },
	{ .name = "vuln.meltdown", .type = NEXUS_POSTURE_RUNTIME,
	  .reason = NEXUS_POSTURE_SELF_PROTECTION,
	  .result = NEXUS_POSTURE_ABSENT, .drift_level = NEXUS_THREAT_NONE,
	  .desired_val = "not_vulnerable", .source = "kernel",
	  .care = "a care, with spaces" },
};

static const struct {
	const void *recs;
	size_t size, n;
} fake_kinds[NEXUS_REC_KIND_COUNT] = {
	[NEXUS_REC_METRIC] = { fake_metrics, sizeof(fake_metrics[0]),
			       ARRAY_SIZE(fake_metrics) },
	[NEXUS_REC_FORECAST] = { fake_forecasts, sizeof(fake_forecasts[0]),
				 ARRAY_SIZE(fake_forecasts) },
	[NEXUS_REC_PLAN] = { fake_plans, sizeof(fake_plans[0]),
			     ARRAY_SIZE(fake_plans) },
	[NEXUS_REC_TUNE_KNOB] = { fake_knobs, sizeof(fake_knobs[0]),
				  ARRAY_SIZE(fake_knobs) },
	[NEXUS_REC_TUNE_EXPERIMENT] = { fake_exps, sizeof(fake_exps[0]),
					ARRAY_SIZE(fake_exps) },
	[NEXUS_REC_TUNE_CHANGE] = { fake_changes, sizeof(fake_changes[0]),
				    ARRAY_SIZE(fake_changes) },
	[NEXUS_REC_POSTURE] = { fake_posture, sizeof(fake_posture[0]),
				ARRAY_SIZE(fake_posture) },
};

static bool fake_enodev(unsigned int kind)
{
	const char *e = getenv("NX_FAKE_ENODEV");
	char *end;

	while (e && *e) {
		if (strtoul(e, &end, 10) == kind && end != e)
			return true;
		e = *end ? end + 1 : end;
	}
	return false;
}

static int fake_read_records(struct nexus_records *a)
{
	const char *page = getenv("NX_FAKE_PAGE");
	const char *calls = getenv("NX_FAKE_CALLS");
	size_t max, i, ksize;
	unsigned int n = 0;

	if (getenv("NX_FAKE_OLD"))
		return -ENOTTY;
	if (a->size != sizeof(*a) || a->flags || !a->kind ||
	    a->kind >= NEXUS_REC_KIND_COUNT)
		return -EINVAL;
	ksize = fake_kinds[a->kind].size;
	if (a->record_size < ksize || a->record_size > NEXUS_RECORD_SIZE_MAX)
		return -EINVAL;
	if (fake_enodev(a->kind))
		return -ENODEV;
	max = a->count < NEXUS_RECORDS_MAX ? a->count : NEXUS_RECORDS_MAX;
	if (page && (size_t)atoi(page) < max)
		max = atoi(page);
	for (i = a->offset; i < fake_kinds[a->kind].n && n < max; i++, n++) {
		char *dst = (char *)(uintptr_t)a->buf + (size_t)n * a->record_size;

		memcpy(dst, (const char *)fake_kinds[a->kind].recs + i * ksize,
		       ksize);
		memset(dst + ksize, 0, a->record_size - ksize);
	}
	if (calls) {
		FILE *fp = fopen(calls, "a");

		if (fp) {
			fprintf(fp, "%u %llu %u\n", a->kind,
				(unsigned long long)a->offset, n);
			fclose(fp);
		}
	}
	a->count = n;
	a->kernel_record_size = ksize;
	a->offset += n;
	a->total = fake_kinds[a->kind].n;
	return 0;
}

/* What nexusctl's ioctl() calls become (-Wl,--wrap=ioctl). */
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req != NEXUS_IOC_READ_RECORDS)
		return syscall(SYS_ioctl, fd, req, arg);
	ret = fake_read_records(arg);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}
