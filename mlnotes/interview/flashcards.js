/* mlnotes flashcards: the book's interview questions as cards, scheduled by FSRS (ts-fsrs, served from
 * the site's _static/ts-fsrs/), progress in localStorage. Space reveals, 1-4 grade (again/hard/good/easy).
 * The deck is the JSON written beside this script when chapters/flashcards.md runs (mlnotes.interview.deck). */
(function () {
  "use strict";
  var root = document.getElementById("mlx-flashcards");
  if (!root || root.dataset.started) return;
  root.dataset.started = "1";
  var deck = JSON.parse(document.getElementById("mlx-flashcards-deck").textContent);
  var KEY = "mlnotes.flashcards.v1";
  var GRADES = [["again", 1], ["hard", 2], ["good", 3], ["easy", 4]];
  var F = null, scheduler = null, current = null, revealed = false;
  var state = load();

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "null");
      if (s && typeof s === "object" && s.cards && typeof s.cards === "object") return s;
    } catch (e) { /* unreadable progress starts afresh */ }
    return { version: 1, cards: {}, filter: "all", reviews: 0 };
  }
  function save() { localStorage.setItem(KEY, JSON.stringify(state)); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  // ---- the interface
  var bar = el("div", { "class": "mlx-fc-bar" });
  var label = el("label", { "for": "mlx-fc-filter" }, "Chapter ");
  var filter = el("select", { id: "mlx-fc-filter" });
  filter.appendChild(el("option", { value: "all" }, "All chapters (" + deck.cards.length + ")"));
  deck.chapters.forEach(function (c) { filter.appendChild(el("option", { value: c.id }, c.title + " (" + c.count + ")")); });
  var stats = el("span", { "class": "mlx-fc-stats", "aria-live": "polite" });
  bar.appendChild(label); bar.appendChild(filter); bar.appendChild(stats);
  var card = el("div", { "class": "mlx-fc-card mathjax_process", tabindex: "-1" });
  var where = el("p", { "class": "mlx-fc-where" });
  var question = el("div", { "class": "mlx-fc-question" });
  var answer = el("div", { "class": "mlx-fc-answer", hidden: "" });
  card.appendChild(where); card.appendChild(question); card.appendChild(answer);
  var buttons = el("div", { "class": "mlx-fc-buttons" });
  var reveal = el("button", { type: "button", "class": "mlx-fc-reveal", "aria-keyshortcuts": "Space" }, "Show answer (space)");
  buttons.appendChild(reveal);
  var gradeButtons = GRADES.map(function (g) {
    var b = el("button", { type: "button", "class": "mlx-fc-grade mlx-fc-" + g[0], "data-grade": String(g[1]),
                           "aria-keyshortcuts": String(g[1]), hidden: "" });
    buttons.appendChild(b);
    return b;
  });
  var tools = el("div", { "class": "mlx-fc-tools" });
  var exportButton = el("button", { type: "button", "class": "mlx-fc-export" }, "Export progress");
  var importLabel = el("label", { "for": "mlx-fc-import", "class": "mlx-fc-import-label" }, "Import progress");
  var importInput = el("input", { type: "file", id: "mlx-fc-import", accept: "application/json,.json" });
  var note = el("span", { "class": "mlx-fc-note", role: "status" });
  tools.appendChild(exportButton); tools.appendChild(importLabel); tools.appendChild(importInput); tools.appendChild(note);
  var fallback = root.querySelector(".mlx-fc-fallback");
  if (fallback) fallback.hidden = true;
  [bar, card, buttons, tools].forEach(function (e) { root.appendChild(e); });
  if (deck.chapters.some(function (c) { return c.id === state.filter; })) filter.value = state.filter;

  // ---- scheduling
  function restore(saved) { return F.TypeConvert.card(saved); }
  function inFilter(c) { return filter.value === "all" || c.chapter === filter.value; }
  function counts(now) {
    var due = 0, fresh = 0, later = 0;
    deck.cards.forEach(function (c) {
      if (!inFilter(c)) return;
      var s = state.cards[c.id];
      if (!s) fresh += 1; else if (new Date(s.due) <= now) due += 1; else later += 1;
    });
    return { due: due, fresh: fresh, later: later };
  }
  function next(now) {  // due cards first (earliest due), then new ones in the book's order
    var best = null, bestDue = null, firstNew = null;
    deck.cards.forEach(function (c) {
      if (!inFilter(c)) return;
      var s = state.cards[c.id];
      if (!s) { if (!firstNew) firstNew = c; return; }
      var due = new Date(s.due);
      if (due <= now && (!bestDue || due < bestDue)) { best = c; bestDue = due; }
    });
    return best || firstNew;
  }
  function nextDue() {
    var soonest = null;
    deck.cards.forEach(function (c) {
      var s = state.cards[c.id];
      if (s && inFilter(c) && (!soonest || new Date(s.due) < soonest)) soonest = new Date(s.due);
    });
    return soonest;
  }
  function span(ms) {
    var m = Math.max(1, Math.round(ms / 60000));
    if (m < 60) return m + " min";
    if (m < 48 * 60) return Math.round(m / 60) + " h";
    var d = Math.round(m / 1440);
    return d < 60 ? d + " d" : Math.round(d / 30) + " mo";
  }

  // ---- showing a card
  function typeset(node) {
    var MJ = window.MathJax;
    if (MJ && MJ.typesetPromise) {
      if (MJ.typesetClear) MJ.typesetClear([node]);
      return MJ.typesetPromise([node]).catch(function (e) { console.warn("MathJax:", e); });
    }
    if (MJ && MJ.startup && MJ.startup.promise) return MJ.startup.promise.then(function () { return typeset(node); });
    window.addEventListener("load", function () { typeset(node); }, { once: true });
  }
  function show() {
    var now = new Date();
    var n = counts(now);
    stats.textContent = n.due + " due · " + n.fresh + " new · " + n.later + " scheduled · target retention " +
      Math.round(100 * scheduler.parameters.request_retention) + "%";
    current = next(now);
    revealed = false;
    answer.hidden = true;
    gradeButtons.forEach(function (b) { b.hidden = true; });
    if (!current) {
      var soon = nextDue();
      where.textContent = "";
      question.textContent = "Nothing due" + (soon ? ": the next card is due in " + span(soon - now) + "." : ".");
      reveal.hidden = true;
      card.dataset.card = "";
      return;
    }
    reveal.hidden = false;
    card.dataset.card = current.id;
    where.innerHTML = "";
    var a = el("a", { href: current.asked }, current.chapterTitle + ", question " + current.n);
    where.appendChild(a);
    question.innerHTML = current.q;
    answer.innerHTML = current.a + (current.links.length ? "<p class=\"mlx-fc-links\">Demonstrated in: " +
      current.links.map(function (l) { return "<a href=\"" + l[0] + "\">" + l[1] + "</a>"; }).join(" · ") + "</p>" : "");
    typeset(card);
  }
  function doReveal() {
    if (!current || revealed) return;
    revealed = true;
    answer.hidden = false;
    reveal.hidden = true;
    var saved = state.cards[current.id];
    var now = new Date();
    var preview = scheduler.repeat(saved ? restore(saved) : F.createEmptyCard(now), now);
    gradeButtons.forEach(function (b, i) {
      var g = GRADES[i];
      b.textContent = g[0][0].toUpperCase() + g[0].slice(1) + " (" + g[1] + ") · " + span(preview[g[1]].card.due - now);
      b.hidden = false;
    });
    typeset(answer);
  }
  function grade(rating) {
    if (!current || !revealed) return;
    var now = new Date();
    var saved = state.cards[current.id];
    var result = scheduler.next(saved ? restore(saved) : F.createEmptyCard(now), now, rating);
    state.cards[current.id] = result.card;
    state.reviews = (state.reviews || 0) + 1;
    save();
    show();
  }

  // ---- export / import
  function exportProgress() {
    var data = { app: "mlnotes-flashcards", version: 1, exported: new Date().toISOString(), cards: state.cards };
    var blob = new Blob([JSON.stringify(data, null, 1)], { type: "application/json" });
    var link = el("a", { href: URL.createObjectURL(blob), download: "mlnotes-flashcards-" +
                         new Date().toISOString().slice(0, 10) + ".json" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
    note.textContent = "Exported " + Object.keys(state.cards).length + " cards.";
  }
  function importProgress(file) {
    var reader = new FileReader();
    reader.onload = function () {
      try {
        var data = JSON.parse(reader.result);
        if (!data || data.app !== "mlnotes-flashcards" || typeof data.cards !== "object") throw new Error("not an mlnotes flashcards file");
        var n = 0;
        Object.keys(data.cards).forEach(function (id) { state.cards[id] = restore(data.cards[id]); n += 1; });
        save();
        note.textContent = "Imported " + n + " cards.";
        show();
      } catch (e) {
        note.textContent = "Import failed: " + e.message;
      }
      importInput.value = "";
    };
    reader.readAsText(file);
  }

  // ---- events
  reveal.addEventListener("click", doReveal);
  gradeButtons.forEach(function (b) { b.addEventListener("click", function () { grade(Number(b.dataset.grade)); }); });
  filter.addEventListener("change", function () { state.filter = filter.value; save(); show(); });
  exportButton.addEventListener("click", exportProgress);
  importInput.addEventListener("change", function () { if (importInput.files[0]) importProgress(importInput.files[0]); });
  document.addEventListener("keydown", function (ev) {
    if (!scheduler || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (/^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName) || t.isContentEditable)) return;  // typing elsewhere
    if (ev.key === " " && current && !revealed) { ev.preventDefault(); doReveal(); }
    else if (/^[1-4]$/.test(ev.key) && revealed) { ev.preventDefault(); grade(Number(ev.key)); }
  });

  // ---- start: load ts-fsrs (a UMD bundle; hide an AMD loader so it sets window.FSRS)
  function start(lib) {
    F = lib;
    scheduler = F.fsrs(F.generatorParameters({ enable_fuzz: false }));
    root.dataset.ready = "1";
    show();
  }
  if (window.FSRS && window.FSRS.fsrs) { start(window.FSRS); return; }
  var base = document.documentElement.dataset.content_root || "../";
  var script = el("script", { src: base + "_static/ts-fsrs/index.umd.js" });
  var define = window.define;
  window.define = undefined;
  script.onload = function () { window.define = define; start(window.FSRS); };
  script.onerror = function () {
    window.define = define;
    question.textContent = "The scheduler (ts-fsrs) could not be loaded: run make vendor and rebuild the site.";
    console.error("mlnotes flashcards: " + script.src + " did not load");
  };
  document.head.appendChild(script);
})();
