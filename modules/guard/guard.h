/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nexus_guard: live security posture (posture.c, the check table in
 * checks.c), drift, and threat detection (probes.c).  All module state is
 * touched from the core's callbacks (tick, dump, sysfs stores through the
 * engine's serialisation) unless said otherwise.  Documentation/guard.rst.
 */
#ifndef _NEXUS_GUARD_H
#define _NEXUS_GUARD_H

#include <linux/types.h>
#include <nexus/nexus.h>

struct seq_file;

/*
 * ThreatLevel: syslog's eight severities, 0 the most severe.  "Raising"
 * the threat level moves it towards 0; NXG_LVL_NONE (debug) means nothing
 * to report.
 */
enum nxg_level {
	NXG_LVL_EMERG = 0,
	NXG_LVL_ALERT,
	NXG_LVL_CRIT,
	NXG_LVL_ERR,
	NXG_LVL_WARNING,
	NXG_LVL_NOTICE,
	NXG_LVL_INFO,
	NXG_LVL_NONE,
};

const char *nxg_level_name(unsigned int level);

/* Reason classes of a posture check (kernel-hardening-checker's). */
enum nxg_class {
	NXG_CL_SELF_PROTECTION,
	NXG_CL_ATTACK_SURFACE,
	NXG_CL_USERSPACE,
	NXG_CL_NETWORK,
	NXG_CL_COUNT,
};

/* How a check reads its current value. */
enum nxg_src {
	NXG_SRC_SYSCTL,		/* integer file under /proc/sys */
	NXG_SRC_CMDLINE,	/* a token of /proc/cmdline must be absent */
	NXG_SRC_KCONFIG,	/* IS_ENABLED() of the build config */
	NXG_SRC_LOCKDOWN,	/* security_locked_down() */
	NXG_SRC_SIG_ENFORCE,	/* is_module_sig_enforced() */
	NXG_SRC_TAINT,		/* /proc/sys/kernel/tainted, minus O and E */
	NXG_SRC_CPU,		/* a CR0/CR4 bit on every online CPU */
	NXG_SRC_VULN,		/* /sys/devices/system/cpu/vulnerabilities/ */
};

/* The control-register bits NXG_SRC_CPU checks. */
enum nxg_cr {
	NXG_CR_WP = 1,
	NXG_CR_SMEP,
	NXG_CR_SMAP,
	NXG_CR_UMIP,
	NXG_CR_COUNT,
};

/* Comparison of a sysctl with its recommended value. */
enum nxg_cmp {
	NXG_EQ,
	NXG_GE,
};

/* Result of one evaluation. */
enum nxg_result {
	NXG_RES_UNKNOWN,	/* not evaluated yet */
	NXG_RES_PASS,
	NXG_RES_FAIL,
	NXG_RES_ABSENT,		/* not on this kernel: not scored */
	NXG_RES_ERROR,		/* could not be read: not scored */
};

/**
 * struct nxg_check - one posture check (const).
 * @name: e.g. "kernel.kptr_restrict"; sysctls use their sysctl name.
 * @path: the file read (sysctls, the taint), or NULL.
 * @src: enum nxg_src.
 * @cls: enum nxg_class.
 * @cmp: enum nxg_cmp, for sysctls.
 * @want: the recommended value (sysctls; CPU: the bit).
 * @kconfig: the build's value, for NXG_SRC_KCONFIG.
 * @want_str: the recommendation as shown.
 * @source: who recommends it.
 * @care: what the recommendation breaks, or NULL.
 */
struct nxg_check {
	const char *name;
	const char *path;
	u8 src;
	u8 cls;
	u8 cmp;
	bool kconfig;
	s64 want;
	const char *want_str;
	const char *source;
	const char *care;
};

#define NXG_CUR_LEN	48

/**
 * struct nxg_state - the live state of one check.
 * @result: enum nxg_result of the last evaluation.
 * @cur: the current value as read.
 * @drift_id: the open drift finding, or 0.
 * @drift_level: its ThreatLevel.
 */
struct nxg_state {
	u8 result;
	char cur[NXG_CUR_LEN];
	u64 drift_id;
	u8 drift_level;
};

extern const struct nxg_check nxg_checks[];
extern const unsigned int nxg_nr_checks;
extern struct nxg_state *nxg_states;
extern const struct nexus_module_ops nxg_ops;

int nxg_posture_init(void);
void nxg_posture_exit(void);
void nxg_posture_start(void);
bool nxg_posture_step(bool publish, unsigned int max);
void nxg_posture_accept(void);
unsigned int nxg_posture_score(void);
unsigned int nxg_posture_level(void);
int nxg_posture_show(struct seq_file *m, void *unused);
int nxg_read_records(u32 kind, u64 offset, void *buf, unsigned int max,
		     u64 *total);
int nxg_file_read(const char *path, char *buf, size_t size);
const char *nxg_class_name(unsigned int cls);
const char *nxg_result_name(unsigned int res);

/* Counters shown in sysfs. */
struct nxg_stats {
	u64 evals;
	u64 drifts;
	u64 drifts_cleared;
};

extern struct nxg_stats nxg_stats;

/*
 * AttackVector: what a threat event is.  The finding kind is 1 + vector,
 * so vectors are only ever appended.
 */
enum nxg_vector {
	NXG_V_MODULE,		/* a module loaded */
	NXG_V_SETUID,		/* real uid to 0 by a non-root task */
	NXG_V_NAMESPACE,	/* unshare/setns by a non-root task */
	NXG_V_PTRACE,		/* ptrace attach */
	NXG_V_BPF,		/* eBPF program load */
	NXG_V_EXEC,		/* exec from memfd, a deleted file, /tmp, /dev/shm */
	NXG_V_SUID_CHMOD,	/* set-user-ID bit set on a file */
	NXG_V_ETC_WRITE,	/* file under /etc opened for writing */
	NXG_V_DRIFT,		/* posture drift (posture.c) */
	NXG_V_UMH,		/* usermode helper outside the allow-list */
	NXG_V_BIN_WRITE,	/* file under /boot or a binary dir opened for writing */
	NXG_V_CRED,		/* credentials changed outside commit_creds */
	NXG_V_MODHIDE,		/* a module hidden from the module list (modlist.c) */
	NXG_V_PTRACE_POKE,	/* ptrace write into a tracee, non-root (procprobes.c) */
	NXG_V_USERFAULTFD,	/* userfaultfd() by a non-root task (procprobes.c) */
	NXG_V_CAPSET,		/* capset() raising capabilities, non-root (procprobes.c) */
	NXG_V_PROBES,		/* guard's own kprobes disarmed (selfcheck.c) */
	NXG_V_COUNT,
};

/* Vectors raised by the tick, not by a task: no comm to allow. */
static inline bool nxg_vector_has_task(unsigned int v)
{
	return v != NXG_V_DRIFT && v != NXG_V_MODHIDE && v != NXG_V_PROBES;
}

/* Vectors whose offender cannot be stopped by killing current. */
static inline bool nxg_vector_killable(unsigned int v)
{
	return v != NXG_V_DRIFT && v != NXG_V_UMH && v != NXG_V_MODHIDE &&
	       v != NXG_V_PROBES;
}

/* Per-vector policy. */
enum nxg_policy {
	NXG_POL_LOG,		/* every event a finding */
	NXG_POL_RATELIMIT,	/* a few findings per vector per 10 s */
	NXG_POL_KILL,		/* SIGKILL the offending task, and log */
	NXG_POL_COUNT,
};

#define NXG_WHAT_LEN	32

/**
 * struct nxg_rec - one threat event, written by a probe, drained by tick.
 * @ts_ns: when (monotonic).
 * @pid: the offending task (thread group id).
 * @uid: its real uid (init namespace) at the time.
 * @arg: vector-specific: target pid, flags, program type, exec kind.
 * @vector: enum nxg_vector.
 * @level: the base ThreatLevel the probe decided.
 * @killed: the kill policy applied (1) or left to the tick (2).
 * @comm: the task's comm.
 * @what: what it did it to: module, file or path name.
 */
struct nxg_rec {
	u64 ts_ns;
	u32 pid;
	u32 uid;
	u64 arg;
	u8 vector;
	u8 level;
	u8 killed;
	char comm[16];
	char what[NXG_WHAT_LEN];
};

const char *nxg_vector_name(unsigned int v);
int nxg_probes_init(void);
void nxg_probes_exit(void);
unsigned int nxg_probes_drain(struct nxg_rec *out, unsigned int max);
void nxg_probes_dump(struct seq_file *m);
void nxg_kill_pid(u32 pid);
void nxg_emit(unsigned int v, u8 level, u64 arg, const char *what);
void nxg_count_allowed(unsigned int v);
int nxg_list_parse(const char *buf, char *out, unsigned int max,
		   unsigned int len, bool (*ok)(char c));
extern u8 nxg_policy[NXG_V_COUNT];
int nxg_policy_parse(const char *buf, u8 *out);
const char *nxg_policy_name(unsigned int p);
int nxg_allow_set(unsigned int v, const char *buf);
int nxg_allow_show(unsigned int v, char *buf);

/* paths.c: the directories whose files the probes watch. */
enum nxg_dir {
	NXG_D_ETC,
	NXG_D_TMP,
	NXG_D_SHM,
	NXG_D_BOOT,
	NXG_D_BIN,		/* first of the binary and module directories */
	NXG_D_COUNT = NXG_D_BIN + 6,
};

/* The binary and module directories, and /boot: bin_write. */
#define NXG_D_BIN_MASK	(GENMASK(NXG_D_COUNT - 1, NXG_D_BIN) | BIT(NXG_D_BOOT))

struct file;
int nxg_paths_init(void);
void nxg_paths_exit(void);
void nxg_paths_refresh(void);
int nxg_path_match(const struct file *f, unsigned long dirs);
void nxg_paths_dump(struct seq_file *m);

/* shadow.c: shadow credentials. */
struct cred;
struct task_struct;
int nxg_shadow_init(void);
void nxg_shadow_exit(void);
void nxg_shadow_check(void);
void nxg_shadow_commit(const struct cred *new);
void nxg_shadow_fork(void *data, struct task_struct *parent,
		     struct task_struct *child);
void nxg_shadow_exit_probe(void *data, struct task_struct *p);
void nxg_shadow_dump(struct seq_file *m);

/* umh.c: usermode helpers and their allow-list of paths. */
struct kprobe;
struct pt_regs;
int nxg_umh_pre(struct kprobe *kp, struct pt_regs *regs);
int nxg_umh_set(const char *buf);
int nxg_umh_show(char *buf);
int nxg_umh_init(void);
void nxg_umh_exit(void);

/* modlist.c: modules hidden from the module list. */
int nxg_modlist_init(void);
void nxg_modlist_exit(void);
void nxg_modlist_check(u64 now_ns);
void nxg_modlist_resolve(void);
void nxg_modlist_dump(struct seq_file *m);
int nxg_modlist_allow_set(const char *buf);
int nxg_modlist_allow_show(char *buf);

/* procprobes.c: ptrace pokes, userfaultfd, capset. */
int nxg_poke_pre(struct kprobe *kp, struct pt_regs *regs);
int nxg_uffd_pre(struct kprobe *kp, struct pt_regs *regs);
int nxg_capset_pre(struct kprobe *kp, struct pt_regs *regs);

/* selfcheck.c: guard's own kprobes still armed. */
int nxg_selfcheck_init(void);
void nxg_selfcheck_exit(void);
void nxg_selfcheck(u64 now_ns);
void nxg_selfcheck_resolve(void);
void nxg_selfcheck_dump(struct seq_file *m);
bool nxg_selfcheck_armed(void);
unsigned int nxg_probes_disabled(const char **first);

int nxg_threats_init(void);
u64 nxg_threat_raise(struct nxg_rec *r, u64 now_ns);
void nxg_threat_resolve(unsigned int v, u64 id, const char *what,
			const char *why);
void nxg_threats_tick(u64 now_ns);
void nxg_threat_record(const struct nxg_rec *r, u64 finding);
unsigned int nxg_threats_level(u64 now_ns);
int nxg_threats_show(struct seq_file *m, void *unused);
extern u32 nxg_window_ms;
extern u32 nxg_notify_level;

#endif /* _NEXUS_GUARD_H */
