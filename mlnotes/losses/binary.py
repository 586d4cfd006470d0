r"""Binary classification losses (二分类损失) with their gradients: BCE, BCE with logits, logistic, hinge.

With $p = \sigma(z)$ the predicted probability of the positive class:
$$\text{BCE}(p, y) = -w\,[\,y\log p + (1-y)\log(1-p)\,],\qquad
\text{BCE}_\text{logits}(z, y) = w\,[\,\rho\, y\,\operatorname{softplus}(-z) + (1-y)\operatorname{softplus}(z)\,],$$
with optional ``pos_weight`` $\rho$; $\partial\,\text{BCE}_\text{logits}/\partial z = w\,[(1-y)\,\sigma(z) - \rho\, y\,\sigma(-z)]$,
i.e. $\sigma(z) - y$ for $w = \rho = 1$. Torch's probability BCE clamps each log at $-100$, so its loss
is at most $100 w$; its gradient is $w(p-y)/\max(p(1-p), 10^{-12})$. With labels $y = \pm1$ the same
loss is the **logistic loss** $\log(1+e^{-yz})$ (``soft_margin_loss``), and the **hinge loss** of an
SVM is $\max(0, 1-yz)$ (zero once the margin $yz$ reaches 1).

References: ``torch.nn.functional.binary_cross_entropy``, ``binary_cross_entropy_with_logits``,
``soft_margin_loss``; ``sklearn.metrics.hinge_loss`` for the hinge.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.activations._common import as_float_array
from mlnotes.activations.functions import _sigmoid
from mlnotes.losses._common import pair, reduce
from mlnotes.losses.stable import _softplus

LOG_CLAMP = -100.0  # torch's binary_cross_entropy clamps log p and log(1 − p) at −100
GRAD_EPS = 1e-12  # and divides its gradient by max(p(1 − p), 1e-12)


# -- kernels ---------------------------------------------------------------------------------------------
def _bce(p, y, w):
    log_p = np.maximum(np.log(p), LOG_CLAMP)  # p = 0 gives −100, not −inf
    log_1mp = np.maximum(np.log1p(-p), LOG_CLAMP)
    loss = -w * (y * log_p + (1 - y) * log_1mp)
    return loss, w * (p - y) / np.maximum(p * (1 - p), GRAD_EPS)


def _bce_with_logits(z, y, w, pos_weight):
    loss = pos_weight * y * _softplus(-z) + (1 - y) * _softplus(z)  # −[ρ y log σ(z) + (1 − y) log σ(−z)]
    grad = (1 - y) * _sigmoid(z) - pos_weight * y * _sigmoid(-z)  # σ(z) − y when ρ = 1
    return w * loss, w * grad


def _soft_margin(z, y):
    m = y * z  # the margin
    return _softplus(-m), -y * _sigmoid(-m)  # log(1 + e^{−yz}), −y σ(−yz)


def _hinge(z, y):
    m = y * z
    active = (m < 1).astype(z.dtype)  # inside the margin
    return np.maximum(0, 1 - m), -y * active


# -- binary ------------------------------------------------------------------------------------------------
def _binary_weight(weight, shape, dtype):
    if weight is None:
        return dtype.type(1)
    w = as_float_array("weight", weight)
    try:
        np.broadcast_shapes(w.shape, shape)
    except ValueError:
        raise ValueError(f"weight of shape {w.shape} does not broadcast to the input's shape {shape}") from None
    if np.broadcast_shapes(w.shape, shape) != shape:
        raise ValueError(f"weight of shape {w.shape} would enlarge the input's shape {shape}")
    return w.astype(dtype, copy=False)


def _unit_interval(name, a):
    if np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"{name} must lie in [0, 1] (probabilities), got values in [{a.min():g}, {a.max():g}]")


def _bce_both(input, target, weight, reduction):
    p, y = pair(input, target)
    _unit_interval("input", p)
    _unit_interval("target", y)
    with np.errstate(divide="ignore"):  # log 0 = −inf is clamped to −100 just after
        loss, grad = _bce(p, y, _binary_weight(weight, p.shape, p.dtype))
    return reduce(loss.astype(p.dtype, copy=False), grad.astype(p.dtype, copy=False), reduction)


def binary_cross_entropy(input, target, weight=None, reduction: str = "mean"):
    """BCE of probabilities ``input`` ∈ [0, 1] against targets in [0, 1] (each log clamped at −100, as torch).

    ``weight`` broadcasts to the input. Reference: ``F.binary_cross_entropy``. See chapter: chapters/losses.md
    """
    return _bce_both(input, target, weight, reduction)[0]


def binary_cross_entropy_grad(input, target, weight=None, reduction: str = "mean") -> np.ndarray:
    """∂ BCE / ∂ input = w(p − y)/max(p(1 − p), 1e-12), torch's formula. See chapter: chapters/losses.md"""
    return _bce_both(input, target, weight, reduction)[1]


def _bce_logits_both(input, target, weight, pos_weight, reduction):
    z, y = pair(input, target)
    _unit_interval("target", y)
    w = _binary_weight(weight, z.shape, z.dtype)
    if pos_weight is None:
        rho = z.dtype.type(1)
    else:
        rho = as_float_array("pos_weight", pos_weight)
        if rho.ndim > 1 or (rho.ndim == 1 and z.ndim >= 1 and rho.shape[0] not in (1, z.shape[-1])):
            raise ValueError(f"pos_weight must be a scalar or have shape (C,) = ({z.shape[-1]},), got {rho.shape}")
        if np.any(rho < 0):
            raise ValueError("pos_weight must be non-negative")
        rho = rho.astype(z.dtype, copy=False)
    loss, grad = _bce_with_logits(z, y, w, rho)
    return reduce(np.broadcast_to(loss, z.shape).astype(z.dtype), np.broadcast_to(grad, z.shape).astype(z.dtype),
                  reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction: str = "mean"):
    """BCE of logits: w[ρ·y·softplus(−z) + (1 − y)·softplus(z)], stable for any finite z.

    ``pos_weight`` ρ (a scalar or one per class, the last axis) up-weights positives.
    Reference: ``F.binary_cross_entropy_with_logits``. See chapter: chapters/losses.md
    """
    return _bce_logits_both(input, target, weight, pos_weight, reduction)[0]


def binary_cross_entropy_with_logits_grad(input, target, weight=None, pos_weight=None,
                                          reduction: str = "mean") -> np.ndarray:
    """∂ / ∂z = w[(1 − y)σ(z) − ρ·y·σ(−z)] (σ(z) − y when w = ρ = 1). See chapter: chapters/losses.md"""
    return _bce_logits_both(input, target, weight, pos_weight, reduction)[1]


def _pm1(target, z):
    if not np.all(np.isin(target, (-1, 1))):
        raise ValueError("target must hold labels −1 or +1")
    return target


def soft_margin_loss(input, target, reduction: str = "mean"):
    """Logistic loss log(1 + e^{−y z}) with labels y = ±1 (= BCE with logits for y01 = (y + 1)/2).

    Reference: ``F.soft_margin_loss``. See chapter: chapters/losses.md
    """
    z, y = pair(input, target)
    return reduce(*_soft_margin(z, _pm1(y, z)), reduction)[0]


def soft_margin_loss_grad(input, target, reduction: str = "mean") -> np.ndarray:
    """∂ / ∂z = −y σ(−yz). See chapter: chapters/losses.md"""
    z, y = pair(input, target)
    return reduce(*_soft_margin(z, _pm1(y, z)), reduction)[1]


def hinge_loss(input, target, reduction: str = "mean"):
    """Binary hinge max(0, 1 − y z) with labels y = ±1 (SVM). Reference: ``sklearn.metrics.hinge_loss``.

    See chapter: chapters/losses.md
    """
    z, y = pair(input, target)
    return reduce(*_hinge(z, _pm1(y, z)), reduction)[0]


def hinge_loss_grad(input, target, reduction: str = "mean") -> np.ndarray:
    """A subgradient: −y where y z < 1, else 0. See chapter: chapters/losses.md"""
    z, y = pair(input, target)
    return reduce(*_hinge(z, _pm1(y, z)), reduction)[1]
