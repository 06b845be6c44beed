/*
 * Loading spikes for analysis from whatever the user has: an output
 * directory, a native file, a SONATA file or NEST text. The format is
 * told by content (magic numbers), not by the file name, except that an
 * output directory is searched for lyra's names.
 */
#include "lyra_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void lyra_spikes_free_all(lyra_spikes **list, size_t n) {
  if (!list)
    return;
  for (size_t i = 0; i < n; i++)
    lyra_spikes_free(list[i]);
  free(list);
}

int lyra__is_hdf5(const char *path) {
  static const unsigned char sig[8] = {0x89, 'H',  'D',  'F',
                                       '\r', '\n', 0x1a, '\n'};
  unsigned char head[8];
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  size_t got = fread(head, 1, 8, f);
  fclose(f);
  return got == 8 && memcmp(head, sig, 8) == 0;
}

/* Joins b onto a: ids, times (then sorted), the union of the id ranges. */
static int merge_two(lyra_spikes *a, lyra_spikes *b) {
  uint64_t n = a->n + b->n;
  uint32_t *ids = lyra__realloc(a->ids, lyra__mul_size(n ? n : 1, 4));
  if (ids)
    a->ids = ids;
  double *ts = lyra__realloc(a->times_ms, lyra__mul_size(n ? n : 1, 8));
  if (ts)
    a->times_ms = ts;
  if (!ids || !ts)
    return LYRA_ENOMEM;
  memcpy(a->ids + a->n, b->ids, b->n * 4);
  memcpy(a->times_ms + a->n, b->times_ms, b->n * 8);
  a->n = n;
  free(a->steps);
  a->steps = NULL;
  if (b->size) {
    uint64_t lo =
        a->size && a->first_id < b->first_id ? a->first_id : b->first_id;
    uint64_t hi_a = a->size ? (uint64_t)a->first_id + a->size : 0;
    uint64_t hi_b = (uint64_t)b->first_id + b->size;
    uint64_t hi = hi_a > hi_b ? hi_a : hi_b;
    a->first_id = (uint32_t)lo;
    a->size = (uint32_t)(hi - lo);
  }
  a->size_inferred |= b->size_inferred;
  if (a->dt_ms != b->dt_ms)
    a->dt_ms = 0;
  if (b->t_stop_ms > a->t_stop_ms)
    a->t_stop_ms = b->t_stop_ms;
  return lyra__spikes_sort(a);
}

int lyra_spikes_merge(lyra_spikes ***a, size_t *n_a, lyra_spikes **b,
                      size_t n_b, char *err, size_t errlen) {
  int rc = 0;
  for (size_t j = 0; j < n_b; j++) {
    size_t i = 0;
    while (i < *n_a && strcmp((*a)[i]->population, b[j]->population) != 0)
      i++;
    if (i < *n_a) {
      if (!rc && (rc = merge_two((*a)[i], b[j])))
        lyra__errf_n(err, errlen, rc, "%s: %s", b[j]->population,
                     "out of memory");
      lyra_spikes_free(b[j]);
      continue;
    }
    lyra_spikes **grown =
        rc ? NULL : lyra__realloc(*a, (*n_a + 1) * sizeof **a);
    if (!grown) {
      if (!rc)
        rc = lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: %s", b[j]->population,
                          "out of memory");
      lyra_spikes_free(b[j]);
      continue;
    }
    *a = grown;
    (*a)[(*n_a)++] = b[j];
  }
  free(b);
  return rc;
}

/* The simulated time ("t_ms") of the run.json in directory dir, or 0. */
static double run_json_t_ms(const char *dir) {
  char path[4200];
  unsigned char *text;
  size_t len;
  snprintf(path, sizeof path, "%s/run.json", dir);
  if (lyra__read_whole_file(path, &text, &len, NULL, 0))
    return 0;
  const char *p = strstr((const char *)text, "\"t_ms\":");
  double t = p ? strtod(p + 7, NULL) : 0;
  free(text);
  return t > 0 && t < 1e15 ? t : 0;
}

static void dir_of(const char *path, char *out, size_t cap) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(out, cap, ".");
  else
    snprintf(out, cap, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
             path);
}

static int as_list(lyra_spikes *s, lyra_spikes ***out, size_t *n_out) {
  *out = lyra__malloc(sizeof **out);
  if (!*out) {
    lyra_spikes_free(s);
    return LYRA_ENOMEM;
  }
  (*out)[0] = s;
  *n_out = 1;
  return 0;
}

/* Also true for the suffix itself: an output directory's SONATA file is
 * named just "spikes.h5". */
static int has_suffix(const char *name, const char *suffix) {
  size_t n = strlen(name), k = strlen(suffix);
  return n >= k && strcmp(name + n - k, suffix) == 0;
}

static int load_file(const char *path, lyra_spikes ***out, size_t *n_out,
                     char *err, size_t errlen) {
  if (lyra__is_hdf5(path))
    return lyra__sonata_read(path, out, n_out, err, errlen);
  /* Named as HDF5 but not HDF5: say so rather than try it as text. */
  if (has_suffix(path, ".h5") || has_suffix(path, ".hdf5"))
    return lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: %s", path,
                        "not an HDF5 file (no HDF5 signature), so not a SONATA "
                        "spike file");
  unsigned char *data;
  size_t len;
  int rc = lyra__read_whole_file(path, &data, &len, err, errlen);
  if (rc)
    return rc;
  lyra_spikes *s = NULL;
  if (len >= 8 && memcmp(data, "LYRASPK1", 8) == 0)
    rc = lyra_spikes_parse(data, len, path, &s, err, errlen);
  else if (len >= 4 && memcmp(data, "LYRA", 4) == 0)
    rc = lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: %s", path,
                      "a lyra file, but not a spike file (expected magic "
                      "LYRASPK1)");
  else
    rc = lyra_spikes_parse_text(data, len, path, &s, err, errlen);
  free(data);
  if (rc)
    return rc;
  return as_list(s, out, n_out) ? lyra__errf_n(err, errlen, LYRA_ENOMEM,
                                               "%s: %s", path, "out of memory")
                                : 0;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending in suffix, sorted (the order is then the same
 * on every file system). */
static int list_dir(const char *dir, const char *suffix, char ***names,
                    size_t *n) {
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t cap = 0;
  *names = NULL;
  *n = 0;
  if (!d)
    return LYRA_EIO;
  int rc = 0;
  while (!rc && (e = readdir(d))) {
    if (!has_suffix(e->d_name, suffix))
      continue;
    if (*n == cap) {
      cap = cap ? 2 * cap : 16;
      char **g = lyra__realloc(*names, cap * sizeof *g);
      if (!g) {
        rc = LYRA_ENOMEM;
        break;
      }
      *names = g;
    }
    if (!((*names)[*n] = strdup(e->d_name)))
      rc = LYRA_ENOMEM;
    else
      (*n)++;
  }
  closedir(d);
  if (*n)
    qsort(*names, *n, sizeof **names, name_cmp);
  return rc;
}

static void free_names(char **names, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* Native files first; else SONATA; else NEST-style text. */
static int load_dir(const char *dir, lyra_spikes ***out, size_t *n_out,
                    char *err, size_t errlen) {
  static const char *const suffixes[] = {".spikes.lyspk", "spikes.h5",
                                         ".spikes.dat", ".gdf"};
  char **names = NULL, path[8192];
  size_t n = 0;
  int rc = 0;
  for (size_t k = 0; k < 4 && n == 0; k++) {
    free_names(names, n);
    if ((rc = list_dir(dir, suffixes[k], &names, &n)))
      return lyra__errf_n(err, errlen, rc, "%s: %s", dir,
                          rc == LYRA_EIO ? strerror(errno) : "out of memory");
  }
  if (n == 0)
    rc = lyra__errf_n(err, errlen, LYRA_ENOTFOUND, "%s: %s", dir,
                      "no spike files (*.spikes.lyspk, spikes.h5, "
                      "*.spikes.dat, *.gdf)");
  for (size_t i = 0; i < n && !rc; i++) {
    lyra_spikes **one;
    size_t n_one;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if ((rc = load_file(path, &one, &n_one, err, errlen)) == 0)
      rc = lyra_spikes_merge(out, n_out, one, n_one, err, errlen);
  }
  free_names(names, n);
  return rc;
}

int lyra_spikes_load(const char *path, lyra_spikes ***out, size_t *n_out,
                     char *err, size_t errlen) {
  struct stat st;
  char dir[4096];
  if (!out || !n_out || !path)
    return LYRA_EINVAL;
  *out = NULL;
  *n_out = 0;
  if (stat(path, &st) != 0)
    return lyra__errf_n(err, errlen, LYRA_EIO, "%s: %s", path, strerror(errno));
  int is_dir = S_ISDIR(st.st_mode);
  int rc = is_dir ? load_dir(path, out, n_out, err, errlen)
                  : load_file(path, out, n_out, err, errlen);
  if (rc) {
    lyra_spikes_free_all(*out, *n_out);
    *out = NULL;
    *n_out = 0;
    return rc;
  }
  if (is_dir)
    snprintf(dir, sizeof dir, "%s", path);
  else
    dir_of(path, dir, sizeof dir);
  double t_stop = run_json_t_ms(dir);
  for (size_t i = 0; i < *n_out; i++)
    if ((*out)[i]->t_stop_ms == 0)
      (*out)[i]->t_stop_ms = t_stop;
  return 0;
}
