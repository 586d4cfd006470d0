r"""2-D convolution (卷积) from scratch in numpy: im2col and direct loops forward, and the backward pass.

For an input $x$ of shape $(N, C_{\text{in}}, H, W)$, zero-padded by $p$, weights $w$ of shape
$(C_{\text{out}}, C_{\text{in}}/g, k_h, k_w)$, bias $b$, stride $s$, dilation $d$ and $g$ groups (output channel
$o$ sees only the $C_{\text{in}}/g$ input channels of its group $\gamma(o)$), a convolution layer computes the
cross-correlation (no kernel flip, like every deep-learning library)

$$y_{n,o,i,j} = b_o + \sum_{c \in \gamma(o)} \sum_{u=0}^{k_h-1}\sum_{v=0}^{k_w-1}
    w_{o,c,u,v}\; x^{\text{pad}}_{n,c,\,s_h i + d_h u,\; s_w j + d_w v}.$$

**im2col** gathers every receptive field into a column, $X_{\text{col}}$ of shape
$(N, g, \tfrac{C_{\text{in}}}{g} k_h k_w, H_{\text{out}} W_{\text{out}})$, so the layer is one matrix product per
group: $Y = W_{\text{mat}} X_{\text{col}} + b$. **Backward**, with $G = \partial L/\partial y$:
$\partial L/\partial b_o = \sum_{n,i,j} G_{n,o,i,j}$, $\partial L/\partial W_{\text{mat}} = \sum_n G\, X_{\text{col}}^\top$,
and $\partial L/\partial x = \operatorname{col2im}(W_{\text{mat}}^\top G)$: col2im adds every column back onto
the input positions it was read from (the adjoint of im2col), then the padding is cropped.

Every function keeps the input's floating dtype (float32 in → float32 out); integers become float64.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int
from mlnotes.cnn._arrays import as_float, pair


@dataclass(frozen=True)
class ConvGeometry:
    """The checked hyper-parameters of one conv2d call; ``padding`` is (top, bottom, left, right)."""

    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    dilation: tuple[int, int]
    groups: int
    kernel: tuple[int, int]
    out_hw: tuple[int, int]


def _padding(padding, kernel, dilation, stride) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) from an int, a pair, 'valid' or 'same' (torch: stride 1, extra pad at the end)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(f"padding='same' needs stride 1 (as in torch), got stride={stride}")
            th, tw = dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)  # total padding per axis
            return (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    ph, pw = pair("padding", padding)
    return (ph, ph, pw, pw)


def conv_geometry(x_shape, w_shape, stride=1, padding=0, dilation=1, groups=1) -> ConvGeometry:
    """Check a conv2d call's shapes and hyper-parameters (``ValueError``/``TypeError`` naming the argument)."""
    n, cin, h, w = x_shape
    cout, cin_g, kh, kw = w_shape
    g = check_int("groups", groups, low=1)
    if cin % g or cout % g:
        raise ValueError(f"groups={g} must divide the input channels ({cin}) and the output channels ({cout})")
    if cin_g != cin // g:
        raise ValueError(f"weight must have shape (C_out, C_in/groups, kH, kW) = ({cout}, {cin // g}, kH, kW) for "
                         f"{cin} input channels and groups={g}, got {tuple(w_shape)}")
    if min(kh, kw, cout) < 1 or min(n, h, w) < 1:
        raise ValueError(f"x and weight must not be empty, got shapes {tuple(x_shape)} and {tuple(w_shape)}")
    s, d = pair("stride", stride, low=1), pair("dilation", dilation, low=1)
    pad = _padding(padding, (kh, kw), d, s)
    out = []
    for axis, (size, k, st, lo, hi, dil) in enumerate([(h, kh, s[0], pad[0], pad[1], d[0]),
                                                       (w, kw, s[1], pad[2], pad[3], d[1])]):
        span = dil * (k - 1) + 1
        if size + lo + hi < span:
            raise ValueError(f"the dilated kernel spans {span} inputs along {'HW'[axis]} but the padded input has "
                             f"only {size + lo + hi}: no output position")
        out.append((size + lo + hi - span) // st + 1)
    return ConvGeometry(s, pad, d, g, (kh, kw), (out[0], out[1]))


def _pad(x: np.ndarray, pad, value=0.0) -> np.ndarray:
    top, bottom, left, right = pad
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=value)  # around H and W


def _im2col(x_pad: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """Every receptive field as a column: (N, C, kH, kW, H_out, W_out) from the padded input (N, C, Hp, Wp)."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_hw
    n, c = x_pad.shape[:2]
    cols = np.empty((n, c, kh, kw, ho, wo), dtype=x_pad.dtype)
    for u in range(kh):  # kernel tap (u, v) reads a strided grid of the input, shifted by (d_h·u, d_w·v)
        for v in range(kw):
            cols[:, :, u, v] = x_pad[:, :, dh * u: dh * u + sh * (ho - 1) + 1: sh, dw * v: dw * v + sw * (wo - 1) + 1: sw]
    return cols


def _col2im(cols: np.ndarray, padded_hw, geo: ConvGeometry) -> np.ndarray:
    """The adjoint of :func:`_im2col`: add every column entry back where it was read; (N, C, Hp, Wp)."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_hw
    n, c = cols.shape[:2]
    x_pad = np.zeros((n, c) + tuple(padded_hw), dtype=cols.dtype)
    for u in range(kh):  # overlapping windows read the same input: their gradients add up
        for v in range(kw):
            x_pad[:, :, dh * u: dh * u + sh * (ho - 1) + 1: sh, dw * v: dw * v + sw * (wo - 1) + 1: sw] += cols[:, :, u, v]
    return x_pad


def _conv2d_im2col(x, weight, bias, geo: ConvGeometry):
    """Forward by im2col + one matrix product per group; returns (y, cols) with y (N, C_out, H_out, W_out)."""
    n, g = x.shape[0], geo.groups
    cols = _im2col(_pad(x, geo.padding), geo)  # (N, C_in, kH, kW, H_out, W_out)
    cols = cols.reshape(n, g, -1, geo.out_hw[0] * geo.out_hw[1])  # (N, g, C_in/g·kH·kW, L)
    w_mat = weight.reshape(g, weight.shape[0] // g, -1)  # (g, C_out/g, C_in/g·kH·kW)
    y = np.matmul(w_mat, cols)  # (N, g, C_out/g, L): W_mat X_col for every group at once
    y = y.reshape(n, weight.shape[0], *geo.out_hw)  # (N, C_out, H_out, W_out)
    if bias is not None:
        y = y + bias[None, :, None, None]
    return y, cols


def _conv2d_loops(x, weight, bias, geo: ConvGeometry):
    """Forward by direct loops over output channels and positions (vectorised over the batch only)."""
    x_pad = _pad(x, geo.padding)
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geo.kernel, geo.stride, geo.dilation, geo.out_hw
    cout, cin_g = weight.shape[:2]
    y = np.zeros((x.shape[0], cout, ho, wo), dtype=x.dtype)
    for o in range(cout):
        c0 = (o // (cout // geo.groups)) * cin_g  # first input channel of o's group
        for i in range(ho):
            for j in range(wo):
                window = x_pad[:, c0:c0 + cin_g, sh * i: sh * i + dh * (kh - 1) + 1: dh,
                               sw * j: sw * j + dw * (kw - 1) + 1: dw]  # (N, C_in/g, kH, kW)
                y[:, o, i, j] = np.sum(window * weight[o], axis=(1, 2, 3)) + (0 if bias is None else bias[o])
    return y


def _conv2d_backward(dy, x, weight, geo: ConvGeometry, cols=None):
    """Gradients (dx, dweight, dbias) of the conv from dy = ∂L/∂y (N, C_out, H_out, W_out)."""
    n, g = x.shape[0], geo.groups
    if cols is None:
        cols = _im2col(_pad(x, geo.padding), geo).reshape(n, g, -1, geo.out_hw[0] * geo.out_hw[1])
    cout = weight.shape[0]
    dy_mat = dy.reshape(n, g, cout // g, -1)  # (N, g, C_out/g, L)
    dbias = dy.sum(axis=(0, 2, 3))  # ∂L/∂b_o = Σ over batch and positions
    dw = np.einsum("ngol,ngkl->gok", dy_mat, cols).reshape(weight.shape)  # Σ_n G X_colᵀ
    w_mat = weight.reshape(g, cout // g, -1)  # (g, C_out/g, K)
    dcols = np.matmul(np.swapaxes(w_mat, 1, 2), dy_mat)  # (N, g, K, L): W_matᵀ G
    dcols = dcols.reshape(n, x.shape[1], *geo.kernel, *geo.out_hw)  # (N, C_in, kH, kW, H_out, W_out)
    top, bottom, left, right = geo.padding
    padded_hw = (x.shape[2] + top + bottom, x.shape[3] + left + right)
    dx = _col2im(dcols, padded_hw, geo)[:, :, top: top + x.shape[2], left: left + x.shape[3]]  # crop the padding
    return dx, dw, dbias


def _check(x, weight, bias, stride, padding, dilation, groups):
    x = as_float("x", x, ndim=4)
    weight = as_float("weight", weight, like=x, ndim=4)
    if bias is not None:
        bias = as_float("bias", bias, like=x, shape=(weight.shape[0],))
    geo = conv_geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    return x, weight, bias, geo


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, method: str = "im2col") -> np.ndarray:
    """2-D convolution (cross-correlation) like ``torch.nn.functional.conv2d``, from scratch in numpy.

    x (N, C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out,) or None; stride, dilation ints or pairs
    ≥ 1; padding an int, a pair, 'valid' or 'same' (stride 1; an odd total puts the extra row/column at the end,
    as torch). ``method`` is "im2col" (one matrix product per group) or "loops" (direct loops). Returns
    (N, C_out, H_out, W_out) in x's floating dtype. Raises ``ValueError``/``TypeError`` for bad shapes or
    arguments. See chapter: chapters/cnn.md
    """
    x, weight, bias, geo = _check(x, weight, bias, stride, padding, dilation, groups)
    if method == "im2col":
        return _conv2d_im2col(x, weight, bias, geo)[0]
    if method == "loops":
        return _conv2d_loops(x, weight, bias, geo)
    raise ValueError(f"method must be 'im2col' or 'loops', got {method!r}")


def conv2d_backward(dy, x, weight, stride=1, padding=0, dilation=1, groups=1):
    """Gradients ``(dx, dweight, dbias)`` of :func:`conv2d` given ``dy = ∂L/∂y`` of shape (N, C_out, H_out, W_out).

    Same arguments as :func:`conv2d`; dx has x's shape, dweight weight's, dbias (C_out,) (the bias itself does not
    enter its gradient). Raises ``ValueError`` if dy's shape is not the forward output's. See chapter: chapters/cnn.md
    """
    x, weight, _, geo = _check(x, weight, None, stride, padding, dilation, groups)
    dy = as_float("dy", dy, like=x, shape=(x.shape[0], weight.shape[0], *geo.out_hw))
    return _conv2d_backward(dy, x, weight, geo)


def im2col(x, kernel_size, stride=1, padding=0, dilation=1) -> np.ndarray:
    """The im2col matrix of x (N, C, H, W): (N, C·kH·kW, H_out·W_out), the layout of ``torch.nn.functional.unfold``.

    See chapter: chapters/cnn.md
    """
    x = as_float("x", x, ndim=4)
    kh, kw = pair("kernel_size", kernel_size, low=1)
    geo = conv_geometry(x.shape, (1, x.shape[1], kh, kw), stride, padding, dilation, 1)
    cols = _im2col(_pad(x, geo.padding), geo)  # (N, C, kH, kW, H_out, W_out)
    return cols.reshape(x.shape[0], -1, geo.out_hw[0] * geo.out_hw[1])


__all__ = ["conv2d", "conv2d_backward", "im2col", "conv_geometry", "ConvGeometry"]
