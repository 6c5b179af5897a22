#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kmemleak scan of the debug-kernel lane (Documentation/debug-kernel.rst):
# run last, after the other tests.  The NEXUS modules are unloaded first:
# what they still hold is referenced from their own data, what they forgot
# to free is not.  Then kmemleak scans (twice: an object must stay
# unreferenced across scans and be 5 s old) and every suspected leak whose
# allocation backtrace passes through a NEXUS or NEXUS test module, or
# through module code that is gone (an unloaded module), fails the test.
# Other leaks (the kernel's own, boot-time) are listed but do not fail it.
# SKIPs on kernels without kmemleak (the Debian ones).

KML=/sys/kernel/debug/kmemleak
OUT=/tmp/kmemleak.report
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}

echo "TAP version 13"
if [ ! -e "$KML" ]; then
	echo "1..0 # SKIP this kernel has no kmemleak (only the debug kernel does)"
	exit 4
fi

loaded=0
grep -q '^nexus_core ' /proc/modules && loaded=1
bad=0
for m in $(awk '$1 ~ /^nexus_test_/ { print $1 }' /proc/modules); do
	rmmod "$m" || bad=1
done
nx-load -u || bad=1
ok $bad "NEXUS and its test modules unload before the scan"

# Two scans 6 s apart: kmemleak reports an object only once it is older
# than 5 s and was found unreferenced by a scan.
bad=0
echo scan >"$KML" || bad=1
sleep 6
echo scan >"$KML" || bad=1
cat "$KML" >"$OUT" || bad=1
ok $bad "kmemleak scans (it is still enabled)"

# One line per leak: "size comm | backtrace frames", with the frames that
# make it NEXUS's marked.  Unresolved frames in module space (0xffffffffa0..
# and up) are code of a module unloaded since.
awk '
	/^unreferenced object/ { if (obj != "") print obj; obj = $0; mine = 0; next }
	/^  comm / { obj = obj " " $0; next }
	/^    \[</ {
		f = $0; sub(/^    \[<[0-9a-f]+>\] /, "", f)
		obj = obj " | " f
		if (f ~ /\[nexus/ || f ~ /^0xffffffff[a-f][0-9a-f]+$/) obj = obj " <-- NEXUS"
	}
	END { if (obj != "") print obj }
' "$OUT" >"$OUT.leaks"
total=$(wc -l <"$OUT.leaks")
grep -F -- '<-- NEXUS' "$OUT.leaks" >"$OUT.nexus"
mine=$(wc -l <"$OUT.nexus")
echo "# kmemleak: $total suspected leaks, $mine from NEXUS"
sed 's/^/# NEXUS leak: /' "$OUT.nexus"
grep -vF -- '<-- NEXUS' "$OUT.leaks" | head -n 20 | sed 's/^/# other (not counted): /'
[ "$mine" -eq 0 ]
ok $? "no leak from NEXUS code ($mine of $total suspected)"

if [ $loaded -eq 1 ]; then
	nx-load
	ok $? "NEXUS loads again after the scan"
fi
echo "1..$n"
exit $fail
