"""Audit of the book's prose claims: how each chapter's numbers are checked.

For every chapter (the order of `_toc.yml`) it counts what ties the prose to executed code:
``{eval}`` roles (a value computed by a cell), ``assert`` statements and ``assert_allclose``/
``expect_error`` calls in code cells; and it lists every numeral left in the prose outside math,
code, roles and labels, with its sentence, for a person to judge (a parameter the cell sets, a
citation, a count of the figure's panels… or a typed claim that should be computed).

    .venv/bin/python scripts/claims.py                # the table
    .venv/bin/python scripts/claims.py --bare optimizers   # the numerals left in one chapter's prose

Markdown is parsed with markdown-it (MyST's parser) rather than regular expressions, so math,
inline code and roles are recognised as MyST recognises them.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

ROOT = Path(__file__).resolve().parents[1]
NUMERAL = re.compile(r"(?<![\w.])[-−]?\d+(?:[.,]\d+)*(?:e[-−]?\d+)?\s*(?:%|×|x\b)?")
YEAR = re.compile(r"(19|20)\d\d")  # citation years are not claims
ASSERTS = re.compile(r"^\s*assert\b|assert_allclose\(|assert_array_equal\(|expect_error\(", re.M)


def chapters() -> list[Path]:
    """The chapter sources in the order of the table of contents."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [ROOT / f"{f}.md" for f in files if f.startswith("chapters/")]


def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    for plugin in (dollarmath_plugin, myst_role_plugin, myst_block_plugin, colon_fence_plugin):
        md.use(plugin)
    return md


def prose_text(md: MarkdownIt, source: str) -> tuple[list[str], int]:
    """The plain-text runs of the prose (math, code and roles removed) and the number of {eval}s."""
    runs, evals = [], 0

    def walk(tokens):
        nonlocal evals
        for tok in tokens:
            if tok.type == "myst_role" and tok.meta.get("name") == "eval":
                evals += 1
            elif tok.type == "text":
                runs.append(tok.content)
            elif tok.type == "softbreak":
                runs.append(" ")
            elif tok.type.endswith("_close") and tok.block:
                runs.append("\n\n")  # a paragraph, heading or item ends a sentence
            if tok.children:
                walk(tok.children)
            if tok.type == "colon_fence":  # dropdowns hold prose: parse their body too
                walk(md.parse(tok.content))

    walk(md.parse(source))
    return runs, evals


def audit(path: Path) -> dict:
    nb = jupytext.read(path)
    md = parser()
    evals, bare, asserts = 0, [], 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            runs, n = prose_text(md, cell.source)
            evals += n
            text = "".join(runs)
            for sentence in re.split(r"(?<=[.!?])\s+|\n\n+", text):
                if any(not YEAR.fullmatch(m.group().strip()) for m in NUMERAL.finditer(sentence)):
                    bare.append(sentence.strip())
        elif cell.cell_type == "code":
            asserts += len(ASSERTS.findall(cell.source))
    return {"chapter": path.stem, "eval": evals, "asserts": asserts, "bare": bare}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bare", metavar="CHAPTER", help="print the prose numerals left in CHAPTER")
    args = ap.parse_args(argv)
    rows = [audit(p) for p in chapters() if p.exists()]
    if args.bare:
        row = next((r for r in rows if r["chapter"] == args.bare), None)
        if row is None:
            ap.error(f"no chapter {args.bare!r}")
        print("\n".join(f"- {s}" for s in row["bare"]))
        return 0
    print("| chapter | `{eval}` values in prose | asserts in cells | sentences with a typed numeral |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['chapter']} | {r['eval']} | {r['asserts']} | {len(r['bare'])} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
