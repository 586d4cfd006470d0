r"""Principal component analysis (PCA, 主成分分析) two ways, and SVD low-rank approximation (低秩近似).

Centre the data, $X_c = X - \bar x$ ($n\times d$). The sample covariance is
$S = X_c^\top X_c/(n-1)$ ($d\times d$). The principal directions are the eigenvectors of $S$, and
the variance along each is its eigenvalue $\lambda_j$:

* **eigendecomposition (特征分解):** $S = W\Lambda W^\top$, with the columns of $W$ sorted by $\lambda$;
* **SVD (奇异值分解):** $X_c = U\Sigma V^\top$ gives $S = V\frac{\Sigma^2}{n-1}V^\top$, so $W = V$ and
  $\lambda_j = \sigma_j^2/(n-1)$, without ever forming $S$ (better conditioned: $\kappa(S) = \kappa(X_c)^2$).

The components are the rows of $W^\top$ (scikit-learn's ``components_``); the explained variance
ratio is $\lambda_j/\sum_l\lambda_l$; the scores are $X_cW = U\Sigma$. Each direction is defined up to
sign, so two correct implementations may differ by a sign per component.

**Low rank (Eckart–Young–Mirsky).** The best rank-$k$ approximation of $A$ in the Frobenius norm is
$A_k = \sum_{i\le k}\sigma_i u_i v_i^\top$, with error $\lVert A - A_k\rVert_F = \sqrt{\sum_{i>k}\sigma_i^2}$.
It stores $k(m + n + 1)$ numbers instead of $mn$.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes._checks import check_array, check_int


@dataclass(frozen=True)
class PCAResult:
    """components (k, d) rows, explained_variance (k,), explained_variance_ratio (k,), mean (d,).

    See chapter: chapters/unsupervised.md
    """

    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray
    mean: np.ndarray

    def transform(self, X) -> np.ndarray:
        """Scores (n, k) of X (n, d): (X − mean) Wᵀ."""
        return (np.asarray(X, dtype=float) - self.mean) @ self.components.T

    def inverse_transform(self, Z) -> np.ndarray:
        """Back to the data space: Z (n, k) -> (n, d)."""
        return np.asarray(Z, dtype=float) @ self.components + self.mean


def _prepare(X, n_components):
    X = check_array("X", X, ndim=2, dtype=np.float64)
    if X.shape[0] < 2 or X.shape[1] == 0:
        raise ValueError(f"X must be a 2-D array with at least 2 samples and 1 feature, got shape {X.shape}")
    k = min(X.shape) if n_components is None else check_int("n_components", n_components, low=1, high=min(X.shape))
    mean = X.mean(axis=0)
    return X - mean, mean, k


def pca_eig(X, n_components=None) -> PCAResult:
    """PCA from the eigendecomposition of the covariance matrix. X (n, d) -> :class:`PCAResult`.

    See chapter: chapters/unsupervised.md
    """
    Xc, mean, k = _prepare(X, n_components)
    S = Xc.T @ Xc / (len(Xc) - 1)  # (d, d) sample covariance
    values, vectors = np.linalg.eigh(S)  # ascending
    order = np.argsort(values)[::-1]
    values, vectors = np.maximum(values[order], 0.0), vectors[:, order]
    return PCAResult(vectors[:, :k].T, values[:k], values[:k] / values.sum(), mean)


def pca_svd(X, n_components=None) -> PCAResult:
    """PCA from the SVD of the centred data, never forming the covariance. X (n, d) -> :class:`PCAResult`.

    See chapter: chapters/unsupervised.md
    """
    Xc, mean, k = _prepare(X, n_components)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)  # Xc = U diag(s) Vt, s descending
    variance = s**2 / (len(Xc) - 1)  # λ_j = σ_j² / (n − 1)
    return PCAResult(Vt[:k], variance[:k], variance[:k] / variance.sum(), mean)


def align_signs(components, reference) -> np.ndarray:
    """Flip rows of ``components`` (k, d) so each has a non-negative dot product with ``reference``'s row.

    See chapter: chapters/unsupervised.md
    """
    components = np.asarray(components, dtype=float)
    signs = np.sign(np.sum(components * np.asarray(reference, dtype=float), axis=1))
    return components * np.where(signs == 0, 1.0, signs)[:, None]


def sklearn_signs(components) -> np.ndarray:
    """Flip rows of ``components`` (k, d) so each row's largest-magnitude entry is positive (the first on ties).

    scikit-learn's convention for ``PCA.components_`` (``svd_flip(U, Vt, u_based_decision=False)``), so
    ``sklearn_signs(pca_svd(X, k).components)`` equals ``PCA(k, svd_solver="full").fit(X).components_``
    (tested; the browser's PCA drill compares with it). See chapter: chapters/unsupervised.md
    """
    components = np.asarray(components, dtype=float)
    biggest = components[np.arange(len(components)), np.argmax(np.abs(components), axis=1)]  # (k,)
    return components * np.sign(biggest)[:, None]


def low_rank(A, k):
    """The best rank-k approximation of A (m, n) and the singular values: (A_k (m, n), s (min(m, n),)).

    See chapter: chapters/unsupervised.md
    """
    A = check_array("A", A, ndim=2, dtype=np.float64)
    k = check_int("k", k, low=1, high=min(A.shape))
    U, s, Vt = _svd(A.tobytes(), A.shape)
    return (U[:, :k] * s[:k]) @ Vt[:k], s


@lru_cache(maxsize=4)
def _svd(data: bytes, shape):
    """The thin SVD of a matrix given by its bytes (cached: a slider asks for many ranks of one image)."""
    U, s, Vt = np.linalg.svd(np.frombuffer(data).reshape(shape), full_matrices=False)
    for a in (U, s, Vt):
        a.setflags(write=False)
    return U, s, Vt


@lru_cache(maxsize=1)
def sample_image() -> np.ndarray:
    """scikit-learn's bundled photo 'china.jpg' in grey, every 2nd pixel: (214, 320) float64 in [0, 1].

    Read-only. See chapter: chapters/unsupervised.md
    """
    from sklearn.datasets import load_sample_image

    rgb = load_sample_image("china.jpg")[::2, ::2].astype(float) / 255.0  # (214, 320, 3)
    grey = rgb @ np.array([0.299, 0.587, 0.114])  # ITU-R 601 luma
    grey.setflags(write=False)
    return grey
