"""Floating dtypes in mlnotes.trees: a floating input keeps its dtype, any other number becomes float64.

Functions that return floats *of the input's kind* (impurities of probability vectors, the logistic
function, XGBoost's leaf weights and gains, the predictions of regressors) return the floating dtype
of that input: float32 in, float32 out. Class probabilities, decision scores and feature importances
are float64 whatever the input, as in scikit-learn.

See chapter: chapters/trees.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array


def as_float(name: str, value, *, ndim=None, shape=None, finite: bool = True) -> np.ndarray:
    """``value`` as an array of its own floating dtype (float16/32/64), or float64 for ints and bools.

    Raises TypeError for anything that is not real numbers (strings, complex numbers, ragged lists).
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of real numbers, got {type(value).__name__}") from exc
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must be real numbers, got complex dtype {arr.dtype}")
    dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)
    return check_array(name, arr, ndim=ndim, shape=shape, dtype=dtype, finite=finite)


def float_dtype(*arrays) -> np.dtype:
    """The common floating dtype of the floating arrays among ``arrays`` (float64 when there is none)."""
    kinds = [a.dtype for a in arrays if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    return np.result_type(*kinds) if kinds else np.dtype(np.float64)
