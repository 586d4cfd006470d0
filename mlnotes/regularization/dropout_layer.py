r"""Dropout (随机失活), inverted: forward, backward, and the original "scale at test time" form.

In training each unit is kept with probability $1-p$ by a Bernoulli mask $m$
($m_i = 1$ keep, $0$ drop) and the survivors are scaled up:
$$y = \frac{m \odot x}{1-p}, \qquad \frac{\partial L}{\partial x} = \frac{m}{1-p}\odot\frac{\partial L}{\partial y},
\qquad \mathbb E_m[y] = x .$$
The scaling keeps every unit's expected value the same in training and at evaluation, where
dropout is the identity. The **original** dropout (Srivastava et al., 2014) does not scale in
training and multiplies by $1-p$ at test time instead; both give the same expectations, but the
inverted form leaves the inference code untouched. Do both and you scale twice.

Conventions as ``torch.nn.functional.dropout(x, p, training)``: ``p`` is the *drop*
probability in $[0, 1]$; $p = 1$ gives zeros; eval mode returns $x$ unchanged. A mask is a bool
array (True = keep) of x's shape.

See chapter: chapters/regularization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_real
from mlnotes.linear._validate import as_float, check_bool


def _check_p(p) -> float:
    return check_real("p", p, low=0.0, high=1.0)


def _check_mask(mask, shape) -> np.ndarray:
    mask = np.asarray(mask)
    if mask.dtype != np.bool_:
        raise TypeError(f"mask must be a bool array (True = keep), got dtype {mask.dtype}")
    if mask.shape != shape:
        raise ValueError(f"mask must have the shape of x {shape}, got {mask.shape}")
    return mask


def dropout_mask(shape, p, rng) -> np.ndarray:
    """A bool keep-mask of ``shape``: each entry True with probability 1 − p, from a ``np.random.Generator``.

    See chapter: chapters/regularization.md
    """
    p = _check_p(p)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng.random(shape) >= p  # P(keep) = 1 − p


def _dropout(x: np.ndarray, keep: np.ndarray, p: float) -> np.ndarray:
    """Inverted dropout: zero the dropped units and scale the kept ones by 1/(1 − p)."""
    if p == 1.0:
        return np.zeros_like(x)  # every unit dropped (torch returns zeros too)
    scale = x.dtype.type(1) / x.dtype.type(1 - p)  # 1/(1 − p), rounded as torch rounds it
    return x * (keep * scale)  # E[y] = x: bit for bit torch's x·(m/(1 − p))


def dropout(x, p=0.5, training=True, *, mask=None, rng=None):
    """Inverted dropout of x (any shape, floating dtype kept): returns ``(y, mask)``.

    Training: ``mask`` (bool, True = keep) is used if given, else drawn with :func:`dropout_mask` from
    ``rng``; y = x·mask/(1 − p). Eval (``training=False``) or p = 0: y = x (a copy) and mask is all True.
    Equal to ``torch.nn.functional.dropout(x, p, training)`` under the same mask.
    See chapter: chapters/regularization.md
    """
    x = as_float("x", x)
    p, training = _check_p(p), check_bool("training", training)
    if not training or p == 0.0:
        return x.copy(), np.ones(x.shape, dtype=bool)
    keep = _check_mask(mask, x.shape) if mask is not None else dropout_mask(x.shape, p, rng)
    return _dropout(x, keep, p), keep


def dropout_backward(grad_y, mask, p, training=True) -> np.ndarray:
    """∂L/∂x = mask·∂L/∂y/(1 − p) in training, ∂L/∂y in eval; grad_y any shape, mask bool of that shape.

    See chapter: chapters/regularization.md
    """
    grad_y = as_float("grad_y", grad_y)
    p, training = _check_p(p), check_bool("training", training)
    if not training or p == 0.0:
        return grad_y.copy()
    return _dropout(grad_y, _check_mask(mask, grad_y.shape), p)  # the same linear map as the forward


def dropout_original(x, p=0.5, training=True, *, mask=None, rng=None):
    """The original (non-inverted) dropout: y = x·mask in training, y = (1 − p)·x in eval; returns ``(y, mask)``.

    See chapter: chapters/regularization.md
    """
    x = as_float("x", x)
    p, training = _check_p(p), check_bool("training", training)
    if not training:
        return x * x.dtype.type(1 - p), np.ones(x.shape, dtype=bool)
    keep = _check_mask(mask, x.shape) if mask is not None else dropout_mask(x.shape, p, rng)
    return x * keep, keep
