#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# NEXUS under fault injection (Documentation/debug-kernel.rst).  Needs a
# kernel with FAILSLAB, FAIL_PAGE_ALLOC and fail-nth (the debug kernel);
# SKIPs elsewhere.
#
# 1. Load: for each NEXUS module (its prerequisites loaded), count the
#    fault sites its load goes through, find where the module's own init
#    starts (the first site whose forced failure has the module on its
#    stack: a bisection), then fail every site of the init in turn (at most
#    FI_MAX of them, evenly spread beyond that), plus FI_LOADER sites of the
#    kernel's loader before it.  Each load must fail with -ENOMEM and leave
#    /proc/modules, /sys/kernel/nexus, /sys/kernel/debug/nexus and /dev as
#    they were, or succeed (the feature degraded) and unload cleanly.  A
#    loader site may fail with the kernel's own errno, but must leave
#    nothing behind either.
# 2. Runtime: with NEXUS loaded, FI_PERCENT % of the allocations of the
#    engine thread and of a reader of every NEXUS file fail for FI_SECS s;
#    NEXUS must keep answering, and unload and load again.
# The test VM harness fails the run on any KASAN, lockdep, UBSAN or
# sleeping-in-atomic report this provokes; run nexus_kmemleak_test.sh after.

# FI_ONLY: a module name; the others are loaded without faults (to chase
# one module's finding without the hour the whole phase takes in TCG).
FI_MAX=${FI_MAX:-120}
FI_ONLY=${FI_ONLY:-}
# FI_TRACE: sites whose forced failure's stack is printed (with FI_ONLY);
# a loader site that failed otherwise than with -ENOMEM is added to it.
FI_TRACE=${FI_TRACE:-}
FI_LOADER=${FI_LOADER:-8}
FI_PERCENT=${FI_PERCENT:-10}
FI_SECS=${FI_SECS:-10}
DBG=/sys/kernel/debug
MODS=/opt/nexus/modules
FAILNTH=$(dirname "$0")/nexus_failnth
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}

echo "TAP version 13"
if [ ! -d "$DBG/failslab" ] || [ ! -d "$DBG/fail_page_alloc" ] ||
   [ ! -e /proc/self/fail-nth ]; then
	echo "1..0 # SKIP this kernel has no failslab/fail_page_alloc/fail-nth (only the debug kernel does)"
	exit 4
fi
if [ ! -f "$MODS/order" ] || [ ! -x "$FAILNTH" ]; then
	echo "1..0 # SKIP not in the NEXUS test VM"
	exit 4
fi

# fi_set ATTR VALUE - set a knob of both failslab and fail_page_alloc
fi_set() {
	echo "$2" >"$DBG/failslab/$1" && echo "$2" >"$DBG/fail_page_alloc/$1"
}

# Count GFP_KERNEL allocations and single pages too (the defaults skip
# them); nothing fails on its own (probability 0) until phase 2.
fi_set probability 0
fi_set ignore-gfp-wait N
fi_set task-filter Y
fi_set times -1
fi_set verbose 0
echo 0 >"$DBG/fail_page_alloc/min-order"
# The stack dumps the bisection reads must not be rate limited away.
if [ -e "$DBG/failslab/verbose_ratelimit_burst" ]; then
	fi_set verbose_ratelimit_burst 100000
	fi_set verbose_ratelimit_interval_ms 1
fi

# snapshot - what NEXUS shows of itself: modules, sysfs, debugfs, devices
snapshot() {
	grep -E '^nexus' /proc/modules | awk '{ print $1 }' | sort
	find /sys/kernel/nexus /sys/kernel/debug/nexus 2>/dev/null | sort
	for d in /dev/nexus*; do [ -e "$d" ] && echo "$d"; done
}

# exercise - read every NEXUS file once (errors are fine, crashes are not)
exercise() {
	find /sys/kernel/nexus /sys/kernel/debug/nexus -type f \
		-exec cat {} + >/dev/null 2>&1
}

# attempt KO N - load KO with the Nth fault site failed; prints
# "rc=... injected=... calls=..."
attempt() {
	"$FAILNTH" "$2" "$1"
}

# after_mark - the kernel log since the last mark.  Each mark is unique:
# traced() runs in a pipeline's subshell, so a counter would not survive
# it and every mark would be "1", with the whole log since the first one
# read back (the bisection then found do_init_module() everywhere and
# took every site of the load for the module's own).
mark=
after_mark() {
	dmesg | awk -v m="NXFI-MARK $mark" '$0 ~ m "$" { on = 1; next } on'
}

# traced KO N - load KO with site N failed, the forced failure's stack
# printed (verbose 2); prints the kernel log of the attempt.  The stack
# dumps are rate limited (10 per 5 s): wait and retry when one is missing.
traced() {
	tries=0
	while :; do
		mark=$(cat /proc/sys/kernel/random/uuid)
		echo "NXFI-MARK $mark" >/dev/kmsg
		fi_set verbose 2
		tr=$(attempt "$1" "$2")
		fi_set verbose 0
		tname=$(basename "$1" .ko)
		grep -q "^$tname " /proc/modules && rmmod "$tname"
		case "$tr" in *injected=1*) ;; *) return ;; esac
		after_mark | grep -q 'FAULT_INJECTION: forcing a failure' && break
		tries=$((tries + 1))
		[ $tries -ge 3 ] && break
		sleep 5
	done
	after_mark
}

# in_init KO N - is site N in the module's do_init_module() (its init and
# what follows), rather than in the loader before it?
in_init() {
	traced "$1" "$2" | grep -q 'do_init_module'
}

nx-load -u
for m in $(awk '$1 ~ /^nexus_test_/ { print $1 }' /proc/modules); do rmmod "$m"; done
for ko in $(cat "$MODS/order"); do
	name=${ko%.ko}
	base=$(snapshot)

	r=$(attempt "$MODS/$ko" 0)
	calls=${r##*calls=}
	case "$r" in
	rc=0\ *) ;;
	*) ok 1 "$name: loads with no fault ($r)"; break ;;
	esac
	rmmod "$name" || { ok 1 "$name: unloads"; break; }
	if [ -n "$FI_ONLY" ] && [ "$name" != "$FI_ONLY" ]; then
		r=$(attempt "$MODS/$ko" 0)
		case "$r" in rc=0\ *) continue ;; esac
		ok 1 "$name: loads again ($r)"
		break
	fi

	# Bisect for the first fault site of do_init_module().
	lo=1 hi=$calls
	while [ "$lo" -lt "$hi" ]; do
		mid=$(((lo + hi) / 2))
		if in_init "$MODS/$ko" "$mid"; then hi=$mid; else lo=$((mid + 1)); fi
	done
	first=$lo
	init=$((calls - first + 1))
	step=1
	[ "$init" -gt "$FI_MAX" ] && step=$(((init + FI_MAX - 1) / FI_MAX))
	echo "# $name: $calls fault sites in its load, its init from $first ($init sites, every ${step})"

	nomem=0 loaded=0 other=0 left=0 kernel=0 tried=0 bad_sites=
	i=$((first - FI_LOADER))
	[ "$i" -lt 1 ] && i=1
	while [ "$i" -le "$calls" ]; do
		r=$(attempt "$MODS/$ko" "$i")
		tried=$((tried + 1))
		case "$r" in
		rc=0\ *)
			loaded=$((loaded + 1))
			exercise
			if ! rmmod "$name"; then
				echo "# $name: site $i: loaded ($r) but does not unload"
				other=$((other + 1))
				break
			fi ;;
		rc=-12\ *) nomem=$((nomem + 1)) ;;
		*)
			if [ "$i" -lt "$first" ]; then
				# The kernel's loader, not NEXUS: its errno
				# is its own (6.1 gives -ELOOP at some).
				kernel=$((kernel + 1))
				echo "# $name: site $i (kernel's loader): $r"
				[ -n "$FI_ONLY" ] && FI_TRACE="$FI_TRACE $i"
			else
				other=$((other + 1))
				bad_sites="$bad_sites $i"
				echo "# $name: site $i: $r (expected -12, ENOMEM)"
			fi ;;
		esac
		if [ "$(snapshot)" != "$base" ]; then
			left=$((left + 1))
			echo "# $name: site $i: left behind:"
			snapshot | sed 's/^/#   /'
			grep -q "^$name " /proc/modules && rmmod "$name"
			bad_sites="$bad_sites $i"
		fi
		if [ "$i" -lt "$first" ]; then i=$((i + 1)); else i=$((i + step)); fi
	done
	# Where the failures that went wrong were injected.
	for i in $bad_sites $FI_TRACE; do
		echo "# $name: site $i was:"
		traced "$MODS/$ko" "$i" | grep -A 30 'forcing a failure' | sed 's/^/#   /'
	done
	echo "# $name: $tried loads: $nomem failed with ENOMEM, $loaded loaded anyway (degraded), $kernel failed otherwise in the kernel's loader, $other other, $left left something behind"
	[ $other -eq 0 ] && [ $left -eq 0 ] && [ $tried -gt 0 ]
	ok $? "$name: every failed allocation of its load unwinds cleanly ($tried sites)"

	# Its dependants load on top of it.
	r=$(attempt "$MODS/$ko" 0)
	case "$r" in rc=0\ *) ;; *) ok 1 "$name: loads again ($r)"; break ;; esac
done

# Phase 2: random failures at run time, for the engine and for a reader.
nx-load
engine=$(pgrep -x nexus-engine 2>/dev/null || ps | awk '$NF == "[nexus-engine]" { print $1 }')
fi_set probability "$FI_PERCENT"
[ -n "$engine" ] && echo 1 >"/proc/$engine/make-it-fail"
# The reader uses shell builtins only: a fork under make-it-fail fails.
flag=/tmp/nxfi.run
: >"$flag"
(
	echo 1 >/proc/self/make-it-fail
	while [ -e "$flag" ]; do
		for f in /sys/kernel/nexus/* /sys/kernel/debug/nexus/*; do
			[ -f "$f" ] && read -r _ <"$f"
		done
	done
) 2>/dev/null &
reader=$!
sleep "$FI_SECS"
rm -f "$flag"
wait $reader
fi_set probability 0
[ -n "$engine" ] && echo 0 >"/proc/$engine/make-it-fail" 2>/dev/null
grep -q . /sys/kernel/nexus/state
ok $? "NEXUS answers after ${FI_SECS}s of ${FI_PERCENT}% failed allocations (engine ${engine:-not found}; state $(cat /sys/kernel/nexus/state): $(cat /sys/kernel/nexus/state_reason))"
nx-load -u && nx-load
ok $? "NEXUS unloads and loads again afterwards"

fi_set ignore-gfp-wait Y
fi_set task-filter N
echo 1 >"$DBG/fail_page_alloc/min-order"
echo "1..$n"
exit $fail
