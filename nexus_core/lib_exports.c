// SPDX-License-Identifier: GPL-2.0
/*
 * The algorithm library (nexus_core/lib) is plain C with no kernel headers
 * beyond nx_compat.h, so it carries no EXPORT_SYMBOL of its own: it is
 * linked into nexus_core and exported here, once, for the pluggable modules
 * (predict, anomaly, ...).  The functions are documented in their headers.
 */
#include <linux/export.h>
#include "lib/nx_fixed.h"
#include "lib/nx_ewma.h"
#include "lib/nx_holt.h"
#include "lib/nx_linreg.h"
#include "lib/nx_quantile.h"
#include "lib/nx_cpd.h"
#include "lib/nx_ctx.h"
#include "lib/nx_anomaly.h"

EXPORT_SYMBOL_GPL(nx_anomaly_default_cfg);
EXPORT_SYMBOL_GPL(nx_anomaly_init);
EXPORT_SYMBOL_GPL(nx_anomaly_take_record);
EXPORT_SYMBOL_GPL(nx_anomaly_update);
EXPORT_SYMBOL_GPL(nx_ctx_bin);
EXPORT_SYMBOL_GPL(nx_ctx_init);
EXPORT_SYMBOL_GPL(nx_ctx_update);
EXPORT_SYMBOL_GPL(nx_cusum_init);
EXPORT_SYMBOL_GPL(nx_cusum_reset);
EXPORT_SYMBOL_GPL(nx_cusum_update);
EXPORT_SYMBOL_GPL(nx_ewma_init);
EXPORT_SYMBOL_GPL(nx_ewma_mean);
EXPORT_SYMBOL_GPL(nx_ewma_stddev_q8);
EXPORT_SYMBOL_GPL(nx_ewma_update);
EXPORT_SYMBOL_GPL(nx_ewma_z_q16);
EXPORT_SYMBOL_GPL(nx_exp2_neg_q16);
EXPORT_SYMBOL_GPL(nx_holt_forecast);
EXPORT_SYMBOL_GPL(nx_holt_halfwidth);
EXPORT_SYMBOL_GPL(nx_holt_init);
EXPORT_SYMBOL_GPL(nx_holt_update);
EXPORT_SYMBOL_GPL(nx_ilog2);
EXPORT_SYMBOL_GPL(nx_isqrt);
EXPORT_SYMBOL_GPL(nx_linfit_at);
EXPORT_SYMBOL_GPL(nx_linfit_time_to);
EXPORT_SYMBOL_GPL(nx_linreg_add);
EXPORT_SYMBOL_GPL(nx_linreg_fit);
EXPORT_SYMBOL_GPL(nx_linreg_init);
EXPORT_SYMBOL_GPL(nx_log2_q16);
EXPORT_SYMBOL_GPL(nx_mul_div);
EXPORT_SYMBOL_GPL(nx_p2_get);
EXPORT_SYMBOL_GPL(nx_p2_init);
EXPORT_SYMBOL_GPL(nx_p2_update);
EXPORT_SYMBOL_GPL(nx_ph_init);
EXPORT_SYMBOL_GPL(nx_ph_reset);
EXPORT_SYMBOL_GPL(nx_ph_update);
EXPORT_SYMBOL_GPL(nx_q16_div);
EXPORT_SYMBOL_GPL(nx_qtrack_init);
EXPORT_SYMBOL_GPL(nx_qtrack_update);
EXPORT_SYMBOL_GPL(nx_sq_q8);
