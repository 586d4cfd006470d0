"""Errata of the classical-ML chapters: linear models, SVM, trees, unsupervised learning, metrics.

Each function demonstrates one erratum with the chapter's own ``mlnotes`` code and returns an
:class:`~mlnotes.appendix.errata.Outcome`; its assertions are the checked claim.

See chapter: chapters/errata.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.appendix.errata import Outcome, erratum


@erratum(5, "`if seed:` ignores seed 0", chapter="linear_models", seed="000",
         claim="`shuffle_data(X, y, seed)` seeds the global generator only `if seed:`.",
         right="0 is falsy, so seed = 0 is ignored; test `seed is not None`, or use a local default_rng(seed).")
def demo_seed_zero() -> Outcome:
    """Two calls with seed = 0 after something else seeded the global generator (state restored after)."""
    from mlnotes.linear import errata

    notes = errata.two_shuffles(0, notes=True)
    right = errata.two_shuffles(0, notes=False)
    assert not np.array_equal(*notes) and np.array_equal(*right)
    return Outcome(f"seed=0 twice: {notes[0].tolist()} then {notes[1].tolist()}",
                   f"seed=0 twice: {right[0].tolist()} both times")


@erratum(6, "The normal equation with `inv(X.T @ X)`", chapter="linear_models", seed="000",
         section="sec-linear-conditioning",
         claim="`w = np.linalg.inv(X.T @ X) @ X.T @ y`.",
         right="Forming XᵀX squares the condition number; solve with `np.linalg.lstsq` (SVD) or QR.")
def demo_normal_equation() -> Outcome:
    """Relative coefficient error of each method at κ(X) = 1e8, where the exact answer is known."""
    from mlnotes.linear import experiments as ex

    inv_err = ex.normal_equation_errors("inv (notes)", 1e8)[0]
    lstsq_err = ex.normal_equation_errors("lstsq (SVD)", 1e8)[0]
    assert inv_err > 1 and lstsq_err < 1e-8
    return Outcome(f"κ(X) = 1e8: coefficient error {inv_err:.0e} (no correct digit)",
                   f"lstsq: coefficient error {lstsq_err:.0e}")


@erratum(7, "The torch single-neuron code does not run", chapter="linear_models", seed="000",
         claim="A torch training loop with a tab-indented line, `detype=` and `weight` created but `weights` updated.",
         right="Spaces only, `dtype=`, one name: fixed, it equals the numpy neuron.")
def demo_torch_neuron() -> Outcome:
    """The notes' code as written, and fixed, against mlnotes' numpy neuron."""
    import torch

    from mlnotes.linear import errata, train_neuron

    try:
        errata.load_notes_torch_neuron()
    except TabError as err:
        failure = f"TabError: {err.msg}"
    rng = np.random.default_rng(0)
    X, y, w0 = rng.standard_normal((20, 3)), (rng.random(20) < 0.5).astype(float), rng.standard_normal(3)
    fixed = errata.load_notes_torch_neuron(fix_tabs=True, fix_keyword=True, fix_names=True)
    w_torch = fixed(torch.tensor(X), torch.tensor(y), torch.tensor(w0), torch.tensor(0.1, dtype=torch.float64),
                    0.5, 100)[0]
    w_np = train_neuron(X, y, w0, 0.1, learning_rate=0.5, epochs=100)[0]
    assert np.allclose(np.asarray(w_torch, dtype=float), w_np, rtol=1e-12)
    return Outcome(failure, f"fixed: weights {np.round(w_np, 4).tolist()}, equal to the numpy neuron")


@erratum(34, "The numpy neuron trains the caller's weights", chapter="linear_models", seed="000",
         section="sec-linear-errata", quote="the numpy neuron overwrites its caller's weights",
         claim="The numpy training loop updates `initial_weights -= …` in place.",
         right="It trains the caller's array: a second call starts from trained weights. Work on a copy.")
def demo_neuron_in_place() -> Outcome:
    """The same call twice on the same array, the notes' loop against mlnotes' train_neuron."""
    from mlnotes.linear import errata, train_neuron

    rng = np.random.default_rng(0)
    X, y, w0 = rng.standard_normal((20, 3)), (rng.random(20) < 0.5).astype(float), rng.standard_normal(3)
    w = w0.copy()
    first = errata.train_neuron_in_place(X, y, w, 0.1, 0.5, 100)[0].copy()
    second = errata.train_neuron_in_place(X, y, w, 0.1, 0.5, 100)[0]
    w = w0.copy()
    again = [train_neuron(X, y, w, 0.1, 0.5, 100)[0] for _ in range(2)]
    assert not np.allclose(first, second) and np.array_equal(w, w0) and np.array_equal(*again)
    return Outcome(f"same call twice: {np.round(first, 3).tolist()}, then {np.round(second, 3).tolist()}",
                   f"same call twice: {np.round(again[0], 3).tolist()} both times; the caller's array unchanged")


@erratum(28, "Outliers rarely become support vectors", chapter="svm", seed="004",
         section="sec-svm-outliers", quote="usually do not become support vectors",
         claim="Outliers usually do not become support vectors, and kernels weaken their influence.",
         right="A point on the wrong side is always a support vector (α = C); a narrow RBF kernel memorizes it.")
def demo_svm_outliers() -> Outcome:
    """An extra +1 point on the wrong side (f = −1), and a mislabeled point under a narrow RBF kernel."""
    from mlnotes.svm import experiments as ex

    wrong_side = ex.outlier_fit(-1.0)
    island = ex.mislabeled_point(50.0, 100.0)
    assert wrong_side.svm_alpha == 1.0 and island["f_after"] > 0 and island["changed"] > 0
    return Outcome("the outlier would stay out of the solution",
                   f"wrong-side point: α = C = {wrong_side.svm_alpha:g}, boundary turned {wrong_side.svm_angle:.1f}°; "
                   f"γ = 50: f at the mislabeled point {island['f_before']:.2f} → {island['f_after']:.2f}")


@erratum(35, "GBDT is robust to outliers", chapter="ensembles", seed="004",
         section="sec-ensembles-pitfalls", quote="GBDT is robust to outliers.",
         claim="GBDT is robust to outliers.",
         right="Only with a robust loss: squared loss fits the raw residuals; absolute or Huber loss bounds "
               "their pull.")
def demo_gbdt_outliers() -> Outcome:
    """scikit-learn's GBDT on 80 points, 4 of them shifted up by 6: the fit minus the truth at the outliers."""
    from mlnotes.trees import robust_loss_fit

    squared = robust_loss_fit("squared_error", 4, n=80, shift=6.0)["lift"]
    absolute = robust_loss_fit("absolute_error", 4, n=80, shift=6.0)["lift"]
    assert np.all(squared > 4) and np.all(np.abs(absolute) < 1.1)
    return Outcome(f"squared loss: fit − truth at the outliers {np.round(squared, 2).tolist()}",
                   f"absolute loss: {np.round(absolute, 2).tolist()}")


@erratum(13, "The SVD recipe swaps U and V", chapter="unsupervised", seed="004",
         claim="The eigenvectors of AAᵀ form V and those of AᵀA form U.",
         right="AAᵀ = UΣ²Uᵀ gives U and AᵀA = VΣ²Vᵀ gives V; pair the signs with u_i = Av_i/σ_i.")
def demo_svd_swap() -> Outcome:
    """Rebuild a 96 × 96 image patch from each recipe."""
    from mlnotes.unsupervised import experiments as ex
    from mlnotes.unsupervised import reconstruct, svd_from_eigh

    A = ex.square_patch()
    err = {m: np.linalg.norm(reconstruct(*svd_from_eigh(A, m)) - A) / np.linalg.norm(A) for m in ("notes", "paired")}
    assert err["notes"] > 0.5 and err["paired"] < 1e-10
    return Outcome(f"relative error of the rebuilt A: {err['notes']:.2f}", f"relative error: {err['paired']:.0e}")


@erratum(30, "SVD from two eigendecompositions: the signs", chapter="unsupervised", seed="004",
         section="sec-unsup-errata", quote="each eigenvector is only defined up to sign",
         claim="Take U from one eigendecomposition and V from another.",
         right="Even with U and V the right way round, each pair's signs must match: u_i = Av_i/σ_i.")
def demo_svd_signs() -> Outcome:
    """U from AAᵀ and V from AᵀA computed separately, against the paired recipe."""
    from mlnotes.unsupervised import experiments as ex
    from mlnotes.unsupervised import reconstruct, svd_from_eigh

    A = ex.square_patch()
    err = {m: np.linalg.norm(reconstruct(*svd_from_eigh(A, m)) - A) / np.linalg.norm(A)
           for m in ("independent", "paired")}
    assert err["independent"] > 0.1 and err["paired"] < 1e-10
    return Outcome(f"separate eigendecompositions: relative error {err['independent']:.2f}",
                   f"paired: relative error {err['paired']:.0e}")


@erratum(17, "The k-means code", chapter="unsupervised", seed="004",
         claim="A k-means whose comments lost their `#`, with no empty-cluster handling and no convergence check.",
         right="An empty cluster gives a NaN centre that swallows every point; move it, and stop when labels settle.")
def demo_kmeans_code() -> Outcome:
    """The notes' loop (comments fixed) from a start with two equal grey levels, and the fixed k-means."""
    from mlnotes.unsupervised import NOTES_COMMENT_LINE
    from mlnotes.unsupervised import experiments as ex

    try:
        compile(NOTES_COMMENT_LINE, "notes_kmeans.py", "exec")
    except SyntaxError as err:
        failure = f"SyntaxError: {err.msg}"
    dup_seeds, _ = ex.duplicate_starts()
    _, nan_centres, notes_iters = ex.notes_quantization("notes, float", dup_seeds[0])
    img, fixed_nan, fixed_iters = ex.notes_quantization("fixed", dup_seeds[0])
    assert nan_centres == 7 and fixed_nan == 0 and np.unique(img).size == 8 and notes_iters == 300
    return Outcome(f"{failure}; with the comments fixed: {nan_centres} of 8 centres NaN after {notes_iters} iterations",
                   f"8 grey levels, no NaN, {fixed_iters} iterations")


@erratum(29, "k-means keeps the data's dtype", chapter="unsupervised", seed="004",
         section="sec-unsup-errata", quote="so they keep `X`'s dtype",
         claim="(In the notes' code) centroids are rows of X, updated in place.",
         right="On integer pixels the means are truncated and uint8 differences wrap modulo 256: compute in float.")
def demo_kmeans_dtype() -> Outcome:
    """8-level quantization of the chapter's photo from uint8 pixels, against the float version."""
    from mlnotes.unsupervised import experiments as ex

    u8, _, _ = ex.notes_quantization("notes, uint8", 0)
    fixed, _, _ = ex.notes_quantization("fixed", 0)
    off = float(np.abs(u8 - fixed).mean())
    wrapped = np.array([10], np.uint8) - np.array([200], np.uint8)  # an array: wraps silently, like the notes' code
    assert off > 20 and wrapped[0] == 66
    return Outcome(f"uint8: {off:.0f} grey levels off per pixel on average (10 − 200 = 66 in uint8)",
                   "float: the 8 levels of scikit-learn's k-means")


@erratum(22, "k-means has linear complexity O(n)", chapter="unsupervised", seed="001",
         claim="k-means has linear complexity O(n).",
         right="One iteration costs O(n·k·d), a run O(n·k·d·t), and k-means++ seeding adds O(n·k·d).")
def demo_kmeans_cost() -> Outcome:
    """CPU time of three Lloyd iterations while doubling n, then k; the fitted exponents."""
    from mlnotes.unsupervised import cost

    ns, ks = np.array([2000, 4000, 8000, 16000]), np.array([32, 64, 128, 256])
    in_n = cost.loglog_slope(ns, cost.time_lloyd(ns, [32] * 4, repeats=3))
    in_k = cost.loglog_slope(ks, cost.time_lloyd([4000] * 4, ks, repeats=3))
    assert 0.7 < in_n < 1.5 and 0.7 < in_k < 1.5  # the times vary from run to run; only the slopes are shown
    return Outcome("time independent of k", "time ∝ n¹ and ∝ k¹ (both fitted exponents within [0.7, 1.5])")


@erratum(31, "Hierarchical clustering needs the number of clusters", chapter="unsupervised", seed="004",
         section="sec-unsup-zoo", quote="Hierarchical (agglomerative, 层次聚类) clustering needs no $k$",
         claim="Hierarchical clustering needs the number of clusters in advance.",
         right="The merge tree can be cut at a distance threshold instead; the number of clusters follows.")
def demo_hierarchical() -> Outcome:
    """scikit-learn's agglomerative clustering of the chapter's five blobs, given only a distance threshold."""
    from sklearn.cluster import AgglomerativeClustering

    from mlnotes.unsupervised import experiments as ex

    X5, y5 = ex.five_blobs()
    tree = AgglomerativeClustering(n_clusters=None, distance_threshold=15.0, linkage="ward").fit(X5)
    assert tree.n_clusters_ == 5 and ex.adjusted_rand(y5, tree.labels_) > 0.95
    return Outcome("k must be given", f"Ward distance 15, no k: {tree.n_clusters_} clusters, "
                   f"ARI {ex.adjusted_rand(y5, tree.labels_):.2f}")


@erratum(14, "AUC's rank formula in descending order", chapter="metrics", seed="002",
         claim="Sort the samples by predicted probability from high to low, then apply the rank formula.",
         right="The formula needs ascending ranks (lowest score = rank 1); descending ranks give 1 − AUC.")
def demo_auc_ranks() -> Outcome:
    """Both orders on the chapter's breast-cancer classifier, against roc_auc_score."""
    from sklearn.metrics import roc_auc_score

    from mlnotes.metrics import auc_rank
    from mlnotes.metrics.data import breast_cancer_scores

    y, s = breast_cancer_scores()
    right, notes = auc_rank(y, s), auc_rank(y, s, order="descending")
    assert np.isclose(right, roc_auc_score(y, s), rtol=1e-12) and np.isclose(notes, 1 - right, rtol=1e-12)
    return Outcome(f"AUC = {notes:.4f} (= 1 − AUC)", f"AUC = {right:.4f} (= roc_auc_score)")


@erratum(19, "MRR is the sum of reciprocal ranks", chapter="metrics", seed="001",
         claim="MRR is the sum of the reciprocal ranks over the queries.",
         right="It is their mean; a sum grows with the number of queries and exceeds 1.")
def demo_mrr_mean() -> Outcome:
    """50 queries against random rankings of 20 documents, then the same 50 twice."""
    from mlnotes.metrics import mrr, mrr_notes_sum

    rng = np.random.default_rng(0)
    ranked = [list(rng.permutation(20)) for _ in range(50)]
    relevant = [set(rng.choice(20, size=2, replace=False).tolist()) for _ in range(50)]
    once, twice = mrr_notes_sum(ranked, relevant), mrr_notes_sum(ranked * 2, relevant * 2)
    assert np.isclose(twice, 2 * once) and once > 1 and np.isclose(mrr(ranked * 2, relevant * 2), mrr(ranked, relevant))
    return Outcome(f"\"MRR\" {once:.2f}, asked twice {twice:.2f}",
                   f"MRR {mrr(ranked, relevant):.4f}, asked twice the same")
