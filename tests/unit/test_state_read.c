/*
 * Reading state files back (lyra_state_read): a file written by a run
 * reads back exactly; truncated, foreign and inconsistent files are
 * refused with a message.
 */
#include "lyra.h"
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

/* Ten neurons driven by a constant current, V_m of neurons 0 and 3
 * recorded every millisecond for 20 ms into dir/E.V_m.lystate. The last
 * value of neuron 3 goes to *v3. */
static void run_recording(const char *dir, double *v3) {
  lyra_model *m;
  lyra_network *net = NULL;
  char err[1024] = "";
  const uint32_t neurons[] = {0, 3};
  lyra_model_create(&m);
  lyra_model_set_output_dir(m, dir);
  CHECK_EQ_INT(lyra_model_add_population(m, "E", "iaf_psc_exp", 10, NULL), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, 0, "I_e", 400.0), 0);
  CHECK_EQ_INT(
      lyra_model_record_state(m, 0, "V_m", neurons, 2, 1.0, LYRA_FORMAT_BINARY),
      0);
  if (lyra_network_create(&net, m, err, sizeof err))
    test_fail(__FILE__, __LINE__, "network create: %s", err);
  lyra_model_destroy(m);
  if (!net)
    return;
  CHECK_EQ_INT(lyra_network_simulate(net, 20.0, NULL, NULL), 0);
  CHECK_EQ_INT(lyra_network_get_state(net, 0, 3, "V_m", v3), 0);
  CHECK_EQ_INT(lyra_network_finish(net), 0);
  lyra_network_destroy(net);
}

TEST(record_state_read_round_trip) {
  char dir[512], path[600], err[256] = "";
  double v3 = NAN;
  snprintf(dir, sizeof dir, "%s/state_read", test_tmpdir());
  run_recording(dir, &v3);
  snprintf(path, sizeof path, "%s/E.V_m.lystate", dir);
  lyra_state *s = NULL;
  int rc = lyra_state_read(path, &s, err, sizeof err);
  if (rc)
    test_fail(__FILE__, __LINE__, "%s", err);
  if (!s)
    return;
  CHECK(strcmp(s->population, "E") == 0);
  CHECK(strcmp(s->model, "iaf_psc_exp") == 0);
  CHECK(strcmp(s->variable, "V_m") == 0);
  CHECK(strcmp(s->unit, "mV") == 0);
  CHECK_EQ_INT(s->first_id, 1);
  CHECK_EQ_INT(s->size, 10);
  CHECK_NEAR(s->dt_ms, 0.1, 0);
  CHECK_EQ_INT(s->interval_steps, 10);
  CHECK_EQ_INT(s->n_neurons, 2);
  CHECK_EQ_INT(s->ids[0], 1);
  CHECK_EQ_INT(s->ids[1], 4);
  CHECK_EQ_INT(s->n, 20);
  for (uint64_t i = 0; i < s->n; i++) {
    CHECK_EQ_INT(s->steps[i], 10 * (i + 1));
    CHECK_NEAR(s->times_ms[i], (double)(i + 1), 1e-12);
  }
  /* The last sample is the state at the end of the run, bit for bit;
   * the two neurons are alike, so their values are too. */
  CHECK_NEAR(s->values[(s->n - 1) * 2 + 1], v3, 0);
  CHECK_NEAR(s->values[0], s->values[1], 0);
  CHECK(s->values[19 * 2] > s->values[0]); /* charging towards I_e R */
  lyra_state_free(s);
  lyra_state_free(NULL);
}

/* A state file from parts: header text, n samples of k values. */
static unsigned char *state_file(const char *header, uint64_t n, uint32_t k,
                                 const uint32_t *steps, size_t *len) {
  size_t hlen = strlen(header), rec = 4 + 8 * (size_t)k;
  unsigned char *b = calloc(1, 20 + hlen + n * rec);
  memcpy(b, "LYRASTA1", 8);
  for (int i = 0; i < 8; i++)
    b[8 + i] = (unsigned char)(n >> (8 * i));
  for (int i = 0; i < 4; i++)
    b[16 + i] = (unsigned char)(hlen >> (8 * i));
  memcpy(b + 20, header, hlen);
  for (uint64_t j = 0; j < n; j++)
    for (int i = 0; i < 4; i++)
      b[20 + hlen + j * rec + (size_t)i] = (unsigned char)(steps[j] >> (8 * i));
  *len = 20 + hlen + n * rec;
  return b;
}

#define HEADER(ids, neurons)                                                   \
  "format: lyra-state 1\npopulation: E\nmodel: iaf_psc_exp\nfirst_id: 11\n"    \
  "size: 5\ndt_ms: 0.1\nseed: 1\nvariable: V_m\nunit: mV\n"                    \
  "interval_steps: 10\nneurons: " neurons "\nids: " ids "\n"

/* Parses a file built from parts; the code, and the message in err. */
static int parse_parts(const char *header, uint32_t k, const uint32_t *steps,
                       uint64_t n, char *err, size_t errlen) {
  size_t len;
  unsigned char *b = state_file(header, n, k, steps, &len);
  lyra_state *s = (lyra_state *)1;
  err[0] = '\0';
  int rc = lyra_state_parse(b, len, "parts", &s, err, errlen);
  CHECK(rc ? s == NULL : s != NULL);
  if (rc)
    CHECK(err[0] && !strchr(err, '\n'));
  lyra_state_free(rc ? NULL : s);
  free(b);
  return rc;
}

TEST(record_state_read_rejects_bad_files) {
  static const uint32_t good[] = {10, 20, 30}, skew[] = {10, 25, 30},
                        back[] = {20, 10, 30};
  static const struct {
    const char *header;
    uint32_t k;
    const uint32_t *steps;
    const char *why;
  } bad[] = {
      /* ids outside the population, or not as many as announced */
      {HEADER("11 16", "2"), 2, good, "malformed header"},
      {HEADER("11 12 13", "2"), 2, good, "malformed header"},
      {HEADER("11", "2"), 2, good, "malformed header"},
      {HEADER("11 1x", "2"), 2, good, "malformed header"},
      {HEADER("11", "0"), 0, good, "malformed header"},
      /* steps off the interval, or going back */
      {HEADER("11 15", "2"), 2, skew, "corrupt records"},
      {HEADER("11 15", "2"), 2, back, "corrupt records"},
  };
  char err[256];
  CHECK_EQ_INT(parse_parts(HEADER("11 15", "2"), 2, good, 3, err, 256), 0);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_EQ_INT(
        parse_parts(bad[i].header, bad[i].k, bad[i].steps, 3, err, 256),
        LYRA_EPARSE);
    CHECK_STR_CONTAINS(err, bad[i].why);
  }
  /* more neurons than the header could list: refused before allocating */
  CHECK_EQ_INT(parse_parts(HEADER("11", "16777216"), 0, good, 0, err, 256),
               LYRA_EPARSE);
  /* not a state file; another format version */
  CHECK_EQ_INT(parse_parts("format: lyra-state 2\n", 1, good, 0, err, 256),
               LYRA_EPARSE);
  lyra_state *s = (lyra_state *)1;
  CHECK_EQ_INT(lyra_state_parse("LYRASPK1........", 16, "spk", &s, err, 256),
               LYRA_EPARSE);
  CHECK(s == NULL);
  CHECK_STR_CONTAINS(err, "spk: not a lyra state file");
  CHECK_EQ_INT(lyra_state_parse("", 0, "empty", &s, err, 256), LYRA_EPARSE);
}

TEST(record_state_read_rejects_truncated_files) {
  const uint32_t steps[] = {10, 20, 30};
  char err[256], path[600];
  size_t len;
  unsigned char *b = state_file(HEADER("11 15", "2"), 3, 2, steps, &len);
  lyra_state *s = (lyra_state *)1;
  for (size_t cut = 1; cut < len; cut += cut < 40 ? 1 : 7) {
    CHECK_EQ_INT(lyra_state_parse(b, len - cut, "cut", &s, err, sizeof err),
                 LYRA_EPARSE);
    CHECK(s == NULL);
  }
  CHECK_STR_CONTAINS(err, "cut: ");
  CHECK_EQ_INT(lyra_state_parse(b, len - 20, "cut", &s, err, sizeof err),
               LYRA_EPARSE);
  CHECK_STR_CONTAINS(err, "truncated");
  free(b);
  snprintf(path, sizeof path, "%s/no-such.lystate", test_tmpdir());
  CHECK_EQ_INT(lyra_state_read(path, &s, err, sizeof err), LYRA_EIO);
  CHECK_STR_CONTAINS(err, "no-such.lystate");
}
