#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the NEXUS debug kernel (KASAN, lockdep, kmemleak, UBSAN, fault
# injection) from Debian's linux-source-6.1 with the configuration in
# tools/debug-kernel/nexus-debug.config, into a cache outside the repo.
#
# Usage: tools/debug-kernel/build.sh [--dir]
#   (none)  build unless the cache already holds this configuration
#   --dir   print the cache directory of the current configuration and exit
#           0 if it is built, 1 if not (builds nothing)
#
# The cache directory is keyed by a hash of the configuration fragment, the
# source package version and the compiler, so editing the fragment or
# upgrading linux-source-6.1 or gcc builds a new kernel and nothing else
# does.  It holds linux/ (the built tree: KDIR for out-of-tree modules, with
# arch/x86/boot/bzImage), modules/lib/modules/<release>/ and `release`.
#
# Environment: NEXUS_CACHE_DIR (default ~/.cache/nexus), NEXUS_DEBUG_KERNEL_JOBS
# (default 2).  The build runs under `nice -n 19`: the machine is shared.

set -euo pipefail

DK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$DK_DIR/nexus-debug.config
# Bump when the build steps change what the cache holds.
FORMAT=1

die() { printf 'debug-kernel: %s\n' "$*" >&2; exit 1; }
log() { printf 'debug-kernel: %s\n' "$*" >&2; }

tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
[ -n "$tarball" ] || die "linux-source-6.1 is not installed; run 'make deps'"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null ||
	 stat -c '%s-%Y' "$tarball")
ccver=$(${CC:-gcc} --version | head -n 1)
key=$( { echo "format $FORMAT"; echo "source $srcver"; echo "cc $ccver";
	 cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
root=${NEXUS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nexus}/debug-kernel
dir=$root/$key

if [ "${1:-}" = --dir ]; then
	echo "$dir"
	[ -f "$dir/release" ]
	exit
fi
[ $# -eq 0 ] || die "unknown argument '$1' (usage: build.sh [--dir])"

[ -f "$dir/release" ] && { log "up to date: $(cat "$dir/release") in $dir"; exit 0; }

mkdir -p "$root"
exec 8>"$root/.lock"
flock 8
[ -f "$dir/release" ] && { log "up to date: $(cat "$dir/release") in $dir"; exit 0; }

jobs=${NEXUS_DEBUG_KERNEL_JOBS:-2}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "NEXUS_DEBUG_KERNEL_JOBS='$jobs': expected a positive number"
start=$SECONDS
logf=$dir/build.log
kmake() { nice -n 19 make -C "$dir/linux" -j"$jobs" "$@" >>"$logf" 2>&1; }
fail() { tail -n 40 "$logf" >&2; die "$1 failed (full log: $logf)"; }

# An interrupted build of the same key resumes where it stopped (kbuild is
# incremental); anything else starts from a fresh tree.
if [ -f "$dir/.configured" ]; then
	log "resuming the build in $dir (log: $logf)"
else
	rm -rf "$dir"
	mkdir -p "$dir"
	log "building linux-source-6.1 $srcver with the debug config into $dir (log: $logf)"
	tmp=$(mktemp -d "$root/extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xf "$tarball" -C "$tmp"
	mv "$tmp"/linux-source-6.1 "$dir/linux"
	cp "$FRAGMENT" "$dir/nexus-debug.config"
	KCONFIG_ALLCONFIG=$FRAGMENT kmake allnoconfig || fail "allnoconfig"
fi

# Every line of the fragment must be in the result: a line that did not
# stick is a missing dependency, and a detector silently not built would
# make the lane pass for the wrong reason.
bad=0
while IFS= read -r line; do
	grep -qxF -- "$line" "$dir/linux/.config" && continue
	sym=$(grep -oE 'CONFIG_[A-Z0-9_]+' <<<"$line")
	log "config: wanted '$line', got '$(grep -E "^$sym=|^# $sym is not set" "$dir/linux/.config" || echo unset)'"
	bad=1
done < <(grep -E '^CONFIG_[A-Z0-9_]+=|^# CONFIG_[A-Z0-9_]+ is not set' "$FRAGMENT")
[ $bad -eq 0 ] || die "the configuration did not apply; fix $FRAGMENT"
touch "$dir/.configured"

kmake bzImage modules || fail "the kernel build"
kmake INSTALL_MOD_PATH="$dir/modules" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod \
	modules_install || fail "modules_install"
release=$(make -s -C "$dir/linux" kernelrelease)
echo "$release" >"$dir/release"
log "built $release in $((SECONDS - start))s (jobs=$jobs, nice 19)"

# Older configurations are not needed any more: a built tree is several GB.
for old in "$root"/*/; do
	old=${old%/}
	[ "$old" = "$dir" ] && continue
	[ -e "$old/nexus-debug.config" ] || continue
	log "removing the stale build $old"
	rm -rf "$old"
done
