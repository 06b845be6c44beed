/*
 * Philox4x32-10 for many consecutive entities at once. Same function as
 * Random123's philox4x32() (tests/unit/test_philox.c checks that), but
 * written as a plain loop over entities so that the compiler vectorises
 * it: the Poisson input of every neuron needs one block per four steps,
 * and this is where a Brunel-type network spends its random numbers.
 */
#include "models/models.h" /* LYRA__HOT */
#include "util/rng.h"

#define M0 0xD2511F53u
#define M1 0xCD9E8D57u
#define W0 0x9E3779B9u
#define W1 0xBB67AE85u

LYRA__HOT
void lyra__philox_batch(uint32_t key0, uint32_t key1, uint32_t first,
                        uint32_t c1, uint32_t c2, uint32_t c3, uint32_t n,
                        uint32_t *restrict out0, uint32_t *restrict out1,
                        uint32_t *restrict out2, uint32_t *restrict out3) {
  for (uint32_t i = 0; i < n; i++) {
    uint32_t x0 = first + i, x1 = c1, x2 = c2, x3 = c3;
    uint32_t k0 = key0, k1 = key1;
    for (int r = 0; r < 10; r++) {
      uint64_t p0 = (uint64_t)M0 * x0, p1 = (uint64_t)M1 * x2;
      uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0;
      uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1;
      x1 = (uint32_t)p1;
      x3 = (uint32_t)p0;
      x0 = y0;
      x2 = y2;
      k0 += W0;
      k1 += W1;
    }
    out0[i] = x0;
    out1[i] = x1;
    out2[i] = x2;
    out3[i] = x3;
  }
}
