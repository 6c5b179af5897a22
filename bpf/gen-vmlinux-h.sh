#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-vmlinux-h.sh OUT_DIR - write OUT_DIR/vmlinux.h, the kernel's types for
# the CO-RE BPF collectors, with "bpftool btf dump ... format c".
#
# The BTF comes from, in order: $VMLINUX_BTF (a file with BTF: a vmlinux
# ELF or /sys/kernel/btf/vmlinux); the 6.1 test kernel's image
# /boot/vmlinuz-<release>, decompressed as scripts/extract-vmlinux does
# (the oldest kernel NEXUS supports, so the programs use only what it has);
# else the build machine's /sys/kernel/btf/vmlinux.  CO-RE relocates
# every field access at load time, so the result runs on 6.1 and 6.12.

set -euo pipefail
out=$1
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$out"

# extract_vmlinux IMAGE DEST: find the compressed kernel in a bzImage and
# decompress it; succeeds when DEST is an ELF file.
extract_vmlinux() {
	local img=$1 dest=$2 magic cmd off
	for pair in '\x28\xb5\x2f\xfd:zstd -qdc' '\xfd\x37\x7a\x58\x5a\x00:xz -qdc' \
		    '\x1f\x8b\x08:gzip -qdc'; do
		magic=${pair%%:*} cmd=${pair#*:}
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" 2>/dev/null |
			     cut -d: -f1 | head -n 4); do
			tail -c +$((off + 1)) "$img" | $cmd >"$dest" 2>/dev/null || true
			if [ "$(head -c 4 "$dest" 2>/dev/null)" = $'\x7fELF' ]; then
				return 0
			fi
		done
	done
	rm -f "$dest"
	return 1
}

btf=${VMLINUX_BTF:-}
if [ -z "$btf" ]; then
	kver=$(bash -c ". $TOP/tools/vm/kernels.sh; resolve_test_kernel 6.1" 2>/dev/null || true)
	if [ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ]; then
		if [ -s "$out/vmlinux-$kver" ] ||
		   extract_vmlinux "/boot/vmlinuz-$kver" "$out/vmlinux-$kver"; then
			btf=$out/vmlinux-$kver
		fi
	fi
fi
if [ -z "$btf" ] && [ -r /sys/kernel/btf/vmlinux ]; then
	btf=/sys/kernel/btf/vmlinux
fi
if [ -z "$btf" ]; then
	echo "gen-vmlinux-h: no kernel BTF found (set VMLINUX_BTF=)" >&2
	exit 1
fi
bpftool btf dump file "$btf" format c >"$out/vmlinux.h.tmp"
mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
echo "$btf" >"$out/vmlinux.h.source"
