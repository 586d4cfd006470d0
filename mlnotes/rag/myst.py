r"""MyST inline markup to the plain text a reader of the built page sees, for the book's search index.

A chapter's prose holds inline **roles** (``{ref}`label```, ``{eval}`name```, ``{math}`x```),
inline code, links and emphasis. The index wants what the page shows:

* ``{ref}`words <label>``` shows its words; a bare ``{ref}`label``` shows the title of the
  labelled heading (Sphinx's rule), which the book's labels table supplies;
* ``{eval}`name``` (and the older ``{glue}``) shows a value computed when the chapter runs. The
  source holds only the name: given the values the built page shows (``values``, name -> text,
  read from the executed notebooks by :mod:`mlnotes.rag.values`) the role reads as its value,
  exactly as written; without a build it reads "…", never as the variable's name (``worst_err``
  is not a word of the prose);
* code, links and emphasis keep their words; math ``$…$`` is kept as written.

See chapter: chapters/rag.md
"""

from __future__ import annotations

import re

REF = re.compile(r"\{ref\}`([^`]*)`")
ROLE = re.compile(r"\{([\w:.-]+)\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+?\$", re.S)
VALUE_ROLES = ("eval", "glue")  # a value computed when the chapter runs: not in the source
SILENT_ROLES = ("numref", "eq", "cite", "footcite")  # rendered as a number or a citation mark
COMPUTED = "…"  # what a computed value reads as in the index


def heading_id(title: str) -> str:
    """The id Sphinx gives a heading without a label (docutils ``make_id`` of its plain text).

    See chapter: chapters/rag.md
    """
    from docutils.nodes import make_id

    return make_id(plain_inline(title))


def _role(match, titles: dict, values: dict, kept: list) -> str:
    """The readable text of one inline role, as the built page shows it where that is knowable."""
    name, body = match.group(1), match.group(2)
    base = name.split(":")[0]
    if base in VALUE_ROLES:
        if body.strip() not in values:
            return COMPUTED
        kept.append(values[body.strip()])  # set aside: a value is shown as it is, never read as markup
        return f"\ue000{len(kept) - 1}\ue001"
    if base in SILENT_ROLES:
        return ""
    explicit = re.fullmatch(r"\s*(.*?)\s*<([^>]*)>\s*", body, re.S)
    if explicit and explicit.group(1):
        return explicit.group(1)  # {ref}`words <label>`, {doc}`words <path>`, {term}`words <term>`
    target = (explicit.group(2) if explicit else body).strip()
    if base == "ref":
        return titles.get(target, "")  # Sphinx shows the target's heading
    if base == "doc":
        stem = target.rstrip("/").rsplit("/", 1)[-1].removesuffix(".md")
        return titles.get(f"doc:{stem}", stem)
    return body  # formatting roles ({math}, {sub}, {abbr}, {kbd}, …) keep their content


def _plain_prose(text: str) -> str:
    """Emphasis and stray markup to plain text, in prose outside math."""
    text = re.sub(r"(\*\*|__)(\S(?:.*?\S)?)\1", r"\2", text, flags=re.S)
    text = re.sub(r"(?<![\w*\\])\*(\S(?:(?:[^*\n]|\n(?!\s*\n))*?\S)?)\*(?![\w*])", r"\1", text)  # within a paragraph
    text = re.sub(r"(?<![\w\\])_(\S(?:[^_\n]*?\S)?)_(?!\w)", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)  # a link that rendered as nothing
    return re.sub(r"[ \t]+([,.;:)])", r"\1", text)


def plain_inline(text: str, titles: dict | None = None, values: dict | None = None) -> str:
    """MyST inline markup to the plain text a reader sees: roles, code, links and emphasis keep their words.

    ``{ref}`label``` becomes the title of the labelled heading if ``titles`` (label -> title)
    knows it, as on the built page, else nothing; an ``{eval}``/``{glue}`` role becomes its value
    in ``values`` (name -> the text the built page shows), else "…"; math ``$…$`` and values are
    kept as written. See chapter: chapters/rag.md
    """
    titles, values, kept = titles or {}, values or {}, []  # kept: values and math, set aside
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = ROLE.sub(lambda m: _role(m, titles, values, kept), text)
    text = re.sub(r"(`+)(.+?)\1", r"\2", text, flags=re.S)  # inline code keeps its content
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)

    def aside(match) -> str:  # math is kept as written: set aside while emphasis is removed around it
        kept.append(match.group())
        return f"\ue000{len(kept) - 1}\ue001"

    text = _plain_prose(MATH.sub(aside, text))
    return re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], text)


def ref_targets(text: str) -> list:
    """Labels linked by ``{ref}`label``` or ``{ref}`words <label>``` in a piece of MyST.

    See chapter: chapters/rag.md
    """
    out = []
    for inner in REF.findall(text):
        m = re.search(r"<([^>]+)>\s*$", inner)
        out.append((m.group(1) if m else inner).strip())
    return out
