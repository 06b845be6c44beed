/*
 * iaf_cond_exp: leaky integrate-and-fire with exponentially decaying
 * synaptic conductances (Vogels & Abbott 2005; NEST's model of the same
 * name). Inhibitory weights are given negative, as in NEST; the model
 * turns them into a positive conductance. With an explicit receptor the
 * weight's magnitude is used (lyra__port_weight).
 *
 * Integration: the conductances decay exactly; V_m is advanced by one
 * classical Runge-Kutta (RK4) step per dt with the conductances evaluated
 * exactly at the start, middle and end of the step: O(dt^4) globally.
 * Against a 1000x finer integration (tests/unit/test_neurons.c) the error
 * is about 1e-9 mV for synaptic time constants of a few ms and about 1e-6
 * mV per nS of weight for tau_syn_ex = 0.2 ms (two steps). NEST uses an
 * adaptive RKF45 with absolute tolerance 1e-3 instead.
 */
#include "models/models.h"

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
  NP
};
/* The refractory counter lives in a hidden double array (not p->refr) so
 * that the integration loop touches doubles only and vectorises. */
enum { S_V, S_GEX, S_GIN, S_ISTIM, S_REFR };
enum { HALF_EX, FULL_EX, HALF_IN, FULL_IN };

static const lyra_param_info params[NP] = {
    {"V_th", "mV", -55.0, "spike threshold"},
    {"V_reset", "mV", -60.0, "reset potential"},
    {"t_ref", "ms", 2.0, "refractory period"},
    {"g_L", "nS", 16.6667, "leak conductance"},
    {"C_m", "pF", 250.0, "membrane capacitance"},
    {"E_ex", "mV", 0.0, "excitatory reversal potential"},
    {"E_in", "mV", -85.0, "inhibitory reversal potential"},
    {"E_L", "mV", -70.0, "leak reversal potential"},
    {"tau_syn_ex", "ms", 0.2, "excitatory synaptic time constant"},
    {"tau_syn_in", "ms", 2.0, "inhibitory synaptic time constant"},
    {"I_e", "pA", 0.0, "constant input current"},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.0, "membrane potential"},
    {"g_ex", "nS", 0.0, "excitatory conductance"},
    {"g_in", "nS", 0.0, "inhibitory conductance"},
};

static const lyra__param_rule rules[] = {
    {LYRA__POSITIVE, C_M, 0},      {LYRA__POSITIVE, G_L, 0},
    {LYRA__POSITIVE, TAU_EX, 0},   {LYRA__POSITIVE, TAU_IN, 0},
    {LYRA__NONNEGATIVE, T_REF, 0}, {LYRA__LESS, V_RESET, V_TH},
};

static int validate(const double *p, char *err) {
  return lyra__check_rules(&lyra__iaf_cond_exp.info, p, rules,
                           LYRA__N_RULES(rules), err);
}

static void prepare(lyra__pop *p) {
  double h = p->dt;
  p->vars[HALF_EX] = exp(-0.5 * h / p->params[TAU_EX]);
  p->vars[FULL_EX] = exp(-h / p->params[TAU_EX]);
  p->vars[HALF_IN] = exp(-0.5 * h / p->params[TAU_IN]);
  p->vars[FULL_IN] = exp(-h / p->params[TAU_IN]);
  p->refr_steps = lyra__refractory_steps(p->params[T_REF], h);
}

/* Parameters of dV/dt = (a - b V) with conductances ge, gi. */
typedef struct {
  double gl_el, gl, eex, ein, inv_c;
} coeffs;

static inline double dvdt(const coeffs *c, double v, double ge, double gi,
                          double i_ext) {
  return (c->gl_el - c->gl * v - ge * (v - c->eex) - gi * (v - c->ein) +
          i_ext) *
         c->inv_c;
}

/* Pass one of update: integrates every neuron, touching only doubles and
 * without branches, so the compiler vectorises it (it is ~95% of a COBA
 * run). The arrays are restrict parameters because GCC honours restrict
 * only there; otherwise it gives up on the aliasing checks. */
typedef struct step_consts {
  coeffs c;
  double h, he, fe, hi, fi, ie, reset;
} step_consts;

static inline void integrate_body(const step_consts *k, size_t lo, size_t hi,
                                  double *restrict v, double *restrict gex,
                                  double *restrict gin, double *restrict istim,
                                  double *restrict ex, double *restrict inh,
                                  double *restrict cur, double *restrict refr,
                                  const int with_current) {
  const coeffs c = k->c;
  const double h = k->h, he = k->he, fe = k->fe, hi_ = k->hi, fi = k->fi;
  const double ie = k->ie, reset = k->reset;
  for (size_t i = lo; i < hi; i++) {
    const double ge0 = gex[i], gi0 = gin[i];
    const double iext = with_current ? ie + istim[i] : ie;
    const double ge1 = ge0 * fe, gi1 = gi0 * fi;
    const double geh = ge0 * he, gih = gi0 * hi_;
    const double vi = v[i];
    double k1 = dvdt(&c, vi, ge0, gi0, iext);
    double k2 = dvdt(&c, vi + 0.5 * h * k1, geh, gih, iext);
    double k3 = dvdt(&c, vi + 0.5 * h * k2, geh, gih, iext);
    double k4 = dvdt(&c, vi + h * k3, ge1, gi1, iext);
    const double vn = vi + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    /* Refractory: held at V_reset, the integration above discarded. */
    const double ri = refr[i];
    v[i] = ri > 0.0 ? reset : vn;
    refr[i] = ri > 0.0 ? ri - 1.0 : 0.0;
    gex[i] = lyra__flush(ge1) + ex[i];
    gin[i] = lyra__flush(gi1) - inh[i];
    ex[i] = inh[i] = 0.0;
    if (with_current) {
      istim[i] = cur[i];
      cur[i] = 0.0;
    }
  }
}

/* With and without current input: most networks have no dc_generator, and
 * then two of the eight arrays the step touches can be left alone. */
LYRA__HOT
static void integrate(const step_consts *k, size_t lo, size_t hi,
                      double *restrict v, double *restrict gex,
                      double *restrict gin, double *restrict istim,
                      double *restrict ex, double *restrict inh,
                      double *restrict cur, double *restrict refr) {
  integrate_body(k, lo, hi, v, gex, gin, istim, ex, inh, cur, refr, 1);
}

LYRA__HOT
static void integrate_no_current(const step_consts *k, size_t lo, size_t hi,
                                 double *restrict v, double *restrict gex,
                                 double *restrict gin, double *restrict ex,
                                 double *restrict inh, double *restrict refr) {
  integrate_body(k, lo, hi, v, gex, gin, NULL, ex, inh, NULL, refr, 0);
}

/* Pass two finds threshold crossings. Refractory neurons sit at V_reset,
 * below V_th, so the threshold test alone cannot pick them. */
static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double th = p->params[V_TH], reset = p->params[V_RESET];
  const step_consts k = {{p->params[G_L] * p->params[E_L], p->params[G_L],
                          p->params[E_EX], p->params[E_IN],
                          1.0 / p->params[C_M]},
                         p->dt,
                         p->vars[HALF_EX],
                         p->vars[FULL_EX],
                         p->vars[HALF_IN],
                         p->vars[FULL_IN],
                         p->params[I_E],
                         reset};
  double *v = p->state[S_V], *r = p->state[S_REFR];
  if (p->has_current)
    integrate(&k, lo, hi, v, p->state[S_GEX], p->state[S_GIN],
              p->state[S_ISTIM], in[0], in[1], in[2], r);
  else
    integrate_no_current(&k, lo, hi, v, p->state[S_GEX], p->state[S_GIN], in[0],
                         in[1], r);
  lyra__find_spikes(v, r, lo, hi, th, reset, (double)p->refr_steps, out);
}

const lyra__model_desc lyra__iaf_cond_exp = {
    .info =
        {
            .name = "iaf_cond_exp",
            .kind = "neuron",
            .doc = "Leaky integrate-and-fire neuron with exponentially "
                   "decaying synaptic conductances. Inhibitory weights are "
                   "negative (NEST convention).",
            .equations =
                "C_m dV_m/dt = -g_L (V_m - E_L) - g_ex (V_m - E_ex) - g_in "
                "(V_m - E_in) + I_e + I_stim; dg_X/dt = -g_X/tau_syn_X + "
                "sum_k |w_k| delta(t - t_k); V_m >= V_th: spike, V_m = "
                "V_reset, held for t_ref",
            .integration = "conductances exact; V_m by one RK4 step per dt "
                           "with exact conductances at the sub-points",
            .weight_unit = "nS",
            .receptors =
                "excitatory (weight >= 0 or receptor: excitatory) and "
                "inhibitory (weight < 0 or receptor: inhibitory), each "
                "taking the weight's magnitude as a conductance; "
                "current input",
            .n_params = NP,
            .params = params,
            .n_state = 3,
            .state = state,
        },
    .n_spike_ports = 2,
    .n_hidden_state = 2,
    .weight_is_magnitude = 1,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
