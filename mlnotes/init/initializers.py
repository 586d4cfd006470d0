r"""Weight initialization (权重初始化) from scratch: zero, constant, normal, uniform, Xavier/Glorot, He/Kaiming.

A weight of shape $(n_\text{out}, n_\text{in}, k_1, \dots)$ (PyTorch's layout: ``Linear`` computes
$x W^\top$) has $\text{fan\_in} = n_\text{in}\prod k_i$ and $\text{fan\_out} = n_\text{out}\prod k_i$.
For $y = Wx$ with independent zero-mean weights of variance $\operatorname{Var}(W)$,
$\operatorname{Var}(y_j) = \text{fan\_in}\cdot\operatorname{Var}(W)\cdot\mathbb E[x^2]$. Keeping it constant
through the layers gives

* **Xavier / Glorot** (Glorot & Bengio, 2010), a compromise between the forward pass (fan_in) and
  the backward pass (fan_out), for activations that are linear near 0 (tanh):
  $$\operatorname{Var}(W) = g^2\,\frac{2}{\text{fan\_in}+\text{fan\_out}},\qquad
  \mathcal U(-a, a),\ a = g\sqrt{\frac{6}{\text{fan\_in}+\text{fan\_out}}};$$
* **He / Kaiming** (He et al., 2015): ReLU zeroes half of its inputs, so $\mathbb E[x^2] =
  \tfrac12\operatorname{Var}(y_\text{prev})$ and the variance must double:
  $$\operatorname{Var}(W) = \frac{g^2}{\text{fan}},\ g = \sqrt2\ \text{(ReLU)},\qquad
  \mathcal U(-b, b),\ b = g\sqrt{\frac{3}{\text{fan}}},\qquad \text{fan} \in \{\text{fan\_in}, \text{fan\_out}\}.$$

A uniform $\mathcal U(-a, a)$ has standard deviation $a/\sqrt3$, hence the $\sqrt3$ between each
bound and its std. The gain $g$ is ``torch.nn.init.calculate_gain``'s: 1 (linear, sigmoid), 5/3 (tanh),
$\sqrt2$ (ReLU), $\sqrt{2/(1+a^2)}$ (leaky ReLU with slope $a$), 3/4 (SELU).

Every sampler takes a ``numpy.random.Generator`` and returns a new float64 array of ``shape``.
The std and bound formulas are written exactly as ``torch.nn.init`` computes them, so with the
same random stream torch's draws are reproduced bit for bit (tested).

See chapter: chapters/initialization.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_real

NONLINEARITIES = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                  "sigmoid", "tanh", "relu", "leaky_relu", "selu")
MODES = ("fan_in", "fan_out")


# -- fans, gains, std and bounds: the formulas ------------------------------------------------------
def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain g for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    ``param`` is leaky ReLU's negative slope (default 0.01). Raises ValueError for an unknown name.
    See chapter: chapters/initialization.md
    """
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {list(NONLINEARITIES)}, got {nonlinearity!r}")
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_real("param (negative slope)", param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    return 1.0  # linear, convolutions, sigmoid


def fan_in_and_fan_out(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel), as torch: in·∏kernel and out·∏kernel.

    Raises ValueError for fewer than 2 dimensions. See chapter: chapters/initialization.md
    """
    shape = _check_shape(shape)
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 dimensions (out, in, *kernel) to have fans, got {shape}")
    receptive = math.prod(shape[2:])  # 1 for a Linear weight
    return shape[1] * receptive, shape[0] * receptive


def xavier_std(shape, gain: float = 1.0) -> float:
    """Glorot's std g·√(2/(fan_in + fan_out)). See chapter: chapters/initialization.md"""
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return _gain(gain) * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_bound(shape, gain: float = 1.0) -> float:
    """Glorot's uniform bound a = √3·std = g·√(6/(fan_in + fan_out)). See chapter: chapters/initialization.md"""
    return math.sqrt(3.0) * xavier_std(shape, gain)


def kaiming_std(shape, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> float:
    """He's std g/√fan with g = calculate_gain(nonlinearity, a). See chapter: chapters/initialization.md"""
    fan = _fan(shape, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_bound(shape, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu") -> float:
    """He's uniform bound b = √3·std = g·√(3/fan). See chapter: chapters/initialization.md"""
    return math.sqrt(3.0) * kaiming_std(shape, a, mode, nonlinearity)


# -- samplers ------------------------------------------------------------------------------------
def zeros(shape) -> np.ndarray:
    """All zeros (float64). See chapter: chapters/initialization.md"""
    return np.zeros(_check_shape(shape))


def constant(shape, val: float) -> np.ndarray:
    """Every entry equal to ``val`` (float64). See chapter: chapters/initialization.md"""
    return np.full(_check_shape(shape), check_real("val", val))


def normal(shape, mean: float = 0.0, std: float = 1.0, rng=None) -> np.ndarray:
    """Draws from N(mean, std²), e.g. the classic N(0, 0.01²). See chapter: chapters/initialization.md"""
    mean, std = check_real("mean", mean), check_real("std", std, low=0.0)
    return mean + std * _rng(rng).standard_normal(_check_shape(shape))


def uniform(shape, a: float = 0.0, b: float = 1.0, rng=None) -> np.ndarray:
    """Draws from U[a, b) (a < b). See chapter: chapters/initialization.md"""
    a, b = check_real("a", a), check_real("b", b)
    if not a < b:
        raise ValueError(f"a must be < b, got a={a}, b={b}")
    return _rng(rng).uniform(a, b, _check_shape(shape))


def xavier_uniform(shape, gain: float = 1.0, rng=None) -> np.ndarray:
    """U(−a, a) with a = g·√(6/(fan_in + fan_out)) (Glorot & Bengio, 2010); torch's ``xavier_uniform_``.

    ``shape`` = (out, in, *kernel). See chapter: chapters/initialization.md
    """
    a = xavier_bound(shape, gain)
    return _rng(rng).uniform(-a, a, _check_shape(shape))


def xavier_normal(shape, gain: float = 1.0, rng=None) -> np.ndarray:
    """N(0, g²·2/(fan_in + fan_out)); torch's ``xavier_normal_``. See chapter: chapters/initialization.md"""
    return xavier_std(shape, gain) * _rng(rng).standard_normal(_check_shape(shape))


def kaiming_uniform(shape, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    rng=None) -> np.ndarray:
    """U(−b, b) with b = g·√(3/fan) (He et al., 2015); torch's ``kaiming_uniform_`` (same defaults).

    PyTorch's default ``nn.Linear`` weight is ``kaiming_uniform(a=√5)``, i.e. U(±1/√fan_in).
    See chapter: chapters/initialization.md
    """
    b = kaiming_bound(shape, a, mode, nonlinearity)
    return _rng(rng).uniform(-b, b, _check_shape(shape))


def kaiming_normal(shape, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                   rng=None) -> np.ndarray:
    """N(0, g²/fan); torch's ``kaiming_normal_``. See chapter: chapters/initialization.md"""
    return kaiming_std(shape, a, mode, nonlinearity) * _rng(rng).standard_normal(_check_shape(shape))


# -- checks ----------------------------------------------------------------------------------------
def _check_shape(shape) -> tuple:
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape),)
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in shape):
        raise TypeError(f"shape must be a tuple of ints such as (out, in), got {shape!r}")
    if any(s < 1 for s in shape):
        raise ValueError(f"shape must hold positive sizes, got {tuple(shape)}")
    return tuple(int(s) for s in shape)


def _fan(shape, mode: str) -> int:
    if mode not in MODES:
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return fan_in if mode == "fan_in" else fan_out


def _gain(gain) -> float:
    return check_real("gain", gain, low=0.0)


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    return rng
