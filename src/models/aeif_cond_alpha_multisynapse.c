/*
 * aeif_cond_alpha_multisynapse: adaptive exponential integrate-and-fire
 * neuron (Brette & Gerstner 2005) with any number of receptor ports, each
 * an alpha-shaped conductance with its own reversal potential E_rev[k]
 * and time constant tau_syn[k], as NEST's model of the same name. A spike
 * of weight W on port k adds W e / tau_syn[k] to dg_k, so that g_k peaks
 * at W nS tau_syn[k] after it; whether a port excites or inhibits is up
 * to its E_rev. Weights are conductances and must be >= 0. The step and
 * the spike handling are the other AdEx models' (models/aeif.h).
 */
#include "models/aeif.h"

#include <math.h>
#include <stdlib.h>

enum { E_REV = AEIF_NP, TAU_SYN, NP };
enum { S_V, S_W };
enum { PORT_G, PORT_DG };                            /* per-port state */
enum { PV_E_REV, PV_INV_TAU, PV_JUMP, N_PORT_VARS }; /* per-port constants */

static const lyra_param_info params[NP] = {
    LYRA__AEIF_PARAMS,
    {"E_rev", "mV", 0.0,
     "reversal potential of each receptor port (port k: element k)", 1, NULL},
    {"tau_syn", "ms", 2.0,
     "alpha time constant (rise time) of each receptor port", 1, NULL},
};

static const lyra_param_info state[] = {
    {"V_m", "mV", -70.6, "membrane potential"},
    {"w", "pA", 0.0, "adaptation current"},
};

static const lyra_param_info port_state[] = {
    {"g", "nS", 0.0, "conductance of receptor port k (g_k)"},
    {"dg", "nS/ms", 0.0, "derivative of g_k"},
};

static const aeif_syn no_syn = {-1, -1, -1, -1, -1};

typedef struct ms_ctx {
  aeif_ctx a; /* first: aeif.h reads it */
  int n_ports;
  const double *pv; /* [n_ports * N_PORT_VARS] */
} ms_ctx;

/* y = (V_m, w, dg_1, g_1, ..., dg_n, g_n); I_syn = sum_k g_k (E_rev_k -
 * V), V the effective potential of aeif.h. */
LYRA__INLINE void rhs(const void *vc, const double *y, double *f) {
  const ms_ctx *c = vc;
  const double v = aeif_veff(&c->a, y[0]);
  double i_syn = 0.0;
  for (int k = 0; k < c->n_ports; k++) {
    const double *pv = c->pv + k * N_PORT_VARS;
    const double dg = y[2 + 2 * k], g = y[3 + 2 * k];
    i_syn += g * (pv[PV_E_REV] - v);
    f[2 + 2 * k] = -dg * pv[PV_INV_TAU];
    f[3 + 2 * k] = dg - g * pv[PV_INV_TAU];
  }
  aeif_membrane(&c->a, v, y[1], i_syn, &f[0], &f[1]);
}

static int validate(const double *p, char *err) {
  return lyra__aeif_validate(&lyra__aeif_cond_alpha_multisynapse.info, p,
                             &no_syn, err);
}

static int validate_lists(const double *p, const double *const *lists,
                          uint32_t n, char *err) {
  (void)p;
  return lyra__require_positive_list(&lyra__aeif_cond_alpha_multisynapse.info,
                                     lists, n, TAU_SYN, err);
}

static void prepare(lyra__pop *p) {
  lyra__aeif_prepare(p);
  for (int k = 0; k < p->n_spike_ports; k++) {
    double *pv = lyra__port_vars(p, k), tau = p->lists[TAU_SYN][k];
    pv[PV_E_REV] = p->lists[E_REV][k];
    pv[PV_INV_TAU] = 1.0 / tau;
    pv[PV_JUMP] = exp(1.0) / tau;
  }
}

/* The ODE system has 2 + 2n variables: up to three ports fit the stack
 * scratch of rkf45.h, more take one heap block per call. */
static void update(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                   lyra__spike_out *out) {
  const int np = p->n_spike_ports, n = 2 + 2 * np;
  ms_ctx c = {lyra__aeif_context(p, &no_syn), np, p->port_vars};
  const lyra__ode_kind k = {.n = n, .rhs = rhs};
  double stack_buf[12 * LYRA__RK_MAX];
  double *buf = n <= LYRA__RK_MAX
                    ? stack_buf
                    : lyra__malloc(lyra__mul_size(12 * (size_t)n, sizeof *buf));
  if (!buf) {
    out->rc = LYRA_ENOMEM;
    return;
  }
  lyra__rk_work w;
  lyra__rk_work_init(&w, buf, n);
  double *y = buf + 11 * n;
  const int nv = (int)p->model->info.n_state;
  double *v = p->state[S_V], *wa = p->state[S_W];
  double *istim = p->state[nv + ODE_H_ISTIM];
  double *refr = p->state[nv + ODE_H_REFR];
  double *hstep = p->state[nv + ODE_H_STEP];
  double *cur = in[np];
  for (uint32_t i = lo; i < hi; i++) {
    y[0] = v[i];
    y[1] = wa[i];
    for (int q = 0; q < np; q++) {
      y[2 + 2 * q] = lyra__port_state(p, q, PORT_DG)[i];
      y[3 + 2 * q] = lyra__port_state(p, q, PORT_G)[i];
    }
    c.a.com.i_ext = c.a.com.i_e + istim[i];
    int spikes = aeif_step(&c, &k, y, &refr[i], &hstep[i], &w);
    if (spikes < 0 && out->bad == LYRA__NO_NEURON)
      out->bad = i;
    v[i] = y[0];
    wa[i] = y[1];
    for (int q = 0; q < np; q++) {
      lyra__port_state(p, q, PORT_DG)[i] =
          y[2 + 2 * q] + p->port_vars[q * N_PORT_VARS + PV_JUMP] * in[q][i];
      lyra__port_state(p, q, PORT_G)[i] = y[3 + 2 * q];
      in[q][i] = 0.0;
    }
    istim[i] = cur[i];
    cur[i] = 0.0;
    if (spikes > 0)
      out->idx[out->count++] = i;
  }
  if (buf != stack_buf)
    free(buf);
}

const lyra__model_desc lyra__aeif_cond_alpha_multisynapse = {
    .info =
        {
            .name = "aeif_cond_alpha_multisynapse",
            .kind = "neuron",
            .doc = "Adaptive exponential integrate-and-fire neuron (AdEx, "
                   "Brette & Gerstner 2005) with any number of receptor "
                   "ports, each an alpha-shaped conductance with its own "
                   "reversal potential and time constant (NEST's "
                   "aeif_cond_alpha_multisynapse).",
            .equations =
                "C_m dV_m/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) "
                "/ Delta_T) + sum_k g_k (E_rev[k] - V) - w + I_e + I_stim "
                "with V = min(V_m, V_peak); tau_w dw/dt = a (V - E_L) - w; "
                "d(dg_k)/dt = -dg_k / tau_syn[k] + (e / tau_syn[k]) sum_j "
                "w_j delta(t - t_j) over the spikes on port k, dg_k/dt = "
                "dg_k - g_k / tau_syn[k]; V_m >= V_peak: spike, V_m = "
                "V_reset, w = w + b, V_m held at V_reset for t_ref",
            .integration = AEIF_INTEGRATION_DOC,
            .weight_unit = "nS",
            .n_params = NP,
            .params = params,
            .n_state = 2,
            .state = state,
            .receptors = "1..n, one per element of E_rev and tau_syn "
                         "(receptor: k); weights are conductances, >= 0; "
                         "per-port state g_1 .. g_n; current input",
        },
    .n_spike_ports = 0, /* one port per element of E_rev / tau_syn */
    .n_hidden_state = ODE_N_HIDDEN,
    .n_port_state = 2,
    .n_port_visible = 1,
    .port_state = port_state,
    .n_port_vars = N_PORT_VARS,
    .nonnegative_weights = 1,
    .validate = validate,
    .validate_lists = validate_lists,
    .prepare = prepare,
    .update = update,
};
