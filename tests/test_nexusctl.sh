#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_nexusctl.sh NEXUSCTL - TAP tests of the nexusctl commands on the host:
# argument parsing and exit codes (0 ok, 1 error, 2 usage), the messages when
# NEXUS is not loaded, and the sysfs/debugfs readers against a fake tree
# (NEXUS_SYSFS, NEXUS_DEBUGFS).  JSON output is checked with python3 when
# the host has it.
set -u
CTL=${1:?usage: test_nexusctl.sh NEXUSCTL}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0

ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# expect CODE REGEX DESC ARGS... : exit CODE and stderr (or stdout) matching
expect() {
	code=$1 re=$2 desc=$3
	shift 3
	"$CTL" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$code" ] && cat "$T/err" "$T/out" | grep -Eq -- "$re"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   exit $rc, stdout: $(head -c 300 "$T/out")"
		echo "#   stderr: $(head -c 300 "$T/err")"
	fi
}

have_py=0
command -v python3 >/dev/null 2>&1 && have_py=1

# json_check DESC PYTHON-EXPR : the JSON of $T/out, as d, makes EXPR true
json_check() {
	if [ $have_py -eq 0 ]; then
		n=$((n + 1))
		echo "ok $n - $1 # SKIP no python3"
		return
	fi
	python3 -c "import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$T/out" 2>"$T/pyerr"
	ok $? "$1"
	[ -s "$T/pyerr" ] && sed 's/^/#   /' "$T/pyerr"
}

echo "TAP version 13"
echo "1..39"

# Nothing loaded: point every path at nothing.
export NEXUS_DEV=$T/nodev NEXUS_SYSFS=$T/nosys NEXUS_DEBUGFS=$T/nodbg

expect 2 "^usage: nexusctl" "no command: usage, exit 2"
expect 2 "unknown command 'frobnicate'" "unknown command exits 2" frobnicate
expect 2 "ambiguous command 's'" "ambiguous prefix exits 2" s
expect 0 "^commands:" "--help exits 0" --help
expect 2 "unknown level 'bogus'" "bad level name exits 2" level bogus
expect 2 "unknown level '7'" "level 7 exits 2" level 7
expect 2 "too many arguments" "level with two values exits 2" level 1 2
expect 2 "unknown preset 'fast'" "bad preset exits 2" preset fast
expect 2 "missing get, set or list" "config without subcommand exits 2" config
expect 2 "set needs a key and a value" "config set without value exits 2" config set tick_ms
expect 2 "unknown key 'nosuch'" "config unknown key exits 2" config set nosuch 1
expect 2 "tick_ms: bad value 'abc'" "config non-numeric value exits 2" config set tick_ms abc
expect 2 "bad value '99999999999'" "config value above u32 exits 2" config set tick_ms 99999999999
expect 2 "prediction.enabled: bad value 'maybe'" "config bad boolean exits 2" \
	config set prediction/enabled maybe
expect 2 "cannot show 'bogus'" "show bogus exits 2" show bogus
expect 2 "show what\\?" "show without target exits 2" show
expect 2 "--last needs a count" "show decisions --last x exits 2" show decisions --last x
expect 2 "unexpected argument '--active'" "option of another target exits 2" show metrics --active
expect 2 "--count needs a positive number" "follow --count 0 exits 2" follow --count 0
expect 2 "unknown event type 'bogus'" "follow --type bogus exits 2" follow --type level,bogus

NL="nexus_core is not loaded: run 'modprobe nexus_core'"
expect 1 "$NL" "status without the module: exit 1 and what to do" status
expect 1 "$NL" "status --json without the module: exit 1" status --json
expect 1 "$NL" "level without the module" level
expect 1 "$NL" "level set without the module" level prediction
expect 1 "$NL" "preset without the module" preset minimal
expect 1 "$NL" "config get without the module" config get tick_ms
expect 1 "$NL" "show metrics without the module" show metrics
expect 1 "$NL" "follow without the module" follow --count 1

"$CTL" config list --json >"$T/out" 2>&1
json_check "config list --json: every key, tick_ms among them" \
	"len(d) >= 30 and any(k['key'] == 'tick_ms' for k in d)"

# A fake loaded NEXUS: sysfs collectors and modules, debugfs tables.
S=$T/sys D=$T/dbg
mkdir -p "$S/collectors/sched" "$S/collectors/perf" "$S/modules/predict" \
	 "$S/modules/heal" "$D"
for c in sched perf; do
	echo 1 >"$S/collectors/$c/enabled"
	echo 0 >"$S/collectors/$c/error"
	echo 42 >"$S/collectors/$c/rate"
	echo 1000 >"$S/collectors/$c/total"
done
echo 1 >"$S/collectors/sched/attached"
echo 0 >"$S/collectors/perf/attached"
echo "software fallback (no PMU)" >"$S/collectors/perf/detail"
cat >"$D/metrics" <<'TXT'
# id name unit last samples total
0 sched.ctxsw count 12 100 1000
7 user.bpf.runqlat.avg_ns ns 5000 100 1000
TXT
cat >"$D/predict" <<'TXT'
# forecasts: horizon_ms 30000, 95% interval
# metric model now forecast lower upper confidence samples switches mae_linreg
mem.free holt 100 90 80 100 900 10 1 -
# predictions: min_confidence 600
# id kind state confidence ttf_ms action component
1 out_of_memory active 900 1000 alert "stress ng"
TXT
cat >"$D/plans" <<'TXT'
# id component strategy step state reason
3 sched soft_reset 1 running a long reason with spaces
TXT
export NEXUS_SYSFS=$S NEXUS_DEBUGFS=$D

expect 0 "perf +yes +no .*software fallback \\(no PMU\\)" "show collectors: a table" \
	show collectors
"$CTL" show collectors --json >"$T/out" 2>&1
json_check "show collectors --json: names, attached flags, detail" \
	"[c['name'] for c in d] == ['perf', 'sched'] and d[1]['attached'] and not d[0]['attached'] and d[0]['detail'] == 'software fallback (no PMU)' and d[0]['rate'] == 42"
"$CTL" -p sh met >"$T/out" 2>&1
json_check "--pretty and prefixes: show metrics as objects with typed values" \
	"d[1]['name'] == 'user.bpf.runqlat.avg_ns' and d[1]['last'] == 5000 and d[0]['unit'] == 'count'"
"$CTL" show forecasts --json >"$T/out" 2>&1
json_check "show forecasts: the forecasts section of the predict dump, '-' is null" \
	"len(d) == 1 and d[0]['metric'] == 'mem.free' and d[0]['mae_linreg'] is None"
"$CTL" show plans -j >"$T/out" 2>&1
json_check "show plans: the last column keeps its spaces" \
	"d[0]['reason'] == 'a long reason with spaces' and d[0]['id'] == 3"
expect 0 "^ID +COMPONENT +STRATEGY" "show plans: a table with a header" show plans
expect 1 "show tuning: nexus_tune is not loaded: run 'modprobe nexus_tune'" \
	"show of a module not loaded says so, exit 1" show tuning
expect 1 "show anomalies: nexus_anomaly is not loaded" \
	"show anomalies without nexus_anomaly" show anomalies
expect 1 "is missing although nexus_core is loaded" \
	"sysfs present but no device: says so" status
rm "$D/metrics"
expect 1 "cannot read $D/metrics: No such file" "a missing debugfs file is an error" \
	show metrics

[ $failed -eq 0 ]
