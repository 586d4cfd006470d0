"""Helpers shared by mlnotes.activations, mlnotes.init and mlnotes.losses.

* :func:`as_float_array`: floating inputs keep their dtype (float32 in, float32 out); integers and
  bools become float64; anything else (complex, strings, objects) is a ``TypeError`` naming the argument.
* :func:`one_blas_thread`: the experiments multiply many small matrices (64 × 64). On a busy
  2-core machine OpenBLAS's two threads make each product 10–100 times slower than one thread
  (measured: 14 ms vs 0.5 ms for 128 × 128), so the loops run with one BLAS thread.
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array

FLOATS = (np.float32, np.float64)


def one_blas_thread():
    """A context manager limiting BLAS (numpy's matmul) to one thread inside the ``with`` block."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def as_float_array(name: str, value, *, finite: bool = True, ndim=None, nonempty: bool = True) -> np.ndarray:
    """``value`` as a float32/float64 array (dtype kept; ints and bools → float64), checked.

    Raises ``TypeError`` for non-numeric or complex input, ``ValueError`` for NaN/inf (when
    ``finite``), a wrong rank (``ndim``: an int or a tuple of allowed ranks) or an empty array.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        raw = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - objects that refuse to become arrays
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}") from exc
    if raw.dtype.kind in "biu":
        raw = raw.astype(np.float64)
    elif raw.dtype.kind == "f":
        if raw.dtype not in FLOATS:  # float16 / longdouble: compute in float64
            raw = raw.astype(np.float64)
    else:
        raise TypeError(f"{name} must hold real numbers (float32, float64, int or bool), got dtype {raw.dtype}")
    arr = check_array(name, raw, ndim=ndim, finite=finite, dtype=raw.dtype)
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    return arr


def result_dtype(*arrays) -> np.dtype:
    """float32 if every floating input is float32, else float64 (numpy's promotion of the floats)."""
    return np.result_type(*[a.dtype for a in arrays])
