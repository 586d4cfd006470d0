"""Argument checks shared by :mod:`mlnotes.linear` and :mod:`mlnotes.regularization`.

dtype rule: a floating input keeps its dtype and is computed in it (float32 in → float32 out);
integer input becomes float64. bool, complex and non-numeric arrays raise ``TypeError`` (a bool
array where numbers are expected is usually a mask passed by mistake). Class labels are the
exception: they may be any integers (or bools for 0/1 targets).

See chapters: chapters/linear_models.md, chapters/regularization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array


def as_float(name: str, value, *, ndim=None, shape=None, like: np.ndarray | None = None) -> np.ndarray:
    """``value`` as a finite float array (floating dtype kept, integers → float64, ``like`` → its dtype).

    Raises TypeError for bool, complex or non-numeric input and ValueError for NaN/inf or a wrong rank/shape.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from exc
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must hold numbers (float or int), got a bool array; use .astype(float) if you "
                        "mean the values 0 and 1")
    if kind not in "iuf":
        raise TypeError(f"{name} must hold numbers (float or int), got dtype {arr.dtype}")
    dtype = like.dtype if like is not None else (arr.dtype if kind == "f" else np.dtype(np.float64))
    return check_array(name, arr.astype(dtype, copy=False), ndim=ndim, shape=shape, dtype=None)


def check_X(X, *, min_samples: int = 1) -> np.ndarray:
    """A design matrix: a non-empty finite float array of shape (n_samples, n_features)."""
    X = as_float("X", X, ndim=2)
    if X.shape[0] < min_samples or X.shape[1] == 0:
        raise ValueError(f"X must have shape (n_samples >= {min_samples}, n_features >= 1), got {X.shape}")
    return X


def check_X_y(X, y, *, min_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """X (n, d) and a real target y (n,), y cast to X's dtype."""
    X = check_X(X, min_samples=min_samples)
    y = as_float("y", y, ndim=1, like=X)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must have the same number of samples, got X {X.shape} and y {y.shape}")
    return X, y


def check_labels(y, n_samples: int, *, binary: bool = False) -> np.ndarray:
    """Integer class labels (n,) as int64; with ``binary`` they must be 0/1 (bools allowed)."""
    arr = np.asarray(y)
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"y must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1 or arr.shape[0] != n_samples:
        raise ValueError(f"y must have shape ({n_samples},) (one label per row of X), got {arr.shape}")
    if binary and not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"y must hold the binary labels 0 and 1, got values {np.unique(arr)[:5].tolist()}")
    return arr.astype(np.int64)


def check_bool(name: str, value) -> bool:
    """A real Python/numpy bool (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
    return bool(value)
