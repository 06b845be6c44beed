/*
 * iaf_psc_alpha: leaky integrate-and-fire with alpha-shaped synaptic
 * currents, I(t) = w e/tau_syn t exp(-t/tau_syn), peaking at w after
 * tau_syn. Order of operations within a step as in NEST.
 */
#include "models/models.h"

#include <math.h>

enum { E_L, C_M, TAU_M, TAU_EX, TAU_IN, T_REF, V_TH, V_RESET, I_E, V_MIN, NP };
enum { S_V, S_IEX, S_IIN, S_DIEX, S_DIIN, S_ISTIM };
enum { P33, P30, P11EX, P21EX, P31EX, P32EX, P11IN, P21IN, P31IN, P32IN };

static const lyra_param_info params[NP] = {
    {"E_L", "mV", -70.0, "resting membrane potential"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"tau_m", "ms", 10.0, "membrane time constant"},
    {"tau_syn_ex", "ms", 2.0, "rise time of the excitatory current"},
    {"tau_syn_in", "ms", 2.0, "rise time of the inhibitory current"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -70.0, "reset potential"},
    {"I_e", "pA", 0.0, "constant input current"},
    {"V_min", "mV", -HUGE_VAL, "lower bound of V_m"},
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
  return lyra__check_rules(&lyra__iaf_psc_alpha.info, p, rules,
                           LYRA__N_RULES(rules), err);
}

/* Propagators of one alpha synapse, starting at vars[base]. */
static void prepare_synapse(lyra__pop *p, int base, double tau_syn) {
  double h = p->dt, tau = p->params[TAU_M], c = p->params[C_M];
  p->vars[base] = exp(-h / tau_syn);                            /* P11 = P22 */
  p->vars[base + 1] = h * exp(-h / tau_syn);                    /* P21 */
  p->vars[base + 2] = lyra__prop_alpha_psc(tau_syn, tau, c, h); /* P31 */
  p->vars[base + 3] = lyra__prop_exp_psc(tau_syn, tau, c, h);   /* P32 */
}

static void prepare(lyra__pop *p) {
  double h = p->dt, tau = p->params[TAU_M];
  p->vars[P33] = exp(-h / tau);
  p->vars[P30] = -tau / p->params[C_M] * expm1(-h / tau);
  prepare_synapse(p, P11EX, p->params[TAU_EX]);
  prepare_synapse(p, P11IN, p->params[TAU_IN]);
  p->refr_steps = lyra__refractory_steps(p->params[T_REF], h);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double el = p->params[E_L], ie = p->params[I_E];
  const double th = p->params[V_TH] - el, reset = p->params[V_RESET] - el;
  const double vmin = p->params[V_MIN] - el;
  const double *k = p->vars;
  const double jump_ex = 2.718281828459045 / p->params[TAU_EX];
  const double jump_in = 2.718281828459045 / p->params[TAU_IN];
  double *v = p->state[S_V], *iex = p->state[S_IEX], *iin = p->state[S_IIN];
  double *diex = p->state[S_DIEX], *diin = p->state[S_DIIN];
  double *istim = p->state[S_ISTIM];
  int32_t *r = p->refr;
  double *ex = in[0], *inh = in[1], *cur = in[2];
  for (uint32_t i = lo; i < hi; i++) {
    double y = v[i] - el;
    if (r[i] == 0) {
      y = k[P30] * (istim[i] + ie) + k[P31EX] * diex[i] + k[P32EX] * iex[i] +
          k[P31IN] * diin[i] + k[P32IN] * iin[i] + k[P33] * y;
      y = y < vmin ? vmin : y;
    } else {
      --r[i];
    }
    iex[i] = lyra__flush(k[P21EX] * diex[i] + k[P11EX] * iex[i]);
    diex[i] = lyra__flush(diex[i] * k[P11EX]) + jump_ex * ex[i];
    iin[i] = lyra__flush(k[P21IN] * diin[i] + k[P11IN] * iin[i]);
    diin[i] = lyra__flush(diin[i] * k[P11IN]) + jump_in * inh[i];
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

const lyra__model_desc lyra__iaf_psc_alpha = {
    .info =
        {
            .name = "iaf_psc_alpha",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with alpha-shaped "
                   "postsynaptic currents; a spike of weight w gives a "
                   "current peaking at w after tau_syn.",
            .equations =
                "dV_m/dt = -(V_m - E_L)/tau_m + (I_syn_ex + I_syn_in + I_e "
                "+ I_stim)/C_m; I_syn_X = sum_k w_k e (t - t_k)/tau_syn_X "
                "exp(-(t - t_k)/tau_syn_X); V_m >= V_th: spike, V_m = "
                "V_reset, clamped for t_ref; V_m >= V_min",
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
    .n_hidden_state = 3,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
