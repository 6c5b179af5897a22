#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM: records cpu.util (200 ms samples) through 100 s of
# idle, a 20 s stress-ng --cpu 2 storm and 12 minutes of a steady
# stress-ng --cpu 1 load, dumping it every 180 s (the store keeps 1024
# samples).  On the host:
#
#   tools/vm/nexus-vm run --kernel 6.12 --timeout 1500 --share bench/anomaly \
#       -- sh /mnt/share/record.sh >rec.txt
#   bench/anomaly/tocsv.py rec.txt bench/anomaly/traces/6.12-c
S=/sys/kernel/nexus
lsmod | grep -q nexus_anomaly || insmod /opt/nexus/modules/nexus_anomaly.ko
echo 200 >$S/tracing/sample_period_ms
echo detection >$S/level
d() { echo "=== $1 cpu.util"; nexusctl show metrics cpu.util | grep -v '^#'; }
sleep 100
stress-ng --cpu 2 --timeout 20s --quiet &
sleep 25
d storm
stress-ng --cpu 1 --timeout 760s --quiet &
for i in 1 2 3 4; do
	sleep 180
	d steady$i
done
wait
