/* lyra run: simulate a model and summarise what it did. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct run_opts {
  const char *model;
  double duration;         /* < 0: model's */
  long long seed;          /* < 0: model's */
  int threads;             /* < 0: model's */
  double scale_n, scale_k; /* 1: no scaling */
  double warmup;           /* ms simulated before the timing starts */
  const char *out;
  int quiet, progress, force, plot, timing;
} run_opts;

static int parse_args(int argc, char **argv, run_opts *o) {
  memset(o, 0, sizeof *o);
  o->duration = -1;
  o->seed = -1;
  o->threads = -1;
  o->scale_n = o->scale_k = 1.0;
  o->progress = isatty(2);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      cli_help("run", 0);
      exit(EXIT_OK);
    } else if (strcmp(a, "--quiet") == 0) {
      o->quiet = 1;
      o->progress = 0;
    } else if (strcmp(a, "--no-progress") == 0) {
      o->progress = 0;
    } else if (strcmp(a, "--timing") == 0) {
      o->timing = 1;
    } else if (strcmp(a, "--plot") == 0) {
      o->plot = 1;
    } else if (strcmp(a, "--force") == 0) {
      o->force = 1;
    } else if (strcmp(a, "--duration") == 0 && val) {
      if (cli_time_option("run", a, val, &o->duration))
        return EXIT_USAGE;
      i++;
    } else if (strcmp(a, "--seed") == 0 && val) {
      char *end;
      o->seed = strtoll(val, &end, 10);
      if (*end || end == val || o->seed < 0 || o->seed > 4294967295LL) {
        fprintf(stderr,
                "lyra run: --seed: expected an integer "
                "0..4294967295, found '%s'\n",
                val);
        return EXIT_USAGE;
      }
      i++;
    } else if (strcmp(a, "--warmup") == 0 && val) {
      if (cli_time_option("run", a, val, &o->warmup))
        return EXIT_USAGE;
      i++;
    } else if (strcmp(a, "--scale") == 0 && val) {
      char *end;
      o->scale_n = strtod(val, &end);
      o->scale_k = *end == ',' ? strtod(end + 1, &end) : 1.0;
      if (*end || !(o->scale_n > 0 && o->scale_n <= 1) ||
          !(o->scale_k > 0 && o->scale_k <= 1)) {
        fprintf(stderr,
                "lyra run: --scale: expected N or N,K with factors "
                "in (0, 1], found '%s'\n",
                val);
        return EXIT_USAGE;
      }
      i++;
    } else if (strcmp(a, "--threads") == 0 && val) {
      char *end;
      long t = strtol(val, &end, 10);
      if (*end || end == val || t < 0 || t > 1024) {
        fprintf(stderr,
                "lyra run: --threads: expected an integer 0..1024 "
                "(0: one per core), found '%s'\n",
                val);
        return EXIT_USAGE;
      }
      o->threads = (int)t;
      i++;
    } else if (strcmp(a, "--out") == 0 && val) {
      o->out = val;
      i++;
    } else if (a[0] == '-' || o->model) {
      fprintf(stderr,
              "lyra run: unexpected argument '%s' (try 'lyra run "
              "--help')\n",
              a);
      return EXIT_USAGE;
    } else {
      o->model = a;
    }
  }
  if (!o->model) {
    cli_help("run", 1);
    return EXIT_USAGE;
  }
  return 0;
}

static void progress(void *user, double t, double t_end, double wall) {
  (void)user;
  double frac = t_end > 0 ? t / t_end : 1.0;
  double rtf = t > 0 ? wall / (t * 1e-3) : 0;
  double eta = frac > 0 ? wall * (1.0 - frac) / frac : 0;
  fprintf(stderr,
          "\r[%5.1f%%] %.1f of %.1f ms simulated, real-time factor %.2f, "
          "ETA %.0f s   ",
          100.0 * frac, t, t_end, rtf, eta);
  if (t >= t_end)
    fputc('\n', stderr);
  fflush(stderr);
}

/* A population-rate sparkline over the run, one character per bin. */
static void print_rate_plot(lyra_network *net, int pop, double t_ms,
                            double dt) {
  static const char *bars[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  enum { WIDTH = 60 };
  double rates[WIDTH];
  double bin = ceil(t_ms / WIDTH / dt) * dt;
  int nb = lyra_network_population_rate(net, pop, bin, rates, WIDTH);
  if (nb <= 0)
    return;
  double hi = 0;
  for (int k = 0; k < nb; k++)
    hi = rates[k] > hi ? rates[k] : hi;
  lyra_pop_stats s;
  lyra_network_population_stats(net, pop, &s);
  printf("  %-8s |", s.name);
  for (int k = 0; k < nb; k++)
    fputs(bars[hi > 0 ? (int)lround(8.0 * rates[k] / hi) : 0], stdout);
  printf("| peak %.1f Hz\n", hi);
}

static void print_summary(lyra_network *net) {
  lyra_network_info in;
  lyra_network_get_info(net, &in);
  int width = 14; /* of the model column: the longest name */
  for (int i = 0; i < lyra_network_population_count(net); i++) {
    lyra_pop_stats s;
    lyra_network_population_stats(net, i, &s);
    width = (int)strlen(s.model) > width ? (int)strlen(s.model) : width;
  }
  printf("\n%-10s %-*s %9s %11s %10s %8s\n", "population", width, "model",
         "neurons", "spikes", "rate (Hz)", "CV ISI");
  for (int i = 0; i < lyra_network_population_count(net); i++) {
    lyra_pop_stats s;
    lyra_network_population_stats(net, i, &s);
    printf("%-10s %-*s %9u %11llu %10.2f %8.3f\n", s.name, width, s.model,
           s.size, (unsigned long long)s.spikes, s.rate_hz, s.cv_isi);
  }
  double bin_ms = ceil(in.t_ms / 60 / in.dt) * in.dt;
  printf("\npopulation rate over %.0f ms (%.1f ms per character):\n", in.t_ms,
         bin_ms);
  for (int i = 0; i < lyra_network_population_count(net); i++)
    print_rate_plot(net, i, in.t_ms, in.dt);
  char b1[32], b2[32];
  printf("\n%llu neurons, %llu synapses (%s, %.2f bytes/synapse), memory "
         "%s\n",
         (unsigned long long)in.neurons, (unsigned long long)in.synapses,
         cli_bytes((double)in.bytes_synapses, b1, sizeof b1),
         in.synapses ? (double)in.bytes_synapses / (double)in.synapses : 0.0,
         cli_bytes((double)in.bytes_total, b2, sizeof b2));
  printf("build %.2f s, simulation %.2f s (real-time factor %.2f), %.3g "
         "synaptic events/s, %d thread%s\n",
         in.build_s, in.sim_s,
         in.timed_ms > 0 ? in.sim_s / (in.timed_ms * 1e-3) : 0,
         in.sim_s > 0 ? (double)in.events / in.sim_s : 0.0, in.threads,
         in.threads == 1 ? "" : "s");
  printf("output: %s/\n", in.output_dir);
}

/* lyra run --timing: where the time went, and what it bought. */
static void print_timing(lyra_network *net) {
  lyra_network_info in;
  lyra_network_get_info(net, &in);
  printf("\ntiming (%d thread%s):\n", in.threads, in.threads == 1 ? "" : "s");
  for (int i = 0; i < in.n_phases; i++)
    printf("  construction: %-28s %8.3f s\n", in.phase_name[i], in.phase_s[i]);
  printf("  construction total %24s %8.3f s\n", "", in.build_s);
  printf("  simulation %32s %8.3f s for %.1f ms%s\n", "", in.sim_s, in.timed_ms,
         in.timed_ms < in.t_ms ? " (after the warm-up)" : "");
  printf("  real-time factor %26s %8.3f\n", "",
         in.timed_ms > 0 ? in.sim_s / (in.timed_ms * 1e-3) : 0.0);
  printf("  synaptic events per second %16s %8.3g\n", "",
         in.sim_s > 0 ? (double)in.events / in.sim_s : 0.0);
  printf("  bytes per synapse %25s %8.2f\n", "",
         in.synapses ? (double)in.bytes_synapses / (double)in.synapses : 0.0);
  if (in.plastic_synapses)
    printf("  bytes per plastic synapse %17s %8.2f\n", "",
           (double)in.bytes_plastic / (double)in.plastic_synapses);
  printf("  memory allocated %26s %8.1f MB\n", "", in.bytes_total / 1e6);
}

static int apply_overrides(lyra_model *m, const run_opts *o) {
  int rc = 0;
  if (o->seed >= 0)
    rc = lyra_model_set_seed(m, (uint64_t)o->seed);
  if (!rc && o->out)
    rc = lyra_model_set_output_dir(m, o->out);
  if (!rc && (o->scale_n != 1.0 || o->scale_k != 1.0))
    rc = lyra_model_scale(m, o->scale_n, o->scale_k);
  if (!rc && o->threads >= 0)
    rc = lyra_model_set_threads(m, o->threads);
  if (!rc && o->duration >= 0)
    rc = lyra_model_set_duration(m, o->duration);
  if (rc)
    fprintf(stderr, "lyra run: %s\n", lyra_model_errmsg(m));
  return rc ? EXIT_USAGE : 0;
}

/* Refuses a model that will not fit, rather than being killed later. */
static int check_memory(lyra_model *m, const run_opts *o) {
  lyra_estimate e;
  double avail = cli_available_memory();
  if (o->force || lyra_model_estimate(m, &e) || avail <= 0)
    return 0;
  if (e.bytes_total > 0.9 * avail) {
    char b1[32], b2[32];
    fprintf(stderr,
            "lyra run: %s: the network needs about %s but only %s is "
            "available; use a smaller model or --force\n",
            o->model, cli_bytes(e.bytes_total, b1, sizeof b1),
            cli_bytes(avail, b2, sizeof b2));
    return EXIT_NOMEM;
  }
  return 0;
}

int cmd_run(int argc, char **argv) {
  run_opts o;
  lyra_model *m;
  lyra_network *net;
  char err[1024];
  int code = parse_args(argc, argv, &o);
  if (code || (code = cli_load_model(o.model, &m)))
    return code;
  if ((code = apply_overrides(m, &o)) || (code = check_memory(m, &o))) {
    lyra_model_destroy(m);
    return code;
  }
  double duration = lyra_model_duration(m);
  int rc = lyra_network_create(&net, m, err, sizeof err);
  lyra_model_destroy(m);
  if (rc) {
    fprintf(stderr, "lyra run: %s: %s\n", o.model, err);
    return cli_exit_code(rc);
  }
  if (o.warmup > 0) {
    /* No progress line here: its real-time factor and ETA would mix the
     * warm-up with the measured part. */
    rc = lyra_network_simulate(net, o.warmup, NULL, NULL);
    lyra_network_reset_timing(net);
  }
  if (!rc)
    rc = lyra_network_simulate(net, duration, o.progress ? progress : NULL,
                               NULL);
  if (!rc)
    rc = lyra_network_finish(net);
  if (rc) {
    fprintf(stderr, "lyra run: %s\n", lyra_network_errmsg(net));
    lyra_network_destroy(net);
    return rc == LYRA_EIO      ? EXIT_IO
           : rc == LYRA_ENOMEM ? EXIT_NOMEM
                               : EXIT_FAILURE_RUN;
  }
  if (!o.quiet)
    print_summary(net);
  if (o.timing)
    print_timing(net);
  char fig[4096];
  if (o.plot && cli_plot_raster(net, fig, sizeof fig) == 0)
    printf("raster plot: %s\n", fig);
  lyra_network_destroy(net);
  return EXIT_OK;
}
