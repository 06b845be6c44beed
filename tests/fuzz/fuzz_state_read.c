/* libFuzzer target: the native state-file reader must refuse, with a
 * one-line message, anything that is not a complete, consistent .lystate
 * file, and never read outside its input. */
#include "lyra.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lyra_state *s = NULL;
  char err[256];
  err[0] = '\0';
  int rc = lyra_state_parse(data, size, "fuzz.lystate", &s, err, sizeof err);
  if (rc == 0) {
    /* A file that parses is consistent: ids inside the population, steps
     * increasing multiples of the interval; every value can be read. */
    double sum = 0;
    for (uint32_t j = 0; j < s->n_neurons; j++)
      if (s->ids[j] < s->first_id || s->ids[j] - s->first_id >= s->size)
        abort();
    for (uint64_t i = 0; i < s->n; i++) {
      if ((i > 0 && s->steps[i] <= s->steps[i - 1]) ||
          s->steps[i] % s->interval_steps != 0)
        abort();
      for (uint32_t j = 0; j < s->n_neurons; j++)
        sum += s->values[i * s->n_neurons + j];
    }
    (void)sum;
  } else if (s != NULL || err[0] == '\0' || strchr(err, '\n')) {
    abort(); /* a failure leaves nothing and says why, in one line */
  }
  lyra_state_free(s);
  return 0;
}
