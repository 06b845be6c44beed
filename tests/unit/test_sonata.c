/*
 * SONATA spike files (record/sonata.c, record/sonata_write.c): a run
 * recorded in binary and SONATA reads back the same; the file is the same
 * for any number of threads; files written by h5py (as other simulators'
 * tools write them) are read; malformed files give a message, never a
 * crash. The malformed files are made here with the HDF5 C API.
 */
#include "lyra.h"
#include "test.h"

#include <hdf5.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* 400 + 100 neurons driven hard enough that E fires about 80,000 spikes
 * in 500 ms: more than one block of the writer (2^16), so appending to
 * the datasets is tested too. */
static lyra_network *build(const char *dir, int threads) {
  char text[2048];
  snprintf(
      text, sizeof text,
      "run: {dt: 0.1 ms, seed: 5, output: %s, threads: %d}\n"
      "populations:\n"
      "  E: {model: iaf_psc_delta, size: 400, params: &p {tau_m: 20 ms, E_L: "
      "0 mV, V_th: 20 mV, V_reset: 10 mV, t_ref: 2 ms}}\n"
      "  I: {model: iaf_psc_delta, size: 100, params: *p}\n"
      "projections:\n"
      "  - {source: E, target: I, connect: {rule: fixed_indegree, indegree: "
      "20}, synapse: {weight: 0.1 mV, delay: 1.5 ms}}\n"
      "  - {source: I, target: E, connect: {rule: fixed_indegree, indegree: "
      "10}, synapse: {weight: -0.2 mV, delay: 1 ms}}\n"
      "devices:\n"
      "  - {model: poisson_generator, params: {rate: 150000 Hz}, targets: E, "
      "synapse: {weight: 0.1 mV, delay: 1 ms}}\n"
      "  - {model: poisson_generator, params: {rate: 20000 Hz}, targets: I, "
      "synapse: {weight: 0.1 mV, delay: 1 ms}}\n"
      "recorders:\n"
      "  - {type: spikes, format: [binary, sonata]}\n",
      dir, threads);
  return test_network_from_text(text, "sonata.yaml");
}

static void run(const char *dir, int threads, double ms) {
  lyra_network *net = build(dir, threads);
  if (!net)
    return;
  CHECK_EQ_INT(lyra_network_simulate(net, ms, NULL, NULL), 0);
  CHECK_EQ_INT(lyra_network_finish(net), 0);
  lyra_network_destroy(net);
}

/* Loads path, which must succeed. */
static lyra_spikes **load(const char *path, size_t *n) {
  lyra_spikes **list = NULL;
  char err[1024] = "";
  *n = 0;
  if (lyra_spikes_load(path, &list, n, err, sizeof err))
    test_fail(__FILE__, __LINE__, "loading %s: %s", path, err);
  return list;
}

static void check_same_spikes(const lyra_spikes *a, const lyra_spikes *b) {
  CHECK(strcmp(a->population, b->population) == 0);
  CHECK(strcmp(a->model, b->model) == 0);
  CHECK_EQ_INT(a->first_id, b->first_id);
  CHECK_EQ_INT(a->size, b->size);
  CHECK_EQ_INT(a->size_inferred, b->size_inferred);
  CHECK_NEAR(a->dt_ms, b->dt_ms, 0);
  CHECK_NEAR(a->t_stop_ms, b->t_stop_ms, 0);
  CHECK_EQ_INT(a->seed, b->seed);
  CHECK_EQ_INT(a->n, b->n);
  if (a->n != b->n)
    return;
  uint64_t bad = 0;
  for (uint64_t i = 0; i < a->n; i++)
    bad += a->ids[i] != b->ids[i] || a->times_ms[i] != b->times_ms[i];
  CHECK_EQ_INT(bad, 0);
}

/* Every HDF5 object lyra opened has been closed again. */
static void check_no_open_hdf5(void) {
  CHECK_EQ_INT(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

/* The same run recorded in binary and SONATA reads back identically
 * (ids, times, population facts); the SONATA file of 1 and 2 threads is
 * byte-identical and reads back identically. */
TEST(sonata_matches_binary) {
  char one[512], two[512], f[600], g[600];
  snprintf(one, sizeof one, "%s/sonata_t1", test_tmpdir());
  snprintf(two, sizeof two, "%s/sonata_t2", test_tmpdir());
  run(one, 1, 500.0);
  run(two, 2, 500.0);
  const char *pops[] = {"E", "I"};
  snprintf(f, sizeof f, "%s/spikes.h5", one);
  size_t n_h5;
  lyra_spikes **h5 = load(f, &n_h5);
  CHECK_EQ_INT(n_h5, 2);
  for (size_t k = 0; k < 2 && k < n_h5; k++) {
    snprintf(g, sizeof g, "%s/%s.spikes.lyspk", one, pops[k]);
    size_t n_bin;
    lyra_spikes **bin = load(g, &n_bin);
    CHECK_EQ_INT(n_bin, 1);
    if (n_bin == 1)
      check_same_spikes(bin[0], h5[k]);
    lyra_spikes_free_all(bin, n_bin);
  }
  if (n_h5 == 2) {
    CHECK(h5[0]->n > 65536); /* several blocks */
    CHECK(h5[1]->n > 1000);
    CHECK_NEAR(h5[0]->t_stop_ms, 500.0, 0);
    CHECK_EQ_INT(h5[1]->first_id, 401);
  }
  snprintf(g, sizeof g, "%s/spikes.h5", two);
  CHECK(test_same_file(f, g));
  size_t n_two;
  lyra_spikes **h5_two = load(g, &n_two);
  CHECK_EQ_INT(n_two, n_h5);
  for (size_t k = 0; k < n_two && k < n_h5; k++)
    check_same_spikes(h5[k], h5_two[k]);
  /* An output directory without native files: its spikes.h5 is loaded. */
  for (size_t k = 0; k < 2; k++) {
    snprintf(g, sizeof g, "%s/%s.spikes.lyspk", two, pops[k]);
    CHECK(unlink(g) == 0);
  }
  size_t n_dir;
  lyra_spikes **dir = load(two, &n_dir);
  CHECK_EQ_INT(n_dir, n_h5);
  for (size_t k = 0; k < n_dir && k < n_h5; k++)
    check_same_spikes(h5[k], dir[k]);
  lyra_spikes_free_all(dir, n_dir);
  lyra_spikes_free_all(h5, n_h5);
  lyra_spikes_free_all(h5_two, n_two);
  check_no_open_hdf5();
}

/* spikes.h5 is written as spikes.h5.partial; a network destroyed before
 * finishing leaves neither name. */
TEST(sonata_partial_removed) {
  char dir[512], f[600];
  snprintf(dir, sizeof dir, "%s/sonata_partial", test_tmpdir());
  lyra_network *net = build(dir, 1);
  if (!net)
    return;
  CHECK_EQ_INT(lyra_network_simulate(net, 20.0, NULL, NULL), 0);
  snprintf(f, sizeof f, "%s/spikes.h5.partial", dir);
  CHECK(test_exists(f));
  lyra_network_destroy(net);
  check_no_open_hdf5();
  CHECK(!test_exists(f));
  snprintf(f, sizeof f, "%s/spikes.h5", dir);
  CHECK(!test_exists(f));
}

static int load_string(lyra_model *m, const char *text) {
  return lyra_model_load_string(m, text, strlen(text), "f.yaml");
}

/* "sonata" is a format word of spike recorders only, alone or in a list;
 * the C API checks the same. */
TEST(sonata_format_words) {
  static const char pops[] =
      "populations: {E: {model: iaf_psc_delta, size: 4}}\n";
  char text[512];
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  snprintf(text, sizeof text, "%srecorders: [{type: spikes, format: sonata}]",
           pops);
  CHECK_EQ_INT(load_string(m, text), 0);
  lyra_model_destroy(m);
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  snprintf(text, sizeof text,
           "%srecorders: [{type: spikes, format: [text, sonata]}]", pops);
  CHECK_EQ_INT(load_string(m, text), 0);
  lyra_model_destroy(m);
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  snprintf(text, sizeof text,
           "%srecorders: [{type: state, population: E, variables: V_m, "
           "neurons: [0], format: sonata}]",
           pops);
  CHECK_EQ_INT(load_string(m, text), LYRA_EPARSE);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m),
                     "expected a format (one of: binary, text), found");
  CHECK_EQ_INT(load_string(m, pops), 0);
  uint32_t k = 0;
  CHECK_EQ_INT(
      lyra_model_record_state(m, 0, "V_m", &k, 1, 1.0, LYRA_FORMAT_SONATA),
      LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "for spike recorders only");
  CHECK_EQ_INT(lyra_model_record_spikes(m, 0, 8u), LYRA_EINVAL);
  CHECK_STR_CONTAINS(lyra_model_errmsg(m), "binary, text and/or sonata");
  CHECK_EQ_INT(lyra_model_record_spikes(m, 0, LYRA_FORMAT_SONATA), 0);
  lyra_model_destroy(m);
}

/* ---- files made with the HDF5 C API ---------------------------------- */

/* A one-dimensional dataset name in g of n values given as mem_type,
 * stored as file_type. */
static void put_data(hid_t g, const char *name, hid_t file_type, hid_t mem_type,
                     hsize_t n, const void *values) {
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t d = H5Dcreate2(g, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT);
  CHECK(d >= 0);
  if (n)
    CHECK(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
  H5Dclose(d);
  H5Sclose(space);
}

static void put_units(hid_t g, const char *dataset, const char *units) {
  hid_t d = H5Dopen2(g, dataset, H5P_DEFAULT);
  hid_t t = H5Tcopy(H5T_C_S1), space = H5Screate(H5S_SCALAR);
  H5Tset_size(t, strlen(units)); /* fixed length, as h5py's np.bytes_ */
  hid_t a = H5Acreate2(d, "units", t, space, H5P_DEFAULT, H5P_DEFAULT);
  CHECK(H5Awrite(a, t, units) >= 0);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(t);
  H5Dclose(d);
}

/* A file with population group `pop` (flat layout if pop is NULL) holding
 * what `fill` puts there. */
typedef void (*fill_fn)(hid_t g);

static void make_file(const char *path, const char *pop, fill_fn fill) {
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  CHECK(f >= 0);
  hid_t s = H5Gcreate2(f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = pop ? H5Gcreate2(s, pop, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : s;
  if (fill)
    fill(g);
  if (pop)
    H5Gclose(g);
  H5Gclose(s);
  H5Fclose(f);
}

static const double times3[] = {1.0, 2.0, 3.0};
static const uint64_t ids3[] = {0, 1, 2};

static void only_timestamps(hid_t g) {
  put_data(g, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, times3);
}

static void only_ids(hid_t g) {
  put_data(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, 3, ids3);
}

static void three_spikes(hid_t g) {
  only_timestamps(g);
  only_ids(g);
}

static void lengths_differ(hid_t g) {
  only_timestamps(g);
  put_data(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, ids3);
}

/* Float node ids are refused rather than rounded: an id is a count. */
static void float_ids(hid_t g) {
  only_timestamps(g);
  put_data(g, "node_ids", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, times3);
}

static void string_ids(hid_t g) {
  only_timestamps(g);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, 4);
  put_data(g, "node_ids", t, t, 3, "abc\0def\0ghi");
  H5Tclose(t);
}

static void negative_ids(hid_t g) {
  const int64_t ids[] = {0, -1, 2};
  only_timestamps(g);
  put_data(g, "node_ids", H5T_STD_I64LE, H5T_NATIVE_INT64, 3, ids);
}

static void huge_ids(hid_t g) {
  const uint64_t ids[] = {0, 1, (uint64_t)1 << 40};
  only_timestamps(g);
  put_data(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, 3, ids);
}

static void nan_time(hid_t g) {
  const double t[] = {1.0, (double)NAN, 3.0};
  put_data(g, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, t);
  only_ids(g);
}

static void bad_units(hid_t g) {
  three_spikes(g);
  put_units(g, "timestamps", "us");
}

static void two_dimensional(hid_t g) {
  hsize_t dims[2] = {3, 1};
  hid_t space = H5Screate_simple(2, dims, NULL);
  hid_t d = H5Dcreate2(g, "node_ids", H5T_STD_U64LE, space, H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(d);
  H5Sclose(space);
  only_timestamps(g);
}

/* Loading path fails with a message that names it and holds `what`. */
static void check_refused(const char *path, const char *what) {
  lyra_spikes **list = (lyra_spikes **)1;
  size_t n = 7;
  char err[1024] = "";
  int rc = lyra_spikes_load(path, &list, &n, err, sizeof err);
  if (rc == 0) {
    test_fail(__FILE__, __LINE__, "%s was accepted (expected '%s')", path,
              what);
    lyra_spikes_free_all(list, n);
    return;
  }
  CHECK(list == NULL);
  CHECK_EQ_INT(n, 0);
  CHECK_STR_CONTAINS(err, path);
  CHECK_STR_CONTAINS(err, what);
}

TEST(sonata_rejects_bad_files) {
  static const struct {
    const char *file, *pop;
    fill_fn fill;
    const char *what;
  } cases[] = {
      {"no_ids.h5", "p", only_timestamps,
       "population 'p': no dataset 'node_ids'"},
      {"no_times.h5", "p", only_ids, "population 'p': no dataset 'timestamps'"},
      {"lengths.h5", "p", lengths_differ,
       "'node_ids' has 2 entries, 'timestamps' 3"},
      {"float_ids.h5", "p", float_ids,
       "'node_ids' must hold integers, not floating-point numbers"},
      {"string_ids.h5", "p", string_ids,
       "'node_ids' must hold integers, not strings"},
      {"negative.h5", "p", negative_ids, "node_ids[1] is negative (-1)"},
      {"huge.h5", "p", huge_ids, "node_ids[2] = 1099511627776 is too large"},
      {"nan.h5", "p", nan_time, "timestamp 1 is not finite"},
      {"units.h5", "p", bad_units, "must be \"ms\" or \"s\", not \"us\""},
      {"rank2.h5", "p", two_dimensional, "must have one dimension, not 2"},
      {"flat.h5", NULL, lengths_differ,
       "population 'spikes': 'node_ids' has 2 entries"},
      {"empty.h5", NULL, NULL, "no population in /spikes"},
  };
  char path[600];
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    snprintf(path, sizeof path, "%s/%s", test_tmpdir(), cases[k].file);
    make_file(path, cases[k].pop, cases[k].fill);
    check_refused(path, cases[k].what);
  }
  /* HDF5 without /spikes */
  snprintf(path, sizeof path, "%s/no_spikes.h5", test_tmpdir());
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  check_refused(path, "no group /spikes: not a SONATA spike file");
  /* truncated */
  snprintf(path, sizeof path, "%s/truncated.h5", test_tmpdir());
  make_file(path, "p", three_spikes);
  struct stat st;
  CHECK(stat(path, &st) == 0 && truncate(path, st.st_size / 2) == 0);
  check_refused(path, "cannot open as an HDF5 file");
  /* text named .h5 */
  snprintf(path, sizeof path, "%s/text.h5", test_tmpdir());
  FILE *t = fopen(path, "w");
  if (t) {
    fputs("1 2.5\n2 3.5\n", t);
    fclose(t);
  }
  check_refused(path, "not an HDF5 file");
  check_no_open_hdf5();
}

/* The flat layout of older files (gids, timestamps in /spikes), unsorted,
 * float32 times without units, signed ids: sorted by time then id, ids
 * from 0, size inferred. An empty population is valid. */
static void flat_unsorted(hid_t g) {
  const int32_t gids[] = {4, 2, 0, 1};
  const float t[] = {2.5f, 0.5f, 2.5f, 0.5f};
  put_data(g, "gids", H5T_STD_I32LE, H5T_NATIVE_INT32, 4, gids);
  put_data(g, "timestamps", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 4, t);
}

static void empty_population(hid_t g) {
  put_data(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, NULL);
  put_data(g, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, NULL);
}

TEST(sonata_flat_layout_and_empty) {
  char path[600];
  size_t n;
  snprintf(path, sizeof path, "%s/flat_ok.h5", test_tmpdir());
  make_file(path, NULL, flat_unsorted);
  lyra_spikes **s = load(path, &n);
  CHECK_EQ_INT(n, 1);
  if (n == 1) {
    const uint32_t ids[] = {1, 2, 0, 4};
    const double t[] = {0.5, 0.5, 2.5, 2.5};
    CHECK(strcmp(s[0]->population, "spikes") == 0);
    CHECK_EQ_INT(s[0]->n, 4);
    CHECK_EQ_INT(s[0]->first_id, 0);
    CHECK_EQ_INT(s[0]->size, 5);
    CHECK_EQ_INT(s[0]->size_inferred, 1);
    CHECK_NEAR(s[0]->dt_ms, 0, 0);
    for (int i = 0; i < 4 && s[0]->n == 4; i++) {
      CHECK_EQ_INT(s[0]->ids[i], ids[i]);
      CHECK_NEAR(s[0]->times_ms[i], t[i], 0);
    }
  }
  lyra_spikes_free_all(s, n);
  snprintf(path, sizeof path, "%s/empty_pop.h5", test_tmpdir());
  make_file(path, "quiet", empty_population);
  s = load(path, &n);
  CHECK_EQ_INT(n, 1);
  if (n == 1) {
    CHECK(strcmp(s[0]->population, "quiet") == 0);
    CHECK_EQ_INT(s[0]->n, 0);
    CHECK_EQ_INT(s[0]->size, 0);
  }
  lyra_spikes_free_all(s, n);
}

/* ---- a file written by h5py ----------------------------------------- */

/* A python3 that has h5py: $LYRA_PYTHON, else python3 on PATH, else
 * Debian's /usr/bin/python3 (python3-h5py installs there, and PATH may
 * name another python, e.g. pyenv's or a virtualenv's). */
static const char *python_with_h5py(void) {
  const char *candidates[] = {getenv("LYRA_PYTHON"), "python3",
                              "/usr/bin/python3"};
  char cmd[1024];
  for (int k = 0; k < 3; k++) {
    if (!candidates[k] || !candidates[k][0])
      continue;
    snprintf(cmd, sizeof cmd, "'%s' -c 'import h5py' >/dev/null 2>&1",
             candidates[k]);
    if (system(cmd) == 0)
      return candidates[k];
  }
  return NULL;
}

/* tests/data/make_sonata_h5py.py writes: cortex (uint64 ids, float64 ms,
 * sorting by_id), silent (no spikes), thalamus (int64 ids, float32
 * seconds, units "s"). lyra sorts by time then id and converts to ms. */
TEST(sonata_h5py_file) {
  const char *py = python_with_h5py();
  if (!py) {
    test_fail(__FILE__, __LINE__,
              "no python3 with h5py: run scripts/deps.sh --test (Debian "
              "python3-h5py), or set LYRA_PYTHON");
    return;
  }
  char path[600], cmd[2048];
  snprintf(path, sizeof path, "%s/h5py_spikes.h5", test_tmpdir());
  snprintf(cmd, sizeof cmd, "'%s' '%s/tests/data/make_sonata_h5py.py' '%s'", py,
           LYRA_SOURCE_DIR, path);
  if (system(cmd) != 0) {
    test_fail(__FILE__, __LINE__, "failed: %s", cmd);
    return;
  }
  size_t n;
  lyra_spikes **s = load(path, &n);
  CHECK_EQ_INT(n, 3);
  if (n != 3) {
    lyra_spikes_free_all(s, n);
    return;
  }
  static const uint32_t cortex_ids[] = {0, 1, 2, 3, 4, 1, 2, 3,
                                        4, 2, 3, 4, 3, 4, 4};
  static const double cortex_t[] = {10,    10.25, 10.5,  10.75, 11,
                                    20.25, 20.5,  20.75, 21,    30.5,
                                    30.75, 31,    40.75, 41,    51};
  CHECK(strcmp(s[0]->population, "cortex") == 0);
  CHECK_EQ_INT(s[0]->n, 15);
  CHECK_EQ_INT(s[0]->size, 5);
  CHECK_EQ_INT(s[0]->size_inferred, 1);
  for (int i = 0; i < 15 && s[0]->n == 15; i++) {
    CHECK_EQ_INT(s[0]->ids[i], cortex_ids[i]);
    CHECK_NEAR(s[0]->times_ms[i], cortex_t[i], 0);
  }
  CHECK(strcmp(s[1]->population, "silent") == 0);
  CHECK_EQ_INT(s[1]->n, 0);
  static const uint32_t thal_ids[] = {1, 3, 0, 3};
  static const double thal_t[] = {500, 500, 1250, 2000};
  CHECK(strcmp(s[2]->population, "thalamus") == 0);
  CHECK_EQ_INT(s[2]->n, 4);
  CHECK_EQ_INT(s[2]->size, 4);
  for (int i = 0; i < 4 && s[2]->n == 4; i++) {
    CHECK_EQ_INT(s[2]->ids[i], thal_ids[i]);
    CHECK_NEAR(s[2]->times_ms[i], thal_t[i], 0);
  }
  lyra_spikes_free_all(s, n);
}
