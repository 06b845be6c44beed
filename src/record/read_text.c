/*
 * Reading NEST-style text spike files, so that old NEST runs (and lyra's
 * own .dat files) can be analysed: NEST 3's ASCII recording backend
 * (two comment lines, then a column header "sender time_ms"), NEST 2's
 * .gdf (two columns, id and time, no header) and lyra's .dat (a first
 * comment line with population, model, ids and dt). Every line is
 * checked; an error names the line (tests/fuzz/fuzz_spike_read.c).
 */
#include "lyra_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text_reader {
  const char *name;
  char *err;
  size_t errlen;
  int id_col, time_col; /* columns of id and time, 0-based */
  int have_columns;     /* a column header was seen */
  int have_lyra;        /* lyra's header gave population, ids and dt */
  unsigned long long id_lo, id_hi;
  lyra_spikes *s;
  uint64_t cap;
} text_reader;

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
text_fail(text_reader *r, int code, size_t line, const char *fmt, ...) {
  if (r->err && r->errlen) {
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (line)
      snprintf(r->err, r->errlen, "%s:%zu: %s", r->name, line, what);
    else
      snprintf(r->err, r->errlen, "%s: %s", r->name, what);
  }
  return code;
}

/* The next whitespace-separated token of [*p, end) into tok (truncated);
 * returns its length, 0 at the end of the line. */
static size_t next_token(const char **p, const char *end, char *tok,
                         size_t cap) {
  const char *q = *p;
  while (q < end && isspace((unsigned char)*q))
    q++;
  size_t n = 0;
  while (q < end && !isspace((unsigned char)*q)) {
    if (n + 1 < cap)
      tok[n] = *q;
    n++;
    q++;
  }
  tok[n < cap ? n : cap - 1] = '\0';
  *p = q;
  return n;
}

/* lyra's first comment line: "# lyra V: population P, model M, ids A-B
 * (1-based global), dt D ms, ...". Other comments are ignored. */
static void parse_lyra_comment(text_reader *r, const char *line,
                               const char *end) {
  char buf[1024];
  size_t n = (size_t)(end - line) < sizeof buf - 1 ? (size_t)(end - line)
                                                   : sizeof buf - 1;
  memcpy(buf, line, n);
  buf[n] = '\0';
  char pop[64], model[64];
  unsigned long long lo, hi;
  double dt;
  const char *p = strstr(buf, ": population ");
  if (strncmp(buf, "# lyra ", 7) != 0 || !p ||
      sscanf(p, ": population %63[^,], model %63[^,], ids %llu-%llu", pop,
             model, &lo, &hi) != 4 ||
      !(p = strstr(p, ", dt ")) || sscanf(p, ", dt %lf ms", &dt) != 1)
    return;
  if (lo < 1 || hi < lo || hi > UINT32_MAX || !(dt > 0 && dt < 1e6))
    return;
  snprintf(r->s->population, sizeof r->s->population, "%s", pop);
  snprintf(r->s->model, sizeof r->s->model, "%s", model);
  r->id_lo = lo;
  r->id_hi = hi;
  r->s->dt_ms = dt;
  r->have_lyra = 1;
}

/* A line that does not start with a number before any data: NEST 3's
 * column names. */
static int parse_columns(text_reader *r, const char *line, const char *end,
                         size_t lineno) {
  char tok[64];
  int col = 0, steps = 0;
  r->id_col = r->time_col = -1;
  while (next_token(&line, end, tok, sizeof tok)) {
    if (strcmp(tok, "sender") == 0 || strcmp(tok, "senders") == 0)
      r->id_col = col;
    else if (strcmp(tok, "time_ms") == 0 || strcmp(tok, "times") == 0)
      r->time_col = col;
    else if (strcmp(tok, "time_step") == 0)
      steps = 1;
    col++;
  }
  if (r->time_col < 0 && steps)
    return text_fail(r, LYRA_EPARSE, lineno,
                     "times are in steps (NEST time_in_steps); record them "
                     "in ms");
  if (r->id_col < 0 || r->time_col < 0)
    return text_fail(r, LYRA_EPARSE, lineno,
                     "expected a column header naming 'sender' and "
                     "'time_ms'");
  r->have_columns = 1;
  return 0;
}

static int append_spike(text_reader *r, uint32_t id, double t) {
  lyra_spikes *s = r->s;
  if (s->n == r->cap) {
    uint64_t cap = r->cap ? 2 * r->cap : 1024;
    uint32_t *ids = lyra__realloc(s->ids, lyra__mul_size(cap, 4));
    if (ids)
      s->ids = ids;
    double *ts = lyra__realloc(s->times_ms, lyra__mul_size(cap, 8));
    if (ts)
      s->times_ms = ts;
    if (!ids || !ts)
      return LYRA_ENOMEM;
    r->cap = cap;
  }
  s->ids[s->n] = id;
  s->times_ms[s->n++] = t;
  return 0;
}

static int parse_data(text_reader *r, const char *line, const char *end,
                      size_t lineno) {
  char tok[64], id_text[64] = "", time_text[64] = "";
  int col = 0, need = r->id_col > r->time_col ? r->id_col : r->time_col;
  while (col <= need && next_token(&line, end, tok, sizeof tok)) {
    if (col == r->id_col)
      memcpy(id_text, tok, sizeof tok);
    if (col == r->time_col)
      memcpy(time_text, tok, sizeof tok);
    col++;
  }
  if (col <= need)
    return text_fail(r, LYRA_EPARSE, lineno,
                     "expected %s columns (id and time in ms)",
                     need == 1 ? "2" : "more");
  char *e;
  errno = 0;
  unsigned long long id = strtoull(id_text, &e, 10);
  if (*e || e == id_text || errno || id > UINT32_MAX || id_text[0] == '-')
    return text_fail(r, LYRA_EPARSE, lineno,
                     "expected a neuron id (an integer 0..4294967295), found "
                     "'%s'",
                     id_text);
  double t = strtod(time_text, &e);
  if (*e || e == time_text || !isfinite(t) || fabs(t) > 1e15)
    return text_fail(r, LYRA_EPARSE, lineno,
                     "expected a spike time in ms, found '%s'", time_text);
  if (r->have_lyra && (id < r->id_lo || id > r->id_hi))
    return text_fail(r, LYRA_EPARSE, lineno,
                     "id %s is outside the population's ids in the header",
                     id_text);
  if (append_spike(r, (uint32_t)id, t))
    return text_fail(r, LYRA_ENOMEM, 0, "out of memory");
  return 0;
}

static int parse_line(text_reader *r, const char *line, const char *end,
                      size_t lineno) {
  while (line < end && isspace((unsigned char)*line))
    line++;
  if (line == end)
    return 0;
  if (*line == '#') {
    if (!r->have_lyra && r->s->n == 0)
      parse_lyra_comment(r, line, end);
    return 0;
  }
  int numeric = isdigit((unsigned char)*line) || *line == '-' || *line == '+' ||
                *line == '.';
  if (!numeric && !r->have_columns && r->s->n == 0)
    return parse_columns(r, line, end, lineno);
  return parse_data(r, line, end, lineno);
}

/* The population's name from the file name: "E.spikes.dat" gives "E",
 * NEST's "spike_recorder-12502-0.dat" gives "spike_recorder-12502" (the
 * last number is the writing process, so files of several processes
 * share the name and are merged). */
static void name_from_path(const char *path, char *out, size_t cap) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", b);
  char *dot = strchr(buf, '.');
  if (dot)
    *dot = '\0';
  char *dash = strrchr(buf, '-');
  if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
    char *prev = dash;
    while (prev > buf && isdigit((unsigned char)prev[-1]))
      prev--;
    if (prev > buf && prev[-1] == '-' && prev < dash)
      *dash = '\0';
  }
  size_t n = strlen(buf);
  if (n == 0)
    snprintf(out, cap, "spikes");
  else {
    n = n < cap - 1 ? n : cap - 1;
    memcpy(out, buf, n);
    out[n] = '\0';
  }
}

/* Size and first id: from lyra's header, else spanning the ids seen. */
static void settle_ids(text_reader *r) {
  lyra_spikes *s = r->s;
  if (r->have_lyra) {
    s->first_id = (uint32_t)r->id_lo;
    s->size = (uint32_t)(r->id_hi - r->id_lo + 1);
    return;
  }
  s->size_inferred = 1;
  if (s->n == 0)
    return;
  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint64_t i = 0; i < s->n; i++) {
    lo = s->ids[i] < lo ? s->ids[i] : lo;
    hi = s->ids[i] > hi ? s->ids[i] : hi;
  }
  s->first_id = lo;
  s->size = hi - lo + 1 ? hi - lo + 1 : UINT32_MAX;
}

int lyra_spikes_parse_text(const void *data, size_t len, const char *name,
                           lyra_spikes **out, char *err, size_t errlen) {
  if (!out || (!data && len))
    return LYRA_EINVAL;
  *out = NULL;
  text_reader r = {.name = name, .err = err, .errlen = errlen, .time_col = 1};
  if (!(r.s = lyra__calloc(1, sizeof *r.s)))
    return text_fail(&r, LYRA_ENOMEM, 0, "out of memory");
  name_from_path(name, r.s->population, sizeof r.s->population);
  const char *p = data, *end = p + len;
  int rc = 0;
  if (memchr(p, '\0', len))
    rc = text_fail(&r, LYRA_EPARSE, 0,
                   "not a text spike file (it contains NUL bytes)");
  for (size_t lineno = 1; !rc && p < end; lineno++) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    e = e ? e : end;
    rc = parse_line(&r, p, e, lineno);
    p = e + 1;
  }
  if (!rc) {
    settle_ids(&r);
    rc = lyra__spikes_sort(r.s);
    if (rc)
      text_fail(&r, rc, 0, "out of memory");
  }
  if (rc) {
    lyra_spikes_free(r.s);
    return rc;
  }
  *out = r.s;
  return 0;
}

typedef struct spike_key {
  double t;
  uint32_t id;
} spike_key;

static int key_cmp(const void *a, const void *b) {
  const spike_key *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

int lyra__spikes_sort(lyra_spikes *s) {
  uint64_t i = 1;
  while (i < s->n &&
         (s->times_ms[i - 1] < s->times_ms[i] ||
          (s->times_ms[i - 1] == s->times_ms[i] && s->ids[i - 1] <= s->ids[i])))
    i++;
  if (i >= s->n)
    return 0;
  spike_key *k = lyra__malloc(lyra__mul_size(s->n, sizeof *k));
  if (!k)
    return LYRA_ENOMEM;
  for (i = 0; i < s->n; i++)
    k[i] = (spike_key){s->times_ms[i], s->ids[i]};
  qsort(k, s->n, sizeof *k, key_cmp);
  for (i = 0; i < s->n; i++) {
    s->times_ms[i] = k[i].t;
    s->ids[i] = k[i].id;
  }
  free(k);
  free(s->steps); /* no longer in step with the times */
  s->steps = NULL;
  return 0;
}
