#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (bench/run.sh): the cost of nexus_guard's detectors.
# Throughput (stress-ng bogo-ops/s) of the core's context-switch and fork
# loads and of two syscall-heavy ones its probes sit on (open: every open
# goes through security_file_open; exec: sched_process_exec and
# commit_creds), with every NEXUS module loaded, with and without
# nexus_guard, interleaved and repeated.  Prints figures, asserts nothing.

REPEATS=${REPEATS:-5}
SECS=${SECS:-5}

# Pinned to CPU 0, as overhead.sh and for the same reason (TCG vCPUs).
bogo() { # stressor -> bogo ops/s (real time)
	stress-ng --"$1" 1 --taskset 0 --timeout "${SECS}s" --metrics-brief 2>&1 |
		awk -v s="$1" '$4 == s && $5 ~ /^[0-9]/ { print $9; exit }'
}

setup() {
	nx-load
	[ "$1" = off ] && rmmod nexus_guard
	sleep 1
}

D=$(mktemp -d)
r=0
while [ $r -lt "$REPEATS" ]; do
	for cfg in off on; do
		setup $cfg
		for stressor in switch fork open exec; do
			v=$(bogo $stressor)
			echo "# repeat $r, guard $cfg, $stressor: $v bogo-ops/s"
			[ -n "$v" ] && echo "$v" >>"$D/$stressor.$cfg"
		done
	done
	r=$((r + 1))
done
nx-load
grep -E '^# (ring_drops|hook)' /sys/kernel/debug/nexus/guard_threats

median() { sort -n "$1" | awk '{ v[NR] = $1 } END {
	if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "guard overhead (median of $REPEATS interleaved runs of ${SECS}s; ratio guard on / off):"
for stressor in switch fork open exec; do
	[ -s "$D/$stressor.off" ] && [ -s "$D/$stressor.on" ] || continue
	awk -v s=$stressor -v off="$(median "$D/$stressor.off")" \
	    -v on="$(median "$D/$stressor.on")" 'BEGIN {
		printf "  %-6s guard unloaded %8.0f/s  guard on %8.0f/s  %.3f\n",
			s, off, on, on / off }'
done
rm -rf "$D"
