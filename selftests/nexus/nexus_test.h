/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the NEXUS selftests: read and write sysfs/debugfs files.
 */
#ifndef NEXUS_TEST_H
#define NEXUS_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEXUS_SYSFS "/sys/kernel/nexus"
#define NEXUS_DEBUGFS "/sys/kernel/debug/nexus"

/*
 * nx_write - write @val to @path in one write().
 * Returns 0 on success or -errno of the failed write.
 */
static inline int nx_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/*
 * nx_read - read @path into @buf (NUL-terminated, trailing newline cut).
 * Returns the length read or -errno.
 */
static inline int nx_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* nx_read_long - read a number from @path; returns LLONG_MIN on error. */
static inline long long nx_read_ll(const char *path)
{
	char buf[64];

	if (nx_read(path, buf, sizeof(buf)) < 0)
		return LLONG_MIN;
	return strtoll(buf, NULL, 0);
}

static inline int nx_loaded(void)
{
	return access(NEXUS_SYSFS, F_OK) == 0;
}

#endif /* NEXUS_TEST_H */
