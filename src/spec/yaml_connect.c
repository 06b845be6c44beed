/*
 * yaml_connect.c - the `projections` and `devices` sections of a model
 * file. A weight is read in the weight unit of the population it lands on,
 * so a projection whose targets are of different models reads its weight
 * once per target.
 */
#include "spec/yaml_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const receptors[] = {"auto", "excitatory", "inhibitory"};

/* A receptor: auto, excitatory, inhibitory, or a port number k >= 1 (of
 * a multisynapse model). */
static int receptor(lyra__yctx *c, const yaml_node_t *v, lyra_receptor *out) {
  char buf[64];
  const char *s =
      v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
  if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+') {
    uint64_t k = 0;
    if (lyra__yaml_uint(c, v, 1, (uint64_t)INT32_MAX - LYRA_RECEPTOR_IN,
                        "a receptor port (an integer from 1)", &k))
      return c->code;
    *out = LYRA_RECEPTOR_PORT((int)k);
    return 0;
  }
  for (int i = 0; i < 3; i++)
    if (v->type == YAML_SCALAR_NODE && !strcmp(s, receptors[i])) {
      *out = (lyra_receptor)i;
      return 0;
    }
  return lyra__yaml_fail(c, v, LYRA_EPARSE,
                         "expected a receptor (auto, excitatory, inhibitory, "
                         "or a receptor port 1, 2, ... of a multisynapse "
                         "model), found %s",
                         lyra__yaml_describe(v, buf, sizeof buf));
}

/* ---- projections ---------------------------------------------------- */

typedef struct rule_def {
  const char *name;
  lyra_rule rule;
  const char *count_key; /* the rule's one parameter, NULL if none */
  const char *count_what;
} rule_def;

static const rule_def rules[] = {
    {"all_to_all", LYRA_RULE_ALL_TO_ALL, NULL, NULL},
    {"one_to_one", LYRA_RULE_ONE_TO_ONE, NULL, NULL},
    {"pairwise_bernoulli", LYRA_RULE_PAIRWISE_BERNOULLI, "p", NULL},
    {"fixed_indegree", LYRA_RULE_FIXED_INDEGREE, "indegree",
     "an in-degree (a non-negative integer)"},
    {"fixed_outdegree", LYRA_RULE_FIXED_OUTDEGREE, "outdegree",
     "an out-degree (a non-negative integer)"},
    {"fixed_total_number", LYRA_RULE_FIXED_TOTAL_NUMBER, "N",
     "a number of synapses (a non-negative integer)"},
};
#define N_RULES (sizeof rules / sizeof rules[0])

static int connect_flags(lyra__yctx *c, const yaml_node_t *n,
                         lyra_projection_spec *s) {
  yaml_node_t *v;
  if ((v = lyra__yaml_get(c, n, "allow_autapses", NULL)) &&
      lyra__yaml_bool(c, v, &s->allow_autapses))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "allow_multapses", NULL)) &&
      lyra__yaml_bool(c, v, &s->allow_multapses))
    return c->code;
  return 0;
}

static int connect_spec(lyra__yctx *c, const yaml_node_t *n,
                        lyra_projection_spec *s) {
  const char *names[N_RULES];
  yaml_node_t *rn, *v;
  int r = 0;
  for (size_t i = 0; i < N_RULES; i++)
    names[i] = rules[i].name;
  if (lyra__yaml_check_map(c, n, "'connect'", NULL) ||
      lyra__yaml_require(c, n, "rule", NULL, "'connect'", &rn) ||
      lyra__yaml_word(c, rn, "a connection rule", names, N_RULES, &r))
    return c->code;
  const rule_def *d = &rules[r];
  const char *keys[] = {"rule", "allow_autapses", "allow_multapses",
                        d->count_key, NULL};
  char what[80];
  snprintf(what, sizeof what, "'connect' with rule %s", d->name);
  if (lyra__yaml_check_map(c, n, what, keys))
    return c->code;
  s->rule = d->rule;
  if (d->count_key) {
    if (lyra__yaml_require(c, n, d->count_key, NULL, what, &v))
      return c->code;
    if (d->rule == LYRA_RULE_PAIRWISE_BERNOULLI
            ? lyra__yaml_quantity(c, v, "", &s->p)
            : lyra__yaml_uint(c, v, 0, UINT64_MAX, d->count_what, &s->n))
      return c->code;
  }
  return connect_flags(c, n, s);
}

/* weight, delay and receptor of a synapse; wunit is the weight's unit. */
static int synapse_spec(lyra__yctx *c, const yaml_node_t *n, const char *wunit,
                        lyra_projection_spec *s) {
  static const char *const keys[] = {"weight", "delay",   "receptor", "model",
                                     "params", "scaling", NULL};
  yaml_node_t *v;
  if (!n || lyra__yaml_is_null(n))
    return 0;
  if (lyra__yaml_check_map(c, n, "'synapse'", keys))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "weight", NULL)) &&
      lyra__yaml_dist(c, v, wunit, &s->weight))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "delay", NULL)) &&
      lyra__yaml_dist(c, v, "ms", &s->delay))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "receptor", NULL)) &&
      receptor(c, v, &s->receptor))
    return c->code;
  return 0;
}

/* source and target: a population name or a list of them. */
static int endpoints(lyra__yctx *c, const yaml_node_t *item, const char *key,
                     yaml_node_t **out) {
  if (lyra__yaml_require(c, item, key, NULL, "a projection", out) ||
      lyra__yaml_check_list(c, *out, "a population name or a list of them"))
    return c->code;
  for (size_t i = 0; i < lyra__yaml_list_len(*out); i++) {
    int pop = 0;
    if (lyra__yaml_pop(c, lyra__yaml_list_at(c, *out, i), &pop))
      return c->code;
  }
  return 0;
}

/* One projection per (source, target) pair; an error the model refuses
 * (p out of range, in-degree too large, delay below dt) is reported at the
 * projection's first line, the message naming the value. */
/* What a projection's synapse says beyond weight and delay: model,
 * params, scaling; and the projection's name. */
static int projection_extras(lyra__yctx *c, const yaml_node_t *item,
                             const yaml_node_t *sn, int proj,
                             const char *wunit) {
  yaml_node_t *v;
  int rc;
  if ((v = lyra__yaml_get(c, item, "name", NULL))) {
    const char *name;
    if (lyra__yaml_text(c, v, "a projection name", &name))
      return c->code;
    if ((rc = lyra_model_set_projection_name(c->m, proj, name)))
      return lyra__yaml_api_fail(c, v, rc);
  }
  if (lyra__yaml_synapse_model(c, sn, proj, wunit))
    return c->code;
  if (sn && !lyra__yaml_is_null(sn) &&
      (v = lyra__yaml_get(c, sn, "scaling", NULL))) {
    lyra_scaling_spec sc;
    if (lyra__yaml_scaling(c, v, wunit, &sc))
      return c->code;
    if ((rc = lyra_model_set_projection_scaling(c->m, proj, &sc)))
      return lyra__yaml_api_fail(c, v, rc);
  }
  /* Synapse parameter constraints are otherwise checked only with the
   * whole model; the projections before this one passed already. */
  if ((rc = lyra_model_validate(c->m)))
    return lyra__yaml_api_fail(
        c, (v = lyra__yaml_get(c, sn, "params", NULL)) ? v : item, rc);
  return 0;
}

/* The receptor must be one the target has; said at the receptor (or,
 * when none is given, at the synapse or the projection). */
static int projection_receptor(lyra__yctx *c, const yaml_node_t *item,
                               const yaml_node_t *sn,
                               const lyra_projection_spec *s) {
  char what[2 * LYRA__NAME_MAX + 32];
  yaml_node_t *v = sn && sn->type == YAML_MAPPING_NODE
                       ? lyra__yaml_get(c, sn, "receptor", NULL)
                       : NULL;
  snprintf(what, sizeof what, "projection from '%s' to '%s'",
           lyra_model_population_name(c->m, s->source),
           lyra_model_population_name(c->m, s->target));
  int rc = lyra__check_receptor(c->m, what, s->target, s->receptor);
  if (rc)
    return lyra__yaml_api_fail(
        c, v ? v : (sn && !lyra__yaml_is_null(sn) ? sn : item), rc);
  return 0;
}

static int projection(lyra__yctx *c, const yaml_node_t *item) {
  static const char *const keys[] = {"source",  "target", "connect",
                                     "synapse", "name",   NULL};
  yaml_node_t *src, *tgt, *cn, *sn, *nn;
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  if (lyra__yaml_check_map(c, item, "a projection", keys) ||
      endpoints(c, item, "source", &src) || endpoints(c, item, "target", &tgt))
    return c->code;
  if ((cn = lyra__yaml_get(c, item, "connect", NULL)) &&
      !lyra__yaml_is_null(cn) && connect_spec(c, cn, &s))
    return c->code;
  sn = lyra__yaml_get(c, item, "synapse", NULL);
  if ((nn = lyra__yaml_get(c, item, "name", NULL)) &&
      lyra__yaml_list_len(src) * lyra__yaml_list_len(tgt) != 1)
    return lyra__yaml_fail(c, nn, LYRA_EPARSE,
                           "expected one source and one target for a named "
                           "projection, found %zu pairs",
                           lyra__yaml_list_len(src) * lyra__yaml_list_len(tgt));
  for (size_t i = 0; i < lyra__yaml_list_len(src); i++)
    for (size_t j = 0; j < lyra__yaml_list_len(tgt); j++) {
      lyra__yaml_pop(c, lyra__yaml_list_at(c, src, i), &s.source);
      lyra__yaml_pop(c, lyra__yaml_list_at(c, tgt, j), &s.target);
      const lyra_model_info *ti = lyra__yaml_pop_info(c, s.target);
      if (synapse_spec(c, sn, ti->weight_unit, &s))
        return c->code;
      int proj = 0;
      int rc = projection_receptor(c, item, sn, &s);
      if (rc)
        return rc;
      rc = lyra_model_add_projection(c->m, &s, &proj);
      if (rc)
        return lyra__yaml_api_fail(c, item, rc);
      if (projection_extras(c, item, sn, proj, ti->weight_unit))
        return c->code;
    }
  return 0;
}

int lyra__yaml_projections(lyra__yctx *c, const yaml_node_t *n) {
  char buf[64];
  if (lyra__yaml_is_null(n))
    return 0;
  if (n->type != YAML_SEQUENCE_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a list of projections, found %s",
                           lyra__yaml_describe(n, buf, sizeof buf));
  for (size_t i = 0; i < lyra__yaml_list_len(n); i++)
    if (projection(c, lyra__yaml_list_at(c, n, i)))
      return c->code;
  return 0;
}

/* ---- devices -------------------------------------------------------- */

static int device_model(lyra__yctx *c, const yaml_node_t *v,
                        const lyra_model_info **out) {
  const char *name;
  char list[512] = "", q[64];
  if (lyra__yaml_text(c, v, "a device model name", &name))
    return c->code;
  *out = lyra_model_info_find(name);
  if (*out && !strcmp((*out)->kind, "device"))
    return 0;
  for (size_t i = 0; i < lyra_model_info_count(); i++)
    if (!strcmp(lyra_model_info_at(i)->kind, "device"))
      lyra__yaml_append(list, sizeof list, lyra_model_info_at(i)->name);
  lyra__quote_text(q, sizeof q, name, strlen(name));
  char kind[32] = "";
  if (*out)
    snprintf(kind, sizeof kind, " (a %s model)", (*out)->kind);
  return lyra__yaml_fail(c, v, LYRA_ENOTFOUND,
                         "expected a device model (one of: %s), found %s%s",
                         list, q, kind);
}

static int spike_times(lyra__yctx *c, const yaml_node_t *n, int dev) {
  size_t count = lyra__yaml_list_len(n);
  char buf[64];
  if (n->type == YAML_MAPPING_NODE || lyra__yaml_is_null(n))
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a list of times such as [1 ms, 5.5 ms], "
                           "found %s",
                           lyra__yaml_describe(n, buf, sizeof buf));
  double *t = lyra__malloc(lyra__mul_size(count, sizeof *t));
  if (!t)
    return lyra__yaml_fail(c, n, LYRA_ENOMEM, "out of memory");
  for (size_t i = 0; i < count && !c->code; i++)
    lyra__yaml_quantity(c, lyra__yaml_list_at(c, n, i), "ms", &t[i]);
  if (!c->code) {
    int rc = lyra_model_set_device_spike_times(c->m, dev, t, count);
    if (rc)
      lyra__yaml_api_fail(c, n, rc);
  }
  free(t);
  return c->code;
}

/* Connects device dev to one target population. The weight of a current
 * generator (dc_generator, noise_generator: no weight unit) scales its
 * current (a plain number, default 1); the generators of spikes have a
 * weight in the target's weight unit and must say it. */
static int device_target(lyra__yctx *c, const yaml_node_t *item,
                         const yaml_node_t *tn, const yaml_node_t *syn, int dev,
                         const lyra_model_info *info) {
  static const char *const keys[] = {"weight", "delay", "receptor", NULL};
  bool dc = !info->weight_unit[0];
  double w = 1.0, delay = lyra_model_dt(c->m);
  int pop;
  lyra_receptor r = LYRA_RECEPTOR_AUTO;
  yaml_node_t *v;
  char what[96];
  snprintf(what, sizeof what, "the synapse of a %s", info->name);
  if (lyra__yaml_pop(c, tn, &pop) ||
      (syn && lyra__yaml_check_map(c, syn, what, keys)))
    return c->code;
  const char *wunit = dc ? "" : lyra__yaml_pop_info(c, pop)->weight_unit;
  if (!(v = syn ? lyra__yaml_get(c, syn, "weight", NULL) : NULL) && !dc)
    return lyra__yaml_fail(c, syn ? syn : item, LYRA_EPARSE,
                           "expected key 'weight' in %s, found none", what);
  if ((v && lyra__yaml_quantity(c, v, wunit, &w)) ||
      (syn && (v = lyra__yaml_get(c, syn, "delay", NULL)) &&
       lyra__yaml_quantity(c, v, "ms", &delay)) ||
      (syn && (v = lyra__yaml_get(c, syn, "receptor", NULL)) &&
       receptor(c, v, &r)))
    return c->code;
  /* a receptor the target does not have is said at the receptor */
  int rc = lyra__check_device_receptor(c->m, dev, pop, r);
  if (rc) {
    v = syn ? lyra__yaml_get(c, syn, "receptor", NULL) : NULL;
    return lyra__yaml_api_fail(c, v ? v : syn ? syn : tn, rc);
  }
  rc = lyra_model_connect_device(c->m, dev, pop, w, delay, r);
  return rc ? lyra__yaml_api_fail(c, tn, rc) : 0;
}

static int device(lyra__yctx *c, const yaml_node_t *item) {
  static const char *const keys[] = {"model",   "params",      "targets",
                                     "synapse", "spike_times", NULL};
  const lyra_model_info *info = NULL;
  yaml_node_t *mn, *tn, *x;
  int dev = 0, rc;
  if (lyra__yaml_check_map(c, item, "a device", NULL) ||
      lyra__yaml_require(c, item, "model", NULL, "a device", &mn) ||
      device_model(c, mn, &info))
    return c->code;
  bool spikegen = !strcmp(info->name, "spike_generator");
  char what[96];
  snprintf(what, sizeof what, "a %s device", info->name);
  /* spike_times (the last key) only for a spike_generator */
  const char *const *allowed = keys;
  const char *no_times[] = {"model", "params", "targets", "synapse", NULL};
  if (!spikegen)
    allowed = no_times;
  if (lyra__yaml_check_map(c, item, what, allowed) ||
      lyra__yaml_require(c, item, "targets", NULL, what, &tn) ||
      lyra__yaml_check_list(c, tn, "a population name or a list of them"))
    return c->code;
  if ((rc = lyra_model_add_device(c->m, info->name, &dev)))
    return lyra__yaml_api_fail(c, mn, rc);
  snprintf(what, sizeof what, "the params of a %s", info->name);
  if ((x = lyra__yaml_get(c, item, "params", NULL)) &&
      lyra__yaml_params(c, x, info, what, "", lyra_model_set_device_param, dev))
    return c->code;
  if ((rc = lyra__check_device(c->m, dev)))
    return lyra__yaml_api_fail(c, x ? x : item, rc);
  if (spikegen && (x = lyra__yaml_get(c, item, "spike_times", NULL)) &&
      spike_times(c, x, dev))
    return c->code;
  yaml_node_t *syn = lyra__yaml_get(c, item, "synapse", NULL);
  if (syn && lyra__yaml_is_null(syn))
    syn = NULL;
  for (size_t i = 0; i < lyra__yaml_list_len(tn); i++)
    if (device_target(c, item, lyra__yaml_list_at(c, tn, i), syn, dev, info))
      return c->code;
  return 0;
}

int lyra__yaml_devices(lyra__yctx *c, const yaml_node_t *n) {
  char buf[64];
  if (lyra__yaml_is_null(n))
    return 0;
  if (n->type != YAML_SEQUENCE_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a list of devices, found %s",
                           lyra__yaml_describe(n, buf, sizeof buf));
  for (size_t i = 0; i < lyra__yaml_list_len(n); i++)
    if (device(c, lyra__yaml_list_at(c, n, i)))
      return c->code;
  return 0;
}
