/* Random numbers (util/rng.h, util/sample.c) and the Poisson generator
 * device (engine/devices.c), which draws its counts from them.
 *
 * Statistical checks. Every test draws from fixed streams, so it is
 * reproducible: it either always passes or always fails. The tolerances
 * say how often a *correct* generator would fail for an arbitrary seed:
 *  - means, variances, correlations: within Z_TOL = 4.5 standard errors,
 *    a two-sided false-failure probability of 6.8e-6 per check (normal
 *    approximation; every sample has >= 1000 draws);
 *  - chi-square goodness of fit: p-value of the statistic > P_TOL = 1e-5
 *    (upper tail: a bad fit), and for uniformity tests also < 1 - P_TOL
 *    (lower tail: draws too regular to be random).
 * With about 120 such checks here, the chance that a correct generator
 * fails any of them for a random seed is below 1e-3.
 */
#include "engine/network.h"
#include "lyra.h"
#include "stats.h"
#include "test.h"
#include "util/rng.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define Z_TOL 4.5
#define P_TOL 1e-5

/* ---- statistics helpers ------------------------------------------------ */

/* Pearson statistic of a histogram against probabilities prob[0..n) for
 * `total` draws, after merging bins: consecutive bins are pooled until
 * their expectation reaches 5, and a remainder below that joins the last
 * pooled bin. *df_out gets the degrees of freedom (pooled bins - 1). */
static double chi2_hist(const uint64_t *obs, const double *prob, size_t n,
                        double total, double *df_out) {
  double *po = malloc((n + 1) * sizeof *po), *pe = malloc((n + 1) * sizeof *pe);
  size_t bins = 0;
  double o = 0.0, e = 0.0;
  for (size_t i = 0; i < n; i++) {
    o += (double)obs[i];
    e += prob[i] * total;
    if (e >= 5.0) {
      po[bins] = o;
      pe[bins++] = e;
      o = e = 0.0;
    }
  }
  if (bins == 0) {
    po[bins] = 0.0;
    pe[bins++] = 0.0;
  }
  po[bins - 1] += o;
  pe[bins - 1] += e;
  double x2 = 0.0;
  for (size_t b = 0; b < bins; b++)
    x2 += (po[b] - pe[b]) * (po[b] - pe[b]) / pe[b];
  free(po);
  free(pe);
  *df_out = (double)bins - 1.0;
  return x2;
}

/* Upper-tail check: the fit is not bad. */
#define CHECK_FIT(x2, df)                                                      \
  do {                                                                         \
    double p_ = chi2_sf((x2), (df));                                           \
    if (!(p_ > P_TOL))                                                         \
      test_fail(__FILE__, __LINE__, "chi-square %g with %g df: p = %g",        \
                (double)(x2), (double)(df), p_);                               \
  } while (0)

/* Two-sided check: neither bad nor too regular. */
#define CHECK_CHI2(x2, df)                                                     \
  do {                                                                         \
    double p_ = chi2_sf((x2), (df));                                           \
    if (!(p_ > P_TOL && p_ < 1.0 - P_TOL))                                     \
      test_fail(__FILE__, __LINE__, "chi-square %g with %g df: p = %g",        \
                (double)(x2), (double)(df), p_);                               \
  } while (0)

/* Running sums for moments of a sample. */
typedef struct acc {
  double n, s1, s2, s3, s4; /* of x - shift */
  double shift;
} acc;

static void acc_add(acc *a, double x) {
  double y = x - a->shift;
  a->n += 1.0;
  a->s1 += y;
  a->s2 += y * y;
  a->s3 += y * y * y;
  a->s4 += y * y * y * y;
}
static double acc_mean(const acc *a) {
  return a->shift + a->s1 / a->n;
}
/* Unbiased sample variance. */
static double acc_var(const acc *a) {
  double m = a->s1 / a->n;
  return (a->s2 - a->n * m * m) / (a->n - 1.0);
}

/* Mean and variance within Z_TOL standard errors of a distribution with
 * mean mu, variance var and fourth central moment mu4. The standard error
 * of the unbiased sample variance is sqrt(mu4 / n - var^2 (n - 3) /
 * (n (n - 1))), exact for independent draws. */
#define CHECK_MOMENTS(a, mu, var_, mu4)                                        \
  do {                                                                         \
    CHECK_NEAR(acc_mean(&(a)), (mu), Z_TOL *sqrt((var_) / (a).n));             \
    CHECK_NEAR(acc_var(&(a)), (var_),                                          \
               Z_TOL *sqrt((mu4) / (a).n - (var_) * (var_) * ((a).n - 3.0) /   \
                                               ((a).n * ((a).n - 1.0))));      \
  } while (0)

/* Pearson correlation of pairs. */
typedef struct corr {
  double n, sx, sy, sxx, syy, sxy;
} corr;
static void corr_add(corr *c, double x, double y) {
  c->n += 1;
  c->sx += x;
  c->sy += y;
  c->sxx += x * x;
  c->syy += y * y;
  c->sxy += x * y;
}
static double corr_r(const corr *c) {
  double cov = c->sxy - c->sx * c->sy / c->n;
  double vx = c->sxx - c->sx * c->sx / c->n, vy = c->syy - c->sy * c->sy / c->n;
  return cov / sqrt(vx * vy);
}
/* Independent pairs: r is within Z_TOL / sqrt(n) of 0. */
#define CHECK_UNCORRELATED(c) CHECK_NEAR(corr_r(&(c)), 0.0, Z_TOL / sqrt((c).n))

/* ---- the generator itself ---------------------------------------------- */

TEST(rng_philox_known_answers) {
  /* Random123's kat_vectors for philox4x32-10: counter, key -> output */
  static const uint32_t kat[3][10] = {
      {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
       0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
       0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
  };
  for (int k = 0; k < 3; k++) {
    const uint32_t *v = kat[k];
    lyra__rng r;
    /* seed -> key[0], purpose -> key[1]; entity, sub, step -> ctr[0..2] */
    lyra__rng_init(&r, v[4], v[5], v[0], v[1], v[2]);
    r.ctr.v[3] = v[3]; /* the block index, 0 after init */
    for (int i = 0; i < 4; i++)
      CHECK_EQ_INT(lyra__rng_u32(&r), v[6 + i]);
    /* the next block is the next counter */
    philox4x32_ctr_t c = {{v[0], v[1], v[2], v[3] + 1}};
    philox4x32_key_t key = {{v[4], v[5]}};
    philox4x32_ctr_t want = philox4x32(c, key);
    for (int i = 0; i < 4; i++)
      CHECK_EQ_INT(lyra__rng_u32(&r), want.v[i]);
  }
}

TEST(rng_streams_keyed_by_every_field) {
  lyra__rng a, b;
  uint32_t first[1000];
  lyra__rng_init(&a, 77, LYRA__RNG_CONNECT, 5, 6, 7);
  for (int i = 0; i < 1000; i++)
    first[i] = lyra__rng_u32(&a);
  lyra__rng_init(&b, 77, LYRA__RNG_CONNECT, 5, 6, 7);
  int same = 1;
  for (int i = 0; i < 1000; i++)
    same &= lyra__rng_u32(&b) == first[i];
  CHECK(same);
  /* changing any one field gives another stream */
  const uint32_t f[5][5] = {{78, LYRA__RNG_CONNECT, 5, 6, 7},
                            {77, LYRA__RNG_INIT, 5, 6, 7},
                            {77, LYRA__RNG_CONNECT, 6, 6, 7},
                            {77, LYRA__RNG_CONNECT, 5, 7, 7},
                            {77, LYRA__RNG_CONNECT, 5, 6, 8}};
  for (int k = 0; k < 5; k++) {
    lyra__rng_init(&b, f[k][0], f[k][1], f[k][2], f[k][3], f[k][4]);
    int equal = 0;
    for (int i = 0; i < 1000; i++)
      equal += lyra__rng_u32(&b) == first[i];
    CHECK(equal < 3); /* chance coincidences: 1000 * 2^-32 expected */
  }
}

TEST(rng_draws_consume_fixed_amounts) {
  /* uniform takes two 32-bit words; the stream position after it never
   * depends on the value. (normal, a ziggurat, takes two in 99% of draws
   * and more on rejection: not a fixed amount.) */
  lyra__rng r, ref;
  lyra__rng_init(&ref, 9, 3, 1, 2, 3);
  uint32_t words[16];
  for (int i = 0; i < 16; i++)
    words[i] = lyra__rng_u32(&ref);
  lyra__rng_init(&r, 9, 3, 1, 2, 3);
  (void)lyra__rng_uniform(&r);
  CHECK_EQ_INT(lyra__rng_u32(&r), words[2]);
}

/* A generator whose next 32-bit words are given (the block is preset). */
static void rng_preset(lyra__rng *r, uint32_t w0, uint32_t w1, uint32_t w2,
                       uint32_t w3) {
  lyra__rng_init(r, 0, 0, 0, 0, 0);
  r->out.v[0] = w0;
  r->out.v[1] = w1;
  r->out.v[2] = w2;
  r->out.v[3] = w3;
  r->pos = 0;
}

TEST(rng_uniform_extremes_inside_open_interval) {
  /* the smallest and largest 53-bit values must stay inside (0, 1): log()
   * of the result is taken without a check, and a uniform [low, high)
   * must not reach high because of it */
  lyra__rng r;
  rng_preset(&r, 0, 0, 0xffffffffu, 0xffffffffu);
  double lo = lyra__rng_uniform(&r), hi = lyra__rng_uniform(&r);
  CHECK(lo > 0.0);
  CHECK(lo < 1e-15);
  CHECK(hi < 1.0);
  CHECK(hi > 1.0 - 1e-15);
  /* only the top 27 and 26 bits of the two words are used */
  rng_preset(&r, 31, 63, 0, 0);
  CHECK(lyra__rng_uniform(&r) == lo);
}

TEST(rng_uniform_moments) {
  /* 1e6 draws: mean 1/2 (var 1/12), variance 1/12 (mu4 = 1/80), all in
   * (0, 1); 100 equal bins (99 df, two-sided); lag-1 correlation ~ 0. */
  lyra__rng r;
  lyra__rng_init(&r, 12345, 99, 0, 0, 0);
  acc a = {0};
  a.shift = 0.5;
  uint64_t hist[100] = {0};
  double prob[100];
  corr c = {0};
  double prev = 0.5, lo = 1.0, hi = 0.0;
  const int n = 1000000;
  for (int i = 0; i < n; i++) {
    double u = lyra__rng_uniform(&r);
    lo = u < lo ? u : lo;
    hi = u > hi ? u : hi;
    acc_add(&a, u);
    hist[(int)(u * 100.0) < 100 ? (int)(u * 100.0) : 99]++;
    if (i)
      corr_add(&c, prev, u);
    prev = u;
  }
  CHECK(lo > 0.0 && hi < 1.0);
  CHECK(lo < 1e-4 && hi > 1.0 - 1e-4);
  CHECK_MOMENTS(a, 0.5, 1.0 / 12.0, 1.0 / 80.0);
  for (int k = 0; k < 100; k++)
    prob[k] = 0.01;
  double df;
  double x2 = chi2_hist(hist, prob, 100, n, &df);
  CHECK_EQ_INT(df, 99);
  CHECK_CHI2(x2, df);
  CHECK_UNCORRELATED(c);
}

/* Draws n values of below(m) and checks them: all < m, chi-square of
 * `bins` equal-width bins (v * bins / m, two-sided) and of v mod `mod`
 * (two-sided, probabilities exact for the given m). */
static void check_below(uint32_t m, int n, int bins, uint32_t mod,
                        uint64_t seed) {
  lyra__rng r;
  lyra__rng_init(&r, seed, 99, m, 0, 0);
  uint64_t hb[64] = {0}, hm[16] = {0};
  acc a = {0};
  a.shift = 0.5 * ((double)m - 1.0);
  int over = 0;
  for (int i = 0; i < n; i++) {
    uint32_t v = lyra__rng_below(&r, m);
    over += v >= m;
    acc_add(&a, (double)v);
    hb[(uint64_t)v * (uint64_t)bins / m]++;
    hm[v % mod]++;
  }
  CHECK_EQ_INT(over, 0);
  /* discrete uniform on [0, m): var (m^2 - 1) / 12, mu4 ~ m^4 / 80 */
  double dm = m, var = (dm * dm - 1.0) / 12.0;
  CHECK_NEAR(acc_mean(&a), 0.5 * (dm - 1.0), Z_TOL * sqrt(var / n));
  if (m >= 1000)
    CHECK_MOMENTS(a, 0.5 * (dm - 1.0), var, dm * dm * dm * dm / 80.0);
  /* exact bin probabilities: bin b holds v with v * bins / m == b */
  double pb[64], pm[16], df;
  for (int b = 0; b < bins; b++) {
    uint64_t first = ((uint64_t)b * m + (uint64_t)bins - 1) / (uint64_t)bins;
    uint64_t next = ((uint64_t)(b + 1) * m + (uint64_t)bins - 1) / bins;
    pb[b] = (double)(next - first) / dm;
  }
  double x2 = chi2_hist(hb, pb, (size_t)bins, n, &df);
  CHECK_EQ_INT(df, bins - 1);
  CHECK_CHI2(x2, df);
  for (uint32_t k = 0; k < mod; k++)
    pm[k] = (double)(((uint64_t)m - k + mod - 1) / mod) / dm; /* v % mod == k */
  x2 = chi2_hist(hm, pm, mod, n, &df);
  CHECK_EQ_INT(df, (int)mod - 1);
  CHECK_CHI2(x2, df);
}

TEST(rng_below_uniform) {
  lyra__rng r;
  lyra__rng_init(&r, 1, 99, 1, 0, 0);
  int bad = 0;
  for (int i = 0; i < 10000; i++)
    bad += lyra__rng_below(&r, 1) != 0;
  CHECK_EQ_INT(bad, 0);
  check_below(2, 100000, 2, 2, 11);
  check_below(3, 300000, 3, 3, 12);
  check_below(10, 200000, 10, 7, 13);
  /* 2^31 + 1: about half of all words are rejected */
  check_below(2147483649u, 200000, 16, 2, 14);
  /* 3 * 2^30: plain modulo would double the first third (caught by the
   * bins); multiplication without rejection would make v % 3 == 0 twice
   * as likely as the others (caught by the residues) */
  check_below(3221225472u, 200000, 12, 3, 15);
  check_below(4294967295u, 100000, 16, 5, 16);
}

TEST(rng_normal_moments) {
  /* 1e6 draws: mean 0 (SE 1e-3), variance 1 (mu4 = 3), skewness 0 (SE
   * sqrt(6/n)), kurtosis 3 (SE sqrt(24/n)); tail mass beyond 3 sd
   * 0.0026998 (binomial SE); 40 bins of width 0.2 over [-4, 4] plus two
   * tails against the exact normal probabilities. */
  lyra__rng r;
  lyra__rng_init(&r, 2024, 99, 7, 0, 0);
  const int n = 1000000;
  acc a = {0};
  uint64_t hist[42] = {0}, tail3 = 0;
  for (int i = 0; i < n; i++) {
    double x = lyra__rng_normal(&r);
    acc_add(&a, x);
    tail3 += fabs(x) > 3.0;
    int b = x < -4.0 ? 0 : x >= 4.0 ? 41 : 1 + (int)floor((x + 4.0) / 0.2);
    hist[b < 0 ? 0 : b > 41 ? 41 : b]++;
  }
  CHECK_MOMENTS(a, 0.0, 1.0, 3.0);
  double m = a.s1 / n, v = a.s2 / n - m * m;
  double skew = (a.s3 / n - 3 * m * a.s2 / n + 2 * m * m * m) / pow(v, 1.5);
  double kurt =
      (a.s4 / n - 4 * m * a.s3 / n + 6 * m * m * a.s2 / n - 3 * m * m * m * m) /
      (v * v);
  CHECK_NEAR(skew, 0.0, Z_TOL * sqrt(6.0 / n));
  CHECK_NEAR(kurt, 3.0, Z_TOL * sqrt(24.0 / n));
  double p3 = erfc(3.0 / sqrt(2.0));
  CHECK_NEAR((double)tail3 / n, p3, Z_TOL * sqrt(p3 * (1 - p3) / n));
  double prob[42], df;
  for (int b = 0; b < 42; b++) {
    double lo = b == 0 ? -HUGE_VAL : -4.0 + 0.2 * (b - 1);
    double hi = b == 41 ? HUGE_VAL : -4.0 + 0.2 * b;
    prob[b] = 0.5 * (erfc(-hi / sqrt(2.0)) - erfc(-lo / sqrt(2.0)));
  }
  double x2 = chi2_hist(hist, prob, 42, n, &df);
  CHECK_FIT(x2, df);
}

/* log of the Binomial(n, p) pmf at k */
static double binom_logpmf(double n, double p, double k) {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) + k * log(p) +
         (n - k) * log1p(-p);
}

TEST(rng_binomial) {
  static const struct {
    uint64_t n;
    double p;
    int draws;
  } cases[] = {
      {1, 0.5, 100000},      {10, 0.3, 100000},  {10, 0.7, 100000},
      {100, 0.05, 100000},   {50, 0.95, 100000}, {1000, 0.5, 20000},
      {1000000, 1e-3, 3000}, {37, 0.5, 50000},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    double n = (double)cases[c].n, p = cases[c].p, q = 1.0 - p;
    lyra__rng r;
    lyra__rng_init(&r, 5, 99, (uint32_t)c, 0, 0);
    acc a = {0};
    a.shift = n * p;
    uint64_t *hist = calloc(cases[c].n + 1, sizeof *hist);
    int over = 0;
    for (int i = 0; i < cases[c].draws; i++) {
      uint64_t k = lyra__rng_binomial(&r, cases[c].n, p);
      over += k > cases[c].n;
      if (k <= cases[c].n)
        hist[k]++;
      acc_add(&a, (double)k);
    }
    CHECK_EQ_INT(over, 0);
    double var = n * p * q, mu4 = var * (1.0 + 3.0 * (n - 2.0) * p * q);
    CHECK_MOMENTS(a, n * p, var, mu4);
    if (cases[c].n <= 1000) {
      double *prob = malloc((cases[c].n + 1) * sizeof *prob), df;
      for (uint64_t k = 0; k <= cases[c].n; k++)
        prob[k] = exp(binom_logpmf(n, p, (double)k));
      double x2 = chi2_hist(hist, prob, cases[c].n + 1, cases[c].draws, &df);
      CHECK_FIT(x2, df);
      free(prob);
    }
    free(hist);
  }
  /* degenerate cases are exact and draw nothing */
  lyra__rng r, ref;
  lyra__rng_init(&r, 5, 99, 100, 0, 0);
  ref = r;
  CHECK_EQ_INT(lyra__rng_binomial(&r, 0, 0.5), 0);
  CHECK_EQ_INT(lyra__rng_binomial(&r, 17, 0.0), 0);
  CHECK_EQ_INT(lyra__rng_binomial(&r, 17, 1.0), 17);
  CHECK_EQ_INT(lyra__rng_binomial(&r, 1000000000000ull, 1.0), 1000000000000ull);
  CHECK_EQ_INT(lyra__rng_u32(&r), lyra__rng_u32(&ref));
  /* tiny p, huge n: mean n p */
  acc a = {0};
  for (int i = 0; i < 2000; i++)
    acc_add(&a, (double)lyra__rng_binomial(&r, 4000000000ull, 2.5e-9));
  CHECK_NEAR(acc_mean(&a), 10.0, Z_TOL * sqrt(10.0 / 2000));
}

static double poisson_logpmf(double lam, double k) {
  return -lam + k * log(lam) - lgamma(k + 1);
}

TEST(rng_poisson_ptrs) {
  /* mean lambda, variance lambda (mu4 = lambda (1 + 3 lambda)); and the
   * full pmf by chi-square. 30.5 is the smallest kind of lambda the
   * Poisson generator sends here (it inverts a table up to 30). */
  static const double lams[] = {10.0, 30.5, 50.0, 1000.0, 123456.7};
  for (size_t c = 0; c < sizeof lams / sizeof lams[0]; c++) {
    double lam = lams[c];
    const int n = 200000;
    size_t nb = (size_t)(lam + 12.0 * sqrt(lam) + 20.0);
    uint64_t *hist = calloc(nb + 1, sizeof *hist);
    double *prob = malloc((nb + 1) * sizeof *prob);
    lyra__rng r;
    lyra__rng_init(&r, 6, 99, (uint32_t)c, 0, 0);
    acc a = {0};
    a.shift = lam;
    for (int i = 0; i < n; i++) {
      uint32_t k = lyra__rng_poisson_ptrs(&r, lam);
      acc_add(&a, k);
      hist[k < nb ? k : nb]++;
    }
    CHECK_MOMENTS(a, lam, lam, lam * (1.0 + 3.0 * lam));
    double cum = 0.0, df;
    for (size_t k = 0; k < nb; k++) {
      prob[k] = exp(poisson_logpmf(lam, (double)k));
      cum += prob[k];
    }
    prob[nb] = fmax(0.0, 1.0 - cum);
    double x2 = chi2_hist(hist, prob, nb + 1, n, &df);
    CHECK(df > 10);
    CHECK_FIT(x2, df);
    free(hist);
    free(prob);
  }
}

TEST(rng_log_factorial) {
  double sum = 0.0;
  for (uint32_t k = 0; k <= 300; k++) {
    if (k > 1)
      sum += log((double)k);
    CHECK_NEAR(lyra__log_factorial(k), sum, 1e-12 * fmax(sum, 1.0));
  }
  CHECK(lyra__log_factorial(0) == 0.0 && lyra__log_factorial(1) == 0.0);
  /* large k (PTRS uses it up to ~4e9) against lgamma */
  static const uint32_t big[] = {1000, 65536, 1000000, 123456789, 4000000000u};
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
    double want = lgamma((double)big[i] + 1.0);
    CHECK_NEAR(lyra__log_factorial(big[i]), want, 1e-13 * want);
  }
}

/* ---- the Poisson generator device -------------------------------------- */

/* Records per-step input counts of n iaf_psc_delta neurons that only
 * integrate: E_L = 0, V_m(0) = 0, tau_m = 1e12 ms (decay 1e-13 per step),
 * threshold out of reach. Devices: rates[d] Hz, weight weights[d] mV,
 * delay one step. After T steps counts[s * n + i] holds the weighted
 * input of neuron i in step s (an integer sum of counts * weights). */
typedef struct pg_run {
  uint32_t n;
  int steps;
  double *inc; /* [steps * n] */
} pg_run;

static pg_run pg_simulate(uint64_t seed, uint32_t n, int steps, int ndev,
                          const double *rates, const double *weights) {
  pg_run out = {n, steps, calloc((size_t)steps * n, sizeof(double))};
  lyra_model *m = NULL;
  CHECK_EQ_INT(lyra_model_create(&m), 0);
  CHECK_EQ_INT(lyra_model_set_seed(m, seed), 0);
  CHECK_EQ_INT(lyra_model_set_output_dir(m, test_tmpdir()), 0);
  int pop = -1;
  CHECK_EQ_INT(lyra_model_add_population(m, "P", "iaf_psc_delta", n, &pop), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, pop, "E_L", 0.0), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, pop, "V_reset", 0.0), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, pop, "V_th", 1e12), 0);
  CHECK_EQ_INT(lyra_model_set_param(m, pop, "tau_m", 1e12), 0);
  lyra_dist zero = lyra_dist_constant(0.0);
  CHECK_EQ_INT(lyra_model_set_initial(m, pop, "V_m", &zero), 0);
  for (int d = 0; d < ndev; d++) {
    int dev = -1;
    CHECK_EQ_INT(lyra_model_add_device(m, "poisson_generator", &dev), 0);
    CHECK_EQ_INT(lyra_model_set_device_param(m, dev, "rate", rates[d]), 0);
    CHECK_EQ_INT(lyra_model_connect_device(m, dev, pop, weights[d], 0.1,
                                           LYRA_RECEPTOR_AUTO),
                 0);
  }
  lyra_network *net = NULL;
  char err[256] = "";
  int rc = lyra_network_create(&net, m, err, sizeof err);
  lyra_model_destroy(m);
  if (rc) {
    test_fail(__FILE__, __LINE__, "network create: %s", err);
    return out;
  }
  double *prev = calloc(n, sizeof *prev);
  for (int s = 0; s < steps; s++) {
    CHECK_EQ_INT(lyra_network_simulate(net, 0.1, NULL, NULL), 0);
    for (uint32_t i = 0; i < n; i++) {
      double v = 0.0;
      lyra_network_get_state(net, pop, i, "V_m", &v);
      out.inc[(size_t)s * n + i] = v - prev[i];
      prev[i] = v;
    }
  }
  free(prev);
  lyra_network_destroy(net);
  return out;
}

/* Integer counts from the increments (weight 1), checking they are whole
 * numbers; step 0 must be empty (nothing emitted before step 0 arrives). */
static uint32_t *pg_counts(const pg_run *r) {
  size_t total = (size_t)r->steps * r->n;
  uint32_t *c = malloc(total * sizeof *c);
  int frac = 0, neg = 0;
  for (size_t j = 0; j < total; j++) {
    double x = r->inc[j], k = round(x);
    frac += fabs(x - k) > 1e-3; /* decay and rounding: < 1e-5 */
    neg += k < 0;
    c[j] = k < 0 ? 0 : (uint32_t)k;
  }
  CHECK_EQ_INT(frac, 0);
  CHECK_EQ_INT(neg, 0);
  int early = 0;
  for (uint32_t i = 0; i < r->n; i++)
    early += c[i] != 0;
  CHECK_EQ_INT(early, 0);
  return c;
}

/* Checks the counts of steps 1..T-1 (emission steps 0..T-2) against
 * Poisson(lam): pooled pmf (chi-square), mean and variance per step,
 * per-neuron totals over the run (mean and variance lam M across neurons,
 * M emission steps), and no correlation between consecutive steps of a
 * neuron or between neighbouring neurons in a step. */
static void check_poisson_counts(const uint32_t *c, uint32_t n, int steps,
                                 double lam) {
  int m_steps = steps - 1;
  size_t nb = (size_t)(lam + 12.0 * sqrt(lam) + 20.0);
  uint64_t *hist = calloc(nb + 1, sizeof *hist);
  double *prob = malloc((nb + 1) * sizeof *prob);
  acc pooled = {0}, totals = {0};
  pooled.shift = lam;
  totals.shift = lam * m_steps;
  corr lag = {0}, nb_corr = {0};
  for (uint32_t i = 0; i < n; i++) {
    double tot = 0.0;
    for (int s = 1; s < steps; s++) {
      uint32_t k = c[(size_t)s * n + i];
      hist[k < nb ? k : nb]++;
      acc_add(&pooled, k);
      tot += k;
      if (s + 1 < steps)
        corr_add(&lag, k, c[(size_t)(s + 1) * n + i]);
      if (i + 1 < n)
        corr_add(&nb_corr, k, c[(size_t)s * n + i + 1]);
    }
    acc_add(&totals, tot);
  }
  CHECK_MOMENTS(pooled, lam, lam, lam * (1.0 + 3.0 * lam));
  double lm = lam * m_steps;
  CHECK_MOMENTS(totals, lm, lm, lm * (1.0 + 3.0 * lm));
  CHECK_UNCORRELATED(lag);
  CHECK_UNCORRELATED(nb_corr);
  double cum = 0.0, df;
  for (size_t k = 0; k < nb; k++) {
    prob[k] = exp(poisson_logpmf(lam, (double)k));
    cum += prob[k];
  }
  prob[nb] = fmax(0.0, 1.0 - cum);
  double x2 = chi2_hist(hist, prob, nb + 1, (double)n * m_steps, &df);
  CHECK(df >= 2);
  CHECK_FIT(x2, df);
  free(hist);
  free(prob);
}

TEST(rng_poisson_generator_counts) {
  /* 1000 neurons, 301 steps (300 emission steps) at dt 0.1 ms:
   * lambda = rate dt = 0.05 and 2 (table inversion), 30 (the largest
   * inverted), 50 (PTRS). */
  static const double lams[] = {0.05, 2.0, 30.0, 50.0};
  for (size_t k = 0; k < sizeof lams / sizeof lams[0]; k++) {
    double rate = lams[k] / 0.1e-3, w = 1.0;
    pg_run r = pg_simulate(31 + k, 1000, 301, 1, &rate, &w);
    uint32_t *c = pg_counts(&r);
    check_poisson_counts(c, 1000, 301, lams[k]);
    free(c);
    free(r.inc);
  }
}

TEST(rng_poisson_generator_reproducible) {
  /* the same seed gives the same counts, bit for bit; another seed other
   * counts */
  double rates[2] = {20000.0, 500000.0}, w[2] = {0.1, 0.25};
  pg_run a = pg_simulate(7, 200, 50, 2, rates, w);
  pg_run b = pg_simulate(7, 200, 50, 2, rates, w);
  pg_run c = pg_simulate(8, 200, 50, 2, rates, w);
  size_t bytes = (size_t)50 * 200 * sizeof(double);
  CHECK(memcmp(a.inc, b.inc, bytes) == 0);
  CHECK(memcmp(a.inc, c.inc, bytes) != 0);
  free(a.inc);
  free(b.inc);
  free(c.inc);
}

TEST(rng_poisson_generator_streams_independent) {
  /* Two devices onto the same neurons, told apart by their weights: 1 for
   * device 0 (lambda 2), 1000 for device 1 (lambda 3); the per-step
   * increment is k0 + 1000 k1 (k0 < 1000 surely). Each is Poisson with
   * its own lambda and the two are uncorrelated. Then the same with the
   * PTRS path (lambda 40 and 60). */
  static const double lam[2][2] = {{2.0, 3.0}, {40.0, 60.0}};
  for (int k = 0; k < 2; k++) {
    double rates[2] = {lam[k][0] / 0.1e-3, lam[k][1] / 0.1e-3};
    double w[2] = {1.0, 1000.0};
    const uint32_t n = 1000;
    const int steps = 201;
    pg_run r = pg_simulate(99 + (uint64_t)k, n, steps, 2, rates, w);
    uint32_t *all = pg_counts(&r);
    size_t total = (size_t)steps * n;
    uint32_t *c0 = malloc(total * sizeof *c0), *c1 = malloc(total * 4);
    corr x = {0};
    for (size_t j = 0; j < total; j++) {
      c0[j] = all[j] % 1000;
      c1[j] = all[j] / 1000;
      if (j >= n)
        corr_add(&x, c0[j], c1[j]);
    }
    CHECK_UNCORRELATED(x);
    check_poisson_counts(c0, n, steps, lam[k][0]);
    check_poisson_counts(c1, n, steps, lam[k][1]);
    free(c0);
    free(c1);
    free(all);
    free(r.inc);
  }
}
