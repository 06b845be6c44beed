/* The lyra command line: shared declarations. Uses only lyra.h. */
#ifndef LYRA_CLI_H
#define LYRA_CLI_H

#include "lyra.h"

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
/* Formats bytes as "12.3 MB". */
const char *cli_bytes(double bytes, char *buf, int n);
/* Draws DIR/raster.png from the run's spike files; its path goes to
 * path. Returns 0, or -1 (with a message) if nothing could be drawn or
 * written. */
int cli_plot_raster(lyra_network *net, char *path, size_t pathlen);
/* Memory available to this process (bytes), or 0 if unknown. */
double cli_available_memory(void);

#endif
