/*
 * stdp_synapse and its nearest-neighbour variants: pair-based STDP with
 * the weight dependence of Guetig et al. (2003), as NEST defines them.
 * The rule itself is in synapses.h (lyra__stdp_facilitate/depress); the
 * pairing schemes in engine/plastic.c.
 *
 * NEST keeps tau_minus on the postsynaptic neuron; lyra keeps it with the
 * synapse, so that each projection says which postsynaptic trace it uses.
 */
#include "models/synapses.h"

#include <stdio.h>

static const lyra_param_info params[STDP_NP] = {
    {"tau_plus", "ms", 20.0, "time constant of the presynaptic trace"},
    {"lambda", "", 0.01, "learning rate (step size, in units of Wmax)"},
    {"alpha", "", 1.0, "asymmetry: depression step / potentiation step"},
    {"mu_plus", "", 1.0,
     "weight dependence of potentiation (0 additive, 1 multiplicative)"},
    {"mu_minus", "", 1.0,
     "weight dependence of depression (0 additive, 1 multiplicative)"},
    {"Wmax", LYRA__UNIT_WEIGHT, 100.0,
     "maximum weight (same sign as the weights)"},
    {"tau_minus", "ms", 20.0,
     "time constant of the postsynaptic trace (a neuron parameter in NEST)"},
    {"Kplus", "", 0.0, "initial presynaptic trace"},
};

static int validate(const double *p, char *err) {
  if (!(p[STDP_TAU_PLUS] > 0) || !(p[STDP_TAU_MINUS] > 0))
    return lyra__errf(err, LYRA_EINVAL,
                      "tau_plus and tau_minus must be > 0 ms, got %g and %g",
                      p[STDP_TAU_PLUS], p[STDP_TAU_MINUS]);
  if (!(p[STDP_WMAX] != 0) || !isfinite(p[STDP_WMAX]))
    return lyra__errf(err, LYRA_EINVAL, "Wmax must be finite and not 0");
  if (!(p[STDP_KPLUS] >= 0))
    return lyra__errf(err, LYRA_EINVAL, "Kplus must be >= 0, got %g",
                      p[STDP_KPLUS]);
  for (int i = STDP_LAMBDA; i <= STDP_MU_MINUS; i++)
    if (!isfinite(p[i]))
      return lyra__errf(err, LYRA_EINVAL, "%s must be finite", params[i].name);
  return 0;
}

#define STDP_EQUATIONS                                                         \
  "pre spike at t (after delay-free arrival), post spikes reach the "          \
  "synapse after the dendritic delay d (the whole delay, as in NEST).\n"       \
  "potentiation per post spike: w/Wmax += lambda (1 - w/Wmax)^mu_plus "        \
  "K+(t_post + d), capped at Wmax\n"                                           \
  "depression per pre spike: w/Wmax -= alpha lambda (w/Wmax)^mu_minus "        \
  "K-(t_pre - d), floored at 0\n"

const lyra__synapse_desc lyra__stdp_synapse = {
    .info =
        {
            .name = "stdp_synapse",
            .kind = "synapse",
            .doc = "Pair-based STDP, all-to-all pairing, with the weight "
                   "dependence of Guetig et al. (2003); mu_plus = mu_minus = "
                   "0 is additive (Song, Miller & Abbott 2000), 1 "
                   "multiplicative (van Rossum et al. 2000). As NEST's "
                   "stdp_synapse.",
            .equations = STDP_EQUATIONS
            "K+ jumps by 1 at each pre spike, K- at each post spike; both "
            "decay with tau_plus, tau_minus",
            .integration = "event-driven, exact (traces decay in closed "
                           "form between spikes)",
            .weight_unit = "target's weight unit",
            .n_params = STDP_NP,
            .params = params,
        },
    .kind = LYRA__SYN_STDP,
    .validate = validate,
};

const lyra__synapse_desc lyra__stdp_nn_symm_synapse = {
    .info =
        {
            .name = "stdp_nn_symm_synapse",
            .kind = "synapse",
            .doc = "stdp_synapse with symmetric nearest-neighbour pairing "
                   "(Morrison et al. 2008): each pre spike pairs with the "
                   "last post spike before it and each post spike with the "
                   "last pre spike before it. As NEST's "
                   "stdp_nn_symm_synapse.",
            .equations = STDP_EQUATIONS
            "K+ and K- are reset to 1 at each spike instead of growing",
            .integration = "event-driven, exact",
            .weight_unit = "target's weight unit",
            .n_params = STDP_NP,
            .params = params,
        },
    .kind = LYRA__SYN_STDP_NN_SYMM,
    .validate = validate,
};

const lyra__synapse_desc lyra__stdp_nn_pre_centered_synapse = {
    .info =
        {
            .name = "stdp_nn_pre_centered_synapse",
            .kind = "synapse",
            .doc = "stdp_synapse with presynaptic-centred nearest-neighbour "
                   "pairing (Izhikevich & Desai 2003; Morrison et al. "
                   "2008): each pre spike pairs with the last post spike "
                   "before it; each post spike with all pre spikes since "
                   "the previous post spike. As NEST's "
                   "stdp_nn_pre_centered_synapse.",
            .equations = STDP_EQUATIONS
            "K- is reset to 1 at each post spike; K+ accumulates and is "
            "reset to 0 once a post spike has used it",
            .integration = "event-driven, exact",
            .weight_unit = "target's weight unit",
            .n_params = STDP_NP,
            .params = params,
        },
    .kind = LYRA__SYN_STDP_NN_PRE,
    .validate = validate,
};

const lyra__synapse_desc lyra__stdp_nn_restr_synapse = {
    .info =
        {
            .name = "stdp_nn_restr_synapse",
            .kind = "synapse",
            .doc = "stdp_synapse with restricted symmetric nearest-neighbour "
                   "pairing (Morrison et al. 2008): only pairs of "
                   "immediately neighbouring pre and post spikes count. As "
                   "NEST's stdp_nn_restr_synapse.",
            .equations = STDP_EQUATIONS
            "K+ and K- are reset to 1 at each spike; a spike pairs only "
            "with a partner of the other side not yet paired",
            .integration = "event-driven, exact",
            .weight_unit = "target's weight unit",
            .n_params = STDP_NP,
            .params = params,
        },
    .kind = LYRA__SYN_STDP_NN_RESTR,
    .validate = validate,
};
