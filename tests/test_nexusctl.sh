#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_nexusctl.sh NEXUSCTL NEXUSCTL_FAKE - TAP tests of the nexusctl
# commands on the host: argument parsing and exit codes (0 ok, 1 error,
# 2 usage), the messages when NEXUS is not loaded, the sysfs readers against
# a fake tree (NEXUS_SYSFS), and the "show" of typed records with
# NEXUSCTL_FAKE, nexusctl linked with a fake /dev/nexus (fake_nexus.c).
# JSON output is checked with python3 when the host has it.
set -u
CTL=${1:?usage: test_nexusctl.sh NEXUSCTL NEXUSCTL_FAKE}
FAKE=${2:?usage: test_nexusctl.sh NEXUSCTL NEXUSCTL_FAKE}
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

# Nothing loaded: point every path at nothing.
export NEXUS_DEV=$T/nodev NEXUS_SYSFS=$T/nosys

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

# A fake loaded NEXUS: sysfs collectors and modules.
S=$T/sys
mkdir -p "$S/collectors/sched" "$S/collectors/perf" "$S/modules/predict" \
	 "$S/modules/heal"
for c in sched perf; do
	echo 1 >"$S/collectors/$c/enabled"
	echo 0 >"$S/collectors/$c/error"
	echo 42 >"$S/collectors/$c/rate"
	echo 1000 >"$S/collectors/$c/total"
done
echo 1 >"$S/collectors/sched/attached"
echo 0 >"$S/collectors/perf/attached"
echo "software fallback (no PMU)" >"$S/collectors/perf/detail"
export NEXUS_SYSFS=$S

expect 0 "perf +yes +no .*software fallback \\(no PMU\\)" "show collectors: a table" \
	show collectors
"$CTL" show collectors --json >"$T/out" 2>&1
json_check "show collectors --json: names, attached flags, detail" \
	"[c['name'] for c in d] == ['perf', 'sched'] and d[1]['attached'] and not d[0]['attached'] and d[0]['detail'] == 'software fallback (no PMU)' and d[0]['rate'] == 42"
expect 1 "show tuning: nexus_tune is not loaded: run 'modprobe nexus_tune'" \
	"show of a module not loaded (no sysfs directory) says so, exit 1" show tuning

# Typed records (NEXUS_IOC_READ_RECORDS) from the fake /dev/nexus of
# fake_nexus.c: its fixtures are what these tests expect.
: >"$T/dev"
CTL_REAL=$CTL CTL=$FAKE
export NEXUS_DEV=$T/dev
"$CTL" -p sh met >"$T/out" 2>&1
json_check "--pretty and prefixes: show metrics, one object per record, typed values" \
	"len(d) == 3 and d[1]['name'] == 'user.bpf.runqlat.avg_ns' and d[1]['last'] == 5000 and d[0]['unit'] == 'count' and d[0]['id'] == 0 and d[1]['total'] == 1000 and d[0]['samples'] == 100"
json_check "show metrics: a name of digits stays a string, no unit is null" \
	"d[2]['name'] == '42' and d[2]['unit'] is None and d[2]['id'] == 9 and d[2]['last'] == 0"
expect 0 "^ID +NAME +UNIT +LAST +SAMPLES +TOTAL$" "show metrics: a table" show metrics
grep -Eq "^9 +42 +- +0 +0 +0$" "$T/out"
ok $? "show metrics: a metric without unit or samples as a row"
rm -f "$T/calls"
NX_FAKE_PAGE=1 NX_FAKE_CALLS=$T/calls "$CTL" show metrics --json >"$T/out" 2>&1
json_check "show metrics one record a call: the same three, in order" \
	"[m['id'] for m in d] == [0, 7, 9]"
[ "$(cat "$T/calls" 2>/dev/null | tr '\n' ,)" = "1 0 1,1 1 1,1 2 1," ]
ok $? "show metrics one record a call: offsets 0, 1, 2 ($(cat "$T/calls" 2>/dev/null | tr '\n' ,))"
"$CTL" show forecasts --json >"$T/out" 2>&1
json_check "show forecasts: the record's fields, the unscored models' errors null" \
	"len(d) == 1 and d[0]['metric'] == 'mem.free' and d[0]['model'] == 'holt' and d[0]['mae_linreg'] is None and d[0]['mae_holt'] == 3 and d[0]['lower'] == 80 and d[0]['confidence'] == 900 and d[0]['samples'] == 10 and d[0]['switches'] == 1 and list(d[0])[-4:] == ['mae_linreg', 'mae_holt', 'mae_ewma', 'mae_naive']"
expect 0 "^mem\.free +holt +100 +90 +80 +100 +900 +10 +1 +- +3 +- +-$" "show forecasts: a table" \
	show forecasts
NX_FAKE_ENODEV=2 "$CTL" show forecasts >"$T/out" 2>"$T/err"
rc=$?
grep -q "show forecasts: nexus_predict is not loaded: run 'modprobe nexus_predict'" "$T/err" && [ ! -s "$T/out" ]
ok $(( rc != 1 || $? != 0 )) "show forecasts, the module gone under it (ENODEV): exit 1, what to do"
NX_FAKE_OLD=1 "$CTL" show metrics >"$T/out" 2>"$T/err"
rc=$?
grep -q "show metrics: the running NEXUS cannot list them" "$T/err" && [ ! -s "$T/out" ]
ok $(( rc != 1 || $? != 0 )) "show metrics from a core without READ_RECORDS: exit 1, says so"

"$CTL" show plans -j >"$T/out" 2>&1
json_check "show plans: running first, then finished; steps and skipped rungs with names" \
	"[p['id'] for p in d] == [4, 3] and d[0]['status'] == 'running' and d[0]['order'] == 'learned' and d[0]['skipped'] == [] and d[0]['steps'] == [{'strategy': 'full_rollback', 'outcome': 'not_run', 'result': 0, 'ms': 0, 'p_permille': 900, 'decision': 0}] and d[0]['ms'] == 0"
json_check "show plans: a finished plan's steps, results, skips, duration" \
	"d[1]['steps'][0] == {'strategy': 'soft_reset', 'outcome': 'failed', 'result': -5, 'ms': 12, 'p_permille': 500, 'decision': 20} and d[1]['steps'][1]['outcome'] == 'ok' and d[1]['skipped'] == [{'strategy': 'reconstruct', 'why': 'disabled'}, {'strategy': 'substitute', 'why': 'unsupported'}] and d[1]['ms'] == 57 and d[1]['order'] == 'ladder' and d[1]['status'] == 'succeeded' and d[1]['fault'] == 1 and d[1]['component'] == 'tc0' and d[1]['done'] == 2 and d[1]['finding'] == 11"
expect 0 "^3 +tc0 +1 +succeeded +ladder +57 +soft_reset:failed full_rollback:ok$" \
	"show plans: a table, each step as strategy:outcome" show plans
grep -Eq "^4 +tc0 +2 +running +learned +0 +full_rollback:not_run$" "$T/out"
ok $? "show plans: the running plan first"
NX_FAKE_ENODEV=3 "$CTL" show plans >"$T/out" 2>"$T/err"
rc=$?
grep -q "show plans: nexus_heal is not loaded: run 'modprobe nexus_heal'" "$T/err" && [ ! -s "$T/out" ]
ok $(( rc != 1 || $? != 0 )) "show plans, nexus_heal gone under it: exit 1, what to do, nothing printed"

mkdir -p "$S/modules/tune"
"$CTL" show tuning --json >"$T/out" 2>&1
json_check "show tuning --json: knobs, experiments and log" \
	"[k['name'] for k in d['knobs']] == ['vm.swappiness', 'nullb0.read_ahead_kb', 'nr0.nr_requests'] and d['knobs'][1]['orig'] == 8 and d['knobs'][1]['changed'] == 1 and d['knobs'][1]['experiment'] == 1 and d['knobs'][0]['admin'] == 0 and d['knobs'][2]['value'] == -1 and d['knobs'][2]['eligible'] == 'no_io_scheduler' and d['knobs'][2]['enabled'] == 0 and d['knobs'][0]['eligible'] == 'eligible' and d['experiments'] == [{'knob': 'nullb0.read_ahead_kb', 'from': 8, 'to': 64, 'metric': 'blk.nullb0.read_kbps', 'better': 1, 'age_ms': 1500, 'before_samples': 10}]"
json_check "show tuning --json: the log, a judged change with the test's figures, an unjudged one with nulls" \
	"d['log'][0]['after_q8'] == 5120 and d['log'][0]['df'] == 9 and d['log'][0]['t_x1000'] == 4500 and d['log'][0]['evidence'] == 'io_seq nullb0: reads 2x faster' and d['log'][0]['op'] == 'change' and d['log'][0]['outcome'] == 'applied' and d['log'][0]['result'] == 'kept' and d['log'][1]['t_x1000'] is None and d['log'][1]['before_q8'] is None and d['log'][1]['evidence'] == 'io_seq nullb0 conf 800' and d['log'][1]['new'] == 64 and d['log'][1]['old'] == 32 and d['log'][1]['decision'] == 8"
cp "$T/out" "$T/tun1"
NX_FAKE_PAGE=1 "$CTL" show tuning --json >"$T/out" 2>&1
cmp -s "$T/out" "$T/tun1"
ok $? "show tuning one record a call: the same document"
expect 0 "^NAME +ENABLED +ELIGIBLE" "show tuning: the knobs as a table" show tuning
grep -Eq "^SEQ +TS_NS +DECISION" "$T/out" && grep -q "^2 .* io_seq nullb0 conf 800$" "$T/out" &&
	grep -Eq "^nullb0\.read_ahead_kb +8 +64 +blk\.nullb0\.read_kbps +1 +1500 +10$" "$T/out"
ok $? "show tuning: the experiments and the log as tables, the evidence last"
NX_FAKE_ENODEV=6 "$CTL" show tuning >"$T/out" 2>"$T/err"
rc=$?
grep -q "show tuning: nexus_tune is not loaded" "$T/err" && [ ! -s "$T/out" ]
ok $(( rc != 1 || $? != 0 )) "show tuning, one of its three tables gone: exit 1, nothing printed"

expect 1 "show posture: nexus_guard is not loaded: run 'modprobe nexus_guard'" \
	"show posture without nexus_guard" show posture
mkdir -p "$S/modules/guard"
echo 87 >"$S/modules/guard/posture_score"
echo 5 >"$S/modules/guard/evaluations"
echo 1 >"$S/modules/guard/drifts"
"$CTL" show posture --json >"$T/out" 2>&1
json_check "show posture --json: kernel-hardening-checker's fields, NEXUS's current_val, drift, care" \
	"d[0] == {'option_name': 'kernel.kptr_restrict', 'type': 'sysctl', 'desired_val': '2', 'decision': 'kspp', 'reason': 'self_protection', 'check_result': 'OK', 'check_result_bool': True, 'current_val': '2', 'drift': '-', 'care': '-'}"
json_check "show posture --json: a failed cmdline check without its prefix, drift; an absent check" \
	"d[1]['option_name'] == 'nokaslr' and d[1]['type'] == 'cmdline' and d[1]['check_result'] == 'FAIL: \"present\"' and not d[1]['check_result_bool'] and d[1]['drift'] == 'warning' and d[2]['check_result'] == 'FAIL: is not found' and d[2]['type'] == 'runtime' and d[2]['care'] == 'a care, with spaces' and len(d) == 3"
expect 0 "^score 87 evaluations 5 drifts 1$" "show posture: the score from sysfs" show posture
grep -Eq "^option_name +type +reason" "$T/out" &&
	grep -Eq "^cmdline\.nokaslr +cmdline +self_protection +absent +kspp +present +FAIL$" "$T/out" &&
	grep -Eq "^vuln\.meltdown +runtime +self_protection +not_vulnerable +kernel +absent$" "$T/out"
ok $? "show posture: a table, each check's result"
CTL=$CTL_REAL
export NEXUS_DEV=$T/nodev

expect 1 "show anomalies: nexus_anomaly is not loaded" \
	"show anomalies without nexus_anomaly" show anomalies
expect 1 "is missing although nexus_core is loaded" \
	"sysfs present but no device: says so" status
echo "1..$n"
[ $failed -eq 0 ]
