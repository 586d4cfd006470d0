r"""Multi-class losses (多分类损失) with their gradients: cross-entropy, NLL and the multi-class hinge.

**Cross-entropy (交叉熵)** of logits $z \in \mathbb R^{N\times C}$ against a target distribution $q_n$:
$$\ell_n = -\sum_c w_c\, q_{nc} \log\operatorname{softmax}(z_n)_c,\qquad
\frac{\partial \ell_n}{\partial z_n} = \operatorname{softmax}(z_n)\sum_c w_c q_{nc} - w\odot q_n ,$$
which is $\operatorname{softmax}(z_n) - e_{y_n}$ for a one-hot target without weights. With a class
index $y_n$ and label smoothing $\varepsilon$, $q_n = (1-\varepsilon)e_{y_n} + \varepsilon/C$. The mean
divides by $\sum_n w_{y_n}$ over the samples whose target is not ``ignore_index`` (torch's rule);
with probability targets it divides by $N$. **NLL** is the same on log-probabilities:
$\ell_n = -w_{y_n} x_{n, y_n}$, so ``cross_entropy(z, y) == nll_loss(log_softmax(z), y)``.
The multi-class hinge (Weston–Watkins, ``multi_margin_loss``) is $\frac1C\sum_{i\ne y} w_y\max(0, m - x_y + x_i)^p$.

References: ``torch.nn.functional.cross_entropy``, ``nll_loss``, ``multi_margin_loss``.

See chapter: chapters/losses.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.activations._common import as_float_array
from mlnotes.losses._common import check_class_targets, check_weight, reduce
from mlnotes.losses.stable import _log_softmax


# -- kernels ---------------------------------------------------------------------------------------------
def _multi_margin(x, target, weight, p, margin):
    n, C = x.shape
    x_y = x[np.arange(n), target][:, None]  # (N, 1): the score of the true class
    z = margin - x_y + x  # (N, C)
    z[np.arange(n), target] = 0  # the true class itself is not a violation
    active = z > 0
    w = 1.0 if weight is None else weight[target][:, None]  # torch multiplies after the power
    h = np.where(active, z if p == 1 else z * z, 0) * w / C
    d = np.where(active, 1 if p == 1 else 2 * z, 0) * w / C  # ∂/∂x_i for i ≠ y
    d[np.arange(n), target] = -d.sum(axis=1)
    return h.sum(axis=1), d


def _cross_entropy(z, q, w):
    """Per-sample CE of logits z (N, C) against target distributions q (N, C) with class weights w (C,)."""
    log_p = _log_softmax(z, axis=1)  # (N, C), stable
    qw = q * w  # weighted target mass per class
    loss = -np.sum(qw * log_p, axis=1)  # (N,)
    grad = np.exp(log_p) * qw.sum(axis=1, keepdims=True) - qw  # softmax · Σ w q − w q, (N, C)
    return loss, grad


# -- multi-class ---------------------------------------------------------------------------------------------
def _scores(input):
    x = as_float_array("input", input, ndim=2)
    if x.shape[1] < 1:
        raise ValueError(f"input must have at least one class column, got shape {x.shape}")
    return x


def _multi_margin_both(input, target, p, margin, weight, reduction):
    x = _scores(input)
    t = check_class_targets(target, x.shape[0], x.shape[1])
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"p must be 1 or 2, got {p!r}")
    margin = check_real("margin", margin)
    w = check_weight(weight, x.shape[1], x.dtype)
    loss, grad = _multi_margin(x.copy(), t, w, p, margin)
    return reduce(loss.astype(x.dtype), grad.astype(x.dtype), reduction)


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None, reduction: str = "mean"):
    """Multi-class hinge (Weston–Watkins): (1/C) Σ_{i≠y} w_y max(0, margin − x_y + x_i)^p per sample.

    ``input`` (N, C) scores, ``target`` (N,) int. Reference: ``F.multi_margin_loss``. See chapter: chapters/losses.md
    """
    return _multi_margin_both(input, target, p, margin, weight, reduction)[0]


def multi_margin_loss_grad(input, target, p: int = 1, margin: float = 1.0, weight=None,
                           reduction: str = "mean") -> np.ndarray:
    """∂ multi_margin_loss / ∂ input, (N, C). See chapter: chapters/losses.md"""
    return _multi_margin_both(input, target, p, margin, weight, reduction)[1]


def _ce_both(input, target, weight, ignore_index, reduction, label_smoothing):
    z = _scores(input)
    n, C = z.shape
    eps = check_real("label_smoothing", label_smoothing, low=0.0, high=1.0)
    w = check_weight(weight, C, z.dtype)
    w_vec = np.ones(C, dtype=z.dtype) if w is None else w
    target_arr = np.asarray(target) if not isinstance(target, (str, bytes)) and target is not None else target
    if isinstance(target_arr, np.ndarray) and target_arr.dtype.kind == "f" and target_arr.shape == (n,):
        raise TypeError(f"target of shape ({n},) holds class indices and must have an integer dtype, got "
                        f"{target_arr.dtype} (probability targets have the input's shape {z.shape})")
    if isinstance(target_arr, np.ndarray) and target_arr.dtype.kind == "f":  # probabilities (soft labels)
        q = as_float_array("target", target_arr).astype(z.dtype, copy=False)
        if q.shape != z.shape:
            raise ValueError(f"probability target must have the input's shape {z.shape}, got {q.shape}")
        if np.any(q < 0):
            raise ValueError("probability target must be non-negative")
        q = (1 - eps) * q + eps / C
        loss, grad = _cross_entropy(z, q, w_vec)
        return reduce(loss, grad, reduction, denom=n)
    ignore_index = check_int("ignore_index", ignore_index)
    t = check_class_targets(target, n, C, ignore_index)
    keep = t != ignore_index
    q = np.zeros_like(z)
    q[np.arange(n)[keep], t[keep]] = 1 - eps  # (1 − ε) one-hot …
    q += np.where(keep, eps / C, 0).astype(z.dtype)[:, None]  # … + ε/C, zero rows for ignored samples
    loss, grad = _cross_entropy(z, q, w_vec)
    denom = float(np.sum(w_vec[t[keep]]))  # torch: Σ w_{y_n} over the kept samples
    if reduction == "mean" and (not np.any(keep) or denom == 0):
        raise ValueError("every target is ignore_index (or has weight 0): the weighted mean over zero targets "
                         "is 0/0 (torch returns NaN); use reduction='sum'")
    return reduce(loss, grad, reduction, denom=denom)


def cross_entropy(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0):
    """Cross-entropy of logits ``input`` (N, C) against class indices (N,) int or probabilities (N, C) float.

    ``weight`` (C,) class weights, ``ignore_index`` (class-index targets only), ``label_smoothing`` ε ∈ [0, 1].
    Stable for any finite logits (log-softmax, never log of a softmax). An all-ignored batch with
    ``reduction="mean"`` raises ValueError (torch returns NaN). Reference: ``F.cross_entropy``.
    See chapter: chapters/losses.md
    """
    return _ce_both(input, target, weight, ignore_index, reduction, label_smoothing)[0]


def cross_entropy_grad(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean",
                       label_smoothing: float = 0.0) -> np.ndarray:
    """∂ cross_entropy / ∂ logits, (N, C): softmax·Σwq − wq per sample, then reduced. See chapter: chapters/losses.md"""
    return _ce_both(input, target, weight, ignore_index, reduction, label_smoothing)[1]


def _nll_both(input, target, weight, ignore_index, reduction):
    x = _scores(input)
    n, C = x.shape
    ignore_index = check_int("ignore_index", ignore_index)
    t = check_class_targets(target, n, C, ignore_index)
    w = check_weight(weight, C, x.dtype)
    w_vec = np.ones(C, dtype=x.dtype) if w is None else w
    keep = t != ignore_index
    rows, cols = np.arange(n)[keep], t[keep]
    loss = np.zeros(n, dtype=x.dtype)
    loss[rows] = -w_vec[cols] * x[rows, cols]  # −w_y · log p_y
    grad = np.zeros_like(x)
    grad[rows, cols] = -w_vec[cols]
    denom = float(np.sum(w_vec[cols]))
    if reduction == "mean" and (not np.any(keep) or denom == 0):
        raise ValueError("every target is ignore_index (or has weight 0): the weighted mean is 0/0 "
                         "(torch returns NaN); use reduction='sum'")
    return reduce(loss, grad, reduction, denom=denom)


def nll_loss(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean"):
    """Negative log-likelihood of log-probabilities ``input`` (N, C) at class indices ``target`` (N,).

    Reference: ``F.nll_loss``. See chapter: chapters/losses.md
    """
    return _nll_both(input, target, weight, ignore_index, reduction)[0]


def nll_loss_grad(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean") -> np.ndarray:
    """∂ nll_loss / ∂ input: −w_y at the target entries, 0 elsewhere. See chapter: chapters/losses.md"""
    return _nll_both(input, target, weight, ignore_index, reduction)[1]
