r"""Drills for unsupervised learning: hand-written k-means (手撕 K-Means) and PCA by SVD.

* ``check_kmeans(fn)``: ``fn(X, init_centers, max_iter=100) -> (labels (n,), centers (k, d))``. Lloyd's
  algorithm from ``init_centers`` (k, d): assign every sample to its nearest centre (squared Euclidean
  distance, ties to the lowest index); stop as soon as the labels do not change; otherwise move each
  centre to the mean of its samples. **An empty cluster** moves its centre onto the sample farthest
  from its assigned centre (several empty clusters: in index order, the farthest, the next farthest,
  …). Return the final labels and the centres computed from them, in float64, without modifying the
  inputs (which may be integer arrays, e.g. pixels). Reference: :func:`kmeans_solution`, which equals
  ``sklearn.cluster.KMeans(init=init_centers, n_init=1, tol=0)`` on every case (tested).
* ``check_pca(fn)``: ``fn(X, n_components) -> (components (k, d), explained_variance (k,))`` by an SVD
  of the centred data: the rows of $V^\top$ and $\sigma^2/(n-1)$, largest first. Compared with
  ``sklearn.decomposition.PCA(svd_solver="full")`` (in the browser, Pyodide, with
  :func:`mlnotes.unsupervised.pca_svd` and scikit-learn's sign convention, the same digits:
  ``tests/test_unsupervised.py``); each component may have either sign.

The checkers never crash on the reader's code; on a wrong answer they replay common mistakes
(an empty cluster left in place or NaN, integer centres, no centring, $n$ instead of $n-1$, singular
values instead of variances, $U$ instead of $V$ …) and name the one that matches.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes.drills.core import CaseResult, Verdict, call_reader, check_outputs, mutated_inputs, oracle, shapes_of


def kmeans_solution(X, init_centers, max_iter=100):
    """Lloyd's k-means from init_centers (k, d) on X (n, d): (labels (n,), centers (k, d) float64).

    See chapter: chapters/unsupervised.md
    """
    X = np.asarray(X, dtype=float)  # integer pixels would wrap around (uint8) or truncate the means
    centers = np.array(init_centers, dtype=float)  # a float copy: the input stays untouched
    labels = None
    for _ in range(max_iter):
        d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)  # (n, k)
        new = d2.argmin(axis=1)
        if labels is not None and np.array_equal(new, labels):
            break  # converged: the centres are already the means of these labels
        labels = new
        counts = np.bincount(labels, minlength=len(centers))
        far = np.argsort(-d2[np.arange(len(X)), labels], kind="stable")  # farthest from their centre first
        for rank, j in enumerate(np.flatnonzero(counts == 0)):
            centers[j] = X[far[rank]]  # an empty cluster restarts on a far-away sample
        for j in np.flatnonzero(counts > 0):
            centers[j] = X[labels == j].mean(axis=0)
    return labels, centers


def pca_solution(X, n_components):
    """The first n_components principal directions (k, d) and their variances (k,), by SVD.

    See chapter: chapters/unsupervised.md
    """
    Xc = X - X.mean(axis=0)  # centre the features
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)  # Xc = U diag(s) Vt, s descending
    return Vt[:n_components], s[:n_components] ** 2 / (len(X) - 1)


# -- common mistakes -----------------------------------------------------------------------------
def _kmeans_variant(X, init_centers, max_iter=100, *, empty="farthest", keep_dtype=False, one_pass=False):
    X = np.asarray(X)
    centers = np.array(init_centers, dtype=X.dtype if keep_dtype else float)
    Xf = X if keep_dtype else X.astype(float)
    labels = None
    for _ in range(1 if one_pass else max_iter):
        d2 = ((Xf[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        new = d2.argmin(axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        counts = np.bincount(labels, minlength=len(centers))
        for j in range(len(centers)):
            if counts[j]:
                centers[j] = Xf[labels == j].mean(axis=0)
            elif empty == "nan":
                centers[j] = np.nan
            elif empty == "farthest":
                far = np.argsort(-d2[np.arange(len(X)), labels].astype(float), kind="stable")  # −uint would wrap
                centers[j] = Xf[far[0]]
    return labels, centers


_KMEANS_HINTS = (
    ("an empty cluster keeps its old centre, so it stays empty for good. Move it onto the sample farthest from "
     "its centre.", dict(empty="keep")),
    ("an empty cluster's centre became NaN (the mean of no samples — the notes' bug): handle counts == 0 "
     "before taking the mean.", dict(empty="nan")),
    ("the centres keep X's integer dtype, so the means are truncated (and uint8 differences wrap around): "
     "convert to float first.", dict(keep_dtype=True)),
    ("only one assignment/update pass was made: repeat until the labels stop changing.", dict(one_pass=True)),
)


def _pca_variant(X, n_components, kind):
    X = np.asarray(X, dtype=float)
    Xc = X if kind == "uncentred" else X - X.mean(0)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    k = n_components
    return {"uncentred": lambda: (Vt[:k], s[:k] ** 2 / (len(X) - 1)),
            "ddof0": lambda: (Vt[:k], s[:k] ** 2 / len(X)),
            "singular": lambda: (Vt[:k], s[:k]),
            "columns": lambda: (Vt.T[:, :k], s[:k] ** 2 / (len(X) - 1)),
            "smallest": lambda: (Vt[::-1][:k], (s[::-1] ** 2 / (len(X) - 1))[:k]),
            "U": lambda: (U.T[:k], s[:k] ** 2 / (len(X) - 1))}[kind]()


_PCA_HINTS = (
    ("the data are not centred: subtract the column means before the SVD.", "uncentred"),
    ("the variances are divided by n; the sample variance (and scikit-learn) uses n − 1.", "ddof0"),
    ("these are singular values σ; the explained variance is σ²/(n − 1).", "singular"),
    ("the components are returned as columns (Vt.T / V[:, :k]); return them as rows, Vt[:k].", "columns"),
    ("the components are the smallest-variance ones (np.linalg.eigh sorts ascending): take the largest.",
     "smallest"),
    ("these are rows of Uᵀ (directions in sample space); the principal axes are the rows of Vᵀ — U and V "
     "swapped, as in the notes' SVD recipe (erratum 13).", "U"),
)


# -- cases ----------------------------------------------------------------------------------------
def kmeans_cases() -> list:
    """(name, kwargs) of the k-means drill.

    See chapter: chapters/unsupervised.md
    """
    rng = np.random.default_rng(31)
    blobs = np.vstack([rng.normal(c, 0.6, size=(20, 2)) for c in ((-3, 0), (3, 0), (0, 4))])
    line = np.sort(rng.uniform(0, 10, 15))[:, None]
    pixels = np.array([[10], [12], [11], [200], [205], [199], [120], [118], [122], [121]], dtype=np.uint8)
    dup = np.vstack([blobs, blobs[:5]])  # rows 60..64 repeat rows 0..4
    return [
        ("three blobs, start on three samples", dict(X=blobs, init_centers=blobs[[0, 1, 2]].copy())),
        ("k = 1: the centre is the mean", dict(X=blobs, init_centers=np.array([[10.0, 10.0]]))),
        ("1-D data, k = 3", dict(X=line, init_centers=line[[0, 1, 2]].copy())),
        ("a start far from the data: an empty cluster", dict(X=blobs, init_centers=np.array(
            [[-3.0, 0.0], [3.0, 0.0], [50.0, 50.0]]))),
        ("two equal starting centres (repeated rows): an empty cluster",
         dict(X=dup, init_centers=dup[[0, 60, 25]].copy())),
        ("uint8 pixels and uint8 centres", dict(X=pixels, init_centers=pixels[[0, 1, 2]].copy())),
        ("k = n: every sample its own cluster", dict(X=line[:5], init_centers=line[:5][::-1].copy())),
        ("already converged start", dict(X=blobs, init_centers=np.stack([blobs[i * 20:(i + 1) * 20].mean(0)
                                                                         for i in range(3)]))),
        ("random, 5 features, k = 4", dict(X=rng.standard_normal((80, 5)), init_centers=rng.standard_normal((4, 5)))),
    ]


def pca_cases() -> list:
    """(name, kwargs) of the PCA drill.

    See chapter: chapters/unsupervised.md
    """
    rng = np.random.default_rng(32)
    mix = rng.standard_normal((5, 5)) * np.array([3.0, 2.0, 1.0, 0.5, 0.2])[:, None]
    X = rng.standard_normal((60, 5)) @ mix
    constant = np.column_stack([rng.standard_normal((30, 3)) @ np.diag([3.0, 1.0, 0.3]), np.full(30, 7.0)])
    return [
        ("60 × 5 correlated, k = 2", dict(X=X, n_components=2)),
        ("all components, k = d = 5", dict(X=X, n_components=5)),
        ("fewer samples than features: 8 × 12, k = 3", dict(X=rng.standard_normal((8, 12)) * np.arange(1, 13),
                                                             n_components=3)),
        ("one feature", dict(X=rng.standard_normal((20, 1)) * 4 + 2, n_components=1)),
        ("a constant feature, far from 0 (no centring shows)", dict(X=constant + 1000.0, n_components=3)),
        ("k = 1 of 5", dict(X=X + rng.standard_normal(5) * 50, n_components=1)),
    ]


@functools.lru_cache(maxsize=2)
def _pca_reference(which: str) -> tuple:
    """(components, explained_variance) of every case.

    scikit-learn's ``PCA(svd_solver="full")`` for ``which == "library"``, else ours (numpy: the browser's),
    :func:`mlnotes.unsupervised.pca_svd` with scikit-learn's signs (:func:`mlnotes.unsupervised.pca.sklearn_signs`),
    equal to it in ``tests/test_unsupervised.py``. ``which`` is :func:`~mlnotes.drills.core.oracle`, so the cache
    never mixes the two.
    """
    out = []
    for _, kw in pca_cases():
        if which == "library":
            from sklearn.decomposition import PCA

            model = PCA(n_components=kw["n_components"], svd_solver="full").fit(kw["X"])
            out.append((model.components_, model.explained_variance_))
        else:
            from mlnotes.unsupervised.pca import pca_svd, sklearn_signs

            fit = pca_svd(kw["X"], kw["n_components"])
            out.append((sklearn_signs(fit.components), fit.explained_variance))
    return tuple(out)


# -- running ----------------------------------------------------------------------------------------
def _close(a, b) -> bool:
    try:
        return all(np.shape(x) == np.shape(y) and np.allclose(np.asarray(x, dtype=float), y, rtol=1e-8, atol=1e-8,
                                                              equal_nan=True) for x, y in zip(a, b))
    except Exception:  # noqa: BLE001 - hostile output
        return False


def _aligned(got, want):
    """The reader's components flipped row by row to match the reference's signs (if the shapes allow).

    A row (nearly) orthogonal to the reference's has no sign to match, and the sign of its dot product is rounding
    noise that differs between platforms: it gets the reference's convention instead (largest |entry| positive).
    """
    try:
        comps = np.asarray(got[0], dtype=float)
        if comps.shape != want[0].shape:
            return got
        dots = np.sum(comps * want[0], axis=1)
        scale = np.linalg.norm(comps, axis=1) * np.linalg.norm(want[0], axis=1)
        biggest = comps[np.arange(len(comps)), np.argmax(np.abs(comps), axis=1)]
        signs = np.where(np.abs(dots) > 1e-6 * scale, np.sign(dots), np.sign(biggest))
        return (comps * np.where(signs == 0, 1.0, signs)[:, None], *got[1:])
    except Exception:  # noqa: BLE001
        return got


def _aligned_variant(variant, want):
    return _aligned(variant, want) if np.shape(variant[0]) == np.shape(want[0]) else variant


def _integer_labels_as_float(got):
    """``(labels, centers)`` with integer labels made float64 for the comparison: labels are integers by nature, so
    no "compute in float64" note for them, and intp labels (int32 in the 32-bit browser) read the same as int64."""
    try:
        labels = np.asarray(got[0])
        if labels.dtype.kind in "iu":
            return (labels.astype(float), *got[1:])
    except Exception:  # noqa: BLE001 - hostile output: compared (and explained) as it is
        pass
    return got


def _run(fn, drill, cases, expected, names, hints, *, align=False, labels=False) -> Verdict:
    if not callable(fn):
        return Verdict(drill, (CaseResult("(setup)", False, f"expected a function, got {type(fn).__name__}."),))
    results = []
    for (name, kwargs), want in zip(cases, expected):
        args = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        where = f" [inputs: {shapes_of(kwargs)}]"
        got, error = call_reader(fn, **args)
        if error is not None:
            results.append(CaseResult(name, False, error + where))
            continue
        changed = mutated_inputs({k: v for k, v in kwargs.items() if isinstance(v, np.ndarray)}, args)
        if changed:
            results.append(CaseResult(name, False, f"modified its input(s) {', '.join(changed)} in place; work on "
                                                   f"a float copy.{where}"))
            continue
        if align and isinstance(got, tuple) and len(got) == 2:
            got = _aligned(got, want)
        if labels and isinstance(got, tuple) and len(got) == 2:
            got = _integer_labels_as_float(got)
        msg, abs_err, rel_err = check_outputs(got, want, names, rtol=1e-8, atol=1e-8)
        if msg is not None:
            with np.errstate(all="ignore"):
                for hint, variant in hints:
                    try:
                        wrong = variant(**kwargs)
                        wrong = _aligned_variant(wrong, want) if align else wrong
                    except Exception:  # noqa: BLE001
                        continue
                    if isinstance(got, tuple) and _close(got, wrong) and not _close(want, wrong):
                        msg += f" Likely bug: {hint}"
                        break
        results.append(CaseResult(name, msg is None, "" if msg is None else msg + where, abs_err, rel_err))
    return Verdict(drill, tuple(results))


def check_kmeans(fn) -> Verdict:
    """Check ``fn(X, init_centers, max_iter=100) -> (labels, centers)`` on random and edge cases.

    Reference: :func:`kmeans_solution` (numpy, float64) with either oracle, in Python and in the browser
    (Pyodide); it equals ``sklearn.cluster.KMeans`` on every case in tests/test_drills_unsupervised.py.
    See chapter: chapters/unsupervised.md
    """
    cases = kmeans_cases()
    expected = [kmeans_solution(**kw) for _, kw in cases]
    hints = [(hint, functools.partial(_kmeans_variant, **knobs)) for hint, knobs in _KMEANS_HINTS]
    return _run(fn, "k-means (Lloyd) with empty clusters", cases, expected, ("labels", "centers"), hints, labels=True)


def check_pca(fn) -> Verdict:
    """Check ``fn(X, n_components) -> (components, explained_variance)`` against scikit-learn's PCA.

    Reference: ``sklearn.decomposition.PCA(svd_solver="full")`` (float64); in the browser (Pyodide)
    :func:`mlnotes.unsupervised.pca_svd` with scikit-learn's signs, proven equal in
    tests/test_unsupervised.py::test_pca_svd_with_sklearn_signs_is_sklearns_pca.
    See chapter: chapters/unsupervised.md
    """
    hints = [(hint, functools.partial(_pca_variant, kind=kind)) for hint, kind in _PCA_HINTS]
    return _run(fn, "PCA by SVD", pca_cases(), list(_pca_reference(oracle())), ("components", "explained_variance"),
                hints, align=True)
