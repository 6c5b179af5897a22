#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (bench/run.sh): nexus_tune's read_ahead workload
# (sequential 4 KiB buffered reads from a null_blk disk that takes 1 ms per
# request, the disk reopened every 4 MiB as a reader of many files would:
# a file's readahead window is set when it is opened) from read_ahead_kb 8,
# measured untuned, with NEXUS (level 6, every knob type enabled) and with
# the values of TuneD's throughput-performance profile written by hand,
# interleaved over ROUNDS rounds.

ROUNDS=${ROUNDS:-3}
SECS=${SECS:-8}
S=/sys/kernel/nexus
T=$S/modules/tune
DISK=nullb0
RA=/sys/block/$DISK/queue/read_ahead_kb
SYSCTLS="dirty_ratio dirty_background_ratio swappiness"

# null_blk with 1 ms per request (timer completions), as the tune selftest
c=$(cat /sys/module/null_blk/parameters/completion_nsec 2>/dev/null)
i=$(cat /sys/module/null_blk/parameters/irqmode 2>/dev/null)
[ -n "$c" ] && { [ "$c" != 1000000 ] || [ "$i" != 2 ]; } && rmmod null_blk
[ -e /sys/block/$DISK ] ||
	nx-modprobe null_blk nr_devices=1 irqmode=2 completion_nsec=1000000 gb=256 ||
	{ echo "no null_blk"; exit 1; }
nx-load || exit 1
[ -d $T ] || { echo "nexus_tune is not loaded"; exit 1; }
D=$(mktemp -d)
for s in $SYSCTLS; do cat /proc/sys/vm/$s >$D/orig.$s; done

# median, range
. "$(dirname "$0")/lib.sh"
now() { cut -d' ' -f1 /proc/uptime; }

# Read from MiB $1 in 4 MiB dd runs until $D/stop exists; the time each
# run ended, one a line, to $D/t.  What it read leaves the page cache every
# 64 MiB (the selftest's reader drops it with fadvise), so memory pressure
# is not part of the workload.
reader() {
	off=$1
	while [ ! -e $D/stop ] &&
	      dd if=/dev/$DISK of=/dev/null bs=4096 count=1024 skip=$((off * 256)) 2>/dev/null; do
		now >>$D/t
		off=$((off + 4))
		[ $((off % 64)) = 0 ] && echo 1 >/proc/sys/vm/drop_caches
	done
}

next=0	# MiB: every measurement reads what no earlier one read
# measure SETTLE: start the reader, run SETTLE while it reads, then set v
# to the MB/s over the next SECS (whole 4 MiB runs that ended in that time).
measure() {
	sync
	echo 1 >/proc/sys/vm/drop_caches
	rm -f $D/stop
	: >$D/t
	reader $next &
	rpid=$!
	$1
	t0=$(now)
	sleep "$SECS"
	touch $D/stop
	wait $rpid
	n=$(wc -l <$D/t)
	next=$((next + (n + 1) * 4))
	v=$(awk -v t0="$t0" '$1 > t0 { if (!c++) first = $1; last = $1 }
		END { if (c > 1) printf "%.2f\n", (c - 1) * 4 * 1.048576 / (last - first); else print 0 }' $D/t)
}

nothing() { sleep 2; }

# NEXUS: every knob type enabled at level 6; settled once a step was kept
# and then no step was taken for 8 s (a further step follows within about
# 3 s while the bottleneck persists), or after 120 s.  interval_ms 1000 and
# PSI/block samples every 250 ms (the tune selftest's) instead of 10 s
# between steps, so it settles within a benchmark; the steps are the same.
nexus_on() {
	for e in $T/enable/*; do echo 1 >"$e"; done
	echo 6 >$S/level
	i=0 quiet=0 ch=$(cat $T/changes)
	while [ $i -lt 480 ] && [ $quiet -lt 32 ]; do
		sleep 0.25
		i=$((i + 1)) quiet=$((quiet + 1))
		c=$(cat $T/changes)
		[ "$c" != "$ch" ] || [ "$(cat $T/experiments)" != 0 ] ||
			[ "$(cat $T/kept)" -le "$kept0" ] && quiet=0
		ch=$c
	done
	echo "#   NEXUS settled after $((i / 4)) s: read_ahead_kb $(cat $RA), kept $(( $(cat $T/kept) - kept0 )), rolled back $(( $(cat $T/rolled_back) - rb0 )), experiments $(cat $T/experiments)"
}

# TuneD 2.20 (Debian 12) throughput-performance: [disk] readahead=>4096
# (at least 4096 KiB), [sysctl] vm.dirty_ratio 40, dirty_background_ratio
# 10, swappiness 10.  Its cpu governor settings have no cpufreq to act on
# in the VM, and the sched_*_granularity_ns sysctls it sets are gone since
# 5.13; neither is written.
tuned_on() {
	[ "$(cat $RA)" -lt 4096 ] && echo 4096 >$RA
	echo 40 >/proc/sys/vm/dirty_ratio
	echo 10 >/proc/sys/vm/dirty_background_ratio
	echo 10 >/proc/sys/vm/swappiness
	sleep 2
}

untuned() {
	echo 1 >$S/level
	for e in $T/enable/*; do echo 0 >"$e"; done
	echo 1 >$T/rollback
	for s in $SYSCTLS; do cat $D/orig.$s >/proc/sys/vm/$s; done
	echo 8 >$RA
}

echo default >$S/preset
echo 250 >$S/tracing/sample_period_ms
echo 1000 >$T/interval_ms
r=0
while [ $r -lt "$ROUNDS" ]; do
	untuned
	measure nothing
	echo "# round $r, untuned (read_ahead_kb $(cat $RA)): $v MB/s"
	echo "$v" >>$D/untuned
	kept0=$(cat $T/kept) rb0=$(cat $T/rolled_back)
	measure nexus_on
	echo "# round $r, NEXUS (read_ahead_kb $(cat $RA)): $v MB/s"
	echo "$v" >>$D/nexus
	grep "^log " /sys/kernel/debug/nexus/tune | tail -n 4 | sed 's/^/#     /'
	untuned
	measure tuned_on
	echo "# round $r, TuneD values (read_ahead_kb $(cat $RA)): $v MB/s"
	echo "$v" >>$D/tuned
	r=$((r + 1))
done
untuned

u=$(median $D/untuned) x=$(median $D/nexus) t=$(median $D/tuned)
echo "read_ahead workload, MB/s (median of $ROUNDS interleaved rounds of ${SECS}s, range; ratio to untuned):"
awk -v u="$u" -v x="$x" -v t="$t" -v ru="$(range $D/untuned 1)" \
    -v rx="$(range $D/nexus 1)" -v rt="$(range $D/tuned 1)" 'BEGIN {
	printf "  untuned %.1f (%s)  NEXUS %.1f (%s) %.2f  TuneD throughput-performance %.1f (%s) %.2f\n",
		u, ru, x, rx, (u ? x / u : 0), t, rt, (u ? t / u : 0) }'
rm -rf "$D"
