r"""Parameter sharing (参数共享) and translation equivariance (平移等变) of a convolution.

A convolution is a linear map, so it *is* a matrix $M$ with $\operatorname{vec}(y) = M \operatorname{vec}(x)$.
Compared with a fully connected layer of the same shape, $M$ is **sparse** (output $i$ reads only its
receptive field: local connectivity) and **shared** (every row holds the same $k_h k_w C_{\text{in}}$ kernel
values, shifted). Sharing gives **equivariance**: with circular padding and stride 1, shifting the input by $t$
shifts the output by $t$, $\operatorname{conv}(\tau_t x) = \tau_t \operatorname{conv}(x)$. With stride $s$ only
shifts by multiples of $s$ commute ($\tau_t \mapsto \tau_{t/s}$); any other shift changes which inputs are
sampled, so the output is not a shifted copy (Zhang, 2019, "Making convolutional networks shift-invariant again").

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes._checks import check_int
from mlnotes.cnn._arrays import as_float, pair
from mlnotes.cnn.conv import conv2d


def conv_as_matrix(weight, input_hw, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The matrix M (C_out·H_out·W_out, C_in·H·W) of conv2d (no bias): vec(conv2d(x)) = M @ vec(x).

    Built by convolving every basis image (one 1 in a field of 0s) with our :func:`~mlnotes.cnn.conv.conv2d`.
    See chapter: chapters/cnn.md
    """
    w = as_float("weight", weight, ndim=4)
    h, wd = pair("input_hw", input_hw, low=1)
    cin = w.shape[1]
    basis = np.eye(cin * h * wd, dtype=w.dtype).reshape(-1, cin, h, wd)  # (C_in·H·W, C_in, H, W)
    y = conv2d(basis, w, None, stride, padding, dilation)  # column j of M = conv of basis image j
    return y.reshape(y.shape[0], -1).T


def circular_conv2d(x, weight, stride=1) -> np.ndarray:
    """conv2d with circular ('wrap') padding of (k − 1)/2 per side (odd square kernels): no borders, so shifts
    (np.roll) are exact symmetries. See chapter: chapters/cnn.md
    """
    x = as_float("x", x, ndim=4)
    w = as_float("weight", weight, like=x, ndim=4)
    k = w.shape[-1]
    if w.shape[-2] != k or k % 2 == 0:
        raise ValueError(f"weight must have an odd square kernel (k, k), got {w.shape[-2:]}")
    p = (k - 1) // 2
    x_wrap = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode="wrap")  # the image on a torus
    return conv2d(x_wrap, w, None, stride=stride)


def equivariance_error(x, weight, stride: int, shift: int) -> float:
    """How far conv(shift x) is from *every* shifted copy of conv(x): min over output shifts u of
    max|conv(roll(x, shift)) − roll(conv(x), u)| / max|conv(x)| (0 = equivariant). Shifts along both H and W.

    See chapter: chapters/cnn.md
    """
    s = check_int("stride", stride, low=1)
    t = check_int("shift", shift)
    y = circular_conv2d(x, weight, s)
    y_shifted_input = circular_conv2d(np.roll(x, (t, t), axis=(2, 3)), weight, s)
    scale = np.max(np.abs(y))
    errs = [np.max(np.abs(y_shifted_input - np.roll(y, (u, v), axis=(2, 3))))
            for u in range(y.shape[2]) for v in range(y.shape[3])]
    return float(min(errs) / scale) if scale > 0 else 0.0
