r"""Batch Normalization (批归一化), train and eval mode, forward and backward, as ``torch.nn.BatchNorm``.

Input $x$ of shape $(N, C, *)$; channel $c$ is normalized over the $m = N\cdot\prod *$ values
that share it (the batch and, for images, every pixel).

**Train mode** uses the batch statistics, with the *biased* variance:
$$\mu_B = \frac1m\sum_i x_i,\quad \sigma_B^2 = \frac1m\sum_i (x_i-\mu_B)^2,\quad
y_i = \gamma\,\frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}} + \beta,$$
and updates the running statistics with momentum $\alpha$ (PyTorch's convention, $\alpha = 0.1$:
the *new* batch gets weight $\alpha$) and the *unbiased* variance:
$$\bar\mu \leftarrow (1-\alpha)\,\bar\mu + \alpha\,\mu_B,\qquad
\bar\sigma^2 \leftarrow (1-\alpha)\,\bar\sigma^2 + \alpha\,\frac{m}{m-1}\,\sigma_B^2.$$
With ``momentum=None`` the running statistics are the plain average of all batches so far
($\alpha_t = 1/t$).

**Eval mode** uses the running statistics: $y = \gamma\,(x-\bar\mu)/\sqrt{\bar\sigma^2+\epsilon} + \beta$,
an affine map of $x$ that no longer depends on the rest of the batch.

**Backward** (train mode), $\hat x = (x-\mu_B)/\sqrt{\sigma_B^2+\epsilon}$, $g = \partial L/\partial y$:
$$\frac{\partial L}{\partial\beta} = \sum_i g_i,\quad \frac{\partial L}{\partial\gamma} = \sum_i g_i\hat x_i,\quad
\frac{\partial L}{\partial x_i} = \frac{\gamma}{m\sqrt{\sigma_B^2+\epsilon}}
\Bigl(m g_i - \sum_j g_j - \hat x_i\sum_j g_j\hat x_j\Bigr).$$

See chapter: chapters/normalization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int, check_real
from mlnotes.norms.core import (affine, channel_view, check_affine, check_channels_input, check_eps,
                                standardize_over, standardize_over_backward)


def _reduce_axes(ndim: int) -> tuple:
    """Every axis but the channel axis 1: (0, 2, 3, ...)."""
    return (0,) + tuple(range(2, ndim))


def _check_running(running_mean, running_var, num_channels: int):
    """Running statistics: both None or both (C,) arrays, the variances ≥ 0."""
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must be given together or both be None")
    if running_mean is None:
        return None, None
    rm = check_array("running_mean", running_mean, shape=(num_channels,))
    rv = check_array("running_var", running_var, shape=(num_channels,))
    if np.any(rv < 0):
        raise ValueError("running_var must be >= 0 everywhere (it is a variance)")
    return rm, rv


def _check_bn_inputs(x, running_mean, running_var, training, eps):
    """Checked (x, running_mean, running_var, training, eps) for the BatchNorm functions."""
    x = check_channels_input(x)
    rm, rv = _check_running(running_mean, running_var, x.shape[1])
    if not isinstance(training, (bool, np.bool_)):
        raise TypeError(f"training must be True or False, got {type(training).__name__} {training!r}")
    if training and x.size // x.shape[1] < 2:
        raise ValueError(f"x needs more than 1 value per channel in training mode (the batch variance of one "
                         f"value is 0), got shape {x.shape}")
    if not training and rm is None:
        raise ValueError("eval mode (training=False) needs running_mean and running_var")
    return x, rm, rv, bool(training), check_eps(eps)


def batch_norm(x, gamma=None, beta=None, running_mean=None, running_var=None, *, training=True, momentum=0.1,
               eps=1e-5):
    """BatchNorm of x (N, C, *): returns (y same shape as x, new running_mean (C,), new running_var (C,)).

    Like ``torch.nn.functional.batch_norm`` but pure: the running statistics are returned
    (None if not given), never modified in place. ``momentum`` in [0, 1] is PyTorch's.
    See chapter: chapters/normalization.md
    """
    x, rm, rv, training, eps = _check_bn_inputs(x, running_mean, running_var, training, eps)
    gamma, beta = check_affine(gamma, beta, (x.shape[1],))
    momentum = check_real("momentum", momentum, low=0.0, high=1.0)
    axes, view = _reduce_axes(x.ndim), lambda p: channel_view(p, x.ndim)
    if not training:
        x_hat = (x - view(rm)) / np.sqrt(view(rv) + eps)  # (N, C, *): running statistics
        return affine(x_hat, gamma, beta, view), rm.copy(), rv.copy()
    x_hat, mean, var = standardize_over(x, axes, eps)  # (N, C, *), batch statistics, biased variance
    if rm is not None:
        m = x.size // x.shape[1]  # values per channel
        rm = (1 - momentum) * rm + momentum * mean.ravel()  # μ̄ ← (1−α)μ̄ + α μ_B
        rv = (1 - momentum) * rv + momentum * var.ravel() * m / (m - 1)  # unbiased σ² for the running estimate
    return affine(x_hat, gamma, beta, view), rm, rv


def batch_norm_backward(dy, x, gamma=None, running_mean=None, running_var=None, *, training=True, eps=1e-5):
    """Gradients of BatchNorm: (dx like x (N, C, *), dgamma (C,), dbeta (C,)); dgamma = dbeta = None without affine.

    ``training=False`` differentiates the eval-mode (running statistics) map.
    See chapter: chapters/normalization.md
    """
    x, rm, rv, training, eps = _check_bn_inputs(x, running_mean, running_var, training, eps)
    gamma = None if gamma is None else check_array("gamma", gamma, shape=(x.shape[1],))
    dy = check_array("dy", dy, shape=x.shape)
    axes, view = _reduce_axes(x.ndim), lambda p: channel_view(p, x.ndim)
    g_scale = 1.0 if gamma is None else view(gamma)
    if training:
        x_hat, _, var = standardize_over(x, axes, eps)  # (N, C, *)
        dx = standardize_over_backward(dy * g_scale, x_hat, var, axes, eps)  # the compact formula
    else:
        x_hat = (x - view(rm)) / np.sqrt(view(rv) + eps)
        dx = dy * g_scale / np.sqrt(view(rv) + eps)  # eval mode: a fixed affine map
    if gamma is None:
        return dx, None, None
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)  # ∂L/∂γ = Σ g·x̂, ∂L/∂β = Σ g


class BatchNorm:
    """A stateful BatchNorm layer over (N, C, *) like ``nn.BatchNorm1d/2d``: train()/eval(), forward, backward."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True):
        self.num_features = check_int("num_features", num_features, low=1)
        self.eps = check_eps(eps)
        self.momentum = None if momentum is None else check_real("momentum", momentum, low=0.0, high=1.0)
        self.gamma = np.ones(self.num_features) if affine else None  # (C,) learned by backprop
        self.beta = np.zeros(self.num_features) if affine else None  # (C,)
        self.running_mean = np.zeros(self.num_features) if track_running_stats else None  # (C,)
        self.running_var = np.ones(self.num_features) if track_running_stats else None  # (C,)
        self.num_batches_tracked = 0
        self.training = True
        self.grad_gamma = self.grad_beta = None
        self._cache = None

    def train(self, mode: bool = True) -> "BatchNorm":
        """Switch to train mode (batch statistics; running statistics updated)."""
        self.training = bool(mode)
        return self

    def eval(self) -> "BatchNorm":
        """Switch to eval mode (running statistics)."""
        return self.train(False)

    def forward(self, x) -> np.ndarray:
        """y for x of shape (N, C, *), updating the running statistics in train mode."""
        x = check_channels_input(x)
        if x.shape[1] != self.num_features:
            raise ValueError(f"x must have {self.num_features} channels on axis 1, got shape {x.shape}")
        use_batch = self.training or self.running_mean is None
        momentum = 0.0
        if self.training and self.running_mean is not None:
            self.num_batches_tracked += 1
            momentum = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        y, rm, rv = batch_norm(x, self.gamma, self.beta, self.running_mean, self.running_var, training=use_batch,
                               momentum=momentum, eps=self.eps)
        if self.training and self.running_mean is not None:
            self.running_mean, self.running_var = rm, rv
        self._cache = (x, use_batch, self.running_mean, self.running_var)
        return y

    __call__ = forward

    def backward(self, dy) -> np.ndarray:
        """dx for the last forward; stores grad_gamma and grad_beta (None without affine)."""
        if self._cache is None:
            raise ValueError("call forward before backward")
        x, use_batch, rm, rv = self._cache
        dx, self.grad_gamma, self.grad_beta = batch_norm_backward(
            dy, x, self.gamma, None if use_batch else rm, None if use_batch else rv, training=use_batch, eps=self.eps)
        return dx
