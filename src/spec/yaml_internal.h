/*
 * yaml_internal.h - shared by the model-file loader (spec/yaml_*.c) and the
 * unit parser (spec/units.c). Not used outside src/spec.
 *
 * The loader walks a libyaml document (every node carries its position)
 * and fills the model only through the public lyra_model_* calls, so a file
 * and a program building the same model get the same checks. The first
 * error is kept in the context as "name:line:column: message"; the entry
 * points then empty the model and hand the message on.
 */
#ifndef LYRA_YAML_INTERNAL_H
#define LYRA_YAML_INTERNAL_H

#include "lyra_internal.h"

#include <yaml.h>

/* Files and strings above this size are refused before parsing: libyaml
 * keeps the whole document in memory, several times the text's size. */
#define LYRA__YAML_MAX_BYTES ((size_t)64 << 20)
/* Most neurons one state recorder may name; a larger request is far more
 * likely a mistake than a wish for that much output per step. */
#define LYRA__YAML_MAX_RECORDED ((uint64_t)1 << 24)

/* Copies s[0..len) into dst (cap bytes) in single quotes, with control
 * characters escaped and long text cut with "...": fit for one line of a
 * message. Defined in units.c. */
void lyra__quote_text(char *dst, size_t cap, const char *s, size_t len);
/* "a time such as '20 ms'" for the catalogue unit "ms" (units.c). */
const char *lyra__unit_describe(const char *unit);

typedef struct lyra__yctx {
  lyra_model *m;
  yaml_document_t *doc;
  const char *name; /* file name shown in messages */
  int code;         /* first error, 0 if none */
  char err[LYRA__ERR_MAX];
  /* run.scale, applied once the whole model is read */
  double scale_neurons, scale_indegree;
  const yaml_node_t *scale_node;
} lyra__yctx;

/* ---- spec/yaml_node.c: typed access to nodes, with messages -------- */

/* Records "name:line:col: <fmt>" for node n (first error wins); returns
 * code. */
int lyra__yaml_fail(lyra__yctx *c, const yaml_node_t *n, int code,
                    const char *fmt, ...) LYRA__PRINTF(4, 5);
/* Relays the message of a failed lyra_model_* call (code rc) at node n. */
int lyra__yaml_api_fail(lyra__yctx *c, const yaml_node_t *n, int rc);
/* What n is, for "found ...": "'text'", "an empty value", "a list", ...
 * Written to buf (cap >= 16), which is returned. */
const char *lyra__yaml_describe(const yaml_node_t *n, char *buf, size_t cap);
/* Plain "", "~" or "null": an empty value. */
bool lyra__yaml_is_null(const yaml_node_t *n);
yaml_node_t *lyra__yaml_node(const lyra__yctx *c, int id);

/* n must be a mapping whose keys are distinct names; with allowed (NULL
 * terminated) every key must be one of them. what names n in messages
 * ("population 'E'"). */
int lyra__yaml_check_map(lyra__yctx *c, const yaml_node_t *n, const char *what,
                         const char *const *allowed);
/* Value of key in mapping n, or NULL; *key_node (may be NULL) gets the key
 * node. */
yaml_node_t *lyra__yaml_get(const lyra__yctx *c, const yaml_node_t *n,
                            const char *key, yaml_node_t **key_node);
/* As get, but a missing key is an error reported at owner. */
int lyra__yaml_require(lyra__yctx *c, const yaml_node_t *n, const char *key,
                       const yaml_node_t *owner, const char *what,
                       yaml_node_t **out);

/* A non-empty scalar without NUL characters; what says what was expected
 * ("a model name"). */
int lyra__yaml_text(lyra__yctx *c, const yaml_node_t *n, const char *what,
                    const char **out);
/* A quantity converted to the catalogue unit ("" for a plain number). */
int lyra__yaml_quantity(lyra__yctx *c, const yaml_node_t *n, const char *unit,
                        double *out);
/* A decimal integer in [lo, hi]; what describes it for messages. */
int lyra__yaml_uint(lyra__yctx *c, const yaml_node_t *n, uint64_t lo,
                    uint64_t hi, const char *what, uint64_t *out);
int lyra__yaml_bool(lyra__yctx *c, const yaml_node_t *n, int *out);
/* A quantity (constant) or a distribution mapping, in unit. */
int lyra__yaml_dist(lyra__yctx *c, const yaml_node_t *n, const char *unit,
                    lyra_dist *out);
/* One of words[0..n) (the index), or EPARSE listing them. */
int lyra__yaml_word(lyra__yctx *c, const yaml_node_t *n, const char *what,
                    const char *const *words, size_t n_words, int *out);

/* "name or list of names" positions: a scalar counts as a list of one. */
size_t lyra__yaml_list_len(const yaml_node_t *n);
yaml_node_t *lyra__yaml_list_at(const lyra__yctx *c, const yaml_node_t *n,
                                size_t i);
/* n must be a scalar or a non-empty list (of anything). */
int lyra__yaml_check_list(lyra__yctx *c, const yaml_node_t *n,
                          const char *what);
/* The population named by n. */
int lyra__yaml_pop(lyra__yctx *c, const yaml_node_t *n, int *pop);
/* Catalogue entry of population pop's neuron model. */
const lyra_model_info *lyra__yaml_pop_info(const lyra__yctx *c, int pop);

/* The setter of one kind of parameters: lyra_model_set_param,
 * lyra_model_set_device_param, lyra_model_set_synapse_param. */
typedef int (*lyra__yaml_param_setter)(lyra_model *m, int index,
                                       const char *param, double value);
/* A `params` mapping of catalogue entry info, each value read in its
 * parameter's unit ("weight": wunit) and set by set(m, index, ...). An
 * unknown name lists the known ones; what names n in messages. */
int lyra__yaml_params(lyra__yctx *c, const yaml_node_t *n,
                      const lyra_model_info *info, const char *what,
                      const char *wunit, lyra__yaml_param_setter set,
                      int index);

/* Appends item to the ", "-separated list in buf (cap bytes), cutting with
 * "..." when full. */
void lyra__yaml_append(char *buf, size_t cap, const char *item);

/* ---- spec/yaml_sections.c, spec/yaml_connect.c: the sections ------- */

int lyra__yaml_run(lyra__yctx *c, const yaml_node_t *n);
int lyra__yaml_populations(lyra__yctx *c, const yaml_node_t *n);
int lyra__yaml_projections(lyra__yctx *c, const yaml_node_t *n);
int lyra__yaml_devices(lyra__yctx *c, const yaml_node_t *n);
int lyra__yaml_recorders(lyra__yctx *c, const yaml_node_t *n);

/* ---- spec/yaml_plastic.c ------------------------------------------- */

/* A projection's synapse model and its params (keys of its 'synapse'). */
int lyra__yaml_synapse_model(lyra__yctx *c, const yaml_node_t *sn, int proj,
                             const char *wunit);
/* A 'scaling' mapping; wunit is the weight unit of its targets. */
int lyra__yaml_scaling(lyra__yctx *c, const yaml_node_t *n, const char *wunit,
                       lyra_scaling_spec *s);

#endif
