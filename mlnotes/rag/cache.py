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
    """Vectors keyed by (model name, sha256 of the text), one ``.npy`` file each, plus an optional pack.

    The **pack** (``pack.npz`` in the model's folder: the sha256 digests and their vectors in one
    file) holds every vector one run needed, so the next run reads one file instead of thousands
    (``python -m mlnotes.rag.prime`` writes it for the chapter). It is keyed by the same hashes,
    so it is never stale, only incomplete: a text it lacks is read from its own file.
    See chapter: chapters/rag.md
    """

    def __init__(self, model_name: str, root=None):
        if not isinstance(model_name, str) or not model_name:
            raise ValueError(f"model_name must be a non-empty str, got {model_name!r}")
        self.model_name = model_name
        self.root = Path(root) if root is not None else cache_root()
        self.folder = self.root / "emb" / re.sub(r"[^\w.-]+", "_", model_name)
        self._pack = None  # (digest -> row, (n, dim) vectors), read on first use

    def path(self, text: str) -> Path:
        """Where the vector of ``text`` lives."""
        h = text_hash(text)
        return self.folder / h[:2] / f"{h}.npy"

    @property
    def pack_path(self) -> Path:
        """Where the pack of this model's vectors lives."""
        return self.folder / "pack.npz"

    def _packed(self) -> tuple:
        if self._pack is None:
            self._pack = ({}, None)
            try:
                with np.load(self.pack_path, allow_pickle=False) as data:
                    digests, vectors = data["digests"], data["vectors"]
                self._pack = ({d.tobytes().hex(): i for i, d in enumerate(digests)}, vectors)
            except (OSError, ValueError, EOFError, KeyError):
                pass  # no pack (or a broken one): every vector comes from its own file
        return self._pack

    def get(self, text: str):
        """The cached vector of ``text``, or None (missing or unreadable)."""
        rows, vectors = self._packed()
        row = rows.get(text_hash(text))
        if row is not None:
            return vectors[row]
        try:
            return np.load(self.path(text), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None

    def write_pack(self, texts) -> int:
        """Write the pack of ``texts`` that have a cached vector (atomically); returns how many were packed.

        See chapter: chapters/rag.md
        """
        digests, vectors = [], []
        for text in dict.fromkeys(texts):
            v = self.get(text)
            if v is not None:
                digests.append(bytes.fromhex(text_hash(text)))
                vectors.append(np.asarray(v))
        if not vectors:
            return 0
        buf = io.BytesIO()
        raw = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(len(digests), 32)  # (n, 32) sha256 bytes
        np.savez(buf, digests=raw, vectors=np.stack(vectors))
        atomic_write_bytes(self.pack_path, buf.getvalue())
        self._pack = None
        return len(vectors)

    def put(self, text: str, vector) -> None:
        """Store one vector atomically."""
        atomic_write_bytes(self.path(text), _npy_bytes(np.asarray(vector)))

    def __contains__(self, text: str) -> bool:
        return self.path(text).exists()
