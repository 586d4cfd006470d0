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

from mlnotes._checks import check_int, check_real
from mlnotes.norms.core import (affine, as_float, channel_view, check_affine, check_channels_input, check_eps,
                                check_flag, standardize_over, standardize_over_backward)


def _reduce_axes(ndim: int) -> tuple:
    """Every axis but the channel axis 1: (0, 2, 3, ...)."""
    return (0,) + tuple(range(2, ndim))


def _check_running(running_mean, running_var, x: np.ndarray):
    """Running statistics: both None or both (C,) arrays, the variances ≥ 0; cast to x's dtype."""
    if (running_mean is None) != (running_var is None):
        raise ValueError("running_mean and running_var must be given together or both be None")
    if running_mean is None:
        return None, None
    rm = as_float("running_mean", running_mean, like=x, shape=(x.shape[1],))
    rv = as_float("running_var", running_var, like=x, shape=(x.shape[1],))
    if np.any(rv < 0):
        raise ValueError("running_var must be >= 0 everywhere (it is a variance)")
    return rm, rv


def _check_bn_inputs(x, running_mean, running_var, training, eps):
    """Checked (x, running_mean, running_var, training, eps) for the BatchNorm functions, all in x's dtype."""
    x = check_channels_input(x)
    rm, rv = _check_running(running_mean, running_var, x)
    training = check_flag("training", training)
    if training and x.size // x.shape[1] < 2:
        raise ValueError(f"x needs more than 1 value per channel in training mode (the batch variance of one "
                         f"value is 0), got shape {x.shape}")
    if not training and rm is None:
        raise ValueError("eval mode (training=False) needs running_mean and running_var")
    return x, rm, rv, training, check_eps(eps, x.dtype)


def batch_norm(x, gamma=None, beta=None, running_mean=None, running_var=None, *, training=True, momentum=0.1,
               eps=1e-5):
    """BatchNorm of x (N, C, *): returns (y same shape as x, new running_mean (C,), new running_var (C,)).

    Like ``torch.nn.functional.batch_norm`` but pure: the running statistics are returned
    (None if not given), never modified in place. ``momentum`` in [0, 1] is PyTorch's.
    dtypes: x keeps its floating dtype (float32 in → float32 out, integers → float64); γ, β and the
    running statistics are cast to it, so every returned array has x's dtype. ``training`` must be a
    bool (TypeError otherwise). Raises ValueError for a bad shape, NaN/inf, 1 value per channel in
    training mode, eval mode without running statistics, or an eps that is not > 0 in x's dtype.
    See chapter: chapters/normalization.md
    """
    x, rm, rv, training, eps = _check_bn_inputs(x, running_mean, running_var, training, eps)
    gamma, beta = check_affine(gamma, beta, (x.shape[1],), like=x)
    momentum = check_real("momentum", momentum, low=0.0, high=1.0)
    return _batch_norm(x, gamma, beta, rm, rv, training, momentum, eps)


def _batch_norm(x, gamma, beta, running_mean, running_var, training, momentum, eps):
    """The computation of :func:`batch_norm` on checked inputs."""
    axes, view = _reduce_axes(x.ndim), lambda p: channel_view(p, x.ndim)  # axes (0, 2, 3, ...): all but C
    if not training:  # eval mode: the running statistics, a fixed affine map of x
        x_hat = (x - view(running_mean)) / np.sqrt(view(running_var) + eps)
        return affine(x_hat, gamma, beta, view), running_mean.copy(), running_var.copy()
    x_hat, mean, var = standardize_over(x, axes, eps)  # (N, C, *), batch statistics, biased variance
    if running_mean is not None:
        m = x.size // x.shape[1]  # values per channel
        running_mean = (1 - momentum) * running_mean + momentum * mean.ravel()  # μ̄ ← (1−α)μ̄ + α μ_B
        running_var = (1 - momentum) * running_var + momentum * var.ravel() * m / (m - 1)  # unbiased σ² here
    return affine(x_hat, gamma, beta, view), running_mean, running_var


def batch_norm_backward(dy, x, gamma=None, running_mean=None, running_var=None, *, training=True, eps=1e-5):
    """Gradients of BatchNorm: (dx like x (N, C, *), dgamma (C,), dbeta (C,)); dgamma = dbeta = None without affine.

    ``training=False`` differentiates the eval-mode (running statistics) map. Everything is computed
    in x's floating dtype (dy, γ and the running statistics are cast to it).
    See chapter: chapters/normalization.md
    """
    x, rm, rv, training, eps = _check_bn_inputs(x, running_mean, running_var, training, eps)
    gamma = None if gamma is None else as_float("gamma", gamma, like=x, shape=(x.shape[1],))
    dy = as_float("dy", dy, like=x, shape=x.shape)
    return _batch_norm_backward(dy, x, gamma, rm, rv, training, eps)


def _batch_norm_backward(dy, x, gamma, running_mean, running_var, training, eps):
    """The computation of :func:`batch_norm_backward` on checked inputs."""
    axes, view = _reduce_axes(x.ndim), lambda p: channel_view(p, x.ndim)
    g_hat = dy if gamma is None else dy * view(gamma)  # ∂L/∂x̂ = γ·g
    if training:
        x_hat, _, var = standardize_over(x, axes, eps)  # (N, C, *)
        dx = standardize_over_backward(g_hat, x_hat, var, axes, eps)  # the compact formula
    else:
        x_hat = (x - view(running_mean)) / np.sqrt(view(running_var) + eps)
        dx = g_hat / np.sqrt(view(running_var) + eps)  # eval mode: a fixed affine map
    if gamma is None:
        return dx, None, None
    return dx, (dy * x_hat).sum(axis=axes), dy.sum(axis=axes)  # ∂L/∂γ = Σ g·x̂, ∂L/∂β = Σ g


class BatchNorm:
    """A stateful BatchNorm layer over (N, C, *) like ``nn.BatchNorm1d/2d``: train()/eval(), forward, backward.

    ``dtype`` (default float64) is the dtype of γ, β, the running statistics and the stored gradients,
    like torch's ``dtype=`` argument. Each call computes in the floating dtype of its x (float32 in →
    float32 out). ``affine`` and ``track_running_stats`` must be bools (TypeError otherwise).
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, dtype=np.float64):
        self.num_features = check_int("num_features", num_features, low=1)
        self.eps = float(check_eps(eps))
        self.momentum = None if momentum is None else check_real("momentum", momentum, low=0.0, high=1.0)
        self.dtype = _check_float_dtype(dtype)
        affine = check_flag("affine", affine)
        track = check_flag("track_running_stats", track_running_stats)
        c, dt = self.num_features, self.dtype
        self.gamma = np.ones(c, dt) if affine else None  # (C,) learned by backprop
        self.beta = np.zeros(c, dt) if affine else None  # (C,)
        self.running_mean = np.zeros(c, dt) if track else None  # (C,)
        self.running_var = np.ones(c, dt) if track else None  # (C,)
        self.num_batches_tracked = 0
        self.training = True
        self.grad_gamma = self.grad_beta = None
        self._cache = None

    def train(self, mode: bool = True) -> "BatchNorm":
        """Switch to train mode (batch statistics; running statistics updated)."""
        self.training = check_flag("mode", mode)
        return self

    def eval(self) -> "BatchNorm":
        """Switch to eval mode (running statistics)."""
        return self.train(False)

    def forward(self, x) -> np.ndarray:
        """y for x of shape (N, C, *), in x's floating dtype, updating the running statistics in train mode."""
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
            self.running_mean, self.running_var = rm.astype(self.dtype), rv.astype(self.dtype)
        self._cache = (x, use_batch, self.running_mean, self.running_var)
        return y

    __call__ = forward

    def backward(self, dy) -> np.ndarray:
        """dx for the last forward (x's dtype); stores grad_gamma and grad_beta (None without affine)."""
        if self._cache is None:
            raise ValueError("call forward before backward")
        x, use_batch, rm, rv = self._cache
        dx, dg, db = batch_norm_backward(dy, x, self.gamma, None if use_batch else rm, None if use_batch else rv,
                                         training=use_batch, eps=self.eps)
        self.grad_gamma, self.grad_beta = (None, None) if dg is None else (dg.astype(self.dtype),
                                                                          db.astype(self.dtype))
        return dx


def _check_float_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a floating dtype such as np.float32, got {dtype!r}") from exc
    if dt.kind != "f":
        raise TypeError(f"dtype must be a floating dtype such as np.float32, got {dt}")
    return dt
