r"""The ``mlnotes ask`` index on disk: built from the chapter sources, rebuilt only when one changes.

The index file is ``<cache>/index/<key>.pkl``, where the key is the sha256 of (index version,
chunk config, model name, sha256 of every chapter source in order):
editing, adding or removing a chapter changes the key, and the new index re-encodes only chunks
whose text has no cached vector. Files are written atomically (:mod:`mlnotes.rag.cache`).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

from mlnotes.rag.cache import atomic_write_bytes, cache_root
from mlnotes.rag.corpus import load_book
from mlnotes.rag.retriever import ChunkConfig, Retriever

INDEX_VERSION = 1
DEFAULT_CONFIG = ChunkConfig("structure", 100, 1)


def index_key(book, config: ChunkConfig, model_name: str) -> str:
    """The cache key of an index: sha256 over version, config, model and every source hash.

    See chapter: chapters/rag.md
    """
    h = hashlib.sha256(f"v{INDEX_VERSION}|{config}|{model_name}|{book.digest}".encode())
    return h.hexdigest()[:32]


def _save(path: Path, retriever: Retriever) -> None:
    state = {k: v for k, v in retriever.__dict__.items() if not k.startswith("_")}  # no per-process memos
    state["embedder"] = None  # the embedder (and its model) is re-attached on load
    state["tokenize"] = None  # scikit-learn's analyzer is rebuilt on load
    atomic_write_bytes(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _load(path: Path, embedder):
    from mlnotes.rag.retriever import _tokenizer

    try:
        state = pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    retriever = Retriever.__new__(Retriever)
    retriever.__dict__.update(state)
    retriever.embedder = embedder
    retriever.tokenize = _tokenizer()
    return retriever


def open_index(root, *, need_vectors: bool = True, embedder=None, config: ChunkConfig = DEFAULT_CONFIG,
               progress: bool = True) -> tuple:
    """Load the cached index of the book under ``root`` or build it: -> (Retriever, built: bool).

    ``need_vectors=False`` (BM25 only) skips the embeddings if they are not built yet; a tqdm
    bar on stderr shows the build. See chapter: chapters/rag.md
    """
    from mlnotes.rag.dense import default_embedder

    embedder = embedder or default_embedder()
    book = load_book(root)
    if not book.sections:
        raise ValueError(f"no chapter sections found under {str(Path(root) / 'chapters')!r}")
    path = cache_root() / "index" / f"{index_key(book, config, embedder.model_name)}.pkl"
    retriever = _load(path, embedder) if path.exists() else None
    built = retriever is None
    if built:
        if progress:
            print(f"building the search index of {len(book.sources)} chapters "
                  f"({len(book.sections)} sections) …", file=sys.stderr)
        retriever = Retriever(book.sections, config, embedder=embedder)
    if need_vectors and retriever.vectors is None:
        retriever.embed(progress=progress)
        built = True
    if built:
        _save(path, retriever)
        _prune(path.parent, keep=path)
    return retriever, built


def _prune(folder: Path, keep: Path, n_keep: int = 4) -> None:
    """Delete all but the ``n_keep`` newest index files (old versions of the book)."""
    files = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [f for f in files if f != keep][n_keep - 1:]:
        try:
            old.unlink()
        except FileNotFoundError:
            pass
