/*
 * Spike and state recorders: native binary (self-describing header) and
 * NEST-style text; spikes also to the run's SONATA file (sonata_write.c).
 * Records are written in the order the engine produces them: by time, then
 * by id.
 *
 * Binary layout (all integers little-endian):
 *   0  char[8]  magic "LYRASPK1" (spikes) or "LYRASTA1" (state)
 *   8  uint64   number of records (written when the file is completed)
 *  16  uint32   length L of the header text
 *  20  char[L]  header text: "key: value" lines (dt, units, ids, seed...)
 *  20+L records: spikes: uint32 id, uint32 step (time = step * dt_ms);
 *               state: uint32 step, then one float64 per recorded neuron.
 * Ids are NEST-style global ids: 1-based, populations numbered in the
 * order they are declared.
 */
#include "engine/network.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Header text shared by all files of a population. */
/* The "key: value" lines every binary header of a population starts with
 * (the text files carry the same facts in their first comment line). */
static int describe(const lyra_network *net, int pop, char *buf, size_t n) {
  const lyra__pop *p = &net->pops[pop];
  return snprintf(buf, n,
                  "lyra_version: %s\npopulation: %s\nmodel: %s\n"
                  "first_id: %" PRIu32 "\nsize: %" PRIu32 "\n"
                  "dt_ms: %.17g\nseed: %" PRIu64 "\n",
                  LYRA_VERSION_STRING, net->pop_names[pop], p->model->info.name,
                  p->gid0 + 1, p->n, net->dt, net->seed);
}

/* The header of NEST 3's ASCII recording backend has exactly two comment
 * lines before the column names (tools such as nest.raster_plot.from_file
 * skip three lines), so lyra's metadata goes into the first one. */
static void text_header(const lyra_network *net, int pop, FILE *f,
                        const char *columns) {
  const lyra__pop *p = &net->pops[pop];
  fprintf(f,
          "# lyra %s: population %s, model %s, ids %" PRIu32 "-%" PRIu32
          " (1-based global), dt %g ms, seed %" PRIu64
          ", time in ms, V in mV, I in pA, g in nS\n"
          "# RecordingBackendASCII version: 2\n%s\n",
          LYRA_VERSION_STRING, net->pop_names[pop], p->model->info.name,
          p->gid0 + 1, p->gid0 + p->n, net->dt, net->seed, columns);
}

static int open_spike_rec(lyra_network *net, lyra__recorder *r, char *err) {
  const char *name = net->pop_names[r->spec.pop];
  char fname[LYRA__NAME_MAX + 32], head[1024], desc[768];
  int rc;
  describe(net, r->spec.pop, desc, sizeof desc);
  if (r->spec.formats & LYRA_FORMAT_BINARY) {
    snprintf(fname, sizeof fname, "%s.spikes.lyspk", name);
    if ((rc = lyra__outfile_open(&r->bin, net->output_dir, fname, err)))
      return rc;
    snprintf(head, sizeof head,
             "format: lyra-spikes 1\n%srecord: uint32 id, uint32 step\n"
             "time: step * dt_ms\n",
             desc);
    if (lyra__write_bin_header(&r->bin, "LYRASPK1", head))
      return lyra__errf(err, LYRA_EIO, "%s: write failed", r->bin.tmp_path);
  }
  if (r->spec.formats & LYRA_FORMAT_TEXT) {
    snprintf(fname, sizeof fname, "%s.spikes.dat", name);
    if ((rc = lyra__outfile_open(&r->text, net->output_dir, fname, err)))
      return rc;
    text_header(net, r->spec.pop, r->text.f, "sender\ttime_ms");
  }
  if (r->spec.formats & LYRA_FORMAT_SONATA)
    return lyra__sonata_add(net, r->spec.pop, &r->sonata_slot, err);
  return 0;
}

static int open_state_rec(lyra_network *net, lyra__recorder *r, char *err) {
  const lyra__pop *p = &net->pops[r->spec.pop];
  char var_name[LYRA__NAME_MAX + 16];
  const lyra_param_info var_info = {
      lyra__state_ref_name(p->model, r->spec.var, var_name, sizeof var_name),
      lyra__state_ref_unit(p->model, r->spec.var), 0.0, ""};
  const lyra_param_info *var = &var_info;
  const char *name = net->pop_names[r->spec.pop];
  char fname[LYRA__NAME_MAX + 64], desc[768];
  size_t cap = 512 + r->spec.n_neurons * 12;
  char *head = lyra__malloc(cap);
  int rc = head ? 0 : LYRA_ENOMEM;
  r->interval_steps = (int)(r->spec.interval_ms / net->dt + 0.5);
  for (int k = 0; k < 2; k++) {
    r->samples[k] =
        lyra__calloc(lyra__mul_size((size_t)net->slice, r->spec.n_neurons), 8);
    if (!r->samples[k])
      rc = LYRA_ENOMEM;
  }
  if (rc) {
    free(head);
    return lyra__errf(err, rc, "out of memory");
  }
  describe(net, r->spec.pop, desc, sizeof desc);
  int at = snprintf(head, cap,
                    "format: lyra-state 1\n%svariable: %s\nunit: %s\n"
                    "interval_steps: %d\nneurons: %zu\nids:",
                    desc, var->name, var->unit, r->interval_steps,
                    r->spec.n_neurons);
  for (size_t i = 0; i < r->spec.n_neurons; i++)
    at += snprintf(head + at, cap - (size_t)at, " %" PRIu32,
                   p->gid0 + r->spec.neurons[i] + 1);
  snprintf(head + at, cap - (size_t)at,
           "\nrecord: uint32 step, float64 value per id\ntime: step * dt_ms\n");
  if (r->spec.formats & LYRA_FORMAT_BINARY) {
    snprintf(fname, sizeof fname, "%s.%s.lystate", name, var->name);
    rc = lyra__outfile_open(&r->bin, net->output_dir, fname, err);
    if (!rc && lyra__write_bin_header(&r->bin, "LYRASTA1", head))
      rc = lyra__errf(err, LYRA_EIO, "%s: write failed", r->bin.tmp_path);
  }
  if (!rc && (r->spec.formats & LYRA_FORMAT_TEXT)) {
    snprintf(fname, sizeof fname, "%s.%s.dat", name, var->name);
    rc = lyra__outfile_open(&r->text, net->output_dir, fname, err);
    if (!rc) {
      char cols[128];
      snprintf(cols, sizeof cols, "sender\ttime_ms\t%s", var->name);
      text_header(net, r->spec.pop, r->text.f, cols);
    }
  }
  free(head);
  return rc;
}

int lyra__recorders_open(lyra_network *net, const lyra_model *m) {
  char err[LYRA__ERR_MAX];
  int rc;
  net->spike_rec_of_pop = lyra__malloc((size_t)net->n_pops * sizeof(int));
  net->recs = lyra__calloc((size_t)m->n_recs, sizeof *net->recs);
  if (!net->spike_rec_of_pop || !net->recs)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  for (int i = 0; i < net->n_pops; i++)
    net->spike_rec_of_pop[i] = -1;
  if (m->n_recs == 0)
    return 0;
  if ((rc = lyra__mkdirs(net->output_dir, err)))
    return lyra__network_error(net, rc, "%s", err);
  for (int i = 0; i < m->n_recs; i++) {
    lyra__recorder *r = &net->recs[i];
    r->spec = m->recs[i];
    r->spec.neurons = NULL; /* copied below; spec memory is the model's */
    r->sonata_slot = -1;
    net->n_recs = i + 1;
    if (m->recs[i].is_state) {
      size_t bytes = m->recs[i].n_neurons * sizeof(uint32_t);
      r->spec.neurons = lyra__malloc(bytes);
      if (!r->spec.neurons)
        return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
      memcpy(r->spec.neurons, m->recs[i].neurons, bytes);
      rc = open_state_rec(net, r, err);
    } else {
      net->spike_rec_of_pop[r->spec.pop] = i;
      rc = open_spike_rec(net, r, err);
    }
    if (rc)
      return lyra__network_error(net, rc, "%s", err);
  }
  return 0;
}

/* Decimal digits of v into buf; returns the length. (fprintf dominated
 * the cost of text output.) */
static int format_u32(uint32_t v, char *buf) {
  char tmp[10];
  int n = 0, len;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (len = 0; len < n; len++)
    buf[len] = tmp[n - 1 - len];
  return len;
}

/* A write error on a recorder file stops the run with the file named. */
static int check_file(lyra_network *net, const lyra__outfile *o) {
  if (o->f && ferror(o->f))
    return lyra__network_error(net, LYRA_EIO, "%s: write failed", o->tmp_path);
  return 0;
}

int lyra__record_spikes(lyra_network *net, int pop, int64_t s,
                        const uint32_t *gid, uint32_t n) {
  int ri = net->spike_rec_of_pop[pop];
  if (ri < 0)
    return 0;
  lyra__recorder *r = &net->recs[ri];
  char tbuf[48], line[80], err[LYRA__ERR_MAX];
  int tlen = lyra__format_time(net, s + 1, tbuf);
  for (uint32_t k = 0; r->bin.f && k < n;) {
    unsigned char rec[8 * 256];
    uint32_t m = n - k < 256 ? n - k : 256;
    for (uint32_t j = 0; j < m; j++) {
      lyra__put_u32(rec + 8 * j, gid[k + j] + 1);
      lyra__put_u32(rec + 8 * j + 4, (uint32_t)(s + 1));
    }
    fwrite(rec, 8, m, r->bin.f);
    r->bin.n_records += m;
    k += m;
  }
  for (uint32_t k = 0; r->text.f && k < n; k++) {
    int len = format_u32(gid[k] + 1, line);
    line[len++] = '\t';
    memcpy(line + len, tbuf, (size_t)tlen);
    len += tlen;
    line[len++] = '\n';
    fwrite(line, 1, (size_t)len, r->text.f);
    r->text.n_records++;
  }
  if (r->sonata_slot >= 0 &&
      lyra__sonata_append(net, r->sonata_slot, (double)(s + 1) * net->dt, gid,
                          n, err))
    return lyra__network_error(net, LYRA_EIO, "%s", err);
  int rc = check_file(net, &r->bin);
  return rc ? rc : check_file(net, &r->text);
}

void lyra__sample_state(lyra_network *net, int tid, int64_t s, int si,
                        int par) {
  for (int i = 0; i < net->n_recs; i++) {
    lyra__recorder *r = &net->recs[i];
    if (!r->spec.is_state || (s + 1) % r->interval_steps != 0)
      continue;
    const uint32_t lo = net->threads[tid].lo[r->spec.pop];
    const uint32_t hi = net->threads[tid].hi[r->spec.pop];
    const double *x =
        lyra__state_ref_array(&net->pops[r->spec.pop], r->spec.var);
    double *out = r->samples[par] + (size_t)si * r->spec.n_neurons;
    for (size_t k = 0; k < r->spec.n_neurons; k++) {
      uint32_t j = r->spec.neurons[k];
      if (j >= lo && j < hi)
        out[k] = x[j];
    }
  }
}

static void write_state_row(lyra_network *net, lyra__recorder *r, int64_t s,
                            const double *x) {
  const lyra__pop *p = &net->pops[r->spec.pop];
  char tbuf[48];
  lyra__format_time(net, s + 1, tbuf);
  if (r->bin.f) {
    unsigned char b[8];
    lyra__put_u32(b, (uint32_t)(s + 1));
    fwrite(b, 1, 4, r->bin.f);
    for (size_t k = 0; k < r->spec.n_neurons; k++) {
      lyra__put_f64(b, x[k]);
      fwrite(b, 1, 8, r->bin.f);
    }
    r->bin.n_records++;
  }
  for (size_t k = 0; r->text.f && k < r->spec.n_neurons; k++) {
    fprintf(r->text.f, "%" PRIu32 "\t%s\t%.17g\n",
            p->gid0 + r->spec.neurons[k] + 1, tbuf, x[k]);
    r->text.n_records++;
  }
}

int lyra__write_state(lyra_network *net, int64_t t0, int64_t t1, int par) {
  for (int i = 0; i < net->n_recs; i++) {
    lyra__recorder *r = &net->recs[i];
    if (!r->spec.is_state)
      continue;
    for (int64_t s = t0; s < t1; s++)
      if ((s + 1) % r->interval_steps == 0)
        write_state_row(net, r, s,
                        r->samples[par] + (size_t)(s - t0) * r->spec.n_neurons);
    int rc = check_file(net, &r->bin);
    if (rc || (rc = check_file(net, &r->text)))
      return rc;
  }
  return 0;
}

int lyra__recorders_close(lyra_network *net) {
  char err[LYRA__ERR_MAX];
  for (int i = 0; i < net->n_recs; i++) {
    lyra__recorder *r = &net->recs[i];
    int rc = lyra__commit_bin(&r->bin, err);
    if (!rc)
      rc = lyra__outfile_commit(&r->text, err);
    if (rc)
      return lyra__network_error(net, rc, "%s", err);
  }
  if (net->sonata && lyra__sonata_commit(net, err))
    return lyra__network_error(net, LYRA_EIO, "%s", err);
  return 0;
}

void lyra__recorders_abort(lyra_network *net) {
  lyra__sonata_abort(net);
  for (int i = 0; net->recs && i < net->n_recs; i++) {
    lyra__outfile_abort(&net->recs[i].bin);
    lyra__outfile_abort(&net->recs[i].text);
    free(net->recs[i].spec.neurons);
    free(net->recs[i].samples[0]);
    free(net->recs[i].samples[1]);
  }
  free(net->recs);
  free(net->spike_rec_of_pop);
  net->recs = NULL;
  net->spike_rec_of_pop = NULL;
  net->n_recs = 0;
}
