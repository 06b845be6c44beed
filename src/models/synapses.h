/*
 * synapses.h - the synapse model interface: catalogue entries of the
 * plastic synapse models and the rules they apply.
 *
 * Two families, by where their state lives:
 *
 *  - Spike-timing rules (stdp_*, vogels_sprekeler_synapse) change each
 *    synapse's weight from the timing of its pre- and postsynaptic spikes.
 *    Per synapse only the weight is stored; the presynaptic trace lives
 *    per source neuron and the postsynaptic trace per target neuron (a
 *    short history of its spikes), as NEST's archiving node keeps it.
 *  - Short-term plasticity (tsodyks_synapse, tsodyks2_synapse) scales a
 *    spike's weight by a state that depends only on the presynaptic
 *    spike train and the projection's parameters, so it lives per source
 *    neuron: a plastic synapse then costs no more than a static one.
 *
 * The formulas live here as inline functions so that the engine's
 * delivery loop (engine/plastic.c) can specialise on them.
 */
#ifndef LYRA_SYNAPSES_H
#define LYRA_SYNAPSES_H

#include "lyra_internal.h"

#include <math.h>

enum lyra__syn_kind {
  LYRA__SYN_STATIC = 0,
  LYRA__SYN_STDP,          /* pair-based, all-to-all, Guetig et al. 2003 */
  LYRA__SYN_STDP_NN_SYMM,  /* nearest neighbour, symmetric */
  LYRA__SYN_STDP_NN_PRE,   /* nearest neighbour, presynaptic-centred */
  LYRA__SYN_STDP_NN_RESTR, /* nearest neighbour, restricted symmetric */
  LYRA__SYN_STDP_TRIPLET,  /* Pfister & Gerstner 2006 */
  LYRA__SYN_VOGELS,        /* Vogels et al. 2011, inhibitory */
  LYRA__SYN_TSODYKS,       /* Tsodyks et al. 2000, with tau_psc */
  LYRA__SYN_TSODYKS2,      /* Tsodyks-Markram, u and x only */
  LYRA__SYN_KINDS
};

typedef struct lyra__synapse_desc {
  lyra_model_info info; /* kind "synapse" */
  int kind;             /* LYRA__SYN_* */
  /* 0 if the parameters are admissible, else LYRA_EINVAL and a message. */
  int (*validate)(const double *params, char *err);
} lyra__synapse_desc;

/* Parameter indices of the spike-timing rules. */
enum { /* stdp_synapse and the nearest-neighbour variants */
       STDP_TAU_PLUS,
       STDP_LAMBDA,
       STDP_ALPHA,
       STDP_MU_PLUS,
       STDP_MU_MINUS,
       STDP_WMAX,
       STDP_TAU_MINUS,
       STDP_KPLUS,
       STDP_NP
};
enum { /* stdp_triplet_synapse */
       TRIP_TAU_PLUS,
       TRIP_TAU_PLUS_TRIPLET,
       TRIP_APLUS,
       TRIP_AMINUS,
       TRIP_APLUS_TRIPLET,
       TRIP_AMINUS_TRIPLET,
       TRIP_WMAX,
       TRIP_TAU_MINUS,
       TRIP_TAU_MINUS_TRIPLET,
       TRIP_KPLUS,
       TRIP_KPLUS_TRIPLET,
       TRIP_NP
};
enum { /* vogels_sprekeler_synapse */
       VS_TAU,
       VS_ETA,
       VS_ALPHA,
       VS_WMAX,
       VS_KPLUS,
       VS_NP
};
enum { /* tsodyks_synapse */
       TSO_TAU_PSC,
       TSO_TAU_REC,
       TSO_TAU_FAC,
       TSO_U,
       TSO_X,
       TSO_Y,
       TSO_UU,
       TSO_NP
};
enum { /* tsodyks2_synapse */
       TSO2_U,
       TSO2_UU,
       TSO2_X,
       TSO2_TAU_REC,
       TSO2_TAU_FAC,
       TSO2_NP
};

extern const lyra__synapse_desc lyra__static_synapse;
extern const lyra__synapse_desc lyra__stdp_synapse;
extern const lyra__synapse_desc lyra__stdp_nn_symm_synapse;
extern const lyra__synapse_desc lyra__stdp_nn_pre_centered_synapse;
extern const lyra__synapse_desc lyra__stdp_nn_restr_synapse;
extern const lyra__synapse_desc lyra__stdp_triplet_synapse;
extern const lyra__synapse_desc lyra__vogels_sprekeler_synapse;
extern const lyra__synapse_desc lyra__tsodyks_synapse;
extern const lyra__synapse_desc lyra__tsodyks2_synapse;

/* Synapse model by name, or NULL (models/registry.c). */
const lyra__synapse_desc *lyra__synapse_model_find(const char *name);
/* Name of a LYRA__SYN_* kind. */
const char *lyra__synapse_kind_name(int kind);

/* Whether a kind keeps postsynaptic spike histories (spike-timing rules). */
static inline int lyra__syn_is_stdp(int kind) {
  return kind >= LYRA__SYN_STDP && kind <= LYRA__SYN_VOGELS;
}
static inline int lyra__syn_is_stp(int kind) {
  return kind == LYRA__SYN_TSODYKS || kind == LYRA__SYN_TSODYKS2;
}

/* Guetig et al. (2003) weight dependence, as NEST's stdp_synapse: w moves
 * in units of Wmax; mu 0 is additive, 1 multiplicative. pow(x, 0) and
 * pow(x, 1) are exact, so the shortcuts change no result. */
static inline double lyra__gw_pow(double x, double mu) {
  if (mu == 0.0)
    return 1.0;
  if (mu == 1.0)
    return x;
  return pow(x, mu);
}

static inline double lyra__stdp_facilitate(const double *p, double w,
                                           double kplus) {
  double wmax = p[STDP_WMAX];
  double norm = w / wmax + p[STDP_LAMBDA] *
                               lyra__gw_pow(1.0 - w / wmax, p[STDP_MU_PLUS]) *
                               kplus;
  return norm < 1.0 ? norm * wmax : wmax;
}

static inline double lyra__stdp_depress(const double *p, double w,
                                        double kminus) {
  double wmax = p[STDP_WMAX];
  double norm = w / wmax - p[STDP_ALPHA] * p[STDP_LAMBDA] *
                               lyra__gw_pow(w / wmax, p[STDP_MU_MINUS]) *
                               kminus;
  return norm > 0.0 ? norm * wmax : 0.0;
}

/* Pfister & Gerstner (2006), NEST's stdp_triplet_synapse: ky is the
 * postsynaptic triplet trace just before the postsynaptic spike, kx the
 * presynaptic triplet trace just before the presynaptic one. */
static inline double lyra__triplet_facilitate(const double *p, double w,
                                              double kplus, double ky) {
  double nw = fabs(w) + kplus * (p[TRIP_APLUS] + p[TRIP_APLUS_TRIPLET] * ky);
  return copysign(nw < fabs(p[TRIP_WMAX]) ? nw : fabs(p[TRIP_WMAX]), w);
}

static inline double lyra__triplet_depress(const double *p, double w,
                                           double kminus, double kx) {
  double nw = fabs(w) - kminus * (p[TRIP_AMINUS] + p[TRIP_AMINUS_TRIPLET] * kx);
  return copysign(nw > 0.0 ? nw : 0.0, w);
}

/* Vogels et al. (2011), NEST's vogels_sprekeler_synapse. */
static inline double lyra__vogels_facilitate(const double *p, double w,
                                             double k) {
  double nw = fabs(w) + p[VS_ETA] * k;
  double wmax = fabs(p[VS_WMAX]);
  return copysign(nw < wmax ? nw : wmax, p[VS_WMAX]);
}

static inline double lyra__vogels_depress(const double *p, double w) {
  double nw = fabs(w) - p[VS_ALPHA] * p[VS_ETA];
  return copysign(nw > 0.0 ? nw : 0.0, p[VS_WMAX]);
}

/* Short-term plasticity: the state of one source's synapses, advanced to
 * a presynaptic spike h ms after the previous one; returns the factor the
 * spike's weight is multiplied by. s[0..2] hold the model's state. */
double lyra__tsodyks_spike(const double *p, double *s, double h);
double lyra__tsodyks2_spike(const double *p, double *s, double h);
/* Initial per-source state from the parameters. */
void lyra__stp_init(int kind, const double *p, double *s);

#endif
