"""Shared plumbing for the Brian2 peer benchmarks (bench/brian2_*.py).

Run with Debian's interpreter, /usr/bin/python3 (python3-brian 2.5.1).

Timing model
------------
standalone (cpp_standalone):
  python_s   network construction in Python (connectivity drawn with numpy)
  codegen_s  device.build(compile=False... ) code generation, static arrays
  compile_s  `make` of the generated project (Brian2's own timer)
  build_s    python_s + codegen_s + compile_s (everything before the binary)
  init_s     binary wall time outside Network::run (loading static arrays,
             creating synapses, writing results)
  sim_s      Network::run only, as measured by the binary itself
             (Network::_last_run_time; omp_get_wtime() wall clock when OpenMP
             is on, i.e. --threads >= 1; std::clock() CPU time with --threads 0)
  peak_rss   ru_maxrss of the binary alone (os.wait4 on that child), so
             neither the Python process nor the compiler is counted
runtime (Cython):
  build_s    Python construction + a run(0 ms) that generates and compiles
             (or loads from cache) the Cython code objects
  sim_s      wall time of run(duration)
  peak_rss   ru_maxrss of the Python process (includes construction)
"""

import argparse
import json
import os
import resource
import sys
import time

import numpy as np

# Wrapper the standalone binary is started through: runs ./main as a child,
# waits for it with os.wait4 and writes its own rusage (max RSS in KiB on
# Linux) and wall time next to Brian2's results.
_RUN_WRAPPER = r"""
import os, subprocess, sys, time
t0 = time.time()
p = subprocess.Popen(['./main'] + sys.argv[1:])
_, status, ru = os.wait4(p.pid, 0)
wall = time.time() - t0
with open('results/bench_rusage.txt', 'w') as f:
    f.write('%d %.6f %.6f %.6f\n' % (ru.ru_maxrss, wall, ru.ru_utime, ru.ru_stime))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def parse_args(description, default_duration):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('--duration', type=float, default=default_duration,
                    help='biological time in ms (default %(default)s)')
    ap.add_argument('--seed', type=int, default=12345)
    ap.add_argument('--threads', type=int, default=1,
                    help='standalone: prefs.devices.cpp_standalone.openmp_threads; '
                         '0 builds without OpenMP (default %(default)s)')
    ap.add_argument('--mode', choices=['standalone', 'runtime'], default='standalone')
    ap.add_argument('--out', default=None, help='write the JSON result here')
    ap.add_argument('--build-dir', default=None,
                    help='standalone project directory '
                         '(default /tmp/lyra-bench/brian2-<model>-<threads>t)')
    ap.add_argument('--no-clean', action='store_true',
                    help='do not `make clean` first (compile time then '
                         'reflects an incremental build)')
    ap.add_argument('--transient', type=float, default=0.0,
                    help='ignore spikes before this time (ms) for rates and CV')
    return ap


def setup_device(args, model_name):
    """Select the device; must be called before any Brian2 object exists."""
    import brian2 as b2
    b2.prefs.logging.std_redirection = False
    if args.mode == 'standalone':
        build_dir = args.build_dir or os.path.join(
            '/tmp/lyra-bench', f'brian2-{model_name}-{args.threads}t')
        b2.set_device('cpp_standalone', build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = args.threads
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, '-c', _RUN_WRAPPER]
        return build_dir
    b2.prefs.codegen.target = 'cython'
    return None


def presynaptic_order(i, j):
    """Sort (i, j) by source, keeping the drawing order among equal sources."""
    order = np.argsort(i, kind='stable')
    return i[order], j[order]


def bernoulli_rows(rng, n_src, n_tgt, p, chunk=256):
    """All (i, j) with i in [0, n_src), j in [0, n_tgt), each with probability
    p, in presynaptic (row-major) order."""
    ii, jj = [], []
    for s in range(0, n_src, chunk):
        rows = min(chunk, n_src - s)
        r, c = np.nonzero(rng.random((rows, n_tgt)) < p)
        ii.append((r + s).astype(np.int32))
        jj.append(c.astype(np.int32))
    return np.concatenate(ii), np.concatenate(jj)


def run_network(args, net, duration, build_dir, t_construct_start, namespace):
    """Build and run; return a dict of timings and peak RSS.

    namespace: the model constants (the caller's locals()); Brian2 would
    otherwise resolve identifiers in this function's frame."""
    import brian2 as b2
    from brian2 import ms
    res = {}
    if args.mode == 'standalone':
        net.run(duration, namespace=namespace)  # only queues the run (build_on_run=False)
        t_python = time.time()
        res['python_s'] = t_python - t_construct_start
        dev = b2.get_device()
        dev.build(directory=build_dir, compile=True, run=False,
                  clean=not args.no_clean, with_output=False)
        t_built = time.time()
        compile_s = dev.timers['compile']['make'] or 0.0
        clean_s = dev.timers['compile']['clean'] or 0.0
        res['compile_s'] = compile_s
        res['codegen_s'] = (t_built - t_python) - compile_s - clean_s
        res['build_s'] = res['python_s'] + res['codegen_s'] + compile_s
        dev.run(directory=build_dir, with_output=False, run_args=[])
        res['sim_s'] = float(dev._last_run_time)
        with open(os.path.join(build_dir, 'results', 'bench_rusage.txt')) as f:
            maxrss_kib, wall, utime, stime = f.read().split()
        res['binary_s'] = float(wall)
        res['init_s'] = float(wall) - res['sim_s']
        res['peak_rss_bytes'] = int(maxrss_kib) * 1024
        res['binary_cpu_s'] = float(utime) + float(stime)
        res['completed_fraction'] = float(dev._last_run_completed_fraction)
    else:
        net.run(0 * ms, namespace=namespace)  # code generation / Cython compilation (cached)
        t_ready = time.time()
        res['build_s'] = t_ready - t_construct_start
        net.run(duration, namespace=namespace)
        res['sim_s'] = time.time() - t_ready
        res['peak_rss_bytes'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return res


def spike_stats(i, t_ms, n, t0_ms, t1_ms):
    """Rate (Hz), mean CV of ISI and silent count for neurons 0..n-1.

    CV is averaged over neurons with at least 3 spikes in [t0, t1)."""
    sel = (t_ms >= t0_ms) & (t_ms < t1_ms)
    i = i[sel]
    t_ms = t_ms[sel]
    counts = np.bincount(i, minlength=n)
    T = (t1_ms - t0_ms) / 1000.0
    rate = counts.sum() / n / T if T > 0 else float('nan')
    order = np.lexsort((t_ms, i))
    i_s, t_s = i[order], t_ms[order]
    isi = np.diff(t_s)
    same = i_s[1:] == i_s[:-1]
    isi, owner = isi[same], i_s[1:][same]
    k = np.bincount(owner, minlength=n).astype(float)
    s1 = np.bincount(owner, weights=isi, minlength=n)
    s2 = np.bincount(owner, weights=isi * isi, minlength=n)
    ok = k >= 2
    cv = float('nan')
    if ok.any():
        m = s1[ok] / k[ok]
        var = np.maximum(s2[ok] / k[ok] - m * m, 0.0)
        cv = float(np.mean(np.sqrt(var) / m))
    return {'spikes': int(counts.sum()), 'rate_hz': float(rate),
            'cv_isi': cv, 'silent': int((counts == 0).sum())}


def finish(args, model, res, pops, neurons, synapses, events):
    """pops: list of dicts with name, model, size, spikes, rate_hz, cv_isi, silent."""
    import brian2
    n_tot = sum(p['size'] for p in pops)
    out = {
        'simulator': 'brian2',
        'brian2_version': brian2.__version__,
        'model': model,
        'mode': args.mode,
        'threads': args.threads,
        'seed': args.seed,
        'dt_ms': 0.1,
        't_ms': args.duration,
        'neurons': neurons,
        'synapses': int(synapses),
        'events': int(events),
        'populations': pops,
        'rate_hz': float(sum(p['rate_hz'] * p['size'] for p in pops) / n_tot),
        'cv_isi': float(np.nanmean([p['cv_isi'] for p in pops])),
    }
    out.update(res)
    out['real_time_factor'] = out['sim_s'] / (args.duration / 1000.0)
    out['events_per_s'] = events / out['sim_s'] if out['sim_s'] > 0 else None
    out['events_per_bio_s'] = events / (args.duration / 1000.0)
    out['bytes_per_synapse'] = out['peak_rss_bytes'] / synapses if synapses else None
    text = json.dumps(out, indent=1)
    if args.out:
        d = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(d, exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text + '\n')
    print(text)
    return out
