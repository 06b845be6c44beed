#!/usr/bin/python3
"""AdEx conductance network (10,000 aeif_cond_exp) in Brian2 -- peer benchmark for lyra.

The network of examples/adex_network.yaml (see its header for the sources of
the parameters), with NEST's aeif_cond_exp semantics:

  * C_m dV/dt = -g_L (V' - E_L) + g_L Delta_T exp((V' - V_th)/Delta_T)
                - g_e (V' - E_ex) - g_i (V' - E_in) - w + I_e
    tau_w dw/dt = a (V' - E_L) - w
    dg_e/dt = -g_e/tau_syn_ex,  dg_i/dt = -g_i/tau_syn_in
    with V' = min(V, V_peak) everywhere on the right-hand side (NEST clips
    V there so that the exponential cannot overflow; Brian2 `clip`)
  * spike when V >= V_peak; reset V = V_reset, w += b; refractory t_ref,
    during which V is held at V_reset (`(unless refractory)`) while w and
    the conductances keep evolving (NEST: V' = V_reset, dV/dt = 0)
  * C_m 200 pF, g_L 10 nS, E_L -60 mV, V_th -50 mV, Delta_T 2.5 mV,
    V_peak -37.5 mV, V_reset -60 mV, t_ref 2.5 ms, a 1 nS, tau_w 600 ms,
    b 40 pA (E, regular spiking) / 0 pA (I, fast spiking), I_e 0,
    E_ex 0 mV, E_in -80 mV, tau_syn_ex 5 ms, tau_syn_in 10 ms
  * 8000 E + 2000 I; pairwise_bernoulli p = 0.02 from every neuron to every
    neuron, autapses allowed (NEST's default), drawn in presynaptic order;
    E->: g_e += 2.4 nS, I->: g_i += 26.8 nS; delay 1 ms
  * external drive: every neuron gets an independent Poisson train of
    NU_EXT = 2 kHz total onto g_e with weight 2.4 nS (lyra: one
    poisson_generator of rate 2 kHz, i.e. a Poisson(0.2) count per step).
    --external poissoninput (default): PoissonInput(N=1000, rate=2 Hz), a
    Binomial(1000, 0.0002) count per step (variance 0.02% below Poisson);
    --external poisson: an exact Poisson(0.2) count per step (poisson() in
    a run_regularly in the 'synapses' slot)
  * V(0) ~ U(-60 mV, -50 mV), w(0) = 0, conductances 0
  * integration: --method rk4 (default): one classical Runge-Kutta step of
    dt per step, as lyra's `integrator: rk4`; dt 0.1 ms

Scheduling note: Brian2 delivers a delayed spike in the 'synapses' slot of
the step it is due, after that step's state update and threshold, so it first
enters the integration one step later than in NEST/lyra (+0.1 ms).

Usage: /usr/bin/python3 bench/brian2_adex.py --duration 1000 --threads 1 \
           --mode standalone --out /tmp/lyra-bench/brian2-adex.json
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as common  # noqa: E402


def main():
    ap = common.parse_args(__doc__.splitlines()[0], default_duration=10000.0)
    ap.add_argument('--method', default='rk4',
                    help="Brian2 integration method (default %(default)s)")
    ap.add_argument('--external', choices=['poissoninput', 'poisson'],
                    default='poissoninput',
                    help='external drive: Binomial(1000, 0.0002) per step via '
                         'PoissonInput (default) or an exact Poisson(0.2) count '
                         'per step')
    args = ap.parse_args()
    import brian2  # noqa: F401  (import time is not construction time)
    t_start = time.time()
    build_dir = common.setup_device(args, 'adex')

    import brian2 as b2
    from brian2 import (ms, mV, nS, pF, pA, Hz, NeuronGroup, Synapses,
                        SpikeMonitor, Network)

    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    b2.defaultclock.dt = 0.1 * ms

    NE, NI = 8000, 2000
    N = NE + NI
    p = 0.02
    ns = dict(
        C_m=200 * pF, g_L=10 * nS, E_L=-60 * mV, V_th=-50 * mV,
        Delta_T=2.5 * mV, V_peak=-37.5 * mV, V_reset=-60 * mV,
        a=1 * nS, tau_w=600 * ms, I_e=0 * pA,
        E_ex=0 * mV, E_in=-80 * mV, tau_e=5 * ms, tau_i=10 * ms,
        w_e=2.4 * nS, w_i=26.8 * nS, w_ext=2.4 * nS)
    t_ref = 2.5 * ms
    b_E, b_I = 40 * pA, 0 * pA
    delay = 1 * ms
    nu_ext = 2000 * Hz
    n_ext = 1000
    ns['lam_ext'] = float(nu_ext * b2.defaultclock.dt)   # 0.2 inputs per step

    eqs = '''
    dv/dt = (-g_L*(vc - E_L) + g_L*Delta_T*exp((vc - V_th)/Delta_T)
             - g_e*(vc - E_ex) - g_i*(vc - E_in) - w + I_e) / C_m : volt (unless refractory)
    dw/dt = (a*(vc - E_L) - w) / tau_w : amp
    dg_e/dt = -g_e / tau_e : siemens
    dg_i/dt = -g_i / tau_i : siemens
    vc = clip(v, -inf*mV, V_peak) : volt
    b : amp (constant)
    '''
    G = NeuronGroup(N, eqs, threshold='v >= V_peak', reset='v = V_reset; w += b',
                    refractory=t_ref, method=args.method, name='neurons')
    G.v = rng.uniform(-60.0, -50.0, size=N) * mV
    G.w = 0 * pA
    G.g_e = 0 * nS
    G.g_i = 0 * nS
    G.b = np.r_[np.full(NE, float(b_E)), np.full(NI, float(b_I))] * b2.amp
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

    if args.external == 'poisson':
        ext = G.run_regularly('g_e += w_ext * poisson(lam_ext)',
                              when='synapses', name='poisson_ext')
    else:
        ext = b2.PoissonInput(G, 'g_e', N=n_ext, rate=nu_ext / n_ext, weight='w_ext')

    mon = SpikeMonitor(G, name='spikes')
    net = Network(G, SE, SI, ext, mon)

    res = common.run_network(args, net, args.duration * ms, build_dir, t_start,
                             namespace=ns)

    i = np.asarray(mon.i[:], dtype=np.int64)
    t = np.asarray(mon.t[:] / ms)
    t0, t1 = args.transient, args.duration
    sE = common.spike_stats(i[i < NE], t[i < NE], NE, t0, t1)
    sI = common.spike_stats(i[i >= NE] - NE, t[i >= NE], NI, t0, t1)
    cnt = np.bincount(i, minlength=N)
    events = int((cnt[:NE] * outdeg_E).sum() + (cnt[NE:] * outdeg_I).sum())
    pops = [dict(name='E', model='aeif_cond_exp', size=NE, **sE),
            dict(name='I', model='aeif_cond_exp', size=NI, **sI)]
    res['method'] = args.method
    res['external_input'] = (
        'poisson: Poisson(%g) count per step' % ns['lam_ext'] if args.external == 'poisson' else
        'poissoninput: Binomial(%d, %g) count per step' % (n_ext, ns['lam_ext'] / n_ext))
    common.finish(args, 'adex', res, pops, N, n_syn, events)


if __name__ == '__main__':
    main()
