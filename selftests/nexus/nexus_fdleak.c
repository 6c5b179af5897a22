// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_fdleak - a controlled file-descriptor leak for
 * nexus_predict_kinds_test: it sets its RLIMIT_NOFILE to LIMIT, then opens
 * /dev/null RATE times a second (never closing) until open() fails with
 * EMFILE.  Then it prints "EMFILE <fds open>" on stdout and sleeps, holding
 * them, until killed.  With HOLD, it opens HOLD descriptors at once
 * instead, prints "HELD <fds open>" and sleeps: many, but not growing.
 *
 * Usage: nexus_fdleak RATE_PER_S LIMIT [HOLD]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	long rate = argc > 1 ? atol(argv[1]) : 40;
	long limit = argc > 2 ? atol(argv[2]) : 1024;
	long hold = argc > 3 ? atol(argv[3]) : 0;
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	struct timespec next;
	long n = 0;

	if (rate <= 0 || rate > 1000 || limit < 16)
		return 2;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return 3;
	if (hold > 0) {
		for (n = 0; n < hold; n++)
			if (open("/dev/null", O_RDONLY) < 0)
				return 4;
		printf("HELD %ld\n", n + 3);
		fflush(stdout);
		for (;;)
			pause();
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		if (open("/dev/null", O_RDONLY) < 0) {
			if (errno != EMFILE)
				return 4;
			printf("EMFILE %ld\n", n + 3);
			fflush(stdout);
			for (;;)
				pause();
		}
		n++;
		next.tv_nsec += 1000000000L / rate;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}
