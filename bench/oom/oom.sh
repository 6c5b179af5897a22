#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM (bench/oom/run.sh): how long before the kernel's OOM
# kill does each OOM defence fire, and how often does each fire on a benign
# load?  Side by side in one run, all watching the same leak:
#   nexus    the first OutOfMemory prediction in nexus_predict's dump
#   earlyoom earlyoom --dryrun at its defaults (available memory and free
#            swap both at or below 10%); its first "low memory" report
#   psi      a systemd-oomd-like rule: memory pressure ("full avg10" of
#            /proc/pressure/memory) above 60% for 30 s in a row
# The leak is nexus_leaker at 16 MiB/s (the predict selftest's); the kill
# is the kernel's own OOM killer.  The benign load is 60 s of stress-ng
# CPU, cache, I/O and fork mixes plus a large allocation that stops
# growing.  Prints figures, asserts nothing.

RUNS=${RUNS:-3}
S=/sys/kernel/nexus
DUMP=/sys/kernel/debug/nexus/predict
EO=/mnt/share/earlyoom
LEAKER=/opt/nexus/selftests/nexus_leaker
W=$(mktemp -d)

now() { cut -d' ' -f1 /proc/uptime; }

psi_watch() {	# out: one line per firing of the rule
	n=0
	while :; do
		v=$(awk '/^full/ { sub("avg10=", "", $2); print $2 }' /proc/pressure/memory)
		if awk -v v="$v" 'BEGIN { exit !(v > 60) }'; then n=$((n + 1)); else n=0; fi
		if [ $n -ge 30 ]; then now >>"$1"; n=0; fi
		sleep 1
	done
}

nexus_watch() {	# out: "time id" for each OutOfMemory prediction seen active
	while :; do
		t=$(now)
		awk -v t="$t" '$2 == "out_of_memory" && $3 == "active" { print t, $1 }' \
			"$DUMP" >>"$1" 2>/dev/null
		sleep 0.25
	done
}

eo_watch() {	# out: "time line" for each earlyoom report
	"$EO" --dryrun -r 0 2>&1 | while IFS= read -r l; do
		echo "$(now) $l"
	done >>"$1"
}

start_watchers() {
	: >"$W/nexus"; : >"$W/eo"; : >"$W/psi"
	nexus_watch "$W/nexus" & pn=$!
	eo_watch "$W/eo" & pe=$!
	psi_watch "$W/psi" & pp=$!
}

stop_watchers() {
	kill $pn $pp 2>/dev/null
	pkill -f "$EO" 2>/dev/null
	kill $pe 2>/dev/null
	wait $pn $pe $pp 2>/dev/null
}

# first firing time of each defence (empty: never)
first_nexus() { awk 'NR == 1 { print $1 }' "$W/nexus"; }
first_eo() { awk '/low memory!/ { print $1; exit }' "$W/eo"; }
first_psi() { awk 'NR == 1 { print $1 }' "$W/psi"; }
lead() { [ -n "$2" ] && awk -v k="$1" -v f="$2" 'BEGIN { printf "%.1f", k - f }' || echo never; }

[ -x "$EO" ] || { echo "oom bench: no earlyoom binary at $EO" >&2; exit 1; }
[ -x "$LEAKER" ] || { echo "oom bench: no $LEAKER" >&2; exit 1; }
nx-load || exit 1
echo default >$S/preset
echo 250 >$S/tracing/sample_period_ms
echo prediction >$S/level
echo -1000 >/proc/self/oom_score_adj
sleep 5

echo "leak to the OOM kill: lead time in s before the kill (never = did not fire)"
printf '  %-4s %8s %8s %10s %8s\n' run "leak s" nexus earlyoom psi
r=1
while [ $r -le "$RUNS" ]; do
	start_watchers
	sleep 3
	t0=$(now)
	"$LEAKER" 16 4096 & lp=$!
	wait $lp
	tk=$(now)
	sleep 1
	stop_watchers
	if ! dmesg | tail -n 200 | grep -q "Killed process $lp"; then
		echo "  run $r: the leaker was not killed by the kernel's OOM killer" >&2
	fi
	printf '  %-4s %8s %8s %10s %8s\n' $r "$(lead "$tk" "$t0")" \
		"$(lead "$tk" "$(first_nexus)")" "$(lead "$tk" "$(first_eo)")" \
		"$(lead "$tk" "$(first_psi)")"
	r=$((r + 1))
	sleep 5
done

echo "benign load, 60 s: firings (nexus: distinct predictions)"
start_watchers
stress-ng --cpu 1 --cache 1 --fork 1 --hdd 1 --hdd-bytes 16M \
	--vm 1 --vm-bytes 40% --vm-keep --timeout 60s >/dev/null 2>&1
sleep 2
stop_watchers
printf '  nexus %s, earlyoom %s, psi %s\n' \
	"$(awk '{ print $2 }' "$W/nexus" | sort -u | wc -l)" \
	"$(grep -c 'low memory!' "$W/eo")" \
	"$(wc -l <"$W/psi")"
rm -rf "$W"
