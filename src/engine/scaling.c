/*
 * Adaptive synaptic scaling inside the slice loop.
 *
 * A scaler multiplies, per target neuron, the excitatory weights of one or
 * more stores onto one population: by exp(gain * interval * (target rate
 * - estimated rate)) (van Rossum, Bi & Turrigiano 2000), or by total /
 * (sum of those weights) (normalisation). Each thread scales the synapses
 * onto the neurons it owns, which all live in its own rows, so no weight
 * is touched by two threads; a neuron's sum is taken in an order fixed by
 * the model (stores, then sources, delay groups and creation), the same
 * for any number of threads.
 *
 * Before scaling, pending STDP potentiation is applied up to the moment
 * of scaling, so that every synapse sees its updates in time order.
 */
#include "engine/plastic.h"

#include <stdlib.h>
#include <string.h>

static int add_scaler(lyra_network *net, const lyra_scaling_spec *spec, int pop,
                      int only_proj) {
  lyra__scaler *sc = &net->scalers[net->n_scalers++];
  memset(sc, 0, sizeof *sc);
  sc->spec = *spec;
  sc->pop = pop;
  sc->nt = net->pops[pop].n;
  sc->interval = llround(spec->interval / net->dt);
  sc->stores = lyra__malloc(sizeof(int) * ((size_t)net->n_stores + 1));
  sc->nu = lyra__malloc(lyra__mul_size(sc->nt, 8));
  sc->t_nu = lyra__calloc(sc->nt, 8);
  sc->factor = lyra__malloc(lyra__mul_size(sc->nt, 8));
  if (!sc->stores || !sc->nu || !sc->t_nu || !sc->factor)
    return LYRA_ENOMEM;
  net->bytes_total += (uint64_t)sc->nt * 24;
  for (uint32_t j = 0; j < sc->nt; j++)
    sc->nu[j] = spec->target_rate; /* no scaling before evidence */
  for (int i = 0; i < net->n_stores; i++) {
    lyra__store *st = &net->stores[i];
    if (st->tgt_pop == pop && (only_proj < 0 || st->proj == only_proj)) {
      sc->stores[sc->n_stores++] = i;
      st->n_scalers++;
    }
  }
  return 0;
}

int lyra__scalers_init(lyra_network *net, const lyra_model *m) {
  int n = 0;
  for (int p = 0; p < m->n_projs; p++)
    n += m->pext[p].scaling.mode != LYRA_SCALING_NONE;
  for (int i = 0; i < m->n_pops; i++)
    n += m->pops[i].scaling.mode != LYRA_SCALING_NONE;
  if (!n)
    return 0;
  net->scalers = lyra__calloc((size_t)n, sizeof *net->scalers);
  if (!net->scalers)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  int rc = 0;
  for (int i = 0; !rc && i < m->n_pops; i++)
    if (m->pops[i].scaling.mode != LYRA_SCALING_NONE)
      rc = add_scaler(net, &m->pops[i].scaling, i, -1);
  for (int p = 0; !rc && p < m->n_projs; p++)
    if (m->pext[p].scaling.mode != LYRA_SCALING_NONE)
      rc = add_scaler(net, &m->pext[p].scaling, m->projs[p].target, p);
  return rc ? lyra__network_error(net, rc, "out of memory") : 0;
}

void lyra__scalers_free(lyra_network *net) {
  for (int i = 0; net->scalers && i < net->n_scalers; i++) {
    free(net->scalers[i].stores);
    free(net->scalers[i].nu);
    free(net->scalers[i].t_nu);
    free(net->scalers[i].factor);
  }
  free(net->scalers);
  net->scalers = NULL;
}

/* The estimate is an exponential filter of the spike train: it decays
 * with tau and each spike adds 1/tau (in Hz), so that a neuron firing
 * regularly at rate nu settles around nu. */
void lyra__scaler_spike(lyra__scaler *sc, uint32_t j, int64_t t, double dt) {
  double tau = sc->spec.tau;
  sc->nu[j] =
      sc->nu[j] * exp(-(double)(t - sc->t_nu[j]) * dt / tau) + 1000.0 / tau;
  sc->t_nu[j] = t;
}

/* Calls fn on every excitatory synapse of thread tid's rows of store st. */
typedef void (*syn_fn)(lyra__scaler *sc, lyra__store *st, uint64_t i,
                       uint32_t j, double value);

static void each_excitatory(lyra__scaler *sc, lyra__store *st, int tid,
                            syn_fn fn) {
  const lyra__csr *c = &st->csr;
  uint64_t i0 = lyra__store_first(st, tid), i1 = lyra__store_first(st, tid + 1);
  for (uint64_t i = i0; i < i1; i++) {
    double v = lyra__store_value(st, c->chan[i], c->wide[i]);
    if (v > 0.0)
      fn(sc, st, i, lyra__store_target(st, c->chan[i]), v);
  }
}

static void add_to_sum(lyra__scaler *sc, lyra__store *st, uint64_t i,
                       uint32_t j, double v) {
  sc->factor[j] += v;
}

static void scale_weight(lyra__scaler *sc, lyra__store *st, uint64_t i,
                         uint32_t j, double v) {
  st->csr.wide[i] *= sc->factor[j];
}

static void apply_scaler(lyra_network *net, lyra__scaler *sc, int tid,
                         int64_t t) {
  const uint32_t lo = net->threads[tid].lo[sc->pop];
  const uint32_t hi = net->threads[tid].hi[sc->pop];
  for (int k = 0; k < sc->n_stores; k++) {
    lyra__store *st = &net->stores[sc->stores[k]];
    for (uint32_t u = 0; u < st->ns; u++)
      lyra__store_catch_up_source(net, st, tid, u, t);
  }
  if (sc->spec.mode == LYRA_SCALING_RATE) {
    double step_s = (double)sc->interval * net->dt * 1e-3;
    for (uint32_t j = lo; j < hi; j++) {
      double nu =
          sc->nu[j] * exp(-(double)(t - sc->t_nu[j]) * net->dt / sc->spec.tau);
      sc->factor[j] = exp(sc->spec.gain * step_s * (sc->spec.target_rate - nu));
    }
  } else {
    memset(sc->factor + lo, 0, (size_t)(hi - lo) * sizeof *sc->factor);
    for (int k = 0; k < sc->n_stores; k++)
      each_excitatory(sc, &net->stores[sc->stores[k]], tid, add_to_sum);
    for (uint32_t j = lo; j < hi; j++)
      sc->factor[j] =
          sc->factor[j] > 0.0 ? sc->spec.total / sc->factor[j] : 1.0;
  }
  for (int k = 0; k < sc->n_stores; k++)
    each_excitatory(sc, &net->stores[sc->stores[k]], tid, scale_weight);
}

void lyra__scalers_apply(lyra_network *net, int tid, int64_t t0, int64_t t1) {
  for (int i = 0; i < net->n_scalers; i++) {
    lyra__scaler *sc = &net->scalers[i];
    if (t1 / sc->interval != t0 / sc->interval)
      apply_scaler(net, sc, tid, t1);
  }
}
