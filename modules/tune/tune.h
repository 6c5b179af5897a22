/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_tune internals: the knob table and its file I/O (knobs.c), the
 * hardware profile and adaptation rules (hw.c), bottleneck detection
 * (detect.c), experiments, the change log, sysfs and the ops (main.c), the
 * typed records of NEXUS_IOC_READ_RECORDS (records.c).
 *
 * All state is under nxt_lock: the tick, the dump, the records, heal's
 * callbacks and the module's exit take it, and read or write knob files
 * under it.  Lock order: the core's registry lock (held around tick and
 * dump) before nxt_lock, nxt_lock before the seq_file and kernfs locks of
 * the files it reads.  A sysfs handler never takes it: it runs its work
 * through nxt_call() (main.c).
 * Documentation/tune.rst describes the behaviour.
 */
#ifndef _NEXUS_TUNE_H
#define _NEXUS_TUNE_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/mutex.h>
#include <nexus/nexus.h>
#include "nx_stat.h"

extern const struct nexus_module_ops nxt_ops;
extern struct mutex nxt_lock;

int nxt_call(int (*fn)(void *arg), void *arg);

/* ---- knobs.c ---- */

#define NXT_DEVS		8
#define NXT_NAME_LEN		48
#define NXT_PATH_LEN		96
#define NXT_DISK_LEN		32

/*
 * Knob types: the seven vm sysctls, the five scheduler tunables of
 * /sys/kernel/debug/sched (each kernel has some of them: 6.1's CFS ones,
 * 6.12's EEVDF base_slice_ns, both migration_cost_ns), then the three
 * per-device queue files.
 * A disk's scheduler comes first among them: switching it resets
 * nr_requests, so it is restored before nr_requests is.
 */
enum nxt_type {
	NXT_SWAPPINESS,
	NXT_DIRTY_RATIO,
	NXT_DIRTY_BG_RATIO,
	NXT_DIRTY_EXPIRE,
	NXT_DIRTY_WRITEBACK,
	NXT_VFS_CACHE_PRESSURE,
	NXT_WATERMARK_SCALE,
	NXT_SCHED_LATENCY,
	NXT_SCHED_MIN_GRAN,
	NXT_SCHED_WAKEUP_GRAN,
	NXT_SCHED_BASE_SLICE,
	NXT_SCHED_MIGRATION_COST,
	NXT_IOSCHED,
	NXT_READ_AHEAD_KB,
	NXT_NR_REQUESTS,
	NXT_NR_TYPES,
};

#define NXT_NR_GLOBAL		NXT_IOSCHED
#define NXT_PER_DEV		(NXT_NR_TYPES - NXT_NR_GLOBAL)
#define NXT_NR_KNOBS		(NXT_NR_GLOBAL + NXT_PER_DEV * NXT_DEVS)

/*
 * The I/O scheduler knob's values: the index of the scheduler's name in
 * nxt_sched_names (knobs.c); a scheduler not in it reads as
 * NXT_SCHED_OTHER, outside the safe range, so NEXUS never touches it.
 */
enum nxt_sched {
	NXT_SCHED_NONE,
	NXT_SCHED_DEADLINE,
	NXT_SCHED_KYBER,
	NXT_SCHED_BFQ,
	NXT_SCHED_OTHER,
};

/**
 * struct nxt_type_def - a knob type: its file, safe range and step.
 * @name: sysfs name of its enable file ("vm.swappiness", "read_ahead_kb",
 *	"iosched", "sched.latency_ns").
 * @fmt: path of its file; per-device types take the disk name.  For a
 *	@dbg_u32 type, the file's name under /sys/kernel/debug/sched follows
 *	the last '/'.
 * @min: lowest value NEXUS ever writes.
 * @max: highest value NEXUS ever writes.
 * @step: additive step, or the factor when @mul (0: not stepped, only set
 *	by an adaptation rule).
 * @mul: the step multiplies (read_ahead_kb, nr_requests, the scheduler's).
 * @dbg_u32: a u32 of debugfs_create_u32() under debugfs' "sched"
 *	directory, accessed through its inode (knobs.c: nxt_dbg_u32()), not
 *	through the file, whose fops have no ->read_iter/->write_iter; a
 *	kernel without the file does not offer the knob.
 */
struct nxt_type_def {
	const char *name;
	const char *fmt;
	s64 min;
	s64 max;
	s64 step;
	bool mul;
	bool dbg_u32;
};

extern const struct nxt_type_def nxt_types[NXT_NR_TYPES];

/* Why a knob is not eligible (adaptation rules), or 0. */
enum nxt_inelig {
	NXT_ELIGIBLE = 0,
	NXT_INELIG_NO_SWAP,
	NXT_INELIG_RAMDISK,
	NXT_INELIG_NO_SCHED,
	NXT_INELIG_BYTES_MODE,
};

/**
 * struct nxt_knob - one knob instance (a sysctl, or a queue file of a disk).
 * @type: enum nxt_type.
 * @dev: index of its disk in nxt_devs, or -1.
 * @used: the slot holds a knob.
 * @present: its file was readable at the last read.
 * @name: "vm.swappiness" or "nullb0.read_ahead_kb".
 * @path: its file.
 * @min: the safe range (an adaptation rule may narrow the type's).
 * @max: see @min.
 * @inelig: enum nxt_inelig: an adaptation rule made it ineligible.
 * @cur: value at the last read.
 * @changed: NEXUS wrote it and has not restored it.
 * @orig: the value before NEXUS's first change (restored on rmmod).
 * @written: the last value NEXUS wrote.
 * @admin: someone else changed it after NEXUS did: left alone until
 *	its type is enabled again.
 * @in_exp: an experiment is running on it.
 * @fails: experiments on it that did not help, in a row.
 * @backoff_until_ns: no experiment on it before this.
 * @out_of_range: its value is outside the safe range (never touched).
 * @last_change_ns: when NEXUS last wrote it.
 * @proposed: the value last proposed (below autonomous).
 * @proposed_ns: when; the same proposal is not repeated within 30 s.
 * @target: the value an adaptation rule chose for it, or -1 (iosched).
 * @adapted: NEXUS set it to @target; not again until its type is
 *	enabled again (so that "rollback" stays rolled back).
 */
struct nxt_knob {
	u8 type;
	s8 dev;
	bool used;
	bool present;
	char name[NXT_NAME_LEN];
	char path[NXT_PATH_LEN];
	s64 min;
	s64 max;
	u8 inelig;
	s64 cur;
	bool changed;
	s64 orig;
	s64 written;
	bool admin;
	bool in_exp;
	u32 fails;
	u64 backoff_until_ns;
	bool out_of_range;
	u64 last_change_ns;
	s64 proposed;
	u64 proposed_ns;
	s64 target;
	bool adapted;
};

/* Disk kinds of the hardware profile. */
enum nxt_disk_kind {
	NXT_DISK_ROTATIONAL,
	NXT_DISK_SSD,
	NXT_DISK_NVME,
	NXT_DISK_VIRTIO,
	NXT_DISK_VIRTUAL,
	NXT_DISK_RAM,
};

/**
 * struct nxt_dev - a block device NEXUS knows.
 * @used: the slot holds a disk.
 * @gone: its files disappeared; the slot is reused if it comes back.
 * @name: its name under /sys/block.
 * @metric: its name in the block collector's metrics (blk.<metric>.*).
 * @kind: enum nxt_disk_kind.
 * @has_sched: it has an I/O scheduler (not "none").
 * @scheds: the schedulers it offers, a mask of BIT(enum nxt_sched), at the
 *	last read of its scheduler knob.
 */
struct nxt_dev {
	bool used;
	bool gone;
	char name[NXT_DISK_LEN];
	char metric[NXT_DISK_LEN];
	u8 kind;
	bool has_sched;
	u8 scheds;
};

extern struct nxt_knob nxt_knobs[NXT_NR_KNOBS];
extern struct nxt_dev nxt_devs[NXT_DEVS];
extern bool nxt_type_enabled[NXT_NR_TYPES];

int nxt_file_read(const char *path, char *buf, size_t size);
int nxt_read_s64(const char *path, s64 *val);
int nxt_write_s64(const char *path, s64 val);
int nxt_knob_read(struct nxt_knob *k);
int nxt_knob_write(const struct nxt_knob *k, s64 val);
const char *nxt_sched_name(s64 v);
s64 nxt_knob_next(const struct nxt_knob *k, int dir);
void nxt_knobs_init(void);
bool nxt_type_present(enum nxt_type type);
int nxt_devs_scan(void);
struct nxt_knob *nxt_dev_knob(int dev, enum nxt_type type);
const char *nxt_disk_kind_name(u8 kind);
const char *nxt_inelig_name(u8 why);
extern char nxt_off_disks[NXT_DEVS][NXT_DISK_LEN];
bool nxt_disk_off(int dev);
bool nxt_knob_enabled(const struct nxt_knob *k);

/* ---- hw.c ---- */

/**
 * struct nxt_hw - HwProfile, detected at load.
 * @cpus: online CPUs.
 * @smt: threads per core (1 without SMT).
 * @numa_nodes: online NUMA nodes.
 * @cache_line: cache line size, bytes.
 * @llc_kb: last-level cache size, kB (0 when unknown).
 * @mem_mb: RAM, MB.
 * @swap: swap is configured.
 * @pmu: the CPU has an architectural PMU.
 * @hypervisor: hypervisor name, "none" on bare metal.
 */
struct nxt_hw {
	u32 cpus;
	u32 smt;
	u32 numa_nodes;
	u32 cache_line;
	u32 llc_kb;
	u64 mem_mb;
	bool swap;
	bool pmu;
	char hypervisor[16];
};

extern struct nxt_hw nxt_hw;

void nxt_hw_detect(void);
void nxt_rules_apply(struct nxt_knob *k);
void nxt_hw_dump(struct seq_file *m);
extern const struct attribute_group nxt_hw_group;

/* ---- detect.c ---- */

/*
 * Bottleneck kinds: the global ones, then the per-disk ones
 * (NXT_BN_GLOBAL_NR on); a global kind's slot in nxt_bns is its value.
 */
enum nxt_bn_kind {
	NXT_BN_CPU_SATURATION,
	NXT_BN_SCHED_LATENCY,
	NXT_BN_MEMORY_RECLAIM,
	NXT_BN_WRITEBACK,
	NXT_BN_LOAD_IMBALANCE,
	NXT_BN_IO_SMALL_REQUESTS,
	NXT_BN_IO_QUEUEING,
	NXT_BN_NR,
};

/**
 * struct nxt_targets - PerfTargets: a bottleneck is a missed target.
 * @cpu_util_permille: CPU busy above this ...
 * @cpu_psi_permille: ... with tasks waiting for a CPU above this.
 * @cpu_imbalance_permille: the busiest CPU's utilisation minus the idlest's
 *	above this, with tasks waiting for a CPU (@cpu_psi_permille).
 * @runq_latency_us: mean run-queue wait above this.
 * @mem_psi_permille: memory stall share above this ...
 * @reclaim_stalls: ... or direct reclaims per second above this.
 * @io_psi_permille: I/O stall share above this.
 * @blk_latency_us: mean block request latency above this.
 */
struct nxt_targets {
	u32 cpu_util_permille;
	u32 cpu_psi_permille;
	u32 cpu_imbalance_permille;
	u32 runq_latency_us;
	u32 mem_psi_permille;
	u32 reclaim_stalls;
	u32 io_psi_permille;
	u32 blk_latency_us;
};

extern struct nxt_targets nxt_targets;

/**
 * struct nxt_bn - one bottleneck being seen.
 * @active: seen at the last evaluation.
 * @kind: enum nxt_bn_kind.
 * @dev: the disk for the I/O kinds, else -1.
 * @since_ns: first seen (of this run of evaluations).
 * @last_ns: last seen.
 * @seen: consecutive evaluations it was seen in.
 * @confidence: per-mille.
 * @evidence: the metric values that show it.
 */
struct nxt_bn {
	bool active;
	u8 kind;
	s8 dev;
	u64 since_ns;
	u64 last_ns;
	u32 seen;
	u32 confidence;
	char evidence[NEXUS_REASON_LEN];
};

/*
 * Slots: the global kinds (slot = kind), then two per disk (small
 * requests, queueing): disk i's are NXT_BN_GLOBAL_NR + 2 * i and the next.
 */
#define NXT_BN_GLOBAL_NR	NXT_BN_IO_SMALL_REQUESTS
#define NXT_BNS		(NXT_BN_GLOBAL_NR + 2 * NXT_DEVS)
static_assert(NXT_BN_GLOBAL_NR + 2 == NXT_BN_NR,
	      "per-disk bottleneck kinds: two, after the global ones");

extern struct nxt_bn nxt_bns[NXT_BNS];

const char *nxt_bn_name(u8 kind);
void nxt_detect(u64 now_ns, u64 period_ns);
int nxt_bn_action(const struct nxt_bn *b, struct nxt_knob **knob, int *dir,
		  char *metric, size_t len, int *better);
void nxt_bn_dump(struct seq_file *m);

/* ---- main.c: the change log, the experiments, restoring ---- */

enum nxt_op {
	NXT_OP_CHANGE,		/* a step applied (an experiment) */
	NXT_OP_PROPOSAL,	/* a step the level did not allow */
	NXT_OP_REFUSED,		/* a step refused (budget) or failed */
	NXT_OP_RESTORE,		/* a knob set back by NEXUS */
	NXT_OP_ADMIN,		/* someone else changed a knob NEXUS had */
	NXT_OP_GONE,		/* the disk of a changed knob went away */
};

/**
 * struct nxt_change - one record of the change log.
 * @seq: sequence number, from 1.
 * @ts_ns: when.
 * @decision: the audit log's decision id, or 0.
 * @op: enum nxt_op.
 * @outcome: the decision's enum nexus_decision_outcome.
 * @knob: the knob.
 * @old: its value before.
 * @new: its value after (or proposed).
 * @result: for a change: pending, kept, rolled_back, inconclusive,
 *	admin_override, disabled, rollback, healed, unloaded; else what
 *	happened.
 * @welch: the test that judged a change (valid when @judged).
 * @judged: @welch is set.
 * @bn: a change: the bottleneck kind it addressed.
 * @dev: a change: the bottleneck's disk, or -1.
 * @better: a change: +1 if a larger @metric is better, -1 if smaller.
 * @metric: a change: the metric it was judged by.
 * @evidence: the bottleneck and its evidence, or why.
 */
struct nxt_change {
	u64 seq;
	u64 ts_ns;
	u64 decision;
	u8 op;
	u8 outcome;
	char knob[NXT_NAME_LEN];
	s64 old;
	s64 new;
	const char *result;
	struct nx_welch welch;
	bool judged;
	u8 bn;
	s8 dev;
	s8 better;
	char metric[NEXUS_NAME_LEN];
	char evidence[NEXUS_REASON_LEN];
};

#define NXT_LOG_LEN	64

extern u64 nxt_log_seq;
extern u32 nxt_window;
extern u32 nxt_min_gain;
extern u64 nxt_period_ns;

struct nxt_change *nxt_log_find(u64 seq);
int nxt_restore(struct nxt_knob *k, s64 v, const char *why);
void nxt_knob_exp_end(int knob, const char *result);

#define NXT_EXPS	4
#define NXT_WIN_MAX	32

/**
 * struct nxt_exp - a change being evaluated.
 * @active: running.
 * @knob: index in nxt_knobs.
 * @bn: the bottleneck kind it addresses.
 * @metric: the metric judged.
 * @better: +1 if a larger @metric is better, -1 if smaller.
 * @from: the knob's value before.
 * @to: the value written.
 * @t_apply: when it was written.
 * @log_seq: its change record.
 * @nb: samples in @before.
 * @before: the window before the change.
 */
struct nxt_exp {
	bool active;
	int knob;
	u8 bn;
	char metric[NEXUS_NAME_LEN];
	int better;
	s64 from;
	s64 to;
	u64 t_apply;
	u64 log_seq;
	u32 nb;
	s64 before[NXT_WIN_MAX];
};

void nxt_knobs_refresh(void);
const struct nxt_change *nxt_log_get(u64 i);
const struct nxt_exp *nxt_exp_get(unsigned int i);

/* ---- records.c: NEXUS_IOC_READ_RECORDS ---- */
int nxt_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total);

/* ---- heal.c: tune as a component healed by nexus_heal ---- */

int nxt_heal_register(void);
void nxt_heal_unregister(void);
void nxt_heal_dump(struct seq_file *m);

#endif /* _NEXUS_TUNE_H */
