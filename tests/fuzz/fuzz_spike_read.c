/* libFuzzer target: the native spike-file reader must refuse, with a
 * message, anything that is not a complete, consistent .lyspk file, and
 * never read outside its input. */
#include "lyra.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lyra_spikes *s = NULL;
  char err[256];
  err[0] = '\0';
  int rc = lyra_spikes_parse(data, size, "fuzz.lyspk", &s, err, sizeof err);
  if (rc == 0) {
    /* A file that parses is consistent: ids inside the population, time
     * never going backwards. */
    for (uint64_t i = 0; i < s->n; i++)
      if (s->ids[i] < s->first_id || s->ids[i] - s->first_id >= s->size ||
          (i > 0 && s->steps[i] < s->steps[i - 1]))
        abort();
  } else if (s != NULL || err[0] == '\0' || strchr(err, '\n')) {
    abort(); /* a failure leaves nothing and says why, in one line */
  }
  lyra_spikes_free(s);
  return 0;
}
