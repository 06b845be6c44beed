/*
 * Analysis of spike trains against hand-computed values on synthetic
 * trains (regular, Poisson, identical, oscillating, empty), the text
 * readers (NEST 3, NEST 2 .gdf, lyra .dat), the loader, and a network's
 * own statistics.
 */
#include "lyra.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

/* ---- synthetic trains ---------------------------------------------- */

static uint64_t rng_state;

static double uniform(void) { /* splitmix64, (0, 1) */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

typedef struct train {
  uint32_t *ids;
  double *t;
  size_t n, cap;
} train;

static void add(train *tr, uint32_t id, double t) {
  if (tr->n == tr->cap) {
    tr->cap = tr->cap ? 2 * tr->cap : 1024;
    tr->ids = realloc(tr->ids, tr->cap * sizeof *tr->ids);
    tr->t = realloc(tr->t, tr->cap * sizeof *tr->t);
  }
  tr->ids[tr->n] = id;
  tr->t[tr->n++] = t;
}

static int by_time(const void *a, const void *b) {
  const double *x = a, *y = b;
  return (*x > *y) - (*x < *y);
}

/* A population of size neurons (ids 1..size) from tr, sorted by time. */
static lyra_spikes *population(train *tr, uint32_t size, double t_stop) {
  struct pair {
    double t;
    double id;
  } *p = malloc((tr->n ? tr->n : 1) * sizeof *p);
  for (size_t i = 0; i < tr->n; i++)
    p[i] = (struct pair){tr->t[i], tr->ids[i]};
  qsort(p, tr->n, sizeof *p, by_time); /* ties: any order is fine here */
  lyra_spikes *s = calloc(1, sizeof *s);
  snprintf(s->population, sizeof s->population, "P");
  s->first_id = 1;
  s->size = size;
  s->t_stop_ms = t_stop;
  s->n = tr->n;
  s->ids = malloc((tr->n ? tr->n : 1) * sizeof *s->ids);
  s->times_ms = malloc((tr->n ? tr->n : 1) * sizeof *s->times_ms);
  for (size_t i = 0; i < tr->n; i++) {
    s->ids[i] = (uint32_t)p[i].id;
    s->times_ms[i] = p[i].t;
  }
  free(p);
  free(tr->ids);
  free(tr->t);
  *tr = (train){0};
  return s;
}

/* Poisson trains at rate_hz for each of size neurons over (0, t_ms]. */
static lyra_spikes *poisson(uint32_t size, double rate_hz, double t_ms,
                            uint64_t seed) {
  train tr = {0};
  rng_state = seed;
  for (uint32_t k = 1; k <= size; k++)
    for (double t = -log(uniform()) * 1e3 / rate_hz; t <= t_ms;
         t += -log(uniform()) * 1e3 / rate_hz)
      add(&tr, k, t);
  return population(&tr, size, t_ms);
}

static lyra_pop_analysis analyze(const lyra_spikes *s,
                                 const lyra_analysis_opts *o) {
  lyra_pop_analysis a;
  char err[256] = "";
  int rc = lyra_analyze(s, o, &a, err, sizeof err);
  if (rc)
    test_fail(__FILE__, __LINE__, "lyra_analyze: %s", err);
  return a;
}

/* Regular trains: every neuron fires every 25 ms (40 Hz), each with its
 * own phase. Then every interval is 25 ms: CV 0; every 50 ms bin holds
 * exactly 2 spikes: Fano 0; rates exactly 40 Hz. */
TEST(analysis_regular_train) {
  train tr = {0};
  for (uint32_t k = 1; k <= 10; k++)
    for (int j = 0; j < 400; j++)
      add(&tr, k, 0.5 + 2.0 * k + 25.0 * j);
  lyra_spikes *s = population(&tr, 10, 10000.0);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  lyra_pop_analysis a = analyze(s, &o);
  CHECK_EQ_INT(a.spikes, 4000);
  CHECK_NEAR(a.rate_mean, 40.0, 1e-9);
  CHECK_NEAR(a.rate_sd, 0.0, 1e-9);
  CHECK_NEAR(a.rate_median, 40.0, 1e-9);
  CHECK_EQ_INT(a.cv_neurons, 10);
  CHECK_NEAR(a.cv_mean, 0.0, 1e-9);
  CHECK_EQ_INT(a.fano_neurons, 10);
  CHECK_NEAR(a.fano_mean, 0.0, 1e-9);
  CHECK_EQ_INT(a.silent, 0);
  /* The population rate is periodic with 25 ms: the spectrum has power
   * only at 40 Hz and its harmonics, and its peak is one of them. */
  CHECK_NEAR(fmod(a.peak_hz, 40.0), 0.0, 1e-9);
  CHECK(a.peak_hz >= 40.0);
  double cv[10], rate[10];
  CHECK_EQ_INT(lyra_analyze_neurons(s, &o, rate, cv, NULL), 0);
  CHECK_NEAR(rate[3], 40.0, 1e-9);
  CHECK_NEAR(cv[3], 0.0, 1e-9);
  lyra_spikes_free(s);
}

/* Poisson trains (200 neurons, 20 Hz, 100 s: about 2000 intervals and
 * 2000 count bins per neuron). Expected: CV 1, Fano 1, correlation 0,
 * chi 1/sqrt(200) = 0.0707. Standard errors of the means over neurons:
 * CV about 0.0016, Fano 0.0023, so the tolerances (0.02, 0.03) are more
 * than 8 standard errors; the mean of 1000 pair correlations over 10,000
 * bins has a standard error near 0.001 (tolerance 0.01); chi's relative
 * error is about 1% (tolerance 5%). */
TEST(analysis_poisson_train) {
  lyra_spikes *s = poisson(200, 20.0, 100000.0, 42);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  lyra_pop_analysis a = analyze(s, &o);
  printf("  poisson: rate %.3f Hz, CV %.4f, Fano %.4f, corr %.5f (%u "
         "pairs), chi %.4f\n",
         a.rate_mean, a.cv_mean, a.fano_mean, a.corr_mean, a.corr_pairs, a.chi);
  CHECK_NEAR(a.rate_mean, 20.0, 0.2);
  CHECK_NEAR(a.cv_mean, 1.0, 0.02);
  CHECK_NEAR(a.fano_mean, 1.0, 0.03);
  CHECK_EQ_INT(a.corr_pairs, 1000);
  CHECK_NEAR(a.corr_mean, 0.0, 0.01);
  CHECK_REL(a.chi, 1.0 / sqrt(200.0), 0.05, 0);
  CHECK(a.rate_p05 < a.rate_median && a.rate_median < a.rate_p95);
  CHECK(a.rate_min <= a.rate_p05 && a.rate_p95 <= a.rate_max);
  /* A flat spectrum: the largest peak holds a small share of the power. */
  CHECK(a.peak_power_share < 0.02);
  lyra_spikes_free(s);
}

/* Two identical trains: correlation 1 and chi 1 (full synchrony). */
TEST(analysis_identical_trains) {
  lyra_spikes *one = poisson(1, 30.0, 20000.0, 7);
  train tr = {0};
  for (uint64_t i = 0; i < one->n; i++) {
    add(&tr, 1, one->times_ms[i]);
    add(&tr, 2, one->times_ms[i]);
  }
  lyra_spikes *s = population(&tr, 2, 20000.0);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  lyra_pop_analysis a = analyze(s, &o);
  CHECK_EQ_INT(a.corr_pairs, 1);
  CHECK_NEAR(a.corr_mean, 1.0, 1e-12);
  CHECK_NEAR(a.chi, 1.0, 1e-12);
  lyra_spikes_free(one);
  lyra_spikes_free(s);
}

/* 500 neurons with a rate modulated at 40 Hz, 10 (1 + 0.8 sin(2 pi 40
 * t)) Hz, drawn by thinning: the population spectrum peaks at 40 Hz,
 * within the 1 Hz resolution of 1 s Welch segments. */
TEST(analysis_spectrum_peak) {
  train tr = {0};
  rng_state = 99;
  for (uint32_t k = 1; k <= 500; k++)
    for (double t = -log(uniform()) * 1e3 / 18.0; t <= 10000.0;
         t += -log(uniform()) * 1e3 / 18.0)
      if (uniform() * 18.0 <
          10.0 * (1 + 0.8 * sin(2 * 3.14159265358979 * 0.040 * t)))
        add(&tr, k, t);
  lyra_spikes *s = population(&tr, 500, 10000.0);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  lyra_pop_analysis a = analyze(s, &o);
  printf("  oscillation: peak %.2f Hz, share %.3f, chi %.3f\n", a.peak_hz,
         a.peak_power_share, a.chi);
  CHECK_NEAR(a.peak_hz, 40.0, 1.0);
  CHECK(a.peak_power_share > 0.2);
  double f[600], p[600];
  int64_t m = lyra_rate_spectrum(s, &o, f, p, 600);
  CHECK_EQ_INT(m, 501); /* 1000 bins of 1 ms: 0..500 Hz */
  CHECK_NEAR(f[1], 1.0, 1e-12);
  CHECK_NEAR(f[500], 500.0, 1e-9);
  lyra_spikes_free(s);
}

/* A population that never fired: zero spikes, everything silent, and
 * every statistic that needs spikes is NaN with a count of 0. Without a
 * stop time there is no window at all: an error that says so. */
TEST(analysis_silent_and_empty) {
  train tr = {0};
  lyra_spikes *s = population(&tr, 5, 1000.0);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  lyra_pop_analysis a = analyze(s, &o);
  CHECK_EQ_INT(a.spikes, 0);
  CHECK_EQ_INT(a.silent, 5);
  CHECK_NEAR(a.rate_mean, 0.0, 0);
  CHECK(isnan(a.cv_mean) && a.cv_neurons == 0);
  CHECK(isnan(a.fano_mean) && a.fano_neurons == 0);
  CHECK(isnan(a.corr_mean) && a.corr_pairs == 0);
  CHECK(isnan(a.chi) && isnan(a.peak_hz));
  s->t_stop_ms = 0;
  char err[256] = "";
  CHECK_EQ_INT(lyra_analyze(s, &o, &a, err, sizeof err), LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "empty analysis window");
  o.fano_bin_ms = -1;
  o.t_stop_ms = 100;
  CHECK_EQ_INT(lyra_analyze(s, &o, &a, err, sizeof err), LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "bins must be > 0 ms");
  lyra_spikes_free(s);
}

/* The window is (t_start, t_stop]: a spike at t_start is out, one at
 * t_stop is in; a spike on a bin's right edge belongs to that bin. */
TEST(analysis_window_edges) {
  train tr = {0};
  add(&tr, 1, 100.0);
  add(&tr, 1, 150.0);
  add(&tr, 1, 200.0);
  add(&tr, 1, 300.0);
  lyra_spikes *s = population(&tr, 1, 1000.0);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  o.t_start_ms = 100.0;
  o.t_stop_ms = 300.0;
  lyra_pop_analysis a = analyze(s, &o);
  CHECK_EQ_INT(a.spikes, 3);
  CHECK_NEAR(a.rate_mean, 3 / 0.2, 1e-9);
  double r[8];
  CHECK_EQ_INT(lyra_population_rate(s, &o, 50.0, r, 8), 4);
  CHECK_NEAR(r[0], 20.0, 1e-9); /* (100, 150]: the spike at 150 */
  CHECK_NEAR(r[1], 20.0, 1e-9);
  CHECK_NEAR(r[2], 0.0, 0);
  CHECK_NEAR(r[3], 20.0, 1e-9);
  lyra_spikes_free(s);
}

/* ---- text files ---------------------------------------------------- */

static lyra_spikes *parse_text(const char *text, const char *name, char *err) {
  lyra_spikes *s = NULL;
  int rc = lyra_spikes_parse_text(text, strlen(text), name, &s, err, 256);
  CHECK((rc == 0) == (s != NULL));
  return s;
}

/* NEST 3's ASCII backend (two comment lines, column names, threads'
 * spikes interleaved), NEST 2's .gdf (no header) and lyra's .dat. */
TEST(analysis_read_nest_text) {
  char err[256] = "";
  lyra_spikes *s = parse_text("# NEST version: 3.6\n"
                              "# RecordingBackendASCII version: 2\n"
                              "sender\ttime_ms\n"
                              "3\t1.5\n12\t0.7\n5\t1.5\n",
                              "out/spike_recorder-12502-1.dat", err);
  CHECK(s != NULL);
  if (s) {
    CHECK(strcmp(s->population, "spike_recorder-12502") == 0);
    CHECK_EQ_INT(s->n, 3);
    CHECK_EQ_INT(s->ids[0], 12); /* sorted by time, then id */
    CHECK_EQ_INT(s->ids[1], 3);
    CHECK_EQ_INT(s->ids[2], 5);
    CHECK_NEAR(s->times_ms[2], 1.5, 0);
    CHECK(s->size_inferred && s->first_id == 3 && s->size == 10);
    CHECK(s->steps == NULL);
  }
  lyra_spikes_free(s);
  s = parse_text("1\t10.0\n2\t11.5\n", "old/spike_detector-3-0.gdf", err);
  CHECK(s && s->n == 2 && s->times_ms[1] == 11.5);
  CHECK(s && strcmp(s->population, "spike_detector-3") == 0);
  lyra_spikes_free(s);
  s = parse_text("# lyra 0.1.0: population E, model iaf_psc_delta, ids "
                 "1-800 (1-based global), dt 0.1 ms, seed 3\n"
                 "# RecordingBackendASCII version: 2\nsender\ttime_ms\n"
                 "7\t0.3\n",
                 "E.spikes.dat", err);
  CHECK(s && s->size == 800 && !s->size_inferred && s->dt_ms == 0.1);
  CHECK(s && strcmp(s->model, "iaf_psc_delta") == 0);
  lyra_spikes_free(s);
}

/* Bad text: each message names the file and the line. */
TEST(analysis_read_text_errors) {
  static const struct {
    const char *text, *expect;
  } bad[] = {
      {"sender\ttime_ms\n1\tx\n", "f.dat:2: expected a spike time in ms, "
                                  "found 'x'"},
      {"1 2\n-3 4\n", "f.dat:2: expected a neuron id"},
      {"1\n", "f.dat:1: expected 2 columns"},
      {"sender\ttime_step\toffset\n", "f.dat:1: times are in steps"},
      {"foo bar\n", "f.dat:1: expected a column header naming 'sender'"},
      {"# lyra 0.1.0: population E, model m, ids 1-10 (1-based global), "
       "dt 0.1 ms\nsender time_ms\n11 0.5\n",
       "f.dat:3: id 11 is outside the population's ids"},
      {"1 nan\n", "f.dat:1: expected a spike time"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char err[256] = "";
    lyra_spikes *s = parse_text(bad[i].text, "f.dat", err);
    CHECK(s == NULL);
    CHECK_STR_CONTAINS(err, bad[i].expect);
    lyra_spikes_free(s);
  }
  char err[256] = "";
  lyra_spikes *s = NULL;
  CHECK_EQ_INT(lyra_spikes_parse_text("1 2\0", 4, "nul.dat", &s, err, 256),
               LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "NUL bytes");
  /* An empty file is an empty train of a population of unknown size. */
  s = parse_text("", "empty.gdf", err);
  CHECK(s && s->n == 0 && s->size == 0 && s->size_inferred);
  lyra_spikes_free(s);
}

/* ---- a network's files, loaded and analysed ------------------------ */

#define SMALL_MODEL                                                            \
  "run: {dt: 0.1 ms, duration: 1000 ms, seed: 5, output: %s}\n"                \
  "populations:\n"                                                             \
  "  E: {model: iaf_psc_delta, size: 400, params: &n {V_th: 20 mV,\n"          \
  "      V_reset: 10 mV, t_ref: 2 ms, E_L: 0 mV}}\n"                           \
  "  I: {model: iaf_psc_delta, size: 100, params: *n}\n"                       \
  "  Q: {model: iaf_psc_delta, size: 10}\n"                                    \
  "projections:\n"                                                             \
  "  - {source: E, target: [E, I],\n"                                          \
  "     connect: {rule: fixed_indegree, indegree: 40},\n"                      \
  "     synapse: {weight: 0.2 mV, delay: 1.5 ms}}\n"                           \
  "  - {source: I, target: [E, I],\n"                                          \
  "     connect: {rule: fixed_indegree, indegree: 10},\n"                      \
  "     synapse: {weight: -1.0 mV, delay: 1.5 ms}}\n"                          \
  "devices:\n"                                                                 \
  "  - {model: poisson_generator, params: {rate: 18000 Hz},\n"                 \
  "     targets: [E, I], synapse: {weight: 0.1 mV, delay: 1.5 ms}}\n"          \
  "recorders:\n"                                                               \
  "  - {type: spikes, populations: [E, I, Q], format: [binary, text]}\n"

static lyra_network *run_small(const char *dir) {
  char text[2048];
  snprintf(text, sizeof text, SMALL_MODEL, dir);
  lyra_network *net = test_network_from_text(text, "small.yaml");
  if (net) {
    CHECK_EQ_INT(lyra_network_simulate(net, 1000.0, NULL, NULL), 0);
    CHECK_EQ_INT(lyra_network_finish(net), 0);
  }
  return net;
}

/* The loader finds every population in an output directory, takes the
 * window from run.json, and its rates and CVs equal the engine's own
 * statistics (the same definitions: rate over the run, CV over neurons
 * with 3 or more spikes, sd with divisor n). The text files give the same
 * spikes as the binary ones. */
TEST(analysis_matches_network) {
  char dir[512], err[512] = "";
  snprintf(dir, sizeof dir, "%s/analysis-net", test_tmpdir());
  lyra_network *net = run_small(dir);
  if (!net)
    return;
  lyra_spikes **pops = NULL;
  size_t n = 0;
  CHECK_EQ_INT(lyra_spikes_load(dir, &pops, &n, err, sizeof err), 0);
  CHECK_EQ_INT(n, 3);
  lyra_analysis_opts o;
  lyra_analysis_defaults(&o);
  for (size_t i = 0; i < n; i++) {
    lyra_pop_stats st;
    CHECK_EQ_INT(lyra_network_population_stats(net, (int)i, &st), 0);
    CHECK(strcmp(pops[i]->population, st.name) == 0);
    CHECK_NEAR(pops[i]->t_stop_ms, 1000.0, 1e-9);
    lyra_pop_analysis a = analyze(pops[i], &o);
    CHECK_EQ_INT(a.spikes, st.spikes);
    CHECK_EQ_INT(a.silent, st.silent);
    CHECK_REL(a.rate_mean, st.rate_hz, 1e-12, 1e-12);
    if (isnan(st.cv_isi))
      CHECK(isnan(a.cv_mean));
    else
      CHECK_REL(a.cv_mean, st.cv_isi, 1e-9, 0);
  }
  CHECK(pops[0]->n > 1000 && pops[2]->n == 0); /* Q gets no input */
  /* The same from the text files. */
  char path[600];
  snprintf(path, sizeof path, "%s/E.spikes.dat", dir);
  lyra_spikes **t = NULL;
  size_t nt = 0;
  CHECK_EQ_INT(lyra_spikes_load(path, &t, &nt, err, sizeof err), 0);
  CHECK(nt == 1 && t[0]->n == pops[0]->n && t[0]->size == pops[0]->size);
  for (uint64_t i = 0; nt == 1 && i < t[0]->n && i < pops[0]->n; i++)
    if (t[0]->ids[i] != pops[0]->ids[i] ||
        fabs(t[0]->times_ms[i] - pops[0]->times_ms[i]) > 1e-9) {
      test_fail(__FILE__, __LINE__, "text and binary differ at %llu",
                (unsigned long long)i);
      break;
    }
  lyra_spikes_free_all(t, nt);
  lyra_spikes_free_all(pops, n);
  lyra_network_destroy(net);
}

/* Files of one NEST recorder written by two processes merge into one
 * population in time order; a missing path and a foreign binary file
 * give messages. */
TEST(analysis_load_merge_and_errors) {
  char dir[512], a[600], b[600], err[512] = "";
  snprintf(dir, sizeof dir, "%s/analysis-merge", test_tmpdir());
  char cmd[700];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
  CHECK_EQ_INT(system(cmd), 0);
  snprintf(a, sizeof a, "%s/sr-7-0.dat", dir);
  snprintf(b, sizeof b, "%s/sr-7-1.dat", dir);
  FILE *f = fopen(a, "w");
  fputs("sender time_ms\n1 5.0\n3 9.0\n", f);
  fclose(f);
  f = fopen(b, "w");
  fputs("sender time_ms\n2 1.0\n4 7.0\n", f);
  fclose(f);
  lyra_spikes **x = NULL, **y = NULL;
  size_t nx = 0, ny = 0;
  CHECK_EQ_INT(lyra_spikes_load(a, &x, &nx, err, sizeof err), 0);
  CHECK_EQ_INT(lyra_spikes_load(b, &y, &ny, err, sizeof err), 0);
  CHECK_EQ_INT(lyra_spikes_merge(&x, &nx, y, ny, err, sizeof err), 0);
  CHECK_EQ_INT(nx, 1);
  if (nx == 1) {
    CHECK_EQ_INT(x[0]->n, 4);
    CHECK(x[0]->ids[0] == 2 && x[0]->ids[1] == 1 && x[0]->ids[3] == 3);
    CHECK(x[0]->first_id == 1 && x[0]->size == 4);
  }
  lyra_spikes_free_all(x, nx);
  CHECK_EQ_INT(lyra_spikes_load("/nonexistent/x.dat", &x, &nx, err, sizeof err),
               LYRA_EIO);
  CHECK_STR_CONTAINS(err, "/nonexistent/x.dat");
  f = fopen(a, "wb");
  fputs("LYRASTA1 and more", f);
  fclose(f);
  CHECK_EQ_INT(lyra_spikes_load(a, &x, &nx, err, sizeof err), LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "not a spike file");
  CHECK(x == NULL && nx == 0);
}
