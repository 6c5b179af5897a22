#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the NEXUS kselftests in the test VM and print one TAP line per test
# case, numbered across all programs, prefixed with the program's name:
#   ok 3 nexus_sysfs_test: sysfs.level_by_name
# A program that dies without reporting its cases, or exits with a failure
# none of its cases shows, adds a failing line of its own.  A comment line
# after each program gives its run time in seconds.
#
# Usage: run_kselftest.sh [-t TIMEOUT] [-p PREFIX] [TEST...]

dir=$(cd "$(dirname "$0")" && pwd)
timeout=300
prefix=
while [ $# -gt 0 ]; do
	case "$1" in
	-t) timeout=$2; shift 2 ;;
	-p) prefix="$2 "; shift 2 ;;
	*) break ;;
	esac
done
tests=${*:-$(cat "$dir/tests.list")}
n=0
fail=0
echo "TAP version 13"
for t in $tests; do
	out=/tmp/ksft.$t.out
	start=$(date +%s)
	timeout "$timeout" "$dir/$t" >"$out" 2>&1
	rc=$?
	sed 's/^/# /' "$out"
	# What each program costs make check's time budget.
	echo "# $prefix$t: $(($(date +%s) - start))s"
	cases=0
	failed=0
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1))
			cases=$((cases + 1))
			status=${line%% [0-9]*}
			rest=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ ?-? ?//')
			# A TAP "# TODO" failure is a known problem, not a failure.
			[ "$status" = "not ok" ] && ! echo "$rest" | grep -q '# TODO' &&
				failed=$((failed + 1))
			echo "$status $n $prefix$t: $rest"
			;;
		esac
	done <"$out"
	if [ $cases -eq 0 ] && [ $rc -eq 4 ]; then
		n=$((n + 1))
		echo "ok $n $prefix$t # SKIP"
	elif [ $rc -ne 0 ] && [ $rc -ne 4 ] && [ $failed -eq 0 ]; then
		n=$((n + 1))
		failed=1
		echo "not ok $n $prefix$t: exited with status $rc"
	fi
	[ $failed -ne 0 ] && fail=1
done
echo "1..$n"
exit $fail
