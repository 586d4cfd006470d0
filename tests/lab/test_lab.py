"""The live world: a reader's copy of a chapter in Jupyter Lab, run and slid with the mouse.

Starts Jupyter Lab (with the book's extensions: jupytext, jupyterlab-myst, ipywidgets) on a free
local port with a token, rooted at a fresh reader workspace, opens the reader's copy of the model
chapter, runs all cells and then checks what a reader sees: no error output, the from-scratch code
shown and highlighted, every interview answer collapsed, the prose numbers evaluated, and a live
slider that has a track, can be dragged with the mouse to a middle value, and then shows exactly the
static site's frame for that value (compared byte for byte with the strict build's frame file).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, _missing, site_dir

pytestmark = pytest.mark.lab
CHAPTER = "optimizers"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running Jupyter Lab on a reader workspace holding a fresh copy of the chapter."""
    from mlnotes import notebooks

    if not os.path.exists(CHROMIUM):
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    home = tmp_path_factory.mktemp("reader")
    source = ROOT / "chapters" / f"{CHAPTER}.md"
    copy = notebooks.Copy(CHAPTER, source, home / "notebooks" / f"{CHAPTER}.ipynb")
    notebooks.write_copy(copy)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, MLNOTES_EXPLORE="live", JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    log = open(home / "lab.log", "w")
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}", "--ServerApp.open_browser=False"]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"Jupyter Lab did not start: {(home / 'lab.log').read_text()[-2000:]}")
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "copy": copy, "home": home}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def notebook(lab):
    """The chapter open in Lab, every cell run (module-scoped: run once, checked by several tests)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{lab['url']}/lab/tree/notebooks/{CHAPTER}.ipynb?token={lab['token']}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        # Run All before the kernel has connected fails with "Session has no kernel" and runs nothing
        # (a fresh venv starts its first kernel slowly): wait for the status bar's "| Idle", and run
        # again if no cell has started after a while.
        page.wait_for_function("() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')",
                               timeout=120_000)
        page.keyboard.press("Escape")
        started = time.perf_counter()
        for _attempt in range(3):
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            try:
                page.wait_for_function("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
                                       ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))", timeout=20_000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        page.wait_for_function(
            """() => { const ps = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                       return ps.length > 0 && ps.every(p => /\\[\\d+\\]/.test(p.textContent)); }""",
            timeout=180_000)
        # prose values ({eval}) are filled in by jupyterlab-myst after their cell runs
        page.wait_for_function("() => ![...document.querySelectorAll('.jp-MarkdownCell code')]"
                               ".some(c => c.textContent === 'worst_err')", timeout=30_000)
        page.wait_for_timeout(1000)
        page.run_seconds = time.perf_counter() - started
        page.page_errors = errors
        yield page
        browser.close()


def test_run_all_gives_no_error_output(notebook):
    errors = notebook.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", "els => els.map(e => e.innerText)")
    assert errors == [], f"error output after Run All: {errors}"
    print(f"\nRun All of {CHAPTER} in Lab: {notebook.run_seconds:.1f} s")


def test_from_scratch_code_is_shown_highlighted(notebook):
    code = notebook.locator(".jp-OutputArea .mlnotes-src").first
    code.scroll_into_view_if_needed()  # Lab renders cells lazily, as they come into view
    assert code.is_visible()
    assert "def _update(self, p, g, state):" in code.inner_text()
    colored = code.evaluate("e => [...e.querySelectorAll('span[style*=color]')].length")
    assert colored > 10, "the shown code is not syntax-highlighted"


def test_interview_answers_start_collapsed(notebook):
    cell = notebook.locator(".jp-MarkdownCell .myst").filter(has_text="Explain how Adam works").first
    cell.scroll_into_view_if_needed()
    assert cell.locator("details").count() >= 1
    assert cell.evaluate("c => [...c.querySelectorAll('details')].every(d => !d.open)")
    assert not cell.get_by_text("Adam keeps an EMA of gradients").is_visible()
    solution = notebook.locator(".jp-OutputArea details").filter(has_text="Solution").first
    solution.scroll_into_view_if_needed()
    assert solution.evaluate("d => !d.open"), "the drill's solution is not folded"


def test_prose_numbers_are_evaluated(notebook):
    cell = notebook.locator(".jp-MarkdownCell .myst").filter(has_text="The largest relative difference is").first
    cell.scroll_into_view_if_needed()
    text = cell.inner_text()
    assert re.search(r"The largest relative difference is \d(\.\d+)?e-\d+", text), text
    assert "{eval}" not in notebook.locator(".jp-Notebook").inner_text()


def _static_frames() -> tuple[list[str], dict, Path]:
    """The strict build's first interactive figure of the chapter: its state labels and frame files."""
    page = site_dir() / "chapters" / f"{CHAPTER}.html"
    if not page.exists():
        _missing(f"no built page {page} (run the strict build first)")
    data = json.loads(re.search(r'class="mlx-data">(.*?)</script>', page.read_text(encoding="utf-8"), re.S).group(1))
    return data["labels"][0], data, page.parent


def test_live_slider_drags_to_a_middle_value_and_matches_the_site(notebook):
    labels, data, folder = _static_frames()
    widget = notebook.locator(".jp-OutputArea .widget-vbox").first
    widget.scroll_into_view_if_needed()
    slider = widget.locator(".widget-slider").first
    track = slider.locator(".noUi-target")
    handle = slider.locator(".noUi-handle")
    box = track.bounding_box()
    assert box["width"] > 200, f"the live slider's track is {box['width']:.0f} px wide"
    readout = slider.locator(".widget-readout")
    target = 1 if readout.inner_text().strip() != labels[1] else 3  # a middle value, not the current one
    image = widget.locator("img").first
    before = image.get_attribute("src")
    h = handle.bounding_box()
    notebook.mouse.move(h["x"] + h["width"] / 2, h["y"] + h["height"] / 2)
    notebook.mouse.down()
    notebook.mouse.move(box["x"] + box["width"] * target / (len(labels) - 1), h["y"] + h["height"] / 2, steps=8)
    notebook.mouse.up()
    started = time.perf_counter()
    notebook.wait_for_function("([img, before]) => img.getAttribute('src') !== before", arg=[image.element_handle(), before],
                               timeout=10_000)
    redraw_ms = (time.perf_counter() - started) * 1e3
    assert readout.inner_text().strip() == labels[target], f"dragged to {readout.inner_text()!r}, wanted {labels[target]!r}"
    live = base64.b64decode(image.evaluate(
        """async img => { const b = await (await fetch(img.src)).arrayBuffer();
                          let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); return btoa(s); }"""))
    start = [labels.index(v) for v in labels]  # one slider: flat index = value index
    frame = data["frames"][data["index"][start[target]]]
    static = (folder / frame).read_bytes()
    assert live == static, "the live frame differs from the static site's frame for the same value"
    print(f"\nlive redraw after the drag: {redraw_ms:.0f} ms")
    if os.environ.get("MLNOTES_SHOTS"):  # documentation screenshots (bench/screenshots/)
        widget.screenshot(path=str(Path(os.environ["MLNOTES_SHOTS"]) / "after-lab-slider.png"))
    assert redraw_ms < 3000
