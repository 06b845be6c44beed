/* lyra analyze: statistics of recorded spikes, as a table, CSV and JSON. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct analyze_opts {
  const char **paths;
  int n_paths;
  lyra_analysis_opts a;
  const char *csv, *json, *per_neuron, *spectrum;
  int quiet;
} analyze_opts;

static int number_option(const char *name, const char *val, double lo,
                         double hi, double *out) {
  char *end;
  double v = strtod(val, &end);
  if (*end || end == val || !(v >= lo && v <= hi)) {
    fprintf(stderr,
            "lyra analyze: %s: expected a number from %g to %g, found "
            "'%s'\n",
            name, lo, hi, val);
    return -1;
  }
  *out = v;
  return 0;
}

static int time_value(const char *name, const char *val, double *out) {
  if (cli_parse_ms(val, out) == 0)
    return 0;
  fprintf(stderr,
          "lyra analyze: %s: expected a time such as 500, 500ms or 0.5s, "
          "found '%s'\n",
          name, val);
  return -1;
}

/* Options that take a time in ms, and where they go. */
static double *time_slot(analyze_opts *o, const char *a) {
  static const char *const names[] = {"--t-start",  "--t-stop",   "--fano-bin",
                                      "--corr-bin", "--rate-bin", "--segment"};
  double *slots[] = {&o->a.t_start_ms,  &o->a.t_stop_ms,   &o->a.fano_bin_ms,
                     &o->a.corr_bin_ms, &o->a.rate_bin_ms, &o->a.segment_ms};
  for (int i = 0; i < 6; i++)
    if (strcmp(a, names[i]) == 0)
      return slots[i];
  return NULL;
}

/* Options that name an output file, and where they go. */
static const char **file_slot(analyze_opts *o, const char *a) {
  if (strcmp(a, "--csv") == 0)
    return &o->csv;
  if (strcmp(a, "--json") == 0)
    return &o->json;
  if (strcmp(a, "--per-neuron") == 0)
    return &o->per_neuron;
  if (strcmp(a, "--spectrum") == 0)
    return &o->spectrum;
  return NULL;
}

static int parse_args(int argc, char **argv, analyze_opts *o) {
  lyra_analysis_defaults(&o->a);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    double *t = time_slot(o, a);
    const char **f = file_slot(o, a);
    double v;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      cli_help("analyze", 0);
      return -1;
    } else if (strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
    } else if ((t || f || strcmp(a, "--pairs") == 0 ||
                strcmp(a, "--seed") == 0) &&
               !val) {
      fprintf(stderr, "lyra analyze: %s needs a value\n", a);
      return EXIT_USAGE;
    } else if (t) {
      if (time_value(a, argv[++i], t))
        return EXIT_USAGE;
    } else if (f) {
      *f = argv[++i];
    } else if (strcmp(a, "--pairs") == 0) {
      if (number_option(a, argv[++i], 0, 1e7, &v))
        return EXIT_USAGE;
      o->a.pairs = (uint32_t)v;
    } else if (strcmp(a, "--seed") == 0) {
      if (number_option(a, argv[++i], 0, 4294967295.0, &v))
        return EXIT_USAGE;
      o->a.seed = (uint64_t)v;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "lyra analyze: unknown option '%s' (try --help)\n", a);
      return EXIT_USAGE;
    } else {
      o->paths[o->n_paths++] = a;
    }
  }
  if (o->n_paths == 0) {
    cli_help("analyze", 1);
    return EXIT_USAGE;
  }
  return 0;
}

/* ---- output --------------------------------------------------------- */

static void cell(FILE *f, double x, int decimals, int width) {
  char buf[64];
  fprintf(f, " %*s", width, cli_stat(x, decimals, buf, sizeof buf));
}

static void print_table(const lyra_pop_analysis *r, size_t n,
                        const lyra_analysis_opts *o) {
  int undefined = 0, inferred = 0, w = 10;
  for (size_t i = 0; i < n; i++)
    w = (int)strlen(r[i].population) > w ? (int)strlen(r[i].population) : w;
  printf("window (%g, %g] ms; Fano in %g ms bins, correlation and chi in "
         "%g ms bins; spectrum of the population rate in %g ms bins\n",
         r[0].t_start_ms, r[0].t_stop_ms, o->fano_bin_ms, o->corr_bin_ms,
         o->rate_bin_ms);
  printf("%-*s %9s %10s %9s %8s %7s %7s %8s %6s %9s %7s\n", w, "population",
         "neurons", "spikes", "rate Hz", "(sd)", "CV ISI", "Fano", "corr",
         "chi", "peak Hz", "silent");
  for (size_t i = 0; i < n; i++) {
    printf("%-*s %8u%s %10llu", w, r[i].population, r[i].size,
           r[i].size_inferred ? "*" : " ", (unsigned long long)r[i].spikes);
    cell(stdout, r[i].rate_mean, 3, 9);
    cell(stdout, r[i].rate_sd, 3, 8);
    cell(stdout, r[i].cv_mean, 3, 7);
    cell(stdout, r[i].fano_mean, 3, 7);
    cell(stdout, r[i].corr_mean, 4, 8);
    cell(stdout, r[i].chi, 3, 6);
    cell(stdout, r[i].peak_hz, 1, 9);
    printf(" %7u\n", r[i].silent);
    undefined |= !isfinite(r[i].cv_mean) || !isfinite(r[i].fano_mean) ||
                 !isfinite(r[i].corr_mean) || !isfinite(r[i].chi) ||
                 !isfinite(r[i].peak_hz) || !isfinite(r[i].rate_mean);
    inferred |= r[i].size_inferred;
  }
  if (inferred)
    printf("* size not in the file: counted from the lowest to the highest "
           "id that fired\n");
  if (undefined)
    printf("n/a: not defined here (CV needs a neuron with 3 spikes, Fano "
           "and corr neurons that fired and 2 whole bins, the spectrum 8 "
           "rate bins)\n");
}

/* CSV and JSON share the field list. */
typedef struct field {
  const char *name;
  size_t offset;
  int is_count; /* uint32/uint64 rather than double */
} field;

#define F(name)                                                                \
  { #name, offsetof(lyra_pop_analysis, name), 0 }
#define C32(name)                                                              \
  { #name, offsetof(lyra_pop_analysis, name), 32 }
#define C64(name)                                                              \
  { #name, offsetof(lyra_pop_analysis, name), 64 }
static const field fields[] = {
    C32(size),    C32(size_inferred),  F(t_start_ms),  F(t_stop_ms),
    C64(spikes),  C32(silent),         F(rate_mean),   F(rate_sd),
    F(rate_min),  F(rate_p05),         F(rate_median), F(rate_p95),
    F(rate_max),  F(cv_mean),          F(cv_sd),       C32(cv_neurons),
    F(fano_mean), C32(fano_neurons),   F(corr_mean),   C32(corr_pairs),
    F(peak_hz),   F(peak_power_share), F(chi)};
#define N_FIELDS (sizeof fields / sizeof fields[0])

/* One field of r: as text for CSV (NaN for undefined) or JSON (null). */
static void put_field(FILE *f, const lyra_pop_analysis *r, const field *fd,
                      int json) {
  const char *p = (const char *)r + fd->offset;
  if (fd->is_count == 32) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    fprintf(f, "%u", v);
  } else if (fd->is_count == 64) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    fprintf(f, "%llu", (unsigned long long)v);
  } else {
    double v;
    memcpy(&v, p, sizeof v);
    if (isfinite(v))
      fprintf(f, "%.10g", v);
    else
      fputs(json ? "null" : "NaN", f);
  }
}

static void write_csv(FILE *f, const lyra_pop_analysis *r, size_t n) {
  fputs("population", f);
  for (size_t k = 0; k < N_FIELDS; k++)
    fprintf(f, ",%s", fields[k].name);
  fputc('\n', f);
  for (size_t i = 0; i < n; i++) {
    fputs(r[i].population, f);
    for (size_t k = 0; k < N_FIELDS; k++) {
      fputc(',', f);
      put_field(f, &r[i], &fields[k], 0);
    }
    fputc('\n', f);
  }
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      fprintf(f, "\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      fprintf(f, "\\u%04x", (unsigned)*s);
    else
      fputc(*s, f);
  }
  fputc('"', f);
}

static void write_json(FILE *f, const lyra_pop_analysis *r, size_t n,
                       const lyra_analysis_opts *o) {
  fprintf(f,
          "{\n  \"options\": {\"fano_bin_ms\": %g, \"corr_bin_ms\": %g, "
          "\"rate_bin_ms\": %g, \"segment_ms\": %g, \"pairs\": %u, "
          "\"seed\": %llu},\n  \"populations\": [\n",
          o->fano_bin_ms, o->corr_bin_ms, o->rate_bin_ms, o->segment_ms,
          o->pairs, (unsigned long long)o->seed);
  for (size_t i = 0; i < n; i++) {
    fputs("    {\"population\": ", f);
    json_string(f, r[i].population);
    for (size_t k = 0; k < N_FIELDS; k++) {
      fprintf(f, ", \"%s\": ", fields[k].name);
      put_field(f, &r[i], &fields[k], 1);
    }
    fprintf(f, "}%s\n", i + 1 < n ? "," : "");
  }
  fputs("  ]\n}\n", f);
}

static int write_per_neuron(FILE *f, lyra_spikes **pops, size_t n,
                            const lyra_analysis_opts *o) {
  fputs("population,id,rate_hz,cv_isi,fano\n", f);
  for (size_t i = 0; i < n; i++) {
    uint32_t size = pops[i]->size;
    double *v = malloc(3 * (size_t)(size ? size : 1) * sizeof *v);
    if (!v)
      return LYRA_ENOMEM;
    int rc = lyra_analyze_neurons(pops[i], o, v, v + size, v + 2 * size);
    for (uint32_t k = 0; !rc && k < size; k++) {
      fprintf(f, "%s,%u", pops[i]->population, pops[i]->first_id + k);
      for (int j = 0; j < 3; j++) {
        double x = v[j * (size_t)size + k];
        isfinite(x) ? fprintf(f, ",%.10g", x) : fputs(",NaN", f);
      }
      fputc('\n', f);
    }
    free(v);
    if (rc)
      return rc;
  }
  return 0;
}

static int write_spectra(FILE *f, lyra_spikes **pops, size_t n,
                         const lyra_analysis_opts *o) {
  fputs("population,frequency_hz,power_hz2_per_hz\n", f);
  for (size_t i = 0; i < n; i++) {
    int64_t m = lyra_rate_spectrum(pops[i], o, NULL, NULL, 0);
    if (m < 0)
      return (int)m;
    double *fr = malloc((size_t)(m ? m : 1) * 2 * sizeof *fr);
    if (!fr)
      return LYRA_ENOMEM;
    m = lyra_rate_spectrum(pops[i], o, fr, fr + m, (size_t)m);
    for (int64_t k = 0; k < m; k++)
      fprintf(f, "%s,%.10g,%.10g\n", pops[i]->population, fr[k], fr[m + k]);
    free(fr);
  }
  return 0;
}

typedef struct outputs {
  lyra_spikes **pops;
  size_t n;
  const lyra_pop_analysis *r;
  const lyra_analysis_opts *o;
} outputs;

/* Writes one output ("-": standard output) through a temporary name. */
static int write_output(const char *path, int kind, const outputs *w) {
  cli_outfile out;
  FILE *f = cli_out_open(path, &out);
  if (!f) {
    fprintf(stderr, "lyra analyze: cannot write %s\n", path);
    return EXIT_IO;
  }
  int rc = 0;
  if (kind == 0)
    write_csv(f, w->r, w->n);
  else if (kind == 1)
    write_json(f, w->r, w->n, w->o);
  else if (kind == 2)
    rc = write_per_neuron(f, w->pops, w->n, w->o);
  else
    rc = write_spectra(f, w->pops, w->n, w->o);
  if (cli_out_commit(&out, rc) || rc) {
    fprintf(stderr, "lyra analyze: %s: %s\n", path,
            rc ? lyra_strerror(rc) : "write failed");
    return rc ? cli_exit_code(rc) : EXIT_IO;
  }
  return 0;
}

int cli_load_spikes(const char *cmd, const char *const *paths, int n_paths,
                    lyra_spikes ***pops, size_t *n) {
  char err[1024];
  *pops = NULL;
  *n = 0;
  for (int i = 0; i < n_paths; i++) {
    lyra_spikes **one;
    size_t n_one;
    int rc = lyra_spikes_load(paths[i], &one, &n_one, err, sizeof err);
    if (!rc)
      rc = lyra_spikes_merge(pops, n, one, n_one, err, sizeof err);
    if (rc) {
      fprintf(stderr, "lyra %s: %s\n", cmd, err);
      lyra_spikes_free_all(*pops, *n);
      *pops = NULL;
      *n = 0;
      /* Input files are data, not models: anything wrong with them is
       * an input error (4), as for lyra plot. */
      return rc == LYRA_ENOMEM ? EXIT_NOMEM : EXIT_IO;
    }
  }
  return 0;
}

int cli_analyze_pops(const char *cmd, lyra_spikes **pops, size_t n,
                     const lyra_analysis_opts *o, lyra_pop_analysis **out) {
  char err[1024];
  *out = calloc(n ? n : 1, sizeof **out);
  if (!*out)
    return EXIT_NOMEM;
  for (size_t i = 0; i < n; i++) {
    int rc = lyra_analyze(pops[i], o, &(*out)[i], err, sizeof err);
    if (rc) {
      fprintf(stderr, "lyra %s: %s\n", cmd, err);
      free(*out);
      *out = NULL;
      return cli_exit_code(rc);
    }
  }
  return 0;
}

int cli_spike_stats(const char *cmd, const char *const *paths, int n_paths,
                    const lyra_analysis_opts *o, lyra_spikes ***pops, size_t *n,
                    lyra_pop_analysis **r) {
  *r = NULL;
  int code = cli_load_spikes(cmd, paths, n_paths, pops, n);
  if (!code && (code = cli_analyze_pops(cmd, *pops, *n, o, r))) {
    lyra_spikes_free_all(*pops, *n);
    *pops = NULL;
    *n = 0;
  }
  return code;
}

int cmd_analyze(int argc, char **argv) {
  analyze_opts o = {0};
  const char *paths[256];
  if (argc > 256) {
    fprintf(stderr, "lyra analyze: too many arguments\n");
    return EXIT_USAGE;
  }
  o.paths = paths;
  int code = parse_args(argc, argv, &o);
  if (code)
    return code < 0 ? EXIT_OK : code;
  lyra_spikes **pops;
  size_t n;
  lyra_pop_analysis *r;
  if ((code =
           cli_spike_stats("analyze", o.paths, o.n_paths, &o.a, &pops, &n, &r)))
    return code;
  if (!o.quiet)
    print_table(r, n, &o.a);
  outputs w = {pops, n, r, &o.a};
  const char *files[] = {o.csv, o.json, o.per_neuron, o.spectrum};
  for (int k = 0; k < 4 && !code; k++)
    if (files[k])
      code = write_output(files[k], k, &w);
  free(r);
  lyra_spikes_free_all(pops, n);
  return code;
}
