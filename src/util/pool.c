/* Parallel regions on pthreads (see pool.h). Threads are started per
 * region: a region is a whole build phase or a whole simulate call, so the
 * cost (tens of microseconds) does not matter.
 *
 * Started threads wait at a gate until all of them exist: if one cannot be
 * created, the others are told to go home before anyone reaches a barrier
 * that could never fill. */
#include "util/pool.h"
#include "lyra_internal.h"

#include <sched.h>
#include <stdlib.h>

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

typedef struct gate {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int state; /* 0 wait, 1 go, -1 abort */
} gate;

typedef struct job {
  lyra__pool_fn fn;
  void *arg;
  int tid;
  gate *g;
} job;

static void *trampoline(void *p) {
  job *j = p;
  pthread_mutex_lock(&j->g->mu);
  while (j->g->state == 0)
    pthread_cond_wait(&j->g->cv, &j->g->mu);
  int go = j->g->state == 1;
  pthread_mutex_unlock(&j->g->mu);
  if (go)
    j->fn(j->arg, j->tid);
  return NULL;
}

int lyra__pool_init(lyra__pool *p, int n) {
  p->n = 0;
  if (n < 1 || n > 1024)
    return LYRA_EINVAL;
  atomic_init(&p->arrived, 0);
  atomic_init(&p->generation, 0);
  p->n = n;
  /* Spinning only pays while every thread has a core of its own. */
  p->spin_limit = n <= lyra__resolve_threads(0) ? 2000 : 0;
  return 0;
}

void lyra__pool_destroy(lyra__pool *p) {
  p->n = 0;
}

static void open_gate(gate *g, int state) {
  pthread_mutex_lock(&g->mu);
  g->state = state;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
}

int lyra__pool_run(lyra__pool *p, lyra__pool_fn fn, void *arg) {
  if (p->n == 1) {
    fn(arg, 0);
    return 0;
  }
  pthread_t *th = lyra__calloc((size_t)p->n, sizeof *th);
  job *jobs = lyra__calloc((size_t)p->n, sizeof *jobs);
  gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  int started = 1;
  if (th && jobs)
    for (; started < p->n; started++) {
      jobs[started] = (job){fn, arg, started, &g};
      if (pthread_create(&th[started], NULL, trampoline, &jobs[started]))
        break;
    }
  int ok = th && jobs && started == p->n;
  open_gate(&g, ok ? 1 : -1);
  if (ok)
    fn(arg, 0);
  for (int t = 1; t < started; t++)
    pthread_join(th[t], NULL);
  pthread_mutex_destroy(&g.mu);
  pthread_cond_destroy(&g.cv);
  free(th);
  free(jobs);
  return ok ? 0 : LYRA_ENOMEM;
}

void lyra__pool_barrier(lyra__pool *p) {
  if (p->n == 1)
    return;
  unsigned gen = atomic_load_explicit(&p->generation, memory_order_acquire);
  if (atomic_fetch_add_explicit(&p->arrived, 1, memory_order_acq_rel) ==
      p->n - 1) {
    /* Last to arrive: reset the count, then release the others. */
    atomic_store_explicit(&p->arrived, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
    return;
  }
  for (int spins = 0;
       atomic_load_explicit(&p->generation, memory_order_acquire) == gen;
       spins++) {
    if (spins < p->spin_limit)
      cpu_relax(); /* leaves the core's resources to a sibling thread */
    else
      sched_yield(); /* waited long, or more threads than cores */
  }
}
