# mlnotes — two commands do everything: `make book` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000

.PHONY: book test unit nbval strict browser lab-test rag-cache lab serve bench vendor pdf clean help
.DEFAULT_GOAL := help

help:
	@echo "make book   build the site into _build/html (creates .venv, fetches the site's JavaScript)"
	@echo "make test   unit tests, strict fresh build, second execution compared with it (nbval), site and Lab in Chromium"
	@echo "make lab    Jupyter Lab on your own copies of the chapters (notebooks/), live sliders"
	@echo "make serve  serve _build/html on http://127.0.0.1:$(PORT)"
	@echo "make bench  measure build, execution, page size and slider speed (bench/RESULTS.md)"
	@echo "make pdf    the print edition: the whole site as one A4 PDF with cheat sheets (_build/mlnotes.pdf)"
	@echo "after make book: .venv/bin/mlnotes ask \"why divide by sqrt of d_k\"  searches the book"

# The pinned environment: rebuilt when requirements.txt or pyproject.toml change.
.venv/.installed: requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -qq --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -qq --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install -qq --disable-pip-version-check --no-deps --no-build-isolation -e .
	mkdir -p .venv/share/jupyter/lab/settings
	cp scripts/lab-overrides.json .venv/share/jupyter/lab/settings/overrides.json
	touch $@

vendor: vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS
vendor/VERSIONS: scripts/fetch_site_js.sh
	scripts/fetch_site_js.sh
# Pyodide + numpy for the drills' "Run in your browser" (sha256-checked against Pyodide's lock file).
vendor_pyodide/pyodide/VERSIONS: scripts/fetch_pyodide.sh scripts/pyodide_assets.py
	scripts/fetch_pyodide.sh

# Embed the book once (MiniLM, about a minute cold) into .cache/mlnotes; seconds when warm.
rag-cache: .venv/.installed
	$(PY) -m mlnotes.rag.prime

book: .venv/.installed vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS rag-cache
	scripts/build_book.sh

test: .venv/.installed vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS rag-cache
	scripts/test.sh

unit nbval strict browser: .venv/.installed vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS rag-cache
	scripts/test.sh $@

lab-test: .venv/.installed vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS rag-cache
	scripts/test.sh lab

# Your own copies of the chapters (notebooks/, never tracked): created on first run, kept after.
FIRST_CHAPTER := $(shell sed -n 's|.*file: *chapters/\([A-Za-z0-9_-]*\).*|\1|p' _toc.yml | head -1)
lab: .venv/.installed
	.venv/bin/mlnotes notebooks
	MLNOTES_EXPLORE=live .venv/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	  $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/$(FIRST_CHAPTER).ipynb

serve:
	@test -f _build/html/index.html || { echo "no site yet: run make book"; exit 1; }
	@echo "serving http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

bench: .venv/.installed vendor/VERSIONS vendor_pyodide/pyodide/VERSIONS
	$(PY) scripts/bench.py

# The print edition: every page of the built site printed by Chromium into one A4 PDF (scripts/pdf.py).
pdf: book
	scripts/ensure_chromium.sh
	scripts/ensure_cjk_font.sh
	$(PY) scripts/pdf.py --site _build/html --out _build/mlnotes.pdf

clean:
	rm -rf _build bench/tmp build
