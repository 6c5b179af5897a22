#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract the few files NEXUS uses from Debian's linux-source-6.1 tarball
# into build/cache: checkpatch.pl with its data files, and the kselftest
# headers.  They are the kernel's own and are never committed here.
#
# Usage: tools/kernel-cache.sh CACHE_DIR

set -euo pipefail
cache=$1
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
stamp=$cache/.extracted

if [ -f "$stamp" ] && [ -n "$tarball" ] && [ "$stamp" -nt "$tarball" ]; then
	exit 0
fi
[ -n "$tarball" ] || { echo "kernel-cache: linux-source-6.1 is not installed; run 'make deps'" >&2; exit 1; }

files=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
       tools/testing/selftests/kselftest.h tools/testing/selftests/kselftest_harness.h)
top=linux-source-6.1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "kernel-cache: extracting checkpatch and kselftest headers from $(basename "$tarball")" >&2
tar -xf "$tarball" -C "$tmp" "${files[@]/#/$top/}"
mkdir -p "$cache/checkpatch" "$cache/kselftest"
cp "$tmp/$top/scripts/"{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$cache/checkpatch/"
cp "$tmp/$top/tools/testing/selftests/"kselftest{,_harness}.h "$cache/kselftest/"
touch "$stamp"
