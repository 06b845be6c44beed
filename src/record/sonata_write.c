/*
 * The run's SONATA spike file, OUTDIR/spikes.h5: one group
 * /spikes/<population> for every population whose spikes are recorded
 * with LYRA_FORMAT_SONATA. Spikes are buffered per population and
 * appended to extendible, chunked datasets a block at a time, so memory
 * does not grow with the run. Layout and lyra's own attributes:
 * docs/file-formats.md.
 *
 * The same run gives the same bytes: spikes arrive in time, then id order
 * whatever the number of threads, blocks are cut by count alone, and no
 * object records its modification time.
 */
#include "engine/network.h"
#include "record/sonata.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Spikes buffered per population before they are written (1 MiB), and the
 * largest HDF5 chunk (64 KiB per dataset): a block is eight whole chunks.
 * The datasets are made when their first block is written, with chunks
 * no larger than that block, so that a population with few spikes takes
 * little room on disk. */
enum { BLOCK = 1 << 16, CHUNK = 1 << 13 };

typedef struct sonata_pop {
  hid_t group, node_ids, timestamps;
  uint32_t gid0;    /* global (0-based) id of node 0 */
  uint64_t written; /* spikes in the datasets */
  uint32_t n_buf;
  uint64_t *buf_ids;
  double *buf_times;
} sonata_pop;

struct lyra__sonata {
  char *path, *tmp_path;
  hid_t file, spikes; /* the file and its group /spikes */
  sonata_pop *pops;
  int n_pops;
};

/* Creation properties of an object that does not record its times. */
static hid_t untimed(hid_t cls) {
  hid_t p = H5Pcreate(cls);
  if (p >= 0 && H5Pset_obj_track_times(p, 0) < 0) {
    H5Pclose(p);
    return H5I_INVALID_HID;
  }
  return p;
}

/* Writes attribute `name` of obj: n values (0: a scalar) given as
 * mem_type, stored as file_type. */
static int put_attr(hid_t obj, const char *name, hid_t file_type,
                    hid_t mem_type, hsize_t n, const void *value) {
  hid_t space = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
  hid_t a = space < 0 ? H5I_INVALID_HID
                      : H5Acreate2(obj, name, file_type, space, H5P_DEFAULT,
                                   H5P_DEFAULT);
  int bad = a < 0 || H5Awrite(a, mem_type, value) < 0;
  lyra__h5_close(a);
  lyra__h5_close(space);
  return bad ? -1 : 0;
}

static int put_u32(hid_t obj, const char *name, uint32_t v) {
  return put_attr(obj, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, &v);
}

static int put_u64(hid_t obj, const char *name, uint64_t v) {
  return put_attr(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, &v);
}

static int put_f64(hid_t obj, const char *name, double v) {
  return put_attr(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, &v);
}

/* A UTF-8 string of variable length, as h5py writes a str. */
static int put_string(hid_t obj, const char *name, const char *s) {
  hid_t t = H5Tcopy(H5T_C_S1);
  int bad = t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 ||
            H5Tset_cset(t, H5T_CSET_UTF8) < 0 ||
            put_attr(obj, name, t, t, 0, &s);
  lyra__h5_close(t);
  return bad ? -1 : 0;
}

/* sorting = by_time: an enum over uint8 {none, by_id, by_time}, as h5py's
 * enum_dtype makes it; libsonata reads it by member name. */
static int put_sorting(hid_t obj) {
  static const char *const names[] = {"none", "by_id", "by_time"};
  hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
  int bad = t < 0;
  for (uint8_t v = 0; !bad && v < 3; v++)
    bad = H5Tenum_insert(t, names[v], &v) < 0;
  uint8_t by_time = 2;
  bad = bad || put_attr(obj, "sorting", t, t, 0, &by_time);
  lyra__h5_close(t);
  return bad ? -1 : 0;
}

static hid_t make_group(hid_t parent, const char *name) {
  hid_t gcpl = untimed(H5P_GROUP_CREATE);
  hid_t g = gcpl < 0 ? H5I_INVALID_HID
                     : H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  lyra__h5_close(gcpl);
  return g;
}

/* An empty one-dimensional dataset that grows as blocks are appended. */
static hid_t make_dataset(hid_t group, const char *name, hid_t type,
                          hsize_t chunk) {
  hsize_t zero = 0, unlimited = H5S_UNLIMITED;
  hid_t space = H5Screate_simple(1, &zero, &unlimited);
  hid_t dcpl = untimed(H5P_DATASET_CREATE);
  hid_t d = H5I_INVALID_HID;
  if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0)
    d = H5Dcreate2(group, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  lyra__h5_close(dcpl);
  lyra__h5_close(space);
  return d;
}

/* Appends n values at index `at` of dataset d (which then has at + n). */
static int append_rows(hid_t d, hid_t mem_type, hsize_t at, hsize_t n,
                       const void *values) {
  hsize_t size = at + n;
  if (H5Dset_extent(d, &size) < 0)
    return -1;
  hid_t file_space = H5Dget_space(d), mem_space = H5Screate_simple(1, &n, NULL);
  int bad =
      file_space < 0 || mem_space < 0 ||
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &at, NULL, &n, NULL) <
          0 ||
      H5Dwrite(d, mem_type, mem_space, file_space, H5P_DEFAULT, values) < 0;
  lyra__h5_close(mem_space);
  lyra__h5_close(file_space);
  return bad ? -1 : 0;
}

static int make_datasets(sonata_pop *p) {
  hsize_t chunk = p->n_buf == 0 ? 1 : p->n_buf < CHUNK ? p->n_buf : CHUNK;
  if ((p->node_ids = make_dataset(p->group, "node_ids", H5T_STD_U64LE, chunk)) <
          0 ||
      (p->timestamps =
           make_dataset(p->group, "timestamps", H5T_IEEE_F64LE, chunk)) < 0 ||
      put_string(p->timestamps, "units", "ms"))
    return -1;
  return 0;
}

/* Writes the buffered spikes of p (making its datasets the first time).
 * The caller holds the HDF5 guard. */
static int flush(sonata_pop *p) {
  if (p->node_ids < 0 && make_datasets(p))
    return -1;
  if (!p->n_buf)
    return 0;
  int bad = append_rows(p->node_ids, H5T_NATIVE_UINT64, p->written, p->n_buf,
                        p->buf_ids) ||
            append_rows(p->timestamps, H5T_NATIVE_DOUBLE, p->written, p->n_buf,
                        p->buf_times);
  p->written += p->n_buf;
  p->n_buf = 0;
  return bad ? -1 : 0;
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *s = lyra__malloc(n);
  if (s)
    snprintf(s, n, "%s/%s", dir, name);
  return s;
}

/* Creates spikes.h5.partial with the root attributes and /spikes. */
static int create_file(lyra_network *net, char *err) {
  static const uint32_t version[2] = {0, 1};
  const uint32_t magic = LYRA__SONATA_MAGIC;
  lyra__sonata *w = lyra__calloc(1, sizeof *w);
  if (!w)
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  net->sonata = w;
  w->file = w->spikes = H5I_INVALID_HID;
  w->path = join(net->output_dir, LYRA__SONATA_FILE);
  w->tmp_path = join(net->output_dir, LYRA__SONATA_FILE ".partial");
  if (!w->path || !w->tmp_path)
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  hid_t fcpl = untimed(H5P_FILE_CREATE);
  if (fcpl >= 0)
    w->file = H5Fcreate(w->tmp_path, H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  lyra__h5_close(fcpl);
  if (w->file < 0)
    return lyra__errf(err, LYRA_EIO, "%s: cannot create an HDF5 file",
                      w->tmp_path);
  if (put_attr(w->file, "magic", H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, &magic) ||
      put_attr(w->file, "version", H5T_STD_U32LE, H5T_NATIVE_UINT32, 2,
               version) ||
      put_string(w->file, "lyra_version", LYRA_VERSION_STRING) ||
      (w->spikes = make_group(w->file, "spikes")) < 0)
    return lyra__errf(err, LYRA_EIO, "%s: write failed", w->tmp_path);
  return 0;
}

/* The group of population pop: SONATA's sorting and datasets, and what
 * lyra needs to read its own file back as it reads the native one. */
static int add_population(lyra_network *net, int pop, int *slot, char *err) {
  lyra__sonata *w = net->sonata;
  const lyra__pop *p = &net->pops[pop];
  sonata_pop *grown =
      lyra__realloc(w->pops, (size_t)(w->n_pops + 1) * sizeof *grown);
  if (!grown)
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  w->pops = grown;
  sonata_pop *s = &w->pops[w->n_pops++];
  memset(s, 0, sizeof *s);
  s->group = s->node_ids = s->timestamps = H5I_INVALID_HID;
  s->gid0 = p->gid0;
  s->buf_ids = lyra__malloc(BLOCK * sizeof *s->buf_ids);
  s->buf_times = lyra__malloc(BLOCK * sizeof *s->buf_times);
  if (!s->buf_ids || !s->buf_times)
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  if ((s->group = make_group(w->spikes, net->pop_names[pop])) < 0 ||
      put_sorting(s->group) ||
      put_string(s->group, "lyra_model", p->model->info.name) ||
      put_u32(s->group, "lyra_first_id", p->gid0 + 1) ||
      put_u32(s->group, "lyra_size", p->n) ||
      put_f64(s->group, "lyra_dt_ms", net->dt) ||
      put_u64(s->group, "lyra_seed", net->seed))
    return lyra__errf(err, LYRA_EIO, "%s: cannot add population '%s'",
                      w->tmp_path, net->pop_names[pop]);
  *slot = w->n_pops - 1;
  return 0;
}

int lyra__sonata_add(lyra_network *net, int pop, int *slot, char *err) {
  lyra__h5_guard g;
  int rc = 0;
  lyra__h5_enter(&g);
  if (!net->sonata)
    rc = create_file(net, err);
  if (!rc)
    rc = add_population(net, pop, slot, err);
  lyra__h5_leave(&g);
  return rc;
}

int lyra__sonata_append(lyra_network *net, int slot, double t_ms,
                        const uint32_t *gid, uint32_t n, char *err) {
  sonata_pop *p = &net->sonata->pops[slot];
  for (uint32_t k = 0; k < n; k++) {
    if (p->n_buf == BLOCK) {
      lyra__h5_guard g;
      lyra__h5_enter(&g);
      int bad = flush(p);
      lyra__h5_leave(&g);
      if (bad)
        return lyra__errf(err, LYRA_EIO, "%s: write failed",
                          net->sonata->tmp_path);
    }
    p->buf_ids[p->n_buf] = gid[k] - p->gid0;
    p->buf_times[p->n_buf++] = t_ms;
  }
  return 0;
}

/* Closes every handle; -1 if closing the file failed (its last writes). */
static int close_all(lyra__sonata *w) {
  for (int i = 0; i < w->n_pops; i++) {
    lyra__h5_close(w->pops[i].node_ids);
    lyra__h5_close(w->pops[i].timestamps);
    lyra__h5_close(w->pops[i].group);
  }
  lyra__h5_close(w->spikes);
  int bad = w->file >= 0 && H5Fclose(w->file) < 0;
  w->file = w->spikes = H5I_INVALID_HID;
  return bad ? -1 : 0;
}

static void free_writer(lyra_network *net) {
  lyra__sonata *w = net->sonata;
  for (int i = 0; i < w->n_pops; i++) {
    free(w->pops[i].buf_ids);
    free(w->pops[i].buf_times);
  }
  free(w->pops);
  free(w->path);
  free(w->tmp_path);
  free(w);
  net->sonata = NULL;
}

/* The other outputs are fsync'ed before their rename; so is this one. */
static int sync_file(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int bad = fsync(fd) != 0;
  return close(fd) != 0 || bad ? -1 : 0;
}

int lyra__sonata_commit(lyra_network *net, char *err) {
  lyra__sonata *w = net->sonata;
  const double t_stop_ms = (double)net->step * net->dt;
  lyra__h5_guard g;
  int bad = 0, rc = 0;
  lyra__h5_enter(&g);
  for (int i = 0; !bad && i < w->n_pops; i++)
    bad = flush(&w->pops[i]) ||
          put_f64(w->pops[i].group, "lyra_t_stop_ms", t_stop_ms);
  if (close_all(w))
    bad = 1;
  lyra__h5_leave(&g);
  if (bad || sync_file(w->tmp_path) || rename(w->tmp_path, w->path) != 0) {
    rc = lyra__errf(err, LYRA_EIO, "%s: cannot write: %s", w->path,
                    bad ? "HDF5 write failed" : strerror(errno));
    remove(w->tmp_path);
  }
  free_writer(net);
  return rc;
}

void lyra__sonata_abort(lyra_network *net) {
  lyra__sonata *w = net->sonata;
  if (!w)
    return;
  lyra__h5_guard g;
  int created = w->file >= 0;
  lyra__h5_enter(&g);
  close_all(w);
  lyra__h5_leave(&g);
  if (created)
    remove(w->tmp_path);
  free_writer(net);
}
