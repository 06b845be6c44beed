/*
 * Reading native spike files back. Every field is checked against the
 * file's size and against the header, so a truncated, foreign or corrupt
 * file gives a message, never a crash (tests/fuzz/fuzz_spike_read.c).
 */
#include "lyra_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE ((size_t)1 << 36) /* 64 GiB */

uint32_t lyra__get_u32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

uint64_t lyra__get_u64(const unsigned char *b) {
  return (uint64_t)lyra__get_u32(b) | (uint64_t)lyra__get_u32(b + 4) << 32;
}

const char *lyra__header_find(const char *text, size_t len, const char *key,
                              size_t *vlen) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < len;) {
    size_t e = i;
    while (e < len && text[e] != '\n')
      e++;
    if (e - i > klen + 1 && memcmp(text + i, key, klen) == 0 &&
        text[i + klen] == ':') {
      size_t v = i + klen + 1;
      while (v < e && text[v] == ' ')
        v++;
      *vlen = e - v;
      return text + v;
    }
    i = e + 1;
  }
  return NULL;
}

/* Copies the value of "key: value" in the header text (len bytes, not
 * terminated) into out, cut to outlen - 1 bytes. */
static int header_value(const char *text, size_t len, const char *key,
                        char *out, size_t outlen) {
  size_t n;
  const char *v = lyra__header_find(text, len, key, &n);
  if (!v)
    return -1;
  n = n < outlen - 1 ? n : outlen - 1;
  memcpy(out, v, n);
  out[n] = '\0';
  return 0;
}

int lyra__header_population(const char *text, size_t len, uint32_t *first_id,
                            uint32_t *size, double *dt_ms, uint64_t *seed) {
  char v[128], *end;
  if (header_value(text, len, "first_id", v, sizeof v))
    return -1;
  unsigned long long first = strtoull(v, &end, 10);
  if (*end || end == v || first < 1 || first > UINT32_MAX)
    return -1;
  if (header_value(text, len, "size", v, sizeof v))
    return -1;
  unsigned long long n = strtoull(v, &end, 10);
  if (*end || end == v || n < 1 || first + n - 1 > UINT32_MAX)
    return -1;
  if (header_value(text, len, "dt_ms", v, sizeof v))
    return -1;
  double dt = strtod(v, &end);
  if (*end || end == v || !(dt > 0 && dt < 1e6))
    return -1;
  if (!header_value(text, len, "seed", v, sizeof v))
    *seed = strtoull(v, NULL, 10);
  *first_id = (uint32_t)first;
  *size = (uint32_t)n;
  *dt_ms = dt;
  return 0;
}

static int parse_header(lyra_spikes *s, const char *text, size_t len) {
  char v[128];
  if (header_value(text, len, "format", v, sizeof v) ||
      strcmp(v, "lyra-spikes 1") != 0)
    return -1;
  if (header_value(text, len, "population", s->population,
                   sizeof s->population) ||
      header_value(text, len, "model", s->model, sizeof s->model))
    return -1;
  return lyra__header_population(text, len, &s->first_id, &s->size, &s->dt_ms,
                                 &s->seed);
}

static int parse_records(lyra_spikes *s, const unsigned char *rec) {
  uint32_t last_step = 0;
  for (uint64_t i = 0; i < s->n; i++) {
    uint32_t id = lyra__get_u32(rec + 8 * i),
             step = lyra__get_u32(rec + 8 * i + 4);
    if (id < s->first_id || id - s->first_id >= s->size || step < last_step)
      return -1;
    s->ids[i] = id;
    s->steps[i] = last_step = step;
    s->times_ms[i] = step * s->dt_ms;
  }
  return 0;
}

int lyra_spikes_parse(const void *data, size_t len, const char *name,
                      lyra_spikes **out, char *err, size_t errlen) {
  const unsigned char *b = data;
  if (!out)
    return LYRA_EINVAL;
  *out = NULL;
  if (len < 20 || memcmp(b, "LYRASPK1", 8) != 0)
    return lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: %s", name,
                        "not a lyra spike file (expected magic LYRASPK1)");
  uint64_t n = lyra__get_u64(b + 8);
  uint32_t hlen = lyra__get_u32(b + 16);
  if (hlen > len - 20 || n > (len - 20 - hlen) / 8 || n * 8 != len - 20 - hlen)
    return lyra__errf_n(
        err, errlen, LYRA_EPARSE, "%s: %s", name,
        "truncated or incomplete (record count does not match the "
        "file size)");
  lyra_spikes *s = lyra__spikes_alloc(n);
  if (!s)
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: %s", name,
                        "out of memory");
  s->steps = lyra__malloc(lyra__mul_size(n, 4));
  int rc = 0;
  if (!s->steps)
    rc =
        lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: %s", name, "out of memory");
  else if (parse_header(s, (const char *)b + 20, hlen))
    rc = lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: %s", name,
                      "malformed header");
  else if (parse_records(s, b + 20 + hlen))
    rc =
        lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: %s", name,
                     "corrupt records (id outside the population or time going "
                     "backwards)");
  if (rc) {
    lyra_spikes_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int lyra__read_whole_file(const char *path, unsigned char **data, size_t *len,
                          char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  *data = NULL;
  *len = 0;
  if (!f) {
    if (err && errlen)
      snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return LYRA_EIO;
  }
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0)
    size = ftell(f);
  if (size < 0 || (size_t)size > MAX_FILE || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return lyra__errf_n(err, errlen, LYRA_EIO, "%s: %s", path,
                        "cannot determine file size (a directory?)");
  }
  unsigned char *buf = lyra__malloc((size_t)size + 1);
  if (!buf) {
    fclose(f);
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: %s", path,
                        "out of memory");
  }
  size_t got = fread(buf, 1, (size_t)size, f);
  fclose(f);
  if (got != (size_t)size) {
    free(buf);
    return lyra__errf_n(err, errlen, LYRA_EIO, "%s: %s", path, "read error");
  }
  buf[got] = '\0'; /* text readers may rely on a terminator */
  *data = buf;
  *len = got;
  return 0;
}

int lyra_spikes_read(const char *path, lyra_spikes **out, char *err,
                     size_t errlen) {
  unsigned char *buf;
  size_t len;
  if (!out)
    return LYRA_EINVAL;
  *out = NULL;
  int rc = lyra__read_whole_file(path, &buf, &len, err, errlen);
  if (rc == 0)
    rc = lyra_spikes_parse(buf, len, path, out, err, errlen);
  free(buf);
  return rc;
}

lyra_spikes *lyra__spikes_alloc(uint64_t n) {
  lyra_spikes *s = lyra__calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->n = n;
  s->ids = lyra__malloc(lyra__mul_size(n ? n : 1, sizeof *s->ids));
  s->times_ms = lyra__malloc(lyra__mul_size(n ? n : 1, sizeof *s->times_ms));
  if (!s->ids || !s->times_ms) {
    lyra_spikes_free(s);
    return NULL;
  }
  return s;
}

void lyra_spikes_free(lyra_spikes *s) {
  if (!s)
    return;
  free(s->ids);
  free(s->times_ms);
  free(s->steps);
  free(s);
}
