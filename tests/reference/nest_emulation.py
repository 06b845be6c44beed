#!/usr/bin/env python3
"""What a NEST-faithful implementation scores on the reference traces.

Not a reference: an emulation, in plain Python, of NEST's update loops
for the models of nonlinear_brian2.py (except iaf_cond_exp, which lyra
integrates its own way), run on the protocols of tests/reference/<model>.txt
and scored as tests/unit/test_reference.c scores lyra. It follows
/work/notes/issue5-models.md: GSL's rkf45 stepper, its standard step
control (aeif_*: absolute and relative tolerance gsl_error_tol = 1e-6 on
y and h dy/dt; iaf_cond_alpha and hh_*: absolute 1e-3 on y) and
gsl_odeiv_evolve_apply (step carried over between steps; shrink and
retry above 1.1x the tolerance, grow below 0.5x), with each model's spike,
reset and refractory rules and its inputs added at the end of the step;
iaf_psc_exp_multisynapse with its exact propagators.

It was used to choose the protocols (every spike of a NEST-faithful
integration must land in the step the reference predicts) and it gives
the V_m RMS errors to expect, from which the bounds of the models not yet
in lyra are set. It also estimates each protocol's timing error: the
largest shift between the two traces' crossings of a level on the
upstroke (-40 mV for aeif_*, 0 mV for hh_*, V_th - 1 mV for iaf_*),
interpolated linearly between samples in both.

Run: python3 tests/reference/nest_emulation.py tests/reference/<model>.txt ...
(numpy only; about a second per model).
"""
import math
import sys

import numpy as np

H = 0.1
E = math.e

DEFAULTS = {
    "aeif": dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_th=-50.4, Delta_T=2.0,
                 V_peak=0.0, V_reset=-60.0, t_ref=0.0, a=4.0, b=80.5,
                 tau_w=144.0, I_e=0.0, E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2,
                 tau_syn_in=2.0, gsl_error_tol=1e-6),
    "iaf_cond_alpha": dict(V_th=-55.0, V_reset=-60.0, t_ref=2.0, g_L=16.6667,
                           C_m=250.0, E_ex=0.0, E_in=-85.0, E_L=-70.0,
                           tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0),
    "hh_psc_alpha": dict(t_ref=2.0, g_Na=12000.0, g_K=3600.0, g_L=30.0,
                         C_m=100.0, E_Na=50.0, E_K=-77.0, E_L=-54.402,
                         tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0),
    "hh_cond_exp_traub": dict(g_Na=20000.0, g_K=6000.0, g_L=10.0, C_m=200.0,
                              E_Na=50.0, E_K=-90.0, E_L=-60.0, V_T=-63.0,
                              E_ex=0.0, E_in=-80.0, tau_syn_ex=5.0,
                              tau_syn_in=10.0, t_ref=2.0, I_e=0.0),
    "iaf_psc_exp_multisynapse": dict(E_L=-70.0, C_m=250.0, tau_m=10.0,
                                     t_ref=2.0, V_th=-55.0, V_reset=-70.0,
                                     I_e=0.0),
}


def read_blocks(path):
    lines = [ln.strip() for ln in open(path)
             if ln.strip() and not ln.startswith("#")]
    blocks, b, i = [], None, 0
    while i < len(lines):
        tok = lines[i].split()
        key, i = tok[0], i + 1
        if key == "model":
            b = dict(model=tok[1], params={}, init={}, inputs=[])
        elif key in ("param", "init"):
            vals = [float(x) for x in tok[2:]]
            b["params" if key == "param" else "init"][tok[1]] = (
                vals if len(vals) > 1 else vals[0])
        elif key == "protocol":
            b["protocol"] = tok[1]
        elif key == "dc":
            b["dc"] = [float(x) for x in tok[1:]]
        elif key == "inputs":
            n = int(tok[1])
            for ln in lines[i:i + n]:
                t, w, rec = ln.split()
                b["inputs"].append((float(t), float(w), int(rec)))
            i += n
        elif key in ("dt", "duration", "margin"):
            b[key] = float(tok[1])
        elif key in ("spikes", "v"):
            vals = []
            while len(vals) < int(tok[1]):
                vals += [float(x) for x in lines[i].split()]
                i += 1
            b[key] = np.array(vals)
        elif key == "end":
            blocks.append(b)
    return blocks


# ---------------------------------------------------------------------------
# GSL: rkf45 (5th-order solution propagated), std control, evolve_apply
# ---------------------------------------------------------------------------

AH = (1 / 4, 3 / 8, 12 / 13, 1.0, 1 / 2)
B2 = (1 / 4,)
B3 = (3 / 32, 9 / 32)
B4 = (1932 / 2197, -7200 / 2197, 7296 / 2197)
B5 = (8341 / 4104, -32832 / 4104, 29440 / 4104, -845 / 4104)
B6 = (-6080 / 20520, 41040 / 20520, -28352 / 20520, 9295 / 20520,
      -5643 / 20520)
C = (902880 / 7618050, 0.0, 3953664 / 7618050, 3855735 / 7618050,
     -1371249 / 7618050, 277020 / 7618050)
EC = (1 / 360, 0.0, -128 / 4275, -2197 / 75240, 1 / 50, 2 / 55)


def rkf45(f, t, h, y, k1):
    ks = [k1]
    for ah, bs in zip(AH, (B2, B3, B4, B5, B6)):
        yt = [y[i] + h * sum(b * k[i] for b, k in zip(bs, ks))
              for i in range(len(y))]
        ks.append(f(t + ah * h, yt))
    yn = [y[i] + h * sum(c * k[i] for c, k in zip(C, ks))
          for i in range(len(y))]
    yerr = [h * sum(e * k[i] for e, k in zip(EC, ks)) for i in range(len(y))]
    return yn, yerr


def hadjust(ctrl, y, yerr, yp, h_old):
    eps_abs, eps_rel, a_y, a_dydt = ctrl
    rmax = 2.2250738585072014e-308
    for i in range(len(y)):
        d0 = eps_rel * (a_y * abs(y[i]) + a_dydt * abs(h_old * yp[i])) + eps_abs
        rmax = max(rmax, abs(yerr[i]) / abs(d0))
    if rmax > 1.1:
        return -1, max(0.9 / rmax ** (1 / 5), 0.2) * h_old
    if rmax < 0.5:
        return 1, min(max(0.9 / rmax ** (1 / 6), 1.0), 5.0) * h_old
    return 0, h_old


def evolve_apply(f, t0, t1, h, y, ctrl):
    """One accepted step from t0 towards t1: (t, suggested step, y)."""
    k1 = f(t0, y)
    while True:
        final = h > t1 - t0
        h0 = t1 - t0 if final else h
        yn, yerr = rkf45(f, t0, h0, y, k1)
        tn = t1 if final else t0 + h0
        status, hn = hadjust(ctrl, yn, yerr, f(tn, yn), h0)
        if status == -1:
            if abs(hn) < abs(h0) and tn + hn != tn:
                h = hn
                continue
            hn = h0
        return tn, hn, yn


# ---------------------------------------------------------------------------
# Models: right-hand sides and NEST's per-step rules
# ---------------------------------------------------------------------------

def hh_rates(v, traub, v_t):
    if traub:
        u = v - v_t
        return (0.32 * (13 - u) / (math.exp((13 - u) / 4) - 1),
                0.28 * (u - 40) / (math.exp((u - 40) / 5) - 1),
                0.128 * math.exp((17 - u) / 18),
                4 / (1 + math.exp((40 - u) / 5)),
                0.032 * (15 - u) / (math.exp((15 - u) / 5) - 1),
                0.5 * math.exp((10 - u) / 40))
    return (0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)),
            4 * math.exp(-(v + 65) / 18),
            0.07 * math.exp(-(v + 65) / 20),
            1 / (1 + math.exp(-(v + 35) / 10)),
            0.01 * (v + 55) / (1 - math.exp(-(v + 55) / 10)),
            0.125 * math.exp(-(v + 65) / 80))


def run(b):
    """Spike times and V_m after every step of block b."""
    name = b["model"]
    p = dict(DEFAULTS["aeif" if name.startswith("aeif") else name])
    p.update(b["params"])
    n = int(round(b["duration"] / H))
    counts = int(round(p["t_ref"] / H))
    due = {}
    for t, w, rec in b["inputs"]:
        due.setdefault(int(round(t / H)) - 1, []).append((w, rec))
    amp, on, off = (b["dc"][0], int(round(b["dc"][1] / H)),
                    int(round(b["dc"][2] / H))) if "dc" in b else (0, 0, 0)
    st = dict(r=0, i=0.0)
    spikes, vs = [], np.zeros(n)

    if name.startswith("aeif"):
        multi = "E_rev" in p
        alpha = "alpha" in name
        taus = p["tau_syn"] if multi else [p["tau_syn_ex"], p["tau_syn_in"]]
        ns = len(taus)

        def f(t, y):
            refr = st["r"] > 0
            vt = p["V_reset"] if refr else min(y[0], p["V_peak"])
            out = [0.0, (p["a"] * (vt - p["E_L"]) - y[1]) / p["tau_w"]]
            if alpha:
                g = [y[3 + 2 * k] for k in range(ns)]
                for k in range(ns):
                    out += [-y[2 + 2 * k] / taus[k],
                            y[2 + 2 * k] - y[3 + 2 * k] / taus[k]]
            else:
                g = y[2:]
                out += [-g[k] / taus[k] for k in range(ns)]
            if multi:
                isyn = sum(g[k] * (p["E_rev"][k] - vt) for k in range(ns))
            elif name == "aeif_psc_exp":
                isyn = g[0] - g[1]
            else:
                isyn = -g[0] * (vt - p["E_ex"]) - g[1] * (vt - p["E_in"])
            if not refr:
                out[0] = (-p["g_L"] * (vt - p["E_L"]) + p["g_L"] * p["Delta_T"]
                          * math.exp((vt - p["V_th"]) / p["Delta_T"]) + isyn
                          - y[1] + p["I_e"] + st["i"]) / p["C_m"]
            return out

        y = [p["E_L"], 0.0] + [0.0] * (2 * ns if alpha else ns)
        tol = p["gsl_error_tol"]
        ctrl, hs = (tol, tol, 0.0, 1.0), min(0.01, H)
        v_peak = p["V_peak"] if p["Delta_T"] > 0 else p["V_th"]
        for s in range(n):
            st["i"] = amp if on <= s < off else 0.0
            t = 0.0
            while t < H:
                t, hs, y = evolve_apply(f, t, H, hs, y, ctrl)
                if st["r"] > 0:
                    y[0] = p["V_reset"]
                elif y[0] >= v_peak:
                    y[0] = p["V_reset"]
                    y[1] += p["b"]
                    st["r"] = counts + 1 if counts > 0 else 0
                    spikes.append((s + 1) * H)
            if st["r"] > 0:
                st["r"] -= 1
            for w, rec in due.get(s, []):
                k = rec - 1 if multi else (0 if w > 0 else 1)
                if alpha:
                    y[2 + 2 * k] += abs(w) * E / taus[k]
                else:
                    y[2 + k] += abs(w)
            vs[s] = y[0]

    elif name == "iaf_cond_alpha":
        def f(t, y):
            refr = st["r"] > 0
            vt = p["V_reset"] if refr else min(y[0], p["V_th"])
            dv = 0.0 if refr else (
                -p["g_L"] * (vt - p["E_L"]) - y[2] * (vt - p["E_ex"])
                - y[4] * (vt - p["E_in"]) + st["i"] + p["I_e"]) / p["C_m"]
            return [dv, -y[1] / p["tau_syn_ex"], y[1] - y[2] / p["tau_syn_ex"],
                    -y[3] / p["tau_syn_in"], y[3] - y[4] / p["tau_syn_in"]]

        y, hs, ctrl = [p["E_L"], 0.0, 0.0, 0.0, 0.0], H, (1e-3, 0.0, 1.0, 0.0)
        for s in range(n):
            st["i"] = amp if on <= s < off else 0.0
            t = 0.0
            while t < H:
                t, hs, y = evolve_apply(f, t, H, hs, y, ctrl)
            if st["r"] > 0:
                st["r"] -= 1
                y[0] = p["V_reset"]
            elif y[0] >= p["V_th"]:
                st["r"] = counts
                y[0] = p["V_reset"]
                spikes.append((s + 1) * H)
            for w, rec in due.get(s, []):
                if w > 0:
                    y[1] += w * E / p["tau_syn_ex"]
                else:
                    y[3] += -w * E / p["tau_syn_in"]
            vs[s] = y[0]

    elif name.startswith("hh_"):
        traub = name == "hh_cond_exp_traub"
        v_t = p.get("V_T", 0.0)

        def f(t, y):
            v, m, h_, n_ = y[:4]
            am, bm, ah, bh, an, bn = hh_rates(v, traub, v_t)
            i_ion = (p["g_Na"] * m ** 3 * h_ * (v - p["E_Na"])
                     + p["g_K"] * n_ ** 4 * (v - p["E_K"])
                     + p["g_L"] * (v - p["E_L"]))
            if traub:
                dv = (-i_ion - y[4] * (v - p["E_ex"]) - y[5] * (v - p["E_in"])
                      + st["i"] + p["I_e"]) / p["C_m"]
                syn = [-y[4] / p["tau_syn_ex"], -y[5] / p["tau_syn_in"]]
            else:
                dv = (-i_ion + st["i"] + p["I_e"] + y[5] + y[7]) / p["C_m"]
                syn = [-y[4] / p["tau_syn_ex"], y[4] - y[5] / p["tau_syn_ex"],
                       -y[6] / p["tau_syn_in"], y[6] - y[7] / p["tau_syn_in"]]
            return [dv, am * (1 - m) - bm * m, ah * (1 - h_) - bh * h_,
                    an * (1 - n_) - bn * n_] + syn

        # NEST's initial states: hh_psc_alpha at -65 mV in steady state;
        # hh_cond_exp_traub at E_L with the rates taken at u = E_L.
        v0 = p["E_L"] if traub else -65.0
        am, bm, ah, bh, an, bn = hh_rates(v0 + v_t if traub else v0, traub,
                                          v_t)
        y = [v0, am / (am + bm), ah / (ah + bh), an / (an + bn)]
        y += [0.0] * (2 if traub else 4)
        theta = v_t + 30 if traub else 0.0
        hs, ctrl = H, (1e-3, 0.0, 1.0, 0.0)
        for s in range(n):
            st["i"] = amp if on <= s < off else 0.0
            u_old, t = y[0], 0.0
            while t < H:
                t, hs, y = evolve_apply(f, t, H, hs, y, ctrl)
            for w, rec in due.get(s, []):
                if traub:
                    y[4 if w > 0 else 5] += abs(w)
                elif w > 0:
                    y[4] += w * E / p["tau_syn_ex"]
                else:
                    y[6] += w * E / p["tau_syn_in"]
            if st["r"] > 0:
                st["r"] -= 1
            elif y[0] >= theta and u_old > y[0]:
                st["r"] = counts
                spikes.append((s + 1) * H)
            vs[s] = y[0]

    elif name == "iaf_psc_exp_multisynapse":
        taus, tm, cm = p["tau_syn"], p["tau_m"], p["C_m"]
        p22 = math.exp(-H / tm)
        p20 = tm / cm * (1 - p22)
        p11 = [math.exp(-H / ts) for ts in taus]
        p21 = [ts * tm / (tm - ts) / cm * (p22 - p11[k])
               for k, ts in enumerate(taus)]
        v, cur = 0.0, [0.0] * len(taus)
        for s in range(n):
            st["i"] = amp if on <= s < off else 0.0
            if st["r"] == 0:
                v = (p22 * v + (p["I_e"] + st["i"]) * p20
                     + sum(p21[k] * cur[k] for k in range(len(taus))))
            else:
                st["r"] -= 1
            cur = [p11[k] * cur[k] for k in range(len(taus))]
            for w, rec in due.get(s, []):
                cur[rec - 1] += w
            if v >= p["V_th"] - p["E_L"]:
                st["r"] = counts
                v = p["V_reset"] - p["E_L"]
                spikes.append((s + 1) * H)
            vs[s] = v + p["E_L"]
    else:
        raise SystemExit("%s: not emulated" % name)
    return np.array(spikes), vs


def crossings(v, level):
    i = np.nonzero((v[:-1] < level) & (v[1:] >= level))[0]
    return (i + 1 + (level - v[i]) / (v[i + 1] - v[i])) * H


def main(paths):
    for path in paths:
        for b in read_blocks(path):
            spikes, v = run(b)
            ref = b["spikes"]
            same = len(spikes) == len(ref)
            d = spikes - ref if same else np.array([np.nan])
            inside = same and bool(np.all((d >= -1e-6) & (d <= H + 1e-6)))
            level = {"aeif": -40.0, "hh_p": 0.0, "hh_c": 0.0}.get(
                b["model"][:4], b["params"].get("V_th", -55.0) - 1.0)
            cr, ce = crossings(b["v"], level), crossings(v, level)
            shift = (float(np.max(np.abs(ce - cr))) if len(cr) == len(ce)
                     and len(cr) else float("nan"))
            print("%-28s %-6s %3d spikes (reference %3d), lyra - reference in "
                  "[%.4f, %.4f] ms: %s; margin %.4f ms, timing error ~%.2g "
                  "ms; V RMS %.3g mV"
                  % (b["model"], b["protocol"], len(spikes), len(ref),
                     np.min(d), np.max(d), "inside" if inside else "OUTSIDE",
                     b["margin"], shift,
                     math.sqrt(np.mean((v - b["v"]) ** 2))))


if __name__ == "__main__":
    main(sys.argv[1:])
