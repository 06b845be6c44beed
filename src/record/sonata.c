/* SONATA spike files (HDF5). */
#include "lyra_internal.h"

#include <stdio.h>

int lyra__sonata_read(const char *path, lyra_spikes ***out, size_t *n_out,
                      char *err, size_t errlen) {
  *out = NULL;
  *n_out = 0;
  if (err && errlen)
    snprintf(err, errlen, "%s: reading SONATA files is not built yet", path);
  return LYRA_ENOTSUP;
}
