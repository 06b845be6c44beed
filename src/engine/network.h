/*
 * The built network: what build/ hands to engine/ and record/.
 */
#ifndef LYRA_NETWORK_H
#define LYRA_NETWORK_H

#include "lyra_internal.h"
#include "models/models.h"

#include <stdio.h>

/* Static synapses, CSR by source, each source's synapses grouped by delay,
 * one block of rows per thread: row r = t * n_src + s holds the synapses
 * of source s onto the neurons thread t owns (synapses live with the
 * thread of their target). Groups of row r: [row[r], row[r+1]); synapses
 * of group g: [gstart[g], gstart[g+1]), all with delay gdelay[g] steps.
 * Per synapse: ring-buffer channel (4 bytes) and weight (4 bytes): 8 bytes.
 * A projection with a store of its own (engine/plastic.h) keeps its
 * weights as doubles in `wide` instead: 12 bytes.
 */
typedef struct lyra__csr {
  uint64_t n_src, n_rows, n_groups, n_syn;
  uint64_t *row;    /* [n_rows + 1] */
  uint64_t *gstart; /* [n_groups + 1] */
  uint16_t *gdelay; /* [n_groups] */
  uint32_t *chan;   /* [n_syn] */
  float *weight;    /* [n_syn], port weight; NULL in a store of its own */
  double *wide;     /* [n_syn], NEST weight; stores of their own only */
} lyra__csr;

typedef struct lyra__store lyra__store;
typedef struct lyra__scaler lyra__scaler;
typedef struct lyra__weight_rec lyra__weight_rec;

/* A device's connection to one population, ready for the step loop. */
typedef struct lyra__dev_target {
  int pop;
  int port;
  int delay; /* steps */
  double weight;
} lyra__dev_target;

typedef struct lyra__device {
  int kind;
  uint32_t index; /* device index: part of the Poisson stream key */
  int64_t start_step, stop_step; /* emission steps [start, stop) */
  double amplitude;              /* dc */
  double lambda;                 /* poisson: mean count per step */
  uint64_t *cdf;                 /* poisson inversion thresholds (2^32 scale) */
  int n_cdf;
  uint64_t fast[16];    /* the first 16 thresholds, padded with 2^32 */
  int64_t *spike_steps; /* spike_generator: emission steps, sorted */
  size_t n_spikes;
  lyra__dev_target *targets;
  size_t n_targets;
  /* Poisson: one Philox block gives four steps of one neuron; cache them.
   * Word k of neuron i of target t at cache[t][k * n + i]; then one
   * "needs the tail" byte per neuron. Block tag per target and thread. */
  uint32_t **cache;
  int64_t *cache_block; /* [n_targets * n_threads] */
  /* noise: mean + sd N(0, 1) per neuron, new every interval of
   * noise_steps steps from start_step; sd^2 = var + var_mod sin(omega t +
   * phase). The values of the current interval are kept per target
   * (amp[t][i]), with the interval they belong to per target and thread
   * in cache_block. */
  int64_t noise_steps;
  double mean, var, var_mod, omega, phase;
  double **amp;
} lyra__device;

/* What one thread owns and collects. Spikes of a slice are kept per
 * (step, population) segment so that every thread can walk all threads'
 * spikes in (step, global id) order without merging them. Two buffers,
 * by slice parity: a thread may start updating the next slice while
 * others still deliver this one. */
typedef struct lyra__thread {
  uint32_t *lo, *hi; /* owned neurons of each population: [lo, hi) */
  uint32_t *gid[2];  /* spikes (global ids) of the slice */
  uint32_t *seg[2];  /* [slice * n_pops + 1] segment starts */
  uint32_t *scratch; /* local indices of one step */
  double **in;       /* the input ports of the population being updated,
                        as many as the most any population has */
  uint64_t events;
  int rc[2]; /* a failure in the update phase of a slice of that parity,
                seen by thread 0 after the slice's barrier */
  /* With rc LYRA_ENUMERIC: the first neuron whose state blew up. */
  struct {
    int pop;
    uint32_t idx;
    int64_t step;
  } bad[2];
} lyra__thread;

/* An output file written under a temporary name, renamed when complete. */
typedef struct lyra__outfile {
  FILE *f;
  char *path, *tmp_path;
  uint64_t n_records;
} lyra__outfile;

typedef struct lyra__sonata lyra__sonata;

typedef struct lyra__recorder {
  lyra__recorder_spec spec;
  lyra__outfile bin, text;
  int sonata_slot; /* population's place in net->sonata; -1: none */
  int interval_steps;
  /* State samples of a slice, filled by the threads owning the neurons,
   * written by thread 0: [parity][step in slice * n_neurons + k]. */
  double *samples[2];
} lyra__recorder;

/* Per-neuron spike statistics, kept for every neuron. */
typedef struct lyra__stats {
  uint32_t *count;
  int64_t *last; /* step of last spike, -1 if none */
  double *isi_sum, *isi_sq;
} lyra__stats;

struct lyra_network {
  char err[LYRA__ERR_MAX];
  double dt;
  uint64_t seed;
  char *output_dir;
  int n_pops;
  lyra__pop *pops;
  char (*pop_names)[LYRA__NAME_MAX];
  uint64_t n_neurons;
  uint32_t *pop_of_gid_start; /* gid0 of each pop, [n_pops + 1] */

  lyra__csr csr;
  /* Projections with stores of their own (engine/plastic.c), the
   * scaling of their weights and the recorders of them. */
  lyra__store *stores;
  int n_stores;
  lyra__scaler *scalers;
  int n_scalers;
  lyra__weight_rec *wrecs;
  int n_wrecs;
  int dmin, dmax; /* synaptic delays in steps */
  int slice;      /* steps per slice = dmin */

  /* Ring buffers: ring[slot * n_chan + channel], R slots. */
  double *ring;
  uint64_t n_chan;
  int n_slots;

  lyra__device *devs;
  int n_devs;

  lyra__recorder *recs;
  int n_recs;
  int *spike_rec_of_pop; /* recorder index or -1 */
  lyra__sonata *sonata;  /* spikes.h5 of the recorders that want it */

  int n_threads;
  lyra__thread *threads;
  uint64_t slice_no; /* slices run so far: picks the spike buffer */
  /* Set by thread 0 after slice k's barrier, at index k & 1; read by all
   * after the next barrier. */
  int abort_rc[2];
  int broken; /* a simulate failed part-way: nothing more is allowed */

  lyra__stats stats;
  /* Spike count of every population in every step: [step * n_pops + pop]. */
  uint32_t *step_counts;
  uint64_t step_counts_cap; /* in steps */
  int64_t step;             /* steps simulated so far */
  int64_t timed_from;       /* step at which the timing began */
  uint64_t events;
  double build_s, sim_s;
  int n_phases;
  const char *phase_name[8];
  double phase_s[8];
  uint64_t bytes_total;
  int finished;
  int time_decimals; /* for text output */
  uint64_t dt_units; /* dt * 10^time_decimals, if exact; else 0 */
};

/* build/connect.c: generates all projections into net->csr. */
int lyra__build_connectivity(lyra_network *net, const lyra_model *m,
                             double *t0);
void lyra__csr_free(lyra__csr *c);

/* engine/devices.c */
int lyra__devices_build(lyra_network *net, const lyra_model *m);
void lyra__devices_free(lyra_network *net);
/* Adds the input of every device aimed at pop for step s to in[], for
 * the neurons [lo, hi) that thread tid owns. */
void lyra__devices_inject(lyra_network *net, int pop, int64_t s,
                          double *const *in, uint32_t lo, uint32_t hi, int tid);

/* record/recorders.c */
int lyra__recorders_open(lyra_network *net, const lyra_model *m);
/* Spikes emitted at step s (recorded time stamp s + 1) by pop: global
 * ids, ascending. Thread 0 only. */
int lyra__record_spikes(lyra_network *net, int pop, int64_t s,
                        const uint32_t *gid, uint32_t n);
/* Thread tid samples its own recorded neurons after step s (slice step
 * si, buffer parity par). */
void lyra__sample_state(lyra_network *net, int tid, int64_t s, int si, int par);
/* Thread 0 writes the samples of steps [t0, t1) from buffer par. */
int lyra__write_state(lyra_network *net, int64_t t0, int64_t t1, int par);
int lyra__recorders_close(lyra_network *net);
void lyra__recorders_abort(lyra_network *net);
int lyra__write_run_summary(lyra_network *net);

/* record/sonata_write.c: the run's one SONATA spike file, spikes.h5
 * (written as spikes.h5.partial until committed), shared by the spike
 * recorders with LYRA_FORMAT_SONATA. err has LYRA__ERR_MAX bytes. */
/* Adds population pop to the file (created on the first call); *slot
 * receives its place for lyra__sonata_append. */
int lyra__sonata_add(lyra_network *net, int pop, int *slot, char *err);
/* Spikes at time t_ms of the population in slot: global ids, ascending.
 * They are buffered and written in blocks. */
int lyra__sonata_append(lyra_network *net, int slot, double t_ms,
                        const uint32_t *gid, uint32_t n, char *err);
/* Writes what is buffered and the end time, closes and renames the file. */
int lyra__sonata_commit(lyra_network *net, char *err);
/* Closes the file unfinished and removes it. */
void lyra__sonata_abort(lyra_network *net);

/* record/outfile.c */
int lyra__outfile_open(lyra__outfile *o, const char *dir, const char *name,
                       char *err);
int lyra__outfile_commit(lyra__outfile *o, char *err);
void lyra__outfile_abort(lyra__outfile *o);
/* Makes dir and its parents (mkdir -p). */
int lyra__mkdirs(const char *dir, char *err);
/* Little-endian encoding into b. */
void lyra__put_u32(unsigned char *b, uint32_t v);
void lyra__put_u64(unsigned char *b, uint64_t v);
void lyra__put_f64(unsigned char *b, double x);
/* Binary file header: magic (8 bytes), record count (filled in by
 * lyra__commit_bin), header text length and text. */
int lyra__write_bin_header(lyra__outfile *o, const char *magic,
                           const char *text);
/* Fills in the record count of a binary file and completes it. */
int lyra__commit_bin(lyra__outfile *o, char *err);
/* Writes stamp * dt exactly when dt has few decimals; returns the length. */
int lyra__format_time(const lyra_network *net, int64_t stamp, char *buf);

/* Records that construction phase `name` ended now, started at *t0; sets
 * *t0 to now. */
void lyra__phase(lyra_network *net, const char *name, double *t0);

int lyra__network_error(lyra_network *net, int code, const char *fmt, ...)
    LYRA__PRINTF(3, 4);

#endif
