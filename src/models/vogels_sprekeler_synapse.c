/*
 * vogels_sprekeler_synapse: the inhibitory STDP rule of Vogels et al.
 * (2011), as NEST defines it: symmetric potentiation by near-coincident
 * pre and post spikes, and a constant depression per presynaptic spike
 * that sets the postsynaptic target rate (alpha = 2 rho0 tau).
 */
#include "models/synapses.h"

static const lyra_param_info params[VS_NP] = {
    {"tau", "ms", 20.0, "time constant of both traces"},
    {"eta", "", 0.001, "learning rate"},
    {"alpha", "", 0.12, "constant depression per presynaptic spike, in eta"},
    {"Wmax", LYRA__UNIT_WEIGHT, 1.0,
     "maximum weight; its sign is the sign of every weight"},
    {"Kplus", "", 0.0, "initial presynaptic trace"},
};

static int validate(const double *p, char *err) {
  if (!(p[VS_TAU] > 0) || !isfinite(p[VS_TAU]))
    return lyra__errf(err, LYRA_EINVAL, "tau must be > 0 ms, got %g",
                      p[VS_TAU]);
  if (!isfinite(p[VS_ETA]) || !isfinite(p[VS_ALPHA]) || !isfinite(p[VS_WMAX]))
    return lyra__errf(err, LYRA_EINVAL, "eta, alpha and Wmax must be finite");
  if (!(p[VS_KPLUS] >= 0))
    return lyra__errf(err, LYRA_EINVAL, "Kplus must be >= 0, got %g",
                      p[VS_KPLUS]);
  return 0;
}

const lyra__synapse_desc lyra__vogels_sprekeler_synapse = {
    .info =
        {
            .name = "vogels_sprekeler_synapse",
            .kind = "synapse",
            .doc = "Inhibitory STDP of Vogels et al. (2011), which balances "
                   "excitation and inhibition toward a target rate, as "
                   "NEST's vogels_sprekeler_synapse. Works on |w|; every "
                   "weight takes the sign of Wmax.",
            .equations =
                "per post spike (reaching the synapse after the delay d): "
                "|w| += eta x_pre, capped at |Wmax|\n"
                "per pre spike: |w| += eta x_post(t - d), then |w| -= "
                "alpha eta, floored at 0\n"
                "x_pre, x_post jump by 1 at spikes and decay with tau",
            .integration = "event-driven, exact",
            .weight_unit = "target's weight unit",
            .n_params = VS_NP,
            .params = params,
        },
    .kind = LYRA__SYN_VOGELS,
    .validate = validate,
};
