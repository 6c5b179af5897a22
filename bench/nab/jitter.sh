#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/nab/jitter.sh DATA OUT NEXUSCTL NABSCORE: the NAB score of the
# detector on the corpus and on three copies of it with the first 29, 71
# and 113 rows of every file dropped (the windows stay, the probationary
# period moves), then the mean of the four.  One threshold and a few dozen
# windows make the score a rugged function of the detector's constants: a
# change that moves the four scores together is a change, one that moves
# one of them is noise.  NEXUSCTL_FLAGS (from the environment, as the
# Makefile passes it) go to every replay, e.g. "--tests 0x1f".
set -euo pipefail
data=$1 out=$2 ctl=$3 score=$4
read -r -a flags <<<"${NEXUSCTL_FLAGS:-}"

summary() {	# standard low-FP low-FN, held out x 3, by category x 4
	awk '/^(standard|reward_low_F[PN]) +[0-9]/ { s = s " " $2 }
	     /^  total/ { h = " " $2 " " $3 " " $4 }
	     /^  (artificialWithAnomaly|realAdExchange|realTraffic|realTweets) / {
		     if (!seen[$1]++) c = c " " $2 }
	     END { print s h c }' "$1"
}

rm -rf "$out" && mkdir -p "$out"
for skip in 0 29 71 113; do
	src=$data
	if [ "$skip" -gt 0 ]; then
		src=$out/data-$skip
		(cd "$data" && for f in */*.csv; do
			mkdir -p "$src/${f%/*}"
			{ head -n 1 "$f"; tail -n +$((skip + 2)) "$f"; } >"$src/$f"
		done)
		cp "$data/combined_windows.json" "$src/"
	fi
	(cd "$src" && for f in */*.csv; do
		mkdir -p "$out/scores-$skip/${f%/*}"
		"$ctl" replay --detector anomaly ${flags[@]+"${flags[@]}"} "$f" \
			>"$out/scores-$skip/$f"
	done)
	"$score" "$src/combined_windows.json" "$out/scores-$skip" >"$out/nab-$skip.txt"
	printf 'rows dropped %3d:' "$skip"
	summary "$out/nab-$skip.txt"
done | awk '{ print; for (i = 4; i <= NF; i++) t[i] += $i; n++ }
	END {
		printf "mean            :"
		for (i = 4; i <= NF; i++) printf " %.2f", t[i] / n
		print ""
		print "(columns: standard low-FP low-FN, held out standard low-FP low-FN,"
		print " standard by category: artificialWithAnomaly realAdExchange realTraffic realTweets)"
	}'
