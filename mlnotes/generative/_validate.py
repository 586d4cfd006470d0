"""Tensor checks shared by mlnotes.generative: floating torch tensors in, the same dtype out.

Each check raises ``TypeError`` for a wrong kind of object (a numpy array, a list, an integer tensor)
and ``ValueError`` for a wrong shape or a non-finite value, with a message naming the argument.

See chapter: chapters/generative.md
"""

from __future__ import annotations


def float_tensor(name: str, value, *, ndim=None, finite=True):
    """``value`` if it is a floating torch tensor (of the given rank, finite); else TypeError/ValueError."""
    import torch

    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__} (convert with torch.as_tensor)")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor (float32 or float64), got dtype {value.dtype}")
    if ndim is not None and value.ndim not in ((ndim,) if isinstance(ndim, int) else tuple(ndim)):
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(value.shape)}")
    if finite and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} must contain only finite values (no NaN or inf)")
    return value


def same_shape(name_a: str, a, name_b: str, b) -> None:
    """Raise ValueError if two tensors differ in shape."""
    if tuple(a.shape) != tuple(b.shape):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def same_dtype(name_a: str, a, name_b: str, b) -> None:
    """Raise TypeError if two tensors differ in dtype (no silent float32/float64 mixing)."""
    if a.dtype != b.dtype:
        raise TypeError(f"{name_a} and {name_b} must have the same dtype, got {a.dtype} and {b.dtype}")
