/* Model files (spec/yaml_*.c): a valid model read back through the
 * getters, and every class of bad input with its code and position. */
#include "lyra_internal.h"
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char valid_model[] =
    "# a small model using every section\n"
    "run:\n"
    "  dt: 0.1 ms\n"
    "  duration: 2 s\n"
    "  seed: 4294967295\n"
    "  output: out/test\n"
    "populations:\n"
    "  E:\n"
    "    model: iaf_psc_delta\n"
    "    size: 80\n"
    "    params: {tau_m: 20 ms, V_th: 20 mV, C_m: 0.25 nF}\n"
    "    initial:\n"
    "      V_m: {distribution: normal, mean: -55 mV, std: 5000 uV}\n"
    "  I:\n"
    "    model: iaf_psc_delta\n"
    "    size: 20\n"
    "    initial: {V_m: -70 mV}\n"
    "projections:\n"
    "  - source: E\n"
    "    target: [E, I]\n"
    "    connect: {rule: fixed_indegree, indegree: 8, allow_autapses: false}\n"
    "    synapse: {weight: 0.1 mV, delay: 1500 us, receptor: excitatory}\n"
    "  - source: I\n"
    "    target: E\n"
    "    connect:\n"
    "      rule: pairwise_bernoulli\n"
    "      p: 0.25\n"
    "    synapse:\n"
    "      weight: {distribution: uniform, low: -0.6 mV, high: -0.4 mV}\n"
    "      delay: {distribution: normal_clipped, mean: 1 ms, std: 0.5 ms,\n"
    "              low: 0.1 ms}\n"
    "devices:\n"
    "  - model: poisson_generator\n"
    "    params: {rate: 8 kHz}\n"
    "    targets: [E, I]\n"
    "    synapse: {weight: 0.1 mV, delay: 1.5 ms}\n"
    "  - model: dc_generator\n"
    "    params: {amplitude: 0.5 nA, start: 100 ms}\n"
    "    targets: I\n"
    "  - model: spike_generator\n"
    "    spike_times: [5.5 ms, 1 ms]\n"
    "    targets: E\n"
    "    synapse: {weight: 2 mV}\n"
    "recorders:\n"
    "  - type: spikes\n"
    "    populations: [E, I]\n"
    "    format: text\n"
    "  - type: state\n"
    "    population: I\n"
    "    variables: [V_m]\n"
    "    neurons: {first: 3}\n"
    "    interval: 1 ms\n";

static lyra_model *load_ok(const char *text) {
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  int rc = lyra_model_load_string(m, text, strlen(text), "t.yaml");
  CHECK_EQ_INT(rc, 0);
  if (rc) {
    fprintf(stderr, "unexpected error: %s\n", lyra_model_errmsg(m));
    lyra_model_destroy(m);
    return NULL;
  }
  return m;
}

static int param_index(const lyra_model_info *info, const char *name) {
  for (size_t i = 0; i < info->n_params; i++)
    if (!strcmp(info->params[i].name, name))
      return (int)i;
  return -1;
}

TEST(yaml_valid_file_run_and_populations) {
  lyra_model *m = load_ok(valid_model);
  if (!m)
    return;
  CHECK_NEAR(lyra_model_dt(m), 0.1, 0);
  CHECK_NEAR(lyra_model_duration(m), 2000, 0);
  CHECK_EQ_INT(lyra_model_seed(m), 4294967295u);
  CHECK_STR_CONTAINS(lyra_model_output_dir(m), "out/test");
  CHECK_EQ_INT(lyra_model_population_count(m), 2);
  CHECK_EQ_INT(lyra_model_find_population(m, "E"), 0); /* file order */
  CHECK_EQ_INT(lyra_model_find_population(m, "I"), 1);
  CHECK_STR_CONTAINS(lyra_model_population_model(m, 0), "iaf_psc_delta");
  CHECK_STR_CONTAINS(lyra_model_population_model(m, 1), "iaf_psc_delta");
  CHECK_EQ_INT(lyra_model_population_size(m, 0), 80);
  CHECK_EQ_INT(lyra_model_population_size(m, 1), 20);
  const lyra_model_info *info = lyra_model_info_find("iaf_psc_delta");
  CHECK_NEAR(m->pops[0].params[param_index(info, "tau_m")], 20, 0);
  CHECK_NEAR(m->pops[0].params[param_index(info, "C_m")], 250, 1e-12);
  CHECK_EQ_INT(m->pops[0].init[0].kind, LYRA_DIST_NORMAL);
  CHECK_NEAR(m->pops[0].init[0].p[0], -55, 0);
  CHECK_NEAR(m->pops[0].init[0].p[1], 5, 0); /* 5000 uV */
  CHECK_EQ_INT(m->pops[1].init[0].kind, LYRA_DIST_CONSTANT);
  CHECK_NEAR(m->pops[1].init[0].p[0], -70, 0);
  lyra_model_destroy(m);
}

TEST(yaml_valid_file_projections) {
  lyra_model *m = load_ok(valid_model);
  if (!m)
    return;
  /* target [E, I] makes one projection per pair */
  CHECK_EQ_INT(lyra_model_projection_count(m), 3);
  const lyra_projection_spec *p = m->projs;
  CHECK_EQ_INT(p[0].source, 0);
  CHECK_EQ_INT(p[0].target, 0);
  CHECK_EQ_INT(p[1].target, 1);
  CHECK_EQ_INT(p[0].rule, LYRA_RULE_FIXED_INDEGREE);
  CHECK_EQ_INT(p[0].n, 8);
  CHECK_EQ_INT(p[0].allow_autapses, 0);
  CHECK_EQ_INT(p[0].allow_multapses, 1);
  CHECK_NEAR(p[0].weight.p[0], 0.1, 0);
  CHECK_NEAR(p[0].delay.p[0], 1.5, 0);
  CHECK_EQ_INT(p[0].receptor, LYRA_RECEPTOR_EX);
  CHECK_EQ_INT(p[2].rule, LYRA_RULE_PAIRWISE_BERNOULLI);
  CHECK_NEAR(p[2].p, 0.25, 0);
  CHECK_EQ_INT(p[2].weight.kind, LYRA_DIST_UNIFORM);
  CHECK_NEAR(p[2].weight.p[0], -0.6, 0);
  CHECK_NEAR(p[2].weight.p[1], -0.4, 0);
  CHECK_EQ_INT(p[2].delay.kind, LYRA_DIST_NORMAL_CLIPPED);
  CHECK_NEAR(p[2].delay.p[2], 0.1, 0);
  CHECK(p[2].delay.p[3] == HUGE_VAL); /* high left out: no bound */
  CHECK_EQ_INT(p[2].receptor, LYRA_RECEPTOR_AUTO);
  lyra_model_destroy(m);
}

TEST(yaml_valid_file_devices_and_outputs) {
  lyra_model *m = load_ok(valid_model);
  if (!m)
    return;
  CHECK_EQ_INT(lyra_model_device_count(m), 3);
  CHECK_NEAR(m->devs[0].params[0], 8000, 0); /* rate, 8 kHz */
  CHECK_EQ_INT(m->devs[0].n_targets, 2);
  CHECK_NEAR(m->devs[0].targets[1].weight, 0.1, 0);
  CHECK_NEAR(m->devs[0].targets[1].delay_ms, 1.5, 0);
  CHECK_NEAR(m->devs[1].params[0], 500, 0);           /* amplitude, 0.5 nA */
  CHECK_NEAR(m->devs[1].targets[0].weight, 1, 0);     /* dc default */
  CHECK_NEAR(m->devs[1].targets[0].delay_ms, 0.1, 0); /* default: dt */
  CHECK_EQ_INT(m->devs[2].n_spike_times, 2);
  CHECK_NEAR(m->devs[2].targets[0].weight, 2, 0);
  CHECK_EQ_INT(m->n_recs, 3); /* spikes of E, spikes of I, V_m of I */
  CHECK_EQ_INT(m->recs[0].formats, LYRA_FORMAT_TEXT);
  CHECK_EQ_INT(m->recs[2].is_state, 1);
  CHECK_EQ_INT(m->recs[2].pop, 1);
  CHECK_EQ_INT(m->recs[2].n_neurons, 3);
  CHECK_NEAR(m->recs[2].interval_ms, 1, 0);
  lyra_model_destroy(m);
}

TEST(yaml_defaults_and_short_forms) {
  lyra_model *m = load_ok("populations:\n"
                          "  A: {model: iaf_cond_exp, size: 5}\n"
                          "projections:\n"
                          "  - {source: A, target: A}\n"
                          "recorders:\n"
                          "  - type: spikes\n"
                          "  - {type: state, population: A, variables: V_m,\n"
                          "     neurons: [4, 0]}\n"
                          "devices: ~\n");
  if (!m)
    return;
  CHECK_NEAR(lyra_model_dt(m), 0.1, 0); /* model defaults kept */
  CHECK_EQ_INT(m->projs[0].rule, LYRA_RULE_ALL_TO_ALL);
  CHECK_NEAR(m->projs[0].weight.p[0], 1, 0);
  CHECK_EQ_INT(m->recs[0].formats, LYRA_FORMAT_BINARY | LYRA_FORMAT_TEXT);
  CHECK_EQ_INT(m->recs[1].neurons[0], 4);
  CHECK_NEAR(m->recs[1].interval_ms, 0.1, 0); /* default: dt */
  lyra_model_destroy(m);
}

TEST(yaml_lognormal_unit_moves_into_mu) {
  /* exp(mu + sigma N) nA = exp(mu + ln 1000 + sigma N) pA */
  lyra_model *m =
      load_ok("populations:\n"
              "  A: {model: iaf_psc_exp, size: 5}\n"
              "projections:\n"
              "  - source: A\n"
              "    target: A\n"
              "    synapse:\n"
              "      weight: {distribution: lognormal, mu: 0.5, sigma: 0.2,\n"
              "               unit: nA}\n");
  if (!m)
    return;
  CHECK_EQ_INT(m->projs[0].weight.kind, LYRA_DIST_LOGNORMAL);
  CHECK_NEAR(m->projs[0].weight.p[0], 0.5 + log(1000.0), 1e-12);
  CHECK_NEAR(m->projs[0].weight.p[1], 0.2, 0);
  lyra_model_destroy(m);
}

TEST(yaml_weight_unit_follows_target) {
  /* one projection onto a delta (mV) and a conductance (nS) model */
  lyra_model *m = NULL;
  const char *text =
      "populations:\n"
      "  D: {model: iaf_psc_delta, size: 5}\n"
      "  C: {model: iaf_cond_exp, size: 5}\n"
      "projections:\n"
      "  - {source: D, target: [D, C], synapse: {weight: 1 mV}}\n";
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_load_string(m, text, strlen(text), "w.yaml"),
               LYRA_EUNIT);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "w.yaml:5:");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "expected a conductance (nS)");
  lyra_model_destroy(m);
}

/* Loads text that must fail with code, at line (1-based), with needle in
 * the message; the model must be left empty and usable. */
static void expect_error(const char *text, size_t len, int code, int line,
                         const char *needle) {
  lyra_model *m = NULL;
  char prefix[64];
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  int rc = lyra_model_load_string(m, text, len, "bad.yaml");
  const char *msg = lyra_model_errmsg(m);
  CHECK_EQ_INT(rc, code);
  snprintf(prefix, sizeof prefix, "bad.yaml:%d:", line);
  CHECK(strncmp(msg, prefix, strlen(prefix)) == 0);
  CHECK_STR_CONTAINS(msg, needle);
  CHECK(strchr(msg, '\n') == NULL);
  if (rc != code || strncmp(msg, prefix, strlen(prefix)))
    fprintf(stderr, "  got %d: %s\n", rc, msg);
  CHECK_EQ_INT(lyra_model_population_count(m), 0);
  CHECK_EQ_INT(lyra_model_projection_count(m), 0);
  CHECK_EQ_INT(lyra_model_device_count(m), 0);
  CHECK_NEAR(lyra_model_dt(m), 0.1, 0); /* run settings reset too */
  lyra_model_destroy(m);
}

#define BAD(text, code, line, needle)                                          \
  expect_error(text, strlen(text), code, line, needle)

/* Two populations, for the projection and device cases. */
#define POPS                                                                   \
  "populations:\n"                                                             \
  "  E: {model: iaf_psc_delta, size: 10}\n"                                    \
  "  I: {model: iaf_psc_delta, size: 5}\n"

TEST(yaml_bad_syntax) {
  BAD("populations:\n  E: [1, 2\n", LYRA_EPARSE, 3, "YAML syntax error");
  BAD("populations:\n\tE: 1\n", LYRA_EPARSE, 2, "not tabs");
  BAD("populations:\n  E: *nowhere\n", LYRA_EPARSE, 2, "undefined alias");
  BAD("populations:\n  E: \"open\n", LYRA_EPARSE, 3, "YAML syntax error");
  BAD(POPS "---\n" POPS, LYRA_EPARSE, 4, "a single YAML document");
}

TEST(yaml_bad_empty_and_garbage) {
  BAD("", LYRA_EPARSE, 1, "found an empty document");
  BAD("# nothing but a comment\n", LYRA_EPARSE, 1, "empty document");
  BAD("- a\n- b\n", LYRA_EPARSE, 1,
      "expected a mapping with 'populations', found a list");
  BAD("just text\n", LYRA_EPARSE, 1, "found 'just text'");
  expect_error("\x00\x01\x02\xff", 4, LYRA_EPARSE, 1, "expected UTF-8 text");
  BAD("populations:\n  E: \xc3\x28\n", LYRA_EPARSE, 2, "UTF-8");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 3}\n\xff\xfe",
      LYRA_EPARSE, 3, "UTF-8");
}

TEST(yaml_bad_keys) {
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 10, foo: 1}\n",
      LYRA_EPARSE, 2,
      "unknown key 'foo' in population 'E'; expected one of: model, size, "
      "params, initial");
  BAD("populaton:\n  E: {}\n", LYRA_EPARSE, 1, "unknown key 'populaton'");
  BAD("run: {dt: 0.1 ms}\n", LYRA_EPARSE, 1,
      "expected key 'populations' in the top level");
  BAD(POPS "  E: {model: iaf_psc_delta, size: 1}\n", LYRA_EPARSE, 4,
      "found 'E' again (first at line 2)");
  BAD("populations:\n  E: {model: iaf_psc_delta, model: iaf_psc_exp}\n",
      LYRA_EPARSE, 2, "found 'model' again");
  BAD("populations:\n  ? [a]\n  : 1\n", LYRA_EPARSE, 2, "expected a key name");
  BAD(POPS "projections:\n  - {source: E, target: I, connect: {rule: "
           "fixed_indegree, p: 0.1}}\n",
      LYRA_EPARSE, 5, "unknown key 'p' in 'connect' with rule fixed_indegree");
  BAD(POPS "devices:\n  - {model: dc_generator, targets: E, spike_times: []}\n",
      LYRA_EPARSE, 5, "unknown key 'spike_times'");
}

TEST(yaml_bad_missing_values) {
  BAD("populations:\n  E: {size: 10}\n", LYRA_EPARSE, 2,
      "expected key 'model' in population 'E', found none");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n", LYRA_EPARSE, 2,
      "expected key 'size' in population 'E'");
  BAD("populations:\n  E: {model: , size: 10}\n", LYRA_EPARSE, 2,
      "expected a neuron model name, found an empty value");
  BAD("populations:\n", LYRA_EPARSE, 1, "found an empty value");
  BAD("populations: {}\n", LYRA_EPARSE, 1, "at least one population");
  BAD(POPS "projections:\n  - {source: E}\n", LYRA_EPARSE, 5,
      "expected key 'target' in a projection");
  BAD(POPS "devices:\n  - {model: poisson_generator, targets: E}\n",
      LYRA_EPARSE, 5, "expected key 'weight'");
  BAD(POPS "recorders:\n  - {type: state, population: E, variables: V_m}\n",
      LYRA_EPARSE, 5, "expected key 'neurons'");
  BAD(POPS "projections:\n  - source: E\n    target: I\n    synapse:\n"
           "      weight: {distribution: normal, mean: 1 mV}\n",
      LYRA_EPARSE, 8, "expected key 'std' in a normal distribution");
}

TEST(yaml_bad_sizes_and_integers) {
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 0}\n", LYRA_EINVAL, 2,
      "expected a population size (an integer from 1 to 4294967295), "
      "found '0'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: -5}\n", LYRA_EINVAL, 2,
      "found '-5'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 4294967296}\n",
      LYRA_EINVAL, 2, "found '4294967296'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 99999999999999999999}"
      "\n",
      LYRA_EINVAL, 2, "population size");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 1.5}\n", LYRA_EPARSE, 2,
      "found '1.5'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 12abc}\n", LYRA_EPARSE,
      2, "found '12abc'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: 1e4}\n", LYRA_EPARSE, 2,
      "found '1e4'");
  BAD("populations:\n  E: {model: iaf_psc_delta, size: }\n", LYRA_EPARSE, 2,
      "found an empty value"); /* found by the fuzzer: garbage was shown */
  BAD("populations:\n  E: {model: iaf_psc_delta, size: [1]}\n", LYRA_EPARSE, 2,
      "found a list");
  BAD("run: {seed: 4294967296}\n" POPS, LYRA_EINVAL, 1, "expected a seed");
  BAD(POPS "projections:\n  - {source: E, target: I, connect: {rule: "
           "fixed_indegree, indegree: -1}}\n",
      LYRA_EINVAL, 5, "in-degree");
  BAD(POPS "projections:\n  - {source: E, target: I, connect: {rule: "
           "all_to_all, allow_autapses: maybe}}\n",
      LYRA_EPARSE, 5, "expected true or false, found 'maybe'");
}

TEST(yaml_bad_names) {
  BAD("populations:\n  E: {model: iaf_psc_nope, size: 10}\n", LYRA_ENOTFOUND, 2,
      "expected a neuron model (one of: iaf_psc_delta");
  BAD("populations:\n  E: {model: poisson_generator, size: 10}\n",
      LYRA_ENOTFOUND, 2, "(a device model)");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    params: {tau: 20 ms}\n",
      LYRA_ENOTFOUND, 5, "unknown parameter 'tau' of iaf_psc_delta");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    params: {V_m: 20 mV}\n",
      LYRA_ENOTFOUND, 5, "set it under 'initial'");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    initial: {U: 20 mV}\n",
      LYRA_ENOTFOUND, 5, "unknown state variable 'U'");
  BAD(POPS "projections:\n  - source: E\n    target: X\n", LYRA_ENOTFOUND, 6,
      "expected a population name (one of: E, I), found 'X'");
  BAD(POPS "projections:\n  - {source: [E, Y], target: I}\n", LYRA_ENOTFOUND, 5,
      "found 'Y'");
  BAD(POPS "devices:\n  - {model: step_current_generator, targets: E}\n",
      LYRA_ENOTFOUND, 5, "expected a device model");
  BAD(POPS "devices:\n  - model: poisson_generator\n    params: {rte: 1 Hz}\n"
           "    targets: E\n    synapse: {weight: 1 mV}\n",
      LYRA_ENOTFOUND, 6, "unknown parameter 'rte' of poisson_generator");
  BAD(POPS "recorders:\n  - {type: spikes, populations: [Z]}\n", LYRA_ENOTFOUND,
      5, "found 'Z'");
  BAD(POPS "recorders:\n  - {type: state, population: E, variables: [W],\n"
           "     neurons: [0]}\n",
      LYRA_ENOTFOUND, 5, "unknown state variable 'W'");
}

TEST(yaml_bad_words) {
  BAD(POPS "projections:\n  - {source: E, target: I, connect: {rule: "
           "random}}\n",
      LYRA_EPARSE, 5, "expected a connection rule (one of: all_to_all");
  BAD(POPS "projections:\n  - {source: E, target: I, synapse: {receptor: "
           "ex}}\n",
      LYRA_EPARSE, 5, "expected a receptor");
  BAD(POPS "recorders:\n  - {type: voltmeter}\n", LYRA_EPARSE, 5,
      "expected a recorder type (one of: spikes, state, weights, synapses)");
  BAD(POPS "recorders:\n  - {type: spikes, format: hdf5}\n", LYRA_EPARSE, 5,
      "expected a format (one of: binary, text, sonata)");
  BAD(POPS "projections:\n  - source: E\n    target: I\n    synapse:\n"
           "      weight: {distribution: poisson, lam: 1}\n",
      LYRA_EPARSE, 8, "expected a distribution (one of: constant");
}

TEST(yaml_bad_dimensions) {
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    params: {tau_m: 20 mV}\n",
      LYRA_EUNIT, 5, "expected a time (ms), found a voltage '20 mV'");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    params:\n      tau_m: 20\n",
      LYRA_EUNIT, 6, "expected a time with a unit (e.g. '20 ms'), found '20'");
  BAD("run:\n  dt: 0.1\n" POPS, LYRA_EUNIT, 2, "with a unit");
  BAD(POPS "projections:\n  - {source: E, target: I, synapse: {weight: 1 pA}}"
           "\n",
      LYRA_EUNIT, 5, "expected a voltage (mV), found a current");
  BAD(POPS "projections:\n  - {source: E, target: I, connect: {rule: "
           "pairwise_bernoulli, p: 10 %}}\n",
      LYRA_EUNIT, 5, "plain number");
  BAD(POPS "projections:\n  - source: E\n    target: I\n    synapse:\n"
           "      weight: {distribution: lognormal, mu: 0, sigma: 1}\n",
      LYRA_EUNIT, 8, "expected key 'unit'");
  BAD(POPS "projections:\n  - source: E\n    target: I\n    synapse:\n"
           "      weight: {distribution: lognormal, mu: 0, sigma: 1, unit: "
           "pA}\n",
      LYRA_EUNIT, 8, "expected a unit of a voltage");
  BAD(POPS "devices:\n  - {model: dc_generator, targets: E, synapse: {weight: "
           "1 pA}}\n",
      LYRA_EUNIT, 5, "plain number");
  BAD(POPS "devices:\n  - model: spike_generator\n    spike_times: [1 ms, 2]\n"
           "    targets: E\n    synapse: {weight: 1 mV}\n",
      LYRA_EUNIT, 6, "found '2'");
  BAD(POPS "recorders:\n  - {type: state, population: E, variables: V_m,\n"
           "     neurons: [0], interval: 1 Hz}\n",
      LYRA_EUNIT, 6, "expected a time (ms), found a frequency");
}

TEST(yaml_bad_values_refused_by_api) {
  /* These rules live in the model API; the loader adds the position. */
  BAD("run:\n  dt: 0.1 ms\n" POPS "projections:\n  - source: E\n    target: I\n"
      "    synapse: {weight: 1 mV, delay: 0.05 ms}\n",
      LYRA_EINVAL, 7, "delay");
  BAD(POPS "projections:\n  - source: E\n    target: I\n"
           "    connect: {rule: pairwise_bernoulli, p: 1.5}\n",
      LYRA_EINVAL, 5, "p must be in [0, 1]");
  BAD(POPS "projections:\n  - source: I\n    target: E\n"
           "    connect: {rule: fixed_indegree, indegree: 6,\n"
           "              allow_multapses: false}\n",
      LYRA_EINVAL, 5, "indegree 6");
  BAD("populations:\n  \"E I\": {model: iaf_psc_delta, size: 10}\n",
      LYRA_EINVAL, 2, "population name");
  BAD("run:\n  dt: 0 ms\n" POPS, LYRA_EINVAL, 2, "dt");
  /* a parameter constraint, found by validating each population */
  BAD(POPS "  F:\n    model: iaf_psc_delta\n    size: 10\n"
           "    params:\n      V_reset: -50 mV\n      V_th: -60 mV\n",
      LYRA_EINVAL, 8, "population 'F'");
  BAD(POPS "recorders:\n  - {type: spikes}\n  - {type: spikes, populations: "
           "E}\n",
      LYRA_EINVAL, 6, "already recorded");
  BAD(POPS "recorders:\n  - {type: state, population: E, variables: V_m,\n"
           "     neurons: [0, 10]}\n",
      LYRA_EINVAL, 6, "expected a neuron index from 0 to 9, found '10'");
  BAD(POPS "recorders:\n  - {type: state, population: E, variables: V_m,\n"
           "     neurons: {first: 11}}\n",
      LYRA_EINVAL, 6, "expected a neuron count from 1 to 10");
}

TEST(yaml_bad_structure) {
  BAD("populations:\n  - E\n", LYRA_EPARSE, 2,
      "expected a mapping for 'populations', found a list");
  BAD("populations:\n  E: iaf_psc_delta\n", LYRA_EPARSE, 2,
      "expected a mapping for population 'E', found 'iaf_psc_delta'");
  BAD(POPS "projections: {source: E}\n", LYRA_EPARSE, 4,
      "expected a list of projections, found a mapping");
  BAD(POPS "devices: poisson\n", LYRA_EPARSE, 4, "expected a list of devices");
  BAD(POPS "recorders: spikes\n", LYRA_EPARSE, 4,
      "expected a list of recorders");
  BAD(POPS "projections:\n  - {source: [], target: E}\n", LYRA_EPARSE, 5,
      "found an empty list");
  BAD("populations:\n  E:\n    model: iaf_psc_delta\n    size: 10\n"
      "    params: {tau_m: {distribution: normal, mean: 1 ms, std: 1 ms}}\n",
      LYRA_EPARSE, 5, "expected a time such as '20 ms', found a mapping");
  BAD("populations:\n  \"a\\0b\": {model: iaf_psc_delta, size: 1}\n",
      LYRA_EPARSE, 2, "key name");
}

TEST(yaml_error_message_is_one_line) {
  /* A multi-line scalar in a message is escaped, not printed as is. */
  BAD("populations:\n  E:\n    model: |\n      iaf\n      psc\n    size: 3\n",
      LYRA_ENOTFOUND, 3, "\\x0a");
}

TEST(yaml_load_into_nonempty) {
  lyra_model *m = load_ok(POPS);
  if (!m)
    return;
  CHECK_EQ_INT(lyra_model_load_string(m, POPS, strlen(POPS), "x"), LYRA_ESTATE);
  CHECK_EQ_INT(lyra_model_population_count(m), 2); /* left alone */
  lyra_model_destroy(m);
}

TEST(yaml_reusable_after_error) {
  lyra_model *m = NULL;
  const char *bad = POPS "projections:\n  - {source: E, target: Q}\n";
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK(lyra_model_load_string(m, bad, strlen(bad), "b") < 0);
  CHECK_EQ_INT(lyra_model_load_string(m, POPS, strlen(POPS), "g"), 0);
  CHECK_EQ_INT(lyra_model_population_count(m), 2);
  lyra_model_destroy(m);
}

TEST(yaml_limits_and_arguments) {
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  /* the size is checked before the text is read */
  CHECK_EQ_INT(lyra_model_load_string(m, "x", ((size_t)64 << 20) + 1, "big"),
               LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "64 MiB");
  CHECK_EQ_INT(lyra_model_load_string(m, NULL, 3, "n"), LYRA_EINVAL);
  CHECK_EQ_INT(lyra_model_load_string(NULL, "", 0, "n"), LYRA_EINVAL);
  CHECK_EQ_INT(lyra_model_load_string(m, NULL, 0, NULL), LYRA_EPARSE);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "<string>:1:1: ");
  CHECK_EQ_INT(lyra_model_load_file(m, NULL), LYRA_EINVAL);
  lyra_model_destroy(m);
}

TEST(yaml_load_file) {
  char path[512];
  snprintf(path, sizeof path, "%s/model.yaml", test_tmpdir());
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f)
    return;
  fputs(valid_model, f);
  fclose(f);
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_load_file(m, path), 0);
  CHECK_EQ_INT(lyra_model_population_count(m), 2);
  lyra_model_destroy(m);
  unlink(path);
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_load_file(m, path), LYRA_EIO);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), ": cannot open: ");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), path);
  CHECK_EQ_INT(lyra_model_load_file(m, "/"), LYRA_EIO); /* a directory */
  lyra_model_destroy(m);
}

TEST(yaml_run_threads) {
  lyra_model *m = load_ok("run: {threads: 3}\n" POPS);
  if (!m)
    return;
  CHECK_EQ_INT(lyra_model_threads(m), 3);
  lyra_model_destroy(m);
  BAD("run: {threads: 5000}\n" POPS, LYRA_EINVAL, 1, "a thread count");
  BAD("run: {threads: two}\n" POPS, LYRA_EPARSE, 1, "a thread count");
}
