// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - "nexusctl config get|set|list": one field of NexusConfig
 *
 * Keys are the sysfs names under /sys/kernel/nexus, with '.' or '/' between
 * group and field (prediction.horizon_ms).  Values are read and written as
 * a whole struct nexus_config_args through NEXUS_IOC_GET_CONFIG and
 * NEXUS_IOC_SET_CONFIG, so the kernel validates every change against the
 * whole config and refuses it without changing anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexusctl.h"
#include "nx_dev.h"

enum nx_key_type { NX_KEY_NUM, NX_KEY_FLAG, NX_KEY_LEVEL };

struct nx_cfg_key {
	const char *key;
	enum nx_key_type type;
	size_t off;
	unsigned int size;	/* 4 or 8 */
	uint32_t bit;		/* NX_KEY_FLAG */
};

#define NX_OFF(f)		offsetof(struct nexus_config_args, f)
#define NX_NUM(k, f)		{ k, NX_KEY_NUM, NX_OFF(f), 4, 0 }
#define NX_NUM64(k, f)		{ k, NX_KEY_NUM, NX_OFF(f), 8, 0 }
#define NX_FLAG(k, f, b)	{ k, NX_KEY_FLAG, NX_OFF(f), 4, b }

static const struct nx_cfg_key nx_keys[] = {
	{ "level", NX_KEY_LEVEL, NX_OFF(level), 4, 0 },
	NX_NUM("cpu_budget_percent", cpu_budget_percent),
	NX_NUM64("memory_budget", memory_budget),
	NX_NUM64("max_decision_cycles", max_decision_cycles),
	NX_NUM("event_queue_size", event_queue_size),
	NX_NUM("tick_ms", tick_ms),
	NX_FLAG("prediction.enabled", pred_flags, NEXUS_PRED_F_ENABLED),
	NX_NUM64("prediction.horizon_ms", horizon_ms),
	NX_NUM("prediction.min_confidence", min_confidence),
	NX_FLAG("prediction.detect_degradation", pred_flags,
		NEXUS_PRED_F_DEGRADATION),
	NX_FLAG("prediction.detect_memory_leaks", pred_flags,
		NEXUS_PRED_F_MEMORY_LEAKS),
	NX_FLAG("prediction.predict_deadlocks", pred_flags,
		NEXUS_PRED_F_DEADLOCKS),
	NX_FLAG("healing.enabled", heal_flags, NEXUS_HEAL_F_ENABLED),
	NX_FLAG("healing.enable_micro_rollback", heal_flags,
		NEXUS_HEAL_F_MICRO_ROLLBACK),
	NX_FLAG("healing.enable_reconstruction", heal_flags,
		NEXUS_HEAL_F_RECONSTRUCTION),
	NX_FLAG("healing.enable_substitution", heal_flags,
		NEXUS_HEAL_F_SUBSTITUTION),
	NX_FLAG("healing.enable_quarantine", heal_flags,
		NEXUS_HEAL_F_QUARANTINE),
	NX_NUM("healing.max_rollback_depth", max_rollback_depth),
	NX_NUM64("healing.checkpoint_interval_ms", checkpoint_interval_ms),
	NX_NUM("healing.max_healing_attempts", max_healing_attempts),
	NX_NUM64("healing.healing_timeout_ms", healing_timeout_ms),
	NX_FLAG("tracing.sched", trace_flags, NEXUS_TRACE_SCHED),
	NX_FLAG("tracing.memory", trace_flags, NEXUS_TRACE_MEMORY),
	NX_FLAG("tracing.block", trace_flags, NEXUS_TRACE_BLOCK),
	NX_FLAG("tracing.perf", trace_flags, NEXUS_TRACE_PERF),
	NX_NUM("tracing.sample_period_ms", sample_period_ms),
	NX_NUM("chaos.enabled", chaos_enabled),
	NX_NUM("chaos.rate_permille", chaos_rate_permille),
	NX_NUM("chaos.targets", chaos_targets),
	NX_NUM64("chaos.seed", chaos_seed),
	NX_FLAG("performance.enable_simd", perf_flags, NEXUS_PERF_SIMD),
	NX_FLAG("performance.enable_lockfree", perf_flags,
		NEXUS_PERF_LOCKFREE),
	NX_FLAG("performance.enable_branch_hints", perf_flags,
		NEXUS_PERF_BRANCH_HINTS),
	NX_FLAG("performance.enable_prefetch", perf_flags,
		NEXUS_PERF_PREFETCH),
	NX_FLAG("performance.numa_aware", perf_flags, NEXUS_PERF_NUMA_AWARE),
	NX_NUM("performance.cache_line_size", cache_line_size),
	NX_NUM("performance.max_cores", max_cores),
};

/* The key for @name, with '/' taken as '.'; NULL if unknown. */
static const struct nx_cfg_key *nx_key_find(const char *name)
{
	char buf[64];
	size_t i;

	if (strlen(name) >= sizeof(buf))
		return NULL;
	for (i = 0; name[i]; i++)
		buf[i] = name[i] == '/' ? '.' : name[i];
	buf[i] = '\0';
	for (i = 0; i < ARRAY_SIZE(nx_keys); i++)
		if (!strcmp(buf, nx_keys[i].key))
			return &nx_keys[i];
	return NULL;
}

static unsigned long long nx_key_get(const struct nx_cfg_key *k,
				     const struct nexus_config_args *c)
{
	const char *p = (const char *)c + k->off;
	uint32_t v32;
	unsigned long long v64;

	if (k->size == 8) {
		memcpy(&v64, p, 8);
		return v64;
	}
	memcpy(&v32, p, 4);
	if (k->type == NX_KEY_FLAG)
		return !!(v32 & k->bit);
	return v32;
}

static void nx_key_set(const struct nx_cfg_key *k,
		       struct nexus_config_args *c, unsigned long long v)
{
	char *p = (char *)c + k->off;
	uint32_t v32;

	if (k->size == 8) {
		memcpy(p, &v, 8);
		return;
	}
	if (k->type == NX_KEY_FLAG) {
		memcpy(&v32, p, 4);
		v32 = v ? v32 | k->bit : v32 & ~k->bit;
	} else {
		v32 = (uint32_t)v;
	}
	memcpy(p, &v32, 4);
}

/*
 * Parse a value for @k: 0/1/on/off/yes/no/true/false for flags, a level
 * name or number for level, else an unsigned number (decimal, 0x hex) with
 * an optional binary suffix k, m, g.  0 or -1.
 */
static int nx_key_parse(const struct nx_cfg_key *k, const char *s,
			unsigned long long *out)
{
	static const char * const on[] = { "1", "on", "yes", "true" };
	static const char * const off[] = { "0", "off", "no", "false" };
	unsigned long long v;
	char *end;
	size_t i;

	if (k->type == NX_KEY_LEVEL) {
		int l = nx_level_parse(s);

		if (l < 0)
			return -1;
		*out = l;
		return 0;
	}
	if (k->type == NX_KEY_FLAG) {
		for (i = 0; i < ARRAY_SIZE(on); i++) {
			if (!strcmp(s, on[i])) {
				*out = 1;
				return 0;
			}
			if (!strcmp(s, off[i])) {
				*out = 0;
				return 0;
			}
		}
		return -1;
	}
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	if (*end && !end[1]) {
		unsigned int shift = 0;

		switch (*end) {
		case 'k': case 'K':
			shift = 10;
			break;
		case 'm': case 'M':
			shift = 20;
			break;
		case 'g': case 'G':
			shift = 30;
			break;
		default:
			return -1;
		}
		if (v > (~0ULL >> shift))
			return -1;
		v <<= shift;
		end++;
	}
	if (*end)
		return -1;
	if (k->size == 4 && v > 0xffffffffULL)
		return -1;
	*out = v;
	return 0;
}

static int nx_config_read(int fd, struct nexus_config_args *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	ret = nx_ioctl(fd, NEXUS_IOC_GET_CONFIG, c);
	if (ret)
		nx_err("reading the config: %s", strerror(-ret));
	return ret;
}

static void nx_key_print(const struct nx_cfg_key *k,
			 const struct nexus_config_args *c, bool one)
{
	unsigned long long v = nx_key_get(k, c);

	if (nx_opt_json) {
		nx_json_name(&nx_jw, k->key);
		if (k->type == NX_KEY_FLAG)
			nx_json_bool(&nx_jw, v);
		else
			nx_json_u64(&nx_jw, v);
	} else if (one) {
		printf("%llu\n", v);
	} else {
		printf("%-34s %llu\n", k->key, v);
	}
}

static int nx_config_get(int argc, char **argv)
{
	const struct nx_cfg_key *k = NULL;
	struct nexus_config_args c;
	size_t i;
	int fd;

	if (argc > 3) {
		nx_usage_error("config", "get takes at most one key");
		return NX_EXIT_USAGE;
	}
	if (argc == 3) {
		k = nx_key_find(argv[2]);
		if (!k) {
			nx_usage_error("config",
				       "unknown key '%s' ('nexusctl config list' lists them)",
				       argv[2]);
			return NX_EXIT_USAGE;
		}
	}
	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	if (nx_config_read(fd, &c)) {
		close(fd);
		return NX_EXIT_ERR;
	}
	close(fd);
	if (nx_opt_json)
		nx_json_begin_object(&nx_jw);
	if (k) {
		nx_key_print(k, &c, true);
	} else {
		for (i = 0; i < ARRAY_SIZE(nx_keys); i++)
			nx_key_print(&nx_keys[i], &c, false);
	}
	if (nx_opt_json) {
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	}
	return nx_finish(NX_EXIT_OK);
}

static int nx_config_set(int argc, char **argv)
{
	const struct nx_cfg_key *k;
	struct nexus_config_args c;
	unsigned long long v;
	int fd, ret;

	if (argc != 4) {
		nx_usage_error("config", "set needs a key and a value");
		return NX_EXIT_USAGE;
	}
	k = nx_key_find(argv[2]);
	if (!k) {
		nx_usage_error("config",
			       "unknown key '%s' ('nexusctl config list' lists them)",
			       argv[2]);
		return NX_EXIT_USAGE;
	}
	if (nx_key_parse(k, argv[3], &v)) {
		nx_usage_error("config", "%s: bad value '%s': expected %s",
			       k->key, argv[3],
			       k->type == NX_KEY_FLAG ? "0 or 1" :
			       k->type == NX_KEY_LEVEL ? "0..6 or a level name" :
			       "an unsigned number (suffix k, m or g allowed)");
		return NX_EXIT_USAGE;
	}
	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	if (nx_config_read(fd, &c)) {
		close(fd);
		return NX_EXIT_ERR;
	}
	nx_key_set(k, &c, v);
	c.size = sizeof(c);
	ret = nx_ioctl(fd, NEXUS_IOC_SET_CONFIG, &c);
	close(fd);
	if (ret)
		return nx_report_set_error(k->key, argv[3], ret);
	return NX_EXIT_OK;
}

static int nx_config_list(void)
{
	size_t i;

	if (nx_opt_json)
		nx_json_begin_array(&nx_jw);
	for (i = 0; i < ARRAY_SIZE(nx_keys); i++) {
		const char *t = nx_keys[i].type == NX_KEY_FLAG ? "bool" :
				nx_keys[i].type == NX_KEY_LEVEL ? "level" :
				nx_keys[i].size == 8 ? "u64" : "u32";

		if (nx_opt_json) {
			nx_json_begin_object(&nx_jw);
			nx_json_kstr(&nx_jw, "key", nx_keys[i].key);
			nx_json_kstr(&nx_jw, "type", t);
			nx_json_end_object(&nx_jw);
		} else {
			printf("%-34s %s\n", nx_keys[i].key, t);
		}
	}
	if (nx_opt_json) {
		nx_json_end_array(&nx_jw);
		nx_json_done(&nx_jw);
	}
	return nx_finish(NX_EXIT_OK);
}

int nx_cmd_config(int argc, char **argv)
{
	static const char * const subs[] = { "get", "set", "list" };
	int s;

	if (argc < 2) {
		nx_usage_error("config", "missing get, set or list");
		return NX_EXIT_USAGE;
	}
	s = nx_match_word(argv[1], subs, ARRAY_SIZE(subs));
	switch (s) {
	case 0:
		return nx_config_get(argc, argv);
	case 1:
		return nx_config_set(argc, argv);
	case 2:
		if (argc > 2) {
			nx_usage_error("config", "list takes no argument");
			return NX_EXIT_USAGE;
		}
		return nx_config_list();
	}
	nx_usage_error("config", "unknown subcommand '%s'", argv[1]);
	return NX_EXIT_USAGE;
}
