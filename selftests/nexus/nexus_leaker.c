// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_leaker - a controlled memory leak for nexus_predict_test: every
 * 100 ms it allocates and touches RATE/10 MiB (never freed) until the OOM
 * killer takes it (it volunteers with oom_score_adj 1000) or, as a safety
 * net, until it holds LIMIT MiB, where it stops growing and sleeps.
 *
 * Usage: nexus_leaker RATE_MIB_PER_S [LIMIT_MIB]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

int main(int argc, char **argv)
{
	long rate = argc > 1 ? atol(argv[1]) : 16;
	long limit = argc > 2 ? atol(argv[2]) : 1L << 20;
	size_t chunk = (size_t)rate * 1024 * 1024 / 10, held = 0;
	struct timespec next;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);

	if (rate <= 0 || chunk == 0)
		return 2;
	if (fd >= 0) {
		if (write(fd, "1000", 4) != 4)
			perror("oom_score_adj");
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		char *p;

		if (held / (1024 * 1024) < (size_t)limit) {
			p = malloc(chunk);
			if (!p)
				return 3;
			memset(p, 0x5a, chunk);
			held += chunk;
		}
		/* a fixed rate, whatever the time the touching took */
		next.tv_nsec += 100 * 1000 * 1000;
		if (next.tv_nsec >= 1000 * 1000 * 1000) {
			next.tv_nsec -= 1000 * 1000 * 1000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}
