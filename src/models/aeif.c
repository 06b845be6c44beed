/* What the AdEx models share outside their step (see models/aeif.h). */
#include "models/aeif.h"
#include "models/aeif_rk4.h"

#include <float.h>
#include <math.h>

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, AEIF_C_M, 0},
    {LYRA__NONNEGATIVE, AEIF_G_L, 0},
    {LYRA__POSITIVE, AEIF_TAU_W, 0},
    {LYRA__NONNEGATIVE, AEIF_T_REF, 0},
    {LYRA__NONNEGATIVE, AEIF_DELTA_T, 0},
    {LYRA__LESS, AEIF_V_TH, AEIF_V_PEAK},
    {LYRA__LESS, AEIF_V_RESET, AEIF_V_PEAK},
};

int lyra__aeif_validate(const lyra_model_info *info, const double *p,
                        const aeif_syn *k, char *err) {
  lyra__param_rule syn[2];
  size_t n_syn = 0;
  if (k->i_tau_ex >= 0)
    syn[n_syn++] = (lyra__param_rule){LYRA__POSITIVE, k->i_tau_ex, 0};
  if (k->i_tau_in >= 0)
    syn[n_syn++] = (lyra__param_rule){LYRA__POSITIVE, k->i_tau_in, 0};
  int rc;
  if ((rc = lyra__check_rules(info, p, rules, LYRA__N_RULES(rules), err)) ||
      (rc = lyra__ode_validate(info, p, AEIF_TOL, err)) ||
      (rc = lyra__check_rules(info, p, syn, n_syn, err)))
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
  /* the inhibitory port holds -|w|: conductances and currents grow */
  lyra__ode_prepare(p, AEIF_T_REF, -1, -1, -1.0);
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
  return !(y[0] >= -1e3) || !(fabs(y[1]) <= 1e6) || lyra__ode_nonfinite(y, n);
}

/* Pass one of the rk4 path, one clone per synapse type so that each has
 * its right-hand side inlined with constant indices. */
#define AEIF_RK4_PASS(name, syn)                                               \
  LYRA__HOT static void name(                                                  \
      const aeif_ctx *c, double *restrict a0, double *restrict a1,             \
      double *restrict a2, double *restrict a3, double *restrict a4,           \
      double *restrict a5, double *restrict istim, double *restrict refr,      \
      double *restrict ex, double *restrict inh, double *restrict cur,         \
      double sex, double sin, size_t lo, size_t hi) {                          \
    aeif_rk4_lanes(c, syn, a0, a1, a2, a3, a4, a5, istim, refr, ex, inh, cur,  \
                   sex, sin, lo, hi);                                          \
  }
AEIF_RK4_PASS(rk4_cond_exp, AEIF_COND_EXP)
AEIF_RK4_PASS(rk4_cond_alpha, AEIF_COND_ALPHA)
AEIF_RK4_PASS(rk4_psc_exp, AEIF_PSC_EXP)

static void take_spike(const aeif_ctx *c, double *v, double *w, double *refr,
                       uint32_t i, lyra__spike_out *out) {
  const double y[2] = {v[i], w[i]};
  if (lyra__aeif_unstable(y, 2)) {
    if (out->bad == LYRA__NO_NEURON)
      out->bad = i;
    return;
  }
  if (v[i] < c->v_cut)
    return;
  v[i] = c->v_reset;
  w[i] += c->b;
  refr[i] = c->com.refr_steps;
  out->idx[out->count++] = i;
}

LYRA__HOT
void lyra__aeif_rk4_spikes(const aeif_ctx *c, double *v, double *w,
                           double *refr, uint32_t lo, uint32_t hi,
                           lyra__spike_out *out) {
  const lyra__v4d cut = {c->v_cut, c->v_cut, c->v_cut, c->v_cut};
  const lyra__v4d low = {-1e3, -1e3, -1e3, -1e3}, wmax = {1e6, 1e6, 1e6, 1e6};
  uint32_t i = lo;
  for (; i + 4 <= hi; i += 4) {
    lyra__v4d a, b;
    memcpy(&a, v + i, sizeof a);
    memcpy(&b, w + i, sizeof b);
    lyra__v4d nb = -b;
    /* attention: at the cut, below -1e3 mV, |w| > 1e6 pA, or NaN */
    lyra__v4l m = (a >= cut) | ~(a >= low) | ~(b <= wmax) | ~(nb <= wmax);
    if (!(m[0] | m[1] | m[2] | m[3]))
      continue;
    for (uint32_t j = i; j < i + 4; j++)
      take_spike(c, v, w, refr, j, out);
  }
  for (; i < hi; i++)
    take_spike(c, v, w, refr, i, out);
}

void lyra__aeif_rk4_update(lyra__pop *p, uint32_t lo, uint32_t hi,
                           double *const *in, lyra__spike_out *out,
                           const lyra__ode_kind *k, const aeif_syn *syn_idx) {
  const int syn = syn_idx->type;
  aeif_ctx c = lyra__aeif_context(p, syn_idx);
  const int nv = (int)p->model->info.n_state;
  double *istim = p->state[nv + ODE_H_ISTIM];
  double *refr = p->state[nv + ODE_H_REFR];
  const double sex = p->vars[ODE_SCALE_EX], sin = p->vars[ODE_SCALE_IN];
  double *a[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
  for (int j = 0; j < k->n; j++)
    a[j] = p->state[k->ymap[j]];
  void (*pass)(const aeif_ctx *, double *restrict, double *restrict,
               double *restrict, double *restrict, double *restrict,
               double *restrict, double *restrict, double *restrict,
               double *restrict, double *restrict, double *restrict, double,
               double, size_t, size_t) = syn == AEIF_COND_EXP ? rk4_cond_exp
                                         : syn == AEIF_COND_ALPHA
                                             ? rk4_cond_alpha
                                             : rk4_psc_exp;
  pass(&c, a[0], a[1], a[2], a[3], a[4], a[5], istim, refr, in[0], in[1], in[2],
       sex, sin, lo, hi);
  lyra__aeif_rk4_spikes(&c, p->state[AEIF_S_V], p->state[AEIF_S_W], refr, lo,
                        hi, out);
}
