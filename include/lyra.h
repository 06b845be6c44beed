/*
 * lyra.h - the whole public API of lyra, a spiking neural network engine.
 *
 * Flow: a lyra_model (pure description: populations, projections, devices,
 * recorders, run settings) is filled from a YAML file or by the calls below;
 * lyra_network_create() builds it into memory; lyra_network_simulate()
 * advances time and writes recorder files; lyra_network_finish() completes
 * the files.
 *
 * Conventions
 *  - Units are NEST's: ms, mV, pA, pF, nS, Hz. Every double crossing this API
 *    is in those units unless a comment says otherwise.
 *  - Fallible calls return int: 0 on success, a negative LYRA_E* code on
 *    failure. lyra_strerror() names the code; lyra_model_errmsg() and
 *    lyra_network_errmsg() give the detail of the last failure on that
 *    handle. The library never aborts or exits on bad input or when memory
 *    runs out.
 *  - Inputs are copied. Returned pointers are borrowed: valid until the next
 *    call that changes the handle, or its destruction.
 *  - Thread safety: distinct handles may be used from distinct threads at
 *    once; one handle must not be used from two threads at once. Functions
 *    without a handle are safe from any thread.
 *  - destroy(NULL) is a no-op.
 */
#ifndef LYRA_H
#define LYRA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility: only what this header
 * declares is exported from liblyra.so. */
#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility push(default)
#endif

#define LYRA_VERSION_MAJOR 0
#define LYRA_VERSION_MINOR 1
#define LYRA_VERSION_PATCH 0
#define LYRA_VERSION_STRING "0.1.0"

/* Error codes. */
#define LYRA_OK 0
#define LYRA_EINVAL (-1)    /* invalid argument or parameter value */
#define LYRA_ENOMEM (-2)    /* out of memory */
#define LYRA_EIO (-3)       /* file could not be read or written */
#define LYRA_EPARSE (-4)    /* model file is not well-formed YAML / format */
#define LYRA_ENOTFOUND (-5) /* unknown name: model, parameter, population */
#define LYRA_EUNIT (-6)     /* quantity has the wrong dimension or no unit */
#define LYRA_ESTATE (-7)    /* call not allowed in the handle's state */
#define LYRA_ENOTSUP (-8)   /* valid request that lyra does not support */
#define LYRA_ENUMERIC (-9)  /* a neuron's state became NaN or infinite */

/* Name of an error code ("invalid argument", ...); never NULL. */
const char *lyra_strerror(int code);
/* Version string of the linked library, e.g. "0.1.0". */
const char *lyra_version(void);

/* ------------------------------------------------------------------ */
/* Model catalogue: the neuron and device models lyra knows.           */
/* ------------------------------------------------------------------ */

typedef struct lyra_param_info {
  const char *name;     /* NEST name, e.g. "tau_m" */
  const char *unit;     /* "ms", "mV", "pA", "pF", "nS", "Hz", "" */
  double default_value; /* in unit; for state variables: initial value */
  const char *doc;      /* one line */
  /* Nonzero: a list with one value per receptor port of a multisynapse
   * model (e.g. tau_syn of iaf_psc_exp_multisynapse), set with
   * lyra_model_set_param_list. default_value is then the value of each
   * element of the default list, which has one element. */
  int is_list;
  /* NULL, or the words the parameter may take, separated by '|' (e.g.
   * "rkf45|rk4"): its value is the index of the word (0, 1, ...).
   * Model files give the word; lyra_model_set_param takes the index. */
  const char *choices;
} lyra_param_info;

typedef struct lyra_model_info {
  const char *name;        /* "iaf_psc_exp" */
  const char *kind;        /* "neuron", "device" or "synapse" */
  const char *doc;         /* one paragraph: what it is */
  const char *equations;   /* the dynamics, as text */
  const char *integration; /* how lyra integrates it */
  const char *weight_unit; /* unit of synaptic weights onto/from it; a
                              synapse parameter whose unit is "weight"
                              is in the target's weight unit */
  size_t n_params;
  const lyra_param_info *params;
  size_t n_state; /* state variables (neurons only) */
  const lyra_param_info *state;
  /* Neurons: one line describing the receptor ports, i.e. which input a
   * synapse feeds depending on its weight and lyra_receptor; NULL for
   * devices and synapses. */
  const char *receptors;
} lyra_model_info;

/* Number of models in the catalogue. */
size_t lyra_model_info_count(void);
/* Model i (0 <= i < count), or NULL. */
const lyra_model_info *lyra_model_info_at(size_t i);
/* Model by name, or NULL. */
const lyra_model_info *lyra_model_info_find(const char *name);

/* ------------------------------------------------------------------ */
/* Model description                                                   */
/* ------------------------------------------------------------------ */

typedef struct lyra_model lyra_model;

/* Random distributions for initial values, weights and delays. */
typedef enum lyra_dist_kind {
  LYRA_DIST_CONSTANT = 0,   /* p[0] = value */
  LYRA_DIST_UNIFORM,        /* p[0] = low, p[1] = high: [low, high) */
  LYRA_DIST_NORMAL,         /* p[0] = mean, p[1] = std */
  LYRA_DIST_NORMAL_CLIPPED, /* p[0] mean, p[1] std, p[2] low, p[3] high;
                               values outside [low, high] are redrawn */
  LYRA_DIST_LOGNORMAL       /* p[0] = mu, p[1] = sigma of the underlying normal;
                               the value is exp(mu + sigma*N(0,1)), in the unit */
} lyra_dist_kind;

typedef struct lyra_dist {
  lyra_dist_kind kind;
  double p[4];
} lyra_dist;

/* A constant distribution. */
static inline lyra_dist lyra_dist_constant(double value) {
  lyra_dist d = {LYRA_DIST_CONSTANT, {value, 0, 0, 0}};
  return d;
}

/* Creates an empty model with default run settings (dt 0.1 ms, duration
 * 1000 ms, seed 1, output directory "lyra-out"). *out is NULL on failure. */
int lyra_model_create(lyra_model **out);
/* Frees the model. Networks built from it do not depend on it. */
void lyra_model_destroy(lyra_model *m);
/* Detail of the last failure on m; "" if none. Model-file errors begin with
 * "file:line:column: ". */
const char *lyra_model_errmsg(const lyra_model *m);

/* Loads a YAML model file into an empty model. On failure the model is
 * left empty and the message names file:line:column, what was expected and
 * what was found. */
int lyra_model_load_file(lyra_model *m, const char *path);
/* The same from memory; name is used in messages in place of a file name. */
int lyra_model_load_string(lyra_model *m, const char *text, size_t len,
                           const char *name);

/* Run settings. */
int lyra_model_set_dt(lyra_model *m, double dt_ms);
int lyra_model_set_duration(lyra_model *m, double t_ms);
int lyra_model_set_seed(lyra_model *m, uint64_t seed); /* 0 .. 2^32-1 */
int lyra_model_set_output_dir(lyra_model *m, const char *dir);
/* Threads to simulate with; 0 (the default) means one per available CPU
 * core. Results do not depend on it: spike and state files are
 * byte-identical for any number of threads. */
int lyra_model_set_threads(lyra_model *m, int threads);
int lyra_model_threads(const lyra_model *m);
double lyra_model_dt(const lyra_model *m);
double lyra_model_duration(const lyra_model *m);
uint64_t lyra_model_seed(const lyra_model *m);
const char *lyra_model_output_dir(const lyra_model *m);

/* Populations. model is a neuron model of the catalogue; size >= 1.
 * *index_out (may be NULL) receives the population index. Names are unique,
 * 1..63 characters of [A-Za-z0-9_.-]. */
int lyra_model_add_population(lyra_model *m, const char *name,
                              const char *model, uint32_t size, int *index_out);
/* Sets a parameter of every neuron in population pop, in the parameter's
 * catalogue unit. The value is checked against the model's constraints
 * when the model is validated (lyra_model_validate / network create). A
 * parameter with choices (lyra_param_info.choices) takes the index of a
 * word: anything else is refused now (LYRA_EINVAL, the message lists the
 * words). A list parameter is refused (LYRA_EINVAL): use
 * lyra_model_set_param_list. */
int lyra_model_set_param(lyra_model *m, int pop, const char *param,
                         double value);
/* Sets a list parameter (lyra_param_info.is_list) of every neuron in
 * population pop to values[0..n), n >= 1, in the parameter's catalogue
 * unit: one value per receptor port of a multisynapse model, port k
 * taking values[k - 1]. The values are copied. The number of receptor
 * ports of the population is the length of its lists; all list
 * parameters of a model must have the same length, and elements must
 * meet the model's constraints (every tau_syn > 0, ...): both are checked
 * when the model is validated. A scalar parameter is refused (LYRA_EINVAL):
 * use lyra_model_set_param. */
int lyra_model_set_param_list(lyra_model *m, int pop, const char *param,
                              const double *values, size_t n);
/* Initial value of a state variable, drawn per neuron from dist. */
int lyra_model_set_initial(lyra_model *m, int pop, const char *state_var,
                           const lyra_dist *dist);
int lyra_model_population_count(const lyra_model *m);
/* Index of the population with that name, or LYRA_ENOTFOUND. */
int lyra_model_find_population(const lyra_model *m, const char *name);
const char *lyra_model_population_name(const lyra_model *m, int pop);
const char *lyra_model_population_model(const lyra_model *m, int pop);
uint32_t lyra_model_population_size(const lyra_model *m, int pop);

/* Connection rules, as in NEST. */
typedef enum lyra_rule {
  LYRA_RULE_ALL_TO_ALL = 0,
  LYRA_RULE_ONE_TO_ONE,
  LYRA_RULE_PAIRWISE_BERNOULLI, /* p */
  LYRA_RULE_FIXED_INDEGREE,     /* n = in-degree of every target */
  LYRA_RULE_FIXED_OUTDEGREE,    /* n = out-degree of every source */
  LYRA_RULE_FIXED_TOTAL_NUMBER  /* n = number of synapses */
} lyra_rule;

/* Which input port of the target a synapse feeds. AUTO follows NEST: a
 * non-negative weight feeds the excitatory port, a negative one the
 * inhibitory port (models with one port take both). Multisynapse models
 * (iaf_psc_exp_multisynapse) have receptor ports 1..n instead, n being the
 * length of their list parameters: a synapse onto one must name its port
 * with LYRA_RECEPTOR_PORT(k); AUTO, EX, IN and ports beyond n are refused
 * there, and ports are refused on every other model. lyra_model_info's
 * receptors line says what each model takes. */
typedef enum lyra_receptor {
  LYRA_RECEPTOR_AUTO = 0,
  LYRA_RECEPTOR_EX,
  LYRA_RECEPTOR_IN
} lyra_receptor;
/* Receptor port k (k >= 1) of a multisynapse model (NEST's
 * receptor_type k). */
#define LYRA_RECEPTOR_PORT(k) ((lyra_receptor)(LYRA_RECEPTOR_IN + (k)))

typedef struct lyra_projection_spec {
  int source, target; /* population indices */
  lyra_rule rule;
  double p;               /* pairwise_bernoulli */
  uint64_t n;             /* fixed_indegree/outdegree/total_number */
  int allow_autapses;     /* default 1 */
  int allow_multapses;    /* default 1 */
  lyra_dist weight;       /* in the target model's weight unit */
  lyra_dist delay;        /* ms; rounded to steps, at least one step */
  lyra_receptor receptor; /* AUTO, EX, IN, or LYRA_RECEPTOR_PORT(k) */
} lyra_projection_spec;

/* Fills s with NEST defaults: all_to_all, autapses and multapses allowed,
 * weight 1, delay 1 ms, receptor AUTO. */
void lyra_projection_spec_init(lyra_projection_spec *s);
/* Adds a projection; the spec is checked now (populations exist, p in
 * [0,1], in-degree possible, delay >= dt for constants, a receptor the
 * target's model has, ...). Receptors are checked again when the model is
 * validated, since the target's port count may change after. */
int lyra_model_add_projection(lyra_model *m, const lyra_projection_spec *s,
                              int *index_out);
int lyra_model_projection_count(const lyra_model *m);

/* Projections have names, for recorders and messages: "SOURCE-TARGET" by
 * default ("SOURCE-TARGET.2", ... when taken). A name is unique, 1..63
 * characters of [A-Za-z0-9_.-]. */
int lyra_model_set_projection_name(lyra_model *m, int proj, const char *name);
const char *lyra_model_projection_name(const lyra_model *m, int proj);
/* Index of the projection with that name, or LYRA_ENOTFOUND. */
int lyra_model_find_projection(const lyra_model *m, const char *name);

/* ------------------------------------------------------------------ */
/* Plasticity                                                          */
/* ------------------------------------------------------------------ */

/* Sets the synapse model of projection proj: a catalogue entry of kind
 * "synapse" ("static_synapse", the default; "stdp_synapse",
 * "stdp_nn_symm_synapse", "stdp_nn_pre_centered_synapse",
 * "stdp_nn_restr_synapse", "stdp_triplet_synapse",
 * "vogels_sprekeler_synapse", "tsodyks_synapse", "tsodyks2_synapse").
 * Its parameters start at their catalogue defaults. Parameters hold for
 * the whole projection (per-synapse values are the weight and delay).
 * The whole synaptic delay is dendritic, as in NEST: a postsynaptic spike
 * reaches the synapse `delay` after it is emitted. */
int lyra_model_set_synapse_model(lyra_model *m, int proj, const char *model);
/* Sets a parameter of the projection's synapse model, in its catalogue
 * unit; "weight" means the target model's weight unit. Checked when the
 * model is validated. */
int lyra_model_set_synapse_param(lyra_model *m, int proj, const char *param,
                                 double value);

/* Adaptive synaptic scaling, applied inside the engine every `interval`
 * (at the end of the first min-delay slice that reaches each multiple).
 *  RATE (van Rossum, Bi & Turrigiano 2000): each neuron estimates its
 *    rate, nu, with an exponential filter of time constant tau (each spike
 *    adds 1/tau), and multiplies its scaled incoming excitatory weights by
 *    exp(gain * interval * (target_rate - nu)): a multiplicative change
 *    of gain (per Hz of error, per second) that keeps the ratios between
 *    a neuron's weights.
 *  NORMALIZE: each neuron's scaled incoming excitatory weights are
 *    multiplied by total / (their sum), so that the sum is held at total.
 * Excitatory means a weight that adds positive input to its port. */
typedef enum lyra_scaling_mode {
  LYRA_SCALING_NONE = 0,
  LYRA_SCALING_RATE,
  LYRA_SCALING_NORMALIZE
} lyra_scaling_mode;

typedef struct lyra_scaling_spec {
  lyra_scaling_mode mode;
  double target_rate; /* Hz (RATE) */
  double tau;         /* ms: rate estimate time constant (RATE) */
  double gain;        /* 1/(Hz s) (RATE) */
  double total;       /* weight unit (NORMALIZE) */
  double interval;    /* ms, a multiple of dt */
} lyra_scaling_spec;

/* RATE with target 5 Hz, tau 1000 ms, gain 0.001, interval 100 ms. */
void lyra_scaling_spec_init(lyra_scaling_spec *s);
/* Scales the synapses of one projection, per target neuron. */
int lyra_model_set_projection_scaling(lyra_model *m, int proj,
                                      const lyra_scaling_spec *s);
/* Scales all excitatory synapses onto population pop together: one rate
 * estimate per neuron, and for NORMALIZE one sum over all its incoming
 * excitatory synapses. */
int lyra_model_set_population_scaling(lyra_model *m, int pop,
                                      const lyra_scaling_spec *s);

/* Devices: "poisson_generator" (independent train per target),
 * "dc_generator" (current), "noise_generator" (Gaussian white-noise
 * current, independent per target neuron, changing every dt), and
 * "spike_generator" (the same given times to every target). Parameters
 * are checked when set; those that depend on the time step or on each
 * other (noise_generator: dt a multiple of the step, std_mod <= std)
 * when the model is validated. */
int lyra_model_add_device(lyra_model *m, const char *model, int *index_out);
int lyra_model_set_device_param(lyra_model *m, int dev, const char *param,
                                double value);
/* spike_generator only: spike times in ms, each >= dt; sorted on copy. */
int lyra_model_set_device_spike_times(lyra_model *m, int dev,
                                      const double *times_ms, size_t n);
/* Connects device dev to every neuron of pop. For dc_generator and
 * noise_generator the weight scales the current (use 1) and the receptor
 * is not used (currents have one input). The receptor of a spike-emitting
 * device follows the rules of lyra_receptor; a wrong one is refused now,
 * naming the device, the population, its model and the valid receptors. */
int lyra_model_connect_device(lyra_model *m, int dev, int pop, double weight,
                              double delay_ms, lyra_receptor receptor);
int lyra_model_device_count(const lyra_model *m);

/* Recorder output formats (bit set). */
#define LYRA_FORMAT_BINARY 1u /* <name>.lyspk / .lystate, see docs */
#define LYRA_FORMAT_TEXT 2u   /* NEST-style text, <name>.dat */
#define LYRA_FORMAT_SONATA 4u /* spikes only: SONATA HDF5, spikes.h5 */

/* Records the spikes of population pop to file(s) named after it. With
 * LYRA_FORMAT_SONATA the spikes go into the run's one SONATA spike file,
 * OUTDIR/spikes.h5, shared by every population recorded in that format:
 * group /spikes/<population> with datasets node_ids (uint64,
 * population-local, 0-based) and timestamps (float64, ms), sorted by
 * time, then id (docs/file-formats.md). */
int lyra_model_record_spikes(lyra_model *m, int pop, unsigned formats);
/* Records state variable var of the given neurons (population-local
 * indices) every interval_ms (a multiple of dt). Formats: binary and/or
 * text (SONATA is for spikes only; so for weights and synapse dumps).
 * var is a state variable of the catalogue or, for a multisynapse model,
 * a per-port variable: "I_syn_k" is I_syn of receptor port k (1..n). */
int lyra_model_record_state(lyra_model *m, int pop, const char *var,
                            const uint32_t *neurons, size_t n_neurons,
                            double interval_ms, unsigned formats);
/* Records, every interval_ms (a multiple of dt), the weight of each
 * synapse of projection proj from one of the given sources onto one of the
 * given targets (population-local indices; NULL or 0 entries: all), to
 * <projection>.lywgt (binary) and/or <projection>.wgt.dat (text: source,
 * target, time, weight). Sources' and targets' global ids are written. */
int lyra_model_record_weights(lyra_model *m, int proj, const uint32_t *sources,
                              size_t n_sources, const uint32_t *targets,
                              size_t n_targets, double interval_ms,
                              unsigned formats);
/* Writes every synapse of projection proj (source, target, weight, delay)
 * when the network finishes, to <projection>.lysyn and/or
 * <projection>.syn.dat. */
int lyra_model_dump_synapses(lyra_model *m, int proj, unsigned formats);

/* The firing rate population pop has in the full-scale model (Hz), used
 * by lyra_model_scale to keep the mean input of its targets when their
 * in-degrees are scaled down. Unset by default. */
int lyra_model_set_reference_rate(lyra_model *m, int pop, double hz);

/* Scales the model down as the reference implementation of the Potjans &
 * Diesmann (2014) microcircuit does: population sizes times `neurons`;
 * synapse numbers so that in-degrees scale by `indegree` (fixed_total_number
 * N times neurons * indegree, fixed_in/outdegree times indegree,
 * pairwise_bernoulli p times indegree / neurons); weights of projections
 * divided by sqrt(indegree); Poisson generators' rates times indegree and
 * their weights divided by sqrt(indegree). With indegree < 1 the mean
 * input lost is given back as DC, as the reference does: I_e of the target
 * rises by 1e-3 tau_syn (1 - sqrt(indegree)) K w rate for every projection
 * (K its full-scale in-degree, w its mean weight in pA, rate the source's
 * reference rate) and every Poisson generator (K w rate = w times its
 * full rate); current-based exponential-synapse targets only
 * (iaf_psc_exp). Both factors in (0, 1]. Call once, after the whole model
 * is described. */
int lyra_model_scale(lyra_model *m, double neurons, double indegree);

/* Checks everything not checked when added (parameter constraints of each
 * population). Network creation calls it too. */
int lyra_model_validate(lyra_model *m);

/* What building the model will take, computed without building it. */
typedef struct lyra_estimate {
  uint64_t neurons;
  double synapses;    /* expected number (exact for deterministic rules) */
  double bytes_total; /* predicted peak memory of the network */
  double bytes_synapses;
} lyra_estimate;
int lyra_model_estimate(lyra_model *m, lyra_estimate *out);

/* ------------------------------------------------------------------ */
/* Network: built model, simulation, results                           */
/* ------------------------------------------------------------------ */

typedef struct lyra_network lyra_network;

/* Builds the model (validated first). The model may be destroyed after.
 * On failure *out is NULL and, if err is not NULL, up to errlen bytes of the
 * message are copied to err. */
int lyra_network_create(lyra_network **out, lyra_model *m, char *err,
                        size_t errlen);
/* Frees the network. Recorder files not finished are removed (their
 * temporary names), never left looking complete. */
void lyra_network_destroy(lyra_network *net);
const char *lyra_network_errmsg(const lyra_network *net);

/* Called now and then during simulate: simulated time so far and target, in
 * ms, and wall seconds since simulate began. */
typedef void (*lyra_progress_fn)(void *user, double t_ms, double t_end_ms,
                                 double wall_s);
/* Advances the network by duration_ms (rounded to whole steps). May be
 * called repeatedly; recorders keep appending. */
int lyra_network_simulate(lyra_network *net, double duration_ms,
                          lyra_progress_fn progress, void *user);
/* Completes and renames recorder files and writes run.json into the output
 * directory. No further simulate after it. */
int lyra_network_finish(lyra_network *net);

typedef struct lyra_pop_stats {
  const char *name;
  const char *model;
  uint32_t size;
  uint64_t spikes; /* since the start */
  double rate_hz;  /* spikes / (size * simulated time) */
  double cv_isi;   /* mean over neurons with >= 2 intervals; NaN if none */
  uint32_t silent; /* neurons that never fired */
} lyra_pop_stats;
int lyra_network_population_count(const lyra_network *net);
int lyra_network_population_stats(const lyra_network *net, int pop,
                                  lyra_pop_stats *out);

typedef struct lyra_network_info {
  uint64_t neurons;
  uint64_t synapses;
  uint64_t bytes_synapses;   /* connectivity storage */
  uint64_t bytes_total;      /* everything the network allocated */
  double build_s;            /* wall time of lyra_network_create */
  double sim_s;              /* wall time in simulate since the timing began */
  double t_ms;               /* simulated time so far */
  double timed_ms;           /* simulated time since the timing began */
  uint64_t events;           /* synaptic events delivered since then */
  uint64_t plastic_synapses; /* of which with a plastic synapse model */
  uint64_t bytes_plastic;    /* their storage (weights, channels, groups) */
  double dt;
  uint64_t seed;
  const char *output_dir;
  int threads;
  /* Construction time by phase: names ("neurons", "count synapses",
   * "place synapses", "delay groups", "buffers, devices, recorders") and
   * wall seconds; n_phases entries. */
  int n_phases;
  const char *phase_name[8];
  double phase_s[8];
} lyra_network_info;
int lyra_network_get_info(const lyra_network *net, lyra_network_info *out);

/* Population rate of pop in Hz, in consecutive bins of bin_ms (a multiple
 * of dt) from t = 0: rates[k] covers [k bin_ms, (k+1) bin_ms). Fills at
 * most n bins and returns how many it filled, or a negative error. */
int lyra_network_population_rate(const lyra_network *net, int pop,
                                 double bin_ms, double *rates, size_t n);

/* Starts the timing (sim_s, timed_ms, events) afresh, e.g. after a
 * warm-up that should not count in a benchmark. */
int lyra_network_reset_timing(lyra_network *net);

/* State of one neuron (population-local index) by variable name (as for
 * lyra_model_record_state, per-port variables included). */
int lyra_network_get_state(const lyra_network *net, int pop, uint32_t neuron,
                           const char *var, double *value);

/* One synapse: population-local source and target, weight (in the
 * target's weight unit) and delay (ms). */
typedef struct lyra_synapse {
  uint32_t source, target;
  double weight, delay;
} lyra_synapse;

/* Copies up to n synapses of projection proj into out, ordered by source,
 * then target, delay and creation (the same for any number of threads),
 * and returns how many the projection has (call with n = 0 to size out),
 * or a negative error. Weights include every change by plasticity and
 * scaling up to now: spike-timing rules apply the potentiation due to
 * postsynaptic spikes since the last presynaptic one first (NEST shows it
 * only at the next presynaptic spike). Available for projections kept on
 * their own: plastic, scaled, recorded or dumped ones; a static
 * projection merged with others gives LYRA_ENOTSUP. */
int64_t lyra_network_get_synapses(lyra_network *net, int proj,
                                  lyra_synapse *out, size_t n);

/* ------------------------------------------------------------------ */
/* Reading recorded files                                              */
/* ------------------------------------------------------------------ */

/* The spikes of one population, as read from a file: lyra's native
 * <population>.spikes.lyspk, NEST-style text (lyra's .dat, NEST 3 ASCII
 * recorder files, NEST 2 .gdf) or a SONATA HDF5 spike file. */
typedef struct lyra_spikes {
  char population[64];
  char model[64];    /* "" where the file does not say */
  uint32_t first_id; /* id of the population's first neuron (lyra and
                        NEST: 1-based global; SONATA: 0, ids are node
                        ids, and the size runs to the largest; lyra's own
                        SONATA files: as in the native file) */
  uint32_t size;     /* neurons in the population */
  int size_inferred; /* 1: the file does not say; size and first_id span
                        the ids seen (neurons that never fired at either
                        end are then not counted) */
  double dt_ms;      /* 0 where the file does not say */
  double t_stop_ms;  /* end of the recording (from run.json or the file),
                        0 where unknown */
  uint64_t seed;
  uint64_t n;       /* spikes */
  uint32_t *ids;    /* [n] ids, first_id .. first_id + size - 1 */
  double *times_ms; /* [n] spike times in ms, never decreasing */
  uint32_t *steps;  /* [n] native files only (else NULL): time stamps in
                       steps, times_ms[i] = steps[i] * dt_ms */
} lyra_spikes;

/* Reads and checks a native spike file. On failure *out is NULL and err
 * (if not NULL) holds a message naming the file and what is wrong. The
 * result is owned by the caller: free it with lyra_spikes_free. */
int lyra_spikes_read(const char *path, lyra_spikes **out, char *err,
                     size_t errlen);
/* The same from memory (name is used in messages). */
int lyra_spikes_parse(const void *data, size_t len, const char *name,
                      lyra_spikes **out, char *err, size_t errlen);
/* Parses NEST-style text from memory: '#' comment lines, an optional
 * column header naming "sender" and "time_ms" (NEST 3), else two columns
 * id and time in ms (NEST 2 .gdf). lyra's own header line gives the
 * population, model, ids and dt. name is used in messages and, without a
 * lyra header, gives the population's name. */
int lyra_spikes_parse_text(const void *data, size_t len, const char *name,
                           lyra_spikes **out, char *err, size_t errlen);
void lyra_spikes_free(lyra_spikes *s);

/* Loads every population's spikes from path: an output directory (its
 * .lyspk files; else its spikes.h5; else its .spikes.dat files), a
 * native .lyspk file, a SONATA .h5 file (every population in it; what
 * is accepted: docs/file-formats.md) or a NEST text file (.dat, .gdf,
 * .txt); a file named .h5 or .hdf5 must be HDF5. Files of one population
 * written by several NEST processes (label-nodeid-vp.dat) are given one
 * by one and merged by lyra_spikes_merge. Where a run.json lies beside
 * the files its simulated time gives t_stop_ms. On success *out is an
 * array of *n_out populations, owned by the caller
 * (lyra_spikes_free_all). */
int lyra_spikes_load(const char *path, lyra_spikes ***out, size_t *n_out,
                     char *err, size_t errlen);
/* Appends the populations of list b to list a (both from
 * lyra_spikes_load; b is consumed), merging populations of the same name
 * into one, in time order. */
int lyra_spikes_merge(lyra_spikes ***a, size_t *n_a, lyra_spikes **b,
                      size_t n_b, char *err, size_t errlen);
void lyra_spikes_free_all(lyra_spikes **list, size_t n);

/* ------------------------------------------------------------------ */
/* Analysis of spike trains                                             */
/* ------------------------------------------------------------------ */

/* What to analyse and how. lyra_analysis_defaults fills the defaults;
 * change what you need. A spike at time t is in the window if
 * t_start_ms < t <= t_stop_ms (a spike is stamped at the end of the step
 * that produced it). */
typedef struct lyra_analysis_opts {
  double t_start_ms;  /* default 0 */
  double t_stop_ms;   /* default 0: the spikes' t_stop_ms, else the time
                         of the last spike */
  double fano_bin_ms; /* spike-count bins of the Fano factor (50 ms) */
  double corr_bin_ms; /* bins of the pairwise correlation and chi (10) */
  double rate_bin_ms; /* population-rate bins of the spectrum (1 ms) */
  double segment_ms;  /* Welch segment length of the spectrum (1000 ms) */
  uint32_t pairs;     /* pairs sampled for the correlation (1000) */
  uint64_t seed;      /* of the pair sample (1) */
} lyra_analysis_opts;
void lyra_analysis_defaults(lyra_analysis_opts *o);

/* Statistics of one population in a window. A statistic that is not
 * defined (no neuron with enough spikes, a window too short) is NaN, and
 * its count (cv_neurons, ...) says over how many it was taken. */
typedef struct lyra_pop_analysis {
  char population[64];
  uint32_t size; /* neurons (see lyra_spikes.size_inferred) */
  int size_inferred;
  double t_start_ms, t_stop_ms; /* the window used */
  uint64_t spikes;              /* in the window */
  uint32_t silent;              /* neurons without a spike in the window */
  /* firing rate of the neurons, Hz: mean, standard deviation, quantiles */
  double rate_mean, rate_sd, rate_min, rate_p05, rate_median, rate_p95,
      rate_max;
  /* CV of inter-spike intervals (sd / mean, sd with divisor n) over the
   * neurons with at least 3 spikes */
  double cv_mean, cv_sd;
  uint32_t cv_neurons;
  /* Fano factor of spike counts in fano_bin_ms bins (variance / mean),
   * averaged over the neurons that fired */
  double fano_mean;
  uint32_t fano_neurons;
  /* Pearson correlation of spike counts in corr_bin_ms bins, mean over
   * sampled pairs of neurons that fired */
  double corr_mean;
  uint32_t corr_pairs;
  /* Population rate spectrum (Welch, Hann window): the frequency of its
   * largest peak above 0 Hz and the peak's share of the total power */
  double peak_hz, peak_power_share;
  /* Golomb's synchrony chi: sqrt(var of the population-mean count /
   * mean of the single-neuron count variances), corr_bin_ms bins;
   * about 1/sqrt(N) for independent neurons, 1 for full synchrony */
  double chi;
} lyra_pop_analysis;

/* Analyses population s. On failure err says why (a window of length
 * zero, an option out of range, out of memory). */
int lyra_analyze(const lyra_spikes *s, const lyra_analysis_opts *o,
                 lyra_pop_analysis *out, char *err, size_t errlen);
/* Per neuron k (id s->first_id + k, k < s->size): rate in Hz, CV of
 * inter-spike intervals (NaN with fewer than 3 spikes) and Fano factor
 * (NaN without spikes); any output may be NULL. */
int lyra_analyze_neurons(const lyra_spikes *s, const lyra_analysis_opts *o,
                         double *rate_hz, double *cv, double *fano);
/* Population rate in Hz in bins of bin_ms from the window's start:
 * rate[k] covers (t_start + k bin, t_start + (k + 1) bin]. Fills at most
 * n bins and returns how many the window has, or a negative error. */
int64_t lyra_population_rate(const lyra_spikes *s, const lyra_analysis_opts *o,
                             double bin_ms, double *rate, size_t n);
/* Power spectrum of the population rate (rate_bin_ms bins, mean removed,
 * Welch's method with Hann windows of segment_ms, half overlapping):
 * fills at most n frequencies (Hz) and powers (Hz^2/Hz) and returns how
 * many there are, or a negative error. */
int64_t lyra_rate_spectrum(const lyra_spikes *s, const lyra_analysis_opts *o,
                           double *freq_hz, double *power, size_t n);

/* ------------------------------------------------------------------ */
/* Reading recorded state                                              */
/* ------------------------------------------------------------------ */

/* The samples of one state variable of chosen neurons, as read from a
 * native <population>.<variable>.lystate file (docs/file-formats.md). */
typedef struct lyra_state {
  char population[64];
  char model[64];
  char variable[64]; /* "V_m", ... */
  char unit[16];     /* "mV", "pA", "nS", or "" */
  uint32_t first_id; /* id of the population's first neuron (1-based) */
  uint32_t size;     /* neurons in the population */
  double dt_ms;
  uint64_t seed;
  uint32_t interval_steps; /* steps between samples */
  uint32_t n_neurons;      /* K: neurons recorded */
  uint32_t *ids;           /* [K] their global ids, in the recorder's order
                              (repeats allowed) */
  uint64_t n;              /* samples */
  uint32_t *steps;         /* [n] increasing multiples of interval_steps */
  double *times_ms;        /* [n] steps[i] * dt_ms */
  double *values;          /* [n * K]: values[i * K + j] is the value of
                              neuron ids[j] at times_ms[i], in unit */
} lyra_state;

/* Reads and checks a native state file: its magic, header, size against
 * the sample count, ids inside the population and steps increasing. On
 * failure *out is NULL and err (if not NULL) holds one line naming the
 * file and what is wrong. The result is the caller's: lyra_state_free.
 * Safe from any thread. */
int lyra_state_read(const char *path, lyra_state **out, char *err,
                    size_t errlen);
/* The same from memory (name is used in messages). */
int lyra_state_parse(const void *data, size_t len, const char *name,
                     lyra_state **out, char *err, size_t errlen);
/* Frees s and its arrays; NULL is a no-op. */
void lyra_state_free(lyra_state *s);

/* ------------------------------------------------------------------ */
/* Figures                                                             */
/* ------------------------------------------------------------------ */

/* What to draw and how big. lyra_plot_defaults fills the defaults; change
 * what you need. A NULL options pointer means the defaults. Times follow
 * the analysis window: a spike or sample at t is drawn if
 * t_start_ms < t <= t_stop_ms. */
typedef struct lyra_plot_opts {
  int width, height;    /* PNG: pixels; SVG, PDF: points. 1200 x 800;
                           width 400 .. 16000, height 300 .. 16000; text
                           scales with the size */
  double t_start_ms;    /* default 0 */
  double t_stop_ms;     /* default 0: the end of the recording (the
                           spikes' t_stop_ms), else the last spike or
                           sample */
  double bin_ms;        /* population-rate bins of the raster figure;
                           0 (default): a 1-2-5 width giving about 200
                           bins */
  uint32_t max_neurons; /* raster: the first max_neurons neurons of each
                           population are shown (100) */
  uint32_t max_traces;  /* traces: the first max_traces recorded neurons
                           are drawn (10) */
  const char *title;    /* NULL or "": a title made from the data */
} lyra_plot_opts;
/* Fills o with the defaults above. */
void lyra_plot_defaults(lyra_plot_opts *o);

/* Every figure is written in the format its file name ends in: ".png"
 * (white background), ".svg" or ".pdf" (any case). It is drawn into
 * path + ".partial" and renamed to path when complete; on failure nothing
 * is left at either name. Returns 0, LYRA_EINVAL (bad options, no
 * populations, unknown extension), LYRA_EIO (cannot write) or
 * LYRA_ENOMEM, with one line in err naming what is wrong. Populations
 * without spikes or neurons are drawn with the note "no spikes". The
 * data are only read, during the call. Safe from any thread. */

/* The spike raster (one colour per population, stacked in the order
 * given, the first population at the bottom) above the population rate
 * in Hz (one line per population, bins of bin_ms), on a shared time axis,
 * with a legend of population names and sizes. */
int lyra_plot_raster(lyra_spikes *const *pops, size_t n,
                     const lyra_plot_opts *o, const char *path, char *err,
                     size_t errlen);
/* Histograms, side by side, of the neurons' firing rates (Hz) and of the
 * CV of their inter-spike intervals (neurons with at least 3 spikes), as
 * lyra_analyze_neurons computes them in the window, as a percentage of
 * each population. */
int lyra_plot_histograms(lyra_spikes *const *pops, size_t n,
                         const lyra_plot_opts *o, const char *path, char *err,
                         size_t errlen);
/* The recorded variable of the first max_traces neurons of s against
 * time, one colour per neuron, with the variable's unit on the axis. */
int lyra_plot_traces(const lyra_state *s, const lyra_plot_opts *o,
                     const char *path, char *err, size_t errlen);

#if defined(__GNUC__) && !defined(_WIN32)
#pragma GCC visibility pop
#endif

#ifdef __cplusplus
}
#endif
#endif /* LYRA_H */
