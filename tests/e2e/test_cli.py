"""End-to-end runs of the embscope CLI: exit codes per error kind, messages that name the file
and offset, --json errors, colour handling, atomic outputs, the Hugging Face cache.
Run by ctest (label e2e); EMBSCOPE_BIN names the CLI."""
import json
import os
import shutil
import struct
import subprocess
import tempfile
import unittest

BIN = os.environ["EMBSCOPE_BIN"]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.pop("EMBSCOPE_MODEL", None)
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=e)


class Cli(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name
        self.model = os.path.join(self.dir, "m")
        p = run("init", "--vocab-size", "50", "--dim", "24", "--seed", "3", "-o", self.model)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def test_help_shows_examples(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("Examples:", p.stdout)
        for cmd in ("info", "sizes", "rows", "init", "convert"):
            self.assertIn(cmd, p.stdout)
        self.assertIn("Example", run("rows", "--help").stdout)

    def test_usage_errors_exit_2(self):
        for args in (["rows", "--bogus"], ["frobnicate"], [], ["rows", "-m", self.model, "1", "--scale", "wide"]):
            p = run(*args)
            self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
            self.assertTrue(p.stderr.strip(), args)

    def test_sizes_prints_the_published_figures(self):
        p = run("sizes")
        self.assertEqual(p.returncode, 0)
        for figure in ("38.6M", "131M", "617M", "917M", "1.03B", "~77 MB", "~262 MB", "~1.2 GB", "~1.8 GB", "~2.1 GB"):
            self.assertIn(figure, p.stdout)
        j = json.loads(run("--json", "sizes").stdout)
        self.assertEqual([t["parameters"] for t in j["tables"]],
                         [38597376, 131072000, 617558016, 917504000, 1034485760])

    def test_sizes_from_a_multimodal_config(self):
        cfg = self.path("config.json")
        with open(cfg, "w") as f:
            json.dump({"model_type": "gemma3", "text_config": {"hidden_size": 2560, "vocab_size": 262208}}, f)
        j = json.loads(run("--json", "sizes", "--config", cfg).stdout)
        self.assertEqual(j["tables"][0]["parameters"], 262208 * 2560)
        self.assertEqual(j["tables"][0]["bytes"]["bf16"], 262208 * 2560 * 2)

    def test_info_and_untrained_rows(self):
        p = run("info", "-m", self.model)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("V = 50, D = 24", p.stdout)
        self.assertIn("0 of 50 rows trained", p.stdout)
        r = run("rows", "-m", self.model, "7")
        self.assertIn("UNTRAINED", r.stdout)
        j = json.loads(run("--json", "rows", "-m", self.model, "7").stdout)
        self.assertIs(j["rows"][0]["trained"], False)

    def test_out_of_range_id_exit_9_with_json_error(self):
        p = run("--json", "rows", "-m", self.model, "50")
        self.assertEqual(p.returncode, 9)
        self.assertIn("error:", p.stderr)
        self.assertIn("ids 0..49", p.stderr)
        err = json.loads(p.stdout)["error"]
        self.assertEqual(err["kind"], "out_of_range")

    def test_unknown_piece_without_vocabulary(self):
        p = run("rows", "-m", self.model, "cat")
        self.assertEqual(p.returncode, 5)
        self.assertIn("no vocabulary", p.stderr)

    def test_missing_model_names_the_cache(self):
        p = run("info", "-m", "org/absent-model", env={"HF_HUB_CACHE": self.path("cache")})
        self.assertEqual(p.returncode, 5)
        self.assertIn("models--org--absent-model", p.stderr)
        # Without -m: $EMBSCOPE_MODEL, else the bundled default model found above the binary.
        q = run("info")
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertIn(os.path.join("models", "default"), q.stdout)
        q = run("info", env={"EMBSCOPE_MODEL": self.model})
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertIn(self.model, q.stdout)
        # A binary with no models/default above it says what to do.
        import shutil
        lone = self.path("lone-embscope")
        shutil.copy(BIN, lone)
        q = subprocess.run([lone, "info"], capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "EMBSCOPE_MODEL"})
        self.assertEqual(q.returncode, 3)
        self.assertIn("EMBSCOPE_MODEL", q.stderr)
        self.assertIn("default model", q.stderr)

    def test_hub_cache_model_with_revision(self):
        repo = self.path("cache", "models--acme--tiny")
        snap = os.path.join(repo, "snapshots", COMMIT)
        os.makedirs(os.path.join(repo, "refs"))
        os.makedirs(snap)
        with open(os.path.join(repo, "refs", "main"), "w") as f:
            f.write(COMMIT)
        for name in ("model.safetensors", "config.json"):
            with open(os.path.join(self.model, name), "rb") as src, open(os.path.join(snap, name), "wb") as dst:
                dst.write(src.read())
        env = {"HF_HUB_CACHE": self.path("cache")}
        p = run("--json", "info", "-m", "acme/tiny", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(COMMIT[:12], json.loads(p.stdout)["location"])
        self.assertEqual(run("info", "-m", "acme/tiny", "--revision", COMMIT, env=env).returncode, 0)
        bad = run("info", "-m", "acme/tiny", "--revision", "v2", env=env)
        self.assertEqual(bad.returncode, 5)
        self.assertIn("cached refs: main", bad.stderr)

    def test_corrupt_safetensors_names_file_and_offset(self):
        path = self.path("bad.safetensors")
        header = b'{"wte.weight":{"dtype":"F32","shape":[10,4],"data_offsets":[0,160]}}'
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header + b"\0" * 100)
        p = run("info", "-m", path)
        self.assertEqual(p.returncode, 7)
        self.assertIn(f"{path}:0x9: tensor 'wte.weight' ends at file offset", p.stderr)

    def test_non_finite_and_invalid_utf8_word_vectors(self):
        nan = self.path("nan.vec")
        with open(nan, "w") as f:
            f.write("2 2\na 1 2\nb nan 3\n")
        p = run("info", "-m", nan)
        self.assertEqual(p.returncode, 12)
        self.assertIn("row 1 ('b'), dimension 0", p.stderr)
        bad = self.path("bad.vec")
        with open(bad, "wb") as f:
            f.write(b"1 1\nw\xff 1\n")
        self.assertEqual(run("info", "-m", bad).returncode, 11)

    def test_colour_follows_no_color_and_flags(self):
        plain = run("rows", "-m", self.model, "1", "--color", "auto")
        self.assertNotIn("\x1b[", plain.stdout)  # stdout is a pipe
        forced = run("rows", "-m", self.model, "1", "--color", "always")
        self.assertIn("\x1b[38;2;", forced.stdout)
        self.assertNotIn("\x1b[", run("rows", "-m", self.model, "1", env={"NO_COLOR": "1"}).stdout)

    def test_figures_are_written_atomically(self):
        png, svg = self.path("r.png"), self.path("r.svg")
        p = run("rows", "-m", self.model, "1", "2", "--png", png, "--svg", svg)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(svg) as f:
            self.assertIn("rows of embed_tokens.weight", f.read())
        q = run("rows", "-m", self.model, "1", "--png", self.path("nodir", "r.png"))
        self.assertEqual(q.returncode, 5)
        self.assertFalse(os.path.exists(self.path("nodir")))

    def test_out_of_memory_is_a_message_not_a_crash(self):
        # A 4 GB table under a 1 GB address-space limit (AddressSanitizer reserves terabytes of
        # address space, so its builds cannot run under such a limit).
        if "ASAN_OPTIONS" in os.environ or not shutil.which("prlimit"):
            self.skipTest("needs prlimit and a build without AddressSanitizer")
        out = self.path("huge")
        p = subprocess.run(["prlimit", f"--as={1 << 30}", BIN, "init", "--vocab-size", "1000000", "--dim", "1024",
                            "-o", out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("out of memory: the system refused an allocation", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "model.safetensors")))

    def test_init_is_reproducible_from_the_seed(self):
        other = self.path("again")
        run("init", "--vocab-size", "50", "--dim", "24", "--seed", "3", "-o", other)
        with open(os.path.join(self.model, "model.safetensors"), "rb") as a, \
                open(os.path.join(other, "model.safetensors"), "rb") as b:
            self.assertEqual(a.read(), b.read())
        j = json.loads(run("--json", "rows", "-m", other, "0", "--full").stdout)
        vals = j["rows"][0]["values"]
        self.assertLess(abs(sum(vals) / len(vals)), 0.02)

    def test_init_statistics_are_normal_0_002(self):
        big = self.path("big")
        run("init", "--vocab-size", "2000", "--dim", "100", "--seed", "1", "-o", big)
        out = self.path("big.npy")
        self.assertEqual(run("convert", "-m", big, "--to", "npy", "-o", out).returncode, 0)
        with open(out, "rb") as f:
            data = f.read()
        n = struct.unpack("<H", data[8:10])[0]
        vals = struct.unpack(f"<{2000 * 100}f", data[10 + n:])
        mean = sum(vals) / len(vals)
        std = (sum((v - mean) ** 2 for v in vals) / len(vals)) ** 0.5
        self.assertLess(abs(mean), 3 * 0.02 / len(vals) ** 0.5 * 3)
        self.assertAlmostEqual(std, 0.02, delta=0.0003)


if __name__ == "__main__":
    unittest.main(verbosity=2)
