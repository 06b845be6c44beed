/*
 * lyra plot: figures of recorded spikes and state, drawn by the library
 * (lyra_plot_raster, lyra_plot_histograms, lyra_plot_traces); and the
 * raster that lyra run --plot draws.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { KIND_AUTO, KIND_RASTER, KIND_HIST, KIND_TRACE, KIND_ALL };

typedef struct plot_args {
  const char *path, *out;
  int kind;
  lyra_plot_opts o;
} plot_args;

/* One figure to draw: its kind, the state file it shows (traces), and
 * the file it goes to. */
typedef struct figure {
  int kind;
  char in[4096], out[4096];
} figure;

typedef struct plan {
  figure *figs;
  size_t n, cap;
  int spikes; /* some figure needs the spikes of PATH */
} plan;

static int int_option(const char *name, const char *val, long lo, long hi,
                      long *out) {
  char *end;
  errno = 0;
  long v = strtol(val, &end, 10);
  if (end != val && !*end && !errno && v >= lo && v <= hi) {
    *out = v;
    return 0;
  }
  fprintf(stderr, "lyra plot: %s: expected an integer %ld..%ld, found '%s'\n",
          name, lo, hi, val);
  return -1;
}

static int kind_option(const char *val, int *kind) {
  static const char *const names[] = {"raster", "hist", "trace", "all"};
  for (int k = 0; k < 4; k++)
    if (strcmp(val, names[k]) == 0) {
      *kind = KIND_RASTER + k;
      return 0;
    }
  fprintf(stderr,
          "lyra plot: --kind: expected raster, hist, trace or all, found "
          "'%s'\n",
          val);
  return -1;
}

/* An option with a value: 0 taken, 1 not this kind of option, -1 bad. */
static int value_option(const char *a, const char *val, plot_args *p) {
  long v;
  if (strcmp(a, "--kind") == 0)
    return kind_option(val, &p->kind);
  if (strcmp(a, "--out") == 0) {
    p->out = val;
    return 0;
  }
  if (strcmp(a, "--t-start") == 0)
    return cli_time_option("plot", a, val, &p->o.t_start_ms);
  if (strcmp(a, "--t-stop") == 0)
    return cli_time_option("plot", a, val, &p->o.t_stop_ms);
  if (strcmp(a, "--bin") == 0) {
    if (cli_time_option("plot", a, val, &p->o.bin_ms))
      return -1;
    if (p->o.bin_ms > 0)
      return 0;
    fprintf(stderr, "lyra plot: --bin: must be more than 0, found '%s'\n", val);
    return -1;
  }
  if (strcmp(a, "--neurons") == 0) {
    if (int_option(a, val, 1, 1000000000, &v))
      return -1;
    p->o.max_neurons = p->o.max_traces = (uint32_t)v;
    return 0;
  }
  if (strcmp(a, "--width") == 0 || strcmp(a, "--height") == 0) {
    int w = a[2] == 'w';
    if (int_option(a, val, w ? 400 : 300, 16000, &v))
      return -1;
    *(w ? &p->o.width : &p->o.height) = (int)v;
    return 0;
  }
  return 1;
}

static int parse_args(int argc, char **argv, plot_args *p) {
  memset(p, 0, sizeof *p);
  lyra_plot_defaults(&p->o);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      cli_help("plot", 0);
      exit(EXIT_OK);
    }
    int rc = val && a[0] == '-' ? value_option(a, val, p) : 1;
    if (rc < 0)
      return EXIT_USAGE;
    if (rc == 0) {
      i++;
    } else if (a[0] == '-' || p->path) {
      fprintf(stderr,
              "lyra plot: unexpected argument '%s' (try 'lyra plot "
              "--help')\n",
              a);
      return EXIT_USAGE;
    } else {
      p->path = a;
    }
  }
  if (!p->path) {
    cli_help("plot", 1);
    return EXIT_USAGE;
  }
  return 0;
}

static int has_suffix(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcmp(s + n - k, suffix) == 0;
}

/* A state file by its name or by its magic. */
static int is_state_file(const char *path) {
  char magic[8];
  if (has_suffix(path, ".lystate"))
    return 1;
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  size_t got = fread(magic, 1, 8, f);
  fclose(f);
  return got == 8 && memcmp(magic, "LYRASTA1", 8) == 0;
}

/* dir/name, without doubling a trailing slash of dir. */
static void join(char *out, size_t cap, const char *dir, size_t dir_len,
                 const char *name) {
  while (dir_len > 1 && dir[dir_len - 1] == '/')
    dir_len--;
  snprintf(out, cap, "%.*s%s%s", (int)dir_len, dir,
           dir[dir_len - 1] == '/' ? "" : "/", name);
}

/* name in the folder of file (or in the current one). */
static void beside(char *out, size_t cap, const char *file, const char *name) {
  const char *slash = strrchr(file, '/');
  if (slash)
    join(out, cap, file, (size_t)(slash - file) + (slash == file), name);
  else
    snprintf(out, cap, "%s", name);
}

/* The figure of a state file: its name with .png for .lystate. */
static void trace_name(char *out, size_t cap, const char *state) {
  size_t n = strlen(state);
  if (has_suffix(state, ".lystate"))
    n -= strlen(".lystate");
  snprintf(out, cap, "%.*s.png", (int)n, state);
}

static figure *plan_add(plan *pl, int kind) {
  if (pl->n == pl->cap) {
    size_t cap = pl->cap ? 2 * pl->cap : 4;
    figure *g = realloc(pl->figs, cap * sizeof *g);
    if (!g)
      return NULL;
    pl->figs = g;
    pl->cap = cap;
  }
  figure *f = &pl->figs[pl->n++];
  memset(f, 0, sizeof *f);
  f->kind = kind;
  pl->spikes |= kind != KIND_TRACE;
  return f;
}

static int is_state_entry(const struct dirent *e) {
  return has_suffix(e->d_name, ".lystate");
}

/* A trace figure for every state file in dir, in name order. */
static int plan_traces_of_dir(plan *pl, const char *dir) {
  struct dirent **names;
  int n = scandir(dir, &names, is_state_entry, alphasort), rc = 0;
  if (n < 0) {
    fprintf(stderr, "lyra plot: %s: %s\n", dir, strerror(errno));
    return EXIT_IO;
  }
  for (int i = 0; i < n; i++) {
    figure *f = rc ? NULL : plan_add(pl, KIND_TRACE);
    if (f) {
      join(f->in, sizeof f->in, dir, strlen(dir), names[i]->d_name);
      trace_name(f->out, sizeof f->out, f->in);
    } else if (!rc) {
      fprintf(stderr, "lyra plot: out of memory\n");
      rc = EXIT_NOMEM;
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* The spike figures of a directory or a spike file. */
static int plan_spike_figures(plan *pl, const plot_args *p, int is_dir) {
  static const struct {
    int kind;
    const char *file;
  } spike_figs[] = {{KIND_RASTER, "raster.png"}, {KIND_HIST, "histograms.png"}};
  for (int k = 0; k < 2; k++) {
    int want = p->kind == spike_figs[k].kind || p->kind == KIND_ALL ||
               (p->kind == KIND_AUTO && k == 0);
    figure *f = want ? plan_add(pl, spike_figs[k].kind) : NULL;
    if (want && !f)
      return EXIT_NOMEM;
    if (f && is_dir)
      join(f->out, sizeof f->out, p->path, strlen(p->path), spike_figs[k].file);
    else if (f)
      beside(f->out, sizeof f->out, p->path, spike_figs[k].file);
  }
  return 0;
}

/* What to draw from PATH, and where to. */
static int make_plan(const plot_args *p, plan *pl) {
  struct stat st;
  if (stat(p->path, &st) != 0) {
    fprintf(stderr, "lyra plot: %s: %s\n", p->path, strerror(errno));
    return EXIT_IO;
  }
  int is_dir = S_ISDIR(st.st_mode), rc = 0;
  if (!is_dir && is_state_file(p->path)) {
    if (p->kind == KIND_RASTER || p->kind == KIND_HIST) {
      fprintf(stderr,
              "lyra plot: %s: a state file has no spikes (use --kind "
              "trace)\n",
              p->path);
      return EXIT_USAGE;
    }
    figure *f = plan_add(pl, KIND_TRACE);
    if (!f)
      return EXIT_NOMEM;
    snprintf(f->in, sizeof f->in, "%s", p->path);
    trace_name(f->out, sizeof f->out, p->path);
  } else if (!is_dir && p->kind == KIND_TRACE) {
    fprintf(stderr,
            "lyra plot: %s: not a state file (.lystate): --kind trace "
            "needs one, or an output directory\n",
            p->path);
    return EXIT_USAGE;
  } else {
    rc = plan_spike_figures(pl, p, is_dir);
    if (!rc && is_dir && (p->kind == KIND_TRACE || p->kind == KIND_ALL))
      rc = plan_traces_of_dir(pl, p->path);
    if (!rc && pl->n == 0) {
      fprintf(stderr, "lyra plot: %s: no state files (*.lystate)\n", p->path);
      return EXIT_IO;
    }
  }
  return rc;
}

/* The exit code of a library failure: options are the command line's
 * fault (2), anything else about the files is input/output (4). */
static int plot_exit(int rc) {
  return rc == LYRA_EINVAL   ? EXIT_USAGE
         : rc == LYRA_ENOMEM ? EXIT_NOMEM
                             : EXIT_IO;
}

/* Populations in the order of their ids, which is the order a lyra model
 * declares them in (the loader gives them in file-name order); ties keep
 * the loader's order. */
static void order_by_id(lyra_spikes **pops, size_t n) {
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && pops[j - 1]->first_id > pops[j]->first_id;
         j--) {
      lyra_spikes *t = pops[j];
      pops[j] = pops[j - 1];
      pops[j - 1] = t;
    }
}

static int draw(const figure *f, lyra_spikes **pops, size_t n,
                const lyra_plot_opts *o, char *err, size_t errlen) {
  if (f->kind == KIND_RASTER)
    return lyra_plot_raster(pops, n, o, f->out, err, errlen);
  if (f->kind == KIND_HIST)
    return lyra_plot_histograms(pops, n, o, f->out, err, errlen);
  lyra_state *s;
  int rc = lyra_state_read(f->in, &s, err, errlen);
  if (!rc)
    rc = lyra_plot_traces(s, o, f->out, err, errlen);
  lyra_state_free(s);
  return rc;
}

static int draw_all(const plot_args *p, const plan *pl) {
  lyra_spikes **pops = NULL;
  size_t n = 0;
  char err[1024];
  int rc =
      pl->spikes ? lyra_spikes_load(p->path, &pops, &n, err, sizeof err) : 0;
  order_by_id(pops, n);
  for (size_t i = 0; i < pl->n && !rc; i++)
    if (!(rc = draw(&pl->figs[i], pops, n, &p->o, err, sizeof err)))
      printf("%s\n", pl->figs[i].out);
  lyra_spikes_free_all(pops, n);
  if (rc)
    fprintf(stderr, "lyra plot: %s\n", err);
  return rc ? plot_exit(rc) : EXIT_OK;
}

int cmd_plot(int argc, char **argv) {
  plot_args p;
  plan pl = {0};
  int code = parse_args(argc, argv, &p);
  if (!code)
    code = make_plan(&p, &pl);
  if (!code && p.out && pl.n != 1) {
    fprintf(stderr,
            "lyra plot: --out names one file, but %zu figures are to be "
            "drawn (leave --out out, or choose one --kind)\n",
            pl.n);
    code = EXIT_USAGE;
  }
  if (!code && p.out)
    snprintf(pl.figs[0].out, sizeof pl.figs[0].out, "%s", p.out);
  if (!code)
    code = draw_all(&p, &pl);
  free(pl.figs);
  return code;
}

int cli_plot_raster(lyra_network *net, char *path, size_t pathlen) {
  lyra_network_info in;
  lyra_spikes **pops;
  size_t n;
  char err[1024];
  lyra_network_get_info(net, &in);
  join(path, pathlen, in.output_dir, strlen(in.output_dir), "raster.png");
  int rc = lyra_spikes_load(in.output_dir, &pops, &n, err, sizeof err);
  if (!rc) {
    order_by_id(pops, n);
    rc = lyra_plot_raster(pops, n, NULL, path, err, sizeof err);
    lyra_spikes_free_all(pops, n);
  }
  if (rc)
    fprintf(stderr, "lyra run: --plot: %s\n", err);
  return rc ? -1 : 0;
}
