/*
 * rkf45.h - the adaptive Runge-Kutta-Fehlberg 4(5) integrator of the
 * nonlinear neuron models (aeif_*, iaf_cond_alpha, hh_*).
 *
 * It is GSL's gsl_odeiv_step_rkf45 driven by gsl_odeiv_evolve_apply with
 * the standard step-size control (gsl_odeiv_control_standard_new), which
 * is what NEST uses for these models, re-coded so that the right-hand side
 * is inlined into the model's loop: GSL calls it through a function
 * pointer seven times per sub-step and keeps three heap objects per
 * neuron. The same coefficients, the same error norm and the same
 * step-size rules are used in the same order, so the sub-steps and the
 * results agree with GSL's; tests/unit/test_integrators.c runs both on the
 * same neuron and compares them.
 *
 * Error control, per component i, with the step h_old just taken:
 *   D_i = eps_abs + eps_rel (a_y |y_i| + a_dydt h_old |y'_i|)
 *   r   = max_i |err_i| / D_i
 * r > 1.1: the step is retried with h_old max(0.2, 0.9 r^(-1/5));
 * r < 0.5: the next step may grow to h_old min(5, max(1, 0.9 r^(-1/6))).
 * NEST's aeif models use eps_abs = eps_rel = gsl_error_tol, a_y = 0,
 * a_dydt = 1; iaf_cond_alpha and the hh models eps_abs = 1e-3, the rest 0
 * and a_y = 1.
 */
#ifndef LYRA_RKF45_H
#define LYRA_RKF45_H

#include <float.h>
#include <math.h>
#include <string.h>

/* Largest system: hh_psc_alpha (8 variables). Multisynapse models with
 * more receptor ports use lyra__rkf45_evolve_n with heap scratch. */
#define LYRA__RK_MAX 8

typedef struct lyra__rk_tol {
  double eps_abs, eps_rel, a_y, a_dydt;
} lyra__rk_tol;

/* The right-hand side: dydt = f(y), time-invariant within a step (inputs
 * are constant over a step in NEST and lyra). ctx holds the parameters
 * and the neuron's inputs and refractory state. */
typedef void (*lyra__rk_rhs)(const void *ctx, const double *y, double *dydt);

/* Scratch of one sub-step: the six stages, the saved state, the error
 * estimate and the derivatives at both ends. */
typedef struct lyra__rk_work {
  double *k[6], *y0, *ytmp, *yerr, *dydt_in, *dydt_out;
} lyra__rk_work;

#if defined(__GNUC__)
#define LYRA__INLINE static inline __attribute__((always_inline))
#else
#define LYRA__INLINE static inline
#endif

/* One Fehlberg step of size h from y (derivative k1 given); y becomes the
 * fifth-order solution, yerr the difference to the fourth-order one and
 * dydt_out the derivative there. */
LYRA__INLINE void lyra__rkf45_step(int n, double *y, double h,
                                   const lyra__rk_work *w, lyra__rk_rhs f,
                                   const void *ctx) {
  static const double b3[] = {3.0 / 32.0, 9.0 / 32.0};
  static const double b4[] = {1932.0 / 2197.0, -7200.0 / 2197.0,
                              7296.0 / 2197.0};
  static const double b5[] = {8341.0 / 4104.0, -32832.0 / 4104.0,
                              29440.0 / 4104.0, -845.0 / 4104.0};
  static const double b6[] = {-6080.0 / 20520.0, 41040.0 / 20520.0,
                              -28352.0 / 20520.0, 9295.0 / 20520.0,
                              -5643.0 / 20520.0};
  static const double c1 = 902880.0 / 7618050.0, c3 = 3953664.0 / 7618050.0,
                      c4 = 3855735.0 / 7618050.0, c5 = -1371249.0 / 7618050.0,
                      c6 = 277020.0 / 7618050.0;
  static const double ec[] = {
      0.0,        1.0 / 360.0, 0.0, -128.0 / 4275.0, -2197.0 / 75240.0,
      1.0 / 50.0, 2.0 / 55.0};
  double *const *k = w->k, *yt = w->ytmp;
  memcpy(k[0], w->dydt_in, (size_t)n * sizeof *y);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + 0.25 * h * k[0][i];
  f(ctx, yt, k[1]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + h * (b3[0] * k[0][i] + b3[1] * k[1][i]);
  f(ctx, yt, k[2]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + h * (b4[0] * k[0][i] + b4[1] * k[1][i] + b4[2] * k[2][i]);
  f(ctx, yt, k[3]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + h * (b5[0] * k[0][i] + b5[1] * k[1][i] + b5[2] * k[2][i] +
                        b5[3] * k[3][i]);
  f(ctx, yt, k[4]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + h * (b6[0] * k[0][i] + b6[1] * k[1][i] + b6[2] * k[2][i] +
                        b6[3] * k[3][i] + b6[4] * k[4][i]);
  f(ctx, yt, k[5]);
  for (int i = 0; i < n; i++) {
    const double d = c1 * k[0][i] + c3 * k[2][i] + c4 * k[3][i] + c5 * k[4][i] +
                     c6 * k[5][i];
    y[i] += h * d;
  }
  f(ctx, y, w->dydt_out);
  for (int i = 0; i < n; i++)
    w->yerr[i] = h * (ec[1] * k[0][i] + ec[3] * k[2][i] + ec[4] * k[3][i] +
                      ec[5] * k[4][i] + ec[6] * k[5][i]);
}

enum { LYRA__RK_NIL, LYRA__RK_DEC, LYRA__RK_INC };

/* GSL's standard control: proposes the next step size in *h. */
static inline int lyra__rk_hadjust(int n, const lyra__rk_tol *tol,
                                   const double *y, const double *yerr,
                                   const double *yp, double *h) {
  const double h_old = *h;
  double rmax = DBL_MIN;
  for (int i = 0; i < n; i++) {
    const double d0 = tol->eps_rel * (tol->a_y * fabs(y[i]) +
                                      tol->a_dydt * fabs(h_old * yp[i])) +
                      tol->eps_abs;
    const double r = fabs(yerr[i]) / fabs(d0);
    rmax = r > rmax ? r : rmax;
  }
  if (rmax > 1.1) {
    double r = 0.9 / pow(rmax, 1.0 / 5.0);
    *h = (r < 0.2 ? 0.2 : r) * h_old;
    return LYRA__RK_DEC;
  }
  if (rmax < 0.5) {
    double r = 0.9 / pow(rmax, 1.0 / 6.0);
    r = r > 5.0 ? 5.0 : r;
    *h = (r < 1.0 ? 1.0 : r) * h_old;
    return LYRA__RK_INC;
  }
  return LYRA__RK_NIL;
}

/* More sub-steps than this in one step mean the solution is running away
 * (or is NaN): the step fails rather than crawl on. An AdEx spike takes a
 * few dozen. */
#define LYRA__RK_MAX_SUBSTEPS 100000

/* One accepted sub-step from *t towards t1, as gsl_odeiv_evolve_apply:
 * the proposed step *h is cut to the remaining interval, retried smaller
 * while the error is too large, and the size proposed for the next
 * sub-step is left in *h (it may exceed t1 - *t; it is carried to the
 * next simulation step, as NEST keeps IntegrationStep_).
 * A step is not shrunk below DBL_EPSILON t1: GSL stops shrinking when t +
 * h no longer differs from t, which at t = 0 would let it shrink to zero
 * and never return; the bound makes t = 0 behave like any other time. */
LYRA__INLINE void lyra__rkf45_evolve(int n, double *y, double *t, double t1,
                                     double *h, const lyra__rk_tol *tol,
                                     const lyra__rk_work *w, lyra__rk_rhs f,
                                     const void *ctx) {
  const double t0 = *t, dt = t1 - t0;
  double h0 = *h;
  memcpy(w->y0, y, (size_t)n * sizeof *y);
  f(ctx, y, w->dydt_in);
  for (;;) {
    const int final_step = h0 > dt;
    if (final_step)
      h0 = dt;
    lyra__rkf45_step(n, y, h0, w, f, ctx);
    *t = final_step ? t1 : t0 + h0;
    const double h_old = h0;
    if (lyra__rk_hadjust(n, tol, y, w->yerr, w->dydt_out, &h0) ==
        LYRA__RK_DEC) {
      /* Retry only if the step really shrank and still moves time. */
      volatile double t_next = *t + h0, t_curr = *t;
      if (h0 < h_old && t_next != t_curr && h0 >= DBL_EPSILON * t1) {
        memcpy(y, w->y0, (size_t)n * sizeof *y);
        continue;
      }
      h0 = h_old;
    }
    break;
  }
  *h = h0;
}

/* The fixed-step path: one classical Runge-Kutta step of size h. */
LYRA__INLINE void lyra__rk4_step(int n, double *y, double h,
                                 const lyra__rk_work *w, lyra__rk_rhs f,
                                 const void *ctx) {
  double *const *k = w->k, *yt = w->ytmp;
  f(ctx, y, k[0]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + 0.5 * h * k[0][i];
  f(ctx, yt, k[1]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + 0.5 * h * k[1][i];
  f(ctx, yt, k[2]);
  for (int i = 0; i < n; i++)
    yt[i] = y[i] + h * k[2][i];
  f(ctx, yt, k[3]);
  for (int i = 0; i < n; i++)
    y[i] += h / 6.0 * (k[0][i] + 2.0 * k[1][i] + 2.0 * k[2][i] + k[3][i]);
}

/* Scratch on the stack for systems of up to LYRA__RK_MAX variables. */
typedef struct lyra__rk_stack {
  double buf[12][LYRA__RK_MAX];
  lyra__rk_work w;
} lyra__rk_stack;

/* Scratch for a system of n variables in buf[11 * n] (heap or stack). */
static inline void lyra__rk_work_init(lyra__rk_work *w, double *buf, int n) {
  for (int i = 0; i < 6; i++)
    w->k[i] = buf + i * n;
  w->y0 = buf + 6 * n;
  w->ytmp = buf + 7 * n;
  w->yerr = buf + 8 * n;
  w->dydt_in = buf + 9 * n;
  w->dydt_out = buf + 10 * n;
}

static inline const lyra__rk_work *lyra__rk_stack_init(lyra__rk_stack *s) {
  for (int i = 0; i < 6; i++)
    s->w.k[i] = s->buf[i];
  s->w.y0 = s->buf[6];
  s->w.ytmp = s->buf[7];
  s->w.yerr = s->buf[8];
  s->w.dydt_in = s->buf[9];
  s->w.dydt_out = s->buf[10];
  return &s->w;
}

#endif
