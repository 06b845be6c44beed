/* Sampling from distributions with the counter-based generator. */
#include "lyra_internal.h"
#include "util/rng.h"

#include <float.h>

double lyra__rng_dist(lyra__rng *r, const lyra_dist *d) {
  const double *p = d->p;
  switch (d->kind) {
  case LYRA_DIST_CONSTANT:
    return p[0];
  case LYRA_DIST_UNIFORM:
    return p[0] + (p[1] - p[0]) * lyra__rng_uniform(r);
  case LYRA_DIST_NORMAL:
    return p[0] + p[1] * lyra__rng_normal(r);
  case LYRA_DIST_NORMAL_CLIPPED:
    /* Redraw until inside; the spec check guarantees the window is within
     * 6 sd of the mean, so this ends (expected tries < 1e9 only in the
     * absurd worst case; typical windows take 1-2 tries). */
    for (;;) {
      double x = p[0] + p[1] * lyra__rng_normal(r);
      if (x >= p[2] && x <= p[3])
        return x;
    }
  case LYRA_DIST_LOGNORMAL:
    return exp(p[0] + p[1] * lyra__rng_normal(r));
  }
  return p[0];
}

uint64_t lyra__rng_binomial(lyra__rng *r, uint64_t n, double p) {
  if (p <= 0.0 || n == 0)
    return 0;
  if (p >= 1.0)
    return n;
  if (p > 0.5)
    return n - lyra__rng_binomial(r, n, 1.0 - p);
  /* Count successes: each gap between successes is geometric. */
  double log_q = log1p(-p);
  uint64_t k = 0, pos = 0;
  for (;;) {
    double gap = floor(log(lyra__rng_uniform(r)) / log_q);
    if (gap >= (double)(n - pos))
      return k;
    pos += (uint64_t)gap + 1;
    k++;
    if (pos >= n)
      return k;
  }
}

double lyra__log_factorial(uint32_t k) {
  if (k < 16) {
    double s = 0.0;
    for (uint32_t i = 2; i <= k; i++)
      s += log((double)i);
    return s;
  }
  /* Stirling series for lgamma(k + 1); the first omitted term is below
   * 1/(1188 x^9) < 2e-14 for x >= 17. (No lgamma(): it writes the global
   * signgam, a data race once threads draw.) */
  double x = (double)k + 1.0, x2 = x * x;
  return (x - 0.5) * log(x) - x + 0.9189385332046728 +
         (1.0 / 12.0 -
          (1.0 / 360.0 - (1.0 / 1260.0 - 1.0 / (1680.0 * x2)) / x2) / x2) /
             x;
}

uint32_t lyra__rng_poisson_ptrs(lyra__rng *r, double lam) {
  const double slam = sqrt(lam), loglam = log(lam);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    double u = lyra__rng_uniform(r) - 0.5, v = lyra__rng_uniform(r);
    double us = 0.5 - fabs(u);
    double k = floor((2.0 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr)
      return (uint32_t)k;
    if (k < 0 || (us < 0.013 && v > us))
      continue;
    if (k > 4e9)
      continue;
    if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
        -lam + k * loglam - lyra__log_factorial((uint32_t)k))
      return (uint32_t)k;
  }
}
