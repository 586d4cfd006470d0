"""Drills run in the reader's browser: Pyodide from the site itself, offline, the notebook's verdicts.

On the attention chapter, the softmax drill: open the editor, run a wrong answer, then a right one;
both verdicts must be the text the notebook prints for the same code (computed here with torch as
the oracle), with zero requests to other hosts and zero console errors. Also: an endless loop is
stopped and Python restarts; the reader's edits survive a reload; every drill of the book has its
"Run in your browser" slot on its page; nothing of Pyodide loads before the first Run. The first-run
and later-run times go to ``_build/pyodide-browser.json`` for ``make bench``.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from mlnotes.drills.web import run_cell
from mlnotes.interview.drills import all_drills

from .conftest import ROOT, PageLog, site_dir

pytestmark = pytest.mark.browser
PATH = "chapters/attention.html"
DRILL = "softmax"

WRONG = '''import numpy as np
from mlnotes.drills.attention import check_softmax


def my_softmax(x):
    e = np.exp(x)  # no max subtraction: overflows for large logits
    return e / e.sum(axis=-1, keepdims=True)


check_softmax(my_softmax)'''

RIGHT = '''import numpy as np
from mlnotes.drills.attention import check_softmax


def my_softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


check_softmax(my_softmax)'''

LOOP = '''def my_softmax(x):
    while True:
        pass


my_softmax(1)'''


@pytest.fixture
def drill_page(browser, server):
    if not (site_dir() / PATH).exists():
        pytest.fail(f"{PATH} is missing from the site at {site_dir()}")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    requests = []
    context.on("request", lambda r: requests.append(r.url))  # the page's and its worker's
    page = context.new_page()
    page.log = PageLog(page, server)
    page.requests = requests
    page.origin = server
    yield page
    context.close()


def slot(page, drill: str = DRILL):
    return page.locator(f".mlx-drill-run[data-drill='{drill}']")


def run(page, code: str, timeout_s: float = 180, drill: str = DRILL) -> dict:
    s = slot(page, drill)
    area = s.locator("textarea")
    area.fill(code)
    t0 = time.perf_counter()
    s.locator(".mlx-drill-runbtn").click()
    page.wait_for_function(f"() => document.querySelector(\".mlx-drill-run[data-drill='{drill}']\").dataset.state"
                           " !== 'running'", timeout=timeout_s * 1000)
    seconds = time.perf_counter() - t0
    out = s.locator(".mlx-drill-output")
    result = out.locator(".mlx-drill-result")
    return {"state": s.get_attribute("data-state"), "passed": out.get_attribute("data-passed"),
            "text": out.inner_text(), "html": result.inner_html() if result.count() else "", "seconds": seconds}


def notebook_html(code: str) -> str:
    """The HTML the notebook displays for this cell (run here, with torch as the checker's oracle), as the
    browser re-serialises it."""
    return run_cell(code)["html"]


def normal(markup: str) -> str:
    """HTML compared as the browser serialises it: quotes and entities unified, and without the tabindex the
    theme adds to a scrollable <pre> (page decoration, not the verdict)."""
    import html as _html

    return re.sub(r' tabindex="-?\d+"', "", _html.unescape(markup).replace("'", '"'))


def test_every_drill_has_a_slot_on_its_page():
    want: dict = {}
    for d in all_drills(ROOT):
        want.setdefault(d.chapter, []).append(d.name)
    for chapter, names in want.items():
        html = (site_dir() / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        got = re.findall(r'<div class="mlx-drill-run" data-drill="([^"]+)"', html)
        assert got == names, f"{chapter}: slots {got}, drills {names}"
        assert "mlnotes-drills.js" in html
    assert "mlnotes-drills.js" not in (site_dir() / "index.html").read_text(encoding="utf-8")
    assert (site_dir() / "_static" / "pyodide" / "pyodide.asm.wasm").exists()
    assert json.loads((site_dir() / "_static" / "pyodide" / "mlnotes-wheel.json").read_text())["wheel"].endswith(".whl")


def test_wrong_then_right_in_the_browser(drill_page):
    page = drill_page
    page.goto(f"{page.origin}/{PATH}", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert not any("pyodide" in u for u in page.requests), "Pyodide must not load before the first Run"
    s = slot(page)
    s.locator(".mlx-drill-open").click()
    assert s.locator("textarea").input_value().startswith("from mlnotes.drills.attention import")

    wrong = run(page, WRONG)
    assert wrong["state"] == "done" and wrong["passed"] == "false", wrong
    assert normal(wrong["html"]) == normal(notebook_html(WRONG))
    assert "✗ softmax" in wrong["text"] and "Likely bug" in wrong["text"]

    right = run(page, RIGHT)
    assert right["state"] == "done" and right["passed"] == "true", right
    assert normal(right["html"]) == normal(notebook_html(RIGHT))

    offsite = [u for u in page.requests if not u.startswith(page.origin + "/") and not u.startswith(("data:", "blob:"))]
    assert offsite == [], offsite
    assert page.log.errors == [], page.log.errors
    loaded = [u.rsplit("/", 1)[-1].split("?")[0] for u in page.requests if "/_static/pyodide/" in u]
    assert {"pyodide.js", "pyodide.asm.wasm", "python_stdlib.zip"} <= set(loaded), loaded
    assert any(x.startswith("numpy-") for x in loaded) and any(x.startswith("mlnotes-") for x in loaded)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "pyodide-browser.json").write_text(json.dumps(
        {"first_run_s": round(wrong["seconds"], 2), "later_run_s": round(right["seconds"], 2)}))

    page.reload(wait_until="load")  # the edits stay in this browser
    slot(page).locator(".mlx-drill-open").click()
    assert slot(page).locator("textarea").input_value() == RIGHT
    slot(page).locator(".mlx-drill-reset").click()
    assert slot(page).locator("textarea").input_value().rstrip().endswith("check_softmax(my_softmax)")
    assert "raise NotImplementedError" in slot(page).locator("textarea").input_value()


def test_an_endless_loop_is_stopped_and_python_restarts(drill_page):
    page = drill_page
    page.add_init_script("window.mlnotesDrillTimeoutS = 4")
    page.goto(f"{page.origin}/{PATH}", wait_until="load")
    slot(page).locator(".mlx-drill-open").click()
    assert run(page, RIGHT)["passed"] == "true"  # boots Python (up to 4 + 120 s)
    looped = run(page, LOOP)
    assert looped["state"] == "timeout" and "stopped after 4 s" in looped["text"], looped
    again = run(page, RIGHT)  # a new worker boots
    assert again["state"] == "done" and again["passed"] == "true", again
    assert page.log.errors == [], page.log.errors


def test_one_run_at_a_time_stop_and_plain_messages(drill_page):
    """While one drill runs the other Run buttons wait (no stray timer can kill a later run); Stop ends a run;
    a cell without a final check says so; torch is explained; the first drill's slow loop never blames another."""
    page = drill_page
    page.goto(f"{page.origin}/{PATH}", wait_until="load")
    for name in (DRILL, "attention"):
        slot(page, name).locator(".mlx-drill-open").click()
    assert run(page, RIGHT)["passed"] == "true"  # Python is up
    slot(page).locator("textarea").fill(LOOP)
    slot(page).locator(".mlx-drill-runbtn").click()
    page.wait_for_function("() => document.querySelector(\".mlx-drill-run[data-drill='softmax']\").dataset.state"
                           " === 'running'")
    other = slot(page, "attention").locator(".mlx-drill-runbtn")
    assert other.is_disabled() and "Another drill" in other.get_attribute("title")
    page.wait_for_timeout(1500)
    slot(page).locator(".mlx-drill-stop").click()
    page.wait_for_function("() => document.querySelector(\".mlx-drill-run[data-drill='softmax']\").dataset.state"
                           " === 'stopped'")
    assert "✗ softmax: stopped" in slot(page).locator(".mlx-drill-output").inner_text()
    assert not other.is_disabled() and slot(page).locator(".mlx-drill-stop").is_hidden()

    none = run(page, "from mlnotes.drills.attention import check_attention\nx = 1", drill="attention")
    assert none["state"] == "done" and "No verdict" in none["text"], none  # Python restarted after Stop
    torch = run(page, "import torch\ntorch.zeros(2)", drill="attention")
    assert "✗ Traceback (your code)" in torch["text"] and "torch is not available in your browser" in torch["text"]
    tensor_way = run(page, RIGHT.replace("np.exp(x - x.max(axis=-1, keepdims=True))",
                                         "(x - x.max(axis=-1, keepdims=True)).exp()"))
    assert tensor_way["passed"] == "false" and "that is torch; use np.exp(x)" in tensor_way["text"], tensor_way
    assert page.log.errors == [], page.log.errors


def test_a_syntax_error_is_reported_not_thrown(drill_page):
    page = drill_page
    page.goto(f"{page.origin}/{PATH}", wait_until="load")
    slot(page).locator(".mlx-drill-open").click()
    r = run(page, "def my_softmax(x):\nreturn x")
    assert r["state"] == "done" and r["passed"] is None
    assert r["text"].startswith("✗ IndentationError") and "(line 2)" in r["text"]
    assert page.log.errors == [], page.log.errors
