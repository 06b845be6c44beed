/* What the ODE-integrated models share outside their step (ode.h). */
#include "models/ode.h"

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
