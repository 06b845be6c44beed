/*
 * Receptor ports, list parameters and choice parameters, and the model
 * that uses them, iaf_psc_exp_multisynapse. Test names start with
 * neuron_multisynapse_ (the `neuron` area); the determinism test also
 * contains "golden" and the plastic one "plastic", so that they run in
 * those areas too (and under ThreadSanitizer).
 *
 * Time conventions as in test_neurons.c: a spike_generator spike at t_s
 * with delay d makes the port's current jump to w at readout
 * T0 = t_s + d; V_m leaves rest from T0 + h on; the response is
 * PSP(t - T0) with PSP the continuous closed form.
 *
 * Tolerances. NEST's reference values are printed to 6 significant
 * digits, so |V_m - ref| <= 5e-5 mV (half a unit of the last digit of a
 * value near -70 mV), plus 1e-9 for the rounding of the bound itself.
 * The closed-form comparisons use the tolerance of the exact models in
 * test_neurons.c: relative 1e-9 on V_m - E_L with a floor of 1e-11 mV
 * (V_m is stored near -70 mV, where each step rounds by ~1.4e-14 mV;
 * these roundings decay with exp(-h/tau_m) and add up to ~1.4e-12 mV). A
 * wrong propagator, a port using another port's tau_syn or a one-step
 * timing error is off by 1e-3 relative or more. The currents I_syn_k
 * decay by one multiplication per step: after N steps their relative
 * rounding error is at most ~N ulp, 1e-13 for the 5000 steps here, so
 * 1e-10 relative is safe and still far below any modelling error.
 */
#include "lyra.h"
#include "lyra_internal.h"
#include "models/models.h"
#include "neuron_test.h"
#include "spec/yaml_internal.h"
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H 0.1
#define MS "iaf_psc_exp_multisynapse"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* A model with dt = H and one population "M" of n multisynapse neurons
 * with the given tau_syn. */
static lyra_model *multi(const double *tau_syn, size_t n_ports, uint32_t n) {
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  if (!m)
    return NULL;
  CHECK(lyra_model_set_dt(m, H) == 0);
  CHECK(lyra_model_add_population(m, "M", MS, n, NULL) == 0);
  if (lyra_model_set_param_list(m, 0, "tau_syn", tau_syn, n_ports) != 0)
    test_fail(__FILE__, __LINE__, "tau_syn: %s", lyra_model_errmsg(m));
  return m;
}

/* One spike at t ms onto receptor port `port` of population pop. */
static void add_spike(lyra_model *m, int pop, double t, double w, double delay,
                      int port) {
  int dev = -1;
  CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
  CHECK(lyra_model_set_device_spike_times(m, dev, &t, 1) == 0);
  if (lyra_model_connect_device(m, dev, pop, w, delay,
                                LYRA_RECEPTOR_PORT(port)) != 0)
    test_fail(__FILE__, __LINE__, "connect: %s", lyra_model_errmsg(m));
}

/* ------------------------------------------------------------------ */
/* (a) NEST's test_iaf_psc_exp_multisynapse.sli                        */
/* ------------------------------------------------------------------ */

/* Four ports, tau_syn [2, 20, 60, 100] ms; one spike at 0.1 ms onto port
 * k with weight [30, 50, 20, 10] pA and delay [7, 5, 2, 1] ms; V_m at the
 * steps NEST's test lists (its expected values, 6 significant digits). */
TEST(neuron_multisynapse_nest_reference) {
  static const double taus[] = {2.0, 20.0, 60.0, 100.0};
  static const double delays[] = {7.0, 5.0, 2.0, 1.0};
  static const double weights[] = {30.0, 50.0, 20.0, 10.0};
  static const struct {
    int step;
    double v;
  } ref[] = {
      {1, -70},       {2, -70},       {3, -70},       {4, -70},
      {5, -70},       {6, -70},       {7, -70},       {8, -70},
      {9, -70},       {10, -70},      {11, -70},      {12, -69.9960},
      {13, -69.9921}, {14, -69.9882}, {15, -69.9843}, {20, -69.9657},
      {21, -69.9621}, {22, -69.9506}, {23, -69.9392}, {24, -69.928},
      {25, -69.9169}, {50, -69.6771}, {51, -69.6689}, {52, -69.641},
      {53, -69.6134}, {54, -69.5863}, {55, -69.5595}, {70, -69.2011},
      {71, -69.18},   {72, -69.1474}, {73, -69.1159}, {74, -69.0854},
      {75, -69.0557},
  };
  lyra_model *m = multi(taus, 4, 1);
  if (!m)
    return;
  /* one generator with four connections, as NEST's test */
  int dev = -1;
  double t = 0.1;
  CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
  CHECK(lyra_model_set_device_spike_times(m, dev, &t, 1) == 0);
  for (int k = 0; k < 4; k++)
    CHECK(lyra_model_connect_device(m, dev, 0, weights[k], delays[k],
                                    LYRA_RECEPTOR_PORT(k + 1)) == 0);
  lyra_network *net = build(m);
  if (!net)
    return;
  size_t next = 0;
  for (int s = 1; s <= 80; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    if (next < sizeof ref / sizeof ref[0] && ref[next].step == s) {
      double v = get(net, "V_m");
      if (!(fabs(v - ref[next].v) <= 5e-5 + 1e-9))
        test_fail(__FILE__, __LINE__, "step %d: V_m %.8f, NEST %.6g", s, v,
                  ref[next].v);
      next++;
    }
  }
  CHECK_EQ_INT(next, sizeof ref / sizeof ref[0]);
  lyra_network_destroy(net);
}

/* NEST's second check: tau_syn [40, 20, 30, 25], weights [1, 0.5, 2, 1],
 * delays [1, 3, 10, 10], spike at 10 ms: I_syn_k(t) = W_k exp(-(t - t0)
 * / tau_k) from t0 = 10 + delay_k on, 0 before (NEST: within 1e-7; here
 * relative 1e-10, see the file comment), for 500 ms. I_syn is their sum. */
TEST(neuron_multisynapse_nest_currents) {
  static const double taus[] = {40.0, 20.0, 30.0, 25.0};
  static const double weights[] = {1.0, 0.5, 2.0, 1.0};
  static const double delays[] = {1.0, 3.0, 10.0, 10.0};
  static const char *const vars[] = {"I_syn_1", "I_syn_2", "I_syn_3",
                                     "I_syn_4"};
  lyra_model *m = multi(taus, 4, 1);
  if (!m)
    return;
  for (int k = 0; k < 4; k++)
    add_spike(m, 0, 10.0, weights[k], delays[k], k + 1);
  lyra_network *net = build(m);
  if (!net)
    return;
  maxerr e[5] = {{-1, -1, 0, 0},
                 {-1, -1, 0, 0},
                 {-1, -1, 0, 0},
                 {-1, -1, 0, 0},
                 {-1, -1, 0, 0}};
  for (long s = 1; s <= 5000; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    double t = (double)s * H, sum = 0.0;
    for (int k = 0; k < 4; k++) {
      double t0 = 10.0 + delays[k];
      /* readouts are on the grid: compare steps, not rounded times */
      long s0 = lround(t0 / H);
      double want = s >= s0 ? weights[k] * exp(-(t - t0) / taus[k]) : 0.0;
      maxerr_add(&e[k], s, get(net, vars[k]), want,
                 1e-10 * fmax(fabs(want), 1e-12));
      sum += want;
    }
    maxerr_add(&e[4], s, get(net, "I_syn"), sum, 1e-10 * fmax(sum, 1e-12));
  }
  for (int k = 0; k < 4; k++)
    CHECK_MAXERR(e[k], vars[k]);
  CHECK_MAXERR(e[4], "I_syn");
  lyra_network_destroy(net);
}

/* ------------------------------------------------------------------ */
/* (b) each port's PSP is the closed form with its own tau_syn          */
/* ------------------------------------------------------------------ */

/* Three ports with tau_syn 0.5, 3 and 10 ms (= tau_m: the limit form),
 * one spike onto each at a different time, of either sign; V_m is the sum
 * of the three closed-form PSPs. Each port alone is checked too, so that
 * ports swapped among themselves cannot pass. */
TEST(neuron_multisynapse_psp_per_port) {
  static const double taus[] = {0.5, 3.0, 10.0};
  static const double t_s[] = {1.0, 2.0, 3.0}, d[] = {1.0, 2.0, 0.5};
  static const double w[] = {100.0, -200.0, 150.0};
  const double c_m = 250.0, tau_m = 10.0, e_l = -70.0;
  for (int only = -1; only < 3; only++) { /* -1: all three */
    lyra_model *m = multi(taus, 3, 1);
    if (!m)
      return;
    for (int k = 0; k < 3; k++)
      if (only < 0 || only == k)
        add_spike(m, 0, t_s[k], w[k], d[k], k + 1);
    lyra_network *net = build(m);
    if (!net)
      return;
    maxerr e = {-1, -1, 0, 0};
    for (long s = 1; s <= 600; s++) {
      CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
      double ref = 0.0;
      for (int k = 0; k < 3; k++)
        if (only < 0 || only == k) {
          /* T0 on the grid: the readout step of t_s + d */
          double t0 = (double)lround((t_s[k] + d[k]) / H) * H;
          ref += psp_exp(w[k], c_m, tau_m, taus[k], (double)s * H - t0);
        }
      maxerr_add(&e, s, get(net, "V_m") - e_l, ref,
                 1e-9 * fmax(fabs(ref), 1e-2));
    }
    char what[64];
    snprintf(what, sizeof what, "V_m - E_L, port %d%s", only + 1,
             only < 0 ? " (all ports)" : "");
    CHECK_MAXERR(e, what);
    CHECK(get(net, "V_m") != e_l); /* the input did arrive */
    lyra_network_destroy(net);
  }
}

/* A dc_generator feeds the current input, after the last port: with
 * delay d it acts from start + d + h on, I R (1 - exp(-t/tau_m)). */
TEST(neuron_multisynapse_dc_input) {
  static const double taus[] = {1.0, 2.0, 3.0};
  const double amp = 100.0, start = 5.0, d = 1.0, c_m = 250.0, tau_m = 10.0;
  lyra_model *m = multi(taus, 3, 1);
  if (!m)
    return;
  int dev = -1;
  CHECK(lyra_model_add_device(m, "dc_generator", &dev) == 0);
  CHECK(lyra_model_set_device_param(m, dev, "amplitude", amp) == 0);
  CHECK(lyra_model_set_device_param(m, dev, "start", start) == 0);
  CHECK(lyra_model_connect_device(m, dev, 0, 1.0, d, LYRA_RECEPTOR_AUTO) == 0);
  lyra_network *net = build(m);
  if (!net)
    return;
  maxerr e = {-1, -1, 0, 0};
  for (long s = 1; s <= 400; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    double t = (double)(s - lround((start + d) / H) - 1) * H;
    double ref = t <= 0 ? 0.0 : amp * tau_m / c_m * -expm1(-t / tau_m);
    maxerr_add(&e, s, get(net, "V_m") + 70.0, ref,
               1e-9 * fmax(fabs(ref), 1e-2));
  }
  CHECK_MAXERR(e, "V_m - E_L under a dc_generator");
  CHECK(get(net, "I_syn") == 0.0); /* no port took the current */
  lyra_network_destroy(net);
}

/* The refractory clamp and a spike: a strong input on port 2 fires the
 * neuron once; V_m is then held at V_reset for t_ref while the currents
 * keep decaying. */
TEST(neuron_multisynapse_refractory) {
  static const double taus[] = {1.0, 5.0};
  lyra_model *m = multi(taus, 2, 1);
  if (!m)
    return;
  add_spike(m, 0, 1.0, 20000.0, 1.0, 2);
  lyra_network *net = build(m);
  if (!net)
    return;
  int spiked_at = -1;
  for (int s = 1; s <= 100 && net; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    lyra_pop_stats st;
    CHECK(lyra_network_population_stats(net, 0, &st) == 0);
    if (spiked_at < 0 && st.spikes > 0) {
      spiked_at = s;
      CHECK_NEAR(get(net, "V_m"), -70.0, 0.0); /* V_reset */
    }
    /* t_ref = 2 ms: 20 steps clamped at V_reset after the spike step */
    if (spiked_at > 0 && s > spiked_at && s <= spiked_at + 20)
      CHECK_NEAR(get(net, "V_m"), -70.0, 0.0);
    if (spiked_at > 0 && s == spiked_at + 21)
      CHECK(get(net, "V_m") > -70.0); /* current still flows */
  }
  CHECK(spiked_at > 0);
  CHECK(get(net, "I_syn_1") == 0.0);
  lyra_network_destroy(net);
}

/* ------------------------------------------------------------------ */
/* (c) a model file with lists and numbered receptors                  */
/* ------------------------------------------------------------------ */

#define YAML_MODEL                                                             \
  "run: {dt: 0.1 ms, duration: 200 ms, seed: 3, "                              \
  "output: %s, threads: %d}\n"                                                 \
  "populations:\n"                                                             \
  "  E: {model: iaf_psc_exp, size: 40}\n"                                      \
  "  M:\n"                                                                     \
  "    model: iaf_psc_exp_multisynapse\n"                                      \
  "    size: 20\n"                                                             \
  "    params:\n"                                                              \
  "      tau_syn: [0.5 ms, 2 ms, 8 ms]\n"                                      \
  "      V_th: -60 mV\n"                                                       \
  "projections:\n"                                                             \
  "  - source: E\n"                                                            \
  "    target: M\n"                                                            \
  "    connect: {rule: fixed_indegree, "                                       \
  "indegree: 10}\n"                                                            \
  "    synapse: {weight: {distribution: uniform, "                             \
  "low: 50 pA, high: 150 pA}, delay: 1.5 ms, "                                 \
  "receptor: 2}\n"                                                             \
  "  - source: E\n"                                                            \
  "    target: M\n"                                                            \
  "    name: inh\n"                                                            \
  "    connect: {rule: pairwise_bernoulli, "                                   \
  "p: 0.2}\n"                                                                  \
  "    synapse: {weight: -60 pA, receptor: 1}\n"                               \
  "  - source: M\n"                                                            \
  "    target: M\n"                                                            \
  "    name: stdp\n"                                                           \
  "    connect: {rule: fixed_indegree, "                                       \
  "indegree: 5}\n"                                                             \
  "    synapse:\n"                                                             \
  "      model: stdp_synapse\n"                                                \
  "      weight: 40 pA\n"                                                      \
  "      receptor: 3\n"                                                        \
  "      params: {Wmax: 200 pA}\n"                                             \
  "devices:\n"                                                                 \
  "  - model: poisson_generator\n"                                             \
  "    params: {rate: 15000 Hz}\n"                                             \
  "    targets: E\n"                                                           \
  "    synapse: {weight: 30 pA}\n"                                             \
  "  - model: poisson_generator\n"                                             \
  "    params: {rate: 2000 Hz}\n"                                              \
  "    targets: M\n"                                                           \
  "    synapse: {weight: 20 pA, receptor: 3}\n"                                \
  "recorders:\n"                                                               \
  "  - type: spikes\n"                                                         \
  "  - type: state\n"                                                          \
  "    population: M\n"                                                        \
  "    variables: [V_m, I_syn, I_syn_1, I_syn_3]\n"                            \
  "    neurons: {first: 5}\n"                                                  \
  "    interval: 0.5 ms\n"                                                     \
  "  - type: weights\n"                                                        \
  "    projection: stdp\n"                                                     \
  "    interval: 50 ms\n"

static lyra_network *yaml_network(const char *dir, int threads) {
  char text[4096];
  snprintf(text, sizeof text, YAML_MODEL, dir, threads);
  return test_network_from_text(text, "multisynapse.yaml");
}

TEST(neuron_multisynapse_yaml_runs) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s/ms_yaml", test_tmpdir());
  lyra_network *net = yaml_network(dir, 1);
  if (!net)
    return;
  CHECK(lyra_network_simulate(net, 200.0, NULL, NULL) == 0);
  lyra_pop_stats st;
  CHECK(lyra_network_population_stats(net, 1, &st) == 0);
  CHECK(st.spikes > 0);
  /* port 2 only gets excitation from E, port 1 only inhibition, port 3
   * the Poisson drive and the plastic synapses: each current has its
   * sign and they add up to I_syn */
  double i1 = 0, i2 = 0, i3 = 0, sum = 0, x;
  for (uint32_t j = 0; j < 20; j++) {
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_1", &x) == 0);
    i1 = fmin(i1, x);
    sum -= x;
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_2", &x) == 0);
    i2 = fmax(i2, x);
    sum -= x;
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_3", &x) == 0);
    i3 = fmax(i3, x);
    sum -= x;
    CHECK(lyra_network_get_state(net, 1, j, "I_syn", &x) == 0);
    sum += x;
  }
  CHECK(i1 < 0 && i2 > 0 && i3 > 0);
  CHECK_NEAR(sum, 0.0, 1e-9);
  CHECK(lyra_network_get_state(net, 1, 0, "I_syn_4", &x) == LYRA_ENOTFOUND);
  CHECK(lyra_network_get_state(net, 1, 0, "I_syn_0", &x) == LYRA_ENOTFOUND);
  CHECK(lyra_network_finish(net) == 0);
  lyra_network_destroy(net);
  const char *files[] = {"M.I_syn_3.lystate", "M.I_syn_3.dat",
                         "M.I_syn_1.lystate", "stdp.lywgt"};
  for (int k = 0; k < 4; k++) {
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, files[k]);
    if (!test_exists(path))
      test_fail(__FILE__, __LINE__, "%s missing", path);
  }
  /* the state file reads back, with the per-port variable's name */
  char path[700], err[256];
  snprintf(path, sizeof path, "%s/M.I_syn_3.lystate", dir);
  lyra_state *s = NULL;
  CHECK(lyra_state_read(path, &s, err, sizeof err) == 0);
  if (s) {
    CHECK_STR_CONTAINS(s->variable, "I_syn_3");
    CHECK_STR_CONTAINS(s->unit, "pA");
    CHECK(s->n == 400 && s->n_neurons == 5);
  }
  lyra_state_free(s);
}

/* ------------------------------------------------------------------ */
/* (e) determinism: byte-identical files for 1, 2 and 3 threads         */
/* ------------------------------------------------------------------ */

TEST(neuron_multisynapse_golden_threads) {
  const int threads[] = {1, 2, 3};
  const char *files[] = {"E.spikes.lyspk",    "M.spikes.lyspk",
                         "M.V_m.lystate",     "M.I_syn_3.lystate",
                         "M.I_syn_1.lystate", "stdp.lywgt"};
  char dir[3][512];
  for (int k = 0; k < 3; k++) {
    snprintf(dir[k], sizeof dir[k], "%s/ms_threads_%d", test_tmpdir(),
             threads[k]);
    lyra_network *net = yaml_network(dir[k], threads[k]);
    if (!net)
      return;
    CHECK(lyra_network_simulate(net, 120.0, NULL, NULL) == 0);
    CHECK(lyra_network_simulate(net, 80.0, NULL, NULL) == 0);
    CHECK(lyra_network_finish(net) == 0);
    lyra_network_destroy(net);
  }
  for (int k = 1; k < 3; k++)
    for (int f = 0; f < 6; f++) {
      char a[700], b[700];
      snprintf(a, sizeof a, "%s/%s", dir[0], files[f]);
      snprintf(b, sizeof b, "%s/%s", dir[k], files[f]);
      if (!test_same_file(a, b))
        test_fail(__FILE__, __LINE__, "%s differs with %d threads", files[f],
                  threads[k]);
    }
}

#define PLASTIC_MODEL                                                          \
  "run: {dt: 0.1 ms, seed: 5, output: %s}\n"                                   \
  "populations:\n"                                                             \
  "  P: {model: iaf_psc_delta, size: 10, params: {I_e: "                       \
  "500 pA}}\n"                                                                 \
  "  M:\n"                                                                     \
  "    model: iaf_psc_exp_multisynapse\n"                                      \
  "    size: 4\n"                                                              \
  "    params: {tau_syn: [1 ms, 2 ms, 3 ms, 4 ms], "                           \
  "I_e: 400 pA}\n"                                                             \
  "projections:\n"                                                             \
  "  - source: P\n"                                                            \
  "    target: M\n"                                                            \
  "    name: plastic\n"                                                        \
  "    synapse: {model: stdp_synapse, weight: 50 pA, "                         \
  "receptor: 3, params: {Wmax: 100 pA}}\n"

/* A plastic projection onto port 3 delivers into port 3 only, and its
 * weights change. */
TEST(neuron_multisynapse_plastic_port) {
  char buf[1024], dir[512];
  snprintf(dir, sizeof dir, "%s/ms_plastic", test_tmpdir());
  snprintf(buf, sizeof buf, PLASTIC_MODEL, dir);
  lyra_network *net = test_network_from_text(buf, "plastic.yaml");
  if (!net)
    return;
  CHECK(lyra_network_simulate(net, 300.0, NULL, NULL) == 0);
  double x;
  int moved = 0;
  for (uint32_t j = 0; j < 4; j++) {
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_1", &x) == 0 && x == 0);
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_2", &x) == 0 && x == 0);
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_4", &x) == 0 && x == 0);
  }
  lyra_pop_stats st;
  CHECK(lyra_network_population_stats(net, 0, &st) == 0 && st.spikes > 0);
  CHECK(lyra_network_population_stats(net, 1, &st) == 0 && st.spikes > 0);
  lyra_synapse syn[40];
  CHECK(lyra_network_get_synapses(net, 0, syn, 40) == 40);
  for (int k = 0; k < 40; k++)
    moved += syn[k].weight != 50.0;
  CHECK(moved > 0);
  /* the current of port 3 is the sum of decaying weights: positive once
   * P has fired */
  double i3 = 0;
  for (uint32_t j = 0; j < 4; j++) {
    CHECK(lyra_network_get_state(net, 1, j, "I_syn_3", &x) == 0);
    i3 += x;
  }
  CHECK(i3 > 0);
  lyra_network_destroy(net);
}

/* ------------------------------------------------------------------ */
/* (d) bad input                                                        */
/* ------------------------------------------------------------------ */

/* The first error of loading text, or "" if it loads. */
static void load_error(const char *text, char *out, size_t cap) {
  lyra_model *m = NULL;
  out[0] = '\0';
  CHECK(lyra_model_create(&m) == 0);
  if (!m)
    return;
  int rc = lyra_model_load_string(m, text, strlen(text), "bad.yaml");
  if (rc != 0)
    snprintf(out, cap, "%s", lyra_model_errmsg(m));
  CHECK(rc < 0 || lyra_model_population_count(m) > 0);
  lyra_model_destroy(m);
}

#define CHECK_LOAD_FAILS(text, ...)                                            \
  do {                                                                         \
    char e_[1024];                                                             \
    load_error(text, e_, sizeof e_);                                           \
    const char *want_[] = {__VA_ARGS__};                                       \
    if (!e_[0])                                                                \
      test_fail(__FILE__, __LINE__, "loaded: %s", text);                       \
    for (size_t i_ = 0; e_[0] && i_ < sizeof want_ / sizeof want_[0]; i_++)    \
      CHECK_STR_CONTAINS(e_, want_[i_]);                                       \
  } while (0)

#define POP_M                                                                  \
  "populations:\n"                                                             \
  "  E: {model: iaf_psc_exp, size: 2}\n"                                       \
  "  M:\n"                                                                     \
  "    model: iaf_psc_exp_multisynapse\n"                                      \
  "    size: 2\n"

#define PROJ_M                                                                 \
  POP_M "    params: {tau_syn: [1 ms, 2 ms]}\n"                                \
        "projections:\n"                                                       \
        "  - source: E\n"                                                      \
        "    target: M\n"                                                      \
        "    synapse: {weight: 1 pA%s}\n"

#define REC_M                                                                  \
  POP_M "    params: {tau_syn: [1 ms, 2 ms]}\n"                                \
        "recorders:\n"                                                         \
        "  - type: state\n"                                                    \
        "    population: M\n"                                                  \
        "    variables: %s\n"                                                  \
        "    neurons: [0]\n"

TEST(neuron_multisynapse_bad_yaml) {
  /* a tau_syn element <= 0: element and port named */
  CHECK_LOAD_FAILS(POP_M "    params: {tau_syn: [1 ms, -2 ms]}\n",
                   "bad.yaml:6:", "population 'M'", "tau_syn", "must be > 0 ms",
                   "element 2 (receptor port 2)");
  CHECK_LOAD_FAILS(POP_M "    params: {tau_syn: [1 ms, 0 ms]}\n", "tau_syn",
                   "got 0");
  /* an empty list, a list for a scalar, a list of wrong units */
  CHECK_LOAD_FAILS(POP_M "    params: {tau_syn: []}\n",
                   "bad.yaml:6:", "tau_syn", "an empty list");
  CHECK_LOAD_FAILS(POP_M "    params: {tau_m: [10 ms, 20 ms]}\n",
                   "bad.yaml:6:", "tau_m", "found a list", "not a list");
  CHECK_LOAD_FAILS(POP_M "    params: {tau_syn: [1 ms, 2 mV]}\n",
                   "bad.yaml:6:", "'2 mV'");
  CHECK_LOAD_FAILS(POP_M "    params: {tau_syn: {a: 1 ms}}\n",
                   "bad.yaml:6:", "tau_syn", "a mapping");
  /* receptors: missing (auto), named, 0, out of range, a word */
  char t[2048];
  snprintf(t, sizeof t, PROJ_M, "");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "projection from 'E' to 'M'",
                   "receptor auto", "population 'M'", MS, "1..2");
  snprintf(t, sizeof t, PROJ_M, ", receptor: excitatory");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "receptor excitatory", MS, "1..2");
  snprintf(t, sizeof t, PROJ_M, ", receptor: 3");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "projection from 'E' to 'M'",
                   "receptor 3", "out of range", MS, "1..2");
  snprintf(t, sizeof t, PROJ_M, ", receptor: 0");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "receptor port", "'0'");
  snprintf(t, sizeof t, PROJ_M, ", receptor: -1");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "receptor port", "'-1'");
  snprintf(t, sizeof t, PROJ_M, ", receptor: 1.5");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "receptor port", "'1.5'");
  snprintf(t, sizeof t, PROJ_M, ", receptor: fast");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "expected a receptor", "'fast'");
  snprintf(t, sizeof t, PROJ_M, ", receptor: 99999999999999999999");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "receptor port");
  /* a port onto a model without numbered ports */
  CHECK_LOAD_FAILS(POP_M "projections:\n"
                         "  - source: M\n"
                         "    target: E\n"
                         "    synapse: {weight: 1 pA, receptor: 1}\n",
                   "bad.yaml:9:", "projection from 'M' to 'E'", "receptor 1",
                   "population 'E'", "iaf_psc_exp",
                   "no numbered receptor ports");
  /* devices */
  CHECK_LOAD_FAILS(POP_M "devices:\n"
                         "  - model: poisson_generator\n"
                         "    targets: M\n"
                         "    synapse: {weight: 1 pA}\n",
                   "bad.yaml:9:", "device 0 (poisson_generator)",
                   "receptor auto", "population 'M'", "1..1");
  CHECK_LOAD_FAILS(POP_M "devices:\n"
                         "  - model: spike_generator\n"
                         "    spike_times: [1 ms]\n"
                         "    targets: M\n"
                         "    synapse: {weight: 1 pA, receptor: 2}\n",
                   "bad.yaml:10:", "device 0 (spike_generator)", "receptor 2",
                   "out of range", "1..1");
  CHECK_LOAD_FAILS(POP_M "devices:\n"
                         "  - model: spike_generator\n"
                         "    spike_times: [1 ms]\n"
                         "    targets: E\n"
                         "    synapse: {weight: 1 pA, receptor: 1}\n",
                   "bad.yaml:10:", "population 'E'",
                   "no numbered receptor ports");
  /* a current ignores the receptor */
  char e[1024];
  load_error(POP_M "devices:\n"
                   "  - model: dc_generator\n"
                   "    targets: M\n",
             e, sizeof e);
  CHECK_EQ_INT(e[0], 0);
  /* per-port state variables: beyond the ports, or unknown */
  snprintf(t, sizeof t, REC_M, "I_syn_3");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "I_syn_3", "population 'M'", "1..2");
  snprintf(t, sizeof t, REC_M, "I_syn_x");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "unknown state variable", "I_syn_x",
                   "I_syn_1 .. I_syn_2");
  snprintf(t, sizeof t, REC_M, "I_syn_01");
  CHECK_LOAD_FAILS(t, "bad.yaml:10:", "unknown state variable");
}

/* The same rules through the C API, and what only the API can do:
 * change the port count after a projection is added. */
TEST(neuron_multisynapse_bad_api) {
  static const double two[] = {1.0, 2.0}, three[] = {1.0, 2.0, 3.0};
  static const double bad[] = {1.0, (double)NAN};
  lyra_model *m = multi(three, 3, 2);
  if (!m)
    return;
  int e = -1;
  CHECK(lyra_model_add_population(m, "E", "iaf_psc_exp", 2, &e) == 0);
  /* scalar setter on a list, list setter on a scalar, empty, NaN */
  CHECK(lyra_model_set_param(m, 0, "tau_syn", 2.0) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_syn is a list parameter");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "lyra_model_set_param_list");
  CHECK(lyra_model_set_param_list(m, 0, "tau_m", two, 2) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_m is a single value");
  CHECK(lyra_model_set_param_list(m, e, "tau_syn_ex", two, 2) == LYRA_EINVAL);
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", two, 0) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "at least one value");
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", NULL, 2) == LYRA_EINVAL);
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", bad, 2) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "element 2 of tau_syn is NaN");
  CHECK(lyra_model_set_param_list(m, 0, "nope", two, 2) == LYRA_ENOTFOUND);
  CHECK(lyra_model_set_param_list(m, 7, "tau_syn", two, 2) == LYRA_EINVAL);
  /* receptors of projections */
  lyra_projection_spec s;
  lyra_projection_spec_init(&s);
  s.source = e;
  s.target = 0;
  CHECK(lyra_model_add_projection(m, &s, NULL) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "projection 'E-M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "receptor auto");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "population 'M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), MS);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "1..3");
  s.receptor = LYRA_RECEPTOR_PORT(4);
  CHECK(lyra_model_add_projection(m, &s, NULL) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "receptor 4");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "out of range");
  s.receptor = (lyra_receptor)-1;
  CHECK(lyra_model_add_projection(m, &s, NULL) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "unknown receptor -1");
  CHECK_EQ_INT(lyra_model_projection_count(m), 0);
  s.receptor = LYRA_RECEPTOR_PORT(3);
  CHECK(lyra_model_add_projection(m, &s, NULL) == 0);
  /* a port onto iaf_psc_exp */
  s.source = 0;
  s.target = e;
  s.receptor = LYRA_RECEPTOR_PORT(1);
  CHECK(lyra_model_add_projection(m, &s, NULL) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "projection 'M-E'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "population 'E'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "no numbered receptor ports");
  /* devices: a spike device needs a port, a current does not */
  int dev = -1, dc = -1;
  CHECK(lyra_model_add_device(m, "poisson_generator", &dev) == 0);
  CHECK(lyra_model_connect_device(m, dev, 0, 1.0, 1.0, LYRA_RECEPTOR_AUTO) ==
        LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "device 0 (poisson_generator)");
  CHECK(lyra_model_connect_device(m, dev, e, 1.0, 1.0, LYRA_RECEPTOR_PORT(2)) ==
        LYRA_EINVAL);
  CHECK(lyra_model_connect_device(m, dev, 0, 1.0, 1.0, LYRA_RECEPTOR_PORT(2)) ==
        0);
  CHECK(lyra_model_add_device(m, "dc_generator", &dc) == 0);
  CHECK(lyra_model_connect_device(m, dc, 0, 1.0, 1.0, LYRA_RECEPTOR_AUTO) == 0);
  uint32_t n0 = 0;
  CHECK(lyra_model_record_state(m, 0, "I_syn_3", &n0, 1, 1.0,
                                LYRA_FORMAT_BINARY) == 0);
  CHECK(lyra_model_record_state(m, 0, "I_syn_4", &n0, 1, 1.0,
                                LYRA_FORMAT_BINARY) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "I_syn_4");
  CHECK(lyra_model_validate(m) == 0);
  /* fewer ports after the fact: validation names each user of port 3 */
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", two, 2) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "projection 'E-M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "receptor 3");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "1..2");
  lyra_network *net = NULL;
  char err[1024] = "";
  CHECK(lyra_network_create(&net, m, err, sizeof err) == LYRA_EINVAL);
  CHECK(net == NULL);
  CHECK_STR_CONTAINS(err, "projection 'E-M'");
  /* a bad element is found by validation */
  static const double neg[] = {1.0, -1.0, 3.0};
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", neg, 3) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "population 'M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "element 2 (receptor port 2)");
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", three, 3) == 0);
  CHECK(lyra_model_validate(m) == 0);
  /* scalar constraints name the parameter */
  CHECK(lyra_model_set_param(m, 0, "C_m", 0.0) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "C_m must be > 0");
  CHECK(lyra_model_set_param(m, 0, "C_m", 250.0) == 0);
  CHECK(lyra_model_set_param(m, 0, "V_reset", -50.0) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "V_reset");
  CHECK(lyra_model_set_param(m, 0, "V_reset", -70.0) == 0);
  CHECK(lyra_model_set_param(m, 0, "t_ref", -1.0) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "t_ref must be >= 0");
  CHECK(lyra_model_set_param(m, 0, "t_ref", 2.0) == 0);
  CHECK(lyra_model_set_param(m, 0, "tau_m", -1.0) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_m must be > 0");
  lyra_model_destroy(m);
}

/* ------------------------------------------------------------------ */
/* Unequal lists and choices: no model of the catalogue has two lists or */
/* a choice yet, so a population is given a test model: the catalogue's  */
/* iaf_psc_exp_multisynapse with a second list (E_rev, as               */
/* aeif_cond_alpha_multisynapse will have) and a choice parameter.      */
/* ------------------------------------------------------------------ */

static lyra_param_info test_params[LYRA__MAX_PARAMS];
static lyra__model_desc test_desc;

static const lyra__model_desc *test_model(void) {
  const lyra__model_desc *base = &lyra__iaf_psc_exp_multisynapse;
  size_t n = base->info.n_params;
  memcpy(test_params, base->info.params, n * sizeof *test_params);
  test_params[n] = (lyra_param_info){"E_rev", "mV", 0.0, "reversal", 1, NULL};
  test_params[n + 1] =
      (lyra_param_info){"integrator", "", 0.0, "scheme", 0, "rkf45|rk4|euler"};
  test_desc = *base;
  test_desc.info.params = test_params;
  test_desc.info.n_params = n + 2;
  return &test_desc;
}

/* A model with population 0 of the test model. */
static lyra_model *test_model_pop(void) {
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  if (!m)
    return NULL;
  CHECK(lyra_model_add_population(m, "M", MS, 1, NULL) == 0);
  m->pops[0].model = test_model();
  m->pops[0].params[test_desc.info.n_params - 2] = 0.0; /* E_rev */
  m->pops[0].params[test_desc.info.n_params - 1] = 0.0; /* integrator */
  return m;
}

TEST(neuron_multisynapse_unequal_lists) {
  static const double taus[] = {1.0, 2.0, 3.0}, erev[] = {0.0, -80.0};
  lyra_model *m = test_model_pop();
  if (!m)
    return;
  CHECK(lyra_model_validate(m) == 0); /* both default: one port */
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", taus, 3) == 0);
  /* E_rev unset has one element: NEST wants both lists when the port
   * count changes */
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "population 'M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_syn and E_rev");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "same length");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_syn has 3, E_rev 1");
  CHECK(lyra_model_set_param_list(m, 0, "E_rev", erev, 2) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "tau_syn has 3, E_rev 2");
  /* the network refuses it too, and nothing is built */
  lyra_network *net = NULL;
  char err[1024] = "";
  CHECK(lyra_network_create(&net, m, err, sizeof err) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "same length");
  CHECK(lyra_model_set_param_list(m, 0, "tau_syn", taus, 2) == 0);
  CHECK(lyra_model_validate(m) == 0);
  lyra_model_destroy(m);
}

TEST(neuron_multisynapse_choices_api) {
  lyra_model *m = test_model_pop();
  if (!m)
    return;
  CHECK(lyra_model_set_param(m, 0, "integrator", 1.0) == 0);
  CHECK(lyra_model_set_param(m, 0, "integrator", 2.0) == 0);
  const double bad[] = {3.0, -1.0, 0.5, (double)INFINITY};
  for (int k = 0; k < 4; k++) {
    CHECK(lyra_model_set_param(m, 0, "integrator", bad[k]) == LYRA_EINVAL);
    CHECK_STR_CONTAINS(lyra_model_errmsg(m), "integrator");
    CHECK_STR_CONTAINS(lyra_model_errmsg(m), "0 (rkf45), 1 (rk4), 2 (euler)");
  }
  CHECK_EQ_INT((int)m->pops[0].params[test_desc.info.n_params - 1], 2);
  lyra_model_destroy(m);
}

/* The YAML side of choices and lists, through the loader's params reader
 * (the population's catalogue entry is the test model). */
static int load_params(lyra_model *m, const char *text, char *err, size_t cap) {
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = -100;
  err[0] = '\0';
  if (!yaml_parser_initialize(&parser))
    return rc;
  yaml_parser_set_input_string(&parser, (const unsigned char *)text,
                               strlen(text));
  if (yaml_parser_load(&parser, &doc)) {
    lyra__yctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.doc = &doc;
    c.name = "params.yaml";
    rc = lyra__yaml_params(&c, yaml_document_get_root_node(&doc),
                           &test_desc.info, "the params", "",
                           lyra_model_set_param, 0);
    snprintf(err, cap, "%s", c.err);
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  return rc;
}

TEST(neuron_multisynapse_choices_yaml) {
  lyra_model *m = test_model_pop();
  char err[1024];
  if (!m)
    return;
  const int ic = (int)test_desc.info.n_params - 1;
  CHECK(load_params(m, "integrator: rk4\n", err, sizeof err) == 0);
  CHECK_EQ_INT((int)m->pops[0].params[ic], 1);
  CHECK(load_params(m, "{tau_m: 20 ms, integrator: euler}", err, sizeof err) ==
        0);
  CHECK_EQ_INT((int)m->pops[0].params[ic], 2);
  CHECK(load_params(m, "{tau_syn: [1 ms, 3 ms], E_rev: [0 mV, -85 mV]}", err,
                    sizeof err) == 0);
  CHECK(m->pops[0].list_len[lyra__param_index(&test_desc.info, "tau_syn")] ==
        2);
  CHECK(lyra_model_validate(m) == 0);
  /* a word not among the choices, a number, a list */
  CHECK(load_params(m, "\n  integrator: rk5\n", err, sizeof err) ==
        LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "params.yaml:2:15: ");
  CHECK_STR_CONTAINS(err, "integrator (one of: rkf45, rk4, euler)");
  CHECK_STR_CONTAINS(err, "'rk5'");
  CHECK(load_params(m, "integrator: 1\n", err, sizeof err) == LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "one of: rkf45, rk4, euler");
  CHECK(load_params(m, "integrator: [rk4]\n", err, sizeof err) == LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "not a list");
  CHECK_EQ_INT((int)m->pops[0].params[ic], 2); /* unchanged */
  lyra_model_destroy(m);
}

/* ------------------------------------------------------------------ */
/* aeif_cond_alpha_multisynapse                                        */
/* ------------------------------------------------------------------ */

#define AEIF_MS "aeif_cond_alpha_multisynapse"

/* A population of one aeif_cond_alpha_multisynapse neuron with these
 * ports. */
static int add_aeif_ms(lyra_model *m, const char *name, const double *e_rev,
                       const double *tau, size_t n) {
  int pop = -1;
  CHECK(lyra_model_add_population(m, name, AEIF_MS, 1, &pop) == 0);
  if (lyra_model_set_param_list(m, pop, "E_rev", e_rev, n) != 0 ||
      lyra_model_set_param_list(m, pop, "tau_syn", tau, n) != 0)
    test_fail(__FILE__, __LINE__, "lists: %s", lyra_model_errmsg(m));
  return pop;
}

/* NEST's test_aeif_cond_alpha_multisynapse.sli, part 1: one multisynapse
 * neuron with ports tau_syn [0.2, 2, 3, 3] ms (E_rev 0, 0, 0, -85 mV)
 * gets one spike per port at 100 ms with delays [1, 250, 500, 1000] ms
 * and weights |[1, 1, 1, -1]| nS; four aeif_cond_alpha neurons get one of
 * the spikes each (tau_syn_ex = tau_syn_in = that port's). In the window
 * of each spike the multisynapse V_m must follow that neuron's within
 * 2e-3 mV, NEST's tolerance: the earlier responses have decayed and the
 * integrators are the same, but the sums run in a different order. */
TEST(neuron_multisynapse_aeif_matches_aeif_cond_alpha) {
  static const double tau[4] = {0.2, 2.0, 3.0, 3.0};
  static const double e_rev[4] = {0.0, 0.0, 0.0, -85.0};
  static const double w[4] = {1.0, 1.0, 1.0, -1.0};
  static const double delay[4] = {1.0, 250.0, 500.0, 1000.0};
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  CHECK(lyra_model_set_dt(m, H) == 0);
  int ms = add_aeif_ms(m, "M", e_rev, tau, 4);
  int single[4];
  for (int k = 0; k < 4; k++) {
    char name[8];
    snprintf(name, sizeof name, "S%d", k);
    CHECK(lyra_model_add_population(m, name, "aeif_cond_alpha", 1,
                                    &single[k]) == 0);
    CHECK(lyra_model_set_param(m, single[k], "tau_syn_ex", tau[k]) == 0);
    CHECK(lyra_model_set_param(m, single[k], "tau_syn_in", tau[k]) == 0);
    add_spike(m, ms, 100.0, fabs(w[k]), delay[k], k + 1);
    int dev = -1;
    const double t = 100.0;
    CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
    CHECK(lyra_model_set_device_spike_times(m, dev, &t, 1) == 0);
    CHECK(lyra_model_connect_device(m, dev, single[k], w[k], delay[k],
                                    LYRA_RECEPTOR_AUTO) == 0);
  }
  lyra_network *net = build(m);
  if (!net)
    return;
  double worst = 0.0;
  for (long s = 1; s <= 15000; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    double t = (double)s * H;
    int k = t < 350.0 ? 0 : t < 600.0 ? 1 : t < 1100.0 ? 2 : 3;
    double vm = 0.0, vs = 0.0;
    CHECK(lyra_network_get_state(net, ms, 0, "V_m", &vm) == 0);
    CHECK(lyra_network_get_state(net, single[k], 0, "V_m", &vs) == 0);
    worst = fmax(worst, fabs(vm - vs));
  }
  CHECK(worst < 2e-3);
  lyra_network_destroy(net);
}

/* Part 3 of the same NEST test: with no membrane dynamics to speak of
 * (Delta_T = a = b = 0), each g_k follows the alpha function W_k (t -
 * t0)/tau_k exp(1 - (t - t0)/tau_k) from its arrival t0 = 10 ms + delay_k
 * within 1e-7 nS, NEST's tolerance (rkf45 at gsl_error_tol 1e-6 on
 * variables of size ~1). */
TEST(neuron_multisynapse_aeif_alpha_shape) {
  static const double e_rev[4] = {0.0, 0.0, -85.0, 20.0};
  static const double tau[4] = {40.0, 20.0, 30.0, 25.0};
  static const double w[4] = {1.0, 0.5, 2.0, 1.0};
  static const double delay[4] = {1.0, 3.0, 10.0, 10.0};
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  CHECK(lyra_model_set_dt(m, H) == 0);
  int ms = add_aeif_ms(m, "M", e_rev, tau, 4);
  CHECK(lyra_model_set_param(m, ms, "Delta_T", 0.0) == 0);
  CHECK(lyra_model_set_param(m, ms, "a", 0.0) == 0);
  CHECK(lyra_model_set_param(m, ms, "b", 0.0) == 0);
  for (int k = 0; k < 4; k++)
    add_spike(m, ms, 10.0, w[k], delay[k], k + 1);
  lyra_network *net = build(m);
  if (!net)
    return;
  double worst = 0.0;
  for (long s = 1; s <= 5000; s++) {
    CHECK(lyra_network_simulate(net, H, NULL, NULL) == 0);
    double t = (double)s * H;
    for (int k = 0; k < 4; k++) {
      char var[8];
      snprintf(var, sizeof var, "g_%d", k + 1);
      double g = get(net, var), x = (t - 10.0 - delay[k]) / tau[k];
      double want = x < 0 ? 0.0 : w[k] * x * exp(1.0 - x);
      worst = fmax(worst, fabs(g - want));
    }
  }
  if (!(worst < 1e-7))
    test_fail(__FILE__, __LINE__, "worst g error %g nS", worst);
  lyra_network_destroy(net);
}

/* Weights are conductances: a negative one is refused, for a projection
 * and for a device, naming what and why. */
TEST(neuron_multisynapse_aeif_negative_weight_refused) {
  static const double e_rev[2] = {0.0, -85.0}, tau[2] = {0.5, 5.0};
  lyra_model *m = NULL;
  CHECK(lyra_model_create(&m) == 0);
  int ms = add_aeif_ms(m, "M", e_rev, tau, 2);
  int dev = -1;
  const double t = 1.0;
  CHECK(lyra_model_add_device(m, "spike_generator", &dev) == 0);
  CHECK(lyra_model_set_device_spike_times(m, dev, &t, 1) == 0);
  CHECK(lyra_model_connect_device(m, dev, ms, -1.0, 1.0,
                                  LYRA_RECEPTOR_PORT(2)) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "conductances >= 0");
  lyra_projection_spec p;
  lyra_projection_spec_init(&p);
  p.source = ms;
  p.target = ms;
  p.weight = lyra_dist_constant(-2.0);
  p.receptor = LYRA_RECEPTOR_PORT(1);
  CHECK(lyra_model_add_projection(m, &p, NULL) == 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "projection 'M-M'");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "conductances >= 0");
  lyra_model_destroy(m);
}
