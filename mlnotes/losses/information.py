r"""Information theory (信息论): entropy, cross-entropy, KL divergence, and the KL of two Gaussians.

For discrete distributions $P, Q$ over the same $K$ outcomes (natural log: nats; base 2: bits),
$$H(P) = -\sum_i P_i\log P_i,\qquad H(P, Q) = -\sum_i P_i\log Q_i,\qquad
D_\text{KL}(P\,\|\,Q) = \sum_i P_i\log\frac{P_i}{Q_i} = H(P, Q) - H(P) \;\ge 0,$$
with $0\log 0 = 0$; $D_\text{KL} = \infty$ where $P_i > 0 = Q_i$. Gibbs' inequality gives $\ge 0$, with
equality only for $P = Q$; KL is not symmetric, $D_\text{KL}(P\|Q) \ne D_\text{KL}(Q\|P)$ in general.
Since $H(P)$ does not depend on the model $Q$, minimizing $H(P, Q)$ and $D_\text{KL}(P\|Q)$ over $Q$
give the same gradients.

PyTorch's ``F.kl_div(input, target)`` takes the *model's log-probabilities* as ``input`` and $P$ as
``target``: pointwise $P(\log P - \text{input})$; ``reduction="batchmean"`` divides the sum by the batch
size (the true mean KL per sample), while ``"mean"`` divides by the number of elements.

For $P = \mathcal N(\mu_p, \sigma_p^2)$ and $Q = \mathcal N(\mu_q, \sigma_q^2)$,
$$D_\text{KL}(P\|Q) = \log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p-\mu_q)^2}{2\sigma_q^2} - \frac12 ,$$
and a Monte Carlo estimate is the sample mean of $\log p(x) - \log q(x)$ over $x \sim P$: unbiased,
with a standard error that shrinks like $1/\sqrt n$.

References: ``scipy.stats.entropy`` (entropy and KL), ``torch.nn.functional.kl_div``,
``torch.distributions.kl_divergence`` (Gaussians).

See chapter: chapters/losses.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.activations._common import as_float_array
from mlnotes.losses._common import check_reduction, pair

KL_REDUCTIONS = ("none", "mean", "sum", "batchmean")


def _xlogy(x, y):
    """``scipy.special.xlogy`` (x·log y, 0 where x = 0), imported on first use: ``kl_normal`` and the rest of
    :mod:`mlnotes.losses` import without scipy (the drills' browser oracle, Pyodide)."""
    from scipy.special import xlogy as scipy_xlogy

    return scipy_xlogy(x, y)


# -- discrete distributions ----------------------------------------------------------------------------
def _distribution(name, p):
    p = as_float_array(name, p)
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least 1 dimension (the outcomes), got a scalar")
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative (probabilities)")
    total = p.sum(axis=-1)
    if not np.allclose(total, 1, rtol=0, atol=1e-5 if p.dtype == np.float32 else 1e-9):
        raise ValueError(f"{name} must sum to 1 along the last axis, got sums {np.ravel(total)[:3]}")
    return p


def _base(base):
    if base is None:
        return 1.0
    return math.log(check_real("base", base, low=0.0, low_open=True))


def entropy(p, base: float | None = None) -> np.ndarray:
    """H(P) = −Σ P log P over the last axis (0 log 0 = 0), in nats (or in ``base``, e.g. 2 for bits).

    Shape: p's without its last axis. Reference: ``scipy.stats.entropy(p)``. See chapter: chapters/losses.md
    """
    p = _distribution("p", p)
    return (0.0 - np.sum(_xlogy(p, p), axis=-1)) / p.dtype.type(_base(base))  # 0.0 − …: no "−0.0" if certain


def cross_entropy_dist(p, q, base: float | None = None) -> np.ndarray:
    """H(P, Q) = −Σ P log Q over the last axis (∞ where P > 0 = Q). See chapter: chapters/losses.md"""
    p, q = pair(_distribution("p", p), _distribution("q", q), input_name="p", target_name="q")
    with np.errstate(divide="ignore"):
        return -np.sum(_xlogy(p, q), axis=-1) / p.dtype.type(_base(base))


def kl_divergence(p, q, base: float | None = None) -> np.ndarray:
    """D_KL(P‖Q) = Σ P log(P/Q) ≥ 0 over the last axis (∞ where P > 0 = Q); not symmetric.

    Reference: ``scipy.stats.entropy(p, q)``. See chapter: chapters/losses.md
    """
    p, q = pair(_distribution("p", p), _distribution("q", q), input_name="p", target_name="q")
    with np.errstate(divide="ignore"):
        terms = _xlogy(p, p) - _xlogy(p, q)  # P log P − P log Q, 0 where P = 0
    return np.sum(terms, axis=-1) / p.dtype.type(_base(base))


# -- torch's kl_div --------------------------------------------------------------------------------------
def _kl_div_both(input, target, reduction, log_target):
    check_reduction(reduction, KL_REDUCTIONS)
    x, t = pair(input, target)
    if not isinstance(log_target, bool):
        raise TypeError(f"log_target must be a bool, got {type(log_target).__name__}")
    if log_target:
        p = np.exp(t)
        loss, grad = p * (t - x), -p
    else:
        if np.any(t < 0):
            raise ValueError("target must be non-negative probabilities (or pass log_target=True)")
        loss, grad = _xlogy(t, t) - t * x, -t  # P log P − P·input, 0 where P = 0
    if reduction == "none":
        return loss, grad
    dtype = x.dtype.type
    if reduction == "sum":
        return dtype(loss.sum()), grad
    n = x.shape[0] if reduction == "batchmean" and x.ndim > 0 else loss.size
    return dtype(loss.sum() / n), grad / dtype(n)


def kl_div(input, target, reduction: str = "mean", log_target: bool = False):
    """torch's ``F.kl_div``: Σ target·(log target − input), ``input`` = the model's log-probabilities.

    ``reduction``: 'none', 'mean' (÷ number of elements), 'sum' or 'batchmean' (÷ input.shape[0]: the
    mean KL per sample). See chapter: chapters/losses.md
    """
    return _kl_div_both(input, target, reduction, log_target)[0]


def kl_div_grad(input, target, reduction: str = "mean", log_target: bool = False) -> np.ndarray:
    """∂ kl_div / ∂ input = −target (÷ the reduction's count). See chapter: chapters/losses.md"""
    return _kl_div_both(input, target, reduction, log_target)[1]


# -- two Gaussians -------------------------------------------------------------------------------------------
def _kl_normal(mu_p, sigma_p, mu_q, sigma_q):
    return np.log(sigma_q / sigma_p) + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5


def kl_normal(mu_p, sigma_p, mu_q, sigma_q) -> np.ndarray:
    """Closed-form D_KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)), elementwise with broadcasting; σ's > 0.

    Reference: ``torch.distributions.kl_divergence(Normal(μ_p, σ_p), Normal(μ_q, σ_q))``.
    See chapter: chapters/losses.md
    """
    mu_p, mu_q = as_float_array("mu_p", mu_p), as_float_array("mu_q", mu_q)
    sigma_p, sigma_q = as_float_array("sigma_p", sigma_p), as_float_array("sigma_q", sigma_q)
    for name, s in (("sigma_p", sigma_p), ("sigma_q", sigma_q)):
        if np.any(s <= 0):
            raise ValueError(f"{name} must be > 0 (a standard deviation)")
    try:
        np.broadcast_shapes(mu_p.shape, sigma_p.shape, mu_q.shape, sigma_q.shape)
    except ValueError:
        raise ValueError("mu_p, sigma_p, mu_q and sigma_q must broadcast to one shape") from None
    return _kl_normal(mu_p, sigma_p, mu_q, sigma_q)


def _log_normal_pdf(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def kl_normal_mc(mu_p: float, sigma_p: float, mu_q: float, sigma_q: float, n: int, rng=None) -> tuple[float, float]:
    """Monte Carlo D_KL(P‖Q) for two 1-D Gaussians: (mean of log p(x) − log q(x) over n draws x ~ P, its standard error).

    ``rng`` is a ``numpy.random.Generator`` (default: a fresh unseeded one). See chapter: chapters/losses.md
    """
    mu_p, mu_q = check_real("mu_p", mu_p), check_real("mu_q", mu_q)
    sigma_p = check_real("sigma_p", sigma_p, low=0.0, low_open=True)
    sigma_q = check_real("sigma_q", sigma_q, low=0.0, low_open=True)
    n = check_int("n", n, low=2)
    if rng is None:
        rng = np.random.default_rng()
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    x = mu_p + sigma_p * rng.standard_normal(n)  # x ~ P
    log_ratio = _log_normal_pdf(x, mu_p, sigma_p) - _log_normal_pdf(x, mu_q, sigma_q)
    return float(log_ratio.mean()), float(log_ratio.std(ddof=1) / math.sqrt(n))
