r"""A tiny long-memory task, trained in seconds with the from-scratch cells: RNN vs LSTM vs GRU.

**Remember the first symbol.** Each sequence has $T$ steps; every step shows one of $K = 4$ symbols (one-hot), and
the first step also carries a marker bit. The target is the *first* symbol, read from the last hidden state
through a linear layer and a softmax. The later symbols are distractors: the network must store the first one
and keep it through $T - 1$ overwrites. Chance level is $\ln 4 \approx 1.386$ nats of cross-entropy.

Training: Adam (:class:`mlnotes.optim.Adam`) on fresh random batches, gradients clipped to norm 1
(:func:`mlnotes.optim.clip_grad_norm`), torch's default initialisation scheme. A gated cell may start with its
"carry" gate open: a positive bias on the LSTM's forget gate (Gers et al., 2000; Jozefowicz et al., 2015) or on
the GRU's update gate $z$ (in torch's form $h_t = (1-z)\,n + z\,h_{t-1}$, so $z \to 1$ keeps the state).

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.rnn import sequence

K = 4  # symbols


@dataclass(frozen=True)
class TaskConfig:
    """The race: sequence length, model size and optimisation of :func:`train`."""

    length: int = 20
    hidden_size: int = 16
    batch_size: int = 32
    steps: int = 150
    lr: float = 0.02
    max_norm: float = 1.0
    gate_bias: float = 1.0  # added to the LSTM forget gate / GRU update gate bias at initialisation
    seed: int = 0


def first_symbol_batch(rng: np.random.Generator, batch_size: int, length: int):
    """(X (T, B, K + 1) float64, y (B,) int64): random symbols at every step, a marker at t = 0, target = first symbol.

    See chapter: chapters/rnn.md
    """
    symbols = rng.integers(0, K, (length, batch_size))  # (T, B)
    X = np.zeros((length, batch_size, K + 1))
    X[np.arange(length)[:, None], np.arange(batch_size)[None, :], symbols] = 1.0  # one-hot symbol at every step
    X[0, :, K] = 1.0  # the marker: "this is the one to remember"
    return X, symbols[0]


def _gate_slice(cell: str, hidden: int):
    """The rows of the bias that belong to the carry gate: LSTM forget (block 1 of i, f, g, o), GRU update (block 1
    of r, z, n); None for the vanilla RNN."""
    return slice(hidden, 2 * hidden) if cell in ("lstm", "gru") else None


def init_model(cell: str, config: TaskConfig) -> dict:
    """Cell parameters (torch's names) plus the head ``head.weight`` (K, H) and ``head.bias`` (K,)."""
    p = sequence.init_params(cell, K + 1, config.hidden_size, seed=config.seed)
    rows = _gate_slice(cell, config.hidden_size)
    if rows is not None:
        p["bias_ih_l0"][rows] += config.gate_bias
    rng = np.random.default_rng(config.seed + 1)
    k = 1 / np.sqrt(config.hidden_size)
    p["head.weight"] = rng.uniform(-k, k, (K, config.hidden_size))
    p["head.bias"] = rng.uniform(-k, k, K)
    return p


def loss_and_grads(p: dict, cell: str, X: np.ndarray, y: np.ndarray):
    """Cross-entropy of the first-symbol prediction from h_T, and the gradient of every parameter (BPTT)."""
    cell_p = {k: p[k] for k in sequence.NAMES}
    outputs, _, cache = sequence.forward(X, cell_p, cell)
    h_last = outputs[-1]  # (B, H)
    logits = h_last @ p["head.weight"].T + p["head.bias"]  # (B, K)
    z = logits - logits.max(axis=1, keepdims=True)
    log_prob = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    loss = float(-log_prob[np.arange(n), y].mean())
    dlogits = np.exp(log_prob)
    dlogits[np.arange(n), y] -= 1
    dlogits /= n  # ∂L/∂logits = (softmax − one-hot)/B
    dout = np.zeros_like(outputs)
    dout[-1] = dlogits @ p["head.weight"]  # only the last step is read
    grads, *_ = sequence.backward(dout, cache)
    grads["head.weight"], grads["head.bias"] = dlogits.T @ h_last, dlogits.sum(axis=0)
    return loss, grads


@functools.lru_cache(maxsize=32)
def train(cell: str, config: TaskConfig = TaskConfig()) -> np.ndarray:
    """Train one model on fresh batches; returns the training loss of every step (steps,). Deterministic.

    See chapter: chapters/rnn.md
    """
    from threadpoolctl import threadpool_limits

    from mlnotes.optim import Adam, clip_grad_norm

    cell = sequence.check_cell(cell)
    check_int("length", config.length, low=1)
    check_real("lr", config.lr, low=0.0, low_open=True)
    p = init_model(cell, config)
    names = list(p)
    opt = Adam([p[k] for k in names], lr=config.lr)
    rng = np.random.default_rng(config.seed + 2)
    losses = np.empty(config.steps)
    with threadpool_limits(limits=1):  # tiny matrices: one BLAS thread is faster, and the result thread-independent
        for step in range(config.steps):
            X, y = first_symbol_batch(rng, config.batch_size, config.length)
            losses[step], grads = loss_and_grads(p, cell, X, y)
            clipped, _ = clip_grad_norm([grads[k] for k in names], max_norm=config.max_norm)
            opt.step(clipped)
    return losses


def steps_to_learn(losses: np.ndarray, level: float = 0.1, window: int = 10) -> int | None:
    """The first step from which the mean loss over ``window`` steps is below ``level``, or None."""
    means = np.convolve(losses, np.ones(window) / window, mode="valid")
    hit = np.flatnonzero(means < level)
    return int(hit[0]) if hit.size else None


__all__ = ["TaskConfig", "first_symbol_batch", "init_model", "loss_and_grads", "train", "steps_to_learn"]
