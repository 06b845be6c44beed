#!/usr/bin/python3
"""Brunel (2000) balanced network in Brian2 -- peer benchmark for lyra.

Model: /work/shared/reference/README.md section 1 (NEST brunel_delta
parameters with V_reset = 10 mV), iaf_psc_delta semantics:

  * dV/dt = -(V - E_L)/tau_m, integrated exactly (method='exact'),
    E_L = 0 mV, tau_m = 20 ms, V(0) = 0 mV
  * spike when V >= 20 mV, reset to 10 mV, refractory 2 ms during which V is
    clamped (Brian2 `(unless refractory)`) and all input is discarded
    (`* int(not_refractory)` on every input)
  * fixed_indegree: every target draws C_E = 1000 sources from E and
    C_I = 250 from I uniformly with replacement (multapses and autapses
    allowed); J = 0.1 mV, -g*J = -0.5 mV, delay 1.5 ms
  * external drive: every neuron gets independent Poisson input of
    20,000 Hz total with weight J, discarded while refractory. Two
    implementations (--external):
      poissoninput (default): Brian2's PoissonInput(N=C_E=1000, rate=20 Hz,
        weight='J*int(not_refractory)'), i.e. k ~ Binomial(1000, 0.002) per
        step and V += k*J: C_E external synapses each firing at 20 Hz, at most
        once per step. Rate and weight are exact (mean 2 inputs per step);
        the count variance is 1.996 instead of 2 (0.2% low).
      poisson: k ~ Poisson(20 kHz * 0.1 ms = 2) per step via Brian2's
        poisson() in a run_regularly operation in the 'synapses' slot --
        exactly NEST's poisson_generator, which also delivers a Poisson
        multiplicity per step; Brian2's Poisson sampler is slower
        (about 6.7 s instead of 4 s per biological second, 1 thread).
    Either way, generating 12,500 random counts per step is most (65-75%) of
    Brian2's simulation time for this model.

Synapses are created in presynaptic order (connect(i=, j=) sorted by source):
Brian2 stores synapses in creation order and its spike propagation is ~7x
slower when they are grouped by target.

Scheduling note: Brian2 delivers a delayed spike in the 'synapses' slot,
after that step's state update and threshold, so a spike emitted at step s
with delay 1.5 ms (15 steps) is added at step s+15 and first tested against
the threshold at step s+16 (NEST: added in the update of step s+15).

Usage: /usr/bin/python3 bench/brian2_brunel.py --duration 1000 --threads 1 \
           --mode standalone --out /tmp/lyra-bench/brian2-brunel.json
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brian2_common as common  # noqa: E402


def main():
    ap = common.parse_args(__doc__.splitlines()[0], default_duration=10000.0)
    ap.add_argument('--external', choices=['poissoninput', 'poisson'], default='poissoninput',
                    help='external drive: Binomial(1000, 0.002) per step via PoissonInput '
                         '(default) or an exact Poisson(2) count per step')
    args = ap.parse_args()
    import brian2  # noqa: F401  (import time is not construction time)
    t_start = time.time()
    build_dir = common.setup_device(args, 'brunel')

    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, Hz, NeuronGroup, Synapses, SpikeMonitor, Network

    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    b2.defaultclock.dt = 0.1 * ms

    NE, NI = 10000, 2500
    N = NE + NI
    CE, CI = 1000, 250
    tau_m = 20 * ms
    E_L = 0 * mV
    theta = 20 * mV
    V_r = 10 * mV
    t_ref = 2 * ms
    J = 0.1 * mV
    g = 5.0
    delay = 1.5 * ms
    nu_ext = 20000 * Hz          # eta * nu_th * C_E = 2 * 10 Hz * 1000
    lam_ext = float(nu_ext * b2.defaultclock.dt)   # 2.0 expected inputs per step

    G = NeuronGroup(N, 'dv/dt = -(v - E_L)/tau_m : volt (unless refractory)',
                    threshold='v >= theta', reset='v = V_r',
                    refractory=t_ref, method='exact', name='neurons')
    G.v = 0 * mV
    E = G[:NE]
    I = G[NE:]

    # fixed_indegree, drawn per target; then sorted by source.
    jE = np.repeat(np.arange(N, dtype=np.int32), CE)
    iE = rng.integers(0, NE, size=N * CE, dtype=np.int32)
    jI = np.repeat(np.arange(N, dtype=np.int32), CI)
    iI = rng.integers(0, NI, size=N * CI, dtype=np.int32)
    iE, jE = common.presynaptic_order(iE, jE)
    iI, jI = common.presynaptic_order(iI, jI)
    outdeg_E = np.bincount(iE, minlength=NE)
    outdeg_I = np.bincount(iI, minlength=NI)

    w_E = J
    w_I = -g * J
    SE = Synapses(E, G, on_pre='v_post += w_E * int(not_refractory_post)',
                  delay=delay, name='syn_E')
    SE.connect(i=iE, j=jE)
    SI = Synapses(I, G, on_pre='v_post += w_I * int(not_refractory_post)',
                  delay=delay, name='syn_I')
    SI.connect(i=iI, j=jI)
    del iE, jE, iI, jI

    # External drive (see docstring); input to refractory neurons is discarded.
    if args.external == 'poisson':
        ext = G.run_regularly('v += J * poisson(lam_ext) * int(not_refractory)',
                              when='synapses', name='poisson_ext')
    else:
        ext = b2.PoissonInput(G, 'v', N=CE, rate=nu_ext / CE,
                              weight='J * int(not_refractory)')

    mon = SpikeMonitor(G, name='spikes')
    net = Network(G, SE, SI, ext, mon)

    res = common.run_network(args, net, args.duration * ms, build_dir, t_start,
                             namespace=dict(E_L=E_L, tau_m=tau_m, theta=theta, V_r=V_r,
                                            w_E=w_E, w_I=w_I, J=J, lam_ext=lam_ext))

    i = np.asarray(mon.i[:], dtype=np.int64)
    t = np.asarray(mon.t[:] / ms)
    t0, t1 = args.transient, args.duration
    sE = common.spike_stats(i[i < NE], t[i < NE], NE, t0, t1)
    sI = common.spike_stats(i[i >= NE] - NE, t[i >= NE], NI, t0, t1)
    # Synaptic events: every emitted spike times its out-degree (recurrent only).
    cnt = np.bincount(i, minlength=N)
    events = int((cnt[:NE] * outdeg_E).sum() + (cnt[NE:] * outdeg_I).sum())
    pops = [dict(name='E', model='iaf_psc_delta', size=NE, **sE),
            dict(name='I', model='iaf_psc_delta', size=NI, **sI)]
    res['external_input'] = (
        'poisson: Poisson(%g) count per step' % lam_ext if args.external == 'poisson' else
        'poissoninput: Binomial(%d, %g) count per step' % (CE, lam_ext / CE))
    common.finish(args, 'brunel', res, pops, N, N * (CE + CI), events)


if __name__ == '__main__':
    main()
