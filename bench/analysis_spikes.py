#!/usr/bin/env python3
"""Spike-analysis benchmark helpers (bench/analyze.sh).

  analysis_spikes.py make FILE [NEURONS] [RATE_HZ] [T_MS] [SEED]
      writes a native lyra spike file (docs/file-formats.md) with
      independent Poisson trains on the 0.1 ms grid: 10,000 neurons at
      10 Hz for 100 s is 1e7 spikes.
  analysis_spikes.py text FILE OUT
      writes the same spikes as a NEST 3 ASCII recorder file.
  analysis_spikes.py numpy FILE T_MS
      the peer: rates, CV of ISI (neurons with >= 3 spikes, sd with
      divisor n) and Fano factor (50 ms bins, neurons that fired) with
      vectorised numpy, timed from reading the file to the numbers.
"""
import struct
import sys
import time

import numpy as np


def make(path, neurons=10000, rate=10.0, t_ms=100000.0, seed=1):
    rng = np.random.default_rng(seed)
    dt = 0.1
    steps = int(round(t_ms / dt))
    counts = rng.poisson(rate * t_ms * 1e-3, size=neurons)
    ids = np.repeat(np.arange(1, neurons + 1, dtype=np.uint32), counts)
    st = rng.integers(1, steps + 1, size=ids.size, dtype=np.uint32)
    order = np.lexsort((ids, st))  # by step, then id
    rec = np.empty((ids.size, 2), dtype="<u4")
    rec[:, 0] = ids[order]
    rec[:, 1] = st[order]
    header = (
        "format: lyra-spikes 1\nlyra_version: bench\npopulation: P\n"
        "model: poisson\nfirst_id: 1\nsize: %d\ndt_ms: 0.1\nseed: %d\n"
        "record: uint32 id, uint32 step\ntime: step * dt_ms\n" % (neurons, seed)
    ).encode()
    with open(path, "wb") as f:
        f.write(b"LYRASPK1")
        f.write(struct.pack("<QI", ids.size, len(header)))
        f.write(header)
        f.write(rec.tobytes())
    print("wrote %d spikes of %d neurons to %s" % (ids.size, neurons, path))


def text(path, out):
    with open(path, "rb") as f:
        data = f.read()
    n, hlen = struct.unpack_from("<QI", data, 8)
    rec = np.frombuffer(data, dtype="<u4", count=2 * n, offset=20 + hlen).reshape(n, 2)
    with open(out, "w") as f:
        f.write("# NEST version: 3.6\n# RecordingBackendASCII version: 2\n"
                "sender\ttime_ms\n")
        np.savetxt(f, np.column_stack([rec[:, 0], rec[:, 1] * 0.1]),
                   fmt=["%d", "%.1f"], delimiter="\t")


def peer(path, t_ms):
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        data = f.read()
    n, hlen = struct.unpack_from("<QI", data, 8)
    head = data[20:20 + hlen].decode()
    meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    size, first, dt = int(meta["size"]), int(meta["first_id"]), float(meta["dt_ms"])
    rec = np.frombuffer(data, dtype="<u4", count=2 * n, offset=20 + hlen).reshape(n, 2)
    ids = rec[:, 0].astype(np.int64) - first
    t = rec[:, 1] * dt
    count = np.bincount(ids, minlength=size)
    rates = count / (t_ms * 1e-3)
    order = np.lexsort((t, ids))
    si, st = ids[order], t[order]
    same = si[1:] == si[:-1]
    isi = np.diff(st)[same]
    owner = si[1:][same]
    k = np.bincount(owner, minlength=size).astype(float)
    mean = np.bincount(owner, isi, minlength=size) / np.maximum(k, 1)
    sq = np.bincount(owner, isi * isi, minlength=size) / np.maximum(k, 1)
    cv = np.sqrt(np.maximum(sq - mean * mean, 0)) / np.where(mean > 0, mean, np.nan)
    cv = cv[count >= 3]
    nb = int(np.floor(t_ms / 50.0 + 1e-9))
    b = np.ceil(t / 50.0 - 1e-9).astype(np.int64) - 1
    b = np.maximum(b, 0)
    keep = b < nb
    c = np.bincount(ids[keep] * nb + b[keep], minlength=size * nb).reshape(size, nb)
    m = c.mean(axis=1)
    fano = c.var(axis=1)[m > 0] / m[m > 0]
    elapsed = time.perf_counter() - t0
    print("numpy: %d spikes: rate %.4f Hz, CV %.4f, Fano %.4f in %.2f s"
          % (n, rates.mean(), cv.mean(), fano.mean(), elapsed))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "make":
        a = sys.argv[2:]
        make(a[0], *(int(a[1]),) if len(a) > 1 else (),
             **({"rate": float(a[2])} if len(a) > 2 else {}),
             **({"t_ms": float(a[3])} if len(a) > 3 else {}),
             **({"seed": int(a[4])} if len(a) > 4 else {}))
    elif len(sys.argv) == 4 and sys.argv[1] == "text":
        text(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "numpy":
        peer(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(__doc__)
