/*
 * Single-neuron validation: every model, one neuron, driven by I_e or by
 * devices through the public API only, compared step by step with
 * closed-form solutions (current-based models, whose integration is exact)
 * or with an independent, much finer integration (iaf_cond_exp).
 *
 * Time conventions of the engine, read from src/engine/simulate.c,
 * src/engine/devices.c and the model files in src/models, and used by
 * every reference below. Step s advances the state from s*h to (s+1)*h;
 * after N calls of simulate(h) the state read is the state at t = N*h
 * ("readout N").
 *  - spike_generator: a spike at time t_s is emitted in step
 *    e = round(t_s/h) - 1 and, with a delay of D = round(d/h) steps, is
 *    added to the input port read in step a = e + D.
 *  - In step a the model first updates V_m from the state at a*h, then
 *    adds the input to the synaptic state (iaf_psc_exp/alpha, cond_exp),
 *    or adds the weight to V_m directly (iaf_psc_delta).
 *  - So with T0 = t_s + d = (a + 1)*h: iaf_psc_delta jumps by w at
 *    readout T0; the synaptic current/conductance of the other models
 *    starts at T0 (it has its jump value in readout T0) and V_m leaves
 *    rest from readout T0 + h on. For every model the response is
 *    PSP(t - T0) with PSP the continuous closed form (PSP(0) = w for
 *    delta, 0 for the others) and PSP = 0 for t < T0.
 *  - dc_generator (start, stop, delay d): emission steps
 *    e in [ceil(start/h), ceil(stop/h)); the current is written into the
 *    current port read in step e + D and used by the model in the next
 *    step e + D + 1. The current therefore acts on [start + d + h,
 *    stop + d + h).
 *
 * Tolerances for the exact models: relative 1e-9 on V_m - E_L, with an
 * absolute floor of 1e-11 mV (1e-9 of 0.01 mV). The floor is needed
 * because V_m is stored as an absolute potential near -70 mV, where the
 * spacing of doubles is 1.4e-14 mV and each step rounds afresh; these
 * roundings decay with P33 = exp(-h/tau_m), so they add up to at most
 * ulp/(1 - P33) ~ 1.4e-12 mV. A one-step timing error or a wrong
 * propagator is off by 1e-3 relative or more.
 */
#include "lyra.h"
#include "models/aeif_rk4.h"
#include "neuron_test.h"
#include "test.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DT 0.1

/* ------------------------------------------------------------------ */
/* Set-up helpers                                                      */
/* ------------------------------------------------------------------ */

/* A model with dt = h and one population "n" of one neuron (index 0). */
static lyra_model *single_h(const char *model, double h) {
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  if (!m)
    return NULL;
  CHECK(lyra_model_set_dt(m, h) == 0);
  int pop = -1;
  CHECK(lyra_model_add_population(m, "n", model, 1, &pop) == 0);
  CHECK(pop == 0);
  return m;
}

static lyra_model *single(const char *model) {
  return single_h(model, DT);
}

static void set(lyra_model *m, const char *param, double value) {
  if (lyra_model_set_param(m, 0, param, value) != 0)
    test_fail(__FILE__, __LINE__, "set %s: %s", param, lyra_model_errmsg(m));
}

static void set_v0(lyra_model *m, double v) {
  lyra_dist d = lyra_dist_constant(v);
  CHECK(lyra_model_set_initial(m, 0, "V_m", &d) == 0);
}

/* A spike_generator with the given times, connected with weight w. */
static void add_spikes(lyra_model *m, const double *t, size_t n, double w,
                       double delay) {
  int dev = -1;
  CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
  CHECK(lyra_model_set_device_spike_times(m, dev, t, n) == 0);
  CHECK(lyra_model_connect_device(m, dev, 0, w, delay, LYRA_RECEPTOR_AUTO) ==
        0);
}

static void add_dc(lyra_model *m, double amplitude, double start, double stop,
                   double delay) {
  int dev = -1;
  CHECK(lyra_model_add_device(m, "dc_generator", &dev) == 0);
  CHECK(lyra_model_set_device_param(m, dev, "amplitude", amplitude) == 0);
  CHECK(lyra_model_set_device_param(m, dev, "start", start) == 0);
  CHECK(lyra_model_set_device_param(m, dev, "stop", stop) == 0);
  CHECK(lyra_model_connect_device(m, dev, 0, 1.0, delay, LYRA_RECEPTOR_AUTO) ==
        0);
}

static void step_h(lyra_network *net, double h) {
  CHECK(lyra_network_simulate(net, h, NULL, NULL) == 0);
}

static void step(lyra_network *net) {
  step_h(net, DT);
}

static uint64_t spike_count(const lyra_network *net) {
  lyra_pop_stats st;
  CHECK(lyra_network_population_stats(net, 0, &st) == 0);
  return st.spikes;
}

/* Tolerance on V_m - E_L for the exact models (see the file comment). */
static double tol_exact(double ref) {
  return 1e-9 * fmax(fabs(ref), 1e-2);
}

/* ------------------------------------------------------------------ */
/* Closed-form responses (V_m - E_L, mV) of a neuron at rest to one     */
/* input at t = 0; zero for t < 0.                                     */
/* ------------------------------------------------------------------ */

/* Constant current I (pA) switched on at t = 0: I R (1 - exp(-t/tau)). */
static double dc_response(double i, double c_m, double tau_m, double t) {
  return t <= 0 ? 0.0 : i * tau_m / c_m * -expm1(-t / tau_m);
}

/* Delta synapse: jump of w (mV), then decay with tau_m. */
static double psp_delta(double w, double tau_m, double t) {
  return t < 0 ? 0.0 : w * exp(-t / tau_m);
}

/* Alpha current I(t) = A t exp(-t/tau_s), A = w e/tau_s (peak w at tau_s).
 * With a = 1/tau_m - 1/tau_s:
 *   V(t) = A/C_m exp(-t/tau_m) int_0^t u exp(a u) du
 *        = A/(C_m a^2) (exp(-t/tau_m) - exp(-t/tau_s) (1 - a t)),
 * (check: V' + V/tau_m = A/C_m t exp(-t/tau_s), V(0) = 0), and for
 * tau_s = tau_m = tau (a = 0): V = A/C_m t^2/2 exp(-t/tau). The
 * cancellation at small t costs ~1e-16/(a t)^2 relative: 1e-13 at one
 * step for the parameters used here. */
static double psp_alpha(double w, double c_m, double tau_m, double tau_s,
                        double t) {
  if (t <= 0)
    return 0.0;
  double amp = w * exp(1.0) / tau_s;
  if (tau_s == tau_m)
    return amp / c_m * 0.5 * t * t * exp(-t / tau_m);
  double a = 1.0 / tau_m - 1.0 / tau_s;
  return amp / (c_m * a * a) *
         (exp(-t / tau_m) - exp(-t / tau_s) * (1.0 - a * t));
}

/* Synaptic currents (pA) themselves. */
static double isyn_exp(double w, double tau_s, double t) {
  return t < 0 ? 0.0 : w * exp(-t / tau_s);
}
static double isyn_alpha(double w, double tau_s, double t) {
  return t < 0 ? 0.0 : w * exp(1.0) / tau_s * t * exp(-t / tau_s);
}

enum { DELTA, EXP, ALPHA };
static const char *const psc_models[] = {"iaf_psc_delta", "iaf_psc_exp",
                                         "iaf_psc_alpha"};

/* The PSP of psc model `kind` for weight w through a synapse with time
 * constant tau_s (ignored for delta). */
static double psp(int kind, double w, double c_m, double tau_m, double tau_s,
                  double t) {
  switch (kind) {
  case DELTA:
    return psp_delta(w, tau_m, t);
  case EXP:
    return psp_exp(w, c_m, tau_m, tau_s, t);
  default:
    return psp_alpha(w, c_m, tau_m, tau_s, t);
  }
}

/* ------------------------------------------------------------------ */
/* 1a. DC via I_e from t = 0                                           */
/* ------------------------------------------------------------------ */

TEST(neuron_psc_dc_ie_closed_form) {
  const double e_l = -65.0, c_m = 200.0, tau_m = 12.5, i_e = 330.0;
  for (int kind = DELTA; kind <= ALPHA; kind++) {
    lyra_model *m = single(psc_models[kind]);
    set(m, "E_L", e_l);
    set(m, "C_m", c_m);
    set(m, "tau_m", tau_m);
    set(m, "I_e", i_e);
    set(m, "V_th", 1000.0);
    set_v0(m, e_l);
    lyra_network *net = build(m);
    if (!net)
      continue;
    maxerr e = maxerr_init();
    for (long n = 1; n <= 500; n++) { /* 50 ms = 4 tau_m */
      step(net);
      double want = dc_response(i_e, c_m, tau_m, n * DT);
      maxerr_add(&e, n, get(net, "V_m") - e_l, want, tol_exact(want));
    }
    CHECK_MAXERR(e, psc_models[kind]);
    CHECK_EQ_INT(spike_count(net), 0);
    lyra_network_destroy(net);
  }
}

/* ------------------------------------------------------------------ */
/* 1b. One input spike                                                  */
/* ------------------------------------------------------------------ */

/* One spike of weight w at t_s with delay d into a neuron at rest; V_m,
 * I_syn_ex and I_syn_in compared with the closed forms at every readout
 * over 60 ms. */
static void check_one_spike(int kind, double w, double tau_ex, double tau_in,
                            const char *what) {
  const double e_l = -65.0, c_m = 250.0, tau_m = 10.0;
  const double t_s = 2.0, d = 1.5, t0 = t_s + d; /* onset, see top */
  lyra_model *m = single(psc_models[kind]);
  set(m, "E_L", e_l);
  set(m, "C_m", c_m);
  set(m, "tau_m", tau_m);
  set(m, "V_th", 1000.0);
  if (kind != DELTA) {
    set(m, "tau_syn_ex", tau_ex);
    set(m, "tau_syn_in", tau_in);
  }
  set_v0(m, e_l);
  add_spikes(m, &t_s, 1, w, d);
  lyra_network *net = build(m);
  if (!net)
    return;
  const double tau_s = w >= 0 ? tau_ex : tau_in;
  maxerr ev = maxerr_init(), ei = maxerr_init(), eo = maxerr_init();
  for (long n = 1; n <= 600; n++) {
    step(net);
    double t = n * DT - t0;
    /* t is k*h up to rounding; snap so that the onset test is exact. */
    t = round(t / DT) * DT;
    double want = psp(kind, w, c_m, tau_m, tau_s, t);
    maxerr_add(&ev, n, get(net, "V_m") - e_l, want, tol_exact(want));
    if (kind != DELTA) {
      double isyn =
          kind == EXP ? isyn_exp(w, tau_s, t) : isyn_alpha(w, tau_s, t);
      const char *port = w >= 0 ? "I_syn_ex" : "I_syn_in";
      const char *other = w >= 0 ? "I_syn_in" : "I_syn_ex";
      maxerr_add(&ei, n, get(net, port), isyn,
                 1e-9 * fmax(fabs(isyn), 1e-3 * fabs(w)));
      maxerr_add(&eo, n, get(net, other), 0.0, 1e-300);
    }
  }
  char msg[128];
  snprintf(msg, sizeof msg, "%s %s V_m", psc_models[kind], what);
  CHECK_MAXERR(ev, msg);
  snprintf(msg, sizeof msg, "%s %s I_syn of the port", psc_models[kind], what);
  CHECK_MAXERR(ei, msg);
  snprintf(msg, sizeof msg, "%s %s I_syn of the other port", psc_models[kind],
           what);
  CHECK_MAXERR(eo, msg);
  CHECK_EQ_INT(spike_count(net), 0);
  lyra_network_destroy(net);
}

TEST(neuron_psc_delta_one_spike) {
  check_one_spike(DELTA, 0.7, 0, 0, "excitatory");
  check_one_spike(DELTA, -1.3, 0, 0, "inhibitory");
}

/* With equal time constants on both ports, a negative weight gives the
 * exact mirror image of the positive one. */
TEST(neuron_psc_inhibitory_mirrors_excitatory) {
  const double t_s = 1.0;
  const double w[] = {2.5, 100.0, 100.0}; /* mV, pA, pA */
  for (int kind = DELTA; kind <= ALPHA; kind++) {
    double v[2][300];
    for (int sgn = 0; sgn < 2; sgn++) {
      lyra_model *m = single(psc_models[kind]);
      set(m, "V_th", 1000.0);
      add_spikes(m, &t_s, 1, sgn ? -w[kind] : w[kind], 1.0);
      lyra_network *net = build(m);
      if (!net)
        return;
      for (int n = 0; n < 300; n++) {
        step(net);
        v[sgn][n] = get(net, "V_m") + 70.0;
      }
      lyra_network_destroy(net);
    }
    /* t_s + d = 2 ms: readout 20 (index 19) */
    CHECK(v[0][18] == 0.0);
    if (kind == DELTA)
      CHECK(v[0][19] == 2.5);
    else
      CHECK(v[0][19] == 0.0 && v[0][20] > 0.0);
    for (int n = 0; n < 300; n++)
      CHECK_NEAR(v[1][n], -v[0][n], 1e-13);
  }
}

TEST(neuron_psc_exp_one_spike) {
  /* Different time constants so that a swapped port shows. */
  check_one_spike(EXP, 80.0, 2.0, 5.0, "excitatory");
  check_one_spike(EXP, -120.0, 2.0, 5.0, "inhibitory");
}

/* tau_syn == tau_m: the propagator's x = 0 branch. */
TEST(neuron_psc_exp_one_spike_tau_syn_equals_tau_m) {
  check_one_spike(EXP, 60.0, 10.0, 10.0, "excitatory tau_s = tau_m");
  check_one_spike(EXP, -60.0, 3.0, 10.0, "inhibitory tau_s = tau_m");
}

TEST(neuron_psc_alpha_one_spike) {
  /* tau_syn_ex = 2 ms: h|1/tau_m - 1/tau_s| = 0.04, series branch of the
   * propagator; tau_syn_in = 0.15 ms: 0.57, closed-form branch. */
  check_one_spike(ALPHA, 80.0, 2.0, 0.15, "excitatory");
  check_one_spike(ALPHA, -300.0, 2.0, 0.15, "inhibitory");
  check_one_spike(ALPHA, -120.0, 2.0, 5.0, "inhibitory tau 5");
}

/* tau_syn == tau_m: the singular case of the alpha kernel. */
TEST(neuron_psc_alpha_one_spike_tau_syn_equals_tau_m) {
  check_one_spike(ALPHA, 50.0, 10.0, 2.0, "excitatory tau_s = tau_m");
  check_one_spike(ALPHA, -50.0, 2.0, 10.0, "inhibitory tau_s = tau_m");
}

/* ------------------------------------------------------------------ */
/* 1c. dc_generator step                                                */
/* ------------------------------------------------------------------ */

/* Response of a neuron at rest to a current step acting from t_on for a
 * duration `len`, at t_on + t: the rise as dc_response, then exponential
 * decay from the value at t_on + len. tau is the membrane time constant,
 * r the input resistance. */
static double dc_pulse(double i, double r, double tau, double len, double t) {
  if (t <= 0)
    return 0.0;
  if (t <= len)
    return i * r * -expm1(-t / tau);
  return i * r * -expm1(-len / tau) * exp(-(t - len) / tau);
}

TEST(neuron_dc_generator_onset_and_offset) {
  const double amp = 150.0, start = 5.0, stop = 25.0, d = 1.0;
  /* Emission steps [50, 250), arrival 60..259, used in steps 61..260:
   * the current acts on [start + d + h, stop + d + h) = [6.1, 26.1), i.e.
   * from readout 61 (V_m still at rest) to readout 261. */
  const long n_on = lround((start + d) / DT) + 1;
  const long n_off = lround((stop + d) / DT) + 1;
  for (int kind = DELTA; kind <= ALPHA + 1; kind++) {
    int cond = kind == ALPHA + 1;
    const char *name = cond ? "iaf_cond_exp" : psc_models[kind];
    lyra_model *m = single(name);
    double e_l = -70.0, r, tau;
    set(m, "V_th", 1000.0);
    if (cond) {
      /* Linear with g_ex = g_in = 0: tau = C/g_L, R = 1/g_L. RK4's error
       * for this linear constant-coefficient ODE is analysed in
       * neuron_cond_exp_dc_ie_closed_form: below 1e-11 relative here. */
      const double g_l = 16.6667, c_m = 250.0;
      r = 1.0 / g_l;
      tau = c_m / g_l;
    } else {
      e_l = -65.0;
      set(m, "E_L", e_l);
      set(m, "C_m", 250.0);
      set(m, "tau_m", 10.0);
      set_v0(m, e_l);
      r = 10.0 / 250.0;
      tau = 10.0;
    }
    add_dc(m, amp, start, stop, d);
    lyra_network *net = build(m);
    if (!net)
      continue;
    maxerr e = maxerr_init();
    for (long n = 1; n <= 500; n++) {
      step(net);
      double want = dc_pulse(amp, r, tau, (n_off - n_on) * DT, (n - n_on) * DT);
      maxerr_add(&e, n, get(net, "V_m") - e_l, want, tol_exact(want));
      if (n == 61) /* readout 6.1 ms: the current has not acted yet */
        CHECK(get(net, "V_m") == e_l);
    }
    CHECK_MAXERR(e, name);
    lyra_network_destroy(net);
  }
}

/* ------------------------------------------------------------------ */
/* 2. f-I curve of iaf_psc_delta                                        */
/* ------------------------------------------------------------------ */

/* Steps for y(t) = y_inf + (y0 - y_inf) exp(-t/tau) to reach th: the
 * propagators are exact, so the discrete V_m equals y(k h) and the first
 * k with y(k h) >= th is ceil(T/h), T = tau ln((y_inf - y0)/(y_inf - th)).
 * The case must be well posed: T/h not within 1e-6 of an integer. */
static long steps_to_threshold(double y0, double y_inf, double th, double tau,
                               double h) {
  double k = tau * log((y_inf - y0) / (y_inf - th)) / h;
  CHECK(fabs(k - round(k)) > 1e-6);
  return (long)ceil(k);
}

TEST(neuron_psc_delta_fi_curve) {
  const double e_l = -70.0, c_m = 250.0, tau_m = 10.0, t_ref = 2.0;
  const double v_th = -55.0, v_reset = -68.0, t_sim = 2000.0;
  const double r_in = tau_m / c_m; /* GOhm: pA -> mV */
  const double th = v_th - e_l, reset = v_reset - e_l;
  /* Rheobase (V_th - E_L)/R = 375 pA. */
  const double currents[] = {370.0, 376.0, 400.0, 500.0, 650.0, 1000.0, 2000.0};
  for (size_t c = 0; c < sizeof currents / sizeof *currents; c++) {
    const double i_e = currents[c], y_inf = r_in * i_e;
    lyra_model *m = single("iaf_psc_delta");
    set(m, "E_L", e_l);
    set(m, "C_m", c_m);
    set(m, "tau_m", tau_m);
    set(m, "t_ref", t_ref);
    set(m, "V_th", v_th);
    set(m, "V_reset", v_reset);
    set(m, "I_e", i_e);
    set_v0(m, e_l);
    lyra_network *net = build(m);
    if (!net)
      continue;
    CHECK(lyra_network_simulate(net, t_sim, NULL, NULL) == 0);
    lyra_pop_stats st;
    CHECK(lyra_network_population_stats(net, 0, &st) == 0);
    const long n_steps = 20000;
    if (y_inf <= th) {
      CHECK_EQ_INT(st.spikes, 0);
      double want = dc_response(i_e, c_m, tau_m, t_sim);
      CHECK_REL(get(net, "V_m") - e_l, want, 1e-9, 1e-2);
      lyra_network_destroy(net);
      continue;
    }
    /* Discrete expectation. From rest the first spike is in readout m0;
     * after a spike in readout k, V_m is clamped at V_reset for readouts
     * k .. k + n_ref (the spike step and n_ref = t_ref/h refractory
     * steps), then integrates from V_reset and crosses m steps later:
     * every interval is n_ref + m steps. Spikes in readouts <= n_steps:
     * floor((n_steps - m0)/(n_ref + m)) + 1. */
    const long n_ref = lround(t_ref / DT);
    const long m0 = steps_to_threshold(0.0, y_inf, th, tau_m, DT);
    const long m1 = steps_to_threshold(reset, y_inf, th, tau_m, DT);
    const long isi = n_ref + m1;
    const long want = m0 <= n_steps ? (n_steps - m0) / isi + 1 : 0;
    if ((long)st.spikes != want)
      test_fail(__FILE__, __LINE__,
                "I_e %g pA: %llu spikes, discrete expectation %ld", i_e,
                (unsigned long long)st.spikes, want);
    CHECK_NEAR(st.rate_hz, want / (t_sim * 1e-3), 1e-9);
    if (want >= 3) /* all intervals equal, in whole steps */
      CHECK_NEAR(st.cv_isi, 0.0, 1e-12);
    /* Continuous f-I curve: the discrete interval exceeds the continuous
     * one, t_ref + tau ln((RI - (V_reset - E_L))/(RI - (V_th - E_L))), by
     * less than h (the crossing is rounded up to the grid), so the rates
     * differ by less than f h/ISI; counting over a finite window (and the
     * first interval starting from E_L without refractoriness) adds at
     * most 2 spikes / 2 s. */
    const double isi_c = t_ref + tau_m * log((y_inf - reset) / (y_inf - th));
    const double f_c = 1e3 / isi_c;
    CHECK_NEAR(st.rate_hz, f_c, f_c * DT / isi_c + 2.0 / (t_sim * 1e-3));
    CHECK(isi * DT >= isi_c && isi * DT < isi_c + DT);
    lyra_network_destroy(net);
  }
}

/* The spike count alone would not show a shift of all spikes by a step:
 * the first spike from rest, readout by readout, is in readout
 * ceil(T/h), T = tau ln(RI/(RI - (V_th - E_L))), and V_m is V_reset
 * there. */
TEST(neuron_psc_delta_first_spike_time) {
  const double i_e = 500.0; /* R I = 20 mV */
  lyra_model *m = single("iaf_psc_delta");
  set(m, "I_e", i_e);
  lyra_network *net = build(m);
  if (!net)
    return;
  /* Defaults: E_L = V_reset = -70, V_th = -55, tau 10, C 250. */
  const long m0 = steps_to_threshold(0.0, 20.0, 15.0, 10.0, DT);
  for (long n = 1; n <= m0; n++) {
    step(net);
    CHECK_EQ_INT(spike_count(net), n == m0);
  }
  CHECK(get(net, "V_m") == -70.0);
  lyra_network_destroy(net);
}

/* The threshold is inclusive (V_m >= V_th, as NEST): a delta input that
 * lands exactly on V_th fires, one a hair below does not. With E_L = -70
 * and V_th = -55 the threshold is exactly 15 mV above rest, and a neuron
 * at rest receiving 15 mV holds exactly 15 (0 * P33 + 15). */
TEST(neuron_psc_delta_threshold_inclusive) {
  const double t_s = 1.0, w[] = {15.0, 14.999999999};
  for (int k = 0; k < 2; k++) {
    lyra_model *m = single("iaf_psc_delta");
    add_spikes(m, &t_s, 1, w[k], 1.0);
    lyra_network *net = build(m);
    if (!net)
      return;
    CHECK(lyra_network_simulate(net, 5.0, NULL, NULL) == 0);
    CHECK_EQ_INT(spike_count(net), k == 0);
    lyra_network_destroy(net);
  }
}

/* ------------------------------------------------------------------ */
/* 3. iaf_cond_exp                                                      */
/* ------------------------------------------------------------------ */

TEST(neuron_cond_exp_dc_ie_closed_form) {
  /* Without synaptic input, C V' = -g_L (V - E_L) + I_e: V_inf = E_L +
   * I_e/g_L, tau = C/g_L. The model's RK4 step multiplies V - V_inf by
   * R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24, z = -h g_L/C, instead of
   * exp(z); for -1 < z < 0 the alternating series gives
   * |R(z) - exp(z)| <= |z|^5/120, hence after k steps
   * |R^k - exp(k z)| <= k |z|^5/120 (both factors <= 1). Tolerance: that
   * bound times |V0 - V_inf|, plus 1e-11 mV for rounding (see the top).
   * With z = -6.7e-3 this is below 1e-11 relative. */
  const double g_l = 16.6667, c_m = 250.0, e_l = -70.0, i_e = 200.0;
  const double v_inf = e_l + i_e / g_l, tau = c_m / g_l;
  const double z = -DT * g_l / c_m;
  lyra_model *m = single("iaf_cond_exp");
  set(m, "V_th", 1000.0);
  set(m, "I_e", i_e);
  lyra_network *net = build(m);
  if (!net)
    return;
  maxerr e = maxerr_init(), erel = maxerr_init();
  for (long k = 1; k <= 1000; k++) {
    step(net);
    double v = get(net, "V_m");
    double want = v_inf + (e_l - v_inf) * exp(-k * DT / tau);
    double bound = fabs(e_l - v_inf) * k * pow(-z, 5) / 120.0 + 1e-11;
    maxerr_add(&e, k, v, want, bound);
    maxerr_add(&erel, k, v - e_l, want - e_l, tol_exact(want - e_l));
  }
  CHECK_MAXERR(e, "cond_exp DC vs RK4 truncation bound");
  CHECK_MAXERR(erel, "cond_exp DC, 1e-9 relative");
  lyra_network_destroy(net);
}

/* Independent reference for iaf_cond_exp: classical RK4 on the full
 * system (V, g_ex, g_in), conductances integrated too (not taken exact),
 * in long double, with a step 1000 times finer than the model's. */
typedef struct {
  long double g_l, c_m, e_l, e_ex, e_in, tau_ex, tau_in, i_e;
} cond_par;
typedef struct {
  long double v, ge, gi;
} cond_state;

static cond_state cond_deriv(const cond_par *p, cond_state s) {
  cond_state d;
  d.v = (-p->g_l * (s.v - p->e_l) - s.ge * (s.v - p->e_ex) -
         s.gi * (s.v - p->e_in) + p->i_e) /
        p->c_m;
  d.ge = -s.ge / p->tau_ex;
  d.gi = -s.gi / p->tau_in;
  return d;
}

static cond_state cond_axpy(cond_state s, long double a, cond_state d) {
  cond_state r = {s.v + a * d.v, s.ge + a * d.ge, s.gi + a * d.gi};
  return r;
}

static void cond_ref_advance(const cond_par *p, cond_state *s, double h,
                             int n) {
  const long double hf = (long double)h / n;
  for (int i = 0; i < n; i++) {
    cond_state k1 = cond_deriv(p, *s);
    cond_state k2 = cond_deriv(p, cond_axpy(*s, hf / 2, k1));
    cond_state k3 = cond_deriv(p, cond_axpy(*s, hf / 2, k2));
    cond_state k4 = cond_deriv(p, cond_axpy(*s, hf, k3));
    s->v += hf / 6 * (k1.v + 2 * k2.v + 2 * k3.v + k4.v);
    s->ge += hf / 6 * (k1.ge + 2 * k2.ge + 2 * k3.ge + k4.ge);
    s->gi += hf / 6 * (k1.gi + 2 * k2.gi + 2 * k3.gi + k4.gi);
  }
}

/* Runs iaf_cond_exp (defaults but the given tau_syn_ex/in, I_e, V_th high)
 * with one spike of weight w (nS, negative: inhibitory) at t_s = 2 ms,
 * delay 1.5 ms, for 60 ms at step h, and returns the largest |V_m -
 * reference| over readouts; also checks g_ex/g_in against the exact
 * exponential. */
static double cond_one_spike_error(double w, double tau_ex, double tau_in,
                                   double i_e, double h) {
  const double t_s = 2.0, d = 1.5;
  cond_par p = {.g_l = 16.6667L, .c_m = 250.0L, .e_l = -70.0L, .e_ex = 0.0L};
  p.e_in = -85.0L;
  p.tau_ex = (long double)tau_ex;
  p.tau_in = (long double)tau_in;
  p.i_e = (long double)i_e;
  lyra_model *m = single_h("iaf_cond_exp", h);
  set(m, "V_th", 1000.0);
  set(m, "tau_syn_ex", tau_ex);
  set(m, "tau_syn_in", tau_in);
  set(m, "I_e", i_e);
  add_spikes(m, &t_s, 1, w, d);
  lyra_network *net = build(m);
  if (!net)
    return (double)INFINITY;
  const long n_steps = lround(60.0 / h), n_onset = lround((t_s + d) / h);
  cond_state s = {-70.0L, 0.0L, 0.0L};
  double worst = 0.0;
  maxerr eg = maxerr_init();
  for (long n = 1; n <= n_steps; n++) {
    if (n - 1 == n_onset) { /* conductance jump at T0 = t_s + d */
      if (w >= 0)
        s.ge += (long double)w;
      else
        s.gi += (long double)-w;
    }
    cond_ref_advance(&p, &s, h, 1000);
    step_h(net, h);
    double err = fabs(get(net, "V_m") - (double)s.v);
    worst = err > worst || isnan(err) ? err : worst;
    /* Conductances decay exactly in the model. */
    double t = (n - n_onset) * h, g = n >= n_onset ? fabs(w) : 0.0;
    double tau_s = w >= 0 ? tau_ex : tau_in;
    double g_want = g * exp(-t / tau_s);
    maxerr_add(&eg, n, get(net, w >= 0 ? "g_ex" : "g_in"), g_want,
               1e-12 * fmax(g_want, 1e-3));
    maxerr_add(&eg, n, get(net, w >= 0 ? "g_in" : "g_ex"), 0.0, 1e-300);
  }
  CHECK_MAXERR(eg, "cond_exp conductances");
  CHECK_EQ_INT(spike_count(net), 0);
  lyra_network_destroy(net);
  return worst;
}

/* Leading-order estimate of RK4's error for the conductance-driven part:
 * over one step the forcing f(t) = g(t) (E - V)/C_m, g = g0
 * exp(-t/tau_s), is integrated as by Simpson's rule (RK4 reduces to it
 * for a forcing that does not depend on V), whose error is h^5/2880
 * |f''''| with |f''''| ~ g0 |E - V|/(C_m tau_s^4) exp(-t/tau_s); summed
 * over the steps after onset (a geometric series in exp(-h/tau_s)): */
static double cond_rk4_estimate(double g0, double e_drive, double c_m,
                                double tau_s, double h) {
  return pow(h, 5) / 2880.0 * g0 * e_drive / (c_m * pow(tau_s, 4)) /
         -expm1(-h / tau_s);
}

TEST(neuron_cond_exp_one_spike_vs_fine_reference) {
  /* Synapses slow against h (tau_syn 2 and 5 ms; the two ports differ so
   * that a swapped decay shows): RK4 with h = 0.1 ms is accurate to ~1e-9
   * mV (estimate above: 1.5e-8 mV for 10 nS, tau 2 ms and 85 mV of
   * drive); required 1e-6 mV. The reference's own error (step 1000x
   * smaller, so truncation 1e-15 of the model's; long double) is
   * negligible. */
  double err;
  err = cond_one_spike_error(-10.0, 0.2, 2.0, 0.0, DT);
  CHECK(err <= 1e-6);
  err = cond_one_spike_error(6.0, 2.0, 5.0, 0.0, DT);
  CHECK(err <= 1e-6);
  /* With a DC drive, so that the spike meets a moving V_m. */
  err = cond_one_spike_error(-10.0, 0.2, 2.0, 150.0, DT);
  CHECK(err <= 1e-6);
  err = cond_one_spike_error(6.0, 2.0, 5.0, 150.0, DT);
  CHECK(err <= 1e-6);
}

TEST(neuron_cond_exp_fast_synapse_fourth_order) {
  /* Default tau_syn_ex = 0.2 ms = 2 h: the conductance changes by a
   * factor e^-0.5 within a step and RK4's truncation error is ~1.1e-6 mV
   * per nS of weight (2.2e-6 mV here), above 1e-6 mV for usual weights.
   * Required: not above the leading-order estimate (cond_rk4_estimate
   * with 70 mV of drive: 3.1e-6 mV) and fourth-order convergence:
   * halving h divides the error by 2^4 (accepted 10..24). */
  const double w = 2.0, tau_ex = 0.2;
  double e1 = cond_one_spike_error(w, tau_ex, 2.0, 0.0, DT);
  double e2 = cond_one_spike_error(w, tau_ex, 2.0, 0.0, DT / 2);
  double b1 = cond_rk4_estimate(w, 70.0, 250.0, tau_ex, DT);
  if (!(e1 <= b1))
    test_fail(__FILE__, __LINE__,
              "error %.3g mV above the RK4 estimate %.3g mV", e1, b1);
  double ratio = e1 / e2;
  if (!(ratio >= 10.0 && ratio <= 24.0))
    test_fail(__FILE__, __LINE__,
              "error ratio h vs h/2: %.3g (%.3g / %.3g mV), want ~16", ratio,
              e1, e2);
}

/* ------------------------------------------------------------------ */
/* 4. Refractoriness                                                    */
/* ------------------------------------------------------------------ */

/* Drives each model above threshold with I_e and checks, for every spike
 * in readout k: V_m == V_reset in readouts k .. k + n_ref (the spike step
 * and n_ref = t_ref/h refractory steps, as NEST's counter r), no spike
 * in between, and V_m above V_reset again in readout k + n_ref + 1. */
TEST(neuron_refractory_clamp_all_models) {
  const char *const models[] = {"iaf_psc_delta", "iaf_psc_exp", "iaf_psc_alpha",
                                "iaf_cond_exp"};
  const double v_reset = -67.5, t_ref = 1.5;
  const long n_ref = 15;
  for (int k = 0; k < 4; k++) {
    lyra_model *m = single(models[k]);
    set(m, "V_reset", v_reset);
    set(m, "t_ref", t_ref);
    set(m, "I_e", 1000.0);
    lyra_network *net = build(m);
    if (!net)
      continue;
    enum { N = 400 };
    double v[N + 1];
    int spk[N + 1];
    uint64_t prev = 0;
    for (int n = 1; n <= N; n++) {
      step(net);
      v[n] = get(net, "V_m");
      uint64_t c = spike_count(net);
      spk[n] = (int)(c - prev);
      prev = c;
    }
    int spikes = 0;
    for (int n = 1; n <= N - n_ref - 1; n++) {
      if (!spk[n])
        continue;
      spikes++;
      CHECK_EQ_INT(spk[n], 1);
      for (int j = 0; j <= n_ref; j++) {
        /* E_L-relative storage: V_reset - E_L + E_L may differ from
         * V_reset in the last bit. */
        if (!(fabs(v[n + j] - v_reset) <= 1e-12))
          test_fail(__FILE__, __LINE__,
                    "%s: readout %d (spike at %d): V_m %.17g != V_reset",
                    models[k], n + j, n, v[n + j]);
        if (j > 0)
          CHECK_EQ_INT(spk[n + j], 0);
      }
      if (!(v[n + n_ref + 1] > v_reset + 1e-6) || spk[n + n_ref + 1])
        test_fail(__FILE__, __LINE__,
                  "%s: readout %ld (after the clamp): V_m %.17g not above "
                  "V_reset",
                  models[k], n + n_ref + 1, v[n + n_ref + 1]);
    }
    if (spikes < 3)
      test_fail(__FILE__, __LINE__, "%s: only %d spikes", models[k], spikes);
    lyra_network_destroy(net);
  }
}

/* iaf_psc_delta: input arriving while refractory is discarded by default;
 * with refractory_input = 1 it is kept and added when the neuron becomes
 * active, decayed by exp(-r h/tau_m), r = refractory steps left at
 * arrival (NEST's refr_spikes_buffer_). */
TEST(neuron_psc_delta_refractory_input) {
  const double tau_m = 10.0, e_l = -70.0, v_reset = -68.0;
  /* Spike A (16 mV > 15 mV to threshold) at 1.0 ms, delay 1 ms: arrives in
   * step 19, spike in readout 20; r = 20 is set in step 19 and counted
   * down in steps 20..39, so input arriving in step 19 + j (1 <= j <= 20)
   * finds r = 21 - j. Step 40 is the first active one (readout 41). */
  const double t_a = 1.0, t_b[] = {1.1, 1.5, 3.0}, t_c = 3.1;
  const double w_b = 3.0, w_c = 0.5, h = DT;
  const int j_b[] = {1, 5, 20};
  for (int refr_input = 0; refr_input <= 1; refr_input++) {
    lyra_model *m = single("iaf_psc_delta");
    set(m, "E_L", e_l);
    set(m, "V_reset", v_reset);
    set(m, "refractory_input", refr_input);
    set_v0(m, e_l);
    add_spikes(m, &t_a, 1, 16.0, 1.0);
    add_spikes(m, t_b, 3, w_b, 1.0);  /* arrive in steps 20, 24, 39 */
    add_spikes(m, &t_c, 1, w_c, 1.0); /* step 40: not refractory */
    lyra_network *net = build(m);
    if (!net)
      continue;
    double kept = 0.0;
    for (int i = 0; i < 3; i++)
      kept += w_b * exp(-(21 - j_b[i]) * h / tau_m);
    maxerr e = maxerr_init();
    for (long n = 1; n <= 300; n++) {
      step(net);
      double want;
      if (n < 20)
        want = 0.0;
      else if (n <= 40)
        want = v_reset - e_l;
      else
        want = (v_reset - e_l) * exp(-(n - 40) * h / tau_m) +
               (w_c + (refr_input ? kept : 0.0)) * exp(-(n - 41) * h / tau_m);
      maxerr_add(&e, n, get(net, "V_m") - e_l, want, tol_exact(want));
      CHECK_EQ_INT(spike_count(net), n >= 20);
    }
    CHECK_MAXERR(e,
                 refr_input ? "refractory_input = 1" : "refractory_input = 0");
    lyra_network_destroy(net);
  }
}

/* iaf_psc_exp/alpha: during refractoriness V_m is clamped but the synaptic
 * currents keep evolving and new input is not lost (as in NEST). After
 * the clamp ends at T_R, by linearity
 *   V(t) - E_L = (V_reset - E_L) exp(-(t - T_R)/tau_m)
 *              + sum_i [PSP_i(t - T0_i) - exp(-(t - T_R)/tau_m)
 *                       PSP_i(T_R - T0_i)].
 * Before the spike V follows PSP_A, and the spike is in the first readout
 * where PSP_A >= V_th - E_L. */
static void check_refractory_currents(int kind, double w_a, double w_b) {
  const double e_l = -70.0, v_th = -55.0, v_reset = -72.0, c_m = 250.0;
  const double tau_m = 10.0, tau_s = 2.0, d = 1.0, t_a = 1.0;
  const double t0_a = t_a + d;
  const long n_ref = 20;
  /* Spike readout from the closed form (well posed: not within 1e-9 mV
   * of threshold). */
  long k_sp = 0;
  for (long n = 1; n < 1000 && !k_sp; n++) {
    double y = psp(kind, w_a, c_m, tau_m, tau_s, round(n - t0_a / DT) * DT);
    CHECK(fabs(y - (v_th - e_l)) > 1e-9);
    if (y >= v_th - e_l)
      k_sp = n;
  }
  CHECK(k_sp > 0);
  /* Input B arrives mid-refractoriness: current onset at k_sp h + 1 ms. */
  const double t0_b = (k_sp + 10) * DT, t_b = t0_b - d;
  const double t_r = (k_sp + n_ref) * DT;
  lyra_model *m = single(psc_models[kind]);
  set(m, "E_L", e_l);
  set(m, "V_th", v_th);
  set(m, "V_reset", v_reset);
  set(m, "t_ref", n_ref * DT);
  set_v0(m, e_l);
  add_spikes(m, &t_a, 1, w_a, d);
  add_spikes(m, &t_b, 1, w_b, d);
  lyra_network *net = build(m);
  if (!net)
    return;
  maxerr e = maxerr_init(), ei = maxerr_init();
  for (long n = 1; n <= 400; n++) {
    step(net);
    const double t = n * DT;
    const double ta = round((t - t0_a) / DT) * DT;
    const double tb = round((t - t0_b) / DT) * DT;
    double want;
    if (n < k_sp) {
      want = psp(kind, w_a, c_m, tau_m, tau_s, ta);
    } else if (n <= k_sp + n_ref) {
      want = v_reset - e_l;
    } else {
      const double dr = round((t - t_r) / DT) * DT;
      const double decay = exp(-dr / tau_m);
      const double ra = round((t_r - t0_a) / DT) * DT;
      const double rb = round((t_r - t0_b) / DT) * DT;
      want = (v_reset - e_l) * decay + psp(kind, w_a, c_m, tau_m, tau_s, ta) -
             decay * psp(kind, w_a, c_m, tau_m, tau_s, ra) +
             psp(kind, w_b, c_m, tau_m, tau_s, tb) -
             decay * psp(kind, w_b, c_m, tau_m, tau_s, rb);
    }
    maxerr_add(&e, n, get(net, "V_m") - e_l, want, tol_exact(want));
    double isyn = kind == EXP
                      ? isyn_exp(w_a, tau_s, ta) + isyn_exp(w_b, tau_s, tb)
                      : isyn_alpha(w_a, tau_s, ta) + isyn_alpha(w_b, tau_s, tb);
    maxerr_add(&ei, n, get(net, "I_syn_ex"), isyn,
               1e-9 * fmax(fabs(isyn), 1e-3 * w_a));
    CHECK_EQ_INT(spike_count(net), n >= k_sp);
  }
  CHECK_MAXERR(e, psc_models[kind]);
  CHECK_MAXERR(ei, psc_models[kind]);
  lyra_network_destroy(net);
}

TEST(neuron_psc_currents_continue_during_refractoriness) {
  check_refractory_currents(EXP, 3500.0, 300.0);
  check_refractory_currents(ALPHA, 1500.0, 300.0);
}

/* ------------------------------------------------------------------ */
/* 5. Parameter validation                                              */
/* ------------------------------------------------------------------ */

/* Builds model `name` with param = value; creation must fail with
 * LYRA_EINVAL and a message naming `mention` (and lyra_model_validate
 * likewise). */
static void check_refused(const char *name, const char *param, double value,
                          const char *mention) {
  lyra_model *m = single(name);
  if (!m)
    return;
  set(m, param, value);
  int rc = lyra_model_validate(m);
  if (rc != LYRA_EINVAL)
    test_fail(__FILE__, __LINE__, "%s %s = %g: validate gave %d", name, param,
              value, rc);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), mention);
  char err[512] = "";
  lyra_network *net = NULL;
  rc = lyra_network_create(&net, m, err, sizeof err);
  if (rc != LYRA_EINVAL || net)
    test_fail(__FILE__, __LINE__, "%s %s = %g: create gave %d", name, param,
              value, rc);
  CHECK_STR_CONTAINS(err, mention);
  lyra_network_destroy(net);
  lyra_model_destroy(m);
}

TEST(neuron_invalid_parameters_refused) {
  const char *const models[] = {"iaf_psc_delta", "iaf_psc_exp", "iaf_psc_alpha",
                                "iaf_cond_exp"};
  for (int k = 0; k < 4; k++) {
    const char *name = models[k];
    check_refused(name, "C_m", 0.0, "C_m");
    check_refused(name, "C_m", -250.0, "C_m");
    check_refused(name, "C_m", (double)INFINITY, "C_m");
    check_refused(name, "t_ref", -0.1, "t_ref");
    /* Default V_th = -55 mV: equal and above are both refused. */
    check_refused(name, "V_reset", -55.0, "V_reset");
    check_refused(name, "V_reset", -40.0, "V_reset");
    check_refused(name, "V_th", -80.0, "V_th");
    if (k == 3) {
      check_refused(name, "g_L", 0.0, "g_L");
      check_refused(name, "g_L", -1.0, "g_L");
    } else {
      check_refused(name, "tau_m", 0.0, "tau_m");
      check_refused(name, "tau_m", -10.0, "tau_m");
    }
    if (k != 0) {
      check_refused(name, "tau_syn_ex", 0.0, "tau_syn_ex");
      check_refused(name, "tau_syn_in", -1.0, "tau_syn_in");
    }
    /* Just below threshold is fine. */
    lyra_model *m = single(name);
    set(m, "V_reset", -55.000001);
    lyra_network *net = build(m);
    CHECK(net != NULL);
    lyra_network_destroy(net);
  }
}

/* ------------------------------------------------------------------ */
/* izhikevich against Brian2, and the firing patterns of the paper      */
/* ------------------------------------------------------------------ */

/* One cell of tests/reference/izhikevich.txt (written by
 * tests/reference/izhikevich_brian2.py with Brian2 2.5.1). */
typedef struct izh_ref {
  char name[8];
  double a, b, c, d;
  int n_spikes, n_v;
  double spikes[400], v[1000];
} izh_ref;

static int read_izh_ref(FILE *f, izh_ref *r) {
  if (fscanf(f, " cell %7s %lf %lf %lf %lf spikes %d", r->name, &r->a, &r->b,
             &r->c, &r->d, &r->n_spikes) != 6 ||
      r->n_spikes > 400)
    return -1;
  for (int i = 0; i < r->n_spikes; i++)
    if (fscanf(f, "%lf", &r->spikes[i]) != 1)
      return -1;
  if (fscanf(f, " v %d", &r->n_v) != 1 || r->n_v > 1000)
    return -1;
  for (int i = 0; i < r->n_v; i++)
    if (fscanf(f, "%lf", &r->v[i]) != 1)
      return -1;
  return 0;
}

/* Runs the cell for 1000 ms at 0.1 ms with I_e = 10 from v = -65,
 * u = b v; fills spike times (ms) and v at every ms. */
static int run_izh(const izh_ref *r, double *spikes, int cap, double *v) {
  lyra_model *m = single("izhikevich");
  set(m, "a", r->a);
  set(m, "b", r->b);
  set(m, "c", r->c);
  set(m, "d", r->d);
  set(m, "I_e", 10.0);
  set_v0(m, -65.0);
  lyra_dist u0 = lyra_dist_constant(r->b * -65.0);
  CHECK(lyra_model_set_initial(m, 0, "U_m", &u0) == 0);
  lyra_network *net = build(m);
  int n = 0;
  uint64_t seen = 0;
  for (int k = 1; net && k <= 10000; k++) {
    step(net);
    if (spike_count(net) > seen && n < cap)
      spikes[n++] = k * DT;
    seen = spike_count(net);
    if (k % 10 == 0)
      v[k / 10 - 1] = get(net, "V_m");
  }
  lyra_network_destroy(net);
  return n;
}

/* The burst structure of a train: ISIs under 10 ms are within a burst. */
static int short_isis(const double *t, int n) {
  int k = 0;
  for (int i = 1; i < n; i++)
    k += t[i] - t[i - 1] < 10.0;
  return k;
}

/* Reference: Brian2, the same equations with forward Euler at 0.1 ms
 * (NEST's consistent_integration scheme), checked in as data. The issue's
 * criterion is spike times within 0.1 ms over 1 s; the schemes are the
 * same, so lyra matches to rounding: every spike at the same step, and V
 * at every ms within 1e-6 mV RMS (the printed reference has 10 digits).
 * Brian2 evaluates the right-hand side with its terms reordered (sympy),
 * so each step rounds differently in the last bit. Fast spiking crosses
 * threshold from a slow passage that amplifies such differences: its
 * trains agree to rounding for the first 400 ms (54 spikes) and then
 * drift apart by a step at a time (130 vs 131 spikes in 1 s). For FS the
 * comparison covers 400 ms (V RMS 0.05 mV there: the drift has begun in
 * the subthreshold trace; tolerance 0.1 mV), and the spike count over 1 s
 * within 1.
 * Then the paper's patterns (Izhikevich 2003, Fig. 2) at I = 10: regular
 * spiking adapts (first interval shorter than the later ones) without
 * bursts; intrinsic bursting starts with a burst and then fires single
 * spikes; chattering fires repeated bursts; fast spiking fires fast and
 * without adaptation. */
TEST(neuron_izhikevich_brian2_and_patterns) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/reference/izhikevich.txt",
           LYRA_SOURCE_DIR);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  if (!f)
    return;
  char line[256];
  for (int i = 0; i < 3; i++)
    CHECK(fgets(line, sizeof line, f) != NULL);
  static izh_ref r;
  static double t[400], v[1000];
  int cells = 0;
  while (read_izh_ref(f, &r) == 0) {
    int n = run_izh(&r, t, 400, v);
    int fs = strcmp(r.name, "FS") == 0, horizon = fs ? 400 : 1000;
    double worst_t = 0, se = 0;
    CHECK(abs(n - r.n_spikes) <= fs);
    for (int i = 0; i < n && i < r.n_spikes && r.spikes[i] <= horizon; i++)
      worst_t = fmax(worst_t, fabs(t[i] - r.spikes[i]));
    for (int i = 0; i < r.n_v && i < horizon; i++)
      se += (v[i] - r.v[i]) * (v[i] - r.v[i]);
    double rms = sqrt(se / horizon), isi_last = t[n - 1] - t[n - 2];
    printf("  izhikevich %s: %d spikes (Brian2 %d), over %d ms worst "
           "spike-time difference %.3g ms, V RMS error %.3g mV; short ISIs "
           "%d, first/last ISI %.1f/%.1f ms\n",
           r.name, n, r.n_spikes, horizon, worst_t, rms, short_isis(t, n),
           t[1] - t[0], isi_last);
    CHECK(worst_t <= 0.1 + 1e-9);
    CHECK(rms < (fs ? 0.1 : 1e-6)); /* FS: the drift has begun by 400 ms */
    if (strcmp(r.name, "RS") == 0)
      CHECK(short_isis(t, n) == 0 && t[1] - t[0] < 0.75 * isi_last);
    else if (strcmp(r.name, "IB") == 0)
      CHECK(short_isis(t, 4) >= 2 && short_isis(t + 3, n - 3) == 0);
    else if (strcmp(r.name, "CH") == 0)
      CHECK(short_isis(t, n) > n / 2 && n - short_isis(t, n) >= 10);
    else if (strcmp(r.name, "FS") == 0)
      CHECK(n > 100 && fabs(isi_last - (t[n - 1] - t[1]) / (n - 2)) < 1.0);
    cells++;
  }
  fclose(f);
  CHECK_EQ_INT(cells, 4);
}

/* consistent_integration = 0: the paper's half steps, checked against the
 * same recursion written out here for two steps at dt = 1 ms; and a
 * parameter that is not 0 or 1 is refused with its name. */
TEST(neuron_izhikevich_paper_numerics) {
  lyra_model *m = single_h("izhikevich", 1.0);
  set(m, "consistent_integration", 0);
  set(m, "I_e", 10.0);
  lyra_network *net = build(m);
  double v = -65.0, u = 0.0;
  for (int k = 0; net && k < 2; k++) {
    double f0 = 0.04 * v * v + 5 * v + 140 - u + 10.0;
    double v1 = v + 0.5 * f0;
    v1 = v1 + 0.5 * (0.04 * v1 * v1 + 5 * v1 + 140 - u + 10.0);
    u = u + 0.02 * (0.2 * v1 - u);
    v = v1;
    step_h(net, 1.0);
    CHECK_NEAR(get(net, "V_m"), v, 1e-12);
    CHECK_NEAR(get(net, "U_m"), u, 1e-12);
  }
  lyra_network_destroy(net);
  m = single("izhikevich");
  CHECK(lyra_model_set_param(m, 0, "consistent_integration", 2) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "consistent_integration");
  lyra_model_destroy(m);
}

/* ------------------------------------------------------------------ */
/* 4. The RKF45 integrator against GSL's                               */
/* ------------------------------------------------------------------ */

/* NEST's aeif_cond_exp step written out with GSL's gsl_odeiv rkf45,
 * standard control (yp_new(tol, tol)) and evolve_apply, as NEST calls
 * them. The right-hand side does the same arithmetic as lyra's (which
 * multiplies by 1/C_m and 1/tau where NEST divides), so that the only
 * difference left is the integrator: lyra's re-coded RKF45 must then
 * reproduce GSL's sub-steps and results bit for bit. */
typedef struct adex_ref {
  double g_l, e_l, v_th, d_t, v_peak, v_reset, a, b, inv_tau_w, inv_c, e_ex,
      e_in, inv_tex, inv_tin, i_e;
  int r;
} adex_ref;

static int adex_ref_rhs(double t, const double y[], double f[], void *pv) {
  (void)t;
  const adex_ref *p = pv;
  const double v =
      p->r > 0 ? p->v_reset : (y[0] < p->v_peak ? y[0] : p->v_peak);
  const double i_syn = -y[2] * (v - p->e_ex) - y[3] * (v - p->e_in);
  const double i_sp =
      p->d_t == 0.0 ? 0.0 : p->g_l * p->d_t * exp((v - p->v_th) / p->d_t);
  f[0] = p->r > 0 ? 0.0
                  : (-p->g_l * (v - p->e_l) + i_sp + i_syn - y[1] + p->i_e) *
                        p->inv_c;
  f[1] = (p->a * (v - p->e_l) - y[1]) * p->inv_tau_w;
  f[2] = -y[2] * p->inv_tex;
  f[3] = -y[3] * p->inv_tin;
  return GSL_SUCCESS;
}

#define ADEX_STEPS 5000 /* 500 ms */
#define ADEX_IN_DELAY 1.0

/* Input: excitatory (w > 0) and inhibitory spikes every few ms. */
static double adex_input(int i, double *t) {
  *t = 3.0 + 7.3 * i;
  return i % 3 == 2 ? -12.0 : 6.0;
}
#define ADEX_N_IN 60

/* The input as NEST's loop receives it: the weight added at the end of
 * each step, in[step]. */
static void adex_input_steps(double *in) {
  for (int i = 0; i < ADEX_N_IN; i++) {
    double t, w = adex_input(i, &t);
    in[lround((t + ADEX_IN_DELAY) / DT) - 1] += w;
  }
}

/* NEST's aeif_cond_exp defaults, driven by I_e = 1000 pA. */
static adex_ref adex_defaults(void) {
  adex_ref p = {.g_l = 30.0,
                .e_l = -70.6,
                .v_th = -50.4,
                .d_t = 2.0,
                .v_peak = 0.0,
                .v_reset = -60.0,
                .a = 4.0,
                .b = 80.5,
                .inv_tau_w = 1.0 / 144.0,
                .inv_c = 1.0 / 281.0,
                .e_ex = 0.0,
                .e_in = -85.0,
                .inv_tex = 1.0 / 0.2,
                .inv_tin = 1.0 / 2.0,
                .i_e = 1000.0};
  return p;
}

/* The same neuron and input in lyra, with t_ref and one more parameter. */
static lyra_network *adex_lyra(const adex_ref *p, double t_ref,
                               const char *param, double value) {
  lyra_model *m = single("aeif_cond_exp");
  set(m, "I_e", p->i_e);
  set(m, "t_ref", t_ref);
  set(m, param, value);
  for (int i = 0; i < ADEX_N_IN; i++) {
    double t, w = adex_input(i, &t);
    add_spikes(m, &t, 1, w, ADEX_IN_DELAY);
  }
  return build(m);
}

static void adex_gsl_run(adex_ref p, int refr_counts, double tol,
                         double (*trace)[4], int *spiked) {
  gsl_odeiv_step *s = gsl_odeiv_step_alloc(gsl_odeiv_step_rkf45, 4);
  gsl_odeiv_control *c = gsl_odeiv_control_yp_new(tol, tol);
  gsl_odeiv_evolve *e = gsl_odeiv_evolve_alloc(4);
  gsl_odeiv_system sys = {adex_ref_rhs, NULL, 4, &p};
  double y[4] = {p.e_l, 0.0, 0.0, 0.0}, hint = 0.01, in[ADEX_STEPS] = {0};
  adex_input_steps(in);
  for (int k = 0; k < ADEX_STEPS; k++) {
    double t = 0.0;
    spiked[k] = 0;
    while (t < DT) {
      CHECK(gsl_odeiv_evolve_apply(e, c, s, &sys, &t, DT, &hint, y) ==
            GSL_SUCCESS);
      if (p.r > 0) {
        y[0] = p.v_reset;
      } else if (y[0] >= p.v_peak) {
        y[0] = p.v_reset;
        y[1] += p.b;
        p.r = refr_counts > 0 ? refr_counts + 1 : 0;
        spiked[k] = 1;
      }
    }
    if (p.r > 0)
      p.r--;
    if (in[k] > 0)
      y[2] += in[k];
    else
      y[3] -= in[k];
    memcpy(trace[k], y, sizeof y);
  }
  gsl_odeiv_evolve_free(e);
  gsl_odeiv_control_free(c);
  gsl_odeiv_step_free(s);
}

static void adex_vs_gsl(double t_ref, double tol) {
  static double want[ADEX_STEPS][4];
  static int want_spk[ADEX_STEPS];
  adex_ref p = adex_defaults();
  adex_gsl_run(p, (int)lround(t_ref / DT), tol, want, want_spk);
  lyra_network *net = adex_lyra(&p, t_ref, "gsl_error_tol", tol);
  if (!net)
    return;
  static const char *const vars[4] = {"V_m", "w", "g_ex", "g_in"};
  int mismatches = 0, spikes = 0;
  for (int k = 0; k < ADEX_STEPS && mismatches < 5; k++) {
    uint64_t before = spike_count(net);
    step(net);
    int spk = spike_count(net) != before;
    spikes += spk;
    if (spk != want_spk[k]) {
      test_fail(__FILE__, __LINE__, "step %d: spike %d, GSL %d", k, spk,
                want_spk[k]);
      mismatches++;
    }
    for (int j = 0; j < 4; j++) {
      double got = get(net, vars[j]);
      if (got != want[k][j]) {
        test_fail(__FILE__, __LINE__, "step %d: %s = %.17g, GSL %.17g", k,
                  vars[j], got, want[k][j]);
        mismatches++;
      }
    }
  }
  CHECK(spikes >= 10); /* the comparison covers many resets */
  lyra_network_destroy(net);
}

TEST(neuron_rkf45_matches_gsl_aeif) {
  adex_vs_gsl(0.0, 1e-6); /* NEST's defaults */
  adex_vs_gsl(2.0, 1e-6); /* refractory clamp inside the step */
  adex_vs_gsl(0.0, 1e-3); /* larger sub-steps, more retries */
}

/* ------------------------------------------------------------------ */
/* 5. Published expectations of NEST's and PyNN's test suites          */
/* ------------------------------------------------------------------ */

/* NEST's testsuite/unittests/test_hh_cond_exp_traub.sli: its V_m over
 * the first 40 steps (printed there to 6 significant digits, so compared
 * to 5e-6 relative), g_ex exactly 1 nS when the first input spike
 * arrives (step 11) and 1.02556 nS after the second (step 22), and one
 * spike, in step 2. The test depends on NEST's one-step current delay,
 * its unshifted initial gating values and rkf45 with absolute tolerance
 * 1e-3 starting from a step of dt: all three are lyra's too. */
TEST(neuron_hh_cond_exp_traub_nest_testsuite) {
  static const double want_v[40] = {
      39.1934,  38.5037,  33.1563,  22.1761,  7.13172,  -8.72846, -23.1221,
      -35.9526, -51.8259, -66.9994, -73.9833, -76.4715, -77.4865, -77.9377,
      -78.1358, -78.2039, -78.1978, -78.1458, -78.0638, -77.9615, -77.8452,
      -77.7191, -77.526,  -77.3464, -77.1764, -77.0134, -76.8556, -76.7019,
      -76.5514, -76.4035, -76.2577, -76.1137, -75.9714, -75.8306, -75.6911,
      -75.553,  -75.416,  -75.2803, -75.1457, -75.0123};
  lyra_model *m = single("hh_cond_exp_traub");
  static const char *const names[] = {
      "g_Na", "g_K",  "g_L",        "C_m",        "E_Na",  "E_K", "E_L",
      "E_ex", "E_in", "tau_syn_ex", "tau_syn_in", "t_ref", "I_e"};
  static const double values[] = {19000.0, 5000.0, 9.0, 110.0, 40.0,
                                  -80.0,   -70.0,  1.0, -90.0, 0.3,
                                  3.0,     3.5,    1.0};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
    set(m, names[i], values[i]);
  set_v0(m, 10.0);
  const double t_in[2] = {0.1, 1.2};
  add_spikes(m, t_in, 2, 1.0, 1.0);
  add_dc(m, 100.0, 0.0, 1e9, 1.0);
  lyra_network *net = build(m);
  if (!net)
    return;
  for (int k = 1; k <= 40; k++) {
    step(net);
    CHECK_REL(get(net, "V_m"), want_v[k - 1], 5e-6, 1e-3);
    if (k <= 10)
      CHECK(get(net, "g_ex") == 0.0);
    if (k == 11)
      CHECK(get(net, "g_ex") == 1.0);
    if (k == 22)
      CHECK_REL(get(net, "g_ex"), 1.02556, 5e-6, 0.0);
    if (k == 2)
      CHECK(spike_count(net) == 1);
  }
  CHECK(spike_count(net) == 1);
  lyra_network_destroy(net);
}

/* Spike times of a lone neuron over duration_ms, at most cap. */
static int spike_times(lyra_network *net, double h, double duration_ms,
                       double *t, int cap) {
  int n = 0;
  long steps = lround(duration_ms / h);
  for (long k = 1; k <= steps; k++) {
    uint64_t before = spike_count(net);
    step_h(net, h);
    if (spike_count(net) != before && n < cap)
      t[n++] = (double)k * h;
  }
  return n;
}

/* The AdEx parameters of NEST's test_aeif_lsodar.py (no synaptic input,
 * so the three synapse variants must behave alike), at dt = 0.01 ms. Its
 * LSODAR reference crosses V_peak at 18.71534 and 30.56061 ms; NEST's
 * loop reports the end of the step in which that happens. The later
 * times are those of NEST's loop as re-implemented with GSL (notes of
 * the issue): 42.50 ... 91.11 ms. */
TEST(neuron_aeif_nest_lsodar_spike_times) {
  static const char *const models[] = {"aeif_cond_exp", "aeif_cond_alpha",
                                       "aeif_psc_exp"};
  static const double want[] = {18.72, 30.57, 42.50, 54.53,
                                66.63, 78.83, 91.11};
  for (int mi = 0; mi < 3; mi++) {
    lyra_model *m = single_h(models[mi], 0.01);
    static const char *const names[] = {"V_reset", "V_peak", "V_th", "I_e",
                                        "g_L",     "tau_w",  "E_L",  "Delta_T",
                                        "a",       "b",      "C_m"};
    static const double values[] = {-58.0, 0.0, -50.0, 420.0, 11.0, 300.0,
                                    -70.0, 2.0, 3.0,   0.0,   200.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
      set(m, names[i], values[i]);
    lyra_dist w0 = lyra_dist_constant(5.0);
    CHECK(lyra_model_set_initial(m, 0, "w", &w0) == 0);
    set_v0(m, -70.0);
    lyra_network *net = build(m);
    if (!net)
      return;
    double t[16];
    int n = spike_times(net, 0.01, 100.0, t, 16);
    CHECK_EQ_INT(n, 7);
    for (int i = 0; i < n && i < 7; i++)
      CHECK_NEAR(t[i], want[i], 1e-9);
    CHECK(t[0] > 18.71534 && t[0] - 18.71534 < 0.01);
    CHECK(t[1] > 30.56061 && t[1] - 30.56061 < 0.01);
    lyra_network_destroy(net);
  }
}

/* PyNN's system test of EIF_cond_alpha_isfa_ista (NEST's aeif_cond_alpha)
 * with I = 1 nA, t_ref 2 ms, V_peak -40 mV and PyNN's defaults (NEST's
 * but for V_reset = E_L = -70.6 mV) at dt = 0.01 ms: spikes at 10.02, 25.52,
 * 43.18, 63.42, 86.67, 113.13, 142.69 and 174.79 ms, asserted there to a
 * relative 1e-3 (older PyNN) and met here to that. */
TEST(neuron_aeif_pynn_eif_cond_alpha_isfa_ista) {
  static const double want[] = {10.02, 25.52,  43.18,  63.42,
                                86.67, 113.13, 142.69, 174.79};
  lyra_model *m = single_h("aeif_cond_alpha", 0.01);
  set(m, "I_e", 1000.0);
  set(m, "t_ref", 2.0);
  set(m, "V_peak", -40.0);
  set(m, "V_reset", -70.6);
  set_v0(m, -65.0);
  lyra_network *net = build(m);
  if (!net)
    return;
  double t[16];
  int n = spike_times(net, 0.01, 200.0, t, 16);
  CHECK_EQ_INT(n, 8);
  for (int i = 0; i < n && i < 8; i++)
    CHECK_REL(t[i], want[i], 1e-3, 0.0);
  lyra_network_destroy(net);
}

/* ------------------------------------------------------------------ */
/* 6. AdEx firing patterns (Naud, Marcille, Clopath & Gerstner 2008)   */
/* ------------------------------------------------------------------ */

/* Table 1 of Naud et al. (2008) as in Brian2's example of the paper:
 * C_m, g_L, E_L, V_th, a, tau_w, b, V_reset, I (Delta_T = 2 mV, V_peak
 * = 0, t_ref = 0, V(0) = E_L, w(0) = 0, I from t = 0). spikes: the count
 * in 500 ms at dt = 0.1 ms of an independent C + GSL re-implementation of
 * NEST's aeif loop, written while researching this issue; first: its
 * first spike time. */
typedef struct naud_cell {
  const char *name;
  double c, gl, el, vt, a, tauw, b, vr, i;
  int spikes;
  double first;
} naud_cell;

static const naud_cell naud[] = {
    {"tonic", 200, 10, -70, -50, 2, 30, 0, -58, 500, 51, 14.3},
    {"adapting", 200, 12, -70, -50, 2, 300, 60, -58, 500, 10, 15.0},
    {"initial burst", 130, 18, -58, -50, 4, 150, 120, -50, 400, 10, 5.5},
    {"regular bursting", 200, 10, -58, -50, 2, 120, 100, -46, 210, 9, 16.2},
    {"delayed accelerating", 200, 12, -70, -50, -10, 300, 0, -58, 300, 36,
     33.6},
    {"delayed regular bursting", 100, 10, -65, -50, -10, 90, 30, -47, 110, 26,
     57.2},
    {"transient", 100, 10, -65, -50, 10, 90, 100, -47, 180, 1, 30.3},
    {"irregular", 100, 12, -60, -50, -11, 130, 30, -48, 160, 28, 15.7},
};

static int naud_run(const char *model, const naud_cell *c, double *t, int cap) {
  lyra_model *m = single(model);
  set(m, "C_m", c->c);
  set(m, "g_L", c->gl);
  set(m, "E_L", c->el);
  set(m, "V_th", c->vt);
  set(m, "a", c->a);
  set(m, "tau_w", c->tauw);
  set(m, "b", c->b);
  set(m, "V_reset", c->vr);
  set(m, "I_e", c->i);
  set_v0(m, c->el);
  lyra_network *net = build(m);
  if (!net)
    return 0;
  int n = spike_times(net, DT, 500.0, t, cap);
  lyra_network_destroy(net);
  return n;
}

/* Counts and first spikes match the independent re-implementation
 * exactly (first spike to the step, 0.05 ms: the reference printed 0.1 ms
 * resolution) for every pattern and every AdEx synapse variant (no
 * synaptic input: they must agree). */
TEST(neuron_aeif_naud_patterns_counts) {
  static const char *const models[] = {"aeif_cond_exp", "aeif_cond_alpha",
                                       "aeif_psc_exp"};
  for (int mi = 0; mi < 3; mi++)
    for (size_t k = 0; k < sizeof naud / sizeof naud[0]; k++) {
      double t[128];
      int n = naud_run(models[mi], &naud[k], t, 128);
      if (n != naud[k].spikes || fabs(t[0] - naud[k].first) > 0.05)
        test_fail(__FILE__, __LINE__,
                  "%s %s: %d spikes, first %.2f ms; "
                  "reference %d, %.1f ms",
                  models[mi], naud[k].name, n, n ? t[0] : -1.0, naud[k].spikes,
                  naud[k].first);
    }
}

/* Relative spread (max - min) / max of isi[a..b). */
static double isi_spread(const double *isi, int a, int b) {
  double lo = isi[a], hi = isi[a];
  for (int i = a; i < b; i++) {
    lo = isi[i] < lo ? isi[i] : lo;
    hi = isi[i] > hi ? isi[i] : hi;
  }
  return (hi - lo) / hi;
}

/* The four patterns the issue names, told apart by their inter-spike
 * intervals rather than by counts: tonic (regular: the ISIs of the second
 * half within 2% of each other, the last less than 1.2x the first),
 * adapting (ISIs grow monotonically to more than 3x the first), initial
 * burst (two ISIs under 10 ms, then only ISIs over 40 ms, the last three
 * within 5%), regular bursting (short ISIs within bursts under 10
 * ms, at least 3 long ones over 100 ms between bursts, nothing between). */
TEST(neuron_aeif_naud_patterns_shapes) {
  double t[128], isi[127];
  int n = naud_run("aeif_cond_exp", &naud[0], t, 128);
  for (int i = 1; i < n; i++)
    isi[i - 1] = t[i] - t[i - 1];
  CHECK(n > 40 && isi_spread(isi, n / 2, n - 1) < 0.02 &&
        isi[n - 2] < 1.2 * isi[0]);

  n = naud_run("aeif_cond_exp", &naud[1], t, 128);
  for (int i = 1; i < n; i++)
    isi[i - 1] = t[i] - t[i - 1];
  int growing = n > 5;
  for (int i = 1; i < n - 1; i++)
    growing = growing && isi[i] > isi[i - 1];
  CHECK(growing && isi[n - 2] > 3.0 * isi[0]);

  n = naud_run("aeif_cond_exp", &naud[2], t, 128);
  for (int i = 1; i < n; i++)
    isi[i - 1] = t[i] - t[i - 1];
  int tonic_after = n > 5;
  for (int i = 2; i < n - 1; i++)
    tonic_after = tonic_after && isi[i] > 40.0;
  CHECK(isi[0] < 10.0 && isi[1] < 10.0 && tonic_after &&
        isi_spread(isi, n - 4, n - 1) < 0.05);

  n = naud_run("aeif_cond_exp", &naud[3], t, 128);
  int short_isi = 0, long_isi = 0, other = 0;
  for (int i = 1; i < n; i++) {
    double d = t[i] - t[i - 1];
    short_isi += d < 10.0;
    long_isi += d > 100.0;
    other += d >= 10.0 && d <= 100.0;
  }
  CHECK(long_isi >= 3 && short_isi >= long_isi && other == 0);
}

/* ------------------------------------------------------------------ */
/* 7. Ill-posed parameters and blown-up states                          */
/* ------------------------------------------------------------------ */

TEST(neuron_nonlinear_invalid_parameters_refused) {
  static const char *const aeif[] = {"aeif_cond_exp", "aeif_cond_alpha",
                                     "aeif_psc_exp"};
  for (int k = 0; k < 3; k++) {
    const char *name = aeif[k];
    check_refused(name, "C_m", 0.0, "C_m must be > 0");
    check_refused(name, "tau_w", -1.0, "tau_w must be > 0");
    check_refused(name, "tau_syn_ex", 0.0, "tau_syn_ex must be > 0");
    check_refused(name, "tau_syn_in", -2.0, "tau_syn_in must be > 0");
    check_refused(name, "t_ref", -0.1, "t_ref must be >= 0");
    check_refused(name, "Delta_T", -0.5, "Delta_T must be >= 0");
    /* V_peak <= V_th (default -50.4 mV) and V_reset >= V_peak (0 mV) */
    check_refused(name, "V_peak", -50.4,
                  "V_th (-50.4 mV) must be below "
                  "V_peak");
    check_refused(name, "V_peak", -60.0, "must be below V_peak");
    check_refused(name, "V_reset", 0.0, "V_reset (0 mV) must be below V_peak");
    check_refused(name, "gsl_error_tol", 0.0, "gsl_error_tol must be > 0");
    lyra_model *m = single(name); /* a choice: refused when set */
    CHECK(lyra_model_set_param(m, 0, "integrator", 2.0) == LYRA_EINVAL);
    CHECK_STR_CONTAINS(lyra_model_errmsg(m), "1 (rk4)");
    lyra_model_destroy(m);
    check_refused(name, "Delta_T", 0.01, "exp would overflow");
  }
  check_refused("iaf_cond_alpha", "C_m", -1.0, "C_m must be > 0");
  check_refused("iaf_cond_alpha", "V_reset", -55.0, "V_reset");
  check_refused("iaf_cond_alpha", "tau_syn_in", 0.0, "tau_syn_in must be > 0");
  static const char *const hh[] = {"hh_psc_alpha", "hh_cond_exp_traub"};
  for (int k = 0; k < 2; k++) {
    check_refused(hh[k], "C_m", 0.0, "C_m must be > 0");
    check_refused(hh[k], "tau_syn_ex", -1.0, "tau_syn_ex must be > 0");
    check_refused(hh[k], "g_Na", -1.0, "g_Na must be >= 0");
    check_refused(hh[k], "t_ref", -1.0, "t_ref must be >= 0");
    check_refused(hh[k], "gsl_error_tol", -1e-3, "gsl_error_tol must be > 0");
  }
  /* AdEx allows V_reset above V_th (Naud et al.'s bursting cells). */
  lyra_model *m = single("aeif_cond_exp");
  set(m, "V_reset", -46.0);
  lyra_network *net = build(m);
  CHECK(net != NULL);
  lyra_network_destroy(net);
}

/* A state that becomes NaN or infinite stops the run with a message that
 * names the population, the neuron and the time, for a model on the
 * shared find-spikes scan (iaf_psc_exp: an infinite weight makes V_m
 * infinite, then NaN) and for an ODE model (aeif: NEST's V_m < -1000 mV
 * limit, reached with a huge inhibitory conductance). */
static void check_blows_up(const char *model, double w, const char *what) {
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  int pop = -1;
  CHECK(lyra_model_add_population(m, "cells", model, 3, &pop) == 0);
  int dev = -1;
  const double t = 5.0;
  CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
  CHECK(lyra_model_set_device_spike_times(m, dev, &t, 1) == 0);
  /* twice: two finite weights can add up to an infinite input */
  for (int k = 0; k < 2; k++)
    CHECK(lyra_model_connect_device(m, dev, pop, w, 1.0, LYRA_RECEPTOR_AUTO) ==
          0);
  lyra_network *net = build(m);
  if (!net)
    return;
  int rc = lyra_network_simulate(net, 20.0, NULL, NULL);
  if (rc != LYRA_ENUMERIC)
    test_fail(__FILE__, __LINE__, "%s: simulate gave %d", model, rc);
  const char *msg = lyra_network_errmsg(net);
  CHECK_STR_CONTAINS(msg, "population cells");
  CHECK_STR_CONTAINS(msg, "neuron 0");
  CHECK_STR_CONTAINS(msg, "t = 6");
  CHECK_STR_CONTAINS(msg, what);
  /* the run is over: no further simulation */
  CHECK(lyra_network_simulate(net, 1.0, NULL, NULL) == LYRA_ESTATE);
  lyra_network_destroy(net);
}

TEST(neuron_nonfinite_state_stops_run) {
  check_blows_up("iaf_psc_exp", -1e308, "V_m = ");
  check_blows_up("aeif_cond_exp", -1e300, "V_m = ");
  check_blows_up("hh_cond_exp_traub", 1e305, "V_m = ");
}

/* ------------------------------------------------------------------ */
/* 8. The vectorised rk4 path of the AdEx models                        */
/* ------------------------------------------------------------------ */

/* Its exponential against libm's over the range the AdEx term uses (and
 * beyond, both signs): within 2 ulp (4.5e-16 relative), and exact at 0. */
TEST(neuron_aeif_exp_lanes_accuracy) {
  double worst = 0.0;
  for (int i = -700000; i <= 700000; i++) {
    double x = i * 1e-3 + 1.234567e-5;
    double want = exp(x), got = lyra__exp_lanes(x);
    worst = fmax(worst, fabs(got - want) / want);
  }
  CHECK(worst < 4.5e-16);
  CHECK(lyra__exp_lanes(0.0) == 1.0);
}

/* integrator rk4 against an independent RK4 of NEST's aeif_cond_exp
 * equations written here with libm's exp and NEST's divisions (the same
 * right-hand side as the GSL comparison above), one step per dt, spike
 * test and reset at the end of the step: the same spike steps over 500 ms
 * and V_m, w within 1e-8 (rounding differences of order 1e-14, which the
 * reset sequence does not amplify). */
TEST(neuron_aeif_rk4_matches_independent_rk4) {
  adex_ref p = adex_defaults();
  double y[4] = {p.e_l, 0.0, 0.0, 0.0}, in[ADEX_STEPS] = {0};
  adex_input_steps(in);
  lyra_network *net = adex_lyra(&p, 1.0, "integrator", 1.0);
  if (!net)
    return;
  double worst = 0.0;
  int spikes = 0, refr = 0;
  for (int s = 0; s < ADEX_STEPS; s++) {
    double k[4][4], yt[4];
    p.r = refr;
    adex_ref_rhs(0.0, y, k[0], &p);
    for (int j = 0; j < 4; j++)
      yt[j] = y[j] + 0.5 * DT * k[0][j];
    adex_ref_rhs(0.0, yt, k[1], &p);
    for (int j = 0; j < 4; j++)
      yt[j] = y[j] + 0.5 * DT * k[1][j];
    adex_ref_rhs(0.0, yt, k[2], &p);
    for (int j = 0; j < 4; j++)
      yt[j] = y[j] + DT * k[2][j];
    adex_ref_rhs(0.0, yt, k[3], &p);
    for (int j = 0; j < 4; j++)
      y[j] += DT / 6.0 * (k[0][j] + 2.0 * k[1][j] + 2.0 * k[2][j] + k[3][j]);
    int spike = 0;
    if (refr > 0) {
      y[0] = p.v_reset;
      refr--;
    } else if (y[0] >= p.v_peak) {
      y[0] = p.v_reset;
      y[1] += p.b;
      refr = 10; /* t_ref 1 ms */
      spike = 1;
    }
    if (in[s] > 0)
      y[2] += in[s];
    else
      y[3] -= in[s];
    uint64_t before = spike_count(net);
    step(net);
    if ((spike_count(net) != before) != spike)
      test_fail(__FILE__, __LINE__, "step %d: spike mismatch", s);
    spikes += spike;
    worst = fmax(worst, fabs(get(net, "V_m") - y[0]));
    worst = fmax(worst, fabs(get(net, "w") - y[1]));
  }
  CHECK(spikes >= 10);
  if (!(worst < 1e-8))
    test_fail(__FILE__, __LINE__, "worst difference %g", worst);
  lyra_network_destroy(net);
}

/* The catalogue says for every neuron model what `lyra models NAME` and
 * docs/models.md promise: equations, integration scheme, receptor ports,
 * and units for every parameter and state variable. */
TEST(neuron_catalogue_complete) {
  int neurons = 0;
  for (size_t i = 0; i < lyra_model_info_count(); i++) {
    const lyra_model_info *m = lyra_model_info_at(i);
    if (strcmp(m->kind, "neuron") != 0)
      continue;
    neurons++;
    if (!m->equations || !m->integration || !m->receptors || !m->doc ||
        !m->receptors[0])
      test_fail(__FILE__, __LINE__, "%s: incomplete catalogue entry", m->name);
    for (size_t k = 0; k < m->n_params; k++)
      if (!m->params[k].unit || !m->params[k].doc)
        test_fail(__FILE__, __LINE__, "%s.%s: no unit or doc", m->name,
                  m->params[k].name);
  }
  CHECK(neurons >= 13);
}
