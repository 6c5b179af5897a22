// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace services: a cgroup v2 directory watched as a heal component.
 *
 * "echo '/sys/fs/cgroup/web /usr/sbin/web-start' > .../heal/watch" makes the
 * cgroup a component "svcN" of class "cgroup".  Its health is read from the
 * cgroup's own files (cgroup.events, cgroup.threads, cgroup.procs,
 * memory.current, memory.max), so it works on any cgroup v2 without a
 * controller of NEXUS's own; its strategies are what Linux offers:
 *
 *   SoftReset   kill the culprit task (D state), lower memory.high below
 *               the memory policy (memory: limits, undone at unwatch) or
 *               run the restart command (dead, crash-looping)
 *   HardReset   kill the culprit (memory), else every task (cgroup.kill),
 *               then run the restart command
 *   Quarantine  freeze the cgroup (cgroup.freeze)
 *
 * The restart command runs through the usermode helper, as root, attached
 * to the watched cgroup before it execs (so what it starts is in there),
 * and is waited for: it must start the service and return.  Everything is
 * done through the cgroup's files with kernel_read()/kernel_write(), as a
 * root shell would, so the cgroup core's own checks apply.
 *
 * Fault classes: 1 dead (no task), 2 crash-looping (svc_max_restarts
 * restarts by NEXUS within svc_window_ms), 3 a task in D state without a
 * context switch for svc_dstate_ms, 4 memory.current at svc_mem_permille of
 * memory.max or more, 5 the cgroup is gone.  A cgroup NEXUS froze is
 * contained: healthy until unwatched, which thaws it (as does rmmod).
 */
#define pr_fmt(fmt) "nexus_heal: " fmt

#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/umh.h>
#include "heal.h"

#define NXH_SVC_PATH	200	/* the cgroup's path, without the file */
#define NXH_SVC_CMD	256
#define NXH_SVC_BUF	4096	/* cgroup.threads read at most: ~500 tasks */

enum nxh_svc_fault {
	NXH_SVC_OK = 0,
	NXH_SVC_DEAD,
	NXH_SVC_CRASHLOOP,
	NXH_SVC_DSTATE,
	NXH_SVC_MEMORY,
	NXH_SVC_GONE,
};

static const char * const nxh_svc_fault_names[] = {
	"ok", "dead", "crash_loop", "d_state", "memory", "gone",
};

struct nxh_svc {
	struct nexus_component_ops ops;
	char name[NEXUS_SHORT_LEN];
	char path[NXH_SVC_PATH];	/* canonical, from d_path() */
	u64 cgid;			/* the cgroup's id (its inode) */
	int slot;			/* in nxh_svcs[] */
	char cmd[NXH_SVC_CMD];		/* "" if none */
	/*
	 * Neither lock is held around file I/O, which takes kernfs' locks:
	 * the watch file's handlers take nxh_svc_lock, the dump both.
	 */
	struct mutex io_lock;		/* one health check at a time: d_* */
	struct mutex lock;		/* the fields below but d_* */
	u64 restart_ns[NXH_SVC_RING];	/* ring of restart times */
	u32 restart_n;			/* restarts ever */
	u64 kills;			/* culprits killed */
	u64 cgroup_kills;		/* cgroup.kill writes */
	bool frozen;			/* NEXUS froze it */
	pid_t helper;			/* restart command running, or 0 */
	int last_status;		/* restart command's wait status/errno */
	pid_t d_tid;			/* D-state candidate */
	u64 d_switches;
	u64 d_since_ns;
	pid_t culprit;			/* named by the last health check */
	int health;
	char last[48];			/* what the last step did */
	char last_kill[32];		/* the last culprit killed */
	u64 mem_cur, mem_max;		/* at the last memory fault */
	u64 high_set;			/* memory.high NEXUS wrote, 0: none */
	u64 high_old;			/* memory.high before, U64_MAX: max */
	u64 limits;			/* memory.high writes (limits) */
	pid_t named;			/* a finding named this task */
	char named_comm[TASK_COMM_LEN];	/* its name in the finding, or "" */
	u64 named_n;			/* findings mapped to the service */
};

struct nxh_svc_knobs nxh_svc_knobs = {
	.window_ms = 60000,
	.max_restarts = 3,
	.dstate_ms = 10000,
	.mem_permille = 950,
};

static DEFINE_MUTEX(nxh_svc_lock);	/* the table; outside nxh_lock */
static struct nxh_svc *nxh_svcs[NXH_SVC_MAX];
static bool nxh_svc_closing;
static unsigned long nxh_svc_reserved;	/* slots being registered */

/* Open @svc's cgroup file @file. */
static struct file *nxh_svc_open(const char *dir, const char *file, int flags)
{
	char *p = kasprintf(GFP_KERNEL, "%s/%s", dir, file);
	struct file *f;

	if (!p)
		return ERR_PTR(-ENOMEM);
	f = filp_open(p, flags, 0);
	kfree(p);
	return f;
}

/* Read a cgroup file into @buf (NUL-terminated); its length or -errno. */
static ssize_t nxh_svc_read(const char *dir, const char *file, char *buf,
			    size_t size)
{
	struct file *f = nxh_svc_open(dir, file, O_RDONLY);
	loff_t pos = 0;
	ssize_t n, len = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	while (len < size - 1) {
		n = kernel_read(f, buf + len, size - 1 - len, &pos);
		if (n <= 0)
			break;
		len += n;
	}
	fput(f);
	buf[len] = '\0';
	return len;
}

/**
 * nxh_svc_write() - write a value to a file, as a root shell would
 * @dir: its directory (a cgroup's, or /proc/sys/vm)
 * @file: its name
 * @val: what to write
 *
 * Return: 0 or -errno.
 */
int nxh_svc_write(const char *dir, const char *file, const char *val)
{
	struct file *f = nxh_svc_open(dir, file, O_WRONLY);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, val, strlen(val), &pos);
	fput(f);
	return n < 0 ? n : 0;
}

/* "key value" from a flat-keyed cgroup file such as cgroup.events. */
static int nxh_svc_key(const char *buf, const char *key, u64 *val)
{
	size_t klen = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return sscanf(p + klen + 1, "%llu", val) == 1 ? 0 :
			       -EINVAL;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

static u64 nxh_svc_window(void)
{
	return (u64)READ_ONCE(nxh_svc_knobs.window_ms) * NSEC_PER_MSEC;
}

static u32 nxh_svc_recent(struct nxh_svc *s, u64 now)
{
	u64 win = nxh_svc_window();
	u32 i, n = 0, k = min_t(u32, s->restart_n, NXH_SVC_RING);

	for (i = 0; i < k; i++)
		if (now - s->restart_ns[i] < win)
			n++;
	return n;
}

/* The next pid of a cgroup.procs/threads list at *@p, 0 at the end. */
static pid_t nxh_svc_next_pid(char **p)
{
	char *tok;
	int v;

	while ((tok = strsep(p, "\n"))) {
		if (*tok && !kstrtoint(tok, 10, &v) && v > 0)
			return v;
	}
	return 0;
}

/*
 * A task of the cgroup in D state (not an idle TASK_NOLOAD sleeper) that
 * did not switch since it was first seen there, for svc_dstate_ms: its
 * tgid, else 0.  Only one candidate is followed at a time.
 */
static pid_t nxh_svc_dstate(struct nxh_svc *s, char *buf, u64 now)
{
	pid_t tid, found = 0, tgid = 0;
	u64 sw = 0;
	char *p = buf;

	if (nxh_svc_read(s->path, "cgroup.threads", buf, NXH_SVC_BUF) < 0)
		return 0;
	while (!found && (tid = nxh_svc_next_pid(&p))) {
		struct task_struct *t;
		unsigned int st;

		rcu_read_lock();
		t = pid_task(find_pid_ns(tid, &init_pid_ns), PIDTYPE_PID);
		if (t) {
			st = READ_ONCE(t->__state);
			if ((st & TASK_UNINTERRUPTIBLE) && !(st & TASK_NOLOAD)) {
				found = tid;
				tgid = task_tgid_nr(t);
				sw = t->nvcsw + t->nivcsw;
			}
		}
		rcu_read_unlock();
		/* keep following the candidate first */
		if (found && s->d_tid && found != s->d_tid)
			found = 0;
	}
	if (!found) {
		s->d_tid = 0;
		return 0;
	}
	if (found != s->d_tid || sw != s->d_switches) {
		s->d_tid = found;
		s->d_switches = sw;
		s->d_since_ns = now;
		return 0;
	}
	if (now - s->d_since_ns <
	    (u64)READ_ONCE(nxh_svc_knobs.dstate_ms) * NSEC_PER_MSEC)
		return 0;
	return tgid;
}

/*
 * The process of the cgroup with the largest resident set, if that is at
 * least half of @cur (the cgroup's memory.current): the one filling the
 * cgroup.  Else 0: no task is to blame alone, and killing the largest of
 * small ones would kill a bystander (as after the memory cgroup's own OOM
 * killer took the hog and its memory is not yet uncharged).
 */
static pid_t nxh_svc_biggest(struct nxh_svc *s, char *buf, u64 cur)
{
	unsigned long best = 0;
	pid_t pid, found = 0;
	char *p = buf;

	if (nxh_svc_read(s->path, "cgroup.procs", buf, NXH_SVC_BUF) < 0)
		return 0;
	while ((pid = nxh_svc_next_pid(&p))) {
		struct task_struct *t;
		struct mm_struct *mm;
		unsigned long rss;

		rcu_read_lock();
		t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
		if (t)
			get_task_struct(t);
		rcu_read_unlock();
		if (!t)
			continue;
		mm = get_task_mm(t);
		put_task_struct(t);
		if (!mm)
			continue;
		rss = get_mm_rss(mm);
		mmput(mm);
		if (rss > best) {
			best = rss;
			found = pid;
		}
	}
	return (u64)best << PAGE_SHIFT >= cur / 2 ? found : 0;
}

/*
 * memory.current (into @cur) at svc_mem_permille of memory.max (into
 * @max) or more.  Both are kept for the limits step.
 */
static bool nxh_svc_mem_high(struct nxh_svc *s, char *buf, u64 *cur,
			     u64 *max)
{
	u64 c, m;

	if (nxh_svc_read(s->path, "memory.max", buf, 32) <= 0 ||
	    kstrtou64(strim(buf), 10, &m))
		return false;	/* "max", or no memory controller here */
	if (nxh_svc_read(s->path, "memory.current", buf, 32) <= 0 ||
	    kstrtou64(strim(buf), 10, &c))
		return false;
	*cur = c;
	*max = m;
	return div64_u64(c * 1000, m ? m : 1) >=
	       READ_ONCE(nxh_svc_knobs.mem_permille);
}

/* A cgroup memory file's value, U64_MAX for "max"; 0 or -errno. */
static int nxh_svc_mem_value(struct nxh_svc *s, const char *file, char *buf,
			     size_t size, u64 *val)
{
	ssize_t n = nxh_svc_read(s->path, file, buf, size);

	if (n <= 0)
		return n ? n : -ENODATA;
	strim(buf);
	if (!strcmp(buf, "max")) {
		*val = U64_MAX;
		return 0;
	}
	return kstrtou64(buf, 10, val);
}

/* A change of memory.high into the audit log (a Log decision). */
static __printf(4, 5)
void nxh_svc_record(struct nxh_svc *s, u64 old, u64 new, const char *fmt, ...)
{
	struct nexus_decision d = {
		.kind = NEXUS_DECISION_LOG,
		.confidence = 1000,
		.arg = NEXUS_HEAL_SOFT_RESET,
		.old_value = old == U64_MAX ? -1 : (s64)old,
		.new_value = new == U64_MAX ? -1 : (s64)new,
	};
	va_list ap;

	snprintf(d.target, sizeof(d.target), "%s memory.high", s->name);
	va_start(ap, fmt);
	vsnprintf(d.reason, sizeof(d.reason), fmt, ap);
	va_end(ap);
	nexus_decide(&nxh_ops, &d);
}

/*
 * SoftReset for a memory fault, the limits strategy: memory.high set to
 * 15/16 of the memory policy (svc_mem_permille of memory.max) throttles
 * the cgroup's allocations there, and writing it makes the kernel reclaim
 * down to it at once (both kernels: memory_high_write() reclaims with
 * retries, so memory.reclaim would add nothing).  memory.high is only
 * ever lowered; the value before is kept for the restore at unwatch.
 */
static int nxh_svc_limit(struct nxh_svc *s)
{
	u64 max, cur, after = 0, old, target, mine;
	char buf[32], val[24];
	int ret;

	mutex_lock(&s->lock);
	max = s->mem_max;
	cur = s->mem_cur;
	mutex_unlock(&s->lock);
	if (!max)
		return -ENODATA;
	target = mult_frac(max, READ_ONCE(nxh_svc_knobs.mem_permille), 1000);
	target = (target - target / 16) & PAGE_MASK;
	ret = nxh_svc_mem_value(s, "memory.high", buf, sizeof(buf), &old);
	if (ret)
		return ret;
	mutex_lock(&s->lock);
	/* changed by someone else since: theirs is the value to restore */
	if (s->high_set && old != s->high_set)
		s->high_set = 0;
	mine = s->high_set;
	mutex_unlock(&s->lock);
	if (old <= target && !mine) {
		nxh_svc_record(s, old, old,
			       "limits: memory.high %s already at or below %llu",
			       buf, target);
		return -EALREADY;
	}
	/* NEXUS's own limit again: written again, for the reclaim */
	target = min(target, old);
	snprintf(val, sizeof(val), "%llu", target);
	ret = nxh_svc_write(s->path, "memory.high", val);
	nxh_svc_mem_value(s, "memory.current", val, sizeof(val), &after);
	mutex_lock(&s->lock);
	if (!ret) {
		if (!s->high_set)
			s->high_old = old;
		s->high_set = target;
		s->limits++;
	}
	snprintf(s->last, sizeof(s->last), "memory.high %llu: %d", target,
		 ret);
	mutex_unlock(&s->lock);
	nxh_svc_record(s, old, ret ? old : target,
		       "limits %d: memory.high %s -> %llu, memory.current %llu -> %llu of max %llu",
		       ret, buf, target, cur, after, max);
	return ret;
}

/*
 * Undo the limits at unwatch: memory.high back to its value before, if
 * it is still the one NEXUS wrote; someone else's later value is left.
 * No callback runs any more.
 */
static void nxh_svc_unlimit(struct nxh_svc *s)
{
	char buf[32], old[24] = "max";
	u64 now;
	int ret;

	if (!s->high_set)
		return;
	if (s->high_old != U64_MAX)
		snprintf(old, sizeof(old), "%llu", s->high_old);
	ret = nxh_svc_mem_value(s, "memory.high", buf, sizeof(buf), &now);
	if (!ret && now != s->high_set) {
		nxh_svc_record(s, now, now,
			       "limits kept: memory.high %s set by someone else (NEXUS's %llu)",
			       buf, s->high_set);
		return;
	}
	if (!ret)
		ret = nxh_svc_write(s->path, "memory.high", old);
	nxh_svc_record(s, s->high_set, ret ? s->high_set : s->high_old,
		       "limits undone %d: memory.high %llu -> %s", ret,
		       s->high_set, old);
	pr_info("%s: memory.high %llu -> %s: %d\n", s->name, s->high_set,
		old, ret);
}

/* What a health check reads of the service and finds in its files. */
struct nxh_svc_seen {
	bool frozen;		/* NEXUS froze it (in), still frozen (out) */
	u32 recent;		/* restarts within svc_window_ms */
	u32 crashes;		/* crash exits within svc_window_ms */
	pid_t culprit;
	u64 cur, max;		/* memory.current and .max, 0 unread */
};

/*
 * The fault class, in the order of Documentation/heal.rst.  Under
 * s->io_lock only: it reads the cgroup's files.
 */
static int nxh_svc_assess(struct nxh_svc *s, char *buf, u64 now,
			  struct nxh_svc_seen *v)
{
	u64 populated;

	/* thawed by someone else since NEXUS froze it: watched again */
	if (v->frozen && nxh_svc_read(s->path, "cgroup.freeze", buf, 8) > 0 &&
	    buf[0] == '0')
		v->frozen = false;
	if (nxh_svc_read(s->path, "cgroup.events", buf, NXH_SVC_BUF) < 0 ||
	    nxh_svc_key(buf, "populated", &populated))
		return NXH_SVC_GONE;
	if (v->frozen)
		return NXH_SVC_OK;	/* contained */
	if (v->recent >= READ_ONCE(nxh_svc_knobs.max_restarts) ||
	    v->crashes >= READ_ONCE(nxh_svc_knobs.max_restarts))
		return NXH_SVC_CRASHLOOP;
	if (!populated)
		return NXH_SVC_DEAD;
	v->culprit = nxh_svc_dstate(s, buf, now);
	if (v->culprit)
		return NXH_SVC_DSTATE;
	if (!nxh_svc_mem_high(s, buf, &v->cur, &v->max))
		return NXH_SVC_OK;
	v->culprit = nxh_svc_biggest(s, buf, v->cur);
	return NXH_SVC_MEMORY;
}

static int nxh_svc_health(void *priv)
{
	struct nxh_svc *s = priv;
	char *buf = kmalloc(NXH_SVC_BUF, GFP_KERNEL);
	struct nxh_svc_seen v = {};
	u64 now = ktime_get_ns();
	int h;

	if (!buf)
		return -ENOMEM;
	mutex_lock(&s->io_lock);
	mutex_lock(&s->lock);
	v.frozen = s->frozen;
	v.recent = nxh_svc_recent(s, now);
	mutex_unlock(&s->lock);
	v.crashes = nxh_svc_exits_count(s->slot, now, nxh_svc_window(), NULL);
	h = nxh_svc_assess(s, buf, now, &v);
	mutex_lock(&s->lock);
	if (!v.frozen)
		s->frozen = false;	/* thawed by someone else */
	if (v.max) {
		s->mem_cur = v.cur;
		s->mem_max = v.max;
	}
	s->culprit = v.culprit;
	s->health = h;
	mutex_unlock(&s->lock);
	mutex_unlock(&s->io_lock);
	kfree(buf);
	return h;
}

struct nxh_svc_run {
	struct nxh_svc *svc;
	int attach;		/* joining the cgroup: 0 or -errno */
};

/* In the helper's process before exec: join the watched cgroup. */
static int nxh_svc_umh_init(struct subprocess_info *info, struct cred *new)
{
	struct nxh_svc_run *run = info->data;

	/* "0" is the writer itself */
	run->attach = nxh_svc_write(run->svc->path, "cgroup.procs", "0");
	if (!run->attach)
		WRITE_ONCE(run->svc->helper, task_pid_nr(current));
	return run->attach;
}

/* Run the restart command in the cgroup and wait for it. */
static int nxh_svc_restart(struct nxh_svc *s)
{
	struct nxh_svc_run run = { .svc = s };
	struct subprocess_info *info;
	char **argv, *envp[4] = {
		"HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL, NULL };
	int ret;

	if (!s->cmd[0])
		return -ENOEXEC;
	argv = argv_split(GFP_KERNEL, s->cmd, NULL);
	envp[2] = kasprintf(GFP_KERNEL, "NEXUS_CGROUP=%s", s->path);
	ret = -ENOMEM;
	if (!argv || !envp[2])
		goto out;
	info = call_usermodehelper_setup(argv[0], argv, envp, GFP_KERNEL,
					 nxh_svc_umh_init, NULL, &run);
	if (!info)
		goto out;
	/* waits for the command to exit: it must start the service, return */
	ret = call_usermodehelper_exec(info, UMH_WAIT_PROC);
	WRITE_ONCE(s->helper, 0);
	if (run.attach)
		ret = run.attach;	/* 6.1 reports 0 for a failed init */
	mutex_lock(&s->lock);
	s->last_status = ret;
	s->restart_ns[s->restart_n++ % NXH_SVC_RING] = ktime_get_ns();
	mutex_unlock(&s->lock);
	/* a wait status: the command failed */
	if (ret > 0)
		ret = -ECHILD;
out:
	kfree(envp[2]);
	if (argv)
		argv_free(argv);
	return ret;
}

/**
 * nxh_kill_and_wait() - SIGKILL a process, then wait for its memory
 * @pid: the process
 * @freed: set when it let go of its memory within 2 s
 *
 * The kill is verified right after, so the process gets up to 2 s to
 * release its memory (a task in D state dies only when it leaves the
 * kernel).
 *
 * Return: kill_pid()'s result.
 */
int nxh_kill_and_wait(struct pid *pid, bool *freed)
{
	int ret = kill_pid(pid, SIGKILL, 1), i;

	*freed = false;
	for (i = 0; !ret && i < 100; i++) {
		struct task_struct *t = get_pid_task(pid, PIDTYPE_PID);
		struct mm_struct *mm = t ? get_task_mm(t) : NULL;

		if (t)
			put_task_struct(t);
		if (!mm) {
			*freed = true;
			break;
		}
		mmput(mm);
		msleep(20);
	}
	return ret;
}

/* SIGKILL to task @nr of @s if @allowed (else -ESRCH), recorded. */
static int nxh_svc_kill(struct nxh_svc *s, pid_t nr, bool allowed)
{
	struct pid *pid = allowed ? find_get_pid(nr) : NULL;
	int ret = -ESRCH;
	bool freed;

	if (pid) {
		ret = nxh_kill_and_wait(pid, &freed);
		put_pid(pid);
	}
	mutex_lock(&s->lock);
	if (!ret)
		s->kills++;
	snprintf(s->last_kill, sizeof(s->last_kill), "killed %d: %d", nr, ret);
	strscpy(s->last, s->last_kill, sizeof(s->last));
	mutex_unlock(&s->lock);
	return ret;
}

static int nxh_svc_kill_culprit(struct nxh_svc *s)
{
	pid_t nr;

	mutex_lock(&s->lock);
	nr = s->culprit;
	mutex_unlock(&s->lock);
	if (!nr)
		return -ESRCH;
	return nxh_svc_kill(s, nr, true);
}

/* Is @nr a task of the cgroup @path (cgroup.threads)?  @buf: NXH_SVC_BUF. */
static bool nxh_svc_has_task(const char *path, char *buf, pid_t nr)
{
	char *p = buf;
	pid_t tid;

	if (nxh_svc_read(path, "cgroup.threads", buf, NXH_SVC_BUF) < 0)
		return false;
	while ((tid = nxh_svc_next_pid(&p)))
		if (tid == nr)
			return true;
	return false;
}

/* The task's name is @comm (if the finding gave one): not a reused pid. */
static bool nxh_svc_comm_is(pid_t nr, const char *comm)
{
	char now[TASK_COMM_LEN] = "";
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_pid_ns(nr, &init_pid_ns), PIDTYPE_PID);
	if (t)
		get_task_comm(now, t);
	rcu_read_unlock();
	return t && (!comm[0] || !strcmp(now, comm));
}

/**
 * nxh_svc_named() - map a finding naming a task to its watched service
 * @f: an active finding whose component is "pid N" or "pid N (comm)"
 * @name: the service's component name, out (NEXUS_SHORT_LEN)
 *
 * A task of a watched cgroup (in its cgroup.threads, with the name the
 * finding gives) makes the finding the service's: the task is kept for
 * the plan's SoftReset.  Engine context; skipped (false) while a watch or
 * unwatch holds the table, the finding's next update retries.
 *
 * Return: true if @f names a task of a watched service.
 */
bool nxh_svc_named(const struct nexus_finding *f, char *name)
{
	char comm[TASK_COMM_LEN] = "", *buf;
	char (*paths)[NXH_SVC_PATH];
	struct nxh_svc *s;
	bool found = false;
	int i, nr = 0;

	if (sscanf(f->component, "pid %d (%15[^)])", &nr, comm) < 1 || nr <= 0)
		return false;
	if (!nxh_svc_comm_is(nr, comm))
		return false;
	buf = kmalloc(NXH_SVC_BUF + NXH_SVC_MAX * NXH_SVC_PATH, GFP_KERNEL);
	if (!buf)
		return false;
	paths = (void *)(buf + NXH_SVC_BUF);
	/* the cgroups' files are read without the table's lock held */
	if (!mutex_trylock(&nxh_svc_lock))
		goto out;
	for (i = 0; i < NXH_SVC_MAX; i++)
		strscpy(paths[i], nxh_svcs[i] ? nxh_svcs[i]->path : "",
			NXH_SVC_PATH);
	mutex_unlock(&nxh_svc_lock);
	for (i = 0; i < NXH_SVC_MAX; i++)
		if (paths[i][0] && nxh_svc_has_task(paths[i], buf, nr))
			break;
	if (i == NXH_SVC_MAX || !mutex_trylock(&nxh_svc_lock))
		goto out;
	s = nxh_svcs[i];
	if (s && !strcmp(s->path, paths[i])) {	/* still the same service */
		mutex_lock(&s->lock);
		s->named = nr;
		strscpy(s->named_comm, comm, sizeof(s->named_comm));
		s->named_n++;
		mutex_unlock(&s->lock);
		strscpy(name, s->name, NEXUS_SHORT_LEN);
		found = true;
	}
	mutex_unlock(&nxh_svc_lock);
out:
	kfree(buf);
	return found;
}

/*
 * SoftReset for a service a finding named a task of: SIGKILL to that task
 * only, if it is still in the cgroup under the same name; what it leaves
 * (a dead service) is the next fault.
 */
static int nxh_svc_kill_named(struct nxh_svc *s)
{
	char comm[TASK_COMM_LEN], *buf = kmalloc(NXH_SVC_BUF, GFP_KERNEL);
	pid_t nr;
	bool ok;

	if (!buf)
		return -ENOMEM;
	mutex_lock(&s->lock);
	nr = s->named;
	strscpy(comm, s->named_comm, sizeof(comm));
	s->named = 0;
	mutex_unlock(&s->lock);
	ok = nxh_svc_has_task(s->path, buf, nr) && nxh_svc_comm_is(nr, comm);
	kfree(buf);
	return nxh_svc_kill(s, nr, ok);
}

static int nxh_svc_recover(void *priv, enum nexus_healing_strategy st,
			   u64 cookie)
{
	struct nxh_svc *s = priv;
	pid_t culprit;
	int ret, h;

	mutex_lock(&s->lock);
	h = s->health;
	culprit = s->named;
	mutex_unlock(&s->lock);
	switch (st) {
	case NEXUS_HEAL_SOFT_RESET:
		/* healthy itself, but a finding named one of its tasks */
		if (h == NXH_SVC_OK && culprit)
			return nxh_svc_kill_named(s);
		if (h == NXH_SVC_MEMORY)
			return nxh_svc_limit(s);
		if (h == NXH_SVC_DSTATE)
			return nxh_svc_kill_culprit(s);
		ret = nxh_svc_restart(s);
		break;
	case NEXUS_HEAL_HARD_RESET:
		mutex_lock(&s->lock);
		culprit = s->culprit;
		mutex_unlock(&s->lock);
		/* memory: the one process filling the cgroup, if there is one */
		if (h == NXH_SVC_MEMORY && culprit)
			return nxh_svc_kill_culprit(s);
		ret = nxh_svc_write(s->path, "cgroup.kill", "1");
		mutex_lock(&s->lock);
		if (!ret)
			s->cgroup_kills++;
		mutex_unlock(&s->lock);
		if (!ret)
			ret = nxh_svc_restart(s);
		break;
	case NEXUS_HEAL_QUARANTINE:
		if (h == NXH_SVC_DEAD || h == NXH_SVC_GONE)
			return -ESRCH;	/* nothing to contain */
		ret = nxh_svc_write(s->path, "cgroup.freeze", "1");
		mutex_lock(&s->lock);
		if (!ret)
			s->frozen = true;
		snprintf(s->last, sizeof(s->last), "froze: %d", ret);
		mutex_unlock(&s->lock);
		return ret;
	default:
		return -EOPNOTSUPP;
	}
	mutex_lock(&s->lock);
	snprintf(s->last, sizeof(s->last), "%s restart: %d",
		 st == NEXUS_HEAL_HARD_RESET ? "kill and" : "command",
		 ret ? ret : s->last_status);
	mutex_unlock(&s->lock);
	return ret;
}

/* A step timed out or the service is unwatched: stop the command. */
static void nxh_svc_abort(void *priv)
{
	struct nxh_svc *s = priv;
	pid_t nr = READ_ONCE(s->helper);
	struct pid *pid;

	if (!nr)
		return;
	pid = find_get_pid(nr);
	if (pid) {
		kill_pid(pid, SIGKILL, 1);
		put_pid(pid);
	}
}

/* Thaw a cgroup NEXUS froze. */
static void nxh_svc_thaw(struct nxh_svc *s)
{
	int ret;

	if (!s->frozen)
		return;
	ret = nxh_svc_write(s->path, "cgroup.freeze", "0");
	s->frozen = false;
	pr_info("%s: %s thawed: %d\n", s->name, s->path, ret);
}

/*
 * Resolve @path to the canonical path of a cgroup v2 directory other than
 * the root into @out, and its cgroup id into @cgid: a kernfs inode's
 * number is its node's id, which is the cgroup's id (on 64-bit).
 */
static int nxh_svc_resolve(const char *path, char *out, u64 *cgid)
{
	struct path p;
	char *buf, *d;
	int ret;

	if (path[0] != '/')
		return -EINVAL;
	ret = kern_path(path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (ret)
		return ret;
	ret = -EINVAL;
	if (p.dentry->d_sb->s_magic != CGROUP2_SUPER_MAGIC ||
	    p.dentry == p.mnt->mnt_root)
		goto out;
	*cgid = d_inode(p.dentry)->i_ino;
	ret = -ENOMEM;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		goto out;
	d = d_path(&p, buf, PATH_MAX);
	ret = IS_ERR(d) ? PTR_ERR(d) :
	      strscpy(out, d, NXH_SVC_PATH) < 0 ? -ENAMETOOLONG : 0;
	kfree(buf);
out:
	path_put(&p);
	return ret;
}

/* The restart command: an absolute path to an executable regular file. */
static int nxh_svc_check_cmd(const char *cmd)
{
	struct path p;
	char **argv;
	umode_t mode;
	int ret;

	if (strlen(cmd) >= NXH_SVC_CMD)
		return -E2BIG;
	argv = argv_split(GFP_KERNEL, cmd, NULL);
	if (!argv)
		return -ENOMEM;
	ret = -EINVAL;
	if (!argv[0] || argv[0][0] != '/')
		goto out;
	ret = kern_path(argv[0], LOOKUP_FOLLOW, &p);
	if (ret)
		goto out;
	mode = d_inode(p.dentry)->i_mode;
	ret = S_ISREG(mode) && (mode & 0111) ? 0 : -EACCES;
	path_put(&p);
out:
	argv_free(argv);
	return ret;
}

/*
 * Register @arg, a new service, in a free slot.  Neither under
 * nxh_svc_lock nor in a sysfs handler: unregistering flushes the plan
 * work, which reads the cgroup's files (kernfs' locks) - lockdep.
 */
static int nxh_svc_add(void *arg)
{
	struct nxh_svc *s = arg;
	int ret, i, slot = -1;

	mutex_lock(&nxh_svc_lock);
	ret = -ENODEV;
	if (nxh_svc_closing)
		goto unlock;
	for (i = 0; i < NXH_SVC_MAX; i++) {
		if (!nxh_svcs[i] && !(nxh_svc_reserved & BIT(i))) {
			if (slot < 0)
				slot = i;
		} else if (nxh_svcs[i] && !strcmp(nxh_svcs[i]->path, s->path)) {
			ret = -EEXIST;
			goto unlock;
		}
	}
	ret = -ENOSPC;
	if (slot < 0)
		goto unlock;
	nxh_svc_reserved |= BIT(slot);
	mutex_unlock(&nxh_svc_lock);

	snprintf(s->name, sizeof(s->name), "svc%d", slot);
	s->slot = slot;
	s->ops.name = s->name;
	s->ops.class = "cgroup";
	s->ops.strategies = NEXUS_HEAL_CAP(NEXUS_HEAL_SOFT_RESET) |
			    NEXUS_HEAL_CAP(NEXUS_HEAL_HARD_RESET) |
			    NEXUS_HEAL_CAP(NEXUS_HEAL_QUARANTINE);
	s->ops.priv = s;
	s->ops.health = nxh_svc_health;
	s->ops.recover = nxh_svc_recover;
	s->ops.abort = nxh_svc_abort;
	/* owner NULL: it is this module, which unwatches all before going */
	ret = nexus_component_register(&s->ops);

	mutex_lock(&nxh_svc_lock);
	nxh_svc_reserved &= ~BIT(slot);
	if (!ret && nxh_svc_closing) {
		mutex_unlock(&nxh_svc_lock);
		nexus_component_unregister(&s->ops);
		return -ENODEV;
	}
	if (!ret) {
		nxh_svc_exits_set(slot, s->cgid);
		nxh_svcs[slot] = s;
		pr_info("%s: watching %s, restart '%s'\n", s->name, s->path,
			s->cmd);
	}
unlock:
	mutex_unlock(&nxh_svc_lock);
	return ret;
}

/**
 * nxh_svc_watch() - watch a cgroup v2 directory as a component
 * @line: "PATH [COMMAND ARG...]", PATH absolute, the command's too
 *
 * Return: 0; -EINVAL for no path, a relative one, a file that is not a
 * cgroup v2 directory or the root cgroup, or a relative command; -ENOENT
 * for a path or command that does not exist; -ENOTDIR; -EACCES for a
 * command that is not an executable file; -ENAMETOOLONG, -E2BIG; -EEXIST
 * if already watched; -ENOSPC beyond NXH_SVC_MAX; -ENODEV while unloading.
 */
int nxh_svc_watch(const char *line)
{
	char *copy = kstrdup(line, GFP_KERNEL), *path, *cmd;
	struct nxh_svc *s = NULL;
	int ret;

	if (!copy)
		return -ENOMEM;
	cmd = strim(copy);
	path = strsep(&cmd, " \t");
	cmd = cmd ? strim(cmd) : "";
	ret = -EINVAL;
	if (!*path)
		goto out;
	s = nexus_kzalloc(sizeof(*s), GFP_KERNEL);
	ret = -ENOMEM;
	if (!s)
		goto out;
	ret = nxh_svc_resolve(path, s->path, &s->cgid);
	if (!ret && *cmd)
		ret = nxh_svc_check_cmd(cmd);
	if (ret)
		goto out;
	strscpy(s->cmd, cmd, sizeof(s->cmd));
	mutex_init(&s->io_lock);
	mutex_init(&s->lock);

	/* the "watch" file's handler: registered from a worker */
	ret = nexus_call_sync(nxh_svc_add, s);
	if (!ret)
		s = NULL;
out:
	nexus_kfree(s);
	kfree(copy);
	return ret;
}

/*
 * Unregister (waiting for a running step), thaw, undo the limits, free a
 * service already out of the table.  Writes its cgroup's files, so never
 * under nxh_svc_lock nor in a sysfs handler (nexus_call_sync()).
 */
static int nxh_svc_release(void *arg)
{
	struct nxh_svc *s = arg;

	nexus_component_unregister(&s->ops);
	nxh_svc_thaw(s);
	nxh_svc_unlimit(s);
	pr_info("%s: %s unwatched\n", s->name, s->path);
	nexus_kfree(s);
	return 0;
}

/**
 * nxh_svc_unwatch() - stop watching a cgroup, thawing it if NEXUS froze it
 * @line: its path (as given or canonical) or component name
 *
 * Return: 0, -EINVAL for an empty line, -ENOENT if not watched.
 */
int nxh_svc_unwatch(const char *line)
{
	char *copy = kstrdup(line, GFP_KERNEL), *key, *canon;
	struct nxh_svc *s = NULL;
	int ret = -ENOENT, i;
	u64 cgid;

	if (!copy)
		return -ENOMEM;
	key = strim(copy);
	canon = kzalloc(NXH_SVC_PATH, GFP_KERNEL);
	if (!*key || !canon) {
		ret = *key ? -ENOMEM : -EINVAL;
		goto out;
	}
	/* a cgroup already removed is matched by its name or path as given */
	if (nxh_svc_resolve(key, canon, &cgid))
		strscpy(canon, key, NXH_SVC_PATH);
	mutex_lock(&nxh_svc_lock);
	for (i = 0; i < NXH_SVC_MAX; i++) {
		s = nxh_svcs[i];
		if (s && (!strcmp(s->path, canon) || !strcmp(s->name, key) ||
			  !strcmp(s->path, key))) {
			nxh_svcs[i] = NULL;
			nxh_svc_exits_set(i, 0);
			break;
		}
		s = NULL;
	}
	mutex_unlock(&nxh_svc_lock);
	/* the "unwatch" file's handler: the cgroup's files from a worker */
	if (s)
		ret = nexus_call_sync(nxh_svc_release, s);
out:
	kfree(canon);
	kfree(copy);
	return ret;
}

/**
 * nxh_svc_list() - the watched services, one "name path command" a line
 * @buf: a sysfs buffer (PAGE_SIZE)
 *
 * Return: the length written.
 */
ssize_t nxh_svc_list(char *buf)
{
	ssize_t len = 0;
	int i;

	mutex_lock(&nxh_svc_lock);
	for (i = 0; i < NXH_SVC_MAX; i++)
		if (nxh_svcs[i])
			len += sysfs_emit_at(buf, len, "%s %s %s\n",
					     nxh_svcs[i]->name,
					     nxh_svcs[i]->path,
					     nxh_svcs[i]->cmd[0] ?
					     nxh_svcs[i]->cmd : "-");
	mutex_unlock(&nxh_svc_lock);
	return len;
}

/**
 * nxh_svc_dump() - the services' state, for debugfs
 * @m: the seq_file
 */
void nxh_svc_dump(struct seq_file *m)
{
	u64 now = ktime_get_ns();
	u32 crashes, recent;
	int i;

	seq_puts(m, "# service name path health frozen_by_nexus restarts recent_restarts last_status kills cgroup_kills culprit last_step last_kill limits memory_high_set memory_high_before findings crash_exits recent_crash_exits\n");
	mutex_lock(&nxh_svc_lock);
	for (i = 0; i < NXH_SVC_MAX; i++) {
		struct nxh_svc *s = nxh_svcs[i];

		if (!s)
			continue;
		mutex_lock(&s->lock);
		seq_printf(m, "service %s %s %s %d %u %u %d %llu %llu %d %s %s %llu ",
			   s->name, s->path,
			   (unsigned int)s->health <
			   ARRAY_SIZE(nxh_svc_fault_names) ?
			   nxh_svc_fault_names[s->health] : "?",
			   s->frozen, s->restart_n, nxh_svc_recent(s, now),
			   s->last_status, s->kills, s->cgroup_kills,
			   s->culprit, s->last[0] ? s->last : "-",
			   s->last_kill[0] ? s->last_kill : "-", s->limits);
		if (!s->high_set)
			seq_puts(m, "- -");
		else if (s->high_old == U64_MAX)
			seq_printf(m, "%llu max", s->high_set);
		else
			seq_printf(m, "%llu %llu", s->high_set, s->high_old);
		recent = nxh_svc_exits_count(i, now, nxh_svc_window(), &crashes);
		seq_printf(m, " %llu %u %u\n", s->named_n, crashes, recent);
		mutex_unlock(&s->lock);
	}
	mutex_unlock(&nxh_svc_lock);
}

/**
 * nxh_svc_exit() - unwatch every service (thawing what NEXUS froze)
 *
 * Called first in the module's exit, while the components still work;
 * no watch is accepted after it.
 */
void nxh_svc_exit(void)
{
	struct nxh_svc *gone[NXH_SVC_MAX];
	int i;

	mutex_lock(&nxh_svc_lock);
	nxh_svc_closing = true;
	for (i = 0; i < NXH_SVC_MAX; i++) {
		gone[i] = nxh_svcs[i];
		nxh_svcs[i] = NULL;
		nxh_svc_exits_set(i, 0);
	}
	mutex_unlock(&nxh_svc_lock);
	for (i = 0; i < NXH_SVC_MAX; i++)
		if (gone[i])
			nxh_svc_release(gone[i]);
}
