#!/usr/bin/env python3
"""Reference traces for lyra's conductance-based and nonlinear neuron models.

Writes tests/reference/<model>.txt for iaf_cond_exp (a control: it exists
today and is also checked against its own fine integration in
test_neurons.c), iaf_cond_alpha, aeif_cond_exp, aeif_cond_alpha,
aeif_psc_exp, aeif_cond_alpha_multisynapse, iaf_psc_exp_multisynapse,
hh_psc_alpha and hh_cond_exp_traub. Each file holds two protocols of
1000 ms for one neuron, a DC step and a fixed list of input spikes, with
the reference spike times and V_m after every 0.1 ms step;
tests/unit/test_reference.c runs them in lyra at dt = 0.1 ms. The format
is described at the top of every file (FORMAT below).

The equations are NEST's (notes: /work/notes/issue5-models.md, NEST's
defaults), written out in Brian2 and integrated with classical RK4 at
DT_FINE = 1 us instead of NEST's adaptive RKF45 at 0.1 ms: the reference
is the exact solution of the model to within the convergence figures
below. What stays discrete is what NEST's semantics make discrete at the
step h = 0.1 ms:
 - Inputs: an input spike with instant T0 (a multiple of h) makes its
   jump of the synaptic state (g += w; x += w e/tau for the alpha shapes,
   whose g then peaks at w at tau; I += w) exactly at T0; a DC step on
   [on, off) acts exactly on that interval. A network operation applies
   both at the multiples of h, before the fine steps that follow.
 - Threshold and reset of iaf_cond_exp, iaf_cond_alpha and
   iaf_psc_exp_multisynapse: NEST checks V_m >= V_th only at the end of a
   step, resets there and holds V_m at V_reset for round(t_ref/h) steps;
   the reference does the same at the multiples of h. So V_m runs on
   above V_th from the crossing to the end of its step, for
   iaf_cond_alpha with the right-hand side at min(V_m, V_th) as in NEST.
 - aeif_*: NEST checks V_m >= V_peak after every accepted RKF45 sub-step
   and resets inside the step, so the reset follows the crossing within a
   sub-step. The reference resets at the crossing itself (see the reset
   code in simulate()). exp() sees min(V_m, V_peak). With t_ref > 0 V_m is
   held at V_reset for the rest of the spike's step and round(t_ref/h)
   more steps (NEST's counter r = counts + 1), and w relaxes with V_m at
   V_reset.
 - hh_psc_alpha, hh_cond_exp_traub: no reset; NEST emits a spike at the end
   of the step in which V_m >= theta (0 mV; V_T + 30 mV) and V_m is lower
   than at the start of the step, then ignores round(t_ref/h) steps.
   Detection has no effect on the dynamics, so it is done afterwards on
   the fine trace. Initial state as NEST sets it: hh_psc_alpha at
   V_m = -65 mV with the gating variables at their steady state there;
   hh_cond_exp_traub at V_m = E_L with the gating steady state of the
   rate functions evaluated at u = E_L instead of E_L - V_T (NEST's quirk).

Reference spike times are continuous-time events, each interpolated
within its fine step: the upward crossing of V_th (iaf_*) or V_peak
(aeif_*: from the state at the start of the crossing fine step,
integrating dt = dV/f(V) up to V_peak), and for hh_* the instant t* at
which V(t) - V(t - h) turns negative while V >= theta (the
continuous-time form of NEST's rule). lyra stamps a spike with the end of
its step, the first multiple of h at or after the event, so lyra's time
minus the reference time lies in [0, h] up to the integration error. Each
block states the smallest distance of a reference spike from a multiple
of h ('margin'): a spike closer to a step boundary than lyra's timing
error could land in the neighbouring step. The input seeds are the first
(from 1 on) whose spikes all keep a margin of at least MIN_MARGIN (0.002
ms; 0.004 ms for hh_*, which NEST integrates with a looser tolerance);
the DC amplitudes were chosen the same way among round numbers: 400 pA
for iaf_cond_* (rheobase 250 pA), 800 pA for aeif_* (the second pulse of
NEST's brette_gerstner_fig_2c example; adapting firing), 500 pA for
iaf_psc_exp_multisynapse (rheobase 375 pA), 760 pA for hh_psc_alpha and
340 pA for hh_cond_exp_traub.

With its defaults hh_cond_exp_traub is a pacemaker (a spike every 72 ms
without input). The slow passage between such spikes amplifies NEST's own
integration error (RKF45 with absolute tolerance 1e-3) to about 0.01 ms,
enough to move a spike into the next step. I_e = -60 pA holds it at rest
(-65.9 mV) between inputs instead. nest_emulation.py runs NEST's
integration loop on these protocols: it puts every spike of every model in
the same step as lyra should, with its timing error at least 3x below the
margin (figures below).

Time is written in Brian2's seconds standing for milliseconds (MS), as in
izhikevich_brian2.py: h = 0.1 and DT_FINE = 0.001 are then exact step
counts of each other's clock (Brian2 compares clock times in units of
dt). All quantities are plain numbers in lyra's units: ms, mV, pA, pF, nS.

Convergence: every model is also run at DT_CHECK = 2 us. RK4's error
scales as dt^4, so the 1 us run is about 15x closer to the exact solution
than the two runs are to each other. Figures from the run that wrote the
data (also in each file's header): max |spike-time difference| in ms and
V_m RMS difference over the 10000 samples in mV, dc / spikes:
    model                          spike times (ms)     V_m RMS (mV)
    iaf_cond_exp                   1.6e-08 / 7.6e-06    5.3e-13 / 1.9e-11
    iaf_cond_alpha                 1.1e-08 / 5.5e-06    5.3e-13 / 8e-11
    aeif_cond_exp                  7e-06   / 9.8e-07    1.8e-05 / 6.3e-06
    aeif_cond_alpha                7e-06   / 6.3e-07    1.8e-05 / 8.8e-07
    aeif_psc_exp                   9.4e-06 / 6.1e-07    2.8e-05 / 4.1e-07
    aeif_cond_alpha_multisynapse   7e-06   / 3.6e-06    1.8e-05 / 2.3e-06
    iaf_psc_exp_multisynapse       4.7e-08 / 1.2e-06    1.2e-11 / 3.4e-13
    hh_psc_alpha                   8.5e-06 / 1.1e-05    2.7e-08 / 1.6e-08
    hh_cond_exp_traub              1.8e-05 / 1.8e-05    3.6e-06 / 4.7e-07
The DC protocols of the aeif models, checked against scipy's DOP853
(rtol 1e-13, in u, crossing found by event location and reset there):
spike times within 8.9e-07 ms (aeif_psc_exp, with t_ref = 2: 9.2e-06).
nest_emulation.py's timing error against the smallest margin, per
protocol (dc; spikes), in ms: iaf_cond_alpha 5e-7 vs 0.0125, 6e-5 vs
0.0045; aeif_* at most 1.2e-5 vs at least 0.003, 2e-5 vs 0.0021;
iaf_psc_exp_multisynapse 3e-8 vs 0.037, 4e-6 vs 0.0025; hh_psc_alpha
1e-4 vs 0.023, 6e-6 vs 0.0041; hh_cond_exp_traub 0.0079 vs 0.0235,
0.0012 vs 0.0057.

Run with Debian's python3-brian (about 3 minutes; --scipy adds the scipy
check of the aeif DC protocols, --dry writes nothing, --no-check skips
the 2 us run):
    /usr/bin/python3 tests/reference/nonlinear_brian2.py [model ...]
The output is checked in, so the tests do not need Brian2.
"""
import math
import os
import sys
import time

import numpy as np
from scipy.integrate import quad

import brian2
from brian2 import (EventMonitor, Network, NetworkOperation, NeuronGroup,
                    SpikeMonitor, StateMonitor, defaultclock, prefs, second,
                    start_scope)

MS = second             # Brian2 seconds stand for milliseconds
H = 0.1                 # lyra's (and NEST's) step, ms
STEPS = 10000           # 1000 ms
DT_FINE = 0.001         # reference step, ms
DT_CHECK = 0.002        # convergence check step, ms
MIN_MARGIN = dict(grid=0.002, aeif=0.002, hh=0.004)  # ms, see the docstring
ON, OFF = 100.0, 700.0  # DC step interval, ms
E = math.e
HERE = os.path.dirname(os.path.abspath(__file__))

FORMAT = """\
# Format: '#' lines are comments. Two blocks, protocol 'dc' and 'spikes',
# each self-contained, in this order:
#   model NAME
#   param NAME VALUE [VALUE ...]  a parameter that differs from NEST's
#                                 default (a list parameter: its values)
#   init NAME VALUE               an initial state that differs from the
#                                 default (none: NEST's defaults)
#   protocol dc|spikes
#   dc AMPLITUDE ON OFF           (dc) current in pA acting exactly on
#                                 [ON, OFF) ms
#   inputs N                      (spikes) then N lines 'TIME WEIGHT
#                                 RECEPTOR': the synaptic state jumps at
#                                 exactly TIME ms; RECEPTOR 0 = NEST's sign
#                                 rule (weight > 0 excitatory), k >= 1 =
#                                 port k of a multisynapse model
#   dt 0.1                        lyra's step, ms
#   duration 1000                 ms
#   margin M                      smallest distance (ms) of a reference
#                                 spike from a multiple of dt
#   spikes N                      then the N reference spike times (ms),
#                                 continuous-time events (lyra's time,
#                                 the end of its step, is 0 to dt later)
#   v N                           then V_m (mV) at dt, 2 dt, ..., N dt (the
#                                 state after each step), 10 per line
#   end
"""

# ---------------------------------------------------------------------------
# Models: NEST defaults, equations, how an input jumps, how spikes are found
# ---------------------------------------------------------------------------

AEIF_DEFAULTS = dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_th=-50.4, Delta_T=2.0,
                     V_peak=0.0, V_reset=-60.0, t_ref=0.0, a=4.0, b=80.5,
                     tau_w=144.0, I_e=0.0)
AEIF_SYN_DEFAULTS = dict(E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2, tau_syn_in=2.0)

# The AdEx membrane with NEST's effective voltage: V_reset while refractory
# (V_m is held there then, so min(V_m, V_peak) gives it), else
# min(V_m, V_peak) in every term. It is integrated in the variable
# u = -exp(-(V_m - V_th)/Delta_T), with du/dt = -u/Delta_T dV_m/dt:
#   C_m du/dt = -u F(V_m)/Delta_T + g_L
# where F is the sum of the currents other than the exponential one
# (g_L Delta_T exp((V_m - V_th)/Delta_T) times -u/Delta_T is g_L). Before
# a spike, where the exponential dominates, u rises at the nearly
# constant rate g_L/C_m up to u(V_peak) = -exp(-(V_peak - V_th)/Delta_T)
# ~ -1e-11, whereas V_m blows up: RK4 in V_m is stiff in the last steps
# before V_peak whatever the step, and the spike times converged only to
# first order in it. Beyond V_peak, inside the fine step that crosses, u
# goes on at that rate (with F at V_peak) and may pass 0, where V_m is
# taken as very large; none of it is kept, as the reset below restarts
# that step from its crossing.
AEIF_V = """
v = V_th - Delta_T*log(clip(-u, 1e-300, 1e300)) : 1
vt = clip(v, -1e9, V_peak) : 1
du/dt = (1 - clamp)*((-u)*(-g_L*(vt - E_L) + I_syn - w + I_e + I_stim)/Delta_T
         + g_L)/C_m/MS : 1
dw/dt = (a*(vt - E_L) - w)/tau_w/MS : 1
"""
COMMON = """
I_stim : 1
clamp : 1
r_ref : 1
"""


def alpha_pair(x, g, tau):
    return ("d%s/dt = -%s/%s/MS : 1\nd%s/dt = (%s - %s/%s)/MS : 1\n"
            % (x, x, tau, g, x, g, tau))


def exp_decay(g, tau):
    return "d%s/dt = -%s/%s/MS : 1\n" % (g, g, tau)


def sign_rule(exc, inh, scale_ex=1.0, scale_in=1.0, keep_sign=False):
    """NEST's receptor 0: weight > 0 to exc, else -weight (or weight) to inh."""
    def jump(state, i, w, rec):
        assert rec == 0
        if w > 0:
            state[exc][i] += w * scale_ex
        else:
            state[inh][i] += (w if keep_sign else -w) * scale_in
    jump.vars = [exc, inh]
    return jump


def ports(names, scales):
    def jump(state, i, w, rec):
        assert 1 <= rec <= len(names)
        state[names[rec - 1]][i] += w * scales[rec - 1]
    jump.vars = list(names)
    return jump


def aeif_model(name, syn, nondefault, dc, inputs, seed, syn_defaults=None):
    p = dict(AEIF_DEFAULTS)
    p.update(AEIF_SYN_DEFAULTS if syn_defaults is None else syn_defaults)
    defaults = dict(p)
    p.update({k: v for k, v in nondefault.items() if not isinstance(v, list)})
    lists = {k: v for k, v in nondefault.items() if isinstance(v, list)}
    m = dict(name=name, kind="aeif", params=p, defaults=defaults,
             nondefault=nondefault, lists=lists, dc=dc, inputs=inputs,
             seed=seed, theta="V_peak")
    if syn == "cond_exp":
        m["eqs"] = (AEIF_V + "I_syn = -g_ex*(vt - E_ex) - g_in*(vt - E_in) : 1\n"
                    + exp_decay("g_ex", "tau_syn_ex")
                    + exp_decay("g_in", "tau_syn_in"))
        m["jump"] = sign_rule("g_ex", "g_in")
        m["isyn"] = lambda v, s, p: (-s["g_ex"] * (v - p["E_ex"])
                                     - s["g_in"] * (v - p["E_in"]))
        m["isyn_reset"] = "(-g_ex*(V_reset - E_ex) - g_in*(V_reset - E_in))"
    elif syn == "cond_alpha":
        m["eqs"] = (AEIF_V + "I_syn = -g_ex*(vt - E_ex) - g_in*(vt - E_in) : 1\n"
                    + alpha_pair("x_ex", "g_ex", "tau_syn_ex")
                    + alpha_pair("x_in", "g_in", "tau_syn_in"))
        m["jump"] = sign_rule("x_ex", "x_in", E / p["tau_syn_ex"],
                              E / p["tau_syn_in"])
        m["isyn"] = lambda v, s, p: (-s["g_ex"] * (v - p["E_ex"])
                                     - s["g_in"] * (v - p["E_in"]))
        m["isyn_reset"] = "(-g_ex*(V_reset - E_ex) - g_in*(V_reset - E_in))"
    elif syn == "psc_exp":
        m["eqs"] = (AEIF_V + "I_syn = I_ex - I_in : 1\n"
                    + exp_decay("I_ex", "tau_syn_ex")
                    + exp_decay("I_in", "tau_syn_in"))
        # NEST keeps the inhibitory current positive and subtracts it.
        m["jump"] = sign_rule("I_ex", "I_in")
        m["isyn"] = lambda v, s, p: s["I_ex"] - s["I_in"]
        m["isyn_reset"] = "(I_ex - I_in)"
    elif syn == "multisynapse":
        n = len(lists["E_rev"])
        for k in range(n):
            p["E_rev_%d" % (k + 1)] = lists["E_rev"][k]
            p["tau_syn_%d" % (k + 1)] = lists["tau_syn"][k]
        m["eqs"] = (AEIF_V + "I_syn = "
                    + " + ".join("g_%d*(E_rev_%d - vt)" % (k, k)
                                 for k in range(1, n + 1)) + " : 1\n"
                    + "".join(alpha_pair("x_%d" % k, "g_%d" % k, "tau_syn_%d" % k)
                              for k in range(1, n + 1)))
        m["jump"] = ports(["x_%d" % k for k in range(1, n + 1)],
                          [E / t for t in lists["tau_syn"]])
        m["isyn"] = lambda v, s, p: sum(
            s["g_%d" % k] * (p["E_rev_%d" % k] - v) for k in range(1, n + 1))
        m["isyn_reset"] = "(%s)" % " + ".join(
            "g_%d*(E_rev_%d - V_reset)" % (k, k) for k in range(1, n + 1))
    m["eqs"] += COMMON
    return m


def iaf_cond_exp(nondefault, dc, inputs, seed):
    p = dict(V_th=-55.0, V_reset=-60.0, t_ref=2.0, g_L=16.6667, C_m=250.0,
             E_ex=0.0, E_in=-85.0, E_L=-70.0, tau_syn_ex=0.2, tau_syn_in=2.0,
             I_e=0.0)
    defaults = dict(p)
    p.update(nondefault)
    eqs = """
dv/dt = (1 - clamp)*(-g_L*(v - E_L) - g_ex*(v - E_ex) - g_in*(v - E_in)
         + I_e + I_stim)/C_m/MS : 1
""" + exp_decay("g_ex", "tau_syn_ex") + exp_decay("g_in", "tau_syn_in") + COMMON
    return dict(name="iaf_cond_exp", kind="grid", params=p, defaults=defaults,
                nondefault=nondefault, lists={}, eqs=eqs, theta="V_th",
                jump=sign_rule("g_ex", "g_in"), dc=dc, inputs=inputs, seed=seed)


def iaf_cond_alpha(nondefault, dc, inputs, seed):
    p = dict(V_th=-55.0, V_reset=-60.0, t_ref=2.0, g_L=16.6667, C_m=250.0,
             E_ex=0.0, E_in=-85.0, E_L=-70.0, tau_syn_ex=0.2, tau_syn_in=2.0,
             I_e=0.0)
    defaults = dict(p)
    p.update(nondefault)
    eqs = """
vt = clip(v, -1e9, V_th) : 1
dv/dt = (1 - clamp)*(-g_L*(vt - E_L) - g_ex*(vt - E_ex) - g_in*(vt - E_in)
         + I_e + I_stim)/C_m/MS : 1
""" + (alpha_pair("x_ex", "g_ex", "tau_syn_ex")
       + alpha_pair("x_in", "g_in", "tau_syn_in") + COMMON)
    return dict(name="iaf_cond_alpha", kind="grid", params=p,
                defaults=defaults, nondefault=nondefault, lists={}, eqs=eqs,
                theta="V_th",
                jump=sign_rule("x_ex", "x_in", E / p["tau_syn_ex"],
                               E / p["tau_syn_in"]),
                dc=dc, inputs=inputs, seed=seed)


def iaf_psc_exp_multisynapse(nondefault, dc, inputs, seed):
    p = dict(E_L=-70.0, C_m=250.0, tau_m=10.0, t_ref=2.0, V_th=-55.0,
             V_reset=-70.0, I_e=0.0)
    defaults = dict(p)
    lists = {k: v for k, v in nondefault.items() if isinstance(v, list)}
    p.update({k: v for k, v in nondefault.items() if not isinstance(v, list)})
    n = len(lists["tau_syn"])
    for k in range(n):
        p["tau_syn_%d" % (k + 1)] = lists["tau_syn"][k]
    eqs = ("dv/dt = (1 - clamp)*(-(v - E_L)/tau_m + ("
           + " + ".join("I_%d" % k for k in range(1, n + 1))
           + " + I_e + I_stim)/C_m)/MS : 1\n"
           + "".join(exp_decay("I_%d" % k, "tau_syn_%d" % k)
                     for k in range(1, n + 1)) + COMMON)
    return dict(name="iaf_psc_exp_multisynapse", kind="grid", params=p,
                defaults=defaults, nondefault=nondefault, lists=lists, eqs=eqs,
                theta="V_th", jump=ports(["I_%d" % k for k in range(1, n + 1)],
                                         [1.0] * n),
                dc=dc, inputs=inputs, seed=seed)


# hh_psc_alpha: the classic squid-axon rates (1/ms, V in mV), written with
# exprel(x) = (exp(x) - 1)/x, which is NEST's literal formula away from its
# removable 0/0 points at V = -40 and -55 mV.
def hh_psc_rates(v):
    def exprel(x):
        return 1.0 if x == 0 else math.expm1(x) / x
    am = 1.0 / exprel(-(v + 40.0) / 10.0)
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
    an = 0.1 / exprel(-(v + 55.0) / 10.0)
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def hh_psc_alpha(nondefault, dc, inputs, seed):
    p = dict(t_ref=2.0, g_Na=12000.0, g_K=3600.0, g_L=30.0, C_m=100.0,
             E_Na=50.0, E_K=-77.0, E_L=-54.402, tau_syn_ex=0.2,
             tau_syn_in=2.0, I_e=0.0)
    defaults = dict(p)
    p.update(nondefault)
    am, bm, ah, bh, an, bn = hh_psc_rates(-65.0)
    # NEST's initial state: V_m = -65 mV, gating at its steady state there.
    init = dict(v=-65.0, m=am / (am + bm), h=ah / (ah + bh), n=an / (an + bn))
    eqs = """
alpha_m = 1/exprel(-(v + 40)/10) : 1
beta_m = 4*exp(-(v + 65)/18) : 1
alpha_h = 0.07*exp(-(v + 65)/20) : 1
beta_h = 1/(1 + exp(-(v + 35)/10)) : 1
alpha_n = 0.1/exprel(-(v + 55)/10) : 1
beta_n = 0.125*exp(-(v + 65)/80) : 1
dv/dt = (-(g_Na*m**3*h*(v - E_Na) + g_K*n**4*(v - E_K) + g_L*(v - E_L))
         + I_ex + I_in + I_e + I_stim)/C_m/MS : 1
dm/dt = (alpha_m*(1 - m) - beta_m*m)/MS : 1
dh/dt = (alpha_h*(1 - h) - beta_h*h)/MS : 1
dn/dt = (alpha_n*(1 - n) - beta_n*n)/MS : 1
""" + (alpha_pair("x_ex", "I_ex", "tau_syn_ex")
       + alpha_pair("x_in", "I_in", "tau_syn_in") + COMMON)
    # Inhibitory weights keep their sign: I_in is negative and added.
    return dict(name="hh_psc_alpha", kind="hh", params=p, defaults=defaults,
                nondefault=nondefault, lists={}, eqs=eqs, theta_value=0.0,
                init=init, jump=sign_rule("x_ex", "x_in", E / p["tau_syn_ex"],
                                          E / p["tau_syn_in"], keep_sign=True),
                dc=dc, inputs=inputs, seed=seed)


def traub_rates(u):
    def exprel(x):
        return 1.0 if x == 0 else math.expm1(x) / x
    am = 1.28 / exprel((13.0 - u) / 4.0)
    bm = 1.4 / exprel((u - 40.0) / 5.0)
    ah = 0.128 * math.exp((17.0 - u) / 18.0)
    bh = 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
    an = 0.16 / exprel((15.0 - u) / 5.0)
    bn = 0.5 * math.exp((10.0 - u) / 40.0)
    return am, bm, ah, bh, an, bn


def hh_cond_exp_traub(nondefault, dc, inputs, seed):
    p = dict(g_Na=20000.0, g_K=6000.0, g_L=10.0, C_m=200.0, E_Na=50.0,
             E_K=-90.0, E_L=-60.0, V_T=-63.0, E_ex=0.0, E_in=-80.0,
             tau_syn_ex=5.0, tau_syn_in=10.0, t_ref=2.0, I_e=0.0)
    defaults = dict(p)
    p.update(nondefault)
    # NEST's initial state: V_m = E_L, and the gating variables at the
    # steady state of the rate functions evaluated at u = E_L instead of
    # u = E_L - V_T (a quirk of NEST's constructor, kept for compatibility).
    am, bm, ah, bh, an, bn = traub_rates(p["E_L"])
    init = dict(v=p["E_L"], m=am / (am + bm), h=ah / (ah + bh),
                n=an / (an + bn))
    eqs = """
u = v - V_T : 1
alpha_m = 1.28/exprel((13 - u)/4) : 1
beta_m = 1.4/exprel((u - 40)/5) : 1
alpha_h = 0.128*exp((17 - u)/18) : 1
beta_h = 4/(1 + exp((40 - u)/5)) : 1
alpha_n = 0.16/exprel((15 - u)/5) : 1
beta_n = 0.5*exp((10 - u)/40) : 1
dv/dt = (-g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K) - g_L*(v - E_L)
         - g_ex*(v - E_ex) - g_in*(v - E_in) + I_e + I_stim)/C_m/MS : 1
dm/dt = (alpha_m*(1 - m) - beta_m*m)/MS : 1
dh/dt = (alpha_h*(1 - h) - beta_h*h)/MS : 1
dn/dt = (alpha_n*(1 - n) - beta_n*n)/MS : 1
""" + exp_decay("g_ex", "tau_syn_ex") + exp_decay("g_in", "tau_syn_in") + COMMON
    return dict(name="hh_cond_exp_traub", kind="hh", params=p,
                defaults=defaults, nondefault=nondefault, lists={}, eqs=eqs,
                theta_value=p["V_T"] + 30.0, init=init,
                jump=sign_rule("g_ex", "g_in"), dc=dc, inputs=inputs,
                seed=seed)


# ---------------------------------------------------------------------------
# Protocols. inputs: (count, weight, receptor) per input type; the instants
# are distinct multiples of h in [0.2, 999.9] ms drawn from the model's
# seed (0.2 ms: lyra's spike_generator needs a spike time >= dt before a
# one-step delay).
# ---------------------------------------------------------------------------

MULTI_AEIF = dict(E_rev=[0.0, 0.0, -85.0], tau_syn=[0.2, 5.0, 2.0])
MULTI_IAF = dict(tau_syn=[2.0, 20.0, 60.0])


def all_models():
    return [
        iaf_cond_exp({}, 400.0, [(1500, 20.0, 0), (300, -10.0, 0)], 2),
        iaf_cond_alpha({}, 400.0, [(1500, 8.0, 0), (300, -5.0, 0)], 2),
        aeif_model("aeif_cond_exp", "cond_exp", {}, 800.0,
                   [(1500, 50.0, 0), (300, -10.0, 0)], 1),
        aeif_model("aeif_cond_alpha", "cond_alpha", {}, 800.0,
                   [(1500, 22.0, 0), (300, -10.0, 0)], 1),
        aeif_model("aeif_psc_exp", "psc_exp", {"t_ref": 2.0}, 800.0,
                   [(1500, 3000.0, 0), (300, -600.0, 0)], 3,
                   syn_defaults=dict(tau_syn_ex=0.2, tau_syn_in=2.0)),
        aeif_model("aeif_cond_alpha_multisynapse", "multisynapse", MULTI_AEIF,
                   800.0, [(1000, 20.0, 1), (200, 2.0, 2), (300, 5.0, 3)], 4,
                   syn_defaults={}),
        iaf_psc_exp_multisynapse(MULTI_IAF, 500.0,
                                 [(1500, 150.0, 1), (200, 20.0, 2),
                                  (100, -20.0, 3)], 1),
        hh_psc_alpha({}, 760.0, [(1500, 500.0, 0), (300, -300.0, 0)], 46),
        hh_cond_exp_traub({"I_e": -60.0}, 340.0, [(1000, 1.2, 0), (300, -5.0, 0)], 1),
    ]


def make_inputs(specs, seed):
    rng = np.random.default_rng(seed)
    total = sum(c for c, _, _ in specs)
    steps = rng.choice(np.arange(2, STEPS), size=total, replace=False)
    out, at = [], 0
    for count, w, rec in specs:
        for k in steps[at:at + count]:
            out.append((int(k), w, rec))
        at += count
    out.sort()
    return out


# ---------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------

def state_names(eqs):
    return [line.split("/")[0].strip()[1:] for line in eqs.splitlines()
            if line.strip().startswith("d") and "/dt" in line]


def simulate(m, inputs, dtf):
    """Neuron 0: the DC step; neuron 1: the input spikes. Returns, per
    neuron, (reference spike times, V_m after steps 1..STEPS, spike times
    at the multiples of h, smallest |V_m - V_th| at a threshold check of
    an iaf model)."""
    start_scope()
    defaultclock.dt = dtf * MS
    p = m["params"]
    counts = int(round(p["t_ref"] / H))
    ns = dict(p)
    ns["MS"] = MS
    ns["counts1"] = counts + 1 if counts > 0 else 0
    ns["clamp1"] = 1.0 if counts > 0 else 0.0
    svars = state_names(m["eqs"])
    if m["kind"] == "aeif":
        svars.append("v")
    olds = "".join("%s_old : 1\n" % s for s in svars)
    kw = {}
    if m["kind"] == "aeif":
        kw["threshold"] = "v >= V_peak and clamp < 0.5"
        # Reset at the crossing, not at the end of the fine step that
        # crosses. The crossing comes tb after the start of that step (u
        # rises at g_L/C_m there), delta before its end. V_m restarts from
        # V_reset and moves on for delta at its rate there (none while
        # refractory). w is recomputed from the start of the step, with
        # V_m at its mean over the blow-up (start value + Delta_T) for tb,
        # then b added and V_m at V_reset for delta; the RK4 step itself
        # ran on past V_peak. The synaptic variables do not depend on V_m.
        # Without this, every reset would come up to a fine step late, and
        # w off by up to b dt/tau_w: the slow approach to threshold of an
        # adapted neuron turns such errors into spike-time errors of
        # several us within a few spikes (compared with scipy's DOP853).
        kw["reset"] = """
tb = C_m/g_L*(exp(-(v_old - V_th)/Delta_T) - exp(-(V_peak - V_th)/Delta_T))
tb = clip(tb, 0, dt/MS)
delta = dt/MS - tb
dw_up = tb*(a*(v_old + Delta_T - E_L) - w_old)
dw_down = delta*(a*(V_reset - E_L) - w_old - b)
w = w_old + b + (dw_up + dw_down)/tau_w
r_ref = counts1
clamp = clamp1
i_reset = -g_L*(V_reset - E_L) + g_L*Delta_T*exp((V_reset - V_th)/Delta_T)
v_new = V_reset + (1 - clamp1)*delta*(i_reset + %s - w + I_e + I_stim)/C_m
u = -exp(-(v_new - V_th)/Delta_T)
""" % m["isyn_reset"]
    elif m["kind"] == "grid":
        kw["events"] = {"cross": "v >= %s and v_old < %s and clamp < 0.5"
                        % (m["theta"], m["theta"])}
    g = NeuronGroup(2, m["eqs"] + olds, method="rk4", namespace=ns, **kw)
    g.run_regularly("\n".join("%s_old = %s" % (s, s) for s in svars),
                    when="before_groups")
    init = m.get("init", {})
    v0 = init.get("v", p.get("E_L"))
    if m["kind"] == "aeif":
        g.u = -math.exp(-(v0 - p["V_th"]) / p["Delta_T"])
    else:
        g.v = v0
    for k, val in init.items():
        if k != "v":
            setattr(g, k, val)
    by_step = {}
    for k, w, rec in inputs:
        by_step.setdefault(k, []).append((w, rec))
    k_on, k_off = int(round(ON / H)), int(round(OFF / H))
    vs = np.zeros((2, STEPS))
    grid_spikes = ([], [])
    near = [np.inf, np.inf]  # smallest |V_m - V_th| at a threshold check

    def grid(t):
        k = int(round(float(t / MS) / H))
        if k == 0:
            return
        state = {}
        if m["kind"] in ("grid", "aeif"):
            r, c = g.r_ref_[:], g.clamp_[:]
            v = g.v_[:] if m["kind"] == "grid" else None
            for i in range(2):
                if r[i] > 0:
                    r[i] -= 1
                    if m["kind"] == "grid":
                        v[i] = p["V_reset"]
                elif m["kind"] == "grid" and v[i] >= p[m["theta"]]:
                    grid_spikes[i].append(k * H)
                    near[i] = min(near[i], v[i] - p[m["theta"]])
                    v[i] = p["V_reset"]
                    r[i] = counts
                elif m["kind"] == "grid":
                    near[i] = min(near[i], p[m["theta"]] - v[i])
                c[i] = 1.0 if r[i] > 0 else 0.0
            g.r_ref_[:], g.clamp_[:] = r, c
            if m["kind"] == "grid":
                g.v_[:] = v
        if k in by_step:
            for name in m["jump"].vars:
                state[name] = getattr(g, name + "_")[:]
            for w, rec in by_step[k]:
                m["jump"](state, 1, w, rec)
            for name, arr in state.items():
                getattr(g, name + "_")[:] = arr
        if k == k_on or k == k_off:
            g.I_stim_[0] = m["dc"] if k == k_on else 0.0
        if k <= STEPS:
            if m["kind"] == "aeif":
                vs[:, k - 1] = p["V_th"] - p["Delta_T"] * np.log(-g.u_[:])
            else:
                vs[:, k - 1] = g.v_[:]

    net = Network(g, NetworkOperation(grid, dt=H * MS, when="start"))
    if m["kind"] == "aeif":
        mon = SpikeMonitor(g, variables=["%s_old" % s for s in svars]
                           + ["I_stim"])
        net.add(mon)
    elif m["kind"] == "grid":
        mon = EventMonitor(g, "cross", variables=["v", "v_old"])
        net.add(mon)
    else:
        mon = StateMonitor(g, "v", record=True)
        net.add(mon)
    net.run((STEPS + 1) * H * MS, namespace={})

    out = []
    for i in range(2):
        if m["kind"] == "aeif":
            ref = aeif_crossings(m, mon, i, svars, dtf)
            grid_t = [math.ceil(t / H - 1e-9) * H for t in ref]
        elif m["kind"] == "grid":
            ref = grid_crossings(m, mon, i, grid_spikes[i], dtf)
            grid_t = grid_spikes[i]
        else:
            ref, grid_t = hh_events(m, np.asarray(mon.v[i]), dtf, counts)
        out.append((np.array(ref), vs[i].copy(), np.array(grid_t), near[i]))
    return out


def aeif_crossings(m, mon, i, svars, dtf):
    """Crossing time of V_peak: from the state at the start of the fine step
    in which V_m crossed, t = integral of dV/f(V) up to V_peak with the other
    variables held (they change by < 1% within 1 us)."""
    p = m["params"]
    sel = np.asarray(mon.i) == i
    ts = np.asarray(mon.t / MS)[sel]
    old = {s: np.asarray(getattr(mon, s + "_old"))[sel] for s in svars}
    istim = np.asarray(mon.I_stim)[sel]
    out = []
    for j, t0 in enumerate(ts):
        s = {k: v[j] for k, v in old.items()}

        def f(v):
            vt = min(v, p["V_peak"])
            return (-p["g_L"] * (vt - p["E_L"])
                    + p["g_L"] * p["Delta_T"]
                    * math.exp((vt - p["V_th"]) / p["Delta_T"])
                    + m["isyn"](vt, s, p) - s["w"] + p["I_e"] + istim[j]) / p["C_m"]
        v0 = s["v"]
        if f(v0) <= 0:
            raise RuntimeError("%s: V_m falls at a crossing" % m["name"])
        dt, _ = quad(lambda v: 1.0 / f(v), v0, p["V_peak"], limit=200,
                     epsabs=1e-13, epsrel=1e-10)
        if dt > dtf * 1.001:
            raise RuntimeError("%s: crossing %.3g ms after the step start"
                               % (m["name"], dt))
        out.append(t0 + min(dt, dtf))
    return out


def grid_crossings(m, mon, i, grid_t, dtf):
    """For each spike found at a multiple of h, the last upward crossing of
    V_th before it, interpolated linearly within its fine step."""
    th = m["params"][m["theta"]]
    sel = np.asarray(mon.i) == i
    ts = np.asarray(mon.t / MS)[sel]
    v = np.asarray(mon.v)[sel]
    vo = np.asarray(mon.v_old)[sel]
    cross = ts + dtf * (th - vo) / (v - vo)
    out, prev = [], -1.0
    for tg in grid_t:
        c = cross[(cross <= tg + 1e-9) & (cross > prev)]
        if len(c) == 0:
            raise RuntimeError("%s: no crossing before %g" % (m["name"], tg))
        if len(c) > 1:
            print("  note: %s: %d crossings before the spike at %g"
                  % (m["name"], len(c), tg), file=sys.stderr)
        out.append(c[-1])
        prev = tg
    unmatched = np.sum(cross > prev)
    if unmatched:
        print("  note: %s: %d crossings after the last spike"
              % (m["name"], unmatched), file=sys.stderr)
    return out


def hh_events(m, vf, dtf, counts):
    """NEST's rule at the multiples of h on the fine trace vf (vf[j] is V_m
    at j*dtf), and its continuous form: t* where V(t) - V(t - h) turns
    negative while V >= theta."""
    th = m["theta_value"]
    n = int(round(H / dtf))
    grid_v = vf[::n][:STEPS + 1]
    grid_t, r = [], 0
    for k in range(1, STEPS + 1):
        if r > 0:
            r -= 1
        elif grid_v[k] >= th and grid_v[k - 1] > grid_v[k]:
            grid_t.append(k * H)
            r = counts
    ref = []
    for tg in grid_t:
        k = int(round(tg / H))
        j = np.arange((k - 1) * n, k * n + 1)
        j = j[j >= n]
        d = vf[j] - vf[j - n]
        ok = np.nonzero((d[:-1] >= 0) & (d[1:] < 0) & (vf[j[1:]] >= th))[0]
        if len(ok) != 1:
            raise RuntimeError("%s: %d sign changes before %g"
                               % (m["name"], len(ok), tg))
        a = ok[0]
        ref.append((j[a] + d[a] / (d[a] - d[a + 1])) * dtf)
    return ref, grid_t


def scipy_aeif_dc(m):
    """An independent check of the AdEx reference: the DC protocol (no
    synaptic input) with scipy's DOP853 at rtol 1e-13 in the same variable
    u, the crossing of V_peak found by event location and the reset (and
    NEST's refractory clamp) applied exactly there."""
    from scipy.integrate import solve_ivp
    p = m["params"]
    c_m, g_l, e_l, v_th, d_t = (p["C_m"], p["g_L"], p["E_L"], p["V_th"],
                                p["Delta_T"])
    u_peak = -math.exp(-(p["V_peak"] - v_th) / d_t)
    counts = int(round(p["t_ref"] / H))

    def rhs(t, y, i_stim, clamped):
        u, w = y
        v = p["V_reset"] if clamped else (v_th - d_t * math.log(-u)
                                          if u < 0 else 1e9)
        vt = min(v, p["V_peak"])
        du = 0.0 if clamped else ((-u) * (-g_l * (vt - e_l) - w + p["I_e"]
                                          + i_stim) / d_t + g_l) / c_m
        return [du, (p["a"] * (vt - e_l) - w) / p["tau_w"]]

    def crossing(t, y, i_stim, clamped):
        return y[0] - u_peak
    crossing.terminal, crossing.direction = True, 1
    y = [-math.exp(-(p["E_L"] - v_th) / d_t), 0.0]
    spikes, clamp_until = [], -1.0
    for t0, t1, i_stim in ((0.0, ON, 0.0), (ON, OFF, m["dc"]),
                           (OFF, STEPS * H, 0.0)):
        t = t0
        while t < t1:
            if t < clamp_until:
                end = min(clamp_until, t1)
                sol = solve_ivp(rhs, (t, end), y, method="DOP853", rtol=1e-13,
                                atol=[1e-18, 1e-12], args=(i_stim, True))
                t, y = end, list(sol.y[:, -1])
                continue
            sol = solve_ivp(rhs, (t, t1), y, method="DOP853", rtol=1e-13,
                            atol=[1e-18, 1e-12], events=crossing,
                            args=(i_stim, False))
            if sol.status == 1:
                t = float(sol.t_events[0][0])
                spikes.append(t)
                y = [-math.exp(-(p["V_reset"] - v_th) / d_t),
                     float(sol.y_events[0][0][1]) + p["b"]]
                if counts > 0:
                    clamp_until = (math.ceil(t / H - 1e-9) + counts) * H
            else:
                t, y = t1, list(sol.y[:, -1])
    return np.array(spikes)


def margin(ref):
    if len(ref) == 0:
        return float("nan")
    x = np.asarray(ref) / H
    return float(np.min(np.minimum(x - np.floor(x), np.ceil(x) - x)) * H)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def fmt(x):
    return ("%.10g" % x)


def block(f, m, protocol, inputs, ref, v):
    f.write("model %s\n" % m["name"])
    for k, val in m["nondefault"].items():
        vals = val if isinstance(val, list) else [val]
        f.write("param %s %s\n" % (k, " ".join(fmt(x) for x in vals)))
    f.write("protocol %s\n" % protocol)
    if protocol == "dc":
        f.write("dc %s %s %s\n" % (fmt(m["dc"]), fmt(ON), fmt(OFF)))
    else:
        f.write("inputs %d\n" % len(inputs))
        for k, w, rec in inputs:
            f.write("%.1f %s %d\n" % (k * H, fmt(w), rec))
    f.write("dt %s\nduration %s\n" % (fmt(H), fmt(STEPS * H)))
    f.write("margin %.6f\n" % margin(ref))
    f.write("spikes %d\n" % len(ref))
    for j in range(0, len(ref), 8):
        f.write(" ".join("%.6f" % t for t in ref[j:j + 8]) + "\n")
    f.write("v %d\n" % len(v))
    for j in range(0, len(v), 10):
        f.write(" ".join("%.6f" % x for x in v[j:j + 10]) + "\n")
    f.write("end\n")


def compare(a, b):
    """Max spike-time difference (inf if the counts differ) and V RMS."""
    (ra, va), (rb, vb) = a[:2], b[:2]
    dt = (float(np.max(np.abs(ra - rb))) if len(ra) == len(rb) and len(ra)
          else (0.0 if len(ra) == len(rb) else float("inf")))
    return dt, float(np.sqrt(np.mean((va - vb) ** 2)))


def describe(m):
    nest_names = dict(v="V_m", m="Act_m", h="Inact_h", n="Act_n")
    lines = ["# %s reference from Brian2 %s (tests/reference/nonlinear_brian2.py)"
             % (m["name"], brian2.__version__),
             "# NEST's equations, RK4 at a fine step (below); NEST's defaults,",
             "# which the 'param' lines override: "
             + ", ".join("%s %s" % (k, fmt(v)) for k, v in m["defaults"].items())]
    if "init" in m:
        lines.append("# initial state (NEST's default): "
                     + ", ".join("%s %.10g" % (nest_names[k], v)
                                 for k, v in m["init"].items()))
    return "\n".join(lines) + "\n"


def run_model(m, check=True):
    inputs = make_inputs(m["inputs"], m["seed"])
    t0 = time.time()
    res = simulate(m, inputs, DT_FINE)
    conv = None
    if check:
        res2 = simulate(m, inputs, DT_CHECK)
        conv = [compare(res[i], res2[i]) for i in range(2)]
    for i, proto in enumerate(("dc", "spikes")):
        ref, v, grid_t, near = res[i]
        stamps = np.ceil(np.asarray(ref) / H - 1e-9) * H
        agree = len(stamps) == len(grid_t) and np.allclose(stamps, grid_t)
        if margin(ref) < MIN_MARGIN[m["kind"]]:
            print("WARNING: %s %s: margin %.4f ms is below %g ms"
                  % (m["name"], proto, margin(ref), MIN_MARGIN[m["kind"]]),
                  file=sys.stderr)
        print("%-30s %-6s %3d spikes, margin %.4f ms, closest miss %.3g mV,"
              " stamps %s%s (%.0f s)"
              % (m["name"], proto, len(ref), margin(ref), near,
                 "agree" if agree else "DISAGREE",
                 "" if conv is None else
                 ", vs 2 us: dt %.2g ms, V RMS %.2g mV" % conv[i],
                 time.time() - t0), file=sys.stderr)
    return inputs, res, conv


def main(argv):
    prefs.codegen.target = "cython"
    names = [a for a in argv if not a.startswith("-")]
    write = "--dry" not in argv
    check = "--no-check" not in argv
    for m in all_models():
        if names and m["name"] not in names:
            continue
        inputs, res, conv = run_model(m, check)
        if "--scipy" in argv and m["kind"] == "aeif":
            other = scipy_aeif_dc(m)
            print("%-30s dc: scipy DOP853 %d spikes, max difference %.2g ms"
                  % (m["name"], len(other), np.max(np.abs(other - res[0][0]))
                     if len(other) == len(res[0][0]) else float("inf")),
                  file=sys.stderr)
        if not write:
            continue
        path = os.path.join(HERE, "%s.txt" % m["name"])
        with open(path, "w") as f:
            f.write(describe(m))
            f.write("# fine step %g ms, rk4; inputs seed %d" % (DT_FINE, m["seed"]))
            if conv:
                f.write("; vs a %g ms step: max spike-time difference "
                        "%.2g / %.2g ms, V RMS difference %.2g / %.2g mV "
                        "(dc / spikes)" % (DT_CHECK, conv[0][0], conv[1][0],
                                           conv[0][1], conv[1][1]))
            f.write("\n" + FORMAT)
            block(f, m, "dc", [], res[0][0], res[0][1])
            block(f, m, "spikes", inputs, res[1][0], res[1][1])


if __name__ == "__main__":
    main(sys.argv[1:])
