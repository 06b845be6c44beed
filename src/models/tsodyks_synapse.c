/*
 * tsodyks_synapse and tsodyks2_synapse: short-term depression and
 * facilitation (Tsodyks & Markram 1997; Tsodyks, Uziel & Markram 2000),
 * as NEST defines them.
 *
 * Their state changes only at presynaptic spikes and depends only on the
 * presynaptic spike train and the parameters, which lyra holds per
 * projection: every synapse of one source has the same state, so it is
 * kept once per source neuron (NEST keeps a copy in every synapse).
 */
#include "models/synapses.h"

static const lyra_param_info tso_params[TSO_NP] = {
    {"tau_psc", "ms", 3.0,
     "time constant of the postsynaptic current (the active resource y)"},
    {"tau_rec", "ms", 800.0, "recovery time constant"},
    {"tau_fac", "ms", 0.0, "facilitation time constant (0: none)"},
    {"U", "", 0.5, "utilisation increment per spike"},
    {"x", "", 1.0, "initial fraction of recovered resources"},
    {"y", "", 0.0, "initial fraction of active resources"},
    {"u", "", 0.0, "initial utilisation"},
};

static const lyra_param_info tso2_params[TSO2_NP] = {
    {"U", "", 0.5, "utilisation increment per spike (baseline u)"},
    {"u", "", 0.5, "initial utilisation"},
    {"x", "", 1.0, "initial fraction of available resources"},
    {"tau_rec", "ms", 800.0, "recovery time constant"},
    {"tau_fac", "ms", 0.0, "facilitation time constant (0: none)"},
};

static int unit_interval(const lyra_param_info *info, const double *p, int i,
                         char *err) {
  if (p[i] >= 0.0 && p[i] <= 1.0)
    return 0;
  return lyra__errf(err, LYRA_EINVAL, "%s must be in [0, 1], got %g",
                    info[i].name, p[i]);
}

static int time_constant(const lyra_param_info *info, const double *p, int i,
                         int zero_ok, char *err) {
  if ((p[i] > 0.0 || (zero_ok && p[i] == 0.0)) && isfinite(p[i]))
    return 0;
  return lyra__errf(err, LYRA_EINVAL, "%s must be %s 0 ms, got %g",
                    info[i].name, zero_ok ? ">=" : ">", p[i]);
}

static int validate_tso(const double *p, char *err) {
  int rc;
  if ((rc = time_constant(tso_params, p, TSO_TAU_PSC, 0, err)) ||
      (rc = time_constant(tso_params, p, TSO_TAU_REC, 0, err)) ||
      (rc = time_constant(tso_params, p, TSO_TAU_FAC, 1, err)) ||
      (rc = unit_interval(tso_params, p, TSO_U, err)) ||
      (rc = unit_interval(tso_params, p, TSO_X, err)) ||
      (rc = unit_interval(tso_params, p, TSO_Y, err)) ||
      (rc = unit_interval(tso_params, p, TSO_UU, err)))
    return rc;
  if (p[TSO_X] + p[TSO_Y] > 1.0)
    return lyra__errf(err, LYRA_EINVAL, "x + y must be <= 1, got %g",
                      p[TSO_X] + p[TSO_Y]);
  if (p[TSO_TAU_PSC] == p[TSO_TAU_REC])
    return lyra__errf(err, LYRA_EINVAL, "tau_psc must differ from tau_rec");
  return 0;
}

static int validate_tso2(const double *p, char *err) {
  int rc;
  if ((rc = time_constant(tso2_params, p, TSO2_TAU_REC, 0, err)) ||
      (rc = time_constant(tso2_params, p, TSO2_TAU_FAC, 1, err)) ||
      (rc = unit_interval(tso2_params, p, TSO2_U, err)) ||
      (rc = unit_interval(tso2_params, p, TSO2_UU, err)) ||
      (rc = unit_interval(tso2_params, p, TSO2_X, err)))
    return rc;
  return 0;
}

void lyra__stp_init(int kind, const double *p, double *s) {
  if (kind == LYRA__SYN_TSODYKS) {
    s[0] = p[TSO_X];
    s[1] = p[TSO_Y];
    s[2] = p[TSO_UU];
  } else {
    s[0] = p[TSO2_X];
    s[1] = p[TSO2_UU];
    s[2] = 0.0;
  }
}

/* s = {x, y, u}: recovered, active, utilisation. The resources move
 * x -> y (at spikes) -> z = 1 - x - y (tau_psc) -> x (tau_rec); the
 * propagation between spikes is exact. */
double lyra__tsodyks_spike(const double *p, double *s, double h) {
  double tau_psc = p[TSO_TAU_PSC], tau_rec = p[TSO_TAU_REC];
  double puu = p[TSO_TAU_FAC] == 0.0 ? 0.0 : exp(-h / p[TSO_TAU_FAC]);
  double pyy = exp(-h / tau_psc), pzz = exp(-h / tau_rec);
  double pxy =
      ((pzz - 1.0) * tau_rec - (pyy - 1.0) * tau_psc) / (tau_psc - tau_rec);
  double pxz = 1.0 - pzz;
  double x = s[0], y = s[1], u = s[2];
  double z = 1.0 - x - y;
  u *= puu;
  x += pxy * y + pxz * z;
  y *= pyy;
  u += p[TSO_U] * (1.0 - u);
  double delta = u * x;
  s[0] = x - delta;
  s[1] = y + delta;
  s[2] = u;
  return delta;
}

/* s = {x, u}: available resources and utilisation (Tsodyks-Markram as
 * in Fuhrmann et al. 2002); the spike uses the values after the update. */
double lyra__tsodyks2_spike(const double *p, double *s, double h) {
  double x_decay = exp(-h / p[TSO2_TAU_REC]);
  double u_decay = p[TSO2_TAU_FAC] < 1.0e-10 ? 0.0 : exp(-h / p[TSO2_TAU_FAC]);
  double x = s[0], u = s[1];
  x = 1.0 + (x - x * u - 1.0) * x_decay;
  u = p[TSO2_U] + u * (1.0 - p[TSO2_U]) * u_decay;
  s[0] = x;
  s[1] = u;
  return x * u;
}

const lyra__synapse_desc lyra__tsodyks_synapse = {
    .info =
        {
            .name = "tsodyks_synapse",
            .kind = "synapse",
            .doc = "Short-term depression and facilitation with three "
                   "resource states (Tsodyks, Uziel & Markram 2000), as "
                   "NEST's tsodyks_synapse; meant for current-based "
                   "exponential synapses with tau_syn = tau_psc.",
            .equations = "between spikes: dx/dt = z/tau_rec, dy/dt = "
                         "-y/tau_psc, du/dt = -u/tau_fac\n"
                         "at a spike: u += U (1 - u); the spike has weight "
                         "w u x; x -= u x; y += u x",
            .integration = "exact propagation from spike to spike",
            .weight_unit = "target's weight unit",
            .n_params = TSO_NP,
            .params = tso_params,
        },
    .kind = LYRA__SYN_TSODYKS,
    .validate = validate_tso,
};

const lyra__synapse_desc lyra__tsodyks2_synapse = {
    .info =
        {
            .name = "tsodyks2_synapse",
            .kind = "synapse",
            .doc = "Tsodyks-Markram short-term depression and facilitation "
                   "with resources x and utilisation u (Fuhrmann et al. "
                   "2002), as NEST's tsodyks2_synapse.",
            .equations =
                "at a spike h ms after the previous one: x = 1 + (x - x u "
                "- 1) exp(-h/tau_rec); u = U + u (1 - U) exp(-h/tau_fac); "
                "the spike has weight w u x",
            .integration = "exact propagation from spike to spike",
            .weight_unit = "target's weight unit",
            .n_params = TSO2_NP,
            .params = tso2_params,
        },
    .kind = LYRA__SYN_TSODYKS2,
    .validate = validate_tso2,
};
