r"""Max and average pooling (池化) from scratch in numpy, forward and backward, as torch's ``max_pool2d`` / ``avg_pool2d``.

Each channel is pooled on its own over windows of $k_h\times k_w$ inputs with stride $s$ (default $k$) and
padding $p$ (at most $k/2$, as in torch):

$$y^{\max}_{n,c,i,j} = \max_{u,v}\, x^{\text{pad}}_{n,c,\,s_h i+u,\,s_w j+v},\qquad
  y^{\text{avg}}_{n,c,i,j} = \frac{1}{|R_{ij}|}\sum_{u,v} x^{\text{pad}}_{n,c,\,s_h i+u,\,s_w j+v}.$$

Max pooling pads with $-\infty$ (a pad never wins); its gradient goes to the arg-max of each window only (the
first one on a tie, as torch's CPU kernel). Average pooling pads with zeros and divides by
$|R_{ij}| = k_h k_w$ (``count_include_pad=True``, torch's default) or by the number of real inputs in the window
(``count_include_pad=False``); its gradient is spread evenly over the window. Pooling has no parameters.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.cnn._arrays import as_float, pair
from mlnotes.cnn.conv import ConvGeometry, _col2im, _im2col, _pad, conv_geometry


def pool_geometry(x_shape, kernel_size, stride=None, padding=0) -> ConvGeometry:
    """Checked geometry of a pooling call on x of shape (N, C, H, W); stride defaults to kernel_size."""
    kh, kw = pair("kernel_size", kernel_size, low=1)
    stride = (kh, kw) if stride is None else stride
    ph, pw = pair("padding", padding)
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding must be at most half the kernel size ({kh // 2}, {kw // 2}) for pooling, "
                         f"got ({ph}, {pw})")
    c = x_shape[1]
    return conv_geometry(x_shape, (c, 1, kh, kw), stride, (ph, pw), 1, groups=c)  # one window per channel


def _windows(x, geo: ConvGeometry, pad_value) -> np.ndarray:
    """(N, C, kH·kW, H_out, W_out): every pooling window of every channel."""
    cols = _im2col(_pad(x, geo.padding, pad_value), geo)  # (N, C, kH, kW, H_out, W_out)
    return cols.reshape(x.shape[0], x.shape[1], -1, *geo.out_hw)


def _max_pool(x, geo: ConvGeometry):
    """(y, arg): the window maxima and where they sit (first on a tie)."""
    win = _windows(x, geo, -np.inf)  # padding never wins
    arg = np.argmax(win, axis=2)  # (N, C, H_out, W_out)
    return np.take_along_axis(win, arg[:, :, None], axis=2)[:, :, 0], arg


def _max_pool_backward(dy, x_shape, arg, geo: ConvGeometry):
    """Route each window's gradient to its arg-max; overlapping windows add up."""
    dwin = np.zeros(dy.shape[:2] + (geo.kernel[0] * geo.kernel[1],) + dy.shape[2:], dtype=dy.dtype)
    np.put_along_axis(dwin, arg[:, :, None], dy[:, :, None], axis=2)
    return _unpad_col2im(dwin, x_shape, geo)


def _avg_divisor(x_shape, geo: ConvGeometry, count_include_pad: bool, dtype):
    """|R_ij|: k_h·k_w, or the number of real (non-padded) inputs in each window, shape (H_out, W_out)."""
    if count_include_pad:
        return dtype.type(geo.kernel[0] * geo.kernel[1])
    ones = np.ones((1, 1) + tuple(x_shape[2:]), dtype=dtype)
    return _windows(ones, geo, 0.0).sum(axis=2)[0, 0]


def _avg_pool(x, geo: ConvGeometry, count_include_pad: bool):
    return _windows(x, geo, 0.0).sum(axis=2) / _avg_divisor(x.shape, geo, count_include_pad, x.dtype)


def _avg_pool_backward(dy, x_shape, geo: ConvGeometry, count_include_pad: bool):
    """Spread each window's gradient evenly: dy/|R_ij| to every input of the window."""
    share = dy / _avg_divisor(x_shape, geo, count_include_pad, dy.dtype)  # (N, C, H_out, W_out)
    dwin = np.broadcast_to(share[:, :, None], dy.shape[:2] + (geo.kernel[0] * geo.kernel[1],) + dy.shape[2:])
    return _unpad_col2im(dwin, x_shape, geo)


def _unpad_col2im(dwin, x_shape, geo: ConvGeometry):
    top, bottom, left, right = geo.padding
    cols = dwin.reshape(dwin.shape[:2] + geo.kernel + dwin.shape[3:])  # (N, C, kH, kW, H_out, W_out)
    dx = _col2im(cols, (x_shape[2] + top + bottom, x_shape[3] + left + right), geo)
    return dx[:, :, top: top + x_shape[2], left: left + x_shape[3]]


def _check_flag(name, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def max_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Max pooling like ``torch.nn.functional.max_pool2d``: x (N, C, H, W) → (N, C, H_out, W_out), dtype kept.

    kernel_size, stride (default kernel_size) and padding (≤ kernel_size // 2) are ints or pairs.
    See chapter: chapters/cnn.md
    """
    x = as_float("x", x, ndim=4)
    return _max_pool(x, pool_geometry(x.shape, kernel_size, stride, padding))[0]


def max_pool2d_backward(dy, x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """∂L/∂x of :func:`max_pool2d` from dy (N, C, H_out, W_out): the gradient goes to each window's arg-max.

    See chapter: chapters/cnn.md
    """
    x = as_float("x", x, ndim=4)
    geo = pool_geometry(x.shape, kernel_size, stride, padding)
    dy = as_float("dy", dy, like=x, shape=x.shape[:2] + geo.out_hw)
    return _max_pool_backward(dy, x.shape, _max_pool(x, geo)[1], geo)


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad: bool = True) -> np.ndarray:
    """Average pooling like ``torch.nn.functional.avg_pool2d`` (same arguments and defaults), dtype kept.

    See chapter: chapters/cnn.md
    """
    x = as_float("x", x, ndim=4)
    return _avg_pool(x, pool_geometry(x.shape, kernel_size, stride, padding), _check_flag("count_include_pad",
                                                                                           count_include_pad))


def avg_pool2d_backward(dy, x, kernel_size, stride=None, padding=0, count_include_pad: bool = True) -> np.ndarray:
    """∂L/∂x of :func:`avg_pool2d` from dy (N, C, H_out, W_out). See chapter: chapters/cnn.md"""
    x = as_float("x", x, ndim=4)
    geo = pool_geometry(x.shape, kernel_size, stride, padding)
    dy = as_float("dy", dy, like=x, shape=x.shape[:2] + geo.out_hw)
    return _avg_pool_backward(dy, x.shape, geo, _check_flag("count_include_pad", count_include_pad))
