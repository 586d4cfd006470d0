"""PyTorch references for the activation functions, to compare ours with (used by the chapter and the tests).

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import numpy as np

from mlnotes.activations.functions import get_activation


def torch_activation(name: str):
    """torch's function for the activation called ``name`` (a key of ``ACTIVATIONS``)."""
    import torch
    import torch.nn.functional as F

    fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "ReLU": F.relu, "LeakyReLU": F.leaky_relu, "ELU": F.elu,
           "GELU": F.gelu, "GELU (tanh)": lambda t: F.gelu(t, approximate="tanh"), "SiLU": F.silu}
    get_activation(name)  # a clear ValueError for an unknown name
    return fns[name]


def torch_value_and_grad(name: str, x) -> tuple[np.ndarray, np.ndarray]:
    """torch's f(x) and its autograd derivative f'(x), elementwise, for a float64 array x."""
    import torch

    t = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = torch_activation(name)(t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def gradcheck(name: str, points=(-2.5, -0.7, 0.3, 1.9)) -> bool:
    """``torch.autograd.gradcheck`` (float64) of our forward and our derivative, wrapped as one autograd function.

    True when our derivative matches finite differences of our forward at ``points``.
    """
    import torch

    act = get_activation(name)

    class Ours(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return torch.from_numpy(act.forward(t.detach().numpy()))

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            return g * torch.from_numpy(act.derivative(t.detach().numpy()))

    probe = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    return bool(torch.autograd.gradcheck(Ours.apply, (probe,)))


def torch_softmax_backward(x, grad_output) -> np.ndarray:
    """∂L/∂x through ``torch.softmax`` over the last axis, for the upstream gradient ``grad_output``."""
    import torch

    t = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    (torch.softmax(t, dim=-1) * torch.tensor(np.asarray(grad_output, dtype=np.float64))).sum().backward()
    return t.grad.numpy()
