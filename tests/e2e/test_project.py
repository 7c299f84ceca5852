"""`embscope project` against scikit-learn 1.2 (Debian python3-sklearn) and umap-learn 0.5.3
(Debian umap-learn) on the same vectors:
PCA explained-variance ratios within 1e-5 and coordinates equal up to each component's sign
(both the covariance path, n >= D, and the Gram path, n < D), trustworthiness equal to
sklearn.manifold.trustworthiness; planted groups separate on the map; the scatter plot
decoded (PNG size and group colours, SVG labels and finite coordinates); exports (TSV, .npy,
Embedding Projector files); bad input. Run by ctest (label e2e); EMBSCOPE_BIN names the CLI."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_train import png_size_and_colours  # noqa: E402

BIN = os.environ["EMBSCOPE_BIN"]
# Okabe-Ito's first colours, categorical_color(0..2) in render/colormap.cc.
GROUP_COLOURS = [(0x00, 0x72, 0xB2), (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73)]


def run(*args):
    env = {k: v for k, v in os.environ.items() if k != "EMBSCOPE_MODEL"}
    return subprocess.run([BIN, *args], capture_output=True, text=True, env=env)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write_vectors(path, words, vectors):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {vectors.shape[1]}\n")
        for w, v in zip(words, vectors):
            f.write(w + " " + " ".join(repr(float(x)) for x in v) + "\n")


class ProjectTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def planted(self, n_per, dim, seed=0):
        rng = np.random.default_rng(seed)
        centres = rng.normal(0, 3, (3, dim)).astype(np.float32)
        words, vecs, groups = [], [], {}
        for g, name in enumerate(("alpha", "beta", "gamma")):
            for i in range(n_per):
                w = f"{name}{i}"
                words.append(w)
                vecs.append(centres[g] + rng.normal(0, 1, dim).astype(np.float32))
                groups.setdefault(name, []).append(w)
        vecs = np.array(vecs, dtype=np.float32)
        model = os.path.join(self.d, f"vec{n_per}x{dim}.txt")
        write_vectors(model, words, vecs)
        gfile = os.path.join(self.d, "groups.txt")
        with open(gfile, "w") as f:
            f.write("# planted\n" + "".join(f"{k}: {' '.join(v)}\n" for k, v in groups.items()))
        return model, gfile, words, vecs

    def check_against_sklearn(self, n_per, dim, dims):
        from sklearn.decomposition import PCA
        from sklearn.manifold import trustworthiness
        model, gfile, words, vecs = self.planted(n_per, dim)
        p = run("--json", "project", "-m", model, "--groups", gfile, "--dims", str(dims))
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        ref = PCA(n_components=dims, svd_solver="full").fit(vecs.astype(np.float64))
        np.testing.assert_allclose(j["explained_variance_ratio"], ref.explained_variance_ratio_, atol=1e-5)
        np.testing.assert_allclose(j["explained_variance"], ref.explained_variance_, rtol=1e-6)
        ours = np.array([pt["coords"] for pt in j["points"]])
        theirs = ref.transform(vecs.astype(np.float64))
        for c in range(dims):
            sign = np.sign(np.dot(ours[:, c], theirs[:, c]))
            np.testing.assert_allclose(ours[:, c] * sign, theirs[:, c], atol=1e-5 * np.abs(theirs).max())
        t = trustworthiness(vecs.astype(np.float64), ours[:, :2], n_neighbors=10)
        self.assertAlmostEqual(j["quality"]["trustworthiness"], t, delta=1e-9)
        self.assertEqual([pt["group"] for pt in j["points"]], ["alpha"] * n_per + ["beta"] * n_per + ["gamma"] * n_per)
        return j, ours

    def test_pca_covariance_path_matches_sklearn(self):
        j, ours = self.check_against_sklearn(100, 16, 3)  # n = 300 >= D = 16
        # Planted groups separate: each point's nearest group centre on the map is its own.
        labels = np.repeat(np.arange(3), 100)
        centres = np.array([ours[labels == g, :2].mean(axis=0) for g in range(3)])
        nearest = np.argmin(((ours[:, None, :2] - centres[None]) ** 2).sum(-1), axis=1)
        self.assertGreater((nearest == labels).mean(), 0.97)

    def test_pca_gram_path_matches_sklearn(self):
        self.check_against_sklearn(10, 100, 2)  # n = 30 < D = 100

    def test_randomized_pca_matches_sklearn(self):
        """--pca-solver randomized (what auto picks for whole tables) on 3,000 points of
        dimension 200 whose spectrum decays: explained-variance ratios within 1e-5 of
        scikit-learn's exact PCA, coordinates equal up to sign; the JSON names the solver."""
        from sklearn.decomposition import PCA
        rng = np.random.default_rng(4)
        n, dim = 3000, 200
        scales = 10 * 0.8 ** np.arange(dim) + 0.05
        basis, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
        vecs = ((rng.normal(size=(n, dim)) * scales) @ basis.T + rng.normal(0, 3, dim)).astype(np.float32)
        words = [f"w{i}" for i in range(n)]
        model = os.path.join(self.d, "decay.txt")
        write_vectors(model, words, vecs)
        ref = PCA(n_components=3, svd_solver="full").fit(vecs.astype(np.float64))
        theirs = ref.transform(vecs.astype(np.float64))
        for solver in ("randomized", "full"):
            p = run("--json", "project", "-m", model, "--top", str(n), "--dims", "3", "--pca-solver", solver)
            self.assertEqual(p.returncode, 0, p.stderr)
            j = json.loads(p.stdout)
            self.assertEqual(j["pca_solver"], solver)
            np.testing.assert_allclose(j["explained_variance_ratio"], ref.explained_variance_ratio_, atol=1e-5)
            np.testing.assert_allclose(j["explained_variance"], ref.explained_variance_, rtol=1e-5)
            ours = np.array([pt["coords"] for pt in j["points"]])
            for c in range(3):
                sign = np.sign(np.dot(ours[:, c], theirs[:, c]))
                np.testing.assert_allclose(ours[:, c] * sign, theirs[:, c], atol=1e-4 * np.abs(theirs).max())

    def test_tsne_quality_matches_sklearn(self):
        """Same vectors, same settings (perplexity 30, PCA init, learning rate auto, 1000
        iterations): KL divergence no worse than 1.05x scikit-learn's Barnes-Hut TSNE and
        trustworthiness (k=10) within 0.01; the planted groups separate. For every repulsion:
        the default (exact forces at this size), Barnes-Hut and FFT interpolation."""
        from sklearn.manifold import TSNE, trustworthiness
        model, gfile, words, vecs = self.planted(100, 16, seed=2)
        ref = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0)
        emb = ref.fit_transform(vecs.astype(np.float64))
        t_ref = trustworthiness(vecs, emb, n_neighbors=10)
        for repulsion, used in (("auto", "exact"), ("barnes-hut", "barnes-hut"), ("fft", "fft")):
            with self.subTest(repulsion=repulsion):
                p = run("--json", "project", "-m", model, "--groups", gfile, "--method", "tsne",
                        "--tsne-repulsion", repulsion)
                self.assertEqual(p.returncode, 0, p.stderr)
                j = json.loads(p.stdout)
                self.assertEqual(j["tsne"]["repulsion"], used)
                ours = np.array([pt["coords"] for pt in j["points"]])
                self.assertLessEqual(j["tsne"]["kl_divergence"], 1.05 * ref.kl_divergence_)
                t_ours = trustworthiness(vecs, ours, n_neighbors=10)
                self.assertAlmostEqual(j["quality"]["trustworthiness"], t_ours, delta=1e-9)
                self.assertGreater(t_ours, t_ref - 0.01)
                labels = np.repeat(np.arange(3), 100)
                centres = np.array([ours[labels == g].mean(axis=0) for g in range(3)])
                nearest = np.argmin(((ours[:, None] - centres[None]) ** 2).sum(-1), axis=1)
                self.assertGreater((nearest == labels).mean(), 0.97)
        # Fewer points than the perplexity allows: a clear message with the limit.
        p = run("project", "-m", model, "alpha0", "alpha1", "beta0", "--method", "tsne")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("perplexity below 3", p.stderr)

    def test_umap_quality_matches_umap_learn(self):
        """Same vectors, umap-learn's defaults (15 neighbours, min_dist 0.1, spectral init, 500
        epochs, one thread for a seed): the fitted curve (a, b) equal to umap-learn's
        find_ab_params, trustworthiness (k=10) within 0.01 of umap-learn's map or better, the
        planted groups separate; also on 1,000 rows of the bundled model (a real, less
        clustered table)."""
        import warnings
        warnings.filterwarnings("ignore")
        from sklearn.manifold import trustworthiness
        from umap import UMAP
        from umap.umap_ import find_ab_params
        model, gfile, words, vecs = self.planted(100, 16, seed=3)
        p = run("--json", "project", "-m", model, "--groups", gfile, "--method", "umap")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        a, b = find_ab_params(1.0, 0.1)
        self.assertAlmostEqual(j["umap"]["a"], a, delta=1e-4 * a)
        self.assertAlmostEqual(j["umap"]["b"], b, delta=1e-4 * b)
        self.assertEqual((j["umap"]["n_neighbors"], j["umap"]["epochs"]), (15, 500))
        ours = np.array([pt["coords"] for pt in j["points"]])
        self.assertTrue(np.isfinite(ours).all())
        ref = UMAP(n_neighbors=15, min_dist=0.1, random_state=0).fit_transform(vecs)
        t_ours = trustworthiness(vecs, ours, n_neighbors=10)
        t_ref = trustworthiness(vecs, ref, n_neighbors=10)
        self.assertAlmostEqual(j["quality"]["trustworthiness"], t_ours, delta=1e-9)
        self.assertGreater(t_ours, t_ref - 0.01, (t_ours, t_ref))
        labels = np.repeat(np.arange(3), 100)
        centres = np.array([ours[labels == g].mean(axis=0) for g in range(3)])
        nearest = np.argmin(((ours[:, None] - centres[None]) ** 2).sum(-1), axis=1)
        self.assertEqual((nearest == labels).mean(), 1.0)

        # 1,000 rows of the bundled model; the input vectors come back through --projector.
        proj = os.path.join(self.d, "proj")
        p = run("--json", "project", "--top", "1000", "--method", "umap", "--projector", proj, "--quality-k", "10")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        x = np.loadtxt(os.path.join(proj, "vectors.tsv"), delimiter="\t", dtype=np.float32)
        self.assertEqual(x.shape, (1000, 100))
        ours = np.array([pt["coords"] for pt in j["points"]])
        ref = UMAP(n_neighbors=15, min_dist=0.1, random_state=0).fit_transform(x)
        t_ours = trustworthiness(x, ours, n_neighbors=10)
        t_ref = trustworthiness(x, ref, n_neighbors=10)
        self.assertGreater(t_ours, t_ref - 0.01, (t_ours, t_ref))
        self.assertEqual(j["umap"]["knn"], {"method": "exact"})  # auto: exact below 20,000 points
        # The screened (int8) k-NN graph asked for: its measured recall reported, the same quality.
        p = run("--json", "project", "--top", "1000", "--method", "umap", "--knn", "screened", "--quality-k", "10")
        self.assertEqual(p.returncode, 0, p.stderr)
        k = json.loads(p.stdout)["umap"]["knn"]
        self.assertEqual((k["method"], k["candidates"], k["recall_points"]), ("screened", 32, 256), k)
        self.assertGreaterEqual(k["recall"], 0.99, k)
        ours = np.array([pt["coords"] for pt in json.loads(p.stdout)["points"]])
        self.assertGreater(trustworthiness(x, ours, n_neighbors=10), t_ref - 0.01)
        p = run("project", "--top", "1000", "--method", "umap", "--knn", "nearest")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--knn", p.stderr)

        # Small sets: n_neighbors truncated to n - 1 as umap-learn does; 3-D maps.
        p = run("--json", "project", "-m", model, "alpha0", "alpha1", "beta0", "beta1", "gamma0", "--method", "umap",
                "--dims", "3")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["umap"]["n_neighbors"], 4)
        self.assertTrue(all(len(pt["coords"]) == 3 and np.isfinite(pt["coords"]).all() for pt in j["points"]))

    def test_plots_and_exports(self):
        model, gfile, words, vecs = self.planted(12, 8)
        png, svg, tsv, npy, proj = (os.path.join(self.d, x) for x in ("m.png", "m.svg", "m.tsv", "m.npy", "proj"))
        p = run("--json", "project", "-m", model, "--groups", gfile, "--png", png, "--svg", svg, "--tsv", tsv,
                "--npy", npy, "--projector", proj)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        w, h, colours = png_size_and_colours(png)
        self.assertGreater(w, 900)
        self.assertGreater(h, 900)
        for c in GROUP_COLOURS:  # each group's colour is drawn
            self.assertTrue(any(max(abs(a - b) for a, b in zip(c, x)) <= 8 for x in colours), c)
        text = read(svg)
        for word in words:
            self.assertIn(f">{word}<", text)
        for name in ("alpha", "beta", "gamma"):
            self.assertIn(f">{name}<", text)
        self.assertNotIn("nan", text.lower())
        coords = [float(v) for v in re.findall(r'c[xy]="([^"]+)"', text)]
        self.assertTrue(all(np.isfinite(coords)))
        rows = [l.split("\t") for l in read(tsv).splitlines()]
        self.assertEqual(rows[0], ["label", "group", "pc1", "pc2"])
        self.assertEqual(len(rows), 37)
        np.testing.assert_allclose(np.load(npy), np.array([pt["coords"] for pt in j["points"]]), rtol=1e-6, atol=1e-6)
        meta = read(os.path.join(proj, "metadata.tsv")).splitlines()
        self.assertEqual(meta[0], "word\tgroup")
        self.assertEqual(meta[1], "alpha0\talpha")
        self.assertEqual(len(read(os.path.join(proj, "vectors.tsv")).splitlines()), 36)
        self.assertIn("vectors.tsv", read(os.path.join(proj, "projector_config.pbtxt")))

    def test_3d_view_and_pairwise_panels(self):
        """--dims 3: one figure with the rotated view (labels, the view angles) over the three
        pairwise panels (their captions), in both formats; every group's colour drawn."""
        model, gfile, words, vecs = self.planted(12, 8)
        png, svg = os.path.join(self.d, "m3.png"), os.path.join(self.d, "m3.svg")
        p = run("--json", "project", "-m", model, "--groups", gfile, "--dims", "3", "--view", "20,15", "--png", png,
                "--svg", svg)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertTrue(all(len(pt["coords"]) == 3 for pt in j["points"]))
        w, h, colours = png_size_and_colours(png)
        self.assertGreater(h, w)  # the panels sit under the view
        self.assertGreater(h, 1100)
        for c in GROUP_COLOURS:
            self.assertTrue(any(max(abs(a - b) for a, b in zip(c, x)) <= 8 for x in colours), c)
        text = read(svg)
        self.assertIn("azimuth 20°, elevation 15°", text)
        for a, b in (("PC1", "PC2"), ("PC1", "PC3"), ("PC2", "PC3")):
            self.assertIn(f">{a} (across) vs {b} (up)<", text)
        self.assertGreater(sum(f">{word}<" in text for word in words), len(words) // 2)  # labels in the view
        self.assertNotIn("nan", text.lower())
        coords = [float(v) for v in re.findall(r'c[xy]="([^"]+)"', text)]
        self.assertGreater(len(coords), 4 * 36 * 2)  # each point in the view and in 3 panels
        self.assertTrue(all(np.isfinite(coords)))
        # A bad view is refused by the flag parser.
        p = run("project", "-m", model, "--groups", gfile, "--dims", "3", "--view", "20")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--view", p.stderr)

    def test_default_model_classic_groups(self):
        """The five classic groups on the bundled model: every word found (pooled where GPT-2
        splits it), and the groups separate (trustworthiness high)."""
        p = run("--json", "project")
        self.assertEqual(p.returncode, 0, p.stderr)
        j = json.loads(p.stdout)
        self.assertEqual(j["unknown"], [])
        self.assertEqual(len(j["points"]), 60)
        self.assertGreater(j["quality"]["trustworthiness"], 0.85)

    def test_bad_input(self):
        model, gfile, words, vecs = self.planted(5, 4)
        bad = os.path.join(self.d, "bad.txt")
        with open(bad, "w") as f:
            f.write("alpha: alpha0 alpha1\nno colon here\n")
        p = run("project", "-m", model, "--groups", bad)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("bad.txt:0x15", p.stderr)
        self.assertIn("line 2", p.stderr)
        unknown = os.path.join(self.d, "unknown.txt")
        with open(unknown, "w") as f:
            f.write("alpha: alpha0 alpha1 alpha2 zebra\nbeta: beta0 beta1 beta2 yak\n")
        p = run("--json", "project", "-m", model, "--groups", unknown)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["unknown"], ["alpha: zebra", "beta: yak"])
        p = run("project", "-m", model, "alpha0")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("at least 2 points", p.stderr)
        p = run("project", "-m", model, "alpha0", "alpha1", "--method", "umap")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("at least 3 points", p.stderr)
        same = os.path.join(self.d, "same.txt")
        write_vectors(same, ["a", "b", "c"], np.ones((3, 4), dtype=np.float32))
        p = run("--json", "project", "-m", same, "a", "b", "c", "--svg", os.path.join(self.d, "same.svg"))
        self.assertEqual(p.returncode, 0, p.stderr)  # constant vectors: zero variance, still a plot
        self.assertEqual(json.loads(p.stdout)["explained_variance_ratio"], [0.0, 0.0])


if __name__ == "__main__":
    unittest.main()
