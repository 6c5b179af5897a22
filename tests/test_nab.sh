#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_nab.sh NABSCORE - TAP tests of the NAB scorer on a synthetic corpus
set -u
NAB=${1:?usage: test_nab.sh NABSCORE}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

# score PROFILE FILE: the normalised score of PROFILE in nabscore output
score() { awk -v p="$1" '$1 == p && $2 ~ /^-?[0-9]/ { print $2 }' "$2"; }

# gen FILE SCORE_AWK: 1000 rows, 5-minute steps from 2015-01-01, with a
# score column computed by the awk expression on row index i
gen() {
	mkdir -p "$(dirname "$1")"
	awk -v expr="$2" 'BEGIN {
		print "timestamp,value,anomaly_score"
		for (i = 0; i < 1000; i++) {
			m = i * 5
			s = 0
			if (expr == "tp450" && i == 450) s = 1
			if (expr == "tp450fp700" && (i == 450 || i == 700)) s = 1
			if (expr == "tp450half700" && i == 450) s = 1
			if (expr == "tp450half700" && i == 700) s = 0.5
			if (expr == "half450" && i == 450) s = 0.5
			printf "2015-01-%02d %02d:%02d:00,%d,%.3f\n", 1 + int(m / 1440),
				int(m % 1440 / 60), m % 60, i % 10, s
		}
	}' >"$1"
}

echo "TAP version 13"
echo "1..8"

# rows 400..499 are the window of cat/a.csv; cat/b.csv has none
cat >"$T/windows.json" <<'JSON'
{
  "cat/a.csv": [
    [
      "2015-01-02 09:20:00.000000",
      "2015-01-02 17:35:00.000000"
    ]
  ],
  "cat/b.csv": []
}
JSON
gen "$T/r/cat/a.csv" none
gen "$T/r/cat/b.csv" none

"$NAB" --fake null "$T/windows.json" "$T/r" >"$T/null" 2>&1
ok $(( $(score standard "$T/null" | sed 's/\.//') != 0 )) "null detector scores 0 (standard)"
"$NAB" --fake oracle "$T/windows.json" "$T/r" >"$T/oracle" 2>&1
s=$(score standard "$T/oracle")$(score reward_low_FP "$T/oracle")$(score reward_low_FN "$T/oracle")
ok $([ "$s" = "100.00100.00100.00" ]; echo $?) "oracle scores 100 in all profiles ($s)"

# one detection at the window centre (row 450): credit S(-0.5)/S(-1)
gen "$T/r/cat/a.csv" tp450
"$NAB" "$T/windows.json" "$T/r" >"$T/tp" 2>&1
want=$(awk 'function S(y) { return 2 / (1 + exp(5 * y)) - 1 }
	BEGIN { printf "%.2f", 100 * (S(-50 / 100) / S(-1) + 1) / 2 }')
ok $([ "$(score standard "$T/tp")" = "$want" ]; echo $?) \
	"detection mid-window earns the sigmoid credit ($want)"

# plus a false positive at row 700, 201 rows after the window
gen "$T/r/cat/a.csv" tp450fp700
"$NAB" "$T/windows.json" "$T/r" >"$T/fp" 2>&1
want=$(awk 'function S(y) { return 2 / (1 + exp(5 * y)) - 1 }
	BEGIN { printf "%.2f", 100 * (S(-0.5) / S(-1) + 0.11 * S(201 / 99) + 1) / 2 }')
ok $([ "$(score standard "$T/fp")" = "$want" ]; echo $?) \
	"false positive after the window costs fp * S(y) ($want)"
want=$(awk 'function S(y) { return 2 / (1 + exp(5 * y)) - 1 }
	BEGIN { printf "%.2f", 100 * (S(-0.5) / S(-1) + 0.22 * S(201 / 99) + 1) / 2 }')
ok $([ "$(score reward_low_FP "$T/fp")" = "$want" ]; echo $?) \
	"reward_low_FP doubles the false-positive cost ($want)"

printf '{ "cat/a.csv": [ [ "2015-01-02 09:20:00", ' >"$T/bad.json"
"$NAB" "$T/bad.json" "$T/r" >/dev/null 2>&1
ok $([ $? -ne 0 ]; echo $?) "malformed windows JSON is an error"

# leave one category out: cat/a.csv fires 1.0 in its window and 0.5
# outside, cat2/c.csv 0.5 in its window.  The corpus threshold is 0.5;
# held out, cat2 is scored at cat's threshold (above 0.5: a miss, 0) and
# cat at cat2's (0.5: the hit and the false positive)
cat >"$T/loco.json" <<'JSON'
{
  "cat/a.csv": [ [ "2015-01-02 09:20:00.000000", "2015-01-02 17:35:00.000000" ] ],
  "cat2/c.csv": [ [ "2015-01-02 09:20:00.000000", "2015-01-02 17:35:00.000000" ] ]
}
JSON
gen "$T/l/cat/a.csv" tp450half700
gen "$T/l/cat2/c.csv" half450
"$NAB" "$T/loco.json" "$T/l" >"$T/loco" 2>&1
loco() { awk -v c="$1" '$1 == c && NF == 5 { print $2 }' "$T/loco"; }
want=$(awk 'function S(y) { return 2 / (1 + exp(5 * y)) - 1 }
	BEGIN { printf "%.2f", 100 * (S(-0.5) / S(-1) + 0.11 * S(201 / 99) + 1) / 2 }')
ok $([ "$(loco cat2)" = "0.00" ] && [ "$(loco cat)" = "$want" ]; echo $?) \
	"leave-one-category-out scores a category at the others' threshold ($(loco cat2), $(loco cat))"
"$NAB" --fake oracle "$T/loco.json" "$T/l" >"$T/loco" 2>&1
ok $([ "$(awk '$1 == "total" { print $2 $3 $4 }' "$T/loco")" = "100.00100.00100.00" ]; echo $?) \
	"leave-one-category-out: the oracle scores 100"

[ $failed -eq 0 ]
