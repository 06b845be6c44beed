/* Connection rules (build/connect.c) and the CSR store they fill.
 *
 * Every network here is built through the public API and then read back
 * from net->csr, flattened into one (source, target, port, weight, delay)
 * record per synapse. The structure of the CSR itself (row and group
 * offsets, ascending delay groups) is checked on every flattening.
 *
 * Statistical checks. Every random test runs from a fixed seed, so it is
 * reproducible: it either always passes or always fails. The tolerances
 * below say how often a *correct* implementation would fail with an
 * arbitrary seed:
 *  - means and variances: |estimate - expected| <= Z_TOL standard errors,
 *    Z_TOL = 4.5, a two-sided false-failure probability of 6.8e-6 per
 *    check under the normal approximation (the samples are >= 200);
 *  - chi-square goodness of fit: the p-value of the statistic must lie in
 *    (P_TOL, 1 - P_TOL), P_TOL = 1e-5 (false failure 2e-5 per test); the
 *    lower tail catches draws that are too regular (e.g. round-robin).
 * With about 60 such checks in this file the chance that a correct
 * implementation fails any of them for a random seed is below 1e-3.
 */
#include "engine/network.h"
#include "lyra.h"
#include "stats.h"
#include "test.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define Z_TOL 4.5
#define P_TOL 1e-5

/* ---- statistics helpers ------------------------------------------------ */

/* Pearson statistic of observed counts against expected counts. */
static double chi2_stat(const uint64_t *obs, const double *expect, size_t n) {
  double x2 = 0.0;
  for (size_t i = 0; i < n; i++) {
    double d = (double)obs[i] - expect[i];
    x2 += d * d / expect[i];
  }
  return x2;
}

/* Two-sided chi-square check: the statistic is neither too large nor too
 * small for df degrees of freedom. */
#define CHECK_CHI2(x2, df)                                                     \
  do {                                                                         \
    double p_ = chi2_sf((x2), (df));                                           \
    if (!(p_ > P_TOL && p_ < 1.0 - P_TOL))                                     \
      test_fail(__FILE__, __LINE__,                                            \
                "chi-square %s = %g with %g df: p = %g outside (%g, 1 - %g)",  \
                #x2, (double)(x2), (double)(df), p_, P_TOL, P_TOL);            \
  } while (0)

typedef struct moments {
  double n, mean, var; /* var: unbiased sample variance */
} moments;

static moments moments_u32(const uint32_t *x, size_t n) {
  double s = 0.0, s2 = 0.0;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  double mean = s / (double)n;
  for (size_t i = 0; i < n; i++)
    s2 += ((double)x[i] - mean) * ((double)x[i] - mean);
  moments m = {(double)n, mean, s2 / (double)(n - 1)};
  return m;
}

/* Checks the mean and variance of n samples against a distribution with
 * mean mu, variance var and fourth central moment mu4: each within Z_TOL
 * standard errors. The standard error of the unbiased sample variance is
 * sqrt(mu4 / n - var^2 (n - 3) / (n (n - 1))), exact for independent
 * draws. */
#define CHECK_MOMENTS(m, mu, var_, mu4)                                        \
  do {                                                                         \
    CHECK_NEAR((m).mean, (mu), Z_TOL *sqrt((var_) / (m).n));                   \
    CHECK_NEAR((m).var, (var_),                                                \
               Z_TOL *sqrt((mu4) / (m).n - (var_) * (var_) * ((m).n - 3.0) /   \
                                               ((m).n * ((m).n - 1.0))));      \
  } while (0)

/* Fourth central moment of Binomial(n, p). */
static double binom_mu4(double n, double p) {
  double q = 1.0 - p;
  return n * p * q * (1.0 + 3.0 * (n - 2.0) * p * q);
}

/* ---- building networks ------------------------------------------------- */

static lyra_model *new_model(uint64_t seed) {
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_set_seed(m, seed), 0);
  CHECK_EQ_INT(lyra_model_set_output_dir(m, test_tmpdir()), 0);
  return m;
}

static int add_pop(lyra_model *m, const char *name, const char *model,
                   uint32_t n) {
  int idx = -1;
  CHECK_EQ_INT(lyra_model_add_population(m, name, model, n, &idx), 0);
  return idx;
}

static lyra_network *build(lyra_model *m) {
  lyra_network *net = NULL;
  char err[256] = "";
  int rc = lyra_network_create(&net, m, err, sizeof err);
  if (rc)
    test_fail(__FILE__, __LINE__, "network create: %s (%s)", lyra_strerror(rc),
              err);
  return net;
}

/* A model with a padding population first (so that gid0 and chan_base of
 * the others are not 0), then source population "A" (ns neurons) and, if
 * !same, target population "B" (nt neurons), all iaf_psc_exp. The spec's
 * source and target are set; *src_out / *tgt_out get the indices. */
static lyra_model *proj_model(uint64_t seed, uint32_t ns, uint32_t nt, int same,
                              lyra_projection_spec *s) {
  lyra_model *m = new_model(seed);
  add_pop(m, "pad", "iaf_psc_delta", 3);
  s->source = add_pop(m, "A", "iaf_psc_exp", ns);
  s->target = same ? s->source : add_pop(m, "B", "iaf_psc_exp", nt);
  int rc = lyra_model_add_projection(m, s, NULL);
  if (rc)
    test_fail(__FILE__, __LINE__, "add_projection: %s (%s)", lyra_strerror(rc),
              lyra_model_errmsg(m));
  return m;
}

/* Builds a network from one projection spec (see proj_model). */
static lyra_network *one_proj(uint64_t seed, uint32_t ns, uint32_t nt, int same,
                              lyra_projection_spec *s) {
  lyra_model *m = proj_model(seed, ns, nt, same, s);
  lyra_network *net = build(m);
  lyra_model_destroy(m);
  return net;
}

/* ---- reading the CSR back ---------------------------------------------- */

typedef struct syn {
  uint32_t src;  /* source gid */
  int tpop;      /* target population */
  uint32_t tgt;  /* target, population-local */
  int port;      /* receptor port */
  float w;       /* weight */
  uint32_t d;    /* delay in steps (its group's) */
  uint32_t slot; /* index in the CSR arrays */
} syn;

/* Checks the CSR invariants and flattens it into one record per synapse
 * (in CSR order: one block of rows per thread, row r = t * n_src + src). The
 * channel of a synapse is chan_base + port * n + tgt of its target population.
 * Returns a malloc'ed array of csr.n_syn records. */
static syn *csr_list(const lyra_network *net) {
  const lyra__csr *c = &net->csr;
  CHECK_EQ_INT(c->n_src, net->n_neurons);
  CHECK_EQ_INT(c->row[0], 0);
  CHECK_EQ_INT(c->n_rows, c->n_src * (uint64_t)net->n_threads);
  CHECK_EQ_INT(c->row[c->n_rows], c->n_groups);
  CHECK_EQ_INT(c->gstart[0], 0);
  CHECK_EQ_INT(c->gstart[c->n_groups], c->n_syn);
  lyra_network_info info;
  CHECK_EQ_INT(lyra_network_get_info(net, &info), 0);
  CHECK_EQ_INT(info.synapses, c->n_syn);
  syn *out = malloc((c->n_syn + 1) * sizeof *out);
  CHECK(out != NULL);
  if (!out)
    return NULL;
  int bad_rows = 0, bad_groups = 0, bad_chans = 0;
  uint32_t dmin = UINT32_MAX, dmax = 0;
  for (uint64_t r = 0; r < c->n_rows; r++) {
    uint64_t s = r % c->n_src;
    if (c->row[r + 1] < c->row[r]) {
      bad_rows++;
      continue;
    }
    for (uint64_t g = c->row[r]; g < c->row[r + 1]; g++) {
      /* groups non-empty, delays >= 1 and strictly ascending in a row */
      if (c->gstart[g + 1] <= c->gstart[g] || c->gdelay[g] < 1 ||
          (g > c->row[r] && c->gdelay[g] <= c->gdelay[g - 1]))
        bad_groups++;
      dmin = c->gdelay[g] < dmin ? c->gdelay[g] : dmin;
      dmax = c->gdelay[g] > dmax ? c->gdelay[g] : dmax;
      for (uint64_t i = c->gstart[g]; i < c->gstart[g + 1]; i++) {
        syn *y = &out[i];
        y->src = (uint32_t)s;
        y->d = c->gdelay[g];
        y->w = c->weight[i];
        y->slot = (uint32_t)i;
        y->tpop = -1;
        for (int p = 0; p < net->n_pops; p++) {
          const lyra__pop *tp = &net->pops[p];
          uint64_t lo = tp->chan_base;
          uint64_t hi = lo + (uint64_t)tp->n * lyra__pop_ports(tp);
          if (c->chan[i] >= lo && c->chan[i] < hi) {
            uint32_t off = c->chan[i] - tp->chan_base;
            y->tpop = p;
            y->port = (int)(off / tp->n);
            y->tgt = off % tp->n;
          }
        }
        /* a synapse never feeds the current port */
        if (y->tpop < 0 || y->port >= net->pops[y->tpop].n_spike_ports)
          bad_chans++;
      }
    }
  }
  CHECK_EQ_INT(bad_rows, 0);
  CHECK_EQ_INT(bad_groups, 0);
  CHECK_EQ_INT(bad_chans, 0);
  if (c->n_syn) {
    CHECK_EQ_INT(net->dmin, dmin);
    CHECK_EQ_INT(net->dmax, dmax);
  }
  return out;
}

/* Source of a synapse, local to population pop. */
static uint32_t src_local(const lyra_network *net, const syn *y, int pop) {
  return y->src - net->pops[pop].gid0;
}

/* Multiplicity of every (source, target) pair of projection source->target,
 * as a [ns * nt] matrix (source-major); also checks that every synapse
 * goes from pop src to pop tgt. */
static uint32_t *pair_counts(const lyra_network *net, const syn *list, int src,
                             int tgt) {
  uint32_t ns = net->pops[src].n, nt = net->pops[tgt].n;
  uint32_t *pc = calloc((size_t)ns * nt, sizeof *pc);
  int stray = 0;
  for (uint64_t i = 0; i < net->csr.n_syn; i++) {
    const syn *y = &list[i];
    uint32_t s = src_local(net, y, src);
    if (y->tpop != tgt || s >= ns) {
      stray++;
      continue;
    }
    pc[(size_t)s * nt + y->tgt]++;
  }
  CHECK_EQ_INT(stray, 0);
  return pc;
}

typedef struct pair_summary {
  uint64_t total, autapses, multapses; /* multapses: pairs with count > 1 */
  uint32_t *indeg, *outdeg;            /* [nt], [ns] */
} pair_summary;

static pair_summary summarize(const uint32_t *pc, uint32_t ns, uint32_t nt,
                              int same) {
  pair_summary p = {0, 0, 0, calloc(nt, 4), calloc(ns, 4)};
  for (uint32_t s = 0; s < ns; s++)
    for (uint32_t t = 0; t < nt; t++) {
      uint32_t k = pc[(size_t)s * nt + t];
      p.total += k;
      p.indeg[t] += k;
      p.outdeg[s] += k;
      if (same && s == t)
        p.autapses += k;
      if (k > 1)
        p.multapses++;
    }
  return p;
}

static void summary_free(pair_summary *p) {
  free(p->indeg);
  free(p->outdeg);
}

/* Everything about one single-projection network, read back. */
typedef struct readback {
  lyra_network *net;
  syn *list;
  uint32_t *pc;
  pair_summary sum;
  uint32_t ns, nt;
} readback;

static readback read_proj(uint64_t seed, uint32_t ns, uint32_t nt, int same,
                          lyra_projection_spec *s) {
  readback r = {0};
  r.net = one_proj(seed, ns, nt, same, s);
  CHECK(r.net != NULL);
  if (!r.net)
    exit(1);
  r.ns = ns;
  r.nt = same ? ns : nt;
  r.list = csr_list(r.net);
  r.pc = pair_counts(r.net, r.list, s->source, s->target);
  r.sum = summarize(r.pc, r.ns, r.nt, same);
  return r;
}

static void readback_free(readback *r) {
  summary_free(&r->sum);
  free(r->pc);
  free(r->list);
  lyra_network_destroy(r->net);
}

/* Draws of K distinct values from a pool of m (no multapses) spread over n
 * bins: a bin's count has variance (m - K) / m of what draws with
 * replacement give, E (1 - 1/n). This is the factor that rescales the
 * Pearson statistic back to chi-square with n - 1 df (m = n, or n - 1
 * when autapses are excluded on one population). */
static double fpc(double n, double m, double k) {
  return (1.0 - 1.0 / n) * m / (m - k);
}

static int all_equal_u32(const uint32_t *x, size_t n, uint32_t v) {
  for (size_t i = 0; i < n; i++)
    if (x[i] != v)
      return 0;
  return 1;
}

/* Chi-square of counts x[0..n) against equal expectation (sum / n), the
 * statistic scaled by `scale` (a finite-population correction, fpc()). */
static double chi2_uniform(const uint32_t *x, size_t n, double scale) {
  uint64_t *obs = malloc(n * sizeof *obs);
  double *e = malloc(n * sizeof *e);
  double tot = 0.0;
  for (size_t i = 0; i < n; i++)
    tot += x[i];
  for (size_t i = 0; i < n; i++) {
    obs[i] = x[i];
    e[i] = tot / (double)n;
  }
  double x2 = chi2_stat(obs, e, n) * scale;
  free(obs);
  free(e);
  return x2;
}

/* ---- all_to_all and one_to_one ----------------------------------------- */

TEST(connect_all_to_all_counts) {
  lyra_projection_spec s;
  /* two populations: every pair once */
  lyra_projection_spec_init(&s);
  readback r = read_proj(1, 13, 17, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 13 * 17);
  CHECK(all_equal_u32(r.pc, 13 * 17, 1));
  /* constant weight 1 and delay 1 ms: port 0, 10 steps, one group per row */
  int bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].port != 0 || r.list[i].w != 1.0f || r.list[i].d != 10;
  CHECK_EQ_INT(bad, 0);
  CHECK_EQ_INT(r.net->csr.n_groups,
               13 * r.net->n_threads); /* one group per row */
  readback_free(&r);

  /* allow_autapses = 0 means nothing between two populations */
  lyra_projection_spec_init(&s);
  s.allow_autapses = 0;
  r = read_proj(1, 13, 17, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 13 * 17);
  readback_free(&r);

  /* one population onto itself: autapses by default ... */
  lyra_projection_spec_init(&s);
  r = read_proj(1, 25, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 25 * 25);
  CHECK(all_equal_u32(r.pc, 25 * 25, 1));
  CHECK_EQ_INT(r.sum.autapses, 25);
  readback_free(&r);

  /* ... and none without them: ns (ns - 1), each other pair once */
  lyra_projection_spec_init(&s);
  s.allow_autapses = 0;
  r = read_proj(1, 25, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 25 * 24);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_EQ_INT(r.sum.multapses, 0);
  CHECK(all_equal_u32(r.sum.indeg, 25, 24));
  CHECK(all_equal_u32(r.sum.outdeg, 25, 24));
  readback_free(&r);
}

TEST(connect_one_to_one_counts) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_ONE_TO_ONE;
  readback r = read_proj(2, 40, 40, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 40);
  for (uint32_t i = 0; i < 40; i++)
    CHECK_EQ_INT(r.pc[(size_t)i * 40 + i], 1);
  readback_free(&r);

  /* allow_autapses = 0 concerns one population only */
  s.allow_autapses = 0;
  r = read_proj(2, 40, 40, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 40);
  readback_free(&r);

  /* onto itself: the pairs (i, i) are autapses */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_ONE_TO_ONE;
  r = read_proj(2, 40, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 40);
  CHECK_EQ_INT(r.sum.autapses, 40);
  readback_free(&r);

  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_ONE_TO_ONE;
  s.allow_autapses = 0;
  r = read_proj(2, 40, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 0);
  CHECK_EQ_INT(r.net->csr.n_groups, 0);
  readback_free(&r);
}

/* ---- fixed_indegree / fixed_outdegree ---------------------------------- */

TEST(connect_fixed_indegree_with_multapses) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 20;
  readback r = read_proj(3, 200, 600, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 20 * 600);
  CHECK(all_equal_u32(r.sum.indeg, 600, 20));
  /* Sources drawn with replacement, uniformly: the out-degrees are a
   * multinomial over 200 sources (199 df). With replacement, pairs repeat:
   * about nt * K^2 / (2 ns) = 600 of them. */
  CHECK_CHI2(chi2_uniform(r.sum.outdeg, 200, 1.0), 199);
  CHECK(r.sum.multapses > 300 && r.sum.multapses < 1000);
  readback_free(&r);

  /* K larger than the source population is allowed with multapses */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 9;
  r = read_proj(3, 4, 30, 0, &s);
  CHECK(all_equal_u32(r.sum.indeg, 30, 9));
  readback_free(&r);
}

TEST(connect_fixed_indegree_without_multapses) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 20;
  s.allow_multapses = 0;
  readback r = read_proj(4, 200, 600, 0, &s);
  CHECK(all_equal_u32(r.sum.indeg, 600, 20));
  CHECK_EQ_INT(r.sum.multapses, 0);
  /* Each target draws K of ns without replacement: a source's count over
   * the targets has less variance than under the multinomial; the Pearson
   * statistic is rescaled (fpc) so that it is again chi-square with
   * ns - 1 df. */
  CHECK_CHI2(chi2_uniform(r.sum.outdeg, 200, fpc(200, 200, 20)), 199);
  readback_free(&r);

  /* onto itself, no autapses: sources uniform over the others */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 30;
  s.allow_multapses = 0;
  s.allow_autapses = 0;
  r = read_proj(4, 500, 0, 1, &s);
  CHECK(all_equal_u32(r.sum.indeg, 500, 30));
  CHECK_EQ_INT(r.sum.multapses, 0);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_CHI2(chi2_uniform(r.sum.outdeg, 500, fpc(500, 499, 30)), 499);
  readback_free(&r);

  /* Extremes of Floyd's algorithm: K = ns takes every source; K = ns - 1
   * without autapses every other neuron. */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 70;
  s.allow_multapses = 0;
  r = read_proj(4, 70, 90, 0, &s);
  CHECK(all_equal_u32(r.pc, 70 * 90, 1));
  readback_free(&r);
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 69;
  s.allow_multapses = 0;
  s.allow_autapses = 0;
  r = read_proj(4, 70, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 70 * 69);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_EQ_INT(r.sum.multapses, 0);
  readback_free(&r);

  /* with autapses allowed, the own neuron is a candidate like any other:
   * with K = ns and no multapses every target has its autapse */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 12;
  s.allow_multapses = 0;
  r = read_proj(4, 12, 0, 1, &s);
  CHECK_EQ_INT(r.sum.autapses, 12);
  readback_free(&r);
}

/* Index of the set of sources of each target as a bitmask (ns <= 32). */
static void source_sets(const readback *r, uint32_t *mask) {
  for (uint32_t t = 0; t < r->nt; t++) {
    mask[t] = 0;
    for (uint32_t s = 0; s < r->ns; s++)
      if (r->pc[(size_t)s * r->nt + t])
        mask[t] |= 1u << s;
  }
}

TEST(connect_distinct_draws_uniform_over_subsets) {
  /* Without multapses each target's K sources must be a uniformly random
   * K-subset: with ns = 8, K = 3 all C(8,3) = 56 subsets are equally
   * likely. 20000 targets, about 357 per subset; chi-square with 55 df.
   * The same for fixed_outdegree (20000 sources, 3 of 8 targets each), and
   * without autapses on one population of 9 (3 of the 8 others, relabelled
   * without the neuron itself), over 400 seeds (3600 sets, 64 each). */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 3;
  s.allow_multapses = 0;
  readback r = read_proj(20, 8, 20000, 0, &s);
  uint32_t *mask = malloc(20000 * sizeof *mask);
  source_sets(&r, mask);
  uint32_t hist[256] = {0}, sets[56];
  for (uint32_t t = 0; t < 20000; t++)
    hist[mask[t]]++;
  int k = 0, wrong = 0;
  for (uint32_t b = 0; b < 256; b++) {
    if (__builtin_popcount(b) == 3)
      sets[k++] = hist[b];
    else
      wrong += hist[b] != 0;
  }
  CHECK_EQ_INT(k, 56);
  CHECK_EQ_INT(wrong, 0);
  CHECK_CHI2(chi2_uniform(sets, 56, 1.0), 55);
  readback_free(&r);

  /* fixed_outdegree 3 of 8 targets from 20000 sources: target subsets */
  s.rule = LYRA_RULE_FIXED_OUTDEGREE;
  r = read_proj(20, 20000, 8, 0, &s);
  memset(hist, 0, sizeof hist);
  for (uint32_t src = 0; src < 20000; src++) {
    uint32_t mk = 0;
    for (uint32_t t = 0; t < 8; t++)
      if (r.pc[(size_t)src * 8 + t])
        mk |= 1u << t;
    hist[mk]++;
  }
  k = wrong = 0;
  for (uint32_t b = 0; b < 256; b++) {
    if (__builtin_popcount(b) == 3)
      sets[k++] = hist[b];
    else
      wrong += hist[b] != 0;
  }
  CHECK_EQ_INT(wrong, 0);
  CHECK_CHI2(chi2_uniform(sets, 56, 1.0), 55);
  readback_free(&r);
  free(mask);

  /* onto itself without autapses: Floyd's draw over 8 with the own index
   * skipped */
  memset(hist, 0, sizeof hist);
  wrong = 0;
  for (uint64_t seed = 1; seed <= 400; seed++) {
    lyra_projection_spec_init(&s);
    s.rule = LYRA_RULE_FIXED_INDEGREE;
    s.n = 3;
    s.allow_multapses = 0;
    s.allow_autapses = 0;
    r = read_proj(seed, 9, 0, 1, &s);
    for (uint32_t t = 0; t < 9; t++) {
      uint32_t mk = 0, bit = 0;
      wrong += r.pc[(size_t)t * 9 + t] != 0;
      for (uint32_t src = 0; src < 9; src++) {
        if (src == t)
          continue;
        if (r.pc[(size_t)src * 9 + t])
          mk |= 1u << bit;
        bit++;
      }
      hist[mk]++;
    }
    readback_free(&r);
  }
  k = 0;
  for (uint32_t b = 0; b < 256; b++) {
    if (__builtin_popcount(b) == 3)
      sets[k++] = hist[b];
    else
      wrong += hist[b] != 0;
  }
  CHECK_EQ_INT(wrong, 0);
  CHECK_CHI2(chi2_uniform(sets, 56, 1.0), 55);
}

TEST(connect_fixed_indegree_autapse_rate) {
  /* With autapses and multapses allowed, each of the K draws of a target
   * is its own neuron with probability 1/ns: nt K / ns expected autapses,
   * variance nt K (1/ns)(1 - 1/ns). Without autapses: none at all. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 50;
  readback r = read_proj(5, 400, 0, 1, &s);
  double mu = 400.0 * 50 / 400, var = 400.0 * 50 * (1.0 / 400) * (399.0 / 400);
  CHECK_NEAR((double)r.sum.autapses, mu, Z_TOL * sqrt(var));
  readback_free(&r);

  s.allow_autapses = 0;
  r = read_proj(5, 400, 0, 1, &s);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK(all_equal_u32(r.sum.indeg, 400, 50));
  readback_free(&r);
}

TEST(connect_fixed_outdegree) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_OUTDEGREE;
  s.n = 25;
  readback r = read_proj(6, 600, 200, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 25 * 600);
  CHECK(all_equal_u32(r.sum.outdeg, 600, 25));
  CHECK_CHI2(chi2_uniform(r.sum.indeg, 200, 1.0), 199);
  CHECK(r.sum.multapses > 0);
  readback_free(&r);

  s.allow_multapses = 0;
  r = read_proj(6, 600, 200, 0, &s);
  CHECK(all_equal_u32(r.sum.outdeg, 600, 25));
  CHECK_EQ_INT(r.sum.multapses, 0);
  CHECK_CHI2(chi2_uniform(r.sum.indeg, 200, fpc(200, 200, 25)), 199);
  readback_free(&r);

  /* onto itself without autapses, with and without multapses */
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_OUTDEGREE;
  s.n = 30;
  s.allow_autapses = 0;
  r = read_proj(6, 300, 0, 1, &s);
  CHECK(all_equal_u32(r.sum.outdeg, 300, 30));
  CHECK_EQ_INT(r.sum.autapses, 0);
  readback_free(&r);
  s.allow_multapses = 0;
  r = read_proj(6, 300, 0, 1, &s);
  CHECK(all_equal_u32(r.sum.outdeg, 300, 30));
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_EQ_INT(r.sum.multapses, 0);
  CHECK_CHI2(chi2_uniform(r.sum.indeg, 300, fpc(300, 299, 30)), 299);
  readback_free(&r);

  /* K = nt - 1, no autapses, no multapses: every other neuron once */
  s.n = 299;
  r = read_proj(6, 300, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 300 * 299);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_EQ_INT(r.sum.multapses, 0);
  readback_free(&r);
}

/* ---- pairwise_bernoulli ------------------------------------------------ */

TEST(connect_pairwise_bernoulli_degrees) {
  /* ns = 400, nt = 5000, p = 0.1: each target's in-degree is
   * Binomial(400, 0.1) (mean 40, var 36), independently across targets;
   * each source's out-degree is Binomial(5000, 0.1), independently across
   * sources. Checked: mean and variance of both within Z_TOL standard
   * errors, and the total (2e6 trials) likewise. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 0.1;
  readback r = read_proj(7, 400, 5000, 0, &s);
  CHECK_EQ_INT(r.sum.multapses, 0);
  double n = 400.0 * 5000.0;
  CHECK_NEAR((double)r.net->csr.n_syn, 0.1 * n, Z_TOL * sqrt(n * 0.1 * 0.9));
  moments in = moments_u32(r.sum.indeg, 5000);
  CHECK_MOMENTS(in, 40.0, 36.0, binom_mu4(400, 0.1));
  moments out = moments_u32(r.sum.outdeg, 400);
  CHECK_MOMENTS(out, 500.0, 450.0, binom_mu4(5000, 0.1));
  readback_free(&r);

  /* small p, where the geometric skips are long */
  s.p = 0.002;
  r = read_proj(7, 3000, 3000, 0, &s);
  in = moments_u32(r.sum.indeg, 3000);
  CHECK_MOMENTS(in, 6.0, 3000 * 0.002 * 0.998, binom_mu4(3000, 0.002));
  readback_free(&r);

  /* large p */
  s.p = 0.9;
  r = read_proj(7, 300, 2000, 0, &s);
  in = moments_u32(r.sum.indeg, 2000);
  CHECK_MOMENTS(in, 270.0, 27.0, binom_mu4(300, 0.9));
  readback_free(&r);
}

TEST(connect_pairwise_bernoulli_over_seeds) {
  /* 200 networks of 10 x 10 neurons, p = 0.3, seeds 1000..1199: the
   * totals are independent Binomial(100, 0.3) (mean 30, var 21). */
  uint32_t tot[200];
  for (int k = 0; k < 200; k++) {
    lyra_projection_spec s;
    lyra_projection_spec_init(&s);
    s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
    s.p = 0.3;
    lyra_network *net = one_proj(1000 + (uint64_t)k, 10, 10, 0, &s);
    tot[k] = (uint32_t)net->csr.n_syn;
    lyra_network_destroy(net);
  }
  moments m = moments_u32(tot, 200);
  CHECK_MOMENTS(m, 30.0, 21.0, binom_mu4(100, 0.3));
}

TEST(connect_pairwise_bernoulli_edges) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 0.0;
  readback r = read_proj(8, 50, 60, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 0);
  readback_free(&r);

  s.p = 1.0;
  r = read_proj(8, 50, 60, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 50 * 60);
  CHECK(all_equal_u32(r.pc, 50 * 60, 1));
  readback_free(&r);

  s.allow_autapses = 0;
  r = read_proj(8, 50, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 50 * 49);
  CHECK_EQ_INT(r.sum.autapses, 0);
  readback_free(&r);

  /* onto itself without autapses: in-degree Binomial(ns - 1, p) */
  s.p = 0.5;
  r = read_proj(8, 1000, 0, 1, &s);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_EQ_INT(r.sum.multapses, 0);
  moments in = moments_u32(r.sum.indeg, 1000);
  CHECK_MOMENTS(in, 999 * 0.5, 999 * 0.25, binom_mu4(999, 0.5));
  readback_free(&r);

  /* with autapses: about ns p of them */
  s.allow_autapses = 1;
  r = read_proj(8, 1000, 0, 1, &s);
  CHECK_NEAR((double)r.sum.autapses, 500.0, Z_TOL * sqrt(250.0));
  readback_free(&r);
}

/* ---- fixed_total_number ------------------------------------------------ */

TEST(connect_fixed_total_number) {
  /* N = 20000 over nt = 2000 targets: the in-degrees are multinomial,
   * each marginally Binomial(N, 1/nt) (mean 10, var 9.995). Their sum is
   * N exactly, so the sample mean is exactly N / nt; the unbiased sample
   * variance has expectation N / nt exactly (multinomial covariance) and
   * standard error about var sqrt(2 / nt). Sources: uniform with
   * replacement, a multinomial over ns. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_TOTAL_NUMBER;
  s.n = 20000;
  readback r = read_proj(9, 100, 2000, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 20000);
  moments in = moments_u32(r.sum.indeg, 2000);
  CHECK_NEAR(in.mean, 10.0, 1e-12);
  CHECK_NEAR(in.var, 10.0,
             Z_TOL *
                 sqrt((binom_mu4(20000, 1.0 / 2000) - 9.995 * 9.995) / 2000.0));
  CHECK_CHI2(chi2_uniform(r.sum.indeg, 2000, 1.0), 1999);
  CHECK_CHI2(chi2_uniform(r.sum.outdeg, 100, 1.0), 99);
  readback_free(&r);

  /* onto itself without autapses */
  s.allow_autapses = 0;
  s.n = 5000;
  r = read_proj(9, 300, 0, 1, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 5000);
  CHECK_EQ_INT(r.sum.autapses, 0);
  CHECK_CHI2(chi2_uniform(r.sum.indeg, 300, 1.0), 299);
  readback_free(&r);

  /* N = 0 and N smaller than nt */
  s.allow_autapses = 1;
  s.n = 0;
  r = read_proj(9, 10, 10, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 0);
  readback_free(&r);
  s.n = 3;
  r = read_proj(9, 10, 1000, 0, &s);
  CHECK_EQ_INT(r.net->csr.n_syn, 3);
  readback_free(&r);
}

/* ---- weights, delays, ports -------------------------------------------- */

/* One projection A -> B (all_to_all) with the given weight and delay
 * distributions, read back. */
static readback read_dists(uint64_t seed, uint32_t ns, uint32_t nt, lyra_dist w,
                           lyra_dist d) {
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.weight = w;
  s.delay = d;
  return read_proj(seed, ns, nt, 0, &s);
}

static lyra_dist dist4(lyra_dist_kind k, double a, double b, double c,
                       double d) {
  lyra_dist x = {k, {a, b, c, d}};
  return x;
}

static moments weight_moments(const readback *r) {
  double s = 0.0, s2 = 0.0, n = (double)r->net->csr.n_syn;
  for (uint64_t i = 0; i < r->net->csr.n_syn; i++)
    s += (double)r->list[i].w;
  double mean = s / n;
  for (uint64_t i = 0; i < r->net->csr.n_syn; i++)
    s2 += ((double)r->list[i].w - mean) * ((double)r->list[i].w - mean);
  moments m = {n, mean, s2 / (n - 1)};
  return m;
}

TEST(connect_weight_distributions) {
  /* 100 x 200 = 20000 synapses each. */
  lyra_dist d1 = lyra_dist_constant(1.0);
  readback r = read_dists(10, 100, 200, lyra_dist_constant(-2.5), d1);
  int bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].w != -2.5f || r.list[i].port != 1;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);

  /* uniform [1, 3): mean 2, var 1/3, mu4 = (b-a)^4 / 80. The upper bound
   * is checked inclusive: low + (high - low) u and the cast to float may
   * round up to it. */
  r = read_dists(10, 100, 200, dist4(LYRA_DIST_UNIFORM, 1, 3, 0, 0), d1);
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += !(r.list[i].w >= 1.0f && r.list[i].w <= 3.0f);
  CHECK_EQ_INT(bad, 0);
  moments m = weight_moments(&r);
  CHECK_MOMENTS(m, 2.0, 1.0 / 3.0, 16.0 / 80.0);
  readback_free(&r);

  /* normal (5, 2): mu4 = 3 sd^4 */
  r = read_dists(10, 100, 200, dist4(LYRA_DIST_NORMAL, 5, 2, 0, 0), d1);
  m = weight_moments(&r);
  CHECK_MOMENTS(m, 5.0, 4.0, 3.0 * 16.0);
  readback_free(&r);

  /* normal_clipped (0, 1) to [-0.5, 2]: all inside; mean of the truncated
   * normal mu + sd (phi(a) - phi(b)) / (Phi(b) - Phi(a)). Its variance is
   * below 1, so 1 bounds the standard error from above. */
  r = read_dists(10, 100, 200, dist4(LYRA_DIST_NORMAL_CLIPPED, 0, 1, -0.5, 2.0),
                 d1);
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += !(r.list[i].w >= -0.5f && r.list[i].w <= 2.0f);
  CHECK_EQ_INT(bad, 0);
  m = weight_moments(&r);
  const double sqrt_2pi = 2.5066282746310002;
  double phi_a = exp(-0.125) / sqrt_2pi, phi_b = exp(-2.0) / sqrt_2pi;
  double cdf_a = 0.5 * erfc(0.5 / sqrt(2.0)),
         cdf_b = 0.5 * erfc(-2.0 / sqrt(2.0));
  double tmean = (phi_a - phi_b) / (cdf_b - cdf_a);
  CHECK_NEAR(m.mean, tmean, Z_TOL * sqrt(1.0 / m.n));
  readback_free(&r);

  /* lognormal (mu 0, sigma 0.5): all positive, mean exp(sigma^2 / 2),
   * variance (exp(sigma^2) - 1) exp(sigma^2) */
  r = read_dists(10, 100, 200, dist4(LYRA_DIST_LOGNORMAL, 0, 0.5, 0, 0), d1);
  m = weight_moments(&r);
  double lvar = (exp(0.25) - 1) * exp(0.25);
  CHECK_NEAR(m.mean, exp(0.125), Z_TOL * sqrt(lvar / m.n));
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += !(r.list[i].w > 0.0f) || r.list[i].port != 0;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);
}

TEST(connect_delay_rounding) {
  /* dt = 0.1 ms: constant delays round to the nearest step */
  static const struct {
    double ms;
    uint32_t steps;
  } cases[] = {{0.1, 1},  {0.26, 3}, {0.24, 2},
               {1.5, 15}, {0.14, 1}, {6553.4, 65534}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    readback r = read_dists(11, 3, 4, lyra_dist_constant(1.0),
                            lyra_dist_constant(cases[k].ms));
    int bad = 0;
    for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
      bad += r.list[i].d != cases[k].steps;
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(r.net->dmin, cases[k].steps);
    CHECK_EQ_INT(r.net->dmax, cases[k].steps);
    readback_free(&r);
  }
}

TEST(connect_delay_distributions) {
  /* uniform [0.1, 3.0) ms at dt 0.1: x = d / dt is uniform on [1, 30) and
   * rounds to k = 1 with probability 0.5/29, k = 2..29 with 1/29 each and
   * k = 30 with 0.5/29. Chi-square over the 30 values (29 df). */
  readback r = read_dists(12, 200, 300, dist4(LYRA_DIST_UNIFORM, -1, 1, 0, 0),
                          dist4(LYRA_DIST_UNIFORM, 0.1, 3.0, 0, 0));
  uint64_t hist[31] = {0};
  int out = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++) {
    uint32_t d = r.list[i].d;
    if (d < 1 || d > 30)
      out++;
    else
      hist[d]++;
  }
  CHECK_EQ_INT(out, 0);
  double e[31], n = (double)r.net->csr.n_syn;
  for (int k = 1; k <= 30; k++)
    e[k] = n * ((k == 1 || k == 30) ? 0.5 : 1.0) / 29.0;
  CHECK_CHI2(chi2_stat(hist + 1, e + 1, 30), 29);
  CHECK_EQ_INT(r.net->dmin, 1);
  CHECK_EQ_INT(r.net->dmax, 30);
  /* many groups per row: about 30 for 300 synapses */
  CHECK(r.net->csr.n_groups > 200 * 25);
  readback_free(&r);

  /* normal delays (mean 0.2 ms, sd 1 ms) have no lower bound: drawn values
   * below 1.5 steps are clipped to one step. P(d < 0.15 ms) =
   * Phi(-0.05) = 0.48006; Z_TOL binomial standard errors. */
  r = read_dists(12, 100, 200, lyra_dist_constant(1.0),
                 dist4(LYRA_DIST_NORMAL, 0.2, 1.0, 0, 0));
  uint64_t ones = 0;
  uint32_t dmin = UINT32_MAX;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++) {
    ones += r.list[i].d == 1;
    dmin = r.list[i].d < dmin ? r.list[i].d : dmin;
  }
  CHECK_EQ_INT(dmin, 1);
  n = (double)r.net->csr.n_syn;
  double p1 = 0.5 * erfc(0.05 / sqrt(2.0));
  CHECK_NEAR((double)ones / n, p1, Z_TOL * sqrt(p1 * (1 - p1) / n));
  readback_free(&r);

  /* normal_clipped delays: every one within the rounded bounds */
  r = read_dists(12, 100, 200, lyra_dist_constant(1.0),
                 dist4(LYRA_DIST_NORMAL_CLIPPED, 2.0, 1.0, 1.0, 3.0));
  int bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].d < 10 || r.list[i].d > 30;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);

  /* a drawn delay beyond 65535 steps fails the build (no silent clip) */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.delay = dist4(LYRA_DIST_UNIFORM, 1.0, 20000.0, 0, 0);
  lyra_model *m = proj_model(12, 5, 5, 0, &s);
  lyra_network *net = (lyra_network *)1;
  char err[256] = "";
  CHECK_EQ_INT(lyra_network_create(&net, m, err, sizeof err), LYRA_EINVAL);
  CHECK(net == NULL);
  CHECK_STR_CONTAINS(err, "65535");
  lyra_model_destroy(m);
}

static int float_cmp(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return x < y ? -1 : x > y;
}

/* Orders synapses by (source, target, port, weight). */
static int syn_cmp(const void *a, const void *b) {
  const syn *x = a, *y = b;
  if (x->src != y->src)
    return x->src < y->src ? -1 : 1;
  if (x->tpop != y->tpop)
    return x->tpop < y->tpop ? -1 : 1;
  if (x->tgt != y->tgt)
    return x->tgt < y->tgt ? -1 : 1;
  if (x->port != y->port)
    return x->port < y->port ? -1 : 1;
  if (x->w != y->w)
    return x->w < y->w ? -1 : 1;
  return 0;
}

TEST(connect_delay_groups_keep_synapses_whole) {
  /* Sorting a row into delay groups must move each synapse's channel and
   * weight together. Two networks draw the same weights (a uniform delay
   * consumes the same random numbers whatever its bounds): X with delays
   * over 1..30 steps (many groups per row), Y with every delay 10 steps
   * (one group, no reordering). Their (source, target, port, weight)
   * multisets must be equal. Rule fixed_indegree with multapses, so that
   * the same pair can appear with different weights. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 40;
  s.weight = dist4(LYRA_DIST_UNIFORM, -1, 1, 0, 0);
  s.delay = dist4(LYRA_DIST_UNIFORM, 0.1, 3.0, 0, 0);
  readback x = read_proj(13, 50, 80, 0, &s);
  s.delay = dist4(LYRA_DIST_UNIFORM, 0.96, 1.04, 0, 0);
  readback y = read_proj(13, 50, 80, 0, &s);
  CHECK_EQ_INT(y.net->csr.n_groups, 50 * y.net->n_threads);
  CHECK(x.net->csr.n_groups > 50 * 20);
  CHECK_EQ_INT(x.net->csr.n_syn, y.net->csr.n_syn);
  size_t n = (size_t)x.net->csr.n_syn;
  qsort(x.list, n, sizeof *x.list, syn_cmp);
  qsort(y.list, n, sizeof *y.list, syn_cmp);
  int diff = 0;
  for (size_t i = 0; i < n; i++)
    diff += syn_cmp(&x.list[i], &y.list[i]) != 0;
  CHECK_EQ_INT(diff, 0);
  readback_free(&x);
  readback_free(&y);
}

TEST(connect_receptor_ports) {
  /* iaf_psc_exp has two spike ports. AUTO: w >= 0 -> port 0 (ex),
   * w < 0 -> port 1 (in); explicit receptors are kept whatever the sign. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.weight = dist4(LYRA_DIST_NORMAL, 0, 1, 0, 0);
  readback r = read_proj(14, 60, 70, 0, &s);
  int bad = 0, neg = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++) {
    int want = r.list[i].w < 0.0f;
    neg += want;
    bad += r.list[i].port != want;
  }
  CHECK_EQ_INT(bad, 0);
  CHECK(neg > 1500 && neg < 2700); /* about half of 4200 */
  readback_free(&r);

  s.weight = lyra_dist_constant(0.0); /* zero is excitatory, as in NEST */
  r = read_proj(14, 5, 6, 0, &s);
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].port != 0;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);

  s.weight = lyra_dist_constant(-1.0);
  s.receptor = LYRA_RECEPTOR_EX;
  r = read_proj(14, 5, 6, 0, &s);
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].port != 0 || r.list[i].w != -1.0f;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);

  s.weight = lyra_dist_constant(2.0);
  s.receptor = LYRA_RECEPTOR_IN;
  r = read_proj(14, 5, 6, 0, &s);
  bad = 0;
  for (uint64_t i = 0; i < r.net->csr.n_syn; i++)
    bad += r.list[i].port != 1 || r.list[i].w != 2.0f;
  CHECK_EQ_INT(bad, 0);
  readback_free(&r);

  /* a one-port model (iaf_psc_delta) takes both signs on port 0, and its
   * channels stay below its current port */
  lyra_model *m = new_model(14);
  int a = add_pop(m, "A", "iaf_psc_exp", 20);
  int b = add_pop(m, "B", "iaf_psc_delta", 30);
  lyra_projection_spec_init(&s);
  s.source = a;
  s.target = b;
  s.weight = dist4(LYRA_DIST_NORMAL, 0, 1, 0, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.receptor = LYRA_RECEPTOR_IN;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  lyra_network *net = build(m);
  syn *list = csr_list(net);
  bad = 0;
  for (uint64_t i = 0; i < net->csr.n_syn; i++)
    bad += list[i].tpop != b || list[i].port != 0;
  CHECK_EQ_INT(net->csr.n_syn, 2 * 20 * 30);
  CHECK_EQ_INT(bad, 0);
  free(list);
  lyra_network_destroy(net);
  lyra_model_destroy(m);
}

TEST(connect_several_projections_share_rows) {
  /* Target population before the source, two projections from the same
   * source population onto different targets and ports with different
   * delays: every synapse lands in its source's row, in its own group. */
  lyra_model *m = new_model(15);
  int t1 = add_pop(m, "T1", "iaf_psc_exp", 30);
  int src = add_pop(m, "S", "iaf_psc_delta", 20);
  int t2 = add_pop(m, "T2", "iaf_psc_alpha", 25);
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.source = src;
  s.target = t1;
  s.weight = lyra_dist_constant(-1.0);
  s.delay = lyra_dist_constant(2.0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.target = t2;
  s.weight = lyra_dist_constant(3.0);
  s.delay = lyra_dist_constant(0.5);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  lyra_network *net = build(m);
  syn *list = csr_list(net);
  const lyra__csr *c = &net->csr;
  CHECK_EQ_INT(c->n_syn, 20 * 30 + 20 * 25);
  CHECK_EQ_INT(c->n_groups, 20 * 2 * (uint64_t)net->n_threads);
  int bad = 0;
  for (uint64_t i = 0; i < c->n_syn; i++) {
    const syn *y = &list[i];
    if (y->tpop == t1)
      bad += y->port != 1 || y->w != -1.0f || y->d != 20;
    else if (y->tpop == t2)
      bad += y->port != 0 || y->w != 3.0f || y->d != 5;
    else
      bad++;
    uint32_t sl = src_local(net, y, src);
    bad += sl >= 20;
  }
  CHECK_EQ_INT(bad, 0);
  /* rows of the other populations are empty */
  for (uint64_t g = 0; g < net->n_neurons; g++) {
    uint64_t len = c->row[g + 1] - c->row[g];
    int is_src = g >= net->pops[src].gid0 && g < net->pops[src].gid0 + 20;
    CHECK_EQ_INT(len, is_src ? 2 : 0);
  }
  free(list);
  lyra_network_destroy(net);
  lyra_model_destroy(m);
}

TEST(connect_estimate_matches_deterministic_rules) {
  static const struct {
    lyra_rule rule;
    uint64_t n;
    int same, autapses;
    double expect;
  } cases[] = {
      {LYRA_RULE_ALL_TO_ALL, 0, 0, 1, 30 * 40},
      {LYRA_RULE_ALL_TO_ALL, 0, 1, 0, 30 * 29},
      {LYRA_RULE_ONE_TO_ONE, 0, 1, 1, 30},
      {LYRA_RULE_FIXED_INDEGREE, 7, 0, 1, 7 * 40},
      {LYRA_RULE_FIXED_OUTDEGREE, 7, 0, 1, 7 * 30},
      {LYRA_RULE_FIXED_TOTAL_NUMBER, 777, 0, 1, 777},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    lyra_projection_spec s;
    lyra_projection_spec_init(&s);
    s.rule = cases[k].rule;
    s.n = cases[k].n;
    s.allow_autapses = cases[k].autapses;
    lyra_model *m = proj_model(16, 30, 40, cases[k].same, &s);
    lyra_estimate est;
    CHECK_EQ_INT(lyra_model_estimate(m, &est), 0);
    CHECK_NEAR(est.synapses, cases[k].expect, 0);
    lyra_network *net = build(m);
    CHECK_EQ_INT(net->csr.n_syn, cases[k].expect);
    lyra_network_destroy(net);
    lyra_model_destroy(m);
  }
}

/* ---- refused specifications -------------------------------------------- */

TEST(connect_bad_specs_refused) {
  lyra_model *m = new_model(17);
  int a = add_pop(m, "A", "iaf_psc_exp", 10);
  int b = add_pop(m, "B", "iaf_psc_exp", 20);
  lyra_projection_spec s;
#define REFUSED(code, ...)                                                     \
  do {                                                                         \
    lyra_projection_spec_init(&s);                                             \
    s.source = a;                                                              \
    s.target = b;                                                              \
    __VA_ARGS__;                                                               \
    int idx_ = 12345;                                                          \
    CHECK_EQ_INT(lyra_model_add_projection(m, &s, &idx_), code);               \
    CHECK_EQ_INT(idx_, 12345);                                                 \
    CHECK(lyra_model_errmsg(m)[0] != '\0');                                    \
  } while (0)
  /* p outside [0, 1] */
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_PAIRWISE_BERNOULLI; s.p = -0.01);
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_PAIRWISE_BERNOULLI; s.p = 1.0001);
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_PAIRWISE_BERNOULLI; s.p = NAN);
  /* in-degree beyond the sources without multapses (10 sources) */
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_FIXED_INDEGREE; s.n = 11;
          s.allow_multapses = 0);
  /* on itself without autapses only ns - 1 are possible */
  REFUSED(LYRA_EINVAL, s.target = a; s.rule = LYRA_RULE_FIXED_INDEGREE;
          s.n = 10; s.allow_multapses = 0; s.allow_autapses = 0);
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_FIXED_OUTDEGREE; s.n = 21;
          s.allow_multapses = 0);
  /* NEST refuses fixed_total_number without multapses */
  REFUSED(LYRA_ENOTSUP, s.rule = LYRA_RULE_FIXED_TOTAL_NUMBER; s.n = 5;
          s.allow_multapses = 0);
  REFUSED(LYRA_EINVAL, s.rule = LYRA_RULE_ONE_TO_ONE);
  /* delays: a constant below one step (as NEST: "delay must be greater
   * than or equal to resolution"), zero, negative, non-finite, too long,
   * and distributions whose floor rounds to zero steps */
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(0.07));
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(0.04));
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(0.0));
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(-1.0));
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(INFINITY));
  REFUSED(LYRA_EINVAL, s.delay = lyra_dist_constant(6553.6));
  REFUSED(LYRA_EINVAL, s.delay = dist4(LYRA_DIST_UNIFORM, 0.01, 1, 0, 0));
  REFUSED(LYRA_EINVAL,
          s.delay = dist4(LYRA_DIST_NORMAL_CLIPPED, 1, 1, 0.0, 2.0));
  /* bad weights, populations, rules, receptors */
  REFUSED(LYRA_EINVAL, s.weight = lyra_dist_constant(NAN));
  REFUSED(LYRA_EINVAL, s.weight = dist4(LYRA_DIST_UNIFORM, 2, 1, 0, 0));
  REFUSED(LYRA_EINVAL, s.weight = dist4(LYRA_DIST_NORMAL, 0, -1, 0, 0));
  REFUSED(LYRA_EINVAL, s.weight = dist4(LYRA_DIST_NORMAL_CLIPPED, 0, 1, 7, 8));
  REFUSED(LYRA_EINVAL, s.receptor = (lyra_receptor)7);
  REFUSED(LYRA_EINVAL, s.rule = (lyra_rule)99);
  CHECK(lyra_model_add_projection(m, NULL, NULL) != 0);
  lyra_projection_spec_init(&s);
  s.source = 5;
  s.target = b;
  CHECK(lyra_model_add_projection(m, &s, NULL) != 0);
  s.source = a;
  s.target = -1;
  CHECK(lyra_model_add_projection(m, &s, NULL) != 0);
#undef REFUSED
  CHECK_EQ_INT(lyra_model_projection_count(m), 0);

  /* the limits themselves are accepted */
  lyra_projection_spec_init(&s);
  s.source = a;
  s.target = b;
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 10;
  s.allow_multapses = 0;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 11; /* more than ns is fine with multapses */
  s.allow_multapses = 1;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 1.0;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.p = 0.0;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  /* drawn delays may start below one step if they round to one */
  s.delay = dist4(LYRA_DIST_UNIFORM, 0.06, 0.5, 0, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.delay = lyra_dist_constant(0.1); /* exactly one step */
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  CHECK_EQ_INT(lyra_model_projection_count(m), 6);

  /* a delay valid when added but below one step after dt changes is
   * caught when the network is built */
  CHECK_EQ_INT(lyra_model_set_dt(m, 1.0), 0);
  lyra_network *net = (lyra_network *)1;
  char err[256] = "";
  CHECK_EQ_INT(lyra_network_create(&net, m, err, sizeof err), LYRA_EINVAL);
  CHECK(net == NULL);
  CHECK_STR_CONTAINS(err, "delay");
  lyra_model_destroy(m);
}

/* ---- determinism ------------------------------------------------------- */

/* A model with every rule and random weights and delays. */
static lyra_model *mixed_model(uint64_t seed) {
  lyra_model *m = new_model(seed);
  int e = add_pop(m, "E", "iaf_psc_exp", 300);
  int i = add_pop(m, "I", "iaf_psc_exp", 80);
  int x = add_pop(m, "X", "iaf_psc_delta", 80);
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.source = e;
  s.target = e;
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 0.1;
  s.allow_autapses = 0;
  s.weight = dist4(LYRA_DIST_NORMAL, 0.5, 0.1, 0, 0);
  s.delay = dist4(LYRA_DIST_UNIFORM, 0.5, 2.5, 0, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.target = i;
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 40;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.source = i;
  s.target = e;
  s.rule = LYRA_RULE_FIXED_OUTDEGREE;
  s.n = 50;
  s.allow_multapses = 0;
  s.weight = dist4(LYRA_DIST_NORMAL_CLIPPED, -2, 0.5, -4, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.target = i;
  s.rule = LYRA_RULE_FIXED_TOTAL_NUMBER;
  s.allow_multapses = 1;
  s.n = 900;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.source = x;
  s.target = i;
  s.rule = LYRA_RULE_ONE_TO_ONE;
  s.weight = dist4(LYRA_DIST_LOGNORMAL, 0, 1, 0, 0);
  s.delay = dist4(LYRA_DIST_NORMAL, 1, 0.5, 0, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  s.target = e;
  s.rule = LYRA_RULE_ALL_TO_ALL;
  s.weight = dist4(LYRA_DIST_UNIFORM, -1, 1, 0, 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  return m;
}

static lyra_network *mixed_net(uint64_t seed) {
  lyra_model *m = mixed_model(seed);
  lyra_network *net = build(m);
  lyra_model_destroy(m);
  return net;
}

static int csr_identical(const lyra__csr *a, const lyra__csr *b) {
  return a->n_src == b->n_src && a->n_groups == b->n_groups &&
         a->n_syn == b->n_syn &&
         !memcmp(a->row, b->row, (a->n_src + 1) * sizeof *a->row) &&
         !memcmp(a->gstart, b->gstart, (a->n_groups + 1) * sizeof *a->gstart) &&
         !memcmp(a->gdelay, b->gdelay, a->n_groups * sizeof *a->gdelay) &&
         !memcmp(a->chan, b->chan, a->n_syn * sizeof *a->chan) &&
         !memcmp(a->weight, b->weight, a->n_syn * sizeof *a->weight);
}

TEST(connect_same_seed_same_csr) {
  lyra_network *a = mixed_net(424242), *b = mixed_net(424242);
  free(csr_list(a)); /* structural checks */
  CHECK(a->csr.n_syn > 20000);
  CHECK(csr_identical(&a->csr, &b->csr));
  CHECK_EQ_INT(a->dmin, b->dmin);
  CHECK_EQ_INT(a->dmax, b->dmax);
  lyra_network_destroy(b);

  /* another seed: different connectivity and weights */
  b = mixed_net(424243);
  CHECK(!csr_identical(&a->csr, &b->csr));
  if (a->csr.n_syn == b->csr.n_syn) {
    CHECK(memcmp(a->csr.chan, b->csr.chan, a->csr.n_syn * 4) != 0);
    CHECK(memcmp(a->csr.weight, b->csr.weight, a->csr.n_syn * 4) != 0);
  }
  lyra_network_destroy(b);

  /* the largest seed works and differs too */
  b = mixed_net(4294967295u);
  CHECK(!csr_identical(&a->csr, &b->csr));
  lyra_network_destroy(b);
  lyra_network_destroy(a);

  /* fixed_indegree alone: the same n_syn for every seed, different
   * sources */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 10;
  a = one_proj(1, 100, 100, 0, &s);
  b = one_proj(2, 100, 100, 0, &s);
  CHECK_EQ_INT(a->csr.n_syn, b->csr.n_syn);
  CHECK(!csr_identical(&a->csr, &b->csr));
  lyra_network_destroy(a);
  lyra_network_destroy(b);
}

TEST(connect_identical_projections_draw_independently) {
  /* Two identical pairwise_bernoulli projections A -> B (p = 0.3) are two
   * independent draws: a pair is in both with probability p^2, so the
   * overlap is Binomial(ns nt, 0.09) (not the 0.3 of shared streams). */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 0.3;
  s.weight = dist4(LYRA_DIST_NORMAL, 0, 1, 0, 0);
  s.receptor = LYRA_RECEPTOR_EX; /* tells the two apart */
  lyra_model *m = proj_model(19, 100, 120, 0, &s);
  s.receptor = LYRA_RECEPTOR_IN;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s, NULL), 0);
  /* and two identical fixed_indegree ones onto another population */
  int c = add_pop(m, "C", "iaf_psc_exp", 120);
  lyra_projection_spec s2;
  lyra_projection_spec_init(&s2);
  s2.source = s.source;
  s2.target = c;
  s2.rule = LYRA_RULE_FIXED_INDEGREE;
  s2.n = 30;
  s2.allow_multapses = 0;
  CHECK_EQ_INT(lyra_model_add_projection(m, &s2, NULL), 0);
  CHECK_EQ_INT(lyra_model_add_projection(m, &s2, NULL), 0);
  lyra_network *net = build(m);
  syn *list = csr_list(net);
  /* pair multiplicities onto B (pc) and onto C (pc2) */
  uint32_t *pc = calloc(100 * 120, sizeof *pc);
  uint32_t *pc2 = calloc(100 * 120, sizeof *pc2);
  uint32_t a0 = net->pops[s.source].gid0;
  for (uint64_t i = 0; i < net->csr.n_syn; i++)
    (list[i].tpop == c ? pc2
                       : pc)[(size_t)(list[i].src - a0) * 120 + list[i].tgt]++;
  double n = 100.0 * 120.0, both = 0.0;
  for (size_t i = 0; i < (size_t)n; i++)
    both += pc[i] == 2;
  CHECK_NEAR(both, 0.09 * n, Z_TOL * sqrt(n * 0.09 * 0.91));
  /* their weights are independent draws too: no weight value of one
   * projection recurs in the other (floats of N(0,1) coincide with
   * probability ~1e-7 per pair of draws; 1.3e7 pairs: a few at most) */
  float *w0 = malloc((size_t)net->csr.n_syn * sizeof *w0);
  float *w1 = malloc((size_t)net->csr.n_syn * sizeof *w1);
  size_t n0 = 0, n1 = 0, same_w = 0;
  for (uint64_t i = 0; i < net->csr.n_syn; i++)
    if (list[i].tpop == s.target) {
      if (list[i].port == 0)
        w0[n0++] = list[i].w;
      else
        w1[n1++] = list[i].w;
    }
  qsort(w0, n0, sizeof *w0, float_cmp);
  qsort(w1, n1, sizeof *w1, float_cmp);
  for (size_t i = 0, j = 0; i < n0 && j < n1;) {
    if (w0[i] < w1[j])
      i++;
    else if (w1[j] < w0[i])
      j++;
    else {
      same_w++;
      i++;
      j++;
    }
  }
  CHECK(same_w <= 10);
  free(w0);
  free(w1);
  /* fixed_indegree 30 of 100, twice: a pair is in both with probability
   * 0.09 too; per target the overlap is hypergeometric (mean 9, variance
   * 30 (0.3)(0.7)(70/99)), independent across the 120 targets */
  double both2 = 0.0, var2 = 120.0 * 30 * 0.3 * 0.7 * 70.0 / 99.0;
  for (size_t i = 0; i < 100 * 120; i++)
    both2 += pc2[i] == 2;
  CHECK_NEAR(both2, 0.09 * n, Z_TOL * sqrt(var2));
  free(pc2);
  free(pc);
  free(list);
  lyra_network_destroy(net);
  lyra_model_destroy(m);
}

TEST(connect_projection_streams_independent_of_later_ones) {
  /* A projection's synapses come from streams keyed by (seed, projection
   * index, neuron): adding a later projection leaves it unchanged. */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.rule = LYRA_RULE_PAIRWISE_BERNOULLI;
  s.p = 0.2;
  s.weight = dist4(LYRA_DIST_NORMAL, 0, 1, 0, 0);
  s.delay = dist4(LYRA_DIST_UNIFORM, 0.1, 2.0, 0, 0);
  lyra_model *m1 = proj_model(18, 60, 70, 0, &s);
  lyra_network *n1 = build(m1);
  lyra_model *m2 = proj_model(18, 60, 70, 0, &s);
  /* second projection B -> A */
  int tmp = s.source;
  s.source = s.target;
  s.target = tmp;
  s.rule = LYRA_RULE_FIXED_INDEGREE;
  s.n = 5;
  CHECK_EQ_INT(lyra_model_add_projection(m2, &s, NULL), 0);
  lyra_network *n2 = build(m2);
  syn *l1 = csr_list(n1), *l2 = csr_list(n2);
  /* the A -> B synapses of n2: those from A's gids */
  uint32_t a0 = n1->pops[1].gid0, a1 = a0 + 60;
  size_t k2 = 0;
  syn *only = malloc((size_t)n2->csr.n_syn * sizeof *only);
  for (uint64_t i = 0; i < n2->csr.n_syn; i++)
    if (l2[i].src >= a0 && l2[i].src < a1)
      only[k2++] = l2[i];
  CHECK_EQ_INT(k2, n1->csr.n_syn);
  CHECK_EQ_INT(n2->csr.n_syn - k2, 5 * 60);
  int diff = 0;
  for (size_t i = 0; i < k2 && i < n1->csr.n_syn; i++)
    diff += syn_cmp(&only[i], &l1[i]) != 0 || only[i].d != l1[i].d;
  CHECK_EQ_INT(diff, 0);
  free(only);
  free(l1);
  free(l2);
  lyra_network_destroy(n1);
  lyra_network_destroy(n2);
  lyra_model_destroy(m1);
  lyra_model_destroy(m2);
}
