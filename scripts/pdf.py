"""The print edition: every built page of the site as one A4 PDF, with a contents page and a cheat sheet per chapter.

    .venv/bin/python scripts/pdf.py [--site _build/html] [--out _build/mlnotes.pdf] [--pages PATH ...]

`make pdf` runs it after `make book`. Each page of the book (`_toc.yml` order; the interactive
flashcards page is left out) is opened in the system Chromium through Playwright from a local server,
offline: MathJax typesets it, every `<details>` is opened (interview answers, folded solutions), code
is wrapped instead of cut, and each slider prints its current frame. Then each chapter's "Cheat sheet
(速查)" section is printed alone, scaled to fit one page. The parts are merged with pypdf behind a
contents page whose entries link to their pages; links between pages of the book become links inside
the PDF (to the exact section: Chromium writes a named destination for every anchor a page links to);
PDF bookmarks mirror the contents; pages are numbered through.

Before printing it checks that an installed font has a glyph for every CJK character of the pages
(`scripts/ensure_cjk_font.sh` installs one), so no Chinese prints as boxes.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import io
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps"]
SKIP = ("chapters/flashcards.html",)  # interactive only: one card at a time makes no sense on paper
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "13mm", "right": "13mm"}
CJK = re.compile("[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
                 "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
SHEET = "__cheatsheet__"  # fake path of a cheat-sheet part, for the contents' links
PRINT_CSS = """
pre, pre code, .highlight pre, div.cell_output pre { white-space: pre-wrap !important; overflow-wrap: anywhere;
  word-break: break-word; overflow: visible !important; }
.cell_output, .output, div.highlight, .mlx { overflow: visible !important; max-height: none !important; }
img, .mlx, mjx-container[display="true"], tr { break-inside: avoid; }
h1, h2, h3, h4, summary { break-after: avoid; }
mjx-container[display="true"] { overflow: visible !important; }
.headerlink, .copybtn, .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area, footer,
.bd-footer-article, .bd-footer-content, .header-article, #mlx-dests-print, .mlx-fc-tools { display: none !important; }
#mlx-dests { position: absolute; left: 0; top: 0; width: 1px; height: 1px; overflow: hidden; }
"""


# ---------------------------------------------------------------- fonts


def cjk_characters(texts) -> set:
    """Every CJK character (Han, kana, CJK punctuation, full-width forms) in the given strings."""
    found = set()
    for t in texts:
        found |= set(CJK.findall(t))
    return found


def cjk_font_files() -> list:
    """Files of the installed fonts fontconfig lists for Chinese (empty without fontconfig or a CJK font)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def missing_glyphs(chars, files=None) -> list:
    """The characters of ``chars`` that no font in ``files`` (default: the installed CJK fonts) has a glyph for."""
    from fontTools.ttLib import TTCollection, TTFont

    covered = set()
    for f in cjk_font_files() if files is None else files:
        fonts = TTCollection(f).fonts if f.lower().endswith((".ttc", ".otc")) else [TTFont(f, lazy=True)]
        for font in fonts:
            covered |= set((font.getBestCmap() or {}).keys())
    return sorted(ch for ch in chars if ord(ch) not in covered)


def check_fonts(site: Path, pages) -> int:
    """Exit status 1 (with what to do) unless every CJK character of the pages has a glyph."""
    texts = [re.sub(r"<[^>]+>", " ", (site / p).read_text(encoding="utf-8")) for p in pages]
    chars = cjk_characters(texts)
    if not chars:
        return 0
    if not cjk_font_files():
        print("no CJK font installed: Chinese would print as boxes. Run scripts/ensure_cjk_font.sh "
              "(Debian: apt-get install fonts-wqy-microhei)", file=sys.stderr)
        return 1
    missing = missing_glyphs(chars)
    if missing:
        print(f"{len(missing)} CJK characters have no glyph in the installed fonts: {''.join(missing)} "
              "(install fonts-noto-cjk)", file=sys.stderr)
        return 1
    print(f"fonts: every one of the {len(chars)} CJK characters has a glyph")
    return 0


# ---------------------------------------------------------------- pages


def book_pages(site: Path) -> list:
    """The site's pages in the book's order (``_toc.yml``), those not printed left out."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    root = re.search(r"^root:\s*(\S+)", toc, re.M)
    files = ([root.group(1)] if root else []) + re.findall(r"file:\s*(\S+)", toc)
    pages = [f"{f.removesuffix('.md')}.html" for f in files]
    return [p for p in pages if (site / p).exists() and p not in SKIP]


def linked_ids(site: Path, pages) -> dict:
    """page -> the anchors other pages (or itself) link to: each becomes a named destination when printed."""
    wanted: dict = {p: set() for p in pages}
    for page in pages:
        folder = Path(page).parent
        for href in re.findall(r'href="([^"#:]*\.html)?#([^"]+)"', (site / page).read_text(encoding="utf-8")):
            target = (folder / href[0]).as_posix() if href[0] else page
            target = re.sub(r"[^/]+/\.\./", "", target)
            if target in wanted:
                wanted[target].add(html.unescape(href[1]))
    return wanted


def serve(site: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def prepare(page, url: str, ids) -> None:
    """Load a page and make it ready to print (see the module docstring)."""
    page.goto(url, wait_until="load")
    page.evaluate("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
    page.evaluate("""ids => {
        document.querySelectorAll('details').forEach(d => d.open = true);
        document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager');
        const box = document.createElement('div'); box.id = 'mlx-dests';
        for (const id of ids) { if (document.getElementById(id)) {
            const a = document.createElement('a'); a.href = '#' + id; a.textContent = '.'; box.appendChild(a); } }
        document.body.prepend(box);
    }""", sorted(ids))
    page.add_style_tag(content=PRINT_CSS)
    page.wait_for_load_state("networkidle")
    page.evaluate("() => Promise.all([...document.images].map(i => i.complete ? 0 : new Promise(r => "
                  "{ i.onload = i.onerror = r; })))")


def print_page(page, **kw) -> bytes:
    return page.pdf(format="A4", print_background=True, margin=MARGIN, **kw)


def cheat_sheet_pdf(page, url: str, title: str):
    """The chapter's cheat-sheet section alone, scaled down until it fits one page; None if it has none."""
    from pypdf import PdfReader

    prepare(page, url, ())
    found = page.evaluate("""title => {
        const s = [...document.querySelectorAll('section[id]')].find(e => /-cheatsheet$/.test(e.id) ||
            /^cheat sheet(?!s)/i.test((e.querySelector('h1,h2,h3') || {}).textContent || ''));  // not "Cheat sheets"
        if (!s) return false;
        const main = document.querySelector('main') || document.body;
        const h = document.createElement('h1'); h.textContent = title;
        const own = s.querySelector('h1,h2,h3');
        if (own) own.remove();  // "Cheat sheet (速查)" is said by the title already
        main.replaceChildren(h, s);
        return true;
    }""", title)
    if not found:
        return None
    for scale in (1.0, 0.9, 0.8, 0.72, 0.65, 0.58, 0.5):
        data = print_page(page, scale=scale)
        if len(PdfReader(io.BytesIO(data)).pages) == 1:
            return data
    return data  # still longer than a page at half size: printed as it is


# ---------------------------------------------------------------- merging


def contents_html(entries, origin: str) -> str:
    """The contents page: one line per part with its first page number (links resolved when merging)."""
    rows = []
    for e in entries:
        href = f"{origin}/{e['path']}" if e["kind"] == "page" else f"{origin}/{SHEET}/{e['path']}"
        rows.append(f'<li class="{e["kind"]}"><a href="{href}"><span>{html.escape(e["title"])}</span>'
                    f'<b>{e["first"]}</b></a></li>')
    sheets = [r for r, e in zip(rows, entries) if e["kind"] == "sheet"]
    pages = [r for r, e in zip(rows, entries) if e["kind"] == "page"]
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
      body {{ font-family: sans-serif; font-size: 11pt; }} h1 {{ font-size: 20pt; margin: 0 0 .2em; }}
      h2 {{ font-size: 13pt; margin: 1.2em 0 .3em; }} ul {{ list-style: none; padding: 0; margin: 0; }}
      li a {{ display: flex; gap: .5em; color: #111; text-decoration: none; padding: .12em 0; }}
      li a span {{ flex: 1; border-bottom: 1px dotted #999; }} li.sheet {{ font-size: 10pt; }}
      p {{ color: #555; }}</style></head><body>
      <h1>mlnotes — executable ML interview notes</h1>
      <p>The print edition of the book's site, printed {time.strftime('%Y-%m-%d')}. Every number was computed when
      its chapter ran; the site has the sliders and the flashcards.</p>
      <h2>Contents</h2><ul>{''.join(pages)}</ul>
      {'<h2>Cheat sheets (速查)</h2><ul>' + ''.join(sheets) + '</ul>' if sheets else ''}
      </body></html>"""


def page_numbers_pdf(browser, n: int) -> bytes:
    """n A4 pages, each with its number at the bottom centre (stamped on the merged book)."""
    body = "".join(f'<div class="p"><span>{i}</span></div>' for i in range(1, n + 1))
    page = browser.new_page()
    page.set_content("<style>@page{size:A4;margin:0} body{margin:0} .p{height:297mm;position:relative;"
                     "break-after:page} .p span{position:absolute;bottom:7mm;width:100%;text-align:center;"
                     f"font:9pt sans-serif;color:#666}}</style>{body}")
    data = page.pdf(format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
    page.close()
    return data


def part_name(part: dict) -> str:
    """The site path of a printed page, or the fake path of a chapter's cheat sheet."""
    return part["path"] if part["kind"] == "page" else f"{SHEET}/{part['path']}"


def merge(parts, contents: bytes, numbers: bytes, origin: str, out: Path) -> int:
    """Merge contents + parts, resolve links, add bookmarks and page numbers; returns the page count."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject

    writer = PdfWriter()
    spans = []  # (part or None for contents, first page index in the book, reader)
    for key, data in [(None, contents)] + [(p, p["pdf"]) for p in parts]:
        reader = PdfReader(io.BytesIO(data))
        spans.append((key, len(writer.pages), reader))
        for pg in reader.pages:
            writer.add_page(pg)
    dests = {}  # (part name, anchor or "") -> (page index in the book, top of the anchor or None)
    owner = [None] * len(writer.pages)  # page index -> name of the part it comes from
    for key, first, reader in spans:
        if key is None:
            continue
        name = part_name(key)
        dests[(name, "")] = (first, None)
        for dname, d in reader.named_destinations.items():
            dests[(name, str(dname).lstrip("/"))] = (first + reader.get_destination_page_number(d),
                                                     getattr(d, "top", None))
        for i in range(len(reader.pages)):
            owner[first + i] = name
    for index, page in enumerate(writer.pages):
        if "/Annots" not in page:
            continue
        kept = ArrayObject()
        for ref in page["/Annots"]:
            a = ref.get_object()
            rect = [float(x) for x in a.get("/Rect", [0, 0, 0, 0])]
            if abs(rect[2] - rect[0]) * abs(rect[3] - rect[1]) < 4:
                continue  # a one-pixel link of the hidden destination list
            target = None
            if "/Dest" in a and not isinstance(a["/Dest"], ArrayObject):
                target = dests.get((owner[index], str(a["/Dest"]).lstrip("/")))
            action = a["/A"].get_object() if "/A" in a else {}
            uri = str(action.get("/URI", ""))
            if uri.startswith(origin + "/"):
                path, _, frag = uri[len(origin) + 1:].partition("#")
                target = dests.get((path, frag)) or dests.get((path, ""))
                if target is None:
                    continue  # a page not printed (e.g. the flashcards): no dead link to the local server
            if target is not None:
                top = FloatObject(target[1]) if target[1] is not None else NullObject()
                a[NameObject("/Dest")] = ArrayObject([writer.pages[target[0]].indirect_reference, NameObject("/XYZ"),
                                                      NullObject(), top, NullObject()])
                if "/A" in a:
                    del a["/A"]
            kept.append(ref)
        page[NameObject("/Annots")] = kept
    stamps = PdfReader(io.BytesIO(numbers))
    for i, page in enumerate(writer.pages):
        page.merge_page(stamps.pages[i])
        page.compress_content_streams()  # merging leaves the page's content uncompressed: half the file
    sheets = None
    for key, first, _ in spans:
        if key is None:
            writer.add_outline_item(title="Contents", page_number=first)
        elif key["kind"] == "page":
            writer.add_outline_item(title=key["title"], page_number=first)
        else:
            sheets = sheets or writer.add_outline_item(title="Cheat sheets (速查)", page_number=first)
            writer.add_outline_item(title=key["title"], page_number=first, parent=sheets)
    writer.add_metadata({"/Title": "mlnotes — executable ML interview notes"})
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)  # objects the parts repeat, stored once
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def title_of(page) -> str:
    return page.evaluate("() => ((document.querySelector('main h1') || {}).textContent || document.title)"
                         ".replace(/[#¶]\\s*$/, '').trim()")


def build(site: Path, out: Path, pages, *, sheets: bool = True) -> dict:
    """Print ``pages`` of ``site`` (and their cheat sheets) into ``out``; returns counts and timings."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    httpd, origin = serve(site)
    wanted = linked_ids(site, pages)
    parts, sheet_parts = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 1200})
            for k, path in enumerate(pages, 1):
                prepare(page, f"{origin}/{path}", wanted[path])
                title = title_of(page)
                parts.append({"kind": "page", "path": path, "title": title, "pdf": print_page(page)})
                print(f"[{k}/{len(pages)}] {path}: {title}", flush=True)
                if sheets and path.startswith("chapters/"):
                    data = cheat_sheet_pdf(page, f"{origin}/{path}", f"Cheat sheet (速查): {title}")
                    if data is not None:
                        sheet_parts.append({"kind": "sheet", "path": path, "title": title, "pdf": data})
            from pypdf import PdfReader

            parts += sheet_parts
            counts = [len(PdfReader(io.BytesIO(p["pdf"])).pages) for p in parts]
            n_contents = 1
            for _ in range(3):  # the contents' own length shifts every page number
                first = n_contents + 1
                for p, n in zip(parts, counts):
                    p["first"] = first
                    first += n
                page.set_content(contents_html(parts, origin))
                contents = print_page(page)
                actual = len(PdfReader(io.BytesIO(contents)).pages)
                if actual == n_contents:
                    break
                n_contents = actual
            numbers = page_numbers_pdf(browser, n_contents + sum(counts))
            browser.close()
    finally:
        httpd.shutdown()
    n = merge(parts, contents, numbers, origin, out)
    return {"pages": n, "parts": len(parts) - len(sheet_parts), "sheets": len(sheet_parts),
            "bytes": out.stat().st_size, "seconds": time.perf_counter() - start}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--site", default=str(ROOT / "_build" / "html"), help="the built site (default: _build/html)")
    p.add_argument("--out", default=str(ROOT / "_build" / "mlnotes.pdf"), help="the PDF to write")
    p.add_argument("--pages", nargs="*", help="only these pages (paths relative to the site), in this order")
    p.add_argument("--no-cheat-sheets", action="store_true", help="leave out the cheat-sheet pages")
    args = p.parse_args(argv)
    site = Path(args.site).resolve()
    if not (site / "index.html").exists():
        print(f"no built site at {site}: run make book first", file=sys.stderr)
        return 2
    pages = args.pages or book_pages(site)
    missing = [x for x in pages if not (site / x).exists()]
    if missing or not pages:
        print(f"pages not in the site: {missing or 'none given'}", file=sys.stderr)
        return 2
    try:
        import pypdf  # noqa: F401
    except ImportError:
        print("the print edition needs pypdf: .venv/bin/pip install pypdf==7.1.1", file=sys.stderr)
        return 2
    if check_fonts(site, pages):
        return 1
    result = build(site, Path(args.out), pages, sheets=not args.no_cheat_sheets)
    print(f"wrote {args.out}: {result['pages']} pages ({result['parts']} pages of the site, {result['sheets']} "
          f"cheat sheets), {result['bytes'] / 1e6:.1f} MB in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
