/*
 * ode.h - the population update shared by the models integrated with
 * models/rkf45.h (aeif_*, iaf_cond_alpha, hh_*): per neuron, gather the
 * ODE state from the structure-of-arrays into a small vector, advance it
 * one step with the model's step function, add the step's spikes to the
 * synapses and take the step's current for the next one, scatter back.
 *
 * Everything is static inline and the model passes constant tables and
 * functions, so each model gets its own copy with the right-hand side
 * inlined: no call through a pointer per neuron.
 */
#ifndef LYRA_ODE_H
#define LYRA_ODE_H

#include "models/models.h"
#include "models/rkf45.h"

/* Which state array each ODE variable lives in, and where spikes enter:
 * y[in_ex] += vars[ODE_SCALE_EX] * (excitatory port) and y[in_in] +=
 * vars[ODE_SCALE_IN] * (inhibitory port); the scales hold the sign
 * convention and, for alpha synapses, e / tau. */
typedef struct lyra__ode_kind {
  int n;
  int ymap[LYRA__RK_MAX];
  int in_ex, in_in;
  lyra__rk_rhs rhs;
} lyra__ode_kind;

enum { ODE_SCALE_EX, ODE_SCALE_IN, ODE_NVARS };

/* Hidden state after the model's visible variables. */
enum { ODE_H_ISTIM, ODE_H_REFR, ODE_H_STEP, ODE_N_HIDDEN };

/* The first member of every model's right-hand-side context. */
typedef struct lyra__ode_common {
  double i_ext;   /* I_e + I_stim of the neuron being advanced */
  int refractory; /* read by the right-hand side */
  double i_e, dt, refr_steps;
  lyra__rk_tol tol;
  int method; /* LYRA__INT_* */
} lyra__ode_common;

enum { LYRA__INT_RKF45 = 0, LYRA__INT_RK4 = 1 };

/* Advances y over one step of length c->dt. Returns the number of spikes
 * (0 or more) or -1 if the state blew up. */
typedef int (*lyra__ode_step_fn)(void *ctx, const lyra__ode_kind *k, double *y,
                                 double *refr, double *hstep,
                                 const lyra__rk_work *w);

/* Integrates the whole step: adaptive RKF45 sub-steps from the carried
 * step size (NEST's IntegrationStep_, first h0), or one RK4 step.
 * Returns 0, or -1 if the sub-steps collapsed. */
LYRA__INLINE int lyra__ode_integrate(lyra__ode_common *c,
                                     const lyra__ode_kind *k, double *y,
                                     double *hstep, double h0,
                                     const lyra__rk_work *w) {
  if (c->method == LYRA__INT_RK4) {
    lyra__rk4_step(k->n, y, c->dt, w, k->rhs, c);
    return 0;
  }
  double t = 0.0, h = *hstep > 0.0 ? *hstep : h0;
  for (int sub = 0; t < c->dt; sub++) {
    if (sub == LYRA__RK_MAX_SUBSTEPS)
      return -1;
    lyra__rkf45_evolve(k->n, y, &t, c->dt, &h, &c->tol, w, k->rhs, c);
  }
  *hstep = h;
  return 0;
}

/* 1 if any variable is NaN or infinite. */
static inline int lyra__ode_nonfinite(const double *y, int n) {
  double sum = 0.0;
  for (int j = 0; j < n; j++)
    sum += y[j];
  return !isfinite(sum);
}

LYRA__INLINE void lyra__ode_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                                   double *const *in, lyra__spike_out *out,
                                   const lyra__ode_kind *k, void *ctx,
                                   lyra__ode_step_fn step) {
  lyra__ode_common *c = ctx;
  const int nv = (int)p->model->info.n_state;
  double *istim = p->state[nv + ODE_H_ISTIM];
  double *refr = p->state[nv + ODE_H_REFR];
  double *hstep = p->state[nv + ODE_H_STEP];
  double *const *s = p->state;
  double *ex = in[0], *inh = in[1], *cur = in[2];
  const double scale_ex = p->vars[ODE_SCALE_EX];
  const double scale_in = p->vars[ODE_SCALE_IN];
  lyra__rk_stack stack;
  const lyra__rk_work *w = lyra__rk_stack_init(&stack);
  for (uint32_t i = lo; i < hi; i++) {
    double y[LYRA__RK_MAX];
    for (int j = 0; j < k->n; j++)
      y[j] = s[k->ymap[j]][i];
    c->i_ext = c->i_e + istim[i];
    int spikes = step(ctx, k, y, &refr[i], &hstep[i], w);
    if (spikes < 0 && out->bad == LYRA__NO_NEURON)
      out->bad = i;
    y[k->in_ex] += scale_ex * ex[i];
    y[k->in_in] += scale_in * inh[i];
    for (int j = 0; j < k->n; j++)
      s[k->ymap[j]][i] = y[j];
    ex[i] = inh[i] = 0.0;
    istim[i] = cur[i];
    cur[i] = 0.0;
    if (spikes > 0)
      out->idx[out->count++] = i;
  }
}

/* The common part of a context from the population. */
static inline lyra__ode_common lyra__ode_common_of(const lyra__pop *p,
                                                   double i_e, double eps_abs,
                                                   double eps_rel, double a_y,
                                                   double a_dydt, int method) {
  lyra__ode_common c = {0.0,
                        0,
                        i_e,
                        p->dt,
                        (double)p->refr_steps,
                        {eps_abs, eps_rel, a_y, a_dydt},
                        method};
  return c;
}

/* The two integration parameters of every model here (last in its
 * table, tolerance first). */
#define LYRA__ODE_PARAMS(tol, tol_doc)                                         \
  {"gsl_error_tol", "", tol, tol_doc}, {                                       \
    "integrator", "", 0.0,                                                     \
        "rkf45: adaptive RKF45 as NEST; rk4: one RK4 step per dt", 0,          \
        "rkf45|rk4"                                                            \
  }
#define LYRA__ODE_ABS_TOL_DOC "absolute error tolerance of rkf45 (NEST: 1e-3)"
#define LYRA__ODE_INTEGRATION_DOC                                              \
  "integrator rkf45 (default): adaptive Runge-Kutta-Fehlberg 4(5) "            \
  "sub-steps over each dt with GSL's error control (absolute tolerance "       \
  "gsl_error_tol on each variable), the sub-step size carried between "        \
  "steps, as NEST; rk4: one classical RK4 step per dt"

/* Sets refr_steps from parameter i_t_ref and the input scales: e / tau
 * for an alpha synapse (its tau parameter given), 1 for an exponential
 * one (-1); the inhibitory scale times sign_in: -1 where the port holds
 * -|w| (conductances, aeif_psc_exp), +1 where it keeps the weight's sign. */
void lyra__ode_prepare(lyra__pop *p, int i_t_ref, int i_tau_ex, int i_tau_in,
                       double sign_in);

/* Checks gsl_error_tol > 0 and integrator 0 or 1 (parameters itol and
 * itol + 1). */
int lyra__ode_validate(const lyra_model_info *info, const double *p, int itol,
                       char *err);

/* Hodgkin-Huxley spike test (hh_psc_alpha, hh_cond_exp_traub): no reset;
 * a spike is the step in which V_m, above v_spike, starts to fall (it
 * contains the peak), outside the t_ref that follows a spike. */
typedef struct lyra__hh_common {
  lyra__ode_common com; /* first */
  double v_spike;
} lyra__hh_common;

LYRA__INLINE int lyra__hh_step(void *ctx, const lyra__ode_kind *k, double *y,
                               double *refr, double *hstep,
                               const lyra__rk_work *w) {
  lyra__hh_common *c = ctx;
  const double u_old = y[0];
  if (lyra__ode_integrate(&c->com, k, y, hstep, c->com.dt, w) ||
      lyra__ode_nonfinite(y, k->n))
    return -1;
  if (*refr > 0.0) {
    *refr -= 1.0;
    return 0;
  }
  if (y[0] >= c->v_spike && u_old > y[0]) {
    *refr = c->com.refr_steps;
    return 1;
  }
  return 0;
}

/* x / (exp(x / k) - 1), the rate-function form of the HH models, with
 * its limit k at x = 0 (NEST divides 0 by 0 there). */
static inline double lyra__hh_efun(double x, double k) {
  return fabs(x) < 1e-9 ? k : x / (exp(x / k) - 1.0);
}

/* The common context of a model with NEST's purely absolute tolerance
 * (iaf_cond_alpha, hh_*): parameters I_e at i_ie, gsl_error_tol at
 * i_tol and the integrator after it. */
static inline lyra__ode_common lyra__ode_common_abs(const lyra__pop *p,
                                                    int i_ie, int i_tol) {
  const double *q = p->params;
  return lyra__ode_common_of(p, q[i_ie], q[i_tol], 0.0, 1.0, 0.0,
                             (int)q[i_tol + 1]);
}

#endif
