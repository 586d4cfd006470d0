/* mlnotes: the Web Worker that runs a drill cell in Pyodide, offline, from the site itself.
 *
 * Messages in:  {id, base, code}   base = URL of _static/pyodide/ (ends with "/"), code = the cell's Python.
 * Messages out: {id, stage: "..."} while booting, then {id, result, timings} or {id, error}.
 * The first message boots Pyodide (core + numpy + the mlnotes wheel, all under base); later ones reuse it.
 * The page terminates this worker if a run takes too long (an endless loop), and starts a new one.
 * Python side: mlnotes/drills/web.py (run_cell_json). See chapter: chapters/questions.md
 */
"use strict";

let ready = null; // Promise of {run, timings}

function stage(id, text) {
  self.postMessage({ id, stage: text });
}

async function boot(id, base) {
  const t0 = performance.now();
  stage(id, "Starting Python (Pyodide)…");
  importScripts(base + "pyodide.js");
  const pyodide = await self.loadPyodide({ indexURL: base, stdout: () => {}, stderr: () => {} });
  const t1 = performance.now();
  stage(id, "Loading numpy…");
  await pyodide.loadPackage(["numpy"], { messageCallback: () => {}, errorCallback: (m) => { throw new Error(m); } });
  const t2 = performance.now();
  stage(id, "Loading the book's checkers…");
  const meta = await (await fetch(base + "mlnotes-wheel.json", { cache: "no-cache" })).json();
  const wheel = await fetch(base + meta.wheel + "?v=" + meta.hash);
  if (!wheel.ok) throw new Error("cannot load " + meta.wheel + ": HTTP " + wheel.status);
  pyodide.unpackArchive(await wheel.arrayBuffer(), "wheel");
  const web = pyodide.pyimport("mlnotes.drills.web");
  const t3 = performance.now();
  return { run: web.run_cell_json, timings: { boot_ms: t1 - t0, numpy_ms: t2 - t1, wheel_ms: t3 - t2 } };
}

self.onmessage = async (event) => {
  const { id, base, code } = event.data;
  try {
    const first = ready === null;
    if (first) ready = boot(id, base);
    const { run, timings } = await ready;
    stage(id, "Running your code…");
    const t0 = performance.now();
    const result = JSON.parse(run(code));
    const run_ms = performance.now() - t0;
    self.postMessage({ id, result, timings: first ? { ...timings, run_ms } : { run_ms } });
  } catch (err) {
    ready = null;
    self.postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};
