/*
 * Population statistics of a spike train (lyra_analyze): the rate
 * distribution, CV and Fano factor over neurons, the mean pairwise
 * count correlation on a sample of pairs, the population-rate spectrum
 * and Golomb's synchrony measure chi.
 */
#include "analysis/analysis.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_real.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_opts(const lyra_spikes *s, const lyra_analysis_opts *o,
                      char *err, size_t errlen) {
  if (!(o->fano_bin_ms > 0 && o->corr_bin_ms > 0 && o->rate_bin_ms > 0 &&
        o->segment_ms >= 8 * o->rate_bin_ms))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: bins must be > 0 ms and the spectrum segment at "
                        "least 8 rate bins",
                        s->population);
  return 0;
}

int64_t lyra_population_rate(const lyra_spikes *s, const lyra_analysis_opts *o,
                             double bin_ms, double *rate, size_t n) {
  lyra__window w;
  int rc = lyra__analysis_window(s, o, &w, NULL, 0);
  if (rc)
    return rc;
  if (!(bin_ms > 0) || (!rate && n))
    return LYRA_EINVAL;
  double nb = ceil((w.t1 - w.t0) / bin_ms - 1e-9);
  if (nb > 1e12)
    return LYRA_EINVAL;
  uint64_t nbins = (uint64_t)nb;
  size_t fill = nbins < n ? (size_t)nbins : n;
  for (size_t b = 0; b < fill; b++)
    rate[b] = 0;
  for (uint64_t i = w.begin; i < w.end; i++) {
    int64_t b = lyra__bin_of(s->times_ms[i], w.t0, bin_ms);
    if ((uint64_t)b < fill)
      rate[b] += 1;
  }
  double scale = s->size ? 1e3 / (bin_ms * s->size) : (double)NAN;
  for (size_t b = 0; b < fill; b++)
    rate[b] *= scale;
  return (int64_t)nbins;
}

/* ---- spectrum ---------------------------------------------------- */

/* Adds the periodogram of one Hann-windowed segment x[0..len) (mean
 * removed) to acc[0..len/2]. GSL's real FFT leaves its result in
 * half-complex order: x[0] the DC term, then (re, im) pairs, and for even
 * len the Nyquist term last. */
static int add_segment(const double *x, size_t len, double mean,
                       const double *hann, double *buf, double *acc,
                       gsl_fft_real_wavetable *wt, gsl_fft_real_workspace *ws) {
  for (size_t i = 0; i < len; i++)
    buf[i] = (x[i] - mean) * hann[i];
  if (gsl_fft_real_transform(buf, 1, len, wt, ws) != GSL_SUCCESS)
    return LYRA_ENOMEM;
  acc[0] += buf[0] * buf[0];
  for (size_t k = 1; 2 * k < len; k++)
    acc[k] += buf[2 * k - 1] * buf[2 * k - 1] + buf[2 * k] * buf[2 * k];
  if (len % 2 == 0)
    acc[len / 2] += buf[len - 1] * buf[len - 1];
  return 0;
}

typedef struct welch {
  double *x, *hann, *buf;
  gsl_fft_real_wavetable *wt;
  gsl_fft_real_workspace *ws;
} welch;

static void welch_free(welch *w) {
  free(w->x);
  free(w->hann);
  free(w->buf);
  if (w->wt)
    gsl_fft_real_wavetable_free(w->wt);
  if (w->ws)
    gsl_fft_real_workspace_free(w->ws);
}

/* Welch's estimate over segments of len bins, half overlapping, into
 * power[0..len/2], scaled to a one-sided density in Hz^2/Hz. */
static int welch_psd(welch *w, size_t nbins, size_t len, double bin_s,
                     double *power) {
  double mean = 0, norm = 0;
  for (size_t i = 0; i < nbins; i++)
    mean += w->x[i];
  mean /= (double)nbins;
  for (size_t i = 0; i < len; i++) {
    w->hann[i] =
        len > 1 ? 0.5 - 0.5 * cos(2 * M_PI * (double)i / (double)len) : 1.0;
    norm += w->hann[i] * w->hann[i];
  }
  memset(power, 0, (len / 2 + 1) * sizeof *power);
  size_t segments = 0, step = len / 2 ? len / 2 : 1;
  for (size_t start = 0; start + len <= nbins; start += step, segments++)
    if (add_segment(w->x + start, len, mean, w->hann, w->buf, power, w->wt,
                    w->ws))
      return LYRA_ENOMEM;
  for (size_t k = 0; k <= len / 2; k++) {
    int edge = k == 0 || (len % 2 == 0 && k == len / 2);
    power[k] *= (edge ? 1.0 : 2.0) * bin_s / (norm * (double)segments);
  }
  return 0;
}

int64_t lyra_rate_spectrum(const lyra_spikes *s, const lyra_analysis_opts *o,
                           double *freq_hz, double *power, size_t n) {
  lyra__window win;
  int rc = lyra__analysis_window(s, o, &win, NULL, 0);
  if (rc || (rc = check_opts(s, o, NULL, 0)))
    return rc;
  if ((!freq_hz || !power) && n)
    return LYRA_EINVAL;
  double bin = o->rate_bin_ms;
  uint64_t nbins = lyra__whole_bins(&win, bin);
  size_t len = (size_t)llround(o->segment_ms / bin);
  if (len > nbins)
    len = (size_t)nbins; /* a short window: one segment, the whole of it */
  if (len < 8 || !s->size)
    return 0; /* too short for a spectrum, or a population of no size */
  if (n == 0)
    return (int64_t)(len / 2 + 1); /* only the size asked: no work */
  welch w = {0};
  w.x = lyra__malloc(lyra__mul_size(nbins, sizeof *w.x));
  w.hann = lyra__malloc(len * sizeof *w.hann);
  w.buf = lyra__malloc(len * sizeof *w.buf);
  double *acc = lyra__malloc((len / 2 + 1) * sizeof *acc);
  /* GSL's default error handler aborts; lyra never does, so it is off
   * while GSL runs (allocation failure is then an error code). */
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  w.wt = gsl_fft_real_wavetable_alloc(len);
  w.ws = gsl_fft_real_workspace_alloc(len);
  rc = w.x && w.hann && w.buf && acc && w.wt && w.ws ? 0 : LYRA_ENOMEM;
  if (!rc && lyra_population_rate(s, o, bin, w.x, nbins) < 0)
    rc = LYRA_EINVAL;
  if (!rc)
    rc = welch_psd(&w, nbins, len, bin * 1e-3, acc);
  gsl_set_error_handler(old);
  size_t m = len / 2 + 1;
  for (size_t k = 0; !rc && k < m && k < n; k++) {
    freq_hz[k] = (double)k / ((double)len * bin * 1e-3);
    power[k] = acc[k];
  }
  welch_free(&w);
  free(acc);
  return rc ? rc : (int64_t)m;
}

/* Peak above 0 Hz and its share of the power above 0 Hz. */
static int spectrum_peak(const lyra_spikes *s, const lyra_analysis_opts *o,
                         lyra_pop_analysis *out) {
  out->peak_hz = out->peak_power_share = (double)NAN;
  int64_t m = lyra_rate_spectrum(s, o, NULL, NULL, 0);
  if (m <= 2)
    return m < 0 ? (int)m : 0;
  double *f = lyra__malloc((size_t)m * 8), *p = lyra__malloc((size_t)m * 8);
  int rc = f && p ? 0 : LYRA_ENOMEM;
  if (!rc && (m = lyra_rate_spectrum(s, o, f, p, (size_t)m)) < 0)
    rc = (int)m;
  double total = 0, best = 0;
  for (int64_t k = 1; !rc && k < m; k++) {
    total += p[k];
    if (p[k] > best) {
      best = p[k];
      out->peak_hz = f[k];
    }
  }
  if (!rc && total > 0)
    out->peak_power_share = best / total;
  else
    out->peak_hz = (double)NAN;
  free(f);
  free(p);
  return rc;
}

/* ---- rates, CV, Fano over neurons --------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n) with linear interpolation (numpy's
 * default). */
static double quantile(const double *v, size_t n, double q) {
  double pos = q * (double)(n - 1);
  size_t i = (size_t)pos;
  double frac = pos - (double)i;
  return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}

/* Mean and sd (divisor n) of the finite values of v; NaN if none. */
static uint32_t mean_sd(const double *v, size_t n, double *mean, double *sd) {
  double sum = 0, sq = 0;
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i])) {
      sum += v[i];
      k++;
    }
  *mean = k ? sum / k : (double)NAN;
  for (size_t i = 0; i < n; i++)
    if (isfinite(v[i]))
      sq += (v[i] - *mean) * (v[i] - *mean);
  *sd = k ? sqrt(sq / k) : (double)NAN;
  return k;
}

static int neuron_stats(const lyra_spikes *s, const lyra_analysis_opts *o,
                        lyra_pop_analysis *out) {
  size_t n = s->size;
  double *rate = lyra__malloc(n * 8), *cv = lyra__malloc(n * 8),
         *fano = lyra__malloc(n * 8);
  int rc = rate && cv && fano ? 0 : LYRA_ENOMEM;
  if (!rc)
    rc = lyra_analyze_neurons(s, o, rate, cv, fano);
  if (!rc) {
    double sd;
    mean_sd(rate, n, &out->rate_mean, &out->rate_sd);
    out->cv_neurons = mean_sd(cv, n, &out->cv_mean, &out->cv_sd);
    out->fano_neurons = mean_sd(fano, n, &out->fano_mean, &sd);
    for (size_t k = 0; k < n; k++)
      out->silent += rate[k] == 0;
    qsort(rate, n, sizeof *rate, cmp_double);
    out->rate_min = rate[0];
    out->rate_p05 = quantile(rate, n, 0.05);
    out->rate_median = quantile(rate, n, 0.5);
    out->rate_p95 = quantile(rate, n, 0.95);
    out->rate_max = rate[n - 1];
  }
  free(rate);
  free(cv);
  free(fano);
  return rc;
}

/* ---- synchrony: chi and pairwise correlation ------------------------ */

/* Golomb (2007): chi^2 = var_t(mean_i n_i(t)) / mean_i var_t(n_i(t)), with
 * n_i(t) the counts in corr_bin_ms bins, silent neurons included. */
/* Each neuron's counts in the whole corr_bin_ms bins of the window: sum
 * and sum of squares, computed once for chi and the correlation. */
typedef struct bin_counts {
  double bin;
  uint64_t nbins;
  double *sum, *sq;
} bin_counts;

static int chi_of(const lyra_spikes *s, const lyra__window *w,
                  const bin_counts *bc, double *chi) {
  uint64_t nbins = bc->nbins;
  double bin = bc->bin, *sum = bc->sum, *sq = bc->sq;
  *chi = (double)NAN;
  double *pop = lyra__calloc((size_t)nbins, sizeof *pop);
  int rc = pop ? 0 : LYRA_ENOMEM;
  for (uint64_t i = w->begin; !rc && i < w->end; i++) {
    int64_t b = lyra__bin_of(s->times_ms[i], w->t0, bin);
    if ((uint64_t)b < nbins)
      pop[b] += 1.0 / s->size;
  }
  if (!rc) {
    double var_i = 0, m = 0, v = 0;
    for (uint32_t k = 0; k < s->size; k++) {
      double mk = sum[k] / (double)nbins;
      var_i += sq[k] / (double)nbins - mk * mk;
    }
    var_i /= s->size;
    for (uint64_t b = 0; b < nbins; b++)
      m += pop[b];
    m /= (double)nbins;
    for (uint64_t b = 0; b < nbins; b++)
      v += (pop[b] - m) * (pop[b] - m);
    v /= (double)nbins;
    if (var_i > 0)
      *chi = sqrt(v / var_i);
  }
  free(pop);
  return rc;
}

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* K neurons that fired, drawn without replacement (partial Fisher-Yates
 * seeded by o->seed), into row[] (-1: not sampled); returns K. */
static uint32_t sample_neurons(const lyra_spikes *s, const double *count,
                               uint32_t want, uint64_t seed, int32_t *row,
                               uint32_t *pick) {
  uint32_t active = 0;
  for (uint32_t k = 0; k < s->size; k++) {
    row[k] = -1;
    if (count[k] > 0)
      pick[active++] = k;
  }
  uint32_t kk = want < active ? want : active;
  uint64_t state = seed;
  for (uint32_t i = 0; i < kk; i++) {
    uint32_t j = i + (uint32_t)(splitmix64(&state) % (active - i));
    uint32_t t = pick[i];
    pick[i] = pick[j];
    pick[j] = t;
    row[pick[i]] = (int32_t)i;
  }
  return kk;
}

/* Pearson correlation of rows a and b of counts (nbins each); NaN if
 * either is constant. */
static double pearson(const float *a, const float *b, uint64_t nbins) {
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  for (uint64_t t = 0; t < nbins; t++) {
    ma += (double)a[t];
    mb += (double)b[t];
  }
  ma /= (double)nbins;
  mb /= (double)nbins;
  for (uint64_t t = 0; t < nbins; t++) {
    double x = (double)a[t] - ma, y = (double)b[t] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : (double)NAN;
}

/* Mean correlation over all pairs of the smallest sample of neurons that
 * has at least o->pairs pairs (taken in order until o->pairs). */
static int correlation(const lyra_spikes *s, const lyra_analysis_opts *o,
                       const lyra__window *w, const bin_counts *bc,
                       lyra_pop_analysis *out) {
  uint64_t nbins = bc->nbins;
  uint32_t want = 2;
  while ((uint64_t)want * (want - 1) / 2 < o->pairs && want < 100000)
    want++;
  if (o->pairs == 0)
    return 0;
  int32_t *row = lyra__malloc(s->size * sizeof *row);
  uint32_t *pick = lyra__malloc(s->size * sizeof *pick);
  float *c = NULL;
  int rc = row && pick ? 0 : LYRA_ENOMEM;
  uint32_t kk = rc ? 0 : sample_neurons(s, bc->sum, want, o->seed, row, pick);
  if (!rc && kk >= 2) {
    c = lyra__calloc(lyra__mul_size(kk, (size_t)nbins), sizeof *c);
    rc = c ? 0 : LYRA_ENOMEM;
  }
  for (uint64_t i = w->begin; c && i < w->end; i++) {
    int32_t r = row[s->ids[i] - s->first_id];
    int64_t b = lyra__bin_of(s->times_ms[i], w->t0, o->corr_bin_ms);
    if (r >= 0 && (uint64_t)b < nbins)
      c[(size_t)r * nbins + (size_t)b] += 1;
  }
  double sum = 0;
  uint32_t pairs = 0, tried = 0;
  for (uint32_t a = 0; c && a < kk && tried < o->pairs; a++)
    for (uint32_t b = a + 1; b < kk && tried < o->pairs; b++, tried++) {
      double r = pearson(c + (size_t)a * nbins, c + (size_t)b * nbins, nbins);
      if (isfinite(r)) {
        sum += r;
        pairs++;
      }
    }
  out->corr_pairs = pairs;
  out->corr_mean = pairs ? sum / pairs : (double)NAN;
  free(row);
  free(pick);
  free(c);
  return rc;
}

/* chi and the correlation, from one count of every neuron's spikes in
 * corr_bin_ms bins; both need two whole bins. */
static int synchrony(const lyra_spikes *s, const lyra_analysis_opts *o,
                     const lyra__window *w, lyra_pop_analysis *out) {
  bin_counts bc = {o->corr_bin_ms, lyra__whole_bins(w, o->corr_bin_ms), NULL,
                   NULL};
  if (bc.nbins < 2)
    return 0;
  bc.sum = lyra__malloc(s->size * sizeof *bc.sum);
  bc.sq = lyra__malloc(s->size * sizeof *bc.sq);
  int rc = bc.sum && bc.sq ? 0 : LYRA_ENOMEM;
  if (!rc)
    rc = lyra__count_moments(s, w, bc.bin, bc.nbins, bc.sum, bc.sq);
  if (!rc && !(rc = chi_of(s, w, &bc, &out->chi)))
    rc = correlation(s, o, w, &bc, out);
  free(bc.sum);
  free(bc.sq);
  return rc;
}

/* ---- all together ---------------------------------------------------- */

static void set_undefined(lyra_pop_analysis *out) {
  double nan = (double)NAN;
  out->rate_mean = out->rate_sd = out->rate_min = out->rate_p05 = nan;
  out->rate_median = out->rate_p95 = out->rate_max = nan;
  out->cv_mean = out->cv_sd = out->fano_mean = out->corr_mean = nan;
  out->peak_hz = out->peak_power_share = out->chi = nan;
}

int lyra_analyze(const lyra_spikes *s, const lyra_analysis_opts *o,
                 lyra_pop_analysis *out, char *err, size_t errlen) {
  lyra__window w;
  if (!s || !o || !out)
    return lyra__errf_n(err, errlen, LYRA_EINVAL, "no spikes or options");
  memset(out, 0, sizeof *out);
  set_undefined(out);
  memcpy(out->population, s->population, sizeof out->population);
  out->size = s->size;
  out->size_inferred = s->size_inferred;
  int rc = lyra__analysis_window(s, o, &w, err, errlen);
  if (rc || (rc = check_opts(s, o, err, errlen)))
    return rc;
  out->t_start_ms = w.t0;
  out->t_stop_ms = w.t1;
  out->spikes = w.end - w.begin;
  if (s->size == 0)
    return 0; /* nothing known about the population: all undefined */
  if ((rc = neuron_stats(s, o, out)) || (rc = spectrum_peak(s, o, out)) ||
      (rc = synchrony(s, o, &w, out)))
    return lyra__errf_n(err, errlen, rc, "%s: %s", s->population,
                        lyra_strerror(rc));
  return 0;
}
