#!/usr/bin/python3
"""COBA network (Vogels & Abbott 2005; Brette et al. 2007) in Brian2 -- peer benchmark for lyra.

Model: /work/shared/reference/README.md section 2, NEST iaf_cond_exp
semantics:

  * C_m dV/dt = -g_L (V - E_L) - g_e (V - E_ex) - g_i (V - E_in) + I_e
    dg_e/dt = -g_e/tau_e,  dg_i/dt = -g_i/tau_i
    C_m 200 pF, g_L 10 nS, E_L -60 mV, I_e 200 pA, E_ex 0 mV, E_in -80 mV,
    tau_e 5 ms, tau_i 10 ms
  * spike when V >= -50 mV, reset to -60 mV, refractory 5 ms during which V
    is clamped (`(unless refractory)`); the conductances keep decaying and
    keep receiving input while refractory (as in NEST)
  * integration: forward Euler (method='euler', as the reference figures),
    dt 0.1 ms; --method exponential_euler (or anything Brian2 accepts) to
    compare
  * 3200 E + 800 I; pairwise_bernoulli p = 0.02 from every neuron to every
    neuron, autapses allowed (NEST's default allow_autapses=True), drawn in
    presynaptic order; E->: g_e += 6 nS, I->: g_i += 67 nS; delay 0.1 ms
  * V(0) ~ N(-55 mV, 5 mV), conductances 0

Scheduling note: Brian2 delivers a delayed spike in the 'synapses' slot of
the step it is due, after that step's state update, so with delay = dt the
conductance jump first enters the integration two steps after the spike
(NEST: one step).

Usage: /usr/bin/python3 bench/brian2_coba.py --duration 1000 --threads 1 \
           --mode standalone --out /tmp/lyra-bench/brian2-coba.json
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as common  # noqa: E402


def main():
    ap = common.parse_args(__doc__.splitlines()[0], default_duration=10000.0)
    ap.add_argument('--method', default='euler',
                    help="Brian2 integration method (default %(default)s)")
    args = ap.parse_args()
    import brian2  # noqa: F401  (import time is not construction time)
    t_start = time.time()
    build_dir = common.setup_device(args, 'coba')

    import brian2 as b2
    from brian2 import ms, mV, nS, pF, pA, NeuronGroup, Synapses, SpikeMonitor, Network

    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    b2.defaultclock.dt = 0.1 * ms

    NE, NI = 3200, 800
    N = NE + NI
    p = 0.02
    C_m = 200 * pF
    g_L = 10 * nS
    E_L = -60 * mV
    V_th = -50 * mV
    V_reset = -60 * mV
    t_ref = 5 * ms
    I_e = 200 * pA
    E_ex = 0 * mV
    E_in = -80 * mV
    tau_e = 5 * ms
    tau_i = 10 * ms
    w_e = 6 * nS
    w_i = 67 * nS
    delay = 0.1 * ms

    eqs = '''
    dv/dt = (-g_L*(v - E_L) - g_e*(v - E_ex) - g_i*(v - E_in) + I_e) / C_m : volt (unless refractory)
    dg_e/dt = -g_e / tau_e : siemens
    dg_i/dt = -g_i / tau_i : siemens
    '''
    G = NeuronGroup(N, eqs, threshold='v >= V_th', reset='v = V_reset',
                    refractory=t_ref, method=args.method, name='neurons')
    G.v = rng.normal(-55.0, 5.0, size=N) * mV
    G.g_e = 0 * nS
    G.g_i = 0 * nS
    E = G[:NE]
    I = G[NE:]

    iE, jE = common.bernoulli_rows(rng, NE, N, p)
    iI, jI = common.bernoulli_rows(rng, NI, N, p)
    outdeg_E = np.bincount(iE, minlength=NE)
    outdeg_I = np.bincount(iI, minlength=NI)
    n_syn = len(iE) + len(iI)

    SE = Synapses(E, G, on_pre='g_e_post += w_e', delay=delay, name='syn_E')
    SE.connect(i=iE, j=jE)
    SI = Synapses(I, G, on_pre='g_i_post += w_i', delay=delay, name='syn_I')
    SI.connect(i=iI, j=jI)
    del iE, jE, iI, jI

    mon = SpikeMonitor(G, name='spikes')
    net = Network(G, SE, SI, mon)

    ns = dict(C_m=C_m, g_L=g_L, E_L=E_L, V_th=V_th, V_reset=V_reset, I_e=I_e,
              E_ex=E_ex, E_in=E_in, tau_e=tau_e, tau_i=tau_i, w_e=w_e, w_i=w_i)
    res = common.run_network(args, net, args.duration * ms, build_dir, t_start,
                             namespace=ns)

    i = np.asarray(mon.i[:], dtype=np.int64)
    t = np.asarray(mon.t[:] / ms)
    t0, t1 = args.transient, args.duration
    sE = common.spike_stats(i[i < NE], t[i < NE], NE, t0, t1)
    sI = common.spike_stats(i[i >= NE] - NE, t[i >= NE], NI, t0, t1)
    cnt = np.bincount(i, minlength=N)
    events = int((cnt[:NE] * outdeg_E).sum() + (cnt[NE:] * outdeg_I).sum())
    pops = [dict(name='E', model='iaf_cond_exp', size=NE, **sE),
            dict(name='I', model='iaf_cond_exp', size=NI, **sI)]
    res['method'] = args.method
    common.finish(args, 'coba', res, pops, N, n_syn, events)


if __name__ == '__main__':
    main()
