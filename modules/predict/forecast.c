// SPDX-License-Identifier: GPL-2.0
/*
 * Forecasts of CPU, memory and I/O metrics over the prediction horizon.
 *
 * Each metric runs a forecaster of the algorithm library (nx_forecast.h):
 * linear regression (predict_linear's method), damped Holt, EWMA and naive
 * side by side, the one with the lowest error at the horizon published with
 * a 95% interval and a confidence.  "nexusctl replay --model forecast" runs
 * the same code over a recorded series.  This file follows the metrics by
 * name, feeds them their new samples once per tick and dumps the result.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "predict.h"
#include "nx_forecast.h"

#define NXP_FC_MAX	16
#define NXP_READ_MAX	64

/**
 * struct nxp_fc - one forecast metric.
 * @name: metric name.
 * @id: metric id, -1 while the metric does not exist.
 * @hi: highest physical value (forecasts are clamped to [0, hi]).
 * @last_ns: timestamp of the newest sample consumed.
 * @fc: the forecaster.
 */
struct nxp_fc {
	char name[NEXUS_NAME_LEN];
	int id;
	s64 hi;
	u64 last_ns;
	struct nx_forecaster fc;
};

static struct nxp_fc *nxp_fcs;
static unsigned int nxp_nfc;
static struct nexus_sample *nxp_buf;
static u64 nxp_horizon_ms;
static u64 nxp_resolve_ns;

struct nxp_fc_def {
	const char *name;
	s64 hi;
};

/* CPU load, memory pressure, I/O bandwidth and latency. */
static const struct nxp_fc_def nxp_fc_defs[] = {
	{ "cpu.util", 1000 },
	{ "mem.available_kb", NX_VALUE_MAX },
	{ "psi.memory.some", 1000 },
	{ "psi.io.some", 1000 },
	{ "blk.bw_kbps", NX_VALUE_MAX },
	{ "blk.iops", NX_VALUE_MAX },
	{ "blk.latency_avg_us", NX_VALUE_MAX },
	{ "sched.runq_latency_avg_ns", NX_VALUE_MAX },
};

static void nxp_fc_reset(struct nxp_fc *f)
{
	f->last_ns = 0;
	nx_fc_init(&f->fc, nxp_horizon_ms, 0, f->hi);
}

/**
 * nxp_forecast_init() - allocate the forecast table
 *
 * Return: 0 or -ENOMEM.
 */
int nxp_forecast_init(void)
{
	unsigned int i, cpu;

	nxp_fcs = nexus_kvzalloc(NXP_FC_MAX * sizeof(*nxp_fcs), GFP_KERNEL);
	nxp_buf = nexus_kzalloc(NXP_READ_MAX * sizeof(*nxp_buf), GFP_KERNEL);
	if (!nxp_fcs || !nxp_buf) {
		nxp_forecast_exit();
		return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(nxp_fc_defs); i++) {
		strscpy(nxp_fcs[i].name, nxp_fc_defs[i].name, NEXUS_NAME_LEN);
		nxp_fcs[i].hi = nxp_fc_defs[i].hi;
	}
	/* Per-CPU load for the first CPUs, as the sched collector names it. */
	for_each_online_cpu(cpu) {
		if (i >= NXP_FC_MAX)
			break;
		snprintf(nxp_fcs[i].name, NEXUS_NAME_LEN, "cpu%u.util", cpu);
		nxp_fcs[i++].hi = 1000;
	}
	nxp_nfc = i;
	for (i = 0; i < nxp_nfc; i++) {
		nxp_fcs[i].id = -1;
		nxp_fc_reset(&nxp_fcs[i]);
	}
	return 0;
}

/**
 * nxp_forecast_exit() - free the forecast table
 */
void nxp_forecast_exit(void)
{
	nexus_kfree(nxp_fcs);
	nexus_kfree(nxp_buf);
	nxp_fcs = NULL;
	nxp_buf = NULL;
	nxp_nfc = 0;
}

/* The metric may come and go with its collector: follow it by name. */
static void nxp_fc_resolve(struct nxp_fc *f)
{
	int id = nexus_metric_find(f->name);

	if (id < 0)
		id = -1;
	if (id != f->id) {
		f->id = id;
		nxp_fc_reset(f);
	}
}

/**
 * nxp_forecast_tick() - feed new samples to every metric's models
 * @now_ns: monotonic time
 * @p: the prediction config in force
 *
 * Each metric's new samples (at most NXP_READ_MAX per tick) go to its
 * forecaster, which then re-selects its model and republishes.
 */
void nxp_forecast_tick(u64 now_ns, const struct nexus_prediction_params *p)
{
	bool resolve = now_ns - nxp_resolve_ns >= NSEC_PER_SEC;
	unsigned int i;

	if (p->horizon_ms != nxp_horizon_ms) {
		/* Errors measured at another horizon say nothing of this one. */
		nxp_horizon_ms = p->horizon_ms;
		for (i = 0; i < nxp_nfc; i++)
			nxp_fc_reset(&nxp_fcs[i]);
	}
	if (resolve)
		nxp_resolve_ns = now_ns;
	for (i = 0; i < nxp_nfc; i++) {
		struct nxp_fc *f = &nxp_fcs[i];
		int n, k;

		if (resolve || f->id < 0)
			nxp_fc_resolve(f);
		if (f->id < 0)
			continue;
		n = nexus_metric_read(f->id, nxp_buf, NXP_READ_MAX, f->last_ns);
		if (n <= 0)
			continue;
		if (!nexus_work_charge(n))
			return;
		for (k = 0; k < n; k++)
			nx_fc_sample(&f->fc, nxp_ms(nxp_buf[k].ts_ns),
				     nxp_buf[k].value);
		f->last_ns = nxp_buf[n - 1].ts_ns;
		nx_fc_publish(&f->fc);
	}
}

/**
 * nxp_forecast_at() - one entry of the forecast table, for records.c
 * @i: its index
 * @name: set to its metric's name
 * @id: set to its metric's id, -1 while the metric does not exist
 * @horizon_ms: set to the horizon in force
 *
 * Return: its forecaster, or NULL past the end of the table.
 */
const struct nx_forecaster *nxp_forecast_at(unsigned int i, const char **name,
					    int *id, u64 *horizon_ms)
{
	if (i >= nxp_nfc)
		return NULL;
	*name = nxp_fcs[i].name;
	*id = nxp_fcs[i].id;
	*horizon_ms = nxp_horizon_ms;
	return &nxp_fcs[i].fc;
}

/**
 * nxp_forecast_dump() - the forecasts, one line per metric
 * @m: seq_file
 */
void nxp_forecast_dump(struct seq_file *m)
{
	unsigned int i, k;

	seq_printf(m, "# forecasts: horizon_ms %llu, 95%% interval\n",
		   nxp_horizon_ms);
	seq_puts(m, "# metric model now forecast lower upper confidence samples switches mae_linreg mae_holt mae_ewma mae_naive\n");
	for (i = 0; i < nxp_nfc; i++) {
		const struct nxp_fc *f = &nxp_fcs[i];
		const struct nx_forecaster *c = &f->fc;

		if (f->id < 0 || !c->samples)
			continue;
		seq_printf(m, "%s %s %lld %lld %lld %lld %u %llu %u", f->name,
			   nx_fc_model_names[c->model], c->last, c->fc,
			   c->lower, c->upper, c->conf, c->samples, c->switches);
		for (k = 0; k < NX_FC_MODELS; k++) {
			if (c->scored[k])
				seq_printf(m, " %lld", nx_vround(c->mae[k]));
			else
				seq_puts(m, " -");
		}
		seq_putc(m, '\n');
	}
}

/**
 * nxp_forecasts_show() - /sys/kernel/debug/nexus/forecasts
 * @m: seq_file
 * @unused: unused
 *
 * Return: 0.
 */
int nxp_forecasts_show(struct seq_file *m, void *unused)
{
	nxp_forecast_dump(m);
	return 0;
}
