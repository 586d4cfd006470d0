"""make bench: measure the book's build (serial and parallel), execution, page weight and slider speed.

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
TARGETS = {"cached_rebuild_s": 10, "chapter_exec_s": 20, "load_mb": 1.5, "all_mb": 4.0, "switch_ms": 50,
           "live_ms": 300, "speedup": 1.6, "cold_book_min": 2.5, "test_min": 6}
PLANNED_CHAPTERS = 25
DONE = re.compile(r"done (\S+) in ([0-9.]+) s")


def build(path_output: Path, *extra: str, jobs: int | None = None, env_extra: dict | None = None) -> dict:
    """One book build (scripts/jb.py); returns wall seconds, per-chapter execution seconds and the
    wall time of the reading phase (first chapter started → last chapter done)."""
    env = dict(os.environ, MLNOTES_EXPLORE="static", MPLBACKEND="Agg", MLNOTES_REQUIRE_WARM_CACHE="1",
               **(env_extra or {}))
    if jobs:
        env["MLNOTES_JOBS"] = str(jobs)
    cmd = [str(ROOT / ".venv/bin/python"), str(ROOT / "scripts/jb.py"), "build", str(ROOT), "--path-output",
           str(path_output), *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    chapters, first, last = {}, None, None
    for line in proc.stdout:
        if "] executing " in line and first is None:
            first = time.perf_counter()
        m = DONE.search(line)
        if m:
            chapters[m.group(1)] = float(m.group(2))
            last = time.perf_counter()
    if proc.wait() != 0:
        raise SystemExit(f"build failed: {' '.join(cmd)}")
    return {"wall_s": round(time.perf_counter() - t0, 1), "chapters": chapters,
            "exec_phase_s": round((last - first) if first and last else 0.0, 1)}


def merged_streams(outputs: list[dict]) -> list[dict]:
    """Consecutive stream outputs of one name joined: how a cell's prints are cut into chunks depends
    on when the kernel flushed them (the page shows them joined, _ext/mlnotes_site.py)."""
    merged = []
    for o in outputs:
        if o.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream" \
                and merged[-1].get("name") == o.get("name"):
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + o["text"]}
        else:
            merged.append(o)
    return merged


def same_outputs(a: Path, b: Path) -> list[str]:
    """Chapters whose executed notebooks differ between two builds (cells tagged timing aside)."""
    import nbformat

    sys.path.insert(0, str(ROOT))
    from conftest import prepare

    def cells(path):
        nb = prepare(nbformat.read(path, as_version=4))
        out = []
        for c in nb.cells:
            if c.cell_type == "code" and "timing" not in c.metadata.get("tags", []):
                out.append(merged_streams([{k: v for k, v in o.items() if k != "execution_count"}
                                           for o in c.outputs]))
        return out, nb.metadata.get("mlnotes", {}).get("eval")

    differ = []
    for nb in sorted((a / "_build/jupyter_execute/chapters").glob("*.ipynb")):
        other = b / "_build/jupyter_execute/chapters" / nb.name
        if not other.exists() or cells(nb) != cells(other):
            differ.append(nb.stem)
    return differ


def page_weights(html_dir: Path) -> dict[str, dict]:
    """Per page: bytes a reader downloads (raw and gzip) at load and with every frame fetched."""
    sys.path.insert(0, str(ROOT))
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _QuietHandler, page_weight

    if not Path(CHROMIUM).exists():
        return {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for html in [html_dir / "intro.html", *sorted(html_dir.glob("chapters/*.html"))]:
            rel = html.relative_to(html_dir).as_posix()
            w = page_weight(browser, origin, rel)
            out[rel] = {k: round(v / 1e6, 3) if k != "requests" else v for k, v in w.items()}
        browser.close()
    httpd.shutdown()
    return out


def last_test_phases() -> dict:
    """The phase times of the last `make test` (scripts/test.sh writes them)."""
    path = ROOT / "_build" / "test-times.json"
    return json.loads(path.read_text()) if path.exists() else {}


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
            # the reader reaching for the controls fetches the figure's frames; then switches are measured
            page.evaluate("() => document.querySelectorAll('.mlx').forEach(w => w.dispatchEvent(new Event('pointerenter')))")
            page.wait_for_load_state("networkidle")
            times = page.evaluate(js)
            if times:
                result[rel] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                               "switches": len(times)}
        browser.close()
    httpd.shutdown()
    return result


def browser_drills(html_dir: Path, later_runs: int = 5) -> dict:
    """"Run in your browser": what the site grows by, and the first and later run times of one drill in Chromium.

    The first run boots Pyodide and loads numpy and the mlnotes wheel from the site (a fresh browser, nothing
    cached); later runs reuse it. Measured from the Run click to the verdict on the page."""
    import functools
    import gzip
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _QuietHandler
    from tests.browser.test_drills_pyodide import PATH, RIGHT, WRONG, run, slot

    files = sorted((html_dir / "_static" / "pyodide").glob("*"))
    loaded = [f for f in files if f.suffix in (".js", ".wasm", ".zip", ".whl") or f.name.endswith("lock.json")]
    out = {"site_mb_raw": round(sum(f.stat().st_size for f in files) / 1e6, 1),
           "first_run_mb_raw": round(sum(f.stat().st_size for f in loaded) / 1e6, 1),
           "first_run_mb_gzip": round(sum(len(gzip.compress(f.read_bytes(), 6)) for f in loaded) / 1e6, 1),
           "page_js_kb": round(sum((html_dir / "_static" / n).stat().st_size
                                   for n in ("mlnotes-drills.js", "mlnotes-drills.css")) / 1e3, 1)}
    if not Path(CHROMIUM).exists():
        return out
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html_dir)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(service_workers="block")
        page = context.new_page()
        page.goto(f"{origin}/{PATH}", wait_until="load")
        slot(page).locator(".mlx-drill-open").click()
        first = run(page, WRONG)
        later = [run(page, RIGHT if k % 2 else WRONG)["seconds"] for k in range(later_runs)]
        browser.close()
    httpd.shutdown()
    out.update(first_run_s=round(first["seconds"], 2), later_run_s_median=round(statistics.median(later), 2),
               later_run_s_max=round(max(later), 2), later_runs=later_runs)
    return out


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
    subprocess.run([str(ROOT / ".venv/bin/python"), "-m", "mlnotes.rag.prime"], check=True, stdout=subprocess.DEVNULL)
    print("serial build (one chapter at a time, every chapter executed)…", flush=True)
    serial = build(TMP / "serial", "--all", jobs=1, env_extra={"MLNOTES_EXPLORE_STATS": str(stats_file)})
    print("parallel build (same commit, 2 jobs)…", flush=True)
    parallel = build(TMP / "book", "--all", jobs=2)
    print("cached rebuild with nothing changed…", flush=True)
    cached = build(TMP / "book")
    html = TMP / "book" / "_build" / "html"
    print("page weights and slider switches in Chromium…", flush=True)
    results = {
        "serial": serial,
        "parallel": parallel,
        "speedup": round(serial["exec_phase_s"] / max(parallel["exec_phase_s"], 1e-9), 2),
        "parallel_differs": same_outputs(TMP / "serial", TMP / "book"),  # chapters whose outputs differ
        "cached_rebuild_s": cached["wall_s"],
        "chapter_exec_s": serial["chapters"],
        "pages": page_weights(html),
        "frames": render_stats(stats_file),
        "switch": frame_switch_times(html),
        "test_phases": last_test_phases(),
        "rag": rag_numbers(),
        "drills_in_browser": browser_drills(html),
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
    shutil.rmtree(TMP, ignore_errors=True)


def scale_model(r: dict) -> list[str]:
    """Measured time per chapter × planned chapters (see README, "How long things take")."""
    per = [s for ch, s in r["chapter_exec_s"].items()]
    if not per:
        return []
    mean = statistics.mean(per)
    n = len(per)
    fixed_book = r["parallel"]["wall_s"] - r["parallel"]["exec_phase_s"]  # reading the toc, writing pages
    speed = max(r["speedup"], 1.0)
    book_now = r["parallel"]["wall_s"]
    book_25 = fixed_book * PLANNED_CHAPTERS / n + PLANNED_CHAPTERS * mean / speed
    lines = [f"| mean execution per chapter ({n} chapters) | {mean:.1f} s | — | |",
             f"| build, {PLANNED_CHAPTERS} chapters (projected: {PLANNED_CHAPTERS} × {mean:.1f} s ÷ {speed} + pages) | "
             f"{book_25 / 60:.1f} min | — | |"]
    t = r.get("test_phases") or {}
    if t.get("phases"):
        ph = t["phases"]
        execs = ph.get("strict", 0) + ph.get("nbval", 0)
        per_page = ph.get("browser", 0) / max(n + 1, 1)
        test_25 = (ph.get("unit", 0) * 1.5 + execs * PLANNED_CHAPTERS / n + per_page * (PLANNED_CHAPTERS + 1)
                   + ph.get("lab", 0))
        lines.append(f"| `make test`, {PLANNED_CHAPTERS} chapters (projected: executions and pages scale with chapters, "
                     f"unit tests ×1.5) | {test_25 / 60:.1f} min | ≤ 15 min | {'✓' if test_25 <= 900 else '✗'} |")
    return lines


def markdown(r: dict) -> str:
    t = TARGETS
    ok = lambda good: "✓" if good else "✗"  # noqa: E731
    sp, pa = r["serial"], r["parallel"]
    lines = ["| measure | value | target | |", "|---|---|---|---|",
             f"| full build, serial (1 job): wall / executing chapters | {sp['wall_s']} / {sp['exec_phase_s']} s | — | |",
             f"| full build, parallel (2 jobs): wall / executing chapters | {pa['wall_s']} / {pa['exec_phase_s']} s | — | |",
             f"| parallel speed-up of the execution phase | {r['speedup']}× | ≥ {t['speedup']}× | "
             f"{ok(r['speedup'] >= t['speedup'])} |",
             f"| parallel build's outputs equal the serial build's (timing cells aside) | "
             f"{'yes' if not r['parallel_differs'] else 'NO: ' + ', '.join(r['parallel_differs'])} | yes | "
             f"{ok(not r['parallel_differs'])} |",
             f"| cached rebuild, nothing changed | {r['cached_rebuild_s']} s | ≤ {t['cached_rebuild_s']} s "
             f"| {ok(r['cached_rebuild_s'] <= t['cached_rebuild_s'])} |"]
    ph = (r.get("test_phases") or {}).get("phases") or {}
    if ph:
        total = sum(ph.values())
        lines.append(f"| `make test` phases (last run, commit {r['test_phases'].get('commit', '?')}): "
                     + ", ".join(f"{k} {v} s" for k, v in ph.items()) + f" | {total / 60:.1f} min | ≤ {t['test_min']} min "
                     f"| {ok(total <= t['test_min'] * 60)} |")
    lines += scale_model(r)
    for ch, s in r["chapter_exec_s"].items():
        lines.append(f"| execution of `{ch}` (serial build) | {s} s | ≤ {t['chapter_exec_s']} s | "
                     f"{ok(s <= t['chapter_exec_s'])} |")
    for page, w in r["pages"].items():
        lines.append(f"| `{page}`: at load raw / gzip; with every frame raw / gzip ({w['requests']} files) | "
                     f"{w['load_raw']} / {w['load_gzip']}; {w['all_raw']} / {w['all_gzip']} MB | ≤ {t['load_mb']} / "
                     f"{t['all_mb']} MB gzip | {ok(w['load_gzip'] <= t['load_mb'] and w['all_gzip'] <= t['all_mb'])} |")
    f = r["frames"]
    if f:
        lines.append(f"| frame render (draw + rasterise at 2× + PNG; what a live slider waits for): median of widget "
                     f"medians / worst widget's median / worst frame ({f['frames']} frames, {f['widgets']} widgets) | "
                     f"{f['render_ms_median']} / {f['render_ms_worst_widget_median']} / {f['render_ms_max']} ms | "
                     f"≤ {t['live_ms']} ms (worst widget) | {ok(f['render_ms_worst_widget_median'] <= t['live_ms'])} |")
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
        if g.get("use_load_s") is not None:
            lines.append(f"| multilingual USE model load | {g['use_load_s']:.1f} s | — | |")
        for method, q in g["query_ms"].items():
            target = "≤ 50 ms (p50)" if method in ("hybrid", "hybrid zh") else "—"
            mark = ok(q["p50"] <= 50) if method in ("hybrid", "hybrid zh") else ""
            lines.append(f"| query latency `{method}` over {q['n']} questions: p50 / p95 | {q['p50']:.1f} / {q['p95']:.1f} ms "
                         f"| {target} | {mark} |")
        lines.append(f"| one BM25 scoring of all chunks: ours vs `bm25s` (same run) | {g['bm25_ours_ms']:.2f} vs "
                     f"{g['bm25s_ms']:.2f} ms | — | |")
        for a in g.get("ann", []):
            lines.append(f"| faiss {a['index']} {a['param']}, 20k synthetic vectors: recall@10, query time | "
                         f"{a['recall']:.3f}, {a['ms_per_query']:.3f} ms | — | |")
    d = r.get("drills_in_browser") or {}
    if d:
        lines.append(f"| \"Run in your browser\" drills: the site grows by (Pyodide core, numpy, mlnotes wheel) | "
                     f"{d['site_mb_raw']} MB | — | |")
        lines.append(f"| … fetched on a page's first Run only, raw / gzip (page weight before: + "
                     f"{d['page_js_kb']} kB of script and style) | {d['first_run_mb_raw']} / {d['first_run_mb_gzip']} MB "
                     f"| — | |")
        if "first_run_s" in d:
            lines.append(f"| drill in Chromium (attention's softmax): first run (boots Python) / later runs median, max "
                         f"({d['later_runs']} runs) | {d['first_run_s']} s / {d['later_run_s_median']}, "
                         f"{d['later_run_s_max']} s | — | |")
    lines.append(f"\nMeasured on {r['machine']}.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
