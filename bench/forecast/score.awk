# SPDX-License-Identifier: GPL-2.0
#
# score.awk - horizon error of "nexusctl replay --model forecast --models"
# output: the forecast printed on row i is for row i + h.  Prints one line
#   rows nexus linreg holt ewma naive
# with each method's mean absolute error over the scored rows.
#
# Usage: awk -F, -v h=H -f score.awk replay-output.csv
NR == 1 { next }
{
	i = NR - 1
	if (i > h) {
		j = (i - h) % h
		for (m = 0; m < 5; m++) {
			d = $2 - f[j, m]
			err[m] += d < 0 ? -d : d
		}
		n++
	}
	j = i % h
	f[j, 0] = $3
	for (m = 1; m < 5; m++)
		f[j, m] = $(5 + m)
}
END {
	printf "%d", n
	for (m = 0; m < 5; m++)
		printf " %.6g", n ? err[m] / n : 0
	printf "\n"
}
