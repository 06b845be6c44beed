/*
 * lyra report: one self-contained HTML file with the run summary, the
 * analysis table and the figures embedded as PNG data URIs, so that it
 * opens offline, can be mailed, and needs nothing beside it.
 */
#include "cli.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct report_opts {
  const char *path, *out, *title;
  lyra_analysis_opts a;
} report_opts;

static int parse_args(int argc, char **argv, report_opts *o) {
  lyra_analysis_defaults(&o->a);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    int timed = strcmp(a, "--t-start") == 0 || strcmp(a, "--t-stop") == 0;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      cli_help("report", 0);
      return -1;
    } else if ((timed || strcmp(a, "--out") == 0 ||
                strcmp(a, "--title") == 0) &&
               !val) {
      fprintf(stderr, "lyra report: %s needs a value\n", a);
      return EXIT_USAGE;
    } else if (timed) {
      double *slot =
          strcmp(a, "--t-start") == 0 ? &o->a.t_start_ms : &o->a.t_stop_ms;
      if (cli_parse_ms(argv[++i], slot)) {
        fprintf(stderr,
                "lyra report: %s: expected a time such as 500, 500ms or "
                "0.5s, found '%s'\n",
                a, argv[i]);
        return EXIT_USAGE;
      }
    } else if (strcmp(a, "--out") == 0) {
      o->out = argv[++i];
    } else if (strcmp(a, "--title") == 0) {
      o->title = argv[++i];
    } else if ((a[0] == '-' && a[1]) || o->path) {
      fprintf(stderr, "lyra report: unexpected argument '%s' (try --help)\n",
              a);
      return EXIT_USAGE;
    } else {
      o->path = a;
    }
  }
  if (!o->path) {
    cli_help("report", 1);
    return EXIT_USAGE;
  }
  return 0;
}

/* ---- HTML pieces -------------------------------------------------------- */

static void html_text(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<':
      fputs("&lt;", f);
      break;
    case '>':
      fputs("&gt;", f);
      break;
    case '&':
      fputs("&amp;", f);
      break;
    case '"':
      fputs("&quot;", f);
      break;
    default:
      fputc(*s, f);
    }
  }
}

static void base64(FILE *f, const unsigned char *d, size_t n) {
  static const char t[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)d[i] << 16;
    if (i + 1 < n)
      v |= (unsigned)d[i + 1] << 8;
    if (i + 2 < n)
      v |= d[i + 2];
    fputc(t[v >> 18 & 63], f);
    fputc(t[v >> 12 & 63], f);
    fputc(i + 1 < n ? t[v >> 6 & 63] : '=', f);
    fputc(i + 2 < n ? t[v & 63] : '=', f);
  }
}

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  long size;
  *len = 0;
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size + 1))) {
    *len = fread(buf, 1, (size_t)size, f);
    buf[*len] = '\0';
  }
  fclose(f);
  return buf;
}

/* ---- run summary from run.json ------------------------------------------ */

/* The text of a top-level scalar "key": value in run.json, or NULL. */
static const char *json_value(const char *json, const char *key, char *buf,
                              size_t cap) {
  char pat[80];
  snprintf(pat, sizeof pat, "\n  \"%s\": ", key);
  const char *p = strstr(json, pat);
  if (!p)
    return NULL;
  p += strlen(pat);
  size_t n = strcspn(p, ",\n");
  if (*p == '"') {
    p++;
    n = strcspn(p, "\"");
  }
  n = n < cap - 1 ? n : cap - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

/* A run.json number as people read it: 6 significant digits (0.1, not
 * 0.10000000000000001), bytes in kB/MB/GB; integers and text as they
 * are. */
static const char *readable(const char *key, char *v, size_t cap) {
  char *end;
  double x = strtod(v, &end);
  if (end == v || *end)
    return v;
  if (strstr(key, "bytes") && strcmp(key, "bytes_per_synapse") != 0)
    return cli_bytes(x, v, (int)cap);
  if (strpbrk(v, ".eE"))
    snprintf(v, cap, "%.6g", x);
  return v;
}

static void write_summary(FILE *f, const char *dir) {
  static const struct {
    const char *key, *label;
  } rows[] = {{"lyra_version", "lyra version"},
              {"seed", "seed"},
              {"dt_ms", "time step (ms)"},
              {"t_ms", "simulated time (ms)"},
              {"threads", "threads"},
              {"neurons", "neurons"},
              {"synapses", "synapses"},
              {"build_s", "construction (s)"},
              {"sim_s", "simulation (s)"},
              {"real_time_factor", "real-time factor (wall / biological)"},
              {"events_per_s", "synaptic events per second"},
              {"bytes_per_synapse", "bytes per synapse"},
              {"peak_rss_bytes", "peak memory"}};
  char path[4200], v[128];
  size_t len;
  snprintf(path, sizeof path, "%s/run.json", dir);
  char *json = (char *)slurp(path, &len);
  fputs("<h2>Run</h2>\n", f);
  if (!json) {
    fputs("<p>No run.json beside the spike files: these spikes were not "
          "recorded by a lyra run, or its summary is missing.</p>\n",
          f);
    return;
  }
  fputs("<table class='kv'>\n", f);
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
    if (json_value(json, rows[i].key, v, sizeof v)) {
      fprintf(f, "<tr><th>%s</th><td>", rows[i].label);
      html_text(f, readable(rows[i].key, v, sizeof v));
      fputs("</td></tr>\n", f);
    }
  fputs("</table>\n", f);
  free(json);
}

/* ---- analysis table ------------------------------------------------------ */

static void num(FILE *f, double x, int decimals) {
  char buf[64];
  fprintf(f, "<td%s>%s</td>", isfinite(x) ? "" : " class='na'",
          cli_stat(x, decimals, buf, sizeof buf));
}

static void write_table(FILE *f, const lyra_pop_analysis *r, size_t n,
                        const lyra_analysis_opts *o) {
  fprintf(f,
          "<h2>Activity</h2>\n<p>Window (%g, %g] ms. Fano factor in %g ms "
          "bins; correlation (mean over sampled pairs) and synchrony &chi; "
          "in %g ms bins; spectrum of the population rate in %g ms bins. "
          "Definitions: docs/analysis.md.</p>\n<table>\n<tr><th>population"
          "</th><th>neurons</th><th>spikes</th><th>rate (Hz)</th><th>sd "
          "(Hz)</th><th>CV ISI</th><th>Fano</th><th>corr</th><th>&chi;</th>"
          "<th>peak (Hz)</th><th>silent</th></tr>\n",
          n ? r[0].t_start_ms : 0, n ? r[0].t_stop_ms : 0, o->fano_bin_ms,
          o->corr_bin_ms, o->rate_bin_ms);
  for (size_t i = 0; i < n; i++) {
    fputs("<tr><td>", f);
    html_text(f, r[i].population);
    fprintf(f, "</td><td>%u%s</td><td>%llu</td>", r[i].size,
            r[i].size_inferred ? "*" : "", (unsigned long long)r[i].spikes);
    num(f, r[i].rate_mean, 3);
    num(f, r[i].rate_sd, 3);
    num(f, r[i].cv_mean, 3);
    num(f, r[i].fano_mean, 3);
    num(f, r[i].corr_mean, 4);
    num(f, r[i].chi, 3);
    num(f, r[i].peak_hz, 1);
    fprintf(f, "<td>%u</td></tr>\n", r[i].silent);
  }
  fputs("</table>\n<p class='note'>n/a: not defined (the CV needs neurons "
        "with 3 spikes; Fano and correlation neurons that fired and two "
        "whole bins). * size not in the file: counted from the lowest to "
        "the highest id that fired.</p>\n",
        f);
}

/* ---- figures ------------------------------------------------------------- */

/* Embeds the PNG at png (then removes it) with a caption. */
static void embed_png(FILE *f, const char *png, const char *caption) {
  size_t len;
  unsigned char *data = slurp(png, &len);
  remove(png);
  if (!data)
    return;
  fputs("<figure><img alt='", f);
  html_text(f, caption);
  fputs("' src='data:image/png;base64,", f);
  base64(f, data, len);
  fputs("'><figcaption>", f);
  html_text(f, caption);
  fputs("</figcaption></figure>\n", f);
  free(data);
}

static void plot_failed(FILE *f, const char *what, const char *err) {
  fprintf(stderr, "lyra report: %s: %s\n", what, err);
  fprintf(f, "<p class='na'>%s could not be drawn: ", what);
  html_text(f, err);
  fputs("</p>\n", f);
}

/* The state files (.lystate) of dir, each drawn as traces. */
static void embed_traces(FILE *f, const char *dir, const char *tmp,
                         const lyra_plot_opts *po) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[8400], png[4300], err[1024], caption[512];
  int shown = 0;
  while (d && (e = readdir(d)) && shown < 8) {
    size_t n = strlen(e->d_name);
    if (n < 9 || strcmp(e->d_name + n - 8, ".lystate") != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(png, sizeof png, "%s/trace%d.png", tmp, shown);
    lyra_state *s = NULL;
    if (lyra_state_read(path, &s, err, sizeof err) ||
        lyra_plot_traces(s, po, png, err, sizeof err)) {
      plot_failed(f, e->d_name, err);
    } else {
      snprintf(caption, sizeof caption, "%s of %s (%u neurons recorded)",
               s->variable, s->population, s->n_neurons);
      embed_png(f, png, caption);
      shown++;
    }
    lyra_state_free(s);
  }
  if (d)
    closedir(d);
}

static void write_figures(FILE *f, lyra_spikes **pops, size_t n,
                          const report_opts *o, const char *dir,
                          const char *tmp) {
  lyra_plot_opts po;
  char png[4300], err[1024];
  lyra_plot_defaults(&po);
  po.t_start_ms = o->a.t_start_ms;
  po.t_stop_ms = o->a.t_stop_ms;
  fputs("<h2>Figures</h2>\n", f);
  snprintf(png, sizeof png, "%s/raster.png", tmp);
  if (lyra_plot_raster(pops, n, &po, png, err, sizeof err))
    plot_failed(f, "The raster", err);
  else
    embed_png(f, png, "Spike raster and population rate");
  snprintf(png, sizeof png, "%s/hist.png", tmp);
  if (lyra_plot_histograms(pops, n, &po, png, err, sizeof err))
    plot_failed(f, "The histograms", err);
  else
    embed_png(f, png, "Firing rates and CV of inter-spike intervals");
  embed_traces(f, dir, tmp, &po);
}

static const char *style =
    "body{font-family:sans-serif;max-width:1250px;margin:2em auto;"
    "color:#222}table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}"
    "th{background:#f3f3f3}td:first-child{text-align:left}"
    "table.kv th{text-align:left}.na{color:#999}.note{color:#555;"
    "font-size:90%}img{max-width:100%;border:1px solid #eee}"
    "figure{margin:1.5em 0}figcaption{color:#555}";

static int write_report(FILE *f, lyra_spikes **pops, size_t n,
                        const lyra_pop_analysis *r, const report_opts *o,
                        const char *dir, const char *tmp) {
  fputs("<!DOCTYPE html>\n<html lang='en'>\n<head><meta charset='utf-8'>"
        "<title>",
        f);
  html_text(f, o->title ? o->title : o->path);
  fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", style);
  html_text(f, o->title ? o->title : "lyra report: ");
  if (!o->title)
    html_text(f, o->path);
  fputs("</h1>\n", f);
  write_summary(f, dir);
  write_table(f, r, n, &o->a);
  write_figures(f, pops, n, o, dir, tmp);
  fprintf(f,
          "<p class='note'>Made by lyra %s (lyra report).</p>\n"
          "</body>\n</html>\n",
          lyra_version());
  return ferror(f) ? -1 : 0;
}

/* The directory the spikes come from: PATH itself, or the one holding
 * the file. */
static void source_dir(const char *path, char *dir, size_t cap) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(dir, cap, "%s", path);
    return;
  }
  const char *slash = strrchr(path, '/');
  if (slash)
    snprintf(dir, cap, "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
             path);
  else
    snprintf(dir, cap, ".");
}

int cmd_report(int argc, char **argv) {
  report_opts o = {0};
  int code = parse_args(argc, argv, &o);
  if (code)
    return code < 0 ? EXIT_OK : code;
  lyra_spikes **pops;
  size_t n;
  lyra_pop_analysis *r;
  char dir[4096], out[4200], tmp[] = "/tmp/lyra-report-XXXXXX";
  if ((code = cli_spike_stats("report", &o.path, 1, &o.a, &pops, &n, &r)))
    return code;
  source_dir(o.path, dir, sizeof dir);
  snprintf(out, sizeof out, "%s/report.html", dir);
  if (o.out)
    snprintf(out, sizeof out, "%s", o.out);
  cli_outfile of;
  FILE *f = NULL;
  if (!mkdtemp(tmp)) {
    fprintf(stderr, "lyra report: cannot create %s\n", tmp);
    code = EXIT_IO;
  } else if (!(f = cli_out_open(out, &of))) {
    fprintf(stderr, "lyra report: cannot write %s\n", out);
    code = EXIT_IO;
  }
  if (f && (cli_out_commit(&of, write_report(f, pops, n, r, &o, dir, tmp)))) {
    fprintf(stderr, "lyra report: %s: write failed\n", out);
    code = EXIT_IO;
  }
  if (!code || f)
    rmdir(tmp);
  if (!code && strcmp(out, "-") != 0)
    printf("report: %s\n", out);
  free(r);
  lyra_spikes_free_all(pops, n);
  return code;
}
