r"""Activation functions (激活函数) and their derivatives, from scratch in numpy.

$$\sigma(x) = \frac{1}{1+e^{-x}},\quad \sigma'(x) = \sigma(x)\,(1-\sigma(x)) \le \tfrac14;\qquad
\tanh'(x) = 1-\tanh^2 x \le 1;$$
$$\operatorname{ReLU}(x) = \max(0, x),\quad \operatorname{LeakyReLU}_a(x) = \begin{cases}x & x>0\\ a x & x\le 0\end{cases},\quad
\operatorname{ELU}_\alpha(x) = \begin{cases}x & x>0\\ \alpha(e^x-1) & x\le 0\end{cases};$$
$$\operatorname{GELU}(x) = x\,\Phi(x) = \tfrac x2\bigl(1+\operatorname{erf}(x/\sqrt2)\bigr),\quad
\operatorname{GELU}_{\tanh}(x) = \tfrac x2\Bigl(1+\tanh\bigl(\sqrt{2/\pi}\,(x+0.044715\,x^3)\bigr)\Bigr);$$
$$\operatorname{SiLU}(x) = x\,\sigma(x)\ \text{(Swish with }\beta=1),\qquad
\operatorname{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}},\quad
\frac{\partial L}{\partial x} = y\odot\Bigl(g - \textstyle\sum_j g_j y_j\Bigr)\ \text{for } y = \operatorname{softmax}(x),\ g = \partial L/\partial y.$$

Derivatives at the kinks follow PyTorch's autograd: ReLU'(0) = 0, LeakyReLU'(0) = a, ELU'(0) = α.
Every function is stable for any finite input (no overflow warning, no NaN) and keeps the input's
float dtype. References: ``torch.sigmoid``, ``torch.tanh``, ``torch.nn.functional.relu``,
``leaky_relu``, ``elu``, ``gelu`` (``approximate="none"`` / ``"tanh"``), ``silu``, ``torch.softmax``.

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from mlnotes._checks import check_real
from mlnotes.activations._common import as_float_array

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_TANH_COEF = 0.044715
_GELU_TANH_CLIP = 50.0  # |x| beyond which tanh(√(2/π)(x + 0.044715x³)) is exactly ±1 in float64


# -- kernels: the math, on a float array --------------------------------------------------------
def _sigmoid(x):
    e = np.exp(-np.abs(x))  # e^{-|x|} ∈ (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))  # x < 0: σ(x) = e^x / (1 + e^x)


def _sigmoid_grad(x):
    s = _sigmoid(x)
    return s * (1 - s)  # σ' = σ(1 − σ), at most 1/4 (at x = 0)


def _tanh(x):
    return np.tanh(x)


def _tanh_grad(x):
    t = np.tanh(x)
    return 1 - t * t  # at most 1 (at x = 0)


def _relu(x):
    return np.maximum(x, 0)


def _relu_grad(x):
    return (x > 0).astype(x.dtype)  # 1 for x > 0, else 0 (torch's choice at the kink)


def _leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x)


def _leaky_relu_grad(x, negative_slope=0.01):
    return np.where(x > 0, 1, negative_slope).astype(x.dtype)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))  # min(x, 0): no overflow in the unused branch


def _elu_grad(x, alpha=1.0):
    return np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))).astype(x.dtype)


def _gelu(x):
    from scipy.special import erfc  # lazy: the drills import this module in the browser, where scipy is absent

    return 0.5 * x * erfc(-x / math.sqrt(2))  # x Φ(x); erfc avoids the cancellation in 1 + erf(x) for x ≪ 0


def _gelu_grad(x):
    from scipy.special import erfc

    c = np.minimum(np.abs(x), 100)  # φ(100) ≈ 1e-2174 is 0 anyway; no overflow in x²
    phi = np.exp(-0.5 * c * c) / math.sqrt(2 * math.pi)  # φ(x)
    return 0.5 * erfc(-x / math.sqrt(2)) + x * phi  # Φ(x) + x φ(x)


def _gelu_tanh(x):
    c = np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)  # tanh saturates long before: no x³ overflow
    return 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (c + GELU_TANH_COEF * c**3)))


def _gelu_tanh_grad(x):
    c = np.clip(x, -_GELU_TANH_CLIP, _GELU_TANH_CLIP)
    t = np.tanh(SQRT_2_OVER_PI * (c + GELU_TANH_COEF * c**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_COEF * c * c)


def _silu(x):
    return x * _sigmoid(x)


def _silu_grad(x):
    s = _sigmoid(x)
    return s * (1 + x * (1 - s))  # d/dx xσ(x) = σ + xσ(1 − σ)


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))  # exponents ≤ 0: no overflow; the max term is 1
    return e / np.sum(e, axis=axis, keepdims=True)


def _softmax_backward(x, grad_output, axis=-1):
    y = _softmax(x, axis)
    return y * (grad_output - np.sum(grad_output * y, axis=axis, keepdims=True))  # Jᵀg with J = diag(y) − y yᵀ


# -- public, checked entry points ---------------------------------------------------------------
def sigmoid(x) -> np.ndarray:
    """Logistic sigmoid 1/(1+e^{-x}), elementwise, stable for any finite x; same shape and float dtype as x.

    Reference: ``torch.sigmoid``. See chapter: chapters/initialization.md
    """
    return _sigmoid(as_float_array("x", x, nonempty=False))


def sigmoid_grad(x) -> np.ndarray:
    """dσ/dx = σ(x)(1 − σ(x)) elementwise (≤ 1/4); same shape and dtype as x. See chapter: chapters/initialization.md"""
    return _sigmoid_grad(as_float_array("x", x, nonempty=False))


def tanh(x) -> np.ndarray:
    """tanh(x) elementwise; same shape and dtype. Reference: ``torch.tanh``. See chapter: chapters/initialization.md"""
    return _tanh(as_float_array("x", x, nonempty=False))


def tanh_grad(x) -> np.ndarray:
    """1 − tanh²(x) elementwise (≤ 1). See chapter: chapters/initialization.md"""
    return _tanh_grad(as_float_array("x", x, nonempty=False))


def relu(x) -> np.ndarray:
    """max(0, x) elementwise. Reference: ``F.relu``. See chapter: chapters/initialization.md"""
    return _relu(as_float_array("x", x, nonempty=False))


def relu_grad(x) -> np.ndarray:
    """1 where x > 0, else 0 (0 at x = 0, as torch). See chapter: chapters/initialization.md"""
    return _relu_grad(as_float_array("x", x, nonempty=False))


def _slope(negative_slope) -> float:
    return check_real("negative_slope", negative_slope)


def leaky_relu(x, negative_slope: float = 0.01) -> np.ndarray:
    """x for x > 0, negative_slope·x otherwise. Reference: ``F.leaky_relu``. See chapter: chapters/initialization.md"""
    return _leaky_relu(as_float_array("x", x, nonempty=False), _slope(negative_slope))


def leaky_relu_grad(x, negative_slope: float = 0.01) -> np.ndarray:
    """1 for x > 0, negative_slope for x ≤ 0 (as torch). See chapter: chapters/initialization.md"""
    return _leaky_relu_grad(as_float_array("x", x, nonempty=False), _slope(negative_slope))


def _alpha(alpha) -> float:
    return check_real("alpha", alpha, low=0.0)


def elu(x, alpha: float = 1.0) -> np.ndarray:
    """x for x > 0, α(eˣ − 1) otherwise (α ≥ 0). Reference: ``F.elu``. See chapter: chapters/initialization.md"""
    return _elu(as_float_array("x", x, nonempty=False), _alpha(alpha))


def elu_grad(x, alpha: float = 1.0) -> np.ndarray:
    """1 for x > 0, α·eˣ for x ≤ 0 (α at 0, as torch). See chapter: chapters/initialization.md"""
    return _elu_grad(as_float_array("x", x, nonempty=False), _alpha(alpha))


def _approximate(approximate) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


def gelu(x, approximate: str = "none") -> np.ndarray:
    """GELU x·Φ(x) (``approximate="none"``, with erf) or its tanh approximation (``"tanh"``, GPT-2's).

    Same shape and dtype as x. Reference: ``F.gelu`` (Hendrycks & Gimpel, 2016).
    See chapter: chapters/initialization.md
    """
    kernel = _gelu if _approximate(approximate) == "none" else _gelu_tanh
    return kernel(as_float_array("x", x, nonempty=False))


def gelu_grad(x, approximate: str = "none") -> np.ndarray:
    """Derivative of :func:`gelu`: Φ(x) + xφ(x), or that of the tanh form; finite for every finite x.

    (torch's tanh-form backward returns NaN for |x| ≥ 1e19 in float32, where x³ overflows; this one
    returns the limits 1 and 0.) See chapter: chapters/initialization.md
    """
    kernel = _gelu_grad if _approximate(approximate) == "none" else _gelu_tanh_grad
    return kernel(as_float_array("x", x, nonempty=False))


def silu(x) -> np.ndarray:
    """SiLU / Swish x·σ(x). Reference: ``F.silu``. See chapter: chapters/initialization.md"""
    return _silu(as_float_array("x", x, nonempty=False))


def silu_grad(x) -> np.ndarray:
    """σ(x)(1 + x(1 − σ(x))). See chapter: chapters/initialization.md"""
    return _silu_grad(as_float_array("x", x, nonempty=False))


def _check_axis(axis, ndim: int) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be an integer, got {type(axis).__name__} {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis must be in [{-ndim}, {ndim - 1}] for an array of rank {ndim}, got {axis}")
    return int(axis)


def _softmax_input(x, axis):
    x = as_float_array("x", x)
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, got a scalar")
    return x, _check_axis(axis, x.ndim)


def softmax(x, axis: int = -1) -> np.ndarray:
    """Stable softmax along ``axis`` (the max is subtracted); same shape and dtype as x, sums to 1 along axis.

    Raises ValueError for NaN/inf or an empty input. Reference: ``torch.softmax``.
    See chapter: chapters/initialization.md
    """
    x, axis = _softmax_input(x, axis)
    return _softmax(x, axis)


def softmax_backward(x, grad_output, axis: int = -1) -> np.ndarray:
    """∂L/∂x given g = ∂L/∂softmax(x) (same shape as x): y ⊙ (g − Σ g·y) with y = softmax(x).

    Reference: torch autograd through ``torch.softmax``. See chapter: chapters/initialization.md
    """
    x, axis = _softmax_input(x, axis)
    g = as_float_array("grad_output", grad_output)
    if g.shape != x.shape:
        raise ValueError(f"grad_output must have the shape of x {x.shape}, got {g.shape}")
    return _softmax_backward(x, g.astype(x.dtype, copy=False), axis)


# -- the registry used by the figures and the deep-network experiments ----------------------------
@dataclass(frozen=True)
class Activation:
    """An elementwise activation: its kernel, its derivative kernel and torch's name for it."""

    name: str
    forward: Callable
    derivative: Callable
    torch_name: str


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_grad, "sigmoid"),
    "tanh": Activation("tanh", _tanh, _tanh_grad, "tanh"),
    "ReLU": Activation("ReLU", _relu, _relu_grad, "relu"),
    "LeakyReLU": Activation("LeakyReLU", _leaky_relu, _leaky_relu_grad, "leaky_relu"),
    "ELU": Activation("ELU", _elu, _elu_grad, "elu"),
    "GELU": Activation("GELU", _gelu, _gelu_grad, "gelu"),
    "GELU (tanh)": Activation("GELU (tanh)", _gelu_tanh, _gelu_tanh_grad, "gelu_tanh"),
    "SiLU": Activation("SiLU", _silu, _silu_grad, "silu"),
}


def get_activation(name: str) -> Activation:
    """The :class:`Activation` called ``name`` (one of ``ACTIVATIONS``); ValueError otherwise."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]
