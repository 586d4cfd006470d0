r"""The source notes' k-means code and SVD recipe, reproduced faithfully so the chapter can run them.

**Erratum 17 (k-means code).** The notes' class has three defects:

1. its comments lost their ``#``, so the file does not even compile (:data:`NOTES_COMMENT_LINE`
   reproduces the pattern);
2. the update is ``centroids[j] = X[labels == j].mean(axis=0)``: an empty cluster gives the mean of
   nothing, NaN. ``argmin`` returns the first NaN it meets, so on the next step every sample joins
   that cluster: its centre becomes the mean of all the data and every other centre turns NaN — the
   clustering collapses to one cluster;
3. no convergence check: it always runs ``max_iter`` (300) iterations.

It also keeps the centroids in X's dtype (they are rows of X), so integer data (pixels, counts) get
truncated means. :func:`kmeans_as_in_notes` reproduces all of it, from given initial indices.

**Erratum 13 (SVD).** The notes build $A = U\Sigma V^\top$ ($A$ is $m\times n$) from two
eigendecompositions but swap them: eigenvectors of $AA^\top$ ($m\times m$) are the *left* singular
vectors $U$ (since $AA^\top = U\Sigma^2U^\top$), those of $A^\top A$ ($n\times n$) the *right* ones $V$
(since $A^\top A = V\Sigma^2V^\top$). Even the right assignment needs care: each eigenvector is defined
only up to sign, so two separate eigendecompositions pair $u_i$ and $v_i$ with random relative signs.
The fix is to take $V$ from $A^\top A$ and set $u_i = Av_i/\sigma_i$.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

import warnings

import numpy as np

from mlnotes._checks import check_array, check_int

NOTES_COMMENT_LINE = '''\
def fit(self, X):
    np.random.seed(self.random_state)
     pick the initial centroids among the samples
    centroids = X[np.random.choice(X.shape[0], self.n_clusters, replace=False)]
'''


def kmeans_as_in_notes(X, init_indices, max_iter=300):
    """The notes' Lloyd loop from centroids X[init_indices]: (labels (n,), centroids (k, d)).

    Always ``max_iter`` iterations; empty clusters give NaN centroids; centroids keep X's dtype.
    Warnings of the empty means are silenced (the NaN is the point). See chapter: chapters/unsupervised.md
    """
    X = np.asarray(X)
    idx = check_array("init_indices", init_indices, ndim=1, dtype=np.int64)
    max_iter = check_int("max_iter", max_iter, low=1)
    centroids = X[idx]  # rows of X: X's dtype, as in the notes
    labels = np.zeros(len(X), dtype=np.int64)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        for _ in range(max_iter):  # no convergence check
            distances = np.sqrt(((X - centroids[:, np.newaxis]) ** 2).sum(axis=2))  # (k, n)
            labels = np.argmin(distances, axis=0)
            for j in range(len(idx)):
                centroids[j] = X[labels == j].mean(axis=0)  # NaN for an empty cluster
    return labels, centroids


def _sorted_eigh(S):
    """Eigenvalues (descending, clipped at 0) and eigenvectors (columns) of a symmetric matrix."""
    values, vectors = np.linalg.eigh(S)
    order = np.argsort(values)[::-1]
    return np.maximum(values[order], 0.0), vectors[:, order]


def svd_from_eigh(A, method="paired"):
    """(U, s, Vt) of A (m, n) from eigendecompositions, r = min(m, n) singular values.

    ``method``: "notes" (U from AᵀA, V from AAᵀ: swapped, erratum 13), "independent" (U from AAᵀ,
    V from AᵀA, signs unpaired) or "paired" (V from AᵀA, u_i = A v_i / σ_i: correct for σ_i > 0).
    See chapter: chapters/unsupervised.md
    """
    A = check_array("A", A, ndim=2)
    if method not in ("notes", "independent", "paired"):
        raise ValueError(f"method must be 'notes', 'independent' or 'paired', got {method!r}")
    r = min(A.shape)
    s2, V = _sorted_eigh(A.T @ A)  # AᵀA = V Σ² Vᵀ
    s = np.sqrt(s2[:r])
    if method == "paired":
        V = V[:, :r]
        U = A @ V / np.where(s > 0, s, 1.0)  # u_i = A v_i / σ_i
        return U, s, V.T
    _, U = _sorted_eigh(A @ A.T)  # AAᵀ = U Σ² Uᵀ
    if method == "notes":
        U, V = V, U  # the notes: eigenvectors of AAᵀ called V, of AᵀA called U
    return U[:, :r], s, V[:, :r].T


def reconstruct(U, s, Vt) -> np.ndarray:
    """U diag(s) Vᵀ; raises ValueError (naming the shapes) when they do not fit together.

    See chapter: chapters/unsupervised.md
    """
    if U.shape[1] != len(s) or Vt.shape[0] != len(s):
        raise ValueError(f"U {U.shape}, s {s.shape} and Vt {Vt.shape} do not fit together")
    return (U * s) @ Vt
