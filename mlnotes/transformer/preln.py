r"""Post-LN vs pre-LN: gradient norms per layer at initialization, and the loss of the warmup experiment.

Xiong et al. (2020) show for the original (post-LN) Transformer that at initialization the expected gradient
of the last layers' weights does not shrink with depth $L$, while for pre-LN it scales like $1/\sqrt L$ (the
residual stream sums $2L$ sublayer outputs and the final LayerNorm divides by its size), and that post-LN
therefore needs a learning-rate warmup while pre-LN can train without one. Here both are measured on the
chapter's character model (``GPT(init="torch")``: the original Transformer's initialization): the gradient norm
of each block's weights for one batch at initialization, and the training losses of
:func:`mlnotes.transformer.train.ln_run`. The loss of a model that has only learned character frequencies is
the unigram entropy $H = -\sum_c p_c \ln p_c$ of the training text (:func:`unigram_entropy`).

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import functools
import math
from collections import Counter

import numpy as np

from mlnotes._checks import check_int
from mlnotes.transformer.corpus import CharVocab, corpus_text
from mlnotes.transformer.gpt import GPT, GPTConfig

DEPTHS = (2, 4, 6, 8, 12)


def grad_norms_at_init(n_layers: int, norm_first: bool, seed: int = 0) -> np.ndarray:
    """‖∂loss/∂θ_l‖ for the weights θ_l of each block l = 1..n_layers, at initialization: -> (n_layers,).

    One batch of 16 windows of 16 characters of the corpus; d_model = 32, 4 heads, ``init="torch"``. Cached per
    setting (a copy is returned). See chapter: chapters/transformer.md
    """
    n_layers = check_int("n_layers", n_layers, low=1)
    if not isinstance(norm_first, bool):
        raise TypeError(f"norm_first must be a bool, got {type(norm_first).__name__}")
    return _grad_norms(n_layers, norm_first, check_int("seed", seed, low=0)).copy()


@functools.lru_cache(maxsize=32)
def _grad_norms(n_layers: int, norm_first: bool, seed: int) -> np.ndarray:
    """The computation of :func:`grad_norms_at_init` on checked arguments."""
    import torch

    text = corpus_text()
    vocab = CharVocab(text)
    config = GPTConfig(vocab_size=len(vocab), block_size=16, d_model=32, n_layers=n_layers, n_heads=4,
                       norm_first=norm_first, init="torch")
    model = GPT(config, seed=seed)
    data = torch.tensor(vocab.encode(text))
    gen = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, len(data) - 17, (16,), generator=gen)
    x = data[starts[:, None] + torch.arange(16)]  # (16, 16) windows
    y = data[starts[:, None] + torch.arange(16) + 1]  # next characters
    for p in model.parameters():
        p.requires_grad_(True)
    logits = model(x)  # (B, T, V)
    torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), y.reshape(-1)).backward()
    from mlnotes.transformer.gpt import _tensors

    norms = [math.sqrt(sum(float((t.grad**2).sum()) for t in _tensors(b))) for b in model.params["blocks"]]
    return np.array(norms)


def unigram_entropy(text: str | None = None) -> float:
    """H = −Σ_c p_c ln p_c (nats per character) of the character frequencies of ``text`` (default: the training
    part of the corpus, its first 90 %). See chapter: chapters/transformer.md
    """
    if text is None:
        full = corpus_text()
        text = full[: int(0.9 * len(full))]
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty str")
    n = len(text)
    return float(-sum(c / n * math.log(c / n) for c in Counter(text).values()))
