// SPDX-License-Identifier: GPL-2.0
/*
 * bus_bench - cost of the NEXUS event bus ring (nexus_core/lib/nx_ring.h),
 * the same code the kernel's probes use, measured on the host.
 *
 * Prints ns per event for: push and drain on one thread (with and without
 * branch hints and prefetch), a producer and a consumer on two threads, and
 * two producers sharing one locked ring against one lock-free ring each
 * (performance/enable_lockfree).  Figures, not assertions.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nx_ring.h"

#define CAP	10001		/* event_queue_size 10000 */
#define BATCH	256
#define LINE	64

struct ring_mem {
	struct nx_ring r;
	void *mem;
};

static void ring_init(struct ring_mem *m, u32 cap)
{
	if (posix_memalign(&m->mem, LINE,
			   2 * LINE + (size_t)cap * sizeof(struct nx_ring_slot)))
		abort();
	memset(m->mem, 0, 2 * LINE);
	m->r.head = m->mem;
	m->r.tail = (u32 *)((char *)m->mem + LINE);
	m->r.slots = (struct nx_ring_slot *)((char *)m->mem + 2 * LINE);
	m->r.cap = cap;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct nx_ring_slot out[BATCH];

static double single(long n, bool hints, bool pf)
{
	struct ring_mem m;
	struct nx_ring_slot s = { { 1, 2, 3, 4 } };
	double t0;
	long i;
	int j;

	ring_init(&m, CAP);
	t0 = now_ns();
	for (i = 0; i < n; i += BATCH) {
		for (j = 0; j < BATCH; j++) {
			s.w[0] = i + j;
			if (hints)
				nx_ring_put(&m.r, &s, true);
			else
				nx_ring_put(&m.r, &s, false);
		}
		nx_ring_take(&m.r, out, BATCH, pf);
	}
	t0 = (now_ns() - t0) / n;
	free(m.mem);
	return t0;
}

struct pc {
	struct ring_mem *m;
	pthread_spinlock_t *lock;
	long n;
	long dropped;
};

static void *producer(void *arg)
{
	struct pc *p = arg;
	struct nx_ring_slot s = { { 0 } };
	long i;

	for (i = 0; i < p->n; i++) {
		bool ok;

		s.w[0] = i;
		if (p->lock) {
			pthread_spin_lock(p->lock);
			ok = nx_ring_put(&p->m->r, &s, true);
			pthread_spin_unlock(p->lock);
		} else {
			ok = nx_ring_put(&p->m->r, &s, true);
		}
		if (!ok)
			p->dropped++;
	}
	return NULL;
}

/* nprod producers into one locked ring (locked) or one ring each. */
static double threaded(int nprod, bool locked, long n, long *dropped)
{
	struct ring_mem rings[2];
	struct pc pcs[2];
	pthread_spinlock_t lock;
	pthread_t th[2];
	double t0;
	long got = 0;
	int i, nr = locked ? 1 : nprod;

	pthread_spin_init(&lock, 0);
	for (i = 0; i < nr; i++)
		ring_init(&rings[i], CAP);
	t0 = now_ns();
	for (i = 0; i < nprod; i++) {
		pcs[i] = (struct pc){ &rings[locked ? 0 : i], locked ? &lock : NULL, n, 0 };
		pthread_create(&th[i], NULL, producer, &pcs[i]);
	}
	/* The consumer: this thread, like the engine draining every ring. */
	while (got + pcs[0].dropped + (nprod > 1 ? pcs[1].dropped : 0) < nprod * n) {
		for (i = 0; i < nr; i++) {
			if (locked)
				pthread_spin_lock(&lock);
			got += nx_ring_take(&rings[i].r, out, BATCH, true);
			if (locked)
				pthread_spin_unlock(&lock);
		}
	}
	for (i = 0; i < nprod; i++)
		pthread_join(th[i], NULL);
	t0 = (now_ns() - t0) / (nprod * n);
	*dropped = pcs[0].dropped + (nprod > 1 ? pcs[1].dropped : 0);
	for (i = 0; i < nr; i++)
		free(rings[i].mem);
	return t0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000000;
	long d1, d2;
	double a, b;

	printf("bus ring: %ld events, slot %zu bytes, ring %d slots\n", n,
	       sizeof(struct nx_ring_slot), CAP);
	printf("  one thread, push+drain, hints+prefetch:   %6.2f ns/event\n",
	       single(n, true, true));
	printf("  one thread, push+drain, no hints:         %6.2f ns/event\n",
	       single(n, false, true));
	printf("  one thread, push+drain, no prefetch:      %6.2f ns/event\n",
	       single(n, true, false));
	a = threaded(1, false, n / 4, &d1);
	printf("  producer + consumer threads:              %6.2f ns/event (%ld dropped)\n",
	       a, d1);
	a = threaded(2, false, n / 4, &d1);
	b = threaded(2, true, n / 4, &d2);
	printf("  2 producers, lock-free ring each:         %6.2f ns/event (%ld dropped)\n",
	       a, d1);
	printf("  2 producers, one locked ring:             %6.2f ns/event (%ld dropped)\n",
	       b, d2);
	printf("  locked / lock-free:                       %6.2fx\n", b / a);
	return 0;
}
