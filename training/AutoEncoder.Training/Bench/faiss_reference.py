"""faiss reference for `autoencoder bench-index`: exact (IndexFlatL2) and HNSW search on the same codes.

Reads COUNT codes then QUERIES queries of DIMS float32 values from FILE (written by the C# side), and
prints one JSON object. faiss runs on all cores (OpenMP), as the C# side does.

usage: python3 faiss_reference.py FILE COUNT QUERIES DIMS K
"""
import json
import sys
import time

import faiss
import numpy as np


def main():
    path, count, queries, dims, k = sys.argv[1], *map(int, sys.argv[2:6])
    values = np.fromfile(path, dtype="<f4")
    expected = (count + queries) * dims
    if values.size != expected:
        sys.exit(f"{path}: expected {expected} floats, found {values.size}")
    codes = values[: count * dims].reshape(count, dims)
    probes = values[count * dims :].reshape(queries, dims)

    def timed(search):
        start = time.perf_counter()
        batched = search(probes)
        batched_seconds = time.perf_counter() - start
        start = time.perf_counter()
        for q in range(queries):
            search(probes[q : q + 1])
        return batched, queries / batched_seconds, (time.perf_counter() - start) / queries

    start = time.perf_counter()
    flat = faiss.IndexFlatL2(dims)
    flat.add(codes)
    flat_build = time.perf_counter() - start
    truth, flat_qps, flat_single = timed(lambda x: flat.search(x, k)[1])

    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dims, 32)
    hnsw.hnsw.efConstruction = 100
    hnsw.add(codes)
    hnsw_build = time.perf_counter() - start
    hnsw.hnsw.efSearch = 64
    found, hnsw_qps, hnsw_single = timed(lambda x: hnsw.search(x, k)[1])
    recall = np.mean([len(set(found[q]) & set(truth[q])) / k for q in range(queries)])

    print(json.dumps({
        "faiss": faiss.__version__,
        "threads": faiss.omp_get_max_threads(),
        "flat": {"build": flat_build, "batched": flat_qps, "single": flat_single, "recall": 1.0},
        "hnsw": {"build": hnsw_build, "batched": hnsw_qps, "single": hnsw_single, "recall": float(recall)},
    }))


main()
