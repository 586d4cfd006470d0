"""Run every drill's checker on its worked solution and on the known answers; the same code in Python and Pyodide.

``tests/drill_answers/<topic>.py`` (numpy only, no torch) holds, for the drills of
``mlnotes/drills/<topic>.py``, ``ANSWERS = {drill name: [function, ...]}``: the wrong answers each
checker names (and any other answer worth pinning). :func:`run` checks the solution and every answer
and returns ``{drill: {label: {"passed": bool, "text": str(verdict)}}}``.

Three places run it and the tests compare the results:

* Python with the library oracle (torch, scikit-learn, scipy): what the notebook prints;
* Python with ``MLNOTES_DRILL_ORACLE=mlnotes`` and those libraries blocked (:func:`block_libraries`):
  proves the browser path imports none of them;
* Pyodide under Node (``tests/pyodide/run_drills.mjs``): the reader's browser.

Torch-native drills (their reader code handles tensors) list browser answers separately as
``BROWSER_ANSWERS`` with the same labels; see ``tests/drill_answers/generative.py``.
"""

from __future__ import annotations

import importlib
import json
import sys

BLOCKED = ("torch", "sklearn", "scipy", "matplotlib", "pandas", "faiss", "ipywidgets", "IPython")


class _Blocker:
    """A meta-path finder that refuses the libraries the browser does not load."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the browser oracle must not import it")
        return None


def block_libraries() -> None:
    """Make ``import torch`` (and the rest of :data:`BLOCKED`) fail from now on in this process."""
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            raise RuntimeError(f"{name} was imported before block_libraries()")
    sys.meta_path.insert(0, _Blocker())


def _record(verdict) -> dict:
    return {"passed": bool(verdict.passed), "text": str(verdict)}


def run(drills: list, answers: dict, *, browser: bool = False) -> dict:
    """Check each drill's solution and answers.

    ``drills``: dicts with ``name``, ``module``, ``checker``, ``solution``. ``answers``: topic (the last part of
    the drill's module) -> the source of ``tests/drill_answers/<topic>.py``. ``browser``: use
    ``BROWSER_ANSWERS`` where a file has them. A checker that raises is recorded as a failure text
    starting with ``CHECKER RAISED``.
    """
    namespaces = {}
    out = {}
    for d in drills:
        try:
            module = importlib.import_module(d["module"])
        except ImportError as exc:
            out[d["name"]] = {"solution": {"passed": False, "text": f"CHECKER RAISED {type(exc).__name__}: {exc}"}}
            continue
        checker = getattr(module, d["checker"])
        topic = d["module"].rsplit(".", 1)[-1]
        if topic not in namespaces:
            ns = {"__name__": f"drill_answers_{topic}"}
            if topic in answers:
                exec(compile(answers[topic], f"tests/drill_answers/{topic}.py", "exec"), ns)  # noqa: S102
            namespaces[topic] = ns
        ns = namespaces[topic]
        table = ns.get("BROWSER_ANSWERS") if browser and "BROWSER_ANSWERS" in ns else ns.get("ANSWERS", {})
        solution = table.get("__solution__", {}).get(d["name"]) or getattr(module, d["solution"])
        candidates = [("solution", solution)] + [(fn.__name__, fn) for fn in table.get(d["name"], [])]
        results = {}
        for label, fn in candidates:
            try:
                results[label] = _record(checker(fn))
            except BaseException as exc:  # noqa: BLE001 - reported, then asserted on by the tests
                results[label] = {"passed": False, "text": f"CHECKER RAISED {type(exc).__name__}: {exc}"}
        out[d["name"]] = results
    return out


def main(argv=None) -> None:
    """``python harness.py JOB.json``: ``{"drills", "answers", "oracle", "block"}`` -> JSON on stdout."""
    import os

    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as f:
        job = json.load(f)
    os.environ["MLNOTES_DRILL_ORACLE"] = job["oracle"]
    if job.get("block"):
        block_libraries()
    result = run(job["drills"], job["answers"], browser=job.get("browser", False))
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
