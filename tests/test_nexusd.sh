#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test_nexusd.sh NEXUSD - TAP tests of nexusd on the host, where no NEXUS
# module is loaded: usage errors and exit codes as nexusd(8) documents
# them, the Prometheus endpoint served while /dev/nexus is missing (valid
# exposition text, nexus_up 0), a busy port, and a clean SIGTERM.  Built
# with ASan/UBSan by tests/Makefile, so a leak or undefined behaviour on
# any of these paths fails the exit-status checks.
set -u
NXD=${1:?usage: test_nexusd.sh NEXUSD}
T=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$T"' EXIT

. "$(dirname "$0")/tap.sh"

# expect RC REGEX DESC ARGS... - nexusd ARGS exits RC saying REGEX on stderr
expect() {
	local code=$1 re=$2 desc=$3 rc
	shift 3
	"$NXD" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq "$code" ] && grep -Eq -- "$re" "$T/err" "$T/out"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   exit $rc, stderr: $(head -c 400 "$T/err")"
	fi
}

# scrape PORT - the body of GET /metrics, or nothing
scrape() {
	local body
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
	body=$(timeout 5 cat <&3)
	exec 3>&-
	printf '%s\n' "$body"
}

echo "TAP version 13"
echo "1..10"

expect 0 "usage: nexusd" "--help prints the usage and exits 0" --help
expect 2 "bad --interval '0'" "--interval 0 is refused (exit 2)" --interval 0
expect 2 "bad --interval 'soon'" "--interval soon is refused (exit 2)" --interval soon
expect 2 "unrecognized option" "an unknown option is refused (exit 2)" --bogus
expect 1 "expected ADDR:PORT" "--listen without a port is a runtime error (exit 1)" \
	--listen nowhere --no-bpf

port=$((20000 + $$ % 20000))
"$NXD" --listen "127.0.0.1:$port" --no-bpf 2>"$T/d.err" &
pid=$!
pids+=("$pid")
for _ in $(seq 50); do
	grep -q "serving Prometheus" "$T/d.err" && break
	sleep 0.1
done
scrape "$port" >"$T/body"
awk '
	/^HTTP\/1\.[01] 200/ { status = 1; next }
	/^\r?$/ { body = 1; next }
	!body { next }
	/^# (HELP|TYPE) / { next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.eE+-]+(\r)?$/ { samples++; next }
	{ bad = 1; print "#   bad line: " $0 }
	END { exit !(status && samples > 0 && !bad) }' "$T/body"
ok $? "the endpoint answers 200 with valid exposition text while /dev/nexus is missing"
grep -q "^nexus_up 0" "$T/body"
ok $? "nexus_up is 0 without nexus_core"
grep -q "is missing: nexus_core is not loaded" "$T/d.err"
ok $? "a missing /dev/nexus is logged as missing, and nexusd keeps running"

expect 1 "127.0.0.1:$port" "a busy port is a runtime error naming the address (exit 1)" \
	--listen "127.0.0.1:$port" --no-bpf

kill -TERM "$pid"
wait "$pid"
rc=$?
grep -q "shutting down" "$T/d.err"
ok $(( rc != 0 || $? != 0 )) "SIGTERM: shuts down, exit 0, sanitizers clean (exit $rc)"
[ $failed -eq 0 ]
