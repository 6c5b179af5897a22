#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the test VM harness itself (TAP 13): it must report the guest
# command's exit status, fail on a kernel warning or oops (but for the
# expected oops of --expect-oops), never hang, share a directory read-only
# and refuse bad options.
#
# Usage: nexus-vm-test.sh [--quick] KERNEL
#   --quick  only the kernel-warning test

set -uo pipefail
VM=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/nexus-vm
quick=0
[ "${1:-}" = --quick ] && { quick=1; shift; }
kernel=${1:-6.1}
n=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
		sed 's/^/# /' "$tmp/err" | tail -n 20
	fi
}

echo "TAP version 13"

# A WARN_ON in the guest must fail the run even though the command succeeded.
"$VM" run --kernel "$kernel" --no-load --timeout 300 -- \
	insmod /opt/nexus/test-modules/nexus_test_warn.ko >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -ne 0 ] && grep -q 'WARNING:' "$tmp/err"
result $? "$kernel: a kernel WARNING fails the run (exit $rc)"

if [ $quick -eq 0 ]; then
	"$VM" run --kernel "$kernel" --no-load --timeout 300 -- 'echo hello; exit 7' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 7 ] && grep -qx hello "$tmp/out"
	result $? "$kernel: the guest command's output and exit status come back (exit $rc)"

	echo shared-content >"$tmp/share-file"
	mkdir -p "$tmp/share" && mv "$tmp/share-file" "$tmp/share/file"
	"$VM" run --kernel "$kernel" --no-load --share "$tmp/share" --timeout 300 -- \
		'cat /mnt/share/file && ! touch /mnt/share/new 2>/dev/null' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && grep -qx shared-content "$tmp/out" && [ ! -e "$tmp/share/new" ]
	result $? "$kernel: --share is readable and read-only in the guest (exit $rc)"

	# The command's own output is not the kernel's log, even when it names
	# a detector (reproducer: a selftest called lockdep_dump_... failed runs).
	"$VM" run --kernel "$kernel" --no-load --timeout 300 -- \
		'echo "ok 1 coll.lockdep_dump BUG: WARNING: KASAN"' >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && grep -q lockdep_dump "$tmp/out"
	result $? "$kernel: output that names a detector is not a kernel report (exit $rc)"

	start=$SECONDS
	"$VM" run --kernel "$kernel" --no-load --timeout 40 -- 'sleep 1000' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 124 ] && [ $((SECONDS - start)) -lt 80 ] && grep -q timeout "$tmp/err"
	result $? "$kernel: --timeout kills a guest that does not finish (exit $rc)"

	# An oops fails the run unless the run expects it in that module, and
	# expecting one accepts nothing else.
	oops='insmod /opt/nexus/test-modules/nexus_test_oops.ko &&
		echo 1 >/sys/module/nexus_test_oops/parameters/oops && sleep 2'
	"$VM" run --kernel "$kernel" --timeout 300 -- "$oops" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 3 ] && grep -q 'Oops' "$tmp/err"
	result $? "$kernel: an oops fails the run (exit $rc)"
	"$VM" run --kernel "$kernel" --timeout 300 --expect-oops nexus_test_oops -- \
		"$oops && insmod /opt/nexus/test-modules/nexus_test_warn.ko" \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 3 ] && grep -q 'WARNING:' "$tmp/err" && ! grep -q 'Oops' "$tmp/err"
	result $? "$kernel: --expect-oops accepts that oops and no warning (exit $rc)"

	bad=0
	for args in "--mem lots -- true" "--timeout 0 -- true" "--kernel 2.4 -- true" \
		    "--share /nonexistent -- true" "--frobnicate -- true" \
		    "--expect-oops nexus_heal -- true" "--expect-oops" ""; do
		# shellcheck disable=SC2086
		"$VM" run $args >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 2 ] || ! grep -q '^nexus-vm: ' "$tmp/err"; then
			echo "# '$args' gave exit $rc"
			bad=1
		fi
	done
	echo "bad options" >"$tmp/err"
	result $bad "bad options are refused with a message and exit 2"
fi

echo "1..$n"
exit $fail
