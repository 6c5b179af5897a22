// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_spinner - a worker that stops making progress, for the Livelock
 * test of nexus_predict_kinds_test: for WORK_MS it works like a busy
 * worker (20 ms of computation, a 1-byte write to /dev/null, a 5 ms
 * sleep, over and over: runnable most of the time, with I/O and voluntary
 * switches), then it spins forever without a syscall.  WORK_MS 0: it spins
 * from the start, a CPU-bound program that never made progress.
 *
 * Usage: nexus_spinner WORK_MS
 */
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* a step of computation the compiler cannot drop */
static void step(void)
{
	__asm__ __volatile__("" ::: "memory");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long work = argc > 1 ? atol(argv[1]) : 0;
	double t0 = now_ms(), t;
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || work < 0)
		return 2;
	while (now_ms() - t0 < work) {
		for (t = now_ms(); now_ms() - t < 20;)
			step();
		if (write(fd, "x", 1) != 1)
			return 3;
		usleep(5000);
	}
	for (;;)
		step();
}
