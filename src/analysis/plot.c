/*
 * The figures: the spike raster above the population rate (the figure
 * every NEST example shows), histograms of the neurons' firing rates and
 * CVs, and traces of a recorded state variable. The surface, text, axes
 * and legend they share are in figure.c; their layout is in plot.h.
 */
#include "analysis/plot.h"
#include "analysis/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RATE_BINS 1000000
#define HIST_BINS 30
/* Spikes per cairo path: one path of every spike of a large raster would
 * hold them all in memory at once. */
#define DOTS_PER_FILL 4096

void lyra_plot_defaults(lyra_plot_opts *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->width = 1200;
  o->height = 800;
  o->max_neurons = 100;
  o->max_traces = 10;
}

/* The options to use (o, or the defaults for NULL), checked. */
static int plot_options(const lyra_plot_opts *o, lyra_plot_opts *out,
                        const char *path, char *err, size_t errlen) {
  if (o)
    *out = *o;
  else
    lyra_plot_defaults(out);
  if (!path || !path[0])
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "no file name for the "
                        "figure");
  if (out->width < 400 || out->width > 16000 || out->height < 300 ||
      out->height > 16000)
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: figure size %d x %d out of range (width 400 "
                        "to 16000, height 300 to 16000)",
                        path, out->width, out->height);
  if (!(out->t_start_ms >= 0 && out->t_start_ms < 1e15) ||
      !(out->t_stop_ms >= 0 && out->t_stop_ms < 1e15))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: time window start %g ms and stop %g ms must be "
                        "0 or more",
                        path, out->t_start_ms, out->t_stop_ms);
  if (!(out->bin_ms >= 0 && out->bin_ms < 1e15))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: bin width %g ms must be positive (0: chosen "
                        "from the window)",
                        path, out->bin_ms);
  if (out->max_neurons < 1 || out->max_traces < 1)
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: max_neurons and max_traces must be at least 1",
                        path);
  return 0;
}

static int empty_window(const char *path, double t0, double t1, char *err,
                        size_t errlen) {
  return lyra__errf_n(err, errlen, LYRA_EINVAL,
                      "%s: empty time window (%g, %g] ms", path, t0, t1);
}

/* ---- spike figures: what the raster and the histograms share -------- */

typedef struct spike_fig {
  lyra_spikes *const *pops;
  size_t n;
  lyra_plot_opts o;
  double t0, t1; /* the window (t0, t1] */
  const char *path;
} spike_fig;

/* The window's end: asked for, else the end of the recording, else the
 * last spike. */
static int spike_window(spike_fig *sf, char *err, size_t errlen) {
  double stop = 0, last = 0;
  for (size_t k = 0; k < sf->n; k++) {
    const lyra_spikes *s = sf->pops[k];
    stop = fmax(stop, s->t_stop_ms);
    if (s->n)
      last = fmax(last, s->times_ms[s->n - 1]);
  }
  sf->t0 = sf->o.t_start_ms;
  sf->t1 = sf->o.t_stop_ms > 0 ? sf->o.t_stop_ms : stop > 0 ? stop : last;
  if (!(sf->t1 > 0))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: no spikes and no end time: give the window's "
                        "end (t_stop_ms)",
                        sf->path);
  return sf->t1 > sf->t0 ? 0
                         : empty_window(sf->path, sf->t0, sf->t1, err, errlen);
}

static int spike_fig_init(spike_fig *sf, lyra_spikes *const *pops, size_t n,
                          const lyra_plot_opts *o, const char *path, char *err,
                          size_t errlen) {
  int rc = plot_options(o, &sf->o, path, err, errlen);
  if (rc)
    return rc;
  if (!pops || n == 0)
    return lyra__errf_n(err, errlen, LYRA_EINVAL, "%s: no populations to plot",
                        path);
  for (size_t k = 0; k < n; k++)
    if (!pops[k])
      return lyra__errf_n(err, errlen, LYRA_EINVAL,
                          "%s: population %zu is missing (NULL)", path, k);
  sf->pops = pops;
  sf->n = n;
  sf->path = path;
  return spike_window(sf, err, errlen);
}

/* The spikes of s in the figure's window. */
static lyra__window pop_window(const spike_fig *sf, const lyra_spikes *s) {
  lyra_analysis_opts a;
  lyra__window w;
  lyra_analysis_defaults(&a);
  a.t_start_ms = sf->t0;
  a.t_stop_ms = sf->t1;
  if (lyra__analysis_window(s, &a, &w, NULL, 0))
    w.begin = w.end = 0;
  return w;
}

static int has_spikes(const spike_fig *sf, const lyra_spikes *s) {
  lyra__window w = pop_window(sf, s);
  return w.end > w.begin;
}

/* One legend entry per population: name, size, and whether it fired. */
static int population_legend(const lyra__fig *f, const spike_fig *sf) {
  lyra__legend_entry *e = lyra__malloc(sf->n * sizeof *e);
  char(*detail)[64] = lyra__malloc(sf->n * sizeof *detail);
  if (!e || !detail) {
    free(e);
    free(detail);
    return LYRA_ENOMEM;
  }
  for (size_t k = 0; k < sf->n; k++) {
    const lyra_spikes *s = sf->pops[k];
    snprintf(detail[k], sizeof detail[k], "%u neurons%s%s", s->size,
             s->size_inferred ? " seen" : "",
             has_spikes(sf, s) ? "" : ", no spikes");
    e[k] = (lyra__legend_entry){k, s->population, detail[k]};
  }
  lyra__fig_legend(f, e, sf->n, 0);
  free(e);
  free(detail);
  return 0;
}

/* A step line over bins [lo + b width, lo + (b + 1) width), the last one
 * cut at x->hi, of heights v[b], in r; closed down to 0 for a fill. */
static void stairs_path(cairo_t *cr, const lyra__rect *r, const double *v,
                        size_t n, double lo, double width, const lyra__axis *x,
                        const lyra__axis *y, int closed) {
  double base = lyra__y_of(r, 0, y->lo, y->hi);
  cairo_new_path(cr);
  if (closed)
    cairo_move_to(cr, lyra__x_of(r, lo, x->lo, x->hi), base);
  for (size_t b = 0; b < n; b++) {
    double a = lo + (double)b * width, e = fmin(a + width, x->hi);
    double py = lyra__y_of(r, v[b], y->lo, y->hi);
    if (b == 0 && !closed)
      cairo_move_to(cr, lyra__x_of(r, a, x->lo, x->hi), py);
    else
      cairo_line_to(cr, lyra__x_of(r, a, x->lo, x->hi), py);
    cairo_line_to(cr, lyra__x_of(r, e, x->lo, x->hi), py);
  }
  if (closed) {
    double e = fmin(lo + (double)n * width, x->hi);
    cairo_line_to(cr, lyra__x_of(r, e, x->lo, x->hi), base);
    cairo_close_path(cr);
  }
}

/* ---- raster ----------------------------------------------------------- */

/* Rows of population s in the raster: its first max neurons (at least
 * one row, so that an empty population still has a band for its note). */
static uint32_t rows_of(const lyra_spikes *s, uint32_t max) {
  uint32_t rows = s->size < max ? s->size : max;
  return rows ? rows : 1;
}

/* The rate bin: asked for, else a 1-2-5 width of about 200 bins, a whole
 * number of time steps where the step is known. */
static double rate_bin(const spike_fig *sf) {
  double bin = sf->o.bin_ms, dt = sf->pops[0]->dt_ms;
  if (bin > 0)
    return bin;
  bin = lyra__nice_step(sf->t1 - sf->t0, 200);
  return dt > 0 ? fmax(1, round(bin / dt)) * dt : bin;
}

/* Population rate of s in Hz in bins of bin from t0, the last one cut at
 * t1 (a spike on a bin's right edge belongs to it, as in the analysis). */
static void population_rate(const spike_fig *sf, const lyra_spikes *s,
                            double bin, size_t nbins, double *rate) {
  lyra__window w = pop_window(sf, s);
  memset(rate, 0, nbins * sizeof *rate);
  for (uint64_t i = w.begin; i < w.end; i++) {
    int64_t b = lyra__bin_of(s->times_ms[i], sf->t0, bin);
    if (b < (int64_t)nbins)
      rate[b] += 1;
  }
  for (size_t b = 0; b < nbins && s->size; b++) {
    double a = sf->t0 + (double)b * bin, width = fmin(a + bin, sf->t1) - a;
    rate[b] = width > 0 ? rate[b] * 1e3 / (width * s->size) : 0;
  }
}

/* The spikes of the first rows neurons of population k, as short ticks,
 * in rows row0 .. row0 + rows of all_rows. */
static void raster_dots(const lyra__fig *f, const lyra__rect *r,
                        const spike_fig *sf, size_t k, double row0,
                        double all_rows) {
  const lyra_spikes *s = sf->pops[k];
  lyra__window w = pop_window(sf, s);
  uint32_t rows = rows_of(s, sf->o.max_neurons);
  double mw = fmax(1, round(2 * f->scale));
  double mh = fmax(1, round(fmin(0.8 * r->h / all_rows, 7 * f->scale)));
  int pending = 0;
  lyra__fig_colour(f, k, 1);
  for (uint64_t i = w.begin; i < w.end; i++) {
    uint32_t local = s->ids[i] - s->first_id;
    if (local >= rows)
      continue;
    double x = lyra__x_of(r, s->times_ms[i], sf->t0, sf->t1);
    double y = lyra__row_y(r, row0 + local, all_rows);
    /* On whole pixels: crisp ticks, and a PNG a third the size of one
     * with every tick smoothed over its neighbours. */
    cairo_rectangle(f->cr, round(x - mw / 2), round(y - mh / 2), mw, mh);
    if (++pending == DOTS_PER_FILL) {
      cairo_fill(f->cr);
      pending = 0;
    }
  }
  cairo_fill(f->cr);
}

/* The population's name beside its band, in its colour; a line between
 * bands; "no spikes" inside an empty one. */
static void raster_band(const lyra__fig *f, const lyra__rect *r,
                        const lyra__rect *band, const spike_fig *sf, size_t k) {
  double s = f->scale;
  char name[128];
  if (!has_spikes(sf, sf->pops[k]))
    lyra__fig_note(f, band, "no spikes");
  if (k > 0) {
    cairo_set_source_rgb(f->cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(f->cr, 1 * s);
    cairo_move_to(f->cr, r->x, band->y + band->h);
    cairo_line_to(f->cr, r->x + r->w, band->y + band->h);
    cairo_stroke(f->cr);
  }
  if (band->h < LYRA__PLOT_FONT_TICK * s)
    return; /* too many populations to name each */
  lyra__fig_fit_text(f, LYRA__PLOT_FONT_TICK, sf->pops[k]->population,
                     (LYRA__PLOT_LEFT - 34) * s, name, sizeof name);
  lyra__fig_colour(f, k, 1);
  lyra__fig_text(f, r->x - 8 * s, band->y + band->h / 2, 1, 0.5,
                 LYRA__PLOT_FONT_TICK, 0, name);
}

static void raster_panel(const lyra__fig *f, const lyra__rect *r,
                         const spike_fig *sf) {
  double all = 0, row0 = 0;
  int cut = 0;
  for (size_t k = 0; k < sf->n; k++) {
    all += rows_of(sf->pops[k], sf->o.max_neurons);
    cut |= sf->pops[k]->size > sf->o.max_neurons;
  }
  cairo_save(f->cr);
  cairo_rectangle(f->cr, r->x, r->y, r->w, r->h);
  cairo_clip(f->cr);
  for (size_t k = 0; k < sf->n; k++) {
    raster_dots(f, r, sf, k, row0, all);
    row0 += rows_of(sf->pops[k], sf->o.max_neurons);
  }
  cairo_restore(f->cr);
  row0 = 0;
  for (size_t k = 0; k < sf->n; k++) {
    double rows = rows_of(sf->pops[k], sf->o.max_neurons);
    lyra__rect band = {r->x, lyra__y_of(r, row0 + rows, 0, all), r->w,
                       r->h * rows / all};
    raster_band(f, r, &band, sf, k);
    row0 += rows;
  }
  char label[96];
  if (cut)
    snprintf(label, sizeof label, "neurons (first %u per population)",
             sf->o.max_neurons);
  else
    snprintf(label, sizeof label, "neurons");
  lyra__axis x = {sf->t0, sf->t1, NULL, 1}, y = {0, all, label, 0};
  lyra__fig_axes(f, r, &x, &y);
}

static void rate_panel(const lyra__fig *f, const lyra__rect *r,
                       const spike_fig *sf, const double *rate, double bin,
                       size_t nbins) {
  double top = 0;
  for (size_t i = 0; i < sf->n * nbins; i++)
    top = fmax(top, rate[i]);
  char label[96];
  snprintf(label, sizeof label, "rate (Hz, %g ms bins)", bin);
  lyra__axis x = {sf->t0, sf->t1, "time (ms)", 2};
  lyra__axis y = {0, lyra__nice_top(top * 1.05, 4), label, 2};
  cairo_save(f->cr);
  cairo_rectangle(f->cr, r->x, r->y, r->w, r->h);
  cairo_clip(f->cr);
  cairo_set_line_width(f->cr, 1.5 * f->scale);
  cairo_set_line_join(f->cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t k = 0; k < sf->n; k++) {
    if (!sf->pops[k]->size)
      continue; /* no neurons: no rate */
    stairs_path(f->cr, r, rate + k * nbins, nbins, sf->t0, bin, &x, &y, 0);
    lyra__fig_colour(f, k, 1);
    cairo_stroke(f->cr);
  }
  cairo_restore(f->cr);
  lyra__fig_axes(f, r, &x, &y);
}

static void title_or(const lyra__fig *f, const lyra_plot_opts *o,
                     const char *made) {
  lyra__fig_title(f, o->title && o->title[0] ? o->title : made);
}

/* The population rates of the raster figure: nbins bins of bin. */
typedef struct raster_fig {
  const spike_fig *sf;
  double bin;
  size_t nbins;
  double *rate; /* [n * nbins] */
} raster_fig;

static int draw_raster(const lyra__fig *f, const void *data) {
  const raster_fig *rf = data;
  const spike_fig *sf = rf->sf;
  lyra__rect raster, rp;
  char title[128];
  lyra__raster_layout(f->w, f->h, &raster, &rp);
  snprintf(title, sizeof title,
           "Spike raster and population rate, %g\u2013%g ms", sf->t0, sf->t1);
  title_or(f, &sf->o, title);
  raster_panel(f, &raster, sf);
  rate_panel(f, &rp, sf, rf->rate, rf->bin, rf->nbins);
  return population_legend(f, sf);
}

/* The raster figure of checked input: the rates, then the drawing. */
static int plot_raster(const spike_fig *sf, char *err, size_t errlen) {
  raster_fig rf = {sf, rate_bin(sf), 0, NULL};
  double nb = ceil((sf->t1 - sf->t0) / rf.bin - 1e-9);
  if (!(nb <= MAX_RATE_BINS))
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: %g ms bins over %g ms are too many (at most "
                        "%d)",
                        sf->path, rf.bin, sf->t1 - sf->t0, MAX_RATE_BINS);
  rf.nbins = nb > 1 ? (size_t)nb : 1;
  rf.rate = lyra__malloc(lyra__mul_size(sf->n * rf.nbins, sizeof *rf.rate));
  if (!rf.rate)
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: out of memory",
                        sf->path);
  for (size_t k = 0; k < sf->n; k++)
    population_rate(sf, sf->pops[k], rf.bin, rf.nbins, rf.rate + k * rf.nbins);
  int rc = lyra__fig_draw(sf->path, sf->o.width, sf->o.height, draw_raster, &rf,
                          err, errlen);
  free(rf.rate);
  return rc;
}

/* ---- histograms of rates and CVs ------------------------------------ */

/* Per-neuron rate (Hz) and CV (NaN where undefined) of each population. */
typedef struct neuron_stats {
  double *rate, *cv;
} neuron_stats;

static void stats_free(neuron_stats *st, size_t n) {
  for (size_t k = 0; st && k < n; k++) {
    free(st[k].rate);
    free(st[k].cv);
  }
  free(st);
}

static int stats_collect(const spike_fig *sf, neuron_stats *st, char *err,
                         size_t errlen) {
  lyra_analysis_opts a;
  lyra_analysis_defaults(&a);
  a.t_start_ms = sf->t0;
  a.t_stop_ms = sf->t1;
  for (size_t k = 0; k < sf->n; k++) {
    const lyra_spikes *s = sf->pops[k];
    if (!s->size)
      continue;
    st[k].rate = lyra__malloc(s->size * sizeof *st[k].rate);
    st[k].cv = lyra__malloc(s->size * sizeof *st[k].cv);
    int rc = st[k].rate && st[k].cv ? 0 : LYRA_ENOMEM;
    if (!rc)
      rc = lyra_analyze_neurons(s, &a, st[k].rate, st[k].cv, NULL);
    if (rc)
      return lyra__errf_n(err, errlen, rc, "%s: %s: %s", sf->path,
                          s->population, lyra_strerror(rc));
  }
  return 0;
}

/* One histogram panel: of rates (cv 0) or CVs (cv 1), per population as
 * a percentage of its neurons that have a value. */
typedef struct hist_panel {
  int cv;
  const char *xlabel, *ylabel, *empty_note;
} hist_panel;

/* Bins of a histogram: nb of width from lo. */
typedef struct hist_bins {
  double lo, width;
  size_t nb;
} hist_bins;

/* Bins spanning every population's values, about HIST_BINS of them, of
 * a 1-2-5 width; *count says how many values there are. Rates are whole
 * numbers of spikes per window, multiples of a quantum: their bins are a
 * whole number of quanta wide and centred on them, or every other bin
 * would be empty where the 1-2-5 width is not such a multiple. */
static hist_bins hist_range(const spike_fig *sf, const neuron_stats *st, int cv,
                            size_t *count) {
  double quantum = cv ? 0 : 1e3 / (sf->t1 - sf->t0);
  double lo = (double)INFINITY, hi = -(double)INFINITY;
  *count = 0;
  for (size_t k = 0; k < sf->n; k++)
    for (uint32_t i = 0; st[k].rate && i < sf->pops[k]->size; i++) {
      double v = cv ? st[k].cv[i] : st[k].rate[i];
      if (isfinite(v)) {
        lo = fmin(lo, v);
        hi = fmax(hi, v);
        ++*count;
      }
    }
  if (!*count)
    lo = hi = 0;
  hist_bins b;
  b.width = lyra__nice_step(hi > lo ? hi - lo : fmax(hi, 1), HIST_BINS);
  b.lo = floor(lo / b.width) * b.width;
  if (quantum > 0) {
    b.width = fmax(1, round(b.width / quantum)) * quantum;
    b.lo = lo - quantum / 2;
  }
  b.nb = (size_t)floor((hi - b.lo) / b.width) + 1;
  return b;
}

/* Percentage of population k's values in each bin. */
static void hist_fill(const spike_fig *sf, const neuron_stats *st, size_t k,
                      int cv, const hist_bins *bins, double *pct) {
  size_t m = 0;
  memset(pct, 0, bins->nb * sizeof *pct);
  for (uint32_t i = 0; st[k].rate && i < sf->pops[k]->size; i++) {
    double v = cv ? st[k].cv[i] : st[k].rate[i];
    if (!isfinite(v))
      continue;
    size_t b = (size_t)fmax(0, floor((v - bins->lo) / bins->width));
    pct[b < bins->nb ? b : bins->nb - 1] += 1;
    m++;
  }
  for (size_t b = 0; b < bins->nb && m; b++)
    pct[b] *= 100.0 / (double)m;
}

static int draw_hist(const lyra__fig *f, const lyra__rect *r,
                     const spike_fig *sf, const neuron_stats *st,
                     const hist_panel *p) {
  size_t count, nb;
  hist_bins bins = hist_range(sf, st, p->cv, &count);
  double *pct = lyra__malloc(lyra__mul_size(sf->n, bins.nb * sizeof *pct));
  double top = 0;
  if (!pct)
    return LYRA_ENOMEM;
  nb = bins.nb;
  for (size_t k = 0; k < sf->n; k++)
    hist_fill(sf, st, k, p->cv, &bins, pct + k * nb);
  for (size_t i = 0; i < sf->n * nb; i++)
    top = fmax(top, pct[i]);
  lyra__axis x = {bins.lo, bins.lo + (double)nb * bins.width, p->xlabel, 2};
  /* A percentage: no scale beyond 100 but for a margin above a full bar. */
  lyra__axis y = {0, fmin(lyra__nice_top(top * 1.05, 5), 105), p->ylabel, 2};
  cairo_save(f->cr);
  cairo_rectangle(f->cr, r->x, r->y, r->w, r->h);
  cairo_clip(f->cr);
  cairo_set_line_width(f->cr, 1.5 * f->scale);
  for (size_t k = 0; k < sf->n; k++) {
    if (!st[k].rate)
      continue;
    stairs_path(f->cr, r, pct + k * nb, nb, bins.lo, bins.width, &x, &y, 1);
    lyra__fig_colour(f, k, 0.15);
    cairo_fill_preserve(f->cr);
    lyra__fig_colour(f, k, 1);
    cairo_stroke(f->cr);
  }
  cairo_restore(f->cr);
  if (!count)
    lyra__fig_note(f, r, p->empty_note);
  lyra__fig_axes(f, r, &x, &y);
  free(pct);
  return 0;
}

typedef struct hist_fig {
  const spike_fig *sf;
  const neuron_stats *st;
} hist_fig;

static int draw_histograms(const lyra__fig *f, const void *data) {
  static const hist_panel rates = {0, "firing rate (Hz)",
                                   "neurons (% of population)", "no neurons"};
  static const hist_panel cvs = {1, "CV of inter-spike intervals",
                                 "neurons (% of those with 3 spikes or more)",
                                 "no neuron with 3 spikes or more"};
  const hist_fig *hf = data;
  lyra__rect left, right;
  char title[128];
  lyra__hist_layout(f->w, f->h, &left, &right);
  snprintf(title, sizeof title,
           "Firing rates and CV of inter-spike intervals, %g\u2013%g ms",
           hf->sf->t0, hf->sf->t1);
  title_or(f, &hf->sf->o, title);
  int rc = draw_hist(f, &left, hf->sf, hf->st, &rates);
  if (!rc)
    rc = draw_hist(f, &right, hf->sf, hf->st, &cvs);
  return rc ? rc : population_legend(f, hf->sf);
}

/* The histograms of checked input: the neurons' statistics, then the
 * drawing. */
static int plot_histograms(const spike_fig *sf, char *err, size_t errlen) {
  neuron_stats *st = lyra__calloc(sf->n, sizeof *st);
  if (!st)
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: out of memory",
                        sf->path);
  hist_fig hf = {sf, st};
  int rc = stats_collect(sf, st, err, errlen);
  if (!rc)
    rc = lyra__fig_draw(sf->path, sf->o.width, sf->o.height, draw_histograms,
                        &hf, err, errlen);
  stats_free(st, sf->n);
  return rc;
}

/* ---- the public entries of the spike figures ------------------------ */

typedef int (*spike_plot_fn)(const spike_fig *sf, char *err, size_t errlen);

/* Checks the input and the options, then has plot draw the figure. */
static int plot_spikes(spike_plot_fn plot, lyra_spikes *const *pops, size_t n,
                       const lyra_plot_opts *o, const char *path, char *err,
                       size_t errlen) {
  spike_fig sf;
  int rc = spike_fig_init(&sf, pops, n, o, path, err, errlen);
  return rc ? rc : plot(&sf, err, errlen);
}

int lyra_plot_raster(lyra_spikes *const *pops, size_t n,
                     const lyra_plot_opts *o, const char *path, char *err,
                     size_t errlen) {
  return plot_spikes(plot_raster, pops, n, o, path, err, errlen);
}

int lyra_plot_histograms(lyra_spikes *const *pops, size_t n,
                         const lyra_plot_opts *o, const char *path, char *err,
                         size_t errlen) {
  return plot_spikes(plot_histograms, pops, n, o, path, err, errlen);
}

/* ---- traces of a state variable -------------------------------------- */

typedef struct trace_fig {
  const lyra_state *s;
  lyra_plot_opts o;
  double t0, t1;
  uint64_t begin, end; /* samples in (t0, t1] */
  uint32_t traces;     /* drawn: the first ones */
} trace_fig;

/* A polyline that keeps, where samples are denser than pixels, only the
 * lowest and highest value of each pixel column: the same picture, and an
 * SVG or PDF of a long recording stays small. */
typedef struct trace_pen {
  cairo_t *cr;
  int down;      /* the next point continues the line */
  double col;    /* pixel column being gathered; NAN: none */
  double lo, hi; /* its lowest and highest y */
} trace_pen;

static void pen_point(trace_pen *p, double x, double y) {
  if (p->down)
    cairo_line_to(p->cr, x, y);
  else
    cairo_move_to(p->cr, x, y);
  p->down = 1;
}

static void pen_flush(trace_pen *p) {
  if (!isnan(p->col)) {
    pen_point(p, p->col, p->lo);
    pen_point(p, p->col, p->hi);
  }
  p->col = (double)NAN;
}

static void trace_line(const lyra__fig *f, const lyra__rect *r,
                       const trace_fig *tf, uint32_t j, const lyra__axis *x,
                       const lyra__axis *y) {
  const lyra_state *s = tf->s;
  int dense = (double)(tf->end - tf->begin) > 2 * r->w;
  trace_pen p = {f->cr, 0, (double)NAN, 0, 0};
  cairo_new_path(f->cr);
  for (uint64_t i = tf->begin; i < tf->end; i++) {
    double v = s->values[i * s->n_neurons + j];
    if (!isfinite(v)) { /* a gap in the line */
      pen_flush(&p);
      p.down = 0;
      continue;
    }
    double px = lyra__x_of(r, s->times_ms[i], x->lo, x->hi);
    double py = lyra__y_of(r, v, y->lo, y->hi);
    if (!dense) {
      pen_point(&p, px, py);
    } else if (floor(px) != p.col) {
      pen_flush(&p);
      p.col = floor(px);
      p.lo = p.hi = py;
    } else {
      p.lo = fmin(p.lo, py);
      p.hi = fmax(p.hi, py);
    }
  }
  pen_flush(&p);
  cairo_stroke(f->cr);
}

/* The value axis: the drawn values' range with a margin of 5%. */
static lyra__axis trace_value_axis(const trace_fig *tf, char *label,
                                   size_t cap) {
  const lyra_state *s = tf->s;
  double lo = (double)INFINITY, hi = -(double)INFINITY;
  for (uint64_t i = tf->begin; i < tf->end; i++)
    for (uint32_t j = 0; j < tf->traces; j++) {
      double v = s->values[i * s->n_neurons + j];
      if (isfinite(v)) {
        lo = fmin(lo, v);
        hi = fmax(hi, v);
      }
    }
  if (!(hi >= lo)) /* nothing to draw */
    lo = 0, hi = 1;
  double pad = hi > lo ? 0.05 * (hi - lo) : fmax(1, fabs(lo) * 0.05);
  if (s->unit[0])
    snprintf(label, cap, "%s (%s)", s->variable, s->unit);
  else
    snprintf(label, cap, "%s", s->variable);
  lyra__axis y = {lo - pad, hi + pad, label, 2};
  return y;
}

static int trace_legend(const lyra__fig *f, const trace_fig *tf) {
  const lyra_state *s = tf->s;
  lyra__legend_entry *e = lyra__malloc(tf->traces * sizeof *e);
  char(*text)[2][96] = lyra__malloc(tf->traces * sizeof *text);
  if (!e || !text) {
    free(e);
    free(text);
    return LYRA_ENOMEM;
  }
  for (uint32_t j = 0; j < tf->traces; j++) {
    snprintf(text[j][0], sizeof text[j][0], "id %u", s->ids[j]);
    snprintf(text[j][1], sizeof text[j][1], "%s neuron %u", s->population,
             s->ids[j] - s->first_id);
    e[j] = (lyra__legend_entry){j, text[j][0], text[j][1]};
  }
  lyra__fig_legend(f, e, tf->traces, 1);
  free(e);
  free(text);
  return 0;
}

static int draw_traces(const lyra__fig *f, const void *data) {
  const trace_fig *tf = data;
  const lyra_state *s = tf->s;
  lyra__rect r;
  char title[256], label[128];
  lyra__trace_layout(f->w, f->h, &r);
  int n = snprintf(title, sizeof title, "%s of population %s", s->variable,
                   s->population);
  if (tf->traces < s->n_neurons)
    snprintf(title + n, sizeof title - (size_t)n,
             " (first %u of %u recorded neurons)", tf->traces, s->n_neurons);
  title_or(f, &tf->o, title);
  lyra__axis x = {tf->t0, tf->t1, "time (ms)", 2};
  lyra__axis y = trace_value_axis(tf, label, sizeof label);
  cairo_save(f->cr);
  cairo_rectangle(f->cr, r.x, r.y, r.w, r.h);
  cairo_clip(f->cr);
  cairo_set_line_width(f->cr, 1.3 * f->scale);
  cairo_set_line_join(f->cr, CAIRO_LINE_JOIN_ROUND);
  for (uint32_t j = 0; j < tf->traces; j++) {
    lyra__fig_colour(f, j, 1);
    trace_line(f, &r, tf, j, &x, &y);
  }
  cairo_restore(f->cr);
  if (tf->end == tf->begin)
    lyra__fig_note(f, &r, "no samples");
  lyra__fig_axes(f, &r, &x, &y);
  return trace_legend(f, tf);
}

/* The window, and the samples in it (times increase). */
static int trace_window(trace_fig *tf, const char *path, char *err,
                        size_t errlen) {
  const lyra_state *s = tf->s;
  tf->t0 = tf->o.t_start_ms;
  tf->t1 = tf->o.t_stop_ms > 0 ? tf->o.t_stop_ms
           : s->n              ? s->times_ms[s->n - 1]
                               : tf->t0 + s->interval_steps * s->dt_ms;
  if (!(tf->t1 > tf->t0))
    return empty_window(path, tf->t0, tf->t1, err, errlen);
  for (tf->begin = 0; tf->begin < s->n && s->times_ms[tf->begin] <= tf->t0;)
    tf->begin++;
  for (tf->end = tf->begin; tf->end < s->n && s->times_ms[tf->end] <= tf->t1;)
    tf->end++;
  tf->traces =
      s->n_neurons < tf->o.max_traces ? s->n_neurons : tf->o.max_traces;
  return 0;
}

int lyra_plot_traces(const lyra_state *s, const lyra_plot_opts *o,
                     const char *path, char *err, size_t errlen) {
  trace_fig tf;
  memset(&tf, 0, sizeof tf);
  tf.s = s;
  int rc = plot_options(o, &tf.o, path, err, errlen);
  if (rc)
    return rc;
  if (!s || !s->n_neurons)
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: no recorded neurons to plot", path);
  if ((rc = trace_window(&tf, path, err, errlen)))
    return rc;
  return lyra__fig_draw(path, tf.o.width, tf.o.height, draw_traces, &tf, err,
                        errlen);
}
