r"""EM (期望最大化) for a Gaussian mixture model (GMM, 高斯混合模型) with full covariances.

Model: $p(x) = \sum_{j=1}^k \pi_j\,\mathcal N(x \mid \mu_j, \Sigma_j)$ with weights $\pi_j \ge 0$, $\sum_j\pi_j = 1$.
The component $z_i$ that generated $x_i$ is a latent variable (隐变量). EM alternates:

* **E step:** responsibilities (责任度) $r_{ij} = p(z_i = j \mid x_i) =
  \dfrac{\pi_j\,\mathcal N(x_i\mid\mu_j,\Sigma_j)}{\sum_l \pi_l\,\mathcal N(x_i\mid\mu_l,\Sigma_l)}$ (in log space:
  log-sum-exp);
* **M step:** with $N_j = \sum_i r_{ij}$: $\pi_j = N_j/n$, $\mu_j = \frac1{N_j}\sum_i r_{ij}x_i$,
  $\Sigma_j = \frac1{N_j}\sum_i r_{ij}(x_i-\mu_j)(x_i-\mu_j)^\top + \epsilon I$ (``reg_covar`` $\epsilon$ keeps it
  invertible).

Each iteration never lowers the log-likelihood $\ell = \frac1n\sum_i \log p(x_i)$ (reported per sample,
like scikit-learn's ``lower_bound_``): the E step makes Jensen's lower bound tight, the M step
maximises it (exactly so for ``reg_covar = 0``; the ridge $\epsilon I$ changes the M step slightly, and
a large $\epsilon$ can make $\ell$ dip). EM stops when $\ell$ changes by less than ``tol``; it finds a local
maximum only.
k-means is the limit of EM with $\Sigma_j = \sigma^2 I$, $\sigma\to0$ (hard assignments).

Following scikit-learn's ``GaussianMixture.fit``, iteration $t$ runs an E step (which yields the
log-likelihood of the current parameters) and then an M step, so ``log_likelihood[t]`` belongs to
the parameters *before* update $t$.

See chapter: chapters/unsupervised.md
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlnotes._checks import check_array, check_int, check_real


def log_gaussian(X, mean, cov) -> np.ndarray:
    """log N(x | mean, cov) for each row of X (n, d) -> (n,), via a Cholesky factor of cov (d, d).

    See chapter: chapters/unsupervised.md
    """
    L = np.linalg.cholesky(cov)  # cov = L Lᵀ
    z = np.linalg.solve(L, (X - mean).T)  # (d, n) whitened residuals
    log_det = 2 * np.log(np.diag(L)).sum()
    d = X.shape[1]
    return -0.5 * (d * np.log(2 * np.pi) + log_det + (z * z).sum(0))


def e_step(X, weights, means, covs):
    """(mean log-likelihood, log responsibilities (n, k)) of the current parameters.

    See chapter: chapters/unsupervised.md
    """
    log_joint = np.stack([np.log(w) + log_gaussian(X, m, c) for w, m, c in zip(weights, means, covs)], axis=1)
    top = log_joint.max(axis=1, keepdims=True)  # log-sum-exp, stable
    log_px = top[:, 0] + np.log(np.exp(log_joint - top).sum(axis=1))  # (n,) log p(x_i)
    return float(log_px.mean()), log_joint - log_px[:, None]


def m_step(X, resp, reg_covar):
    """(weights (k,), means (k, d), covariances (k, d, d)) from responsibilities (n, k).

    See chapter: chapters/unsupervised.md
    """
    Nk = resp.sum(axis=0) + 10 * np.finfo(float).eps  # (k,) soft counts (scikit-learn's guard against 0)
    means = resp.T @ X / Nk[:, None]  # (k, d)
    covs = np.empty((len(Nk), X.shape[1], X.shape[1]))
    for j in range(len(Nk)):
        diff = X - means[j]
        covs[j] = (resp[:, j] * diff.T) @ diff / Nk[j] + reg_covar * np.eye(X.shape[1])
    return Nk / Nk.sum(), means, covs


@dataclass(frozen=True)
class GMMResult:
    """Fitted weights (k,), means (k, d), covariances (k, d, d), the log-likelihood path, and every step.

    See chapter: chapters/unsupervised.md
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    log_likelihood: np.ndarray  # (n_iter,) mean log-likelihood before each M step
    n_iter: int
    converged: bool
    history: list = field(default_factory=list, repr=False)  # (weights, means, covs) before each M step


def gmm_em(X, weights, means, covariances, max_iter=100, tol=1e-3, reg_covar=1e-6) -> GMMResult:
    """EM from the given start on X (n, d). Equal to ``GaussianMixture(covariance_type="full",
    weights_init=weights, means_init=means, precisions_init=inv(covariances))`` with the same
    ``max_iter``, ``tol``, ``reg_covar``. See chapter: chapters/unsupervised.md
    """
    X = check_array("X", X, ndim=2, dtype=np.float64)
    n, d = X.shape
    if n < 2 or d == 0:
        raise ValueError(f"X must be a 2-D array with at least 2 samples and 1 feature, got shape {X.shape}")
    weights = check_array("weights", weights, ndim=1)
    k = len(weights)
    if k == 0 or np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-10):
        raise ValueError("weights must be a non-empty vector of non-negative numbers summing to 1")
    means = check_array("means", means, shape=(k, d))
    covs = check_array("covariances", covariances, shape=(k, d, d))
    if np.any(np.linalg.eigvalsh(covs) <= 0) or not np.allclose(covs, covs.transpose(0, 2, 1)):
        raise ValueError("covariances must be symmetric positive definite matrices")
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_real("tol", tol, low=0.0)
    reg_covar = check_real("reg_covar", reg_covar, low=0.0)
    params, lls, history, converged = (weights, means, covs), [], [], False
    for _ in range(max_iter):
        ll, log_resp = e_step(X, *params)
        history.append(params)
        change = ll - lls[-1] if lls else np.inf
        lls.append(ll)
        params = m_step(X, np.exp(log_resp), reg_covar)
        if abs(change) < tol:
            converged = True
            break
    return GMMResult(*params, np.array(lls), len(lls), converged, history)
