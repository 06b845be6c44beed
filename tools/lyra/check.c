/* lyra check: validate a model and say what it will take. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_check(int argc, char **argv) {
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      cli_help("check", 0);
      return EXIT_OK;
    }
    if (argv[i][0] == '-' || path) {
      fprintf(stderr, "lyra check: unexpected argument '%s'\n", argv[i]);
      return EXIT_USAGE;
    }
    path = argv[i];
  }
  if (!path) {
    cli_help("check", 1);
    return EXIT_USAGE;
  }
  lyra_model *m;
  int code = cli_load_model(path, &m);
  if (code)
    return code;
  int rc = lyra_model_validate(m);
  lyra_estimate e;
  if (!rc)
    rc = lyra_model_estimate(m, &e);
  if (rc) {
    fprintf(stderr, "%s: %s\n", path, lyra_model_errmsg(m));
    lyra_model_destroy(m);
    return cli_exit_code(rc);
  }
  printf("%s: valid\n", path);
  printf("dt %g ms, duration %g ms, seed %llu, output %s\n", lyra_model_dt(m),
         lyra_model_duration(m), (unsigned long long)lyra_model_seed(m),
         lyra_model_output_dir(m));
  for (int i = 0; i < lyra_model_population_count(m); i++)
    printf("  population %-10s %-14s %10u neurons\n",
           lyra_model_population_name(m, i), lyra_model_population_model(m, i),
           lyra_model_population_size(m, i));
  char b1[32], b2[32], b3[32];
  printf("%llu neurons, %.0f synapses (expected), %d projections, %d "
         "devices\n",
         (unsigned long long)e.neurons, e.synapses,
         lyra_model_projection_count(m), lyra_model_device_count(m));
  printf("memory: about %s peak (connectivity %s); available %s\n",
         cli_bytes(e.bytes_total, b1, sizeof b1),
         cli_bytes(e.bytes_synapses, b2, sizeof b2),
         cli_bytes(cli_available_memory(), b3, sizeof b3));
  lyra_model_destroy(m);
  return EXIT_OK;
}
