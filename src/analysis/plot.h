/*
 * Internal interface of the figures (src/analysis/figure.c: surface,
 * text, axes, legend; src/analysis/plot.c: the figures themselves).
 *
 * Every figure has the same frame: a title band at the top, a legend
 * column at the right and panels in between. Sizes below are for a
 * 1200 x 800 figure and scale with min(width / 1200, height / 800), so a
 * larger figure is the same figure, bigger. The layout depends on the
 * figure's size only, never on its data, so that tests can compute where
 * a spike must appear.
 */
#ifndef LYRA_PLOT_H
#define LYRA_PLOT_H

#include "lyra_internal.h"

#include <cairo.h>

/* Frame, in units of the scale. */
#define LYRA__PLOT_TOP 50.0          /* title band */
#define LYRA__PLOT_BOTTOM 62.0       /* x tick labels and the x axis label */
#define LYRA__PLOT_LEFT 92.0         /* y tick labels and the y axis label */
#define LYRA__PLOT_LEGEND 200.0      /* legend column, at the right */
#define LYRA__PLOT_GAP 24.0          /* between the last panel and the legend */
#define LYRA__PLOT_PANEL_GAP 16.0    /* raster above rate: no labels between */
#define LYRA__PLOT_RASTER_SHARE 0.68 /* of the height of both panels */

/* Text sizes, in units of the scale. */
#define LYRA__PLOT_FONT_TITLE 20.0
#define LYRA__PLOT_FONT_LABEL 15.0
#define LYRA__PLOT_FONT_TICK 13.0
#define LYRA__PLOT_FONT_LEGEND 14.0
#define LYRA__PLOT_FONT_NOTE 12.0

typedef struct lyra__rect {
  double x, y, w, h; /* top-left corner and size, in pixels (points) */
} lyra__rect;

/* Scale of a figure of width x height. */
double lyra__plot_scale(double width, double height);
/* The box around the data areas of the panels (their axes' values and
 * labels lie outside it, in the margins), and the legend column. */
void lyra__plot_frame(double width, double height, lyra__rect *body,
                      lyra__rect *legend);
/* Data areas (inside the axes) of each figure. */
void lyra__raster_layout(double width, double height, lyra__rect *raster,
                         lyra__rect *rate);
void lyra__hist_layout(double width, double height, lyra__rect *left,
                       lyra__rect *right);
void lyra__trace_layout(double width, double height, lyra__rect *panel);

/* Where value v of an axis running from lo to hi lies in r. */
static inline double lyra__x_of(const lyra__rect *r, double v, double lo,
                                double hi) {
  return r->x + r->w * (v - lo) / (hi - lo);
}
static inline double lyra__y_of(const lyra__rect *r, double v, double lo,
                                double hi) {
  return r->y + r->h * (1.0 - (v - lo) / (hi - lo));
}
/* Centre of raster row `row` of `rows`; row 0 is at the bottom, so that
 * ids grow upwards as in NEST's raster plots. */
static inline double lyra__row_y(const lyra__rect *r, double row, double rows) {
  return lyra__y_of(r, row + 0.5, 0.0, rows);
}

/* ---- figure.c: one figure being drawn -------------------------------- */

typedef struct lyra__fig {
  cairo_surface_t *surface;
  cairo_t *cr;
  int format; /* LYRA__FIG_PNG, _SVG, _PDF */
  double w, h, scale;
  char *path, *tmp_path; /* final name, and NAME.partial while drawing */
  void *file;            /* FILE * of tmp_path */
} lyra__fig;

enum { LYRA__FIG_PNG, LYRA__FIG_SVG, LYRA__FIG_PDF };

/* Draws a figure: draw(f, data) draws it, returning 0 or LYRA_ENOMEM. */
typedef int (*lyra__draw_fn)(const lyra__fig *f, const void *data);
/* Draws a width x height figure into path, in the format its extension
 * names, on a white background: into path.partial, renamed to path when
 * complete and removed on failure. A failure of draw is reported as
 * "path: out of memory". */
int lyra__fig_draw(const char *path, int width, int height, lyra__draw_fn draw,
                   const void *data, char *err, size_t errlen);

/* Colour k of the palette (cycling), at opacity alpha. */
void lyra__fig_colour(const lyra__fig *f, size_t k, double alpha);
/* Text with its anchor at (x, y): ax 0 / 0.5 / 1 puts the left edge,
 * centre or right edge there, ay 0 / 0.5 / 1 the top, middle or bottom of
 * the line. size in units of the scale; angle 0 or -pi/2 (upwards). */
void lyra__fig_text(const lyra__fig *f, double x, double y, double ax,
                    double ay, double size, double angle, const char *text);
/* Width of text at size, in pixels. */
double lyra__fig_text_width(const lyra__fig *f, double size, const char *text);
/* Copies text into out, cut with an ellipsis to fit max_w pixels. */
void lyra__fig_fit_text(const lyra__fig *f, double size, const char *text,
                        double max_w, char *out, size_t cap);
/* The title, centred in the title band. */
void lyra__fig_title(const lyra__fig *f, const char *title);
/* A grey note centred in r (skipped where r is too small for it). */
void lyra__fig_note(const lyra__fig *f, const lyra__rect *r, const char *note);

/* One axis of a panel. */
typedef struct lyra__axis {
  double lo, hi;     /* values at the panel's edges */
  const char *label; /* with the unit, e.g. "time (ms)"; NULL: none */
  int ticks;         /* 0: none, 1: ticks, 2: ticks with values */
} lyra__axis;

/* Axis lines, ticks at 1-2-5 steps, values and labels around data area
 * r. */
void lyra__fig_axes(const lyra__fig *f, const lyra__rect *r,
                    const lyra__axis *x, const lyra__axis *y);
/* A 1-2-5 step giving about `want` steps over range. */
double lyra__nice_step(double range, int want);
/* hi rounded up to a whole step of a 1-2-5 scale from 0 with about want
 * steps (1 if hi is not positive). */
double lyra__nice_top(double hi, int want);

/* An entry of the legend: a swatch (a square, or a line for traces) in
 * palette colour `colour`, the name and, beneath, a detail line. */
typedef struct lyra__legend_entry {
  size_t colour;
  const char *name;
  const char *detail; /* NULL or "": none */
} lyra__legend_entry;

/* The legend in the legend column; entries that do not fit are counted
 * in a last line "+ N more". */
void lyra__fig_legend(const lyra__fig *f, const lyra__legend_entry *e, size_t n,
                      int line_swatch);

#endif
