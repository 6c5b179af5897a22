// SPDX-License-Identifier: GPL-2.0
/*
 * NEXUS_REC_FORECAST: the forecasts as typed records for
 * NEXUS_IOC_READ_RECORDS, the ones the debugfs dump shows (every forecast
 * metric that exists and has samples), in the table's order.  The core
 * calls nxp_read_records() under its registry lock, which serialises it
 * with the tick that updates the forecasts.
 */
#include <linux/string.h>
#include "predict.h"
#include "nx_forecast.h"

static void nxp_forecast_rec(struct nexus_forecast_rec *r, const char *name,
			     int id, u64 horizon_ms,
			     const struct nx_forecaster *c)
{
	unsigned int k;

	strscpy(r->metric, name, sizeof(r->metric));
	r->metric_id = id;
	r->model = c->model;
	r->horizon_ms = horizon_ms;
	r->now = c->last;
	r->forecast = c->fc;
	r->lower = c->lower;
	r->upper = c->upper;
	r->confidence = c->conf;
	r->switches = c->switches;
	r->samples = c->samples;
	for (k = 0; k < NX_FC_MODELS; k++) {
		if (!c->scored[k])
			continue;
		r->scored |= 1U << k;
		r->mae[k] = nx_vround(c->mae[k]);
	}
}

/**
 * nxp_read_records() - the read_records callback of nexus_predict
 * @kind: NEXUS_REC_FORECAST
 * @offset: index of the first forecast wanted
 * @buf: zeroed room for @max struct nexus_forecast_rec
 * @max: records wanted
 * @total: set to the forecasts there are
 *
 * Return: records written, or -EINVAL for another kind.
 */
int nxp_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total)
{
	struct nexus_forecast_rec *out = buf;
	const struct nx_forecaster *c;
	unsigned int i, n = 0;
	const char *name;
	u64 horizon, idx = 0;
	int id;

	BUILD_BUG_ON(NX_FC_MODELS > NEXUS_FC_MODEL_SLOTS);
	/* The library's models are the ABI's, value for value. */
	BUILD_BUG_ON(NX_FC_LINREG != (int)NEXUS_FC_LINREG ||
		     NX_FC_HOLT != (int)NEXUS_FC_HOLT ||
		     NX_FC_EWMA != (int)NEXUS_FC_EWMA ||
		     NX_FC_NAIVE != (int)NEXUS_FC_NAIVE);
	if (kind != NEXUS_REC_FORECAST)
		return -EINVAL;
	for (i = 0; (c = nxp_forecast_at(i, &name, &id, &horizon)); i++) {
		if (id < 0 || !c->samples)
			continue;
		if (idx++ < offset || n == max)
			continue;
		nxp_forecast_rec(&out[n++], name, id, horizon, c);
	}
	*total = idx;
	return n;
}
