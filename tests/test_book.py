"""mlnotes.book: code shown from the package in both worlds, and errors that are checked claims."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mlnotes.book import expect_error, show
from mlnotes.optim.optimizers import SGD, Adam


def test_show_takes_the_code_from_the_package():
    src = show(SGD._update)
    text = repr(src)
    assert text.startswith("# mlnotes/optim/optimizers.py · SGD._update (lines ")
    assert "def _update(self, p, g, state):" in text and "p -= self.lr * g" in text
    assert text.splitlines()[1].startswith("def _update")  # dedented: a method shows from column 0


def test_show_renders_highlighted_html_and_markdown():
    src = show(SGD._update, Adam._update)
    page = src._repr_html_()
    assert page.count('class="mlnotes-src"') == 2
    assert re.search(r'<span style="color: #[0-9A-Fa-f]{6}[^"]*">def</span>', page), "keywords are not highlighted"
    md = src._repr_markdown_()
    assert md.count("```python") == 2 and "`mlnotes/optim/optimizers.py · Adam._update" in md


def test_show_folds_a_solution():
    from mlnotes.drills.optim import adam_step_solution

    folded = show(adam_step_solution, collapsed="Solution")
    assert folded._repr_html_().startswith('<details class="mlnotes-details"')
    assert "<summary" in folded._repr_html_() and " open" not in folded._repr_html_().split(">")[0]
    assert folded._repr_markdown_().startswith("<details><summary>Solution</summary>")
    with pytest.raises(TypeError, match="collapsed must be a non-empty title"):
        show(adam_step_solution, collapsed="")


def test_show_can_drop_docstrings():
    with_doc = repr(show(SGD))
    without = repr(show(SGD, drop_docstring=True))
    assert '"""Stochastic gradient descent' in with_doc
    assert '"""' not in without.split("def __init__")[0]
    assert "def _update" in without


def test_show_refuses_what_it_cannot_show():
    with pytest.raises(TypeError, match="at least one object"):
        show()
    with pytest.raises(TypeError, match="needs a function, class, method or module"):
        show(3)
    import textwrap

    with pytest.raises(ValueError, match="mlnotes code only"):
        show(textwrap.dedent)


def test_show_is_deterministic():
    assert repr(show(Adam)) == repr(show(Adam))
    assert "0x" not in repr(show(Adam))  # no memory addresses in text/plain (two executions compare equal)


def test_expect_error_prints_the_error_and_passes(capsys):
    with expect_error(ValueError, match="beta2"):
        Adam([np.zeros(3)], lr=1e-3, betas=(0.9, 1.0))
    assert capsys.readouterr().out.startswith("ValueError: beta2 must be in [0.0, 1.0)")


def test_expect_error_fails_when_nothing_or_something_else_is_raised():
    with pytest.raises(AssertionError, match="expected ValueError, but the block ran without an error"):
        with expect_error(ValueError):
            pass
    with pytest.raises(KeyError):
        with expect_error(ValueError):
            raise KeyError("other")
    with pytest.raises(AssertionError, match="does not match"):
        with expect_error(ValueError, match="gamma"):
            raise ValueError("beta")
    with pytest.raises(TypeError, match="exception classes"):
        with expect_error("ValueError"):
            pass


def test_figure_is_sharp_and_described():
    import io

    from PIL import Image

    from mlnotes.book import figure

    def draw(ax, slope):
        """a line"""
        ax.plot([0, 1], [0, slope])

    fig = figure(draw, figsize=(4.0, 2.5), slope=2.0)
    assert Image.open(io.BytesIO(fig.png)).size == (640, 400)  # 2× the 320×200 it is shown at
    page = fig._repr_html_()
    assert 'width="320" height="200"' in page and 'alt="a line"' in page
    png, meta = fig._repr_png_()
    assert png == fig.png and meta == {"width": 320, "height": 200}
    assert figure(draw, figsize=(4.0, 2.5), slope=2.0).png == fig.png  # deterministic
    with pytest.raises(ValueError, match="NaN or inf"):
        figure(draw, slope=float("nan"))


def test_show_leaves_logging_alone():
    import logging
    import subprocess
    import sys

    code = ("import logging; from mlnotes.book import show; from mlnotes.optim import SGD; "
            "show(SGD._update)._repr_html_(); r = logging.getLogger(); print(len(r.handlers), r.level)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["0", str(logging.WARNING)], "show() configured the root logger (library logs would reach stderr)"
