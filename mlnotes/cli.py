"""The ``mlnotes`` command.

* ``mlnotes ask "question"`` searches the book (the RAG chapter's retriever, :mod:`mlnotes.rag.cli`);
* ``mlnotes drill`` lists, shows and checks the hand-write-it drills (:mod:`mlnotes.drills.cli`);
* ``mlnotes notebooks`` creates or resets the reader's own copies of the chapters
  (:mod:`mlnotes.notebooks`; ``make lab`` runs it).

Bad input prints one line on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    """The ``mlnotes`` argument parser with its subcommands."""
    from mlnotes import notebooks
    from mlnotes.drills import cli as drill_cli
    from mlnotes.rag import cli as rag_cli

    parser = argparse.ArgumentParser(prog="mlnotes", description="Tools for the mlnotes book.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    rag_cli.add_parser(sub)
    drill_cli.add_parser(sub)
    notebooks.add_parser(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``mlnotes`` command; returns the exit status (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage message
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    if args.command == "ask":
        from mlnotes.rag import cli as rag_cli

        return rag_cli.run(args)
    if args.command == "drill":
        from mlnotes.drills import cli as drill_cli

        return drill_cli.run(args)
    from mlnotes import notebooks

    try:
        return notebooks.run(args)
    except ValueError as exc:
        print(f"mlnotes notebooks: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
