/*
 * Connection rules (NEST semantics) and construction of the CSR store.
 *
 * Every projection is generated twice from the same counter-based streams:
 * the first pass counts synapses per row, the second places them. This
 * costs a second round of random numbers but never holds more than the
 * final arrays plus a 2-byte delay per synapse.
 *
 * Each thread generates the synapses onto the targets it owns, into its
 * own block of rows: per target the draws are the same whichever thread
 * makes them, and a row keeps generation order (projection, target,
 * draw), so delivery adds into every target in the same order for any
 * number of threads.
 *
 * The static projections share one store (net->csr, rows indexed by
 * global source id); a projection whose synapses change or are looked at
 * gets a store of its own (rows indexed by its population-local source,
 * double weights), built the same way by the same code.
 *
 * Streams: sources (or targets, for fixed_outdegree) come from the
 * CONNECT stream of the neuron that owns the draw; weights and delays
 * from its SYNAPSE stream, so counting does not need to draw them.
 */
#include "engine/network.h"
#include "engine/plastic.h"
#include "util/pool.h"
#include "util/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LYRA__RNG_SYNAPSE = 5 };

typedef struct sink {
  int placing;      /* 0: count per source, 1: place */
  uint64_t *cursor; /* counting: counts; placing: next free slot per row;
                       indexed by source gid - src_base (this thread's
                       block) */
  uint32_t src_base;
  uint32_t *chan;
  float *weight; /* the shared static store */
  double *wide;  /* a store of its own: the weight as drawn */
  uint16_t *delay;
  int dmin, dmax;
  int bad_delay;  /* a drawn delay exceeded 65535 steps */
  int bad_weight; /* a negative weight onto conductance ports */
} sink;

/* What one projection needs while generating. */
typedef struct gen {
  const lyra_network *net;
  const lyra_projection_spec *s;
  int proj;
  uint32_t src0, tgt0, ns, nt;   /* first gids and sizes */
  uint32_t chan0;                /* channel of port 0, target 0 */
  uint32_t port_stride;          /* target population size */
  const lyra__model_desc *model; /* of the target population */
  uint64_t *bitmap;              /* distinct draws without multapses */
  const uint32_t *indeg;         /* fixed_total_number */
  uint32_t lo, hi; /* targets this thread owns (synapses live with them) */
} gen;

static inline void emit(sink *k, const gen *g, lyra__rng *syn, uint32_t src,
                        uint32_t tgt) {
  uint64_t gid = (uint64_t)g->src0 + src - k->src_base;
  if (!k->placing) {
    if (tgt >= g->lo && tgt < g->hi)
      k->cursor[gid]++;
    return;
  }
  /* Draw before filtering: fixed_outdegree generates every source's
   * synapses on every thread, and each must consume the stream alike. */
  double w = lyra__rng_dist(syn, &g->s->weight);
  double d = lyra__rng_dist(syn, &g->s->delay);
  if (tgt < g->lo || tgt >= g->hi) /* another thread's target */
    return;
  long steps = (long)(d / g->net->dt + 0.5); /* d > 0: round half up */
  if (steps < 1)
    steps = 1; /* drawn delays are clipped to one step (documented) */
  if (steps > 65535) {
    k->bad_delay = 1;
    steps = 65535;
  }
  if (w < 0.0 && g->model->nonnegative_weights)
    k->bad_weight = 1;
  int port = lyra__spike_port(g->model, g->s->receptor, w);
  uint64_t at = k->cursor[gid]++;
  k->chan[at] = g->chan0 + (uint32_t)port * g->port_stride + tgt;
  if (k->wide)
    k->wide[at] = w; /* plasticity works on the weight as NEST has it */
  else
    k->weight[at] = (float)lyra__port_weight(g->model, port, w);
  k->delay[at] = (uint16_t)steps;
  if ((int)steps < k->dmin)
    k->dmin = (int)steps;
  if ((int)steps > k->dmax)
    k->dmax = (int)steps;
}

static int is_autapse(const gen *g, uint32_t src, uint32_t tgt) {
  return g->s->source == g->s->target && src == tgt;
}

static void bit_set(uint64_t *b, uint32_t i) {
  b[i >> 6] |= 1ull << (i & 63);
}
static int bit_get(const uint64_t *b, uint32_t i) {
  return (int)(b[i >> 6] >> (i & 63)) & 1;
}

/* Draws n distinct values of [0, pool) except `skip` (pool may include it;
 * pass UINT32_MAX for none) by Floyd's algorithm, calling out(i) for each.
 * The bitmap is left clear. */
static void draw_distinct(const gen *g, lyra__rng *r, uint32_t pool,
                          uint32_t skip, uint32_t n, uint32_t *out) {
  uint32_t m = skip < pool ? pool - 1 : pool;
  uint32_t c = 0;
  for (uint32_t j = m - n; j < m; j++) {
    uint32_t v = lyra__rng_below(r, j + 1);
    if (bit_get(g->bitmap, v))
      v = j;
    bit_set(g->bitmap, v);
    out[c++] = v;
  }
  for (uint32_t i = 0; i < n; i++) {
    g->bitmap[out[i] >> 6] = 0;
    if (skip < pool && out[i] >= skip)
      out[i]++;
  }
}

/* Draws a uniform value of [0, pool) other than `skip` (if skip < pool). */
static uint32_t draw_one(lyra__rng *r, uint32_t pool, uint32_t skip) {
  if (skip >= pool)
    return lyra__rng_below(r, pool);
  uint32_t v = lyra__rng_below(r, pool - 1);
  return v >= skip ? v + 1 : v;
}

/* Sources for target t: fixed_indegree or fixed_total_number. */
static void gen_indegree(sink *k, const gen *g, uint32_t t, uint32_t n,
                         uint32_t *tmp) {
  lyra__rng r, syn;
  lyra__rng_init(&r, g->net->seed, LYRA__RNG_CONNECT, g->tgt0 + t,
                 (uint32_t)g->proj, 0);
  lyra__rng_init(&syn, g->net->seed, LYRA__RNG_SYNAPSE, g->tgt0 + t,
                 (uint32_t)g->proj, 0);
  uint32_t skip =
      (!g->s->allow_autapses && g->s->source == g->s->target) ? t : UINT32_MAX;
  if (g->s->allow_multapses) {
    for (uint32_t j = 0; j < n; j++)
      emit(k, g, &syn, draw_one(&r, g->ns, skip), t);
    return;
  }
  draw_distinct(g, &r, g->ns, skip, n, tmp);
  for (uint32_t j = 0; j < n; j++)
    emit(k, g, &syn, tmp[j], t);
}

static void gen_outdegree(sink *k, const gen *g, uint32_t s, uint32_t *tmp) {
  lyra__rng r, syn;
  uint32_t n = (uint32_t)g->s->n;
  lyra__rng_init(&r, g->net->seed, LYRA__RNG_CONNECT, g->src0 + s,
                 (uint32_t)g->proj, 1);
  lyra__rng_init(&syn, g->net->seed, LYRA__RNG_SYNAPSE, g->src0 + s,
                 (uint32_t)g->proj, 1);
  uint32_t skip =
      (!g->s->allow_autapses && g->s->source == g->s->target) ? s : UINT32_MAX;
  if (g->s->allow_multapses) {
    for (uint32_t j = 0; j < n; j++)
      emit(k, g, &syn, s, draw_one(&r, g->nt, skip));
    return;
  }
  draw_distinct(g, &r, g->nt, skip, n, tmp);
  for (uint32_t j = 0; j < n; j++)
    emit(k, g, &syn, s, tmp[j]);
}

static void gen_bernoulli(sink *k, const gen *g, uint32_t t) {
  lyra__rng r, syn;
  double p = g->s->p;
  lyra__rng_init(&r, g->net->seed, LYRA__RNG_CONNECT, g->tgt0 + t,
                 (uint32_t)g->proj, 0);
  lyra__rng_init(&syn, g->net->seed, LYRA__RNG_SYNAPSE, g->tgt0 + t,
                 (uint32_t)g->proj, 0);
  if (p <= 0.0)
    return;
  if (p >= 1.0) {
    for (uint32_t s = 0; s < g->ns; s++)
      if (g->s->allow_autapses || !is_autapse(g, s, t))
        emit(k, g, &syn, s, t);
    return;
  }
  /* Geometric skipping: the gap to the next chosen source is geometric. */
  double log_q = log1p(-p);
  double s = -1.0;
  for (;;) {
    s += 1.0 + floor(log(lyra__rng_uniform(&r)) / log_q);
    if (s >= (double)g->ns)
      return;
    uint32_t src = (uint32_t)s;
    if (g->s->allow_autapses || !is_autapse(g, src, t))
      emit(k, g, &syn, src, t);
  }
}

static void gen_dense(sink *k, const gen *g, uint32_t t) {
  lyra__rng syn;
  lyra__rng_init(&syn, g->net->seed, LYRA__RNG_SYNAPSE, g->tgt0 + t,
                 (uint32_t)g->proj, 0);
  if (g->s->rule == LYRA_RULE_ONE_TO_ONE) {
    if (g->s->allow_autapses || !is_autapse(g, t, t))
      emit(k, g, &syn, t, t);
    return;
  }
  for (uint32_t s = 0; s < g->ns; s++)
    if (g->s->allow_autapses || !is_autapse(g, s, t))
      emit(k, g, &syn, s, t);
}

/* fixed_total_number: split N over the targets as a multinomial, by
 * sequential conditional binomials from one stream (as NEST splits over
 * virtual processes, but down to single targets, so that the split does
 * not depend on the number of threads). */
static void split_total(uint64_t seed, int proj, uint64_t n, uint32_t nt,
                        uint32_t *indeg) {
  lyra__rng r;
  lyra__rng_init(&r, seed, LYRA__RNG_TOTAL, 0, (uint32_t)proj, 0);
  uint64_t left = n;
  for (uint32_t t = 0; t < nt; t++) {
    uint64_t k = lyra__rng_binomial(&r, left, 1.0 / (double)(nt - t));
    indeg[t] = (uint32_t)k;
    left -= k;
  }
}

static void gen_projection(sink *k, const gen *g, uint32_t *tmp) {
  switch (g->s->rule) {
  case LYRA_RULE_ALL_TO_ALL:
  case LYRA_RULE_ONE_TO_ONE:
    for (uint32_t t = g->lo; t < g->hi; t++)
      gen_dense(k, g, t);
    break;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    for (uint32_t t = g->lo; t < g->hi; t++)
      gen_bernoulli(k, g, t);
    break;
  case LYRA_RULE_FIXED_INDEGREE:
    for (uint32_t t = g->lo; t < g->hi; t++)
      gen_indegree(k, g, t, (uint32_t)g->s->n, tmp);
    break;
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    for (uint32_t t = g->lo; t < g->hi; t++)
      gen_indegree(k, g, t, g->indeg[t], tmp);
    break;
  case LYRA_RULE_FIXED_OUTDEGREE:
    for (uint32_t s = 0; s < g->ns; s++)
      gen_outdegree(k, g, s, tmp);
    break;
  }
}

void lyra__csr_free(lyra__csr *c) {
  free(c->row);
  free(c->gstart);
  free(c->gdelay);
  lyra__free_aligned(c->chan);
  lyra__free_aligned(c->weight);
  lyra__free_aligned(c->wide);
  memset(c, 0, sizeof *c);
}

static void gen_init(gen *g, const lyra_network *net, const lyra_model *m,
                     int proj, int tid) {
  const lyra_projection_spec *s = &m->projs[proj];
  const lyra__pop *tp = &net->pops[s->target];
  memset(g, 0, sizeof *g);
  g->net = net;
  g->s = s;
  g->proj = proj;
  g->src0 = net->pops[s->source].gid0;
  g->tgt0 = tp->gid0;
  g->ns = net->pops[s->source].n;
  g->nt = tp->n;
  g->chan0 = tp->chan_base;
  g->port_stride = tp->n;
  g->model = tp->model;
  g->lo = net->threads[tid].lo[s->target];
  g->hi = net->threads[tid].hi[s->target];
}

/* One store to build: a CSR and the projections that go into it. */
typedef struct job {
  lyra__csr *c;
  int *projs;
  int n_projs;
  uint32_t src_base; /* gid of row 0's source */
  int wide;          /* double weights (a store of its own) */
  uint16_t *delay;   /* per synapse, until grouped */
  uint64_t *syn_off; /* synapse offset of each row, [n_rows + 1] */
  uint64_t *ngroups; /* groups per row */
} job;

/* Shared state of a parallel construction. */
typedef struct build {
  lyra_network *net;
  const lyra_model *m;
  uint32_t **indeg; /* per projection, fixed_total_number only */
  sink *sinks;      /* per thread */
  int *rc;          /* per thread */
  job *jobs;
  int n_jobs;
  job *cur;       /* the store being worked on */
  int bad_weight; /* see sink */
} build;

/* One pass over every projection for the targets thread tid owns. */
static void pass_thread(void *arg, int tid) {
  build *b = arg;
  lyra_network *net = b->net;
  uint32_t maxn = 1;
  for (int i = 0; i < net->n_pops; i++)
    maxn = net->pops[i].n > maxn ? net->pops[i].n : maxn;
  uint32_t *tmp = lyra__malloc(lyra__mul_size(maxn, 4));
  uint64_t *bitmap = lyra__calloc(maxn / 64 + 1, 8);
  b->rc[tid] = (tmp && bitmap) ? 0 : LYRA_ENOMEM;
  for (int i = 0; !b->rc[tid] && i < b->cur->n_projs; i++) {
    int p = b->cur->projs[i];
    gen g;
    gen_init(&g, net, b->m, p, tid);
    g.bitmap = bitmap;
    g.indeg = b->indeg[p];
    gen_projection(&b->sinks[tid], &g, tmp);
  }
  free(tmp);
  free(bitmap);
}

/* Scratch of one thread for sorting rows. */
typedef struct sort_tmp {
  uint32_t *count; /* 65536 entries, zero between rows */
  uint32_t *chan;
  void *weight; /* float or double */
  uint16_t *delay;
} sort_tmp;

/* Stable counting sort of one row by delay; returns its number of delay
 * groups. */
static uint64_t sort_row(job *j, uint64_t lo, uint64_t hi, sort_tmp *t) {
  lyra__csr *c = j->c;
  uint16_t *delay = j->delay;
  uint32_t *count = t->count;
  uint16_t dlo = UINT16_MAX, dhi = 0;
  for (uint64_t i = lo; i < hi; i++) {
    count[delay[i]]++;
    dlo = delay[i] < dlo ? delay[i] : dlo;
    dhi = delay[i] > dhi ? delay[i] : dhi;
  }
  if (hi == lo)
    return 0;
  if (dlo == dhi) {
    count[dlo] = 0;
    return 1;
  }
  uint64_t groups = 0;
  uint32_t at = 0;
  for (uint32_t d = dlo; d <= dhi; d++) { /* counts become start offsets */
    uint32_t n = count[d];
    groups += n > 0;
    count[d] = at;
    at += n;
  }
  for (uint64_t i = lo; i < hi; i++) {
    uint32_t to = count[delay[i]]++;
    t->chan[to] = c->chan[i];
    if (j->wide)
      ((double *)t->weight)[to] = c->wide[i];
    else
      ((float *)t->weight)[to] = c->weight[i];
    t->delay[to] = delay[i];
  }
  memcpy(c->chan + lo, t->chan, (hi - lo) * sizeof *t->chan);
  if (j->wide)
    memcpy(c->wide + lo, t->weight, (hi - lo) * sizeof *c->wide);
  else
    memcpy(c->weight + lo, t->weight, (hi - lo) * sizeof *c->weight);
  memcpy(delay + lo, t->delay, (hi - lo) * sizeof *t->delay);
  memset(count + dlo, 0, ((size_t)dhi - dlo + 1) * sizeof *count);
  return groups;
}

/* Sorts this thread's rows by delay and counts their groups. */
static void sort_thread(void *arg, int tid) {
  build *b = arg;
  job *j = b->cur;
  uint64_t r0 = (uint64_t)tid * j->c->n_src, r1 = r0 + j->c->n_src;
  uint64_t max_row = 0;
  for (uint64_t r = r0; r < r1; r++)
    if (j->syn_off[r + 1] - j->syn_off[r] > max_row)
      max_row = j->syn_off[r + 1] - j->syn_off[r];
  sort_tmp t = {lyra__calloc(65536, sizeof *t.count),
                lyra__malloc(lyra__mul_size(max_row, 4)),
                lyra__malloc(lyra__mul_size(max_row, 8)),
                lyra__malloc(lyra__mul_size(max_row, 2))};
  b->rc[tid] = (t.count && t.chan && t.weight && t.delay) ? 0 : LYRA_ENOMEM;
  for (uint64_t r = r0; !b->rc[tid] && r < r1; r++)
    j->ngroups[r] = sort_row(j, j->syn_off[r], j->syn_off[r + 1], &t);
  free(t.count);
  free(t.chan);
  free(t.weight);
  free(t.delay);
}

/* Writes the groups of this thread's (sorted) rows. */
static void group_thread(void *arg, int tid) {
  build *b = arg;
  job *j = b->cur;
  lyra__csr *c = j->c;
  uint64_t r0 = (uint64_t)tid * c->n_src, r1 = r0 + c->n_src;
  for (uint64_t r = r0; r < r1; r++) {
    uint64_t g = c->row[r];
    for (uint64_t i = j->syn_off[r]; i < j->syn_off[r + 1]; i++)
      if (i == j->syn_off[r] || j->delay[i] != j->delay[i - 1]) {
        c->gstart[g] = i;
        c->gdelay[g++] = j->delay[i];
      }
  }
}

static int run_phase(build *b, lyra__pool *pool, lyra__pool_fn fn) {
  int rc = lyra__pool_run(pool, fn, b);
  for (int t = 0; !rc && t < b->net->n_threads; t++)
    rc = b->rc[t];
  return rc;
}

/* fixed_total_number: in-degrees of all targets, before the threads
 * start, so that every thread sees the same split. */
static int split_totals(build *b) {
  for (int p = 0; p < b->m->n_projs; p++) {
    const lyra_projection_spec *s = &b->m->projs[p];
    if (s->rule != LYRA_RULE_FIXED_TOTAL_NUMBER)
      continue;
    uint32_t nt = b->net->pops[s->target].n;
    b->indeg[p] = lyra__malloc(lyra__mul_size(nt, 4));
    if (!b->indeg[p])
      return LYRA_ENOMEM;
    split_total(b->net->seed, p, s->n, nt, b->indeg[p]);
  }
  return 0;
}

/* Pass 1: counts per row, then the rows' synapse offsets. */
static int count_rows(build *b, lyra__pool *pool) {
  job *j = b->cur;
  lyra__csr *c = j->c;
  for (int t = 0; t < b->net->n_threads; t++)
    b->sinks[t] = (sink){.cursor = j->syn_off + 1 + (uint64_t)t * c->n_src,
                         .src_base = j->src_base};
  int rc = run_phase(b, pool, pass_thread);
  if (rc)
    return rc;
  for (uint64_t r = 0; r < c->n_rows; r++)
    j->syn_off[r + 1] += j->syn_off[r];
  c->n_syn = j->syn_off[c->n_rows];
  return 0;
}

/* Pass 2: places every synapse in its row, in generation order. */
static int place_synapses(build *b, lyra__pool *pool) {
  job *j = b->cur;
  lyra__csr *c = j->c;
  uint64_t *cursor = lyra__malloc(lyra__mul_size(c->n_rows, 8));
  c->chan = lyra__malloc_aligned(lyra__mul_size(c->n_syn, 4));
  if (j->wide)
    c->wide = lyra__malloc_aligned(lyra__mul_size(c->n_syn, 8));
  else
    c->weight = lyra__malloc_aligned(lyra__mul_size(c->n_syn, 4));
  j->delay = lyra__malloc(lyra__mul_size(c->n_syn, 2));
  if (!cursor || !c->chan || !(c->wide || c->weight) || !j->delay) {
    free(cursor);
    return LYRA_ENOMEM;
  }
  memcpy(cursor, j->syn_off, c->n_rows * sizeof *cursor);
  for (int t = 0; t < b->net->n_threads; t++)
    b->sinks[t] = (sink){.placing = 1,
                         .cursor = cursor + (uint64_t)t * c->n_src,
                         .src_base = j->src_base,
                         .chan = c->chan,
                         .weight = c->weight,
                         .wide = c->wide,
                         .delay = j->delay,
                         .dmin = INT32_MAX};
  int rc = run_phase(b, pool, pass_thread);
  free(cursor);
  return rc;
}

/* Sorts rows by delay and builds the delay groups. */
static int make_groups(build *b, lyra__pool *pool) {
  job *j = b->cur;
  lyra__csr *c = j->c;
  int rc = run_phase(b, pool, sort_thread);
  if (rc)
    return rc;
  uint64_t g = 0;
  for (uint64_t r = 0; r < c->n_rows; r++) {
    c->row[r] = g;
    g += j->ngroups[r];
  }
  c->row[c->n_rows] = c->n_groups = g;
  c->gstart = lyra__malloc(lyra__mul_size(g + 1, 8));
  c->gdelay = lyra__malloc(lyra__mul_size(g + 1, 2));
  if (!c->gstart || !c->gdelay)
    return LYRA_ENOMEM;
  c->gstart[g] = c->n_syn;
  return lyra__pool_run(pool, group_thread, b);
}

/* Collects the delay range the placing pass saw. */
static void note_delays(build *b) {
  lyra_network *net = b->net;
  for (int t = 0; t < net->n_threads; t++) {
    const sink *k = &b->sinks[t];
    net->dmin = k->dmin < net->dmin ? k->dmin : net->dmin;
    net->dmax = k->dmax > net->dmax ? k->dmax : net->dmax;
    if (k->bad_delay || k->bad_weight)
      b->rc[t] = LYRA_EINVAL;
    b->bad_weight |= k->bad_weight;
  }
}

/* Runs one construction step over every store. */
typedef int (*step_fn)(build *b, lyra__pool *pool);

static int each_job(build *b, lyra__pool *pool, step_fn fn) {
  for (int i = 0; i < b->n_jobs; i++) {
    b->cur = &b->jobs[i];
    int rc = fn(b, pool);
    if (rc)
      return rc;
    if (fn == place_synapses) {
      note_delays(b);
      for (int t = 0; t < b->net->n_threads; t++)
        if (b->rc[t])
          return b->rc[t];
    }
  }
  return 0;
}

static int connect_all(build *b, double *t0) {
  lyra__pool pool;
  int rc = lyra__pool_init(&pool, b->net->n_threads);
  if (rc)
    return rc;
  if (!(rc = split_totals(b)) && !(rc = each_job(b, &pool, count_rows))) {
    lyra__phase(b->net, "count synapses", t0);
    if (!(rc = each_job(b, &pool, place_synapses))) {
      lyra__phase(b->net, "place synapses", t0);
      if (!(rc = each_job(b, &pool, make_groups)))
        lyra__phase(b->net, "delay groups", t0);
    }
  }
  lyra__pool_destroy(&pool);
  return rc;
}

static void free_build(build *b) {
  for (int p = 0; b->indeg && p < b->m->n_projs; p++)
    free(b->indeg[p]);
  free(b->indeg);
  free(b->sinks);
  free(b->rc);
  for (int i = 0; b->jobs && i < b->n_jobs; i++) {
    free(b->jobs[i].projs);
    free(b->jobs[i].delay);
    free(b->jobs[i].syn_off);
    free(b->jobs[i].ngroups);
  }
  free(b->jobs);
}

/* Sets up a job for csr c over n_src sources from gid src_base. */
static int job_init(job *j, lyra__csr *c, uint64_t n_src, uint32_t src_base,
                    int wide, int T) {
  j->c = c;
  j->src_base = src_base;
  j->wide = wide;
  c->n_src = n_src;
  c->n_rows = n_src * (uint64_t)T;
  c->row = lyra__malloc(lyra__mul_size(c->n_rows + 1, 8));
  j->syn_off = lyra__calloc(c->n_rows + 1, 8);
  j->ngroups = lyra__malloc(lyra__mul_size(c->n_rows + 1, 8));
  return (c->row && j->syn_off && j->ngroups) ? 0 : LYRA_ENOMEM;
}

/* Job 0: the shared static store; then one per separate projection, in
 * the order of net->stores. */
static int plan_jobs(build *b) {
  lyra_network *net = b->net;
  const lyra_model *m = b->m;
  int T = net->n_threads;
  b->n_jobs = 1 + net->n_stores;
  b->jobs = lyra__calloc((size_t)b->n_jobs, sizeof *b->jobs);
  if (!b->jobs)
    return LYRA_ENOMEM;
  job *j0 = &b->jobs[0];
  j0->projs = lyra__malloc(sizeof(int) * ((size_t)m->n_projs + 1));
  if (!j0->projs || job_init(j0, &net->csr, net->n_neurons, 0, 0, T))
    return LYRA_ENOMEM;
  for (int p = 0; p < m->n_projs; p++)
    if (!lyra__proj_is_separate(m, p))
      j0->projs[j0->n_projs++] = p;
  for (int i = 0; i < net->n_stores; i++) {
    lyra__store *st = &net->stores[i];
    job *j = &b->jobs[1 + i];
    j->projs = lyra__malloc(sizeof(int));
    if (!j->projs || job_init(j, &st->csr, st->ns, st->src0, 1, T))
      return LYRA_ENOMEM;
    j->projs[0] = st->proj;
    j->n_projs = 1;
  }
  return 0;
}

int lyra__build_connectivity(lyra_network *net, const lyra_model *m,
                             double *t0) {
  build b = {.net = net, .m = m};
  int T = net->n_threads;
  b.indeg = lyra__calloc((size_t)m->n_projs + 1, sizeof *b.indeg);
  b.sinks = lyra__calloc((size_t)T, sizeof *b.sinks);
  b.rc = lyra__calloc((size_t)T, sizeof *b.rc);
  net->dmin = INT32_MAX;
  net->dmax = 0;
  int rc = (b.indeg && b.sinks && b.rc) ? plan_jobs(&b) : LYRA_ENOMEM;
  if (!rc)
    rc = connect_all(&b, t0);
  free_build(&b);
  if (rc == LYRA_EINVAL && b.bad_weight)
    return lyra__network_error(net, LYRA_EINVAL,
                               "a weight onto a model with conductance "
                               "receptor ports is negative; it must be >= 0 "
                               "nS (E_rev of the port decides its sign)");
  if (rc == LYRA_EINVAL)
    return lyra__network_error(net, LYRA_EINVAL,
                               "a drawn delay exceeds 65535 steps");
  if (rc)
    return lyra__network_error(net, rc,
                               "out of memory for connectivity (%llu "
                               "synapses)",
                               (unsigned long long)net->csr.n_syn);
  if (net->dmax == 0)
    net->dmin = net->dmax = 0;
  return 0;
}
