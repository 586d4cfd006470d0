"""Argument checks shared by mlnotes.cnn and mlnotes.rnn: float arrays that keep their dtype, (h, w) pairs.

* **dtype preserved**: a float32 or float64 array keeps its dtype (float32 in → float32 out, as torch's
  float32 kernels); integer arrays become float64; bool, complex and non-numeric arrays raise ``TypeError``
  (torch refuses bool images too, and a bool array where numbers are expected is usually a mask).
* **pairs**: a kernel size, stride, padding or dilation is an int (the same for height and width) or a pair
  ``(h, w)``, as in ``torch.nn.Conv2d``.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array, check_int


def as_float(name: str, value, *, like: np.ndarray | None = None, ndim=None, shape=None) -> np.ndarray:
    """``value`` as a finite float array: float32/float64 kept, integers → float64, or ``like.dtype`` if given.

    Raises ``TypeError`` for bool, complex or non-numeric input and ``ValueError`` (via ``check_array``) for a
    wrong rank or shape, NaN or inf.
    """
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:  # e.g. a ragged list
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from exc
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must be array-like of numbers (float or int), got a bool array; use "
                        f".astype(float) if you mean the values 0 and 1")
    if kind not in "iuf" or arr.dtype == np.float16:
        raise TypeError(f"{name} must be array-like of float32, float64 or integers, got dtype {arr.dtype}")
    dtype = like.dtype if like is not None else (arr.dtype if kind == "f" else np.dtype(np.float64))
    return check_array(name, arr.astype(dtype, copy=False), ndim=ndim, shape=shape, dtype=None)


def pair(name: str, value, *, low: int = 0) -> tuple[int, int]:
    """An int or a pair of ints, each ``>= low``, as a tuple ``(h, w)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {value!r}")
        return (check_int(f"{name}[0]", value[0], low=low), check_int(f"{name}[1]", value[1], low=low))
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int or a pair (h, w) of ints, got {type(value).__name__} {value!r}")
    v = check_int(name, value, low=low)
    return (v, v)
