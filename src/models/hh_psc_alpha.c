/*
 * hh_psc_alpha: Hodgkin-Huxley neuron (squid axon kinetics, Gerstner &
 * Kistler 2002) with alpha-shaped synaptic currents, as NEST's model of
 * the same name. There is no reset: a spike is the step in which V_m,
 * above 0 mV, starts to fall, and t_ref only suppresses further spike
 * detection (models/ode.h, lyra__hh_step).
 */
#include "models/ode.h"

#include <math.h>

enum {
  T_REF,
  G_NA,
  G_K,
  G_L,
  C_M,
  E_NA,
  E_K,
  E_L,
  TAU_EX,
  TAU_IN,
  I_E,
  TOL,
  INTEGRATOR,
  NP
};

static const lyra_param_info params[NP] = {
    {"t_ref", "ms", 2.0, "time after a spike without spike detection"},
    {"g_Na", "nS", 12000.0, "sodium peak conductance"},
    {"g_K", "nS", 3600.0, "potassium peak conductance"},
    {"g_L", "nS", 30.0, "leak conductance"},
    {"C_m", "pF", 100.0, "membrane capacitance"},
    {"E_Na", "mV", 50.0, "sodium reversal potential"},
    {"E_K", "mV", -77.0, "potassium reversal potential"},
    {"E_L", "mV", -54.402, "leak reversal potential"},
    {"tau_syn_ex", "ms", 0.2, "excitatory synaptic time constant (rise)"},
    {"tau_syn_in", "ms", 2.0, "inhibitory synaptic time constant (rise)"},
    {"I_e", "pA", 0.0, "constant input current"},
    LYRA__ODE_PARAMS(1e-3, LYRA__ODE_ABS_TOL_DOC),
};

/* Gating variables start at their steady state at -65 mV, as in NEST. */
static const lyra_param_info state[] = {
    {"V_m", "mV", -65.0, "membrane potential"},
    {"Act_m", "", 0.05293248525724958, "sodium activation m"},
    {"Inact_h", "", 0.5961207535084603, "sodium inactivation h"},
    {"Act_n", "", 0.3176769140606974, "potassium activation n"},
    {"I_syn_ex", "pA", 0.0, "excitatory synaptic current"},
    {"I_syn_in", "pA", 0.0, "inhibitory synaptic current (negative)"},
    {"dI_syn_ex", "pA/ms", 0.0, "derivative of I_syn_ex"},
    {"dI_syn_in", "pA/ms", 0.0, "derivative of I_syn_in"},
};

typedef struct ctx {
  lyra__hh_common hh; /* first: ode.h reads it */
  double g_na, g_k, g_l, e_na, e_k, e_l, inv_c, inv_tau_ex, inv_tau_in;
} ctx;

/* y = (V_m, m, h, n, dI_ex, I_ex, dI_in, I_in); rates in 1/ms. */
LYRA__INLINE void rhs(const void *vc, const double *y, double *f) {
  const ctx *c = vc;
  const double v = y[0], m = y[1], h = y[2], n = y[3];
  const double alpha_n = 0.01 * lyra__hh_efun(-(v + 55.0), 10.0);
  const double beta_n = 0.125 * exp(-(v + 65.0) / 80.0);
  const double alpha_m = 0.1 * lyra__hh_efun(-(v + 40.0), 10.0);
  const double beta_m = 4.0 * exp(-(v + 65.0) / 18.0);
  const double alpha_h = 0.07 * exp(-(v + 65.0) / 20.0);
  const double beta_h = 1.0 / (1.0 + exp(-(v + 35.0) / 10.0));
  const double i_na = c->g_na * m * m * m * h * (v - c->e_na);
  const double i_k = c->g_k * n * n * n * n * (v - c->e_k);
  const double i_l = c->g_l * (v - c->e_l);
  f[0] = (-(i_na + i_k + i_l) + c->hh.com.i_ext + y[5] + y[7]) * c->inv_c;
  f[1] = alpha_m * (1.0 - m) - beta_m * m;
  f[2] = alpha_h * (1.0 - h) - beta_h * h;
  f[3] = alpha_n * (1.0 - n) - beta_n * n;
  f[4] = -y[4] * c->inv_tau_ex;
  f[5] = y[4] - y[5] * c->inv_tau_ex;
  f[6] = -y[6] * c->inv_tau_in;
  f[7] = y[6] - y[7] * c->inv_tau_in;
}

static const lyra__ode_kind ode = {
    .n = 8,
    .ymap = {0, 1, 2, 3, 6, 4, 7, 5},
    .in_ex = 4,
    .in_in = 6,
    .rhs = rhs,
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},     {LYRA__NONNEGATIVE, T_REF, 0},
    {LYRA__POSITIVE, TAU_EX, 0},  {LYRA__POSITIVE, TAU_IN, 0},
    {LYRA__NONNEGATIVE, G_NA, 0}, {LYRA__NONNEGATIVE, G_K, 0},
    {LYRA__NONNEGATIVE, G_L, 0},
};

static int validate(const double *p, char *err) {
  int rc = lyra__check_rules(&lyra__hh_psc_alpha.info, p, rules,
                             LYRA__N_RULES(rules), err);
  return rc ? rc : lyra__ode_validate(&lyra__hh_psc_alpha.info, p, TOL, err);
}

/* Currents keep the weight's sign: an inhibitory spike makes I_syn_in
 * negative, and it is added. */
static void prepare(lyra__pop *p) {
  lyra__ode_prepare(p, T_REF, TAU_EX, TAU_IN, 1.0);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double *q = p->params;
  ctx c = {
      .hh = {lyra__ode_common_abs(p, I_E, TOL), 0.0},
      .g_na = q[G_NA],
      .g_k = q[G_K],
      .g_l = q[G_L],
      .e_na = q[E_NA],
      .e_k = q[E_K],
      .e_l = q[E_L],
      .inv_c = 1.0 / q[C_M],
      .inv_tau_ex = 1.0 / q[TAU_EX],
      .inv_tau_in = 1.0 / q[TAU_IN],
  };
  lyra__ode_update(p, lo, hi, in, out, &ode, &c, lyra__hh_step);
}

const lyra__model_desc lyra__hh_psc_alpha = {
    .info =
        {
            .name = "hh_psc_alpha",
            .kind = "neuron",
            .doc = "Hodgkin-Huxley neuron with sodium, potassium and leak "
                   "currents (squid axon kinetics) and alpha-shaped "
                   "synaptic currents. No reset; t_ref only suppresses "
                   "spike detection.",
            .equations =
                "C_m dV_m/dt = -g_Na m^3 h (V_m - E_Na) - g_K n^4 (V_m - "
                "E_K) - g_L (V_m - E_L) + I_syn_ex + I_syn_in + I_e + "
                "I_stim; dx/dt = alpha_x (1 - x) - beta_x x for x = m, h, "
                "n with alpha_n = 0.01 (V+55) / (1 - exp(-(V+55)/10)), "
                "beta_n = 0.125 exp(-(V+65)/80), alpha_m = 0.1 (V+40) / (1 "
                "- exp(-(V+40)/10)), beta_m = 4 exp(-(V+65)/18), alpha_h = "
                "0.07 exp(-(V+65)/20), beta_h = 1 / (1 + exp(-(V+35)/10)); "
                "alpha currents: d(dI_X)/dt = -dI_X / tau_syn_X + (e / "
                "tau_syn_X) sum_k w_k delta(t - t_k), dI_X/dt = dI_X - I_X "
                "/ tau_syn_X; spike: the step in which V_m >= 0 mV starts "
                "to fall, not within t_ref of the last",
            .integration = LYRA__ODE_INTEGRATION_DOC,
            .weight_unit = "pA",
            .n_params = NP,
            .params = params,
            .n_state = 8,
            .state = state,
            .receptors = "excitatory (weight >= 0 or receptor: excitatory) and "
                         "inhibitory (weight < 0 or receptor: inhibitory); the "
                         "weight, with its sign, is the peak of the alpha "
                         "current; current input",
        },
    .n_spike_ports = 2,
    .n_hidden_state = ODE_N_HIDDEN,
    .weight_is_magnitude = 0,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
