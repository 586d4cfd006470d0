r"""The small networks of the generative models: an MLP stored in one flat parameter vector, and Adam on it.

All weights of one network live in a single tensor $\theta$ (``requires_grad``); each layer's $W$ and
$b$ are views into it, so ``torch.autograd.grad(loss, theta)`` returns one flat gradient and one Adam
step updates everything with five tensor operations. Layers are $h \mapsto \phi(hW^\top + b)$ with
$\phi$ = ReLU or SiLU, none after the last layer. Initialization is ``nn.Linear``'s:
$W, b \sim \mathcal U(-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}})$.

Adam is written out (as ``torch.optim.Adam``, bias-corrected; equal to it in the tests) because the
first use of ``torch.optim`` imports torch's compiler stack (≈ 1 s of a chapter's budget).

Determinism: weights come from a private ``torch.Generator``; :func:`one_thread` runs a block on one
intra-op thread (the same float sums in the same order on every run) and restores the caller's setting.

See chapter: chapters/generative.md
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

ACTIVATIONS = ("relu", "silu")


@contextlib.contextmanager
def one_thread():
    """Run a block with ``torch.set_num_threads(1)``; the caller's thread count is restored after."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class MLP:
    """A multilayer perceptron ``sizes[0] → … → sizes[-1]`` whose parameters are one flat tensor."""

    sizes: tuple
    activation: str = "relu"

    @property
    def n_params(self) -> int:
        """Number of scalars in θ: Σ (n_in + 1)·n_out over the layers."""
        return sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))

    def init(self, generator, dtype=None):
        """A fresh θ (n_params,), ``nn.Linear``'s uniform init drawn from ``generator``; requires grad."""
        import torch

        dtype = dtype or torch.float32
        parts = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            bound = n_in ** -0.5
            parts.append((torch.rand((n_out * n_in + n_out,), generator=generator, dtype=torch.float64) * 2 - 1) * bound)
        return torch.cat(parts).to(dtype).requires_grad_(True)

    def layers(self, theta):
        """[(W (n_out, n_in), b (n_out,)), …]: views into θ."""
        out, i = [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            W = theta[i:i + n_out * n_in].view(n_out, n_in)
            b = theta[i + n_out * n_in:i + n_out * n_in + n_out]
            out.append((W, b))
            i += n_out * n_in + n_out
        return out

    def __call__(self, theta, x):
        """The network applied to x (B, sizes[0]) → (B, sizes[-1])."""
        import torch.nn.functional as F

        act = F.relu if self.activation == "relu" else F.silu
        layers = self.layers(theta)
        for k, (W, b) in enumerate(layers):
            x = F.linear(x, W, b)  # (B, n_out)
            if k < len(layers) - 1:
                x = act(x)
        return x


class Adam:
    """Adam on one flat tensor θ, as ``torch.optim.Adam`` (no weight decay)."""

    def __init__(self, theta, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        import torch

        self.theta, self.lr, self.betas, self.eps = theta, lr, betas, eps
        self.m, self.v, self.t = torch.zeros_like(theta), torch.zeros_like(theta), 0

    def step(self, grad) -> None:
        """θ ← θ − lr · m̂ / (√v̂ + eps), in place."""
        import torch

        b1, b2 = self.betas
        self.t += 1
        with torch.no_grad():
            self.m.mul_(b1).add_(grad, alpha=1 - b1)  # m = β1 m + (1 − β1) g
            self.v.mul_(b2).addcmul_(grad, grad, value=1 - b2)  # v = β2 v + (1 − β2) g²
            denom = (self.v / (1 - b2**self.t)).sqrt_().add_(self.eps)  # √v̂ + eps
            self.theta.addcdiv_(self.m, denom, value=-self.lr / (1 - b1**self.t))  # θ −= lr · m̂ / (√v̂ + eps)
