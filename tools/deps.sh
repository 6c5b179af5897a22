#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages NEXUS needs to build, lint and test itself,
# by name and idempotently.  Prints what it installs; as non-root it prints
# the apt-get line instead and stops.
#
# Usage: tools/deps.sh [--check]
#   --check   exit 1 if anything is missing, install nothing

set -euo pipefail

BACKPORTS_LIST=/etc/apt/sources.list.d/nexus-bookworm-backports.sources

# Tools for the host build, lint and the test VM.
HOST_PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev kmod cpio
	xz-utils zstd sparse
	qemu-system-x86 busybox-static stress-ng
	clang llvm libbpf-dev bpftool pkg-config
	linux-source-6.1 pahole	# the kernel source, also for make debug-kernel (BTF: pahole)
	python3-docutils
)

# The 6.1 LTS test kernel: Debian 12's own.
K61_PKGS=(linux-image-amd64 linux-headers-amd64)

log() { printf 'deps: %s\n' "$*" >&2; }

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# The 6.12 LTS kernel comes from bookworm-backports.  Its metapackage would
# replace the 6.1 one, so resolve and install the versioned packages instead,
# side by side with 6.1.
bpo_kernel_pkgs() {
	local img
	img=$(apt-cache depends -t bookworm-backports linux-image-amd64 2>/dev/null |
	      awk '/Depends: linux-image-6\.12/ { print $2; exit }')
	[ -n "$img" ] || return 1
	echo "$img" "${img/linux-image-/linux-headers-}"
}

have_bpo_kernel() {
	compgen -G '/boot/vmlinuz-6.12.*' >/dev/null &&
		compgen -G '/usr/src/linux-headers-6.12.*-amd64' >/dev/null
}

missing=()
for p in "${HOST_PKGS[@]}" "${K61_PKGS[@]}"; do
	pkg_installed "$p" || missing+=("$p")
done
need_bpo=0
have_bpo_kernel || need_bpo=1

if [ "${1:-}" = "--check" ]; then
	[ ${#missing[@]} -eq 0 ] && [ $need_bpo -eq 0 ] && exit 0
	log "missing: ${missing[*]}$([ $need_bpo -eq 1 ] && echo ' 6.12-kernel')"
	exit 1
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_bpo -eq 0 ]; then
	log "all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	log "not root; run as root:"
	[ $need_bpo -eq 1 ] && [ ! -e "$BACKPORTS_LIST" ] &&
		echo "  enable bookworm-backports in $BACKPORTS_LIST, then:"
	echo "  apt-get install -y ${missing[*]}$([ $need_bpo -eq 1 ] && echo ' <linux-image/headers 6.12 from bookworm-backports>')"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ $need_bpo -eq 1 ] && [ ! -e "$BACKPORTS_LIST" ] &&
   ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	log "enabling bookworm-backports in $BACKPORTS_LIST"
	cat >"$BACKPORTS_LIST" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

log "apt-get update"
apt-get update -qq

bpo=()
if [ $need_bpo -eq 1 ]; then
	read -r -a bpo <<<"$(bpo_kernel_pkgs)" || true
	if [ ${#bpo[@]} -ne 2 ]; then
		log "cannot resolve the 6.12 kernel in bookworm-backports"
		exit 1
	fi
fi

log "installing: ${missing[*]} ${bpo[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ ${#bpo[@]} -eq 2 ]; then
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		"${bpo[@]}" >/dev/null
fi
log "done"
