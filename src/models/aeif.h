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
#include "models/rkf45.h"

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
      {"gsl_error_tol", "", 1e-6,                                              \
       "error tolerance of rkf45 (absolute and relative to h |dy/dt|)"},       \
  {                                                                            \
    "integrator", "", 0.0,                                                     \
        "0 (rkf45): adaptive RKF45 as NEST; 1 (rk4): one RK4 step per dt"      \
  }

#define AEIF_INTEGRATION_DOC                                                   \
  "integrator 0 (rkf45, default): adaptive Runge-Kutta-Fehlberg 4(5) "         \
  "sub-steps with GSL's error control (tolerance gsl_error_tol on each "       \
  "variable, absolute and relative to h |dy/dt|), spike test and reset "       \
  "after every sub-step, as NEST; 1 (rk4): one classical RK4 step per dt, "    \
  "spike test at its end"

/* State layout in lyra__pop.state: the model's visible variables (V_m
 * first, w fourth), then these hidden ones. */
enum { AEIF_S_V = 0, AEIF_S_W = 3 };

enum { LYRA__INT_RKF45 = 0, LYRA__INT_RK4 = 1 };

/* What the right-hand side reads besides y. */
typedef struct aeif_ctx {
  double g_l, e_l, v_th, delta_t, v_peak, v_reset, a, inv_tau_w, inv_c;
  double i_ext;   /* I_e + I_stim of this neuron */
  int refractory; /* live: set inside the step at a spike */
  /* synapses: exc/inh reversal potential and decay rates */
  double e_ex, e_in, inv_tau_ex, inv_tau_in;
} aeif_ctx;

/* dV/dt and dw/dt at membrane potential v (raw, from y) with synaptic
 * current i_syn(veff) computed by the caller from the effective V. */
static inline double aeif_veff(const aeif_ctx *c, double v) {
  return c->refractory ? c->v_reset : (v < c->v_peak ? v : c->v_peak);
}

static inline void aeif_membrane(const aeif_ctx *c, double veff, double w,
                                 double i_syn, double *dv, double *dw) {
  const double i_spike =
      c->delta_t == 0.0
          ? 0.0
          : c->g_l * c->delta_t * exp((veff - c->v_th) / c->delta_t);
  *dv = c->refractory
            ? 0.0
            : (-c->g_l * (veff - c->e_l) + i_spike + i_syn - w + c->i_ext) *
                  c->inv_c;
  *dw = (c->a * (veff - c->e_l) - w) * c->inv_tau_w;
}

/* A model's synapses: y = (V, w, syn...). ymap gives the state array of
 * each y component; spikes add scale_ex * (excitatory port) to
 * y[in_ex] and -scale_in * (inhibitory port, which holds -|w|) to
 * y[in_in]. */
typedef struct aeif_kind {
  int n; /* ODE dimension */
  int ymap[LYRA__RK_MAX];
  int in_ex, in_in;
  lyra__rk_rhs rhs;
  int i_tau_ex, i_tau_in, i_e_ex, i_e_in; /* parameter indices, -1: none */
  int alpha;                              /* scale inputs by e/tau */
} aeif_kind;

/* Hidden state after the model's n_visible visible variables. */
enum { AEIF_H_ISTIM, AEIF_H_REFR, AEIF_H_STEP, AEIF_N_HIDDEN };

/* models/aeif.c */
int lyra__aeif_validate(const lyra_model_info *info, const double *p,
                        const aeif_kind *k, char *err);
void lyra__aeif_prepare(lyra__pop *p);
aeif_ctx lyra__aeif_context(const lyra__pop *p, const aeif_kind *k);
/* Flags neuron i as unstable (NEST's limits, or a non-finite value). */
int lyra__aeif_unstable(const double *y, int n);

/* After an accepted (sub-)step: clamp while refractory, or take a spike.
 * Returns 1 at a spike. */
static inline int aeif_after_step(const aeif_ctx *c, double *y, double *refr,
                                  double v_cut, double b, double refr_steps) {
  if (*refr > 0.0) {
    y[0] = c->v_reset;
    return 0;
  }
  if (y[0] < v_cut)
    return 0;
  y[0] = c->v_reset;
  y[1] += b;
  /* +1: the count-down after the step must leave t_ref whole steps */
  *refr = refr_steps > 0.0 ? refr_steps + 1.0 : 0.0;
  return 1;
}

/* Advances one neuron over one step of length dt. Returns the number of
 * spikes (several only with t_ref = 0), or -1 if the state blew up. */
LYRA__INLINE int aeif_step_neuron(aeif_ctx *c, const aeif_kind *k, double *y,
                                  double *refr, double *hstep, double dt,
                                  const lyra__rk_tol *tol, int method,
                                  double v_cut, double b, double refr_steps,
                                  const lyra__rk_work *w) {
  int spikes = 0;
  c->refractory = *refr > 0.0;
  if (method == LYRA__INT_RK4) {
    lyra__rk4_step(k->n, y, dt, w, k->rhs, c);
    if (lyra__aeif_unstable(y, k->n))
      return -1;
    spikes += aeif_after_step(c, y, refr, v_cut, b, refr_steps);
  } else {
    double t = 0.0, h = *hstep > 0.0 ? *hstep : (dt < 0.01 ? dt : 0.01);
    while (t < dt) {
      lyra__rkf45_evolve(k->n, y, &t, dt, &h, tol, w, k->rhs, c);
      if (lyra__aeif_unstable(y, k->n))
        return -1;
      spikes += aeif_after_step(c, y, refr, v_cut, b, refr_steps);
      c->refractory = *refr > 0.0;
    }
    *hstep = h;
  }
  if (*refr > 0.0)
    *refr -= 1.0;
  return spikes;
}

/* The model's update, specialised by the constant k so that the
 * right-hand side is inlined (no call through a pointer per neuron). */
LYRA__INLINE void aeif_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                              double *const *in, lyra__spike_out *out,
                              const aeif_kind *k) {
  aeif_ctx c = lyra__aeif_context(p, k);
  const int nv = (int)p->model->info.n_state;
  double *istim = p->state[nv + AEIF_H_ISTIM];
  double *refr = p->state[nv + AEIF_H_REFR];
  double *hstep = p->state[nv + AEIF_H_STEP];
  double *const *s = p->state;
  double *ex = in[0], *inh = in[1], *cur = in[2];
  const double ie = p->params[AEIF_I_E], b = p->params[AEIF_B];
  const double dt = p->dt, refr_steps = (double)p->refr_steps;
  const double v_cut = p->params[AEIF_DELTA_T] > 0.0 ? p->params[AEIF_V_PEAK]
                                                     : p->params[AEIF_V_TH];
  const double scale_ex = p->vars[0], scale_in = p->vars[1];
  const lyra__rk_tol tol = {p->params[AEIF_TOL], p->params[AEIF_TOL], 0.0, 1.0};
  const int method = (int)p->params[AEIF_INTEGRATOR];
  lyra__rk_stack stack;
  const lyra__rk_work *w = lyra__rk_stack_init(&stack);
  for (uint32_t i = lo; i < hi; i++) {
    double y[LYRA__RK_MAX];
    for (int j = 0; j < k->n; j++)
      y[j] = s[k->ymap[j]][i];
    c.i_ext = ie + istim[i];
    int spikes = aeif_step_neuron(&c, k, y, &refr[i], &hstep[i], dt, &tol,
                                  method, v_cut, b, refr_steps, w);
    if (spikes < 0 && out->bad == LYRA__NO_NEURON)
      out->bad = i;
    y[k->in_ex] += scale_ex * ex[i];
    y[k->in_in] -= scale_in * inh[i];
    for (int j = 0; j < k->n; j++)
      s[k->ymap[j]][i] = y[j];
    ex[i] = inh[i] = 0.0;
    istim[i] = cur[i];
    cur[i] = 0.0;
    if (spikes > 0)
      out->idx[out->count++] = i;
  }
}

#endif
