r"""Activation functions (激活函数) and their derivatives, from scratch; the dying-ReLU experiment.

See :mod:`mlnotes.activations.functions` for the math. See chapter: chapters/initialization.md
"""

from mlnotes.activations.functions import (ACTIVATIONS, Activation, elu, elu_grad, gelu, gelu_grad, get_activation,
                                           leaky_relu, leaky_relu_grad, relu, relu_grad, sigmoid, sigmoid_grad, silu,
                                           silu_grad, softmax, softmax_backward, tanh, tanh_grad)

__all__ = [
    "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
    "elu", "elu_grad", "gelu", "gelu_grad", "silu", "silu_grad", "softmax", "softmax_backward",
    "ACTIVATIONS", "Activation", "get_activation",
]
