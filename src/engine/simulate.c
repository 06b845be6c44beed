/*
 * The slice loop.
 *
 * Time advances in slices of d_min steps (the shortest synaptic delay).
 * Within a slice every thread updates the neurons it owns, step by step,
 * and collects their spikes; nothing is exchanged until the slice ends,
 * because a spike emitted in a slice arrives no earlier than the next one.
 * After one barrier every thread walks all threads' spikes in (step,
 * global id) order and delivers them into its own neurons' ring buffers:
 * no atomics, and every channel receives its additions in an order fixed
 * by the model alone, so the results do not depend on the thread count.
 */
#include "engine/network.h"
#include "engine/plastic.h"
#include "util/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sim_ctx {
  lyra_network *net;
  lyra__pool pool;
  int64_t end;
  lyra_progress_fn progress;
  void *user;
  double t_start, t_report;
} sim_ctx;

static void count_spike(lyra__stats *st, uint32_t gid, int64_t stamp) {
  if (st->last[gid] >= 0) {
    double isi = (double)(stamp - st->last[gid]);
    st->isi_sum[gid] += isi;
    st->isi_sq[gid] += isi * isi;
  }
  st->last[gid] = stamp;
  st->count[gid]++;
}

/* Thread th updates its neurons of population pop for step s and appends
 * their spikes (global ids) to its slice buffer. */
static void step_population(lyra_network *net, lyra__thread *th, int tid,
                            int pop, int64_t s, int par, uint32_t *count) {
  lyra__pop *p = &net->pops[pop];
  const uint32_t lo = th->lo[pop], hi = th->hi[pop];
  if (lo == hi)
    return;
  int slot = (int)(s % net->n_slots);
  double *base = net->ring + (uint64_t)slot * net->n_chan + p->chan_base;
  double **in = th->in;
  int ports = lyra__pop_ports(p);
  for (int r = 0; r < ports; r++)
    in[r] = base + (uint64_t)r * p->n;
  if (net->n_devs)
    lyra__devices_inject(net, pop, s, in, lo, hi, tid);
  lyra__spike_out out = {th->scratch, 0, LYRA__NO_NEURON, 0};
  p->model->update(p, lo, hi, in, &out);
  if (out.rc && !th->rc[par])
    th->rc[par] = out.rc;
  if (out.bad != LYRA__NO_NEURON && th->rc[par] != LYRA_ENUMERIC) {
    th->rc[par] = LYRA_ENUMERIC;
    th->bad[par].pop = pop;
    th->bad[par].idx = out.bad;
    th->bad[par].step = s;
  }
  if (out.count && (net->n_stores || net->n_scalers)) {
    int rc = lyra__stores_post_spikes(net, pop, s, out.idx, out.count);
    if (rc)
      th->rc[par] = rc;
  }
  uint32_t *gid = th->gid[par] + *count;
  for (uint32_t k = 0; k < out.count; k++) {
    gid[k] = p->gid0 + out.idx[k];
    count_spike(&net->stats, gid[k], s + 1);
  }
  *count += out.count;
}

static void update_slice(lyra_network *net, int tid, int64_t t0, int64_t t1,
                         int par) {
  lyra__thread *th = &net->threads[tid];
  uint32_t count = 0;
  for (int64_t s = t0; s < t1; s++) {
    int si = (int)(s - t0);
    for (int pop = 0; pop < net->n_pops; pop++) {
      th->seg[par][si * net->n_pops + pop] = count;
      step_population(net, th, tid, pop, s, par, &count);
    }
    lyra__sample_state(net, tid, s, si, par);
  }
  th->seg[par][(t1 - t0) * net->n_pops] = count;
}

/* The innermost loop of the engine: one delay group of one spike. */
static inline void deliver_group(double *restrict slot,
                                 const uint32_t *restrict chan,
                                 const float *restrict w, uint64_t lo,
                                 uint64_t hi) {
  for (uint64_t i = lo; i < hi; i++)
    slot[chan[i]] += (double)w[i];
}

/* Delivers one source's spike emitted at step s into this thread's rows. */
static uint64_t deliver_spike(lyra_network *net, int tid, uint32_t src,
                              int64_t s) {
  const lyra__csr *c = &net->csr;
  const uint64_t r = (uint64_t)tid * c->n_src + src;
  const uint64_t g0 = c->row[r], g1 = c->row[r + 1];
  for (uint64_t g = g0; g < g1; g++) {
    double *slot =
        net->ring + (uint64_t)((s + c->gdelay[g]) % net->n_slots) * net->n_chan;
    deliver_group(slot, c->chan, c->weight, c->gstart[g], c->gstart[g + 1]);
  }
  return c->gstart[g1] - c->gstart[g0];
}

/* Walks every thread's spikes of the slice in (step, population, thread)
 * order, which is (step, global id) order, calling fn on each segment. */
typedef void (*segment_fn)(lyra_network *net, void *arg, int pop, int64_t s,
                           const uint32_t *gid, uint32_t n);

static void for_each_segment(lyra_network *net, int64_t t0, int64_t t1, int par,
                             segment_fn fn, void *arg) {
  for (int64_t s = t0; s < t1; s++) {
    int si = (int)(s - t0);
    for (int pop = 0; pop < net->n_pops; pop++) {
      int k = si * net->n_pops + pop;
      for (int u = 0; u < net->n_threads; u++) {
        const lyra__thread *th = &net->threads[u];
        uint32_t a = th->seg[par][k], b = th->seg[par][k + 1];
        if (b > a)
          fn(net, arg, pop, s, th->gid[par] + a, b - a);
      }
    }
  }
}

typedef struct deliver_arg {
  int tid;
  uint64_t events;
} deliver_arg;

/* Each spike goes through the shared static store, then through the
 * stores of its own of the projections from its population, in that order
 * for every spike, so that channels receive their additions in an order
 * that does not depend on how the spikes are split among threads. */
static void deliver_segment(lyra_network *net, void *arg, int pop, int64_t s,
                            const uint32_t *gid, uint32_t n) {
  deliver_arg *d = arg;
  for (uint32_t k = 0; k < n; k++) {
    d->events += deliver_spike(net, d->tid, gid[k], s);
    for (int i = 0; i < net->n_stores; i++) {
      lyra__store *st = &net->stores[i];
      if (st->src_pop == pop)
        d->events += lyra__store_deliver(net, st, d->tid, gid[k] - st->src0, s);
    }
  }
}

typedef struct record_arg {
  int rc;
} record_arg;

static void record_segment(lyra_network *net, void *arg, int pop, int64_t s,
                           const uint32_t *gid, uint32_t n) {
  record_arg *r = arg;
  net->step_counts[(uint64_t)s * (uint64_t)net->n_pops + (uint64_t)pop] += n;
  if (!r->rc)
    r->rc = lyra__record_spikes(net, pop, s, gid, n);
}

/* The state variables of neuron idx of population pop, "V_m = nan, ...". */
static void describe_state(const lyra_network *net, int pop, uint32_t idx,
                           char *buf, size_t len) {
  const lyra__pop *p = &net->pops[pop];
  const lyra_model_info *info = &p->model->info;
  size_t used = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < info->n_state && used + 1 < len; k++) {
    int n = snprintf(buf + used, len - used, "%s%s = %g", k ? ", " : "",
                     info->state[k].name, p->state[k][idx]);
    used += n > 0 ? (size_t)n : 0;
  }
}

/* Reports the failures threads met while updating the slice: the
 * earliest (step, global id) of a blown-up state, else running out of
 * memory. The choice does not depend on how neurons are split. */
static int check_update_failures(lyra_network *net, int par) {
  int best = -1, rc = 0;
  for (int t = 0; t < net->n_threads; t++) {
    const lyra__thread *th = &net->threads[t];
    if (th->rc[par] != LYRA_ENUMERIC) {
      rc = rc ? rc : th->rc[par];
      continue;
    }
    if (best < 0)
      best = t;
    const lyra__thread *b = &net->threads[best];
    uint32_t g = net->pops[th->bad[par].pop].gid0 + th->bad[par].idx;
    uint32_t gb = net->pops[b->bad[par].pop].gid0 + b->bad[par].idx;
    if (th->bad[par].step < b->bad[par].step ||
        (th->bad[par].step == b->bad[par].step && g < gb))
      best = t;
  }
  if (best >= 0) {
    const lyra__thread *b = &net->threads[best];
    const int pop = b->bad[par].pop;
    const uint32_t idx = b->bad[par].idx;
    char state[256];
    describe_state(net, pop, idx, state, sizeof state);
    return lyra__network_error(
        net, LYRA_ENUMERIC,
        "population %s (%s), neuron %u (global id %u), t = %g ms: the state "
        "became NaN, infinite or out of the model's range (%s); a smaller "
        "step, a tighter tolerance or smaller weights may help",
        net->pop_names[pop], net->pops[pop].model->info.name, idx,
        net->pops[pop].gid0 + idx, (double)(b->bad[par].step + 1) * net->dt,
        state);
  }
  if (rc)
    return lyra__network_error(net, rc,
                               "out of memory (spike histories or a "
                               "model's scratch)");
  return 0;
}

/* Thread 0's part after the barrier: files, rate counts, progress. */
static void finish_slice(sim_ctx *c, int64_t t0, int64_t t1, int par) {
  lyra_network *net = c->net;
  record_arg r = {0};
  memset(net->step_counts + (uint64_t)t0 * (uint64_t)net->n_pops, 0,
         (size_t)(t1 - t0) * (size_t)net->n_pops * sizeof *net->step_counts);
  for_each_segment(net, t0, t1, par, record_segment, &r);
  if (!r.rc)
    r.rc = check_update_failures(net, par);
  if (!r.rc)
    r.rc = lyra__write_state(net, t0, t1, par);
  if (!r.rc) /* the weights sampled in the previous slice are complete */
    r.rc = lyra__weights_write(net, par ^ 1);
  net->abort_rc[par] = r.rc;
  double now = lyra__now();
  if (c->progress && (now - c->t_report >= 0.25 || t1 == c->end)) {
    c->progress(c->user, (double)t1 * net->dt, (double)c->end * net->dt,
                now - c->t_start);
    c->t_report = now;
  }
}

static void sim_thread(void *arg, int tid) {
  sim_ctx *c = arg;
  lyra_network *net = c->net;
  uint64_t slice_no = net->slice_no;
  for (int64_t t0 = net->step; t0 < c->end; slice_no++) {
    int64_t t1 = t0 + net->slice < c->end ? t0 + net->slice : c->end;
    int par = (int)(slice_no & 1);
    update_slice(net, tid, t0, t1, par);
    lyra__pool_barrier(&c->pool);
    /* Thread 0 failed writing the previous slice's files: everyone stops
     * here. The flag of the other parity was written before this barrier
     * and is not written again until after the next one. */
    if (net->abort_rc[par ^ 1])
      break;
    deliver_arg d = {tid, 0};
    for_each_segment(net, t0, t1, par, deliver_segment, &d);
    net->threads[tid].events += d.events;
    if (net->n_stores)
      lyra__stores_after_slice(net, tid, t0, t1, par);
    if (tid == 0)
      finish_slice(c, t0, t1, par);
    t0 = t1;
  }
}

static int reserve_step_counts(lyra_network *net, int64_t end) {
  if ((uint64_t)end <= net->step_counts_cap)
    return 0;
  uint64_t cap = (uint64_t)end;
  uint32_t *c = lyra__realloc(
      net->step_counts,
      lyra__mul_size(lyra__mul_size(cap, (size_t)net->n_pops), 4));
  if (!c)
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory");
  net->step_counts = c;
  net->step_counts_cap = cap;
  return 0;
}

int lyra_network_simulate(lyra_network *net, double duration_ms,
                          lyra_progress_fn progress, void *user) {
  if (!net)
    return LYRA_EINVAL;
  if (net->finished || net->broken)
    return lyra__network_error(net, LYRA_ESTATE,
                               net->broken ? "the network failed earlier"
                                           : "simulate after finish is not "
                                             "allowed");
  if (!(duration_ms >= 0) || !isfinite(duration_ms))
    return lyra__network_error(
        net, LYRA_EINVAL, "duration must be >= 0 ms, got %g ms", duration_ms);
  int64_t steps = llround(duration_ms / net->dt);
  sim_ctx c = {.net = net, .end = net->step + steps};
  if (c.end >= (int64_t)UINT32_MAX)
    return lyra__network_error(net, LYRA_EINVAL,
                               "more than 2^32 - 1 steps in total");
  int rc = reserve_step_counts(net, c.end);
  if (rc)
    return rc;
  if (lyra__pool_init(&c.pool, net->n_threads))
    return lyra__network_error(net, LYRA_ENOMEM, "cannot create threads");
  c.progress = progress;
  c.user = user;
  c.t_start = c.t_report = lyra__now();
  net->abort_rc[0] = net->abort_rc[1] = 0;
  rc = lyra__pool_run(&c.pool, sim_thread, &c);
  lyra__pool_destroy(&c.pool);
  if (rc)
    return lyra__network_error(net, rc, "cannot start %d threads",
                               net->n_threads);
  uint64_t slices = (uint64_t)((steps + net->slice - 1) / net->slice);
  net->slice_no += slices;
  net->sim_s += lyra__now() - c.t_start;
  net->events = 0;
  for (int t = 0; t < net->n_threads; t++)
    net->events += net->threads[t].events;
  int failed = net->abort_rc[0] ? net->abort_rc[0] : net->abort_rc[1];
  if (!failed)
    failed = lyra__weights_write_pending(net);
  if (failed) {
    net->step = c.end;    /* the state is no longer consistent: */
    net->broken = failed; /* no further simulate or finish */
    return failed;        /* the message is already in net->err */
  }
  net->step = c.end;
  return 0;
}

int lyra_network_reset_timing(lyra_network *net) {
  if (!net)
    return LYRA_EINVAL;
  net->sim_s = 0;
  net->timed_from = net->step;
  for (int t = 0; t < net->n_threads; t++)
    net->threads[t].events = 0;
  net->events = 0;
  return 0;
}

int lyra_network_finish(lyra_network *net) {
  if (!net)
    return LYRA_EINVAL;
  if (net->broken)
    return lyra__network_error(net, LYRA_ESTATE,
                               "the network failed earlier; its files are "
                               "incomplete");
  if (net->finished)
    return 0;
  int rc = lyra__recorders_close(net);
  if (!rc)
    rc = lyra__weights_close(net);
  if (rc)
    return rc;
  net->finished = 1;
  return lyra__write_run_summary(net);
}

int lyra_network_population_rate(const lyra_network *net, int pop,
                                 double bin_ms, double *rates, size_t n) {
  if (!net || !rates || pop < 0 || pop >= net->n_pops)
    return LYRA_EINVAL;
  int64_t bin = llround(bin_ms / net->dt);
  if (bin < 1 || fabs((double)bin * net->dt - bin_ms) > 1e-9 * bin_ms)
    return LYRA_EINVAL;
  size_t nb = (size_t)(net->step / bin);
  nb = nb < n ? nb : n;
  double scale = 1e3 / (bin_ms * net->pops[pop].n);
  for (size_t k = 0; k < nb; k++) {
    uint64_t c = 0;
    for (int64_t s = (int64_t)k * bin; s < (int64_t)(k + 1) * bin; s++)
      c +=
          net->step_counts[(uint64_t)s * (uint64_t)net->n_pops + (uint64_t)pop];
    rates[k] = (double)c * scale;
  }
  return (int)nb;
}
