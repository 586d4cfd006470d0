"""Figures of the Transformer chapter: gradient norms per layer, the warmup runs, the tiny GPT, erratum 18.

Heavy data (training runs, samples) is computed once and cached (functools.lru_cache), never at import.
See chapter: chapters/transformer.md
"""

from __future__ import annotations

import functools

import numpy as np

POST, PRE = "#cf222e", "#0969da"
TEMPERATURES = (0.3, 0.6, 1.0, 1.5)
PROMPT = "The data"
SAMPLE_CHARS = 100
ERRATUM_D = (64, 128, 256, 512)


@functools.lru_cache(maxsize=1)
def _grad_norm_ylim() -> float:
    from mlnotes.transformer.preln import DEPTHS, grad_norms_at_init

    return 1.15 * max(float(grad_norms_at_init(n, nf).max()) for n in DEPTHS for nf in (False, True))


def draw_grad_norms(ax, n_layers=6):
    """Gradient norm of each block's weights at initialization, post-LN vs pre-LN, for one depth."""
    from mlnotes.transformer.preln import grad_norms_at_init

    n = int(n_layers)
    layers = np.arange(1, n + 1)
    for norm_first, color, name in ((False, POST, "post-LN"), (True, PRE, "pre-LN")):
        g = grad_norms_at_init(n, norm_first)
        ax.plot(layers, g, "o-", color=color, label=f"{name} (last/first = {g[-1] / g[0]:.2f})")
    ax.set(xlim=(0.5, 12.5), ylim=(0, _grad_norm_ylim()), xlabel="layer (1 = nearest the input)",
           ylabel="‖∂loss/∂θ_layer‖ at init", title=f"{n} layers: gradient norm per layer at initialization")
    ax.set_xticks(range(1, 13))
    ax.legend(loc="lower left", fontsize=8)


def _smooth(y, k=5):
    return np.convolve(y, np.ones(k) / k, mode="valid")


def draw_warmup(ax):
    """Training loss of post-LN without / with warmup and pre-LN without warmup, same learning rate."""
    from mlnotes.transformer.preln import unigram_entropy
    from mlnotes.transformer.train import LN_MODEL, LN_TRAIN, LN_WARMUP, ln_run

    runs = ((False, False, POST, "-", "post-LN, no warmup"), (False, True, POST, "--", f"post-LN, {LN_WARMUP} warmup steps"),
            (True, False, PRE, "-", "pre-LN, no warmup"))
    for norm_first, warmup, color, ls, name in runs:
        loss = ln_run(norm_first, warmup).losses
        ax.plot(np.arange(len(loss)) + 1, loss, color=color, ls=ls, lw=0.6, alpha=0.35)
        ax.plot(np.arange(len(loss) - 4) + 3, _smooth(loss), color=color, ls=ls, lw=2, label=name)
    H = unigram_entropy()
    ax.axhline(H, color="0.3", ls=":", lw=1.2, label=f"unigram entropy {H:.2f}")
    ax.set(xlim=(0, LN_TRAIN["steps"] + 1), ylim=(2.4, 5.4), xlabel="step", ylabel="training loss (nats/char)",
           title=f"{LN_MODEL['n_layers']}-layer character GPT, Adam, peak lr {LN_TRAIN['lr']:g}")
    ax.legend(loc="upper right", fontsize=8)


def draw_loss_curve(ax):
    """The tiny GPT's training loss per step, with ln V and its held-out loss before and after."""
    from mlnotes.transformer.train import ln_run

    r = ln_run(True, False)
    V = len(r.vocab)
    ax.plot(np.arange(1, len(r.losses) + 1), r.losses, color=PRE, lw=1.2, label="training loss (one batch)")
    ax.axhline(np.log(V), color="0.3", ls="--", lw=1, label=f"ln V = ln {V} = {np.log(V):.2f}")
    ax.plot([0, len(r.losses)], [r.val_before, r.val_after], "s", color="#1a7f37", label="held-out loss")
    ax.set(xlim=(-2, len(r.losses) + 2), ylim=(2.4, 5.4), xlabel="step", ylabel="cross-entropy (nats/char)",
           title="tiny GPT on scikit-learn's dataset descriptions")
    ax.legend(loc="upper right", fontsize=8)


@functools.lru_cache(maxsize=1)
def samples() -> dict:
    """{temperature: continuation of PROMPT} from the tiny GPT (one seeded batch)."""
    from mlnotes.transformer.train import ln_run, sample_text

    texts = sample_text(ln_run(True, False), PROMPT, SAMPLE_CHARS, TEMPERATURES)
    return dict(zip(TEMPERATURES, texts))


def draw_sample(ax, temperature=0.6):
    """A continuation of the prompt sampled from the tiny GPT at one temperature."""
    import textwrap

    text = samples()[temperature]
    shown = "\n".join(textwrap.wrap(PROMPT + text.replace("\n", "⏎"), 64, drop_whitespace=False)[:5])
    ax.text(0.02, 0.92, shown, transform=ax.transAxes, va="top", ha="left", family="monospace", fontsize=9)
    ax.set(xlim=(0, 1), ylim=(0, 1), title=f"temperature τ = {temperature:g}   (⏎ = newline)")
    ax.set_xticks([])
    ax.set_yticks([])


def draw_residual_growth(ax):
    """Std of the residual stream after each block at init, GPT-2 init with and without the 1/√(2L) scaling."""
    from mlnotes.transformer.gpt2 import residual_growth

    for scaled, color, name in ((False, POST, "N(0, 0.02²) everywhere"), (True, PRE, "residual projections × 1/√(2L)")):
        stds = residual_growth(scaled)
        ax.plot(np.arange(len(stds)), stds, color=color, lw=2, label=name)
    ax.set(xlim=(0, 48), ylim=(0, 0.25), xlabel="block l (0 = embeddings)", ylabel="std of the residual stream",
           title="48 pre-LN blocks at initialization (d = 64)")
    ax.legend(loc="upper left", fontsize=8)


def draw_erratum18(ax, d_model=512, notes=False):
    """Cosine similarity of one token's input vectors at 32 positions: √d once (right) or √d twice (notes)."""
    from mlnotes.transformer.errata import position_share, transformer_input

    x = transformer_input(np.zeros(32, dtype=int), int(d_model), as_in_notes=bool(notes))
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    im = ax.imshow(x @ x.T, vmin=0.5, vmax=1.0, cmap="viridis")
    ax.set(xlabel="position", ylabel="position",
           title=(f"{'notes: ×√d twice' if notes else 'right: ×√d once'}, d = {d_model}: "
                  f"{position_share(int(d_model), bool(notes)):.1%} of the input is position"))
    if len(ax.figure.axes) == 1:  # the colour bar once (the reused figure keeps it)
        ax.figure.colorbar(im, ax=ax, label="cosine similarity")
