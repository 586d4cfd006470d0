"""Every link, anchor and image inside the built site resolves (no browser needed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import _missing, site_dir

pytestmark = pytest.mark.browser


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.refs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, key, a[key]))


def _parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def test_internal_links_anchors_and_images_resolve():
    root = site_dir()
    if not (root / "index.html").exists():
        _missing(f"no built site at {root}")
    pages = [p for p in root.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts]
    parsed = {p.resolve(): _parse(p) for p in pages}
    broken = []
    for page, info in parsed.items():
        for tag, key, ref in info.refs:
            url = urlsplit(ref)
            if url.scheme or ref.startswith(("data:", "mailto:", "javascript:", "//")):
                continue  # external links are allowed in text; requests to them are tested in the browser
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(root)}: {tag} {key}={ref} → missing file")
                continue
            if url.fragment and target.suffix == ".html" and target in parsed:
                if unquote(url.fragment) not in parsed[target].ids:
                    broken.append(f"{page.relative_to(root)}: {key}={ref} → no anchor #{url.fragment}")
    assert broken == [], "broken internal references:\n" + "\n".join(sorted(set(broken)))


_MLX = re.compile(r'<script type="application/json" class="mlx-data">(.*?)</script>', re.S)


def test_every_frame_of_every_figure_is_a_file_on_the_site():
    """Frames are moved out of the pages (``_ext/mlnotes_site.py``): each one must exist, and no page
    still carries a base64 frame (which would make it download every frame at load)."""
    import json

    root = site_dir()
    if not (root / "index.html").exists():
        _missing(f"no built site at {root}")
    missing, inline, n = [], [], 0
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for m in _MLX.finditer(text):
            for frame in json.loads(m.group(1))["frames"]:
                n += 1
                if frame.startswith("data:"):
                    inline.append(page.name)
                elif not (page.parent / frame).resolve().is_file():
                    missing.append(f"{page.relative_to(root)}: {frame}")
    assert n > 0, "no interactive figure found on the site"
    assert inline == [], f"pages still embed frames: {sorted(set(inline))}"
    assert missing == [], "frames missing:\n" + "\n".join(missing)
