/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nx_dev.h - access to a running NEXUS: /dev/nexus and sysfs,
 * and the names of the ABI's enums.  Shared by nexusctl and nexusd.
 */
#ifndef _NX_DEV_H
#define _NX_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/nexus.h>

/*
 * Where NEXUS lives; overridden for tests by the environment variables
 * NEXUS_DEV and NEXUS_SYSFS.
 */
extern const char *nx_dev_path;
extern const char *nx_sysfs_dir;

/* The program name used in messages ("nexusctl", "nexusd"). */
extern const char *nx_prog;

void nx_paths_init(const char *prog);
void nx_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when nexus_core is loaded (its sysfs directory exists). */
bool nx_core_loaded(void);
/* True when the pluggable module @name is registered. */
bool nx_module_loaded(const char *name);
/*
 * nx_open() - open /dev/nexus, or print why not (module not loaded,
 * permission) and return -1.
 */
int nx_open(int flags);
/* ioctl() returning 0 or -errno. */
int nx_ioctl(int fd, unsigned long req, void *arg);

/* Read a file into @buf, NUL-terminated, trailing newline cut: len or -errno. */
int nx_read_file(const char *path, char *buf, size_t size);
/* Write @val to a file in one write(): 0 or -errno. */
int nx_write_file(const char *path, const char *val);
/* The same under the sysfs directory, @rel relative to it. */
int nx_sysfs_read(const char *rel, char *buf, size_t size);
int nx_sysfs_write(const char *rel, const char *val);

const char *nx_level_name(unsigned int level);
/* A level from a number or a name: 0..6, or -1. */
int nx_level_parse(const char *s);
const char *nx_state_name(unsigned int state);
const char *nx_decision_name(unsigned int kind);
const char *nx_outcome_name(unsigned int outcome);
const char *nx_prediction_name(unsigned int kind);
const char *nx_action_name(unsigned int action);
const char *nx_class_name(unsigned int class);
const char *nx_event_name(unsigned int type);
int nx_event_parse(const char *s);
/* Names of the enums of the typed records ("unknown" out of range). */
const char *nx_record_kind_name(unsigned int kind);
const char *nx_strategy_name(unsigned int s);
const char *nx_plan_status_name(unsigned int status);
const char *nx_step_outcome_name(unsigned int outcome);
const char *nx_skip_name(unsigned int why);
const char *nx_eligibility_name(unsigned int why);
const char *nx_tune_op_name(unsigned int op);
const char *nx_posture_type_name(unsigned int type);
const char *nx_posture_reason_name(unsigned int reason);
const char *nx_posture_result_name(unsigned int result);
const char *nx_threat_name(unsigned int level);

/*
 * nx_read_findings() - every finding kept, oldest first, in a malloc'ed
 * array; *@n gets the count.  Returns 0 or -errno.
 */
int nx_read_findings(int fd, struct nexus_finding **out, size_t *n);
/* nx_read_decisions() - the same for the decision audit log, after @cursor. */
int nx_read_decisions(int fd, uint64_t cursor, struct nexus_decision **out,
		      size_t *n);

/*
 * nx_read_records() - every record of @kind (NEXUS_IOC_READ_RECORDS) in a
 * malloc'ed array of records @rec_size apart; *@n gets the count.  Returns
 * 0 or -errno: -ENODEV while the module providing @kind is not loaded,
 * -EINVAL from a kernel that does not know @kind.
 */
int nx_read_records(int fd, unsigned int kind, size_t rec_size, void **out,
		    size_t *n);

#endif /* _NX_DEV_H */
