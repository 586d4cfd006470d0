r"""Word vectors (词向量): one-hot vs embedding, out-of-vocabulary words, embedding-size heuristics.

A vocabulary of $V$ tokens maps token $i$ to the **one-hot** vector $e_i \in \{0,1\}^V$. Any two different
one-hot vectors are orthogonal (cosine 0), so they carry no notion of similarity, and their size grows with $V$.
An **embedding** is a learned matrix $E \in \mathbb R^{V\times d}$; the vector of token $i$ is row $i$,

$$\operatorname{embed}(i) = e_i^\top E = E_{i,:},$$

so an embedding layer *is* a linear layer on one-hot inputs, computed as a table lookup (no multiplication).
$V\cdot d$ parameters; $d$ is a hyper-parameter, often picked by rules of thumb such as $d \approx n^{1/4}$
(Google's feature-column guide, 2017), $d \approx \log_2 n$ or $k\,n^{1/4}$ with $k < 16$ (the source notes),
or $\min(600, 1.6\,n^{0.56})$ (fastai), for $n$ categories — then tuned by doubling or halving.

**Out of vocabulary (OOV, 未登录词)**: a word-level vocabulary maps unseen words to ``[UNK]``; subword
tokenizers split them into known pieces instead. WordPiece (BERT) takes the longest vocabulary prefix, then
continues with ``##``-prefixed pieces; a word that cannot be split at all becomes ``[UNK]``.

See chapter: chapters/rnn.md
"""

from __future__ import annotations

import math

import numpy as np

from mlnotes._checks import check_int


def one_hot(ids, num_classes: int) -> np.ndarray:
    """One-hot rows (…, V) float64 for integer ids in [0, V). See chapter: chapters/rnn.md"""
    v = check_int("num_classes", num_classes, low=1)
    ids = np.asarray(ids)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"ids must be integers, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= v):
        raise ValueError(f"ids must be in [0, {v}), got values from {ids.min()} to {ids.max()}")
    return np.eye(v)[ids]


def embed(ids, weight) -> np.ndarray:
    """Rows of ``weight`` (V, d) for integer ``ids`` (any shape) → (…, d), like ``torch.nn.functional.embedding``.

    See chapter: chapters/rnn.md
    """
    w = np.asarray(weight)
    if w.ndim != 2 or w.dtype.kind != "f":
        raise ValueError(f"weight must be a float matrix (V, d), got dtype {w.dtype} and shape {w.shape}")
    one_hot(ids, w.shape[0])  # checks dtype and range
    return w[np.asarray(ids)]  # a lookup: row i of E


def embedding_size_rules(n: int) -> dict:
    """Rules of thumb for the embedding width of a feature with ``n`` categories, rounded to ints.

    See chapter: chapters/rnn.md
    """
    n = check_int("n", n, low=2)
    return {"n^(1/4) (Google, 2017)": round(n ** 0.25), "log2(n) (notes)": round(math.log2(n)),
            "8·n^(1/4) (notes, k = 8)": round(8 * n ** 0.25), "min(600, 1.6·n^0.56) (fastai)": min(600, round(1.6 * n ** 0.56))}


def wordpiece(word: str, vocab, unk: str = "[UNK]", max_chars: int = 100) -> list[str]:
    """Greedy longest-match-first WordPiece split of one word (BERT's algorithm): pieces after the first carry a
    ``##`` prefix; if some position has no matching piece, the whole word is ``unk``. See chapter: chapters/rnn.md
    """
    if not isinstance(word, str) or not word:
        raise ValueError(f"word must be a non-empty string, got {word!r}")
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:  # the longest piece in the vocabulary first
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:
            return [unk]  # nothing matches here: the word is unknown
        pieces.append(piece)
        start = end
    return pieces
