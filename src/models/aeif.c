/* What the AdEx models share outside their step (see models/aeif.h). */
#include "models/aeif.h"

#include <float.h>
#include <math.h>

static int check_kind_params(const lyra_model_info *info, const double *p,
                             const aeif_syn *k, char *err) {
  int rc = 0;
  if ((k->i_tau_ex >= 0 &&
       (rc = lyra__require_positive(info, p, k->i_tau_ex, err))) ||
      (k->i_tau_in >= 0 &&
       (rc = lyra__require_positive(info, p, k->i_tau_in, err))))
    return rc;
  return 0;
}

int lyra__aeif_validate(const lyra_model_info *info, const double *p,
                        const aeif_syn *k, char *err) {
  int rc;
  if ((rc = lyra__require_positive(info, p, AEIF_C_M, err)) ||
      (rc = lyra__require_nonnegative(info, p, AEIF_G_L, err)) ||
      (rc = lyra__require_positive(info, p, AEIF_TAU_W, err)) ||
      (rc = lyra__require_nonnegative(info, p, AEIF_T_REF, err)) ||
      (rc = lyra__require_nonnegative(info, p, AEIF_DELTA_T, err)) ||
      (rc = lyra__require_less(info, p, AEIF_V_TH, AEIF_V_PEAK, err)) ||
      (rc = lyra__require_less(info, p, AEIF_V_RESET, AEIF_V_PEAK, err)) ||
      (rc = lyra__ode_validate(info, p, AEIF_TOL, err)) ||
      (rc = check_kind_params(info, p, k, err)))
    return rc;
  /* NEST's bound: exp((V_peak - V_th) / Delta_T) must stay far from
   * overflow, since the right-hand side evaluates it at V_peak. */
  const double dT = p[AEIF_DELTA_T];
  if (dT > 0.0 && !((p[AEIF_V_PEAK] - p[AEIF_V_TH]) / dT < log(DBL_MAX / 1e20)))
    return lyra__errf(err, LYRA_EINVAL,
                      "%s: (V_peak - V_th) / Delta_T must be below %.1f "
                      "(exp would overflow), got %g",
                      info->name, log(DBL_MAX / 1e20),
                      (p[AEIF_V_PEAK] - p[AEIF_V_TH]) / dT);
  return 0;
}

void lyra__aeif_prepare(lyra__pop *p) {
  p->refr_steps = lyra__refractory_steps(p->params[AEIF_T_REF], p->dt);
  /* the inhibitory port holds -|w|: conductances and currents grow */
  p->vars[ODE_SCALE_EX] = 1.0;
  p->vars[ODE_SCALE_IN] = -1.0;
}

aeif_ctx lyra__aeif_context(const lyra__pop *p, const aeif_syn *k) {
  const double *q = p->params;
  const int method = (int)q[AEIF_INTEGRATOR];
  aeif_ctx c = {
      .com = lyra__ode_common_of(p, q[AEIF_I_E], q[AEIF_TOL], q[AEIF_TOL], 0.0,
                                 1.0, method),
      .g_l = q[AEIF_G_L],
      .e_l = q[AEIF_E_L],
      .v_th = q[AEIF_V_TH],
      .delta_t = q[AEIF_DELTA_T],
      .v_peak = q[AEIF_V_PEAK],
      .v_reset = q[AEIF_V_RESET],
      .a = q[AEIF_A],
      .inv_tau_w = 1.0 / q[AEIF_TAU_W],
      .inv_c = 1.0 / q[AEIF_C_M],
      .b = q[AEIF_B],
      .v_cut = q[AEIF_DELTA_T] > 0.0 ? q[AEIF_V_PEAK] : q[AEIF_V_TH],
  };
  c.e_ex = k->i_e_ex >= 0 ? q[k->i_e_ex] : 0.0;
  c.e_in = k->i_e_in >= 0 ? q[k->i_e_in] : 0.0;
  c.inv_tau_ex = k->i_tau_ex >= 0 ? 1.0 / q[k->i_tau_ex] : 0.0;
  c.inv_tau_in = k->i_tau_in >= 0 ? 1.0 / q[k->i_tau_in] : 0.0;
  return c;
}

int lyra__aeif_unstable(const double *y, int n) {
  /* NEST's limits (V_m may run to +large values before the reset) and
   * any non-finite value; written so that NaN fails the tests. */
  if (!(y[0] >= -1e3) || !(fabs(y[1]) <= 1e6))
    return 1;
  double sum = 0.0;
  for (int j = 0; j < n; j++)
    sum += y[j];
  return !isfinite(sum);
}
