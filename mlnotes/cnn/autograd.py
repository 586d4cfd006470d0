"""The from-scratch conv2d as a ``torch.autograd.Function``, so torch's ``gradcheck`` can test our backward.

``conv2d_autograd(x, weight, bias, ...)`` runs :func:`mlnotes.cnn.conv.conv2d` forward and
:func:`mlnotes.cnn.conv.conv2d_backward` backward on the tensors' numpy data. ``gradcheck`` compares that
hand-written backward with finite differences of our forward, in float64; the tests also compare both with
``torch.nn.functional.conv2d`` and its autograd gradients.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import functools

import numpy as np


@functools.cache
def conv2d_function():
    """The ``torch.autograd.Function`` class (built on first use, so importing mlnotes.cnn does not import torch)."""
    import torch

    from mlnotes.cnn.conv import conv2d, conv2d_backward

    class Conv2dFunction(torch.autograd.Function):
        """Forward and backward by mlnotes.cnn.conv (numpy)."""

        @staticmethod
        def forward(ctx, x, weight, bias, stride, padding, dilation, groups):
            ctx.save_for_backward(x, weight)
            ctx.hyper = (stride, padding, dilation, groups)
            ctx.has_bias = bias is not None
            b = None if bias is None else bias.detach().numpy()
            y = conv2d(x.detach().numpy(), weight.detach().numpy(), b, stride, padding, dilation, groups)
            return torch.from_numpy(np.ascontiguousarray(y))

        @staticmethod
        def backward(ctx, dy):
            x, weight = ctx.saved_tensors
            dx, dw, db = conv2d_backward(dy.detach().numpy(), x.detach().numpy(), weight.detach().numpy(), *ctx.hyper)
            grads = [torch.from_numpy(np.ascontiguousarray(g)) for g in (dx, dw, db)]
            return grads[0], grads[1], (grads[2] if ctx.has_bias else None), None, None, None, None

    return Conv2dFunction


def conv2d_autograd(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``F.conv2d``'s signature on CPU tensors, computed by our numpy conv2d with our hand-written backward.

    See chapter: chapters/cnn.md
    """
    return conv2d_function().apply(x, weight, bias, stride, padding, dilation, groups)
