"""``mlnotes drill``: the book's hand-write-it (手撕) drills from the shell, checked offline.

* ``mlnotes drill list`` — every drill: chapter, name, signature (read from the chapters,
  :mod:`mlnotes.interview.drills`);
* ``mlnotes drill show NAME`` — the task and a stub to copy into a file; ``--solution`` prints the
  worked solution instead;
* ``mlnotes drill check NAME FILE`` — runs the notebook's own checker (``mlnotes/drills/<topic>.py``)
  on the function in ``FILE`` and prints the same verdict; ``--solution`` checks the worked solution.

The reader's file runs in a child process (:mod:`mlnotes.drills.runner`) under a time limit, so a
syntax error, a failing import, ``sys.exit`` or an endless loop gets a plain verdict, never a
traceback from this command. Exit status: 0 only when every case passed; 1 for any failed verdict;
2 for bad input (an unknown drill, a missing file, a bad option).

See chapter: chapters/questions.md (and each chapter's "Hand-write it" section)
"""

from __future__ import annotations

import argparse
import inspect
import sys
import textwrap
from pathlib import Path

DEFAULT_TIMEOUT = 60.0  # seconds; the slowest checker (import included) takes ~8 s on a loaded 2-core machine


def add_parser(sub) -> None:
    """The ``drill`` subcommand of ``mlnotes`` (see :mod:`mlnotes.cli`).

    See chapter: chapters/questions.md
    """
    p = sub.add_parser("drill", help="list, show and check the book's hand-write-it drills",
                       description="The book's hand-write-it (手撕) drills, checked offline by the same checkers "
                                   "as the notebooks.")
    root = argparse.ArgumentParser(add_help=False)
    root.add_argument("--root", default=argparse.SUPPRESS,
                      help="the book's folder (default: found from the current folder)")
    p.add_argument("--root", default=None, help=argparse.SUPPRESS)
    dsub = p.add_subparsers(dest="drill_command", metavar="ACTION")
    dsub.add_parser("list", help="every drill: chapter, name, signature", parents=[root])
    show = dsub.add_parser("show", help="print a drill's task and a stub to copy (or its solution)", parents=[root])
    show.add_argument("name", help="the drill's name or the start of it, e.g. adam")
    show.add_argument("--solution", action="store_true", help="print the worked solution instead")
    check = dsub.add_parser("check", help="check your function with the notebook's checker", parents=[root])
    check.add_argument("name", help="the drill's name or the start of it, e.g. adam")
    check.add_argument("file", nargs="?", help="your .py file defining the function")
    check.add_argument("--solution", action="store_true", help="check the worked solution instead of a file")
    check.add_argument("--function", default=None, help="the function to check (default: the stub's name)")
    check.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                       help=f"seconds before the check is stopped (default: {DEFAULT_TIMEOUT:g})")


class UsageError(Exception):
    """Bad input: one line on stderr, exit status 2."""


def _drills(root):
    from mlnotes.interview.drills import all_drills

    drills = all_drills(root)
    if not drills:
        raise UsageError("no drills found: run this inside the book's folder or pass --root")
    return drills


def _find(args):
    from mlnotes.interview.drills import find_drill

    try:
        return find_drill(args.name, _drills(args.root))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def format_list(drills) -> str:
    """One line per drill: chapter, name, signature (aligned).

    See chapter: chapters/questions.md
    """
    w_ch = max(len(d.chapter) for d in drills)
    w_name = max(len(d.name) for d in drills)
    lines = [f"{'chapter':<{w_ch}}  {'drill':<{w_name}}  signature"]
    lines += [f"{d.chapter:<{w_ch}}  {d.name:<{w_name}}  {d.signature}" for d in drills]
    lines.append(f"\n{len(drills)} drills. `mlnotes drill show NAME` prints one; "
                 "`mlnotes drill check NAME FILE` checks your code.")
    return "\n".join(lines)


def format_show(drill, root=None) -> str:
    """The drill's place, its task as plain text, and the stub to copy.

    See chapter: chapters/questions.md
    """
    from mlnotes.interview.gather import all_chapters, label_targets
    from mlnotes.interview.render import to_text

    task = to_text(drill.task, label_targets(all_chapters(root)))
    wrapped = "\n\n".join(textwrap.fill(p, 92) for p in task.split("\n\n"))
    return (f"{drill.name} — {drill.where}\n"
            f"chapters/{drill.chapter}.md line {drill.line}; on the site: "
            f"_build/html/chapters/{drill.chapter}.html#{drill.anchor}\n\n{wrapped}\n\n"
            f"# my_{drill.name}.py — write the function, then run:\n"
            f"#   mlnotes drill check {drill.name} my_{drill.name}.py\n"
            f"import numpy as np\n\n\n{drill.stub}\n")


def format_solution(drill) -> str:
    """The worked solution's source (and the helpers the chapter shows with it).

    See chapter: chapters/questions.md
    """
    import importlib

    module = importlib.import_module(drill.module)
    parts = [inspect.getsource(getattr(module, name)) for name in drill.shown if hasattr(module, name)]
    return (f"# {drill.name}: the worked solution ({drill.module}), checked in CI\n\n"
            + "\n\n".join(p.rstrip() for p in parts) + "\n")


def run(args) -> int:
    """Execute a parsed ``mlnotes drill`` command; returns the exit status.

    See chapter: chapters/questions.md
    """
    try:
        if args.drill_command in (None, "list"):
            print(format_list(_drills(args.root)))
            return 0
        drill = _find(args)
        if args.drill_command == "show":
            print(format_solution(drill) if args.solution else format_show(drill, args.root), end="")
            return 0
        return _check(drill, args)
    except UsageError as exc:
        print(f"mlnotes drill: error: {exc}", file=sys.stderr)
        return 2


def _check(drill, args) -> int:
    from mlnotes.drills import runner

    if args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")
    if args.solution:
        if args.file:
            raise UsageError("give a FILE or --solution, not both")
        result = runner.check_solution(drill, timeout=args.timeout)
    else:
        if not args.file:
            raise UsageError(f"which file? mlnotes drill check {drill.name} my_{drill.name}.py "
                             f"(`mlnotes drill show {drill.name}` prints a stub to start from)")
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"no such file: {args.file}")
        result = runner.check_file(drill, path, function=args.function, timeout=args.timeout)
    print(result.text)
    return 0 if result.passed else 1
