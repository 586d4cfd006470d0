"""``mlnotes ask "question"``: search this book's sections from the command line.

Prints the top sections (chapter, title, score, the built page with its anchor, a snippet), or
JSON with ``--json``. A question may be asked in Chinese: ``--model auto`` (the default) searches
it (if it is mostly Chinese) with the multilingual USE encoder and an English one with MiniLM; ``--model minilm`` or
``--model use`` forces one encoder. Snippets show the values the built pages show (the last
``make book``), or "…" for a computed value if the book was never built. Bad input (an empty query, a query of only stop words, an unknown method,
k <= 0) prints one line on stderr and exits with status 2. The index is cached under
``.cache/mlnotes`` and rebuilt only when a chapter changes (:mod:`mlnotes.rag.store`).

See chapter: chapters/rag.md
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from mlnotes.rag.multilingual import MODEL_CHOICES

METHODS = ("bm25", "dense", "hybrid")


class UsageError(Exception):
    """Bad input from the user: reported on stderr with exit status 2.

    See chapter: chapters/rag.md
    """


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"k must be a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"k must be a positive integer, got {value}")
    return value


def add_parser(sub) -> None:
    """The ``ask`` subcommand of ``mlnotes`` (see :mod:`mlnotes.cli`).

    See chapter: chapters/rag.md
    """
    ask = sub.add_parser("ask", help="search the book's sections", description="Search the book's sections "
                         "(BM25, sentence embeddings, or both fused by RRF) and print where to read. Ask in "
                         "English or in Chinese.")
    ask.add_argument("query", help='the question, e.g. "why divide by sqrt of d_k" or "批归一化在推理时怎么算"')
    ask.add_argument("--method", choices=METHODS, default="hybrid", help="retrieval method (default: hybrid)")
    ask.add_argument("--model", choices=MODEL_CHOICES, default="auto",
                     help="sentence encoder: minilm (English), use (multilingual), or auto: use for a question "
                          "written mostly in Chinese, minilm otherwise (default: auto)")
    ask.add_argument("-k", type=_positive_int, default=5, help="how many sections to show (default: 5)")
    ask.add_argument("--json", action="store_true", help="print the results as JSON")
    ask.add_argument("--chapter", default=None, help="only search this chapter (file name without .md)")
    ask.add_argument("--root", default=None, help="the book's folder (default: found from the current folder)")


def check_query(query: str) -> list:
    """The query's searchable tokens; raises UsageError for an empty or stop-words-only query.

    See chapter: chapters/rag.md
    """
    from mlnotes.rag.tfidf import analyzer

    if not query.strip():
        raise UsageError("the query is empty; ask a question, e.g. mlnotes ask \"why divide by sqrt of d_k\"")
    tokens = analyzer(stop_words=True)(query)
    if not tokens:
        raise UsageError(f"the query {query!r} has no searchable words (only stop words, single letters or "
                         "punctuation); add a content word")
    return tokens


def format_hits(hits: list, method: str) -> str:
    """Human-readable lines for the hits (``method`` is the label printed with each score).

    See chapter: chapters/rag.md
    """
    if not hits:
        return "no section matches the query"
    lines = []
    for h in hits:
        lines.append(f"{h.rank}. [{h.chapter}] {h.title}   ({method} score {h.score:.4g})")
        lines.append(f"   {h.path}")
        lines.extend(textwrap.wrap(h.snippet, width=84, initial_indent="   ", subsequent_indent="   "))
    return "\n".join(lines)


def ask(args) -> int:
    """Run one ``ask``: validate, open (or build) the index, search, print. Returns the exit status.

    See chapter: chapters/rag.md
    """
    from mlnotes.rag.corpus import find_root
    from mlnotes.rag.store import open_index

    from mlnotes.rag.multilingual import dense_model

    check_query(args.query)
    root = args.root or find_root()
    model = dense_model(args.query, args.model)
    try:
        retriever, _ = open_index(root, models=() if args.method == "bm25" else (model,), progress=True)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        hits = retriever.search(args.query, args.method, args.k, chapter=args.chapter, model=model)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    label = args.method if args.method == "bm25" else f"{args.method}, {model}"
    if args.json:
        print(json.dumps([{"rank": h.rank, "chapter": h.chapter, "title": h.title, "score": h.score,
                           "path": h.path, "snippet": h.snippet, "method": args.method,
                           "model": None if args.method == "bm25" else model} for h in hits],
                         ensure_ascii=False, indent=2))
    else:
        print(format_hits(hits, label))
    return 0


def run(args) -> int:
    """``mlnotes ask``: bad input is one line on stderr and exit status 2.

    See chapter: chapters/rag.md
    """
    try:
        return ask(args)
    except UsageError as exc:
        print(f"mlnotes ask: error: {exc}", file=sys.stderr)
        return 2


def main(argv=None) -> int:
    """The ``mlnotes`` command (kept here so ``python -m mlnotes.rag.cli`` still works)."""
    from mlnotes.cli import main as mlnotes_main

    return mlnotes_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
