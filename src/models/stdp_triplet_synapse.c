/*
 * stdp_triplet_synapse: the triplet rule of Pfister & Gerstner (2006),
 * all-to-all, as NEST defines it. Formulas in synapses.h, pairing in
 * engine/plastic.c. tau_minus and tau_minus_triplet are parameters of
 * the postsynaptic neuron in NEST; lyra keeps them with the synapse.
 */
#include "models/synapses.h"

static const lyra_param_info params[TRIP_NP] = {
    {"tau_plus", "ms", 16.8, "time constant of the presynaptic trace r1"},
    {"tau_plus_triplet", "ms", 101.0,
     "time constant of the presynaptic triplet trace r2"},
    {"Aplus", "", 5e-10, "pair potentiation amplitude"},
    {"Aminus", "", 7e-3, "pair depression amplitude"},
    {"Aplus_triplet", "", 6.2e-3, "triplet potentiation amplitude"},
    {"Aminus_triplet", "", 2.3e-4, "triplet depression amplitude"},
    {"Wmax", LYRA__UNIT_WEIGHT, 100.0, "maximum weight magnitude"},
    {"tau_minus", "ms", 20.0,
     "time constant of the postsynaptic trace o1 (a neuron parameter in "
     "NEST)"},
    {"tau_minus_triplet", "ms", 110.0,
     "time constant of the postsynaptic triplet trace o2 (a neuron "
     "parameter in NEST)"},
    {"Kplus", "", 0.0, "initial presynaptic trace r1"},
    {"Kplus_triplet", "", 0.0, "initial presynaptic triplet trace r2"},
};

static int validate(const double *p, char *err) {
  const int taus[] = {TRIP_TAU_PLUS, TRIP_TAU_PLUS_TRIPLET, TRIP_TAU_MINUS,
                      TRIP_TAU_MINUS_TRIPLET};
  for (int i = 0; i < 4; i++)
    if (!(p[taus[i]] > 0) || !isfinite(p[taus[i]]))
      return lyra__errf(err, LYRA_EINVAL, "%s must be > 0 ms, got %g",
                        params[taus[i]].name, p[taus[i]]);
  for (int i = TRIP_APLUS; i <= TRIP_AMINUS_TRIPLET; i++)
    if (!(p[i] >= 0) || !isfinite(p[i]))
      return lyra__errf(err, LYRA_EINVAL, "%s must be >= 0, got %g",
                        params[i].name, p[i]);
  if (!isfinite(p[TRIP_WMAX]))
    return lyra__errf(err, LYRA_EINVAL, "Wmax must be finite");
  if (!(p[TRIP_KPLUS] >= 0) || !(p[TRIP_KPLUS_TRIPLET] >= 0))
    return lyra__errf(err, LYRA_EINVAL, "Kplus and Kplus_triplet must be >= 0");
  return 0;
}

const lyra__synapse_desc lyra__stdp_triplet_synapse = {
    .info =
        {
            .name = "stdp_triplet_synapse",
            .kind = "synapse",
            .doc = "Triplet STDP (Pfister & Gerstner 2006), all-to-all "
                   "interactions, as NEST's stdp_triplet_synapse. Depends "
                   "on the magnitude of the weight; its sign is kept.",
            .equations =
                "per post spike (reaching the synapse after the delay d): "
                "|w| += r1 (Aplus + Aplus_triplet o2(t-)), capped at "
                "|Wmax|\n"
                "per pre spike: |w| -= o1(t - d) (Aminus + Aminus_triplet "
                "r2(t-)), floored at 0\n"
                "r1, r2 jump by 1 at pre spikes, o1, o2 at post spikes; "
                "each decays with its own time constant",
            .integration = "event-driven, exact",
            .weight_unit = "target's weight unit",
            .n_params = TRIP_NP,
            .params = params,
        },
    .kind = LYRA__SYN_STDP_TRIPLET,
    .validate = validate,
};
