/*
 * yaml_plastic.c - the plasticity keys of a model file: a projection's
 * synapse model and its params, and synaptic scaling (on a projection's
 * synapse or on a population).
 */
#include "models/models.h"
#include "models/synapses.h"
#include "spec/yaml_internal.h"

#include <stdio.h>
#include <string.h>

/* model: and params: of a projection's synapse, after it was added. */
int lyra__yaml_synapse_model(lyra__yctx *c, const yaml_node_t *sn, int proj,
                             const char *wunit) {
  yaml_node_t *mn, *pn;
  if (!sn || lyra__yaml_is_null(sn))
    return 0;
  pn = lyra__yaml_get(c, sn, "params", NULL);
  if (!(mn = lyra__yaml_get(c, sn, "model", NULL))) {
    if (pn)
      return lyra__yaml_fail(c, pn, LYRA_EPARSE,
                             "expected 'model' beside 'params' (static_synapse "
                             "has no parameters), found none");
    return 0;
  }
  const char *name;
  if (lyra__yaml_text(c, mn, "a synapse model name", &name))
    return c->code;
  if (!lyra__synapse_model_find(name)) {
    char list[512] = "", q[64];
    for (size_t i = 0; i < lyra_model_info_count(); i++)
      if (!strcmp(lyra_model_info_at(i)->kind, "synapse"))
        lyra__yaml_append(list, sizeof list, lyra_model_info_at(i)->name);
    lyra__quote_text(q, sizeof q, name, strlen(name));
    return lyra__yaml_fail(c, mn, LYRA_ENOTFOUND,
                           "expected a synapse model (one of: %s), found %s",
                           list, q);
  }
  int rc = lyra_model_set_synapse_model(c->m, proj, name);
  if (rc)
    return lyra__yaml_api_fail(c, mn, rc);
  const lyra_model_info *info = lyra_model_info_find(name);
  char what[96];
  snprintf(what, sizeof what, "the params of a %s", info->name);
  if (pn && lyra__yaml_params(c, pn, info, what, wunit,
                              lyra_model_set_synapse_param, proj))
    return c->code;
  return 0;
}

/* scaling: {mode: rate, target_rate: 5 Hz, tau: 1000 ms, gain: 0.001,
 * interval: 100 ms} or {mode: normalize, total: 50 pA, interval: ...}. */
int lyra__yaml_scaling(lyra__yctx *c, const yaml_node_t *n, const char *wunit,
                       lyra_scaling_spec *s) {
  static const char *const modes[] = {"rate", "normalize"};
  static const char *const rate_keys[] = {"mode", "target_rate", "tau",
                                          "gain", "interval",    NULL};
  static const char *const norm_keys[] = {"mode", "total", "interval", NULL};
  yaml_node_t *mn, *v;
  int mode = 0;
  lyra_scaling_spec_init(s);
  if (lyra__yaml_check_map(c, n, "'scaling'", NULL) ||
      lyra__yaml_require(c, n, "mode", NULL, "'scaling'", &mn) ||
      lyra__yaml_word(c, mn, "a scaling mode", modes, 2, &mode))
    return c->code;
  s->mode = mode ? LYRA_SCALING_NORMALIZE : LYRA_SCALING_RATE;
  if (lyra__yaml_check_map(c, n,
                           mode ? "'scaling' with mode normalize"
                                : "'scaling' with mode rate",
                           mode ? norm_keys : rate_keys))
    return c->code;
  if ((v = lyra__yaml_get(c, n, "interval", NULL)) &&
      lyra__yaml_quantity(c, v, "ms", &s->interval))
    return c->code;
  if (mode) {
    if (lyra__yaml_require(c, n, "total", NULL, "'scaling' with mode normalize",
                           &v) ||
        lyra__yaml_quantity(c, v, wunit, &s->total))
      return c->code;
    return 0;
  }
  if (((v = lyra__yaml_get(c, n, "target_rate", NULL)) &&
       lyra__yaml_quantity(c, v, "Hz", &s->target_rate)) ||
      ((v = lyra__yaml_get(c, n, "tau", NULL)) &&
       lyra__yaml_quantity(c, v, "ms", &s->tau)) ||
      ((v = lyra__yaml_get(c, n, "gain", NULL)) &&
       lyra__yaml_quantity(c, v, "", &s->gain)))
    return c->code;
  return 0;
}
