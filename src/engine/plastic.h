/*
 * plastic.h - projections with stores of their own: plastic synapses,
 * synaptic scaling and weight recording.
 *
 * Ownership follows the engine's rule: a synapse lives with the thread
 * that owns its target, and only that thread changes its weight. The
 * postsynaptic spike history of a neuron is written and read by its
 * owner alone. The presynaptic state (traces, last spike time) depends
 * only on the source's spikes, which every thread sees in the same order;
 * each thread keeps its own copy, so no state is shared.
 *
 * Spike-timing rules are evaluated as NEST does, lazily at each
 * presynaptic spike: first the potentiation due to the postsynaptic spikes
 * that reached the synapse since the previous presynaptic spike, then the
 * depression. To keep the histories short, a thread periodically applies
 * the pending potentiation of sources that have been silent for a while
 * ("catching up", see lyra__stores_after_slice). A synapse then sees the
 * same updates in the same order as without catching up, so results do not
 * depend on when it happens, and the history only has to reach back one
 * catch-up period plus the longest delay.
 */
#ifndef LYRA_PLASTIC_H
#define LYRA_PLASTIC_H

#include "engine/network.h"
#include "models/synapses.h"

#include <math.h>

/* One postsynaptic spike: its stamp (step + 1) and the postsynaptic
 * traces just after it (K-, and the triplet trace). */
typedef struct lyra__post_entry {
  uint32_t t;
  double k, k3;
} lyra__post_entry;

/* The recent postsynaptic spikes of one neuron, oldest first, in a ring
 * whose capacity is a power of two. */
typedef struct lyra__post_hist {
  uint32_t head, n, cap;
  lyra__post_entry *e;
} lyra__post_hist;

/* The newest two of them, in a dense array of their own: most synapses
 * need nothing else, and this stays in cache. Stamps are >= 1; 0: none. */
typedef struct lyra__post_last {
  uint32_t t, prev;
  double k; /* K- just after t */
} lyra__post_last;

static inline lyra__post_entry *lyra__hist_at(const lyra__post_hist *h,
                                              uint32_t i) {
  return &h->e[(h->head + i) & (h->cap - 1)];
}

/* exp(-steps dt / tau) for whole steps, tabulated for short intervals
 * (the table holds exactly what the formula gives). */
typedef struct lyra__decay {
  double *tab;
  uint32_t n;
  double rate; /* dt / tau */
} lyra__decay;

static inline double lyra__decay_at(const lyra__decay *d, int64_t steps) {
  if ((uint64_t)steps < d->n)
    return d->tab[steps];
  return exp(-(double)steps * d->rate);
}

/* The presynaptic side of every source, one copy per thread. */
typedef struct lyra__pre {
  int64_t *t_last; /* stamp of the last spike: 0 before any, as NEST (a
                      tsodyks2_synapse: -1) */
  int64_t *t_fac;  /* potentiation applied for postsynaptic spikes reaching
                      the synapse up to this stamp */
  double *k;       /* [3 ns]: the rule's state of source u at k[3 u] */
} lyra__pre;

struct lyra__store {
  int proj, kind;
  char name[LYRA__NAME_MAX];  /* the projection's */
  unsigned dump_formats;      /* write all synapses at finish */
  double p[LYRA__MAX_PARAMS]; /* synapse parameters */
  int src_pop, tgt_pop;
  uint32_t ns, nt, src0, tgt0;
  uint32_t chan0; /* channel of port 0 of target 0 */
  int magnitude;  /* the target adds |w| (conductance models) */
  lyra__csr csr;  /* weights in csr.wide */
  /* Per-synapse state of two nearest-neighbour rules, whose state is
   * changed by each synapse's own postsynaptic spikes:
   * stdp_nn_pre_centered_synapse: its presynaptic trace (8 bytes more: a
   * float would not keep the weights within 1e-9 of NEST's);
   * stdp_nn_restr_synapse: 1 if a postsynaptic spike has been paired
   * since the last presynaptic one (1 byte more). */
  double *trace;
  uint8_t *paired;
  lyra__pre *pre;        /* [n_threads] */
  lyra__post_hist *post; /* [nt], spike-timing rules */
  lyra__post_last *last; /* [nt] */
  lyra__decay d_plus, d_plus3, d_minus, d_minus3;
  int64_t catch_up; /* period, steps */
  int dmax;         /* longest delay of the store, steps */
  int n_scalers;    /* scalers that include this store */
};

/* Multiplicative scaling of the excitatory weights onto one population. */
struct lyra__scaler {
  lyra_scaling_spec spec;
  int pop;
  int *stores; /* indices into net->stores */
  int n_stores;
  uint32_t nt;
  double *nu;       /* [nt] rate estimate (Hz) just after t_nu */
  int64_t *t_nu;    /* [nt] stamp of its last update */
  double *factor;   /* [nt] this application's factor (or sum) */
  int64_t interval; /* steps */
};

/* Weights of chosen synapses, at an interval. Records are in canonical
 * order (source, target, delay, creation), the same for any number of
 * threads. */
struct lyra__weight_rec {
  int store;
  unsigned formats;
  uint64_t n;          /* synapses recorded */
  uint32_t *src, *tgt; /* [n] population-local */
  uint64_t *idx;       /* [n] index into the store's arrays */
  uint64_t *range;     /* [n_threads + 1]: synapse indices per thread */
  double *buf[2];      /* [n] a record, by slice parity */
  int64_t stamp[2];    /* stamp of the record in buf, -1 if none */
  int64_t interval;    /* steps */
  lyra__outfile bin, text;
};

/* Spike port and target (population-local) of channel ch. Models with
 * one or two spike ports take the first two branches; multisynapse
 * models may have more ports. */
static inline uint32_t lyra__store_port(const lyra__store *st, uint32_t ch) {
  uint32_t j = ch - st->chan0;
  return j < st->nt ? 0 : j / st->nt;
}

static inline uint32_t lyra__store_target(const lyra__store *st, uint32_t ch) {
  uint32_t j = ch - st->chan0;
  if (j < st->nt)
    return j;
  j -= st->nt;
  return j < st->nt ? j : j % st->nt;
}

/* What weight w adds to channel ch: conductance models take |w| on the
 * excitatory port and -|w| on the inhibitory one (they have two ports). */
static inline double lyra__store_value(const lyra__store *st, uint32_t ch,
                                       double w) {
  if (!st->magnitude)
    return w;
  return lyra__store_port(st, ch) ? -fabs(w) : fabs(w);
}

/* Bytes each synapse of st takes: channel, weight, per-synapse state. */
static inline uint64_t lyra__store_bytes_per_synapse(const lyra__store *st) {
  return 12 + (st->trace ? 8 : 0) + (st->paired ? 1 : 0);
}

/* Synapses [first, end) of thread t's rows. */
static inline uint64_t lyra__store_first(const lyra__store *st, int t) {
  return st->csr.gstart[st->csr.row[(uint64_t)t * st->ns]];
}

/* build: stores for the separate projections, before connectivity. */
int lyra__stores_plan(lyra_network *net, const lyra_model *m);
/* build: state, histories, scalers and recorders, after connectivity. */
int lyra__stores_init(lyra_network *net, const lyra_model *m);
void lyra__stores_free(lyra_network *net);

/* Delivers the spike of source u (population-local) emitted at step s
 * through thread tid's rows of store st, updating plastic weights and the
 * thread's presynaptic state. Returns the synapses reached. */
uint64_t lyra__store_deliver(lyra_network *net, lyra__store *st, int tid,
                             uint32_t u, int64_t s);
/* Records the spikes (population-local idx) that pop emitted at step s
 * in the histories and rate estimates of their owner, thread tid.
 * LYRA_ENOMEM if a history cannot grow. */
int lyra__stores_post_spikes(lyra_network *net, int pop, int64_t s,
                             const uint32_t *idx, uint32_t n);
/* Thread tid, after delivering the slice of stamps (t0, t1]: catch-up,
 * scaling and weight samples, each when a multiple of its period falls in
 * the slice. par is the slice's parity. */
void lyra__stores_after_slice(lyra_network *net, int tid, int64_t t0,
                              int64_t t1, int par);
/* Applies source u's pending potentiation in thread tid's rows of st up
 * to stamp t. */
void lyra__store_catch_up_source(lyra_network *net, lyra__store *st, int tid,
                                 uint32_t u, int64_t t);

/* engine/scaling.c */
int lyra__scalers_init(lyra_network *net, const lyra_model *m);
void lyra__scalers_free(lyra_network *net);
/* Neuron j of the scaler's population spiked at stamp t. */
void lyra__scaler_spike(lyra__scaler *sc, uint32_t j, int64_t t, double dt);
void lyra__scalers_apply(lyra_network *net, int tid, int64_t t0, int64_t t1);

/* record/weights.c */
void lyra__weights_sample(lyra_network *net, int tid, int64_t t0, int64_t t1,
                          int par);
/* Thread 0 writes the weight samples taken in the slice of parity par;
 * _pending writes whatever samples are left, oldest first. */
int lyra__weights_write(lyra_network *net, int par);
int lyra__weights_write_pending(lyra_network *net);
/* Brings the weights of st, or of every store, up to the current step
 * (single-threaded). */
void lyra__store_catch_up(lyra_network *net, lyra__store *st);
void lyra__stores_catch_up_all(lyra_network *net);
/* Opens / commits / aborts the weight recorders and synapse dumps. */
int lyra__weights_open(lyra_network *net, const lyra_model *m);
int lyra__weights_close(lyra_network *net);
void lyra__weights_abort(lyra_network *net);

#endif
