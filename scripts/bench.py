"""make bench: measure the book's build, execution, page weight and slider speed.

Writes bench/results.json and bench/RESULTS.md and refreshes the table in README.md.
A benchmark, not a test: it reports numbers against the targets, it does not fail on them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench"
TMP = OUT / "tmp"
TARGETS = {"cached_rebuild_s": 10, "chapter_exec_s": 20, "page_mb": 1.5, "switch_ms": 50, "render_ms": 60}


def build(path_output: Path, *extra: str, env_extra: dict | None = None) -> float:
    env = dict(os.environ, MLNOTES_EXPLORE="static", MPLBACKEND="Agg", **(env_extra or {}))
    cmd = [str(ROOT / ".venv/bin/jupyter-book"), "build", str(ROOT), "--path-output", str(path_output), *extra]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def execution_times(cache_dir: Path) -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    times = {}
    for record in cache.list_cache_records():
        secs = (record.data or {}).get("execution_seconds")
        uri = Path(record.uri).relative_to(ROOT).as_posix() if Path(record.uri).is_absolute() else record.uri
        if secs is not None:
            times[uri] = round(secs, 2)
    return times


def page_sizes(html_dir: Path) -> dict[str, float]:
    """Bytes of each chapter page plus the local images it references (shared JS/CSS aside)."""
    sizes = {}
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir).as_posix()
        if rel.startswith(("_static", "_sources")) or rel in ("genindex.html", "search.html", "index.html"):
            continue
        text = page.read_text(encoding="utf-8")
        total = len(text.encode("utf-8"))
        for src in re.findall(r'<img[^>]+src="(?!data:|https?:)([^"]+)"', text):
            img = (page.parent / src).resolve()
            if img.exists() and "_static" not in img.parts:
                total += img.stat().st_size
        sizes[rel] = round(total / 1e6, 3)
    return sizes


def frame_switch_times(html_dir: Path) -> dict[str, dict]:
    """Median and max time from a slider's input event to the new frame decoded, per page."""
    sys.path.insert(0, str(ROOT))
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _QuietHandler

    if not Path(CHROMIUM).exists():
        return {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    js = """async () => {
      const out = [];
      for (const c of document.querySelectorAll('.mlx input[type=range]')) {
        const img = c.closest('.mlx').querySelector('img.mlx-frame');
        const n = parseInt(c.max, 10) + 1;
        for (let k = 0; k < 2 * n; k++) {
          const t0 = performance.now();
          c.value = String((parseInt(c.value, 10) + 1) % n);
          c.dispatchEvent(new Event('input', {bubbles: true}));
          await img.decode();
          await new Promise(r => requestAnimationFrame(r));
          out.push(performance.now() - t0);
        }
      }
      return out;
    }"""
    result = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for html in sorted(html_dir.glob("chapters/*.html")):
            rel = html.relative_to(html_dir).as_posix()
            page.goto(f"{origin}/{rel}", wait_until="networkidle")
            times = page.evaluate(js)
            if times:
                result[rel] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                               "switches": len(times)}
        browser.close()
    httpd.shutdown()
    return result


def rag_numbers() -> dict:
    """The retrieval bench of `mlnotes ask` (index build, model load, query latency, BM25 vs bm25s)."""
    sys.path.insert(0, str(ROOT))
    try:
        from mlnotes.rag.bench import measure
    except ImportError:
        return {}
    print("retrieval bench (mlnotes ask)…", flush=True)
    return measure()


def render_stats(path: Path) -> dict[str, dict]:
    per_chapter: dict[str, list] = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        row = json.loads(line)
        per_chapter.setdefault(Path(row["cwd"]).name, []).append(row)
    rows = [r for rs in per_chapter.values() for r in rs]
    if not rows:
        return {}
    return {"widgets": len(rows), "frames": sum(r["frames"] for r in rows),
            "render_ms_median": round(statistics.median(r["render_ms_median"] for r in rows), 1),
            "raster_ms_median": round(statistics.median(r["raster_ms_median"] for r in rows), 1),
            "raster_ms_worst_widget_median": round(max(r["raster_ms_median"] for r in rows), 1),
            "draw_ms_median": round(statistics.median(r["draw_ms_median"] for r in rows), 1),
            "slowest": sorted(({"widget": r["alt"][:60], "frame_ms": round(r["render_ms_median"], 1),
                                "draw_ms": round(r["draw_ms_median"], 1)} for r in rows),
                              key=lambda x: -x["frame_ms"])[:3],
            "render_ms_worst_widget_median": round(max(r["render_ms_median"] for r in rows), 1),
            "render_ms_max": round(max(r["render_ms_max"] for r in rows), 1)}


def main() -> None:
    shutil.rmtree(TMP, ignore_errors=True)
    TMP.mkdir(parents=True)
    stats_file = TMP / "explore-stats.jsonl"
    print("cold build (empty cache, every chapter executed)…", flush=True)
    cold = build(TMP / "book", "--all", env_extra={"MLNOTES_EXPLORE_STATS": str(stats_file)})
    print("cached rebuild with nothing changed…", flush=True)
    cached = build(TMP / "book")
    html = TMP / "book" / "_build" / "html"
    results = {
        "cold_build_s": round(cold, 1),
        "cached_rebuild_s": round(cached, 1),
        "chapter_exec_s": execution_times(TMP / "book" / "_build" / ".jupyter_cache"),
        "page_mb": page_sizes(html),
        "frames": render_stats(stats_file),
        "switch": frame_switch_times(html),
        "rag": rag_numbers(),
        "machine": f"{os.cpu_count()} cores",
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (OUT / "RESULTS.md").write_text("# Bench results (`make bench`)\n\n" + table + "\n")
    readme = ROOT / "README.md"
    if readme.exists():
        text = readme.read_text()
        new = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + table + "\n" + m.group(2),
                     text, flags=re.S)
        readme.write_text(new)
    print(table)
    shutil.rmtree(TMP / "book", ignore_errors=True)


def markdown(r: dict) -> str:
    t = TARGETS
    ok = lambda good: "✓" if good else "✗"  # noqa: E731
    lines = ["| measure | value | target | |", "|---|---|---|---|",
             f"| cold build, empty cache (all chapters executed) | {r['cold_build_s']} s | — | |",
             f"| cached rebuild, nothing changed | {r['cached_rebuild_s']} s | ≤ {t['cached_rebuild_s']} s "
             f"| {ok(r['cached_rebuild_s'] <= t['cached_rebuild_s'])} |"]
    for ch, s in r["chapter_exec_s"].items():
        lines.append(f"| execution of `{ch}` | {s} s | ≤ {t['chapter_exec_s']} s | {ok(s <= t['chapter_exec_s'])} |")
    for page, mb in r["page_mb"].items():
        lines.append(f"| size of `{page}` (HTML + images) | {mb} MB | ≤ {t['page_mb']} MB | {ok(mb <= t['page_mb'])} |")
    f = r["frames"]
    if f:
        lines.append(f"| static frames ({f['frames']} frames, {f['widgets']} widgets), whole frame: median of widget "
                     f"medians / worst widget / max | {f['render_ms_median']} / {f['render_ms_worst_widget_median']} / "
                     f"{f['render_ms_max']} ms | ≤ {t['render_ms']} ms | {ok(f['render_ms_median'] <= t['render_ms'])} |")
        lines.append(f"| … of which rasterising + PNG (the reused figure): median / worst widget | "
                     f"{f['raster_ms_median']} / {f['raster_ms_worst_widget_median']} ms | ≤ {t['render_ms']} ms | "
                     f"{ok(f['raster_ms_median'] <= t['render_ms'])} |")
        lines.append(f"| … of which the chapter's draw() (data + artists): median | {f['draw_ms_median']} ms | — | |")
        for s in f["slowest"]:
            lines.append(f"| slow widget: {s['widget']}… | {s['frame_ms']} ms a frame ({s['draw_ms']} ms in draw) | — | |")
    for page, s in r["switch"].items():
        lines.append(f"| slider frame switch in Chromium, `{page}` ({s['switches']} switches): median / max | "
                     f"{s['median_ms']} / {s['max_ms']} ms | ≤ {t['switch_ms']} ms | {ok(s['max_ms'] <= t['switch_ms'])} |")
    g = r.get("rag") or {}
    if g:
        lines.append(f"| `mlnotes ask` index build ({g['chapters']} chapters, {g['sections']} sections, {g['chunks']} chunks, "
                     f"embeddings from cache) | {g['index_build_s']:.2f} s | — | |")
        if g.get("model_load_s") is not None:
            lines.append(f"| MiniLM model load | {g['model_load_s']:.1f} s | — | |")
        for method, q in g["query_ms"].items():
            target = "≤ 50 ms (p50)" if method == "hybrid" else "—"
            mark = ok(q["p50"] <= 50) if method == "hybrid" else ""
            lines.append(f"| query latency `{method}` over {q['n']} questions: p50 / p95 | {q['p50']:.1f} / {q['p95']:.1f} ms "
                         f"| {target} | {mark} |")
        lines.append(f"| one BM25 scoring of all chunks: ours vs `bm25s` (same run) | {g['bm25_ours_ms']:.2f} vs "
                     f"{g['bm25s_ms']:.2f} ms | — | |")
        for a in g.get("ann", []):
            lines.append(f"| faiss {a['index']} {a['param']}, 20k synthetic vectors: recall@10, query time | "
                         f"{a['recall']:.3f}, {a['ms_per_query']:.3f} ms | — | |")
    lines.append(f"\nMeasured on {r['machine']}.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
