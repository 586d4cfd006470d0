"""Every built page works offline; every static slider responds to mouse and keyboard."""

from __future__ import annotations

import pytest

from .conftest import site_pages

pytestmark = pytest.mark.browser
PAGES = site_pages()


def open_page(page, path: str):
    page.goto(f"{page.origin}/{path}", wait_until="load")
    # index.html is a meta-refresh redirect: let the navigation it starts settle first, or the
    # MathJax checks below run in a document that is being replaced.
    page.wait_for_load_state("networkidle")
    # Wait until MathJax (served from the site) has typeset the page, if the page loads it.
    page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)")
    page.evaluate("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
    page.wait_for_load_state("networkidle")


def test_site_has_pages():
    assert "intro.html" in PAGES and "chapters/optimizers.html" in PAGES, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_offline_and_clean(page, path):
    open_page(page, path)
    log = page.log
    assert log.offsite == [], f"{path} asked hosts other than the local server: {log.offsite}"
    assert log.errors == [], f"{path} logged errors: {log.errors} (failed requests: {log.failed})"
    assert log.failed == [], f"{path} had failed requests: {log.failed}"
    # the page's prose, without code (a regex such as r"in \[0, 1\]" in a code cell is not math)
    text = page.evaluate("() => { const b = document.body.cloneNode(true);"
                         " b.querySelectorAll('pre, code, script, style').forEach(e => e.remove()); return b.innerText; }")
    for raw in ("\\(", "\\)", "\\[", "$$"):
        assert raw not in text, f"{path} shows untypeset math ({raw!r})"
    if page.locator("main .math, main span.math").count():
        assert page.locator("mjx-container").count() > 0, f"{path} has math that MathJax did not typeset"
    no_alt = page.eval_on_selector_all("main img", "els => els.filter(e => !(e.getAttribute('alt')||'').trim())"
                                       ".map(e => (e.getAttribute('src')||'').slice(0, 60))")
    assert no_alt == [], f"{path} has images without alt text: {no_alt}"
    unlabelled = page.eval_on_selector_all(
        ".mlx [data-mlx]", "els => els.filter(e => !document.querySelector('label[for=\"' + e.id + '\"]')).map(e => e.id)")
    assert unlabelled == [], f"{path} has controls without a label: {unlabelled}"


SLIDER_PAGES = [p for p in PAGES if p.startswith("chapters/")]


_SNAPSHOT = "w => [...w.querySelectorAll('[data-mlx]')].map(c => c.type === 'checkbox' ? c.checked : c.value)"
_RESTORE = """(w, vals) => { const cs = [...w.querySelectorAll('[data-mlx]')];
  cs.forEach((c, k) => { if (c.type === 'checkbox') c.checked = vals[k]; else c.value = vals[k]; });
  cs[0].dispatchEvent(new Event('input', {bubbles: true})); }"""


def _state(widget):
    img = widget.locator("img.mlx-frame")
    return img.get_attribute("src"), img.get_attribute("data-state")


@pytest.mark.parametrize("path", SLIDER_PAGES)
def test_static_sliders_respond(page, path):
    open_page(page, path)
    widgets = page.locator(".mlx")
    for w in range(widgets.count()):
        widget = widgets.nth(w)
        widget.scroll_into_view_if_needed()
        controls = widget.locator("[data-mlx]")
        start = widget.evaluate(_SNAPSHOT)
        for c in range(controls.count()):
            widget.evaluate(_RESTORE, start)  # test each control from the widget's start state
            ctrl = controls.nth(c)
            kind = ctrl.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
            where = f"{path} widget {w} control {ctrl.get_attribute('id')} ({kind})"
            if ctrl.is_disabled():  # inactive at the start (it has no effect there): it says so,
                output = widget.locator(f'output[for="{ctrl.get_attribute("id")}"]')
                assert output.count() == 0 or "no effect" in output.inner_text(), f"{where}: disabled without a note"
                off = widget.evaluate("w => JSON.parse(w.querySelector('script.mlx-data').textContent).off[%d]" % c)
                total = widget.evaluate("w => JSON.parse(w.querySelector('script.mlx-data').textContent).index.length")
                assert len(off) < total, f"{where}: the control has no effect anywhere"  # … and works elsewhere
                continue
            seen_frames, seen_states = {_state(widget)[0]}, {_state(widget)[1]}
            if kind == "range":
                n = int(ctrl.get_attribute("max")) + 1
                # keyboard: Home, then ArrowRight through every value; each step changes the label
                ctrl.focus()
                ctrl.press("Home")
                before = _state(widget)
                for _ in range(n - 1):
                    ctrl.press("ArrowRight")
                    after = _state(widget)
                    assert after[1] != before[1], f"{where}: ArrowRight did not change the label"
                    seen_frames.add(after[0]); seen_states.add(after[1])
                    before = after
                output = widget.locator(f'output[for="{ctrl.get_attribute("id")}"]').inner_text()
                assert output == ctrl.get_attribute("aria-valuetext"), f"{where}: shown value and aria-valuetext differ"
                # mouse: click near the left end of the track moves it back to the start
                box = ctrl.bounding_box()
                page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
                assert ctrl.input_value() == "0", f"{where}: a click on the track did not move the slider"
                assert _state(widget)[1] != before[1], f"{where}: a mouse move did not change the label"
                seen_frames.add(_state(widget)[0])
            elif kind == "select":
                options = ctrl.locator("option")
                for o in range(options.count()):
                    ctrl.select_option(index=o)
                    seen_frames.add(_state(widget)[0]); seen_states.add(_state(widget)[1])
                ctrl.focus()
                ctrl.press("Home")
                assert ctrl.input_value() == "0", f"{where}: keyboard Home did not select the first option"
                assert len(seen_states) == options.count(), f"{where}: not every option changed the label"
            else:  # checkbox
                before = _state(widget)
                ctrl.click()
                seen_frames.add(_state(widget)[0]); seen_states.add(_state(widget)[1])
                assert _state(widget)[1] != before[1], f"{where}: clicking did not change the label"
                ctrl.press("Space")
                assert _state(widget) == before, f"{where}: Space did not toggle it back"
            assert len(seen_frames) > 1, f"{where}: moving it never changed the figure"
    assert page.log.errors == [], f"{path}: errors while moving sliders: {page.log.errors}"


LOAD_BUDGET, ALL_BUDGET = 1.5e6, 4e6  # bytes (gzip): at load, and with every frame fetched


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/") or p == "intro.html"])
def test_page_weight_within_budget(browser, server, path):
    from .conftest import page_weight

    w = page_weight(browser, server, path)
    assert w["load_gzip"] <= LOAD_BUDGET, f"{path}: {w['load_gzip'] / 1e6:.2f} MB (gzip) at load > 1.5 MB"
    assert w["all_gzip"] <= ALL_BUDGET, f"{path}: {w['all_gzip'] / 1e6:.2f} MB (gzip) with all frames > 4 MB"
    assert w["all_raw"] >= w["load_raw"]
