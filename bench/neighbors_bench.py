#!/usr/bin/python3
"""Exact nearest-neighbour search, single thread, side by side in one run: embscope
(bench/neighbors_bench.cc over analysis/neighbor_index.h) against
  (a) the tutorial PyTorch way: torch.nn.functional.cosine_similarity over the table + argsort,
  (b) numpy as gensim does it: dot with pre-normalised rows + argpartition,
  (c) FAISS IndexFlatIP on pre-normalised rows (Debian python3-faiss),
on synthetic tables of GPT-2's shape (50257 x 768, f32) and Gemma 3's (262144 x 2560, bf16;
numpy and FAISS get an f32 copy, having no bf16). One query top-10 (median of --single) and a
batch of --batch queries; every answer is checked against a float64 computation. The memory
bound printed beside each figure is the table's bytes over the read bandwidth measured in the
same run. Peers get OPENBLAS_CORETYPE=SkylakeX (Debian's OpenBLAS misdetects this CPU
otherwise; see README) and one thread each.

Usage: /usr/bin/python3 bench/neighbors_bench.py [--shapes gpt2,gemma] [--single 20] [--batch 1000]
       [--build build/release] [--openblas-coretype=SkylakeX]"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Debian's OpenBLAS picks Haswell kernels on this CPU (and this machine's environment says so too):
# the peers get the AVX-512 ones, ~3x faster GEMM, unless --openblas-coretype says otherwise.
CORETYPE = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--openblas-coretype=")), "SkylakeX")
os.environ["OPENBLAS_CORETYPE"] = CORETYPE
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
from bench_common import machine  # noqa: E402
import safetensors_spec  # noqa: E402

SHAPES = {"gpt2": (50257, 768, "F32"), "gemma": (262144, 2560, "BF16")}
K = 10


def to_bf16_bits(a):
    u = a.view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def make_table(path, n, d, dtype, seed=0):
    """Rows of N(0, 1) with a shared low-rank part (real tables are anisotropic); returns f32 values."""
    rng = np.random.default_rng(seed)
    table = np.empty((n, d), dtype=np.float32)
    basis = rng.standard_normal((16, d), dtype=np.float32)
    for s in range(0, n, 16384):
        e = min(n, s + 16384)
        block = rng.standard_normal((e - s, d), dtype=np.float32)
        block += rng.standard_normal((e - s, 16), dtype=np.float32) @ basis * 0.5
        table[s:e] = block
    if dtype == "BF16":
        bits = to_bf16_bits(table)
        table = (bits.astype(np.uint32) << 16).view(np.float32)
        raw = bits.tobytes()
    else:
        raw = table.tobytes()
    safetensors_spec.write(path, {"table": (dtype, (n, d), raw)})
    return table


def query_ids(count, offset, n):
    return [((i + offset) * 7919) % n for i in range(count)]


def exact_top(table, q_id, k=K):
    """float64 reference: cosine of every row with row q_id, the query excluded, ties by row."""
    t = table
    q = t[q_id].astype(np.float64)
    s = (t @ q.astype(np.float32)) / np.linalg.norm(t, axis=1)  # candidates by f32 cosine, then exact
    cand = np.argpartition(-s, 200)[:200]
    exact = t[cand].astype(np.float64) @ q / (np.linalg.norm(t[cand].astype(np.float64), axis=1) * np.linalg.norm(q))
    order = sorted((i for i in range(len(cand)) if cand[i] != q_id), key=lambda i: (-exact[i], cand[i]))
    return [int(cand[i]) for i in order[:k]]


def time_torch(table, ids, reps):
    import torch
    torch.set_num_threads(1)
    t = torch.from_numpy(table)
    times = []
    for q_id in ids[:reps]:
        start = time.perf_counter()
        sims = torch.nn.functional.cosine_similarity(t, t[q_id].unsqueeze(0), dim=1)
        top = torch.argsort(sims, descending=True)[:K + 1]
        times.append(time.perf_counter() - start)
        assert int(top[0]) == q_id or float(sims[top[0]]) >= 0.999
    return statistics.median(times)


def normalised(table):
    return table / np.linalg.norm(table, axis=1, keepdims=True)


def time_numpy(tn, single_ids, batch_ids):
    times = []
    for q_id in single_ids:
        start = time.perf_counter()
        dists = tn @ tn[q_id]
        best = np.argpartition(-dists, K + 1)[:K + 1]
        best = best[np.argsort(-dists[best])]
        times.append(time.perf_counter() - start)
    q = tn[batch_ids]
    start = time.perf_counter()
    out = []
    for s in range(0, len(q), 100):  # 100 queries at a time: a 1000 x V f32 result would not fit a cache anyway
        dists = q[s:s + 100] @ tn.T
        best = np.argpartition(-dists, K + 1, axis=1)[:, :K + 1]
        out.append(best)
    batch = time.perf_counter() - start
    return statistics.median(times), batch


def time_faiss(tn, single_ids, batch_ids):
    import faiss
    faiss.omp_set_num_threads(1)
    index = faiss.IndexFlatIP(tn.shape[1])
    index.add(tn)
    times = []
    for q_id in single_ids:
        start = time.perf_counter()
        index.search(tn[q_id:q_id + 1], K + 1)
        times.append(time.perf_counter() - start)
    q = np.ascontiguousarray(tn[batch_ids])
    start = time.perf_counter()
    index.search(q, K + 1)
    return statistics.median(times), time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shapes", default="gpt2,gemma")
    ap.add_argument("--single", type=int, default=20)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--torch-reps", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    ap.add_argument("--openblas-coretype", default="SkylakeX", help="OPENBLAS_CORETYPE for the peers (--x=Y form)")
    args = ap.parse_args()
    exe = os.path.join(args.build, "bench", "neighbors_bench")
    print(f"machine: {machine()}")
    # The core's multiply peaks (12 register-only accumulator chains per instruction), to set
    # each batched search beside the peak of the instruction it runs on.
    peak = json.loads(subprocess.run([os.path.join(args.build, "bench", "kernel_peak")], capture_output=True,
                                     text=True, check=True).stdout)
    print(f"peak multiply-accumulates a second, one core: f32 FMA {peak['f32_gmacs']:.0f} G, bf16 pairs "
          f"(VDPBF16PS) {peak['bf16_gmacs']:.0f} G, int8 (VPDPBUSD) {peak['int8_gmacs']:.0f} G")
    print(f"peers: numpy {np.__version__}, OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']}, one thread each")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes.split(","):
            n, d, dtype = SHAPES[shape]
            path = os.path.join(tmp, f"{shape}.safetensors")
            table = make_table(path, n, d, dtype)
            p = subprocess.run([exe, path, "table", "--single", str(args.single), "--batch", str(args.batch),
                                "--k", str(K)], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"neighbors_bench failed: {p.stderr}")
            ours = json.loads(p.stdout)
            # Exactness: every checked answer equals the float64 ranking.
            # (each variant's first 5 single and first 5 batch answers)
            checked = [a for v in range(len(ours["variants"]))
                       for a in ours["single_answers"][v * args.single:v * args.single + 5]
                       + ours["batch_answers"][v * 20:v * 20 + 5]]
            exact = all(a["ids"] == exact_top(table, a["query"]) for a in checked)
            single_ids = query_ids(args.single, 0, n)
            batch_ids = query_ids(args.batch, 1000003, n)
            tn = normalised(table)
            np_single, np_batch = time_numpy(tn, single_ids, batch_ids)
            fa_single, fa_batch = time_faiss(tn, single_ids, batch_ids)
            th_single = time_torch(table, single_ids, args.torch_reps)
            del tn
            rows.append((shape, n, d, dtype, ours, exact, th_single, np_single, np_batch, fa_single, fa_batch))
    for shape, n, d, dtype, ours, exact, th, nps, npb, fas, fab in rows:
        bound = ours["bound_single_ms"]
        print(f"\n{shape}-shaped table {n} x {d} {dtype} ({ours['table_bytes'] / 1e6:.0f} MB); embscope kernel "
              f"{ours['kernel']} / {ours['screen_kernel']}; read bandwidth {ours['read_bandwidth_gbs']:.1f} GB/s -> memory bound of one scan of "
              f"the table {bound:.2f} ms; every checked answer equal to float64: {'yes' if exact else 'NO'}")
        print(f"  {'approach':<44} {'1 query (median)':>16} {'best/bound':>10} {'ratio':>7} "
              f"{args.batch:>5} queries {'ratio':>7}")
        best_s = min(v["single_median_ms"] for v in ours["variants"])
        best_b = min(v["batch_s"] for v in ours["variants"])
        labels = {"none": "embscope, stored rows in place", "bf16": "embscope, bf16 unit copy + re-score",
                  "int8": "embscope, int8 unit copy + re-score"}
        macs = args.batch * n * d  # of one batch
        peaks = {"none": peak["f32_gmacs"], "bf16": peak["bf16_gmacs"], "int8": peak["int8_gmacs"]}
        for v in ours["variants"]:
            rate = macs / v["batch_s"] / 1e9
            built = f", copy built once in {v['build_s']:.2f} s" if v["copy"] != "none" else ""
            print(f"  {labels[v['copy']]:<44} {v['single_median_ms']:>14.2f}ms "
                  f"{v['single_min_ms'] / bound:>10.2f} {'':>7} {v['batch_s']:>14.3f}s"
                  f"   ({rate:.0f} GMAC/s, {100 * rate / peaks[v['copy']]:.0f}% of its peak{built})")
        print(f"  {'PyTorch cosine_similarity + argsort':<44} {th * 1e3:>14.1f}ms {'':>10} {th * 1e3 / best_s:>6.0f}x")
        print(f"  {'numpy normalised dot + argpartition':<44} {nps * 1e3:>14.2f}ms {'':>10} {nps * 1e3 / best_s:>6.1f}x "
              f"{npb:>14.3f}s {npb / best_b:>6.1f}x")
        print(f"  {'FAISS IndexFlatIP':<44} {fas * 1e3:>14.2f}ms {'':>10} {fas * 1e3 / best_s:>6.1f}x {fab:>14.3f}s "
              f"{fab / best_b:>6.1f}x   ({macs / fab / 1e9:.0f} GMAC/s, "
              f"{100 * macs / fab / 1e9 / peak['f32_gmacs']:.0f}% of the f32 peak)")
        print("  ratio = peer median / embscope's better median (higher: embscope faster); best/bound = fastest of "
              "the single queries over the table's read time at the bandwidth measured in the same process (the int8 "
              "copy is a quarter of an f32 table's bytes, the bf16 one half); GMAC/s = batch x rows x dims over the "
              "batch time, selection and re-scoring included")


if __name__ == "__main__":
    main()
