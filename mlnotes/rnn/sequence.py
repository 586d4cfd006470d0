r"""Running a recurrent cell over a sequence, and backpropagation through time (BPTT, 随时间反向传播).

Forward: $h_0$ (zeros by default), then $h_t = \text{cell}(x_t, h_{t-1})$ for $t = 1..T$ (LSTM: also $c_t$). The
outputs are all hidden states $(h_1, \dots, h_T)$, shape $(T, B, H)$, like ``torch.nn.RNN/LSTM/GRU`` with one
layer and ``batch_first=False``.

Backward: with $\delta_t = \partial L/\partial h_t$ coming both from the output at step $t$ and from step $t+1$,

$$\delta_t = \frac{\partial L}{\partial y_t} + \Big(\frac{\partial h_{t+1}}{\partial h_t}\Big)^{\!\top}\delta_{t+1},
\qquad \frac{\partial L}{\partial W} = \sum_{t=1}^{T} \frac{\partial L}{\partial W}\Big|_{\text{step } t} .$$

The same weights are used at every step, so their gradient is the *sum* over steps. For the vanilla RNN,
$\partial h_{t+1}/\partial h_t = \operatorname{diag}(1 - h_{t+1}^2)\,W_{hh}$, so the gradient reaching step $t$
from step $T$ is multiplied by $T - t$ such matrices: it vanishes or explodes geometrically.

Parameters are a dict with torch's names (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``),
so they load into a torch module with ``load_state_dict``. The input's floating dtype is kept.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int
from mlnotes.cnn._arrays import as_float
from mlnotes.rnn import cells
from mlnotes.rnn.cells import GATES

NAMES = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


@dataclass
class Cache:
    """What BPTT needs: the cell type, the parameters and one cache per step."""

    cell: str
    params: dict
    steps: list
    nonlinearity: str = "tanh"


def check_cell(cell) -> str:
    """'rnn', 'lstm' or 'gru' (case-insensitive)."""
    if not isinstance(cell, str) or cell.lower() not in GATES:
        raise ValueError(f"cell must be one of 'rnn', 'lstm', 'gru', got {cell!r}")
    return cell.lower()


def init_params(cell: str, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64) -> dict:
    """Parameters with torch's shapes and default scheme: every entry ~ U(−1/√H, 1/√H).

    See chapter: chapters/rnn.md
    """
    g = GATES[check_cell(cell)]
    d, h = check_int("input_size", input_size, low=1), check_int("hidden_size", hidden_size, low=1)
    rng = np.random.default_rng(seed)
    shapes = {"weight_ih_l0": (g * h, d), "weight_hh_l0": (g * h, h), "bias_ih_l0": (g * h,), "bias_hh_l0": (g * h,)}
    k = 1 / np.sqrt(h)
    return {name: rng.uniform(-k, k, shape).astype(dtype) for name, shape in shapes.items()}


def check_params(params, cell: str, input_size: int, like: np.ndarray) -> tuple[dict, int]:
    """The four parameter arrays in ``like``'s dtype, shapes checked; returns (params, hidden_size)."""
    if not isinstance(params, dict) or set(params) != set(NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(NAMES)} (torch's names), got {got}")
    g = GATES[cell]
    w_hh = as_float("weight_hh_l0", params["weight_hh_l0"], like=like, ndim=2)
    h = w_hh.shape[1]
    shapes = {"weight_ih_l0": (g * h, input_size), "weight_hh_l0": (g * h, h), "bias_ih_l0": (g * h,),
              "bias_hh_l0": (g * h,)}
    return {k: as_float(k, params[k], like=like, shape=shapes[k]) for k in NAMES}, h


def _check_state(name, value, shape, like):
    return np.zeros(shape, dtype=like.dtype) if value is None else as_float(name, value, like=like, shape=shape)


def forward(X, params: dict, cell: str = "rnn", h0=None, c0=None, nonlinearity: str = "tanh"):
    """Run ``cell`` over X (T, B, D); returns (outputs (T, B, H), final state, cache).

    The final state is h_T, or (h_T, c_T) for the LSTM. h0, c0: (B, H) or None (zeros). ``nonlinearity`` ('tanh' or
    'relu') applies to the vanilla RNN only. Raises ``ValueError``/``TypeError`` for bad shapes or dtypes.
    See chapter: chapters/rnn.md
    """
    cell = check_cell(cell)
    X = as_float("X", X, ndim=3)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one step and one sequence, shape (T, B, D), got {X.shape}")
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    p, hidden = check_params(params, cell, X.shape[2], X)
    h = _check_state("h0", h0, (X.shape[1], hidden), X)
    c = _check_state("c0", c0, (X.shape[1], hidden), X) if cell == "lstm" else None
    outputs, steps = _forward(X, p, cell, h, c, nonlinearity)
    final = (outputs[-1], steps[-1][-1]) if cell == "lstm" else outputs[-1]
    return outputs, final, Cache(cell, p, [s[0] for s in steps], nonlinearity)


def _forward(X, p, cell, h, c, nonlinearity="tanh"):
    """The loop over time: h_t = cell(x_t, h_{t−1}); returns (outputs (T, B, H), [(cache, c_t), ...])."""
    outputs, steps = [], []
    for x in X:  # x: (B, D), one time step
        if cell == "lstm":
            h, c, cache = cells.lstm_step(x, h, c, p)
        elif cell == "gru":
            h, cache = cells.gru_step(x, h, p)
        else:
            h, cache = cells.rnn_step(x, h, p, nonlinearity)
        outputs.append(h)
        steps.append((cache, c))
    return np.stack(outputs), steps  # (T, B, H)


def _backward(dout, cache: Cache, dh, dc):
    """BPTT: walk back from T to 1, adding each step's parameter gradients; returns (grads, dX, dh0, dc0)."""
    p = cache.params
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    dX = []
    for t in reversed(range(len(cache.steps))):
        dh = dh + dout[t]  # from the output at t and from step t + 1
        if cache.cell == "lstm":
            dx, dh, dc, g = cells.lstm_step_backward(dh, dc, cache.steps[t], p)
        elif cache.cell == "gru":
            dx, dh, g = cells.gru_step_backward(dh, cache.steps[t], p)
        else:
            dx, dh, g = cells.rnn_step_backward(dh, cache.steps[t], p, cache.nonlinearity)
        for k in grads:
            grads[k] += g[k]  # shared weights: gradients add up over time
        dX.append(dx)
    return grads, np.stack(dX[::-1]), dh, dc


def backward(dout, cache: Cache, dh_n=None, dc_n=None):
    """Backpropagation through time for :func:`forward`: returns (grads dict, dX (T, B, D), dh0, dc0).

    ``dout`` = ∂L/∂outputs (T, B, H); ``dh_n`` (and ``dc_n`` for the LSTM) = ∂L/∂ final state, or None (zeros).
    dc0 is None for RNN and GRU. See chapter: chapters/rnn.md
    """
    if not isinstance(cache, Cache):
        raise TypeError(f"cache must be the Cache returned by forward, got {type(cache).__name__}")
    like = cache.params["weight_hh_l0"]
    B, H = cache.steps[0][1].shape
    dout = as_float("dout", dout, like=like, shape=(len(cache.steps), B, H))
    dh = _check_state("dh_n", dh_n, (B, H), like)
    dc = _check_state("dc_n", dc_n, (B, H), like) if cache.cell == "lstm" else None
    if cache.cell != "lstm" and dc_n is not None:
        raise ValueError(f"dc_n is only for the LSTM, not for cell={cache.cell!r}")
    return _backward(dout, cache, dh, dc)


def param_count(cell: str, input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False,
                bias: bool = True) -> int:
    """Parameters of ``torch.nn.RNN/LSTM/GRU``: G·(H·D + H·H + 2H) per layer and direction (G = 1, 4, 3).

    torch keeps two bias vectors (b_ih and b_hh); layers after the first take the previous layer's output
    (H, or 2H if bidirectional) as input. See chapter: chapters/rnn.md
    """
    g = GATES[check_cell(cell)]
    d, h = check_int("input_size", input_size, low=1), check_int("hidden_size", hidden_size, low=1)
    layers = check_int("num_layers", num_layers, low=1)
    if not isinstance(bidirectional, bool) or not isinstance(bias, bool):
        raise TypeError("bidirectional and bias must be True or False")
    dirs = 2 if bidirectional else 1
    total = 0
    for layer in range(layers):
        d_in = d if layer == 0 else dirs * h
        total += dirs * g * (h * d_in + h * h + (2 * h if bias else 0))
    return total
