r"""LoRA (low-rank adaptation, 低秩适配; Hu et al., 2022) from scratch.

A frozen pretrained weight $W \in \mathbb R^{d_{out}\times d_{in}}$ gets a trainable low-rank update:
$$h = xW^\top + b + \frac{\alpha}{r}\, x A^\top B^\top,\qquad A \in \mathbb R^{r\times d_{in}},\ B \in \mathbb R^{d_{out}\times r},$$
with $A$ random (Kaiming-uniform, as ``nn.Linear``) and $B = 0$, so training starts exactly at the pretrained
model. Trainable parameters: $r(d_{in} + d_{out})$ instead of $d_{in}d_{out}$. After training the update can be
**merged**: $W' = W + \frac{\alpha}{r}BA$ gives the same outputs with no extra cost at inference.
The forward pass and the merge are written once for numpy arrays and torch tensors alike (tested equal to
``F.linear`` in float64).

The best rank-$r$ approximation of an update $\Delta W$ (in Frobenius norm) is its truncated SVD (Eckart–Young):
its relative error is $\sqrt{\sum_{i>r}\sigma_i^2 / \sum_i\sigma_i^2}$ — the floor any LoRA of rank $r$ can reach.

See chapter: chapters/llm.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int, check_real


class LoRALinear:
    """y = x Wᵀ + b + (α/r)·x Aᵀ Bᵀ with W, b frozen and A (r, d_in), B (d_out, r) trainable (B starts at 0).

    ``LoRALinear(weight, bias, r, alpha, seed)``; torch tensors. See chapter: chapters/llm.md
    """

    def __init__(self, weight, bias=None, r=4, alpha=8.0, seed=0):
        import torch

        if not isinstance(weight, torch.Tensor) or weight.dim() != 2 or not weight.is_floating_point():
            raise TypeError("weight must be a floating 2-D torch.Tensor (d_out, d_in)")
        d_out, d_in = weight.shape
        self.r = check_int("r", r, low=1, high=min(d_out, d_in))
        self.scaling = check_real("alpha", alpha, low=0.0, low_open=True) / self.r
        self.weight = weight.detach().clone()  # frozen
        self.bias = None if bias is None else bias.detach().clone()
        gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
        bound = 1 / math.sqrt(d_in)  # nn.Linear's Kaiming-uniform bound (a = √5)
        self.A = ((torch.rand(self.r, d_in, generator=gen, dtype=weight.dtype) * 2 - 1) * bound).requires_grad_()
        self.B = torch.zeros(d_out, self.r, dtype=weight.dtype, requires_grad=True)  # ΔW = 0 at the start

    def __call__(self, x):
        return _lora_forward(x, self.weight, self.bias, self.A, self.B, self.scaling)

    def merged_weight(self):
        """W + (α/r)·B A: one matrix giving the same outputs (no extra matmul at inference)."""
        return merge_lora(self.weight, self.A, self.B, self.scaling).detach()

    def trainable_parameters(self) -> int:
        return self.A.numel() + self.B.numel()


def _lora_forward(x, weight, bias, A, B, scaling):
    """x Wᵀ + b + scaling·(x Aᵀ) Bᵀ: the frozen path plus the low-rank path (never forms B A)."""
    h = x @ weight.T  # (..., d_out): frozen
    if bias is not None:
        h = h + bias
    return h + scaling * (x @ A.T) @ B.T  # (..., r) then (..., d_out)


def merge_lora(weight, A, B, scaling):
    """W + scaling·B A: the merged (d_out, d_in) weight, for numpy arrays or torch tensors.

    See chapter: chapters/llm.md
    """
    return weight + scaling * (B @ A)  # (d_out, r) @ (r, d_in)


def lora_param_counts(d_in, d_out, r) -> dict:
    """{"full": d_in·d_out, "lora": r·(d_in + d_out)} trainable parameters. See chapter: chapters/llm.md"""
    d_in, d_out = check_int("d_in", d_in, low=1), check_int("d_out", d_out, low=1)
    r = check_int("r", r, low=1)
    return {"full": d_in * d_out, "lora": r * (d_in + d_out)}


def best_rank_r_error(delta, r) -> float:
    """Relative Frobenius error of the best rank-r approximation of ``delta`` (truncated SVD).

    See chapter: chapters/llm.md
    """
    s = np.linalg.svd(np.asarray(delta, dtype=float), compute_uv=False)
    r = check_int("r", r, low=0)
    return float(np.sqrt(np.sum(s[r:] ** 2) / np.sum(s**2)))


def spectrum_update(d_out=64, d_in=64, decay=0.7, seed=0) -> np.ndarray:
    """A synthetic fine-tuning update ΔW (d_out, d_in) with singular values decay**i (a few directions dominate).

    See chapter: chapters/llm.md
    """
    rng = np.random.default_rng(check_int("seed", seed, low=0))
    n = min(d_out, d_in)
    U, _ = np.linalg.qr(rng.standard_normal((d_out, n)))
    V, _ = np.linalg.qr(rng.standard_normal((d_in, n)))
    return (U * check_real("decay", decay, low=0.0, high=1.0, low_open=True) ** np.arange(n)) @ V.T


def fit_lora(delta, r, steps=300, lr=0.05, alpha=None, seed=0) -> tuple:
    """Train a rank-r LoRA (A, B) so that (α/r)·B A ≈ ``delta`` (Frobenius loss), Adam from B = 0.

    Returns (relative error after training, the per-step relative errors). See chapter: chapters/llm.md
    """
    import torch

    from mlnotes.attention.tiny import _adam_step

    target = torch.as_tensor(np.asarray(delta, dtype=float))
    d_out, d_in = target.shape
    layer = LoRALinear(torch.zeros(d_out, d_in, dtype=torch.float64), r=r, alpha=float(r if alpha is None else alpha),
                       seed=seed)
    params = [layer.A, layer.B]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    norm = float(target.norm())
    errors = []
    for step in range(1, check_int("steps", steps, low=1) + 1):
        diff = layer.scaling * layer.B @ layer.A - target  # (d_out, d_in)
        loss = (diff**2).sum()
        for p in params:
            p.grad = None
        loss.backward()
        _adam_step(torch, params, moments, lr, step)
        errors.append(float(diff.detach().norm()) / norm)
    final = float((layer.scaling * layer.B @ layer.A - target).detach().norm()) / norm
    return final, np.array(errors)
