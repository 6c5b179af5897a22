#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot the test VM, load NEXUS and play the scripted scenario
# (tools/vm/nexus-demo).  Finishes on its own within five minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec tools/vm/nexus-vm run --kernel "${NEXUS_DEMO_KERNEL:-6.1}" --timeout 300 -- nexus-demo
