# SPDX-License-Identifier: GPL-2.0
#
# What the benchmarks in the test VM share (sourced, not run).

# bogo STRESSOR: stress-ng bogo-ops/s (real time) of one STRESSOR over
# ${SECS}s, pinned to CPU 0: under emulation a switch between two vCPUs
# costs 30x one on the same vCPU, and where the scheduler put the pair
# swamped the figure.  Probes and BPF programs run on every CPU either way.
bogo() {
	stress-ng --"$1" 1 --taskset 0 --timeout "${SECS}s" --metrics-brief 2>&1 |
		awk -v s="$1" '$4 == s && $5 ~ /^[0-9]/ { print $9; exit }'
}

# median FILE, range FILE [DECIMALS]: of the numbers in FILE, one a line.
# Medians: under emulation single runs vary by an order of magnitude
# (vCPU threads contending with the host), and a mean follows the outliers.
median() { sort -n "$1" | awk '{ v[NR] = $1 } END {
	if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n "$1" | awk -v d="${2:-0}" 'NR == 1 { lo = $1 } { hi = $1 }
	END { f = "%." d "f"; printf f "-" f, lo, hi }'; }
