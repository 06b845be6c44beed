/*
 * iaf_psc_delta: leaky integrate-and-fire, delta-shaped synaptic input
 * (each spike makes V jump by the weight, in mV). As NEST's model of the
 * same name, including the order of operations within a step.
 */
#include "models/models.h"

#include <math.h>

enum { E_L, C_M, TAU_M, T_REF, V_TH, V_RESET, I_E, V_MIN, REFR_INPUT, NP };
enum { S_V, S_ISTIM, S_REFRBUF };
enum { P33, P30 };

static const lyra_param_info params[NP] = {
    {"E_L", "mV", -70.0, "resting membrane potential"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"tau_m", "ms", 10.0, "membrane time constant"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -70.0, "reset potential"},
    {"I_e", "pA", 0.0, "constant input current"},
    {"V_min", "mV", -HUGE_VAL, "lower bound of V_m"},
    {"refractory_input", "", 0.0,
     "1: input arriving while refractory is added, decayed, afterwards; "
     "0: discarded"},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.0, "membrane potential"},
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},
    {LYRA__POSITIVE, TAU_M, 0},
    {LYRA__NONNEGATIVE, T_REF, 0},
    {LYRA__LESS, V_RESET, V_TH},
};

static int validate(const double *p, char *err) {
  return lyra__check_rules(&lyra__iaf_psc_delta.info, p, rules,
                           LYRA__N_RULES(rules), err);
}

static void prepare(lyra__pop *p) {
  double h = p->dt, tau = p->params[TAU_M];
  p->vars[P33] = exp(-h / tau);
  p->vars[P30] = -tau / p->params[C_M] * expm1(-h / tau);
  p->refr_steps = lyra__refractory_steps(p->params[T_REF], h);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double el = p->params[E_L], ie = p->params[I_E];
  const double th = p->params[V_TH] - el, reset = p->params[V_RESET] - el;
  const double vmin = p->params[V_MIN] - el;
  const double p33 = p->vars[P33], p30 = p->vars[P30];
  const int refr_input = p->params[REFR_INPUT] != 0.0;
  const double h_over_tau = p->dt / p->params[TAU_M];
  double *v = p->state[S_V], *istim = p->state[S_ISTIM];
  double *rbuf = p->state[S_REFRBUF];
  int32_t *r = p->refr;
  double *spk = in[0], *cur = in[1];
  for (uint32_t i = lo; i < hi; i++) {
    double y = v[i] - el;
    if (r[i] == 0) {
      y = p30 * (istim[i] + ie) + p33 * y + spk[i];
      if (refr_input) {
        y += rbuf[i];
        rbuf[i] = 0.0;
      }
      y = y < vmin ? vmin : y;
    } else {
      /* Input during refractoriness: discarded (NEST default), or kept,
       * decayed to the end of the refractory period. */
      if (refr_input)
        rbuf[i] += spk[i] * exp(-r[i] * h_over_tau);
      --r[i];
    }
    spk[i] = 0.0;
    lyra__check_finite(y, i, out);
    if (y >= th) {
      r[i] = p->refr_steps;
      y = reset;
      out->idx[out->count++] = i;
    }
    v[i] = y + el;
    istim[i] = cur[i]; /* currents act from the next step, as in NEST */
    cur[i] = 0.0;
  }
}

const lyra__model_desc lyra__iaf_psc_delta = {
    .info =
        {
            .name = "iaf_psc_delta",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with delta-shaped "
                   "postsynaptic potentials: each spike makes V_m jump by "
                   "its weight.",
            .equations = "dV_m/dt = -(V_m - E_L)/tau_m + (I_e + I_stim)/C_m "
                         "+ sum_k w_k delta(t - t_k); "
                         "V_m >= V_th: spike, V_m = V_reset, clamped for "
                         "t_ref; V_m >= V_min",
            .integration = "exact (Rotter & Diesmann 1999 propagators)",
            .weight_unit = "mV",
            .receptors =
                "one: every spike adds its weight to V_m, whatever its sign or "
                "receptor (auto, excitatory, inhibitory); current input",
            .n_params = NP,
            .params = params,
            .n_state = 1,
            .state = state,
        },
    .n_spike_ports = 1,
    .n_hidden_state = 2,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
