"""The flashcard deck: every interview question as a card, and the page's app that deals them.

A card is a question of the bank (:mod:`mlnotes.interview.bank`): its id (stable while the answer is
edited), chapter, question and answer as HTML, and its links. The deck is written into the page as
JSON when ``chapters/flashcards.md`` runs, next to a small script (``flashcards.js`` beside this
module) that deals the cards: question first, "show answer", then the reader grades it again / hard /
good / easy, and FSRS (the ts-fsrs package, fetched at set-up into ``vendor/``) schedules its next
review; progress stays in the browser's localStorage and can be exported and imported as a file.
Jupyter runs no page scripts, so there the output says where the cards live.

See chapter: chapters/flashcards.md
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlnotes.appendix.errata import short_title
from mlnotes.interview.bank import question_bank

APP = Path(__file__).with_name("flashcards.js")

STYLE = """
.mlx-flashcards{max-width:46em;margin:1em 0}
.mlx-fc-bar{display:flex;flex-wrap:wrap;gap:.6em 1em;align-items:center;margin-bottom:.6em}
.mlx-fc-stats{color:#57606a;font-size:.92em}
.mlx-fc-card{border:1px solid #d0d7de;border-radius:.5em;padding:.6em 1.1em;min-height:9em;background:#fff}
.mlx-fc-where{font-size:.85em;color:#57606a;margin:.2em 0 .4em}
.mlx-fc-question{font-size:1.15em;font-weight:600;margin:.3em 0 .8em}
.mlx-fc-answer{border-top:1px dashed #d0d7de;padding-top:.5em}
.mlx-fc-links{font-size:.88em}
.mlx-fc-buttons{display:flex;flex-wrap:wrap;gap:.5em;margin:.7em 0}
.mlx-flashcards button{font:inherit;padding:.35em .9em;border:1px solid #8c959f;border-radius:.35em;background:#f6f8fa;
  cursor:pointer}
.mlx-flashcards button:focus-visible,.mlx-fc-import-label:focus-within{outline:2px solid #0969da;outline-offset:1px}
.mlx-fc-again{border-color:#cf222e!important}.mlx-fc-good{border-color:#1a7f37!important}
.mlx-fc-tools{display:flex;flex-wrap:wrap;gap:.6em 1em;align-items:center;font-size:.9em}
.mlx-fc-import-label{padding:.3em .8em;border:1px solid #8c959f;border-radius:.35em;background:#f6f8fa;cursor:pointer}
#mlx-fc-import{position:absolute;width:1px;height:1px;opacity:0}
"""


@dataclass
class Deck:
    """The cards (dicts, JSON-ready) and the chapters they come from."""

    cards: list
    chapters: list  # {"id", "title", "count"}

    def to_json(self) -> str:
        """The deck as JSON, safe inside a ``<script>`` element."""
        text = json.dumps({"cards": self.cards, "chapters": self.chapters}, ensure_ascii=False,
                          separators=(",", ":"))
        text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)  # "\/" is "/" in JSON
        return text.replace("<!--", "\\u003c!--")

    def __repr__(self) -> str:
        per = ", ".join(f"{c['id']} {c['count']}" for c in self.chapters)
        return f"{len(self.cards)} cards from {len(self.chapters)} chapters ({per})"

    def _repr_html_(self) -> str:
        return (f'<div id="mlx-flashcards" class="mlx-flashcards"><style>{STYLE}</style>'
                '<p class="mlx-fc-fallback">The flashcards run on the book\'s site (<code>make book</code>, then '
                "open <code>_build/html/chapters/flashcards.html</code>): a notebook does not run page scripts. "
                f"The deck holds {len(self.cards)} cards.</p>"
                f'<script type="application/json" id="mlx-flashcards-deck">{self.to_json()}</script>'
                f"<script>{APP.read_text(encoding='utf-8')}</script></div>")


def flashcard_deck(root=None) -> Deck:
    """Every interview question of the book as a card (see the module docstring).

    See chapter: chapters/flashcards.md
    """
    bank = question_bank(root)
    cards, chapters = [], []
    for ch, entries in bank.groups:
        title = short_title(ch.title)
        chapters.append({"id": ch.stem, "title": title, "count": len(entries)})
        for e in entries:
            q = e.question
            cards.append({"id": q.id, "chapter": q.chapter, "chapterTitle": title, "n": q.number,
                          "q": e.title_html, "a": e.answer_html, "asked": q.href,
                          "links": [[h, html.escape(t)] for h, t in e.demonstrated]})
    ids = [c["id"] for c in cards]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"two questions share a card id (the same question twice in a chapter?): {dup}")
    return Deck(cards, chapters)
