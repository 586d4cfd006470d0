"""`mlnotes ask`: results, JSON, index caching, and bad input -> exit 2 with one clear line, no traceback.

Run as a subprocess (the installed console script and ``python -m``) and in-process via main(argv), on a
fixture book, with the hashing encoder standing in for MiniLM (MLNOTES_EMBEDDER=hashing)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlnotes.rag.cli import main
from tests.test_rag_corpus import write_book

SCRIPT = shutil.which("mlnotes", path=str(Path(sys.executable).parent))


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MLNOTES_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MLNOTES_EMBEDDER", "hashing")
    return {**os.environ, "MLNOTES_CACHE": str(tmp_path / "cache"), "MLNOTES_EMBEDDER": "hashing"}


@pytest.fixture
def root(tmp_path):
    return write_book(tmp_path / "book")


def run(args, env, script=False):
    cmd = [SCRIPT] if script else [sys.executable, "-m", "mlnotes.rag.cli"]
    return subprocess.run(cmd + args, capture_output=True, text=True, env=env, timeout=120)


def test_console_script_is_installed():
    assert SCRIPT is not None, "run: .venv/bin/pip install --no-deps --no-build-isolation -e ."


def test_ask_prints_sections_with_site_paths(root, env):
    out = run(["ask", "sorted document ids in postings", "--root", str(root), "--method", "bm25", "-k", "2"], env,
              script=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("1. [beta] Postings lists   (bm25 score ")
    assert lines[1].strip() == "_build/html/chapters/beta.html#postings-lists"
    assert "sorted document ids" in lines[2]
    assert sum(line[:2] in ("1.", "2.") for line in lines) == 2
    assert "building the search index of 3 chapters" in out.stderr
    again = run(["ask", "momentum", "--root", str(root), "--method", "bm25"], env)
    assert again.returncode == 0 and again.stderr == ""  # the index is reused: nothing rebuilt


def test_ask_json_and_hybrid(root, env):
    out = run(["ask", "saddle point Hessian eigenvalues", "--root", str(root), "--json", "-k", "3"], env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert hits[0]["title"] == "Saddle points"
    assert hits[0]["path"] == "_build/html/chapters/alpha.html#sec-alpha-saddle"
    assert set(hits[0]) == {"rank", "chapter", "title", "score", "path", "snippet", "method", "model"}
    assert hits[0]["method"] == "hybrid" and hits[0]["model"] == "minilm"  # an English question: MiniLM
    assert "embedding chunks (minilm)" in out.stderr  # the progress bar of the build goes to stderr
    assert "embedding chunks (use)" not in out.stderr  # the multilingual encoder is not needed yet


def test_ask_in_chinese_uses_the_multilingual_encoder(root, env):
    """A question in Chinese: model auto -> USE (embedded then, once); --model forces one."""
    out = run(["ask", "阿尔法 的 momentum 是什么？", "--root", str(root), "--json", "-k", "2"], env)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert [h["model"] for h in hits] == ["use", "use"] and "alpha" in {h["chapter"] for h in hits}
    assert "embedding chunks (use)" in out.stderr
    again = run(["ask", "阿尔法 是什么？", "--root", str(root), "--json"], env)
    assert again.returncode == 0 and "embedding chunks" not in again.stderr  # USE's vectors were saved too
    forced = run(["ask", "阿尔法 是什么？", "--root", str(root), "--model", "minilm", "--method", "dense", "-k", "1"], env)
    assert forced.returncode == 0 and "(dense, minilm score " in forced.stdout
    text = run(["ask", "阿尔法", "--root", str(root), "-k", "1"], env)
    assert text.returncode == 0 and text.stdout.startswith("1. [") and "   (hybrid, use score " in text.stdout
    assert "阿尔法" in text.stdout  # both chapters name it: alpha's title, beta's link to alpha


@pytest.mark.parametrize("args,message", [
    (["ask", ""], "the query is empty"),
    (["ask", "   \t "], "the query is empty"),
    (["ask", "the of and is"], "has no searchable words"),
    (["ask", "x ? !"], "has no searchable words"),
    (["ask", "momentum", "--method", "sparse"], "invalid choice: 'sparse'"),
    (["ask", "momentum", "--model", "bert"], "invalid choice: 'bert'"),
    (["ask", "？！。"], "has no searchable words"),
    (["ask", "momentum", "-k", "0"], "k must be a positive integer, got 0"),
    (["ask", "momentum", "-k", "-3"], "k must be a positive integer, got -3"),
    (["ask", "momentum", "-k", "many"], "k must be a positive integer, got 'many'"),
    ([], "usage: mlnotes"),
    (["ask"], "the following arguments are required: query"),
], ids=["empty", "whitespace", "stop-words", "punctuation", "method", "model", "cjk-punctuation", "k0", "k-neg",
        "k-text", "no-command", "no-query"])
def test_bad_input_exits_2_without_traceback(args, message, env, root):
    out = run(args + (["--root", str(root)] if args[:1] == ["ask"] and len(args) > 1 else []), env)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_root_without_chapters_exits_2(tmp_path, env):
    out = run(["ask", "momentum", "--root", str(tmp_path)], env)
    assert out.returncode == 2 and "root must contain a chapters/ folder" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("argv,code,message", [
    (["ask", " "], 2, "the query is empty"),
    (["ask", "and the"], 2, "no searchable words"),
    (["ask", "q", "--method", "nope"], 2, "invalid choice"),
    (["ask", "q", "-k", "0"], 2, "k must be a positive integer, got 0"),
    (["ask", "momentum", "--chapter", "nope"], 2, "chapter must be one of ['alpha', 'beta', 'gamma']"),
    ([], 2, "usage: mlnotes"),
])
def test_main_returns_2_on_bad_input(argv, code, message, capsys, env, root):
    assert main(argv + (["--root", str(root)] if argv[:1] == ["ask"] else [])) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_main_runs_a_query_in_process(capsys, env, root):
    assert main(["ask", "velocity of momentum", "--root", str(root), "--method", "dense", "--chapter", "alpha"]) == 0
    out = capsys.readouterr().out
    assert "[alpha]" in out and "[beta]" not in out
    assert main(["--help"]) == 0
