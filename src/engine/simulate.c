/*
 * The slice loop.
 *
 * Time advances in slices of d_min steps (the shortest synaptic delay).
 * Within a slice every population is updated step by step; spikes are
 * collected as (source, step) and delivered only at the end of the slice:
 * a spike emitted in a slice arrives no earlier than the next one, so the
 * slots being read are never written during the slice. This is what lets
 * threads (and, later, ranks) work through a slice without talking.
 */
#include "engine/network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int slice_spikes_reserve(lyra_network *net, uint64_t more) {
  if (net->sl_count + more <= net->sl_cap)
    return 0;
  uint64_t cap = (net->sl_count + more) * 2;
  uint32_t *g = lyra__realloc(net->sl_gid, cap * sizeof *g);
  if (g)
    net->sl_gid = g;
  int64_t *s = lyra__realloc(net->sl_step, cap * sizeof *s);
  if (s)
    net->sl_step = s;
  if (!g || !s)
    return LYRA_ENOMEM;
  net->sl_cap = cap;
  return 0;
}

static void count_spike(lyra__stats *st, uint32_t gid, int64_t s) {
  if (st->last[gid] >= 0) {
    double isi = (double)(s - st->last[gid]);
    st->isi_sum[gid] += isi;
    st->isi_sq[gid] += isi * isi;
  }
  st->last[gid] = s;
  st->count[gid]++;
}

/* Updates population `pop` for step s and collects its spikes. */
static int step_population(lyra_network *net, int pop, int64_t s) {
  lyra__pop *p = &net->pops[pop];
  int slot = (int)(s % net->n_slots);
  double *base = net->ring + (uint64_t)slot * net->n_chan + p->chan_base;
  double *in[LYRA__MAX_PORTS];
  int ports = lyra__model_ports(p->model);
  for (int r = 0; r < ports; r++)
    in[r] = base + (uint64_t)r * p->n;
  if (net->n_devs)
    lyra__devices_inject(net, pop, s, in);
  lyra__spike_out out = {net->scratch, 0};
  p->model->update(p, 0, p->n, in, &out);
  net->step_counts[(uint64_t)s * (uint64_t)net->n_pops + (uint64_t)pop] =
      out.count;
  if (out.count == 0)
    return 0;
  if (slice_spikes_reserve(net, out.count))
    return lyra__network_error(net, LYRA_ENOMEM, "out of memory for spikes");
  for (uint32_t k = 0; k < out.count; k++) {
    uint32_t gid = p->gid0 + out.idx[k];
    net->sl_gid[net->sl_count] = gid;
    net->sl_step[net->sl_count++] = s;
    /* Statistics are kept on stamps (s + 1), as recorded. */
    count_spike(&net->stats, gid, s + 1);
  }
  return lyra__record_spikes(net, pop, s, out.idx, out.count);
}

/* Delivers the slice's spikes into the ring buffers. Spikes are in
 * (step, source) order, so every channel receives its additions in an
 * order fixed by the model alone. */
static void deliver(lyra_network *net) {
  const lyra__csr *c = &net->csr;
  double *ring = net->ring;
  const uint64_t nchan = net->n_chan;
  const int nslots = net->n_slots;
  uint64_t events = 0;
  for (uint64_t k = 0; k < net->sl_count; k++) {
    uint32_t src = net->sl_gid[k];
    int64_t s = net->sl_step[k];
    for (uint64_t g = c->row[src]; g < c->row[src + 1]; g++) {
      double *slot = ring + (uint64_t)((s + c->gdelay[g]) % nslots) * nchan;
      const uint64_t lo = c->gstart[g], hi = c->gstart[g + 1];
      const uint32_t *chan = c->chan;
      const float *w = c->weight;
      for (uint64_t i = lo; i < hi; i++)
        slot[chan[i]] += (double)w[i];
      events += hi - lo;
    }
  }
  net->events += events;
  net->sl_count = 0;
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

static int run_slice(lyra_network *net, int64_t t0, int64_t t1) {
  for (int64_t s = t0; s < t1; s++) {
    for (int pop = 0; pop < net->n_pops; pop++) {
      int rc = step_population(net, pop, s);
      if (rc)
        return rc;
    }
    int rc = lyra__record_state(net, s);
    if (rc)
      return rc;
  }
  deliver(net);
  return 0;
}

int lyra_network_simulate(lyra_network *net, double duration_ms,
                          lyra_progress_fn progress, void *user) {
  if (!net)
    return LYRA_EINVAL;
  if (net->finished)
    return lyra__network_error(net, LYRA_ESTATE,
                               "simulate after finish is not allowed");
  if (!(duration_ms >= 0) || !isfinite(duration_ms))
    return lyra__network_error(
        net, LYRA_EINVAL, "duration must be >= 0 ms, got %g ms", duration_ms);
  int64_t steps = llround(duration_ms / net->dt);
  int64_t end = net->step + steps;
  if (end >= (int64_t)UINT32_MAX)
    return lyra__network_error(net, LYRA_EINVAL,
                               "more than 2^32 - 1 steps in total");
  int rc0 = reserve_step_counts(net, end);
  if (rc0)
    return rc0;
  double t_start = lyra__now(), t_report = t_start;
  while (net->step < end) {
    int64_t t1 = net->step + net->slice;
    t1 = t1 < end ? t1 : end;
    int rc = run_slice(net, net->step, t1);
    if (rc)
      return rc;
    net->step = t1;
    double now = lyra__now();
    if (progress && (now - t_report >= 0.25 || net->step == end)) {
      progress(user, (double)net->step * net->dt, (double)end * net->dt,
               now - t_start);
      t_report = now;
    }
  }
  net->sim_s += lyra__now() - t_start;
  return 0;
}

int lyra_network_finish(lyra_network *net) {
  if (!net)
    return LYRA_EINVAL;
  if (net->finished)
    return 0;
  int rc = lyra__recorders_close(net);
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
