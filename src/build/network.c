/*
 * Building a network from a validated model: neuron state, connectivity,
 * ring buffers, devices, recorders.
 */
#include "engine/network.h"
#include "engine/plastic.h"
#include "util/pool.h"
#include "util/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int lyra__network_error(lyra_network *net, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(net->err, sizeof net->err, fmt, ap);
  va_end(ap);
  return code;
}

void lyra__phase(lyra_network *net, const char *name, double *t0) {
  double now = lyra__now();
  if (net->n_phases < 8) {
    net->phase_name[net->n_phases] = name;
    net->phase_s[net->n_phases++] = now - *t0;
  }
  *t0 = now;
}

const char *lyra_network_errmsg(const lyra_network *net) {
  return net ? net->err : "";
}

/* Accounts an allocation in bytes_total. */
static void *track(lyra_network *net, void *p, size_t bytes) {
  if (p)
    net->bytes_total += bytes;
  return p;
}

/* State arrays are only allocated here; the thread that owns a neuron
 * writes its initial state (touch_thread), so that its memory is first
 * touched, and so placed, by that thread. */
static int alloc_state(lyra_network *net, lyra__pop *p) {
  int ns = lyra__model_n_state(p->model);
  for (int k = 0; k < ns; k++) {
    size_t bytes = lyra__mul_size(p->n, sizeof(double));
    p->state[k] = track(net, lyra__malloc_aligned(bytes), bytes);
    if (!p->state[k])
      return LYRA_ENOMEM;
  }
  /* Per-port state in one block, every array starting on a cache line. */
  size_t arrays = (size_t)p->n_spike_ports * (size_t)p->model->n_port_state;
  if (arrays) {
    p->port_stride = (uint32_t)(((uint64_t)p->n + 7) & ~(uint64_t)7);
    size_t bytes = lyra__mul_size(lyra__mul_size(arrays, p->port_stride), 8);
    p->port_state = track(net, lyra__malloc_aligned(bytes), bytes);
    if (!p->port_state)
      return LYRA_ENOMEM;
  }
  size_t bytes = lyra__mul_size(p->n, sizeof *p->refr);
  p->refr = track(net, lyra__malloc_aligned(bytes), bytes);
  return p->refr ? 0 : LYRA_ENOMEM;
}

/* The spike ports and lists of a population, from its description: a
 * copy of every list (unset ones: one element, the parameter's value) in
 * one block, and room for the per-port constants prepare computes. */
static int build_ports(lyra__pop *p, const lyra__pop_spec *ps) {
  const lyra__model_desc *d = ps->model;
  uint64_t n = lyra__spec_spike_ports(ps);
  size_t n_lists = 0;
  if (n > INT32_MAX)
    return LYRA_EINVAL;
  p->n_spike_ports = (int)n;
  for (size_t i = 0; i < d->info.n_params; i++)
    n_lists += d->info.params[i].is_list != 0;
  if (n_lists) {
    p->list_mem = lyra__malloc(lyra__mul_size(n_lists * n, sizeof(double)));
    if (!p->list_mem)
      return LYRA_ENOMEM;
    double *at = p->list_mem;
    for (size_t i = 0; i < d->info.n_params; i++) {
      if (!d->info.params[i].is_list)
        continue;
      memcpy(at, ps->lists[i] ? ps->lists[i] : &ps->params[i],
             n * sizeof *at); /* validated: every list has n values */
      p->lists[i] = at;
      at += n;
    }
  }
  if (d->n_port_vars) {
    p->port_vars =
        lyra__calloc(n * (size_t)d->n_port_vars, sizeof *p->port_vars);
    if (!p->port_vars)
      return LYRA_ENOMEM;
  }
  return 0;
}

typedef struct touch_ctx {
  lyra_network *net;
  const lyra_model *m;
} touch_ctx;

/* Thread tid writes the initial state of its neurons and zeroes their
 * ring-buffer channels. Visible state is drawn from one stream per neuron
 * and variable, so the values do not depend on who draws them. */
static void touch_thread(void *arg, int tid) {
  touch_ctx *c = arg;
  lyra_network *net = c->net;
  const lyra__thread *th = &net->threads[tid];
  for (int i = 0; i < net->n_pops; i++) {
    lyra__pop *p = &net->pops[i];
    const lyra__pop_spec *ps = &c->m->pops[i];
    uint32_t lo = th->lo[i], hi = th->hi[i];
    int ports = lyra__pop_ports(p);
    for (int k = 0; k < lyra__model_n_state(p->model); k++)
      memset(p->state[k] + lo, 0, (size_t)(hi - lo) * sizeof(double));
    for (int r = 0; r < p->n_spike_ports; r++)
      for (int k = 0; k < p->model->n_port_state; k++) {
        double *x = lyra__port_state(p, r, k), x0;
        x0 = p->model->port_state[k].default_value;
        for (uint32_t j = lo; j < hi; j++)
          x[j] = x0;
      }
    memset(p->refr + lo, 0, (size_t)(hi - lo) * sizeof *p->refr);
    for (size_t k = 0; k < p->model->info.n_state; k++)
      for (uint32_t j = lo; j < hi; j++) {
        lyra__rng r;
        lyra__rng_init(&r, net->seed, LYRA__RNG_INIT, p->gid0 + j, (uint32_t)k,
                       0);
        p->state[k][j] = lyra__rng_dist(&r, &ps->init[k]);
      }
    for (int slot = 0; slot < net->n_slots; slot++)
      for (int r = 0; r < ports; r++)
        memset(net->ring + (uint64_t)slot * net->n_chan + p->chan_base +
                   (uint64_t)r * p->n + lo,
               0, (size_t)(hi - lo) * sizeof(double));
  }
}

static int build_pops(lyra_network *net, const lyra_model *m) {
  net->n_pops = m->n_pops;
  net->pops = lyra__calloc((size_t)m->n_pops, sizeof *net->pops);
  net->pop_names = lyra__calloc((size_t)m->n_pops, sizeof *net->pop_names);
  if (!net->pops || !net->pop_names)
    return LYRA_ENOMEM;
  uint64_t gid = 0, chan = 0;
  for (int i = 0; i < m->n_pops; i++) {
    const lyra__pop_spec *ps = &m->pops[i];
    lyra__pop *p = &net->pops[i];
    memcpy(net->pop_names[i], ps->name, LYRA__NAME_MAX);
    p->model = ps->model;
    p->n = ps->size;
    p->gid0 = (uint32_t)gid;
    p->chan_base = (uint32_t)chan;
    p->dt = m->dt;
    memcpy(p->params, ps->params, sizeof p->params);
    int rc = build_ports(p, ps);
    if (rc)
      return rc;
    p->model->prepare(p);
    gid += p->n;
    chan += (uint64_t)p->n * (uint64_t)lyra__pop_ports(p);
    if (gid > UINT32_MAX || chan > UINT32_MAX)
      return LYRA_EINVAL;
    if ((rc = alloc_state(net, p)))
      return rc;
  }
  net->n_neurons = gid;
  net->n_chan = chan;
  return 0;
}

/* Thread t owns neurons [n t / T, n (t + 1) / T) of every population, so
 * each thread gets a share of every model's work. */
static int build_threads(lyra_network *net, int slice) {
  int T = net->n_threads, P = net->n_pops;
  net->threads = lyra__calloc((size_t)T, sizeof *net->threads);
  if (!net->threads)
    return LYRA_ENOMEM;
  for (int t = 0; t < T; t++) {
    lyra__thread *th = &net->threads[t];
    uint64_t owned = 0, maxn = 1;
    int max_ports = 1;
    for (int p = 0; p < P; p++)
      max_ports = lyra__pop_ports(&net->pops[p]) > max_ports
                      ? lyra__pop_ports(&net->pops[p])
                      : max_ports;
    th->lo = lyra__malloc((size_t)P * 4);
    th->hi = lyra__malloc((size_t)P * 4);
    th->in = lyra__calloc((size_t)max_ports, sizeof *th->in);
    if (!th->lo || !th->hi || !th->in)
      return LYRA_ENOMEM;
    for (int p = 0; p < P; p++) {
      uint64_t n = net->pops[p].n;
      th->lo[p] = (uint32_t)(n * (uint64_t)t / (uint64_t)T);
      th->hi[p] = (uint32_t)(n * (uint64_t)(t + 1) / (uint64_t)T);
      owned += th->hi[p] - th->lo[p];
      maxn = th->hi[p] - th->lo[p] > maxn ? th->hi[p] - th->lo[p] : maxn;
    }
    /* A neuron spikes at most once per step: slice * owned bounds a
     * slice's spikes, so the step loop never allocates. */
    size_t cap = lyra__mul_size((size_t)slice, (size_t)owned) + 1;
    size_t nseg = (size_t)slice * (size_t)P + 1;
    th->scratch = lyra__malloc(lyra__mul_size(maxn, 4));
    for (int k = 0; k < 2; k++) {
      th->gid[k] = lyra__malloc(lyra__mul_size(cap, 4));
      th->seg[k] = lyra__calloc(nseg, 4);
      if (!th->gid[k] || !th->seg[k])
        return LYRA_ENOMEM;
    }
    if (!th->scratch)
      return LYRA_ENOMEM;
  }
  return 0;
}

/* Bytes of the per-thread buffers, for the memory account. */
static uint64_t thread_bytes(const lyra_network *net) {
  uint64_t b = 0;
  for (int t = 0; t < net->n_threads; t++) {
    const lyra__thread *th = &net->threads[t];
    uint64_t owned = 0;
    for (int p = 0; p < net->n_pops; p++)
      owned += th->hi[p] - th->lo[p];
    b += 2 * (4 * ((uint64_t)net->slice * owned + 1) +
              4 * ((uint64_t)net->slice * (uint64_t)net->n_pops + 1)) +
         4 * owned;
  }
  return b;
}

static void free_threads(lyra_network *net) {
  for (int t = 0; net->threads && t < net->n_threads; t++) {
    lyra__thread *th = &net->threads[t];
    free(th->lo);
    free(th->hi);
    free(th->in);
    free(th->scratch);
    for (int k = 0; k < 2; k++) {
      free(th->gid[k]);
      free(th->seg[k]);
    }
  }
  free(net->threads);
  net->threads = NULL;
}

static int build_stats(lyra_network *net) {
  lyra__stats *s = &net->stats;
  size_t n = net->n_neurons;
  s->count = track(net, lyra__calloc(n, 4), n * 4);
  s->last = track(net, lyra__malloc(lyra__mul_size(n, 8)), n * 8);
  s->isi_sum = track(net, lyra__calloc(n, 8), n * 8);
  s->isi_sq = track(net, lyra__calloc(n, 8), n * 8);
  if (!s->count || !s->last || !s->isi_sum || !s->isi_sq)
    return LYRA_ENOMEM;
  for (size_t i = 0; i < n; i++)
    s->last[i] = -1;
  return 0;
}

/* Ring buffers: enough slots that a spike emitted anywhere in a slice with
 * the longest delay never lands on a slot still to be read. */
static int build_ring(lyra_network *net) {
  net->slice = net->dmin > 0 ? net->dmin : 10;
  net->n_slots = net->dmax + net->slice + 1;
  size_t bytes =
      lyra__mul_size(lyra__mul_size((size_t)net->n_slots, net->n_chan), 8);
  net->ring = track(net, lyra__malloc_aligned(bytes), bytes);
  return net->ring ? 0 : LYRA_ENOMEM; /* zeroed by touch_thread */
}

/* Time stamps in text files are printed exactly as step * dt when dt has
 * few decimals (0.1, 0.025, ...). */
static void pick_time_format(lyra_network *net) {
  net->dt_units = 0;
  net->time_decimals = 6;
  for (int d = 0; d <= 6; d++) {
    double u = net->dt * pow(10.0, d);
    if (fabs(u - round(u)) < 1e-9 * u) {
      net->time_decimals = d;
      net->dt_units = (uint64_t)llround(u);
      return;
    }
  }
}

static int build(lyra_network *net, lyra_model *m) {
  int rc;
  net->dt = m->dt;
  net->seed = m->seed;
  net->n_threads = lyra__resolve_threads(m->threads);
  net->output_dir = lyra__strdup(m->output_dir);
  if (!net->output_dir)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  pick_time_format(net);
  double t0 = lyra__now();
  if ((rc = build_pops(net, m)))
    return lyra__network_error(net, rc,
                               rc == LYRA_ENOMEM
                                   ? "out of memory for neuron state"
                                   : "more than 2^32 neurons or channels");
  /* Threads own target ranges before connectivity is drawn for them. */
  if ((rc = build_threads(net, 1)))
    return lyra__network_error(net, rc, "out of memory");
  lyra__phase(net, "neurons", &t0);
  if ((rc = lyra__stores_plan(net, m)))
    return rc == LYRA_ENOMEM ? lyra__network_error(net, rc, "out of memory")
                             : rc;
  if ((rc = lyra__build_connectivity(net, m, &t0)) ||
      (rc = lyra__stores_init(net, m)))
    return rc;
  const lyra__csr *c = &net->csr;
  net->bytes_total += c->n_syn * 8 + c->n_groups * 10 + c->n_rows * 8;
  if ((rc = build_ring(net)))
    return lyra__network_error(net, rc, "out of memory");
  free_threads(net); /* again, with spike buffers for a whole slice */
  if ((rc = build_threads(net, net->slice)) || (rc = build_stats(net)))
    return lyra__network_error(net, rc, "out of memory");
  touch_ctx tc = {net, m};
  lyra__pool pool;
  if ((rc = lyra__pool_init(&pool, net->n_threads)) ||
      (rc = lyra__pool_run(&pool, touch_thread, &tc)))
    return lyra__network_error(net, rc, "cannot start threads");
  lyra__pool_destroy(&pool);
  net->bytes_total += thread_bytes(net);
  if ((rc = lyra__devices_build(net, m)) ||
      (rc = lyra__recorders_open(net, m)) || (rc = lyra__weights_open(net, m)))
    return rc;
  lyra__phase(net, "buffers, devices, recorders", &t0);
  return 0;
}

int lyra_network_create(lyra_network **out, lyra_model *m, char *err,
                        size_t errlen) {
  double t0 = lyra__now();
  int rc;
  if (!out || !m)
    return LYRA_EINVAL;
  *out = NULL;
  if ((rc = lyra_model_validate(m))) {
    if (err && errlen)
      snprintf(err, errlen, "%s", m->err);
    return rc;
  }
  lyra_network *net = lyra__calloc(1, sizeof *net);
  if (!net) {
    if (err && errlen)
      snprintf(err, errlen, "out of memory");
    return LYRA_ENOMEM;
  }
  if ((rc = build(net, m))) {
    if (err && errlen)
      snprintf(err, errlen, "%s", net->err);
    lyra_network_destroy(net);
    return rc;
  }
  net->build_s = lyra__now() - t0;
  *out = net;
  return 0;
}

void lyra_network_destroy(lyra_network *net) {
  if (!net)
    return;
  lyra__recorders_abort(net);
  lyra__weights_abort(net);
  lyra__stores_free(net);
  lyra__devices_free(net);
  for (int i = 0; net->pops && i < net->n_pops; i++) {
    for (int k = 0; k < LYRA__MAX_STATE; k++)
      lyra__free_aligned(net->pops[i].state[k]);
    lyra__free_aligned(net->pops[i].port_state);
    free(net->pops[i].port_vars);
    free(net->pops[i].list_mem);
    free(net->pops[i].refr);
  }
  free(net->pops);
  free(net->pop_names);
  lyra__csr_free(&net->csr);
  lyra__free_aligned(net->ring);
  free_threads(net);
  free(net->step_counts);
  free(net->stats.count);
  free(net->stats.last);
  free(net->stats.isi_sum);
  free(net->stats.isi_sq);
  free(net->output_dir);
  free(net);
}

int lyra_network_population_count(const lyra_network *net) {
  return net->n_pops;
}

int lyra_network_population_stats(const lyra_network *net, int pop,
                                  lyra_pop_stats *out) {
  if (!net || !out || pop < 0 || pop >= net->n_pops)
    return LYRA_EINVAL;
  const lyra__pop *p = &net->pops[pop];
  const lyra__stats *s = &net->stats;
  uint64_t spikes = 0;
  uint32_t silent = 0, n_cv = 0;
  double cv_sum = 0.0;
  for (uint32_t i = p->gid0; i < p->gid0 + p->n; i++) {
    spikes += s->count[i];
    silent += s->count[i] == 0;
    if (s->count[i] >= 3) { /* two or more intervals */
      double k = (double)(s->count[i] - 1);
      double mean = s->isi_sum[i] / k;
      double var = s->isi_sq[i] / k - mean * mean;
      cv_sum += sqrt(var > 0 ? var : 0) / mean;
      n_cv++;
    }
  }
  double t_s = (double)net->step * net->dt * 1e-3;
  out->name = net->pop_names[pop];
  out->model = p->model->info.name;
  out->size = p->n;
  out->spikes = spikes;
  out->rate_hz = t_s > 0 ? (double)spikes / ((double)p->n * t_s) : (double)NAN;
  out->cv_isi = n_cv ? cv_sum / n_cv : (double)NAN;
  out->silent = silent;
  return 0;
}

int lyra_network_get_info(const lyra_network *net, lyra_network_info *out) {
  if (!net || !out)
    return LYRA_EINVAL;
  out->neurons = net->n_neurons;
  out->synapses = net->csr.n_syn;
  out->bytes_synapses =
      net->csr.n_syn * 8 + net->csr.n_groups * 10 + (net->csr.n_rows + 1) * 8;
  out->plastic_synapses = 0;
  out->bytes_plastic = 0;
  for (int i = 0; i < net->n_stores; i++) {
    const lyra__store *st = &net->stores[i];
    const lyra__csr *c = &st->csr;
    uint64_t b = c->n_syn * lyra__store_bytes_per_synapse(st) +
                 c->n_groups * 10 + (c->n_rows + 1) * 8;
    out->synapses += c->n_syn;
    out->bytes_synapses += b;
    if (st->kind != LYRA__SYN_STATIC) {
      out->plastic_synapses += c->n_syn;
      out->bytes_plastic += b;
    }
  }
  out->threads = net->n_threads;
  out->n_phases = net->n_phases;
  for (int i = 0; i < net->n_phases; i++) {
    out->phase_name[i] = net->phase_name[i];
    out->phase_s[i] = net->phase_s[i];
  }
  out->bytes_total = net->bytes_total;
  out->build_s = net->build_s;
  out->sim_s = net->sim_s;
  out->t_ms = (double)net->step * net->dt;
  out->timed_ms = (double)(net->step - net->timed_from) * net->dt;
  out->events = net->events;
  out->dt = net->dt;
  out->seed = net->seed;
  out->output_dir = net->output_dir;
  return 0;
}

int lyra_network_get_state(const lyra_network *net, int pop, uint32_t neuron,
                           const char *var, double *value) {
  if (!net || !var || !value || pop < 0 || pop >= net->n_pops)
    return LYRA_EINVAL;
  const lyra__pop *p = &net->pops[pop];
  int k = lyra__state_ref(p->model, var);
  if (k < 0 || lyra__state_ref_port(p->model, k) >= p->n_spike_ports)
    return LYRA_ENOTFOUND;
  if (neuron >= p->n)
    return LYRA_EINVAL;
  *value = lyra__state_ref_array(p, k)[neuron];
  return 0;
}
