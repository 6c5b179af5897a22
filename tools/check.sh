#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every test NEXUS has.  Host unit tests, the test VM harness
# tests, then the kselftests inside the test VM on every test kernel.
# Prints each test's TAP line (numbered across the whole run), how long each
# phase took, and one closing line "N passed, N failed, N skipped".
# Exits 0 only if nothing failed.
#
# NEXUS_CHECK_KERNELS="6.1 6.12" selects the test kernels.

set -uo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
LOG=$TOP/build/check
mkdir -p "$LOG"
kernels=${NEXUS_CHECK_KERNELS-6.1 6.12}

# The debug-kernel lane (KASAN, lockdep, kmemleak, UBSAN, fault injection;
# Documentation/debug-kernel.rst) in make check: off (the default), subset
# or full.  `make check-debug` runs it in full on its own.  Off: CI ran
# make check with the subset on in 3986 s, over its 60 minutes (a fresh
# machine installs the Debian packages and builds the debug kernel first).
DEBUG_LANE=${NEXUS_CHECK_DEBUG_LANE:-off}
case "$DEBUG_LANE" in
off|subset|full) ;;
*) echo "NEXUS_CHECK_DEBUG_LANE='$DEBUG_LANE': expected off, subset or full" >&2; exit 2 ;;
esac

passed=0 failed=0 skipped=0 n=0
failed_names=()
rm -f "$LOG/failures.txt"
t0=$SECONDS

# tap_filter NAME - renumber a phase's TAP result lines, count them, and
# print the diagnostics of failed ones.
tap_filter() {
	local phase=$1 line status desc
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"ok "*|"not ok "*) ;;
		*) continue ;;
		esac
		status=ok
		[[ "$line" == "not ok "* ]] && status="not ok"
		desc=$(sed -E 's/^(not )?ok [0-9]+ ?-? ?//' <<<"$line")
		n=$((n + 1))
		if [ "$status" = "not ok" ] && ! grep -Eq '# *TODO' <<<"$desc"; then
			failed=$((failed + 1))
			failed_names+=("${desc##*: }")
		elif grep -Eiq '# *(SKIP|TODO)' <<<"$desc"; then
			skipped=$((skipped + 1))
		else
			passed=$((passed + 1))
		fi
		echo "$status $n - $phase: $desc"
	done
}

# phase_output LOG - a phase's output; of a VM booted again
# (tools/vm/nexus-vm: QEMU's stale-int3 defect), its second attempt only.
phase_output() {
	if grep -q '^# nexus-vm: attempt 2:' "$1"; then
		sed -n '/^# nexus-vm: attempt 2:/,$p' "$1"
	else
		cat "$1"
	fi
}

# fail_blocks LOG NAME... - each failed kselftest's own lines (from its RUN
# line to its FAIL line: the TH_LOG diagnostics and the failed expectation),
# which the log's last lines do not hold when the test ran early.  They are
# collected in failures.txt and printed last, where a CI excerpt of the
# output's end shows them.
fail_blocks() {
	local log=$1 t
	shift
	for t in "$@"; do
		echo "# lines of $t in $log:"
		awk -v t="$t" '
			!on && index($0, " RUN ") && index($0, " " t " ...") { on = 1 }
			on { print }
			on && (index($0, " FAIL ") || index($0, " OK ")) &&
			    substr($0, length($0) - length(t)) == " " t { exit }' "$log" |
			head -n 60 | sed 's/^/#   /'
	done
}

# phase NAME LOGFILE CMD... - run one phase, print its TAP lines and timing.
# A phase whose command fails without a failing TAP line counts as a failure.
phase() {
	local name=$1 log=$2 start=$SECONDS rc before=$failed
	local names_before=${#failed_names[@]}
	shift 2
	"$@" >"$log" 2>&1
	rc=$?
	tap_filter "$name" < <(phase_output "$log")
	if [ $rc -ne 0 ] && [ $failed -eq $before ]; then
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n - $name: exited with status $rc"
	fi
	if [ $failed -ne $before ]; then
		fail_blocks "$log" "${failed_names[@]:$names_before}" \
			>>"$LOG/failures.txt"
		echo "# $name: last lines of $log:"
		grep -Ev '^(ok|# ok) ' "$log" | tail -n 40 | sed 's/^/#   /'
	fi
	echo "# phase $name: $((SECONDS - start))s"
}

echo "TAP version 13"
start=$SECONDS
tools/deps.sh --check 2>/dev/null || tools/deps.sh || { echo "not ok 1 - deps: installing the Debian packages failed"; echo "0 passed, 1 failed"; exit 1; }
echo "# phase deps: $((SECONDS - start))s"
# The debug kernel takes about 1400 CPU-seconds to build from scratch.  It
# starts now, under nice 19, beside the Debian kernels' lanes (their guests
# leave CPU idle while tests wait on the system), and the debug lane waits
# for it; with a cached build it returns at once.
dk_pid=
if [ "$DEBUG_LANE" != off ]; then
	rm -f "$LOG/debug-kernel.rc"
	{
		tools/debug-kernel/build.sh >"$LOG/debug-kernel.log" 2>&1
		echo $? >"$LOG/debug-kernel.rc"
	} &
	dk_pid=$!
fi
phase build "$LOG/build.log" make -s modules tools selftests
if [ -f tests/Makefile ]; then
	phase unit "$LOG/unit.log" make -s -C tests check
fi
for k in $kernels; do
	# The first kernel gets the harness's full test and 50 load/unload
	# cycles, the others a quick test and 20 cycles: what fits make
	# check's 60 minutes.
	quick=--quick cycles=20
	[ "$k" = "${kernels%% *}" ] && quick='' cycles=50
	phase "vm-harness-$k" "$LOG/vm-harness-$k.log" \
		tools/vm/tests/nexus-vm-test.sh $quick "$k"
	# The load/unload cycles run in a VM of their own with single-threaded
	# TCG: see tools/vm/nexus-vm (NEXUS_VM_TCG).
	tests=$(grep -vxE 'nexus_reload_test\.sh|nexus_heal_oops_test' \
		build/selftests/tests.list | tr '\n' ' ')
	phase "kselftest-$k" "$LOG/kselftest-$k.log" \
		tools/vm/nexus-vm run --kernel "$k" --timeout 1800 -- \
		/opt/nexus/selftests/run_kselftest.sh $tests
	# It oopses the kernel on purpose: a VM of its own, which accepts
	# oopses in the test module's code and nothing else.
	phase "kselftest-oops-$k" "$LOG/kselftest-oops-$k.log" \
		tools/vm/nexus-vm run --kernel "$k" --timeout 600 \
		--expect-oops nexus_test_oops -- \
		/opt/nexus/selftests/run_kselftest.sh nexus_heal_oops_test
	phase "kselftest-reload-$k" "$LOG/kselftest-reload-$k.log" \
		env NEXUS_VM_TCG=single tools/vm/nexus-vm run --kernel "$k" \
		--timeout 1500 -- CYCLES=$cycles \
		/opt/nexus/selftests/run_kselftest.sh -t 1300 nexus_reload_test.sh
done
if [ "$DEBUG_LANE" != off ]; then
	# shellcheck source=tools/check-debug.sh
	. tools/check-debug.sh
	debug_lane "$DEBUG_LANE"
fi
if [ -s "$LOG/failures.txt" ]; then
	echo "# the failed tests' own lines:"
	cat "$LOG/failures.txt"
fi
echo "1..$n"
echo "# total: $((SECONDS - t0))s"
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary+=", $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
