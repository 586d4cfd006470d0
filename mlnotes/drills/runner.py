"""Run a drill's checker on a reader's file in a child process, with a time limit: a verdict, never a crash.

The parent (``mlnotes drill check``) starts ``python -m mlnotes.drills.runner JOB.json`` in a new
process group, waits at most ``timeout`` seconds, and kills the whole group if it runs over. The child

1. imports the checker first (the reader's file cannot replace it),
2. compiles the reader's file (a ``SyntaxError`` becomes a verdict naming the line),
3. runs it as a module (an exception, a failed import or ``sys.exit`` while loading becomes a verdict),
4. finds the function (the stub's name, the drill's name, or the file's only function), and
5. calls the checker, which already treats the reader's function as hostile (:mod:`mlnotes.drills.core`),

then writes ``{"passed", "text"}`` to the job's result file, where ``text`` is ``str(verdict)``, the
verdict the notebook prints. The reader's own prints go to stderr, so stdout holds only the verdict.
A child that dies without a result (``os._exit``, a crash, out of memory) is reported as such.

See chapter: chapters/questions.md
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """The outcome of one check: passed or not, and the text to print."""

    passed: bool
    text: str


def check_file(drill, path, *, function=None, timeout: float) -> Result:
    """Check the function in the reader's file ``path`` with ``drill``'s checker (see the module docstring).

    See chapter: chapters/questions.md
    """
    job = {"drill": drill.name, "module": drill.module, "checker": drill.checker, "file": str(Path(path).resolve()),
           "names": [n for n in (function, drill.function, drill.name) if n], "explicit": bool(function)}
    return _spawn(job, drill.name, timeout)


def check_solution(drill, *, timeout: float) -> Result:
    """Check the drill's worked solution with its checker, as CI does.

    See chapter: chapters/questions.md
    """
    job = {"drill": drill.name, "module": drill.module, "checker": drill.checker, "solution": drill.solution}
    return _spawn(job, drill.name, timeout)


def _spawn(job: dict, name: str, timeout: float) -> Result:
    with tempfile.TemporaryDirectory(prefix="mlnotes-drill-") as tmp:
        job["result"] = os.path.join(tmp, "result.json")
        job_path = os.path.join(tmp, "job.json")
        Path(job_path).write_text(json.dumps(job), encoding="utf-8")
        cwd = str(Path(job["file"]).parent) if "file" in job else None
        proc = subprocess.Popen([sys.executable, "-m", "mlnotes.drills.runner", job_path], stdin=subprocess.DEVNULL,
                                stdout=_stderr(), start_new_session=True, cwd=cwd)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return Result(False, f"✗ {name}: stopped after {timeout:g} s without a verdict. Does a loop in your "
                                 "code never end (or wait for input)? Fix it, or pass --timeout to allow more time.")
        except BaseException:  # Ctrl-C: take the child's whole group down with us
            _kill(proc)
            raise
        try:
            out = json.loads(Path(job["result"]).read_text(encoding="utf-8"))
            return Result(bool(out["passed"]), str(out["text"]))
        except (OSError, ValueError, KeyError):
            how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            return Result(False, f"✗ {name}: the check ended without a verdict ({how}): your code ended the "
                                 "process (os._exit, a crash, or running out of memory) before the checker finished.")


def _stderr():
    """Where the reader's prints go: our stderr (stdout keeps only the verdict)."""
    try:
        sys.stderr.fileno()
        return sys.stderr
    except (AttributeError, OSError, ValueError):  # a replaced stderr (pytest's capture): keep them
        return None


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


# ---------------------------------------------------------------- the child process


def _line_of(exc: BaseException, path: str) -> str:
    """' (your line N)' for the deepest traceback frame in the reader's file, else ''."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return f" (line {line} of your file)" if line else ""


def _load(job: dict):
    """The reader's function, or a failure text. Runs the reader's file as a module named ``mlnotes_drill_reader``."""
    path, name = job["file"], job["drill"]
    try:
        source = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"✗ {name}: cannot read {path}: {exc}"
    try:
        code = compile(source, path, "exec")
    except (SyntaxError, ValueError) as exc:
        where = f" (line {exc.lineno}, column {exc.offset})" if getattr(exc, "lineno", None) else ""
        shown = f"\n    {exc.text.rstrip()}" if getattr(exc, "text", None) else ""
        message = getattr(exc, "msg", None) or str(exc)
        return None, f"✗ {name}: your file does not compile: {type(exc).__name__}: {message}{where}{shown}"
    sys.path.insert(0, str(Path(path).parent))
    namespace = {"__name__": "mlnotes_drill_reader", "__file__": path}
    try:
        exec(code, namespace)  # noqa: S102 - the reader's own file, in a child process with a time limit
    except SystemExit as exc:
        return None, (f"✗ {name}: your file called sys.exit({exc.code!r}) while loading; only define the function "
                      "(put test code under `if __name__ == \"__main__\":`).")
    except BaseException as exc:  # noqa: BLE001 - ImportError, NameError, anything: a verdict, not a crash
        kind = "could not import a module" if isinstance(exc, ImportError) else "raised an error while loading"
        return None, f"✗ {name}: your file {kind}: {type(exc).__name__}: {exc}{_line_of(exc, path)}"
    for candidate in job["names"]:
        if callable(namespace.get(candidate)):
            return namespace[candidate], None
    if job.get("explicit"):
        return None, f"✗ {name}: your file defines no function {job['names'][0]!r}."
    defined = [n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if len(defined) == 1 and callable(namespace.get(defined[0])):
        return namespace[defined[0]], None
    want = " or ".join(repr(n) for n in job["names"])
    found = ", ".join(defined) if defined else "none"
    return None, (f"✗ {name}: which function? Name it {want}, or pass --function NAME "
                  f"(functions in your file: {found}).")


def _child(job: dict) -> dict:
    import importlib

    module = importlib.import_module(job["module"])
    checker = getattr(module, job["checker"])  # before the reader's code runs
    if "solution" in job:
        fn = getattr(module, job["solution"])
    else:
        fn, failure = _load(job)
        if failure is not None:
            return {"passed": False, "text": failure}
    verdict = checker(fn)
    return {"passed": bool(verdict.passed), "text": str(verdict)}


def main(argv=None) -> None:
    """Child entry point: ``python -m mlnotes.drills.runner JOB.json`` (see the module docstring)."""
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        out = _child(job)
    except BaseException as exc:  # noqa: BLE001 - a checker that breaks is reported, not raised
        text = f"✗ {job.get('drill')}: the checker itself failed: {type(exc).__name__}: {exc}"
        out = {"passed": False, "text": text}
    tmp = job["result"] + ".tmp"
    Path(tmp).write_text(json.dumps(out), encoding="utf-8")
    os.replace(tmp, job["result"])
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - the reader may have closed or replaced them
            pass
    os._exit(0)  # threads the reader's code left running must not keep the process alive


if __name__ == "__main__":
    main()
