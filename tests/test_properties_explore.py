"""Property-based tests of mlnotes.explore: make_controls on random grids (kinds, order, values kept; bad grids
rejected with clear errors), and rendered frames: deterministic PNGs, and a draw that plots NaN or inf (line,
scatter or image) raises ValueError instead of silently dropping the points."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlnotes.explore import MAX_FRAMES, Explorer, FrameRenderer, make_controls
from tests.hypothesis_settings import PROPERTIES

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
NUMBERS = st.one_of(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=6, unique=True),
                    st.lists(st.integers(-1000, 1000), min_size=1, max_size=6, unique=True))
STRINGS = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=5, unique=True)
TOGGLE = st.just([False, True])


@PROPERTIES
@given(grid=st.dictionaries(NAMES, st.one_of(NUMBERS, STRINGS, TOGGLE), min_size=1, max_size=4), data=st.data())
def test_make_controls_keeps_names_order_values_and_picks_the_widget(grid, data):
    named = data.draw(st.lists(st.sampled_from(sorted(grid)), unique=True), label="labelled")
    labels = {name: name.upper() + " label" for name in named}
    controls = make_controls(grid, labels)
    assert [c.name for c in controls] == list(grid)
    for c in controls:
        values = grid[c.name]
        assert c.values == tuple(values)
        assert c.label == labels.get(c.name, c.name)
        if values == [False, True]:
            assert c.kind == "toggle" and [c.text(v) for v in c.values] == ["off", "on"]
        elif all(isinstance(v, str) for v in values):
            assert c.kind == "dropdown" and [c.text(v) for v in values] == values
        else:
            assert c.kind == "slider"


@PROPERTIES
@given(values=NUMBERS, bad=st.sampled_from([np.nan, np.inf, -np.inf]), at=st.integers(0, 6))
def test_make_controls_rejects_non_finite_numbers(values, bad, at):
    values = list(values)
    values.insert(at % (len(values) + 1), bad)
    with pytest.raises(ValueError, match="finite numbers"):
        make_controls({"x": values})


@PROPERTIES
@given(values=st.one_of(NUMBERS, STRINGS), at=st.integers(0, 5))
def test_make_controls_rejects_repeated_values(values, at):
    values = list(values) + [values[at % len(values)]]
    with pytest.raises(ValueError, match="repeated values"):
        make_controls({"x": values})


@PROPERTIES
@given(numbers=NUMBERS, strings=STRINGS)
def test_make_controls_rejects_mixed_kinds_and_bad_toggles(numbers, strings):
    with pytest.raises(TypeError, match="only numbers, only strings"):
        make_controls({"x": [numbers[0], strings[0]]})
    with pytest.raises(ValueError, match="exactly \\[False, True\\]"):
        make_controls({"x": [True]})
    with pytest.raises(ValueError, match="at least one value"):
        make_controls({"x": []})
    with pytest.raises(TypeError, match="list of values"):
        make_controls({"x": strings[0]})


@PROPERTIES
@given(sizes=st.lists(st.integers(1, 12), min_size=1, max_size=4))
def test_explorer_refuses_grids_over_the_frame_budget(sizes):
    grid = {f"c{i}": list(range(n)) for i, n in enumerate(sizes)}
    n = int(np.prod(sizes))
    if n > MAX_FRAMES:
        with pytest.raises(ValueError, match=f"the grid has {n} frames"):
            Explorer(lambda ax, **v: None, make_controls(grid))
    else:
        assert len(Explorer(lambda ax, **v: None, make_controls(grid)).controls) == len(sizes)


# -- frames ------------------------------------------------------------------------------------------------------
def draw_kind(ax, kind, y):
    """A line, a scatter or an image of y; fixed limits."""
    x = np.arange(len(y), dtype=float)
    if kind == "line":
        ax.plot(x, y)
    elif kind == "scatter":
        ax.scatter(x, y)
    else:
        ax.imshow(np.vstack([y, y]))
    ax.set_xlim(-1, len(y))
    ax.set_ylim(-10, 10)


FRAME_SETTINGS = settings(PROPERTIES, max_examples=min(PROPERTIES.max_examples, 8))  # a frame costs ~50 ms
RENDERER = FrameRenderer(draw_kind, figsize=(2, 1.5), dpi=40)


@FRAME_SETTINGS
@given(kind=st.sampled_from(["line", "scatter", "image"]),
       y=hnp.arrays(np.float64, st.integers(2, 12), elements=st.floats(-5, 5)),
       bad=st.sampled_from([np.nan, np.inf, -np.inf]), at=st.integers(0, 11))
def test_frames_are_deterministic_and_non_finite_data_raises(kind, y, bad, at):
    first = RENDERER.render({"kind": kind, "y": y})
    assert first.startswith(b"\x89PNG")
    assert RENDERER.render({"kind": kind, "y": y}) == first  # the same values give the same bytes
    y_bad = y.copy()
    y_bad[at % len(y)] = bad
    with pytest.raises(ValueError, match="plots NaN or inf"):
        RENDERER.render({"kind": kind, "y": y_bad})
    assert RENDERER.render({"kind": kind, "y": y}) == first  # a refused frame leaves nothing behind
