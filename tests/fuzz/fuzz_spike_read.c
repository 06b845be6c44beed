/* libFuzzer target: the spike-file readers (native .lyspk and NEST-style
 * text) must refuse, with a message, anything that is not a complete,
 * consistent file, and never read outside their input. Every input goes
 * through both. */
#include "lyra.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*parser)(const void *, size_t, const char *, lyra_spikes **,
                      char *, size_t);

/* A file that parses is consistent: ids inside the population, times
 * finite and never going backwards. A failure leaves nothing and says
 * why, in one line. */
static void check(parser parse, const uint8_t *data, size_t size,
                  const char *name) {
  lyra_spikes *s = NULL;
  char err[256];
  err[0] = '\0';
  int rc = parse(data, size, name, &s, err, sizeof err);
  if (rc == 0) {
    for (uint64_t i = 0; i < s->n; i++)
      if (s->ids[i] < s->first_id ||
          (uint64_t)(s->ids[i] - s->first_id) >= s->size ||
          !isfinite(s->times_ms[i]) ||
          (i > 0 && s->times_ms[i] < s->times_ms[i - 1]))
        abort();
  } else if (s != NULL || err[0] == '\0' || strchr(err, '\n')) {
    abort();
  }
  lyra_spikes_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check(lyra_spikes_parse, data, size, "fuzz.lyspk");
  check(lyra_spikes_parse_text, data, size, "fuzz-3-0.dat");
  return 0;
}
