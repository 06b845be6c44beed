/*
 * yaml_sections.c - the `run`, `populations` and `recorders` sections of a
 * model file (projections and devices are in yaml_connect.c). Keys and
 * units are checked here; values are handed to the lyra_model_* calls,
 * which own every other rule, and their messages are relayed with the
 * position of the value that was refused.
 */
#include "spec/yaml_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UINT32_TEXT "4294967295"

/* ---- run ------------------------------------------------------------ */

static int run_time(lyra__yctx *c, const yaml_node_t *n, const char *key,
                    int (*set)(lyra_model *, double)) {
  yaml_node_t *v = lyra__yaml_get(c, n, key, NULL);
  double t;
  if (!v)
    return 0;
  if (lyra__yaml_quantity(c, v, "ms", &t))
    return c->code;
  int rc = set(c->m, t);
  return rc ? lyra__yaml_api_fail(c, v, rc) : 0;
}

/* run.scale: {neurons: f, indegree: f}, both plain numbers in (0, 1]. */
static int run_scale(lyra__yctx *c, yaml_node_t *v) {
  static const char *const keys[] = {"neurons", "indegree", NULL};
  const char *names[2] = {"neurons", "indegree"};
  double f[2] = {1.0, 1.0};
  if (lyra__yaml_check_map(c, v, "'scale'", keys))
    return c->code;
  for (int i = 0; i < 2; i++) {
    yaml_node_t *x = lyra__yaml_get(c, v, names[i], NULL);
    if (x && lyra__yaml_quantity(c, x, "", &f[i]))
      return c->code;
  }
  c->scale_neurons = f[0];
  c->scale_indegree = f[1];
  c->scale_node = v;
  return 0;
}

int lyra__yaml_run(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"dt",      "duration", "seed", "output",
                                     "threads", "scale",    NULL};
  yaml_node_t *v;
  int rc;
  if (lyra__yaml_is_null(n))
    return 0;
  if (lyra__yaml_check_map(c, n, "'run'", keys) ||
      run_time(c, n, "dt", lyra_model_set_dt) ||
      run_time(c, n, "duration", lyra_model_set_duration))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "seed", NULL))) {
    uint64_t seed;
    if (lyra__yaml_uint(c, v, 0, UINT32_MAX,
                        "a seed (an integer from 0 to " UINT32_TEXT ")", &seed))
      return c->code;
    if ((rc = lyra_model_set_seed(c->m, seed)))
      return lyra__yaml_api_fail(c, v, rc);
  }
  if ((v = lyra__yaml_get(c, n, "scale", NULL)) && run_scale(c, v))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "threads", NULL))) {
    uint64_t threads;
    if (lyra__yaml_uint(c, v, 0, 1024,
                        "a thread count (0 for one per core, up to 1024)",
                        &threads))
      return c->code;
    if ((rc = lyra_model_set_threads(c->m, (int)threads)))
      return lyra__yaml_api_fail(c, v, rc);
  }
  if ((v = lyra__yaml_get(c, n, "output", NULL))) {
    const char *dir;
    if (lyra__yaml_text(c, v, "a directory name", &dir))
      return c->code;
    if ((rc = lyra_model_set_output_dir(c->m, dir)))
      return lyra__yaml_api_fail(c, v, rc);
  }
  return 0;
}

/* ---- populations ---------------------------------------------------- */

static int find_info(const lyra_param_info *list, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i].name, name))
      return (int)i;
  return -1;
}

/* "unknown parameter 'tau' of iaf_psc_delta; expected one of: ..." */
static int unknown_name(lyra__yctx *c, const yaml_node_t *k, const char *kind,
                        const lyra_model_info *info,
                        const lyra_param_info *list, size_t n,
                        const char *hint) {
  char names[512] = "", q[64];
  for (size_t i = 0; i < n; i++)
    lyra__yaml_append(names, sizeof names, list[i].name);
  lyra__yaml_describe(k, q, sizeof q);
  return lyra__yaml_fail(c, k, LYRA_ENOTFOUND,
                         "unknown %s %s of %s; expected one of: %s%s", kind, q,
                         info->name, n ? names : "(none)", hint);
}

static int pop_initial(lyra__yctx *c, const yaml_node_t *n, int pop,
                       const lyra_model_info *info, const char *what) {
  if (lyra__yaml_is_null(n))
    return 0;
  if (lyra__yaml_check_map(c, n, what, NULL))
    return c->code;
  for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = lyra__yaml_node(c, p->key), *v;
    const char *name = (const char *)k->data.scalar.value;
    int i = find_info(info->state, info->n_state, name);
    if (i < 0)
      return unknown_name(c, k, "state variable", info, info->state,
                          info->n_state,
                          find_info(info->params, info->n_params, name) >= 0
                              ? " (a parameter: set it under 'params')"
                              : "");
    lyra_dist d;
    v = lyra__yaml_node(c, p->value);
    if (lyra__yaml_dist(c, v, info->state[i].unit, &d))
      return c->code;
    int rc = lyra_model_set_initial(c->m, pop, name, &d);
    if (rc)
      return lyra__yaml_api_fail(c, v, rc);
  }
  return 0;
}

static int neuron_model(lyra__yctx *c, const yaml_node_t *v,
                        const lyra_model_info **out) {
  const char *name;
  char list[512] = "", q[64];
  if (lyra__yaml_text(c, v, "a neuron model name", &name))
    return c->code;
  *out = lyra_model_info_find(name);
  if (*out && !strcmp((*out)->kind, "neuron"))
    return 0;
  for (size_t i = 0; i < lyra_model_info_count(); i++)
    if (!strcmp(lyra_model_info_at(i)->kind, "neuron"))
      lyra__yaml_append(list, sizeof list, lyra_model_info_at(i)->name);
  lyra__quote_text(q, sizeof q, name, strlen(name));
  return lyra__yaml_fail(c, v, LYRA_ENOTFOUND,
                         "expected a neuron model (one of: %s), found %s%s",
                         list, q, *out ? " (a device model)" : "");
}

static int population(lyra__yctx *c, const yaml_node_t *k,
                      const yaml_node_t *v) {
  static const char *const keys[] = {
      "model", "size", "params", "initial", "scaling", "reference_rate", NULL};
  const char *name = (const char *)k->data.scalar.value;
  const lyra_model_info *info = NULL;
  char what[128], q[64];
  yaml_node_t *mn, *sn, *x;
  uint64_t size = 0;
  int pop = 0, rc;
  lyra__quote_text(q, sizeof q, name, strlen(name));
  snprintf(what, sizeof what, "population %s", q);
  if (lyra__yaml_check_map(c, v, what, keys) ||
      lyra__yaml_require(c, v, "model", k, what, &mn) ||
      neuron_model(c, mn, &info) ||
      lyra__yaml_require(c, v, "size", k, what, &sn) ||
      lyra__yaml_uint(
          c, sn, 1, UINT32_MAX,
          "a population size (an integer from 1 to " UINT32_TEXT ")", &size))
    return c->code;
  rc = lyra_model_add_population(c->m, name, info->name, (uint32_t)size, &pop);
  if (rc)
    return lyra__yaml_api_fail(c, k, rc);
  snprintf(what, sizeof what, "the params of population %s", q);
  if ((x = lyra__yaml_get(c, v, "params", NULL)) &&
      lyra__yaml_params(c, x, info, what, "", lyra_model_set_param, pop))
    return c->code;
  snprintf(what, sizeof what, "the initial values of population %s", q);
  if ((x = lyra__yaml_get(c, v, "initial", NULL)) &&
      pop_initial(c, x, pop, info, what))
    return c->code;
  if ((x = lyra__yaml_get(c, v, "reference_rate", NULL))) {
    double hz;
    if (lyra__yaml_quantity(c, x, "Hz", &hz))
      return c->code;
    if ((rc = lyra_model_set_reference_rate(c->m, pop, hz)))
      return lyra__yaml_api_fail(c, x, rc);
  }
  if ((x = lyra__yaml_get(c, v, "scaling", NULL))) {
    lyra_scaling_spec sc;
    if (lyra__yaml_scaling(c, x, info->weight_unit, &sc))
      return c->code;
    if ((rc = lyra_model_set_population_scaling(c->m, pop, &sc)))
      return lyra__yaml_api_fail(c, x, rc);
  }
  /* Parameter constraints (V_reset < V_th, ...) are otherwise checked only
   * when the whole model is validated, with no position. The populations
   * before this one passed already, so a failure now is this one's, and
   * its params can be named. */
  rc = lyra_model_validate(c->m);
  if (rc)
    return lyra__yaml_api_fail(
        c, (x = lyra__yaml_get(c, v, "params", NULL)) ? x : k, rc);
  return 0;
}

int lyra__yaml_populations(lyra__yctx *c, const yaml_node_t *n) {
  if (lyra__yaml_check_map(c, n, "'populations'", NULL))
    return c->code;
  if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected at least one population, found an "
                           "empty mapping");
  for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++)
    if (population(c, lyra__yaml_node(c, p->key), lyra__yaml_node(c, p->value)))
      return c->code;
  return 0;
}

/* ---- recorders ------------------------------------------------------ */

/* The format key of recorder mapping rec: a word or a list of words; word
 * k is LYRA_FORMAT_* bit k. Only spike recorders offer "sonata" (the
 * run's one spikes.h5). */
static int format_key(lyra__yctx *c, const yaml_node_t *rec, unsigned allowed,
                      unsigned *out) {
  static const char *const words[] = {"binary", "text", "sonata"};
  size_t n_words = allowed & LYRA_FORMAT_SONATA ? 3 : 2;
  const yaml_node_t *n = lyra__yaml_get(c, rec, "format", NULL);
  *out = LYRA_FORMAT_BINARY | LYRA_FORMAT_TEXT;
  if (!n)
    return 0;
  if (lyra__yaml_check_list(c, n, "a format or a list of formats"))
    return c->code;
  *out = 0;
  for (size_t i = 0; i < lyra__yaml_list_len(n); i++) {
    int w;
    if (lyra__yaml_word(c, lyra__yaml_list_at(c, n, i), "a format", words,
                        n_words, &w))
      return c->code;
    *out |= 1u << w;
  }
  return 0;
}

static int spike_recorder(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"type", "populations", "format", NULL};
  yaml_node_t *pn;
  unsigned f = 0;
  int pop = 0, rc;
  if (lyra__yaml_check_map(c, n, "a spike recorder", keys) ||
      format_key(c, n, LYRA__SPIKE_FORMATS, &f))
    return c->code;
  pn = lyra__yaml_get(c, n, "populations", NULL);
  if (!pn || lyra__yaml_is_null(pn)) { /* default: every population */
    for (pop = 0; pop < lyra_model_population_count(c->m); pop++)
      if ((rc = lyra_model_record_spikes(c->m, pop, f)))
        return lyra__yaml_api_fail(c, n, rc);
    return 0;
  }
  if (lyra__yaml_check_list(c, pn, "a population name or a list of them"))
    return c->code;
  for (size_t i = 0; i < lyra__yaml_list_len(pn); i++) {
    yaml_node_t *x = lyra__yaml_list_at(c, pn, i);
    if (lyra__yaml_pop(c, x, &pop))
      return c->code;
    if ((rc = lyra_model_record_spikes(c->m, pop, f)))
      return lyra__yaml_api_fail(c, x, rc);
  }
  return 0;
}

/* neurons: [0, 1, 2] or {first: N}. Sizes are checked before anything is
 * allocated, so a huge request fails with a message, not a failed
 * allocation. */
static int neuron_list(lyra__yctx *c, const yaml_node_t *n, uint32_t size,
                       uint32_t **out, size_t *count) {
  char what[128], buf[64];
  uint64_t v,
      max = size < LYRA__YAML_MAX_RECORDED ? size : LYRA__YAML_MAX_RECORDED;
  yaml_node_t *fn = NULL;
  if (n->type == YAML_MAPPING_NODE) {
    static const char *const keys[] = {"first", NULL};
    snprintf(what, sizeof what, "a neuron count from 1 to %llu",
             (unsigned long long)max);
    if (lyra__yaml_check_map(c, n, "'neurons'", keys) ||
        lyra__yaml_require(c, n, "first", NULL, "'neurons'", &fn) ||
        lyra__yaml_uint(c, fn, 1, max, what, &v))
      return c->code;
    *count = (size_t)v;
  } else if (n->type == YAML_SEQUENCE_NODE && lyra__yaml_list_len(n) > 0 &&
             lyra__yaml_list_len(n) <= max) {
    *count = lyra__yaml_list_len(n);
  } else {
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a list of at most %llu neuron indices "
                           "or {first: N}, found %s",
                           (unsigned long long)max,
                           n->type == YAML_SEQUENCE_NODE
                               ? "a list that long or empty"
                               : lyra__yaml_describe(n, buf, sizeof buf));
  }
  *out = lyra__malloc(lyra__mul_size(*count, sizeof **out));
  if (!*out)
    return lyra__yaml_fail(c, n, LYRA_ENOMEM, "out of memory");
  snprintf(what, sizeof what, "a neuron index from 0 to %lu",
           (unsigned long)size - 1);
  for (size_t i = 0; i < *count; i++) {
    v = i;
    if (!fn &&
        lyra__yaml_uint(c, lyra__yaml_list_at(c, n, i), 0, size - 1, what, &v))
      return c->code; /* the caller frees *out */
    (*out)[i] = (uint32_t)v;
  }
  return 0;
}

static int state_vars(lyra__yctx *c, const yaml_node_t *vn, int pop,
                      const uint32_t *neurons, size_t count, double interval,
                      unsigned f) {
  const lyra_model_info *info = lyra__yaml_pop_info(c, pop);
  for (size_t i = 0; i < lyra__yaml_list_len(vn); i++) {
    yaml_node_t *x = lyra__yaml_list_at(c, vn, i);
    const char *var;
    if (lyra__yaml_text(c, x, "a state variable name", &var))
      return c->code;
    int rc =
        lyra_model_record_state(c->m, pop, var, neurons, count, interval, f);
    if (rc == LYRA_ENOTFOUND) { /* per-port variables are not in info */
      char ports[256];
      return unknown_name(
          c, x, "state variable", info, info->state, info->n_state,
          lyra__port_state_names(c->m, pop, ports, sizeof ports));
    }
    if (rc)
      return lyra__yaml_api_fail(c, x, rc);
  }
  return 0;
}

static int state_recorder(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {
      "type", "population", "variables", "neurons", "interval", "format", NULL};
  const char *what = "a state recorder";
  yaml_node_t *pn, *vn, *nn, *in;
  uint32_t *neurons = NULL;
  size_t count = 0;
  double interval = lyra_model_dt(c->m);
  unsigned f = 0;
  int pop = 0;
  if (lyra__yaml_check_map(c, n, what, keys) ||
      lyra__yaml_require(c, n, "population", NULL, what, &pn) ||
      lyra__yaml_pop(c, pn, &pop) ||
      lyra__yaml_require(c, n, "variables", NULL, what, &vn) ||
      lyra__yaml_check_list(c, vn, "a state variable or a list of them") ||
      lyra__yaml_require(c, n, "neurons", NULL, what, &nn) ||
      ((in = lyra__yaml_get(c, n, "interval", NULL)) &&
       lyra__yaml_quantity(c, in, "ms", &interval)) ||
      format_key(c, n, LYRA__FILE_FORMATS, &f) ||
      neuron_list(c, nn, lyra_model_population_size(c->m, pop), &neurons,
                  &count) ||
      state_vars(c, vn, pop, neurons, count, interval, f)) {
    free(neurons);
    return c->code;
  }
  free(neurons);
  return 0;
}

static int projection_ref(lyra__yctx *c, const yaml_node_t *n, const char *what,
                          int *proj) {
  yaml_node_t *v;
  const char *name;
  if (lyra__yaml_require(c, n, "projection", NULL, what, &v) ||
      lyra__yaml_text(c, v, "a projection name", &name))
    return c->code;
  *proj = lyra_model_find_projection(c->m, name);
  if (*proj < 0) {
    char q[64], list[512] = "";
    for (int i = 0; i < lyra_model_projection_count(c->m); i++)
      lyra__yaml_append(list, sizeof list, lyra_model_projection_name(c->m, i));
    lyra__quote_text(q, sizeof q, name, strlen(name));
    return lyra__yaml_fail(c, v, LYRA_ENOTFOUND,
                           "expected a projection name (one of: %s), found %s",
                           list[0] ? list : "(none)", q);
  }
  return 0;
}

/* sources/targets of a weight recorder: a neuron list, or all if absent. */
static int optional_neurons(lyra__yctx *c, const yaml_node_t *n,
                            const char *key, int pop, uint32_t **out,
                            size_t *count) {
  yaml_node_t *v = lyra__yaml_get(c, n, key, NULL);
  *out = NULL;
  *count = 0;
  if (!v)
    return 0;
  return neuron_list(c, v, lyra_model_population_size(c->m, pop), out, count);
}

static int weight_recorder(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {
      "type", "projection", "sources", "targets", "interval", "format", NULL};
  const char *what = "a weight recorder";
  uint32_t *src = NULL, *tgt = NULL;
  size_t ns = 0, nt = 0;
  double interval = 1.0;
  unsigned f = 0;
  int proj = 0, rc = 0;
  yaml_node_t *in;
  if (lyra__yaml_check_map(c, n, what, keys) ||
      projection_ref(c, n, what, &proj) ||
      ((in = lyra__yaml_get(c, n, "interval", NULL)) &&
       lyra__yaml_quantity(c, in, "ms", &interval)) ||
      format_key(c, n, LYRA__FILE_FORMATS, &f))
    return c->code;
  int spop = c->m->projs[proj].source;
  int tpop = c->m->projs[proj].target;
  if (!optional_neurons(c, n, "sources", spop, &src, &ns) &&
      !optional_neurons(c, n, "targets", tpop, &tgt, &nt) &&
      (rc = lyra_model_record_weights(c->m, proj, src, ns, tgt, nt, interval,
                                      f)))
    lyra__yaml_api_fail(c, n, rc);
  free(src);
  free(tgt);
  return c->code;
}

static int synapse_dump(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const keys[] = {"type", "projection", "format", NULL};
  unsigned f = 0;
  int proj = 0, rc;
  if (lyra__yaml_check_map(c, n, "a synapse dump", keys) ||
      projection_ref(c, n, "a synapse dump", &proj) ||
      format_key(c, n, LYRA__FILE_FORMATS, &f))
    return c->code;
  if ((rc = lyra_model_dump_synapses(c->m, proj, f)))
    return lyra__yaml_api_fail(c, n, rc);
  return 0;
}

int lyra__yaml_recorders(lyra__yctx *c, const yaml_node_t *n) {
  static const char *const types[] = {"spikes", "state", "weights", "synapses"};
  typedef int (*recorder_fn)(lyra__yctx *, const yaml_node_t *);
  static const recorder_fn parse[] = {spike_recorder, state_recorder,
                                      weight_recorder, synapse_dump};
  char buf[64];
  if (lyra__yaml_is_null(n))
    return 0;
  if (n->type != YAML_SEQUENCE_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a list of recorders, found %s",
                           lyra__yaml_describe(n, buf, sizeof buf));
  for (size_t i = 0; i < lyra__yaml_list_len(n); i++) {
    yaml_node_t *r = lyra__yaml_list_at(c, n, i), *tn;
    int t = 0;
    if (lyra__yaml_check_map(c, r, "a recorder", NULL) ||
        lyra__yaml_require(c, r, "type", NULL, "a recorder", &tn) ||
        lyra__yaml_word(c, tn, "a recorder type", types, 4, &t) ||
        parse[t](c, r))
      return c->code;
  }
  return 0;
}
