#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_man.sh NEXUSCTL - TAP tests of the man pages: each
# Documentation/man/*.rst builds with rst2man without a docutils message,
# and every command, show target and option that "nexusctl --help" names
# (and every option "nexusd --help" prints, read from nexusd.c) appears in
# the page.  Skips when rst2man (python3-docutils) is not installed.
set -u
CTL=${1:?usage: test_man.sh NEXUSCTL}
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
RST2MAN=${RST2MAN:-rst2man}
if ! command -v "$RST2MAN" >/dev/null 2>&1; then
	echo "1..0 # SKIP $RST2MAN not installed (python3-docutils: run make deps)"
	exit 0
fi
echo "1..6"

# The page as plain text: roff escapes and font changes removed.
man_text() {
	sed -e 's/^\.B //' -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' \
		-e 's/\\(aq/'"'"'/g' "$1"
}

for page in nexusctl nexusd; do
	"$RST2MAN" --halt=warning --report=info \
		"$REPO/Documentation/man/$page.rst" "$T/$page.8" 2>"$T/$page.err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/$page.err" ] && [ -s "$T/$page.8" ]; then
		ok 0 "$page.8 builds without docutils messages"
	else
		ok 1 "$page.8 builds without docutils messages"
		sed 's/^/#   /' "$T/$page.err"
	fi
	man_text "$T/$page.8" >"$T/$page.txt"
done

# check_words PAGE HOW DESC WORDS... : every word appears in the page, as
# the head of an entry (a line starting with it) when HOW is "entry".
check_words() {
	page=$1 how=$2 desc=$3
	shift 3
	missing=
	for w in "$@"; do
		if [ "$how" = entry ]; then
			grep -Eq -- "^$w( |,|\$)" "$T/$page.txt"
		else
			grep -Fq -- "$w" "$T/$page.txt"
		fi || missing="$missing '$w'"
	done
	if [ -z "$missing" ] && [ $# -gt 0 ]; then
		ok 0 "$desc ($#)"
	else
		ok 1 "$desc"
		echo "#   missing from $page.8:${missing:- (nothing to check)}"
	fi
}

"$CTL" --help >"$T/help" 2>&1
# Commands: the first word of each line indented by two under "commands:".
cmds=$(sed -n '/^commands:/,/^options:/p' "$T/help" |
	sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
# shellcheck disable=SC2086
check_words nexusctl entry "every command of nexusctl --help is in nexusctl.8" $cmds

targets=$(sed -n '/nexusctl show /,/^  [a-z]/p' "$T/help" |
	sed -e 's/.*nexusctl show //' -e 's/\[METRIC\]//' | tr '|' '\n' |
	sed 's/[[:space:]]//g' | grep -E '^[a-z]+$')
set --
for t in $targets; do
	set -- "$@" "show $t"
done
check_words nexusctl entry "every show target of nexusctl --help is in nexusctl.8" "$@"

opts=$(grep -oE -- '--[a-z][a-z-]+' "$T/help" | sort -u)
# shellcheck disable=SC2086
check_words nexusctl any "every option of nexusctl --help is in nexusctl.8" $opts

opts=$(sed -n '/^static void nxd_usage/,/^}/p' "$REPO/tools/nexusd/nexusd.c" |
	grep -oE -- '--[a-z][a-z-]+' | sort -u)
# shellcheck disable=SC2086
check_words nexusd any "every option of nexusd --help is in nexusd.8" $opts

[ "$failed" -eq 0 ]
