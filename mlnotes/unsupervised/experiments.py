r"""Cached computations behind the unsupervised chapter's figures and claims (nothing runs at import).

* ``kmeans_path``: Lloyd from a random start and from k-means++ on five blobs (every step kept);
* ``init_quality``: how often each seeding ends in a worse local optimum than the best of many runs;
* ``choose_k``: inertia and silhouette for k = 2..8;
* ``clustering_zoo``: k-means, a GMM fitted by EM and DBSCAN on four data sets, scored by the
  adjusted Rand index against the true groups (1 = the same partition, ≈ 0 = chance);
* ``notes_quantization``: 8-level grey quantization of the bundled photo by the notes' k-means and ours;
* ``em_path``: EM on three unequal blobs from a poor start, every step kept;
* ``digits_pca``: PCA of scikit-learn's 8×8 digits.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from mlnotes._checks import check_int
from mlnotes.unsupervised.data import DATASETS, dataset
from mlnotes.unsupervised.dbscan import dbscan
from mlnotes.unsupervised.errata import kmeans_as_in_notes
from mlnotes.unsupervised.gmm import gmm_em
from mlnotes.unsupervised.kmeans import KMeans, assign, kmeans_plusplus, lloyd
from mlnotes.unsupervised.pca import pca_svd, sample_image
from mlnotes.unsupervised.selection import silhouette_score

BLOBS5 = dict(n_samples=300, centers=5, cluster_std=0.8, random_state=1)  # five blobs for the k-means steps
RANDOM_SEED = 3  # a random start that ends in a poor local optimum on BLOBS5
BLOB_BOX = (-12.0, 1.0, -10.5, 7.0)  # plot limits (x0, x1, y0, y1) of five_blobs
MOON_BOX = (-1.6, 2.7, -1.2, 1.7)
EM_BOX = (-6.0, 11.0, -11.0, 7.0)
DBSCAN_EPS = {"blobs": 0.9, "anisotropic": 0.5, "unequal": 0.9, "moons": 0.2}  # one eps per data set


@lru_cache(maxsize=1)
def five_blobs():
    """(X (300, 2), y (300,)): ``make_blobs(**BLOBS5)``, read-only.

    See chapter: chapters/unsupervised.md
    """
    from sklearn.datasets import make_blobs

    X, y = make_blobs(**BLOBS5)
    X.setflags(write=False)
    return X, y


@lru_cache(maxsize=4)
def kmeans_path(init="random"):
    """(initial centres (5, 2), LloydResult with tol = 0) from a random start or k-means++ on ``five_blobs``.

    See chapter: chapters/unsupervised.md
    """
    if init not in ("random", "k-means++"):
        raise ValueError(f"init must be 'random' or 'k-means++', got {init!r}")
    X, _ = five_blobs()
    rng = np.random.RandomState(RANDOM_SEED)
    start = X[rng.choice(len(X), 5, replace=False)] if init == "random" else kmeans_plusplus(X, 5, RANDOM_SEED)[0]
    return start, lloyd(X, start, tol=0.0)


def assign_labels(X, centers):
    """The nearest centre of each sample (the assignment step): (n,).

    See chapter: chapters/unsupervised.md
    """
    return assign(X, centers)[0]


@lru_cache(maxsize=1)
def square_patch():
    """A 96 × 96 patch of ``sample_image()`` (float64 in [0, 1]) for the SVD erratum.

    See chapter: chapters/unsupervised.md
    """
    return sample_image()[40:136, 100:196].copy()


@lru_cache(maxsize=4)
def svd_rebuilt(method):
    """U·diag(s)·Vᵀ of ``square_patch()`` rebuilt by ``svd_from_eigh(…, method)`` (cached).

    See chapter: chapters/unsupervised.md
    """
    from mlnotes.unsupervised.errata import reconstruct, svd_from_eigh

    return reconstruct(*svd_from_eigh(square_patch(), method))


@lru_cache(maxsize=2)
def init_quality(n_seeds=100):
    """Share of seeds whose single run ends above 1.01 × the best inertia found: {init: share}.

    See chapter: chapters/unsupervised.md
    """
    n_seeds = check_int("n_seeds", n_seeds, low=1)
    X, _ = five_blobs()
    runs = {init: [KMeans(5, init=init, random_state=s).fit(X).inertia_ for s in range(n_seeds)]
            for init in ("random", "k-means++")}
    best = min(min(v) for v in runs.values())
    return {init: float(np.mean(np.array(v) > 1.01 * best)) for init, v in runs.items()}


@lru_cache(maxsize=1)
def choose_k(ks=(2, 3, 4, 5, 6, 7, 8)):
    """{k: (labels (300,), inertia, silhouette)} for KMeans(k, n_init=4) on ``five_blobs``.

    See chapter: chapters/unsupervised.md
    """
    X, _ = five_blobs()
    out = {}
    for k in ks:
        model = KMeans(k, n_init=4, random_state=0).fit(X)
        out[k] = (model.labels_, model.inertia_, silhouette_score(X, model.labels_))
    return out


def adjusted_rand(a, b) -> float:
    """Adjusted Rand index of two labelings (scikit-learn's ``adjusted_rand_score``).

    See chapter: chapters/unsupervised.md
    """
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


@lru_cache(maxsize=8)
def clustering_zoo(name):
    """{method: (labels, ARI)} for k-means, GMM (EM from the k-means solution) and DBSCAN on ``dataset(name)``.

    See chapter: chapters/unsupervised.md
    """
    if name not in DATASETS:
        raise ValueError(f"name must be one of {DATASETS}, got {name!r}")
    X, y = dataset(name)
    k = len(np.unique(y))
    km = KMeans(k, n_init=4, random_state=0).fit(X)
    resp = np.eye(k)[km.labels_]  # start EM from the k-means partition
    weights = resp.mean(0)
    means = km.cluster_centers_
    covs = np.stack([np.cov(X[km.labels_ == j].T) + 1e-6 * np.eye(2) for j in range(k)])
    gmm = gmm_em(X, weights, means, covs, max_iter=200, tol=1e-6)
    gmm_labels = _gmm_labels(X, gmm)
    db_labels, _ = dbscan(X, DBSCAN_EPS[name], 5)
    return {"k-means": (km.labels_, adjusted_rand(y, km.labels_)),
            "GMM (EM)": (gmm_labels, adjusted_rand(y, gmm_labels)),
            "DBSCAN": (db_labels, adjusted_rand(y, db_labels))}


def _gmm_labels(X, gmm):
    from mlnotes.unsupervised.gmm import e_step

    return np.argmax(e_step(X, gmm.weights, gmm.means, gmm.covariances)[1], axis=1)


@lru_cache(maxsize=1)
def noisy_moons():
    """(X (320, 2), y (320,)): ``dataset('moons')`` plus 20 uniform noise points labelled −1, read-only.

    See chapter: chapters/unsupervised.md
    """
    X, y = dataset("moons")
    noise = np.random.default_rng(0).uniform([-1.5, -1.0], [2.5, 1.5], size=(20, 2))
    X, y = np.vstack([X, noise]), np.append(y, -np.ones(20, dtype=y.dtype))
    X.setflags(write=False)
    return X, y


@lru_cache(maxsize=32)
def dbscan_moons(eps, min_samples):
    """dbscan(noisy_moons) at one setting (cached): (labels, core).

    See chapter: chapters/unsupervised.md
    """
    return dbscan(noisy_moons()[0], eps, min_samples)


@lru_cache(maxsize=1)
def photo_pixels(step=8):
    """The bundled photo's grey levels as uint8, one column: (n, 1), every ``step``-th pixel; and the shape.

    See chapter: chapters/unsupervised.md
    """
    from sklearn.datasets import load_sample_image

    img = load_sample_image("china.jpg")[::step, ::step]
    grey = np.round(img @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    return grey.reshape(-1, 1), grey.shape


@lru_cache(maxsize=1)
def duplicate_starts(k=8, n_seeds=200):
    """Seeds whose k random start pixels hold a repeated grey level, and the share of such seeds.

    See chapter: chapters/unsupervised.md
    """
    X8, _ = photo_pixels()
    dup = [s for s in range(n_seeds) if len(np.unique(X8[_start(s, len(X8), k)])) < k]
    return tuple(dup), len(dup) / n_seeds


def _start(seed, n, k):
    return np.random.default_rng(seed).choice(n, k, replace=False)


@lru_cache(maxsize=8)
def notes_quantization(version, seed):
    """8-level quantization of ``photo_pixels``: (image of centre values (h, w) with NaN where the centre is
    NaN, number of NaN centres, iterations run). version: 'notes, float', 'notes, uint8' or 'fixed'.

    See chapter: chapters/unsupervised.md
    """
    X8, shape = photo_pixels()
    idx = _start(check_int("seed", seed, low=0), len(X8), 8)
    if version == "fixed":
        run = lloyd(X8.astype(float), X8[idx].astype(float), max_iter=300, tol=0.0)
        labels, centers, n_iter = run.labels, run.centers, run.n_iter
    elif version in ("notes, float", "notes, uint8"):
        X = X8.astype(float) if version == "notes, float" else X8
        labels, centers = kmeans_as_in_notes(X, idx, max_iter=300)
        n_iter = 300
    else:
        raise ValueError(f"version must be 'notes, float', 'notes, uint8' or 'fixed', got {version!r}")
    centers = np.asarray(centers, dtype=float)
    return centers[labels, 0].reshape(shape), int(np.isnan(centers).any(axis=1).sum()), n_iter


@lru_cache(maxsize=1)
def em_data():
    """(X (300, 2), y): ``dataset('unequal')``, and a poor start: (weights, means, covariances).

    See chapter: chapters/unsupervised.md
    """
    X, y = dataset("unequal")
    means = np.array([[-2.0, 4.0], [0.0, 4.5], [2.0, 4.0]])  # all three on top of the data
    return X, y, (np.full(3, 1 / 3), means, np.stack([np.eye(2)] * 3))


@lru_cache(maxsize=1)
def em_path(max_iter=60):
    """EM on ``em_data`` from its poor start, tol 1e-8: a GMMResult with every step.

    See chapter: chapters/unsupervised.md
    """
    X, _, start = em_data()
    return gmm_em(X, *start, max_iter=check_int("max_iter", max_iter, low=1), tol=1e-8)


@lru_cache(maxsize=1)
def digits_pca():
    """(images (1797, 64) in [0, 16], PCAResult with all 64 components) of scikit-learn's digits.

    See chapter: chapters/unsupervised.md
    """
    from sklearn.datasets import load_digits

    X = load_digits().data
    return X, pca_svd(X)

