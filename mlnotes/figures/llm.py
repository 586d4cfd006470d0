"""Figures of the LLM chapter: BPE merges, next-token filters, LoRA's rank, KV-cache timing, ALiBi/RoPE, formats.

Heavy data is computed once and cached (functools.lru_cache), never at import.
See chapter: chapters/llm.md
"""

from __future__ import annotations

import functools

import numpy as np

BLUE, RED, GREY = "#0969da", "#cf222e", "0.6"
BPE_DOCS = 60  # paragraphs of the corpus the chapter's BPE is trained on
BPE_VOCAB = 400
BPE_MERGES = (0, 8, 32, 64, 144)
BPE_SENTENCE = "The iris dataset is a classic and very easy multi-class classification dataset."
NEXT_WORDS = ("mat", "floor", "sofa", "bed", "rug", "table", "chair", "roof", "moon", "idea")
NEXT_LOGITS = (3.0, 2.3, 2.0, 1.6, 1.4, 0.9, 0.7, -0.2, -1.0, -2.0)  # a made-up next-word distribution
LORA_RANKS = (1, 2, 4, 8, 16)


def bpe_training_docs() -> list:
    """The first BPE_DOCS paragraphs of the chapter's corpus (scikit-learn's dataset descriptions)."""
    from mlnotes.transformer.corpus import corpus_text

    return corpus_text().split("\n\n")[:BPE_DOCS]


@functools.lru_cache(maxsize=1)
def bpe_tokenizer():
    """Byte-level BPE trained on :func:`bpe_training_docs` up to BPE_VOCAB symbols (cached)."""
    from mlnotes.llm.bpe import train_bpe

    return train_bpe(bpe_training_docs(), BPE_VOCAB)


def _with_merges(k: int):
    from mlnotes.llm.bpe import BPETokenizer

    tok = bpe_tokenizer()
    return BPETokenizer(tok.vocab, tok.merges[:k])


def draw_bpe(ax, merges=64):
    """A sentence split into byte-level BPE tokens after the first ``merges`` merges (Ġ marks a leading space)."""
    tokens = _with_merges(int(merges)).tokenize(BPE_SENTENCE)
    x, y, colors = 0.01, 0.80, ("#ddf4ff", "#fff8c5")
    for i, t in enumerate(tokens):
        width = 0.0135 * len(t) + 0.006
        if x + width > 0.99:
            x, y = 0.01, y - 0.28
        ax.text(x, y, t, family="monospace", fontsize=9, va="center",
                bbox=dict(boxstyle="square,pad=0.25", fc=colors[i % 2], ec="0.5", lw=0.6))
        x += width + 0.004
    ax.set(xlim=(0, 1), ylim=(0, 1), title=f"{merges} merges: {len(tokens)} tokens for {len(BPE_SENTENCE)} characters")
    ax.set_xticks([])
    ax.set_yticks([])


def draw_sampling(ax, temperature=1.0, top_k=10, top_p=1.0):
    """Next-word probabilities before (grey) and after temperature, top-k and top-p (blue)."""
    import torch

    from mlnotes.llm.decoding import filter_logits

    z = torch.tensor(NEXT_LOGITS, dtype=torch.float64)
    before = torch.softmax(z, -1).numpy()
    k = None if int(top_k) >= len(z) else int(top_k)
    after = torch.softmax(filter_logits(z, temperature, k, None if top_p >= 1 else top_p), -1).numpy()
    xs = np.arange(len(z))
    ax.bar(xs, before, width=0.8, color="none", edgecolor=GREY, lw=1.2, label="softmax(z)")
    ax.bar(xs, after, width=0.5, color=BLUE, label="after τ, top-k, top-p")
    ax.set_xticks(xs, NEXT_WORDS, fontsize=8)
    kept = int((after > 0).sum())
    ax.set(ylim=(0, 1), ylabel="probability",
           title=f"τ = {temperature:g}, top-k = {'off' if k is None else k}, top-p = {top_p:g}: {kept} words left")
    ax.legend(loc="upper right", fontsize=8)


@functools.lru_cache(maxsize=8)
def lora_fit(rank: int) -> tuple:
    """(SVD floor, trained LoRA error) for the chapter's synthetic update ΔW (32 × 32, spectrum 0.7^i)."""
    from mlnotes.llm.lora import best_rank_r_error, fit_lora, spectrum_update

    delta = spectrum_update(32, 32)
    return best_rank_r_error(delta, rank), fit_lora(delta, rank, steps=200)[0]


def draw_lora(ax, rank=4):
    """Singular values of the update ΔW; a rank-r LoRA can capture the first r (blue)."""
    from mlnotes.llm.lora import spectrum_update

    s = np.linalg.svd(spectrum_update(32, 32), compute_uv=False)
    r = int(rank)
    ax.bar(np.arange(1, 33), s, color=[BLUE if i < r else GREY for i in range(32)])
    floor, trained = lora_fit(r)
    ax.set(yscale="log", ylim=(1e-5, 2), xlim=(0, 33), xlabel="singular value index i", ylabel="σ_i of ΔW",
           title=f"rank r = {r}: best possible error {floor:.3f}, trained LoRA {trained:.3f}")


def draw_kv_timing(ax, lengths, no_cache, cache):
    """Seconds to generate n tokens with and without a KV cache (measured)."""
    ax.plot(lengths, no_cache, "o-", color=RED, label="no cache: re-run the prefix each step")
    ax.plot(lengths, cache, "o-", color=BLUE, label="KV cache: one new token per step")
    ax.set(xlabel="tokens generated", ylabel="seconds", ylim=(0, 1.1 * max(no_cache)),
           title="generation time, 2-layer GPT (d = 64), one CPU thread")
    ax.legend(loc="upper left", fontsize=8)


def draw_positions(axes):
    """Left: ALiBi's bias for the first and last of 8 heads. Right: a RoPE score against the offset n − m."""
    from mlnotes.llm.positions import alibi_bias, apply_rope

    import matplotlib.pyplot as plt

    bias = alibi_bias(8, 12)
    shown = np.where(np.isinf(bias), 1.0, bias)  # masked (−inf) entries: drawn white (above vmax)
    ax = axes[0]
    cmap = plt.get_cmap("viridis").with_extremes(over="white")
    ax.imshow(np.concatenate([shown[0], np.ones((12, 1)), shown[7]], axis=1), cmap=cmap, vmin=-5.5, vmax=0)
    ax.set(title="ALiBi: head 1 (slope 1/2) | head 8 (1/256)", xlabel="key j", ylabel="query i")
    ax.set_xticks([])
    ax.set_yticks([0, 5, 10])
    rng = np.random.default_rng(0)
    q, k = rng.standard_normal(64), rng.standard_normal(64)
    offsets = np.arange(0, 40)
    ax = axes[1]
    lo = hi = 0.0
    for m, style in ((0, "-"), (100, "--")):
        scores = [apply_rope(q[None], [m])[0] @ apply_rope(k[None], [m + o])[0] for o in offsets]
        ax.plot(offsets, scores, style, color=BLUE if m == 0 else RED, label=f"query at position m = {m}")
        lo, hi = min(lo, min(scores)), max(hi, max(scores))
    ax.set(xlabel="offset n − m", ylabel="RoPE(q, m) · RoPE(k, n)", title="RoPE: a function of n − m only",
           ylim=(lo - 0.45 * (hi - lo), hi + 0.05 * (hi - lo)))
    ax.legend(loc="lower right", fontsize=8)


def draw_formats(ax):
    """Representable magnitudes of fp32, fp16 and bf16: smallest subnormal, smallest normal, largest; and eps."""
    from mlnotes.llm.precision import finfo_table

    for i, row in enumerate(finfo_table()):
        lo, norm, hi = (np.log10(row[k]) for k in ("smallest_subnormal", "smallest_normal", "max"))
        ax.plot([lo, norm], [i, i], color=GREY, lw=6, solid_capstyle="butt")
        ax.plot([norm, hi], [i, i], color=BLUE, lw=6, solid_capstyle="butt")
        ax.text(hi + 1, i, f"max {row['max']:.3g}, eps {row['eps']:.2g}", va="center", fontsize=8)
    ax.axvline(np.log10(65504), color=RED, ls=":", lw=1)
    ax.set(yticks=range(3), yticklabels=[r["format"] for r in finfo_table()], xlim=(-47, 70), ylim=(-0.6, 2.6),
           xlabel="log10 |x|  (grey: subnormal, blue: normal)", title="range of each format (red: fp16's max 65504)")


def bpe_held_out() -> str:
    """The 50 paragraphs after the BPE training paragraphs (never seen by the trainer)."""
    from mlnotes.transformer.corpus import corpus_text

    return "\n\n".join(corpus_text().split("\n\n")[BPE_DOCS:BPE_DOCS + 50])
