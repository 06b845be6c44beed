/* lyra models: the model catalogue. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void print_table(const char *title, const lyra_param_info *p, size_t n) {
  if (!n)
    return;
  printf("\n%s:\n", title);
  for (size_t i = 0; i < n; i++) {
    char def[32];
    if (isinf(p[i].default_value))
      snprintf(def, sizeof def, "%sinf", p[i].default_value < 0 ? "-" : "");
    else
      snprintf(def, sizeof def, "%g", p[i].default_value);
    printf("  %-18s %10s %-4s  %s\n", p[i].name, def, p[i].unit, p[i].doc);
  }
}

static void describe(const lyra_model_info *m) {
  printf("%s (%s)\n\n%s\n\nequations: %s\nintegration: %s\n", m->name, m->kind,
         m->doc, m->equations, m->integration);
  if (m->weight_unit && *m->weight_unit)
    printf("weight unit: %s\n", m->weight_unit);
  print_table("parameters (name, default, unit)", m->params, m->n_params);
  print_table("state variables (name, initial value, unit)", m->state,
              m->n_state);
}

int cmd_models(int argc, char **argv) {
  const char *name = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      cli_help("models", 0);
      return EXIT_OK;
    }
    if (argv[i][0] == '-' || name) {
      fprintf(stderr, "lyra models: unexpected argument '%s'\n", argv[i]);
      return EXIT_USAGE;
    }
    name = argv[i];
  }
  if (name) {
    const lyra_model_info *m = lyra_model_info_find(name);
    if (!m) {
      fprintf(stderr,
              "lyra models: unknown model '%s' (run 'lyra models' "
              "for the list)\n",
              name);
      return EXIT_USAGE;
    }
    describe(m);
    return EXIT_OK;
  }
  for (size_t i = 0; i < lyra_model_info_count(); i++) {
    const lyra_model_info *m = lyra_model_info_at(i);
    printf("%-20s %-7s %s\n", m->name, m->kind, m->integration);
  }
  return EXIT_OK;
}
