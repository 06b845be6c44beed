#!/usr/bin/env python3
"""Reference figures for examples/izhikevich2003.yaml: the network of
Izhikevich (2003), Fig. 3, run by a transcription of the paper's own
MATLAB listing (net.m) in numpy.

  Ne = 800, Ni = 200; re, ri ~ U(0, 1) per neuron
  excitatory: a = 0.02, b = 0.2, c = -65 + 15 re^2, d = 8 - 6 re^2
  inhibitory: a = 0.02 + 0.08 ri, b = 0.25 - 0.05 ri, c = -65, d = 2
  S = [0.5 U(0,1) (N x Ne), -U(0,1) (N x Ni)], self-connections included
  v = -65, u = b v
  every ms t: I = [5 N(0,1); 2 N(0,1)]; fired = v >= 30; v(fired) = c,
  u(fired) += d; I += sum(S(:, fired), 2); v += 0.5 (0.04 v^2 + 5 v + 140
  - u + I) twice; u += a (b v - u)

Besides the paper's network ("exact": a, b, c, d per neuron) it runs the
one lyra can express ("binned": r binned into 8 excitatory and 4
inhibitory sub-populations, each with the mean parameters of its bin, as
examples/izhikevich2003.yaml does), to show what the binning changes.

The statistics are those of lyra_analyze on the same window (1 s, T],
with spikes stamped as lyra stamps them (the end of the step that
produced them, one ms before net.m records them): mean rates, and the
Welch spectrum of the excitatory population rate (1 ms bins, mean
removed, Hann segments of 1000 ms overlapping by half): the peak above
0 Hz, the peak bin's share of the power above 0 Hz, and the shares of
the alpha (8-13 Hz) and gamma (30-80 Hz) bands.

Run with Debian's python3-numpy:
  /usr/bin/python3 tests/reference/izhikevich2003_net.py > \
      tests/reference/izhikevich2003.txt
The output is checked in; the test does not need numpy.
"""
import numpy as np

NE, NI = 800, 200
N = NE + NI
T_MS = 21000
T0_MS = 1000
KE, KI = 8, 4


def params(rng, binned):
    re, ri = rng.random(NE), rng.random(NI)
    re2 = re**2
    if binned:
        k = np.arange(NE) * KE // NE
        r0, r1 = k / KE, (k + 1) / KE
        re2 = (r1**3 - r0**3) / (3 * (r1 - r0))
        ri = (np.arange(NI) * KI // NI + 0.5) / KI
    a = np.concatenate([0.02 * np.ones(NE), 0.02 + 0.08 * ri])
    b = np.concatenate([0.2 * np.ones(NE), 0.25 - 0.05 * ri])
    c = np.concatenate([-65 + 15 * re2, -65 * np.ones(NI)])
    d = np.concatenate([8 - 6 * re2, 2 * np.ones(NI)])
    return a, b, c, d


def run(seed, binned):
    rng = np.random.default_rng(seed)
    a, b, c, d = params(rng, binned)
    S = np.hstack([0.5 * rng.random((N, NE)), -rng.random((N, NI))])
    v = -65.0 * np.ones(N)
    u = b * v
    times, ids = [], []
    for t in range(1, T_MS + 1):
        I = np.concatenate([5 * rng.standard_normal(NE),
                            2 * rng.standard_normal(NI)])
        fired = np.nonzero(v >= 30)[0]
        times.append(np.full(fired.size, t - 1))  # lyra's stamp
        ids.append(fired)
        v[fired] = c[fired]
        u[fired] += d[fired]
        I += S[:, fired].sum(axis=1)
        v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
        v += 0.5 * (0.04 * v**2 + 5 * v + 140 - u + I)
        u += a * (b * v - u)
    return np.concatenate(times), np.concatenate(ids)


def spectrum(times, size):
    """lyra_rate_spectrum: rate bins (t0 + k, t0 + k + 1] ms in Hz."""
    nb = T_MS - T0_MS
    sel = times > T0_MS
    k = np.ceil(times[sel] - T0_MS).astype(int) - 1
    rate = np.bincount(k, minlength=nb)[:nb] * 1e3 / size
    seg = 1000
    hann = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(seg) / seg)
    norm = np.sum(hann**2)
    x = rate - rate.mean()
    acc = np.zeros(seg // 2 + 1)
    n = 0
    for s in range(0, nb - seg + 1, seg // 2):
        acc += np.abs(np.fft.rfft(x[s:s + seg] * hann))**2
        n += 1
    acc[1:-1] *= 2
    acc *= 1e-3 / (norm * n)
    return np.arange(seg // 2 + 1) * 1.0, acc


def main():
    print("# Izhikevich (2003) network, net.m in numpy "
          "(tests/reference/izhikevich2003_net.py)")
    print(f"# {T_MS} ms, statistics over ({T0_MS}, {T_MS}] ms; spectrum of "
          "the excitatory population rate")
    print("# variant seed rate_E_Hz rate_I_Hz peak_Hz peak_share "
          "alpha_8_13 gamma_30_80")
    for variant in ("exact", "binned"):
        for seed in (1, 2, 3, 4, 5):
            times, ids = run(seed, variant == "binned")
            dur = (T_MS - T0_MS) * 1e-3
            sel = times > T0_MS
            rate_e = np.sum(sel & (ids < NE)) / (NE * dur)
            rate_i = np.sum(sel & (ids >= NE)) / (NI * dur)
            f, p = spectrum(times[ids < NE], NE)
            total = p[1:].sum()
            k = 1 + np.argmax(p[1:])
            alpha = p[(f >= 8) & (f <= 13)].sum() / total
            gamma = p[(f >= 30) & (f <= 80)].sum() / total
            print(f"{variant} {seed} {rate_e:.3f} {rate_i:.3f} {f[k]:.0f} "
                  f"{p[k] / total:.4f} {alpha:.4f} {gamma:.4f}", flush=True)


if __name__ == "__main__":
    main()
