r"""The loss of an untrained language model: $\approx \ln V$ (ln 50257 ≈ 10.82 for GPT-2's vocabulary).

If the initial logits $z$ over a vocabulary of $V$ tokens are tiny, the softmax is uniform and the
cross-entropy of any target is $-\ln(1/V) = \ln V$. If they are i.i.d. $\mathcal N(0, s^2)$ and
independent of the target, $\mathbb E[\text{CE}] = \mathbb E[\operatorname{logsumexp}(z)] - \mathbb E[z_y]
\approx \ln\bigl(V e^{s^2/2}\bigr) = \ln V + s^2/2$: an initial loss well above $\ln V$ means the
logits start too large (a bad initialization), well below means a bug (the model sees its answer).

The model here is a small GPT-style decoder built locally with ``torch.nn`` (no download):
token + position embeddings, pre-LN causal Transformer blocks, a final LayerNorm and an unembedding
to $V$ logits. ``init="gpt2"`` follows GPT-2 (Radford et al., 2019; the ``nanoGPT`` recipe):
$\mathcal N(0, 0.02^2)$ weights, zero biases, residual output projections scaled by $1/\sqrt{2L}$;
``init="default"`` keeps PyTorch's defaults ($\mathcal N(0, 1)$ embeddings, $\mathcal U(\pm 1/\sqrt{\text{fan\_in}})$
linear weights); ``init="N(0, 1)"`` draws every weight matrix from $\mathcal N(0, 1)$ (too large on purpose).

See chapter: chapters/losses.md
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GPT2_VOCAB = 50257
LM_INITS = ("gpt2", "default", "N(0, 1)")


@dataclass(frozen=True)
class TinyGPTConfig:
    """Sizes of the untrained model (small enough to build and run in well under a second)."""

    vocab_size: int = GPT2_VOCAB
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    block_size: int = 32


def build_tiny_gpt(config: TinyGPTConfig = TinyGPTConfig(), init: str = "gpt2", seed: int = 0):
    """An untrained GPT-style ``torch.nn.Module`` mapping token ids (B, T) to logits (B, T, V).

    ``init``: one of ``LM_INITS``. See chapter: chapters/losses.md
    """
    import torch
    from torch import nn

    if init not in LM_INITS:
        raise ValueError(f"init must be one of {list(LM_INITS)}, got {init!r}")

    class TinyGPT(nn.Module):
        def __init__(self, c: TinyGPTConfig):
            super().__init__()
            self.tok = nn.Embedding(c.vocab_size, c.d_model)
            self.pos = nn.Embedding(c.block_size, c.d_model)
            layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, 4 * c.d_model, dropout=0.0,
                                               activation="gelu", batch_first=True, norm_first=True)
            self.blocks = nn.TransformerEncoder(layer, c.n_layers, enable_nested_tensor=False)
            self.ln_f = nn.LayerNorm(c.d_model)
            self.head = nn.Linear(c.d_model, c.vocab_size, bias=False)

        def forward(self, idx):
            T = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(T))  # (B, T, d)
            mask = nn.Transformer.generate_square_subsequent_mask(T)  # causal
            return self.head(self.ln_f(self.blocks(x, mask=mask, is_causal=True)))  # (B, T, V)

    torch.manual_seed(seed)
    model = TinyGPT(config)
    if init == "gpt2":
        with torch.no_grad():
            for name, p in model.named_parameters():
                if name.endswith("bias"):
                    p.zero_()
                elif p.dim() >= 2:
                    std = 0.02
                    if name.endswith("out_proj.weight") or name.endswith("linear2.weight"):  # residual projections
                        std = 0.02 / math.sqrt(2 * config.n_layers)
                    p.normal_(0.0, std)
    elif init == "N(0, 1)":
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() >= 2:
                    p.normal_(0.0, 1.0)
    return model.eval()


def initial_loss(init: str = "gpt2", config: TinyGPTConfig = TinyGPTConfig(), batch: int = 4, seed: int = 0):
    """(cross-entropy of random next tokens under the untrained model, std of its logits), both floats.

    See chapter: chapters/losses.md
    """
    import torch

    model = build_tiny_gpt(config, init, seed)
    g = torch.Generator().manual_seed(seed + 1)
    idx = torch.randint(config.vocab_size, (batch, config.block_size + 1), generator=g)
    with torch.no_grad():
        logits = model(idx[:, :-1])  # (B, T, V)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), idx[:, 1:].reshape(-1))
    return float(loss), float(logits.std())


def expected_initial_loss(vocab_size: int, logit_std: float) -> float:
    """ln V + s²/2: the expected cross-entropy for i.i.d. N(0, s²) logits (large V). See chapter: chapters/losses.md"""
    return math.log(vocab_size) + logit_std**2 / 2
