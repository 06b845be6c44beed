/*
 * What every figure shares: the cairo surface chosen by the file name's
 * extension, written under a temporary name; text; axes with 1-2-5
 * ticks; the legend. The figures themselves are in plot.c.
 *
 * All three formats are written through one stream function into a FILE
 * opened at the start, so that an unwritable path fails before anything
 * is drawn, with the system's reason, and every format is completed,
 * checked and renamed the same way.
 */
#include "analysis/plot.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ink for axes and text: near black reads softer than black on white. */
#define INK 0.13
#define NOTE_INK 0.45
/* Text turned to read upwards (M_PI is not in C11's math.h). */
#define UPWARDS (-1.5707963267948966)

double lyra__plot_scale(double width, double height) {
  double s = fmin(width / 1200.0, height / 800.0);
  return s > 0.5 ? s : 0.5; /* smaller text would not be readable */
}

void lyra__plot_frame(double width, double height, lyra__rect *body,
                      lyra__rect *legend) {
  double s = lyra__plot_scale(width, height);
  body->x = LYRA__PLOT_LEFT * s;
  body->y = LYRA__PLOT_TOP * s;
  body->w = width - (LYRA__PLOT_LEFT + LYRA__PLOT_GAP + LYRA__PLOT_LEGEND) * s;
  body->h = height - (LYRA__PLOT_TOP + LYRA__PLOT_BOTTOM) * s;
  legend->x = width - LYRA__PLOT_LEGEND * s;
  legend->y = body->y;
  legend->w = (LYRA__PLOT_LEGEND - 10.0) * s;
  legend->h = body->h;
}

void lyra__raster_layout(double width, double height, lyra__rect *raster,
                         lyra__rect *rate) {
  lyra__rect body, legend;
  lyra__plot_frame(width, height, &body, &legend);
  double gap = LYRA__PLOT_PANEL_GAP * lyra__plot_scale(width, height);
  *raster = body;
  raster->h = (body.h - gap) * LYRA__PLOT_RASTER_SHARE;
  *rate = body;
  rate->y = raster->y + raster->h + gap;
  rate->h = body.h - gap - raster->h;
}

void lyra__hist_layout(double width, double height, lyra__rect *left,
                       lyra__rect *right) {
  lyra__rect body, legend;
  lyra__plot_frame(width, height, &body, &legend);
  /* The right panel's values and label need the left margin again. */
  double gap = LYRA__PLOT_LEFT * lyra__plot_scale(width, height);
  *left = body;
  left->w = (body.w - gap) / 2;
  *right = *left;
  right->x = left->x + left->w + gap;
}

void lyra__trace_layout(double width, double height, lyra__rect *panel) {
  lyra__rect legend;
  lyra__plot_frame(width, height, panel, &legend);
}

/* ---- the file ------------------------------------------------------- */

static int format_of(const char *path) {
  const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash))
    return -1;
  if (strcasecmp(dot, ".png") == 0)
    return LYRA__FIG_PNG;
  if (strcasecmp(dot, ".svg") == 0)
    return LYRA__FIG_SVG;
  if (strcasecmp(dot, ".pdf") == 0)
    return LYRA__FIG_PDF;
  return -1;
}

static cairo_status_t write_stream(void *file, const unsigned char *data,
                                   unsigned int len) {
  return fwrite(data, 1, len, file) == len ? CAIRO_STATUS_SUCCESS
                                           : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_surface_t *create_surface(int format, void *file, int w, int h) {
  switch (format) {
  case LYRA__FIG_SVG:
    return cairo_svg_surface_create_for_stream(write_stream, file, w, h);
  case LYRA__FIG_PDF:
    return cairo_pdf_surface_create_for_stream(write_stream, file, w, h);
  default:
    /* No alpha channel: a smaller PNG, and the background is white. */
    return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  }
}

static int fig_close(lyra__fig *f, int rc, char *err, size_t errlen);

/* Starts a width x height figure in the format path's extension names,
 * with a white background; writes go to path.partial. */
static int fig_open(lyra__fig *f, const char *path, int width, int height,
                    char *err, size_t errlen) {
  memset(f, 0, sizeof *f);
  f->format = format_of(path);
  if (f->format < 0)
    return lyra__errf_n(err, errlen, LYRA_EINVAL,
                        "%s: unknown figure format (the name must end in "
                        ".png, .svg or .pdf)",
                        path);
  f->path = lyra__strdup(path);
  f->tmp_path = lyra__malloc(strlen(path) + sizeof ".partial");
  if (!f->path || !f->tmp_path)
    return fig_close(
        f, lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: out of memory", path),
        NULL, 0);
  sprintf(f->tmp_path, "%s.partial", path);
  if (!(f->file = fopen(f->tmp_path, "wb")))
    return fig_close(f,
                     lyra__errf_n(err, errlen, LYRA_EIO, "%s: cannot write: %s",
                                  path, strerror(errno)),
                     NULL, 0);
  f->surface = create_surface(f->format, f->file, width, height);
  f->cr = cairo_create(f->surface);
  if (cairo_status(f->cr) != CAIRO_STATUS_SUCCESS)
    return fig_close(f,
                     lyra__errf_n(err, errlen, LYRA_ENOMEM,
                                  "%s: cannot draw a %dx%d figure: %s", path,
                                  width, height,
                                  cairo_status_to_string(cairo_status(f->cr))),
                     NULL, 0);
  f->w = width;
  f->h = height;
  f->scale = lyra__plot_scale(width, height);
  cairo_set_source_rgb(f->cr, 1, 1, 1);
  cairo_paint(f->cr);
  cairo_select_font_face(f->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  return 0;
}

/* Completes the surface's output; 0 or the first failure. */
static int finish_surface(lyra__fig *f, char *err, size_t errlen) {
  cairo_status_t st = cairo_status(f->cr);
  if (st)
    return lyra__errf_n(err, errlen, LYRA_ENOMEM, "%s: drawing failed: %s",
                        f->path, cairo_status_to_string(st));
  if (f->format == LYRA__FIG_PNG)
    st = cairo_surface_write_to_png_stream(f->surface, write_stream, f->file);
  cairo_surface_finish(f->surface);
  if (!st)
    st = cairo_surface_status(f->surface);
  if (st)
    return lyra__errf_n(err, errlen, LYRA_EIO, "%s: write failed: %s", f->path,
                        cairo_status_to_string(st));
  return 0;
}

/* Completes the file and renames it to its path; on failure (or with
 * rc != 0, a failure while drawing, passed through) removes it. Returns
 * the first failure. */
static int fig_close(lyra__fig *f, int rc, char *err, size_t errlen) {
  if (!rc && f->cr)
    rc = finish_surface(f, err, errlen);
  cairo_destroy(f->cr);
  cairo_surface_destroy(f->surface);
  if (f->file && fclose(f->file) != 0 && !rc)
    rc = lyra__errf_n(err, errlen, LYRA_EIO, "%s: write failed: %s", f->path,
                      strerror(errno));
  if (!rc && rename(f->tmp_path, f->path) != 0)
    rc = lyra__errf_n(err, errlen, LYRA_EIO, "%s: cannot rename: %s", f->path,
                      strerror(errno));
  if (rc && f->file)
    remove(f->tmp_path);
  free(f->path);
  free(f->tmp_path);
  memset(f, 0, sizeof *f);
  return rc;
}

int lyra__fig_draw(const char *path, int width, int height, lyra__draw_fn draw,
                   const void *data, char *err, size_t errlen) {
  lyra__fig f;
  int rc = fig_open(&f, path, width, height, err, errlen);
  if (rc)
    return rc;
  if ((rc = draw(&f, data)))
    lyra__errf_n(err, errlen, rc, "%s: out of memory", path);
  return fig_close(&f, rc, err, errlen);
}

/* ---- colour and text ------------------------------------------------ */

void lyra__fig_colour(const lyra__fig *f, size_t k, double alpha) {
  /* The old SVG raster's order: blue and red for E and I, as in most
   * papers, then well-separated hues. */
  static const unsigned rgb[] = {0x1f77b4, 0xd62728, 0x2ca02c, 0xff7f0e,
                                 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf,
                                 0x7f7f7f, 0xbcbd22};
  unsigned c = rgb[k % (sizeof rgb / sizeof rgb[0])];
  cairo_set_source_rgba(f->cr, (c >> 16) / 255.0, (c >> 8 & 0xff) / 255.0,
                        (c & 0xff) / 255.0, alpha);
}

static void ink(const lyra__fig *f, double grey) {
  cairo_set_source_rgb(f->cr, grey, grey, grey);
}

void lyra__fig_text(const lyra__fig *f, double x, double y, double ax,
                    double ay, double size, double angle, const char *text) {
  cairo_t *cr = f->cr;
  cairo_text_extents_t te;
  cairo_font_extents_t fe;
  cairo_save(cr);
  cairo_set_font_size(cr, size * f->scale);
  cairo_text_extents(cr, text, &te);
  cairo_font_extents(cr, &fe);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, angle);
  cairo_move_to(cr, -ax * te.x_advance,
                fe.ascent - ay * (fe.ascent + fe.descent));
  cairo_show_text(cr, text);
  cairo_restore(cr);
}

double lyra__fig_text_width(const lyra__fig *f, double size, const char *text) {
  cairo_text_extents_t te;
  cairo_save(f->cr);
  cairo_set_font_size(f->cr, size * f->scale);
  cairo_text_extents(f->cr, text, &te);
  cairo_restore(f->cr);
  return te.x_advance;
}

void lyra__fig_fit_text(const lyra__fig *f, double size, const char *text,
                        double max_w, char *out, size_t cap) {
  size_t n = strlen(text);
  snprintf(out, cap, "%s", text);
  if (lyra__fig_text_width(f, size, out) <= max_w)
    return;
  while (n > 0) {
    n--;
    while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
      n--; /* never cut a UTF-8 sequence */
    snprintf(out, cap, "%.*s\u2026", (int)n, text);
    if (lyra__fig_text_width(f, size, out) <= max_w)
      return;
  }
}

void lyra__fig_title(const lyra__fig *f, const char *title) {
  char fit[512];
  lyra__fig_fit_text(f, LYRA__PLOT_FONT_TITLE, title, f->w - 20 * f->scale, fit,
                     sizeof fit);
  ink(f, INK);
  lyra__fig_text(f, f->w / 2, LYRA__PLOT_TOP * f->scale / 2, 0.5, 0.5,
                 LYRA__PLOT_FONT_TITLE, 0, fit);
}

void lyra__fig_note(const lyra__fig *f, const lyra__rect *r, const char *note) {
  if (r->h < LYRA__PLOT_FONT_NOTE * f->scale ||
      r->w < lyra__fig_text_width(f, LYRA__PLOT_FONT_NOTE, note))
    return;
  ink(f, NOTE_INK);
  lyra__fig_text(f, r->x + r->w / 2, r->y + r->h / 2, 0.5, 0.5,
                 LYRA__PLOT_FONT_NOTE, 0, note);
}

/* ---- axes ------------------------------------------------------------ */

double lyra__nice_step(double range, int want) {
  if (!(range > 0) || !isfinite(range) || want < 1)
    return 1;
  double raw = range / want, p = pow(10.0, floor(log10(raw))), m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

double lyra__nice_top(double hi, int want) {
  if (!(hi > 0) || !isfinite(hi))
    return 1;
  double step = lyra__nice_step(hi, want);
  return ceil(hi / step - 1e-9) * step;
}

/* A tick value with the decimals its step needs (0.1 + 0.2 prints as
 * 0.3) and no "-0". */
static void tick_label(double v, double step, char *buf, size_t cap) {
  int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
  if (fabs(v) < step * 1e-6)
    v = 0;
  snprintf(buf, cap, "%.*f", dec, v);
}

/* Ticks of axis a along a side of r: along x (bottom) or y (left). */
static void axis_ticks(const lyra__fig *f, const lyra__rect *r,
                       const lyra__axis *a, int is_x) {
  double s = f->scale, len = is_x ? r->w : r->h;
  int want = (int)(len / ((is_x ? 90.0 : 75.0) * s));
  double step = lyra__nice_step(a->hi - a->lo, want > 2 ? want : 2);
  double k0 = ceil(a->lo / step - 1e-9), k1 = floor(a->hi / step + 1e-9);
  char label[64];
  for (double k = k0; k <= k1 && k - k0 < 200; k++) {
    double v = k * step;
    double x = is_x ? lyra__x_of(r, v, a->lo, a->hi) : r->x;
    double y = is_x ? r->y + r->h : lyra__y_of(r, v, a->lo, a->hi);
    cairo_move_to(f->cr, x, y);
    cairo_line_to(f->cr, x - (is_x ? 0 : 5 * s), y + (is_x ? 5 * s : 0));
    cairo_stroke(f->cr);
    if (a->ticks < 2)
      continue;
    tick_label(v, step, label, sizeof label);
    if (is_x)
      lyra__fig_text(f, x, y + 8 * s, 0.5, 0, LYRA__PLOT_FONT_TICK, 0, label);
    else
      lyra__fig_text(f, x - 8 * s, y, 1, 0.5, LYRA__PLOT_FONT_TICK, 0, label);
  }
}

void lyra__fig_axes(const lyra__fig *f, const lyra__rect *r,
                    const lyra__axis *x, const lyra__axis *y) {
  double s = f->scale;
  cairo_t *cr = f->cr;
  ink(f, INK);
  cairo_set_line_width(cr, 1.0 * s);
  cairo_rectangle(cr, r->x, r->y, r->w, r->h);
  cairo_stroke(cr);
  if (x->ticks)
    axis_ticks(f, r, x, 1);
  if (y->ticks)
    axis_ticks(f, r, y, 0);
  if (x->label)
    lyra__fig_text(f, r->x + r->w / 2, r->y + r->h + 34 * s, 0.5, 0,
                   LYRA__PLOT_FONT_LABEL, 0, x->label);
  if (y->label)
    lyra__fig_text(f, r->x - (LYRA__PLOT_LEFT - 6) * s, r->y + r->h / 2, 0.5, 0,
                   LYRA__PLOT_FONT_LABEL, UPWARDS, y->label);
}

/* ---- legend ---------------------------------------------------------- */

static void legend_swatch(const lyra__fig *f, double x, double y, size_t k,
                          int line) {
  double s = f->scale;
  lyra__fig_colour(f, k, 1);
  if (line) {
    cairo_set_line_width(f->cr, 2.5 * s);
    cairo_move_to(f->cr, x, y);
    cairo_line_to(f->cr, x + 18 * s, y);
    cairo_stroke(f->cr);
  } else {
    cairo_rectangle(f->cr, x + 2 * s, y - 7 * s, 14 * s, 14 * s);
    cairo_fill(f->cr);
  }
}

void lyra__fig_legend(const lyra__fig *f, const lyra__legend_entry *e, size_t n,
                      int line_swatch) {
  lyra__rect body, leg;
  lyra__plot_frame(f->w, f->h, &body, &leg);
  double s = f->scale, y = leg.y, text_x = leg.x + 26 * s;
  double line_h = 22 * s, more_h = line_h;
  char fit[256];
  for (size_t i = 0; i < n; i++) {
    int has_detail = e[i].detail && e[i].detail[0];
    double h = line_h * (has_detail ? 1.8 : 1.0) + 6 * s;
    double room = leg.y + leg.h - (i + 1 < n ? more_h : 0);
    if (y + h > room) {
      snprintf(fit, sizeof fit, "+ %zu more", n - i);
      ink(f, NOTE_INK);
      lyra__fig_text(f, text_x, y + line_h / 2, 0, 0.5, LYRA__PLOT_FONT_NOTE, 0,
                     fit);
      return;
    }
    legend_swatch(f, leg.x, y + line_h / 2, e[i].colour, line_swatch);
    ink(f, INK);
    lyra__fig_fit_text(f, LYRA__PLOT_FONT_LEGEND, e[i].name,
                       leg.x + leg.w - text_x, fit, sizeof fit);
    lyra__fig_text(f, text_x, y + line_h / 2, 0, 0.5, LYRA__PLOT_FONT_LEGEND, 0,
                   fit);
    if (has_detail) {
      ink(f, NOTE_INK);
      lyra__fig_fit_text(f, LYRA__PLOT_FONT_NOTE, e[i].detail,
                         leg.x + leg.w - text_x, fit, sizeof fit);
      lyra__fig_text(f, text_x, y + line_h * 1.3, 0, 0.5, LYRA__PLOT_FONT_NOTE,
                     0, fit);
    }
    y += h;
  }
}
