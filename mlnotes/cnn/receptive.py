r"""Receptive field (感受野) of a stack of convolutions: the formula, and a gradient probe that measures it.

Layer $l$ has kernel $k_l$, stride $s_l$ and dilation $d_l$. Its **jump** $j_l = \prod_{i\le l} s_i$ is the
distance, in input pixels, between two neighbouring outputs of layer $l$ ($j_0 = 1$), and its receptive field
$r_l$ is the number of input pixels (along one axis) that one of its outputs depends on:

$$r_0 = 1,\qquad r_l = r_{l-1} + d_l\,(k_l - 1)\, j_{l-1}.$$

With stride 1 the field grows linearly in depth; every stride multiplies the growth of all later layers.
Padding does not change $r$. The probe checks the formula without it: with all weights 1 (a linear network
with no cancellation), $\partial y_{0,0}/\partial x$ is non-zero exactly on the pixels output $(0, 0)$ reads,
and counts the paths from each of them, which concentrates the *effective* receptive field in the centre
(Luo et al., 2016). With dilation > 1 and stride 1 the support can have holes (the gridding effect).

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes._checks import check_int


def _layers(kernel_sizes, strides, dilations) -> list[tuple[int, int, int]]:
    ks = list(kernel_sizes) if isinstance(kernel_sizes, (list, tuple)) else None
    if not ks:
        raise ValueError(f"kernel_sizes must be a non-empty list of ints, got {kernel_sizes!r}")
    n = len(ks)

    def expand(name, v):
        vals = list(v) if isinstance(v, (list, tuple)) else [v] * n
        if len(vals) != n:
            raise ValueError(f"{name} must be an int or a list of {n} ints (one per layer), got {v!r}")
        return [check_int(f"{name}[{i}]", x, low=1) for i, x in enumerate(vals)]

    return list(zip(expand("kernel_sizes", ks), expand("strides", strides), expand("dilations", dilations)))


def receptive_field(kernel_sizes, strides=1, dilations=1) -> tuple[np.ndarray, np.ndarray]:
    """Receptive field r_l and jump j_l after each layer of a conv stack (square kernels, per axis).

    kernel_sizes: list of ints (one per layer); strides, dilations: an int for all layers or a list. Returns
    two int64 arrays of length L. See chapter: chapters/cnn.md
    """
    r, j, rs, js = 1, 1, [], []
    for k, s, d in _layers(kernel_sizes, strides, dilations):
        r = r + d * (k - 1) * j  # r_l = r_{l-1} + d_l (k_l − 1) j_{l-1}
        j = j * s  # j_l = j_{l-1} s_l
        rs.append(r)
        js.append(j)
    return np.array(rs, dtype=np.int64), np.array(js, dtype=np.int64)


@functools.lru_cache(maxsize=64)
def _probe(layers: tuple, size: int) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    x = torch.zeros((1, 1, size, size), dtype=torch.float64, requires_grad=True)
    h = x
    for k, s, d in layers:
        h = F.conv2d(h, torch.ones((1, 1, k, k), dtype=torch.float64), stride=s, dilation=d)  # no padding
    h[0, 0, 0, 0].backward()  # output pixel (0, 0)
    return x.grad[0, 0].numpy()


def probe_receptive_field(kernel_sizes, strides=1, dilations=1, margin: int = 2) -> np.ndarray:
    """|∂y₀₀/∂x| of output pixel (0, 0) of an all-ones conv stack (torch autograd, float64), on an input of
    r_L + margin pixels per side. Returns the (H, W) gradient map; its non-zero rows/columns span r_L.

    See chapter: chapters/cnn.md
    """
    layers = tuple(_layers(kernel_sizes, strides, dilations))
    r = int(receptive_field(*zip(*layers))[0][-1]) if layers else 1
    margin = check_int("margin", margin, low=0)
    return _probe(layers, r + margin).copy()


def support_extent(grad: np.ndarray) -> tuple[int, int]:
    """(rows, cols) spanned by the non-zero entries of a gradient map: first to last, holes included."""
    rows, cols = np.flatnonzero(np.any(grad != 0, axis=1)), np.flatnonzero(np.any(grad != 0, axis=0))
    if rows.size == 0:
        return 0, 0
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
