r"""The ``mlnotes ask`` index on disk: built from the chapter sources, rebuilt only when one changes.

The index file is ``<cache>/index/<key>.pkl``, where the key is the sha256 of (index version,
chunk config, the two encoders' names, sha256 of every chapter source in order, and of the
``{eval}`` values read from the last build): editing, adding or removing a chapter, or building
the book again, changes the key, and the new index re-encodes only chunks whose text has no
cached vector. The chunks' vectors of each encoder are computed when a query first needs that
encoder (MiniLM for English, USE for a query with Chinese) and saved into the same file.
The glossary's Chinese → English dictionary (:mod:`mlnotes.rag.translate`) is built with the
index; it comes from the same chapter sources. Files are written atomically
(:mod:`mlnotes.rag.cache`).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from pathlib import Path

from mlnotes.rag.cache import atomic_write_bytes, cache_root
from mlnotes.rag.corpus import load_book
from mlnotes.rag.multilingual import DENSE_MODELS
from mlnotes.rag.retriever import ChunkConfig, Retriever
from mlnotes.rag.values import built_notebooks

INDEX_VERSION = 3
DEFAULT_CONFIG = ChunkConfig("structure", 100, 1)
_PROCESS_STATE = ("embedder", "multilingual", "tokenize")  # re-attached on load, never pickled


def index_key(book, config: ChunkConfig, model_names) -> str:
    """The cache key of an index: sha256 over version, config, encoder names and every source and value hash.

    See chapter: chapters/rag.md
    """
    names = "+".join([model_names] if isinstance(model_names, str) else list(model_names))
    h = hashlib.sha256(f"v{INDEX_VERSION}|{config}|{names}|{book.digest}".encode())
    return h.hexdigest()[:32]


def _save(path: Path, retriever: Retriever) -> None:
    state = {k: v for k, v in retriever.__dict__.items() if not k.startswith("_")}  # no per-process memos
    for name in _PROCESS_STATE:
        state[name] = None
    atomic_write_bytes(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _load(path: Path, embedder, multilingual):
    from mlnotes.rag.retriever import _tokenizer

    try:
        state = pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None
    retriever = Retriever.__new__(Retriever)
    retriever.__dict__.update(state)
    retriever.embedder, retriever.multilingual = embedder, multilingual
    retriever.tokenize = _tokenizer()
    return retriever


def open_index(root, *, models=("minilm",), embedder=None, multilingual=None, config: ChunkConfig = DEFAULT_CONFIG,
               progress: bool = True, executed="built") -> tuple:
    """Load the cached index of the book under ``root`` or build it: -> (Retriever, built: bool).

    ``models`` names the encoders whose chunk vectors are needed (``()`` for BM25 only); the
    vectors of any other encoder are left for later. ``executed`` is a folder of executed
    notebooks whose ``{eval}`` values the index shows (``"built"``: the last ``make book``'s, if
    any; ``None``: none, every value reads "…"). A tqdm bar on stderr shows the build.
    See chapter: chapters/rag.md
    """
    from mlnotes.rag.dense import default_embedder
    from mlnotes.rag.translate import glossary_dictionary

    unknown = [m for m in models if m not in DENSE_MODELS]
    if unknown:
        raise ValueError(f"models must be among {', '.join(DENSE_MODELS)}, got {unknown[0]!r}")
    embedder = embedder or default_embedder("minilm")
    multilingual = multilingual or default_embedder("use")
    book = load_book(root, executed=built_notebooks(root) if executed == "built" else executed)
    if not book.sections:
        raise ValueError(f"no chapter sections found under {str(Path(root) / 'chapters')!r}")
    path = cache_root() / "index" / f"{index_key(book, config, (embedder.model_name, multilingual.model_name))}.pkl"
    retriever = _load(path, embedder, multilingual) if path.exists() else None
    built = retriever is None
    if built:
        if progress:
            values = f", {book.n_values} of {book.n_roles} computed values from the last build" if book.n_values else ""
            print(f"building the search index of {len(book.sources)} chapters "
                  f"({len(book.sections)} sections{values}) …", file=sys.stderr)
        retriever = Retriever(book.sections, config, embedder=embedder, multilingual=multilingual,
                              dictionary=glossary_dictionary(root))
    for model in models:
        if (retriever.vectors if model == "minilm" else retriever.multilingual_vectors) is None:
            retriever.embed(progress=progress, model=model)
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
