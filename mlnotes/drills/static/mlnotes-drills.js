/* mlnotes: "Run in your browser" for the hand-write-it (手撕) drill cells of the static site.
 *
 * After each drill cell the build put <div class="mlx-drill-run" data-drill="NAME" [data-note="..."]>
 * (mlnotes/drills/site.py). This script gives it a button. Pressing it turns the cell's code into an
 * editor with Run and Reset; Run sends the code to a Web Worker (mlnotes-drill-worker.js) that boots
 * Pyodide from this site (_static/pyodide/, nothing from the network) on first use and prints the
 * checker's verdict as the notebook does. Edits are kept in this browser (localStorage) per page and
 * drill. A run that takes longer than TIMEOUT_S is stopped (the worker is terminated and restarted).
 * See chapter: chapters/questions.md
 */
(function () {
  "use strict";
  // As `mlnotes drill check`; a test may lower it (window.mlnotesDrillTimeoutS, set before this script runs).
  const TIMEOUT_S = Number(window.mlnotesDrillTimeoutS) > 0 ? Number(window.mlnotesDrillTimeoutS) : 60;
  const root = document.documentElement.dataset.content_root || "./";
  const base = new URL(root + "_static/pyodide/", document.baseURI).href;
  const workerURL = new URL(root + "_static/mlnotes-drill-worker.js", document.baseURI).href;
  let worker = null;
  let nextId = 1;
  const pending = new Map(); // id -> {onStage, resolve, timer}
  let booted = false;

  function startWorker() {
    worker = new Worker(workerURL);
    worker.onmessage = (event) => {
      const msg = event.data;
      const job = pending.get(msg.id);
      if (!job) return;
      if (msg.stage !== undefined) { job.onStage(msg.stage); return; }
      clearTimeout(job.timer);
      pending.delete(msg.id);
      job.resolve(msg);
    };
    booted = false;
  }

  function run(code, onStage) {
    if (worker === null) startWorker();
    const id = nextId++;
    return new Promise((resolve) => {
      const limit = (booted ? TIMEOUT_S : TIMEOUT_S + 120) * 1000; // the first run also boots Python
      const timer = setTimeout(() => {
        pending.delete(id);
        worker.terminate();
        worker = null;
        resolve({ id, timeout: limit / 1000 });
      }, limit);
      pending.set(id, { onStage, resolve, timer });
      worker.postMessage({ id, base, code });
    });
  }

  function storageKey(name) {
    return "mlnotes-drill:" + location.pathname.replace(/.*\//, "") + ":" + name;
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

  function setup(slot) {
    const cell = slot.previousElementSibling;
    const pre = cell && cell.querySelector(".cell_input pre");
    if (!pre) return;
    const name = slot.dataset.drill;
    const original = pre.textContent.replace(/\n+$/, "");
    const open = el("button", { type: "button", class: "mlx-drill-open" }, "▶ Run in your browser");
    open.title = "Edit this cell and check it here, with Python running in your browser (no install, works offline)";
    slot.appendChild(open);

    open.addEventListener("click", () => {
      open.remove();
      const box = el("div", { class: "mlx-drill-box" });
      if (slot.dataset.note) box.appendChild(el("p", { class: "mlx-drill-note" }, slot.dataset.note));
      const area = el("textarea", { class: "mlx-drill-code", spellcheck: "false", autocapitalize: "off",
                                    autocomplete: "off", "aria-label": "Your code for " + name });
      let saved = null;
      try { saved = localStorage.getItem(storageKey(name)); } catch (e) { /* storage may be off */ }
      area.value = saved !== null ? saved : original;
      const bar = el("div", { class: "mlx-drill-bar" });
      const runBtn = el("button", { type: "button", class: "mlx-drill-runbtn" }, "Run");
      runBtn.title = "Run (Ctrl+Enter)";
      const reset = el("button", { type: "button", class: "mlx-drill-reset" }, "Reset");
      reset.title = "Put back the original cell (your edits are lost)";
      const status = el("span", { class: "mlx-drill-status", role: "status", "aria-live": "polite" });
      bar.append(runBtn, reset, status);
      const output = el("div", { class: "mlx-drill-output" });
      box.append(area, bar, output);
      slot.appendChild(box);
      cell.classList.add("mlx-drill-editing");
      fit(area);
      area.focus();

      area.addEventListener("input", () => {
        fit(area);
        try { localStorage.setItem(storageKey(name), area.value); } catch (e) { /* storage may be off */ }
      });
      area.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runBtn.click(); return; }
        if (e.key === "Tab" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
          e.preventDefault();
          area.setRangeText("    ", area.selectionStart, area.selectionEnd, "end");
          area.dispatchEvent(new Event("input"));
        }
      });
      reset.addEventListener("click", () => {
        area.value = original;
        try { localStorage.removeItem(storageKey(name)); } catch (e) { /* storage may be off */ }
        fit(area);
        output.replaceChildren();
        status.textContent = "";
      });
      runBtn.addEventListener("click", async () => {
        runBtn.disabled = true;
        slot.dataset.state = "running";
        const first = !booted;
        const t0 = performance.now();
        status.textContent = first ? "Loading Python in your browser (about 17 MB, first run only)…" : "Running…";
        const msg = await run(area.value, (s) => { status.textContent = s; });
        const seconds = ((performance.now() - t0) / 1000).toFixed(1);
        runBtn.disabled = false;
        output.replaceChildren();
        if (msg.timeout) {
          output.appendChild(el("pre", { class: "mlx-drill-error" },
            `✗ ${name}: stopped after ${msg.timeout} s without a verdict. Does a loop in your code never end? ` +
            "Fix it and run again (Python restarts)."));
          status.textContent = "";
          slot.dataset.state = "timeout";
          return;
        }
        if (msg.error) {
          output.appendChild(el("pre", { class: "mlx-drill-error" }, "Python could not start or run: " + msg.error));
          status.textContent = "";
          slot.dataset.state = "error";
          return;
        }
        booted = true;
        const r = msg.result;
        if (r.stdout) output.appendChild(el("pre", { class: "mlx-drill-stdout" }, r.stdout));
        const shown = el("div", { class: "mlx-drill-result" });
        shown.innerHTML = r.html; // built by mlnotes (html-escaped text, the notebook's verdict HTML)
        output.appendChild(shown);
        output.dataset.kind = r.kind;
        if (r.passed !== null) output.dataset.passed = String(r.passed);
        status.textContent = `${first ? "First run (Python loaded)" : "Ran"} in ${seconds} s`;
        slot.dataset.state = "done";
        slot.dispatchEvent(new CustomEvent("mlx-drill-result", { bubbles: true, detail: { ...msg, seconds } }));
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
