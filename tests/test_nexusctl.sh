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

. "$(dirname "$0")/tap.sh"

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
echo "1..44"

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
cat >"$D/heal" <<'TXT'
# component class health fault failures per_min plans last_plan checkpoints injected strategies chaos_faults history(fault:count)
component tc0 test ok 0 2 2 2 running 1 0 0x1f 0xf 1:2
plan 4 tc0 fault 2 running learned steps rollback:not_run:0:0:900 skip ms 0
# plan id component fault status order steps strategy:outcome:result:ms:p_permille ... skip rung:why ... ms total
plan 3 tc0 fault 1 succeeded ladder steps soft_reset:failed:-5:12:500 rollback:ok:0:40:800 skip reconstruct:disabled substitute:unsupported ms 57
# chaos epoch index component fault how
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
json_check "show plans: running and finished plans of the heal dump, steps and skips parsed" \
	"[p['id'] for p in d] == [4, 3] and d[0]['status'] == 'running' and d[0]['skipped'] == [] and d[1]['steps'][0] == {'strategy': 'soft_reset', 'outcome': 'failed', 'result': -5, 'ms': 12, 'p_permille': 500} and d[1]['skipped'][1] == {'strategy': 'substitute', 'why': 'unsupported'} and d[1]['ms'] == 57 and d[1]['order'] == 'ladder'"
expect 0 "^3 +tc0 +1 +succeeded +ladder +57 +soft_reset:failed rollback:ok$" \
	"show plans: a table, each step as strategy:outcome" show plans
sed -i 's/^plan 3 tc0 fault 1 succeeded ladder steps/plan 3 tc0 1 succeeded/' "$D/heal"
expect 1 "heal: a plan line this nexusctl cannot read" \
	"show plans: a plan line of another format: exit 1 and says so" show plans
expect 1 "show tuning: nexus_tune is not loaded: run 'modprobe nexus_tune'" \
	"show of a module not loaded says so, exit 1" show tuning
# nexus_tune's dump as the module writes it: the hardware, tagged rows under
# "# TITLE: columns" lines, a judged and an unjudged log row.
mkdir -p "$S/modules/tune"
cat >"$D/tune" <<'TXT'
hw cpus 2 smt 0 numa_nodes 1 cache_line 64 llc_kb 16384 mem_mb 987 swap 0 pmu 0 hypervisor tcg
disk nullb0 ssd sched 1
# rules: rule knob result
rule ssd-no-rotational nullb0/rotational already 0
# knobs: name enabled eligible value min max changed orig written admin out_of_range experiment
knob vm.swappiness 1 ok 60 0 100 0 60 60 0 0 0
knob nullb0/read_ahead_kb 1 ok 64 8 4096 1 8 64 0 0 1
# bottlenecks: kind disk confidence seen since_ns evidence
bottleneck io_seq nullb0 800 3 1234 sequential reads, small read-ahead
# experiments: knob from to metric better age_ms before_samples
experiment nullb0/read_ahead_kb 8 64 io.read_kbps +1 1500 10
# log: seq ts_ns decision op outcome knob old new result [before after ci_lo ci_hi t df (Q.8, t x1000)] evidence
log 1 1000 7 apply applied nullb0/read_ahead_kb 8 32 0 [2560 5120 2000 3000 4500 9] io_seq nullb0: reads 2x faster
log 2 2000 8 apply applied nullb0/read_ahead_kb 32 64 0 io_seq nullb0 conf 800
TXT
"$CTL" show tuning --json >"$T/out" 2>&1
json_check "show tuning --json: knobs, experiments and log, the judgement and evidence parsed" \
	"[k['name'] for k in d['knobs']] == ['vm.swappiness', 'nullb0/read_ahead_kb'] and d['knobs'][1]['orig'] == 8 and d['experiments'][0]['better'] == 1 and d['log'][0]['after_q8'] == 5120 and d['log'][0]['df'] == 9 and d['log'][0]['evidence'] == 'io_seq nullb0: reads 2x faster' and d['log'][1]['t_x1000'] is None and d['log'][1]['evidence'] == 'io_seq nullb0 conf 800' and d['log'][1]['new'] == 64"
expect 0 "^NAME +ENABLED +ELIGIBLE" "show tuning: the knobs as a table" show tuning
grep -Eq "^SEQ +TS_NS +DECISION" "$T/out" && grep -q "^2 .* io_seq nullb0 conf 800$" "$T/out"
ok $? "show tuning: the log as a table, the evidence last"
sed -i '/^# log:/,$d' "$D/tune"
expect 1 "not the knobs, experiments and log tables of nexus_tune" \
	"show tuning without a log table: exit 1 and says so" show tuning
expect 1 "show anomalies: nexus_anomaly is not loaded" \
	"show anomalies without nexus_anomaly" show anomalies
expect 1 "is missing although nexus_core is loaded" \
	"sysfs present but no device: says so" status
rm "$D/metrics"
expect 1 "cannot read $D/metrics: No such file" "a missing debugfs file is an error" \
	show metrics

[ $failed -eq 0 ]
