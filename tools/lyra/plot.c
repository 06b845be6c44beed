/*
 * lyra run --plot: a raster of the recorded spikes with the population
 * rate histogram beneath (the figure every NEST example shows), as SVG.
 * Reads the native spike files the run wrote, through the public API.
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  W = 900,
  LEFT = 70,
  RIGHT = 20,
  TOP = 40,
  RASTER_H = 380,
  GAP = 50,
  HIST_H = 150,
  BOTTOM = 50
};
#define MAX_SHOWN 100 /* neurons shown per population */

static const char *const colours[] = {"#1f77b4", "#d62728", "#2ca02c",
                                      "#ff7f0e", "#9467bd", "#8c564b",
                                      "#e377c2", "#17becf"};

/* A "nice" tick step for a range (1, 2 or 5 times a power of ten). */
static double tick_step(double range, int want) {
  double raw = range / want, p = pow(10.0, floor(log10(raw)));
  double m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void axis_x(FILE *f, double y0, double t_ms) {
  double step = tick_step(t_ms, 8), plot_w = W - LEFT - RIGHT;
  fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='black'/>\n",
          LEFT, y0, W - RIGHT, y0);
  for (double t = 0; t <= t_ms * 1.0001; t += step) {
    double x = LEFT + plot_w * t / t_ms;
    fprintf(f,
            "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='black'/>"
            "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%g"
            "</text>\n",
            x, y0, x, y0 + 4, x, y0 + 16, t);
  }
}

static void axis_y(FILE *f, double top, double height, double max,
                   const char *label) {
  double step = tick_step(max, 4);
  fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='black'/>\n",
          LEFT, top, LEFT, top + height);
  for (double v = 0; v <= max * 1.0001; v += step) {
    double y = top + height - height * v / max;
    fprintf(
        f,
        "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='black'/>"
        "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%g</text>\n",
        LEFT - 4, y, LEFT, y, LEFT - 7, y + 4, v);
  }
  fprintf(f,
          "<text transform='translate(18,%.1f) rotate(-90)' font-size='12' "
          "text-anchor='middle'>%s</text>\n",
          top + height / 2, label);
}

typedef struct pops {
  lyra_spikes *s[16];
  int n;
  uint32_t shown_total;
} pops;

static void draw_raster(FILE *f, const pops *p, double t_ms) {
  double plot_w = W - LEFT - RIGHT, row = 0;
  for (int k = 0; k < p->n; k++) {
    const lyra_spikes *s = p->s[k];
    uint32_t shown = s->size < MAX_SHOWN ? s->size : MAX_SHOWN;
    fprintf(f, "<g fill='%s'>\n", colours[k % 8]);
    for (uint64_t i = 0; i < s->n; i++) {
      uint32_t local = s->ids[i] - s->first_id;
      double t = s->steps[i] * s->dt_ms;
      if (local >= shown || t > t_ms)
        continue;
      double y = TOP + RASTER_H * (1.0 - (row + local + 0.5) / p->shown_total);
      fprintf(f, "<rect x='%.1f' y='%.1f' width='1.2' height='1.6'/>\n",
              LEFT + plot_w * t / t_ms - 0.6, y - 0.8);
    }
    fputs("</g>\n", f);
    row += shown;
  }
}

static void draw_hist(FILE *f, const pops *p, double t_ms) {
  enum { BINS = 200 };
  double rate[16][BINS] = {{0}}, max = 1e-9, bin = t_ms / BINS;
  double plot_w = W - LEFT - RIGHT, top = TOP + RASTER_H + GAP;
  for (int k = 0; k < p->n; k++) {
    const lyra_spikes *s = p->s[k];
    for (uint64_t i = 0; i < s->n; i++) {
      int b = (int)(s->steps[i] * s->dt_ms / bin);
      if (b >= 0 && b < BINS)
        rate[k][b] += 1e3 / (bin * s->size);
    }
    for (int b = 0; b < BINS; b++)
      max = rate[k][b] > max ? rate[k][b] : max;
  }
  for (int k = 0; k < p->n; k++) {
    fprintf(f,
            "<polyline fill='none' stroke='%s' stroke-width='1.2' "
            "points='",
            colours[k % 8]);
    for (int b = 0; b < BINS; b++)
      fprintf(f, "%.1f,%.1f ", LEFT + plot_w * (b + 0.5) / BINS,
              top + HIST_H - HIST_H * rate[k][b] / max);
    fputs("'/>\n", f);
  }
  axis_y(f, top, HIST_H, max, "rate (Hz)");
  axis_x(f, top + HIST_H, t_ms);
}

static void draw_legend(FILE *f, const pops *p) {
  for (int k = 0; k < p->n; k++)
    fprintf(f,
            "<rect x='%d' y='14' width='10' height='10' fill='%s'/>"
            "<text x='%d' y='23' font-size='12'>%s (%s, %u neurons)</text>\n",
            LEFT + 220 * k, colours[k % 8], LEFT + 220 * k + 14,
            p->s[k]->population, p->s[k]->model, p->s[k]->size);
}

static int write_svg(FILE *f, const pops *p, double t_ms) {
  int h = TOP + RASTER_H + GAP + HIST_H + BOTTOM;
  fprintf(f,
          "<?xml version='1.0' encoding='UTF-8'?>\n"
          "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
          "font-family='sans-serif'>\n<rect width='100%%' height='100%%' "
          "fill='white'/>\n",
          W, h);
  draw_legend(f, p);
  draw_raster(f, p, t_ms);
  char label[64];
  snprintf(label, sizeof label, "neuron (first %d per population)", MAX_SHOWN);
  axis_y(f, TOP, RASTER_H, p->shown_total, label);
  draw_hist(f, p, t_ms);
  fprintf(f,
          "<text x='%.1f' y='%d' font-size='12' text-anchor='middle'>time "
          "(ms)</text>\n</svg>\n",
          LEFT + (W - LEFT - RIGHT) / 2.0, h - 10);
  return ferror(f) ? -1 : 0;
}

int cli_plot_raster(lyra_network *net, char *path, size_t pathlen) {
  lyra_network_info in;
  pops p = {0};
  char file[4096], err[1024];
  lyra_network_get_info(net, &in);
  for (int i = 0; i < lyra_network_population_count(net) && p.n < 16; i++) {
    lyra_pop_stats st;
    lyra_network_population_stats(net, i, &st);
    snprintf(file, sizeof file, "%s/%s.spikes.lyspk", in.output_dir, st.name);
    if (lyra_spikes_read(file, &p.s[p.n], err, sizeof err) == 0) {
      p.shown_total += p.s[p.n]->size < MAX_SHOWN ? p.s[p.n]->size : MAX_SHOWN;
      p.n++;
    }
  }
  int rc = -1;
  if (p.n > 0 && in.t_ms > 0) {
    char tmp[4200];
    snprintf(path, pathlen, "%s/raster.svg", in.output_dir);
    snprintf(tmp, sizeof tmp, "%s.partial", path);
    FILE *f = fopen(tmp, "w");
    if (f) {
      rc = write_svg(f, &p, in.t_ms);
      rc |= fclose(f);
      rc = rc ? (remove(tmp), -1) : rename(tmp, path);
    }
  }
  for (int k = 0; k < p.n; k++)
    lyra_spikes_free(p.s[k]);
  return rc;
}
