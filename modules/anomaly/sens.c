// SPDX-License-Identifier: GPL-2.0
/*
 * Per-metric sensitivity: the "metric_sensitivity" file.  A metric named
 * there scores with its own sensitivity instead of the "sensitivity"
 * knob's, so an operator can quieten a noisy metric (or sharpen a quiet
 * one) without touching the others.  Names are kept, not metric ids: an
 * override holds for a metric that does not exist yet, or that comes back
 * after its collector was switched off and on.
 *
 * sysfs stores and the tick's lookups meet under nxa_sens_lock (both run
 * in process context); the tick looks a metric up again only when
 * nxa_sens_gen moved, not on every tick.
 */
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "anomaly.h"

/**
 * struct nxa_sens - one override
 * @name: the metric's name
 * @value: its sensitivity, 0..1000
 */
struct nxa_sens {
	char name[NEXUS_NAME_LEN];
	u32 value;
};

static struct nxa_sens nxa_sens_tab[NXA_SENS_MAX];
static unsigned int nxa_sens_n;
static DEFINE_MUTEX(nxa_sens_lock);
atomic_t nxa_sens_gen = ATOMIC_INIT(0);

/* The entry of @name, or nxa_sens_n; under nxa_sens_lock. */
static unsigned int nxa_sens_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nxa_sens_n; i++)
		if (!strcmp(nxa_sens_tab[i].name, name))
			break;
	return i;
}

/**
 * nxa_sens_lookup() - the sensitivity override of a metric
 * @name: the metric's name
 *
 * Return: its sensitivity (0..1000), or -1 if it has none.
 */
int nxa_sens_lookup(const char *name)
{
	unsigned int i;
	int ret = -1;

	mutex_lock(&nxa_sens_lock);
	i = nxa_sens_find(name);
	if (i < nxa_sens_n)
		ret = nxa_sens_tab[i].value;
	mutex_unlock(&nxa_sens_lock);
	return ret;
}

static int nxa_sens_set(const char *name, u32 value)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&nxa_sens_lock);
	i = nxa_sens_find(name);
	if (i == nxa_sens_n) {
		if (nxa_sens_n == NXA_SENS_MAX) {
			ret = -ENOSPC;
			goto out;
		}
		strscpy(nxa_sens_tab[i].name, name, sizeof(nxa_sens_tab[i].name));
		nxa_sens_n++;
	}
	nxa_sens_tab[i].value = value;
	atomic_inc(&nxa_sens_gen);
out:
	mutex_unlock(&nxa_sens_lock);
	return ret;
}

static int nxa_sens_clear(const char *name)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&nxa_sens_lock);
	i = nxa_sens_find(name);
	if (i == nxa_sens_n) {
		ret = -ENOENT;
		goto out;
	}
	/* Keep the order they were set in: the file lists them so. */
	memmove(&nxa_sens_tab[i], &nxa_sens_tab[i + 1],
		(nxa_sens_n - i - 1) * sizeof(nxa_sens_tab[0]));
	nxa_sens_n--;
	atomic_inc(&nxa_sens_gen);
out:
	mutex_unlock(&nxa_sens_lock);
	return ret;
}

static ssize_t metric_sensitivity_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&nxa_sens_lock);
	for (i = 0; i < nxa_sens_n; i++)
		len += sysfs_emit_at(buf, len, "%s %u\n", nxa_sens_tab[i].name,
				     nxa_sens_tab[i].value);
	mutex_unlock(&nxa_sens_lock);
	return len;
}

/*
 * "<metric> <0..1000>" sets an override, "<metric> default" removes it.
 * -EINVAL for anything else (one field, three, a name the store would
 * refuse, a value that is not a number), -ERANGE above 1000, -ENOSPC when
 * NXA_SENS_MAX metrics have one, -ENOENT to remove one that is not there.
 */
static ssize_t metric_sensitivity_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t count)
{
	char line[NEXUS_NAME_LEN + 16], *p, *name, *val;
	u32 v;
	int ret;

	if (count >= sizeof(line))
		return -EINVAL;
	memcpy(line, buf, count);
	line[count] = '\0';
	p = strim(line);
	name = strsep(&p, " \t");
	if (!p)
		return -EINVAL;
	val = skip_spaces(p);
	if (!*val || strpbrk(val, " \t\n") || !nexus_metric_name_valid(name))
		return -EINVAL;
	if (!strcmp(val, "default")) {
		ret = nxa_sens_clear(name);
	} else {
		ret = kstrtou32(val, 10, &v);
		if (!ret && v > 1000)
			ret = -ERANGE;
		if (!ret)
			ret = nxa_sens_set(name, v);
	}
	return ret ? ret : count;
}

struct kobj_attribute nxa_sens_attr = __ATTR(metric_sensitivity, 0600,
					     metric_sensitivity_show,
					     metric_sensitivity_store);
