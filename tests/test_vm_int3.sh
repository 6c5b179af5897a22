#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_vm_int3.sh - TAP tests of tools/vm/nexus-vm's classifier of QEMU's
# multi-threaded TCG stale-int3 defect (the one kernel death it boots
# again for): an int3 oops in the kernel's own text is it, in both
# kernels' formats; an int3 in a module, a soft lockup, or an int3 oops
# without a RIP line is not.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
VM=$REPO/tools/vm/nexus-vm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..6"

# klog NAME OOPS RIP - a kernel log with that oops line and RIP line
klog() {
	cat >"$T/$1" <<EOL
[    6.100000] nexus: module tune registered (min level correction)
$2
[    6.263852] CPU: 0 UID: 0 PID: 18 Comm: rcu_preempt Tainted: G           OE      6.12.95+deb12-amd64 #1
[    6.264307] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009)
$3
[    6.264882] Call Trace:
EOL
}

classify() {	# classify NAME - 0 if classified as the defect
	"$VM" classify-int3 "$T/$1"
}

klog v612 "[    6.262871] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI" \
	"[    6.264800] RIP: 0010:__schedule+0x419/0xc00"
classify v612
ok $? "6.12: 'Oops: int3' at __schedule is the TCG defect"

klog v61 "[   12.262871] int3: 0000 [#1] PREEMPT SMP NOPTI" \
	"[   12.264800] RIP: 0010:enqueue_task_fair+0x21/0x5a0"
classify v61
ok $? "6.1: 'int3:' at enqueue_task_fair is the TCG defect"

klog mod "[    6.262871] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI" \
	"[    6.264800] RIP: 0010:nexus_engine_tick+0x19/0xc0 [nexus_core]"
classify mod
ok $((! $?)) "an int3 in a module's code is not"

klog lockup "[   53.031207] watchdog: BUG: soft lockup - CPU#1 stuck for 45s! [nexus_core_test:149]" \
	"[   53.031300] RIP: 0010:__schedule+0x419/0xc00"
classify lockup
ok $((! $?)) "a soft lockup is not"

klog norip "[    6.262871] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI" \
	"[    6.264800] Code: 89 d1 48 89 93"
classify norip
ok $((! $?)) "an int3 oops without a RIP line is not"

echo "# nexus_core_test: Oops: int3: 0000 [#1] (a test printing it)" >"$T/out"
classify out
ok $((! $?)) "command output that is not the kernel's oops line is not"

[ "$failed" -eq 0 ]
