/*
 * izhikevich: the simple model of Izhikevich (2003), as NEST's model of
 * the same name: forward Euler on the old values by default
 * (consistent_integration), or the paper's own numerics (two half steps
 * for v, then u with the new v), which the paper ran at 1 ms. Spikes make
 * v jump by their weight in the step they arrive; a current acts from the
 * next step. No refractory period: v is reset to c at the cut-off V_th.
 */
#include "models/models.h"

#include <math.h>

enum { A, B, C, D, V_TH, V_MIN, I_E, CONSISTENT, NP };
enum { S_V, S_U, S_ISTIM };

static const lyra_param_info params[NP] = {
    {"a", "", 0.02, "time scale of the recovery variable u (1/ms)"},
    {"b", "", 0.2, "sensitivity of u to v"},
    {"c", "mV", -65.0, "reset of v after a spike"},
    {"d", "mV", 8.0, "increment of u after a spike"},
    {"V_th", "mV", 30.0, "spike cut-off"},
    {"V_min", "mV", -HUGE_VAL, "lower bound of V_m"},
    {"I_e", "pA", 0.0, "constant input current (R = 1: in mV/ms)"},
    {"consistent_integration", "", 1.0,
     "1: forward Euler on the old v and u; 0: Izhikevich (2003): v in two "
     "half steps, then u with the new v (use dt = 1 ms)"},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -65.0, "membrane potential v"},
    {"U_m", "mV", 0.0, "recovery variable u (NEST starts it at 0, not b v)"},
};

static int validate(const double *p, char *err) {
  double ci = p[CONSISTENT];
  if (ci != 0.0 && ci != 1.0)
    return lyra__errf(err, LYRA_EINVAL,
                      "consistent_integration must be 0 or 1, not %g", ci);
  return lyra__require_less(&lyra__izhikevich.info, p, C, V_TH, err);
}

static void prepare(lyra__pop *p) {
  p->refr_steps = 0;
}

static inline double dv(double v, double u, double i) {
  return 0.04 * v * v + 5.0 * v + 140.0 - u + i;
}

static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const double a = p->params[A], b = p->params[B], c = p->params[C];
  const double d = p->params[D], th = p->params[V_TH];
  const double vmin = p->params[V_MIN], ie = p->params[I_E], h = p->dt;
  const int consistent = p->params[CONSISTENT] != 0.0;
  double *v = p->state[S_V], *u = p->state[S_U], *istim = p->state[S_ISTIM];
  double *spk = in[0], *cur = in[1];
  for (uint32_t k = lo; k < hi; k++) {
    double v0 = v[k], u0 = u[k], i = istim[k] + ie, j = spk[k], v1, u1;
    if (consistent) {
      v1 = v0 + h * dv(v0, u0, i) + j;
      u1 = u0 + h * a * (b * v0 - u0);
    } else {
      /* The paper's numerics: input sits inside both half steps. */
      v1 = v0 + 0.5 * h * (dv(v0, u0, i) + j);
      v1 = v1 + 0.5 * h * (dv(v1, u0, i) + j);
      u1 = u0 + h * a * (b * v1 - u0);
    }
    v1 = v1 < vmin ? vmin : v1;
    if (!isfinite(v1) || !isfinite(u1))
      out->bad = out->bad == LYRA__NO_NEURON ? k : out->bad;
    if (v1 >= th) {
      v1 = c;
      u1 += d;
      out->idx[out->count++] = k;
    }
    v[k] = v1;
    u[k] = u1;
    spk[k] = 0.0;
    istim[k] = cur[k]; /* currents act from the next step, as in NEST */
    cur[k] = 0.0;
  }
}

const lyra__model_desc lyra__izhikevich = {
    .info =
        {
            .name = "izhikevich",
            .kind = "neuron",
            .doc = "Izhikevich (2003) simple spiking model: a quadratic "
                   "membrane with a recovery variable; a, b, c, d select "
                   "regular spiking, fast spiking, chattering, bursting "
                   "and other cortical firing patterns.",
            .equations = "dv/dt = 0.04 v^2 + 5 v + 140 - u + I_e + I_stim; "
                         "du/dt = a (b v - u); each spike adds w to v; "
                         "v >= V_th: spike, v = c, u = u + d; v >= V_min",
            .integration = "forward Euler at dt (consistent_integration "
                           "= 1, NEST's default), or the paper's two half "
                           "steps for v (0)",
            .weight_unit = "mV",
            .receptors =
                "one: every spike adds its weight to v, whatever its sign or "
                "receptor (auto, excitatory, inhibitory); current input",
            .n_params = NP,
            .params = params,
            .n_state = 2,
            .state = state,
        },
    .n_spike_ports = 1,
    .n_hidden_state = 1,
    .validate = validate,
    .prepare = prepare,
    .update = update,
};
