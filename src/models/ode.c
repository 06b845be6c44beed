/* What the ODE-integrated models share outside their step (ode.h). */
#include "models/ode.h"

#include <math.h>

void lyra__ode_prepare(lyra__pop *p, int i_t_ref, int i_tau_ex, int i_tau_in,
                       double sign_in) {
  p->refr_steps = lyra__refractory_steps(p->params[i_t_ref], p->dt);
  p->vars[ODE_SCALE_EX] = i_tau_ex >= 0 ? exp(1.0) / p->params[i_tau_ex] : 1.0;
  p->vars[ODE_SCALE_IN] =
      sign_in * (i_tau_in >= 0 ? exp(1.0) / p->params[i_tau_in] : 1.0);
}

int lyra__ode_validate(const lyra_model_info *info, const double *p, int itol,
                       char *err) {
  int rc = lyra__require_positive(info, p, itol, err);
  if (rc)
    return rc;
  const double m = p[itol + 1];
  if (m != LYRA__INT_RKF45 && m != LYRA__INT_RK4)
    return lyra__errf(err, LYRA_EINVAL,
                      "%s: integrator must be 0 (rkf45) or 1 (rk4), got %g",
                      info->name, m);
  return 0;
}
