/*
 * noise_generator: the current it injects (read straight from the device
 * step of the engine), its effect on a membrane, thread independence,
 * and the parameters it refuses.
 */
#include "engine/network.h"
#include "lyra.h"
#include "test.h"

#include <stdlib.h>

/* One population of n iaf_psc_delta neurons (no spikes: V_th far away)
 * driven by one noise_generator with the given params (name=value list,
 * NULL-terminated names). Returns the network, or NULL after reporting. */
static lyra_network *noise_net(uint32_t n, double dt, const char *const *names,
                               const double *values, int threads, int twice) {
  lyra_model *m = NULL;
  lyra_network *net = NULL;
  char err[1024] = "";
  int pop = 0, dev = 0;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_set_dt(m, dt), 0);
  CHECK_EQ_INT(lyra_model_set_seed(m, 99), 0);
  CHECK_EQ_INT(lyra_model_set_threads(m, threads), 0);
  CHECK_EQ_INT(lyra_model_add_population(m, "P", "iaf_psc_delta", n, &pop), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, pop, "V_th", 1e9), 0);
  CHECK_EQ_INT(lyra_model_add_device(m, "noise_generator", &dev), 0);
  for (int i = 0; names[i]; i++)
    CHECK_EQ_INT(lyra_model_set_device_param(m, dev, names[i], values[i]), 0);
  for (int k = 0; k <= twice; k++)
    CHECK_EQ_INT(
        lyra_model_connect_device(m, dev, pop, 1.0, dt, LYRA_RECEPTOR_AUTO), 0);
  if (lyra_network_create(&net, m, err, sizeof err))
    test_fail(__FILE__, __LINE__, "network create: %s", err);
  lyra_model_destroy(m);
  return net;
}

/* The current that arrives at population 0 in step s (device delay one
 * step: emitted in step s - 1), as the engine adds it before the update:
 * x[i] for neurons [0, n), from threads' ranges split at `split`. */
static void injected(lyra_network *net, int64_t s, double *x, uint32_t n,
                     uint32_t split) {
  double *zero = calloc(n, sizeof *zero);
  double *in[4] = {zero, x, zero, zero}; /* iaf_psc_delta: spikes, current */
  memset(x, 0, n * sizeof *x);
  lyra__devices_inject(net, 0, s, in, 0, split, 0);
  lyra__devices_inject(net, 0, s, in, split, n, net->n_threads > 1);
  free(zero);
}

/* Mean and standard deviation of the current over 1000 neurons and 400
 * intervals of NEST's default length, 10 steps (dt left at 0): 400,000
 * independent
 * values of mean 50 pA, std 20 pA. The standard error of the mean is
 * 20 / sqrt(4e5) = 0.032 pA, that of the std about 20 / sqrt(8e5) = 0.022
 * pA; both must lie within 5 standard errors. Within each interval the
 * current must not change, and it must change at every boundary. */
TEST(network_noise_mean_std_intervals) {
  const char *names[] = {"mean", "std", NULL};
  const double values[] = {50.0, 20.0};
  const uint32_t n = 1000;
  lyra_network *net = noise_net(n, 0.1, names, values, 1, 0);
  if (!net)
    return;
  double *x = malloc(n * sizeof *x), *prev = malloc(n * sizeof *prev);
  double sum = 0, sq = 0;
  long changed_inside = 0, same_at_boundary = 0;
  const int64_t steps = 400 * 10;
  for (int64_t e = 0; e < steps; e++) {
    injected(net, e + 1, x, n, n);
    for (uint32_t i = 0; i < n; i++) {
      if (e % 10 == 0) {
        sum += x[i];
        sq += x[i] * x[i];
        same_at_boundary += e > 0 && x[i] == prev[i];
      } else {
        changed_inside += x[i] != prev[i];
      }
      prev[i] = x[i];
    }
  }
  double count = (double)n * 400, mean = sum / count;
  double sd = sqrt((sq - sum * sum / count) / (count - 1));
  printf("  noise: mean %.4f pA (50), std %.4f pA (20)\n", mean, sd);
  CHECK_NEAR(mean, 50.0, 5 * 20.0 / sqrt(count));
  CHECK_NEAR(sd, 20.0, 5 * 20.0 / sqrt(2 * count));
  CHECK_EQ_INT(changed_inside, 0);
  CHECK_EQ_INT(same_at_boundary, 0);
  free(x);
  free(prev);
  lyra_network_destroy(net);
}

/* Pearson correlation of a[k * stride] and b[k * stride], k < T. */
static double corr(const double *a, const double *b, int T, int stride) {
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int k = 0; k < T; k++) {
    double u = a[k * stride], v = b[k * stride];
    sa += u;
    sb += v;
    saa += u * u;
    sbb += v * v;
    sab += u * v;
  }
  double cov = sab - sa * sb / T;
  return cov / sqrt((saa - sa * sa / T) * (sbb - sb * sb / T));
}

/* Every neuron gets its own draw: over T = 2000 intervals the correlation
 * of neighbouring neurons' currents has standard error 1/sqrt(T) = 0.022
 * each; each of 199 pairs must be within 5 of them, and their mean within
 * 5 / sqrt(199 T). The same holds for one interval and the next (no
 * memory) and for the two currents of a population the device aims at
 * twice (two connections, two independent currents, as in NEST). Start
 * and stop: nothing before start or from stop on. */
TEST(network_noise_independent) {
  const char *names[] = {"std", "dt", "start", "stop", NULL};
  const double values[] = {1.0, 1.0, 5.0, 2005.0}; /* dt 1 ms = 1 step */
  const uint32_t n = 200;
  const int T = 2000;
  lyra_network *net = noise_net(n, 1.0, names, values, 1, 0);
  lyra_network *two = noise_net(n, 1.0, names, values, 1, 1);
  if (!net || !two)
    return;
  double *x = calloc((size_t)(T + 10) * n, sizeof *x);
  double *both = calloc((size_t)T * n, sizeof *both);
  for (int64_t e = 0; e < T + 10; e++)
    injected(net, e + 1, x + e * n, n, n);
  double worst = 0, mean_r = 0, worst_lag = 0, worst_twice = 0;
  for (uint32_t i = 0; i + 1 < n; i++) {
    double r = corr(x + 5 * n + i, x + 5 * n + i + 1, T, (int)n);
    double lag = corr(x + 5 * n + i, x + 6 * n + i, T - 1, (int)n);
    worst = fmax(worst, fabs(r));
    worst_lag = fmax(worst_lag, fabs(lag));
    mean_r += r / (n - 1);
  }
  /* The first target of `two` draws the stream of the only target of
   * `net` (same seed, device and target index), so what `two` injects
   * minus x is its second target's current. */
  for (int64_t e = 5; e < T + 5; e++)
    injected(two, e + 1, both + (e - 5) * n, n, n);
  for (size_t k = 0; k < (size_t)T * n; k++)
    both[k] -= x[5 * n + k];
  for (uint32_t i = 0; i < n; i++)
    worst_twice =
        fmax(worst_twice, fabs(corr(x + 5 * n + i, both + i, T, (int)n)));
  double se = 1 / sqrt((double)T);
  printf("  noise: neighbour corr max %.4f, mean %.5f; lag-1 max %.4f; "
         "twice max %.4f (se %.4f)\n",
         worst, mean_r, worst_lag, worst_twice, se);
  CHECK(worst < 5 * se);
  CHECK(fabs(mean_r) < 5 * se / sqrt(n - 1.0));
  CHECK(worst_lag < 5 * se);
  CHECK(worst_twice < 5 * se);
  for (uint32_t i = 0; i < n; i++) {
    for (int e = 0; e < 5; e++)
      CHECK(x[e * n + i] == 0.0); /* before start */
    for (int e = T + 5; e < T + 10; e++)
      CHECK(x[(size_t)e * n + i] == 0.0); /* from stop on */
  }
  free(x);
  free(both);
  lyra_network_destroy(net);
  lyra_network_destroy(two);
}

/* End to end, through a membrane: NEST's noise_generator documentation
 * gives the stationary standard deviation of V_m of a leaky integrator
 * under this noise, sampled when an interval's current has just been
 * integrated: std tau_m / C_m sqrt((1 - x) / (1 + x)), x = exp(-dt /
 * tau_m); here 100 pA * 10 ms / 250 pF * sqrt(...) = 0.8944 mV around the
 * mean E_L + mean tau_m / C_m = -70 + 2 mV. With delay 0.1 ms the current of
 * the interval emitted in steps [10 j, 10 j + 10) acts in the updates of steps
 * 10 j + 2 .. 10 j + 11, so V_m at (10 j + 12) dt = k ms + 0.2 ms has just
 * integrated whole intervals. 2000 neurons sampled at 5 times 100 ms
 * (10 tau_m) apart: 10,000 independent values; the standard error of the
 * std is 0.7%, of the mean 0.009 mV; tolerance 5 standard errors. */
TEST(network_noise_membrane_std) {
  const char *names[] = {"mean", "std", "dt", NULL};
  const double values[] = {50.0, 100.0, 1.0};
  const uint32_t n = 2000;
  lyra_network *net = noise_net(n, 0.1, names, values, 2, 0);
  if (!net)
    return;
  double sum = 0, sq = 0;
  double t = 0;
  for (int k = 1; k <= 5; k++) {
    double next = 100.2 * k - 0.2 * (k - 1); /* 100.2, 200.2, ... */
    CHECK_EQ_INT(lyra_network_simulate(net, next - t, NULL, NULL), 0);
    t = next;
    for (uint32_t i = 0; i < n; i++) {
      double v;
      CHECK_EQ_INT(lyra_network_get_state(net, 0, i, "V_m", &v), 0);
      sum += v;
      sq += v * v;
    }
  }
  double count = 5.0 * n, mean = sum / count;
  double sd = sqrt((sq - sum * sum / count) / (count - 1));
  double x = exp(-1.0 / 10.0);
  double expect = 100.0 * 10.0 / 250.0 * sqrt((1 - x) / (1 + x));
  printf("  noise: V_m mean %.4f mV (-68), std %.4f mV (%.4f)\n", mean, sd,
         expect);
  CHECK_NEAR(mean, -68.0, 5 * expect / sqrt(count));
  CHECK_NEAR(sd, expect, 5 * expect / sqrt(2 * count));
  lyra_network_destroy(net);
}

/* The same seed gives byte-identical spikes and V_m with 1, 2 and 3
 * threads: the draws depend on (seed, device target, neuron, interval)
 * only. Neurons near threshold, so the noise decides every spike. */
static const char noise_model[] =
    "run: {dt: 0.1 ms, seed: 5}\n"
    "populations:\n"
    "  E: {model: iaf_psc_delta, size: 301,\n"
    "      params: {E_L: 0 mV, V_th: 20 mV, V_reset: 10 mV, t_ref: 2 ms}}\n"
    "  I: {model: izhikevich, size: 77}\n"
    "projections:\n"
    "  - {source: E, target: [E, I], connect: {rule: fixed_indegree,\n"
    "     indegree: 20}, synapse: {weight: 0.2 mV, delay: 1 ms}}\n"
    "devices:\n"
    "  - model: noise_generator\n"
    "    params: {mean: 450 pA, std: 300 pA, dt: 0.5 ms, start: 3 ms,\n"
    "             std_mod: 100 pA, frequency: 10 Hz, phase: 30}\n"
    "    targets: [E, I]\n"
    "    synapse: {weight: 1, delay: 0.3 ms}\n"
    "  - model: noise_generator\n"
    "    params: {std: 5 pA, dt: 1 ms}\n"
    "    targets: I\n"
    "recorders:\n"
    "  - {type: spikes, format: binary}\n"
    "  - {type: state, population: E, variables: V_m, neurons: {first: 50},\n"
    "     format: binary}\n";

TEST(golden_noise_threads_identical) {
  const int threads[] = {1, 2, 3};
  char dir[3][512], fa[600], fb[600];
  const char *files[] = {"E.spikes.lyspk", "I.spikes.lyspk", "E.V_m.lystate"};
  for (int k = 0; k < 3; k++) {
    lyra_model *m = NULL;
    lyra_network *net = NULL;
    char err[1024] = "";
    snprintf(dir[k], sizeof dir[k], "%s/noise_t%d", test_tmpdir(), threads[k]);
    CHECK_EQ_INT(lyra_model_create(&m), 0);
    if (lyra_model_load_string(m, noise_model, strlen(noise_model), "noise"))
      test_fail(__FILE__, __LINE__, "%s", lyra_model_errmsg(m));
    lyra_model_set_output_dir(m, dir[k]);
    lyra_model_set_threads(m, threads[k]);
    if (lyra_network_create(&net, m, err, sizeof err))
      test_fail(__FILE__, __LINE__, "network create: %s", err);
    lyra_model_destroy(m);
    if (!net)
      return;
    /* in pieces that do not fall on interval boundaries */
    CHECK_EQ_INT(lyra_network_simulate(net, 77.3, NULL, NULL), 0);
    CHECK_EQ_INT(lyra_network_simulate(net, 122.7, NULL, NULL), 0);
    lyra_pop_stats s;
    lyra_network_population_stats(net, 0, &s);
    if (k == 0)
      printf("  noise: E rate %.1f Hz\n", s.rate_hz);
    CHECK(s.spikes > 1000); /* the noise drives it */
    CHECK_EQ_INT(lyra_network_finish(net), 0);
    lyra_network_destroy(net);
  }
  for (int k = 1; k < 3; k++)
    for (int f = 0; f < 3; f++) {
      snprintf(fa, sizeof fa, "%s/%s", dir[0], files[f]);
      snprintf(fb, sizeof fb, "%s/%s", dir[k], files[f]);
      if (!test_same_file(fa, fb))
        test_fail(__FILE__, __LINE__, "%s differs with %d threads", files[f],
                  threads[k]);
    }
}

/* Bad parameters are refused with the parameter's name and the
 * constraint, at once where the value alone is wrong, at validation
 * where it depends on the time step or on another parameter. */
TEST(network_noise_bad_params) {
  lyra_model *m = NULL;
  int dev = 0, pop = 0;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_add_population(m, "P", "iaf_psc_delta", 3, &pop), 0);
  CHECK_EQ_INT(lyra_model_add_device(m, "noise_generator", &dev), 0);
  CHECK(lyra_model_set_device_param(m, dev, "std", -1.0) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "std must be finite and >= 0");
  CHECK(lyra_model_set_device_param(m, dev, "dt", -0.1) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "dt must be finite and >= 0");
  CHECK(lyra_model_set_device_param(m, dev, "std_mod", -1.0) == LYRA_EINVAL);
  CHECK(lyra_model_set_device_param(m, dev, "mean", INFINITY) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "mean must be finite");
  CHECK(lyra_model_set_device_param(m, dev, "amplitude", 1) == LYRA_ENOTFOUND);
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "mean", -3.0), 0);
  CHECK_EQ_INT(lyra_model_connect_device(m, dev, pop, 1, 0.1, 0), 0);
  CHECK_EQ_INT(lyra_model_validate(m), 0); /* dt 0: ten steps */
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "dt", 0.25), 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m),
                     "dt (0.25 ms) must be a positive multiple of the time "
                     "step (0.1 ms)");
  CHECK_EQ_INT(lyra_model_set_dt(m, 0.05), 0);
  CHECK_EQ_INT(lyra_model_validate(m), 0); /* 5 steps of 0.05 ms */
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "dt", 0.01), 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL); /* below one step */
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "dt", 0.1), 0);
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "std", 2.0), 0);
  CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "std_mod", 3.0), 0);
  CHECK(lyra_model_validate(m) == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "std_mod (3 pA) must not exceed");
  lyra_model_destroy(m);
}

/* In a model file: params with units, the weight a plain number as for
 * dc_generator; a dt that is not a multiple of the step is an error at
 * the device's params. */
TEST(yaml_noise_generator) {
  static const char good[] =
      "populations: {P: {model: iaf_psc_exp, size: 4}}\n"
      "devices:\n"
      "  - {model: noise_generator, targets: P,\n"
      "     params: {mean: 0.1 nA, std: 20 pA, dt: 1 ms, stop: 50 ms}}\n"
      "  - {model: noise_generator, targets: P, synapse: {weight: 2}}\n";
  static const char bad[] = "run: {dt: 0.1 ms}\n"
                            "populations: {P: {model: iaf_psc_exp, size: 4}}\n"
                            "devices:\n"
                            "  - model: noise_generator\n"
                            "    targets: P\n"
                            "    params: {std: 1 pA, dt: 0.15 ms}\n";
  static const char unit[] =
      "populations: {P: {model: iaf_psc_exp, size: 4}}\n"
      "devices:\n"
      "  - {model: noise_generator, targets: P, synapse: {weight: 2 pA}}\n";
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  int rc = lyra_model_load_string(m, good, strlen(good), "good");
  if (rc)
    test_fail(__FILE__, __LINE__, "%s", lyra_model_errmsg(m));
  CHECK_EQ_INT(lyra_model_device_count(m), 2);
  lyra_model_destroy(m);
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK(lyra_model_load_string(m, bad, strlen(bad), "bad") == LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "bad:6:13: ");
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "positive multiple");
  lyra_model_destroy(m);
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK(lyra_model_load_string(m, unit, strlen(unit), "unit") == LYRA_EUNIT);
  lyra_model_destroy(m);
}

/* std_mod, frequency, phase (NEST): the variance of interval j is std^2 +
 * std_mod^2 sin(2 pi f t + phase), t the end of its first step. With
 * std = std_mod = 10 pA, 10 Hz, phase 90 degrees and intervals of one
 * 1 ms step, t = j + 1 ms: at t = 50 ms the sine is -1 (variance 0: every
 * neuron gets the mean), at 100 ms +1 (variance 200 pA^2), at 75 ms 0
 * (100 pA^2). 4000 neurons: the sample variance has a relative standard
 * error of sqrt(2 / 4000) = 2.2%; tolerance 5 of them. */
TEST(network_noise_std_mod) {
  const char *names[] = {"mean",  "std", "std_mod", "frequency",
                         "phase", "dt",  NULL};
  const double values[] = {3.0, 10.0, 10.0, 10.0, 90.0, 1.0};
  const uint32_t n = 4000;
  lyra_network *net = noise_net(n, 1.0, names, values, 1, 0);
  if (!net)
    return;
  double *x = malloc(n * sizeof *x);
  const int at[3] = {50, 75, 100};
  const double var[3] = {0.0, 100.0, 200.0};
  for (int k = 0; k < 3; k++) {
    /* emitted in step t - 1 (ends at t), arrives in step t */
    injected(net, at[k], x, n, n);
    double sum = 0, sq = 0;
    for (uint32_t i = 0; i < n; i++) {
      sum += x[i];
      sq += x[i] * x[i];
    }
    double v = (sq - sum * sum / n) / (n - 1);
    printf("  noise: t %d ms: variance %.3f pA^2 (%g)\n", at[k], v, var[k]);
    CHECK_NEAR(v, var[k], 5 * var[k] * sqrt(2.0 / n) + 1e-9);
    CHECK_NEAR(sum / n, 3.0, 5 * sqrt(var[k] / n) + 1e-9);
  }
  free(x);
  lyra_network_destroy(net);
}
