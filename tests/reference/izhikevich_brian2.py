#!/usr/bin/env python3
"""Reference traces for lyra's izhikevich model, from Brian2.

Writes tests/reference/izhikevich.txt: for the four cortical cell types of
Izhikevich (2003), Fig. 2 (regular spiking RS, intrinsically bursting IB,
chattering CH, fast spiking FS), a single neuron driven by I = 10 from
t = 0 for 1000 ms at dt = 0.1 ms, integrated by Brian2 with forward Euler
(the scheme NEST's izhikevich uses with consistent_integration = true),
starting from v = -65, u = b v = -13 as in the paper (NEST starts
from u = 0; the test sets U_m). Each block lists the
spike times (shifted by +dt: Brian2 stamps a spike with the start of the
step that produced it, NEST and lyra with its end) and v every 1 ms.

Run with Debian's python3-brian: /usr/bin/python3 tests/reference/izhikevich_brian2.py
The output is checked in, so the tests do not need Brian2.
"""
import os
import sys

from brian2 import (NeuronGroup, SpikeMonitor, StateMonitor, defaultclock,
                    prefs, run, second, start_scope)

# Time is written in Brian2's seconds standing for milliseconds: dt is
# then 0.1 and dt/second is 0.1, exactly lyra's and NEST's step, rather
# than 1e-4 s / 1e-3 s, which is one rounding away from it. Fast spiking
# amplifies such a difference into spike-time drift within 1 s.
MS = second

CELLS = {  # a, b, c, d (Izhikevich 2003, Fig. 2)
    "RS": (0.02, 0.2, -65.0, 8.0),
    "IB": (0.02, 0.2, -55.0, 4.0),
    "CH": (0.02, 0.2, -50.0, 2.0),
    "FS": (0.1, 0.2, -65.0, 2.0),
}
I_DC, T_MS, DT_MS = 10.0, 1000.0, 0.1


def simulate(pa, pb, pc, pd):
    start_scope()
    defaultclock.dt = DT_MS * MS
    g = NeuronGroup(
        1,
        """dv/dt = (0.04*v**2 + 5*v + 140 - u + I) / MS : 1
           du/dt = a*(b*v - u) / MS : 1
           a : 1
           b : 1
           c : 1
           d : 1
           I : 1""",
        threshold="v >= 30", reset="v = c; u += d", method="euler")
    g.a, g.b, g.c, g.d, g.I = pa, pb, pc, pd, I_DC
    g.v, g.u = -65.0, pb * -65.0
    spikes = SpikeMonitor(g)
    trace = StateMonitor(g, "v", record=0, dt=1 * MS)
    run(T_MS * MS)
    times = [float(t / MS) + DT_MS for t in spikes.t]
    return times, [float(x) for x in trace.v[0]]


def main():
    prefs.codegen.target = "numpy"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "izhikevich.txt")
    with open(out, "w") as f:
        f.write("# izhikevich reference from Brian2 (tests/reference/izhikevich_brian2.py)\n"
                "# per cell: 'cell NAME a b c d', 'spikes N' + N times (ms),\n"
                "# 'v N' + N values of v at 1, 2, ... ms (after that step)\n")
        for name, (a, b, c, d) in CELLS.items():
            times, v = simulate(a, b, c, d)
            f.write("cell %s %g %g %g %g\n" % (name, a, b, c, d))
            f.write("spikes %d\n%s\n" % (len(times), " ".join("%.4f" % t for t in times)))
            # StateMonitor samples at 0, 1, ... ms: value i is v at i ms
            f.write("v %d\n%s\n" % (len(v) - 1, " ".join("%.10g" % x for x in v[1:])))
            print("%s: %d spikes" % (name, len(times)), file=sys.stderr)


if __name__ == "__main__":
    main()
