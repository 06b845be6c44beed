/*
 * iaf_cond_alpha: leaky integrate-and-fire neuron with alpha-shaped
 * synaptic conductances, as NEST's model of the same name: a spike of
 * weight W adds W e / tau to dg, so that g peaks at W nS tau after it.
 * The whole step is integrated (models/ode.h), then a neuron at V_th is
 * reset to V_reset and held there for t_ref.
 */
#include "models/ode.h"

#include <math.h>

enum {
  V_TH,
  V_RESET,
  T_REF,
  G_L,
  C_M,
  E_EX,
  E_IN,
  E_L,
  TAU_EX,
  TAU_IN,
  I_E,
  TOL,
  INTEGRATOR,
  NP
};

static const lyra_param_info params[NP] = {
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -60.0, "reset potential"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"g_L", "nS", 16.6667, "leak conductance"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"E_ex", "mV", 0.0, "excitatory reversal potential"},
    {"E_in", "mV", -85.0, "inhibitory reversal potential"},
    {"E_L", "mV", -70.0, "leak reversal potential"},
    {"tau_syn_ex", "ms", 0.2, "excitatory synaptic time constant (rise)"},
    {"tau_syn_in", "ms", 2.0, "inhibitory synaptic time constant (rise)"},
    {"I_e", "pA", 0.0, "constant input current"},
    LYRA__ODE_PARAMS(1e-3, LYRA__ODE_ABS_TOL_DOC),
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.0, "membrane potential"},
    {"g_ex", "nS", 0.0, "excitatory conductance"},
    {"g_in", "nS", 0.0, "inhibitory conductance"},
    {"dg_ex", "nS/ms", 0.0, "derivative of g_ex"},
    {"dg_in", "nS/ms", 0.0, "derivative of g_in"},
};

typedef struct ctx {
  lyra__ode_common com; /* first: ode.h reads it */
  double g_l, e_l, e_ex, e_in, v_th, v_reset, inv_c, inv_tau_ex, inv_tau_in;
} ctx;

/* y = (V_m, dg_ex, g_ex, dg_in, g_in); V is bounded by V_th inside the
 * right-hand side (NEST's min(V, V_th)) and is V_reset while refractory. */
LYRA__INLINE void rhs(const void *vc, const double *y, double *f) {
  const ctx *c = vc;
  const double v =
      c->com.refractory ? c->v_reset : (y[0] < c->v_th ? y[0] : c->v_th);
  f[0] = c->com.refractory ? 0.0
                           : (-c->g_l * (v - c->e_l) - y[2] * (v - c->e_ex) -
                              y[4] * (v - c->e_in) + c->com.i_ext) *
                                 c->inv_c;
  f[1] = -y[1] * c->inv_tau_ex;
  f[2] = y[1] - y[2] * c->inv_tau_ex;
  f[3] = -y[3] * c->inv_tau_in;
  f[4] = y[3] - y[4] * c->inv_tau_in;
}

static const lyra__ode_kind ode = {
    .n = 5,
    .ymap = {0, 3, 1, 4, 2},
    .in_ex = 1,
    .in_in = 3,
    .rhs = rhs,
};

/* lyra__ode_step_fn: the whole step, then the threshold test. */
LYRA__INLINE int step(void *vc, const lyra__ode_kind *k, double *y,
                      double *refr, double *hstep, const lyra__rk_work *w) {
  ctx *c = vc;
  c->com.refractory = *refr > 0.0;
  if (lyra__ode_integrate(&c->com, k, y, hstep, c->com.dt, w) ||
      lyra__ode_nonfinite(y, k->n))
    return -1;
  if (*refr > 0.0) {
    *refr -= 1.0;
    y[0] = c->v_reset;
    return 0;
  }
  if (y[0] < c->v_th)
    return 0;
  *refr = c->com.refr_steps;
  y[0] = c->v_reset;
  return 1;
}

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},      {LYRA__NONNEGATIVE, G_L, 0},
    {LYRA__POSITIVE, TAU_EX, 0},   {LYRA__POSITIVE, TAU_IN, 0},
    {LYRA__NONNEGATIVE, T_REF, 0}, {LYRA__LESS, V_RESET, V_TH},
};

static int validate(const double *p, char *err) {
  int rc = lyra__check_rules(&lyra__iaf_cond_alpha.info, p, rules,
                             LYRA__N_RULES(rules), err);
  return rc ? rc : lyra__ode_validate(&lyra__iaf_cond_alpha.info, p, TOL, err);
}

static void prepare(lyra__pop *p) {
  lyra__ode_prepare(p, T_REF, TAU_EX, TAU_IN, -1.0);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double *q = p->params;
  ctx c = {
      .com = lyra__ode_common_abs(p, I_E, TOL),
      .g_l = q[G_L],
      .e_l = q[E_L],
      .e_ex = q[E_EX],
      .e_in = q[E_IN],
      .v_th = q[V_TH],
      .v_reset = q[V_RESET],
      .inv_c = 1.0 / q[C_M],
      .inv_tau_ex = 1.0 / q[TAU_EX],
      .inv_tau_in = 1.0 / q[TAU_IN],
  };
  lyra__ode_update(p, lo, hi, in, out, &ode, &c, step);
}

const lyra__model_desc lyra__iaf_cond_alpha = {
    .info =
        {
            .name = "iaf_cond_alpha",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with alpha-shaped "
                   "synaptic conductances. Inhibitory weights are negative "
                   "(NEST convention).",
            .equations =
                "C_m dV_m/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - "
                "E_in) + I_e + I_stim with V = min(V_m, V_th); d(dg_X)/dt "
                "= -dg_X / tau_syn_X + (e / tau_syn_X) sum_k |w_k| delta(t "
                "- t_k), dg_X/dt = dg_X - g_X / tau_syn_X; V_m >= V_th at "
                "the end of a step: spike, V_m = V_reset, held for t_ref",
            .integration = LYRA__ODE_INTEGRATION_DOC,
            .weight_unit = "nS",
            .n_params = NP,
            .params = params,
            .n_state = 5,
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
