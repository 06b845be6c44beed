/*
 * libFuzzer target: any bytes given to lyra_model_load_string must give 0
 * or a negative code with a one-line message, never a crash, a leak or
 * undefined behaviour. A model that loads is also estimated, which walks
 * everything the loader stored.
 */
#include "lyra.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lyra_model *m = NULL;
  if (lyra_model_create(&m) != 0)
    return 0;
  int rc = lyra_model_load_string(m, (const char *)data, size, "fuzz.yaml");
  const char *msg = lyra_model_errmsg(m);
  if (rc > 0 || (rc < 0 && (msg[0] == '\0' || strchr(msg, '\n')))) {
    fprintf(stderr, "bad result %d: '%s'\n", rc, msg);
    abort(); /* the contract: negative code, one-line message */
  }
  if (rc == 0) {
    lyra_estimate e;
    (void)lyra_model_estimate(m, &e);
  } else if (lyra_model_population_count(m) != 0) {
    fprintf(stderr, "model not emptied after error %d\n", rc);
    abort();
  }
  lyra_model_destroy(m);
  return 0;
}
