# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# tap.sh - the TAP helper of the host shell tests; source it:
#   . "$(dirname "$0")/tap.sh"
# then "ok STATUS DESCRIPTION" prints one numbered TAP line (STATUS 0 is a
# pass) and counts failures in $failed; end with [ $failed -eq 0 ].
n=0
failed=0

ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
