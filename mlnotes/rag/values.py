r"""The values a built page shows for its ``{eval}`` roles, read from the book's executed notebooks.

A chapter's prose says "The largest difference is {eval}`worst_err`."; the source holds only the
name, and the page shows the value the chapter computed when it ran. The book's build records,
in each executed notebook (``_build/jupyter_execute/chapters/<chapter>.ipynb``), every value it
showed: ``metadata.mlnotes.eval`` is the list of ``[name, text/plain]`` pairs in document order
(``_ext/mlnotes_site.py``). The page shows the text/plain output without its outer quotes (myst-nb
strips them for ``{eval}``), so a string bound to ``"3e-16"`` reads 3e-16.

A name shown with one value everywhere maps to that value. A name shown with different values
(a variable rebound between two roles) maps occurrence by occurrence, the $k$-th role of the
source to the $k$-th recorded value, but only if the source has as many roles with that name as
the build recorded; otherwise (the chapter changed since it was built) the name has no value
and its roles read "…", as they do when there is no build at all.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

EVAL_ROLE = re.compile(r"\{(?:eval|glue)(?::[\w-]+)?\}`([^`]*)`")
_QUOTED = re.compile(r"^([\"']).*\1$")  # myst-nb's rule for stripping a string's quotes


def shown_text(plain: str) -> str:
    """What the page shows for an ``{eval}`` whose text/plain output is ``plain``: outer quotes stripped.

    See chapter: chapters/rag.md
    """
    return plain[1:-1] if _QUOTED.match(plain) else plain


def built_notebooks(root):
    """The folder of the executed notebooks of the last ``make book``, or None if the book was never built.

    See chapter: chapters/rag.md
    """
    folder = Path(root) / "_build" / "jupyter_execute" / "chapters"
    return folder if folder.is_dir() else None


def recorded_values(path) -> list:
    """The ``[name, text/plain]`` pairs an executed notebook recorded, in document order (empty if none).

    A missing or unreadable notebook gives ``[]``. See chapter: chapters/rag.md
    """
    try:
        with open(path, encoding="utf-8") as fh:
            meta = json.load(fh).get("metadata", {})
    except (OSError, ValueError):
        return []
    pairs = meta.get("mlnotes", {}).get("eval", [])
    return [(str(p[0]), str(p[1])) for p in pairs if isinstance(p, (list, tuple)) and len(p) == 2]


def bind_values(source: str, recorded) -> tuple:
    """Attach recorded values to the ``{eval}`` roles of a chapter source: -> (source, values).

    ``values`` maps a role's body to the text the page shows. A name recorded with several
    different values is renamed per occurrence in the returned source (``name`` → ``name#k``) and
    mapped occurrence by occurrence, if the counts agree (see the module docstring).
    See chapter: chapters/rag.md
    """
    by_name: dict = {}
    for name, plain in recorded:
        by_name.setdefault(name.strip(), []).append(shown_text(plain))
    values = {name: shown[0] for name, shown in by_name.items() if len(set(shown)) == 1}
    ambiguous = {name: shown for name, shown in by_name.items() if len(set(shown)) > 1}
    if not ambiguous:
        return source, values
    in_source = {name: len(re.findall(r"\{(?:eval|glue)(?::[\w-]+)?\}`\s*" + re.escape(name) + r"\s*`", source))
                 for name in ambiguous}
    seen: dict = {}

    def number(match) -> str:
        name = match.group(1).strip()
        if name not in ambiguous or in_source[name] != len(ambiguous[name]):
            return match.group()
        k = seen[name] = seen.get(name, -1) + 1
        values[f"{name}#{k}"] = ambiguous[name][k]
        return match.group().replace(match.group(1), f"{name}#{k}")

    return EVAL_ROLE.sub(number, source), values


def values_digest(values: dict) -> str:
    """sha256 of a chapter's bound values (empty string if none): part of the index's cache key.

    See chapter: chapters/rag.md
    """
    if not values:
        return ""
    return hashlib.sha256(json.dumps(sorted(values.items()), ensure_ascii=False).encode()).hexdigest()
