/*
 * Output files are written under "<name>.partial" and renamed when
 * complete, so a killed run never leaves a file that looks finished.
 */
#include "engine/network.h"

#include <errno.h>
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
