#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_top.sh NEXUSCTL - "nexusctl top" on the host: its options (every
# bad value exits 2 with a message naming it) and a missing NEXUS (exit 1,
# what to do, and the terminal left alone: nothing on stdout).  The screen
# is unit-tested by test_top.c; the live view needs NEXUS:
# selftests/nexus/nexus_cli_test.sh.
set -u
CTL=${1:?usage: test_top.sh NEXUSCTL}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

# expect CODE REGEX DESC ARGS... : exit CODE, stderr matching REGEX
expect() {
	code=$1 re=$2 desc=$3
	shift 3
	"$CTL" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$code" ] && grep -Eq -- "$re" "$T/err"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   exit $rc, stderr: $(head -c 300 "$T/err")"
	fi
}

export NEXUS_DEV=$T/nodev NEXUS_SYSFS=$T/nosys
echo "TAP version 13"
echo "1..17"
expect 2 "top: --interval needs seconds in \[0.1, 60\], got '0'" "--interval 0" top --interval 0
expect 2 "got '0.05'" "--interval 0.05 (below 0.1)" top --interval 0.05
expect 2 "got '61'" "--interval 61" top -i 61
expect 2 "got 'abc'" "--interval abc" top --interval abc
expect 2 "got 'nan'" "--interval nan" top --interval nan
expect 2 "got ''" "--interval ''" top --interval ''
expect 2 "top: --interval needs a value" "--interval without a value" top --interval
expect 2 "top: --count needs a positive number, got '0'" "--count 0" top --count 0
expect 2 "got '-3'" "--count -3" top -n -3
expect 2 "got '2x'" "--count 2x" top --count 2x
expect 2 "got '99999999999999999999'" "--count out of range" top --count 99999999999999999999
expect 2 "top: --metric needs a list" "--metric ''" top --metric ''
expect 2 "'Mem.Free' is not a metric name" "--metric with capitals" top -m mem.free_kb,Mem.Free
expect 2 "an empty metric name in 'a,,b'" "--metric a,,b" top --metric a,,b
expect 2 "unexpected argument 'now'" "a stray argument" top now
expect 1 "nexus_core is not loaded: run 'modprobe nexus_core'" \
	"not loaded: exit 1 and what to do" top --interval 0.1 --count 1
[ ! -s "$T/out" ]
ok $? "not loaded: nothing on stdout (the terminal is left alone)"
[ "$failed" -eq 0 ]
