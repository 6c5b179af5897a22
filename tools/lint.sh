#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the modules built with W=1 and sparse (C=2) against every test
# kernel, and checkpatch.pl --strict (from Debian's linux-source-6.1) over
# every C source and header of NEXUS.  Exits non-zero on any finding.

set -uo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
. tools/vm/kernels.sh
CACHE=$TOP/build/cache
tools/kernel-cache.sh "$CACHE" || exit 1
status=0

for kver in $(list_test_kernels); do
	log=$TOP/build/lint-$kver.log
	# Rebuild everything so every file is compiled and checked.
	rm -rf "$TOP/build/kmod/$kver"
	make -s modules KDIR="/lib/modules/$kver/build" KBUILD_ARGS="W=1 C=2" \
		>"$log" 2>&1
	rc=$?
	findings=$(grep -E 'warning:|error:|sparse: ' "$log" | grep -v 'Skipping BTF' || true)
	if [ $rc -ne 0 ] || [ -n "$findings" ]; then
		echo "lint: $kver: W=1/sparse findings:"
		echo "${findings:-$(tail -n 20 "$log")}" | sed 's/^/  /'
		status=1
	else
		echo "lint: $kver: W=1 and sparse clean"
	fi
done

# checkpatch.pl --strict over every C file.  Userspace code (tools, tests,
# benchmarks, the selftest programs and the userspace half of the library's
# portability header) has no <linux/compiler.h> and uses the C library's
# types, so two kernel-only rules are off for it, and only those.
CP="perl $CACHE/checkpatch/checkpatch.pl --strict --no-tree --terse --show-types"
CP+=" --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,GIT_COMMIT_ID"
USER_IGNORE=PREFER_KERNEL_TYPES,PREFER_DEFINED_ATTRIBUTE_MACRO
mapfile -t kern < <(git ls-files -co --exclude-standard '*.c' '*.h' |
	grep -E '^(nexus_core|modules|uapi|selftests/nexus/modules)/' |
	grep -v '^nexus_core/lib/nx_compat.h$')
mapfile -t user < <(git ls-files -co --exclude-standard '*.c' '*.h' |
	grep -Ev '^(nexus_core|modules|uapi|selftests/nexus/modules|build)/';
	echo nexus_core/lib/nx_compat.h)
out=$({ $CP -f "${kern[@]}"; $CP --ignore $USER_IGNORE -f "${user[@]}"; } 2>&1 |
	grep -E '(ERROR|WARNING|CHECK):' || true)
if [ -n "$out" ]; then
	echo "lint: checkpatch --strict findings:"
	echo "$out" | sed 's/^/  /'
	status=1
else
	echo "lint: checkpatch --strict clean ($((${#kern[@]} + ${#user[@]})) files)"
fi
exit $status
