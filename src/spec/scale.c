/*
 * Down-scaling a model, as the reference implementation of the Potjans &
 * Diesmann (2014) microcircuit does: neuron counts times `neurons`,
 * in-degrees times `indegree`, and synaptic weights divided by
 * sqrt(indegree) so that the input variance stays put.
 */
#include "lyra_internal.h"
#include "models/models.h"

#include <math.h>
#include <string.h>

static uint64_t scaled(uint64_t n, double f) {
  double x = round((double)n * f);
  return x < 0 ? 0 : (uint64_t)x;
}

static void scale_dist(lyra_dist *d, double f) {
  switch (d->kind) {
  case LYRA_DIST_LOGNORMAL:
    d->p[0] += log(f); /* exp(mu + sigma N) * f */
    break;
  case LYRA_DIST_NORMAL_CLIPPED:
    d->p[3] *= f;
    d->p[2] *= f; /* fall through: mean and std */
    /* FALLTHROUGH */
  default:
    d->p[0] *= f;
    d->p[1] *= f;
  }
}

static void scale_projection(lyra_projection_spec *s, double n, double k) {
  switch (s->rule) {
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    s->n = scaled(s->n, n * k);
    break;
  case LYRA_RULE_FIXED_INDEGREE:
  case LYRA_RULE_FIXED_OUTDEGREE:
    s->n = scaled(s->n, k);
    break;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    s->p = fmin(1.0, s->p * k / n);
    break;
  default:
    break;
  }
  if (k != 1.0)
    scale_dist(&s->weight, 1.0 / sqrt(k));
}

/* Mean of a weight distribution (the nominal mean for clipped normals, as
 * the reference implementation uses). */
static double dist_mean(const lyra_dist *d) {
  switch (d->kind) {
  case LYRA_DIST_UNIFORM:
    return 0.5 * (d->p[0] + d->p[1]);
  case LYRA_DIST_LOGNORMAL:
    return exp(d->p[0] + 0.5 * d->p[1] * d->p[1]);
  default:
    return d->p[0];
  }
}

/* Full-scale in-degree of a projection. */
static double indegree_of(const lyra_model *m, const lyra_projection_spec *s) {
  double ns = m->pops[s->source].size, nt = m->pops[s->target].size;
  switch (s->rule) {
  case LYRA_RULE_FIXED_TOTAL_NUMBER:
    return (double)s->n / nt;
  case LYRA_RULE_FIXED_INDEGREE:
    return (double)s->n;
  case LYRA_RULE_FIXED_OUTDEGREE:
    return (double)s->n * ns / nt;
  case LYRA_RULE_PAIRWISE_BERNOULLI:
    return s->p * ns;
  case LYRA_RULE_ALL_TO_ALL:
    return ns;
  default:
    return 1.0;
  }
}

/* Mean current (pA) a target of pop t receives from input of mean weight
 * w (pA) at total rate hz, for an exponential current synapse. */
static double mean_current(const lyra__pop_spec *t, double w, double hz) {
  const lyra_model_info *info = &t->model->info;
  int tau = lyra__param_index(info, w >= 0 ? "tau_syn_ex" : "tau_syn_in");
  return 1e-3 * t->params[tau] * w * hz;
}

static int compensable(const lyra__pop_spec *t) {
  return strcmp(t->model->info.name, "iaf_psc_exp") == 0;
}

/* The DC that keeps each target's mean input when in-degrees scale by k:
 * computed on the full-scale model, before anything is scaled. */
static void compensate(lyra_model *m, double k) {
  double f = 1.0 - sqrt(k);
  for (int i = 0; i < m->n_projs; i++) {
    const lyra_projection_spec *s = &m->projs[i];
    lyra__pop_spec *t = &m->pops[s->target];
    double rate = m->pops[s->source].reference_rate;
    if (!compensable(t) || isnan(rate))
      continue;
    double w = dist_mean(&s->weight);
    t->params[lyra__param_index(&t->model->info, "I_e")] +=
        f * mean_current(t, w, indegree_of(m, s) * rate);
  }
  for (int i = 0; i < m->n_devs; i++) {
    const lyra__device_spec *d = &m->devs[i];
    if (d->kind != LYRA__DEV_POISSON)
      continue;
    for (size_t j = 0; j < d->n_targets; j++) {
      lyra__pop_spec *t = &m->pops[d->targets[j].pop];
      if (compensable(t))
        t->params[lyra__param_index(&t->model->info, "I_e")] +=
            f * mean_current(t, d->targets[j].weight,
                             d->params[LYRA__POISSON_RATE]);
    }
  }
}

/* Poisson drive: rate times k, weights divided by sqrt(k). */
static void scale_devices(lyra_model *m, double k) {
  for (int i = 0; i < m->n_devs; i++) {
    lyra__device_spec *d = &m->devs[i];
    if (d->kind != LYRA__DEV_POISSON)
      continue;
    d->params[LYRA__POISSON_RATE] *= k;
    for (size_t j = 0; j < d->n_targets; j++)
      d->targets[j].weight /= sqrt(k);
  }
}

int lyra_model_scale(lyra_model *m, double neurons, double indegree) {
  if (!(neurons > 0 && neurons <= 1) || !(indegree > 0 && indegree <= 1))
    return lyra__model_error(m, LYRA_EINVAL,
                             "scale factors must be in (0, 1], got neurons "
                             "%g, indegree %g",
                             neurons, indegree);
  if (indegree < 1.0) {
    compensate(m, indegree);
    scale_devices(m, indegree);
  }
  for (int i = 0; i < m->n_pops; i++) {
    uint64_t n = scaled(m->pops[i].size, neurons);
    m->pops[i].size = n < 1 ? 1 : (uint32_t)n;
  }
  for (int i = 0; i < m->n_projs; i++)
    scale_projection(&m->projs[i], neurons, indegree);
  for (int i = 0; i < m->n_recs; i++)
    for (size_t k = 0; k < m->recs[i].n_neurons; k++)
      if (m->recs[i].neurons[k] >= m->pops[m->recs[i].pop].size)
        return lyra__model_error(
            m, LYRA_EINVAL,
            "recorded neuron %u is outside population '%s' after scaling "
            "(size %u)",
            m->recs[i].neurons[k], m->pops[m->recs[i].pop].name,
            m->pops[m->recs[i].pop].size);
  return 0;
}
