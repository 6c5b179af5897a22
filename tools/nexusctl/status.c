// SPDX-License-Identifier: GPL-2.0
/*
 * status.c - "nexusctl status", "nexusctl level", "nexusctl preset"
 *
 * Numbers come from /dev/nexus (NEXUS_IOC_VERSION, GET_STATS, GET_CONFIG);
 * what the ABI does not carry (preset, state reason, modules, collectors)
 * from sysfs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nexusctl.h"
#include "nx_dev.h"

struct nx_status {
	struct nexus_version ver;
	struct nexus_stats st;
	struct nexus_config_args cfg;
	char preset[32];
	char reason[256];
};

/* Read what status shows through the ioctls; 0 or an exit status. */
static int nx_status_read(struct nx_status *s)
{
	int fd, ret;

	memset(s, 0, sizeof(*s));
	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	s->ver.size = sizeof(s->ver);
	s->st.size = sizeof(s->st);
	s->cfg.size = sizeof(s->cfg);
	ret = nx_ioctl(fd, NEXUS_IOC_VERSION, &s->ver);
	if (!ret)
		ret = nx_ioctl(fd, NEXUS_IOC_GET_STATS, &s->st);
	if (!ret)
		ret = nx_ioctl(fd, NEXUS_IOC_GET_CONFIG, &s->cfg);
	close(fd);
	if (ret) {
		nx_err("reading the status from %s: %s", nx_dev_path,
		       strerror(-ret));
		return NX_EXIT_ERR;
	}
	if (nx_sysfs_read("preset", s->preset, sizeof(s->preset)) < 0)
		strcpy(s->preset, "unknown");
	if (nx_sysfs_read("state_reason", s->reason, sizeof(s->reason)) < 0)
		s->reason[0] = '\0';
	return 0;
}

static int nx_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* The names of the subdirectories of sysfs @rel, sorted; NULL-terminated. */
static char **nx_sysfs_dirs(const char *rel, int *n)
{
	char path[512];
	struct dirent *de;
	char **v = NULL;
	int len = 0;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof(path), "%s/%s", nx_sysfs_dir, rel);
	d = opendir(path);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (len + 2) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[len] = strdup(de->d_name);
		if (!v[len])
			break;
		len++;
		v[len] = NULL;
	}
	closedir(d);
	if (v)
		qsort(v, len, sizeof(*v), nx_name_cmp);
	*n = len;
	return v;
}

static void nx_free_names(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* Read sysfs "<dir>/<name>/<attr>" as a string ("" when absent). */
static void nx_attr(const char *dir, const char *name, const char *attr,
		    char *buf, size_t size)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "%s/%s/%s", dir, name, attr);
	if (nx_sysfs_read(rel, buf, size) < 0)
		buf[0] = '\0';
}

/**
 * nx_print_collectors() - the collectors of sysfs collectors/<name>
 * @json: as a JSON array on nx_jw, else as a table
 *
 * Return: the number of collectors.
 */
int nx_print_collectors(bool json)
{
	char en[16], att[16], err[16], rate[32], total[32], detail[128];
	char **names;
	int i, n;

	names = nx_sysfs_dirs("collectors", &n);
	if (json)
		nx_json_begin_array(&nx_jw);
	else
		printf("%-12s %-8s %-8s %-6s %10s %12s  %s\n", "COLLECTOR",
		       "ENABLED", "ATTACHED", "ERROR", "RATE/S", "TOTAL",
		       "DETAIL");
	for (i = 0; i < n; i++) {
		nx_attr("collectors", names[i], "enabled", en, sizeof(en));
		nx_attr("collectors", names[i], "attached", att, sizeof(att));
		nx_attr("collectors", names[i], "error", err, sizeof(err));
		nx_attr("collectors", names[i], "rate", rate, sizeof(rate));
		nx_attr("collectors", names[i], "total", total, sizeof(total));
		nx_attr("collectors", names[i], "detail", detail, sizeof(detail));
		if (json) {
			nx_json_begin_object(&nx_jw);
			nx_json_kstr(&nx_jw, "name", names[i]);
			nx_json_kbool(&nx_jw, "enabled", atoi(en) != 0);
			nx_json_kbool(&nx_jw, "attached", atoi(att) != 0);
			nx_json_ks64(&nx_jw, "error", atoll(err));
			nx_json_ku64(&nx_jw, "rate", strtoull(rate, NULL, 10));
			nx_json_ku64(&nx_jw, "total", strtoull(total, NULL, 10));
			nx_json_kstr(&nx_jw, "detail", detail);
			nx_json_end_object(&nx_jw);
		} else {
			printf("%-12s %-8s %-8s %-6s %10s %12s  %s\n", names[i],
			       atoi(en) ? "yes" : "no", atoi(att) ? "yes" : "no",
			       err, rate, total, detail[0] ? detail : "-");
		}
	}
	if (json)
		nx_json_end_array(&nx_jw);
	nx_free_names(names);
	return n;
}

static void nx_status_modules(bool json)
{
	char en[16], lvl[32], ticks[32];
	char **names;
	int i, n;

	names = nx_sysfs_dirs("modules", &n);
	if (json)
		nx_json_begin_array(&nx_jw);
	else
		printf("modules:     %s", n ? "" : "none\n");
	for (i = 0; i < n; i++) {
		nx_attr("modules", names[i], "enabled", en, sizeof(en));
		nx_attr("modules", names[i], "min_level", lvl, sizeof(lvl));
		nx_attr("modules", names[i], "ticks", ticks, sizeof(ticks));
		if (json) {
			nx_json_begin_object(&nx_jw);
			nx_json_kstr(&nx_jw, "name", names[i]);
			nx_json_kbool(&nx_jw, "enabled", atoi(en) != 0);
			nx_json_kstr(&nx_jw, "min_level", lvl);
			nx_json_ku64(&nx_jw, "ticks", strtoull(ticks, NULL, 10));
			nx_json_end_object(&nx_jw);
		} else {
			printf("%s%s (from %s%s)", i ? ", " : "", names[i], lvl,
			       atoi(en) ? "" : ", disabled");
		}
	}
	if (json)
		nx_json_end_array(&nx_jw);
	else if (n)
		putchar('\n');
	nx_free_names(names);
}

static void nx_status_json(const struct nx_status *s)
{
	const struct nexus_stats *st = &s->st;
	struct nx_json *j = &nx_jw;

	nx_json_begin_object(j);
	nx_json_name(j, "version");
	nx_json_begin_object(j);
	nx_json_kstr(j, "release", s->ver.release);
	nx_json_ku64(j, "abi_major", s->ver.abi_major);
	nx_json_ku64(j, "abi_minor", s->ver.abi_minor);
	nx_json_ku64(j, "module_abi", s->ver.module_abi);
	nx_json_end_object(j);
	nx_json_kstr(j, "state", nx_state_name(st->state));
	nx_json_kstr(j, "state_reason", s->reason);
	nx_json_ku64(j, "level", st->level);
	nx_json_kstr(j, "level_name", nx_level_name(st->level));
	nx_json_kstr(j, "preset", s->preset);
	nx_json_name(j, "memory");
	nx_json_begin_object(j);
	nx_json_ku64(j, "used", st->memory_used);
	nx_json_ku64(j, "budget", st->memory_budget);
	nx_json_end_object(j);
	nx_json_name(j, "cpu");
	nx_json_begin_object(j);
	nx_json_ku64(j, "used_ppm", st->cpu_used_ppm);
	nx_json_ku64(j, "budget_ppm", st->cpu_budget_ppm);
	nx_json_ku64(j, "budget_percent", s->cfg.cpu_budget_percent);
	nx_json_end_object(j);
	nx_json_name(j, "work");
	nx_json_begin_object(j);
	nx_json_ku64(j, "units_last_sec", st->work_units_last_sec);
	nx_json_ku64(j, "max_per_sec", s->cfg.max_decision_cycles);
	nx_json_ku64(j, "shed", st->work_shed);
	nx_json_end_object(j);
	nx_json_name(j, "events");
	nx_json_begin_object(j);
	nx_json_ku64(j, "pushed", st->events_pushed);
	nx_json_ku64(j, "dropped", st->events_dropped);
	nx_json_ku64(j, "drained", st->events_drained);
	nx_json_end_object(j);
	nx_json_ku64(j, "ticks", st->ticks);
	nx_json_ku64(j, "tick_ms", s->cfg.tick_ms);
	nx_json_ku64(j, "findings", st->findings);
	nx_json_ku64(j, "decisions", st->decisions);
	nx_json_ku64(j, "state_transitions", st->state_transitions);
	nx_json_ku64(j, "nr_modules", st->nr_modules);
	nx_json_name(j, "modules");
	nx_status_modules(true);
	nx_json_name(j, "collectors");
	nx_print_collectors(true);
	nx_json_end_object(j);
	nx_json_done(j);
}

static void nx_status_text(const struct nx_status *s)
{
	const struct nexus_stats *st = &s->st;

	printf("nexus %s (ABI %u.%u, module ABI %u)\n", s->ver.release,
	       s->ver.abi_major, s->ver.abi_minor, s->ver.module_abi);
	printf("state:       %s%s%s%s\n", nx_state_name(st->state),
	       s->reason[0] ? " (" : "", s->reason, s->reason[0] ? ")" : "");
	printf("level:       %u %s\n", st->level, nx_level_name(st->level));
	printf("preset:      %s\n", s->preset);
	printf("memory:      %llu KiB of %llu KiB\n",
	       (unsigned long long)st->memory_used >> 10,
	       (unsigned long long)st->memory_budget >> 10);
	printf("cpu:         %u.%04u%% of %u%% of one CPU\n",
	       st->cpu_used_ppm / 10000, st->cpu_used_ppm % 10000,
	       s->cfg.cpu_budget_percent);
	printf("work:        %llu units/s of %llu, %llu shed\n",
	       (unsigned long long)st->work_units_last_sec,
	       (unsigned long long)s->cfg.max_decision_cycles,
	       (unsigned long long)st->work_shed);
	printf("events:      %llu pushed, %llu dropped, %llu drained\n",
	       (unsigned long long)st->events_pushed,
	       (unsigned long long)st->events_dropped,
	       (unsigned long long)st->events_drained);
	printf("engine:      %llu ticks of %u ms, %llu findings, %llu decisions\n",
	       (unsigned long long)st->ticks, s->cfg.tick_ms,
	       (unsigned long long)st->findings,
	       (unsigned long long)st->decisions);
	nx_status_modules(false);
	putchar('\n');
	nx_print_collectors(false);
}

int nx_cmd_status(int argc, char **argv)
{
	struct nx_status s;
	int ret;

	(void)argv;
	if (argc > 1) {
		nx_usage_error("status", "unexpected argument '%s'", argv[1]);
		return NX_EXIT_USAGE;
	}
	ret = nx_status_read(&s);
	if (ret)
		return ret;
	if (nx_opt_json)
		nx_status_json(&s);
	else
		nx_status_text(&s);
	return nx_finish(NX_EXIT_OK);
}

/**
 * nx_report_set_error() - say why a SET_CONFIG or sysfs write was refused
 * @what: the knob
 * @value: the value refused
 * @err: -errno
 *
 * Return: NX_EXIT_ERR.
 */
int nx_report_set_error(const char *what, const char *value, int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		nx_err("%s: permission denied: changing NEXUS needs root",
		       what);
		break;
	case ERANGE:
		nx_err("%s: '%s' is out of range (ranges: Documentation/ABI/testing/sysfs-kernel-nexus)",
		       what, value);
		break;
	case EINVAL:
		nx_err("%s: '%s' is not a valid value", what, value);
		break;
	case EOPNOTSUPP:
		nx_err("%s: '%s' is not supported by this build of NEXUS",
		       what, value);
		break;
	default:
		nx_err("%s: %s", what, strerror(-err));
	}
	return NX_EXIT_ERR;
}

int nx_cmd_level(int argc, char **argv)
{
	struct nexus_config_args cfg = { .size = sizeof(cfg) };
	int fd, ret, level = -1;

	if (argc > 2) {
		nx_usage_error("level", "too many arguments");
		return NX_EXIT_USAGE;
	}
	if (argc == 2) {
		level = nx_level_parse(argv[1]);
		if (level < 0) {
			nx_usage_error("level", "unknown level '%s': expected 0..6 or a name",
				       argv[1]);
			return NX_EXIT_USAGE;
		}
	}
	fd = nx_open(O_RDONLY);
	if (fd < 0)
		return NX_EXIT_ERR;
	ret = nx_ioctl(fd, NEXUS_IOC_GET_CONFIG, &cfg);
	if (ret) {
		close(fd);
		nx_err("reading the config: %s", strerror(-ret));
		return NX_EXIT_ERR;
	}
	if (level >= 0) {
		cfg.size = sizeof(cfg);
		cfg.level = level;
		ret = nx_ioctl(fd, NEXUS_IOC_SET_CONFIG, &cfg);
		close(fd);
		if (ret)
			return nx_report_set_error("level", argv[1], ret);
		return NX_EXIT_OK;
	}
	close(fd);
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_ku64(&nx_jw, "level", cfg.level);
		nx_json_kstr(&nx_jw, "name", nx_level_name(cfg.level));
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	} else {
		printf("%u %s\n", cfg.level, nx_level_name(cfg.level));
	}
	return nx_finish(NX_EXIT_OK);
}

static const char * const nx_presets[] = { "default", "minimal", "full" };

int nx_cmd_preset(int argc, char **argv)
{
	char buf[32];
	int p, ret;

	if (argc > 2) {
		nx_usage_error("preset", "too many arguments");
		return NX_EXIT_USAGE;
	}
	if (argc == 2) {
		for (p = 0; p < (int)ARRAY_SIZE(nx_presets); p++)
			if (!strcmp(argv[1], nx_presets[p]))
				break;
		if (p == (int)ARRAY_SIZE(nx_presets)) {
			nx_usage_error("preset",
				       "unknown preset '%s': expected default, minimal or full",
				       argv[1]);
			return NX_EXIT_USAGE;
		}
	}
	if (!nx_core_loaded()) {
		nx_err("nexus_core is not loaded: run 'modprobe nexus_core' (or insmod nexus_core.ko)");
		return NX_EXIT_ERR;
	}
	if (argc == 2) {
		ret = nx_sysfs_write("preset", argv[1]);
		if (ret)
			return nx_report_set_error("preset", argv[1], ret);
		return NX_EXIT_OK;
	}
	ret = nx_sysfs_read("preset", buf, sizeof(buf));
	if (ret < 0) {
		nx_err("reading %s/preset: %s", nx_sysfs_dir, strerror(-ret));
		return NX_EXIT_ERR;
	}
	if (nx_opt_json) {
		nx_json_begin_object(&nx_jw);
		nx_json_kstr(&nx_jw, "preset", buf);
		nx_json_end_object(&nx_jw);
		nx_json_done(&nx_jw);
	} else {
		printf("%s\n", buf);
	}
	return nx_finish(NX_EXIT_OK);
}
