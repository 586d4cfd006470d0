r"""The text the chapter's tiny GPT learns from: scikit-learn's dataset descriptions, shipped with the package.

``sklearn/datasets/descr/*.rst`` (about 43 000 characters of English prose and tables describing iris,
digits, wine, …) are installed with the pinned scikit-learn, so the text is the same on every machine and
does not change as the book grows (the book's own chapters would). Files are read in sorted order and
joined with a newline. Characters are the tokens: the vocabulary is the sorted set of characters in the text.

See chapter: chapters/transformer.md
"""

from __future__ import annotations

import functools
from pathlib import Path


@functools.lru_cache(maxsize=1)
def corpus_text() -> str:
    """The concatenated ``.rst`` dataset descriptions of the installed scikit-learn (a ``str``).

    See chapter: chapters/transformer.md
    """
    import sklearn

    folder = Path(sklearn.__file__).parent / "datasets" / "descr"
    files = sorted(folder.glob("*.rst"))
    if not files:
        raise FileNotFoundError(f"no dataset descriptions found in {folder}")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


class CharVocab:
    """Characters ↔ integer ids (sorted by code point), for a character-level language model.

    See chapter: chapters/transformer.md
    """

    def __init__(self, text: str):
        if not isinstance(text, str) or not text:
            raise ValueError("text must be a non-empty str")
        self.chars = sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """Ids of the characters of ``text``; a character outside the vocabulary raises ValueError."""
        missing = sorted(set(text) - set(self.stoi))
        if missing:
            raise ValueError(f"text has characters outside the vocabulary: {missing[:5]}")
        return [self.stoi[c] for c in text]

    def decode(self, ids) -> str:
        """The string of a sequence of ids."""
        return "".join(self.chars[int(i)] for i in ids)
