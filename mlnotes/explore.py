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

Frames are rendered at ``scale`` (2) times the CSS size (``figsize`` × ``dpi`` CSS pixels) and
shown at the CSS size, so they are sharp on 2× screens and never upscaled. On the site, the
book's Sphinx extension moves the frames out of the page into files fetched when the reader
first reaches for a control (``_ext/mlnotes_site.py``). A control that does nothing in some
states is greyed out there (``inactive``), in both worlds.
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
MIN_COLORS = 64  # the smallest PNG palette (0 = full RGB)


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

    def __init__(self, draw: Callable, *, figsize=(6.4, 3.0), nrows=1, ncols=1, dpi=80, scale=2, colors=256,
                 layout_values: dict | None = None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        if scale not in (1, 2, 3):
            raise ValueError(f"scale must be 1, 2 or 3 (device pixels per CSS pixel), got {scale!r}")
        self.draw = draw
        # A palette below 64 colours breaks thin anti-aliased lines (contours turn dashed) at 2×.
        self.colors = max(int(colors), MIN_COLORS) if colors else 0
        self.scale = scale
        #: the size the frame is shown at, in CSS pixels (its PNG has ``scale`` times as many)
        self.css_size = (round(figsize[0] * dpi), round(figsize[1] * dpi))
        self.figure = Figure(figsize=figsize, dpi=dpi * scale, layout="constrained")
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
    ax.containers.clear()  # bar containers: a legend would otherwise list every frame's bars
    ax.set_prop_cycle(None)
    ax.set_title("")
    ax.set_title("", loc="left")
    ax.set_title("", loc="right")


class Explorer:
    """An interactive figure over a grid of control values (see the module docstring)."""

    def __init__(self, draw: Callable, controls: list[Control], *, start: dict | None = None,
                 alt: str = "", mode: str | None = None, inactive: dict | None = None, **figure_kw):
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
        self.inactive = dict(inactive or {})
        unknown = set(self.inactive) - {c.name for c in controls}
        if unknown:
            raise ValueError(f"inactive names unknown controls: {sorted(unknown)}")
        for name, rule in self.inactive.items():
            if not callable(rule):
                raise TypeError(f"inactive[{name!r}] must be a function of the control values, e.g. "
                                f"lambda pattern, **_: pattern != 'sliding window'")
        self.renderer = FrameRenderer(draw, layout_values=self.values_at(tuple(self.start_index)), **figure_kw)
        self._cache: dict[tuple, bytes] = {}
        self._widget = None

    # -- frames ---------------------------------------------------------------------------
    def values_at(self, index: tuple[int, ...]) -> dict:
        """The control values at a grid index."""
        return {c.name: c.values[i] for c, i in zip(self.controls, index)}

    def grid(self) -> list[tuple[int, ...]]:
        """Every grid index, in row-major order over the controls."""
        return list(product(*(range(len(c.values)) for c in self.controls)))

    def frame(self, **values) -> bytes:
        """The PNG for one point of the grid (cached)."""
        index = tuple(c.values.index(values[c.name]) for c in self.controls)
        if index not in self._cache:
            self._cache[index] = self.renderer.render(self.values_at(index))
        return self._cache[index]

    def frames(self) -> list[bytes]:
        """Every frame, in row-major order over the controls."""
        return [self.frame(**self.values_at(ix)) for ix in self.grid()]

    def is_inactive(self, name: str, values: dict) -> bool:
        """True if control ``name`` has no effect at ``values`` (it is greyed out there)."""
        rule = self.inactive.get(name)
        return bool(rule(**values)) if rule else False

    # -- static world ---------------------------------------------------------------------
    def static_html(self) -> str:
        """Self-contained HTML: controls, the start frame and a tiny script that swaps frames.

        Frames are ``data:`` URLs here; the book's Sphinx extension replaces them with files."""
        frames = self.frames()
        unique: dict[bytes, int] = {}
        index = [unique.setdefault(f, len(unique)) for f in frames]
        digest = hashlib.sha1(b"".join(frames) + repr([c.name for c in self.controls]).encode()).hexdigest()[:10]
        uid = f"mlx-{digest}"
        grid = self.grid()
        data = {
            "sizes": [len(c.values) for c in self.controls],
            "names": [c.label for c in self.controls],
            "labels": [[c.text(v) for v in c.values] for c in self.controls],
            "index": index,
            "frames": ["data:image/png;base64," + base64.b64encode(f).decode("ascii") for f in unique],
            "alt": self.alt,
            # per control: the flat grid indices where it has no effect
            "off": [[k for k, ix in enumerate(grid) if self.is_inactive(c.name, self.values_at(ix))]
                    for c in self.controls],
        }
        start_values = self.values_at(tuple(self.start_index))
        first = index[int(np.ravel_multi_index(self.start_index, data["sizes"]))]
        width, height = self.renderer.css_size
        parts = [f'<div class="mlx" id="{uid}" role="group" aria-label="{html.escape(self.alt)}">', _STYLE,
                 '<div class="mlx-controls">']
        for k, (c, i) in enumerate(zip(self.controls, self.start_index)):
            cid = f"{uid}-{k}"
            off = self.is_inactive(c.name, start_values)
            disabled = " disabled" if off else ""
            label = f'<label for="{cid}">{html.escape(c.label)}</label>'
            text = html.escape(c.text(c.values[i]) + (_OFF if off else ""))
            if c.kind == "slider":
                parts.append(f'<span class="mlx-c mlx-slider">{label}<input type="range" id="{cid}" data-mlx="{k}" '
                             f'min="0" max="{len(c.values) - 1}" step="1" value="{i}" '
                             f'aria-valuetext="{html.escape(c.text(c.values[i]))}"{disabled}>'
                             f'<output for="{cid}" aria-live="polite">{text}</output></span>')
            elif c.kind == "dropdown":
                opts = "".join(f'<option value="{j}"{" selected" if j == i else ""}>{html.escape(c.text(v))}</option>'
                               for j, v in enumerate(c.values))
                parts.append(f'<span class="mlx-c">{label}<select id="{cid}" data-mlx="{k}"{disabled}>{opts}</select>'
                             '</span>')
            else:
                checked = " checked" if i else ""
                parts.append(f'<span class="mlx-c"><input type="checkbox" id="{cid}" data-mlx="{k}"{checked}{disabled}>'
                             f'{label}<output for="{cid}" aria-live="polite">{text}</output></span>')
        state = ", ".join(f"{c.label} = {c.text(c.values[i])}" for c, i in zip(self.controls, self.start_index))
        parts.append("</div>")
        parts.append(f'<img class="mlx-frame" src="{data["frames"][first]}" width="{width}" height="{height}" '
                     f'alt="{html.escape(self.alt)} — {html.escape(state)}" data-state="{html.escape(state)}">')
        parts.append(f'<script type="application/json" class="mlx-data">{json.dumps(data)}</script>')
        parts.append(f"<script>{_SCRIPT.replace('UID', uid).replace('OFFTEXT', _OFF)}</script></div>")
        out = "".join(parts)
        self._record_stats(len(frames), list(unique), len(out))
        return out

    def _record_stats(self, n_frames: int, unique: list[bytes], n_bytes: int) -> None:
        """Append render timings and sizes to ``$MLNOTES_EXPLORE_STATS`` (used by ``make bench`` only)."""
        path = os.environ.get("MLNOTES_EXPLORE_STATS")
        if not path:
            return
        ms = np.array(self.renderer.seconds or [0.0]) * 1e3
        draw_ms = np.array(self.renderer.draw_seconds or [0.0]) * 1e3
        raster_ms = ms - draw_ms if len(draw_ms) == len(ms) else ms  # rasterise + PNG, per frame
        row = {"alt": self.alt, "frames": n_frames, "unique": len(unique), "html_bytes": n_bytes,
               "png_bytes": sum(len(f) for f in unique),
               "render_ms_median": float(np.median(ms)), "render_ms_max": float(ms.max()),
               "draw_ms_median": float(np.median(draw_ms)), "raster_ms_median": float(np.median(raster_ms)),
               "cwd": os.getcwd()}
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")

    # -- live world -----------------------------------------------------------------------
    def widget(self):
        """The ipywidgets control (created once): the site's controls, in its order, over an Image.

        Sliders get a row of their own with a full-width track and the value shown beside it."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as w

        label_width = f"{max(len(c.label) for c in self.controls) * 0.62 + 1.2:.1f}em"
        style = {"description_width": label_width}
        inputs, rows, inline = [], [], []
        for c, i in zip(self.controls, self.start_index):
            options = [(c.text(v), v) for v in c.values]
            if c.kind == "slider":
                box = w.SelectionSlider(options=options, value=c.values[i], description=c.label,
                                        continuous_update=True, readout=True, style=style,
                                        layout=w.Layout(width="100%", max_width="44em"))
                rows.append(box)
            elif c.kind == "dropdown":
                box = w.Dropdown(options=options, value=c.values[i], description=c.label, style=style,
                                 layout=w.Layout(width="auto", min_width="16em"))
                inline.append(box)
            else:
                box = w.Checkbox(value=c.values[i], description=c.label, indent=False,
                                 layout=w.Layout(width="auto", margin="0 1.5em 0 0"))
                inline.append(box)
            box.tooltip = c.label
            inputs.append(box)
        width, height = self.renderer.css_size
        image = w.Image(value=self.frame(**self.values_at(tuple(self.start_index))), format="png",
                        layout=w.Layout(width=f"{width}px", max_width="100%", height="auto"))

        def update(_change=None):
            values = {c.name: box.value for c, box in zip(self.controls, inputs)}
            for c, box in zip(self.controls, inputs):
                box.disabled = self.is_inactive(c.name, values)
            image.value = self.frame(**values)

        for box in inputs:
            box.observe(update, names="value")
        update()
        children = [w.HBox(inline, layout=w.Layout(flex_flow="row wrap", align_items="center"))] if inline else []
        self._widget = w.VBox(children + rows + [image])
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


def explore(draw: Callable, *, figsize=(6.4, 3.0), nrows=1, ncols=1, dpi=80, scale=2, labels=None, start=None,
            alt="", colors=256, mode=None, inactive=None, **grid) -> Explorer:
    """An interactive figure of ``draw(axes, **values)`` over a grid of control values.

    ``grid``: ``name=[values]`` — numbers give a slider, strings a dropdown, ``[False, True]``
    a toggle. ``labels`` maps names to shown labels, ``start`` picks the first frame, ``alt``
    describes the figure for screen readers; ``mode`` overrides ``$MLNOTES_EXPLORE``.
    ``figsize`` (inches) × ``dpi`` is the CSS size; frames have ``scale`` × as many pixels.
    ``inactive={"window": lambda pattern, **_: pattern != "sliding window"}`` greys a control
    out (with a note beside its value) wherever it has no effect.
    See chapter: chapters/optimizers.md.
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable, got {type(draw).__name__}")
    controls = make_controls(grid, labels)
    return Explorer(draw, controls, start=start, alt=alt, mode=mode, inactive=inactive, figsize=figsize, nrows=nrows,
                    ncols=ncols, dpi=dpi, scale=scale, colors=colors)


_OFF = " (no effect here)"

_STYLE = ("<style>.mlx{margin:.5em 0}.mlx-controls{display:flex;flex-wrap:wrap;gap:.35em 1.4em;"
          "align-items:center;font-size:.9em;max-width:44em}.mlx-c{display:inline-flex;gap:.5em;align-items:center}"
          ".mlx-slider{flex:1 1 100%}.mlx-slider label{min-width:7em}.mlx-slider input{flex:1 1 auto;min-width:6em}"
          ".mlx-c output{min-width:4em;font-variant-numeric:tabular-nums}"
          ".mlx-c :disabled,.mlx-c :disabled~output{opacity:.55}"
          ".mlx-frame{max-width:100%;height:auto;display:block}</style>")

_SCRIPT = """(function(){var r=document.getElementById("UID");if(!r)return;
var d=JSON.parse(r.querySelector("script.mlx-data").textContent),img=r.querySelector("img.mlx-frame");
var cs=Array.prototype.slice.call(r.querySelectorAll("[data-mlx]")),got=false;
function fetchAll(){if(got)return;got=true;d.frames.forEach(function(f){if(f.slice(0,5)!=="data:"){var i=new Image();i.src=f;}});}
function up(){var ix=0,st=[];cs.forEach(function(c,k){var i=c.type==="checkbox"?(c.checked?1:0):parseInt(c.value,10);
ix=ix*d.sizes[k]+i;});cs.forEach(function(c,k){var i=c.type==="checkbox"?(c.checked?1:0):parseInt(c.value,10);
var t=d.labels[k][i],off=d.off[k].indexOf(ix)>=0,o=r.querySelector('output[for="'+c.id+'"]');c.disabled=off;
if(o)o.textContent=t+(off?"OFFTEXT":"");if(c.type==="range")c.setAttribute("aria-valuetext",t);st.push(d.names[k]+" = "+t);});
var s=st.join(", ");img.src=d.frames[d.index[ix]];img.alt=d.alt+" — "+s;img.dataset.state=s;}
["pointerenter","focusin","touchstart"].forEach(function(e){r.addEventListener(e,fetchAll,{passive:true});});
cs.forEach(function(c){c.addEventListener("input",up);c.addEventListener("change",up);});})();"""
