r"""Training a GPT on characters: next-token cross-entropy, Adam, optional linear warmup; seeded and deterministic.

Batches are random windows of the text: inputs $x_{i..i+T-1}$, targets shifted by one, $x_{i+1..i+T}$
(teacher forcing: every position predicts its next character in parallel, the causal mask hides the future).
Loss $= -\frac1{BT}\sum \ln p(x_{t+1}\mid x_{\le t})$; at initialization (tiny logits) it is $\approx \ln V$.
Learning rate at step $s = 1, 2, \dots$: $\eta_s = \eta\,\min(1, s/W)$ for a warmup of $W$ steps ($W = 0$: none).

Determinism: one private ``torch.Generator`` for the windows, a seeded one for the weights, one CPU thread,
float32; two runs give bit-identical losses (tested). Adam is written out (``mlnotes.attention.tiny._adam_step``,
equal to ``torch.optim.Adam``): the first use of ``torch.optim`` imports torch's compiler stack (seconds).

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from mlnotes._checks import check_int, check_real
from mlnotes.transformer.corpus import CharVocab, corpus_text
from mlnotes.transformer.gpt import GPT, GPTConfig


@dataclass(frozen=True)
class TrainConfig:
    """Steps, batch (B windows of T characters), peak learning rate, warmup steps, seed."""

    steps: int = 100
    batch_size: int = 16
    seq_len: int = 32
    lr: float = 1e-2
    warmup_steps: int = 0
    seed: int = 0

    def __post_init__(self):
        check_int("steps", self.steps, low=1)
        check_int("batch_size", self.batch_size, low=1)
        check_int("seq_len", self.seq_len, low=1)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_int("warmup_steps", self.warmup_steps, low=0)
        check_int("seed", self.seed, low=0)


@dataclass(frozen=True)
class TrainResult:
    """Losses per step (float64 array), the trained model, its vocabulary and the held-out loss before/after."""

    losses: np.ndarray
    model: GPT
    vocab: CharVocab
    val_before: float
    val_after: float


def lr_at(step: int, lr: float, warmup_steps: int) -> float:
    """Linear warmup: lr · min(1, step / warmup_steps) for step = 1, 2, …; lr when warmup_steps = 0."""
    return lr if warmup_steps == 0 else lr * min(1.0, step / warmup_steps)


def _windows(torch, data, starts, T):
    """Inputs (B, T) and next-character targets (B, T) for windows starting at ``starts``."""
    offsets = torch.arange(T)
    return data[starts[:, None] + offsets], data[starts[:, None] + offsets + 1]  # (B, T), (B, T)


def _lm_loss(torch, model, x, y):
    logits = model(x)  # (B, T, V)
    return torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def _train(torch, model, data, tc: TrainConfig):
    """The loop: sample windows, loss, backward, Adam with warmup. Returns the losses."""
    from mlnotes.attention.tiny import _adam_step

    params = model.parameters()
    for p in params:
        p.requires_grad_(True)
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
    gen = torch.Generator().manual_seed(tc.seed + 1)
    losses = []
    for step in range(1, tc.steps + 1):
        starts = torch.randint(0, len(data) - tc.seq_len - 1, (tc.batch_size,), generator=gen)
        loss = _lm_loss(torch, model, *_windows(torch, data, starts, tc.seq_len))
        for p in params:
            p.grad = None
        loss.backward()
        _adam_step(torch, params, moments, lr_at(step, tc.lr, tc.warmup_steps), step)
        losses.append(loss.item())
    for p in params:
        p.requires_grad_(False)
        p.grad = None
    return np.array(losses)


def _val_loss(torch, model, val, T) -> float:
    """Mean loss over consecutive windows of the held-out text."""
    n = (len(val) - 1) // T
    starts = torch.arange(n) * T
    with torch.no_grad():
        return float(_lm_loss(torch, model, *_windows(torch, val, starts, T)))


def train_char_gpt(config: GPTConfig | None = None, train: TrainConfig | None = None, text: str | None = None,
                   **model_kwargs) -> TrainResult:
    """Train a GPT on the characters of ``text`` (default: :func:`corpus_text`), last 10 % held out.

    ``config`` defaults to ``GPTConfig(vocab_size=len(vocab), **model_kwargs)``. One CPU thread during training
    (restored after). See chapter: chapters/transformer.md
    """
    import torch

    text = corpus_text() if text is None else text
    vocab = CharVocab(text)
    config = GPTConfig(vocab_size=len(vocab), **model_kwargs) if config is None else config
    tc = TrainConfig() if train is None else train
    if config.vocab_size != len(vocab):
        raise ValueError(f"config.vocab_size ({config.vocab_size}) must equal the text's {len(vocab)} characters")
    if tc.seq_len > config.block_size:
        raise ValueError(f"seq_len ({tc.seq_len}) must be ≤ block_size ({config.block_size})")
    data = torch.tensor(vocab.encode(text))
    split = int(0.9 * len(data))
    if split < tc.seq_len + 2 or len(data) - split < tc.seq_len + 1:
        raise ValueError(f"text is too short for windows of {tc.seq_len} characters")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same float sums in the same order on every run
    try:
        model = GPT(config, seed=tc.seed)
        val_before = _val_loss(torch, model, data[split:], tc.seq_len)
        losses = _train(torch, model, data[:split], tc)
        val_after = _val_loss(torch, model, data[split:], tc.seq_len)
    finally:
        torch.set_num_threads(threads)
    return TrainResult(losses, model, vocab, val_before, val_after)


# The chapter's runs: post-LN vs pre-LN (Xiong et al., 2020) with the original Transformer's init, 4 layers and a
# large learning rate; the pre-LN run is also the chapter's "tiny GPT" (pre-LN, final LN, tanh GELU, tied head).
LN_MODEL = dict(block_size=16, d_model=32, n_layers=4, n_heads=4, init="torch")
LN_TRAIN = dict(steps=60, batch_size=16, seq_len=16, lr=2e-2)
LN_WARMUP = 40


def ln_run(norm_first: bool, warmup: bool) -> TrainResult:
    """One run of the post-LN / pre-LN comparison, with or without :data:`LN_WARMUP` warmup steps (cached).

    See chapter: chapters/transformer.md
    """
    if not isinstance(norm_first, bool) or not isinstance(warmup, bool):
        raise TypeError("norm_first and warmup must be bools")
    return _ln_run(norm_first, warmup)


@functools.lru_cache(maxsize=4)
def _ln_run(norm_first: bool, warmup: bool) -> TrainResult:
    train = TrainConfig(**LN_TRAIN, warmup_steps=LN_WARMUP if warmup else 0)
    return train_char_gpt(train=train, **LN_MODEL, norm_first=norm_first)


def sample_text(result: TrainResult, prompt: str, n_chars: int, temperatures, seed: int = 0) -> list:
    """Continue ``prompt`` by ``n_chars`` characters once per temperature (one batch, one row per temperature).

    Temperature τ divides the logits before the softmax (τ → 0: greedy; here τ > 0). The model sees at most its
    last ``block_size`` characters. Seeded: the same strings on every run. See chapter: chapters/transformer.md
    """
    import torch

    temps = torch.tensor([check_real("temperature", t, low=0.0, low_open=True) for t in temperatures])
    n = check_int("n_chars", n_chars, low=1)
    model, vocab = result.model, result.vocab
    ids = torch.tensor([vocab.encode(prompt)] * len(temps))  # (n_temps, len(prompt))
    if ids.shape[1] == 0:
        raise ValueError("prompt must not be empty")
    gen = torch.Generator().manual_seed(check_int("seed", seed, low=0))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            for _ in range(n):
                logits = model(ids[:, -model.config.block_size:])[:, -1]  # (n_temps, V): the next character
                probs = torch.softmax(logits / temps[:, None], dim=-1)
                ids = torch.cat([ids, torch.multinomial(probs, 1, generator=gen)], dim=1)
    finally:
        torch.set_num_threads(threads)
    return [vocab.decode(row[len(prompt):].tolist()) for row in ids]
