r"""An on-disk cache for embeddings and built indexes, safe under concurrent writers.

An embedding is stored under ``<root>/emb/<model>/<h[:2]>/<h>.npy`` with
$h = \mathrm{sha256}(\text{text})$, so the key is (model name, text hash) and a changed text or
model never reads a stale vector. Every file is written to a temporary file in the same folder
and moved into place with ``os.replace``, which is atomic on POSIX: a reader sees either no
file or a whole one, and two processes writing the same key both leave a whole file. A file
that fails to load (e.g. truncated by a crash of an older writer) counts as a miss.

``<root>`` is ``$MLNOTES_CACHE`` if set, else ``<repo>/.cache/mlnotes`` next to the package
(git-ignored).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import numpy as np


def cache_root() -> Path:
    """The cache folder: ``$MLNOTES_CACHE``, else ``<repo>/.cache/mlnotes`` (repo = folder above the package).

    See chapter: chapters/rag.md
    """
    env = os.environ.get("MLNOTES_CACHE")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").exists():
        return repo / ".cache" / "mlnotes"
    return Path.home() / ".cache" / "mlnotes"


def text_hash(text: str) -> str:
    """sha256 of a text's UTF-8 bytes, as hex.

    See chapter: chapters/rag.md
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    See chapter: chapters/rag.md
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)  # no fsync: this is a cache, and an unreadable file is a miss
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; the cache is readable like any other file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


class EmbeddingCache:
    """Vectors keyed by (model name, sha256 of the text), one ``.npy`` file each.

    See chapter: chapters/rag.md
    """

    def __init__(self, model_name: str, root=None):
        if not isinstance(model_name, str) or not model_name:
            raise ValueError(f"model_name must be a non-empty str, got {model_name!r}")
        self.model_name = model_name
        self.root = Path(root) if root is not None else cache_root()
        self.folder = self.root / "emb" / re.sub(r"[^\w.-]+", "_", model_name)

    def path(self, text: str) -> Path:
        """Where the vector of ``text`` lives."""
        h = text_hash(text)
        return self.folder / h[:2] / f"{h}.npy"

    def get(self, text: str):
        """The cached vector of ``text``, or None (missing or unreadable)."""
        try:
            return np.load(self.path(text), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None

    def put(self, text: str, vector) -> None:
        """Store one vector atomically."""
        atomic_write_bytes(self.path(text), _npy_bytes(np.asarray(vector)))

    def __contains__(self, text: str) -> bool:
        return self.path(text).exists()
