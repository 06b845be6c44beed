/* lyra models: the model catalogue. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Word i of choices "a|b|c" into buf. */
static const char *choice_word(const char *choices, long i, char *buf,
                               size_t cap) {
  const char *c = choices;
  for (; i > 0 && c; i--)
    c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL;
  snprintf(buf, cap, "%.*s", c ? (int)strcspn(c, "|") : 0, c ? c : "");
  return buf;
}

/* A list shows its default one-element list and "UNIT, list"; a choice
 * its default word, "choice" and the words. */
static void print_table(const char *title, const lyra_param_info *p, size_t n) {
  if (!n)
    return;
  printf("\n%s:\n", title);
  for (size_t i = 0; i < n; i++) {
    char def[64], num[32], unit[32], words[256] = "";
    if (isinf(p[i].default_value))
      snprintf(num, sizeof num, "%sinf", p[i].default_value < 0 ? "-" : "");
    else
      snprintf(num, sizeof num, "%g", p[i].default_value);
    snprintf(def, sizeof def, p[i].is_list ? "[%s]" : "%s", num);
    snprintf(unit, sizeof unit, "%s%s%s", p[i].unit,
             p[i].is_list && *p[i].unit ? ", " : "",
             p[i].is_list ? "list" : "");
    if (p[i].choices) {
      choice_word(p[i].choices, lround(p[i].default_value), def, sizeof def);
      snprintf(unit, sizeof unit, "choice");
      size_t at = (size_t)snprintf(words, sizeof words, " (one of:");
      for (const char *c = p[i].choices; c && at < sizeof words;
           c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL)
        at += (size_t)snprintf(words + at, sizeof words - at, "%s %.*s",
                               c == p[i].choices ? "" : ",",
                               (int)strcspn(c, "|"), c);
      if (at < sizeof words)
        snprintf(words + at, sizeof words - at, ")");
    }
    printf("  %-18s %10s %-4s  %s%s\n", p[i].name, def, unit, p[i].doc, words);
  }
}

static void describe(const lyra_model_info *m) {
  printf("%s (%s)\n\n%s\n\nequations: %s\nintegration: %s\n", m->name, m->kind,
         m->doc, m->equations, m->integration);
  if (m->weight_unit && *m->weight_unit)
    printf("weight unit: %s\n", m->weight_unit);
  if (m->receptors && *m->receptors)
    printf("receptors: %s\n", m->receptors);
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
    printf("%-28s %-7s %s\n", m->name, m->kind, m->integration);
  }
  return EXIT_OK;
}
