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

mapfile -t srcs < <(git ls-files -co --exclude-standard '*.c' '*.h' | grep -v '^build/')
out=$(perl "$CACHE/checkpatch/checkpatch.pl" --strict --no-tree --terse \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,GIT_COMMIT_ID \
	--show-types -f "${srcs[@]}" 2>&1 | grep -E '(ERROR|WARNING|CHECK):' || true)
if [ -n "$out" ]; then
	echo "lint: checkpatch --strict findings:"
	echo "$out" | sed 's/^/  /'
	status=1
else
	echo "lint: checkpatch --strict clean (${#srcs[@]} files)"
fi
exit $status
