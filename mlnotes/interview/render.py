r"""A MyST fragment of a chapter (an interview answer, a cheat sheet) as the HTML a reader sees.

The chapters' answers and cheat sheets are MyST: CommonMark with ``$…$``/``$$…$$`` math, tables,
and two inline roles. They are parsed with markdown-it (the parser MyST itself is built on) and
written as HTML that both worlds display, the site and Jupyter:

* math becomes ``\(…\)`` / ``\[…\]`` inside an element of class ``mathjax_process``, so MathJax
  typesets it on the site (the page's own MathJax) and in Lab;
* ``{ref}`words <label>``` becomes a link to the labelled section of its chapter page
  (``optimizers.html#sec-optim-bias``); a bare ``{ref}`label``` shows the section's title, as Sphinx does;
* ``{eval}`name``` is a value the chapter computes when it runs. The fragment cannot compute it, so it
  becomes a placeholder ``<span class="mlx-eval" data-eval="chapter/name/k">…</span>`` naming the
  $k$-th ``{eval}`` of ``name`` in the chapter; on the site :mod:`mlnotes.interview.site` replaces it
  with the value the chapter's page shows.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

PLACEHOLDER = "…"
EVAL_CLASS = "mlx-eval"


@dataclass(frozen=True)
class Target:
    """Where a label points: the chapter page and anchor, and the title a bare ``{ref}`` shows."""

    chapter: str
    anchor: str
    title: str
    chapter_title: str

    @property
    def href(self) -> str:
        """``<chapter>.html#<anchor>``, relative to another chapter page."""
        return f"{self.chapter}.html#{self.anchor}"


@dataclass
class Context:
    """What a fragment's roles need: the book's labels, its chapter, and how many ``{eval}`` of each
    name come before the fragment in that chapter (so a placeholder names the right occurrence)."""

    targets: dict  # label -> Target
    chapter: str = ""
    eval_offsets: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)  # name -> occurrences met in this fragment
    missing: list = field(default_factory=list)  # labels no chapter defines

    def eval_key(self, name: str) -> str:
        k = self.eval_offsets.get(name, 0) + self.seen.get(name, 0)
        self.seen[name] = self.seen.get(name, 0) + 1
        return f"{self.chapter}/{name}/{k}"


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(dollarmath_plugin, allow_space=True, double_inline=True).use(myst_role_plugin)
    md.add_render_rule("math_inline", lambda self, tokens, idx, options, env:
                       f"\\({html.escape(tokens[idx].content)}\\)")
    md.add_render_rule("math_inline_double", lambda self, tokens, idx, options, env:
                       f"\\[{html.escape(tokens[idx].content)}\\]")
    md.add_render_rule("math_block", lambda self, tokens, idx, options, env:
                       f"<div class=\"math-display\">\\[{html.escape(tokens[idx].content)}\\]</div>\n")
    md.add_render_rule("myst_role", _render_role)
    return md


_EXPLICIT = re.compile(r"^\s*(.*?)\s*<([^>]+)>\s*$", re.S)


def _render_role(self, tokens, idx, options, env) -> str:
    ctx: Context = env["context"]
    name, body = tokens[idx].meta.get("name", ""), tokens[idx].content
    base = name.split(":")[0]
    if base in ("eval", "glue"):
        key = ctx.eval_key(body.strip())
        return (f'<span class="{EVAL_CLASS}" data-eval="{html.escape(key)}" '
                f'title="computed when chapters/{html.escape(ctx.chapter)}.md runs">{PLACEHOLDER}</span>')
    if base == "ref":
        explicit = _EXPLICIT.match(body)
        words, label = (explicit.group(1), explicit.group(2).strip()) if explicit else ("", body.strip())
        target = ctx.targets.get(label)
        if target is None:
            ctx.missing.append(label)
            return self_parse_inline(words, env) if words else html.escape(label)
        shown = self_parse_inline(words or target.title, env)  # a title may hold math
        return f'<a href="{html.escape(target.href)}">{shown}</a>'
    if base in ("math",):
        return f"\\({html.escape(body)}\\)"
    explicit = _EXPLICIT.match(body)
    return html.escape(explicit.group(1) if explicit and explicit.group(1) else body)


def self_parse_inline(text: str, env) -> str:
    """A role's own words (a link's title may hold math or code) as inline HTML."""
    return _parser().renderInline(text, env)


def to_html(source: str, context: Context, *, inline: bool = False) -> str:
    """HTML of a MyST fragment (block-level, or one line with ``inline=True``); see the module docstring.

    ``context`` resolves ``{ref}`` labels (unknown ones are recorded in ``context.missing``) and numbers
    ``{eval}`` placeholders. Raises ``TypeError`` if ``source`` is not a string.
    See chapter: chapters/questions.md
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be a str, got {type(source).__name__}")
    env = {"context": context}
    md = _parser()
    return (md.renderInline(source, env) if inline else md.render(source, env)).strip()


def to_text(source: str, targets: dict | None = None) -> str:
    """Plain text of a MyST fragment for a terminal: roles read as the page shows them (a computed value as
    "…"), math kept as written, paragraphs kept.

    See chapter: chapters/questions.md
    """
    from mlnotes.rag.myst import plain_inline

    titles = {label: t.title for label, t in (targets or {}).items()}
    text = plain_inline(source, titles)
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
