"""explore(): the same values give the same picture live and static; bad grids fail clearly."""

from __future__ import annotations

import base64
import json
import re
from itertools import product

import numpy as np
import pytest

from mlnotes.explore import MAX_FRAMES, explore

X = np.linspace(0, 1, 50)


def draw(ax, a, kind, notes):
    """a test curve"""
    y = a * X if kind == "line" else a * X**2
    ax.plot(X, y)
    if notes:
        ax.plot(X, -y, "--")
    ax.set_ylim(-3, 3)


def grid_explorer(mode="both"):
    return explore(draw, a=[0.5, 1.0, 2.0], kind=["line", "square"], notes=[False, True], mode=mode,
                   start={"a": 1.0})


def static_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" class="mlx-data">(.*?)</script>', html).group(1))


def png(data_url: str) -> bytes:
    head, _, payload = data_url.partition(",")
    assert head == "data:image/png;base64"
    return base64.b64decode(payload)


def test_static_frames_match_every_grid_point():
    e = grid_explorer()
    data = static_data(e.static_html())
    assert data["sizes"] == [3, 2, 2]
    assert data["labels"] == [["0.5", "1", "2"], ["line", "square"], ["off", "on"]]
    for flat, (i, j, k) in enumerate(product(range(3), range(2), range(2))):
        values = e.values_at((i, j, k))
        assert png(data["frames"][data["index"][flat]]) == e.frame(**values), f"static frame {flat} is not the frame for {values}"
    assert len(data["frames"]) == 12  # every point draws something different here


def test_live_widget_shows_the_same_png_as_the_static_frame():
    # Two independent explorers, as in the two worlds: the site renders every frame (grid order),
    # the live kernel renders the start frame first and then whatever the reader picks.
    data = static_data(grid_explorer("static").static_html())
    w = grid_explorer("live").widget()
    a, kind, notes = w.inputs
    assert w.image.value == png(data["frames"][data["index"][(1 * 2 + 0) * 2 + 0]])  # start: a=1
    a.value = 0.5
    assert w.image.value == png(data["frames"][data["index"][0]])
    a.value, kind.value, notes.value = 2.0, "square", True
    flat = (2 * 2 + 1) * 2 + 1
    assert w.image.value == png(data["frames"][data["index"][flat]])


def test_duplicate_frames_are_stored_once():
    def flat(ax, a, b):
        ax.plot([0, 1], [0, a])
        ax.set_ylim(0, 3)

    e = explore(flat, a=[1, 2], b=["ignored", "also ignored"], mode="static")
    data = static_data(e.static_html())
    assert len(data["frames"]) == 2 and data["index"] == [0, 0, 1, 1]


def test_rendering_is_deterministic():
    assert grid_explorer().static_html() == grid_explorer().static_html()


def test_modes_choose_what_is_produced():
    live = grid_explorer("live")._repr_mimebundle_()
    static = grid_explorer("static")._repr_mimebundle_()
    both = grid_explorer("both")._repr_mimebundle_()
    widget = "application/vnd.jupyter.widget-view+json"
    assert widget in live and "text/html" not in live
    assert "text/html" in static and widget not in static
    assert widget in both and "text/html" in both


def test_static_html_is_accessible():
    html = grid_explorer().static_html()
    ids = re.findall(r'data-mlx="\d" ?[^>]*|id="(mlx-[0-9a-f]+-\d)"', html)
    for cid in [i for i in ids if i]:
        assert f'<label for="{cid}">' in html
    assert 'alt="a test curve — a = 1, kind = line, notes = off"' in html
    assert 'aria-valuetext="1"' in html


@pytest.mark.parametrize("grid, message", [
    ({}, "at least one control"),
    ({"a": []}, "a must list at least one value"),
    ({"a": 3}, "a must be a list of values"),
    ({"a": "abc"}, "a must be a list of values"),
    ({"a": [1, "x"]}, "a must hold only numbers"),
    ({"a": [1.0, float("nan")]}, "a must hold finite numbers"),
    ({"a": [10**400, 1]}, "a must hold finite numbers"),
    ({"a": [0.1 + 0.2, 0.3]}, "display the same"),
    ({"a": [1, 1]}, "a has repeated values"),
    ({"a": [True]}, "a toggle takes exactly"),
    ({"a": list(range(MAX_FRAMES + 1))}, "keep it"),
])
def test_bad_grids_raise_clear_errors(grid, message):
    with pytest.raises((ValueError, TypeError), match=message):
        explore(lambda ax, **kw: None, **grid)


def test_bad_start_and_labels():
    with pytest.raises(ValueError, match="start value a=7"):
        explore(lambda ax, a: None, a=[1, 2], start={"a": 7})
    with pytest.raises(ValueError, match="start names unknown controls"):
        explore(lambda ax, a: None, a=[1, 2], start={"b": 1})
    with pytest.raises(ValueError, match="labels names unknown controls"):
        explore(lambda ax, a: None, a=[1, 2], labels={"b": "B"})
    with pytest.raises(TypeError, match="draw must be callable"):
        explore(None, a=[1, 2])
    with pytest.raises(ValueError, match="MLNOTES_EXPLORE must be"):
        explore(lambda ax, a: None, a=[1, 2], mode="sometimes")


def test_a_frame_with_nan_is_refused():
    def bad(ax, a):
        ax.plot([0, 1, 2], [0, float("nan") if a == 2 else 1, 2])

    with pytest.raises(ValueError, match=r"the frame for \{'a': 2\} plots NaN"):
        explore(bad, a=[1, 2], mode="static").static_html()


def test_frames_do_not_depend_on_render_order():
    forward, backward = grid_explorer("static"), grid_explorer("static")
    points = list(product(range(3), range(2), range(2)))
    first = {ix: forward.frame(**forward.values_at(ix)) for ix in points}
    last = {ix: backward.frame(**backward.values_at(ix)) for ix in reversed(points)}
    assert first == last


def test_layout_is_fixed_by_the_start_frame_in_both_worlds():
    def wide_ticks(ax, a):
        """tick labels whose width depends on the frame"""
        ax.plot([0, 1], [0, 10.0**a])
        ax.set_ylim(0, 10.0**a)
        ax.set_ylabel("value")

    static = explore(wide_ticks, a=[0, 3, 6], start={"a": 6}, mode="static")
    data = static_data(static.static_html())  # renders a=0 first
    live = explore(wide_ticks, a=[0, 3, 6], start={"a": 6}, mode="live").widget()  # renders a=6 first
    live.inputs[0].value = 0
    assert live.image.value == png(data["frames"][data["index"][0]])


def test_each_frame_is_drawn_once_after_the_layout(monkeypatch):
    e = grid_explorer("static")
    draws = []
    original = e.renderer.figure.canvas.draw
    monkeypatch.setattr(e.renderer.figure.canvas, "draw", lambda: (draws.append(1), original())[1])
    e.frames()
    assert len(draws) == 12 + 1  # 12 frames, plus one layout pass on the start frame


def test_frames_are_rendered_at_twice_the_css_size():
    from PIL import Image
    import io

    e = explore(draw, a=[1.0], kind=["line"], notes=[False, True], figsize=(4.0, 2.5), dpi=80, mode="static")
    html = e.static_html()
    assert 'width="320" height="200"' in html  # shown at figsize × dpi CSS pixels
    image = Image.open(io.BytesIO(e.frame(a=1.0, kind="line", notes=False)))
    assert image.size == (640, 400)  # rendered at 2× so it is sharp on 2× screens, never upscaled
    one = explore(draw, a=[1.0], kind=["line"], notes=[False, True], figsize=(4.0, 2.5), scale=1, mode="static")
    assert Image.open(io.BytesIO(one.frame(a=1.0, kind="line", notes=False))).size == (320, 200)
    with pytest.raises(ValueError, match="scale must be 1, 2 or 3"):
        explore(draw, a=[1.0], kind=["line"], notes=[False, True], scale=1.5)


def test_small_palettes_are_raised_to_keep_thin_lines_whole():
    from PIL import Image
    import io

    e = explore(draw, a=[1.0], kind=["line"], notes=[False, True], colors=16, mode="static")
    assert e.renderer.colors == 64
    assert Image.open(io.BytesIO(e.frame(a=1.0, kind="line", notes=False))).mode == "P"


def test_inactive_controls_are_greyed_out_in_both_worlds():
    def picture(ax, pattern, window):
        ax.plot([0, 1], [0, window if pattern == "sliding" else 1])
        ax.set_ylim(0, 5)

    make = lambda mode: explore(picture, pattern=["causal", "sliding"], window=[1, 2, 4], mode=mode,  # noqa: E731
                                inactive={"window": lambda pattern, **_: pattern != "sliding"})
    data = static_data(make("static").static_html())
    # flat index = pattern * 3 + window: the window slider does nothing for "causal" (indices 0–2)
    assert data["off"] == [[], [0, 1, 2]]
    assert data["index"][0] == data["index"][1] == data["index"][2]  # and those frames are one
    html = make("static").static_html()
    assert re.search(r'<input type="range"[^>]*data-mlx="1"[^>]*disabled', html)
    assert "(no effect here)" in html
    w = make("live").widget()
    pattern, window = w.inputs
    assert window.disabled
    pattern.value = "sliding"
    assert not window.disabled
    with pytest.raises(ValueError, match="inactive names unknown controls"):
        explore(picture, pattern=["causal"], window=[1], inactive={"size": lambda **_: True})
    with pytest.raises(TypeError, match="must be a function"):
        explore(picture, pattern=["causal"], window=[1], inactive={"window": True})


def test_live_sliders_have_a_full_width_track_and_show_their_value():
    w = grid_explorer("live").widget()
    a = w.inputs[0]
    assert a.layout.width == "100%" and a.readout
    assert w.image.layout.width == f"{w_css_width()}px" and w.image.layout.max_width == "100%"


def w_css_width() -> int:
    return round(6.4 * 80)
