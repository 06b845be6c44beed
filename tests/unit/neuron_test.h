/*
 * neuron_test.h - helpers shared by the single-neuron tests
 * (test_neurons.c, test_multisynapse.c): building a network from a model,
 * reading neuron 0's state, keeping the worst error of a run, and the
 * closed-form PSP of an exponential current.
 */
#ifndef LYRA_NEURON_TEST_H
#define LYRA_NEURON_TEST_H

#include "lyra.h"
#include "test.h"

#include <math.h>

/* Builds the network and destroys the model. NULL on failure. */
static inline lyra_network *build(lyra_model *m) {
  char err[1024] = "";
  lyra_network *net = NULL;
  if (!m)
    return NULL;
  if (lyra_network_create(&net, m, err, sizeof err) != 0)
    test_fail(__FILE__, __LINE__, "lyra_network_create: %s", err);
  lyra_model_destroy(m);
  return net;
}

/* State variable var of neuron 0 of population 0. */
static inline double get(const lyra_network *net, const char *var) {
  double v = (double)NAN;
  if (lyra_network_get_state(net, 0, 0, var, &v) != 0)
    test_fail(__FILE__, __LINE__, "get_state %s failed", var);
  return v;
}

/* Worst error over a run, reported once (a wrong model would otherwise
 * print hundreds of lines). */
typedef struct {
  double worst; /* max |got - want| / tol */
  long at;
  double got, want;
} maxerr;

static inline maxerr maxerr_init(void) {
  maxerr e = {-1.0, -1, 0.0, 0.0};
  return e;
}

static inline void maxerr_add(maxerr *e, long at, double got, double want,
                              double tol) {
  double r = fabs(got - want) / tol;
  if (isnan(r))
    r = (double)INFINITY;
  if (r > e->worst)
    *e = (maxerr){r, at, got, want};
}

#define CHECK_MAXERR(e, what)                                                  \
  do {                                                                         \
    if (!((e).worst <= 1.0))                                                   \
      test_fail(__FILE__, __LINE__,                                            \
                "%s: at readout %ld got %.17g, want %.17g (%.3g x tolerance)", \
                what, (e).at, (e).got, (e).want, (e).worst);                   \
  } while (0)

/* V_m - E_L of a neuron at rest after the current w exp(-t/tau_s) (pA)
 * starts at t = 0, written independently of the engine's propagators:
 *   V' = -V/tau_m + I/C_m, V(0) = 0
 *   V = w/C_m tau_m tau_s/(tau_m - tau_s) (exp(-t/tau_m) - exp(-t/tau_s)),
 * and w/C_m t exp(-t/tau) for tau_s = tau_m = tau. */
static inline double psp_exp(double w, double c_m, double tau_m, double tau_s,
                             double t) {
  if (t <= 0)
    return 0.0;
  if (tau_s == tau_m)
    return w / c_m * t * exp(-t / tau_m);
  return w / c_m * tau_m * tau_s / (tau_m - tau_s) *
         (exp(-t / tau_m) - exp(-t / tau_s));
}

#endif
