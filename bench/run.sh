#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: every NEXUS benchmark; prints figures, asserts nothing.
#   host: the event bus ring (ns/event), the anomaly detector on NAB and
#         on cpu.util traces recorded in the VM,
#         the forecaster's error on NAB against predict_linear and Holt
#   VM:   throughput overhead of NEXUS at levels 1 and 6, engine budgets;
#         of nexusd's BPF collectors, nexusd's own CPU and memory;
#         OOM lead time against earlyoom and a PSI rule;
#         tuning a read workload: NEXUS against TuneD's values
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "== event bus ring (host) =="
make -s -C bench/bus run
echo
if [ -f bench/nab/Makefile ]; then
	echo "== anomaly detector on NAB (host) =="
	make -s -C tools/nexusctl >/dev/null && make -s -C bench/nab run
	echo
fi
echo "== the anomaly module's VM scenarios on recorded cpu.util traces (host) =="
make -s -C bench/anomaly run
echo
echo "== forecast error on NAB, MASE against naive (host) =="
bench/forecast/run.sh
echo
for k in ${NEXUS_BENCH_KERNELS:-6.1}; do
	echo "== overhead in the test VM ($k, TCG) =="
	tools/vm/nexus-vm run --kernel "$k" --share bench/vm --timeout 900 -- \
		sh /mnt/share/overhead.sh
	echo
	echo "== nexusd's BPF collectors in the test VM ($k, TCG) =="
	tools/vm/nexus-vm run --kernel "$k" --share bench/vm --timeout 900 -- \
		sh /mnt/share/nexusd.sh
	tools/vm/nexus-vm run --kernel "$k" --share bench/heal --timeout 900 -- sh /mnt/share/mttr.sh
	echo
	echo "== read_ahead workload untuned, with NEXUS, with TuneD's values ($k, TCG) =="
	tools/vm/nexus-vm run --kernel "$k" --share bench/vm --timeout 900 -- \
		sh /mnt/share/tune.sh
	echo
	echo "== nexus_guard detectors in the test VM ($k, TCG) =="
	tools/vm/nexus-vm run --kernel "$k" --share bench/vm --timeout 900 -- \
		sh /mnt/share/guard.sh
	echo
	echo "== OOM lead time and false alarms against earlyoom and a PSI rule ($k, TCG) =="
	bench/oom/run.sh "$k"
done
