/*
 * Stimulation devices. They have no ring buffer of their own: in every
 * step, just before a population is updated, each device adds what it
 * emitted `delay` steps earlier straight into the slot being read. The
 * order of additions into a slot (all spikes first, then devices in
 * declaration order) therefore does not depend on slicing or threads.
 */
#include "engine/network.h"
#include "models/models.h"
#include "util/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Poisson counts for lambda below this come from table inversion of one
 * 32-bit uniform; above it, from PTRS rejection. */
#define LAMBDA_INVERSION_MAX 30.0

static int64_t time_to_step(double t_ms, double dt) {
  if (isinf(t_ms))
    return INT64_MAX;
  return (int64_t)ceil(t_ms / dt - 1e-9);
}

/* Inversion thresholds: count k where u32 < cdf[k] first holds. The last
 * threshold is 2^32, so the search always ends; the tail it cuts holds
 * less than 2^-32 of the probability. */
static int build_poisson_table(lyra__device *d) {
  int cap = (int)(d->lambda + 12.0 * sqrt(d->lambda) + 16.0);
  d->cdf = lyra__malloc((size_t)cap * sizeof *d->cdf);
  if (!d->cdf)
    return LYRA_ENOMEM;
  double pk = exp(-d->lambda), cum = 0.0;
  int k;
  for (k = 0; k < cap - 1; k++) {
    cum += pk;
    d->cdf[k] = (uint64_t)fmin(4294967296.0, floor(cum * 4294967296.0));
    if (d->cdf[k] >= 4294967296ull)
      break;
    pk *= d->lambda / (k + 1);
  }
  d->cdf[k] = 4294967296ull; /* also where the loop ran out of room */
  d->n_cdf = k + 1;
  for (int j = 0; j < 16; j++)
    d->fast[j] = j < d->n_cdf ? d->cdf[j] : 4294967296ull;
  return 0;
}

static int is_current(int kind) {
  return kind == LYRA__DEV_DC || kind == LYRA__DEV_NOISE;
}

static int resolve_port(const lyra__pop *p, int kind, lyra_receptor rec,
                        double w) {
  if (is_current(kind))
    return lyra__pop_current_port(p);
  return lyra__spike_port(p->model, rec, w);
}

/* The tags of the per-target caches of Poisson and noise devices: what
 * step block or interval each thread's part holds (-1: none yet). */
static int alloc_tags(lyra_network *net, lyra__device *d) {
  size_t n = d->n_targets * (size_t)net->n_threads;
  d->cache_block = lyra__malloc(lyra__mul_size(n, sizeof *d->cache_block));
  for (size_t k = 0; d->cache_block && k < n; k++)
    d->cache_block[k] = -1;
  return d->cache_block ? 0 : LYRA_ENOMEM;
}

static int build_noise(lyra_network *net, lyra__device *d,
                       const lyra__device_spec *ds) {
  const double *p = ds->params, two_pi = 6.283185307179586;
  double steps = p[LYRA__NOISE_DT] > 0 ? p[LYRA__NOISE_DT] / net->dt : 10.0;
  d->noise_steps = llround(steps);
  d->mean = p[LYRA__NOISE_MEAN];
  d->var = p[LYRA__NOISE_STD] * p[LYRA__NOISE_STD];
  d->var_mod = p[LYRA__NOISE_STD_MOD] * p[LYRA__NOISE_STD_MOD];
  d->omega = two_pi * p[LYRA__NOISE_FREQUENCY] * 1e-3; /* per ms */
  d->phase = p[LYRA__NOISE_PHASE] * two_pi / 360.0;
  d->amp = lyra__calloc(d->n_targets, sizeof *d->amp);
  if (!d->amp || alloc_tags(net, d))
    return LYRA_ENOMEM;
  for (size_t t = 0; t < d->n_targets; t++) {
    uint32_t n = net->pops[d->targets[t].pop].n;
    d->amp[t] = lyra__malloc(lyra__mul_size(n, sizeof **d->amp));
    if (!d->amp[t])
      return LYRA_ENOMEM;
    net->bytes_total += (uint64_t)n * sizeof **d->amp;
  }
  return 0;
}

static int build_one(lyra_network *net, lyra__device *d,
                     const lyra__device_spec *ds, uint32_t index) {
  d->kind = ds->kind;
  d->index = index;
  int start = lyra__param_index(ds->info, "start");
  int stop = lyra__param_index(ds->info, "stop");
  d->start_step = start < 0 ? 0 : time_to_step(ds->params[start], net->dt);
  d->stop_step = stop < 0 ? INT64_MAX : time_to_step(ds->params[stop], net->dt);
  d->targets = lyra__calloc(ds->n_targets, sizeof *d->targets);
  if (!d->targets)
    return LYRA_ENOMEM;
  d->n_targets = ds->n_targets;
  for (size_t t = 0; t < ds->n_targets; t++) {
    const lyra__device_target *st = &ds->targets[t];
    lyra__dev_target *dt = &d->targets[t];
    dt->pop = st->pop;
    dt->weight = st->weight;
    dt->delay = (int)lround(st->delay_ms / net->dt);
    dt->delay = dt->delay < 1 ? 1 : dt->delay;
    dt->port =
        resolve_port(&net->pops[st->pop], d->kind, st->receptor, st->weight);
    if (is_current(d->kind))
      net->pops[st->pop].has_current = 1;
    else
      dt->weight =
          lyra__port_weight(net->pops[st->pop].model, dt->port, st->weight);
  }
  if (d->kind == LYRA__DEV_DC) {
    d->amplitude = ds->params[LYRA__DC_AMPLITUDE];
  } else if (d->kind == LYRA__DEV_NOISE) {
    return build_noise(net, d, ds);
  } else if (d->kind == LYRA__DEV_POISSON) {
    d->lambda = ds->params[LYRA__POISSON_RATE] * net->dt * 1e-3;
    if (d->lambda <= LAMBDA_INVERSION_MAX && build_poisson_table(d))
      return LYRA_ENOMEM;
    d->cache = lyra__calloc(d->n_targets, sizeof *d->cache);
    if (!d->cache || alloc_tags(net, d))
      return LYRA_ENOMEM;
    for (size_t t = 0; t < d->n_targets; t++) {
      uint32_t n = net->pops[d->targets[t].pop].n;
      /* four words per neuron, then one "needs the tail" byte each */
      d->cache[t] = lyra__malloc(lyra__mul_size(n, 20));
      if (!d->cache[t])
        return LYRA_ENOMEM;
      net->bytes_total += (uint64_t)n * 20;
    }
  } else {
    d->spike_steps = lyra__malloc(ds->n_spike_times * sizeof(int64_t));
    if (!d->spike_steps)
      return LYRA_ENOMEM;
    /* A spike at time t is stamped t and so emitted in step t/dt - 1. */
    for (size_t i = 0; i < ds->n_spike_times; i++)
      d->spike_steps[i] = llround(ds->spike_times[i] / net->dt) - 1;
    d->n_spikes = ds->n_spike_times;
  }
  return 0;
}

int lyra__devices_build(lyra_network *net, const lyra_model *m) {
  net->devs = lyra__calloc((size_t)m->n_devs, sizeof *net->devs);
  if (!net->devs)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  net->n_devs = m->n_devs;
  for (int i = 0; i < m->n_devs; i++)
    if (build_one(net, &net->devs[i], &m->devs[i], (uint32_t)i))
      return lyra__network_error(net, LYRA_ENOMEM, "out of memory for devices");
  return 0;
}

void lyra__devices_free(lyra_network *net) {
  for (int i = 0; net->devs && i < net->n_devs; i++) {
    lyra__device *d = &net->devs[i];
    for (size_t t = 0; d->cache && t < d->n_targets; t++)
      free(d->cache[t]);
    for (size_t t = 0; d->amp && t < d->n_targets; t++)
      free(d->amp[t]);
    free(d->cache);
    free(d->amp);
    free(d->cache_block);
    free(d->cdf);
    free(d->spike_steps);
    free(d->targets);
  }
  free(net->devs);
  net->devs = NULL;
}

/* Counts by inversion for every neuron: k = #{j : u >= cdf[j]}, the
 * first 16 thresholds branch-free (vectorised; for the small lambda of
 * network drive this is all of them), the rare rest sequentially. */
#define POISSON_FAST 16

LYRA__HOT
static void poisson_invert(const uint32_t *restrict u, uint32_t n,
                           const uint64_t *restrict fast, double w,
                           double *restrict x, uint8_t *restrict full) {
  for (uint32_t i = 0; i < n; i++) {
    const uint64_t ui = u[i];
    uint32_t k = 0;
    for (int j = 0; j < POISSON_FAST; j++)
      k += ui >= fast[j];
    full[i] = k == POISSON_FAST;
    x[i] += w * (double)k;
  }
}

static void poisson_tail(const lyra__device *d, const uint32_t *u, uint32_t n,
                         double w, double *x, const uint8_t *full) {
  for (uint32_t i = 0; i < n; i++) {
    if (!full[i])
      continue;
    uint32_t k = POISSON_FAST;
    while (k < (uint32_t)d->n_cdf && u[i] >= d->cdf[k])
      k++;
    x[i] += w * (double)(k - POISSON_FAST);
  }
}

/* Poisson counts for emission step e into port values x[0..n). Counts
 * come from the stream of (neuron, device); one Philox block covers four
 * consecutive steps of one neuron, cached between steps (word k of all
 * neurons at cache + k * n). */
static void inject_poisson(const lyra_network *net, lyra__device *d, size_t t,
                           int64_t e, double *x, uint32_t lo, uint32_t hi,
                           int tid) {
  const lyra__dev_target *tg = &d->targets[t];
  const lyra__pop *p = &net->pops[tg->pop];
  const double w = tg->weight;
  const uint32_t n = p->n, m = hi - lo;
  if (d->lambda <= 0.0)
    return;
  if (d->lambda > LAMBDA_INVERSION_MAX) {
    for (uint32_t i = lo; i < hi; i++) {
      lyra__rng r;
      lyra__rng_init(&r, net->seed, LYRA__RNG_POISSON, p->gid0 + i, d->index,
                     (uint32_t)e);
      x[i] += w * lyra__rng_poisson_ptrs(&r, d->lambda);
    }
    return;
  }
  uint32_t *cache = d->cache[t] + lo;
  int64_t block = e >> 2;
  int64_t *tag = &d->cache_block[t * (size_t)net->n_threads + (size_t)tid];
  if (*tag != block) {
    lyra__philox_batch((uint32_t)net->seed, LYRA__RNG_POISSON, p->gid0 + lo,
                       d->index, (uint32_t)block, 0, m, cache, cache + n,
                       cache + 2 * (size_t)n, cache + 3 * (size_t)n);
    *tag = block;
  }
  const uint32_t *u = cache + (size_t)(e & 3) * n;
  uint8_t *full = (uint8_t *)(d->cache[t] + 4 * (size_t)n) + lo;
  poisson_invert(u, m, d->fast, w, x + lo, full);
  if (d->n_cdf > POISSON_FAST)
    poisson_tail(d, u, m, w, x + lo, full);
}

/* Noise for emission step e into port values x[lo..hi). Interval j
 * starts at step start_step + j noise_steps; its value for each neuron is
 * drawn when the first step of it is needed, from the stream of (neuron,
 * device target, j), and kept for the others. The modulated variance is
 * taken at the end of the interval's first step, as NEST does. */
static void inject_noise(const lyra_network *net, lyra__device *d, size_t t,
                         int64_t e, double *x, uint32_t lo, uint32_t hi,
                         int tid) {
  const lyra__dev_target *tg = &d->targets[t];
  const lyra__pop *p = &net->pops[tg->pop];
  const int64_t j = (e - d->start_step) / d->noise_steps;
  double *amp = d->amp[t];
  int64_t *tag = &d->cache_block[t * (size_t)net->n_threads + (size_t)tid];
  if (*tag != j) {
    double var = d->var;
    if (d->var_mod != 0.0) {
      double t_ms = (double)(j * d->noise_steps + d->start_step + 1) * net->dt;
      var += d->var_mod * sin(d->omega * t_ms + d->phase);
    }
    const double sd = sqrt(var);
    /* One stream per (device, target): a population aimed at twice gets
     * two independent currents, as two NEST connections do. */
    const uint32_t sub = (uint32_t)(t * (size_t)net->n_devs + d->index);
    for (uint32_t i = lo; i < hi; i++) {
      lyra__rng r;
      lyra__rng_init(&r, net->seed, LYRA__RNG_NOISE, p->gid0 + i, sub,
                     (uint32_t)j);
      amp[i] = d->mean + sd * lyra__rng_normal(&r);
    }
    *tag = j;
  }
  const double w = tg->weight;
  for (uint32_t i = lo; i < hi; i++)
    x[i] += w * amp[i];
}

static int spikegen_count(const lyra__device *d, int64_t e) {
  /* Binary search for the first spike step >= e, then count equal ones
   * (several spike times may round to the same step). */
  size_t lo = 0, hi = d->n_spikes;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->spike_steps[mid] < e)
      lo = mid + 1;
    else
      hi = mid;
  }
  int c = 0;
  while (lo < d->n_spikes && d->spike_steps[lo] == e) {
    lo++;
    c++;
  }
  return c;
}

void lyra__devices_inject(lyra_network *net, int pop, int64_t s,
                          double *const *in, uint32_t lo, uint32_t hi,
                          int tid) {
  for (int i = 0; i < net->n_devs; i++) {
    lyra__device *d = &net->devs[i];
    for (size_t t = 0; t < d->n_targets; t++) {
      const lyra__dev_target *tg = &d->targets[t];
      if (tg->pop != pop)
        continue;
      int64_t e = s - tg->delay; /* emission step of what arrives now */
      double *x = in[tg->port];
      if (d->kind == LYRA__DEV_SPIKEGEN) {
        int c = e >= 0 ? spikegen_count(d, e) : 0;
        for (uint32_t j = lo; c && j < hi; j++)
          x[j] += tg->weight * c;
        continue;
      }
      if (e < 0 || e < d->start_step || e >= d->stop_step)
        continue;
      if (d->kind == LYRA__DEV_DC) {
        double a = tg->weight * d->amplitude;
        for (uint32_t j = lo; j < hi; j++)
          x[j] += a;
      } else if (d->kind == LYRA__DEV_NOISE) {
        inject_noise(net, d, t, e, x, lo, hi, tid);
      } else {
        inject_poisson(net, d, t, e, x, lo, hi, tid);
      }
    }
  }
}
