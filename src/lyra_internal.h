/*
 * lyra_internal.h - declarations shared between the library's stages.
 * Never installed; nothing outside src/ includes it.
 *
 * Internal non-static names carry the prefix lyra__.
 */
#ifndef LYRA_INTERNAL_H
#define LYRA_INTERNAL_H

#include "lyra.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LYRA__NAME_MAX 64
#define LYRA__ERR_MAX 1024

#if defined(__GNUC__)
#define LYRA__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LYRA__PRINTF(a, b)
#endif

/* ---- util/error.c ------------------------------------------------- */

/* Formats into buf (size LYRA__ERR_MAX) and returns code. */
int lyra__errf(char *buf, int code, const char *fmt, ...) LYRA__PRINTF(3, 4);
/* The same into a caller's buffer err of errlen bytes (either may be
 * NULL / 0: then only the code is returned). */
int lyra__errf_n(char *err, size_t errlen, int code, const char *fmt, ...)
    LYRA__PRINTF(4, 5);

/* ---- util/alloc.c: allocation that reports failure, never aborts --- */

void *lyra__malloc(size_t n);
void *lyra__calloc(size_t count, size_t size);
void *lyra__realloc(void *p, size_t n);
/* Aligned to 64 bytes (a cache line); free with lyra__free_aligned. */
void *lyra__malloc_aligned(size_t n);
void lyra__free_aligned(void *p);
char *lyra__strdup(const char *s);
/* n*size, or SIZE_MAX if it overflows (so the allocation then fails). */
size_t lyra__mul_size(size_t n, size_t size);

/* Threads to use for a request (0: one per available core). */
int lyra__resolve_threads(int requested);

/* Monotonic wall clock in seconds. */
double lyra__now(void);

/* ---- spec/units.c -------------------------------------------------- */

/* Catalogue unit of parameters given in the target's weight unit (a
 * synapse's Wmax). */
#define LYRA__UNIT_WEIGHT "weight"

/* Parses "20 ms", "-0.5 mV", "8 Hz", "1e3 pA" and converts to the unit
 * `unit` (a catalogue unit: "ms", "mV", "pA", "pF", "nS", "Hz", or "" for
 * a plain number). Returns 0, LYRA_EUNIT (missing or incompatible unit;
 * why in err) or LYRA_EPARSE (not a number). err has LYRA__ERR_MAX bytes. */
int lyra__parse_quantity(const char *text, const char *unit, double *out,
                         char *err);

/* ---- models/registry.c: parameters with choices --------------------- */

/* Words of a parameter's choices ("a|b|c"; lyra_param_info.choices):
 * their number (0 for NULL), and word i copied into buf (cut to cap - 1
 * bytes; "" if there is no word i). */
int lyra__choice_count(const char *choices);
const char *lyra__choice_word(const char *choices, int i, char *buf,
                              size_t cap);

/* ---- model spec (spec/model.c) ------------------------------------- */

typedef struct lyra__model_desc lyra__model_desc;

#define LYRA__MAX_PARAMS 24
#define LYRA__MAX_STATE 12

typedef struct lyra__pop_spec {
  char name[LYRA__NAME_MAX];
  const lyra__model_desc *model;
  uint32_t size;
  double params[LYRA__MAX_PARAMS]; /* in catalogue units */
  /* List parameters (multisynapse models): lists[i] holds list_len[i]
   * values of parameter i, owned by the model; NULL: the default list,
   * one element equal to params[i]. */
  double *lists[LYRA__MAX_PARAMS];
  size_t list_len[LYRA__MAX_PARAMS];
  lyra_dist init[LYRA__MAX_STATE];
  double reference_rate;     /* Hz, full-scale; NAN if unknown */
  lyra_scaling_spec scaling; /* of its excitatory inputs; mode NONE: none */
} lyra__pop_spec;

typedef struct lyra__synapse_desc lyra__synapse_desc;

/* What a projection has beyond its public lyra_projection_spec. */
typedef struct lyra__proj_ext {
  char name[LYRA__NAME_MAX];
  const lyra__synapse_desc *synapse; /* never NULL: static_synapse */
  double params[LYRA__MAX_PARAMS];   /* of the synapse model */
  lyra_scaling_spec scaling;         /* mode NONE: none */
  unsigned dump_formats;             /* write all synapses at finish */
  int recorded;                      /* a weight recorder names it */
} lyra__proj_ext;

/* A projection keeps its synapses in a store of its own (rather than in
 * the shared static one) when they change or are looked at. */
int lyra__proj_is_separate(const lyra_model *m, int proj);

typedef struct lyra__device_target {
  int pop;
  double weight;
  double delay_ms;
  lyra_receptor receptor;
} lyra__device_target;

typedef struct lyra__device_spec {
  const lyra_model_info *info;
  int kind; /* LYRA__DEV_* */
  double params[LYRA__MAX_PARAMS];
  double *spike_times; /* spike_generator, sorted, ms */
  size_t n_spike_times;
  lyra__device_target *targets;
  size_t n_targets;
} lyra__device_spec;

enum {
  LYRA__DEV_POISSON = 0,
  LYRA__DEV_DC,
  LYRA__DEV_SPIKEGEN,
  LYRA__DEV_NOISE
};

/* Weights of chosen synapses of a projection, at an interval. */
typedef struct lyra__weight_rec_spec {
  int proj;
  uint32_t *sources, *targets; /* population-local, sorted; NULL: all */
  size_t n_sources, n_targets;
  double interval_ms;
  unsigned formats;
} lyra__weight_rec_spec;

typedef struct lyra__recorder_spec {
  int is_state; /* 0: spikes, 1: state variable */
  int pop;
  int var;           /* state index for state recorders */
  uint32_t *neurons; /* state recorders */
  size_t n_neurons;
  double interval_ms; /* state recorders */
  unsigned formats;
} lyra__recorder_spec;

struct lyra_model {
  char err[LYRA__ERR_MAX];
  double dt, duration;
  uint64_t seed;
  int threads; /* 0: one per core */
  char *output_dir;
  lyra__pop_spec *pops;
  int n_pops, cap_pops;
  lyra_projection_spec *projs;
  lyra__proj_ext *pext; /* [n_projs] */
  int n_projs, cap_projs, cap_pext;
  lyra__device_spec *devs;
  int n_devs, cap_devs;
  lyra__recorder_spec *recs;
  int n_recs, cap_recs;
  lyra__weight_rec_spec *wrecs;
  int n_wrecs, cap_wrecs;
};

/* Sets m->err from a format and returns code. */
int lyra__model_error(lyra_model *m, int code, const char *fmt, ...)
    LYRA__PRINTF(3, 4);
/* Empties the model (back to the state after create), keeping m->err. */
void lyra__model_clear(lyra_model *m);
/* Grows an array of elements of `size` bytes to hold n + 1 (capacity
 * doubling); LYRA_ENOMEM leaves it as it was. */
int lyra__grow(void **arr, int *cap, int n, size_t size);
/* 1..63 characters of [A-Za-z0-9_.-]. */
int lyra__valid_name(const char *s);
/* Sets parameter `param` of catalogue entry info in params (ENOTFOUND
 * for an unknown name, EINVAL for NaN), with the message in m. */
int lyra__set_catalogue_param(lyra_model *m, const lyra_model_info *info,
                              double *params, const char *param, double value);
/* LYRA_EINVAL with a message unless device dev's parameters fit each
 * other and the time step (noise_generator: std_mod <= std, dt a multiple
 * of the step). */
int lyra__check_device(lyra_model *m, int dev);
/* LYRA_EINVAL with a message unless pop is a population index. */
int lyra__check_pop(lyra_model *m, int pop);
/* LYRA_EINVAL with a message unless population pop's model has receptor
 * rec (lyra_receptor's rules); what names the synapse's origin in the
 * message ("projection 'E-I'", ...). */
int lyra__check_receptor(lyra_model *m, const char *what, int pop,
                         lyra_receptor rec);
/* The same for a connection of device dev (spike-emitting devices only;
 * currents have one input, whatever the receptor). */
int lyra__check_device_receptor(lyra_model *m, int dev, int pop,
                                lyra_receptor rec);
/* ", I_syn_1 .. I_syn_3 (per receptor port)": the per-port state
 * variables of population pop, for lists of names; "" if it has none. */
const char *lyra__port_state_names(const lyra_model *m, int pop, char *buf,
                                   size_t cap);
/* The formats each kind of recorder writes: spikes also to the run's
 * SONATA file, everything else to files of its own. */
#define LYRA__FILE_FORMATS (LYRA_FORMAT_BINARY | LYRA_FORMAT_TEXT)
#define LYRA__SPIKE_FORMATS (LYRA__FILE_FORMATS | LYRA_FORMAT_SONATA)
/* LYRA_EINVAL with a message unless formats is a non-empty subset of
 * allowed. */
int lyra__check_formats(lyra_model *m, unsigned formats, unsigned allowed);
/* spec/plasticity.c: makes room for projection m->n_projs (spec s) and
 * fills its extension with defaults (static synapse, default name). */
int lyra__add_projection_ext(lyra_model *m, const lyra_projection_spec *s);
/* Checks the synapse parameters and scaling of every projection. */
int lyra__validate_plasticity(lyra_model *m);

/* record/read.c: reading spike files back. */
/* Reads a whole file into a fresh buffer with a '\0' after its len bytes;
 * err says what failed. */
int lyra__read_whole_file(const char *path, unsigned char **data, size_t *len,
                          char *err, size_t errlen);
/* Little-endian integers of the binary files. */
uint32_t lyra__get_u32(const unsigned char *b);
uint64_t lyra__get_u64(const unsigned char *b);
/* The value of the line "key: value" in a binary file's header text (len
 * bytes, not terminated), without leading blanks: a pointer into text and
 * its length in *vlen; NULL if no line has that key. */
const char *lyra__header_find(const char *text, size_t len, const char *key,
                              size_t *vlen);
/* The keys every binary file of a population has: first_id, size (ids
 * within 1 .. 2^32 - 1), dt_ms and, if present, seed; -1 if one is
 * missing or out of range (the outputs are then unchanged). */
int lyra__header_population(const char *text, size_t len, uint32_t *first_id,
                            uint32_t *size, double *dt_ms, uint64_t *seed);
/* A zeroed lyra_spikes with ids and times_ms for n spikes, or NULL. */
lyra_spikes *lyra__spikes_alloc(uint64_t n);
/* Sorts spikes by time, then id (stable), if they are not in that order. */
int lyra__spikes_sort(lyra_spikes *s);
/* record/sonata.c: every population of a SONATA spike file. */
int lyra__sonata_read(const char *path, lyra_spikes ***out, size_t *n_out,
                      char *err, size_t errlen);
/* 1 if path starts with the HDF5 signature. */
int lyra__is_hdf5(const char *path);

#endif
