r"""A tiny two-layer network on scikit-learn's digits, with inverted dropout, for the training experiments.

$\text{logits} = \mathrm{drop}\big(\mathrm{ReLU}(XW_1 + b_1)\big)W_2 + b_2$, cross-entropy loss, full-batch
Adam (:class:`mlnotes.optim.Adam`, optionally with L2 weight decay). Backward by hand:
with $g = (\mathrm{softmax} - Y)/n$, $\nabla W_2 = \tilde h^\top g$, $\nabla\tilde h = gW_2^\top$, dropout's
backward $\nabla h = m\odot\nabla\tilde h/(1-p)$, ReLU's $\nabla a = \nabla h\odot[a > 0]$,
$\nabla W_1 = X^\top\nabla a$. The losses and accuracies are recorded every few epochs on the
training set and a validation set, in eval mode (no dropout).

See chapter: chapters/regularization.md
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mlnotes.linear.experiments import single_thread
from mlnotes.regularization.dropout_layer import _dropout, dropout_mask


@dataclass(frozen=True)
class TrainConfig:
    """Width, dropout probability p, Adam's lr and weight decay, epochs, seed, and the recording interval."""

    hidden: int = 64
    p: float = 0.0
    lr: float = 1e-2
    weight_decay: float = 0.0
    epochs: int = 300
    seed: int = 0
    every: int = 5


@lru_cache(maxsize=None)
def digits_split(n_train: int = 150, n_val: int = 500, seed: int = 0):
    """Digits (8×8 images, values / 16 in [0, 1]) split into train, validation and test: six arrays."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    idx = np.random.default_rng(seed).permutation(len(y))
    tr, va, te = idx[:n_train], idx[n_train:n_train + n_val], idx[n_train + n_val:]
    X = X / 16.0
    return X[tr], y[tr], X[va], y[va], X[te], y[te]


def init_params(d_in: int, hidden: int, d_out: int, rng) -> list:
    """[W1 (d_in, hidden), b1, W2 (hidden, d_out), b2]: He-scaled Gaussians for W1, 1/√hidden for W2, zero biases."""
    return [rng.standard_normal((d_in, hidden)) * np.sqrt(2 / d_in), np.zeros(hidden),
            rng.standard_normal((hidden, d_out)) / np.sqrt(hidden), np.zeros(d_out)]


def forward(params, X, *, p=0.0, keep=None):
    """Logits (n, K) and the cache for :func:`backward`; ``keep`` (n, hidden) bool is the dropout mask, or None."""
    W1, b1, W2, b2 = params
    a = X @ W1 + b1  # (n, hidden) pre-activations
    h = np.maximum(a, 0)  # ReLU
    h_drop = h if keep is None else _dropout(h, keep, p)  # (n, hidden): inverted dropout in training
    return h_drop @ W2 + b2, (X, a, h_drop, keep, p)


def cross_entropy(logits, y):
    """Mean cross-entropy of integer labels y (n,) and its gradient with respect to the logits (n, K)."""
    z = logits - logits.max(axis=1, keepdims=True)  # stable log-softmax
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1
    return -log_p[np.arange(n), y].mean(), grad / n


def backward(params, cache, grad_logits) -> list:
    """Gradients [dW1, db1, dW2, db2] from ∂L/∂logits (n, K)."""
    _, _, W2, _ = params
    X, a, h_drop, keep, p = cache
    grad_h_drop = grad_logits @ W2.T  # (n, hidden)
    grad_h = grad_h_drop if keep is None else _dropout(grad_h_drop, keep, p)  # dropout's backward: same mask, scale
    grad_a = grad_h * (a > 0)  # ReLU's backward
    return [X.T @ grad_a, grad_a.sum(axis=0), h_drop.T @ grad_logits, grad_logits.sum(axis=0)]


def accuracy(params, X, y) -> float:
    """Fraction of rows whose largest logit (eval mode) is the label."""
    return float(np.mean(np.argmax(forward(params, X)[0], axis=1) == y))


def train(X, y, X_val, y_val, config: TrainConfig = TrainConfig()):
    """Full-batch Adam training; returns (params, history) with history arrays epoch, train_loss, val_loss, val_acc."""
    from mlnotes.optim import Adam

    rng = np.random.default_rng(config.seed)
    params = init_params(X.shape[1], config.hidden, int(max(y.max(), y_val.max())) + 1, rng)
    opt = Adam(params, lr=config.lr, weight_decay=config.weight_decay)
    rows = []
    with single_thread():
        for epoch in range(config.epochs + 1):
            if epoch % config.every == 0 or epoch == config.epochs:
                rows.append((epoch, cross_entropy(forward(params, X)[0], y)[0],
                             cross_entropy(forward(params, X_val)[0], y_val)[0], accuracy(params, X_val, y_val)))
            if epoch == config.epochs:
                break
            keep = dropout_mask((X.shape[0], config.hidden), config.p, rng) if config.p > 0 else None
            logits, cache = forward(params, X, p=config.p, keep=keep)
            _, grad_logits = cross_entropy(logits, y)
            opt.step(backward(params, cache, grad_logits))
    history = {k: np.array(v) for k, v in zip(("epoch", "train_loss", "val_loss", "val_acc"), zip(*rows))}
    return params, history


def early_stopping(val_losses, patience: int) -> tuple[int, int]:
    """(stop, best): the record at which training stops after ``patience`` records without a new best, and the
    best record up to there (whose weights early stopping keeps)."""
    best, wait = 0, 0
    for k in range(1, len(val_losses)):
        if val_losses[k] < val_losses[best]:
            best, wait = k, 0
        else:
            wait += 1
            if wait >= patience:
                return k, best
    return len(val_losses) - 1, best


def shift_images(X, dx: int, dy: int) -> np.ndarray:
    """8×8 images (n, 64) moved by dx columns (right +) and dy rows (down +), zero-filled: (n, 64)."""
    imgs = np.asarray(X).reshape(-1, 8, 8)
    out = np.zeros_like(imgs)
    rows_src = slice(max(0, -dy), 8 - max(0, dy))
    cols_src = slice(max(0, -dx), 8 - max(0, dx))
    out[:, max(0, dy):8 - max(0, -dy), max(0, dx):8 - max(0, -dx)] = imgs[:, rows_src, cols_src]
    return out.reshape(-1, 64)


SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def augment(X, y):
    """The originals plus their four one-pixel shifts: (5n, 64) images and (5n,) labels."""
    return np.vstack([X] + [shift_images(X, dx, dy) for dx, dy in SHIFTS]), np.tile(y, 1 + len(SHIFTS))


def shifted_copy(X, seed: int = 1) -> np.ndarray:
    """Each image moved one pixel in a random one of the four directions (a test set with that variation)."""
    choice = np.random.default_rng(seed).integers(0, len(SHIFTS), len(X))
    out = np.empty_like(np.asarray(X, dtype=float))
    for k, (dx, dy) in enumerate(SHIFTS):
        out[choice == k] = shift_images(X[choice == k], dx, dy)
    return out


def mc_dropout_proba(params, X, p, samples: int, rng) -> np.ndarray:
    """The average of softmax outputs over ``samples`` random dropout masks (the sub-network ensemble), (n, K)."""
    total = 0.0
    for _ in range(samples):
        logits = forward(params, X, p=p, keep=dropout_mask((X.shape[0], params[0].shape[1]), p, rng))[0]
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        total = total + e / e.sum(axis=1, keepdims=True)
    return total / samples
