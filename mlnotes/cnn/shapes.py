r"""Shape arithmetic of convolution and pooling, and what a layer costs (parameters, multiply-adds).

Along one spatial axis, an input of size $n$, kernel size $k$, stride $s$, padding $p$ on each side and
dilation $d$ (the kernel's taps are $d$ apart, so it spans $d(k-1)+1$ inputs) give

$$n_{\text{out}} = \Big\lfloor \frac{n + 2p - d(k-1) - 1}{s} \Big\rfloor + 1 .$$

Pooling with ``ceil_mode=True`` rounds up instead, but drops a last window that would start in the right
padding (torch's rule). A ``Conv2d(C_in, C_out, (k_h, k_w), groups=g)`` has
$C_{\text{out}}\cdot\frac{C_{\text{in}}}{g}\cdot k_h k_w$ weights plus $C_{\text{out}}$ biases, and per image
$C_{\text{out}} H_{\text{out}} W_{\text{out}}\cdot\frac{C_{\text{in}}}{g} k_h k_w$ multiply-adds (MACs); FLOPs
are counted as $2\times$ MACs, as ``torch.utils.flop_counter`` does (bias additions not counted).

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import math

from mlnotes._checks import check_int
from mlnotes.cnn._arrays import pair


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution along one axis: ⌊(size + 2·padding − dilation·(kernel_size − 1) − 1)/stride⌋ + 1.

    All arguments are ints (size, kernel_size, stride, dilation ≥ 1; padding ≥ 0). Raises ``ValueError`` when
    the dilated kernel is larger than the padded input (no output position), as ``torch.nn.functional.conv2d``
    does. See chapter: chapters/cnn.md
    """
    n, k = check_int("size", size, low=1), check_int("kernel_size", kernel_size, low=1)
    s, p, d = check_int("stride", stride, low=1), check_int("padding", padding, low=0), check_int("dilation", dilation, low=1)
    span = d * (k - 1) + 1  # inputs covered by one dilated kernel
    if n + 2 * p < span:
        raise ValueError(f"the dilated kernel spans {span} inputs but the padded input has only {n + 2 * p} "
                         f"(size={n}, padding={p}): no output position")
    return (n + 2 * p - span) // s + 1


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0, dilation: int = 1,
                     ceil_mode: bool = False) -> int:
    """Output length of max/avg pooling along one axis (stride defaults to kernel_size, as in torch).

    ``ceil_mode=False`` is :func:`conv_output_size`. With ``ceil_mode=True`` the division rounds up, and a last
    window that would start in the right padding is dropped (torch's rule). Raises ``ValueError`` if
    ``padding > kernel_size // 2`` (torch refuses it too) or no window fits. See chapter: chapters/cnn.md
    """
    k = check_int("kernel_size", kernel_size, low=1)
    s = k if stride is None else check_int("stride", stride, low=1)
    p = check_int("padding", padding, low=0)
    if p > k // 2:
        raise ValueError(f"padding must be at most kernel_size // 2 = {k // 2} for pooling, got {p}")
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {type(ceil_mode).__name__}")
    out = conv_output_size(size, k, s, p, dilation)
    if ceil_mode:
        out = -((-(size + 2 * p - dilation * (k - 1) - 1)) // s) + 1  # ⌈·⌉ + 1
        if (out - 1) * s >= size + p:  # the last window would start in the right padding
            out -= 1
    return out


def conv2d_output_shape(input_hw, kernel_size, stride=1, padding=0, dilation=1) -> tuple[int, int]:
    """(H_out, W_out) of a 2-D convolution; every argument an int or an (h, w) pair. See chapter: chapters/cnn.md"""
    (h, w), (kh, kw) = pair("input_hw", input_hw, low=1), pair("kernel_size", kernel_size, low=1)
    (sh, sw), (ph, pw), (dh, dw) = pair("stride", stride, low=1), pair("padding", padding), pair("dilation", dilation, low=1)
    return conv_output_size(h, kh, sh, ph, dh), conv_output_size(w, kw, sw, pw, dw)


def _check_groups(in_channels, out_channels, groups) -> tuple[int, int, int]:
    cin, cout = check_int("in_channels", in_channels, low=1), check_int("out_channels", out_channels, low=1)
    g = check_int("groups", groups, low=1)
    if cin % g or cout % g:
        raise ValueError(f"groups={g} must divide in_channels={cin} and out_channels={cout}")
    return cin, cout, g


def conv2d_param_count(in_channels: int, out_channels: int, kernel_size, groups: int = 1, bias: bool = True) -> int:
    """Parameters of ``nn.Conv2d``: C_out·(C_in/groups)·k_h·k_w weights (+ C_out biases). See chapter: chapters/cnn.md"""
    cin, cout, g = _check_groups(in_channels, out_channels, groups)
    kh, kw = pair("kernel_size", kernel_size, low=1)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {type(bias).__name__}")
    return cout * (cin // g) * kh * kw + (cout if bias else 0)


def conv2d_macs(in_channels: int, out_channels: int, kernel_size, output_hw, groups: int = 1) -> int:
    """Multiply-adds of one image through ``nn.Conv2d``: C_out·H_out·W_out·(C_in/groups)·k_h·k_w (bias excluded).

    FLOPs = 2 × MACs, the convention of ``torch.utils.flop_counter.FlopCounterMode``. See chapter: chapters/cnn.md
    """
    cin, cout, g = _check_groups(in_channels, out_channels, groups)
    (kh, kw), (ho, wo) = pair("kernel_size", kernel_size, low=1), pair("output_hw", output_hw, low=1)
    return cout * ho * wo * (cin // g) * kh * kw


def dense_param_count(in_shape, out_shape, bias: bool = True) -> int:
    """Parameters of a fully connected layer from a (C, H, W) input to a (C, H, W) output. See chapter: chapters/cnn.md"""
    n_in = math.prod(check_int(f"in_shape[{i}]", v, low=1) for i, v in enumerate(in_shape))
    n_out = math.prod(check_int(f"out_shape[{i}]", v, low=1) for i, v in enumerate(out_shape))
    return n_in * n_out + (n_out if bias else 0)


def locally_connected_param_count(in_channels: int, out_channels: int, kernel_size, output_hw,
                                  bias: bool = True) -> int:
    """Parameters of a locally connected layer: a conv's connectivity, but its own kernel at every output position.

    H_out·W_out·C_out·(C_in·k_h·k_w (+1)): a convolution without parameter sharing. See chapter: chapters/cnn.md
    """
    cin, cout, _ = _check_groups(in_channels, out_channels, 1)
    (kh, kw), (ho, wo) = pair("kernel_size", kernel_size, low=1), pair("output_hw", output_hw, low=1)
    return ho * wo * cout * (cin * kh * kw + (1 if bias else 0))
