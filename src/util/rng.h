/*
 * Counter-based random numbers (Philox4x32-10, Random123).
 *
 * Every stream is keyed by (seed, purpose) and started at a counter made of
 * (entity, sub, step): the numbers a neuron, synapse row or device sees
 * depend only on who it is and when, never on which thread or process
 * draws them or in what order. That is what makes results independent of
 * the number of threads (and, later, ranks).
 */
#ifndef LYRA_RNG_H
#define LYRA_RNG_H

#include <Random123/philox.h>
#include <math.h>
#include <stdint.h>

/* Purposes: distinct keys, so streams of different uses never overlap. */
enum {
  LYRA__RNG_CONNECT = 1, /* entity: target (or source) neuron; sub: proj */
  LYRA__RNG_TOTAL = 2,   /* fixed_total_number in-degree split; sub: proj */
  LYRA__RNG_INIT = 3,    /* entity: neuron; sub: state variable */
  LYRA__RNG_POISSON = 4, /* entity: neuron; sub: device; step */
  LYRA__RNG_NOISE = 5,   /* entity: neuron; sub: device target; interval */
};

typedef struct lyra__rng {
  philox4x32_key_t key;
  philox4x32_ctr_t ctr;
  philox4x32_ctr_t out;
  int pos;
} lyra__rng;

static inline void lyra__rng_init(lyra__rng *r, uint64_t seed, uint32_t purpose,
                                  uint32_t entity, uint32_t sub,
                                  uint32_t step) {
  r->key.v[0] = (uint32_t)seed;
  r->key.v[1] = purpose;
  r->ctr.v[0] = entity;
  r->ctr.v[1] = sub;
  r->ctr.v[2] = step;
  r->ctr.v[3] = 0;
  r->pos = 4;
}

static inline uint32_t lyra__rng_u32(lyra__rng *r) {
  if (r->pos == 4) {
    r->out = philox4x32(r->ctr, r->key);
    r->ctr.v[3]++;
    r->pos = 0;
  }
  return r->out.v[r->pos++];
}

/* Uniform in (0, 1) with 53 random bits; never 0, so log() is safe.
 * Never 1 either: x + 0.5 is exact only below 2^52 (above, it rounds to
 * even), so the largest x would round up to 2^53, i.e. 1.0; that one value
 * is mapped to the largest double below 1. */
static inline double lyra__rng_uniform(lyra__rng *r) {
  uint64_t a = lyra__rng_u32(r) >> 5, b = lyra__rng_u32(r) >> 6;
  double u = ((double)(a * 67108864u + b) + 0.5) * (1.0 / 9007199254740992.0);
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/* Uniform integer in [0, n), n >= 1, without modulo bias (Lemire 2019). */
static inline uint32_t lyra__rng_below(lyra__rng *r, uint32_t n) {
  uint64_t m = (uint64_t)lyra__rng_u32(r) * n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    uint32_t t = (uint32_t)(-n) % n;
    while (low < t) {
      m = (uint64_t)lyra__rng_u32(r) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

/* Standard normal by the ziggurat method (Marsaglia & Tsang 2000, 256
 * layers, 55-bit uniforms): two 32-bit words and no transcendental
 * function in 99% of draws, which matters when every one of 3e8 synapses
 * draws a weight and a delay. The number of words used varies with the
 * value (rejections); streams are keyed per entity, so this changes no
 * result's independence of the thread count. (util/sample.c) */
double lyra__rng_normal(lyra__rng *r);

/* Philox4x32-10 of counters (first + i, c1, c2, c3), i < n, under key
 * (key0, key1); word k of block i goes to outk[i]. Equal to philox4x32. */
void lyra__philox_batch(uint32_t key0, uint32_t key1, uint32_t first,
                        uint32_t c1, uint32_t c2, uint32_t c3, uint32_t n,
                        uint32_t *restrict out0, uint32_t *restrict out1,
                        uint32_t *restrict out2, uint32_t *restrict out3);

/* Draws from a distribution (rng/sample.c). */
struct lyra_dist;
double lyra__rng_dist(lyra__rng *r, const struct lyra_dist *d);
/* Binomial(n, p): geometric waiting times for small means, inversion from
 * the mode otherwise; exact, O(min(n p, sqrt(n p))) + 1. */
uint64_t lyra__rng_binomial(lyra__rng *r, uint64_t n, double p);
/* Poisson(lambda) for lambda >= 10 by transformed rejection (PTRS,
 * Hoermann 1993). Small lambda is done by table inversion in the engine. */
uint32_t lyra__rng_poisson_ptrs(lyra__rng *r, double lambda);
/* log(k!) */
double lyra__log_factorial(uint32_t k);
double lyra__log_factorial_u64(uint64_t k);

#endif
