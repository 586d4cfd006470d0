r"""GPT-2's changes to the original Transformer (Radford et al., 2019), each measured.

* **Pre-LN and a final LayerNorm**: see :mod:`mlnotes.transformer.preln`. With pre-LN the residual stream is never
  normalised inside the stack, so the last hidden state is normalised once, before the LM head.
* **GELU, tanh approximation**: $\operatorname{GELU}(x) = x\Phi(x) \approx \tfrac12 x\bigl(1 + \tanh(\sqrt{2/\pi}
  (x + 0.044715x^3))\bigr)$ (Hendrycks & Gimpel, 2016), instead of ReLU.
* **Weight tying**: the LM head is the token embedding matrix $W_{te}$ itself (logits $= h W_{te}^\top$), saving
  $Vd$ parameters (Press & Wolf, 2017; the original Transformer already did it).
* **Scaled residual init**: weights $\mathcal N(0, 0.02^2)$ and the output projection of each residual branch
  ($W_O$, $W_2$) scaled by $1/\sqrt{2L}$: $2L$ branches add into the residual stream, so its variance would
  otherwise grow linearly with depth.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import functools

from mlnotes._checks import check_int


def residual_growth(scaled_init: bool, n_layers: int = 48, d_model: int = 64, seed: int = 0) -> tuple:
    """Std of the residual stream after the embeddings and after each of ``n_layers`` pre-LN blocks at init.

    GPT-2 init, with or without the 1/√(2L) scaling; 8 sequences of 32 random tokens out of 512 (the vocabulary
    size does not matter here).
    See chapter: chapters/transformer.md
    """
    if not isinstance(scaled_init, bool):
        raise TypeError(f"scaled_init must be a bool, got {type(scaled_init).__name__}")
    return _residual_growth(scaled_init, check_int("n_layers", n_layers, low=1), check_int("d_model", d_model, low=4),
                            check_int("seed", seed, low=0))


@functools.lru_cache(maxsize=4)
def _residual_growth(scaled_init: bool, L: int, d_model: int, seed: int) -> tuple:
    """The computation of :func:`residual_growth` on checked arguments (cached)."""
    import torch

    from mlnotes.transformer.gpt import GPT, GPTConfig, residual_stds

    config = GPTConfig(vocab_size=512, block_size=32, d_model=d_model, n_layers=L, n_heads=4, scaled_init=scaled_init)
    model = GPT(config, seed=seed)
    idx = torch.randint(0, 512, (8, 32), generator=torch.Generator().manual_seed(seed))
    return tuple(residual_stds(model, idx))


def gpt2_small_config():
    """GPT-2 small's sizes (Radford et al., 2019): V = 50 257, 1 024 positions, d = 768, 12 layers, 12 heads."""
    from mlnotes.transformer.gpt import GPTConfig

    return GPTConfig(vocab_size=50257, block_size=1024, d_model=768, n_layers=12, n_heads=12)
