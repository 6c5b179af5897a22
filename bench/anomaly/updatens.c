// SPDX-License-Identifier: GPL-2.0
/*
 * updatens.c - host time of one nx_anomaly_update(), with and without the
 * context tests: 2 million samples of uniform noise with a spike every 997
 * (every branch of the detector runs), timed with CLOCK_MONOTONIC.
 */
#include <stdio.h>
#include <time.h>

#include "nx_anomaly.h"

static u64 lcg_state = 1;

static u32 lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33);
}

int main(void)
{
	static const u32 masks[] = {
		NX_ANOM_T_ALL & ~(NX_ANOM_T_CTX | NX_ANOM_T_LOG),
		NX_ANOM_T_ALL & ~NX_ANOM_T_LOG, NX_ANOM_T_ALL,
	};
	static struct nx_anomaly a;
	struct nx_anomaly_cfg cfg;
	unsigned int m;

	nx_anomaly_default_cfg(&cfg);
	for (m = 0; m < ARRAY_SIZE(masks); m++) {
		struct timespec t0, t1;
		const int n = 2000000;
		u64 sum = 0;
		int i;

		cfg.tests = masks[m];
		nx_anomaly_init(&a, &cfg);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++)
			sum += nx_anomaly_update(&a, 1400000000 + i, 100000 + lcg() % 8000 +
						 (i % 997 ? 0 : 50000));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("tests 0x%02x: %.0f ns per sample (%d samples, score sum %llu)\n",
		       cfg.tests, ((t1.tv_sec - t0.tv_sec) * 1e9 +
				   (t1.tv_nsec - t0.tv_nsec)) / n, n,
		       (unsigned long long)sum);
	}
	return 0;
}
