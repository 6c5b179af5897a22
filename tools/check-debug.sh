#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the debug-kernel lane (Documentation/debug-kernel.rst).
# Builds the debug kernel if its cache is stale, then in it:
#   kselftest-debug         the selftests (all, or the CI subset), then the
#                           kmemleak scan
#   kselftest-debug-faults  the load/unload cycles and the fault-injection
#                           test (single-threaded TCG, as the reload test
#                           needs), then the kmemleak scan
# Every VM run fails on any KASAN, lockdep, UBSAN, sleeping-in-atomic or
# other kernel report (tools/vm/nexus-vm).
#
# Run directly it is tools/check.sh with no Debian kernel and the full lane.
# tools/check.sh sources it for debug_lane() when its NEXUS_CHECK_DEBUG_LANE
# switch is "subset" or "full".

# The CI subset: the core's tests and the reproducers of what the lane
# found, 2 load/unload cycles instead of 50, fault injection at 8
# allocation sites of each module's init instead of 120 (all of them took
# over 25 minutes) and the kmemleak scan (what fits make check's budget).
DEBUG_SUBSET="nexus_sysfs_test nexus_core_test nexus_module_test nexus_ioctl_test nexus_collectors_test nexus_tune_lockdep_test"
DEBUG_SUBSET_CYCLES=2
DEBUG_SUBSET_FI_MAX=8

# debug_kernel_wait - wait for check.sh's background build; its log and
# status.  The status comes from a file: bash's "wait PID" answered "not a
# child of this shell" (127) for the build that had ended half an hour and
# many process substitutions before.
debug_kernel_wait() {
	while kill -0 "$dk_pid" 2>/dev/null; do
		sleep 2
	done
	cat "$LOG/debug-kernel.log"
	[ -f "$LOG/debug-kernel.rc" ] || return 1
	return "$(cat "$LOG/debug-kernel.rc")"
}

# debug_lane full|subset - the lane's phases, with check.sh's phase()
debug_lane() {
	local what=$1 tests cycles=
	if [ -n "${dk_pid:-}" ]; then
		# check.sh started the build in the background.
		phase debug-kernel "$LOG/debug-kernel-wait.log" debug_kernel_wait
	else
		phase debug-kernel "$LOG/debug-kernel.log" tools/debug-kernel/build.sh
	fi
	tools/debug-kernel/build.sh --dir >/dev/null || return
	if [ "$what" = full ]; then
		tests=$(grep -vxE 'nexus_(reload|faultinject|kmemleak)_test\.sh|nexus_heal_oops_test' \
			build/selftests/tests.list | tr '\n' ' ')
	else
		tests=$DEBUG_SUBSET
		cycles="CYCLES=$DEBUG_SUBSET_CYCLES FI_MAX=$DEBUG_SUBSET_FI_MAX"
	fi
	# $tests and $cycles are word lists, split on purpose.
	# shellcheck disable=SC2086
	phase kselftest-debug "$LOG/kselftest-debug.log" \
		tools/vm/nexus-vm run --kernel debug --timeout 5400 -- \
		/opt/nexus/selftests/run_kselftest.sh -t 900 -p debug \
		$tests nexus_kmemleak_test.sh
	# shellcheck disable=SC2086
	phase kselftest-debug-faults "$LOG/kselftest-debug-faults.log" \
		env NEXUS_VM_TCG=single tools/vm/nexus-vm run --kernel debug \
		--timeout 3600 -- $cycles /opt/nexus/selftests/run_kselftest.sh \
		-t 1800 -p debug nexus_reload_test.sh nexus_faultinject_test.sh \
		nexus_kmemleak_test.sh
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	NEXUS_CHECK_KERNELS='' NEXUS_CHECK_DEBUG_LANE=full \
		exec "$(dirname "$0")/check.sh"
fi
