/*
 * Output files are written under "<name>.partial" and renamed when
 * complete, so a killed run never leaves a file that looks finished.
 */
#include "engine/network.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lyra__mkdirs(const char *dir, char *err) {
  char *path = lyra__strdup(dir);
  if (!path)
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  for (char *p = path + 1;; p++) {
    char c = *p;
    if (c == '/' || c == '\0') {
      *p = '\0';
      if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        int rc = lyra__errf(err, LYRA_EIO, "%s: cannot create directory: %s",
                            path, strerror(errno));
        free(path);
        return rc;
      }
      *p = c;
    }
    if (c == '\0')
      break;
  }
  free(path);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return lyra__errf(err, LYRA_EIO, "%s: not a directory", dir);
  return 0;
}

int lyra__outfile_open(lyra__outfile *o, const char *dir, const char *name,
                       char *err) {
  size_t n = strlen(dir) + strlen(name) + 16;
  memset(o, 0, sizeof *o);
  o->path = lyra__malloc(n);
  o->tmp_path = lyra__malloc(n);
  if (!o->path || !o->tmp_path) {
    lyra__outfile_abort(o);
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  }
  snprintf(o->path, n, "%s/%s", dir, name);
  snprintf(o->tmp_path, n, "%s/%s.partial", dir, name);
  o->f = fopen(o->tmp_path, "w+b");
  if (!o->f) {
    int rc = lyra__errf(err, LYRA_EIO, "%s: cannot create: %s", o->tmp_path,
                        strerror(errno));
    lyra__outfile_abort(o);
    return rc;
  }
  setvbuf(o->f, NULL, _IOFBF, 1 << 20);
  return 0;
}

int lyra__outfile_commit(lyra__outfile *o, char *err) {
  if (!o->f)
    return 0;
  int bad = ferror(o->f) || fflush(o->f) != 0 || fsync(fileno(o->f)) != 0;
  bad |= fclose(o->f) != 0;
  o->f = NULL;
  if (bad || rename(o->tmp_path, o->path) != 0) {
    int rc = lyra__errf(err, LYRA_EIO, "%s: cannot write: %s", o->path,
                        strerror(errno));
    remove(o->tmp_path);
    return rc;
  }
  free(o->path);
  free(o->tmp_path);
  o->path = o->tmp_path = NULL;
  return 0;
}

void lyra__outfile_abort(lyra__outfile *o) {
  if (o->f) {
    fclose(o->f);
    remove(o->tmp_path);
  }
  free(o->path);
  free(o->tmp_path);
  memset(o, 0, sizeof *o);
}

void lyra__put_u32(unsigned char *b, uint32_t v) {
  for (int i = 0; i < 4; i++)
    b[i] = (unsigned char)(v >> (8 * i));
}

void lyra__put_u64(unsigned char *b, uint64_t v) {
  for (int i = 0; i < 8; i++)
    b[i] = (unsigned char)(v >> (8 * i));
}

void lyra__put_f64(unsigned char *b, double x) {
  uint64_t v;
  memcpy(&v, &x, 8);
  lyra__put_u64(b, v);
}

int lyra__write_bin_header(lyra__outfile *o, const char *magic,
                           const char *text) {
  unsigned char head[20];
  uint32_t len = (uint32_t)strlen(text);
  memcpy(head, magic, 8);
  lyra__put_u64(head + 8, 0);
  lyra__put_u32(head + 16, len);
  if (fwrite(head, 1, 20, o->f) != 20 || fwrite(text, 1, len, o->f) != len)
    return LYRA_EIO;
  return 0;
}

/* Writes a time stamp (step * dt) exactly when dt has few decimals. */
int lyra__format_time(const lyra_network *net, int64_t step, char *buf) {
  if (!net->dt_units)
    return sprintf(buf, "%.6f", (double)step * net->dt);
  uint64_t v = (uint64_t)step * net->dt_units, scale = 1;
  for (int i = 0; i < net->time_decimals; i++)
    scale *= 10;
  if (net->time_decimals == 0)
    return sprintf(buf, "%" PRIu64, v);
  return sprintf(buf, "%" PRIu64 ".%0*" PRIu64, v / scale, net->time_decimals,
                 v % scale);
}

/* Fills in the record count of a binary file and completes it. */
int lyra__commit_bin(lyra__outfile *o, char *err) {
  if (!o->f)
    return 0;
  unsigned char b[8];
  lyra__put_u64(b, o->n_records);
  if (fseek(o->f, 8, SEEK_SET) != 0 || fwrite(b, 1, 8, o->f) != 8)
    return lyra__errf(err, LYRA_EIO, "%s: write failed", o->tmp_path);
  return lyra__outfile_commit(o, err);
}
