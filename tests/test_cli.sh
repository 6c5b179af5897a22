#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_cli.sh NEXUSCTL - TAP tests of "nexusctl replay" input handling
set -u
CTL=${1:?usage: test_cli.sh NEXUSCTL}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

# expect_err FILE EXIT_CODE REGEX DESC [ARGS...]
expect_err() {
	f=$1 code=$2 re=$3 desc=$4
	shift 4
	"$CTL" replay "$@" "$f" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$code" ] && grep -Eq -- "$re" "$T/err"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   exit $rc, stderr: $(cat "$T/err")"
	fi
}

echo "TAP version 13"
echo "1..35"

printf '2015-01-01 00:00:00,1\n2015-01-01 00:05:00,2\n' >"$T/nohdr.csv"
expect_err "$T/nohdr.csv" 1 "^nexusctl: $T/nohdr.csv:1: missing header" \
	"missing header is reported at line 1"

printf 'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,abc\n' >"$T/nan.csv"
expect_err "$T/nan.csv" 1 "^nexusctl: $T/nan.csv:3: value 'abc' is not a number" \
	"non-numeric value is reported with its line"

printf 'timestamp,value\n2015-01-01 00:00:00,1\n2015-01-01 00:05:00,nan\n' >"$T/nan2.csv"
expect_err "$T/nan2.csv" 1 ":3: value 'nan' is not a number" "NaN is refused"

printf 'timestamp,value\n2015-01-01 00:10:00,1\n2015-01-01 00:15:00,2\n2015-01-01 00:05:00,3\n' >"$T/order.csv"
expect_err "$T/order.csv" 1 "^nexusctl: $T/order.csv:4: timestamp .* earlier than the previous row" \
	"timestamps going backwards are refused"

printf 'timestamp,value\n2015-13-01 00:00:00,1\n' >"$T/badts.csv"
expect_err "$T/badts.csv" 1 ":2: bad timestamp '2015-13-01 00:00:00'" "bad timestamp is refused"

printf 'timestamp,value\n2015-01-01 00:00:00\n' >"$T/fields.csv"
expect_err "$T/fields.csv" 1 ":2: expected 2 fields, found 1" "missing value column"

: >"$T/empty.csv"
expect_err "$T/empty.csv" 1 ":1: empty file" "empty file"

expect_err "$T/nohdr.csv" 2 "unknown option '--bogus'" "unknown flag exits 2" --bogus
expect_err "$T/nohdr.csv" 2 "unknown detector 'foo'" "unknown detector exits 2" --detector foo
expect_err "$T/does-not-exist.csv" 1 "No such file" "missing file"

# a good file: 500 rows, NAB timestamps with fractional seconds and CRLF
{
	printf 'timestamp,value\r\n'
	i=0
	while [ $i -lt 500 ]; do
		printf '2015-01-%02d %02d:%02d:00.000,%d.5\r\n' $((1 + i / 288)) \
			$((i % 288 / 12)) $((i % 12 * 5)) $((i % 7))
		i=$((i + 1))
	done
} >"$T/good.csv"
"$CTL" replay --detector anomaly "$T/good.csv" >"$T/out" 2>"$T/err"
rc=$?
rows=$(awk -F, 'NR == 1 && $0 != "timestamp,value,anomaly_score" { bad = 1 }
	NR > 1 && ($3 !~ /^[01]\.[0-9][0-9][0-9]$/ || $3 > 1) { bad = 1 }
	END { print bad ? -1 : NR - 1 }' "$T/out")
ok $(( rc != 0 || rows != 500 )) "good file: 500 rows with scores in [0,1] (rc $rc, rows $rows)"

# epoch seconds and milliseconds
printf 'timestamp,value\n1420070400,1\n1420070700,2\n' >"$T/epoch.csv"
printf 'timestamp,value\n1420070400000,1\n1420070700000,2\n' >"$T/epochms.csv"
"$CTL" replay "$T/epoch.csv" >/dev/null 2>&1 && "$CTL" replay "$T/epochms.csv" >/dev/null 2>&1
ok $? "epoch seconds and milliseconds are accepted"

"$CTL" replay --model forecast --horizon 3 "$T/good.csv" >"$T/fc" 2>"$T/err"
rc=$?
awk -F, 'NR == 1 { if ($0 != "timestamp,value,forecast,lower,upper") exit 1; next }
	NF != 5 || $4 > $3 || $3 > $5 { exit 1 }' "$T/fc"
ok $(( rc != 0 || $? != 0 )) "forecast: 5 columns, lower <= forecast <= upper"

"$CTL" replay --model forecast --horizon 3 --models "$T/good.csv" >"$T/fcm" 2>"$T/err"
rc=$?
awk -F, 'NR == 1 { if ($0 != "timestamp,value,forecast,lower,upper,linreg,holt,ewma,naive") exit 1; next }
	NF != 9 || $9 != $2 { exit 1 }
	$3 != $6 && $3 != $7 && $3 != $8 && $3 != $9 { exit 1 }' "$T/fcm"
ok $(( rc != 0 || $? != 0 )) "forecast --models: each model's column, naive is the value, the forecast is one of them"

# --json: the same rows as the CSV, as one JSON document
"$CTL" replay "$T/good.csv" >"$T/csv" 2>/dev/null
"$CTL" --json replay --records "$T/good.csv" >"$T/j" 2>"$T/err"
rc=$?
python3 - "$T/j" "$T/csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert d["detector"] == "anomaly" and len(d["rows"]) == len(rows) == 500
for j, c in zip(d["rows"], rows):
    assert j["timestamp"] == c["timestamp"]
    assert abs(j["anomaly_score"] - float(c["anomaly_score"])) < 1e-9
    assert 0 <= j["anomaly_score"] <= 1
for a in d["anomalies"]:
    assert set(a) == {"start", "end", "open", "peak", "score", "direction", "tests"}
PY
ok $(( rc != 0 || $? != 0 || $(wc -c <"$T/err") != 0 )) "--json replay: the CSV's rows and scores, records in an anomalies array, nothing on stderr"
"$CTL" --json replay --model forecast --horizon 3 --models "$T/good.csv" >"$T/j" 2>"$T/err"
rc=$?
python3 - "$T/j" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "forecast" and d["horizon_rows"] == 3 and len(d["rows"]) == 500
for r in d["rows"]:
    assert r["lower"] <= r["forecast"] <= r["upper"]
    assert r["forecast"] == r["models"][r["chosen"]] and r["models"]["naive"] == r["value"]
PY
ok $(( rc != 0 || $? != 0 )) "--json replay --model forecast: rows with the interval, the chosen model and each model's forecast"

expect_err "$T/good.csv" 2 "--horizon needs an integer" "bad horizon exits 2" \
	--model forecast --horizon 0

# --tests: the module's test mask, 0x1..0x7f; anything else exits 2
for bad in 0 0x0 0x80 128 -1 +5 0x abc 1x 0x1f0 '' 99999999999999999999; do
	re=$(printf '%s' "$bad" | sed 's/[+]/[+]/g')
	msg="--tests needs a mask of NX_ANOM_T_[*] bits in [[]0x1, 0x7f[]]"
	expect_err "$T/good.csv" 2 "$msg, got '$re'" \
		"--tests '$bad' is refused with exit 2" --tests "$bad"
done
"$CTL" replay "$T/good.csv" --tests >"$T/out" 2>"$T/err"
rc=$?
grep -q -- "--tests needs a value" "$T/err"
ok $(( rc != 2 || $? != 0 )) "--tests without a value exits 2"
"$CTL" replay --tests 0x7f "$T/good.csv" >"$T/t7f" 2>/dev/null &&
	"$CTL" replay --tests=31 "$T/good.csv" >"$T/t31" 2>/dev/null &&
	"$CTL" replay --tests 0x1F "$T/good.csv" >"$T/t1f" 2>/dev/null &&
	cmp -s "$T/t7f" "$T/csv" && cmp -s "$T/t31" "$T/t1f"
ok $? "--tests 0x7f is the default; 31 and 0x1F are the same mask"

# An option of the other mode would be ignored: refused instead.
expect_err "$T/good.csv" 2 "--tests is an option of the anomaly detector only" \
	"--tests with --model forecast exits 2" --model forecast --tests 0x1f
expect_err "$T/good.csv" 2 "--sensitivity is an option of the anomaly detector only" \
	"--sensitivity with --model forecast exits 2" --model forecast --sensitivity 10
expect_err "$T/good.csv" 2 "--horizon is an option of --model forecast only" \
	"--horizon with the anomaly detector exits 2" --horizon 3
expect_err "$T/good.csv" 2 "--models is an option of --model forecast only" \
	"--models with the anomaly detector exits 2" --detector anomaly --models

[ $failed -eq 0 ]
