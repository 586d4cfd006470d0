r"""Array checks shared by mlnotes.attention: floating dtypes are kept, masks are read by their dtype.

* **dtype preserved**: a float16/float32/float64 input keeps its dtype (float32 in → float32 out, so
  float32 effects such as erratum 4's underflow at a gap of ≈ 104 are reproducible); bool and integer
  inputs of a numeric argument become float64.
* **masks, as torch's** ``scaled_dot_product_attention``: a bool mask means True = keep (the key takes part
  in attention), False = masked out ($-\infty$ added); a floating mask is *added* to the scores. Any other
  dtype raises ``TypeError``: a 0/1 integer mask (Hugging Face's ``attention_mask``) added to the scores
  would silently give the pad keys weight (torch raises too).

See chapter: chapters/attention.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_array

MASK_FORMS = "a bool array (True = keep) or a floating array added to the scores"


def float_array(name: str, value, *, finite=True, ndim=None, shape=None) -> np.ndarray:
    """``value`` as an array of its own floating dtype (bool/integer → float64); TypeError for anything else."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers, got {type(value).__name__}") from exc
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must be array-like of real numbers, got {type(value).__name__} of dtype {arr.dtype}")
    return check_array(name, arr, ndim=ndim, shape=shape, finite=finite, dtype=None)


def common_float_dtype(*arrays) -> np.dtype:
    """The floating dtype numpy promotes these floating arrays to (float32 with float32 stays float32)."""
    return np.result_type(*arrays)


def checked_mask(name: str, mask) -> np.ndarray:
    """A bool or floating numpy mask (no NaN, no +inf); TypeError naming ``name`` for any other dtype."""
    try:
        m = np.asarray(mask)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be {MASK_FORMS}, got {type(mask).__name__}") from exc
    if m.dtype == bool:
        return m
    if m.dtype.kind != "f":
        raise TypeError(mask_dtype_message(name, m.dtype))
    if np.any(np.isnan(m)) or np.any(m == np.inf):
        raise ValueError(f"{name} must not contain NaN or +inf (-inf or False marks a masked entry)")
    return m


def mask_dtype_message(name: str, dtype) -> str:
    """The TypeError message for a mask of a dtype that is neither bool nor floating."""
    return (f"{name} must be {MASK_FORMS}, got dtype {dtype}; a 0/1 integer mask (Hugging Face's attention_mask) "
            f"would be added to the scores: convert it with {name} == 1 (or .astype(bool)) first")


def additive_mask(name: str, mask, dtype) -> np.ndarray:
    """A checked mask as an additive array of ``dtype``: 0 / −inf for a bool mask, the values of a float one."""
    m = checked_mask(name, mask)
    if m.dtype == bool:
        dtype = np.dtype(dtype)
        return np.where(m, dtype.type(0), dtype.type(-np.inf))  # (..., L, S)
    return m.astype(dtype, copy=False)
