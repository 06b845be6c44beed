/* Catalogue entries of the stimulation devices. Their behaviour lives in
 * the engine (engine/devices.c): they write straight into the ring
 * buffers of their targets and have no state of their own. */
#include "models/models.h"

#include <math.h>

static const lyra_param_info poisson_params[] = {
    {"rate", "Hz", 0.0, "rate of the independent train sent to each target"},
    {"start", "ms", 0.0, "first time of activity"},
    {"stop", "ms", HUGE_VAL, "end of activity (exclusive)"},
};

const lyra_model_info lyra__poisson_generator_info = {
    .name = "poisson_generator",
    .kind = "device",
    .doc = "Sends every target its own independent Poisson spike train "
           "(as NEST's poisson_generator). Counts per step are drawn from "
           "the counter-based generator keyed by seed, device and neuron.",
    .equations = "spikes per step ~ Poisson(rate * dt) while start <= t < "
                 "stop",
    .integration = "exact Poisson counts per step",
    .weight_unit = "target's weight unit",
    .n_params = 3,
    .params = poisson_params,
};

static const lyra_param_info dc_params[] = {
    {"amplitude", "pA", 0.0, "current"},
    {"start", "ms", 0.0, "first time of activity"},
    {"stop", "ms", HUGE_VAL, "end of activity (exclusive)"},
};

const lyra_model_info lyra__dc_generator_info = {
    .name = "dc_generator",
    .kind = "device",
    .doc = "Injects a constant current into every target while active; the "
           "weight scales it.",
    .equations = "I_stim = weight * amplitude while start <= t < stop",
    .integration = "piecewise constant per step",
    .weight_unit = "",
    .n_params = 3,
    .params = dc_params,
};

const lyra_model_info lyra__spike_generator_info = {
    .name = "spike_generator",
    .kind = "device",
    .doc = "Sends the same given spike times (rounded to the time grid) to "
           "every target.",
    .equations = "spikes at spike_times",
    .integration = "on grid",
    .weight_unit = "target's weight unit",
    .n_params = 0,
    .params = NULL,
};
