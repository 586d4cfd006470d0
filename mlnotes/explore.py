"""One call, two worlds: an interactive figure for a live kernel *and* for the static site.

``explore(draw, beta1=[0.5, 0.9, 0.99], optimizer=["sgd", "adam"], notes=[False, True])``
returns an :class:`Explorer` whose rich display carries

* ``application/vnd.jupyter.widget-view+json`` — ipywidgets controls (a ``SelectionSlider``
  per numeric axis, a ``Dropdown`` per string axis, a ``Checkbox`` per boolean axis) that
  re-render the figure in the kernel (Jupyter Lab, VS Code);
* ``text/html`` — the same controls as plain HTML (``<input type=range>``, ``<select>``,
  ``<input type=checkbox>``) over frames precomputed for every point of the grid, swapped by a
  few lines of inline JavaScript: it works on the built site without a kernel.

Both worlds call the same :class:`FrameRenderer`, so the same values give byte-identical PNGs.
The environment variable ``MLNOTES_EXPLORE`` picks what is produced: ``both`` (default),
``live`` (no precomputed frames: fast in Jupyter Lab) or ``static`` (no widget state: lean
pages; the book build uses it).

``draw(axes, **values)`` draws one frame on cleared axes (a single ``Axes`` for a 1×1 grid, else
an array of them); it must set its own axis limits so frames are comparable.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import os
import time
from dataclasses import dataclass
from itertools import product
from typing import Any, Callable

import numpy as np

MAX_FRAMES = 160


@dataclass(frozen=True)
class Control:
    """One axis of the grid: its name, label, values and widget kind."""

    name: str
    label: str
    values: tuple
    kind: str  # "slider" | "dropdown" | "toggle"

    def text(self, value) -> str:
        """The value as shown beside the control."""
        if self.kind == "toggle":
            return "on" if value else "off"
        if isinstance(value, (float, np.floating)):
            return f"{float(value):g}"
        return str(value)


def make_controls(grid: dict[str, Any], labels: dict[str, str] | None = None) -> list[Control]:
    """Turn ``name=[values]`` keyword arguments into checked :class:`Control` objects."""
    labels = labels or {}
    if not grid:
        raise ValueError("explore needs at least one control, e.g. lr=[0.01, 0.1]")
    unknown = set(labels) - set(grid)
    if unknown:
        raise ValueError(f"labels names unknown controls: {sorted(unknown)}")
    controls = []
    for name, values in grid.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{name} must be a list of values, got {type(values).__name__}")
        values = tuple(values)
        if len(values) == 0:
            raise ValueError(f"{name} must list at least one value")
        if all(isinstance(v, (bool, np.bool_)) for v in values):
            if set(values) != {False, True} or len(values) != 2:
                raise ValueError(f"{name}: a toggle takes exactly [False, True], got {list(values)}")
            controls.append(Control(name, labels.get(name, name), (False, True), "toggle"))
        elif all(isinstance(v, str) for v in values):
            if len(set(values)) != len(values):
                raise ValueError(f"{name} has repeated values: {list(values)}")
            controls.append(Control(name, labels.get(name, name), values, "dropdown"))
        elif all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in values):
            if not all(_finite_number(v) for v in values):
                raise ValueError(f"{name} must hold finite numbers, got {list(values)}")
            if len(set(values)) != len(values):
                raise ValueError(f"{name} has repeated values: {list(values)}")
            control = Control(name, labels.get(name, name), values, "slider")
            shown = [control.text(v) for v in values]
            if len(set(shown)) != len(shown):
                raise ValueError(f"{name} has values that display the same ({shown}): round them, e.g. 0.3 not "
                                 "0.30000000000000004")
            controls.append(control)
        else:
            raise TypeError(f"{name} must hold only numbers, only strings or exactly [False, True]")
    return controls


def _finite_number(v) -> bool:
    """True for a number that is a finite float (huge ints like 10**400 are not)."""
    try:
        return bool(np.isfinite(float(v)))
    except (OverflowError, TypeError, ValueError):
        return False


class FrameRenderer:
    """Renders ``draw(axes, **values)`` to PNG bytes, reusing one figure for every frame."""

    def __init__(self, draw: Callable, *, figsize=(6.4, 3.0), nrows=1, ncols=1, dpi=80, colors=256,
                 layout_values: dict | None = None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.draw = draw
        self.colors = colors
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.axes = self.figure.subplots(nrows, ncols, squeeze=True)
        self.seconds: list[float] = []  # whole frame: draw() + rasterise + PNG
        self.draw_seconds: list[float] = []
        # The layout is computed once, on these values (the start frame), whichever frame is asked
        # for first: the live widget and the static page then get byte-identical frames.
        self.layout_values = layout_values
        self._laid_out = False

    def render(self, values: dict) -> bytes:
        """One frame as PNG bytes (palette-quantised: small, lossless for line art)."""
        from PIL import Image

        t0 = time.perf_counter()
        if not self._laid_out:
            # Lay out once, on the start frame, then freeze: faster, and axes never jump between frames.
            self._draw(self.layout_values or values)
            self.figure.canvas.draw()
            self.figure.set_layout_engine("none")  # (a placeholder engine: get_layout_engine() is not None)
            self._laid_out = True
        t1 = time.perf_counter()
        self._draw(values)
        self.draw_seconds.append(time.perf_counter() - t1)  # the chapter's draw(): data + artists
        canvas = self.figure.canvas
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
        image = Image.fromarray(rgb)
        if self.colors:
            image = image.quantize(colors=self.colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        out = io.BytesIO()
        image.save(out, format="PNG")
        self.seconds.append(time.perf_counter() - t0)
        return out.getvalue()


    def _draw(self, values: dict) -> None:
        for ax in np.atleast_1d(self.axes).flat:
            _remove_drawn_artists(ax)
        for legend in list(self.figure.legends):
            legend.remove()
        self.draw(self.axes, **values)
        _check_finite(self.figure, values)


def _check_finite(figure, values: dict) -> None:
    """Refuse a frame whose plotted data holds NaN or inf: matplotlib would silently drop
    those points, hiding a numerical bug at a slider's extreme."""
    for ax in figure.axes:
        arrays = [np.asarray(line.get_xydata(), dtype=float) for line in ax.lines]
        arrays += [np.asarray(c.get_offsets(), dtype=float) for c in ax.collections
                   if len(getattr(c, "get_offsets", lambda: [])())]
        arrays += [np.asarray(im.get_array(), dtype=float) for im in ax.images]
        for arr in arrays:
            if arr.size and not np.all(np.isfinite(arr)):
                raise ValueError(f"the frame for {values} plots NaN or inf values; "
                                 "fix the computation (or drop non-finite points explicitly)")


def _remove_drawn_artists(ax) -> None:
    """Undo a frame's drawing but keep the axes and their tick objects (``ax.clear()`` rebuilds
    every tick, which costs more than the drawing itself). ``draw`` sets limits, scales and
    titles afresh each frame; the colour cycle restarts, so a frame never depends on history."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images, *ax.artists, *ax.tables]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.set_prop_cycle(None)
    ax.set_title("")
    ax.set_title("", loc="left")
    ax.set_title("", loc="right")


class Explorer:
    """An interactive figure over a grid of control values (see the module docstring)."""

    def __init__(self, draw: Callable, controls: list[Control], *, start: dict | None = None,
                 alt: str = "", mode: str | None = None, **figure_kw):
        self.controls = controls
        self.alt = alt or getattr(draw, "__doc__", "") or "interactive figure"
        self.alt = " ".join(self.alt.split())
        self.mode = mode or os.environ.get("MLNOTES_EXPLORE", "both")
        if self.mode not in ("both", "live", "static"):
            raise ValueError(f"MLNOTES_EXPLORE must be both, live or static, got {self.mode!r}")
        n = int(np.prod([len(c.values) for c in controls]))
        if n > MAX_FRAMES:
            sizes = " × ".join(f"{c.name}:{len(c.values)}" for c in controls)
            raise ValueError(f"the grid has {n} frames ({sizes}); keep it ≤ {MAX_FRAMES} so a page stays small")
        start = dict(start or {})
        unknown = set(start) - {c.name for c in controls}
        if unknown:
            raise ValueError(f"start names unknown controls: {sorted(unknown)}")
        self.start_index = []
        for c in controls:
            v = start.get(c.name, c.values[0])
            if v not in c.values:
                raise ValueError(f"start value {c.name}={v!r} is not one of {list(c.values)}")
            self.start_index.append(c.values.index(v))
        self.renderer = FrameRenderer(draw, layout_values=self.values_at(tuple(self.start_index)), **figure_kw)
        self._cache: dict[tuple, bytes] = {}
        self._widget = None

    # -- frames ---------------------------------------------------------------------------
    def values_at(self, index: tuple[int, ...]) -> dict:
        """The control values at a grid index."""
        return {c.name: c.values[i] for c, i in zip(self.controls, index)}

    def frame(self, **values) -> bytes:
        """The PNG for one point of the grid (cached)."""
        index = tuple(c.values.index(values[c.name]) for c in self.controls)
        if index not in self._cache:
            self._cache[index] = self.renderer.render(self.values_at(index))
        return self._cache[index]

    def frames(self) -> list[bytes]:
        """Every frame, in row-major order over the controls."""
        return [self.frame(**self.values_at(ix)) for ix in product(*(range(len(c.values)) for c in self.controls))]

    # -- static world ---------------------------------------------------------------------
    def static_html(self) -> str:
        """Self-contained HTML: controls, the first frame and a tiny script that swaps frames."""
        frames = self.frames()
        unique: dict[bytes, int] = {}
        index = [unique.setdefault(f, len(unique)) for f in frames]
        digest = hashlib.sha1(b"".join(frames) + repr([c.name for c in self.controls]).encode()).hexdigest()[:10]
        uid = f"mlx-{digest}"
        data = {
            "sizes": [len(c.values) for c in self.controls],
            "names": [c.label for c in self.controls],
            "labels": [[c.text(v) for v in c.values] for c in self.controls],
            "index": index,
            "frames": [base64.b64encode(f).decode("ascii") for f in unique],
            "alt": self.alt,
        }
        first = index[int(np.ravel_multi_index(self.start_index, data["sizes"]))]
        parts = [f'<div class="mlx" id="{uid}" role="group" aria-label="{html.escape(self.alt)}">', _STYLE,
                 '<div class="mlx-controls">']
        for k, (c, i) in enumerate(zip(self.controls, self.start_index)):
            cid = f"{uid}-{k}"
            label = f'<label for="{cid}">{html.escape(c.label)}</label>'
            text = html.escape(c.text(c.values[i]))
            if c.kind == "slider":
                parts.append(f'<span class="mlx-c">{label}<input type="range" id="{cid}" data-mlx="{k}" min="0" '
                             f'max="{len(c.values) - 1}" step="1" value="{i}" aria-valuetext="{text}">'
                             f'<output for="{cid}" aria-live="polite">{text}</output></span>')
            elif c.kind == "dropdown":
                opts = "".join(f'<option value="{j}"{" selected" if j == i else ""}>{html.escape(c.text(v))}</option>'
                               for j, v in enumerate(c.values))
                parts.append(f'<span class="mlx-c">{label}<select id="{cid}" data-mlx="{k}">{opts}</select></span>')
            else:
                checked = " checked" if i else ""
                parts.append(f'<span class="mlx-c"><input type="checkbox" id="{cid}" data-mlx="{k}"{checked}>{label}'
                             f'<output for="{cid}" aria-live="polite">{text}</output></span>')
        state = ", ".join(f"{c.label} = {c.text(c.values[i])}" for c, i in zip(self.controls, self.start_index))
        parts.append("</div>")
        parts.append(f'<img class="mlx-frame" src="data:image/png;base64,{data["frames"][first]}" '
                     f'alt="{html.escape(self.alt)} — {html.escape(state)}" data-state="{html.escape(state)}">')
        parts.append(f'<script type="application/json" class="mlx-data">{json.dumps(data)}</script>')
        parts.append(f"<script>{_SCRIPT.replace('UID', uid)}</script></div>")
        out = "".join(parts)
        self._record_stats(len(frames), len(unique), len(out))
        return out

    def _record_stats(self, n_frames: int, n_unique: int, n_bytes: int) -> None:
        """Append render timings to ``$MLNOTES_EXPLORE_STATS`` (used by ``make bench`` only)."""
        path = os.environ.get("MLNOTES_EXPLORE_STATS")
        if not path:
            return
        ms = np.array(self.renderer.seconds or [0.0]) * 1e3
        draw_ms = np.array(self.renderer.draw_seconds or [0.0]) * 1e3
        raster_ms = ms - draw_ms if len(draw_ms) == len(ms) else ms  # rasterise + PNG, per frame
        row = {"alt": self.alt, "frames": n_frames, "unique": n_unique, "html_bytes": n_bytes,
               "render_ms_median": float(np.median(ms)), "render_ms_max": float(ms.max()),
               "draw_ms_median": float(np.median(draw_ms)), "raster_ms_median": float(np.median(raster_ms)),
               "cwd": os.getcwd()}
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")

    # -- live world -----------------------------------------------------------------------
    def widget(self):
        """The ipywidgets control (created once): sliders, dropdowns and checkboxes over an Image."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as w

        inputs = []
        for c, i in zip(self.controls, self.start_index):
            options = [(c.text(v), v) for v in c.values]
            layout = w.Layout(width="auto")
            style = {"description_width": "initial"}
            if c.kind == "slider":
                inputs.append(w.SelectionSlider(options=options, value=c.values[i], description=c.label,
                                                continuous_update=True, style=style, layout=layout))
            elif c.kind == "dropdown":
                inputs.append(w.Dropdown(options=options, value=c.values[i], description=c.label, style=style,
                                         layout=layout))
            else:
                inputs.append(w.Checkbox(value=c.values[i], description=c.label, indent=False, layout=layout))
        image = w.Image(value=self.frame(**self.values_at(tuple(self.start_index))), format="png")

        def update(_change=None):
            image.value = self.frame(**{c.name: box.value for c, box in zip(self.controls, inputs)})

        for box in inputs:
            box.observe(update, names="value")
        self._widget = w.VBox([w.HBox(inputs, layout=w.Layout(flex_flow="row wrap")), image])
        self._widget.inputs, self._widget.image = inputs, image
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        names = ", ".join(f"{c.name}[{len(c.values)}]" for c in self.controls)
        bundle: dict[str, Any] = {"text/plain": f"<interactive figure over {names}: {self.alt}>"}
        if self.mode in ("both", "live"):
            bundle.update({k: v for k, v in self.widget()._repr_mimebundle_().items() if k != "text/plain"})
        if self.mode in ("both", "static"):
            bundle["text/html"] = self.static_html()
        return bundle


def explore(draw: Callable, *, figsize=(6.4, 3.0), nrows=1, ncols=1, dpi=80, labels=None, start=None, alt="",
            colors=256, mode=None, **grid) -> Explorer:
    """An interactive figure of ``draw(axes, **values)`` over a grid of control values.

    ``grid``: ``name=[values]`` — numbers give a slider, strings a dropdown, ``[False, True]``
    a toggle. ``labels`` maps names to shown labels, ``start`` picks the first frame, ``alt``
    describes the figure for screen readers; ``mode`` overrides ``$MLNOTES_EXPLORE``.
    See chapter: chapters/optimizers.md.
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable, got {type(draw).__name__}")
    controls = make_controls(grid, labels)
    return Explorer(draw, controls, start=start, alt=alt, mode=mode, figsize=figsize, nrows=nrows, ncols=ncols, dpi=dpi,
                    colors=colors)


_STYLE = ("<style>.mlx{margin:.5em 0}.mlx-controls{display:flex;flex-wrap:wrap;gap:.3em 1.2em;"
          "align-items:center;font-size:.9em}.mlx-c{display:inline-flex;gap:.4em;align-items:center}"
          ".mlx-c output{min-width:3.5em;font-variant-numeric:tabular-nums}.mlx-frame{max-width:100%;"
          "height:auto;display:block}</style>")

_SCRIPT = """(function(){var r=document.getElementById("UID");if(!r)return;
var d=JSON.parse(r.querySelector("script.mlx-data").textContent),img=r.querySelector("img.mlx-frame");
var cs=Array.prototype.slice.call(r.querySelectorAll("[data-mlx]"));
function up(){var ix=0,st=[];cs.forEach(function(c,k){var i=c.type==="checkbox"?(c.checked?1:0):parseInt(c.value,10);
ix=ix*d.sizes[k]+i;var t=d.labels[k][i],o=r.querySelector('output[for="'+c.id+'"]');if(o)o.textContent=t;
if(c.type==="range")c.setAttribute("aria-valuetext",t);st.push(d.names[k]+" = "+t);});
var s=st.join(", ");img.src="data:image/png;base64,"+d.frames[d.index[ix]];img.alt=d.alt+" — "+s;img.dataset.state=s;}
cs.forEach(function(c){c.addEventListener("input",up);c.addEventListener("change",up);});})();"""
