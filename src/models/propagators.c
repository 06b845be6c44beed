/*
 * Exact-integration propagators for current-based integrate-and-fire
 * models (Rotter & Diesmann 1999), derived here in a numerically stable
 * form.
 *
 * Subthreshold: V' = -V/tau_m + I(t)/C_m with V relative to E_L.
 * Let a = 1/tau_m - 1/tau_syn and x = a*h.
 *
 * Exponential PSC, I(t) = I0 exp(-t/tau_syn): its contribution to V(h) is
 *   I0/C_m * exp(-h/tau_m) * integral_0^h exp(a u) du
 *   = I0/C_m * exp(-h/tau_m) * h * expm1(x)/x.
 * expm1 keeps this accurate for x -> 0 (tau_syn -> tau_m), where it tends
 * to h/C_m exp(-h/tau_m); only x == 0 needs its own branch.
 *
 * Alpha PSC, state (dI, I) with dI' = -dI/tau_syn, I' = dI - I/tau_syn:
 * I(t) = (I0 + dI0 t) exp(-t/tau_syn). The dI0 term contributes
 *   dI0/C_m * exp(-h/tau_m) * integral_0^h u exp(a u) du
 *   = dI0/C_m * exp(-h/tau_m) * h^2 * g(x),
 * g(x) = integral_0^1 s exp(x s) ds = sum_n x^n / (n! (n+2))
 *      = (exp(x)(x - 1) + 1) / x^2.
 * The closed form cancels catastrophically for small |x|, so the series is
 * used there (it converges fast: |x| < 0.5 needs < 20 terms for 1e-17).
 */
#include "models/models.h"

#include <math.h>

static double expm1_over_x(double x) {
  return x == 0.0 ? 1.0 : expm1(x) / x;
}

static double alpha_kernel(double x) {
  if (fabs(x) < 0.5) {
    double term = 1.0, sum = 0.0; /* term = x^n / n! */
    for (int n = 0; n < 30; n++) {
      sum += term / (n + 2);
      term *= x / (n + 1);
    }
    return sum;
  }
  return (exp(x) * (x - 1.0) + 1.0) / (x * x);
}

double lyra__prop_exp_psc(double tau_syn, double tau_m, double c_m, double h) {
  double x = (1.0 / tau_m - 1.0 / tau_syn) * h;
  return exp(-h / tau_m) / c_m * h * expm1_over_x(x);
}

double lyra__prop_alpha_psc(double tau_syn, double tau_m, double c_m,
                            double h) {
  double x = (1.0 / tau_m - 1.0 / tau_syn) * h;
  return exp(-h / tau_m) / c_m * h * h * alpha_kernel(x);
}
