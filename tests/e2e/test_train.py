"""End-to-end runs of `embscope train word2vec` and `embscope evolve`: outputs a model that
every command opens, token mode over GPT-2 ids with untrained rows flagged, a run killed with
SIGKILL and resumed equals an uninterrupted run, snapshots and the evolve chart (PNG decoded,
SVG text checked), and clear errors for bad corpora and flags.
Run by ctest (label e2e); EMBSCOPE_BIN names the CLI, EMBSCOPE_DEPS the deps directory."""
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

BIN = os.environ["EMBSCOPE_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))


def run(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "EMBSCOPE_MODEL"}
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env, input=stdin)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    return header, raw[8 + n:]


def planted_corpus(path, n_sentences=4000, seed=1):
    """Animals and vehicles never share a sentence."""
    rng = random.Random(seed)
    groups = [["cat", "dog", "horse", "cow", "sheep", "goat", "pig", "mouse"],
              ["car", "bus", "truck", "train", "plane", "boat", "bike", "ship"]]
    with open(path, "w") as f:
        for s in range(n_sentences):
            g = groups[s % 2]
            f.write(" ".join(rng.choice(g) for _ in range(10)) + "\n")


def png_size_and_colours(path):
    """Width, height and the set of RGB colours of an 8-bit RGB/RGBA PNG (zlib, no PIL)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = width * bpp
    colours, prev = set(), bytearray(stride)
    for y in range(height):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            for x in range(0, stride, bpp):
                colours.add(tuple(line[x:x + 3]))
        prev = line
    return width, height, colours


class Train(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.corpus = os.path.join(self.dir, "corpus.txt")
        planted_corpus(self.corpus)

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *p):
        return os.path.join(self.dir, *p)

    def test_word_mode_outputs_open_everywhere(self):
        out = self.path("run")
        p = run("--json", "train", "word2vec", self.corpus, "--dim", "16", "--epochs", "2", "-o", out,
                "--word2vec-text", self.path("v.txt"), "--snapshot-every", "0.5")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["rows"], 16)
        self.assertEqual(j["corpus_words"], 40000)
        self.assertEqual(p.stderr, "", "no progress bar outside a terminal")
        header, _ = read_safetensors(os.path.join(out, "model.safetensors"))
        self.assertEqual(header["embed_tokens.weight"]["shape"], [16, 16])
        self.assertEqual(header["embscope.counts"]["dtype"], "I64")
        self.assertFalse(os.path.exists(os.path.join(out, "checkpoint.safetensors")))
        with open(os.path.join(out, "vocab.txt")) as f:
            self.assertEqual(len(f.read().split()), 16)
        with open(self.path("v.txt")) as f:
            self.assertEqual(f.readline().split(), ["16", "16"])
        info = run("info", "-m", out)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertIn("embscope_word2vec", info.stdout)
        rows = run("rows", "-m", out, "cat")
        self.assertEqual(rows.returncode, 0, rows.stderr)
        # Stdin works as the corpus too.
        with open(self.corpus) as f:
            q = run("--json", "train", "word2vec", "-", "--dim", "8", "--epochs", "1", "-o", self.path("stdin"),
                    stdin=f.read())
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertEqual(json.loads(q.stdout)["corpus_words"], 40000)

    def test_init_from_a_table_and_binary_output(self):
        first = self.path("first")
        p = run("train", "word2vec", self.corpus, "--dim", "12", "--epochs", "1", "-o", first,
                "--word2vec-binary", self.path("first.bin"))
        self.assertEqual(p.returncode, 0, p.stderr)
        from gensim.models import KeyedVectors
        kv = KeyedVectors.load_word2vec_format(self.path("first.bin"), binary=True)
        self.assertEqual(kv.vector_size, 12)
        self.assertEqual(len(kv.index_to_key), 16)
        # A learning rate of ~0 keeps the initial rows: they must be first's, matched by word
        # (the second corpus has its words in another frequency order).
        second_corpus = self.path("second.txt")
        with open(self.corpus) as f, open(second_corpus, "w") as g:
            lines = f.read().splitlines()
            g.write("\n".join(lines[1::2] + lines[::2][:500]) + "\n")
        second = self.path("second")
        p = run("--json", "train", "word2vec", second_corpus, "--init", first, "--epochs", "1", "--alpha", "1e-12",
                "--min-alpha", "0", "-o", second, "--word2vec-text", self.path("second.txt.vec"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["init_rows_matched"], 16)
        kv2 = KeyedVectors.load_word2vec_format(self.path("second.txt.vec"), binary=False)
        self.assertNotEqual(kv.index_to_key, kv2.index_to_key)
        for w in kv.index_to_key:
            diff = max(abs(a - b) for a, b in zip(kv[w], kv2[w]))
            self.assertLess(diff, 1e-5, w)

    def test_evolve_shows_groups_forming(self):
        out = self.path("run")
        p = run("train", "word2vec", self.corpus, "--dim", "16", "--epochs", "3", "--snapshot-every", "0.5", "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        snaps = sorted(os.listdir(os.path.join(out, "snapshots")))
        self.assertEqual(len(snaps), 7, snaps)  # epoch 0, 0.5, ..., 3
        png, svg = self.path("e.png"), self.path("e.svg")
        e = run("--json", "evolve", out, "--pairs", "cat:dog,cat:car", "--words", "cat", "-k", "3", "--png", png,
                "--svg", svg)
        self.assertEqual(e.returncode, 0, e.stderr)
        j = json.loads(e.stdout)
        first, last = j["points"][0], j["points"][-1]
        self.assertEqual(first["epoch"], 0)
        self.assertAlmostEqual(last["epoch"], 3, places=6)
        same, other = last["pair_cosine"]
        self.assertGreater(same, other + 0.3, "cat:dog ends closer than cat:car")
        self.assertLess(abs(first["pair_cosine"][0] - first["pair_cosine"][1]), 0.8)
        animals = {"dog", "horse", "cow", "sheep", "goat", "pig", "mouse"}
        self.assertTrue({n["piece"] for n in last["neighbors"][0]} <= animals, last["neighbors"][0])
        width, height, colours = png_size_and_colours(png)
        self.assertGreater(width, 600)
        self.assertGreater(height, 300)
        self.assertIn((0x00, 0x72, 0xb2), colours)  # first series colour
        self.assertIn((0xd5, 0x5e, 0x00), colours)  # second
        with open(svg) as f:
            text = f.read()
        self.assertIn("cat : dog", text)
        self.assertIn("cat : car", text)
        self.assertNotIn("nan", text.lower())
        t = run("evolve", out, "--pairs", "cat:dog")
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn("nearest neighbours of 'cat'", t.stdout)

    def test_token_mode_over_gpt2_ids_flags_untrained_rows(self):
        out = self.path("gpt2")
        p = run("--json", "train", "word2vec", self.corpus, "-m", "gpt2", "--dim", "8", "--epochs", "1", "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["rows"], 50257)
        self.assertLess(j["trained_rows"], 100)
        header, body = read_safetensors(os.path.join(out, "model.safetensors"))
        a, b = header["embscope.trained"]["data_offsets"]
        mask = body[a:b]
        self.assertEqual(sum(mask), j["trained_rows"])
        t = run("--json", "trace", "-m", out, " cat bus zebra")
        self.assertEqual(t.returncode, 0, t.stderr)
        tokens = json.loads(t.stdout)["tokens"]
        flags = {tok["piece"]: tok["trained"] for tok in tokens}
        self.assertTrue(flags["Ġcat"])
        self.assertFalse(any(v for k, v in flags.items() if "z" in k), flags)

    def test_killed_run_resumes_to_the_same_table(self):
        corpus = self.path("big.txt")
        planted_corpus(corpus, n_sentences=60000, seed=2)
        args = ["train", "word2vec", corpus, "--dim", "32", "--epochs", "6", "--checkpoint-every", "0", "--min-count",
                "1"]
        whole = self.path("whole")
        self.assertEqual(run(*args, "-o", whole).returncode, 0)
        killed = self.path("killed")
        env = {k: v for k, v in os.environ.items() if k != "EMBSCOPE_MODEL"}
        proc = subprocess.Popen([BIN, *args, "-o", killed], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        ckpt = os.path.join(killed, "checkpoint.safetensors")
        deadline = time.time() + 60
        while not os.path.exists(ckpt) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not os.path.exists(ckpt):
            self.skipTest("the run finished before it could be killed")
        self.assertFalse(os.path.exists(os.path.join(killed, "model.safetensors")), "no model from a killed run")
        again = run(*args, "-o", killed)
        self.assertEqual(again.returncode, 3)
        self.assertIn("--resume", again.stderr)
        r = run(*args, "-o", killed, "--resume")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(ckpt))
        h1, b1 = read_safetensors(os.path.join(whole, "model.safetensors"))
        h2, b2 = read_safetensors(os.path.join(killed, "model.safetensors"))
        a, b = h1["embed_tokens.weight"]["data_offsets"]
        self.assertEqual(b1[a:b], b2[a:b], "resumed table differs from the uninterrupted one")
        # Resuming with other flags is refused.
        proc = subprocess.Popen([BIN, *args, "-o", self.path("k2")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        ckpt2 = os.path.join(self.path("k2"), "checkpoint.safetensors")
        while not os.path.exists(ckpt2) and proc.poll() is None:
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if os.path.exists(ckpt2):
            r = run(*args[:-4], "--window", "3", "--checkpoint-every", "0", "--min-count", "1", "-o", self.path("k2"),
                    "--resume")
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("another run", r.stderr)

    def test_relations_match_gensim(self):
        from gensim.models import KeyedVectors
        corpus = self.path("mixed.txt")
        rng = random.Random(4)
        words = [f"w{i}" for i in range(300)]
        with open(corpus, "w") as f:
            for _ in range(3000):
                f.write(" ".join(rng.choice(words[:rng.choice([50, 150, 300])]) for _ in range(12)) + "\n")
        out, vec = self.path("nb"), self.path("nb.txt")
        p = run("train", "word2vec", corpus, "--dim", "24", "--epochs", "2", "-o", out, "--word2vec-text", vec,
                "--min-count", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        kv = KeyedVectors.load_word2vec_format(vec, binary=False)
        for query in ("w0", "w7", "w123", "w299"):
            q = run("--json", "neighbors", "-m", out, query, "-k", "10")
            self.assertEqual(q.returncode, 0, q.stderr)
            ours = json.loads(q.stdout)["results"][0]["neighbors"]
            ref = kv.most_similar(query, topn=10)
            self.assertEqual([n["token"] for n in ours], [w for w, _ in ref], query)
            for n, (_, c) in zip(ours, ref):
                self.assertAlmostEqual(n["cosine"], c, delta=1e-5)
        # similarity: cosine, dot, euclidean of the same vectors.
        import numpy as np
        q = run("--json", "similarity", "-m", out, "w0", "w1", "w5", "w200", "w42", "w42", "--explain", "3")
        self.assertEqual(q.returncode, 0, q.stderr)
        for pair, (a, b) in zip(json.loads(q.stdout)["pairs"], (("w0", "w1"), ("w5", "w200"), ("w42", "w42"))):
            self.assertAlmostEqual(pair["cosine"], float(kv.similarity(a, b)), delta=1e-5)
            self.assertAlmostEqual(pair["dot"], float(np.dot(kv[a], kv[b])), delta=1e-4)
            self.assertAlmostEqual(pair["euclidean"], float(np.linalg.norm(kv[a] - kv[b])), delta=1e-4)
            self.assertEqual(len(pair["explain"]), 3)
            terms = np.float64(kv[a]) * np.float64(kv[b]) / (np.linalg.norm(kv[a]) * np.linalg.norm(kv[b]))
            self.assertAlmostEqual(pair["explain"][0]["term"], terms[np.argmax(np.abs(terms))], delta=1e-5)
        # analogies: 3CosAdd = most_similar, 3CosMul = most_similar_cosmul (inputs excluded in both).
        for a, b, c in (("w3", "w10", "w7"), ("w100", "w2", "w250"), ("w0", "w1", "w2")):
            for method, ref in (("add", kv.most_similar(positive=[b, c], negative=[a], topn=5)),
                                ("mul", kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5))):
                q = run("--json", "analogy", "-m", out, f"{b} - {a} + {c}", "--method", method)
                self.assertEqual(q.returncode, 0, q.stderr)
                ours = json.loads(q.stdout)["answers"]
                self.assertEqual([x["token"] for x in ours], [w for w, _ in ref], (method, a, b, c))
                for x, (_, score) in zip(ours, ref):
                    self.assertAlmostEqual(x["score"], score, delta=1e-5)
        # Bad input: unknown word (with close spellings), empty or dangling expressions, odd pairs.
        q = run("analogy", "-m", out, "w3 - w10 + wq7")
        self.assertEqual(q.returncode, 5, q.stderr)
        self.assertIn("wq7", q.stderr)
        self.assertIn("close pieces", q.stderr)
        for expr in ("", "   ", "w3 -", "w3 - - w4", "+"):
            q = run("analogy", "-m", out, expr)
            self.assertEqual(q.returncode, 3, f"{expr!r}: {q.stderr}")
        q = run("similarity", "-m", out, "w1", "w2", "w3")
        self.assertEqual(q.returncode, 3, q.stderr)
        self.assertIn("pairs", q.stderr)
        bad_pairs = self.path("pairs.txt")
        with open(bad_pairs, "w") as f:
            f.write("w1 w2\n# comment\nlonely\n")
        q = run("similarity", "-m", out, "--pairs", bad_pairs)
        self.assertEqual(q.returncode, 6, q.stderr)
        self.assertIn("pairs.txt:0x10", q.stderr)

    def test_threads_the_system_refuses_shrink_the_run(self):
        # The process's thread limit (RLIMIT_NPROC counts a user's tasks; root is exempt, so the
        # run drops to nobody) refuses most of the 8 workers asked for: the run must go on with
        # those that started and say so. It used to end in std::terminate (exit 134).
        if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("prlimit"):
            self.skipTest("needs root, setpriv and prlimit to run as another user under a thread limit")
        os.chmod(self.dir, 0o777)
        exe = self.path("embscope")  # a copy nobody can run wherever the build lives (e.g. under /root)
        shutil.copy(BIN, exe)
        os.chmod(exe, 0o755)
        out = self.path("run")
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "prlimit", "--nproc=3",
                            exe, "--json", "train", "word2vec", self.corpus, "--dim", "16", "--epochs", "2",
                            "--threads", "8", "-o", out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertLess(j["threads"], 8)
        self.assertGreaterEqual(j["threads"], 1)
        self.assertIn(f"the system started {j['threads']} of the 8 threads asked for", p.stderr)
        header, _ = read_safetensors(os.path.join(out, "model.safetensors"))
        self.assertEqual(header["embed_tokens.weight"]["shape"], [16, 16])
        # Without a limit every thread asked for runs.
        q = run("--json", "train", "word2vec", self.corpus, "--dim", "16", "--epochs", "1", "--threads", "3",
                "-o", self.path("free"))
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertEqual(json.loads(q.stdout)["threads"], 3)

    def test_bad_corpora_and_flags(self):
        bad = self.path("bad.txt")
        with open(bad, "wb") as f:
            f.write(b"good words here\nthen \xff bad\n")
        p = run("train", "word2vec", bad, "-o", self.path("o1"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("bad.txt:0x15", p.stderr)
        self.assertIn("UTF-8", p.stderr)
        empty = self.path("empty.txt")
        open(empty, "w").write("\n\n   \n")
        p = run("train", "word2vec", empty, "-o", self.path("o2"))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("no words", p.stderr)
        few = self.path("few.txt")
        open(few, "w").write("a b c a\n")
        p = run("train", "word2vec", few, "-o", self.path("o3"))
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("--min-count 5", p.stderr)
        one = self.path("one.txt")
        open(one, "w").write("word\n" * 10)
        p = run("train", "word2vec", one, "-o", self.path("o4"), "--dim", "4")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = run("train", "word2vec", self.corpus, "-o", self.path("o5"), "--resume")
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("nothing to resume", p.stderr)
        for flags in (["--dim", "0"], ["--window", "0"], ["--negative", "0"], ["--threads", "0"]):
            p = run("train", "word2vec", self.corpus, "-o", self.path("o6"), *flags)
            self.assertEqual(p.returncode, 3, f"{flags}: {p.stderr}")
            self.assertIn(flags[0], p.stderr)
        p = run("train", "word2vec", self.path("absent.txt"), "-o", self.path("o7"))
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("absent.txt", p.stderr)
        p = run("evolve", self.path("o4"), "--pairs", "word:word")
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("snapshot", p.stderr)
        p = run("evolve", self.path("o4"), "--pairs", "wordword")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("A:B", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
