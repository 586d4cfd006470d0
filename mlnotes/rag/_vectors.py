"""Checks for the RAG package's numeric arrays: embeddings are real numbers, ids are integers.

An argument whose meaning would change with its dtype is refused with ``TypeError`` instead of
being converted: a boolean array given as embeddings (binary codes, whose natural similarity is
Hamming, not a dot product), or float scores given where ids are expected (faiss returns
``(scores, ids)``, :func:`mlnotes.rag.ann.search` returns ``(ids, scores)``: swapping them would
otherwise give a silent, meaningless recall).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array


def check_vectors(name: str, value, ndim: int = 2) -> np.ndarray:
    """``value`` as an array of real vectors: floating dtypes kept as they are, integers -> float64.

    Raises ``TypeError`` for bool, complex, object or string arrays and ``ValueError`` for a wrong
    rank or a non-finite value.
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be an array of real numbers (float or int), got dtype {arr.dtype}")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return check_array(name, arr, ndim=ndim, dtype=arr.dtype)


def check_ids(name: str, value) -> np.ndarray:
    """``value`` as a 2-D array of integer ids; float, bool or other dtypes raise ``TypeError``."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer ids, got dtype {arr.dtype} (ann.search returns (ids, scores))")
    return arr


def real_array(name: str, value) -> np.ndarray:
    """``value`` as a real array keeping a floating dtype (float32 stays float32); integers -> float64.

    Bool, complex, object or string arrays raise ``TypeError``.
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{name} must be real numbers (float or int), got dtype {arr.dtype}")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def float_dtype(*values) -> np.dtype:
    """The floating dtype of the array arguments (numpy's promotion among them), float64 if none is floating.

    Python numbers do not count (like numpy's own rules, they take the arrays' dtype), so
    ``float32`` data with an ``int`` array of counts or a Python float stays float32.
    """
    floats = [np.asarray(v).dtype for v in values if isinstance(v, (np.ndarray, np.generic))
              and np.asarray(v).dtype.kind == "f"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)
