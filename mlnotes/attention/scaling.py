r"""Why the scores are divided by $\sqrt{d_k}$ (erratum 20: not by $d_k$).

For $q, k \in \mathbb R^{d_k}$ with independent zero-mean, unit-variance entries,
$$\operatorname{Var}(q\cdot k) = \sum_{i=1}^{d_k} \operatorname{Var}(q_i k_i)
= \sum_{i=1}^{d_k} E[q_i^2]\,E[k_i^2] = d_k,$$
so $q\cdot k/\sqrt{d_k}$ has variance 1 whatever $d_k$; dividing by $d_k$ instead gives variance $1/d_k$
(every weight $\to 1/S$: attention becomes a plain average).

Unscaled, the scores' spread grows like $\sqrt{d_k}$ and softmax saturates: the largest weight $\to 1$
and the Jacobian (雅可比矩阵) of $p = \operatorname{softmax}(s)$,
$$\frac{\partial p_i}{\partial s_j} = p_i(\delta_{ij} - p_j),\qquad J = \operatorname{diag}(p) - pp^\top,$$
tends to 0 as $p$ tends to one-hot: the gradient through attention vanishes (梯度消失).

See chapter: chapters/attention.md
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_array, check_int
from mlnotes.attention._arrays import float_array

SCALES = ("none", "sqrt", "linear")


def score_variance(d_k_values, n_samples=4000, seed=0) -> np.ndarray:
    """Empirical Var(q·k) of random unit-variance q, k for each d_k (≈ d_k): (n,) -> (n,).

    See chapter: chapters/attention.md
    """
    d_k_values = check_array("d_k_values", d_k_values, ndim=1, dtype=float)
    if d_k_values.size == 0 or np.any(d_k_values < 1) or np.any(d_k_values != np.round(d_k_values)):
        raise ValueError(f"d_k_values must be a non-empty list of integers >= 1, got {d_k_values.tolist()}")
    n_samples = check_int("n_samples", n_samples, low=2)
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    out = []
    for d in d_k_values.astype(int):
        q = rng.standard_normal((n_samples, d))  # (n, d_k)
        k = rng.standard_normal((n_samples, d))  # (n, d_k)
        out.append(np.var(np.einsum("nd,nd->n", q, k), ddof=1))  # Var(q·k) over n pairs
    return np.array(out)


def softmax_jacobian(p) -> np.ndarray:
    """Jacobian ∂p_i/∂s_j = p_i(δ_ij − p_j) of softmax at output p: (..., S) -> (..., S, S), same floating dtype.

    See chapter: chapters/attention.md
    """
    p = float_array("p", p)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise ValueError(f"p must have shape (..., S) with S >= 1, got {p.shape}")
    eye = np.eye(p.shape[-1], dtype=p.dtype)  # (S, S)
    return np.einsum("...i,ij->...ij", p, eye) - p[..., :, None] * p[..., None, :]  # (..., S, S)


@dataclass(frozen=True)
class Saturation:
    """Averages over random queries of how peaked softmax(q·k · scale) is for one d_k."""

    d_k: int
    scale: str
    score_std: float  # standard deviation of the scaled scores
    max_weight: float  # mean of the largest attention weight (1/S = uniform, 1 = one-hot)
    jacobian_norm: float  # mean Frobenius norm of diag(p) − ppᵀ (0 = no gradient flows)
    entropy: float  # mean entropy of a row of weights, in nats (ln S = uniform)


def scaled_scores(d_k, scale="sqrt", n_keys=16, n_queries=2048, seed=0) -> np.ndarray:
    """Scores q·k·c of random unit-variance q, k with c = 1, 1/√d_k or 1/d_k: -> (n_queries, n_keys).

    See chapter: chapters/attention.md
    """
    d_k = check_int("d_k", d_k, low=1)
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES} (none: 1, sqrt: 1/√d_k, linear: 1/d_k), got {scale!r}")
    n_keys = check_int("n_keys", n_keys, low=2)
    n_queries = check_int("n_queries", n_queries, low=1)
    seed = check_int("seed", seed, low=0)
    c = {"none": 1.0, "sqrt": 1.0 / np.sqrt(d_k), "linear": 1.0 / d_k}[scale]
    return _raw_scores(d_k, n_keys, n_queries, seed) * c  # (n_queries, S), a new array


@functools.lru_cache(maxsize=32)
def _raw_scores(d_k: int, n_keys: int, n_queries: int, seed: int) -> np.ndarray:
    """Unscaled q·k of random unit-variance q, k (cached: the three scalings share one draw)."""
    rng = np.random.default_rng(seed)
    n_sets = min(32, n_queries)  # fresh keys for each set of queries
    sizes = np.diff(np.linspace(0, n_queries, n_sets + 1).astype(int))
    rows = []
    for n in sizes:
        q = rng.standard_normal((n, d_k))  # (n, d_k)
        k = rng.standard_normal((n_keys, d_k))  # (S, d_k)
        rows.append(q @ k.T)  # (n, S)
    out = np.concatenate(rows)  # (n_queries, S)
    out.flags.writeable = False  # shared by every caller
    return out


def saturation(d_k, scale="sqrt", n_keys=16, n_queries=2048, seed=0) -> Saturation:
    """Mean max weight, softmax-Jacobian norm and entropy of softmax(q·k·c) for one d_k.

    See chapter: chapters/attention.md
    """
    from mlnotes.attention.core import softmax

    s = scaled_scores(d_k, scale, n_keys, n_queries, seed)  # (n, S)
    p = softmax(s)  # (n, S)
    jac = softmax_jacobian(p)  # (n, S, S)
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(p > 0, p * np.log(p), 0.0), axis=-1)  # (n,)
    return Saturation(int(d_k), scale, float(np.std(s)), float(np.mean(p.max(axis=-1))),
                      float(np.mean(np.linalg.norm(jac, axis=(-2, -1)))), float(np.mean(ent)))
