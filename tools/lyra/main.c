/* lyra: command-line front end. */
#include "cli.h"

#include <errno.h>
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
     "  plot PATH      draw figures of recorded spikes or state (PNG, SVG, "
     "PDF)\n\n"
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
  if (strcmp(cmd, "plot") == 0)
    return cmd_plot(argc - 1, argv + 1);
  fprintf(stderr, "lyra: unknown command '%s' (try 'lyra --help')\n", cmd);
  return EXIT_USAGE;
}
