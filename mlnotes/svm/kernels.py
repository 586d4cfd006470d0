r"""Kernels (核函数) and the kernel trick (核技巧): an inner product in a feature space, without the features.

A kernel is $K(x, z) = \langle \varphi(x), \varphi(z)\rangle$ for some feature map $\varphi$. The
three of scikit-learn's ``SVC`` used in the book, with its parameter names:

$$
\begin{aligned}
K_{\text{linear}}(x, z) &= x^\top z,\\
K_{\text{poly}}(x, z) &= (\gamma\, x^\top z + r)^{d} && (\text{degree } d,\ \text{coef0 } r \ge 0),\\
K_{\text{rbf}}(x, z) &= \exp\!\big(-\gamma \lVert x - z\rVert^2\big) && (\gamma = 1/(2\sigma^2) > 0).
\end{aligned}
$$

**Explicit map of the polynomial kernel.** With $\tilde x = (\sqrt\gamma\, x, \sqrt r)\in\mathbb R^{D+1}$,
$(\gamma x^\top z + r)^d = (\tilde x^\top \tilde z)^d = \sum_{|a| = d} \binom{d}{a}\, \tilde x^{a}\tilde z^{a}$
(multinomial theorem over the multi-indices $a$), so
$\varphi(x)_a = \sqrt{\binom{d}{a}}\,\tilde x^{a}$: $\binom{D+d}{d}$ features, against $O(D)$ work for
the kernel value.

**The RBF kernel has no finite map.** In 1-D,
$e^{-\gamma(x-z)^2} = e^{-\gamma x^2} e^{-\gamma z^2}\sum_{k\ge0}\frac{(2\gamma)^k}{k!}x^k z^k$, so
$\varphi(x)_k = e^{-\gamma x^2}\sqrt{(2\gamma)^k/k!}\,x^k$ for $k = 0, 1, \dots$: infinitely many
features; truncating after $m$ terms approximates the kernel.

See chapter: chapters/svm.md
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from math import factorial

import numpy as np

from mlnotes._checks import check_array, check_int, check_real

KERNELS = ("linear", "poly", "rbf")


def _pair(X, Z):
    """X (n, D) and Z (m, D) as float arrays (Z defaults to X); the dtype of X is kept if floating."""
    X = _as_2d("X", X)
    Z = X if Z is None else _as_2d("Z", Z)
    if X.shape[1] != Z.shape[1]:
        raise ValueError(f"X and Z must have the same number of features, got {X.shape[1]} and {Z.shape[1]}")
    dtype = np.result_type(X.dtype, Z.dtype)
    return X.astype(dtype, copy=False), Z.astype(dtype, copy=False)


def _as_2d(name, A) -> np.ndarray:
    arr = np.asarray(A)
    dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    arr = check_array(name, arr, ndim=2, dtype=dtype)
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (n_samples, n_features), got shape {arr.shape}")
    return arr


def squared_distances(X, Z=None) -> np.ndarray:
    """Squared Euclidean distances ‖x_i − z_j‖²: X (n, D), Z (m, D) -> (n, m), never negative.

    Uses ‖x‖² + ‖z‖² − 2 x·z (one matrix product) and clips the rounding below 0 to 0, as
    scikit-learn's ``euclidean_distances`` does, in its order (−2 x·z, then + ‖x‖², then + ‖z‖²), so float64
    results are bit for bit scikit-learn's (the browser's RBF drill relies on it). Keeps a floating dtype of X
    (float32 stays float32). See chapter: chapters/svm.md
    """
    X, Z = _pair(X, Z)
    d2 = -2 * (X @ Z.T)  # (n, m)
    d2 += np.einsum("ij,ij->i", X, X)[:, None]  # row norms as sklearn's row_norms computes them
    d2 += np.einsum("ij,ij->i", Z, Z)[None, :]
    return np.maximum(d2, 0, out=d2)


def linear_kernel(X, Z=None) -> np.ndarray:
    """K = X Zᵀ: X (n, D), Z (m, D) (default X) -> (n, m). See chapter: chapters/svm.md"""
    X, Z = _pair(X, Z)
    return X @ Z.T


def polynomial_kernel(X, Z=None, degree=3, gamma=1.0, coef0=1.0) -> np.ndarray:
    """K = (γ X Zᵀ + coef0)^degree: X (n, D), Z (m, D) -> (n, m); as ``sklearn.metrics.pairwise.polynomial_kernel``.

    Raises ValueError for degree < 1, gamma <= 0 or coef0 < 0. See chapter: chapters/svm.md
    """
    X, Z = _pair(X, Z)
    degree = check_int("degree", degree, low=1)
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    coef0 = check_real("coef0", coef0, low=0.0)
    return (gamma * (X @ Z.T) + coef0) ** degree


def rbf_kernel(X, Z=None, gamma=1.0) -> np.ndarray:
    """K = exp(−γ ‖x − z‖²): X (n, D), Z (m, D) -> (n, m), entries in (0, 1], 1 on equal rows.

    As ``sklearn.metrics.pairwise.rbf_kernel``. Raises ValueError for gamma <= 0.
    See chapter: chapters/svm.md
    """
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    return np.exp(-gamma * squared_distances(X, Z))


def kernel_matrix(X, Z=None, kernel="rbf", *, gamma=1.0, degree=3, coef0=1.0) -> np.ndarray:
    """The Gram matrix of one of ``KERNELS`` ('linear', 'poly', 'rbf'): X (n, D), Z (m, D) -> (n, m).

    See chapter: chapters/svm.md
    """
    if kernel == "linear":
        return linear_kernel(X, Z)
    if kernel == "poly":
        return polynomial_kernel(X, Z, degree=degree, gamma=gamma, coef0=coef0)
    if kernel == "rbf":
        return rbf_kernel(X, Z, gamma=gamma)
    raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")


def polynomial_feature_map(X, degree=2, gamma=1.0, coef0=1.0) -> np.ndarray:
    """The explicit features φ(x) of the polynomial kernel: X (n, D) -> (n, C(D+degree, degree)).

    φ(x)·φ(z) = (γ x·z + coef0)^degree exactly (see the module docstring).
    See chapter: chapters/svm.md
    """
    X = _as_2d("X", X)
    degree = check_int("degree", degree, low=1)
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    coef0 = check_real("coef0", coef0, low=0.0)
    Xt = np.hstack([np.sqrt(gamma) * X, np.full((len(X), 1), np.sqrt(coef0), dtype=X.dtype)])  # (n, D+1)
    columns = []
    for idx in combinations_with_replacement(range(Xt.shape[1]), degree):  # one multi-index a, |a| = degree
        counts = np.bincount(idx, minlength=Xt.shape[1])
        multinomial = factorial(degree) / np.prod([factorial(int(c)) for c in counts])
        columns.append(np.sqrt(multinomial) * np.prod(Xt[:, idx], axis=1))  # √(d choose a) · x̃^a
    return np.stack(columns, axis=1)


def rbf_feature_map_1d(x, gamma=1.0, n_terms=10) -> np.ndarray:
    """The first ``n_terms`` features of the (infinite) RBF map in 1-D: x (n,) -> (n, n_terms).

    φ(x)_k = exp(−γx²) √((2γ)^k / k!) x^k, so φ(x)·φ(z) → exp(−γ(x−z)²) as n_terms grows.
    See chapter: chapters/svm.md
    """
    x = check_array("x", x, ndim=1)
    gamma = check_real("gamma", gamma, low=0.0, low_open=True)
    n_terms = check_int("n_terms", n_terms, low=1, high=170)
    k = np.arange(n_terms)
    coef = np.sqrt((2 * gamma) ** k / np.array([factorial(int(i)) for i in k], dtype=float))  # (n_terms,)
    return np.exp(-gamma * x**2)[:, None] * coef[None, :] * x[:, None] ** k[None, :]
