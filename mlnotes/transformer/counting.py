r"""Counting a Transformer: parameters per layer (≈ 12d²) and training FLOPs (≈ 6·N·tokens), measured.

**Parameters of one layer** (width $d$, FFN width $d_{ff} = 4d$): attention $4d^2 + 4d$ ($W_Q, W_K, W_V, W_O$ and
biases), FFN $2 d\, d_{ff} + d_{ff} + d = 8d^2 + 5d$, two LayerNorms $4d$: in all $12d^2 + 13d$.

**Training FLOPs.** A matrix product $(m\times k)(k\times n)$ costs $2mkn$ FLOPs (a multiply and an add per
term). In the forward pass, every weight matrix entry meets every token once: $2N_{\text{mm}}$ FLOPs per token,
$N_{\text{mm}}$ being the weights used in matrix products ($12d^2$ per layer plus the $Vd$ of the LM head). The
backward pass costs twice that: one product for the gradient of the input, one for the gradient of the weight.
Per token: $6N_{\text{mm}}$, plus attention's own products $QK^\top$ and $AV$: $2\cdot 2Td$ forward per layer at
context $T$, so $12\,L\,T\,d$ for training (Kaplan et al., 2020, §2.1). Biases, LayerNorms, softmax and
activations add a few percent more (element-wise, not counted as matmuls here). Hence the rule
$C \approx 6ND$ for $N$ parameters and $D$ training tokens.

:func:`measure_train_flops` counts what actually runs: torch's profiler with ``with_flops=True`` over one
forward and backward, summing the matrix products (``aten::mm``, ``aten::addmm``, ``aten::bmm``).

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import contextlib
import os
import sys

from mlnotes._checks import check_int
from mlnotes.transformer.gpt import GPT, GPTConfig

MATMUL_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")


def train_flops(config: GPTConfig, batch_size: int, seq_len: int) -> dict:
    """FLOPs of one training step (forward + backward) by formula: {"weights": 6·N_mm·D, "attention": 12·L·T·d·D}.

    D = batch_size · seq_len tokens, N_mm = L·(4d² + 2·d·d_ff) + V·d (the weights used in matrix products).
    See chapter: chapters/transformer.md
    """
    B = check_int("batch_size", batch_size, low=1)
    T = check_int("seq_len", seq_len, low=1)
    c, d = config, config.d_model
    D = B * T
    n_mm = c.n_layers * (4 * d * d + 2 * d * c.ffn_width) + c.vocab_size * d
    return {"weights": 6 * n_mm * D, "attention": 12 * c.n_layers * T * d * D}


@contextlib.contextmanager
def _quiet_stderr():
    """Silence file descriptor 2 (the profiler's C++ library prints start/stop lines there)."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def measure_train_flops(model: GPT, batch_size: int, seq_len: int, seed: int = 0) -> dict:
    """FLOPs of one forward + backward of ``model`` on random tokens, counted by torch's profiler.

    Returns {"weights": FLOPs of aten::mm/addmm (projections, FFN, head), "attention": aten::bmm/baddbmm
    (QKᵀ and AV), "elementwise": aten::mul/add/… the profiler also counts}. The weights' ``requires_grad`` is
    restored. See chapter: chapters/transformer.md
    """
    import torch
    from torch.autograd.profiler import profile

    B = check_int("batch_size", batch_size, low=1)
    T = check_int("seq_len", seq_len, low=1)
    if not isinstance(model, GPT):
        raise TypeError(f"model must be a GPT, got {type(model).__name__}")
    gen = torch.Generator().manual_seed(seed)
    x = torch.randint(0, model.config.vocab_size, (B, T), generator=gen)
    params = model.parameters()
    before = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(True)
    try:
        with _quiet_stderr(), profile(with_flops=True) as prof:
            logits = model(x)  # (B, T, V)
            torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), x.reshape(-1)).backward()
    finally:
        for p, flag in zip(params, before):
            p.grad = None
            p.requires_grad_(flag)
    counts = {"weights": 0, "attention": 0, "elementwise": 0}
    for name, flops in _op_flops(prof):
        if name in ("aten::mm", "aten::addmm"):
            counts["weights"] += flops
        elif name in ("aten::bmm", "aten::baddbmm"):
            counts["attention"] += flops
        else:
            counts["elementwise"] += flops
    return counts


def _op_flops(prof):
    """(op name, FLOPs) of every profiled op with a FLOP count. Reads the raw events (``kineto_results``):
    building ``prof.function_events`` costs about a second for a few thousand ops."""
    raw = getattr(prof, "kineto_results", None)
    if raw is not None:
        return [(e.name(), e.flops()) for e in raw.events() if e.flops()]
    return [(e.name, e.flops) for e in prof.function_events if e.flops]
