"""Known wrong answers to the drills of ``mlnotes/drills/unsupervised.py`` (k-means with empty clusters, PCA by SVD).

Self-contained (numpy only): the browser runs this file alone. Each function is a mistake a reader makes; the
checker must fail it, and print the same verdict with the library oracle and with the browser's.
"""

import warnings

import numpy as np


# -- k-means ---------------------------------------------------------------------------------------------
def _lloyd(X, centers, max_iter, *, empty):
    """Lloyd's iterations on the float arrays X, centers (updated in place); ``empty(centers, j, X, d2, labels)``."""
    labels = None
    for _ in range(max_iter):
        d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        new = d2.argmin(axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(len(centers)):
            if np.any(labels == j):
                centers[j] = X[labels == j].mean(axis=0)
            else:
                empty(centers, j, X, d2, labels)
    return labels, centers


def kmeans_keeps_empty_centre(X, init_centers, max_iter=100):
    """An empty cluster keeps its old centre (and stays empty)."""
    def keep(centers, j, X, d2, labels):
        pass

    return _lloyd(np.asarray(X, dtype=float), np.array(init_centers, dtype=float), max_iter, empty=keep)


def kmeans_as_in_the_notes(X, init_centers, max_iter=100):
    """The notes' loop: the mean of an empty cluster is NaN, and it never stops early."""
    centroids = np.array(init_centers, dtype=float)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(max_iter):
            labels = np.argmin(((X[:, None] - centroids[None]) ** 2).sum(-1), axis=1)
            for j in range(len(centroids)):
                centroids[j] = X[labels == j].mean(axis=0)
    return labels, centroids


def kmeans_integer_centres(X, init_centers, max_iter=100):
    """Keeps X's dtype: uint8 pixels wrap around in the differences and the means are truncated."""
    def farthest(centers, j, X, d2, labels):
        centers[j] = X[np.argmax(d2[np.arange(len(X)), labels])]

    X = np.asarray(X)
    return _lloyd(X, np.array(init_centers, dtype=X.dtype), max_iter, empty=farthest)


def kmeans_one_pass(X, init_centers, max_iter=100):
    """One assignment and one update, then stops."""
    def farthest(centers, j, X, d2, labels):
        centers[j] = X[np.argmax(d2[np.arange(len(X)), labels])]

    return _lloyd(np.asarray(X, dtype=float), np.array(init_centers, dtype=float), 1, empty=farthest)


def kmeans_empty_takes_farthest_from_mean(X, init_centers, max_iter=100):
    """An empty cluster restarts on the sample farthest from the data's mean, not from its own centre."""
    def farthest_from_mean(centers, j, X, d2, labels):
        centers[j] = X[np.argmax(((X - X.mean(axis=0)) ** 2).sum(1))]

    return _lloyd(np.asarray(X, dtype=float), np.array(init_centers, dtype=float), max_iter,
                  empty=farthest_from_mean)


def kmeans_updates_init_centers_in_place(X, init_centers, max_iter=100):
    """Moves the caller's init_centers (no copy; hostile)."""
    def farthest(centers, j, X, d2, labels):
        centers[j] = X[np.argmax(d2[np.arange(len(X)), labels])]

    return _lloyd(np.asarray(X, dtype=float), init_centers, max_iter, empty=farthest)


# -- PCA by SVD ------------------------------------------------------------------------------------------
def pca_uncentred(X, n_components):
    """SVD of X itself: without centring the first axis points at the mean."""
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:n_components], s[:n_components] ** 2 / (len(X) - 1)


def pca_divides_by_n(X, n_components):
    """σ²/n: the biased variance."""
    _, s, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return Vt[:n_components], s[:n_components] ** 2 / len(X)


def pca_singular_values(X, n_components):
    """Returns σ instead of σ²/(n − 1)."""
    _, s, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return Vt[:n_components], s[:n_components]


def pca_components_as_columns(X, n_components):
    """V[:, :k]: the axes as columns (d, k)."""
    _, s, Vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return Vt.T[:, :n_components], s[:n_components] ** 2 / (len(X) - 1)


def pca_eigh_ascending(X, n_components):
    """np.linalg.eigh of the covariance sorts ascending: these are the smallest-variance axes."""
    Xc = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(Xc.T @ Xc / (len(X) - 1))
    return vectors[:, :n_components].T, values[:n_components]


def pca_rows_of_U(X, n_components):
    """The notes' SVD recipe with U and V swapped: directions in sample space."""
    U, s, _ = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    return U.T[:n_components], s[:n_components] ** 2 / (len(X) - 1)


def pca_centres_X_in_place(X, n_components):
    """X -= X.mean(0) (hostile: the caller's data are centred too)."""
    X -= X.mean(axis=0)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt[:n_components], s[:n_components] ** 2 / (len(X) - 1)


ANSWERS = {
    "kmeans": [kmeans_keeps_empty_centre, kmeans_as_in_the_notes, kmeans_integer_centres, kmeans_one_pass,
               kmeans_empty_takes_farthest_from_mean, kmeans_updates_init_centers_in_place],
    "pca": [pca_uncentred, pca_divides_by_n, pca_singular_values, pca_components_as_columns, pca_eigh_ascending,
            pca_rows_of_U, pca_centres_X_in_place],
}
