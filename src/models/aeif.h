/*
 * aeif.h - what the adaptive exponential integrate-and-fire models
 * (Brette & Gerstner 2005; NEST's aeif_cond_exp, aeif_cond_alpha,
 * aeif_psc_exp) share: parameters, the membrane and adaptation equations,
 * validation, and the step with NEST's spike handling. Each model file
 * adds its synapses: their state, their right-hand side and how a spike
 * enters them.
 *
 * The step, as NEST's: the ODEs are integrated over the step in adaptive
 * RKF45 sub-steps (models/rkf45.h); after every accepted sub-step a
 * refractory neuron is clamped to V_reset, and a neuron at V_peak (V_th
 * if Delta_T = 0) is reset, gets w += b and becomes refractory for the
 * rest of the step plus t_ref. Within the right-hand side V is replaced
 * by min(V, V_peak), or by V_reset while refractory, so the exponential
 * cannot overflow. The step size the control proposes is carried to the
 * next step per neuron (NEST's IntegrationStep_, first min(0.01 ms, dt)).
 * Spikes arriving in the step enter the synapses at its end, currents
 * act from the next step. With integrator = rk4 each step is instead one
 * classical Runge-Kutta step of size dt with the spike test at its end:
 * faster, and accurate where dt is small against the spike upstroke.
 */
#ifndef LYRA_AEIF_H
#define LYRA_AEIF_H

#include "models/models.h"
#include "models/ode.h"

#include <float.h>
#include <math.h>

/* The parameters every AdEx model has, first and in this order. */
enum {
  AEIF_C_M,
  AEIF_G_L,
  AEIF_E_L,
  AEIF_V_TH,
  AEIF_DELTA_T,
  AEIF_V_PEAK,
  AEIF_V_RESET,
  AEIF_T_REF,
  AEIF_A,
  AEIF_B,
  AEIF_TAU_W,
  AEIF_I_E,
  AEIF_TOL,
  AEIF_INTEGRATOR,
  AEIF_NP /* the model's own parameters follow */
};

#define LYRA__AEIF_PARAMS                                                      \
  {"C_m", "pF", 281.0, "membrane capacitance"},                                \
      {"g_L", "nS", 30.0, "leak conductance"},                                 \
      {"E_L", "mV", -70.6, "leak reversal potential"},                         \
      {"V_th", "mV", -50.4, "spike initiation threshold (V_T)"},               \
      {"Delta_T", "mV", 2.0, "slope factor (0: integrate-and-fire)"},          \
      {"V_peak", "mV", 0.0, "spike detection threshold (cut-off)"},            \
      {"V_reset", "mV", -60.0, "reset potential"},                             \
      {"t_ref", "ms", 0.0, "refractory period"},                               \
      {"a", "nS", 4.0, "subthreshold adaptation"},                             \
      {"b", "pA", 80.5, "spike-triggered adaptation"},                         \
      {"tau_w", "ms", 144.0, "adaptation time constant"},                      \
      {"I_e", "pA", 0.0, "constant input current"},                            \
      LYRA__ODE_PARAMS(                                                        \
          1e-6,                                                                \
          "error tolerance of rkf45 (absolute and relative to h |dy/dt|)")

#define AEIF_INTEGRATION_DOC                                                   \
  "integrator rkf45 (default): adaptive Runge-Kutta-Fehlberg 4(5) "            \
  "sub-steps with GSL's error control (tolerance gsl_error_tol on each "       \
  "variable, absolute and relative to h |dy/dt|), spike test and reset "       \
  "after every sub-step, as NEST; rk4: one classical RK4 step per dt, "        \
  "spike test at its end"

/* State layout in lyra__pop.state: the model's visible variables (V_m
 * first, w fourth), then ode.h's hidden ones. */
enum { AEIF_S_V = 0, AEIF_S_W = 3 };

/* What the right-hand side reads besides y. */
typedef struct aeif_ctx {
  lyra__ode_common com; /* first: ode.h reads it */
  double g_l, e_l, v_th, delta_t, v_peak, v_reset, a, inv_tau_w, inv_c;
  double b, v_cut; /* spike: w += b at V_m >= v_cut */
  /* synapses: exc/inh reversal potential and decay rates */
  double e_ex, e_in, inv_tau_ex, inv_tau_in;
} aeif_ctx;

/* The effective potential: V_reset while refractory, else min(V,
 * V_peak), so that the exponential cannot overflow. */
static inline double aeif_veff(const aeif_ctx *c, double v) {
  return c->com.refractory ? c->v_reset : (v < c->v_peak ? v : c->v_peak);
}

/* dV/dt and dw/dt at effective potential veff, given the synaptic
 * current i_syn (positive: depolarising). */
static inline void aeif_membrane(const aeif_ctx *c, double veff, double w,
                                 double i_syn, double *dv, double *dw) {
  const double i_spike =
      c->delta_t == 0.0
          ? 0.0
          : c->g_l * c->delta_t * exp((veff - c->v_th) / c->delta_t);
  *dv = c->com.refractory
            ? 0.0
            : (-c->g_l * (veff - c->e_l) + i_spike + i_syn - w + c->com.i_ext) *
                  c->inv_c;
  *dw = (c->a * (veff - c->e_l) - w) * c->inv_tau_w;
}

/* Parameter indices of a model's synapses (-1: none). y = (V_m, w,
 * synapses...). */
typedef struct aeif_syn {
  int i_tau_ex, i_tau_in, i_e_ex, i_e_in;
  int type; /* AEIF_COND_EXP ...: has the vectorised rk4 path; -1: not */
} aeif_syn;

enum { AEIF_COND_EXP, AEIF_COND_ALPHA, AEIF_PSC_EXP };

/* models/aeif.c */
int lyra__aeif_validate(const lyra_model_info *info, const double *p,
                        const aeif_syn *k, char *err);
void lyra__aeif_prepare(lyra__pop *p);
aeif_ctx lyra__aeif_context(const lyra__pop *p, const aeif_syn *k);
/* NEST's limits (V_m < -1e3 or |w| > 1e6) or a non-finite value. */
int lyra__aeif_unstable(const double *y, int n);

/* After an accepted (sub-)step: clamp while refractory, or take a spike.
 * Returns 1 at a spike. */
static inline int aeif_after_step(aeif_ctx *c, double *y, double *refr) {
  if (*refr > 0.0) {
    y[0] = c->v_reset;
    return 0;
  }
  if (y[0] < c->v_cut)
    return 0;
  y[0] = c->v_reset;
  y[1] += c->b;
  /* +1: the count-down after the step must leave t_ref whole steps */
  *refr = c->com.refr_steps > 0.0 ? c->com.refr_steps + 1.0 : 0.0;
  c->com.refractory = *refr > 0.0;
  return 1;
}

/* One neuron, one step (lyra__ode_step_fn): RKF45 sub-steps with the
 * spike test after each, or one RK4 step with the test at its end. */
LYRA__INLINE int aeif_step(void *ctx, const lyra__ode_kind *k, double *y,
                           double *refr, double *hstep,
                           const lyra__rk_work *w) {
  aeif_ctx *c = ctx;
  const double dt = c->com.dt;
  int spikes = 0;
  c->com.refractory = *refr > 0.0;
  if (c->com.method == LYRA__INT_RK4) {
    lyra__rk4_step(k->n, y, dt, w, k->rhs, c);
    if (lyra__aeif_unstable(y, k->n))
      return -1;
    spikes += aeif_after_step(c, y, refr);
  } else {
    double t = 0.0, h = *hstep > 0.0 ? *hstep : (dt < 0.01 ? dt : 0.01);
    for (int sub = 0; t < dt; sub++) {
      if (sub == LYRA__RK_MAX_SUBSTEPS)
        return -1;
      lyra__rkf45_evolve(k->n, y, &t, dt, &h, &c->com.tol, w, k->rhs, c);
      if (lyra__aeif_unstable(y, k->n))
        return -1;
      spikes += aeif_after_step(c, y, refr);
    }
    *hstep = h;
  }
  if (*refr > 0.0)
    *refr -= 1.0;
  return spikes;
}

void lyra__aeif_rk4_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                           double *const *in, lyra__spike_out *out,
                           const lyra__ode_kind *k, const aeif_syn *syn);

/* A model's update: its constant tables make the right-hand side inline.
 * rk4 takes the vectorised path (models/aeif_rk4.h) unless V_reset is at
 * or above the cut (Delta_T = 0 with V_reset >= V_th), where a clamped
 * refractory neuron could not be told from a spiking one. */
LYRA__INLINE void aeif_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                              double *const *in, lyra__spike_out *out,
                              const lyra__ode_kind *k, const aeif_syn *syn) {
  aeif_ctx c = lyra__aeif_context(p, syn);
  if (c.com.method == LYRA__INT_RK4 && syn->type >= 0 && c.v_reset < c.v_cut)
    lyra__aeif_rk4_update(p, lo, hi, in, out, k, syn);
  else
    lyra__ode_update(p, lo, hi, in, out, k, &c, aeif_step);
}

#endif
