# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Find the test kernels: a Debian kernel image in /boot with its headers
# installed.  "6.1" and "6.12" name a series; the newest of the series wins.
# "debug" names the debug kernel `make debug-kernel` builds into its cache
# (tools/debug-kernel/build.sh): its image, tree and modules live there.

DEBUG_KERNEL_BUILD=$(cd "$(dirname "${BASH_SOURCE[0]}")/../debug-kernel" && pwd)/build.sh

# debug_kernel_dir - print the cache directory of the debug kernel; fails
# when it is not built for the current configuration
debug_kernel_dir() {
	"$DEBUG_KERNEL_BUILD" --dir
}

# list_test_kernels - print the kernel releases usable as test kernels
list_test_kernels() {
	local img kver
	for img in /boot/vmlinuz-*; do
		[ -e "$img" ] || continue
		kver=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$kver/build" ] || continue
		echo "$kver"
	done | sort -V
}

# resolve_test_kernel SERIES|RELEASE - print the release for a series
resolve_test_kernel() {
	local want=$1 kver dir
	if [ "$want" = debug ]; then
		dir=$(debug_kernel_dir) || return 1
		cat "$dir/release"
		return
	elif [[ "$want" =~ ^[0-9]+\.[0-9]+$ ]]; then
		kver=$(list_test_kernels | grep -E "^${want//./\\.}\\.[0-9]" | tail -n 1)
	else
		kver=$(list_test_kernels | grep -Fx -- "$want" || true)
	fi
	[ -n "$kver" ] || return 1
	echo "$kver"
}
