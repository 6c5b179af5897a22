#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forecast error of the predict module's forecaster on the NAB series,
# run through "nexusctl replay --model forecast --models" (the same library
# code, nexus_core/lib/nx_forecast.c).  For each horizon, each method's mean
# absolute error per series is divided by the naive forecast's (the last
# value, h rows ahead) on the same rows: MASE < 1 beats naive.  Printed:
# mean and median MASE over the series, and on how many series NEXUS's
# chosen forecast is at least as good as predict_linear's (linreg) and
# Holt's.  Prints figures, asserts nothing.
#
# Usage: bench/forecast/run.sh [NAB_DIR] [HORIZON...]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=${1:-$top/../shared/data/nab}
shift || true
horizons=${*:-1 6}
ctl=$top/tools/nexusctl/nexusctl
make -s -C "$top/tools/nexusctl" >/dev/null
[ -d "$data" ] || { echo "forecast bench: no NAB data at $data" >&2; exit 1; }
mapfile -t files < <(find "$data" -name '*.csv' | sort)
[ ${#files[@]} -gt 0 ] || { echo "forecast bench: no CSV files in $data" >&2; exit 1; }

for h in $horizons; do
	for f in "${files[@]}"; do
		"$ctl" replay --model forecast --horizon "$h" --models "$f" |
			awk -F, -v h="$h" -f "$top/bench/forecast/score.awk"
	done | awk -v h="$h" -v nf=${#files[@]} '
	$6 > 0 {
		s++
		for (m = 0; m < 5; m++) { r = $(m + 2) / $6; sum[m] += r; v[m, s] = r }
		if ($2 <= $3) beat_lr++
		if ($2 <= $4) beat_holt++
	}
	function median(m,   i, j, t, a) {
		for (i = 1; i <= s; i++) a[i] = v[m, i]
		for (i = 2; i <= s; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return s % 2 ? a[(s + 1) / 2] : (a[s / 2] + a[s / 2 + 1]) / 2
	}
	END {
		split("nexus linreg(predict_linear) holt ewma naive", name, " ")
		printf "horizon %d rows, %d of %d series scored\n", h, s, nf
		printf "  %-26s %10s %12s\n", "method", "mean MASE", "median MASE"
		for (m = 0; m < 5; m++)
			printf "  %-26s %10.3f %12.3f\n", name[m + 1], sum[m] / s, median(m)
		printf "  nexus <= predict_linear on %d/%d series, <= holt on %d/%d\n",
			beat_lr, s, beat_holt, s
	}'
done
