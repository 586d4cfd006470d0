"""Two clean executions give identical outputs: text outputs and image/HTML hashes.

Re-executes every chapter of the book (as the build does: MLNOTES_EXPLORE=static) and compares
each code cell's outputs with the strict build's executed notebook
(_build/strict/_build/jupyter_execute/chapters/*.ipynb). Cells tagged ``timing`` hold
wall-clock measurements (the "timestamps aside" of the rule) and are skipped.
Exit code 1 on any difference, naming the chapter, cell and output.
"""

from __future__ import annotations

import hashlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "strict" / "_build" / "jupyter_execute" / "chapters"


def fingerprint(nb) -> tuple[list, dict]:
    """Per code cell: (source head, outputs reduced to text and hashes), skipping `timing` cells;
    plus the glued values {name: text/plain} (myst-nb moves them out of the executed notebook)."""
    cells, glued = [], {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        timing = "timing" in cell.get("metadata", {}).get("tags", [])
        outs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            scrap = out.get("metadata", {}).get("scrapbook", {})
            if scrap:
                if not timing:
                    glued[scrap["name"]] = data.get("application/papermill.record/text/plain")
                continue
            if out.output_type == "stream":
                if outs and outs[-1][0] == out.name:  # streams may arrive in one chunk or several
                    outs[-1] = (out.name, outs[-1][1] + out.text)
                else:
                    outs.append((out.name, out.text))
            elif out.output_type == "error":
                outs.append(("error", out.ename, out.evalue))
            else:
                for mime, value in sorted(data.items()):
                    text = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else repr(value)
                    outs.append((mime, text if mime == "text/plain" else hashlib.sha256(text.encode()).hexdigest()))
        if not timing:
            cells.append((cell.source[:60], outs))
    return cells, glued


def built_fingerprint(nb_path: Path) -> tuple[list, dict]:
    """The strict build's executed notebook and its glue file."""
    import json

    import nbformat

    cells, _ = fingerprint(nbformat.read(nb_path, as_version=4))
    glue_file = nb_path.with_suffix(".glue.json")
    glued = {}
    if glue_file.exists():
        for name, out in json.loads(glue_file.read_text()).items():
            glued[name] = out.get("data", {}).get("text/plain")
    return cells, glued


def execute(path: str) -> list:
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    return fingerprint(nb)


def main() -> int:
    os.environ.update(MLNOTES_EXPLORE="static", MPLBACKEND="Agg", PYTHONHASHSEED="0")
    built = sorted(EXECUTED.glob("*.ipynb"))
    if not built:
        print(f"no executed notebooks in {EXECUTED}: run the strict build first")
        return 1
    sources = [str(ROOT / "chapters" / (p.stem + ".md")) for p in built]
    with ProcessPoolExecutor(max_workers=2) as pool:
        again = list(pool.map(execute, sources))
    failures = 0
    for nb_path, (second, glued2) in zip(built, again):
        first, glued1 = built_fingerprint(nb_path)
        problems = []
        if len(first) != len(second):
            problems.append(f"{len(first)} vs {len(second)} code cells")
        for i, (a, b) in enumerate(zip(first, second)):
            if a != b:
                problems.append(f"code cell {i} ({a[0]!r}…) outputs differ")
                problems += [f"    first:  {str(x)[:160]}\n    second: {str(y)[:160]}" for x, y in zip(a[1], b[1]) if x != y]
        for name, value in glued2.items():
            if glued1.get(name) != value:
                problems.append(f"glued {name}: {glued1.get(name)} vs {value}")
        if problems:
            failures += 1
            print(f"✗ {nb_path.stem}:\n  " + "\n  ".join(problems))
        else:
            print(f"✓ {nb_path.stem}: {len(first)} code cells and {len(glued2)} glued values identical")
    print(f"{len(built) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
