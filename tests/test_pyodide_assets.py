"""scripts/pyodide_assets.py: a wheel taken from the carrier must have the sha256 Pyodide's own lock lists."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("pyodide_assets", ROOT / "scripts" / "pyodide_assets.py")
assets = importlib.util.module_from_spec(spec)
spec.loader.exec_module(assets)

WHEEL = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"


def fake_wheel() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("numpy-2.0.2.dist-info/METADATA", "Name: numpy\nClassifier: License :: OSI Approved :: BSD License\n")
    return buf.getvalue()


def make(tmp: Path, wheel: bytes, lock_sha: str):
    core = tmp / "core"
    core.mkdir()
    for name in assets.CORE_FILES[:-1]:
        (core / name).write_bytes(b"core")
    (core / "package.json").write_text(json.dumps({"license": "MPL-2.0"}))
    (core / "pyodide-lock.json").write_text(json.dumps({"info": {"version": "0.27.7"}, "packages": {
        "numpy": {"file_name": WHEEL, "sha256": lock_sha}}}))
    carrier = tmp / "carrier.whl"
    with zipfile.ZipFile(carrier, "w") as z:
        z.writestr(f"carrier/assets/pyodide/{WHEEL}", wheel)
    return core, carrier


def test_matching_wheel_is_copied_with_its_licence(tmp_path):
    wheel = fake_wheel()
    core, carrier = make(tmp_path, wheel, hashlib.sha256(wheel).hexdigest())
    lines = assets.assemble(core, carrier, tmp_path / "out", ["numpy"])
    assert (tmp_path / "out" / WHEEL).read_bytes() == wheel
    assert lines == ["Pyodide 0.27.7 core (npm pyodide): MPL-2.0",
                     f"{WHEEL} (sha256 {hashlib.sha256(wheel).hexdigest()}, equal to pyodide-lock.json): BSD License"]
    assert all((tmp_path / "out" / n).exists() for n in assets.CORE_FILES)


def test_a_tampered_wheel_fails_the_set_up(tmp_path):
    core, carrier = make(tmp_path, fake_wheel() + b"x", hashlib.sha256(fake_wheel()).hexdigest())
    with pytest.raises(SystemExit, match=f"sha256 mismatch for {WHEEL}"):
        assets.assemble(core, carrier, tmp_path / "out", ["numpy"])
    assert not (tmp_path / "out" / WHEEL).exists()


def test_unknown_or_missing_package(tmp_path):
    core, carrier = make(tmp_path, fake_wheel(), "0" * 64)
    with pytest.raises(SystemExit, match="torch is not in Pyodide 0.27.7"):
        assets.assemble(core, carrier, tmp_path / "out", ["torch"])


def test_the_vendored_files_match_the_official_lock():
    """What make book fetched: every wheel in vendor_pyodide has the lock's sha256 (checked again here)."""
    folder = ROOT / "vendor_pyodide" / "pyodide"
    assert (folder / "pyodide.asm.wasm").exists(), "run make vendor (scripts/fetch_pyodide.sh)"
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    wheels = sorted(folder.glob("*.whl"))
    assert [w.name for w in wheels] == [lock["packages"]["numpy"]["file_name"]]
    for w in wheels:
        entry = next(e for e in lock["packages"].values() if e["file_name"] == w.name)
        assert hashlib.sha256(w.read_bytes()).hexdigest() == entry["sha256"]
