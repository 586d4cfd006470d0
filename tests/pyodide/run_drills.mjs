// Run Python in Pyodide under Node, as the reader's browser does: core + numpy from vendor_pyodide/pyodide,
// the mlnotes wheel, then a job (see tests/test_pyodide_drills.py).
// Usage: node run_drills.mjs PYODIDE_DIR WHEEL JOB.json  -> JSON on stdout:
//   {"harness": <tests/drill_answers/harness.py run(..., browser=True)>, "cells": {drill: run_cell(source)},
//    "timings": {...}}
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [dir, wheel, jobPath] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const { loadPyodide } = require(path.resolve(dir, "pyodide.js"));
const job = JSON.parse(readFileSync(jobPath, "utf-8"));
const t0 = performance.now();
const py = await loadPyodide({ indexURL: path.resolve(dir) + "/", stdout: () => {}, stderr: (s) => process.stderr.write(s + "\n") });
const t1 = performance.now();
await py.loadPackage(["numpy"], { messageCallback: () => {} });
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
const t2 = performance.now();
py.globals.set("job_json", JSON.stringify(job));
const out = py.runPython(`
import json, sys
job = json.loads(job_json)
ns = {"__name__": "drill_harness"}
exec(compile(job["harness"], "harness.py", "exec"), ns)
harness = ns["run"](job["drills"], job["answers"], browser=True) if job["drills"] else {}
from mlnotes.drills.web import run_cell
cells = {name: run_cell(src) for name, src in job["cells"].items()}
json.dumps({"harness": harness, "cells": cells, "platform": sys.platform,
            "numpy": __import__("numpy").__version__, "torch_importable": __import__("importlib.util").util.find_spec("torch") is not None})
`);
const t3 = performance.now();
const result = JSON.parse(out);
result.timings = { boot_ms: t1 - t0, packages_ms: t2 - t1, run_ms: t3 - t2 };
process.stdout.write(JSON.stringify(result));
