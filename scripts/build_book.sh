#!/usr/bin/env bash
# Build the book into _build/html, executing chapters in parallel (scripts/jb.py: one process per
# chapter, as many at once as there are cores; MLNOTES_JOBS overrides).
# Sphinx rebuilds only the chapters whose source changed. It cannot see changes to mlnotes/ or to
# the pins, so we keep a hash of those: when it changes, every chapter is re-executed (--all).
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$(cat requirements.txt $(find mlnotes _ext -name '*.py' | sort) | sha256sum | cut -c1-16)
stamp=_build/.mlnotes-hash
args=()
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  [ -f "$stamp" ] && echo "mlnotes, _ext or requirements changed: re-executing every chapter"
  rm -rf _build/html/_images/mlx _build/.jupyter_cache
  args+=(--all)
fi
export MLNOTES_EXPLORE=static MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
start=$(date +%s)
# The kernel's "running over TCP without encryption" notice is noise on a single-user machine.
.venv/bin/python scripts/jb.py build . --keep-going "${args[@]}" "$@" 2> >(grep -v "Kernel is running over TCP" >&2)
mkdir -p _build && echo "$hash" > "$stamp"
echo
echo "Built in $(( $(date +%s) - start )) s. The book is at: $(pwd)/_build/html/index.html   (make serve → http://127.0.0.1:8000)"
