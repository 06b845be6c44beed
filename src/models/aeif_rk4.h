/*
 * aeif_rk4.h - the fast path of the AdEx models: integrator rk4 as one
 * branch-free loop over the population's arrays, which the compiler
 * vectorises (four or eight neurons per instruction with the AVX2 and
 * AVX-512 clones of LYRA__HOT), followed by a scan for spikes. It does
 * what aeif_step does with integrator rk4 for each neuron, with the
 * refractory clamp as a select and the exponential computed by
 * lyra__exp_lanes, which vectorises where libm's exp does not.
 */
#ifndef LYRA_AEIF_RK4_H
#define LYRA_AEIF_RK4_H

#include "models/aeif.h"

#include <stdint.h>
#include <string.h>

/* exp(x) to about one ulp for |x| < 708 (clamped beyond: the AdEx
 * argument is bounded by (V_peak - V_th) / Delta_T < 664 anyway), with
 * only IEEE operations and no branches, so that it vectorises and gives
 * the same bits in every lane width. x = n ln2 + r, |r| <= ln2 / 2;
 * exp(r) by its Taylor series to r^13 (truncation < 1e-17 relative);
 * 2^n put into the exponent bits. */
static inline double lyra__exp_lanes(double x) {
  const double shifter = 6755399441055744.0; /* 1.5 * 2^52 */
  x = x < -708.0 ? -708.0 : (x > 708.0 ? 708.0 : x);
  double kd = x * 1.4426950408889634 + shifter;
  uint64_t ki;
  memcpy(&ki, &kd, sizeof ki);
  kd -= shifter;
  /* ln2 in two parts (fdlibm's): n * high is exact for |n| < 2^21 */
  double r = x - kd * 6.93147180369123816490e-01;
  r = r - kd * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0; /* 1/13! */
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t bits = (ki + 1023u) << 52; /* n in the low bits of ki */
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* Right-hand side for one neuron, refractory given as 0/1. y and f have
 * the layout of the model's lyra__ode_kind. */
static inline void aeif_rhs_lane(const aeif_ctx *c, int syn, int refractory,
                                 double i_ext, double inv_dt, double g_dt,
                                 const double *y, double *f) {
  const double vc = y[0] < c->v_peak ? y[0] : c->v_peak;
  const double v = refractory ? c->v_reset : vc;
  double i_syn;
  if (syn == AEIF_COND_EXP)
    i_syn = -y[2] * (v - c->e_ex) - y[3] * (v - c->e_in);
  else if (syn == AEIF_COND_ALPHA)
    i_syn = -y[3] * (v - c->e_ex) - y[5] * (v - c->e_in);
  else
    i_syn = y[2] - y[3];
  const double i_spike = g_dt * lyra__exp_lanes((v - c->v_th) * inv_dt);
  const double dv =
      (-c->g_l * (v - c->e_l) + i_spike + i_syn - y[1] + i_ext) * c->inv_c;
  f[0] = refractory ? 0.0 : dv;
  f[1] = (c->a * (v - c->e_l) - y[1]) * c->inv_tau_w;
  if (syn == AEIF_COND_ALPHA) {
    f[2] = -y[2] * c->inv_tau_ex;
    f[3] = y[2] - y[3] * c->inv_tau_ex;
    f[4] = -y[4] * c->inv_tau_in;
    f[5] = y[4] - y[5] * c->inv_tau_in;
  } else {
    f[2] = -y[2] * c->inv_tau_ex;
    f[3] = -y[3] * c->inv_tau_in;
  }
}

/* Pass one: one RK4 step for neurons [lo, hi), the refractory clamp and
 * count-down, the step's input and current. Spikes are left to pass two:
 * a neuron at V_m >= V_peak keeps that V_m here. */
static inline __attribute__((always_inline)) void
aeif_rk4_lanes(const aeif_ctx *c, int syn, double *restrict a0,
               double *restrict a1, double *restrict a2, double *restrict a3,
               double *restrict a4, double *restrict a5, double *restrict istim,
               double *restrict refr, double *restrict ex, double *restrict inh,
               double *restrict cur, double scale_ex, double scale_in,
               size_t lo, size_t hi) {
  /* A copy in registers: loads through c inside selects would keep the
   * loop from being if-converted and vectorised. */
  const aeif_ctx cc = *c;
  c = &cc;
  const double h = c->com.dt, ie = c->com.i_e;
  const double inv_dt = c->delta_t > 0.0 ? 1.0 / c->delta_t : 0.0;
  const double g_dt = c->g_l * c->delta_t;
  const int n = syn == AEIF_COND_ALPHA ? 6 : 4;
  for (size_t i = lo; i < hi; i++) {
    double y[6], yt[6], k1[6], k2[6], k3[6], k4[6];
    y[0] = a0[i];
    y[1] = a1[i];
    y[2] = a2[i];
    y[3] = a3[i];
    if (n > 4) {
      y[4] = a4[i];
      y[5] = a5[i];
    }
    const int r = refr[i] > 0.0;
    const double iext = ie + istim[i];
    aeif_rhs_lane(c, syn, r, iext, inv_dt, g_dt, y, k1);
    for (int j = 0; j < n; j++)
      yt[j] = y[j] + 0.5 * h * k1[j];
    aeif_rhs_lane(c, syn, r, iext, inv_dt, g_dt, yt, k2);
    for (int j = 0; j < n; j++)
      yt[j] = y[j] + 0.5 * h * k2[j];
    aeif_rhs_lane(c, syn, r, iext, inv_dt, g_dt, yt, k3);
    for (int j = 0; j < n; j++)
      yt[j] = y[j] + h * k3[j];
    aeif_rhs_lane(c, syn, r, iext, inv_dt, g_dt, yt, k4);
    for (int j = 0; j < n; j++)
      y[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
    y[0] = r ? c->v_reset : y[0];
    refr[i] = r ? refr[i] - 1.0 : 0.0;
    y[2] += scale_ex * ex[i]; /* constant indices keep y in registers */
    y[syn == AEIF_COND_ALPHA ? 4 : 3] += scale_in * inh[i];
    ex[i] = inh[i] = 0.0;
    istim[i] = cur[i];
    cur[i] = 0.0;
    a0[i] = y[0];
    a1[i] = y[1];
    a2[i] = y[2];
    a3[i] = y[3];
    if (n > 4) {
      a4[i] = y[4];
      a5[i] = y[5];
    }
  }
}

/* Pass two: spikes (V_m >= the cut) and blown-up states (NEST's limits or
 * non-finite), eight neurons per test. A spike resets V_m, adds b to w
 * and starts t_ref (already counted down for this step). */
void lyra__aeif_rk4_spikes(const aeif_ctx *c, double *v, double *w,
                           double *refr, uint32_t lo, uint32_t hi,
                           lyra__spike_out *out);

/* The whole rk4 step of an AdEx population (models/aeif.c). */
void lyra__aeif_rk4_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                           double *const *in, lyra__spike_out *out,
                           const lyra__ode_kind *k, const aeif_syn *syn);

#endif
