// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_failnth - load a module with the Nth fault-injection site of the
 * loading task failed, for nexus_faultinject_test.sh.  The module file is
 * read into memory first, so the count covers init_module() alone: the
 * kernel's loader, then the module's init.  Needs CONFIG_FAULT_INJECTION
 * and failslab/fail_page_alloc debugfs set to count GFP_KERNEL calls.
 *
 * Usage: nexus_failnth N MODULE.ko [PARAMS]   (N = 0: no fault)
 * Prints one line: "rc=0|-ERRNO injected=0|1 calls=C", where C is the
 * number of fault sites the load went through (meaningful when nothing was
 * injected).  Exits 0 when it could make the attempt, 2 when it could not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	unsigned long n, left = 0;
	char num[32];
	struct stat st;
	ssize_t len;
	void *image;
	int fd, nth, ret, err;

	if (argc < 3) {
		fprintf(stderr, "usage: nexus_failnth N MODULE.ko [PARAMS]\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 0);
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[2]);
		return 2;
	}
	image = malloc(st.st_size);
	if (!image || read(fd, image, st.st_size) != st.st_size) {
		perror("read");
		return 2;
	}
	close(fd);
	nth = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth < 0) {
		perror("/proc/thread-self/fail-nth");
		return 2;
	}
	/* Count from a large N when no fault is wanted: the calls are N - left. */
	len = snprintf(num, sizeof(num), "%lu", n ? n : 1000000000UL);
	if (write(nth, num, len) != len) {
		perror("fail-nth");
		return 2;
	}
	ret = syscall(__NR_init_module, image, (unsigned long)st.st_size,
		      argc > 3 ? argv[3] : "");
	err = ret ? errno : 0;
	len = pread(nth, num, sizeof(num) - 1, 0);
	if (len > 0) {
		num[len] = '\0';
		left = strtoul(num, NULL, 10);
	}
	if (write(nth, "0", 1) != 1)
		perror("fail-nth");
	printf("rc=%d injected=%d calls=%lu\n", err ? -err : 0,
	       n && !left, n ? 0 : 1000000000UL - left);
	return 0;
}
