r"""Broadcasting by hand, and whether two tensors share memory.

**Broadcasting.** Shapes are aligned at the right; a missing leading axis counts as size 1. Two sizes are
compatible when they are equal or one of them is 1, and the result takes the larger:

$$\text{out}_i = \max(a_i, b_i) \quad\text{if } a_i = b_i \text{ or } \min(a_i, b_i) = 1, \text{ else an error.}$$

A size of 0 is broadcast like any other size (1 against 0 gives 0). Reference:
``torch.broadcast_shapes`` and ``numpy.broadcast_shapes``.

**Views.** ``view``, ``transpose``, ``permute``, slicing and ``expand`` return tensors that share storage with
their input; ``reshape`` returns a view when the strides allow one and a copy otherwise; ``contiguous`` copies
only when the layout is not already row-major.

See chapter: chapters/pytorch_practice.md
"""

from __future__ import annotations

from itertools import zip_longest


def _check_shape(name: str, shape) -> tuple:
    if isinstance(shape, int) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{name} must be a sequence of ints (a shape), got {type(shape).__name__}")
    out = tuple(shape)
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in out):
        raise ValueError(f"{name} must hold non-negative ints, got {out}")
    return out


def broadcast_shape(*shapes) -> tuple:
    """The shape two or more shapes broadcast to (see the module docstring): a tuple of ints.

    Raises ``ValueError`` naming the first incompatible axis, ``TypeError`` for a non-shape.
    See chapter: chapters/pytorch_practice.md
    """
    out: tuple = ()
    for k, shape in enumerate(shapes):
        shape = _check_shape(f"shapes[{k}]", shape)
        sizes = []
        for axis, (a, b) in enumerate(zip_longest(reversed(out), reversed(shape), fillvalue=1)):  # from the right
            if a != b and 1 not in (a, b):
                raise ValueError(f"shapes {out} and {shape} do not broadcast: size {a} vs {b} at axis -{axis + 1}")
            sizes.append(b if a == 1 else a)
        out = tuple(reversed(sizes))
    return out


def shares_storage(a, b) -> bool:
    """True if two torch tensors use the same underlying memory (a view of one another, or of a common base).

    See chapter: chapters/pytorch_practice.md
    """
    import torch

    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
        raise TypeError(f"a and b must be torch tensors, got {type(a).__name__} and {type(b).__name__}")
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
