"""Figures of the RAG chapter: pure ``draw(ax, ...)`` functions for explore() widgets and static plots.

Data that depend on the live book (a passage of its text, measured hit rates, ANN timings) are
passed in by the chapter; curves are computed on the fly (they are cheap). English text only:
CJK characters of a passage are dropped before drawing. See chapter: chapters/rag.md
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from mlnotes.rag.bm25 import term_factor
from mlnotes.rag.chunking import fixed_spans, structure_chunks
from mlnotes.rag.fusion import rrf_scores

COLORS = ("#0969da", "#d95f02", "#1a7f37", "#8250df", "#bf3989", "#9a6700", "#1b7c83", "#cf222e")
GREY = "#888888"
WIDTH = 92  # characters per line of the chunk picture
CHUNK_SIZES = (20, 40, 60, 80)
CHUNK_OVERLAPS = (0, 5, 10, 20)
K1_VALUES = (0.0, 0.5, 1.2, 2.0, 3.0)
B_VALUES = (0.0, 0.25, 0.5, 0.75, 1.0)
RRF_KS = (0, 1, 5, 20, 60, 200, 1000)
N_DOCS = (100, 10000, 100000)


def plain_passage(text: str, max_words: int = 150) -> str:
    """One line of drawable text: CJK removed, whitespace collapsed, cut at a sentence end near ``max_words``."""
    text = re.sub(r"[\u2e80-\u9fff\uac00-\ud7af\uff00-\uffef]+", "", text)
    text = re.sub(r"\s*\(\s*\)", "", text)
    text = " ".join(text.split())
    words = text.split(" ")
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    end = max(cut.rfind(". "), cut.rfind("? "))
    return cut[:end + 1] if end > len(cut) // 2 else cut


@lru_cache(maxsize=8)
def _lines(text: str, width: int) -> tuple:
    """Greedy word wrap keeping character offsets: -> ((start, end), ...) spans of each line."""
    out, start = [], 0
    while start < len(text):
        end = min(start + width, len(text))
        if end < len(text):
            space = text.rfind(" ", start, end + 1)
            end = space if space > start else end
        out.append((start, end))
        start = end + 1 if end < len(text) and text[end] == " " else end
    return tuple(out)


def chunk_spans(text: str, size: int, overlap: int, sentences: bool) -> list:
    """Character spans of the chunks drawn by :func:`draw_chunks`."""
    if sentences:
        return [(c.start, c.end) for c in structure_chunks(text, size, 1 if overlap > 0 else 0)]
    return fixed_spans(text, size, min(overlap, size - 1), "word")


def draw_chunks(ax, text: str, size: int = 40, overlap: int = 10, sentences: bool = False):
    """A passage of the book wrapped in lines, with a coloured bar under each line for every chunk that covers
    it (even chunks on the upper row, odd on the lower): where the chunk boundaries fall and what overlaps."""
    ax.set_position([0.01, 0.01, 0.98, 0.88])
    ax.set_in_layout(False)
    lines = _lines(text, WIDTH)
    spans = chunk_spans(text, size, overlap, sentences)
    fontsize = ax.figure.get_figwidth() * 0.98 * 72 / (WIDTH * 0.602 + 2)  # DejaVu Sans Mono: 0.602 em a char
    step = 3.0
    xlim = (-1.5, -1.5 + _chars_across(ax, fontsize))
    ylim = (-len(lines) * step + 0.6, 1.2)
    for i, (a, b) in enumerate(lines):
        y = -i * step
        for j, (s, e) in enumerate(spans):
            lo, hi = max(s, a), min(e, b)
            if lo >= hi:
                continue
            row = y - 0.95 - 0.6 * (j % 2)
            ax.broken_barh([(lo - a, hi - lo)], (row - 0.25, 0.5), color=COLORS[j % len(COLORS)], lw=0)
            if s >= a and s < b:
                ax.text(s - a, row - 0.05, f"{j + 1}", fontsize=fontsize * 0.75, ha="right", va="center",
                        color=COLORS[j % len(COLORS)], fontweight="bold")
    # the text never changes between frames: it is rendered once and pasted as an image
    bounds = ax.get_position().bounds
    px = (int(round(bounds[2] * ax.figure.get_figwidth() * ax.figure.dpi)),
          int(round(bounds[3] * ax.figure.get_figheight() * ax.figure.dpi)))
    ax.imshow(_text_image(text, px, float(ax.figure.dpi), fontsize, xlim, ylim, step), extent=(*xlim, *ylim),
              interpolation="nearest", aspect="auto", zorder=1)
    ax.set(xlim=xlim, ylim=ylim)
    ax.axis("off")
    how = (f"sentences packed to <= {size} words, overlap {'1 sentence' if overlap > 0 else 'none'}" if sentences
           else f"windows of {size} words, overlap {min(overlap, size - 1)} words")
    ax.set_title(f"{len(spans)} chunks: {how}", fontsize=10, loc="left")


@lru_cache(maxsize=4)
def _text_image(text: str, px: tuple, dpi: float, fontsize: float, xlim: tuple, ylim: tuple, step: float):
    """The wrapped lines of ``text`` drawn alone on a transparent canvas of the axes' pixel size: (H, W, 4)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(px[0] / dpi, px[1] / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_alpha(0.0)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set(xlim=xlim, ylim=ylim)
    ax.axis("off")
    for i, (a, b) in enumerate(_lines(text, WIDTH)):
        ax.text(0, -i * step, text[a:b], family="DejaVu Sans Mono", fontsize=fontsize, va="center", ha="left",
                parse_math=False)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _chars_across(ax, fontsize: float) -> float:
    """How many monospace characters of this size fit across the axes (measured once per figure size)."""
    return _chars_across_cached(ax.figure, tuple(ax.get_position().bounds), fontsize, ax.figure.dpi)


@lru_cache(maxsize=16)
def _chars_across_cached(figure, bounds, fontsize, dpi) -> float:
    renderer = figure.canvas.get_renderer()
    probe = figure.text(0, 0, "M" * WIDTH, family="DejaVu Sans Mono", fontsize=fontsize, parse_math=False)
    char_px = probe.get_window_extent(renderer).width / WIDTH
    probe.remove()
    return bounds[2] * figure.get_figwidth() * dpi / char_px


def draw_hit_rate(ax, rows, metric: str = "hit@1"):
    """Hit rate (or MRR) on the book's interview questions against chunk size, one line per method and
    chunking mode, with the number of chunks at each size."""
    styles = {"bm25": ("BM25", COLORS[0]), "dense": ("dense (MiniLM)", COLORS[1])}
    for (method, mode), group in _group(rows):
        group = sorted(group, key=lambda r: r["size"])
        label, color = styles.get(method, (method, GREY))
        ax.plot([r["size"] for r in group], [r[metric] for r in group], "o-" if mode == "structure" else "s--",
                color=color, lw=1.5, ms=5, label=f"{label}, {'sentences' if mode == 'structure' else 'fixed windows'}")
    sizes = sorted({r["size"] for r in rows})
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.minorticks_off()
    ax.set(xlim=(min(sizes) / 1.3, max(sizes) * 1.3), ylim=(0, 1), xlabel="chunk size (words)", ylabel=metric,
           title=f"{metric} against chunk size ({rows[0]['queries']} questions)" if "queries" in rows[0]
           else f"{metric} against chunk size")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower center", ncols=2)


def draw_sweep(axes, rows):
    """Hit rate@1 (left) and hit rate@5 (right) against chunk size: :func:`draw_hit_rate` on two panels."""
    draw_hit_rate(axes[0], rows, "hit@1")
    draw_hit_rate(axes[1], rows, "hit@5")


def _group(rows):
    keys = []
    for r in rows:
        key = (r["method"], r.get("mode", "fixed"))
        if key not in keys:
            keys.append(key)
    return [(k, [r for r in rows if (r["method"], r.get("mode", "fixed")) == k]) for k in keys]


def draw_bm25_curves(axes, k1: float = 1.2, b: float = 0.75):
    """BM25 term factor against term frequency for the chosen k1 (left, saturation; TF-IDF's linear tf dashed),
    and against document length relative to average for the chosen b (right, length normalization)."""
    left, right = axes
    tf = np.arange(0, 21)  # (21,)
    for other in K1_VALUES:
        if other != k1:
            left.plot(tf, term_factor(tf, 1.0, 1.0, other, b, "okapi"), color=GREY, lw=0.8, alpha=0.5)
    left.plot(tf, term_factor(tf, 1.0, 1.0, k1, b, "okapi"), color=COLORS[0], lw=2.2, label=f"BM25, k1 = {k1:g}")
    left.axhline(k1 + 1, color=COLORS[0], ls=":", lw=1, label=f"limit k1 + 1 = {k1 + 1:g}")
    left.plot(tf, tf / 5, color=COLORS[1], ls="--", lw=1.2, label="raw tf (TF-IDF), scaled 1/5")
    left.set(xlim=(0, 20), ylim=(0, 4.2), xlabel="term frequency tf in the document (|d| = avgdl)",
             ylabel="tf (k1 + 1) / (tf + L_d)", title="k1: saturation of repeated terms")
    left.legend(fontsize=7, loc="upper left")
    rel = np.linspace(0.1, 4, 80)  # (80,) |d| / avgdl
    for other in B_VALUES:
        if other != b:
            right.plot(rel, term_factor(3, rel, 1.0, k1, other, "okapi"), color=GREY, lw=0.8, alpha=0.5)
    right.plot(rel, term_factor(3, rel, 1.0, k1, b, "okapi"), color=COLORS[2], lw=2.2, label=f"b = {b:g}")
    right.axvline(1.0, color=GREY, ls=":", lw=1)
    right.set(xlim=(0, 4), ylim=(0, 4.2), xlabel="document length |d| / avgdl (tf = 3)",
              title="b: longer documents count less")
    right.legend(fontsize=7, loc="upper right")
    for ax in axes:
        ax.title.set_fontsize(9)


def draw_idf(ax, n_docs: int = 10000):
    """Weight of a term against the number of documents that contain it, for N documents: the raw ratio N/df,
    its square root, ln(N/df), scikit-learn's smoothed idf and BM25's idf, on log-log axes."""
    df = np.unique(np.round(np.logspace(0, np.log10(n_docs), 60)).astype(int)).astype(float)  # (≤60,)
    n = float(n_docs)
    curves = [("N/df (no log)", n / df, COLORS[7], "-"), ("sqrt(N/df)", np.sqrt(n / df), COLORS[5], "-"),
              ("ln(N/df)", np.log(n / df), COLORS[0], "-"), ("ln((1+N)/(1+df)) + 1 (sklearn)",
                                                              np.log((1 + n) / (1 + df)) + 1, COLORS[2], "--"),
              ("ln(1 + (N-df+.5)/(df+.5)) (BM25)", np.log1p((n - df + 0.5) / (df + 0.5)), COLORS[1], ":")]
    for label, y, color, ls in curves:
        keep = y > 0
        ax.loglog(df[keep], y[keep], ls, color=color, lw=1.8, label=label)
    ax.axvline(n, color=GREY, lw=0.8, ls=":")
    ax.set(xlim=(1, 2e5), ylim=(1e-3, 2e5), xlabel="df: documents containing the term",
           ylabel="term weight", title=f"idf for N = {n_docs:,} documents")
    ax.legend(fontsize=7, loc="upper right")
    ax.title.set_fontsize(9)


RRF_EXAMPLE = {"BM25": ["A", "B", "C", "D", "E", "F"], "dense": ["G", "C", "B", "H", "I", "A"]}


def draw_rrf(ax, k: float = 60):
    """Two ranked lists (BM25, dense) on the left and their reciprocal-rank fusion for constant k on the right,
    with the fused score of each document: a small k rewards single first places, a large k agreement."""
    lists = list(RRF_EXAMPLE.values())
    scores = rrf_scores(lists, k=k)
    order = sorted(scores, key=lambda d: (-scores[d], min(lst.index(d) if d in lst else 99 for lst in lists), d))
    xs = {"BM25": 0.0, "dense": 1.0, "fused": 2.6}
    colors = {d: COLORS[i % len(COLORS)] for i, d in enumerate(sorted(scores))}
    for name, ranked in RRF_EXAMPLE.items():
        ax.text(xs[name], 0.3, name, ha="center", fontsize=9, fontweight="bold")
        for r, d in enumerate(ranked, start=1):
            ax.text(xs[name], -r, d, ha="center", va="center", fontsize=10, color=colors[d],
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=colors[d]))
            ax.plot([xs[name] + 0.12, xs["fused"] - 0.12], [-r, -(order.index(d) + 1)], color=colors[d], lw=0.8,
                    alpha=0.35)
    ax.text(xs["fused"], 0.3, f"fused (k = {k:g})", ha="center", fontsize=9, fontweight="bold")
    for r, d in enumerate(order, start=1):
        ax.text(xs["fused"], -r, d, ha="center", va="center", fontsize=10, color=colors[d],
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec=colors[d]))
        ax.text(xs["fused"] + 0.22, -r, f"{scores[d]:.4f}", va="center", fontsize=8, family="DejaVu Sans Mono")
    ax.set(xlim=(-0.4, 3.5), ylim=(-len(order) - 0.7, 0.8))
    ax.axis("off")


@lru_cache(maxsize=1)
def _points_2d():
    """Nine hand-placed 2-D documents: one points exactly along the query but is short (cosine wins), one is
    long (dot wins), one sits next to the query's tip (L2 wins); and the query."""
    x = np.array([[0.45, 0.25], [2.5, 0.3], [0.95, 0.75], [0.3, 1.0], [1.5, 1.6], [1.7, 0.4], [0.2, 0.55],
                  [0.6, 1.5], [1.9, 1.1]])  # (9, 2)
    return x, np.array([1.0, 0.55])


def similarity_winners(normalized: bool = False) -> dict:
    """The nearest of the nine documents to the query by each similarity: {"cosine": i, "dot": j, "L2": k}."""
    x, q = _points_2d()
    if normalized:
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        q = q / np.linalg.norm(q)
    scores = {"cosine": (x @ q) / (np.linalg.norm(x, axis=1) * np.linalg.norm(q)), "dot": x @ q,
              "L2": -np.sum((x - q) ** 2, axis=1)}
    return {name: int(np.argmax(s)) for name, s in scores.items()}


def draw_similarity(ax, normalized: bool = False):
    """Nine 2-D document vectors and a query: the nearest document by cosine, dot product and L2 distance,
    which disagree on raw vectors and coincide once every vector is scaled to length 1."""
    x, q = _points_2d()
    if normalized:
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        q = q / np.linalg.norm(q)
    winners = similarity_winners(normalized)
    t = np.linspace(0, np.pi / 2, 50)
    ax.plot(np.cos(t), np.sin(t), color=GREY, lw=0.8, ls=":")
    ax.scatter(x[:, 0], x[:, 1], s=25, color=GREY, zorder=2)
    ax.annotate("", xy=q, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="k", lw=1.5))
    ax.text(q[0] + 0.05, q[1] + 0.05, "query", fontsize=9)
    for (name, i), color, off in zip(winners.items(), COLORS[:3], (0.0, 0.09, 0.18)):
        ax.scatter([x[i, 0]], [x[i, 1]], s=160 + 160 * off * 10, facecolors="none", edgecolors=color, lw=1.8,
                   zorder=3, label=f"top-1 by {name}")
    n = len(set(winners.values()))
    title = "one winner for all three" if n == 1 else f"{n} different winners"
    ax.set(xlim=(-0.1, 2.8), ylim=(-0.1, 2.2), aspect="equal",
           title=f"{'unit' if normalized else 'raw'} vectors: {title}")
    ax.legend(fontsize=8, loc="upper right")
    ax.title.set_fontsize(9)


def draw_ann(ax, rows, title: str = ""):
    """Recall@10 against the distances computed per query (a cost that does not depend on the machine) for faiss
    Flat (exact), IVF at several nprobe and HNSW at several efSearch."""
    marks = {"Flat": ("*", COLORS[7]), "IVF": ("s-", COLORS[0]), "HNSW": ("o-", COLORS[1])}
    for kind, (mark, color) in marks.items():
        group = [r for r in rows if r["index"].startswith(kind)]
        if not group:
            continue
        ax.plot([r["distances"] for r in group], [r["recall"] for r in group], mark, color=color, ms=7,
                label=group[0]["index"])
        for r in group:
            if r["param"]:
                ax.annotate(r["param"].split("=")[1], (r["distances"], r["recall"]), textcoords="offset points",
                            xytext=(4, -10), fontsize=7, color=color)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    most = max(r["distances"] for r in rows)
    ax.set_xscale("log")
    ax.set(xlim=(min(r["distances"] for r in rows) / 1.5, most * 1.5), ylim=(0, 1.05),
           xlabel="distances computed per query", ylabel="recall@10 vs exact", title=title)
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0)))  # 10, 30, 100, 300, …
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    ax.title.set_fontsize(9)


def draw_ann_pair(axes, left, right, left_title: str = "", right_title: str = ""):
    """:func:`draw_ann` for two sets of rows side by side (e.g. the book's vectors and synthetic ones)."""
    draw_ann(axes[0], left, left_title)
    draw_ann(axes[1], right, right_title)


def draw_evaluation(ax, rows):
    """Grouped bars of hit@1, hit@5 and MRR@10 for each retrieval method on the book's interview questions."""
    metrics = ("hit@1", "hit@5", "mrr@10")
    width = 0.8 / len(metrics)
    for j, m in enumerate(metrics):
        vals = [r[m] for r in rows]
        xs = np.arange(len(rows)) + (j - 1) * width
        ax.bar(xs, vals, width, color=COLORS[j], label=m)
        for x, v in zip(xs, vals):
            ax.text(x, v + 0.01, f"{v:.2f}", ha="center", fontsize=7)
    ax.set_xticks(np.arange(len(rows)), [r["method"] for r in rows], fontsize=8)
    ax.set(ylim=(0, 1.25), ylabel="score")
    ax.legend(fontsize=8, loc="upper center", ncols=3, frameon=False)
