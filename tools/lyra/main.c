/* lyra: command-line front end. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  const char *usage;
  const char *text;
} help[] = {
    {NULL, "lyra COMMAND [OPTIONS]",
     "Simulate spiking neural networks described in a YAML model file.\n\n"
     "Commands:\n"
     "  run MODEL      simulate a model and summarise what it did\n"
     "  check MODEL    validate a model; print neuron/synapse counts and "
     "memory\n"
     "  models [NAME]  list neuron and device models, or describe one\n"
     "  analyze PATH   statistics of recorded spikes (rates, CV, Fano,\n"
     "                 correlation, spectrum, synchrony)\n"
     "  plot PATH      draw figures of recorded spikes or state (PNG, SVG, "
     "PDF)\n"
     "  report PATH    one self-contained HTML page: run summary, "
     "statistics,\n"
     "                 figures\n\n"
     "Options:\n"
     "  -h, --help     show help (also: lyra COMMAND --help)\n"
     "  --version      print the version\n\n"
     "Exit codes: 0 success, 1 simulation failed, 2 bad command line,\n"
     "3 invalid model file, 4 file not readable or writable, 5 out of "
     "memory.\n"
     "Documentation: docs/ and man lyra.\n"},
    {"run", "lyra run MODEL [OPTIONS]",
     "Build and simulate MODEL, write its recorders into the output\n"
     "directory, and print a table per population (neurons, spikes, mean\n"
     "rate, CV of inter-spike intervals) and a population-rate plot.\n\n"
     "Options:\n"
     "  --duration T   simulated time, e.g. 1000, 1000ms or 2s (default: "
     "model's)\n"
     "  --seed N       random seed 0..4294967295 (default: model's)\n"
     "  --out DIR      output directory (default: model's run.output)\n"
     "  --scale N[,K]  scale neuron counts by N and in-degrees by K "
     "(weights\n"
     "                 / sqrt(K)), as the microcircuit reference does\n"
     "  --threads N    threads, 0 = one per core (default: model's, else "
     "0);\n"
     "                 results are identical for any N\n"
     "  --warmup T     simulate T first, then the duration; timing "
     "figures\n"
     "                 cover the duration only\n"
     "  --timing       print construction time per phase, simulation "
     "time,\n"
     "                 real-time factor, events/s and bytes per synapse\n"
     "  --quiet        no progress line and no table\n"
     "  --no-progress  no progress line\n"
     "  --plot         draw a raster and rate plot into DIR/raster.png\n"
     "  --force        run even if the model seems too large for memory\n"
     "  -h, --help     show this help\n\n"
     "A progress line (percent, simulated time, real-time factor, ETA) is\n"
     "shown when standard error is a terminal. The run summary goes to\n"
     "DIR/run.json.\n"},
    {"check", "lyra check MODEL",
     "Validate MODEL and print its populations, the number of projections\n"
     "and devices, the expected number of neurons and synapses, and the\n"
     "predicted peak memory.\n"
     "Exits 3 with file:line:column and a message if the model is "
     "invalid.\n\n"
     "Options:\n  -h, --help     show this help\n"},
    {"plot", "lyra plot PATH [OPTIONS]",
     "Draw figures of recorded spikes or state. PATH is an output\n"
     "directory, a spike file (.lyspk, NEST text .dat/.gdf, SONATA .h5) or a\n"
     "state file (.lystate). Each figure's path is printed.\n\n"
     "Figures (--kind):\n"
     "  raster   spike raster of each population above its rate (default\n"
     "           for spikes): PATH/raster.png, or beside a spike file\n"
     "  hist     histograms of the neurons' firing rates and CVs of\n"
     "           inter-spike intervals: histograms.png\n"
     "  trace    the recorded variable against time, one line per neuron\n"
     "           (default for a state file): POP.VAR.png beside each\n"
     "           POP.VAR.lystate\n"
     "  all      every figure the directory has data for\n\n"
     "Options:\n"
     "  --kind K       raster, hist, trace or all\n"
     "  --out FILE     the figure's file when one is drawn; .png, .svg or "
     ".pdf\n"
     "  --t-start T    window start, e.g. 200, 200ms or 0.2s (default 0)\n"
     "  --t-stop T     window end (default: end of the recording)\n"
     "  --bin T        population-rate bins (default: about 200 bins)\n"
     "  --neurons N    neurons shown per population, or traces drawn\n"
     "                 (default 100 and 10)\n"
     "  --width PX     figure width, 400..16000 (default 1200)\n"
     "  --height PX    figure height, 300..16000 (default 800)\n"
     "  -h, --help     show this help\n\n"
     "Exits 2 on a bad option, 4 if PATH cannot be read or a figure "
     "written.\n"},
    {"models", "lyra models [NAME]",
     "Without NAME: list every neuron and device model. With NAME: its\n"
     "equations, integration scheme, parameters with units and defaults,\n"
     "and state variables.\n\n"
     "Options:\n  -h, --help     show this help\n"},
    {"report", "lyra report PATH [OPTIONS]",
     "Write one self-contained HTML file (figures embedded, no other files\n"
     "needed, opens offline) with the run summary from run.json, the\n"
     "statistics of 'lyra analyze', the raster with population rates, the\n"
     "rate and CV histograms, and the traces of every state file. PATH is\n"
     "an output directory or a spike file, as for 'lyra analyze'.\n\n"
     "Options:\n"
     "  --out FILE     where to write (default PATH/report.html, or\n"
     "                 report.html beside a spike file; '-': standard "
     "output)\n"
     "  --t-start T    analyse and draw spikes after T (default 0)\n"
     "  --t-stop T     ... up to and including T (default: end of the "
     "run)\n"
     "  --title TEXT   the page's title\n"
     "  -h, --help     show this help\n\n"
     "Exit codes: 0 done, 2 bad command line, 4 input missing, unreadable\n"
     "or malformed, or the report not writable, 5 out of memory.\n"},
    {"analyze", "lyra analyze PATH... [OPTIONS]",
     "Statistics of recorded spikes, per population: firing rate (mean,\n"
     "sd, quantiles over neurons), CV of inter-spike intervals, Fano factor\n"
     "of spike counts, mean pairwise count correlation on a sample of\n"
     "pairs, the peak of the population-rate spectrum, and Golomb's\n"
     "synchrony chi. PATH is an output directory, a native .lyspk file, a\n"
     "SONATA .h5 file or NEST text (.dat, .gdf); several PATHs are merged\n"
     "(populations of the same name, e.g. NEST's per-process files, into\n"
     "one). The window ends at the run's simulated time (run.json) if\n"
     "known, else at the last spike.\n\n"
     "Options:\n"
     "  --t-start T      analyse spikes after T (default 0)\n"
     "  --t-stop T       ... up to and including T\n"
     "  --fano-bin T     count bins of the Fano factor (default 50 ms)\n"
     "  --corr-bin T     bins of correlation and chi (default 10 ms)\n"
     "  --rate-bin T     population-rate bins of the spectrum (1 ms)\n"
     "  --segment T      Welch segment of the spectrum (1000 ms)\n"
     "  --pairs N        pairs sampled for the correlation (1000)\n"
     "  --seed N         seed of that sample (1)\n"
     "  --csv FILE       the table as CSV ('-': standard output)\n"
     "  --json FILE      the table as JSON (undefined values null)\n"
     "  --per-neuron FILE  rate, CV and Fano of every neuron, CSV\n"
     "  --spectrum FILE  the population-rate spectra, CSV\n"
     "  --quiet          no table\n"
     "  -h, --help       show this help\n\n"
     "Undefined statistics (no neuron with 3 spikes for the CV, ...) are\n"
     "n/a in the table, NaN in CSV and null in JSON.\n"
     "Exit codes: 0 done, 2 bad command line, 4 input missing, unreadable\n"
     "or malformed, or an output not writable, 5 out of memory.\n"},
};

int cli_help(const char *cmd, int to_stderr) {
  FILE *f = to_stderr ? stderr : stdout;
  for (size_t i = 0; i < sizeof help / sizeof help[0]; i++) {
    if ((cmd == NULL) != (help[i].name == NULL))
      continue;
    if (cmd && strcmp(cmd, help[i].name) != 0)
      continue;
    fprintf(f, "Usage: %s\n\n%s", help[i].usage, help[i].text);
    return 0;
  }
  fprintf(stderr, "lyra: no command '%s' (try 'lyra --help')\n", cmd);
  return -1;
}

int cli_exit_code(int rc) {
  switch (rc) {
  case LYRA_OK:
    return EXIT_OK;
  case LYRA_ENOMEM:
    return EXIT_NOMEM;
  case LYRA_EIO:
    return EXIT_IO;
  case LYRA_EPARSE:
  case LYRA_EINVAL:
  case LYRA_ENOTFOUND:
  case LYRA_EUNIT:
  case LYRA_ENOTSUP:
    return EXIT_MODEL;
  default:
    return EXIT_FAILURE_RUN;
  }
}

int cli_load_model(const char *path, lyra_model **out) {
  lyra_model *m;
  int rc = lyra_model_create(&m);
  *out = NULL;
  if (rc) {
    fprintf(stderr, "lyra: %s\n", lyra_strerror(rc));
    return EXIT_NOMEM;
  }
  rc = lyra_model_load_file(m, path);
  if (rc) {
    fprintf(stderr, "%s\n", lyra_model_errmsg(m));
    lyra_model_destroy(m);
    return cli_exit_code(rc);
  }
  *out = m;
  return 0;
}

int cli_parse_ms(const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || errno)
    return -1;
  while (*end == ' ')
    end++;
  if (strcmp(end, "s") == 0)
    v *= 1000.0;
  else if (*end && strcmp(end, "ms") != 0)
    return -1;
  if (!(v >= 0) || v > 1e12)
    return -1;
  *out = v;
  return 0;
}

int cli_time_option(const char *cmd, const char *name, const char *val,
                    double *out) {
  if (cli_parse_ms(val, out) == 0)
    return 0;
  fprintf(stderr,
          "lyra %s: %s: expected a time such as 1000, 1000ms or 1s, found "
          "'%s'\n",
          cmd, name, val);
  return -1;
}

const char *cli_stat(double x, int decimals, char *buf, size_t n) {
  if (isfinite(x))
    snprintf(buf, n, "%.*f", decimals, x);
  else
    snprintf(buf, n, "n/a");
  return buf;
}

const char *cli_bytes(double b, char *buf, int n) {
  const char *unit[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000.0 && u < 4) {
    b /= 1000.0;
    u++;
  }
  snprintf(buf, (size_t)n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
  return buf;
}

FILE *cli_out_open(const char *path, cli_outfile *o) {
  memset(o, 0, sizeof *o);
  if (strcmp(path, "-") == 0)
    return o->f = stdout;
  snprintf(o->path, sizeof o->path, "%s", path);
  snprintf(o->tmp, sizeof o->tmp, "%s.partial", path);
  return o->f = fopen(o->tmp, "w");
}

int cli_out_commit(cli_outfile *o, int failed) {
  if (o->f == stdout)
    return fflush(stdout) || ferror(stdout) ? -1 : 0;
  failed |= ferror(o->f) != 0;
  failed |= fclose(o->f) != 0;
  if (failed || rename(o->tmp, o->path) != 0) {
    remove(o->tmp);
    return -1;
  }
  return 0;
}

double cli_available_memory(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = 0;
  if (!f)
    return 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
      break;
  fclose(f);
  return kb * 1024.0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    cli_help(NULL, 1);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
      strcmp(cmd, "help") == 0) {
    return cli_help(argc > 2 ? argv[2] : NULL, 0) ? EXIT_USAGE : EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("lyra %s\n", lyra_version());
    return EXIT_OK;
  }
  if (strcmp(cmd, "run") == 0)
    return cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0)
    return cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "models") == 0)
    return cmd_models(argc - 1, argv + 1);
  if (strcmp(cmd, "analyze") == 0)
    return cmd_analyze(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0)
    return cmd_report(argc - 1, argv + 1);
  if (strcmp(cmd, "plot") == 0)
    return cmd_plot(argc - 1, argv + 1);
  fprintf(stderr, "lyra: unknown command '%s' (try 'lyra --help')\n", cmd);
  return EXIT_USAGE;
}
