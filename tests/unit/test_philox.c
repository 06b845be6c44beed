/* The vectorisable Philox batch equals Random123's philox4x32-10. */
#include "test.h"
#include "util/rng.h"

#include <stdlib.h>

TEST(rng_philox_batch_matches_random123) {
  enum { N = 1000 };
  uint32_t *o[4];
  for (int k = 0; k < 4; k++)
    o[k] = malloc(N * sizeof(uint32_t));
  const uint32_t keys[][2] = {{0, 0}, {12345, 4}, {0xffffffffu, 7}};
  for (int t = 0; t < 3; t++) {
    uint32_t first = 0xfffffe00u * (uint32_t)(t == 2) + 17u;
    lyra__philox_batch(keys[t][0], keys[t][1], first, 3, 99 + t, 0, N, o[0],
                       o[1], o[2], o[3]);
    int bad = 0;
    for (uint32_t i = 0; i < N; i++) {
      philox4x32_ctr_t c = {{first + i, 3, 99u + (uint32_t)t, 0}};
      philox4x32_key_t k = {{keys[t][0], keys[t][1]}};
      philox4x32_ctr_t r = philox4x32(c, k);
      for (int w = 0; w < 4; w++)
        bad += r.v[w] != o[w][i];
    }
    CHECK_EQ_INT(bad, 0);
  }
  for (int k = 0; k < 4; k++)
    free(o[k]);
}

/* Binomial by inversion from the mode (n p >= 16): mean and variance of
 * 20,000 draws within 5 standard errors (false failure ~6e-7 each). */
static void check_binomial(uint64_t n, double p) {
  enum { N = 20000 };
  lyra__rng r;
  lyra__rng_init(&r, 77, 9, 1, 2, 3);
  double sum = 0, sq = 0;
  for (int i = 0; i < N; i++) {
    double k = (double)lyra__rng_binomial(&r, n, p);
    sum += k;
    sq += k * k;
  }
  double mean = sum / N, var = sq / N - mean * mean;
  double mu = (double)n * p, sigma2 = mu * (1 - p);
  CHECK_NEAR(mean, mu, 5 * sqrt(sigma2 / N));
  CHECK_NEAR(var, sigma2, 5 * sigma2 * sqrt(2.0 / N));
}

TEST(rng_binomial_mode_search) {
  check_binomial(1000000, 0.3);
  check_binomial(300000000, 1.0 / 77169);
  check_binomial(40, 0.45);
  check_binomial(1000, 0.99);
}
