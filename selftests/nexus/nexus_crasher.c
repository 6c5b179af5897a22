// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_crasher - a program that crashes, for nexus_predict_kinds_test.
 *
 * "nexus_crasher crash SIG": sleep 100 ms and die of signal SIG (no core
 * dump).  "nexus_crasher stack RATE_KB LIMIT_KB": set RLIMIT_STACK to
 * LIMIT_KB and recurse, each level with a 4 kB frame that it touches,
 * RATE_KB kB a second, until the stack hits the limit and the kernel
 * kills it with SIGSEGV.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

static struct timespec next;
static long step_ns;

static int __attribute__((noinline)) grow(int depth)
{
	char frame[4096];

	if (depth > 1 << 20)	/* 4 GiB: the limit comes long before */
		return depth;
	memset(frame, depth, sizeof(frame));
	/* the compiler must believe the frame is read */
	__asm__ __volatile__("" : : "r"(frame) : "memory");
	next.tv_nsec += step_ns;
	while (next.tv_nsec >= 1000000000L) {
		next.tv_nsec -= 1000000000L;
		next.tv_sec++;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	/* not a tail call: the frame is used after the recursion */
	return grow(depth + 1) + frame[depth % sizeof(frame)];
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	if (argc == 3 && !strcmp(argv[1], "crash")) {
		usleep(100000);
		signal(atoi(argv[2]), SIG_DFL);
		kill(getpid(), atoi(argv[2]));
		return 3;
	}
	if (argc == 4 && !strcmp(argv[1], "stack")) {
		long rate = atol(argv[2]), limit = atol(argv[3]);

		if (rate <= 0 || limit <= 0)
			return 2;
		rl.rlim_cur = limit * 1024;
		rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_STACK, &rl))
			return 3;
		step_ns = 4000000000L / rate;	/* 4 kB per level */
		clock_gettime(CLOCK_MONOTONIC, &next);
		return grow(0);
	}
	return 2;
}
