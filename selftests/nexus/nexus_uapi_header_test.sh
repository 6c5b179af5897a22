#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# uapi/linux/nexus.h compiles alone in userspace (only <linux/types.h> and
# <linux/ioctl.h>), as C99 with -pedantic, has no implicit padding
# (-Wpadded) and gives every ioctl struct and record its published size
# (the arrays of the records as long as the enums they index), for 64-bit
# and, where the compiler can, 32-bit callers: with no padding and the same
# sizes the offsets are the same, so compat_ptr_ioctl() needs no translation.
# Run on the host by the selftests Makefile; prints TAP 13.
#
# Usage: nexus_uapi_header_test.sh UAPI_DIR     (the directory holding linux/)

uapi=${1:?usage: $0 UAPI_DIR}
CC=${CC:-gcc}
command -v "$CC" >/dev/null 2>&1 || { echo "1..0 # SKIP no $CC"; exit 4; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/check.c" <<'EOC'
#include <linux/nexus.h>

#define SIZE_IS(type, size) \
	typedef char size_of_##type[sizeof(struct type) == (size) ? 1 : -1]

SIZE_IS(nexus_version, NEXUS_VERSION_SIZE_VER0);
SIZE_IS(nexus_config_args, NEXUS_CONFIG_ARGS_SIZE_VER0);
SIZE_IS(nexus_stats, NEXUS_STATS_SIZE_VER0);
SIZE_IS(nexus_batch, NEXUS_BATCH_SIZE_VER0);
SIZE_IS(nexus_finding, NEXUS_FINDING_SIZE_VER0);
SIZE_IS(nexus_decision, NEXUS_DECISION_SIZE_VER0);
SIZE_IS(nexus_sample_rec, NEXUS_SAMPLE_REC_SIZE_VER0);
SIZE_IS(nexus_ingest, NEXUS_INGEST_SIZE_VER0);
SIZE_IS(nexus_metric_read, NEXUS_METRIC_READ_SIZE_VER0);
SIZE_IS(nexus_sample, 16);
SIZE_IS(nexus_event, 32);
SIZE_IS(nexus_records, NEXUS_RECORDS_SIZE_VER0);
SIZE_IS(nexus_metric_rec, NEXUS_METRIC_REC_SIZE_VER0);
SIZE_IS(nexus_forecast_rec, NEXUS_FORECAST_REC_SIZE_VER0);
SIZE_IS(nexus_plan_step, 32);
SIZE_IS(nexus_plan_rec, NEXUS_PLAN_REC_SIZE_VER0);
SIZE_IS(nexus_tune_knob_rec, NEXUS_TUNE_KNOB_REC_SIZE_VER0);
SIZE_IS(nexus_tune_exp_rec, NEXUS_TUNE_EXP_REC_SIZE_VER0);
SIZE_IS(nexus_tune_change_rec, NEXUS_TUNE_CHANGE_REC_SIZE_VER0);
SIZE_IS(nexus_posture_rec, NEXUS_POSTURE_REC_SIZE_VER0);

/* Fixed-size arrays of records are as long as the enums they index. */
typedef char plan_rungs[NEXUS_PLAN_RUNGS == NEXUS_HEAL_COUNT ? 1 : -1];
typedef char fc_slots[NEXUS_FC_MODEL_SLOTS >= NEXUS_FC_MODEL_COUNT ? 1 : -1];
/* Every record kind has a bit in a __u32 mask. */
typedef char rec_kinds[NEXUS_REC_KIND_COUNT <= 32 ? 1 : -1];
/* Every record fits the largest record_size a caller may give. */
typedef char rec_max[sizeof(struct nexus_plan_rec) <= NEXUS_RECORD_SIZE_MAX ? 1 : -1];

static const unsigned long cmds[] = {
	NEXUS_IOC_VERSION, NEXUS_IOC_GET_CONFIG, NEXUS_IOC_SET_CONFIG,
	NEXUS_IOC_GET_STATS, NEXUS_IOC_READ_FINDINGS, NEXUS_IOC_READ_DECISIONS,
	NEXUS_IOC_INGEST, NEXUS_IOC_READ_METRIC, NEXUS_IOC_READ_RECORDS,
};

int main(void)
{
	return (int)(sizeof(cmds) / sizeof(cmds[0])) - 9;
}
EOC

n=0
fail=0
check() {
	n=$((n + 1))
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		echo "$out" | sed 's/^/# /'
		fail=1
	fi
}

echo "TAP version 13"
flags="-std=c99 -pedantic -Wall -Wextra -Wpadded -Werror -I$uapi"
check "uapi header: 64-bit, alone, no padding, published sizes" \
	$CC $flags -o "$tmp/check" "$tmp/check.c"
check "uapi header: the check program runs" "$tmp/check"
if echo 'int x;' | $CC -m32 -fsyntax-only -x c - >/dev/null 2>&1 &&
   echo '#include <linux/types.h>' | $CC -m32 -fsyntax-only -x c - >/dev/null 2>&1; then
	check "uapi header: 32-bit, no padding, same sizes" \
		$CC -m32 $flags -fsyntax-only "$tmp/check.c"
else
	n=$((n + 1))
	echo "ok $n uapi header: 32-bit # SKIP $CC cannot compile -m32"
fi
echo "1..$n"
exit $fail
