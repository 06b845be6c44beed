/*
 * Reading native state files (.lystate) back. As for spike files, every
 * field is checked against the file's size and the header before it is
 * used, so a truncated, foreign or corrupt file gives a one-line message,
 * never a crash (tests/fuzz/fuzz_state_read.c).
 */
#include "lyra_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* More recorded neurons than any recorder could list in a header. */
#define MAX_NEURONS ((uint64_t)1 << 24)

/* Copies the value of key into out (NUL-terminated); -1 if the key is
 * missing, empty or longer than out holds (a cut name would be a wrong
 * one). */
static int header_string(const char *text, size_t len, const char *key,
                         char *out, size_t cap) {
  size_t n;
  const char *v = lyra__header_find(text, len, key, &n);
  if (!v || n == 0 || n >= cap || memchr(v, '\0', n))
    return -1;
  memcpy(out, v, n);
  out[n] = '\0';
  return 0;
}

/* An unsigned decimal value of key in [lo, hi]. */
static int header_uint(const char *text, size_t len, const char *key,
                       uint64_t lo, uint64_t hi, uint64_t *out) {
  char v[32], *end;
  if (header_string(text, len, key, v, sizeof v) || v[0] < '0' || v[0] > '9')
    return -1;
  unsigned long long x = strtoull(v, &end, 10);
  if (*end || x < lo || x > hi)
    return -1;
  *out = x;
  return 0;
}

/* The neurons line: exactly K global ids inside the population. */
static int parse_ids(lyra_state *s, const char *text, size_t len) {
  size_t n;
  const char *v = lyra__header_find(text, len, "ids", &n);
  if (!v)
    return -1;
  const char *end = v + n;
  for (uint32_t j = 0; j < s->n_neurons; j++) {
    uint64_t id = 0;
    int digits = 0;
    while (v < end && *v == ' ')
      v++;
    for (; v < end && *v >= '0' && *v <= '9' && digits < 11; v++, digits++)
      id = id * 10 + (uint64_t)(*v - '0');
    if (!digits || (v < end && *v != ' ') || id < s->first_id ||
        id - s->first_id >= s->size)
      return -1;
    s->ids[j] = (uint32_t)id;
  }
  while (v < end && *v == ' ')
    v++;
  return v == end ? 0 : -1; /* no more ids than K */
}

static int parse_header(lyra_state *s, const char *text, size_t len) {
  char v[128];
  uint64_t interval;
  if (header_string(text, len, "format", v, sizeof v) ||
      strcmp(v, "lyra-state 1") != 0)
    return -1;
  if (header_string(text, len, "population", s->population,
                    sizeof s->population) ||
      header_string(text, len, "model", s->model, sizeof s->model) ||
      header_string(text, len, "variable", s->variable, sizeof s->variable))
    return -1;
  /* A variable without a unit (a plain number) has an empty value. */
  size_t ulen;
  const char *u = lyra__header_find(text, len, "unit", &ulen);
  if (!u || ulen >= sizeof s->unit || memchr(u, '\0', ulen))
    return -1;
  memcpy(s->unit, u, ulen);
  if (header_uint(text, len, "interval_steps", 1, UINT32_MAX, &interval))
    return -1;
  s->interval_steps = (uint32_t)interval;
  return lyra__header_population(text, len, &s->first_id, &s->size, &s->dt_ms,
                                 &s->seed);
}

/* Samples: a step that is a positive multiple of the interval, larger
 * than the one before, then K values. */
static int parse_records(lyra_state *s, const unsigned char *rec) {
  size_t k = s->n_neurons, size = 4 + 8 * k;
  uint32_t last = 0;
  for (uint64_t i = 0; i < s->n; i++, rec += size) {
    uint32_t step = lyra__get_u32(rec);
    if (step <= last || step % s->interval_steps != 0)
      return -1;
    s->steps[i] = last = step;
    s->times_ms[i] = step * s->dt_ms;
    for (size_t j = 0; j < k; j++) {
      uint64_t bits = lyra__get_u64(rec + 4 + 8 * j);
      memcpy(&s->values[i * k + j], &bits, 8);
    }
  }
  return 0;
}

static lyra_state *state_alloc(uint64_t n, uint64_t k) {
  lyra_state *s = lyra__calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->n = n;
  s->n_neurons = (uint32_t)k;
  s->ids = lyra__malloc(lyra__mul_size(k, sizeof *s->ids));
  s->steps = lyra__malloc(lyra__mul_size(n ? n : 1, sizeof *s->steps));
  s->times_ms = lyra__malloc(lyra__mul_size(n ? n : 1, sizeof *s->times_ms));
  size_t values = lyra__mul_size(n, k);
  s->values = lyra__malloc(lyra__mul_size(values ? values : 1, 8));
  if (!s->ids || !s->steps || !s->times_ms || !s->values) {
    lyra_state_free(s);
    return NULL;
  }
  return s;
}

int lyra_state_parse(const void *data, size_t len, const char *name,
                     lyra_state **out, char *err, size_t errlen) {
  const unsigned char *b = data;
  uint64_t k;
  if (!out || (!data && len))
    return LYRA_EINVAL;
  *out = NULL;
  if (!name)
    name = "(memory)";
  if (len < 20 || memcmp(b, "LYRASTA1", 8) != 0)
    return lyra__errf_n(err, errlen, LYRA_EPARSE,
                        "%s: not a lyra state file (expected magic LYRASTA1)",
                        name);
  uint64_t n = lyra__get_u64(b + 8);
  uint32_t hlen = lyra__get_u32(b + 16);
  const char *text = (const char *)b + 20;
  if (hlen > len - 20)
    return lyra__errf_n(err, errlen, LYRA_EPARSE,
                        "%s: truncated (the header is longer than the file)",
                        name);
  /* The number of neurons K comes first: the record size, and so the
   * sample count the file size allows, depend on it. Each of its K ids
   * takes a digit and a blank of the header, so a few bytes cannot make
   * us allocate for millions. */
  if (header_uint(text, hlen, "neurons", 1, MAX_NEURONS, &k) || k > hlen / 2)
    return lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: malformed header", name);
  size_t body = len - 20 - hlen, rec = 4 + 8 * (size_t)k;
  if (n > body / rec || n * rec != body)
    return lyra__errf_n(err, errlen, LYRA_EPARSE,
                        "%s: truncated or incomplete (sample count does not "
                        "match the file size)",
                        name);
  lyra_state *s = state_alloc(n, k);
  if (!s)
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: out of memory", name);
  int rc = 0;
  if (parse_header(s, text, hlen) || parse_ids(s, text, hlen))
    rc = lyra__errf_n(err, errlen, LYRA_EPARSE, "%s: malformed header", name);
  else if (parse_records(s, b + 20 + hlen))
    rc = lyra__errf_n(err, errlen, LYRA_EPARSE,
                      "%s: corrupt records (steps not increasing multiples "
                      "of interval_steps)",
                      name);
  if (rc) {
    lyra_state_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

int lyra_state_read(const char *path, lyra_state **out, char *err,
                    size_t errlen) {
  unsigned char *buf;
  size_t len;
  if (!out || !path)
    return LYRA_EINVAL;
  *out = NULL;
  int rc = lyra__read_whole_file(path, &buf, &len, err, errlen);
  if (rc == 0)
    rc = lyra_state_parse(buf, len, path, out, err, errlen);
  free(buf);
  return rc;
}

void lyra_state_free(lyra_state *s) {
  if (!s)
    return;
  free(s->ids);
  free(s->steps);
  free(s->times_ms);
  free(s->values);
  free(s);
}
