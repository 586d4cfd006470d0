#!/usr/bin/env bash
# Build the book into _build/html with every chapter executed, reusing jupyter-cache.
# The cache is keyed on code cells only, so when mlnotes/ or the pins change we drop it and
# rebuild every page: a cached build never shows outputs of older package code.
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$(cat requirements.txt $(find mlnotes -name '*.py' | sort) | sha256sum | cut -c1-16)
stamp=_build/.mlnotes-hash
args=()
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  [ -f "$stamp" ] && echo "mlnotes or requirements changed: re-executing every chapter"
  rm -rf _build/.jupyter_cache
  args+=(--all)
fi
export MLNOTES_EXPLORE=static MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
.venv/bin/jupyter-book build . --keep-going "${args[@]}" "$@"
mkdir -p _build && echo "$hash" > "$stamp"
echo
echo "The book is at: $(pwd)/_build/html/index.html   (make serve → http://127.0.0.1:8000)"
