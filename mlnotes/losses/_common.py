"""Shared checks and the reduction step of every loss in mlnotes.losses.

A loss kernel returns the elementwise (or per-sample) losses ``loss`` and the gradient ``grad`` of
their *sum* with respect to the input. :func:`reduce` then applies PyTorch's ``reduction``:
``"none"`` returns both as they are, ``"sum"`` sums the losses (the gradient is unchanged), and
``"mean"`` divides both by ``denom`` (by default the number of loss elements; a weighted
cross-entropy divides by the total weight of its targets, as torch does).
"""

from __future__ import annotations

import numpy as np

from mlnotes.activations._common import as_float_array

REDUCTIONS = ("none", "mean", "sum")


def check_reduction(reduction, allowed=REDUCTIONS) -> str:
    """``reduction`` must be one of ``allowed`` (torch's names)."""
    if reduction not in allowed:
        names = ", ".join(repr(r) for r in allowed)
        raise ValueError(f"reduction must be one of {names}, got {reduction!r}")
    return reduction


def pair(input, target, *, input_name: str = "input", target_name: str = "target"):
    """Two float arrays of the same shape, cast to their common float dtype (float32 only if both are)."""
    x = as_float_array(input_name, input)
    t = as_float_array(target_name, target)
    if x.shape != t.shape:
        raise ValueError(f"{input_name} and {target_name} must have the same shape, got {x.shape} and {t.shape}")
    dtype = np.result_type(x.dtype, t.dtype)
    return x.astype(dtype, copy=False), t.astype(dtype, copy=False)


def reduce(loss: np.ndarray, grad, reduction: str, denom=None):
    """Apply ``reduction`` to elementwise losses; returns (value, gradient of the reduced value).

    A reduced value is a numpy scalar of the loss's dtype. ``grad`` may be a tuple of arrays.
    """
    check_reduction(reduction)
    if reduction == "none":
        return loss, grad
    dtype = loss.dtype.type
    if reduction == "sum":
        return dtype(loss.sum()), grad
    n = loss.size if denom is None else denom
    scaled = tuple(g / dtype(n) for g in grad) if isinstance(grad, tuple) else grad / dtype(n)
    return dtype(loss.sum() / dtype(n)), scaled


def check_class_targets(target, n: int, n_classes: int, ignore_index=None) -> np.ndarray:
    """Class indices: an integer array of shape (n,) with values in [0, n_classes) or equal to ``ignore_index``."""
    if isinstance(target, (str, bytes)) or target is None:
        raise TypeError(f"target must be an integer array of class indices, got {type(target).__name__}")
    t = np.asarray(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"target of class indices must have an integer dtype, got {t.dtype} (use float "
                        "probabilities of shape (N, C) for soft targets)")
    if t.shape != (n,):
        raise ValueError(f"target must have shape ({n},) (one class per sample), got {t.shape}")
    valid = (t >= 0) & (t < n_classes)
    if ignore_index is not None:
        valid |= t == ignore_index
    if not np.all(valid):
        bad = t[~valid][0]
        raise ValueError(f"target values must be class indices in [0, {n_classes - 1}]"
                         + (f" or ignore_index={ignore_index}" if ignore_index is not None else "") + f", got {bad}")
    return t.astype(np.int64)


def check_weight(weight, n_classes: int, dtype) -> np.ndarray | None:
    """Class weights: None, or a non-negative float array of shape (n_classes,)."""
    if weight is None:
        return None
    w = as_float_array("weight", weight, ndim=1)
    if w.shape != (n_classes,):
        raise ValueError(f"weight must have shape ({n_classes},) (one weight per class), got {w.shape}")
    if np.any(w < 0):
        raise ValueError("weight must be non-negative")
    return w.astype(dtype, copy=False)
