/*
 * Per-neuron statistics of a spike train: rate, CV of inter-spike
 * intervals, Fano factor of binned counts. One pass over the spikes in
 * time order; intervals are accumulated with Welford's update so that a
 * regular train gives a CV of 0 up to rounding, not a difference of two
 * large sums.
 */
#include "analysis/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lyra_analysis_defaults(lyra_analysis_opts *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->fano_bin_ms = 50.0;
  o->corr_bin_ms = 10.0;
  o->rate_bin_ms = 1.0;
  o->segment_ms = 1000.0;
  o->pairs = 1000;
  o->seed = 1;
}

int lyra__analysis_window(const lyra_spikes *s, const lyra_analysis_opts *o,
                          lyra__window *w, char *err, size_t errlen) {
  if (!s || !o)
    return lyra__errf_n(err, errlen, LYRA_EINVAL, "no spikes or options");
  double t1 = o->t_stop_ms > 0 ? o->t_stop_ms : s->t_stop_ms;
  if (!(t1 > 0) && s->n > 0)
    t1 = s->times_ms[s->n - 1];
  w->t0 = o->t_start_ms;
  w->t1 = t1;
  if (!(isfinite(w->t0) && isfinite(w->t1) && w->t1 > w->t0))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: empty analysis window (%g, %g] ms (no spikes "
                        "and no stop time?)",
                        s->population, w->t0, w->t1);
  /* First spike with t > t0 and first with t > t1 (times never decrease). */
  uint64_t lo = 0, hi = s->n;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (s->times_ms[mid] <= w->t0)
      lo = mid + 1;
    else
      hi = mid;
  }
  w->begin = lo;
  hi = s->n;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (s->times_ms[mid] <= w->t1)
      lo = mid + 1;
    else
      hi = mid;
  }
  w->end = lo;
  return 0;
}

/* Count of spikes of each neuron in the window, and the interval
 * statistics (Welford: mean and sum of squared deviations). */
typedef struct isi_acc {
  double *last, *mean, *m2;
  uint32_t *count;
} isi_acc;

static void isi_free(isi_acc *a) {
  free(a->last);
  free(a->mean);
  free(a->m2);
  free(a->count);
}

static int isi_collect(const lyra_spikes *s, const lyra__window *w,
                       isi_acc *a) {
  size_t n = s->size ? s->size : 1;
  a->last = lyra__malloc(n * sizeof *a->last);
  a->mean = lyra__calloc(n, sizeof *a->mean);
  a->m2 = lyra__calloc(n, sizeof *a->m2);
  a->count = lyra__calloc(n, sizeof *a->count);
  if (!a->last || !a->mean || !a->m2 || !a->count) {
    isi_free(a);
    return LYRA_ENOMEM;
  }
  for (uint64_t i = w->begin; i < w->end; i++) {
    uint32_t k = s->ids[i] - s->first_id;
    double t = s->times_ms[i];
    if (a->count[k]++ > 0) {
      double isi = t - a->last[k], d = isi - a->mean[k];
      double j = (double)(a->count[k] - 1); /* intervals so far */
      a->mean[k] += d / j;
      a->m2[k] += d * (isi - a->mean[k]);
    }
    a->last[k] = t;
  }
  return 0;
}

double lyra__cv(double mean, double m2, uint32_t spikes) {
  if (spikes < 3 || !(mean > 0))
    return (double)NAN;
  double var = m2 / (double)(spikes - 1);
  return sqrt(var > 0 ? var : 0) / mean;
}

int lyra__count_moments(const lyra_spikes *s, const lyra__window *w, double bin,
                        uint64_t nbins, double *sum, double *sq) {
  size_t n = s->size ? s->size : 1;
  int64_t *cur = lyra__malloc(n * sizeof *cur);
  uint32_t *run = lyra__calloc(n, sizeof *run);
  if (!cur || !run) {
    free(cur);
    free(run);
    return LYRA_ENOMEM;
  }
  memset(sum, 0, s->size * sizeof *sum);
  memset(sq, 0, s->size * sizeof *sq);
  for (size_t k = 0; k < n; k++)
    cur[k] = -1;
  /* Spikes come in time order, so each neuron's spikes in one bin are
   * consecutive among its own: count a run, square it when it ends. */
  for (uint64_t i = w->begin; i < w->end; i++) {
    uint32_t k = s->ids[i] - s->first_id;
    int64_t b = lyra__bin_of(s->times_ms[i], w->t0, bin);
    if (b >= (int64_t)nbins)
      continue; /* in the last, partial bin */
    if (b != cur[k]) {
      sq[k] += (double)run[k] * run[k];
      run[k] = 0;
      cur[k] = b;
    }
    run[k]++;
    sum[k] += 1;
  }
  for (uint32_t k = 0; k < s->size; k++)
    sq[k] += (double)run[k] * run[k];
  free(cur);
  free(run);
  return 0;
}

uint64_t lyra__whole_bins(const lyra__window *w, double bin) {
  return (uint64_t)floor((w->t1 - w->t0) / bin + 1e-9);
}

/* Fano factor of each neuron's counts in whole bins of the window. */
static int fano_all(const lyra_spikes *s, const lyra__window *w, double bin,
                    double *fano) {
  uint64_t nbins = lyra__whole_bins(w, bin);
  size_t n = s->size ? s->size : 1;
  double *sum = lyra__malloc(n * sizeof *sum), *sq = lyra__malloc(n * 8);
  int rc = sum && sq ? 0 : LYRA_ENOMEM;
  if (!rc && nbins >= 2)
    rc = lyra__count_moments(s, w, bin, nbins, sum, sq);
  for (uint32_t k = 0; !rc && k < s->size; k++) {
    double mean = sum[k] / (double)nbins;
    double var = sq[k] / (double)nbins - mean * mean;
    fano[k] = nbins >= 2 && mean > 0 ? (var > 0 ? var : 0) / mean : (double)NAN;
  }
  free(sum);
  free(sq);
  return rc;
}

int64_t lyra__bin_of(double t, double t0, double bin) {
  /* (t0 + k bin, t0 + (k+1) bin] is bin k: a spike on a bin's right edge
   * belongs to it. */
  double x = (t - t0) / bin, r = nearbyint(x);
  if (fabs(x - r) <= 1e-9 * (r > 1 ? r : 1))
    x = r; /* on the grid up to rounding: 0.3 / 0.1 is 2.9999999999999996 */
  int64_t b = (int64_t)ceil(x) - 1;
  return b < 0 ? 0 : b;
}

int lyra_analyze_neurons(const lyra_spikes *s, const lyra_analysis_opts *o,
                         double *rate_hz, double *cv, double *fano) {
  lyra__window w;
  isi_acc a = {0};
  int rc = lyra__analysis_window(s, o, &w, NULL, 0);
  if (rc)
    return rc;
  if ((rate_hz || cv) && (rc = isi_collect(s, &w, &a)))
    return rc;
  double span_s = (w.t1 - w.t0) * 1e-3;
  for (uint32_t k = 0; k < s->size && (rate_hz || cv); k++) {
    if (rate_hz)
      rate_hz[k] = a.count[k] / span_s;
    if (cv)
      cv[k] = lyra__cv(a.mean[k], a.m2[k], a.count[k]);
  }
  isi_free(&a);
  if (fano && !(o->fano_bin_ms > 0))
    return LYRA_EINVAL;
  return fano ? fano_all(s, &w, o->fano_bin_ms, fano) : 0;
}
