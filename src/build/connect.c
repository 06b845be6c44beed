/*
 * Connection rules (NEST semantics) and construction of the CSR store.
 *
 * Every projection is generated twice from the same counter-based streams:
 * the first pass counts synapses per source, the second places them. This
 * costs a second round of random numbers but never holds more than the
 * final arrays plus a 2-byte delay per synapse, which is what keeps the
 * full-scale microcircuit within its memory budget.
 *
 * Streams: sources (or targets, for fixed_outdegree) come from the
 * CONNECT stream of the neuron that owns the draw; weights and delays
 * from its SYNAPSE stream, so counting does not need to draw them.
 */
#include "engine/network.h"
#include "util/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LYRA__RNG_SYNAPSE = 5 };

typedef struct sink {
  int placing;      /* 0: count per source, 1: place */
  uint64_t *cursor; /* counting: counts; placing: next free slot per source */
  uint32_t *chan;
  float *weight;
  uint16_t *delay;
  int dmin, dmax;
  int bad_delay; /* a drawn delay exceeded 65535 steps */
} sink;

/* What one projection needs while generating. */
typedef struct gen {
  const lyra_network *net;
  const lyra_projection_spec *s;
  int proj;
  uint32_t src0, tgt0, ns, nt; /* first gids and sizes */
  uint32_t chan0;              /* channel of port 0, target 0 */
  uint32_t port_stride;        /* target population size */
  int n_spike_ports;
  const lyra__model_desc *model; /* of the target population */
  uint64_t *bitmap;              /* distinct draws without multapses */
  uint32_t *indeg;               /* fixed_total_number */
} gen;

static inline void emit(sink *k, const gen *g, lyra__rng *syn, uint32_t src,
                        uint32_t tgt) {
  uint64_t gid = (uint64_t)g->src0 + src;
  if (!k->placing) {
    k->cursor[gid]++;
    return;
  }
  double w = lyra__rng_dist(syn, &g->s->weight);
  double d = lyra__rng_dist(syn, &g->s->delay);
  long steps = lround(d / g->net->dt);
  if (steps < 1)
    steps = 1; /* drawn delays are clipped to one step (documented) */
  if (steps > 65535) {
    k->bad_delay = 1;
    steps = 65535;
  }
  int port = 0;
  if (g->n_spike_ports > 1)
    port = g->s->receptor == LYRA_RECEPTOR_EX   ? 0
           : g->s->receptor == LYRA_RECEPTOR_IN ? 1
                                                : (w < 0.0);
  w = lyra__port_weight(g->model, port, w);
  uint64_t at = k->cursor[gid]++;
  k->chan[at] = g->chan0 + (uint32_t)port * g->port_stride + tgt;
  k->weight[at] = (float)w;
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
static void split_total(const gen *g) {
  lyra__rng r;
  lyra__rng_init(&r, g->net->seed, LYRA__RNG_TOTAL, 0, (uint32_t)g->proj, 0);
  uint64_t left = g->s->n;
  for (uint32_t t = 0; t < g->nt; t++) {
    uint64_t k = lyra__rng_binomial(&r, left, 1.0 / (double)(g->nt - t));
    g->indeg[t] = (uint32_t)k;
    left -= k;
  }
}

static void gen_projection(sink *k, const gen *g, uint32_t *tmp) {
  switch (g->s->rule) {
  case LYRA_RULE_ALL_TO_ALL:
  case LYRA_RULE_ONE_TO_ONE:
    for (uint32_t t = 0; t < g->nt; t++)
      gen_dense(k, g, t);
    break;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    for (uint32_t t = 0; t < g->nt; t++)
      gen_bernoulli(k, g, t);
    break;
  case LYRA_RULE_FIXED_INDEGREE:
    for (uint32_t t = 0; t < g->nt; t++)
      gen_indegree(k, g, t, (uint32_t)g->s->n, tmp);
    break;
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    for (uint32_t t = 0; t < g->nt; t++)
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
  memset(c, 0, sizeof *c);
}

/* Sorts one row by delay (stable: generation order within a delay) and
 * appends its groups. tmp_* hold at least the row's length. */
static int group_row(lyra__csr *c, uint64_t lo, uint64_t hi,
                     const uint16_t *delay, uint32_t *tmp_chan, float *tmp_w,
                     uint64_t *ng, uint64_t *gcap) {
  uint16_t dlo = UINT16_MAX, dhi = 0;
  for (uint64_t i = lo; i < hi; i++) {
    dlo = delay[i] < dlo ? delay[i] : dlo;
    dhi = delay[i] > dhi ? delay[i] : dhi;
  }
  uint32_t nd = hi > lo ? (uint32_t)(dhi - dlo) + 1 : 0;
  if (*ng + nd + 1 > *gcap) {
    uint64_t ncap = (*ng + nd + 1) * 2;
    uint64_t *gs = lyra__realloc(c->gstart, ncap * sizeof *gs);
    if (gs)
      c->gstart = gs;
    uint16_t *gd = lyra__realloc(c->gdelay, ncap * sizeof *gd);
    if (gd)
      c->gdelay = gd;
    if (!gs || !gd)
      return LYRA_ENOMEM;
    *gcap = ncap;
  }
  if (nd == 1) {
    c->gstart[*ng] = lo;
    c->gdelay[(*ng)++] = dlo;
    return 0;
  }
  /* Counting sort over the row's delay range. */
  uint64_t n = hi - lo, at = 0;
  for (uint32_t d = 0; d < nd; d++) {
    uint64_t first = at;
    for (uint64_t i = lo; i < hi; i++)
      if (delay[i] == dlo + d) {
        tmp_chan[at] = c->chan[i];
        tmp_w[at++] = c->weight[i];
      }
    if (at > first) {
      c->gstart[*ng] = lo + first;
      c->gdelay[(*ng)++] = (uint16_t)(dlo + d);
    }
  }
  memcpy(c->chan + lo, tmp_chan, n * sizeof *tmp_chan);
  memcpy(c->weight + lo, tmp_w, n * sizeof *tmp_w);
  return 0;
}

static int build_groups(lyra__csr *c, const uint16_t *delay, uint64_t max_row) {
  uint32_t *tmp_chan = lyra__malloc(lyra__mul_size(max_row, 4));
  float *tmp_w = lyra__malloc(lyra__mul_size(max_row, 4));
  uint64_t ng = 0, gcap = 0;
  int rc = (tmp_chan && tmp_w) ? 0 : LYRA_ENOMEM;
  uint64_t *syn_start = c->row; /* row holds synapse offsets on entry */
  uint64_t prev = 0;
  for (uint64_t s = 0; !rc && s < c->n_src; s++) {
    uint64_t lo = prev, hi = syn_start[s + 1];
    prev = hi;
    syn_start[s] = ng; /* becomes the group offset of row s */
    rc = group_row(c, lo, hi, delay, tmp_chan, tmp_w, &ng, &gcap);
  }
  free(tmp_chan);
  free(tmp_w);
  if (rc)
    return rc;
  c->row[c->n_src] = ng;
  uint64_t *gs = lyra__realloc(c->gstart, (ng + 1) * sizeof *gs);
  if (!gs)
    return LYRA_ENOMEM;
  c->gstart = gs;
  c->gstart[ng] = c->n_syn;
  c->n_groups = ng;
  return 0;
}

static void gen_init(gen *g, const lyra_network *net, const lyra_model *m,
                     int proj) {
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
  g->n_spike_ports = tp->model->n_spike_ports;
  g->model = tp->model;
}

/* Runs every projection through the sink (one pass). */
static int run_pass(lyra_network *net, const lyra_model *m, sink *k) {
  uint32_t maxn = 1;
  for (int i = 0; i < net->n_pops; i++)
    maxn = net->pops[i].n > maxn ? net->pops[i].n : maxn;
  uint32_t *tmp = lyra__malloc(lyra__mul_size(maxn, 4));
  uint64_t *bitmap = lyra__calloc(maxn / 64 + 1, 8);
  int rc = (tmp && bitmap) ? 0 : LYRA_ENOMEM;
  for (int p = 0; !rc && p < m->n_projs; p++) {
    gen g;
    gen_init(&g, net, m, p);
    g.bitmap = bitmap;
    if (g.s->rule == LYRA_RULE_FIXED_TOTAL_NUMBER) {
      g.indeg = lyra__malloc(lyra__mul_size(g.nt, 4));
      if (!g.indeg) {
        rc = LYRA_ENOMEM;
        break;
      }
      split_total(&g);
    }
    gen_projection(k, &g, tmp);
    free(g.indeg);
  }
  free(tmp);
  free(bitmap);
  return rc;
}

int lyra__build_connectivity(lyra_network *net, const lyra_model *m) {
  lyra__csr *c = &net->csr;
  sink k = {0};
  uint16_t *delay = NULL;
  int rc;
  c->n_src = net->n_neurons;
  c->row = lyra__calloc(c->n_src + 1, sizeof *c->row);
  if (!c->row)
    return lyra__network_error(net, LYRA_ENOMEM,
                               "out of memory for connectivity");
  /* Pass 1: count per source; row[s + 1] = count of s. */
  k.cursor = c->row + 1;
  if ((rc = run_pass(net, m, &k)))
    return lyra__network_error(net, rc, "out of memory for connectivity");
  uint64_t max_row = 0;
  for (uint64_t s = 0; s < c->n_src; s++) {
    max_row = c->row[s + 1] > max_row ? c->row[s + 1] : max_row;
    c->row[s + 1] += c->row[s];
  }
  c->n_syn = c->row[c->n_src];
  c->chan = lyra__malloc_aligned(lyra__mul_size(c->n_syn, 4));
  c->weight = lyra__malloc_aligned(lyra__mul_size(c->n_syn, 4));
  delay = lyra__malloc(lyra__mul_size(c->n_syn, 2));
  k.cursor = lyra__malloc(lyra__mul_size(c->n_src, 8));
  if (!c->chan || !c->weight || !delay || !k.cursor) {
    free(delay);
    free(k.cursor);
    return lyra__network_error(net, LYRA_ENOMEM,
                               "out of memory for %llu synapses",
                               (unsigned long long)c->n_syn);
  }
  /* Pass 2: place. */
  memcpy(k.cursor, c->row, c->n_src * sizeof *k.cursor);
  k.placing = 1;
  k.chan = c->chan;
  k.weight = c->weight;
  k.delay = delay;
  k.dmin = INT32_MAX;
  k.dmax = 0;
  rc = run_pass(net, m, &k);
  free(k.cursor);
  if (!rc)
    rc = build_groups(c, delay, max_row);
  free(delay);
  if (rc)
    return lyra__network_error(net, rc, "out of memory for connectivity");
  if (k.bad_delay)
    return lyra__network_error(net, LYRA_EINVAL,
                               "a drawn delay exceeds 65535 steps");
  net->dmin = c->n_syn ? k.dmin : 0;
  net->dmax = c->n_syn ? k.dmax : 0;
  return 0;
}
