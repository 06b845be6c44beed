/*
 * hh_cond_exp_traub: Hodgkin-Huxley neuron after Traub & Miles (1991), as
 * in the Brette et al. (2007) COBAHH benchmark and NEST's model of the
 * same name, with exponentially decaying synaptic conductances. There is
 * no reset: a spike is the step in which V_m, above V_T + 30 mV, starts
 * to fall, and t_ref only suppresses further spike detection.
 */
#include "models/ode.h"

#include <math.h>

enum {
  G_NA,
  G_K,
  G_L,
  C_M,
  E_NA,
  E_K,
  E_L,
  V_T,
  E_EX,
  E_IN,
  TAU_EX,
  TAU_IN,
  T_REF,
  I_E,
  TOL,
  INTEGRATOR,
  NP
};

static const lyra_param_info params[NP] = {
    {"g_Na", "nS", 20000.0, "sodium peak conductance"},
    {"g_K", "nS", 6000.0, "potassium peak conductance"},
    {"g_L", "nS", 10.0, "leak conductance"},
    {"C_m", "pF", 200.0, "membrane capacitance"},
    {"E_Na", "mV", 50.0, "sodium reversal potential"},
    {"E_K", "mV", -90.0, "potassium reversal potential"},
    {"E_L", "mV", -60.0, "leak reversal potential"},
    {"V_T", "mV", -63.0, "voltage offset of the gating kinetics"},
    {"E_ex", "mV", 0.0, "excitatory reversal potential"},
    {"E_in", "mV", -80.0, "inhibitory reversal potential"},
    {"tau_syn_ex", "ms", 5.0, "excitatory synaptic time constant"},
    {"tau_syn_in", "ms", 10.0, "inhibitory synaptic time constant"},
    {"t_ref", "ms", 2.0, "time after a spike without spike detection"},
    {"I_e", "pA", 0.0, "constant input current"},
    LYRA__ODE_PARAMS(1e-3, LYRA__ODE_ABS_TOL_DOC),
};

/* NEST's initial gating values: the steady state of the rate functions
 * evaluated at -60 mV without the V_T shift (a NEST quirk kept so that
 * runs agree with NEST's from the first step). */
static const lyra_param_info state[] = {
    {"V_m", "mV", -60.0, "membrane potential"},
    {"g_ex", "nS", 0.0, "excitatory conductance"},
    {"g_in", "nS", 0.0, "inhibitory conductance"},
    {"Act_m", "", 9.895563096746586e-09, "sodium activation m"},
    {"Inact_h", "", 0.999999999106396, "sodium inactivation h"},
    {"Act_n", "", 2.551577051602551e-07, "potassium activation n"},
};

typedef struct ctx {
  lyra__hh_common hh; /* first: ode.h reads it */
  double g_na, g_k, g_l, e_na, e_k, e_l, v_t, e_ex, e_in, inv_c, inv_tau_ex,
      inv_tau_in;
} ctx;

/* y = (V_m, m, h, n, g_ex, g_in); rates in 1/ms of u = V_m - V_T. */
LYRA__INLINE void rhs(const void *vc, const double *y, double *f) {
  const ctx *c = vc;
  const double v = y[0], m = y[1], h = y[2], n = y[3], u = v - c->v_t;
  const double alpha_n = 0.032 * lyra__hh_efun(15.0 - u, 5.0);
  const double beta_n = 0.5 * exp((10.0 - u) / 40.0);
  const double alpha_m = 0.32 * lyra__hh_efun(13.0 - u, 4.0);
  const double beta_m = 0.28 * lyra__hh_efun(u - 40.0, 5.0);
  const double alpha_h = 0.128 * exp((17.0 - u) / 18.0);
  const double beta_h = 4.0 / (1.0 + exp((40.0 - u) / 5.0));
  const double i_na = c->g_na * m * m * m * h * (v - c->e_na);
  const double i_k = c->g_k * n * n * n * n * (v - c->e_k);
  const double i_l = c->g_l * (v - c->e_l);
  f[0] = (-i_na - i_k - i_l - y[4] * (v - c->e_ex) - y[5] * (v - c->e_in) +
          c->hh.com.i_ext) *
         c->inv_c;
  f[1] = alpha_m - (alpha_m + beta_m) * m;
  f[2] = alpha_h - (alpha_h + beta_h) * h;
  f[3] = alpha_n - (alpha_n + beta_n) * n;
  f[4] = -y[4] * c->inv_tau_ex;
  f[5] = -y[5] * c->inv_tau_in;
}

static const lyra__ode_kind ode = {
    .n = 6,
    .ymap = {0, 3, 4, 5, 1, 2},
    .in_ex = 4,
    .in_in = 5,
    .rhs = rhs,
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},     {LYRA__NONNEGATIVE, T_REF, 0},
    {LYRA__POSITIVE, TAU_EX, 0},  {LYRA__POSITIVE, TAU_IN, 0},
    {LYRA__NONNEGATIVE, G_NA, 0}, {LYRA__NONNEGATIVE, G_K, 0},
    {LYRA__NONNEGATIVE, G_L, 0},
};

static int validate(const double *p, char *err) {
  int rc = lyra__check_rules(&lyra__hh_cond_exp_traub.info, p, rules,
                             LYRA__N_RULES(rules), err);
  return rc ? rc
            : lyra__ode_validate(&lyra__hh_cond_exp_traub.info, p, TOL, err);
}

static void prepare(lyra__pop *p) {
  lyra__ode_prepare(p, T_REF, -1, -1, -1.0); /* the port holds -|w| */
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double *q = p->params;
  ctx c = {
      .hh = {lyra__ode_common_abs(p, I_E, TOL), q[V_T] + 30.0},
      .g_na = q[G_NA],
      .g_k = q[G_K],
      .g_l = q[G_L],
      .e_na = q[E_NA],
      .e_k = q[E_K],
      .e_l = q[E_L],
      .v_t = q[V_T],
      .e_ex = q[E_EX],
      .e_in = q[E_IN],
      .inv_c = 1.0 / q[C_M],
      .inv_tau_ex = 1.0 / q[TAU_EX],
      .inv_tau_in = 1.0 / q[TAU_IN],
  };
  lyra__ode_update(p, lo, hi, in, out, &ode, &c, lyra__hh_step);
}

const lyra__model_desc lyra__hh_cond_exp_traub = {
    .info =
        {
            .name = "hh_cond_exp_traub",
            .kind = "neuron",
            .doc = "Hodgkin-Huxley neuron after Traub & Miles (1991), as "
                   "in the COBAHH benchmark of Brette et al. (2007), with "
                   "exponentially decaying synaptic conductances. No "
                   "reset; t_ref only suppresses spike detection. "
                   "Inhibitory weights are negative (NEST convention).",
            .equations =
                "C_m dV_m/dt = -g_Na m^3 h (V_m - E_Na) - g_K n^4 (V_m - "
                "E_K) - g_L (V_m - E_L) - g_ex (V_m - E_ex) - g_in (V_m - "
                "E_in) + I_e + I_stim; dx/dt = alpha_x - (alpha_x + beta_x) "
                "x for x = m, h, n with u = V_m - V_T: alpha_n = 0.032 (15 "
                "- u) / (exp((15-u)/5) - 1), beta_n = 0.5 exp((10-u)/40), "
                "alpha_m = 0.32 (13-u) / (exp((13-u)/4) - 1), beta_m = 0.28 "
                "(u-40) / (exp((u-40)/5) - 1), alpha_h = 0.128 "
                "exp((17-u)/18), beta_h = 4 / (1 + exp((40-u)/5)); dg_X/dt "
                "= -g_X / tau_syn_X + sum_k |w_k| delta(t - t_k); spike: "
                "the step in which V_m >= V_T + 30 mV starts to fall, not "
                "within t_ref of the last",
            .integration = LYRA__ODE_INTEGRATION_DOC,
            .weight_unit = "nS",
            .n_params = NP,
            .params = params,
            .n_state = 6,
            .state = state,
            .receptors =
                "excitatory (weight >= 0 or receptor: excitatory) and "
                "inhibitory (weight < 0 or receptor: inhibitory), each taking "
                "the weight's magnitude as a conductance; current input",
        },
    .n_spike_ports = 2,
    .n_hidden_state = ODE_N_HIDDEN,
    .weight_is_magnitude = 1,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
