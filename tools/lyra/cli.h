/* The lyra command line: shared declarations. Uses only lyra.h. */
#ifndef LYRA_CLI_H
#define LYRA_CLI_H

#include "lyra.h"

#include <stdio.h>

/* Exit codes (documented in docs/cli.md and lyra(1)). */
enum {
  EXIT_OK = 0,
  EXIT_FAILURE_RUN = 1, /* simulation failed */
  EXIT_USAGE = 2,       /* bad command line */
  EXIT_MODEL = 3,       /* model file invalid */
  EXIT_IO = 4,          /* file could not be read or written */
  EXIT_NOMEM = 5        /* out of memory, or model too large for this machine */
};

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Loads and merges the spikes of every path (lyra_spikes_load); on
 * failure prints "lyra CMD: message" and returns an exit code. */
int cli_load_spikes(const char *cmd, const char *const *paths, int n_paths,
                    lyra_spikes ***pops, size_t *n);
/* lyra_analyze on each population into a fresh array *out (free it);
 * on failure prints the message and returns an exit code. */
int cli_analyze_pops(const char *cmd, lyra_spikes **pops, size_t n,
                     const lyra_analysis_opts *o, lyra_pop_analysis **out);

/* Both: the spikes of every path and their statistics; on failure
 * nothing is left to free. */
int cli_spike_stats(const char *cmd, const char *const *paths, int n_paths,
                    const lyra_analysis_opts *o, lyra_spikes ***pops, size_t *n,
                    lyra_pop_analysis **r);

/* An output file written under a temporary name (path.partial) and
 * renamed when complete, or standard output for "-". */
typedef struct cli_outfile {
  FILE *f;
  char path[4096], tmp[4200];
} cli_outfile;
FILE *cli_out_open(const char *path, cli_outfile *o);
/* Closes; renames to the final name unless failed or a write failed
 * (then the temporary file is removed). Returns 0 or -1. */
int cli_out_commit(cli_outfile *o, int failed);
int cmd_plot(int argc, char **argv);

/* Prints the help of a command ("run", ...) or the overview (NULL).
 * Returns -1 (and says so) if there is no such command. */
int cli_help(const char *cmd, int to_stderr);
/* Exit code for a library error code. */
int cli_exit_code(int rc);
/* Loads a model file; prints the error and returns an exit code != 0 on
 * failure. */
int cli_load_model(const char *path, lyra_model **out);
/* Parses a number with an optional unit suffix "ms"/"s" into ms. */
int cli_parse_ms(const char *text, double *out);
/* The value of time option `name` of command `cmd` (1000, 1000ms, 1s) in
 * ms; says what is wrong and returns -1 if it is not one. */
int cli_time_option(const char *cmd, const char *name, const char *val,
                    double *out);
/* A statistic with the given decimals, or "n/a" where it is undefined
 * (NaN). */
const char *cli_stat(double x, int decimals, char *buf, size_t n);
/* Formats bytes as "12.3 MB". */
const char *cli_bytes(double bytes, char *buf, int n);
/* Draws DIR/raster.png from the run's spike files; its path goes to
 * path. Returns 0, or -1 (with a message) if nothing could be drawn or
 * written. */
int cli_plot_raster(lyra_network *net, char *path, size_t pathlen);
/* Memory available to this process (bytes), or 0 if unknown. */
double cli_available_memory(void);

#endif
