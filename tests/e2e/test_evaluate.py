"""`embscope evaluate` and `embscope doesnt-match` against gensim 4 (Debian python3-gensim) on the
same vectors: a word2vec table trained here over sentences made of the analogy and similarity
words (mixed case, so case folding matters), scored on the bundled sets with gensim's
KeyedVectors.evaluate_word_analogies / evaluate_word_pairs / doesnt_match; per-section counts,
Spearman and Pearson must agree. Also the default model against bench/evaluate_token_table.py's
gensim numbers, and bad input. Run by ctest (label e2e); EMBSCOPE_BIN names the CLI."""
import json
import logging
import os
import random
import subprocess
import tempfile
import unittest

BIN = os.environ["EMBSCOPE_BIN"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EVAL = os.path.join(ROOT, "data", "eval-data")
PAIR_FILES = ["EN-WS-353-ALL.txt", "EN-SIMLEX-999.txt", "EN-MEN-TR-3k.txt", "EN-RG-65.txt"]


def run(*args):
    env = {k: v for k, v in os.environ.items() if k != "EMBSCOPE_MODEL"}
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env)


class EvaluateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        logging.disable(logging.WARNING)
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        rng = random.Random(5)
        lines = []
        with open(os.path.join(EVAL, "questions-words.txt")) as f:
            questions = [l.split() for l in f if not l.startswith(":")]
        for q in rng.sample(questions, 3000):
            # Each question's words in one sentence, some capitalised differently.
            words = [w if rng.random() < 0.8 else (w.lower() if w[0].isupper() else w.capitalize()) for w in q]
            rng.shuffle(words)
            lines.append(" ".join(words))
        for name in PAIR_FILES:
            with open(os.path.join(EVAL, name), encoding="utf-8") as f:
                pairs = [l.rstrip("\r\n").split("\t") for l in f if l.strip()]
            for a, b, _ in rng.sample(pairs, min(len(pairs), 400)):
                lines.append(f"{a} {b} {rng.choice(pairs)[0]}")
        rng.shuffle(lines)
        corpus = os.path.join(d, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(lines * 3) + "\n")
        cls.model, cls.vec = os.path.join(d, "m"), os.path.join(d, "m.txt")
        p = run("train", "word2vec", corpus, "--dim", "32", "--epochs", "3", "--min-count", "2", "-o", cls.model,
                "--word2vec-text", cls.vec)
        assert p.returncode == 0, p.stderr
        from gensim.models import KeyedVectors
        cls.kv = KeyedVectors.load_word2vec_format(cls.vec, binary=False)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def evaluate(self, *flags):
        p = run("--json", "evaluate", "-m", self.model, *flags)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def check_analogies(self, restrict, case_insensitive, extra=()):
        ours = self.evaluate("--analogies", os.path.join(EVAL, "questions-words.txt"), "--restrict", str(restrict),
                             *extra)["analogies"][0]
        score, sections = self.kv.evaluate_word_analogies(os.path.join(EVAL, "questions-words.txt"),
                                                          restrict_vocab=restrict, case_insensitive=case_insensitive)
        ref = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in sections}
        got = {s["section"]: (s["correct"], s["incorrect"]) for s in ours["sections"]}
        got["Total accuracy"] = (ours["correct"], ours["answered"] - ours["correct"])
        self.assertEqual(got, ref, (restrict, case_insensitive))
        self.assertAlmostEqual(ours["accuracy"], score, delta=1e-12)
        self.assertGreater(ours["correct"], 20, "the planted questions should be partly answerable")
        return ours

    def test_analogies_match_gensim(self):
        ours = self.check_analogies(300000, True)
        self.assertEqual(ours["questions"], 19544)
        self.check_analogies(300000, False, ("--case-sensitive",))
        self.check_analogies(500, True, ())

    def test_word_pairs_match_gensim(self):
        ours = self.evaluate(*sum((["--similarity", os.path.join(EVAL, n)] for n in PAIR_FILES), []))["similarity"]
        for name, r in zip(PAIR_FILES, ours):
            pearson, spearman, oov = self.kv.evaluate_word_pairs(os.path.join(EVAL, name), restrict_vocab=300000,
                                                                 case_insensitive=True)
            rho = spearman.statistic if hasattr(spearman, "statistic") else spearman[0]
            self.assertAlmostEqual(r["spearman"], rho, delta=1e-6, msg=name)
            self.assertAlmostEqual(r["pearson"], pearson[0], delta=1e-6, msg=name)
            self.assertAlmostEqual(r["oov_percent"], oov, delta=1e-9, msg=name)
        # dummy4unknown: missing pairs scored 0 and counted.
        r = self.evaluate("--similarity", os.path.join(EVAL, PAIR_FILES[0]), "--count-oov-as-wrong")["similarity"][0]
        pearson, spearman, oov = self.kv.evaluate_word_pairs(os.path.join(EVAL, PAIR_FILES[0]), dummy4unknown=True)
        rho = spearman.statistic if hasattr(spearman, "statistic") else spearman[0]
        self.assertAlmostEqual(r["spearman"], rho, delta=1e-6)
        self.assertAlmostEqual(r["oov_percent"], oov, delta=1e-9)

    def test_doesnt_match_matches_gensim(self):
        rng = random.Random(9)
        words = self.kv.index_to_key[:200]
        for _ in range(20):
            group = rng.sample(words, 5)
            p = run("--json", "doesnt-match", "-m", self.model, *group)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout)["odd_one_out"], self.kv.doesnt_match(group), group)

    def test_default_model_matches_bench_script(self):
        """The README's numbers: bench/evaluate_token_table.py runs gensim on the default model's
        single-token words; `embscope evaluate` must reproduce them."""
        p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "evaluate_token_table.py")],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        ref = {}
        for line in p.stdout.splitlines():
            if line.startswith("analogy:"):
                ref["analogy"] = float(line.split()[1])
            for name in ("WS-353", "SimLex-999", "MEN"):
                if line.startswith(name + ":"):
                    ref[name] = float(line.split()[2])
        ours = self.evaluate_default()
        self.assertAlmostEqual(ours["analogies"][0]["accuracy"] * 100, ref["analogy"], delta=0.005)
        got = {os.path.basename(s["file"]): s["spearman"] for s in ours["similarity"]}
        self.assertAlmostEqual(got["EN-WS-353-ALL.txt"], ref["WS-353"], delta=0.0005)
        self.assertAlmostEqual(got["EN-SIMLEX-999.txt"], ref["SimLex-999"], delta=0.0005)
        self.assertAlmostEqual(got["EN-MEN-TR-3k.txt"], ref["MEN"], delta=0.0005)

    def evaluate_default(self):
        p = run("--json", "evaluate")  # the default model on the bundled sets
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def write(self, name, data):
        """A file of the test's directory holding data (bytes or text); its path."""
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def test_bad_input(self):
        d = self.tmp.name
        early = self.write("early.txt", "a b c d\n: section\n")
        p = run("evaluate", "-m", self.model, "--analogies", early)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("early.txt", p.stderr)
        self.assertIn("before any", p.stderr)
        bad = self.write("bad.txt", b"tiger\tcat\t7\nca\xfft\tdog\t3\n")
        p = run("evaluate", "-m", self.model, "--similarity", bad)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("bad.txt:0xe", p.stderr)
        self.assertIn("UTF-8", p.stderr)
        # Malformed lines are skipped and counted, in text and JSON (line 2: spaces, not TABs).
        odd = self.write("odd.txt", "tiger\tcat\t7\ntiger cat 7\n# comment\ncar\ttruck\tnine\n")
        p = run("evaluate", "-m", self.model, "--similarity", odd)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 line(s) skipped", p.stdout)
        self.assertIn("the first at line 2", p.stdout)
        p = run("--json", "evaluate", "-m", self.model, "--similarity", odd)
        self.assertEqual(json.loads(p.stdout)["similarity"][0]["skipped_lines"], 2)
        p = run("evaluate", "-m", self.model, "--similarity", os.path.join(d, "missing.txt"))
        self.assertEqual(p.returncode, 5, p.stderr)
        p = run("evaluate", "-m", self.model, "--sets", d)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("no evaluation files", p.stderr)
        p = run("doesnt-match", "-m", self.model, "cat")
        self.assertEqual(p.returncode, 3, p.stderr)


if __name__ == "__main__":
    unittest.main()
