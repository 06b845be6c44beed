/*
 * Plastic synapses in the slice loop: delivery through a projection's own
 * store, postsynaptic histories, and catching up on pending potentiation.
 * See plastic.h for the ownership rules and models/synapses.h for the
 * formulas.
 *
 * Times are stamps in steps (a spike emitted in step s has stamp s + 1,
 * NEST's spike time). For a synapse with delay d, a presynaptic spike is
 * at the synapse at its stamp and a postsynaptic spike at its stamp + d:
 * the whole delay is dendritic, as in NEST.
 */
#include "engine/plastic.h"

#include <stdlib.h>
#include <string.h>

/* Keeps the postsynaptic histories at most this long (plus the longest
 * delay): sources silent for longer get their pending potentiation applied
 * early. */
#define CATCH_UP_MS 500.0
/* Steps tabulated for exp(-steps dt / tau). */
#define DECAY_TABLE 4096u

/* ---- setting up ------------------------------------------------------- */

int lyra__stores_plan(lyra_network *net, const lyra_model *m) {
  int n = 0;
  for (int p = 0; p < m->n_projs; p++)
    n += lyra__proj_is_separate(m, p);
  net->n_stores = n;
  if (!n)
    return 0;
  net->stores = lyra__calloc((size_t)n, sizeof *net->stores);
  if (!net->stores)
    return LYRA_ENOMEM;
  int k = 0;
  for (int p = 0; p < m->n_projs; p++) {
    if (!lyra__proj_is_separate(m, p))
      continue;
    const lyra_projection_spec *s = &m->projs[p];
    const lyra__proj_ext *e = &m->pext[p];
    lyra__store *st = &net->stores[k++];
    const lyra__pop *sp = &net->pops[s->source], *tp = &net->pops[s->target];
    st->proj = p;
    st->kind = e->synapse->kind;
    memcpy(st->p, e->params, sizeof st->p);
    memcpy(st->name, e->name, sizeof st->name);
    st->dump_formats = e->dump_formats;
    st->src_pop = s->source;
    st->tgt_pop = s->target;
    st->ns = sp->n;
    st->nt = tp->n;
    st->src0 = sp->gid0;
    st->tgt0 = tp->gid0;
    st->chan0 = tp->chan_base;
    st->magnitude = tp->model->weight_is_magnitude;
  }
  return 0;
}

static int decay_init(lyra__decay *d, double dt, double tau) {
  d->rate = dt / tau;
  d->n = DECAY_TABLE;
  d->tab = lyra__malloc(DECAY_TABLE * sizeof *d->tab);
  if (!d->tab)
    return LYRA_ENOMEM;
  for (uint32_t i = 0; i < DECAY_TABLE; i++)
    d->tab[i] = exp(-(double)i * d->rate);
  return 0;
}

/* The time constants of the rule's traces: pre, pre triplet, post, post
 * triplet (0: unused). */
static void trace_taus(const lyra__store *st, double tau[4]) {
  const double *p = st->p;
  memset(tau, 0, 4 * sizeof *tau);
  switch (st->kind) {
  case LYRA__SYN_STDP:
  case LYRA__SYN_STDP_NN_SYMM:
  case LYRA__SYN_STDP_NN_PRE:
  case LYRA__SYN_STDP_NN_RESTR:
    tau[0] = p[STDP_TAU_PLUS];
    tau[2] = p[STDP_TAU_MINUS];
    break;
  case LYRA__SYN_STDP_TRIPLET:
    tau[0] = p[TRIP_TAU_PLUS];
    tau[1] = p[TRIP_TAU_PLUS_TRIPLET];
    tau[2] = p[TRIP_TAU_MINUS];
    tau[3] = p[TRIP_TAU_MINUS_TRIPLET];
    break;
  case LYRA__SYN_VOGELS: /* one time constant for both sides */
    tau[0] = tau[2] = p[VS_TAU];
    break;
  default:
    break;
  }
}

/* NEST refuses a weight whose sign differs from Wmax's; so does lyra. */
static int check_signs(lyra_network *net, const lyra__store *st) {
  double wmax = st->kind == LYRA__SYN_STDP_TRIPLET ? st->p[TRIP_WMAX]
                : st->kind == LYRA__SYN_VOGELS     ? st->p[VS_WMAX]
                                                   : st->p[STDP_WMAX];
  for (uint64_t i = 0; i < st->csr.n_syn; i++) {
    double w = st->csr.wide[i];
    if (w != 0.0 && (w < 0.0) != (wmax < 0.0))
      return lyra__network_error(net, LYRA_EINVAL,
                                 "projection '%s': weight %g and Wmax %g must "
                                 "have the same sign",
                                 st->name, w, wmax);
  }
  return 0;
}

static int init_pre(lyra_network *net, lyra__store *st) {
  st->pre = lyra__calloc((size_t)net->n_threads, sizeof *st->pre);
  if (!st->pre)
    return LYRA_ENOMEM;
  double s0[3] = {0, 0, 0};
  int64_t t0 = 0;
  if (lyra__syn_is_stp(st->kind))
    lyra__stp_init(st->kind, st->p, s0);
  if (st->kind == LYRA__SYN_TSODYKS2)
    t0 = -1; /* its first spike is sent with the initial state */
  if (st->kind == LYRA__SYN_STDP)
    s0[0] = st->p[STDP_KPLUS];
  else if (st->kind == LYRA__SYN_STDP_TRIPLET) {
    s0[0] = st->p[TRIP_KPLUS];
    s0[1] = st->p[TRIP_KPLUS_TRIPLET];
  } else if (st->kind == LYRA__SYN_VOGELS)
    s0[0] = st->p[VS_KPLUS];
  for (int t = 0; t < net->n_threads; t++) {
    lyra__pre *pr = &st->pre[t];
    pr->t_last = lyra__malloc(lyra__mul_size(st->ns, 8));
    pr->t_fac = lyra__malloc(lyra__mul_size(st->ns, 8));
    pr->k = lyra__malloc(lyra__mul_size(st->ns, 24));
    if (!pr->t_last || !pr->t_fac || !pr->k)
      return LYRA_ENOMEM;
    for (uint32_t u = 0; u < st->ns; u++) {
      pr->t_last[u] = pr->t_fac[u] = t0;
      memcpy(pr->k + 3 * (uint64_t)u, s0, sizeof s0);
    }
    net->bytes_total += (uint64_t)st->ns * 40;
  }
  return 0;
}

static int init_store(lyra_network *net, lyra__store *st) {
  int rc;
  for (uint64_t g = 0; g < st->csr.n_groups; g++)
    st->dmax = st->csr.gdelay[g] > st->dmax ? st->csr.gdelay[g] : st->dmax;
  if (lyra__syn_is_stdp(st->kind) && (rc = check_signs(net, st)))
    return rc;
  if ((rc = init_pre(net, st)))
    return lyra__network_error(net, rc, "out of memory");
  double tau[4];
  trace_taus(st, tau);
  lyra__decay *d[4] = {&st->d_plus, &st->d_plus3, &st->d_minus, &st->d_minus3};
  for (int i = 0; i < 4; i++)
    if (tau[i] > 0 && decay_init(d[i], net->dt, tau[i]))
      return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  if (st->kind == LYRA__SYN_STDP_NN_PRE) {
    st->trace = lyra__malloc_aligned(lyra__mul_size(st->csr.n_syn, 8));
    if (!st->trace)
      return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
    for (uint64_t i = 0; i < st->csr.n_syn; i++)
      st->trace[i] = st->p[STDP_KPLUS];
  }
  if (st->kind == LYRA__SYN_STDP_NN_RESTR) {
    st->paired = lyra__calloc(st->csr.n_syn + 1, 1);
    if (!st->paired)
      return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  }
  if (lyra__syn_is_stdp(st->kind)) {
    st->post = lyra__calloc(st->nt, sizeof *st->post);
    st->last = lyra__calloc(st->nt, sizeof *st->last);
    if (!st->post || !st->last)
      return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  }
  st->catch_up = llround(CATCH_UP_MS / net->dt);
  if (st->catch_up < 1)
    st->catch_up = 1;
  return 0;
}

int lyra__stores_init(lyra_network *net, const lyra_model *m) {
  for (int i = 0; i < net->n_stores; i++) {
    lyra__store *st = &net->stores[i];
    int rc = init_store(net, st);
    if (rc)
      return rc;
    const lyra__csr *c = &st->csr;
    net->bytes_total += c->n_syn * lyra__store_bytes_per_synapse(st) +
                        c->n_groups * 10 + c->n_rows * 8;
  }
  return lyra__scalers_init(net, m);
}

static void free_store(lyra_network *net, lyra__store *st) {
  lyra__csr_free(&st->csr);
  lyra__free_aligned(st->trace);
  free(st->paired);
  for (int t = 0; st->pre && t < net->n_threads; t++) {
    free(st->pre[t].t_last);
    free(st->pre[t].t_fac);
    free(st->pre[t].k);
  }
  free(st->pre);
  for (uint32_t j = 0; st->post && j < st->nt; j++)
    free(st->post[j].e);
  free(st->post);
  free(st->last);
  free(st->d_plus.tab);
  free(st->d_plus3.tab);
  free(st->d_minus.tab);
  free(st->d_minus3.tab);
}

void lyra__stores_free(lyra_network *net) {
  lyra__scalers_free(net);
  for (int i = 0; net->stores && i < net->n_stores; i++)
    free_store(net, &net->stores[i]);
  free(net->stores);
  net->stores = NULL;
}

/* ---- postsynaptic spikes --------------------------------------------- */

static int hist_grow(lyra__post_hist *h) {
  uint32_t cap = h->cap ? 2 * h->cap : 8;
  lyra__post_entry *e = lyra__malloc(lyra__mul_size(cap, sizeof *e));
  if (!e)
    return LYRA_ENOMEM;
  for (uint32_t i = 0; i < h->n; i++)
    e[i] = *lyra__hist_at(h, i);
  free(h->e);
  h->e = e;
  h->head = 0;
  h->cap = cap;
  return 0;
}

/* Appends a spike with stamp t to target j's history; the traces jump by
 * one after decaying from the previous spike, as NEST's archiving node
 * has them. */
static int hist_push(const lyra__store *st, uint32_t j, int64_t t) {
  lyra__post_hist *h = &st->post[j];
  if (h->n == h->cap && hist_grow(h))
    return LYRA_ENOMEM;
  double k = 1.0, k3 = 1.0;
  if (h->n) {
    const lyra__post_entry *last = lyra__hist_at(h, h->n - 1);
    k = last->k * lyra__decay_at(&st->d_minus, t - last->t) + 1.0;
    if (st->d_minus3.tab)
      k3 = last->k3 * lyra__decay_at(&st->d_minus3, t - last->t) + 1.0;
  }
  lyra__post_entry *e = &h->e[(h->head + h->n) & (h->cap - 1)];
  e->t = (uint32_t)t;
  e->k = k;
  e->k3 = k3;
  h->n++;
  lyra__post_last *l = &st->last[j];
  l->prev = l->t;
  l->t = (uint32_t)t;
  l->k = k;
  return 0;
}

/* Drops the spikes at or before stamp cut except the newest of them (it
 * still gives the traces after cut). */
static void hist_prune(lyra__post_hist *h, int64_t cut) {
  while (h->n >= 2 && (int64_t)lyra__hist_at(h, 1)->t <= cut) {
    h->head = (h->head + 1) & (h->cap - 1);
    h->n--;
  }
}

int lyra__stores_post_spikes(lyra_network *net, int pop, int64_t s,
                             const uint32_t *idx, uint32_t n) {
  for (int i = 0; i < net->n_stores; i++) {
    lyra__store *st = &net->stores[i];
    if (st->tgt_pop != pop || !st->post)
      continue;
    for (uint32_t k = 0; k < n; k++)
      if (hist_push(st, idx[k], s + 1))
        return LYRA_ENOMEM;
  }
  for (int i = 0; i < net->n_scalers; i++) {
    lyra__scaler *sc = &net->scalers[i];
    if (sc->pop != pop || sc->spec.mode != LYRA_SCALING_RATE)
      continue;
    for (uint32_t k = 0; k < n; k++)
      lyra__scaler_spike(sc, idx[k], s + 1, net->dt);
  }
  return 0;
}

/* ---- one synapse ------------------------------------------------------ */

/* The presynaptic side of one update of a source's synapses: a spike at
 * stamp t_end, or a catch-up to t_end. */
typedef struct pre_ctx {
  int64_t t_last; /* the source's previous spike */
  int64_t t_fac;  /* potentiation applied up to here (synapse time) */
  int64_t t_end;
  double kplus; /* presynaptic trace just after t_last */
  double kx;    /* triplet: presynaptic triplet trace just before t_end */
  int spike;    /* 1: a spike (depression too), 0: catch-up */
} pre_ctx;

/* Potentiation by one postsynaptic spike with stamp t (triplet trace k3
 * just after it), reaching the synapse at t + d. first: it is the first
 * since the last presynaptic spike (the nearest-neighbour rules use only
 * that one). */
static inline __attribute__((always_inline)) double
potentiate_one(lyra__store *st, int kind, const pre_ctx *c, int64_t t,
               double k3, int first, int d, uint64_t i, double w) {
  const double *p = st->p;
  double decay = lyra__decay_at(&st->d_plus, t + d - c->t_last);
  switch (kind) {
  case LYRA__SYN_STDP:
    return lyra__stdp_facilitate(p, w, c->kplus * decay);
  case LYRA__SYN_STDP_NN_SYMM: /* each post spike with the last pre spike */
    return lyra__stdp_facilitate(p, w, decay);
  case LYRA__SYN_STDP_NN_PRE: /* the first post spike takes the trace */
    if (first && st->trace[i] != 0.0) {
      w = lyra__stdp_facilitate(p, w, st->trace[i] * decay);
      st->trace[i] = 0.0;
    }
    return w;
  case LYRA__SYN_STDP_NN_RESTR: /* only the first post spike pairs */
    if (first && !st->paired[i]) {
      w = lyra__stdp_facilitate(p, w, decay);
      st->paired[i] = 1;
    }
    return w;
  case LYRA__SYN_STDP_TRIPLET:
    return lyra__triplet_facilitate(p, w, c->kplus * decay, k3 - 1.0);
  case LYRA__SYN_VOGELS:
    return lyra__vogels_facilitate(p, w, c->kplus * decay);
  default:
    return w;
  }
}

/* Stamp of entry k of h; the newest two (l) without touching the ring. */
static inline int64_t hist_t(const lyra__post_hist *h, const lyra__post_last *l,
                             uint32_t k) {
  if (k + 1 == h->n)
    return l->t;
  if (k + 2 == h->n)
    return l->prev;
  return lyra__hist_at(h, k)->t;
}

/* Rules whose potentiation is scaled by the presynaptic trace do nothing
 * while it is zero (before the first presynaptic spike). */
static inline int potentiates(int kind, const pre_ctx *c) {
  return c->kplus != 0.0 || kind == LYRA__SYN_STDP_NN_PRE ||
         kind == LYRA__SYN_STDP_NN_RESTR;
}

/* Potentiation by the postsynaptic spikes [a, b) of history h. */
static inline __attribute__((always_inline)) double
potentiate(lyra__store *st, int kind, const pre_ctx *c,
           const lyra__post_hist *h, const lyra__post_last *l, uint32_t a,
           uint32_t b, int d, uint64_t i, double w) {
  if (!potentiates(kind, c))
    return w;
  for (uint32_t k = a; k < b; k++) {
    double k3 = kind == LYRA__SYN_STDP_TRIPLET ? lyra__hist_at(h, k)->k3 : 0.0;
    w = potentiate_one(st, kind, c, hist_t(h, l, k), k3, k == a, d, i, w);
  }
  return w;
}

/* Depression at a presynaptic spike; tq is the stamp of the latest
 * postsynaptic spike strictly before t_end - d (0: none) and kq its K-. */
static inline __attribute__((always_inline)) double
depress(lyra__store *st, int kind, const pre_ctx *c, int64_t tq, double kq,
        int d, uint64_t i, double w) {
  const double *p = st->p;
  double k = 0.0, nn = 0.0; /* all-to-all and nearest-neighbour K- */
  if (tq) {
    nn = lyra__decay_at(&st->d_minus, c->t_end - d - tq);
    k = kq * nn;
  }
  switch (kind) {
  case LYRA__SYN_STDP:
    return lyra__stdp_depress(p, w, k);
  case LYRA__SYN_STDP_NN_SYMM:
    return lyra__stdp_depress(p, w, nn);
  case LYRA__SYN_STDP_NN_PRE:
    w = lyra__stdp_depress(p, w, nn);
    st->trace[i] =
        st->trace[i] * lyra__decay_at(&st->d_plus, c->t_end - c->t_last) + 1.0;
    return w;
  case LYRA__SYN_STDP_NN_RESTR: /* only if a post spike came since */
    if (st->paired[i]) {
      w = lyra__stdp_depress(p, w, nn);
      st->paired[i] = 0;
    }
    return w;
  case LYRA__SYN_STDP_TRIPLET:
    return lyra__triplet_depress(p, w, k, c->kx);
  case LYRA__SYN_VOGELS:
    return lyra__vogels_depress(p, lyra__vogels_facilitate(p, w, k));
  default:
    return w;
  }
}

/* Updates synapse i (target j, delay d) for c: the postsynaptic spikes
 * that reached it in (t_fac, t_end], then, for a spike, the depression.
 * Returns the new weight. */
static inline __attribute__((always_inline)) double
update_synapse(lyra__store *st, int kind, const pre_ctx *c, uint64_t i,
               uint32_t j, int d) {
  const lyra__post_last *l = &st->last[j];
  const int64_t lo = c->t_fac - d, hi = c->t_end - d;
  const int64_t newest = l->t;
  double w = st->csr.wide[i];
  if (newest <= lo) {
    /* No postsynaptic spike since: depression by the newest, if any. */
    if (c->spike)
      w = depress(st, kind, c, newest, l->k, d, i, w);
    st->csr.wide[i] = w;
    return w;
  }
  if (kind != LYRA__SYN_STDP_TRIPLET && newest < hi && (int64_t)l->prev <= lo) {
    /* The newest is the only one since, and it depresses: all inline. */
    if (potentiates(kind, c))
      w = potentiate_one(st, kind, c, newest, 0.0, 1, d, i, w);
    if (c->spike)
      w = depress(st, kind, c, newest, l->k, d, i, w);
    st->csr.wide[i] = w;
    return w;
  }
  const lyra__post_hist *h = &st->post[j];
  uint32_t b = h->n;
  while (b > 0 && hist_t(h, l, b - 1) > hi)
    b--;
  uint32_t a = b;
  while (a > 0 && hist_t(h, l, a - 1) > lo)
    a--;
  w = potentiate(st, kind, c, h, l, a, b, d, i, w);
  if (c->spike) {
    uint32_t last = b; /* a post spike at exactly hi does not depress */
    if (last > 0 && hist_t(h, l, last - 1) >= hi)
      last--;
    if (last == h->n)
      w = depress(st, kind, c, newest, l->k, d, i, w);
    else if (last > 0)
      w = depress(st, kind, c, lyra__hist_at(h, last - 1)->t,
                  lyra__hist_at(h, last - 1)->k, d, i, w);
    else
      w = depress(st, kind, c, 0, 0.0, d, i, w);
  }
  st->csr.wide[i] = w;
  return w;
}

/* Runs c over the synapses of row r; delivers if ring is not NULL. */
static inline __attribute__((always_inline)) void
update_row(lyra_network *net, lyra__store *st, int kind, const pre_ctx *c,
           uint64_t r, int64_t s) {
  const lyra__csr *cs = &st->csr;
  for (uint64_t g = cs->row[r]; g < cs->row[r + 1]; g++) {
    int d = cs->gdelay[g];
    double *slot =
        c->spike ? net->ring + (uint64_t)((s + d) % net->n_slots) * net->n_chan
                 : NULL;
    for (uint64_t i = cs->gstart[g]; i < cs->gstart[g + 1]; i++) {
      uint32_t ch = cs->chan[i];
      double w = update_synapse(st, kind, c, i, lyra__store_target(st, ch), d);
      if (slot)
        slot[ch] += lyra__store_value(st, ch, w);
    }
  }
}

/* One specialised copy of update_row per rule. */
static void update_row_any(lyra_network *net, lyra__store *st, const pre_ctx *c,
                           uint64_t r, int64_t s) {
  switch (st->kind) {
  case LYRA__SYN_STDP:
    update_row(net, st, LYRA__SYN_STDP, c, r, s);
    break;
  case LYRA__SYN_STDP_NN_SYMM:
    update_row(net, st, LYRA__SYN_STDP_NN_SYMM, c, r, s);
    break;
  case LYRA__SYN_STDP_NN_PRE:
    update_row(net, st, LYRA__SYN_STDP_NN_PRE, c, r, s);
    break;
  case LYRA__SYN_STDP_NN_RESTR:
    update_row(net, st, LYRA__SYN_STDP_NN_RESTR, c, r, s);
    break;
  case LYRA__SYN_STDP_TRIPLET:
    update_row(net, st, LYRA__SYN_STDP_TRIPLET, c, r, s);
    break;
  case LYRA__SYN_VOGELS:
    update_row(net, st, LYRA__SYN_VOGELS, c, r, s);
    break;
  default:
    break;
  }
}

/* ---- presynaptic spikes ---------------------------------------------- */

static pre_ctx pre_context(const lyra__store *st, const lyra__pre *pr,
                           uint32_t u, int64_t t_end, int spike) {
  const double *k = pr->k + 3 * (uint64_t)u;
  pre_ctx c = {.t_last = pr->t_last[u],
               .t_fac = pr->t_fac[u],
               .t_end = t_end,
               .kplus = k[0],
               .spike = spike};
  if (st->kind == LYRA__SYN_STDP_NN_SYMM || st->kind == LYRA__SYN_STDP_NN_RESTR)
    c.kplus = 1.0; /* the nearest pre spike; before any, one at t = 0 */
  if (st->kind == LYRA__SYN_STDP_TRIPLET && spike)
    c.kx = k[1] * lyra__decay_at(&st->d_plus3, t_end - c.t_last);
  return c;
}

/* The source's presynaptic state after its spike at stamp t. */
static void pre_spike_done(const lyra__store *st, lyra__pre *pr, uint32_t u,
                           const pre_ctx *c) {
  double *k = pr->k + 3 * (uint64_t)u;
  if (st->kind == LYRA__SYN_STDP || st->kind == LYRA__SYN_STDP_TRIPLET ||
      st->kind == LYRA__SYN_VOGELS)
    k[0] = k[0] * lyra__decay_at(&st->d_plus, c->t_end - c->t_last) + 1.0;
  if (st->kind == LYRA__SYN_STDP_TRIPLET)
    k[1] = c->kx + 1.0;
  pr->t_last[u] = pr->t_fac[u] = c->t_end;
}

/* Short-term plasticity: the factor of source u's spike at step s, which
 * all of its synapses share; advances the source's state. */
static double stp_factor(const lyra_network *net, const lyra__store *st,
                         lyra__pre *pr, uint32_t u, int64_t s) {
  int64_t t = s + 1;
  double *k = pr->k + 3 * (uint64_t)u, f;
  if (st->kind == LYRA__SYN_TSODYKS)
    f = lyra__tsodyks_spike(st->p, k, (double)(t - pr->t_last[u]) * net->dt);
  else if (pr->t_last[u] < 0)
    f = k[0] * k[1]; /* tsodyks2: the first spike uses the initial state */
  else
    f = lyra__tsodyks2_spike(st->p, k, (double)(t - pr->t_last[u]) * net->dt);
  pr->t_last[u] = pr->t_fac[u] = t;
  return f;
}

/* Weights that do not change at a spike, times f (1 for static ones:
 * w * 1.0 is w exactly). */
static void deliver_scaled(lyra_network *net, const lyra__store *st, uint64_t r,
                           int64_t s, double f) {
  const lyra__csr *cs = &st->csr;
  for (uint64_t g = cs->row[r]; g < cs->row[r + 1]; g++) {
    double *slot = net->ring +
                   (uint64_t)((s + cs->gdelay[g]) % net->n_slots) * net->n_chan;
    for (uint64_t i = cs->gstart[g]; i < cs->gstart[g + 1]; i++)
      slot[cs->chan[i]] += lyra__store_value(st, cs->chan[i], cs->wide[i] * f);
  }
}

uint64_t lyra__store_deliver(lyra_network *net, lyra__store *st, int tid,
                             uint32_t u, int64_t s) {
  lyra__pre *pr = &st->pre[tid];
  const uint64_t r = (uint64_t)tid * st->ns + u;
  if (lyra__syn_is_stdp(st->kind)) {
    pre_ctx c = pre_context(st, pr, u, s + 1, 1);
    update_row_any(net, st, &c, r, s);
    pre_spike_done(st, pr, u, &c);
  } else {
    deliver_scaled(net, st, r, s,
                   lyra__syn_is_stp(st->kind) ? stp_factor(net, st, pr, u, s)
                                              : 1.0);
  }
  const lyra__csr *cs = &st->csr;
  return cs->gstart[cs->row[r + 1]] - cs->gstart[cs->row[r]];
}

/* ---- catching up ------------------------------------------------------ */

/* Applies source u's pending potentiation in thread tid's rows up to
 * stamp t (synapse time). */
void lyra__store_catch_up_source(lyra_network *net, lyra__store *st, int tid,
                                 uint32_t u, int64_t t) {
  lyra__pre *pr = &st->pre[tid];
  if (!lyra__syn_is_stdp(st->kind) || pr->t_fac[u] >= t)
    return;
  pre_ctx c = pre_context(st, pr, u, t, 0);
  update_row_any(net, st, &c, (uint64_t)tid * st->ns + u, 0);
  pr->t_fac[u] = t;
}

/* Catches up the sources silent for a whole period, then shortens the
 * histories of this thread's targets to what is still needed. */
static void catch_up_stale(lyra_network *net, lyra__store *st, int tid,
                           int64_t t) {
  lyra__pre *pr = &st->pre[tid];
  for (uint32_t u = 0; u < st->ns; u++)
    if (pr->t_fac[u] < t - st->catch_up)
      lyra__store_catch_up_source(net, st, tid, u, t);
  int64_t cut = t - st->catch_up - st->dmax;
  const lyra__thread *th = &net->threads[tid];
  for (uint32_t j = th->lo[st->tgt_pop]; j < th->hi[st->tgt_pop]; j++)
    hist_prune(&st->post[j], cut);
}

void lyra__store_catch_up(lyra_network *net, lyra__store *st) {
  if (!lyra__syn_is_stdp(st->kind))
    return;
  for (int t = 0; t < net->n_threads; t++)
    for (uint32_t u = 0; u < st->ns; u++)
      lyra__store_catch_up_source(net, st, t, u, net->step);
}

void lyra__stores_catch_up_all(lyra_network *net) {
  for (int i = 0; i < net->n_stores; i++)
    lyra__store_catch_up(net, &net->stores[i]);
}

void lyra__stores_after_slice(lyra_network *net, int tid, int64_t t0,
                              int64_t t1, int par) {
  for (int i = 0; i < net->n_stores; i++) {
    lyra__store *st = &net->stores[i];
    if (st->post && t1 / st->catch_up != t0 / st->catch_up)
      catch_up_stale(net, st, tid, t1);
  }
  lyra__scalers_apply(net, tid, t0, t1);
  lyra__weights_sample(net, tid, t0, t1, par);
}
