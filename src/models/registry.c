/* The model catalogue: neuron models, then devices, then synapses. */
#include "models/models.h"
#include "models/synapses.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const lyra__model_desc *const neuron_models[] = {
    &lyra__iaf_psc_delta,
    &lyra__iaf_psc_exp,
    &lyra__iaf_psc_alpha,
    &lyra__iaf_cond_exp,
    &lyra__izhikevich,
    &lyra__aeif_cond_exp,
    &lyra__aeif_cond_alpha,
    &lyra__aeif_psc_exp,
    &lyra__iaf_cond_alpha,
    &lyra__hh_psc_alpha,
    &lyra__hh_cond_exp_traub,
    &lyra__iaf_psc_exp_multisynapse,
    &lyra__aeif_cond_alpha_multisynapse,
};
#define N_NEURON (sizeof neuron_models / sizeof neuron_models[0])

static const lyra_model_info *const device_models[] = {
    &lyra__poisson_generator_info,
    &lyra__dc_generator_info,
    &lyra__spike_generator_info,
    &lyra__noise_generator_info,
};
#define N_DEVICE (sizeof device_models / sizeof device_models[0])

/* static_synapse has no state and no rule: plain CSR delivery. */
const lyra__synapse_desc lyra__static_synapse = {
    .info =
        {
            .name = "static_synapse",
            .kind = "synapse",
            .doc = "A synapse with a fixed weight and delay (the default).",
            .equations = "each spike adds w to the target's input after "
                         "the delay",
            .integration = "exact",
            .weight_unit = "target's weight unit",
            .n_params = 0,
            .params = NULL,
        },
    .kind = LYRA__SYN_STATIC,
    .validate = NULL,
};

static const lyra__synapse_desc *const synapse_models[] = {
    &lyra__static_synapse,           &lyra__stdp_synapse,
    &lyra__stdp_nn_symm_synapse,     &lyra__stdp_nn_pre_centered_synapse,
    &lyra__stdp_nn_restr_synapse,    &lyra__stdp_triplet_synapse,
    &lyra__vogels_sprekeler_synapse, &lyra__tsodyks_synapse,
    &lyra__tsodyks2_synapse,
};
#define N_SYNAPSE (sizeof synapse_models / sizeof synapse_models[0])

size_t lyra_model_info_count(void) {
  return N_NEURON + N_DEVICE + N_SYNAPSE;
}

const lyra_model_info *lyra_model_info_at(size_t i) {
  if (i < N_NEURON)
    return &neuron_models[i]->info;
  if (i < N_NEURON + N_DEVICE)
    return device_models[i - N_NEURON];
  if (i < N_NEURON + N_DEVICE + N_SYNAPSE)
    return &synapse_models[i - N_NEURON - N_DEVICE]->info;
  return NULL;
}

const char *lyra__synapse_kind_name(int kind) {
  for (size_t i = 0; i < N_SYNAPSE; i++)
    if (synapse_models[i]->kind == kind)
      return synapse_models[i]->info.name;
  return "?";
}

const lyra__synapse_desc *lyra__synapse_model_find(const char *name) {
  for (size_t i = 0; name && i < N_SYNAPSE; i++)
    if (strcmp(synapse_models[i]->info.name, name) == 0)
      return synapse_models[i];
  return NULL;
}

const lyra_model_info *lyra_model_info_find(const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < lyra_model_info_count(); i++) {
    const lyra_model_info *info = lyra_model_info_at(i);
    if (strcmp(info->name, name) == 0)
      return info;
  }
  return NULL;
}

const lyra__model_desc *lyra__neuron_model_find(const char *name) {
  for (size_t i = 0; name && i < N_NEURON; i++)
    if (strcmp(neuron_models[i]->info.name, name) == 0)
      return neuron_models[i];
  return NULL;
}

static int find_in(const lyra_param_info *list, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i].name, name) == 0)
      return (int)i;
  return -1;
}

int lyra__param_index(const lyra_model_info *info, const char *name) {
  return find_in(info->params, info->n_params, name);
}

int lyra__state_index(const lyra_model_info *info, const char *name) {
  return find_in(info->state, info->n_state, name);
}

/* "<prefix>_<k>" with k a decimal >= 1 without leading zeros: k, else 0. */
static long port_suffix(const char *name, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(name, prefix, n) != 0 || name[n] != '_' || name[n + 1] < '1' ||
      name[n + 1] > '9')
    return 0;
  long k = 0;
  for (const char *c = name + n + 1; *c; c++) {
    if (*c < '0' || *c > '9' || k > (INT32_MAX - 9) / 10)
      return 0;
    k = k * 10 + (*c - '0');
  }
  return k;
}

int lyra__state_ref(const lyra__model_desc *d, const char *name) {
  int k = name ? lyra__state_index(&d->info, name) : -1;
  if (k >= 0 || !name)
    return k;
  for (int j = 0; j < d->n_port_visible; j++) {
    long port = port_suffix(name, d->port_state[j].name);
    /* the number must fit an int with the variables before it */
    if (port > 0 &&
        port <= (INT32_MAX - (long)d->info.n_state) / d->n_port_visible)
      return (int)d->info.n_state + (int)(port - 1) * d->n_port_visible + j;
  }
  return -1;
}

long lyra__state_ref_port(const lyra__model_desc *d, int ref) {
  if (ref < (int)d->info.n_state)
    return -1;
  return (ref - (int)d->info.n_state) / d->n_port_visible;
}

const char *lyra__state_ref_name(const lyra__model_desc *d, int ref, char *buf,
                                 size_t cap) {
  long port = lyra__state_ref_port(d, ref);
  if (port < 0)
    snprintf(buf, cap, "%s", d->info.state[ref].name);
  else
    snprintf(
        buf, cap, "%s_%ld",
        d->port_state[(ref - (int)d->info.n_state) % d->n_port_visible].name,
        port + 1);
  return buf;
}

const char *lyra__state_ref_unit(const lyra__model_desc *d, int ref) {
  if (ref < (int)d->info.n_state)
    return d->info.state[ref].unit;
  return d->port_state[(ref - (int)d->info.n_state) % d->n_port_visible].unit;
}

double *lyra__state_ref_array(const lyra__pop *p, int ref) {
  const lyra__model_desc *d = p->model;
  long port = lyra__state_ref_port(d, ref);
  if (port < 0)
    return p->state[ref];
  return lyra__port_state(p, (int)port,
                          (ref - (int)d->info.n_state) % d->n_port_visible);
}

int lyra__choice_count(const char *choices) {
  int n = choices ? 1 : 0;
  for (const char *c = choices; c && *c; c++)
    n += *c == '|';
  return n;
}

const char *lyra__choice_word(const char *choices, int i, char *buf,
                              size_t cap) {
  const char *c = choices;
  for (; i > 0 && c; i--)
    c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL;
  size_t len = c ? strcspn(c, "|") : 0;
  len = len < cap ? len : cap - 1;
  if (c)
    memcpy(buf, c, len);
  buf[len] = '\0';
  return buf;
}

int lyra__require_positive_list(const lyra_model_info *info,
                                const double *const *lists, uint32_t n,
                                int index, char *err) {
  for (uint32_t k = 0; k < n; k++) {
    double x = lists[index][k];
    if (!(x > 0 && isfinite(x)))
      return lyra__errf(err, LYRA_EINVAL,
                        "%s: every element of %s must be > 0 %s, got %g as "
                        "element %u (receptor port %u)",
                        info->name, info->params[index].name,
                        info->params[index].unit, x, k + 1, k + 1);
  }
  return 0;
}

int lyra__require_positive(const lyra_model_info *info, const double *params,
                           int index, char *err) {
  if (params[index] > 0 && isfinite(params[index]))
    return 0;
  return lyra__errf(err, LYRA_EINVAL, "%s: %s must be > 0 %s, got %g",
                    info->name, info->params[index].name,
                    info->params[index].unit, params[index]);
}

int lyra__require_nonnegative(const lyra_model_info *info, const double *params,
                              int index, char *err) {
  if (params[index] >= 0 && isfinite(params[index]))
    return 0;
  return lyra__errf(err, LYRA_EINVAL, "%s: %s must be >= 0 %s, got %g",
                    info->name, info->params[index].name,
                    info->params[index].unit, params[index]);
}

int lyra__require_less(const lyra_model_info *info, const double *params, int a,
                       int b, char *err) {
  if (params[a] < params[b])
    return 0;
  return lyra__errf(err, LYRA_EINVAL, "%s: %s (%g %s) must be below %s (%g %s)",
                    info->name, info->params[a].name, params[a],
                    info->params[a].unit, info->params[b].name, params[b],
                    info->params[b].unit);
}

int lyra__check_rules(const lyra_model_info *info, const double *params,
                      const lyra__param_rule *rules, size_t n, char *err) {
  for (size_t i = 0; i < n; i++) {
    const lyra__param_rule *r = &rules[i];
    int rc = r->kind == LYRA__POSITIVE
                 ? lyra__require_positive(info, params, r->a, err)
             : r->kind == LYRA__NONNEGATIVE
                 ? lyra__require_nonnegative(info, params, r->a, err)
                 : lyra__require_less(info, params, r->a, r->b, err);
    if (rc)
      return rc;
  }
  return 0;
}

int32_t lyra__refractory_steps(double t_ref, double dt) {
  return (int32_t)lround(t_ref / dt);
}

/* Eight neurons at a time with GCC vector extensions (portable, and the
 * AVX2/AVX-512 clones compare them in one or two instructions); spikes are
 * rare, so almost every block is dismissed by one test. The same test
 * catches a NaN or -inf (not above -DBL_MAX) and +inf (above V_th); the
 * first such neuron is put in out->bad and left alone. */

static void check_one(double *v, double *refr, uint32_t j, double th,
                      double reset, double refr_steps, lyra__spike_out *out) {
  if (!isfinite(v[j])) {
    if (out->bad == LYRA__NO_NEURON)
      out->bad = j;
    return;
  }
  if (v[j] >= th) {
    v[j] = reset;
    refr[j] = refr_steps;
    out->idx[out->count++] = j;
  }
}

LYRA__HOT
void lyra__find_spikes(double *v, double *refr, uint32_t lo, uint32_t hi,
                       double th, double reset, double refr_steps,
                       lyra__spike_out *out) {
  const lyra__v4d t = {th, th, th, th};
  const lyra__v4d low = {-DBL_MAX, -DBL_MAX, -DBL_MAX, -DBL_MAX};
  uint32_t i = lo;
  for (; i + 8 <= hi; i += 8) {
    lyra__v4d a, b;
    memcpy(&a, v + i, sizeof a);
    memcpy(&b, v + i + 4, sizeof b);
    lyra__v4l m = (a >= t) | (b >= t) | ~((a >= low) & (b >= low));
    if (!(m[0] | m[1] | m[2] | m[3]))
      continue;
    for (uint32_t j = i; j < i + 8; j++)
      check_one(v, refr, j, th, reset, refr_steps, out);
  }
  for (; i < hi; i++)
    check_one(v, refr, i, th, reset, refr_steps, out);
}
