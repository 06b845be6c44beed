#!/usr/bin/python3
"""Print the lyra vs Brian2 comparison table from the JSON files run.sh wrote.

Usage: report.py OUT_DIR MODEL [MODEL ...]

Reads, per model:
  OUT_DIR/lyra-MODEL/run.json      lyra's own report
  OUT_DIR/lyra-MODEL.time          /usr/bin/time -v of the lyra process (optional)
  OUT_DIR/lyra-MODEL.status        exit status of lyra ("missing", "build-failed", or a number)
  OUT_DIR/lyra-MODEL.VARIANT{/run.json,.time,.status}
                                   the same for each variant run.sh made (adex: rkf45)
  OUT_DIR/brian2-MODEL.json        brian2_MODEL.py --out
Writes OUT_DIR/summary.json and prints the table.
"""

import json
import os
import re
import sys


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def time_v(path):
    """Max RSS (bytes), wall seconds and CPU seconds (user + system) from
    `/usr/bin/time -v` output."""
    try:
        text = open(path).read()
    except OSError:
        return None, None, None
    rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', text)
    wall = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)', text)
    secs = None
    if wall:
        secs = 0.0
        for part in wall.group(1).split(':'):
            secs = secs * 60 + float(part)
    user = re.search(r'User time \(seconds\): ([\d.]+)', text)
    syst = re.search(r'System time \(seconds\): ([\d.]+)', text)
    cpu = float(user.group(1)) + float(syst.group(1)) if user and syst else None
    return (int(rss.group(1)) * 1024 if rss else None), secs, cpu


def mean_rate(d):
    pops = d.get('populations') or []
    n = sum(p.get('size', 0) for p in pops)
    if n:
        return sum(p.get('rate_hz', 0.0) * p.get('size', 0) for p in pops) / n
    return d.get('rate_hz')


def row_from(d, sim_name, rss_ext=None, wall_ext=None, cpu_ext=None):
    t_bio = d.get('t_ms', 0) / 1000.0
    sim_s = d.get('sim_s')
    events = d.get('events')
    syn = d.get('synapses')
    rss = rss_ext if rss_ext else d.get('peak_rss_bytes')
    r = {
        'simulator': sim_name,
        't_ms': d.get('t_ms'),
        'build_s': d.get('build_s'),
        'compile_s': d.get('compile_s'),
        'sim_s': sim_s,
        'rtf': sim_s / t_bio if sim_s is not None and t_bio else None,
        'events': events,
        'events_per_s': events / sim_s if events and sim_s else None,
        'events_per_bio_s': events / t_bio if events and t_bio else None,
        'peak_rss_bytes': rss,
        'peak_rss_internal_bytes': d.get('peak_rss_bytes'),
        'wall_s': wall_ext if wall_ext is not None else d.get('binary_s'),
        # CPU seconds of the whole process (lyra: GNU time, build included;
        # Brian2: the binary, its start-up included)
        'cpu_s': cpu_ext if cpu_ext is not None else d.get('binary_cpu_s'),
        'synapses': syn,
        'bytes_per_synapse': rss / syn if rss and syn else None,
        'bytes_synapses_per_synapse': (d['bytes_synapses'] / syn
                                       if d.get('bytes_synapses') and syn else None),
        # lyra: run.json; brian2_brunel_stdp.py: the E->E synapse count only.
        'plastic_synapses': d.get('plastic_synapses'),
        'bytes_per_plastic_synapse': d.get('bytes_per_plastic_synapse'),
        'rate_hz': mean_rate(d),
        'cv_isi': (sum(p['cv_isi'] for p in d['populations'] if p.get('cv_isi') is not None)
                   / max(1, sum(1 for p in d['populations'] if p.get('cv_isi') is not None))
                   if d.get('populations') else d.get('cv_isi')),
        'populations': d.get('populations'),
    }
    return r


# What the main lyra run of a model is, where variants make that worth
# saying (its row is then "lyra <tag>", a variant's "lyra <variant>").
MAIN_TAG = {'adex': 'rk4'}


def variants(out_dir, model):
    """Names of the lyra variants of model run.sh tried (lyra-MODEL.NAME.status)."""
    pre, suf = 'lyra-%s.' % model, '.status'
    try:
        names = os.listdir(out_dir)
    except OSError:
        return []
    return sorted(n[len(pre):-len(suf)] for n in names
                  if n.startswith(pre) and n.endswith(suf) and len(n) > len(pre) + len(suf))


def lyra_result(out_dir, name, label, notes, m):
    """The row of the lyra run OUT_DIR/lyra-NAME, or None (with a note)."""
    status = None
    try:
        status = open(os.path.join(out_dir, 'lyra-%s.status' % name)).read().strip()
    except OSError:
        pass
    lyra = load_json(os.path.join(out_dir, 'lyra-%s' % name, 'run.json'))
    if lyra is None or status != '0':
        logf = 'lyra-build.log' if status == 'build-failed' else 'lyra-%s.log' % name
        notes.append('%s: %s did not produce results (status: %s; see %s/%s)'
                     % (m, label, status or 'not run', out_dir, logf))
        return None, status
    rss, wall, cpu = time_v(os.path.join(out_dir, 'lyra-%s.time' % name))
    return row_from(lyra, label, rss, wall, cpu), status


def fmt(v, f):
    if v is None:
        return '-'
    try:
        return format(v, f)
    except (TypeError, ValueError):
        return str(v)


def main():
    out_dir = sys.argv[1]
    models = sys.argv[2:]
    summary = {}
    lines = []
    hdr = ('%-11s %-19s %8s %9s %8s %10s %10s %9s %7s %7s %6s %9s'
           % ('model', 'simulator', 'build s', 'sim s', 'RTF', 'events/s',
              'ev/bio s', 'RSS MB', 'B/syn', 'rate Hz', 'CV', 'lyra/B2'))
    lines.append(hdr)
    lines.append('-' * len(hdr))
    notes = []
    for m in models:
        rows = []
        label = 'lyra' + (' ' + MAIN_TAG[m] if m in MAIN_TAG else '')
        lyra_row, status = lyra_result(out_dir, m, label, notes, m)
        if lyra_row is not None:
            rows.append(lyra_row)
            if lyra_row['bytes_synapses_per_synapse'] is not None:
                notes.append('%s: lyra reports %.1f bytes/synapse for synapse storage '
                             '(bytes_synapses), %.1f all in (peak RSS)'
                             % (m, lyra_row['bytes_synapses_per_synapse'],
                                lyra_row['bytes_per_synapse'] or float('nan')))
            if lyra_row['plastic_synapses'] and lyra_row['bytes_per_plastic_synapse']:
                notes.append('%s: lyra reports %.1f bytes/plastic synapse for its %d plastic '
                             'synapses (weights, channels, delay groups; run.json '
                             'bytes_per_plastic_synapse)'
                             % (m, lyra_row['bytes_per_plastic_synapse'],
                                lyra_row['plastic_synapses']))
        variant_rows = {}
        for v in variants(out_dir, m):
            vrow, _ = lyra_result(out_dir, '%s.%s' % (m, v), 'lyra ' + v, notes, m)
            if vrow is not None:
                rows.append(vrow)
                variant_rows[v] = vrow
        b2 = load_json(os.path.join(out_dir, 'brian2-%s.json' % m))
        b2_row = None
        if b2 is not None:
            b2_row = row_from(b2, 'brian2 cpp %dt%s' % (
                b2.get('threads', 1), ' ' + b2['method'] if m in MAIN_TAG and b2.get('method') else ''))
            rows.append(b2_row)
            notes.append('%s: brian2 build %.1f s = python %.1f + codegen %.1f + compile %.1f; '
                         'binary init (array loading, synapse creation) %.2f s'
                         % (m, b2.get('build_s', 0), b2.get('python_s', 0),
                            b2.get('codegen_s', 0), b2.get('compile_s', 0),
                            b2.get('init_s', 0)))
            if b2.get('w_mean_mV') is not None:
                notes.append('%s: brian2 plastic weights after %s ms: mean %.4f mV, '
                             'range [%.4f, %.4f] mV over %d synapses'
                             % (m, b2.get('t_ms'), b2['w_mean_mV'], b2.get('w_min_mV', 0),
                                b2.get('w_max_mV', 0), b2.get('plastic_synapses', 0)))
        else:
            notes.append('%s: brian2 did not produce results (see %s/brian2-%s.log)'
                         % (m, out_dir, m))
        # Ratio of real-time factors: the sim-time ratio when both ran the
        # same biological time, and still meaningful when they did not.
        def ratio_of(r):
            if r and b2_row and r['rtf'] and b2_row['rtf']:
                if r['t_ms'] != b2_row['t_ms']:
                    notes.append('%s: %s ran %s ms, brian2 %s ms: lyra/B2 compares '
                                 'real-time factors' % (m, r['simulator'], r['t_ms'],
                                                        b2_row['t_ms']))
                return r['rtf'] / b2_row['rtf']
            return None
        ratio = ratio_of(lyra_row)
        for r in rows:
            if r is not b2_row:
                r['ratio_vs_brian2'] = ratio if r is lyra_row else ratio_of(r)
        # On a shared machine wall time is what the process got of it: say
        # how much CPU each had, so that a loaded run can be told apart.
        cpu = ['%s %.1f s CPU / %.1f s wall' % (r['simulator'], r['cpu_s'], r['wall_s'])
               for r in rows if r.get('cpu_s') and r.get('wall_s')]
        if cpu:
            notes.append('%s: whole process: %s' % (m, '; '.join(cpu)))
        if m in MAIN_TAG:
            for r in rows:
                if r['populations']:
                    notes.append('%s: %s per population: %s' % (m, r['simulator'], ', '.join(
                        '%s %.2f Hz CV %s' % (p['name'], p.get('rate_hz', float('nan')),
                                              fmt(p.get('cv_isi'), '.3f'))
                        for p in r['populations'])))
        for r in rows:
            lines.append('%-11s %-19s %8s %9s %8s %10s %10s %9s %7s %7s %6s %9s' % (
                m, r['simulator'], fmt(r['build_s'], '.2f'), fmt(r['sim_s'], '.2f'),
                fmt(r['rtf'], '.3f'), fmt(r['events_per_s'], '.3g'),
                fmt(r['events_per_bio_s'], '.3g'),
                fmt(r['peak_rss_bytes'] / 1e6 if r['peak_rss_bytes'] else None, '.1f'),
                fmt(r['bytes_per_synapse'], '.1f'), fmt(r['rate_hz'], '.2f'),
                fmt(r['cv_isi'], '.3f'),
                fmt(r.get('ratio_vs_brian2'), '.3f') if r is not b2_row else ''))
        summary[m] = {'lyra': lyra_row, 'lyra_status': status, 'brian2': b2_row,
                      'sim_ratio_lyra_over_brian2': ratio}
        if variant_rows:
            summary[m]['lyra_variants'] = variant_rows
    lines.append('')
    lines.append('RTF = simulation wall time / biological time; events = recurrent '
                 'synaptic events delivered; RSS = peak resident set of the simulating '
                 'process (Brian2: the compiled binary only); B/syn = peak RSS / synapses; '
                 'lyra/B2 = lyra sim s / Brian2 sim s (same biological time; < 1: lyra faster).')
    lines.extend(notes)
    text = '\n'.join(lines)
    print(text)
    with open(os.path.join(out_dir, 'summary.txt'), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(out_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
