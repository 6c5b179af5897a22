// SPDX-License-Identifier: GPL-2.0
/*
 * nexus_test_component - healable components for nexus_heal_test.
 *
 * Registers "tc0" (class "test", opted in to chaos for fault classes 1..4)
 * and "tc1" (class "test", not opted in).  tc0's fault classes:
 *   1 transient:  any reset, rollback, reconstruct or substitute fixes it;
 *   2 corrupt:    only restoring a checkpoint (full rollback), reconstruct
 *                 or substitute fixes it;
 *   3 persistent: nothing fixes it; quarantine isolates the component and
 *                 survival mode makes it healthy with minimal function;
 *   4 hang:       a soft reset hangs (until aborted or hang_ms), a hard
 *                 reset fixes it.
 * Parameters in /sys/module/nexus_test_component/parameters/: fault (rw),
 * report (wo: set a fault and report it), log (the strategies tc0 received),
 * clear (wo: healthy, normal mode, empty log), unregister (wo), counters,
 * predict (wo: "COMPONENT ACTION" publishes an active Crash prediction
 * naming COMPONENT, which may have spaces, with recommended action ACTION,
 * as an analyzer would), predict_oom (the same, an OutOfMemory one).
 */
#define pr_fmt(fmt) "nexus_test_component: " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/jiffies.h>
#include <nexus/nexus.h>
#include <nexus/heal.h>

#define TC_ALL	GENMASK(NEXUS_HEAL_SURVIVAL_MODE, NEXUS_HEAL_SOFT_RESET)

static unsigned int caps = TC_ALL;
module_param(caps, uint, 0400);
MODULE_PARM_DESC(caps, "strategies tc0 supports (NEXUS_HEAL_CAP bits)");

static unsigned int hang_ms = 60000;
module_param(hang_ms, uint, 0600);
MODULE_PARM_DESC(hang_ms, "how long a hanging soft reset hangs");

static DEFINE_MUTEX(tc_lock);
static DECLARE_WAIT_QUEUE_HEAD(tc_wq);
static int tc_fault;
static int tc_mode;		/* 0 normal, 1 quarantined, 2 survival */
static u64 tc_gen;		/* state generation */
static char tc_log[512];
static bool tc_abort;
static bool tc_registered;
static atomic_t tc_inflight = ATOMIC_INIT(0);
static unsigned int tc_checkpoints, tc_aborts, tc_recovers, tc_late;
static unsigned int tc_restored;

static const char * const tc_names[NEXUS_HEAL_COUNT] = {
	"monitor", "soft_reset", "hard_reset", "micro_rollback",
	"full_rollback", "reconstruct", "substitute", "quarantine",
	"survival_mode",
};

static int tc_health(void *priv)
{
	int h;

	if (priv)		/* tc1 is always healthy */
		return 0;
	mutex_lock(&tc_lock);
	if (!tc_registered)
		tc_late++;
	h = tc_mode == 2 ? 0 : tc_fault;
	mutex_unlock(&tc_lock);
	return h;
}

static int tc_hang(void)
{
	long left;

	left = wait_event_interruptible_timeout(tc_wq, READ_ONCE(tc_abort),
						msecs_to_jiffies(hang_ms));
	return left > 0 || READ_ONCE(tc_abort) ? -EINTR : -ETIME;
}

static int tc_recover(void *priv, enum nexus_healing_strategy s, u64 cookie)
{
	int ret = 0;

	if (priv)
		return 0;
	atomic_inc(&tc_inflight);
	mutex_lock(&tc_lock);
	if (!tc_registered)
		tc_late++;
	tc_recovers++;
	if (strlen(tc_log) + 20 < sizeof(tc_log))
		snprintf(tc_log + strlen(tc_log), sizeof(tc_log) - strlen(tc_log),
			 "%s%s", tc_log[0] ? "," : "",
			 s < NEXUS_HEAL_COUNT ? tc_names[s] : "?");
	tc_gen++;
	if (s == NEXUS_HEAL_SOFT_RESET && tc_fault == 4) {
		WRITE_ONCE(tc_abort, false);
		mutex_unlock(&tc_lock);
		ret = tc_hang();
		atomic_dec(&tc_inflight);
		return ret;
	}
	switch (s) {
	case NEXUS_HEAL_SOFT_RESET:
		if (tc_fault == 1)
			tc_fault = 0;
		break;
	case NEXUS_HEAL_HARD_RESET:
		if (tc_fault == 1 || tc_fault == 4)
			tc_fault = 0;
		break;
	case NEXUS_HEAL_FULL_ROLLBACK:
		if (!cookie || cookie > tc_gen) {
			ret = -EINVAL;
			break;
		}
		tc_restored = cookie;
		if (tc_fault == 1 || tc_fault == 2)
			tc_fault = 0;
		break;
	case NEXUS_HEAL_RECONSTRUCT:
	case NEXUS_HEAL_SUBSTITUTE:
		if (tc_fault != 3)
			tc_fault = 0;
		break;
	case NEXUS_HEAL_QUARANTINE:
		tc_mode = 1;
		break;
	case NEXUS_HEAL_SURVIVAL_MODE:
		tc_mode = 2;
		break;
	default:	/* micro rollback: undoes the last change, fixes nothing */
		break;
	}
	mutex_unlock(&tc_lock);
	atomic_dec(&tc_inflight);
	return ret;
}

static int tc_checkpoint(void *priv, u64 *cookie)
{
	int ret = 0;

	mutex_lock(&tc_lock);
	if (!priv && !tc_registered)
		tc_late++;
	if (!priv && tc_fault && tc_mode != 2) {
		ret = -EBUSY;		/* never checkpoint a bad state */
	} else {
		*cookie = ++tc_gen;
		if (!priv)
			tc_checkpoints++;
	}
	mutex_unlock(&tc_lock);
	return ret;
}

static void tc_abort_fn(void *priv)
{
	if (priv)
		return;
	mutex_lock(&tc_lock);
	WRITE_ONCE(tc_abort, true);
	tc_aborts++;
	mutex_unlock(&tc_lock);
	wake_up_all(&tc_wq);
}

static int tc_inject(void *priv, unsigned int fault)
{
	mutex_lock(&tc_lock);
	tc_fault = fault;
	tc_gen++;
	mutex_unlock(&tc_lock);
	return 0;
}

static struct nexus_component_ops tc0_ops = {
	.name = "tc0",
	.class = "test",
	.owner = THIS_MODULE,
	.chaos_faults = GENMASK(4, 1),
	.health = tc_health,
	.recover = tc_recover,
	.checkpoint = tc_checkpoint,
	.abort = tc_abort_fn,
	.inject = tc_inject,
};

static const struct nexus_component_ops tc1_ops = {
	.name = "tc1",
	.class = "test",
	.owner = THIS_MODULE,
	.strategies = TC_ALL,
	.priv = (void *)1,
	.health = tc_health,
	.recover = tc_recover,
	.checkpoint = tc_checkpoint,
	.abort = tc_abort_fn,
};

static int tc_set_fault(const char *val, const struct kernel_param *kp)
{
	unsigned int f;
	int ret = kstrtouint(val, 0, &f);

	if (ret)
		return ret;
	if (f > 4)
		return -ERANGE;
	tc_inject(NULL, f);
	if (kp->arg && f)
		return nexus_component_report(&tc0_ops, f);
	return 0;
}

static int tc_get_fault(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(tc_fault));
}

static const struct kernel_param_ops tc_fault_ops = {
	.set = tc_set_fault,
	.get = tc_get_fault,
};

module_param_cb(fault, &tc_fault_ops, NULL, 0600);
MODULE_PARM_DESC(fault, "tc0's fault class (0 healthy)");
module_param_cb(report, &tc_fault_ops, (void *)1, 0200);
MODULE_PARM_DESC(report, "set a fault class and report it to nexus_heal");

/*
 * "COMPONENT ACTION": the component string is everything before the last
 * word ("tc0", "pid 42 (busybox)"), the action that last word.  kp->arg
 * is the prediction's kind: Crash (predict, confidence 900) or
 * OutOfMemory (predict_oom, confidence 1000, as survival mode needs).
 */
static int tc_set_predict(const char *val, const struct kernel_param *kp)
{
	unsigned int kind = (unsigned long)kp->arg;
	struct nexus_finding f = {
		.class = NEXUS_FINDING_PREDICTION,
		.kind = kind,
		.confidence = kind == NEXUS_PRED_CRASH ? 900 : 1000,
		.flags = NEXUS_FINDING_ACTIVE,
		.metric = -1,
		.time_to_failure_ms = 5000,
	};
	char buf[64], *act;
	unsigned int action;
	int ret;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -E2BIG;
	strim(buf);
	act = strrchr(buf, ' ');
	if (!act || act == buf)
		return -EINVAL;
	*act++ = '\0';
	ret = kstrtouint(act, 10, &action);
	if (ret)
		return ret;
	if (action >= NEXUS_ACTION_COUNT)
		return -ERANGE;
	if (strscpy(f.component, strim(buf), sizeof(f.component)) < 0)
		return -E2BIG;
	f.action = action;
	strscpy(f.detail, "published by nexus_test_component", sizeof(f.detail));
	nexus_finding_publish(NULL, &f);
	return 0;
}

static const struct kernel_param_ops tc_predict_ops = {
	.set = tc_set_predict,
};

module_param_cb(predict, &tc_predict_ops, (void *)NEXUS_PRED_CRASH, 0200);
MODULE_PARM_DESC(predict, "publish a Crash prediction: COMPONENT ACTION");
module_param_cb(predict_oom, &tc_predict_ops,
		(void *)NEXUS_PRED_OUT_OF_MEMORY, 0200);
MODULE_PARM_DESC(predict_oom,
		 "publish an OutOfMemory prediction: COMPONENT ACTION");

static int tc_set_clear(const char *val, const struct kernel_param *kp)
{
	mutex_lock(&tc_lock);
	tc_fault = 0;
	tc_mode = 0;
	tc_log[0] = '\0';
	tc_recovers = 0;
	tc_aborts = 0;
	mutex_unlock(&tc_lock);
	return 0;
}

static const struct kernel_param_ops tc_clear_ops = {
	.set = tc_set_clear,
};

module_param_cb(clear, &tc_clear_ops, NULL, 0200);

static int tc_set_unregister(const char *val, const struct kernel_param *kp)
{
	bool was;

	mutex_lock(&tc_lock);
	was = tc_registered;
	mutex_unlock(&tc_lock);
	if (!was)
		return -ENOENT;
	nexus_component_unregister(&tc0_ops);
	mutex_lock(&tc_lock);
	tc_registered = false;
	mutex_unlock(&tc_lock);
	return 0;
}

static const struct kernel_param_ops tc_unregister_ops = {
	.set = tc_set_unregister,
};

module_param_cb(unregister, &tc_unregister_ops, NULL, 0200);

static int tc_get_log(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&tc_lock);
	n = sysfs_emit(buf, "%s\n", tc_log[0] ? tc_log : "-");
	mutex_unlock(&tc_lock);
	return n;
}

static const struct kernel_param_ops tc_log_ops = {
	.get = tc_get_log,
};

module_param_cb(log, &tc_log_ops, NULL, 0400);

static int tc_get_counter(char *buf, const struct kernel_param *kp)
{
	const char *n = kp->name;
	unsigned int v = 0;

	mutex_lock(&tc_lock);
	if (!strcmp(n, "checkpoints"))
		v = tc_checkpoints;
	else if (!strcmp(n, "aborts"))
		v = tc_aborts;
	else if (!strcmp(n, "recovers"))
		v = tc_recovers;
	else if (!strcmp(n, "late_calls"))
		v = tc_late;
	else if (!strcmp(n, "inflight"))
		v = atomic_read(&tc_inflight);
	else if (!strcmp(n, "mode"))
		v = tc_mode;
	else if (!strcmp(n, "registered"))
		v = tc_registered;
	else if (!strcmp(n, "restored"))
		v = tc_restored;
	mutex_unlock(&tc_lock);
	return sysfs_emit(buf, "%u\n", v);
}

static const struct kernel_param_ops tc_counter_ops = {
	.get = tc_get_counter,
};

module_param_cb(checkpoints, &tc_counter_ops, NULL, 0400);
module_param_cb(aborts, &tc_counter_ops, NULL, 0400);
module_param_cb(recovers, &tc_counter_ops, NULL, 0400);
module_param_cb(late_calls, &tc_counter_ops, NULL, 0400);
module_param_cb(inflight, &tc_counter_ops, NULL, 0400);
module_param_cb(mode, &tc_counter_ops, NULL, 0400);
module_param_cb(registered, &tc_counter_ops, NULL, 0400);
module_param_cb(restored, &tc_counter_ops, NULL, 0400);

static int __init tc_init(void)
{
	int ret;

	tc0_ops.strategies = caps & TC_ALL;
	mutex_lock(&tc_lock);
	tc_registered = true;
	mutex_unlock(&tc_lock);
	ret = nexus_component_register(&tc0_ops);
	if (ret)
		return ret;
	ret = nexus_component_register(&tc1_ops);
	if (ret)
		nexus_component_unregister(&tc0_ops);
	return ret;
}

static void __exit tc_exit(void)
{
	bool was;

	nexus_component_unregister(&tc1_ops);
	mutex_lock(&tc_lock);
	was = tc_registered;
	mutex_unlock(&tc_lock);
	if (was)
		nexus_component_unregister(&tc0_ops);
}

module_init(tc_init);
module_exit(tc_exit);
MODULE_DESCRIPTION("NEXUS test components for the healing selftests");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
