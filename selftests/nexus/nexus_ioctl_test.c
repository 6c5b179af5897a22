// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/nexus: every ioctl of uapi/linux/nexus.h with valid and invalid
 * arguments (sizes, flags, reserved fields, pointers, commands,
 * capabilities), and the read()/poll() event stream.
 */
#include <assert.h>
#include <dirent.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/nexus.h>

#include "kselftest_harness.h"
#include "nexus_test.h"

#define NEXUS_DEV "/dev/nexus"

/* The first published sizes are the sizes of this header's structs. */
static_assert(sizeof(struct nexus_version) == NEXUS_VERSION_SIZE_VER0, "");
static_assert(sizeof(struct nexus_config_args) ==
	       NEXUS_CONFIG_ARGS_SIZE_VER0, "");
static_assert(sizeof(struct nexus_stats) == NEXUS_STATS_SIZE_VER0, "");
static_assert(sizeof(struct nexus_batch) == NEXUS_BATCH_SIZE_VER0, "");
static_assert(sizeof(struct nexus_finding) == NEXUS_FINDING_SIZE_VER0, "");
static_assert(sizeof(struct nexus_decision) == NEXUS_DECISION_SIZE_VER0, "");
static_assert(sizeof(struct nexus_sample_rec) ==
	       NEXUS_SAMPLE_REC_SIZE_VER0, "");
static_assert(sizeof(struct nexus_ingest) == NEXUS_INGEST_SIZE_VER0, "");
static_assert(sizeof(struct nexus_metric_read) ==
	       NEXUS_METRIC_READ_SIZE_VER0, "");
static_assert(sizeof(struct nexus_event) == 32, "");
static_assert(sizeof(struct nexus_records) == NEXUS_RECORDS_SIZE_VER0, "");
static_assert(sizeof(struct nexus_metric_rec) == NEXUS_METRIC_REC_SIZE_VER0, "");
static_assert(sizeof(struct nexus_forecast_rec) ==
	      NEXUS_FORECAST_REC_SIZE_VER0, "");

/* An address no user pointer may hold: access_ok() refuses it. */
#define KERNEL_PTR ((void *)(uintptr_t)0xffffffffff000000ULL)

static const unsigned long all_cmds[] = {
	NEXUS_IOC_VERSION, NEXUS_IOC_GET_CONFIG, NEXUS_IOC_SET_CONFIG,
	NEXUS_IOC_GET_STATS, NEXUS_IOC_READ_FINDINGS, NEXUS_IOC_READ_DECISIONS,
	NEXUS_IOC_INGEST, NEXUS_IOC_READ_METRIC, NEXUS_IOC_READ_RECORDS,
};

/* An address in this process that is not mapped. */
static void *unmapped_ptr(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, 4096);
	return p;
}

/* ioctl() returning 0 or -errno. */
static int nx_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int get_config(int fd, struct nexus_config_args *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	return nx_ioctl(fd, NEXUS_IOC_GET_CONFIG, a);
}

static int set_config(int fd, struct nexus_config_args *a)
{
	a->size = sizeof(*a);
	return nx_ioctl(fd, NEXUS_IOC_SET_CONFIG, a);
}

/* A level other than @level, never 0 (which detaches the collectors). */
static unsigned int other_level(unsigned int level)
{
	return level == 2 ? 3 : 2;
}

/* Read events until one of @type arrives or none is pending. */
static int find_event(int fd, unsigned int type, struct nexus_event *out)
{
	struct nexus_event ev[8];
	ssize_t n;
	int i;

	for (;;) {
		n = read(fd, ev, sizeof(ev));
		if (n < 0)
			return -errno;
		if (n == 0 || n % sizeof(ev[0]))
			return -EIO;
		for (i = 0; i < n / (ssize_t)sizeof(ev[0]); i++) {
			if (ev[i].type == type) {
				*out = ev[i];
				return 0;
			}
		}
	}
}

/* Read (O_NONBLOCK) until nothing is pending; -EAGAIN when drained. */
static int drain_events(int fd)
{
	struct nexus_event ev[16];
	int i;

	for (i = 0; i < 1000; i++)
		if (read(fd, ev, sizeof(ev)) < 0)
			return -errno;
	return -EBUSY;
}

FIXTURE(dev) {
	int fd;
	struct nexus_config_args saved;
};

FIXTURE_SETUP(dev)
{
	if (!nx_loaded())
		SKIP(return, "nexus_core is not loaded");
	self->fd = open(NEXUS_DEV, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", NEXUS_DEV, strerror(errno));
	ASSERT_EQ(0, get_config(self->fd, &self->saved));
}

/* The modules quiet_others() disabled, to enable again. */
static char quieted[16][NAME_MAX + 1];
static int n_quieted;

/*
 * Disable every module but @keep, so that only it decides: in the debug
 * kernel, heal's plans and the analyzers' findings came in between.
 */
static void quiet_others(const char *keep)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(NEXUS_SYSFS "/modules");

	if (!d)
		return;
	while ((e = readdir(d)) && n_quieted < 16) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, keep))
			continue;
		snprintf(path, sizeof(path), NEXUS_SYSFS "/modules/%s/enabled",
			 e->d_name);
		if (nx_read_ll(path) == 1 && !nx_write(path, "0"))
			snprintf(quieted[n_quieted++], sizeof(quieted[0]), "%s",
				 e->d_name);
	}
	closedir(d);
	nx_msleep(300);		/* a tick already running ends */
}

static void unquiet(void)
{
	char path[PATH_MAX];

	while (n_quieted > 0) {
		snprintf(path, sizeof(path), NEXUS_SYSFS "/modules/%s/enabled",
			 quieted[--n_quieted]);
		nx_write(path, "1");
	}
}

FIXTURE_TEARDOWN(dev)
{
	unquiet();
	EXPECT_EQ(0, set_config(self->fd, &self->saved));
	close(self->fd);
}

TEST_F(dev, node_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(NEXUS_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
}

TEST_F(dev, version)
{
	struct nexus_version v;

	memset(&v, 0xa5, sizeof(v));
	v.size = sizeof(v);
	/* Output fields on input are ignored, not refused. */
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_VERSION, &v));
	EXPECT_EQ(sizeof(v), v.size);
	EXPECT_EQ(NEXUS_ABI_MAJOR, v.abi_major);
	EXPECT_EQ(NEXUS_ABI_MINOR, v.abi_minor);
	EXPECT_EQ(2, v.module_abi);
	ASSERT_NE(NULL, memchr(v.release, '\0', sizeof(v.release)));
	EXPECT_LT(0, strlen(v.release));
	/* Zeroed past the string: nothing of the kernel leaks. */
	for (size_t i = strlen(v.release); i < sizeof(v.release); i++)
		EXPECT_EQ(0, v.release[i]);
}

/* Sizes below the first version: -EINVAL, for every command. */
TEST_F(dev, size_too_small)
{
	char buf[4096];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_cmds); i++) {
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, all_cmds[i], buf))
			TH_LOG("cmd %#lx size 0", all_cmds[i]);
		*(__u32 *)buf = 8;
		EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, all_cmds[i], buf))
			TH_LOG("cmd %#lx size 8", all_cmds[i]);
	}
	*(__u32 *)buf = NEXUS_VERSION_SIZE_VER0 - 1;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_VERSION, buf));
	*(__u32 *)buf = NEXUS_STATS_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, buf));
}

/* A bigger struct with a zero tail is accepted; size comes back smaller. */
TEST_F(dev, size_larger_zero_tail)
{
	struct {
		struct nexus_version v;
		char tail[64];
	} big;
	struct {
		struct nexus_stats s;
		char tail[64];
	} bigs;
	struct {
		struct nexus_config_args a;
		char tail[64];
	} bigc;
	size_t i;

	memset(&big, 0, sizeof(big));
	big.v.size = sizeof(big);
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_VERSION, &big));
	EXPECT_EQ(sizeof(big.v), big.v.size);
	EXPECT_EQ(NEXUS_ABI_MAJOR, big.v.abi_major);
	for (i = 0; i < sizeof(big.tail); i++)
		EXPECT_EQ(0, big.tail[i]);

	memset(&bigs, 0, sizeof(bigs));
	bigs.s.size = sizeof(bigs);
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &bigs));
	EXPECT_EQ(sizeof(bigs.s), bigs.s.size);

	memset(&bigc, 0, sizeof(bigc));
	bigc.a.size = sizeof(bigc);
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_CONFIG, &bigc));
	EXPECT_EQ(sizeof(bigc.a), bigc.a.size);
	EXPECT_EQ(self->saved.level, bigc.a.level);
	/* SET with the same bigger struct, zero tail: accepted. */
	bigc.a.size = sizeof(bigc);
	EXPECT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_SET_CONFIG, &bigc));
}

/* A bigger struct with a non-zero tail: -E2BIG, for every command. */
TEST_F(dev, size_larger_nonzero_tail)
{
	struct nexus_config_args before, after;
	char buf[1024];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all_cmds); i++) {
		memset(buf, 0, sizeof(buf));
		*(__u32 *)buf = 512;
		buf[511] = 1;
		EXPECT_EQ(-E2BIG, nx_ioctl(self->fd, all_cmds[i], buf))
			TH_LOG("cmd %#lx", all_cmds[i]);
	}

	/* A SET refused for its tail changes nothing. */
	ASSERT_EQ(0, get_config(self->fd, &before));
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &before, sizeof(before));
	((struct nexus_config_args *)buf)->level = other_level(before.level);
	((struct nexus_config_args *)buf)->size = sizeof(before) + 8;
	buf[sizeof(before) + 3] = 1;
	EXPECT_EQ(-E2BIG, nx_ioctl(self->fd, NEXUS_IOC_SET_CONFIG, buf));
	ASSERT_EQ(0, get_config(self->fd, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
}

/* Sizes above a page: -E2BIG even with a zero tail. */
TEST_F(dev, size_above_page)
{
	static char buf[2 * 4096];

	memset(buf, 0, sizeof(buf));
	*(__u32 *)buf = sizeof(buf);
	EXPECT_EQ(-E2BIG, nx_ioctl(self->fd, NEXUS_IOC_VERSION, buf));
	EXPECT_EQ(-E2BIG, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, buf));
}

/* Bad argument pointers: -EFAULT, for every command. */
TEST_F(dev, bad_pointer)
{
	void *unmapped = unmapped_ptr();
	size_t i;

	ASSERT_NE(NULL, unmapped);
	for (i = 0; i < ARRAY_SIZE(all_cmds); i++) {
		EXPECT_EQ(-EFAULT, nx_ioctl(self->fd, all_cmds[i], NULL))
			TH_LOG("cmd %#lx NULL", all_cmds[i]);
		EXPECT_EQ(-EFAULT, nx_ioctl(self->fd, all_cmds[i], unmapped))
			TH_LOG("cmd %#lx unmapped", all_cmds[i]);
		EXPECT_EQ(-EFAULT, nx_ioctl(self->fd, all_cmds[i], KERNEL_PTR))
			TH_LOG("cmd %#lx kernel address", all_cmds[i]);
	}
}

TEST_F(dev, unknown_command)
{
	struct nexus_version v;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd,
				    _IOWR(NEXUS_IOC_MAGIC, 0x7f,
					  struct nexus_version), &v));
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd,
				    _IOWR(NEXUS_IOC_MAGIC, 0x09,
					  struct nexus_version), &v));
	/* Another magic with VERSION's number. */
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd,
				    _IOWR('T', 0x00, struct nexus_version),
				    &v));
	/* VERSION's number with the wrong direction. */
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd,
				    _IOR(NEXUS_IOC_MAGIC, 0x00,
					 struct nexus_version), &v));
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd, _IO(NEXUS_IOC_MAGIC, 0x00),
				    &v));
	EXPECT_EQ(-ENOTTY, nx_ioctl(self->fd, FIONREAD, &v));
}

/* The command's size bits are not part of its identity: size governs. */
TEST_F(dev, command_size_bits_ignored)
{
	struct {
		struct nexus_version v;
		char tail[16];
	} big;

	memset(&big, 0, sizeof(big));
	big.v.size = sizeof(big);
	ASSERT_EQ(0, nx_ioctl(self->fd, _IOWR(NEXUS_IOC_MAGIC, 0x00,
					      char[64]), &big));
	EXPECT_EQ(NEXUS_ABI_MAJOR, big.v.abi_major);
	EXPECT_EQ(sizeof(big.v), big.v.size);
}

TEST_F(dev, get_config)
{
	struct nexus_config_args a;
	long long level;

	ASSERT_EQ(0, get_config(self->fd, &a));
	EXPECT_EQ(sizeof(a), a.size);
	EXPECT_EQ(0, a.flags);
	EXPECT_GE(NEXUS_LEVEL_MAX, a.level);
	EXPECT_LE(1, a.cpu_budget_percent);
	EXPECT_GE(100, a.cpu_budget_percent);
	EXPECT_LT(0, a.memory_budget);
	EXPECT_LT(0, a.tick_ms);
	EXPECT_EQ(0, a.__reserved1);
	EXPECT_EQ(0, a.__reserved2);
	EXPECT_EQ(0, a.__reserved3);
	level = nx_read_ll(NEXUS_SYSFS "/level");
	EXPECT_EQ(level, a.level);

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = 1;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_GET_CONFIG, &a));
}

TEST_F(dev, set_config)
{
	struct nexus_config_args a, b;
	char buf[32];

	ASSERT_EQ(0, get_config(self->fd, &a));
	a.level = other_level(a.level);
	a.cpu_budget_percent = a.cpu_budget_percent == 7 ? 8 : 7;
	a.tick_ms = a.tick_ms == 250 ? 200 : 250;
	ASSERT_EQ(0, set_config(self->fd, &a));
	ASSERT_EQ(0, get_config(self->fd, &b));
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	/* sysfs sees the same config. */
	ASSERT_LT(0, nx_read(NEXUS_SYSFS "/level", buf, sizeof(buf)));
	EXPECT_EQ(a.level, strtoul(buf, NULL, 10));
}

/*
 * SET_CONFIG with a valid change plus one invalid field fails and changes
 * nothing: GET before and after are equal.
 */
TEST_F(dev, set_config_invalid_changes_nothing)
{
	static const struct {
		const char *what;
		size_t off;	/* of a __u32 field */
		__u32 val;
		int err;	/* 0: -EINVAL or -ERANGE */
	} bad[] = {
#define OFF(field) offsetof(struct nexus_config_args, field)
		{ "flags", OFF(flags), 1, -EINVAL },
		{ "__reserved1", OFF(__reserved1), 1, -EINVAL },
		{ "__reserved2", OFF(__reserved2), 0x80000000, -EINVAL },
		{ "__reserved3", OFF(__reserved3), 1, -EINVAL },
		{ "level", OFF(level), 7, 0 },
		{ "level", OFF(level), 0xffffffff, 0 },
		{ "cpu_budget_percent", OFF(cpu_budget_percent), 0, 0 },
		{ "cpu_budget_percent", OFF(cpu_budget_percent), 101, 0 },
		{ "tick_ms", OFF(tick_ms), 0, 0 },
		{ "pred_flags", OFF(pred_flags), 0x80000000, -EINVAL },
		{ "heal_flags", OFF(heal_flags), 0x100, -EINVAL },
		{ "trace_flags", OFF(trace_flags), 0x100, -EINVAL },
		{ "perf_flags", OFF(perf_flags), 0x100, -EINVAL },
		{ "min_confidence", OFF(min_confidence), 1001, 0 },
		{ "chaos_enabled", OFF(chaos_enabled), 2, -EINVAL },
		{ "chaos_rate_permille", OFF(chaos_rate_permille), 1001, 0 },
		{ "chaos_targets", OFF(chaos_targets), 0x100, -EINVAL },
		{ "cache_line_size", OFF(cache_line_size), 48, -EINVAL },
		{ "max_cores", OFF(max_cores), 0x7fffffff, 0 },
#undef OFF
	};
	struct nexus_config_args before, a, after;
	size_t i;

	ASSERT_EQ(0, get_config(self->fd, &before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret;

		a = before;
		a.level = other_level(before.level);	/* a valid change */
		a.tick_ms = before.tick_ms == 250 ? 200 : 250;
		memcpy((char *)&a + bad[i].off, &bad[i].val, sizeof(__u32));
		ret = set_config(self->fd, &a);
		if (bad[i].err) {
			EXPECT_EQ(bad[i].err, ret) TH_LOG("%s", bad[i].what);
		} else {
			EXPECT_TRUE(ret == -EINVAL || ret == -ERANGE)
				TH_LOG("%s: %d", bad[i].what, ret);
		}
		ASSERT_EQ(0, get_config(self->fd, &after));
		EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)))
			TH_LOG("%s changed the config", bad[i].what);
	}
}

TEST_F(dev, get_stats)
{
	struct nexus_config_args a;
	struct nexus_stats s, s2;

	ASSERT_EQ(0, get_config(self->fd, &a));
	memset(&s, 0xa5, sizeof(s));
	s.size = sizeof(s);
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s));
	EXPECT_EQ(sizeof(s), s.size);
	EXPECT_GT(NEXUS_STATE_COUNT, s.state);
	EXPECT_EQ(a.level, s.level);
	EXPECT_EQ(a.memory_budget, s.memory_budget);
	EXPECT_EQ(a.cpu_budget_percent * 10000, s.cpu_budget_ppm);
	EXPECT_GE(s.memory_budget, s.memory_used);
	EXPECT_GE(1000000, s.cpu_used_ppm);

	/* The engine ticks. */
	usleep(3 * a.tick_ms * 1000 + 100000);
	memset(&s2, 0, sizeof(s2));
	s2.size = sizeof(s2);
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s2));
	EXPECT_LT(s.ticks, s2.ticks);
	EXPECT_LE(s.state_transitions, s2.state_transitions);
}

static int batch(int fd, unsigned long cmd, struct nexus_batch *b, void *buf,
		 __u32 count, __u32 record_size, __u64 cursor)
{
	memset(b, 0, sizeof(*b));
	b->size = sizeof(*b);
	b->count = count;
	b->record_size = record_size;
	b->cursor = cursor;
	b->buf = (uintptr_t)buf;
	return nx_ioctl(fd, cmd, b);
}

/* One batch command: valid reads and every refused argument. */
static void check_batch(struct __test_metadata *_metadata, int fd,
			unsigned long cmd, size_t rec, __u64 total)
{
	size_t big = rec + 24, i, j;
	char *buf = calloc(64, big);
	char *wide = calloc(64, big);
	struct nexus_batch b;
	__u64 prev = 0;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, wide);
	ASSERT_EQ(0, batch(fd, cmd, &b, buf, 64, rec, 0));
	EXPECT_EQ(sizeof(b), b.size);
	EXPECT_GE(64, b.count);
	EXPECT_GE(total, b.count);
	/* Ids ascend, all above the cursor; the cursor is the last id. */
	for (i = 0; i < b.count; i++) {
		__u64 id;

		memcpy(&id, buf + i * rec, sizeof(id));
		EXPECT_LT(prev, id);
		prev = id;
	}
	EXPECT_EQ(prev, b.cursor);
	/* From the returned cursor: only newer records. */
	if (b.count) {
		struct nexus_batch b2;
		__u64 id;

		ASSERT_EQ(0, batch(fd, cmd, &b2, wide, 64, rec, b.cursor - 1));
		ASSERT_LE(1, b2.count);
		memcpy(&id, wide, sizeof(id));
		EXPECT_EQ(b.cursor, id);
	}

	/* Wider records: same content, zero-extended. */
	memset(wide, 0x5a, 64 * big);
	ASSERT_EQ(0, batch(fd, cmd, &b, wide, 64, big, 0));
	for (i = 0; i < b.count; i++) {
		__u64 id_a, id_b;

		memcpy(&id_a, buf + i * rec, 8);
		memcpy(&id_b, wide + i * big, 8);
		EXPECT_EQ(id_a, id_b);
		for (j = rec; j < big; j++)
			EXPECT_EQ(0, wide[i * big + j]);
	}
	/* Records past count are not written. */
	if (b.count < 64)
		EXPECT_EQ(0x5a, (unsigned char)wide[b.count * big]);
	if (!total)
		TH_LOG("no records: record layout checks were vacuous");

	/* count 0: nothing, success; the buffer is not touched. */
	ASSERT_EQ(0, batch(fd, cmd, &b, NULL, 0, rec, 0));
	EXPECT_EQ(0, b.count);

	EXPECT_EQ(-EINVAL, batch(fd, cmd, &b, buf, 64, rec - 1, 0));
	EXPECT_EQ(-EINVAL, batch(fd, cmd, &b, buf, 64, 8, 0));
	EXPECT_EQ(-EINVAL, batch(fd, cmd, &b, buf, 64, 0, 0));
	EXPECT_EQ(-EINVAL, batch(fd, cmd, &b, buf, 1,
				 NEXUS_RECORD_SIZE_MAX + 1, 0));
	EXPECT_EQ(-EFAULT, batch(fd, cmd, &b, KERNEL_PTR, 1, rec, 0));
	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.flags = 1;
	b.count = 64;
	b.record_size = rec;
	b.buf = (uintptr_t)buf;
	EXPECT_EQ(-EINVAL, nx_ioctl(fd, cmd, &b));
	free(buf);
	free(wide);
}

TEST_F(dev, read_findings)
{
	struct nexus_stats s = { .size = sizeof(s) };

	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s));
	check_batch(_metadata, self->fd, NEXUS_IOC_READ_FINDINGS,
		    sizeof(struct nexus_finding), s.findings);
}

TEST_F(dev, read_decisions)
{
	struct nexus_stats s = { .size = sizeof(s) };

	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s));
	check_batch(_metadata, self->fd, NEXUS_IOC_READ_DECISIONS,
		    sizeof(struct nexus_decision), s.decisions);
}

#define SAMPLE_KO NEXUS_TEST_MODULES "/nexus_test_sample.ko"
#define SAMPLE_DIR NEXUS_SYSFS "/modules/sample/"

/*
 * Real decision records, from the test-only module nexus_test_sample: the
 * fields come back as the core recorded them, a wider record_size gives the
 * same bytes zero-extended, and the stream announces the decision.
 */
TEST_F(dev, read_decisions_records)
{
	struct nexus_config_args a = self->saved;
	struct nexus_stats s = { .size = sizeof(s) };
	size_t rec = sizeof(struct nexus_decision), big = rec + 24, j;
	struct nexus_decision d[4];
	struct nexus_event ev;
	struct nexus_batch b;
	long long outcome;
	char *wide;
	int fd;

	if (access(SAMPLE_KO, R_OK))
		SKIP(return, "test module %s missing", SAMPLE_KO);
	nx_rmmod("nexus_test_sample");
	ASSERT_EQ(0, nx_insmod(SAMPLE_KO, NULL));
	quiet_others("sample");
	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	a.level = NEXUS_LEVEL_CORRECTION;
	ASSERT_EQ(0, set_config(self->fd, &a));
	ASSERT_EQ(0, nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s));

	ASSERT_EQ(0, nx_write(SAMPLE_DIR "decide", "4"));	/* HARD_RECOVER */
	outcome = nx_wait_above(SAMPLE_DIR "last_outcome", 5000, -1);
	ASSERT_EQ(NEXUS_OUTCOME_SUGGESTED, outcome);

	/* Only the sample module decides here: one record after the cursor. */
	memset(d, 0xa5, sizeof(d));
	ASSERT_EQ(0, batch(self->fd, NEXUS_IOC_READ_DECISIONS, &b, d, 4, rec,
			   s.decisions));
	ASSERT_EQ(1, b.count);
	EXPECT_EQ(s.decisions + 1, d[0].id);
	EXPECT_EQ(d[0].id, b.cursor);
	EXPECT_EQ(NEXUS_DECISION_HARD_RECOVER, d[0].kind);
	EXPECT_EQ(NEXUS_OUTCOME_SUGGESTED, d[0].outcome);
	EXPECT_EQ(NEXUS_LEVEL_CORRECTION, d[0].level);
	EXPECT_EQ(900, d[0].confidence);
	EXPECT_EQ(42, d[0].arg);
	EXPECT_EQ(0, d[0].__reserved);
	EXPECT_STREQ("sample", d[0].source);
	EXPECT_STREQ("sample-target", d[0].target);
	EXPECT_STREQ("asked through sysfs", d[0].reason);
	EXPECT_LT(0, d[0].ts_ns);
	EXPECT_GE(nx_now_ns(), d[0].ts_ns);
	/* Records past count are not written. */
	EXPECT_EQ(0xa5a5a5a5a5a5a5a5ULL, d[1].id);

	/* A wider record: the same bytes, then zeros. */
	wide = malloc(2 * big);
	ASSERT_NE(NULL, wide);
	memset(wide, 0x5a, 2 * big);
	ASSERT_EQ(0, batch(self->fd, NEXUS_IOC_READ_DECISIONS, &b, wide, 2,
			   big, s.decisions));
	ASSERT_EQ(1, b.count);
	EXPECT_EQ(0, memcmp(wide, &d[0], rec));
	for (j = rec; j < big; j++)
		EXPECT_EQ(0, wide[j]);
	EXPECT_EQ(0x5a, wide[big]);
	free(wide);

	/* Nothing newer than the returned cursor. */
	ASSERT_EQ(0, batch(self->fd, NEXUS_IOC_READ_DECISIONS, &b, d, 4, rec,
			   d[0].id));
	EXPECT_EQ(0, b.count);
	EXPECT_EQ(d[0].id, b.cursor);

	/* The stream announced it: arg0 = id, arg1 = outcome. */
	ASSERT_EQ(0, find_event(fd, NEXUS_EV_DECISION, &ev));
	EXPECT_EQ(d[0].id, ev.arg0);
	EXPECT_EQ(NEXUS_OUTCOME_SUGGESTED, ev.arg1);
	close(fd);
	EXPECT_EQ(0, nx_rmmod("nexus_test_sample"));
}

static int ingest(int fd, struct nexus_sample_rec *r, __u32 count,
		  __u32 record_size, __u32 *accepted)
{
	struct nexus_ingest in;
	int ret;

	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.count = count;
	in.record_size = record_size;
	in.samples = (uintptr_t)r;
	ret = nx_ioctl(fd, NEXUS_IOC_INGEST, &in);
	if (accepted)
		*accepted = in.count;
	return ret;
}

static int read_metric(int fd, const char *name, struct nexus_sample *buf,
		       __u32 count, __u64 since,
		       struct nexus_metric_read *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	snprintf(m->metric, sizeof(m->metric), "%s", name);
	m->count = count;
	m->since_ns = since;
	m->buf = (uintptr_t)buf;
	return nx_ioctl(fd, NEXUS_IOC_READ_METRIC, m);
}

static void rec_set(struct nexus_sample_rec *r, const char *name,
		    __s64 value, __u64 ts)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->metric, sizeof(r->metric), "%s", name);
	r->value = value;
	r->ts_ns = ts;
}

/* Ingested samples come back from READ_METRIC, under "user.". */
TEST_F(dev, ingest_then_read_metric)
{
	struct nexus_sample_rec r[3];
	struct nexus_sample out[8];
	struct nexus_metric_read m;
	char name[40], full[48];
	__u64 t0 = nx_now_ns();
	__u32 n;
	int id;

	snprintf(name, sizeof(name), "ksft.ingest_%d", getpid());
	snprintf(full, sizeof(full), "user.%s", name);
	EXPECT_EQ(-ENOENT, read_metric(self->fd, name, out, 8, 0, &m));

	rec_set(&r[0], name, -5, t0 - 3000);
	rec_set(&r[1], name, 17, t0 - 2000);
	rec_set(&r[2], full, 1LL << 40, t0 - 1000);
	ASSERT_EQ(0, ingest(self->fd, r, 3, sizeof(r[0]), &n));
	EXPECT_EQ(3, n);

	memset(out, 0, sizeof(out));
	ASSERT_EQ(0, read_metric(self->fd, name, out, 8, 0, &m));
	EXPECT_EQ(sizeof(m), m.size);
	EXPECT_EQ(3, m.count);
	EXPECT_LE(0, m.id);
	EXPECT_EQ(0, m.unit[0]);
	EXPECT_EQ(t0 - 3000, out[0].ts_ns);
	EXPECT_EQ(-5, out[0].value);
	EXPECT_EQ(t0 - 2000, out[1].ts_ns);
	EXPECT_EQ(17, out[1].value);
	EXPECT_EQ(t0 - 1000, out[2].ts_ns);
	EXPECT_EQ(1LL << 40, out[2].value);
	id = m.id;

	/* By its full name: the same metric. */
	ASSERT_EQ(0, read_metric(self->fd, full, out, 8, 0, &m));
	EXPECT_EQ(id, m.id);
	EXPECT_EQ(3, m.count);

	/* since_ns keeps only newer samples. */
	ASSERT_EQ(0, read_metric(self->fd, name, out, 8, t0 - 2000, &m));
	ASSERT_EQ(1, m.count);
	EXPECT_EQ(1LL << 40, out[0].value);

	/* A smaller buffer gets the newest samples. */
	ASSERT_EQ(0, read_metric(self->fd, name, out, 2, 0, &m));
	ASSERT_EQ(2, m.count);
	EXPECT_EQ(17, out[0].value);
	EXPECT_EQ(1LL << 40, out[1].value);

	/* count 0: the id only. */
	ASSERT_EQ(0, read_metric(self->fd, name, NULL, 0, 0, &m));
	EXPECT_EQ(0, m.count);
	EXPECT_EQ(id, m.id);

	/* ts 0 means now. */
	rec_set(&r[0], name, 99, 0);
	ASSERT_EQ(0, ingest(self->fd, r, 1, sizeof(r[0]), &n));
	ASSERT_EQ(0, read_metric(self->fd, name, out, 8, t0, &m));
	ASSERT_EQ(1, m.count);
	EXPECT_EQ(99, out[0].value);
	EXPECT_LE(t0, out[0].ts_ns);
	EXPECT_GE(nx_now_ns(), out[0].ts_ns);
}

/* A wider sample record with a zero tail is accepted, non-zero is not. */
TEST_F(dev, ingest_record_size)
{
	struct {
		struct nexus_sample_rec r;
		__u64 tail;
	} w[2];
	struct nexus_sample out[4];
	struct nexus_metric_read m;
	char name[40];
	__u32 n;

	snprintf(name, sizeof(name), "ksft.wide_%d", getpid());
	memset(w, 0, sizeof(w));
	rec_set(&w[0].r, name, 1, 0);
	rec_set(&w[1].r, name, 2, 0);
	ASSERT_EQ(0, ingest(self->fd, &w[0].r, 2, sizeof(w[0]), &n));
	EXPECT_EQ(2, n);
	ASSERT_EQ(0, read_metric(self->fd, name, out, 4, 0, &m));
	ASSERT_EQ(2, m.count);
	EXPECT_EQ(1, out[0].value);
	EXPECT_EQ(2, out[1].value);

	w[1].tail = 1;
	EXPECT_EQ(-E2BIG, ingest(self->fd, &w[0].r, 2, sizeof(w[0]), NULL));
	ASSERT_EQ(0, read_metric(self->fd, name, out, 4, 0, &m));
	EXPECT_EQ(2, m.count);	/* the first record was not stored either */

	EXPECT_EQ(-EINVAL, ingest(self->fd, &w[0].r, 1,
				  sizeof(struct nexus_sample_rec) - 1, NULL));
	EXPECT_EQ(-EINVAL, ingest(self->fd, &w[0].r, 1, 0, NULL));
	EXPECT_EQ(-EINVAL, ingest(self->fd, &w[0].r, 1,
				  NEXUS_RECORD_SIZE_MAX + 1, NULL));
}

/* One bad record refuses the whole batch: nothing is stored. */
TEST_F(dev, ingest_invalid)
{
	static const char * const bad_names[] = {
		"", "Upper", "has-dash", "has space", "slash/x", "user.",
		"x\xc3\xa9",
		/* 43 characters: "user." + 43 does not fit in 47 */
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct nexus_sample_rec r[2], *edge;
	struct nexus_sample out[4];
	struct nexus_metric_read m;
	struct nexus_ingest in;
	char good[40], name42[48];
	char *page;
	size_t i;
	__u32 n;

	snprintf(good, sizeof(good), "ksft.bad_%d", getpid());
	for (i = 0; i < ARRAY_SIZE(bad_names); i++) {
		rec_set(&r[0], good, 1, 0);
		rec_set(&r[1], bad_names[i], 2, 0);
		EXPECT_EQ(-EINVAL, ingest(self->fd, r, 2, sizeof(r[0]), NULL))
			TH_LOG("name '%s'", bad_names[i]);
	}
	/* Not NUL-terminated within NEXUS_NAME_LEN. */
	rec_set(&r[1], "", 2, 0);
	memset(r[1].metric, 'a', sizeof(r[1].metric));
	EXPECT_EQ(-EINVAL, ingest(self->fd, r, 2, sizeof(r[0]), NULL));
	/* A timestamp in the future. */
	rec_set(&r[1], good, 2, nx_now_ns() + 3600ULL * 1000000000ULL);
	EXPECT_EQ(-EINVAL, ingest(self->fd, r, 2, sizeof(r[0]), NULL));
	/* None of the good records got in. */
	EXPECT_EQ(-ENOENT, read_metric(self->fd, good, out, 4, 0, &m));

	/* 42 characters fit under "user.". */
	memset(name42, 'b', 42);
	name42[42] = '\0';
	rec_set(&r[0], name42, 1, 0);
	EXPECT_EQ(0, ingest(self->fd, r, 1, sizeof(r[0]), &n));

	/* count, flags, pointers. */
	rec_set(&r[0], good, 1, 0);
	EXPECT_EQ(-EINVAL, ingest(self->fd, r, 0, sizeof(r[0]), NULL));
	EXPECT_EQ(-EINVAL, ingest(self->fd, r, NEXUS_INGEST_MAX + 1,
				  sizeof(r[0]), NULL));
	EXPECT_EQ(-EFAULT, ingest(self->fd, NULL, 1, sizeof(r[0]), NULL));
	EXPECT_EQ(-EFAULT, ingest(self->fd, unmapped_ptr(), 1, sizeof(r[0]),
				  NULL));
	/* The array runs past the end of a mapping: -EFAULT, nothing stored. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, munmap(page + 4096, 4096));
	edge = (struct nexus_sample_rec *)(page + 4096) - 1;
	rec_set(edge, good, 1, 0);
	EXPECT_EQ(-EFAULT, ingest(self->fd, edge, 2, sizeof(*edge), NULL));
	munmap(page, 4096);
	EXPECT_EQ(-ENOENT, read_metric(self->fd, good, out, 4, 0, &m));

	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.flags = 1;
	in.count = 1;
	in.record_size = sizeof(r[0]);
	in.samples = (uintptr_t)r;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_INGEST, &in));
	EXPECT_EQ(-ENOENT, read_metric(self->fd, good, out, 4, 0, &m));
}

/* A full-size batch of NEXUS_INGEST_MAX records is accepted. */
TEST_F(dev, ingest_max_batch)
{
	struct nexus_sample_rec *r = calloc(NEXUS_INGEST_MAX, sizeof(*r));
	struct nexus_sample out[4];
	struct nexus_metric_read m;
	__u64 t0 = nx_now_ns();
	char name[40];
	__u32 i, n;

	ASSERT_NE(NULL, r);
	snprintf(name, sizeof(name), "ksft.max_%d", getpid());
	for (i = 0; i < NEXUS_INGEST_MAX; i++)
		rec_set(&r[i], name, i, t0 - NEXUS_INGEST_MAX + i);
	ASSERT_EQ(0, ingest(self->fd, r, NEXUS_INGEST_MAX, sizeof(*r), &n));
	EXPECT_EQ(NEXUS_INGEST_MAX, n);
	ASSERT_EQ(0, read_metric(self->fd, name, out, 1, 0, &m));
	ASSERT_EQ(1, m.count);
	EXPECT_EQ(NEXUS_INGEST_MAX - 1, out[0].value);
	free(r);
}

TEST_F(dev, read_metric_invalid)
{
	struct nexus_sample out[4];
	struct nexus_metric_read m;
	struct nexus_sample_rec r;
	char name[40];
	__u32 n;

	snprintf(name, sizeof(name), "ksft.rm_%d", getpid());
	rec_set(&r, name, 1, 0);
	ASSERT_EQ(0, ingest(self->fd, &r, 1, sizeof(r), &n));

	EXPECT_EQ(-ENOENT, read_metric(self->fd, "ksft.no_such_metric", out,
				       4, 0, &m));
	EXPECT_EQ(-EINVAL, read_metric(self->fd, "Bad-Name", out, 4, 0, &m));
	EXPECT_EQ(-EINVAL, read_metric(self->fd, "", out, 4, 0, &m));
	EXPECT_EQ(-EFAULT, read_metric(self->fd, name, KERNEL_PTR, 4, 0, &m));
	EXPECT_EQ(-EFAULT, read_metric(self->fd, name, unmapped_ptr(), 4, 0,
				       &m));

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	memset(m.metric, 'a', sizeof(m.metric));	/* no NUL */
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_READ_METRIC, &m));

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = 1;
	snprintf(m.metric, sizeof(m.metric), "%s", name);
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_READ_METRIC, &m));
}

/* ---- NEXUS_IOC_READ_RECORDS ---- */

static int read_records(int fd, __u32 kind, void *buf, __u32 count,
			__u32 record_size, __u64 offset, struct nexus_records *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->kind = kind;
	r->record_size = record_size;
	r->count = count;
	r->offset = offset;
	r->buf = (uintptr_t)buf;
	return nx_ioctl(fd, NEXUS_IOC_READ_RECORDS, r);
}

/* The record of metric @name among @n metric records, or NULL. */
static const struct nexus_metric_rec *
find_metric_rec(const struct nexus_metric_rec *m, __u32 n, const char *name)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return &m[i];
	return NULL;
}

/*
 * The metric list: an ingested metric is there with what the store holds
 * (the samples READ_METRIC returns), every record agrees with READ_METRIC,
 * and nothing past a string's end is left over from the kernel.
 */
TEST_F(dev, records_metrics)
{
	static struct nexus_metric_rec m[NEXUS_RECORDS_MAX];
	const struct nexus_metric_rec *x;
	struct nexus_sample_rec rs[4];
	struct nexus_sample out[8];
	struct nexus_metric_read mr;
	struct nexus_records r;
	char name[40], full[48];
	__u64 t0 = nx_now_ns();
	__u32 i;
	size_t k;

	snprintf(name, sizeof(name), "ksft.records_%d", getpid());
	snprintf(full, sizeof(full), "user.%s", name);
	for (i = 0; i < 4; i++)
		rec_set(&rs[i], name, 10 * (i + 1), t0 - 4000 + i * 1000);
	ASSERT_EQ(0, ingest(self->fd, rs, 4, sizeof(rs[0]), NULL));

	memset(m, 0xa5, sizeof(m));
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, m,
				  NEXUS_RECORDS_MAX, sizeof(m[0]), 0, &r));
	EXPECT_EQ(sizeof(r), r.size);
	EXPECT_EQ(sizeof(m[0]), r.kernel_record_size);
	ASSERT_LT(0, r.count);
	EXPECT_EQ(r.count, r.total);
	EXPECT_EQ(r.count, r.offset);
	x = find_metric_rec(m, r.count, full);
	ASSERT_NE(NULL, x) TH_LOG("%s not in the %u metrics", full, r.count);
	EXPECT_EQ(NEXUS_METRIC_F_USER, x->flags);
	EXPECT_STREQ("", x->unit);
	EXPECT_EQ(4, x->samples);
	EXPECT_EQ(4, x->total);
	EXPECT_LE(4, x->capacity);
	EXPECT_EQ(40, x->last);
	EXPECT_EQ(t0 - 1000, x->last_ts_ns);

	for (i = 0; i < r.count; i++) {
		if (i)
			EXPECT_LT(m[i - 1].id, m[i].id);	/* id order */
		ASSERT_NE(NULL, memchr(m[i].name, '\0', sizeof(m[i].name)));
		for (k = strlen(m[i].name); k < sizeof(m[i].name); k++)
			EXPECT_EQ(0, m[i].name[k]);
		for (k = strlen(m[i].unit); k < sizeof(m[i].unit); k++)
			EXPECT_EQ(0, m[i].unit[k]);
		EXPECT_LE(m[i].samples, m[i].capacity);
		EXPECT_LE(m[i].samples, m[i].total);
		if (!m[i].samples) {
			EXPECT_EQ(0, m[i].last);
			EXPECT_EQ(0, m[i].last_ts_ns);
		}
		/* A collector may add a sample in between: compare the id. */
		ASSERT_EQ(0, read_metric(self->fd, m[i].name, out, 0, 0, &mr));
		EXPECT_EQ(m[i].id, mr.id) TH_LOG("%s", m[i].name);
		EXPECT_STREQ(m[i].unit, mr.unit);
	}
	/* The records past count were not touched. */
	if (r.count < NEXUS_RECORDS_MAX)
		EXPECT_EQ(0xa5a5a5a5, (__u32)m[r.count].id);
}

/* Bad arguments: unknown kinds, record sizes, flags, buffers. */
TEST_F(dev, records_invalid)
{
	struct nexus_metric_rec m[2];
	struct nexus_records r;

	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_NONE, m, 2,
					sizeof(m[0]), 0, &r));
	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_KIND_COUNT, m, 2,
					sizeof(m[0]), 0, &r));
	EXPECT_EQ(-EINVAL, read_records(self->fd, 0x80000001, m, 2,
					sizeof(m[0]), 0, &r));
	/* Smaller than the kind's first version, or above the maximum. */
	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_METRIC, m, 2,
					NEXUS_METRIC_REC_SIZE_VER0 - 8, 0, &r));
	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_METRIC, m, 2, 0,
					0, &r));
	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_METRIC, m, 2,
					NEXUS_RECORD_SIZE_MAX + 1, 0, &r));
	/* Another kind's size is checked against this kind's. */
	EXPECT_EQ(-EINVAL, read_records(self->fd, NEXUS_REC_FORECAST, m, 2,
					sizeof(m[0]), 0, &r));
	/* Flags must be zero. */
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = 1;
	r.kind = NEXUS_REC_METRIC;
	r.record_size = sizeof(m[0]);
	r.count = 2;
	r.buf = (uintptr_t)m;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_READ_RECORDS, &r));
	r.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, nx_ioctl(self->fd, NEXUS_IOC_READ_RECORDS, &r));
	/* Buffers the kernel may not write. */
	EXPECT_EQ(-EFAULT, read_records(self->fd, NEXUS_REC_METRIC, KERNEL_PTR,
					2, sizeof(m[0]), 0, &r));
	EXPECT_EQ(-EFAULT, read_records(self->fd, NEXUS_REC_METRIC,
					unmapped_ptr(), 2, sizeof(m[0]), 0, &r));
	EXPECT_EQ(-EFAULT, read_records(self->fd, NEXUS_REC_METRIC, NULL, 2,
					sizeof(m[0]), 0, &r));
}

/*
 * A buffer shorter than the list: count records, offset moved on, total
 * the whole list; page by page gives what one call gives; past the end,
 * nothing.  count 0 asks for the total alone, and needs no buffer.
 */
TEST_F(dev, records_short_buffer)
{
	static struct nexus_metric_rec all[NEXUS_RECORDS_MAX], one[2];
	struct nexus_records r, a;
	__u64 off;
	int tries;

	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, NULL, 0,
				  sizeof(all[0]), 0, &r));
	EXPECT_EQ(0, r.count);
	EXPECT_EQ(0, r.offset);
	ASSERT_LT(1, r.total);

	/* A collector may register a metric meanwhile: then try again. */
	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, all,
					  NEXUS_RECORDS_MAX, sizeof(all[0]), 0,
					  &a));
		for (off = 0; off < a.total; off++) {
			memset(one, 0x5a, sizeof(one));
			ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC,
						  one, 1, sizeof(one[0]), off,
						  &r));
			if (r.total != a.total || !r.count)
				break;
			EXPECT_EQ(1, r.count);
			EXPECT_EQ(off + 1, r.offset);
			EXPECT_EQ(all[off].id, one[0].id);
			EXPECT_STREQ(all[off].name, one[0].name);
			/* Only one record written. */
			EXPECT_EQ(0x5a5a5a5a, (__u32)one[1].id);
		}
		if (off == a.total)
			break;
	}
	EXPECT_GT(5, tries);

	/* Past the end: nothing, offset unchanged, the total still said. */
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, one, 2,
				  sizeof(one[0]), a.total + 5, &r));
	EXPECT_EQ(0, r.count);
	EXPECT_EQ(a.total + 5, r.offset);
	EXPECT_LE(a.total, r.total);
	/* At most NEXUS_RECORDS_MAX a call, whatever count says. */
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, all, 1U << 31,
				  sizeof(all[0]), 0, &r));
	EXPECT_GE(NEXUS_RECORDS_MAX, r.count);
}

/* A record_size above the kernel's: the same bytes, zero-extended. */
TEST_F(dev, records_wider)
{
	static struct nexus_metric_rec m[NEXUS_RECORDS_MAX];
	size_t rec = sizeof(m[0]), big = rec + 40, i, j;
	struct nexus_records r;
	char *wide;
	int tries;

	wide = malloc(3 * big);
	ASSERT_NE(NULL, wide);
	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, m, 2, rec,
					  0, &r));
		ASSERT_EQ(2, r.count);
		memset(wide, 0x5a, 3 * big);
		ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, wide, 2,
					  big, 0, &r));
		ASSERT_EQ(2, r.count);
		EXPECT_EQ(rec, r.kernel_record_size);
		/* the last sample may have moved on in between */
		if (!memcmp(wide, &m[0], rec) && !memcmp(wide + big, &m[1], rec))
			break;
	}
	ASSERT_GT(5, tries);
	for (i = 0; i < 2; i++)
		for (j = rec; j < big; j++)
			EXPECT_EQ(0, wide[i * big + j]);
	EXPECT_EQ(0x5a, wide[2 * big]);
	free(wide);
}

#define PREDICT_KO "/opt/nexus/modules/nexus_predict.ko"

/*
 * A module's records go through the core to the module that provides the
 * kind: with nexus_predict unloaded the kind has no provider (-ENODEV);
 * the test module providing it then answers, with the records it holds,
 * and announces a changed record on the stream (NEXUS_EV_RECORD);
 * unloaded, -ENODEV again; nexus_predict back, its forecasts again.
 */
TEST_F_TIMEOUT(dev, records_routed_to_provider, 120)
{
	struct nexus_forecast_rec f[8];
	struct nexus_records r;
	struct nexus_event ev;
	char param[40];
	int i, fd;

	if (access(SAMPLE_KO, R_OK) || access(PREDICT_KO, R_OK))
		SKIP(return, "%s or %s missing", SAMPLE_KO, PREDICT_KO);
	nx_rmmod("nexus_test_sample");
	if (!access(NEXUS_SYSFS "/modules/predict", F_OK))
		ASSERT_EQ(0, nx_rmmod("nexus_predict"));
	EXPECT_EQ(-ENODEV, read_records(self->fd, NEXUS_REC_FORECAST, f, 8,
					sizeof(f[0]), 0, &r));
	EXPECT_EQ(-ENODEV, read_records(self->fd, NEXUS_REC_FORECAST, NULL, 0,
					sizeof(f[0]), 0, &r));
	/* The core's own kind does not depend on any module. */
	EXPECT_EQ(0, read_records(self->fd, NEXUS_REC_METRIC, NULL, 0,
				  sizeof(struct nexus_metric_rec), 0, &r));

	snprintf(param, sizeof(param), "record_kinds=%u nr_records=5",
		 NEXUS_REC_MASK(NEXUS_REC_FORECAST));
	ASSERT_EQ(0, nx_insmod(SAMPLE_KO, param));
	/* A provider announces a changed record on the stream. */
	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nx_write(SAMPLE_DIR "record_changed", "42"));
	ASSERT_EQ(0, find_event(fd, NEXUS_EV_RECORD, &ev));
	EXPECT_EQ(NEXUS_REC_FORECAST, ev.arg0);
	EXPECT_EQ(42, ev.arg1);
	close(fd);
	memset(f, 0xa5, sizeof(f));
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_FORECAST, f, 8,
				  sizeof(f[0]), 1, &r));
	EXPECT_EQ(4, r.count);
	EXPECT_EQ(5, r.offset);
	EXPECT_EQ(5, r.total);
	EXPECT_EQ(sizeof(f[0]), r.kernel_record_size);
	for (i = 0; i < 4; i++) {
		char want[16];

		snprintf(want, sizeof(want), "sample.%d", i + 1);
		EXPECT_STREQ(want, f[i].metric);
		EXPECT_EQ(i + 1, f[i].now);
		EXPECT_EQ(500, f[i].confidence);
		/* zeroed by the core, not left to the module */
		EXPECT_EQ(0, f[i].__reserved);
		EXPECT_EQ(0, f[i].scored);
		EXPECT_EQ(0, f[i].mae[3]);
	}
	EXPECT_EQ(0xa5a5a5a5, (__u32)f[4].metric_id);
	/* Short buffer. */
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_FORECAST, f, 2,
				  sizeof(f[0]), 0, &r));
	EXPECT_EQ(2, r.count);
	EXPECT_EQ(2, r.offset);
	EXPECT_STREQ("sample.1", f[1].metric);
	ASSERT_EQ(0, nx_rmmod("nexus_test_sample"));
	EXPECT_EQ(-ENODEV, read_records(self->fd, NEXUS_REC_FORECAST, f, 8,
					sizeof(f[0]), 0, &r));

	ASSERT_EQ(0, nx_insmod(PREDICT_KO, NULL));
	EXPECT_EQ(0, read_records(self->fd, NEXUS_REC_FORECAST, f, 8,
				  sizeof(f[0]), 0, &r));
}

/*
 * Every module kind: with its module loaded, all its records in one call
 * at the kernel's size; without, -ENODEV.  A record_size below the kind's
 * first version is refused whatever the module.
 */
TEST_F(dev, records_every_kind)
{
	static const struct {
		__u32 kind, size;
		const char *module;
	} k[] = {
		{ NEXUS_REC_FORECAST, sizeof(struct nexus_forecast_rec), "predict" },
		{ NEXUS_REC_PLAN, sizeof(struct nexus_plan_rec), "heal" },
		{ NEXUS_REC_TUNE_KNOB, sizeof(struct nexus_tune_knob_rec), "tune" },
		{ NEXUS_REC_TUNE_EXPERIMENT, sizeof(struct nexus_tune_exp_rec),
		  "tune" },
		{ NEXUS_REC_TUNE_CHANGE, sizeof(struct nexus_tune_change_rec),
		  "tune" },
		{ NEXUS_REC_POSTURE, sizeof(struct nexus_posture_rec), "guard" },
	};
	static char buf[NEXUS_RECORDS_MAX * 512];
	struct nexus_records r;
	char path[128];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(k); i++) {
		snprintf(path, sizeof(path), NEXUS_SYSFS "/modules/%s",
			 k[i].module);
		ret = read_records(self->fd, k[i].kind, buf, NEXUS_RECORDS_MAX,
				   k[i].size, 0, &r);
		if (access(path, F_OK)) {
			EXPECT_EQ(-ENODEV, ret) TH_LOG("kind %u", k[i].kind);
		} else {
			EXPECT_EQ(0, ret) TH_LOG("kind %u", k[i].kind);
			EXPECT_EQ(k[i].size, r.kernel_record_size);
			EXPECT_EQ(r.total, r.count) TH_LOG("kind %u", k[i].kind);
		}
		EXPECT_EQ(-EINVAL, read_records(self->fd, k[i].kind, buf, 1,
						k[i].size - 8, 0, &r));
	}
}

/*
 * The posture checks of nexus_guard: as many as its debugfs table has, in
 * its order, with the same recommendation, source and care.
 */
TEST_F(dev, records_posture_matches_table)
{
	static struct nexus_posture_rec p[NEXUS_RECORDS_MAX];
	static char table[65536];
	struct nexus_records r;
	char *line, *save = NULL;
	__u32 i = 0;

	if (access(NEXUS_SYSFS "/modules/guard", F_OK))
		SKIP(return, "nexus_guard not loaded");
	ASSERT_LT(0, nx_read_all(NEXUS_DEBUGFS "/guard_posture", table,
				 sizeof(table)));
	ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_POSTURE, p,
				  NEXUS_RECORDS_MAX, sizeof(p[0]), 0, &r));
	ASSERT_LT(0, r.count);
	for (line = strtok_r(table, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[8], *t = line;
		int n;

		if (line[0] == '#')
			continue;
		for (n = 0; n < 8 && t; n++)
			f[n] = strsep(&t, "\t");
		ASSERT_EQ(8, n);
		ASSERT_GT(r.count, i) TH_LOG("more checks in the table");
		EXPECT_STREQ(f[0], p[i].name);
		EXPECT_STREQ(f[4], p[i].desired_val);
		EXPECT_STREQ(f[5], p[i].source);
		EXPECT_STREQ(strcmp(f[7], "-") ? f[7] : "", p[i].care);
		EXPECT_GT(NEXUS_POSTURE_RESULT_COUNT, p[i].result);
		EXPECT_GT(NEXUS_POSTURE_TYPE_COUNT, p[i].type);
		EXPECT_GT(NEXUS_POSTURE_REASON_COUNT, p[i].reason);
		if (!p[i].drift_id)
			EXPECT_EQ(NEXUS_THREAT_NONE, p[i].drift_level);
		i++;
	}
	EXPECT_EQ(r.count, i);
}

/*
 * nexus_predict's forecasts: at level prediction they come, each of a
 * metric the store has (same id), inside its interval, at the configured
 * horizon.
 */
TEST_F_TIMEOUT(dev, records_forecasts, 90)
{
	static struct nexus_forecast_rec f[NEXUS_RECORDS_MAX];
	struct nexus_config_args a = self->saved;
	struct nexus_sample out[1];
	char name[NEXUS_NAME_LEN];
	struct nexus_metric_read mr;
	struct nexus_records r;
	__u32 i;
	int t;

	if (access(NEXUS_SYSFS "/modules/predict", F_OK))
		SKIP(return, "nexus_predict not loaded");
	a.level = NEXUS_LEVEL_PREDICTION;
	a.pred_flags |= NEXUS_PRED_F_ENABLED;
	ASSERT_EQ(0, set_config(self->fd, &a));
	for (t = 0; t < 300; t++) {
		ASSERT_EQ(0, read_records(self->fd, NEXUS_REC_FORECAST, f,
					  NEXUS_RECORDS_MAX, sizeof(f[0]), 0,
					  &r));
		if (r.count)
			break;
		nx_msleep(100);
	}
	ASSERT_LT(0, r.count) TH_LOG("no forecast after 30 s at prediction");
	EXPECT_EQ(r.total, r.count);
	for (i = 0; i < r.count; i++) {
		EXPECT_EQ(a.horizon_ms, f[i].horizon_ms);
		EXPECT_GT(NEXUS_FC_MODEL_COUNT, f[i].model);
		EXPECT_GE(1000, f[i].confidence);
		EXPECT_LE(f[i].lower, f[i].forecast) TH_LOG("%s", f[i].metric);
		EXPECT_GE(f[i].upper, f[i].forecast) TH_LOG("%s", f[i].metric);
		EXPECT_LT(0, f[i].samples);
		EXPECT_EQ(0, f[i].scored >> NEXUS_FC_MODEL_COUNT);
		EXPECT_EQ(0, f[i].__reserved);
		memcpy(name, f[i].metric, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		ASSERT_EQ(0, read_metric(self->fd, name, out, 0, 0, &mr))
			TH_LOG("%s", name);
		EXPECT_EQ(mr.id, f[i].metric_id);
	}
}

/* Without CAP_SYS_ADMIN: reading works, changing anything is -EPERM. */
TEST_F(dev, no_cap_sys_admin)
{
	struct nexus_config_args before, after;
	struct nexus_sample out[2];
	struct nexus_metric_read m;
	char name[40];
	int status;
	pid_t pid;

	snprintf(name, sizeof(name), "ksft.nocap_%d", getpid());
	ASSERT_EQ(0, get_config(self->fd, &before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		struct nexus_config_args a;
		struct nexus_sample_rec r;
		struct nexus_stats s = { .size = sizeof(s) };
		struct nexus_records rr;

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
			~CAP_TO_MASK(CAP_SYS_ADMIN);
		data[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &=
			~CAP_TO_MASK(CAP_SYS_ADMIN);
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		if (get_config(self->fd, &a))
			_exit(12);
		if (nx_ioctl(self->fd, NEXUS_IOC_GET_STATS, &s))
			_exit(13);
		if (read_records(self->fd, NEXUS_REC_METRIC, NULL, 0,
				 sizeof(struct nexus_metric_rec), 0, &rr) ||
		    !rr.total)
			_exit(19);
		a.level = other_level(a.level);
		if (set_config(self->fd, &a) != -EPERM)
			_exit(14);
		rec_set(&r, name, 1, 0);
		if (ingest(self->fd, &r, 1, sizeof(r), NULL) != -EPERM)
			_exit(15);
		/* Refused before looking at the argument. */
		if (nx_ioctl(self->fd, NEXUS_IOC_SET_CONFIG, NULL) != -EPERM)
			_exit(16);
		/* And a fresh open is refused by the 0600 node for nobody. */
		if (setuid(65534))
			_exit(17);
		if (open(NEXUS_DEV, O_RDWR) >= 0 || errno != EACCES)
			_exit(18);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, get_config(self->fd, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	EXPECT_EQ(-ENOENT, read_metric(self->fd, name, out, 2, 0, &m));
}

/* ---- the read()/poll() event stream ---- */

TEST_F(dev, stream_level_via_sysfs)
{
	unsigned int from = self->saved.level, to = other_level(from);
	struct pollfd pfd;
	struct nexus_event ev;
	char val[8];
	int fd;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	pfd.fd = fd;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	snprintf(val, sizeof(val), "%u", to);
	ASSERT_EQ(0, nx_write(NEXUS_SYSFS "/level", val));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(0, find_event(fd, NEXUS_EV_LEVEL, &ev));
	EXPECT_EQ(from, ev.arg0);
	EXPECT_EQ(to, ev.arg1);
	EXPECT_LT(0, ev.ts_ns);
	EXPECT_GE(nx_now_ns(), ev.ts_ns);
	close(fd);
}

TEST_F(dev, stream_level_via_set_config)
{
	struct nexus_config_args a = self->saved;
	struct nexus_event ev;
	int fd;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	a.level = other_level(a.level);
	ASSERT_EQ(0, set_config(self->fd, &a));
	ASSERT_EQ(0, find_event(fd, NEXUS_EV_LEVEL, &ev));
	EXPECT_EQ(self->saved.level, ev.arg0);
	EXPECT_EQ(a.level, ev.arg1);
	close(fd);
}

/* A new file sees only what happens after it was opened. */
TEST_F(dev, stream_starts_at_open)
{
	struct nexus_config_args a = self->saved;
	struct nexus_event ev;
	int fd;

	a.level = other_level(a.level);
	ASSERT_EQ(0, set_config(self->fd, &a));
	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EAGAIN, find_event(fd, NEXUS_EV_LEVEL, &ev));
	close(fd);
}

TEST_F(dev, stream_nonblock_and_short_read)
{
	struct nexus_event ev[2];
	char small[sizeof(struct nexus_event) - 1];
	int fd;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	EXPECT_EQ(-1, read(fd, ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, read(fd, small, sizeof(small)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, read(fd, small, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* Whole records only; a bad buffer faults without losing the event. */
TEST_F(dev, stream_records_and_fault)
{
	struct nexus_config_args a = self->saved;
	struct nexus_event ev[3];
	char odd[sizeof(ev[0]) * 2 + 5];
	ssize_t n;
	int fd;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	a.level = other_level(a.level);
	ASSERT_EQ(0, set_config(self->fd, &a));	/* LEVEL + CONFIG */
	a.level = self->saved.level;
	ASSERT_EQ(0, set_config(self->fd, &a));	/* LEVEL + CONFIG */

	EXPECT_EQ(-1, read(fd, unmapped_ptr(), sizeof(ev)));
	EXPECT_EQ(EFAULT, errno);
	/* The event that faulted is still there. */
	n = read(fd, odd, sizeof(odd));
	ASSERT_EQ(2 * sizeof(ev[0]), n);
	memcpy(ev, odd, n);
	EXPECT_EQ(NEXUS_EV_LEVEL, ev[0].type);
	EXPECT_EQ(self->saved.level, ev[0].arg0);
	EXPECT_LE(ev[0].ts_ns, ev[1].ts_ns);
	n = read(fd, ev, sizeof(ev));
	ASSERT_LT(0, n);
	EXPECT_EQ(0, n % sizeof(ev[0]));
	close(fd);
}

/*
 * A reader that falls behind by more than the ring (1024 events) skips to
 * the oldest event kept: it gets at most 1024, in order, ending with the
 * newest.
 */
TEST_F(dev, stream_overrun)
{
	struct nexus_config_args a = self->saved;
	struct nexus_event ev[64], last = { 0 };
	unsigned int i, total = 0;
	__u64 prev_ts = 0;
	ssize_t n;
	int fd;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	for (i = 0; i < 700; i++) {	/* LEVEL + CONFIG each: 1400 events */
		a.level = i % 2 ? self->saved.level :
				  other_level(self->saved.level);
		ASSERT_EQ(0, set_config(self->fd, &a));
	}
	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		ASSERT_EQ(0, n % sizeof(ev[0]));
		for (i = 0; i < n / sizeof(ev[0]); i++) {
			EXPECT_LE(prev_ts, ev[i].ts_ns);
			prev_ts = ev[i].ts_ns;
			last = ev[i];
		}
		total += n / sizeof(ev[0]);
	}
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_GE(1024, total);
	EXPECT_LE(1000, total);
	EXPECT_EQ(NEXUS_EV_CONFIG, last.type);
	close(fd);
}

/* A blocking read sleeps until an event comes. */
TEST_F(dev, stream_blocking_read)
{
	struct nexus_config_args a = self->saved;
	struct nexus_event ev;
	__u64 t0;
	pid_t pid;
	int fd, status;

	fd = open(NEXUS_DEV, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-EAGAIN, drain_events(fd));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		usleep(300000);
		a.level = other_level(a.level);
		_exit(set_config(self->fd, &a) ? 1 : 0);
	}
	t0 = nx_now_ns();
	do {
		ASSERT_EQ(sizeof(ev), read(fd, &ev, sizeof(ev)));
	} while (ev.type != NEXUS_EV_LEVEL);
	EXPECT_LE(200000000ULL, nx_now_ns() - t0);
	EXPECT_EQ(other_level(self->saved.level), ev.arg1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fd);
}

TEST_HARNESS_MAIN
