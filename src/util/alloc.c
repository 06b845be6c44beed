/* Allocation helpers. They return NULL on failure and never abort: the
 * caller turns NULL into LYRA_ENOMEM with a message on its handle. */
#include "lyra_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void *lyra__malloc(size_t n) {
  return malloc(n ? n : 1);
}

void *lyra__calloc(size_t count, size_t size) {
  return calloc(count ? count : 1, size ? size : 1);
}

void *lyra__realloc(void *p, size_t n) {
  return realloc(p, n ? n : 1);
}

void *lyra__malloc_aligned(size_t n) {
  void *p = NULL;
  /* Round up so that the size is a multiple of the alignment, as C11
   * aligned_alloc requires. */
  size_t rounded = (n + 63) & ~(size_t)63;
  if (rounded < n)
    return NULL;
  if (posix_memalign(&p, 64, rounded ? rounded : 64) != 0)
    return NULL;
  return p;
}

void lyra__free_aligned(void *p) {
  free(p);
}

char *lyra__strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = lyra__malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}

size_t lyra__mul_size(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return SIZE_MAX;
  return n * size;
}

double lyra__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int lyra__resolve_threads(int requested) {
  if (requested > 0)
    return requested;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n >= 1 ? (n > 1024 ? 1024 : (int)n) : 1;
}
