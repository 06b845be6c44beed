/*
 * yaml_node.c - typed access to the nodes of a model file. Each function
 * checks one value and, when it is wrong, records a message of the form
 * "file:line:column: expected X, found Y" pointing at that value.
 */
#include "spec/yaml_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lyra__yaml_fail(lyra__yctx *c, const yaml_node_t *n, int code,
                    const char *fmt, ...) {
  va_list ap;
  if (c->code)
    return c->code; /* keep the first error: later ones may follow from it */
  /* libyaml counts lines and columns from 0; editors count from 1. */
  size_t line = n ? n->start_mark.line + 1 : 1;
  size_t col = n ? n->start_mark.column + 1 : 1;
  int off = snprintf(c->err, sizeof c->err, "%s:%zu:%zu: ", c->name, line, col);
  if (off >= 0 && (size_t)off < sizeof c->err) {
    va_start(ap, fmt);
    vsnprintf(c->err + off, sizeof c->err - (size_t)off, fmt, ap);
    va_end(ap);
  }
  c->code = code;
  return code;
}

int lyra__yaml_api_fail(lyra__yctx *c, const yaml_node_t *n, int rc) {
  return lyra__yaml_fail(c, n, rc, "%s", lyra_model_errmsg(c->m));
}

bool lyra__yaml_is_null(const yaml_node_t *n) {
  if (n->type != YAML_SCALAR_NODE ||
      n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return false;
  const char *v = (const char *)n->data.scalar.value;
  return !strcmp(v, "") || !strcmp(v, "~") || !strcmp(v, "null") ||
         !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *lyra__yaml_describe(const yaml_node_t *n, char *buf, size_t cap) {
  /* Always written to buf, so that callers may use either buf or the
   * result. */
  const char *kind = !n                              ? "nothing"
                     : n->type == YAML_MAPPING_NODE  ? "a mapping"
                     : n->type == YAML_SEQUENCE_NODE ? "a list"
                     : lyra__yaml_is_null(n)         ? "an empty value"
                                                     : NULL;
  if (kind)
    snprintf(buf, cap, "%s", kind);
  else
    lyra__quote_text(buf, cap, (const char *)n->data.scalar.value,
                     n->data.scalar.length);
  return buf;
}

yaml_node_t *lyra__yaml_node(const lyra__yctx *c, int id) {
  return yaml_document_get_node(c->doc, id);
}

void lyra__yaml_append(char *buf, size_t cap, const char *item) {
  size_t len = strlen(buf);
  if (len + 4 >= cap || (len >= 3 && !strcmp(buf + len - 3, "...")))
    return;
  int w = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", item);
  if (w < 0 || (size_t)w >= cap - len)
    snprintf(buf + (cap - 4), 4, "..."); /* cut: say so */
}

typedef struct key_pos {
  const char *key;
  size_t pos; /* index of the pair in the mapping */
} key_pos;

static int key_pos_cmp(const void *a, const void *b) {
  const key_pos *x = a, *y = b;
  int r = strcmp(x->key, y->key);
  /* Equal keys keep file order, so the later one is reported. */
  return r ? r : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Sorting the keys finds a repeated one in n log n: a populations mapping
 * may have thousands of entries. Keys are known to be scalars here. */
static int check_duplicates(lyra__yctx *c, const yaml_node_t *n,
                            const char *what) {
  const yaml_node_pair_t *p0 = n->data.mapping.pairs.start;
  size_t np = (size_t)(n->data.mapping.pairs.top - p0);
  if (np < 2)
    return 0;
  key_pos *v = lyra__malloc(lyra__mul_size(np, sizeof *v));
  if (!v)
    return lyra__yaml_fail(c, n, LYRA_ENOMEM, "out of memory");
  for (size_t i = 0; i < np; i++) {
    v[i].key = (const char *)lyra__yaml_node(c, p0[i].key)->data.scalar.value;
    v[i].pos = i;
  }
  qsort(v, np, sizeof *v, key_pos_cmp);
  for (size_t i = 1; i < np && !c->code; i++)
    if (!strcmp(v[i - 1].key, v[i].key)) {
      const yaml_node_t *first = lyra__yaml_node(c, p0[v[i - 1].pos].key);
      char q[64];
      lyra__quote_text(q, sizeof q, v[i].key, strlen(v[i].key));
      lyra__yaml_fail(c, lyra__yaml_node(c, p0[v[i].pos].key), LYRA_EPARSE,
                      "expected each key once in %s, found %s again "
                      "(first at line %zu)",
                      what, q, first->start_mark.line + 1);
    }
  free(v);
  return c->code;
}

static bool allowed_key(const char *key, const char *const *allowed) {
  for (; *allowed; allowed++)
    if (!strcmp(key, *allowed))
      return true;
  return false;
}

static int unknown_key(lyra__yctx *c, const yaml_node_t *k, const char *what,
                       const char *const *allowed) {
  char list[512] = "", q[64];
  for (; *allowed; allowed++)
    lyra__yaml_append(list, sizeof list, *allowed);
  lyra__yaml_describe(k, q, sizeof q);
  return lyra__yaml_fail(c, k, LYRA_EPARSE,
                         "unknown key %s in %s; expected one of: %s", q, what,
                         list);
}

int lyra__yaml_check_map(lyra__yctx *c, const yaml_node_t *n, const char *what,
                         const char *const *allowed) {
  char buf[64];
  if (n->type != YAML_MAPPING_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected a mapping for %s, found %s", what,
                           lyra__yaml_describe(n, buf, sizeof buf));
  for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    const yaml_node_t *k = lyra__yaml_node(c, p->key);
    if (k->type != YAML_SCALAR_NODE || lyra__yaml_is_null(k) ||
        strlen((const char *)k->data.scalar.value) != k->data.scalar.length)
      return lyra__yaml_fail(c, k, LYRA_EPARSE,
                             "expected a key name in %s, found %s", what,
                             lyra__yaml_describe(k, buf, sizeof buf));
    if (allowed && !allowed_key((const char *)k->data.scalar.value, allowed))
      return unknown_key(c, k, what, allowed);
  }
  return check_duplicates(c, n, what);
}

yaml_node_t *lyra__yaml_get(const lyra__yctx *c, const yaml_node_t *n,
                            const char *key, yaml_node_t **key_node) {
  if (n->type != YAML_MAPPING_NODE)
    return NULL;
  for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = lyra__yaml_node(c, p->key);
    if (k->type == YAML_SCALAR_NODE &&
        !strcmp((const char *)k->data.scalar.value, key)) {
      if (key_node)
        *key_node = k;
      return lyra__yaml_node(c, p->value);
    }
  }
  return NULL;
}

int lyra__yaml_require(lyra__yctx *c, const yaml_node_t *n, const char *key,
                       const yaml_node_t *owner, const char *what,
                       yaml_node_t **out) {
  *out = lyra__yaml_get(c, n, key, NULL);
  if (*out)
    return 0;
  return lyra__yaml_fail(c, owner ? owner : n, LYRA_EPARSE,
                         "expected key '%s' in %s, found none", key, what);
}

int lyra__yaml_text(lyra__yctx *c, const yaml_node_t *n, const char *what,
                    const char **out) {
  char buf[64];
  if (n->type != YAML_SCALAR_NODE || lyra__yaml_is_null(n) ||
      n->data.scalar.length == 0)
    return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected %s, found %s", what,
                           lyra__yaml_describe(n, buf, sizeof buf));
  /* A "\0" escape in a quoted scalar would silently cut the name. */
  if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected %s, found text with a NUL character",
                           what);
  *out = (const char *)n->data.scalar.value;
  return 0;
}

int lyra__yaml_quantity(lyra__yctx *c, const yaml_node_t *n, const char *unit,
                        double *out) {
  char buf[64], err[LYRA__ERR_MAX];
  if (n->type != YAML_SCALAR_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected %s, found %s",
                           lyra__unit_describe(unit),
                           lyra__yaml_describe(n, buf, sizeof buf));
  if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
    return lyra__yaml_fail(c, n, LYRA_EPARSE,
                           "expected %s, found text with a NUL character",
                           lyra__unit_describe(unit));
  int rc =
      lyra__parse_quantity((const char *)n->data.scalar.value, unit, out, err);
  return rc ? lyra__yaml_fail(c, n, rc, "%s", err) : 0;
}

int lyra__yaml_uint(lyra__yctx *c, const yaml_node_t *n, uint64_t lo,
                    uint64_t hi, const char *what, uint64_t *out) {
  char buf[64];
  if (n->type != YAML_SCALAR_NODE)
    return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected %s, found %s", what,
                           lyra__yaml_describe(n, buf, sizeof buf));
  const char *s = (const char *)n->data.scalar.value;
  bool neg = s[0] == '-';
  size_t i = neg ? 1 : 0, digits = 0;
  uint64_t v = 0;
  bool over = false;
  for (; s[i] >= '0' && s[i] <= '9'; i++, digits++) {
    unsigned dgt = (unsigned)(s[i] - '0');
    over = over || v > (UINT64_MAX - dgt) / 10;
    v = v * 10 + dgt;
  }
  lyra__yaml_describe(n, buf, sizeof buf);
  /* Text that is no integer is a format error; an integer out of range
   * is a wrong value. */
  if (digits == 0 || s[i] != '\0' || i != n->data.scalar.length)
    return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected %s, found %s", what,
                           buf);
  if (neg ? (v != 0 || lo > 0) : (over || v < lo || v > hi))
    return lyra__yaml_fail(c, n, LYRA_EINVAL, "expected %s, found %s", what,
                           buf);
  *out = v;
  return 0;
}

int lyra__yaml_bool(lyra__yctx *c, const yaml_node_t *n, int *out) {
  static const char *const words[] = {"false", "False", "FALSE",
                                      "true",  "True",  "TRUE"};
  char buf[64];
  for (int i = 0; n->type == YAML_SCALAR_NODE && i < 6; i++)
    if (!strcmp((const char *)n->data.scalar.value, words[i])) {
      *out = i >= 3;
      return 0;
    }
  return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected true or false, found %s",
                         lyra__yaml_describe(n, buf, sizeof buf));
}

int lyra__yaml_word(lyra__yctx *c, const yaml_node_t *n, const char *what,
                    const char *const *words, size_t n_words, int *out) {
  char list[256] = "", buf[64];
  for (size_t i = 0; n->type == YAML_SCALAR_NODE && i < n_words; i++)
    if (!strcmp((const char *)n->data.scalar.value, words[i])) {
      *out = (int)i;
      return 0;
    }
  for (size_t i = 0; i < n_words; i++)
    lyra__yaml_append(list, sizeof list, words[i]);
  return lyra__yaml_fail(c, n, LYRA_EPARSE,
                         "expected %s (one of: %s), found %s", what, list,
                         lyra__yaml_describe(n, buf, sizeof buf));
}

size_t lyra__yaml_list_len(const yaml_node_t *n) {
  if (n->type == YAML_SEQUENCE_NODE)
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
  return 1;
}

yaml_node_t *lyra__yaml_list_at(const lyra__yctx *c, const yaml_node_t *n,
                                size_t i) {
  if (n->type == YAML_SEQUENCE_NODE)
    return lyra__yaml_node(c, n->data.sequence.items.start[i]);
  return (yaml_node_t *)n; /* a scalar stands for a list of one */
}

int lyra__yaml_check_list(lyra__yctx *c, const yaml_node_t *n,
                          const char *what) {
  char buf[64];
  if (n->type == YAML_MAPPING_NODE || lyra__yaml_list_len(n) == 0)
    return lyra__yaml_fail(c, n, LYRA_EPARSE, "expected %s, found %s", what,
                           lyra__yaml_list_len(n) == 0
                               ? "an empty list"
                               : lyra__yaml_describe(n, buf, sizeof buf));
  return 0;
}

int lyra__yaml_pop(lyra__yctx *c, const yaml_node_t *n, int *pop) {
  const char *name;
  char list[512] = "", q[64];
  int rc = lyra__yaml_text(c, n, "a population name", &name);
  if (rc)
    return rc;
  *pop = lyra_model_find_population(c->m, name);
  if (*pop >= 0)
    return 0;
  for (int i = 0; i < lyra_model_population_count(c->m); i++)
    lyra__yaml_append(list, sizeof list, lyra_model_population_name(c->m, i));
  lyra__quote_text(q, sizeof q, name, strlen(name));
  return lyra__yaml_fail(c, n, LYRA_ENOTFOUND,
                         "expected a population name (one of: %s), found %s",
                         list, q);
}

const lyra_model_info *lyra__yaml_pop_info(const lyra__yctx *c, int pop) {
  return lyra_model_info_find(lyra_model_population_model(c->m, pop));
}

/* ---- distributions ------------------------------------------------- */

typedef struct dist_def {
  const char *name;
  lyra_dist_kind kind;
  const char *keys[6]; /* "distribution", then the parameters; NULL ends */
  int n_required;      /* parameters that must be given */
} dist_def;

static const dist_def dist_defs[] = {
    {"constant", LYRA_DIST_CONSTANT, {"distribution", "value"}, 1},
    {"uniform", LYRA_DIST_UNIFORM, {"distribution", "low", "high"}, 2},
    {"normal", LYRA_DIST_NORMAL, {"distribution", "mean", "std"}, 2},
    {"normal_clipped",
     LYRA_DIST_NORMAL_CLIPPED,
     {"distribution", "mean", "std", "low", "high"},
     2},
    {"lognormal",
     LYRA_DIST_LOGNORMAL,
     {"distribution", "mu", "sigma", "unit"},
     2},
};
#define N_DISTS (sizeof dist_defs / sizeof dist_defs[0])

/* exp(mu + sigma N) in unit u is exp(mu + ln k + sigma N) in the catalogue
 * unit, k being one u in it: the unit moves into mu. */
static int lognormal_unit(lyra__yctx *c, const yaml_node_t *map,
                          const char *unit, lyra_dist *out) {
  yaml_node_t *un = lyra__yaml_get(c, map, "unit", NULL);
  const char *u;
  char one[80];
  double k;
  if (!un && (!unit || !unit[0]))
    return 0;
  if (!un)
    return lyra__yaml_fail(c, map, LYRA_EUNIT,
                           "expected key 'unit' (the unit of the values, "
                           "e.g. 'unit: %s') in a lognormal distribution, "
                           "found none",
                           unit);
  if (lyra__yaml_text(c, un, "a unit", &u))
    return c->code;
  char q[64], err[LYRA__ERR_MAX];
  lyra__quote_text(q, sizeof q, u, strlen(u));
  if (!unit || !unit[0])
    return lyra__yaml_fail(c, un, LYRA_EUNIT,
                           "expected no unit for a plain number, found %s", q);
  snprintf(one, sizeof one, "1 %s", u);
  if (lyra__parse_quantity(one, unit, &k, err) != 0 || !(k > 0))
    return lyra__yaml_fail(c, un, LYRA_EUNIT, "expected a unit of %s, found %s",
                           lyra__unit_describe(unit), q);
  out->p[0] += log(k);
  return 0;
}

static int dist_map(lyra__yctx *c, const yaml_node_t *n, const char *unit,
                    lyra_dist *out) {
  static const char *const names[N_DISTS] = {"constant", "uniform", "normal",
                                             "normal_clipped", "lognormal"};
  yaml_node_t *kn;
  int k = 0;
  if (lyra__yaml_require(c, n, "distribution", NULL, "a distribution", &kn) ||
      lyra__yaml_word(c, kn, "a distribution", names, N_DISTS, &k))
    return c->code;
  const dist_def *d = &dist_defs[k];
  char what[64];
  snprintf(what, sizeof what, "a %s distribution", d->name);
  if (lyra__yaml_check_map(c, n, what, d->keys))
    return c->code;
  *out = lyra_dist_constant(0);
  out->kind = d->kind;
  if (d->kind == LYRA_DIST_NORMAL_CLIPPED) {
    out->p[2] = -HUGE_VAL; /* no bound unless given */
    out->p[3] = HUGE_VAL;
  }
  bool is_log = d->kind == LYRA_DIST_LOGNORMAL;
  for (int i = 0; i < 4 && d->keys[i + 1]; i++) {
    const char *key = d->keys[i + 1];
    yaml_node_t *v;
    if (is_log && !strcmp(key, "unit"))
      break;
    if (i < d->n_required) {
      if (lyra__yaml_require(c, n, key, NULL, what, &v))
        return c->code;
    } else if (!(v = lyra__yaml_get(c, n, key, NULL))) {
      continue;
    }
    if (lyra__yaml_quantity(c, v, is_log ? "" : unit, &out->p[i]))
      return c->code;
  }
  return is_log ? lognormal_unit(c, n, unit, out) : 0;
}

int lyra__yaml_dist(lyra__yctx *c, const yaml_node_t *n, const char *unit,
                    lyra_dist *out) {
  char buf[64];
  if (n->type == YAML_MAPPING_NODE)
    return dist_map(c, n, unit, out);
  if (n->type == YAML_SCALAR_NODE) {
    *out = lyra_dist_constant(0);
    return lyra__yaml_quantity(c, n, unit, &out->p[0]);
  }
  return lyra__yaml_fail(
      c, n, LYRA_EPARSE, "expected %s or a distribution mapping, found %s",
      lyra__unit_describe(unit), lyra__yaml_describe(n, buf, sizeof buf));
}

/* A name's index in a catalogue list, or -1. */
static int info_index(const lyra_param_info *list, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(list[i].name, name))
      return (int)i;
  return -1;
}

/* A list parameter: a sequence of quantities, one per receptor port (a
 * single quantity is a list of one). */
static int list_param(lyra__yctx *c, const yaml_node_t *v,
                      const lyra_model_info *info, int i, const char *unit,
                      int pop) {
  const char *name = info->params[i].name;
  size_t n = lyra__yaml_list_len(v);
  char buf[64];
  if (v->type == YAML_MAPPING_NODE || lyra__yaml_is_null(v) || n == 0)
    return lyra__yaml_fail(c, v, LYRA_EPARSE,
                           "expected a list of values for %s of %s (one per "
                           "receptor port, each %s), found %s",
                           name, info->name, lyra__unit_describe(unit),
                           n == 0 ? "an empty list"
                                  : lyra__yaml_describe(v, buf, sizeof buf));
  double *x = lyra__malloc(lyra__mul_size(n, sizeof *x));
  if (!x)
    return lyra__yaml_fail(c, v, LYRA_ENOMEM, "out of memory");
  for (size_t k = 0; k < n && !c->code; k++)
    lyra__yaml_quantity(c, lyra__yaml_list_at(c, v, k), unit, &x[k]);
  if (!c->code) {
    int rc = lyra_model_set_param_list(c->m, pop, name, x, n);
    if (rc)
      lyra__yaml_api_fail(c, v, rc);
  }
  free(x);
  return c->code;
}

/* A parameter with choices: one of its words, stored as the word's
 * index. */
static int choice_param(lyra__yctx *c, const yaml_node_t *v,
                        const lyra_param_info *pi, double *out) {
  char list[256] = "", word[64], buf[64];
  int n = lyra__choice_count(pi->choices);
  bool scalar =
      v->type == YAML_SCALAR_NODE &&
      strlen((const char *)v->data.scalar.value) == v->data.scalar.length;
  for (int i = 0; scalar && i < n; i++)
    if (!strcmp((const char *)v->data.scalar.value,
                lyra__choice_word(pi->choices, i, word, sizeof word))) {
      *out = i;
      return 0;
    }
  for (int i = 0; i < n; i++)
    lyra__yaml_append(list, sizeof list,
                      lyra__choice_word(pi->choices, i, word, sizeof word));
  return lyra__yaml_fail(
      c, v, LYRA_EPARSE, "expected a value of %s (one of: %s), found %s",
      pi->name, list, lyra__yaml_describe(v, buf, sizeof buf));
}

int lyra__yaml_params(lyra__yctx *c, const yaml_node_t *n,
                      const lyra_model_info *info, const char *what,
                      const char *wunit, lyra__yaml_param_setter set,
                      int index) {
  char names[512] = "", q[64];
  if (lyra__yaml_is_null(n))
    return 0;
  if (lyra__yaml_check_map(c, n, what, NULL))
    return c->code;
  for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
       p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = lyra__yaml_node(c, p->key);
    yaml_node_t *v = lyra__yaml_node(c, p->value);
    const char *name = (const char *)k->data.scalar.value;
    int i = info_index(info->params, info->n_params, name);
    if (i < 0) {
      for (size_t j = 0; j < info->n_params; j++)
        lyra__yaml_append(names, sizeof names, info->params[j].name);
      return lyra__yaml_fail(
          c, k, LYRA_ENOTFOUND,
          "unknown parameter %s of %s; expected one of: %s%s",
          lyra__yaml_describe(k, q, sizeof q), info->name,
          info->n_params ? names : "(none)",
          info_index(info->state, info->n_state, name) >= 0
              ? " (a state variable: set it under 'initial')"
              : "");
    }
    const lyra_param_info *pi = &info->params[i];
    const char *unit = strcmp(pi->unit, LYRA__UNIT_WEIGHT) ? pi->unit : wunit;
    double x;
    if (pi->is_list) {
      /* only neuron models have lists, and index is then a population */
      if (set != lyra_model_set_param)
        return lyra__yaml_fail(c, k, LYRA_ENOTSUP,
                               "list parameter %s of %s is not supported "
                               "here",
                               name, info->name);
      if (list_param(c, v, info, i, unit, index))
        return c->code;
      continue;
    }
    if (v->type == YAML_SEQUENCE_NODE)
      return lyra__yaml_fail(c, v, LYRA_EPARSE,
                             "expected %s for %s, found a list (%s of %s is "
                             "a single value, not a list)",
                             pi->choices ? "a word" : lyra__unit_describe(unit),
                             name, name, info->name);
    if (pi->choices ? choice_param(c, v, pi, &x)
                    : lyra__yaml_quantity(c, v, unit, &x))
      return c->code;
    int rc = set(c->m, index, name, x);
    if (rc)
      return lyra__yaml_api_fail(c, v, rc);
  }
  return 0;
}
