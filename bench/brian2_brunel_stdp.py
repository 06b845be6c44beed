#!/usr/bin/python3
"""Plastic Brunel (2000) network in Brian2 -- peer benchmark for lyra.

The network of bench/brian2_brunel.py (same neurons, connectivity drawn the
same way, external drive, scheduling; see its docstring) with learning on the
10,000,000 E->E synapses, mirroring examples/brunel_stdp.yaml:

  * E->E is its own Synapses object ('syn_EE', plastic); E->I ('syn_EI'),
    I->E and I->I ('syn_I', I -> all neurons) are static as in
    brian2_brunel.py. The E->G draws of brian2_brunel.py are split by target,
    so the connectivity is the same for the same seed.
  * STDP: NEST's stdp_synapse (Guetig et al. 2003), all-to-all pairing, with
    the traces as Brian2 event-driven equations: presynaptic trace apre
    (tau_plus = 20 ms), postsynaptic trace apost (tau_minus = 20 ms);
      on_pre:  v_post += w (discarded while refractory, as brian2_brunel.py)
               w = Wmax*clip(w/Wmax - alpha*lambda*(w/Wmax)**mu_minus*apost, 0, inf)
               apre += 1
      on_post: w = Wmax*clip(w/Wmax + lambda*(1 - w/Wmax)**mu_plus*apre, -inf, 1)
               apost += 1
    lambda 0.01, alpha 1, mu_plus = mu_minus = 1 (multiplicative),
    Wmax = 0.2 mV, initial w = J = 0.1 mV, delay 1.5 ms.
  * synaptic scaling of the E->E weights toward 37 Hz (van Rossum, Bi &
    Turrigiano 2000): every neuron has a rate estimate nu (Hz),
    dnu/dt = -nu/tau_nu (tau_nu = 1000 ms, exact integration),
    nu += 1/tau_nu at each spike (in the reset), nu(0) = 37 Hz; every 100 ms
    (run_regularly on syn_EE) w *= exp(gain * 0.1 s * (37 Hz - nu_post)),
    gain = 0.001 /(Hz s). Only positive weights exist in E->E, so every E->E
    weight is scaled, as lyra scales the positive weights onto E. The I
    neurons carry a nu too (one NeuronGroup, as brian2_brunel.py) that
    nothing reads; its update is one multiplication per neuron and step.

Semantic differences from NEST/lyra that do not change the workload (the
same synapses are updated at the same spikes):
  * the delay here is Brian2's presynaptic (axonal) delay: apre and the
    depression happen when the spike arrives, and a postsynaptic spike is
    seen by the synapse at once. NEST and lyra treat the whole delay as
    dendritic (the presynaptic spike is at the synapse when emitted, the
    postsynaptic one 1.5 ms after it is emitted), so pre/post pairings are
    timed differently by the delay.
  * NEST and lyra send the weight after the depression of that same spike;
    here v_post += w uses the weight before it (a relative difference of
    alpha*lambda*apost, about 1e-2 * apost).
  * lyra applies the scaling at the end of steps 1000, 2000, ... with the
    rate estimate decayed to that moment; here run_regularly runs at the
    start of those steps (and at t = 0, where nu = 37 Hz makes it a no-op).

Besides brian2_brunel.py's fields, the JSON has plastic_synapses and the
final mean and range of the E->E weights (w_mean_mV, w_min_mV, w_max_mV),
and the mean rate estimate of the E neurons (nu_E_mean_hz).

Usage: /usr/bin/python3 bench/brian2_brunel_stdp.py --duration 1000 --threads 1 \
           --mode standalone --out /tmp/lyra-bench/brian2-brunel_stdp.json
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
    build_dir = common.setup_device(args, 'brunel_stdp')

    import numpy as np
    import brian2 as b2
    from brian2 import ms, mV, Hz, second, NeuronGroup, Synapses, SpikeMonitor, Network

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

    # STDP (NEST stdp_synapse; `lambda` is a Python keyword, hence lam).
    tau_plus = 20 * ms
    tau_minus = 20 * ms
    lam = 0.01
    alpha = 1.0
    mu_plus = 1.0
    mu_minus = 1.0
    Wmax = 0.2 * mV
    # Synaptic scaling toward nu_target.
    nu_target = 37 * Hz
    tau_nu = 1000 * ms
    gain = 0.001 / (Hz * second)
    scale_interval = 100 * ms

    G = NeuronGroup(N, '''dv/dt = -(v - E_L)/tau_m : volt (unless refractory)
                          dnu/dt = -nu/tau_nu : Hz''',
                    threshold='v >= theta', reset='v = V_r\nnu += 1/tau_nu',
                    refractory=t_ref, method='exact', name='neurons')
    G.v = 0 * mV
    G.nu = nu_target
    E = G[:NE]
    I = G[NE:]

    # fixed_indegree, drawn per target exactly as brian2_brunel.py; the E
    # sources of targets 0..NE-1 (the first NE*CE draws) form E->E.
    jE = np.repeat(np.arange(N, dtype=np.int32), CE)
    iE = rng.integers(0, NE, size=N * CE, dtype=np.int32)
    jI = np.repeat(np.arange(N, dtype=np.int32), CI)
    iI = rng.integers(0, NI, size=N * CI, dtype=np.int32)
    iEE, jEE = common.presynaptic_order(iE[:NE * CE], jE[:NE * CE])
    iEI, jEI = common.presynaptic_order(iE[NE * CE:], jE[NE * CE:] - NE)
    iI, jI = common.presynaptic_order(iI, jI)
    outdeg_E = np.bincount(iE, minlength=NE)
    outdeg_I = np.bincount(iI, minlength=NI)
    del iE, jE

    w_E = J
    w_I = -g * J
    SEE = Synapses(E, E,
                   model='''w : volt
                            dapre/dt = -apre/tau_plus : 1 (event-driven)
                            dapost/dt = -apost/tau_minus : 1 (event-driven)''',
                   on_pre='''v_post += w * int(not_refractory_post)
                             w = Wmax * clip(w/Wmax - alpha*lam*(w/Wmax)**mu_minus*apost, 0, inf)
                             apre += 1''',
                   on_post='''w = Wmax * clip(w/Wmax + lam*(1 - w/Wmax)**mu_plus*apre, -inf, 1)
                              apost += 1''',
                   delay=delay, name='syn_EE')
    SEE.connect(i=iEE, j=jEE)
    SEE.w = w_E
    SEE.run_regularly('w *= exp(gain * scale_interval * (nu_target - nu_post))',
                                dt=scale_interval, name='scaling')
    SEI = Synapses(E, I, on_pre='v_post += w_E * int(not_refractory_post)',
                   delay=delay, name='syn_EI')
    SEI.connect(i=iEI, j=jEI)
    SI = Synapses(I, G, on_pre='v_post += w_I * int(not_refractory_post)',
                  delay=delay, name='syn_I')
    SI.connect(i=iI, j=jI)
    n_plastic = len(iEE)
    del iEE, jEE, iEI, jEI, iI, jI

    # External drive (see brian2_brunel.py); input to refractory neurons is discarded.
    if args.external == 'poisson':
        ext = G.run_regularly('v += J * poisson(lam_ext) * int(not_refractory)',
                              when='synapses', name='poisson_ext')
    else:
        ext = b2.PoissonInput(G, 'v', N=CE, rate=nu_ext / CE,
                              weight='J * int(not_refractory)')

    mon = SpikeMonitor(G, name='spikes')
    net = Network(G, SEE, SEI, SI, ext, mon)   # SEE contains the scaling

    res = common.run_network(args, net, args.duration * ms, build_dir, t_start,
                             namespace=dict(E_L=E_L, tau_m=tau_m, theta=theta, V_r=V_r,
                                            w_E=w_E, w_I=w_I, J=J, lam_ext=lam_ext,
                                            tau_plus=tau_plus, tau_minus=tau_minus,
                                            lam=lam, alpha=alpha, mu_plus=mu_plus,
                                            mu_minus=mu_minus, Wmax=Wmax,
                                            nu_target=nu_target, tau_nu=tau_nu, gain=gain,
                                            scale_interval=scale_interval))

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
    res['plastic_synapses'] = int(n_plastic)
    w = np.asarray(SEE.w[:] / mV)
    res['w_mean_mV'] = float(w.mean())
    res['w_min_mV'] = float(w.min())
    res['w_max_mV'] = float(w.max())
    res['nu_E_mean_hz'] = float(np.mean(np.asarray(G.nu[:NE] / Hz)))
    del w
    common.finish(args, 'brunel_stdp', res, pops, N, N * (CE + CI), events)


if __name__ == '__main__':
    main()
