#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the test VM:
#   tools/vm/nexus-vm run --kernel 6.1 --share bench/heal -- sh /mnt/share/mttr.sh
# Mean time to recovery and steps tried per fault class of the test
# component, with learning off (the fixed ladder) and on, over ROUNDS
# injections per class (fault classes 1 transient, 2 corrupt, 3 persistent,
# 4 hang: the soft reset hangs until healing_timeout_ms, 500 ms here, aborts
# it; see selftests/nexus/modules/nexus_test_component.c).  The time is
# the plan's own (first step to verified health); detection adds poll_ms / 2
# on average.  Prints figures, asserts nothing.

ROUNDS=${ROUNDS:-25}
S=/sys/kernel/nexus
H=$S/modules/heal
TC=/sys/module/nexus_test_component/parameters
D=$(mktemp -d)

nx-load || exit 1
insmod /opt/nexus/test-modules/nexus_test_component.ko || exit 1
echo default >$S/preset
echo healing >$S/level
echo 1 >$S/healing/enable_quarantine
echo 100 >$S/healing/checkpoint_interval_ms
echo 10 >$S/healing/max_healing_attempts
echo 500 >$S/healing/healing_timeout_ms
echo 100 >$H/poll_ms

# The last finished plan line of tc0.
last_plan() { grep '^plan [0-9]* tc0 ' /sys/kernel/debug/nexus/heal | grep -v ' running ' | tail -n 1; }

for learning in 0 1; do
	echo "$learning" >$H/learning
	echo 1 >$H/learn_reset
	i=0
	while [ $i -lt "$ROUNDS" ]; do
		for f in 1 2 3 4; do
			echo 1 >$TC/clear
			# a checkpoint of the healthy state first
			c=$(cat $TC/checkpoints)
			t=0
			while [ "$(cat $TC/checkpoints)" = "$c" ] && [ $t -lt 100 ]; do
				sleep 0.05; t=$((t + 1))
			done
			prev=$(last_plan | awk '{ print $2 }')
			echo $f >$TC/fault
			t=0
			while [ $t -lt 400 ]; do
				line=$(last_plan)
				id=$(echo "$line" | awk '{ print $2 }')
				[ -n "$id" ] && [ "$id" != "$prev" ] && break
				sleep 0.05; t=$((t + 1))
			done
			echo "$line" >>"$D/plans.$learning"
		done
		i=$((i + 1))
	done
done

echo "heal MTTR: $ROUNDS plans per fault class; time = plan's own, ms; steps = steps run"
echo "fault     learning  succeeded  mean_ms  mean_steps  first_step(most)"
for f in 1 2 3 4; do
	for learning in 0 1; do
		awk -v f=$f -v l=$learning '
		$5 == f {
			n++; if ($6 == "succeeded") ok++
			for (i = 1; i <= NF; i++) if ($i == "ms") ms += $(i + 1)
			for (i = 9; i <= NF && $i != "skip"; i++) {
				split($i, s, ":"); if (s[2] != "not_run") st++
				if (i == 9) first[s[1]]++
			}
		}
		END {
			best = ""; for (k in first) if (first[k] > first[best]) best = k
			names[1] = "transient"; names[2] = "corrupt"; names[3] = "persistent"; names[4] = "hang"
			printf "%-10s %-8s %4d/%-4d  %7.1f  %10.2f  %s\n", names[f], l ? "on" : "off",
				ok, n, n ? ms / n : 0, n ? st / n : 0, best
		}' "$D/plans.$learning"
	done
done
cat /sys/kernel/debug/nexus/heal_learn
rmmod nexus_test_component
