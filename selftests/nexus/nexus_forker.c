// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_forker - a controlled task leak for nexus_predict_kinds_test: it
 * forks RATE children a second, each of which sleeps until killed, until
 * fork() fails (EAGAIN at the cgroup's pids.max); then it prints
 * "EAGAIN <children>" on stdout and sleeps until killed.  Kill its process
 * group to end the children too.
 *
 * Usage: nexus_forker RATE_PER_S
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long rate = argc > 1 ? atol(argv[1]) : 4, n = 0;
	struct timespec ts;

	if (rate <= 0 || rate > 1000)
		return 2;
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000L / rate;
	for (;;) {
		pid_t pid = fork();

		if (!pid) {
			for (;;)
				pause();
		}
		if (pid < 0) {
			printf("%s %ld\n", errno == EAGAIN ? "EAGAIN" : "ERROR", n);
			fflush(stdout);
			for (;;)
				pause();
		}
		n++;
		nanosleep(&ts, NULL);
	}
}
