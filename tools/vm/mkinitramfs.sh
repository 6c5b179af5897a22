#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the base initramfs of the test VM for one kernel release:
#   mkinitramfs.sh KVER KMOD_DIR SELFTEST_DIR TOOLS_DIR OUT [MODDIR]
# busybox, /init, the NEXUS modules built for KVER (in load order), the
# test-only modules, the selftests, NEXUS's tools, the guest programs the
# tests use (stress-ng, bpftool, with their shared libraries) and the few
# modules of the test kernel they need (9p for --share, scsi_debug, null_blk).

set -euo pipefail

kver=$1 kmod_dir=$2 selftest_dir=$3 tools_dir=$4 out=$5
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/nexus-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,etc/nexus,proc,sys,dev,tmp,run,root,mnt/share} \
	 "$root"/opt/nexus/{bin,modules,test-modules,selftests} \
	 "$root/lib/modules/$kver" "$root/usr/bin"

install -m 0755 /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$VM_DIR/init.sh" "$root/init"
install -m 0755 "$VM_DIR/nx-load" "$VM_DIR/nx-modprobe" "$VM_DIR/nexus-demo" \
	"$root/opt/nexus/bin/"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

# copy_prog BIN - copy a dynamically linked program and the libraries it needs
copy_prog() {
	local bin=$1 lib
	install -m 0755 "$bin" "$root/usr/bin/$(basename "$bin")"
	for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_prog "$(command -v stress-ng)"
for p in /usr/sbin/bpftool /sbin/bpftool; do
	[ -x "$p" ] && { copy_prog "$p"; break; }
done
[ -d /lib64 ] && [ ! -e "$root/lib64" ] && mkdir -p "$root/lib64"

# NEXUS modules, in dependency order (each after the modules it uses).
order=()
declare -A placed=()
mapfile -t kos < <(find "$kmod_dir" -name '*.ko' ! -path '*/selftests/*' | sort)
while [ ${#order[@]} -lt ${#kos[@]} ]; do
	progress=0
	for ko in "${kos[@]}"; do
		name=$(basename "$ko" .ko)
		[ -n "${placed[$name]:-}" ] && continue
		ready=1
		for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
			for k in "${kos[@]}"; do
				[ "$(basename "$k" .ko)" = "$dep" ] && [ -z "${placed[$dep]:-}" ] && ready=0
			done
		done
		[ $ready -eq 1 ] || continue
		placed[$name]=1
		order+=("$name.ko")
		install -m 0644 "$ko" "$root/opt/nexus/modules/"
		progress=1
	done
	[ $progress -eq 1 ] || { echo "mkinitramfs: module dependency cycle" >&2; exit 1; }
done
printf '%s\n' "${order[@]}" >"$root/opt/nexus/modules/order"
find "$kmod_dir" -path '*/selftests/*' -name '*.ko' -exec install -m 0644 {} "$root/opt/nexus/test-modules/" \;

# Selftests and tools.
if [ -d "$selftest_dir" ]; then
	cp -a "$selftest_dir/." "$root/opt/nexus/selftests/"
fi
if [ -d "$tools_dir" ]; then
	for t in "$tools_dir"/*; do
		[ -x "$t" ] && [ -f "$t" ] && copy_prog "$t"
	done
fi

# Modules of the test kernel itself, decompressed (busybox insmod cannot
# read .ko.xz), with a modules.dep rewritten to match.
moddir=${6:-/lib/modules/$kver}
want=(virtio_pci 9pnet_virtio 9p scsi_debug null_blk sd_mod)
add_kmod() {
	local rel=$1 dst
	dst="$root/lib/modules/$kver/${rel%.xz}"
	dst=${dst%.zst}
	[ -e "$dst" ] && return
	mkdir -p "$(dirname "$dst")"
	case "$rel" in
	*.xz) xz -dc "$moddir/$rel" >"$dst" ;;
	*.zst) zstd -qdc "$moddir/$rel" >"$dst" ;;
	*) cp "$moddir/$rel" "$dst" ;;
	esac
}
: >"$root/lib/modules/$kver/modules.dep"
for m in "${want[@]}"; do
	pat=$(echo "$m" | sed 's/[_-]/[_-]/g')
	line=$(grep -E "(^|/)$pat\\.ko(\\.xz|\\.zst)?:" "$moddir/modules.dep" | head -n 1 || true)
	[ -n "$line" ] || continue
	for rel in ${line%%:*} ${line#*:}; do
		add_kmod "$rel"
	done
	echo "$line" | sed -E 's/\.ko\.(xz|zst)/.ko/g' >>"$root/lib/modules/$kver/modules.dep"
done
cp "$moddir/modules.builtin" "$root/lib/modules/$kver/" 2>/dev/null || true

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
