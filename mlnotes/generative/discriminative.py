r"""Generative vs discriminative: P(y | x) from P(x | y)·P(y) by Bayes' rule, and sampling x given y.

A **generative model (生成模型)** learns the joint $p(x, y) = p(x\mid y)\,p(y)$ and gets the class
posterior by Bayes' rule,
$$p(y\mid x) = \frac{p(x\mid y)\,p(y)}{\sum_{y'} p(x\mid y')\,p(y')},$$
computed in log space with log-sum-exp. Because it models $x$, it can also *sample* $x$ given $y$.
A **discriminative model (判别模型)** learns $p(y\mid x)$ (or a decision boundary) directly and cannot.

Gaussian naive Bayes is the simplest generative classifier: $p(x\mid y) = \prod_j \mathcal N(x_j;\,
\mu_{yj}, \sigma^2_{yj})$, pixels independent given the class. Its samples therefore have no
correlation between neighbouring pixels, which real images do have: the motivation for latent-variable
models such as the VAE.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int


def _floats(name, value, ndim):
    """A finite floating array of rank ``ndim``: float32/float64 kept, integers → float64."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be array-like of real numbers, got dtype {arr.dtype}")
    return check_array(name, arr if arr.dtype.kind == "f" else arr.astype(np.float64), ndim=ndim, dtype=None)


def gaussian_log_likelihood(X, means, variances) -> np.ndarray:
    """log p(x | y) = Σ_j log N(x_j; μ_yj, σ²_yj) for every row of X (n, d) and class (K, d) → (n, K).

    The result has the promoted floating dtype of the inputs (all float32 → float32).
    See chapter: chapters/generative.md
    """
    X = _floats("X", X, 2)
    means = _floats("means", means, 2)
    variances = _floats("variances", variances, 2)
    if means.shape != variances.shape or means.shape[1] != X.shape[1]:
        raise ValueError(f"means and variances must have shape (K, {X.shape[1]}), got {means.shape} and "
                         f"{variances.shape}")
    if np.any(variances <= 0):
        raise ValueError("variances must be > 0")
    return _gaussian_log_likelihood(X, means, variances)


def _gaussian_log_likelihood(X, means, variances):
    diff = X[:, None, :] - means[None, :, :]  # (n, K, d): x_j − μ_yj for every class y
    return -0.5 * (np.log(2 * np.pi * variances)[None] + diff**2 / variances[None]).sum(-1)  # Σ_j log N


def bayes_posterior(log_likelihood, log_prior) -> np.ndarray:
    """p(y | x) = p(x | y) p(y) / Σ_y' p(x | y') p(y') from log p(x | y) (n, K) and log p(y) (K,) → (n, K).

    Computed in log space (log-sum-exp), in the promoted floating dtype of the inputs.
    See chapter: chapters/generative.md
    """
    ll = _floats("log_likelihood", log_likelihood, 2)
    lp = _floats("log_prior", log_prior, 1)
    if len(lp) != ll.shape[1]:
        raise ValueError(f"log_prior must have one entry per class ({ll.shape[1]}), got {len(lp)}")
    return _bayes_posterior(ll, lp)


def _bayes_posterior(log_likelihood, log_prior):
    from scipy.special import logsumexp

    joint = log_likelihood + log_prior  # log p(x | y) + log p(y) = log p(x, y), (n, K)
    log_evidence = logsumexp(joint, axis=1, keepdims=True)  # log p(x) = log Σ_y p(x, y), (n, 1)
    return np.exp(joint - log_evidence)  # p(y | x)


def sample_class_conditional(means, variances, y, n, seed=0) -> np.ndarray:
    """n samples x ~ p(x | y) = Π_j N(μ_yj, σ²_yj) of class index y → (n, d) float64.

    See chapter: chapters/generative.md
    """
    means = check_array("means", means, ndim=2)
    variances = check_array("variances", variances, ndim=2)
    y = check_int("y", y, low=0, high=len(means) - 1)
    n = check_int("n", n, low=1)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    return means[y] + np.sqrt(variances[y]) * rng.standard_normal((n, means.shape[1]))


def neighbour_correlation(images, side=8) -> float:
    """Mean Pearson correlation, across images, between each pixel and its right-hand neighbour.

    ``images`` (n, side²) → the average over the side·(side − 1) horizontal pixel pairs of
    corr(pixel, neighbour) over the n images; pairs where either pixel is constant are skipped.
    Independent pixels give ≈ 0. See chapter: chapters/generative.md
    """
    A = check_array("images", images, ndim=2)
    side = check_int("side", side, low=2)
    if A.shape[1] != side * side or len(A) < 2:
        raise ValueError(f"images must have shape (n >= 2, {side * side}), got {A.shape}")
    grid = A.reshape(len(A), side, side)
    left = grid[:, :, :-1].reshape(len(A), -1)  # (n, pairs)
    right = grid[:, :, 1:].reshape(len(A), -1)
    lc, rc = left - left.mean(0), right - right.mean(0)
    denom = np.sqrt((lc**2).sum(0) * (rc**2).sum(0))
    ok = denom > 1e-12 * len(A)
    if not np.any(ok):
        raise ValueError("every pixel pair is constant across the images: no correlation to measure")
    return float(np.mean((lc * rc).sum(0)[ok] / denom[ok]))
