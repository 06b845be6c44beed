/*
 * aeif_cond_alpha: adaptive exponential integrate-and-fire neuron (Brette &
 * Gerstner 2005) with alpha-shaped synaptic conductances, as NEST's model
 * of the same name: a spike of weight W adds W e / tau to dg, so that g
 * peaks at W nS tau after the spike. The step and the spike handling are
 * in models/aeif.h.
 */
#include "models/aeif.h"

#include <math.h>

enum { E_EX = AEIF_NP, E_IN, TAU_EX, TAU_IN, NP };

static const lyra_param_info params[NP] = {
    LYRA__AEIF_PARAMS,
    {"E_ex", "mV", 0.0, "excitatory reversal potential"},
    {"E_in", "mV", -85.0, "inhibitory reversal potential"},
    {"tau_syn_ex", "ms", 0.2, "excitatory synaptic time constant (rise)"},
    {"tau_syn_in", "ms", 2.0, "inhibitory synaptic time constant (rise)"},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.6, "membrane potential"},
    {"g_ex", "nS", 0.0, "excitatory conductance"},
    {"g_in", "nS", 0.0, "inhibitory conductance"},
    {"w", "pA", 0.0, "adaptation current"},
    {"dg_ex", "nS/ms", 0.0, "derivative of g_ex"},
    {"dg_in", "nS/ms", 0.0, "derivative of g_in"},
};

/* y = (V_m, w, dg_ex, g_ex, dg_in, g_in) */
LYRA__INLINE void rhs(const void *ctx, const double *y, double *f) {
  const aeif_ctx *c = ctx;
  const double v = aeif_veff(c, y[0]);
  const double i_syn = -y[3] * (v - c->e_ex) - y[5] * (v - c->e_in);
  aeif_membrane(c, v, y[1], i_syn, &f[0], &f[1]);
  f[2] = -y[2] * c->inv_tau_ex;
  f[3] = y[2] - y[3] * c->inv_tau_ex;
  f[4] = -y[4] * c->inv_tau_in;
  f[5] = y[4] - y[5] * c->inv_tau_in;
}

static const lyra__ode_kind ode = {
    .n = 6,
    .ymap = {AEIF_S_V, AEIF_S_W, 4, 1, 5, 2},
    .in_ex = 2,
    .in_in = 4,
    .rhs = rhs,
};

static const aeif_syn syn = {
    .i_tau_ex = TAU_EX,
    .i_tau_in = TAU_IN,
    .i_e_ex = E_EX,
    .i_e_in = E_IN,
    .type = AEIF_COND_ALPHA,
};

static int validate(const double *p, char *err) {
  return lyra__aeif_validate(&lyra__aeif_cond_alpha.info, p, &syn, err);
}

static void prepare(lyra__pop *p) {
  lyra__ode_prepare(p, AEIF_T_REF, TAU_EX, TAU_IN, -1.0);
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  aeif_update(p, lo, hi, in, out, &ode, &syn);
}

const lyra__model_desc lyra__aeif_cond_alpha = {
    .info =
        {
            .name = "aeif_cond_alpha",
            .kind = "neuron",
            .doc = "Adaptive exponential integrate-and-fire neuron (AdEx, "
                   "Brette & Gerstner 2005) with alpha-shaped synaptic "
                   "conductances. Inhibitory weights are negative (NEST "
                   "convention).",
            .equations =
                "C_m dV_m/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) "
                "/ Delta_T) - g_ex (V - E_ex) - g_in (V - E_in) - w + I_e + "
                "I_stim with V = min(V_m, V_peak); tau_w dw/dt = a (V - "
                "E_L) - w; d(dg_X)/dt = -dg_X / tau_syn_X + (e / tau_syn_X) "
                "sum_k |w_k| delta(t - t_k), dg_X/dt = dg_X - g_X / "
                "tau_syn_X; V_m >= V_peak: spike, V_m = V_reset, w = w + b, "
                "V_m held at V_reset for t_ref",
            .integration = AEIF_INTEGRATION_DOC,
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
