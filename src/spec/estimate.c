/*
 * What building a model will take, from the description alone: expected
 * synapse count (exact for deterministic rules) and peak memory.
 */
#include "lyra_internal.h"
#include "models/models.h"
#include "models/synapses.h"

#include <math.h>

static double expected_synapses(const lyra_model *m,
                                const lyra_projection_spec *s) {
  double ns = m->pops[s->source].size, nt = m->pops[s->target].size;
  int self = s->source == s->target && !s->allow_autapses;
  switch (s->rule) {
  case LYRA_RULE_ALL_TO_ALL:
    return ns * nt - (self ? nt : 0);
  case LYRA_RULE_ONE_TO_ONE:
    return self ? 0 : nt;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    return s->p * (self ? ns - 1 : ns) * nt;
  case LYRA_RULE_FIXED_INDEGREE:
    return (double)s->n * nt;
  case LYRA_RULE_FIXED_OUTDEGREE:
    return (double)s->n * ns;
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    return (double)s->n;
  }
  return 0;
}

/* Longest delay (steps) a distribution will practically produce. */
static double max_delay_steps(const lyra_dist *d, double dt) {
  const double *p = d->p;
  double x;
  switch (d->kind) {
  case LYRA_DIST_CONSTANT:
    x = p[0];
    break;
  case LYRA_DIST_UNIFORM:
    x = p[1];
    break;
  case LYRA_DIST_NORMAL:
    x = p[0] + 6 * p[1];
    break;
  case LYRA_DIST_NORMAL_CLIPPED:
    x = fmin(p[3], p[0] + 6 * p[1]);
    break;
  default:
    x = exp(p[0] + 6 * p[1]);
  }
  return fmin(65535.0, fmax(1.0, round(x / dt)));
}

int lyra_model_estimate(lyra_model *m, lyra_estimate *out) {
  double syn = 0, neurons = 0, chans = 0, state = 0, dmax = 1, dmin = 65535;
  double dev = 0;
  if (!out)
    return LYRA_EINVAL;
  for (int i = 0; i < m->n_pops; i++) {
    const lyra__model_desc *d = m->pops[i].model;
    double n = m->pops[i].size;
    double ports = (double)lyra__spec_spike_ports(&m->pops[i]);
    neurons += n;
    chans += n * (ports + 1);
    /* state arrays, per-port state, refractory counter, statistics
     * (4+8+8+8) */
    state +=
        n * (8.0 * (lyra__model_n_state(d) + ports * d->n_port_state) + 4 + 28);
  }
  double wide = 0; /* extra bytes of projections kept on their own */
  for (int i = 0; i < m->n_projs; i++) {
    double k = expected_synapses(m, &m->projs[i]);
    syn += k;
    if (lyra__proj_is_separate(m, i)) /* a double weight, maybe a trace */
      wide +=
          k *
          (4.0 + (m->pext[i].synapse->kind == LYRA__SYN_STDP_NN_PRE     ? 8.0
                  : m->pext[i].synapse->kind == LYRA__SYN_STDP_NN_RESTR ? 1.0
                                                                        : 0.0));
    double hi = max_delay_steps(&m->projs[i].delay, m->dt);
    dmax = fmax(dmax, hi);
    dmin = fmin(dmin, m->projs[i].delay.kind == LYRA_DIST_CONSTANT ? hi : 1.0);
  }
  for (int i = 0; i < m->n_devs; i++)
    for (size_t t = 0; t < m->devs[i].n_targets; t++)
      if (m->devs[i].kind == LYRA__DEV_POISSON)
        dev += 20.0 * m->pops[m->devs[i].targets[t].pop].size;
      else if (m->devs[i].kind == LYRA__DEV_NOISE)
        dev += 8.0 * m->pops[m->devs[i].targets[t].pop].size;
  if (m->n_projs == 0)
    dmin = 10;
  /* Connectivity peaks during construction: channel, weight and a 2-byte
   * delay per synapse, row offsets and a cursor per neuron. */
  double csr = 8.0 * syn + 16.0 * neurons + wide;
  double csr_build = 10.0 * syn + 24.0 * neurons + wide;
  double ring = (dmax + dmin + 1) * chans * 8.0;
  out->neurons = (uint64_t)neurons;
  out->synapses = syn;
  out->bytes_synapses = csr;
  out->bytes_total = fmax(csr, csr_build) + ring + state + dev;
  return 0;
}
