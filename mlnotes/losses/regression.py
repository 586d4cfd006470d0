r"""Regression losses (回归损失) on the residual $r = \hat y - y$, with their gradients.

$$\text{MSE: } r^2,\qquad \text{MAE (L1): } |r|,\qquad
\text{Huber}_\delta:\ \begin{cases}\tfrac12 r^2 & |r| < \delta\\ \delta\,(|r| - \tfrac12\delta) & |r| \ge \delta\end{cases},\qquad
\text{smooth L1}_\beta = \text{Huber}_\beta / \beta .$$
Gradients with respect to $\hat y$: $2r$; $\operatorname{sign}(r)$ (0 at $r = 0$, as torch);
$\operatorname{clip}(r, -\delta, \delta)$; $\operatorname{clip}(r/\beta, -1, 1)$. MSE's gradient grows with the
error, so one outlier can dominate a batch; MAE's and Huber's are bounded (robust to outliers).
MSE is the negative log-likelihood of Gaussian noise, MAE that of Laplace noise (its minimizer is
the median, MSE's the mean).

``reduction`` is torch's: ``"mean"`` (default), ``"sum"`` or ``"none"``; ``*_grad`` returns the
gradient of the reduced loss with respect to ``input`` (of the sum for ``"none"``), same shape and
dtype. References: ``torch.nn.functional.mse_loss``, ``l1_loss``, ``huber_loss``, ``smooth_l1_loss``.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.losses._common import pair, reduce


# -- kernels: elementwise loss and its derivative ----------------------------------------------------
def _mse(input, target):
    r = input - target  # residual
    return r * r, 2 * r


def _l1(input, target):
    r = input - target
    return np.abs(r), np.sign(r)


def _huber(input, target, delta=1.0):
    r = input - target
    small = np.abs(r) < delta  # quadratic zone
    loss = np.where(small, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta))  # linear beyond δ
    return loss, np.clip(r, -delta, delta)


def _smooth_l1(input, target, beta=1.0):
    if beta == 0:  # torch: beta = 0 is exactly the L1 loss
        return _l1(input, target)
    loss, grad = _huber(input, target, beta)
    return loss / beta, grad / beta


# -- public entry points -----------------------------------------------------------------------------
def _run(kernel, input, target, reduction, **kw):
    x, t = pair(input, target)
    loss, grad = kernel(x, t, **kw)
    return reduce(loss.astype(x.dtype, copy=False), grad.astype(x.dtype, copy=False), reduction)


def mse_loss(input, target, reduction: str = "mean"):
    """Mean squared error (均方误差) of same-shape arrays. Reference: ``F.mse_loss``. See chapter: chapters/losses.md"""
    return _run(_mse, input, target, reduction)[0]


def mse_loss_grad(input, target, reduction: str = "mean") -> np.ndarray:
    """∂ mse_loss / ∂ input. See chapter: chapters/losses.md"""
    return _run(_mse, input, target, reduction)[1]


def l1_loss(input, target, reduction: str = "mean"):
    """Mean absolute error (平均绝对误差, MAE). Reference: ``F.l1_loss``. See chapter: chapters/losses.md"""
    return _run(_l1, input, target, reduction)[0]


def l1_loss_grad(input, target, reduction: str = "mean") -> np.ndarray:
    """∂ l1_loss / ∂ input: sign(r) (0 at r = 0). See chapter: chapters/losses.md"""
    return _run(_l1, input, target, reduction)[1]


def _delta(delta) -> float:
    return check_real("delta", delta, low=0.0, low_open=True)


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0):
    """Huber loss: ½r² for |r| < δ, δ(|r| − ½δ) beyond (δ > 0). Reference: ``F.huber_loss``.

    See chapter: chapters/losses.md
    """
    return _run(_huber, input, target, reduction, delta=_delta(delta))[0]


def huber_loss_grad(input, target, reduction: str = "mean", delta: float = 1.0) -> np.ndarray:
    """∂ huber_loss / ∂ input: clip(r, −δ, δ). See chapter: chapters/losses.md"""
    return _run(_huber, input, target, reduction, delta=_delta(delta))[1]


def _beta(beta) -> float:
    return check_real("beta", beta, low=0.0)


def smooth_l1_loss(input, target, reduction: str = "mean", beta: float = 1.0):
    """Smooth L1 = Huber_β / β (β ≥ 0; β = 0 is L1). Reference: ``F.smooth_l1_loss``. See chapter: chapters/losses.md"""
    return _run(_smooth_l1, input, target, reduction, beta=_beta(beta))[0]


def smooth_l1_loss_grad(input, target, reduction: str = "mean", beta: float = 1.0) -> np.ndarray:
    """∂ smooth_l1_loss / ∂ input: clip(r/β, −1, 1). See chapter: chapters/losses.md"""
    return _run(_smooth_l1, input, target, reduction, beta=_beta(beta))[1]
