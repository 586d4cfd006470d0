r"""Residual connections (残差连接) vs a plain stack: the degradation problem, measured on scikit-learn's digits.

A plain network computes $h_{l+1} = \operatorname{ReLU}(F_l(h_l))$; its residual twin, with the very same layers
and parameters, computes $h_{l+1} = \operatorname{ReLU}(h_l + F_l(h_l))$ (He et al., 2016). Here each block is
$F(h) = \operatorname{BN}(W_2\,\operatorname{ReLU}(\operatorname{BN}(W_1 h)))$ (BatchNorm optional), on 8×8 digit
images flattened to 64 inputs, width 32, 10 classes. Since a block can output $F = 0$, a deeper residual network
contains the shallower one; backward, $\partial h_{l+1}/\partial h_l = I + \partial F_l/\partial h_l$ keeps an
identity path for the gradient.

**Degradation (退化)**: a deeper *plain* network reaches a *higher training loss* than a shallower one. That is
not overfitting (the training loss itself is worse) and, with BatchNorm, not vanishing gradients either: the
gradient norms per layer are measured too.

See chapter: chapters/cnn.md
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.cnn import mlp


@dataclass(frozen=True)
class TrainConfig:
    """Training of the degradation demo: SGD with momentum on mini-batches of the 1797 digits."""

    steps: int = 60
    lr: float = 0.1
    momentum: float = 0.9
    batch_size: int = 256
    width: int = 32
    seed: int = 0


@functools.lru_cache(maxsize=1)
def digits_numpy():
    """scikit-learn's bundled digits: X (1797, 64) float32 standardized per pixel, y (1797,) int64 (read-only)."""
    from mlnotes.cnn.data import load_digits_arrays

    images, y = load_digits_arrays()
    X = images.reshape(len(images), -1)
    X = ((X - X.mean(axis=0)) / (X.std(axis=0) + 1e-6)).astype(np.float32)  # constant border pixels stay 0
    X.setflags(write=False)
    return X, y


def _check_depth(depth) -> int:
    depth = check_int("depth", depth, low=2)
    if depth % 2:
        raise ValueError(f"depth must be even (two layers per block), got {depth}")
    return depth


def digits_data():
    """The same digits as torch tensors (float32, int64), for the torch twin."""
    import torch

    X, y = digits_numpy()
    return torch.tensor(X), torch.tensor(y)


def make_mlp(depth: int, residual: bool, batch_norm: bool = True, width: int = 32, seed: int = 0):
    """The torch twin of :mod:`mlnotes.cnn.mlp`: 64 → 10 with ``depth`` hidden layers in depth/2 two-layer
    blocks, plain or residual; parameter names equal :func:`mlnotes.cnn.mlp.init_params`'s keys.

    Linear layers before a BatchNorm have no bias (it would be cancelled). torch's default initialisation under
    ``torch.manual_seed(seed)``. See chapter: chapters/cnn.md
    """
    import torch
    from torch import nn

    depth = _check_depth(depth)

    class DeepMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Linear(64, width)
            norm = (lambda: nn.BatchNorm1d(width)) if batch_norm else nn.Identity
            self.blocks = nn.ModuleList(
                nn.ModuleList([nn.Linear(width, width, bias=not batch_norm), norm(),
                               nn.Linear(width, width, bias=not batch_norm), norm()]) for _ in range(depth // 2))
            self.head = nn.Linear(width, 10)

        def forward(self, x):
            h = torch.relu(self.stem(x))  # (B, width)
            for lin1, bn1, lin2, bn2 in self.blocks:
                f = bn2(lin2(torch.relu(bn1(lin1(h)))))  # F(h)
                h = torch.relu(h + f) if residual else torch.relu(f)  # residual: ReLU(h + F(h))
            return self.head(h)  # (B, 10) logits

    torch.manual_seed(seed)
    return DeepMLP()


def hidden_linears(model) -> list:
    """The 2·(depth/2) hidden Linear layers of a :func:`make_mlp` model, input side first."""
    return [layer for block in model.blocks for layer in (block[0], block[2])]


@functools.lru_cache(maxsize=32)
def train_curve(depth: int, residual: bool, batch_norm: bool = True, config: TrainConfig = TrainConfig()):
    """Train one network; returns (loss of every mini-batch (steps,), final loss on all 1797 training images).

    The network is the numpy MLP of :mod:`mlnotes.cnn.mlp` (gradients equal to its torch twin's, tested), the
    update the book's own SGD with momentum (:class:`mlnotes.optim.SGD`, equal to ``torch.optim.SGD``), the
    loss the mean cross-entropy (BatchNorm with batch statistics). Deterministic; BLAS runs on one thread
    (tiny matrices: faster, and the numbers do not depend on the thread count). See chapter: chapters/cnn.md
    """
    from threadpoolctl import threadpool_limits

    from mlnotes.optim import SGD

    depth = _check_depth(depth)
    check_real("lr", config.lr, low=0.0, low_open=True)
    X, y = digits_numpy()
    p = mlp.init_params(depth, config.width, batch_norm, seed=config.seed)
    names = list(p)
    opt = SGD([p[k] for k in names], lr=config.lr, momentum=config.momentum)  # updates p in place
    rng = np.random.default_rng(config.seed)
    losses = np.empty(config.steps)
    with threadpool_limits(limits=1):
        for step in range(config.steps):
            idx = rng.integers(0, len(X), config.batch_size)  # a mini-batch, drawn with replacement
            logits, cache = mlp.forward(p, X[idx], residual, batch_norm)
            losses[step], dlogits = mlp.cross_entropy(logits, y[idx])
            grads = mlp.backward(p, cache, dlogits, residual, batch_norm)
            opt.step([grads[k] for k in names])
        final = mlp.cross_entropy(mlp.forward(p, X, residual, batch_norm)[0], y)[0]
    return losses, final


@functools.lru_cache(maxsize=32)
def grad_norms_at_init(depth: int, residual: bool, batch_norm: bool = True, seed: int = 0) -> np.ndarray:
    """‖∂L/∂W_l‖ (Frobenius) of every hidden Linear layer at initialisation, input side first, on all digits.

    See chapter: chapters/cnn.md
    """
    from threadpoolctl import threadpool_limits

    depth = _check_depth(depth)
    X, y = digits_numpy()
    p = mlp.init_params(depth, 32, batch_norm, seed=seed)
    with threadpool_limits(limits=1):
        logits, cache = mlp.forward(p, X, residual, batch_norm)
        grads = mlp.backward(p, cache, mlp.cross_entropy(logits, y)[1], residual, batch_norm)
    return np.array([np.linalg.norm(grads[f"blocks.{b}.{i}.weight"]) for b in range(depth // 2) for i in (0, 2)])
