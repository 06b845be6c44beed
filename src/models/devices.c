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

/* NEST's order of the noise parameters is mean, std, dt, std_mod,
 * frequency, phase; start and stop come after them here as in the other
 * devices' tables. The engine finds them by name. */
static const lyra_param_info noise_params[] = {
    {"mean", "pA", 0.0, "mean of the current"},
    {"std", "pA", 0.0, "standard deviation of the current (>= 0)"},
    {"dt", "ms", 0.0,
     "interval between changes, a multiple of the time step; 0: ten time "
     "steps (NEST's default, 10 x resolution)"},
    {"std_mod", "pA", 0.0,
     "modulation of the standard deviation (0 <= std_mod <= std)"},
    {"frequency", "Hz", 0.0, "frequency of the modulation"},
    {"phase", "", 0.0, "phase of the modulation (degrees)"},
    {"start", "ms", 0.0, "first time of activity"},
    {"stop", "ms", HUGE_VAL, "end of activity (exclusive)"},
};

const lyra_model_info lyra__noise_generator_info = {
    .name = "noise_generator",
    .kind = "device",
    .doc = "Injects a Gaussian white-noise current, piecewise constant over "
           "intervals of dt (as NEST's noise_generator): every target "
           "neuron gets its own independent value each interval, drawn "
           "from the counter-based generator keyed by seed, device, neuron "
           "and interval; the weight scales it.",
    .equations = "I_stim = weight * (mean + sqrt(std^2 + std_mod^2 sin(2 pi "
                 "frequency t + phase)) N_j), N_j ~ N(0, 1) new in every "
                 "interval j of dt from start, while start <= t < stop",
    .integration = "piecewise constant over dt",
    .weight_unit = "",
    .n_params = 8,
    .params = noise_params,
};
