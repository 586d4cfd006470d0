r"""Vanishing and exploding gradients through time (梯度消失 / 梯度爆炸), measured with the from-scratch BPTT.

Take $L = \langle v, h_T\rangle$ for a fixed random direction $v$. Going back one step multiplies the gradient by
the transposed Jacobian $J_t^\top = W_{hh}^\top \operatorname{diag}(1 - h_t^2)$ (vanilla tanh RNN), so

$$\Big\|\frac{\partial L}{\partial h_{T-k}}\Big\| = \big\|J_{T-k+1}^\top \cdots J_T^\top v\big\|
\le \big(\lVert W_{hh}\rVert \max_t \lVert \operatorname{diag}(1 - h_t^2)\rVert\big)^k\,\lVert v\rVert .$$

With $W_{hh} = \rho\,Q$ for an orthogonal $Q$ (all singular values equal to $\rho$, the **spectral radius**), a
*linear* RNN gives exactly $\rho^k\lVert v\rVert$: vanishing for $\rho < 1$, exploding for $\rho > 1$. The tanh
factors are $\le 1$, so tanh only makes it vanish faster. In the LSTM the cell state adds the path
$\partial c_t/\partial c_{t-1} = \operatorname{diag}(f_t)$, whose factor is the forget gate itself: close to 1
when the gate is open, whatever the weights. **Gradient clipping** rescales the whole gradient when its norm
exceeds $c$: the direction is kept and the size capped, which tames an exploding step but cannot bring back a
vanished signal.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import functools

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.rnn import cells, sequence


def orthogonal(n: int, seed: int = 0) -> np.ndarray:
    """A random n×n orthogonal matrix (QR of a Gaussian matrix, signs fixed so the draw is uniform)."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def scaled_rnn_params(rho: float, input_size: int = 8, hidden_size: int = 32, seed: int = 0) -> dict:
    """Vanilla-RNN parameters with W_hh = ρ·Q (Q orthogonal: every singular value is ρ), other weights torch-like."""
    rho = check_real("rho", rho, low=0.0)
    p = sequence.init_params("rnn", input_size, hidden_size, seed=seed)
    p["weight_hh_l0"] = rho * orthogonal(hidden_size, seed)
    return p


@functools.lru_cache(maxsize=64)
def hidden_gradient_norms(rho: float, length: int = 50, activation: str = "tanh", hidden_size: int = 32,
                          batch_size: int = 16, seed: int = 0) -> np.ndarray:
    """Mean ‖∂L/∂h_{T−k}‖ over a batch, for k = 0..T−1, with L = ⟨v, h_T⟩, ‖v‖ = 1 (so the k = 0 entry is 1).

    ``activation`` 'tanh' runs the from-scratch BPTT of a tanh RNN with W_hh = ρ·Q on random inputs; 'linear'
    applies the exact linear recursion ‖(W_hhᵀ)^k v‖ = ρ^k. See chapter: chapters/rnn.md
    """
    T = check_int("length", length, low=1)
    if activation not in ("tanh", "linear"):
        raise ValueError(f"activation must be 'tanh' or 'linear', got {activation!r}")
    p = scaled_rnn_params(rho, hidden_size=hidden_size, seed=seed)
    rng = np.random.default_rng(seed + 1)
    v = rng.standard_normal((batch_size, hidden_size))
    v /= np.linalg.norm(v, axis=1, keepdims=True)  # a unit direction per sequence
    if activation == "linear":
        norms, g = [], v
        for _ in range(T):
            norms.append(np.linalg.norm(g, axis=1).mean())
            g = g @ p["weight_hh_l0"]  # one step back: (W_hhᵀ g)ᵀ for every row
        return np.array(norms)
    X = rng.standard_normal((T, batch_size, 8))
    _, _, cache = sequence.forward(X, p, "rnn")
    dh, norms = v, []
    for t in reversed(range(T)):  # BPTT by hand, recording the gradient that reaches each h_t
        norms.append(np.linalg.norm(dh, axis=1).mean())
        _, dh, _ = cells.rnn_step_backward(dh, cache.steps[t], p)
    return np.array(norms)


@functools.lru_cache(maxsize=64)
def input_gradient_norms(cell: str, gate_bias: float = 0.0, length: int = 40, hidden_size: int = 32,
                         batch_size: int = 16, seed: int = 0) -> np.ndarray:
    """Mean ‖∂L/∂x_{T−k}‖ for k = 0..T−1 at initialisation, L = ⟨v, h_T⟩: how much the loss can still learn from
    an input k steps back. Torch's default initialisation, with ``gate_bias`` added to the LSTM forget gate or the
    GRU update gate (ignored for the vanilla RNN). See chapter: chapters/rnn.md
    """
    from mlnotes.rnn.tasks import _gate_slice

    cell = sequence.check_cell(cell)
    T = check_int("length", length, low=1)
    p = sequence.init_params(cell, 8, hidden_size, seed=seed)
    rows = _gate_slice(cell, hidden_size)
    if rows is not None:
        p["bias_ih_l0"][rows] += check_real("gate_bias", gate_bias)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((T, batch_size, 8))
    v = rng.standard_normal((batch_size, hidden_size))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    outputs, _, cache = sequence.forward(X, p, cell)
    dout = np.zeros_like(outputs)
    dout[-1] = v  # L = ⟨v, h_T⟩
    _, dX, _, _ = sequence.backward(dout, cache)
    return np.linalg.norm(dX, axis=2).mean(axis=1)[::-1]  # k = 0 is the last step


def forget_gate_product(gate_bias: float, length: int) -> np.ndarray:
    """σ(b)^k for k = 0..length−1: the cell-state path's factor when the forget gate sits at σ(b)."""
    return cells.sigmoid(np.float64(check_real("gate_bias", gate_bias))) ** np.arange(check_int("length", length, low=1))
