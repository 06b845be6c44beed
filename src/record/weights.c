/*
 * Weights out of the engine: recorders of chosen synapses at an interval,
 * dumps of whole projections at finish, and lyra_network_get_synapses.
 *
 * Synapses are listed in canonical order (source, target, delay, creation)
 * whatever the number of threads: a target's synapses from one source all
 * sit in one row of its owner's block, in creation order within a delay
 * group, so sorting by (source, target, delay, position) gives the same
 * sequence for any partition.
 *
 * Binary layout, as the spike files (see recorders.c), with magic
 * "LYRAWGT1" (records: uint32 step, then one float64 weight per recorded
 * synapse, listed in the header) or "LYRASYN1" (records: uint32 source,
 * uint32 target, float64 weight, float64 delay_ms). Ids are NEST-style
 * 1-based global ids.
 */
#include "engine/plastic.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct syn_ref {
  uint32_t src, tgt;
  uint16_t delay;
  uint64_t idx;
} syn_ref;

static int cmp_ref(const void *pa, const void *pb) {
  const syn_ref *a = pa, *b = pb;
  if (a->src != b->src)
    return a->src < b->src ? -1 : 1;
  if (a->tgt != b->tgt)
    return a->tgt < b->tgt ? -1 : 1;
  if (a->delay != b->delay)
    return a->delay < b->delay ? -1 : 1;
  return (a->idx > b->idx) - (a->idx < b->idx);
}

static int has_id(const uint32_t *ids, size_t n, uint32_t x) {
  if (!ids)
    return 1;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (ids[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n && ids[lo] == x;
}

/* The synapses of st from sources srcs onto targets tgts (sorted lists;
 * NULL: all), in canonical order. *out is malloc'd. */
static int gather(const lyra_network *net, const lyra__store *st,
                  const uint32_t *srcs, size_t n_src, const uint32_t *tgts,
                  size_t n_tgt, syn_ref **out, uint64_t *n) {
  const lyra__csr *c = &st->csr;
  uint64_t cap = 64, k = 0;
  syn_ref *v = lyra__malloc(cap * sizeof *v);
  if (!v)
    return LYRA_ENOMEM;
  size_t nu = srcs ? n_src : st->ns;
  for (int t = 0; t < net->n_threads; t++)
    for (size_t a = 0; a < nu; a++) {
      uint32_t u = srcs ? srcs[a] : (uint32_t)a;
      uint64_t r = (uint64_t)t * st->ns + u;
      for (uint64_t g = c->row[r]; g < c->row[r + 1]; g++)
        for (uint64_t i = c->gstart[g]; i < c->gstart[g + 1]; i++) {
          uint32_t j = lyra__store_target(st, c->chan[i]);
          if (!has_id(tgts, n_tgt, j))
            continue;
          if (k == cap) {
            syn_ref *nv = lyra__realloc(v, lyra__mul_size(cap *= 2, sizeof *v));
            if (!nv) {
              free(v);
              return LYRA_ENOMEM;
            }
            v = nv;
          }
          v[k++] = (syn_ref){u, j, c->gdelay[g], i};
        }
    }
  qsort(v, k, sizeof *v, cmp_ref);
  *out = v;
  *n = k;
  return 0;
}

static lyra__store *store_of(lyra_network *net, int proj) {
  for (int i = 0; i < net->n_stores; i++)
    if (net->stores[i].proj == proj)
      return &net->stores[i];
  return NULL;
}

int64_t lyra_network_get_synapses(lyra_network *net, int proj,
                                  lyra_synapse *out, size_t n) {
  if (!net || (n && !out))
    return LYRA_EINVAL;
  lyra__store *st = store_of(net, proj);
  if (!st)
    return lyra__network_error(net, LYRA_ENOTSUP,
                               "projection %d is not kept on its own (only "
                               "plastic, scaled, recorded or dumped ones are)",
                               proj);
  lyra__store_catch_up(net, st);
  syn_ref *v;
  uint64_t k;
  if (gather(net, st, NULL, 0, NULL, 0, &v, &k))
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  for (uint64_t i = 0; i < k && i < n; i++)
    out[i] = (lyra_synapse){v[i].src, v[i].tgt, st->csr.wide[v[i].idx],
                            v[i].delay * net->dt};
  free(v);
  return (int64_t)k;
}

/* ---- recorders --------------------------------------------------------- */

static int open_weight_rec(lyra_network *net, lyra__weight_rec *r,
                           const lyra__weight_rec_spec *spec, char *err) {
  lyra__store *st = store_of(net, spec->proj);
  syn_ref *v = NULL;
  r->store = (int)(st - net->stores);
  r->formats = spec->formats;
  r->interval = llround(spec->interval_ms / net->dt);
  r->stamp[0] = r->stamp[1] = -1;
  if (gather(net, st, spec->sources, spec->n_sources, spec->targets,
             spec->n_targets, &v, &r->n))
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  r->src = lyra__malloc(lyra__mul_size(r->n + 1, 4));
  r->tgt = lyra__malloc(lyra__mul_size(r->n + 1, 4));
  r->idx = lyra__malloc(lyra__mul_size(r->n + 1, 8));
  r->buf[0] = lyra__malloc(lyra__mul_size(r->n + 1, 8));
  r->buf[1] = lyra__malloc(lyra__mul_size(r->n + 1, 8));
  if (!r->src || !r->tgt || !r->idx || !r->buf[0] || !r->buf[1]) {
    free(v);
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  }
  for (uint64_t k = 0; k < r->n; k++) {
    r->src[k] = v[k].src;
    r->tgt[k] = v[k].tgt;
    r->idx[k] = v[k].idx;
  }
  free(v);
  return 0;
}

/* The header lines of a projection's files. */
static void describe_store(const lyra_network *net, const lyra__store *st,
                           char *buf, size_t cap) {
  snprintf(buf, cap,
           "lyra_version: %s\nprojection: %s\nsynapse_model: %s\n"
           "source: %s\ntarget: %s\nsource_first_id: %" PRIu32
           "\ntarget_first_id: %" PRIu32 "\ndt_ms: %.17g\nseed: %" PRIu64 "\n",
           LYRA_VERSION_STRING, st->name, lyra__synapse_kind_name(st->kind),
           net->pop_names[st->src_pop], net->pop_names[st->tgt_pop],
           st->src0 + 1, st->tgt0 + 1, net->dt, net->seed);
}

static int write_weight_headers(lyra_network *net, lyra__weight_rec *r,
                                char *err) {
  const lyra__store *st = &net->stores[r->store];
  char desc[1024], fname[LYRA__NAME_MAX + 16];
  int rc = 0;
  describe_store(net, st, desc, sizeof desc);
  if (r->formats & LYRA_FORMAT_BINARY) {
    size_t cap = 1200 + r->n * 24;
    char *head = lyra__malloc(cap);
    if (!head)
      return lyra__errf(err, LYRA_ENOMEM, "out of memory");
    int at = snprintf(
        head, cap,
        "format: lyra-weights 1\n%ssynapses: %" PRIu64 "\npairs:", desc, r->n);
    for (uint64_t k = 0; k < r->n; k++)
      at += snprintf(head + at, cap - (size_t)at, " %" PRIu32 ":%" PRIu32,
                     st->src0 + r->src[k] + 1, st->tgt0 + r->tgt[k] + 1);
    snprintf(head + at, cap - (size_t)at,
             "\nrecord: uint32 step, float64 weight per pair\n"
             "time: step * dt_ms\n");
    snprintf(fname, sizeof fname, "%s.lywgt", st->name);
    rc = lyra__outfile_open(&r->bin, net->output_dir, fname, err);
    if (!rc && lyra__write_bin_header(&r->bin, "LYRAWGT1", head))
      rc = lyra__errf(err, LYRA_EIO, "%s: write failed", r->bin.tmp_path);
    free(head);
  }
  if (!rc && (r->formats & LYRA_FORMAT_TEXT)) {
    snprintf(fname, sizeof fname, "%s.wgt.dat", st->name);
    rc = lyra__outfile_open(&r->text, net->output_dir, fname, err);
    if (!rc)
      fprintf(r->text.f,
              "# lyra %s: projection %s (%s), ids 1-based global, dt %g ms, "
              "time in ms\nsender\treceiver\ttime_ms\tweight\n",
              LYRA_VERSION_STRING, st->name, lyra__synapse_kind_name(st->kind),
              net->dt);
  }
  return rc;
}

int lyra__weights_open(lyra_network *net, const lyra_model *m) {
  char err[LYRA__ERR_MAX];
  int dumps = 0;
  for (int i = 0; i < net->n_stores; i++)
    dumps += net->stores[i].dump_formats != 0;
  if (!m->n_wrecs && !dumps)
    return 0;
  int rc = lyra__mkdirs(net->output_dir, err);
  if (rc)
    return lyra__network_error(net, rc, "%s", err);
  if (!m->n_wrecs)
    return 0;
  net->wrecs = lyra__calloc((size_t)m->n_wrecs, sizeof *net->wrecs);
  if (!net->wrecs)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  for (int i = 0; i < m->n_wrecs; i++) {
    net->n_wrecs = i + 1;
    if ((rc = open_weight_rec(net, &net->wrecs[i], &m->wrecs[i], err)) ||
        (rc = write_weight_headers(net, &net->wrecs[i], err)))
      return lyra__network_error(net, rc, "%s", err);
  }
  return 0;
}

/* Thread tid copies its recorded weights, brought up to stamp t1, when a
 * multiple of the interval falls in (t0, t1]. */
void lyra__weights_sample(lyra_network *net, int tid, int64_t t0, int64_t t1,
                          int par) {
  for (int i = 0; i < net->n_wrecs; i++) {
    lyra__weight_rec *r = &net->wrecs[i];
    if (t1 / r->interval == t0 / r->interval)
      continue;
    lyra__store *st = &net->stores[r->store];
    uint64_t lo = lyra__store_first(st, tid),
             hi = lyra__store_first(st, tid + 1);
    for (uint64_t k = 0; k < r->n; k++)
      if (k == 0 || r->src[k] != r->src[k - 1])
        lyra__store_catch_up_source(net, st, tid, r->src[k], t1);
    for (uint64_t k = 0; k < r->n; k++)
      if (r->idx[k] >= lo && r->idx[k] < hi)
        r->buf[par][k] = st->csr.wide[r->idx[k]];
    if (tid == 0)
      r->stamp[par] = t1;
  }
}

static void write_weight_record(lyra_network *net, lyra__weight_rec *r,
                                int64_t t, const double *w) {
  const lyra__store *st = &net->stores[r->store];
  if (r->bin.f) {
    unsigned char b[8];
    lyra__put_u32(b, (uint32_t)t);
    fwrite(b, 1, 4, r->bin.f);
    for (uint64_t k = 0; k < r->n; k++) {
      lyra__put_f64(b, w[k]);
      fwrite(b, 1, 8, r->bin.f);
    }
    r->bin.n_records++;
  }
  if (r->text.f) {
    char tbuf[48];
    lyra__format_time(net, t, tbuf);
    for (uint64_t k = 0; k < r->n; k++)
      fprintf(r->text.f, "%" PRIu32 "\t%" PRIu32 "\t%s\t%.17g\n",
              st->src0 + r->src[k] + 1, st->tgt0 + r->tgt[k] + 1, tbuf, w[k]);
    r->text.n_records += r->n;
  }
}

int lyra__weights_write(lyra_network *net, int par) {
  for (int i = 0; i < net->n_wrecs; i++) {
    lyra__weight_rec *r = &net->wrecs[i];
    if (r->stamp[par] < 0)
      continue;
    write_weight_record(net, r, r->stamp[par], r->buf[par]);
    r->stamp[par] = -1;
    if ((r->bin.f && ferror(r->bin.f)) || (r->text.f && ferror(r->text.f)))
      return lyra__network_error(net, LYRA_EIO, "%s: write failed",
                                 r->bin.f ? r->bin.tmp_path : r->text.tmp_path);
  }
  return 0;
}

/* ---- dumps at finish -------------------------------------------------- */

static int dump_store(lyra_network *net, const lyra__store *st, char *err) {
  syn_ref *v;
  uint64_t n;
  lyra__outfile bin = {0}, text = {0};
  char desc[1024], head[1400], fname[LYRA__NAME_MAX + 16];
  int rc = 0;
  if (gather(net, st, NULL, 0, NULL, 0, &v, &n))
    return lyra__errf(err, LYRA_ENOMEM, "out of memory");
  describe_store(net, st, desc, sizeof desc);
  if (st->dump_formats & LYRA_FORMAT_BINARY) {
    snprintf(head, sizeof head,
             "format: lyra-synapses 1\n%srecord: uint32 source, uint32 "
             "target, float64 weight, float64 delay_ms\n",
             desc);
    snprintf(fname, sizeof fname, "%s.lysyn", st->name);
    rc = lyra__outfile_open(&bin, net->output_dir, fname, err);
    if (!rc && lyra__write_bin_header(&bin, "LYRASYN1", head))
      rc = lyra__errf(err, LYRA_EIO, "%s: write failed", bin.tmp_path);
  }
  if (!rc && (st->dump_formats & LYRA_FORMAT_TEXT)) {
    snprintf(fname, sizeof fname, "%s.syn.dat", st->name);
    rc = lyra__outfile_open(&text, net->output_dir, fname, err);
    if (!rc)
      fprintf(text.f,
              "# lyra %s: projection %s (%s), ids 1-based global, at t = "
              "%g ms\nsource\ttarget\tweight\tdelay_ms\n",
              LYRA_VERSION_STRING, st->name, lyra__synapse_kind_name(st->kind),
              (double)net->step * net->dt);
  }
  for (uint64_t k = 0; !rc && k < n; k++) {
    uint32_t a = st->src0 + v[k].src + 1, b = st->tgt0 + v[k].tgt + 1;
    double w = st->csr.wide[v[k].idx], d = v[k].delay * net->dt;
    if (bin.f) {
      unsigned char rec[24];
      lyra__put_u32(rec, a);
      lyra__put_u32(rec + 4, b);
      lyra__put_f64(rec + 8, w);
      lyra__put_f64(rec + 16, d);
      fwrite(rec, 1, 24, bin.f);
      bin.n_records++;
    }
    if (text.f)
      fprintf(text.f, "%" PRIu32 "\t%" PRIu32 "\t%.17g\t%.17g\n", a, b, w, d);
  }
  free(v);
  if (!rc && !(rc = lyra__commit_bin(&bin, err)))
    rc = lyra__outfile_commit(&text, err);
  lyra__outfile_abort(&bin);
  lyra__outfile_abort(&text);
  return rc;
}

int lyra__weights_write_pending(lyra_network *net) {
  if (!net->n_wrecs)
    return 0;
  int first = net->wrecs[0].stamp[1] >= 0 &&
              (net->wrecs[0].stamp[0] < 0 ||
               net->wrecs[0].stamp[1] < net->wrecs[0].stamp[0]);
  int rc = lyra__weights_write(net, first);
  return rc ? rc : lyra__weights_write(net, !first);
}

int lyra__weights_close(lyra_network *net) {
  char err[LYRA__ERR_MAX];
  lyra__stores_catch_up_all(net);
  int rc = lyra__weights_write_pending(net);
  for (int i = 0; !rc && i < net->n_wrecs; i++) {
    lyra__weight_rec *r = &net->wrecs[i];
    if ((rc = lyra__commit_bin(&r->bin, err)) ||
        (rc = lyra__outfile_commit(&r->text, err)))
      rc = lyra__network_error(net, rc, "%s", err);
  }
  for (int i = 0; !rc && i < net->n_stores; i++)
    if (net->stores[i].dump_formats &&
        (rc = dump_store(net, &net->stores[i], err)))
      rc = lyra__network_error(net, rc, "%s", err);
  return rc;
}

void lyra__weights_abort(lyra_network *net) {
  for (int i = 0; net->wrecs && i < net->n_wrecs; i++) {
    lyra__weight_rec *r = &net->wrecs[i];
    lyra__outfile_abort(&r->bin);
    lyra__outfile_abort(&r->text);
    free(r->src);
    free(r->tgt);
    free(r->idx);
    free(r->buf[0]);
    free(r->buf[1]);
  }
  free(net->wrecs);
  net->wrecs = NULL;
  net->n_wrecs = 0;
}
