/* mlnotes: "Run in your browser" for the hand-write-it (手撕) drill cells of the static site.
 *
 * After each drill cell the build put <div class="mlx-drill-run" data-drill="NAME" [data-note="..."]>
 * (mlnotes/drills/site.py). This script gives it a button. Pressing it turns the cell's code into an
 * editor with Run, Stop and Reset; Run sends the code to a Web Worker (mlnotes-drill-worker.js) that
 * boots Pyodide from this site (_static/pyodide/, nothing from the network) on first use and shows the
 * checker's verdict as the notebook does. One run at a time per page: the other Run buttons wait. A run
 * longer than TIMEOUT_S, or stopped by the reader, terminates the worker; the next run starts a new one.
 * Edits are kept in this browser (localStorage) per page and drill.
 * See chapter: chapters/questions.md
 */
(function () {
  "use strict";
  // As `mlnotes drill check`; a test may lower it (window.mlnotesDrillTimeoutS, set before this script runs).
  const TIMEOUT_S = Number(window.mlnotesDrillTimeoutS) > 0 ? Number(window.mlnotesDrillTimeoutS) : 60;
  const BOOT_S = 120; // extra time the first run may take to start Python
  const root = document.documentElement.dataset.content_root || "./";
  const base = new URL(root + "_static/pyodide/", document.baseURI).href;
  const workerURL = new URL(root + "_static/mlnotes-drill-worker.js", document.baseURI).href;
  let worker = null;
  let booted = false;
  let nextId = 1;
  let current = null; // the one run in progress: {id, resolve, onStage, timer, slot}

  function finish(msg) {
    const job = current;
    if (!job) return;
    current = null;
    clearTimeout(job.timer);
    job.resolve(msg);
    setBusy(null);
  }

  function kill(reason) {
    if (worker) worker.terminate();
    worker = null;
    booted = false;
    finish(reason);
  }

  function startWorker() {
    worker = new Worker(workerURL);
    worker.onmessage = (event) => {
      const msg = event.data;
      if (!current || msg.id !== current.id) return;
      if (msg.stage !== undefined) { current.onStage(msg.stage); return; }
      if (!msg.error) booted = true;
      finish(msg);
    };
    worker.onerror = (event) => { event.preventDefault(); kill({ error: event.message || "the worker failed" }); };
  }

  function run(slot, code, onStage) {
    if (worker === null) startWorker();
    const id = nextId++;
    const limit = TIMEOUT_S + (booted ? 0 : BOOT_S);
    return new Promise((resolve) => {
      current = { id, resolve, onStage, slot, timer: setTimeout(() => kill({ timeout: TIMEOUT_S }), limit * 1000) };
      setBusy(slot);
      worker.postMessage({ id, base, code });
    });
  }

  function setBusy(slot) {
    document.querySelectorAll(".mlx-drill-run").forEach((s) => {
      const runBtn = s.querySelector(".mlx-drill-runbtn");
      const stop = s.querySelector(".mlx-drill-stop");
      if (runBtn) {
        runBtn.disabled = slot !== null;
        runBtn.title = slot !== null && s !== slot ? "Another drill on this page is running: wait, or stop it"
                                                   : "Run (Ctrl+Enter)";
      }
      if (stop) stop.hidden = s !== slot;
    });
  }

  function storageKey(name) {
    return "mlnotes-drill:" + location.pathname.replace(/.*\//, "") + ":" + name;
  }

  function load(name) {
    try { return localStorage.getItem(storageKey(name)); } catch (e) { return null; }
  }

  function save(name, value) {
    try {
      if (value === null) localStorage.removeItem(storageKey(name));
      else localStorage.setItem(storageKey(name), value);
    } catch (e) { /* storage may be off */ }
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fit(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 4 + "px";
  }

  function duration(ms) {
    return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
  }

  function editKeys(area, runBtn) {
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); if (!runBtn.disabled) runBtn.click(); return; }
      if (e.key !== "Tab" || e.altKey || e.ctrlKey || e.metaKey) return;
      e.preventDefault();
      if (!e.shiftKey) {
        area.setRangeText("    ", area.selectionStart, area.selectionEnd, "end");
      } else { // unindent the current line by up to four spaces
        const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
        const spaces = /^ {0,4}/.exec(area.value.slice(start))[0].length;
        const caret = Math.max(start, area.selectionStart - spaces);
        area.setRangeText("", start, start + spaces, "preserve");
        area.setSelectionRange(caret, caret);
      }
      area.dispatchEvent(new Event("input"));
    });
  }

  function setup(slot) {
    const cell = slot.previousElementSibling;
    const pre = cell && cell.querySelector(".cell_input pre");
    if (!pre) return;
    const name = slot.dataset.drill;
    const original = pre.textContent.replace(/\n+$/, "");
    const draft = load(name);
    const open = el("button", { type: "button", class: "mlx-drill-open" },
                    draft !== null && draft !== original ? "▶ Continue your draft in the browser" : "▶ Run in your browser");
    open.title = "Edit this cell and check it here, with Python running in your browser (no install, works offline)";
    slot.appendChild(open);

    open.addEventListener("click", () => {
      open.remove();
      const box = el("div", { class: "mlx-drill-box" });
      if (slot.dataset.note) box.appendChild(el("p", { class: "mlx-drill-note" }, slot.dataset.note));
      const area = el("textarea", { class: "mlx-drill-code", spellcheck: "false", autocapitalize: "off",
                                    autocomplete: "off", "aria-label": "Your code for " + name });
      const saved = load(name);
      area.value = saved !== null ? saved : original;
      const bar = el("div", { class: "mlx-drill-bar" });
      const runBtn = el("button", { type: "button", class: "mlx-drill-runbtn" }, "Run");
      runBtn.title = "Run (Ctrl+Enter)";
      const stop = el("button", { type: "button", class: "mlx-drill-stop" }, "Stop");
      stop.hidden = true;
      stop.title = "Stop this run (Python restarts on the next Run)";
      const reset = el("button", { type: "button", class: "mlx-drill-reset" }, "Reset");
      reset.title = "Put back the original cell (your edits are lost)";
      const status = el("span", { class: "mlx-drill-status", role: "status", "aria-live": "polite" });
      bar.append(runBtn, stop, reset, status);
      const output = el("div", { class: "mlx-drill-output" });
      const about = el("p", { class: "mlx-drill-about" },
        "Runs here, in your browser (Python and numpy, offline). The checker compares with the book's own numpy " +
        "code, which the book's tests prove equal to torch and scikit-learn: the verdict is the notebook's.");
      box.append(area, bar, output, about);
      slot.appendChild(box);
      cell.classList.add("mlx-drill-editing");
      fit(area);
      if (!window.matchMedia("(pointer: coarse)").matches) area.focus(); // no keyboard popping up on phones
      if (current) setBusy(current.slot);

      area.addEventListener("input", () => { fit(area); save(name, area.value); });
      editKeys(area, runBtn);
      reset.addEventListener("click", () => {
        area.value = original;
        save(name, null);
        fit(area);
        output.replaceChildren();
        delete output.dataset.kind;
        delete output.dataset.passed;
        status.textContent = "";
      });
      stop.addEventListener("click", () => { if (current && current.slot === slot) kill({ stopped: true }); });
      runBtn.addEventListener("click", async () => {
        if (current) return;
        slot.dataset.state = "running";
        const first = !booted;
        const t0 = performance.now();
        let stage = first ? "Loading Python in your browser (about 18 MB, once per page; cached after)…" : "Running…";
        const tick = () => { status.textContent = `${stage} ${Math.floor((performance.now() - t0) / 1000)} s`; };
        tick();
        const ticker = setInterval(tick, 1000);
        const msg = await run(slot, area.value, (s) => { stage = s; tick(); });
        clearInterval(ticker);
        const ms = performance.now() - t0;
        output.replaceChildren();
        delete output.dataset.passed;
        const fail = (text) => output.appendChild(el("pre", { class: "mlx-drill-error" }, "✗ " + text));
        if (msg.timeout || msg.stopped || msg.error) {
          if (msg.timeout) fail(`${name}: stopped after ${msg.timeout} s without a verdict. Does a loop in your code ` +
                                "never end? Fix it and run again (Python restarts).");
          else if (msg.stopped) fail(`${name}: stopped. Python restarts on the next Run.`);
          else fail("Python could not start or run: " + msg.error);
          output.dataset.kind = "error";
          status.textContent = "";
          slot.dataset.state = msg.timeout ? "timeout" : msg.stopped ? "stopped" : "error";
          return;
        }
        const r = msg.result;
        if (r.stdout) output.appendChild(el("pre", { class: "mlx-drill-stdout" }, r.stdout));
        if (r.kind === "error") {
          fail(r.text);
        } else if (r.kind === "none") {
          output.appendChild(el("p", { class: "mlx-drill-none" },
            "No verdict: the cell ran, but its last line is not a check. End it with the checker's call, e.g. " +
            "check_…(your_function), as in the original cell (Reset shows it)."));
        } else {
          const shown = el("div", { class: "mlx-drill-result" });
          shown.innerHTML = r.html; // built by mlnotes: html-escaped text, or the notebook's verdict HTML
          output.appendChild(shown);
        }
        output.dataset.kind = r.kind;
        if (r.passed !== null) output.dataset.passed = String(r.passed);
        status.textContent = `${first ? "First run (Python loaded)" : "Ran"} in ${duration(ms)}`;
        slot.dataset.state = "done";
        slot.dispatchEvent(new CustomEvent("mlx-drill-result", { bubbles: true, detail: { ...msg, ms } }));
      });
    });
  }

  function init() {
    if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") return;
    document.querySelectorAll(".mlx-drill-run").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
