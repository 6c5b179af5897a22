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

bogo() { # stressor -> bogo ops/s (real time)
	stress-ng --"$1" 1 --timeout "${SECS}s" --metrics-brief 2>&1 |
		awk -v s="$1" '$4 == s && $5 ~ /^[0-9]/ { print $9; exit }'
}

setup() {
	case "$1" in
	off) nx-load -u ;;
	*) nx-load && echo "$1" >$S/level ;;
	esac
	sleep 1
}

for stressor in switch fork; do
	for cfg in off 1 6; do
		eval "sum_${stressor}_$cfg=0"
	done
done
r=0
while [ $r -lt "$REPEATS" ]; do
	for cfg in off 1 6; do
		setup $cfg
		for stressor in switch fork; do
			v=$(bogo $stressor)
			echo "# repeat $r, nexus $cfg, $stressor: $v bogo-ops/s"
			eval "sum_${stressor}_$cfg=\$(awk -v a=\$sum_${stressor}_$cfg -v b=$v 'BEGIN { print a + b }')"
		done
		if [ $cfg != off ]; then
			echo "#   engine: $(cat $S/cpu_used_ppm) ppm CPU (budget $(cat $S/cpu_budget_percent)%), $(cat $S/memory_used) of $(cat $S/memory_budget) bytes, $(cat $S/events_dropped) events dropped, state $(cat $S/state)"
		fi
	done
	r=$((r + 1))
done

echo "overhead (mean of $REPEATS runs of ${SECS}s; ratio to no NEXUS):"
for stressor in switch fork; do
	eval "off=\$sum_${stressor}_off l1=\$sum_${stressor}_1 l6=\$sum_${stressor}_6"
	awk -v s=$stressor -v n=$REPEATS -v off="$off" -v l1="$l1" -v l6="$l6" 'BEGIN {
		printf "  %-7s no NEXUS %10.0f/s  level 1 %10.0f/s (%.3f)  level 6 %10.0f/s (%.3f)\n",
			s, off / n, l1 / n, l1 / off, l6 / n, l6 / off }'
done

# The engine under sustained load, against its budgets.
nx-load
echo 6 >$S/level
stress-ng --switch 1 --fork 1 --timeout 8s >/dev/null 2>&1 &
sleep 6
echo "engine under load at level 6: $(cat $S/cpu_used_ppm) ppm CPU of $(( $(cat $S/cpu_budget_percent) * 10000 )) budget; memory $(cat $S/memory_used) of $(cat $S/memory_budget) bytes; work $(cat $S/work_units) units/s of $(cat $S/max_decision_cycles); events pushed $(cat $S/events_pushed), dropped $(cat $S/events_dropped)"
wait
