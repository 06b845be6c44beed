/*
 * Threads for one parallel region: run(fn) calls fn(arg, tid) on
 * n threads (the caller is thread 0) and returns when all are done.
 * Inside, lyra__pool_barrier() waits for all of them. Plain pthreads and
 * C11 atomics, so ThreadSanitizer understands every synchronisation.
 */
#ifndef LYRA_POOL_H
#define LYRA_POOL_H

#include <pthread.h>
#include <stdatomic.h>

/* The barrier spins briefly, then yields: a slice of a conductance-based
 * network with one-step delays is a single step (tens of microseconds),
 * so a sleeping pthread barrier would cost more than the work, while pure
 * spinning would starve oversubscribed runs (more threads than cores). */
typedef struct lyra__pool {
  int n;
  int spin_limit; /* pauses before yielding in a barrier */
  atomic_int arrived;
  atomic_uint generation;
} lyra__pool;

typedef void (*lyra__pool_fn)(void *arg, int tid);

/* 0, or LYRA_ENOMEM / LYRA_EINVAL if the threads could not be made. */
int lyra__pool_init(lyra__pool *p, int n);
void lyra__pool_destroy(lyra__pool *p);
/* Runs fn on p->n threads. Returns 0, or LYRA_ENOMEM if a thread could not
 * be started (then nothing ran). */
int lyra__pool_run(lyra__pool *p, lyra__pool_fn fn, void *arg);
void lyra__pool_barrier(lyra__pool *p);

#endif
