#!/usr/bin/python3
"""t-SNE and UMAP wall time and quality, side by side in one run, on synthetic points of
dimension 768 in 20 planted clusters:
- `embscope project --method tsne` (1 and 2 threads) against scikit-learn's TSNE (Debian
  python3-sklearn 1.2, Barnes-Hut, OMP_NUM_THREADS 1 and 2), same settings (perplexity 30, PCA
  init, learning rate auto, 1000 iterations); each tool's final KL divergence;
- `embscope project --method umap` (1 thread: reproducible; 2 threads: lock-free layout) against
  umap-learn 0.5.3 (Debian umap-learn; random_state=0, which makes it single-threaded, and
  without a seed on NUMBA_NUM_THREADS=2 threads), same settings (15 neighbours, min_dist 0.1,
  spectral init, default epochs). umap-learn's numba functions are compiled on a small warm-up
  fit in the same process before the timed fit, so its compile time is not counted.
Quality on the same 3,000-point sample for all: trustworthiness (k=10). The k-NN graph column says
which graph embscope built: exact, or int8-screened (from 20,000 points) with its reported recall.

The t-SNE rows name the repulsion embscope used (auto: Barnes-Hut below 6,000 points, FFT
interpolation from there; --tsne-repulsion forces one). Sizes above --peer-max run embscope only.

Usage: /usr/bin/python3 bench/projection_bench.py [--sizes 2000,10000] [--methods tsne,umap]
       [--build build/release] [--tsne-repulsion auto|barnes-hut|fft] [--peer-max N] [--threads 1,2]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "reference"))
from bench_common import machine  # noqa: E402
import safetensors_spec  # noqa: E402

SKLEARN = r"""
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE
x = np.load(sys.argv[1])
t = time.perf_counter()
m = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0)
y = m.fit_transform(x.astype(np.float64))
print(json.dumps({"seconds": time.perf_counter() - t, "kl": float(m.kl_divergence_), "y": y.tolist()}))
"""

UMAP_LEARN = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
from umap import UMAP
x = np.load(sys.argv[1])
seed = 0 if sys.argv[2] == "1" else None
UMAP(random_state=seed).fit_transform(np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32))  # compile
t = time.perf_counter()
y = UMAP(n_neighbors=15, min_dist=0.1, random_state=seed).fit_transform(x)
print(json.dumps({"seconds": time.perf_counter() - t, "y": y.tolist()}))
"""


def points(n, d=768, clusters=20, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1, (clusters, d)).astype(np.float32)
    labels = rng.integers(0, clusters, n)
    return (centres[labels] + rng.normal(0, 0.6, (n, d)).astype(np.float32)), labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="2000,10000")
    ap.add_argument("--methods", default="tsne,umap")
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    ap.add_argument("--tsne-repulsion", default="auto", help="embscope's t-SNE forces: auto, barnes-hut, fft")
    ap.add_argument("--peer-max", type=int, default=20000, help="run the peers only up to this many points")
    ap.add_argument("--threads", default="1,2")
    args = ap.parse_args()
    exe = os.path.join(args.build, "embscope")
    from sklearn.manifold import trustworthiness
    print(f"machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            x, _ = points(n)
            model = os.path.join(tmp, f"m{n}")
            os.makedirs(model)
            safetensors_spec.write(os.path.join(model, "model.safetensors"),
                                   {"embed_tokens.weight": ("F32", x.shape, x.tobytes())})
            with open(os.path.join(model, "vocab.txt"), "w") as f:
                f.write("".join(f"p{i}\n" for i in range(n)))
            npy = os.path.join(tmp, f"x{n}.npy")
            np.save(npy, x)
            sample = np.random.default_rng(1).choice(n, min(n, 3000), replace=False)
            for method in args.methods.split(","):
                for threads in (int(t) for t in args.threads.split(",")):
                    start = time.perf_counter()
                    extra = ["--tsne-repulsion", args.tsne_repulsion] if method == "tsne" else []
                    p = subprocess.run([exe, "--json", "project", "-m", model, "--top", str(n), "--method", method,
                                        "--threads", str(threads), *extra], capture_output=True, text=True)
                    ours_s = time.perf_counter() - start
                    if p.returncode != 0:
                        sys.exit(p.stderr)
                    j = json.loads(p.stdout)
                    ours_y = np.array([pt["coords"] for pt in j["points"]])
                    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                               NUMBA_NUM_THREADS=str(threads))
                    script, peer_args = (SKLEARN, [npy]) if method == "tsne" else (UMAP_LEARN, [npy, str(threads)])
                    t_ours = trustworthiness(x[sample], ours_y[sample], n_neighbors=10)
                    if n <= args.peer_max:
                        q = subprocess.run(["/usr/bin/python3", "-c", script, *peer_args], capture_output=True,
                                           text=True, env=env)
                        if q.returncode != 0:
                            sys.exit(q.stderr)
                        ref = json.loads(q.stdout)
                        ref_y = np.array(ref["y"])
                        t_ref = trustworthiness(x[sample], ref_y[sample], n_neighbors=10)
                    else:
                        ref, t_ref = {"seconds": float("nan")}, float("nan")
                    kl = j["tsne"]["kl_divergence"] if method == "tsne" else float("nan")
                    g = j[method]["knn"]
                    knn = "exact" if g["method"] == "exact" else f"int8 {g['recall']:.3f}"
                    if method == "tsne":
                        method_name = "tsne-" + {"barnes-hut": "bh"}.get(j["tsne"]["repulsion"], j["tsne"]["repulsion"])
                    rows.append((method_name if method == "tsne" else method, n, threads, ours_s, kl, t_ours, ref["seconds"], ref.get("kl", float("nan")),
                                 t_ref, knn))
                    print(rows[-1], file=sys.stderr, flush=True)
    print(f"\n{'method':>10} {'points':>7} {'threads':>7} {'embscope s':>11} {'peer s':>10} {'ratio':>6} "
          f"{'KL embscope':>12} {'KL peer':>11} {'trust embscope':>15} {'trust peer':>14} {'k-NN graph':>11}")
    for m, n, t, s, kl, tr, rs, rkl, rtr, knn in rows:
        kls = (f"{kl:>12.4f} {rkl:>11.4f}" if m.startswith("tsne") else f"{'-':>12} {'-':>11}")
        print(f"{m:>10} {n:>7} {t:>7} {s:>11.2f} {rs:>10.2f} {rs / s:>5.1f}x {kls} {tr:>15.4f} {rtr:>14.4f} {knn:>11}")
    print("peers: scikit-learn TSNE (tsne), umap-learn (umap); embscope time is the whole command (load, kNN, "
          "affinities, optimisation, output), the peers' the fit alone; k-NN graph: exact, or int8-screened with "
          "its recall against the exact graph (256 points)")

if __name__ == "__main__":
    main()
