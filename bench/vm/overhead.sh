#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (bench/run.sh): context-switch and fork throughput
# (stress-ng bogo-ops/s) without NEXUS, with NEXUS at level 1 and at level
# 6, interleaved and repeated so the three are measured side by side; and
# the engine's CPU share and memory under that load against its budgets.

REPEATS=${REPEATS:-5}
SECS=${SECS:-5}
S=/sys/kernel/nexus
# The presets' own CPU budget (nx-load raises it under TCG for the tests):
# the engine's share is measured against the real one.
export NX_CPU_BUDGET=0

# bogo, median, range
. "$(dirname "$0")/lib.sh"

setup() {
	case "$1" in
	off) nx-load -u ;;
	*) nx-load && echo "$1" >$S/level ;;
	esac
	sleep 1
}

D=$(mktemp -d)
r=0
while [ $r -lt "$REPEATS" ]; do
	for cfg in off 1 6; do
		setup $cfg
		for stressor in switch fork; do
			v=$(bogo $stressor)
			echo "# repeat $r, nexus $cfg, $stressor: $v bogo-ops/s"
			[ -n "$v" ] && echo "$v" >>"$D/$stressor.$cfg"
		done
		if [ $cfg != off ]; then
			echo "#   engine: $(cat $S/cpu_used_ppm) ppm CPU (budget $(cat $S/cpu_budget_percent)%), $(cat $S/memory_used) of $(cat $S/memory_budget) bytes, $(cat $S/events_dropped) events dropped, state $(cat $S/state)"
		fi
	done
	r=$((r + 1))
done

echo "overhead (median of $REPEATS interleaved runs of ${SECS}s, range; ratio to no NEXUS):"
for stressor in switch fork; do
	off=$(median "$D/$stressor.off") l1=$(median "$D/$stressor.1") l6=$(median "$D/$stressor.6")
	awk -v s=$stressor -v off="$off" -v l1="$l1" -v l6="$l6" \
	    -v r0="$(range "$D/$stressor.off")" -v r1="$(range "$D/$stressor.1")" \
	    -v r6="$(range "$D/$stressor.6")" 'BEGIN {
		printf "  %-6s no NEXUS %8.0f/s (%s)  level 1 %8.0f/s (%s) %.3f  level 6 %8.0f/s (%s) %.3f\n",
			s, off, r0, l1, r1, l1 / off, l6, r6, l6 / off }'
done
rm -rf "$D"

# The engine under sustained load, against its budgets.
nx-load
echo 6 >$S/level
stress-ng --switch 1 --fork 1 --timeout 8s >/dev/null 2>&1 &
sleep 6
echo "engine under load at level 6: $(cat $S/cpu_used_ppm) ppm CPU of $(( $(cat $S/cpu_budget_percent) * 10000 )) budget; memory $(cat $S/memory_used) of $(cat $S/memory_budget) bytes; work $(cat $S/work_units) units/s of $(cat $S/max_decision_cycles); events pushed $(cat $S/events_pushed), dropped $(cat $S/events_dropped)"
wait
