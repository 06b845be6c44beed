/*
 * The plasticity part of a model description: projection names, synapse
 * models and their parameters, synaptic scaling, weight recorders.
 */
#include "lyra_internal.h"
#include "models/models.h"
#include "models/synapses.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_proj(lyra_model *m, int proj) {
  if (proj < 0 || proj >= m->n_projs)
    return lyra__model_error(m, LYRA_EINVAL, "no projection with index %d",
                             proj);
  return 0;
}

int lyra_model_find_projection(const lyra_model *m, const char *name) {
  for (int i = 0; name && i < m->n_projs; i++)
    if (strcmp(m->pext[i].name, name) == 0)
      return i;
  return LYRA_ENOTFOUND;
}

const char *lyra_model_projection_name(const lyra_model *m, int proj) {
  return proj >= 0 && proj < m->n_projs ? m->pext[proj].name : NULL;
}

/* "SRC-TGT", then "SRC-TGT.2", ...; "projection.K" if that is too long. */
static void default_name(const lyra_model *m, const lyra_projection_spec *s,
                         char *out) {
  char base[LYRA__NAME_MAX];
  int n = snprintf(base, sizeof base, "%s-%s", m->pops[s->source].name,
                   m->pops[s->target].name);
  if (n < 0 || n >= LYRA__NAME_MAX - 8)
    snprintf(base, sizeof base, "projection.%d", m->n_projs);
  snprintf(out, LYRA__NAME_MAX, "%s", base);
  for (int k = 2; lyra_model_find_projection(m, out) >= 0; k++)
    snprintf(out, LYRA__NAME_MAX, "%.48s.%d", base, k);
}

int lyra__add_projection_ext(lyra_model *m, const lyra_projection_spec *s) {
  if (lyra__grow((void **)&m->projs, &m->cap_projs, m->n_projs,
                 sizeof *m->projs) ||
      lyra__grow((void **)&m->pext, &m->cap_pext, m->n_projs, sizeof *m->pext))
    return LYRA_ENOMEM;
  lyra__proj_ext *e = &m->pext[m->n_projs];
  memset(e, 0, sizeof *e);
  e->synapse = &lyra__static_synapse;
  default_name(m, s, e->name);
  return 0;
}

int lyra_model_set_projection_name(lyra_model *m, int proj, const char *name) {
  int rc = check_proj(m, proj);
  if (rc)
    return rc;
  if (!lyra__valid_name(name))
    return lyra__model_error(
        m, LYRA_EINVAL,
        "projection name must be 1-63 characters of A-Z a-z 0-9 _ . -");
  int other = lyra_model_find_projection(m, name);
  if (other >= 0 && other != proj)
    return lyra__model_error(m, LYRA_EINVAL,
                             "projection name '%s' is already taken", name);
  snprintf(m->pext[proj].name, LYRA__NAME_MAX, "%s", name);
  return 0;
}

int lyra_model_set_synapse_model(lyra_model *m, int proj, const char *model) {
  int rc = check_proj(m, proj);
  if (rc)
    return rc;
  const lyra__synapse_desc *d = lyra__synapse_model_find(model);
  if (!d)
    return lyra__model_error(m, LYRA_ENOTFOUND,
                             "unknown synapse model '%s' (see 'lyra models')",
                             model ? model : "(null)");
  lyra__proj_ext *e = &m->pext[proj];
  e->synapse = d;
  for (size_t i = 0; i < d->info.n_params; i++)
    e->params[i] = d->info.params[i].default_value;
  return 0;
}

int lyra_model_set_synapse_param(lyra_model *m, int proj, const char *param,
                                 double value) {
  int rc = check_proj(m, proj);
  if (rc)
    return rc;
  return lyra__set_catalogue_param(m, &m->pext[proj].synapse->info,
                                   m->pext[proj].params, param, value);
}

/* ---- synaptic scaling ------------------------------------------------ */

void lyra_scaling_spec_init(lyra_scaling_spec *s) {
  memset(s, 0, sizeof *s);
  s->mode = LYRA_SCALING_RATE;
  s->target_rate = 5.0;
  s->tau = 1000.0;
  s->gain = 0.001;
  s->interval = 100.0;
}

static int check_scaling(lyra_model *m, const lyra_scaling_spec *s) {
  if (!s)
    return lyra__model_error(m, LYRA_EINVAL, "no scaling given");
  if (s->mode == LYRA_SCALING_NONE)
    return 0;
  if (s->mode != LYRA_SCALING_RATE && s->mode != LYRA_SCALING_NORMALIZE)
    return lyra__model_error(m, LYRA_EINVAL, "unknown scaling mode %d",
                             (int)s->mode);
  double steps = s->interval / m->dt;
  if (!(steps >= 0.999) || !isfinite(steps) ||
      fabs(steps - round(steps)) > 1e-6 || steps > 1e9)
    return lyra__model_error(m, LYRA_EINVAL,
                             "scaling interval %g ms must be a positive "
                             "multiple of dt (%g ms)",
                             s->interval, m->dt);
  if (s->mode == LYRA_SCALING_NORMALIZE) {
    if (!(s->total > 0) || !isfinite(s->total))
      return lyra__model_error(m, LYRA_EINVAL,
                               "scaling total must be > 0, got %g", s->total);
    return 0;
  }
  if (!(s->target_rate >= 0) || !isfinite(s->target_rate))
    return lyra__model_error(m, LYRA_EINVAL,
                             "scaling target_rate must be >= 0 Hz, got %g",
                             s->target_rate);
  if (!(s->tau > 0) || !isfinite(s->tau))
    return lyra__model_error(m, LYRA_EINVAL,
                             "scaling tau must be > 0 ms, got %g", s->tau);
  if (!(s->gain >= 0) || !isfinite(s->gain))
    return lyra__model_error(
        m, LYRA_EINVAL, "scaling gain must be >= 0 /(Hz s), got %g", s->gain);
  return 0;
}

int lyra_model_set_projection_scaling(lyra_model *m, int proj,
                                      const lyra_scaling_spec *s) {
  int rc;
  if ((rc = check_proj(m, proj)) || (rc = check_scaling(m, s)))
    return rc;
  m->pext[proj].scaling = *s;
  return 0;
}

int lyra_model_set_population_scaling(lyra_model *m, int pop,
                                      const lyra_scaling_spec *s) {
  int rc;
  if ((rc = lyra__check_pop(m, pop)) || (rc = check_scaling(m, s)))
    return rc;
  m->pops[pop].scaling = *s;
  return 0;
}

int lyra__proj_is_separate(const lyra_model *m, int proj) {
  const lyra__proj_ext *e = &m->pext[proj];
  return e->synapse->kind != LYRA__SYN_STATIC ||
         e->scaling.mode != LYRA_SCALING_NONE || e->dump_formats ||
         e->recorded ||
         m->pops[m->projs[proj].target].scaling.mode != LYRA_SCALING_NONE;
}

/* Short-term plasticity keeps its state per source, which is exact only
 * if every synapse of a source has it: the parameters are per projection
 * (they are), and so is the dendritic delay's irrelevance (it is). */
int lyra__validate_plasticity(lyra_model *m) {
  char err[LYRA__ERR_MAX];
  for (int i = 0; i < m->n_projs; i++) {
    const lyra__proj_ext *e = &m->pext[i];
    int rc;
    if (e->synapse->validate && (rc = e->synapse->validate(e->params, err)))
      return lyra__model_error(m, rc, "projection '%s' (%s): %s", e->name,
                               e->synapse->info.name, err);
    if ((rc = check_scaling(m, &e->scaling)))
      return rc;
  }
  for (int i = 0; i < m->n_pops; i++) {
    int rc = check_scaling(m, &m->pops[i].scaling);
    if (rc)
      return rc;
  }
  return 0;
}

/* ---- weight recorders ------------------------------------------------ */

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Copies a sorted list of population-local indices (NULL if n is 0). */
static int copy_ids(lyra_model *m, const uint32_t *ids, size_t n, uint32_t size,
                    const char *pop, uint32_t **out) {
  *out = NULL;
  if (n == 0 || !ids)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (ids[i] >= size)
      return lyra__model_error(m, LYRA_EINVAL,
                               "neuron %u is outside population '%s' (size "
                               "%u)",
                               ids[i], pop, size);
  *out = lyra__malloc(lyra__mul_size(n, sizeof **out));
  if (!*out)
    return lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  memcpy(*out, ids, n * sizeof **out);
  qsort(*out, n, sizeof **out, cmp_u32);
  return 0;
}

int lyra_model_record_weights(lyra_model *m, int proj, const uint32_t *sources,
                              size_t n_sources, const uint32_t *targets,
                              size_t n_targets, double interval,
                              unsigned formats) {
  int rc;
  if ((rc = check_proj(m, proj)) ||
      (rc = lyra__check_formats(m, formats, LYRA__FILE_FORMATS)))
    return rc;
  for (int i = 0; i < m->n_wrecs; i++)
    if (m->wrecs[i].proj == proj)
      return lyra__model_error(m, LYRA_EINVAL,
                               "weights of '%s' are already recorded",
                               m->pext[proj].name);
  double steps = interval / m->dt;
  if (!(steps >= 0.999) || !isfinite(steps) ||
      fabs(steps - round(steps)) > 1e-6)
    return lyra__model_error(m, LYRA_EINVAL,
                             "interval %g ms must be a multiple of dt (%g ms)",
                             interval, m->dt);
  const lyra_projection_spec *s = &m->projs[proj];
  lyra__weight_rec_spec r = {.proj = proj,
                             .n_sources = sources ? n_sources : 0,
                             .n_targets = targets ? n_targets : 0,
                             .interval_ms = interval,
                             .formats = formats};
  if ((rc = copy_ids(m, sources, r.n_sources, m->pops[s->source].size,
                     m->pops[s->source].name, &r.sources)) ||
      (rc = copy_ids(m, targets, r.n_targets, m->pops[s->target].size,
                     m->pops[s->target].name, &r.targets)) ||
      lyra__grow((void **)&m->wrecs, &m->cap_wrecs, m->n_wrecs,
                 sizeof *m->wrecs)) {
    free(r.sources);
    free(r.targets);
    return rc ? rc : lyra__model_error(m, LYRA_ENOMEM, "out of memory");
  }
  m->wrecs[m->n_wrecs++] = r;
  m->pext[proj].recorded = 1;
  return 0;
}

int lyra_model_dump_synapses(lyra_model *m, int proj, unsigned formats) {
  int rc;
  if ((rc = check_proj(m, proj)) ||
      (rc = lyra__check_formats(m, formats, LYRA__FILE_FORMATS)))
    return rc;
  m->pext[proj].dump_formats = formats;
  return 0;
}
