#!/usr/bin/env python3
"""Writes a SONATA spike file with h5py, the way other simulators' tools
(BMTK, libsonata's test data) write them, for lyra's reader test
(tests/unit/test_sonata.c, which knows the values below).

Usage: make_sonata_h5py.py OUT.h5

Populations:
  cortex    node_ids uint64, timestamps float64 in ms, sorting by_id:
            node k (0..4) fires at 10 j + k / 4 ms for j = 1 .. k + 1
  silent    no spikes (empty datasets)
  thalamus  node_ids int64, timestamps float32 in seconds (units "s"),
            sorting by_time
"""
import sys

import h5py
import numpy as np

SORTING = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2},
                          basetype=np.uint8)
BY_ID, BY_TIME = 1, 2


def population(spikes, name, node_ids, timestamps, units, sorting):
    group = spikes.create_group(name)
    group.attrs.create("sorting", sorting, dtype=SORTING)
    group.create_dataset("node_ids", data=node_ids)
    times = group.create_dataset("timestamps", data=timestamps)
    times.attrs["units"] = units


def main(path):
    cortex = [(k, 10.0 * j + k / 4) for k in range(5) for j in range(1, k + 2)]
    with h5py.File(path, "w") as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.attrs["version"] = np.array([0, 1], dtype=np.uint32)
        spikes = f.create_group("spikes")
        population(spikes, "cortex",
                   np.array([k for k, _ in cortex], dtype=np.uint64),
                   np.array([t for _, t in cortex], dtype=np.float64),
                   "ms", BY_ID)
        population(spikes, "silent", np.zeros(0, dtype=np.uint64),
                   np.zeros(0, dtype=np.float64), "ms", BY_TIME)
        population(spikes, "thalamus",
                   np.array([3, 1, 0, 3], dtype=np.int64),
                   np.array([0.5, 0.5, 1.25, 2.0], dtype=np.float32),
                   "s", BY_TIME)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
