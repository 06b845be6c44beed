/*
 * Figures: rendered to PNG and read back, the raster has a spike's
 * colour where the layout (analysis/plot.h) puts the spike and white where
 * nothing fired; every figure renders to PNG, SVG and PDF; bad requests
 * are refused with a message and leave no file behind.
 */
#include "analysis/plot.h"
#include "lyra.h"
#include "test.h"

#include <cairo.h>
#include <stdlib.h>
#include <sys/stat.h>

#define BLUE 0x1f77b4u /* palette colours 0 and 1 (figure.c) */
#define RED 0xd62728u
#define WHITE 0xffffffu

/* A population of `size` neurons from id first_id with n spikes. */
static lyra_spikes *spikes(const char *name, uint32_t first_id, uint32_t size,
                           const uint32_t *local, const double *t, size_t n,
                           double t_stop) {
  lyra_spikes *s = lyra__spikes_alloc(n);
  snprintf(s->population, sizeof s->population, "%s", name);
  s->first_id = first_id;
  s->size = size;
  s->t_stop_ms = t_stop;
  for (size_t i = 0; i < n; i++) {
    s->ids[i] = first_id + local[i];
    s->times_ms[i] = t[i];
  }
  return s;
}

/* Two populations over (0, 200] ms: A (2 neurons), whose neuron 0 fires
 * at 100 ms and neuron 1 never; B (3 neurons), whose neuron 0 fires at 50
 * and 150 ms. */
static void two_populations(lyra_spikes *p[2]) {
  const uint32_t a_id[] = {0}, b_id[] = {0, 0};
  const double a_t[] = {100.0}, b_t[] = {50.0, 150.0};
  p[0] = spikes("A", 1, 2, a_id, a_t, 1, 200.0);
  p[1] = spikes("B", 3, 3, b_id, b_t, 2, 200.0);
}

static void tmp_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/%s", test_tmpdir(), name);
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int starts_with(const char *path, const char *prefix) {
  char head[16] = "";
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  size_t got = fread(head, 1, sizeof head - 1, f);
  fclose(f);
  head[got] = '\0';
  return strncmp(head, prefix, strlen(prefix)) == 0;
}

/* The figure read back; pixel (x, y) as 0xRRGGBB. */
typedef struct image {
  cairo_surface_t *s;
  int w, h;
} image;

static int load_png(const char *path, image *im) {
  im->s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(im->s) != CAIRO_STATUS_SUCCESS) {
    test_fail(__FILE__, __LINE__, "%s: %s", path,
              cairo_status_to_string(cairo_surface_status(im->s)));
    cairo_surface_destroy(im->s);
    return -1;
  }
  cairo_surface_flush(im->s);
  im->w = cairo_image_surface_get_width(im->s);
  im->h = cairo_image_surface_get_height(im->s);
  return 0;
}

static uint32_t pixel(const image *im, double x, double y) {
  const unsigned char *row =
      cairo_image_surface_get_data(im->s) +
      (size_t)y * (size_t)cairo_image_surface_get_stride(im->s);
  uint32_t p;
  memcpy(&p, row + 4 * (size_t)x, 4);
  return p & 0xffffffu;
}

/* Pixels of r that are not white, and whether they hold more than two
 * colours. */
static long ink_in(const image *im, const lyra__rect *r, int *colourful) {
  long n = 0;
  uint32_t seen[3] = {WHITE, WHITE, WHITE};
  int kinds = 0;
  for (int y = (int)r->y; y < (int)(r->y + r->h); y++)
    for (int x = (int)r->x; x < (int)(r->x + r->w); x++) {
      uint32_t p = pixel(im, x, y);
      n += p != WHITE;
      if (kinds < 3 && p != seen[0] && p != seen[1] && p != seen[2])
        seen[kinds++] = p;
    }
  *colourful = kinds >= 3;
  return n;
}

/* The raster of two_populations() drawn with o (NULL: defaults) into
 * name, read back; 0 if both went well. */
static int raster_png(const lyra_plot_opts *o, const char *name, image *im) {
  lyra_spikes *p[2];
  char path[512], err[256] = "";
  two_populations(p);
  tmp_path(path, sizeof path, name);
  int rc = lyra_plot_raster(p, 2, o, path, err, sizeof err);
  if (rc)
    test_fail(__FILE__, __LINE__, "%s", err);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
  return rc ? rc : load_png(path, im);
}

TEST(plot_raster_pixels) {
  image im;
  if (raster_png(NULL, "raster.png", &im))
    return;
  CHECK_EQ_INT(im.w, 1200);
  CHECK_EQ_INT(im.h, 800);
  lyra__rect all = {0, 0, 1200, 800}, raster, rate;
  int colourful;
  CHECK(ink_in(&im, &all, &colourful) > 5000); /* axes, text, legend */
  CHECK(colourful);
  lyra__raster_layout(1200, 800, &raster, &rate);
  /* Rows: A's two neurons at the bottom (0, 1), then B's three (2-4). */
  double x50 = lyra__x_of(&raster, 50, 0, 200);
  double x100 = lyra__x_of(&raster, 100, 0, 200);
  CHECK_EQ_INT(pixel(&im, x100, lyra__row_y(&raster, 0, 5)), BLUE);
  CHECK_EQ_INT(pixel(&im, x100, lyra__row_y(&raster, 1, 5)), WHITE);
  CHECK_EQ_INT(pixel(&im, x50, lyra__row_y(&raster, 0, 5)), WHITE);
  CHECK_EQ_INT(pixel(&im, x50, lyra__row_y(&raster, 2, 5)), RED);
  CHECK_EQ_INT(pixel(&im, x100, lyra__row_y(&raster, 2, 5)), WHITE);
  CHECK_EQ_INT(pixel(&im, x50, lyra__row_y(&raster, 4, 5)), WHITE);
  /* The rate panel has both populations' lines. */
  long blue = 0, red = 0;
  for (int y = (int)rate.y + 2; y < (int)(rate.y + rate.h) - 2; y++)
    for (int x = (int)rate.x + 2; x < (int)(rate.x + rate.w) - 2; x++) {
      blue += pixel(&im, x, y) == BLUE;
      red += pixel(&im, x, y) == RED;
    }
  CHECK(blue > 20 && red > 20);
  cairo_surface_destroy(im.s);
}

/* A larger figure is the same figure, scaled: the spike moves with the
 * layout. */
TEST(plot_raster_size_and_window) {
  image im;
  lyra_plot_opts o;
  lyra_plot_defaults(&o);
  o.width = 1800;
  o.height = 1000;
  o.t_start_ms = 60; /* B's spike at 50 ms is left out */
  o.t_stop_ms = 160;
  if (raster_png(&o, "raster-big.png", &im))
    return;
  CHECK_EQ_INT(im.w, 1800);
  CHECK_EQ_INT(im.h, 1000);
  lyra__rect raster, rate;
  lyra__raster_layout(1800, 1000, &raster, &rate);
  CHECK_EQ_INT(
      pixel(&im, lyra__x_of(&raster, 100, 60, 160), lyra__row_y(&raster, 0, 5)),
      BLUE);
  CHECK_EQ_INT(
      pixel(&im, lyra__x_of(&raster, 150, 60, 160), lyra__row_y(&raster, 2, 5)),
      RED);
  cairo_surface_destroy(im.s);
}

/* Populations without spikes are drawn (with a note), never refused; a
 * window without spikes still has its axes. */
TEST(plot_raster_empty) {
  lyra_spikes *p[2];
  char path[512], err[256] = "";
  image im;
  int colourful;
  p[0] = spikes("silent", 1, 50, NULL, NULL, 0, 500.0);
  p[1] = spikes("unknown_size", 51, 0, NULL, NULL, 0, 0.0);
  tmp_path(path, sizeof path, "empty.png");
  CHECK_EQ_INT(lyra_plot_raster(p, 2, NULL, path, err, sizeof err), 0);
  if (load_png(path, &im) == 0) {
    lyra__rect all = {0, 0, im.w, im.h};
    CHECK(ink_in(&im, &all, &colourful) > 2000);
    cairo_surface_destroy(im.s);
  }
  CHECK_EQ_INT(lyra_plot_histograms(p, 2, NULL, path, err, sizeof err), 0);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
  /* No spikes and no end time: nothing says how long to draw. */
  p[0] = spikes("silent", 1, 50, NULL, NULL, 0, 0.0);
  CHECK_EQ_INT(lyra_plot_raster(p, 1, NULL, path, err, sizeof err),
               LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "no spikes and no end time");
  lyra_spikes_free(p[0]);
  two_populations(p);
  lyra_plot_opts o;
  lyra_plot_defaults(&o);
  o.t_start_ms = 160;
  o.t_stop_ms = 190;
  CHECK_EQ_INT(lyra_plot_raster(p, 2, &o, path, err, sizeof err), 0);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
}

/* Every figure in every format: a file of some size that starts as its
 * format does, and no .partial left behind. */
static void check_formats(const char *stem,
                          int (*draw)(const char *path, char *err)) {
  static const char *const ext[] = {"png", "svg", "pdf", "PNG"};
  static const char *const magic[] = {"\x89PNG", "<?xml", "%PDF", "\x89PNG"};
  char path[512], partial[600], name[64], err[256];
  for (int k = 0; k < 4; k++) {
    snprintf(name, sizeof name, "%s.%s", stem, ext[k]);
    tmp_path(path, sizeof path, name);
    err[0] = '\0';
    if (draw(path, err))
      test_fail(__FILE__, __LINE__, "%s", err);
    CHECK(file_size(path) > 5000);
    CHECK(starts_with(path, magic[k]));
    snprintf(partial, sizeof partial, "%s.partial", path);
    CHECK(file_size(partial) < 0);
  }
}

/* 40 neurons: rate k Hz over a second, every other one regular (CV 0). */
static lyra_spikes *graded_population(void) {
  size_t n = 0;
  uint32_t *ids = malloc(1000 * sizeof *ids);
  double *t = malloc(1000 * sizeof *t);
  for (double time = 1; time <= 1000; time++)
    for (uint32_t k = 0; k < 40; k++) {
      uint64_t h = (uint64_t)time * 2654435761u + k * 40503u;
      int fires = k % 2 ? (int)time % (1000 / (k + 1)) == 0
                        : (int)(h % 1000) < (int)k + 1;
      if (fires && n < 1000) {
        ids[n] = k;
        t[n++] = time;
      }
    }
  lyra_spikes *s = spikes("graded", 1, 40, ids, t, n, 1000.0);
  free(ids);
  free(t);
  return s;
}

static int draw_hist(const char *path, char *err) {
  lyra_spikes *p[2] = {graded_population(), NULL};
  const uint32_t id[] = {0};
  const double t[] = {500};
  p[1] = spikes("one_spike", 41, 10, id, t, 1, 1000.0);
  int rc = lyra_plot_histograms(p, 2, NULL, path, err, 256);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
  return rc;
}

static int draw_raster(const char *path, char *err) {
  lyra_spikes *p[2];
  two_populations(p);
  int rc = lyra_plot_raster(p, 2, NULL, path, err, 256);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
  return rc;
}

/* Three neurons' sine waves over 100 ms in 0.1 ms samples, with a gap of
 * NaN in the second; n samples. */
static lyra_state *sine_state(uint64_t n) {
  lyra_state *s = calloc(1, sizeof *s);
  snprintf(s->population, sizeof s->population, "E");
  snprintf(s->variable, sizeof s->variable, "V_m");
  snprintf(s->unit, sizeof s->unit, "mV");
  s->first_id = 1;
  s->size = 10;
  s->dt_ms = 0.1;
  s->interval_steps = 1;
  s->n_neurons = 3;
  s->n = n;
  s->ids = malloc(3 * sizeof *s->ids);
  s->steps = malloc(n * sizeof *s->steps);
  s->times_ms = malloc(n * sizeof *s->times_ms);
  s->values = malloc(3 * n * sizeof *s->values);
  for (uint32_t j = 0; j < 3; j++)
    s->ids[j] = 2 * j + 1;
  for (uint64_t i = 0; i < n; i++) {
    s->steps[i] = (uint32_t)(i + 1);
    s->times_ms[i] = 0.1 * (double)(i + 1);
    for (uint32_t j = 0; j < 3; j++)
      s->values[3 * i + j] = -65 + 10 * sin(0.05 * (double)i + j);
    if (i > n / 3 && i < n / 2)
      s->values[3 * i + 1] = (double)NAN;
  }
  return s;
}

static int draw_traces(const char *path, char *err) {
  lyra_state *s = sine_state(1000);
  int rc = lyra_plot_traces(s, NULL, path, err, 256);
  lyra_state_free(s);
  return rc;
}

TEST(plot_formats) {
  check_formats("raster", draw_raster);
  check_formats("histograms", draw_hist);
  check_formats("traces", draw_traces);
}

TEST(plot_traces_pixels) {
  char path[512], err[256] = "";
  image im;
  lyra_state *s = sine_state(1000);
  tmp_path(path, sizeof path, "trace.png");
  CHECK_EQ_INT(lyra_plot_traces(s, NULL, path, err, sizeof err), 0);
  lyra_state_free(s);
  if (load_png(path, &im))
    return;
  lyra__rect panel;
  int colourful;
  lyra__trace_layout(1200, 800, &panel);
  CHECK(ink_in(&im, &panel, &colourful) > 3000);
  CHECK(colourful);
  cairo_surface_destroy(im.s);
}

/* Samples far denser than pixels: each pixel column keeps its lowest and
 * highest value, so an SVG of a long recording stays small. */
TEST(plot_traces_dense_and_empty) {
  char path[512], err[256] = "";
  lyra_state *s = sine_state(200000);
  tmp_path(path, sizeof path, "dense.svg");
  CHECK_EQ_INT(lyra_plot_traces(s, NULL, path, err, sizeof err), 0);
  CHECK(file_size(path) > 5000 && file_size(path) < 1000000);
  s->n = 0; /* a recording shorter than its interval */
  tmp_path(path, sizeof path, "no-samples.png");
  CHECK_EQ_INT(lyra_plot_traces(s, NULL, path, err, sizeof err), 0);
  lyra_state_free(s);
}

TEST(plot_bad_requests) {
  lyra_spikes *p[2];
  char path[600], err[256] = "", blocker[512];
  lyra_plot_opts o;
  two_populations(p);
  tmp_path(path, sizeof path, "raster.bmp");
  CHECK_EQ_INT(lyra_plot_raster(p, 2, NULL, path, err, sizeof err),
               LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "unknown figure format");
  CHECK(file_size(path) < 0);
  /* A folder that cannot exist: a file stands in its way. */
  tmp_path(blocker, sizeof blocker, "blocker");
  fclose(fopen(blocker, "w"));
  snprintf(path, sizeof path, "%s/raster.png", blocker);
  CHECK_EQ_INT(lyra_plot_raster(p, 2, NULL, path, err, sizeof err), LYRA_EIO);
  CHECK_STR_CONTAINS(err, "blocker/raster.png: cannot write");
  CHECK_EQ_INT(lyra_plot_histograms(p, 2, NULL, path, err, sizeof err),
               LYRA_EIO);
  tmp_path(path, sizeof path, "none.png");
  CHECK_EQ_INT(lyra_plot_raster(p, 0, NULL, path, err, sizeof err),
               LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "no populations");
  CHECK_EQ_INT(lyra_plot_histograms(NULL, 1, NULL, path, err, sizeof err),
               LYRA_EINVAL);
  CHECK_EQ_INT(lyra_plot_traces(NULL, NULL, path, err, sizeof err),
               LYRA_EINVAL);
  lyra_plot_defaults(&o);
  o.width = 10;
  CHECK_EQ_INT(lyra_plot_raster(p, 2, &o, path, err, sizeof err), LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "figure size");
  lyra_plot_defaults(&o);
  o.t_start_ms = 300;
  CHECK_EQ_INT(lyra_plot_raster(p, 2, &o, path, err, sizeof err), LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "empty time window");
  lyra_plot_defaults(&o);
  o.bin_ms = 1e-9;
  CHECK_EQ_INT(lyra_plot_raster(p, 2, &o, path, err, sizeof err), LYRA_EINVAL);
  CHECK_STR_CONTAINS(err, "too many");
  CHECK_EQ_INT(lyra_plot_raster(p, 2, NULL, NULL, err, sizeof err),
               LYRA_EINVAL);
  CHECK(file_size(path) < 0);
  lyra_spikes_free(p[0]);
  lyra_spikes_free(p[1]);
}
