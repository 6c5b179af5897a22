// SPDX-License-Identifier: GPL-2.0
/*
 * Findings: the predictions, anomalies and insights the analyzers publish.
 *
 * A finding is one object for the life of a condition: publishing it again
 * with the same id updates it in place.  The core keeps the last
 * NEXUS_FINDINGS_LEN; each publication is a stream event, and a finding
 * flagged NEXUS_FINDING_NOTIFY is also announced as a KOBJ_CHANGE uevent on
 * /dev/nexus (SUBSYSTEM=misc) so that udev or systemd can react.
 *
 * Each publication is also a NEXUS_EV_FINDING bus event: the engine
 * delivers it in its next tick to the modules whose event_mask has it,
 * and they read the finding with nexus_finding_get().  That is how an
 * actuator (nexus_heal) acts on what an analyzer found without the two
 * modules knowing each other.
 */
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/export.h>
#include "internal.h"

#define NEXUS_FINDINGS_LEN	256

static struct nexus_finding nexus_findings[NEXUS_FINDINGS_LEN];
static u64 nexus_finding_next_id = 1;
static DEFINE_SPINLOCK(nexus_findings_lock);

static struct nexus_finding *nexus_finding_slot(u64 id)
{
	struct nexus_finding *f = &nexus_findings[id % NEXUS_FINDINGS_LEN];

	return f->id == id ? f : NULL;
}

/**
 * nexus_finding_publish() - publish a new finding or update one
 * @src: the publishing module (its name is recorded), or NULL for the core
 * @f: the finding; @f->id 0 publishes a new one and receives its id,
 *	otherwise the finding with that id is updated
 *
 * Process context (the uevent allocates).
 *
 * Return: the finding's id.
 */
u64 nexus_finding_publish(const struct nexus_module_ops *src,
			  struct nexus_finding *f)
{
	struct nexus_finding *slot;
	u64 now = ktime_get_ns();
	bool notify;

	spin_lock(&nexus_findings_lock);
	slot = f->id ? nexus_finding_slot(f->id) : NULL;
	if (!slot) {
		/* New, or too old to be kept: it gets a fresh id. */
		u64 first = f->ts_ns;

		f->id = nexus_finding_next_id++;
		f->ts_ns = first ? first : now;
		slot = &nexus_findings[f->id % NEXUS_FINDINGS_LEN];
	}
	f->updated_ns = now;
	strscpy(f->source, src ? src->name : "core", sizeof(f->source));
	*slot = *f;
	spin_unlock(&nexus_findings_lock);

	nexus_work_charge(1);
	nexus_stream_emit(NEXUS_EV_FINDING, 0, f->id, f->flags);
	nexus_bus_push(NEXUS_EV_FINDING, 0, f->id, f->flags);
	notify = f->flags & NEXUS_FINDING_NOTIFY;
	if (notify)
		nexus_sysfs_uevent_finding(f);
	return f->id;
}
EXPORT_SYMBOL_GPL(nexus_finding_publish);

/**
 * nexus_finding_get() - a copy of a finding the core still keeps
 * @id: its id (from a NEXUS_EV_FINDING event's arg0)
 * @out: where to copy it
 *
 * Not from interrupt context (it takes the findings' spinlock).  The copy is the finding's latest
 * publication; a finding updated since the event shows the update.
 *
 * Return: 0, or -ENOENT if @id is unknown or was overwritten by newer
 * findings.
 */
int nexus_finding_get(u64 id, struct nexus_finding *out)
{
	struct nexus_finding *f;
	int ret = -ENOENT;

	spin_lock(&nexus_findings_lock);
	f = id ? nexus_finding_slot(id) : NULL;
	if (f) {
		*out = *f;
		ret = 0;
	}
	spin_unlock(&nexus_findings_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nexus_finding_get);

/**
 * nexus_findings_read() - findings with an id above a cursor, oldest first
 * @cursor: the last id the caller has
 * @out: where to copy them
 * @max: capacity of @out
 *
 * Return: the number copied.
 */
int nexus_findings_read(u64 cursor, struct nexus_finding *out, unsigned int max)
{
	unsigned int n = 0;
	u64 id, first;

	spin_lock(&nexus_findings_lock);
	first = nexus_finding_next_id > NEXUS_FINDINGS_LEN ?
		nexus_finding_next_id - NEXUS_FINDINGS_LEN : 1;
	for (id = max(cursor + 1, first); id < nexus_finding_next_id && n < max;
	     id++) {
		struct nexus_finding *f = nexus_finding_slot(id);

		if (f)
			out[n++] = *f;
	}
	spin_unlock(&nexus_findings_lock);
	return n;
}

/**
 * nexus_findings_total() - findings published since load
 *
 * Return: the count.
 */
u64 nexus_findings_total(void)
{
	return READ_ONCE(nexus_finding_next_id) - 1;
}

static const char * const nexus_class_names[NEXUS_FINDING_CLASS_COUNT] = {
	"prediction", "anomaly", "insight",
};

/**
 * nexus_findings_dump() - the findings kept, one line each, for debugfs
 * @m: the seq_file
 */
void nexus_findings_dump(struct seq_file *m)
{
	struct nexus_finding *f;
	u64 id, first, end;

	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return;
	seq_puts(m, "# id class kind confidence ttf_ms action state source component detail\n");
	end = READ_ONCE(nexus_finding_next_id);
	first = end > NEXUS_FINDINGS_LEN ? end - NEXUS_FINDINGS_LEN : 1;
	for (id = first; id < end; id++) {
		struct nexus_finding *s;
		bool have = false;

		spin_lock(&nexus_findings_lock);
		s = nexus_finding_slot(id);
		if (s) {
			*f = *s;
			have = true;
		}
		spin_unlock(&nexus_findings_lock);
		if (!have)
			continue;
		seq_printf(m, "%llu %s %s %u.%03u %llu %s %s %s %s %s\n", f->id,
			   f->class < NEXUS_FINDING_CLASS_COUNT ?
			   nexus_class_names[f->class] : "?",
			   f->class == NEXUS_FINDING_PREDICTION ?
			   nexus_prediction_name(f->kind) : "-",
			   f->confidence / 1000, f->confidence % 1000,
			   f->time_to_failure_ms, nexus_action_name(f->action),
			   f->flags & NEXUS_FINDING_RESOLVED ? "resolved" : "active",
			   f->source, f->component[0] ? f->component : "-",
			   f->detail);
	}
	kfree(f);
}
