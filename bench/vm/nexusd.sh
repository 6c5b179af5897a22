#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (bench/run.sh): the overhead of nexusd's BPF
# collectors on the core's context-switch and fork benchmark (stress-ng
# bogo-ops/s with NEXUS at level 1, without and with nexusd and its
# programs loaded, interleaved and repeated so both are measured side by
# side), and nexusd's own CPU (utime+stime from /proc/PID/stat) and memory
# (VmRSS, VmHWM) over each run.

REPEATS=${REPEATS:-5}
SECS=${SECS:-5}
S=/sys/kernel/nexus
# The presets' own CPU budget, as overhead.sh (nx-load raises it under TCG).
export NX_CPU_BUDGET=0
HZ=100	# USER_HZ, the unit of /proc/PID/stat times, is 100 on x86

# bogo (stressors pinned to CPU 0 as in overhead.sh), median, range
. "$(dirname "$0")/lib.sh"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

nx-load || exit 1
echo 1 >$S/level
D=$(mktemp -d)
log=$D/nexusd.log
r=0
while [ $r -lt "$REPEATS" ]; do
	for stressor in switch fork; do
		v=$(bogo $stressor)
		echo "# repeat $r, no nexusd, $stressor: $v bogo-ops/s"
		[ -n "$v" ] && echo "$v" >>"$D/$stressor.off"
	done

	t0=$(now_cs)
	nexusd 2>"$log" &
	pid=$!
	i=0
	while [ $i -lt 120 ] && ! grep -q "BPF collectors loaded\|without BPF" "$log"; do
		sleep 0.5
		i=$((i + 1))
	done
	loaded=$(grep -c "): loaded" "$log")
	c0=$(cpu_ticks $pid) w0=$(now_cs)
	echo "# repeat $r: nexusd up with $loaded BPF collectors after $(( (w0 - t0) * 10 )) ms, $((c0 * 1000 / HZ)) ms CPU to start"
	echo "$((c0 * 1000 / HZ))" >>"$D/start_ms"
	sleep 1
	for stressor in switch fork; do
		v=$(bogo $stressor)
		echo "# repeat $r, nexusd, $stressor: $v bogo-ops/s"
		[ -n "$v" ] && echo "$v" >>"$D/$stressor.on"
	done
	c1=$(cpu_ticks $pid) w1=$(now_cs)
	rss=$(status_kb $pid VmRSS) hwm=$(status_kb $pid VmHWM)
	# CPU share of one CPU, in per-mille, over the stressor runs.
	pm=$(( (c1 - c0) * 100 * 1000 / HZ / (w1 - w0) ))
	echo "# repeat $r: nexusd used $(( (c1 - c0) * 1000 / HZ )) ms CPU in $(( (w1 - w0) * 10 )) ms ($pm per-mille of a CPU), VmRSS $rss kB, VmHWM $hwm kB"
	echo "$pm" >>"$D/cpu_pm"
	echo "$rss" >>"$D/rss"
	echo "$hwm" >>"$D/hwm"
	kill -TERM $pid
	wait $pid
	rc=$?
	bpftool prog list >"$D/progs" 2>&1
	echo "# repeat $r: nexusd exit status $rc, $(grep -c ' name nx_' "$D/progs") nx_* programs left"
	r=$((r + 1))
done
echo "# last nexusd log:"
sed 's/^/#   /' "$log"

echo "BPF collectors (median of $REPEATS interleaved runs of ${SECS}s at level 1, range; ratio to no nexusd):"
for stressor in switch fork; do
	off=$(median "$D/$stressor.off") on=$(median "$D/$stressor.on")
	awk -v s=$stressor -v off="$off" -v on="$on" \
	    -v r0="$(range "$D/$stressor.off")" -v r1="$(range "$D/$stressor.on")" 'BEGIN {
		printf "  %-6s no nexusd %8.0f/s (%s)  nexusd %8.0f/s (%s) %.3f\n",
			s, off, r0, on, r1, on / off }'
done
echo "nexusd: CPU $(median "$D/cpu_pm") per-mille of one CPU under the stressors ($(range "$D/cpu_pm")), $(median "$D/start_ms") ms CPU to load its programs ($(range "$D/start_ms")); VmRSS $(median "$D/rss") kB ($(range "$D/rss")), VmHWM $(median "$D/hwm") kB ($(range "$D/hwm"))"
rm -rf "$D"
