/*
 * iaf_psc_exp: leaky integrate-and-fire with exponentially decaying
 * synaptic currents (separate excitatory and inhibitory time constants).
 * Order of operations within a step as in NEST's model of the same name.
 */
#include "models/models.h"

#include <math.h>

enum { E_L, C_M, TAU_M, TAU_EX, TAU_IN, T_REF, V_TH, V_RESET, I_E, NP };
enum { S_V, S_IEX, S_IIN, S_ISTIM };
enum { P22, P11EX, P11IN, P21EX, P21IN, P20 };

static const lyra_param_info params[NP] = {
    {"E_L", "mV", -70.0, "resting membrane potential"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"tau_m", "ms", 10.0, "membrane time constant"},
    {"tau_syn_ex", "ms", 2.0, "excitatory synaptic time constant"},
    {"tau_syn_in", "ms", 2.0, "inhibitory synaptic time constant"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -70.0, "reset potential"},
    {"I_e", "pA", 0.0, "constant input current"},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.0, "membrane potential"},
    {"I_syn_ex", "pA", 0.0, "excitatory synaptic current"},
    {"I_syn_in", "pA", 0.0, "inhibitory synaptic current"},
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},      {LYRA__POSITIVE, TAU_M, 0},
    {LYRA__POSITIVE, TAU_EX, 0},   {LYRA__POSITIVE, TAU_IN, 0},
    {LYRA__NONNEGATIVE, T_REF, 0}, {LYRA__LESS, V_RESET, V_TH},
};

static int validate(const double *p, char *err) {
  return lyra__check_rules(&lyra__iaf_psc_exp.info, p, rules,
                           LYRA__N_RULES(rules), err);
}

static void prepare(lyra__pop *p) {
  double h = p->dt, tau = p->params[TAU_M], c = p->params[C_M];
  p->vars[P22] = exp(-h / tau);
  p->vars[P11EX] = exp(-h / p->params[TAU_EX]);
  p->vars[P11IN] = exp(-h / p->params[TAU_IN]);
  p->vars[P21EX] = lyra__prop_exp_psc(p->params[TAU_EX], tau, c, h);
  p->vars[P21IN] = lyra__prop_exp_psc(p->params[TAU_IN], tau, c, h);
  p->vars[P20] = -tau / c * expm1(-h / tau);
  p->refr_steps = lyra__refractory_steps(p->params[T_REF], h);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double el = p->params[E_L], ie = p->params[I_E];
  const double th = p->params[V_TH] - el, reset = p->params[V_RESET] - el;
  const double p22 = p->vars[P22], p20 = p->vars[P20];
  const double p11e = p->vars[P11EX], p11i = p->vars[P11IN];
  const double p21e = p->vars[P21EX], p21i = p->vars[P21IN];
  double *v = p->state[S_V], *iex = p->state[S_IEX], *iin = p->state[S_IIN];
  double *istim = p->state[S_ISTIM];
  int32_t *r = p->refr;
  double *ex = in[0], *inh = in[1], *cur = in[2];
  for (uint32_t i = lo; i < hi; i++) {
    double y = v[i] - el;
    if (r[i] == 0)
      y = y * p22 + iex[i] * p21e + iin[i] * p21i + (ie + istim[i]) * p20;
    else
      --r[i];
    iex[i] = lyra__flush(iex[i] * p11e) + ex[i];
    iin[i] = lyra__flush(iin[i] * p11i) + inh[i];
    ex[i] = inh[i] = 0.0;
    lyra__check_finite(y, i, out);
    if (y >= th) {
      r[i] = p->refr_steps;
      y = reset;
      out->idx[out->count++] = i;
    }
    v[i] = y + el;
    istim[i] = cur[i];
    cur[i] = 0.0;
  }
}

const lyra__model_desc lyra__iaf_psc_exp = {
    .info =
        {
            .name = "iaf_psc_exp",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with exponentially "
                   "decaying postsynaptic currents.",
            .equations =
                "dV_m/dt = -(V_m - E_L)/tau_m + (I_syn_ex + I_syn_in + I_e "
                "+ I_stim)/C_m; dI_syn_X/dt = -I_syn_X/tau_syn_X + sum_k "
                "w_k delta(t - t_k); V_m >= V_th: spike, V_m = V_reset, "
                "clamped for t_ref",
            .integration = "exact (Rotter & Diesmann 1999 propagators)",
            .weight_unit = "pA",
            .receptors = "excitatory (weight >= 0 or receptor: excitatory) and "
                         "inhibitory (weight < 0 or receptor: inhibitory), the "
                         "weight added as it is; current input",
            .n_params = NP,
            .params = params,
            .n_state = 3,
            .state = state,
        },
    .n_spike_ports = 2,
    .n_hidden_state = 1,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
