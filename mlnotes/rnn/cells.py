r"""One time step of the vanilla RNN, LSTM and GRU cells, forward and backward, in numpy with torch's layout.

For an input $x_t \in \mathbb R^{B\times D}$ and the previous hidden state $h_{t-1} \in \mathbb R^{B\times H}$, each cell
computes pre-activations $a = x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}$ with torch's parameter shapes
$W_{ih}: (GH, D)$, $W_{hh}: (GH, H)$, $b_{ih}, b_{hh}: (GH,)$ — note the *two* bias vectors — and $G$ gate blocks
stacked in torch's order:

* **RNN** ($G = 1$): $h_t = \tanh(a)$ (or ReLU).
* **LSTM** ($G = 4$, order $i, f, g, o$): $i = \sigma(a_i)$, $f = \sigma(a_f)$, $g = \tanh(a_g)$, $o = \sigma(a_o)$,
  $c_t = f \odot c_{t-1} + i \odot g$, $h_t = o \odot \tanh(c_t)$.
* **GRU** ($G = 3$, order $r, z, n$): $r = \sigma(a_r)$, $z = \sigma(a_z)$,
  $n = \tanh(x_t W_{in}^\top + b_{in} + r \odot (h_{t-1} W_{hn}^\top + b_{hn}))$ (the reset gate multiplies the
  *projected* state, torch's and cuDNN's form), $h_t = (1 - z) \odot n + z \odot h_{t-1}$.

Backward, from $\partial L/\partial h_t$ (and $\partial L/\partial c_t$ for the LSTM), each step returns the
gradients of its input, previous state(s) and the four parameters. The LSTM's cell state carries
$\partial c_t/\partial c_{t-1} = \operatorname{diag}(f)$: an additive path with no weight matrix and no squashing.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import numpy as np

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def sigmoid(a):
    """σ(a) = 1/(1 + e^(−a)), without overflow for large |a|."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


def _pre(x, h, p):
    return x @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T + p["bias_hh_l0"]  # (B, G·H)


def rnn_step(x, h, p, nonlinearity="tanh"):
    """h_t = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh); returns (h_t, cache)."""
    a = _pre(x, h, p)  # (B, H)
    h_new = np.tanh(a) if nonlinearity == "tanh" else np.maximum(a, 0)
    return h_new, (x, h, h_new, a)


def rnn_step_backward(dh_new, cache, p, nonlinearity="tanh"):
    """(dx, dh, grads) of one RNN step from dh_new = ∂L/∂h_t."""
    x, h, h_new, a = cache
    da = dh_new * (1 - h_new**2) if nonlinearity == "tanh" else dh_new * (a > 0)  # through the nonlinearity
    grads = {"weight_ih_l0": da.T @ x, "weight_hh_l0": da.T @ h, "bias_ih_l0": da.sum(0), "bias_hh_l0": da.sum(0)}
    return da @ p["weight_ih_l0"], da @ p["weight_hh_l0"], grads


def lstm_step(x, h, c, p):
    """One LSTM step (gates i, f, g, o in torch's order); returns (h_t, c_t, cache)."""
    a = _pre(x, h, p)  # (B, 4H)
    ai, af, ag, ao = np.split(a, 4, axis=1)
    i, f, g, o = sigmoid(ai), sigmoid(af), np.tanh(ag), sigmoid(ao)
    c_new = f * c + i * g  # the cell state: forget some, write some
    tc = np.tanh(c_new)
    h_new = o * tc  # expose some of it
    return h_new, c_new, (x, h, c, i, f, g, o, tc)


def lstm_step_backward(dh_new, dc_new, cache, p):
    """(dx, dh, dc, grads) of one LSTM step from ∂L/∂h_t and ∂L/∂c_t."""
    x, h, c, i, f, g, o, tc = cache
    dc = dc_new + dh_new * o * (1 - tc**2)  # c_t reaches L directly and through h_t
    da = np.concatenate([dc * g * i * (1 - i),  # ∂L/∂a_i
                         dc * c * f * (1 - f),  # ∂L/∂a_f
                         dc * i * (1 - g**2),  # ∂L/∂a_g
                         dh_new * tc * o * (1 - o)], axis=1)  # ∂L/∂a_o
    grads = {"weight_ih_l0": da.T @ x, "weight_hh_l0": da.T @ h, "bias_ih_l0": da.sum(0), "bias_hh_l0": da.sum(0)}
    return da @ p["weight_ih_l0"], da @ p["weight_hh_l0"], dc * f, grads  # dc_{t−1} = dc_t ⊙ f


def gru_step(x, h, p):
    """One GRU step (gates r, z, n in torch's order); returns (h_t, cache)."""
    gi = x @ p["weight_ih_l0"].T + p["bias_ih_l0"]  # (B, 3H): input side
    gh = h @ p["weight_hh_l0"].T + p["bias_hh_l0"]  # (B, 3H): hidden side, kept apart for the reset gate
    ir, iz, i_n = np.split(gi, 3, axis=1)
    hr, hz, hn = np.split(gh, 3, axis=1)
    r, z = sigmoid(ir + hr), sigmoid(iz + hz)
    n = np.tanh(i_n + r * hn)  # candidate state; r scales the projected previous state
    h_new = (1 - z) * n + z * h  # interpolate: z → 1 keeps the old state
    return h_new, (x, h, r, z, n, hn)


def gru_step_backward(dh_new, cache, p):
    """(dx, dh, grads) of one GRU step from dh_new = ∂L/∂h_t."""
    x, h, r, z, n, hn = cache
    dn = dh_new * (1 - z)
    dan = dn * (1 - n**2)  # ∂L/∂(pre-activation of n)
    dar = dan * hn * r * (1 - r)
    daz = dh_new * (h - n) * z * (1 - z)
    dgi = np.concatenate([dar, daz, dan], axis=1)  # input-side pre-activations
    dgh = np.concatenate([dar, daz, dan * r], axis=1)  # hidden side: n sees r ⊙ (W_hn h + b_hn)
    grads = {"weight_ih_l0": dgi.T @ x, "weight_hh_l0": dgh.T @ h, "bias_ih_l0": dgi.sum(0), "bias_hh_l0": dgh.sum(0)}
    return dgi @ p["weight_ih_l0"], dgh @ p["weight_hh_l0"] + dh_new * z, grads
