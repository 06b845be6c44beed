/*
 * models.h - the neuron model interface.
 *
 * A neuron model is a table (lyra__model_desc) of metadata plus three
 * functions over a whole population: validate its parameters, precompute
 * its propagators, and advance a range of neurons by one step. The engine
 * calls update once per population and step, never per neuron, so the hot
 * loop is a plain loop over structure-of-arrays state.
 */
#ifndef LYRA_MODELS_H
#define LYRA_MODELS_H

#include "lyra_internal.h"

#include <float.h>
#include <math.h>

/* Input ports of a neuron: spike receptors first, then one current port.
 * Ring-buffer channel of port r of neuron i: chan_base + r * n + i. The
 * number of spike ports is the population's (n_spike_ports): fixed by the
 * model, or, for a multisynapse model, the length of its lists. */
#define LYRA__MAX_VARS 32

typedef struct lyra__pop {
  const lyra__model_desc *model;
  uint32_t n;         /* neurons */
  uint32_t gid0;      /* global index of neuron 0 */
  uint32_t chan_base; /* first ring-buffer channel */
  int n_spike_ports;  /* spike ports 0 .. n_spike_ports - 1, then the
                         current port */
  double dt;
  double params[LYRA__MAX_PARAMS];
  /* List parameters (multisynapse models): lists[i] has n_spike_ports
   * values of parameter i, port k (0-based) at lists[i][k]; NULL for
   * scalar parameters. They point into list_mem, which the pop owns. */
  const double *lists[LYRA__MAX_PARAMS];
  double *list_mem;
  double vars[LYRA__MAX_VARS]; /* propagators, computed by prepare */
  double *port_vars;           /* [n_spike_ports * model->n_port_vars]: per-port
                                  propagators, computed by prepare (lyra__port_vars) */
  int32_t refr_steps;          /* refractory period in steps */
  int has_current; /* a device feeds the current port: models may skip it
                      when not (it then stays zero) */
  double *state[LYRA__MAX_STATE]; /* visible then hidden state, each [n] */
  /* Per-port state: model->n_port_state arrays for each spike port, in
   * one block, each array port_stride (>= n, a multiple of 8) long
   * (lyra__port_state). */
  double *port_state;
  uint32_t port_stride;
  int32_t *refr; /* steps of refractoriness left, [n] */
} lyra__pop;

/* Spikes of one step: population-local indices, ascending. A model that
 * finds a neuron's state NaN, infinite or beyond its model's limits puts
 * the first such neuron in bad; the engine then stops the run. */
#define LYRA__NO_NEURON UINT32_MAX
typedef struct lyra__spike_out {
  uint32_t *idx;
  uint32_t count;
  uint32_t bad;
  int rc; /* LYRA_ENOMEM if the model could not get scratch memory */
} lyra__spike_out;

struct lyra__model_desc {
  lyra_model_info info;
  /* 1: one port for all spikes; 2: ex (0), in (1); 0: a multisynapse
   * model, whose receptor ports 1..n (spike ports 0..n-1) are as many as
   * its list parameters (lyra_param_info.is_list) have elements. */
  int n_spike_ports;
  int n_hidden_state; /* state arrays after the visible ones */
  /* Multisynapse models: per-neuron state arrays for each port
   * (lyra__port_state(p, port, j), j < n_port_state). The first
   * n_port_visible are visible: "<port_state[j].name>_<k>" names variable
   * j of port k (1-based) for recorders and lyra_network_get_state; each
   * starts at port_state[j].default_value. n_port_vars: per-port
   * constants that prepare computes into lyra__port_vars(p, port). */
  int n_port_state;
  int n_port_visible;
  const lyra_param_info *port_state; /* [n_port_state] */
  int n_port_vars;
  /* Conductance-based: a weight is a conductance whose sign only picks
   * the port; the excitatory port receives |w|, the inhibitory -|w| (the
   * model adds -input, as NEST does), so that an explicit receptor with a
   * positive weight cannot make a negative conductance. */
  int weight_is_magnitude;
  /* Weights are conductances onto ports whose reversal potential gives
   * the sign (aeif_cond_alpha_multisynapse): negative ones are refused. */
  int nonnegative_weights;
  /* 0 if the parameters are admissible; else LYRA_EINVAL and a message
   * naming the parameter and the constraint in err. */
  int (*validate)(const double *params, char *err);
  /* Multisynapse models (may be NULL): 0 if the list parameters are
   * admissible, each lists[i] (NULL for scalars) having n values; else
   * LYRA_EINVAL and a message naming the list, the element and the
   * constraint in err. Called after validate, with lists of equal
   * length. */
  int (*validate_lists)(const double *params, const double *const *lists,
                        uint32_t n, char *err);
  /* Precomputes p->vars and p->refr_steps from p->params and p->dt. */
  void (*prepare)(lyra__pop *p);
  /* Advances neurons [lo, hi) by one step. in[r] points at port r's
   * values for neuron 0 in the current ring slot; update reads and zeroes
   * in[r][i] for its neurons. Spiking neurons are appended to out. */
  void (*update)(lyra__pop *p, uint32_t lo, uint32_t hi, double *const *in,
                 lyra__spike_out *out);
};

static inline int lyra__is_multisynapse(const lyra__model_desc *d) {
  return d->n_spike_ports == 0;
}

/* Port number k (>= 1) of receptor LYRA_RECEPTOR_PORT(k); 0 for AUTO, EX
 * and IN; negative for values below AUTO. */
static inline long lyra__receptor_port(lyra_receptor rec) {
  long r = (int)rec; /* the enum may be unsigned */
  return r > LYRA_RECEPTOR_IN ? r - LYRA_RECEPTOR_IN : r < 0 ? -1 : 0;
}

/* The spike port a synapse of weight w with receptor rec feeds: NEST's
 * sign rule for AUTO (negative: inhibitory), the named port otherwise;
 * one-port models take everything on port 0; multisynapse models take
 * receptor port k on spike port k - 1. The receptor has been checked
 * against the target (lyra__check_receptor). */
static inline int lyra__spike_port(const lyra__model_desc *d, lyra_receptor rec,
                                   double w) {
  if (lyra__is_multisynapse(d))
    return (int)(lyra__receptor_port(rec) - 1);
  if (d->n_spike_ports == 1)
    return 0;
  if (rec == LYRA_RECEPTOR_AUTO)
    return w < 0.0;
  return rec == LYRA_RECEPTOR_IN;
}

/* The value a weight w contributes to spike port `port` of model d. */
static inline double lyra__port_weight(const lyra__model_desc *d, int port,
                                       double w) {
  if (!d->weight_is_magnitude)
    return w;
  return port ? -fabs(w) : fabs(w);
}

/* Ports of a population: spike ports then the current port. */
static inline int lyra__pop_ports(const lyra__pop *p) {
  return p->n_spike_ports + 1;
}
static inline int lyra__pop_current_port(const lyra__pop *p) {
  return p->n_spike_ports;
}
static inline int lyra__model_n_state(const lyra__model_desc *d) {
  return (int)d->info.n_state + d->n_hidden_state;
}

/* Per-port state array j of spike port `port` (0-based), [n]. */
static inline double *lyra__port_state(const lyra__pop *p, int port, int j) {
  return p->port_state +
         ((size_t)port * (size_t)p->model->n_port_state + (size_t)j) *
             p->port_stride;
}
/* The per-port constants of spike port `port` (0-based). */
static inline double *lyra__port_vars(const lyra__pop *p, int port) {
  return p->port_vars + (size_t)port * (size_t)p->model->n_port_vars;
}

/* Spike ports of a described population: the model's, or the length of
 * the lists of a multisynapse model (unset lists have one element). */
static inline uint64_t lyra__spec_spike_ports(const lyra__pop_spec *ps) {
  const lyra__model_desc *d = ps->model;
  if (!lyra__is_multisynapse(d))
    return (uint64_t)d->n_spike_ports;
  for (size_t i = 0; i < d->info.n_params; i++)
    if (d->info.params[i].is_list)
      return ps->lists[i] ? (uint64_t)ps->list_len[i] : 1;
  return 1;
}

/* Exponentially decaying variables are flushed to zero below 1e-200, so
 * that a silent network does not crawl through subnormal arithmetic (a
 * trap NEST's COBA example falls into). The change is far below anything
 * physical. */
static inline double lyra__flush(double x) {
  return fabs(x) < 1e-200 ? 0.0 : x; /* branch-free, so loops vectorise */
}

/* Marks a model's update loop: compiled also for AVX2 and picked at load
 * time where the CPU has it. Both versions do the same IEEE operations in
 * the same order (no FMA contraction: -std=c11 turns it off), so results
 * are bit-identical whichever runs. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
    !defined(LYRA_NO_CLONES)
#define LYRA__HOT                                                              \
  __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define LYRA__HOT
#endif

/* Marks neuron i as blown up if y is NaN or infinite (a branch that is
 * never taken, so it costs nothing in the models' loops). */
static inline void lyra__check_finite(double y, uint32_t i,
                                      lyra__spike_out *out) {
  if (__builtin_expect(!(fabs(y) <= DBL_MAX), 0) && out->bad == LYRA__NO_NEURON)
    out->bad = i;
}

/* Four doubles and their comparison masks (GCC vector extensions), for
 * the spike scans. */
typedef double lyra__v4d __attribute__((vector_size(32)));
typedef long long lyra__v4l __attribute__((vector_size(32)));

/* Finds neurons of [lo, hi) with v >= th, resets them (v = reset,
 * refr = refr_steps) and appends them to out. Tests blocks of eight with
 * one branch: spikes are rare, so this is a scan at memory speed. */
void lyra__find_spikes(double *v, double *refr, uint32_t lo, uint32_t hi,
                       double th, double reset, double refr_steps,
                       lyra__spike_out *out);

/* Registry (models/registry.c). */
const lyra__model_desc *lyra__neuron_model_find(const char *name);
/* Index of a parameter / state variable by name, or -1. */
int lyra__param_index(const lyra_model_info *info, const char *name);
int lyra__state_index(const lyra_model_info *info, const char *name);

/* Visible state of model d, numbered: info.state[0 .. n_state), then the
 * visible per-port variables, n_state + port * n_port_visible + j for
 * variable j of spike port `port` (0-based), named "<name>_<port + 1>".
 * lyra__state_ref gives the number of a name, or -1; it does not know the
 * population's port count: check lyra__state_ref_port against it. */
int lyra__state_ref(const lyra__model_desc *d, const char *name);
/* Spike port (0-based) of a per-port variable; -1 for the others. */
long lyra__state_ref_port(const lyra__model_desc *d, int ref);
/* Name (into buf) and unit of visible state variable ref. */
const char *lyra__state_ref_name(const lyra__model_desc *d, int ref, char *buf,
                                 size_t cap);
const char *lyra__state_ref_unit(const lyra__model_desc *d, int ref);
/* The values of visible state variable ref of pop, [n]. */
double *lyra__state_ref_array(const lyra__pop *p, int ref);

/* Device catalogue entries (models/devices.c). */
extern const lyra_model_info lyra__poisson_generator_info;
extern const lyra_model_info lyra__dc_generator_info;
extern const lyra_model_info lyra__spike_generator_info;
extern const lyra_model_info lyra__noise_generator_info;
enum { LYRA__POISSON_RATE = 0, LYRA__POISSON_START, LYRA__POISSON_STOP };
enum { LYRA__DC_AMPLITUDE = 0, LYRA__DC_START, LYRA__DC_STOP };
enum {
  LYRA__NOISE_MEAN = 0,
  LYRA__NOISE_STD,
  LYRA__NOISE_DT,
  LYRA__NOISE_STD_MOD,
  LYRA__NOISE_FREQUENCY,
  LYRA__NOISE_PHASE,
  LYRA__NOISE_START,
  LYRA__NOISE_STOP
};

/* Neuron models. */
extern const lyra__model_desc lyra__iaf_psc_delta;
extern const lyra__model_desc lyra__iaf_psc_exp;
extern const lyra__model_desc lyra__iaf_psc_alpha;
extern const lyra__model_desc lyra__iaf_cond_exp;
extern const lyra__model_desc lyra__izhikevich;
extern const lyra__model_desc lyra__aeif_cond_exp;
extern const lyra__model_desc lyra__aeif_cond_alpha;
extern const lyra__model_desc lyra__aeif_psc_exp;
extern const lyra__model_desc lyra__iaf_cond_alpha;
extern const lyra__model_desc lyra__hh_psc_alpha;
extern const lyra__model_desc lyra__hh_cond_exp_traub;
extern const lyra__model_desc lyra__iaf_psc_exp_multisynapse;
extern const lyra__model_desc lyra__aeif_cond_alpha_multisynapse;

/* Exact-integration propagators shared by the current-based models
 * (models/propagators.c). See the file for the derivation. */
double lyra__prop_exp_psc(double tau_syn, double tau_m, double c_m, double h);
double lyra__prop_alpha_psc(double tau_syn, double tau_m, double c_m, double h);

/* Common checks: returns LYRA_EINVAL with a message if value <= 0. */
int lyra__require_positive(const lyra_model_info *info, const double *params,
                           int index, char *err);
int lyra__require_nonnegative(const lyra_model_info *info, const double *params,
                              int index, char *err);
int lyra__require_less(const lyra_model_info *info, const double *params, int a,
                       int b, char *err);
/* Every element of list parameter `index` (n values) > 0; the message
 * names the element and its receptor port. */
int lyra__require_positive_list(const lyra_model_info *info,
                                const double *const *lists, uint32_t n,
                                int index, char *err);
/* A model's parameter constraints as a table, checked in order by
 * lyra__check_rules with the lyra__require_* messages: parameter a > 0,
 * a >= 0, or a < parameter b. */
enum { LYRA__POSITIVE, LYRA__NONNEGATIVE, LYRA__LESS };
typedef struct lyra__param_rule {
  int kind, a, b;
} lyra__param_rule;
int lyra__check_rules(const lyra_model_info *info, const double *params,
                      const lyra__param_rule *rules, size_t n, char *err);
#define LYRA__N_RULES(r) (sizeof(r) / sizeof((r)[0]))
/* Steps in a refractory period of t_ref ms at step dt (rounded). */
int32_t lyra__refractory_steps(double t_ref, double dt);

#endif
