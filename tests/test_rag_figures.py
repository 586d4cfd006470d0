"""RAG figures: every control changes the frame, no warnings (no missing CJK glyphs), data-driven plots draw."""

import functools
import warnings

import pytest

from mlnotes.explore import FrameRenderer
from mlnotes.figures import rag as figs

PASSAGE = ("Batch Normalization (批归一化) normalizes each feature over the batch. It uses $\\mu_B$ and "
           "$\\sigma_B^2$ of the current batch during training. At inference it uses running estimates instead. "
           "A small batch gives noisy statistics, which is why LayerNorm is used in Transformers. ") * 3


def _frames(draw, start, changes, **kw):
    renderer = FrameRenderer(draw, **kw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = renderer.render(start)
        others = {name: renderer.render({**start, name: value}) for name, value in changes.items()}
    assert not caught, [str(w.message) for w in caught]
    return first, others


@pytest.mark.parametrize("draw,kw,start,changes", [
    (functools.partial(figs.draw_chunks, text=figs.plain_passage(PASSAGE, 120)), {"figsize": (7.6, 3.4)},
     {"size": 40, "overlap": 10, "sentences": False}, {"size": 60, "overlap": 0, "sentences": True}),
    (figs.draw_bm25_curves, {"figsize": (8, 3), "ncols": 2}, {"k1": 1.2, "b": 0.75}, {"k1": 3.0, "b": 0.0}),
    (figs.draw_idf, {}, {"n_docs": 10000}, {"n_docs": 100}),
    (figs.draw_rrf, {}, {"k": 60}, {"k": 1}),
    (figs.draw_similarity, {}, {"normalized": False}, {"normalized": True}),
], ids=["chunks", "bm25", "idf", "rrf", "similarity"])
def test_every_control_changes_the_frame(draw, kw, start, changes):
    first, others = _frames(draw, start, changes, **kw)
    for name, frame in others.items():
        assert frame != first, f"moving {name} did not change the figure"


def test_passage_is_plain_english_and_cut_at_a_sentence():
    text = figs.plain_passage(PASSAGE, 40)
    assert "批" not in text and "()" not in text and "  " not in text
    assert text.endswith(".") and len(text.split()) <= 40


def test_rrf_figure_order_changes_with_k():
    lists = list(figs.RRF_EXAMPLE.values())
    from mlnotes.rag.fusion import rrf

    assert [d for d, _ in rrf(lists, k=0)][0] != [d for d, _ in rrf(lists, k=1000)][0]


def test_data_driven_figures_draw():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [{"size": s, "method": m, "mode": mode, "hit@1": 0.5, "hit@5": 0.8, "mrr@10": 0.6}
            for s in (25, 50, 100) for m in ("bm25", "dense") for mode in ("fixed", "structure")]
    ann_rows = [{"index": "Flat (exact)", "param": "", "recall": 1.0, "distances": 100.0},
                {"index": "IVF (nlist=10)", "param": "nprobe=1", "recall": 0.5, "distances": 20.0},
                {"index": "HNSW (M=16)", "param": "efSearch=16", "recall": 0.9, "distances": 40.0}]
    evals = [{"method": m, "hit@1": 0.5, "hit@5": 0.9, "mrr@10": 0.65} for m in ("BM25", "dense")]
    fig, axes = plt.subplots(1, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figs.draw_hit_rate(axes[0], rows, "hit@5")
        figs.draw_ann(axes[1], ann_rows, "synthetic")
        figs.draw_evaluation(axes[2], evals)
        fig.canvas.draw()
    assert len(axes[0].lines) == 4 and axes[0].get_ylim() == (0, 1)
    plt.close(fig)


def test_similarity_figure_titles_say_what_the_vectors_show():
    """Raw vectors: cosine, dot and L2 pick three different documents (dot the longest, L2 the one whose length is
    closest to the query's); unit vectors: one document for all three. The titles are computed from the same data."""
    import numpy as np

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    raw, unit = figs.similarity_winners(False), figs.similarity_winners(True)
    assert len(set(raw.values())) == 3 and len(set(unit.values())) == 1
    x, q = figs._points_2d()
    lengths = np.linalg.norm(x, axis=1)
    assert raw["dot"] == int(np.argmax(lengths))
    assert raw["L2"] == int(np.argmin(np.abs(lengths - np.linalg.norm(q))))
    fig, ax = plt.subplots()
    figs.draw_similarity(ax, False)
    assert ax.get_title() == "raw vectors: 3 different winners"
    figs.draw_similarity(ax, True)
    assert ax.get_title().startswith("unit vectors: one winner for all three")
    plt.close(fig)


def test_b_has_no_effect_at_k1_zero_so_the_chapter_greys_it_out():
    """The chapter passes inactive={"b": k1 == 0}: at k1 = 0 every curve is flat at 1, whatever b."""
    import numpy as np

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def curves(k1, b):
        fig, axes = plt.subplots(1, 2)
        figs.draw_bm25_curves(axes, k1=k1, b=b)
        data = [np.asarray(line.get_ydata(), dtype=float) for ax in axes for line in ax.lines]
        plt.close(fig)
        return data

    for b in figs.B_VALUES[1:]:
        assert all(np.array_equal(x, y) for x, y in zip(curves(0.0, figs.B_VALUES[0]), curves(0.0, b)))
    assert not all(np.array_equal(x, y) for x, y in zip(curves(1.2, 0.0), curves(1.2, 1.0)))
