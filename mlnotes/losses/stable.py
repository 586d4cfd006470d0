r"""Numerically stable log-sum-exp, log-softmax, softplus and log-sigmoid (数值稳定).

$e^{x}$ overflows for $x > 88.7$ in float32 ($709.8$ in float64) and underflows to 0 for very negative
$x$, so none of these is computed as written. Subtracting $m = \max_j x_j$ is exact in real arithmetic
and makes every exponent $\le 0$ with one term equal to 1:
$$\operatorname{logsumexp}(x) = m + \log\sum_j e^{x_j - m} \quad(\text{the sum lies in } [1, C]),\qquad
\log\operatorname{softmax}(x)_i = (x_i - m) - \log\sum_j e^{x_j - m}.$$
The log-softmax subtracts $m$ *first*: $x_i - \operatorname{logsumexp}(x)$ is equal in exact arithmetic, but
for logits near $-10^4$ in float32 it rounds $\operatorname{logsumexp}(x)$ to the float32 spacing there
($\approx 10^{-3}$) before the subtraction.
The log-softmax is never $\log$ of a softmax that has underflowed to 0, so a wrong class with
logit $-10^4$ costs $10^4$ nats, not $\infty$. For one logit,
$$\operatorname{softplus}(x) = \log(1+e^x) = \max(x, 0) + \log\bigl(1 + e^{-|x|}\bigr),\qquad
\log\sigma(x) = -\operatorname{softplus}(-x),$$
which is what a stable binary cross-entropy on logits is built from.
References: ``torch.logsumexp``, ``torch.log_softmax``, ``torch.nn.functional.softplus``,
``torch.nn.functional.logsigmoid``.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.activations._common import as_float_array
from mlnotes.activations.functions import _check_axis


def _logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)  # the largest logit of each slice
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))  # every exponent ≤ 0, the sum in [1, C]
    return out if keepdims else np.squeeze(out, axis=axis)


def _log_softmax(x, axis=-1):
    shifted = x - np.max(x, axis=axis, keepdims=True)  # x_i − m: exact for nearby values, every entry ≤ 0
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))  # (x_i − m) − log Σ e^{x_j − m}


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))  # log(1 + eˣ) without overflow


def _log_sigmoid(x):
    return -_softplus(-x)  # log σ(x) = −log(1 + e^{−x})


def _logits(x, axis):
    x = as_float_array("x", x)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, got a scalar")
    return x, _check_axis(axis, x.ndim)


def logsumexp(x, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """log Σ exp(x) along ``axis``, stable for any finite logits; x's dtype, shape without ``axis`` (unless keepdims).

    Raises ValueError for NaN/inf or an empty x. Reference: ``torch.logsumexp``. See chapter: chapters/losses.md
    """
    x, axis = _logits(x, axis)
    return _logsumexp(x, axis=axis, keepdims=bool(keepdims))


def log_softmax(x, axis: int = -1) -> np.ndarray:
    """log softmax(x) along ``axis`` = (x − max) − log Σ e^{x − max}; same shape and dtype as x, every entry ≤ 0.

    Reference: ``torch.log_softmax``. See chapter: chapters/losses.md
    """
    x, axis = _logits(x, axis)
    return _log_softmax(x, axis)


def softplus(x) -> np.ndarray:
    """log(1 + eˣ) elementwise, stable (≈ x for large x, ≈ eˣ for very negative x); same shape and dtype.

    Reference: ``torch.nn.functional.softplus``. See chapter: chapters/losses.md
    """
    return _softplus(as_float_array("x", x, nonempty=False))


def log_sigmoid(x) -> np.ndarray:
    """log σ(x) = −softplus(−x) elementwise, stable; same shape and dtype.

    Reference: ``torch.nn.functional.logsigmoid``. See chapter: chapters/losses.md
    """
    return _log_sigmoid(as_float_array("x", x, nonempty=False))
