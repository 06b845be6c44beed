/*
 * Reading SONATA spike files (HDF5): every population group under
 * /spikes, or the older flat layout with the datasets directly in /spikes
 * (population "spikes"). Every dataset and attribute is checked before it
 * is used, so a foreign or malformed file gives a one-line message naming
 * the file and the population, never a crash and never HDF5's own error
 * stack. What is accepted: docs/file-formats.md.
 */
#include "record/sonata.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the HDF5 guard (sonata.h) -------------------------------------- */

static pthread_mutex_t h5_lock = PTHREAD_MUTEX_INITIALIZER;

void lyra__h5_enter(lyra__h5_guard *g) {
  pthread_mutex_lock(&h5_lock);
  H5Eget_auto2(H5E_DEFAULT, &g->print, &g->print_data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void lyra__h5_leave(const lyra__h5_guard *g) {
  H5Eset_auto2(H5E_DEFAULT, g->print, g->print_data);
  pthread_mutex_unlock(&h5_lock);
}

void lyra__h5_close(hid_t id) {
  if (id < 0)
    return;
  switch (H5Iget_type(id)) {
  case H5I_FILE:
    H5Fclose(id);
    break;
  case H5I_GROUP:
    H5Gclose(id);
    break;
  case H5I_DATASET:
    H5Dclose(id);
    break;
  case H5I_ATTR:
    H5Aclose(id);
    break;
  case H5I_DATASPACE:
    H5Sclose(id);
    break;
  case H5I_DATATYPE:
    H5Tclose(id);
    break;
  case H5I_GENPROP_LST:
    H5Pclose(id);
    break;
  default:
    break;
  }
}

/* ---- messages ------------------------------------------------------- */

typedef struct reader {
  const char *path;
  const char *pop; /* the population being read; NULL before the first */
  char *err;
  size_t errlen;
} reader;

/* "PATH: population 'POP': WHAT", or "PATH: WHAT" outside a population. */
static int fail(const reader *r, int code, const char *fmt, ...)
    LYRA__PRINTF(3, 4);
static int fail(const reader *r, int code, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (r->pop)
    return lyra__errf_n(r->err, r->errlen, code, "%s: population '%s': %s",
                        r->path, r->pop, what);
  return lyra__errf_n(r->err, r->errlen, code, "%s: %s", r->path, what);
}

static const char *class_name(H5T_class_t c) {
  switch (c) {
  case H5T_INTEGER:
    return "integers";
  case H5T_FLOAT:
    return "floating-point numbers";
  case H5T_STRING:
    return "strings";
  case H5T_ENUM:
    return "enum values";
  case H5T_COMPOUND:
    return "compound records";
  default:
    return "values of another type";
  }
}

/* ---- attributes ----------------------------------------------------- */

typedef struct attr {
  hid_t a, type;
  H5T_class_t cls;
} attr;

/* Opens attribute `name` of obj: 0, 1 if there is none, -1 if it is not
 * a single value. */
static int open_attr(hid_t obj, const char *name, attr *x) {
  x->a = x->type = H5I_INVALID_HID;
  x->cls = H5T_NO_CLASS;
  if (H5Aexists(obj, name) <= 0)
    return 1;
  x->a = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t space = x->a < 0 ? H5I_INVALID_HID : H5Aget_space(x->a);
  int single = space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
  lyra__h5_close(space);
  x->type = x->a < 0 ? H5I_INVALID_HID : H5Aget_type(x->a);
  if (x->type >= 0)
    x->cls = H5Tget_class(x->type);
  return single && x->type >= 0 ? 0 : -1;
}

static void close_attr(attr *x) {
  lyra__h5_close(x->type);
  lyra__h5_close(x->a);
}

/* A numeric attribute converted to mem_type: 0, 1 if absent, -1 if it is
 * not a single number. */
static int get_number(hid_t obj, const char *name, hid_t mem_type, void *out) {
  attr x;
  int rc = open_attr(obj, name, &x);
  if (rc == 0 && ((x.cls != H5T_INTEGER && x.cls != H5T_FLOAT) ||
                  H5Aread(x.a, mem_type, out) < 0))
    rc = -1;
  close_attr(&x);
  return rc;
}

/* Reads string attribute x (fixed or variable length) into buf. */
static int read_string(const attr *x, char *buf, size_t cap) {
  hid_t mem = H5Tcopy(H5T_C_S1);
  int ok = mem >= 0 && H5Tset_cset(mem, H5Tget_cset(x->type)) >= 0;
  if (ok && H5Tis_variable_str(x->type) > 0) {
    char *s = NULL;
    ok = H5Tset_size(mem, H5T_VARIABLE) >= 0 && H5Aread(x->a, mem, &s) >= 0;
    snprintf(buf, cap, "%s", ok && s ? s : "");
    H5free_memory(s);
  } else if (ok) {
    size_t size = H5Tget_size(x->type);
    char *s = lyra__calloc(size + 1, 1);
    ok = s && H5Tset_size(mem, size + 1) >= 0 && H5Aread(x->a, mem, s) >= 0;
    snprintf(buf, cap, "%s", ok ? s : "");
    free(s);
  }
  lyra__h5_close(mem);
  return ok ? 0 : -1;
}

/* A string attribute into buf: 0, 1 if absent, -1 if it is not a single
 * string. */
static int get_string(hid_t obj, const char *name, char *buf, size_t cap) {
  attr x;
  int rc = open_attr(obj, name, &x);
  if (rc == 0 && (x.cls != H5T_STRING || read_string(&x, buf, cap)))
    rc = -1;
  close_attr(&x);
  return rc;
}

/* ---- datasets ------------------------------------------------------- */

/* Opens dataset `name` of group g and checks that it holds values of
 * class cls in one dimension; *n receives its length. */
static int open_data(const reader *r, hid_t g, const char *name,
                     H5T_class_t cls, hid_t *d, hsize_t *n) {
  *d = H5I_INVALID_HID;
  if (H5Lexists(g, name, H5P_DEFAULT) <= 0 ||
      (*d = H5Dopen2(g, name, H5P_DEFAULT)) < 0)
    return fail(r, LYRA_EPARSE, "no dataset '%s'", name);
  hid_t type = H5Dget_type(*d), space = H5Dget_space(*d);
  H5T_class_t c = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
  int dims = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
  if (dims == 1)
    H5Sget_simple_extent_dims(space, n, NULL);
  lyra__h5_close(space);
  lyra__h5_close(type);
  if (c != cls)
    return fail(r, LYRA_EPARSE, "'%s' must hold %s, not %s", name,
                class_name(cls), class_name(c));
  if (dims != 1)
    return fail(r, LYRA_EPARSE, "'%s' must have one dimension, not %d", name,
                dims);
  return 0;
}

/* Spike times in ms: the dataset's `units` are "ms" (also when absent) or
 * "s"; every time must be finite. */
static int read_times(const reader *r, hid_t d, double *t, hsize_t n) {
  char units[32] = "ms";
  int rc = get_string(d, "units", units, sizeof units);
  double scale = !strcmp(units, "ms") ? 1 : !strcmp(units, "s") ? 1000 : 0;
  if (rc < 0)
    return fail(r, LYRA_EPARSE, "the units of 'timestamps' are not a string");
  if (scale == 0)
    return fail(r, LYRA_EPARSE,
                "the units of 'timestamps' must be \"ms\" or \"s\", not "
                "\"%s\"",
                units);
  if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t) < 0)
    return fail(r, LYRA_EIO, "cannot read 'timestamps'");
  for (hsize_t i = 0; i < n; i++) {
    t[i] *= scale;
    if (!isfinite(t[i]))
      return fail(r, LYRA_EPARSE, "timestamp %" PRIu64 " is not finite",
                  (uint64_t)i);
  }
  return 0;
}

/* Node ids of any integer type, as uint64: none negative, and all below
 * UINT32_MAX, so that every id and the population size fit lyra's
 * uint32. */
static int read_node_ids(const reader *r, hid_t d, const char *name,
                         uint64_t *id, hsize_t n) {
  hid_t type = H5Dget_type(d);
  int is_signed = type >= 0 && H5Tget_sign(type) == H5T_SGN_2;
  lyra__h5_close(type);
  if (n && H5Dread(d, is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, H5S_ALL,
                   H5S_ALL, H5P_DEFAULT, id) < 0)
    return fail(r, LYRA_EIO, "cannot read '%s'", name);
  for (hsize_t i = 0; i < n; i++) {
    int64_t v;
    memcpy(&v, &id[i], sizeof v);
    if (is_signed && v < 0)
      return fail(r, LYRA_EPARSE, "%s[%" PRIu64 "] is negative (%" PRId64 ")",
                  name, (uint64_t)i, v);
    if (id[i] >= UINT32_MAX)
      return fail(r, LYRA_EPARSE,
                  "%s[%" PRIu64 "] = %" PRIu64 " is too large (lyra takes "
                  "ids below 2^32 - 1)",
                  name, (uint64_t)i, id[i]);
  }
  return 0;
}

/* ---- populations ---------------------------------------------------- */

/* lyra's own attributes (sonata_write.c), where present: what SONATA
 * leaves out and lyra needs to read its file as it reads the native one.
 * *has_ids: lyra_first_id and lyra_size are there. */
static int read_lyra_attrs(const reader *r, hid_t g, lyra_spikes *s,
                           int *has_ids) {
  int first = get_number(g, "lyra_first_id", H5T_NATIVE_UINT32, &s->first_id);
  int size = get_number(g, "lyra_size", H5T_NATIVE_UINT32, &s->size);
  int bad =
      first < 0 || size < 0 || first != size ||
      get_string(g, "lyra_model", s->model, sizeof s->model) < 0 ||
      get_number(g, "lyra_dt_ms", H5T_NATIVE_DOUBLE, &s->dt_ms) < 0 ||
      get_number(g, "lyra_t_stop_ms", H5T_NATIVE_DOUBLE, &s->t_stop_ms) < 0 ||
      get_number(g, "lyra_seed", H5T_NATIVE_UINT64, &s->seed) < 0;
  *has_ids = first == 0;
  if (!bad && *has_ids)
    bad = s->size < 1 || (uint64_t)s->first_id + s->size - 1 > UINT32_MAX;
  if (bad || !(s->dt_ms >= 0 && s->dt_ms < 1e6) ||
      !(s->t_stop_ms >= 0 && s->t_stop_ms < 1e15))
    return fail(r, LYRA_EPARSE,
                "malformed lyra attributes (lyra_first_id and lyra_size go "
                "together; dt and t_stop are numbers >= 0)");
  return 0;
}

/* ids = node id + first_id, checked against lyra_size where the file has
 * it; without it the population is node ids 0 .. the largest seen. */
static int assign_ids(const reader *r, lyra_spikes *s, const uint64_t *node,
                      int has_ids) {
  uint64_t max = 0;
  for (uint64_t i = 0; i < s->n; i++) {
    if (has_ids && node[i] >= s->size)
      return fail(r, LYRA_EPARSE,
                  "node id %" PRIu64 " is outside the population (lyra_size "
                  "%" PRIu32 ")",
                  node[i], s->size);
    max = node[i] > max ? node[i] : max;
    s->ids[i] = (uint32_t)(node[i] + s->first_id);
  }
  if (!has_ids) {
    s->first_id = 0;
    s->size = s->n ? (uint32_t)(max + 1) : 0;
    s->size_inferred = 1;
  }
  return 0;
}

/* Reads the datasets of population group g (named `name`) into s. */
static int read_datasets(const reader *r, hid_t g, lyra_spikes **out) {
  /* "gids" is the name of the node ids in files older than SONATA 1.0 */
  const char *id_name = H5Lexists(g, "node_ids", H5P_DEFAULT) <= 0 &&
                                H5Lexists(g, "gids", H5P_DEFAULT) > 0
                            ? "gids"
                            : "node_ids";
  hid_t ids = H5I_INVALID_HID, times = H5I_INVALID_HID;
  hsize_t n_ids = 0, n = 0;
  uint64_t *node = NULL;
  int has_ids = 0;
  int rc = open_data(r, g, id_name, H5T_INTEGER, &ids, &n_ids);
  if (!rc)
    rc = open_data(r, g, "timestamps", H5T_FLOAT, &times, &n);
  if (!rc && n_ids != n)
    rc = fail(r, LYRA_EPARSE,
              "'%s' has %" PRIu64 " entries, 'timestamps' %" PRIu64, id_name,
              (uint64_t)n_ids, (uint64_t)n);
  if (!rc && (!(*out = lyra__spikes_alloc(n)) ||
              !(node = lyra__malloc(lyra__mul_size(n ? n : 1, 8)))))
    rc = fail(r, LYRA_ENOMEM, "out of memory");
  if (!rc)
    rc = read_times(r, times, (*out)->times_ms, n);
  if (!rc)
    rc = read_node_ids(r, ids, id_name, node, n);
  if (!rc)
    rc = read_lyra_attrs(r, g, *out, &has_ids);
  if (!rc)
    rc = assign_ids(r, *out, node, has_ids);
  if (!rc && lyra__spikes_sort(*out)) /* by_id or unsorted files */
    rc = fail(r, LYRA_ENOMEM, "out of memory");
  free(node);
  lyra__h5_close(times);
  lyra__h5_close(ids);
  return rc;
}

static int read_population(reader *r, hid_t g, const char *name,
                           lyra_spikes **out) {
  *out = NULL;
  r->pop = name;
  int rc = read_datasets(r, g, out);
  if (rc) {
    lyra_spikes_free(*out);
    *out = NULL;
    return rc;
  }
  snprintf((*out)->population, sizeof(*out)->population, "%s", name);
  return 0;
}

/* Every population group of /spikes, in name order, into out[n_out]. */
static int read_groups(reader *r, hid_t spikes, lyra_spikes **out,
                       size_t *n_out, hsize_t n_links) {
  for (hsize_t i = 0; i < n_links; i++) {
    char name[LYRA__NAME_MAX];
    ssize_t len = H5Lget_name_by_idx(spikes, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                     name, sizeof name, H5P_DEFAULT);
    if (len < 0)
      return fail(r, LYRA_EIO, "cannot list /spikes");
    if (len >= LYRA__NAME_MAX)
      return fail(r, LYRA_EPARSE,
                  "/spikes/%s...: population name longer than %d characters",
                  name, LYRA__NAME_MAX - 1);
    hid_t g = H5Gopen2(spikes, name, H5P_DEFAULT);
    if (g < 0)
      return fail(r, LYRA_EPARSE,
                  "/spikes/%s is not a group (populations are groups)", name);
    int rc = read_population(r, g, name, &out[*n_out]);
    lyra__h5_close(g);
    if (rc)
      return rc;
    (*n_out)++;
  }
  return 0;
}

/* The flat layout (datasets in /spikes itself) or the population groups. */
static int read_spikes(reader *r, hid_t spikes, lyra_spikes ***out,
                       size_t *n_out) {
  int flat = H5Lexists(spikes, "timestamps", H5P_DEFAULT) > 0 ||
             H5Lexists(spikes, "node_ids", H5P_DEFAULT) > 0 ||
             H5Lexists(spikes, "gids", H5P_DEFAULT) > 0;
  H5G_info_t info;
  if (H5Gget_info(spikes, &info) < 0)
    return fail(r, LYRA_EIO, "cannot list /spikes");
  if (info.nlinks == 0)
    return fail(r, LYRA_EPARSE, "no population in /spikes");
  hsize_t n = flat ? 1 : info.nlinks;
  if (!(*out = lyra__calloc((size_t)n, sizeof **out)))
    return fail(r, LYRA_ENOMEM, "out of memory");
  if (!flat)
    return read_groups(r, spikes, *out, n_out, n);
  int rc = read_population(r, spikes, "spikes", &(*out)[0]);
  *n_out = rc ? 0 : 1;
  return rc;
}

int lyra__sonata_read(const char *path, lyra_spikes ***out, size_t *n_out,
                      char *err, size_t errlen) {
  reader r = {path, NULL, err, errlen};
  lyra__h5_guard g;
  hid_t spikes = H5I_INVALID_HID;
  int rc;
  *out = NULL;
  *n_out = 0;
  lyra__h5_enter(&g);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    rc = fail(&r, LYRA_EIO, "cannot open as an HDF5 file");
  else if (H5Lexists(file, "spikes", H5P_DEFAULT) <= 0 ||
           (spikes = H5Gopen2(file, "spikes", H5P_DEFAULT)) < 0)
    rc = fail(&r, LYRA_EPARSE, "no group /spikes: not a SONATA spike file");
  else
    rc = read_spikes(&r, spikes, out, n_out);
  lyra__h5_close(spikes);
  lyra__h5_close(file);
  lyra__h5_leave(&g);
  if (rc) {
    lyra_spikes_free_all(*out, *n_out);
    *out = NULL;
    *n_out = 0;
  }
  return rc;
}
