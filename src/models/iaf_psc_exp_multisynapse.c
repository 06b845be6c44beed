/*
 * iaf_psc_exp_multisynapse: iaf_psc_exp with any number of receptor ports,
 * each an exponentially decaying current with its own time constant
 * (NEST's model of the same name). The ports are numbered 1..n, n being
 * the length of the list parameter tau_syn; a synapse names its port
 * (receptor k) and its weight, in pA, may have either sign on any port.
 *
 * Per step, in NEST's order: V_m advances by the exact propagators with
 * the currents at the step's start (not while refractory), then every
 * port's current decays and takes the spikes arriving in this step, then
 * the threshold is tested, then the step's current input becomes I_stim.
 *
 * NEST's 3.x code refused tau_syn == tau_m; its newer versions, and lyra,
 * need no such rule: the propagator (models/propagators.c) is accurate
 * for equal and nearly equal time constants.
 */
#include "models/models.h"

#include <math.h>

enum { E_L, C_M, TAU_M, T_REF, V_TH, V_RESET, I_E, TAU_SYN, NP };
enum { S_V, S_ISYN, S_ISTIM };
enum { P22, P20 };
enum { PORT_P11, PORT_P21, N_PORT_VARS }; /* per port */

static const lyra_param_info params[NP] = {
    {"E_L", "mV", -70.0, "resting membrane potential"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"tau_m", "ms", 10.0, "membrane time constant"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -70.0, "reset potential"},
    {"I_e", "pA", 0.0, "constant input current"},
    {"tau_syn", "ms", 2.0,
     "synaptic time constant of each receptor port (port k: element k)", 1,
     NULL},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.0, "membrane potential"},
    {"I_syn", "pA", 0.0,
     "sum of the synaptic currents of all ports, after the step (an initial "
     "value is replaced in the first step)"},
};

/* Per port: I_syn_k, visible. */
static const lyra_param_info port_state[] = {
    {"I_syn", "pA", 0.0, "synaptic current of receptor port k (I_syn_k)"},
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},
    {LYRA__POSITIVE, TAU_M, 0},
    {LYRA__NONNEGATIVE, T_REF, 0},
    {LYRA__LESS, V_RESET, V_TH},
};

static int validate(const double *p, char *err) {
  return lyra__check_rules(&lyra__iaf_psc_exp_multisynapse.info, p, rules,
                           LYRA__N_RULES(rules), err);
}

static int validate_lists(const double *p, const double *const *lists,
                          uint32_t n, char *err) {
  return lyra__require_positive_list(&lyra__iaf_psc_exp_multisynapse.info,
                                     lists, n, TAU_SYN, err);
}

static void prepare(lyra__pop *p) {
  double h = p->dt, tau = p->params[TAU_M], c = p->params[C_M];
  p->vars[P22] = exp(-h / tau);
  p->vars[P20] = -tau / c * expm1(-h / tau);
  for (int k = 0; k < p->n_spike_ports; k++) {
    double *pv = lyra__port_vars(p, k), tau_k = p->lists[TAU_SYN][k];
    pv[PORT_P11] = exp(-h / tau_k);
    pv[PORT_P21] = lyra__prop_exp_psc(tau_k, tau, c, h);
  }
  p->refr_steps = lyra__refractory_steps(p->params[T_REF], h);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double el = p->params[E_L], ie = p->params[I_E];
  const double th = p->params[V_TH] - el, reset = p->params[V_RESET] - el;
  const double p22 = p->vars[P22], p20 = p->vars[P20];
  const int np = p->n_spike_ports;
  const double *pv = p->port_vars;
  double *isyn_k = p->port_state; /* port k's currents: + k * stride */
  const size_t stride = p->port_stride;
  double *v = p->state[S_V], *isyn = p->state[S_ISYN];
  double *istim = p->state[S_ISTIM];
  int32_t *r = p->refr;
  double *cur = in[np];
  for (uint32_t i = lo; i < hi; i++) {
    double y = v[i] - el;
    if (r[i] == 0) {
      y = y * p22 + (ie + istim[i]) * p20;
      for (int k = 0; k < np; k++)
        y += pv[k * N_PORT_VARS + PORT_P21] * isyn_k[(size_t)k * stride + i];
    } else {
      --r[i];
    }
    double sum = 0.0;
    for (int k = 0; k < np; k++) {
      double *x = &isyn_k[(size_t)k * stride + i];
      *x = lyra__flush(*x * pv[k * N_PORT_VARS + PORT_P11]) + in[k][i];
      in[k][i] = 0.0;
      sum += *x;
    }
    isyn[i] = sum;
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

const lyra__model_desc lyra__iaf_psc_exp_multisynapse = {
    .info =
        {
            .name = "iaf_psc_exp_multisynapse",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with exponentially "
                   "decaying postsynaptic currents on any number of receptor "
                   "ports, each with its own time constant (NEST's "
                   "iaf_psc_exp_multisynapse).",
            .equations =
                "dV_m/dt = -(V_m - E_L)/tau_m + (I_syn_1 + ... + I_syn_n + "
                "I_e + I_stim)/C_m; dI_syn_k/dt = -I_syn_k/tau_syn[k] + "
                "sum_j w_j delta(t - t_j) over the spikes on port k; "
                "V_m >= V_th: spike, V_m = V_reset, clamped for t_ref",
            .integration = "exact (Rotter & Diesmann 1999 propagators, one "
                           "per port)",
            .weight_unit = "pA",
            .n_params = NP,
            .params = params,
            .n_state = 2,
            .state = state,
            .receptors = "1..n, one per element of tau_syn (receptor: k); "
                         "weights of either sign on any port; per-port "
                         "state I_syn_1 .. I_syn_n; current input",
        },
    .n_spike_ports = 0, /* multisynapse: one port per element of tau_syn */
    .n_hidden_state = 1,
    .n_port_state = 1,
    .n_port_visible = 1,
    .port_state = port_state,
    .n_port_vars = N_PORT_VARS,
    .validate = validate,
    .validate_lists = validate_lists,
    .prepare = prepare,
    .update = update,
};
