#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# OOM lead time and false alarms of NEXUS against earlyoom and a
# systemd-oomd-like PSI rule, in the test VM (see oom.sh).  earlyoom comes
# from Debian's package, fetched with apt-get download and unpacked into
# build/cache: installing it on the host would start its daemon here.
#
# Usage: bench/oom/run.sh [KERNEL]
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
kernel=${1:-6.1}
cache=$top/build/cache/earlyoom
share=$top/build/bench-oom

if [ ! -x "$cache/usr/bin/earlyoom" ]; then
	rm -rf "$cache" && mkdir -p "$cache"
	(cd "$cache" && apt-get download earlyoom >/dev/null 2>&1) ||
		{ echo "oom bench: apt-get download earlyoom failed" >&2; exit 1; }
	dpkg-deb -x "$cache"/earlyoom_*.deb "$cache"
fi
rm -rf "$share" && mkdir -p "$share"
cp "$cache/usr/bin/earlyoom" "$top/bench/oom/oom.sh" "$share/"
"$top/tools/vm/nexus-vm" run --kernel "$kernel" --share "$share" \
	--timeout 1200 -- sh /mnt/share/oom.sh
