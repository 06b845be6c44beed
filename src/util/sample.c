/* Sampling from distributions with the counter-based generator. */
#include "lyra_internal.h"
#include "util/rng.h"

#include <float.h>
#include <pthread.h>

/* Ziggurat tables: layer i spans [0, zx[i]) at heights between zf[i] and
 * zf[i + 1], f(x) = exp(-x^2/2); zx[256] = 0. Computed once. */
#define ZIG_R 3.6541528853610088
#define ZIG_V 0.00492867323399
static double zx[257], zf[257];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void) {
  double f = exp(-0.5 * ZIG_R * ZIG_R);
  zx[0] = ZIG_V / f;
  zx[1] = ZIG_R;
  for (int i = 1; i < 255; i++)
    zx[i + 1] = sqrt(-2.0 * log(ZIG_V / zx[i] + exp(-0.5 * zx[i] * zx[i])));
  zx[256] = 0.0;
  for (int i = 0; i <= 256; i++)
    zf[i] = exp(-0.5 * zx[i] * zx[i]);
}

double lyra__rng_normal(lyra__rng *r) {
  pthread_once(&zig_once, zig_init);
  for (;;) {
    uint64_t bits = (uint64_t)lyra__rng_u32(r) << 32 | lyra__rng_u32(r);
    int i = (int)(bits & 0xff);
    double sign = (bits & 0x100) ? -1.0 : 1.0;
    double u = (double)(bits >> 9) * (1.0 / 36028797018963968.0); /* 2^55 */
    double x = u * zx[i];
    if (x < zx[i + 1])
      return sign * x; /* inside the rectangle: 99% of draws */
    if (i == 0) {      /* the tail beyond r (Marsaglia 1964) */
      double a, b;
      do {
        a = -log(lyra__rng_uniform(r)) / ZIG_R;
        b = -log(lyra__rng_uniform(r));
      } while (b + b < a * a);
      return sign * (ZIG_R + a);
    }
    if (zf[i] + lyra__rng_uniform(r) * (zf[i + 1] - zf[i]) < exp(-0.5 * x * x))
      return sign * x; /* in the wedge under the curve */
  }
}

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

/* Binomial(n, p) by inversion of the support searched outward from the
 * mode (m, m+1, m-1, m+2, ...): exact for any order of the support, and
 * O(sqrt(n p (1-p))) steps. The pmf at the mode comes from log-factorials
 * (relative error ~1e-13 for n below 1e9), the others by ratios. */
static uint64_t binomial_mode_search(lyra__rng *r, uint64_t n, double p) {
  const double q = 1.0 - p, ratio = p / q;
  const uint64_t m = (uint64_t)floor((double)(n + 1) * p);
  const double mm = (double)(m > n ? n : m);
  const uint64_t mode = (uint64_t)mm;
  double pm = exp(lyra__log_factorial_u64(n) - lyra__log_factorial_u64(mode) -
                  lyra__log_factorial_u64(n - mode) + mm * log(p) +
                  (double)(n - mode) * log1p(-p));
  double u = lyra__rng_uniform(r) - pm;
  if (u <= 0)
    return mode;
  double up = pm, down = pm;
  uint64_t hi = mode, lo = mode;
  for (;;) {
    int moved = 0;
    if (hi < n) { /* pmf(k+1) = pmf(k) (n-k)/(k+1) p/q */
      up *= (double)(n - hi) / (double)(hi + 1) * ratio;
      hi++;
      moved = 1;
      if ((u -= up) <= 0)
        return hi;
    }
    if (lo > 0) { /* pmf(k-1) = pmf(k) k/(n-k+1) q/p */
      down *= (double)lo / (double)(n - lo + 1) / ratio;
      lo--;
      moved = 1;
      if ((u -= down) <= 0)
        return lo;
    }
    if (!moved || (up < 1e-300 && down < 1e-300))
      return mode; /* rounding left a sliver: the mode absorbs it */
  }
}

uint64_t lyra__rng_binomial(lyra__rng *r, uint64_t n, double p) {
  if (p <= 0.0 || n == 0)
    return 0;
  if (p >= 1.0)
    return n;
  if (p > 0.5)
    return n - lyra__rng_binomial(r, n, 1.0 - p);
  if ((double)n * p >= 16.0)
    return binomial_mode_search(r, n, p);
  /* Small means: count successes, each gap between them geometric. */
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

double lyra__log_factorial_u64(uint64_t k) {
  if (k < 16) {
    double s = 0.0;
    for (uint64_t i = 2; i <= k; i++)
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

double lyra__log_factorial(uint32_t k) {
  return lyra__log_factorial_u64(k);
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
