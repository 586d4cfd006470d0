"""Fixtures for the browser tests: a local server over the built site and headless Chromium.

The site is ``$MLNOTES_SITE`` (``make test`` points it at the strict build) or ``_build/html``.
Without Chromium or Playwright the tests skip with a loud message, except under
``MLNOTES_REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-default-apps", "--disable-extensions"]


def _missing(what: str, tests: str = "BROWSER TESTS"):
    msg = f"!!!!!!!! {tests} NOT RUN: {what} !!!!!!!!"
    if os.environ.get("MLNOTES_REQUIRE_BROWSER") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


def site_dir() -> Path:
    return Path(os.environ.get("MLNOTES_SITE", ROOT / "_build" / "html")).resolve()


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root."""
    root = site_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    root = site_dir()
    if not (root / "index.html").exists():
        _missing(f"no built site at {root} (run make book)")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is missing (pip install -r requirements.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageLog:
    """What a page did while loading: console errors, page errors, requests, failures."""

    def __init__(self, page, origin: str):
        self.errors, self.offsite, self.failed = [], [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: self._request(r.url, origin))
        # A request the page itself abandoned (a reload or navigation while fonts load) is not a broken
        # link: missing files show up as HTTP errors below.
        page.on("requestfailed", lambda r: "ERR_ABORTED" in (r.failure or "")
                or self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"HTTP {r.status} {r.url}"))

    def _request(self, url: str, origin: str):
        if not (url.startswith(origin + "/") or url.startswith("data:") or url.startswith("blob:")):
            self.offsite.append(url)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    pg = context.new_page()
    pg.log = PageLog(pg, server)
    pg.origin = server
    yield pg
    context.close()


def page_weight(browser_, origin: str, path: str) -> dict:
    """Bytes a reader downloads for one page, raw and gzip-compressed (as a static host serves them):
    at load, and after reaching for every figure's controls (which fetches all its frames).

    Returns ``{"load_raw", "load_gzip", "all_raw", "all_gzip", "requests"}``; used by the page-budget
    test and by ``make bench``."""
    import gzip

    context = browser_.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    bodies: dict[str, bytes] = {}

    def keep(response):
        try:
            bodies.setdefault(response.url, response.body())
        except Exception:  # a redirect or an aborted request has no body
            pass

    page.on("response", keep)
    page.goto(f"{origin}/{path}", wait_until="load")
    page.wait_for_load_state("networkidle")
    at_load = dict(bodies)
    page.evaluate("() => document.querySelectorAll('.mlx').forEach(w => w.dispatchEvent(new Event('pointerenter')))")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    everything = dict(bodies)
    context.close()

    def size(group, zipped):
        return sum(len(gzip.compress(b, 6)) if zipped else len(b) for b in group.values())

    return {"load_raw": size(at_load, False), "load_gzip": size(at_load, True), "all_raw": size(everything, False),
            "all_gzip": size(everything, True), "requests": len(everything)}
